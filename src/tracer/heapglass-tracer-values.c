/* heapglass-tracer-values.c: what an object is, read at C level: its kind, its size as
 * sys.getsizeof says (without a class's own __sizeof__), and the payload of its OBJ_NEW (ints from
 * their digits, str and bytes prefixes, names of functions, classes and modules, short reprs of a
 * few builtin types whose repr is CPython's own C code). */
#include "heapglass-tracer-record-private.h"

#include <stdio.h>

HgKind
hg_kind_of (PyObject *v, PyTypeObject *tp)
{
  if (tp == &PyLong_Type && Py_SIZE (v) >= -2 && Py_SIZE (v) <= 2)
    return HG_KIND_INT; /* two 30-bit digits fit in 64 bits */
  if (v == Py_None)
    return HG_KIND_NONE;
  if (PyBool_Check (v))
    return HG_KIND_BOOL;
  if (PyLong_Check (v))
    {
      int overflow = 0;
      PyLong_AsLongLongAndOverflow (v, &overflow);
      return overflow ? HG_KIND_BIGINT : HG_KIND_INT;
    }
  if (PyFloat_Check (v))
    return HG_KIND_FLOAT;
  if (PyUnicode_Check (v))
    return HG_KIND_STR;
  if (PyBytes_Check (v))
    return HG_KIND_BYTES;
  if (PyList_Check (v) || hg_py_is_deque (tp))
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

/* As sys.getsizeof, computed in C (a class's own __sizeof__ is not consulted). */
uint64_t
hg_size_of (PyObject *v, PyTypeObject *tp)
{
  Py_ssize_t s;
  if (tp == &PyLong_Type)
    {
      Py_ssize_t d = Py_SIZE (v) < 0 ? -Py_SIZE (v) : Py_SIZE (v);
      return (uint64_t)offsetof (PyLongObject, ob_digit) + (d ? d : 1) * sizeof (digit);
    }
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
      PyCodeObject *code = (PyCodeObject *)((PyGenObject *)v)->gi_code;
      s = (Py_ssize_t)(offsetof (PyGenObject, gi_iframe)
                       + offsetof (_PyInterpreterFrame, localsplus));
      if (code)
        s += (code->co_nlocalsplus + code->co_stacksize) * (Py_ssize_t)sizeof (PyObject *);
    }
  else if (tp->tp_itemsize && (PyTuple_Check (v) || PyBytes_Check (v)))
    s = tp->tp_basicsize + tp->tp_itemsize * Py_SIZE (v);
  else
    s = tp->tp_basicsize;
  return (uint64_t)s + hg_py_preheader (tp);
}

static const char *
qualname_of (PyObject *v, char *tmp, size_t tmp_len)
{
  PyObject *name = NULL, *owned = NULL;
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
      owned = PyModule_GetNameObject (v); /* a dict lookup with an interned key */
      if (!owned)
        PyErr_Clear ();
      name = owned;
    }
  const char *result = "?";
  if (name && PyUnicode_Check (name))
    {
      size_t n = hg_str_prefix_utf8 (name, (Py_ssize_t)(tmp_len / 4 - 1), tmp);
      tmp[n] = 0;
      result = tmp;
    }
  Py_XDECREF (owned);
  return result;
}

/* Decimal digits of a big int, from its 30-bit digits (no Python object is made). */
static void
emit_bigint (HgBuf *b, PyObject *v)
{
  Py_ssize_t n = Py_SIZE (v) < 0 ? -Py_SIZE (v) : Py_SIZE (v);
  const digit *src = ((PyLongObject *)v)->ob_digit;
  if (n > 4000)
    {
      char tmp[64];
      snprintf (tmp, sizeof tmp, "<int of %lld bits>", (long long)n * PyLong_SHIFT);
      hg_buf_string (b, tmp);
      return;
    }
  uint32_t *work = malloc ((size_t)n * sizeof (uint32_t));
  char *out = malloc ((size_t)n * 10 + 16);
  if (!work || !out)
    {
      free (work);
      free (out);
      hg_buf_string (b, "?");
      return;
    }
  for (Py_ssize_t i = 0; i < n; i++)
    work[i] = src[i];
  size_t o = 0;
  Py_ssize_t len = n;
  while (len > 0)
    {
      /* divide by 10^9, most significant digit first */
      uint64_t rem = 0;
      for (Py_ssize_t i = len - 1; i >= 0; i--)
        {
          uint64_t cur = (rem << PyLong_SHIFT) | work[i];
          work[i] = (uint32_t)(cur / 1000000000u);
          rem = cur % 1000000000u;
        }
      while (len > 0 && work[len - 1] == 0)
        len--;
      for (int k = 0; k < 9 && (len > 0 || rem); k++)
        {
          out[o++] = (char)('0' + rem % 10);
          rem /= 10;
        }
    }
  if (o == 0)
    out[o++] = '0';
  if (Py_SIZE (v) < 0)
    out[o++] = '-';
  for (size_t i = 0; i < o / 2; i++)
    {
      char c = out[i];
      out[i] = out[o - 1 - i];
      out[o - 1 - i] = c;
    }
  hg_buf_bytes (b, out, o);
  free (work);
  free (out);
}

void
hg_emit_payload (HgBuf *b, PyObject *v, PyTypeObject *tp, HgKind kind)
{
  char tmp[4 * HG_TEXT_PREFIX + 64];
  switch (kind)
    {
    case HG_KIND_BOOL:
      hg_buf_byte (b, v == Py_True);
      break;
    case HG_KIND_INT:
      {
        Py_ssize_t n = Py_SIZE (v);
        if (n >= -2 && n <= 2)
          {
            const digit *d = ((PyLongObject *)v)->ob_digit;
            int64_t x
                = n == 0 ? 0
                         : (int64_t)d[0] | (n == 2 || n == -2 ? (int64_t)d[1] << PyLong_SHIFT : 0);
            hg_buf_zigzag (b, n < 0 ? -x : x);
          }
        else
          {
            int overflow = 0;
            hg_buf_zigzag (b, PyLong_AsLongLongAndOverflow (v, &overflow));
          }
        break;
      }
    case HG_KIND_BIGINT:
      emit_bigint (b, v);
      break;
    case HG_KIND_FLOAT:
      hg_buf_double (b, PyFloat_AS_DOUBLE (v));
      break;
    case HG_KIND_STR:
      {
        size_t n = hg_str_prefix_utf8 (v, HG_TEXT_PREFIX, tmp);
        hg_buf_varint (b, (uint64_t)PyUnicode_GET_LENGTH (v)); /* len(), in code points */
        hg_buf_bytes (b, tmp, n);
        break;
      }
    case HG_KIND_BYTES:
      {
        Py_ssize_t n = PyBytes_GET_SIZE (v);
        hg_buf_varint (b, (uint64_t)n);
        hg_buf_bytes (b, PyBytes_AS_STRING (v), (size_t)(n > HG_TEXT_PREFIX ? HG_TEXT_PREFIX : n));
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
            size_t n = q && PyUnicode_Check (q) ? hg_str_prefix_utf8 (q, 60, name) : 0;
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
            size_t n = r && PyUnicode_Check (r) ? hg_str_prefix_utf8 (r, 200, tmp) : 0;
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
