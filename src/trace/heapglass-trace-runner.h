/* heapglass-trace-runner.h: runs heapglass-tracer on one script in its own process and feeds its
 * stream into a HeapglassTrace off the main thread, with limits, stdin, Stop and progress. */
#pragma once

#include <gio/gio.h>

#include "heapglass-trace.h"

G_BEGIN_DECLS

typedef struct
{
  guint64 max_steps;          /* 0 = the default (100,000,000) */
  double timeout_s;           /* 0 = the default (60 s); wall time of the whole run */
  guint memory_limit_mib;     /* 0 = the default (2048 MiB of address space for the program) */
  guint64 max_output_bytes;   /* 0 = the default (16 MiB of stdout + stderr) */
  guint max_items;            /* K, container items recorded; 0 = the default (100) */
  const char *stdin_path;     /* the program's stdin is this file; NULL: see stdin_mode */
  gboolean stdin_interactive; /* TRUE: stdin is a pipe fed by send_input() (the window);
                                 FALSE and no stdin_path: the caller's own stdin (the CLI) */
  gboolean sandbox;           /* run in bubblewrap: see docs/robustness.md, "Threat model" */
  /* Added after the first version (zero = the default): */
  gboolean silence_stdout; /* the tracer's own stdout goes to /dev/null (the program's output is
                              in the trace either way); for --trace-summary on stdout */
  const char *tracer_path; /* NULL: heapglass_trace_runner_find_tracer () */
  guint64 max_trace_bytes; /* bytes of trace stream the parent accepts; 0 = the default (4 GiB) */
  const char *spill_dir;   /* where the trace's file goes; NULL: $TMPDIR (g_get_tmp_dir ()) */
  guint64 disk_limit_mib;  /* 0 = the default (4096 MiB): the run ends as disk-limit there */
} HeapglassRunOptions;

void heapglass_run_options_init (HeapglassRunOptions *options); /* the defaults above */

#define HEAPGLASS_TYPE_TRACE_RUNNER (heapglass_trace_runner_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassTraceRunner, heapglass_trace_runner, HEAPGLASS, TRACE_RUNNER,
                      GObject)

/* Signals, emitted on the thread-default main context of the thread that called start_async():
 *   "progress" (guint n_steps)            at most every 50 ms while steps arrive
 *   "input-requested" (const char *prompt) the program called input() and waits for a line */
HeapglassTraceRunner *heapglass_trace_runner_new (const char *script_path,
                                                  const HeapglassRunOptions *options);
HeapglassTrace *heapglass_trace_runner_get_trace (HeapglassTraceRunner *self);
/* Completes when the tracer process is gone and its stream is decoded; the trace then has an
 * ending. An error is reported only when the tracer could not be started at all or the stream was
 * corrupt; the steps decoded so far stay in the trace either way. */
void heapglass_trace_runner_run_async (HeapglassTraceRunner *self, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
gboolean heapglass_trace_runner_run_finish (HeapglassTraceRunner *self, GAsyncResult *result,
                                            GError **error);
/* Ends the run now; the trace keeps its steps and ends as "stopped". */
void heapglass_trace_runner_stop (HeapglassTraceRunner *self);
gboolean heapglass_trace_runner_is_running (HeapglassTraceRunner *self);
/* stdin_interactive only: one line for input() (a newline is added), or end of input. */
gboolean heapglass_trace_runner_send_input (HeapglassTraceRunner *self, const char *line,
                                            GError **error);
void heapglass_trace_runner_close_input (HeapglassTraceRunner *self);

/* A spare tracer: started (sandboxed, Python initialised) before its script is known, so that a
 * run it serves pays for neither. It serves one run with the same options whose script's start
 * depends on nothing else (in the sandbox: a script in the same folder as `script_path`, from
 * the same working folder); a run it cannot serve kills it and starts its own. Freeing it kills
 * it. No stdin_path. */
typedef struct _HeapglassSpareTracer HeapglassSpareTracer;
HeapglassSpareTracer *heapglass_spare_tracer_start (const char *script_path,
                                                    const HeapglassRunOptions *options,
                                                    GError **error);
gboolean heapglass_spare_tracer_is_alive (HeapglassSpareTracer *spare);
/* Whether it is alive and would serve a run of script_path with these options. */
gboolean heapglass_spare_tracer_can_serve (HeapglassSpareTracer *spare, const char *script_path,
                                           const HeapglassRunOptions *options);
void heapglass_spare_tracer_free (HeapglassSpareTracer *spare);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeapglassSpareTracer, heapglass_spare_tracer_free)
/* Before run_async (): the runner uses the spare if it can serve the run, else frees it. */
void heapglass_trace_runner_take_spare (HeapglassTraceRunner *self, HeapglassSpareTracer *spare);
/* Whether a spare served the run (once it ended). */
gboolean heapglass_trace_runner_get_used_spare (HeapglassTraceRunner *self);

/* Blocking convenience for the command line and tests. */
HeapglassTrace *heapglass_trace_run_sync (const char *script_path,
                                          const HeapglassRunOptions *options, GError **error);

/* Where the tracer binary is: $HEAPGLASS_TRACER, then beside an uninstalled build, then libexecdir.
 */
char *heapglass_trace_runner_find_tracer (void);

G_END_DECLS
