/* heapglass-trace.h: the trace model. Decodes the tracer's stream incrementally and answers
 * "what did memory look like at step N" without GTK. Thread-safe: one thread may feed while others
 * take snapshots; every public call takes the model's lock for a bounded time. */
#pragma once

#include <glib-object.h>

#include "heapglass-trace-format.h"

G_BEGIN_DECLS

#define HEAPGLASS_TRACE_ERROR (heapglass_trace_error_quark ())
GQuark heapglass_trace_error_quark (void);

typedef enum
{
  HEAPGLASS_TRACE_ERROR_CORRUPT,   /* bad magic, unknown record, impossible value */
  HEAPGLASS_TRACE_ERROR_VERSION,   /* a stream of a version this build does not read */
  HEAPGLASS_TRACE_ERROR_TRUNCATED, /* the stream stopped in the middle of a record */
} HeapglassTraceError;

typedef enum
{
  HEAPGLASS_EVENT_LINE = 0,
  HEAPGLASS_EVENT_CALL = 1,
  HEAPGLASS_EVENT_RETURN = 2,
  HEAPGLASS_EVENT_EXCEPTION = 3,
} HeapglassEvent;

const char *heapglass_event_to_string (HeapglassEvent event); /* "line", "call", … */
const char *heapglass_ending_to_string (HgEnding ending);     /* "finished", "step-limit", … */
const char *heapglass_kind_to_string (HgKind kind);           /* "list", "int", … */

/* One frame of a snapshot, outermost first. */
typedef struct
{
  guint frame_id;       /* stable for the frame's whole life (one call = one id) */
  const char *function; /* "<module>" for the script's top level */
  guint line;           /* the line this frame is at (the top frame: the step's line) */
  guint first_line;     /* first line of the code object */
  guint n_bindings;
  const char *const *names;   /* n_bindings names, in binding order */
  const guint64 *oids;        /* n_bindings object ids, parallel to names */
  const gboolean *rebound;    /* n_bindings flags: bound or rebound by this step */
  const char *exception_type; /* set on the frame that raised at this step, else NULL */
  const char *exception_message;
} HeapglassFrameView;

/* One heap object of a snapshot. Strings and arrays are owned by the snapshot. */
typedef struct
{
  guint64 oid; /* stable for the object's life; never reused within a trace */
  HgKind kind;
  const char *type_name; /* "list", "Data", … */
  /* value, by kind */
  gboolean bool_value;
  gint64 int_value;
  double float_value;
  const char *text; /* BIGINT decimal, STR/BYTES prefix, FUNCTION/CLASS/MODULE name, OTHER repr */
  guint64 length;   /* exact length: containers and STR/BYTES */
  guint n_items;    /* LIST/TUPLE/SET/FROZENSET: shown prefix (≤ K); DICT: shown entries */
  const guint64 *items; /* sequences: n_items oids; DICT: 2 × n_items (key, value, key, value…) */
  guint n_attrs;
  const char *const *attr_names;
  const guint64 *attr_oids;
  guint64 referent;            /* WEAKREF: the referent's oid, 0 once dead */
  gboolean was_weakref_target; /* WEAKREF: had a referent at some earlier step */
  guint64 size;                /* bytes, as sys.getsizeof would say */
  guint refcount;              /* as the program saw it at the last change recorded */
  guint created_step;          /* first step where it exists */
  guint freed_step; /* first step where it no longer exists, 0 if it outlived the trace */
  gboolean changed; /* created or changed by this step (its records were in this step) */
  gboolean freed;   /* freed by this step: shown faded for this step only */
  /* Added after the first version: */
  gsize text_len; /* bytes of `text` (STR/BYTES prefixes may hold NULs) */
} HeapglassObjectView;

typedef struct _HeapglassSnapshot HeapglassSnapshot;

/* The state at one step. Immutable, reference counted, safe to use from any thread. */
struct _HeapglassSnapshot
{
  guint step;    /* 1-based */
  guint n_steps; /* steps known when the snapshot was taken */
  guint line;
  HeapglassEvent event;
  guint n_frames;
  const HeapglassFrameView *frames; /* outermost first */
  guint n_objects;
  const HeapglassObjectView *objects; /* every object reachable from a frame, then the freed ones */
  gsize stdout_len; /* bytes of stdout printed before this step (see heapglass_trace_get_output) */
  gsize stderr_len;
  guint64 live_objects; /* objects alive at this step (all known, not only reachable) */
  guint64 live_bytes;   /* their sizes added */
  /* Added after the first version. heapglass_trace_snapshot_limited() leaves out the middle of a
   * deep stack: n_frames_hidden frames were between frames[n_frames_head - 1] and
   * frames[n_frames_head] (0 and n_frames for a full snapshot). */
  guint n_frames_hidden;
  guint n_frames_head;
  guint64 return_value; /* a return step: the oid of the returned (or yielded) object, else 0 */
};

HeapglassSnapshot *heapglass_snapshot_ref (HeapglassSnapshot *snapshot);
void heapglass_snapshot_unref (HeapglassSnapshot *snapshot);
const HeapglassObjectView *heapglass_snapshot_find_object (const HeapglassSnapshot *snapshot,
                                                           guint64 oid);
const HeapglassFrameView *heapglass_snapshot_find_frame (const HeapglassSnapshot *snapshot,
                                                         guint frame_id);
guint64 heapglass_frame_view_get_binding (const HeapglassFrameView *frame, const char *name);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeapglassSnapshot, heapglass_snapshot_unref)

#define HEAPGLASS_TYPE_TRACE (heapglass_trace_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassTrace, heapglass_trace, HEAPGLASS, TRACE, GObject)

HeapglassTrace *heapglass_trace_new (void);

/* Where the trace keeps its steps: a file in `dir` (created if missing; removed from the folder as
 * soon as it is open, so that nothing outlives the trace, even a crash), with a budget of
 * `disk_limit` bytes (0 = none); once it is spent, the trace ends there as HG_END_DISK_LIMIT
 * (get_limit_hit() says so; the rest of the stream is dropped) with every step before kept. Call it
 * before the first feed(); without it the steps are kept in memory. */
gboolean heapglass_trace_set_spill (HeapglassTrace *self, const char *dir, guint64 disk_limit,
                                    GError **error);
const char *heapglass_trace_get_spill_path (HeapglassTrace *self); /* the name it had; NULL */
guint64 heapglass_trace_get_disk_limit (HeapglassTrace *self);

/* Decoding. feed() may be called with any split of the stream; it decodes every complete record.
 * After an error the trace keeps every step decoded before it and refuses further input. */
gboolean heapglass_trace_feed (HeapglassTrace *self, const guint8 *data, gsize len, GError **error);
/* The stream is over. An incomplete record left over is reported as TRUNCATED (steps kept). */
gboolean heapglass_trace_finish (HeapglassTrace *self, GError **error);
/* Set the ending from outside (the runner: crashed by signal, stopped, killed at the deadline)
 * when the stream itself carries no END record. */
void heapglass_trace_set_ending (HeapglassTrace *self, HgEnding ending, int exit_status,
                                 int signal_number, const char *message);

/* Limits the decoder enforces on what it receives, whatever the stream says (the program runs in
 * the tracer's process and can forge records): steps, output bytes (stdout and stderr together)
 * and stream bytes; 0 = no limit. Reaching one ends the trace there with HG_END_STEP_LIMIT,
 * HG_END_OUTPUT_LIMIT or HG_END_TRACE_LIMIT: what came before is kept, the rest is dropped unread
 * and feed() accepts and ignores further input. A corrupt stream likewise keeps its valid prefix
 * and ends as HG_END_CORRUPT_TRACE (with the error as the end message). */
void heapglass_trace_set_limits (HeapglassTrace *self, guint64 max_steps, guint64 max_output_bytes,
                                 guint64 max_stream_bytes);
HgEnding heapglass_trace_get_limit_hit (HeapglassTrace *self); /* HG_END_NONE: none reached */
/* The ending, whatever it was (the runner: a death by signal outranks the stream's END record). */
void heapglass_trace_replace_ending (HeapglassTrace *self, HgEnding ending, int exit_status,
                                     int signal_number, const char *message);

/* Convenience: decode a whole buffer or file. */
HeapglassTrace *heapglass_trace_new_from_bytes (GBytes *bytes, GError **error);

guint heapglass_trace_get_n_steps (HeapglassTrace *self);
gboolean heapglass_trace_is_complete (HeapglassTrace *self); /* finish() was called */
const char *heapglass_trace_get_script (HeapglassTrace *self);
guint heapglass_trace_get_max_items (HeapglassTrace *self);
gsize heapglass_trace_get_stream_bytes (HeapglassTrace *self); /* bytes fed so far */

HgEnding heapglass_trace_get_ending (HeapglassTrace *self);
int heapglass_trace_get_exit_status (HeapglassTrace *self);
int heapglass_trace_get_signal (HeapglassTrace *self);
const char *heapglass_trace_get_end_message (HeapglassTrace *self); /* may be NULL */
guint heapglass_trace_get_end_line (HeapglassTrace *self);          /* syntax errors: the line */
/* Uncaught exception: type name and message (NULL when the run did not end with one). */
const char *heapglass_trace_get_exception_type (HeapglassTrace *self);
const char *heapglass_trace_get_exception_message (HeapglassTrace *self);

/* Per-step facts that need no snapshot (cheap: O(1) or O(log n)). Steps are 1-based. */
guint heapglass_trace_get_step_line (HeapglassTrace *self, guint step);
HeapglassEvent heapglass_trace_get_step_event (HeapglassTrace *self, guint step);
guint heapglass_trace_get_step_depth (HeapglassTrace *self, guint step); /* frames on the stack */
guint heapglass_trace_get_max_depth (HeapglassTrace *self);
guint64 heapglass_trace_get_peak_objects (HeapglassTrace *self);
guint64 heapglass_trace_get_step_live_objects (HeapglassTrace *self, guint step);
guint64 heapglass_trace_get_step_live_bytes (HeapglassTrace *self, guint step);
/* Steps where the program asked for input (input()); the answer is whatever followed on stdin. */
gboolean heapglass_trace_get_step_input_prompt (HeapglassTrace *self, guint step, char **prompt);
/* Input requests in order (the runner watches these to ask the user): how many so far, and the
 * prompt of the index-th one (0-based, NULL if out of range; free it). */
guint heapglass_trace_get_n_input_requests (HeapglassTrace *self);
char *heapglass_trace_get_input_prompt (HeapglassTrace *self, guint index);

/* Output: stream 1 = stdout, 2 = stderr. Everything printed before `step` (0 = the whole run). */
char *heapglass_trace_get_output (HeapglassTrace *self, int stream, guint step, gsize *len);
/* The length get_output() would return, without copying (cheap while scrubbing). */
gsize heapglass_trace_get_output_length (HeapglassTrace *self, int stream, guint step);

/* The state at `step` (1 … n_steps). O(log n + what is shown). */
HeapglassSnapshot *heapglass_trace_snapshot (HeapglassTrace *self, guint step);
/* The same with at most `max_frames` frames: the outermost half and the innermost half of a
 * deeper stack, and only the objects those reach (a 50,000-deep recursion stays fast). */
HeapglassSnapshot *heapglass_trace_snapshot_limited (HeapglassTrace *self, guint step,
                                                     guint max_frames);

/* The object's address while it lived: what id() printed for it in the traced run (CPython's id()
 * is the address). 0 when the stream did not say (traces before stream version 3) or no such
 * object. */
guint64 heapglass_trace_get_object_address (HeapglassTrace *self, guint64 oid);
/* Whether CPython made the object before the program started (it lies in the interpreter's own
 * image: small ints, None, True, one-character strings, …): shared, never new, never freed. */
gboolean heapglass_trace_get_object_premade (HeapglassTrace *self, guint64 oid);

/* Object history: the steps (ascending) at which the object was created or changed. */
GArray *heapglass_trace_get_object_changes (HeapglassTrace *self, guint64 oid); /* guint */
/* The next step after `from` (or the previous, when backwards) whose line is `line`; 0 if none. */
guint heapglass_trace_find_line (HeapglassTrace *self, guint line, guint from, gboolean backwards);
/* Step over / out: the next step after `from` at the same depth or shallower (over), or shallower
 * than `from` (out); 0 if none. */
guint heapglass_trace_find_step_over (HeapglassTrace *self, guint from);
guint heapglass_trace_find_step_out (HeapglassTrace *self, guint from);

/* Live objects and bytes over the steps decoded so far, summarised as they arrive in at most
 * HEAPGLASS_MEMORY_PROFILE_BUCKETS buckets of *bucket_size consecutive steps (a power of two; the
 * last bucket may be partial; when the buckets are full, neighbours merge), so that a chart of a
 * run of any length costs nothing to keep up to date. Copies up to max_buckets buckets into
 * `buckets`, returns how many there are; *n_steps is how many steps they cover. */
#define HEAPGLASS_MEMORY_PROFILE_BUCKETS 4096
typedef struct
{
  guint64 min_objects, max_objects;
  guint64 min_bytes, max_bytes;
} HeapglassMemoryBucket;
guint heapglass_trace_get_memory_profile (HeapglassTrace *self, HeapglassMemoryBucket *buckets,
                                          guint max_buckets, guint *bucket_size, guint *n_steps);
/* The highest live objects and bytes of any step so far, and the first steps that had them. */
void heapglass_trace_get_memory_peaks (HeapglassTrace *self, guint64 *objects, guint *objects_step,
                                       guint64 *bytes, guint *bytes_step);

/* Memory the model itself uses (its file excluded), and the bytes it wrote to its file. */
gsize heapglass_trace_get_memory_usage (HeapglassTrace *self);
guint64 heapglass_trace_get_disk_usage (HeapglassTrace *self);

G_END_DECLS
