/* test-cli.c: the headless command line, run as a user runs it: the built `heapglass` binary when
 * it exists, else this test program re-executed as a bare GApplication around the CLI functions. */
#include "config.h"

#include <gif_lib.h>
#include <glib/gstdio.h>

#include "heapglass-test-cli.h"
#include "heapglass-test-support.h"

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
  HgCliResult r = hg_test_cli ("--version", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "heapglass " PACKAGE_VERSION "\n");
  hg_cli_result_clear (&r);
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
    { { "--export=out.bmp", script, NULL }, ".gif" },
    { { "--export=out.gif", "--delay=5", script, NULL }, "--delay" },
    { { "--export=out.png", "--delay=100", script, NULL }, "--delay" },
    { { "--trace-summary", "--delay=100", script, NULL }, "--delay" },
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
      HgCliResult r = hg_test_cli (cases[i].args[0], cases[i].args[1], cases[i].args[2],
                                   cases[i].args[3], NULL);
      g_test_message ("case %u: %s", i, r.err);
      g_assert_cmpint (r.status, !=, 0);
      g_assert_nonnull (strstr (r.err, cases[i].stderr_says));
      /* nothing half-written on stdout */
      g_assert_cmpstr (r.out, ==, "");
      hg_cli_result_clear (&r);
    }
}

/* Without a headless option the command becomes the window program, with the same arguments
 * (here a stand-in that prints them: the real one needs a display). */
static void
test_no_mode_opens_window (void)
{
  g_autofree char *script = write_file ("w.py", "x = 1\n");
  g_autofree char *window = write_file ("window.sh", "#!/bin/sh\necho \"WINDOW $*\"\n");
  g_autofree char *expected = g_strdup_printf ("WINDOW %s\n", script);
  gboolean self_cli;
  HgCliResult r;

  hg_test_cli_program (&self_cli);
  g_assert_false (self_cli);
  g_assert_no_errno (g_chmod (window, 0755));
  g_setenv ("HEAPGLASS_WINDOW_PROGRAM", window, TRUE);
  r = hg_test_cli (script, NULL);
  g_unsetenv ("HEAPGLASS_WINDOW_PROGRAM");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, expected);
  hg_cli_result_clear (&r);

  /* and says so when it cannot */
  g_setenv ("HEAPGLASS_WINDOW_PROGRAM", "/nonexistent/heapglass-window", TRUE);
  r = hg_test_cli (script, NULL);
  g_unsetenv ("HEAPGLASS_WINDOW_PROGRAM");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "/nonexistent/heapglass-window"));
  hg_cli_result_clear (&r);
}

/* The command line loads no GTK (its start is part of every traced run): the dynamic loader's
 * own list of what it would load, without running the program. */
static void
test_command_loads_no_gtk (void)
{
  gboolean self_cli;
  const char *program = hg_test_cli_program (&self_cli);
  const char *argv[] = { program, "--version", NULL };
  g_auto (GStrv) env = g_environ_setenv (g_get_environ (), "LD_TRACE_LOADED_OBJECTS", "1", TRUE);
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int status = -1;

  g_assert_false (self_cli);
  g_assert_true (g_spawn_sync (NULL, (char **)argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "libglib-2.0"));
  g_assert_null (strstr (out, "libgtk"));
  g_assert_null (strstr (out, "libadwaita"));
  g_assert_null (strstr (out, "libgtksourceview"));
}

static void
test_trace_summary (void)
{
  g_autofree char *script = write_file ("s.py", "def f(n):\n    return n * 2\n"
                                                "x = [f(i) for i in range(3)]\nprint(x)\n");
  g_autofree char *json = NULL;
  HgCliResult r;

  r = hg_test_cli ("--trace-summary", script, NULL);
  g_assert_cmpint (r.status, ==, 0);
  /* exactly one line of JSON, nothing else on stdout */
  g_assert_true (g_str_has_suffix (r.out, "}\n"));
  g_assert_true (strchr (r.out, '\n') == r.out + strlen (r.out) - 1);
  json = write_file ("summary.json", r.out);
  /* peak_objects: f, x and what the comprehension makes; the small ints are CPython's own, made
   * before the program, and not counted */
  assert_json (json, "assert set(d) == {'steps', 'trace_bytes', 'elapsed_s', 'max_depth',\n"
                     "  'peak_objects', 'ended', 'exception', 'exit_status', 'stdout'}, d\n"
                     "assert d['ended'] == 'finished' and d['exception'] is None\n"
                     "assert d['exit_status'] == 0 and d['stdout'] == '[0, 2, 4]\\n'\n"
                     "assert d['steps'] > 5 and d['trace_bytes'] > 0 and d['elapsed_s'] > 0\n"
                     "assert d['max_depth'] >= 2 and d['peak_objects'] >= 2\n");
  hg_cli_result_clear (&r);
}

static void
test_trace_summary_exception (void)
{
  g_autofree char *script = write_file ("e.py", "print('a')\nx = 1 / 0\n");
  g_autofree char *json = NULL;
  HgCliResult r;

  r = hg_test_cli ("--trace-summary", script, NULL);
  g_assert_cmpint (r.status, ==, 0);
  json = write_file ("summary-e.json", r.out);
  assert_json (json, "assert d['ended'] == 'exception', d\n"
                     "assert d['exception'] == 'ZeroDivisionError'\n"
                     "assert d['exit_status'] == 1 and d['stdout'] == 'a\\n'\n");
  hg_cli_result_clear (&r);
}

static void
test_limits_and_stdin (void)
{
  g_autofree char *loop = write_file ("loop.py", "while True:\n    pass\n");
  g_autofree char *reader = write_file ("reader.py", "print(input() * 2)\n");
  g_autofree char *input = write_file ("input.txt", "ab\n");
  g_autofree char *stdin_arg = g_strconcat ("--stdin=", input, NULL);
  g_autofree char *json = NULL;
  HgCliResult r;

  r = hg_test_cli ("--trace-summary", "--max-steps=10", loop, NULL);
  g_assert_cmpint (r.status, ==, 0);
  json = write_file ("limit.json", r.out);
  assert_json (json, "assert d['ended'] == 'step-limit' and d['steps'] == 10, d\n"
                     "assert d['exit_status'] is None\n");
  hg_cli_result_clear (&r);
  g_clear_pointer (&json, g_free);

  /* No step limit: a fast machine reaches the default one within a second. */
  r = hg_test_cli ("--trace-summary", "--timeout=1", "--max-steps=1000000000000", loop, NULL);
  json = write_file ("timeout.json", r.out);
  assert_json (json, "assert d['ended'] == 'time-limit', d\n");
  hg_cli_result_clear (&r);
  g_clear_pointer (&json, g_free);

  r = hg_test_cli ("--trace-summary", stdin_arg, reader, NULL);
  json = write_file ("stdin.json", r.out);
  assert_json (json, "assert d['stdout'] == 'abab\\n', d\n");
  hg_cli_result_clear (&r);
}

static void
test_trace_json (void)
{
  g_autofree char *script = write_file ("j.py", "x = [1, 2]\ny = x\ndel x\n");
  g_autofree char *out_path = g_build_filename (hg_test_tmp_dir (), "trace.json", NULL);
  g_autofree char *arg = g_strconcat ("--trace-json=", out_path, NULL);
  HgCliResult r;

  r = hg_test_cli (arg, script, NULL);
  g_assert_cmpint (r.status, ==, 0);
  assert_json (out_path,
               "assert d['version'] == 2 and d['script'].endswith('j.py')\n"
               "s = d['steps']\n"
               "lines = [t for t in s if t['event'] == 'line']\n"
               "assert [t['line'] for t in lines] == [1, 2, 3], [t['line'] for t in s]\n"
               "l = lines[2]['frames'][0]['locals']\n"
               "assert l['x'] == l['y'] and s[2]['heap'][str(l['x'])]['type'] == 'list'\n"
               "assert 'x' not in s[-1]['frames'][0]['locals']\n"
               "assert not any(k.startswith('__') for k in s[-1]['frames'][0]['locals'])\n"
               "assert s[-1]['frames'][0]['function'] == '<module>'\n"
               "assert s[-1]['event'] == 'return'\n");
  hg_cli_result_clear (&r);
}

static void
test_list_exercises (void)
{
  g_autofree char *chapter = write_file ("chapter.md", "# Chapter\n\n## Example\n\n"
                                                       "```python\nx = [1]\n```\n");
  HgCliResult r = hg_test_cli ("--list-exercises", chapter, NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "example\t"));
  /* the line of the fence or of the code's first line */
  g_assert_true (g_str_has_suffix (r.out, "\t5\n") || g_str_has_suffix (r.out, "\t6\n"));
  hg_cli_result_clear (&r);
}

static void
test_export_png (void)
{
  g_autofree char *script = write_file ("p.py", "x = [1, 2, 3]\ny = x\n");
  g_autofree char *out_path = g_build_filename (hg_test_tmp_dir (), "diagram.png", NULL);
  g_autofree char *arg = g_strconcat ("--export=", out_path, NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  HgCliResult r;

  r = hg_test_cli (arg, "--step=last", "--theme=dark", "--scale=2", script, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_file_get_contents (out_path, &data, &len, NULL));
  g_assert_cmpuint (len, >, 8);
  g_assert_cmpint (memcmp (data, "\x89PNG", 4), ==, 0);
  hg_cli_result_clear (&r);

  r = hg_test_cli (arg, "--step=100000", script, NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "100000"));
  hg_cli_result_clear (&r);
}

/* --export=OUT.gif --steps=A-B --delay=MS: one animated GIF, a frame per step, each shown for MS.
 */
static void
test_export_gif (void)
{
  g_autofree char *script = write_file ("g.py", "x = [1, 2, 3]\ny = x\nx.append(4)\nz = (x, y)\n");
  g_autofree char *out_path = g_build_filename (hg_test_tmp_dir (), "steps.gif", NULL);
  g_autofree char *arg = g_strconcat ("--export=", out_path, NULL);
  GraphicsControlBlock gcb;
  GifFileType *gif;
  HgCliResult r;
  int code = 0;

  r = hg_test_cli (arg, "--steps=1-4", "--delay=400", script, NULL);
  g_assert_cmpint (r.status, ==, 0);
  hg_cli_result_clear (&r);
  gif = DGifOpenFileName (out_path, &code);
  g_assert_nonnull (gif);
  g_assert_cmpint (DGifSlurp (gif), ==, GIF_OK);
  g_assert_cmpint (gif->ImageCount, ==, 4);
  g_assert_cmpint (DGifSavedExtensionToGCB (gif, 3, &gcb), ==, GIF_OK);
  g_assert_cmpint (gcb.DelayTime, ==, 40);
  g_assert_cmpint (DGifCloseFile (gif, &code), ==, GIF_OK);
}

int
main (int argc, char *argv[])
{
  const char *program;
  gboolean self_cli;

  hg_test_cli_init (argc, argv);
  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();
  program = hg_test_cli_program (&self_cli);
  g_test_message ("running %s%s", program, self_cli ? " --as-cli" : "");

  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/bad-arguments-exit-non-zero", test_bad_arguments);
  g_test_add_func ("/cli/no-mode-opens-the-window", test_no_mode_opens_window);
  g_test_add_func ("/cli/command-loads-no-gtk", test_command_loads_no_gtk);
  g_test_add_func ("/cli/trace-summary/fields", test_trace_summary);
  g_test_add_func ("/cli/trace-summary/exception", test_trace_summary_exception);
  g_test_add_func ("/cli/trace-summary/limits-and-stdin", test_limits_and_stdin);
  g_test_add_func ("/cli/trace-json/file", test_trace_json);
  g_test_add_func ("/cli/list-exercises", test_list_exercises);
  g_test_add_func ("/cli/export/png", test_export_png);
  g_test_add_func ("/cli/export/gif", test_export_gif);

  return g_test_run ();
}
