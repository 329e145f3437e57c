/* heapglass-tracer-ids.c: object identity for the recorder. Objects get ids by the address of
 * their memory block; every death is noticed (the object allocator and the deallocators of the
 * builtin types that keep freelists), so an id is never reused. Also string ids and the small
 * text helpers that read str objects without asking Python. */
#include "heapglass-tracer-record-private.h"

#include <link.h>

/* ---- identity table: block address → oid, open addressing, linear probing ---------------- */

/* Objects of one 4 KiB page land in neighbouring slots: allocated together, probed together. */
static inline size_t
id_hash (uintptr_t key)
{
  uint64_t page = (uint64_t)key >> 12;
  uint64_t h = page * 0x9E3779B97F4A7C15ull;
  return (size_t)(((h >> 24) << 8) | ((key >> 4) & 0xff)) & hg_rec.id_mask;
}

HgIdSlot *
hg_id_find (uintptr_t key)
{
  size_t i = id_hash (key);
  for (;;)
    {
      HgIdSlot *s = &hg_rec.id_slots[i];
      if (s->key == key)
        return s;
      if (s->key == 0)
        return NULL;
      i = (i + 1) & hg_rec.id_mask;
    }
}

static int
id_grow (void)
{
  size_t old_cap = hg_rec.id_mask + 1;
  size_t cap = old_cap * 2;
  HgIdSlot *old = hg_rec.id_slots;
  HgIdSlot *slots = calloc (cap, sizeof (HgIdSlot));
  if (!slots)
    return 0;
  hg_rec.id_slots = slots;
  hg_rec.id_mask = cap - 1;
  for (size_t i = 0; i < old_cap; i++)
    if (old[i].key)
      {
        size_t j = id_hash (old[i].key);
        while (slots[j].key)
          j = (j + 1) & hg_rec.id_mask;
        slots[j] = old[i];
      }
  free (old);
  return 1;
}

HgIdSlot *
hg_id_insert (uintptr_t key)
{
  if ((hg_rec.id_count + 1) * 2 > hg_rec.id_mask + 1 && !id_grow ())
    {
      hg_rec.out_of_memory = 1;
      return NULL;
    }
  size_t i = id_hash (key);
  while (hg_rec.id_slots[i].key)
    i = (i + 1) & hg_rec.id_mask;
  HgIdSlot *s = &hg_rec.id_slots[i];
  s->key = key;
  s->oid = 0;
  s->info = 0;
  hg_rec.id_count++;
  return s;
}

/* Backward-shift deletion: no tombstones, so lookups of absent keys stay short. */
static void
id_remove (HgIdSlot *s)
{
  HgIdSlot *slots = hg_rec.id_slots;
  size_t mask = hg_rec.id_mask;
  size_t i = (size_t)(s - slots), j = i;
  for (;;)
    {
      j = (j + 1) & mask;
      if (slots[j].key == 0)
        break;
      size_t k = id_hash (slots[j].key);
      int stay = (i <= j) ? (i < k && k <= j) : (i < k || k <= j);
      if (!stay)
        {
          slots[i] = slots[j];
          i = j;
        }
    }
  slots[i].key = 0;
  hg_rec.id_count--;
}

/* ---- infos: per-object state, in chunks so pointers stay valid while more are made -------- */

uint32_t
hg_info_new (void)
{
  uint32_t index;
  if (hg_rec.free_info)
    {
      index = hg_rec.free_info;
      hg_rec.free_info = HG_INFO (index)->next_free;
    }
  else
    {
      if (hg_rec.n_infos == 0)
        hg_rec.n_infos = 1; /* index 0 = none */
      if (hg_rec.n_infos >= hg_rec.cap_infos)
        {
          uint32_t n_chunks = hg_rec.cap_infos / HG_INFO_CHUNK;
          HgInfo **chunks = realloc (hg_rec.info_chunks, (n_chunks + 1) * sizeof (HgInfo *));
          if (!chunks)
            goto oom;
          hg_rec.info_chunks = chunks;
          chunks[n_chunks] = calloc (HG_INFO_CHUNK, sizeof (HgInfo));
          if (!chunks[n_chunks])
            goto oom;
          hg_rec.cap_infos += HG_INFO_CHUNK;
        }
      index = hg_rec.n_infos++;
    }
  HgInfo *in = HG_INFO (index);
  /* keep the shadow buffers for reuse */
  HgShadow items = in->items, attrs = in->attrs;
  void *raw = in->raw;
  uint32_t raw_cap = in->raw_cap;
  memset (in, 0, sizeof *in);
  in->items = items;
  in->items.n = 0;
  in->attrs = attrs;
  in->attrs.n = 0;
  in->raw = raw;
  in->raw_cap = raw_cap;
  return index;
oom:
  hg_rec.out_of_memory = 1;
  return 0;
}

static void
info_release (uint32_t index)
{
  HgInfo *in = HG_INFO (index);
  if (in->code)
    {
      hg_code_free (in->code);
      in->code = NULL;
    }
  in->next_free = hg_rec.free_info;
  hg_rec.free_info = index;
}

int
hg_shadow_reserve (HgShadow *shadow, uint32_t n)
{
  if (n <= shadow->cap)
    return 1;
  uint32_t cap = shadow->cap ? shadow->cap : 8;
  while (cap < n)
    cap *= 2;
  PyObject **ptrs = realloc (shadow->ptrs, cap * sizeof (PyObject *));
  if (!ptrs)
    goto oom;
  shadow->ptrs = ptrs;
  uint32_t *oids = realloc (shadow->oids, cap * sizeof (uint32_t));
  if (!oids)
    goto oom;
  shadow->oids = oids;
  shadow->cap = cap;
  return 1;
oom:
  hg_rec.out_of_memory = 1;
  return 0;
}

void
hg_shadow_free (HgShadow *shadow)
{
  free (shadow->ptrs);
  free (shadow->oids);
  memset (shadow, 0, sizeof *shadow);
}

int
hg_scratch_reserve (size_t n)
{
  if (n <= hg_rec.cap_scratch)
    return 1;
  size_t cap = hg_rec.cap_scratch ? hg_rec.cap_scratch : 256;
  while (cap < n)
    cap *= 2;
  PyObject **s = realloc (hg_rec.scratch, cap * sizeof (PyObject *));
  if (!s)
    goto oom;
  hg_rec.scratch = s;
  uint32_t *o = realloc (hg_rec.scratch_oids, cap * sizeof (uint32_t));
  if (!o)
    goto oom;
  hg_rec.scratch_oids = o;
  hg_rec.cap_scratch = cap;
  return 1;
oom:
  hg_rec.out_of_memory = 1;
  return 0;
}

static void
pending_free_push (uint32_t oid)
{
  if (hg_rec.n_pending_frees == hg_rec.cap_pending_frees)
    {
      size_t cap = hg_rec.cap_pending_frees ? hg_rec.cap_pending_frees * 2 : 256;
      uint32_t *n = realloc (hg_rec.pending_frees, cap * sizeof (uint32_t));
      if (!n)
        {
          hg_rec.out_of_memory = 1;
          return;
        }
      hg_rec.pending_frees = n;
      hg_rec.cap_pending_frees = cap;
    }
  hg_rec.pending_frees[hg_rec.n_pending_frees++] = oid;
}

/* The block at `key` is being freed (or moved): whatever object we knew there is dead. */
void
hg_note_block_death (uintptr_t key)
{
  HgIdSlot *s = hg_id_find (key);
  if (!s)
    return;
  if (s->oid)
    {
      pending_free_push (s->oid);
      hg_rec.death_ring[hg_rec.frees_epoch & 63] = key;
      hg_rec.frees_epoch++;
    }
  if (s->info)
    info_release (s->info);
  id_remove (s);
}

void
hg_weakref_add (uintptr_t key, PyObject *obj, uint32_t oid)
{
  if (hg_rec.n_weakrefs == hg_rec.cap_weakrefs)
    {
      size_t cap = hg_rec.cap_weakrefs ? hg_rec.cap_weakrefs * 2 : 16;
      HgWeakrefEntry *n = realloc (hg_rec.weakrefs, cap * sizeof (HgWeakrefEntry));
      if (!n)
        {
          hg_rec.out_of_memory = 1;
          return;
        }
      hg_rec.weakrefs = n;
      hg_rec.cap_weakrefs = cap;
    }
  hg_rec.weakrefs[hg_rec.n_weakrefs++] = (HgWeakrefEntry){ key, obj, oid };
}

/* ---- hooks: every death of a known object --------------------------------------------------
 * The object allocator sees every free of an object's block; the static types with freelists
 * (list, dict, tuple, float, slice) recycle objects without it, so their deallocators are
 * wrapped. Never a heap type's tp_dealloc: subtype_dealloc compares it with itself. */

static PyMemAllocatorEx orig_obj;

static void *
hook_malloc (void *ctx, size_t size)
{
  return orig_obj.malloc (orig_obj.ctx, size);
}

static void *
hook_calloc (void *ctx, size_t n, size_t size)
{
  return orig_obj.calloc (orig_obj.ctx, n, size);
}

static void *
hook_realloc (void *ctx, void *ptr, size_t size)
{
  /* a known object resized in place (str +=) or moved is a new object for us */
  if (ptr && hg_tracer.tracking)
    hg_note_block_death ((uintptr_t)ptr);
  return orig_obj.realloc (orig_obj.ctx, ptr, size);
}

static void
hook_free (void *ctx, void *ptr)
{
  if (ptr && hg_tracer.tracking)
    hg_note_block_death ((uintptr_t)ptr);
  orig_obj.free (orig_obj.ctx, ptr);
}

static destructor orig_list_dealloc, orig_dict_dealloc, orig_tuple_dealloc, orig_float_dealloc,
    orig_slice_dealloc;

#define DEALLOC_WRAPPER(name)                                                                      \
  static void hook_##name##_dealloc (PyObject *op)                                                 \
  {                                                                                                \
    if (hg_tracer.tracking)                                                                        \
      hg_note_block_death (hg_py_block_of (op));                                                   \
    orig_##name##_dealloc (op);                                                                    \
  }
DEALLOC_WRAPPER (list)
DEALLOC_WRAPPER (dict)
DEALLOC_WRAPPER (tuple)
DEALLOC_WRAPPER (float)
DEALLOC_WRAPPER (slice)

void
hg_record_install_hooks (void)
{
  PyMemAllocatorEx hook = { NULL, hook_malloc, hook_calloc, hook_realloc, hook_free };
  PyMem_GetAllocator (PYMEM_DOMAIN_OBJ, &orig_obj);
  PyMem_SetAllocator (PYMEM_DOMAIN_OBJ, &hook);

  orig_list_dealloc = PyList_Type.tp_dealloc;
  PyList_Type.tp_dealloc = hook_list_dealloc;
  orig_dict_dealloc = PyDict_Type.tp_dealloc;
  PyDict_Type.tp_dealloc = hook_dict_dealloc;
  orig_tuple_dealloc = PyTuple_Type.tp_dealloc;
  PyTuple_Type.tp_dealloc = hook_tuple_dealloc;
  orig_float_dealloc = PyFloat_Type.tp_dealloc;
  PyFloat_Type.tp_dealloc = hook_float_dealloc;
  orig_slice_dealloc = PySlice_Type.tp_dealloc;
  PySlice_Type.tp_dealloc = hook_slice_dealloc;
}

/* ---- string ids, by content --------------------------------------------------------------- */

struct HgSidSlot
{
  uint64_t hash;
  uint32_t sid;
  uint32_t len;
  char *text;
};

static uint64_t
text_hash (const char *text, size_t len)
{
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (uint8_t)text[i]) * 1099511628211ull;
  return h | 1;
}

static int
sid_grow (void)
{
  size_t cap = (hg_rec.sid_mask + 1) * 2;
  struct HgSidSlot *n = calloc (cap, sizeof *n);
  if (!n)
    return 0;
  for (size_t j = 0; j <= hg_rec.sid_mask; j++)
    if (hg_rec.sid_slots[j].hash)
      {
        size_t k = hg_rec.sid_slots[j].hash & (cap - 1);
        while (n[k].hash)
          k = (k + 1) & (cap - 1);
        n[k] = hg_rec.sid_slots[j];
      }
  free (hg_rec.sid_slots);
  hg_rec.sid_slots = n;
  hg_rec.sid_mask = cap - 1;
  return 1;
}

uint32_t
hg_record_sid (const char *text, size_t len)
{
  /* Names are labels in a diagram; a hostile one (type('K' * 70_000_000, ...)) must not pass
   * the stream's string limit. Cut on a UTF-8 boundary. */
  if (len > HG_MAX_NAME_BYTES)
    {
      len = HG_MAX_NAME_BYTES;
      while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
        len--;
    }
  uint64_t h = text_hash (text, len);
  size_t i = h & hg_rec.sid_mask;
  for (;;)
    {
      struct HgSidSlot *s = &hg_rec.sid_slots[i];
      if (s->hash == 0)
        break;
      if (s->hash == h && s->len == len && memcmp (s->text, text, len) == 0)
        return s->sid;
      i = (i + 1) & hg_rec.sid_mask;
    }
  if ((hg_rec.sid_count + 1) * 2 > hg_rec.sid_mask + 1)
    {
      if (!sid_grow ())
        goto oom;
      i = h & hg_rec.sid_mask;
      while (hg_rec.sid_slots[i].hash)
        i = (i + 1) & hg_rec.sid_mask;
    }
  char *copy = malloc (len + 1);
  if (!copy)
    goto oom;
  memcpy (copy, text, len);
  copy[len] = 0;
  struct HgSidSlot *s = &hg_rec.sid_slots[i];
  s->hash = h;
  s->len = (uint32_t)len;
  s->text = copy;
  s->sid = hg_rec.next_sid++;
  hg_rec.sid_count++;
  hg_buf_byte (&hg_tracer.buf, HG_REC_STRING);
  hg_buf_bytes (&hg_tracer.buf, text, len);
  return s->sid;
oom:
  hg_rec.out_of_memory = 1;
  return 0;
}

/* UTF-8 of the first `max_chars` code points of a str, into `out` (at least 4 * max_chars
 * bytes), without asking Python (PyUnicode_AsUTF8 would cache a copy in the object: memory the
 * program would see in tracemalloc). Lone surrogates become U+FFFD. */
size_t
hg_str_prefix_utf8 (PyObject *s, Py_ssize_t max_chars, char *out)
{
  Py_ssize_t n = PyUnicode_GET_LENGTH (s);
  int kind = PyUnicode_KIND (s);
  const void *data = PyUnicode_DATA (s);
  size_t o = 0;
  if (n > max_chars)
    n = max_chars;
  if (PyUnicode_IS_ASCII (s))
    {
      memcpy (out, data, (size_t)n);
      return (size_t)n;
    }
  for (Py_ssize_t i = 0; i < n; i++)
    {
      Py_UCS4 c = PyUnicode_READ (kind, data, i);
      if (c < 0x80)
        out[o++] = (char)c;
      else if (c < 0x800)
        {
          out[o++] = (char)(0xC0 | (c >> 6));
          out[o++] = (char)(0x80 | (c & 0x3F));
        }
      else if (c < 0x10000)
        {
          if (c >= 0xD800 && c <= 0xDFFF)
            c = 0xFFFD;
          out[o++] = (char)(0xE0 | (c >> 12));
          out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
          out[o++] = (char)(0x80 | (c & 0x3F));
        }
      else
        {
          out[o++] = (char)(0xF0 | (c >> 18));
          out[o++] = (char)(0x80 | ((c >> 12) & 0x3F));
          out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
          out[o++] = (char)(0x80 | (c & 0x3F));
        }
    }
  return o;
}

uint32_t
hg_sid_of_str (PyObject *s)
{
  char tmp[4 * 256];
  if (!PyUnicode_Check (s))
    return 0;
  size_t len = hg_str_prefix_utf8 (s, 256, tmp);
  return hg_record_sid (tmp, len);
}

/* Type names as type(x).__name__ says; static types are cached by pointer (they never die). */
uint32_t
hg_type_sid (PyTypeObject *tp)
{
  size_t slot = ((uintptr_t)tp >> 4) & 63;
  int heap = (tp->tp_flags & Py_TPFLAGS_HEAPTYPE) != 0;
  if (!heap && hg_rec.type_cache[slot].type == tp)
    return hg_rec.type_cache[slot].sid;
  uint32_t sid;
  if (heap && PyUnicode_Check (((PyHeapTypeObject *)tp)->ht_name))
    sid = hg_sid_of_str (((PyHeapTypeObject *)tp)->ht_name);
  else
    {
      const char *name = tp->tp_name;
      const char *dot = strrchr (name, '.');
      if (dot)
        name = dot + 1;
      sid = hg_record_sid (name, strlen (name));
    }
  if (!heap)
    {
      hg_rec.type_cache[slot].type = tp;
      hg_rec.type_cache[slot].sid = sid;
    }
  return sid;
}

/* ---- the interpreter's image: objects CPython made before the program ------------------- */

/* Statically allocated objects were made before any program ran. They live in libpython's data
 * (the small ints, the one-character strings, the empty tuple are in _PyRuntime there) or, for
 * the few the tracer names itself (None, True, False), in the tracer's own data, where the linker
 * copied them. Each loaded file that holds one of those is an image. */
static int
find_images (struct dl_phdr_info *info, size_t size, void *data)
{
  const uintptr_t *probes = data;
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  int holds = 0;
  (void)size;
  for (int i = 0; i < info->dlpi_phnum; i++)
    {
      const ElfW (Phdr) *ph = &info->dlpi_phdr[i];
      if (ph->p_type != PT_LOAD)
        continue;
      uintptr_t start = (uintptr_t)info->dlpi_addr + ph->p_vaddr;
      uintptr_t end = start + ph->p_memsz;
      lo = start < lo ? start : lo;
      hi = end > hi ? end : hi;
      for (int p = 0; p < 2; p++)
        holds |= probes[p] >= start && probes[p] < end;
    }
  if (holds && hg_rec.n_images < HG_MAX_IMAGES)
    {
      hg_rec.images[hg_rec.n_images].lo = lo;
      hg_rec.images[hg_rec.n_images].hi = hi;
      hg_rec.n_images++;
    }
  return 0;
}

int
hg_is_premade (uintptr_t address)
{
  for (int i = 0; i < hg_rec.n_images; i++)
    if (address >= hg_rec.images[i].lo && address < hg_rec.images[i].hi)
      return 1;
  return 0;
}

int
hg_ids_init (void)
{
  /* the int 1 is a small int (a static of libpython); its reference is given straight back */
  PyObject *one = PyLong_FromLong (1);
  uintptr_t probes[2] = { (uintptr_t)Py_None, (uintptr_t)one };
  Py_XDECREF (one);
  dl_iterate_phdr (find_images, probes);
  hg_rec.next_oid = 1;
  hg_rec.next_sid = 1;
  hg_rec.id_mask = (1u << 16) - 1;
  hg_rec.id_slots = calloc (hg_rec.id_mask + 1, sizeof (HgIdSlot));
  hg_rec.sid_mask = 1023;
  hg_rec.sid_slots = calloc (hg_rec.sid_mask + 1, sizeof (struct HgSidSlot));
  return hg_rec.id_slots && hg_rec.sid_slots;
}
