/* test-trace-spill.c: the trace keeps its steps in a file (created in the folder it is given,
 * unlinked at once, gone when the trace is), its memory stays bounded, a disk budget ends the run
 * as disk-limit with the steps before kept, and a crashed process leaves no file behind. */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "heapglass-test-cli.h"
#include "heapglass-test-support.h"
#include "heapglass-trace.h"
#include "trace-stream-writer.h"

enum
{
  L_MODULE = 1,
  L_INT,
  L_TOTAL,
  L_I,
};

/* `for i in range(n): total += i` as the tracer encodes it: two steps per iteration, a new int
 * for i and for total each time and the old ones freed (two objects and two frees per loop). */
static HgBuf
sum_loop_stream (guint n, gboolean with_end)
{
  HgBuf b = { 0 };
  guint64 oid = 0, old_i = 0, old_total;
  gint64 total = 0;

  hg_buf_header (&b, 100, "/tmp/sum.py");
  w_string (&b, "<module>");
  w_string (&b, "int");
  w_string (&b, "total");
  w_string (&b, "i");
  w_push (&b, L_MODULE, 1);
  w_step (&b, HG_REC_STEP_LINE, 1);
  w_new (&b, ++oid, L_INT, HG_KIND_INT, 28);
  hg_buf_zigzag (&b, 0);
  w_bind (&b, 0, L_TOTAL, oid);
  old_total = oid;
  for (guint i = 0; i < n; i++)
    {
      w_new (&b, ++oid, L_INT, HG_KIND_INT, 28);
      hg_buf_zigzag (&b, i);
      w_bind (&b, 0, L_I, oid);
      if (old_i)
        w_free (&b, old_i);
      old_i = oid;
      w_step (&b, HG_REC_STEP_LINE, 2);
      total += i;
      w_new (&b, ++oid, L_INT, HG_KIND_INT, 32);
      hg_buf_zigzag (&b, total);
      w_bind (&b, 0, L_TOTAL, oid);
      w_free (&b, old_total);
      old_total = oid;
      w_step (&b, HG_REC_STEP_LINE, 3);
    }
  if (with_end)
    w_end (&b, HG_END_FINISHED, 0);
  g_assert_false (b.failed);
  return b;
}

/* Feeds in pieces the size the runner reads. */
static gboolean
feed_all (HeapglassTrace *trace, const HgBuf *b, GError **error)
{
  for (gsize off = 0; off < b->len; off += 64 * 1024)
    if (!heapglass_trace_feed (trace, b->data + off, MIN (b->len - off, (gsize)64 * 1024), error))
      return FALSE;
  return TRUE;
}

/* The value of `name` at `step`, through a snapshot. */
static gint64
value_of (HeapglassTrace *trace, guint step, const char *name)
{
  g_autoptr (HeapglassSnapshot) s = heapglass_trace_snapshot (trace, step);
  const HeapglassFrameView *f = &s->frames[0];

  for (guint i = 0; i < f->n_bindings; i++)
    if (g_str_equal (f->names[i], name))
      return heapglass_snapshot_find_object (s, f->oids[i])->int_value;
  g_assert_not_reached ();
}

/* Whether a descriptor of this process points at `path` (an unlinked file reads "path (deleted)").
 */
static gboolean
fd_open_on (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  g_autofree char *deleted = g_strconcat (path, " (deleted)", NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (link, NULL);
      if (target && (g_str_equal (target, path) || g_str_equal (target, deleted)))
        return TRUE;
    }
  return FALSE;
}

/* Spill files left in `dir`. */
static guint
count_spill_files (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  if (d == NULL)
    return 0;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, "heapglass-trace-") && g_str_has_suffix (name, ".spill"))
      n++;
  return n;
}

static char *
fresh_dir (const char *name)
{
  char *dir = hg_test_tmp_path (name);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

static void
test_file_created (void)
{
  g_autofree char *dir = fresh_dir ("created");
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  g_autoptr (GError) error = NULL;
  HgBuf b = sum_loop_stream (1000, TRUE);
  const char *path;

  g_assert_true (heapglass_trace_set_spill (trace, dir, 0, &error));
  g_assert_no_error (error);
  path = heapglass_trace_get_spill_path (trace);
  g_assert_nonnull (path);
  g_assert_true (g_str_has_prefix (path, dir));
  /* Open, but already out of the folder: only the descriptor keeps it. */
  g_assert_true (fd_open_on (path));
  g_assert_cmpuint (count_spill_files (dir), ==, 0);

  g_assert_true (feed_all (trace, &b, &error));
  g_assert_true (heapglass_trace_finish (trace, &error));
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, 2001);
  g_assert_cmpuint (heapglass_trace_get_disk_usage (trace), >, 2001 * 16);
  g_assert_cmpint (value_of (trace, 2001, "total"), ==, 999 * 1000 / 2);
  /* Too late to move it once steps are in. */
  g_assert_false (heapglass_trace_set_spill (trace, dir, 0, NULL));
  hg_buf_clear (&b);
}

static void
test_file_removed_on_close (void)
{
  g_autofree char *dir = fresh_dir ("removed");
  HeapglassTrace *trace = heapglass_trace_new ();
  HgBuf b = sum_loop_stream (1000, TRUE);
  g_autofree char *path = NULL;

  g_assert_true (heapglass_trace_set_spill (trace, dir, 0, NULL));
  g_assert_true (feed_all (trace, &b, NULL));
  path = g_strdup (heapglass_trace_get_spill_path (trace));
  g_assert_true (fd_open_on (path));
  g_assert_finalize_object (trace);
  g_assert_false (fd_open_on (path));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  hg_buf_clear (&b);
}

static void
test_memory_bounded (void)
{
  g_autofree char *dir = fresh_dir ("bounded");
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  g_autoptr (GError) error = NULL;
  const guint n = 1000000; /* 2,000,001 steps, 2,000,001 objects */
  HgBuf b = sum_loop_stream (n, TRUE);
  gsize memory;
  guint64 disk;

  g_assert_true (heapglass_trace_set_spill (trace, dir, 0, &error));
  g_assert_true (feed_all (trace, &b, &error));
  g_assert_no_error (error);
  g_assert_true (heapglass_trace_finish (trace, &error));
  memory = heapglass_trace_get_memory_usage (trace);
  disk = heapglass_trace_get_disk_usage (trace);
  g_test_message ("%u steps: %" G_GSIZE_FORMAT " bytes in memory, %" G_GUINT64_FORMAT " on disk",
                  heapglass_trace_get_n_steps (trace), memory, disk);
  /* The bulk is in the file: in memory only directories (a pointer per 64 KiB) and tables. */
  g_assert_cmpuint (disk, >, 20 * (guint64)(2 * n));
  g_assert_cmpuint (memory, <, 512 * 1024);
  /* Every step still reads back, the long histories included. */
  g_assert_cmpint (value_of (trace, 2 * n + 1, "total"), ==, (gint64)(n - 1) * n / 2);
  g_assert_cmpint (value_of (trace, 2 * n, "i"), ==, n - 1);
  g_assert_cmpint (value_of (trace, 1001, "i"), ==, 499);
  g_assert_cmpint (value_of (trace, 3, "total"), ==, 0);
  g_assert_cmpuint (heapglass_trace_get_step_live_objects (trace, 2 * n + 1), ==, 2);
  hg_buf_clear (&b);
}

static void
test_disk_limit_keeps_partial_trace (void)
{
  g_autofree char *dir = fresh_dir ("limit");
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  g_autoptr (GError) error = NULL;
  const guint64 limit = 4 << 20;
  HgBuf b = sum_loop_stream (1000000, TRUE);
  guint n;

  g_assert_true (heapglass_trace_set_spill (trace, dir, limit, &error));
  /* The stream itself was fine: no error; the rest is dropped and the ending says why. */
  g_assert_true (feed_all (trace, &b, &error));
  g_assert_no_error (error);
  g_assert_cmpint (heapglass_trace_get_limit_hit (trace), ==, HG_END_DISK_LIMIT);
  g_assert_true (heapglass_trace_finish (trace, &error));
  g_assert_no_error (error);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_DISK_LIMIT);
  g_assert_nonnull (strstr (heapglass_trace_get_end_message (trace), "MiB"));
  g_assert_cmpstr (heapglass_ending_to_string (HG_END_DISK_LIMIT), ==, "disk-limit");
  n = heapglass_trace_get_n_steps (trace);
  g_assert_cmpuint (n, >, 1000);
  g_assert_cmpuint (n, <, 2000001);
  /* Stopped at the budget, give or take a chunk. */
  g_assert_cmpuint (heapglass_trace_get_disk_usage (trace), >=, limit);
  g_assert_cmpuint (heapglass_trace_get_disk_usage (trace), <, limit + (1 << 20));
  /* The steps before are whole. */
  g_assert_cmpint (value_of (trace, n - (n % 2 == 0 ? 1 : 0), "total"), >=, 0);
  g_assert_cmpint (value_of (trace, 3, "total"), ==, 0);
  hg_buf_clear (&b);
}

/* The same budget through the command line, on a real program. */
static void
test_disk_limit_cli (void)
{
  g_autofree char *script
      = hg_test_write_file ("sum.py", "total = 0\nfor i in range(10000000):\n    total += i\n", -1);
  HgCliResult r = hg_test_cli ("--trace-summary", "--disk-limit=2", script, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GRegex) steps = g_regex_new ("\"steps\": ([0-9]+)", 0, 0, &error);
  g_autoptr (GMatchInfo) match = NULL;
  g_autofree char *n = NULL;

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "\"ended\": \"disk-limit\""));
  g_assert_true (g_regex_match (steps, r.out, 0, &match));
  n = g_match_info_fetch (match, 1);
  g_assert_cmpuint (g_ascii_strtoull (n, NULL, 10), >, 1000);
  g_assert_cmpuint (g_ascii_strtoull (n, NULL, 10), <, 20000000);
  hg_cli_result_clear (&r);

  r = hg_test_cli ("--trace-summary", "--disk-limit=0", script, NULL);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "--disk-limit"));
  hg_cli_result_clear (&r);
}

static void
test_crash_leaves_no_file (void)
{
  g_autofree char *dir = fresh_dir ("crash");
  g_autofree char *stale = NULL;
  g_autoptr (HeapglassTrace) next = NULL;
  int status = 0;
  pid_t child;

  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      /* A session that dies with its trace open, mid-run. */
      HeapglassTrace *trace = heapglass_trace_new ();
      HgBuf b = sum_loop_stream (100000, FALSE);
      if (!heapglass_trace_set_spill (trace, dir, 0, NULL) || !feed_all (trace, &b, NULL))
        _exit (3);
      raise (SIGKILL);
      _exit (4);
    }
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
  g_assert_cmpuint (count_spill_files (dir), ==, 0);

  /* A file a crashed process left (as one killed between creating and unlinking would), and one of
   * a process still alive (this one's parent), which must stay. */
  stale = g_strdup_printf ("%s/heapglass-trace-%d-0.spill", dir, (int)child);
  g_assert_true (g_file_set_contents (stale, "stale", -1, NULL));
  {
    g_autofree char *alive
        = g_strdup_printf ("%s/heapglass-trace-%d-0.spill", dir, (int)getppid ());
    g_assert_true (g_file_set_contents (alive, "alive", -1, NULL));
    g_assert_cmpuint (count_spill_files (dir), ==, 2);

    /* The next start cleans up. */
    next = heapglass_trace_new ();
    g_assert_true (heapglass_trace_set_spill (next, dir, 0, NULL));
    g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (alive, G_FILE_TEST_EXISTS));
    g_unlink (alive);
  }
  g_assert_cmpuint (count_spill_files (dir), ==, 0);
}

/* The memory chart of a long run comes from a profile kept while decoding: bounded, and equal to
 * what reading every step would give. */
static void
test_memory_profile (void)
{
  g_autoptr (HeapglassTrace) trace = heapglass_trace_new ();
  g_autofree HeapglassMemoryBucket *buckets
      = g_new0 (HeapglassMemoryBucket, HEAPGLASS_MEMORY_PROFILE_BUCKETS);
  HgBuf b = sum_loop_stream (20000, TRUE); /* 40,001 steps */
  guint size = 0, n_steps = 0, n, peak_step = 0;
  guint64 peak = 0;

  g_assert_true (feed_all (trace, &b, NULL));
  g_assert_true (heapglass_trace_finish (trace, NULL));
  n = heapglass_trace_get_memory_profile (trace, buckets, HEAPGLASS_MEMORY_PROFILE_BUCKETS, &size,
                                          &n_steps);
  g_assert_cmpuint (n_steps, ==, 40001);
  g_assert_cmpuint (n, <=, HEAPGLASS_MEMORY_PROFILE_BUCKETS);
  g_assert_cmpuint (size & (size - 1), ==, 0);
  g_assert_cmpuint ((guint64)n * size, >=, n_steps);
  g_assert_cmpuint ((guint64)(n - 1) * size, <, n_steps);
  /* Every bucket holds the min and max of its steps, as the per-step getters say. */
  for (guint k = 0; k < n; k++)
    {
      guint64 lo_o = G_MAXUINT64, hi_o = 0, lo_b = G_MAXUINT64, hi_b = 0;
      for (guint s = k * size + 1; s <= MIN ((k + 1) * size, n_steps); s++)
        {
          guint64 o = heapglass_trace_get_step_live_objects (trace, s);
          guint64 by = heapglass_trace_get_step_live_bytes (trace, s);
          lo_o = MIN (lo_o, o), hi_o = MAX (hi_o, o), lo_b = MIN (lo_b, by), hi_b = MAX (hi_b, by);
        }
      g_assert_cmpuint (buckets[k].min_objects, ==, lo_o);
      g_assert_cmpuint (buckets[k].max_objects, ==, hi_o);
      g_assert_cmpuint (buckets[k].min_bytes, ==, lo_b);
      g_assert_cmpuint (buckets[k].max_bytes, ==, hi_b);
    }
  heapglass_trace_get_memory_peaks (trace, &peak, &peak_step, NULL, NULL);
  g_assert_cmpuint (peak, ==, 2); /* total and i: the old ones go before each step */
  g_assert_cmpuint (peak_step, ==, 2);
  g_assert_cmpuint (heapglass_trace_get_step_live_objects (trace, peak_step), ==, 2);
  hg_buf_clear (&b);
}

/* The runner puts the trace in the folder it is told, with the budget it is told. */
static void
test_runner_spills (void)
{
  g_autofree char *dir = fresh_dir ("runner");
  HeapglassRunOptions options;
  g_autoptr (HeapglassTrace) trace = NULL;

  heapglass_run_options_init (&options);
  g_assert_cmpuint (options.max_steps, ==, 100000000);
  g_assert_cmpuint (options.disk_limit_mib, ==, 4096);
  options.spill_dir = dir;
  options.disk_limit_mib = 1;
  trace = hg_test_trace_source ("spin.py", "total = 0\nfor i in range(10000000):\n    total += i\n",
                                &options);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_DISK_LIMIT);
  g_assert_true (g_str_has_prefix (heapglass_trace_get_spill_path (trace), dir));
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), >, 100);
  g_assert_cmpuint (heapglass_trace_get_disk_limit (trace), ==, 1 << 20);
}

int
main (int argc, char *argv[])
{
  hg_test_cli_init (argc, argv);
  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();

  g_test_add_func ("/trace/spill/file-created-and-unlinked", test_file_created);
  g_test_add_func ("/trace/spill/file-removed-on-close", test_file_removed_on_close);
  g_test_add_func ("/trace/spill/memory-bounded", test_memory_bounded);
  g_test_add_func ("/trace/spill/disk-limit-keeps-partial-trace",
                   test_disk_limit_keeps_partial_trace);
  g_test_add_func ("/trace/spill/disk-limit-on-the-command-line", test_disk_limit_cli);
  g_test_add_func ("/trace/spill/crash-leaves-no-stale-file", test_crash_leaves_no_file);
  g_test_add_func ("/trace/spill/runner-spills-where-told", test_runner_spills);
  g_test_add_func ("/trace/spill/memory-profile-kept-while-decoding", test_memory_profile);
  return g_test_run ();
}
