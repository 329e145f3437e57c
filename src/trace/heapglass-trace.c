/* heapglass-trace.c: the trace model object, its getters and the queries over steps. The stream
 * is decoded in heapglass-trace-decoder.c, stored by heapglass-trace-store.c and read back into
 * snapshots by heapglass-trace-snapshot.c. */
#include "heapglass-trace-private.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

/* The first argument is stringified: keep clang-format away from it. */
/* clang-format off */
/* Written out rather than with G_DEFINE_QUARK: clang-format puts spaces into that macro's
 * dashed first argument, which would change the quark's text. */
GQuark
heapglass_trace_error_quark (void)
{
  return g_quark_from_static_string ("heapglass-trace-error-quark");
}
/* clang-format on */

G_DEFINE_FINAL_TYPE (HeapglassTrace, heapglass_trace, G_TYPE_OBJECT)

/* ---- strings ------------------------------------------------------------------------------ */

const char *
heapglass_event_to_string (HeapglassEvent event)
{
  static const char *const names[] = { "line", "call", "return", "exception" };
  if ((guint)event < G_N_ELEMENTS (names))
    return names[event];
  return "line";
}

const char *
heapglass_ending_to_string (HgEnding ending)
{
  static const char *const names[] = {
    "running",      "finished",   "exception",    "exit",          "crashed",
    "step-limit",   "time-limit", "memory-limit", "output-limit",  "stopped",
    "syntax-error", "unreadable", "disk-limit",   "corrupt-trace", "trace-limit",
  };
  if ((guint)ending < G_N_ELEMENTS (names))
    return names[ending];
  return "running";
}

const char *
heapglass_kind_to_string (HgKind kind)
{
  static const char *const names[] = {
    "none", "bool",      "int",  "bigint",   "float",    "str",   "bytes",  "list",    "tuple",
    "set",  "frozenset", "dict", "instance", "function", "class", "module", "weakref", "other",
  };
  if ((guint)kind < G_N_ELEMENTS (names))
    return names[kind];
  return "other";
}

/* ---- object ------------------------------------------------------------------------------- */

static void
heapglass_trace_finalize (GObject *object)
{
  HeapglassTrace *self = HEAPGLASS_TRACE (object);

  hg_trace_store_clear (self);
  g_clear_pointer (&self->hidden_names, g_hash_table_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (heapglass_trace_parent_class)->finalize (object);
}

static void
heapglass_trace_class_init (HeapglassTraceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = heapglass_trace_finalize;
}

static void
heapglass_trace_init (HeapglassTrace *self)
{
  g_mutex_init (&self->lock);
  self->pending = g_byte_array_new ();
  self->chunk = g_string_chunk_new (16 * 1024);
  self->strings = g_ptr_array_new ();
  hg_trace_store_init (self);
}

HeapglassTrace *
heapglass_trace_new (void)
{
  return g_object_new (HEAPGLASS_TYPE_TRACE, NULL);
}

gboolean
heapglass_trace_set_spill (HeapglassTrace *self, const char *dir, guint64 disk_limit,
                           GError **error)
{
  HgSpill *spill;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), FALSE);

  trace_lock (self);
  if (self->spill != NULL || self->stream_bytes > 0)
    {
      g_mutex_unlock (&self->lock);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _ ("The trace already holds steps: its file can no longer change"));
      return FALSE;
    }
  spill = hg_spill_new (dir, disk_limit, error);
  if (spill != NULL)
    {
      self->spill = spill;
      self->disk_limit = disk_limit;
      self->spill_dir = g_strdup (dir);
    }
  g_mutex_unlock (&self->lock);
  return spill != NULL;
}

const char *
heapglass_trace_get_spill_path (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), NULL);
  /* Set once, before any step, and never changed after. */
  LOCKED_GET (const char *, self->spill ? hg_spill_get_path (self->spill) : NULL)
}

guint64
heapglass_trace_get_disk_limit (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint64, self->disk_limit)
}

/* ---- simple getters ----------------------------------------------------------------------- */

guint
heapglass_trace_get_n_steps (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint, self->n_steps)
}

gboolean
heapglass_trace_is_complete (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), FALSE);
  LOCKED_GET (gboolean, self->complete)
}

const char *
heapglass_trace_get_script (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), NULL);
  /* Set once by the header and never changed after. */
  LOCKED_GET (const char *, self->script)
}

guint
heapglass_trace_get_max_items (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint, self->max_items)
}

gsize
heapglass_trace_get_stream_bytes (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (gsize, self->stream_bytes)
}

HgEnding
heapglass_trace_get_ending (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), HG_END_NONE);
  LOCKED_GET (HgEnding, self->ending)
}

int
heapglass_trace_get_exit_status (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (int, self->exit_status)
}

int
heapglass_trace_get_signal (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (int, self->signal_number)
}

const char *
heapglass_trace_get_end_message (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), NULL);
  LOCKED_GET (const char *, self->end_message)
}

guint
heapglass_trace_get_end_line (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint, self->end_line)
}

const char *
heapglass_trace_get_exception_type (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), NULL);
  LOCKED_GET (const char *, self->uncaught_type)
}

const char *
heapglass_trace_get_exception_message (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), NULL);
  LOCKED_GET (const char *, self->uncaught_message)
}

guint
heapglass_trace_get_step_line (HeapglassTrace *self, guint step)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint, step >= 1 && step <= self->n_steps ? step_line (self, step) : 0)
}

HeapglassEvent
heapglass_trace_get_step_event (HeapglassTrace *self, guint step)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), HEAPGLASS_EVENT_LINE);
  LOCKED_GET (HeapglassEvent,
              step >= 1 && step <= self->n_steps ? step_event (self, step) : HEAPGLASS_EVENT_LINE)
}

guint
heapglass_trace_get_step_depth (HeapglassTrace *self, guint step)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint, step >= 1 && step <= self->n_steps ? depth_at (self, step) : 0)
}

guint
heapglass_trace_get_max_depth (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint, self->max_depth)
}

guint64
heapglass_trace_get_peak_objects (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint64, self->peak_objects)
}

guint64
heapglass_trace_get_step_live_objects (HeapglassTrace *self, guint step)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint64, step >= 1 && step <= self->n_steps ? hg_live_objects_at (self, step) : 0)
}

guint64
heapglass_trace_get_step_live_bytes (HeapglassTrace *self, guint step)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint64, step >= 1 && step <= self->n_steps ? hg_live_bytes_at (self, step) : 0)
}

gboolean
heapglass_trace_get_step_input_prompt (HeapglassTrace *self, guint step, char **prompt)
{
  gboolean found = FALSE;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), FALSE);

  trace_lock (self);
  for (guint i = 0; i < self->inputs->len; i++)
    {
      const HgInput *input = &g_array_index (self->inputs, HgInput, i);
      if (input->step == step)
        {
          if (prompt)
            *prompt = g_strdup (input->prompt);
          found = TRUE;
          break;
        }
    }
  g_mutex_unlock (&self->lock);
  return found;
}

guint
heapglass_trace_get_n_input_requests (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint, self->inputs->len)
}

char *
heapglass_trace_get_input_prompt (HeapglassTrace *self, guint index)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), NULL);
  LOCKED_GET (char *, index < self->inputs->len
                          ? g_strdup (g_array_index (self->inputs, HgInput, index).prompt)
                          : NULL)
}

gsize
heapglass_trace_get_output_length (HeapglassTrace *self, int stream, guint step)
{
  gsize n;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  g_return_val_if_fail (stream == 1 || stream == 2, 0);

  trace_lock (self);
  n = hg_output_len_at (self, stream, step);
  g_mutex_unlock (&self->lock);
  return n;
}

char *
heapglass_trace_get_output (HeapglassTrace *self, int stream, guint step, gsize *len)
{
  char *text;
  gsize n;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), NULL);
  g_return_val_if_fail (stream == 1 || stream == 2, NULL);

  trace_lock (self);
  n = hg_output_len_at (self, stream, step);
  text = g_malloc (n + 1);
  if (n > 0)
    memcpy (text, self->output[stream - 1]->data, n);
  text[n] = '\0';
  g_mutex_unlock (&self->lock);
  if (len)
    *len = n;
  return text;
}

/* ---- queries over steps ------------------------------------------------------------------- */

static int
compare_guint (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *)a, y = *(const guint *)b;
  return x < y ? -1 : x > y;
}

guint64
heapglass_trace_get_object_address (HeapglassTrace *self, guint64 oid)
{
  guint32 index;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);

  LOCKED_GET (guint64, lookup_oid (self, oid, &index) ? hg_address_of (self, index) : 0)
}

gboolean
heapglass_trace_get_object_premade (HeapglassTrace *self, guint64 oid)
{
  guint32 index;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), FALSE);

  LOCKED_GET (gboolean, lookup_oid (self, oid, &index) && hg_is_premade (self, index))
}

GArray *
heapglass_trace_get_object_changes (HeapglassTrace *self, guint64 oid)
{
  GArray *steps = g_array_new (FALSE, FALSE, sizeof (guint));
  guint32 index;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), steps);

  trace_lock (self);
  if (lookup_oid (self, oid, &index))
    {
      const HgObj *obj = obj_at (self, index);
      guint s = obj->created;
      g_array_append_val (steps, s);
      const HgObjExt *x = obj_ext_get (self, obj);
      if (x != NULL)
        {
          const HgHist *hists[]
              = { &x->value, &x->length, &x->items, &x->attrs, &x->size, &x->refcount };
          for (guint h = 0; h < G_N_ELEMENTS (hists); h++)
            {
              HgHistIter it;
              HgEntry e;
              hist_iter_init (&it, hists[h], 0);
              while (hist_iter_next (&it, &e))
                {
                  s = e.step;
                  g_array_append_val (steps, s);
                }
            }
        }
    }
  g_mutex_unlock (&self->lock);

  if (steps->len > 1)
    {
      guint n = 1;
      g_array_sort (steps, compare_guint);
      for (guint i = 1; i < steps->len; i++)
        if (g_array_index (steps, guint, i) != g_array_index (steps, guint, n - 1))
          g_array_index (steps, guint, n++) = g_array_index (steps, guint, i);
      g_array_set_size (steps, n);
    }
  return steps;
}

guint
heapglass_trace_find_line (HeapglassTrace *self, guint line, guint from, gboolean backwards)
{
  guint found = 0;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);

  trace_lock (self);
  if (backwards)
    {
      for (guint s = MIN (from, self->n_steps + 1); s > 1; s--)
        if (step_line (self, s - 1) == line)
          {
            found = s - 1;
            break;
          }
    }
  else
    {
      for (guint s = from + 1; s <= self->n_steps; s++)
        if (step_line (self, s) == line)
          {
            found = s;
            break;
          }
    }
  g_mutex_unlock (&self->lock);
  return found;
}

/* The first step after `from` whose depth is at most `max_depth`. Depth only changes where the
 * frame log has an entry, so only those are visited. */
static guint
next_step_within_depth (HeapglassTrace *self, guint from, guint32 max_depth)
{
  HgHistIter it;
  HgEntry e;

  if (from >= self->n_steps)
    return 0;
  if (depth_at (self, from + 1) <= max_depth)
    return from + 1;
  hist_iter_init (&it, &self->frame_log, hist_count_upto (&self->frame_log, from + 1));
  while (hist_iter_next (&it, &e))
    {
      guint32 depth = e.value ? frame_at (self, e.value - 1)->depth : 0;
      if (e.step > self->n_steps)
        break;
      if (depth <= max_depth)
        return e.step;
    }
  return 0;
}

guint
heapglass_trace_find_step_over (HeapglassTrace *self, guint from)
{
  guint found;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  trace_lock (self);
  found = from >= 1 ? next_step_within_depth (self, from, depth_at (self, from)) : 0;
  g_mutex_unlock (&self->lock);
  return found;
}

guint
heapglass_trace_find_step_out (HeapglassTrace *self, guint from)
{
  guint found = 0;
  guint32 depth;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  trace_lock (self);
  depth = from >= 1 ? depth_at (self, from) : 0;
  if (depth > 0)
    found = next_step_within_depth (self, from, depth - 1);
  g_mutex_unlock (&self->lock);
  return found;
}
