/* heapglass-inspector.h: the object inspector, a panel that tells everything known about one heap
 * object at one step: type, id, size, refcount, referrers, lifetime and its history of changes. */
#pragma once

#include <gtk/gtk.h>

#include "heapglass-run-controller.h"
#include "heapglass-trace.h"

G_BEGIN_DECLS

#define HEAPGLASS_TYPE_INSPECTOR (heapglass_inspector_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassInspector, heapglass_inspector, HEAPGLASS, INSPECTOR, GtkWidget)

/* Signals:
 *   "jump-to-step" (guint step)     the learner asked to go to the previous/next change or to the
 *                                   step where the object was created / freed
 *   "select-object" (guint64 oid)   a container in the "referred to by" list was clicked: select
 *                                   it (e.g. heapglass_canvas_select_oid) and show it here */
GtkWidget *heapglass_inspector_new (void);

/* Follows the controller: its trace (a new one empties the page) and its current step (the
 * object shown is shown as it is there). NULL lets go of it. */
void heapglass_inspector_set_controller (HeapglassInspector *self,
                                         HeapglassRunController *controller);

void heapglass_inspector_set_trace (HeapglassInspector *self, HeapglassTrace *trace);
/* Shows object `oid` as it is at `step`; oid 0 shows an empty "nothing selected" page. */
void heapglass_inspector_show_object (HeapglassInspector *self, guint step, guint64 oid);
guint64 heapglass_inspector_get_oid (HeapglassInspector *self);
guint heapglass_inspector_get_step (HeapglassInspector *self);

/* What is shown, for tests (NULL when nothing is): the type name ("list"), the refcount line,
 * and the referrers ("x, y" / "frame main: x"). Owned by the inspector. */
const char *heapglass_inspector_get_type_text (HeapglassInspector *self);
const char *heapglass_inspector_get_refcount_text (HeapglassInspector *self);
/* id() as the program printed it ("140234567890") and Heapglass's own number ("#996"). */
const char *heapglass_inspector_get_address_text (HeapglassInspector *self);
const char *heapglass_inspector_get_id_text (HeapglassInspector *self);
/* The explanation of an object CPython made before the program (NULL for others). */
const char *heapglass_inspector_get_cached_text (HeapglassInspector *self);
const char *heapglass_inspector_get_referrers_text (HeapglassInspector *self);
/* The steps the change buttons would jump to (0 = none, button insensitive). */
guint heapglass_inspector_get_previous_change (HeapglassInspector *self);
guint heapglass_inspector_get_next_change (HeapglassInspector *self);

G_END_DECLS
