/* heapglass-window-actions.c: every win.* command, one callback per action, and the one place
 * that decides which are enabled (_heapglass_window_actions_update). */
#include "config.h"

#include <glib/gi18n.h>

#include "heapglass-window-private.h"

void
_heapglass_window_actions_update (HeapglassWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  guint n = _heapglass_window_n_steps (self);
  guint step = _heapglass_window_step (self);
  gboolean running = heapglass_run_controller_get_running (self->controller);
  gboolean has_steps = n > 0 && step > 0;
  gboolean at_first = step <= 1;
  gboolean at_last = step >= n;
  gboolean has_solution = FALSE;

  if (self->chapter != NULL && self->block >= 0 && !self->showing_solution)
    {
      const HeapglassChapterBlock *block
          = heapglass_chapter_get_block (self->chapter, (guint)self->block);

      has_solution
          = block != NULL && block->kind == HEAPGLASS_BLOCK_EXERCISE && block->solution >= 0;
    }

  gtk_widget_action_set_enabled (widget, "win.run", !running);
  gtk_widget_action_set_enabled (widget, "win.stop", running);
  gtk_widget_action_set_enabled (widget, "win.edit",
                                 heapglass_run_controller_get_trace (self->controller) != NULL);
  gtk_widget_action_set_enabled (widget, "win.step-first", has_steps && !at_first);
  gtk_widget_action_set_enabled (widget, "win.step-back", has_steps && !at_first);
  gtk_widget_action_set_enabled (widget, "win.step-forward", has_steps && !at_last);
  gtk_widget_action_set_enabled (widget, "win.step-last", has_steps && !at_last);
  gtk_widget_action_set_enabled (widget, "win.step-over", has_steps && !at_last);
  gtk_widget_action_set_enabled (widget, "win.step-out", has_steps && !at_last);
  gtk_widget_action_set_enabled (widget, "win.play", n > 1);
  gtk_widget_action_set_enabled (widget, "win.show-end", n > 0);
  gtk_widget_action_set_enabled (widget, "win.export", has_steps);
  gtk_widget_action_set_enabled (widget, "win.export-range", has_steps && n > 1);
  gtk_widget_action_set_enabled (widget, "win.copy-diagram", has_steps);
  gtk_widget_action_set_enabled (widget, "win.zoom-in", has_steps);
  gtk_widget_action_set_enabled (widget, "win.zoom-out", has_steps);
  gtk_widget_action_set_enabled (widget, "win.zoom-reset", has_steps);
  gtk_widget_action_set_enabled (widget, "win.zoom-fit", has_steps);
  gtk_widget_action_set_enabled (widget, "win.reveal-solution", has_solution);
  gtk_widget_action_set_enabled (widget, "win.revert-code",
                                 self->code_edited
                                     && _heapglass_window_chapter_code (self) != NULL);
  gtk_widget_action_set_enabled (widget, "win.add-call", !running);
  gtk_widget_action_set_enabled (widget, "win.toggle-sidebar", self->chapter != NULL);
  _heapglass_window_teach_actions_update (self);
}

static void
on_open_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  g_autoptr (HeapglassWindow) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        heapglass_window_open_file (self, file);
    }
  g_object_unref (dialog);
}

static void
win_open (GtkWidget *widget, const char *action_name, GVariant *param)
{
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter;

  chooser = gtk_file_chooser_native_new (_ ("Open a Python File or a Chapter"), GTK_WINDOW (widget),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Open"), _ ("_Cancel"));
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _ ("Python files and chapters"));
  gtk_file_filter_add_suffix (filter, "py");
  gtk_file_filter_add_suffix (filter, "md");
  gtk_file_filter_add_suffix (filter, "txt");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_open_response), g_object_ref (widget));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
win_run (GtkWidget *widget, const char *action_name, GVariant *param)
{
  heapglass_window_run (HEAPGLASS_WINDOW (widget));
}

static void
win_stop (GtkWidget *widget, const char *action_name, GVariant *param)
{
  heapglass_window_stop (HEAPGLASS_WINDOW (widget));
}

static void
win_edit (GtkWidget *widget, const char *action_name, GVariant *param)
{
  HeapglassWindow *self = HEAPGLASS_WINDOW (widget);

  _heapglass_window_clear_trace (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->code_view));
}

/* One callback per stepping action: each names its move. */
static void
step_to (HeapglassWindow *self, HeapglassRunMove move)
{
  heapglass_run_controller_move (self->controller, move);
}

static void
win_step_first (GtkWidget *widget, const char *action_name, GVariant *param)
{
  step_to (HEAPGLASS_WINDOW (widget), HEAPGLASS_RUN_MOVE_FIRST);
}

static void
win_step_back (GtkWidget *widget, const char *action_name, GVariant *param)
{
  step_to (HEAPGLASS_WINDOW (widget), HEAPGLASS_RUN_MOVE_BACK);
}

static void
win_step_forward (GtkWidget *widget, const char *action_name, GVariant *param)
{
  step_to (HEAPGLASS_WINDOW (widget), HEAPGLASS_RUN_MOVE_FORWARD);
}

static void
win_step_last (GtkWidget *widget, const char *action_name, GVariant *param)
{
  step_to (HEAPGLASS_WINDOW (widget), HEAPGLASS_RUN_MOVE_LAST);
}

static void
win_step_over (GtkWidget *widget, const char *action_name, GVariant *param)
{
  step_to (HEAPGLASS_WINDOW (widget), HEAPGLASS_RUN_MOVE_OVER);
}

static void
win_step_out (GtkWidget *widget, const char *action_name, GVariant *param)
{
  step_to (HEAPGLASS_WINDOW (widget), HEAPGLASS_RUN_MOVE_OUT);
}

static void
win_show_end (GtkWidget *widget, const char *action_name, GVariant *param)
{
  step_to (HEAPGLASS_WINDOW (widget), HEAPGLASS_RUN_MOVE_END);
}

static void
win_play (GtkWidget *widget, const char *action_name, GVariant *param)
{
  HeapglassWindow *self = HEAPGLASS_WINDOW (widget);

  heapglass_run_controller_set_playing (self->controller,
                                        !heapglass_run_controller_get_playing (self->controller));
}

static void
win_export (GtkWidget *widget, const char *action_name, GVariant *param)
{
  HeapglassWindow *self = HEAPGLASS_WINDOW (widget);

  _heapglass_window_export_ask_file (self, _heapglass_window_step (self),
                                     _heapglass_window_step (self));
}

static void
win_export_range (GtkWidget *widget, const char *action_name, GVariant *param)
{
  _heapglass_window_export_ask_range (HEAPGLASS_WINDOW (widget));
}

static void
win_copy_diagram (GtkWidget *widget, const char *action_name, GVariant *param)
{
  _heapglass_window_copy_diagram (HEAPGLASS_WINDOW (widget));
}

static void
win_zoom_in (GtkWidget *widget, const char *action_name, GVariant *param)
{
  heapglass_canvas_zoom_in (HEAPGLASS_WINDOW (widget)->canvas);
}

static void
win_zoom_out (GtkWidget *widget, const char *action_name, GVariant *param)
{
  heapglass_canvas_zoom_out (HEAPGLASS_WINDOW (widget)->canvas);
}

static void
win_zoom_fit (GtkWidget *widget, const char *action_name, GVariant *param)
{
  heapglass_canvas_zoom_fit (HEAPGLASS_WINDOW (widget)->canvas);
}

static void
win_zoom_reset (GtkWidget *widget, const char *action_name, GVariant *param)
{
  heapglass_canvas_zoom_reset (HEAPGLASS_WINDOW (widget)->canvas);
}

static void
win_reveal_solution (GtkWidget *widget, const char *action_name, GVariant *param)
{
  heapglass_window_reveal_solution (HEAPGLASS_WINDOW (widget));
}

static void
win_revert_code (GtkWidget *widget, const char *action_name, GVariant *param)
{
  heapglass_window_revert_code (HEAPGLASS_WINDOW (widget));
}

static void
win_add_call (GtkWidget *widget, const char *action_name, GVariant *param)
{
  heapglass_window_add_call (HEAPGLASS_WINDOW (widget));
}

static void
win_toggle_sidebar (GtkWidget *widget, const char *action_name, GVariant *param)
{
  HeapglassWindow *self = HEAPGLASS_WINDOW (widget);

  adw_flap_set_reveal_flap (self->flap, !adw_flap_get_reveal_flap (self->flap));
}

static void
win_close (GtkWidget *widget, const char *action_name, GVariant *param)
{
  gtk_window_close (GTK_WINDOW (widget));
}

void
_heapglass_window_class_actions_init (GtkWidgetClass *widget_class)
{
  static const struct
  {
    const char *name;
    GtkWidgetActionActivateFunc activate;
  } actions[] = {
    { "win.open", win_open },
    { "win.run", win_run },
    { "win.stop", win_stop },
    { "win.edit", win_edit },
    { "win.step-first", win_step_first },
    { "win.step-back", win_step_back },
    { "win.step-forward", win_step_forward },
    { "win.step-last", win_step_last },
    { "win.step-over", win_step_over },
    { "win.step-out", win_step_out },
    { "win.show-end", win_show_end },
    { "win.play", win_play },
    { "win.export", win_export },
    { "win.export-range", win_export_range },
    { "win.copy-diagram", win_copy_diagram },
    { "win.zoom-in", win_zoom_in },
    { "win.zoom-out", win_zoom_out },
    { "win.zoom-reset", win_zoom_reset },
    { "win.zoom-fit", win_zoom_fit },
    { "win.reveal-solution", win_reveal_solution },
    { "win.revert-code", win_revert_code },
    { "win.add-call", win_add_call },
    { "win.toggle-sidebar", win_toggle_sidebar },
    { "win.close", win_close },
  };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i].name, NULL, actions[i].activate);
}
