/* test-hostile-misc.c: smaller hostile cases of issue 13. Threads' lines stay whole (stdout is
 * line-buffered as in a terminal), Python that cannot start under --memory-limit ends
 * memory-limit, a huge class name does not break the trace, NUL bytes survive in values, the
 * command line fails when its result cannot reach stdout, and a relative script path works inside
 * the sandbox from a folder under /tmp. Runs with and without the sandbox where it applies. */

#include "hostile-run.h"

typedef struct
{
  gboolean sandbox;
} Mode;

static const Mode modes[] = { { FALSE }, { TRUE } };

static void
test_thread_lines_whole (gconstpointer data)
{
  const Mode *mode = data;
  g_autofree char *dir = hostile_dir_new ();
  g_autofree char *script
      = hostile_file_new (dir, "threads.py",
                          "import threading\n"
                          "def w(c):\n"
                          "    for i in range(2000):\n"
                          "        print(c * 30)\n"
                          "ts = [threading.Thread(target=w, args=(c,)) for c in 'ab']\n"
                          "for t in ts: t.start()\n"
                          "for t in ts: t.join()\n",
                          -1);
  g_autofree char *saved = g_strdup (g_getenv ("PYTHONUNBUFFERED"));
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autoptr (GBytes) out = NULL;
  g_auto (GStrv) lines = NULL;
  guint torn = 0;

  /* the default, as a terminal has it (the suite pins PYTHONUNBUFFERED=1 for its plain runs) */
  g_unsetenv ("PYTHONUNBUFFERED");
  trace = hostile_trace (script, mode->sandbox, NULL);
  if (saved)
    g_setenv ("PYTHONUNBUFFERED", saved, TRUE);
  out = hostile_trace_output (trace, 1);
  lines = g_strsplit (g_bytes_get_data (out, NULL), "\n", -1);
  g_assert_cmpstr (hostile_ended (trace), ==, "finished");
  g_assert_cmpuint (g_strv_length (lines), ==, 4001);
  for (guint i = 0; lines[i] && lines[i + 1]; i++)
    if (strspn (lines[i], "a") != 30 && strspn (lines[i], "b") != 30)
      torn++;
  g_assert_cmpuint (torn, ==, 0);
  hostile_dir_remove (dir);
}

static void
test_memory_limit_too_small_to_start (gconstpointer data)
{
  const Mode *mode = data;
  g_autofree char *dir = hostile_dir_new ();
  g_autofree char *script = hostile_file_new (dir, "small.py", "print('hi')\n", -1);
  HeapglassRunOptions options;
  g_autoptr (HeapglassTrace) trace = NULL;

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.memory_limit_mib = 16;
  trace = hostile_trace (script, mode->sandbox, &options);
  /* A sanitized tracer's runtime may die of the limit before Python does: a crash, then. Never
   * `finished` with no step, nor `unreadable`. */
  if (g_str_equal (hostile_ended (trace), "crashed"))
    g_test_message ("the tracer itself died of the limit (a sanitized build?)");
  else
    {
      g_assert_cmpstr (hostile_ended (trace), ==, "memory-limit");
      g_assert_cmpstr (heapglass_trace_get_exception_type (trace), ==, "MemoryError");
    }
  hostile_dir_remove (dir);
}

static void
test_nul_in_values (gconstpointer data)
{
  const Mode *mode = data;
  g_autofree char *dir = hostile_dir_new ();
  g_autofree char *script = hostile_file_new (
      dir, "nul.py", "s = 'left\\x00right'\nb = b'\\x00\\x01'\nprint(len(s), s)\n", -1);
  g_autoptr (HeapglassTrace) trace = hostile_trace (script, mode->sandbox, NULL);
  g_autoptr (GBytes) out = hostile_trace_output (trace, 1);
  g_autoptr (HeapglassSnapshot) last = NULL;
  gboolean found = FALSE;

  g_assert_cmpstr (hostile_ended (trace), ==, "finished");
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out), "10 left\0right\n", 14);
  last = heapglass_trace_snapshot (trace, heapglass_trace_get_n_steps (trace));
  for (guint i = 0; i < last->n_objects; i++)
    if (last->objects[i].kind == HG_KIND_STR && last->objects[i].length == 10)
      {
        /* the whole value, NUL included */
        g_assert_cmpmem (last->objects[i].text, 10, "left\0right", 10);
        found = TRUE;
      }
  g_assert_true (found);
  hostile_dir_remove (dir);
}

/* A class name of 70 MB (beyond the stream's 64 MiB string limit) ends the run normally. */
static void
test_huge_class_name (gconstpointer data)
{
  const Mode *mode = data;
  g_autofree char *dir = hostile_dir_new ();
  g_autofree char *script = hostile_file_new (dir, "huge.py",
                                              "C = type('K' * 70_000_000, (), {})\n"
                                              "c = C()\n"
                                              "print(len(type(c).__name__))\n",
                                              -1);
  g_autoptr (HeapglassTrace) trace = hostile_trace (script, mode->sandbox, NULL);
  g_autoptr (GBytes) out = hostile_trace_output (trace, 1);

  g_assert_cmpstr (hostile_ended (trace), ==, "finished");
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out), "70000000\n", 9);
  hostile_dir_remove (dir);
}

static void
test_cli_stdout_unwritable (void)
{
  g_autofree char *cli = hostile_cli_path ();
  g_autofree char *dir = hostile_dir_new ();
  g_autofree char *script = hostile_file_new (dir, "hi.py", "print('hi')\n", -1);
  g_autofree char *full = g_strdup_printf ("'%s' --trace-summary '%s' > /dev/full", cli, script);
  g_autofree char *closed = g_strdup_printf ("'%s' --trace-summary '%s' >&-", cli, script);
  g_autofree char *fine = g_strdup_printf ("'%s' --trace-summary '%s' > /dev/null", cli, script);
  const char *const commands[] = { full, closed, fine };
  const int expect_ok[] = { 0, 0, 1 };

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const char *argv[] = { "/bin/sh", "-c", commands[i], NULL };
      g_auto (HostileProcess) run = { 0 };

      hostile_spawn (argv, dir, &run);
      g_test_message ("%s: status %d, %s", commands[i], run.status,
                      (const char *)g_bytes_get_data (run.err, NULL));
      g_assert_false (run.signaled);
      if (expect_ok[i])
        g_assert_cmpint (run.status, ==, 0);
      else
        {
          g_assert_cmpint (run.status, !=, 0);
          g_assert_nonnull (strstr (g_bytes_get_data (run.err, NULL), "standard output"));
        }
    }
  hostile_dir_remove (dir);
}

/* `cd /tmp/x && heapglass --trace-summary sub/script.py`, sandboxed: the private /tmp must still
 * show the working folder, so the relative path (and sys.argv[0]) mean what they mean outside. */
static void
test_relative_path_under_tmp (gconstpointer data)
{
  const Mode *mode = data;
  g_autofree char *dir = hostile_dir_new ();
  g_autofree char *sub = g_build_filename (dir, "sub", NULL);
  g_autofree char *script = NULL;
  const char *args[] = { mode->sandbox ? NULL : "--no-sandbox", NULL };
  g_auto (HostileProcess) run = { 0 };
  g_autofree char *ended = NULL;
  g_autofree char *out = NULL;
  g_autofree char *cli = hostile_cli_path ();
  const char *argv[] = { cli, "--trace-summary", NULL, NULL, NULL };

  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  script = hostile_file_new (sub, "rel.py",
                             "import sys\nprint(sys.argv[0], open('sub/rel.py').read(6))\n", -1);
  argv[2] = args[0] ? args[0] : "sub/rel.py";
  argv[3] = args[0] ? "sub/rel.py" : NULL;
  hostile_spawn (argv, dir, &run);
  ended = hostile_summary_field (run.out, "ended");
  out = hostile_summary_field (run.out, "stdout");
  g_assert_cmpstr (ended, ==, "finished");
  g_assert_cmpstr (out, ==, "sub/rel.py import\\n");
  hostile_dir_remove (dir);
}

/* Recording an exception runs none of the program's code: not a filename's __repr__ (OSError),
 * not a message's __str__ (SyntaxError), not __str__ of an exception subclass. */
static void
test_exception_text_runs_no_user_code (gconstpointer data)
{
  const Mode *mode = data;
  g_autofree char *dir = hostile_dir_new ();
  g_autofree char *script
      = hostile_file_new (dir, "evil.py",
                          "class Evil:\n"
                          "    def __repr__(self):\n"
                          "        print('repr called')\n"
                          "        return 'evil'\n"
                          "    def __str__(self):\n"
                          "        print('str called')\n"
                          "        return 'evil'\n"
                          "for make in (lambda: OSError(2, 'No such file'), "
                          "lambda: SyntaxError('bad'), lambda: UnicodeError('u')):\n"
                          "    try:\n"
                          "        e = make()\n"
                          "        for field in ('filename', 'strerror', 'msg', 'reason'):\n"
                          "            try:\n"
                          "                setattr(e, field, Evil())\n"
                          "            except (AttributeError, TypeError):\n"
                          "                pass\n"
                          "        raise e\n"
                          "    except Exception as caught:\n"
                          "        print('caught', type(caught).__name__)\n",
                          -1);
  g_auto (HostileProcess) plain = { 0 };
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autoptr (GBytes) out = NULL;

  hostile_plain_run (script, &plain);
  trace = hostile_trace (script, mode->sandbox, NULL);
  out = hostile_trace_output (trace, 1);
  g_assert_cmpstr (hostile_ended (trace), ==, "finished");
  g_assert_true (g_bytes_equal (out, plain.out));
  hostile_dir_remove (dir);
}

/* 30 exceptions carrying a 100 MB string in a tuple of args: str() of that is repr() of the whole
 * string each time (21.7 s against 0.18 s plain before messages were cut first). */
static void
test_exception_cost_bounded (gconstpointer data)
{
  const Mode *mode = data;
  g_autofree char *dir = hostile_dir_new ();
  g_autofree char *script = hostile_file_new (dir, "big.py",
                                              "big = 'x' * 100_000_000\n"
                                              "for i in range(30):\n"
                                              "    try:\n"
                                              "        raise ValueError(big, i)\n"
                                              "    except ValueError:\n"
                                              "        pass\n"
                                              "print('done')\n",
                                              -1);
  gint64 start = g_get_monotonic_time ();
  g_autoptr (HeapglassTrace) trace = hostile_trace (script, mode->sandbox, NULL);
  double elapsed = (g_get_monotonic_time () - start) / 1e6;
  g_autoptr (HeapglassSnapshot) snapshot = NULL;
  guint raised = 0;

  g_test_message ("30 exceptions with 100 MB: %.2f s", elapsed);
  g_assert_cmpstr (hostile_ended (trace), ==, "finished");
  g_assert_cmpfloat (elapsed, <, 8.0);
  /* the message is still there, cut */
  for (guint step = 1; step <= heapglass_trace_get_n_steps (trace) && !raised; step++)
    if (heapglass_trace_get_step_event (trace, step) == HEAPGLASS_EVENT_EXCEPTION)
      raised = step;
  g_assert_cmpuint (raised, >, 0);
  snapshot = heapglass_trace_snapshot (trace, raised);
  g_assert_cmpuint (snapshot->n_frames, >, 0);
  g_assert_nonnull (snapshot->frames[snapshot->n_frames - 1].exception_message);
  g_assert_true (
      g_str_has_prefix (snapshot->frames[snapshot->n_frames - 1].exception_message, "('xxxxxxxx"));
  hostile_dir_remove (dir);
}

static void
add_mode_test (const char *name, GTestDataFunc func)
{
  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *path = g_strdup_printf ("/hostile/misc/%s/%s", name,
                                               modes[i].sandbox ? "sandbox" : "no-sandbox");
      g_test_add_data_func (path, &modes[i], func);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_mode_test ("thread-lines-whole", test_thread_lines_whole);
  add_mode_test ("memory-limit-too-small-to-start", test_memory_limit_too_small_to_start);
  add_mode_test ("nul-in-values", test_nul_in_values);
  add_mode_test ("huge-class-name", test_huge_class_name);
  add_mode_test ("relative-path-under-tmp", test_relative_path_under_tmp);
  add_mode_test ("exception-text-runs-no-user-code", test_exception_text_runs_no_user_code);
  add_mode_test ("exception-cost-bounded", test_exception_cost_bounded);
  g_test_add_func ("/hostile/misc/cli-fails-when-stdout-unwritable", test_cli_stdout_unwritable);
  return g_test_run ();
}
