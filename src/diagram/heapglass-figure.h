/* heapglass-figure.h: what a scene shows a reader, as top-level boxes, labels outside boxes and
 * arrows as polylines, in the exported picture's coordinates (the PNG's pixels at scale 1). The
 * model of `heapglass --layout-json` and of the layout-quality test. */
#pragma once

#include <glib.h>

#include "heapglass-scene.h"

G_BEGIN_DECLS

typedef enum
{
  HEAPGLASS_FIGURE_FRAME,
  HEAPGLASS_FIGURE_OBJECT,
  HEAPGLASS_FIGURE_GHOST,   /* an object freed by this step */
  HEAPGLASS_FIGURE_SUMMARY, /* "… N frames …" */
  HEAPGLASS_FIGURE_NOTE,    /* "Program finished" */
} HeapglassFigureBoxKind;

typedef struct
{
  HeapglassFigureBoxKind kind;
  char *id; /* "frame:3", "object:17", "frames:4", "note:0" */
  double x, y, w, h;
  guint64 oid; /* OBJECT and GHOST */
} HeapglassFigureBox;

typedef struct
{
  char *text;
  double x, y, w, h;
  char *box; /* the id of the box it belongs to, NULL for a heading */
} HeapglassFigureLabel;

typedef struct
{
  char *from, *to; /* box ids */
  gboolean weak;
  guint n_points;
  double *points; /* n_points (x, y) pairs: from where it leaves the name or cell to the tip */
} HeapglassFigureArrow;

typedef struct
{
  guint step;
  double width, height;
  GArray *boxes;  /* HeapglassFigureBox */
  GArray *labels; /* HeapglassFigureLabel */
  GArray *arrows; /* HeapglassFigureArrow */
} HeapglassFigure;

HeapglassFigure *heapglass_figure_new (HeapglassScene *scene);
void heapglass_figure_free (HeapglassFigure *figure);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeapglassFigure, heapglass_figure_free)

/* The figure as one JSON object {"step", "width", "height", "boxes", "labels", "arrows"}. */
void heapglass_figure_append_json (const HeapglassFigure *figure, GString *out);

/* The "kind" string of a box: "frame", "object", "ghost", "summary", "note". */
const char *heapglass_figure_box_kind_to_string (HeapglassFigureBoxKind kind);

G_END_DECLS
