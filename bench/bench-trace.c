/* bench-trace.c: the trace budget in one run: the chapter's 1,000,000-append loop traced with
 * every step recorded (time against untraced CPython, stream and model bytes per step, seek
 * time), the same budget on other shapes of program (a dict built entry by entry, a grid filled
 * cell by cell, one attribute set a million times), and steps per second on a 50,000-deep
 * recursion. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "heapglass-trace-runner.h"

static const char append_loop[] = "lst = []\n"
                                  "for i in range(1000000):\n"
                                  "    lst.append(i)\n";

/* Other shapes, each held to the append loop's budget (8x untraced, 32 model bytes per step). */
static const struct
{
  const char *name;
  const char *source;
} shapes[] = {
  { "1M appends", "lst = []\n"
                  "for i in range(1000000):\n"
                  "    lst.append(i)\n" },
  { "1M-entry dict", "d = {}\n"
                     "for i in range(1000000):\n"
                     "    d[i] = i\n" },
  { "1000x300 grid", "grid = [[0] * 300 for _ in range(1000)]\n"
                     "for r in range(1000):\n"
                     "    for c in range(300):\n"
                     "        grid[r][c] = r + c\n" },
  { "1M attr sets", "class Point:\n"
                    "    pass\n"
                    "p = Point()\n"
                    "p.x = 0\n"
                    "for i in range(1000000):\n"
                    "    p.x = i\n" },
};

static const char deep_recursion[] = "import sys\n"
                                     "sys.setrecursionlimit(60000)\n"
                                     "def down(n):\n"
                                     "    if n == 0:\n"
                                     "        return 0\n"
                                     "    return down(n - 1) + 1\n"
                                     "print(down(50000))\n";

/* The append loop as the tracer would encode it, written here: the decoder and model alone. */
static GBytes *
synthetic_append_loop (guint iterations)
{
  HgBuf b = { 0 };

  hg_buf_header (&b, 100, "/tmp/append_loop.py");
  for (const char *const *s = (const char *const[]){ "<module>", "list", "int", "lst", "i", NULL };
       *s; s++)
    {
      hg_buf_byte (&b, HG_REC_STRING);
      hg_buf_string (&b, *s);
    }
  hg_buf_byte (&b, HG_REC_FRAME_PUSH);
  hg_buf_varint (&b, 1);
  hg_buf_varint (&b, 1);
  hg_buf_byte (&b, HG_REC_STEP_LINE);
  hg_buf_varint (&b, 1);
  hg_buf_byte (&b, HG_REC_OBJ_NEW);
  hg_buf_varint (&b, 1);
  hg_buf_varint (&b, 2);
  hg_buf_varint (&b, HG_KIND_LIST);
  hg_buf_varint (&b, 56);
  hg_buf_varint (&b, 1);
  hg_buf_byte (&b, HG_REC_BIND);
  hg_buf_varint (&b, 0);
  hg_buf_varint (&b, 4);
  hg_buf_varint (&b, 1);
  for (guint i = 0; i < iterations; i++)
    {
      guint64 oid = i + 2;
      hg_buf_byte (&b, HG_REC_OBJ_NEW);
      hg_buf_varint (&b, oid);
      hg_buf_varint (&b, 3);
      hg_buf_varint (&b, HG_KIND_INT);
      hg_buf_varint (&b, 28);
      hg_buf_varint (&b, 2);
      hg_buf_zigzag (&b, i);
      hg_buf_byte (&b, HG_REC_BIND);
      hg_buf_varint (&b, 0);
      hg_buf_varint (&b, 5);
      hg_buf_varint (&b, oid);
      hg_buf_byte (&b, HG_REC_STEP_LINE);
      hg_buf_varint (&b, 3);
      hg_buf_byte (&b, HG_REC_SEQ);
      hg_buf_varint (&b, 1);
      hg_buf_varint (&b, i + 1);
      if (i < 100)
        {
          hg_buf_varint (&b, i);
          hg_buf_varint (&b, 1);
          hg_buf_varint (&b, oid);
        }
      else
        {
          hg_buf_varint (&b, 100);
          hg_buf_varint (&b, 0);
        }
      hg_buf_byte (&b, HG_REC_STEP_LINE);
      hg_buf_varint (&b, 2);
    }
  hg_buf_byte (&b, HG_REC_END);
  hg_buf_varint (&b, HG_END_FINISHED);
  hg_buf_zigzag (&b, 0);
  hg_buf_varint (&b, 0);
  hg_buf_string (&b, "");
  hg_buf_varint (&b, 0);
  g_assert_false (b.failed);
  return g_bytes_new_take (b.data, b.len);
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Random seeks: mean, median, 99th percentile and worst, in ms. The machine may be shared, so
 * the worst case says more about the scheduler than about the model; p99 is the honest one. */
static void
measure_seeks (HeapglassTrace *trace, guint n_seeks, double *mean_ms, double *p50_ms,
               double *p99_ms, double *max_ms)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  g_autofree double *times = g_new (double, n_seeks);
  guint n_steps = heapglass_trace_get_n_steps (trace);
  double total = 0;

  for (guint i = 0; i < n_seeks; i++)
    {
      guint step = (guint)g_rand_int_range (rand, 1, (gint32)n_steps + 1);
      gint64 start = g_get_monotonic_time ();
      g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, step);
      times[i] = (double)(g_get_monotonic_time () - start) / 1000.0;
      total += times[i];
      g_assert_cmpuint (snap->step, ==, step);
    }
  qsort (times, n_seeks, sizeof (double), compare_double);
  *mean_ms = total / n_seeks;
  *p50_ms = times[n_seeks / 2];
  *p99_ms = times[n_seeks * 99 / 100];
  *max_ms = times[n_seeks - 1];
}

static double
seconds_since (gint64 start)
{
  return (double)(g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

/* CPU seconds used so far by this process (the decoding thread included) and by the children
 * it waited for (python, the tracer). Unlike wall time, it does not depend on who else uses
 * the machine. */
static double
cpu_seconds (int who)
{
  struct rusage usage;
  getrusage (who, &usage);
  return (double)usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec
         + usage.ru_stime.tv_usec / 1e6;
}

static double
cpu_total (void)
{
  return cpu_seconds (RUSAGE_SELF) + cpu_seconds (RUSAGE_CHILDREN);
}

static double
run_untraced (const char *script, double *cpu)
{
  double cpu_start = cpu_total ();
  const char *python = g_getenv ("HEAPGLASS_PYTHON");
  const char *argv[] = { python ? python : HEAPGLASS_PYTHON, script, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;
  gint64 start = g_get_monotonic_time ();

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                     &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("untraced run failed: %s", error->message);
  *cpu = cpu_total () - cpu_start;
  return seconds_since (start);
}

static HeapglassTrace *
run_traced (const char *script, double *elapsed, double *cpu)
{
  double cpu_start = cpu_total ();
  HeapglassRunOptions options;
  g_autoptr (GError) error = NULL;
  HeapglassTrace *trace;
  gint64 start = g_get_monotonic_time ();

  heapglass_run_options_init (&options);
  options.max_steps = 100000000;
  options.timeout_s = 900;
  options.silence_stdout = TRUE;
  trace = heapglass_trace_run_sync (script, &options, &error);
  *elapsed = seconds_since (start);
  *cpu = cpu_total () - cpu_start;
  if (trace == NULL)
    g_error ("traced run failed: %s", error->message);
  return trace;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("heapglass-bench-XXXXXX", &error);
  g_autofree char *loop = g_build_filename (dir, "append_loop.py", NULL);
  g_autofree char *deep = g_build_filename (dir, "deep_recursion.py", NULL);
  g_autoptr (HeapglassTrace) trace = NULL;
  double untraced, traced, untraced_cpu, traced_cpu, cpu, seek_mean, seek_p50, seek_p99, seek_max,
      deep_time;
  guint n_steps, n_seeks = 2000;
  gsize model_bytes;

  g_assert_no_error (error);
  g_file_set_contents (loop, append_loop, -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (deep, deep_recursion, -1, &error);
  g_assert_no_error (error);

  /* The decoder and model alone, on a stream shaped like the tracer's. */
  {
    g_autoptr (GBytes) bytes = synthetic_append_loop (1000000);
    gint64 start = g_get_monotonic_time ();
    g_autoptr (HeapglassTrace) synthetic = heapglass_trace_new_from_bytes (bytes, &error);
    double decode = seconds_since (start);

    g_assert_no_error (error);
    n_steps = heapglass_trace_get_n_steps (synthetic);
    model_bytes = heapglass_trace_get_memory_usage (synthetic);
    measure_seeks (synthetic, n_seeks, &seek_mean, &seek_p50, &seek_p99, &seek_max);
    g_print ("Decoder alone, a synthetic stream shaped like the append loop\n");
    g_print ("  steps:                 %u, %.2f stream bytes / step\n", n_steps,
             (double)g_bytes_get_size (bytes) / n_steps);
    g_print ("  decode:                %.3f s = %.1f M steps/s\n", decode, n_steps / decode / 1e6);
    g_print ("  model bytes / step:    %.2f\n", (double)model_bytes / n_steps);
    g_print ("  seek (%u random):    mean %.3f ms, p50 %.3f, p99 %.3f, max %.3f\n", n_seeks,
             seek_mean, seek_p50, seek_p99, seek_max);
  }

  if (argc > 1 && g_str_equal (argv[1], "--decoder-only"))
    return 0;

  /* The untraced run first and last, the better of the two: warm caches for both sides. */
  untraced = run_untraced (loop, &untraced_cpu);
  trace = run_traced (loop, &traced, &traced_cpu);
  untraced = MIN (untraced, run_untraced (loop, &cpu));
  untraced_cpu = MIN (untraced_cpu, cpu);
  n_steps = heapglass_trace_get_n_steps (trace);
  /* In memory and in its file alike. */
  model_bytes = heapglass_trace_get_memory_usage (trace) + heapglass_trace_get_disk_usage (trace);

  measure_seeks (trace, n_seeks, &seek_mean, &seek_p50, &seek_p99, &seek_max);

  g_print ("1,000,000-append loop, every step recorded\n");
  g_print ("  ended:                 %s\n",
           heapglass_ending_to_string (heapglass_trace_get_ending (trace)));
  g_print ("  steps:                 %u\n", n_steps);
  g_print ("  untraced:              %.3f s (%s)\n", untraced,
           g_getenv ("HEAPGLASS_PYTHON") ? g_getenv ("HEAPGLASS_PYTHON") : HEAPGLASS_PYTHON);
  g_print ("  traced (run + decode): %.3f s\n", traced);
  g_print ("  traced / untraced:     %.2fx wall time   (budget 8x)\n", traced / untraced);
  g_print ("  CPU time:              %.3f s traced (tracer + decoding) / %.3f s untraced = %.2fx\n",
           traced_cpu, untraced_cpu, traced_cpu / untraced_cpu);
  g_print ("  stream bytes / step:   %.2f   (%" G_GSIZE_FORMAT " bytes)\n",
           (double)heapglass_trace_get_stream_bytes (trace) / MAX (n_steps, 1),
           heapglass_trace_get_stream_bytes (trace));
  g_print ("  model bytes / step:    %.2f   (budget 32; %" G_GSIZE_FORMAT " bytes)\n",
           (double)model_bytes / MAX (n_steps, 1), model_bytes);
  g_print ("  seek (%u random):    mean %.3f ms, p50 %.3f, p99 %.3f, max %.3f   (budget 2 ms)\n",
           n_seeks, seek_mean, seek_p50, seek_p99, seek_max);
  g_clear_object (&trace);

  trace = run_traced (deep, &deep_time, &cpu);
  n_steps = heapglass_trace_get_n_steps (trace);
  g_print ("50,000-deep recursion\n");
  g_print ("  ended:                 %s, max depth %u\n",
           heapglass_ending_to_string (heapglass_trace_get_ending (trace)),
           heapglass_trace_get_max_depth (trace));
  g_print ("  steps:                 %u in %.3f s = %.0f steps/s\n", n_steps, deep_time,
           n_steps / deep_time);
  {
    guint deepest = 1;
    gint64 start;
    for (guint s = 1; s <= n_steps; s += MAX (n_steps / 1000, 1))
      if (heapglass_trace_get_step_depth (trace, s)
          > heapglass_trace_get_step_depth (trace, deepest))
        deepest = s;
    start = g_get_monotonic_time ();
    {
      g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, deepest);
      g_print ("  snapshot of step %u:  %u frames in %.3f ms\n", deepest, snap->n_frames,
               1000 * seconds_since (start));
    }
    start = g_get_monotonic_time ();
    {
      g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot_limited (trace, deepest, 200);
      g_print ("  limited to 200 frames: %u shown, %u hidden, in %.3f ms\n", snap->n_frames,
               snap->n_frames_hidden, 1000 * seconds_since (start));
    }
  }

  /* Every shape against the same budget, one row each. */
  g_print ("Shapes (budget: traced/untraced <= 8x, model <= 32 B/step)\n");
  g_print ("  %-14s %9s %9s %9s %9s %9s %9s %10s\n", "program", "steps", "untraced", "traced",
           "wall x", "CPU x", "stream B", "model B");
  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autofree char *path = g_build_filename (dir, "shape.py", NULL);
      g_autoptr (HeapglassTrace) shape = NULL;
      double u, u_cpu, t, t_cpu;

      g_file_set_contents (path, shapes[i].source, -1, &error);
      g_assert_no_error (error);
      u = run_untraced (path, &u_cpu);
      shape = run_traced (path, &t, &t_cpu);
      u = MIN (u, run_untraced (path, &cpu));
      u_cpu = MIN (u_cpu, cpu);
      n_steps = heapglass_trace_get_n_steps (shape);
      g_print ("  %-14s %9u %8.3fs %8.3fs %8.2fx %8.2fx %9.2f %10.2f\n", shapes[i].name, n_steps, u,
               t, t / u, t_cpu / u_cpu,
               (double)heapglass_trace_get_stream_bytes (shape) / MAX (n_steps, 1),
               (double)(heapglass_trace_get_memory_usage (shape)
                        + heapglass_trace_get_disk_usage (shape))
                   / MAX (n_steps, 1));
      g_unlink (path);
    }

  g_unlink (loop);
  g_unlink (deep);
  g_rmdir (dir);
  return 0;
}
