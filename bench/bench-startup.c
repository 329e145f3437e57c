/* bench-startup.c: the start-up budgets of issue 16 in one run, side by side with untraced
 * python3.11: an empty program through `heapglass --trace-summary` (sandboxed, the default, and
 * --no-sandbox), and Run → first diagram painted in the window on a chapter example. Medians of
 * `--runs=N` runs (default 11), the commands interleaved so that all see the same machine. The
 * window part needs a display (run under xvfb-run); it is skipped without one. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "heapglass-application.h"
#include "heapglass-canvas.h"
#include "heapglass-window.h"

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double
median (double *values, guint n)
{
  qsort (values, n, sizeof (double), compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static const char *
python (void)
{
  return g_getenv ("HEAPGLASS_PYTHON") ? g_getenv ("HEAPGLASS_PYTHON") : HEAPGLASS_PYTHON;
}

static double
children_cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_CHILDREN, &usage);
  return usage.ru_utime.tv_sec * 1000.0 + usage.ru_utime.tv_usec / 1000.0
         + usage.ru_stime.tv_sec * 1000.0 + usage.ru_stime.tv_usec / 1000.0;
}

/* Wall time of one run of argv, in ms, and the processor time of it and its children in *cpu;
 * its output is thrown away, its failure is fatal. */
static double
run_ms (const char *const *argv, double *cpu)
{
  g_autoptr (GError) error = NULL;
  int status = 0;
  double cpu_before = children_cpu_ms ();
  gint64 start = g_get_monotonic_time ();

  if (!g_spawn_sync (NULL, (char **)argv, NULL,
                     G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                     NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s", argv[0], error->message);
  if (cpu != NULL)
    *cpu = children_cpu_ms () - cpu_before;
  return (g_get_monotonic_time () - start) / 1000.0;
}

typedef struct
{
  const char *label;
  const char *argv[6];
  double *ms;
  double *cpu;
} Command;

static void
empty_program (const char *cli, guint runs)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("heapglass-startup-XXXXXX", &error);
  g_autofree char *empty = NULL;
  Command commands[] = {
    { "python3 empty.py", { python (), NULL } },
    { "heapglass --trace-summary empty.py", { cli, "--trace-summary", NULL } },
    { "heapglass --trace-summary --no-sandbox", { cli, "--trace-summary", "--no-sandbox", NULL } },
    { "heapglass --version (its own start)", { cli, "--version", NULL } },
  };
  double python_ms, sandboxed_ms, plain_ms;

  g_assert_no_error (error);
  empty = g_build_filename (dir, "empty.py", NULL);
  g_file_set_contents (empty, "", 0, &error);
  g_assert_no_error (error);
  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      guint n = 0;

      while (commands[c].argv[n] != NULL)
        n++;
      if (c != G_N_ELEMENTS (commands) - 1)
        commands[c].argv[n] = empty;
      commands[c].ms = g_new (double, runs);
      commands[c].cpu = g_new (double, runs);
    }
  /* One untimed round: the page cache and the sandbox's first probe are not what we measure. */
  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    run_ms (commands[c].argv, NULL);
  for (guint i = 0; i < runs; i++)
    for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
      commands[c].ms[i] = run_ms (commands[c].argv, &commands[c].cpu[i]);

  python_ms = median (commands[0].ms, runs);
  sandboxed_ms = median (commands[1].ms, runs);
  plain_ms = median (commands[2].ms, runs);
  /* Wall time is what a user waits for; on a loaded machine it stretches with the load, while
   * the processor time (of every process of the run) does not. */
  printf ("start-up: empty program, median of %u runs (python: %s), wall and processor time\n",
          runs, python ());
  printf ("  %-40s %7.1f ms                                  cpu %5.1f ms\n", commands[0].label,
          python_ms, median (commands[0].cpu, runs));
  /* (bubblewrap does not wait for the processes inside: their processor time is not counted) */
  printf ("  %-40s %7.1f ms   python + %5.1f ms (budget + 25 ms, %.2fx)\n", commands[1].label,
          sandboxed_ms, sandboxed_ms - python_ms, (sandboxed_ms - python_ms) / 25.0);
  printf ("  %-40s %7.1f ms   python + %5.1f ms                          cpu %5.1f ms\n",
          commands[2].label, plain_ms, plain_ms - python_ms, median (commands[2].cpu, runs));
  printf ("  %-40s %7.1f ms                                  cpu %5.1f ms\n", commands[3].label,
          median (commands[3].ms, runs), median (commands[3].cpu, runs));
  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      g_free (commands[c].ms);
      g_free (commands[c].cpu);
    }
  g_unlink (empty);
  g_rmdir (dir);
}

/* ---- the window ------------------------------------------------------------------------------ */

static gint64 last_paint_us;

static void
on_after_paint (GdkFrameClock *clock, gpointer user_data)
{
  last_paint_us = g_get_monotonic_time ();
}

static void
spin_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
}

static void
first_diagram (guint runs)
{
  g_autoptr (HeapglassApplication) app = NULL;
  g_autofree char *tour = NULL;
  g_autoptr (GFile) file = NULL;
  g_autofree double *ms = g_new (double, runs);
  g_autofree double *ready_ms = g_new (double, runs);
  HeapglassWindow *window;
  GtkWidget *canvas;

  g_setenv ("GTK_A11Y", "none", TRUE);
  /* Xvfb has no GPU: GL would be Mesa's software rasteriser, whose frames (the spinner's among
   * them) cost more than the run itself. bench-window draws with cairo too. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  if (!gtk_init_check ())
    {
      printf ("start-up: Run -> first diagram: skipped, no display (run under xvfb-run)\n");
      return;
    }
  app = heapglass_application_new ();
  if (!g_application_register (G_APPLICATION (app), NULL, NULL))
    g_error ("cannot register the application");
  window = heapglass_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  canvas = heapglass_window_get_canvas (window);

  tour = g_build_filename (g_getenv ("HEAPGLASS_EXAMPLES_DIR") ? g_getenv ("HEAPGLASS_EXAMPLES_DIR")
                                                               : HEAPGLASS_SOURCE_EXAMPLES_DIR,
                           "heapglass-tour.md", NULL);
  file = g_file_new_for_path (tour);
  heapglass_window_open_file (window, file);
  while (heapglass_window_get_chapter (window) == NULL)
    g_main_context_iteration (NULL, TRUE);
  heapglass_window_show_block (window, 1);
  spin_for (500);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (on_after_paint), NULL);

  /* One untimed run first, then the timed ones, each after a pause as a learner makes. */
  for (guint i = 0; i <= runs; i++)
    {
      gint64 start = g_get_monotonic_time (), shown;

      heapglass_window_run (window);
      while (heapglass_window_get_step (window) < 1
             || heapglass_canvas_get_scene (HEAPGLASS_CANVAS (canvas)) == NULL)
        g_main_context_iteration (NULL, TRUE);
      /* ...and then painted: the next frame after the diagram arrived. */
      shown = g_get_monotonic_time ();
      while (last_paint_us < shown)
        g_main_context_iteration (NULL, TRUE);
      if (i > 0)
        {
          ready_ms[i - 1] = (shown - start) / 1000.0;
          ms[i - 1] = (last_paint_us - start) / 1000.0;
        }
      while (heapglass_window_is_running (window))
        g_main_context_iteration (NULL, TRUE);
      spin_for (500);
    }
  printf ("start-up: Run -> first diagram (tour example), median of %u runs, renderer %s\n", runs,
          g_getenv ("GSK_RENDERER"));
  printf ("  %-40s %7.1f ms\n", "step 1 and its scene in the window", median (ready_ms, runs));
  printf ("  %-40s %7.1f ms   (budget 100 ms, %.2fx)\n", "painted (the frame after)",
          median (ms, runs), median (ms, runs) / 100.0);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  const char *cli = g_getenv ("HEAPGLASS_CLI");
  guint runs = 11;

  for (int i = 1; i < argc; i++)
    if (g_str_has_prefix (argv[i], "--runs="))
      runs = MAX (1, (guint)g_ascii_strtoull (argv[i] + 7, NULL, 10));
  g_set_prgname ("bench-startup");
  if (cli == NULL)
    g_error ("HEAPGLASS_CLI (the heapglass binary) is not set");
  empty_program (cli, runs);
  first_diagram (runs);
  return 0;
}
