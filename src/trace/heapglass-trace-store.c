/* heapglass-trace-store.c: the trace model's storage: version histories, the growing arrays the
 * decoder appends to, and the per-step totals read back by binary search. */
#include "heapglass-trace-private.h"

/* ---- histories ---------------------------------------------------------------------------- */

/* Appends a version; several records of one step keep the last value. With `same_step_merges`
 * FALSE (the free log) every entry is kept. */
void
hg_hist_append (HgHist *h, guint32 step, guint32 value, gboolean same_step_merges)
{
  HgEntry *e;

  if (same_step_merges && h->n > 0 && hist_entries (h)[h->n - 1].step == step)
    {
      hist_entries (h)[h->n - 1].value = value;
      return;
    }
  if (h->n == 0 && h->cap == 0)
    h->cap = 1;
  else if (h->n == h->cap)
    {
      guint32 cap = h->cap < 4 ? 4 : h->cap * 2;
      HgEntry *many;
      if (h->cap <= 1)
        {
          many = g_new (HgEntry, cap);
          many[0] = h->u.one;
        }
      else
        many = g_renew (HgEntry, h->u.many, cap);
      h->u.many = many;
      h->cap = cap;
    }
  e = &hist_entries (h)[h->n];
  e->step = step;
  e->value = value;
  h->n++;
}

void
hg_hist_clear (HgHist *h)
{
  if (h->cap > 1)
    g_free (h->u.many);
  h->n = h->cap = 0;
}

/* ---- growing storage (decoding, lock held) ------------------------------------------------ */

HgObjExt *
hg_obj_ext (HeapglassTrace *self, HgObj *obj)
{
  if (obj->ext == 0)
    {
      if (self->n_exts == self->cap_exts)
        {
          self->cap_exts = self->cap_exts ? self->cap_exts * 2 : 256;
          self->exts = g_renew (HgObjExt *, self->exts, self->cap_exts);
        }
      self->exts[self->n_exts++] = g_new0 (HgObjExt, 1);
      obj->ext = self->n_exts;
    }
  return self->exts[obj->ext - 1];
}

const char *
hg_make_text (HeapglassTrace *self, guint64 full_length, const guint8 *data, gsize len)
{
  g_autofree char *blob = g_malloc (HG_TEXT_HEADER + len + 1);
  for (int i = 0; i < 8; i++)
    blob[i] = (char)(full_length >> (8 * i));
  for (int i = 0; i < 4; i++)
    blob[8 + i] = (char)((guint32)len >> (8 * i));
  memcpy (blob + HG_TEXT_HEADER, data, len);
  blob[HG_TEXT_HEADER + len] = '\0';
  return g_string_chunk_insert_len (self->chunk, blob, (gssize)(HG_TEXT_HEADER + len));
}

gboolean
hg_pool_reserve (HeapglassTrace *self, gsize extra)
{
  if (self->pool_len + extra > G_MAXUINT32)
    return FALSE;
  if (self->pool_len + extra > self->pool_cap)
    {
      gsize cap = self->pool_cap ? self->pool_cap : 1024;
      while (cap < self->pool_len + extra)
        cap *= 2;
      self->pool = g_renew (guint32, self->pool, cap);
      self->pool_cap = cap;
    }
  return TRUE;
}

void
hg_push_bytes_adjust (HeapglassTrace *self, gint64 delta)
{
  if (delta == 0)
    return;
  self->bytes_adjust += delta;
  if (self->n_bytes_log > 0 && self->bytes_log[self->n_bytes_log - 1].step == cur_step (self))
    {
      self->bytes_log[self->n_bytes_log - 1].total = self->bytes_adjust;
      return;
    }
  if (self->n_bytes_log == self->cap_bytes_log)
    {
      self->cap_bytes_log = self->cap_bytes_log ? self->cap_bytes_log * 2 : 64;
      self->bytes_log = g_renew (HgBytesMark, self->bytes_log, self->cap_bytes_log);
    }
  self->bytes_log[self->n_bytes_log].step = cur_step (self);
  self->bytes_log[self->n_bytes_log].pad = 0;
  self->bytes_log[self->n_bytes_log].total = self->bytes_adjust;
  self->n_bytes_log++;
}

/* The size now, while decoding. */
guint32
hg_obj_size_now (HeapglassTrace *self, guint32 index)
{
  HgObjExt *x = obj_ext_get (self, &self->objs[index]);
  const HgEntry *e = x ? hist_last (&x->size) : NULL;
  return e ? e->value : self->objs[index].size0;
}

HgSlot *
hg_frame_slot (HgFrame *f, guint32 sid, gboolean create)
{
  if (f->slot_index != NULL)
    {
      gpointer found = g_hash_table_lookup (f->slot_index, GUINT_TO_POINTER (sid));
      if (found)
        return &f->slots[GPOINTER_TO_UINT (found) - 1];
    }
  else
    {
      for (guint32 i = f->n_slots; i > 0; i--)
        if (f->slots[i - 1].name_sid == sid)
          return &f->slots[i - 1];
    }
  if (!create)
    return NULL;
  if (f->n_slots == f->cap_slots)
    {
      f->cap_slots = f->cap_slots ? f->cap_slots * 2 : 4;
      f->slots = g_renew (HgSlot, f->slots, f->cap_slots);
    }
  memset (&f->slots[f->n_slots], 0, sizeof (HgSlot));
  f->slots[f->n_slots].name_sid = sid;
  f->n_slots++;
  if (f->slot_index == NULL && f->n_slots > 16)
    {
      f->slot_index = g_hash_table_new (NULL, NULL);
      for (guint32 i = 0; i < f->n_slots; i++)
        g_hash_table_insert (f->slot_index, GUINT_TO_POINTER (f->slots[i].name_sid),
                             GUINT_TO_POINTER (i + 1));
    }
  else if (f->slot_index != NULL)
    g_hash_table_insert (f->slot_index, GUINT_TO_POINTER (sid), GUINT_TO_POINTER (f->n_slots));
  return &f->slots[f->n_slots - 1];
}

void
hg_log_top_frame (HeapglassTrace *self)
{
  guint32 top
      = self->stack->len ? g_array_index (self->stack, guint32, self->stack->len - 1) + 1 : 0;
  hist_push (&self->frame_log, cur_step (self), top);
}

static void
hist_trim (HgHist *h)
{
  /* Only long histories: trimming millions of tiny ones would cost more than it saves. */
  if (h->cap >= 1024 && h->cap > h->n)
    {
      h->cap = h->n;
      h->u.many = g_renew (HgEntry, h->u.many, h->cap);
    }
}

/* The stream is over: give back what the doubling arrays had in reserve. */
void
hg_trace_trim_arrays (HeapglassTrace *self)
{
  if (self->cap_steps > self->n_steps && self->n_steps > 0)
    {
      self->cap_steps = self->n_steps;
      self->lines = g_renew (guint32, self->lines, self->cap_steps);
      self->events = g_renew (guint8, self->events, self->cap_steps);
    }
  if (self->cap_objs > self->n_objs && self->n_objs > 0)
    {
      self->cap_objs = self->n_objs;
      self->objs = g_renew (HgObj, self->objs, self->cap_objs);
      if (self->oid_of != NULL)
        self->oid_of = g_renew (guint64, self->oid_of, self->cap_objs);
    }
  for (guint32 i = 0; i < self->n_exts; i++)
    {
      HgObjExt *x = self->exts[i];
      hist_trim (&x->value);
      hist_trim (&x->length);
      hist_trim (&x->items);
      hist_trim (&x->attrs);
      hist_trim (&x->size);
      hist_trim (&x->refcount);
    }
  for (guint32 i = 0; i < self->n_frames; i++)
    for (guint32 j = 0; j < self->frames[i].n_slots; j++)
      hist_trim (&self->frames[i].slots[j].h);
  if (self->pool_cap > self->pool_len && self->pool_len > 0)
    {
      self->pool_cap = self->pool_len;
      self->pool = g_renew (guint32, self->pool, self->pool_cap);
    }
  hist_trim (&self->free_log);
  hist_trim (&self->frame_log);
}

/* ---- per-step totals (lock held) --------------------------------------------------------- */

/* Objects created at or before `step` (creation steps never decrease). */
static guint32
n_created_upto (HeapglassTrace *self, guint32 step)
{
  guint32 lo = 0, hi = self->n_objs;
  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;
      if (self->objs[mid].created <= step)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

guint64
hg_live_objects_at (HeapglassTrace *self, guint32 step)
{
  return n_created_upto (self, step) - hist_count_upto (&self->free_log, step);
}

guint64
hg_live_bytes_at (HeapglassTrace *self, guint32 step)
{
  guint32 n = n_created_upto (self, step);
  guint32 mark = n / SIZE_MARK_EVERY;
  gint64 total;

  if (mark < self->n_size_marks)
    {
      total = (gint64)self->size_marks[mark];
      for (guint32 i = mark * SIZE_MARK_EVERY; i < n; i++)
        total += self->objs[i].size0;
    }
  else
    total = (gint64)self->size_total;
  guint32 lo = 0, hi = self->n_bytes_log;

  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;
      if (self->bytes_log[mid].step <= step)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo > 0)
    total += self->bytes_log[lo - 1].total;
  return total > 0 ? (guint64)total : 0;
}

gsize
hg_output_len_at (HeapglassTrace *self, int stream, guint32 step)
{
  GArray *log = self->output_log[stream - 1];
  guint lo = 0, hi = log->len;

  /* The last step of a finished run is the state after the program ended: everything it wrote,
   * the traceback and atexit output after its last line included. */
  if (step == 0 || (self->complete && step >= self->n_steps))
    return self->output[stream - 1]->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (log, HgOutputMark, mid).step <= step)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo ? (gsize)g_array_index (log, HgOutputMark, lo - 1).total : 0;
}

/* ---- lifetime ----------------------------------------------------------------------------- */

/* Frees everything the model stored (finalize). */
void
hg_trace_store_clear (HeapglassTrace *self)
{
  for (guint32 i = 0; i < self->n_frames; i++)
    {
      HgFrame *f = &self->frames[i];
      for (guint32 j = 0; j < f->n_slots; j++)
        hg_hist_clear (&f->slots[j].h);
      g_free (f->slots);
      g_clear_pointer (&f->slot_index, g_hash_table_unref);
    }
  g_free (self->frames);
  for (guint32 i = 0; i < self->n_exts; i++)
    {
      HgObjExt *x = self->exts[i];
      hg_hist_clear (&x->value);
      hg_hist_clear (&x->length);
      hg_hist_clear (&x->items);
      hg_hist_clear (&x->attrs);
      hg_hist_clear (&x->size);
      hg_hist_clear (&x->refcount);
      g_free (x);
    }
  g_free (self->objs);
  g_free (self->exts);
  g_free (self->oid_of);
  g_free (self->size_marks);
  g_clear_pointer (&self->oid_index, g_hash_table_unref);
  g_free (self->values);
  g_free (self->pool);
  hg_hist_clear (&self->free_log);
  hg_hist_clear (&self->frame_log);
  g_free (self->bytes_log);
  g_array_unref (self->stack);
  g_free (self->lines);
  g_free (self->events);
  for (guint i = 0; i < self->inputs->len; i++)
    g_free (g_array_index (self->inputs, HgInput, i).prompt);
  g_array_unref (self->inputs);
  for (guint i = 0; i < self->exceptions->len; i++)
    g_free (g_array_index (self->exceptions, HgException, i).message);
  g_array_unref (self->exceptions);
  g_array_unref (self->returns);
  for (int i = 0; i < 2; i++)
    {
      g_byte_array_unref (self->output[i]);
      g_array_unref (self->output_log[i]);
    }
  g_ptr_array_unref (self->strings);
  g_string_chunk_free (self->chunk);
  g_byte_array_unref (self->pending);
  g_clear_error (&self->error);
  g_free (self->script);
}

static gsize
hist_heap_bytes (const HgHist *h)
{
  return h->cap > 1 ? (gsize)h->cap * sizeof (HgEntry) : 0;
}

gsize
heapglass_trace_get_memory_usage (HeapglassTrace *self)
{
  gsize total = sizeof *self;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);

  trace_lock (self);
  total += (gsize)self->cap_steps * (sizeof (guint32) + sizeof (guint8));
  total += (gsize)self->cap_frames * sizeof (HgFrame);
  for (guint32 i = 0; i < self->n_frames; i++)
    {
      const HgFrame *f = &self->frames[i];
      total += (gsize)f->cap_slots * sizeof (HgSlot);
      for (guint32 j = 0; j < f->n_slots; j++)
        total += hist_heap_bytes (&f->slots[j].h);
      if (f->slot_index)
        total += g_hash_table_size (f->slot_index) * 32;
    }
  total += (gsize)self->cap_objs * sizeof (HgObj);
  total += (gsize)self->cap_exts * sizeof (HgObjExt *);
  total += (gsize)self->n_size_marks * sizeof (guint64);
  if (self->oid_of)
    total += (gsize)self->cap_objs * sizeof (guint64);
  for (guint32 i = 0; i < self->n_exts; i++)
    {
      const HgObjExt *x = self->exts[i];
      total += sizeof *x;
      total += hist_heap_bytes (&x->value) + hist_heap_bytes (&x->length)
               + hist_heap_bytes (&x->items) + hist_heap_bytes (&x->attrs)
               + hist_heap_bytes (&x->size) + hist_heap_bytes (&x->refcount);
    }
  if (self->oid_index)
    total += g_hash_table_size (self->oid_index) * 32;
  total += (gsize)self->cap_values * sizeof (HgValue);
  total += self->pool_cap * sizeof (guint32);
  total += hist_heap_bytes (&self->free_log) + hist_heap_bytes (&self->frame_log);
  total += (gsize)self->cap_bytes_log * sizeof (HgBytesMark);
  total += self->stack->len * sizeof (guint32);
  total += self->strings->len * sizeof (gpointer);
  for (int i = 0; i < 2; i++)
    total += self->output[i]->len + self->output_log[i]->len * sizeof (HgOutputMark);
  total += self->pending->len;
  g_mutex_unlock (&self->lock);
  /* The string chunk (names, str values) is not counted: GStringChunk does not say its size. */
  return total;
}
