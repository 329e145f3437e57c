/* heapglass-trace-changes.c: content-change histories and hidden names, for the teaching tools
 * (compare with a pinned step, predict the next step, a chapter's hidden names). */
#include "config.h"

#include "heapglass-trace-changes.h"
#include "heapglass-trace-private.h"

static int
compare_uint (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *)a, y = *(const guint *)b;
  return x < y ? -1 : x > y;
}

GArray *
heapglass_trace_get_content_changes (HeapglassTrace *self, guint64 oid)
{
  GArray *steps = g_array_new (FALSE, FALSE, sizeof (guint));
  guint32 index;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), steps);

  trace_lock (self);
  if (lookup_oid (self, oid, &index))
    {
      const HgObj *obj = obj_at (self, index);
      const HgObjExt *x = obj_ext_get (self, obj);
      if (x != NULL)
        {
          const HgHist *hists[] = { &x->value, &x->length, &x->items, &x->attrs };
          for (guint h = 0; h < G_N_ELEMENTS (hists); h++)
            {
              HgHistIter it;
              HgEntry e;
              hist_iter_init (&it, hists[h], 0);
              while (hist_iter_next (&it, &e))
                {
                  guint s = e.step;
                  if (s > obj->created && s <= self->n_steps)
                    g_array_append_val (steps, s);
                }
            }
        }
    }
  g_mutex_unlock (&self->lock);

  g_array_sort (steps, compare_uint);
  for (guint i = 1; i < steps->len;)
    if (g_array_index (steps, guint, i) == g_array_index (steps, guint, i - 1))
      g_array_remove_index (steps, i);
    else
      i++;
  return steps;
}

gboolean
heapglass_trace_content_changed_at (HeapglassTrace *self, guint64 oid, guint step)
{
  gboolean changed = FALSE;
  guint32 index;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), FALSE);

  trace_lock (self);
  if (lookup_oid (self, oid, &index))
    {
      const HgObj *obj = obj_at (self, index);
      const HgObjExt *x = obj_ext_get (self, obj);
      if (x != NULL && step > obj->created)
        changed = hist_changed_at (&x->value, step) || hist_changed_at (&x->length, step)
                  || hist_changed_at (&x->items, step) || hist_changed_at (&x->attrs, step);
    }
  g_mutex_unlock (&self->lock);
  return changed;
}

void
heapglass_trace_set_hidden_names (HeapglassTrace *self, const char *const *names)
{
  g_return_if_fail (HEAPGLASS_IS_TRACE (self));

  trace_lock (self);
  g_clear_pointer (&self->hidden_names, g_hash_table_unref);
  for (const char *const *n = names; n != NULL && *n != NULL; n++)
    {
      if (self->hidden_names == NULL)
        self->hidden_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_add (self->hidden_names, g_strdup (*n));
    }
  g_mutex_unlock (&self->lock);
}
