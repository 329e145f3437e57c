/* heapglass-canvas-item.h: an invisible child widget of the canvas standing for one shape of the
 * diagram (a frame, a name, an object, a collapse marker) so that screen readers see the diagram's
 * parts, their labels, descriptions and relations, and keyboard focus can rest on each of them.
 * GTK 4.8 has no accessible objects other than widgets; these draw nothing (the canvas draws) and
 * let pointer events through to the canvas. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HEAPGLASS_TYPE_CANVAS_ITEM (heapglass_canvas_item_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassCanvasItem, heapglass_canvas_item, HEAPGLASS, CANVAS_ITEM,
                      GtkWidget)

GtkWidget *heapglass_canvas_item_new (GtkAccessibleRole role);

/* Where the item is, in its parent's coordinates as the canvas computed them (a name's bounds are
 * relative to its frame's). Takes effect at the next allocation. */
void heapglass_canvas_item_set_bounds (HeapglassCanvasItem *self, const graphene_rect_t *bounds);
const graphene_rect_t *heapglass_canvas_item_get_bounds (HeapglassCanvasItem *self);

/* The scene item it stands for, as an index into the scene the canvas shows. */
void heapglass_canvas_item_set_index (HeapglassCanvasItem *self, guint index);
guint heapglass_canvas_item_get_index (HeapglassCanvasItem *self);

/* Allocates the item (clamped to a visible size) and its children at their bounds. */
void heapglass_canvas_item_allocate (HeapglassCanvasItem *self);

/* Accessible label and description; only changes reach the screen reader. */
void heapglass_canvas_item_set_text (HeapglassCanvasItem *self, const char *label,
                                     const char *description);
const char *heapglass_canvas_item_get_label (HeapglassCanvasItem *self);
const char *heapglass_canvas_item_get_description (HeapglassCanvasItem *self);

/* The item this one leads to (a name: its object), as the FLOW_TO relation; NULL for none. */
void heapglass_canvas_item_set_flow_to (HeapglassCanvasItem *self, GtkWidget *target);
GtkWidget *heapglass_canvas_item_get_flow_to (HeapglassCanvasItem *self);

/* The selected object (GTK_ACCESSIBLE_STATE_SELECTED). */
void heapglass_canvas_item_set_selected (HeapglassCanvasItem *self, gboolean selected);

G_END_DECLS
