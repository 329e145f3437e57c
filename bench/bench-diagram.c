/* bench-diagram.c: times the diagram pipeline on real traces and prints the figures against the
 * budgets of DESIGN.md: one step on screen at 1,000 live objects (snapshot → layout → scene →
 * paint), SVG export of 1,000 objects, seek + layout while scrubbing a 10,000-step trace and the
 * chapter's 1,000,000-append loop (every frame under 16 ms), with the layout-quality figures of
 * the pictures measured (overlaps, crossings, entry points, compactness). */
#include <cairo.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <time.h>

#include "figure-quality.h"
#include "heapglass-export.h"
#include "heapglass-figure.h"
#include "heapglass-layout.h"
#include "heapglass-renderer.h"
#include "heapglass-trace-runner.h"

/* A balanced tree of 500 nodes: 500 instances + 500 ints (+ None), all drawn. */
static const char TREE_PY[]
    = "class Node:\n"
      "    def __init__(self, value, left, right):\n"
      "        self.value = value\n"
      "        self.left = left\n"
      "        self.right = right\n"
      "\n"
      "def build(lo, hi):\n"
      "    if lo > hi:\n"
      "        return None\n"
      "    mid = (lo + hi) // 2\n"
      "    return Node(mid * 1000, build(lo, mid - 1), build(mid + 1, hi))\n"
      "\n"
      "tree = build(0, 499)\n"
      "done = True\n";

/* About 10,000 steps of appends and rebinds. */
/* The chapter's loop: 2,000,000 steps. */
static const char MILLION_PY[] = "lst = []\n"
                                 "for i in range(1000000):\n"
                                 "    lst.append(i)\n";

static const char LOOP_PY[] = "data = []\n"
                              "total = 0\n"
                              "for i in range(3300):\n"
                              "    data.append(i * i)\n"
                              "    total = len(data)\n"
                              "done = True\n";

static HeapglassTrace *
trace_source (const char *dir, const char *name, const char *source)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  HeapglassRunOptions options;
  HeapglassTrace *trace;

  g_file_set_contents (path, source, -1, NULL);
  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.silence_stdout = TRUE;
  trace = heapglass_trace_run_sync (path, &options, &error);
  if (trace == NULL)
    {
      g_printerr ("bench-diagram: cannot trace %s: %s\n", name, error->message);
      exit (1);
    }
  g_unlink (path);
  return trace;
}

static guint
count_objects (HeapglassScene *scene)
{
  guint n = 0;

  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    if (heapglass_scene_get_item (scene, i)->kind == HEAPGLASS_SCENE_OBJECT)
      n++;
  return n;
}

/* CPU time of this thread, in µs: the machine may be shared, wall time is printed beside it. */
static gint64
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
print_quality (const char *what, HeapglassScene *scene)
{
  g_autoptr (HeapglassFigure) figure = heapglass_figure_new (scene);
  FigureQuality q;

  figure_quality_measure (figure, &q);
  printf ("diagram: layout quality, %s: %u boxes, %u arrows; %u box overlaps, %u arrows through a "
          "box or label, %u objects with split entries, %u label overlaps, area ratio %.2f "
          "(at most 8)\n",
          what, figure->boxes->len, figure->arrows->len, q.box_overlaps, q.arrow_crossings,
          q.split_entries, q.label_overlaps, q.area_ratio);
  figure_quality_clear (&q);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

int
main (int argc, char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("heapglass-bench-XXXXXX", NULL);
  g_autoptr (HeapglassTrace) tree = NULL;
  g_autoptr (HeapglassTrace) loop = NULL;
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  g_autoptr (HeapglassScene) scene = NULL;
  g_autofree char *svg = g_build_filename (dir, "tree.svg", NULL);
  cairo_surface_t *viewport, *whole;
  HeapglassRenderOptions render;
  double t0, prepare_ms, per_step[21], svg_ms, whole_ms;
  double part_snapshot[21], part_scene[21], part_paint[21], cpu_step[21], svg_cpu;
  guint last, n_objects = 0, n_loop;

  tree = trace_source (dir, "tree.py", TREE_PY);
  last = heapglass_trace_get_n_steps (tree);

  /* Positions over the whole trace, once (what the window does when a run ends). */
  t0 = g_get_monotonic_time ();
  heapglass_layout_prepare (layout, tree, last);
  prepare_ms = (g_get_monotonic_time () - t0) / 1000.0;

  /* One step on screen: snapshot → scene → paint into a 1280 × 800 window. Median of 21. */
  heapglass_render_options_init (&render);
  viewport = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1280, 800);
  for (guint run = 0; run < G_N_ELEMENTS (per_step); run++)
    {
      g_autoptr (HeapglassSnapshot) snapshot = NULL;
      cairo_t *cr;

      gint64 t1, t2, c0 = cpu_now ();

      t0 = g_get_monotonic_time ();
      snapshot = heapglass_layout_snapshot (layout, tree, last);
      t1 = g_get_monotonic_time ();
      g_clear_pointer (&scene, heapglass_scene_unref);
      scene = heapglass_layout_build_scene (layout, snapshot);
      t2 = g_get_monotonic_time ();
      cr = cairo_create (viewport);
      heapglass_renderer_draw (cr, scene, &render);
      cairo_destroy (cr);
      cairo_surface_flush (viewport);
      per_step[run] = (g_get_monotonic_time () - t0) / 1000.0;
      cpu_step[run] = (cpu_now () - c0) / 1000.0;
      part_snapshot[run] = (t1 - t0) / 1000.0;
      part_scene[run] = (t2 - t1) / 1000.0;
      part_paint[run] = (g_get_monotonic_time () - t2) / 1000.0;
    }
  cairo_surface_destroy (viewport);
  qsort (per_step, G_N_ELEMENTS (per_step), sizeof (double), compare_doubles);
  qsort (cpu_step, G_N_ELEMENTS (cpu_step), sizeof (double), compare_doubles);
  qsort (part_snapshot, G_N_ELEMENTS (part_snapshot), sizeof (double), compare_doubles);
  qsort (part_scene, G_N_ELEMENTS (part_scene), sizeof (double), compare_doubles);
  qsort (part_paint, G_N_ELEMENTS (part_paint), sizeof (double), compare_doubles);
  n_objects = count_objects (scene);

  /* The whole picture (zoomed out to fit): every shape painted. */
  whole = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  t0 = g_get_monotonic_time ();
  {
    cairo_t *cr = cairo_create (whole);

    heapglass_renderer_draw (cr, scene, &render);
    cairo_destroy (cr);
  }
  whole_ms = (g_get_monotonic_time () - t0) / 1000.0;
  cairo_surface_destroy (whole);

  t0 = g_get_monotonic_time ();
  {
    gint64 c0 = cpu_now ();

    if (!heapglass_export_scene (scene, svg, NULL, NULL, NULL))
      g_printerr ("bench-diagram: SVG export failed\n");
    svg_cpu = (cpu_now () - c0) / 1000.0;
  }
  svg_ms = (g_get_monotonic_time () - t0) / 1000.0;
  g_unlink (svg);

  printf ("diagram: tree of %u drawn objects, %u steps; prepare (positions over the whole trace) "
          "%.1f ms\n",
          n_objects, last, prepare_ms);
  printf ("diagram: one step on screen (snapshot + layout + scene + paint 1280x800), %u objects: "
          "median %.2f ms wall, %.2f ms CPU; max %.2f ms wall (budget 8 ms, ratio %.2f)\n",
          n_objects, per_step[G_N_ELEMENTS (per_step) / 2], cpu_step[G_N_ELEMENTS (cpu_step) / 2],
          per_step[G_N_ELEMENTS (per_step) - 1], per_step[G_N_ELEMENTS (per_step) / 2] / 8.0);
  printf (
      "diagram:   of which snapshot (trace model) %.2f ms, layout + scene %.2f ms, paint %.2f ms "
      "(medians)\n",
      part_snapshot[10], part_scene[10], part_paint[10]);
  printf ("diagram: paint of the whole scene (%u items): %.2f ms\n",
          heapglass_scene_get_n_items (scene), whole_ms);
  printf ("diagram: SVG export, %u objects: %.1f ms wall, %.1f ms CPU (budget 200 ms, ratio "
          "%.2f)\n",
          n_objects, svg_ms, svg_cpu, svg_ms / 200.0);
  print_quality ("tree of 500 nodes, last step", scene);

  /* Scrubbing: every step of a ~10,000-step trace, forwards then backwards. */
  loop = trace_source (dir, "loop.py", LOOP_PY);
  n_loop = heapglass_trace_get_n_steps (loop);
  {
    g_autoptr (HeapglassLayout) scrub = heapglass_layout_new ();
    double worst = 0, worst_cpu = 0, total, prep;
    gint64 start;

    start = g_get_monotonic_time ();
    heapglass_layout_prepare (scrub, loop, n_loop);
    prep = (g_get_monotonic_time () - start) / 1000.0;

    start = g_get_monotonic_time ();
    for (guint pass = 0; pass < 2; pass++)
      for (guint i = 1; i <= n_loop; i++)
        {
          guint step = pass == 0 ? i : n_loop + 1 - i;
          gint64 s = g_get_monotonic_time (), c = cpu_now ();
          g_autoptr (HeapglassSnapshot) snapshot = heapglass_layout_snapshot (scrub, loop, step);
          g_autoptr (HeapglassScene) frame = heapglass_layout_build_scene (scrub, snapshot);
          double ms = (g_get_monotonic_time () - s) / 1000.0;

          worst = MAX (worst, ms);
          worst_cpu = MAX (worst_cpu, (cpu_now () - c) / 1000.0);
        }
    total = (g_get_monotonic_time () - start) / 1000.0;
    printf ("diagram: scrubbing %u steps forwards and backwards (seek + layout + scene): "
            "%.1f ms in all, %.3f ms per step, worst %.2f ms wall, %.2f ms CPU; prepare %.1f "
            "ms\n",
            n_loop, total, total / (2.0 * n_loop), worst, worst_cpu, prep);
  }

  /* The chapter's 1,000,000-append loop: frames (seek + layout + scene + paint 1280x800) at its
   * start, its end and at random steps in between, as a scrubbing slider asks for them. */
  {
    g_autoptr (HeapglassTrace) million = trace_source (dir, "million.py", MILLION_PY);
    g_autoptr (HeapglassLayout) scrub = heapglass_layout_new ();
    g_autoptr (GRand) rand = g_rand_new_with_seed (1);
    guint n = heapglass_trace_get_n_steps (million), frames = 0, over = 0;
    cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1280, 800);
    double worst = 0, worst_cpu = 0, sum = 0;

    heapglass_layout_prepare (scrub, million, n);
    /* Warm up: the window has drawn a frame before the reader scrubs. */
    {
      g_autoptr (HeapglassSnapshot) snapshot = heapglass_layout_snapshot (scrub, million, 1);
      g_autoptr (HeapglassScene) frame = heapglass_layout_build_scene (scrub, snapshot);
      cairo_t *cr = cairo_create (surface);

      heapglass_renderer_draw (cr, frame, &render);
      cairo_destroy (cr);
    }
    for (guint k = 0; k < 6000; k++)
      {
        guint step = k < 2000   ? k + 1
                     : k < 4000 ? n - (k - 2000)
                                : (guint)g_rand_int_range (rand, 1, n + 1);
        gint64 s = g_get_monotonic_time (), c = cpu_now ();
        g_autoptr (HeapglassSnapshot) snapshot = heapglass_layout_snapshot (scrub, million, step);
        g_autoptr (HeapglassScene) frame = heapglass_layout_build_scene (scrub, snapshot);
        cairo_t *cr = cairo_create (surface);
        double ms, cpu;

        heapglass_renderer_draw (cr, frame, &render);
        cairo_destroy (cr);
        ms = (g_get_monotonic_time () - s) / 1000.0;
        cpu = (cpu_now () - c) / 1000.0;
        worst = MAX (worst, ms);
        worst_cpu = MAX (worst_cpu, cpu);
        if (cpu > 16.0)
          {
            /* The machine is shared: a frame counts as slow if drawing it again is slow too. */
            gint64 c2 = cpu_now ();
            g_autoptr (HeapglassSnapshot) again = heapglass_layout_snapshot (scrub, million, step);
            g_autoptr (HeapglassScene) frame2 = heapglass_layout_build_scene (scrub, again);
            cairo_t *cr2 = cairo_create (surface);
            double cpu2;

            heapglass_renderer_draw (cr2, frame2, &render);
            cairo_destroy (cr2);
            cpu2 = (cpu_now () - c2) / 1000.0;
            over += cpu2 > 16.0;
            printf ("diagram:   slow frame: step %u, %.2f ms CPU (again: %.2f ms)\n", step, cpu,
                    cpu2);
          }
        sum += ms;
        frames++;
        if (step == n && k == 2000)
          print_quality ("1,000,000-append loop, last step", frame);
      }
    cairo_surface_destroy (surface);
    printf ("diagram: scrubbing the 1,000,000-append loop (%u steps): %u frames (first, last and "
            "random steps), mean %.2f ms, worst %.2f ms wall, %.2f ms CPU; %u frames over 16 ms "
            "CPU when drawn again (budget 16 ms, ratio of the worst %.2f)\n",
            n, frames, sum / frames, worst, worst_cpu, over, worst_cpu / 16.0);
  }

  g_rmdir (dir);
  return 0;
}
