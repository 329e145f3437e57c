/* test-robustness.c: hostile programs and broken inputs. Every case of the catalogue in
 * docs/robustness.md ends with a named ending, the output and the steps recorded so far, and (where
 * the program ends on its own) the same stdout, exception and exit status as a plain run of
 * $HEAPGLASS_PYTHON. Runs through heapglass_trace_run_sync() and, when the app is built, through
 * `heapglass --trace-summary`. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "heapglass-chapter.h"
#include "heapglass-trace.h"
#include "heapglass-trace-runner.h"
#include "heapglass-test-support.h"

/* ---- helpers ----------------------------------------------------------------------------------
 */

static char *
script_new (const char *name, const char *source, gssize length)
{
  return hg_test_write_file (name, source, length);
}

static char *
stdin_file_new (const char *name, const char *text)
{
  return script_new (name, text, -1);
}

static HeapglassTrace *
trace_script (const char *path, const HeapglassRunOptions *options, double *elapsed_s)
{
  g_autoptr (GError) error = NULL;
  HeapglassRunOptions defaults;
  HeapglassTrace *trace;
  gint64 start = g_get_monotonic_time ();

  if (options == NULL)
    {
      heapglass_run_options_init (&defaults);
      defaults.stdin_path = "/dev/null";
      options = &defaults;
    }
  trace = heapglass_trace_run_sync (path, options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (trace);
  if (elapsed_s)
    *elapsed_s = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("%s: %u steps, ended %s (status %d, signal %d, exception %s, message %s)", path,
                  heapglass_trace_get_n_steps (trace),
                  heapglass_ending_to_string (heapglass_trace_get_ending (trace)),
                  heapglass_trace_get_exit_status (trace), heapglass_trace_get_signal (trace),
                  heapglass_trace_get_exception_type (trace),
                  heapglass_trace_get_end_message (trace));
  return trace;
}

static char *
trace_stdout (HeapglassTrace *trace, gsize *len)
{
  gsize n = 0;
  char *out = heapglass_trace_get_output (trace, 1, 0, &n);

  if (len)
    *len = n;
  return out ? out : g_strdup ("");
}

/* What a plain `python3.11 script.py` did, run in the script's folder like the tracer runs it. */
typedef struct
{
  char *out;
  char *err;
  int exit_status; /* -1 when killed by a signal */
  int signal_number;
  char *exception; /* the uncaught exception's type name, from the traceback's last line */
} PlainRun;

static void
plain_run_clear (PlainRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
  g_clear_pointer (&run->exception, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PlainRun, plain_run_clear)

static char *
bytes_to_string (GBytes *bytes)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  return data ? g_strndup (data, len) : g_strdup ("");
}

static void
plain_run (const char *path, const char *stdin_path, PlainRun *run)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GBytes) err = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  const char *python = g_getenv ("HEAPGLASS_PYTHON");

  g_assert_nonnull (python);
  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_cwd (launcher, dir);
  g_subprocess_launcher_set_stdin_file_path (launcher, stdin_path ? stdin_path : "/dev/null");
  process = g_subprocess_launcher_spawn (launcher, &error, python, path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  run->out = bytes_to_string (out);
  run->err = bytes_to_string (err);
  if (g_subprocess_get_if_signaled (process))
    {
      run->exit_status = -1;
      run->signal_number = g_subprocess_get_term_sig (process);
    }
  else
    {
      run->exit_status = g_subprocess_get_exit_status (process);
      run->signal_number = 0;
    }
  if (strstr (run->err, "Traceback (most recent call last):") != NULL)
    {
      g_auto (GStrv) lines = g_strsplit (g_strchomp (run->err), "\n", -1);
      const char *last = lines[g_strv_length (lines) - 1];
      const char *colon = strchr (last, ':');

      run->exception = colon ? g_strndup (last, colon - last) : g_strdup (last);
    }
}

/* The trace ended the way the plain run did: same stdout, and the same exception, exit status or
 * signal. */
static void
assert_like_plain (HeapglassTrace *trace, const PlainRun *plain)
{
  g_autofree char *out = trace_stdout (trace, NULL);
  HgEnding ending = heapglass_trace_get_ending (trace);

  g_assert_cmpstr (out, ==, plain->out);
  if (plain->signal_number != 0)
    {
      g_assert_cmpstr (heapglass_ending_to_string (ending), ==, "crashed");
      g_assert_cmpint (heapglass_trace_get_signal (trace), ==, plain->signal_number);
    }
  else if (plain->exception != NULL)
    {
      g_assert_cmpstr (heapglass_ending_to_string (ending), ==, "exception");
      g_assert_cmpstr (heapglass_trace_get_exception_type (trace), ==, plain->exception);
    }
  else if (plain->exit_status != 0)
    {
      g_assert_cmpstr (heapglass_ending_to_string (ending), ==, "exit");
      g_assert_cmpint (heapglass_trace_get_exit_status (trace), ==, plain->exit_status);
    }
  else
    {
      g_assert_true (ending == HG_END_FINISHED
                     || (ending == HG_END_EXIT && heapglass_trace_get_exit_status (trace) == 0));
    }
}

/* Traces `source` and runs it plainly with the same stdin; both must agree. Returns the trace. */
static HeapglassTrace *
trace_like_plain (const char *name, const char *source, const char *stdin_text)
{
  g_autofree char *path = script_new (name, source, -1);
  g_autofree char *stdin_path = NULL;
  g_auto (PlainRun) plain = { 0 };
  HeapglassRunOptions options;
  HeapglassTrace *trace;

  heapglass_run_options_init (&options);
  if (stdin_text)
    {
      g_autofree char *stdin_name = g_strconcat (name, ".stdin", NULL);
      stdin_path = stdin_file_new (stdin_name, stdin_text);
    }
  options.stdin_path = stdin_path ? stdin_path : "/dev/null";
  options.timeout_s = 60;
  plain_run (path, options.stdin_path, &plain);
  trace = trace_script (path, &options, NULL);
  assert_like_plain (trace, &plain);
  return trace;
}

static void
assert_ending (HeapglassTrace *trace, const char *expected)
{
  g_assert_cmpstr (heapglass_ending_to_string (heapglass_trace_get_ending (trace)), ==, expected);
}

/* The last step (the run's final state) can be seeked and drawn from. */
static void
assert_last_step_seekable (HeapglassTrace *trace)
{
  guint n = heapglass_trace_get_n_steps (trace);
  g_autoptr (HeapglassSnapshot) snap = NULL;

  g_assert_cmpuint (n, >, 0);
  snap = heapglass_trace_snapshot (trace, n);
  g_assert_nonnull (snap);
  g_assert_cmpuint (snap->step, ==, n);
}

/* ---- the program crashes the interpreter ------------------------------------------------------
 */

static void
test_crash_ctypes_null (void)
{
  g_autofree char *path = script_new ("crash.py",
                                      "import ctypes\n"
                                      "print('before the crash')\n"
                                      "ctypes.string_at(0)\n"
                                      "print('never')\n",
                                      -1);
  g_auto (PlainRun) plain = { 0 };
  g_autoptr (HeapglassTrace) trace = trace_script (path, NULL, NULL);
  g_autofree char *out = trace_stdout (trace, NULL);

  plain_run (path, NULL, &plain);
  g_assert_cmpint (plain.signal_number, ==, SIGSEGV);
  assert_ending (trace, "crashed");
  g_assert_cmpint (heapglass_trace_get_signal (trace), ==, SIGSEGV);
  g_assert_cmpstr (out, ==, "before the crash\n");
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), >=, 3);
  g_assert_cmpuint (heapglass_trace_get_step_line (trace, heapglass_trace_get_n_steps (trace)), ==,
                    3);
  assert_last_step_seekable (trace);
}

/* ---- endless loops ----------------------------------------------------------------------------
 */

static void
test_loop_step_limit (gconstpointer source)
{
  g_autofree char *path = script_new ("loop.py", source, -1);
  g_autoptr (HeapglassTrace) trace = NULL;
  HeapglassRunOptions options;

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.max_steps = 5000;
  trace = trace_script (path, &options, NULL);
  assert_ending (trace, "step-limit");
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), >=, 4990);
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), <=, 5010);
  assert_last_step_seekable (trace);
}

static void
test_loop_time_limit (gconstpointer source)
{
  g_autofree char *path = script_new ("loop.py", source, -1);
  g_autoptr (HeapglassTrace) trace = NULL;
  HeapglassRunOptions options;
  double elapsed;

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.max_steps = G_GUINT64_CONSTANT (1000000000000);
  options.timeout_s = 2;
  options.max_output_bytes = G_GUINT64_CONSTANT (1) << 40;
  trace = trace_script (path, &options, &elapsed);
  assert_ending (trace, "time-limit");
  g_assert_cmpfloat (elapsed, >=, 1.5);
  g_assert_cmpfloat (elapsed, <, 20); /* the deadline plus the kill's grace, even under ASan */
  assert_last_step_seekable (trace);
}

/* A loop inside one C call never reaches a trace event: only the runner's kill ends it. */
static void
test_loop_in_c_time_limit (void)
{
  test_loop_time_limit ("print('summing')\ntotal = sum(range(10**12))\nprint(total)\n");
}

static void
test_loop_in_c_keeps_output (void)
{
  g_autofree char *path = script_new ("loopc.py", "print('summing')\nx = sum(range(10**12))\n", -1);
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autofree char *out = NULL;
  HeapglassRunOptions options;

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.timeout_s = 2;
  trace = trace_script (path, &options, NULL);
  out = trace_stdout (trace, NULL);
  assert_ending (trace, "time-limit");
  g_assert_cmpstr (out, ==, "summing\n");
  g_assert_cmpuint (heapglass_trace_get_step_line (trace, heapglass_trace_get_n_steps (trace)), ==,
                    2);
}

static void
stop_after (HeapglassTraceRunner *runner, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr (GError) error = NULL;

  heapglass_trace_runner_run_finish (runner, result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

static gboolean
press_stop (gpointer user_data)
{
  heapglass_trace_runner_stop (user_data);
  return G_SOURCE_REMOVE;
}

/* Stop, as the window's button does, while an endless loop prints. */
static void
test_loop_stop (void)
{
  g_autofree char *path
      = script_new ("stop.py", "i = 0\nwhile True:\n    i += 1\n    print(i)\n", -1);
  g_autoptr (HeapglassTraceRunner) runner = NULL;
  HeapglassTrace *trace;
  HeapglassRunOptions options;
  gboolean done = FALSE;
  gint64 start, stopped_at = 0;

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.max_steps = G_GUINT64_CONSTANT (1000000000000);
  options.max_output_bytes = G_GUINT64_CONSTANT (1) << 40;
  options.timeout_s = 120;
  runner = heapglass_trace_runner_new (path, &options);
  start = g_get_monotonic_time ();
  heapglass_trace_runner_run_async (runner, NULL, (GAsyncReadyCallback)stop_after, &done);
  g_timeout_add (700, press_stop, runner);
  while (!done)
    {
      g_main_context_iteration (NULL, TRUE);
      if (stopped_at == 0 && g_get_monotonic_time () - start > 700000)
        stopped_at = g_get_monotonic_time ();
    }
  g_assert_false (heapglass_trace_runner_is_running (runner));
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 10000);
  trace = heapglass_trace_runner_get_trace (runner);
  assert_ending (trace, "stopped");
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), >, 10);
  assert_last_step_seekable (trace);
}

/* ---- memory bombs -----------------------------------------------------------------------------
 */

static void
test_memory_bomb (gconstpointer source)
{
  g_autofree char *path = script_new ("bomb.py", source, -1);
  g_autoptr (HeapglassTrace) trace = NULL;
  HeapglassRunOptions options;
  double elapsed;
  HgEnding ending;

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.memory_limit_mib = 256;
  options.timeout_s = 60;
  trace = trace_script (path, &options, &elapsed);
  ending = heapglass_trace_get_ending (trace);
  /* Either the tracer says the limit was hit, or the program saw MemoryError: both are honest. */
  if (ending == HG_END_EXCEPTION)
    g_assert_cmpstr (heapglass_trace_get_exception_type (trace), ==, "MemoryError");
  else
    assert_ending (trace, "memory-limit");
  g_assert_cmpfloat (elapsed, <, 30);
  assert_last_step_seekable (trace);
}

/* ---- deep recursion ---------------------------------------------------------------------------
 */

static void
test_recursion_default_limit (void)
{
  g_autoptr (HeapglassTrace) trace = trace_like_plain ("recurse.py",
                                                       "def down(n):\n"
                                                       "    return down(n + 1)\n"
                                                       "\n"
                                                       "down(0)\n",
                                                       NULL);
  g_autoptr (HeapglassSnapshot) snap = NULL;
  guint n = heapglass_trace_get_n_steps (trace);
  gboolean found = FALSE;

  assert_ending (trace, "exception");
  g_assert_cmpstr (heapglass_trace_get_exception_type (trace), ==, "RecursionError");
  g_assert_cmpuint (heapglass_trace_get_max_depth (trace), >=, 900);
  g_assert_cmpuint (heapglass_trace_get_max_depth (trace), <=, 1001);

  /* The first exception step is where it was raised: on the innermost frame, a `down` one, at the
   * deepest point of the run; later exception steps show it passing through the callers. */
  for (guint step = 1; step <= n && !found; step++)
    {
      if (heapglass_trace_get_step_event (trace, step) != HEAPGLASS_EVENT_EXCEPTION)
        continue;
      snap = heapglass_trace_snapshot (trace, step);
      g_assert_nonnull (snap);
      g_assert_cmpuint (snap->n_frames, ==, heapglass_trace_get_max_depth (trace));
      g_assert_cmpstr (snap->frames[snap->n_frames - 1].function, ==, "down");
      g_assert_cmpstr (snap->frames[snap->n_frames - 1].exception_type, ==, "RecursionError");
      found = TRUE;
    }
  g_assert_true (found);
}

static void
test_recursion_50000 (void)
{
  g_autoptr (HeapglassTrace) trace = trace_like_plain ("deep.py",
                                                       "import sys\n"
                                                       "sys.setrecursionlimit(60000)\n"
                                                       "\n"
                                                       "def depth(n):\n"
                                                       "    if n == 0:\n"
                                                       "        return 0\n"
                                                       "    return depth(n - 1) + 1\n"
                                                       "\n"
                                                       "print(depth(50000))\n",
                                                       NULL);
  g_autoptr (HeapglassSnapshot) snap = NULL;
  guint n = heapglass_trace_get_n_steps (trace);
  guint deepest = 0, deepest_depth = 0;
  gint64 start;

  assert_ending (trace, "finished");
  g_assert_cmpuint (heapglass_trace_get_max_depth (trace), >=, 50000);
  for (guint step = 1; step <= n; step++)
    if (heapglass_trace_get_step_depth (trace, step) > deepest_depth)
      {
        deepest_depth = heapglass_trace_get_step_depth (trace, step);
        deepest = step;
      }
  g_assert_cmpuint (deepest_depth, ==, heapglass_trace_get_max_depth (trace));

  start = g_get_monotonic_time ();
  snap = heapglass_trace_snapshot (trace, deepest);
  g_test_message ("snapshot at depth %u: %.1f ms", deepest_depth,
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_nonnull (snap);
  g_assert_cmpuint (snap->n_frames, ==, deepest_depth);
  g_assert_cmpstr (snap->frames[0].function, ==, "<module>");
  g_assert_cmpstr (snap->frames[snap->n_frames - 1].function, ==, "depth");
  /* Seeking back out of the deep stack works too. */
  g_clear_pointer (&snap, heapglass_snapshot_unref);
  snap = heapglass_trace_snapshot (trace, n);
  g_assert_cmpuint (snap->n_frames, <=, 1);
}

/* ---- gigabytes of output ----------------------------------------------------------------------
 */

static void
test_output_limit (void)
{
  g_autofree char *path = script_new ("flood.py", "while True:\n    print('x' * 1000)\n", -1);
  g_autoptr (HeapglassTrace) trace = NULL;
  HeapglassRunOptions options;
  gsize len;
  g_autofree char *out = NULL;
  double elapsed;

  heapglass_run_options_init (&options); /* the default cap: what the window and CLI use */
  options.stdin_path = "/dev/null";
  options.timeout_s = 120;
  trace = trace_script (path, &options, &elapsed);
  out = trace_stdout (trace, &len);
  assert_ending (trace, "output-limit");
  g_test_message ("output kept: %" G_GSIZE_FORMAT " bytes, stream %" G_GSIZE_FORMAT
                  " bytes, %.1f s",
                  len, heapglass_trace_get_stream_bytes (trace), elapsed);
  g_assert_cmpuint (len, >, 1000000);
  g_assert_cmpuint (len, <=, 16 * 1024 * 1024 + 4096);
  g_assert_true (g_str_has_prefix (out, "xxxxxxxxxx"));
  /* The whole trace stays bounded: output plus a few bytes per step. */
  g_assert_cmpuint (heapglass_trace_get_stream_bytes (trace), <, 24 * 1024 * 1024);
  assert_last_step_seekable (trace);
}

static void
test_output_limit_small_cap (void)
{
  g_autofree char *path = script_new ("flood2.py", "while True:\n    print('y' * 1000)\n", -1);
  g_autoptr (HeapglassTrace) trace = NULL;
  HeapglassRunOptions options;
  gsize len;
  g_autofree char *out = NULL;

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.max_output_bytes = 100000;
  trace = trace_script (path, &options, NULL);
  out = trace_stdout (trace, &len);
  assert_ending (trace, "output-limit");
  g_assert_cmpuint (len, >=, 90000);
  g_assert_cmpuint (len, <=, 100000 + 1001);
}

/* ---- exits ------------------------------------------------------------------------------------
 */

static void
test_exit_status (gconstpointer data)
{
  const char *const *exit_case = data; /* { file name, source, expected status } */
  g_autoptr (HeapglassTrace) trace = trace_like_plain (exit_case[0], exit_case[1], NULL);

  assert_ending (trace, "exit");
  g_assert_cmpint (heapglass_trace_get_exit_status (trace), ==, atoi (exit_case[2]));
  assert_last_step_seekable (trace);
}

static const char *const exit_sys_exit[]
    = { "exit3.py", "import sys\nprint('bye')\nsys.exit(3)\n", "3" };
static const char *const exit_os_exit[]
    = { "exit4.py", "import os\nprint('unflushed?')\nos._exit(4)\n", "4" };
static const char *const exit_system_exit[] = { "exit5.py", "raise SystemExit(5)\n", "5" };
static const char *const exit_message[] = { "exitmsg.py", "import sys\nsys.exit('bye')\n", "1" };
static const char *const exit_in_function[] = { "exitfn.py",
                                                "import sys\n"
                                                "def leave(code):\n"
                                                "    sys.exit(code)\n"
                                                "try:\n"
                                                "    leave(7)\n"
                                                "finally:\n"
                                                "    print('cleanup')\n",
                                                "7" };

/* An uncaught KeyboardInterrupt makes python3.11 kill itself with SIGINT (the shell sees 130). The
 * trace records it as the uncaught exception it is, with that status, not as a crash. */
static void
test_exit_keyboard_interrupt (void)
{
  g_autofree char *path
      = script_new ("ctrlc.py", "print('working')\nraise KeyboardInterrupt\n", -1);
  g_auto (PlainRun) plain = { 0 };
  g_autoptr (HeapglassTrace) trace = trace_script (path, NULL, NULL);
  g_autofree char *out = trace_stdout (trace, NULL);
  HgEnding ending = heapglass_trace_get_ending (trace);

  plain_run (path, NULL, &plain);
  g_assert_cmpint (plain.signal_number, ==, SIGINT);
  g_assert_cmpstr (out, ==, plain.out);
  g_assert_true (ending == HG_END_EXCEPTION || ending == HG_END_EXIT);
  if (ending == HG_END_EXCEPTION)
    g_assert_cmpstr (heapglass_trace_get_exception_type (trace), ==, "KeyboardInterrupt");
  else
    g_assert_cmpint (heapglass_trace_get_exit_status (trace), ==, 128 + SIGINT);
}

/* ---- programs that fight the tracer -----------------------------------------------------------
 */

static void
test_hostile_like_plain (gconstpointer data)
{
  const char *const *hostile = data; /* { file name, source, stdin or NULL } */
  g_autoptr (HeapglassTrace) trace = trace_like_plain (hostile[0], hostile[1], hostile[2]);

  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), >, 0);
  assert_last_step_seekable (trace);
}

static const char *const hostile_settrace[] = { "settrace.py",
                                                "import sys\n"
                                                "seen = []\n"
                                                "def spy(frame, event, arg):\n"
                                                "    seen.append(event)\n"
                                                "    return None\n"
                                                "def work():\n"
                                                "    return 42\n"
                                                "sys.settrace(spy)\n"
                                                "work()\n"
                                                "sys.settrace(None)\n"
                                                "print('spy saw', seen)\n"
                                                "print('after')\n",
                                                NULL };
static const char *const hostile_setprofile[] = { "setprofile.py",
                                                  "import sys\n"
                                                  "calls = []\n"
                                                  "def prof(frame, event, arg):\n"
                                                  "    if event == 'call':\n"
                                                  "        calls.append(frame.f_code.co_name)\n"
                                                  "def work():\n"
                                                  "    return 1\n"
                                                  "sys.setprofile(prof)\n"
                                                  "work()\n"
                                                  "sys.setprofile(None)\n"
                                                  "print(calls)\n",
                                                  NULL };
static const char *const hostile_threads[]
    = { "threads.py",
        "import threading\n"
        "lock = threading.Lock()\n"
        "results = []\n"
        "def worker(k):\n"
        "    total = 0\n"
        "    for i in range(2000):\n"
        "        total += i * k\n"
        "    with lock:\n"
        "        results.append(total)\n"
        "threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]\n"
        "for t in threads:\n"
        "    t.start()\n"
        "for t in threads:\n"
        "    t.join()\n"
        "print(sorted(results))\n",
        NULL };
static const char *const hostile_fork[] = { "fork.py",
                                            "import os\n"
                                            "items = [1, 2, 3]\n"
                                            "pid = os.fork()\n"
                                            "if pid == 0:\n"
                                            "    items.append(4)\n"
                                            "    print('child', items, flush=True)\n"
                                            "    os._exit(0)\n"
                                            "os.waitpid(pid, 0)\n"
                                            "print('parent', items)\n",
                                            NULL };
static const char *const hostile_alarm[] = { "alarm.py",
                                             "import signal, time\n"
                                             "fired = []\n"
                                             "def on_alarm(signum, frame):\n"
                                             "    fired.append(signum)\n"
                                             "signal.signal(signal.SIGALRM, on_alarm)\n"
                                             "signal.alarm(1)\n"
                                             "deadline = time.monotonic() + 10\n"
                                             "while not fired and time.monotonic() < deadline:\n"
                                             "    time.sleep(0.05)\n"
                                             "print('alarm fired', fired == [signal.SIGALRM])\n",
                                             NULL };
static const char *const hostile_close_stdout[] = { "closeout.py",
                                                    "import sys\n"
                                                    "print('a')\n"
                                                    "sys.stdout.close()\n"
                                                    "print('b')\n",
                                                    NULL };
static const char *const hostile_replace_stdout[] = { "replaceout.py",
                                                      "import io, sys\n"
                                                      "real = sys.stdout\n"
                                                      "sys.stdout = io.StringIO()\n"
                                                      "print('hidden')\n"
                                                      "captured = sys.stdout.getvalue()\n"
                                                      "sys.stdout = real\n"
                                                      "print('got', captured.strip())\n",
                                                      NULL };
static const char *const hostile_write_fd1[] = { "fd1.py",
                                                 "import os, sys\n"
                                                 "print('first', flush=True)\n"
                                                 "os.write(1, b'raw\\n')\n"
                                                 "sys.stdout.write('last\\n')\n",
                                                 NULL };
static const char *const hostile_replace_stdin[] = { "replacein.py",
                                                     "import io, sys\n"
                                                     "sys.stdin = io.StringIO('fake line\\n')\n"
                                                     "print('read', input())\n",
                                                     "real line\n" };
static const char *const hostile_close_stdin[] = { "closein.py",
                                                   "import sys\n"
                                                   "sys.stdin.close()\n"
                                                   "print('closed')\n"
                                                   "input()\n",
                                                   "a line\n" };
static const char *const hostile_input_eof[] = { "eof.py",
                                                 "name = input('name? ')\n"
                                                 "print('hello', name)\n"
                                                 "again = input()\n",
                                                 "Ada\n" };
static const char *const hostile_input_lines[] = { "lines.py",
                                                   "import sys\n"
                                                   "total = 0\n"
                                                   "for line in sys.stdin:\n"
                                                   "    total += int(line)\n"
                                                   "print(total)\n",
                                                   "1\n2\n3\n" };

/* ---- broken sources ---------------------------------------------------------------------------
 */

/* The line python3.11 names in "File …, line N" for a syntax error. */
static guint
plain_syntax_error_line (const PlainRun *plain)
{
  const char *at = g_strrstr (plain->err, ", line ");

  if (at == NULL)
    at = g_strrstr (plain->err, " on line ");
  if (at == NULL)
    return 0;
  while (*at && !g_ascii_isdigit (*at))
    at++;
  return (guint)g_ascii_strtoull (at, NULL, 10);
}

static void
test_source_syntax_error (gconstpointer data)
{
  const char *const *source_case = data; /* { file name, source } */
  g_autofree char *path = script_new (source_case[0], source_case[1], -1);
  g_auto (PlainRun) plain = { 0 };
  g_autoptr (HeapglassTrace) trace = trace_script (path, NULL, NULL);
  const char *message = heapglass_trace_get_end_message (trace);
  guint line;

  plain_run (path, NULL, &plain);
  line = plain_syntax_error_line (&plain);
  g_assert_true (strstr (plain.err, "SyntaxError") != NULL
                 || strstr (plain.err, "IndentationError") != NULL);
  g_assert_cmpuint (line, >, 0);
  assert_ending (trace, "syntax-error");
  g_assert_nonnull (message);
  g_assert_cmpstr (message, !=, "");
  /* The line python3.11 names: as the end line, or (for a decoding error, which CPython reports
   * with no line of its own) in the message, "… on line N …". */
  if (heapglass_trace_get_end_line (trace) != line)
    {
      g_autofree char *on_line = g_strdup_printf ("line %u", line);

      g_assert_cmpstr (strstr (message, on_line), !=, NULL);
    }
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, 0);
}

static const char *const syntax_unclosed[] = { "unclosed.py", "x = (1,\nprint(x\n" };
static const char *const syntax_indent[]
    = { "indent.py", "def f():\n    return 1\n  print(f())\n" };
static const char *const syntax_late[] = { "late.py", "a = 1\nb = 2\nc = 3\nd = = 4\n" };
static const char *const syntax_non_utf8[]
    = { "latin1.py", "# caf\xe9\nname = 'Ren\xe9'\nprint(name)\n" };

static void
test_source_binary (void)
{
  static const char elf[] = "\x7f"
                            "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00";
  g_autofree char *path = script_new ("binary.py", elf, sizeof elf - 1);
  g_autoptr (HeapglassTrace) trace = trace_script (path, NULL, NULL);
  HgEnding ending = heapglass_trace_get_ending (trace);

  g_assert_true (ending == HG_END_SYNTAX_ERROR || ending == HG_END_UNREADABLE);
  g_assert_nonnull (heapglass_trace_get_end_message (trace));
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, 0);
}

static void
test_source_empty (void)
{
  g_autofree char *path = script_new ("empty.py", "", 0);
  g_autoptr (HeapglassTrace) trace = trace_script (path, NULL, NULL);
  g_autofree char *out = trace_stdout (trace, NULL);

  assert_ending (trace, "finished");
  /* CPython itself reports call, line and return for an empty module; nothing more. */
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), <=, 3);
  for (guint step = 1; step <= heapglass_trace_get_n_steps (trace); step++)
    g_assert_cmpuint (heapglass_trace_get_step_line (trace, step), <=, 1);
  g_assert_cmpstr (out, ==, "");
}

/* 50 MB of source: refused or rejected quickly, never run for minutes or swapped in whole. */
static void
test_source_huge (void)
{
  g_autofree char *path = g_build_filename (hg_test_tmp_dir (), "huge.py", NULL);
  g_autoptr (GString) chunk = g_string_new (NULL);
  g_autoptr (HeapglassTrace) trace = NULL;
  HeapglassRunOptions options;
  double elapsed;
  HgEnding ending;
  FILE *file;

  for (guint i = 0; i < 16384; i++)
    g_string_append_printf (chunk, "value_%05u = [%u, 'padding padding padding padding']\n", i, i);
  file = fopen (path, "w");
  g_assert_nonnull (file);
  for (gsize written = 0; written < 50 * 1000 * 1000; written += chunk->len)
    g_assert_cmpuint (fwrite (chunk->str, 1, chunk->len, file), ==, chunk->len);
  g_assert_cmpint (fclose (file), ==, 0);

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.timeout_s = 60;
  trace = trace_script (path, &options, &elapsed);
  ending = heapglass_trace_get_ending (trace);
  g_test_message ("50 MB source: %s in %.1f s", heapglass_ending_to_string (ending), elapsed);
  g_assert_true (ending == HG_END_UNREADABLE || ending == HG_END_SYNTAX_ERROR);
  g_assert_nonnull (heapglass_trace_get_end_message (trace));
  g_assert_cmpfloat (elapsed, <, 20);
  g_remove (path);
}

static void
assert_unreadable (const char *path)
{
  g_autoptr (HeapglassTrace) trace = trace_script (path, NULL, NULL);
  const char *message = heapglass_trace_get_end_message (trace);

  assert_ending (trace, "unreadable");
  g_assert_nonnull (message);
  g_assert_cmpstr (message, !=, "");
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, 0);
}

static void
test_source_missing (void)
{
  g_autofree char *path = g_build_filename (hg_test_tmp_dir (), "no-such-file.py", NULL);

  assert_unreadable (path);
}

static void
test_source_directory (void)
{
  g_autofree char *path = g_build_filename (hg_test_tmp_dir (), "folder.py", NULL);

  g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
  assert_unreadable (path);
}

static void
test_source_no_permission (void)
{
  g_autofree char *path = script_new ("secret.py", "print('secret')\n", -1);

  if (geteuid () == 0)
    {
      g_test_skip ("running as root: file permissions do not stop reading "
                   "(the unreadable ending is covered by a missing path and a folder)");
      return;
    }
  g_assert_cmpint (g_chmod (path, 0), ==, 0);
  assert_unreadable (path);
}

/* ---- the sandbox (a preference, on by default, for untrusted chapters) ------------------------
 */

static gboolean
bubblewrap_usable (void)
{
  g_autofree char *bwrap = g_find_program_in_path ("bwrap");
  int status = -1;

  if (bwrap == NULL)
    return FALSE;
  {
    const char *argv[] = { bwrap, "--unshare-net", "--ro-bind", "/", "/", "true", NULL };

    if (!g_spawn_sync (NULL, (char **)argv, NULL,
                       G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                       NULL, &status, NULL))
      return FALSE;
  }
  return g_spawn_check_wait_status (status, NULL);
}

static void
test_sandbox_no_network_private_tmp (void)
{
  g_autofree char *probe = g_strdup_printf ("/tmp/heapglass-sandbox-probe-%d", (int)getpid ());
  g_autofree char *source = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autoptr (HeapglassTrace) open_trace = NULL;
  g_autofree char *open_out = NULL;
  struct sockaddr_in addr = { 0 };
  socklen_t addr_len = sizeof addr;
  HeapglassRunOptions options;
  int listener;

  if (!bubblewrap_usable ())
    {
      g_test_skip ("bubblewrap (bwrap) is missing or cannot create namespaces here");
      return;
    }

  /* A listening socket on the host's loopback: reachable without the sandbox only. */
  listener = socket (AF_INET, SOCK_STREAM, 0);
  g_assert_cmpint (listener, >=, 0);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (listener, (struct sockaddr *)&addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (listener, 4), ==, 0);
  g_assert_cmpint (getsockname (listener, (struct sockaddr *)&addr, &addr_len), ==, 0);

  source = g_strdup_printf ("import socket\n"
                            "try:\n"
                            "    socket.create_connection(('127.0.0.1', %d), timeout=2).close()\n"
                            "    print('network: reached')\n"
                            "except OSError:\n"
                            "    print('network: blocked')\n"
                            "with open('%s', 'w') as f:\n"
                            "    f.write('inside')\n"
                            "print('tmp: written')\n",
                            ntohs (addr.sin_port), probe);
  path = script_new ("sandbox.py", source, -1);

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.sandbox = TRUE;
  trace = trace_script (path, &options, NULL);
  out = trace_stdout (trace, NULL);
  assert_ending (trace, "finished");
  g_assert_cmpstr (out, ==, "network: blocked\ntmp: written\n");
  g_assert_false (g_file_test (probe, G_FILE_TEST_EXISTS));

  /* The same program outside the sandbox reaches the socket: the test can fail. */
  options.sandbox = FALSE;
  open_trace = trace_script (path, &options, NULL);
  open_out = trace_stdout (open_trace, NULL);
  g_assert_cmpstr (open_out, ==, "network: reached\ntmp: written\n");
  g_assert_true (g_file_test (probe, G_FILE_TEST_EXISTS));
  g_remove (probe);
  close (listener);
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (; *text; text++)
    n += *text == '\n';
  return n;
}

/* The sandbox is on by default for chapters: every runnable block of the seed chapter must end the
 * same way inside it as outside (stdout may differ only where a program prints addresses). */
static void
test_sandbox_chapter_programs_run (void)
{
  const char *seed_dir = g_getenv ("HEAPGLASS_SEED_DIR");
  g_autofree char *chapter_path = NULL;
  g_autoptr (HeapglassChapter) chapter = NULL;
  g_autoptr (GError) error = NULL;
  const HeapglassChapterBlock *blocks;
  guint n_blocks = 0, n_run = 0;

  if (!bubblewrap_usable ())
    {
      g_test_skip ("bubblewrap (bwrap) is missing or cannot create namespaces here");
      return;
    }
  if (seed_dir == NULL)
    {
      g_test_skip ("HEAPGLASS_SEED_DIR is not set");
      return;
    }
  chapter_path = g_build_filename (seed_dir, "stack-and-heap-overview.md", NULL);
  chapter = heapglass_chapter_load_path (chapter_path, &error);
  g_assert_no_error (error);
  blocks = heapglass_chapter_get_blocks (chapter, &n_blocks);

  for (guint i = 0; i < n_blocks; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;
      g_autoptr (HeapglassTrace) inside = NULL;
      g_autoptr (HeapglassTrace) outside = NULL;
      g_autofree char *inside_out = NULL;
      g_autofree char *outside_out = NULL;
      HeapglassRunOptions options;

      if (blocks[i].kind == HEAPGLASS_BLOCK_EXERCISE || blocks[i].code[0] == '\0')
        continue;
      name = g_strdup_printf ("chapter-block-%u.py", i);
      path = script_new (name, blocks[i].code, -1);
      heapglass_run_options_init (&options);
      options.stdin_path = "/dev/null";
      options.timeout_s = 60;
      options.sandbox = TRUE;
      inside = trace_script (path, &options, NULL);
      options.sandbox = FALSE;
      outside = trace_script (path, &options, NULL);
      inside_out = trace_stdout (inside, NULL);
      outside_out = trace_stdout (outside, NULL);

      g_test_message ("%s: %s", blocks[i].title,
                      heapglass_ending_to_string (heapglass_trace_get_ending (inside)));
      g_assert_cmpint (heapglass_trace_get_ending (inside), ==,
                       heapglass_trace_get_ending (outside));
      g_assert_cmpstr (heapglass_trace_get_exception_type (inside), ==,
                       heapglass_trace_get_exception_type (outside));
      g_assert_cmpint (heapglass_trace_get_exit_status (inside), ==,
                       heapglass_trace_get_exit_status (outside));
      /* Same lines printed (ids and addresses may differ from run to run, line counts do not). */
      g_assert_cmpuint (count_lines (inside_out), ==, count_lines (outside_out));
      n_run++;
    }
  g_assert_cmpuint (n_run, >=, 10);
}

/* ---- corrupt, truncated and hostile streams ---------------------------------------------------
 */

static void
header (HgBuf *buf)
{
  hg_buf_header (buf, 100, "stream.py");
}

static void
one_valid_step (HgBuf *buf)
{
  hg_buf_byte (buf, HG_REC_STRING);
  hg_buf_string (buf, "<module>");
  hg_buf_byte (buf, HG_REC_FRAME_PUSH);
  hg_buf_varint (buf, 1);
  hg_buf_varint (buf, 1);
  hg_buf_byte (buf, HG_REC_STEP_LINE);
  hg_buf_varint (buf, 1);
}

/* Decodes buf whole; returns the error (the test asserts there is one). */
static GError *
decode_error (HgBuf *buf, guint *n_steps)
{
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  GError *error = NULL;

  if (heapglass_trace_feed (trace, buf->data, buf->len, &error))
    heapglass_trace_finish (trace, &error);
  if (n_steps)
    *n_steps = heapglass_trace_get_n_steps (trace);
  hg_buf_clear (buf);
  return error;
}

static void
test_stream_bad_magic (void)
{
  HgBuf buf = { 0 };
  g_autoptr (GError) error = NULL;

  hg_buf_bytes (&buf, "#!/usr/bin/env python3\nprint(1)\n", 32);
  error = decode_error (&buf, NULL);
  g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
}

static void
test_stream_future_version (void)
{
  HgBuf buf = { 0 };
  g_autoptr (GError) error = NULL;

  hg_buf_reserve (&buf, HG_TRACE_MAGIC_LEN);
  memcpy (buf.data, HG_TRACE_MAGIC, HG_TRACE_MAGIC_LEN);
  buf.len = HG_TRACE_MAGIC_LEN;
  hg_buf_varint (&buf, HG_TRACE_VERSION + 41);
  hg_buf_varint (&buf, 100);
  hg_buf_string (&buf, "future.py");
  error = decode_error (&buf, NULL);
  g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_VERSION);
}

static void
test_stream_unknown_record_keeps_steps (void)
{
  HgBuf buf = { 0 };
  g_autoptr (GError) error = NULL;
  guint n_steps = 0;

  header (&buf);
  one_valid_step (&buf);
  hg_buf_byte (&buf, HG_REC_STEP_LINE);
  hg_buf_varint (&buf, 2);
  hg_buf_byte (&buf, 0xee);
  error = decode_error (&buf, &n_steps);
  g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
  g_assert_cmpuint (n_steps, ==, 2);
}

static void
test_stream_truncated_record (void)
{
  HgBuf buf = { 0 };
  g_autoptr (GError) error = NULL;
  guint n_steps = 0;

  header (&buf);
  one_valid_step (&buf);
  hg_buf_byte (&buf, HG_REC_OUTPUT);
  hg_buf_varint (&buf, 1);
  hg_buf_varint (&buf, 500); /* promises 500 bytes, sends 3 */
  hg_buf_byte (&buf, 'a');
  hg_buf_byte (&buf, 'b');
  hg_buf_byte (&buf, 'c');
  error = decode_error (&buf, &n_steps);
  g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_TRUNCATED);
  g_assert_cmpuint (n_steps, ==, 1);
}

static void
test_stream_huge_string_length (void)
{
  HgBuf buf = { 0 };
  g_autoptr (GError) error = NULL;

  header (&buf);
  hg_buf_byte (&buf, HG_REC_STRING);
  hg_buf_varint (&buf, G_GUINT64_CONSTANT (1) << 62); /* must not try to allocate it */
  hg_buf_byte (&buf, 'x');
  error = decode_error (&buf, NULL);
  g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
}

static void
test_stream_overlong_varint (void)
{
  HgBuf buf = { 0 };
  g_autoptr (GError) error = NULL;

  header (&buf);
  hg_buf_byte (&buf, HG_REC_STEP_LINE);
  for (int i = 0; i < 12; i++)
    hg_buf_byte (&buf, 0xff); /* more than 64 bits of varint */
  hg_buf_byte (&buf, 0x01);
  error = decode_error (&buf, NULL);
  g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
}

static void
test_stream_undefined_string_id (void)
{
  HgBuf buf = { 0 };
  g_autoptr (GError) error = NULL;

  header (&buf);
  hg_buf_byte (&buf, HG_REC_FRAME_PUSH);
  hg_buf_varint (&buf, 999); /* no string 999 was ever defined */
  hg_buf_varint (&buf, 1);
  hg_buf_byte (&buf, HG_REC_STEP_LINE);
  hg_buf_varint (&buf, 1);
  error = decode_error (&buf, NULL);
  g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
}

static void
test_stream_pop_empty_stack (void)
{
  HgBuf buf = { 0 };
  g_autoptr (GError) error = NULL;

  header (&buf);
  for (int i = 0; i < 3; i++)
    hg_buf_byte (&buf, HG_REC_FRAME_POP);
  hg_buf_byte (&buf, HG_REC_STEP_LINE);
  hg_buf_varint (&buf, 1);
  error = decode_error (&buf, NULL);
  g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
}

static void
test_stream_bad_kind (void)
{
  HgBuf buf = { 0 };
  g_autoptr (GError) error = NULL;

  header (&buf);
  one_valid_step (&buf);
  hg_buf_byte (&buf, HG_REC_OBJ_NEW);
  hg_buf_varint (&buf, 1);
  hg_buf_varint (&buf, 1);
  hg_buf_varint (&buf, HG_KIND_LAST + 7);
  hg_buf_varint (&buf, 24);
  hg_buf_varint (&buf, 1);
  hg_buf_byte (&buf, HG_REC_STEP_LINE);
  hg_buf_varint (&buf, 2);
  error = decode_error (&buf, NULL);
  g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
}

/* After an error the trace refuses more input and keeps what it had. */
static void
test_stream_refuses_after_error (void)
{
  HgBuf buf = { 0 };
  HgBuf more = { 0 };
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) error2 = NULL;

  header (&buf);
  one_valid_step (&buf);
  hg_buf_byte (&buf, 0xee);
  g_assert_false (heapglass_trace_feed (trace, buf.data, buf.len, &error));
  g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
  hg_buf_byte (&more, HG_REC_STEP_LINE);
  hg_buf_varint (&more, 2);
  g_assert_false (heapglass_trace_feed (trace, more.data, more.len, &error2));
  g_assert_nonnull (error2);
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, 1);
  hg_buf_clear (&buf);
  hg_buf_clear (&more);
}

/* The well-formed seeds of the decoder fuzzer (hand-made, and recorded from the tracer) decode
 * without error, so the fuzzer starts from valid streams; a format change must update them. */
static void
test_stream_fuzz_seeds (void)
{
  static const char *const valid[]
      = { "header-only",    "one-step",       "every-record", "syntax-error",
          "crashed",        "deep-recursion", "step-limit",   "tracer-alias",
          "tracer-objects", "tracer-raises",  "tracer-loop",  "addresses" };

  for (gsize i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autofree char *path
          = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus-trace", valid[i], NULL);
      g_autoptr (GError) error = NULL;
      g_autofree char *contents = NULL;
      gsize len;
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (HeapglassTrace) trace = NULL;

      g_file_get_contents (path, &contents, &len, &error);
      g_assert_no_error (error);
      bytes = g_bytes_new (contents, len);
      trace = heapglass_trace_new_from_bytes (bytes, &error);
      g_test_message ("%s: %s", valid[i], error ? error->message : "ok");
      g_assert_no_error (error);
      g_assert_nonnull (trace);
    }
}

/* ---- the command line -------------------------------------------------------------------------
 */

/* A tiny reader for the flat JSON object of --trace-summary: key → value text (strings
 * unescaped, numbers as written, null as NULL). */
static GHashTable *
parse_summary (const char *json)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *p = json;

  while (*p && *p != '{')
    p++;
  if (*p == '{')
    p++;
  for (;;)
    {
      g_autoptr (GString) key = g_string_new (NULL);
      char *value = NULL;

      while (*p == ' ' || *p == '\n' || *p == '\t' || *p == ',' || *p == '\r')
        p++;
      if (*p != '"')
        break;
      for (p++; *p && *p != '"'; p++)
        g_string_append_c (key, *p);
      if (*p)
        p++;
      while (*p == ' ' || *p == ':')
        p++;
      if (*p == '"')
        {
          GString *text = g_string_new (NULL);

          for (p++; *p && *p != '"'; p++)
            {
              if (*p != '\\')
                {
                  g_string_append_c (text, *p);
                  continue;
                }
              p++;
              switch (*p)
                {
                case 'n':
                  g_string_append_c (text, '\n');
                  break;
                case 't':
                  g_string_append_c (text, '\t');
                  break;
                case 'r':
                  g_string_append_c (text, '\r');
                  break;
                case 'b':
                  g_string_append_c (text, '\b');
                  break;
                case 'f':
                  g_string_append_c (text, '\f');
                  break;
                case 'u':
                  {
                    char hex[5] = { 0 };

                    for (int i = 0; i < 4 && p[1]; i++)
                      hex[i] = *++p;
                    g_string_append_unichar (text, (gunichar)g_ascii_strtoull (hex, NULL, 16));
                    break;
                  }
                case '\0':
                  p--;
                  break;
                default:
                  g_string_append_c (text, *p);
                  break;
                }
            }
          if (*p)
            p++;
          value = g_string_free (text, FALSE);
        }
      else if (g_str_has_prefix (p, "null"))
        p += 4;
      else
        {
          const char *start = p;

          while (*p && *p != ',' && *p != '}' && *p != '\n')
            p++;
          value = g_strstrip (g_strndup (start, p - start));
        }
      g_hash_table_insert (table, g_string_free (g_steal_pointer (&key), FALSE), value);
    }
  return table;
}

static char *
cli_path (void)
{
  return g_test_build_filename (G_TEST_BUILT, "..", "src", "app", "heapglass", NULL);
}

/* Runs `heapglass --trace-summary ARGS… SCRIPT`; returns its exit status, stdout in *out. */
static int
run_cli (const char *const *args, const char *script, char **out, char **err)
{
  g_autofree char *cli = cli_path ();
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  int status = -1;

  g_ptr_array_add (argv, cli);
  g_ptr_array_add (argv, (char *)"--trace-summary");
  for (; args && *args; args++)
    g_ptr_array_add (argv, (char *)*args);
  g_ptr_array_add (argv, (char *)script);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (hg_test_tmp_dir (), (char **)argv->pdata, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL,
                NULL, out, err, &status, &error);
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

typedef struct
{
  const char *name;
  const char *source;
  const char *args[4];
  const char *ended;
  const char *exception;   /* NULL: must be null */
  const char *exit_status; /* NULL: not checked */
  const char *stdout_text; /* NULL: not checked */
  const char *stdin_text;  /* given with --stdin=FILE; NULL: the test's own stdin */
} CliCase;

static const CliCase cli_cases[] = {
  { "crashed",
    "import ctypes\nprint('so far')\nctypes.string_at(0)\n",
    { NULL },
    "crashed",
    NULL,
    NULL,
    "so far\n" },
  { "step-limit",
    "while True:\n    pass\n",
    { "--max-steps=2000", NULL },
    "step-limit",
    NULL,
    NULL,
    "" },
  { "time-limit",
    "while True:\n    pass\n",
    { "--max-steps=1000000000", "--timeout=2", NULL },
    "time-limit",
    NULL,
    NULL,
    "" },
  { "memory-limit",
    "x = []\nwhile True:\n    x.append(' ' * 10**7)\n",
    { "--memory-limit=256", NULL },
    "memory-limit",
    "MemoryError",
    NULL,
    NULL },
  { "output-limit",
    "while True:\n    print('x' * 1000)\n",
    { NULL },
    "output-limit",
    NULL,
    NULL,
    NULL },
  { "exception",
    "def f():\n    return f()\nf()\n",
    { NULL },
    "exception",
    "RecursionError",
    NULL,
    "" },
  { "exit", "import sys\nprint('out')\nsys.exit(3)\n", { NULL }, "exit", NULL, "3", "out\n" },
  { "os-exit", "import os\nos._exit(4)\n", { NULL }, "exit", NULL, "4", "" },
  { "syntax-error", "x = (1,\nprint(x\n", { NULL }, "syntax-error", NULL, NULL, "" },
  { "finished", "print('done')\n", { NULL }, "finished", NULL, NULL, "done\n" },
  { "stdin-eof",
    "print(input())\nprint(input())\n",
    { NULL },
    "exception",
    "EOFError",
    NULL,
    "only line\n",
    "only line\n" },
};

static void
test_cli_summary (gconstpointer data)
{
  const CliCase *cli_case = data;
  g_autofree char *cli = cli_path ();
  g_autofree char *name = g_strconcat ("cli-", cli_case->name, ".py", NULL);
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GHashTable) summary = NULL;
  int status;

  if (!g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("the heapglass binary is not built (-Dgui=false)");
      return;
    }
  path = script_new (name, cli_case->source, -1);
  if (cli_case->stdin_text)
    {
      g_autofree char *stdin_name = g_strconcat (name, ".stdin", NULL);
      g_autofree char *stdin_path = stdin_file_new (stdin_name, cli_case->stdin_text);
      g_autofree char *stdin_arg = g_strconcat ("--stdin=", stdin_path, NULL);
      const char *args[] = { stdin_arg, NULL };

      status = run_cli (args, path, &out, &err);
    }
  else
    status = run_cli (cli_case->args, path, &out, &err);
  g_test_message ("exit %d\nstdout: %.2000s\nstderr: %.2000s", status, out, err);
  summary = parse_summary (out);
  g_assert_true (g_hash_table_contains (summary, "ended"));
  g_assert_cmpstr (g_hash_table_lookup (summary, "ended"), ==, cli_case->ended);
  g_assert_true (g_hash_table_contains (summary, "exception"));
  g_assert_cmpstr (g_hash_table_lookup (summary, "exception"), ==, cli_case->exception);
  if (cli_case->exit_status)
    g_assert_cmpstr (g_hash_table_lookup (summary, "exit_status"), ==, cli_case->exit_status);
  if (cli_case->stdout_text)
    g_assert_cmpstr (g_hash_table_lookup (summary, "stdout"), ==, cli_case->stdout_text);
  g_assert_true (g_hash_table_contains (summary, "steps"));
  g_assert_true (g_hash_table_contains (summary, "max_depth"));
}

/* A path that cannot be traced at all: a message on stderr and a non-zero exit, or a summary that
 * says unreadable; never a crash. */
static void
test_cli_missing_file (void)
{
  g_autofree char *cli = cli_path ();
  g_autofree char *path = g_build_filename (hg_test_tmp_dir (), "absent.py", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GHashTable) summary = NULL;
  int status;

  if (!g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("the heapglass binary is not built (-Dgui=false)");
      return;
    }
  status = run_cli (NULL, path, &out, &err);
  g_assert_cmpint (status, <, 128); /* not killed by a signal */
  summary = parse_summary (out);
  if (status != 0)
    g_assert_cmpstr (err, !=, "");
  else
    g_assert_cmpstr (g_hash_table_lookup (summary, "ended"), ==, "unreadable");
}

/* ---- main -------------------------------------------------------------------------------------
 */

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();

  g_test_add_func ("/robustness/crash/ctypes-null-pointer", test_crash_ctypes_null);

  g_test_add_data_func ("/robustness/loop/step-limit", "while True:\n    pass\n",
                        test_loop_step_limit);
  g_test_add_data_func ("/robustness/loop/step-limit-printing", "while True:\n    print(1)\n",
                        test_loop_step_limit);
  g_test_add_data_func ("/robustness/loop/time-limit", "while True:\n    pass\n",
                        test_loop_time_limit);
  g_test_add_data_func ("/robustness/loop/time-limit-printing", "while True:\n    print(1)\n",
                        test_loop_time_limit);
  g_test_add_func ("/robustness/loop/time-limit-inside-c", test_loop_in_c_time_limit);
  g_test_add_func ("/robustness/loop/inside-c-keeps-output", test_loop_in_c_keeps_output);
  g_test_add_func ("/robustness/loop/stop", test_loop_stop);

  g_test_add_data_func ("/robustness/memory/growing-list",
                        "x = []\nwhile True:\n    x.append(' ' * 10**7)\n", test_memory_bomb);
  g_test_add_data_func ("/robustness/memory/one-huge-bytearray",
                        "print('asking')\nb = bytearray(10**11)\nprint(len(b))\n",
                        test_memory_bomb);

  g_test_add_func ("/robustness/recursion/default-limit", test_recursion_default_limit);
  g_test_add_func ("/robustness/recursion/50000-frames", test_recursion_50000);

  g_test_add_func ("/robustness/output/default-cap", test_output_limit);
  g_test_add_func ("/robustness/output/small-cap", test_output_limit_small_cap);

  g_test_add_data_func ("/robustness/exit/sys-exit", exit_sys_exit, test_exit_status);
  g_test_add_data_func ("/robustness/exit/os-exit", exit_os_exit, test_exit_status);
  g_test_add_data_func ("/robustness/exit/system-exit", exit_system_exit, test_exit_status);
  g_test_add_data_func ("/robustness/exit/message", exit_message, test_exit_status);
  g_test_add_data_func ("/robustness/exit/inside-function", exit_in_function, test_exit_status);
  g_test_add_func ("/robustness/exit/keyboard-interrupt", test_exit_keyboard_interrupt);

  g_test_add_data_func ("/robustness/hostile/settrace", hostile_settrace, test_hostile_like_plain);
  g_test_add_data_func ("/robustness/hostile/setprofile", hostile_setprofile,
                        test_hostile_like_plain);
  g_test_add_data_func ("/robustness/hostile/threads", hostile_threads, test_hostile_like_plain);
  g_test_add_data_func ("/robustness/hostile/fork", hostile_fork, test_hostile_like_plain);
  g_test_add_data_func ("/robustness/hostile/signal-alarm", hostile_alarm, test_hostile_like_plain);
  g_test_add_data_func ("/robustness/hostile/close-stdout", hostile_close_stdout,
                        test_hostile_like_plain);
  g_test_add_data_func ("/robustness/hostile/replace-stdout", hostile_replace_stdout,
                        test_hostile_like_plain);
  g_test_add_data_func ("/robustness/hostile/write-fd-1", hostile_write_fd1,
                        test_hostile_like_plain);
  g_test_add_data_func ("/robustness/hostile/replace-stdin", hostile_replace_stdin,
                        test_hostile_like_plain);
  g_test_add_data_func ("/robustness/hostile/close-stdin", hostile_close_stdin,
                        test_hostile_like_plain);
  g_test_add_data_func ("/robustness/hostile/input-at-end-of-input", hostile_input_eof,
                        test_hostile_like_plain);
  g_test_add_data_func ("/robustness/hostile/read-stdin-to-the-end", hostile_input_lines,
                        test_hostile_like_plain);

  g_test_add_data_func ("/robustness/source/syntax-error", syntax_unclosed,
                        test_source_syntax_error);
  g_test_add_data_func ("/robustness/source/indentation-error", syntax_indent,
                        test_source_syntax_error);
  g_test_add_data_func ("/robustness/source/syntax-error-names-line", syntax_late,
                        test_source_syntax_error);
  g_test_add_data_func ("/robustness/source/non-utf8", syntax_non_utf8, test_source_syntax_error);
  g_test_add_func ("/robustness/source/binary", test_source_binary);
  g_test_add_func ("/robustness/source/empty", test_source_empty);
  g_test_add_func ("/robustness/source/50-megabytes", test_source_huge);
  g_test_add_func ("/robustness/source/missing", test_source_missing);
  g_test_add_func ("/robustness/source/directory", test_source_directory);
  g_test_add_func ("/robustness/source/no-permission", test_source_no_permission);

  g_test_add_func ("/robustness/sandbox/no-network-private-tmp",
                   test_sandbox_no_network_private_tmp);
  g_test_add_func ("/robustness/sandbox/chapter-programs-run", test_sandbox_chapter_programs_run);

  g_test_add_func ("/robustness/stream/bad-magic", test_stream_bad_magic);
  g_test_add_func ("/robustness/stream/future-version", test_stream_future_version);
  g_test_add_func ("/robustness/stream/unknown-record-keeps-steps",
                   test_stream_unknown_record_keeps_steps);
  g_test_add_func ("/robustness/stream/truncated-record", test_stream_truncated_record);
  g_test_add_func ("/robustness/stream/huge-string-length", test_stream_huge_string_length);
  g_test_add_func ("/robustness/stream/overlong-varint", test_stream_overlong_varint);
  g_test_add_func ("/robustness/stream/undefined-string-id", test_stream_undefined_string_id);
  g_test_add_func ("/robustness/stream/pop-empty-stack", test_stream_pop_empty_stack);
  g_test_add_func ("/robustness/stream/unknown-object-kind", test_stream_bad_kind);
  g_test_add_func ("/robustness/stream/refuses-after-error", test_stream_refuses_after_error);
  g_test_add_func ("/robustness/stream/fuzz-seeds-decode", test_stream_fuzz_seeds);

  for (gsize i = 0; i < G_N_ELEMENTS (cli_cases); i++)
    {
      g_autofree char *test_path = g_strconcat ("/robustness/cli/", cli_cases[i].name, NULL);

      g_test_add_data_func (test_path, &cli_cases[i], test_cli_summary);
    }
  g_test_add_func ("/robustness/cli/missing-file", test_cli_missing_file);

  status = g_test_run ();
  return status;
}
