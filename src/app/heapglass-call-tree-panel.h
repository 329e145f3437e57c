/* heapglass-call-tree-panel.h: every call of the run as a tree (fib(5) → fib(4), fib(3) …), the
 * running call selected, a click on a call asking to go to it. */
#pragma once

#include <gtk/gtk.h>

#include "heapglass-call-tree.h"

G_BEGIN_DECLS

#define HEAPGLASS_TYPE_CALL_TREE_PANEL (heapglass_call_tree_panel_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassCallTreePanel, heapglass_call_tree_panel, HEAPGLASS, CALL_TREE_PANEL,
                      GtkWidget)

/* Signal "call-activated" (guint call, guint first_step): the learner chose a call. */
GtkWidget *heapglass_call_tree_panel_new (void);

/* The calls to show; NULL shows "run the program". */
void heapglass_call_tree_panel_set_tree (HeapglassCallTreePanel *self, HeapglassCallTree *tree);
HeapglassCallTree *heapglass_call_tree_panel_get_tree (HeapglassCallTreePanel *self);
/* Selects the call running at `step`, opening its callers and scrolling it into view. */
void heapglass_call_tree_panel_set_step (HeapglassCallTreePanel *self, guint step);
/* The selected (running) call, 0 if none; and the row it is on. */
guint heapglass_call_tree_panel_get_selected_call (HeapglassCallTreePanel *self);
guint heapglass_call_tree_panel_get_selected_position (HeapglassCallTreePanel *self);
/* The list view, for tests and keyboard focus. */
GtkListView *heapglass_call_tree_panel_get_list_view (HeapglassCallTreePanel *self);

G_END_DECLS
