/* heapglass-call-node.h: one row's item in the call tree panel: (tree, call), nothing more. */
#pragma once

#include <glib-object.h>

#include "heapglass-call-tree.h"

G_BEGIN_DECLS

#define HEAPGLASS_TYPE_CALL_NODE (heapglass_call_node_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassCallNode, heapglass_call_node, HEAPGLASS, CALL_NODE, GObject)

HeapglassCallNode *heapglass_call_node_new (HeapglassCallTree *tree, guint call);
HeapglassCallTree *heapglass_call_node_get_tree (HeapglassCallNode *self);
guint heapglass_call_node_get_call (HeapglassCallNode *self);

G_END_DECLS
