/* heapglass-call-tree.c: every call of a run as a tree. The structure (callers, children, steps,
 * counts) is built in one pass over the model's calls; arguments and labels need a snapshot each,
 * so they are made only for the calls a panel shows, and kept. */
#include "config.h"

#include <glib/gi18n.h>

#include "heapglass-call-tree.h"
#include "heapglass-trace-calls.h"
#include "heapglass-value-text.h"

/* The arguments of one call, made on demand. */
typedef struct
{
  guint n;
  HeapglassCallArgument *args;
  GStringChunk *strings;
  gboolean has_return;
  guint64 return_oid;
  const char *return_text;
  gboolean raised; /* it returned without a value: an exception unwound it */
} CallDetails;

struct _HeapglassCallTree
{
  GObject parent_instance;

  HeapglassTrace *trace;
  guint n_steps_seen;
  GArray *calls;     /* HeapglassCallRecord, index call - 1 */
  guint32 *n_desc;   /* descendants of each call */
  guint32 *child_at; /* where each call's children start in `children` */
  guint32 *n_child;
  guint32 *children;   /* every call but the roots, grouped by caller, in call order */
  GArray *roots;       /* guint32 */
  GHashTable *details; /* call → CallDetails */
};

G_DEFINE_FINAL_TYPE (HeapglassCallTree, heapglass_call_tree, G_TYPE_OBJECT)

static void
call_details_free (gpointer data)
{
  CallDetails *d = data;
  g_free (d->args);
  g_string_chunk_free (d->strings);
  g_free (d);
}

static void
clear_structure (HeapglassCallTree *self)
{
  g_clear_pointer (&self->calls, g_array_unref);
  g_clear_pointer (&self->n_desc, g_free);
  g_clear_pointer (&self->child_at, g_free);
  g_clear_pointer (&self->n_child, g_free);
  g_clear_pointer (&self->children, g_free);
  g_clear_pointer (&self->roots, g_array_unref);
}

static void
heapglass_call_tree_finalize (GObject *object)
{
  HeapglassCallTree *self = HEAPGLASS_CALL_TREE (object);

  clear_structure (self);
  g_clear_pointer (&self->details, g_hash_table_unref);
  g_clear_object (&self->trace);
  G_OBJECT_CLASS (heapglass_call_tree_parent_class)->finalize (object);
}

static void
heapglass_call_tree_class_init (HeapglassCallTreeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = heapglass_call_tree_finalize;
}

static void
heapglass_call_tree_init (HeapglassCallTree *self)
{
  self->details = g_hash_table_new_full (NULL, NULL, NULL, call_details_free);
}

/* Children grouped by caller with a counting sort, descendants summed from the newest call back:
 * a caller always began before its callees, so its number is smaller. O(calls). */
static void
build_structure (HeapglassCallTree *self)
{
  const HeapglassCallRecord *rec;
  guint n;
  guint32 *fill;

  clear_structure (self);
  self->calls = heapglass_trace_get_calls (self->trace);
  rec = (const HeapglassCallRecord *)(const void *)self->calls->data;
  n = self->calls->len;
  self->n_desc = g_new0 (guint32, n + 1);
  self->child_at = g_new0 (guint32, n + 1);
  self->n_child = g_new0 (guint32, n + 1);
  self->children = g_new (guint32, n + 1);
  self->roots = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint i = 0; i < n; i++)
    {
      guint parent = rec[i].parent;
      if (parent == 0 || parent > i)
        {
          guint32 call = i + 1;
          g_array_append_val (self->roots, call);
        }
      else
        self->n_child[parent - 1]++;
    }
  for (guint i = 0, at = 0; i < n; i++)
    {
      self->child_at[i] = at;
      at += self->n_child[i];
    }
  fill = g_new0 (guint32, n + 1);
  for (guint i = 0; i < n; i++)
    {
      guint parent = rec[i].parent;
      if (parent != 0 && parent <= i)
        self->children[self->child_at[parent - 1] + fill[parent - 1]++] = i + 1;
    }
  g_free (fill);
  for (guint i = n; i > 0; i--)
    {
      guint parent = rec[i - 1].parent;
      if (parent != 0 && parent < i)
        self->n_desc[parent - 1] += self->n_desc[i - 1] + 1;
    }
}

HeapglassCallTree *
heapglass_call_tree_new (HeapglassTrace *trace)
{
  HeapglassCallTree *self;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), NULL);

  self = g_object_new (HEAPGLASS_TYPE_CALL_TREE, NULL);
  self->trace = g_object_ref (trace);
  self->n_steps_seen = heapglass_trace_get_n_steps (trace);
  build_structure (self);
  return self;
}

HeapglassTrace *
heapglass_call_tree_get_trace (HeapglassCallTree *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), NULL);
  return self->trace;
}

gboolean
heapglass_call_tree_update (HeapglassCallTree *self)
{
  guint n_steps;

  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), FALSE);

  n_steps = heapglass_trace_get_n_steps (self->trace);
  if (n_steps == self->n_steps_seen)
    return FALSE;
  /* Labels of calls that were still running may now have a return value. */
  self->n_steps_seen = n_steps;
  g_hash_table_remove_all (self->details);
  build_structure (self);
  return TRUE;
}

static const HeapglassCallRecord *
record (HeapglassCallTree *self, guint call)
{
  if (call == 0 || call > self->calls->len)
    return NULL;
  return &g_array_index (self->calls, HeapglassCallRecord, call - 1);
}

guint
heapglass_call_tree_get_n_calls (HeapglassCallTree *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), 0);
  return self->calls->len;
}

guint
heapglass_call_tree_get_n_roots (HeapglassCallTree *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), 0);
  return self->roots->len;
}

guint
heapglass_call_tree_get_root (HeapglassCallTree *self, guint index)
{
  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), 0);
  return index < self->roots->len ? g_array_index (self->roots, guint32, index) : 0;
}

guint
heapglass_call_tree_get_parent (HeapglassCallTree *self, guint call)
{
  const HeapglassCallRecord *r;

  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), 0);
  r = record (self, call);
  return r && r->parent < call ? r->parent : 0;
}

guint
heapglass_call_tree_get_n_children (HeapglassCallTree *self, guint call)
{
  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), 0);
  return record (self, call) ? self->n_child[call - 1] : 0;
}

guint
heapglass_call_tree_get_child (HeapglassCallTree *self, guint call, guint index)
{
  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), 0);
  if (record (self, call) == NULL || index >= self->n_child[call - 1])
    return 0;
  return self->children[self->child_at[call - 1] + index];
}

/* Children are stored in call order, so a binary search over the caller's finds the call. */
static guint
index_in (const guint32 *list, guint n, guint call)
{
  guint lo = 0, hi = n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (list[mid] < call)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

guint
heapglass_call_tree_get_child_index (HeapglassCallTree *self, guint call)
{
  guint parent;

  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), 0);
  if (record (self, call) == NULL)
    return 0;
  parent = heapglass_call_tree_get_parent (self, call);
  if (parent == 0)
    return index_in ((const guint32 *)(const void *)self->roots->data, self->roots->len, call);
  return index_in (self->children + self->child_at[parent - 1], self->n_child[parent - 1], call);
}

guint
heapglass_call_tree_get_n_descendants (HeapglassCallTree *self, guint call)
{
  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), 0);
  return record (self, call) ? self->n_desc[call - 1] : 0;
}

const char *
heapglass_call_tree_get_function (HeapglassCallTree *self, guint call)
{
  const HeapglassCallRecord *r;

  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), NULL);
  r = record (self, call);
  return r ? r->function : NULL;
}

guint
heapglass_call_tree_get_depth (HeapglassCallTree *self, guint call)
{
  const HeapglassCallRecord *r;

  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), 0);
  r = record (self, call);
  return r ? r->depth : 0;
}

guint
heapglass_call_tree_get_first_step (HeapglassCallTree *self, guint call)
{
  const HeapglassCallRecord *r;

  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), 0);
  r = record (self, call);
  return r ? r->first_step : 0;
}

guint
heapglass_call_tree_get_last_step (HeapglassCallTree *self, guint call)
{
  const HeapglassCallRecord *r;

  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), 0);
  r = record (self, call);
  return r ? r->last_step : 0;
}

guint
heapglass_call_tree_find_call_at_step (HeapglassCallTree *self, guint step)
{
  guint call;

  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), 0);
  call = heapglass_trace_get_step_frame (self->trace, step);
  return record (self, call) ? call : 0;
}

/* Short text of an argument: the value itself when it has one, else its type and length. */
static char *
short_text (const HeapglassObjectView *object)
{
  char *text;

  if (object == NULL)
    return g_strdup ("?");
  text = heapglass_value_text (object, 24);
  if (text != NULL)
    return text;
  switch (object->kind)
    {
    case HG_KIND_LIST:
    case HG_KIND_TUPLE:
    case HG_KIND_SET:
    case HG_KIND_FROZENSET:
    case HG_KIND_DICT:
      return g_strdup_printf ("%s[%" G_GUINT64_FORMAT "]", object->type_name, object->length);
    default:
      return g_strdup (object->type_name);
    }
}

static CallDetails *
details (HeapglassCallTree *self, guint call)
{
  const HeapglassCallRecord *r = record (self, call);
  CallDetails *d;
  g_autoptr (HeapglassSnapshot) snap = NULL;

  if (r == NULL)
    return NULL;
  d = g_hash_table_lookup (self->details, GUINT_TO_POINTER (call));
  if (d != NULL)
    return d;

  d = g_new0 (CallDetails, 1);
  d->strings = g_string_chunk_new (64);
  /* At its first step the call is the innermost frame and holds only its parameters; a snapshot
   * of two frames (outermost and innermost) is enough however deep the stack is. */
  if (r->first_step != 0)
    snap = heapglass_trace_snapshot_limited (self->trace, r->first_step, 2);
  for (guint f = 0; snap != NULL && f < snap->n_frames; f++)
    {
      const HeapglassFrameView *frame = &snap->frames[f];
      if (frame->frame_id != call)
        continue;
      d->n = frame->n_bindings;
      d->args = g_new0 (HeapglassCallArgument, d->n);
      for (guint i = 0; i < frame->n_bindings; i++)
        {
          g_autofree char *text
              = short_text (heapglass_snapshot_find_object (snap, frame->oids[i]));
          d->args[i].name = g_string_chunk_insert_const (d->strings, frame->names[i]);
          d->args[i].oid = frame->oids[i];
          d->args[i].text = g_string_chunk_insert_const (d->strings, text);
        }
    }
  /* Its last step is its return, which names the value returned; a return straight after an
   * exception step of its own is an exception going through (Python reports None for it). */
  if (r->last_step > r->first_step
      && heapglass_trace_get_step_frame (self->trace, r->last_step) == call
      && heapglass_trace_get_step_event (self->trace, r->last_step) == HEAPGLASS_EVENT_RETURN)
    {
      g_autoptr (HeapglassSnapshot) last = NULL;

      if (heapglass_trace_get_step_event (self->trace, r->last_step - 1)
              == HEAPGLASS_EVENT_EXCEPTION
          && heapglass_trace_get_step_frame (self->trace, r->last_step - 1) == call)
        d->raised = TRUE;
      else
        last = heapglass_trace_snapshot_limited (self->trace, r->last_step, 2);
      if (last != NULL && last->return_value != 0)
        {
          g_autofree char *text
              = short_text (heapglass_snapshot_find_object (last, last->return_value));
          d->has_return = TRUE;
          d->return_oid = last->return_value;
          d->return_text = g_string_chunk_insert_const (d->strings, text);
        }
    }
  g_hash_table_insert (self->details, GUINT_TO_POINTER (call), d);
  return d;
}

const HeapglassCallArgument *
heapglass_call_tree_get_arguments (HeapglassCallTree *self, guint call, guint *n_arguments)
{
  CallDetails *d;

  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), NULL);
  g_return_val_if_fail (n_arguments != NULL, NULL);

  d = details (self, call);
  *n_arguments = d ? d->n : 0;
  return d ? d->args : NULL;
}

gboolean
heapglass_call_tree_get_return (HeapglassCallTree *self, guint call, guint64 *oid,
                                const char **text)
{
  CallDetails *d;

  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), FALSE);

  d = details (self, call);
  if (d == NULL || !d->has_return)
    return FALSE;
  if (oid)
    *oid = d->return_oid;
  if (text)
    *text = d->return_text;
  return TRUE;
}

char *
heapglass_call_tree_get_label (HeapglassCallTree *self, guint call)
{
  const HeapglassCallRecord *r;
  CallDetails *d;
  GString *label;

  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), NULL);

  r = record (self, call);
  if (r == NULL)
    return NULL;
  label = g_string_new (r->function ? r->function : "?");
  /* The module is not called with arguments; its "parameters" would be every global. */
  if (g_strcmp0 (r->function, "<module>") == 0)
    return g_string_free (label, FALSE);
  d = details (self, call);
  g_string_append_c (label, '(');
  for (guint i = 0; i < d->n; i++)
    g_string_append_printf (label, "%s%s=%s", i ? ", " : "", d->args[i].name, d->args[i].text);
  g_string_append_c (label, ')');
  if (d->has_return)
    g_string_append_printf (label, " → %s", d->return_text);
  else if (d->raised)
    /* TRANSLATORS: after a call in the call tree, "walk(node=Node) raised" */
    g_string_append_printf (label, " %s", _ ("raised"));
  return g_string_free (label, FALSE);
}

char *
heapglass_call_tree_get_summary (HeapglassCallTree *self, guint call)
{
  guint n;

  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE (self), NULL);

  n = heapglass_call_tree_get_n_descendants (self, call);
  if (n == 0)
    return NULL;
  /* TRANSLATORS: what a collapsed call in the call tree hides, e.g. "… 40 calls" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "… %u call", "… %u calls", n), n);
}
