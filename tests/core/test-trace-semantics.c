/* test-trace-semantics.c: what the trace says about names and objects matches the chapter's
 * pictures: two names can share one object across frames, `del` removes a name and frees the
 * object, identities never get mixed up when memory is reused. */
#include <glib/gstdio.h>
#include <string.h>

#include "heapglass-trace-runner.h"
#include "heapglass-test-support.h"

static HeapglassTrace *
trace_code (const char *name, const char *code)
{
  g_autofree char *path = g_build_filename (hg_test_tmp_dir (), name, NULL);
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
  g_autoptr (HeapglassTrace) trace = trace_code ("process.py", "def process():\n"
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
  g_autoptr (HeapglassTrace) trace = trace_code ("frames.py", "def outer():\n"
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
  g_autoptr (HeapglassTrace) trace = trace_code ("del.py", "x = [1, 2, 3]\n"
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
  g_autoptr (HeapglassTrace) trace
      = trace_code ("reuse.py", "ids = []\n"
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
      if (tmp == 0 || g_hash_table_contains (oids, GSIZE_TO_POINTER ((gsize)tmp)))
        continue;
      list = heapglass_snapshot_find_object (snapshot, tmp);
      g_assert_nonnull (list);
      g_assert_cmpuint (list->n_items, ==, 1);
      g_assert_cmpint (heapglass_snapshot_find_object (snapshot, list->items[0])->int_value, ==,
                       lists_seen);
      g_hash_table_add (oids, GSIZE_TO_POINTER ((gsize)tmp));
      lists_seen++;
    }
  g_assert_cmpuint (lists_seen, ==, 5);
  {
    /* and CPython did reuse the address, so the test tested something */
    g_autoptr (HeapglassSnapshot) last = heapglass_trace_snapshot (trace, n);
    const HeapglassObjectView *same
        = heapglass_snapshot_find_object (last, lookup (&last->frames[0], "same_address"));
    g_assert_nonnull (same);
    g_assert_true (same->bool_value);
  }
  g_hash_table_unref (oids);
}

/* A list longer than K: exact length, first K items. */
static void
test_long_list_summarised (void)
{
  g_autoptr (HeapglassTrace) trace = trace_code ("long.py", "big = list(range(1000))\n"
                                                            "big.append(-1)\n"
                                                            "big[3] = 'three'\n"
                                                            "end = 0\n");
  guint n = heapglass_trace_get_n_steps (trace);
  g_autoptr (HeapglassSnapshot) last = heapglass_trace_snapshot (trace, n);
  const HeapglassObjectView *big
      = heapglass_snapshot_find_object (last, lookup (&last->frames[0], "big"));
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
  g_autoptr (HeapglassTrace) trace = trace_code ("objects.py", "class Box:\n"
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
  const HeapglassObjectView *box
      = heapglass_snapshot_find_object (last, lookup (&last->frames[0], "b"));
  const HeapglassObjectView *d
      = heapglass_snapshot_find_object (last, lookup (&last->frames[0], "d"));
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

/* Renders an object the way tests/data/tracer/stress_mutations.py's short() prints it. */
static void
render (HeapglassSnapshot *snapshot, guint64 oid, GString *out, int depth)
{
  const HeapglassObjectView *o = heapglass_snapshot_find_object (snapshot, oid);
  const char *open = "[", *close = "]";

  g_assert_nonnull (o);
  if (depth > 8)
    {
      g_string_append (out, "...");
      return;
    }
  switch (o->kind)
    {
    case HG_KIND_NONE:
      g_string_append (out, "None");
      break;
    case HG_KIND_BOOL:
      g_string_append (out, o->bool_value ? "True" : "False");
      break;
    case HG_KIND_INT:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, o->int_value);
      break;
    case HG_KIND_STR:
      g_string_append_printf (out, "'%s'", o->text);
      break;
    case HG_KIND_TUPLE:
    case HG_KIND_SET:
    case HG_KIND_LIST:
      if (o->kind == HG_KIND_TUPLE)
        open = "(", close = ")";
      else if (o->kind == HG_KIND_SET)
        open = "{", close = "}";
      g_string_append (out, open);
      for (guint i = 0; i < o->n_items; i++)
        {
          if (i)
            g_string_append (out, ", ");
          render (snapshot, o->items[i], out, depth + 1);
        }
      if (o->kind == HG_KIND_TUPLE && o->length == 1)
        g_string_append (out, ",");
      if (o->length > o->n_items)
        g_string_append_printf (out, ", +%" G_GUINT64_FORMAT, o->length - o->n_items);
      g_string_append (out, close);
      break;
    case HG_KIND_DICT:
      g_string_append (out, "{");
      for (guint i = 0; i < o->n_items; i++)
        {
          if (i)
            g_string_append (out, ", ");
          render (snapshot, o->items[2 * i], out, depth + 1);
          g_string_append (out, ": ");
          render (snapshot, o->items[2 * i + 1], out, depth + 1);
        }
      if (o->length > o->n_items)
        g_string_append_printf (out, ", +%" G_GUINT64_FORMAT, o->length - o->n_items);
      g_string_append (out, "}");
      break;
    case HG_KIND_INSTANCE:
      g_string_append_printf (out, "%s(", o->type_name);
      for (guint i = 0; i < o->n_attrs; i++)
        {
          if (i)
            g_string_append (out, ", ");
          g_string_append_printf (out, "%s=", o->attr_names[i]);
          render (snapshot, o->attr_oids[i], out, depth + 1);
        }
      g_string_append (out, ")");
      break;
    default:
      g_string_append_printf (out, "<%s>", o->type_name);
      break;
    }
}

/* At every checkpoint of 400 random mutations, the trace's containers (summarised to K items)
 * are exactly what the program prints about them: delta encoding loses nothing. */
static void
test_mutations_match_program (gconstpointer data)
{
  guint k = GPOINTER_TO_UINT (data);
  g_autofree char *original
      = g_test_build_filename (G_TEST_DIST, "data", "tracer", "stress_mutations.py", NULL);
  g_autofree char *file_name = g_strdup_printf ("stress_k%u.py", k);
  g_autofree char *script = g_build_filename (hg_test_tmp_dir (), file_name, NULL);
  g_autofree char *with_k = NULL;
  g_autofree char *source = NULL;
  g_autofree char *k_text = g_strdup_printf ("%u", k);
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autoptr (GString) traced = g_string_new (NULL);
  g_autofree char *plain = NULL;
  g_auto (GStrv) lines = NULL;
  guint checkpoint_line = 0, checkpoints = 0, n;
  HeapglassRunOptions options;
  const char *python = g_getenv ("HEAPGLASS_PYTHON");
  const char *argv[] = { python ? python : "python3.11", script, NULL };
  int status = 0;

  /* the same program with K written in */
  g_file_get_contents (original, &source, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (source, "int(os.environ.get(\"HEAPGLASS_TEST_MAX_ITEMS\", \"100\"))"));
  {
    g_auto (GStrv) parts
        = g_strsplit (source, "int(os.environ.get(\"HEAPGLASS_TEST_MAX_ITEMS\", \"100\"))", 2);
    with_k = g_strconcat (parts[0], k_text, parts[1], NULL);
  }
  g_file_set_contents (script, with_k, -1, &error);
  g_assert_no_error (error);
  lines = g_strsplit (source, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (strstr (lines[i], "# checkpoint") && strstr (lines[i], "report()"))
      checkpoint_line = i + 1;
  g_assert_cmpuint (checkpoint_line, >, 0);

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &plain, NULL,
                &status, &error);
  g_assert_no_error (error);
  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.max_items = k;
  trace = heapglass_trace_run_sync (script, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_FINISHED);
  g_assert_cmpuint (heapglass_trace_get_max_items (trace), ==, k);

  n = heapglass_trace_get_n_steps (trace);
  for (guint step = 1; step <= n; step++)
    {
      g_autoptr (HeapglassSnapshot) snapshot = NULL;
      if (heapglass_trace_get_step_line (trace, step) != checkpoint_line
          || heapglass_trace_get_step_event (trace, step) != HEAPGLASS_EVENT_LINE
          || heapglass_trace_get_step_depth (trace, step) != 1)
        continue;
      snapshot = heapglass_trace_snapshot (trace, step);
      for (const char *const *name = (const char *const[]){ "a", "b", "c", "nested", "s", NULL };
           *name; name++)
        {
          g_string_append_printf (traced, "%s = ", *name);
          render (snapshot, lookup (&snapshot->frames[0], *name), traced, 0);
          g_string_append (traced, "\n");
        }
      g_string_append (traced, "--\n");
      checkpoints++;
    }
  g_assert_cmpuint (checkpoints, ==, 8);
  g_assert_cmpstr (traced->str, ==, plain);
}

/* Sizes are what sys.getsizeof says and refcounts what sys.getrefcount says (minus its argument),
 * computed by the tracer without calling into the program. */
static void
test_sizes_and_refcounts (void)
{
  static const char *const names[] = { "a", "s", "u", "d", "t", "f", "n", "b", "st", "o" };
  g_autoptr (HeapglassTrace) trace = trace_code (
      "sizes.py", "import sys\n"
                  "class O:\n"
                  "    pass\n"
                  "a = [1, 2, 3]\n"
                  "a.append(4)\n"
                  "s = 'hello'\n"
                  "u = 'h\\u00e9llo \\u2603'\n"
                  "d = {'k': 1, 'j': 2}\n"
                  "t = (1, 2)\n"
                  "f = 1.5\n"
                  "n = 10 ** 30\n"
                  "b = b'xyz'\n"
                  "st = {1, 2, 3, 4, 5, 6}\n"
                  "o = O()\n"
                  "keep = [a, a]\n"
                  "sizes = [sys.getsizeof(x) for x in (a, s, u, d, t, f, n, b, st, o)]\n"
                  "a_refs = sys.getrefcount(a) - 1\n"
                  "end = 0\n");
  guint steps = heapglass_trace_get_n_steps (trace);
  g_autoptr (HeapglassSnapshot) last = heapglass_trace_snapshot (trace, steps);
  const HeapglassFrameView *globals = &last->frames[0];
  const HeapglassObjectView *sizes
      = heapglass_snapshot_find_object (last, lookup (globals, "sizes"));
  const HeapglassObjectView *a = heapglass_snapshot_find_object (last, lookup (globals, "a"));
  const HeapglassObjectView *a_refs
      = heapglass_snapshot_find_object (last, lookup (globals, "a_refs"));

  g_assert_nonnull (sizes);
  g_assert_cmpuint (sizes->n_items, ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const HeapglassObjectView *object
          = heapglass_snapshot_find_object (last, lookup (globals, names[i]));
      const HeapglassObjectView *size = heapglass_snapshot_find_object (last, sizes->items[i]);
      g_assert_nonnull (object);
      g_test_message ("%s: traced %" G_GUINT64_FORMAT ", getsizeof %" G_GINT64_FORMAT, names[i],
                      object->size, size->int_value);
      g_assert_cmpuint (object->size, ==, (guint64)size->int_value);
    }
  {
    /* text: UTF-8; length: len(), in code points (stream version 2) */
    const HeapglassObjectView *u = heapglass_snapshot_find_object (last, lookup (globals, "u"));
    g_assert_cmpstr (u->text, ==, "h\xc3\xa9llo \xe2\x98\x83");
    g_assert_cmpuint (u->length, ==, 7);
  }
  g_assert_cmpuint (a->refcount, ==, (guint)a_refs->int_value);
  g_assert_cmpuint (a->refcount, ==, 3);
}

/* The address the trace keeps for an object is what id() printed for it in the same run. */
static void
test_address_is_printed_id (void)
{
  g_autoptr (HeapglassTrace) trace
      = trace_code ("ids.py", "items = [1, 2]\n"
                              "word = 'hello ' * 3\n"
                              "big = 10 ** 30\n"
                              "small = 7\n"
                              "print(id(items), id(word), id(big), id(small))\n");
  guint n = heapglass_trace_get_n_steps (trace);
  g_autoptr (HeapglassSnapshot) last = heapglass_trace_snapshot (trace, n);
  g_autofree char *output = heapglass_trace_get_output (trace, 1, 0, NULL);
  g_auto (GStrv) printed = g_strsplit (g_strstrip (output), " ", -1);
  const char *names[] = { "items", "word", "big", "small" };

  g_assert_cmpuint (g_strv_length (printed), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      guint64 oid = lookup (&last->frames[0], names[i]);

      g_assert_cmpuint (oid, !=, 0);
      g_assert_cmpuint (heapglass_trace_get_object_address (trace, oid), ==,
                        g_ascii_strtoull (printed[i], NULL, 10));
    }
  g_assert_cmpuint (heapglass_trace_get_object_address (trace, 0), ==, 0);
}

/* CPython's cached objects are known as made before the program, and binding them makes no new
 * live object; a list, a big int and a long string are the program's own. */
static void
test_premade_objects_not_new (void)
{
  g_autoptr (HeapglassTrace) trace = trace_code ("premade.py", "items = []\n"
                                                               "one = 1\n"
                                                               "nothing = None\n"
                                                               "yes = True\n"
                                                               "letter = 'a'\n"
                                                               "empty = ()\n"
                                                               "big = 10 ** 6\n");
  guint n = heapglass_trace_get_n_steps (trace);
  g_autoptr (HeapglassSnapshot) last = heapglass_trace_snapshot (trace, n);
  const char *premade[] = { "one", "nothing", "yes", "letter", "empty" };
  const char *made[] = { "items", "big" };
  guint64 live_before = 0, live_after = 0, bytes_before = 0, bytes_after = 0;

  for (guint i = 0; i < G_N_ELEMENTS (premade); i++)
    g_assert_true (
        heapglass_trace_get_object_premade (trace, lookup (&last->frames[0], premade[i])));
  for (guint i = 0; i < G_N_ELEMENTS (made); i++)
    g_assert_false (heapglass_trace_get_object_premade (trace, lookup (&last->frames[0], made[i])));
  /* From just after `items = []` to just before `big = …`: five names bound, nothing new. */
  for (guint step = 1; step <= n; step++)
    {
      guint line = heapglass_trace_get_step_line (trace, step);

      if (line == 2 && live_before == 0)
        {
          live_before = heapglass_trace_get_step_live_objects (trace, step);
          bytes_before = heapglass_trace_get_step_live_bytes (trace, step);
        }
      if (line == 7 && live_after == 0)
        {
          live_after = heapglass_trace_get_step_live_objects (trace, step);
          bytes_after = heapglass_trace_get_step_live_bytes (trace, step);
        }
    }
  g_assert_cmpuint (live_before, >, 0);
  g_assert_cmpuint (live_after, ==, live_before);
  g_assert_cmpuint (bytes_before, >, 0);
  g_assert_cmpuint (bytes_after, ==, bytes_before);
  g_assert_cmpuint (heapglass_trace_get_step_live_objects (trace, n), ==, live_before + 1);
}

/* At the recursion limit no call can be made: the message is still the one Python prints. */
static void
test_recursion_error_message (void)
{
  g_autofree char *path = g_build_filename (hg_test_tmp_dir (), "down.py", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassTrace) trace = NULL;
  HeapglassRunOptions options;
  guint n, seen = 0;

  g_file_set_contents (path, "def down(n):\n    return down(n + 1)\n\ndown(0)\n", -1, &error);
  g_assert_no_error (error);
  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  trace = heapglass_trace_run_sync (path, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_EXCEPTION);
  n = heapglass_trace_get_n_steps (trace);
  for (guint step = 1; step <= n; step++)
    {
      g_autoptr (HeapglassSnapshot) snapshot = NULL;
      const HeapglassFrameView *frame;

      if (heapglass_trace_get_step_event (trace, step) != HEAPGLASS_EVENT_EXCEPTION)
        continue;
      snapshot = heapglass_trace_snapshot_limited (trace, step, 4);
      frame = &snapshot->frames[snapshot->n_frames - 1];
      g_assert_cmpstr (frame->exception_type, ==, "RecursionError");
      g_assert_cmpstr (frame->exception_message, ==, "maximum recursion depth exceeded");
      seen++;
    }
  g_assert_cmpuint (seen, >, 1);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();
  g_test_add_func ("/trace/semantics/alias-in-one-frame", test_alias_in_one_frame);
  g_test_add_func ("/trace/semantics/alias-across-frames", test_alias_across_frames);
  g_test_add_func ("/trace/semantics/del-frees", test_del_frees);
  g_test_add_func ("/trace/semantics/reused-address-is-new-object",
                   test_reused_address_is_new_object);
  g_test_add_func ("/trace/semantics/long-list-summarised", test_long_list_summarised);
  g_test_add_func ("/trace/semantics/instances-dicts-generators", test_instances_dicts_generators);
  g_test_add_data_func ("/trace/semantics/mutations-match-program/k100", GUINT_TO_POINTER (100),
                        test_mutations_match_program);
  g_test_add_data_func ("/trace/semantics/mutations-match-program/k3", GUINT_TO_POINTER (3),
                        test_mutations_match_program);
  g_test_add_data_func ("/trace/semantics/mutations-match-program/k1", GUINT_TO_POINTER (1),
                        test_mutations_match_program);
  g_test_add_func ("/trace/semantics/sizes-and-refcounts", test_sizes_and_refcounts);
  g_test_add_func ("/trace/semantics/address-is-printed-id", test_address_is_printed_id);
  g_test_add_func ("/trace/semantics/premade-objects-not-new", test_premade_objects_not_new);
  g_test_add_func ("/trace/semantics/recursion-error-message", test_recursion_error_message);
  status = g_test_run ();
  return status;
}
