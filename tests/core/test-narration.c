/* test-narration.c: each step told in words says what the step changed first, then what the
 * current frame's names refer to (aliases grouped, across frames too), then the other frames;
 * checked word for word on small programs like the chapter's. */
#include "config.h"

#include <string.h>

#include "heapglass-narration.h"
#include "heapglass-test-support.h"
#include "heapglass-value-text.h"

/* Two frames share one list: the chapter's picture of a call with a mutable argument. */
static const char two_frames_py[] = "def outer():\n"
                                    "    a = [1, 2]\n"
                                    "    return inner(a)\n"
                                    "\n"
                                    "def inner(param):\n"
                                    "    b = param\n"
                                    "    b.append(3)\n"
                                    "    return len(b)\n"
                                    "\n"
                                    "n = outer()\n"
                                    "del n\n";

/* The first step at `line` with `event`, or fail. */
static guint
find_step (HeapglassTrace *trace, guint line, HeapglassEvent event)
{
  guint n = heapglass_trace_get_n_steps (trace);

  for (guint step = 1; step <= n; step++)
    if (heapglass_trace_get_step_line (trace, step) == line
        && heapglass_trace_get_step_event (trace, step) == event)
      return step;
  g_assert_not_reached ();
  return 0;
}

static char *
describe_at (HeapglassTrace *trace, guint line, HeapglassEvent event)
{
  char *text = heapglass_narration_describe (trace, find_step (trace, line, event));

  g_assert_nonnull (text);
  return text;
}

/* `text` contains `part`, with a readable message when it does not. */
#define assert_contains(text, part)                                                                \
  G_STMT_START                                                                                     \
  {                                                                                                \
    if (strstr ((text), (part)) == NULL)                                                           \
      g_error ("\"%s\"\n  does not contain\n\"%s\"", (text), (part));                              \
  }                                                                                                \
  G_STMT_END

static void
test_step_whole (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("frames.py", two_frames_py, NULL);
  guint step = find_step (trace, 8, HEAPGLASS_EVENT_LINE);
  g_autofree char *text = heapglass_narration_describe (trace, step);
  g_autofree char *expected = g_strdup_printf (
      "Step %u of %u. Line 8 in inner() is about to run. This step changed the list [1, 2, 3]. "
      "In inner(): param and b refer to the same list [1, 2, 3], which outer's a also refers "
      "to. It was created at step %u. Also on the stack: outer() with a and the module level "
      "with outer and inner.",
      step, heapglass_trace_get_n_steps (trace), find_step (trace, 3, HEAPGLASS_EVENT_LINE));

  g_assert_cmpstr (text, ==, expected);
}

static void
test_alias_across_frames (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("frames.py", two_frames_py, NULL);
  g_autofree char *text = describe_at (trace, 6, HEAPGLASS_EVENT_LINE);

  assert_contains (text, "In inner(): param refers to the list [1, 2], which outer's a also "
                         "refers to.");
}

static void
test_new_name (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("frames.py", two_frames_py, NULL);
  g_autofree char *text = describe_at (trace, 7, HEAPGLASS_EVENT_LINE);

  assert_contains (text, "Line 7 in inner() is about to run. New name b refers to the list "
                         "[1, 2]. In inner(): param and b refer to the same list [1, 2]");
}

static void
test_rebinding (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("rebind.py",
                                                           "x = 5000\n"
                                                           "x = 'five'\n"
                                                           "print(x)\n",
                                                           NULL);
  g_autofree char *text = describe_at (trace, 3, HEAPGLASS_EVENT_LINE);

  assert_contains (text, "x now refers to the str 'five' instead of the int 5000.");
}

static void
test_mutation_first (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("frames.py", two_frames_py, NULL);
  g_autofree char *text = describe_at (trace, 8, HEAPGLASS_EVENT_LINE);
  const char *change = strstr (text, "This step changed the list [1, 2, 3].");
  const char *frame = strstr (text, "In inner():");

  g_assert_nonnull (change);
  g_assert_nonnull (frame);
  g_assert_true (change < frame);
}

static void
test_freed_and_deleted (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("free.py",
                                                           "data = [10, 20]\n"
                                                           "del data\n"
                                                           "print('done')\n",
                                                           NULL);
  g_autofree char *text = describe_at (trace, 3, HEAPGLASS_EVENT_LINE);

  assert_contains (text, "The name data is gone.");
  assert_contains (text, "This step freed the list [10, 20].");
  assert_contains (text, "The program has no global names yet.");
}

static void
test_call (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("frames.py", two_frames_py, NULL);
  g_autofree char *to_outer = describe_at (trace, 1, HEAPGLASS_EVENT_CALL);
  g_autofree char *to_inner = describe_at (trace, 5, HEAPGLASS_EVENT_CALL);
  g_autofree char *first = heapglass_narration_describe (trace, 1);

  g_assert_true (g_str_has_prefix (first, "Step 1 of "));
  assert_contains (first, "The program starts.");
  assert_contains (to_inner, "outer() calls inner().");
  assert_contains (to_inner, "Also on the stack: outer() with a and the module level with outer "
                             "and inner.");
  (void)to_outer;
}

static void
test_return (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("frames.py", two_frames_py, NULL);
  g_autofree char *from_inner = describe_at (trace, 8, HEAPGLASS_EVENT_RETURN);
  g_autofree char *from_outer = describe_at (trace, 3, HEAPGLASS_EVENT_RETURN);
  g_autofree char *last = heapglass_narration_describe (trace, heapglass_trace_get_n_steps (trace));

  assert_contains (from_inner, "inner() returns the int 3 to outer().");
  assert_contains (from_outer, "outer() returns the int 3 to the module level.");
  assert_contains (last, "The program ends. The name n is gone.");
}

static void
test_exception (void)
{
  g_autoptr (HeapglassTrace) trace
      = hg_test_trace_source ("raise.py",
                              "def check(age):\n"
                              "    if age < 0:\n"
                              "        raise ValueError('negative age')\n"
                              "    return age\n"
                              "\n"
                              "try:\n"
                              "    check(-1)\n"
                              "except ValueError:\n"
                              "    pass\n",
                              NULL);
  g_autofree char *text = describe_at (trace, 3, HEAPGLASS_EVENT_EXCEPTION);

  assert_contains (text, "ValueError in check() at line 3: “negative age”. In check(): age "
                         "refers to the int -1.");
  g_assert_null (strstr (text, "is about to run"));
}

static void
test_long_container (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("big.py",
                                                           "numbers = list(range(1000000))\n"
                                                           "mixed = [1, 'two', 3.0] * 5\n"
                                                           "table = {i: i for i in range(12)}\n"
                                                           "pass\n",
                                                           NULL);
  g_autofree char *text = describe_at (trace, 4, HEAPGLASS_EVENT_LINE);

  assert_contains (text, "numbers refers to a list of 1,000,000 ints.");
  assert_contains (text, "mixed refers to a list of 15 items.");
  assert_contains (text, "table refers to a dict of 12 entries.");
}

static void
test_values_repr (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("values.py",
                                                           "t = (1,)\n"
                                                           "e = set()\n"
                                                           "d = {'k': [0.1 + 0.2, None]}\n"
                                                           "s = \"it's\"\n"
                                                           "f = frozenset()\n"
                                                           "pass\n",
                                                           NULL);
  g_autofree char *text = describe_at (trace, 6, HEAPGLASS_EVENT_LINE);

  assert_contains (text, "t refers to the tuple (1,).");
  assert_contains (text, "e refers to the set set().");
  assert_contains (text, "d refers to the dict {'k': [0.30000000000000004, None]}.");
  assert_contains (text, "s refers to the str \"it's\".");
  assert_contains (text, "f refers to the frozenset frozenset().");
}

static void
test_cycle (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("cycle.py",
                                                           "loop = [1]\n"
                                                           "loop.append(loop)\n"
                                                           "pass\n",
                                                           NULL);
  guint step = find_step (trace, 3, HEAPGLASS_EVENT_LINE);
  g_autoptr (HeapglassSnapshot) snapshot = heapglass_trace_snapshot (trace, step);
  guint64 oid = snapshot->frames[0].oids[snapshot->frames[0].n_bindings - 1];
  g_autofree char *repr
      = heapglass_object_repr (snapshot, heapglass_snapshot_find_object (snapshot, oid), 0);

  g_assert_cmpstr (repr, ==, "[1, [...]]");
}

static void
test_count_grouping (void)
{
  g_autofree char *zero = heapglass_count_text (0);
  g_autofree char *thousand = heapglass_count_text (1000);
  g_autofree char *million = heapglass_count_text (1234567);

  g_assert_cmpstr (zero, ==, "0");
  g_assert_cmpstr (thousand, ==, "1,000");
  g_assert_cmpstr (million, ==, "1,234,567");
}

static void
test_name_description (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("frames.py", two_frames_py, NULL);
  g_autoptr (HeapglassSnapshot) snapshot
      = heapglass_trace_snapshot (trace, find_step (trace, 7, HEAPGLASS_EVENT_LINE));
  const HeapglassFrameView *inner = &snapshot->frames[snapshot->n_frames - 1];
  g_autofree char *param = heapglass_narration_describe_name (snapshot, snapshot->n_frames - 1, 0);
  g_autofree char *a = heapglass_narration_describe_name (snapshot, snapshot->n_frames - 2, 0);
  g_autofree char *object = heapglass_narration_object_phrase (snapshot, inner->oids[0]);

  g_assert_cmpstr (inner->names[0], ==, "param");
  g_assert_cmpstr (param, ==, "param refers to the list [1, 2], as do b and outer's a.");
  g_assert_cmpstr (a, ==, "a refers to the list [1, 2], as do inner's param and inner's b.");
  g_assert_cmpstr (object, ==, "the list [1, 2]");
}

static void
test_deep_stack (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("deep.py",
                                                           "def down(k):\n"
                                                           "    if k == 0:\n"
                                                           "        return 0\n"
                                                           "    return down(k - 1)\n"
                                                           "\n"
                                                           "down(40)\n",
                                                           NULL);
  g_autofree char *text = describe_at (trace, 3, HEAPGLASS_EVENT_LINE);

  assert_contains (text, "In down(): k refers to the int 0.");
  assert_contains (text, "frames not shown");
}

static void
test_deterministic (void)
{
  g_autoptr (HeapglassTrace) one = hg_test_trace_source ("frames.py", two_frames_py, NULL);
  g_autoptr (HeapglassTrace) two = hg_test_trace_source ("frames.py", two_frames_py, NULL);
  guint n = heapglass_trace_get_n_steps (one);

  g_assert_cmpuint (n, ==, heapglass_trace_get_n_steps (two));
  for (guint step = 1; step <= n; step++)
    {
      g_autofree char *a = heapglass_narration_describe (one, step);
      g_autofree char *again = heapglass_narration_describe (one, step);
      g_autofree char *b = heapglass_narration_describe (two, step);

      g_assert_cmpstr (a, ==, again);
      g_assert_cmpstr (a, ==, b);
    }
}

static void
test_out_of_range (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("frames.py", two_frames_py, NULL);
  g_autofree char *title = heapglass_narration_title (trace, 2);
  g_autofree char *expected
      = g_strdup_printf ("frames.py, step 2 of %u", heapglass_trace_get_n_steps (trace));

  g_assert_null (heapglass_narration_describe (trace, 0));
  g_assert_null (heapglass_narration_describe (trace, heapglass_trace_get_n_steps (trace) + 1));
  g_assert_cmpstr (title, ==, expected);
}

/* ---------------------------------------------------------------------------------------------- */
/* A pinned step against the current one, and how a prediction went */

static const char compare_py[] = "x = 4\n"       /* 1 */
                                 "a = [1, 2]\n"  /* 2 */
                                 "t = [8, 9]\n"  /* 3 */
                                 "del t\n"       /* 4 */
                                 "a.append(3)\n" /* 5 */
                                 "x = 5\n"       /* 6 */
                                 "pass\n"        /* 7 */
                                 "pass\n";       /* 8 */

static char *
compare_lines (HeapglassTrace *trace, guint pinned_line, guint current_line, guint *pinned)
{
  g_autoptr (HeapglassStepDiff) diff = NULL;

  *pinned = heapglass_trace_find_line (trace, pinned_line, 0, FALSE);
  diff = heapglass_step_diff_new (trace, *pinned,
                                  heapglass_trace_find_line (trace, current_line, 0, FALSE));
  return heapglass_narration_describe_comparison (diff);
}

static void
assert_says (const char *text, const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” does not say “%s”", text, part);
}

/* Forward in time: the rebound name with its old object, what was freed, what changed. */
static void
test_comparison_forward (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("compare.py", compare_py, NULL);
  guint pinned;
  g_autofree char *text = compare_lines (trace, 4, 7, &pinned);
  g_autofree char *head = g_strdup_printf ("Compared with step %u: ", pinned);
  g_autofree char *rebound
      = g_strdup_printf ("x refers to the int 5 (the int 4 at step %u).", pinned);
  g_autofree char *freed = g_strdup_printf ("Freed since step %u: the list [8, 9].", pinned);
  g_autofree char *changed = g_strdup_printf ("Changed since step %u: the list [1, 2, 3].", pinned);

  g_assert_true (g_str_has_prefix (text, head));
  assert_says (text, rebound);
  assert_says (text, freed);
  assert_says (text, changed);
  /* names before objects */
  g_assert_cmpint (strstr (text, rebound) - text, <, strstr (text, freed) - text);
}

/* Back in time (the pinned step is later): what the later step no longer has was "freed by" it,
 * what it has that does not exist yet was "created by" it. */
static void
test_comparison_backward (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("compare.py", compare_py, NULL);
  guint pinned;
  g_autofree char *text = compare_lines (trace, 7, 4, &pinned);
  g_autofree char *rebound
      = g_strdup_printf ("x refers to the int 4 (the int 5 at step %u).", pinned);
  g_autofree char *freed = g_strdup_printf ("Freed by step %u: the list [8, 9].", pinned);
  g_autofree char *changed = g_strdup_printf ("Changed by step %u: the list [1, 2].", pinned);

  assert_says (text, rebound);
  assert_says (text, freed);
  assert_says (text, changed);
  g_assert_null (strstr (text, "since"));
}

/* A name bound since the pinned step, the same step, and a step where nothing differs. */
static void
test_comparison_plain_cases (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("compare.py", compare_py, NULL);
  guint pinned;
  g_autofree char *bound = compare_lines (trace, 2, 3, &pinned);
  g_autofree char *bound_words
      = g_strdup_printf ("a refers to the list [1, 2] (unbound at step %u).", pinned);
  g_autofree char *same = compare_lines (trace, 5, 5, &pinned);
  g_autofree char *same_words
      = g_strdup_printf ("Step %u is pinned: move to another step to compare.", pinned);
  g_autofree char *nothing = compare_lines (trace, 7, 8, &pinned);
  g_autofree char *nothing_words
      = g_strdup_printf ("Nothing differs from the pinned step %u.", pinned);

  assert_says (bound, bound_words);
  g_assert_cmpstr (same, ==, same_words);
  g_assert_cmpstr (nothing, ==, nothing_words);
}

static const char predict_py[] = "a = [1, 2]\n"    /* 1 */
                                 "b = a\n"         /* 2 */
                                 "a.append(3)\n"   /* 3 */
                                 "print(len(a))\n" /* 4 */
                                 "del b\n"         /* 5 */
                                 "pass\n";         /* 6 */

static guint
module_frame (HeapglassTrace *trace, guint step)
{
  g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, step);
  return snap->frames[0].frame_id;
}

static guint64
bound_to (HeapglassTrace *trace, guint step, const char *name)
{
  g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, step);
  for (guint i = 0; i < snap->frames[0].n_bindings; i++)
    if (g_str_equal (snap->frames[0].names[i], name))
      return snap->frames[0].oids[i];
  g_assert_not_reached ();
  return 0;
}

/* One guess right, one wrong: the score, then each in words. */
static void
test_prediction_right_and_wrong (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("predict.py", predict_py, NULL);
  guint step = heapglass_trace_find_line (trace, 3, 0, FALSE);
  g_autoptr (HeapglassPrediction) p = heapglass_prediction_new (trace, step);
  g_autofree char *text = NULL;

  heapglass_prediction_toggle_object (p, bound_to (trace, step, "a"));
  heapglass_prediction_toggle_name (p, module_frame (trace, step), "b");
  text = heapglass_narration_describe_prediction (trace, step, heapglass_prediction_check (p, NULL),
                                                  TRUE);
  g_assert_cmpstr (text, ==,
                   "1 of 2 predictions right. Right: the list [1, 2, 3] changed. Wrong: b was not "
                   "rebound.");
}

/* The output line typed against the one printed. */
static void
test_prediction_output (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("predict.py", predict_py, NULL);
  guint step = heapglass_trace_find_line (trace, 4, 0, FALSE);
  g_autoptr (HeapglassPrediction) p = heapglass_prediction_new (trace, step);
  g_autofree char *text = NULL;

  heapglass_prediction_set_output (p, "2");
  text = heapglass_narration_describe_prediction (trace, step, heapglass_prediction_check (p, NULL),
                                                  TRUE);
  g_assert_cmpstr (text, ==, "0 of 1 prediction right. Wrong: it printed “3”, not “2”.");
}

/* No guess at all: what happened was missed; deleting a name is said as such. Skipped: the
 * same, without a score. */
static void
test_prediction_missed_and_skipped (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("predict.py", predict_py, NULL);
  guint step = heapglass_trace_find_line (trace, 5, 0, FALSE);
  g_autoptr (HeapglassPrediction) p = heapglass_prediction_new (trace, step);
  g_autofree char *scored = NULL;
  g_autofree char *skipped = NULL;

  scored = heapglass_narration_describe_prediction (trace, step,
                                                    heapglass_prediction_check (p, NULL), TRUE);
  g_assert_cmpstr (scored, ==, "You predicted no change. Missed: b was deleted.");
  heapglass_prediction_toggle_name (p, module_frame (trace, step), "a");
  skipped = heapglass_narration_describe_prediction (trace, step,
                                                     heapglass_prediction_check (p, NULL), FALSE);
  g_assert_cmpstr (skipped, ==, "Skipped. Missed: b was deleted.");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();

  g_test_add_func ("/narration/step/whole-sentence", test_step_whole);
  g_test_add_func ("/narration/names/alias-across-frames", test_alias_across_frames);
  g_test_add_func ("/narration/change/new-name", test_new_name);
  g_test_add_func ("/narration/change/rebinding", test_rebinding);
  g_test_add_func ("/narration/change/mutation-told-first", test_mutation_first);
  g_test_add_func ("/narration/change/freed-and-deleted", test_freed_and_deleted);
  g_test_add_func ("/narration/event/call", test_call);
  g_test_add_func ("/narration/event/return", test_return);
  g_test_add_func ("/narration/event/exception", test_exception);
  g_test_add_func ("/narration/values/long-container-summarised", test_long_container);
  g_test_add_func ("/narration/values/repr", test_values_repr);
  g_test_add_func ("/narration/values/cycle", test_cycle);
  g_test_add_func ("/narration/values/count-grouping", test_count_grouping);
  g_test_add_func ("/narration/names/one-name", test_name_description);
  g_test_add_func ("/narration/frames/deep-stack", test_deep_stack);
  g_test_add_func ("/narration/deterministic", test_deterministic);
  g_test_add_func ("/narration/out-of-range", test_out_of_range);
  g_test_add_func ("/narration/comparison/forward", test_comparison_forward);
  g_test_add_func ("/narration/comparison/backward", test_comparison_backward);
  g_test_add_func ("/narration/comparison/bound-same-and-nothing", test_comparison_plain_cases);
  g_test_add_func ("/narration/prediction/right-and-wrong", test_prediction_right_and_wrong);
  g_test_add_func ("/narration/prediction/output", test_prediction_output);
  g_test_add_func ("/narration/prediction/missed-and-skipped", test_prediction_missed_and_skipped);
  return g_test_run ();
}
