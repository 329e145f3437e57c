/* test-ending.c: the words the window's banner uses for how a run ended, and the step where an
 * uncaught exception was raised, on real traced programs. */
#include <string.h>

#include "heapglass-ending.h"
#include "heapglass-test-support.h"

static void
test_finished_says_nothing (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("fine.py", "x = 1\n", NULL);
  HeapglassEndingSeverity severity = HEAPGLASS_ENDING_INFO;
  g_autofree char *text = heapglass_ending_describe (trace, &severity, NULL);

  g_assert_null (text);
  g_assert_cmpuint (heapglass_ending_find_raise_step (trace), ==, 0);
}

static void
test_exception_in_function (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source (
      "raises.py", "def check(n):\n    raise ValueError('too big')\n\ncheck(3)\n", NULL);
  HeapglassEndingSeverity severity;
  gboolean has_where = FALSE;
  g_autofree char *text = heapglass_ending_describe (trace, &severity, &has_where);

  g_assert_cmpint (severity, ==, HEAPGLASS_ENDING_ERROR);
  g_assert_true (has_where);
  g_assert_cmpstr (text, ==,
                   "ValueError: too big — raised at line 2 in check(); nothing caught it, so the "
                   "program stopped.");
}

static void
test_exception_at_top_level_names_no_function (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("top.py", "x = 1\ny = x / 0\n", NULL);
  g_autofree char *text = heapglass_ending_describe (trace, NULL, NULL);

  g_assert_cmpstr (text, ==,
                   "ZeroDivisionError: division by zero — raised at line 2; nothing caught it, so "
                   "the program stopped.");
}

static void
test_raise_step_is_the_raising_line (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source (
      "deep.py", "def inner():\n    return [][1]\n\ndef outer():\n    return inner()\n\nouter()\n",
      NULL);
  guint step = heapglass_ending_find_raise_step (trace);

  g_assert_cmpuint (step, >, 0);
  g_assert_cmpuint (heapglass_trace_get_step_line (trace, step), ==, 2);
  g_assert_cmpint (heapglass_trace_get_step_event (trace, step), ==, HEAPGLASS_EVENT_EXCEPTION);
}

static void
test_exit_status (void)
{
  g_autoptr (HeapglassTrace) failed
      = hg_test_trace_source ("exit3.py", "import sys\nsys.exit(3)\n", NULL);
  g_autoptr (HeapglassTrace) clean
      = hg_test_trace_source ("exit0.py", "import sys\nsys.exit(0)\n", NULL);
  HeapglassEndingSeverity severity;
  g_autofree char *text = heapglass_ending_describe (failed, &severity, NULL);
  g_autofree char *clean_text = NULL;

  g_assert_cmpstr (text, ==, "The program ended itself with exit status 3 (sys.exit).");
  g_assert_cmpint (severity, ==, HEAPGLASS_ENDING_WARNING);
  clean_text = heapglass_ending_describe (clean, &severity, NULL);
  g_assert_nonnull (clean_text);
  g_assert_cmpint (severity, ==, HEAPGLASS_ENDING_INFO);
}

static void
test_syntax_error_has_no_where (void)
{
  g_autoptr (HeapglassTrace) trace
      = hg_test_trace_source ("bad.py", "x = 1\nif x\n    pass\n", NULL);
  HeapglassEndingSeverity severity;
  gboolean has_where = TRUE;
  g_autofree char *text = heapglass_ending_describe (trace, &severity, &has_where);

  g_assert_nonnull (text);
  g_assert_true (g_str_has_prefix (text, "SyntaxError on line 2: "));
  g_assert_cmpint (severity, ==, HEAPGLASS_ENDING_ERROR);
  g_assert_false (has_where);
}

static void
test_step_limit_keeps_steps (void)
{
  HeapglassRunOptions options;
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  HeapglassEndingSeverity severity;

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.max_steps = 40;
  trace = hg_test_trace_source ("loop.py", "n = 0\nwhile True:\n    n += 1\n", &options);
  text = heapglass_ending_describe (trace, &severity, NULL);
  expected = g_strdup_printf ("Stopped after %u steps: the step limit was reached (see "
                              "Preferences). The steps so far are kept.",
                              heapglass_trace_get_n_steps (trace));
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpint (severity, ==, HEAPGLASS_ENDING_WARNING);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ending/finished-says-nothing", test_finished_says_nothing);
  g_test_add_func ("/ending/exception/in-function", test_exception_in_function);
  g_test_add_func ("/ending/exception/top-level-names-no-function",
                   test_exception_at_top_level_names_no_function);
  g_test_add_func ("/ending/exception/raise-step-is-the-raising-line",
                   test_raise_step_is_the_raising_line);
  g_test_add_func ("/ending/exit-status", test_exit_status);
  g_test_add_func ("/ending/syntax-error-has-no-where", test_syntax_error_has_no_where);
  g_test_add_func ("/ending/step-limit-keeps-steps", test_step_limit_keeps_steps);
  return g_test_run ();
}
