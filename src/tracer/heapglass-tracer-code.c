/* heapglass-tracer-code.c: reads a user code object's bytecode once and keeps, per line, which
 * objects that line may change: containers it stores into or deletes from, objects whose
 * attributes it sets, receivers of method calls, and everything passed to a call (library code
 * may change what it is given: random.shuffle(deck), heapq.heappush(h, x)). Each is kept as a
 * small expression (a name, an attribute of one, an item of one) that the recorder evaluates after
 * the line ran, so a step re-checks what it touched and nothing else. A line whose targets cannot
 * be expressed (a method call on a call's result, merged control flow) is marked: after it, the
 * recorder checks everything shown. */
#define NEED_OPCODE_TABLES /* instantiates _PyOpcode_Caches and _PyOpcode_Deopt here */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-const-variable"
#pragma GCC diagnostic ignored "-Wunused-variable"
#include "heapglass-tracer-record-private.h"
#pragma GCC diagnostic pop

#include <opcode.h>

enum
{
  EX_IX_UNKNOWN = 0,
  EX_IX_FRESH = 1,
  EX_IX_CALL = 2,
  EX_IX_NULL = 3,
};

typedef struct
{
  int line;
  int offset;
  int32_t expr;
  uint8_t how;
} RawTarget;

typedef struct
{
  HgCodeInfo *ci;
  PyCodeObject *code;
  uint32_t cap_exprs;
  int32_t *stack;
  int depth, cap_stack;
  RawTarget *raw;
  uint32_t n_raw, cap_raw;
  int offset; /* of the instruction being analysed */
  int failed;
} Analysis;

static int32_t
expr_new (Analysis *an, uint8_t op, int32_t a, int32_t b)
{
  HgCodeInfo *ci = an->ci;
  if (ci->n_exprs == an->cap_exprs)
    {
      uint32_t cap = an->cap_exprs ? an->cap_exprs * 2 : 64;
      HgExpr *e = realloc (ci->exprs, cap * sizeof (HgExpr));
      if (!e)
        {
          an->failed = 1;
          return EX_IX_UNKNOWN;
        }
      ci->exprs = e;
      an->cap_exprs = cap;
    }
  HgExpr *e = &ci->exprs[ci->n_exprs];
  e->op = op;
  e->a = a;
  e->b = b;
  e->hint_keys = NULL;
  e->hint_ix = -1;
  return (int32_t)ci->n_exprs++;
}

static void
push (Analysis *an, int32_t expr)
{
  if (an->depth == an->cap_stack)
    {
      int cap = an->cap_stack ? an->cap_stack * 2 : 32;
      int32_t *s = realloc (an->stack, (size_t)cap * sizeof (int32_t));
      if (!s)
        {
          an->failed = 1;
          return;
        }
      an->stack = s;
      an->cap_stack = cap;
    }
  an->stack[an->depth++] = expr;
}

static int32_t
pop (Analysis *an)
{
  return an->depth > 0 ? an->stack[--an->depth] : EX_IX_UNKNOWN;
}

static void
pop_n (Analysis *an, int n)
{
  an->depth = an->depth > n ? an->depth - n : 0;
}

static void
push_n (Analysis *an, int n, int32_t expr)
{
  for (int i = 0; i < n; i++)
    push (an, expr);
}

/* `expr` may be changed by the code of `line`. */
static void
target (Analysis *an, int line, int32_t expr, uint8_t how, int is_argument)
{
  uint8_t op = an->ci->exprs[expr].op;
  if (op == HG_EX_FRESH || op == HG_EX_CONST || op == HG_EX_NULL)
    return;
  if (how == HG_TARGET_OPERAND && op != HG_EX_FAST && op != HG_EX_DEREF && op != HG_EX_GLOBAL
      && op != HG_EX_NAME && op != HG_EX_ATTR && op != HG_EX_SUBSCR)
    return;
  if (op == HG_EX_UNKNOWN || op == HG_EX_CALL)
    {
      /* an argument that is a call's result was the callee's to change (its own arguments are
       * targets); a store into or a method of something unknown needs the sweep */
      if (is_argument || how == HG_TARGET_READ)
        return;
      expr = -1;
    }
  if (an->n_raw == an->cap_raw)
    {
      uint32_t cap = an->cap_raw ? an->cap_raw * 2 : 64;
      RawTarget *r = realloc (an->raw, cap * sizeof (RawTarget));
      if (!r)
        {
          an->failed = 1;
          return;
        }
      an->raw = r;
      an->cap_raw = cap;
    }
  an->raw[an->n_raw++] = (RawTarget){ line, an->offset, expr, how };
}

/* Methods that never change their receiver, called on the result of a call or an operator
 * (line.strip().split(","), str(x).upper()): no need to sweep for them. */
static int
reads_only (Analysis *an, int name_index, int32_t receiver)
{
  static const char *const names[]
      = { "split",   "strip",   "rstrip",     "lstrip",   "join",  "upper",    "lower",
          "format",  "replace", "startswith", "endswith", "find",  "count",    "index",
          "items",   "keys",    "values",     "get",      "copy",  "title",    "splitlines",
          "isdigit", "isalpha", "encode",     "decode",   "rfind", "partition" };
  uint8_t op = an->ci->exprs[receiver].op;
  if (op != HG_EX_CALL && op != HG_EX_UNKNOWN)
    return 0;
  PyObject *co_names = an->code->co_names;
  if (name_index < 0 || name_index >= PyTuple_GET_SIZE (co_names))
    return 0;
  PyObject *name = PyTuple_GET_ITEM (co_names, name_index);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (PyUnicode_CompareWithASCIIString (name, names[i]) == 0)
      return 1;
  return 0;
}

/* Methods whose result is an object the receiver holds (of a dict: setdefault, get). */
static int
returns_held (Analysis *an, int name_index)
{
  PyObject *co_names = an->code->co_names;
  if (name_index < 0 || name_index >= PyTuple_GET_SIZE (co_names))
    return 0;
  PyObject *name = PyTuple_GET_ITEM (co_names, name_index);
  return PyUnicode_CompareWithASCIIString (name, "setdefault") == 0
         || PyUnicode_CompareWithASCIIString (name, "get") == 0;
}

/* ---- line table and exception table (formats of Objects/locations.md and
 * Objects/exception_handling_notes.txt, CPython 3.11) ------------------------------------- */

static unsigned
read_le_varint (const uint8_t **p, const uint8_t *end)
{
  unsigned b = *p < end ? *(*p)++ : 0;
  unsigned val = b & 63;
  int shift = 0;
  while ((b & 64) && *p < end)
    {
      b = *(*p)++;
      shift += 6;
      val |= (b & 63) << shift;
    }
  return val;
}

static int
read_le_svarint (const uint8_t **p, const uint8_t *end)
{
  unsigned v = read_le_varint (p, end);
  return (v & 1) ? -(int)(v >> 1) : (int)(v >> 1);
}

/* The line of every code unit (0 = none). */
static void
fill_unit_lines (PyCodeObject *code, int *unit_line, Py_ssize_t n_units)
{
  const uint8_t *p = (const uint8_t *)PyBytes_AS_STRING (code->co_linetable);
  const uint8_t *end = p + PyBytes_GET_SIZE (code->co_linetable);
  int line = code->co_firstlineno;
  Py_ssize_t unit = 0;
  while (p < end && unit < n_units)
    {
      uint8_t first = *p++;
      int kind = (first >> 3) & 15;
      int len = (first & 7) + 1;
      int this_line = line;
      switch (kind)
        {
        case 15: /* no location */
          this_line = 0;
          break;
        case 14: /* long form */
          line += read_le_svarint (&p, end);
          this_line = line;
          read_le_varint (&p, end);
          read_le_varint (&p, end);
          read_le_varint (&p, end);
          break;
        case 13: /* no column */
          line += read_le_svarint (&p, end);
          this_line = line;
          break;
        case 10:
        case 11:
        case 12: /* one line form */
          line += kind - 10;
          this_line = line;
          p += 2;
          break;
        default: /* short form */
          p += 1;
          break;
        }
      for (int i = 0; i < len && unit < n_units; i++)
        unit_line[unit++] = this_line;
    }
  while (unit < n_units)
    unit_line[unit++] = 0;
}

static unsigned
read_be_varint (const uint8_t **p, const uint8_t *end)
{
  unsigned b = *p < end ? *(*p)++ : 0;
  unsigned val = b & 63;
  while ((b & 64) && *p < end)
    {
      b = *(*p)++;
      val = (val << 6) | (b & 63);
    }
  return val;
}

/* Handlers start with the depth the exception table gives, plus lasti, plus the exception. */
static void
mark_handlers (PyCodeObject *code, int *depth_at, uint8_t *is_label, Py_ssize_t n_units)
{
  const uint8_t *p = (const uint8_t *)PyBytes_AS_STRING (code->co_exceptiontable);
  const uint8_t *end = p + PyBytes_GET_SIZE (code->co_exceptiontable);
  while (p < end)
    {
      read_be_varint (&p, end); /* start */
      read_be_varint (&p, end); /* length */
      unsigned target = read_be_varint (&p, end);
      unsigned dl = read_be_varint (&p, end);
      if (target < (unsigned)n_units)
        {
          depth_at[target] = (int)(dl >> 1) + (int)(dl & 1) + 1;
          is_label[target] = 1;
        }
    }
}

static int
jump_target (int op, int arg, Py_ssize_t next)
{
  switch (op)
    {
    case FOR_ITER:
    case JUMP_FORWARD:
    case JUMP_IF_FALSE_OR_POP:
    case JUMP_IF_TRUE_OR_POP:
    case POP_JUMP_FORWARD_IF_FALSE:
    case POP_JUMP_FORWARD_IF_TRUE:
    case POP_JUMP_FORWARD_IF_NOT_NONE:
    case POP_JUMP_FORWARD_IF_NONE:
    case SEND:
      return (int)next + arg;
    case JUMP_BACKWARD:
    case JUMP_BACKWARD_NO_INTERRUPT:
    case POP_JUMP_BACKWARD_IF_NOT_NONE:
    case POP_JUMP_BACKWARD_IF_NONE:
    case POP_JUMP_BACKWARD_IF_FALSE:
    case POP_JUMP_BACKWARD_IF_TRUE:
      return (int)next - arg;
    default:
      return -1;
    }
}

static int
is_terminal (int op)
{
  return op == RETURN_VALUE || op == RAISE_VARARGS || op == RERAISE || op == JUMP_FORWARD
         || op == JUMP_BACKWARD || op == JUMP_BACKWARD_NO_INTERRUPT;
}

/* ---- one instruction ---------------------------------------------------------------------- */

/* Returns 0 for an opcode this analysis does not know (the code is then swept at every line). */
static int
step_instruction (Analysis *an, int op, int arg, int line)
{
  int32_t a, b, c;
  switch (op)
    {
    case NOP:
    case RESUME:
    case EXTENDED_ARG:
    case PRECALL:
    case KW_NAMES:
    case MAKE_CELL:
    case COPY_FREE_VARS:
    case JUMP_FORWARD:
    case JUMP_BACKWARD:
    case JUMP_BACKWARD_NO_INTERRUPT:
    case DELETE_FAST:
    case DELETE_NAME:
    case DELETE_GLOBAL:
    case DELETE_DEREF:
    case SETUP_ANNOTATIONS:
    case RETURN_GENERATOR:
    case CACHE:
      return 1;
    case LOAD_FAST:
      push (an, expr_new (an, HG_EX_FAST, arg, 0));
      return 1;
    case LOAD_DEREF:
    case LOAD_CLASSDEREF:
      push (an, expr_new (an, HG_EX_DEREF, arg, 0));
      return 1;
    case LOAD_CONST:
      push (an, expr_new (an, HG_EX_CONST, arg, 0));
      return 1;
    case LOAD_GLOBAL:
      if (arg & 1)
        push (an, EX_IX_NULL);
      push (an, expr_new (an, HG_EX_GLOBAL, arg >> 1, 0));
      return 1;
    case LOAD_NAME:
      push (an, expr_new (an, HG_EX_NAME, arg, 0));
      return 1;
    case LOAD_ATTR:
      a = pop (an);
      push (an, expr_new (an, HG_EX_ATTR, a, arg));
      return 1;
    case LOAD_METHOD:
      a = pop (an);
      push (an, expr_new (an, HG_EX_METHOD, a, arg));
      push (an, a);
      return 1;
    case PUSH_NULL:
      push (an, EX_IX_NULL);
      return 1;
    case LOAD_CLOSURE:
    case LOAD_BUILD_CLASS:
    case LOAD_ASSERTION_ERROR:
    case GET_LEN:
    case MATCH_MAPPING:
    case MATCH_SEQUENCE:
    case MATCH_KEYS:
    case WITH_EXCEPT_START:
      push (an, EX_IX_FRESH);
      return 1;
    case IMPORT_FROM:
    case GET_ANEXT:
      push (an, EX_IX_UNKNOWN);
      return 1;
    case STORE_SUBSCR:
      pop (an);
      a = pop (an);
      pop (an);
      target (an, line, a, HG_TARGET_CHANGE, 0);
      return 1;
    case DELETE_SUBSCR:
      pop (an);
      a = pop (an);
      target (an, line, a, HG_TARGET_CHANGE, 0);
      return 1;
    case STORE_ATTR:
      a = pop (an);
      pop (an);
      target (an, line, a, HG_TARGET_CHANGE, 0);
      return 1;
    case DELETE_ATTR:
      a = pop (an);
      target (an, line, a, HG_TARGET_CHANGE, 0);
      return 1;
    case BINARY_SUBSCR:
      b = pop (an);
      a = pop (an);
      target (an, line, a, HG_TARGET_READ, 0);
      push (an, expr_new (an, HG_EX_SUBSCR, a, b));
      return 1;
    case BINARY_OP:
      b = pop (an);
      a = pop (an);
      if (arg >= NB_INPLACE_ADD)
        target (an, line, a, HG_TARGET_CHANGE, 1); /* lst += other */
      else
        target (an, line, a, HG_TARGET_OPERAND, 1);
      target (an, line, b, HG_TARGET_OPERAND, 1);
      push (an, EX_IX_FRESH);
      return 1;
    case CALL:
      for (int i = 0; i < arg; i++)
        target (an, line, pop (an), HG_TARGET_CHANGE, 1);
      b = pop (an); /* the receiver of a method, or the callable */
      a = pop (an); /* the method, or NULL */
      if (an->ci->exprs[a].op != HG_EX_METHOD)
        target (an, line, b, HG_TARGET_CALLABLE, 1);
      else if (!reads_only (an, an->ci->exprs[a].b, b))
        target (an, line, b, HG_TARGET_CHANGE, 0);
      if (an->ci->exprs[a].op == HG_EX_METHOD && returns_held (an, an->ci->exprs[a].b))
        push (an, expr_new (an, HG_EX_KEPT, b, 0));
      else
        push (an, EX_IX_CALL);
      return 1;
    case CALL_FUNCTION_EX:
      if (arg & 1)
        target (an, line, pop (an), HG_TARGET_CHANGE, 1);
      target (an, line, pop (an), HG_TARGET_CHANGE, 1);
      target (an, line, pop (an), HG_TARGET_CALLABLE, 1);
      pop (an);
      push (an, EX_IX_CALL);
      return 1;
    case LIST_EXTEND:
    case SET_UPDATE:
    case DICT_UPDATE:
    case DICT_MERGE:
      target (an, line, pop (an), HG_TARGET_CHANGE, 1); /* unpacked into a call's arguments */
      return 1;
    case LIST_APPEND:
    case SET_ADD:
    case POP_TOP:
    case STORE_FAST:
    case STORE_NAME:
    case STORE_GLOBAL:
    case STORE_DEREF:
    case POP_JUMP_FORWARD_IF_FALSE:
    case POP_JUMP_FORWARD_IF_TRUE:
    case POP_JUMP_FORWARD_IF_NOT_NONE:
    case POP_JUMP_FORWARD_IF_NONE:
    case POP_JUMP_BACKWARD_IF_NOT_NONE:
    case POP_JUMP_BACKWARD_IF_NONE:
    case POP_JUMP_BACKWARD_IF_FALSE:
    case POP_JUMP_BACKWARD_IF_TRUE:
    case JUMP_IF_FALSE_OR_POP:
    case JUMP_IF_TRUE_OR_POP:
    case RETURN_VALUE:
    case POP_EXCEPT:
    case PRINT_EXPR:
    case IMPORT_STAR:
    case RERAISE:
      pop (an);
      return 1;
    case MAP_ADD:
    case END_ASYNC_FOR:
      pop_n (an, 2);
      return 1;
    case COPY:
      c = arg <= an->depth && arg > 0 ? an->stack[an->depth - arg] : EX_IX_UNKNOWN;
      push (an, c);
      return 1;
    case SWAP:
      if (arg <= an->depth && arg > 0)
        {
          c = an->stack[an->depth - 1];
          an->stack[an->depth - 1] = an->stack[an->depth - arg];
          an->stack[an->depth - arg] = c;
        }
      return 1;
    case UNARY_POSITIVE:
    case UNARY_NEGATIVE:
    case UNARY_INVERT:
      target (an, line, pop (an), HG_TARGET_OPERAND, 1);
      push (an, EX_IX_FRESH);
      return 1;
    case UNARY_NOT:
    case GET_ITER:
    case GET_YIELD_FROM_ITER:
    case LIST_TO_TUPLE:
    case GET_AITER:
    case GET_AWAITABLE:
    case ASYNC_GEN_WRAP:
    case CHECK_EXC_MATCH:
      pop (an);
      push (an, EX_IX_FRESH);
      return 1;
    case YIELD_VALUE:
      pop (an);
      push (an, EX_IX_UNKNOWN);
      return 1;
    case SEND:
      pop (an);
      push (an, EX_IX_UNKNOWN);
      return 1;
    case COMPARE_OP:
    case CONTAINS_OP:
      target (an, line, pop (an), HG_TARGET_OPERAND, 1);
      target (an, line, pop (an), HG_TARGET_OPERAND, 1);
      push (an, EX_IX_FRESH);
      return 1;
    case IS_OP:
    case PREP_RERAISE_STAR:
      pop_n (an, 2);
      push (an, EX_IX_FRESH);
      return 1;
    case IMPORT_NAME:
      pop_n (an, 2);
      push (an, EX_IX_UNKNOWN);
      return 1;
    case CHECK_EG_MATCH:
      pop_n (an, 2);
      push_n (an, 2, EX_IX_UNKNOWN);
      return 1;
    case PUSH_EXC_INFO:
    case BEFORE_WITH:
    case BEFORE_ASYNC_WITH:
      pop (an);
      push_n (an, 2, EX_IX_UNKNOWN);
      return 1;
    case FOR_ITER:
      push (an, EX_IX_UNKNOWN);
      return 1;
    case UNPACK_SEQUENCE:
      pop (an);
      push_n (an, arg, EX_IX_UNKNOWN);
      return 1;
    case UNPACK_EX:
      pop (an);
      push_n (an, (arg & 0xff) + (arg >> 8) + 1, EX_IX_UNKNOWN);
      return 1;
    case BUILD_TUPLE:
    case BUILD_LIST:
    case BUILD_SET:
    case BUILD_STRING:
    case BUILD_SLICE:
      pop_n (an, arg);
      push (an, EX_IX_FRESH);
      return 1;
    case BUILD_MAP:
      pop_n (an, 2 * arg);
      push (an, EX_IX_FRESH);
      return 1;
    case BUILD_CONST_KEY_MAP:
      pop_n (an, arg + 1);
      push (an, EX_IX_FRESH);
      return 1;
    case FORMAT_VALUE:
      pop_n (an, 1 + ((arg & 4) ? 1 : 0));
      push (an, EX_IX_FRESH);
      return 1;
    case MAKE_FUNCTION:
      pop_n (an, 1 + __builtin_popcount ((unsigned)arg & 0xf));
      push (an, EX_IX_FRESH);
      return 1;
    case MATCH_CLASS:
      pop_n (an, 3);
      push (an, EX_IX_FRESH);
      return 1;
    case RAISE_VARARGS:
      pop_n (an, arg);
      return 1;
    default:
      return 0;
    }
}

/* ---- the analysis ------------------------------------------------------------------------- */

static void
analyse_lines (HgCodeInfo *ci, PyCodeObject *code)
{
  Py_ssize_t n_units = hg_py_code_n_units (code);
  const _Py_CODEUNIT *units = hg_py_code_units (code);
  int *unit_line = malloc ((size_t)(n_units + 1) * sizeof (int));
  int *depth_at = malloc ((size_t)(n_units + 1) * sizeof (int));
  uint8_t *is_label = calloc ((size_t)n_units + 1, 1);
  Analysis an = { .ci = ci, .code = code };
  int known = 1;

  if (!unit_line || !depth_at || !is_label)
    goto out;
  fill_unit_lines (code, unit_line, n_units);
  for (Py_ssize_t i = 0; i <= n_units; i++)
    depth_at[i] = -1;
  mark_handlers (code, depth_at, is_label, n_units);

  /* fixed expressions */
  expr_new (&an, HG_EX_UNKNOWN, 0, 0);
  expr_new (&an, HG_EX_FRESH, 0, 0);
  expr_new (&an, HG_EX_CALL, 0, 0);
  expr_new (&an, HG_EX_NULL, 0, 0);

  /* jump targets: where control flow merges */
  for (Py_ssize_t i = 0; i < n_units;)
    {
      int op = hg_py_deopt (_Py_OPCODE (units[i]));
      int arg = _Py_OPARG (units[i]);
      while (op == EXTENDED_ARG && i + 1 < n_units)
        {
          i++;
          op = hg_py_deopt (_Py_OPCODE (units[i]));
          arg = (arg << 8) | _Py_OPARG (units[i]);
        }
      Py_ssize_t next = i + 1 + hg_py_n_caches (op);
      int t = jump_target (op, arg, next);
      if (t >= 0 && t < n_units)
        is_label[t] = 1;
      i = next;
    }

  int after_terminal = 0;
  for (Py_ssize_t i = 0; i < n_units && known && !an.failed;)
    {
      Py_ssize_t start = i;
      int op = hg_py_deopt (_Py_OPCODE (units[i]));
      int arg = _Py_OPARG (units[i]);
      while (op == EXTENDED_ARG && i + 1 < n_units)
        {
          i++;
          op = hg_py_deopt (_Py_OPCODE (units[i]));
          arg = (arg << 8) | _Py_OPARG (units[i]);
        }
      Py_ssize_t next = i + 1 + hg_py_n_caches (op);
      if (after_terminal)
        {
          /* reached only by a jump or an exception: the depth it has there, values unknown */
          an.depth = 0;
          push_n (&an, depth_at[start] > 0 ? depth_at[start] : 0, EX_IX_UNKNOWN);
          after_terminal = 0;
        }
      else if (is_label[start])
        for (int k = 0; k < an.depth; k++)
          an.stack[k] = EX_IX_UNKNOWN; /* values from two paths */
      int line = unit_line[start];
      int depth_before = an.depth;
      an.offset = (int)i;
      known = step_instruction (&an, op, arg, line);
      int t = jump_target (op, arg, next);
      if (t >= 0 && t < n_units && depth_at[t] < 0)
        {
          int d = an.depth;
          if (op == JUMP_IF_FALSE_OR_POP || op == JUMP_IF_TRUE_OR_POP)
            d = depth_before;
          else if (op == FOR_ITER)
            d = depth_before - 1;
          else if (op == SEND)
            d = depth_before - 1;
          depth_at[t] = d > 0 ? d : 0;
        }
      if (is_terminal (op))
        after_terminal = 1;
      i = next;
    }

  /* lines: from the first to the last line of any instruction */
  int lo = 0, hi = 0;
  for (Py_ssize_t i = 0; i < n_units; i++)
    if (unit_line[i] > 0)
      {
        if (!lo || unit_line[i] < lo)
          lo = unit_line[i];
        if (unit_line[i] > hi)
          hi = unit_line[i];
      }
  if (!lo)
    goto out;
  ci->first_line = lo;
  ci->n_lines = hi - lo + 1;
  ci->lines = calloc ((size_t)ci->n_lines, sizeof (HgLineTargets));
  ci->targets = malloc ((an.n_raw ? an.n_raw : 1) * sizeof (HgTarget));
  if (!ci->lines || !ci->targets)
    {
      free (ci->lines);
      ci->lines = NULL;
      ci->n_lines = 0;
      goto out;
    }
  for (int l = 0; l < ci->n_lines; l++)
    ci->lines[l].back_jump = -1;
  for (Py_ssize_t i = 0; i < n_units;)
    {
      int op = hg_py_deopt (_Py_OPCODE (units[i]));
      Py_ssize_t at = i;
      while (op == EXTENDED_ARG && i + 1 < n_units)
        op = hg_py_deopt (_Py_OPCODE (units[++i]));
      int t = jump_target (op, 0, i + 1); /* with arg 0: a backward jump lands at i + 1 */
      if (t >= 0
          && (op == JUMP_BACKWARD || op == JUMP_BACKWARD_NO_INTERRUPT
              || op == POP_JUMP_BACKWARD_IF_NOT_NONE || op == POP_JUMP_BACKWARD_IF_NONE
              || op == POP_JUMP_BACKWARD_IF_FALSE || op == POP_JUMP_BACKWARD_IF_TRUE)
          && unit_line[at] >= lo)
        ci->lines[unit_line[at] - lo].back_jump = (int32_t)i;
      i += 1 + hg_py_n_caches (op);
    }
  if (!known || an.failed)
    {
      for (int l = 0; l < ci->n_lines; l++)
        ci->lines[l].sweep = 1;
      goto out;
    }
  /* group the targets by line (counting sort); one expression used again in a line widens the
   * range of code units its target covers */
  for (uint32_t k = 0; k < an.n_raw; k++)
    if (an.raw[k].line >= lo)
      ci->lines[an.raw[k].line - lo].count++;
  uint32_t pos = 0;
  for (int l = 0; l < ci->n_lines; l++)
    {
      ci->lines[l].first = pos;
      pos += ci->lines[l].count;
      ci->lines[l].count = 0;
    }
  for (uint32_t k = 0; k < an.n_raw; k++)
    {
      RawTarget *r = &an.raw[k];
      if (r->line < lo)
        continue;
      HgLineTargets *lt = &ci->lines[r->line - lo];
      HgTarget *same = NULL;
      for (uint32_t j = lt->first; j < lt->first + lt->count && !same; j++)
        {
          HgTarget *t = &ci->targets[j];
          if (t->how != r->how || (t->expr < 0) != (r->expr < 0))
            continue;
          if (r->expr < 0)
            same = t;
          else
            {
              HgExpr *x = &ci->exprs[t->expr], *y = &ci->exprs[r->expr];
              if (x->op == y->op && x->a == y->a && x->b == y->b
                  && (x->op == HG_EX_FAST || x->op == HG_EX_DEREF || x->op == HG_EX_GLOBAL
                      || x->op == HG_EX_NAME))
                same = t;
            }
        }
      if (same)
        {
          same->lo = r->offset < same->lo ? r->offset : same->lo;
          same->hi = r->offset > same->hi ? r->offset : same->hi;
        }
      else
        ci->targets[lt->first + lt->count++] = (HgTarget){ r->expr, r->offset, r->offset, r->how };
    }
  ci->n_targets = pos;

out:
  free (unit_line);
  free (depth_at);
  free (is_label);
  free (an.stack);
  free (an.raw);
}

static int
is_hidden_name (PyObject *name)
{
  Py_ssize_t len = PyUnicode_GET_LENGTH (name);
  if (len == 0 || PyUnicode_READ_CHAR (name, 0) == '.')
    return 1;
  return len > 4 && PyUnicode_READ_CHAR (name, 0) == '_' && PyUnicode_READ_CHAR (name, 1) == '_'
         && PyUnicode_READ_CHAR (name, len - 1) == '_'
         && PyUnicode_READ_CHAR (name, len - 2) == '_';
}

HgCodeInfo *
hg_code_analyse (PyCodeObject *code)
{
  HgCodeInfo *ci = calloc (1, sizeof (HgCodeInfo));
  if (!ci)
    return NULL;
  int n = code->co_nlocalsplus;
  const uint8_t *kinds = hg_py_localsplus_kinds (code);
  ci->n_names = n;
  ci->name_sids = calloc ((size_t)n + 1, sizeof (uint32_t));
  if (!ci->name_sids)
    {
      free (ci);
      return NULL;
    }
  for (int i = 0; i < n; i++)
    {
      PyObject *name = PyTuple_GET_ITEM (code->co_localsplusnames, i);
      if (kinds[i] & (CO_FAST_CELL | CO_FAST_FREE))
        ci->has_cells = 1;
      if (!is_hidden_name (name))
        ci->name_sids[i] = hg_sid_of_str (name);
    }
  ci->func_sid = hg_sid_of_str (code->co_name);
  analyse_lines (ci, code);
  return ci;
}

void
hg_code_free (HgCodeInfo *ci)
{
  if (!ci)
    return;
  free (ci->name_sids);
  free (ci->lines);
  free (ci->targets);
  free (ci->exprs);
  free (ci);
}

static const HgLineTargets sweep_line = { .back_jump = -1, .sweep = 1 };

const HgLineTargets *
hg_code_line (const HgCodeInfo *ci, int line)
{
  if (!ci->lines)
    return &sweep_line;
  if (line < ci->first_line || line >= ci->first_line + ci->n_lines)
    return NULL;
  return &ci->lines[line - ci->first_line];
}
