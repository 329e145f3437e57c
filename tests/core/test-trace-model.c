/* test-trace-model.c: the trace decoder and model, fed with streams written here with HgBuf. */
#include "heapglass-trace.h"
#include "trace-stream-writer.h"

static HeapglassTrace *
sample_trace (void)
{
  HgBuf b = sample_stream ();
  g_autoptr (GBytes) bytes = g_bytes_new_take (b.data, b.len);
  g_autoptr (GError) error = NULL;
  HeapglassTrace *trace = heapglass_trace_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  return trace;
}

static gboolean
frame_lookup (const HeapglassFrameView *frame, const char *name, guint64 *oid, gboolean *rebound)
{
  for (guint i = 0; i < frame->n_bindings; i++)
    if (g_str_equal (frame->names[i], name))
      {
        if (oid)
          *oid = frame->oids[i];
        if (rebound)
          *rebound = frame->rebound[i];
        return TRUE;
      }
  return FALSE;
}

static void
test_steps_and_lines (void)
{
  g_autoptr (HeapglassTrace) trace = sample_trace ();
  const guint lines[] = { 1, 2, 5, 5, 6, 6, 3, 4, 8, 8 };

  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, 10);
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    g_assert_cmpuint (heapglass_trace_get_step_line (trace, i + 1), ==, lines[i]);
  g_assert_cmpint (heapglass_trace_get_step_event (trace, 3), ==, HEAPGLASS_EVENT_CALL);
  g_assert_cmpint (heapglass_trace_get_step_event (trace, 6), ==, HEAPGLASS_EVENT_RETURN);
  g_assert_cmpstr (heapglass_trace_get_script (trace), ==, "/tmp/sample.py");
  g_assert_cmpuint (heapglass_trace_get_max_items (trace), ==, 100);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_EXCEPTION);
  g_assert_cmpstr (heapglass_trace_get_exception_type (trace), ==, "ValueError");
  g_assert_cmpstr (heapglass_trace_get_exception_message (trace), ==, "bad value");
  g_assert_cmpint (heapglass_trace_get_exit_status (trace), ==, 1);
  g_assert_true (heapglass_trace_is_complete (trace));
}

static void
test_shared_list (void)
{
  g_autoptr (HeapglassTrace) trace = sample_trace ();
  g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, 3);
  guint64 x = 0, y = 0;
  gboolean rebound = FALSE;
  const HeapglassObjectView *list;

  g_assert_cmpuint (snap->n_frames, ==, 2);
  g_assert_cmpstr (snap->frames[0].function, ==, "<module>");
  g_assert_cmpstr (snap->frames[1].function, ==, "process");
  g_assert_cmpuint (snap->frames[0].line, ==, 2);
  g_assert_cmpuint (snap->frames[1].line, ==, 5);
  g_assert_true (frame_lookup (&snap->frames[0], "x", &x, &rebound));
  g_assert_false (rebound);
  g_assert_true (frame_lookup (&snap->frames[1], "y", &y, &rebound));
  g_assert_true (rebound);
  g_assert_cmpuint (x, ==, 4);
  g_assert_cmpuint (y, ==, x);
  list = heapglass_snapshot_find_object (snap, x);
  g_assert_nonnull (list);
  g_assert_cmpint (list->kind, ==, HG_KIND_LIST);
  g_assert_cmpstr (list->type_name, ==, "list");
  g_assert_cmpuint (list->length, ==, 3);
  g_assert_cmpuint (list->n_items, ==, 3);
  g_assert_cmpuint (list->items[2], ==, 3);
  g_assert_cmpint (heapglass_snapshot_find_object (snap, list->items[2])->int_value, ==, 3);
  g_assert_cmpuint (list->created_step, ==, 2);
  g_assert_cmpuint (list->freed_step, ==, 8);
  g_assert_false (list->changed);
  /* the list and its three ints */
  g_assert_cmpuint (snap->n_objects, ==, 4);
}

static void
test_seek_back_and_forth (void)
{
  g_autoptr (HeapglassTrace) trace = sample_trace ();
  const guint order[] = { 5, 2, 9, 4, 5, 1, 7, 3, 10, 5 };
  const guint64 expect_len[] = { 0, 3, 3, 3, 4, 4, 4, 0, 0, 0 };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, order[i]);
      const HeapglassObjectView *list = heapglass_snapshot_find_object (snap, 4);
      g_assert_cmpuint (snap->step, ==, order[i]);
      if (expect_len[order[i] - 1] == 0)
        {
          /* not yet created, or gone: at step 8 it is shown once more, freed */
          if (order[i] == 8)
            g_assert_true (list != NULL && list->freed);
          else
            g_assert_null (list);
        }
      else
        {
          g_assert_nonnull (list);
          g_assert_cmpuint (list->length, ==, expect_len[order[i] - 1]);
          g_assert_cmpuint (list->n_items, ==, list->length);
          g_assert_true (list->changed == (order[i] == 2 || order[i] == 5));
        }
    }
}

static void
test_del_frees (void)
{
  g_autoptr (HeapglassTrace) trace = sample_trace ();
  g_autoptr (HeapglassSnapshot) at_del = heapglass_trace_snapshot (trace, 8);
  g_autoptr (HeapglassSnapshot) after = heapglass_trace_snapshot (trace, 9);
  const HeapglassObjectView *list = heapglass_snapshot_find_object (at_del, 4);

  g_assert_false (frame_lookup (&at_del->frames[0], "x", NULL, NULL));
  g_assert_nonnull (list);
  g_assert_true (list->freed);
  g_assert_null (heapglass_snapshot_find_object (after, 4));
  /* the ints the list held are still alive but no longer reachable */
  g_assert_null (heapglass_snapshot_find_object (after, 1));
  g_assert_cmpuint (after->live_objects, ==, 5);
  g_assert_cmpuint (heapglass_trace_get_step_live_objects (trace, 7), ==, 7);
  g_assert_cmpuint (heapglass_trace_get_step_live_bytes (trace, 2), ==, 3 * 28 + 88);
  g_assert_cmpuint (heapglass_trace_get_peak_objects (trace), ==, 7);
  g_assert_cmpuint (heapglass_trace_get_max_depth (trace), ==, 2);
}

static void
test_weakref_dies_after_del (void)
{
  g_autoptr (HeapglassTrace) trace = sample_trace ();
  g_autoptr (HeapglassSnapshot) alive = heapglass_trace_snapshot (trace, 7);
  g_autoptr (HeapglassSnapshot) dead = heapglass_trace_snapshot (trace, 8);
  guint64 w = 0;
  const HeapglassObjectView *ref;

  g_assert_true (frame_lookup (&alive->frames[0], "w", &w, NULL));
  ref = heapglass_snapshot_find_object (alive, w);
  g_assert_cmpint (ref->kind, ==, HG_KIND_WEAKREF);
  g_assert_cmpuint (ref->referent, ==, 6);
  g_assert_nonnull (heapglass_snapshot_find_object (alive, 6));
  ref = heapglass_snapshot_find_object (dead, w);
  g_assert_cmpuint (ref->referent, ==, 0);
  g_assert_true (ref->was_weakref_target);
  g_assert_true (ref->changed);
}

static void
test_output_so_far (void)
{
  g_autoptr (HeapglassTrace) trace = sample_trace ();
  g_autofree char *before = heapglass_trace_get_output (trace, 1, 7, NULL);
  g_autofree char *at = heapglass_trace_get_output (trace, 1, 8, NULL);
  g_autofree char *err = heapglass_trace_get_output (trace, 2, 0, NULL);
  g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, 8);

  g_assert_cmpstr (before, ==, "");
  g_assert_cmpstr (at, ==, "done\n");
  g_assert_cmpstr (err, ==, "oops\n");
  g_assert_cmpuint (snap->stdout_len, ==, 5);
  g_assert_cmpuint (snap->stderr_len, ==, 0);
}

static void
test_exception_on_frame (void)
{
  g_autoptr (HeapglassTrace) trace = sample_trace ();
  g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, 10);
  g_autoptr (HeapglassSnapshot) before = heapglass_trace_snapshot (trace, 9);

  g_assert_cmpint (snap->event, ==, HEAPGLASS_EVENT_EXCEPTION);
  g_assert_cmpstr (snap->frames[0].exception_type, ==, "ValueError");
  g_assert_cmpstr (snap->frames[0].exception_message, ==, "bad value");
  g_assert_null (before->frames[0].exception_type);
}

static void
test_navigation (void)
{
  g_autoptr (HeapglassTrace) trace = sample_trace ();
  g_autoptr (GArray) changes = heapglass_trace_get_object_changes (trace, 4);

  g_assert_cmpuint (heapglass_trace_find_line (trace, 6, 0, FALSE), ==, 5);
  g_assert_cmpuint (heapglass_trace_find_line (trace, 6, 5, FALSE), ==, 6);
  g_assert_cmpuint (heapglass_trace_find_line (trace, 5, 6, TRUE), ==, 4);
  g_assert_cmpuint (heapglass_trace_find_line (trace, 42, 1, FALSE), ==, 0);
  /* step 2 calls process: stepping over lands back at the top level */
  g_assert_cmpuint (heapglass_trace_get_step_depth (trace, 2), ==, 1);
  g_assert_cmpuint (heapglass_trace_get_step_depth (trace, 4), ==, 2);
  g_assert_cmpuint (heapglass_trace_find_step_over (trace, 2), ==, 7);
  g_assert_cmpuint (heapglass_trace_find_step_over (trace, 4), ==, 5);
  g_assert_cmpuint (heapglass_trace_find_step_out (trace, 4), ==, 7);
  g_assert_cmpuint (heapglass_trace_find_step_out (trace, 8), ==, 0);
  g_assert_cmpuint (changes->len, ==, 2);
  g_assert_cmpuint (g_array_index (changes, guint, 0), ==, 2);
  g_assert_cmpuint (g_array_index (changes, guint, 1), ==, 5);
}

static void
test_input_prompt (void)
{
  HgBuf b = { 0 };
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *prompt = NULL;

  hg_buf_header (&b, 10, "in.py");
  w_string (&b, "<module>");
  w_push (&b, 1, 1);
  w_step (&b, HG_REC_STEP_LINE, 1);
  hg_buf_byte (&b, HG_REC_INPUT);
  hg_buf_string (&b, "Name? ");
  g_assert_true (heapglass_trace_feed (trace, b.data, b.len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (heapglass_trace_get_n_input_requests (trace), ==, 1);
  prompt = heapglass_trace_get_input_prompt (trace, 0);
  g_assert_cmpstr (prompt, ==, "Name? ");
  g_clear_pointer (&prompt, g_free);
  /* the request belongs to the step it happens before */
  g_assert_true (heapglass_trace_get_step_input_prompt (trace, 2, &prompt));
  g_assert_cmpstr (prompt, ==, "Name? ");
  g_assert_false (heapglass_trace_get_step_input_prompt (trace, 1, NULL));
  hg_buf_clear (&b);
}

static void
test_summarised_list (void)
{
  HgBuf b = { 0 };
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassSnapshot) snap = NULL;
  guint64 items[5];
  const HeapglassObjectView *list;

  hg_buf_header (&b, 5, "big.py");
  w_string (&b, "<module>");
  w_string (&b, "int");
  w_string (&b, "list");
  w_string (&b, "lst");
  w_push (&b, 1, 1);
  w_new (&b, 1, 3, HG_KIND_LIST, 56);
  for (int i = 0; i < 5; i++)
    {
      w_int (&b, 2 + i, i);
      items[i] = 2 + i;
    }
  w_seq (&b, 1, 1000000, 0, 5, items);
  w_bind (&b, 0, 4, 1);
  w_step (&b, HG_REC_STEP_LINE, 1);
  /* beyond K only the length changes */
  w_seq (&b, 1, 1000001, 5, 0, NULL);
  w_step (&b, HG_REC_STEP_LINE, 2);
  /* an item inside the prefix replaced */
  w_int (&b, 7, 99);
  items[0] = 7;
  w_seq (&b, 1, 1000001, 2, 1, items);
  w_step (&b, HG_REC_STEP_LINE, 3);
  g_assert_true (heapglass_trace_feed (trace, b.data, b.len, &error));
  g_assert_no_error (error);

  snap = heapglass_trace_snapshot (trace, 1);
  list = heapglass_snapshot_find_object (snap, 1);
  g_assert_cmpuint (list->length, ==, 1000000);
  g_assert_cmpuint (list->n_items, ==, 5);
  g_clear_pointer (&snap, heapglass_snapshot_unref);
  snap = heapglass_trace_snapshot (trace, 2);
  list = heapglass_snapshot_find_object (snap, 1);
  g_assert_cmpuint (list->length, ==, 1000001);
  g_assert_cmpuint (list->items[2], ==, 4);
  g_clear_pointer (&snap, heapglass_snapshot_unref);
  snap = heapglass_trace_snapshot (trace, 3);
  list = heapglass_snapshot_find_object (snap, 1);
  g_assert_cmpuint (list->n_items, ==, 5);
  g_assert_cmpuint (list->items[2], ==, 7);
  g_assert_cmpuint (list->items[3], ==, 5);
  g_assert_cmpint (heapglass_snapshot_find_object (snap, 7)->int_value, ==, 99);
  hg_buf_clear (&b);
}

/* Snapshots of every step, in a comparable text form. */
static char *
describe_trace (HeapglassTrace *trace)
{
  GString *out = g_string_new (NULL);
  guint n = heapglass_trace_get_n_steps (trace);

  g_string_append_printf (out, "steps=%u end=%d\n", n, heapglass_trace_get_ending (trace));
  for (guint s = 1; s <= n; s++)
    {
      g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, s);
      g_string_append_printf (out, "%u:%u", s, snap->line);
      for (guint f = 0; f < snap->n_frames; f++)
        for (guint i = 0; i < snap->frames[f].n_bindings; i++)
          g_string_append_printf (out, " %s=%" G_GUINT64_FORMAT, snap->frames[f].names[i],
                                  snap->frames[f].oids[i]);
      for (guint o = 0; o < snap->n_objects; o++)
        g_string_append_printf (out, " #%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "/%u",
                                snap->objects[o].oid, snap->objects[o].length,
                                snap->objects[o].n_items);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

static void
test_any_split (void)
{
  HgBuf b = sample_stream ();
  g_autoptr (HeapglassTrace) whole = sample_trace ();
  g_autofree char *expected = describe_trace (whole);

  for (gsize piece = 1; piece <= 7; piece += 3)
    {
      g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
      g_autoptr (GError) error = NULL;
      g_autofree char *got = NULL;

      for (gsize off = 0; off < b.len; off += piece)
        g_assert_true (
            heapglass_trace_feed (trace, b.data + off, MIN (piece, b.len - off), &error));
      g_assert_true (heapglass_trace_finish (trace, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (heapglass_trace_get_stream_bytes (trace), ==, b.len);
      got = describe_trace (trace);
      g_assert_cmpstr (got, ==, expected);
    }
  hg_buf_clear (&b);
}

static void
test_truncated_every_offset (void)
{
  HgBuf b = sample_stream ();
  guint full_steps = 10;

  for (gsize cut = 0; cut < b.len; cut++)
    {
      g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
      g_autoptr (GError) error = NULL;
      guint n;

      g_assert_true (heapglass_trace_feed (trace, b.data, cut, &error));
      g_assert_no_error (error);
      n = heapglass_trace_get_n_steps (trace);
      g_assert_cmpuint (n, <=, full_steps);
      if (!heapglass_trace_finish (trace, &error))
        g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_TRUNCATED);
      /* a cut at a record boundary is a clean partial trace: no ending yet */
      g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_NONE);
      /* steps decoded before the cut stay usable */
      g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, n);
      for (guint s = 1; s <= n; s++)
        {
          g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, s);
          g_assert_cmpuint (snap->step, ==, s);
        }
    }
  hg_buf_clear (&b);
}

static void
test_random_corruption (void)
{
  HgBuf b = sample_stream ();
  guint errors = 0;

  for (int round = 0; round < 3000; round++)
    {
      g_autofree guint8 *copy = g_memdup2 (b.data, b.len);
      g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
      g_autoptr (GError) error = NULL;
      int flips = g_test_rand_int_range (1, 4);
      gboolean ok;

      for (int i = 0; i < flips; i++)
        copy[g_test_rand_int_range (0, (gint32)b.len)] = (guint8)g_test_rand_int_range (0, 256);
      ok = heapglass_trace_feed (trace, copy, b.len, &error);
      ok = ok && heapglass_trace_finish (trace, &error);
      if (!ok)
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == HEAPGLASS_TRACE_ERROR);
          errors++;
        }
      for (guint s = 1; s <= heapglass_trace_get_n_steps (trace); s++)
        {
          g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, s);
          for (guint o = 0; o < snap->n_objects; o++)
            g_assert_nonnull (snap->objects[o].type_name);
        }
    }
  /* most corruptions are caught */
  g_assert_cmpuint (errors, >, 1500);
  hg_buf_clear (&b);
}

static void
test_huge_length_rejected (void)
{
  HgBuf b = { 0 };
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  g_autoptr (GError) error = NULL;

  hg_buf_header (&b, 10, "x.py");
  hg_buf_byte (&b, HG_REC_STRING);
  hg_buf_varint (&b, (guint64)1 << 40);
  g_assert_false (heapglass_trace_feed (trace, b.data, b.len, &error));
  g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
  g_clear_error (&error);
  /* refuses further input */
  g_assert_false (heapglass_trace_feed (trace, b.data, 1, &error));
  g_assert_nonnull (error);
  hg_buf_clear (&b);
}

static void
test_huge_count_rejected (void)
{
  HgBuf b = { 0 };
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  g_autoptr (GError) error = NULL;

  hg_buf_header (&b, 10, "x.py");
  w_string (&b, "list");
  w_new (&b, 1, 1, HG_KIND_LIST, 56);
  hg_buf_byte (&b, HG_REC_SEQ);
  hg_buf_varint (&b, 1);
  hg_buf_varint (&b, G_MAXUINT32);
  hg_buf_varint (&b, 0);
  hg_buf_varint (&b, G_MAXUINT32);
  g_assert_false (heapglass_trace_feed (trace, b.data, b.len, &error));
  g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
  hg_buf_clear (&b);
}

static void
test_bad_magic (void)
{
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  g_autoptr (GError) error = NULL;

  g_assert_false (heapglass_trace_feed (trace, (const guint8 *)"HGX", 3, &error));
  g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
}

static void
test_wrong_version (void)
{
  HgBuf b = { 0 };
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  g_autoptr (GError) error = NULL;

  hg_buf_reserve (&b, 8);
  memcpy (b.data, HG_TRACE_MAGIC, 8);
  b.len = 8;
  hg_buf_varint (&b, 99);
  g_assert_false (heapglass_trace_feed (trace, b.data, b.len, &error));
  g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_VERSION);
  hg_buf_clear (&b);
}

static void
test_unknown_ids (void)
{
  HgBuf b = { 0 };
  g_autoptr (GError) error = NULL;

  /* bind to an object never created */
  {
    g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
    hg_buf_header (&b, 10, "x.py");
    w_string (&b, "<module>");
    w_push (&b, 1, 1);
    w_bind (&b, 0, 1, 42);
    g_assert_false (heapglass_trace_feed (trace, b.data, b.len, &error));
    g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
    g_clear_error (&error);
    hg_buf_clear (&b);
  }
  /* a string id never defined */
  {
    g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
    hg_buf_header (&b, 10, "x.py");
    w_push (&b, 7, 1);
    g_assert_false (heapglass_trace_feed (trace, b.data, b.len, &error));
    g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
    g_clear_error (&error);
    hg_buf_clear (&b);
  }
  /* a frame deeper than the stack */
  {
    g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
    hg_buf_header (&b, 10, "x.py");
    w_string (&b, "<module>");
    w_string (&b, "int");
    w_push (&b, 1, 1);
    w_int (&b, 1, 5);
    w_bind (&b, 3, 1, 1);
    g_assert_false (heapglass_trace_feed (trace, b.data, b.len, &error));
    g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
    g_clear_error (&error);
    hg_buf_clear (&b);
  }
  /* an object id reused */
  {
    g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
    hg_buf_header (&b, 10, "x.py");
    w_string (&b, "int");
    w_int (&b, 1, 5);
    w_int (&b, 1, 6);
    g_assert_false (heapglass_trace_feed (trace, b.data, b.len, &error));
    g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
    g_clear_error (&error);
    hg_buf_clear (&b);
  }
}

static void
test_record_kind_mismatch (void)
{
  HgBuf b = { 0 };
  g_autoptr (GError) error = NULL;

  /* items for a dict */
  {
    g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
    hg_buf_header (&b, 10, "x.py");
    w_string (&b, "dict");
    w_new (&b, 1, 1, HG_KIND_DICT, 64);
    w_seq (&b, 1, 0, 0, 0, NULL);
    g_assert_false (heapglass_trace_feed (trace, b.data, b.len, &error));
    g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
    g_clear_error (&error);
    hg_buf_clear (&b);
  }
  /* entries for a list */
  {
    g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
    hg_buf_header (&b, 10, "x.py");
    w_string (&b, "list");
    w_new (&b, 1, 1, HG_KIND_LIST, 56);
    hg_buf_byte (&b, HG_REC_DICT);
    hg_buf_varint (&b, 1);
    hg_buf_varint (&b, 0);
    hg_buf_varint (&b, 0);
    g_assert_false (heapglass_trace_feed (trace, b.data, b.len, &error));
    g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
    g_clear_error (&error);
    hg_buf_clear (&b);
  }
  /* a referent for something that is not a weakref */
  {
    g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
    hg_buf_header (&b, 10, "x.py");
    w_string (&b, "int");
    w_int (&b, 1, 5);
    w_weakref (&b, 1, 1);
    g_assert_false (heapglass_trace_feed (trace, b.data, b.len, &error));
    g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
    g_clear_error (&error);
    hg_buf_clear (&b);
  }
}

static void
test_uncaught_exception_from_end_message (void)
{
  HgBuf b = { 0 };
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  g_autoptr (GError) error = NULL;

  /* raised outside user code: no EXCEPTION record, only the END message */
  hg_buf_header (&b, 10, "x.py");
  w_string (&b, "<module>");
  w_push (&b, 1, 1);
  w_step (&b, HG_REC_STEP_LINE, 1);
  hg_buf_byte (&b, HG_REC_END);
  hg_buf_varint (&b, HG_END_MEMORY_LIMIT);
  hg_buf_zigzag (&b, 1);
  hg_buf_varint (&b, 0);
  hg_buf_string (&b, "MemoryError: out of memory");
  hg_buf_varint (&b, 0);
  g_assert_true (heapglass_trace_feed (trace, b.data, b.len, &error));
  g_assert_no_error (error);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_MEMORY_LIMIT);
  g_assert_cmpstr (heapglass_trace_get_exception_type (trace), ==, "MemoryError");
  g_assert_cmpstr (heapglass_trace_get_exception_message (trace), ==, "out of memory");
  g_assert_cmpstr (heapglass_trace_get_end_message (trace), ==, "MemoryError: out of memory");
  hg_buf_clear (&b);
}

static void
test_empty_input (void)
{
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  gsize len = 1;

  g_assert_true (heapglass_trace_feed (trace, NULL, 0, &error));
  out = heapglass_trace_get_output (trace, 1, 0, &len);
  g_assert_cmpuint (len, ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_assert_false (heapglass_trace_finish (trace, &error));
  g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_TRUNCATED);
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, 0);
}

static void
test_keeps_steps_before_error (void)
{
  HgBuf b = sample_stream ();
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  g_autoptr (GError) error = NULL;

  /* the END record's code replaced by garbage */
  b.data[b.len - 6] = 0x7f;
  g_assert_false (heapglass_trace_feed (trace, b.data, b.len, &error));
  g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, 10);
  hg_buf_clear (&b);
}

static void
test_sparse_oids (void)
{
  HgBuf b = { 0 };
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassSnapshot) snap = NULL;
  guint64 items[2] = { 1000, 5 };

  hg_buf_header (&b, 10, "x.py");
  w_string (&b, "<module>");
  w_string (&b, "int");
  w_string (&b, "list");
  w_string (&b, "v");
  w_push (&b, 1, 1);
  w_int (&b, 1000, 10);
  w_int (&b, 5, 20);
  w_new (&b, 1 << 30, 3, HG_KIND_LIST, 72);
  w_seq (&b, 1 << 30, 2, 0, 2, items);
  w_bind (&b, 0, 4, 1 << 30);
  w_step (&b, HG_REC_STEP_LINE, 1);
  g_assert_true (heapglass_trace_feed (trace, b.data, b.len, &error));
  snap = heapglass_trace_snapshot (trace, 1);
  g_assert_cmpuint (snap->n_objects, ==, 3);
  g_assert_cmpint (heapglass_snapshot_find_object (snap, 5)->int_value, ==, 20);
  g_assert_cmpint (heapglass_snapshot_find_object (snap, 1000)->int_value, ==, 10);
  hg_buf_clear (&b);
}

/* OBJ_NEW_AT: every address comes back exactly, near or far from its neighbours, aligned or not;
 * objects made before the program are not live objects and cannot be freed. */
static void
test_object_addresses (void)
{
  HgBuf b = { 0 };
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  g_autoptr (GError) error = NULL;
  const guint64 addresses[] = { 0x7f0000001000,
                                0x7f0000001040,
                                0x555500000008,
                                0x7f0000001003,
                                0x7fffffffffff8,
                                0x7f0000000ff0,
                                8 };
  guint64 previous = 0;
  guint n = 5000; /* more than one block of objects */

  hg_buf_header (&b, 10, "ids.py");
  w_string (&b, "<module>");
  w_string (&b, "int");
  w_push (&b, 1, 1);
  for (guint i = 0; i < n; i++)
    {
      guint64 address = i < G_N_ELEMENTS (addresses) ? addresses[i]
                                                     : G_GUINT64_CONSTANT (0x7f1000000000) + 32 * i;

      w_new_at (&b, i + 1, 2, HG_KIND_INT, 28, &previous, address, i == 1);
      hg_buf_zigzag (&b, 1000 + i);
    }
  w_step (&b, HG_REC_STEP_LINE, 1);
  g_assert_true (heapglass_trace_feed (trace, b.data, b.len, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      guint64 address = i < G_N_ELEMENTS (addresses) ? addresses[i]
                                                     : G_GUINT64_CONSTANT (0x7f1000000000) + 32 * i;

      g_assert_cmphex (heapglass_trace_get_object_address (trace, i + 1), ==, address);
      g_assert_cmpint (heapglass_trace_get_object_premade (trace, i + 1), ==, i == 1);
    }
  g_assert_cmpuint (heapglass_trace_get_object_address (trace, n + 1), ==, 0);
  g_assert_cmpuint (heapglass_trace_get_step_live_objects (trace, 1), ==, n - 1);
  g_assert_cmpuint (heapglass_trace_get_step_live_bytes (trace, 1), ==, (n - 1) * 28);

  /* Freeing the premade one breaks the format. */
  hg_buf_clear (&b);
  w_free (&b, 2);
  g_assert_false (heapglass_trace_feed (trace, b.data, b.len, &error));
  g_assert_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_CORRUPT);
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, 1);
  hg_buf_clear (&b);
}

/* A stream of version 2 has no addresses: 0, "not known". */
static void
test_no_addresses_before_version_3 (void)
{
  g_autoptr (HeapglassTrace) trace = sample_trace ();

  g_assert_cmpuint (heapglass_trace_get_object_address (trace, 1), ==, 0);
  g_assert_false (heapglass_trace_get_object_premade (trace, 1));
}

static void
test_limited_snapshot_of_deep_stack (void)
{
  HgBuf b = { 0 };
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassSnapshot) full = NULL;
  g_autoptr (HeapglassSnapshot) limited = NULL;

  hg_buf_header (&b, 10, "deep.py");
  w_string (&b, "<module>");
  w_string (&b, "down");
  w_string (&b, "int");
  w_string (&b, "n");
  w_push (&b, 1, 1);
  w_step (&b, HG_REC_STEP_LINE, 1);
  /* ten nested calls of down(n), n = 9 … 0, each its own int */
  for (int depth = 0; depth < 10; depth++)
    {
      w_push (&b, 2, 3);
      w_int (&b, depth + 1, 9 - depth);
      w_bind (&b, 0, 4, depth + 1);
      w_step (&b, HG_REC_STEP_CALL, 3);
    }
  g_assert_true (heapglass_trace_feed (trace, b.data, b.len, &error));
  g_assert_no_error (error);

  full = heapglass_trace_snapshot (trace, 11);
  g_assert_cmpuint (full->n_frames, ==, 11);
  g_assert_cmpuint (full->n_frames_hidden, ==, 0);
  g_assert_cmpuint (full->n_frames_head, ==, 11);
  g_assert_cmpuint (full->n_objects, ==, 10);

  limited = heapglass_trace_snapshot_limited (trace, 11, 4);
  g_assert_cmpuint (limited->n_frames, ==, 4);
  g_assert_cmpuint (limited->n_frames_head, ==, 2);
  g_assert_cmpuint (limited->n_frames_hidden, ==, 7);
  g_assert_cmpstr (limited->frames[0].function, ==, "<module>");
  /* the outermost call of down, then the two innermost */
  g_assert_cmpuint (limited->frames[1].oids[0], ==, 1);
  g_assert_cmpuint (limited->frames[2].oids[0], ==, 9);
  g_assert_cmpuint (limited->frames[3].oids[0], ==, 10);
  g_assert_cmpuint (limited->frames[3].frame_id, ==, full->frames[10].frame_id);
  /* only what the shown frames reach */
  g_assert_cmpuint (limited->n_objects, ==, 3);
  g_assert_null (heapglass_snapshot_find_object (limited, 5));
  hg_buf_clear (&b);
}

typedef struct
{
  HeapglassTrace *trace;
  HgBuf stream;
} FeedJob;

static gpointer
feed_slowly (gpointer data)
{
  FeedJob *job = data;

  for (gsize off = 0; off < job->stream.len; off++)
    {
      g_assert_true (heapglass_trace_feed (job->trace, job->stream.data + off, 1, NULL));
      if (off % 16 == 0)
        g_thread_yield ();
    }
  g_assert_true (heapglass_trace_finish (job->trace, NULL));
  return NULL;
}

static void
test_feed_while_snapshotting (void)
{
  FeedJob job = { heapglass_trace_new (), sample_stream () };
  GThread *feeder = g_thread_new ("feeder", feed_slowly, &job);
  guint seen = 0;

  while (!heapglass_trace_is_complete (job.trace))
    {
      guint n = heapglass_trace_get_n_steps (job.trace);
      for (guint s = 1; s <= n; s++)
        {
          g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (job.trace, s);
          g_assert_cmpuint (snap->step, ==, s);
          g_assert_cmpuint (snap->n_steps, >=, n);
          g_assert_cmpuint (snap->n_frames, >=, 1);
        }
      seen = MAX (seen, n);
    }
  g_thread_join (feeder);
  g_assert_cmpuint (heapglass_trace_get_n_steps (job.trace), ==, 10);
  g_assert_cmpint (heapglass_trace_get_ending (job.trace), ==, HG_END_EXCEPTION);
  g_object_unref (job.trace);
  hg_buf_clear (&job.stream);
}

static void
test_memory_usage_reported (void)
{
  g_autoptr (HeapglassTrace) trace = sample_trace ();
  gsize used = heapglass_trace_get_memory_usage (trace);
  g_assert_cmpuint (used, >, 0);
  g_assert_cmpuint (used, <, 1 << 20);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/trace/model/steps-and-lines", test_steps_and_lines);
  g_test_add_func ("/trace/model/two-names-one-list", test_shared_list);
  g_test_add_func ("/trace/model/seek-back-and-forth", test_seek_back_and_forth);
  g_test_add_func ("/trace/model/del-frees-the-list", test_del_frees);
  g_test_add_func ("/trace/weakref/dies-after-del", test_weakref_dies_after_del);
  g_test_add_func ("/trace/model/output-so-far", test_output_so_far);
  g_test_add_func ("/trace/model/uncaught-exception-from-end-message",
                   test_uncaught_exception_from_end_message);
  g_test_add_func ("/trace/model/exception-on-its-frame", test_exception_on_frame);
  g_test_add_func ("/trace/model/find-line-step-over-out", test_navigation);
  g_test_add_func ("/trace/model/input-prompt", test_input_prompt);
  g_test_add_func ("/trace/model/summarised-list", test_summarised_list);
  g_test_add_func ("/trace/model/sparse-object-ids", test_sparse_oids);
  g_test_add_func ("/trace/model/object-addresses", test_object_addresses);
  g_test_add_func ("/trace/model/no-addresses-before-version-3",
                   test_no_addresses_before_version_3);
  g_test_add_func ("/trace/model/limited-snapshot-of-deep-stack",
                   test_limited_snapshot_of_deep_stack);
  g_test_add_func ("/trace/model/memory-usage", test_memory_usage_reported);
  g_test_add_func ("/trace/model/feed-while-snapshotting", test_feed_while_snapshotting);
  g_test_add_func ("/trace/decoder/any-split", test_any_split);
  g_test_add_func ("/trace/decoder/truncated-every-offset", test_truncated_every_offset);
  g_test_add_func ("/trace/decoder/random-corruption", test_random_corruption);
  g_test_add_func ("/trace/decoder/huge-length-rejected", test_huge_length_rejected);
  g_test_add_func ("/trace/decoder/huge-count-rejected", test_huge_count_rejected);
  g_test_add_func ("/trace/decoder/bad-magic", test_bad_magic);
  g_test_add_func ("/trace/decoder/wrong-version", test_wrong_version);
  g_test_add_func ("/trace/decoder/unknown-ids", test_unknown_ids);
  g_test_add_func ("/trace/decoder/keeps-steps-before-error", test_keeps_steps_before_error);
  g_test_add_func ("/trace/decoder/record-kind-mismatch", test_record_kind_mismatch);
  g_test_add_func ("/trace/decoder/empty-input", test_empty_input);

  return g_test_run ();
}
