/* test-referrers.c: who refers to an object at one step (the inspector's "referred to by"),
 * on snapshots built by hand. */
#include "diagram-fixture.h"
#include "heapglass-referrers.h"

static const HeapglassReferrer *
nth (GArray *found, guint i)
{
  g_assert_cmpuint (i, <, found->len);
  return &g_array_index (found, HeapglassReferrer, i);
}

static void
test_names_global_and_local (void)
{
  Fixture *fx = fixture_new (3, 3, 1);
  const char *globals[] = { "data", "alias" };
  const guint64 global_oids[] = { 10, 10 };
  const char *locals[] = { "xs" };
  const guint64 local_oids[] = { 10 };
  g_autoptr (GArray) found = NULL;

  fx_container (fx, 10, HG_KIND_LIST, "list", 1, 0, 0, 0, NULL);
  fx_frame (fx, 1, "<module>", 1, 2, globals, global_oids, NULL);
  fx_frame (fx, 2, "helper", 5, 1, locals, local_oids, NULL);
  found = heapglass_referrers_find (fx_snapshot (fx), 10);

  g_assert_cmpuint (found->len, ==, 3);
  g_assert_cmpint (nth (found, 0)->kind, ==, HEAPGLASS_REFERRER_GLOBAL);
  g_assert_cmpstr (nth (found, 0)->name, ==, "data");
  g_assert_cmpstr (nth (found, 1)->name, ==, "alias");
  g_assert_cmpint (nth (found, 2)->kind, ==, HEAPGLASS_REFERRER_LOCAL);
  g_assert_cmpstr (nth (found, 2)->name, ==, "xs");
  g_assert_cmpstr (nth (found, 2)->function, ==, "helper");
  fixture_free (fx);
}

static void
test_containers (void)
{
  Fixture *fx = fixture_new (4, 4, 1);
  const guint64 list_items[] = { 7, 8, 7 };
  const guint64 dict_items[] = { 9, 7, 7, 8 }; /* {'k': 7, 7: 8} */
  const char *attrs[] = { "value" };
  const guint64 attr_oids[] = { 7 };
  g_autoptr (GArray) found = NULL;

  fx_int (fx, 7, 5, 1, 0);
  fx_int (fx, 8, 6, 1, 0);
  fx_str (fx, 9, "k", 1, 0);
  fx_container (fx, 20, HG_KIND_LIST, "list", 1, 0, 3, 3, list_items);
  fx_container (fx, 21, HG_KIND_DICT, "dict", 1, 0, 2, 2, dict_items);
  fx_instance (fx, 22, "Box", 1, 0, 1, attrs, attr_oids);
  fx_weakref (fx, 23, 22, TRUE, 2);
  found = heapglass_referrers_find (fx_snapshot (fx), 7);

  g_assert_cmpuint (found->len, ==, 5);
  g_assert_cmpint (nth (found, 0)->kind, ==, HEAPGLASS_REFERRER_ITEM);
  g_assert_cmpuint (nth (found, 0)->index, ==, 0);
  g_assert_cmpuint (nth (found, 0)->holder->oid, ==, 20);
  g_assert_cmpuint (nth (found, 1)->index, ==, 2);
  g_assert_cmpint (nth (found, 2)->kind, ==, HEAPGLASS_REFERRER_DICT_VALUE);
  g_assert_cmpuint (nth (found, 2)->key_oid, ==, 9);
  g_assert_cmpint (nth (found, 3)->kind, ==, HEAPGLASS_REFERRER_DICT_KEY);
  g_assert_cmpuint (nth (found, 3)->holder->oid, ==, 21);
  g_assert_cmpint (nth (found, 4)->kind, ==, HEAPGLASS_REFERRER_ATTRIBUTE);
  g_assert_cmpstr (nth (found, 4)->name, ==, "value");
  fixture_free (fx);
}

static void
test_weak_and_sets (void)
{
  Fixture *fx = fixture_new (4, 4, 1);
  const guint64 set_items[] = { 30 };
  g_autoptr (GArray) found = NULL;

  fx_instance (fx, 30, "Node", 1, 0, 0, NULL, NULL);
  fx_container (fx, 31, HG_KIND_SET, "set", 1, 0, 1, 1, set_items);
  fx_weakref (fx, 32, 30, TRUE, 2);
  found = heapglass_referrers_find (fx_snapshot (fx), 30);

  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpint (nth (found, 0)->kind, ==, HEAPGLASS_REFERRER_SET_ITEM);
  g_assert_cmpint (nth (found, 1)->kind, ==, HEAPGLASS_REFERRER_WEAK);
  g_assert_cmpuint (nth (found, 1)->holder->oid, ==, 32);
  fixture_free (fx);
}

static void
test_freed_holders_do_not_count (void)
{
  Fixture *fx = fixture_new (5, 5, 1);
  const guint64 items[] = { 40 };
  g_autoptr (GArray) found = NULL;

  fx_int (fx, 40, 3, 1, 0);
  fx_container (fx, 41, HG_KIND_LIST, "list", 1, 5, 1, 1, items); /* freed at this step */
  found = heapglass_referrers_find (fx_snapshot (fx), 40);

  g_assert_cmpuint (found->len, ==, 0);
  fixture_free (fx);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/referrers/names/global-and-local", test_names_global_and_local);
  g_test_add_func ("/referrers/containers/item-value-key-attribute", test_containers);
  g_test_add_func ("/referrers/weak-and-set-items", test_weak_and_sets);
  g_test_add_func ("/referrers/freed-holder-is-not-a-referrer", test_freed_holders_do_not_count);
  return g_test_run ();
}
