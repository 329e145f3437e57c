/* heapglass-canvas-a11y.h: the canvas's accessible side. It mirrors the scene of each step as
 * child widgets (HeapglassCanvasItem): frames (role group, label the function), their names
 * (label the name, description what it refers to and who else does, FLOW_TO its object), objects
 * (label type and short value, description referrers and what this step did to them) and
 * collapse markers; it sets the canvas's description to the step's narration and a status child
 * to what the step changed, so screen readers can announce it. */
#pragma once

#include <gtk/gtk.h>

#include "heapglass-scene.h"
#include "heapglass-trace.h"

G_BEGIN_DECLS

typedef struct _HeapglassCanvasA11y HeapglassCanvasA11y;

/* `canvas` becomes the parent of the widgets made; they go with heapglass_canvas_a11y_free(). */
HeapglassCanvasA11y *heapglass_canvas_a11y_new (GtkWidget *canvas);
void heapglass_canvas_a11y_free (HeapglassCanvasA11y *self);

/* Mirror `scene` (NULL: nothing shown) of `snapshot`. `previous` is the snapshot of the step
 * before when the caller has it (NULL: taken from `trace` when needed). Widgets of shapes that
 * stay (same frame, name, object) are kept, so focus survives the step. */
void heapglass_canvas_a11y_update (HeapglassCanvasA11y *self, HeapglassTrace *trace,
                                   HeapglassScene *scene, HeapglassSnapshot *snapshot,
                                   HeapglassSnapshot *previous);

/* The selected object is marked selected. */
void heapglass_canvas_a11y_set_selected (HeapglassCanvasA11y *self, guint64 oid);

/* Place the widgets over their shapes: widget point = (scene point - offset) × zoom. Call from
 * the canvas's size_allocate. */
void heapglass_canvas_a11y_allocate (HeapglassCanvasA11y *self, double zoom, double offset_x,
                                     double offset_y);

/* The widget of a scene item (NULL for slots and arrows, or when there is none), and back: the
 * scene index of a widget of ours, or -1. */
GtkWidget *heapglass_canvas_a11y_get_widget (HeapglassCanvasA11y *self,
                                             const HeapglassSceneItem *item);
int heapglass_canvas_a11y_get_index (HeapglassCanvasA11y *self, GtkWidget *widget);

/* The text given to the status child at the last update (what the step changed, then the note). */
const char *heapglass_canvas_a11y_get_status (HeapglassCanvasA11y *self);

/* Words told after the step's narration and announced with what it changed, until replaced:
 * what differs from a pinned step, how a prediction went. NULL: none. */
void heapglass_canvas_a11y_set_note (HeapglassCanvasA11y *self, const char *note);

G_END_DECLS
