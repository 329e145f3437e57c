/* test-layout-quality.c: every step of every chapter example and of a set of classic structures
 * (linked list, binary tree, grid, nested records, an object graph with cycles, recursion with
 * locals, append loops) is drawn readably: no box over another, no arrow through a box or a
 * label, every reference to an object ending at one point, no label over another, and a compact
 * picture (its bounding box at most 8 times the area of its boxes). */
#include <string.h>

#include "figure-quality.h"
#include "heapglass-chapter.h"
#include "heapglass-figure.h"
#include "heapglass-layout.h"
#include "heapglass-test-support.h"
#include "heapglass-trace-runner.h"

#define MAX_AREA_RATIO 8.0
#define EVERY_STEP_UP_TO 20000 /* longer traces: their first and last steps, and a sample */

static const char LINKED_LIST_PY[] = "class Node:\n"
                                     "    def __init__(self, value, next=None):\n"
                                     "        self.value = value\n"
                                     "        self.next = next\n"
                                     "\n"
                                     "head = None\n"
                                     "for v in range(6):\n"
                                     "    head = Node(v * 10, head)\n"
                                     "n = head\n"
                                     "while n is not None:\n"
                                     "    n = n.next\n";

static const char BINARY_TREE_PY[]
    = "class Tree:\n"
      "    def __init__(self, key, left=None, right=None):\n"
      "        self.key = key\n"
      "        self.left = left\n"
      "        self.right = right\n"
      "\n"
      "def build(lo, hi):\n"
      "    if lo > hi:\n"
      "        return None\n"
      "    mid = (lo + hi) // 2\n"
      "    return Tree(mid, build(lo, mid - 1), build(mid + 1, hi))\n"
      "\n"
      "root = build(1, 7)\n"
      "leftmost = root.left.left\n";

static const char GRID_PY[] = "grid = [[r * 3 + c for c in range(3)] for r in range(3)]\n"
                              "row = grid[1]\n"
                              "grid[2][0] = row\n"
                              "cell = grid[0][2]\n";

static const char RECORDS_PY[] = "person = {'name': 'Ada', 'langs': ['py', 'c'],\n"
                                 "          'address': {'city': 'London', 'zip': (51, 0)}}\n"
                                 "people = [person, {'name': 'Alan', 'langs': []}]\n"
                                 "langs = person['langs']\n"
                                 "langs.append('lisp')\n"
                                 "people[1]['langs'].append(langs)\n";

static const char GRAPH_PY[] = "import weakref\n"
                               "\n"
                               "class Item:\n"
                               "    def __init__(self, name):\n"
                               "        self.name = name\n"
                               "        self.links = []\n"
                               "\n"
                               "a = Item('a')\n"
                               "b = Item('b')\n"
                               "c = Item('c')\n"
                               "a.links.append(b)\n"
                               "b.links.append(c)\n"
                               "c.links.append(a)\n"
                               "b.links.append(b)\n"
                               "shared = [a, b, c, a]\n"
                               "w = weakref.ref(c)\n"
                               "alias = shared\n"
                               "del c\n"
                               "shared.pop()\n"
                               "b.links.clear()\n";

static const char RECURSION_PY[] = "def walk(n, acc):\n"
                                   "    label = 'level %d' % n\n"
                                   "    items = [n] * 2\n"
                                   "    if n == 0:\n"
                                   "        return acc\n"
                                   "    return walk(n - 1, acc + [label])\n"
                                   "\n"
                                   "result = walk(8, [])\n";

/* Deeper than the frames shown: the middle collapses into "… N frames …". */
static const char DEEP_RECURSION_PY[] = "def down(n, seen):\n"
                                        "    here = [n]\n"
                                        "    if n == 0:\n"
                                        "        return seen\n"
                                        "    return down(n - 1, seen + here)\n"
                                        "\n"
                                        "total = down(40, [])\n";

/* A library's objects (a tracemalloc snapshot) drawn when the reader asks for them. */
static const char LIBRARY_PY[] = "import tracemalloc\n"
                                 "tracemalloc.start()\n"
                                 "data = [str(i) for i in range(50)]\n"
                                 "snap = tracemalloc.take_snapshot()\n"
                                 "top = snap.statistics('lineno')[:3]\n"
                                 "tracemalloc.stop()\n";

static const char SMALL_LOOP_PY[] = "lst = []\n"
                                    "for i in range(3000):\n"
                                    "    lst.append(i)\n";

static const char BIG_LOOP_PY[] = "lst = []\n"
                                  "for i in range(1000000):\n"
                                  "    lst.append(i)\n";

static HeapglassTrace *
run_program (const char *code)
{
  HeapglassRunOptions options;

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.timeout_s = 120;
  return hg_test_trace_source ("program.py", code, &options);
}

static gboolean
step_is_checked (guint step, guint n_steps)
{
  if (n_steps <= EVERY_STEP_UP_TO)
    return TRUE;
  return step <= 1000 || step + 1000 > n_steps || step % 4999 == 0;
}

/* Checks the steps of the trace (all of them, or for a long one those of step_is_checked()
 * and those listed in `only`, 0-terminated, when given). */
static void
check_trace_with (HeapglassTrace *trace, const guint *only, gboolean inline_values,
                  gboolean library_objects, double max_ratio)
{
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  guint n_steps = heapglass_trace_get_n_steps (trace), checked = 0;
  guint overlaps = 0, crossings = 0, splits = 0, labels = 0;
  double worst_ratio = 0;
  guint worst_step = 0;
  g_autoptr (GString) problems = g_string_new (NULL);

  g_assert_cmpuint (n_steps, >, 0);
  heapglass_layout_set_inline_values (layout, inline_values);
  heapglass_layout_set_show_library_objects (layout, library_objects);
  heapglass_layout_prepare (layout, trace, n_steps);
  for (guint k = 0; only ? only[k] != 0 : k < n_steps; k++)
    {
      guint step = only ? MIN (only[k], n_steps) : k + 1;
      g_autoptr (HeapglassSnapshot) snapshot = NULL;
      g_autoptr (HeapglassScene) scene = NULL;
      g_autoptr (HeapglassFigure) figure = NULL;
      FigureQuality q;

      if (!only && !step_is_checked (step, n_steps))
        continue;
      snapshot = heapglass_layout_snapshot (layout, trace, step);
      g_assert_nonnull (snapshot);
      scene = heapglass_layout_build_scene (layout, snapshot);
      figure = heapglass_figure_new (scene);
      figure_quality_measure (figure, &q);
      overlaps += q.box_overlaps;
      crossings += q.arrow_crossings;
      splits += q.split_entries;
      labels += q.label_overlaps;
      if (q.area_ratio > worst_ratio)
        worst_ratio = q.area_ratio, worst_step = step;
      if (problems->len < 1500)
        g_string_append (problems, q.problems->str);
      figure_quality_clear (&q);
      checked++;
    }
  g_test_message ("%u of %u steps: %u box overlaps, %u arrow crossings, %u split entries, "
                  "%u label overlaps, worst area ratio %.2f (step %u)",
                  checked, n_steps, overlaps, crossings, splits, labels, worst_ratio, worst_step);
  if (problems->len > 0)
    g_test_message ("%s", problems->str);
  g_assert_cmpuint (overlaps, ==, 0);
  g_assert_cmpuint (crossings, ==, 0);
  g_assert_cmpuint (splits, ==, 0);
  g_assert_cmpuint (labels, ==, 0);
  g_assert_cmpfloat (worst_ratio, <=, max_ratio);
}

static void
check_trace (HeapglassTrace *trace, const guint *only)
{
  check_trace_with (trace, only, FALSE, FALSE, MAX_AREA_RATIO);
}

static void
test_program (gconstpointer data)
{
  g_autoptr (HeapglassTrace) trace = run_program (data);

  check_trace (trace, NULL);
}

/* The chapter's 1,000,000-append loop: its first steps and its last ones, where the list is at
 * its longest. */
static void
test_big_loop (void)
{
  g_autoptr (HeapglassTrace) trace = run_program (BIG_LOOP_PY);
  guint n = heapglass_trace_get_n_steps (trace);
  guint steps[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, n / 2, n - 3, n - 2, n - 1, n, 0 };

  g_assert_cmpuint (n, >, 2000000);
  check_trace (trace, steps);
}

static void
test_library_objects_shown (void)
{
  g_autoptr (HeapglassTrace) trace = run_program (LIBRARY_PY);

  /* A library's insides are wide fans of tall tuples (a tracemalloc trace per list item): what
   * the reader asked for, less compact than a program's own structures. */
  check_trace_with (trace, NULL, FALSE, TRUE, 2 * MAX_AREA_RATIO);
}

static void
test_inline_values (void)
{
  g_autoptr (HeapglassTrace) trace = run_program (RECORDS_PY);
  g_autoptr (HeapglassTrace) graph = run_program (GRAPH_PY);

  check_trace_with (trace, NULL, TRUE, FALSE, MAX_AREA_RATIO);
  check_trace_with (graph, NULL, TRUE, FALSE, MAX_AREA_RATIO);
}

static void
test_chapter_block (gconstpointer data)
{
  check_trace ((HeapglassTrace *)data, NULL);
}

static char *
chapter_path (void)
{
  const char *seed = g_getenv ("HEAPGLASS_SEED_DIR");

  return g_build_filename (seed ? seed : "../shared/seed", "stack-and-heap-overview.md", NULL);
}

/* Each runnable block of the chapter becomes a test; its trace is made when the test runs. */
typedef struct
{
  char *code;
  HeapglassTrace *trace;
} ChapterCase;

static void
test_chapter_case (gconstpointer data)
{
  ChapterCase *c = (ChapterCase *)data;

  c->trace = run_program (c->code);
  test_chapter_block (c->trace);
  g_clear_object (&c->trace);
}

static void
chapter_case_free (gpointer data)
{
  ChapterCase *c = data;

  g_free (c->code);
  g_clear_object (&c->trace);
  g_free (c);
}

int
main (int argc, char *argv[])
{
  g_autofree char *path = NULL;
  g_autoptr (HeapglassChapter) chapter = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) cases = g_ptr_array_new_with_free_func (chapter_case_free);
  int status;

  g_test_init (&argc, &argv, NULL);
  /* Never skipped: without the tracer there is nothing to measure, and that is a failure. */
  hg_test_assert_tracer ();

  path = chapter_path ();
  chapter = heapglass_chapter_load_path (path, &error);
  /* No chapter, no test of it: that must fail, not pass quietly. */
  g_assert_no_error (error);
  for (guint i = 0; i < heapglass_chapter_get_n_blocks (chapter); i++)
    {
      const HeapglassChapterBlock *block = heapglass_chapter_get_block (chapter, i);
      ChapterCase *c;
      g_autofree char *name = NULL;

      if (block->code == NULL || block->code[0] == '\0')
        continue;
      c = g_new0 (ChapterCase, 1);
      c->code = g_strdup (block->code);
      g_ptr_array_add (cases, c);
      name = g_strdup_printf ("/layout-quality/chapter/%s-line-%u",
                              heapglass_block_kind_to_string (block->kind), block->line);
      g_test_add_data_func (name, c, test_chapter_case);
    }

  g_test_add_data_func ("/layout-quality/structures/linked-list", LINKED_LIST_PY, test_program);
  g_test_add_data_func ("/layout-quality/structures/binary-tree", BINARY_TREE_PY, test_program);
  g_test_add_data_func ("/layout-quality/structures/grid", GRID_PY, test_program);
  g_test_add_data_func ("/layout-quality/structures/nested-records", RECORDS_PY, test_program);
  g_test_add_data_func ("/layout-quality/structures/object-graph", GRAPH_PY, test_program);
  g_test_add_data_func ("/layout-quality/structures/recursion-with-locals", RECURSION_PY,
                        test_program);
  g_test_add_data_func ("/layout-quality/structures/deep-recursion", DEEP_RECURSION_PY,
                        test_program);
  g_test_add_func ("/layout-quality/options/library-objects-shown", test_library_objects_shown);
  g_test_add_func ("/layout-quality/options/inline-values", test_inline_values);
  g_test_add_data_func ("/layout-quality/structures/append-loop-every-step", SMALL_LOOP_PY,
                        test_program);
  g_test_add_func ("/layout-quality/structures/million-append-loop-ends", test_big_loop);

  status = g_test_run ();
  return status;
}
