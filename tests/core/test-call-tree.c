/* test-call-tree.c: the call tree of real traced programs: callers and callees, arguments as
 * bound at the call, the steps each call spans, summaries of what a collapsed call hides. */
#include "heapglass-call-tree.h"
#include "heapglass-test-support.h"
#include "trace-stream-writer.h"

static const char fib_source[] = "def fib(n):\n"
                                 "    if n < 2:\n"
                                 "        return n\n"
                                 "    return fib(n - 1) + fib(n - 2)\n"
                                 "\n"
                                 "print(fib(5))\n";

static HeapglassCallTree *
fib_tree (HeapglassTrace **trace_out)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("fib.py", fib_source, NULL);
  if (trace_out)
    *trace_out = g_object_ref (trace);
  return heapglass_call_tree_new (trace);
}

/* The argument text of a call with one parameter. */
static const char *
only_argument (HeapglassCallTree *tree, guint call, const char *name)
{
  guint n = 0;
  const HeapglassCallArgument *args = heapglass_call_tree_get_arguments (tree, call, &n);

  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (args[0].name, ==, name);
  g_assert_cmpuint (args[0].oid, !=, 0);
  return args[0].text;
}

/* fib(5) makes 15 calls of fib, all below the module: one root, one child of it. */
static void
test_fib_shape (void)
{
  g_autoptr (HeapglassCallTree) tree = fib_tree (NULL);
  guint root, top;

  g_assert_cmpuint (heapglass_call_tree_get_n_calls (tree), ==, 16);
  g_assert_cmpuint (heapglass_call_tree_get_n_roots (tree), ==, 1);
  root = heapglass_call_tree_get_root (tree, 0);
  g_assert_cmpstr (heapglass_call_tree_get_function (tree, root), ==, "<module>");
  g_assert_cmpuint (heapglass_call_tree_get_n_descendants (tree, root), ==, 15);
  g_assert_cmpuint (heapglass_call_tree_get_n_children (tree, root), ==, 1);
  top = heapglass_call_tree_get_child (tree, root, 0);
  g_assert_cmpstr (heapglass_call_tree_get_function (tree, top), ==, "fib");
  g_assert_cmpuint (heapglass_call_tree_get_parent (tree, top), ==, root);
  g_assert_cmpuint (heapglass_call_tree_get_depth (tree, top), ==, 2);
  g_assert_cmpuint (heapglass_call_tree_get_n_descendants (tree, top), ==, 14);
  g_assert_cmpuint (heapglass_call_tree_get_n_children (tree, top), ==, 2);
  g_assert_cmpuint (heapglass_call_tree_get_child (tree, top, 2), ==, 0);
  g_assert_cmpuint (heapglass_call_tree_get_child_index (tree, root), ==, 0);
  g_assert_cmpuint (
      heapglass_call_tree_get_child_index (tree, heapglass_call_tree_get_child (tree, top, 1)), ==,
      1);
}

/* fib(5) calls fib(4) then fib(3), in that order, each with its own argument. */
static void
test_fib_arguments_in_call_order (void)
{
  g_autoptr (HeapglassCallTree) tree = fib_tree (NULL);
  guint top = heapglass_call_tree_get_child (tree, heapglass_call_tree_get_root (tree, 0), 0);
  guint first = heapglass_call_tree_get_child (tree, top, 0);
  guint second = heapglass_call_tree_get_child (tree, top, 1);

  g_assert_cmpstr (only_argument (tree, top, "n"), ==, "5");
  g_assert_cmpstr (only_argument (tree, first, "n"), ==, "4");
  g_assert_cmpstr (only_argument (tree, second, "n"), ==, "3");
  g_assert_cmpuint (heapglass_call_tree_get_n_descendants (tree, first), ==, 8);
  g_assert_cmpuint (heapglass_call_tree_get_n_descendants (tree, second), ==, 4);
}

/* A call spans its callees' steps: it begins before them and ends after them, with a "call"
 * step first and a "return" step last; then its caller runs again. */
static void
test_steps_span_callees (void)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autoptr (HeapglassCallTree) tree = fib_tree (&trace);
  guint n = heapglass_call_tree_get_n_calls (tree);

  for (guint call = 1; call <= n; call++)
    {
      guint first = heapglass_call_tree_get_first_step (tree, call);
      guint last = heapglass_call_tree_get_last_step (tree, call);
      guint parent = heapglass_call_tree_get_parent (tree, call);
      guint next;

      g_assert_cmpuint (first, >=, 1);
      g_assert_cmpuint (last, >=, first);
      g_assert_cmpuint (heapglass_call_tree_find_call_at_step (tree, first), ==, call);
      if (parent == 0)
        continue;
      g_assert_cmpint (heapglass_trace_get_step_event (trace, first), ==, HEAPGLASS_EVENT_CALL);
      g_assert_cmpint (heapglass_trace_get_step_event (trace, last), ==, HEAPGLASS_EVENT_RETURN);
      g_assert_cmpuint (heapglass_call_tree_get_first_step (tree, parent), <, first);
      g_assert_cmpuint (heapglass_call_tree_get_last_step (tree, parent), >, last);
      /* Next runs the caller, or straight away its next callee (fib(n - 1) + fib(n - 2)). */
      next = heapglass_call_tree_find_call_at_step (tree, last + 1);
      g_assert_true (next == parent || heapglass_call_tree_get_parent (tree, next) == parent);
    }
}

/* The label shows each argument by name and value; the module has none. */
static void
test_labels (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("labels.py",
                                                           "def greet(name, times, items):\n"
                                                           "    return name * times\n"
                                                           "\n"
                                                           "greet('hi', 2, [1, 2, 3])\n",
                                                           NULL);
  g_autoptr (HeapglassCallTree) tree = heapglass_call_tree_new (trace);
  guint root = heapglass_call_tree_get_root (tree, 0);
  guint call = heapglass_call_tree_get_child (tree, root, 0);
  g_autofree char *module_label = heapglass_call_tree_get_label (tree, root);
  g_autofree char *label = heapglass_call_tree_get_label (tree, call);

  g_assert_cmpstr (module_label, ==, "<module>");
  g_assert_cmpstr (label, ==, "greet(name='hi', times=2, items=list[3]) → 'hihi'");
}

/* A collapsed call says how many calls it hides; a leaf hides none. */
static void
test_summaries (void)
{
  g_autoptr (HeapglassCallTree) tree = fib_tree (NULL);
  guint top = heapglass_call_tree_get_child (tree, heapglass_call_tree_get_root (tree, 0), 0);
  guint leaf = top;
  g_autofree char *summary = heapglass_call_tree_get_summary (tree, top);
  g_autofree char *leaf_summary = NULL;

  while (heapglass_call_tree_get_n_children (tree, leaf) > 0)
    leaf = heapglass_call_tree_get_child (tree, leaf, 0);
  leaf_summary = heapglass_call_tree_get_summary (tree, leaf);
  g_assert_cmpstr (summary, ==, "… 14 calls");
  g_assert_null (leaf_summary);
  g_assert_cmpstr (only_argument (tree, leaf, "n"), ==, "1");
}

/* Calls made from a loop are siblings, in order; the tree is numbered as the calls began. */
static void
test_loop_calls_are_siblings (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("loop.py",
                                                           "def square(x):\n"
                                                           "    return x * x\n"
                                                           "\n"
                                                           "total = 0\n"
                                                           "for i in range(200):\n"
                                                           "    total += square(i)\n",
                                                           NULL);
  g_autoptr (HeapglassCallTree) tree = heapglass_call_tree_new (trace);
  guint root = heapglass_call_tree_get_root (tree, 0);

  g_assert_cmpuint (heapglass_call_tree_get_n_children (tree, root), ==, 200);
  for (guint i = 0; i < 200; i += 37)
    {
      guint call = heapglass_call_tree_get_child (tree, root, i);
      g_autofree char *expected = g_strdup_printf ("%u", i);
      g_assert_cmpuint (call, ==, root + 1 + i);
      g_assert_cmpuint (heapglass_call_tree_get_child_index (tree, call), ==, i);
      g_assert_cmpstr (only_argument (tree, call, "x"), ==, expected);
    }
}

/* A tree made while the trace was still arriving grows with update(): a running call ends at the
 * last step decoded so far, later calls are added, and calls keep their numbers. */
static void
test_update_takes_in_new_calls (void)
{
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  g_autoptr (HeapglassCallTree) tree = heapglass_call_tree_new (trace);
  g_autoptr (GError) error = NULL;
  HgBuf first = { 0 }, rest = { 0 };

  g_assert_cmpuint (heapglass_call_tree_get_n_calls (tree), ==, 0);
  g_assert_cmpuint (heapglass_call_tree_find_call_at_step (tree, 1), ==, 0);
  g_assert_null (heapglass_call_tree_get_label (tree, 1));
  g_assert_false (heapglass_call_tree_update (tree));

  hg_buf_header (&first, 100, "/tmp/calls.py");
  w_string (&first, "<module>");
  w_string (&first, "f");
  w_push (&first, 1, 1);
  w_step (&first, HG_REC_STEP_LINE, 1);
  w_push (&first, 2, 3);
  w_step (&first, HG_REC_STEP_CALL, 3);
  w_step (&first, HG_REC_STEP_LINE, 4);
  w_step (&first, HG_REC_STEP_RETURN, 4);
  g_assert_true (heapglass_trace_feed (trace, first.data, first.len, &error));
  g_assert_no_error (error);

  g_assert_true (heapglass_call_tree_update (tree));
  g_assert_cmpuint (heapglass_call_tree_get_n_calls (tree), ==, 2);
  g_assert_cmpuint (heapglass_call_tree_get_first_step (tree, 2), ==, 2);
  g_assert_cmpuint (heapglass_call_tree_get_last_step (tree, 2), ==, 4);
  g_assert_cmpuint (heapglass_call_tree_get_last_step (tree, 1), ==, 4);

  w_pop (&rest);
  w_step (&rest, HG_REC_STEP_LINE, 2);
  w_push (&rest, 2, 3);
  w_step (&rest, HG_REC_STEP_CALL, 3);
  w_step (&rest, HG_REC_STEP_RETURN, 4);
  w_pop (&rest);
  w_step (&rest, HG_REC_STEP_LINE, 2);
  w_end (&rest, HG_END_FINISHED, 0);
  g_assert_true (heapglass_trace_feed (trace, rest.data, rest.len, &error));
  g_assert_true (heapglass_trace_finish (trace, &error));
  g_assert_no_error (error);

  g_assert_true (heapglass_call_tree_update (tree));
  g_assert_false (heapglass_call_tree_update (tree));
  g_assert_cmpuint (heapglass_call_tree_get_n_calls (tree), ==, 3);
  g_assert_cmpuint (heapglass_call_tree_get_n_children (tree, 1), ==, 2);
  g_assert_cmpuint (heapglass_call_tree_get_child (tree, 1, 1), ==, 3);
  g_assert_cmpuint (heapglass_call_tree_get_last_step (tree, 2), ==, 4);
  g_assert_cmpuint (heapglass_call_tree_get_first_step (tree, 3), ==, 6);
  g_assert_cmpuint (heapglass_call_tree_get_last_step (tree, 3), ==, 7);
  g_assert_cmpuint (heapglass_call_tree_get_last_step (tree, 1), ==, 8);
  g_assert_cmpuint (heapglass_call_tree_find_call_at_step (tree, 5), ==, 1);
  hg_buf_clear (&first);
  hg_buf_clear (&rest);
}

/* What each call returned: fib(5) → 5, its callees their own values; a call an exception went
 * through has no value and says it raised. */
static void
test_return_values (void)
{
  g_autoptr (HeapglassCallTree) tree = fib_tree (NULL);
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("raise.py",
                                                           "def check(x):\n"
                                                           "    if x > 1:\n"
                                                           "        raise ValueError(x)\n"
                                                           "    return x\n"
                                                           "\n"
                                                           "try:\n"
                                                           "    check(1)\n"
                                                           "    check(2)\n"
                                                           "except ValueError:\n"
                                                           "    pass\n",
                                                           NULL);
  g_autoptr (HeapglassCallTree) raising = heapglass_call_tree_new (trace);
  guint top = heapglass_call_tree_get_child (tree, heapglass_call_tree_get_root (tree, 0), 0);
  guint root = heapglass_call_tree_get_root (raising, 0);
  g_autofree char *fib_label = heapglass_call_tree_get_label (tree, top);
  g_autofree char *ok_label
      = heapglass_call_tree_get_label (raising, heapglass_call_tree_get_child (raising, root, 0));
  g_autofree char *raised_label
      = heapglass_call_tree_get_label (raising, heapglass_call_tree_get_child (raising, root, 1));
  const char *text = NULL;
  guint64 oid = 0;

  g_assert_true (heapglass_call_tree_get_return (tree, top, &oid, &text));
  g_assert_cmpuint (oid, !=, 0);
  g_assert_cmpstr (text, ==, "5");
  g_assert_cmpstr (fib_label, ==, "fib(n=5) → 5");
  g_assert_cmpstr (ok_label, ==, "check(x=1) → 1");
  g_assert_cmpstr (raised_label, ==, "check(x=2) raised");
  g_assert_false (heapglass_call_tree_get_return (
      raising, heapglass_call_tree_get_child (raising, root, 1), NULL, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();
  g_test_add_func ("/call-tree/fib/shape", test_fib_shape);
  g_test_add_func ("/call-tree/fib/arguments-in-call-order", test_fib_arguments_in_call_order);
  g_test_add_func ("/call-tree/fib/steps-span-callees", test_steps_span_callees);
  g_test_add_func ("/call-tree/labels", test_labels);
  g_test_add_func ("/call-tree/return-values", test_return_values);
  g_test_add_func ("/call-tree/summaries", test_summaries);
  g_test_add_func ("/call-tree/loop-calls-are-siblings", test_loop_calls_are_siblings);
  g_test_add_func ("/call-tree/update-takes-in-new-calls", test_update_takes_in_new_calls);
  return g_test_run ();
}
