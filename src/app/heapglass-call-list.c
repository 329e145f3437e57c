/* heapglass-call-list.c: a call's callees as a list model for GtkTreeListModel. Items are made on
 * first request and kept, so a row keeps its item while it scrolls in and out of view. */
#include "config.h"

#include "heapglass-call-list.h"
#include "heapglass-call-node.h"

struct _HeapglassCallList
{
  GObject parent_instance;
  HeapglassCallTree *tree;
  guint call;
  guint n_items;
  GPtrArray *items; /* HeapglassCallNode or NULL until asked for */
};

/* Items never asked for stay NULL. */
static void
unref_node (gpointer node)
{
  if (node != NULL)
    g_object_unref (node);
}

static void heapglass_call_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HeapglassCallList, heapglass_call_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      heapglass_call_list_model_init))

static GType
call_list_get_item_type (GListModel *model)
{
  return HEAPGLASS_TYPE_CALL_NODE;
}

static guint
call_list_get_n_items (GListModel *model)
{
  return HEAPGLASS_CALL_LIST (model)->n_items;
}

static gpointer
call_list_get_item (GListModel *model, guint position)
{
  HeapglassCallList *self = HEAPGLASS_CALL_LIST (model);
  HeapglassCallNode *node;

  if (position >= self->n_items)
    return NULL;
  node = g_ptr_array_index (self->items, position);
  if (node == NULL)
    {
      node = heapglass_call_node_new (
          self->tree, self->call ? heapglass_call_tree_get_child (self->tree, self->call, position)
                                 : heapglass_call_tree_get_root (self->tree, position));
      g_ptr_array_index (self->items, position) = node;
    }
  return g_object_ref (node);
}

static void
heapglass_call_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = call_list_get_item_type;
  iface->get_n_items = call_list_get_n_items;
  iface->get_item = call_list_get_item;
}

static void
heapglass_call_list_finalize (GObject *object)
{
  HeapglassCallList *self = HEAPGLASS_CALL_LIST (object);

  g_ptr_array_unref (self->items);
  g_clear_object (&self->tree);
  G_OBJECT_CLASS (heapglass_call_list_parent_class)->finalize (object);
}

static void
heapglass_call_list_class_init (HeapglassCallListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = heapglass_call_list_finalize;
}

static void
heapglass_call_list_init (HeapglassCallList *self)
{
}

HeapglassCallList *
heapglass_call_list_new (HeapglassCallTree *tree, guint call)
{
  HeapglassCallList *self;

  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (tree), NULL);

  self = g_object_new (HEAPGLASS_TYPE_CALL_LIST, NULL);
  self->tree = g_object_ref (tree);
  self->call = call;
  self->n_items = call ? heapglass_call_tree_get_n_children (tree, call)
                       : heapglass_call_tree_get_n_roots (tree);
  self->items = g_ptr_array_new_full (self->n_items, unref_node);
  g_ptr_array_set_size (self->items, (gint)self->n_items);
  return self;
}
