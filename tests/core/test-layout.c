/* test-layout.c: positions that follow each step's structure (whatever order steps are viewed
 * in), no overlaps, arrows that join names to objects, weakrefs, collapsing of long containers and
 * deep stacks. */
#include <math.h>

#include <glib/gstdio.h>

#include "diagram-fixture.h"
#include "heapglass-layout.h"
#include "heapglass-trace-runner.h"
#include "heapglass-test-support.h"

static HeapglassScene *
program_scene (HeapglassLayout *layout, guint step)
{
  Fixture *fx = program_snapshot (step);
  HeapglassScene *scene = heapglass_layout_build_scene (layout, fx_snapshot (fx));

  fixture_free (fx);
  return scene;
}

/* Positions are a function of the step (its reference structure): whenever a step is built
 * again, by the same layout or another, in any order, every object is where it was. */
static void
record_positions (HeapglassScene *scene, GHashTable *seen)
{
  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);
      g_autofree char *key = NULL;
      double *known;

      if (item->kind != HEAPGLASS_SCENE_OBJECT)
        continue;
      key = g_strdup_printf ("%u:%" G_GUINT64_FORMAT, heapglass_scene_get_step (scene), item->oid);
      known = g_hash_table_lookup (seen, key);
      if (known == NULL)
        {
          known = g_new (double, 2);
          known[0] = item->x;
          known[1] = item->y;
          g_hash_table_insert (seen, g_steal_pointer (&key), known);
        }
      else
        {
          g_assert_cmpfloat (known[0], ==, item->x);
          g_assert_cmpfloat (known[1], ==, item->y);
        }
    }
}

static GHashTable *
new_seen (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
test_positions_stable (void)
{
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  g_autoptr (GHashTable) seen = new_seen ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);

  /* Forwards, backwards, then jumping about: a step always looks the same. */
  for (guint step = 1; step <= PROGRAM_STEPS; step++)
    {
      g_autoptr (HeapglassScene) scene = program_scene (layout, step);
      record_positions (scene, seen);
    }
  for (guint step = PROGRAM_STEPS; step >= 1; step--)
    {
      g_autoptr (HeapglassScene) scene = program_scene (layout, step);
      record_positions (scene, seen);
    }
  for (guint i = 0; i < 300; i++)
    {
      g_autoptr (HeapglassScene) scene
          = program_scene (layout, g_rand_int_range (rand, 1, PROGRAM_STEPS + 1));
      record_positions (scene, seen);
    }
  g_assert_cmpuint (g_hash_table_size (seen), >, 40);
}

/* From one step to the next, most objects stay put: only what the structure moved moves. */
static void
test_positions_stay_while_structure_does (void)
{
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  g_autoptr (HeapglassScene) before = NULL;
  guint stayed = 0, moved = 0;

  for (guint step = 1; step <= PROGRAM_STEPS; step++)
    {
      g_autoptr (HeapglassScene) scene = program_scene (layout, step);

      for (guint i = 0; before && i < heapglass_scene_get_n_items (scene); i++)
        {
          const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);
          const HeapglassSceneItem *old;

          if (item->kind != HEAPGLASS_SCENE_OBJECT)
            continue;
          old = heapglass_scene_find_object (before, item->oid);
          if (old == NULL)
            continue;
          if (old->x == item->x && old->y == item->y)
            stayed++;
          else
            moved++;
        }
      g_clear_pointer (&before, heapglass_scene_unref);
      before = g_steal_pointer (&scene);
    }
  g_test_message ("%u stayed, %u moved", stayed, moved);
  g_assert_cmpuint (stayed, >, 0);
  g_assert_cmpuint (moved * 4, <, stayed);
}

static gboolean
boxes_overlap (const HeapglassSceneItem *a, const HeapglassSceneItem *b)
{
  return a->x < b->x + b->width && b->x < a->x + a->width && a->y < b->y + b->height
         && b->y < a->y + a->height;
}

static void
assert_no_overlap (HeapglassScene *scene)
{
  guint n = heapglass_scene_get_n_items (scene);

  for (guint i = 0; i < n; i++)
    {
      const HeapglassSceneItem *a = heapglass_scene_get_item (scene, i);

      if (a->kind != HEAPGLASS_SCENE_OBJECT && a->kind != HEAPGLASS_SCENE_FRAME
          && a->kind != HEAPGLASS_SCENE_FRAMES_MARKER)
        continue;
      for (guint j = i + 1; j < n; j++)
        {
          const HeapglassSceneItem *b = heapglass_scene_get_item (scene, j);

          if (b->kind != HEAPGLASS_SCENE_OBJECT && b->kind != HEAPGLASS_SCENE_FRAME
              && b->kind != HEAPGLASS_SCENE_FRAMES_MARKER)
            continue;
          if (boxes_overlap (a, b))
            g_error ("step %u: box %u (kind %d, oid %" G_GUINT64_FORMAT ") overlaps box %u "
                     "(kind %d, oid %" G_GUINT64_FORMAT ")",
                     heapglass_scene_get_step (scene), i, a->kind, a->oid, j, b->kind, b->oid);
        }
    }
}

static void
test_no_overlap (void)
{
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();

  for (guint step = 1; step <= PROGRAM_STEPS; step++)
    {
      g_autoptr (HeapglassScene) scene = program_scene (layout, step);
      assert_no_overlap (scene);
    }
  /* Backwards too: space reused by dead objects must not collide with the living. */
  for (int step = PROGRAM_STEPS; step >= 1; step -= 7)
    {
      g_autoptr (HeapglassScene) scene = program_scene (layout, step);
      assert_no_overlap (scene);
    }
}

static gboolean
on_box_edge (const HeapglassSceneItem *obj, double x, double y)
{
  /* The box proper starts under the type-name band (16 units). */
  double bx0 = obj->x, bx1 = obj->x + obj->width, by0 = obj->y + 16, by1 = obj->y + obj->height;
  gboolean inside_x = x >= bx0 - 0.5 && x <= bx1 + 0.5;
  gboolean inside_y = y >= by0 - 0.5 && y <= by1 + 0.5;

  return (inside_x && (fabs (y - by0) < 0.5 || fabs (y - by1) < 0.5))
         || (inside_y && (fabs (x - bx0) < 0.5 || fabs (x - bx1) < 0.5));
}

static void
test_arrows_join_names_to_objects (void)
{
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  guint checked_names = 0, checked_slots = 0;

  for (guint step = 1; step <= PROGRAM_STEPS; step += 3)
    {
      g_autoptr (HeapglassScene) scene = program_scene (layout, step);

      for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
        {
          const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);
          const HeapglassSceneItem *source, *target;

          if (item->kind == HEAPGLASS_SCENE_NAME)
            {
              /* Every name that refers to a shown object has exactly its arrow. */
              const HeapglassSceneItem *arrow = heapglass_scene_find_arrow_from (scene, item);

              g_assert_nonnull (arrow);
              g_assert_cmpuint (arrow->target_oid, ==, item->target_oid);
            }
          if (item->kind != HEAPGLASS_SCENE_ARROW)
            continue;
          source = heapglass_scene_get_item (scene, item->parent);
          target = heapglass_scene_find_object (scene, item->target_oid);
          g_assert_nonnull (target);
          g_assert_true (on_box_edge (target, item->x3, item->y3));
          if (source->kind == HEAPGLASS_SCENE_NAME)
            {
              g_assert_cmpuint (source->frame_id, ==, item->frame_id);
              g_assert_cmpuint (source->target_oid, ==, item->target_oid);
              /* It leaves from the name's value cell. */
              g_assert_cmpfloat (item->x0, >=, source->x0);
              g_assert_cmpfloat (item->x0, <=, source->x1);
              g_assert_cmpfloat (item->y0, >=, source->y0);
              g_assert_cmpfloat (item->y0, <=, source->y1);
              checked_names++;
            }
          else
            {
              g_assert_cmpint (source->kind, ==, HEAPGLASS_SCENE_SLOT);
              g_assert_cmpuint (source->target_oid, ==, item->target_oid);
              g_assert_true (heapglass_scene_item_contains (source, item->x0, item->y0, 0));
              checked_slots++;
            }
        }
    }
  g_assert_cmpuint (checked_names, >, 200);
  g_assert_cmpuint (checked_slots, >, 200);
}

static const HeapglassSceneItem *
weakref_slot (HeapglassScene *scene)
{
  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);

      if (item->kind == HEAPGLASS_SCENE_SLOT && item->object_kind == HG_KIND_WEAKREF)
        return item;
    }
  return NULL;
}

static void
test_weakref_arrow_disappears (void)
{
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  g_autoptr (HeapglassScene) alive = program_scene (layout, PROGRAM_OBJ_DEATH - 1);
  g_autoptr (HeapglassScene) dead = program_scene (layout, PROGRAM_OBJ_DEATH + 1);
  const HeapglassSceneItem *slot, *arrow;

  slot = weakref_slot (alive);
  g_assert_nonnull (slot);
  arrow = heapglass_scene_find_arrow_from (alive, slot);
  g_assert_nonnull (arrow);
  g_assert_cmpuint (arrow->target_oid, ==, 11);
  g_assert_true (arrow->flags & HEAPGLASS_SCENE_FLAG_WEAK);
  g_assert_false (slot->flags & HEAPGLASS_SCENE_FLAG_DEAD);

  slot = weakref_slot (dead);
  g_assert_nonnull (slot);
  g_assert_null (heapglass_scene_find_arrow_from (dead, slot));
  g_assert_true (slot->flags & HEAPGLASS_SCENE_FLAG_DEAD);
  g_assert_true (heapglass_scene_find_object (dead, 10)->flags & HEAPGLASS_SCENE_FLAG_DEAD);
  g_assert_null (heapglass_scene_find_object (dead, 11));
}

static guint
count_items (HeapglassScene *scene, HeapglassSceneKind kind, guint64 oid)
{
  guint n = 0;

  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);

      if (item->kind == kind && (oid == 0 || item->oid == oid))
        n++;
    }
  return n;
}

static const HeapglassSceneItem *
first_item (HeapglassScene *scene, HeapglassSceneKind kind)
{
  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    if (heapglass_scene_get_item (scene, i)->kind == kind)
      return heapglass_scene_get_item (scene, i);
  return NULL;
}

/* lst = [0, 1, …] with a million items, 100 of them recorded. */
static Fixture *
long_list_snapshot (void)
{
  Fixture *fx = fixture_new (5, 5, 3);
  guint64 items[100];
  static const char *const names[] = { "lst" };
  guint64 oids[] = { 1 };

  for (guint i = 0; i < 100; i++)
    {
      items[i] = 10 + i;
      fx_int (fx, 10 + i, i, 2, 0);
    }
  fx_container (fx, 1, HG_KIND_LIST, "list", 1, 0, 1000000, 100, items);
  fx_frame (fx, 1, "<module>", 3, 1, names, oids, NULL);
  return fx;
}

static void
test_collapse_long_list (void)
{
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  Fixture *fx = long_list_snapshot ();
  g_autoptr (HeapglassScene) collapsed = heapglass_layout_build_scene (layout, fx_snapshot (fx));
  g_autoptr (HeapglassScene) expanded = NULL;
  g_autoptr (HeapglassScene) again = NULL;
  const HeapglassSceneItem *marker;

  g_assert_cmpuint (count_items (collapsed, HEAPGLASS_SCENE_SLOT, 1), ==, 8);
  marker = first_item (collapsed, HEAPGLASS_SCENE_MORE_MARKER);
  g_assert_nonnull (marker);
  g_assert_cmpuint (marker->oid, ==, 1);
  g_assert_cmpuint (marker->count, ==, 999992);
  g_assert_cmpstr (marker->text, ==, "… 999,992 more");
  /* Only the shown items are drawn. */
  g_assert_cmpuint (count_items (collapsed, HEAPGLASS_SCENE_OBJECT, 0), ==, 1 + 8);

  /* The marker is what the canvas hit-tests and activates. */
  g_assert_true (heapglass_scene_hit_test (collapsed, marker->x + 2, marker->y + 2) == marker);
  g_assert_true (heapglass_layout_activate (layout, marker));
  g_assert_true (heapglass_layout_get_object_expanded (layout, 1));
  expanded = heapglass_layout_build_scene (layout, fx_snapshot (fx));
  g_assert_cmpuint (count_items (expanded, HEAPGLASS_SCENE_SLOT, 1), ==, 100);
  marker = first_item (expanded, HEAPGLASS_SCENE_MORE_MARKER);
  g_assert_cmpuint (marker->count, ==, 999900);
  g_assert_cmpstr (marker->text, ==, "… 999,900 more");
  g_assert_cmpuint (count_items (expanded, HEAPGLASS_SCENE_OBJECT, 0), ==, 1 + 100);
  assert_no_overlap (expanded);

  heapglass_layout_set_object_expanded (layout, 1, FALSE);
  again = heapglass_layout_build_scene (layout, fx_snapshot (fx));
  g_assert_cmpuint (count_items (again, HEAPGLASS_SCENE_SLOT, 1), ==, 8);
  fixture_free (fx);
}

/* def f(n): return f(n - 1) … 50,000 frames deep. */
static void
test_collapse_deep_stack (void)
{
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  Fixture *fx = fixture_new (50001, 50001, 2);
  g_autoptr (HeapglassScene) collapsed = NULL;
  g_autoptr (HeapglassScene) expanded = NULL;
  const HeapglassSceneItem *marker;
  static const char *const names[] = { "n" };

  fx_frame (fx, 1, "<module>", 5, 0, NULL, NULL, NULL);
  for (guint i = 1; i < 50000; i++)
    {
      guint64 oid = 100 + i;

      fx_int (fx, oid, 50000 - i, i, 0);
      fx_frame (fx, 1 + i, "f", 2, 1, names, &oid, NULL);
    }
  collapsed = heapglass_layout_build_scene (layout, fx_snapshot (fx));
  g_assert_cmpuint (count_items (collapsed, HEAPGLASS_SCENE_FRAME, 0), ==, 12);
  marker = first_item (collapsed, HEAPGLASS_SCENE_FRAMES_MARKER);
  g_assert_nonnull (marker);
  g_assert_cmpuint (marker->count, ==, 50000 - 12);
  g_assert_cmpstr (marker->text, ==, "… 49,988 frames …");
  /* the outermost (globals) at the top, the innermost at the bottom */
  g_assert_cmpfloat (heapglass_scene_find_frame (collapsed, 1)->y, <, marker->y);
  g_assert_cmpfloat (heapglass_scene_find_frame (collapsed, 50000)->y, >, marker->y);
  g_assert_true (heapglass_scene_find_frame (collapsed, 50000)->flags
                 & HEAPGLASS_SCENE_FLAG_CURRENT);
  g_assert_null (heapglass_scene_find_frame (collapsed, 100));
  /* objects of hidden frames are not drawn */
  g_assert_cmpuint (count_items (collapsed, HEAPGLASS_SCENE_OBJECT, 0), ==, 11);

  g_assert_true (heapglass_layout_activate (layout, marker));
  expanded = heapglass_layout_build_scene (layout, fx_snapshot (fx));
  g_assert_cmpuint (count_items (expanded, HEAPGLASS_SCENE_FRAME, 0), ==, 112);
  g_assert_cmpuint (first_item (expanded, HEAPGLASS_SCENE_FRAMES_MARKER)->count, ==, 49888);
  assert_no_overlap (expanded);

  heapglass_layout_collapse_frames (layout);
  g_clear_pointer (&expanded, heapglass_scene_unref);
  expanded = heapglass_layout_build_scene (layout, fx_snapshot (fx));
  g_assert_cmpuint (count_items (expanded, HEAPGLASS_SCENE_FRAME, 0), ==, 12);
  fixture_free (fx);
}

/* The trace model may leave the middle of a deep stack out of the snapshot itself. */
static void
test_collapse_limited_snapshot (void)
{
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  Fixture *fx = fixture_new (9, 9, 2);
  g_autoptr (HeapglassScene) scene = NULL;
  const HeapglassSceneItem *marker;
  static const char *const names[] = { "n" };
  HeapglassSnapshot *snapshot;

  fx_frame (fx, 1, "<module>", 5, 0, NULL, NULL, NULL);
  for (guint i = 1; i < 12; i++)
    {
      guint64 oid = 100 + i;
      guint depth = i < 6 ? i : 50000 - 12 + i;

      fx_int (fx, oid, depth, 1, 0);
      fx_frame (fx, 1 + depth, "f", 2, 1, names, &oid, NULL);
    }
  snapshot = fx_snapshot (fx);
  snapshot->n_frames_head = 6;
  snapshot->n_frames_hidden = 50000 - 12;
  scene = heapglass_layout_build_scene (layout, snapshot);
  g_assert_cmpuint (count_items (scene, HEAPGLASS_SCENE_FRAME, 0), ==, 12);
  marker = first_item (scene, HEAPGLASS_SCENE_FRAMES_MARKER);
  g_assert_nonnull (marker);
  g_assert_cmpuint (marker->count, ==, 49988);
  g_assert_cmpuint (marker->first_depth, ==, 6);
  g_assert_cmpfloat (heapglass_scene_find_frame (scene, 1 + 5)->y, <, marker->y);
  g_assert_cmpfloat (heapglass_scene_find_frame (scene, 1 + 49994)->y, >, marker->y);
  assert_no_overlap (scene);
  fixture_free (fx);
}

static void
test_inline_values (void)
{
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  g_autoptr (HeapglassScene) boxed = program_scene (layout, 40);
  g_autoptr (HeapglassScene) inlined = NULL;
  const HeapglassSceneItem *name;

  /* By default every value is an object: "name" points at a str box. */
  name = heapglass_scene_find_name (boxed, 1, "name");
  g_assert_nonnull (heapglass_scene_find_arrow_from (boxed, name));
  g_assert_nonnull (heapglass_scene_find_object (boxed, 3));

  heapglass_layout_set_inline_values (layout, TRUE);
  inlined = program_scene (layout, 40);
  name = heapglass_scene_find_name (inlined, 1, "name");
  g_assert_true (name->flags & HEAPGLASS_SCENE_FLAG_INLINE);
  g_assert_cmpstr (name->text, ==, "'Alice'");
  g_assert_null (heapglass_scene_find_arrow_from (inlined, name));
  g_assert_null (heapglass_scene_find_object (inlined, 3));
  /* containers stay boxes */
  g_assert_nonnull (heapglass_scene_find_object (inlined, 1));
  assert_no_overlap (inlined);
}

static void
test_changes_marked (void)
{
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  g_autoptr (HeapglassScene) scene = NULL;
  const HeapglassSceneItem *count, *old;

  /* step 10: the list grows to 2 items and count is rebound to a new int; the old one dies */
  for (guint step = 1; step < 10; step++)
    {
      g_autoptr (HeapglassScene) earlier = program_scene (layout, step);
    }
  scene = program_scene (layout, 10);
  count = heapglass_scene_find_name (scene, 1, "count");
  g_assert_true (count->flags & HEAPGLASS_SCENE_FLAG_CHANGED);
  g_assert_false (heapglass_scene_find_name (scene, 1, "name")->flags
                  & HEAPGLASS_SCENE_FLAG_CHANGED);
  g_assert_true (heapglass_scene_find_object (scene, 2002)->flags & HEAPGLASS_SCENE_FLAG_CHANGED);
  old = heapglass_scene_find_object (scene, 2001);
  g_assert_nonnull (old);
  g_assert_true (old->flags & HEAPGLASS_SCENE_FLAG_FREED);
}

static void
test_exception_marked (void)
{
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  Fixture *fx = fixture_new (7, 7, 4);
  g_autoptr (HeapglassScene) scene = NULL;
  const HeapglassSceneItem *frame;
  static const char *const names[] = { "x" };
  guint64 oids[] = { 1 };

  fx_int (fx, 1, 0, 1, 0);
  fx_frame (fx, 1, "<module>", 9, 0, NULL, NULL, NULL);
  fx_frame (fx, 2, "divide", 4, 1, names, oids, NULL);
  fx_frame_exception (fx, "ZeroDivisionError", "division by zero");
  scene = heapglass_layout_build_scene (layout, fx_snapshot (fx));
  frame = heapglass_scene_find_frame (scene, 2);
  g_assert_true (frame->flags & HEAPGLASS_SCENE_FLAG_EXCEPTION);
  g_assert_cmpstr (frame->text, ==, "ZeroDivisionError: division by zero");
  g_assert_false (heapglass_scene_find_frame (scene, 1)->flags & HEAPGLASS_SCENE_FLAG_EXCEPTION);
  fixture_free (fx);
}

/* A real program of about 200 steps: appends, rebinds, a call with locals, a dict, an instance. */
static const char PROGRAM_PY[] = "class Account:\n"
                                 "    def __init__(self, owner, balance):\n"
                                 "        self.owner = owner\n"
                                 "        self.balance = balance\n"
                                 "\n"
                                 "def deposit(account, amount):\n"
                                 "    new = account.balance + amount\n"
                                 "    account.balance = new\n"
                                 "    return new\n"
                                 "\n"
                                 "acct = Account('Alice', 10)\n"
                                 "history = []\n"
                                 "names = {'a': 1, 'b': [1, 2]}\n"
                                 "for i in range(24):\n"
                                 "    history.append(deposit(acct, i))\n"
                                 "    last = history[-1]\n"
                                 "del names\n"
                                 "done = True\n";

static HeapglassTrace *
trace_program (void)
{
  return hg_test_trace_source ("program.py", PROGRAM_PY, NULL);
}

static HeapglassScene *
trace_scene (HeapglassLayout *layout, HeapglassTrace *trace, guint step)
{
  g_autoptr (HeapglassSnapshot) snapshot = heapglass_layout_snapshot (layout, trace, step);

  return heapglass_layout_build_scene (layout, snapshot);
}

static void
test_real_trace_any_order (void)
{
  g_autoptr (HeapglassTrace) trace = trace_program ();
  g_autoptr (HeapglassLayout) forwards = heapglass_layout_new ();
  g_autoptr (HeapglassLayout) jumping = heapglass_layout_new ();
  g_autoptr (GHashTable) seen = new_seen ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  guint n;

  n = heapglass_trace_get_n_steps (trace);
  g_assert_cmpuint (n, >=, 150);

  /* Two windows on the same trace, one scrubbing forwards, one jumping about and backwards: every
   * object is at one place in both, at every step, and nothing overlaps. */
  heapglass_layout_prepare (forwards, trace, n);
  heapglass_layout_prepare (jumping, trace, n);
  for (guint step = 1; step <= n; step++)
    {
      g_autoptr (HeapglassScene) scene = trace_scene (forwards, trace, step);

      record_positions (scene, seen);
      assert_no_overlap (scene);
    }
  for (guint i = 0; i < 2 * n; i++)
    {
      guint step = i < n ? n - i : (guint)g_rand_int_range (rand, 1, n + 1);
      g_autoptr (HeapglassScene) scene = trace_scene (jumping, trace, step);

      record_positions (scene, seen);
    }
  g_assert_cmpuint (g_hash_table_size (seen), >, 20);
}

static void
test_real_trace_prepared_in_chunks (void)
{
  g_autoptr (HeapglassTrace) trace = trace_program ();
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  g_autoptr (GHashTable) seen = new_seen ();
  guint n;

  n = heapglass_trace_get_n_steps (trace);
  /* The window prepares a few steps at a time while it shows the newest one. */
  for (guint until = 17; until < n + 17; until += 17)
    {
      g_autoptr (HeapglassScene) scene = NULL;

      heapglass_layout_prepare (layout, trace, MIN (until, n));
      scene = trace_scene (layout, trace, MIN (until, n));
      record_positions (scene, seen);
      assert_no_overlap (scene);
    }
  for (guint step = 1; step <= n; step++)
    {
      g_autoptr (HeapglassScene) scene = trace_scene (layout, trace, step);

      record_positions (scene, seen);
      assert_no_overlap (scene);
    }
}

static void
test_real_trace_mutated_slot (void)
{
  g_autoptr (HeapglassTrace) trace = trace_program ();
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  guint appends = 0, n;

  n = heapglass_trace_get_n_steps (trace);
  heapglass_layout_prepare (layout, trace, n);
  for (guint step = 2; step <= n; step++)
    {
      g_autoptr (HeapglassScene) scene = trace_scene (layout, trace, step);

      for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
        {
          const HeapglassSceneItem *slot = heapglass_scene_get_item (scene, i);
          const HeapglassSceneItem *list;
          guint shown = 0;

          if (slot->kind != HEAPGLASS_SCENE_SLOT || slot->object_kind != HG_KIND_LIST
              || !(slot->flags & HEAPGLASS_SCENE_FLAG_CHANGED))
            continue;
          /* history.append(x): the new last slot is the one marked, and only it. */
          list = heapglass_scene_get_item (scene, slot->parent);
          g_assert_true (list->flags & HEAPGLASS_SCENE_FLAG_CHANGED);
          for (guint j = 0; j < heapglass_scene_get_n_items (scene); j++)
            {
              const HeapglassSceneItem *other = heapglass_scene_get_item (scene, j);

              if (other->kind == HEAPGLASS_SCENE_SLOT && other->parent == slot->parent)
                {
                  shown++;
                  if (other != slot)
                    g_assert_false (other->flags & HEAPGLASS_SCENE_FLAG_CHANGED);
                }
            }
          g_assert_cmpuint (slot->slot, ==, shown - 1);
          appends++;
        }
    }
  /* appends while the list still shows every item (8 slots) */
  g_assert_cmpuint (appends, >=, 7);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/layout/positions/same-step-same-picture", test_positions_stable);
  g_test_add_func ("/layout/positions/stay-while-structure-does",
                   test_positions_stay_while_structure_does);
  g_test_add_func ("/layout/boxes/no-overlap", test_no_overlap);
  g_test_add_func ("/layout/positions/real-trace-any-viewing-order", test_real_trace_any_order);
  g_test_add_func ("/layout/positions/real-trace-prepared-in-chunks",
                   test_real_trace_prepared_in_chunks);
  g_test_add_func ("/layout/arrows/join-names-to-objects", test_arrows_join_names_to_objects);
  g_test_add_func ("/layout/weakref/arrow-gone-after-death", test_weakref_arrow_disappears);
  g_test_add_func ("/layout/collapse/long-list", test_collapse_long_list);
  g_test_add_func ("/layout/collapse/deep-stack", test_collapse_deep_stack);
  g_test_add_func ("/layout/collapse/limited-snapshot", test_collapse_limited_snapshot);
  g_test_add_func ("/layout/inline-values/small-values-in-slots", test_inline_values);
  g_test_add_func ("/layout/changes/rebound-new-and-freed", test_changes_marked);
  g_test_add_func ("/layout/changes/mutated-slot", test_real_trace_mutated_slot);
  g_test_add_func ("/layout/exception/raising-frame-marked", test_exception_marked);

  return g_test_run ();
}
