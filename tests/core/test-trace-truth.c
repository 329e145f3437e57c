/* test-trace-truth.c: the state recorded at every step is CPython's, in every frame and every
 * object reachable from one: caller frames while a callee runs (cells, comprehension variables,
 * a list changed through a bound method), each frame's own line, containers never starved or cut,
 * slots and class attributes, deaths and ids, "changed" meaning changed, and tracemalloc seeing
 * the program's memory only. One reproducer of issue 11 per test. */
#include <string.h>

#include "config.h"
#include "heapglass-trace-runner.h"
#include "heapglass-test-support.h"

static HeapglassTrace *
trace (const char *name, const char *source)
{
  g_autoptr (HeapglassTrace) t = hg_test_trace_source (name, source, NULL);
  g_assert_cmpint (heapglass_trace_get_ending (t), ==, HG_END_FINISHED);
  return g_steal_pointer (&t);
}

static const HeapglassFrameView *
frame_named (const HeapglassSnapshot *snap, const char *function)
{
  for (guint i = snap->n_frames; i > 0; i--)
    if (g_strcmp0 (snap->frames[i - 1].function, function) == 0)
      return &snap->frames[i - 1];
  return NULL;
}

static guint64
name_oid (const HeapglassFrameView *frame, const char *name)
{
  for (guint i = 0; frame && i < frame->n_bindings; i++)
    if (g_strcmp0 (frame->names[i], name) == 0)
      return frame->oids[i];
  return 0;
}

static const HeapglassObjectView *
object (const HeapglassSnapshot *snap, guint64 oid)
{
  const HeapglassObjectView *v = heapglass_snapshot_find_object (snap, oid);
  g_assert_nonnull (v);
  return v;
}

static const HeapglassObjectView *
bound (const HeapglassSnapshot *snap, const char *function, const char *name)
{
  guint64 oid = name_oid (frame_named (snap, function), name);
  g_assert_cmpuint (oid, !=, 0);
  return object (snap, oid);
}

static guint64
attr_oid (const HeapglassObjectView *v, const char *name)
{
  for (guint i = 0; i < v->n_attrs; i++)
    if (g_strcmp0 (v->attr_names[i], name) == 0)
      return v->attr_oids[i];
  return 0;
}

/* Every id a step mentions is an object of that step, alive. */
static void
assert_closed (const HeapglassSnapshot *snap)
{
  for (guint f = 0; f < snap->n_frames; f++)
    for (guint i = 0; i < snap->frames[f].n_bindings; i++)
      g_assert_false (object (snap, snap->frames[f].oids[i])->freed);
  for (guint o = 0; o < snap->n_objects; o++)
    {
      const HeapglassObjectView *v = &snap->objects[o];
      guint n = v->kind == HG_KIND_DICT ? 2 * v->n_items : v->n_items;
      if (v->freed)
        continue;
      for (guint i = 0; i < n; i++)
        g_assert_false (object (snap, v->items[i])->freed);
      for (guint i = 0; i < v->n_attrs; i++)
        g_assert_false (object (snap, v->attr_oids[i])->freed);
    }
}

/* ---- 1. caller frames stay true while a callee runs --------------------------------------- */

static const char NONLOCAL_PY[] = "def counter():\n"
                                  "    n = 0\n"
                                  "    def bump():\n"
                                  "        nonlocal n\n"
                                  "        n += 1\n"
                                  "    bump()\n"
                                  "    return n\n"
                                  "\n"
                                  "counter()\n";

static void
test_nonlocal_one_binding (void)
{
  g_autoptr (HeapglassTrace) t = trace ("nonlocal.py", NONLOCAL_PY);
  guint checked = 0;

  for (guint step = 1; step <= heapglass_trace_get_n_steps (t); step++)
    {
      g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (t, step);
      const HeapglassFrameView *outer = frame_named (snap, "counter");
      const HeapglassFrameView *inner = frame_named (snap, "bump");
      if (!outer || !inner || !name_oid (inner, "n"))
        continue;
      /* one variable, one object, seen from both frames */
      g_assert_cmpuint (name_oid (outer, "n"), ==, name_oid (inner, "n"));
      checked++;
    }
  g_assert_cmpuint (checked, >=, 2);
  {
    g_autoptr (HeapglassSnapshot) last_in_bump = NULL;
    for (guint step = 1; step <= heapglass_trace_get_n_steps (t); step++)
      if (heapglass_trace_get_step_event (t, step) == HEAPGLASS_EVENT_RETURN
          && heapglass_trace_get_step_depth (t, step) == 3)
        last_in_bump = heapglass_trace_snapshot (t, step);
    g_assert_nonnull (last_in_bump);
    g_assert_cmpint (bound (last_in_bump, "counter", "n")->int_value, ==, 1);
  }
}

static const char GENEXPR_PY[] = "def sq(v):\n"
                                 "    return v * v\n"
                                 "\n"
                                 "values = [3, 4]\n"
                                 "total = sum(sq(x) for x in values)\n";

static void
test_genexpr_loop_variable (void)
{
  g_autoptr (HeapglassTrace) t = trace ("genexpr.py", GENEXPR_PY);
  guint calls = 0;

  for (guint step = 1; step <= heapglass_trace_get_n_steps (t); step++)
    {
      g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (t, step);
      if (snap->event != HEAPGLASS_EVENT_CALL || !frame_named (snap, "sq"))
        continue;
      /* sq(x) runs: the generator's x is the value sq got */
      g_assert_cmpint (bound (snap, "<genexpr>", "x")->int_value, ==,
                       bound (snap, "sq", "v")->int_value);
      calls++;
    }
  g_assert_cmpuint (calls, ==, 2);
}

static const char NESTED_COMP_PY[] = "def cell(r, c):\n"
                                     "    return r * 10 + c\n"
                                     "\n"
                                     "grid = [[cell(r, c) for c in range(2)] for r in range(3)]\n";

static void
test_nested_comprehension_current (void)
{
  g_autoptr (HeapglassTrace) t = trace ("nested_comp.py", NESTED_COMP_PY);
  guint calls = 0;

  for (guint step = 1; step <= heapglass_trace_get_n_steps (t); step++)
    {
      g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (t, step);
      if (snap->event != HEAPGLASS_EVENT_CALL || snap->n_frames != 4)
        continue;
      /* outer comprehension (frame 1) and inner one (frame 2) are at the current r and c */
      g_assert_cmpint (object (snap, name_oid (&snap->frames[1], "r"))->int_value, ==,
                       bound (snap, "cell", "r")->int_value);
      g_assert_cmpint (object (snap, name_oid (&snap->frames[2], "c"))->int_value, ==,
                       bound (snap, "cell", "c")->int_value);
      calls++;
    }
  g_assert_cmpuint (calls, ==, 6);
}

static const char BOUND_METHOD_PY[] = "def fill(push):\n"
                                      "    push(1)\n"
                                      "    push(2)\n"
                                      "    return None\n"
                                      "\n"
                                      "def main():\n"
                                      "    data = []\n"
                                      "    fill(data.append)\n"
                                      "    return data\n"
                                      "\n"
                                      "main()\n";

static void
test_bound_method_passed_down (void)
{
  g_autoptr (HeapglassTrace) t = trace ("bound_method.py", BOUND_METHOD_PY);
  guint seen = 0;

  for (guint step = 1; step <= heapglass_trace_get_n_steps (t); step++)
    {
      g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (t, step);
      if (!frame_named (snap, "fill") || snap->event != HEAPGLASS_EVENT_LINE)
        continue;
      /* before line 2: [], before line 3: [1], before line 4: [1, 2] */
      g_assert_cmpuint (bound (snap, "main", "data")->length, ==, snap->line - 2);
      seen++;
    }
  g_assert_cmpuint (seen, ==, 3);
}

/* ---- 2. each frame's line is where that frame is ------------------------------------------ */

static void
test_caller_line_second_call (void)
{
  g_autoptr (HeapglassTrace) t = trace ("two_calls.py", "def sq(v):\n"
                                                        "    return v * v\n"
                                                        "\n"
                                                        "x = sq(2) + sq(3)\n");
  guint calls = 0;

  for (guint step = 1; step <= heapglass_trace_get_n_steps (t); step++)
    {
      g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (t, step);
      if (snap->n_frames != 2)
        continue;
      g_assert_cmpuint (snap->frames[0].line, ==, 4);
      calls += snap->event == HEAPGLASS_EVENT_CALL;
    }
  g_assert_cmpuint (calls, ==, 2);
}

static void
test_recursive_callers_lines (void)
{
  g_autoptr (HeapglassTrace) t = trace ("fib.py", "def fib(n):\n"
                                                  "    if n < 2:\n"
                                                  "        return n\n"
                                                  "    return fib(n - 1) + fib(n - 2)\n"
                                                  "\n"
                                                  "fib(4)\n");

  for (guint step = 1; step <= heapglass_trace_get_n_steps (t); step++)
    {
      g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (t, step);
      for (guint f = 1; f + 1 < snap->n_frames; f++)
        g_assert_cmpuint (snap->frames[f].line, ==, 4); /* every caller fib is at its call */
    }
}

/* ---- 3, 4. no container starved, no nesting cut ------------------------------------------- */

static void
test_late_append_seen (void)
{
  g_autoptr (HeapglassTrace) t = trace ("rows.py", "rows = [[[i], [i]] for i in range(100)]\n"
                                                   "rows[99][1].append('late')\n"
                                                   "done = True\n");
  g_autoptr (HeapglassSnapshot) snap
      = heapglass_trace_snapshot (t, heapglass_trace_get_n_steps (t));
  const HeapglassObjectView *rows = bound (snap, "<module>", "rows");

  g_assert_cmpuint (rows->n_items, ==, 100);
  for (guint i = 0; i < 100; i++)
    {
      const HeapglassObjectView *row = object (snap, rows->items[i]);
      g_assert_cmpuint (row->n_items, ==, 2); /* every row shown, none left empty */
      g_assert_cmpuint (object (snap, row->items[1])->n_items, ==, i == 99 ? 2 : 1);
    }
  assert_closed (snap);
}

static void
test_deep_nesting_whole (void)
{
  g_autoptr (HeapglassTrace) t = trace ("deep.py", "deep = [[[[[[[[0]]]]]]]]\n"
                                                   "done = True\n");
  g_autoptr (HeapglassSnapshot) snap
      = heapglass_trace_snapshot (t, heapglass_trace_get_n_steps (t));
  const HeapglassObjectView *v = bound (snap, "<module>", "deep");

  for (int level = 0; level < 8; level++)
    {
      g_assert_cmpint (v->kind, ==, HG_KIND_LIST);
      g_assert_cmpuint (v->n_items, ==, 1);
      v = object (snap, v->items[0]);
    }
  g_assert_cmpint (v->kind, ==, HG_KIND_INT);
  g_assert_cmpint (v->int_value, ==, 0);
}

static void
test_deepcopy_chain_whole (void)
{
  g_autoptr (HeapglassTrace) t = trace ("chain.py", "import copy\n"
                                                    "class Node:\n"
                                                    "    def __init__(self, value, nxt):\n"
                                                    "        self.value = value\n"
                                                    "        self.nxt = nxt\n"
                                                    "head = None\n"
                                                    "for k in range(8):\n"
                                                    "    head = Node(k, head)\n"
                                                    "twin = copy.deepcopy(head)\n"
                                                    "done = True\n");
  g_autoptr (HeapglassSnapshot) snap
      = heapglass_trace_snapshot (t, heapglass_trace_get_n_steps (t));
  const HeapglassObjectView *v = bound (snap, "<module>", "twin");
  guint nodes = 0;

  while (v->kind == HG_KIND_INSTANCE)
    {
      g_assert_cmpint (object (snap, attr_oid (v, "value"))->int_value, ==, 7 - (gint)nodes);
      v = object (snap, attr_oid (v, "nxt"));
      nodes++;
    }
  g_assert_cmpuint (nodes, ==, 8);
  g_assert_cmpint (v->kind, ==, HG_KIND_NONE);
}

/* ---- 5. attributes: slots, int subclasses, classes ---------------------------------------- */

static void
test_slots_attributes (void)
{
  g_autoptr (HeapglassTrace) t = trace ("slots.py", "from dataclasses import dataclass\n"
                                                    "class Point:\n"
                                                    "    __slots__ = ('x', 'y')\n"
                                                    "    def __init__(self, x, y):\n"
                                                    "        self.x = x\n"
                                                    "        self.y = y\n"
                                                    "@dataclass(slots=True)\n"
                                                    "class Pair:\n"
                                                    "    left: int\n"
                                                    "    right: int\n"
                                                    "p = Point(1, 2)\n"
                                                    "q = Pair(3, 4)\n"
                                                    "p.x = 5\n"
                                                    "done = True\n");
  g_autoptr (HeapglassSnapshot) snap
      = heapglass_trace_snapshot (t, heapglass_trace_get_n_steps (t));
  const HeapglassObjectView *p = bound (snap, "<module>", "p");
  const HeapglassObjectView *q = bound (snap, "<module>", "q");

  g_assert_cmpuint (p->n_attrs, ==, 2);
  g_assert_cmpint (object (snap, attr_oid (p, "x"))->int_value, ==, 5);
  g_assert_cmpint (object (snap, attr_oid (p, "y"))->int_value, ==, 2);
  g_assert_cmpint (object (snap, attr_oid (q, "left"))->int_value, ==, 3);
  g_assert_cmpint (object (snap, attr_oid (q, "right"))->int_value, ==, 4);
}

static void
test_intenum_member_attributes (void)
{
  g_autoptr (HeapglassTrace) t = trace ("intenum.py", "from enum import IntEnum\n"
                                                      "class Level(IntEnum):\n"
                                                      "    LOW = 1\n"
                                                      "    HIGH = 2\n"
                                                      "mode = Level.HIGH\n"
                                                      "done = True\n");
  g_autoptr (HeapglassSnapshot) snap
      = heapglass_trace_snapshot (t, heapglass_trace_get_n_steps (t));
  const HeapglassObjectView *mode = bound (snap, "<module>", "mode");

  g_assert_cmpint (mode->kind, ==, HG_KIND_INT);
  g_assert_cmpint (mode->int_value, ==, 2);
  g_assert_cmpstr (object (snap, attr_oid (mode, "_name_"))->text, ==, "HIGH");
}

static void
test_class_attributes (void)
{
  g_autoptr (HeapglassTrace) t = trace ("class_attrs.py", "class Ticket:\n"
                                                          "    issued = []\n"
                                                          "    def __init__(self):\n"
                                                          "        Ticket.issued.append(self)\n"
                                                          "Ticket()\n"
                                                          "Ticket()\n"
                                                          "done = True\n");
  g_autoptr (HeapglassSnapshot) snap
      = heapglass_trace_snapshot (t, heapglass_trace_get_n_steps (t));
  const HeapglassObjectView *cls = bound (snap, "<module>", "Ticket");

  g_assert_cmpint (cls->kind, ==, HG_KIND_CLASS);
  g_assert_cmpuint (attr_oid (cls, "__init__"), ==, 0); /* dunders left out */
  g_assert_cmpuint (object (snap, attr_oid (cls, "issued"))->length, ==, 2);
}

/* ---- 6, 7, 8. deaths and ids -------------------------------------------------------------- */

static void
test_freed_and_replaced_in_one_step (void)
{
  g_autoptr (HeapglassTrace) t = trace ("replaced.py", "lst = [[1]]\n"
                                                       "lst.pop(); lst.append([2])\n"
                                                       "done = True\n");
  g_autoptr (HeapglassSnapshot) snap
      = heapglass_trace_snapshot (t, heapglass_trace_get_n_steps (t));
  const HeapglassObjectView *lst = bound (snap, "<module>", "lst");
  const HeapglassObjectView *item = object (snap, lst->items[0]);

  g_assert_false (item->freed);
  g_assert_cmpint (object (snap, item->items[0])->int_value, ==, 2);
  assert_closed (snap);
}

static void
test_ids_never_reused (void)
{
  g_autoptr (HeapglassTrace) t = trace ("slices.py", "a = slice(1, 2)\n"
                                                     "del a\n"
                                                     "b = slice(3, 4)\n"
                                                     "done = True\n");
  guint64 a = 0, b = 0;

  for (guint step = 1; step <= heapglass_trace_get_n_steps (t); step++)
    {
      g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (t, step);
      a = a ? a : name_oid (&snap->frames[0], "a");
      b = b ? b : name_oid (&snap->frames[0], "b");
    }
  g_assert_cmpuint (a, !=, 0);
  g_assert_cmpuint (b, !=, 0);
  g_assert_cmpuint (a, !=, b);
}

/* The step of the first line event at `line`. */
static guint
line_step (HeapglassTrace *t, guint line)
{
  for (guint step = 1; step <= heapglass_trace_get_n_steps (t); step++)
    if (heapglass_trace_get_step_line (t, step) == line
        && heapglass_trace_get_step_event (t, step) == HEAPGLASS_EVENT_LINE)
      return step;
  g_assert_not_reached ();
}

static void
assert_dead_from (HeapglassTrace *t, guint64 oid, guint step)
{
  g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (t, step);
  const HeapglassObjectView *v = heapglass_snapshot_find_object (snap, oid);
  /* gone (at most shown faded as freed at this very step), and nothing refers to it */
  g_assert_true (v == NULL || (v->freed && v->freed_step == step));
  assert_closed (snap);
}

static void
test_freed_after_del (void)
{
  g_autoptr (HeapglassTrace) t = trace ("del.py", "x = [1, 2, 3]\n"
                                                  "del x\n"
                                                  "done = True\n");
  g_autoptr (HeapglassSnapshot) before = heapglass_trace_snapshot (t, line_step (t, 2));
  guint64 list = name_oid (&before->frames[0], "x");

  g_assert_cmpuint (list, !=, 0);
  assert_dead_from (t, list, line_step (t, 3));
}

static void
test_freed_after_clear (void)
{
  g_autoptr (HeapglassTrace) t = trace ("clear.py", "d = {'k': [1, 2]}\n"
                                                    "d.clear()\n"
                                                    "done = True\n");
  g_autoptr (HeapglassSnapshot) before = heapglass_trace_snapshot (t, line_step (t, 2));
  const HeapglassObjectView *d = bound (before, "<module>", "d");
  guint64 value = d->items[1];

  assert_dead_from (t, value, line_step (t, 3));
}

static void
test_freed_after_gc_collect (void)
{
  g_autoptr (HeapglassTrace) t = trace ("cycle.py", "import gc\n"
                                                    "a = []\n"
                                                    "a.append(a)\n"
                                                    "keep = [a]\n"
                                                    "del a\n"
                                                    "keep.clear()\n"
                                                    "gc.collect()\n"
                                                    "done = True\n");
  g_autoptr (HeapglassSnapshot) before = heapglass_trace_snapshot (t, line_step (t, 5));
  guint64 cycle = name_oid (&before->frames[0], "a");

  g_assert_cmpuint (cycle, !=, 0);
  assert_dead_from (t, cycle, line_step (t, 8));
}

/* ---- 9. changed means changed ------------------------------------------------------------- */

static void
test_alias_is_no_change (void)
{
  g_autoptr (HeapglassTrace) t = trace ("alias.py", "x = [1, 2]\n"
                                                    "y = x\n"
                                                    "x.append(3)\n"
                                                    "done = True\n");
  g_autoptr (HeapglassSnapshot) after_alias = heapglass_trace_snapshot (t, line_step (t, 3));
  g_autoptr (HeapglassSnapshot) after_append = heapglass_trace_snapshot (t, line_step (t, 4));

  g_assert_false (bound (after_alias, "<module>", "x")->changed);
  g_assert_true (bound (after_append, "<module>", "x")->changed);
}

/* ---- library code that changes what it is given ------------------------------------------ */

static void
test_library_mutation_seen (void)
{
  g_autoptr (HeapglassTrace) t = trace ("library.py", "import heapq, random\n"
                                                      "h = []\n"
                                                      "for v in (5, 1, 3):\n"
                                                      "    heapq.heappush(h, v)\n"
                                                      "deck = list(range(10))\n"
                                                      "random.seed(4)\n"
                                                      "random.shuffle(deck)\n"
                                                      "d = {}\n"
                                                      "d.update(a=[1])\n"
                                                      "done = (h, deck)\n");
  g_autoptr (HeapglassSnapshot) snap
      = heapglass_trace_snapshot (t, heapglass_trace_get_n_steps (t));
  const HeapglassObjectView *h = bound (snap, "<module>", "h");
  const HeapglassObjectView *deck = bound (snap, "<module>", "deck");
  const HeapglassObjectView *d = bound (snap, "<module>", "d");
  const gint64 shuffled[] = { 8, 2, 0, 7, 6, 9, 5, 1, 4, 3 }; /* random.seed(4); shuffle */

  g_assert_cmpint (object (snap, h->items[0])->int_value, ==, 1);
  g_assert_cmpuint (h->n_items, ==, 3);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (object (snap, deck->items[i])->int_value, ==, shuffled[i]);
  g_assert_cmpuint (d->n_items, ==, 1);
  g_assert_cmpuint (object (snap, d->items[1])->n_items, ==, 1);
  assert_closed (snap);
}

/* ---- 10. tracemalloc sees the program's memory only --------------------------------------- */

static const char TRACEMALLOC_PY[]
    = "import tracemalloc\n"
      "def grow():\n"
      "    tracemalloc.start()\n"
      "    first = tracemalloc.take_snapshot()\n"
      "    block = [n * 3 for n in range(20000)]\n"
      "    second = tracemalloc.take_snapshot()\n"
      "    diff = second.compare_to(first, 'lineno')\n"
      "    print(sum(s.size_diff for s in diff if s.size_diff > 0))\n"
      "    print(tracemalloc.get_traced_memory()[0] > 0)\n"
      "    block = None\n"
      "    third = tracemalloc.take_snapshot()\n"
      "    print(sum(s.size_diff for s in third.compare_to(second, 'lineno') if s.size_diff < 0))\n"
      "    tracemalloc.stop()\n"
      "grow()\n";

static void
test_tracemalloc_exact (void)
{
  g_autoptr (HeapglassTrace) t = trace ("grow.py", TRACEMALLOC_PY);
  g_autofree char *path = hg_test_write_file ("grow_plain.py", TRACEMALLOC_PY, -1);
  const char *python = g_getenv ("HEAPGLASS_PYTHON");
  const char *argv[] = { python ? python : HEAPGLASS_PYTHON, path, NULL };
  g_autofree char *plain = NULL;
  g_autofree char *traced = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;
  gsize len = 0;

  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &plain, NULL, &status, &error));
  g_assert_no_error (error);
  traced = heapglass_trace_get_output (t, 1, 0, &len);
  g_assert_cmpstr (traced, ==, plain);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();
  g_test_add_func ("/trace/truth/caller/nonlocal-is-one-binding", test_nonlocal_one_binding);
  g_test_add_func ("/trace/truth/caller/genexpr-loop-variable", test_genexpr_loop_variable);
  g_test_add_func ("/trace/truth/caller/nested-comprehension-current",
                   test_nested_comprehension_current);
  g_test_add_func ("/trace/truth/caller/bound-method-passed-down", test_bound_method_passed_down);
  g_test_add_func ("/trace/truth/line/caller-at-second-call", test_caller_line_second_call);
  g_test_add_func ("/trace/truth/line/recursive-callers", test_recursive_callers_lines);
  g_test_add_func ("/trace/truth/containers/late-append-seen", test_late_append_seen);
  g_test_add_func ("/trace/truth/containers/deep-nesting-whole", test_deep_nesting_whole);
  g_test_add_func ("/trace/truth/containers/deepcopy-chain-whole", test_deepcopy_chain_whole);
  g_test_add_func ("/trace/truth/attrs/slots", test_slots_attributes);
  g_test_add_func ("/trace/truth/attrs/intenum-member", test_intenum_member_attributes);
  g_test_add_func ("/trace/truth/attrs/class", test_class_attributes);
  g_test_add_func ("/trace/truth/ids/freed-and-replaced-in-one-step",
                   test_freed_and_replaced_in_one_step);
  g_test_add_func ("/trace/truth/ids/never-reused", test_ids_never_reused);
  g_test_add_func ("/trace/truth/deaths/after-del", test_freed_after_del);
  g_test_add_func ("/trace/truth/deaths/after-clear", test_freed_after_clear);
  g_test_add_func ("/trace/truth/deaths/after-gc-collect", test_freed_after_gc_collect);
  g_test_add_func ("/trace/truth/changed/alias-is-no-change", test_alias_is_no_change);
  g_test_add_func ("/trace/truth/library/mutation-seen", test_library_mutation_seen);
  g_test_add_func ("/trace/truth/tracemalloc/exact", test_tracemalloc_exact);
  return g_test_run ();
}
