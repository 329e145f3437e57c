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
  return g_test_run ();
}
