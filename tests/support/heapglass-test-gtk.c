/* heapglass-test-gtk.c: screenshots for GUI tests. */
#include "heapglass-test-gtk.h"

#include <math.h>
#include <string.h>

#include "heapglass-call-row.h"

void
hg_test_save_widget_png (GtkWidget *widget, const char *path, double scale)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  for (guint attempt = 0; node == NULL && attempt < 100; attempt++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      gtk_widget_queue_draw (widget);
      hg_test_spin_for (20);
      if (scale != 1.0)
        gtk_snapshot_scale (snapshot, scale, scale);
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (
      renderer, node, &GRAPHENE_RECT_INIT (0, 0, ceil (width * scale), ceil (height * scale)));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);

  /* The picture is not blank: its ink differs from the first pixel somewhere. */
  {
    gsize w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
    gsize stride = w * 4;
    g_autofree guchar *pixels = g_malloc (stride * h);
    guint differing = 0;

    gdk_texture_download (texture, pixels, stride);
    for (gsize i = 4; i < stride * h; i += 4)
      if (memcmp (pixels + i, pixels, 4) != 0)
        differing++;
    g_assert_cmpuint (differing, >, 100);
  }
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *)data;
}

static void
on_run_finished (HeapglassWindow *window, gpointer data)
{
  *(gboolean *)data = TRUE;
}

void
hg_test_window_run_and_wait (HeapglassWindow *window, double timeout_s)
{
  gboolean finished = FALSE;
  gulong handler;

  /* Connected before Run is pressed: a run that ends at once is not missed. */
  handler = g_signal_connect (window, "run-finished", G_CALLBACK (on_run_finished), &finished);
  heapglass_window_run (window);
  g_assert_true (hg_test_spin_until (flag_is_set, &finished, timeout_s));
  g_signal_handler_disconnect (window, handler);
  g_assert_false (heapglass_window_is_running (window));
}

GtkWidget *
hg_test_find_descendant (GtkWidget *root, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = hg_test_find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
on_chapter_loaded (HeapglassWindow *window, gboolean ok, gpointer data)
{
  *(int *)data = ok ? 1 : -1;
}

static gboolean
int_is_set (gpointer data)
{
  return *(int *)data != 0;
}

void
hg_test_window_open_and_wait (HeapglassWindow *window, const char *path, double timeout_s)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  int loaded = 0;
  gulong handler;

  handler = g_signal_connect (window, "chapter-loaded", G_CALLBACK (on_chapter_loaded), &loaded);
  heapglass_window_open_file (window, file);
  g_assert_true (hg_test_spin_until (int_is_set, &loaded, timeout_s));
  g_signal_handler_disconnect (window, handler);
  g_assert_cmpint (loaded, ==, 1);
}

gboolean
hg_test_window_run_is_over (gpointer data)
{
  return !heapglass_window_is_running (HEAPGLASS_WINDOW (data));
}

GtkWidget *
hg_test_find_text (GtkWidget *widget, const char *text)
{
  if (gtk_widget_get_mapped (widget))
    {
      if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
        return widget;
      if (HEAPGLASS_IS_CALL_ROW (widget)
          && (g_strcmp0 (heapglass_call_row_get_label (HEAPGLASS_CALL_ROW (widget)), text) == 0
              || g_strcmp0 (heapglass_call_row_get_summary (HEAPGLASS_CALL_ROW (widget)), text)
                     == 0))
        return widget;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = hg_test_find_text (c, text);
      if (found)
        return found;
    }
  return NULL;
}
