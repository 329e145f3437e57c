/* trace-stream-writer.h: helpers for tests that write trace streams by hand with HgBuf, and the
 * sample program's stream several tests share. */
#pragma once

#include <glib.h>
#include <string.h>

#include "heapglass-trace-format.h"

/* String ids of the sample stream, in definition order. */
enum
{
  S_MODULE = 1,
  S_INT,
  S_LIST,
  S_X,
  S_Y,
  S_PROCESS,
  S_WEAKREF,
  S_DATA,
  S_W,
  S_VALUE_ERROR,
  S_N_STRINGS = S_VALUE_ERROR
};

G_GNUC_UNUSED static void
w_string (HgBuf *b, const char *text)
{
  hg_buf_byte (b, HG_REC_STRING);
  hg_buf_string (b, text);
}

G_GNUC_UNUSED static void
w_step (HgBuf *b, HgRecord code, unsigned line)
{
  hg_buf_byte (b, code);
  hg_buf_varint (b, line);
}

G_GNUC_UNUSED static void
w_push (HgBuf *b, unsigned sid, unsigned first_line)
{
  hg_buf_byte (b, HG_REC_FRAME_PUSH);
  hg_buf_varint (b, sid);
  hg_buf_varint (b, first_line);
}

G_GNUC_UNUSED static void
w_pop (HgBuf *b)
{
  hg_buf_byte (b, HG_REC_FRAME_POP);
}

G_GNUC_UNUSED static void
w_bind (HgBuf *b, unsigned frame, unsigned sid, guint64 oid)
{
  hg_buf_byte (b, HG_REC_BIND);
  hg_buf_varint (b, frame);
  hg_buf_varint (b, sid);
  hg_buf_varint (b, oid);
}

G_GNUC_UNUSED static void
w_unbind (HgBuf *b, unsigned frame, unsigned sid)
{
  hg_buf_byte (b, HG_REC_UNBIND);
  hg_buf_varint (b, frame);
  hg_buf_varint (b, sid);
}

/* OBJ_NEW up to its payload, which the caller writes. */
G_GNUC_UNUSED static void
w_new_refcount (HgBuf *b, guint64 oid, unsigned type_sid, HgKind kind, guint64 size,
                guint64 refcount)
{
  hg_buf_byte (b, HG_REC_OBJ_NEW);
  hg_buf_varint (b, oid);
  hg_buf_varint (b, type_sid);
  hg_buf_varint (b, kind);
  hg_buf_varint (b, size);
  hg_buf_varint (b, refcount);
}

G_GNUC_UNUSED static void
w_new (HgBuf *b, guint64 oid, unsigned type_sid, HgKind kind, unsigned size)
{
  w_new_refcount (b, oid, type_sid, kind, size, 1);
}

/* OBJ_NEW_AT (stream version 3): `previous` is the address of the stream's previous OBJ_NEW_AT,
 * updated here. */
G_GNUC_UNUSED static void
w_new_at (HgBuf *b, guint64 oid, unsigned type_sid, HgKind kind, unsigned size, guint64 *previous,
          guint64 address, gboolean premade)
{
  hg_buf_byte (b, HG_REC_OBJ_NEW_AT);
  hg_buf_varint (b, oid);
  hg_buf_varint (b, type_sid);
  hg_buf_varint (b, kind);
  hg_buf_varint (b, size);
  hg_buf_varint (b, 1);
  hg_buf_varint (b, hg_where_encode (*previous, address, premade));
  *previous = address;
}

G_GNUC_UNUSED static void
w_int (HgBuf *b, guint64 oid, gint64 value)
{
  w_new (b, oid, S_INT, HG_KIND_INT, 28);
  hg_buf_zigzag (b, value);
}

G_GNUC_UNUSED static void
w_free (HgBuf *b, guint64 oid)
{
  hg_buf_byte (b, HG_REC_OBJ_FREE);
  hg_buf_varint (b, oid);
}

G_GNUC_UNUSED static void
w_meta (HgBuf *b, guint64 oid, guint64 size, guint64 refcount)
{
  hg_buf_byte (b, HG_REC_META);
  hg_buf_varint (b, oid);
  hg_buf_varint (b, size);
  hg_buf_varint (b, refcount);
}

/* A str object whose text is all there (its length in code points: ASCII only). */
G_GNUC_UNUSED static void
w_str (HgBuf *b, guint64 oid, unsigned type_sid, const char *text)
{
  w_new (b, oid, type_sid, HG_KIND_STR, 49 + (unsigned)strlen (text));
  hg_buf_varint (b, strlen (text));
  hg_buf_string (b, text);
}

G_GNUC_UNUSED static void
w_seq (HgBuf *b, guint64 oid, guint64 length, unsigned start, unsigned count, const guint64 *items)
{
  hg_buf_byte (b, HG_REC_SEQ);
  hg_buf_varint (b, oid);
  hg_buf_varint (b, length);
  hg_buf_varint (b, start);
  hg_buf_varint (b, count);
  for (unsigned i = 0; i < count; i++)
    hg_buf_varint (b, items[i]);
}

G_GNUC_UNUSED static void
w_weakref (HgBuf *b, guint64 oid, guint64 referent)
{
  hg_buf_byte (b, HG_REC_WEAKREF);
  hg_buf_varint (b, oid);
  hg_buf_varint (b, referent);
}

G_GNUC_UNUSED static void
w_output (HgBuf *b, int stream, const char *text)
{
  hg_buf_byte (b, HG_REC_OUTPUT);
  hg_buf_varint (b, stream);
  hg_buf_string (b, text);
}

G_GNUC_UNUSED static void
w_end (HgBuf *b, HgEnding ending, int status)
{
  hg_buf_byte (b, HG_REC_END);
  hg_buf_varint (b, ending);
  hg_buf_zigzag (b, status);
  hg_buf_varint (b, 0);
  hg_buf_string (b, "");
  hg_buf_varint (b, 0);
}

/* The sample program, one STEP per line:
 *  1 x = [1, 2, 3]
 *  2 process(x)            def process(y):  (lines 5-7)
 *  5   y.append(4)
 *  6   return
 *  3 d = Data(); w = weakref.ref(d)
 *  4 del x; del d
 *  8 print("done")    and the end. */
G_GNUC_UNUSED static HgBuf
sample_stream (void)
{
  HgBuf b = { 0 };
  guint64 items[3] = { 1, 2, 3 };
  guint64 four = 5;
  const char *strings[]
      = { "<module>", "int", "list", "x", "y", "process", "weakref", "Data", "w", "ValueError" };

  hg_buf_header (&b, 100, "/tmp/sample.py");
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    w_string (&b, strings[i]);
  w_push (&b, S_MODULE, 1);
  w_step (&b, HG_REC_STEP_LINE, 1); /* step 1: nothing bound */
  for (int i = 0; i < 3; i++)
    w_int (&b, i + 1, i + 1);
  w_new (&b, 4, S_LIST, HG_KIND_LIST, 88);
  w_seq (&b, 4, 3, 0, 3, items);
  w_bind (&b, 0, S_X, 4);
  w_step (&b, HG_REC_STEP_LINE, 2); /* step 2: x = [1, 2, 3] */
  w_push (&b, S_PROCESS, 5);
  w_bind (&b, 0, S_Y, 4);
  w_step (&b, HG_REC_STEP_CALL, 5); /* step 3: in process, y is x */
  w_step (&b, HG_REC_STEP_LINE, 5); /* step 4 */
  w_int (&b, 5, 4);
  w_seq (&b, 4, 4, 3, 1, &four);
  w_step (&b, HG_REC_STEP_LINE, 6);   /* step 5: appended */
  w_step (&b, HG_REC_STEP_RETURN, 6); /* step 6 */
  w_pop (&b);
  w_new (&b, 6, S_DATA, HG_KIND_INSTANCE, 48);
  w_new (&b, 7, S_WEAKREF, HG_KIND_WEAKREF, 72);
  w_weakref (&b, 7, 6);
  w_bind (&b, 0, S_W, 7);
  w_bind (&b, 0, S_Y, 6);
  w_step (&b, HG_REC_STEP_LINE, 3); /* step 7: back at the top, w alive */
  w_unbind (&b, 0, S_X);
  w_free (&b, 4);
  w_unbind (&b, 0, S_Y);
  w_free (&b, 6);
  w_weakref (&b, 7, 0);
  w_output (&b, 1, "done\n");
  w_step (&b, HG_REC_STEP_LINE, 4); /* step 8: list and Data freed */
  w_step (&b, HG_REC_STEP_LINE, 8); /* step 9 */
  w_output (&b, 2, "oops\n");
  hg_buf_byte (&b, HG_REC_EXCEPTION);
  hg_buf_varint (&b, S_VALUE_ERROR);
  hg_buf_string (&b, "bad value");
  hg_buf_varint (&b, 0);
  w_step (&b, HG_REC_STEP_EXCEPTION, 8); /* step 10 */
  w_end (&b, HG_END_EXCEPTION, 1);
  g_assert_false (b.failed);
  return b;
}
