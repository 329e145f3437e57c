/* heapglass-canvas-item.c: a shape of the diagram as an accessible, focusable child widget. */
#include "config.h"

#include "heapglass-canvas-item.h"

#include <math.h>

struct _HeapglassCanvasItem
{
  GtkWidget parent_instance;

  graphene_rect_t bounds;
  guint index;
  char *label;
  char *description;
  GtkWidget *flow_to; /* not a reference: the canvas unsets it before that widget goes */
  gboolean selected;
  guint64 cache_key; /* what the texts were made from; 0 = nothing */
  guint64 key;       /* which shape it stands for (the canvas's key) */
  gboolean placed;   /* allocated at `bounds` already */
};

G_DEFINE_FINAL_TYPE (HeapglassCanvasItem, heapglass_canvas_item, GTK_TYPE_WIDGET)

static void
heapglass_canvas_item_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                               int *minimum, int *natural, int *minimum_baseline,
                               int *natural_baseline)
{
  *minimum = *natural = 0;
}

static void
heapglass_canvas_item_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    if (HEAPGLASS_IS_CANVAS_ITEM (child) && gtk_widget_get_visible (child))
      heapglass_canvas_item_allocate (HEAPGLASS_CANVAS_ITEM (child));
}

/* The canvas draws every shape and the focus ring itself. */
static void
heapglass_canvas_item_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
}

static void
heapglass_canvas_item_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&HEAPGLASS_CANVAS_ITEM (object)->label, g_free);
  g_clear_pointer (&HEAPGLASS_CANVAS_ITEM (object)->description, g_free);
  G_OBJECT_CLASS (heapglass_canvas_item_parent_class)->dispose (object);
}

static void
heapglass_canvas_item_class_init (HeapglassCanvasItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heapglass_canvas_item_dispose;
  widget_class->measure = heapglass_canvas_item_measure;
  widget_class->size_allocate = heapglass_canvas_item_size_allocate;
  widget_class->snapshot = heapglass_canvas_item_snapshot;
  gtk_widget_class_set_css_name (widget_class, "heapglass-canvas-item");
}

static void
heapglass_canvas_item_init (HeapglassCanvasItem *self)
{
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
}

GtkWidget *
heapglass_canvas_item_new (GtkAccessibleRole role)
{
  return g_object_new (HEAPGLASS_TYPE_CANVAS_ITEM, "accessible-role", role, NULL);
}

gboolean
heapglass_canvas_item_set_bounds (HeapglassCanvasItem *self, const graphene_rect_t *bounds)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS_ITEM (self), FALSE);
  if (self->placed && graphene_rect_equal (&self->bounds, bounds))
    return FALSE;
  self->bounds = *bounds;
  self->placed = FALSE;
  return TRUE;
}

gboolean
heapglass_canvas_item_is_placed (HeapglassCanvasItem *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS_ITEM (self), FALSE);
  return self->placed;
}

const graphene_rect_t *
heapglass_canvas_item_get_bounds (HeapglassCanvasItem *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS_ITEM (self), NULL);
  return &self->bounds;
}

void
heapglass_canvas_item_set_index (HeapglassCanvasItem *self, guint index)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS_ITEM (self));
  self->index = index;
}

guint
heapglass_canvas_item_get_index (HeapglassCanvasItem *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS_ITEM (self), 0);
  return self->index;
}

void
heapglass_canvas_item_allocate (HeapglassCanvasItem *self)
{
  GtkAllocation allocation;

  g_return_if_fail (HEAPGLASS_IS_CANVAS_ITEM (self));

  allocation.x = (int)floorf (self->bounds.origin.x);
  allocation.y = (int)floorf (self->bounds.origin.y);
  allocation.width = MAX (1, (int)ceilf (self->bounds.size.width));
  allocation.height = MAX (1, (int)ceilf (self->bounds.size.height));
  gtk_widget_size_allocate (GTK_WIDGET (self), &allocation, -1);
  self->placed = TRUE;
}

void
heapglass_canvas_item_set_text (HeapglassCanvasItem *self, const char *label,
                                const char *description)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS_ITEM (self));

  /* unchanged text sends nothing to the screen reader */
  if (g_strcmp0 (self->label, label) != 0)
    {
      g_free (self->label);
      self->label = g_strdup (label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      label ? label : "", -1);
    }
  if (g_strcmp0 (self->description, description) != 0)
    {
      g_free (self->description);
      self->description = g_strdup (description);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      description ? description : "", -1);
    }
}

const char *
heapglass_canvas_item_get_label (HeapglassCanvasItem *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS_ITEM (self), NULL);
  return self->label;
}

const char *
heapglass_canvas_item_get_description (HeapglassCanvasItem *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS_ITEM (self), NULL);
  return self->description;
}

void
heapglass_canvas_item_set_flow_to (HeapglassCanvasItem *self, GtkWidget *target)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS_ITEM (self));

  if (self->flow_to == target)
    return;
  self->flow_to = target;
  if (target)
    gtk_accessible_update_relation (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_RELATION_FLOW_TO, target,
                                    NULL, -1);
  else
    gtk_accessible_reset_relation (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_RELATION_FLOW_TO);
}

GtkWidget *
heapglass_canvas_item_get_flow_to (HeapglassCanvasItem *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS_ITEM (self), NULL);
  return self->flow_to;
}

void
heapglass_canvas_item_set_selected (HeapglassCanvasItem *self, gboolean selected)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS_ITEM (self));

  selected = !!selected;
  if (self->selected == selected)
    return;
  self->selected = selected;
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_SELECTED, selected, -1);
}

void
heapglass_canvas_item_set_cache_key (HeapglassCanvasItem *self, guint64 key)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS_ITEM (self));
  self->cache_key = key;
}

guint64
heapglass_canvas_item_get_cache_key (HeapglassCanvasItem *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS_ITEM (self), 0);
  return self->cache_key;
}

void
heapglass_canvas_item_set_key (HeapglassCanvasItem *self, guint64 key)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS_ITEM (self));
  self->key = key;
}

const guint64 *
heapglass_canvas_item_get_key (HeapglassCanvasItem *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS_ITEM (self), NULL);
  return &self->key;
}
