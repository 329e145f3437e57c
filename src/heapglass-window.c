/* heapglass-window.c: the main window (being written: a placeholder for now). */
#include "config.h"

#include <glib/gi18n.h>

#include "heapglass-window.h"

struct _HeapglassWindow
{
  AdwApplicationWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (HeapglassWindow, heapglass_window, ADW_TYPE_APPLICATION_WINDOW)

HeapglassWindow *
heapglass_window_new (HeapglassApplication *app)
{
  return g_object_new (HEAPGLASS_TYPE_WINDOW, "application", app, NULL);
}

void
heapglass_window_open_file (HeapglassWindow *self, GFile *file)
{
  g_return_if_fail (HEAPGLASS_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
}

static void
heapglass_window_class_init (HeapglassWindowClass *klass)
{
}

static void
heapglass_window_init (HeapglassWindow *self)
{
  gtk_window_set_title (GTK_WINDOW (self), _("Heapglass"));
  gtk_window_set_default_size (GTK_WINDOW (self), 1280, 800);
}
