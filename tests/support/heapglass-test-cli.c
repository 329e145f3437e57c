/* heapglass-test-cli.c: the command line, run the way a user runs it (see the header). */
#include "config.h"

#include "heapglass-test-cli.h"

#include <gio/gio.h>
#include <stdlib.h>

#include "heapglass-cli.h"

static char *program;     /* what hg_test_cli() runs */
static gboolean self_cli; /* program is this test binary in --as-cli mode */

void
hg_cli_result_clear (HgCliResult *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

static int
on_handle_local_options (GApplication *app, GVariantDict *options, gpointer data)
{
  g_autofree char *file = NULL;
  int status = heapglass_cli_handle_local_options (app, options, &file);

  if (status < 0)
    {
      /* The window would open: say so, so tests can tell. */
      g_print ("WINDOW %s\n", file ? file : "");
      return 0;
    }
  return status;
}

static int
run_as_cli (int argc, char **argv)
{
  g_autoptr (GApplication) app
      = g_application_new ("io.github.heapglass.HeapglassCliTest", G_APPLICATION_NON_UNIQUE);

  heapglass_cli_add_main_options (app);
  g_signal_connect (app, "handle-local-options", G_CALLBACK (on_handle_local_options), NULL);
  return g_application_run (app, argc, argv);
}

void
hg_test_cli_init (int argc, char **argv)
{
  g_autofree char *real = NULL;

  if (argc > 1 && g_str_equal (argv[1], "--as-cli"))
    {
      argv[1] = argv[0];
      exit (run_as_cli (argc - 1, argv + 1));
    }
  real = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".", "..",
                           "src", "app", "heapglass", NULL);
  g_free (program);
  if (g_file_test (real, G_FILE_TEST_IS_EXECUTABLE))
    program = g_steal_pointer (&real);
  else
    {
      program = g_file_read_link ("/proc/self/exe", NULL);
      self_cli = TRUE;
    }
}

const char *
hg_test_cli_program (gboolean *is_self)
{
  if (is_self)
    *is_self = self_cli;
  return program;
}

HgCliResult
hg_test_cli (const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  HgCliResult r = { 0 };
  va_list args;

  g_assert_nonnull (program);
  g_ptr_array_add (argv, program);
  if (self_cli)
    g_ptr_array_add (argv, "--as-cli");
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer)a);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char *const *)argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE
                                | G_SUBPROCESS_FLAGS_STDIN_INHERIT,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &r.out, &r.err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  r.status = g_subprocess_get_exit_status (proc);
  return r;
}
