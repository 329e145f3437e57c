/* test-step-label.c: a step in words for the timeline, on real traced programs, and CPython's
 * cached objects told apart. */
#include "diagram-fixture.h"
#include "heapglass-object-facts.h"
#include "heapglass-step-label.h"
#include "heapglass-test-support.h"

static gboolean
some_step_says (HeapglassTrace *trace, const char *text)
{
  for (guint s = 1; s <= heapglass_trace_get_n_steps (trace); s++)
    {
      g_autofree char *label = heapglass_step_label (trace, s);

      if (g_strcmp0 (label, text) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
test_call_and_return (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source (
      "words.py", "def process():\n    return [1, 2, 3]\n\nresult = process()\n", NULL);
  guint n = heapglass_trace_get_n_steps (trace);
  g_autofree char *first = heapglass_step_label (trace, 1);
  g_autofree char *last = heapglass_step_label (trace, n);

  g_assert_cmpstr (first, ==, "Program starts");
  g_assert_cmpstr (last, ==, "Program finished");
  g_assert_true (some_step_says (trace, "Line 4 runs"));
  g_assert_true (some_step_says (trace, "process() is called"));
  g_assert_true (some_step_says (trace, "Line 2 runs in process()"));
  g_assert_true (some_step_says (trace, "process() returns [1, 2, 3]"));
  g_assert_null (heapglass_step_label (trace, n + 1));
}

static void
test_exception (void)
{
  g_autoptr (HeapglassTrace) trace
      = hg_test_trace_source ("raises.py", "x = 1\nraise KeyError('k')\n", NULL);

  g_assert_true (some_step_says (trace, "Exception: KeyError: 'k'"));
}

static void
test_cached_objects (void)
{
  Fixture *fx = fixture_new (1, 1, 1);

  fx_int (fx, 1, 1, 1, 0);
  fx_int (fx, 2, 256, 1, 0);
  fx_int (fx, 3, 257, 1, 0);
  fx_int (fx, 4, -6, 1, 0);
  fx_str (fx, 5, "a", 1, 0);
  fx_str (fx, 6, "ab", 1, 0);
  fx_object (fx, 7, HG_KIND_NONE, "NoneType", 1, 0);
  fx_snapshot (fx);
  g_assert_true (heapglass_object_is_cached (&g_array_index (fx->objects, HeapglassObjectView, 0)));
  g_assert_true (heapglass_object_is_cached (&g_array_index (fx->objects, HeapglassObjectView, 1)));
  g_assert_false (
      heapglass_object_is_cached (&g_array_index (fx->objects, HeapglassObjectView, 2)));
  g_assert_false (
      heapglass_object_is_cached (&g_array_index (fx->objects, HeapglassObjectView, 3)));
  g_assert_true (heapglass_object_is_cached (&g_array_index (fx->objects, HeapglassObjectView, 4)));
  g_assert_false (
      heapglass_object_is_cached (&g_array_index (fx->objects, HeapglassObjectView, 5)));
  g_assert_true (heapglass_object_is_cached (&g_array_index (fx->objects, HeapglassObjectView, 6)));
  {
    g_autofree char *text
        = heapglass_object_cached_text (&g_array_index (fx->objects, HeapglassObjectView, 0));
    g_autofree char *none
        = heapglass_object_cached_text (&g_array_index (fx->objects, HeapglassObjectView, 2));

    g_assert_nonnull (strstr (text, "before the program started"));
    g_assert_null (none);
  }
  fixture_free (fx);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/step-label/call-and-return", test_call_and_return);
  g_test_add_func ("/step-label/exception", test_exception);
  g_test_add_func ("/object-facts/cached-objects", test_cached_objects);
  return g_test_run ();
}
