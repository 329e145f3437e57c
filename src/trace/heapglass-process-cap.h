/* heapglass-process-cap.h: a cgroup of its own for a sandboxed run, bounding its processes. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HeapglassProcessCap HeapglassProcessCap;

HeapglassProcessCap *heapglass_process_cap_new (guint max_tasks, const char *const *readable,
                                                const char *const *executable, const char *bwrap);
void heapglass_process_cap_join (gpointer cap);
const char *heapglass_process_cap_get_path (HeapglassProcessCap *cap);
void heapglass_process_cap_free (HeapglassProcessCap *cap);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeapglassProcessCap, heapglass_process_cap_free)

G_END_DECLS
