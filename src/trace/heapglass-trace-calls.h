/* heapglass-trace-calls.h: the trace model's calls, read in one pass for the call tree: every
 * frame instance with its caller and the steps it spans. */
#pragma once

#include "heapglass-trace.h"

G_BEGIN_DECLS

typedef struct
{
  guint parent;         /* frame_id of the caller, 0 for an outermost frame */
  const char *function; /* owned by the trace, valid for its life */
  guint first_line;     /* first line of the code object */
  guint depth;          /* 1 = outermost */
  guint first_step;     /* the first step at which it is the running frame, 0 if none yet */
  guint last_step;      /* the last step at which it is on the stack */
} HeapglassCallRecord;

/* Every frame decoded so far (index frame_id - 1, as HeapglassFrameView.frame_id). A frame still
 * on the stack at the last decoded step has last_step = that step. */
GArray *heapglass_trace_get_calls (HeapglassTrace *self);

/* The frame running at `step` (its frame_id), 0 when none or out of range. O(log n). */
guint heapglass_trace_get_step_frame (HeapglassTrace *self, guint step);

G_END_DECLS
