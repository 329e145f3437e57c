/* test-trace-changes.c: content changes (a list appended to changes, a list given a second name
 * does not) and names a chapter hides, on real traced runs. */
#include "heapglass-trace-changes.h"
#include "heapglass-test-support.h"

static guint64
binding (HeapglassSnapshot *snap, const char *name)
{
  for (guint i = 0; i < snap->frames[0].n_bindings; i++)
    if (g_str_equal (snap->frames[0].names[i], name))
      return snap->frames[0].oids[i];
  return 0;
}

/* The list changes at the step after append(), not at the step after `b = a`. */
static void
test_content_changes (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("changes.py",
                                                           "a = [1]\n"
                                                           "b = a\n"
                                                           "a.append(2)\n"
                                                           "del b\n"
                                                           "print(a)\n",
                                                           NULL);
  guint line3 = heapglass_trace_find_line (trace, 3, 0, FALSE);
  guint line4 = heapglass_trace_find_line (trace, 4, 0, FALSE);
  g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, line3);
  guint64 list = binding (snap, "a");
  g_autoptr (GArray) changes = heapglass_trace_get_content_changes (trace, list);
  g_autoptr (GArray) unknown = heapglass_trace_get_content_changes (trace, 999999);

  g_assert_cmpuint (changes->len, ==, 1);
  g_assert_cmpuint (g_array_index (changes, guint, 0), ==, line4);
  g_assert_true (heapglass_trace_content_changed_at (trace, list, line4));
  g_assert_false (heapglass_trace_content_changed_at (trace, list, line3));
  g_assert_cmpuint (unknown->len, ==, 0);
}

/* Hidden names are in no frame of any snapshot, and what only they reach is not drawn either. */
static void
test_hidden_names (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("hide.py",
                                                           "import math\n"
                                                           "def helper(v):\n"
                                                           "    secret = [v]\n"
                                                           "    return secret\n"
                                                           "x = helper(math.pi)\n",
                                                           NULL);
  const char *hidden[] = { "math", "helper", "secret", NULL };
  guint n = heapglass_trace_get_n_steps (trace);
  guint64 module_oid;

  {
    g_autoptr (HeapglassSnapshot) before = heapglass_trace_snapshot (trace, n);
    module_oid = binding (before, "math");
    g_assert_cmpuint (module_oid, !=, 0);
  }
  heapglass_trace_set_hidden_names (trace, hidden);
  for (guint s = 1; s <= n; s++)
    {
      g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, s);
      for (guint f = 0; f < snap->n_frames; f++)
        for (guint i = 0; i < snap->frames[f].n_bindings; i++)
          g_assert_false (g_strv_contains (hidden, snap->frames[f].names[i]));
      if (s == n)
        {
          g_assert_cmpuint (binding (snap, "x"), !=, 0);
          g_assert_null (heapglass_snapshot_find_object (snap, module_oid));
        }
    }
  heapglass_trace_set_hidden_names (trace, NULL);
  {
    g_autoptr (HeapglassSnapshot) again = heapglass_trace_snapshot (trace, n);
    g_assert_cmpuint (binding (again, "math"), ==, module_oid);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();
  g_test_add_func ("/trace/changes/content-not-refcount", test_content_changes);
  g_test_add_func ("/trace/changes/hidden-names", test_hidden_names);
  return g_test_run ();
}
