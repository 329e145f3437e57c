/* heapglass-ending.h: how a run ended, told in words for the learner (the window's banner), and
 * where it ended. GLib only, so the wording is tested without a window. */
#pragma once

#include <glib.h>

#include "heapglass-trace.h"

G_BEGIN_DECLS

/* How loudly the ending is shown. */
typedef enum
{
  HEAPGLASS_ENDING_INFO,    /* stopped by the learner, sys.exit(0) */
  HEAPGLASS_ENDING_WARNING, /* a limit was reached, a non-zero exit status */
  HEAPGLASS_ENDING_ERROR,   /* an uncaught exception, a crash, a SyntaxError */
} HeapglassEndingSeverity;

/* The sentence for the learner, NULL when the program simply finished. severity and
 * has_where (whether "show where" makes sense: there are steps to go to) may be NULL. */
char *heapglass_ending_describe (HeapglassTrace *trace, HeapglassEndingSeverity *severity,
                                 gboolean *has_where);

/* The step where an uncaught exception was raised: the earliest "exception" step of the unwinding
 * at the end of the trace (the innermost frame, before the frames were popped); 0 if none. */
guint heapglass_ending_find_raise_step (HeapglassTrace *trace);

G_END_DECLS
