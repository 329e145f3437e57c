/* heapglass-tracer-stack.c: the shadow stack of user frames and their names as last sent. A
 * frame's names change only while it runs, so a step re-reads the frames that ran since the
 * previous one; a cell is one binding shared by every frame that holds it (nonlocal), so a change
 * seen through one frame is sent for all of them. */
#include "heapglass-tracer-record-private.h"

HgShadowFrame *
hg_stack_push (PyFrameObject *frame, PyCodeObject *code, HgCodeInfo *ci)
{
  if (hg_rec.depth == hg_rec.cap_stack)
    {
      uint32_t cap = hg_rec.cap_stack ? hg_rec.cap_stack * 2 : 64;
      HgShadowFrame *n = realloc (hg_rec.stack, cap * sizeof (HgShadowFrame));
      if (!n)
        goto oom;
      memset (n + hg_rec.cap_stack, 0, (cap - hg_rec.cap_stack) * sizeof (HgShadowFrame));
      hg_rec.stack = n;
      hg_rec.cap_stack = cap;
    }
  HgShadowFrame *sf = &hg_rec.stack[hg_rec.depth];
  sf->frame = frame;
  sf->code = code;
  sf->ci = ci;
  sf->epoch = hg_rec.frees_epoch;
  sf->is_ns = !(code->co_flags & CO_OPTIMIZED);
  sf->n_entries = 0;
  sf->ns_version = 0;
  sf->ns_keys = NULL;
  sf->ns = sf->is_ns ? hg_py_frame_locals_dict (frame) : NULL;
  sf->n_vals = sf->is_ns ? 0 : code->co_nlocalsplus;
  sf->line = hg_py_frame_line (frame);
  sf->lasti = hg_py_frame_lasti (frame);
  if (!sf->is_ns && (uint32_t)sf->n_vals > sf->cap_vals)
    {
      PyObject **v = realloc (sf->vals, (size_t)sf->n_vals * sizeof (PyObject *));
      if (!v)
        goto oom;
      sf->vals = v;
      uint32_t *o = realloc (sf->oids, (size_t)sf->n_vals * sizeof (uint32_t));
      if (!o)
        goto oom;
      sf->oids = o;
      sf->cap_vals = (uint32_t)sf->n_vals;
    }
  if (sf->n_vals)
    {
      memset (sf->vals, 0, (size_t)sf->n_vals * sizeof (PyObject *));
      memset (sf->oids, 0, (size_t)sf->n_vals * sizeof (uint32_t));
    }
  if (ci->has_cells)
    hg_rec.n_cell_frames++;
  hg_rec.depth++;
  return sf;
oom:
  hg_rec.out_of_memory = 1;
  return NULL;
}

/* Other frames holding `cell` see its new value too. */
static void
share_cell (uint32_t from_index, PyObject *cell, PyObject *value, uint32_t oid)
{
  for (uint32_t k = 0; k < hg_rec.depth; k++)
    {
      HgShadowFrame *other = &hg_rec.stack[k];
      if (k == from_index || other->is_ns || !other->ci->has_cells)
        continue;
      PyObject **lp = hg_py_frame_localsplus (other->frame);
      const uint8_t *kinds = hg_py_localsplus_kinds (other->code);
      const uint32_t *sids = other->ci->name_sids;
      for (int i = 0; i < other->n_vals; i++)
        if (lp[i] == cell && (kinds[i] & (CO_FAST_CELL | CO_FAST_FREE)) && sids[i])
          {
            uint32_t at = hg_rec.depth - 1 - k;
            if (value)
              hg_emit_bind (at, sids[i], oid);
            else
              hg_emit_unbind (at, sids[i]);
            other->vals[i] = value;
            other->oids[i] = oid;
          }
    }
}

static void
diff_fast (HgShadowFrame *sf, uint32_t index)
{
  PyObject **lp = hg_py_frame_localsplus (sf->frame);
  const uint8_t *kinds = hg_py_localsplus_kinds (sf->code);
  const uint32_t *sids = sf->ci->name_sids;
  uint32_t at = hg_rec.depth - 1 - index;
  uint64_t since = sf->epoch;
  int verify = since != hg_rec.frees_epoch;
  sf->epoch = hg_rec.frees_epoch;
  for (int i = 0; i < sf->n_vals; i++)
    {
      PyObject *v = lp[i], *cell = NULL;
      if (v && (kinds[i] & (CO_FAST_CELL | CO_FAST_FREE)) && PyCell_Check (v))
        {
          cell = v;
          v = PyCell_GET (v);
        }
      if (v == sf->vals[i] && !(verify && v && sids[i] && !hg_still_same (v, sf->oids[i], since)))
        continue;
      if (!sids[i])
        {
          sf->vals[i] = v;
          continue;
        }
      uint32_t oid = 0;
      if (v)
        {
          oid = hg_obj_ref (v);
          hg_emit_bind (at, sids[i], oid);
        }
      else
        hg_emit_unbind (at, sids[i]);
      sf->vals[i] = v;
      sf->oids[i] = oid;
      if (cell && hg_rec.n_cell_frames > 1)
        share_cell (index, cell, v, oid);
    }
}

static int
is_dunder (PyObject *key)
{
  Py_ssize_t len = PyUnicode_GET_LENGTH (key);
  return len > 4 && PyUnicode_READ_CHAR (key, 0) == '_' && PyUnicode_READ_CHAR (key, 1) == '_'
         && PyUnicode_READ_CHAR (key, len - 1) == '_' && PyUnicode_READ_CHAR (key, len - 2) == '_';
}

static int
ns_scratch_reserve (uint32_t n)
{
  if (n < hg_rec.cap_ns_scratch)
    return 1;
  uint32_t cap = hg_rec.cap_ns_scratch ? hg_rec.cap_ns_scratch * 2 : 64;
  while (cap <= n)
    cap *= 2;
  HgNsEntry *ne = realloc (hg_rec.ns_scratch, cap * sizeof (HgNsEntry));
  if (!ne)
    {
      hg_rec.out_of_memory = 1;
      return 0;
    }
  hg_rec.ns_scratch = ne;
  hg_rec.cap_ns_scratch = cap;
  return 1;
}

/* One name of a dict namespace, compared with its shadow entry `old` (NULL: a new name). */
static void
ns_entry (HgNsEntry *e, const HgNsEntry *old, uint32_t at, uint64_t since)
{
  int verify = since != hg_rec.frees_epoch;
  if (old)
    {
      e->sid = old->sid;
      e->oid = old->oid;
      if (!e->sid)
        return;
      if (old->value == e->value && !(verify && !hg_still_same (e->value, old->oid, since)))
        return;
    }
  else
    {
      e->sid = PyUnicode_Check (e->key) && !is_dunder (e->key) ? hg_sid_of_str (e->key) : 0;
      if (!e->sid)
        return;
    }
  e->oid = hg_obj_ref (e->value);
  hg_emit_bind (at, e->sid, e->oid);
}

/* Rebinds in a dict namespace (the module's globals, a class body), skipped while the dict's
 * version tag is unchanged and nothing died. */
static void
diff_namespace (HgShadowFrame *sf, uint32_t index)
{
  PyObject *d = sf->ns;
  if (!d || !PyDict_Check (d))
    return;
  uint64_t version = hg_py_dict_version (d);
  uint64_t since = sf->epoch;
  int verify = since != hg_rec.frees_epoch;
  if (version == sf->ns_version && !verify)
    return;
  sf->ns_version = version;
  sf->epoch = hg_rec.frees_epoch;
  uint32_t at = hg_rec.depth - 1 - index;

  /* fast path: the same keys object with as many entries and as many names: only values
   * changed (deleting leaves a hole and shrinks the size; adding appends an entry), so only the
   * shown names need a look */
  PyDictKeysObject *keys = hg_py_dict_keys (d);
  if (keys && keys == sf->ns_keys && keys->dk_nentries == sf->ns_nentries
      && PyDict_GET_SIZE (d) == sf->ns_used)
    {
      uint32_t j = 0;
      for (; j < sf->n_entries; j++)
        {
          HgNsEntry *e = &sf->entries[j];
          PyObject *key, *value;
          if (!e->sid)
            continue;
          hg_py_dict_entry (d, e->ix, &key, &value);
          if (key != e->key || !value)
            break;
          if (value == e->value && (!verify || !e->sid || hg_still_same (value, e->oid, since)))
            continue;
          HgNsEntry old = *e;
          e->value = value;
          ns_entry (e, &old, at, since);
        }
      if (j == sf->n_entries)
        return;
    }

  Py_ssize_t pos = 0;
  PyObject *key, *value;
  /* a name was added or deleted: rebuild the shadow */
  uint32_t n = 0;
  pos = 0;
  while (PyDict_Next (d, &pos, &key, &value))
    {
      if (!ns_scratch_reserve (n + 1))
        return;
      HgNsEntry *e = &hg_rec.ns_scratch[n++];
      e->key = key;
      e->value = value;
      e->ix = pos - 1; /* PyDict_Next leaves pos after the entry it returned */
      e->hash = PyUnicode_Check (key) ? ((PyASCIIObject *)key)->hash : 0;
      const HgNsEntry *old = NULL;
      for (uint32_t k = 0; k < sf->n_entries; k++)
        if (sf->entries[k].key == key && sf->entries[k].hash == e->hash)
          {
            old = &sf->entries[k];
            break;
          }
      HgNsEntry saved;
      if (old)
        {
          saved = *old;
          sf->entries[old - sf->entries].key = NULL; /* matched */
          old = &saved;
        }
      ns_entry (e, old, at, since);
    }
  for (uint32_t k = 0; k < sf->n_entries; k++)
    if (sf->entries[k].key && sf->entries[k].sid)
      hg_emit_unbind (at, sf->entries[k].sid);
  if (n > sf->cap_entries)
    {
      HgNsEntry *ne = realloc (sf->entries, n * sizeof (HgNsEntry));
      if (!ne)
        {
          sf->n_entries = 0;
          hg_rec.out_of_memory = 1;
          return;
        }
      sf->entries = ne;
      sf->cap_entries = n;
    }
  if (n)
    memcpy (sf->entries, hg_rec.ns_scratch, n * sizeof (HgNsEntry));
  sf->n_entries = n;
  sf->ns_keys = hg_py_dict_keys (d);
  sf->ns_nentries = sf->ns_keys ? sf->ns_keys->dk_nentries : 0;
  sf->ns_used = PyDict_GET_SIZE (d);
}

void
hg_stack_diff (uint32_t index)
{
  HgShadowFrame *sf = &hg_rec.stack[index];
  if (sf->is_ns)
    diff_namespace (sf, index);
  else
    diff_fast (sf, index);
}

void
hg_stack_check_all (void)
{
  HG_STAT (sweeps);
  for (uint32_t k = 0; k < hg_rec.depth; k++)
    {
      HgShadowFrame *sf = &hg_rec.stack[k];
      if (sf->is_ns)
        {
          for (uint32_t i = 0; i < sf->n_entries; i++)
            if (sf->entries[i].sid && hg_worth_checking (sf->entries[i].value))
              hg_obj_check (sf->entries[i].value);
        }
      else
        for (int i = 0; i < sf->n_vals; i++)
          if (sf->vals[i] && sf->ci->name_sids[i] && hg_worth_checking (sf->vals[i]))
            hg_obj_check (sf->vals[i]);
    }
}
