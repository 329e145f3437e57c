/* heapglass-trace-store.c: the trace model's storage: version histories, the growing arrays the
 * decoder appends to, and the per-step totals read back by binary search. */
#include "heapglass-trace-private.h"

/* ---- columns ------------------------------------------------------------------------------ */

/* Chunks of 64 KiB: the directory stays small (a pointer per 64 KiB) and a short run does not pay
 * for much (ten columns, a chunk each). */
#define COL_CHUNK_BYTES ((gsize)64 << 10)

void
hg_col_init (HgCol *col, gsize elem)
{
  memset (col, 0, sizeof *col);
  col->elem = (guint32)elem;
  col->shift = 0;
  while (((gsize)elem << (col->shift + 1)) <= COL_CHUNK_BYTES)
    col->shift++;
}

void
hg_col_clear (HgCol *col)
{
  g_free (col->chunks);
  col->chunks = NULL;
  col->n_chunks = col->cap_chunks = 0;
  col->n = 0;
}

/* `count` chunks, contiguous, at the end of the directory. */
void
hg_col_add_chunks (HgSpill *spill, HgCol *col, guint32 count)
{
  gsize chunk_bytes = (gsize)col->elem << col->shift;
  guint8 *base = hg_spill_alloc (spill, chunk_bytes * count);

  if (col->n_chunks + count > col->cap_chunks)
    {
      col->cap_chunks = MAX (col->cap_chunks * 2, MAX (col->n_chunks + count, 16));
      col->chunks = g_renew (guint8 *, col->chunks, col->cap_chunks);
    }
  for (guint32 i = 0; i < count; i++)
    col->chunks[col->n_chunks++] = base + i * chunk_bytes;
}

guint64
hg_col_push_n (HgSpill *spill, HgCol *col, guint64 count)
{
  guint64 per_chunk = G_GUINT64_CONSTANT (1) << col->shift;
  guint64 end = (guint64)col->n_chunks << col->shift;
  guint64 start = col->n;

  if (count == 0)
    return start;
  if (start + count > end)
    {
      /* Does not fit in what is left of the last chunk: skip that and start new chunks, as many
       * as the block needs, so that it is contiguous. */
      start = end;
      hg_col_add_chunks (spill, col, (guint32)((count + per_chunk - 1) / per_chunk));
    }
  col->n = start + count;
  return start;
}

/* ---- histories ---------------------------------------------------------------------------- */

static guint
hist_class (guint32 cap)
{
  return hg_spill_class_for ((gsize)cap * sizeof (HgEntry));
}

void
hg_hist_append (HgSpill *spill, HgHist *h, guint32 step, guint32 value, gboolean same_step_merges)
{
  if (h->cap == HIST_PACKED)
    {
      HgHistBig *big = h->u.big;
      if (same_step_merges && big->n_tail > 0 && big->tail[big->n_tail - 1].step == step)
        big->tail[big->n_tail - 1].value = value;
      else
        {
          hg_pack_append (spill, big, step, value, 0);
          h->n++;
        }
      return;
    }
  if (same_step_merges && h->n > 0)
    {
      HgEntry *last = h->cap <= 1 ? &h->u.one : &h->u.many[h->n - 1];
      if (last->step == step)
        {
          last->value = value;
          return;
        }
    }
  if (h->n == 0 && h->cap == 0)
    {
      h->cap = 1;
      h->u.one = (HgEntry){ step, value };
      h->n = 1;
      return;
    }
  if (h->n == h->cap && h->cap >= HIST_PACK_AT)
    {
      /* Long: packed from now on. */
      hg_hist_make_packed (spill, h, FALSE);
      hg_pack_append (spill, h->u.big, step, value, 0);
      h->n++;
      return;
    }
  if (h->n == h->cap)
    {
      guint32 cap = h->cap < 4 ? 4 : h->cap * 2;
      HgEntry *many = hg_spill_block_alloc (spill, hist_class (cap));
      if (h->cap <= 1)
        many[0] = h->u.one;
      else
        {
          memcpy (many, h->u.many, h->n * sizeof (HgEntry));
          hg_spill_block_free (spill, h->u.many, hist_class (h->cap));
        }
      h->u.many = many;
      h->cap = cap;
    }
  h->u.many[h->n].step = step;
  h->u.many[h->n].value = value;
  h->n++;
}

/* ---- growing storage (decoding, lock held) ------------------------------------------------ */

HgSpill *
hg_trace_spill (HeapglassTrace *self)
{
  if (self->spill == NULL)
    self->spill = hg_spill_new (NULL, self->disk_limit, NULL);
  return self->spill;
}

const char *
hg_make_text (HeapglassTrace *self, guint64 full_length, const guint8 *data, gsize len)
{
  char *blob = hg_spill_alloc (self->spill, HG_TEXT_HEADER + len + 1);
  for (int i = 0; i < 8; i++)
    blob[i] = (char)(full_length >> (8 * i));
  for (int i = 0; i < 4; i++)
    blob[8 + i] = (char)((guint32)len >> (8 * i));
  memcpy (blob + HG_TEXT_HEADER, data, len);
  blob[HG_TEXT_HEADER + len] = '\0';
  return blob;
}

gboolean
hg_pool_block (HeapglassTrace *self, gsize len, guint32 *offset)
{
  /* The block may start at the next chunk: allow for the chunk it skips. */
  if (self->pool.n + len + ((guint64)1 << self->pool.shift) > G_MAXUINT32)
    return FALSE;
  *offset = (guint32)hg_col_push_n (self->spill, &self->pool, len);
  return TRUE;
}

void
hg_push_bytes_adjust (HeapglassTrace *self, gint64 delta)
{
  HgBytesMark *mark;

  if (delta == 0)
    return;
  self->bytes_adjust += delta;
  if (self->bytes_log.n > 0
      && (mark = hg_col_at (&self->bytes_log, self->bytes_log.n - 1))->step == cur_step (self))
    {
      mark->total = self->bytes_adjust;
      return;
    }
  mark = hg_col_push (self->spill, &self->bytes_log);
  mark->step = cur_step (self);
  mark->total = self->bytes_adjust;
}

/* The size now, while decoding. */
guint32
hg_obj_size_now (HeapglassTrace *self, guint32 index)
{
  HgObj *obj = obj_at (self, index);
  HgObjExt *x = obj_ext_get (self, obj);
  HgEntry e = x ? hist_last (&x->size) : (HgEntry){ 0, 0 };
  return e.step ? e.value : obj_shape (self, obj)->size0;
}

HgSlot *
hg_frame_slot (HeapglassTrace *self, HgFrame *f, guint32 sid, gboolean create)
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
      guint32 cap = f->cap_slots ? f->cap_slots * 2 : 4;
      HgSlot *slots
          = hg_spill_block_alloc (self->spill, hg_spill_class_for (cap * sizeof (HgSlot)));
      if (f->n_slots > 0)
        {
          memcpy (slots, f->slots, f->n_slots * sizeof (HgSlot));
          hg_spill_block_free (self->spill, f->slots,
                               hg_spill_class_for (f->cap_slots * sizeof (HgSlot)));
        }
      f->slots = slots;
      f->cap_slots = cap;
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
  hist_push (self->spill, &self->frame_log, cur_step (self), top);
}

/* ---- per-step totals (lock held) --------------------------------------------------------- */

/* Objects created at or before `step` (creation steps never decrease): the marks in memory
 * first, then the records after the mark. */
static guint32
n_created_upto (HeapglassTrace *self, guint32 step)
{
  guint32 lo = 0, hi = self->n_size_marks;

  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;
      if (self->created_marks[mid] <= step)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == 0)
    return 0;
  hi = MIN (self->n_objs, lo * SIZE_MARK_EVERY);
  lo = (lo - 1) * SIZE_MARK_EVERY;
  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;
      if (obj_at (self, mid)->created <= step)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

guint64
hg_live_objects_at (HeapglassTrace *self, guint32 step)
{
  guint32 n = n_created_upto (self, step);

  /* What CPython made before the program is not new: it never counts as a live object. */
  return n - hg_premade_created_upto (self, n) - hist_count_upto (&self->free_log, step);
}

guint64
hg_live_bytes_at (HeapglassTrace *self, guint32 step)
{
  guint32 n = n_created_upto (self, step);
  guint32 mark = n / SIZE_MARK_EVERY;
  guint64 freed = 0;
  gint64 total;

  if (mark < self->n_size_marks)
    {
      guint32 premade = hg_premade_created_upto (self, mark * SIZE_MARK_EVERY);
      const GArray *premades = self->addresses.premade;

      total = (gint64)self->size_marks[mark];
      for (guint32 i = mark * SIZE_MARK_EVERY; i < n; i++)
        {
          /* what CPython made before the program is not counted (see decode_obj_new) */
          if (premade < premades->len && g_array_index (premades, guint32, premade) == i)
            {
              premade++;
              continue;
            }
          total += obj_shape (self, obj_at (self, i))->size0;
        }
    }
  else
    total = (gint64)self->size_total;
  /* What the frees gave back, summed in the free log… */
  if (self->free_log.cap == HIST_PACKED)
    hg_pack_count_upto (self->free_log.u.big, step, &freed);
  total -= (gint64)freed;
  /* …and the size changes of live objects. */
  {
    guint64 lo = 0, hi = self->bytes_log.n;

    while (lo < hi)
      {
        guint64 mid = lo + (hi - lo) / 2;
        if (((const HgBytesMark *)hg_col_at (&self->bytes_log, mid))->step <= step)
          lo = mid + 1;
        else
          hi = mid;
      }
    if (lo > 0)
      total += ((const HgBytesMark *)hg_col_at (&self->bytes_log, lo - 1))->total;
  }
  return total > 0 ? (guint64)total : 0;
}

gsize
hg_output_len_at (HeapglassTrace *self, int stream, guint32 step)
{
  const HgCol *log = &self->output_log[stream - 1];
  guint64 lo = 0, hi = log->n;

  /* The last step of a finished run is the state after the program ended: everything it wrote,
   * the traceback and atexit output after its last line included. */
  if (step == 0 || (self->complete && step >= self->n_steps))
    return self->output[stream - 1]->len;
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;
      if (((const HgOutputMark *)hg_col_at (log, mid))->step <= step)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo ? (gsize)((const HgOutputMark *)hg_col_at (log, lo - 1))->total : 0;
}

/* ---- memory profile ----------------------------------------------------------------------- */

void
hg_profile_add_step (HeapglassTrace *self)
{
  guint64 objects = self->live_objects;
  gint64 signed_bytes = (gint64)self->size_total + self->bytes_adjust - (gint64)self->freed_total;
  guint64 bytes = signed_bytes > 0 ? (guint64)signed_bytes : 0;
  guint32 i = self->n_steps - 1; /* 0-based */
  guint32 index;
  HeapglassMemoryBucket *b;

  if (self->profile == NULL)
    {
      self->profile = g_new0 (HeapglassMemoryBucket, HEAPGLASS_MEMORY_PROFILE_BUCKETS);
      self->profile_bucket_size = 1;
    }
  index = i / self->profile_bucket_size;
  if (index >= HEAPGLASS_MEMORY_PROFILE_BUCKETS)
    {
      /* Full: neighbours merge, buckets twice as long. */
      for (guint k = 0; k < HEAPGLASS_MEMORY_PROFILE_BUCKETS / 2; k++)
        {
          HeapglassMemoryBucket *x = &self->profile[2 * k], *y = &self->profile[2 * k + 1];
          HeapglassMemoryBucket m
              = { MIN (x->min_objects, y->min_objects), MAX (x->max_objects, y->max_objects),
                  MIN (x->min_bytes, y->min_bytes), MAX (x->max_bytes, y->max_bytes) };
          self->profile[k] = m;
        }
      self->profile_bucket_size *= 2;
      index = i / self->profile_bucket_size;
    }
  b = &self->profile[index];
  if (i % self->profile_bucket_size == 0)
    {
      b->min_objects = b->max_objects = objects;
      b->min_bytes = b->max_bytes = bytes;
    }
  else
    {
      b->min_objects = MIN (b->min_objects, objects);
      b->max_objects = MAX (b->max_objects, objects);
      b->min_bytes = MIN (b->min_bytes, bytes);
      b->max_bytes = MAX (b->max_bytes, bytes);
    }
  if (objects > self->peak_step_objects || self->peak_objects_step == 0)
    {
      self->peak_step_objects = objects;
      self->peak_objects_step = self->n_steps;
    }
  if (bytes > self->peak_step_bytes || self->peak_bytes_step == 0)
    {
      self->peak_step_bytes = bytes;
      self->peak_bytes_step = self->n_steps;
    }
}

guint
heapglass_trace_get_memory_profile (HeapglassTrace *self, HeapglassMemoryBucket *buckets,
                                    guint max_buckets, guint *bucket_size, guint *n_steps)
{
  guint n = 0;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  g_return_val_if_fail (max_buckets == 0 || buckets != NULL, 0);

  trace_lock (self);
  if (self->profile != NULL)
    {
      n = (self->n_steps + self->profile_bucket_size - 1) / self->profile_bucket_size;
      memcpy (buckets, self->profile, MIN (n, max_buckets) * sizeof (HeapglassMemoryBucket));
    }
  if (bucket_size)
    *bucket_size = self->profile ? self->profile_bucket_size : 1;
  if (n_steps)
    *n_steps = self->n_steps;
  g_mutex_unlock (&self->lock);
  return n;
}

void
heapglass_trace_get_memory_peaks (HeapglassTrace *self, guint64 *objects, guint *objects_step,
                                  guint64 *bytes, guint *bytes_step)
{
  g_return_if_fail (HEAPGLASS_IS_TRACE (self));

  trace_lock (self);
  if (objects)
    *objects = self->peak_step_objects;
  if (objects_step)
    *objects_step = self->peak_objects_step;
  if (bytes)
    *bytes = self->peak_step_bytes;
  if (bytes_step)
    *bytes_step = self->peak_bytes_step;
  g_mutex_unlock (&self->lock);
}

/* ---- lifetime ----------------------------------------------------------------------------- */

void
hg_trace_store_init (HeapglassTrace *self)
{
  hg_col_init (&self->steps, sizeof (guint16));
  hg_col_init (&self->frames, sizeof (HgFrame));
  hg_col_init (&self->objs, sizeof (HgObj));
  hg_col_init (&self->exts, sizeof (HgObjExt));
  hg_addresses_init (&self->addresses);
  hg_col_init (&self->values, sizeof (HgValue));
  hg_col_init (&self->pool, sizeof (guint32));
  hg_col_init (&self->bytes_log, sizeof (HgBytesMark));
  hg_col_init (&self->exceptions, sizeof (HgException));
  hg_col_init (&self->returns, sizeof (HgReturn));
  for (int i = 0; i < 2; i++)
    {
      hg_col_init (&self->output_log[i], sizeof (HgOutputMark));
      self->output[i] = g_byte_array_new ();
    }
  self->stack = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->inputs = g_array_new (FALSE, FALSE, sizeof (HgInput));
}

/* Frees everything the model stored (finalize). The bulk goes with the spill in one go: nothing
 * in it is walked, so closing a trace of a hundred million steps is instant. */
void
hg_trace_store_clear (HeapglassTrace *self)
{
  /* Only frames still on the stack have a name index. */
  for (guint i = 0; i < self->stack->len; i++)
    g_clear_pointer (&frame_at (self, g_array_index (self->stack, guint32, i))->slot_index,
                     g_hash_table_unref);
  hg_col_clear (&self->steps);
  hg_col_clear (&self->frames);
  hg_col_clear (&self->objs);
  hg_col_clear (&self->exts);
  hg_addresses_clear (&self->addresses);
  hg_col_clear (&self->values);
  hg_col_clear (&self->pool);
  hg_col_clear (&self->bytes_log);
  hg_col_clear (&self->exceptions);
  hg_col_clear (&self->returns);
  g_free (self->oid_of);
  g_free (self->size_marks);
  g_free (self->created_marks);
  hg_objects_clear (self);
  g_clear_pointer (&self->oid_index, g_hash_table_unref);
  g_array_unref (self->stack);
  for (guint i = 0; i < self->inputs->len; i++)
    g_free (g_array_index (self->inputs, HgInput, i).prompt);
  g_array_unref (self->inputs);
  for (int i = 0; i < 2; i++)
    {
      g_byte_array_unref (self->output[i]);
      hg_col_clear (&self->output_log[i]);
    }
  g_clear_pointer (&self->spill, hg_spill_free);
  g_free (self->profile);
  g_free (self->spill_dir);
  g_ptr_array_unref (self->strings);
  g_string_chunk_free (self->chunk);
  g_byte_array_unref (self->pending);
  g_clear_error (&self->error);
  g_free (self->script);
}

static gsize
col_directory_bytes (const HgCol *col)
{
  return (gsize)col->cap_chunks * sizeof (gpointer);
}

/* What the model holds in the process's own memory: the directories, tables and buffers, and the
 * bulk too when it has no file. */
gsize
heapglass_trace_get_memory_usage (HeapglassTrace *self)
{
  gsize total = sizeof *self;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);

  trace_lock (self);
  if (self->spill != NULL && !hg_spill_has_file (self->spill))
    total += hg_spill_get_used (self->spill);
  total += col_directory_bytes (&self->steps) + col_directory_bytes (&self->frames)
           + col_directory_bytes (&self->objs) + col_directory_bytes (&self->exts)
           + col_directory_bytes (&self->values) + col_directory_bytes (&self->pool)
           + col_directory_bytes (&self->bytes_log) + col_directory_bytes (&self->exceptions)
           + col_directory_bytes (&self->returns) + col_directory_bytes (&self->output_log[0])
           + col_directory_bytes (&self->output_log[1]);
  for (guint i = 0; i < self->stack->len; i++)
    {
      const HgFrame *f = frame_at (self, g_array_index (self->stack, guint32, i));
      if (f->slot_index)
        total += g_hash_table_size (f->slot_index) * 32;
    }
  total += (gsize)self->cap_size_marks * (sizeof (guint64) + sizeof (guint32));
  total += hg_objects_memory (self);
  total += col_directory_bytes (&self->addresses.offsets) + hg_addresses_memory (self);
  if (self->profile)
    total += HEAPGLASS_MEMORY_PROFILE_BUCKETS * sizeof (HeapglassMemoryBucket);
  total += (gsize)self->cap_oid_of * sizeof (guint64);
  if (self->oid_index)
    total += g_hash_table_size (self->oid_index) * 32;
  total += self->stack->len * sizeof (guint32);
  total += self->strings->len * sizeof (gpointer);
  for (int i = 0; i < 2; i++)
    total += self->output[i]->len;
  total += self->pending->len;
  g_mutex_unlock (&self->lock);
  /* The string chunk (names) is not counted: GStringChunk does not say its size. */
  return total;
}

guint64
heapglass_trace_get_disk_usage (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint64, self->spill != NULL && hg_spill_has_file (self->spill)
                           ? hg_spill_get_used (self->spill)
                           : 0)
}
