/* heapglass-trace-decoder.c: decodes the tracer's stream, record by record, into the model's
 * storage; feed() takes any split of the stream and lets go of the lock between batches. */
#include "heapglass-trace-private.h"
#include "heapglass-trace-reader.h"

#include <glib/gi18n.h>
#include <inttypes.h>

/* How many records feed() decodes before it lets go of the lock, so that snapshot() on another
 * thread never waits long. */
#define RECORDS_PER_LOCK 4096

/* ---- decoding helpers (lock held) --------------------------------------------------------- */

static RdStatus
check_sid (HeapglassTrace *self, Rd *r, guint64 sid)
{
  if (string_by_sid (self, sid) == NULL)
    return rd_corrupt (r, "unknown string id %" PRIu64, sid);
  return RD_OK;
}

static RdStatus
rd_object (HeapglassTrace *self, Rd *r, guint32 *index)
{
  guint64 oid;
  RD (rd_varint (r, &oid));
  if (!lookup_oid (self, oid, index))
    return rd_corrupt (r, "unknown object id %" PRIu64, oid);
  return RD_OK;
}

/* Reads a value payload of `kind` (OBJ_NEW after the common fields, or VALUE). */
static RdStatus
rd_payload (HeapglassTrace *self, Rd *r, HgKind kind, HgValue *value)
{
  const guint8 *data;
  gsize len;
  guint64 full;
  guint8 b;

  memset (value, 0, sizeof *value);
  switch (kind)
    {
    case HG_KIND_BOOL:
      RD (rd_byte (r, &b));
      value->i = b != 0;
      break;
    case HG_KIND_INT:
      RD (rd_zigzag (r, &value->i));
      break;
    case HG_KIND_FLOAT:
      RD (rd_double (r, &value->f));
      break;
    case HG_KIND_STR:
    case HG_KIND_BYTES:
      RD (rd_varint (r, &full));
      RD (rd_bytes (r, &data, &len));
      /* a str's length is in code points (up to 4 UTF-8 bytes each), a bytes' in bytes */
      if ((kind == HG_KIND_BYTES ? full : 4 * MIN (full, G_MAXUINT64 / 4)) < len)
        return rd_corrupt (r, "string prefix longer than the string");
      value->text = hg_make_text (self, full, data, len);
      break;
    case HG_KIND_BIGINT:
    case HG_KIND_FUNCTION:
    case HG_KIND_CLASS:
    case HG_KIND_MODULE:
    case HG_KIND_OTHER:
      RD (rd_bytes (r, &data, &len));
      value->text = hg_make_text (self, len, data, len);
      break;
    default:
      break;
    }
  return RD_OK;
}

/* ---- records ------------------------------------------------------------------------------ */

static RdStatus
decode_header (HeapglassTrace *self, Rd *r)
{
  guint64 version, max_items;
  const guint8 *data;
  gsize len;
  gsize have = MIN ((gsize)(r->end - r->p), (gsize)HG_TRACE_MAGIC_LEN);

  if (memcmp (r->p, HG_TRACE_MAGIC, have) != 0)
    return rd_corrupt (r, "not a Heapglass trace (bad magic)");
  if (have < HG_TRACE_MAGIC_LEN)
    return RD_MORE;
  r->p += HG_TRACE_MAGIC_LEN;
  RD (rd_varint (r, &version));
  if (version < HG_TRACE_OLDEST_VERSION || version > HG_TRACE_VERSION)
    {
      g_set_error (r->error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_VERSION,
                   _ ("Trace format version %" PRIu64 " is not supported (this build "
                      "reads version %d)"),
                   version, HG_TRACE_VERSION);
      return RD_BAD;
    }
  RD (rd_varint (r, &max_items));
  if (max_items > G_MAXUINT32)
    return rd_corrupt (r, "item limit out of range");
  RD (rd_bytes (r, &data, &len));
  self->max_items = (guint32)max_items;
  self->script = g_utf8_make_valid ((const char *)data, (gssize)len);
  return RD_OK;
}

/* The parent's limit, not the stream's word: the trace ends here, whatever follows. */
static RdStatus
reach_limit (HeapglassTrace *self, HgEnding ending)
{
  self->limit_hit = ending;
  self->ending = ending;
  self->exit_status = 0;
  self->signal_number = 0;
  self->end_message = NULL;
  self->state = STATE_ENDED;
  return RD_LIMIT;
}

static RdStatus
decode_step (HeapglassTrace *self, Rd *r, HeapglassEvent event)
{
  guint32 line = 0;

  RD (rd_u32 (r, &line));
  if (self->limit_steps && self->n_steps >= self->limit_steps)
    return reach_limit (self, HG_END_STEP_LIMIT);
  if (self->n_steps == G_MAXUINT32 - 1)
    return rd_corrupt (r, "too many steps");
  if (line > STEP_MAX_LINE)
    return rd_corrupt (r, "line %u out of range", line);
  if (G_UNLIKELY (line >= STEP_WIDE_LINE))
    {
      hist_push (self->spill, &self->wide_lines, self->n_steps + 1, line);
      *(guint16 *)hg_col_push (self->spill, &self->steps)
          = (guint16)(STEP_WIDE_LINE | (guint32)event << STEP_EVENT_SHIFT);
    }
  else
    *(guint16 *)hg_col_push (self->spill, &self->steps)
        = (guint16)(line | (guint32)event << STEP_EVENT_SHIFT);
  self->last_line = line;
  self->n_steps++;
  hg_profile_add_step (self);
  self->peak_objects = MAX (self->peak_objects, self->live_objects);
  self->max_depth = MAX (self->max_depth, self->stack->len);
  return RD_OK;
}

/* OBJ_NEW, or OBJ_NEW_AT (`with_address`): the same with the object's address after the refcount.
 */
static RdStatus
decode_obj_new (HeapglassTrace *self, Rd *r, gboolean with_address)
{
  guint64 oid, type_sid, kind, size, refcount, where = 0, address = 0;
  HgValue value;
  guint32 dummy;

  RD (rd_varint (r, &oid));
  RD (rd_varint (r, &type_sid));
  RD (rd_varint (r, &kind));
  RD (rd_varint (r, &size));
  RD (rd_varint (r, &refcount));
  if (with_address)
    {
      guint64 zz;

      RD (rd_varint (r, &where));
      zz = where >> 1;
      address = self->addresses.previous + (guint64)((gint64)(zz >> 1) ^ -(gint64)(zz & 1));
    }
  if (kind > HG_KIND_LAST)
    return rd_corrupt (r, "unknown object kind %" PRIu64, kind);
  RD (rd_payload (self, r, (HgKind)kind, &value));
  if (oid == 0 || lookup_oid (self, oid, &dummy))
    return rd_corrupt (r, "object id %" PRIu64 " reused", oid);
  RD (check_sid (self, r, type_sid));
  if (type_sid > SID_MASK)
    return rd_corrupt (r, "too many strings");
  if (self->n_objs == G_MAXUINT32 - 1)
    return rd_corrupt (r, "too many objects");

  if (self->oid_of != NULL && self->n_objs == self->cap_oid_of)
    {
      self->cap_oid_of *= 2;
      self->oid_of = g_renew (guint64, self->oid_of, self->cap_oid_of);
    }
  if (!hg_obj_new (self, (guint32)type_sid | ((guint32)kind << KIND_SHIFT),
                   (guint32)MIN (size, G_MAXUINT32), (guint32)MIN (refcount, G_MAXUINT32),
                   (HgKind)kind, &value))
    return rd_corrupt (r, "too many values");
  if (self->n_objs % SIZE_MARK_EVERY == 0)
    {
      if (self->n_size_marks == self->cap_size_marks)
        {
          self->cap_size_marks = self->cap_size_marks ? self->cap_size_marks * 2 : 64;
          self->size_marks = g_renew (guint64, self->size_marks, self->cap_size_marks);
          self->created_marks = g_renew (guint32, self->created_marks, self->cap_size_marks);
        }
      self->size_marks[self->n_size_marks] = self->size_total;
      self->created_marks[self->n_size_marks++] = cur_step (self);
    }
  if ((where & HG_WHERE_PREMADE) == 0)
    self->size_total += (guint32)MIN (size, G_MAXUINT32); /* live bytes are the program's own */
  hg_addresses_add (self, self->n_objs, address, (where & HG_WHERE_PREMADE) != 0);
  if (with_address)
    self->addresses.previous = address;
  if (oid != (guint64)self->n_objs + 1 && self->oid_of == NULL)
    {
      /* The first oid that is not dense: from now on oids go through tables. */
      self->cap_oid_of = MAX (self->n_objs * 2, 1024);
      self->oid_of = g_new (guint64, self->cap_oid_of);
      for (guint32 i = 0; i < self->n_objs; i++)
        self->oid_of[i] = (guint64)i + 1;
      self->oid_index = g_hash_table_new (NULL, NULL);
    }
  if (self->oid_of != NULL)
    {
      self->oid_of[self->n_objs] = oid;
      g_hash_table_insert (self->oid_index, GSIZE_TO_POINTER ((gsize)oid),
                           GUINT_TO_POINTER (self->n_objs + 1));
    }
  self->n_objs++;
  if ((where & HG_WHERE_PREMADE) == 0)
    self->live_objects++; /* what CPython made before the program is not new */
  self->peak_objects = MAX (self->peak_objects, self->live_objects);
  return RD_OK;
}

static RdStatus
decode_obj_free (HeapglassTrace *self, Rd *r)
{
  guint32 index, size;
  HgObj *obj;

  RD (rd_object (self, r, &index));
  obj = obj_at (self, index);
  if (obj->freed)
    return rd_corrupt (r, "object %" PRIu64 " freed twice", obj_oid (self, index));
  if (hg_is_premade (self, index))
    return rd_corrupt (r, "object %" PRIu64 " was made before the program and never dies",
                       obj_oid (self, index));
  obj->freed = cur_step (self);
  self->live_objects--;
  /* The free log keeps every free, several per step, and the bytes each gave back. */
  if (self->free_log.cap != HIST_PACKED)
    hg_hist_make_packed (self->spill, &self->free_log, TRUE);
  size = hg_obj_size_now (self, index);
  hg_pack_append (self->spill, self->free_log.u.big, obj->freed, index, size);
  self->free_log.n++;
  self->freed_total += size;
  return RD_OK;
}

static RdStatus
decode_seq (HeapglassTrace *self, Rd *r)
{
  guint32 index = 0, start = 0, count = 0, old_n = 0, new_n;
  guint64 length;
  const guint8 *items;
  HgObjExt *x;
  HgEntry prev;
  guint32 *block;

  RD (rd_object (self, r, &index));
  RD (rd_varint (r, &length));
  RD (rd_u32 (r, &start));
  RD (rd_count (r, &count, 1));
  items = r->p;
  for (guint32 i = 0; i < count; i++)
    {
      guint32 dummy;
      RD (rd_object (self, r, &dummy));
    }
  if ((guint64)start + count > length)
    return rd_corrupt (r, "items beyond the sequence's length");
  /* Views of a dict hold key/value pairs: items of another shape would be misread. */
  if (obj_kind (self, obj_at (self, index)) == HG_KIND_DICT)
    return rd_corrupt (r, "SEQ record for a dict");

  x = hg_obj_ext (self, obj_at (self, index));
  prev = hist_last (&x->items);
  if (prev.step)
    old_n = *pool_at (self, prev.value) & 0x7fffffff;
  /* New known prefix: the old one up to `start`, the new items, then what the old one had beyond
   * them, never past the exact length. Items after a gap are dropped: only a contiguous prefix
   * is kept. */
  if (start > old_n)
    count = 0;
  new_n = count ? MAX (old_n, start + count) : old_n;
  if (new_n > length)
    new_n = (guint32)length;
  if (!prev.step || new_n != old_n || count > 0)
    {
      guint32 offset;
      Rd again = *r;

      if (!hg_pool_block (self, (gsize)new_n + 1, &offset))
        return rd_corrupt (r, "trace too large");
      block = pool_at (self, offset);
      block[0] = new_n;
      if (prev.step)
        memcpy (block + 1, pool_at (self, prev.value) + 1, sizeof (guint32) * MIN (old_n, new_n));
      again.p = items;
      for (guint32 i = 0; i < count && start + i < new_n; i++)
        {
          guint32 item;
          rd_object (self, &again, &item);
          block[1 + start + i] = item + 1;
        }
      hist_push (self->spill, &x->items, cur_step (self), offset);
    }
  {
    HgEntry len_e = hist_last (&x->length);
    guint32 len32 = (guint32)MIN (length, G_MAXUINT32);
    if (!len_e.step || len_e.value != len32)
      hist_push (self->spill, &x->length, cur_step (self), len32);
  }
  return RD_OK;
}

static RdStatus
decode_dict (HeapglassTrace *self, Rd *r)
{
  guint32 index = 0, count = 0, offset;
  guint64 length = 0;
  const guint8 *items;
  HgObjExt *x;
  guint32 *block;

  RD (rd_object (self, r, &index));
  RD (rd_varint (r, &length));
  RD (rd_count (r, &count, 2));
  items = r->p;
  for (guint32 i = 0; i < 2 * count; i++)
    {
      guint32 dummy;
      RD (rd_object (self, r, &dummy));
    }
  if (count > length)
    return rd_corrupt (r, "more entries than the dict's length");
  if (obj_kind (self, obj_at (self, index)) != HG_KIND_DICT)
    return rd_corrupt (r, "DICT record for a %s",
                       heapglass_kind_to_string (obj_kind (self, obj_at (self, index))));
  if (!hg_pool_block (self, 2 * (gsize)count + 1, &offset))
    return rd_corrupt (r, "trace too large");
  x = hg_obj_ext (self, obj_at (self, index));
  block = pool_at (self, offset);
  block[0] = count | 0x80000000u;
  {
    Rd again = *r;
    again.p = items;
    for (guint32 i = 0; i < 2 * count; i++)
      {
        guint32 item;
        rd_object (self, &again, &item);
        block[1 + i] = item + 1;
      }
  }
  hist_push (self->spill, &x->items, cur_step (self), offset);
  hist_push (self->spill, &x->length, cur_step (self), (guint32)MIN (length, G_MAXUINT32));
  return RD_OK;
}

static RdStatus
decode_attrs (HeapglassTrace *self, Rd *r)
{
  guint32 index = 0, count = 0, offset;
  const guint8 *items;
  HgObjExt *x;
  guint32 *block;

  RD (rd_object (self, r, &index));
  RD (rd_count (r, &count, 2));
  items = r->p;
  for (guint32 i = 0; i < count; i++)
    {
      guint64 sid;
      guint32 dummy;
      RD (rd_varint (r, &sid));
      RD (rd_object (self, r, &dummy));
      RD (check_sid (self, r, sid));
    }
  if (!hg_pool_block (self, 2 * (gsize)count + 1, &offset))
    return rd_corrupt (r, "trace too large");
  x = hg_obj_ext (self, obj_at (self, index));
  block = pool_at (self, offset);
  block[0] = count;
  {
    Rd again = *r;
    again.p = items;
    for (guint32 i = 0; i < count; i++)
      {
        guint64 sid;
        guint32 item;
        rd_varint (&again, &sid);
        rd_object (self, &again, &item);
        block[1 + 2 * i] = (guint32)sid;
        block[2 + 2 * i] = item + 1;
      }
  }
  hist_push (self->spill, &x->attrs, cur_step (self), offset);
  return RD_OK;
}

static RdStatus
decode_weakref (HeapglassTrace *self, Rd *r)
{
  guint32 index, referent = 0;
  guint64 roid;

  RD (rd_object (self, r, &index));
  RD (rd_varint (r, &roid));
  if (obj_kind (self, obj_at (self, index)) != HG_KIND_WEAKREF)
    return rd_corrupt (r, "WEAKREF record for a %s",
                       heapglass_kind_to_string (obj_kind (self, obj_at (self, index))));
  if (roid != 0)
    {
      if (!lookup_oid (self, roid, &referent))
        return rd_corrupt (r, "unknown object id %" PRIu64, roid);
      referent++;
    }
  hist_push (self->spill, &hg_obj_ext (self, obj_at (self, index))->value, cur_step (self),
             referent);
  return RD_OK;
}

static RdStatus
decode_meta (HeapglassTrace *self, Rd *r)
{
  guint32 index, old_size;
  guint64 size, refcount;
  HgObjExt *x;

  RD (rd_object (self, r, &index));
  RD (rd_varint (r, &size));
  RD (rd_varint (r, &refcount));
  old_size = hg_obj_size_now (self, index);
  x = hg_obj_ext (self, obj_at (self, index));
  hist_push (self->spill, &x->size, cur_step (self), (guint32)MIN (size, G_MAXUINT32));
  hist_push (self->spill, &x->refcount, cur_step (self), (guint32)MIN (refcount, G_MAXUINT32));
  if (!obj_at (self, index)->freed && !hg_is_premade (self, index))
    hg_push_bytes_adjust (self, (gint64)MIN (size, G_MAXUINT32) - (gint64)old_size);
  return RD_OK;
}

static RdStatus
decode_value (HeapglassTrace *self, Rd *r)
{
  guint32 index;
  HgValue value;

  RD (rd_object (self, r, &index));
  RD (rd_payload (self, r, obj_kind (self, obj_at (self, index)), &value));
  if (obj_kind (self, obj_at (self, index)) == HG_KIND_WEAKREF)
    return rd_corrupt (r, "VALUE record for a weakref");
  if (self->values.n >= G_MAXUINT32)
    return rd_corrupt (r, "too many values");
  *(HgValue *)hg_col_push (self->spill, &self->values) = value;
  hist_push (self->spill, &hg_obj_ext (self, obj_at (self, index))->value, cur_step (self),
             (guint32)(self->values.n - 1));
  return RD_OK;
}

static RdStatus
decode_bind (HeapglassTrace *self, Rd *r, gboolean bind)
{
  guint64 k, sid;
  guint32 index = 0;
  HgFrame *f;

  RD (rd_varint (r, &k));
  RD (rd_varint (r, &sid));
  if (bind)
    RD (rd_object (self, r, &index));
  RD (check_sid (self, r, sid));
  f = frame_at_depth (self, k);
  if (f == NULL)
    return rd_corrupt (r, "no frame %" PRIu64 " on a stack of %u", k, self->stack->len);
  hist_push (self->spill, &hg_frame_slot (self, f, (guint32)sid, TRUE)->h, cur_step (self),
             bind ? index + 1 : 0);
  return RD_OK;
}

static RdStatus
decode_frame_push (HeapglassTrace *self, Rd *r)
{
  guint64 sid = 0;
  guint32 first_line = 0;
  HgFrame *f;
  guint32 parent
      = self->stack->len ? g_array_index (self->stack, guint32, self->stack->len - 1) + 1 : 0;

  RD (rd_varint (r, &sid));
  RD (rd_u32 (r, &first_line));
  RD (check_sid (self, r, sid));
  if (self->n_frames == G_MAXUINT32 - 1)
    return rd_corrupt (r, "too many frames");
  f = hg_col_push (self->spill, &self->frames); /* zero-filled */
  f->parent = parent;
  f->func_sid = (guint32)sid;
  f->first_line = first_line;
  f->caller_line = self->n_steps ? self->last_line : 0;
  f->depth = self->stack->len + 1;
  g_array_append_val (self->stack, self->n_frames);
  self->n_frames++;
  hg_log_top_frame (self);
  return RD_OK;
}

/* Where the caller of the innermost frame is (version 2): the line of the call itself, which the
 * last step's line is not when the call follows another call on the same line. */
static RdStatus
decode_frame_line (HeapglassTrace *self, Rd *r)
{
  guint32 line = 0;

  RD (rd_u32 (r, &line));
  if (self->stack->len == 0)
    return rd_corrupt (r, "frame line on an empty stack");
  frame_at (self, g_array_index (self->stack, guint32, self->stack->len - 1))->caller_line = line;
  return RD_OK;
}

/* A dict's exact length changed while the entries it shows did not (a big dict growing). */
static RdStatus
decode_dict_length (HeapglassTrace *self, Rd *r)
{
  guint32 index = 0;
  guint64 length = 0;
  HgObjExt *x;
  HgEntry items;

  RD (rd_object (self, r, &index));
  RD (rd_varint (r, &length));
  if (obj_kind (self, obj_at (self, index)) != HG_KIND_DICT)
    return rd_corrupt (r, "DICT_LENGTH record for a %s",
                       heapglass_kind_to_string (obj_kind (self, obj_at (self, index))));
  x = hg_obj_ext (self, obj_at (self, index));
  items = hist_last (&x->items);
  if (items.step && (*pool_at (self, items.value) & 0x7fffffff) > length)
    return rd_corrupt (r, "more entries than the dict's length");
  hist_push (self->spill, &x->length, cur_step (self), (guint32)MIN (length, G_MAXUINT32));
  return RD_OK;
}

static RdStatus
decode_frame_pop (HeapglassTrace *self, Rd *r)
{
  if (self->stack->len == 0)
    return rd_corrupt (r, "frame pop on an empty stack");
  /* Its names never change again: the index that found them while it ran can go. */
  g_clear_pointer (&frame_at_depth (self, 0)->slot_index, g_hash_table_unref);
  g_array_set_size (self->stack, self->stack->len - 1);
  hg_log_top_frame (self);
  return RD_OK;
}

static RdStatus
decode_output (HeapglassTrace *self, Rd *r)
{
  guint64 stream;
  const guint8 *data;
  gsize len;
  HgCol *log;
  HgOutputMark *mark;
  gboolean over = FALSE;

  RD (rd_varint (r, &stream));
  RD (rd_bytes (r, &data, &len));
  if (stream != 1 && stream != 2)
    return rd_corrupt (r, "unknown output stream %" PRIu64, stream);
  if (self->limit_output)
    {
      guint64 total = (guint64)self->output[0]->len + self->output[1]->len;
      if (total + len > self->limit_output)
        {
          over = TRUE;
          len = total < self->limit_output ? (gsize)(self->limit_output - total) : 0;
        }
    }
  g_byte_array_append (self->output[stream - 1], data, (guint)len);
  log = &self->output_log[stream - 1];
  mark = log->n ? hg_col_at (log, log->n - 1) : NULL;
  if (mark == NULL || mark->step != cur_step (self))
    {
      mark = hg_col_push (self->spill, log);
      mark->step = cur_step (self);
    }
  mark->total = self->output[stream - 1]->len;
  return over ? reach_limit (self, HG_END_OUTPUT_LIMIT) : RD_OK;
}

static RdStatus
decode_exception (HeapglassTrace *self, Rd *r)
{
  guint64 sid, k;
  const guint8 *data;
  gsize len;
  HgException *e;
  g_autofree char *message = NULL;

  RD (rd_varint (r, &sid));
  RD (rd_bytes (r, &data, &len));
  RD (rd_varint (r, &k));
  RD (check_sid (self, r, sid));
  if (k >= self->stack->len)
    return rd_corrupt (r, "exception in frame %" PRIu64 " of %u", k, self->stack->len);
  message = g_utf8_make_valid ((const char *)data, (gssize)len);
  e = hg_col_push (self->spill, &self->exceptions);
  e->step = cur_step (self);
  e->frame = g_array_index (self->stack, guint32, self->stack->len - 1 - k);
  e->type_sid = (guint32)sid;
  e->message = hg_make_text (self, 0, (const guint8 *)message, strlen (message)) + HG_TEXT_HEADER;
  self->last_exception_type = (guint32)sid;
  self->last_exception_message = e->message;
  return RD_OK;
}

static RdStatus
decode_end (HeapglassTrace *self, Rd *r)
{
  guint64 ending, signal_number;
  gint64 status;
  const guint8 *data;
  gsize len;
  guint32 line = 0;

  RD (rd_varint (r, &ending));
  RD (rd_zigzag (r, &status));
  RD (rd_varint (r, &signal_number));
  RD (rd_bytes (r, &data, &len));
  RD (rd_u32 (r, &line));
  if (ending == HG_END_NONE || ending > HG_END_LAST_IN_STREAM)
    return rd_corrupt (r, "unknown ending %" PRIu64, ending);
  if (signal_number > 255 || status < G_MININT || status > G_MAXINT)
    return rd_corrupt (r, "impossible exit status");
  self->ending = (HgEnding)ending;
  self->exit_status = (int)status;
  self->signal_number = (int)signal_number;
  if (len > 0)
    {
      g_autofree char *message = g_utf8_make_valid ((const char *)data, (gssize)len);
      self->end_message = g_string_chunk_insert (self->chunk, message);
    }
  else
    self->end_message = NULL;
  self->end_line = line;
  self->state = STATE_ENDED;
  hg_resolve_uncaught_exception (self);
  return RD_OK;
}

static RdStatus
decode_record (HeapglassTrace *self, Rd *r)
{
  guint8 code;
  const guint8 *data;
  gsize len;

  if (self->state == STATE_HEADER)
    {
      RD (decode_header (self, r));
      self->state = STATE_RECORDS;
      return RD_OK;
    }
  RD (rd_byte (r, &code));
  if (self->state == STATE_ENDED)
    return rd_corrupt (r, "data after the end record");
  switch (code)
    {
    case HG_REC_STEP_LINE:
      return decode_step (self, r, HEAPGLASS_EVENT_LINE);
    case HG_REC_STEP_CALL:
      return decode_step (self, r, HEAPGLASS_EVENT_CALL);
    case HG_REC_STEP_RETURN:
      return decode_step (self, r, HEAPGLASS_EVENT_RETURN);
    case HG_REC_STEP_EXCEPTION:
      return decode_step (self, r, HEAPGLASS_EVENT_EXCEPTION);
    case HG_REC_STRING:
      RD (rd_bytes (r, &data, &len));
      {
        g_autofree char *text = g_utf8_make_valid ((const char *)data, (gssize)len);
        g_ptr_array_add (self->strings, g_string_chunk_insert (self->chunk, text));
      }
      return RD_OK;
    case HG_REC_FRAME_PUSH:
      return decode_frame_push (self, r);
    case HG_REC_FRAME_POP:
      return decode_frame_pop (self, r);
    case HG_REC_BIND:
      return decode_bind (self, r, TRUE);
    case HG_REC_UNBIND:
      return decode_bind (self, r, FALSE);
    case HG_REC_OBJ_NEW:
      return decode_obj_new (self, r, FALSE);
    case HG_REC_OBJ_NEW_AT:
      return decode_obj_new (self, r, TRUE);
    case HG_REC_OBJ_FREE:
      return decode_obj_free (self, r);
    case HG_REC_SEQ:
      return decode_seq (self, r);
    case HG_REC_DICT:
      return decode_dict (self, r);
    case HG_REC_ATTRS:
      return decode_attrs (self, r);
    case HG_REC_WEAKREF:
      return decode_weakref (self, r);
    case HG_REC_META:
      return decode_meta (self, r);
    case HG_REC_OUTPUT:
      return decode_output (self, r);
    case HG_REC_EXCEPTION:
      return decode_exception (self, r);
    case HG_REC_INPUT:
      RD (rd_bytes (r, &data, &len));
      {
        HgInput input = { cur_step (self), g_utf8_make_valid ((const char *)data, (gssize)len) };
        g_array_append_val (self->inputs, input);
      }
      return RD_OK;
    case HG_REC_END:
      return decode_end (self, r);
    case HG_REC_VALUE:
      return decode_value (self, r);
    case HG_REC_FRAME_LINE:
      return decode_frame_line (self, r);
    case HG_REC_DICT_LENGTH:
      return decode_dict_length (self, r);
    case HG_REC_RETURN_VALUE:
      {
        guint32 index;
        HgReturn *ret;
        RD (rd_object (self, r, &index));
        ret = self->returns.n ? hg_col_at (&self->returns, self->returns.n - 1) : NULL;
        if (ret == NULL || ret->step != cur_step (self))
          {
            ret = hg_col_push (self->spill, &self->returns);
            ret->step = cur_step (self);
          }
        ret->index = index;
        return RD_OK;
      }
    default:
      r->p--;
      return rd_corrupt (r, "unknown record 0x%02x", code);
    }
}

/* ---- feeding ------------------------------------------------------------------------------ */

/* The spill is full: the trace ends here, as if the tracer had stopped before the next record;
 * the steps so far stay. */
static RdStatus
end_at_disk_limit (HeapglassTrace *self)
{
  g_autofree char *limit
      = g_format_size_full (hg_spill_get_limit (self->spill), G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *message
      = hg_spill_get_limit (self->spill) > 0
                && hg_spill_get_used (self->spill) >= hg_spill_get_limit (self->spill)
            ? g_strdup_printf (_ ("The trace reached its disk budget (%s)"), limit)
            : g_strdup (_ ("The disk has no room left for the trace"));

  reach_limit (self, HG_END_DISK_LIMIT);
  self->end_message = g_string_chunk_insert (self->chunk, message);
  return RD_LIMIT;
}

/* Decodes at most `budget` complete records from the pending bytes. Returns TRUE when it stopped
 * because of the budget (more may be decodable), FALSE when it needs more input or failed. */
static gboolean
decode_some (HeapglassTrace *self, guint budget)
{
  Rd r;
  gboolean budget_spent = TRUE;

  if (self->pending_pos >= self->pending->len)
    return FALSE; /* nothing buffered (and data may be NULL) */
  r.start = self->pending->data + self->pending_pos;
  r.p = r.start;
  r.end = self->pending->data + self->pending->len;
  r.base = self->consumed;
  r.error = &self->error;

  for (guint n = 0; n < budget; n++)
    {
      const guint8 *record_start = r.p;
      RdStatus status;

      if (r.p == r.end)
        {
          budget_spent = FALSE;
          break;
        }
      /* Between records, so that every record is applied whole or not at all. */
      if (G_UNLIKELY (hg_spill_is_full (self->spill)))
        status = end_at_disk_limit (self);
      else
        status = decode_record (self, &r);
      if (status == RD_LIMIT)
        {
          /* what follows a limit is dropped unread */
          r.p = r.end;
          budget_spent = FALSE;
          break;
        }
      if (status != RD_OK)
        {
          /* Incomplete or corrupt: nothing of it was applied (records apply after a full
           * parse), and the next feed starts again at its first byte. */
          r.p = record_start;
          budget_spent = FALSE;
          break;
        }
    }
  self->consumed += (gsize)(r.p - r.start);
  self->pending_pos += (gsize)(r.p - r.start);
  return budget_spent && self->error == NULL;
}

gboolean
heapglass_trace_feed (HeapglassTrace *self, const guint8 *data, gsize len, GError **error)
{
  gboolean over_stream = FALSE;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  trace_lock (self);
  if (self->limit_hit != HG_END_NONE)
    {
      /* past a limit: the rest is dropped unread */
      g_mutex_unlock (&self->lock);
      return TRUE;
    }
  if (self->error == NULL && self->complete)
    g_set_error_literal (&self->error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT,
                         _ ("Trace data after the end of the stream"));
  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      g_mutex_unlock (&self->lock);
      return FALSE;
    }
  if (self->limit_stream && self->stream_bytes + len > self->limit_stream)
    {
      len = (gsize)(self->limit_stream - self->stream_bytes);
      over_stream = TRUE;
    }
  g_byte_array_append (self->pending, data, (guint)len);
  self->stream_bytes += len;
  hg_trace_spill (self);
  g_mutex_unlock (&self->lock);

  for (;;)
    {
      gboolean more;

      g_mutex_lock (&self->lock);
      more = decode_some (self, RECORDS_PER_LOCK);
      if (!more)
        {
          /* Keep only the incomplete tail. */
          g_byte_array_remove_range (self->pending, 0, (guint)self->pending_pos);
          self->pending_pos = 0;
          if (self->error != NULL)
            {
              /* the steps so far stand; the run's ending is that its trace broke */
              if (self->limit_hit == HG_END_NONE)
                {
                  self->ending = HG_END_CORRUPT_TRACE;
                  self->exit_status = 0;
                  self->signal_number = 0;
                  self->end_message = g_string_chunk_insert (self->chunk, self->error->message);
                }
              g_propagate_error (error, g_error_copy (self->error));
              g_mutex_unlock (&self->lock);
              return FALSE;
            }
          if (over_stream && self->limit_hit == HG_END_NONE && self->state != STATE_ENDED)
            {
              reach_limit (self, HG_END_TRACE_LIMIT);
              g_byte_array_set_size (self->pending, 0);
            }
          g_mutex_unlock (&self->lock);
          return TRUE;
        }
      g_mutex_unlock (&self->lock);
      while (g_atomic_int_get (&self->readers_waiting) > 0)
        g_thread_yield ();
    }
}

gboolean
heapglass_trace_finish (HeapglassTrace *self, GError **error)
{
  gboolean ok = TRUE;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), FALSE);

  trace_lock (self);
  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      ok = FALSE;
    }
  else if (self->limit_hit == HG_END_NONE
           && (self->pending->len > self->pending_pos || self->state == STATE_HEADER))
    {
      g_set_error (&self->error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_TRUNCATED,
                   self->stream_bytes == 0 ? _ ("The trace stream is empty")
                                           : _ ("The trace stream stops in the middle of a record "
                                                "(byte %zu)"),
                   (size_t)self->consumed);
      g_propagate_error (error, g_error_copy (self->error));
      ok = FALSE;
    }
  self->complete = TRUE;
  /* Nothing more is written: what the writing left resident goes now, not seek by seek. */
  if (self->spill != NULL)
    hg_spill_release_all (self->spill);
  g_mutex_unlock (&self->lock);
  return ok;
}

void
heapglass_trace_set_limits (HeapglassTrace *self, guint64 max_steps, guint64 max_output_bytes,
                            guint64 max_stream_bytes)
{
  g_return_if_fail (HEAPGLASS_IS_TRACE (self));

  trace_lock (self);
  self->limit_steps = max_steps;
  self->limit_output = max_output_bytes;
  self->limit_stream = max_stream_bytes;
  g_mutex_unlock (&self->lock);
}

HgEnding
heapglass_trace_get_limit_hit (HeapglassTrace *self)
{
  HgEnding hit;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), HG_END_NONE);
  trace_lock (self);
  hit = self->limit_hit;
  g_mutex_unlock (&self->lock);
  return hit;
}

void
heapglass_trace_replace_ending (HeapglassTrace *self, HgEnding ending, int exit_status,
                                int signal_number, const char *message)
{
  g_return_if_fail (HEAPGLASS_IS_TRACE (self));
  g_return_if_fail (ending <= HG_END_LAST);

  trace_lock (self);
  self->ending = ending;
  self->exit_status = exit_status;
  self->signal_number = signal_number;
  self->end_message = message ? g_string_chunk_insert (self->chunk, message) : NULL;
  g_mutex_unlock (&self->lock);
}

void
heapglass_trace_set_ending (HeapglassTrace *self, HgEnding ending, int exit_status,
                            int signal_number, const char *message)
{
  g_return_if_fail (HEAPGLASS_IS_TRACE (self));
  g_return_if_fail (ending <= HG_END_LAST);

  trace_lock (self);
  if (self->ending == HG_END_NONE)
    {
      self->ending = ending;
      self->exit_status = exit_status;
      self->signal_number = signal_number;
      self->end_message = message ? g_string_chunk_insert (self->chunk, message) : NULL;
    }
  g_mutex_unlock (&self->lock);
}

HeapglassTrace *
heapglass_trace_new_from_bytes (GBytes *bytes, GError **error)
{
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &len);
  for (gsize off = 0; off < len; off += 1 << 20)
    if (!heapglass_trace_feed (trace, data + off, MIN (len - off, (gsize)1 << 20), error))
      return NULL;
  if (!heapglass_trace_finish (trace, error))
    return NULL;
  return g_steal_pointer (&trace);
}

/* The uncaught exception: the last EXCEPTION record, or when there was none (raised outside
 * user code), the "Type: message" of the END record. Set when decoding END. */
void
hg_resolve_uncaught_exception (HeapglassTrace *self)
{
  const char *colon;

  self->uncaught_type = NULL;
  self->uncaught_message = NULL;
  if (self->ending != HG_END_EXCEPTION && self->ending != HG_END_MEMORY_LIMIT)
    return;
  if (self->last_exception_type != 0)
    {
      self->uncaught_type = string_by_sid (self, self->last_exception_type);
      self->uncaught_message = self->last_exception_message;
      return;
    }
  if (self->end_message == NULL)
    return;
  colon = strstr (self->end_message, ": ");
  if (colon != NULL)
    {
      g_autofree char *type = g_strndup (self->end_message, (gsize)(colon - self->end_message));
      self->uncaught_type = g_string_chunk_insert (self->chunk, type);
      self->uncaught_message = colon + 2;
    }
  else
    self->uncaught_type = self->end_message;
}
