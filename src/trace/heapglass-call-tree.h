/* heapglass-call-tree.h: every call of a run as a tree (fib(5) → fib(4), fib(3) …), built in one
 * pass over the trace; arguments and labels are worked out only for the calls someone asks about.
 */
#pragma once

#include "heapglass-trace.h"

G_BEGIN_DECLS

/* One argument of a call: the parameter's name, the object bound to it when the call began, and
 * that object's short text ("5", "'abc'", "list[3]"). */
typedef struct
{
  const char *name;
  guint64 oid;
  const char *text;
} HeapglassCallArgument;

#define HEAPGLASS_TYPE_CALL_TREE (heapglass_call_tree_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassCallTree, heapglass_call_tree, HEAPGLASS, CALL_TREE, GObject)

/* Calls are numbered by their frame_id (HeapglassFrameView.frame_id): 1 … n_calls, in the order
 * they began; 0 means "no call". */
HeapglassCallTree *heapglass_call_tree_new (HeapglassTrace *trace);
HeapglassTrace *heapglass_call_tree_get_trace (HeapglassCallTree *self);
/* Takes in what the trace decoded since (a run still going); TRUE if the tree changed. Calls keep
 * their numbers; every count and label may change. */
gboolean heapglass_call_tree_update (HeapglassCallTree *self);

guint heapglass_call_tree_get_n_calls (HeapglassCallTree *self);
guint heapglass_call_tree_get_n_roots (HeapglassCallTree *self);
guint heapglass_call_tree_get_root (HeapglassCallTree *self, guint index);
guint heapglass_call_tree_get_parent (HeapglassCallTree *self, guint call);
guint heapglass_call_tree_get_n_children (HeapglassCallTree *self, guint call);
guint heapglass_call_tree_get_child (HeapglassCallTree *self, guint call, guint index);
/* Where the call is among its caller's children (or among the roots), for finding its row. */
guint heapglass_call_tree_get_child_index (HeapglassCallTree *self, guint call);
/* Calls made below this one, at any depth. */
guint heapglass_call_tree_get_n_descendants (HeapglassCallTree *self, guint call);
const char *heapglass_call_tree_get_function (HeapglassCallTree *self, guint call);
guint heapglass_call_tree_get_depth (HeapglassCallTree *self, guint call); /* 1 = outermost */
guint heapglass_call_tree_get_first_step (HeapglassCallTree *self, guint call);
guint heapglass_call_tree_get_last_step (HeapglassCallTree *self, guint call);

/* The call running at `step` (the innermost frame), 0 if none. */
guint heapglass_call_tree_find_call_at_step (HeapglassCallTree *self, guint step);

/* The arguments as bound when the call began (its parameters), owned by the tree. */
const HeapglassCallArgument *heapglass_call_tree_get_arguments (HeapglassCallTree *self, guint call,
                                                                guint *n_arguments);
/* What the call returned: TRUE with the value's oid and short text (owned by the tree) when the
 * trace recorded it; FALSE while it runs, when it raised, or when the trace cannot say. */
gboolean heapglass_call_tree_get_return (HeapglassCallTree *self, guint call, guint64 *oid,
                                         const char **text);
/* One line for the call: "fib(n=5) → 5", "<module>", "walk(node=Node) raised KeyError". */
char *heapglass_call_tree_get_label (HeapglassCallTree *self, guint call);
/* What a collapsed call hides: "… 40 calls", or NULL when it made none. */
char *heapglass_call_tree_get_summary (HeapglassCallTree *self, guint call);

G_END_DECLS
