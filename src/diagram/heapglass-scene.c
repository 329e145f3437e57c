/* heapglass-scene.c: the flat, immutable list of shapes of one step's diagram, with hit-testing. */
#include "heapglass-scene.h"

#include <math.h>

struct _HeapglassScene
{
  gatomicrefcount ref_count;
  GArray *items;         /* HeapglassSceneItem */
  GStringChunk *strings; /* names and texts of the items */
  GPtrArray *paths;      /* arrows' points (double arrays) */
  GHashTable *objects;   /* oid → index + 1 of its OBJECT item */
  GHashTable *arrows;    /* source item index + 1 → arrow index + 1 */
  double x, y, width, height;
  guint step, n_steps, line;
  gboolean finished;
};

G_DEFINE_BOXED_TYPE (HeapglassScene, heapglass_scene, heapglass_scene_ref, heapglass_scene_unref)

HeapglassScene *
heapglass_scene_new (guint step, guint n_steps, guint line)
{
  HeapglassScene *scene = g_new0 (HeapglassScene, 1);

  g_atomic_ref_count_init (&scene->ref_count);
  scene->items = g_array_sized_new (FALSE, FALSE, sizeof (HeapglassSceneItem), 64);
  scene->strings = g_string_chunk_new (1024);
  scene->paths = g_ptr_array_new_with_free_func (g_free);
  scene->objects = g_hash_table_new (g_int64_hash, g_int64_equal);
  scene->arrows = g_hash_table_new (NULL, NULL);
  scene->step = step;
  scene->n_steps = n_steps;
  scene->line = line;
  return scene;
}

HeapglassScene *
heapglass_scene_ref (HeapglassScene *scene)
{
  g_return_val_if_fail (scene != NULL, NULL);
  g_atomic_ref_count_inc (&scene->ref_count);
  return scene;
}

void
heapglass_scene_unref (HeapglassScene *scene)
{
  g_return_if_fail (scene != NULL);
  if (!g_atomic_ref_count_dec (&scene->ref_count))
    return;
  g_array_unref (scene->items);
  g_string_chunk_free (scene->strings);
  g_ptr_array_unref (scene->paths);
  g_hash_table_unref (scene->objects);
  g_hash_table_unref (scene->arrows);
  g_free (scene);
}

guint
heapglass_scene_add_item (HeapglassScene *scene, const HeapglassSceneItem *item)
{
  HeapglassSceneItem copy;

  g_return_val_if_fail (scene != NULL, 0);
  g_return_val_if_fail (!scene->finished, 0);

  copy = *item;
  /* GStringChunk never moves what it stores, so these pointers stay valid. */
  copy.name = item->name ? g_string_chunk_insert_const (scene->strings, item->name) : NULL;
  copy.text = item->text ? g_string_chunk_insert (scene->strings, item->text) : NULL;
  if (item->n_points > 0 && item->points)
    {
      copy.points = g_memdup2 (item->points, sizeof (double) * 2 * item->n_points);
      g_ptr_array_add (scene->paths, (gpointer)copy.points);
    }
  else
    {
      copy.points = NULL;
      copy.n_points = 0;
    }
  g_array_append_val (scene->items, copy);
  return scene->items->len - 1;
}

void
heapglass_scene_finish (HeapglassScene *scene, double margin)
{
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;

  g_return_if_fail (scene != NULL);

  for (guint i = 0; i < scene->items->len; i++)
    {
      HeapglassSceneItem *item = &g_array_index (scene->items, HeapglassSceneItem, i);

      x0 = MIN (x0, item->x);
      y0 = MIN (y0, item->y);
      x1 = MAX (x1, item->x + item->width);
      y1 = MAX (y1, item->y + item->height);

      if (item->kind == HEAPGLASS_SCENE_OBJECT)
        g_hash_table_insert (scene->objects, &item->oid, GUINT_TO_POINTER (i + 1));
      else if (item->kind == HEAPGLASS_SCENE_ARROW && item->parent != HEAPGLASS_SCENE_NO_PARENT)
        g_hash_table_insert (scene->arrows, GUINT_TO_POINTER (item->parent + 1),
                             GUINT_TO_POINTER (i + 1));
    }
  if (scene->items->len == 0)
    x0 = y0 = x1 = y1 = 0;

  scene->x = x0 - margin;
  scene->y = y0 - margin;
  scene->width = x1 - x0 + 2 * margin;
  scene->height = y1 - y0 + 2 * margin;
  scene->finished = TRUE;
}

guint
heapglass_scene_get_n_items (HeapglassScene *scene)
{
  g_return_val_if_fail (scene != NULL, 0);
  return scene->items->len;
}

const HeapglassSceneItem *
heapglass_scene_get_item (HeapglassScene *scene, guint index)
{
  g_return_val_if_fail (scene != NULL, NULL);
  g_return_val_if_fail (index < scene->items->len, NULL);
  return &g_array_index (scene->items, HeapglassSceneItem, index);
}

guint
heapglass_scene_get_item_index (HeapglassScene *scene, const HeapglassSceneItem *item)
{
  const HeapglassSceneItem *first;

  g_return_val_if_fail (scene != NULL, HEAPGLASS_SCENE_NO_PARENT);
  first = (const HeapglassSceneItem *)(gpointer)scene->items->data;
  g_return_val_if_fail (item >= first && item < first + scene->items->len,
                        HEAPGLASS_SCENE_NO_PARENT);
  return (guint)(item - first);
}

void
heapglass_scene_get_extents (HeapglassScene *scene, double *x, double *y, double *width,
                             double *height)
{
  g_return_if_fail (scene != NULL);
  if (x)
    *x = scene->x;
  if (y)
    *y = scene->y;
  if (width)
    *width = scene->width;
  if (height)
    *height = scene->height;
}

guint
heapglass_scene_get_step (HeapglassScene *scene)
{
  g_return_val_if_fail (scene != NULL, 0);
  return scene->step;
}

guint
heapglass_scene_get_n_steps (HeapglassScene *scene)
{
  g_return_val_if_fail (scene != NULL, 0);
  return scene->n_steps;
}

guint
heapglass_scene_get_line (HeapglassScene *scene)
{
  g_return_val_if_fail (scene != NULL, 0);
  return scene->line;
}

static double
segment_distance (double px, double py, double ax, double ay, double bx, double by)
{
  double dx = bx - ax, dy = by - ay;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;

  t = CLAMP (t, 0, 1);
  return hypot (px - (ax + t * dx), py - (ay + t * dy));
}

void
heapglass_scene_arrow_point (const HeapglassSceneItem *arrow, double fraction, double *x, double *y)
{
  double total = 0, walked = 0;

  g_return_if_fail (arrow != NULL);
  *x = arrow->x0;
  *y = arrow->y0;
  if (arrow->n_points < 2)
    {
      *x = arrow->x0 + CLAMP (fraction, 0, 1) * (arrow->x3 - arrow->x0);
      *y = arrow->y0 + CLAMP (fraction, 0, 1) * (arrow->y3 - arrow->y0);
      return;
    }
  for (guint i = 1; i < arrow->n_points; i++)
    total += hypot (arrow->points[2 * i] - arrow->points[2 * i - 2],
                    arrow->points[2 * i + 1] - arrow->points[2 * i - 1]);
  fraction = CLAMP (fraction, 0, 1) * total;
  for (guint i = 1; i < arrow->n_points; i++)
    {
      double ax = arrow->points[2 * i - 2], ay = arrow->points[2 * i - 1];
      double bx = arrow->points[2 * i], by = arrow->points[2 * i + 1];
      double len = hypot (bx - ax, by - ay);

      if (walked + len >= fraction && len > 0)
        {
          double t = (fraction - walked) / len;

          *x = ax + t * (bx - ax);
          *y = ay + t * (by - ay);
          return;
        }
      walked += len;
      *x = bx;
      *y = by;
    }
}

gboolean
heapglass_scene_item_contains (const HeapglassSceneItem *item, double x, double y, double tolerance)
{
  g_return_val_if_fail (item != NULL, FALSE);

  if (x < item->x - tolerance || x > item->x + item->width + tolerance || y < item->y - tolerance
      || y > item->y + item->height + tolerance)
    return FALSE;

  if (item->kind == HEAPGLASS_SCENE_ARROW)
    {
      if (item->n_points < 2)
        return segment_distance (x, y, item->x0, item->y0, item->x3, item->y3) <= tolerance;
      for (guint i = 1; i < item->n_points; i++)
        if (segment_distance (x, y, item->points[2 * i - 2], item->points[2 * i - 1],
                              item->points[2 * i], item->points[2 * i + 1])
            <= tolerance)
          return TRUE;
      return FALSE;
    }
  return TRUE;
}

static int
hit_priority (HeapglassSceneKind kind)
{
  switch (kind)
    {
    case HEAPGLASS_SCENE_FRAMES_MARKER:
    case HEAPGLASS_SCENE_MORE_MARKER:
      return 0;
    case HEAPGLASS_SCENE_SLOT:
    case HEAPGLASS_SCENE_NAME:
      return 1;
    case HEAPGLASS_SCENE_ARROW:
      return 2;
    case HEAPGLASS_SCENE_OBJECT:
      return 3;
    case HEAPGLASS_SCENE_FRAME:
    default:
      return 4;
    }
}

const HeapglassSceneItem *
heapglass_scene_hit_test (HeapglassScene *scene, double x, double y)
{
  const HeapglassSceneItem *best = NULL;
  int best_priority = G_MAXINT;

  g_return_val_if_fail (scene != NULL, NULL);

  /* Later items are drawn on top, so among equals the last one wins. */
  for (guint i = scene->items->len; i-- > 0;)
    {
      const HeapglassSceneItem *item = &g_array_index (scene->items, HeapglassSceneItem, i);
      int priority = hit_priority (item->kind);
      double tolerance = item->kind == HEAPGLASS_SCENE_ARROW ? 4.0 : 0.0;

      if (priority >= best_priority)
        continue;
      if (heapglass_scene_item_contains (item, x, y, tolerance))
        {
          best = item;
          best_priority = priority;
          if (priority == 0)
            break;
        }
    }
  return best;
}

const HeapglassSceneItem *
heapglass_scene_find_object (HeapglassScene *scene, guint64 oid)
{
  guint index;

  g_return_val_if_fail (scene != NULL, NULL);
  index = GPOINTER_TO_UINT (g_hash_table_lookup (scene->objects, &oid));
  return index ? &g_array_index (scene->items, HeapglassSceneItem, index - 1) : NULL;
}

const HeapglassSceneItem *
heapglass_scene_find_frame (HeapglassScene *scene, guint frame_id)
{
  g_return_val_if_fail (scene != NULL, NULL);
  for (guint i = 0; i < scene->items->len; i++)
    {
      const HeapglassSceneItem *item = &g_array_index (scene->items, HeapglassSceneItem, i);

      if (item->kind == HEAPGLASS_SCENE_FRAME && item->frame_id == frame_id)
        return item;
    }
  return NULL;
}

const HeapglassSceneItem *
heapglass_scene_find_name (HeapglassScene *scene, guint frame_id, const char *name)
{
  g_return_val_if_fail (scene != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  for (guint i = 0; i < scene->items->len; i++)
    {
      const HeapglassSceneItem *item = &g_array_index (scene->items, HeapglassSceneItem, i);

      if (item->kind == HEAPGLASS_SCENE_NAME && item->frame_id == frame_id
          && g_strcmp0 (item->name, name) == 0)
        return item;
    }
  return NULL;
}

const HeapglassSceneItem *
heapglass_scene_find_arrow_from (HeapglassScene *scene, const HeapglassSceneItem *source)
{
  guint source_index, index;

  g_return_val_if_fail (scene != NULL, NULL);
  source_index = heapglass_scene_get_item_index (scene, source);
  if (source_index == HEAPGLASS_SCENE_NO_PARENT)
    return NULL;
  index
      = GPOINTER_TO_UINT (g_hash_table_lookup (scene->arrows, GUINT_TO_POINTER (source_index + 1)));
  return index ? &g_array_index (scene->items, HeapglassSceneItem, index - 1) : NULL;
}

/* ---------------------------------------------------------------------------------------------- */
/* Tweening between two steps */

/* How far the shape that owns item `index` of `to` has moved since `from` (0 if new). */
static void
owner_move (HeapglassScene *from, HeapglassScene *to, guint index, double *dx, double *dy)
{
  const HeapglassSceneItem *item = &g_array_index (to->items, HeapglassSceneItem, index);
  const HeapglassSceneItem *before = NULL;

  *dx = *dy = 0;
  while ((item->kind == HEAPGLASS_SCENE_NAME || item->kind == HEAPGLASS_SCENE_SLOT
          || item->kind == HEAPGLASS_SCENE_MORE_MARKER)
         && item->parent != HEAPGLASS_SCENE_NO_PARENT)
    item = &g_array_index (to->items, HeapglassSceneItem, item->parent);
  if (item->kind == HEAPGLASS_SCENE_OBJECT)
    before = heapglass_scene_find_object (from, item->oid);
  else if (item->kind == HEAPGLASS_SCENE_FRAME)
    before = heapglass_scene_find_frame (from, item->frame_id);
  if (before != NULL)
    {
      *dx = before->x - item->x;
      *dy = before->y - item->y;
    }
}

gboolean
heapglass_scene_has_moves (HeapglassScene *from, HeapglassScene *to)
{
  g_return_val_if_fail (from != NULL && to != NULL, FALSE);
  for (guint i = 0; i < to->items->len; i++)
    {
      const HeapglassSceneItem *item = &g_array_index (to->items, HeapglassSceneItem, i);
      double dx, dy;

      if (item->kind != HEAPGLASS_SCENE_OBJECT && item->kind != HEAPGLASS_SCENE_FRAME)
        continue;
      owner_move (from, to, i, &dx, &dy);
      if (fabs (dx) > 0.5 || fabs (dy) > 0.5)
        return TRUE;
    }
  return FALSE;
}

HeapglassScene *
heapglass_scene_new_tween (HeapglassScene *from, HeapglassScene *to, double t)
{
  HeapglassScene *scene;
  double back;

  g_return_val_if_fail (from != NULL && to != NULL, NULL);
  back = 1 - CLAMP (t, 0, 1);
  scene = heapglass_scene_new (to->step, to->n_steps, to->line);
  for (guint i = 0; i < to->items->len; i++)
    {
      HeapglassSceneItem item = g_array_index (to->items, HeapglassSceneItem, i);
      double dx, dy;

      if (item.kind == HEAPGLASS_SCENE_ARROW)
        {
          /* The tail follows its source, the head its target, the corners in between. */
          g_autofree double *points = g_memdup2 (item.points, sizeof (double) * 2 * item.n_points);
          const HeapglassSceneItem *target = heapglass_scene_find_object (to, item.target_oid);
          double sx = 0, sy = 0, tx = 0, ty = 0;

          if (item.parent != HEAPGLASS_SCENE_NO_PARENT)
            owner_move (from, to, item.parent, &sx, &sy);
          if (target != NULL)
            owner_move (from, to, heapglass_scene_get_item_index (to, target), &tx, &ty);
          for (guint p = 0; p < item.n_points; p++)
            {
              double f = item.n_points > 1 ? (double)p / (item.n_points - 1) : 0;

              points[2 * p] += back * (sx + f * (tx - sx));
              points[2 * p + 1] += back * (sy + f * (ty - sy));
            }
          item.points = points;
          item.x0 += back * sx, item.y0 += back * sy;
          item.x1 += back * sx, item.y1 += back * sy;
          item.x2 += back * tx, item.y2 += back * ty;
          item.x3 += back * tx, item.y3 += back * ty;
          item.x += back * MIN (sx, tx), item.y += back * MIN (sy, ty);
          item.width += back * fabs (sx - tx), item.height += back * fabs (sy - ty);
          heapglass_scene_add_item (scene, &item);
          continue;
        }
      owner_move (from, to, i, &dx, &dy);
      dx *= back, dy *= back;
      item.x += dx, item.y += dy;
      item.x0 += dx, item.y0 += dy, item.x1 += dx, item.y1 += dy;
      heapglass_scene_add_item (scene, &item);
    }
  heapglass_scene_finish (scene, 0);
  /* The extents stay those of the step shown, so the view does not jump when it ends. */
  scene->x = to->x, scene->y = to->y, scene->width = to->width, scene->height = to->height;
  return scene;
}

/* ---- exception notes ------------------------------------------------------------------------ */

/* The first `n` characters of `text` (UTF-8) appended to `line`. */
static void
append_chars (GString *line, const char *text, glong n)
{
  const char *end = g_utf8_offset_to_pointer (text, n);

  g_string_append_len (line, text, end - text);
}

GStrv
heapglass_scene_wrap_note (const char *text, guint max_chars, guint max_lines)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (GString) line = g_string_new (NULL);
  g_auto (GStrv) words = NULL;
  glong line_chars = 0;
  guint n_lines = 0;
  gboolean cut = FALSE;

  g_return_val_if_fail (max_chars >= 2 && max_lines >= 1, NULL);

  words = g_strsplit (text != NULL ? text : "", " ", -1);
  for (guint w = 0; words[w] != NULL && !cut; w++)
    {
      const char *word = words[w];
      glong word_chars = g_utf8_strlen (word, -1);

      if (word_chars == 0)
        continue;
      if (line_chars > 0 && line_chars + 1 + word_chars <= (glong)max_chars)
        {
          g_string_append_c (line, ' ');
          append_chars (line, word, word_chars);
          line_chars += 1 + word_chars;
          continue;
        }
      /* The word starts a line of its own; a long one fills lines until what is left fits. */
      while (!cut)
        {
          if (line_chars > 0)
            {
              if (n_lines + 1 == max_lines)
                {
                  cut = TRUE;
                  break;
                }
              g_strv_builder_add (builder, line->str);
              n_lines++;
              g_string_truncate (line, 0);
              line_chars = 0;
            }
          if (word_chars <= (glong)max_chars)
            {
              append_chars (line, word, word_chars);
              line_chars = word_chars;
              break;
            }
          append_chars (line, word, max_chars);
          line_chars = max_chars;
          word = g_utf8_offset_to_pointer (word, max_chars);
          word_chars -= max_chars;
        }
    }
  if (cut)
    {
      /* room for the ellipsis on the last line */
      if (line_chars >= (glong)max_chars)
        g_string_truncate (line, g_utf8_offset_to_pointer (line->str, max_chars - 1) - line->str);
      g_string_append (line, "…");
    }
  if (line->len > 0 || n_lines == 0)
    g_strv_builder_add (builder, line->str);
  return g_strv_builder_end (builder);
}

double
heapglass_scene_note_height (guint n_lines)
{
  return HEAPGLASS_SCENE_NOTE_PAD + MAX (n_lines, 1) * HEAPGLASS_SCENE_NOTE_LINE_H;
}
