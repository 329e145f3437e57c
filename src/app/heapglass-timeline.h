/* heapglass-timeline.h: the timeline under the canvas: step slider, first/back/play/forward/last,
 * step over/out, play speed, and the sparkline of live objects over the run. */
#pragma once

#include <gtk/gtk.h>

#include "heapglass-run-controller.h"
#include "heapglass-trace.h"

G_BEGIN_DECLS

#define HEAPGLASS_TYPE_TIMELINE (heapglass_timeline_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassTimeline, heapglass_timeline, HEAPGLASS, TIMELINE, GtkWidget)

/* Signals:
 *   "step-requested" (guint step)  the learner moved the slider or clicked the sparkline (the
 *                                  controller, when set, is moved there too)
 * Properties: "step" (guint, read-only from outside: use set_step), "n-steps", "speed" (double,
 * steps per second), "playing" (gboolean). The buttons activate win.step-first, win.step-back,
 * win.play, win.step-forward, win.step-last, win.step-over and win.step-out. */
GtkWidget *heapglass_timeline_new (void);

/* Follows the controller: its trace, steps, current step and playback; its speed is the one
 * chosen here. NULL lets go of it. */
void heapglass_timeline_set_controller (HeapglassTimeline *self,
                                        HeapglassRunController *controller);

void heapglass_timeline_set_trace (HeapglassTimeline *self, HeapglassTrace *trace);
/* More steps arrived (tracing) or the run ended: widens the slider and refreshes the sparkline. */
void heapglass_timeline_set_n_steps (HeapglassTimeline *self, guint n_steps);
guint heapglass_timeline_get_n_steps (HeapglassTimeline *self);
/* Moves the slider without emitting "step-requested". */
void heapglass_timeline_set_step (HeapglassTimeline *self, guint step);
guint heapglass_timeline_get_step (HeapglassTimeline *self);
void heapglass_timeline_set_speed (HeapglassTimeline *self, double steps_per_second);
double heapglass_timeline_get_speed (HeapglassTimeline *self);
/* Shows the play button as pause while playing. */
void heapglass_timeline_set_playing (HeapglassTimeline *self, gboolean playing);

/* What the labels say, for tests: "Step 12 of 40", the step in words ("Line 4 runs") and the
 * chart's caption ("live objects" or "bytes"). */
const char *heapglass_timeline_get_step_text (HeapglassTimeline *self);
const char *heapglass_timeline_get_event_text (HeapglassTimeline *self);
const char *heapglass_timeline_get_caption (HeapglassTimeline *self);

G_END_DECLS
