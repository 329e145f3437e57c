/* heapglass-canvas-a11y.c: the scene of each step as accessible child widgets of the canvas. */
#include "config.h"

#include "heapglass-canvas-a11y.h"

#include <glib/gi18n.h>

#include "heapglass-canvas-item.h"
#include "heapglass-narration.h"

struct _HeapglassCanvasA11y
{
  GtkWidget *canvas; /* not a reference: the canvas owns us */
  GtkWidget *status; /* role STATUS: what the step changed */
  char *status_text; /* what the status says: the step's brief narration, then the note */
  char *brief;       /* the step's brief narration */
  char *narration;   /* the step's whole narration: the canvas's description with the note */
  char *note;        /* see heapglass_canvas_a11y_set_note() */
  HeapglassScene *scene;
  GHashTable *widgets; /* &key (see item_key) → HeapglassCanvasItem, owned by its parent */
  GPtrArray *order;    /* the widgets in scene order (parents before children) */
  GtkWidget *selected;
  guint64 selected_oid;
};

static gboolean
is_mirrored (const HeapglassSceneItem *item)
{
  switch (item->kind)
    {
    case HEAPGLASS_SCENE_FRAME:
    case HEAPGLASS_SCENE_NAME:
    case HEAPGLASS_SCENE_OBJECT:
    case HEAPGLASS_SCENE_FRAMES_MARKER:
    case HEAPGLASS_SCENE_MORE_MARKER:
      return TRUE;
    case HEAPGLASS_SCENE_SLOT:
    case HEAPGLASS_SCENE_ARROW:
    default:
      return FALSE;
    }
}

/* What a shape is, whatever step shows it: the same key keeps the same widget (and focus). The
 * kind is in the top bits; a name is its frame and binding, an object its id. */
static guint64
item_key (const HeapglassSceneItem *item)
{
  guint64 kind = (guint64)item->kind << 60;

  switch (item->kind)
    {
    case HEAPGLASS_SCENE_FRAME:
      return kind | item->frame_id;
    case HEAPGLASS_SCENE_NAME:
      return kind | ((guint64)(item->frame_id & 0x0fffffff) << 32) | item->slot;
    case HEAPGLASS_SCENE_OBJECT:
    case HEAPGLASS_SCENE_MORE_MARKER:
      return kind | (item->oid & G_GUINT64_CONSTANT (0x0fffffffffffffff));
    case HEAPGLASS_SCENE_FRAMES_MARKER:
    case HEAPGLASS_SCENE_SLOT:
    case HEAPGLASS_SCENE_ARROW:
    default:
      return kind;
    }
}

static GtkAccessibleRole
item_role (const HeapglassSceneItem *item)
{
  switch (item->kind)
    {
    case HEAPGLASS_SCENE_NAME:
      /* a reference one can follow (Enter selects its object) */
      return GTK_ACCESSIBLE_ROLE_LINK;
    case HEAPGLASS_SCENE_FRAMES_MARKER:
    case HEAPGLASS_SCENE_MORE_MARKER:
      return GTK_ACCESSIBLE_ROLE_BUTTON;
    case HEAPGLASS_SCENE_FRAME:
    case HEAPGLASS_SCENE_OBJECT:
    default:
      return GTK_ACCESSIBLE_ROLE_GROUP;
    }
}

HeapglassCanvasA11y *
heapglass_canvas_a11y_new (GtkWidget *canvas)
{
  HeapglassCanvasA11y *self = g_new0 (HeapglassCanvasA11y, 1);

  self->canvas = canvas;
  self->widgets = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->order = g_ptr_array_new ();
  /* GTK 4.8 cannot announce; a status object whose name changes is what screen readers watch */
  self->status = heapglass_canvas_item_new (GTK_ACCESSIBLE_ROLE_STATUS);
  gtk_widget_set_focusable (self->status, FALSE);
  gtk_widget_set_parent (self->status, canvas);
  return self;
}

void
heapglass_canvas_a11y_free (HeapglassCanvasA11y *self)
{
  if (self == NULL)
    return;
  for (guint i = self->order->len; i > 0; i--)
    {
      GtkWidget *widget = self->order->pdata[i - 1];
      if (gtk_widget_get_parent (widget) == self->canvas)
        gtk_widget_unparent (widget);
    }
  g_clear_pointer (&self->status, gtk_widget_unparent);
  g_ptr_array_unref (self->order);
  g_hash_table_unref (self->widgets);
  g_clear_pointer (&self->scene, heapglass_scene_unref);
  g_free (self->status_text);
  g_free (self->brief);
  g_free (self->narration);
  g_free (self->note);
  g_free (self);
}

/* ---------------------------------------------------------------------------------------------- */
/* Texts */

typedef struct
{
  HeapglassSnapshot *snapshot;
  HeapglassSnapshot *previous; /* may be NULL */
  HeapglassNarrationNames *names;
  GHashTable *frame_index; /* frame_id → index in snapshot->frames + 1 */
} Texts;

static int
frame_index (Texts *t, guint frame_id)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (t->frame_index, GUINT_TO_POINTER (frame_id))) - 1;
}

static void
describe_frame (Texts *t, const HeapglassSceneItem *item, char **label, char **description)
{
  int f = frame_index (t, item->frame_id);
  const HeapglassFrameView *frame = f >= 0 ? &t->snapshot->frames[f] : NULL;
  gboolean module = g_strcmp0 (item->name, "<module>") == 0;
  g_autoptr (GString) text = g_string_new (NULL);

  *label = module ? g_strdup (_ ("Global frame")) : g_strdup_printf ("%s()", item->name);
  if (item->flags & HEAPGLASS_SCENE_FLAG_CURRENT)
    g_string_append (text, _ ("The current frame."));
  if (frame)
    {
      if (text->len)
        g_string_append_c (text, ' ');
      /* Translators: where a frame is: "At line 6." */
      g_string_append_printf (text, _ ("At line %u."), frame->line);
      if (frame->exception_type)
        {
          g_string_append_c (text, ' ');
          /* Translators: an exception raised in a frame, and its message. */
          g_string_append_printf (text, _ ("Raised %s: %s"), frame->exception_type,
                                  frame->exception_message ? frame->exception_message : "");
        }
    }
  *description = g_string_free (g_steal_pointer (&text), FALSE);
}

static void
describe_name (Texts *t, const HeapglassSceneItem *item, char **label, char **description)
{
  int f = frame_index (t, item->frame_id);
  g_autofree char *refers = NULL;

  *label = g_strdup (item->name ? item->name : "");
  if (f >= 0 && item->slot < t->snapshot->frames[f].n_bindings)
    refers = heapglass_narration_names_describe (t->names, (guint)f, item->slot);
  else
    refers = g_strdup (item->text ? item->text : "");
  if (item->flags & HEAPGLASS_SCENE_FLAG_CHANGED)
    /* Translators: said after what a name refers to, when this step bound it. */
    *description = g_strdup_printf (_ ("%s Bound by this step."), refers);
  else
    *description = g_steal_pointer (&refers);
}

static void
describe_object (Texts *t, const HeapglassSceneItem *item, char **label, char **description)
{
  const HeapglassObjectView *object = heapglass_snapshot_find_object (t->snapshot, item->oid);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *referrers = NULL;

  *label = heapglass_narration_object_name (t->snapshot, item->oid);
  /* what the picture shows by colour and shape, said in words */
  if (item->flags & HEAPGLASS_SCENE_FLAG_FREED)
    g_string_append (text, _ ("Freed by this step."));
  else if (object && object->created_step == t->snapshot->step)
    g_string_append (text, _ ("Created by this step."));
  else if (heapglass_narration_contents_changed (t->previous, t->snapshot, item->oid))
    g_string_append (text, _ ("Changed by this step."));
  referrers = heapglass_narration_names_referrers (t->names, item->oid);
  if (referrers)
    {
      if (text->len)
        g_string_append_c (text, ' ');
      /* Translators: the names that refer to an object: "Referred to by inner's b." */
      g_string_append_printf (text, _ ("Referred to by %s."), referrers);
    }
  if (object && object->created_step > 0 && object->created_step < t->snapshot->step)
    {
      if (text->len)
        g_string_append_c (text, ' ');
      g_string_append_printf (text, _ ("Created at step %u."), object->created_step);
    }
  *description = g_string_free (g_steal_pointer (&text), FALSE);
}

static void
describe_item (Texts *t, const HeapglassSceneItem *item, char **label, char **description)
{
  switch (item->kind)
    {
    case HEAPGLASS_SCENE_FRAME:
      describe_frame (t, item, label, description);
      break;
    case HEAPGLASS_SCENE_NAME:
      describe_name (t, item, label, description);
      break;
    case HEAPGLASS_SCENE_OBJECT:
      describe_object (t, item, label, description);
      break;
    case HEAPGLASS_SCENE_FRAMES_MARKER:
      *label = g_strdup (item->text ? item->text : "…");
      *description = g_strdup (_ ("Press Enter to show the hidden frames."));
      break;
    case HEAPGLASS_SCENE_MORE_MARKER:
    default:
      *label = g_strdup (item->text ? item->text : "…");
      *description = g_strdup (_ ("Press Enter to show more items."));
      break;
    }
}

static guint64
mix (guint64 hash, guint64 value)
{
  return (hash ^ value) * 1099511628211ull;
}

static gboolean
is_container_kind (HgKind kind)
{
  return kind == HG_KIND_LIST || kind == HG_KIND_TUPLE || kind == HG_KIND_SET
         || kind == HG_KIND_FROZENSET || kind == HG_KIND_DICT || kind == HG_KIND_WEAKREF;
}

/* A digest of everything an item's texts say, or 0 when it must be described anew: at 1,000
 * objects, describing only what changed keeps a step within its budget. Containers are always
 * described again (their text shows their items, which change without them). */
static guint64
texts_key (Texts *t, const HeapglassSceneItem *item)
{
  guint64 hash = 1469598103934665603ull;

  switch (item->kind)
    {
    case HEAPGLASS_SCENE_NAME:
      {
        const HeapglassObjectView *target = heapglass_snapshot_find_object (t->snapshot, item->oid);
        if (target == NULL || is_container_kind (target->kind) || target->changed)
          return 0;
        hash = mix (hash, item->oid);
        hash = mix (hash, item->flags);
        hash = mix (hash, heapglass_narration_names_signature (t->names, item->oid));
        return hash | 1;
      }
    case HEAPGLASS_SCENE_OBJECT:
      {
        const HeapglassObjectView *object = heapglass_snapshot_find_object (t->snapshot, item->oid);
        if (object == NULL || is_container_kind (object->kind) || object->changed || object->freed)
          return 0;
        hash = mix (hash, item->oid);
        hash = mix (hash, item->flags);
        hash = mix (hash, heapglass_narration_names_signature (t->names, item->oid));
        return hash | 1;
      }
    case HEAPGLASS_SCENE_FRAME:
    case HEAPGLASS_SCENE_FRAMES_MARKER:
    case HEAPGLASS_SCENE_MORE_MARKER:
    default:
      return 0;
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* Mirroring */

static GtkWidget *
parent_widget (HeapglassCanvasA11y *self, HeapglassScene *scene, const HeapglassSceneItem *item,
               GHashTable *next)
{
  const HeapglassSceneItem *parent;
  guint64 key;
  GtkWidget *widget;

  if ((item->kind != HEAPGLASS_SCENE_NAME && item->kind != HEAPGLASS_SCENE_MORE_MARKER)
      || item->parent == HEAPGLASS_SCENE_NO_PARENT)
    return self->canvas;
  parent = heapglass_scene_get_item (scene, item->parent);
  if (parent == NULL)
    return self->canvas;
  key = item_key (parent);
  widget = g_hash_table_lookup (next, &key);
  return widget ? widget : self->canvas;
}

static void
drop_widget (HeapglassCanvasA11y *self, GtkWidget *widget)
{
  if (widget == self->selected)
    self->selected = NULL;
  /* names go with their frame: only unparent what is still attached */
  if (gtk_widget_get_parent (widget) != NULL)
    gtk_widget_unparent (widget);
}

/* Sets the description and the status from the step's narration and the note. */
static void
tell (HeapglassCanvasA11y *self)
{
  g_autofree char *description = NULL;

  g_clear_pointer (&self->status_text, g_free);
  if (self->brief != NULL || self->note != NULL)
    self->status_text = g_strjoin (" ", self->brief ? self->brief : self->note,
                                   self->brief ? self->note : NULL, NULL);
  description = g_strjoin (" ", self->narration ? self->narration : "", self->note, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->canvas),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, g_strstrip (description),
                                  -1);
  heapglass_canvas_item_set_text (HEAPGLASS_CANVAS_ITEM (self->status), self->status_text, NULL);
}

void
heapglass_canvas_a11y_update (HeapglassCanvasA11y *self, HeapglassTrace *trace,
                              HeapglassScene *scene, HeapglassSnapshot *snapshot,
                              HeapglassSnapshot *previous)
{
  g_autoptr (GHashTable) next = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  g_autoptr (GHashTable) prev_sibling = g_hash_table_new (NULL, NULL); /* parent → last child */
  g_autoptr (HeapglassSnapshot) own_previous = NULL;
  g_autoptr (GArray) frames = g_array_new (FALSE, FALSE, sizeof (guint));
  Texts texts = { 0 };
  guint n = scene && snapshot ? heapglass_scene_get_n_items (scene) : 0;

  if (self == NULL) /* the canvas is being disposed */
    return;

  if (scene != self->scene)
    {
      g_clear_pointer (&self->scene, heapglass_scene_unref);
      self->scene = scene ? heapglass_scene_ref (scene) : NULL;
    }

  if (snapshot != NULL && snapshot->step > 1
      && (previous == NULL || previous->step + 1 != snapshot->step) && trace != NULL)
    {
      own_previous = heapglass_trace_snapshot_limited (trace, snapshot->step - 1,
                                                       HEAPGLASS_NARRATION_MAX_FRAMES);
      previous = own_previous;
    }
  if (n > 0)
    {
      texts.snapshot = snapshot;
      texts.previous = previous;
      texts.frame_index = g_hash_table_new (NULL, NULL);
      /* the frames the picture shows: their names are the aliases told */
      for (guint f = 0; f < snapshot->n_frames; f++)
        g_hash_table_insert (texts.frame_index, GUINT_TO_POINTER (snapshot->frames[f].frame_id),
                             GINT_TO_POINTER ((int)f + 1));
      for (guint i = 0; i < n; i++)
        {
          const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);
          int f;
          if (item->kind != HEAPGLASS_SCENE_FRAME)
            continue;
          f = frame_index (&texts, item->frame_id);
          if (f >= 0)
            g_array_append_val (frames, f);
        }
      texts.names
          = heapglass_narration_names_new (snapshot, (const guint *)frames->data, frames->len);
    }

  g_hash_table_insert (prev_sibling, self->canvas, self->status);
  for (guint i = 0; i < n; i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);
      guint64 key, cache_key;
      GtkWidget *widget = NULL, *parent, *after;

      if (!is_mirrored (item))
        continue;
      key = item_key (item);
      if (g_hash_table_contains (next, &key))
        continue; /* the scene shows it twice: one widget is enough */
      widget = g_hash_table_lookup (self->widgets, &key);
      if (widget)
        g_hash_table_remove (self->widgets, &key);
      parent = parent_widget (self, scene, item, next);
      if (widget != NULL && gtk_widget_get_parent (widget) != parent)
        {
          drop_widget (self, widget);
          widget = NULL;
        }
      if (widget == NULL)
        {
          widget = heapglass_canvas_item_new (item_role (item));
          heapglass_canvas_item_set_key (HEAPGLASS_CANVAS_ITEM (widget), key);
          gtk_widget_set_parent (widget, parent);
        }
      /* keep the children in scene order: the order screen readers read them in */
      after = g_hash_table_lookup (prev_sibling, parent);
      if (gtk_widget_get_prev_sibling (widget) != after)
        gtk_widget_insert_after (widget, parent, after);
      g_hash_table_insert (prev_sibling, parent, widget);

      heapglass_canvas_item_set_index (HEAPGLASS_CANVAS_ITEM (widget), i);
      /* a shape described before from the same facts keeps its texts */
      cache_key = texts_key (&texts, item);
      if (cache_key == 0
          || cache_key != heapglass_canvas_item_get_cache_key (HEAPGLASS_CANVAS_ITEM (widget)))
        {
          g_autofree char *label = NULL;
          g_autofree char *description = NULL;

          describe_item (&texts, item, &label, &description);
          heapglass_canvas_item_set_text (HEAPGLASS_CANVAS_ITEM (widget), label, description);
          heapglass_canvas_item_set_cache_key (HEAPGLASS_CANVAS_ITEM (widget), cache_key);
        }
      g_hash_table_insert (
          next, (gpointer)heapglass_canvas_item_get_key (HEAPGLASS_CANVAS_ITEM (widget)), widget);
      g_ptr_array_add (order, widget);
    }

  /* what left the picture: children (names, markers) first, as a frame takes its own along */
  for (int pass = 0; pass < 2; pass++)
    {
      GHashTableIter iter;
      gpointer widget;

      g_hash_table_iter_init (&iter, self->widgets);
      while (g_hash_table_iter_next (&iter, NULL, &widget))
        {
          GtkWidget *parent = gtk_widget_get_parent (widget);
          if (parent != NULL && (parent == self->canvas) == (pass == 1))
            {
              g_hash_table_iter_remove (&iter);
              drop_widget (self, widget);
            }
        }
    }
  g_hash_table_unref (self->widgets);
  self->widgets = g_steal_pointer (&next);
  g_ptr_array_set_size (self->order, 0);
  g_ptr_array_extend (self->order, order, NULL, NULL);

  /* relations: a name leads to its object */
  for (guint i = 0; i < self->order->len; i++)
    {
      HeapglassCanvasItem *widget = self->order->pdata[i];
      const HeapglassSceneItem *item
          = heapglass_scene_get_item (scene, heapglass_canvas_item_get_index (widget));
      GtkWidget *target = NULL;

      if (item->kind == HEAPGLASS_SCENE_NAME && item->oid != 0)
        {
          const HeapglassSceneItem *object = heapglass_scene_find_object (scene, item->oid);
          target = object ? heapglass_canvas_a11y_get_widget (self, object) : NULL;
        }
      heapglass_canvas_item_set_flow_to (widget, target);
    }
  heapglass_canvas_a11y_set_selected (self, self->selected_oid);

  /* the canvas tells the whole step; the status says what changed, for announcing */
  g_clear_pointer (&self->narration, g_free);
  g_clear_pointer (&self->brief, g_free);
  if (snapshot != NULL)
    {
      self->narration = heapglass_narration_describe_snapshots (previous, snapshot);
      self->brief = heapglass_narration_describe_brief (previous, snapshot);
    }
  tell (self);

  g_clear_pointer (&texts.names, heapglass_narration_names_free);
  g_clear_pointer (&texts.frame_index, g_hash_table_unref);
  gtk_widget_queue_allocate (self->canvas);
}

void
heapglass_canvas_a11y_set_selected (HeapglassCanvasA11y *self, guint64 oid)
{
  GtkWidget *widget = NULL;

  if (self == NULL) /* the canvas is being disposed */
    return;

  self->selected_oid = oid;
  if (oid != 0 && self->scene != NULL)
    {
      const HeapglassSceneItem *object = heapglass_scene_find_object (self->scene, oid);
      widget = object ? heapglass_canvas_a11y_get_widget (self, object) : NULL;
    }
  if (widget == self->selected)
    return;
  if (self->selected)
    heapglass_canvas_item_set_selected (HEAPGLASS_CANVAS_ITEM (self->selected), FALSE);
  self->selected = widget;
  if (widget)
    heapglass_canvas_item_set_selected (HEAPGLASS_CANVAS_ITEM (widget), TRUE);
}

void
heapglass_canvas_a11y_allocate (HeapglassCanvasA11y *self, double zoom, double offset_x,
                                double offset_y)
{
  graphene_rect_t status = GRAPHENE_RECT_INIT (0, 0, 1, 1);

  if (self == NULL) /* the canvas is being disposed */
    return;

  heapglass_canvas_item_set_bounds (HEAPGLASS_CANVAS_ITEM (self->status), &status);
  heapglass_canvas_item_allocate (HEAPGLASS_CANVAS_ITEM (self->status));
  if (self->scene == NULL)
    return;

  /* bounds first (a name is placed relative to its frame), then allocate from the top */
  for (guint i = 0; i < self->order->len; i++)
    {
      HeapglassCanvasItem *widget = self->order->pdata[i];
      const HeapglassSceneItem *item
          = heapglass_scene_get_item (self->scene, heapglass_canvas_item_get_index (widget));
      double x = item->x - offset_x, y = item->y - offset_y;
      GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (widget));
      graphene_rect_t bounds;

      if (parent != self->canvas && HEAPGLASS_IS_CANVAS_ITEM (parent))
        {
          const HeapglassSceneItem *outer = heapglass_scene_get_item (
              self->scene, heapglass_canvas_item_get_index (HEAPGLASS_CANVAS_ITEM (parent)));
          x = item->x - outer->x;
          y = item->y - outer->y;
        }
      graphene_rect_init (&bounds, (float)(x * zoom), (float)(y * zoom),
                          (float)(item->width * zoom), (float)(item->height * zoom));
      heapglass_canvas_item_set_bounds (widget, &bounds);
    }
  /* only what moved: the others keep the allocation GTK has (it re-applies it itself) */
  for (guint i = 0; i < self->order->len; i++)
    {
      GtkWidget *widget = self->order->pdata[i];
      GtkWidget *parent = gtk_widget_get_parent (widget);

      if (heapglass_canvas_item_is_placed (HEAPGLASS_CANVAS_ITEM (widget)))
        continue;
      if (parent == self->canvas)
        heapglass_canvas_item_allocate (HEAPGLASS_CANVAS_ITEM (widget));
      else if (HEAPGLASS_IS_CANVAS_ITEM (parent)
               && heapglass_canvas_item_is_placed (HEAPGLASS_CANVAS_ITEM (parent)))
        heapglass_canvas_item_allocate (HEAPGLASS_CANVAS_ITEM (widget));
    }
}

GtkWidget *
heapglass_canvas_a11y_get_widget (HeapglassCanvasA11y *self, const HeapglassSceneItem *item)
{
  guint64 key;

  if (self == NULL || item == NULL || !is_mirrored (item))
    return NULL;
  key = item_key (item);
  return g_hash_table_lookup (self->widgets, &key);
}

int
heapglass_canvas_a11y_get_index (HeapglassCanvasA11y *self, GtkWidget *widget)
{
  if (self == NULL || !HEAPGLASS_IS_CANVAS_ITEM (widget) || widget == self->status
      || self->scene == NULL)
    return -1;
  return (int)heapglass_canvas_item_get_index (HEAPGLASS_CANVAS_ITEM (widget));
}

const char *
heapglass_canvas_a11y_get_status (HeapglassCanvasA11y *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->status_text;
}

void
heapglass_canvas_a11y_set_note (HeapglassCanvasA11y *self, const char *note)
{
  if (self == NULL) /* the canvas is being disposed */
    return;
  if (g_strcmp0 (note, self->note) == 0)
    return;
  g_free (self->note);
  self->note = g_strdup (note);
  tell (self);
}
