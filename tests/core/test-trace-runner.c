/* test-trace-runner.c: running heapglass-tracer on real scripts (output, input(), Stop, limits,
 * crashes, sandbox), and the runner's own logic against a fake tracer written in Python. */
#include <glib/gstdio.h>
#include <signal.h>

#include "heapglass-trace-runner.h"
#include "heapglass-test-support.h"

static char *
write_script (const char *name, const char *code)
{
  return hg_test_write_file (name, code, -1);
}

static HeapglassTrace *
run (const char *code, const HeapglassRunOptions *options)
{
  g_autofree char *script = write_script ("script.py", code);
  g_autoptr (GError) error = NULL;
  HeapglassTrace *trace = heapglass_trace_run_sync (script, options, &error);

  g_assert_no_error (error);
  g_assert_nonnull (trace);
  return trace;
}

static void
test_prints (void)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autofree char *out = NULL;
  HeapglassRunOptions options;

  heapglass_run_options_init (&options);
  options.silence_stdout = TRUE;
  trace = run ("print('hello')\nx = [1, 2]\nprint(len(x))\n", &options);
  out = heapglass_trace_get_output (trace, 1, 0, NULL);
  g_assert_cmpstr (out, ==, "hello\n2\n");
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_FINISHED);
  g_assert_cmpint (heapglass_trace_get_exit_status (trace), ==, 0);
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), >=, 3);
  g_assert_true (heapglass_trace_is_complete (trace));
}

static void
test_exit_status (void)
{
  g_autoptr (HeapglassTrace) trace = NULL;

  trace = run ("import sys\nsys.exit(3)\n", NULL);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_EXIT);
  g_assert_cmpint (heapglass_trace_get_exit_status (trace), ==, 3);
}

static void
test_stdin_file (void)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autofree char *input = write_script ("input.txt", "42\n");
  g_autofree char *out = NULL;
  HeapglassRunOptions options;

  heapglass_run_options_init (&options);
  options.stdin_path = input;
  options.silence_stdout = TRUE;
  trace = run ("n = int(input())\nprint(n + 1)\n", &options);
  out = heapglass_trace_get_output (trace, 1, 0, NULL);
  g_assert_cmpstr (out, ==, "43\n");
  g_assert_cmpuint (heapglass_trace_get_n_input_requests (trace), ==, 1);
}

typedef struct
{
  GMainLoop *loop;
  HeapglassTraceRunner *runner;
  GThread *main_thread;
  guint progress;
  guint last_steps;
  char *prompt;
  gboolean done;
  gboolean ok;
  GError *error;
  gboolean stop_on_progress;
} RunState;

static void
on_progress (HeapglassTraceRunner *runner, guint n_steps, RunState *state)
{
  g_assert_true (g_thread_self () == state->main_thread);
  g_assert_cmpuint (n_steps, >=, state->last_steps);
  state->last_steps = n_steps;
  state->progress++;
  if (state->stop_on_progress && n_steps > 0)
    heapglass_trace_runner_stop (runner);
}

static void
on_input (HeapglassTraceRunner *runner, const char *prompt, RunState *state)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (g_thread_self () == state->main_thread);
  g_free (state->prompt);
  state->prompt = g_strdup (prompt);
  g_assert_true (heapglass_trace_runner_send_input (runner, "Ada", &error));
  g_assert_no_error (error);
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer data)
{
  RunState *state = data;

  state->ok
      = heapglass_trace_runner_run_finish (HEAPGLASS_TRACE_RUNNER (source), result, &state->error);
  state->done = TRUE;
  g_main_loop_quit (state->loop);
}

static gboolean
give_up (gpointer data)
{
  g_error ("the run did not end in time");
  return G_SOURCE_REMOVE;
}

static void
run_async (RunState *state, const char *code, const HeapglassRunOptions *options)
{
  g_autofree char *script = write_script ("async.py", code);
  guint timer;

  state->loop = g_main_loop_new (NULL, FALSE);
  state->main_thread = g_thread_self ();
  state->runner = heapglass_trace_runner_new (script, options);
  g_signal_connect (state->runner, "progress", G_CALLBACK (on_progress), state);
  g_signal_connect (state->runner, "input-requested", G_CALLBACK (on_input), state);
  heapglass_trace_runner_run_async (state->runner, NULL, on_done, state);
  g_assert_true (heapglass_trace_runner_is_running (state->runner));
  timer = g_timeout_add_seconds (60, give_up, NULL);
  g_main_loop_run (state->loop);
  g_source_remove (timer);
  g_assert_false (heapglass_trace_runner_is_running (state->runner));
}

static void
run_state_clear (RunState *state)
{
  g_clear_object (&state->runner);
  g_clear_pointer (&state->loop, g_main_loop_unref);
  g_clear_pointer (&state->prompt, g_free);
  g_clear_error (&state->error);
}

static void
test_input_answered (void)
{
  RunState state = { 0 };
  HeapglassRunOptions options;
  g_autofree char *out = NULL;

  heapglass_run_options_init (&options);
  options.stdin_interactive = TRUE;
  options.silence_stdout = TRUE;
  run_async (&state, "name = input('Name? ')\nprint('Hi', name)\n", &options);
  g_assert_no_error (state.error);
  g_assert_true (state.ok);
  g_assert_cmpstr (state.prompt, ==, "Name? ");
  out = heapglass_trace_get_output (heapglass_trace_runner_get_trace (state.runner), 1, 0, NULL);
  g_assert_cmpstr (out, ==, "Name? Hi Ada\n");
  g_assert_cmpuint (state.progress, >=, 1);
  run_state_clear (&state);
}

static void
test_stop_endless_loop (void)
{
  RunState state = { 0 };
  HeapglassTrace *trace;

  state.stop_on_progress = TRUE;
  run_async (&state, "n = 0\nwhile True:\n    n += 1\n", NULL);
  g_assert_no_error (state.error);
  trace = heapglass_trace_runner_get_trace (state.runner);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_STOPPED);
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), >, 0);
  /* the steps before Stop are all usable */
  {
    g_autoptr (HeapglassSnapshot) snap
        = heapglass_trace_snapshot (trace, heapglass_trace_get_n_steps (trace));
    g_assert_cmpuint (snap->n_frames, >=, 1);
  }
  run_state_clear (&state);
}

static void
test_time_limit (void)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  HeapglassRunOptions options;
  gint64 start;

  heapglass_run_options_init (&options);
  options.timeout_s = 1;
  /* An idle machine runs the default 10M steps in under a second: only time may end this run. */
  options.max_steps = G_MAXUINT32 - 1;
  start = g_get_monotonic_time ();
  trace = run ("while True:\n    pass\n", &options);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_TIME_LIMIT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), >, 0);
}

static void
test_step_limit (void)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  HeapglassRunOptions options;

  heapglass_run_options_init (&options);
  options.max_steps = 50;
  trace = run ("while True:\n    pass\n", &options);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_STEP_LIMIT);
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, 50);
}

static void
test_crashed_by_signal (void)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  HeapglassRunOptions options;
  g_autofree char *out = NULL;

  heapglass_run_options_init (&options);
  options.silence_stdout = TRUE;
  trace = run ("import os, signal\nprint('before', flush=True)\n"
               "os.kill(os.getpid(), signal.SIGSEGV)\nprint('after')\n",
               &options);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_CRASHED);
  g_assert_cmpint (heapglass_trace_get_signal (trace), ==, SIGSEGV);
  out = heapglass_trace_get_output (trace, 1, 0, NULL);
  g_assert_cmpstr (out, ==, "before\n");
}

static void
test_forked_child_does_not_hold_the_run (void)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autofree char *out = NULL;
  HeapglassRunOptions options;
  gint64 start = g_get_monotonic_time ();

  heapglass_run_options_init (&options);
  options.silence_stdout = TRUE;
  trace = run ("import os, time\n"
               "if os.fork() == 0:\n"
               "    time.sleep(6)\n"
               "    os._exit(0)\n"
               "print('parent done')\n",
               &options);
  /* the child still sleeps: the run did not wait for it */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  out = heapglass_trace_get_output (trace, 1, 0, NULL);
  g_assert_cmpstr (out, ==, "parent done\n");
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_FINISHED);
}

static void
test_sandbox (void)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autofree char *out = NULL;
  g_autofree char *bwrap = g_find_program_in_path ("bwrap");
  HeapglassRunOptions options;

  if (bwrap == NULL)
    {
      g_test_skip ("bwrap is not installed");
      return;
    }
  heapglass_run_options_init (&options);
  options.sandbox = TRUE;
  options.silence_stdout = TRUE;
  trace = run ("import os, socket\n"
               "open('/tmp/heapglass-sandbox-probe', 'w').write('x')\n"
               "print(os.path.exists('/tmp/heapglass-sandbox-probe'))\n"
               "s = socket.socket()\n"
               "try:\n"
               "    s.connect(('1.1.1.1', 80))\n"
               "    print('online')\n"
               "except OSError:\n"
               "    print('offline')\n",
               &options);
  out = heapglass_trace_get_output (trace, 1, 0, NULL);
  g_assert_cmpstr (out, ==, "True\noffline\n");
  /* its /tmp was private */
  g_assert_false (g_file_test ("/tmp/heapglass-sandbox-probe", G_FILE_TEST_EXISTS));
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_FINISHED);
}

/* ---- against a fake tracer --------------------------------------------------------------- */

/* A fake tracer: a Python script that writes `stream_py` (a bytes expression) to fd 3 and then
 * runs `then`. */
static char *
fake_tracer (const char *stream_py, const char *then)
{
  const char *python = g_getenv ("HEAPGLASS_PYTHON");
  g_autofree char *code = g_strdup_printf ("#!%s\nimport os, sys, signal, time\n"
                                           "os.write(3, %s)\n%s\n",
                                           python ? python : "/usr/bin/python3", stream_py, then);
  char *path = write_script ("fake-tracer", code);

  g_chmod (path, 0755);
  return path;
}

#define HEADER_PY "b'HGLTRACE\\x01\\x64\\x04x.py'"
/* STRING "<module>", FRAME_PUSH 1 1, STEP_LINE 1, STEP_LINE 2 */
#define TWO_STEPS_PY "b'\\x05\\x08<module>\\x06\\x01\\x01\\x01\\x01\\x01\\x02'"

static HeapglassTrace *
run_fake (const char *stream_py, const char *then, GError **error)
{
  g_autofree char *tracer = fake_tracer (stream_py, then);
  g_autofree char *script = write_script ("fake.py", "pass\n");
  HeapglassRunOptions options;

  heapglass_run_options_init (&options);
  options.tracer_path = tracer;
  return heapglass_trace_run_sync (script, &options, error);
}

static void
test_fake_no_end_takes_exit_status (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassTrace) trace = run_fake (HEADER_PY " + " TWO_STEPS_PY, "sys.exit(5)", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, 2);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_EXIT);
  g_assert_cmpint (heapglass_trace_get_exit_status (trace), ==, 5);
}

static void
test_fake_killed_mid_record (void)
{
  g_autoptr (GError) error = NULL;
  /* half a STEP_LINE record, then death by SIGSEGV */
  g_autoptr (HeapglassTrace) trace = run_fake (HEADER_PY " + " TWO_STEPS_PY " + b'\\x01'",
                                               "os.kill(os.getpid(), signal.SIGSEGV)", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, 2);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_CRASHED);
  g_assert_cmpint (heapglass_trace_get_signal (trace), ==, SIGSEGV);
}

static void
test_fake_corrupt_stream (void)
{
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr (HeapglassTrace) trace
      = run_fake (HEADER_PY " + " TWO_STEPS_PY " + b'\\x7f'", "time.sleep(30)", &error);

  /* an ending, not an error: the steps before kept, and the tracer is not waited for */
  g_assert_no_error (error);
  g_assert_nonnull (trace);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_CORRUPT_TRACE);
  g_assert_cmpstr (heapglass_ending_to_string (HG_END_CORRUPT_TRACE), ==, "corrupt-trace");
  g_assert_nonnull (strstr (heapglass_trace_get_end_message (trace), "unknown record 0x7f"));
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, 2);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
}

static void
test_fake_deadline_kills (void)
{
  g_autofree char *tracer = fake_tracer (HEADER_PY " + " TWO_STEPS_PY, "time.sleep(60)");
  HeapglassRunOptions options;
  RunState state = { 0 };
  gint64 start = g_get_monotonic_time ();

  heapglass_run_options_init (&options);
  options.timeout_s = 0.5;
  options.tracer_path = tracer;
  run_async (&state, "pass\n", &options);
  /* the tracer ignored its own limit: killed 2 s after it */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 6 * G_USEC_PER_SEC);
  g_assert_no_error (state.error);
  g_assert_cmpint (heapglass_trace_get_ending (heapglass_trace_runner_get_trace (state.runner)), ==,
                   HG_END_TIME_LIMIT);
  g_assert_cmpuint (state.last_steps, ==, 2);
  run_state_clear (&state);
}

static void
test_missing_tracer (void)
{
  g_autofree char *script = write_script ("m.py", "pass\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autofree char *found = heapglass_trace_runner_find_tracer ();
  HeapglassRunOptions options;

  /* the tests' environment names the built tracer */
  if (g_getenv ("HEAPGLASS_TRACER"))
    g_assert_cmpstr (found, ==, g_getenv ("HEAPGLASS_TRACER"));
  heapglass_run_options_init (&options);
  options.tracer_path = "/nonexistent/heapglass-tracer";
  trace = heapglass_trace_run_sync (script, &options, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (trace);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();

  g_test_add_func ("/runner/prints", test_prints);
  g_test_add_func ("/runner/exit-status", test_exit_status);
  g_test_add_func ("/runner/stdin-from-file", test_stdin_file);
  g_test_add_func ("/runner/input-answered-by-send-input", test_input_answered);
  g_test_add_func ("/runner/stop-endless-loop", test_stop_endless_loop);
  g_test_add_func ("/runner/time-limit", test_time_limit);
  g_test_add_func ("/runner/step-limit", test_step_limit);
  g_test_add_func ("/runner/crashed-by-signal", test_crashed_by_signal);
  g_test_add_func ("/runner/forked-child-does-not-hold-the-run",
                   test_forked_child_does_not_hold_the_run);
  g_test_add_func ("/runner/sandbox-no-network-private-tmp", test_sandbox);
  g_test_add_func ("/runner/fake/no-end-takes-exit-status", test_fake_no_end_takes_exit_status);
  g_test_add_func ("/runner/fake/killed-mid-record", test_fake_killed_mid_record);
  g_test_add_func ("/runner/fake/corrupt-stream", test_fake_corrupt_stream);
  g_test_add_func ("/runner/fake/deadline-kills", test_fake_deadline_kills);
  g_test_add_func ("/runner/missing-tracer", test_missing_tracer);

  status = g_test_run ();
  return status;
}
