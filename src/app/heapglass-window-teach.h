/* heapglass-window-teach.h: the window's teaching tools, seen from outside (tests, the app):
 * breakpoints, the call tree panel, a pinned step to compare with, and Predict mode. Actions are
 * in the "teach" group: teach.toggle-breakpoint, teach.continue, teach.reverse-continue,
 * teach.call-tree (state), teach.pin-step (state), teach.predict (state), teach.predict-check,
 * teach.predict-skip. */
#pragma once

#include "heapglass-breakpoints.h"
#include "heapglass-call-tree-panel.h"
#include "heapglass-marks.h"
#include "heapglass-window.h"

G_BEGIN_DECLS

HeapglassBreakpoints *heapglass_window_get_breakpoints (HeapglassWindow *self);
HeapglassCallTreePanel *heapglass_window_get_call_tree_panel (HeapglassWindow *self);
/* What the canvas marks now (compare or predict). */
HeapglassMarks *heapglass_window_get_marks (HeapglassWindow *self);
/* The step pinned for comparison, 0 when none. */
guint heapglass_window_get_pinned_step (HeapglassWindow *self);
/* The sentence under the toolbar that says what the compare or predict tool found. */
const char *heapglass_window_get_teach_text (HeapglassWindow *self);
/* Predict mode: guesses for the current step (as a click on the canvas makes them), and the
 * running score (steps predicted all right, steps checked). */
gboolean heapglass_window_predict_toggle_name (HeapglassWindow *self, guint frame_id,
                                               const char *name);
gboolean heapglass_window_predict_toggle_object (HeapglassWindow *self, guint64 oid);
void heapglass_window_predict_set_output (HeapglassWindow *self, const char *line);
void heapglass_window_get_predict_score (HeapglassWindow *self, guint *right, guint *checked);

G_END_DECLS
