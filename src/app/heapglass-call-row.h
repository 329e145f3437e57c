/* heapglass-call-row.h: one row of the call tree panel, drawn by one widget: indentation, the
 * disclosure triangle, the call's label and what a collapsed call hides. */
#pragma once

#include <gtk/gtk.h>

#include "heapglass-call-tree.h"

G_BEGIN_DECLS

#define HEAPGLASS_TYPE_CALL_ROW (heapglass_call_row_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassCallRow, heapglass_call_row, HEAPGLASS, CALL_ROW, GtkWidget)

GtkWidget *heapglass_call_row_new (void);
/* Shows the call of `row` (a GtkTreeListRow of HeapglassCallNodes); NULL unbinds. */
void heapglass_call_row_set_list_row (HeapglassCallRow *self, GtkTreeListRow *row);
GtkTreeListRow *heapglass_call_row_get_list_row (HeapglassCallRow *self);
guint heapglass_call_row_get_call (HeapglassCallRow *self);
/* What the row says: "fib(n=5) → 5", and "… 14 calls" while it is collapsed (else NULL). */
const char *heapglass_call_row_get_label (HeapglassCallRow *self);
const char *heapglass_call_row_get_summary (HeapglassCallRow *self);

G_END_DECLS
