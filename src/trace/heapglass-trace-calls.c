/* heapglass-trace-calls.c: the trace model's calls, from its frames and its frame log (which
 * frame runs from which step), so a call tree costs one pass and no snapshot. */
#include "config.h"

#include "heapglass-trace-calls.h"
#include "heapglass-trace-private.h"

GArray *
heapglass_trace_get_calls (HeapglassTrace *self)
{
  GArray *calls;
  HeapglassCallRecord *rec;
  guint32 prev = 0, n_steps;
  HgHistIter it;
  HgEntry e;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), NULL);

  trace_lock (self);
  n_steps = self->n_steps;
  calls = g_array_sized_new (FALSE, TRUE, sizeof (HeapglassCallRecord), self->n_frames);
  g_array_set_size (calls, self->n_frames);
  rec = (HeapglassCallRecord *)(void *)calls->data;
  for (guint32 i = 0; i < self->n_frames; i++)
    {
      const HgFrame *f = frame_at (self, i);
      rec[i].parent = f->parent;
      rec[i].function = string_by_sid (self, f->func_sid);
      rec[i].first_line = f->first_line;
      rec[i].depth = f->depth;
    }

  /* Each log entry says which frame runs from its step on. A frame's first entry is its call; the
   * step before another frame takes over is, the last time that happens, its return (a caller
   * that runs a callee is still on the stack: fixed below for frames that never left). */
  hist_iter_init (&it, &self->frame_log, 0);
  while (hist_iter_next (&it, &e) && e.step <= n_steps)
    {
      guint32 top = e.value;
      if (prev && prev != top && prev <= self->n_frames)
        rec[prev - 1].last_step = e.step - 1;
      if (top && top <= self->n_frames && rec[top - 1].first_step == 0)
        rec[top - 1].first_step = e.step;
      prev = top;
    }
  for (guint32 f = prev; f && f <= self->n_frames; f = rec[f - 1].parent)
    rec[f - 1].last_step = n_steps;
  /* A caller's last recorded hand-over may be to a callee; it stays until after the callee. */
  for (guint32 i = self->n_frames; i > 0; i--)
    {
      guint32 parent = rec[i - 1].parent;
      if (parent && parent <= self->n_frames && rec[parent - 1].last_step < rec[i - 1].last_step)
        rec[parent - 1].last_step = rec[i - 1].last_step;
    }
  g_mutex_unlock (&self->lock);
  return calls;
}

guint
heapglass_trace_get_step_frame (HeapglassTrace *self, guint step)
{
  guint frame = 0;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);

  trace_lock (self);
  if (step >= 1 && step <= self->n_steps)
    frame = top_frame_at (self, step);
  g_mutex_unlock (&self->lock);
  return frame;
}
