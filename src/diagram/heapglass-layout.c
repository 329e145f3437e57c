/* heapglass-layout.c: the layout object: its options, what the reader expanded, and building a
 * step's scene (placement, routing and emission live in heapglass-layout-{place,route,emit}.c). */
#include "heapglass-layout-private.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_FINAL_TYPE (HeapglassLayout, heapglass_layout, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_INLINE_VALUES,
  PROP_MAX_SLOTS,
  PROP_MAX_FRAMES,
  PROP_SHOW_UNREACHABLE,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

HeapglassSnapshot *
heapglass_layout_snapshot (HeapglassLayout *self, HeapglassTrace *trace, guint step)
{
  guint max_frames;

  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), NULL);
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), NULL);

  max_frames
      = self->extra_frames > G_MAXUINT / 4 ? G_MAXUINT / 2 : self->max_frames + self->extra_frames;
  return heapglass_trace_snapshot_limited (trace, step, max_frames);
}

/* Positions follow each step's structure, so there is nothing to walk ahead of time: the trace
 * is kept for what a step needs from its neighbour (changed slots, ghosts) and the ending. */
void
heapglass_layout_prepare (HeapglassLayout *self, HeapglassTrace *trace, guint last_step)
{
  g_return_if_fail (HEAPGLASS_IS_LAYOUT (self));
  g_return_if_fail (HEAPGLASS_IS_TRACE (trace));
  (void)last_step;
  g_set_object (&self->trace, trace);
}

void
heapglass_layout_reset (HeapglassLayout *self)
{
  g_return_if_fail (HEAPGLASS_IS_LAYOUT (self));
  g_clear_object (&self->trace);
  g_hash_table_remove_all (self->positions);
  g_hash_table_remove_all (self->expanded);
  self->extra_frames = 0;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

gboolean
heapglass_layout_get_position (HeapglassLayout *self, guint64 oid, double *x, double *y)
{
  const double *pos;

  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), FALSE);
  pos = g_hash_table_lookup (self->positions, &oid);
  if (pos == NULL)
    return FALSE;
  if (x)
    *x = pos[0];
  if (y)
    *y = pos[1];
  return TRUE;
}

HeapglassScene *
heapglass_layout_build_scene (HeapglassLayout *self, HeapglassSnapshot *snapshot)
{
  HeapglassScene *scene;

  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), NULL);
  g_return_val_if_fail (snapshot != NULL, NULL);

  g_hash_table_remove_all (self->by_oid);
  g_hash_table_remove_all (self->user_classes);
  self->has_modules = FALSE;
  for (guint i = 0; i < snapshot->n_objects; i++)
    {
      const HeapglassObjectView *obj = &snapshot->objects[i];

      g_hash_table_insert (self->by_oid, (gpointer)&obj->oid, (gpointer)obj);
      if (obj->kind == HG_KIND_CLASS && obj->text)
        g_hash_table_add (self->user_classes, (gpointer)obj->text);
      self->has_modules |= obj->kind == HG_KIND_MODULE;
    }
  scene = _heapglass_layout_emit (self, snapshot);
  /* The plan points into the snapshot, which the caller may free now. */
  g_hash_table_remove_all (self->by_oid);
  g_hash_table_remove_all (self->user_classes);
  g_hash_table_remove_all (self->node_of);
  g_array_set_size (self->nodes, 0);
  g_array_set_size (self->extras, 0);
  return scene;
}

void
heapglass_layout_set_show_library_objects (HeapglassLayout *self, gboolean show)
{
  g_return_if_fail (HEAPGLASS_IS_LAYOUT (self));
  show = !!show;
  if (self->show_library == show)
    return;
  self->show_library = show;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_UNREACHABLE]);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

gboolean
heapglass_layout_get_show_library_objects (HeapglassLayout *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), FALSE);
  return self->show_library;
}

/* ---------------------------------------------------------------------------------------------- */
/* Options and expansion */

void
heapglass_layout_set_inline_values (HeapglassLayout *self, gboolean inline_values)
{
  g_return_if_fail (HEAPGLASS_IS_LAYOUT (self));
  inline_values = !!inline_values;
  if (self->inline_values == inline_values)
    return;
  self->inline_values = inline_values;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INLINE_VALUES]);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

gboolean
heapglass_layout_get_inline_values (HeapglassLayout *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), FALSE);
  return self->inline_values;
}

void
heapglass_layout_set_max_slots (HeapglassLayout *self, guint max_slots)
{
  g_return_if_fail (HEAPGLASS_IS_LAYOUT (self));
  max_slots = MAX (max_slots, 1);
  if (self->max_slots == max_slots)
    return;
  self->max_slots = max_slots;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_SLOTS]);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

guint
heapglass_layout_get_max_slots (HeapglassLayout *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), 0);
  return self->max_slots;
}

void
heapglass_layout_set_max_frames (HeapglassLayout *self, guint max_frames)
{
  g_return_if_fail (HEAPGLASS_IS_LAYOUT (self));
  max_frames = MAX (max_frames, 2);
  if (self->max_frames == max_frames)
    return;
  self->max_frames = max_frames;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_FRAMES]);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

guint
heapglass_layout_get_max_frames (HeapglassLayout *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), 0);
  return self->max_frames;
}

void
heapglass_layout_set_object_expanded (HeapglassLayout *self, guint64 oid, gboolean expanded)
{
  g_return_if_fail (HEAPGLASS_IS_LAYOUT (self));
  if (!!expanded == g_hash_table_contains (self->expanded, &oid))
    return;
  if (expanded)
    {
      guint64 *key = g_new (guint64, 1);

      *key = oid;
      g_hash_table_add (self->expanded, key);
    }
  else
    g_hash_table_remove (self->expanded, &oid);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

gboolean
heapglass_layout_get_object_expanded (HeapglassLayout *self, guint64 oid)
{
  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), FALSE);
  return g_hash_table_contains (self->expanded, &oid);
}

void
heapglass_layout_expand_frames (HeapglassLayout *self, guint more)
{
  g_return_if_fail (HEAPGLASS_IS_LAYOUT (self));
  if (more == 0 || self->extra_frames > G_MAXUINT / 2 - more)
    self->extra_frames = G_MAXUINT / 2;
  else
    self->extra_frames += more;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
heapglass_layout_collapse_frames (HeapglassLayout *self)
{
  g_return_if_fail (HEAPGLASS_IS_LAYOUT (self));
  if (self->extra_frames == 0)
    return;
  self->extra_frames = 0;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

guint
heapglass_layout_get_extra_frames (HeapglassLayout *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), 0);
  return self->extra_frames;
}

gboolean
heapglass_layout_activate (HeapglassLayout *self, const HeapglassSceneItem *item)
{
  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  switch (item->kind)
    {
    case HEAPGLASS_SCENE_FRAMES_MARKER:
      heapglass_layout_expand_frames (self, FRAME_MARKER_STEP);
      return TRUE;
    case HEAPGLASS_SCENE_MORE_MARKER:
      heapglass_layout_set_object_expanded (self, item->oid,
                                            !g_hash_table_contains (self->expanded, &item->oid));
      return TRUE;
    case HEAPGLASS_SCENE_OBJECT:
      if (item->flags & HEAPGLASS_SCENE_FLAG_EXPANDED)
        {
          heapglass_layout_set_object_expanded (self, item->oid, FALSE);
          return TRUE;
        }
      return FALSE;
    case HEAPGLASS_SCENE_FRAME:
    case HEAPGLASS_SCENE_NAME:
    case HEAPGLASS_SCENE_SLOT:
    case HEAPGLASS_SCENE_ARROW:
    default:
      return FALSE;
    }
}

/* ---------------------------------------------------------------------------------------------- */

static void
heapglass_layout_finalize (GObject *object)
{
  HeapglassLayout *self = HEAPGLASS_LAYOUT (object);

  g_clear_pointer (&self->expanded, g_hash_table_unref);
  g_clear_pointer (&self->positions, g_hash_table_unref);
  g_clear_pointer (&self->by_oid, g_hash_table_unref);
  g_clear_pointer (&self->user_classes, g_hash_table_unref);
  g_clear_pointer (&self->node_of, g_hash_table_unref);
  g_clear_pointer (&self->previous, g_hash_table_unref);
  g_clear_pointer (&self->was_shown, g_hash_table_unref);
  g_clear_pointer (&self->nodes, g_array_unref);
  g_clear_pointer (&self->frames, g_array_unref);
  g_clear_pointer (&self->extras, g_array_unref);
  g_clear_pointer (&self->col_x, g_array_unref);
  g_clear_pointer (&self->col_w, g_array_unref);
  g_clear_pointer (&self->col_nodes, g_ptr_array_unref);
  g_clear_pointer (&self->lanes, g_array_unref);
  g_clear_pointer (&self->lane_x, g_hash_table_unref);
  g_clear_pointer (&self->cells, g_array_unref);
  g_string_free (self->text, TRUE);
  g_clear_object (&self->trace);

  G_OBJECT_CLASS (heapglass_layout_parent_class)->finalize (object);
}

static void
heapglass_layout_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  HeapglassLayout *self = HEAPGLASS_LAYOUT (object);

  switch (prop_id)
    {
    case PROP_INLINE_VALUES:
      g_value_set_boolean (value, self->inline_values);
      break;
    case PROP_MAX_SLOTS:
      g_value_set_uint (value, self->max_slots);
      break;
    case PROP_MAX_FRAMES:
      g_value_set_uint (value, self->max_frames);
      break;
    case PROP_SHOW_UNREACHABLE:
      g_value_set_boolean (value, self->show_library);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heapglass_layout_set_property (GObject *object, guint prop_id, const GValue *value,
                               GParamSpec *pspec)
{
  HeapglassLayout *self = HEAPGLASS_LAYOUT (object);

  switch (prop_id)
    {
    case PROP_INLINE_VALUES:
      heapglass_layout_set_inline_values (self, g_value_get_boolean (value));
      break;
    case PROP_MAX_SLOTS:
      heapglass_layout_set_max_slots (self, g_value_get_uint (value));
      break;
    case PROP_MAX_FRAMES:
      heapglass_layout_set_max_frames (self, g_value_get_uint (value));
      break;
    case PROP_SHOW_UNREACHABLE:
      heapglass_layout_set_show_library_objects (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heapglass_layout_class_init (HeapglassLayoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = heapglass_layout_finalize;
  object_class->get_property = heapglass_layout_get_property;
  object_class->set_property = heapglass_layout_set_property;

  properties[PROP_INLINE_VALUES]
      = g_param_spec_boolean ("inline-values", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_SLOTS]
      = g_param_spec_uint ("max-slots", NULL, NULL, 1, G_MAXUINT, 8,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_FRAMES]
      = g_param_spec_uint ("max-frames", NULL, NULL, 2, G_MAXUINT, 12,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_UNREACHABLE]
      = g_param_spec_boolean ("show-library-objects", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
extra_clear (gpointer data)
{
  Extra *extra = data;

  g_clear_pointer (&extra->text, g_free);
}

static void
heapglass_layout_init (HeapglassLayout *self)
{
  self->max_slots = 8;
  self->max_frames = 12;
  self->expanded = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->positions = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->by_oid = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->user_classes = g_hash_table_new (g_str_hash, g_str_equal);
  self->node_of = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->previous = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->nodes = g_array_new (FALSE, TRUE, sizeof (Node));
  self->frames = g_array_new (FALSE, TRUE, sizeof (FrameBox));
  self->extras = g_array_new (FALSE, TRUE, sizeof (Extra));
  g_array_set_clear_func (self->extras, extra_clear);
  self->col_x = g_array_new (FALSE, TRUE, sizeof (double));
  self->col_w = g_array_new (FALSE, TRUE, sizeof (double));
  self->col_nodes = g_ptr_array_new_with_free_func ((GDestroyNotify)g_array_unref);
  self->lanes = g_array_new (FALSE, FALSE, sizeof (Lane));
  self->lane_x = g_hash_table_new (NULL, NULL);
  self->cells = g_array_new (FALSE, TRUE, sizeof (Cell));
  g_array_set_clear_func (self->cells, _heapglass_layout_cell_clear);
  self->text = g_string_new (NULL);
}

HeapglassLayout *
heapglass_layout_new (void)
{
  return g_object_new (HEAPGLASS_TYPE_LAYOUT, NULL);
}
