/* gen-trace-corpus.c: writes the hand-made seed streams of tests/fuzz/corpus-trace/ with the HgBuf
 * writer, so the decoder fuzzer starts from well-formed records of every kind instead of guessing
 * the magic. Usage: gen-trace-corpus OUTDIR (the committed seeds came from this program). */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapglass-trace-format.h"

static int
write_seed (const char *dir, const char *name, HgBuf *buf)
{
  char path[4096];
  FILE *out;

  snprintf (path, sizeof path, "%s/%s", dir, name);
  out = fopen (path, "wb");
  if (!out)
    {
      fprintf (stderr, "%s: %s\n", path, strerror (errno));
      return 1;
    }
  if (buf->len && fwrite (buf->data, 1, buf->len, out) != buf->len)
    {
      fclose (out);
      return 1;
    }
  hg_buf_clear (buf);
  return fclose (out) != 0;
}

static void
rec_string (HgBuf *buf, const char *text)
{
  hg_buf_byte (buf, HG_REC_STRING);
  hg_buf_string (buf, text);
}

static void
rec_step (HgBuf *buf, HgRecord kind, unsigned line)
{
  hg_buf_byte (buf, (uint8_t)kind);
  hg_buf_varint (buf, line);
}

static void
rec_obj_new (HgBuf *buf, uint64_t oid, uint64_t type_sid, HgKind kind, uint64_t size,
             uint64_t refcount)
{
  hg_buf_byte (buf, HG_REC_OBJ_NEW);
  hg_buf_varint (buf, oid);
  hg_buf_varint (buf, type_sid);
  hg_buf_varint (buf, kind);
  hg_buf_varint (buf, size);
  hg_buf_varint (buf, refcount);
}

static void
rec_bind (HgBuf *buf, unsigned frame, uint64_t name_sid, uint64_t oid)
{
  hg_buf_byte (buf, HG_REC_BIND);
  hg_buf_varint (buf, frame);
  hg_buf_varint (buf, name_sid);
  hg_buf_varint (buf, oid);
}

static void
rec_end (HgBuf *buf, HgEnding ending, int64_t status, unsigned signal_number, const char *message,
         unsigned line)
{
  hg_buf_byte (buf, HG_REC_END);
  hg_buf_varint (buf, ending);
  hg_buf_zigzag (buf, status);
  hg_buf_varint (buf, signal_number);
  hg_buf_string (buf, message);
  hg_buf_varint (buf, line);
}

/* String ids in the order rec_string() defines them in full_program(). */
enum
{
  S_MODULE = 1,
  S_INT,
  S_STR,
  S_LIST,
  S_DICT,
  S_X,
  S_Y,
  S_PROCESS,
  S_DATA,
  S_WEAKREF,
  S_VALUE,
  S_TUPLE,
  S_FLOAT,
  S_VALUEERROR,
  S_BOOL,
  S_NONETYPE,
  S_FUNCTION,
};

/* Every record kind, in an order a tracer could produce. */
static void
full_program (HgBuf *buf)
{
  static const char *const strings[] = {
    "<module>", "int",   "str",   "list",  "dict",       "x",    "y",        "process",  "Data",
    "weakref",  "value", "tuple", "float", "ValueError", "bool", "NoneType", "function",
  };

  hg_buf_header (buf, 100, "/tmp/full.py");
  for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
    rec_string (buf, strings[i]);
  hg_buf_byte (buf, HG_REC_FRAME_PUSH);
  hg_buf_varint (buf, S_MODULE);
  hg_buf_varint (buf, 1);
  rec_step (buf, HG_REC_STEP_LINE, 1);

  /* x = [1, "two", 3.0, True, None, 10**30] */
  rec_obj_new (buf, 1, S_INT, HG_KIND_INT, 28, 100);
  hg_buf_zigzag (buf, 1);
  rec_obj_new (buf, 2, S_STR, HG_KIND_STR, 52, 1);
  hg_buf_varint (buf, 3);
  hg_buf_string (buf, "two");
  rec_obj_new (buf, 3, S_FLOAT, HG_KIND_FLOAT, 24, 1);
  hg_buf_double (buf, 3.0);
  rec_obj_new (buf, 4, S_BOOL, HG_KIND_BOOL, 28, 1000);
  hg_buf_byte (buf, 1);
  rec_obj_new (buf, 5, S_NONETYPE, HG_KIND_NONE, 16, 1000);
  rec_obj_new (buf, 6, S_INT, HG_KIND_BIGINT, 40, 1);
  hg_buf_string (buf, "1000000000000000000000000000000");
  rec_obj_new (buf, 7, S_LIST, HG_KIND_LIST, 104, 1);
  hg_buf_byte (buf, HG_REC_SEQ);
  hg_buf_varint (buf, 7);
  hg_buf_varint (buf, 6);
  hg_buf_varint (buf, 0);
  hg_buf_varint (buf, 6);
  for (uint64_t oid = 1; oid <= 6; oid++)
    hg_buf_varint (buf, oid);
  rec_bind (buf, 0, S_X, 7);
  hg_buf_byte (buf, HG_REC_OUTPUT);
  hg_buf_varint (buf, 1);
  hg_buf_string (buf, "hello\n");
  rec_step (buf, HG_REC_STEP_LINE, 2);

  /* def process(x): y = x; ... */
  rec_obj_new (buf, 8, S_FUNCTION, HG_KIND_FUNCTION, 136, 2);
  hg_buf_string (buf, "process");
  rec_bind (buf, 0, S_PROCESS, 8);
  rec_step (buf, HG_REC_STEP_LINE, 5);
  hg_buf_byte (buf, HG_REC_FRAME_PUSH);
  hg_buf_varint (buf, S_PROCESS);
  hg_buf_varint (buf, 2);
  rec_bind (buf, 0, S_X, 7);
  rec_step (buf, HG_REC_STEP_CALL, 2);
  rec_bind (buf, 0, S_Y, 7);
  hg_buf_byte (buf, HG_REC_META);
  hg_buf_varint (buf, 7);
  hg_buf_varint (buf, 120);
  hg_buf_varint (buf, 3);
  rec_step (buf, HG_REC_STEP_LINE, 3);
  /* y.append(...) grows the list past what was shown: a partial SEQ from index 6 */
  hg_buf_byte (buf, HG_REC_SEQ);
  hg_buf_varint (buf, 7);
  hg_buf_varint (buf, 1000);
  hg_buf_varint (buf, 6);
  hg_buf_varint (buf, 1);
  hg_buf_varint (buf, 1);
  rec_step (buf, HG_REC_STEP_RETURN, 3);
  hg_buf_byte (buf, HG_REC_FRAME_POP);

  /* d = {"value": 1}; t = (x, d); an instance with a weakref to it */
  rec_obj_new (buf, 9, S_DICT, HG_KIND_DICT, 184, 1);
  hg_buf_byte (buf, HG_REC_DICT);
  hg_buf_varint (buf, 9);
  hg_buf_varint (buf, 1);
  hg_buf_varint (buf, 1);
  hg_buf_varint (buf, 2);
  hg_buf_varint (buf, 1);
  rec_obj_new (buf, 10, S_TUPLE, HG_KIND_TUPLE, 56, 1);
  hg_buf_byte (buf, HG_REC_SEQ);
  hg_buf_varint (buf, 10);
  hg_buf_varint (buf, 2);
  hg_buf_varint (buf, 0);
  hg_buf_varint (buf, 2);
  hg_buf_varint (buf, 7);
  hg_buf_varint (buf, 9);
  rec_obj_new (buf, 11, S_DATA, HG_KIND_INSTANCE, 48, 2);
  hg_buf_byte (buf, HG_REC_ATTRS);
  hg_buf_varint (buf, 11);
  hg_buf_varint (buf, 1);
  hg_buf_varint (buf, S_VALUE);
  hg_buf_varint (buf, 10);
  rec_obj_new (buf, 12, S_WEAKREF, HG_KIND_WEAKREF, 72, 1);
  hg_buf_byte (buf, HG_REC_WEAKREF);
  hg_buf_varint (buf, 12);
  hg_buf_varint (buf, 11);
  rec_bind (buf, 0, S_Y, 12);
  hg_buf_byte (buf, HG_REC_UNBIND);
  hg_buf_varint (buf, 0);
  hg_buf_varint (buf, S_X);
  rec_step (buf, HG_REC_STEP_LINE, 8);

  /* del the instance: the weakref dies; an int changes value in place (freelist reuse) */
  hg_buf_byte (buf, HG_REC_OBJ_FREE);
  hg_buf_varint (buf, 11);
  hg_buf_byte (buf, HG_REC_WEAKREF);
  hg_buf_varint (buf, 12);
  hg_buf_varint (buf, 0);
  hg_buf_byte (buf, HG_REC_VALUE);
  hg_buf_varint (buf, 1);
  hg_buf_zigzag (buf, -42);
  hg_buf_byte (buf, HG_REC_OUTPUT);
  hg_buf_varint (buf, 2);
  hg_buf_string (buf, "warning\n");
  hg_buf_byte (buf, HG_REC_INPUT);
  hg_buf_string (buf, "name? ");
  rec_step (buf, HG_REC_STEP_LINE, 9);

  hg_buf_byte (buf, HG_REC_EXCEPTION);
  hg_buf_varint (buf, S_VALUEERROR);
  hg_buf_string (buf, "bad value");
  hg_buf_varint (buf, 0);
  rec_step (buf, HG_REC_STEP_EXCEPTION, 10);
  rec_end (buf, HG_END_EXCEPTION, 1, 0, "ValueError: bad value", 10);
}

int
main (int argc, char **argv)
{
  HgBuf buf = { 0 };
  int failed = 0;
  const char *dir;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s OUTDIR\n", argv[0]);
      return 2;
    }
  dir = argv[1];

  /* Just the header: a run that produced nothing yet. */
  hg_buf_header (&buf, 100, "empty.py");
  failed |= write_seed (dir, "header-only", &buf);

  /* One step, finished. */
  hg_buf_header (&buf, 100, "one.py");
  rec_string (&buf, "<module>");
  hg_buf_byte (&buf, HG_REC_FRAME_PUSH);
  hg_buf_varint (&buf, 1);
  hg_buf_varint (&buf, 1);
  rec_step (&buf, HG_REC_STEP_LINE, 1);
  rec_step (&buf, HG_REC_STEP_RETURN, 1);
  hg_buf_byte (&buf, HG_REC_FRAME_POP);
  rec_end (&buf, HG_END_FINISHED, 0, 0, "", 0);
  failed |= write_seed (dir, "one-step", &buf);

  full_program (&buf);
  failed |= write_seed (dir, "every-record", &buf);

  /* Objects with addresses (OBJ_NEW_AT, version 3): near, far, unaligned, one made before the
   * program. */
  {
    static const uint64_t addresses[]
        = { 0x7f0000001000, 0x7f0000001040, 0x555500000008, 0x7f0000001003 };
    uint64_t previous = 0;

    hg_buf_header (&buf, 100, "ids.py");
    rec_string (&buf, "<module>");
    rec_string (&buf, "int");
    rec_string (&buf, "x");
    hg_buf_byte (&buf, HG_REC_FRAME_PUSH);
    hg_buf_varint (&buf, 1);
    hg_buf_varint (&buf, 1);
    for (unsigned i = 0; i < 4; i++)
      {
        hg_buf_byte (&buf, HG_REC_OBJ_NEW_AT);
        hg_buf_varint (&buf, i + 1);
        hg_buf_varint (&buf, 2);
        hg_buf_varint (&buf, HG_KIND_INT);
        hg_buf_varint (&buf, 28);
        hg_buf_varint (&buf, 1);
        hg_buf_varint (&buf, hg_where_encode (previous, addresses[i], i == 0));
        previous = addresses[i];
        hg_buf_zigzag (&buf, 300 + (int64_t)i);
        rec_bind (&buf, 0, 3, i + 1);
      }
    rec_step (&buf, HG_REC_STEP_LINE, 1);
    hg_buf_byte (&buf, HG_REC_OBJ_FREE);
    hg_buf_varint (&buf, 3);
    rec_step (&buf, HG_REC_STEP_RETURN, 1);
    hg_buf_byte (&buf, HG_REC_FRAME_POP);
    rec_end (&buf, HG_END_FINISHED, 0, 0, "", 0);
    failed |= write_seed (dir, "addresses", &buf);
  }

  /* A syntax error: no step, an END with the line. */
  hg_buf_header (&buf, 100, "bad.py");
  rec_end (&buf, HG_END_SYNTAX_ERROR, 1, 0, "invalid syntax (bad.py, line 3)", 3);
  failed |= write_seed (dir, "syntax-error", &buf);

  /* A crash: output, then the END the runner would otherwise add. */
  hg_buf_header (&buf, 5, "crash.py");
  rec_string (&buf, "<module>");
  hg_buf_byte (&buf, HG_REC_FRAME_PUSH);
  hg_buf_varint (&buf, 1);
  hg_buf_varint (&buf, 1);
  rec_step (&buf, HG_REC_STEP_LINE, 1);
  hg_buf_byte (&buf, HG_REC_OUTPUT);
  hg_buf_varint (&buf, 1);
  hg_buf_string (&buf, "before\n");
  rec_step (&buf, HG_REC_STEP_LINE, 2);
  rec_end (&buf, HG_END_CRASHED, -11, 11, "Segmentation fault", 2);
  failed |= write_seed (dir, "crashed", &buf);

  /* Recursion 300 deep, then back out: exercises the frame stack and step over/out. */
  hg_buf_header (&buf, 100, "deep.py");
  rec_string (&buf, "<module>");
  rec_string (&buf, "f");
  rec_string (&buf, "n");
  rec_string (&buf, "int");
  hg_buf_byte (&buf, HG_REC_FRAME_PUSH);
  hg_buf_varint (&buf, 1);
  hg_buf_varint (&buf, 1);
  rec_step (&buf, HG_REC_STEP_LINE, 1);
  for (unsigned i = 0; i < 300; i++)
    {
      hg_buf_byte (&buf, HG_REC_FRAME_PUSH);
      hg_buf_varint (&buf, 2);
      hg_buf_varint (&buf, 1);
      rec_obj_new (&buf, 1000 + i, 4, HG_KIND_INT, 28, 3);
      hg_buf_zigzag (&buf, 300 - (int64_t)i);
      rec_bind (&buf, 0, 3, 1000 + i);
      rec_step (&buf, HG_REC_STEP_CALL, 1);
      rec_step (&buf, HG_REC_STEP_LINE, 2);
    }
  for (unsigned i = 0; i < 300; i++)
    {
      rec_step (&buf, HG_REC_STEP_RETURN, 3);
      hg_buf_byte (&buf, HG_REC_FRAME_POP);
      hg_buf_byte (&buf, HG_REC_OBJ_FREE);
      hg_buf_varint (&buf, 1299 - i);
    }
  rec_step (&buf, HG_REC_STEP_RETURN, 4);
  hg_buf_byte (&buf, HG_REC_FRAME_POP);
  rec_end (&buf, HG_END_FINISHED, 0, 0, "", 0);
  failed |= write_seed (dir, "deep-recursion", &buf);

  /* A step limit in the middle of a loop, exit status from sys.exit-like ending. */
  hg_buf_header (&buf, 100, "loop.py");
  rec_string (&buf, "<module>");
  rec_string (&buf, "i");
  rec_string (&buf, "int");
  hg_buf_byte (&buf, HG_REC_FRAME_PUSH);
  hg_buf_varint (&buf, 1);
  hg_buf_varint (&buf, 1);
  for (unsigned i = 0; i < 50; i++)
    {
      rec_obj_new (&buf, 1 + i, 3, HG_KIND_INT, 28, 1);
      hg_buf_zigzag (&buf, i);
      rec_bind (&buf, 0, 2, 1 + i);
      if (i > 0)
        {
          hg_buf_byte (&buf, HG_REC_OBJ_FREE);
          hg_buf_varint (&buf, i);
        }
      rec_step (&buf, HG_REC_STEP_LINE, 1 + (i & 1));
    }
  rec_end (&buf, HG_END_STEP_LIMIT, 0, 0, "stopped after 50 steps", 2);
  failed |= write_seed (dir, "step-limit", &buf);

  /* Truncated in the middle of a string record. */
  hg_buf_header (&buf, 100, "cut.py");
  hg_buf_byte (&buf, HG_REC_STRING);
  hg_buf_varint (&buf, 40);
  hg_buf_byte (&buf, 'a');
  failed |= write_seed (dir, "truncated", &buf);

  return failed;
}
