/* test-layout-json.c: `heapglass --layout-json=OUT [--step=N|last|all]` writes what the diagram
 * draws as DESIGN.md specifies (boxes, labels outside boxes, arrows as polylines, per step), read
 * back with Python's json module; and a scene tweened between two steps moves objects from their
 * old places to their new ones. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "heapglass-figure.h"
#include "heapglass-layout.h"
#include "heapglass-test-cli.h"
#include "heapglass-test-support.h"

static const char alias_py[] = "def keep(items):\n"
                               "    other = items\n"
                               "    return other\n"
                               "\n"
                               "data = [10, 20]\n"
                               "same = keep(data)\n";

/* Checks the document against the contract and prints one line: "ok <steps> <arrows>" or what
 * is wrong. Aliases meet: every arrow into one box ends at one point. */
static const char check_py[]
    = "import json, sys\n"
      "d = json.load(open(sys.argv[1]))\n"
      "assert d['version'] == 1, 'version'\n"
      "arrows = 0\n"
      "for s in d['steps']:\n"
      "    assert set(s) == {'step', 'width', 'height', 'boxes', 'labels', 'arrows'}, s.keys()\n"
      "    ids = set()\n"
      "    for b in s['boxes']:\n"
      "        assert set(b) == {'kind', 'id', 'x', 'y', 'w', 'h'}, b\n"
      "        assert b['kind'] in ('frame', 'object', 'ghost', 'summary', 'note'), b\n"
      "        assert 0 <= b['x'] and b['x'] + b['w'] <= s['width'] + 0.01, b\n"
      "        assert 0 <= b['y'] and b['y'] + b['h'] <= s['height'] + 0.01, b\n"
      "        ids.add(b['id'])\n"
      "    for l in s['labels']:\n"
      "        assert set(l) == {'text', 'x', 'y', 'w', 'h', 'box'}, l\n"
      "        assert l['box'] is None or l['box'] in ids, l\n"
      "    ends = {}\n"
      "    for a in s['arrows']:\n"
      "        assert set(a) == {'from', 'to', 'kind', 'points'}, a\n"
      "        assert a['from'] in ids and a['to'] in ids and a['kind'] in ('ref', 'weak'), a\n"
      "        assert len(a['points']) >= 2, a\n"
      "        end = tuple(a['points'][-1])\n"
      "        assert ends.setdefault(a['to'], end) == end, ('split entry', a)\n"
      "        arrows += 1\n"
      "print('ok', len(d['steps']), arrows)\n";

/* When x goes, y's row moves up and its list follows. */
static const char moving_py[] = "x = [1, 2, 3, 4, 5]\n"
                                "y = [9]\n"
                                "del x\n"
                                "z = 0\n";

static char *
check_document (const char *path)
{
  g_autofree char *checker = hg_test_write_file ("check_layout.py", check_py, -1);
  const char *python = g_getenv ("HEAPGLASS_PYTHON");
  const char *argv[] = { python ? python : "python3", checker, path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("layout JSON refused: %s", err);
  return g_strchomp (g_steal_pointer (&out));
}

static guint
n_steps_of (const char *source)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("alias.py", source, NULL);

  return heapglass_trace_get_n_steps (trace);
}

static void
test_all_steps_by_default (void)
{
  g_autofree char *script = hg_test_write_file ("alias.py", alias_py, -1);
  g_autofree char *out = hg_test_tmp_path ("all.json");
  g_autofree char *option = g_strdup_printf ("--layout-json=%s", out);
  g_autofree char *expected = g_strdup_printf ("ok %u", n_steps_of (alias_py));
  HgCliResult r = hg_test_cli (option, script, NULL);
  g_autofree char *verdict = NULL;

  g_assert_cmpint (r.status, ==, 0);
  verdict = check_document (out);
  g_assert_true (g_str_has_prefix (verdict, expected));
  g_assert_cmpint (verdict[strlen (expected)], ==, ' ');
  hg_cli_result_clear (&r);
}

static void
test_one_step_and_last (void)
{
  g_autofree char *script = hg_test_write_file ("alias.py", alias_py, -1);
  g_autofree char *one = hg_test_tmp_path ("one.json");
  g_autofree char *last = hg_test_tmp_path ("last.json");
  g_autofree char *one_option = g_strdup_printf ("--layout-json=%s", one);
  g_autofree char *last_option = g_strdup_printf ("--layout-json=%s", last);
  g_autofree char *last_text = NULL;
  g_autofree char *expected = g_strdup_printf ("{\"step\": %u,", n_steps_of (alias_py));
  HgCliResult r1 = hg_test_cli (one_option, "--step=3", script, NULL);
  HgCliResult r2 = hg_test_cli (last_option, "--step=last", script, NULL);
  g_autofree char *verdict = NULL;

  g_assert_cmpint (r1.status, ==, 0);
  g_assert_cmpint (r2.status, ==, 0);
  verdict = check_document (one);
  g_assert_true (g_str_has_prefix (verdict, "ok 1 "));
  g_clear_pointer (&verdict, g_free);
  verdict = check_document (last);
  g_assert_true (g_str_has_prefix (verdict, "ok 1 "));
  g_assert_true (g_file_get_contents (last, &last_text, NULL, NULL));
  g_assert_nonnull (strstr (last_text, expected));
  hg_cli_result_clear (&r1);
  hg_cli_result_clear (&r2);
}

/* On the step where `other` and `items` both name the list, the two arrows end at one point. */
static void
test_aliases_meet (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("alias.py", alias_py, NULL);
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  guint n = heapglass_trace_get_n_steps (trace), checked = 0;

  heapglass_layout_prepare (layout, trace, n);
  for (guint step = 1; step <= n; step++)
    {
      g_autoptr (HeapglassSnapshot) snapshot = heapglass_layout_snapshot (layout, trace, step);
      g_autoptr (HeapglassScene) scene = heapglass_layout_build_scene (layout, snapshot);
      g_autoptr (HeapglassFigure) figure = heapglass_figure_new (scene);
      const HeapglassFigureArrow *first = NULL;

      for (guint i = 0; i < figure->arrows->len; i++)
        {
          const HeapglassFigureArrow *a = &g_array_index (figure->arrows, HeapglassFigureArrow, i);

          if (!g_str_has_prefix (a->from, "frame:"))
            continue;
          if (first == NULL || strcmp (first->to, a->to) != 0)
            {
              if (first == NULL || strcmp (first->from, a->from) != 0)
                first = a;
              continue;
            }
          /* two names of one frame, one object: one end */
          g_assert_cmpfloat (first->points[2 * first->n_points - 2], ==,
                             a->points[2 * a->n_points - 2]);
          g_assert_cmpfloat (first->points[2 * first->n_points - 1], ==,
                             a->points[2 * a->n_points - 1]);
          checked++;
        }
    }
  g_assert_cmpuint (checked, >, 0);
}

static void
test_step_all_with_export_refused (void)
{
  g_autofree char *script = hg_test_write_file ("alias.py", alias_py, -1);
  g_autofree char *png = hg_test_tmp_path ("x.png");
  g_autofree char *option = g_strdup_printf ("--export=%s", png);
  HgCliResult r = hg_test_cli (option, "--step=all", script, NULL);

  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "--step=all"));
  hg_cli_result_clear (&r);
}

/* Halfway through the animation between two steps, a moved object is halfway between its two
 * places; at the end it is where the new step has it. */
static void
test_tween_moves_halfway (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("moving.py", moving_py, NULL);
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  guint n = heapglass_trace_get_n_steps (trace), moves = 0;
  g_autoptr (HeapglassScene) before = NULL;

  heapglass_layout_prepare (layout, trace, n);
  for (guint step = 1; step <= n; step++)
    {
      g_autoptr (HeapglassSnapshot) snapshot = heapglass_layout_snapshot (layout, trace, step);
      g_autoptr (HeapglassScene) scene = heapglass_layout_build_scene (layout, snapshot);

      if (before && heapglass_scene_has_moves (before, scene))
        {
          g_autoptr (HeapglassScene) half = heapglass_scene_new_tween (before, scene, 0.5);
          g_autoptr (HeapglassScene) end = heapglass_scene_new_tween (before, scene, 1.0);

          g_assert_cmpuint (heapglass_scene_get_n_items (half), ==,
                            heapglass_scene_get_n_items (scene));
          for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
            {
              const HeapglassSceneItem *now = heapglass_scene_get_item (scene, i);
              const HeapglassSceneItem *mid = heapglass_scene_get_item (half, i);
              const HeapglassSceneItem *old;

              g_assert_cmpfloat (heapglass_scene_get_item (end, i)->x, ==, now->x);
              g_assert_cmpfloat (heapglass_scene_get_item (end, i)->y, ==, now->y);
              if (now->kind != HEAPGLASS_SCENE_OBJECT)
                continue;
              old = heapglass_scene_find_object (before, now->oid);
              if (old == NULL)
                {
                  g_assert_cmpfloat (mid->y, ==, now->y);
                  continue;
                }
              g_assert_cmpfloat (fabs (mid->x - (old->x + now->x) / 2), <, 0.01);
              g_assert_cmpfloat (fabs (mid->y - (old->y + now->y) / 2), <, 0.01);
              moves += old->x != now->x || old->y != now->y;
            }
        }
      g_clear_pointer (&before, heapglass_scene_unref);
      before = g_steal_pointer (&scene);
    }
  g_assert_cmpuint (moves, >, 0);
}

int
main (int argc, char **argv)
{
  hg_test_cli_init (argc, argv);
  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();

  g_test_add_func ("/layout-json/steps/all-by-default", test_all_steps_by_default);
  g_test_add_func ("/layout-json/steps/one-and-last", test_one_step_and_last);
  g_test_add_func ("/layout-json/arrows/aliases-meet", test_aliases_meet);
  g_test_add_func ("/layout-json/arguments/step-all-with-export-refused",
                   test_step_all_with_export_refused);
  g_test_add_func ("/scene/tween/moves-halfway", test_tween_moves_halfway);
  return g_test_run ();
}
