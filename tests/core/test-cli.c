/* test-cli.c: the headless command line, run as a user runs it: the built `heapglass` binary when
 * it exists, else this test program re-executed as a bare GApplication around the CLI functions. */
#include "config.h"

#include <glib/gstdio.h>

#include "heapglass-cli.h"
#include "heapglass-test-support.h"

static char *program;     /* what the tests run */
static gboolean self_cli; /* program is this test binary in --as-cli mode */

static int
on_handle_local_options (GApplication *app, GVariantDict *options, gpointer data)
{
  g_autofree char *file = NULL;
  int status = heapglass_cli_handle_local_options (app, options, &file);

  if (status < 0)
    {
      /* The window would open: say so, so tests can tell. */
      g_print ("WINDOW %s\n", file ? file : "");
      return 0;
    }
  return status;
}

static int
run_as_cli (int argc, char **argv)
{
  g_autoptr (GApplication) app
      = g_application_new ("io.github.heapglass.HeapglassCliTest", G_APPLICATION_NON_UNIQUE);

  heapglass_cli_add_main_options (app);
  g_signal_connect (app, "handle-local-options", G_CALLBACK (on_handle_local_options), NULL);
  return g_application_run (app, argc, argv);
}

typedef struct
{
  int status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

/* Runs the command line with the arguments (NULL-terminated). */
G_GNUC_NULL_TERMINATED
static Result
cli (const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  Result r = { 0 };
  va_list args;

  g_ptr_array_add (argv, program);
  if (self_cli)
    g_ptr_array_add (argv, "--as-cli");
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer)a);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char *const *)argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE
                                | G_SUBPROCESS_FLAGS_STDIN_INHERIT,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &r.out, &r.err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  r.status = g_subprocess_get_exit_status (proc);
  return r;
}

static char *
write_file (const char *name, const char *text)
{
  return hg_test_write_file (name, text, -1);
}

/* Runs Python statements on the JSON file (`d` is the document); asserts they pass. */
static void
assert_json (const char *json_path, const char *check)
{
  const char *python = g_getenv ("HEAPGLASS_PYTHON");
  g_autofree char *code = g_strdup_printf (
      "import json, sys\nd = json.load(open(sys.argv[1], encoding='utf-8'))\n%s\n", check);
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;
  const char *argv[] = { python ? python : HEAPGLASS_PYTHON, "-c", code, json_path, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("JSON check failed:\n%s\n%s", check, err);
}

static void
test_version (void)
{
  Result r = cli ("--version", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "heapglass " PACKAGE_VERSION "\n");
  result_clear (&r);
}

static void
test_bad_arguments (void)
{
  g_autofree char *script = write_file ("ok.py", "x = 1\n");
  g_autofree char *other = write_file ("other.py", "y = 2\n");
  struct
  {
    const char *args[4];
    const char *stderr_says;
  } cases[] = {
    { { "--export=out.png", "--step=abc", script, NULL }, "--step" },
    { { "--export=out.png", "--steps=5-2", script, NULL }, "--steps" },
    { { "--export=out.png", "--theme=blue", script, NULL }, "--theme" },
    { { "--export=out.gif", script, NULL }, "gif" },
    { { "--trace-summary", "/nonexistent/nope.py", NULL }, "nope.py" },
    { { "--trace-summary", hg_test_tmp_dir (), NULL }, "folder" },
    { { "--trace-summary", NULL }, "script" },
    { { "--trace-summary", script, other, NULL }, "one file" },
    { { "--trace-summary", "--max-steps=0", script, NULL }, "--max-steps" },
    { { "--trace-summary", "--timeout=-3", script, NULL }, "--timeout" },
    { { "--trace-summary", "--stdin=/nonexistent/input", script, NULL }, "--stdin" },
    { { "--step=3", script, NULL }, "--export" },
    { { "--list-exercises", NULL }, "CHAPTER" },
    { { "--frobnicate", NULL }, "frobnicate" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Result r = cli (cases[i].args[0], cases[i].args[1], cases[i].args[2], cases[i].args[3], NULL);
      g_test_message ("case %u: %s", i, r.err);
      g_assert_cmpint (r.status, !=, 0);
      g_assert_nonnull (strstr (r.err, cases[i].stderr_says));
      /* nothing half-written on stdout */
      g_assert_cmpstr (r.out, ==, "");
      result_clear (&r);
    }
}

static void
test_no_mode_opens_window (void)
{
  g_autofree char *script = write_file ("w.py", "x = 1\n");
  Result r;

  if (!self_cli)
    {
      g_test_skip ("opening the window needs a display");
      return;
    }
  r = cli (script, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "WINDOW "));
  g_assert_nonnull (strstr (r.out, "w.py"));
  result_clear (&r);
}

static void
test_trace_summary (void)
{
  g_autofree char *script = write_file ("s.py", "def f(n):\n    return n * 2\n"
                                                "x = [f(i) for i in range(3)]\nprint(x)\n");
  g_autofree char *json = NULL;
  Result r;

  r = cli ("--trace-summary", script, NULL);
  g_assert_cmpint (r.status, ==, 0);
  /* exactly one line of JSON, nothing else on stdout */
  g_assert_true (g_str_has_suffix (r.out, "}\n"));
  g_assert_true (strchr (r.out, '\n') == r.out + strlen (r.out) - 1);
  json = write_file ("summary.json", r.out);
  assert_json (json, "assert set(d) == {'steps', 'trace_bytes', 'elapsed_s', 'max_depth',\n"
                     "  'peak_objects', 'ended', 'exception', 'exit_status', 'stdout'}, d\n"
                     "assert d['ended'] == 'finished' and d['exception'] is None\n"
                     "assert d['exit_status'] == 0 and d['stdout'] == '[0, 2, 4]\\n'\n"
                     "assert d['steps'] > 5 and d['trace_bytes'] > 0 and d['elapsed_s'] > 0\n"
                     "assert d['max_depth'] >= 2 and d['peak_objects'] >= 4\n");
  result_clear (&r);
}

static void
test_trace_summary_exception (void)
{
  g_autofree char *script = write_file ("e.py", "print('a')\nx = 1 / 0\n");
  g_autofree char *json = NULL;
  Result r;

  r = cli ("--trace-summary", script, NULL);
  g_assert_cmpint (r.status, ==, 0);
  json = write_file ("summary-e.json", r.out);
  assert_json (json, "assert d['ended'] == 'exception', d\n"
                     "assert d['exception'] == 'ZeroDivisionError'\n"
                     "assert d['exit_status'] == 1 and d['stdout'] == 'a\\n'\n");
  result_clear (&r);
}

static void
test_limits_and_stdin (void)
{
  g_autofree char *loop = write_file ("loop.py", "while True:\n    pass\n");
  g_autofree char *reader = write_file ("reader.py", "print(input() * 2)\n");
  g_autofree char *input = write_file ("input.txt", "ab\n");
  g_autofree char *stdin_arg = g_strconcat ("--stdin=", input, NULL);
  g_autofree char *json = NULL;
  Result r;

  r = cli ("--trace-summary", "--max-steps=10", loop, NULL);
  g_assert_cmpint (r.status, ==, 0);
  json = write_file ("limit.json", r.out);
  assert_json (json, "assert d['ended'] == 'step-limit' and d['steps'] == 10, d\n"
                     "assert d['exit_status'] is None\n");
  result_clear (&r);
  g_clear_pointer (&json, g_free);

  /* No step limit: a fast machine reaches the default one within a second. */
  r = cli ("--trace-summary", "--timeout=1", "--max-steps=1000000000000", loop, NULL);
  json = write_file ("timeout.json", r.out);
  assert_json (json, "assert d['ended'] == 'time-limit', d\n");
  result_clear (&r);
  g_clear_pointer (&json, g_free);

  r = cli ("--trace-summary", stdin_arg, reader, NULL);
  json = write_file ("stdin.json", r.out);
  assert_json (json, "assert d['stdout'] == 'abab\\n', d\n");
  result_clear (&r);
}

static void
test_trace_json (void)
{
  g_autofree char *script = write_file ("j.py", "x = [1, 2]\ny = x\ndel x\n");
  g_autofree char *out_path = g_build_filename (hg_test_tmp_dir (), "trace.json", NULL);
  g_autofree char *arg = g_strconcat ("--trace-json=", out_path, NULL);
  Result r;

  r = cli (arg, script, NULL);
  g_assert_cmpint (r.status, ==, 0);
  assert_json (out_path,
               "assert d['version'] == 1 and d['script'].endswith('j.py')\n"
               "s = d['steps']\n"
               "lines = [t for t in s if t['event'] == 'line']\n"
               "assert [t['line'] for t in lines] == [1, 2, 3], [t['line'] for t in s]\n"
               "l = lines[2]['frames'][0]['locals']\n"
               "assert l['x'] == l['y'] and s[2]['heap'][str(l['x'])]['type'] == 'list'\n"
               "assert 'x' not in s[-1]['frames'][0]['locals']\n"
               "assert not any(k.startswith('__') for k in s[-1]['frames'][0]['locals'])\n"
               "assert s[-1]['frames'][0]['function'] == '<module>'\n"
               "assert s[-1]['event'] == 'return'\n");
  result_clear (&r);
}

static void
test_list_exercises (void)
{
  g_autofree char *chapter = write_file ("chapter.md", "# Chapter\n\n## Example\n\n"
                                                       "```python\nx = [1]\n```\n");
  Result r = cli ("--list-exercises", chapter, NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "example\t"));
  /* the line of the fence or of the code's first line */
  g_assert_true (g_str_has_suffix (r.out, "\t5\n") || g_str_has_suffix (r.out, "\t6\n"));
  result_clear (&r);
}

static void
test_export_png (void)
{
  g_autofree char *script = write_file ("p.py", "x = [1, 2, 3]\ny = x\n");
  g_autofree char *out_path = g_build_filename (hg_test_tmp_dir (), "diagram.png", NULL);
  g_autofree char *arg = g_strconcat ("--export=", out_path, NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  Result r;

  r = cli (arg, "--step=last", "--theme=dark", "--scale=2", script, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_file_get_contents (out_path, &data, &len, NULL));
  g_assert_cmpuint (len, >, 8);
  g_assert_cmpint (memcmp (data, "\x89PNG", 4), ==, 0);
  result_clear (&r);

  r = cli (arg, "--step=100000", script, NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "100000"));
  result_clear (&r);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *real = NULL;
  int status;

  if (argc > 1 && g_str_equal (argv[1], "--as-cli"))
    {
      argv[1] = argv[0];
      return run_as_cli (argc - 1, argv + 1);
    }

  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();
  real = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".", "..",
                           "src", "app", "heapglass", NULL);
  if (g_file_test (real, G_FILE_TEST_IS_EXECUTABLE))
    program = g_steal_pointer (&real);
  else
    {
      program = g_file_read_link ("/proc/self/exe", NULL);
      self_cli = TRUE;
    }
  g_test_message ("running %s%s", program, self_cli ? " --as-cli" : "");

  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/bad-arguments-exit-non-zero", test_bad_arguments);
  g_test_add_func ("/cli/no-mode-opens-the-window", test_no_mode_opens_window);
  g_test_add_func ("/cli/trace-summary/fields", test_trace_summary);
  g_test_add_func ("/cli/trace-summary/exception", test_trace_summary_exception);
  g_test_add_func ("/cli/trace-summary/limits-and-stdin", test_limits_and_stdin);
  g_test_add_func ("/cli/trace-json/file", test_trace_json);
  g_test_add_func ("/cli/list-exercises", test_list_exercises);
  g_test_add_func ("/cli/export/png", test_export_png);

  status = g_test_run ();
  g_free (program);
  return status;
}
