/* heapglass-trace-private.h: the trace model's internal types, shared by its decoder, storage,
 * snapshots and getters. Not installed; nothing outside src/trace/ includes it. */
#pragma once

#include "heapglass-trace.h"
#include "heapglass-trace-spill.h"

#include <string.h>

G_BEGIN_DECLS

/* One version of a value: it became `value` at step `step` (the first step that shows it). Steps
 * count from 1: an entry with step 0 is "no version". */
typedef struct
{
  guint32 step;
  guint32 value;
} HgEntry;

/* A long history is packed (heapglass-trace-pack.c): blocks of HG_PACK_BLOCK entries, each the
 * first entry in full and then varints of the differences (a loop variable's 50 million versions
 * take about 2 bytes each, not 8), found through a two-level directory by their first step. The
 * newest entries wait unpacked in `tail` so that the last one can still change. An entry may carry
 * an `aux` number (the free log: the bytes each free gave back), summed per block. */
#define HG_PACK_SHIFT 7
#define HG_PACK_BLOCK (1u << HG_PACK_SHIFT)
#define HG_PACK_DIR_SHIFT 9 /* blocks per directory chunk */
#define HG_PACK_DIR (1u << HG_PACK_DIR_SHIFT)

typedef struct
{
  guint32 step0; /* the block's first entry */
  guint32 value0;
  guint64 aux_before; /* the sum of `aux` over every entry before the block */
  const guint8 *data; /* [aux0], then per further entry its differences and [aux] (-pack.c) */
} HgPackBlock;

typedef struct
{
  HgPackBlock *blocks; /* HG_PACK_DIR of them */
  guint32 step0;       /* blocks[0].step0, so the search touches one array */
  guint32 pad;
} HgPackDir;

typedef struct
{
  HgPackDir *dir; /* a spill block, doubling */
  guint32 cap_dir;
  guint32 n_blocks; /* packed */
  guint32 n_tail;
  gboolean has_aux;
  guint64 aux_packed; /* the sum of `aux` over the packed blocks */
  HgEntry tail[HG_PACK_BLOCK];
  guint32 tail_aux[HG_PACK_BLOCK];
} HgHistBig;

/* A history longer than this is packed. */
#define HIST_PACK_AT 1024
#define HIST_PACKED G_MAXUINT32 /* `cap` of a packed history */

/* A history: versions in ascending step order. Most histories hold one version (a function's
 * parameter, a tuple's items), so the first one lives inline and costs no allocation; longer
 * ones are a block of the spill, doubling; beyond HIST_PACK_AT entries, packed. */
typedef struct
{
  guint32 n;
  guint32 cap; /* 0 or 1: the entry is `one`; HIST_PACKED: `big` */
  union
  {
    HgEntry one;
    HgEntry *many;
    HgHistBig *big;
  } u;
} HgHist;

/* heapglass-trace-pack.c */
HgEntry hg_pack_get (const HgHistBig *big, guint32 i);
/* Entries with step <= `step`, and the sum of their `aux` when `aux_sum` is not NULL. */
guint32 hg_pack_count_upto (const HgHistBig *big, guint32 step, guint64 *aux_sum);
/* Block `b` (b <= n_blocks: the last one is the tail) unpacked into `out`: its entry count. */
guint32 hg_pack_unpack (const HgHistBig *big, guint32 b, HgEntry *out, guint32 *aux_out);
/* Turns `h` (empty, or a doubling block) into a packed history. */
void hg_hist_make_packed (HgSpill *spill, HgHist *h, gboolean has_aux);
void hg_pack_append (HgSpill *spill, HgHistBig *big, guint32 step, guint32 value, guint32 aux);

/* The i-th version (i < n). */
static inline HgEntry
hist_get (const HgHist *h, guint32 i)
{
  if (h->cap <= 1)
    return h->u.one;
  if (G_LIKELY (h->cap != HIST_PACKED))
    return h->u.many[i];
  return hg_pack_get (h->u.big, i);
}

/* Reads a history in order from entry `i` on, a packed block at a time. */
typedef struct
{
  const HgHist *h;
  guint32 i;
  guint32 block; /* the block in `buf`, G_MAXUINT32 = none */
  HgEntry buf[HG_PACK_BLOCK];
} HgHistIter;

static inline void
hist_iter_init (HgHistIter *it, const HgHist *h, guint32 i)
{
  it->h = h;
  it->i = i;
  it->block = G_MAXUINT32;
}

static inline gboolean
hist_iter_next (HgHistIter *it, HgEntry *e)
{
  const HgHist *h = it->h;

  if (it->i >= h->n)
    return FALSE;
  if (h->cap == HIST_PACKED)
    {
      guint32 b = it->i >> HG_PACK_SHIFT;
      if (b != it->block)
        {
          hg_pack_unpack (h->u.big, b, it->buf, NULL);
          it->block = b;
        }
      *e = it->buf[it->i & (HG_PACK_BLOCK - 1)];
    }
  else
    *e = hist_get (h, it->i);
  it->i++;
  return TRUE;
}

/* A growable array in the spill: chunks of 1 << shift elements that never move, found through a
 * directory kept in memory (a few bytes per megabyte). */
typedef struct
{
  guint8 **chunks;
  guint32 n_chunks;
  guint32 cap_chunks;
  guint64 n;
  guint32 elem;
  guint32 shift;
} HgCol;

void hg_col_init (HgCol *col, gsize elem);
void hg_col_clear (HgCol *col);
void hg_col_add_chunks (HgSpill *spill, HgCol *col, guint32 count);
/* `count` contiguous elements, zero-filled; returns the index of the first. */
guint64 hg_col_push_n (HgSpill *spill, HgCol *col, guint64 count);

static inline gpointer
hg_col_at (const HgCol *col, guint64 i)
{
  return col->chunks[i >> col->shift]
         + (i & ((G_GUINT64_CONSTANT (1) << col->shift) - 1)) * col->elem;
}

/* One zero-filled element at index col->n. */
static inline gpointer
hg_col_push (HgSpill *spill, HgCol *col)
{
  guint64 i = col->n;
  if (G_UNLIKELY ((i >> col->shift) >= col->n_chunks))
    hg_col_add_chunks (spill, col, 1);
  col->n++;
  return hg_col_at (col, i);
}

/* What an object was at creation besides its value: few distinct ones (an int of 28 bytes with
 * one reference…), so objects share them through a table (heapglass-trace-objects.c). */
typedef struct
{
  guint32 type_kind; /* type name sid, kind in the top bits */
  guint32 size0;
  guint32 refcount0;
} HgShape;

/* Mutable parts of an object, allocated on its first change (immutable values never need it). */
typedef struct
{
  HgHist value;  /* index into self->values (VALUE records), or WEAKREF referent index + 1 */
  HgHist length; /* containers: exact length */
  HgHist items;  /* pool offset of an items block: [n, item…] or [n, key, value…] */
  HgHist attrs;  /* pool offset of an attrs block: [n, name sid, item…] */
  HgHist size;
  HgHist refcount;
  HgShape shape; /* the object's, once it has this record */
  guint32 pad;
} HgObjExt;

typedef union
{
  gint64 i;
  double f;
  const char *text; /* a text blob: 8-byte little-endian full length, then the bytes, then NUL */
} HgValue;

/* One object: 16 bytes, since the loops that make long traces make an object every step or two
 * (heapglass-trace-objects.c). Its oid is its index + 1 while the tracer's oids stay dense (they
 * do: 1, 2, 3, …); other oids go through a table. */
typedef struct
{
  guint32 created;
  guint32 freed; /* 0 = alive at the end of the trace */
  guint32 v0;    /* the value at creation: an int or bool of 31 bits as (value << 1) | 1, else
                    an index into self->values << 1 */
  guint32 shape; /* index into self->shapes, or HG_OBJ_EXT | index into self->exts */
} HgObj;

#define HG_OBJ_EXT 0x80000000u
#define KIND_SHIFT 27
#define SID_MASK ((1u << KIND_SHIFT) - 1)
/* Every SIZE_MARK_EVERY-th object, the creation step and the sum of the sizes at creation of the
 * objects before it are kept in memory: counting what lives at a step reads one page of objects. */
#define SIZE_MARK_EVERY 256

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
  HgSlot *slots;          /* a block of the spill */
  GHashTable *slot_index; /* name sid → slot index + 1, once a frame has many names; dropped when
                             the frame returns (its names never change after) */
} HgFrame;

/* Objects' addresses and which ones CPython made before the program (OBJ_NEW_AT, stream version
 * 3), beside the object records: heapglass-trace-addresses.c. */
typedef struct
{
  HgCol offsets;    /* gint32 per object: (address - its block's base) / 8, or G_MININT32 */
  GArray *bases;    /* guint64 per block of objects */
  GArray *far;      /* the addresses no offset holds, by ascending object index */
  GArray *premade;  /* guint32: indices of the objects made before the program, ascending */
  guint64 previous; /* the decoder's last OBJ_NEW_AT address */
} HgAddresses;

typedef struct
{
  guint32 step;
  guint32 frame;
  guint32 type_sid;
  const char *message; /* in the spill */
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

  /* the bulk: everything that grows with the run lives in the spill */
  HgSpill *spill;
  char *spill_dir; /* NULL: in memory */
  guint64 disk_limit;

  /* steps */
  guint32 n_steps;
  guint32 last_line; /* the line of step n_steps */
  HgCol steps; /* guint16: line | event << STEP_EVENT_SHIFT, line STEP_WIDE_LINE: in wide_lines */
  HgHist wide_lines; /* (step, line) of the steps whose line does not fit */

  /* frames */
  HgCol frames; /* HgFrame */
  guint32 n_frames;
  GArray *stack;    /* frame indices, innermost last */
  HgHist frame_log; /* top frame index + 1 from a step on */

  /* objects */
  HgCol objs; /* HgObj */
  guint32 n_objs;
  GHashTable *oid_index; /* oid → index + 1 for oids that are not dense */
  guint64 *oid_of;       /* index → oid, once an oid was not dense */
  guint32 cap_oid_of;
  HgCol exts;      /* HgObjExt */
  HgShape *shapes; /* shape id → shape (in memory: few) */
  guint32 n_shapes;
  guint32 cap_shapes;
  guint32 *shape_table; /* open addressing: shape id + 1, 0 = empty */
  guint32 shape_table_mask;
  HgAddresses addresses;
  guint64 *size_marks;    /* sizes at creation of objects [0, k × SIZE_MARK_EVERY) */
  guint32 *created_marks; /* the creation step of object k × SIZE_MARK_EVERY */
  guint32 n_size_marks;
  guint32 cap_size_marks;
  guint64 size_total;
  HgCol values;    /* HgValue */
  HgCol pool;      /* guint32 blocks, each within one run of chunks */
  HgHist free_log; /* packed: (step, index) of each free, in order, with the bytes it gave back */
  guint64 freed_total;
  HgCol bytes_log; /* HgBytesMark: size changes of live objects (META), summed */
  gint64 bytes_adjust;
  guint64 live_objects;
  guint64 peak_objects;
  /* the memory profile, kept as steps arrive (heapglass_trace_get_memory_profile) */
  HeapglassMemoryBucket *profile; /* HEAPGLASS_MEMORY_PROFILE_BUCKETS, made on the first step */
  guint32 profile_bucket_size;
  guint64 peak_step_objects;
  guint32 peak_objects_step;
  guint64 peak_step_bytes;
  guint32 peak_bytes_step;
  guint32 max_depth;

  /* output, input, exceptions */
  GByteArray *output[2];
  HgCol output_log[2]; /* HgOutputMark */
  GArray *inputs;      /* HgInput */
  HgCol exceptions;    /* HgException */
  HgCol returns;       /* HgReturn, in step order */

  /* ending */
  HgEnding ending;
  int exit_status;
  int signal_number;
  const char *end_message; /* in `chunk`: callers may hold it while decoding goes on */
  guint32 end_line;
  guint32 last_exception_type;
  const char *last_exception_message; /* in the spill, likewise */
  const char *uncaught_type;          /* in `chunk`, set by the END record */
  const char *uncaught_message;

  /* names left out of every snapshot (heapglass-trace-changes.c), NULL = none */
  GHashTable *hidden_names;
};

/* The body of a getter: `expr` under the lock. */
#define LOCKED_GET(type, expr)                                                                     \
  {                                                                                                \
    type value_;                                                                                   \
    trace_lock (self);                                                                             \
    value_ = (expr);                                                                               \
    g_mutex_unlock (&self->lock);                                                                  \
    return value_;                                                                                 \
  }

/* Takes the lock as a reader: see readers_waiting. */
static inline void
trace_lock (HeapglassTrace *self)
{
  g_atomic_int_inc (&self->readers_waiting);
  g_mutex_lock (&self->lock);
  g_atomic_int_dec_and_test (&self->readers_waiting);
}

/* ---- histories (heapglass-trace-store.c) -------------------------------------------------- */

/* Appends a version; several records of one step keep the last value. With `same_step_merges`
 * FALSE every entry is kept. */
void hg_hist_append (HgSpill *spill, HgHist *h, guint32 step, guint32 value,
                     gboolean same_step_merges);

static inline void
hist_push (HgSpill *spill, HgHist *h, guint32 step, guint32 value)
{
  hg_hist_append (spill, h, step, value, TRUE);
}

/* Entries with step <= `step`. */
static inline guint32
hist_count_upto (const HgHist *h, guint32 step)
{
  guint32 lo = 0, hi = h->n;

  if (h->cap == HIST_PACKED)
    return hg_pack_count_upto (h->u.big, step, NULL);
  {
    const HgEntry *e = h->cap <= 1 ? &h->u.one : h->u.many;
    while (lo < hi)
      {
        guint32 mid = lo + (hi - lo) / 2;
        if (e[mid].step <= step)
          lo = mid + 1;
        else
          hi = mid;
      }
  }
  return lo;
}

/* The version in force at `step`; step 0 when the history starts later. */
static inline HgEntry
hist_at (const HgHist *h, guint32 step)
{
  guint32 k = hist_count_upto (h, step);
  return k ? hist_get (h, k - 1) : (HgEntry){ 0, 0 };
}

/* The newest version (step 0: none): while decoding, the one in force at the current step. */
static inline HgEntry
hist_last (const HgHist *h)
{
  if (h->n == 0)
    return (HgEntry){ 0, 0 };
  if (h->cap == HIST_PACKED)
    return h->u.big->tail[h->u.big->n_tail - 1]; /* the tail is never empty */
  return hist_get (h, h->n - 1);
}

static inline gboolean
hist_changed_at (const HgHist *h, guint32 step)
{
  return step != 0 && hist_at (h, step).step == step;
}

/* ---- lookups (lock held) ------------------------------------------------------------------ */

#define STEP_EVENT_SHIFT 14
#define STEP_WIDE_LINE ((1u << STEP_EVENT_SHIFT) - 1)
#define STEP_MAX_LINE ((1u << 30) - 1) /* what older models held; lines beyond are refused */

static inline guint32
step_line (HeapglassTrace *self, guint32 step) /* 1-based */
{
  guint32 line = *(const guint16 *)hg_col_at (&self->steps, step - 1) & STEP_WIDE_LINE;
  return G_LIKELY (line != STEP_WIDE_LINE) ? line : hist_at (&self->wide_lines, step).value;
}

static inline HeapglassEvent
step_event (HeapglassTrace *self, guint32 step)
{
  return (HeapglassEvent)(*(const guint16 *)hg_col_at (&self->steps, step - 1) >> STEP_EVENT_SHIFT);
}

static inline HgObj *
obj_at (HeapglassTrace *self, guint32 index)
{
  return hg_col_at (&self->objs, index);
}

static inline HgFrame *
frame_at (HeapglassTrace *self, guint32 index)
{
  return hg_col_at (&self->frames, index);
}

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

static inline HgObjExt *
obj_ext_get (HeapglassTrace *self, const HgObj *obj)
{
  return (obj->shape & HG_OBJ_EXT) ? hg_col_at (&self->exts, obj->shape & ~HG_OBJ_EXT) : NULL;
}

static inline const HgShape *
obj_shape (HeapglassTrace *self, const HgObj *obj)
{
  return (obj->shape & HG_OBJ_EXT) ? &obj_ext_get (self, obj)->shape : &self->shapes[obj->shape];
}

static inline HgKind
obj_kind (HeapglassTrace *self, const HgObj *obj)
{
  return (HgKind)(obj_shape (self, obj)->type_kind >> KIND_SHIFT);
}

static inline HgValue
obj_value0 (HeapglassTrace *self, const HgObj *obj)
{
  HgValue v;

  if (obj->v0 & 1)
    v.i = (gint64)((gint32)obj->v0 >> 1);
  else
    v = *(const HgValue *)hg_col_at (&self->values, obj->v0 >> 1);
  return v;
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
  return frame_at (self, g_array_index (self->stack, guint32, self->stack->len - 1 - k));
}

static inline guint32
top_frame_at (HeapglassTrace *self, guint32 step)
{
  return hist_at (&self->frame_log, step).value;
}

static inline guint32
depth_at (HeapglassTrace *self, guint32 step)
{
  guint32 top = top_frame_at (self, step);
  return top ? frame_at (self, top - 1)->depth : 0;
}

/* ---- storage (heapglass-trace-store.c; lock held) ----------------------------------------- */

HgObjExt *hg_obj_ext (HeapglassTrace *self, HgObj *obj);
/* heapglass-trace-objects.c: a new object record at index n_objs (its fields set), FALSE when
 * there are too many values. */
gboolean hg_obj_new (HeapglassTrace *self, guint32 type_kind, guint32 size0, guint32 refcount0,
                     HgKind kind, const HgValue *value);
void hg_objects_clear (HeapglassTrace *self);
gsize hg_objects_memory (HeapglassTrace *self);
const char *hg_make_text (HeapglassTrace *self, guint64 full_length, const guint8 *data, gsize len);
/* A pool block of `len` entries: its offset, or FALSE when the pool is full. */
gboolean hg_pool_block (HeapglassTrace *self, gsize len, guint32 *offset);
void hg_push_bytes_adjust (HeapglassTrace *self, gint64 delta);
guint32 hg_obj_size_now (HeapglassTrace *self, guint32 index);
HgSlot *hg_frame_slot (HeapglassTrace *self, HgFrame *f, guint32 sid, gboolean create);
void hg_log_top_frame (HeapglassTrace *self);
/* The spill, made on first use (in memory unless a folder was set). */
HgSpill *hg_trace_spill (HeapglassTrace *self);
void hg_trace_store_init (HeapglassTrace *self);
void hg_trace_store_clear (HeapglassTrace *self);
guint64 hg_live_objects_at (HeapglassTrace *self, guint32 step);

/* heapglass-trace-addresses.c */
void hg_addresses_init (HgAddresses *addresses);
void hg_addresses_clear (HgAddresses *addresses);
/* Called for every object, in index order (0 = the stream gave no address). */
void hg_addresses_add (HeapglassTrace *self, guint32 index, guint64 address, gboolean premade);
guint64 hg_address_of (HeapglassTrace *self, guint32 index);
gboolean hg_is_premade (HeapglassTrace *self, guint32 index);
/* How many of the objects [0, n_created) were made before the program. */
guint32 hg_premade_created_upto (HeapglassTrace *self, guint32 n_created);
gsize hg_addresses_memory (HeapglassTrace *self);
guint64 hg_live_bytes_at (HeapglassTrace *self, guint32 step);
gsize hg_output_len_at (HeapglassTrace *self, int stream, guint32 step);
/* The step just decoded (n_steps) goes into the memory profile. */
void hg_profile_add_step (HeapglassTrace *self);

static inline guint32 *
pool_at (HeapglassTrace *self, guint32 offset)
{
  return hg_col_at (&self->pool, offset);
}

/* ---- decoding (heapglass-trace-decoder.c; lock held) -------------------------------------- */

void hg_resolve_uncaught_exception (HeapglassTrace *self);

G_END_DECLS
