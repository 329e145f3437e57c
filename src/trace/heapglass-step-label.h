/* heapglass-step-label.h: a step in a few words for the timeline ("Program starts", "Line 4
 * runs", "process() returns [1, 2, 3]", "Exception: KeyError: 'k'", "Program finished"), so no
 * step looks like nothing happened. GLib only. */
#pragma once

#include "heapglass-trace.h"

G_BEGIN_DECLS

/* The label of `step` (1-based) of `trace`; NULL when the step is out of range. */
char *heapglass_step_label (HeapglassTrace *trace, guint step);

/* The same from a snapshot the caller holds. `finished` says the snapshot is the last step of a
 * run that ended normally (the state after the program's last line). */
char *heapglass_step_label_from_snapshot (const HeapglassSnapshot *snapshot, gboolean finished);

G_END_DECLS
