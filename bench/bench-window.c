/* bench-window.c: times the window as a learner uses it and prints the figures against the
 * budgets of issue 5: Run → first diagram on a chapter example, one scrubbing step on screen in a
 * 10,000-step trace with 1,000 objects (set_step + the canvas drawn), and the longest main-loop
 * iteration while a 2,000,000-step program is traced. Needs a display (run under xvfb-run). */
#include "config.h"

#include <adwaita.h>
#include <stdio.h>

#include "heapglass-application.h"
#include "heapglass-canvas.h"
#include "heapglass-window.h"

/* 660 names, each bound to an instance holding an int (about 1,000 objects on screen), then about
 * 10,000 steps rebinding their attributes. */
static const char SCRUB_PY[] = "class Cell:\n"
                               "    def __init__(self, value):\n"
                               "        self.value = value\n"
                               "\n"
                               "for i in range(660):\n"
                               "    globals()['v%d' % i] = Cell(i * 1000)\n"
                               "for k in range(4700):\n"
                               "    globals()['v%d' % (k % 660)].value = k * 7\n"
                               "done = True\n";

static const char LONG_PY[] = "n = 0\n"
                              "for i in range(1000000):\n"
                              "    n = i\n";

static gint64 longest_iteration_us;

static void
iterate (void)
{
  gint64 start = g_get_monotonic_time ();

  g_main_context_iteration (NULL, FALSE);
  longest_iteration_us = MAX (longest_iteration_us, g_get_monotonic_time () - start);
}

static void
spin_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      iterate ();
      g_usleep (500);
    }
}

static void
run_to_end (HeapglassWindow *window)
{
  heapglass_window_run (window);
  while (heapglass_window_is_running (window))
    {
      iterate ();
      g_usleep (200);
    }
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

/* Draws the canvas once, as a frame would: snapshot → render node → pixels. */
static void
draw_canvas (GtkWidget *canvas)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (canvas);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  int width = gtk_widget_get_width (canvas), height = gtk_widget_get_height (canvas);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node != NULL)
    {
      g_autoptr (GdkTexture) texture
          = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (canvas)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
    }
}

int
main (int argc, char *argv[])
{
  g_autoptr (HeapglassApplication) app = NULL;
  g_autofree char *tour = NULL;
  g_autoptr (GFile) file = NULL;
  HeapglassWindow *window;
  GtkWidget *canvas;
  double first_ms[5];
  guint n_steps, n_samples = 0;
  g_autoptr (GArray) frame_ms = g_array_new (FALSE, FALSE, sizeof (double));

  g_set_prgname ("bench-window");
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  if (!gtk_init_check ())
    {
      printf ("bench-window: skipped, no display (run under xvfb-run)\n");
      return 0;
    }
  app = heapglass_application_new ();
  if (!g_application_register (G_APPLICATION (app), NULL, NULL))
    return 1;
  window = heapglass_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  canvas = heapglass_window_get_canvas (window);

  /* 1. Run → first diagram, on the bundled tour's aliasing example (median of 5). */
  tour = g_build_filename (g_getenv ("HEAPGLASS_EXAMPLES_DIR") ? g_getenv ("HEAPGLASS_EXAMPLES_DIR")
                                                               : HEAPGLASS_SOURCE_EXAMPLES_DIR,
                           "heapglass-tour.md", NULL);
  file = g_file_new_for_path (tour);
  heapglass_window_open_file (window, file);
  while (heapglass_window_get_chapter (window) == NULL)
    iterate ();
  heapglass_window_show_block (window, 1);
  spin_for (300);
  for (guint i = 0; i < G_N_ELEMENTS (first_ms); i++)
    {
      gint64 start = g_get_monotonic_time ();

      heapglass_window_run (window);
      while (heapglass_window_get_step (window) < 1
             || heapglass_canvas_get_scene (HEAPGLASS_CANVAS (canvas)) == NULL)
        iterate ();
      draw_canvas (canvas);
      first_ms[i] = (g_get_monotonic_time () - start) / 1000.0;
      while (heapglass_window_is_running (window))
        iterate ();
      spin_for (50);
    }
  qsort (first_ms, G_N_ELEMENTS (first_ms), sizeof (double), (GCompareFunc)compare_double);
  printf ("window: Run -> first diagram (tour example, median of 5): %.1f ms (budget 150 ms, "
          "%.2fx)\n",
          first_ms[2], first_ms[2] / 150.0);

  /* 2. Scrubbing a 10,000-step trace with 1,000 objects: set_step and draw, per step. */
  heapglass_window_set_code (window, SCRUB_PY, "cells.py");
  run_to_end (window);
  n_steps = heapglass_trace_get_n_steps (heapglass_window_get_trace (window));
  heapglass_window_set_step (window, n_steps / 2);
  spin_for (500); /* the canvas walks the layout of the earlier steps in the background */
  for (guint step = n_steps / 2; step < n_steps && n_samples < 400; step += 7, n_samples++)
    {
      gint64 start = g_get_monotonic_time ();
      double ms;

      heapglass_window_set_step (window, step);
      draw_canvas (canvas);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (frame_ms, ms);
    }
  g_array_sort (frame_ms, compare_double);
  if (frame_ms->len > 0)
    {
      g_autoptr (HeapglassSnapshot) snapshot
          = heapglass_trace_snapshot (heapglass_window_get_trace (window), n_steps / 2);

      printf ("window: scrubbing %u steps, %u objects shown: median %.2f ms, p95 %.2f ms per "
              "step on screen (budget 8 ms, %.2fx)\n",
              n_steps, snapshot != NULL ? snapshot->n_objects : 0,
              g_array_index (frame_ms, double, frame_ms->len / 2),
              g_array_index (frame_ms, double, frame_ms->len * 95 / 100),
              g_array_index (frame_ms, double, frame_ms->len / 2) / 8.0);
    }

  /* 3. The main loop while a 2,000,000-step program is traced. */
  heapglass_window_set_code (window, LONG_PY, "long.py");
  longest_iteration_us = 0;
  run_to_end (window);
  printf ("window: longest main-loop iteration while tracing %u steps: %.1f ms (budget 100 ms, "
          "%.2fx)\n",
          heapglass_trace_get_n_steps (heapglass_window_get_trace (window)),
          longest_iteration_us / 1000.0, longest_iteration_us / 1000.0 / 100.0);

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
