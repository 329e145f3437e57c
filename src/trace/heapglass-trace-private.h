/* heapglass-trace-private.h: the trace model's internal types, shared by its decoder, storage,
 * snapshots and getters. Not installed; nothing outside src/trace/ includes it. */
#pragma once

#include "heapglass-trace.h"

#include <string.h>

G_BEGIN_DECLS

/* One version of a value: it became `value` at step `step` (the first step that shows it). */
typedef struct
{
  guint32 step;
  guint32 value;
} HgEntry;

/* A history: versions in ascending step order. Most histories hold one version (a function's
 * parameter, a tuple's items), so the first one lives inline and costs no allocation. */
typedef struct
{
  guint32 n;
  guint32 cap; /* 0 or 1: the entry is `one` */
  union
  {
    HgEntry one;
    HgEntry *many;
  } u;
} HgHist;

static inline HgEntry *
hist_entries (HgHist *h)
{
  return h->cap <= 1 ? &h->u.one : h->u.many;
}

static inline const HgEntry *
hist_entries_const (const HgHist *h)
{
  return h->cap <= 1 ? &h->u.one : h->u.many;
}

/* Mutable parts of an object, allocated on its first change (immutable values never need it). */
typedef struct
{
  HgHist value;  /* index into self->values (VALUE records), or WEAKREF referent index + 1 */
  HgHist length; /* containers: exact length */
  HgHist items;  /* pool offset of an items block: [n, item…] or [n, key, value…] */
  HgHist attrs;  /* pool offset of an attrs block: [n, name sid, item…] */
  HgHist size;
  HgHist refcount;
} HgObjExt;

typedef union
{
  gint64 i;
  double f;
  const char *text; /* a text blob: 8-byte little-endian full length, then the bytes, then NUL */
} HgValue;

/* One object: 32 bytes, since the append loop makes one per two steps. Its oid is its index + 1
 * while the tracer's oids stay dense (they do: 1, 2, 3, …); other oids go through a table. */
typedef struct
{
  HgValue v0; /* the value at creation */
  guint32 created;
  guint32 freed;     /* 0 = alive at the end of the trace */
  guint32 type_kind; /* type name sid, kind in the top bits */
  guint32 size0;
  guint32 refcount0;
  guint32 ext; /* index + 1 into self->exts, 0 = never changed */
} HgObj;

#define KIND_SHIFT 27
#define SID_MASK ((1u << KIND_SHIFT) - 1)
/* Live bytes: the sizes at creation are summed at every SIZE_MARK_EVERY-th object. */
#define SIZE_MARK_EVERY 1024

typedef struct
{
  guint32 name_sid;
  HgHist h; /* object index + 1, 0 = unbound */
} HgSlot;

/* One call: a frame instance. Its bindings are histories, so any step's locals come from binary
 * searches and nothing is copied per step. */
typedef struct
{
  guint32 parent; /* frame index + 1, 0 = outermost */
  guint32 func_sid;
  guint32 first_line;
  guint32 caller_line; /* the parent's line while this frame runs */
  guint32 depth;       /* 1 = outermost */
  guint32 n_slots;
  guint32 cap_slots;
  HgSlot *slots;
  GHashTable *slot_index; /* name sid → slot index + 1, once a frame has many names */
} HgFrame;

typedef struct
{
  guint32 step;
  guint32 frame;
  guint32 type_sid;
  char *message;
} HgException;

/* What the innermost frame returned at a return step (RETURN_VALUE, stream version 2). */
typedef struct
{
  guint32 step;
  guint32 index; /* the object's index */
} HgReturn;

typedef struct
{
  guint32 step;
  char *prompt;
} HgInput;

typedef struct
{
  guint32 step;
  guint32 pad;
  guint64 total;
} HgOutputMark;

typedef struct
{
  guint32 step;
  guint32 pad;
  gint64 total;
} HgBytesMark;

typedef enum
{
  STATE_HEADER,
  STATE_RECORDS,
  STATE_ENDED,
} DecodeState;

struct _HeapglassTrace
{
  GObject parent_instance;

  GMutex lock;
  /* Readers about to take the lock. GMutex is not fair: a feeder that relocks right after each
   * batch can starve the main thread for hundreds of milliseconds, so it steps aside for them. */
  gint readers_waiting;

  /* decoder */
  DecodeState state;
  GByteArray *pending;
  gsize pending_pos;
  gsize consumed; /* stream offset of pending->data[pending_pos] */
  gsize stream_bytes;
  GError *error; /* the first decoding error: the trace refuses input after it */
  gboolean complete;
  /* limits on what arrives, whatever the stream says (0 = none); once one is reached the trace
   * ends with limit_hit and drops the rest */
  guint64 limit_steps;
  guint64 limit_output;
  guint64 limit_stream;
  HgEnding limit_hit;

  /* header */
  guint32 max_items;
  char *script;

  /* strings: interned in a chunk so pointers stay valid while the table grows */
  GStringChunk *chunk;
  GPtrArray *strings; /* sid - 1 → const char * */

  /* steps */
  guint32 n_steps;
  guint32 cap_steps;
  guint32 *lines;
  guint8 *events;

  /* frames */
  HgFrame *frames;
  guint32 n_frames;
  guint32 cap_frames;
  GArray *stack;    /* frame indices, innermost last */
  HgHist frame_log; /* top frame index + 1 from a step on */

  /* objects */
  HgObj *objs;
  guint32 n_objs;
  guint32 cap_objs;
  GHashTable *oid_index; /* oid → index + 1 for oids that are not dense */
  guint64 *oid_of;       /* index → oid, once an oid was not dense */
  HgObjExt **exts;
  guint32 n_exts;
  guint32 cap_exts;
  guint64 *size_marks; /* sizes at creation of objects [0, k × SIZE_MARK_EVERY) */
  guint32 n_size_marks;
  guint64 size_total;
  HgValue *values;
  guint32 n_values;
  guint32 cap_values;
  guint32 *pool;
  gsize pool_len;
  gsize pool_cap;
  HgHist free_log;        /* (step, index) of each free, in order */
  HgBytesMark *bytes_log; /* live-bytes adjustments beyond the sizes at creation */
  guint32 n_bytes_log;
  guint32 cap_bytes_log;
  gint64 bytes_adjust;
  guint64 live_objects;
  guint64 peak_objects;
  guint32 max_depth;

  /* output, input, exceptions */
  GByteArray *output[2];
  GArray *output_log[2]; /* HgOutputMark */
  GArray *inputs;        /* HgInput */
  GArray *exceptions;    /* HgException */
  GArray *returns;       /* HgReturn, in step order */

  /* ending */
  HgEnding ending;
  int exit_status;
  int signal_number;
  const char *end_message; /* in `chunk`: callers may hold it while decoding goes on */
  guint32 end_line;
  guint32 last_exception_type;
  const char *last_exception_message; /* in `chunk`, likewise */
  const char *uncaught_type;          /* in `chunk`, set by the END record */
  const char *uncaught_message;

  /* names left out of every snapshot (heapglass-trace-changes.c), NULL = none */
  GHashTable *hidden_names;
};

/* Takes the lock as a reader: see readers_waiting. */
static inline void
trace_lock (HeapglassTrace *self)
{
  g_atomic_int_inc (&self->readers_waiting);
  g_mutex_lock (&self->lock);
  g_atomic_int_dec_and_test (&self->readers_waiting);
}

/* ---- histories (heapglass-trace-store.c) -------------------------------------------------- */

void hg_hist_append (HgHist *h, guint32 step, guint32 value, gboolean same_step_merges);
void hg_hist_clear (HgHist *h);

static inline void
hist_push (HgHist *h, guint32 step, guint32 value)
{
  hg_hist_append (h, step, value, TRUE);
}

/* The version in force at `step`, or NULL when the history starts later. */
static inline const HgEntry *
hist_at (const HgHist *h, guint32 step)
{
  const HgEntry *e = hist_entries_const (h);
  guint32 lo = 0, hi = h->n;

  if (h->n == 0 || e[0].step > step)
    return NULL;
  while (hi - lo > 1)
    {
      guint32 mid = lo + (hi - lo) / 2;
      if (e[mid].step <= step)
        lo = mid;
      else
        hi = mid;
    }
  return &e[lo];
}

/* The newest version: while decoding, the one in force at the current step. */
static inline const HgEntry *
hist_last (const HgHist *h)
{
  return h->n ? &hist_entries_const (h)[h->n - 1] : NULL;
}

/* Entries with step <= `step`. */
static inline guint32
hist_count_upto (const HgHist *h, guint32 step)
{
  const HgEntry *e = hist_at (h, step);
  return e ? (guint32)(e - hist_entries_const (h)) + 1 : 0;
}

static inline gboolean
hist_changed_at (const HgHist *h, guint32 step)
{
  const HgEntry *e = hist_at (h, step);
  return e != NULL && e->step == step;
}

/* ---- lookups (lock held) ------------------------------------------------------------------ */

static inline guint32
cur_step (HeapglassTrace *self)
{
  /* Records before a STEP_* record make the state of the step it starts. */
  return self->n_steps + 1;
}

static inline const char *
string_by_sid (HeapglassTrace *self, guint64 sid)
{
  if (sid == 0 || sid > self->strings->len)
    return NULL;
  return g_ptr_array_index (self->strings, sid - 1);
}

static inline gboolean
lookup_oid (HeapglassTrace *self, guint64 oid, guint32 *index)
{
  gpointer found;

  if (oid == 0)
    return FALSE;
  if (oid <= self->n_objs && (self->oid_of == NULL || self->oid_of[oid - 1] == oid))
    {
      *index = (guint32)(oid - 1);
      return TRUE;
    }
  if (self->oid_index != NULL
      && (found = g_hash_table_lookup (self->oid_index, GSIZE_TO_POINTER ((gsize)oid))) != NULL)
    {
      *index = GPOINTER_TO_UINT (found) - 1;
      return TRUE;
    }
  return FALSE;
}

static inline guint64
obj_oid (HeapglassTrace *self, guint32 index)
{
  return self->oid_of ? self->oid_of[index] : (guint64)index + 1;
}

static inline HgKind
obj_kind (const HgObj *obj)
{
  return (HgKind)(obj->type_kind >> KIND_SHIFT);
}

static inline HgObjExt *
obj_ext_get (HeapglassTrace *self, const HgObj *obj)
{
  return obj->ext ? self->exts[obj->ext - 1] : NULL;
}

/* A text blob (hg_make_text) is the value's full length (8 bytes), the prefix's byte length
 * (4 bytes), then the prefix and a NUL; a prefix may hold NULs of its own. */
#define HG_TEXT_HEADER 12

static inline guint64
text_length (const char *blob)
{
  guint64 n = 0;
  for (int i = 0; i < 8; i++)
    n |= (guint64)(guint8)blob[i] << (8 * i);
  return n;
}

static inline gsize
text_bytes (const char *blob)
{
  guint32 n = 0;
  for (int i = 0; i < 4; i++)
    n |= (guint32)(guint8)blob[8 + i] << (8 * i);
  return n;
}

static inline HgFrame *
frame_at_depth (HeapglassTrace *self, guint64 k)
{
  if (k >= self->stack->len)
    return NULL;
  return &self->frames[g_array_index (self->stack, guint32, self->stack->len - 1 - k)];
}

static inline guint32
top_frame_at (HeapglassTrace *self, guint32 step)
{
  const HgEntry *e = hist_at (&self->frame_log, step);
  return e ? e->value : 0;
}

static inline guint32
depth_at (HeapglassTrace *self, guint32 step)
{
  guint32 top = top_frame_at (self, step);
  return top ? self->frames[top - 1].depth : 0;
}

/* ---- storage (heapglass-trace-store.c; lock held) ----------------------------------------- */

HgObjExt *hg_obj_ext (HeapglassTrace *self, HgObj *obj);
const char *hg_make_text (HeapglassTrace *self, guint64 full_length, const guint8 *data, gsize len);
gboolean hg_pool_reserve (HeapglassTrace *self, gsize extra);
void hg_push_bytes_adjust (HeapglassTrace *self, gint64 delta);
guint32 hg_obj_size_now (HeapglassTrace *self, guint32 index);
HgSlot *hg_frame_slot (HgFrame *f, guint32 sid, gboolean create);
void hg_log_top_frame (HeapglassTrace *self);
void hg_trace_trim_arrays (HeapglassTrace *self);
void hg_trace_store_clear (HeapglassTrace *self);
guint64 hg_live_objects_at (HeapglassTrace *self, guint32 step);
guint64 hg_live_bytes_at (HeapglassTrace *self, guint32 step);
gsize hg_output_len_at (HeapglassTrace *self, int stream, guint32 step);

/* ---- decoding (heapglass-trace-decoder.c; lock held) -------------------------------------- */

void hg_resolve_uncaught_exception (HeapglassTrace *self);

G_END_DECLS
