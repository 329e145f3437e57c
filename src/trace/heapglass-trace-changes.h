/* heapglass-trace-changes.h: what the teaching tools ask the model beyond snapshots: when an
 * object's contents changed (not its refcount), and names a chapter leaves out of the picture. */
#pragma once

#include "heapglass-trace.h"

G_BEGIN_DECLS

/* The steps (ascending) at which the object's contents changed after it was created: its value,
 * length, items, entries or attributes. Size and refcount changes alone are left out (`y = x`
 * changes the list's refcount, not the list). Empty for an unknown oid. */
GArray *heapglass_trace_get_content_changes (HeapglassTrace *self, guint64 oid); /* guint */
/* Did the contents change at exactly this step? */
gboolean heapglass_trace_content_changed_at (HeapglassTrace *self, guint64 oid, guint step);

/* Names (NULL-terminated; NULL or empty = none) left out of every frame of every snapshot from
 * now on, and so out of the diagram, as a chapter's `# heapglass: hide NAME` asks. Objects only
 * they reach are left out too. */
void heapglass_trace_set_hidden_names (HeapglassTrace *self, const char *const *names);

G_END_DECLS
