/* test-trace-fidelity.c: a traced run behaves like a plain `python3.11 script.py` run: same stdout,
 * same uncaught exception, same exit status, same weakref and tracemalloc behaviour. The programs
 * are Heapglass's own versions of the chapter's examples and exercise solutions, plus harder ones,
 * in tests/data/tracer/. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "config.h"
#include "heapglass-trace-runner.h"

typedef struct
{
  char *stdout_text;
  char *stderr_text;
  int status; /* as a shell reports it: the exit code, or 128 + the signal */
} PlainRun;

static void
plain_run_clear (PlainRun *run)
{
  g_free (run->stdout_text);
  g_free (run->stderr_text);
}

static char *
data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "tracer", name, NULL);
}

static char *
stdin_for (const char *script_name)
{
  g_autofree char *base = g_strndup (script_name, strlen (script_name) - 3);
  g_autofree char *name = g_strconcat (base, ".input", NULL);
  char *path = data_path (name);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return path;
  g_free (path);
  return g_strdup ("/dev/null");
}

static void
run_plain (const char *script_name, PlainRun *run)
{
  const char *python = g_getenv ("HEAPGLASS_PYTHON");
  g_autofree char *script = data_path (script_name);
  g_autofree char *input = stdin_for (script_name);
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;

  if (python == NULL)
    python = HEAPGLASS_PYTHON;
  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_stdin_file_path (launcher, input);
  process = g_subprocess_launcher_spawn (launcher, &error, python, script, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->stdout_text, &run->stderr_text, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_if_signaled (process))
    run->status = 128 + g_subprocess_get_term_sig (process);
  else
    run->status = g_subprocess_get_exit_status (process);
}

static HeapglassTrace *
run_traced (const char *script_name, guint64 max_steps)
{
  g_autofree char *script = data_path (script_name);
  g_autofree char *input = stdin_for (script_name);
  g_autoptr (GError) error = NULL;
  HeapglassRunOptions options;
  HeapglassTrace *trace;

  heapglass_run_options_init (&options);
  options.stdin_path = input;
  options.timeout_s = 120;
  if (max_steps)
    options.max_steps = max_steps;
  trace = heapglass_trace_run_sync (script, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (trace);
  return trace;
}

/* The type of the exception in CPython's traceback: the last line's "Type: message" or "Type". */
static char *
traceback_exception_type (const char *stderr_text)
{
  g_auto (GStrv) lines = g_strsplit (stderr_text, "\n", -1);
  guint n = g_strv_length (lines);

  for (guint i = n; i > 0; i--)
    {
      const char *line = lines[i - 1];
      if (*line == '\0' || line[0] == ' ')
        continue;
      const char *colon = strchr (line, ':');
      return colon ? g_strndup (line, (gsize)(colon - line)) : g_strdup (line);
    }
  return NULL;
}

/* Same stdout, exit status and uncaught exception as the plain run. */
static void
test_same_as_plain (gconstpointer data)
{
  const char *script_name = data;
  PlainRun plain = { 0 };
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autofree char *out = NULL;
  gsize out_len = 0;

  run_plain (script_name, &plain);
  trace = run_traced (script_name, 0);
  out = heapglass_trace_get_output (trace, 1, 0, &out_len);

  g_assert_cmpstr (out, ==, plain.stdout_text);
  g_assert_cmpint (heapglass_trace_get_exit_status (trace), ==, plain.status);
  if (heapglass_trace_get_ending (trace) == HG_END_EXCEPTION)
    {
      g_autofree char *expected = traceback_exception_type (plain.stderr_text);
      g_assert_cmpstr (heapglass_trace_get_exception_type (trace), ==, expected);
    }
  else if (plain.status == 0)
    g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_FINISHED);
  else
    g_assert_cmpint (heapglass_trace_get_ending (trace), !=, HG_END_FINISHED);
  if (heapglass_trace_get_ending (trace) != HG_END_SYNTAX_ERROR)
    g_assert_cmpuint (heapglass_trace_get_n_steps (trace), >, 0);
  plain_run_clear (&plain);
}

static void
test_weakref_list_raises (void)
{
  g_autoptr (HeapglassTrace) trace = run_traced ("weakref_list.py", 0);

  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_EXCEPTION);
  g_assert_cmpstr (heapglass_trace_get_exception_type (trace), ==, "TypeError");
  g_assert_nonnull (strstr (heapglass_trace_get_exception_message (trace),
                            "cannot create weak reference to 'list' object"));
  g_assert_cmpint (heapglass_trace_get_exit_status (trace), ==, 1);
}

/* The global named `name` in the outermost frame of a snapshot, or NULL. */
static const HeapglassObjectView *
global_object (HeapglassSnapshot *snapshot, const char *name)
{
  const HeapglassFrameView *globals;

  if (snapshot->n_frames == 0)
    return NULL;
  globals = &snapshot->frames[0];
  for (guint i = 0; i < globals->n_bindings; i++)
    if (g_strcmp0 (globals->names[i], name) == 0)
      return heapglass_snapshot_find_object (snapshot, globals->oids[i]);
  return NULL;
}

/* class Data(list): the weakref has a referent while `result` holds it, none after `del result`. */
static void
test_weakref_dies_after_del (void)
{
  g_autoptr (HeapglassTrace) trace = run_traced ("weakref_subclass.py", 0);
  guint n = heapglass_trace_get_n_steps (trace);
  guint alive_step = 0, dead_step = 0;
  guint64 referent = 0;
  g_autofree char *out = heapglass_trace_get_output (trace, 1, 0, NULL);

  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_FINISHED);
  g_assert_cmpstr (out, ==, "alive: True\nsame: True\nafter del: False\n");
  for (guint step = 1; step <= n; step++)
    {
      g_autoptr (HeapglassSnapshot) snapshot = heapglass_trace_snapshot (trace, step);
      const HeapglassObjectView *holder = global_object (snapshot, "holder");
      const HeapglassObjectView *result = global_object (snapshot, "result");

      if (holder == NULL || holder->kind != HG_KIND_WEAKREF)
        continue;
      if (holder->referent != 0 && result != NULL && alive_step == 0)
        {
          alive_step = step;
          referent = holder->referent;
          g_assert_cmpuint (result->oid, ==, holder->referent);
          g_assert_cmpstr (result->type_name, ==, "Data");
          g_assert_cmpuint (result->length, ==, 50);
        }
      if (alive_step && holder->referent == 0 && result == NULL && dead_step == 0)
        dead_step = step;
    }
  g_assert_cmpuint (alive_step, >, 0);
  g_assert_cmpuint (dead_step, >, alive_step);
  {
    g_autoptr (HeapglassSnapshot) last = heapglass_trace_snapshot (trace, n);
    const HeapglassObjectView *holder = global_object (last, "holder");
    g_assert_nonnull (holder);
    g_assert_cmpuint (holder->referent, ==, 0);
    g_assert_true (holder->was_weakref_target);
    g_assert_null (global_object (last, "result"));
    (void)referent;
  }
}

static double
number_after (const char *text, const char *prefix)
{
  const char *p = strstr (text, prefix);
  g_assert_nonnull (p);
  return g_ascii_strtod (p + strlen (prefix), NULL);
}

/* tracemalloc sees the program's memory, not the tracer's: figures within 5 % of untraced. */
static void
test_tracemalloc_within_5_percent (void)
{
  PlainRun plain = { 0 };
  g_autoptr (HeapglassTrace) trace = run_traced ("tracemalloc_scope.py", 0);
  g_autofree char *out = heapglass_trace_get_output (trace, 1, 0, NULL);
  double plain_grown, traced_grown, plain_freed, traced_freed;

  run_plain ("tracemalloc_scope.py", &plain);
  plain_grown = number_after (plain.stdout_text, "grown ");
  traced_grown = number_after (out, "grown ");
  plain_freed = number_after (plain.stdout_text, "freed ");
  traced_freed = number_after (out, "freed ");
  g_assert_cmpfloat (plain_grown, >, 1000.0);
  g_assert_cmpfloat (fabs (traced_grown - plain_grown), <=, 0.05 * plain_grown);
  g_assert_cmpfloat (fabs (traced_freed - plain_freed), <=, 0.05 * fabs (plain_freed));
  plain_run_clear (&plain);
}

static void
test_input_from_file (void)
{
  g_autoptr (HeapglassTrace) trace = run_traced ("ask.py", 0);
  g_autofree char *out = heapglass_trace_get_output (trace, 1, 0, NULL);
  g_autofree char *prompt = NULL;
  guint n = heapglass_trace_get_n_steps (trace);
  guint asked = 0;

  g_assert_cmpstr (out, ==, "Name? Age? hello Grace, next year 42\nrest: more text\n");
  for (guint step = 1; step <= n + 1; step++)
    {
      char *p = NULL;
      if (heapglass_trace_get_step_input_prompt (trace, step, &p))
        {
          if (asked == 0)
            g_assert_cmpstr (p, ==, "Name? ");
          asked++;
        }
      g_free (p);
    }
  g_assert_cmpuint (asked, ==, 3);
}

static void
test_exit_status (void)
{
  g_autoptr (HeapglassTrace) by_sys = run_traced ("exit_code.py", 0);
  g_autoptr (HeapglassTrace) by_os = run_traced ("os_exit.py", 0);
  g_autoptr (HeapglassTrace) by_interrupt = run_traced ("interrupt.py", 0);

  g_assert_cmpint (heapglass_trace_get_ending (by_sys), ==, HG_END_EXIT);
  g_assert_cmpint (heapglass_trace_get_exit_status (by_sys), ==, 3);
  g_assert_cmpint (heapglass_trace_get_ending (by_os), ==, HG_END_EXIT);
  g_assert_cmpint (heapglass_trace_get_exit_status (by_os), ==, 7);
  g_assert_cmpint (heapglass_trace_get_ending (by_interrupt), ==, HG_END_EXCEPTION);
  g_assert_cmpstr (heapglass_trace_get_exception_type (by_interrupt), ==, "KeyboardInterrupt");
  g_assert_cmpint (heapglass_trace_get_exit_status (by_interrupt), ==, 130);
}

static void
test_syntax_error (void)
{
  g_autoptr (HeapglassTrace) trace = run_traced ("syntax_error.py", 0);

  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_SYNTAX_ERROR);
  g_assert_cmpuint (heapglass_trace_get_end_line (trace), ==, 2);
  g_assert_cmpint (heapglass_trace_get_exit_status (trace), ==, 1);
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, 0);
}

/* inspect.stack() in the traced program shows the program's frames only, outermost <module>. */
static void
test_inspect_stack_has_no_tracer_frame (void)
{
  g_autoptr (HeapglassTrace) trace = run_traced ("nested_calls.py", 0);
  g_autofree char *out = heapglass_trace_get_output (trace, 1, 0, NULL);

  g_assert_cmpstr (out, ==,
                   "five 22 True\nfour 18 True\nthree 14 True\ntwo 10 True\none 6 True\n"
                   "<module> 26 True\n");
  g_assert_cmpuint (heapglass_trace_get_max_depth (trace), ==, 6);
}

static void
test_max_steps (void)
{
  g_autoptr (HeapglassTrace) trace = run_traced ("dict_copies.py", 10);

  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_STEP_LIMIT);
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, 10);
}

int
main (int argc, char **argv)
{
  static const char *const same_as_plain[] = {
    "stack_vs_heap.py", "nested_calls.py", "weakref_list.py",     "weakref_subclass.py",
    "closures.py",      "generators.py",   "classes.py",          "dict_copies.py",
    "gc_cycles.py",     "finalize.py",     "refcount.py",         "ask.py",
    "exit_code.py",     "os_exit.py",      "uncaught.py",         "interrupt.py",
    "settrace.py",      "forking.py",      "recursion.py",        "big_output.py",
    "atexit_print.py",  "syntax_error.py", "observer_effects.py",
  };

  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (same_as_plain); i++)
    {
      g_autofree char *base = g_strndup (same_as_plain[i], strlen (same_as_plain[i]) - 3);
      g_autofree char *path = g_strdup_printf ("/trace/fidelity/%s", base);
      for (char *c = path; *c; c++)
        if (*c == '_')
          *c = '-';
      g_test_add_data_func (path, same_as_plain[i], test_same_as_plain);
    }
  g_test_add_func ("/trace/weakref/list-raises-type-error", test_weakref_list_raises);
  g_test_add_func ("/trace/weakref/dies-after-del", test_weakref_dies_after_del);
  g_test_add_func ("/trace/tracemalloc/within-5-percent", test_tracemalloc_within_5_percent);
  g_test_add_func ("/trace/input/from-file", test_input_from_file);
  g_test_add_func ("/trace/ending/exit-status", test_exit_status);
  g_test_add_func ("/trace/ending/syntax-error", test_syntax_error);
  g_test_add_func ("/trace/frames/inspect-stack-has-no-tracer-frame",
                   test_inspect_stack_has_no_tracer_frame);
  g_test_add_func ("/trace/limits/max-steps", test_max_steps);
  return g_test_run ();
}
