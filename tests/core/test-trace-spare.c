/* test-trace-spare.c: a tracer started before its script is known (the window keeps one ready
 * for Run): the program sees exactly what a freshly started tracer shows it, the spare serves one
 * run only, only a run it fits, and dies with whoever holds it. Sandboxed and not. */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>

#include "heapglass-run-controller.h"
#include "heapglass-test-support.h"

/* What a program can see of how it was started. */
static const char WHOAMI_PY[]
    = "import os, sys\n"
      "print('argv', sys.argv)\n"
      "print('orig_argv', sys.orig_argv)\n"
      "print('file', __file__)\n"
      "print('path0', sys.path[0])\n"
      "print('path', sys.path[1:])\n"
      "print('cwd', os.getcwd())\n"
      "print('env', sorted(k for k in os.environ if not k.startswith('HEAPGLASS')))\n"
      "print('executable', sys.executable)\n"
      "print('main', __name__, __loader__.__class__.__name__, __spec__)\n"
      "print('modules', sorted(m for m in sys.modules if not m.startswith('_')))\n"
      "print('stdout', sys.stdout.line_buffering, sys.stdout.encoding, sys.stdin.isatty())\n";

static void
options_for (HeapglassRunOptions *options, gboolean sandbox)
{
  heapglass_run_options_init (options);
  options->sandbox = sandbox;
  options->stdin_interactive = TRUE;
}

typedef struct
{
  HeapglassTraceRunner *runner;
  gboolean done;
  GError *error;
} RunState;

static void
on_done (GObject *source, GAsyncResult *result, gpointer data)
{
  RunState *state = data;

  heapglass_trace_runner_run_finish (HEAPGLASS_TRACE_RUNNER (source), result, &state->error);
  state->done = TRUE;
}

static gboolean
run_done (gpointer data)
{
  return ((RunState *)data)->done;
}

/* Runs `script` to the end, given `spare` when not NULL; returns its stdout. *served: whether
 * the spare served it. */
static char *
run_script (const char *script, const HeapglassRunOptions *options, HeapglassSpareTracer *spare,
            HgEnding *ending, gboolean *served)
{
  RunState state = { 0 };
  char *out;

  state.runner = heapglass_trace_runner_new (script, options);
  if (spare != NULL)
    heapglass_trace_runner_take_spare (state.runner, spare);
  heapglass_trace_runner_run_async (state.runner, NULL, on_done, &state);
  heapglass_trace_runner_close_input (state.runner);
  g_assert_true (hg_test_spin_until (run_done, &state, 60));
  g_assert_no_error (state.error);
  if (ending != NULL)
    *ending = heapglass_trace_get_ending (heapglass_trace_runner_get_trace (state.runner));
  if (served != NULL)
    *served = heapglass_trace_runner_get_used_spare (state.runner);
  out = heapglass_trace_get_output (heapglass_trace_runner_get_trace (state.runner), 1, 0, NULL);
  g_object_unref (state.runner);
  return out;
}

/* Waits until the spare has started (sandbox built, Python initialised) as far as it can. */
static void
let_spare_start (void)
{
  hg_test_spin_for (700);
}

static void
check_same_as_fresh (gboolean sandbox)
{
  g_autofree char *script = hg_test_write_file ("whoami.py", WHOAMI_PY, -1);
  g_autofree char *fresh = NULL;
  g_autofree char *served = NULL;
  HeapglassRunOptions options;
  HeapglassSpareTracer *spare;
  g_autoptr (GError) error = NULL;

  hg_test_assert_tracer ();
  options_for (&options, sandbox);
  gboolean used = TRUE;

  fresh = run_script (script, &options, NULL, NULL, &used);
  g_assert_false (used);
  spare = heapglass_spare_tracer_start (script, &options, &error);
  g_assert_no_error (error);
  let_spare_start ();
  g_assert_true (heapglass_spare_tracer_can_serve (spare, script, &options));
  served = run_script (script, &options, spare, NULL, &used);
  g_assert_true (used);
  g_test_message ("fresh:\n%s\nserved:\n%s", fresh, served);
  g_assert_nonnull (strstr (fresh, "argv ['"));
  g_assert_cmpstr (served, ==, fresh);
}

static void
test_same_as_fresh (void)
{
  check_same_as_fresh (FALSE);
}

static void
test_same_as_fresh_sandboxed (void)
{
  check_same_as_fresh (TRUE);
}

/* The time limit counts from the script's start, not from the spare's. */
static void
test_time_limit_from_the_run (void)
{
  g_autofree char *script
      = hg_test_write_file ("nap.py", "import time\ntime.sleep(0.6)\nprint('awake')\n", -1);
  g_autofree char *out = NULL;
  HeapglassRunOptions options;
  HeapglassSpareTracer *spare;
  HgEnding ending = HG_END_NONE;
  gboolean used = FALSE;
  g_autoptr (GError) error = NULL;

  hg_test_assert_tracer ();
  options_for (&options, FALSE);
  options.timeout_s = 1.5;
  spare = heapglass_spare_tracer_start (script, &options, &error);
  g_assert_no_error (error);
  hg_test_spin_for (1600); /* longer than the limit itself */
  out = run_script (script, &options, spare, &ending, &used);
  g_assert_true (used);
  g_assert_cmpstr (out, ==, "awake\n");
  g_assert_cmpint (ending, ==, HG_END_FINISHED);
}

/* ...and holds for a program that sits in C code (the tracer's clock must run once the script
 * came, though the spare slept before). */
static void
test_time_limit_holds (void)
{
  g_autofree char *script = hg_test_write_file ("sleeper.py", "import time\ntime.sleep(30)\n", -1);
  g_autofree char *out = NULL;
  HeapglassRunOptions options;
  HeapglassSpareTracer *spare;
  HgEnding ending = HG_END_NONE;
  gboolean used = FALSE;
  gint64 start;
  g_autoptr (GError) error = NULL;

  hg_test_assert_tracer ();
  options_for (&options, FALSE);
  options.timeout_s = 1;
  spare = heapglass_spare_tracer_start (script, &options, &error);
  g_assert_no_error (error);
  let_spare_start ();
  start = g_get_monotonic_time ();
  out = run_script (script, &options, spare, &ending, &used);
  g_assert_true (used);
  g_assert_cmpint (ending, ==, HG_END_TIME_LIMIT);
  /* the tracer's own limit, not the runner's kill two seconds later */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2800 * 1000);
}

/* A spare started for other limits is not used: the run gets its own tracer, and its limits. */
static void
test_unused_when_options_differ (void)
{
  g_autofree char *script
      = hg_test_write_file ("count.py", "n = 0\nfor i in range(50):\n    n += i\nprint(n)\n", -1);
  g_autofree char *out = NULL;
  HeapglassRunOptions options, other;
  HeapglassSpareTracer *spare;
  HgEnding ending = HG_END_NONE;
  gboolean used = FALSE;
  g_autoptr (GError) error = NULL;

  hg_test_assert_tracer ();
  options_for (&options, FALSE);
  other = options;
  other.max_steps = 5;
  spare = heapglass_spare_tracer_start (script, &other, &error);
  g_assert_no_error (error);
  let_spare_start ();
  g_assert_false (heapglass_spare_tracer_can_serve (spare, script, &options));
  g_assert_true (heapglass_spare_tracer_can_serve (spare, script, &other));
  out = run_script (script, &options, spare, &ending, &used);
  g_assert_false (used);
  g_assert_cmpint (ending, ==, HG_END_FINISHED);
  g_assert_cmpstr (out, ==, "1225\n");
}

/* Our children whose command line holds `word`; *pid: one of them. */
static guint
count_children_with (const char *word, GPid *pid)
{
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  g_autofree char *me = g_strdup_printf ("%d", (int)getpid ());
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *stat_path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *cmd_path = g_build_filename ("/proc", name, "cmdline", NULL);
      g_autofree char *stat = NULL;
      g_autofree char *cmdline = NULL;
      gsize len = 0;
      const char *paren;
      g_auto (GStrv) fields = NULL;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (stat_path, &stat, NULL, NULL)
          || !g_file_get_contents (cmd_path, &cmdline, &len, NULL))
        continue;
      paren = strrchr (stat, ')');
      if (paren == NULL)
        continue;
      fields = g_strsplit (paren + 2, " ", 4); /* state, ppid, … */
      if (g_strv_length (fields) < 2 || !g_str_equal (fields[1], me) || fields[0][0] == 'Z')
        continue;
      for (gsize i = 0; i < len; i++)
        if (cmdline[i] == '\0')
          cmdline[i] = ' ';
      if (strstr (cmdline, word) != NULL)
        {
          n++;
          if (pid != NULL)
            *pid = (GPid)atoi (name);
        }
    }
  return n;
}

static gboolean
spare_dead (gpointer spare)
{
  return !heapglass_spare_tracer_is_alive (spare);
}

/* A spare that died before its run (killed, out of memory) leaves the run to a fresh tracer. */
static void
test_dead_spare_not_used (void)
{
  g_autofree char *script = hg_test_write_file ("hello.py", "print('hello')\n", -1);
  g_autofree char *out = NULL;
  HeapglassRunOptions options;
  HeapglassSpareTracer *spare;
  HgEnding ending = HG_END_NONE;
  gboolean used = TRUE;
  GPid pid = 0;
  g_autoptr (GError) error = NULL;

  hg_test_assert_tracer ();
  options_for (&options, FALSE);
  spare = heapglass_spare_tracer_start (script, &options, &error);
  g_assert_no_error (error);
  let_spare_start ();
  g_assert_cmpuint (count_children_with ("--script-fd=", &pid), ==, 1);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_true (hg_test_spin_until (spare_dead, spare, 10));
  g_assert_false (heapglass_spare_tracer_can_serve (spare, script, &options));
  out = run_script (script, &options, spare, &ending, &used);
  g_assert_false (used);
  g_assert_cmpint (ending, ==, HG_END_FINISHED);
  g_assert_cmpstr (out, ==, "hello\n");
}

/* ---- the run controller keeps one ready ---------------------------------------------------- */

static gboolean
no_spare_child (gpointer data)
{
  return count_children_with ("--script-fd=", NULL) == 0;
}

static gboolean
controller_finished (gpointer data)
{
  return heapglass_run_controller_get_ended (data);
}

/* Each run is its own process (a spare serves one run), both served by spares; and the spare
 * waiting for a third run dies with the controller. */
static void
test_controller_one_process_per_run (void)
{
  g_autofree char *script = hg_test_write_file ("pid.py", "import os\nprint(os.getpid())\n", -1);
  HeapglassRunController *controller = heapglass_run_controller_new ();
  HeapglassRunOptions options;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  hg_test_assert_tracer ();
  options_for (&options, FALSE);
  heapglass_run_controller_prepare (controller, script, &options);
  let_spare_start ();
  g_assert_cmpuint (count_children_with ("--script-fd=", NULL), ==, 1);
  heapglass_run_controller_start (controller, script, &options);
  g_assert_true (hg_test_spin_until (controller_finished, controller, 60));
  first = heapglass_trace_get_output (heapglass_run_controller_get_trace (controller), 1, 0, NULL);
  g_assert_true (
      heapglass_trace_runner_get_used_spare (heapglass_run_controller_get_runner (controller)));
  let_spare_start (); /* the next spare */
  g_assert_cmpuint (count_children_with ("--script-fd=", NULL), ==, 1);
  heapglass_run_controller_start (controller, script, &options);
  g_assert_true (hg_test_spin_until (controller_finished, controller, 60));
  second = heapglass_trace_get_output (heapglass_run_controller_get_trace (controller), 1, 0, NULL);
  g_assert_true (
      heapglass_trace_runner_get_used_spare (heapglass_run_controller_get_runner (controller)));
  g_assert_cmpuint (strlen (first), >, 1);
  g_assert_cmpstr (first, !=, second);

  let_spare_start ();
  g_assert_cmpuint (count_children_with ("--script-fd=", NULL), ==, 1);
  g_object_unref (controller);
  g_assert_true (hg_test_spin_until (no_spare_child, NULL, 10));
}

/* Where the full sandbox cannot be built (no user namespaces), a run is not lost: bubblewrap's
 * complaint stays ours, the weaker sandbox is found and says so, and the program runs once. */
static void
test_sandbox_guess_falls_back (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *script = hg_test_write_file ("once.py", "print('ran')\n", -1);
      g_autofree char *bin = hg_test_tmp_path ("fakebin");
      g_autofree char *bwrap = g_build_filename (bin, "bwrap", NULL);
      g_autofree char *real = g_find_program_in_path ("bwrap");
      g_autofree char *fake = NULL;
      g_autofree char *path = NULL;
      g_autofree char *out = NULL;
      HeapglassRunOptions options;
      HgEnding ending = HG_END_NONE;
      g_autoptr (GError) error = NULL;

      g_assert_nonnull (real);
      fake = g_strdup_printf (
          "#!/bin/sh\n"
          "case \" $* \" in *' --unshare-user '*)\n"
          "  echo 'bwrap: No permissions to create new namespace' >&2; exit 1;;\n"
          "esac\n"
          "exec %s \"$@\"\n",
          real);
      g_assert_no_errno (g_mkdir_with_parents (bin, 0700));
      g_file_set_contents (bwrap, fake, -1, &error);
      g_assert_no_error (error);
      g_assert_no_errno (g_chmod (bwrap, 0755));
      path = g_strconcat (bin, ":", g_getenv ("PATH"), NULL);
      g_setenv ("PATH", path, TRUE);
      options_for (&options, TRUE);
      out = run_script (script, &options, NULL, &ending, NULL);
      g_assert_cmpint (ending, ==, HG_END_FINISHED);
      g_assert_cmpstr (out, ==, "ran\n");
      return;
    }
  hg_test_assert_tracer ();
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*weaker sandbox*");
  g_test_trap_assert_stderr_unmatched ("*No permissions*");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/trace/spare/same-as-fresh", test_same_as_fresh);
  g_test_add_func ("/trace/spare/same-as-fresh-sandboxed", test_same_as_fresh_sandboxed);
  g_test_add_func ("/trace/spare/time-limit-from-the-run", test_time_limit_from_the_run);
  g_test_add_func ("/trace/spare/time-limit-holds", test_time_limit_holds);
  g_test_add_func ("/trace/spare/unused-when-options-differ", test_unused_when_options_differ);
  g_test_add_func ("/trace/spare/dead-spare-not-used", test_dead_spare_not_used);
  g_test_add_func ("/trace/spare/controller-one-process-per-run",
                   test_controller_one_process_per_run);
  g_test_add_func ("/trace/start/sandbox-guess-falls-back", test_sandbox_guess_falls_back);
  return g_test_run ();
}
