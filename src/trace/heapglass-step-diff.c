/* heapglass-step-diff.c: a pinned step against the current one, from two snapshots and the
 * objects' change histories (so a list appended to and back is still "mutated"). */
#include "config.h"

#include "heapglass-step-diff.h"
#include "heapglass-trace-changes.h"

/* Deep stacks: the outermost and innermost frames, as the diagram shows them. */
#define MAX_FRAMES 256

typedef struct
{
  HeapglassStepDiff pub;
  HeapglassSnapshot *pinned;
  HeapglassSnapshot *current;
  GHashTable *marks;    /* oid → HeapglassDiffMark */
  GHashTable *rebounds; /* "frame_id\tname" → 1 */
} HeapglassStepDiffPrivate;

static gboolean
alive_at (const HeapglassObjectView *v, guint step)
{
  return v->created_step <= step && (v->freed_step == 0 || v->freed_step > step);
}

/* Contents changed in (from, to]: its value, items or attributes, not just its refcount. */
static gboolean
changed_between (HeapglassTrace *trace, guint64 oid, guint from, guint to)
{
  g_autoptr (GArray) changes = heapglass_trace_get_content_changes (trace, oid);

  for (guint i = 0; changes != NULL && i < changes->len; i++)
    {
      guint s = g_array_index (changes, guint, i);
      if (s > from && s <= to)
        return TRUE;
    }
  return FALSE;
}

static void
mark (HeapglassStepDiffPrivate *priv, GArray *list, guint64 oid, HeapglassDiffMark m)
{
  if (g_hash_table_contains (priv->marks, GSIZE_TO_POINTER ((gsize)oid)))
    return;
  g_hash_table_insert (priv->marks, GSIZE_TO_POINTER ((gsize)oid), GINT_TO_POINTER (m));
  g_array_append_val (list, oid);
}

HeapglassStepDiff *
heapglass_step_diff_new (HeapglassTrace *trace, guint pinned, guint current)
{
  HeapglassStepDiffPrivate *priv;
  HeapglassStepDiff *diff;
  guint n_steps, lo, hi;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), NULL);
  n_steps = heapglass_trace_get_n_steps (trace);
  g_return_val_if_fail (pinned >= 1 && pinned <= n_steps, NULL);
  g_return_val_if_fail (current >= 1 && current <= n_steps, NULL);

  priv = g_new0 (HeapglassStepDiffPrivate, 1);
  diff = &priv->pub;
  diff->pinned_step = pinned;
  diff->current_step = current;
  diff->created = g_array_new (FALSE, FALSE, sizeof (guint64));
  diff->gone = g_array_new (FALSE, FALSE, sizeof (guint64));
  diff->mutated = g_array_new (FALSE, FALSE, sizeof (guint64));
  diff->rebound = g_array_new (FALSE, FALSE, sizeof (HeapglassRebinding));
  priv->marks = g_hash_table_new (NULL, NULL);
  priv->rebounds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  priv->pinned = heapglass_trace_snapshot_limited (trace, pinned, MAX_FRAMES);
  priv->current = heapglass_trace_snapshot_limited (trace, current, MAX_FRAMES);
  if (pinned == current)
    return diff;
  lo = MIN (pinned, current);
  hi = MAX (pinned, current);

  for (guint o = 0; o < priv->current->n_objects; o++)
    {
      const HeapglassObjectView *v = &priv->current->objects[o];
      if (v->freed)
        continue;
      if (!alive_at (v, pinned))
        mark (priv, diff->created, v->oid, HEAPGLASS_DIFF_NEW);
      else if (changed_between (trace, v->oid, lo, hi))
        mark (priv, diff->mutated, v->oid, HEAPGLASS_DIFF_MUTATED);
    }
  for (guint o = 0; o < priv->pinned->n_objects; o++)
    {
      const HeapglassObjectView *v = &priv->pinned->objects[o];
      if (!v->freed && !alive_at (v, current))
        mark (priv, diff->gone, v->oid, HEAPGLASS_DIFF_GONE);
    }

  for (guint f = 0; f < priv->current->n_frames; f++)
    {
      const HeapglassFrameView *frame = &priv->current->frames[f];
      const HeapglassFrameView *before
          = heapglass_snapshot_find_frame (priv->pinned, frame->frame_id);
      for (guint i = 0; i < frame->n_bindings; i++)
        {
          guint64 old_oid = heapglass_frame_view_get_binding (before, frame->names[i]);
          HeapglassRebinding r;
          if (old_oid == frame->oids[i])
            continue;
          r.frame_id = frame->frame_id;
          r.function = frame->function;
          r.name = frame->names[i];
          r.old_oid = old_oid;
          r.new_oid = frame->oids[i];
          g_array_append_val (diff->rebound, r);
          g_hash_table_add (priv->rebounds,
                            g_strdup_printf ("%u\t%s", frame->frame_id, frame->names[i]));
        }
    }
  return diff;
}

void
heapglass_step_diff_free (HeapglassStepDiff *diff)
{
  HeapglassStepDiffPrivate *priv = (HeapglassStepDiffPrivate *)diff;

  if (diff == NULL)
    return;
  g_array_unref (diff->created);
  g_array_unref (diff->gone);
  g_array_unref (diff->mutated);
  g_array_unref (diff->rebound);
  g_hash_table_unref (priv->marks);
  g_hash_table_unref (priv->rebounds);
  g_clear_pointer (&priv->pinned, heapglass_snapshot_unref);
  g_clear_pointer (&priv->current, heapglass_snapshot_unref);
  g_free (priv);
}

HeapglassDiffMark
heapglass_step_diff_get_mark (const HeapglassStepDiff *diff, guint64 oid)
{
  const HeapglassStepDiffPrivate *priv = (const HeapglassStepDiffPrivate *)diff;

  g_return_val_if_fail (diff != NULL, HEAPGLASS_DIFF_NONE);
  return (HeapglassDiffMark)GPOINTER_TO_INT (
      g_hash_table_lookup (priv->marks, GSIZE_TO_POINTER ((gsize)oid)));
}

gboolean
heapglass_step_diff_is_rebound (const HeapglassStepDiff *diff, guint frame_id, const char *name)
{
  const HeapglassStepDiffPrivate *priv = (const HeapglassStepDiffPrivate *)diff;
  g_autofree char *key = NULL;

  g_return_val_if_fail (diff != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  key = g_strdup_printf ("%u\t%s", frame_id, name);
  return g_hash_table_contains (priv->rebounds, key);
}

gboolean
heapglass_step_diff_is_empty (const HeapglassStepDiff *diff)
{
  g_return_val_if_fail (diff != NULL, TRUE);
  return diff->created->len == 0 && diff->gone->len == 0 && diff->mutated->len == 0
         && diff->rebound->len == 0;
}

const HeapglassSnapshot *
heapglass_step_diff_get_pinned_snapshot (const HeapglassStepDiff *diff)
{
  g_return_val_if_fail (diff != NULL, NULL);
  return ((const HeapglassStepDiffPrivate *)diff)->pinned;
}

const HeapglassSnapshot *
heapglass_step_diff_get_current_snapshot (const HeapglassStepDiff *diff)
{
  g_return_val_if_fail (diff != NULL, NULL);
  return ((const HeapglassStepDiffPrivate *)diff)->current;
}
