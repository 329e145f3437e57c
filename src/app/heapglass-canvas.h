/* heapglass-canvas.h: the memory canvas, a GtkWidget that shows one step's diagram (the shared
 * renderer's picture) and lets the learner pan, zoom, click references and expand collapsed parts.
 */
#pragma once

#include <gtk/gtk.h>

#include "heapglass-layout.h"
#include "heapglass-marks.h"
#include "heapglass-scene.h"
#include "heapglass-trace.h"

G_BEGIN_DECLS

#define HEAPGLASS_TYPE_CANVAS (heapglass_canvas_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassCanvas, heapglass_canvas, HEAPGLASS, CANVAS, GtkWidget)

/* Signals:
 *   "selection-changed" (guint64 oid)   the selected object changed (0 = nothing selected)
 *   "object-activated"  (guint64 oid)   an object was clicked / Enter on it: show it in the
 * inspector "expand-requested"  (guint64 key)   a collapsed part ("… N frames …", "… N more") was
 *                                       expanded; the canvas handles it itself, this is for info
 * Properties: "trace", "step", "dark", "zoom" (double, 1.0 = 100 %), "selected-oid" (guint64). */
GtkWidget *heapglass_canvas_new (void);

void heapglass_canvas_set_trace (HeapglassCanvas *self, HeapglassTrace *trace);
HeapglassTrace *heapglass_canvas_get_trace (HeapglassCanvas *self);
/* Takes the snapshot of `step` (1-based; 0 = nothing), rebuilds the scene with the persistent
 * layout and redraws. Calling it again with the same step refreshes (more steps may have arrived).
 */
void heapglass_canvas_set_step (HeapglassCanvas *self, guint step);
guint heapglass_canvas_get_step (HeapglassCanvas *self);
/* The snapshot shown (NULL when nothing is shown). Owned by the canvas. */
HeapglassSnapshot *heapglass_canvas_get_snapshot (HeapglassCanvas *self);

/* Light or dark palette. By default the canvas follows AdwStyleManager; calling this overrides. */
void heapglass_canvas_set_dark (HeapglassCanvas *self, gboolean dark);
gboolean heapglass_canvas_get_dark (HeapglassCanvas *self);

/* Zoom: 1.0 = 100 %. zoom_in/out keep the centre of the view still; zoom_at keeps the widget
 * point (x, y) still (Ctrl+scroll, pinch). fit shows the whole diagram. */
void heapglass_canvas_zoom_in (HeapglassCanvas *self);
void heapglass_canvas_zoom_out (HeapglassCanvas *self);
void heapglass_canvas_zoom_reset (HeapglassCanvas *self);
void heapglass_canvas_zoom_fit (HeapglassCanvas *self);
void heapglass_canvas_zoom_at (HeapglassCanvas *self, double zoom, double widget_x,
                               double widget_y);
double heapglass_canvas_get_zoom (HeapglassCanvas *self);

/* The view transform: widget point = (scene point - offset) × zoom. */
void heapglass_canvas_get_offset (HeapglassCanvas *self, double *scene_x, double *scene_y);
void heapglass_canvas_scroll_to (HeapglassCanvas *self, double scene_x, double scene_y,
                                 gboolean animate);
void heapglass_canvas_widget_to_scene (HeapglassCanvas *self, double widget_x, double widget_y,
                                       double *scene_x, double *scene_y);
void heapglass_canvas_scene_to_widget (HeapglassCanvas *self, double scene_x, double scene_y,
                                       double *widget_x, double *widget_y);

/* The scene of the current step (for tests and exports); NULL when nothing is shown. */
HeapglassScene *heapglass_canvas_get_scene (HeapglassCanvas *self);

/* Selection: the object is highlighted with every name and arrow that refers to it, and scrolled
 * into view. 0 clears it. Emits "selection-changed". */
void heapglass_canvas_select_oid (HeapglassCanvas *self, guint64 oid);
guint64 heapglass_canvas_get_selected_oid (HeapglassCanvas *self);

/* What a click at the widget point does (the same code the click gesture runs): select the
 * object or the target of a name/arrow, or expand a collapsed part. Returns TRUE if something
 * was hit. */
gboolean heapglass_canvas_click_at (HeapglassCanvas *self, double widget_x, double widget_y);
/* Same, at a scene point (tests: the scene gives model coordinates). */
gboolean heapglass_canvas_click_scene_point (HeapglassCanvas *self, double scene_x, double scene_y);

/* Keyboard focus inside the canvas (Tab / Shift+Tab move it through frames, names, objects and
 * markers): the focused shape, NULL when none. Valid until the scene changes. */
const HeapglassSceneItem *heapglass_canvas_get_focus_item (HeapglassCanvas *self);
/* What Enter does: follow the focused name's reference (select its object and move the focus
 * there), inspect the focused object, expand the focused marker. FALSE when nothing is focused. */
gboolean heapglass_canvas_activate_focus (HeapglassCanvas *self);

/* Tooltip text for the widget point (what query-tooltip shows); NULL when nothing is there. */
char *heapglass_canvas_describe_at (HeapglassCanvas *self, double widget_x, double widget_y);

/* Forget expanded parts and positions (a new run of a different program). set_trace does it. */
void heapglass_canvas_reset_layout (HeapglassCanvas *self);
/* The persistent layout (options such as inline values or max slots are set on it; the canvas
 * rebuilds its scene when it emits "changed"). Owned by the canvas. */
HeapglassLayout *heapglass_canvas_get_layout (HeapglassCanvas *self);

/* Marks drawn over the diagram by the teaching tools (compare with a pinned step, predict); NULL
 * removes them. The canvas keeps a reference; call again (or queue a draw) after changing them. */
void heapglass_canvas_set_marks (HeapglassCanvas *self, HeapglassMarks *marks);

/* Words the teaching tools add to the canvas's narration (its accessible description) and to what
 * it announces, until replaced: what differs from a pinned step, how a prediction went. NULL
 * removes them. */
void heapglass_canvas_set_narration_note (HeapglassCanvas *self, const char *note);
/* The canvas's accessible description and its announcement (what the step changed, then the
 * note), as last set. */
const char *heapglass_canvas_get_announcement (HeapglassCanvas *self);

G_END_DECLS
