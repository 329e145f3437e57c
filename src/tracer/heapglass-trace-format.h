/* heapglass-trace-format.h: the trace stream's record codes and its varint writer, shared by the
 * tracer (plain C, no GLib) and the core library's decoder. The format is documented in
 * docs/trace-format.md; bump HG_TRACE_VERSION on any incompatible change. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HG_TRACE_MAGIC "HGLTRACE"
#define HG_TRACE_MAGIC_LEN 8
#define HG_TRACE_VERSION 3
#define HG_TRACE_OLDEST_VERSION 1 /* a decoder still reads streams from this version on */

/* Record codes: one byte, then the fields listed (v = unsigned LEB128 varint, z = zigzag varint,
 * s = string: v length + bytes, f = 8-byte little-endian IEEE double, b = one byte).
 * A step's state is the result of applying every record before its STEP_* record. */
typedef enum
{
  HG_REC_STEP_LINE = 0x01,      /* v line */
  HG_REC_STEP_CALL = 0x02,      /* v line */
  HG_REC_STEP_RETURN = 0x03,    /* v line */
  HG_REC_STEP_EXCEPTION = 0x04, /* v line */
  HG_REC_STRING = 0x05,         /* s text: defines the next string id (ids start at 1) */
  HG_REC_FRAME_PUSH = 0x06,     /* v function-name sid, v first line of the code object */
  HG_REC_FRAME_POP = 0x07,      /* (none) */
  HG_REC_BIND = 0x08,           /* v frame (0 = innermost), v name sid, v oid */
  HG_REC_UNBIND = 0x09,         /* v frame (0 = innermost), v name sid */
  HG_REC_OBJ_NEW = 0x0a,        /* v oid, v type-name sid, v kind, v size, v refcount, payload */
  HG_REC_OBJ_FREE = 0x0b,       /* v oid */
  HG_REC_SEQ = 0x0c,            /* v oid, v length, v start, v count, count x v oid */
  HG_REC_DICT = 0x0d,           /* v oid, v length, v count, count x (v key oid, v value oid) */
  HG_REC_ATTRS = 0x0e,          /* v oid, v count, count x (v name sid, v oid) */
  HG_REC_WEAKREF = 0x0f,        /* v oid, v referent oid (0 = dead) */
  HG_REC_META = 0x10,           /* v oid, v size, v refcount */
  HG_REC_OUTPUT = 0x11,         /* v stream (1 stdout, 2 stderr), s bytes */
  HG_REC_EXCEPTION = 0x12,      /* v type-name sid, s message, v frame (0 = innermost) */
  HG_REC_INPUT = 0x13,          /* s prompt: the program now reads a line from its stdin */
  HG_REC_END = 0x14,            /* v ending, z exit status, v signal, s message, v line */
  HG_REC_VALUE = 0x15, /* v oid, kind-specific payload (an immutable-looking value changed) */
  HG_REC_RETURN_VALUE
  = 0x16,                    /* v oid: what the innermost frame returns at the coming STEP_RETURN */
  HG_REC_FRAME_LINE = 0x17,  /* v line: where the frame below the innermost one is (version 2) */
  HG_REC_DICT_LENGTH = 0x18, /* v oid, v length: a dict's length, its shown entries unchanged */
  HG_REC_OBJ_NEW_AT = 0x19,  /* as OBJ_NEW, with v where after the refcount (version 3) */
} HgRecord;

/* OBJ_NEW_AT's `where`: the object's address (what id() returns) as the zigzag-encoded difference
 * from the previous OBJ_NEW_AT's address (0 before the first), shifted left by one, and in the low
 * bit whether the object lies in the interpreter's own image: made before the program started
 * (small ints, None, True, the empty tuple, one-character strings, builtin types). */
#define HG_WHERE_PREMADE 1u

static inline uint64_t
hg_where_encode (uint64_t previous, uint64_t address, int premade)
{
  int64_t delta = (int64_t)(address - previous);
  uint64_t zz = ((uint64_t)delta << 1) ^ (uint64_t)(delta >> 63);
  return (zz << 1) | (premade ? HG_WHERE_PREMADE : 0);
}

/* Object kinds (OBJ_NEW payload after the common fields):
 * NONE: -   BOOL: b   INT: z   BIGINT: s decimal   FLOAT: f   STR/BYTES: v len(), s prefix
 * LIST/TUPLE/SET/FROZENSET/DICT/INSTANCE/WEAKREF: - (contents come in SEQ/DICT/ATTRS/WEAKREF)
 * FUNCTION/CLASS/MODULE: s qualified name   OTHER: s short repr */
typedef enum
{
  HG_KIND_NONE = 0,
  HG_KIND_BOOL = 1,
  HG_KIND_INT = 2,
  HG_KIND_BIGINT = 3,
  HG_KIND_FLOAT = 4,
  HG_KIND_STR = 5,
  HG_KIND_BYTES = 6,
  HG_KIND_LIST = 7,
  HG_KIND_TUPLE = 8,
  HG_KIND_SET = 9,
  HG_KIND_FROZENSET = 10,
  HG_KIND_DICT = 11,
  HG_KIND_INSTANCE = 12,
  HG_KIND_FUNCTION = 13,
  HG_KIND_CLASS = 14,
  HG_KIND_MODULE = 15,
  HG_KIND_WEAKREF = 16,
  HG_KIND_OTHER = 17,
  HG_KIND_LAST = HG_KIND_OTHER
} HgKind;

/* How a run ended; the names are the `ended` strings of --trace-summary. */
typedef enum
{
  HG_END_NONE = 0, /* still running, or the stream stopped without an END record */
  HG_END_FINISHED = 1,
  HG_END_EXCEPTION = 2,
  HG_END_EXIT = 3,
  HG_END_CRASHED = 4,
  HG_END_STEP_LIMIT = 5,
  HG_END_TIME_LIMIT = 6,
  HG_END_MEMORY_LIMIT = 7,
  HG_END_OUTPUT_LIMIT = 8,
  HG_END_STOPPED = 9,
  HG_END_SYNTAX_ERROR = 10,
  HG_END_UNREADABLE = 11,
  HG_END_LAST_IN_STREAM = HG_END_UNREADABLE, /* the tracer writes no ending beyond this one */
  /* Decided by the parent, never read from a stream: */
  HG_END_DISK_LIMIT = 12,    /* the model's spill file reached its budget */
  HG_END_CORRUPT_TRACE = 13, /* the stream broke its format */
  HG_END_TRACE_LIMIT = 14,   /* the stream grew beyond the parent's byte limit */
  HG_END_LAST = HG_END_TRACE_LIMIT
} HgEnding;

/* Longest name (function, type, attribute, variable) the tracer writes: longer ones are cut. */
#define HG_MAX_NAME_BYTES 4096

/* Longest string payload a decoder accepts (a corrupt length must not make it allocate 2^63). */
#define HG_TRACE_MAX_STRING (64u * 1024u * 1024u)

/* Plain-C growable byte buffer used by writers (the tracer and tests). No GLib, no Python
 * allocator: the tracer's own memory must be invisible to tracemalloc. */
typedef struct
{
  uint8_t *data;
  size_t len;
  size_t cap;
  int failed; /* set when realloc failed; further writes are dropped */
} HgBuf;

#include <stdlib.h>

static inline int
hg_buf_reserve (HgBuf *buf, size_t extra)
{
  if (buf->failed)
    return 0;
  if (buf->len + extra <= buf->cap)
    return 1;
  size_t cap = buf->cap ? buf->cap : 4096;
  while (cap < buf->len + extra)
    cap *= 2;
  uint8_t *data = (uint8_t *)realloc (buf->data, cap);
  if (!data)
    {
      buf->failed = 1;
      return 0;
    }
  buf->data = data;
  buf->cap = cap;
  return 1;
}

static inline void
hg_buf_byte (HgBuf *buf, uint8_t byte)
{
  if (hg_buf_reserve (buf, 1))
    buf->data[buf->len++] = byte;
}

static inline void
hg_buf_varint (HgBuf *buf, uint64_t value)
{
  if (!hg_buf_reserve (buf, 10))
    return;
  while (value >= 0x80)
    {
      buf->data[buf->len++] = (uint8_t)(value | 0x80);
      value >>= 7;
    }
  buf->data[buf->len++] = (uint8_t)value;
}

static inline void
hg_buf_zigzag (HgBuf *buf, int64_t value)
{
  hg_buf_varint (buf, ((uint64_t)value << 1) ^ (uint64_t)(value >> 63));
}

static inline void
hg_buf_bytes (HgBuf *buf, const void *bytes, size_t len)
{
  hg_buf_varint (buf, len);
  if (len && hg_buf_reserve (buf, len))
    {
      memcpy (buf->data + buf->len, bytes, len);
      buf->len += len;
    }
}

static inline void
hg_buf_string (HgBuf *buf, const char *text)
{
  hg_buf_bytes (buf, text, text ? strlen (text) : 0);
}

static inline void
hg_buf_double (HgBuf *buf, double value)
{
  uint64_t bits;
  memcpy (&bits, &value, sizeof bits);
  if (!hg_buf_reserve (buf, 8))
    return;
  for (int i = 0; i < 8; i++)
    buf->data[buf->len++] = (uint8_t)(bits >> (8 * i));
}

static inline void
hg_buf_header (HgBuf *buf, unsigned max_items, const char *script)
{
  if (hg_buf_reserve (buf, HG_TRACE_MAGIC_LEN))
    {
      memcpy (buf->data + buf->len, HG_TRACE_MAGIC, HG_TRACE_MAGIC_LEN);
      buf->len += HG_TRACE_MAGIC_LEN;
    }
  hg_buf_varint (buf, HG_TRACE_VERSION);
  hg_buf_varint (buf, max_items);
  hg_buf_string (buf, script);
}

static inline void
hg_buf_clear (HgBuf *buf)
{
  free (buf->data);
  buf->data = NULL;
  buf->len = buf->cap = 0;
  buf->failed = 0;
}
