/* heapglass-breakpoints.h: the lines a learner marked, and Continue / Reverse Continue over the
 * recorded trace: the next or previous step that is about to run one of them. */
#pragma once

#include "heapglass-trace.h"

G_BEGIN_DECLS

#define HEAPGLASS_TYPE_BREAKPOINTS (heapglass_breakpoints_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassBreakpoints, heapglass_breakpoints, HEAPGLASS, BREAKPOINTS, GObject)

/* Signal "changed" (no arguments): a line was added or removed. */
HeapglassBreakpoints *heapglass_breakpoints_new (void);

void heapglass_breakpoints_add (HeapglassBreakpoints *self, guint line);
void heapglass_breakpoints_remove (HeapglassBreakpoints *self, guint line);
/* Adds the line if absent, else removes it; TRUE if the line now has a breakpoint. */
gboolean heapglass_breakpoints_toggle (HeapglassBreakpoints *self, guint line);
void heapglass_breakpoints_clear (HeapglassBreakpoints *self);
gboolean heapglass_breakpoints_contains (HeapglassBreakpoints *self, guint line);
guint heapglass_breakpoints_get_n_lines (HeapglassBreakpoints *self);
/* The lines, ascending; free with g_free. */
guint *heapglass_breakpoints_get_lines (HeapglassBreakpoints *self, guint *n_lines);

/* The first step after `from` (Continue) or the last step before it (Reverse Continue) that is
 * about to run a line with a breakpoint (a "line" event); 0 when there is none. */
guint heapglass_breakpoints_find_next (HeapglassBreakpoints *self, HeapglassTrace *trace,
                                       guint from);
guint heapglass_breakpoints_find_previous (HeapglassBreakpoints *self, HeapglassTrace *trace,
                                           guint from);

G_END_DECLS
