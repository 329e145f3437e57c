/* heapglass-canvas-item.h: an invisible child widget of the canvas standing for one shape of the
 * diagram (a frame, a name, an object, a collapse marker) so that screen readers see the diagram's
 * parts, their labels, descriptions and relations, and keyboard focus can rest on each of them.
 * GTK 4.8 has no accessible objects other than widgets; these draw nothing (the canvas draws) and
 * let pointer events through to the canvas. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HEAPGLASS_TYPE_CANVAS_ITEM (heapglass_canvas_item_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassCanvasItem, heapglass_canvas_item, HEAPGLASS, CANVAS_ITEM, GtkWidget)

GtkWidget *heapglass_canvas_item_new (GtkAccessibleRole role);

/* Where the item is, in its parent's coordinates as the canvas computed them (a name's bounds are
 * relative to its frame's). Takes effect at the next allocation. */
gboolean heapglass_canvas_item_set_bounds (HeapglassCanvasItem *self,
                                           const graphene_rect_t *bounds); /* TRUE: moved */
/* Allocated at its bounds since they last changed: GTK keeps that allocation. */
gboolean heapglass_canvas_item_is_placed (HeapglassCanvasItem *self);
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

/* A digest of what the texts were made from, so that an unchanged shape is not described again at
 * every step (0: unknown, always describe). */
void heapglass_canvas_item_set_cache_key (HeapglassCanvasItem *self, guint64 key);
guint64 heapglass_canvas_item_get_cache_key (HeapglassCanvasItem *self);

/* Which shape the item stands for, as the canvas names shapes across steps; the pointer stays
 * valid as long as the item (a hash table key). */
void heapglass_canvas_item_set_key (HeapglassCanvasItem *self, guint64 key);
const guint64 *heapglass_canvas_item_get_key (HeapglassCanvasItem *self);

G_END_DECLS
