/* heapglass-call-node.c: one row's item in the call tree panel: a call of a call tree. */
#include "config.h"

#include "heapglass-call-node.h"

struct _HeapglassCallNode
{
  GObject parent_instance;
  HeapglassCallTree *tree;
  guint call;
};

G_DEFINE_FINAL_TYPE (HeapglassCallNode, heapglass_call_node, G_TYPE_OBJECT)

static void
heapglass_call_node_finalize (GObject *object)
{
  g_clear_object (&HEAPGLASS_CALL_NODE (object)->tree);
  G_OBJECT_CLASS (heapglass_call_node_parent_class)->finalize (object);
}

static void
heapglass_call_node_class_init (HeapglassCallNodeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = heapglass_call_node_finalize;
}

static void
heapglass_call_node_init (HeapglassCallNode *self)
{
}

HeapglassCallNode *
heapglass_call_node_new (HeapglassCallTree *tree, guint call)
{
  HeapglassCallNode *self;

  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (tree), NULL);
  self = g_object_new (HEAPGLASS_TYPE_CALL_NODE, NULL);
  self->tree = g_object_ref (tree);
  self->call = call;
  return self;
}

HeapglassCallTree *
heapglass_call_node_get_tree (HeapglassCallNode *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CALL_NODE (self), NULL);
  return self->tree;
}

guint
heapglass_call_node_get_call (HeapglassCallNode *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CALL_NODE (self), 0);
  return self->call;
}
