/* heapglass-layout-private.h: what the layout's files share: geometry constants, the layout's
 * state, and the per-step plan (nodes, columns) that placement fills, routing reads and emission
 * turns into scene items. */
#pragma once

#include "heapglass-layout.h"

G_BEGIN_DECLS

/* Geometry, in model units. Text is measured with fixed advances of the monospace font the
 * renderer uses (DejaVu Sans Mono: 0.602 em), so layout needs no font machinery and is fast. */
#define MARGIN 24.0
#define HEADING_H 24.0 /* the "Stack" and "Heap" headings above the columns */
#define FRAME_W 232.0
#define FRAME_HEAD_H 28.0
#define ROW_H 26.0
#define FRAME_PAD 6.0
#define FRAME_GAP 12.0
#define MARKER_H 30.0
#define LABEL_H 16.0 /* the type-name band above an object's box */
#define SLOT_W 40.0
#define SLOT_H 30.0
#define NAME_SLOT_W 24.0
#define NAME_SLOT_H 20.0
#define VALUE_H 28.0
#define PAD 8.0
#define STACK_CHANNEL 64.0 /* between the stack and the first heap column */
#define CHANNEL 56.0       /* between two heap columns: where arrows turn */
#define LANE_W 6.0         /* arrows in one channel keep this far apart */
#define VGAP 14.0          /* between two objects of one column */
#define NOTE_H 34.0
#define MAX_LIBRARY_ROOTS 6 /* trees of library objects drawn when asked, before "… and N more" */
#define MAX_GHOSTS 4        /* objects freed by a step drawn before "… N more freed" */
#define CHAR_W 7.83         /* 13-unit monospace */
#define SMALL_CHAR_W 6.63   /* 11-unit monospace */
#define HEADING_CHAR_W 7.6  /* 12-unit bold sans, generously */
#define MAX_VALUE_CHARS 24
#define INLINE_MAX_CHARS 12
#define FRAME_MARKER_STEP 100 /* frames a click on "… N frames …" reveals */

/* One cell of an object's box, relative to the object's origin (top-left of the label band). */
typedef struct
{
  double x, y, w, h;
  double vx;      /* where the value part starts (after an index or attribute name) */
  guint64 target; /* the object referred to (0: none, or inline) */
  guint index;
  HeapglassSceneFlags flags;
  const char *label; /* attribute name; NULL for index labels (the index is used) */
  char *text;        /* inline value or marker text (owned) */
  gboolean marker;   /* "… N more" */
  guint64 count;
} Cell;

typedef struct
{
  double w, h;
  char *value; /* text of a value box (owned), NULL for containers */
  gboolean dead;
} Geometry;

/* A frame box of the stack column (or the "… N frames …" marker). */
typedef struct
{
  guint index; /* in snapshot->frames; G_MAXUINT for the marker */
  double y, h;
  guint hidden; /* marker: frames hidden */
} FrameBox;

#define NO_NODE G_MAXUINT

/* An object drawn at this step. */
typedef struct
{
  const HeapglassObjectView *obj;
  guint column;      /* 1 = next to the stack */
  guint parent;      /* node that first refers to it, NO_NODE when a frame's name does */
  double anchor_y;   /* where that reference leaves: absolute for a frame name, else relative to
                        the parent's origin */
  gboolean chain;    /* continues its parent's chain (a linked list): level with it */
  gboolean ghost;    /* freed by this step */
  double x, y, w, h; /* the box, label band included */
  guint order;       /* discovery order */
} Node;

/* Routing: the vertical line arrows to one target share in one channel. */
typedef struct
{
  guint channel; /* right of this column */
  guint target;  /* node */
  double sy;     /* the sources' mean height; once assigned, the lane's x */
  double ey;
  guint count;
} Lane;

/* What the layout draws besides frames and objects. */
typedef struct
{
  double x, y, w, h;
  char *text;
  gboolean note; /* a NOTE box (program finished); else a free LABEL */
  guint box;     /* node it belongs to, NO_NODE */
} Extra;

struct _HeapglassLayout
{
  GObject parent_instance;

  gboolean inline_values;
  gboolean show_library;
  guint max_slots;
  guint max_frames;
  guint extra_frames;
  GHashTable *expanded; /* oid (guint64 *) set */

  HeapglassTrace *trace; /* from prepare(): the step before (changes) and the ending */
  GHashTable *positions; /* oid → double[2] of the last scene built (get_position()) */

  /* The plan of the step being built, reused so that a step allocates little. */
  GHashTable *by_oid;       /* oid → const HeapglassObjectView * of the current snapshot */
  GHashTable *user_classes; /* names of the classes in the current snapshot */
  gboolean has_modules;     /* the current snapshot holds a module (the program imports) */
  GHashTable *node_of;      /* oid → node index + 1 */
  GHashTable *previous;     /* oid → object view at the step before (changed containers only) */
  GHashTable *was_shown;    /* oid set: drawn at the step before (for ghosts), NULL: unknown */
  GArray *nodes;            /* Node */
  GArray *frames;           /* FrameBox */
  GArray *extras;           /* Extra */
  GArray *col_x;            /* double: left edge of each column (0 = the stack) */
  GArray *col_w;            /* double: width of each column */
  GPtrArray *col_nodes;     /* per column: GArray of node indices sorted by y (routing) */
  GArray *lanes;            /* routing: one lane per channel and target */
  GHashTable *lane_x;       /* channel << 32 | target node → index + 1 in lanes */
  guint ghosts_hidden;      /* freed objects not drawn ("… N more freed") */
  double heap_bottom;       /* below every live object: a corridor across every column */
  GArray *cells;
  GString *text;
};

/* heapglass-layout-geometry.c: the boxes and their cells, and the text of values. */
char *_heapglass_layout_format_count (guint64 n);
char *_heapglass_layout_value_text (const HeapglassObjectView *obj, guint max_chars);
double _heapglass_layout_text_width (const char *text, double char_w);
gboolean _heapglass_layout_is_inline (HeapglassLayout *self, const HeapglassObjectView *obj);
/* An instance of a class the program does not hold (a library's, when the program imported
 * one): its attributes are the library's business and are not followed unless asked. */
gboolean _heapglass_layout_is_library (HeapglassLayout *self, const HeapglassObjectView *obj);
const HeapglassObjectView *_heapglass_layout_lookup (HeapglassLayout *self, guint64 oid);
/* Fills self->cells and `geom` (free geom->value). */
void _heapglass_layout_object_geometry (HeapglassLayout *self, const HeapglassObjectView *obj,
                                        Geometry *geom);
void _heapglass_layout_cell_anchor (const Cell *cell, double *x, double *y);
/* Where every reference to an object ends: one point of its box's left edge, relative to the
 * node's origin. */
double _heapglass_layout_entry_dy (const Node *node);
void _heapglass_layout_cell_clear (gpointer data);

/* heapglass-layout-place.c: frames, then objects in columns by reference structure. */
void _heapglass_layout_place (HeapglassLayout *self, const HeapglassSnapshot *snapshot);
/* Is frames[index] the one returning at this step (it gets a "return value" row)? */
gboolean _heapglass_layout_frame_returns (const HeapglassSnapshot *snapshot, guint index);
/* A frame's exception note: "Type: message", or the type alone when the message is empty. */
char *_heapglass_layout_exception_text (const HeapglassFrameView *frame);
void _heapglass_layout_name_slot_rect (const FrameBox *box, guint binding, const char *inline_text,
                                       double *x, double *y, double *w, double *h);

/* heapglass-layout-route.c: orthogonal paths between columns, around every box. Returns the
 * number of points written to `points` (pairs of doubles, at most 8 points). */
guint _heapglass_layout_route (HeapglassLayout *self, double sx, double sy, guint source_column,
                               guint target, double *points);
/* Before routing: every arrow's source height and target, then assign the channels' lanes. */
void _heapglass_layout_lanes_begin (HeapglassLayout *self);
void _heapglass_layout_lanes_add (HeapglassLayout *self, double sy, guint source_column,
                                  guint target);
void _heapglass_layout_lanes_assign (HeapglassLayout *self);

/* heapglass-layout-emit.c: the scene of the plan. */
HeapglassScene *_heapglass_layout_emit (HeapglassLayout *self, const HeapglassSnapshot *snapshot);

G_END_DECLS
