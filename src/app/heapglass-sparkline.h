/* heapglass-sparkline.h: a small chart of live objects (and bytes) at every step of the run, with
 * the current step marked; clicking or dragging on it seeks. */
#pragma once

#include <gtk/gtk.h>

#include "heapglass-trace.h"

G_BEGIN_DECLS

typedef enum
{
  HEAPGLASS_SPARKLINE_OBJECTS = 0, /* live objects per step */
  HEAPGLASS_SPARKLINE_BYTES = 1,   /* live bytes per step */
} HeapglassSparklineMode;

#define HEAPGLASS_TYPE_SPARKLINE (heapglass_sparkline_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassSparkline, heapglass_sparkline, HEAPGLASS, SPARKLINE, GtkWidget)

/* Signals:
 *   "step-activated" (guint step)   clicked or dragged to this step (1-based) */
GtkWidget *heapglass_sparkline_new (void);

void heapglass_sparkline_set_trace (HeapglassSparkline *self, HeapglassTrace *trace);
void heapglass_sparkline_set_step (HeapglassSparkline *self, guint step);
guint heapglass_sparkline_get_step (HeapglassSparkline *self);
void heapglass_sparkline_set_mode (HeapglassSparkline *self, HeapglassSparklineMode mode);
HeapglassSparklineMode heapglass_sparkline_get_mode (HeapglassSparkline *self);
/* More steps arrived while tracing: re-read the new ones (cheap: only the new steps are read). */
void heapglass_sparkline_refresh (HeapglassSparkline *self);

/* The downsampled series for a width of `n_columns` pixels: per column, the min and max of the
 * chosen value over the steps that fall in it (for tests, and used by the drawing). Returns the
 * number of columns filled (≤ n_columns; fewer when there are fewer steps). */
guint heapglass_sparkline_get_columns (HeapglassSparkline *self, guint n_columns, guint64 *mins,
                                       guint64 *maxs);
/* The step under widget x (what a click there seeks to); 0 when there is no trace. */
guint heapglass_sparkline_step_at (HeapglassSparkline *self, double x);

G_END_DECLS
