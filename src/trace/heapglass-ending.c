/* heapglass-ending.c: the words for how a run ended (the banner's sentence) and the step where
 * an uncaught exception was raised. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "heapglass-ending.h"

guint
heapglass_ending_find_raise_step (HeapglassTrace *trace)
{
  guint n;
  guint earliest = 0;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), 0);

  n = heapglass_trace_get_n_steps (trace);

  for (guint s = n; s >= 1; s--)
    {
      HeapglassEvent event = heapglass_trace_get_step_event (trace, s);

      if (event == HEAPGLASS_EVENT_EXCEPTION)
        earliest = s;
      else if (event != HEAPGLASS_EVENT_RETURN && s != n)
        break;
    }
  return earliest;
}

char *
heapglass_ending_describe (HeapglassTrace *trace, HeapglassEndingSeverity *severity,
                           gboolean *has_where)
{
  HeapglassEndingSeverity unused_severity;
  gboolean unused_where;
  HeapglassEndingSeverity *kind = severity != NULL ? severity : &unused_severity;
  gboolean *show_where = has_where != NULL ? has_where : &unused_where;
  HgEnding ending;
  const char *message;
  guint n;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), NULL);

  ending = heapglass_trace_get_ending (trace);
  message = heapglass_trace_get_end_message (trace);
  n = heapglass_trace_get_n_steps (trace);

  *kind = HEAPGLASS_ENDING_WARNING;
  *show_where = n > 0;
  switch (ending)
    {
    case HG_END_FINISHED:
      return NULL;
    case HG_END_EXCEPTION:
      {
        const char *type = heapglass_trace_get_exception_type (trace);
        const char *text = heapglass_trace_get_exception_message (trace);
        guint raised = heapglass_ending_find_raise_step (trace);
        guint line = raised > 0 ? heapglass_trace_get_step_line (trace, raised) : 0;
        g_autofree char *where = NULL;

        if (raised > 0)
          {
            g_autoptr (HeapglassSnapshot) snapshot = heapglass_trace_snapshot (trace, raised);

            if (snapshot != NULL && snapshot->n_frames > 0
                && g_strcmp0 (snapshot->frames[snapshot->n_frames - 1].function, "<module>") != 0)
              /* Translators: where an exception was raised: "in create_data()" */
              where = g_strdup_printf (_ (" in %s()"),
                                       snapshot->frames[snapshot->n_frames - 1].function);
          }

        *kind = HEAPGLASS_ENDING_ERROR;
        /* Translators: "TypeError: cannot create weak reference to 'list' object, raised at
         * line 8 in create_data(); nothing caught it, so the program stopped." */
        return g_strdup_printf (_ ("%s: %s — raised at line %u%s; nothing caught it, so the "
                                   "program stopped."),
                                type != NULL ? type : _ ("Exception"), text != NULL ? text : "",
                                line, where != NULL ? where : "");
      }
    case HG_END_EXIT:
      *kind = heapglass_trace_get_exit_status (trace) == 0 ? HEAPGLASS_ENDING_INFO
                                                           : HEAPGLASS_ENDING_WARNING;
      return g_strdup_printf (_ ("The program ended itself with exit status %d (sys.exit)."),
                              heapglass_trace_get_exit_status (trace));
    case HG_END_CRASHED:
      *kind = HEAPGLASS_ENDING_ERROR;
      return g_strdup_printf (_ ("The program crashed (signal %d, %s). The %u steps before the "
                                 "crash are kept."),
                              heapglass_trace_get_signal (trace),
                              g_strsignal (heapglass_trace_get_signal (trace)), n);
    case HG_END_STEP_LIMIT:
      return g_strdup_printf (_ ("Stopped after %u steps: the step limit was reached (see "
                                 "Preferences). The steps so far are kept."),
                              n);
    case HG_END_TIME_LIMIT:
      return g_strdup_printf (_ ("Stopped: the program ran longer than the time limit (see "
                                 "Preferences). The %u steps so far are kept."),
                              n);
    case HG_END_MEMORY_LIMIT:
      return g_strdup_printf (_ ("Stopped: the program used more memory than the limit (see "
                                 "Preferences). The %u steps so far are kept."),
                              n);
    case HG_END_OUTPUT_LIMIT:
      return g_strdup_printf (_ ("Stopped: the program printed more than the output limit. The "
                                 "%u steps so far are kept."),
                              n);
    case HG_END_STOPPED:
      *kind = HEAPGLASS_ENDING_INFO;
      return g_strdup_printf (_ ("Stopped. The %u steps so far are kept."), n);
    case HG_END_SYNTAX_ERROR:
      *kind = HEAPGLASS_ENDING_ERROR;
      *show_where = FALSE;
      return g_strdup_printf (_ ("SyntaxError on line %u: %s. Fix the code and run it again."),
                              heapglass_trace_get_end_line (trace),
                              message != NULL ? message : _ ("invalid syntax"));
    case HG_END_UNREADABLE:
      *kind = HEAPGLASS_ENDING_ERROR;
      *show_where = FALSE;
      return g_strdup_printf (_ ("The program could not be read: %s"),
                              message != NULL ? message : _ ("unknown reason"));
    case HG_END_CORRUPT_TRACE:
      *kind = HEAPGLASS_ENDING_ERROR;
      return g_strdup_printf (_ ("The trace broke off: the program tampered with the tracer, or "
                                 "the tracer failed (%s). The %u steps before are kept."),
                              message != NULL ? message : _ ("unknown reason"), n);
    case HG_END_DISK_LIMIT:
      return g_strdup_printf (_ ("Stopped: the trace filled its disk space (see Preferences). The "
                                 "%u steps so far are kept."),
                              n);
    case HG_END_TRACE_LIMIT:
      return g_strdup_printf (_ ("Stopped: the trace grew larger than Heapglass accepts. The %u "
                                 "steps so far are kept."),
                              n);
    case HG_END_NONE:
    default:
      return g_strdup_printf (_ ("The trace ended without saying why. The %u steps so far are "
                                 "kept."),
                              n);
    }
}
