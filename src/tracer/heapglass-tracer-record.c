/* heapglass-tracer-record.c: the C trace function. Dispatches each event to record_call /
 * record_line / record_return / record_exception; a step re-reads the frame that ran since the
 * previous step (its names, and the objects its line may have changed, from the line's bytecode
 * targets), and the trace gets only what changed. Never raises, never keeps a reference to a
 * program object, never runs the program's code. */
#include "heapglass-tracer-record-private.h"

#include <stdio.h>

HgRecorder hg_rec;

/* ---- code objects: "is this user code?", cached in the identity table --------------------- */

static HgCodeInfo *
code_info (PyCodeObject *code, int *is_user)
{
  uintptr_t key = hg_py_block_of ((PyObject *)code);
  HgIdSlot *s = hg_id_find (key);
  *is_user = 0;
  if (s && s->info && HG_INFO (s->info)->what == HG_INFO_CODE)
    {
      HgInfo *in = HG_INFO (s->info);
      *is_user = in->code != NULL;
      return in->code;
    }
  if (s)
    hg_note_block_death (key); /* an object we never saw die used to live here */
  s = hg_id_insert (key);
  if (!s)
    return NULL;
  uint32_t index = hg_info_new ();
  if (!index)
    return NULL;
  s = hg_id_find (key);
  s->info = index;
  HgInfo *in = HG_INFO (index);
  in->what = HG_INFO_CODE;
  int user = hg_tracer.script && PyUnicode_Check (code->co_filename)
             && PyUnicode_Compare (code->co_filename, hg_tracer.script) == 0;
  if (PyErr_Occurred ())
    PyErr_Clear ();
  if (user)
    {
      in->code = hg_code_analyse (code);
      if (!in->code)
        hg_rec.out_of_memory = 1;
    }
  *is_user = in->code != NULL;
  return in->code;
}

/* ---- steps -------------------------------------------------------------------------------- */

static uint64_t epoch_at_last_step;
static uint64_t threads_at_last_step;

static void
begin_step (void)
{
  hg_rec.cur_step = hg_tracer.steps + 1;
  while (hg_rec.pending_pops)
    {
      hg_emit_frame_pop ();
      hg_rec.pending_pops--;
    }
  for (size_t i = 0; i < hg_rec.n_pending_frees; i++)
    hg_emit_free (hg_rec.pending_frees[i]);
  hg_rec.n_pending_frees = 0;
  if (hg_tracer.output_pending)
    hg_output_collect ();
}

/* The frame that ran since the previous step: its rebinds, then what its line may have changed.
 * Also the module's globals, which any function may set. */
static int
record_ran_frame (void)
{
  int sweep = 0;
  int r = hg_rec.ran_frame;
  if (r >= 0 && (uint32_t)r < hg_rec.depth)
    {
      HgShadowFrame *sf = &hg_rec.stack[r];
      hg_stack_diff ((uint32_t)r);
      /* the code that ran: from where the frame was to where it is, within its line; when the
       * line loops (a backward jump after where it was), the rest of the line */
      const HgLineTargets *lt = hg_code_line (sf->ci, sf->line);
      int now = hg_py_frame_lasti (sf->frame);
      int to = now >= sf->lasti && !(lt && lt->back_jump >= sf->lasti) ? now : INT32_MAX;
      if (!hg_obj_check_line_targets (sf, lt, sf->lasti, to))
        sweep = 1;
      sf->line = hg_py_frame_line (sf->frame);
      sf->lasti = now;
    }
  if (hg_rec.depth > 0 && r != 0 && hg_rec.stack[0].is_ns)
    hg_stack_diff (0);
  return sweep;
}

static void
end_step (HgRecord rec, int line, int sweep)
{
  HgBuf *b = &hg_tracer.buf;
  if (hg_rec.frees_epoch != epoch_at_last_step && hg_obj_check_weakrefs ())
    sweep = 1;
  uint64_t threads = hg_py_threads_stamp (hg_tracer.main_tstate);
  if (threads != threads_at_last_step || (threads & 1))
    sweep = 1; /* another thread ran, or may have */
  threads_at_last_step = threads;
  if (sweep)
    hg_stack_check_all ();
  epoch_at_last_step = hg_rec.frees_epoch;
  hg_obj_drain ();
  if (hg_rec.out_of_memory || b->failed)
    {
      /* drop this step's half-made records; the stream ends after the previous step */
      b->failed = 0;
      b->len = hg_tracer.committed;
      hg_finish (HG_END_MEMORY_LIMIT, 1, 0, "MemoryError: the tracer ran out of memory", 0);
    }
  hg_emit_step (rec, line);
  hg_rec.ran_frame = (int)hg_rec.depth - 1;
  hg_tracer.steps++;
  hg_check_limits_after_step ();
}

static void emit_exception (PyObject *arg);

/* A user frame that is not on the shadow stack: a call, or a generator resumed. */
static void
record_call (PyFrameObject *frame, PyCodeObject *code, HgCodeInfo *ci, int what)
{
  begin_step ();
  int sweep = record_ran_frame ();
  int caller_line = hg_rec.depth ? hg_py_frame_line (hg_rec.stack[hg_rec.depth - 1].frame) : 0;
  HgShadowFrame *sf = hg_stack_push (frame, code, ci);
  if (!sf)
    {
      end_step (HG_REC_STEP_CALL, 0, 0);
      return;
    }
  hg_emit_frame_push (ci->func_sid, code->co_firstlineno, caller_line);
  if (hg_rec.depth == 1)
    hg_tracer.module_started = 1;
  hg_stack_diff (hg_rec.depth - 1);
  end_step (what == PyTrace_CALL ? HG_REC_STEP_CALL : HG_REC_STEP_LINE, sf->line, sweep);
}

static void
record_line (PyFrameObject *frame)
{
  begin_step ();
  int sweep = record_ran_frame ();
  hg_stack_diff (hg_rec.depth - 1); /* the frame at this event, if another one ran */
  end_step (HG_REC_STEP_LINE, hg_py_frame_line (frame), sweep);
}

static void
record_return (PyFrameObject *frame, PyObject *value)
{
  begin_step ();
  int sweep = record_ran_frame ();
  int line = hg_py_frame_line (frame);
  /* CPython passes NULL while an exception unwinds the frame; Python code sees None */
  uint32_t returned = hg_obj_ref (value ? value : Py_None);
  if (returned)
    {
      hg_buf_byte (&hg_tracer.buf, HG_REC_RETURN_VALUE);
      hg_buf_varint (&hg_tracer.buf, returned);
    }
  hg_rec.depth--;
  if (hg_rec.stack[hg_rec.depth].ci->has_cells)
    hg_rec.n_cell_frames--;
  hg_rec.pending_pops++;
  end_step (HG_REC_STEP_RETURN, line, sweep);
}

static void
record_exception (PyFrameObject *frame, PyObject *arg)
{
  begin_step ();
  int sweep = record_ran_frame ();
  hg_stack_diff (hg_rec.depth - 1);
  emit_exception (arg);
  end_step (HG_REC_STEP_EXCEPTION, hg_py_frame_line (frame), sweep);
}

/* ---- exceptions --------------------------------------------------------------------------- */

/* Whether the type's str() is CPython's own (no __str__ of the program's in its classes). */
static int
str_is_builtin (PyTypeObject *tp)
{
  PyTypeObject *base = tp;
  while (base && (base->tp_flags & Py_TPFLAGS_HEAPTYPE))
    base = base->tp_base;
  return base && tp->tp_str == base->tp_str;
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

/* The fields that CPython's own str() of these exceptions formats besides args: OSError's errno,
 * strerror and filenames (repr() of a filename may be the program's), SyntaxError's msg and
 * position, UnicodeError's object, encoding and reason. Any other builtin exception formats its
 * args only. */
static int
fields_are_plain (PyObject *value)
{
  if (PyObject_TypeCheck (value, (PyTypeObject *)PyExc_OSError))
    {
      PyOSErrorObject *e = (PyOSErrorObject *)value;
      return args_are_plain (e->myerrno, 0) && args_are_plain (e->strerror, 0)
             && args_are_plain (e->filename, 0) && args_are_plain (e->filename2, 0);
    }
  if (PyObject_TypeCheck (value, (PyTypeObject *)PyExc_SyntaxError))
    {
      PySyntaxErrorObject *e = (PySyntaxErrorObject *)value;
      return args_are_plain (e->msg, 0) && args_are_plain (e->filename, 0)
             && args_are_plain (e->lineno, 0);
    }
  if (PyObject_TypeCheck (value, (PyTypeObject *)PyExc_UnicodeError))
    {
      PyUnicodeErrorObject *e = (PyUnicodeErrorObject *)value;
      return args_are_plain (e->object, 0) && args_are_plain (e->encoding, 0)
             && args_are_plain (e->reason, 0);
    }
  return 1;
}

/* A plain value cut to what a message shows: str() of an exception formats its args with repr()
 * when there are several (and KeyError always), which costs the whole of a 100 MB string for a
 * message we keep 2,000 characters of. The first 2,000 characters come out the same. */
#define MESSAGE_CHARS 2000

static PyObject *
cut_value (PyObject *v)
{
  if (PyUnicode_CheckExact (v) && PyUnicode_GET_LENGTH (v) > MESSAGE_CHARS + 8)
    return PyUnicode_Substring (v, 0, MESSAGE_CHARS + 8);
  if (PyBytes_CheckExact (v) && PyBytes_GET_SIZE (v) > MESSAGE_CHARS + 8)
    return PyBytes_FromStringAndSize (PyBytes_AS_STRING (v), MESSAGE_CHARS + 8);
  if (PyTuple_CheckExact (v))
    {
      Py_ssize_t n = PyTuple_GET_SIZE (v);
      PyObject *t = PyTuple_New (n);
      for (Py_ssize_t i = 0; t && i < n; i++)
        {
          PyObject *item = cut_value (PyTuple_GET_ITEM (v, i));
          if (!item)
            {
              Py_CLEAR (t);
              break;
            }
          PyTuple_SET_ITEM (t, i, item);
        }
      return t;
    }
  return Py_NewRef (v);
}

/* str(value) at a cost bounded by what is kept (args are plain: checked by the caller). */
static PyObject *
bounded_str (PyObject *value)
{
  PyBaseExceptionObject *e = (PyBaseExceptionObject *)value;
  PyObject *args = e->args;
  if (!args || !PyTuple_CheckExact (args))
    return PyObject_Str (value);
  PyObject *cut = cut_value (args);
  if (!cut)
    return NULL;
  if (cut == args)
    {
      Py_DECREF (cut);
      return PyObject_Str (value);
    }
  /* str() of the exception with the cut args in place, then the real ones back */
  e->args = cut;
  PyObject *s = PyObject_Str (value);
  e->args = args;
  Py_DECREF (cut);
  return s;
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
  if (!str_is_builtin (tp) || !args_are_plain (((PyBaseExceptionObject *)value)->args, 0)
      || !fields_are_plain (value))
    return; /* the program's own __str__/__repr__ runs when CPython prints the traceback, not before
             */
  PyObject *exc_type, *exc_value, *exc_tb;
  PyErr_Fetch (&exc_type, &exc_value, &exc_tb);
  PyObject *args = ((PyBaseExceptionObject *)value)->args, *s;
  if (tp->tp_str == ((PyTypeObject *)PyExc_BaseException)->tp_str && args
      && PyTuple_CheckExact (args) && PyTuple_GET_SIZE (args) == 1
      && PyUnicode_CheckExact (PyTuple_GET_ITEM (args, 0)))
    {
      /* BaseException's str() of one str is that str: taken without a call, which would fail at
       * the recursion limit (RecursionError's own message would be lost) */
      s = PyTuple_GET_ITEM (args, 0);
      Py_INCREF (s);
    }
  else
    s = bounded_str (value);
  if (s && PyUnicode_Check (s))
    {
      Py_ssize_t n = PyUnicode_GET_LENGTH (s);
      char *out = malloc ((size_t)(n > 2000 ? 2000 : n) * 4 + 1);
      if (out)
        {
          size_t len = hg_str_prefix_utf8 (s, 2000, out);
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

static void
pop_to (uint32_t k)
{
  while (hg_rec.depth > k)
    {
      hg_rec.depth--;
      if (hg_rec.stack[hg_rec.depth].ci->has_cells)
        hg_rec.n_cell_frames--;
      hg_rec.pending_pops++;
    }
}

int
hg_record_trace (PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
  if (!hg_tracer.recording || hg_tracer.forked_child)
    return hg_tracer.prog_trace && !hg_tracer.forked_child ? call_program_trace (frame, what, arg)
                                                           : 0;
  hg_trace_enter ();
  if (what == PyTrace_CALL)
    hg_py_untrace_tracing_memory (frame);

  HgShadowFrame *top = hg_rec.depth ? &hg_rec.stack[hg_rec.depth - 1] : NULL;
  if (!(top && top->frame == frame))
    {
      /* not the frame we are in: a call, or a frame we do not record */
      PyCodeObject *code = hg_py_frame_code (frame);
      int is_user;
      HgCodeInfo *ci = code_info (code, &is_user);
      if (!is_user)
        {
          if (what == PyTrace_CALL && !hg_tracer.prog_trace)
            frame->f_trace_lines = 0; /* no line events for library code */
          goto out;
        }
      if (what != PyTrace_CALL)
        {
          /* resynchronise: pop frames whose return we missed, or adopt this frame */
          uint32_t k = hg_rec.depth;
          while (k > 0 && hg_rec.stack[k - 1].frame != frame)
            k--;
          if (k > 0)
            pop_to (k);
          else
            {
              record_call (frame, code, ci, what);
              goto out;
            }
        }
      else
        {
          record_call (frame, code, ci, what);
          goto out;
        }
    }

  switch (what)
    {
    case PyTrace_RETURN:
      record_return (frame, arg);
      break;
    case PyTrace_EXCEPTION:
      record_exception (frame, arg);
      break;
    default:
      record_line (frame);
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
#ifdef HG_RECORD_STATS
  fprintf (stderr,
           "recorder: %llu checks, %llu sends, %llu sweeps, %llu new objects, %llu targets\n",
           (unsigned long long)hg_rec.stats.checks, (unsigned long long)hg_rec.stats.sends,
           (unsigned long long)hg_rec.stats.sweeps, (unsigned long long)hg_rec.stats.new_objects,
           (unsigned long long)hg_rec.stats.targets);
#endif
}

int
hg_record_init (void)
{
  hg_rec.ran_frame = -1;
  return hg_ids_init () && hg_scratch_reserve (2 * (size_t)hg_tracer.max_items + 2);
}
