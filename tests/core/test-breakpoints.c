/* test-breakpoints.c: Continue and Reverse Continue over a recorded run: the next or previous step
 * about to run a line with a breakpoint, and the set of lines itself. */
#include "heapglass-breakpoints.h"
#include "heapglass-test-support.h"

static const char source[] = "def add(x, y):\n"            /* 1 */
                             "    return x + y\n"          /* 2 */
                             "\n"                          /* 3 */
                             "total = 0\n"                 /* 4 */
                             "for i in range(3):\n"        /* 5 */
                             "    total = add(total, i)\n" /* 6 */
                             "print(total)\n";             /* 7 */

/* Continue visits each run of a line in order and then finds nothing. */
static void
test_continue_visits_every_hit (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("loop.py", source, NULL);
  g_autoptr (HeapglassBreakpoints) bp = heapglass_breakpoints_new ();
  guint step = 0, hits = 0;

  heapglass_breakpoints_add (bp, 6);
  while ((step = heapglass_breakpoints_find_next (bp, trace, step)) != 0)
    {
      g_assert_cmpuint (heapglass_trace_get_step_line (trace, step), ==, 6);
      g_assert_cmpint (heapglass_trace_get_step_event (trace, step), ==, HEAPGLASS_EVENT_LINE);
      hits++;
    }
  g_assert_cmpuint (hits, ==, 3);
}

/* Reverse Continue from the end finds the last hit; from the first hit, nothing. */
static void
test_reverse_continue (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("loop.py", source, NULL);
  g_autoptr (HeapglassBreakpoints) bp = heapglass_breakpoints_new ();
  guint n = heapglass_trace_get_n_steps (trace);
  guint first, last;

  heapglass_breakpoints_add (bp, 2);
  first = heapglass_breakpoints_find_next (bp, trace, 0);
  last = heapglass_breakpoints_find_previous (bp, trace, n + 1);
  g_assert_cmpuint (first, >, 0);
  g_assert_cmpuint (last, >, first);
  g_assert_cmpuint (heapglass_trace_get_step_line (trace, last), ==, 2);
  g_assert_cmpuint (heapglass_breakpoints_find_next (bp, trace, last), ==, 0);
  g_assert_cmpuint (heapglass_breakpoints_find_previous (bp, trace, first), ==, 0);
  g_assert_cmpuint (heapglass_breakpoints_find_previous (bp, trace, last), >, first);
}

/* With breakpoints on two lines, Continue stops at whichever runs first. */
static void
test_several_lines (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("loop.py", source, NULL);
  g_autoptr (HeapglassBreakpoints) bp = heapglass_breakpoints_new ();
  guint step = 0;
  GString *lines = g_string_new (NULL);

  heapglass_breakpoints_add (bp, 7);
  heapglass_breakpoints_add (bp, 2);
  while ((step = heapglass_breakpoints_find_next (bp, trace, step)) != 0)
    g_string_append_printf (lines, "%u ", heapglass_trace_get_step_line (trace, step));
  g_assert_cmpstr (lines->str, ==, "2 2 2 7 ");
  g_string_free (lines, TRUE);
}

/* A breakpoint on a def line stops where the def statement runs, not at every call. */
static void
test_def_line_is_not_a_call (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("loop.py", source, NULL);
  g_autoptr (HeapglassBreakpoints) bp = heapglass_breakpoints_new ();
  guint first;

  heapglass_breakpoints_add (bp, 1);
  first = heapglass_breakpoints_find_next (bp, trace, 0);
  g_assert_cmpuint (first, >, 0);
  g_assert_cmpuint (heapglass_breakpoints_find_next (bp, trace, first), ==, 0);
}

/* No breakpoints: nothing to continue to. */
static void
test_none_finds_nothing (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("loop.py", source, NULL);
  g_autoptr (HeapglassBreakpoints) bp = heapglass_breakpoints_new ();

  g_assert_cmpuint (heapglass_breakpoints_find_next (bp, trace, 0), ==, 0);
  g_assert_cmpuint (heapglass_breakpoints_find_previous (bp, trace, 1000), ==, 0);
}

static void
count_change (HeapglassBreakpoints *bp, guint *count)
{
  (void)bp;
  (*count)++;
}

/* Toggling adds and removes, "changed" fires once per real change, lines come back sorted. */
static void
test_toggle_and_changed (void)
{
  g_autoptr (HeapglassBreakpoints) bp = heapglass_breakpoints_new ();
  g_autofree guint *lines = NULL;
  guint changes = 0, n = 0;

  g_signal_connect (bp, "changed", G_CALLBACK (count_change), &changes);
  g_assert_true (heapglass_breakpoints_toggle (bp, 9));
  g_assert_true (heapglass_breakpoints_toggle (bp, 3));
  heapglass_breakpoints_add (bp, 3);
  g_assert_true (heapglass_breakpoints_contains (bp, 3));
  g_assert_false (heapglass_breakpoints_toggle (bp, 9));
  g_assert_false (heapglass_breakpoints_contains (bp, 9));
  heapglass_breakpoints_remove (bp, 9);
  heapglass_breakpoints_add (bp, 1);
  g_assert_cmpuint (changes, ==, 4);
  lines = heapglass_breakpoints_get_lines (bp, &n);
  g_assert_cmpuint (heapglass_breakpoints_get_n_lines (bp), ==, 2);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (lines[0], ==, 1);
  g_assert_cmpuint (lines[1], ==, 3);
  heapglass_breakpoints_clear (bp);
  heapglass_breakpoints_clear (bp);
  g_assert_cmpuint (changes, ==, 5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();
  g_test_add_func ("/breakpoints/continue-visits-every-hit", test_continue_visits_every_hit);
  g_test_add_func ("/breakpoints/reverse-continue", test_reverse_continue);
  g_test_add_func ("/breakpoints/several-lines", test_several_lines);
  g_test_add_func ("/breakpoints/def-line-is-not-a-call", test_def_line_is_not_a_call);
  g_test_add_func ("/breakpoints/none-finds-nothing", test_none_finds_nothing);
  g_test_add_func ("/breakpoints/toggle-and-changed", test_toggle_and_changed);
  return g_test_run ();
}
