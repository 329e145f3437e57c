/* test-trace-semantics.c: what the trace says about names and objects matches the chapter's
 * pictures: two names can share one object across frames, `del` removes a name and frees the
 * object, identities never get mixed up when memory is reused. */
#include <glib/gstdio.h>
#include <string.h>

#include "heapglass-trace-runner.h"

static char *tmpdir;

static HeapglassTrace *
trace_code (const char *name, const char *code)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr (GError) error = NULL;
  HeapglassRunOptions options;
  HeapglassTrace *trace;

  g_file_set_contents (path, code, -1, &error);
  g_assert_no_error (error);
  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  trace = heapglass_trace_run_sync (path, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (trace);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_FINISHED);
  return trace;
}

/* The oid bound to `name` in `frame`, or 0. */
static guint64
lookup (const HeapglassFrameView *frame, const char *name)
{
  for (guint i = 0; i < frame->n_bindings; i++)
    if (g_strcmp0 (frame->names[i], name) == 0)
      return frame->oids[i];
  return 0;
}

static const HeapglassFrameView *
find_frame (HeapglassSnapshot *snapshot, const char *function)
{
  for (guint i = snapshot->n_frames; i > 0; i--)
    if (g_strcmp0 (snapshot->frames[i - 1].function, function) == 0)
      return &snapshot->frames[i - 1];
  return NULL;
}

/* def process(): x = [1, 2, 3]; y = x — one step shows x and y naming the same list. */
static void
test_alias_in_one_frame (void)
{
  g_autoptr (HeapglassTrace) trace = trace_code ("process.py",
                                                 "def process():\n"
                                                 "    x = [1, 2, 3]\n"
                                                 "    y = x\n"
                                                 "    return y\n"
                                                 "\n"
                                                 "process()\n");
  guint n = heapglass_trace_get_n_steps (trace);
  guint found = 0;

  for (guint step = 1; step <= n && !found; step++)
    {
      g_autoptr (HeapglassSnapshot) snapshot = heapglass_trace_snapshot (trace, step);
      const HeapglassFrameView *frame = find_frame (snapshot, "process");
      guint64 x, y;
      const HeapglassObjectView *list;

      if (frame == NULL)
        continue;
      x = lookup (frame, "x");
      y = lookup (frame, "y");
      if (x == 0 || y == 0)
        continue;
      g_assert_cmpuint (x, ==, y);
      list = heapglass_snapshot_find_object (snapshot, x);
      g_assert_nonnull (list);
      g_assert_cmpint (list->kind, ==, HG_KIND_LIST);
      g_assert_cmpuint (list->length, ==, 3);
      g_assert_cmpuint (list->n_items, ==, 3);
      g_assert_cmpint (heapglass_snapshot_find_object (snapshot, list->items[2])->int_value, ==, 3);
      g_assert_cmpuint (snapshot->n_frames, ==, 2);
      found = step;
    }
  g_assert_cmpuint (found, >, 0);
}

/* outer/inner: a (outer's frame), param and b (inner's frame) name one object. */
static void
test_alias_across_frames (void)
{
  g_autoptr (HeapglassTrace) trace = trace_code ("frames.py",
                                                 "def outer():\n"
                                                 "    a = [1, 2]\n"
                                                 "    return inner(a)\n"
                                                 "\n"
                                                 "def inner(param):\n"
                                                 "    b = param\n"
                                                 "    return b\n"
                                                 "\n"
                                                 "outer()\n");
  guint n = heapglass_trace_get_n_steps (trace);
  guint found = 0;

  for (guint step = 1; step <= n && !found; step++)
    {
      g_autoptr (HeapglassSnapshot) snapshot = heapglass_trace_snapshot (trace, step);
      const HeapglassFrameView *outer = find_frame (snapshot, "outer");
      const HeapglassFrameView *inner = find_frame (snapshot, "inner");
      guint64 a, param, b;

      if (outer == NULL || inner == NULL)
        continue;
      a = lookup (outer, "a");
      param = lookup (inner, "param");
      b = lookup (inner, "b");
      if (b == 0)
        continue;
      g_assert_cmpuint (a, !=, 0);
      g_assert_cmpuint (a, ==, param);
      g_assert_cmpuint (param, ==, b);
      g_assert_cmpuint (snapshot->n_frames, ==, 3);
      g_assert_cmpstr (snapshot->frames[0].function, ==, "<module>");
      g_assert_cmpuint (heapglass_snapshot_find_object (snapshot, a)->length, ==, 2);
      found = step;
    }
  g_assert_cmpuint (found, >, 0);
}

/* x = [1, 2, 3]; del x — the name goes, and the list is freed at that step. */
static void
test_del_frees (void)
{
  g_autoptr (HeapglassTrace) trace = trace_code ("del.py",
                                                 "x = [1, 2, 3]\n"
                                                 "n = len(x)\n"
                                                 "del x\n"
                                                 "done = True\n");
  guint n = heapglass_trace_get_n_steps (trace);
  guint64 list = 0;
  guint del_step = 0, after = 0;

  for (guint step = 1; step <= n; step++)
    {
      if (heapglass_trace_get_step_line (trace, step) == 3 && del_step == 0)
        del_step = step;
      if (heapglass_trace_get_step_line (trace, step) == 4 && after == 0)
        after = step;
    }
  g_assert_cmpuint (del_step, >, 0);
  g_assert_cmpuint (after, >, del_step);
  {
    g_autoptr (HeapglassSnapshot) before = heapglass_trace_snapshot (trace, del_step);
    list = lookup (&before->frames[0], "x");
    g_assert_cmpuint (list, !=, 0);
    g_assert_cmpint (heapglass_snapshot_find_object (before, list)->kind, ==, HG_KIND_LIST);
  }
  {
    g_autoptr (HeapglassSnapshot) snapshot = heapglass_trace_snapshot (trace, after);
    const HeapglassObjectView *gone = heapglass_snapshot_find_object (snapshot, list);
    g_assert_cmpuint (lookup (&snapshot->frames[0], "x"), ==, 0);
    g_assert_cmpuint (lookup (&snapshot->frames[0], "n"), !=, 0);
    /* absent, or shown this one step as freed */
    if (gone != NULL)
      {
        g_assert_true (gone->freed);
        g_assert_cmpuint (gone->freed_step, ==, after);
      }
  }
  {
    g_autoptr (HeapglassSnapshot) last = heapglass_trace_snapshot (trace, n);
    const HeapglassObjectView *gone = heapglass_snapshot_find_object (last, list);
    g_assert_true (gone == NULL || gone->freed);
  }
}

/* Lists die and new ones land at the same address (freelists): every new list is a new oid. */
static void
test_reused_address_is_new_object (void)
{
  g_autoptr (HeapglassTrace) trace = trace_code ("reuse.py",
                                                 "ids = []\n"
                                                 "for i in range(5):\n"
                                                 "    tmp = [i]\n"
                                                 "    ids.append(id(tmp))\n"
                                                 "    del tmp\n"
                                                 "same_address = len(set(ids)) < len(ids)\n");
  guint n = heapglass_trace_get_n_steps (trace);
  GHashTable *oids = g_hash_table_new (NULL, NULL);
  guint lists_seen = 0;

  for (guint step = 1; step <= n; step++)
    {
      g_autoptr (HeapglassSnapshot) snapshot = heapglass_trace_snapshot (trace, step);
      guint64 tmp = lookup (&snapshot->frames[0], "tmp");
      const HeapglassObjectView *list;
      if (tmp == 0 || g_hash_table_contains (oids, GSIZE_TO_POINTER ((gsize) tmp)))
        continue;
      list = heapglass_snapshot_find_object (snapshot, tmp);
      g_assert_nonnull (list);
      g_assert_cmpuint (list->n_items, ==, 1);
      g_assert_cmpint (heapglass_snapshot_find_object (snapshot, list->items[0])->int_value, ==, lists_seen);
      g_hash_table_add (oids, GSIZE_TO_POINTER ((gsize) tmp));
      lists_seen++;
    }
  g_assert_cmpuint (lists_seen, ==, 5);
  {
    /* and CPython did reuse the address, so the test tested something */
    g_autoptr (HeapglassSnapshot) last = heapglass_trace_snapshot (trace, n);
    const HeapglassObjectView *same = heapglass_snapshot_find_object (last, lookup (&last->frames[0], "same_address"));
    g_assert_nonnull (same);
    g_assert_true (same->bool_value);
  }
  g_hash_table_unref (oids);
}

/* A list longer than K: exact length, first K items. */
static void
test_long_list_summarised (void)
{
  g_autoptr (HeapglassTrace) trace = trace_code ("long.py",
                                                 "big = list(range(1000))\n"
                                                 "big.append(-1)\n"
                                                 "big[3] = 'three'\n"
                                                 "end = 0\n");
  guint n = heapglass_trace_get_n_steps (trace);
  g_autoptr (HeapglassSnapshot) last = heapglass_trace_snapshot (trace, n);
  const HeapglassObjectView *big = heapglass_snapshot_find_object (last, lookup (&last->frames[0], "big"));
  guint k = heapglass_trace_get_max_items (trace);

  g_assert_nonnull (big);
  g_assert_cmpuint (big->length, ==, 1001);
  g_assert_cmpuint (big->n_items, ==, k);
  g_assert_cmpstr (heapglass_snapshot_find_object (last, big->items[3])->text, ==, "three");
  g_assert_cmpint (heapglass_snapshot_find_object (last, big->items[4])->int_value, ==, 4);
}

/* Instance attributes, dict entries and a generator frame that comes and goes. */
static void
test_instances_dicts_generators (void)
{
  g_autoptr (HeapglassTrace) trace = trace_code ("objects.py",
                                                 "class Box:\n"
                                                 "    def __init__(self, v):\n"
                                                 "        self.v = v\n"
                                                 "\n"
                                                 "def gen():\n"
                                                 "    yield 1\n"
                                                 "    yield 2\n"
                                                 "\n"
                                                 "b = Box([7])\n"
                                                 "d = {'k': b}\n"
                                                 "g = list(gen())\n"
                                                 "b.v.append(8)\n"
                                                 "end = 0\n");
  guint n = heapglass_trace_get_n_steps (trace);
  g_autoptr (HeapglassSnapshot) last = heapglass_trace_snapshot (trace, n);
  const HeapglassObjectView *box = heapglass_snapshot_find_object (last, lookup (&last->frames[0], "b"));
  const HeapglassObjectView *d = heapglass_snapshot_find_object (last, lookup (&last->frames[0], "d"));
  const HeapglassObjectView *v;
  guint gen_pushes = 0;

  g_assert_nonnull (box);
  g_assert_cmpint (box->kind, ==, HG_KIND_INSTANCE);
  g_assert_cmpstr (box->type_name, ==, "Box");
  g_assert_cmpuint (box->n_attrs, ==, 1);
  g_assert_cmpstr (box->attr_names[0], ==, "v");
  v = heapglass_snapshot_find_object (last, box->attr_oids[0]);
  g_assert_cmpuint (v->length, ==, 2);
  g_assert_nonnull (d);
  g_assert_cmpint (d->kind, ==, HG_KIND_DICT);
  g_assert_cmpuint (d->n_items, ==, 1);
  g_assert_cmpstr (heapglass_snapshot_find_object (last, d->items[0])->text, ==, "k");
  g_assert_cmpuint (d->items[1], ==, box->oid);
  for (guint step = 1; step <= n; step++)
    if (heapglass_trace_get_step_event (trace, step) == HEAPGLASS_EVENT_CALL)
      {
        g_autoptr (HeapglassSnapshot) s = heapglass_trace_snapshot (trace, step);
        if (g_strcmp0 (s->frames[s->n_frames - 1].function, "gen") == 0)
          {
            g_assert_cmpuint (s->n_frames, ==, 2);
            gen_pushes++;
          }
      }
  /* entered once, resumed twice, and once more to finish */
  g_assert_cmpuint (gen_pushes, ==, 3);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("heapglass-semantics-XXXXXX", NULL);
  g_test_add_func ("/trace/semantics/alias-in-one-frame", test_alias_in_one_frame);
  g_test_add_func ("/trace/semantics/alias-across-frames", test_alias_across_frames);
  g_test_add_func ("/trace/semantics/del-frees", test_del_frees);
  g_test_add_func ("/trace/semantics/reused-address-is-new-object", test_reused_address_is_new_object);
  g_test_add_func ("/trace/semantics/long-list-summarised", test_long_list_summarised);
  g_test_add_func ("/trace/semantics/instances-dicts-generators", test_instances_dicts_generators);
  status = g_test_run ();
  {
    g_autoptr (GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;
    while (dir && (name = g_dir_read_name (dir)))
      {
        g_autofree char *path = g_build_filename (tmpdir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (tmpdir);
    g_free (tmpdir);
  }
  return status;
}
