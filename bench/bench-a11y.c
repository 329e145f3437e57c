/* bench-a11y.c: times the words that go with each step and prints them against issue 15's
 * budgets: the narration of one step at 1,000 objects (≤ 1 ms) and the accessible tree's update
 * when the canvas moves one step (≤ 4 ms). Needs a display for the widgets (xvfb-run). */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>

#include "heapglass-canvas-a11y.h"
#include "heapglass-layout.h"
#include "heapglass-narration.h"
#include "heapglass-trace-runner.h"

/* 660 names bound to instances holding an int (about 1,000 objects), then steps that change one
 * attribute each. */
static const char CELLS_PY[] = "class Cell:\n"
                               "    def __init__(self, value):\n"
                               "        self.value = value\n"
                               "\n"
                               "for i in range(660):\n"
                               "    globals()['v%d' % i] = Cell(i * 1000)\n"
                               "for k in range(300):\n"
                               "    globals()['v%d' % (k % 660)].value = k * 7\n"
                               "done = True\n";

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return values->len ? g_array_index (values, double, values->len / 2) : 0;
}

static double
p95 (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return values->len ? g_array_index (values, double, values->len * 95 / 100) : 0;
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = g_dir_make_tmp ("bench-a11y-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cells.py", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autoptr (HeapglassLayout) layout = NULL;
  g_autoptr (GArray) narration_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) whole_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) tree_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) update_only_ms = g_array_new (FALSE, FALSE, sizeof (double));
  HeapglassRunOptions options;
  HeapglassCanvasA11y *a11y;
  GtkWidget *window, *parent;
  guint n_steps, first, objects = 0;

  g_setenv ("GTK_A11Y", "none", TRUE);
  if (!gtk_init_check ())
    {
      printf ("bench-a11y: skipped, no display (run under xvfb-run)\n");
      return 0;
    }
  g_file_set_contents (path, CELLS_PY, -1, NULL);
  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.silence_stdout = TRUE;
  trace = heapglass_trace_run_sync (path, &options, &error);
  g_unlink (path);
  g_rmdir (dir);
  if (trace == NULL)
    {
      g_printerr ("bench-a11y: %s\n", error->message);
      return 1;
    }
  n_steps = heapglass_trace_get_n_steps (trace);
  first = n_steps > 400 ? n_steps - 400 : 1;

  /* 1. Narration of one step from the snapshots the canvas holds, and with its own seeks. */
  for (guint step = first + 1; step < n_steps; step += 2)
    {
      g_autoptr (HeapglassSnapshot) previous = heapglass_trace_snapshot (trace, step - 1);
      g_autoptr (HeapglassSnapshot) snapshot = heapglass_trace_snapshot (trace, step);
      gint64 start = g_get_monotonic_time ();
      g_autofree char *text = heapglass_narration_describe_snapshots (previous, snapshot);
      double ms = (g_get_monotonic_time () - start) / 1000.0;
      g_autofree char *again = NULL;

      g_array_append_val (narration_ms, ms);
      objects = MAX (objects, snapshot->n_objects);
      start = g_get_monotonic_time ();
      again = heapglass_narration_describe (trace, step);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (whole_ms, ms);
    }
  printf ("a11y: narration of one step, %u objects: median %.3f ms, p95 %.3f ms (budget 1 ms: "
          "%.2f×)\n",
          objects, median (narration_ms), p95 (narration_ms), median (narration_ms) / 1.0);
  printf ("a11y: the same with its two snapshot seeks: median %.3f ms, p95 %.3f ms\n",
          median (whole_ms), p95 (whole_ms));

  /* 2. The accessible tree following the canvas one step forward. */
  window = gtk_window_new ();
  parent = gtk_fixed_new ();
  gtk_window_set_child (GTK_WINDOW (window), parent);
  a11y = heapglass_canvas_a11y_new (parent);
  layout = heapglass_layout_new ();
  heapglass_layout_prepare (layout, trace, n_steps);
  {
    g_autoptr (HeapglassSnapshot) previous = NULL;

    for (guint step = first; step < n_steps; step++)
      {
        g_autoptr (HeapglassSnapshot) snapshot = heapglass_layout_snapshot (layout, trace, step);
        g_autoptr (HeapglassScene) scene = heapglass_layout_build_scene (layout, snapshot);
        gint64 start = g_get_monotonic_time ();
        double ms, update_ms;

        heapglass_canvas_a11y_update (a11y, trace, scene, snapshot, previous);
        update_ms = (g_get_monotonic_time () - start) / 1000.0;
        heapglass_canvas_a11y_allocate (a11y, 1.0, 0, 0);
        ms = (g_get_monotonic_time () - start) / 1000.0;
        if (step > first)
          g_array_append_val (update_only_ms, update_ms);
        if (step > first) /* the first builds every widget once */
          g_array_append_val (tree_ms, ms);
        g_clear_pointer (&previous, heapglass_snapshot_unref);
        previous = g_steal_pointer (&snapshot);
      }
  }
  printf ("a11y: accessible tree update per step (%u steps, ~%u objects): median %.3f ms, p95 "
          "%.3f ms (budget 4 ms: %.2f×)\n",
          tree_ms->len, objects, median (tree_ms), p95 (tree_ms), median (tree_ms) / 4.0);
  printf ("a11y: of which the labels, descriptions and relations: median %.3f ms; placing the "
          "widgets the rest\n",
          median (update_only_ms));
  heapglass_canvas_a11y_free (a11y);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
