/* bench-bigtrace.c: the budgets of issue 16 measured in one run and printed in one table, side by
 * side with untraced python3.11: a 50,000,000-iteration `total += i` loop (100 million steps)
 * traced to the end under the default disk budget, with the wall time, the peak resident memory
 * of each process, the disk the trace used and the time to seek any step; and an empty program
 * through `heapglass --trace-summary`; and scrubbing it as the window does (each frame: seek,
 * layout, scene and paint at 1280x800). `--iterations=N` makes the loop shorter (the disk and wall
 * budgets then say what the full run would need, scaled). */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include <cairo.h>

#include "heapglass-layout.h"
#include "heapglass-renderer.h"
#include "heapglass-trace-runner.h"

#define FULL_ITERATIONS G_GUINT64_CONSTANT (50000000)
#define DEFAULT_DISK_BUDGET_MIB 4096 /* the runner's default, which this run keeps */

static double
seconds_since (gint64 start)
{
  return (double)(g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

static double
thread_cpu_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
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

/* The peak resident set of this process or (RUSAGE_CHILDREN) of the largest child waited for. */
static double
max_rss_mib (int who)
{
  struct rusage usage;
  getrusage (who, &usage);
  return usage.ru_maxrss / 1024.0;
}

/* CPU seconds (user + system) of this process or of the children waited for. */
static double
cpu_s (int who)
{
  struct rusage usage;
  getrusage (who, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

typedef struct
{
  double mean, p99, max;
} Stats;

static Stats
stats_of (double *values, guint n)
{
  Stats st = { 0 };

  for (guint i = 0; i < n; i++)
    st.mean += values[i] / n;
  qsort (values, n, sizeof (double), compare_double);
  st.p99 = values[n * 99 / 100];
  st.max = values[n - 1];
  return st;
}

/* `n` seeks to random steps, `pause_us` apart: their wall and CPU times in ms. */
static void
measure_seeks (HeapglassTrace *trace, guint n, guint pause_us, guint32 seed, Stats *wall,
               Stats *cpu)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  g_autofree double *walls = g_new (double, n);
  g_autofree double *cpus = g_new (double, n);
  guint n_steps = heapglass_trace_get_n_steps (trace);

  for (guint i = 0; i < n; i++)
    {
      guint step = (guint)g_rand_int_range (rand, 1, (gint32)n_steps + 1);
      double c0;
      gint64 t0;

      if (pause_us)
        g_usleep (pause_us);
      c0 = thread_cpu_ms ();
      t0 = g_get_monotonic_time ();
      {
        g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, step);
        walls[i] = seconds_since (t0) * 1000;
        cpus[i] = thread_cpu_ms () - c0;
        g_assert_cmpuint (snap->step, ==, step);
        g_assert_cmpuint (snap->n_frames, ==, 1);
      }
    }
  *wall = stats_of (walls, n);
  *cpu = stats_of (cpus, n);
}

/* Scrubbing: `n` frames as a slider dragged across the whole run asks for them (steps spread
 * over the trace, in order, then random jumps), each one what the window does for a new step:
 * seek, layout, scene, paint at 1280x800. Wall and CPU times in ms. */
static void
measure_scrub (HeapglassTrace *trace, guint n, Stats *wall, Stats *cpu)
{
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (18);
  g_autofree double *walls = g_new (double, n);
  g_autofree double *cpus = g_new (double, n);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1280, 800);
  guint n_steps = heapglass_trace_get_n_steps (trace);
  HeapglassRenderOptions render;

  heapglass_render_options_init (&render);
  heapglass_layout_prepare (layout, trace, n_steps);
  for (guint i = 0; i < n; i++)
    {
      guint step = i < n / 2 ? 1 + (guint)((guint64)i * (n_steps - 1) / (n / 2))
                             : (guint)g_rand_int_range (rand, 1, (gint32)n_steps + 1);
      double c0 = thread_cpu_ms ();
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (HeapglassSnapshot) snapshot = heapglass_layout_snapshot (layout, trace, step);
      g_autoptr (HeapglassScene) scene = heapglass_layout_build_scene (layout, snapshot);
      cairo_t *cr = cairo_create (surface);

      heapglass_renderer_draw (cr, scene, &render);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      walls[i] = seconds_since (t0) * 1000;
      cpus[i] = thread_cpu_ms () - c0;
    }
  cairo_surface_destroy (surface);
  *wall = stats_of (walls, n);
  *cpu = stats_of (cpus, n);
}

static const char *
verdict (gboolean ok)
{
  return ok ? "ok" : "OVER";
}

static void
row (const char *what, const char *measured, const char *budget, const char *ok)
{
  g_print ("| %-40s | %-44s | %-24s | %-4s |\n", what, measured, budget, ok);
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
  guint64 iterations = FULL_ITERATIONS;
  const guint runs = 11, n_seeks = 2000;
  double untraced, untraced_rss, traced, tracer_rss, model_rss, scale;
  double untraced_cpu, tracer_cpu, decoder_cpu;
  double empty_untraced = 0, empty_traced = 0;
  guint64 disk;
  gsize memory;
  guint n_steps;
  HgEnding ending;
  Stats seek_wall, seek_cpu, spaced_wall, spaced_cpu, scrub_wall, scrub_cpu;
  double load[3] = { 0 };

  g_assert_no_error (error);
  for (int i = 1; i < argc; i++)
    if (g_str_has_prefix (argv[i], "--iterations="))
      iterations = g_ascii_strtoull (argv[i] + 13, NULL, 10);
  scale = (double)FULL_ITERATIONS / (double)MAX (iterations, 1);
  g_file_set_contents (empty, "", -1, &error);
  g_assert_no_error (error);
  source = g_strdup_printf ("total = 0\nfor i in range(%" G_GUINT64_FORMAT "):\n    total += i\n",
                            iterations);
  g_file_set_contents (loop, source, -1, &error);
  g_assert_no_error (error);

  /* 1. The loop untraced: the only child so far, so the children's peak is python's. */
  {
    const char *untraced_argv[] = { python (), loop, NULL };
    untraced = median_run_ms (untraced_argv, 1) / 1000;
    untraced_rss = max_rss_mib (RUSAGE_CHILDREN);
    untraced_cpu = cpu_s (RUSAGE_CHILDREN);
  }

  /* 2. Traced to the end, with the default disk budget. The tracer is the next child: its peak
   * is the children's peak from now on (it runs the same loop as python, and more). */
  {
    HeapglassRunOptions options;
    g_autoptr (HeapglassTrace) trace = NULL;
    gint64 start;

    heapglass_run_options_init (&options);
    options.timeout_s = 3600;
    /* Two steps an iteration and a few more: the default limit (100,000,000) stops the 50M loop
     * four steps before its end. */
    options.max_steps = 2 * iterations + 1000;
    options.silence_stdout = TRUE;
    options.spill_dir = dir;
    g_assert_cmpuint (options.disk_limit_mib, ==, DEFAULT_DISK_BUDGET_MIB);
    tracer_cpu = cpu_s (RUSAGE_CHILDREN);
    decoder_cpu = cpu_s (RUSAGE_SELF);
    start = g_get_monotonic_time ();
    trace = heapglass_trace_run_sync (loop, &options, &error);
    traced = seconds_since (start);
    tracer_cpu = cpu_s (RUSAGE_CHILDREN) - tracer_cpu;
    decoder_cpu = cpu_s (RUSAGE_SELF) - decoder_cpu;
    g_assert_no_error (error);
    tracer_rss = max_rss_mib (RUSAGE_CHILDREN);
    n_steps = heapglass_trace_get_n_steps (trace);
    ending = heapglass_trace_get_ending (trace);
    disk = heapglass_trace_get_disk_usage (trace);
    memory = heapglass_trace_get_memory_usage (trace);

    /* Back to back, then one every millisecond as scrubbing makes them (a frame is 16 ms): a
     * seek that follows a pause is less often cut by the scheduler on a busy machine. */
    measure_seeks (trace, n_seeks, 0, 16, &seek_wall, &seek_cpu);
    measure_seeks (trace, n_seeks, 1000, 17, &spaced_wall, &spaced_cpu);
    measure_scrub (trace, n_seeks, &scrub_wall, &scrub_cpu);
    model_rss = max_rss_mib (RUSAGE_SELF);
  }

  /* 3. Start-up: the empty program, untraced and through the command line. */
  if (cli != NULL)
    {
      const char *untraced_argv[] = { python (), empty, NULL };
      const char *traced_argv[] = { cli, "--trace-summary", empty, NULL };
      empty_untraced = median_run_ms (untraced_argv, runs);
      empty_traced = median_run_ms (traced_argv, runs);
      empty_untraced = MIN (empty_untraced, median_run_ms (untraced_argv, runs));
    }

  /* The table. */
  {
    g_autofree char *m = NULL, *b = NULL;
    double disk_mib = disk / 1048576.0, full_disk_mib = disk_mib * scale;

    if (getloadavg (load, 3) < 0)
      load[0] = -1;
    g_print ("\nIssue 16 budgets, one run: for i in range(%" G_GUINT64_FORMAT
             "): total += i  (%u cores, load %.1f)\n",
             iterations, g_get_num_processors (), load[0]);
    g_print ("| %-40s | %-44s | %-24s | %-4s |\n", "what", "measured", "budget", "");
    g_print ("|------------------------------------------|-----------------------------------------"
             "-----|"
             "--------------------------|------|\n");
    m = g_strdup_printf ("%u, %s", n_steps, heapglass_ending_to_string (ending));
    row ("steps traced, ending", m, "to the end", verdict (ending == HG_END_FINISHED));
    g_clear_pointer (&m, g_free);
    m = g_strdup_printf ("%.2f s", untraced);
    row ("wall, untraced python3.11", m, "", "");
    g_clear_pointer (&m, g_free);
    m = g_strdup_printf ("%.2f s = %.2fx untraced", traced, traced / untraced);
    row ("wall, traced to the end (run + decode)", m, "<= 8x untraced",
         verdict (traced <= 8 * untraced));
    g_clear_pointer (&m, g_free);
    m = g_strdup_printf ("%.2f s = %.2f tracer + %.2f model vs %.2f = %.2fx",
                         tracer_cpu + decoder_cpu, tracer_cpu, decoder_cpu, untraced_cpu,
                         (tracer_cpu + decoder_cpu) / untraced_cpu);
    row ("CPU, traced vs untraced", m, "(wall minus waiting)", "");
    g_clear_pointer (&m, g_free);
    m = g_strdup_printf ("%.0f MiB", untraced_rss);
    row ("peak resident, untraced python3.11", m, "", "");
    g_clear_pointer (&m, g_free);
    m = g_strdup_printf ("%.0f MiB", tracer_rss);
    row ("peak resident, tracer process", m, "<= 1536 MiB", verdict (tracer_rss <= 1536));
    g_clear_pointer (&m, g_free);
    m = g_strdup_printf ("%.0f MiB (model in RAM %.1f MiB)", model_rss, memory / 1048576.0);
    row ("peak resident, model process", m, "<= 1536 MiB", verdict (model_rss <= 1536));
    g_clear_pointer (&m, g_free);
    m = g_strdup_printf ("%.0f MiB = %.1f B/step", disk_mib, (double)disk / MAX (n_steps, 1));
    b = g_strdup_printf ("<= %d MiB (default)", DEFAULT_DISK_BUDGET_MIB);
    row ("disk (trace file)", m, b, verdict (full_disk_mib <= DEFAULT_DISK_BUDGET_MIB));
    g_clear_pointer (&m, g_free);
    if (scale > 1.001)
      {
        m = g_strdup_printf ("%.0f MiB", full_disk_mib);
        row ("disk, scaled to 50,000,000 iterations", m, b,
             verdict (full_disk_mib <= DEFAULT_DISK_BUDGET_MIB));
        g_clear_pointer (&m, g_free);
      }
    m = g_strdup_printf ("%.3f / %.3f / %.3f ms", seek_wall.mean, seek_wall.p99, seek_wall.max);
    row ("seek any step, back to back: wall", m, "<= 2 ms (p99)", verdict (seek_wall.p99 <= 2));
    g_clear_pointer (&m, g_free);
    m = g_strdup_printf ("%.3f / %.3f / %.3f ms", seek_cpu.mean, seek_cpu.p99, seek_cpu.max);
    row ("  CPU (wall minus waiting for a core)", m, "", "");
    g_clear_pointer (&m, g_free);
    m = g_strdup_printf ("%.3f / %.3f / %.3f ms", spaced_wall.mean, spaced_wall.p99,
                         spaced_wall.max);
    row ("seek any step, 1 ms apart: wall", m, "<= 2 ms (p99)", verdict (spaced_wall.p99 <= 2));
    g_clear_pointer (&m, g_free);
    m = g_strdup_printf ("%.3f / %.3f / %.3f ms", spaced_cpu.mean, spaced_cpu.p99, spaced_cpu.max);
    row ("  CPU", m, "", "");
    g_clear_pointer (&m, g_free);
    m = g_strdup_printf ("%.3f / %.3f / %.3f ms", scrub_wall.mean, scrub_wall.p99, scrub_wall.max);
    row ("scrubbing: seek + layout + paint a frame", m, "<= 16 ms (every frame)",
         verdict (scrub_wall.max <= 16));
    g_clear_pointer (&m, g_free);
    m = g_strdup_printf ("%.3f / %.3f / %.3f ms", scrub_cpu.mean, scrub_cpu.p99, scrub_cpu.max);
    row ("  CPU", m, "", "");
    g_clear_pointer (&m, g_free);
    if (cli != NULL)
      {
        m = g_strdup_printf ("%.1f ms vs %.1f ms = +%.1f ms", empty_traced, empty_untraced,
                             empty_traced - empty_untraced);
        row ("empty program, --trace-summary", m, "<= python3.11 + 25 ms",
             verdict (empty_traced <= empty_untraced + 25));
        g_clear_pointer (&m, g_free);
      }
    else
      row ("empty program, --trace-summary", "skipped (HEAPGLASS_CLI unset)", "", "");
    g_print ("(seeks: %u random steps each way; scrubbing: as many frames, half spread over the "
             "run in order, half random; times mean / p99 / max; wall includes the time "
             "the process waits for a core)\n",
             n_seeks);
  }
  g_unlink (empty);
  g_unlink (loop);
  g_rmdir (dir);
  return 0;
}
