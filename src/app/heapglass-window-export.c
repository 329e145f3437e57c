/* heapglass-window-export.c: the window's exports: the file and range dialogs (PNG, SVG, PDF in
 * the window's style) and the diagram copied to the clipboard as a picture. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "heapglass-export.h"
#include "heapglass-renderer.h"
#include "heapglass-scene.h"
#include "heapglass-window-private.h"

static gboolean
is_dark (HeapglassWindow *self)
{
  return heapglass_canvas_get_dark (self->canvas);
}

static void
export_options_init (HeapglassWindow *self, HeapglassExportOptions *options)
{
  memset (options, 0, sizeof *options);
  /* Light by default, whatever the window's theme: an export goes on slides and paper. The file
   * dialog offers the choice. */
  options->theme = "light";
  options->scale = 2;
  options->caption = TRUE;
  options->describe = self->export_describe;
  if (self->settings != NULL)
    options->inline_values = g_settings_get_boolean (self->settings, "inline-small-values");
}

static gboolean
export_with_theme (HeapglassWindow *self, const char *path, guint first, guint last,
                   const char *theme, GError **error)
{
  HeapglassExportOptions options;

  if (heapglass_run_controller_get_trace (self->controller) == NULL
      || _heapglass_window_n_steps (self) == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("There is no trace to export: run the program first"));
      return FALSE;
    }
  export_options_init (self, &options);
  if (theme != NULL)
    options.theme = theme;
  return heapglass_export_trace (heapglass_run_controller_get_trace (self->controller), path, first,
                                 last, &options, error);
}

gboolean
heapglass_window_export (HeapglassWindow *self, const char *path, guint first, guint last,
                         GError **error)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return export_with_theme (self, path, first, last, NULL, error);
}

typedef struct
{
  HeapglassWindow *self;
  guint first, last;
} ExportRequest;

static void
on_export_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  ExportRequest *request = user_data;
  HeapglassWindow *self = request->self;

  if (response == GTK_RESPONSE_ACCEPT
      && heapglass_run_controller_get_trace (self->controller) != NULL)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GError) error = NULL;
      const char *theme = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "theme");
      const char *describe = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "describe");

      /* remembered for the next export of this window */
      self->export_describe = g_strcmp0 (describe, "true") == 0;

      if (path == NULL)
        _heapglass_window_show_toast (self, _ ("Export needs a local file"));
      else if (!export_with_theme (self, path, request->first, request->last, theme, &error))
        _heapglass_window_show_banner (self, BANNER_ERROR, error->message, FALSE);
      else
        {
          g_autofree char *base = g_path_get_basename (path);
          g_autofree char *text = g_strdup_printf (_ ("Exported %s"), base);

          _heapglass_window_show_toast (self, text);
        }
    }
  g_object_unref (request->self);
  g_free (request);
  g_object_unref (dialog);
}

void
_heapglass_window_export_ask_file (HeapglassWindow *self, guint first, guint last)
{
  GtkFileChooserNative *chooser;
  ExportRequest *request = g_new0 (ExportRequest, 1);
  g_autofree char *stem = NULL;
  g_autofree char *name = NULL;
  GtkFileFilter *filter;

  chooser = gtk_file_chooser_native_new (
      first == last ? _ ("Export This Step") : _ ("Export Steps"), GTK_WINDOW (self),
      GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), _ ("_Cancel"));
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _ ("PNG, SVG, PDF or animated GIF"));
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_filter_add_suffix (filter, "svg");
  gtk_file_filter_add_suffix (filter, "pdf");
  gtk_file_filter_add_suffix (filter, "gif");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  {
    const char *ids[] = { "light", "dark", NULL };
    const char *labels[] = { _ ("Light"), _ ("Dark"), NULL };

    gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "theme", _ ("Colours"), ids, labels);
    gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "theme", "light");
  }
  /* the narration as text under each figure (the alt text is in the file either way) */
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "describe", _ ("Describe Each Step"),
                               NULL, NULL);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "describe",
                               self->export_describe ? "true" : "false");

  stem = g_strdup (self->script_name != NULL ? self->script_name : "program.py");
  if (g_str_has_suffix (stem, ".py"))
    stem[strlen (stem) - 3] = '\0';
  name = first == last ? g_strdup_printf ("%s-step-%u.png", stem, first)
                       : g_strdup_printf ("%s-steps-%u-%u.pdf", stem, first, last);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);

  request->self = g_object_ref (self);
  request->first = first;
  request->last = last;
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), request);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_range_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  HeapglassWindow *self = user_data;
  GtkSpinButton *from = g_object_get_data (G_OBJECT (dialog), "from");
  GtkSpinButton *to = g_object_get_data (G_OBJECT (dialog), "to");

  if (g_strcmp0 (response, "export") == 0)
    {
      guint first = (guint)gtk_spin_button_get_value_as_int (from);
      guint last = (guint)gtk_spin_button_get_value_as_int (to);

      _heapglass_window_export_ask_file (self, MIN (first, last), MAX (first, last));
    }
}

void
_heapglass_window_export_ask_range (HeapglassWindow *self)
{
  guint n = _heapglass_window_n_steps (self);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Export a Range of Steps"),
                                              _ ("A PDF gets one page per step; PNG and SVG get "
                                                 "one numbered file per step."));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *from = gtk_spin_button_new_with_range (1, MAX (n, 1), 1);
  GtkWidget *to = gtk_spin_button_new_with_range (1, MAX (n, 1), 1);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (from), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (to), MAX (_heapglass_window_step (self), 1));
  gtk_box_append (GTK_BOX (box), gtk_label_new (_ ("From step")));
  gtk_box_append (GTK_BOX (box), from);
  gtk_box_append (GTK_BOX (box), gtk_label_new (_ ("to")));
  gtk_box_append (GTK_BOX (box), to);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "export",
                                    _ ("_Export…"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "export",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "export");
  g_object_set_data (G_OBJECT (dialog), "from", from);
  g_object_set_data (G_OBJECT (dialog), "to", to);
  g_signal_connect (dialog, "response", G_CALLBACK (on_range_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Renders the diagram at twice its size (crisp when pasted on a HiDPI slide). */
static GdkTexture *
render_diagram_texture (HeapglassWindow *self)
{
  HeapglassScene *scene = heapglass_canvas_get_scene (self->canvas);
  HeapglassRenderOptions options;
  double x, y, width, height;
  const double scale = 2.0;
  cairo_surface_t *surface;
  cairo_t *cr;
  int w, h, stride;
  g_autoptr (GBytes) bytes = NULL;

  if (scene == NULL)
    return NULL;
  heapglass_scene_get_extents (scene, &x, &y, &width, &height);
  w = MAX (1, (int)ceil (width * scale));
  h = MAX (1, (int)ceil (height * scale));
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cr = cairo_create (surface);
  cairo_scale (cr, scale, scale);
  cairo_translate (cr, -x, -y);
  heapglass_render_options_init (&options);
  options.theme = is_dark (self) ? HEAPGLASS_THEME_DARK : HEAPGLASS_THEME_LIGHT;
  options.selected_oid = heapglass_canvas_get_selected_oid (self->canvas);
  options.draw_background = TRUE;
  heapglass_renderer_draw (cr, scene, &options);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  stride = cairo_image_surface_get_stride (surface);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface), (gsize)stride * (gsize)h);
  cairo_surface_destroy (surface);
  /* cairo's ARGB32 is premultiplied BGRA in memory on little-endian: GDK_MEMORY_DEFAULT. */
  return gdk_memory_texture_new (w, h, GDK_MEMORY_DEFAULT, bytes, (gsize)stride);
}

void
_heapglass_window_copy_diagram (HeapglassWindow *self)
{
  g_autoptr (GdkTexture) texture = render_diagram_texture (self);

  if (texture == NULL)
    return;
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (GTK_WIDGET (self)), texture);
  _heapglass_window_show_toast (self, _ ("Diagram copied as an image"));
}
