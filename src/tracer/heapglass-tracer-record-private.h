/* heapglass-tracer-record-private.h: the recorder's state (one struct) and the interfaces between
 * its files: identity table (-ids.c), code analysis (-code.c), objects (-objects.c), shadow stack
 * (-stack.c) and the dispatcher (-record.c). Plain C, malloc only. */
#pragma once

#include "heapglass-tracer-cpython.h"

#include <stdint.h>
#include <stdlib.h>

/* Statistics, compiled in with -DHG_RECORD_STATS only (printed on stderr at the end). */
#ifdef HG_RECORD_STATS
#define HG_STAT(field) (hg_rec.stats.field++)
#else
#define HG_STAT(field) ((void)0)
#endif

#define HG_TEXT_PREFIX 200 /* code points of a str, bytes of a bytes, kept in OBJ_NEW */

/* ---- identity ----------------------------------------------------------------------------- */

typedef struct
{
  uintptr_t key; /* start of the memory block; 0 = empty */
  uint32_t oid;  /* 0 = none (a code object we only keep an analysis for) */
  uint32_t info; /* 0 or an index into the infos */
} HgIdSlot;

/* Shown contents of a container as last sent: pointers (to compare with memcmp) and the oids
 * they had (an object freed and replaced at the same address has a new oid). Dicts and
 * attributes keep pairs: key, value (attributes: name, value; the name's oid is its sid). */
typedef struct
{
  PyObject **ptrs;
  uint32_t *oids;
  uint32_t n, cap; /* n entries (pairs count as 2) */
} HgShadow;

typedef struct HgCodeInfo HgCodeInfo;

enum
{
  HG_INFO_OBJECT = 0,
  HG_INFO_CODE = 1,
};

typedef struct
{
  uint8_t what;         /* HG_INFO_OBJECT or HG_INFO_CODE */
  uint8_t kind;         /* HgKind */
  uint8_t sent;         /* contents recorded at least once */
  uint8_t has_children; /* some shown item or attribute may itself change */
  uint8_t has_attrs;    /* instances of Python classes, classes: attributes are shown */
  PyTypeObject *type;
  uint64_t bits;         /* FLOAT: value bits; WEAKREF: referent oid; DICT: ma_version_tag */
  uint64_t attr_version; /* CLASS: version of its dict */
  Py_ssize_t length;     /* last length sent */
  uint64_t size;         /* last size sent */
  Py_ssize_t refcnt;     /* last refcount sent */
  uint64_t checked_step;
  uint64_t epoch; /* frees epoch when the shadows were last verified */
  HgShadow items;
  HgShadow attrs;
  /* DICT: the bytes of its entries up to the last one shown, as last sent, with the keys object
   * they were in: one memcmp tells that the shown entries did not change */
  void *raw;
  uint32_t raw_len, raw_cap;
  PyDictKeysObject *raw_keys;
  Py_ssize_t raw_nentries;
  HgCodeInfo *code; /* HG_INFO_CODE */
  uint32_t next_free;
} HgInfo;

#define HG_INFO_CHUNK 4096

/* ---- code analysis ------------------------------------------------------------------------ */

/* A symbolic value of the analysed bytecode: how to find, after a line ran, an object the line
 * may have changed. */
typedef enum
{
  HG_EX_UNKNOWN = 0, /* anything (merged control flow, unmodelled instruction) */
  HG_EX_FRESH,       /* a new value (operator, literal, comprehension): nothing to re-check */
  HG_EX_CALL,        /* the result of a call */
  HG_EX_NULL,
  HG_EX_CONST,  /* a: index in co_consts */
  HG_EX_FAST,   /* a: fast local index */
  HG_EX_DEREF,  /* a: cell or free variable index */
  HG_EX_GLOBAL, /* a: index in co_names */
  HG_EX_NAME,   /* a: index in co_names (LOAD_NAME: locals, globals, builtins) */
  HG_EX_ATTR,   /* a: expression, b: index in co_names */
  HG_EX_SUBSCR, /* a: container expression, b: key expression */
  HG_EX_METHOD, /* a: receiver expression, b: name index (the method slot of LOAD_METHOD) */
  HG_EX_KEPT,   /* a: receiver expression: what d.setdefault(k, v) or d.get(k) returned, an object
                 * the receiver holds */
} HgExprOp;

typedef struct
{
  uint8_t op;
  int32_t a, b;
  /* names: where the value was found last time (a hint, checked before use) */
  PyDictKeysObject *hint_keys;
  Py_ssize_t hint_ix;
} HgExpr;

/* Per line: the objects it may change, as expressions to evaluate after it ran. */
enum
{
  HG_TARGET_CHANGE = 0, /* stored into, a receiver, an argument: re-check it and what it reaches */
  HG_TARGET_READ = 1,   /* subscripted: only a dict subclass (__missing__) changes on a read */
  HG_TARGET_CALLABLE = 3, /* what a call calls: a bound method changes its receiver; a partial,
                           * exec, eval may change anything */
  HG_TARGET_OPERAND = 2,  /* of an operator: an instance of a class whose operator is library code
                           * (Flag.__or__ caches in its class) may change itself or its class */
};

/* A target of the instructions at code units [lo, hi] of its line (one expression may be used
 * several times in a line); expr -1: something there cannot be found, check everything shown. */
typedef struct
{
  int32_t expr;
  int32_t lo, hi;
  uint8_t how;
} HgTarget;

typedef struct
{
  uint32_t first; /* index into targets */
  uint32_t count;
  int32_t back_jump; /* the last backward jump of the line (a loop within it), or -1 */
  uint8_t sweep;     /* the code could not be analysed: check everything shown after any line */
} HgLineTargets;

struct HgCodeInfo
{
  uint32_t func_sid;
  int n_names;
  uint32_t *name_sids; /* per fast local: 0 = not shown (dunder, compiler-internal) */
  int has_cells;
  int first_line, n_lines;
  HgLineTargets *lines; /* [line - first_line] */
  HgTarget *targets;
  uint32_t n_targets;
  HgExpr *exprs;
  uint32_t n_exprs;
};

/* ---- shadow stack ------------------------------------------------------------------------- */

typedef struct
{
  PyObject *key;
  PyObject *value;
  Py_hash_t hash;
  Py_ssize_t ix; /* its index in the dict's entries */
  uint32_t sid;  /* 0: not shown (dunder, not a str) */
  uint32_t oid;
} HgNsEntry;

typedef struct
{
  PyFrameObject *frame;
  PyCodeObject *code;
  HgCodeInfo *ci;
  int is_ns;    /* names live in a dict (module, class body), not in fast locals */
  PyObject *ns; /* that dict */
  uint64_t ns_version;
  PyDictKeysObject *ns_keys; /* its keys, their count and its size when the shadow was made */
  Py_ssize_t ns_nentries;
  Py_ssize_t ns_used;
  uint64_t epoch;
  int line;  /* where the frame was at its last step: the line whose code runs next */
  int lasti; /* and the code unit it was at */
  HgNsEntry *entries;
  uint32_t n_entries, cap_entries;
  PyObject **vals; /* fast locals as last sent (cells dereferenced) */
  uint32_t *oids;
  uint32_t cap_vals;
  int n_vals;
} HgShadowFrame;

typedef struct
{
  PyObject *obj;
  uint32_t info;
  uint32_t oid;
} HgQueued;

typedef struct
{
  uintptr_t key; /* alive while the identity table still has `oid` at `key` */
  PyObject *obj;
  uint32_t oid;
} HgWeakrefEntry;

/* ---- the recorder ------------------------------------------------------------------------- */

#define HG_MAX_IMAGES 4

typedef struct
{
  /* identity */
  HgIdSlot *id_slots;
  size_t id_mask, id_count;
  HgInfo **info_chunks;
  uint32_t n_infos, cap_infos, free_info;
  uint32_t next_oid;
  uint64_t frees_epoch;     /* bumped whenever a known object dies */
  uintptr_t death_ring[64]; /* the blocks of the last 64 deaths, by epoch */
  uint64_t verify_since;    /* the epoch a shadow being compared was made at */
  int out_of_memory;        /* a table could not grow: the step cannot be recorded */
  uint32_t *pending_frees;
  size_t n_pending_frees, cap_pending_frees;

  /* string ids */
  struct HgSidSlot *sid_slots;
  size_t sid_mask, sid_count;
  uint32_t next_sid;
  struct
  {
    PyTypeObject *type;
    uint32_t sid;
  } type_cache[64];

  /* weak references known to the trace: re-read when something died */
  HgWeakrefEntry *weakrefs;
  size_t n_weakrefs, cap_weakrefs;

  /* objects to record or re-check in this step (borrowed: no Python code runs meanwhile) */
  HgQueued *queue;
  size_t n_queue, cap_queue;
  PyObject **scratch; /* one container's shown contents being compared */
  uint32_t *scratch_oids;
  size_t cap_scratch;

  /* shadow stack */
  HgShadowFrame *stack;
  uint32_t depth, cap_stack;
  uint32_t pending_pops;
  int ran_frame; /* index of the frame that ran since the last step, -1 if none */
  int n_cell_frames;
  HgNsEntry *ns_scratch;
  uint32_t cap_ns_scratch;

  uint64_t cur_step;

  /* addresses: the last one written (OBJ_NEW_AT sends differences) and the loaded images where
   * the objects CPython made before the program live */
  uint64_t last_address;
  struct
  {
    uintptr_t lo, hi;
  } images[HG_MAX_IMAGES];
  int n_images;

#ifdef HG_RECORD_STATS
  struct
  {
    uint64_t checks, sends, sweeps, new_objects, targets;
  } stats;
#endif
} HgRecorder;

extern HgRecorder hg_rec;

/* ---- heapglass-tracer-ids.c --------------------------------------------------------------- */

int hg_ids_init (void);
HgIdSlot *hg_id_find (uintptr_t key);
HgIdSlot *hg_id_insert (uintptr_t key);
/* Whether an object at `address` is static: made before the program, in an image. */
int hg_is_premade (uintptr_t address);
uint32_t hg_info_new (void);
void hg_note_block_death (uintptr_t key);
void hg_shadow_free (HgShadow *shadow);
int hg_shadow_reserve (HgShadow *shadow, uint32_t n);
int hg_scratch_reserve (size_t n);
void hg_weakref_add (uintptr_t key, PyObject *obj, uint32_t oid);
uint32_t hg_sid_of_str (PyObject *s);
uint32_t hg_type_sid (PyTypeObject *tp);
size_t hg_str_prefix_utf8 (PyObject *s, Py_ssize_t max_chars, char *out);

#define HG_INFO(index) (&hg_rec.info_chunks[(index) / HG_INFO_CHUNK][(index) % HG_INFO_CHUNK])

/* Whether the live object v, at the address a shadow recorded with `oid` when the frees epoch was
 * `since`, is still that object: only a death at its address since then can have changed it. */
static inline int
hg_still_same (PyObject *v, uint32_t oid, uint64_t since)
{
  uintptr_t key = hg_py_block_of (v);
  uint64_t n = hg_rec.frees_epoch - since;
  if (n <= 64)
    {
      int died = 0;
      for (uint64_t e = since; e < hg_rec.frees_epoch && !died; e++)
        died = hg_rec.death_ring[e & 63] == key;
      if (!died)
        return 1;
    }
  HgIdSlot *s = hg_id_find (key);
  return s && s->oid == oid;
}

/* ---- heapglass-tracer-code.c -------------------------------------------------------------- */

HgCodeInfo *hg_code_analyse (PyCodeObject *code);
void hg_code_free (HgCodeInfo *ci);
const HgLineTargets *hg_code_line (const HgCodeInfo *ci, int line);

/* ---- heapglass-tracer-values.c ------------------------------------------------------------ */

HgKind hg_kind_of (PyObject *v, PyTypeObject *tp);
uint64_t hg_size_of (PyObject *v, PyTypeObject *tp);
void hg_emit_payload (HgBuf *b, PyObject *v, PyTypeObject *tp, HgKind kind);

/* ---- heapglass-tracer-objects.c ----------------------------------------------------------- */

uint32_t hg_obj_known (PyObject *v); /* the oid, recording the object when new */
uint32_t hg_obj_ref (PyObject *v);   /* the same, and re-check it when already known */
void hg_obj_check (PyObject *v);     /* re-check a known object and what it shows, this step */
void hg_obj_drain (void);            /* record everything queued */
int hg_obj_check_weakrefs (void);    /* 1: a weakref lost its referent or died (callbacks ran) */
int hg_worth_checking (PyObject *v);
/* The objects a frame's line may have changed, found by evaluating the line's targets. Returns 0
 * when one could not be found (the caller then checks everything shown). */
int hg_obj_check_line_targets (HgShadowFrame *sf, const HgLineTargets *lt, int from, int to);

/* ---- heapglass-tracer-stack.c ------------------------------------------------------------- */

HgShadowFrame *hg_stack_push (PyFrameObject *frame, PyCodeObject *code, HgCodeInfo *ci);
void hg_stack_diff (uint32_t index); /* rebinds in frame `index` (0 = outermost) */
void hg_stack_check_all (void);      /* every name of every frame, and what they show */

/* ---- emit helpers (one per record kind) --------------------------------------------------- */

static inline void
hg_emit_bind (uint32_t frame_from_top, uint32_t sid, uint32_t oid)
{
  HgBuf *b = &hg_tracer.buf;
  hg_buf_byte (b, HG_REC_BIND);
  hg_buf_varint (b, frame_from_top);
  hg_buf_varint (b, sid);
  hg_buf_varint (b, oid);
}

static inline void
hg_emit_unbind (uint32_t frame_from_top, uint32_t sid)
{
  HgBuf *b = &hg_tracer.buf;
  hg_buf_byte (b, HG_REC_UNBIND);
  hg_buf_varint (b, frame_from_top);
  hg_buf_varint (b, sid);
}

static inline void
hg_emit_free (uint32_t oid)
{
  hg_buf_byte (&hg_tracer.buf, HG_REC_OBJ_FREE);
  hg_buf_varint (&hg_tracer.buf, oid);
}

static inline void
hg_emit_meta (uint32_t oid, uint64_t size, Py_ssize_t refcnt)
{
  HgBuf *b = &hg_tracer.buf;
  hg_buf_byte (b, HG_REC_META);
  hg_buf_varint (b, oid);
  hg_buf_varint (b, size);
  hg_buf_varint (b, (uint64_t)refcnt);
}

static inline void
hg_emit_weakref (uint32_t oid, uint32_t referent)
{
  HgBuf *b = &hg_tracer.buf;
  hg_buf_byte (b, HG_REC_WEAKREF);
  hg_buf_varint (b, oid);
  hg_buf_varint (b, referent);
}

static inline void
hg_emit_frame_push (uint32_t func_sid, int first_line, int caller_line)
{
  HgBuf *b = &hg_tracer.buf;
  hg_buf_byte (b, HG_REC_FRAME_PUSH);
  hg_buf_varint (b, func_sid);
  hg_buf_varint (b, (uint64_t)(first_line > 0 ? first_line : 0));
  if (caller_line > 0)
    {
      hg_buf_byte (b, HG_REC_FRAME_LINE);
      hg_buf_varint (b, (uint64_t)caller_line);
    }
}

static inline void
hg_emit_frame_pop (void)
{
  hg_buf_byte (&hg_tracer.buf, HG_REC_FRAME_POP);
}

static inline void
hg_emit_step (HgRecord rec, int line)
{
  hg_buf_byte (&hg_tracer.buf, (uint8_t)rec);
  hg_buf_varint (&hg_tracer.buf, (uint64_t)(line > 0 ? line : 0));
}
