/* heapglass-test-support.c: the scratch folder, traced runs and main-loop waits of every test. */
#include "heapglass-test-support.h"

#include <glib/gstdio.h>

static char *tmp_dir;
static gint64 longest_iteration_us;

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR)
              && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static void
remove_tmp_dir (void)
{
  if (tmp_dir != NULL)
    remove_tree (tmp_dir);
  g_clear_pointer (&tmp_dir, g_free);
}

const char *
hg_test_tmp_dir (void)
{
  if (tmp_dir == NULL)
    {
      g_autoptr (GError) error = NULL;

      tmp_dir = g_dir_make_tmp ("heapglass-test-XXXXXX", &error);
      g_assert_no_error (error);
      atexit (remove_tmp_dir);
    }
  return tmp_dir;
}

char *
hg_test_tmp_path (const char *name)
{
  return g_build_filename (hg_test_tmp_dir (), name, NULL);
}

char *
hg_test_write_file (const char *name, const char *source, gssize length)
{
  g_autoptr (GError) error = NULL;
  char *path = hg_test_tmp_path (name);

  g_file_set_contents (path, source, length, &error);
  g_assert_no_error (error);
  return path;
}

void
hg_test_assert_tracer (void)
{
  g_autofree char *tracer = heapglass_trace_runner_find_tracer ();

  if (tracer == NULL || !g_file_test (tracer, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("heapglass-tracer is not built (looked for %s)", tracer ? tracer : "(nothing)");
}

HeapglassTrace *
hg_test_trace_source (const char *name, const char *source, const HeapglassRunOptions *options)
{
  g_autofree char *path = hg_test_write_file (name, source, -1);
  g_autoptr (GError) error = NULL;
  HeapglassRunOptions defaults;
  HeapglassTrace *trace;

  hg_test_assert_tracer ();
  if (options == NULL)
    {
      heapglass_run_options_init (&defaults);
      defaults.stdin_path = "/dev/null";
      options = &defaults;
    }
  trace = heapglass_trace_run_sync (path, options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (trace);
  return trace;
}

gboolean
hg_test_spin_until (gboolean (*done) (gpointer), gpointer data, double timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)(timeout_s * G_USEC_PER_SEC);

  while (!done (data))
    {
      gint64 start = g_get_monotonic_time ();

      if (start > deadline)
        return FALSE;
      /* Blocking would wait for the next event, which may never come: poll, but gently. */
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
      longest_iteration_us = MAX (longest_iteration_us, g_get_monotonic_time () - start);
    }
  return TRUE;
}

gint64
hg_test_longest_iteration_us (void)
{
  return longest_iteration_us;
}

void
hg_test_reset_longest_iteration (void)
{
  longest_iteration_us = 0;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *)data;
}

static void
set_flag (gpointer data)
{
  *(gboolean *)data = TRUE;
}

gboolean
hg_test_spin_until_signal (gpointer instance, const char *detailed_signal, double timeout_s)
{
  gboolean emitted = FALSE;
  gulong handler;
  gboolean ok;

  /* A swapped handler ignores the signal's own arguments, whatever they are. */
  handler = g_signal_connect_swapped (instance, detailed_signal, G_CALLBACK (set_flag), &emitted);
  ok = hg_test_spin_until (flag_is_set, &emitted, timeout_s);
  g_signal_handler_disconnect (instance, handler);
  return ok;
}

void
hg_test_spin_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      gint64 start = g_get_monotonic_time ();

      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
      longest_iteration_us = MAX (longest_iteration_us, g_get_monotonic_time () - start);
    }
}
