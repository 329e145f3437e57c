/* heapglass-trace-snapshot.c: rebuilds the state at one step (frames, then the objects they reach)
 * from the model's histories, by binary search. */
#include "heapglass-trace-private.h"

/* ---- snapshots ---------------------------------------------------------------------------- */

typedef struct
{
  HeapglassSnapshot pub;
  gint ref_count;
  HeapglassTrace *trace; /* owns every string the views point to */
  HeapglassFrameView *frames;
  HeapglassObjectView *objects;
  const char **names;
  guint64 *oids;
  gboolean *flags;
  GHashTable *by_oid; /* oid → object index + 1 */
} HeapglassSnapshotPrivate;

HeapglassSnapshot *
heapglass_snapshot_ref (HeapglassSnapshot *snapshot)
{
  HeapglassSnapshotPrivate *priv = (HeapglassSnapshotPrivate *)snapshot;
  g_return_val_if_fail (snapshot != NULL, NULL);
  g_atomic_int_inc (&priv->ref_count);
  return snapshot;
}

void
heapglass_snapshot_unref (HeapglassSnapshot *snapshot)
{
  HeapglassSnapshotPrivate *priv = (HeapglassSnapshotPrivate *)snapshot;
  g_return_if_fail (snapshot != NULL);
  if (!g_atomic_int_dec_and_test (&priv->ref_count))
    return;
  g_free (priv->frames);
  g_free (priv->objects);
  g_free (priv->names);
  g_free (priv->oids);
  g_free (priv->flags);
  g_hash_table_unref (priv->by_oid);
  g_object_unref (priv->trace);
  g_free (priv);
}

const HeapglassObjectView *
heapglass_snapshot_find_object (const HeapglassSnapshot *snapshot, guint64 oid)
{
  const HeapglassSnapshotPrivate *priv = (const HeapglassSnapshotPrivate *)snapshot;
  gpointer found;

  g_return_val_if_fail (snapshot != NULL, NULL);
  found = g_hash_table_lookup (priv->by_oid, GSIZE_TO_POINTER ((gsize)oid));
  return found ? &snapshot->objects[GPOINTER_TO_UINT (found) - 1] : NULL;
}

/* The frame of a call in this snapshot, NULL when that call is not on its stack (two steps'
 * snapshots are compared frame by frame through it). */
const HeapglassFrameView *
heapglass_snapshot_find_frame (const HeapglassSnapshot *snapshot, guint frame_id)
{
  g_return_val_if_fail (snapshot != NULL, NULL);
  for (guint f = 0; f < snapshot->n_frames; f++)
    if (snapshot->frames[f].frame_id == frame_id)
      return &snapshot->frames[f];
  return NULL;
}

/* The object `name` refers to in `frame` (which may be NULL), 0 when it is unbound there. */
guint64
heapglass_frame_view_get_binding (const HeapglassFrameView *frame, const char *name)
{
  for (guint i = 0; frame != NULL && i < frame->n_bindings; i++)
    if (g_str_equal (frame->names[i], name))
      return frame->oids[i];
  return 0;
}

/* While a snapshot is built, arrays the views point to grow; views keep offsets and are patched
 * into pointers at the end. */
typedef struct
{
  GArray *frames;   /* HeapglassFrameView, array fields hold offsets */
  GArray *objects;  /* HeapglassObjectView, likewise */
  GArray *names;    /* const char * */
  GArray *oids;     /* guint64 */
  GArray *flags;    /* gboolean */
  GArray *queue;    /* object indices to visit */
  GHashTable *seen; /* object index + 1 → view index + 1 */
} Builder;

static gboolean
obj_alive_at (const HgObj *obj, guint32 step)
{
  return obj->created <= step && (obj->freed == 0 || obj->freed > step);
}

static void
visit (HeapglassTrace *self, Builder *b, guint32 index, guint32 step)
{
  if (index >= self->n_objs || !obj_alive_at (obj_at (self, index), step))
    return;
  if (g_hash_table_contains (b->seen, GUINT_TO_POINTER (index + 1)))
    return;
  g_hash_table_insert (b->seen, GUINT_TO_POINTER (index + 1), GUINT_TO_POINTER (0));
  g_array_append_val (b->queue, index);
}

static guint64
ref_oid (HeapglassTrace *self, guint32 ref)
{
  return ref ? obj_oid (self, ref - 1) : 0;
}

static void
build_object (HeapglassTrace *self, Builder *b, guint32 index, guint32 step)
{
  const HgObj *obj = obj_at (self, index);
  const HgObjExt *x = obj_ext_get (self, obj);
  HeapglassObjectView v = { 0 };
  const HgShape *shape = obj_shape (self, obj);
  HgValue value = obj_value0 (self, obj);
  HgEntry e;

  v.oid = obj_oid (self, index);
  v.kind = (HgKind)(shape->type_kind >> KIND_SHIFT);
  v.type_name = string_by_sid (self, shape->type_kind & SID_MASK);
  v.created_step = obj->created;
  v.freed_step = obj->freed;
  v.freed = obj->freed == step;
  v.size = shape->size0;
  v.refcount = shape->refcount0;
  v.changed = obj->created == step;

  if (x != NULL)
    {
      if (v.kind == HG_KIND_WEAKREF)
        {
          e = hist_at (&x->value, step);
          if (e.step && e.value && obj_alive_at (obj_at (self, e.value - 1), step))
            v.referent = ref_oid (self, e.value);
          v.was_weakref_target = x->value.n > 0 && hist_get (&x->value, 0).step <= step
                                 && hist_get (&x->value, 0).value;
          if (v.referent && !v.freed)
            visit (self, b, e.value - 1, step);
        }
      else if ((e = hist_at (&x->value, step)).step)
        value = *(const HgValue *)hg_col_at (&self->values, e.value);
      if ((e = hist_at (&x->length, step)).step)
        v.length = e.value;
      if ((e = hist_at (&x->size, step)).step)
        v.size = e.value;
      if ((e = hist_at (&x->refcount, step)).step)
        v.refcount = e.value;
      if ((e = hist_at (&x->items, step)).step)
        {
          const guint32 *block = pool_at (self, e.value);
          gboolean dict = (block[0] & 0x80000000u) != 0;
          guint32 n = block[0] & 0x7fffffff;
          guint32 n_refs = dict ? 2 * n : n;
          v.n_items = n;
          v.items = GSIZE_TO_POINTER ((gsize)b->oids->len);
          for (guint32 i = 0; i < n_refs; i++)
            {
              guint64 oid = ref_oid (self, block[1 + i]);
              g_array_append_val (b->oids, oid);
              if (!v.freed)
                visit (self, b, block[1 + i] - 1, step);
            }
        }
      if ((e = hist_at (&x->attrs, step)).step)
        {
          const guint32 *block = pool_at (self, e.value);
          v.n_attrs = block[0];
          v.attr_names = GSIZE_TO_POINTER ((gsize)b->names->len);
          v.attr_oids = GSIZE_TO_POINTER ((gsize)b->oids->len);
          for (guint32 i = 0; i < block[0]; i++)
            {
              const char *name = string_by_sid (self, block[1 + 2 * i]);
              g_array_append_val (b->names, name);
            }
          for (guint32 i = 0; i < block[0]; i++)
            {
              guint64 oid = ref_oid (self, block[2 + 2 * i]);
              g_array_append_val (b->oids, oid);
              if (!v.freed)
                visit (self, b, block[2 + 2 * i] - 1, step);
            }
        }
      /* changed = its value, length, items or attributes; a new reference to it (y = x) changes
       * its refcount, not the object */
      v.changed = v.changed || hist_changed_at (&x->value, step)
                  || hist_changed_at (&x->length, step) || hist_changed_at (&x->items, step)
                  || hist_changed_at (&x->attrs, step);
    }

  switch (v.kind)
    {
    case HG_KIND_BOOL:
      v.bool_value = value.i != 0;
      v.int_value = value.i;
      break;
    case HG_KIND_INT:
      v.int_value = value.i;
      break;
    case HG_KIND_FLOAT:
      v.float_value = value.f;
      break;
    case HG_KIND_STR:
    case HG_KIND_BYTES:
    case HG_KIND_BIGINT:
    case HG_KIND_FUNCTION:
    case HG_KIND_CLASS:
    case HG_KIND_MODULE:
    case HG_KIND_OTHER:
      if (value.text != NULL)
        {
          v.text = value.text + HG_TEXT_HEADER;
          v.text_len = text_bytes (value.text);
          if (v.kind == HG_KIND_STR || v.kind == HG_KIND_BYTES)
            v.length = text_length (value.text);
        }
      break;
    default:
      break;
    }
  g_array_append_val (b->objects, v);
  g_hash_table_insert (b->seen, GUINT_TO_POINTER (index + 1), GUINT_TO_POINTER (b->objects->len));
}

/* Exceptions recorded at `step`: [*first, *last). They are in step order. */
static void
exceptions_at (HeapglassTrace *self, guint32 step, guint *first, guint *last)
{
  guint lo = 0, hi = (guint)self->exceptions.n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (((const HgException *)hg_col_at (&self->exceptions, mid))->step < step)
        lo = mid + 1;
      else
        hi = mid;
    }
  *first = lo;
  while (lo < self->exceptions.n
         && ((const HgException *)hg_col_at (&self->exceptions, lo))->step == step)
    lo++;
  *last = lo;
}

static void
build_frame_view (HeapglassTrace *self, Builder *b, guint32 step, guint32 fi, guint32 line,
                  guint ex_first, guint ex_last)
{
  const HgFrame *f = frame_at (self, fi);
  HeapglassFrameView fv = { 0 };

  fv.frame_id = fi + 1;
  fv.function = string_by_sid (self, f->func_sid);
  fv.first_line = f->first_line;
  fv.line = line;
  fv.names = GSIZE_TO_POINTER ((gsize)b->names->len);
  fv.oids = GSIZE_TO_POINTER ((gsize)b->oids->len);
  fv.rebound = GSIZE_TO_POINTER ((gsize)b->flags->len);
  for (guint32 s = 0; s < f->n_slots; s++)
    {
      HgEntry e = hist_at (&f->slots[s].h, step);
      const char *name;
      guint64 oid;
      gboolean rebound;

      if (e.value == 0 || !obj_alive_at (obj_at (self, e.value - 1), step))
        continue;
      name = string_by_sid (self, f->slots[s].name_sid);
      /* a chapter's `# heapglass: hide NAME` */
      if (self->hidden_names != NULL && g_hash_table_contains (self->hidden_names, name))
        continue;
      oid = obj_oid (self, e.value - 1);
      rebound = e.step == step;
      g_array_append_val (b->names, name);
      g_array_append_val (b->oids, oid);
      g_array_append_val (b->flags, rebound);
      fv.n_bindings++;
      visit (self, b, e.value - 1, step);
    }
  for (guint k = ex_first; k < ex_last; k++)
    {
      const HgException *ex = hg_col_at (&self->exceptions, k);
      if (ex->frame == fi)
        {
          fv.exception_type = string_by_sid (self, ex->type_sid);
          fv.exception_message = ex->message;
        }
    }
  g_array_append_val (b->frames, fv);
}

/* The stack at `step`, outermost first; with max_frames > 0 only its outermost and innermost
 * frames. */
static void
build_frames (HeapglassTrace *self, Builder *b, guint32 step, guint max_frames, guint *n_hidden,
              guint *n_head)
{
  g_autoptr (GArray) chain = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint32 top = top_frame_at (self, step);
  guint head, tail, ex_first, ex_last;

  for (guint32 f = top; f != 0; f = frame_at (self, f - 1)->parent)
    g_array_append_val (chain, f);
  exceptions_at (self, step, &ex_first, &ex_last);

  /* chain is innermost first: its last `head` entries are the outermost frames. */
  if (max_frames == 0 || chain->len <= max_frames)
    {
      head = chain->len;
      tail = 0;
    }
  else
    {
      head = MAX (max_frames / 2, 1);
      tail = max_frames - head;
    }
  *n_head = head;
  *n_hidden = chain->len - head - tail;

  for (guint i = chain->len; i > 0; i--)
    {
      guint32 fi = g_array_index (chain, guint32, i - 1) - 1;
      guint32 line;

      if (i <= chain->len - head && i > tail)
        continue;
      /* The top frame is at the step's line; each caller at the line it called from. */
      line = i == 1 ? step_line (self, step)
                    : frame_at (self, g_array_index (chain, guint32, i - 2) - 1)->caller_line;
      build_frame_view (self, b, step, fi, line, ex_first, ex_last);
    }
}

/* The object returned at `step`, if it is a return step that has one (index + 1, else 0). */
static guint32
return_value_at (HeapglassTrace *self, guint32 step)
{
  guint64 lo = 0, hi = self->returns.n;

  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;
      if (((const HgReturn *)hg_col_at (&self->returns, mid))->step < step)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo < self->returns.n && ((const HgReturn *)hg_col_at (&self->returns, lo))->step == step)
    return ((const HgReturn *)hg_col_at (&self->returns, lo))->index + 1;
  return 0;
}

static void
build_objects (HeapglassTrace *self, Builder *b, guint32 step)
{
  guint32 first_free, n_free;
  HgHistIter it;
  HgEntry e;

  /* Breadth first from the frames, in the order names were bound. */
  for (guint i = 0; i < b->queue->len; i++)
    build_object (self, b, g_array_index (b->queue, guint32, i), step);

  /* Then the objects that died at exactly this step, shown faded. */
  first_free = hist_count_upto (&self->free_log, step - 1);
  n_free = hist_count_upto (&self->free_log, step);
  hist_iter_init (&it, &self->free_log, first_free);
  for (guint32 i = first_free; i < n_free && hist_iter_next (&it, &e); i++)
    {
      guint32 index = e.value;
      if (g_hash_table_contains (b->seen, GUINT_TO_POINTER (index + 1)))
        continue;
      g_hash_table_insert (b->seen, GUINT_TO_POINTER (index + 1), GUINT_TO_POINTER (0));
      build_object (self, b, index, step);
    }
}

HeapglassSnapshot *
heapglass_trace_snapshot (HeapglassTrace *self, guint step)
{
  return heapglass_trace_snapshot_limited (self, step, 0);
}

HeapglassSnapshot *
heapglass_trace_snapshot_limited (HeapglassTrace *self, guint step, guint max_frames)
{
  HeapglassSnapshotPrivate *priv;
  Builder b;
  guint32 depth;
  guint n_hidden = 0, n_head = 0;
  guint32 returned;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), NULL);

  trace_lock (self);
  if (step < 1 || step > self->n_steps)
    {
      g_mutex_unlock (&self->lock);
      g_return_val_if_reached (NULL);
    }

  /* Sized for the stack's depth up front: a 50,000-deep recursion would otherwise spend its time
   * growing arrays. */
  depth = depth_at (self, step);
  if (max_frames > 0)
    depth = MIN (depth, max_frames);
  b.frames = g_array_sized_new (FALSE, FALSE, sizeof (HeapglassFrameView), depth);
  b.objects = g_array_sized_new (FALSE, FALSE, sizeof (HeapglassObjectView), depth + 64);
  b.names = g_array_sized_new (FALSE, FALSE, sizeof (const char *), 2 * depth + 64);
  b.oids = g_array_sized_new (FALSE, FALSE, sizeof (guint64), 2 * depth + 256);
  b.flags = g_array_sized_new (FALSE, FALSE, sizeof (gboolean), 2 * depth + 64);
  b.queue = g_array_sized_new (FALSE, FALSE, sizeof (guint32), depth + 64);
  b.seen = g_hash_table_new (NULL, NULL);

  build_frames (self, &b, step, max_frames, &n_hidden, &n_head);
  returned = return_value_at (self, step);
  if (returned != 0 && obj_alive_at (obj_at (self, returned - 1), step))
    visit (self, &b, returned - 1, step);
  else
    returned = 0;
  build_objects (self, &b, step);

  priv = g_new0 (HeapglassSnapshotPrivate, 1);
  priv->ref_count = 1;
  priv->trace = g_object_ref (self);
  priv->pub.step = step;
  priv->pub.n_steps = self->n_steps;
  priv->pub.line = step_line (self, step);
  priv->pub.event = step_event (self, step);
  priv->pub.stdout_len = hg_output_len_at (self, 1, step);
  priv->pub.stderr_len = hg_output_len_at (self, 2, step);
  priv->pub.live_objects = hg_live_objects_at (self, step);
  priv->pub.live_bytes = hg_live_bytes_at (self, step);
  priv->pub.n_frames_hidden = n_hidden;
  priv->pub.n_frames_head = n_head;
  priv->pub.return_value = returned ? obj_oid (self, returned - 1) : 0;
  if (self->spill != NULL)
    hg_spill_note_read (self->spill);
  g_mutex_unlock (&self->lock);

  priv->pub.n_frames = b.frames->len;
  priv->pub.n_objects = b.objects->len;
  priv->frames = (HeapglassFrameView *)(void *)g_array_free (b.frames, FALSE);
  priv->objects = (HeapglassObjectView *)(void *)g_array_free (b.objects, FALSE);
  priv->names = (const char **)(void *)g_array_free (b.names, FALSE);
  priv->oids = (guint64 *)(void *)g_array_free (b.oids, FALSE);
  priv->flags = (gboolean *)(void *)g_array_free (b.flags, FALSE);
  g_array_unref (b.queue);

  for (guint i = 0; i < priv->pub.n_frames; i++)
    {
      HeapglassFrameView *fv = &priv->frames[i];
      fv->names = priv->names + GPOINTER_TO_SIZE (fv->names);
      fv->oids = priv->oids + GPOINTER_TO_SIZE (fv->oids);
      fv->rebound = priv->flags + GPOINTER_TO_SIZE (fv->rebound);
    }
  priv->by_oid = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < priv->pub.n_objects; i++)
    {
      HeapglassObjectView *v = &priv->objects[i];
      v->items = v->n_items ? priv->oids + GPOINTER_TO_SIZE (v->items) : NULL;
      v->attr_names = v->n_attrs ? priv->names + GPOINTER_TO_SIZE (v->attr_names) : NULL;
      v->attr_oids = v->n_attrs ? priv->oids + GPOINTER_TO_SIZE (v->attr_oids) : NULL;
      g_hash_table_insert (priv->by_oid, GSIZE_TO_POINTER ((gsize)v->oid),
                           GUINT_TO_POINTER (i + 1));
    }
  g_hash_table_unref (b.seen);
  priv->pub.frames = priv->frames;
  priv->pub.objects = priv->objects;
  return &priv->pub;
}
