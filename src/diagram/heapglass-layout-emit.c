/* heapglass-layout-emit.c: turns the placed plan of one step into its scene: frames and their
 * names, objects and their cells, headings and notes, and one routed arrow per reference. */
#include "heapglass-layout-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

typedef struct
{
  guint source; /* item index of the NAME or SLOT */
  double sx, sy;
  guint column; /* of the source: 0 for a frame */
  guint64 target;
  HeapglassSceneFlags flags;
  guint frame_id;
  guint64 oid;
  guint slot;
} PendingArrow;

/* Did this slot of a container that changed at this step get a new value (mutated slot)? */
static gboolean
slot_changed (HeapglassLayout *self, const HeapglassObjectView *obj, guint index, gboolean key)
{
  const HeapglassObjectView *before;

  if (!obj->changed || obj->freed || g_hash_table_size (self->previous) == 0)
    return FALSE;
  before = g_hash_table_lookup (self->previous, &obj->oid);
  if (before == NULL)
    return FALSE; /* new this step: the whole box is highlighted */

  switch (obj->kind)
    {
    case HG_KIND_LIST:
    case HG_KIND_TUPLE:
    case HG_KIND_SET:
    case HG_KIND_FROZENSET:
      return index >= before->n_items || before->items[index] != obj->items[index];
    case HG_KIND_DICT:
      for (guint i = 0; i < before->n_items; i++)
        if (before->items[2 * i] == obj->items[2 * index])
          return !key && before->items[2 * i + 1] != obj->items[2 * index + 1];
      return TRUE;
    case HG_KIND_INSTANCE:
      for (guint i = 0; i < before->n_attrs; i++)
        if (g_strcmp0 (before->attr_names[i], obj->attr_names[index]) == 0)
          return before->attr_oids[i] != obj->attr_oids[index];
      return TRUE;
    case HG_KIND_WEAKREF:
      return before->referent != obj->referent;
    default:
      return FALSE;
    }
}

/* With a trace, the step before tells which slots of the changed containers changed and which
 * of the objects freed now were drawn before (only those are ghosts). */
static HeapglassSnapshot *
index_previous (HeapglassLayout *self, const HeapglassSnapshot *snapshot)
{
  HeapglassSnapshot *previous = NULL;
  gboolean changed = FALSE, freed = FALSE;

  g_hash_table_remove_all (self->previous);
  g_clear_pointer (&self->was_shown, g_hash_table_unref);
  if (self->trace == NULL || snapshot->step <= 1
      || snapshot->step > heapglass_trace_get_n_steps (self->trace))
    return NULL;
  for (guint i = 0; i < snapshot->n_objects && !(changed && freed); i++)
    {
      const HeapglassObjectView *obj = &snapshot->objects[i];

      freed |= obj->freed;
      changed
          |= obj->changed && obj->created_step != snapshot->step
             && (obj->kind == HG_KIND_LIST || obj->kind == HG_KIND_TUPLE || obj->kind == HG_KIND_SET
                 || obj->kind == HG_KIND_FROZENSET || obj->kind == HG_KIND_DICT
                 || obj->kind == HG_KIND_INSTANCE || obj->kind == HG_KIND_WEAKREF);
    }
  if (!changed && !freed)
    return NULL;
  previous = heapglass_layout_snapshot (self, self->trace, snapshot->step - 1);
  if (previous == NULL)
    return NULL;
  if (freed)
    self->was_shown = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < previous->n_objects; i++)
    {
      const HeapglassObjectView *obj = &previous->objects[i];
      const HeapglassObjectView *now = _heapglass_layout_lookup (self, obj->oid);

      if (now && now->changed)
        g_hash_table_insert (self->previous, (gpointer)&obj->oid, (gpointer)obj);
      if (freed && !obj->freed)
        g_hash_table_insert (self->was_shown, (gpointer)&obj->oid, GUINT_TO_POINTER (2));
    }
  /* What the program's names held comes first among the ghosts. */
  for (guint f = 0; freed && f < previous->n_frames; f++)
    for (guint b = 0; b < previous->frames[f].n_bindings; b++)
      if (g_hash_table_contains (self->was_shown, &previous->frames[f].oids[b]))
        g_hash_table_insert (self->was_shown, (gpointer)&previous->frames[f].oids[b],
                             GUINT_TO_POINTER (1));
  return previous;
}

static void
emit_frames (HeapglassLayout *self, HeapglassScene *scene, const HeapglassSnapshot *snapshot,
             GArray *arrows)
{
  for (guint f = 0; f < self->frames->len; f++)
    {
      const FrameBox *box = &g_array_index (self->frames, FrameBox, f);
      const HeapglassFrameView *frame;
      HeapglassSceneItem item = { 0 };
      guint frame_index, n_rows;

      item.parent = HEAPGLASS_SCENE_NO_PARENT;
      if (box->index == G_MAXUINT)
        {
          g_autofree char *count = _heapglass_layout_format_count (box->hidden);
          g_autofree char *text = g_strdup_printf (_ ("… %s frames …"), count);

          item.kind = HEAPGLASS_SCENE_FRAMES_MARKER;
          item.x = MARGIN;
          item.y = box->y;
          item.width = FRAME_W;
          item.height = box->h;
          item.count = box->hidden;
          item.first_depth = f > 0 ? g_array_index (self->frames, FrameBox, f - 1).index + 1 : 0;
          item.text = text;
          heapglass_scene_add_item (scene, &item);
          continue;
        }

      frame = &snapshot->frames[box->index];
      item.kind = HEAPGLASS_SCENE_FRAME;
      item.x = MARGIN;
      item.y = box->y;
      item.width = FRAME_W;
      item.height = box->h;
      item.frame_id = frame->frame_id;
      item.name = frame->function;
      item.slot = box->index; /* depth */
      if (box->index + 1 == snapshot->n_frames)
        item.flags |= HEAPGLASS_SCENE_FLAG_CURRENT;
      g_string_printf (self->text, _ ("line %u"), frame->line);
      if (frame->exception_type)
        {
          item.flags |= HEAPGLASS_SCENE_FLAG_EXCEPTION;
          g_autofree char *note = _heapglass_layout_exception_text (frame);

          g_string_assign (self->text, note);
        }
      item.count = frame->line; /* the header shows it even when text is the exception */
      item.text = self->text->str;
      frame_index = heapglass_scene_add_item (scene, &item);

      n_rows = frame->n_bindings + (_heapglass_layout_frame_returns (snapshot, box->index) ? 1 : 0);
      for (guint b = 0; b < n_rows; b++)
        {
          gboolean result = b == frame->n_bindings;
          guint64 oid = result ? snapshot->return_value : frame->oids[b];
          const HeapglassObjectView *obj = _heapglass_layout_lookup (self, oid);
          HeapglassSceneItem name = { 0 };
          g_autofree char *inline_text = _heapglass_layout_is_inline (self, obj)
                                             ? _heapglass_layout_value_text (obj, INLINE_MAX_CHARS)
                                             : NULL;
          double sx, sy, sw, sh;
          guint name_index;

          _heapglass_layout_name_slot_rect (box, b, inline_text, &sx, &sy, &sw, &sh);
          name.kind = HEAPGLASS_SCENE_NAME;
          name.x = MARGIN + 4;
          name.y = box->y + FRAME_HEAD_H + b * ROW_H;
          name.width = FRAME_W - 8;
          name.height = ROW_H;
          name.frame_id = frame->frame_id;
          name.slot = b;
          name.oid = oid;
          name.target_oid = oid;
          /* Translators: the row of a returning frame that holds what it returns. */
          name.name = result ? _ ("return value") : frame->names[b];
          name.parent = frame_index;
          name.object_kind = obj ? obj->kind : HG_KIND_NONE;
          name.x0 = sx, name.y0 = sy, name.x1 = sx + sw, name.y1 = sy + sh;
          if (result || (frame->rebound && frame->rebound[b]))
            name.flags |= HEAPGLASS_SCENE_FLAG_CHANGED;
          if (inline_text)
            {
              name.flags |= HEAPGLASS_SCENE_FLAG_INLINE;
              name.text = inline_text;
            }
          name_index = heapglass_scene_add_item (scene, &name);
          if (!inline_text)
            {
              PendingArrow arrow = { name_index,
                                     sx + sw / 2,
                                     sy + sh / 2,
                                     0,
                                     oid,
                                     name.flags & HEAPGLASS_SCENE_FLAG_CHANGED,
                                     frame->frame_id,
                                     0,
                                     b };

              g_array_append_val (arrows, arrow);
            }
        }
    }
}

static void
emit_object (HeapglassLayout *self, HeapglassScene *scene, const Node *node, GArray *arrows)
{
  const HeapglassObjectView *obj = node->obj;
  HeapglassSceneItem item = { 0 };
  Geometry geom;
  guint object_index;

  _heapglass_layout_object_geometry (self, obj, &geom);
  item.kind = HEAPGLASS_SCENE_OBJECT;
  item.x = node->x;
  item.y = node->y;
  item.width = node->w;
  item.height = geom.h;
  item.oid = obj->oid;
  item.target_oid = obj->oid;
  item.object_kind = obj->kind;
  item.name = obj->type_name ? obj->type_name : heapglass_kind_to_string (obj->kind);
  item.text = geom.value;
  item.parent = HEAPGLASS_SCENE_NO_PARENT;
  if (obj->changed)
    item.flags |= HEAPGLASS_SCENE_FLAG_CHANGED;
  if (node->ghost)
    item.flags |= HEAPGLASS_SCENE_FLAG_FREED;
  if (geom.dead)
    item.flags |= HEAPGLASS_SCENE_FLAG_DEAD;
  if (g_hash_table_contains (self->expanded, &obj->oid))
    item.flags |= HEAPGLASS_SCENE_FLAG_EXPANDED;
  object_index = heapglass_scene_add_item (scene, &item);
  g_free (geom.value);

  for (guint c = 0; c < self->cells->len; c++)
    {
      const Cell *cell = &g_array_index (self->cells, Cell, c);
      HeapglassSceneItem slot = { 0 };
      guint slot_index;
      char index_label[24];

      slot.x = node->x + cell->x;
      slot.y = node->y + cell->y;
      /* A ghost is drawn as wide as its label: its cells follow the box. */
      slot.width = cell->w >= geom.w - 0.5 ? node->w - cell->x : cell->w;
      slot.height = cell->h;
      slot.x0 = slot.x + cell->vx;
      slot.y0 = slot.y;
      slot.x1 = slot.x + slot.width;
      slot.y1 = slot.y + cell->h;
      slot.oid = obj->oid;
      slot.object_kind = obj->kind;
      slot.parent = object_index;
      slot.slot = cell->index;
      slot.flags = cell->flags | (item.flags & HEAPGLASS_SCENE_FLAG_FREED);
      slot.text = cell->text;
      if (cell->marker)
        {
          slot.kind = HEAPGLASS_SCENE_MORE_MARKER;
          slot.count = cell->count;
          heapglass_scene_add_item (scene, &slot);
          continue;
        }
      slot.kind = HEAPGLASS_SCENE_SLOT;
      /* No arrows out of a ghost: what it referred to may live on elsewhere. */
      slot.target_oid = node->ghost ? 0 : cell->target;
      if (slot_changed (self, obj, cell->index, cell->flags & HEAPGLASS_SCENE_FLAG_KEY))
        slot.flags |= HEAPGLASS_SCENE_FLAG_CHANGED;
      if (cell->label)
        slot.name = cell->label;
      else if (obj->kind == HG_KIND_LIST || obj->kind == HG_KIND_TUPLE)
        {
          g_snprintf (index_label, sizeof index_label, "%u", cell->index);
          slot.name = index_label;
        }
      else if (obj->kind == HG_KIND_WEAKREF && (cell->flags & HEAPGLASS_SCENE_FLAG_DEAD))
        slot.text = _ ("dead");
      slot_index = heapglass_scene_add_item (scene, &slot);

      if (slot.target_oid != 0)
        {
          PendingArrow arrow
              = { slot_index, 0, 0, node->column, cell->target, 0, 0, obj->oid, cell->index };
          double ax, ay;

          _heapglass_layout_cell_anchor (cell, &ax, &ay);
          arrow.sx = node->x + ax;
          arrow.sy = node->y + ay;
          if (obj->kind == HG_KIND_WEAKREF)
            arrow.flags |= HEAPGLASS_SCENE_FLAG_WEAK;
          g_array_append_val (arrows, arrow);
        }
    }
  g_array_set_size (self->cells, 0);
}

static void
add_arrow (HeapglassLayout *self, HeapglassScene *scene, const PendingArrow *pending)
{
  guint target = GPOINTER_TO_UINT (g_hash_table_lookup (self->node_of, &pending->target));
  HeapglassSceneItem arrow = { 0 };
  double points[16];
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  guint n;

  if (target == 0 || g_array_index (self->nodes, Node, target - 1).ghost)
    return;
  n = _heapglass_layout_route (self, pending->sx, pending->sy, pending->column, target - 1, points);
  arrow.kind = HEAPGLASS_SCENE_ARROW;
  arrow.flags = pending->flags;
  arrow.target_oid = pending->target;
  arrow.frame_id = pending->frame_id;
  arrow.oid = pending->oid;
  arrow.slot = pending->slot;
  arrow.parent = pending->source;
  arrow.object_kind = HG_KIND_NONE;
  arrow.n_points = n;
  arrow.points = points;
  arrow.x0 = points[0], arrow.y0 = points[1];
  arrow.x1 = points[2], arrow.y1 = points[3];
  arrow.x2 = points[2 * n - 4], arrow.y2 = points[2 * n - 3];
  arrow.x3 = points[2 * n - 2], arrow.y3 = points[2 * n - 1];
  for (guint i = 0; i < n; i++)
    {
      x0 = MIN (x0, points[2 * i]), x1 = MAX (x1, points[2 * i]);
      y0 = MIN (y0, points[2 * i + 1]), y1 = MAX (y1, points[2 * i + 1]);
    }
  arrow.x = x0;
  arrow.y = y0;
  arrow.width = x1 - x0;
  arrow.height = y1 - y0;
  heapglass_scene_add_item (scene, &arrow);
}

static void
emit_extras (HeapglassLayout *self, HeapglassScene *scene)
{
  for (guint i = 0; i < self->extras->len; i++)
    {
      const Extra *extra = &g_array_index (self->extras, Extra, i);
      HeapglassSceneItem item = { 0 };

      item.kind = extra->note ? HEAPGLASS_SCENE_NOTE : HEAPGLASS_SCENE_LABEL;
      item.x = extra->x;
      item.y = extra->y;
      item.width = extra->w;
      item.height = extra->h;
      item.text = extra->text;
      item.parent = HEAPGLASS_SCENE_NO_PARENT;
      heapglass_scene_add_item (scene, &item);
    }
}

/* Sorted nodes of each column, for routing. */
static void
index_columns (HeapglassLayout *self)
{
  g_ptr_array_set_size (self->col_nodes, 0);
  for (guint c = 0; c < self->col_w->len; c++)
    g_ptr_array_add (self->col_nodes, g_array_new (FALSE, FALSE, sizeof (guint)));
  for (guint i = 0; i < self->nodes->len; i++)
    {
      const Node *node = &g_array_index (self->nodes, Node, i);

      if (!node->ghost && node->column < self->col_nodes->len)
        g_array_append_val (g_ptr_array_index (self->col_nodes, node->column), i);
    }
  /* Packing fills a column top to bottom, band after band: already in order of y. */
}

HeapglassScene *
_heapglass_layout_emit (HeapglassLayout *self, const HeapglassSnapshot *snapshot)
{
  HeapglassScene *scene = heapglass_scene_new (snapshot->step, snapshot->n_steps, snapshot->line);
  g_autoptr (GArray) arrows = g_array_new (FALSE, FALSE, sizeof (PendingArrow));
  g_autoptr (HeapglassSnapshot) previous = index_previous (self, snapshot);

  _heapglass_layout_place (self, snapshot);
  index_columns (self);
  emit_frames (self, scene, snapshot, arrows);
  for (guint i = 0; i < self->nodes->len; i++)
    emit_object (self, scene, &g_array_index (self->nodes, Node, i), arrows);
  emit_extras (self, scene);
  _heapglass_layout_lanes_begin (self);
  for (guint a = 0; a < arrows->len; a++)
    {
      const PendingArrow *arrow = &g_array_index (arrows, PendingArrow, a);
      guint target = GPOINTER_TO_UINT (g_hash_table_lookup (self->node_of, &arrow->target));

      if (target != 0 && !g_array_index (self->nodes, Node, target - 1).ghost)
        _heapglass_layout_lanes_add (self, arrow->sy, arrow->column, target - 1);
    }
  _heapglass_layout_lanes_assign (self);
  for (guint a = 0; a < arrows->len; a++)
    add_arrow (self, scene, &g_array_index (arrows, PendingArrow, a));
  heapglass_scene_finish (scene, MARGIN);

  g_hash_table_remove_all (self->positions);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      const Node *node = &g_array_index (self->nodes, Node, i);
      double *pos = g_new (double, 2);

      pos[0] = node->x;
      pos[1] = node->y;
      g_hash_table_insert (self->positions, g_memdup2 (&node->obj->oid, sizeof (guint64)), pos);
    }
  g_hash_table_remove_all (self->previous);
  g_clear_pointer (&self->was_shown, g_hash_table_unref);
  return scene;
}
