/* heapglass-trace.c: decodes the tracer's stream incrementally into per-step arrays and per-name /
 * per-object version histories, and rebuilds any step's state by binary search (no keyframes). */
#include "heapglass-trace.h"

#include <glib/gi18n.h>
#include <string.h>

/* The first argument is stringified: keep clang-format away from it. */
/* clang-format off */
G_DEFINE_QUARK (heapglass-trace-error-quark, heapglass_trace_error)
/* clang-format on */

/* How many records feed() decodes before it lets go of the lock, so that snapshot() on another
 * thread never waits long. */
#define RECORDS_PER_LOCK 4096

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
};

static inline void
trace_lock (HeapglassTrace *self)
{
  g_atomic_int_inc (&self->readers_waiting);
  g_mutex_lock (&self->lock);
  g_atomic_int_dec_and_test (&self->readers_waiting);
}

G_DEFINE_FINAL_TYPE (HeapglassTrace, heapglass_trace, G_TYPE_OBJECT)

/* ---- histories ---------------------------------------------------------------------------- */

/* Appends a version; several records of one step keep the last value. With `same_step_merges`
 * FALSE (the free log) every entry is kept. */
static void
hist_append (HgHist *h, guint32 step, guint32 value, gboolean same_step_merges)
{
  HgEntry *e;

  if (same_step_merges && h->n > 0 && hist_entries (h)[h->n - 1].step == step)
    {
      hist_entries (h)[h->n - 1].value = value;
      return;
    }
  if (h->n == 0 && h->cap == 0)
    h->cap = 1;
  else if (h->n == h->cap)
    {
      guint32 cap = h->cap < 4 ? 4 : h->cap * 2;
      HgEntry *many;
      if (h->cap <= 1)
        {
          many = g_new (HgEntry, cap);
          many[0] = h->u.one;
        }
      else
        many = g_renew (HgEntry, h->u.many, cap);
      h->u.many = many;
      h->cap = cap;
    }
  e = &hist_entries (h)[h->n];
  e->step = step;
  e->value = value;
  h->n++;
}

static void
hist_push (HgHist *h, guint32 step, guint32 value)
{
  hist_append (h, step, value, TRUE);
}

/* The version in force at `step`, or NULL when the history starts later. */
static const HgEntry *
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
static const HgEntry *
hist_last (const HgHist *h)
{
  return h->n ? &hist_entries_const (h)[h->n - 1] : NULL;
}

/* Entries with step <= `step`. */
static guint32
hist_count_upto (const HgHist *h, guint32 step)
{
  const HgEntry *e = hist_at (h, step);
  return e ? (guint32)(e - hist_entries_const (h)) + 1 : 0;
}

static gboolean
hist_changed_at (const HgHist *h, guint32 step)
{
  const HgEntry *e = hist_at (h, step);
  return e != NULL && e->step == step;
}

static void
hist_clear (HgHist *h)
{
  if (h->cap > 1)
    g_free (h->u.many);
  h->n = h->cap = 0;
}

/* ---- strings ------------------------------------------------------------------------------ */

const char *
heapglass_event_to_string (HeapglassEvent event)
{
  static const char *const names[] = { "line", "call", "return", "exception" };
  if ((guint)event < G_N_ELEMENTS (names))
    return names[event];
  return "line";
}

const char *
heapglass_ending_to_string (HgEnding ending)
{
  static const char *const names[] = {
    "running",    "finished",     "exception",    "exit",    "crashed",      "step-limit",
    "time-limit", "memory-limit", "output-limit", "stopped", "syntax-error", "unreadable",
  };
  if ((guint)ending < G_N_ELEMENTS (names))
    return names[ending];
  return "running";
}

const char *
heapglass_kind_to_string (HgKind kind)
{
  static const char *const names[] = {
    "none", "bool",      "int",  "bigint",   "float",    "str",   "bytes",  "list",    "tuple",
    "set",  "frozenset", "dict", "instance", "function", "class", "module", "weakref", "other",
  };
  if ((guint)kind < G_N_ELEMENTS (names))
    return names[kind];
  return "other";
}

/* ---- object ------------------------------------------------------------------------------- */

static void
heapglass_trace_finalize (GObject *object)
{
  HeapglassTrace *self = HEAPGLASS_TRACE (object);

  for (guint32 i = 0; i < self->n_frames; i++)
    {
      HgFrame *f = &self->frames[i];
      for (guint32 j = 0; j < f->n_slots; j++)
        hist_clear (&f->slots[j].h);
      g_free (f->slots);
      g_clear_pointer (&f->slot_index, g_hash_table_unref);
    }
  g_free (self->frames);
  for (guint32 i = 0; i < self->n_exts; i++)
    {
      HgObjExt *x = self->exts[i];
      hist_clear (&x->value);
      hist_clear (&x->length);
      hist_clear (&x->items);
      hist_clear (&x->attrs);
      hist_clear (&x->size);
      hist_clear (&x->refcount);
      g_free (x);
    }
  g_free (self->objs);
  g_free (self->exts);
  g_free (self->oid_of);
  g_free (self->size_marks);
  g_clear_pointer (&self->oid_index, g_hash_table_unref);
  g_free (self->values);
  g_free (self->pool);
  hist_clear (&self->free_log);
  hist_clear (&self->frame_log);
  g_free (self->bytes_log);
  g_array_unref (self->stack);
  g_free (self->lines);
  g_free (self->events);
  for (guint i = 0; i < self->inputs->len; i++)
    g_free (g_array_index (self->inputs, HgInput, i).prompt);
  g_array_unref (self->inputs);
  for (guint i = 0; i < self->exceptions->len; i++)
    g_free (g_array_index (self->exceptions, HgException, i).message);
  g_array_unref (self->exceptions);
  for (int i = 0; i < 2; i++)
    {
      g_byte_array_unref (self->output[i]);
      g_array_unref (self->output_log[i]);
    }
  g_ptr_array_unref (self->strings);
  g_string_chunk_free (self->chunk);
  g_byte_array_unref (self->pending);
  g_clear_error (&self->error);
  g_free (self->script);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (heapglass_trace_parent_class)->finalize (object);
}

static void
heapglass_trace_class_init (HeapglassTraceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = heapglass_trace_finalize;
}

static void
heapglass_trace_init (HeapglassTrace *self)
{
  g_mutex_init (&self->lock);
  self->pending = g_byte_array_new ();
  self->chunk = g_string_chunk_new (16 * 1024);
  self->strings = g_ptr_array_new ();
  self->stack = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->inputs = g_array_new (FALSE, FALSE, sizeof (HgInput));
  self->exceptions = g_array_new (FALSE, FALSE, sizeof (HgException));
  for (int i = 0; i < 2; i++)
    {
      self->output[i] = g_byte_array_new ();
      self->output_log[i] = g_array_new (FALSE, FALSE, sizeof (HgOutputMark));
    }
}

HeapglassTrace *
heapglass_trace_new (void)
{
  return g_object_new (HEAPGLASS_TYPE_TRACE, NULL);
}

/* ---- reader ------------------------------------------------------------------------------- */

typedef enum
{
  RD_OK,
  RD_MORE, /* the record is not complete yet */
  RD_BAD,  /* corrupt; error set */
} RdStatus;

typedef struct
{
  const guint8 *start;
  const guint8 *p;
  const guint8 *end;
  gsize base; /* stream offset of start */
  GError **error;
} Rd;

#define RD(x)                                                                                      \
  G_STMT_START                                                                                     \
  {                                                                                                \
    RdStatus rd_status_ = (x);                                                                     \
    if (rd_status_ != RD_OK)                                                                       \
      return rd_status_;                                                                           \
  }                                                                                                \
  G_STMT_END

G_GNUC_PRINTF (2, 3)
static RdStatus
rd_corrupt (Rd *r, const char *format, ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (r->error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT,
               _("Corrupt trace at byte %" G_GSIZE_FORMAT ": %s"),
               r->base + (gsize)(r->p - r->start), what);
  return RD_BAD;
}

static RdStatus
rd_varint (Rd *r, guint64 *out)
{
  guint64 value = 0;

  for (int shift = 0;; shift += 7)
    {
      guint8 b;
      if (r->p >= r->end)
        return RD_MORE;
      b = *r->p++;
      if (shift == 63 && b > 1)
        return rd_corrupt (r, "varint overflows 64 bits");
      value |= (guint64)(b & 0x7f) << shift;
      if (!(b & 0x80))
        break;
      if (shift >= 63)
        return rd_corrupt (r, "varint longer than 10 bytes");
    }
  *out = value;
  return RD_OK;
}

static RdStatus
rd_u32 (Rd *r, guint32 *out)
{
  guint64 v;
  RD (rd_varint (r, &v));
  if (v > G_MAXUINT32)
    return rd_corrupt (r, "value %" G_GUINT64_FORMAT " out of range", v);
  *out = (guint32)v;
  return RD_OK;
}

static RdStatus
rd_zigzag (Rd *r, gint64 *out)
{
  guint64 v;
  RD (rd_varint (r, &v));
  *out = (gint64)(v >> 1) ^ -(gint64)(v & 1);
  return RD_OK;
}

static RdStatus
rd_bytes (Rd *r, const guint8 **data, gsize *len)
{
  guint64 n;
  RD (rd_varint (r, &n));
  if (n > HG_TRACE_MAX_STRING)
    return rd_corrupt (r, "string of %" G_GUINT64_FORMAT " bytes", n);
  if ((guint64)(r->end - r->p) < n)
    return RD_MORE;
  *data = r->p;
  *len = (gsize)n;
  r->p += n;
  return RD_OK;
}

static RdStatus
rd_byte (Rd *r, guint8 *out)
{
  if (r->p >= r->end)
    return RD_MORE;
  *out = *r->p++;
  return RD_OK;
}

static RdStatus
rd_double (Rd *r, double *out)
{
  guint64 bits = 0;
  if (r->end - r->p < 8)
    return RD_MORE;
  for (int i = 0; i < 8; i++)
    bits |= (guint64)r->p[i] << (8 * i);
  r->p += 8;
  memcpy (out, &bits, sizeof *out);
  return RD_OK;
}

/* A count of following varints: each takes at least one byte, so more than what the longest
 * string could hold is corrupt rather than "wait for more". */
static RdStatus
rd_count (Rd *r, guint32 *out, guint per_item)
{
  RD (rd_u32 (r, out));
  if ((guint64)*out * per_item > HG_TRACE_MAX_STRING)
    return rd_corrupt (r, "count %u too large", *out);
  return RD_OK;
}

/* ---- decoding helpers (lock held) --------------------------------------------------------- */

static guint32
cur_step (HeapglassTrace *self)
{
  /* Records before a STEP_* record make the state of the step it starts. */
  return self->n_steps + 1;
}

static const char *
string_by_sid (HeapglassTrace *self, guint64 sid)
{
  if (sid == 0 || sid > self->strings->len)
    return NULL;
  return g_ptr_array_index (self->strings, sid - 1);
}

static RdStatus
check_sid (HeapglassTrace *self, Rd *r, guint64 sid)
{
  if (string_by_sid (self, sid) == NULL)
    return rd_corrupt (r, "unknown string id %" G_GUINT64_FORMAT, sid);
  return RD_OK;
}

static gboolean
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

static RdStatus
rd_object (HeapglassTrace *self, Rd *r, guint32 *index)
{
  guint64 oid;
  RD (rd_varint (r, &oid));
  if (!lookup_oid (self, oid, index))
    return rd_corrupt (r, "unknown object id %" G_GUINT64_FORMAT, oid);
  return RD_OK;
}

static guint64
obj_oid (HeapglassTrace *self, guint32 index)
{
  return self->oid_of ? self->oid_of[index] : (guint64)index + 1;
}

static HgKind
obj_kind (const HgObj *obj)
{
  return (HgKind)(obj->type_kind >> KIND_SHIFT);
}

static HgObjExt *
obj_ext_get (HeapglassTrace *self, const HgObj *obj)
{
  return obj->ext ? self->exts[obj->ext - 1] : NULL;
}

static HgObjExt *
obj_ext (HeapglassTrace *self, HgObj *obj)
{
  if (obj->ext == 0)
    {
      if (self->n_exts == self->cap_exts)
        {
          self->cap_exts = self->cap_exts ? self->cap_exts * 2 : 256;
          self->exts = g_renew (HgObjExt *, self->exts, self->cap_exts);
        }
      self->exts[self->n_exts++] = g_new0 (HgObjExt, 1);
      obj->ext = self->n_exts;
    }
  return self->exts[obj->ext - 1];
}

static const char *
make_text (HeapglassTrace *self, guint64 full_length, const guint8 *data, gsize len)
{
  g_autofree char *blob = g_malloc (8 + len + 1);
  for (int i = 0; i < 8; i++)
    blob[i] = (char)(full_length >> (8 * i));
  memcpy (blob + 8, data, len);
  blob[8 + len] = '\0';
  return g_string_chunk_insert_len (self->chunk, blob, (gssize)(8 + len));
}

static guint64
text_length (const char *blob)
{
  guint64 n = 0;
  for (int i = 0; i < 8; i++)
    n |= (guint64)(guint8)blob[i] << (8 * i);
  return n;
}

/* Reads a value payload of `kind` (OBJ_NEW after the common fields, or VALUE). */
static RdStatus
rd_payload (HeapglassTrace *self, Rd *r, HgKind kind, HgValue *value)
{
  const guint8 *data;
  gsize len;
  guint64 full;
  guint8 b;

  memset (value, 0, sizeof *value);
  switch (kind)
    {
    case HG_KIND_BOOL:
      RD (rd_byte (r, &b));
      value->i = b != 0;
      break;
    case HG_KIND_INT:
      RD (rd_zigzag (r, &value->i));
      break;
    case HG_KIND_FLOAT:
      RD (rd_double (r, &value->f));
      break;
    case HG_KIND_STR:
    case HG_KIND_BYTES:
      RD (rd_varint (r, &full));
      RD (rd_bytes (r, &data, &len));
      if (full < len)
        return rd_corrupt (r, "string prefix longer than the string");
      value->text = make_text (self, full, data, len);
      break;
    case HG_KIND_BIGINT:
    case HG_KIND_FUNCTION:
    case HG_KIND_CLASS:
    case HG_KIND_MODULE:
    case HG_KIND_OTHER:
      RD (rd_bytes (r, &data, &len));
      value->text = make_text (self, len, data, len);
      break;
    default:
      break;
    }
  return RD_OK;
}

static gboolean
pool_reserve (HeapglassTrace *self, gsize extra)
{
  if (self->pool_len + extra > G_MAXUINT32)
    return FALSE;
  if (self->pool_len + extra > self->pool_cap)
    {
      gsize cap = self->pool_cap ? self->pool_cap : 1024;
      while (cap < self->pool_len + extra)
        cap *= 2;
      self->pool = g_renew (guint32, self->pool, cap);
      self->pool_cap = cap;
    }
  return TRUE;
}

static void
push_bytes_adjust (HeapglassTrace *self, gint64 delta)
{
  if (delta == 0)
    return;
  self->bytes_adjust += delta;
  if (self->n_bytes_log > 0 && self->bytes_log[self->n_bytes_log - 1].step == cur_step (self))
    {
      self->bytes_log[self->n_bytes_log - 1].total = self->bytes_adjust;
      return;
    }
  if (self->n_bytes_log == self->cap_bytes_log)
    {
      self->cap_bytes_log = self->cap_bytes_log ? self->cap_bytes_log * 2 : 64;
      self->bytes_log = g_renew (HgBytesMark, self->bytes_log, self->cap_bytes_log);
    }
  self->bytes_log[self->n_bytes_log].step = cur_step (self);
  self->bytes_log[self->n_bytes_log].pad = 0;
  self->bytes_log[self->n_bytes_log].total = self->bytes_adjust;
  self->n_bytes_log++;
}

/* The size now, while decoding. */
static guint32
obj_size_now (HeapglassTrace *self, guint32 index)
{
  HgObjExt *x = obj_ext_get (self, &self->objs[index]);
  const HgEntry *e = x ? hist_last (&x->size) : NULL;
  return e ? e->value : self->objs[index].size0;
}

static HgFrame *
frame_at_depth (HeapglassTrace *self, guint64 k)
{
  if (k >= self->stack->len)
    return NULL;
  return &self->frames[g_array_index (self->stack, guint32, self->stack->len - 1 - k)];
}

static HgSlot *
frame_slot (HgFrame *f, guint32 sid, gboolean create)
{
  if (f->slot_index != NULL)
    {
      gpointer found = g_hash_table_lookup (f->slot_index, GUINT_TO_POINTER (sid));
      if (found)
        return &f->slots[GPOINTER_TO_UINT (found) - 1];
    }
  else
    {
      for (guint32 i = f->n_slots; i > 0; i--)
        if (f->slots[i - 1].name_sid == sid)
          return &f->slots[i - 1];
    }
  if (!create)
    return NULL;
  if (f->n_slots == f->cap_slots)
    {
      f->cap_slots = f->cap_slots ? f->cap_slots * 2 : 4;
      f->slots = g_renew (HgSlot, f->slots, f->cap_slots);
    }
  memset (&f->slots[f->n_slots], 0, sizeof (HgSlot));
  f->slots[f->n_slots].name_sid = sid;
  f->n_slots++;
  if (f->slot_index == NULL && f->n_slots > 16)
    {
      f->slot_index = g_hash_table_new (NULL, NULL);
      for (guint32 i = 0; i < f->n_slots; i++)
        g_hash_table_insert (f->slot_index, GUINT_TO_POINTER (f->slots[i].name_sid),
                             GUINT_TO_POINTER (i + 1));
    }
  else if (f->slot_index != NULL)
    g_hash_table_insert (f->slot_index, GUINT_TO_POINTER (sid), GUINT_TO_POINTER (f->n_slots));
  return &f->slots[f->n_slots - 1];
}

static void
log_top_frame (HeapglassTrace *self)
{
  guint32 top
      = self->stack->len ? g_array_index (self->stack, guint32, self->stack->len - 1) + 1 : 0;
  hist_push (&self->frame_log, cur_step (self), top);
}

/* ---- records ------------------------------------------------------------------------------ */

static RdStatus
decode_header (HeapglassTrace *self, Rd *r)
{
  guint64 version, max_items;
  const guint8 *data;
  gsize len;
  gsize have = MIN ((gsize)(r->end - r->p), (gsize)HG_TRACE_MAGIC_LEN);

  if (memcmp (r->p, HG_TRACE_MAGIC, have) != 0)
    return rd_corrupt (r, "not a Heapglass trace (bad magic)");
  if (have < HG_TRACE_MAGIC_LEN)
    return RD_MORE;
  r->p += HG_TRACE_MAGIC_LEN;
  RD (rd_varint (r, &version));
  if (version != HG_TRACE_VERSION)
    {
      g_set_error (r->error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_VERSION,
                   _("Trace format version %" G_GUINT64_FORMAT " is not supported (this build "
                      "reads version %d)"),
                   version, HG_TRACE_VERSION);
      return RD_BAD;
    }
  RD (rd_varint (r, &max_items));
  if (max_items > G_MAXUINT32)
    return rd_corrupt (r, "item limit out of range");
  RD (rd_bytes (r, &data, &len));
  self->max_items = (guint32)max_items;
  self->script = g_utf8_make_valid ((const char *)data, (gssize)len);
  return RD_OK;
}

static RdStatus
decode_step (HeapglassTrace *self, Rd *r, HeapglassEvent event)
{
  guint32 line = 0;

  RD (rd_u32 (r, &line));
  if (self->n_steps == G_MAXUINT32 - 1)
    return rd_corrupt (r, "too many steps");
  if (self->n_steps == self->cap_steps)
    {
      self->cap_steps = self->cap_steps ? self->cap_steps * 2 : 1024;
      self->lines = g_renew (guint32, self->lines, self->cap_steps);
      self->events = g_renew (guint8, self->events, self->cap_steps);
    }
  self->lines[self->n_steps] = line;
  self->events[self->n_steps] = (guint8)event;
  self->n_steps++;
  self->peak_objects = MAX (self->peak_objects, self->live_objects);
  self->max_depth = MAX (self->max_depth, self->stack->len);
  return RD_OK;
}

static RdStatus
decode_obj_new (HeapglassTrace *self, Rd *r)
{
  guint64 oid, type_sid, kind, size, refcount;
  HgValue value;
  HgObj *obj;
  guint32 dummy;

  RD (rd_varint (r, &oid));
  RD (rd_varint (r, &type_sid));
  RD (rd_varint (r, &kind));
  RD (rd_varint (r, &size));
  RD (rd_varint (r, &refcount));
  if (kind > HG_KIND_LAST)
    return rd_corrupt (r, "unknown object kind %" G_GUINT64_FORMAT, kind);
  RD (rd_payload (self, r, (HgKind)kind, &value));
  if (oid == 0 || lookup_oid (self, oid, &dummy))
    return rd_corrupt (r, "object id %" G_GUINT64_FORMAT " reused", oid);
  RD (check_sid (self, r, type_sid));
  if (type_sid > SID_MASK)
    return rd_corrupt (r, "too many strings");
  if (self->n_objs == G_MAXUINT32 - 1)
    return rd_corrupt (r, "too many objects");

  if (self->n_objs == self->cap_objs)
    {
      self->cap_objs = self->cap_objs ? self->cap_objs * 2 : 1024;
      self->objs = g_renew (HgObj, self->objs, self->cap_objs);
      if (self->oid_of != NULL)
        self->oid_of = g_renew (guint64, self->oid_of, self->cap_objs);
    }
  if (self->n_objs % SIZE_MARK_EVERY == 0)
    {
      self->size_marks = g_renew (guint64, self->size_marks, self->n_size_marks + 1);
      self->size_marks[self->n_size_marks++] = self->size_total;
    }
  obj = &self->objs[self->n_objs];
  memset (obj, 0, sizeof *obj);
  obj->created = cur_step (self);
  obj->type_kind = (guint32)type_sid | ((guint32)kind << KIND_SHIFT);
  obj->size0 = (guint32)MIN (size, G_MAXUINT32);
  obj->refcount0 = (guint32)MIN (refcount, G_MAXUINT32);
  obj->v0 = value;
  self->size_total += obj->size0;
  if (oid != (guint64)self->n_objs + 1 && self->oid_of == NULL)
    {
      /* The first oid that is not dense: from now on oids go through tables. */
      self->oid_of = g_new (guint64, self->cap_objs);
      for (guint32 i = 0; i < self->n_objs; i++)
        self->oid_of[i] = (guint64)i + 1;
      self->oid_index = g_hash_table_new (NULL, NULL);
    }
  if (self->oid_of != NULL)
    {
      self->oid_of[self->n_objs] = oid;
      g_hash_table_insert (self->oid_index, GSIZE_TO_POINTER ((gsize)oid),
                           GUINT_TO_POINTER (self->n_objs + 1));
    }
  self->n_objs++;
  self->live_objects++;
  self->peak_objects = MAX (self->peak_objects, self->live_objects);
  return RD_OK;
}

static RdStatus
decode_obj_free (HeapglassTrace *self, Rd *r)
{
  guint32 index;
  HgObj *obj;

  RD (rd_object (self, r, &index));
  obj = &self->objs[index];
  if (obj->freed)
    return rd_corrupt (r, "object %" G_GUINT64_FORMAT " freed twice", obj_oid (self, index));
  obj->freed = cur_step (self);
  self->live_objects--;
  /* The free log keeps every free, several per step. */
  hist_append (&self->free_log, obj->freed, index, FALSE);
  push_bytes_adjust (self, -(gint64)obj_size_now (self, index));
  return RD_OK;
}

static RdStatus
decode_seq (HeapglassTrace *self, Rd *r)
{
  guint32 index = 0, start = 0, count = 0, old_n = 0, new_n;
  guint64 length;
  const guint8 *items;
  HgObjExt *x;
  const HgEntry *prev;
  guint32 *block;

  RD (rd_object (self, r, &index));
  RD (rd_varint (r, &length));
  RD (rd_u32 (r, &start));
  RD (rd_count (r, &count, 1));
  items = r->p;
  for (guint32 i = 0; i < count; i++)
    {
      guint32 dummy;
      RD (rd_object (self, r, &dummy));
    }
  if ((guint64)start + count > length)
    return rd_corrupt (r, "items beyond the sequence's length");
  /* Views of a dict hold key/value pairs: items of another shape would be misread. */
  if (obj_kind (&self->objs[index]) == HG_KIND_DICT)
    return rd_corrupt (r, "SEQ record for a dict");

  x = obj_ext (self, &self->objs[index]);
  prev = hist_last (&x->items);
  if (prev)
    old_n = self->pool[prev->value] & 0x7fffffff;
  /* New known prefix: the old one up to `start`, the new items, then what the old one had beyond
   * them, never past the exact length. Items after a gap are dropped: only a contiguous prefix
   * is kept. */
  if (start > old_n)
    count = 0;
  new_n = count ? MAX (old_n, start + count) : old_n;
  if (new_n > length)
    new_n = (guint32)length;
  if (!pool_reserve (self, (gsize)new_n + 1))
    return rd_corrupt (r, "trace too large");
  block = self->pool + self->pool_len;
  block[0] = new_n;
  if (prev)
    memcpy (block + 1, self->pool + prev->value + 1, sizeof (guint32) * MIN (old_n, new_n));
  {
    Rd again = *r;
    again.p = items;
    for (guint32 i = 0; i < count && start + i < new_n; i++)
      {
        guint32 item;
        rd_object (self, &again, &item);
        block[1 + start + i] = item + 1;
      }
  }
  if (!prev || new_n != old_n || count > 0)
    {
      hist_push (&x->items, cur_step (self), (guint32)self->pool_len);
      self->pool_len += new_n + 1;
    }
  {
    const HgEntry *len_e = hist_last (&x->length);
    guint32 len32 = (guint32)MIN (length, G_MAXUINT32);
    if (!len_e || len_e->value != len32)
      hist_push (&x->length, cur_step (self), len32);
  }
  return RD_OK;
}

static RdStatus
decode_dict (HeapglassTrace *self, Rd *r)
{
  guint32 index = 0, count = 0;
  guint64 length = 0;
  const guint8 *items;
  HgObjExt *x;
  guint32 *block;

  RD (rd_object (self, r, &index));
  RD (rd_varint (r, &length));
  RD (rd_count (r, &count, 2));
  items = r->p;
  for (guint32 i = 0; i < 2 * count; i++)
    {
      guint32 dummy;
      RD (rd_object (self, r, &dummy));
    }
  if (count > length)
    return rd_corrupt (r, "more entries than the dict's length");
  if (obj_kind (&self->objs[index]) != HG_KIND_DICT)
    return rd_corrupt (r, "DICT record for a %s",
                       heapglass_kind_to_string (obj_kind (&self->objs[index])));
  if (!pool_reserve (self, 2 * (gsize)count + 1))
    return rd_corrupt (r, "trace too large");
  x = obj_ext (self, &self->objs[index]);
  block = self->pool + self->pool_len;
  block[0] = count | 0x80000000u;
  {
    Rd again = *r;
    again.p = items;
    for (guint32 i = 0; i < 2 * count; i++)
      {
        guint32 item;
        rd_object (self, &again, &item);
        block[1 + i] = item + 1;
      }
  }
  hist_push (&x->items, cur_step (self), (guint32)self->pool_len);
  self->pool_len += 2 * (gsize)count + 1;
  hist_push (&x->length, cur_step (self), (guint32)MIN (length, G_MAXUINT32));
  return RD_OK;
}

static RdStatus
decode_attrs (HeapglassTrace *self, Rd *r)
{
  guint32 index = 0, count = 0;
  const guint8 *items;
  HgObjExt *x;
  guint32 *block;

  RD (rd_object (self, r, &index));
  RD (rd_count (r, &count, 2));
  items = r->p;
  for (guint32 i = 0; i < count; i++)
    {
      guint64 sid;
      guint32 dummy;
      RD (rd_varint (r, &sid));
      RD (rd_object (self, r, &dummy));
      RD (check_sid (self, r, sid));
    }
  if (!pool_reserve (self, 2 * (gsize)count + 1))
    return rd_corrupt (r, "trace too large");
  x = obj_ext (self, &self->objs[index]);
  block = self->pool + self->pool_len;
  block[0] = count;
  {
    Rd again = *r;
    again.p = items;
    for (guint32 i = 0; i < count; i++)
      {
        guint64 sid;
        guint32 item;
        rd_varint (&again, &sid);
        rd_object (self, &again, &item);
        block[1 + 2 * i] = (guint32)sid;
        block[2 + 2 * i] = item + 1;
      }
  }
  hist_push (&x->attrs, cur_step (self), (guint32)self->pool_len);
  self->pool_len += 2 * (gsize)count + 1;
  return RD_OK;
}

static RdStatus
decode_weakref (HeapglassTrace *self, Rd *r)
{
  guint32 index, referent = 0;
  guint64 roid;

  RD (rd_object (self, r, &index));
  RD (rd_varint (r, &roid));
  if (obj_kind (&self->objs[index]) != HG_KIND_WEAKREF)
    return rd_corrupt (r, "WEAKREF record for a %s",
                       heapglass_kind_to_string (obj_kind (&self->objs[index])));
  if (roid != 0)
    {
      if (!lookup_oid (self, roid, &referent))
        return rd_corrupt (r, "unknown object id %" G_GUINT64_FORMAT, roid);
      referent++;
    }
  hist_push (&obj_ext (self, &self->objs[index])->value, cur_step (self), referent);
  return RD_OK;
}

static RdStatus
decode_meta (HeapglassTrace *self, Rd *r)
{
  guint32 index, old_size;
  guint64 size, refcount;
  HgObjExt *x;

  RD (rd_object (self, r, &index));
  RD (rd_varint (r, &size));
  RD (rd_varint (r, &refcount));
  old_size = obj_size_now (self, index);
  x = obj_ext (self, &self->objs[index]);
  hist_push (&x->size, cur_step (self), (guint32)MIN (size, G_MAXUINT32));
  hist_push (&x->refcount, cur_step (self), (guint32)MIN (refcount, G_MAXUINT32));
  if (!self->objs[index].freed)
    push_bytes_adjust (self, (gint64)MIN (size, G_MAXUINT32) - (gint64)old_size);
  return RD_OK;
}

static RdStatus
decode_value (HeapglassTrace *self, Rd *r)
{
  guint32 index;
  HgValue value;

  RD (rd_object (self, r, &index));
  RD (rd_payload (self, r, obj_kind (&self->objs[index]), &value));
  if (obj_kind (&self->objs[index]) == HG_KIND_WEAKREF)
    return rd_corrupt (r, "VALUE record for a weakref");
  if (self->n_values == self->cap_values)
    {
      self->cap_values = self->cap_values ? self->cap_values * 2 : 64;
      self->values = g_renew (HgValue, self->values, self->cap_values);
    }
  self->values[self->n_values] = value;
  hist_push (&obj_ext (self, &self->objs[index])->value, cur_step (self), self->n_values);
  self->n_values++;
  return RD_OK;
}

static RdStatus
decode_bind (HeapglassTrace *self, Rd *r, gboolean bind)
{
  guint64 k, sid;
  guint32 index = 0;
  HgFrame *f;

  RD (rd_varint (r, &k));
  RD (rd_varint (r, &sid));
  if (bind)
    RD (rd_object (self, r, &index));
  RD (check_sid (self, r, sid));
  f = frame_at_depth (self, k);
  if (f == NULL)
    return rd_corrupt (r, "no frame %" G_GUINT64_FORMAT " on a stack of %u", k, self->stack->len);
  hist_push (&frame_slot (f, (guint32)sid, TRUE)->h, cur_step (self), bind ? index + 1 : 0);
  return RD_OK;
}

static RdStatus
decode_frame_push (HeapglassTrace *self, Rd *r)
{
  guint64 sid = 0;
  guint32 first_line = 0;
  HgFrame *f;
  guint32 parent
      = self->stack->len ? g_array_index (self->stack, guint32, self->stack->len - 1) + 1 : 0;

  RD (rd_varint (r, &sid));
  RD (rd_u32 (r, &first_line));
  RD (check_sid (self, r, sid));
  if (self->n_frames == G_MAXUINT32 - 1)
    return rd_corrupt (r, "too many frames");
  if (self->n_frames == self->cap_frames)
    {
      self->cap_frames = self->cap_frames ? self->cap_frames * 2 : 64;
      self->frames = g_renew (HgFrame, self->frames, self->cap_frames);
    }
  f = &self->frames[self->n_frames];
  memset (f, 0, sizeof *f);
  f->parent = parent;
  f->func_sid = (guint32)sid;
  f->first_line = first_line;
  f->caller_line = self->n_steps ? self->lines[self->n_steps - 1] : 0;
  f->depth = self->stack->len + 1;
  g_array_append_val (self->stack, self->n_frames);
  self->n_frames++;
  log_top_frame (self);
  return RD_OK;
}

static RdStatus
decode_frame_pop (HeapglassTrace *self, Rd *r)
{
  if (self->stack->len == 0)
    return rd_corrupt (r, "frame pop on an empty stack");
  g_array_set_size (self->stack, self->stack->len - 1);
  log_top_frame (self);
  return RD_OK;
}

static RdStatus
decode_output (HeapglassTrace *self, Rd *r)
{
  guint64 stream;
  const guint8 *data;
  gsize len;
  HgOutputMark mark = { 0 };

  RD (rd_varint (r, &stream));
  RD (rd_bytes (r, &data, &len));
  if (stream != 1 && stream != 2)
    return rd_corrupt (r, "unknown output stream %" G_GUINT64_FORMAT, stream);
  g_byte_array_append (self->output[stream - 1], data, (guint)len);
  mark.step = cur_step (self);
  mark.total = self->output[stream - 1]->len;
  {
    GArray *log = self->output_log[stream - 1];
    if (log->len && g_array_index (log, HgOutputMark, log->len - 1).step == mark.step)
      g_array_index (log, HgOutputMark, log->len - 1).total = mark.total;
    else
      g_array_append_val (log, mark);
  }
  return RD_OK;
}

static RdStatus
decode_exception (HeapglassTrace *self, Rd *r)
{
  guint64 sid, k;
  const guint8 *data;
  gsize len;
  HgException e;

  RD (rd_varint (r, &sid));
  RD (rd_bytes (r, &data, &len));
  RD (rd_varint (r, &k));
  RD (check_sid (self, r, sid));
  if (k >= self->stack->len)
    return rd_corrupt (r, "exception in frame %" G_GUINT64_FORMAT " of %u", k, self->stack->len);
  e.step = cur_step (self);
  e.frame = g_array_index (self->stack, guint32, self->stack->len - 1 - k);
  e.type_sid = (guint32)sid;
  e.message = g_utf8_make_valid ((const char *)data, (gssize)len);
  g_array_append_val (self->exceptions, e);
  self->last_exception_type = (guint32)sid;
  self->last_exception_message = g_string_chunk_insert (self->chunk, e.message);
  return RD_OK;
}

static void resolve_uncaught_exception (HeapglassTrace *self);

static RdStatus
decode_end (HeapglassTrace *self, Rd *r)
{
  guint64 ending, signal_number;
  gint64 status;
  const guint8 *data;
  gsize len;
  guint32 line = 0;

  RD (rd_varint (r, &ending));
  RD (rd_zigzag (r, &status));
  RD (rd_varint (r, &signal_number));
  RD (rd_bytes (r, &data, &len));
  RD (rd_u32 (r, &line));
  if (ending == HG_END_NONE || ending > HG_END_LAST)
    return rd_corrupt (r, "unknown ending %" G_GUINT64_FORMAT, ending);
  if (signal_number > 255 || status < G_MININT || status > G_MAXINT)
    return rd_corrupt (r, "impossible exit status");
  self->ending = (HgEnding)ending;
  self->exit_status = (int)status;
  self->signal_number = (int)signal_number;
  if (len > 0)
    {
      g_autofree char *message = g_utf8_make_valid ((const char *)data, (gssize)len);
      self->end_message = g_string_chunk_insert (self->chunk, message);
    }
  else
    self->end_message = NULL;
  self->end_line = line;
  self->state = STATE_ENDED;
  resolve_uncaught_exception (self);
  return RD_OK;
}

static RdStatus
decode_record (HeapglassTrace *self, Rd *r)
{
  guint8 code;
  const guint8 *data;
  gsize len;

  if (self->state == STATE_HEADER)
    {
      RD (decode_header (self, r));
      self->state = STATE_RECORDS;
      return RD_OK;
    }
  RD (rd_byte (r, &code));
  if (self->state == STATE_ENDED)
    return rd_corrupt (r, "data after the end record");
  switch (code)
    {
    case HG_REC_STEP_LINE:
      return decode_step (self, r, HEAPGLASS_EVENT_LINE);
    case HG_REC_STEP_CALL:
      return decode_step (self, r, HEAPGLASS_EVENT_CALL);
    case HG_REC_STEP_RETURN:
      return decode_step (self, r, HEAPGLASS_EVENT_RETURN);
    case HG_REC_STEP_EXCEPTION:
      return decode_step (self, r, HEAPGLASS_EVENT_EXCEPTION);
    case HG_REC_STRING:
      RD (rd_bytes (r, &data, &len));
      {
        g_autofree char *text = g_utf8_make_valid ((const char *)data, (gssize)len);
        g_ptr_array_add (self->strings, g_string_chunk_insert (self->chunk, text));
      }
      return RD_OK;
    case HG_REC_FRAME_PUSH:
      return decode_frame_push (self, r);
    case HG_REC_FRAME_POP:
      return decode_frame_pop (self, r);
    case HG_REC_BIND:
      return decode_bind (self, r, TRUE);
    case HG_REC_UNBIND:
      return decode_bind (self, r, FALSE);
    case HG_REC_OBJ_NEW:
      return decode_obj_new (self, r);
    case HG_REC_OBJ_FREE:
      return decode_obj_free (self, r);
    case HG_REC_SEQ:
      return decode_seq (self, r);
    case HG_REC_DICT:
      return decode_dict (self, r);
    case HG_REC_ATTRS:
      return decode_attrs (self, r);
    case HG_REC_WEAKREF:
      return decode_weakref (self, r);
    case HG_REC_META:
      return decode_meta (self, r);
    case HG_REC_OUTPUT:
      return decode_output (self, r);
    case HG_REC_EXCEPTION:
      return decode_exception (self, r);
    case HG_REC_INPUT:
      RD (rd_bytes (r, &data, &len));
      {
        HgInput input = { cur_step (self), g_utf8_make_valid ((const char *)data, (gssize)len) };
        g_array_append_val (self->inputs, input);
      }
      return RD_OK;
    case HG_REC_END:
      return decode_end (self, r);
    case HG_REC_VALUE:
      return decode_value (self, r);
    default:
      r->p--;
      return rd_corrupt (r, "unknown record 0x%02x", code);
    }
}

/* Decodes at most `budget` complete records from the pending bytes. Returns TRUE when it stopped
 * because of the budget (more may be decodable), FALSE when it needs more input or failed. */
static gboolean
decode_some (HeapglassTrace *self, guint budget)
{
  Rd r;
  gboolean budget_spent = TRUE;

  if (self->pending_pos >= self->pending->len)
    return FALSE; /* nothing buffered (and data may be NULL) */
  r.start = self->pending->data + self->pending_pos;
  r.p = r.start;
  r.end = self->pending->data + self->pending->len;
  r.base = self->consumed;
  r.error = &self->error;

  for (guint n = 0; n < budget; n++)
    {
      const guint8 *record_start = r.p;
      RdStatus status;

      if (r.p == r.end)
        {
          budget_spent = FALSE;
          break;
        }
      status = decode_record (self, &r);
      if (status != RD_OK)
        {
          /* Incomplete or corrupt: nothing of it was applied (records apply after a full
           * parse), and the next feed starts again at its first byte. */
          r.p = record_start;
          budget_spent = FALSE;
          break;
        }
    }
  self->consumed += (gsize)(r.p - r.start);
  self->pending_pos += (gsize)(r.p - r.start);
  return budget_spent && self->error == NULL;
}

gboolean
heapglass_trace_feed (HeapglassTrace *self, const guint8 *data, gsize len, GError **error)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  trace_lock (self);
  if (self->error == NULL && self->complete)
    g_set_error_literal (&self->error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT,
                         _("Trace data after the end of the stream"));
  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      g_mutex_unlock (&self->lock);
      return FALSE;
    }
  g_byte_array_append (self->pending, data, (guint)len);
  self->stream_bytes += len;
  g_mutex_unlock (&self->lock);

  for (;;)
    {
      gboolean more;

      g_mutex_lock (&self->lock);
      more = decode_some (self, RECORDS_PER_LOCK);
      if (!more)
        {
          /* Keep only the incomplete tail. */
          g_byte_array_remove_range (self->pending, 0, (guint)self->pending_pos);
          self->pending_pos = 0;
          if (self->error != NULL)
            {
              g_propagate_error (error, g_error_copy (self->error));
              g_mutex_unlock (&self->lock);
              return FALSE;
            }
          g_mutex_unlock (&self->lock);
          return TRUE;
        }
      g_mutex_unlock (&self->lock);
      while (g_atomic_int_get (&self->readers_waiting) > 0)
        g_thread_yield ();
    }
}

static void
hist_trim (HgHist *h)
{
  /* Only long histories: trimming millions of tiny ones would cost more than it saves. */
  if (h->cap >= 1024 && h->cap > h->n)
    {
      h->cap = h->n;
      h->u.many = g_renew (HgEntry, h->u.many, h->cap);
    }
}

/* The stream is over: give back what the doubling arrays had in reserve. */
static void
trim_arrays (HeapglassTrace *self)
{
  if (self->cap_steps > self->n_steps && self->n_steps > 0)
    {
      self->cap_steps = self->n_steps;
      self->lines = g_renew (guint32, self->lines, self->cap_steps);
      self->events = g_renew (guint8, self->events, self->cap_steps);
    }
  if (self->cap_objs > self->n_objs && self->n_objs > 0)
    {
      self->cap_objs = self->n_objs;
      self->objs = g_renew (HgObj, self->objs, self->cap_objs);
      if (self->oid_of != NULL)
        self->oid_of = g_renew (guint64, self->oid_of, self->cap_objs);
    }
  for (guint32 i = 0; i < self->n_exts; i++)
    {
      HgObjExt *x = self->exts[i];
      hist_trim (&x->value);
      hist_trim (&x->length);
      hist_trim (&x->items);
      hist_trim (&x->attrs);
      hist_trim (&x->size);
      hist_trim (&x->refcount);
    }
  for (guint32 i = 0; i < self->n_frames; i++)
    for (guint32 j = 0; j < self->frames[i].n_slots; j++)
      hist_trim (&self->frames[i].slots[j].h);
  if (self->pool_cap > self->pool_len && self->pool_len > 0)
    {
      self->pool_cap = self->pool_len;
      self->pool = g_renew (guint32, self->pool, self->pool_cap);
    }
  hist_trim (&self->free_log);
  hist_trim (&self->frame_log);
}

gboolean
heapglass_trace_finish (HeapglassTrace *self, GError **error)
{
  gboolean ok = TRUE;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), FALSE);

  trace_lock (self);
  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      ok = FALSE;
    }
  else if (self->pending->len > self->pending_pos || self->state == STATE_HEADER)
    {
      g_set_error (&self->error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_TRUNCATED,
                   self->stream_bytes == 0 ? _("The trace stream is empty")
                                           : _("The trace stream stops in the middle of a record "
                                                "(byte %" G_GSIZE_FORMAT ")"),
                   self->consumed);
      g_propagate_error (error, g_error_copy (self->error));
      ok = FALSE;
    }
  self->complete = TRUE;
  trim_arrays (self);
  g_mutex_unlock (&self->lock);
  return ok;
}

void
heapglass_trace_set_ending (HeapglassTrace *self, HgEnding ending, int exit_status,
                            int signal_number, const char *message)
{
  g_return_if_fail (HEAPGLASS_IS_TRACE (self));
  g_return_if_fail (ending <= HG_END_LAST);

  trace_lock (self);
  if (self->ending == HG_END_NONE)
    {
      self->ending = ending;
      self->exit_status = exit_status;
      self->signal_number = signal_number;
      self->end_message = message ? g_string_chunk_insert (self->chunk, message) : NULL;
    }
  g_mutex_unlock (&self->lock);
}

HeapglassTrace *
heapglass_trace_new_from_bytes (GBytes *bytes, GError **error)
{
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &len);
  for (gsize off = 0; off < len; off += 1 << 20)
    if (!heapglass_trace_feed (trace, data + off, MIN (len - off, (gsize)1 << 20), error))
      return NULL;
  if (!heapglass_trace_finish (trace, error))
    return NULL;
  return g_steal_pointer (&trace);
}

/* ---- simple getters ----------------------------------------------------------------------- */

#define LOCKED_GET(type, expr)                                                                     \
  {                                                                                                \
    type value_;                                                                                   \
    trace_lock (self);                                                                    \
    value_ = (expr);                                                                               \
    g_mutex_unlock (&self->lock);                                                                  \
    return value_;                                                                                 \
  }

guint
heapglass_trace_get_n_steps (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint, self->n_steps)
}

gboolean
heapglass_trace_is_complete (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), FALSE);
  LOCKED_GET (gboolean, self->complete)
}

const char *
heapglass_trace_get_script (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), NULL);
  /* Set once by the header and never changed after. */
  LOCKED_GET (const char *, self->script)
}

guint
heapglass_trace_get_max_items (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint, self->max_items)
}

gsize
heapglass_trace_get_stream_bytes (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (gsize, self->stream_bytes)
}

HgEnding
heapglass_trace_get_ending (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), HG_END_NONE);
  LOCKED_GET (HgEnding, self->ending)
}

int
heapglass_trace_get_exit_status (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (int, self->exit_status)
}

int
heapglass_trace_get_signal (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (int, self->signal_number)
}

const char *
heapglass_trace_get_end_message (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), NULL);
  LOCKED_GET (const char *, self->end_message)
}

guint
heapglass_trace_get_end_line (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint, self->end_line)
}

/* The uncaught exception: the last EXCEPTION record, or when there was none (raised outside
 * user code), the "Type: message" of the END record. Set when decoding END. */
static void
resolve_uncaught_exception (HeapglassTrace *self)
{
  const char *colon;

  self->uncaught_type = NULL;
  self->uncaught_message = NULL;
  if (self->ending != HG_END_EXCEPTION && self->ending != HG_END_MEMORY_LIMIT)
    return;
  if (self->last_exception_type != 0)
    {
      self->uncaught_type = string_by_sid (self, self->last_exception_type);
      self->uncaught_message = self->last_exception_message;
      return;
    }
  if (self->end_message == NULL)
    return;
  colon = strstr (self->end_message, ": ");
  if (colon != NULL)
    {
      g_autofree char *type = g_strndup (self->end_message, (gsize) (colon - self->end_message));
      self->uncaught_type = g_string_chunk_insert (self->chunk, type);
      self->uncaught_message = colon + 2;
    }
  else
    self->uncaught_type = self->end_message;
}

const char *
heapglass_trace_get_exception_type (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), NULL);
  LOCKED_GET (const char *, self->uncaught_type)
}

const char *
heapglass_trace_get_exception_message (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), NULL);
  LOCKED_GET (const char *, self->uncaught_message)
}

static guint32
top_frame_at (HeapglassTrace *self, guint32 step)
{
  const HgEntry *e = hist_at (&self->frame_log, step);
  return e ? e->value : 0;
}

static guint32
depth_at (HeapglassTrace *self, guint32 step)
{
  guint32 top = top_frame_at (self, step);
  return top ? self->frames[top - 1].depth : 0;
}

guint
heapglass_trace_get_step_line (HeapglassTrace *self, guint step)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint, step >= 1 && step <= self->n_steps ? self->lines[step - 1] : 0)
}

HeapglassEvent
heapglass_trace_get_step_event (HeapglassTrace *self, guint step)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), HEAPGLASS_EVENT_LINE);
  LOCKED_GET (HeapglassEvent, step >= 1 && step <= self->n_steps
                                  ? (HeapglassEvent)self->events[step - 1]
                                  : HEAPGLASS_EVENT_LINE)
}

guint
heapglass_trace_get_step_depth (HeapglassTrace *self, guint step)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint, step >= 1 && step <= self->n_steps ? depth_at (self, step) : 0)
}

guint
heapglass_trace_get_max_depth (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint, self->max_depth)
}

guint64
heapglass_trace_get_peak_objects (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint64, self->peak_objects)
}

/* Objects created at or before `step` (creation steps never decrease). */
static guint32
n_created_upto (HeapglassTrace *self, guint32 step)
{
  guint32 lo = 0, hi = self->n_objs;
  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;
      if (self->objs[mid].created <= step)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static guint64
live_objects_at (HeapglassTrace *self, guint32 step)
{
  return n_created_upto (self, step) - hist_count_upto (&self->free_log, step);
}

static guint64
live_bytes_at (HeapglassTrace *self, guint32 step)
{
  guint32 n = n_created_upto (self, step);
  guint32 mark = n / SIZE_MARK_EVERY;
  gint64 total;

  if (mark < self->n_size_marks)
    {
      total = (gint64)self->size_marks[mark];
      for (guint32 i = mark * SIZE_MARK_EVERY; i < n; i++)
        total += self->objs[i].size0;
    }
  else
    total = (gint64)self->size_total;
  guint32 lo = 0, hi = self->n_bytes_log;

  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;
      if (self->bytes_log[mid].step <= step)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo > 0)
    total += self->bytes_log[lo - 1].total;
  return total > 0 ? (guint64)total : 0;
}

guint64
heapglass_trace_get_step_live_objects (HeapglassTrace *self, guint step)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint64, step >= 1 && step <= self->n_steps ? live_objects_at (self, step) : 0)
}

guint64
heapglass_trace_get_step_live_bytes (HeapglassTrace *self, guint step)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint64, step >= 1 && step <= self->n_steps ? live_bytes_at (self, step) : 0)
}

gboolean
heapglass_trace_get_step_input_prompt (HeapglassTrace *self, guint step, char **prompt)
{
  gboolean found = FALSE;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), FALSE);

  trace_lock (self);
  for (guint i = 0; i < self->inputs->len; i++)
    {
      const HgInput *input = &g_array_index (self->inputs, HgInput, i);
      if (input->step == step)
        {
          if (prompt)
            *prompt = g_strdup (input->prompt);
          found = TRUE;
          break;
        }
    }
  g_mutex_unlock (&self->lock);
  return found;
}

guint
heapglass_trace_get_n_input_requests (HeapglassTrace *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  LOCKED_GET (guint, self->inputs->len)
}

char *
heapglass_trace_get_input_prompt (HeapglassTrace *self, guint index)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), NULL);
  LOCKED_GET (char *, index < self->inputs->len
                          ? g_strdup (g_array_index (self->inputs, HgInput, index).prompt)
                          : NULL)
}

static gsize
output_len_at (HeapglassTrace *self, int stream, guint32 step)
{
  GArray *log = self->output_log[stream - 1];
  guint lo = 0, hi = log->len;

  /* The last step of a finished run is the state after the program ended: everything it wrote,
   * the traceback and atexit output after its last line included. */
  if (step == 0 || (self->complete && step >= self->n_steps))
    return self->output[stream - 1]->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (log, HgOutputMark, mid).step <= step)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo ? (gsize)g_array_index (log, HgOutputMark, lo - 1).total : 0;
}

gsize
heapglass_trace_get_output_length (HeapglassTrace *self, int stream, guint step)
{
  gsize n;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  g_return_val_if_fail (stream == 1 || stream == 2, 0);

  trace_lock (self);
  n = output_len_at (self, stream, step);
  g_mutex_unlock (&self->lock);
  return n;
}

char *
heapglass_trace_get_output (HeapglassTrace *self, int stream, guint step, gsize *len)
{
  char *text;
  gsize n;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), NULL);
  g_return_val_if_fail (stream == 1 || stream == 2, NULL);

  trace_lock (self);
  n = output_len_at (self, stream, step);
  text = g_malloc (n + 1);
  if (n > 0)
    memcpy (text, self->output[stream - 1]->data, n);
  text[n] = '\0';
  g_mutex_unlock (&self->lock);
  if (len)
    *len = n;
  return text;
}

/* ---- snapshots ---------------------------------------------------------------------------- */

typedef struct
{
  HeapglassSnapshot pub;
  gint ref_count;
  HeapglassTrace *trace; /* owns every string the views point to */
  HeapglassFrameView *frames;
  HeapglassObjectView *objects;
  const char **names;
  guint64 *oids;
  gboolean *flags;
  GHashTable *by_oid; /* oid → object index + 1 */
} HeapglassSnapshotPrivate;

HeapglassSnapshot *
heapglass_snapshot_ref (HeapglassSnapshot *snapshot)
{
  HeapglassSnapshotPrivate *priv = (HeapglassSnapshotPrivate *)snapshot;
  g_return_val_if_fail (snapshot != NULL, NULL);
  g_atomic_int_inc (&priv->ref_count);
  return snapshot;
}

void
heapglass_snapshot_unref (HeapglassSnapshot *snapshot)
{
  HeapglassSnapshotPrivate *priv = (HeapglassSnapshotPrivate *)snapshot;
  g_return_if_fail (snapshot != NULL);
  if (!g_atomic_int_dec_and_test (&priv->ref_count))
    return;
  g_free (priv->frames);
  g_free (priv->objects);
  g_free (priv->names);
  g_free (priv->oids);
  g_free (priv->flags);
  g_hash_table_unref (priv->by_oid);
  g_object_unref (priv->trace);
  g_free (priv);
}

const HeapglassObjectView *
heapglass_snapshot_find_object (const HeapglassSnapshot *snapshot, guint64 oid)
{
  const HeapglassSnapshotPrivate *priv = (const HeapglassSnapshotPrivate *)snapshot;
  gpointer found;

  g_return_val_if_fail (snapshot != NULL, NULL);
  found = g_hash_table_lookup (priv->by_oid, GSIZE_TO_POINTER ((gsize)oid));
  return found ? &snapshot->objects[GPOINTER_TO_UINT (found) - 1] : NULL;
}

/* While a snapshot is built, arrays the views point to grow; views keep offsets and are patched
 * into pointers at the end. */
typedef struct
{
  GArray *frames;   /* HeapglassFrameView, array fields hold offsets */
  GArray *objects;  /* HeapglassObjectView, likewise */
  GArray *names;    /* const char * */
  GArray *oids;     /* guint64 */
  GArray *flags;    /* gboolean */
  GArray *queue;    /* object indices to visit */
  GHashTable *seen; /* object index + 1 → view index + 1 */
} Builder;

static gboolean
obj_alive_at (const HgObj *obj, guint32 step)
{
  return obj->created <= step && (obj->freed == 0 || obj->freed > step);
}

static void
visit (HeapglassTrace *self, Builder *b, guint32 index, guint32 step)
{
  if (index >= self->n_objs || !obj_alive_at (&self->objs[index], step))
    return;
  if (g_hash_table_contains (b->seen, GUINT_TO_POINTER (index + 1)))
    return;
  g_hash_table_insert (b->seen, GUINT_TO_POINTER (index + 1), GUINT_TO_POINTER (0));
  g_array_append_val (b->queue, index);
}

static guint64
ref_oid (HeapglassTrace *self, guint32 ref)
{
  return ref ? obj_oid (self, ref - 1) : 0;
}

static void
build_object (HeapglassTrace *self, Builder *b, guint32 index, guint32 step)
{
  const HgObj *obj = &self->objs[index];
  const HgObjExt *x = obj_ext_get (self, obj);
  HeapglassObjectView v = { 0 };
  HgValue value = obj->v0;
  const HgEntry *e;

  v.oid = obj_oid (self, index);
  v.kind = obj_kind (obj);
  v.type_name = string_by_sid (self, obj->type_kind & SID_MASK);
  v.created_step = obj->created;
  v.freed_step = obj->freed;
  v.freed = obj->freed == step;
  v.size = obj->size0;
  v.refcount = obj->refcount0;
  v.changed = obj->created == step;

  if (x != NULL)
    {
      if (v.kind == HG_KIND_WEAKREF)
        {
          e = hist_at (&x->value, step);
          if (e && e->value && obj_alive_at (&self->objs[e->value - 1], step))
            v.referent = ref_oid (self, e->value);
          v.was_weakref_target = x->value.n > 0 && hist_entries_const (&x->value)[0].step <= step
                                 && hist_entries_const (&x->value)[0].value;
          if (v.referent && !v.freed)
            visit (self, b, e->value - 1, step);
        }
      else if ((e = hist_at (&x->value, step)) != NULL)
        value = self->values[e->value];
      if ((e = hist_at (&x->length, step)) != NULL)
        v.length = e->value;
      if ((e = hist_at (&x->size, step)) != NULL)
        v.size = e->value;
      if ((e = hist_at (&x->refcount, step)) != NULL)
        v.refcount = e->value;
      if ((e = hist_at (&x->items, step)) != NULL)
        {
          const guint32 *block = self->pool + e->value;
          gboolean dict = (block[0] & 0x80000000u) != 0;
          guint32 n = block[0] & 0x7fffffff;
          guint32 n_refs = dict ? 2 * n : n;
          v.n_items = n;
          v.items = GSIZE_TO_POINTER ((gsize)b->oids->len);
          for (guint32 i = 0; i < n_refs; i++)
            {
              guint64 oid = ref_oid (self, block[1 + i]);
              g_array_append_val (b->oids, oid);
              if (!v.freed)
                visit (self, b, block[1 + i] - 1, step);
            }
        }
      if ((e = hist_at (&x->attrs, step)) != NULL)
        {
          const guint32 *block = self->pool + e->value;
          v.n_attrs = block[0];
          v.attr_names = GSIZE_TO_POINTER ((gsize)b->names->len);
          v.attr_oids = GSIZE_TO_POINTER ((gsize)b->oids->len);
          for (guint32 i = 0; i < block[0]; i++)
            {
              const char *name = string_by_sid (self, block[1 + 2 * i]);
              g_array_append_val (b->names, name);
            }
          for (guint32 i = 0; i < block[0]; i++)
            {
              guint64 oid = ref_oid (self, block[2 + 2 * i]);
              g_array_append_val (b->oids, oid);
              if (!v.freed)
                visit (self, b, block[2 + 2 * i] - 1, step);
            }
        }
      v.changed = v.changed || hist_changed_at (&x->value, step)
                  || hist_changed_at (&x->length, step) || hist_changed_at (&x->items, step)
                  || hist_changed_at (&x->attrs, step) || hist_changed_at (&x->size, step)
                  || hist_changed_at (&x->refcount, step);
    }

  switch (v.kind)
    {
    case HG_KIND_BOOL:
      v.bool_value = value.i != 0;
      v.int_value = value.i;
      break;
    case HG_KIND_INT:
      v.int_value = value.i;
      break;
    case HG_KIND_FLOAT:
      v.float_value = value.f;
      break;
    case HG_KIND_STR:
    case HG_KIND_BYTES:
    case HG_KIND_BIGINT:
    case HG_KIND_FUNCTION:
    case HG_KIND_CLASS:
    case HG_KIND_MODULE:
    case HG_KIND_OTHER:
      if (value.text != NULL)
        {
          v.text = value.text + 8;
          if (v.kind == HG_KIND_STR || v.kind == HG_KIND_BYTES)
            v.length = text_length (value.text);
        }
      break;
    default:
      break;
    }
  g_array_append_val (b->objects, v);
  g_hash_table_insert (b->seen, GUINT_TO_POINTER (index + 1), GUINT_TO_POINTER (b->objects->len));
}

/* Exceptions recorded at `step`: [*first, *last). They are in step order. */
static void
exceptions_at (HeapglassTrace *self, guint32 step, guint *first, guint *last)
{
  guint lo = 0, hi = self->exceptions->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (self->exceptions, HgException, mid).step < step)
        lo = mid + 1;
      else
        hi = mid;
    }
  *first = lo;
  while (lo < self->exceptions->len
         && g_array_index (self->exceptions, HgException, lo).step == step)
    lo++;
  *last = lo;
}

static void
build_frame_view (HeapglassTrace *self, Builder *b, guint32 step, guint32 fi, guint32 line,
                  guint ex_first, guint ex_last)
{
  const HgFrame *f = &self->frames[fi];
  HeapglassFrameView fv = { 0 };

  fv.frame_id = fi + 1;
  fv.function = string_by_sid (self, f->func_sid);
  fv.first_line = f->first_line;
  fv.line = line;
  fv.names = GSIZE_TO_POINTER ((gsize)b->names->len);
  fv.oids = GSIZE_TO_POINTER ((gsize)b->oids->len);
  fv.rebound = GSIZE_TO_POINTER ((gsize)b->flags->len);
  for (guint32 s = 0; s < f->n_slots; s++)
    {
      const HgEntry *e = hist_at (&f->slots[s].h, step);
      const char *name;
      guint64 oid;
      gboolean rebound;

      if (e == NULL || e->value == 0 || !obj_alive_at (&self->objs[e->value - 1], step))
        continue;
      name = string_by_sid (self, f->slots[s].name_sid);
      oid = obj_oid (self, e->value - 1);
      rebound = e->step == step;
      g_array_append_val (b->names, name);
      g_array_append_val (b->oids, oid);
      g_array_append_val (b->flags, rebound);
      fv.n_bindings++;
      visit (self, b, e->value - 1, step);
    }
  for (guint k = ex_first; k < ex_last; k++)
    {
      const HgException *ex = &g_array_index (self->exceptions, HgException, k);
      if (ex->frame == fi)
        {
          fv.exception_type = string_by_sid (self, ex->type_sid);
          fv.exception_message = ex->message;
        }
    }
  g_array_append_val (b->frames, fv);
}

/* The stack at `step`, outermost first; with max_frames > 0 only its outermost and innermost
 * frames. */
static void
build_frames (HeapglassTrace *self, Builder *b, guint32 step, guint max_frames, guint *n_hidden,
              guint *n_head)
{
  g_autoptr (GArray) chain = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint32 top = top_frame_at (self, step);
  guint head, tail, ex_first, ex_last;

  for (guint32 f = top; f != 0; f = self->frames[f - 1].parent)
    g_array_append_val (chain, f);
  exceptions_at (self, step, &ex_first, &ex_last);

  /* chain is innermost first: its last `head` entries are the outermost frames. */
  if (max_frames == 0 || chain->len <= max_frames)
    {
      head = chain->len;
      tail = 0;
    }
  else
    {
      head = MAX (max_frames / 2, 1);
      tail = max_frames - head;
    }
  *n_head = head;
  *n_hidden = chain->len - head - tail;

  for (guint i = chain->len; i > 0; i--)
    {
      guint32 fi = g_array_index (chain, guint32, i - 1) - 1;
      guint32 line;

      if (i <= chain->len - head && i > tail)
        continue;
      /* The top frame is at the step's line; each caller at the line it called from. */
      line = i == 1 ? self->lines[step - 1]
                    : self->frames[g_array_index (chain, guint32, i - 2) - 1].caller_line;
      build_frame_view (self, b, step, fi, line, ex_first, ex_last);
    }
}

static void
build_objects (HeapglassTrace *self, Builder *b, guint32 step)
{
  guint32 first_free, n_free;

  /* Breadth first from the frames, in the order names were bound. */
  for (guint i = 0; i < b->queue->len; i++)
    build_object (self, b, g_array_index (b->queue, guint32, i), step);

  /* Then the objects that died at exactly this step, shown faded. */
  first_free = hist_count_upto (&self->free_log, step - 1);
  n_free = hist_count_upto (&self->free_log, step);
  for (guint32 i = first_free; i < n_free; i++)
    {
      guint32 index = hist_entries (&self->free_log)[i].value;
      if (g_hash_table_contains (b->seen, GUINT_TO_POINTER (index + 1)))
        continue;
      g_hash_table_insert (b->seen, GUINT_TO_POINTER (index + 1), GUINT_TO_POINTER (0));
      build_object (self, b, index, step);
    }
}

HeapglassSnapshot *
heapglass_trace_snapshot (HeapglassTrace *self, guint step)
{
  return heapglass_trace_snapshot_limited (self, step, 0);
}

HeapglassSnapshot *
heapglass_trace_snapshot_limited (HeapglassTrace *self, guint step, guint max_frames)
{
  HeapglassSnapshotPrivate *priv;
  Builder b;
  guint32 depth;
  guint n_hidden = 0, n_head = 0;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), NULL);

  trace_lock (self);
  if (step < 1 || step > self->n_steps)
    {
      g_mutex_unlock (&self->lock);
      g_return_val_if_reached (NULL);
    }

  /* Sized for the stack's depth up front: a 50,000-deep recursion would otherwise spend its time
   * growing arrays. */
  depth = depth_at (self, step);
  if (max_frames > 0)
    depth = MIN (depth, max_frames);
  b.frames = g_array_sized_new (FALSE, FALSE, sizeof (HeapglassFrameView), depth);
  b.objects = g_array_sized_new (FALSE, FALSE, sizeof (HeapglassObjectView), depth + 64);
  b.names = g_array_sized_new (FALSE, FALSE, sizeof (const char *), 2 * depth + 64);
  b.oids = g_array_sized_new (FALSE, FALSE, sizeof (guint64), 2 * depth + 256);
  b.flags = g_array_sized_new (FALSE, FALSE, sizeof (gboolean), 2 * depth + 64);
  b.queue = g_array_sized_new (FALSE, FALSE, sizeof (guint32), depth + 64);
  b.seen = g_hash_table_new (NULL, NULL);

  build_frames (self, &b, step, max_frames, &n_hidden, &n_head);
  build_objects (self, &b, step);

  priv = g_new0 (HeapglassSnapshotPrivate, 1);
  priv->ref_count = 1;
  priv->trace = g_object_ref (self);
  priv->pub.step = step;
  priv->pub.n_steps = self->n_steps;
  priv->pub.line = self->lines[step - 1];
  priv->pub.event = (HeapglassEvent)self->events[step - 1];
  priv->pub.stdout_len = output_len_at (self, 1, step);
  priv->pub.stderr_len = output_len_at (self, 2, step);
  priv->pub.live_objects = live_objects_at (self, step);
  priv->pub.live_bytes = live_bytes_at (self, step);
  priv->pub.n_frames_hidden = n_hidden;
  priv->pub.n_frames_head = n_head;
  g_mutex_unlock (&self->lock);

  priv->pub.n_frames = b.frames->len;
  priv->pub.n_objects = b.objects->len;
  priv->frames = (HeapglassFrameView *)(void *)g_array_free (b.frames, FALSE);
  priv->objects = (HeapglassObjectView *)(void *)g_array_free (b.objects, FALSE);
  priv->names = (const char **)(void *)g_array_free (b.names, FALSE);
  priv->oids = (guint64 *)(void *)g_array_free (b.oids, FALSE);
  priv->flags = (gboolean *)(void *)g_array_free (b.flags, FALSE);
  g_array_unref (b.queue);

  for (guint i = 0; i < priv->pub.n_frames; i++)
    {
      HeapglassFrameView *fv = &priv->frames[i];
      fv->names = priv->names + GPOINTER_TO_SIZE (fv->names);
      fv->oids = priv->oids + GPOINTER_TO_SIZE (fv->oids);
      fv->rebound = priv->flags + GPOINTER_TO_SIZE (fv->rebound);
    }
  priv->by_oid = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < priv->pub.n_objects; i++)
    {
      HeapglassObjectView *v = &priv->objects[i];
      v->items = v->n_items ? priv->oids + GPOINTER_TO_SIZE (v->items) : NULL;
      v->attr_names = v->n_attrs ? priv->names + GPOINTER_TO_SIZE (v->attr_names) : NULL;
      v->attr_oids = v->n_attrs ? priv->oids + GPOINTER_TO_SIZE (v->attr_oids) : NULL;
      g_hash_table_insert (priv->by_oid, GSIZE_TO_POINTER ((gsize)v->oid),
                           GUINT_TO_POINTER (i + 1));
    }
  g_hash_table_unref (b.seen);
  priv->pub.frames = priv->frames;
  priv->pub.objects = priv->objects;
  return &priv->pub;
}

/* ---- queries over steps ------------------------------------------------------------------- */

static int
compare_guint (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *)a, y = *(const guint *)b;
  return x < y ? -1 : x > y;
}

GArray *
heapglass_trace_get_object_changes (HeapglassTrace *self, guint64 oid)
{
  GArray *steps = g_array_new (FALSE, FALSE, sizeof (guint));
  guint32 index;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), steps);

  trace_lock (self);
  if (lookup_oid (self, oid, &index))
    {
      const HgObj *obj = &self->objs[index];
      guint s = obj->created;
      g_array_append_val (steps, s);
      const HgObjExt *x = obj_ext_get (self, obj);
      if (x != NULL)
        {
          const HgHist *hists[]
              = { &x->value, &x->length, &x->items, &x->attrs, &x->size, &x->refcount };
          for (guint h = 0; h < G_N_ELEMENTS (hists); h++)
            for (guint32 i = 0; i < hists[h]->n; i++)
              {
                s = hist_entries_const (hists[h])[i].step;
                g_array_append_val (steps, s);
              }
        }
    }
  g_mutex_unlock (&self->lock);

  if (steps->len > 1)
    {
      guint n = 1;
      g_array_sort (steps, compare_guint);
      for (guint i = 1; i < steps->len; i++)
        if (g_array_index (steps, guint, i) != g_array_index (steps, guint, n - 1))
          g_array_index (steps, guint, n++) = g_array_index (steps, guint, i);
      g_array_set_size (steps, n);
    }
  return steps;
}

guint
heapglass_trace_find_line (HeapglassTrace *self, guint line, guint from, gboolean backwards)
{
  guint found = 0;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);

  trace_lock (self);
  if (backwards)
    {
      for (guint s = MIN (from, self->n_steps + 1); s > 1; s--)
        if (self->lines[s - 2] == line)
          {
            found = s - 1;
            break;
          }
    }
  else
    {
      for (guint s = from + 1; s <= self->n_steps; s++)
        if (self->lines[s - 1] == line)
          {
            found = s;
            break;
          }
    }
  g_mutex_unlock (&self->lock);
  return found;
}

/* The first step after `from` whose depth is at most `max_depth`. Depth only changes where the
 * frame log has an entry, so only those are visited. */
static guint
next_step_within_depth (HeapglassTrace *self, guint from, guint32 max_depth)
{
  guint32 i;

  if (from >= self->n_steps)
    return 0;
  if (depth_at (self, from + 1) <= max_depth)
    return from + 1;
  i = hist_count_upto (&self->frame_log, from + 1);
  for (; i < self->frame_log.n; i++)
    {
      const HgEntry *e = &hist_entries (&self->frame_log)[i];
      guint32 depth = e->value ? self->frames[e->value - 1].depth : 0;
      if (e->step > self->n_steps)
        break;
      if (depth <= max_depth)
        return e->step;
    }
  return 0;
}

guint
heapglass_trace_find_step_over (HeapglassTrace *self, guint from)
{
  guint found;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  trace_lock (self);
  found = from >= 1 ? next_step_within_depth (self, from, depth_at (self, from)) : 0;
  g_mutex_unlock (&self->lock);
  return found;
}

guint
heapglass_trace_find_step_out (HeapglassTrace *self, guint from)
{
  guint found = 0;
  guint32 depth;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);
  trace_lock (self);
  depth = from >= 1 ? depth_at (self, from) : 0;
  if (depth > 0)
    found = next_step_within_depth (self, from, depth - 1);
  g_mutex_unlock (&self->lock);
  return found;
}

static gsize
hist_heap_bytes (const HgHist *h)
{
  return h->cap > 1 ? (gsize)h->cap * sizeof (HgEntry) : 0;
}

gsize
heapglass_trace_get_memory_usage (HeapglassTrace *self)
{
  gsize total = sizeof *self;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (self), 0);

  trace_lock (self);
  total += (gsize)self->cap_steps * (sizeof (guint32) + sizeof (guint8));
  total += (gsize)self->cap_frames * sizeof (HgFrame);
  for (guint32 i = 0; i < self->n_frames; i++)
    {
      const HgFrame *f = &self->frames[i];
      total += (gsize)f->cap_slots * sizeof (HgSlot);
      for (guint32 j = 0; j < f->n_slots; j++)
        total += hist_heap_bytes (&f->slots[j].h);
      if (f->slot_index)
        total += g_hash_table_size (f->slot_index) * 32;
    }
  total += (gsize)self->cap_objs * sizeof (HgObj);
  total += (gsize)self->cap_exts * sizeof (HgObjExt *);
  total += (gsize)self->n_size_marks * sizeof (guint64);
  if (self->oid_of)
    total += (gsize)self->cap_objs * sizeof (guint64);
  for (guint32 i = 0; i < self->n_exts; i++)
    {
      const HgObjExt *x = self->exts[i];
      total += sizeof *x;
      total += hist_heap_bytes (&x->value) + hist_heap_bytes (&x->length)
               + hist_heap_bytes (&x->items) + hist_heap_bytes (&x->attrs)
               + hist_heap_bytes (&x->size) + hist_heap_bytes (&x->refcount);
    }
  if (self->oid_index)
    total += g_hash_table_size (self->oid_index) * 32;
  total += (gsize)self->cap_values * sizeof (HgValue);
  total += self->pool_cap * sizeof (guint32);
  total += hist_heap_bytes (&self->free_log) + hist_heap_bytes (&self->frame_log);
  total += (gsize)self->cap_bytes_log * sizeof (HgBytesMark);
  total += self->stack->len * sizeof (guint32);
  total += self->strings->len * sizeof (gpointer);
  for (int i = 0; i < 2; i++)
    total += self->output[i]->len + self->output_log[i]->len * sizeof (HgOutputMark);
  total += self->pending->len;
  g_mutex_unlock (&self->lock);
  /* The string chunk (names, str values) is not counted: GStringChunk does not say its size. */
  return total;
}
