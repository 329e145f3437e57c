/* heapglass-prediction.c: checks a learner's guesses about the next step. What "happened" is
 * read from snapshots of the two steps: names of frames that exist at both whose object differs
 * (or that were deleted), objects shown at the first step whose contents changed or that were
 * freed at the second, and the first line printed in between. */
#include "config.h"

#include <string.h>

#include "heapglass-prediction.h"
#include "heapglass-trace-changes.h"

struct _HeapglassPrediction
{
  HeapglassTrace *trace;
  guint step;
  GHashTable *names;   /* "frame_id\tname" */
  GHashTable *objects; /* oid */
  char *output;
  GArray *results;
  GStringChunk *strings;
};

static char *
name_key (guint frame_id, const char *name)
{
  return g_strdup_printf ("%u\t%s", frame_id, name);
}

HeapglassPrediction *
heapglass_prediction_new (HeapglassTrace *trace, guint step)
{
  HeapglassPrediction *self;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), NULL);
  g_return_val_if_fail (step >= 1 && step < heapglass_trace_get_n_steps (trace), NULL);

  self = g_new0 (HeapglassPrediction, 1);
  self->trace = g_object_ref (trace);
  self->step = step;
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->objects = g_hash_table_new (NULL, NULL);
  self->strings = g_string_chunk_new (256);
  return self;
}

void
heapglass_prediction_free (HeapglassPrediction *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->names);
  g_hash_table_unref (self->objects);
  g_clear_pointer (&self->results, g_array_unref);
  g_string_chunk_free (self->strings);
  g_free (self->output);
  g_object_unref (self->trace);
  g_free (self);
}

guint
heapglass_prediction_get_step (HeapglassPrediction *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->step;
}

gboolean
heapglass_prediction_toggle_name (HeapglassPrediction *self, guint frame_id, const char *name)
{
  char *key;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  key = name_key (frame_id, name);
  if (g_hash_table_remove (self->names, key))
    {
      g_free (key);
      return FALSE;
    }
  g_hash_table_add (self->names, key);
  return TRUE;
}

gboolean
heapglass_prediction_toggle_object (HeapglassPrediction *self, guint64 oid)
{
  gpointer key = GSIZE_TO_POINTER ((gsize)oid);

  g_return_val_if_fail (self != NULL, FALSE);
  if (g_hash_table_remove (self->objects, key))
    return FALSE;
  g_hash_table_add (self->objects, key);
  return TRUE;
}

gboolean
heapglass_prediction_has_name (HeapglassPrediction *self, guint frame_id, const char *name)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  key = name_key (frame_id, name);
  return g_hash_table_contains (self->names, key);
}

gboolean
heapglass_prediction_has_object (HeapglassPrediction *self, guint64 oid)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return g_hash_table_contains (self->objects, GSIZE_TO_POINTER ((gsize)oid));
}

void
heapglass_prediction_set_output (HeapglassPrediction *self, const char *line)
{
  g_return_if_fail (self != NULL);
  g_free (self->output);
  self->output = line && *line ? g_strdup (line) : NULL;
}

guint
heapglass_prediction_get_n_guesses (HeapglassPrediction *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return g_hash_table_size (self->names) + g_hash_table_size (self->objects)
         + (self->output != NULL);
}

static void
add_result (HeapglassPrediction *self, HeapglassGuessResult r)
{
  if (r.name != NULL)
    r.name = g_string_chunk_insert (self->strings, r.name);
  g_array_append_val (self->results, r);
}

/* The first line printed between the two steps, without its newline; NULL when nothing was. */
static char *
printed_line (HeapglassPrediction *self)
{
  gsize before = 0, after = 0;
  g_autofree char *a = heapglass_trace_get_output (self->trace, 1, self->step, &before);
  g_autofree char *b = heapglass_trace_get_output (self->trace, 1, self->step + 1, &after);
  const char *start, *nl;

  if (after <= before)
    return NULL;
  start = b + before;
  nl = memchr (start, '\n', after - before);
  return g_strndup (start, nl ? (gsize)(nl - start) : after - before);
}

GArray *
heapglass_prediction_check (HeapglassPrediction *self, gboolean *all_right)
{
  g_autoptr (HeapglassSnapshot) now = NULL;
  g_autoptr (HeapglassSnapshot) next = NULL;
  g_autoptr (GHashTable) happened_names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) happened_objects = g_hash_table_new (NULL, NULL);
  g_autofree char *line = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, NULL);

  g_clear_pointer (&self->results, g_array_unref);
  self->results = g_array_new (FALSE, FALSE, sizeof (HeapglassGuessResult));
  now = heapglass_trace_snapshot (self->trace, self->step);
  next = heapglass_trace_snapshot (self->trace, self->step + 1);

  /* names: frames present at both steps */
  for (guint f = 0; f < now->n_frames; f++)
    {
      const HeapglassFrameView *frame = &now->frames[f];
      const HeapglassFrameView *later = heapglass_snapshot_find_frame (next, frame->frame_id);

      if (later == NULL)
        continue;
      for (guint i = 0; i < later->n_bindings + frame->n_bindings; i++)
        {
          /* every name of either step: bound anew, rebound, or deleted */
          const char *name
              = i < later->n_bindings ? later->names[i] : frame->names[i - later->n_bindings];
          g_autofree char *key = name_key (frame->frame_id, name);
          HeapglassGuessResult r = { HEAPGLASS_GUESS_NAME, 0, frame->frame_id, name, 0, FALSE };

          if (heapglass_frame_view_get_binding (frame, name)
                  == heapglass_frame_view_get_binding (later, name)
              || g_hash_table_contains (happened_names, key))
            continue;
          g_hash_table_add (happened_names, g_string_chunk_insert (self->strings, key));
          r.verdict = g_hash_table_contains (self->names, key) ? HEAPGLASS_VERDICT_RIGHT
                                                               : HEAPGLASS_VERDICT_MISSED;
          add_result (self, r);
        }
    }

  /* objects shown now that change or die by the next step */
  for (guint o = 0; o < now->n_objects; o++)
    {
      const HeapglassObjectView *v = &now->objects[o];
      gpointer key = GSIZE_TO_POINTER ((gsize)v->oid);
      gboolean freed = v->freed_step != 0 && v->freed_step <= self->step + 1;
      HeapglassGuessResult r = { HEAPGLASS_GUESS_OBJECT, 0, 0, NULL, v->oid, freed };

      if (v->freed || g_hash_table_contains (happened_objects, key))
        continue;
      if (!freed && !heapglass_trace_content_changed_at (self->trace, v->oid, self->step + 1))
        continue;
      g_hash_table_add (happened_objects, key);
      r.verdict = g_hash_table_contains (self->objects, key) ? HEAPGLASS_VERDICT_RIGHT
                                                             : HEAPGLASS_VERDICT_MISSED;
      add_result (self, r);
    }

  /* guesses that did not happen */
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, self->names);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      if (!g_hash_table_contains (happened_names, key))
        {
          const char *tab = strchr (key, '\t');
          HeapglassGuessResult r = { HEAPGLASS_GUESS_NAME,
                                     HEAPGLASS_VERDICT_WRONG,
                                     (guint)g_ascii_strtoull (key, NULL, 10),
                                     tab + 1,
                                     0,
                                     FALSE };
          add_result (self, r);
        }
    g_hash_table_iter_init (&iter, self->objects);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      if (!g_hash_table_contains (happened_objects, key))
        {
          HeapglassGuessResult r = { HEAPGLASS_GUESS_OBJECT,
                                     HEAPGLASS_VERDICT_WRONG,
                                     0,
                                     NULL,
                                     (guint64)GPOINTER_TO_SIZE (key),
                                     FALSE };
          add_result (self, r);
        }
  }

  /* the output line: typed text must match what was printed, spaces at the ends aside */
  line = printed_line (self);
  if (line != NULL || self->output != NULL)
    {
      g_autofree char *typed = g_strstrip (g_strdup (self->output ? self->output : ""));
      g_autofree char *printed = g_strstrip (g_strdup (line ? line : ""));
      HeapglassGuessResult r
          = { HEAPGLASS_GUESS_OUTPUT, 0, 0, line ? line : self->output, 0, FALSE, self->output };

      if (line == NULL)
        r.verdict = HEAPGLASS_VERDICT_WRONG;
      else if (self->output == NULL)
        r.verdict = HEAPGLASS_VERDICT_MISSED;
      else
        r.verdict
            = g_str_equal (typed, printed) ? HEAPGLASS_VERDICT_RIGHT : HEAPGLASS_VERDICT_WRONG;
      add_result (self, r);
    }

  for (guint i = 0; i < self->results->len; i++)
    if (g_array_index (self->results, HeapglassGuessResult, i).verdict != HEAPGLASS_VERDICT_RIGHT)
      ok = FALSE;
  if (all_right)
    *all_right = ok;
  return self->results;
}
