/* bench-bigtrace.c: the budgets of issue 16 in one run, side by side with untraced python3.11: an
 * empty program through `heapglass --trace-summary`, and a 50,000,000-iteration `total += i`
 * loop (100 million steps) traced to the end with the peak resident memory of each process, the
 * disk the trace used and the time to seek any step. `--iterations=N` makes the loop shorter. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "heapglass-trace-runner.h"

static double
seconds_since (gint64 start)
{
  return (double)(g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static const char *
python (void)
{
  return g_getenv ("HEAPGLASS_PYTHON") ? g_getenv ("HEAPGLASS_PYTHON") : HEAPGLASS_PYTHON;
}

/* Median wall time of `runs` runs of argv, in ms. */
static double
median_run_ms (const char *const *argv, guint runs)
{
  g_autofree double *times = g_new (double, runs);

  for (guint i = 0; i < runs; i++)
    {
      g_autoptr (GError) error = NULL;
      int status = 0;
      gint64 start = g_get_monotonic_time ();

      if (!g_spawn_sync (NULL, (char **)argv, NULL,
                         G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                         NULL, &status, &error)
          || !g_spawn_check_wait_status (status, &error))
        g_error ("%s failed: %s", argv[0], error->message);
      times[i] = seconds_since (start) * 1000;
    }
  qsort (times, runs, sizeof (double), compare_double);
  return times[runs / 2];
}

static double
max_rss_mib (int who)
{
  struct rusage usage;
  getrusage (who, &usage);
  return usage.ru_maxrss / 1024.0;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("heapglass-bigtrace-XXXXXX", &error);
  g_autofree char *empty = g_build_filename (dir, "empty.py", NULL);
  g_autofree char *loop = g_build_filename (dir, "sum_loop.py", NULL);
  g_autofree char *source = NULL;
  const char *cli = g_getenv ("HEAPGLASS_CLI");
  guint64 iterations = 50000000;
  const guint runs = 11, n_seeks = 2000;

  g_assert_no_error (error);
  for (int i = 1; i < argc; i++)
    if (g_str_has_prefix (argv[i], "--iterations="))
      iterations = g_ascii_strtoull (argv[i] + 13, NULL, 10);
  g_file_set_contents (empty, "", -1, &error);
  g_assert_no_error (error);
  source = g_strdup_printf ("total = 0\nfor i in range(%" G_GUINT64_FORMAT "):\n    total += i\n",
                            iterations);
  g_file_set_contents (loop, source, -1, &error);
  g_assert_no_error (error);

  /* 1. Start-up: the empty program, untraced and through the command line, interleaved so that
   * both see the same machine. */
  if (cli != NULL)
    {
      const char *untraced[] = { python (), empty, NULL };
      const char *traced[] = { cli, "--trace-summary", empty, NULL };
      const char *no_sandbox[] = { cli, "--trace-summary", "--no-sandbox", empty, NULL };
      double u = median_run_ms (untraced, runs);
      double t = median_run_ms (traced, runs);
      double n = median_run_ms (no_sandbox, runs);
      u = MIN (u, median_run_ms (untraced, runs));

      g_print ("empty program (median of %u)\n", runs);
      g_print ("  %-44s %7.1f ms\n", python (), u);
      g_print ("  %-44s %7.1f ms   +%.1f ms (budget +25 ms)\n", "heapglass --trace-summary", t,
               t - u);
      g_print ("  %-44s %7.1f ms   +%.1f ms\n", "heapglass --trace-summary --no-sandbox", n, n - u);
    }
  else
    g_print ("empty program: skipped (HEAPGLASS_CLI is not set)\n");

  /* 2. The long loop, untraced then traced to the end. */
  {
    const char *untraced_argv[] = { python (), loop, NULL };
    double untraced = median_run_ms (untraced_argv, 1) / 1000;
    double untraced_rss = max_rss_mib (RUSAGE_CHILDREN);
    HeapglassRunOptions options;
    g_autoptr (HeapglassTrace) trace = NULL;
    g_autoptr (GRand) rand = g_rand_new_with_seed (16);
    g_autofree double *seeks = g_new (double, n_seeks);
    double traced, total_seek = 0;
    gint64 start;
    guint n_steps;

    heapglass_run_options_init (&options);
    options.timeout_s = 3600;
    /* Two steps an iteration and a few more: the default limit (100,000,000) stops the 50M loop
     * four steps before its end. */
    options.max_steps = 2 * iterations + 1000;
    options.silence_stdout = TRUE;
    options.spill_dir = dir;
    /* The run must not stop at the disk budget: what it needs is printed below. */
    options.disk_limit_mib = 64 * 1024;
    start = g_get_monotonic_time ();
    trace = heapglass_trace_run_sync (loop, &options, &error);
    traced = seconds_since (start);
    g_assert_no_error (error);
    n_steps = heapglass_trace_get_n_steps (trace);

    for (guint i = 0; i < n_seeks; i++)
      {
        guint step = (guint)g_rand_int_range (rand, 1, (gint32)n_steps + 1);
        gint64 t0 = g_get_monotonic_time ();
        g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, step);
        seeks[i] = seconds_since (t0) * 1000;
        total_seek += seeks[i];
        g_assert_cmpuint (snap->step, ==, step);
      }
    qsort (seeks, n_seeks, sizeof (double), compare_double);

    g_print ("for i in range(%" G_GUINT64_FORMAT "): total += i\n", iterations);
    g_print ("  ended:                 %s, %u steps\n",
             heapglass_ending_to_string (heapglass_trace_get_ending (trace)), n_steps);
    g_print ("  untraced:              %.2f s, peak resident %.0f MiB (%s)\n", untraced,
             untraced_rss, python ());
    g_print ("  traced to the end:     %.2f s = %.2fx untraced (budget 8x)\n", traced,
             traced / untraced);
    g_print ("  peak resident, tracer: %.0f MiB (budget 1536 MiB)\n",
             max_rss_mib (RUSAGE_CHILDREN));
    g_print ("  peak resident, model:  %.0f MiB (this process: decoding, 2000 seeks) (budget 1536 "
             "MiB)\n",
             max_rss_mib (RUSAGE_SELF));
    g_print ("  model in memory:       %.1f MiB; on disk %.0f MiB = %.1f bytes / step\n",
             heapglass_trace_get_memory_usage (trace) / 1048576.0,
             heapglass_trace_get_disk_usage (trace) / 1048576.0,
             (double)heapglass_trace_get_disk_usage (trace) / MAX (n_steps, 1));
    g_print ("  seek (%u random):    mean %.3f ms, p50 %.3f, p99 %.3f, max %.3f (budget 2 ms)\n",
             n_seeks, total_seek / n_seeks, seeks[n_seeks / 2], seeks[n_seeks * 99 / 100],
             seeks[n_seeks - 1]);
  }
  g_unlink (empty);
  g_unlink (loop);
  g_rmdir (dir);
  return 0;
}
