/* heapglass-call-list.h: the calls one call made (or the outermost calls) as a GListModel of
 * HeapglassCallNode, made lazily so a call with 200,000 callees costs nothing until shown. */
#pragma once

#include <gio/gio.h>

#include "heapglass-call-tree.h"

G_BEGIN_DECLS

#define HEAPGLASS_TYPE_CALL_LIST (heapglass_call_list_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassCallList, heapglass_call_list, HEAPGLASS, CALL_LIST, GObject)

/* The children of `call` in `tree`, or the roots when call is 0. */
HeapglassCallList *heapglass_call_list_new (HeapglassCallTree *tree, guint call);

G_END_DECLS
