/* heapglass-trace-reader.h: reads the stream's primitives (varints, byte strings, doubles) from a
 * buffer that may end in the middle of a record. Included by the decoder only, so that these stay
 * static functions of its translation unit (inlined where the compiler sees fit). */
#pragma once

#include "heapglass-trace-private.h"

#include <glib/gi18n.h>

G_BEGIN_DECLS

typedef enum
{
  RD_OK,
  RD_MORE,  /* the record is not complete yet */
  RD_BAD,   /* corrupt; error set */
  RD_LIMIT, /* a limit of heapglass_trace_set_limits() was reached: the trace ended */
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
               _ ("Corrupt trace at byte %" G_GSIZE_FORMAT ": %s"),
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

G_END_DECLS
