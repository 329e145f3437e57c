/* main.c: the heapglass command. It runs the headless command line itself, linked against the
 * core only, so that `heapglass --trace-summary` never pays for loading and starting GTK; to
 * open a window it becomes the window program (heapglass-window) with the same arguments. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <unistd.h>

#include "heapglass-cli.h"

#define WINDOW_PROGRAM "heapglass-window"

static char **arguments;

/* HEAPGLASS_WINDOW_PROGRAM (tests); beside this program in a build tree (each finds the other
 * there); else where it is installed. */
static char *
find_window_program (void)
{
  const char *env = g_getenv ("HEAPGLASS_WINDOW_PROGRAM");
  g_autofree char *self = NULL;

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  self = g_file_read_link ("/proc/self/exe", NULL);
  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      g_autofree char *beside = g_build_filename (dir, WINDOW_PROGRAM, NULL);

      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
    }
  return g_build_filename (HEAPGLASS_LIBEXECDIR, WINDOW_PROGRAM, NULL);
}

static int
on_handle_local_options (GApplication *app, GVariantDict *options, gpointer user_data)
{
  g_autofree char *file = NULL;
  g_autofree char *window = NULL;
  int status = heapglass_cli_handle_local_options (app, options, &file);
  int saved;

  if (status >= 0)
    return status;
  /* The window program parses the same arguments again (its own command line is this one). */
  window = find_window_program ();
  execv (window, arguments);
  saved = errno;
  g_printerr (_ ("heapglass: cannot open the window (%s: %s)\n"), window, g_strerror (saved));
  return 1;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* HEAPGLASS_LOCALEDIR: the translations of a build tree (tests, trying one uninstalled) */
  bindtextdomain (GETTEXT_PACKAGE,
                  g_getenv ("HEAPGLASS_LOCALEDIR") ? g_getenv ("HEAPGLASS_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  arguments = argv;
  /* The same application id and flags as the window's, so that --help reads the same. */
  app = g_application_new (APP_ID, G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_set_application_name (_ ("Heapglass"));
  heapglass_cli_add_main_options (app);
  g_signal_connect (app, "handle-local-options", G_CALLBACK (on_handle_local_options), NULL);
  return g_application_run (app, argc, argv);
}
