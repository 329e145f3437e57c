/* heapglass-step-label.c: the timeline's words for a step, from its event and its top frame. */
#include "config.h"

#include <glib/gi18n.h>

#include "heapglass-step-label.h"
#include "heapglass-value-text.h"

/* Long values are cut: the label is one line under the slider. */
#define MAX_VALUE_CHARS 40

static gboolean
is_module (const HeapglassFrameView *frame)
{
  return g_strcmp0 (frame->function, "<module>") == 0;
}

char *
heapglass_step_label_from_snapshot (const HeapglassSnapshot *snapshot, gboolean finished)
{
  const HeapglassFrameView *top;

  g_return_val_if_fail (snapshot != NULL, NULL);

  if (finished || snapshot->n_frames == 0)
    return g_strdup (_ ("Program finished"));
  top = &snapshot->frames[snapshot->n_frames - 1];
  switch (snapshot->event)
    {
    case HEAPGLASS_EVENT_CALL:
      if (is_module (top))
        return g_strdup (_ ("Program starts"));
      /* Translators: a function is called: "process() is called" */
      return g_strdup_printf (_ ("%s() is called"), top->function);
    case HEAPGLASS_EVENT_RETURN:
      {
        const HeapglassObjectView *value
            = snapshot->return_value != 0
                  ? heapglass_snapshot_find_object (snapshot, snapshot->return_value)
                  : NULL;
        g_autofree char *text = NULL;

        if (is_module (top))
          return g_strdup (_ ("Program finished"));
        if (value == NULL)
          /* Translators: a function returns: "process() returns" */
          return g_strdup_printf (_ ("%s() returns"), top->function);
        text = heapglass_object_repr (snapshot, value, MAX_VALUE_CHARS);
        /* Translators: a function returns a value: "process() returns [1, 2, 3]" */
        return g_strdup_printf (_ ("%s() returns %s"), top->function, text);
      }
    case HEAPGLASS_EVENT_EXCEPTION:
      for (guint f = snapshot->n_frames; f > 0; f--)
        {
          const HeapglassFrameView *frame = &snapshot->frames[f - 1];

          if (frame->exception_type == NULL)
            continue;
          if (frame->exception_message != NULL && *frame->exception_message != '\0')
            /* Translators: "Exception: KeyError: 'k'" */
            return g_strdup_printf (_ ("Exception: %s: %s"), frame->exception_type,
                                    frame->exception_message);
          /* Translators: "Exception: StopIteration" */
          return g_strdup_printf (_ ("Exception: %s"), frame->exception_type);
        }
      return g_strdup (_ ("Exception"));
    case HEAPGLASS_EVENT_LINE:
    default:
      if (is_module (top))
        /* Translators: the line about to run: "Line 4 runs" */
        return g_strdup_printf (_ ("Line %u runs"), snapshot->line);
      /* Translators: "Line 4 runs in process()" */
      return g_strdup_printf (_ ("Line %u runs in %s()"), snapshot->line, top->function);
    }
}

char *
heapglass_step_label (HeapglassTrace *trace, guint step)
{
  g_autoptr (HeapglassSnapshot) snapshot = NULL;
  guint n;
  gboolean finished;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), NULL);

  n = heapglass_trace_get_n_steps (trace);
  if (step == 0 || step > n)
    return NULL;
  /* The last step of a run that ended by itself is the state after its last line. */
  finished = step == n && heapglass_trace_is_complete (trace)
             && (heapglass_trace_get_ending (trace) == HG_END_FINISHED
                 || heapglass_trace_get_ending (trace) == HG_END_EXIT);
  snapshot = heapglass_trace_snapshot_limited (trace, step, 2);
  if (snapshot == NULL)
    return NULL;
  return heapglass_step_label_from_snapshot (snapshot, finished);
}
