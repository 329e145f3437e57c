/* heapglass-tracer-targets.c: after a line ran, finds the objects it may have changed by
 * evaluating the line's target expressions (heapglass-tracer-code.c) against the frame: names,
 * attributes and items, read at C level only (dict probes, inline values, slot members), never by
 * running the program's code. What cannot be found that way is answered "unknown": the caller
 * then re-checks everything shown. */
#include "heapglass-tracer-record-private.h"

/* ---- pure dict lookup --------------------------------------------------------------------- */

static Py_ssize_t
index_at (PyDictKeysObject *keys, size_t i)
{
  int log2size = keys->dk_log2_size;
  if (log2size < 8)
    return ((const int8_t *)keys->dk_indices)[i];
  if (log2size < 16)
    return ((const int16_t *)keys->dk_indices)[i];
  if (log2size >= 32)
    return (Py_ssize_t)((const int64_t *)keys->dk_indices)[i];
  return ((const int32_t *)keys->dk_indices)[i];
}

static int
str_equal (PyObject *a, PyObject *b)
{
  Py_ssize_t n = PyUnicode_GET_LENGTH (a);
  if (n != PyUnicode_GET_LENGTH (b) || PyUnicode_KIND (a) != PyUnicode_KIND (b))
    return 0;
  return memcmp (PyUnicode_DATA (a), PyUnicode_DATA (b), (size_t)n * PyUnicode_KIND (a)) == 0;
}

/* Whether two keys with equal hashes are equal, when only C code of builtin types decides it:
 * 1 yes, 0 no, -1 it would take the program's own __eq__. */
static int
keys_equal (PyObject *stored, PyObject *key)
{
  if (stored == key)
    return 1;
  PyTypeObject *st = Py_TYPE (stored);
  if (PyUnicode_CheckExact (key))
    return PyUnicode_CheckExact (stored) ? str_equal (stored, key)
                                         : (st->tp_flags & Py_TPFLAGS_HEAPTYPE ? -1 : 0);
  if (st->tp_flags & Py_TPFLAGS_HEAPTYPE)
    return -1;
  if (st != &PyLong_Type && st != &PyFloat_Type && st != &PyBool_Type)
    return 0; /* an int never equals a str, tuple, … of a builtin type */
  int r = PyObject_RichCompareBool (stored, key, Py_EQ); /* int/float/bool: C only */
  if (r < 0)
    {
      PyErr_Clear ();
      return -1;
    }
  return r;
}

int
hg_py_dict_lookup_pure (PyObject *d, PyObject *key, PyObject **value)
{
  Py_hash_t hash;
  if (PyUnicode_CheckExact (key))
    {
      hash = ((PyASCIIObject *)key)->hash;
      if (hash == -1)
        hash = PyUnicode_Type.tp_hash (key);
    }
  else if (PyLong_CheckExact (key))
    hash = PyLong_Type.tp_hash (key);
  else
    return -1;
  if (hash == -1)
    {
      PyErr_Clear ();
      return -1;
    }
  PyDictObject *mp = (PyDictObject *)d;
  PyDictKeysObject *keys = mp->ma_keys;
  size_t mask = ((size_t)1 << keys->dk_log2_size) - 1;
  size_t perturb = (size_t)hash;
  size_t i = (size_t)hash & mask;
  int unicode = DK_IS_UNICODE (keys);
  if (unicode && !PyUnicode_CheckExact (key))
    return 0; /* a table of str keys only */
  for (size_t probes = 0; probes <= mask + 1; probes++)
    {
      Py_ssize_t ix = index_at (keys, i);
      if (ix == DKIX_EMPTY)
        return 0;
      if (ix >= 0)
        {
          PyObject *stored;
          int eq;
          if (unicode)
            {
              PyDictUnicodeEntry *ep = &DK_UNICODE_ENTRIES (keys)[ix];
              stored = ep->me_key;
              eq = stored == key
                   || (((PyASCIIObject *)stored)->hash == hash && str_equal (stored, key));
              if (eq)
                {
                  *value = mp->ma_values ? mp->ma_values->values[ix] : ep->me_value;
                  return *value != NULL;
                }
            }
          else
            {
              PyDictKeyEntry *ep = &DK_ENTRIES (keys)[ix];
              stored = ep->me_key;
              if (stored == key || ep->me_hash == hash)
                {
                  eq = keys_equal (stored, key);
                  if (eq < 0)
                    return -1;
                  if (eq)
                    {
                      *value = ep->me_value;
                      return *value != NULL;
                    }
                }
            }
        }
      perturb >>= 5;
      i = (i * 5 + perturb + 1) & mask;
    }
  return 0;
}

/* ---- pure attribute lookup ---------------------------------------------------------------- */

typedef enum
{
  FOUND,
  ABSENT, /* nothing there: nothing to check */
  OPAQUE, /* a property, __getattr__, …: only running code could tell */
} Lookup;

static Lookup
instance_attr (PyObject *obj, PyObject *name, PyObject **out)
{
  PyDictValues *values = hg_py_inline_values (obj);
  if (values)
    {
      PyDictKeysObject *keys = hg_py_cached_keys (Py_TYPE (obj));
      if (!keys)
        return ABSENT;
      for (Py_ssize_t ix = 0; ix < keys->dk_nentries; ix++)
        {
          PyObject *k = hg_py_shared_key (keys, (int)ix);
          if (k && (k == name || str_equal (k, name)))
            {
              *out = values->values[ix];
              return *out ? FOUND : ABSENT;
            }
        }
      return ABSENT;
    }
  PyObject *dict = hg_py_instance_dict (obj);
  if (dict && PyDict_Check (dict))
    {
      int r = hg_py_dict_lookup_pure (dict, name, out);
      return r > 0 ? FOUND : r == 0 ? ABSENT : OPAQUE;
    }
  return ABSENT;
}

static Lookup
getattr_pure (PyObject *obj, PyObject *name, PyObject **out)
{
  PyTypeObject *tp = Py_TYPE (obj);
  if (!PyUnicode_CheckExact (name))
    return OPAQUE;
  if (PyUnicode_CompareWithASCIIString (name, "__class__") == 0)
    {
      *out = (PyObject *)tp;
      return FOUND;
    }
  if (PyModule_CheckExact (obj))
    {
      PyObject *d = PyModule_GetDict (obj);
      int r = d ? hg_py_dict_lookup_pure (d, name, out) : 0;
      return r > 0 ? FOUND : r == 0 ? ABSENT : OPAQUE;
    }
  if (PyType_Check (obj))
    {
      /* a class attribute: the class's own or an inherited one, as stored */
      PyObject *v = _PyType_Lookup ((PyTypeObject *)obj, name);
      if (!v)
        return ABSENT;
      if (Py_TYPE (v)->tp_descr_get && !PyFunction_Check (v))
        return OPAQUE; /* classmethod, property on a metaclass, … */
      *out = v;
      return FOUND;
    }
  if (tp->tp_getattro != PyObject_GenericGetAttr)
    return OPAQUE; /* __getattr__ / __getattribute__ of the program's own */
  PyObject *descr = _PyType_Lookup (tp, name);
  if (descr)
    {
      PyTypeObject *dt = Py_TYPE (descr);
      if (dt == &PyMemberDescr_Type)
        {
          PyMemberDef *m = ((PyMemberDescrObject *)descr)->d_member;
          if (m->type != T_OBJECT_EX && m->type != T_OBJECT)
            return ABSENT;
          *out = hg_py_member_value (obj, m);
          return *out ? FOUND : ABSENT;
        }
      if (dt->tp_descr_set)
        return OPAQUE; /* a property or another data descriptor */
    }
  Lookup r = instance_attr (obj, name, out);
  if (r != ABSENT)
    return r;
  if (descr)
    {
      if (PyFunction_Check (descr) || Py_TYPE (descr)->tp_descr_get)
        {
          /* a method, bound on the fly: what it may change is its receiver (map(lst.append, …)) */
          *out = obj;
          return FOUND;
        }
      *out = descr; /* a class attribute read through the instance */
      return FOUND;
    }
  return ABSENT;
}

/* ---- evaluation --------------------------------------------------------------------------- */

static Lookup
lookup_name (PyObject *ns, PyObject *name, PyObject **out)
{
  if (!ns || !PyDict_Check (ns))
    return ns ? OPAQUE : ABSENT;
  int r = hg_py_dict_lookup_pure (ns, name, out);
  return r > 0 ? FOUND : r == 0 ? ABSENT : OPAQUE;
}

/* A name in the first namespace it is looked up in, through the entry it was found at last time
 * when that entry still holds it (a step's names are mostly the same few). */
static Lookup
lookup_name_hinted (HgExpr *e, PyObject *ns, PyObject *name, PyObject **out)
{
  if (!ns || !PyDict_CheckExact (ns))
    return lookup_name (ns, name, out);
  PyDictKeysObject *keys = hg_py_dict_keys (ns);
  if (keys && keys == e->hint_keys && e->hint_ix < keys->dk_nentries)
    {
      PyObject *key, *value;
      hg_py_dict_entry (ns, e->hint_ix, &key, &value);
      if (key == name && value)
        {
          *out = value;
          return FOUND;
        }
    }
  Lookup r = lookup_name (ns, name, out);
  if (r == FOUND && keys)
    {
      /* remember the entry: find its index (the lookup does not tell) */
      Py_ssize_t n = keys->dk_nentries;
      for (Py_ssize_t ix = 0; ix < n && ix < 64; ix++)
        {
          PyObject *key, *value;
          hg_py_dict_entry (ns, ix, &key, &value);
          if (key == name && value == *out)
            {
              e->hint_keys = keys;
              e->hint_ix = ix;
              break;
            }
        }
    }
  return r;
}

static Lookup
eval_expr (HgShadowFrame *sf, int32_t index, PyObject **out, int depth)
{
  HgExpr *e = &sf->ci->exprs[index];
  PyCodeObject *code = sf->code;
  PyObject *base, *key, *name;
  Lookup r;
  if (depth > 16)
    return OPAQUE;
  switch (e->op)
    {
    case HG_EX_FAST:
    case HG_EX_DEREF:
      if (e->a < 0 || e->a >= code->co_nlocalsplus)
        return OPAQUE;
      base = hg_py_frame_localsplus (sf->frame)[e->a];
      if (base && e->op == HG_EX_DEREF && PyCell_Check (base))
        base = PyCell_GET (base);
      if (!base)
        return ABSENT;
      *out = base;
      return FOUND;
    case HG_EX_GLOBAL:
    case HG_EX_NAME:
      if (e->a < 0 || e->a >= PyTuple_GET_SIZE (code->co_names))
        return OPAQUE;
      name = PyTuple_GET_ITEM (code->co_names, e->a);
      if (e->op == HG_EX_NAME && sf->is_ns)
        {
          r = lookup_name_hinted (e, hg_py_frame_locals_dict (sf->frame), name, out);
          if (r != ABSENT)
            return r;
          r = lookup_name (hg_py_frame_globals (sf->frame), name, out);
        }
      else
        r = lookup_name_hinted (e, hg_py_frame_globals (sf->frame), name, out);
      if (r != ABSENT)
        return r;
      return lookup_name (hg_py_frame_builtins (sf->frame), name, out);
    case HG_EX_ATTR:
      r = eval_expr (sf, e->a, &base, depth + 1);
      if (r != FOUND)
        return r;
      if (e->b < 0 || e->b >= PyTuple_GET_SIZE (code->co_names))
        return OPAQUE;
      return getattr_pure (base, PyTuple_GET_ITEM (code->co_names, e->b), out);
    case HG_EX_SUBSCR:
      r = eval_expr (sf, e->a, &base, depth + 1);
      if (r != FOUND)
        return r;
      if (eval_expr (sf, e->b, &key, depth + 1) != FOUND)
        return OPAQUE;
      if ((PyList_CheckExact (base) || PyTuple_CheckExact (base)) && PyLong_CheckExact (key))
        {
          Py_ssize_t n = Py_SIZE (base);
          Py_ssize_t i = PyLong_AsSsize_t (key);
          if (i == -1 && PyErr_Occurred ())
            {
              PyErr_Clear ();
              return ABSENT;
            }
          if (i < 0)
            i += n;
          if (i < 0 || i >= n)
            return ABSENT;
          *out = PyList_CheckExact (base) ? PyList_GET_ITEM (base, i) : PyTuple_GET_ITEM (base, i);
          return FOUND;
        }
      if (PyDict_CheckExact (base))
        {
          int found = hg_py_dict_lookup_pure (base, key, out);
          if (found >= 0)
            return found ? FOUND : ABSENT;
        }
      return OPAQUE; /* a slice, an unusual key, a class's own __getitem__ */
    case HG_EX_CONST:
      if (e->a < 0 || e->a >= PyTuple_GET_SIZE (code->co_consts))
        return OPAQUE;
      *out = PyTuple_GET_ITEM (code->co_consts, e->a);
      return FOUND;
    case HG_EX_KEPT:
      /* d.setdefault(k, []).append(v): the list is among what the dict shows; a receiver that
       * is not a builtin dict may have returned anything */
      r = eval_expr (sf, e->a, &base, depth + 1);
      if (r != FOUND)
        return r;
      if (!PyDict_Check (base) || (Py_TYPE (base)->tp_flags & Py_TPFLAGS_HEAPTYPE))
        return OPAQUE;
      *out = base;
      return FOUND;
    case HG_EX_FRESH:
    case HG_EX_NULL:
      return ABSENT;
    default:
      return OPAQUE;
    }
}

/* A call's callable: a bound method may change its receiver (fill(data.append)). Returns 0 when
 * the call may change what no target names: a partial or another C callable object holding its
 * own arguments, exec() and eval() running code that is not the script's. */
static int
check_callable (PyObject *v)
{
  if (PyFunction_Check (v) || PyType_Check (v))
    return 1; /* the script's functions are traced; a class makes a new object */
  if (PyMethod_Check (v))
    {
      hg_obj_check (PyMethod_GET_SELF (v));
      return 1;
    }
  if (PyCFunction_Check (v))
    {
      PyObject *self = PyCFunction_GET_SELF (v);
      if (self && PyModule_Check (self))
        {
          const char *name = ((PyCFunctionObject *)v)->m_ml->ml_name;
          return strcmp (name, "exec") != 0 && strcmp (name, "eval") != 0;
        }
      if (self)
        hg_obj_check (self);
      return 1;
    }
  if (hg_py_python_call_method (Py_TYPE (v)))
    {
      hg_obj_check (v); /* an instance with a __call__ in Python: it changes its own state */
      return 1;
    }
  return 0;
}

int
hg_obj_check_line_targets (HgShadowFrame *sf, const HgLineTargets *lt, int from, int to)
{
  if (!lt)
    return 1;
  if (lt->sweep)
    return 0;
  for (uint32_t k = lt->first; k < lt->first + lt->count; k++)
    {
      const HgTarget *t = &sf->ci->targets[k];
      PyObject *obj = NULL;
      if (t->hi < from || t->lo > to)
        continue; /* not among the instructions that ran */
      if (t->expr < 0)
        return 0;
      Lookup r = eval_expr (sf, t->expr, &obj, 0);
      HG_STAT (targets);
      if (r == OPAQUE)
        return 0;
      if (r != FOUND)
        continue;
      if (t->how == HG_TARGET_OPERAND)
        {
          /* builtin operators run C code that changes neither operand */
          if (Py_TYPE (obj)->tp_flags & Py_TPFLAGS_HEAPTYPE)
            {
              hg_obj_check (obj);
              hg_obj_check ((PyObject *)Py_TYPE (obj));
            }
          continue;
        }
      if (t->how == HG_TARGET_READ)
        {
          /* reading an item changes nothing but a dict subclass with __missing__ */
          if (PyDict_Check (obj) && !PyDict_CheckExact (obj))
            hg_obj_check (obj);
          continue;
        }
      if (t->how == HG_TARGET_CALLABLE)
        {
          if (!check_callable (obj))
            return 0;
          continue;
        }
      hg_obj_check (obj);
      /* a callable handed on may be called there: push = acc.append; list(map(push, …)) changes
       * acc, which the argument does not show */
      if (Py_TYPE (obj)->tp_call && !check_callable (obj))
        return 0;
    }
  return 1;
}
