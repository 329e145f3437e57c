/* heapglass-tracer-cpython.h: every CPython internal the recorder reads (frames, code, dicts,
 * instance values, slots), in one place, so that a new CPython version is ported here. All of it
 * reads C-level data only: nothing here runs Python code or allocates from Python's allocators. */
#pragma once

#include "heapglass-tracer.h"

#if PY_VERSION_HEX < 0x030B0000 || PY_VERSION_HEX >= 0x030C0000
#error "the recorder reads CPython 3.11 internals: port heapglass-tracer-cpython.h first"
#endif

#include <frameobject.h>
#include <structmember.h>
#include <internal/pycore_code.h>
#include <internal/pycore_dict.h>
#include <internal/pycore_frame.h>
#include <internal/pycore_object.h>
#include <internal/pycore_interp.h> /* the interpreter's thread states */

#include <string.h>

/* The opcode tables (caches per instruction, specialised → base opcode) are not exported by
 * libpython; heapglass-tracer-code.c instantiates them. */
#include <internal/pycore_opcode.h>

/* ---- objects ------------------------------------------------------------------------------ */

/* The start of an object's memory block: what the object allocator hook sees freed. */
static inline uintptr_t
hg_py_block_of (PyObject *op)
{
  return (uintptr_t)op - _PyType_PreHeaderSize (Py_TYPE (op));
}

static inline size_t
hg_py_preheader (PyTypeObject *tp)
{
  return _PyType_PreHeaderSize (tp);
}

/* ---- frames ------------------------------------------------------------------------------- */

static inline PyCodeObject *
hg_py_frame_code (PyFrameObject *frame)
{
  return frame->f_frame->f_code;
}

static inline PyObject **
hg_py_frame_localsplus (PyFrameObject *frame)
{
  return frame->f_frame->localsplus;
}

static inline PyObject *
hg_py_frame_locals_dict (PyFrameObject *frame)
{
  return frame->f_frame->f_locals;
}

static inline PyObject *
hg_py_frame_globals (PyFrameObject *frame)
{
  return frame->f_frame->f_globals;
}

static inline PyObject *
hg_py_frame_builtins (PyFrameObject *frame)
{
  return frame->f_frame->f_builtins;
}

/* The code unit the frame is at: about to run at a line event, running at a call it makes. */
static inline int
hg_py_frame_lasti (PyFrameObject *frame)
{
  return _PyInterpreterFrame_LASTI (frame->f_frame);
}

/* Where the frame is now: its line, or the first line of a body that has not started. */
static inline int
hg_py_frame_line (PyFrameObject *frame)
{
  int line = frame->f_lineno ? frame->f_lineno : PyFrame_GetLineNumber (frame);
  return line > 0 ? line : frame->f_frame->f_code->co_firstlineno;
}

/* Memory CPython allocates only because a trace function is set: the frame object handed to it
 * and the code object's line array (made at its first traced event). A plain run has neither,
 * so tracemalloc must not count them (tracemalloc's own hook sits above ours: untrack them). */
static inline void
hg_py_untrace_tracing_memory (PyFrameObject *frame)
{
  PyCodeObject *code = frame->f_frame->f_code;
  PyTraceMalloc_Untrack (0, hg_py_block_of ((PyObject *)frame));
  if (code->_co_linearray)
    PyTraceMalloc_Untrack (0, (uintptr_t)code->_co_linearray);
}

/* A number that changes whenever a thread state is made, plus one while another thread exists:
 * the program's other threads are not traced, so what they change is found by looking at
 * everything (a thread may start and end between two steps). */
static inline uint64_t
hg_py_threads_stamp (PyThreadState *main)
{
  PyInterpreterState *interp = main->interp;
  int others = interp->threads.head != main || main->next != NULL;
  return interp->threads.next_unique_id * 2 + (uint64_t)others;
}

/* ---- code objects ------------------------------------------------------------------------- */

static inline const _Py_CODEUNIT *
hg_py_code_units (PyCodeObject *code)
{
  return _PyCode_CODE (code);
}

static inline Py_ssize_t
hg_py_code_n_units (PyCodeObject *code)
{
  return Py_SIZE (code);
}

static inline int
hg_py_deopt (int opcode)
{
  return _PyOpcode_Deopt[opcode];
}

static inline int
hg_py_n_caches (int base_opcode)
{
  return _PyOpcode_Caches[base_opcode];
}

static inline const uint8_t *
hg_py_localsplus_kinds (PyCodeObject *code)
{
  return (const uint8_t *)PyBytes_AS_STRING (code->co_localspluskinds);
}

/* The __call__ a Python class defines (a function), or NULL. The name is the key type's own dict
 * holds (no string is made; _Py_ID would copy all of _PyRuntime into the executable). */
static inline PyObject *
hg_py_python_call_method (PyTypeObject *tp)
{
  static PyObject *call_name;
  if (!call_name)
    {
      Py_ssize_t pos = 0;
      PyObject *key, *value;
      while (PyDict_Next (PyType_Type.tp_dict, &pos, &key, &value))
        if (PyUnicode_Check (key) && PyUnicode_CompareWithASCIIString (key, "__call__") == 0)
          {
            call_name = key;
            break;
          }
      if (!call_name)
        return NULL;
    }
  PyObject *f = _PyType_Lookup (tp, call_name);
  return f && PyFunction_Check (f) ? f : NULL;
}

/* ---- dicts -------------------------------------------------------------------------------- */

static inline uint64_t
hg_py_dict_version (PyObject *d)
{
  return ((PyDictObject *)d)->ma_version_tag;
}

/* Key and value at entry `ix` of a dict with a combined table (no split values). */
static inline void
hg_py_dict_entry (PyObject *d, Py_ssize_t ix, PyObject **key, PyObject **value)
{
  PyDictKeysObject *keys = ((PyDictObject *)d)->ma_keys;
  if (DK_IS_UNICODE (keys))
    {
      *key = DK_UNICODE_ENTRIES (keys)[ix].me_key;
      *value = DK_UNICODE_ENTRIES (keys)[ix].me_value;
    }
  else
    {
      *key = DK_ENTRIES (keys)[ix].me_key;
      *value = DK_ENTRIES (keys)[ix].me_value;
    }
}

/* The entries array of a combined table and the size of one entry. */
static inline const void *
hg_py_dict_entries (PyDictKeysObject *keys, size_t *entry_size)
{
  if (DK_IS_UNICODE (keys))
    {
      *entry_size = sizeof (PyDictUnicodeEntry);
      return DK_UNICODE_ENTRIES (keys);
    }
  *entry_size = sizeof (PyDictKeyEntry);
  return DK_ENTRIES (keys);
}

static inline PyDictKeysObject *
hg_py_dict_keys (PyObject *d)
{
  return ((PyDictObject *)d)->ma_values ? NULL : ((PyDictObject *)d)->ma_keys;
}

/* The value of `key` in `d` when it can be found without running any Python code (an exact str
 * or int key, compared only with keys of builtin types). 1 found, 0 absent, -1 cannot tell. */
int hg_py_dict_lookup_pure (PyObject *d, PyObject *key, PyObject **value);

/* Instance attributes kept inline (no __dict__ materialised yet): the values array or NULL. */
static inline PyDictValues *
hg_py_inline_values (PyObject *v)
{
  if (!(Py_TYPE (v)->tp_flags & Py_TPFLAGS_MANAGED_DICT))
    return NULL;
  return *_PyObject_ValuesPointer (v);
}

/* The instance __dict__ if one exists (never creates it). */
static inline PyObject *
hg_py_instance_dict (PyObject *v)
{
  PyTypeObject *tp = Py_TYPE (v);
  if (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT)
    return *_PyObject_ManagedDictPointer (v);
  if (tp->tp_dictoffset)
    {
      PyObject **ptr = _PyObject_GetDictPtr (v);
      return ptr ? *ptr : NULL;
    }
  return NULL;
}

/* Shared keys of a class's instances and the insertion order of one instance's inline values. */
static inline PyDictKeysObject *
hg_py_cached_keys (PyTypeObject *tp)
{
  return ((PyHeapTypeObject *)tp)->ht_cached_keys;
}

static inline int
hg_py_inline_used (PyDictValues *values)
{
  return ((uint8_t *)values)[-2];
}

static inline int
hg_py_inline_order (PyDictValues *values, int i)
{
  return ((uint8_t *)values)[-3 - i];
}

static inline PyObject *
hg_py_shared_key (PyDictKeysObject *keys, int ix)
{
  return ix < keys->dk_nentries ? DK_UNICODE_ENTRIES (keys)[ix].me_key : NULL;
}

/* A value stored in a __slots__ member (T_OBJECT_EX) or NULL when unset. */
static inline PyObject *
hg_py_member_value (PyObject *v, PyMemberDef *m)
{
  return *(PyObject **)((char *)v + m->offset);
}

static inline PyMemberDef *
hg_py_heap_members (PyTypeObject *tp)
{
  /* the member array follows the heap type object (PyHeapType_GET_MEMBERS in typeobject.c) */
  return (PyMemberDef *)((char *)tp + Py_TYPE (tp)->tp_basicsize);
}

/* ---- collections.deque (Modules/_collectionsmodule.c: its blocks are not in any header) ---- */

#define HG_DEQUE_BLOCKLEN 64

typedef struct HgDequeBlock
{
  struct HgDequeBlock *leftlink;
  PyObject *data[HG_DEQUE_BLOCKLEN];
  struct HgDequeBlock *rightlink;
} HgDequeBlock;

typedef struct
{
  PyObject_VAR_HEAD HgDequeBlock *leftblock;
  HgDequeBlock *rightblock;
  Py_ssize_t leftindex;
  Py_ssize_t rightindex;
  size_t state; /* moves whenever the deque changes */
  Py_ssize_t maxlen;
} HgDequeObject;

/* Whether tp is collections.deque or a class derived from it (found by name: importing
 * collections ourselves would show in the program's sys.modules). */
static inline int
hg_py_is_deque (PyTypeObject *tp)
{
  static PyTypeObject *deque_type;
  for (PyTypeObject *t = tp; t; t = t->tp_base)
    {
      if (t->tp_flags & Py_TPFLAGS_HEAPTYPE)
        continue;
      if (deque_type)
        return t == deque_type;
      if (strcmp (t->tp_name, "collections.deque") == 0)
        {
          deque_type = t;
          return 1;
        }
      return 0;
    }
  return 0;
}
