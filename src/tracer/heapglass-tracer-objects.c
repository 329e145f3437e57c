/* heapglass-tracer-objects.c: what the trace says about objects. An object gets its OBJ_NEW when a
 * name, item or attribute first refers to it, then its contents (first K items, entries,
 * attributes, the referent of a weakref) and everything they show, however deep, in the same
 * step; a re-check compares what is shown now with what was last sent (memcmp of pointers, dict
 * version tags, oids when something died meanwhile) and sends only the difference. Work goes
 * through a queue, not recursion, so a 100,000-node linked list costs no C stack. */
#include "heapglass-tracer-record-private.h"

/* ---- which objects have contents to follow ------------------------------------------------ */

/* Instances of Python classes and classes show attributes; int and str subclasses too. */
static int
shows_attrs (PyTypeObject *tp, HgKind kind)
{
  if (kind == HG_KIND_CLASS)
    return 1;
  return (tp->tp_flags & Py_TPFLAGS_HEAPTYPE) != 0 && kind != HG_KIND_FUNCTION
         && kind != HG_KIND_MODULE;
}

static int
needs_info (HgKind kind, int attrs)
{
  switch (kind)
    {
    case HG_KIND_FLOAT:
    case HG_KIND_LIST:
    case HG_KIND_TUPLE:
    case HG_KIND_SET:
    case HG_KIND_FROZENSET:
    case HG_KIND_DICT:
    case HG_KIND_INSTANCE:
    case HG_KIND_WEAKREF:
    case HG_KIND_CLASS:
      return 1;
    default:
      return attrs;
    }
}

int
hg_worth_checking (PyObject *v)
{
  PyTypeObject *tp = Py_TYPE (v);
  unsigned long flags = tp->tp_flags;
  if (flags & Py_TPFLAGS_HEAPTYPE)
    return 1;
  if (flags
      & (Py_TPFLAGS_LIST_SUBCLASS | Py_TPFLAGS_TUPLE_SUBCLASS | Py_TPFLAGS_DICT_SUBCLASS
         | Py_TPFLAGS_TYPE_SUBCLASS))
    return 1;
  if (tp == &PySet_Type || tp == &PyFrozenSet_Type || tp == &_PyWeakref_RefType)
    return 1;
  if (flags & (Py_TPFLAGS_LONG_SUBCLASS | Py_TPFLAGS_UNICODE_SUBCLASS | Py_TPFLAGS_BYTES_SUBCLASS)
      || tp == &PyFloat_Type || tp == &PyBool_Type || tp == Py_TYPE (Py_None))
    return 0;
  return hg_py_is_deque (tp);
}

/* ---- the queue ---------------------------------------------------------------------------- */

static void
queue_push (PyObject *v, uint32_t info, uint32_t oid)
{
  if (hg_rec.n_queue == hg_rec.cap_queue)
    {
      size_t cap = hg_rec.cap_queue ? hg_rec.cap_queue * 2 : 256;
      HgQueued *q = realloc (hg_rec.queue, cap * sizeof (HgQueued));
      if (!q)
        {
          hg_rec.out_of_memory = 1;
          return;
        }
      hg_rec.queue = q;
      hg_rec.cap_queue = cap;
    }
  hg_rec.queue[hg_rec.n_queue++] = (HgQueued){ v, info, oid };
}

void
hg_obj_check (PyObject *v)
{
  if (!hg_worth_checking (v))
    return; /* no contents: nothing shown can change */
  HgIdSlot *s = hg_id_find (hg_py_block_of (v));
  if (!s || !s->info || !s->oid)
    return;
  HgInfo *in = HG_INFO (s->info);
  if (in->what != HG_INFO_OBJECT || in->type != Py_TYPE (v) || in->checked_step == hg_rec.cur_step)
    return;
  in->checked_step = hg_rec.cur_step;
  HG_STAT (checks);
  queue_push (v, s->info, s->oid);
}

static uint32_t
emit_new (PyObject *v, PyTypeObject *tp, uint32_t oid, HgKind kind, uint32_t info)
{
  HgInfo *in = info ? HG_INFO (info) : NULL;
  HgBuf *b = &hg_tracer.buf;
  uint32_t tsid = hg_type_sid (tp);
  uint64_t size = hg_size_of (v, tp);
  Py_ssize_t rc = Py_REFCNT (v);
  uintptr_t address = (uintptr_t)v; /* what id(v) returns */
  int premade = hg_is_premade (address);
  hg_buf_byte (b, HG_REC_OBJ_NEW_AT);
  hg_buf_varint (b, oid);
  hg_buf_varint (b, tsid);
  hg_buf_varint (b, kind);
  hg_buf_varint (b, size);
  hg_buf_varint (b, (uint64_t)rc);
  hg_buf_varint (b, hg_where_encode (hg_rec.last_address, address, premade));
  hg_rec.last_address = address;
  hg_emit_payload (b, v, tp, kind);
  HG_STAT (new_objects);
  if (in)
    {
      in->size = size;
      in->refcnt = rc;
      in->checked_step = hg_rec.cur_step;
      queue_push (v, info, oid); /* its contents follow in this step */
    }
  return oid;
}

uint32_t
hg_obj_known (PyObject *v)
{
  PyTypeObject *tp = Py_TYPE (v);
  uintptr_t key = (uintptr_t)v - hg_py_preheader (tp);
  HgIdSlot *s = hg_id_find (key);
  if (s)
    {
      if (s->info)
        {
          HgInfo *in = HG_INFO (s->info);
          if (in->what == HG_INFO_OBJECT)
            {
              int stale = in->type != tp;
              if (!stale && in->kind == HG_KIND_FLOAT)
                {
                  /* floats are recycled by specialised code without any deallocator: the same
                   * address with another value is another float */
                  double dv = PyFloat_AS_DOUBLE (v);
                  uint64_t bits;
                  memcpy (&bits, &dv, sizeof bits);
                  stale = bits != in->bits;
                }
              if (stale)
                {
                  hg_note_block_death (key);
                  goto fresh;
                }
            }
        }
      if (s->oid)
        return s->oid;
      /* a code object we only kept an analysis for, now a value */
      s->oid = hg_rec.next_oid++;
      return emit_new (v, tp, s->oid, HG_KIND_OTHER, 0);
    }
fresh:
  s = hg_id_insert (key);
  if (!s)
    return 0;
  uint32_t oid = hg_rec.next_oid++;
  s->oid = oid;
  HgKind kind = hg_kind_of (v, tp);
  int attrs = shows_attrs (tp, kind);
  HgInfo *in = NULL;
  uint32_t index = 0;
  if (needs_info (kind, attrs))
    {
      index = hg_info_new ();
      if (index)
        {
          s = hg_id_find (key);
          s->info = index;
          in = HG_INFO (index);
          in->what = HG_INFO_OBJECT;
          in->kind = (uint8_t)kind;
          in->type = tp;
          in->has_attrs = (uint8_t)attrs;
          in->epoch = hg_rec.frees_epoch;
          if (kind == HG_KIND_FLOAT)
            {
              double dv = PyFloat_AS_DOUBLE (v);
              memcpy (&in->bits, &dv, sizeof dv);
            }
          if (kind == HG_KIND_WEAKREF)
            hg_weakref_add (key, v, oid);
        }
    }
  return emit_new (v, tp, oid, kind, in && (kind != HG_KIND_FLOAT || attrs) ? index : 0);
}

/* A reference newly recorded (a rebind, a changed item): the object it leads to is recorded, or
 * re-checked when known (it may have changed while nothing shown led to it). */
uint32_t
hg_obj_ref (PyObject *v)
{
  uint32_t oid = hg_obj_known (v);
  if (hg_worth_checking (v))
    hg_obj_check (v);
  return oid;
}

/* ---- gathering what an object shows now --------------------------------------------------- */

static uint32_t
gather_seq (PyObject *v, HgKind kind, Py_ssize_t *length)
{
  uint32_t k = hg_tracer.max_items, n = 0;
  if (!hg_scratch_reserve (2 * (size_t)k + 2))
    return 0;
  PyObject **out = hg_rec.scratch;
  if (kind == HG_KIND_LIST && !PyList_Check (v))
    {
      /* a deque: blocks of 64 from leftblock[leftindex] */
      HgDequeObject *dq = (HgDequeObject *)v;
      HgDequeBlock *block = dq->leftblock;
      Py_ssize_t index = dq->leftindex;
      *length = Py_SIZE (v);
      while ((Py_ssize_t)n < *length && n < k && block)
        {
          out[n++] = block->data[index++];
          if (index == HG_DEQUE_BLOCKLEN)
            {
              block = block->rightlink;
              index = 0;
            }
        }
    }
  else if (kind == HG_KIND_LIST || kind == HG_KIND_TUPLE)
    {
      Py_ssize_t len = Py_SIZE (v);
      PyObject **items
          = kind == HG_KIND_LIST ? ((PyListObject *)v)->ob_item : ((PyTupleObject *)v)->ob_item;
      *length = len;
      n = (uint32_t)(len < (Py_ssize_t)k ? len : (Py_ssize_t)k);
      if (n && items)
        memcpy (out, items, n * sizeof (PyObject *));
      else
        n = 0;
    }
  else
    {
      Py_ssize_t pos = 0;
      PyObject *key;
      Py_hash_t hash;
      *length = PySet_GET_SIZE (v);
      while (n < k && _PySet_NextEntry (v, &pos, &key, &hash))
        out[n++] = key;
    }
  return n;
}

/* The first K entries as key, value pairs; *end: the entries index just after the last one. */
static uint32_t
gather_dict (PyObject *v, Py_ssize_t *length, Py_ssize_t *end)
{
  uint32_t k = hg_tracer.max_items, n = 0;
  if (!hg_scratch_reserve (2 * (size_t)k + 2))
    return 0;
  Py_ssize_t pos = 0;
  PyObject *key, *value;
  *length = PyDict_GET_SIZE (v);
  while (n < k && PyDict_Next (v, &pos, &key, &value))
    {
      hg_rec.scratch[2 * n] = key;
      hg_rec.scratch[2 * n + 1] = value;
      n++;
    }
  *end = pos;
  return 2 * n;
}

/* Keeps the bytes of the entries [0, end) of a dict's combined table. */
static void
dict_raw_store (PyObject *v, HgInfo *in, Py_ssize_t end)
{
  PyDictKeysObject *keys = hg_py_dict_keys (v);
  size_t entry_size;
  in->raw_keys = NULL;
  if (!keys || end <= 0 || end > keys->dk_nentries)
    return;
  const void *entries = hg_py_dict_entries (keys, &entry_size);
  size_t len = (size_t)end * entry_size;
  if (len > in->raw_cap)
    {
      void *raw = realloc (in->raw, len);
      if (!raw)
        return;
      in->raw = raw;
      in->raw_cap = (uint32_t)len;
    }
  memcpy (in->raw, entries, len);
  in->raw_len = (uint32_t)len;
  in->raw_keys = keys;
  in->raw_nentries = keys->dk_nentries;
}

/* Whether the entries shown are as last sent: the same keys object, the same bytes up to the
 * last entry shown, and (when fewer than K are shown) no entry added since. */
static int
dict_raw_same (PyObject *v, HgInfo *in)
{
  PyDictKeysObject *keys = hg_py_dict_keys (v);
  size_t entry_size;
  if (!keys || keys != in->raw_keys)
    return 0;
  if (in->items.n / 2 < hg_tracer.max_items && keys->dk_nentries != in->raw_nentries)
    return 0;
  return memcmp (hg_py_dict_entries (keys, &entry_size), in->raw, in->raw_len) == 0;
}

static int
is_dunder_str (PyObject *key)
{
  if (!PyUnicode_Check (key))
    return 0;
  Py_ssize_t len = PyUnicode_GET_LENGTH (key);
  return len > 4 && PyUnicode_READ_CHAR (key, 0) == '_' && PyUnicode_READ_CHAR (key, 1) == '_'
         && PyUnicode_READ_CHAR (key, len - 1) == '_' && PyUnicode_READ_CHAR (key, len - 2) == '_';
}

static int
attr_push (uint32_t *n, PyObject *name, PyObject *value)
{
  if (!hg_scratch_reserve (*n + 2))
    return 0;
  hg_rec.scratch[(*n)++] = name;
  hg_rec.scratch[(*n)++] = value;
  return 1;
}

/* Attributes as (name, value) pairs, as many as K: for a class, its own dict without dunders; for
 * an instance, its own values (inline or its __dict__), then its __slots__ members (names as C
 * strings, marked by a tag bit), most derived class first. Returns the number of entries (2 per
 * attribute). */
#define SLOT_NAME_TAG ((uintptr_t)1)

static uint32_t
gather_attrs (PyObject *v, HgInfo *in)
{
  uint32_t n = 0, k = 2 * hg_tracer.max_items;
  PyTypeObject *tp = Py_TYPE (v);
  PyObject *dict = NULL;
  if (in->kind == HG_KIND_CLASS)
    {
      dict = ((PyTypeObject *)v)->tp_dict;
      Py_ssize_t pos = 0;
      PyObject *key, *value;
      while (dict && n < k && PyDict_Next (dict, &pos, &key, &value))
        if (PyUnicode_Check (key) && !is_dunder_str (key) && !attr_push (&n, key, value))
          break;
      return n;
    }
  PyDictValues *values = hg_py_inline_values (v);
  if (values)
    {
      PyDictKeysObject *keys = hg_py_cached_keys (tp);
      int used = keys ? hg_py_inline_used (values) : 0;
      for (int i = 0; i < used && n < k; i++)
        {
          int ix = hg_py_inline_order (values, i);
          PyObject *key = hg_py_shared_key (keys, ix);
          PyObject *value = key ? values->values[ix] : NULL;
          if (value && !attr_push (&n, key, value))
            return n;
        }
    }
  else if ((dict = hg_py_instance_dict (v)) && PyDict_Check (dict))
    {
      Py_ssize_t pos = 0;
      PyObject *key, *value;
      while (n < k && PyDict_Next (dict, &pos, &key, &value))
        if (PyUnicode_Check (key) && !attr_push (&n, key, value))
          return n;
    }
  /* __slots__ members of every Python class in the MRO */
  PyObject *mro = tp->tp_mro;
  for (Py_ssize_t i = 0; mro && i < PyTuple_GET_SIZE (mro) && n < k; i++)
    {
      PyTypeObject *t = (PyTypeObject *)PyTuple_GET_ITEM (mro, i);
      if (!(t->tp_flags & Py_TPFLAGS_HEAPTYPE) || !((PyHeapTypeObject *)t)->ht_slots)
        continue;
      for (PyMemberDef *m = hg_py_heap_members (t); m && m->name && n < k; m++)
        if (m->type == T_OBJECT_EX && !(m->flags & READONLY))
          {
            PyObject *value = hg_py_member_value (v, m);
            if (value && !attr_push (&n, (PyObject *)((uintptr_t)m->name | SLOT_NAME_TAG), value))
              return n;
          }
    }
  return n;
}

static uint32_t
attr_name_sid (PyObject *name)
{
  if ((uintptr_t)name & SLOT_NAME_TAG)
    {
      const char *text = (const char *)((uintptr_t)name & ~SLOT_NAME_TAG);
      return hg_record_sid (text, strlen (text));
    }
  return hg_sid_of_str (name);
}

/* ---- comparing with what was sent --------------------------------------------------------- */

/* Whether entry i of the scratch still is what the shadow recorded: the same pointer and, when
 * something died since the shadow was made, the same object at that address. */
static inline int
same_entry (HgShadow *sh, uint32_t i, int verify)
{
  PyObject *p = hg_rec.scratch[i];
  if (p != sh->ptrs[i])
    return 0;
  if (!verify || ((uintptr_t)p & SLOT_NAME_TAG))
    return 1;
  return hg_still_same (p, sh->oids[i], hg_rec.verify_since);
}

static int
shadow_store (HgShadow *sh, uint32_t n)
{
  if (!hg_shadow_reserve (sh, n + 1))
    return 0;
  memcpy (sh->ptrs, hg_rec.scratch, n * sizeof (PyObject *));
  memcpy (sh->oids, hg_rec.scratch_oids, n * sizeof (uint32_t));
  sh->n = n;
  return 1;
}

static int
any_worth (uint32_t from, uint32_t to, int only_values)
{
  for (uint32_t i = from; i < to; i++)
    {
      PyObject *p = hg_rec.scratch[i];
      if ((only_values && !(i & 1)) || ((uintptr_t)p & SLOT_NAME_TAG))
        continue;
      if (hg_worth_checking (p))
        return 1;
    }
  return 0;
}

static void
sync_sequence (PyObject *v, HgInfo *in, uint32_t oid, int verify)
{
  Py_ssize_t length = 0;
  HgKind kind = (HgKind)in->kind;
  if (in->sent && (kind == HG_KIND_TUPLE || kind == HG_KIND_FROZENSET))
    return; /* immutable once made (and what it holds stays alive) */
  if (in->sent && !verify && PyList_Check (v))
    {
      /* the common case: the shown items as they were, maybe a new length (append past K) */
      Py_ssize_t len = Py_SIZE (v);
      uint32_t shown
          = (uint32_t)(len < (Py_ssize_t)hg_tracer.max_items ? len : hg_tracer.max_items);
      if (shown == in->items.n
          && (shown == 0
              || memcmp (((PyListObject *)v)->ob_item, in->items.ptrs, shown * sizeof (PyObject *))
                     == 0))
        {
          if (len != in->length)
            {
              HgBuf *b = &hg_tracer.buf;
              hg_buf_byte (b, HG_REC_SEQ);
              hg_buf_varint (b, oid);
              hg_buf_varint (b, (uint64_t)len);
              hg_buf_varint (b, shown);
              hg_buf_varint (b, 0);
              in->length = len;
            }
          return;
        }
    }
  uint32_t n = gather_seq (v, kind, &length);
  HgShadow *sh = &in->items;
  uint32_t start = 0, end = n;
  if (in->sent)
    {
      uint32_t m = n < sh->n ? n : sh->n;
      while (start < m && same_entry (sh, start, verify))
        start++;
      if (n <= sh->n)
        while (end > start && same_entry (sh, end - 1, verify))
          end--;
      if (start == end && n == sh->n && length == in->length)
        return;
      /* keep the unchanged entries' oids for the new shadow */
      memcpy (hg_rec.scratch_oids, sh->oids, start * sizeof (uint32_t));
      if (end < n)
        memcpy (hg_rec.scratch_oids + end, sh->oids + end, (n - end) * sizeof (uint32_t));
    }
  for (uint32_t i = start; i < end; i++)
    hg_rec.scratch_oids[i] = hg_obj_ref (hg_rec.scratch[i]);
  HgBuf *b = &hg_tracer.buf;
  hg_buf_byte (b, HG_REC_SEQ);
  hg_buf_varint (b, oid);
  hg_buf_varint (b, (uint64_t)length);
  hg_buf_varint (b, start);
  hg_buf_varint (b, end - start);
  for (uint32_t i = start; i < end; i++)
    hg_buf_varint (b, hg_rec.scratch_oids[i]);
  HG_STAT (sends);
  if (!in->sent)
    in->has_children = 0;
  if (end > start && any_worth (start, end, 0))
    in->has_children = 1;
  in->length = length;
  shadow_store (sh, n);
}

static void
sync_dict (PyObject *v, HgInfo *in, uint32_t oid, int verify)
{
  uint64_t version = hg_py_dict_version (v);
  if (in->sent && version == in->bits && !verify)
    return;
  in->bits = version;
  Py_ssize_t length = 0, end = 0;
  HgShadow *sh = &in->items;
  HgBuf *b = &hg_tracer.buf;
  if (in->sent && !verify && dict_raw_same (v, in))
    {
      length = PyDict_GET_SIZE (v);
      if (length != in->length)
        {
          hg_buf_byte (b, HG_REC_DICT_LENGTH);
          hg_buf_varint (b, oid);
          hg_buf_varint (b, (uint64_t)length);
          in->length = length;
        }
      return;
    }
  uint32_t n = gather_dict (v, &length, &end);
  dict_raw_store (v, in, end);
  if (in->sent && n == sh->n)
    {
      uint32_t i = 0;
      while (i < n && same_entry (sh, i, verify))
        i++;
      if (i == n)
        {
          if (length != in->length)
            {
              hg_buf_byte (b, HG_REC_DICT_LENGTH);
              hg_buf_varint (b, oid);
              hg_buf_varint (b, (uint64_t)length);
              in->length = length;
            }
          return;
        }
    }
  for (uint32_t i = 0; i < n; i++)
    hg_rec.scratch_oids[i] = i < sh->n && in->sent && same_entry (sh, i, verify)
                                 ? sh->oids[i]
                                 : hg_obj_ref (hg_rec.scratch[i]);
  hg_buf_byte (b, HG_REC_DICT);
  hg_buf_varint (b, oid);
  hg_buf_varint (b, (uint64_t)length);
  hg_buf_varint (b, n / 2);
  for (uint32_t i = 0; i < n; i++)
    hg_buf_varint (b, hg_rec.scratch_oids[i]);
  HG_STAT (sends);
  in->has_children = (uint8_t)any_worth (0, n, 0);
  in->length = length;
  shadow_store (sh, n);
}

static void
sync_attrs (PyObject *v, HgInfo *in, uint32_t oid, int verify)
{
  if (in->kind == HG_KIND_CLASS)
    {
      PyObject *dict = ((PyTypeObject *)v)->tp_dict;
      uint64_t version = dict ? hg_py_dict_version (dict) : 0;
      if (in->sent && version == in->attr_version && !verify)
        return;
      in->attr_version = version;
    }
  uint32_t n = gather_attrs (v, in);
  HgShadow *sh = &in->attrs;
  if (in->sent && n == sh->n)
    {
      uint32_t i = 0;
      while (i < n && same_entry (sh, i, verify))
        i++;
      if (i == n)
        return;
    }
  for (uint32_t i = 0; i < n; i += 2)
    {
      hg_rec.scratch_oids[i] = in->sent && i < sh->n && hg_rec.scratch[i] == sh->ptrs[i]
                                   ? sh->oids[i] /* the same name object: the same name */
                                   : attr_name_sid (hg_rec.scratch[i]);
      hg_rec.scratch_oids[i + 1]
          = in->sent && i + 1 < sh->n && same_entry (sh, i + 1, verify) && same_entry (sh, i, 0)
                ? sh->oids[i + 1]
                : hg_obj_ref (hg_rec.scratch[i + 1]);
    }
  HgBuf *b = &hg_tracer.buf;
  hg_buf_byte (b, HG_REC_ATTRS);
  hg_buf_varint (b, oid);
  hg_buf_varint (b, n / 2);
  for (uint32_t i = 0; i < n; i++)
    hg_buf_varint (b, hg_rec.scratch_oids[i]);
  HG_STAT (sends);
  if (any_worth (0, n, 1))
    in->has_children = 1;
  shadow_store (sh, n);
}

static void
sync_weakref (PyObject *v, HgInfo *in, uint32_t oid)
{
  PyObject *r = PyWeakref_GetObject (v);
  uint32_t roid = (r == NULL || r == Py_None) ? 0 : hg_obj_ref (r);
  if (!in->sent || roid != in->bits)
    hg_emit_weakref (oid, roid);
  in->bits = roid;
}

static void
check_children (HgInfo *in)
{
  HgShadow *sh = &in->items;
  for (uint32_t i = 0; i < sh->n; i++)
    if (hg_worth_checking (sh->ptrs[i]))
      hg_obj_check (sh->ptrs[i]);
  sh = &in->attrs;
  for (uint32_t i = 1; i < sh->n; i += 2)
    if (hg_worth_checking (sh->ptrs[i]))
      hg_obj_check (sh->ptrs[i]);
}

static void
sync_object (PyObject *v, HgInfo *in, uint32_t oid)
{
  int verify = in->sent && in->epoch != hg_rec.frees_epoch;
  hg_rec.verify_since = in->epoch;
  in->epoch = hg_rec.frees_epoch;
  switch (in->kind)
    {
    case HG_KIND_LIST:
    case HG_KIND_TUPLE:
    case HG_KIND_SET:
    case HG_KIND_FROZENSET:
      sync_sequence (v, in, oid, verify);
      break;
    case HG_KIND_DICT:
      sync_dict (v, in, oid, verify);
      break;
    case HG_KIND_WEAKREF:
      sync_weakref (v, in, oid);
      break;
    default:
      break;
    }
  if (in->has_attrs)
    sync_attrs (v, in, oid, verify);
  if (in->sent)
    {
      /* only containers grow; other objects keep the size they were made with */
      int grows = in->kind == HG_KIND_LIST || in->kind == HG_KIND_DICT || in->kind == HG_KIND_SET;
      uint64_t size = grows ? hg_size_of (v, Py_TYPE (v)) : in->size;
      Py_ssize_t rc = Py_REFCNT (v);
      if (size != in->size || rc != in->refcnt)
        {
          hg_emit_meta (oid, size, rc);
          in->size = size;
          in->refcnt = rc;
        }
    }
  in->sent = 1;
  if (in->has_children)
    check_children (in);
}

void
hg_obj_drain (void)
{
  while (hg_rec.n_queue > 0 && !hg_rec.out_of_memory)
    {
      HgQueued q = hg_rec.queue[--hg_rec.n_queue];
      sync_object (q.obj, HG_INFO (q.info), q.oid);
    }
  hg_rec.n_queue = 0;
}

/* Something died since the last step: weak references may have lost their referent, and their
 * callbacks (library code: WeakValueDictionary removing an entry) may have changed anything. */
int
hg_obj_check_weakrefs (void)
{
  size_t kept = 0;
  int cleared = 0;
  for (size_t i = 0; i < hg_rec.n_weakrefs; i++)
    {
      HgWeakrefEntry *w = &hg_rec.weakrefs[i];
      HgIdSlot *s = hg_id_find (w->key);
      if (!s || s->oid != w->oid || !s->info)
        {
          cleared = 1; /* the weakref itself died */
          continue;
        }
      hg_rec.weakrefs[kept++] = *w;
      PyObject *r = PyWeakref_GetObject (w->obj);
      if ((r == NULL || r == Py_None) && HG_INFO (s->info)->bits)
        cleared = 1;
      hg_obj_check (w->obj);
    }
  hg_rec.n_weakrefs = kept;
  return cleared;
}
