/* heapglass-scene.h: one step's memory diagram as a flat, immutable list of shapes in model
 * coordinates (boxes, labels, slots, arrows, collapse markers), with extents and hit-testing.
 * Built by HeapglassLayout, drawn by heapglass_renderer_draw(), hit-tested by the canvas. */
#pragma once

#include <glib-object.h>

#include "heapglass-trace.h"

G_BEGIN_DECLS

/* Model units: 1 unit = 1 pixel at 100 % zoom. y grows downwards (cairo's convention). */

typedef enum
{
  HEAPGLASS_SCENE_FRAME,         /* a stack frame box: name = function, text = "line N" */
  HEAPGLASS_SCENE_NAME,          /* a binding row in a frame: name; its slot is the arrow's start */
  HEAPGLASS_SCENE_OBJECT,        /* a heap object box: name = type name, text = value (if any) */
  HEAPGLASS_SCENE_SLOT,          /* a cell inside an object: list/tuple/set item, dict key or value,
                                    attribute, weakref referent; name = its label ("0", "x", …) */
  HEAPGLASS_SCENE_ARROW,         /* a reference: from a NAME or SLOT to an OBJECT (a polyline of
                                    orthogonal segments, drawn with rounded corners) */
  HEAPGLASS_SCENE_FRAMES_MARKER, /* "… N frames …" in place of the middle of a deep stack */
  HEAPGLASS_SCENE_MORE_MARKER,   /* "… N more" at the end of a long container (oid = container) */
  HEAPGLASS_SCENE_LABEL, /* text outside any box: "Stack", "Heap", "… N more freed" (text) */
  HEAPGLASS_SCENE_NOTE,  /* a box with a sentence: "Program finished" (text) */
} HeapglassSceneKind;

typedef enum
{
  HEAPGLASS_SCENE_FLAG_NONE = 0,
  HEAPGLASS_SCENE_FLAG_CHANGED = 1 << 0,   /* new binding / new object / mutated slot this step */
  HEAPGLASS_SCENE_FLAG_FREED = 1 << 1,     /* object freed by this step: drawn faded */
  HEAPGLASS_SCENE_FLAG_WEAK = 1 << 2,      /* arrow of a weak reference: dashed, "weak" badge */
  HEAPGLASS_SCENE_FLAG_DEAD = 1 << 3,      /* weakref whose referent is gone: "dead" mark */
  HEAPGLASS_SCENE_FLAG_EXCEPTION = 1 << 4, /* frame that raised at this step (text = message) */
  HEAPGLASS_SCENE_FLAG_INLINE = 1 << 5,    /* NAME/SLOT showing a small immutable value inline
                                              (inline_values option): text = the value, no arrow */
  HEAPGLASS_SCENE_FLAG_CURRENT = 1 << 6,   /* FRAME: the innermost (executing) frame */
  HEAPGLASS_SCENE_FLAG_EXPANDED = 1 << 7,  /* OBJECT: the user expanded it (shows more items) */
  HEAPGLASS_SCENE_FLAG_KEY = 1 << 8,       /* SLOT: a dict key cell (the value cell is next) */
} HeapglassSceneFlags;

#define HEAPGLASS_SCENE_NO_PARENT G_MAXUINT

typedef struct
{
  HeapglassSceneKind kind;
  HeapglassSceneFlags flags;
  /* Bounding box in model units. For an ARROW: the box around its curve. */
  double x, y, width, height;
  /* What the shape stands for, as fits the kind:
   *   FRAME, NAME:        frame_id (and oid = the bound object for a NAME, 0 when inline)
   *   OBJECT:             oid
   *   SLOT:               oid = the container, target_oid = the item (0 when inline), slot = index
   *   ARROW:              target_oid = the object pointed to; from a NAME: frame_id + slot =
   *                       binding index; from a SLOT: oid = the container + slot = slot index
   *   FRAMES_MARKER:      count = hidden frames, first_depth = depth (0 = outermost) of the first
   *                       hidden one
   *   MORE_MARKER:        oid = the container, count = items not shown (exact) */
  guint64 oid;
  guint64 target_oid;
  guint frame_id;
  guint slot;
  guint64 count;
  guint first_depth;
  HgKind object_kind; /* OBJECT and SLOT: the kind of the object (its container for a SLOT) */
  const char *name;   /* see the kinds above; owned by the scene; may be NULL */
  const char *text;   /* the text drawn (value, marker, "line 7", exception); may be NULL */
  guint parent;       /* index of the enclosing FRAME/OBJECT (for NAME, SLOT, MORE_MARKER), or
                         for an ARROW the index of its source NAME/SLOT; else NO_PARENT */
  /* ARROW: (x0, y0) is where it leaves the source (the dot), (x3, y3) the arrowhead's tip on
   * the target's entry point, shared by every arrow into that object; (x1, y1) and (x2, y2) are
   * the second and the second-to-last points of its path.
   * NAME and SLOT: (x0, y0)–(x1, y1) is the value cell (right of a name, index or attribute
   * name), where the arrow leaves from its middle or the inline value is drawn. */
  double x0, y0, x1, y1, x2, y2, x3, y3;
  /* ARROW: its path, n_points (x, y) pairs from (x0, y0) to (x3, y3); owned by the scene. */
  guint n_points;
  const double *points;
} HeapglassSceneItem;

typedef struct _HeapglassScene HeapglassScene;

#define HEAPGLASS_TYPE_SCENE (heapglass_scene_get_type ())
GType heapglass_scene_get_type (void) G_GNUC_CONST;

/* Scenes are immutable once built (HeapglassLayout builds them) and reference counted. */
HeapglassScene *heapglass_scene_ref (HeapglassScene *scene);
void heapglass_scene_unref (HeapglassScene *scene);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeapglassScene, heapglass_scene_unref)

/* Items in drawing order (frames, then objects, then arrows on top, markers last). */
guint heapglass_scene_get_n_items (HeapglassScene *scene);
const HeapglassSceneItem *heapglass_scene_get_item (HeapglassScene *scene, guint index);
guint heapglass_scene_get_item_index (HeapglassScene *scene, const HeapglassSceneItem *item);

/* The box around every shape, margins included (what an export or "zoom to fit" shows). */
void heapglass_scene_get_extents (HeapglassScene *scene, double *x, double *y, double *width,
                                  double *height);

/* The step this scene shows (1-based), the steps known and the executing line. */
guint heapglass_scene_get_step (HeapglassScene *scene);
guint heapglass_scene_get_n_steps (HeapglassScene *scene);
guint heapglass_scene_get_line (HeapglassScene *scene);

/* What is at the model point (x, y), the most specific shape first: a marker, a SLOT or NAME,
 * then an ARROW within a few units of its curve, then an OBJECT or FRAME box. NULL if nothing. */
const HeapglassSceneItem *heapglass_scene_hit_test (HeapglassScene *scene, double x, double y);

/* Lookups (NULL when not in this scene). */
const HeapglassSceneItem *heapglass_scene_find_object (HeapglassScene *scene, guint64 oid);
const HeapglassSceneItem *heapglass_scene_find_frame (HeapglassScene *scene, guint frame_id);
const HeapglassSceneItem *heapglass_scene_find_name (HeapglassScene *scene, guint frame_id,
                                                     const char *name);
/* The arrow that leaves a NAME or SLOT item (NULL when inline or not drawn). */
const HeapglassSceneItem *heapglass_scene_find_arrow_from (HeapglassScene *scene,
                                                           const HeapglassSceneItem *source);

/* The point at `fraction` (0 … 1) of an arrow's length along its path. */
void heapglass_scene_arrow_point (const HeapglassSceneItem *arrow, double fraction, double *x,
                                  double *y);

/* Is this point inside (or within `tolerance` of) the item's shape? Arrows test the path. */
gboolean heapglass_scene_item_contains (const HeapglassSceneItem *item, double x, double y,
                                        double tolerance);

/* A scene between two steps' scenes, for an animation: `to`'s shapes, each object (with its
 * cells), frame (with its names) and arrow moved back towards where `from` had it by (1 − t).
 * Shapes new in `to` stay where they are. t = 1 gives `to`'s geometry. */
HeapglassScene *heapglass_scene_new_tween (HeapglassScene *from, HeapglassScene *to, double t);
/* Does any object or frame of both scenes sit elsewhere in `to` than in `from`? */
gboolean heapglass_scene_has_moves (HeapglassScene *from, HeapglassScene *to);

/* Building (HeapglassLayout only): a scene is filled once, then finished and never changed. */
HeapglassScene *heapglass_scene_new (guint step, guint n_steps, guint line);
/* Copies the item; its name, text and points are copied into the scene. Returns the item's
 * index. */
guint heapglass_scene_add_item (HeapglassScene *scene, const HeapglassSceneItem *item);
/* Computes the extents (with `margin` around the shapes) and the lookup tables. */
void heapglass_scene_finish (HeapglassScene *scene, double margin);

/* A frame's exception note ("NameError: name 'x' is not defined") is drawn in lines of at most
 * HEAPGLASS_SCENE_NOTE_CHARS characters of the small monospace font, at most
 * HEAPGLASS_SCENE_NOTE_MAX_LINES of them, in a band HEAPGLASS_SCENE_NOTE_PAD + lines ×
 * HEAPGLASS_SCENE_NOTE_LINE_H tall at the bottom of the frame: the layout reserves it, the
 * renderer draws it, both with heapglass_scene_wrap_note(). */
#define HEAPGLASS_SCENE_NOTE_CHARS 31
#define HEAPGLASS_SCENE_NOTE_MAX_LINES 6
#define HEAPGLASS_SCENE_NOTE_LINE_H 14.0
#define HEAPGLASS_SCENE_NOTE_PAD 10.0

/* `text` broken at spaces (a word longer than a line is cut) into at most `max_lines` lines of at
 * most `max_chars` characters; what does not fit ends the last line with "…". */
GStrv heapglass_scene_wrap_note (const char *text, guint max_chars, guint max_lines);
/* The height of the band of a note of `n_lines` lines. */
double heapglass_scene_note_height (guint n_lines);

G_END_DECLS
