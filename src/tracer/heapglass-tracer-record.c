/* heapglass-tracer-record.c: the C trace function. Keeps a shadow stack of user frames, gives
 * objects ids by address (noticing every death through the object allocator and the freelist
 * types' deallocators), and writes per step only what changed. Hot path: plain C, no allocation in
 * the steady state, never raises, never keeps a reference to a program object. */
#include "heapglass-tracer.h"

#include <frameobject.h>
#include <internal/pycore_code.h>
#include <internal/pycore_dict.h>
#include <internal/pycore_frame.h>
#include <internal/pycore_object.h>

#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 6       /* levels below a name expanded in one step */
#define EXPAND_BUDGET 256 /* containers expanded or checked per step */
#define TEXT_PREFIX 200   /* code points of a str, bytes of a bytes, kept in OBJ_NEW */

/* ---------------------------------------------------------------------------------------------
 * Object identity: block address → oid, open addressing with linear probing. The key is the start
 * of the object's memory block (the object minus its GC header and managed-dict pre-header), so a
 * free seen by the allocator hook is one probe. The hash keeps objects of one 4 KiB page in
 * neighbouring slots: objects allocated together are probed together (cache friendly). */

typedef struct
{
  uintptr_t key; /* 0 = empty */
  uint32_t oid;  /* 0 = no oid yet (code objects only carry an info) */
  uint32_t info; /* 0 or an index into infos */
} IdSlot;

enum
{
  INFO_OBJECT = 0,
  INFO_CODE = 1,
};

typedef struct
{
  uint8_t what; /* INFO_OBJECT or INFO_CODE */
  uint8_t kind; /* HgKind */
  uint8_t contents_sent;
  uint8_t has_children; /* some shown item/value/attr is itself worth checking */
  uint8_t has_attrs;
  uint8_t is_user; /* code: from the script */
  PyTypeObject *type;
  uint64_t bits;     /* FLOAT: value bits; WEAKREF: last referent oid; DICT: ma_version_tag */
  Py_ssize_t length; /* last length sent */
  uint64_t size;     /* last size sent */
  Py_ssize_t refcnt; /* last refcount sent */
  uint64_t checked_step;
  PyObject **items; /* shadow of shown item pointers (DICT: key, value pairs) */
  uint32_t n_items, cap_items;
  PyObject **attrs; /* shadow of attributes: name, value pairs */
  uint32_t n_attrs, cap_attrs;
  /* code objects */
  uint32_t *name_sids; /* per fast local (0 = hidden) */
  int n_names;
  uint32_t func_sid;
  uint32_t next_free;
} ObjInfo;

static IdSlot *id_slots;
static size_t id_mask;
static size_t id_count;
/* Infos live in fixed chunks so a pointer to one stays valid while more are allocated. */
#define INFO_CHUNK 4096
static ObjInfo **info_chunks;
static uint32_t n_infos, cap_infos, free_info;
#define INFO(index) (&info_chunks[(index) / INFO_CHUNK][(index) % INFO_CHUNK])
static uint32_t next_oid = 1;
static uint64_t frees_epoch; /* bumped whenever a known object dies */
static int out_of_memory;    /* our own tables could not grow: the step cannot be recorded */

/* oids of known objects that died, emitted at the next step */
static uint32_t *pending_frees;
static size_t n_pending_frees, cap_pending_frees;

static inline size_t
id_hash (uintptr_t key)
{
  uint64_t page = (uint64_t)key >> 12;
  uint64_t h = page * 0x9E3779B97F4A7C15ull;
  return (size_t)(((h >> 24) << 8) | ((key >> 4) & 0xff)) & id_mask;
}

static inline IdSlot *
id_find (uintptr_t key)
{
  size_t i = id_hash (key);
  for (;;)
    {
      IdSlot *s = &id_slots[i];
      if (s->key == key)
        return s;
      if (s->key == 0)
        return NULL;
      i = (i + 1) & id_mask;
    }
}

static int
id_grow (void)
{
  size_t old_cap = id_mask + 1;
  size_t cap = old_cap * 2;
  IdSlot *old = id_slots;
  IdSlot *slots = calloc (cap, sizeof (IdSlot));
  if (!slots)
    return 0;
  id_slots = slots;
  id_mask = cap - 1;
  for (size_t i = 0; i < old_cap; i++)
    if (old[i].key)
      {
        size_t j = id_hash (old[i].key);
        while (id_slots[j].key)
          j = (j + 1) & id_mask;
        id_slots[j] = old[i];
      }
  free (old);
  return 1;
}

static IdSlot *
id_insert (uintptr_t key)
{
  if ((id_count + 1) * 2 > id_mask + 1 && !id_grow ())
    return NULL;
  size_t i = id_hash (key);
  while (id_slots[i].key)
    i = (i + 1) & id_mask;
  id_slots[i].key = key;
  id_slots[i].oid = 0;
  id_slots[i].info = 0;
  id_count++;
  return &id_slots[i];
}

/* Backward-shift deletion: no tombstones, so lookups of absent keys stay short. */
static void
id_remove (IdSlot *s)
{
  size_t i = (size_t)(s - id_slots), j = i;
  for (;;)
    {
      j = (j + 1) & id_mask;
      if (id_slots[j].key == 0)
        break;
      size_t k = id_hash (id_slots[j].key);
      int stay = (i <= j) ? (i < k && k <= j) : (i < k || k <= j);
      if (!stay)
        {
          id_slots[i] = id_slots[j];
          i = j;
        }
    }
  id_slots[i].key = 0;
  id_count--;
}

static uint32_t
info_new (void)
{
  uint32_t index;
  if (free_info)
    {
      index = free_info;
      free_info = INFO (index)->next_free;
    }
  else
    {
      if (n_infos == 0)
        n_infos = 1; /* index 0 = none */
      if (n_infos >= cap_infos)
        {
          uint32_t n_chunks = cap_infos / INFO_CHUNK;
          ObjInfo **chunks = realloc (info_chunks, (n_chunks + 1) * sizeof (ObjInfo *));
          if (!chunks)
            return 0;
          info_chunks = chunks;
          info_chunks[n_chunks] = calloc (INFO_CHUNK, sizeof (ObjInfo));
          if (!info_chunks[n_chunks])
            return 0;
          cap_infos += INFO_CHUNK;
        }
      index = n_infos++;
    }
  ObjInfo *in = INFO (index);
  /* keep the shadow buffers for reuse */
  PyObject **items = in->items, **attrs = in->attrs;
  uint32_t ci = in->cap_items, ca = in->cap_attrs;
  memset (in, 0, sizeof *in);
  in->items = items;
  in->cap_items = ci;
  in->attrs = attrs;
  in->cap_attrs = ca;
  return index;
}

static void
info_release (uint32_t index)
{
  ObjInfo *in = INFO (index);
  free (in->name_sids);
  in->name_sids = NULL;
  in->next_free = free_info;
  free_info = index;
}

static void
pending_free_push (uint32_t oid)
{
  if (n_pending_frees == cap_pending_frees)
    {
      size_t cap = cap_pending_frees ? cap_pending_frees * 2 : 256;
      uint32_t *n = realloc (pending_frees, cap * sizeof (uint32_t));
      if (!n)
        return;
      pending_frees = n;
      cap_pending_frees = cap;
    }
  pending_frees[n_pending_frees++] = oid;
}

/* The block at `key` is being freed (or moved): whatever object we knew there is dead. */
static inline void
note_block_death (uintptr_t key)
{
  IdSlot *s = id_find (key);
  if (!s)
    return;
  if (s->oid)
    {
      pending_free_push (s->oid);
      frees_epoch++;
    }
  if (s->info)
    info_release (s->info);
  id_remove (s);
}

static inline uintptr_t
key_of (PyObject *op)
{
  return (uintptr_t)op - _PyType_PreHeaderSize (Py_TYPE (op));
}

/* ---------------------------------------------------------------------------------------------
 * Hooks: the object allocator (sees every free of an object's block) and the deallocators of the
 * static types with freelists (a list, dict, tuple or float put back on a freelist never reaches
 * the allocator). Never a heap type's tp_dealloc: subtype_dealloc compares it with itself. */

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
  /* A known object resized (str += in place) or moved is a new object for us. */
  if (ptr && hg_tracer.tracking)
    note_block_death ((uintptr_t)ptr);
  return orig_obj.realloc (orig_obj.ctx, ptr, size);
}

static void
hook_free (void *ctx, void *ptr)
{
  if (ptr && hg_tracer.tracking)
    note_block_death ((uintptr_t)ptr);
  orig_obj.free (orig_obj.ctx, ptr);
}

static destructor orig_list_dealloc, orig_dict_dealloc, orig_tuple_dealloc, orig_float_dealloc;

#define DEALLOC_WRAPPER(name)                                                                      \
  static void hook_##name##_dealloc (PyObject *op)                                                 \
  {                                                                                                \
    if (hg_tracer.tracking)                                                                        \
      note_block_death (key_of (op));                                                              \
    orig_##name##_dealloc (op);                                                                    \
  }
DEALLOC_WRAPPER (list)
DEALLOC_WRAPPER (dict)
DEALLOC_WRAPPER (tuple)
DEALLOC_WRAPPER (float)

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
}

/* ---------------------------------------------------------------------------------------------
 * String ids, by content. */

typedef struct
{
  uint64_t hash;
  uint32_t sid;
  uint32_t len;
  char *text;
} SidSlot;

static SidSlot *sid_slots;
static size_t sid_mask;
static size_t sid_count;
static uint32_t next_sid = 1;

static uint64_t
text_hash (const char *text, size_t len)
{
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (uint8_t)text[i]) * 1099511628211ull;
  return h | 1;
}

uint32_t
hg_record_sid (const char *text, size_t len)
{
  uint64_t h = text_hash (text, len);
  size_t i = h & sid_mask;
  for (;;)
    {
      SidSlot *s = &sid_slots[i];
      if (s->hash == 0)
        break;
      if (s->hash == h && s->len == len && memcmp (s->text, text, len) == 0)
        return s->sid;
      i = (i + 1) & sid_mask;
    }
  if ((sid_count + 1) * 2 > sid_mask + 1)
    {
      size_t cap = (sid_mask + 1) * 2;
      SidSlot *n = calloc (cap, sizeof (SidSlot));
      if (!n)
        return 0;
      for (size_t j = 0; j <= sid_mask; j++)
        if (sid_slots[j].hash)
          {
            size_t k = sid_slots[j].hash & (cap - 1);
            while (n[k].hash)
              k = (k + 1) & (cap - 1);
            n[k] = sid_slots[j];
          }
      free (sid_slots);
      sid_slots = n;
      sid_mask = cap - 1;
      i = h & sid_mask;
      while (sid_slots[i].hash)
        i = (i + 1) & sid_mask;
    }
  char *copy = malloc (len + 1);
  if (!copy)
    return 0;
  memcpy (copy, text, len);
  copy[len] = 0;
  sid_slots[i].hash = h;
  sid_slots[i].len = (uint32_t)len;
  sid_slots[i].text = copy;
  sid_slots[i].sid = next_sid++;
  sid_count++;
  hg_buf_byte (&hg_tracer.buf, HG_REC_STRING);
  hg_buf_bytes (&hg_tracer.buf, text, len);
  return sid_slots[i].sid;
}

/* UTF-8 of the first `max_chars` code points of a str, into `out` (at least 4 * max_chars bytes),
 * without asking Python (PyUnicode_AsUTF8 would cache a copy in the object: memory the program
 * would see in tracemalloc). */
static size_t
str_prefix_utf8 (PyObject *s, Py_ssize_t max_chars, char *out)
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
            c = 0xFFFD; /* lone surrogate: not encodable */
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

static uint32_t
sid_of_str (PyObject *s)
{
  char tmp[4 * 256];
  if (!PyUnicode_Check (s))
    return 0;
  size_t len = str_prefix_utf8 (s, 256, tmp);
  return hg_record_sid (tmp, len);
}

/* Type names as type(x).__name__ says; static types are cached by pointer (they never die). */
static struct
{
  PyTypeObject *type;
  uint32_t sid;
} type_cache[64];

static uint32_t
type_sid (PyTypeObject *tp)
{
  size_t slot = ((uintptr_t)tp >> 4) & 63;
  int heap = (tp->tp_flags & Py_TPFLAGS_HEAPTYPE) != 0;
  if (!heap && type_cache[slot].type == tp)
    return type_cache[slot].sid;
  const char *name = tp->tp_name;
  if (!heap)
    {
      const char *dot = strrchr (name, '.');
      if (dot)
        name = dot + 1;
    }
  uint32_t sid = hg_record_sid (name, strlen (name));
  if (!heap)
    {
      type_cache[slot].type = tp;
      type_cache[slot].sid = sid;
    }
  return sid;
}

/* ---------------------------------------------------------------------------------------------
 * Objects: kind, size (as sys.getsizeof, in C), payload. */

static HgKind
kind_of (PyObject *v, PyTypeObject *tp)
{
  if (v == Py_None)
    return HG_KIND_NONE;
  if (PyBool_Check (v))
    return HG_KIND_BOOL;
  if (PyLong_Check (v))
    return HG_KIND_INT; /* or BIGINT, decided by the payload */
  if (PyFloat_Check (v))
    return HG_KIND_FLOAT;
  if (PyUnicode_Check (v))
    return HG_KIND_STR;
  if (PyBytes_Check (v))
    return HG_KIND_BYTES;
  if (PyList_Check (v))
    return HG_KIND_LIST;
  if (PyTuple_Check (v))
    return HG_KIND_TUPLE;
  if (PyDict_Check (v))
    return HG_KIND_DICT;
  if (PyFrozenSet_Check (v))
    return HG_KIND_FROZENSET;
  if (PySet_Check (v))
    return HG_KIND_SET;
  if (PyWeakref_CheckRef (v))
    return HG_KIND_WEAKREF;
  if (PyType_Check (v))
    return HG_KIND_CLASS;
  if (PyFunction_Check (v) || PyCFunction_Check (v) || PyMethod_Check (v))
    return HG_KIND_FUNCTION;
  if (PyModule_Check (v))
    return HG_KIND_MODULE;
  if (tp->tp_flags & Py_TPFLAGS_HEAPTYPE)
    return HG_KIND_INSTANCE;
  return HG_KIND_OTHER;
}

static uint64_t
size_of (PyObject *v, PyTypeObject *tp)
{
  Py_ssize_t s;
  if (PyList_Check (v))
    s = tp->tp_basicsize + ((PyListObject *)v)->allocated * (Py_ssize_t)sizeof (void *);
  else if (PyDict_Check (v))
    s = _PyDict_SizeOf ((PyDictObject *)v);
  else if (PyAnySet_Check (v))
    {
      PySetObject *so = (PySetObject *)v;
      s = tp->tp_basicsize;
      if (so->table != so->smalltable)
        s += (so->mask + 1) * (Py_ssize_t)sizeof (setentry);
    }
  else if (PyUnicode_Check (v))
    {
      Py_ssize_t n = PyUnicode_GET_LENGTH (v);
      if (PyUnicode_IS_COMPACT_ASCII (v))
        s = (Py_ssize_t)sizeof (PyASCIIObject) + n + 1;
      else if (PyUnicode_IS_COMPACT (v))
        {
          s = (Py_ssize_t)sizeof (PyCompactUnicodeObject) + (n + 1) * PyUnicode_KIND (v);
          if (((PyCompactUnicodeObject *)v)->utf8)
            s += ((PyCompactUnicodeObject *)v)->utf8_length + 1;
        }
      else
        s = (Py_ssize_t)sizeof (PyUnicodeObject) + (n + 1) * PyUnicode_KIND (v);
    }
  else if (PyLong_Check (v))
    {
      Py_ssize_t d = Py_SIZE (v) < 0 ? -Py_SIZE (v) : Py_SIZE (v);
      s = (Py_ssize_t)offsetof (PyLongObject, ob_digit) + (d ? d : 1) * (Py_ssize_t)sizeof (digit);
    }
  else if (PyGen_Check (v) || PyCoro_CheckExact (v) || PyAsyncGen_CheckExact (v))
    {
      /* as gen.__sizeof__: the object up to its frame, plus the frame's slots */
      PyCodeObject *code = (PyCodeObject *)((PyGenObject *)v)->gi_code;
      s = (Py_ssize_t)(offsetof (PyGenObject, gi_iframe)
                       + offsetof (_PyInterpreterFrame, localsplus));
      if (code)
        s += (code->co_nlocalsplus + code->co_stacksize) * (Py_ssize_t)sizeof (PyObject *);
    }
  else if (tp->tp_itemsize && (PyTuple_Check (v) || PyBytes_Check (v)))
    {
      Py_ssize_t n = Py_SIZE (v);
      s = tp->tp_basicsize + tp->tp_itemsize * n;
    }
  else
    s = tp->tp_basicsize;
  return (uint64_t)s + _PyType_PreHeaderSize (tp);
}

static const char *
qualname_of (PyObject *v, char *tmp, size_t tmp_len)
{
  PyObject *name = NULL;
  if (PyFunction_Check (v))
    name = ((PyFunctionObject *)v)->func_qualname;
  else if (PyMethod_Check (v))
    {
      PyObject *f = PyMethod_GET_FUNCTION (v);
      if (PyFunction_Check (f))
        name = ((PyFunctionObject *)f)->func_qualname;
      else if (PyCFunction_Check (f))
        return ((PyCFunctionObject *)f)->m_ml->ml_name;
    }
  else if (PyCFunction_Check (v))
    return ((PyCFunctionObject *)v)->m_ml->ml_name;
  else if (PyType_Check (v))
    {
      PyTypeObject *t = (PyTypeObject *)v;
      if (t->tp_flags & Py_TPFLAGS_HEAPTYPE)
        name = ((PyHeapTypeObject *)t)->ht_qualname;
      else
        {
          const char *dot = strrchr (t->tp_name, '.');
          return dot ? dot + 1 : t->tp_name;
        }
    }
  else if (PyModule_Check (v))
    {
      PyObject *d = PyModule_GetDict (v);
      name = d ? PyDict_GetItemString (d, "__name__") : NULL;
    }
  if (name && PyUnicode_Check (name))
    {
      size_t n = str_prefix_utf8 (name, (Py_ssize_t)(tmp_len / 4 - 1), tmp);
      tmp[n] = 0;
      return tmp;
    }
  return "?";
}

static void
emit_payload (HgBuf *b, PyObject *v, PyTypeObject *tp, HgKind kind)
{
  char tmp[4 * TEXT_PREFIX + 64];
  switch (kind)
    {
    case HG_KIND_BOOL:
      hg_buf_byte (b, v == Py_True);
      break;
    case HG_KIND_INT:
      {
        int overflow = 0;
        long long x = PyLong_AsLongLongAndOverflow (v, &overflow);
        hg_buf_zigzag (b, x);
        break;
      }
    case HG_KIND_BIGINT:
      {
        int64_t bits = (int64_t)_PyLong_NumBits (v);
        PyObject *text = NULL;
        if (bits >= 0 && bits < 12000)
          {
            PyObject *exc_type, *exc_value, *exc_tb;
            PyErr_Fetch (&exc_type, &exc_value, &exc_tb);
            text = PyLong_Type.tp_repr (v);
            PyErr_Clear ();
            PyErr_Restore (exc_type, exc_value, exc_tb);
          }
        if (text && PyUnicode_IS_ASCII (text))
          hg_buf_bytes (b, PyUnicode_DATA (text), (size_t)PyUnicode_GET_LENGTH (text));
        else
          {
            snprintf (tmp, sizeof tmp, "<int of %lld bits>", (long long)bits);
            hg_buf_string (b, tmp);
          }
        Py_XDECREF (text);
        break;
      }
    case HG_KIND_FLOAT:
      hg_buf_double (b, PyFloat_AS_DOUBLE (v));
      break;
    case HG_KIND_STR:
      {
        size_t n = str_prefix_utf8 (v, TEXT_PREFIX, tmp);
        hg_buf_varint (b, (uint64_t)PyUnicode_GET_LENGTH (v)); /* len(), in code points */
        hg_buf_bytes (b, tmp, n);
        break;
      }
    case HG_KIND_BYTES:
      {
        Py_ssize_t n = PyBytes_GET_SIZE (v);
        hg_buf_varint (b, (uint64_t)n);
        hg_buf_bytes (b, PyBytes_AS_STRING (v), (size_t)(n > TEXT_PREFIX ? TEXT_PREFIX : n));
        break;
      }
    case HG_KIND_FUNCTION:
    case HG_KIND_CLASS:
    case HG_KIND_MODULE:
      hg_buf_string (b, qualname_of (v, tmp, sizeof tmp));
      break;
    case HG_KIND_OTHER:
      {
        const char *tn = tp->tp_name;
        const char *dot = strrchr (tn, '.');
        if (dot)
          tn = dot + 1;
        if (PyGen_Check (v) || PyCoro_CheckExact (v))
          {
            PyObject *q = ((PyGenObject *)v)->gi_qualname;
            char name[256];
            size_t n = q && PyUnicode_Check (q) ? str_prefix_utf8 (q, 60, name) : 0;
            name[n] = 0;
            snprintf (tmp, sizeof tmp, "<%s object %s>", tn, name);
          }
        else if (PyRange_Check (v) || PyComplex_CheckExact (v) || v == Py_Ellipsis
                 || v == Py_NotImplemented
                 || (PyByteArray_CheckExact (v) && PyByteArray_GET_SIZE (v) <= 64))
          {
            /* these reprs are C code that runs nothing of the program's */
            PyObject *exc_type, *exc_value, *exc_tb;
            PyErr_Fetch (&exc_type, &exc_value, &exc_tb);
            PyObject *r = PyObject_Repr (v);
            size_t n = r && PyUnicode_Check (r) ? str_prefix_utf8 (r, 200, tmp) : 0;
            Py_XDECREF (r);
            PyErr_Clear ();
            PyErr_Restore (exc_type, exc_value, exc_tb);
            if (n)
              {
                hg_buf_bytes (b, tmp, n);
                break;
              }
            snprintf (tmp, sizeof tmp, "<%s object>", tn);
          }
        else
          snprintf (tmp, sizeof tmp, "<%s object>", tn);
        hg_buf_string (b, tmp);
        break;
      }
    default:
      break;
    }
}

/* ---------------------------------------------------------------------------------------------
 * Known objects and their contents. */

static uint64_t cur_step;                 /* the step being built (1-based) */
static int budget;                        /* containers left to expand/check in this step */
static PyObject **scratch[MAX_DEPTH + 2]; /* per depth: up to 2K item pointers */
static uint32_t *scratch_oids[MAX_DEPTH + 2];

static uint32_t ensure_known (PyObject *v, int depth);
static void check_object (PyObject *v, int depth);

static int
worth_checking (PyObject *v)
{
  PyTypeObject *tp = Py_TYPE (v);
  unsigned long flags = tp->tp_flags;
  if (flags & (Py_TPFLAGS_LIST_SUBCLASS | Py_TPFLAGS_TUPLE_SUBCLASS | Py_TPFLAGS_DICT_SUBCLASS))
    return 1;
  if (flags & (Py_TPFLAGS_LONG_SUBCLASS | Py_TPFLAGS_UNICODE_SUBCLASS | Py_TPFLAGS_BYTES_SUBCLASS))
    return 0;
  /* exact types here; their subclasses are heap types, caught below */
  if (tp == &PySet_Type || tp == &PyFrozenSet_Type || tp == &_PyWeakref_RefType)
    return 1;
  if ((flags & Py_TPFLAGS_HEAPTYPE) && !(flags & Py_TPFLAGS_TYPE_SUBCLASS))
    return 1;
  return 0;
}

static int
shadow_reserve (PyObject ***arr, uint32_t *cap, uint32_t need)
{
  if (need <= *cap)
    return 1;
  uint32_t c = *cap ? *cap : 8;
  while (c < need)
    c *= 2;
  PyObject **n = realloc (*arr, c * sizeof (PyObject *));
  if (!n)
    return 0;
  *arr = n;
  *cap = c;
  return 1;
}

/* Gathers the first K items of a sequence or set into scratch[depth]; returns how many. */
static uint32_t
gather_items (PyObject *v, HgKind kind, int depth, Py_ssize_t *length)
{
  PyObject **out = scratch[depth];
  uint32_t k = hg_tracer.max_items, n = 0;
  if (kind == HG_KIND_LIST || kind == HG_KIND_TUPLE)
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

static uint32_t
gather_dict (PyObject *v, int depth, Py_ssize_t *length)
{
  PyObject **out = scratch[depth];
  uint32_t k = hg_tracer.max_items, n = 0;
  Py_ssize_t pos = 0;
  PyObject *key, *value;
  *length = PyDict_GET_SIZE (v);
  while (n < k && PyDict_Next (v, &pos, &key, &value))
    {
      out[2 * n] = key;
      out[2 * n + 1] = value;
      n++;
    }
  return n;
}

/* Instance attributes (name, value pairs) without materialising a managed __dict__. */
static uint32_t
gather_attrs (PyObject *v, int depth)
{
  PyTypeObject *tp = Py_TYPE (v);
  PyObject **out = scratch[depth];
  uint32_t k = hg_tracer.max_items, n = 0;
  PyObject *dict = NULL;
  if (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT)
    {
      PyDictValues *values = *_PyObject_ValuesPointer (v);
      if (values)
        {
          PyDictKeysObject *keys = ((PyHeapTypeObject *)tp)->ht_cached_keys;
          if (!keys)
            return 0;
          PyDictUnicodeEntry *entries = DK_UNICODE_ENTRIES (keys);
          uint8_t *bytes = (uint8_t *)values;
          int used = bytes[-2];
          for (int i = 0; i < used && n < k; i++)
            {
              int ix = bytes[-3 - i];
              if (ix >= keys->dk_nentries)
                continue;
              PyObject *value = values->values[ix];
              if (!value || !entries[ix].me_key)
                continue;
              out[2 * n] = entries[ix].me_key;
              out[2 * n + 1] = value;
              n++;
            }
          return n;
        }
      dict = *_PyObject_ManagedDictPointer (v);
    }
  else if (tp->tp_dictoffset)
    {
      PyObject **ptr = _PyObject_GetDictPtr (v);
      dict = ptr ? *ptr : NULL;
    }
  if (dict && PyDict_Check (dict))
    {
      Py_ssize_t pos = 0;
      PyObject *key, *value;
      while (n < k && PyDict_Next (dict, &pos, &key, &value))
        {
          if (!PyUnicode_Check (key))
            continue;
          out[2 * n] = key;
          out[2 * n + 1] = value;
          n++;
        }
    }
  return n;
}

static int
any_worth_checking (PyObject **items, uint32_t n, int stride)
{
  for (uint32_t i = 0; i < n; i++)
    if (worth_checking (items[i * stride + stride - 1])
        || (stride == 2 && worth_checking (items[i * 2])))
      return 1;
  return 0;
}

/* Sends or re-sends what changed in a container's shown contents. `force`: everything. */
static void
sync_contents (PyObject *v, ObjInfo *in, uint32_t oid, int depth, int force)
{
  HgBuf *b = &hg_tracer.buf;
  Py_ssize_t length = 0;
  int d = depth < MAX_DEPTH ? depth : MAX_DEPTH;
  HgKind kind = (HgKind)in->kind;

  if (kind == HG_KIND_WEAKREF)
    {
      PyObject *r = PyWeakref_GetObject (v);
      uint32_t roid = (r == NULL || r == Py_None) ? 0 : ensure_known (r, depth + 1);
      if (force || roid != in->bits)
        {
          hg_buf_byte (b, HG_REC_WEAKREF);
          hg_buf_varint (b, oid);
          hg_buf_varint (b, roid);
          in->bits = roid;
        }
      in->contents_sent = 1;
      return;
    }

  if (kind == HG_KIND_LIST || kind == HG_KIND_TUPLE || kind == HG_KIND_SET
      || kind == HG_KIND_FROZENSET)
    {
      uint32_t n = 0;
      PyObject **items = scratch[d];
      uint32_t start, end;
      if (depth <= MAX_DEPTH)
        {
          n = gather_items (v, kind, d, &length);
          if (!force && in->contents_sent && length == in->length && n == in->n_items
              && memcmp (items, in->items, n * sizeof (PyObject *)) == 0)
            goto children;
        }
      else
        length = (kind == HG_KIND_LIST || kind == HG_KIND_TUPLE) ? Py_SIZE (v) : PySet_GET_SIZE (v);
      if (depth > MAX_DEPTH || budget <= 0)
        {
          /* too deep or too much this step: exact length now, items later */
          if (force || !in->contents_sent || length != in->length)
            {
              hg_buf_byte (b, HG_REC_SEQ);
              hg_buf_varint (b, oid);
              hg_buf_varint (b, (uint64_t)length);
              hg_buf_varint (b, 0);
              hg_buf_varint (b, 0);
              in->length = length;
            }
          return;
        }
      budget--;
      start = 0;
      end = n;
      if (in->contents_sent && !force)
        {
          uint32_t m = n < in->n_items ? n : in->n_items;
          while (start < m && items[start] == in->items[start])
            start++;
          if (n <= in->n_items)
            {
              uint32_t e = n;
              while (e > start && items[e - 1] == in->items[e - 1])
                e--;
              end = e;
            }
        }
      for (uint32_t i = start; i < end; i++)
        scratch_oids[d][i - start] = ensure_known (items[i], depth + 1);
      /* ensure_known may have reused scratch[depth + 1] only, ours is intact */
      hg_buf_byte (b, HG_REC_SEQ);
      hg_buf_varint (b, oid);
      hg_buf_varint (b, (uint64_t)length);
      hg_buf_varint (b, start);
      hg_buf_varint (b, end - start);
      for (uint32_t i = start; i < end; i++)
        hg_buf_varint (b, scratch_oids[d][i - start]);
      if (shadow_reserve (&in->items, &in->cap_items, n ? n : 1))
        {
          memcpy (in->items, items, n * sizeof (PyObject *));
          in->n_items = n;
        }
      in->length = length;
      /* only the items just sent can have changed the answer (a stale "yes" costs a check) */
      if (!in->contents_sent || force)
        in->has_children = 0;
      if (end > start && any_worth_checking (items + start, end - start, 1))
        in->has_children = 1;
      in->contents_sent = 1;
    }
  else if (kind == HG_KIND_DICT)
    {
      uint64_t version = ((PyDictObject *)v)->ma_version_tag;
      if (!force && in->contents_sent && version == in->bits)
        goto children;
      uint32_t n = 0;
      PyObject **items = scratch[d];
      length = PyDict_GET_SIZE (v);
      if (depth <= MAX_DEPTH)
        {
          n = gather_dict (v, d, &length);
          if (!force && in->contents_sent && length == in->length && n == in->n_items
              && memcmp (items, in->items, 2 * n * sizeof (PyObject *)) == 0)
            {
              in->bits = version;
              goto children;
            }
        }
      if (depth > MAX_DEPTH || budget <= 0)
        {
          if (force || !in->contents_sent || length != in->length)
            {
              hg_buf_byte (b, HG_REC_DICT);
              hg_buf_varint (b, oid);
              hg_buf_varint (b, (uint64_t)length);
              hg_buf_varint (b, 0);
              in->length = length;
              in->n_items = 0;
            }
          return;
        }
      budget--;
      for (uint32_t i = 0; i < 2 * n; i++)
        scratch_oids[d][i] = ensure_known (items[i], depth + 1);
      hg_buf_byte (b, HG_REC_DICT);
      hg_buf_varint (b, oid);
      hg_buf_varint (b, (uint64_t)length);
      hg_buf_varint (b, n);
      for (uint32_t i = 0; i < 2 * n; i++)
        hg_buf_varint (b, scratch_oids[d][i]);
      if (shadow_reserve (&in->items, &in->cap_items, 2 * n + 1))
        {
          memcpy (in->items, items, 2 * n * sizeof (PyObject *));
          in->n_items = n;
        }
      in->bits = version;
      in->length = length;
      in->contents_sent = 1;
      in->has_children = (uint8_t)any_worth_checking (items, n, 2);
    }

children:
  if (in->has_attrs && depth <= MAX_DEPTH)
    {
      uint32_t n = gather_attrs (v, d);
      PyObject **items = scratch[d];
      if (force || !in->contents_sent || n != in->n_attrs
          || memcmp (items, in->attrs, 2 * n * sizeof (PyObject *)) != 0)
        {
          for (uint32_t i = 0; i < n; i++)
            {
              scratch_oids[d][2 * i] = sid_of_str (items[2 * i]);
              scratch_oids[d][2 * i + 1] = ensure_known (items[2 * i + 1], depth + 1);
            }
          hg_buf_byte (b, HG_REC_ATTRS);
          hg_buf_varint (b, oid);
          hg_buf_varint (b, n);
          for (uint32_t i = 0; i < 2 * n; i++)
            hg_buf_varint (b, scratch_oids[d][i]);
          if (shadow_reserve (&in->attrs, &in->cap_attrs, 2 * n + 1))
            {
              memcpy (in->attrs, items, 2 * n * sizeof (PyObject *));
              in->n_attrs = n;
            }
          if (any_worth_checking (items, n, 2))
            in->has_children = 1;
        }
      in->contents_sent = 1;
    }

  /* Changed objects inside: checked below this one, within the step's budget. */
  if (in->has_children && depth < MAX_DEPTH && budget > 0)
    {
      uint32_t n = in->n_items;
      int pairs = kind == HG_KIND_DICT;
      for (uint32_t i = 0; i < n && budget > 0; i++)
        {
          PyObject *item = pairs ? in->items[2 * i + 1] : in->items[i];
          /* the shadow was just compared with (or copied from) the container: it still holds
           * these items */
          if (worth_checking (item))
            check_object (item, depth + 1);
        }
      for (uint32_t i = 0; i < in->n_attrs && budget > 0; i++)
        if (worth_checking (in->attrs[2 * i + 1]))
          check_object (in->attrs[2 * i + 1], depth + 1);
    }
}

static void
send_meta_if_changed (PyObject *v, ObjInfo *in, uint32_t oid)
{
  uint64_t size = size_of (v, Py_TYPE (v));
  Py_ssize_t rc = Py_REFCNT (v);
  if (size != in->size || rc != in->refcnt)
    {
      HgBuf *b = &hg_tracer.buf;
      hg_buf_byte (b, HG_REC_META);
      hg_buf_varint (b, oid);
      hg_buf_varint (b, size);
      hg_buf_varint (b, (uint64_t)rc);
      in->size = size;
      in->refcnt = rc;
    }
}

static uint32_t
ensure_known (PyObject *v, int depth)
{
  PyTypeObject *tp = Py_TYPE (v);
  uintptr_t key = (uintptr_t)v - _PyType_PreHeaderSize (tp);
  IdSlot *s = id_find (key);
  ObjInfo *in = NULL;
  HgKind kind;
  uint32_t oid;

  if (s)
    {
      if (s->info && INFO (s->info)->what == INFO_OBJECT)
        {
          in = INFO (s->info);
          if (in->type != tp)
            goto stale;
          if (in->kind == HG_KIND_FLOAT)
            {
              double dv = PyFloat_AS_DOUBLE (v);
              uint64_t bits;
              memcpy (&bits, &dv, sizeof bits);
              if (bits != in->bits)
                goto stale;
            }
          if (!in->contents_sent && depth <= MAX_DEPTH && budget > 0
              && in->checked_step != cur_step)
            {
              in->checked_step = cur_step;
              sync_contents (v, in, s->oid, depth, 0);
            }
        }
      s = id_find (key); /* sync_contents may have grown the table */
      if (!s)
        return 0;
      if (s->oid)
        return s->oid;
      /* a code object we only had an info for: give it an oid below */
      oid = next_oid++;
      s->oid = oid;
      kind = HG_KIND_OTHER;
      goto emit_new;
    stale:
      note_block_death (key);
    }

  s = id_insert (key);
  if (!s)
    {
      out_of_memory = 1;
      return 0;
    }
  oid = next_oid++;
  s->oid = oid;
  kind = kind_of (v, tp);
  if (kind == HG_KIND_INT)
    {
      int overflow = 0;
      PyLong_AsLongLongAndOverflow (v, &overflow);
      if (overflow)
        kind = HG_KIND_BIGINT;
    }
  if (kind == HG_KIND_FLOAT || kind == HG_KIND_LIST || kind == HG_KIND_TUPLE || kind == HG_KIND_SET
      || kind == HG_KIND_FROZENSET || kind == HG_KIND_DICT || kind == HG_KIND_INSTANCE
      || kind == HG_KIND_WEAKREF)
    {
      uint32_t index = info_new ();
      if (index)
        {
          s = id_find (key); /* info_new does not move slots, but stay safe */
          s->info = index;
          in = INFO (index);
          in->what = INFO_OBJECT;
          in->kind = (uint8_t)kind;
          in->type = tp;
          if (kind == HG_KIND_FLOAT)
            {
              double dv = PyFloat_AS_DOUBLE (v);
              memcpy (&in->bits, &dv, sizeof dv);
            }
          in->has_attrs = (tp->tp_flags & Py_TPFLAGS_HEAPTYPE)
                          && ((tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) || tp->tp_dictoffset);
          in->checked_step = cur_step;
        }
    }
  else
    in = NULL;

emit_new:
  {
    HgBuf *b = &hg_tracer.buf;
    uint32_t tsid = type_sid (tp);
    uint64_t size = size_of (v, tp);
    Py_ssize_t rc = Py_REFCNT (v);
    hg_buf_byte (b, HG_REC_OBJ_NEW);
    hg_buf_varint (b, oid);
    hg_buf_varint (b, tsid);
    hg_buf_varint (b, kind);
    hg_buf_varint (b, size);
    hg_buf_varint (b, (uint64_t)rc);
    emit_payload (b, v, tp, kind);
    if (in)
      {
        in->size = size;
        in->refcnt = rc;
        if (kind != HG_KIND_FLOAT)
          sync_contents (v, in, oid, depth, 1);
      }
  }
  return oid;
}

/* A known object reachable from the current names: has it changed since it was last sent? */
static void
check_object (PyObject *v, int depth)
{
  IdSlot *s = id_find (key_of (v));
  if (!s || !s->info || !s->oid)
    return;
  ObjInfo *in = INFO (s->info);
  if (in->what != INFO_OBJECT || in->type != Py_TYPE (v) || in->checked_step == cur_step)
    return;
  in->checked_step = cur_step;
  if (in->kind == HG_KIND_FLOAT)
    return;
  budget--;
  uint32_t oid = s->oid;
  sync_contents (v, in, oid, depth, 0);
  send_meta_if_changed (v, in, oid);
}

/* ---------------------------------------------------------------------------------------------
 * Code objects: "is this user code?", cached in the identity table (a code object's death removes
 * its entry like any other). */

static ObjInfo *
code_info (PyCodeObject *code)
{
  uintptr_t key = key_of ((PyObject *)code);
  IdSlot *s = id_find (key);
  if (s && s->info && INFO (s->info)->what == INFO_CODE)
    return INFO (s->info);
  if (!s)
    {
      s = id_insert (key);
      if (!s)
        return NULL;
    }
  if (s->info || s->oid)
    {
      /* an object we never saw die used to live here */
      note_block_death (key);
      s = id_insert (key);
      if (!s)
        return NULL;
    }
  uint32_t index = info_new ();
  if (!index)
    return NULL;
  s = id_find (key);
  s->info = index;
  ObjInfo *in = INFO (index);
  in->what = INFO_CODE;
  in->is_user = hg_tracer.script && PyUnicode_Check (code->co_filename)
                && PyUnicode_Compare (code->co_filename, hg_tracer.script) == 0;
  if (PyErr_Occurred ())
    PyErr_Clear ();
  if (in->is_user)
    {
      int n = code->co_nlocalsplus;
      in->n_names = n;
      in->name_sids = calloc ((size_t)n + 1, sizeof (uint32_t));
      for (int i = 0; in->name_sids && i < n; i++)
        {
          PyObject *name = PyTuple_GET_ITEM (code->co_localsplusnames, i);
          Py_ssize_t len = PyUnicode_GET_LENGTH (name);
          if (len == 0 || PyUnicode_READ_CHAR (name, 0) == '.'
              || (len > 4 && PyUnicode_READ_CHAR (name, 0) == '_'
                  && PyUnicode_READ_CHAR (name, 1) == '_'
                  && PyUnicode_READ_CHAR (name, len - 1) == '_'
                  && PyUnicode_READ_CHAR (name, len - 2) == '_'))
            continue;
          in->name_sids[i] = sid_of_str (name);
        }
      in->func_sid = sid_of_str (code->co_name);
    }
  return in;
}

/* ---------------------------------------------------------------------------------------------
 * The shadow stack. */

typedef struct
{
  PyObject *key;
  PyObject *value;
  Py_hash_t hash;
  uint32_t sid; /* 0: not shown (dunder, not a str) */
  uint32_t oid;
} NsEntry;

typedef struct
{
  PyFrameObject *frame;
  PyCodeObject *code;
  ObjInfo *code_info; /* stays valid: the frame keeps its code alive */
  int is_ns;          /* names live in a dict (module, class body), not fast locals */
  PyObject *ns;       /* that dict */
  uint64_t ns_version;
  uint64_t epoch;
  NsEntry *entries; /* is_ns: shadow of the dict */
  uint32_t n_entries, cap_entries;
  PyObject **vals; /* fast: shadow of the values */
  uint32_t *oids;
  uint32_t cap_vals;
  int n_vals;
} ShadowFrame;

static ShadowFrame *stack;
static uint32_t depth, cap_stack;
static uint32_t pending_pops;
static NsEntry *ns_scratch;
static uint32_t cap_ns_scratch;

static int
is_dunder (PyObject *key)
{
  Py_ssize_t len = PyUnicode_GET_LENGTH (key);
  return len > 4 && PyUnicode_READ_CHAR (key, 0) == '_' && PyUnicode_READ_CHAR (key, 1) == '_'
         && PyUnicode_READ_CHAR (key, len - 1) == '_' && PyUnicode_READ_CHAR (key, len - 2) == '_';
}

static void
emit_bind (uint32_t frame_index, uint32_t sid, uint32_t oid)
{
  HgBuf *b = &hg_tracer.buf;
  hg_buf_byte (b, HG_REC_BIND);
  hg_buf_varint (b, frame_index);
  hg_buf_varint (b, sid);
  hg_buf_varint (b, oid);
}

static void
emit_unbind (uint32_t frame_index, uint32_t sid)
{
  HgBuf *b = &hg_tracer.buf;
  hg_buf_byte (b, HG_REC_UNBIND);
  hg_buf_varint (b, frame_index);
  hg_buf_varint (b, sid);
}

/* Rebinds in a dict namespace: the module's globals or a class body. Skipped while the dict's
 * version tag is unchanged. */
static void
diff_namespace (ShadowFrame *sf, uint32_t frame_index)
{
  PyObject *d = sf->ns;
  if (!d || !PyDict_Check (d))
    return;
  uint64_t version = ((PyDictObject *)d)->ma_version_tag;
  int slow = sf->epoch != frees_epoch;
  if (version == sf->ns_version && !slow)
    return;
  sf->ns_version = version;
  sf->epoch = frees_epoch;

  Py_ssize_t pos = 0;
  PyObject *key, *value;
  uint32_t j = 0;
  int same_layout = 1;
  while (PyDict_Next (d, &pos, &key, &value))
    {
      if (j < sf->n_entries && sf->entries[j].key == key)
        {
          NsEntry *e = &sf->entries[j];
          if (e->sid && (e->value != value || slow))
            {
              uint32_t oid = ensure_known (value, 1);
              if (oid != e->oid || e->value != value)
                emit_bind (frame_index, e->sid, oid);
              e->oid = oid;
            }
          e->value = value;
          j++;
          continue;
        }
      same_layout = 0;
      break;
    }
  if (same_layout && j == sf->n_entries)
    return;

  /* The layout changed (a new or deleted name): rebuild the shadow. */
  uint32_t n = 0;
  pos = 0;
  while (PyDict_Next (d, &pos, &key, &value))
    {
      if (n == cap_ns_scratch)
        {
          uint32_t cap = cap_ns_scratch ? cap_ns_scratch * 2 : 64;
          NsEntry *ne = realloc (ns_scratch, cap * sizeof (NsEntry));
          if (!ne)
            return;
          ns_scratch = ne;
          cap_ns_scratch = cap;
        }
      NsEntry *e = &ns_scratch[n++];
      e->key = key;
      e->value = value;
      e->hash = PyUnicode_Check (key) ? ((PyASCIIObject *)key)->hash : 0;
      e->sid = 0;
      e->oid = 0;
      /* same key as before? */
      for (uint32_t k = 0; k < sf->n_entries; k++)
        if (sf->entries[k].key == key && sf->entries[k].hash == e->hash)
          {
            e->sid = sf->entries[k].sid;
            e->oid = sf->entries[k].oid;
            sf->entries[k].key = NULL; /* matched */
            if (e->sid && (sf->entries[k].value != value || slow))
              {
                uint32_t oid = ensure_known (value, 1);
                if (oid != e->oid || sf->entries[k].value != value)
                  emit_bind (frame_index, e->sid, oid);
                e->oid = oid;
              }
            goto next;
          }
      if (PyUnicode_Check (key) && !is_dunder (key))
        {
          e->sid = sid_of_str (key);
          e->oid = ensure_known (value, 1);
          emit_bind (frame_index, e->sid, e->oid);
        }
    next:;
    }
  for (uint32_t k = 0; k < sf->n_entries; k++)
    if (sf->entries[k].key && sf->entries[k].sid)
      emit_unbind (frame_index, sf->entries[k].sid);
  if (n > sf->cap_entries)
    {
      NsEntry *ne = realloc (sf->entries, n * sizeof (NsEntry));
      if (!ne)
        {
          sf->n_entries = 0;
          return;
        }
      sf->entries = ne;
      sf->cap_entries = n;
    }
  memcpy (sf->entries, ns_scratch, n * sizeof (NsEntry));
  sf->n_entries = n;
}

/* Rebinds among a function frame's fast locals (cells dereferenced). */
static void
diff_fast (ShadowFrame *sf)
{
  _PyInterpreterFrame *f = sf->frame->f_frame;
  PyCodeObject *code = sf->code;
  PyObject **lp = f->localsplus;
  const uint8_t *kinds = (const uint8_t *)PyBytes_AS_STRING (code->co_localspluskinds);
  const uint32_t *sids = sf->code_info->name_sids;
  int n = sf->n_vals;
  int slow = sf->epoch != frees_epoch;
  sf->epoch = frees_epoch;
  if (!sids)
    return;
  for (int i = 0; i < n; i++)
    {
      PyObject *v = lp[i];
      if (v && (kinds[i] & (CO_FAST_CELL | CO_FAST_FREE)) && PyCell_Check (v))
        v = PyCell_GET (v);
      if (v == sf->vals[i] && !(slow && v))
        continue;
      if (!sids[i])
        {
          sf->vals[i] = v;
          continue;
        }
      if (!v)
        {
          emit_unbind (0, sids[i]);
          sf->vals[i] = NULL;
          sf->oids[i] = 0;
          continue;
        }
      uint32_t oid = ensure_known (v, 1);
      if (oid != sf->oids[i] || v != sf->vals[i])
        emit_bind (0, sids[i], oid);
      sf->vals[i] = v;
      sf->oids[i] = oid;
    }
}

static void
check_frame_objects (ShadowFrame *sf)
{
  if (sf->is_ns)
    {
      for (uint32_t i = 0; i < sf->n_entries && budget > 0; i++)
        if (sf->entries[i].sid && worth_checking (sf->entries[i].value))
          check_object (sf->entries[i].value, 1);
    }
  else
    {
      const uint32_t *sids = sf->code_info->name_sids;
      for (int i = 0; sids && i < sf->n_vals && budget > 0; i++)
        if (sf->vals[i] && sids[i] && worth_checking (sf->vals[i]))
          check_object (sf->vals[i], 1);
    }
}

static ShadowFrame *
push_frame (PyFrameObject *frame, PyCodeObject *code, ObjInfo *ci)
{
  if (depth == cap_stack)
    {
      uint32_t cap = cap_stack ? cap_stack * 2 : 64;
      ShadowFrame *n = realloc (stack, cap * sizeof (ShadowFrame));
      if (!n)
        return NULL;
      memset (n + cap_stack, 0, (cap - cap_stack) * sizeof (ShadowFrame));
      stack = n;
      cap_stack = cap;
    }
  ShadowFrame *sf = &stack[depth];
  sf->frame = frame;
  sf->code = code;
  sf->code_info = ci;
  sf->epoch = frees_epoch;
  sf->is_ns = !(code->co_flags & CO_OPTIMIZED);
  sf->n_entries = 0;
  sf->ns_version = 0;
  sf->ns = sf->is_ns ? frame->f_frame->f_locals : NULL;
  sf->n_vals = sf->is_ns ? 0 : code->co_nlocalsplus;
  if (!sf->is_ns && (uint32_t)sf->n_vals > sf->cap_vals)
    {
      PyObject **v = realloc (sf->vals, (size_t)sf->n_vals * sizeof (PyObject *));
      uint32_t *o = v ? realloc (sf->oids, (size_t)sf->n_vals * sizeof (uint32_t)) : NULL;
      if (v)
        sf->vals = v;
      if (!o)
        return NULL;
      sf->oids = o;
      sf->cap_vals = (uint32_t)sf->n_vals;
    }
  if (sf->n_vals)
    {
      memset (sf->vals, 0, (size_t)sf->n_vals * sizeof (PyObject *));
      memset (sf->oids, 0, (size_t)sf->n_vals * sizeof (uint32_t));
    }
  depth++;
  return sf;
}

/* ---------------------------------------------------------------------------------------------
 * Steps. */

static void
begin_step (void)
{
  HgBuf *b = &hg_tracer.buf;
  cur_step = hg_tracer.steps + 1;
  budget = EXPAND_BUDGET;
  while (pending_pops)
    {
      hg_buf_byte (b, HG_REC_FRAME_POP);
      pending_pops--;
    }
  for (size_t i = 0; i < n_pending_frees; i++)
    {
      hg_buf_byte (b, HG_REC_OBJ_FREE);
      hg_buf_varint (b, pending_frees[i]);
    }
  n_pending_frees = 0;
  if (hg_tracer.output_pending)
    hg_output_collect ();
}

static void
record_state (void)
{
  ShadowFrame *top = &stack[depth - 1];
  if (top->is_ns)
    diff_namespace (top, 0);
  else
    diff_fast (top);
  if (depth > 1 && stack[0].is_ns)
    diff_namespace (&stack[0], depth - 1);
  check_frame_objects (top);
  if (depth > 1)
    check_frame_objects (&stack[0]);
}

static void
end_step (HgRecord rec, int line)
{
  HgBuf *b = &hg_tracer.buf;
  if (out_of_memory || b->failed)
    {
      /* drop this step's half-made records; the stream ends after the previous step */
      b->failed = 0;
      b->len = hg_tracer.committed;
      hg_finish (HG_END_MEMORY_LIMIT, 1, 0, "MemoryError: the tracer ran out of memory", 0);
    }
  hg_buf_byte (b, (uint8_t)rec);
  hg_buf_varint (b, (uint64_t)(line > 0 ? line : 0));
  hg_tracer.steps++;
  hg_check_limits_after_step ();
}

static int
frame_line (PyFrameObject *frame)
{
  int line = frame->f_lineno ? frame->f_lineno : PyFrame_GetLineNumber (frame);
  /* a module or class body about to start is "at" its first line */
  return line > 0 ? line : frame->f_frame->f_code->co_firstlineno;
}

static int
str_is_builtin (PyTypeObject *tp)
{
  static PyObject *str_name;
  if (!str_name)
    str_name = PyUnicode_InternFromString ("__str__");
  for (PyTypeObject *t = tp; t; t = t->tp_base)
    {
      if (!(t->tp_flags & Py_TPFLAGS_HEAPTYPE))
        return 1;
      if (t->tp_dict && PyDict_GetItemWithError (t->tp_dict, str_name))
        return 0;
      if (PyErr_Occurred ())
        {
          PyErr_Clear ();
          return 0;
        }
    }
  return 1;
}

/* Whether str() of an exception with these args can only run CPython's own code. */
static int
args_are_plain (PyObject *v, int depth)
{
  if (!v || v == Py_None || PyUnicode_CheckExact (v) || PyLong_CheckExact (v)
      || PyFloat_CheckExact (v) || PyBool_Check (v) || PyBytes_CheckExact (v))
    return 1;
  if (PyTuple_CheckExact (v) && depth < 3)
    {
      for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE (v); i++)
        if (!args_are_plain (PyTuple_GET_ITEM (v, i), depth + 1))
          return 0;
      return 1;
    }
  return 0;
}

/* Exception type name and str(value), without running the program's own __str__ (it may have
 * side effects: CPython itself calls it only to print a traceback). */
void
hg_record_exception_text (PyObject *value, char **type_name, char **message)
{
  PyTypeObject *tp = Py_TYPE (value);
  const char *tn = tp->tp_name;
  if (!(tp->tp_flags & Py_TPFLAGS_HEAPTYPE))
    {
      const char *dot = strrchr (tn, '.');
      if (dot)
        tn = dot + 1;
    }
  *type_name = strdup (tn);
  *message = NULL;
  if (!str_is_builtin (tp) || !args_are_plain (((PyBaseExceptionObject *)value)->args, 0))
    return; /* the program's own __str__/__repr__ runs when CPython prints the traceback, not before
             */
  PyObject *exc_type, *exc_value, *exc_tb;
  PyErr_Fetch (&exc_type, &exc_value, &exc_tb);
  PyObject *s = PyObject_Str (value);
  if (s && PyUnicode_Check (s))
    {
      Py_ssize_t n = PyUnicode_GET_LENGTH (s);
      char *out = malloc ((size_t)(n > 2000 ? 2000 : n) * 4 + 1);
      if (out)
        {
          size_t len = str_prefix_utf8 (s, 2000, out);
          out[len] = 0;
          *message = out;
        }
    }
  Py_XDECREF (s);
  PyErr_Clear ();
  PyErr_Restore (exc_type, exc_value, exc_tb);
}

static void
emit_exception (PyObject *arg)
{
  HgBuf *b = &hg_tracer.buf;
  PyObject *value = NULL;
  PyTypeObject *tp = NULL;
  if (arg && PyTuple_Check (arg) && PyTuple_GET_SIZE (arg) >= 2)
    {
      value = PyTuple_GET_ITEM (arg, 1);
      PyObject *t = PyTuple_GET_ITEM (arg, 0);
      tp = PyType_Check (t) ? (PyTypeObject *)t : NULL;
    }
  if (value && PyExceptionInstance_Check (value))
    tp = Py_TYPE (value);
  const char *tn = tp ? tp->tp_name : "Exception";
  if (tp && !(tp->tp_flags & Py_TPFLAGS_HEAPTYPE))
    {
      const char *dot = strrchr (tn, '.');
      if (dot)
        tn = dot + 1;
    }
  uint32_t sid = hg_record_sid (tn, strlen (tn));
  char *type_name = NULL, *message = NULL;
  if (value && PyExceptionInstance_Check (value))
    hg_record_exception_text (value, &type_name, &message);
  hg_buf_byte (b, HG_REC_EXCEPTION);
  hg_buf_varint (b, sid);
  hg_buf_string (b, message ? message : "");
  hg_buf_varint (b, 0);
  free (type_name);
  free (message);
}

/* Calls the trace function the program installed with sys.settrace(), as sys.settrace's own
 * trampoline would. */
static int
call_program_trace (PyFrameObject *frame, int what, PyObject *arg)
{
  static const char *const names[]
      = { "call", "exception", "line", "return", "c_call", "c_exception", "c_return", "opcode" };
  PyObject *callback = what == PyTrace_CALL ? hg_tracer.prog_trace : frame->f_trace;
  if (!callback)
    return 0;
  Py_INCREF (callback);
  if (PyFrame_FastToLocalsWithError (frame) < 0)
    {
      Py_DECREF (callback);
      return -1;
    }
  PyObject *event = PyUnicode_InternFromString (names[what]);
  PyObject *result = event ? PyObject_CallFunctionObjArgs (callback, (PyObject *)frame, event,
                                                           arg ? arg : Py_None, NULL)
                           : NULL;
  Py_XDECREF (event);
  PyFrame_LocalsToFast (frame, 1);
  Py_DECREF (callback);
  if (!result)
    {
      PyTraceBack_Here (frame);
      Py_CLEAR (hg_tracer.prog_trace);
      Py_CLEAR (frame->f_trace);
      return -1;
    }
  if (result != Py_None)
    Py_XSETREF (frame->f_trace, result);
  else
    Py_DECREF (result);
  return 0;
}

int
hg_record_trace (PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
  if (!hg_tracer.recording || hg_tracer.forked_child)
    return hg_tracer.prog_trace && !hg_tracer.forked_child ? call_program_trace (frame, what, arg)
                                                           : 0;
  hg_trace_enter ();

  ShadowFrame *top = depth ? &stack[depth - 1] : NULL;
  if (!(top && top->frame == frame))
    {
      /* Not the frame we are in: a call, or a frame we do not record. */
      PyCodeObject *code = frame->f_frame->f_code;
      ObjInfo *ci = code_info (code);
      if (!ci || !ci->is_user)
        {
          if (what == PyTrace_CALL && !hg_tracer.prog_trace)
            frame->f_trace_lines = 0; /* no line events for library code */
          goto out;
        }
      if (what != PyTrace_CALL)
        {
          /* Resynchronise: pop frames we missed the return of, or adopt this frame. */
          uint32_t k = depth;
          while (k > 0 && stack[k - 1].frame != frame)
            k--;
          if (k > 0)
            {
              while (depth > k)
                {
                  depth--;
                  pending_pops++;
                }
              top = &stack[depth - 1];
              goto step;
            }
        }
      begin_step ();
      if (!push_frame (frame, code, ci))
        goto out;
      top = &stack[depth - 1];
      {
        HgBuf *b = &hg_tracer.buf;
        hg_buf_byte (b, HG_REC_FRAME_PUSH);
        hg_buf_varint (b, ci->func_sid);
        hg_buf_varint (b, (uint64_t)code->co_firstlineno);
      }
      if (depth == 1)
        hg_tracer.module_started = 1;
      record_state ();
      end_step (what == PyTrace_CALL ? HG_REC_STEP_CALL : HG_REC_STEP_LINE, frame_line (frame));
      goto out;
    }

step:
  begin_step ();
  record_state ();
  switch (what)
    {
    case PyTrace_LINE:
      end_step (HG_REC_STEP_LINE, frame_line (frame));
      break;
    case PyTrace_CALL:
      end_step (HG_REC_STEP_CALL, frame_line (frame));
      break;
    case PyTrace_RETURN:
      {
        int line = frame_line (frame);
        /* CPython passes NULL while an exception unwinds the frame; Python code sees None */
        uint32_t returned = ensure_known (arg ? arg : Py_None, 1);
        if (returned)
          {
            hg_buf_byte (&hg_tracer.buf, HG_REC_RETURN_VALUE);
            hg_buf_varint (&hg_tracer.buf, returned);
          }
        depth--;
        pending_pops++;
        end_step (HG_REC_STEP_RETURN, line);
        break;
      }
    case PyTrace_EXCEPTION:
      emit_exception (arg);
      end_step (HG_REC_STEP_EXCEPTION, frame_line (frame));
      break;
    default:
      end_step (HG_REC_STEP_LINE, frame_line (frame));
      break;
    }

out:
  /* CPython calls us with no exception set; never leave one behind for the program to see */
  if (__builtin_expect (PyErr_Occurred () != NULL, 0))
    PyErr_Clear ();
  hg_tracer.committed = hg_tracer.buf.len;
  hg_trace_leave ();
  if (hg_tracer.time_up)
    hg_finish (HG_END_TIME_LIMIT, 0, 0, NULL, 0);
  if (hg_tracer.prog_trace)
    return call_program_trace (frame, what, arg);
  return 0;
}

void
hg_record_stop (void)
{
  hg_tracer.recording = 0;
  hg_tracer.tracking = 0;
}

int
hg_record_init (void)
{
  id_mask = (1u << 16) - 1;
  id_slots = calloc (id_mask + 1, sizeof (IdSlot));
  sid_mask = 1023;
  sid_slots = calloc (sid_mask + 1, sizeof (SidSlot));
  if (!id_slots || !sid_slots)
    return 0;
  for (int i = 0; i < MAX_DEPTH + 2; i++)
    {
      scratch[i] = calloc (2 * (size_t)hg_tracer.max_items + 2, sizeof (PyObject *));
      scratch_oids[i] = calloc (2 * (size_t)hg_tracer.max_items + 2, sizeof (uint32_t));
      if (!scratch[i] || !scratch_oids[i])
        return 0;
    }
  return 1;
}
