/* test-step-diff.c: comparing a pinned step with the current one on a real traced program: what
 * is new, gone, rebound and mutated, in both directions of time. */
#include "heapglass-step-diff.h"
#include "heapglass-test-support.h"

static const char source[] = "a = [1, 2]\n"     /* 1 */
                             "b = a\n"          /* 2 */
                             "c = {'k': 1}\n"   /* 3 */
                             "a.append(3)\n"    /* 4 */
                             "b = 'text'\n"     /* 5 */
                             "del c\n"          /* 6 */
                             "d = (a, 5)\n"     /* 7 */
                             "print(len(a))\n"; /* 8 */

typedef struct
{
  HeapglassTrace *trace;
  guint at_line4; /* before a.append(3) */
  guint at_line8; /* before print */
  guint64 list, dict, tuple;
} Fixture;

static guint64
binding (HeapglassTrace *trace, guint step, const char *name)
{
  g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, step);
  const HeapglassFrameView *module = &snap->frames[0];

  for (guint i = 0; i < module->n_bindings; i++)
    if (g_str_equal (module->names[i], name))
      return module->oids[i];
  return 0;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  (void)data;
  f->trace = hg_test_trace_source ("diff.py", source, NULL);
  f->at_line4 = heapglass_trace_find_line (f->trace, 4, 0, FALSE);
  f->at_line8 = heapglass_trace_find_line (f->trace, 8, 0, FALSE);
  g_assert_cmpuint (f->at_line4, >, 0);
  g_assert_cmpuint (f->at_line8, >, f->at_line4);
  f->list = binding (f->trace, f->at_line4, "a");
  f->dict = binding (f->trace, f->at_line4, "c");
  f->tuple = binding (f->trace, f->at_line8, "d");
  g_assert_cmpuint (f->list, !=, 0);
  g_assert_cmpuint (f->dict, !=, 0);
  g_assert_cmpuint (f->tuple, !=, 0);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  (void)data;
  g_clear_object (&f->trace);
}

static gboolean
contains_oid (GArray *oids, guint64 oid)
{
  for (guint i = 0; i < oids->len; i++)
    if (g_array_index (oids, guint64, i) == oid)
      return TRUE;
  return FALSE;
}

static const HeapglassRebinding *
find_rebinding (const HeapglassStepDiff *diff, const char *name)
{
  for (guint i = 0; i < diff->rebound->len; i++)
    {
      const HeapglassRebinding *r = &g_array_index (diff->rebound, HeapglassRebinding, i);
      if (g_str_equal (r->name, name))
        return r;
    }
  return NULL;
}

/* The list appended to is mutated, not new; the tuple made later is new. */
static void
test_forward_new_and_mutated (Fixture *f, gconstpointer data)
{
  g_autoptr (HeapglassStepDiff) diff = heapglass_step_diff_new (f->trace, f->at_line4, f->at_line8);

  (void)data;
  g_assert_true (contains_oid (diff->mutated, f->list));
  g_assert_false (contains_oid (diff->created, f->list));
  g_assert_true (contains_oid (diff->created, f->tuple));
  g_assert_cmpint (heapglass_step_diff_get_mark (diff, f->list), ==, HEAPGLASS_DIFF_MUTATED);
  g_assert_cmpint (heapglass_step_diff_get_mark (diff, f->tuple), ==, HEAPGLASS_DIFF_NEW);
}

/* The dict deleted in between is gone. */
static void
test_forward_gone (Fixture *f, gconstpointer data)
{
  g_autoptr (HeapglassStepDiff) diff = heapglass_step_diff_new (f->trace, f->at_line4, f->at_line8);

  (void)data;
  g_assert_true (contains_oid (diff->gone, f->dict));
  g_assert_false (contains_oid (diff->gone, f->list));
  g_assert_cmpint (heapglass_step_diff_get_mark (diff, f->dict), ==, HEAPGLASS_DIFF_GONE);
}

/* b moved from the list to a string, d was bound for the first time, a still names its list. */
static void
test_forward_rebound (Fixture *f, gconstpointer data)
{
  g_autoptr (HeapglassStepDiff) diff = heapglass_step_diff_new (f->trace, f->at_line4, f->at_line8);
  const HeapglassRebinding *b, *d;

  (void)data;
  b = find_rebinding (diff, "b");
  d = find_rebinding (diff, "d");
  g_assert_nonnull (b);
  g_assert_cmpuint (b->old_oid, ==, f->list);
  g_assert_cmpuint (b->new_oid, !=, f->list);
  g_assert_cmpstr (b->function, ==, "<module>");
  g_assert_nonnull (d);
  g_assert_cmpuint (d->old_oid, ==, 0);
  g_assert_cmpuint (d->new_oid, ==, f->tuple);
  g_assert_null (find_rebinding (diff, "a"));
  g_assert_true (heapglass_step_diff_is_rebound (diff, b->frame_id, "b"));
  g_assert_false (heapglass_step_diff_is_rebound (diff, b->frame_id, "a"));
}

/* Pinned later than the current step: the dict is new again (it exists now, not then), the tuple
 * is gone (not made yet), the list is still mutated. */
static void
test_backward_swaps_new_and_gone (Fixture *f, gconstpointer data)
{
  g_autoptr (HeapglassStepDiff) diff = heapglass_step_diff_new (f->trace, f->at_line8, f->at_line4);

  (void)data;
  g_assert_true (contains_oid (diff->created, f->dict));
  g_assert_true (contains_oid (diff->gone, f->tuple));
  g_assert_true (contains_oid (diff->mutated, f->list));
  g_assert_nonnull (find_rebinding (diff, "c"));
}

/* A step compared with itself differs in nothing. */
static void
test_same_step_is_empty (Fixture *f, gconstpointer data)
{
  g_autoptr (HeapglassStepDiff) diff = heapglass_step_diff_new (f->trace, f->at_line8, f->at_line8);
  g_autoptr (HeapglassStepDiff) other
      = heapglass_step_diff_new (f->trace, f->at_line4, f->at_line8);

  (void)data;
  g_assert_true (heapglass_step_diff_is_empty (diff));
  g_assert_cmpint (heapglass_step_diff_get_mark (diff, f->list), ==, HEAPGLASS_DIFF_NONE);
  g_assert_false (heapglass_step_diff_is_empty (other));
}

/* A second name for the list (its refcount changes) is not a mutation of it. */
static void
test_alias_is_not_mutation (Fixture *f, gconstpointer data)
{
  guint at_line2 = heapglass_trace_find_line (f->trace, 2, 0, FALSE);
  guint at_line3 = heapglass_trace_find_line (f->trace, 3, 0, FALSE);
  g_autoptr (HeapglassStepDiff) diff = heapglass_step_diff_new (f->trace, at_line2, at_line3);

  (void)data;
  g_assert_false (contains_oid (diff->mutated, f->list));
  g_assert_nonnull (find_rebinding (diff, "b"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/step-diff/forward/new-and-mutated", test_forward_new_and_mutated);
  ADD ("/step-diff/forward/gone", test_forward_gone);
  ADD ("/step-diff/forward/rebound", test_forward_rebound);
  ADD ("/step-diff/backward/swaps-new-and-gone", test_backward_swaps_new_and_gone);
  ADD ("/step-diff/same-step-is-empty", test_same_step_is_empty);
  ADD ("/step-diff/alias-is-not-mutation", test_alias_is_not_mutation);
#undef ADD
  return g_test_run ();
}
