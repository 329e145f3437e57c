/* main.c: heapglass-window, the window program the heapglass command starts to open a window
 * (it runs the headless command line too, with the same options). */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "heapglass-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr (HeapglassApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* HEAPGLASS_LOCALEDIR: the translations of a build tree (tests, trying one uninstalled) */
  bindtextdomain (GETTEXT_PACKAGE,
                  g_getenv ("HEAPGLASS_LOCALEDIR") ? g_getenv ("HEAPGLASS_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = heapglass_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
