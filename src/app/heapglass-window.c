/* heapglass-window.c: the main window: its template, its life, the code pane and the chapter.
 * The run and the current step live in a HeapglassRunController that the canvas, timeline,
 * inspector and output follow; the window only marks the code at each step. Commands are in
 * heapglass-window-actions.c, exports in heapglass-window-export.c. */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gtksourceview/gtksource.h>
#include <math.h>
#include <string.h>

#include "heapglass-ending.h"
#include "heapglass-layout.h"
#include "heapglass-markdown-pango.h"
#include "heapglass-python-indenter.h"
#include "heapglass-value-text.h"
#include "heapglass-window-private.h"

#define MARK_NEXT "heapglass-next"   /* the line about to run: strong */
#define MARK_PREV "heapglass-prev"   /* the line just run: light */
#define MARK_ERROR "heapglass-error" /* a SyntaxError's line */

G_DEFINE_FINAL_TYPE (HeapglassWindow, heapglass_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  CHAPTER_LOADED,
  RUN_FINISHED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void fill_recent_list (HeapglassWindow *self);

HeapglassWindow *
heapglass_window_new (HeapglassApplication *app)
{
  return g_object_new (HEAPGLASS_TYPE_WINDOW, "application", app, NULL);
}

/* ---- small helpers ----------------------------------------------------------------------- */

void
_heapglass_window_show_toast (HeapglassWindow *self, const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

void
_heapglass_window_show_banner (HeapglassWindow *self, BannerKind kind, const char *text,
                               gboolean show_where)
{
  static const char *const icons[]
      = { "dialog-information-symbolic", "dialog-warning-symbolic", "dialog-error-symbolic" };

  g_free (self->banner_text);
  self->banner_text = g_strdup (text);
  gtk_label_set_text (self->banner_label, text);
  gtk_image_set_from_icon_name (self->banner_icon, icons[kind]);
  gtk_widget_remove_css_class (self->banner, "error");
  gtk_widget_remove_css_class (self->banner, "warning");
  if (kind == BANNER_ERROR)
    gtk_widget_add_css_class (self->banner, "error");
  else if (kind == BANNER_WARNING)
    gtk_widget_add_css_class (self->banner, "warning");
  gtk_widget_set_visible (self->banner_button, show_where);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

void
_heapglass_window_hide_banner (HeapglassWindow *self)
{
  g_clear_pointer (&self->banner_text, g_free);
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
}

static HeapglassTrace *
get_trace (HeapglassWindow *self)
{
  return heapglass_run_controller_get_trace (self->controller);
}

static gboolean
is_running (HeapglassWindow *self)
{
  return heapglass_run_controller_get_running (self->controller);
}

static char *
get_buffer_text (HeapglassWindow *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &start, &end);
  return gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self->buffer), &start, &end, TRUE);
}

static void
set_buffer_text (HeapglassWindow *self, const char *text)
{
  GtkTextIter start;

  self->loading_code = TRUE;
  gtk_text_buffer_begin_irreversible_action (GTK_TEXT_BUFFER (self->buffer));
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->buffer), text != NULL ? text : "", -1);
  gtk_text_buffer_end_irreversible_action (GTK_TEXT_BUFFER (self->buffer));
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
  self->code_edited = FALSE;
  gtk_text_buffer_get_start_iter (GTK_TEXT_BUFFER (self->buffer), &start);
  gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->buffer), &start);
  self->loading_code = FALSE;
}

static void
clear_marks (HeapglassWindow *self, const char *category)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &start, &end);
  gtk_source_buffer_remove_source_marks (self->buffer, &start, &end, category);
}

static void
mark_line (HeapglassWindow *self, const char *category, guint line)
{
  GtkTextIter iter;

  clear_marks (self, category);
  if (line == 0 || (int)line > gtk_text_buffer_get_line_count (GTK_TEXT_BUFFER (self->buffer)))
    return;
  gtk_text_buffer_get_iter_at_line (GTK_TEXT_BUFFER (self->buffer), &iter, (int)line - 1);
  gtk_source_buffer_create_source_mark (self->buffer, NULL, category, &iter);
}

static guint
find_mark_line (HeapglassWindow *self, const char *category)
{
  GtkTextIter iter;
  GSList *marks;

  gtk_text_buffer_get_start_iter (GTK_TEXT_BUFFER (self->buffer), &iter);
  marks = gtk_source_buffer_get_source_marks_at_iter (self->buffer, &iter, category);
  if (marks != NULL)
    {
      g_slist_free (marks);
      return 1;
    }
  if (!gtk_source_buffer_forward_iter_to_source_mark (self->buffer, &iter, category))
    return 0;
  return (guint)gtk_text_iter_get_line (&iter) + 1;
}

/* The code is read-only while a trace is shown (its lines are the trace's lines), and then not
 * focusable either, so Left/Right reach the timeline instead of moving a hidden cursor. */
static void
set_code_editable (HeapglassWindow *self, gboolean editable)
{
  GtkWidget *view = GTK_WIDGET (self->code_view);

  /* Focus leaves first: GtkTextView's cursor blink must stop before the view stops being
   * editable (it asserts the cursor is visible when it blinks). */
  if (!editable && gtk_widget_has_focus (view))
    gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
  if (!editable && gtk_widget_has_focus (view))
    gtk_widget_grab_focus (GTK_WIDGET (self->timeline));
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), editable);
  gtk_widget_set_focusable (view, editable);
  gtk_label_set_text (self->code_state, editable ? _ ("Editable") : _ ("Read-only"));
}

/* A hidden revealer still asks for its child's width: hide it for real. */
static void
show_inspector (HeapglassWindow *self, gboolean shown)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self->inspector_paned));

  if (shown == gtk_widget_get_visible (self->inspector_pane))
    return;
  gtk_widget_set_visible (self->inspector_pane, shown);
  /* Its own pane beside the diagram and the output, as wide as the learner last left it. */
  if (shown && width > 0)
    {
      int remembered
          = self->settings != NULL ? g_settings_get_int (self->settings, "inspector-width") : 260;

      /* the diagram keeps at least half (the paned keeps both minimums) */
      gtk_paned_set_position (self->inspector_paned, MAX (width / 2, width - remembered));
    }
}

/* ---- showing a step ---------------------------------------------------------------------- */

/* A new current step (or the same one, grown): mark the code, keep the line in view. The canvas,
 * timeline, inspector and output follow the controller themselves. */
static void
on_step_changed (HeapglassWindow *self)
{
  HeapglassTrace *trace = get_trace (self);
  guint step = _heapglass_window_step (self);
  guint next_line, prev_line = 0;
  HeapglassEvent event;

  if (trace == NULL || step == 0)
    {
      _heapglass_window_actions_update (self);
      return;
    }
  gtk_stack_set_visible_child_name (self->canvas_stack, "canvas");

  next_line = heapglass_trace_get_step_line (trace, step);
  if (step > 1)
    prev_line = heapglass_trace_get_step_line (trace, step - 1);
  event = heapglass_trace_get_step_event (trace, step);
  /* A return step shows the state after its line ran: nothing is about to run there. An
   * exception step marks the line that raised. */
  if (event == HEAPGLASS_EVENT_RETURN)
    {
      prev_line = next_line;
      next_line = 0;
    }
  mark_line (self, MARK_PREV, prev_line);
  mark_line (self, MARK_NEXT, next_line);
  if (heapglass_trace_get_ending (trace) != HG_END_SYNTAX_ERROR)
    mark_line (self, MARK_ERROR, event == HEAPGLASS_EVENT_EXCEPTION ? next_line : 0);
  if (next_line > 0 || prev_line > 0)
    {
      GtkTextIter iter;

      gtk_text_buffer_get_iter_at_line (GTK_TEXT_BUFFER (self->buffer), &iter,
                                        (int)(next_line > 0 ? next_line : prev_line) - 1);
      gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->code_view), &iter, 0.1, FALSE, 0, 0);
    }
  _heapglass_window_actions_update (self);
}

void
heapglass_window_set_step (HeapglassWindow *self, guint step)
{
  g_return_if_fail (HEAPGLASS_IS_WINDOW (self));
  heapglass_run_controller_set_step (self->controller, step);
}

guint
heapglass_window_get_step (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), 0);
  return _heapglass_window_step (self);
}

gboolean
heapglass_window_jump_to_line (HeapglassWindow *self, guint line, gboolean backwards)
{
  guint step;

  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), FALSE);

  if (get_trace (self) == NULL || _heapglass_window_n_steps (self) == 0)
    return FALSE;
  step = heapglass_trace_find_line (get_trace (self), line, _heapglass_window_step (self),
                                    backwards);
  if (step == 0)
    {
      _heapglass_window_show_toast (self, backwards ? _ ("That line did not run before this step")
                                                    : _ ("That line does not run after this step"));
      return FALSE;
    }
  heapglass_run_controller_seek (self->controller, step);
  return TRUE;
}

/* ---- the trace ------------------------------------------------------------------------- */

void
_heapglass_window_clear_trace (HeapglassWindow *self)
{
  heapglass_run_controller_clear (self->controller);
  show_inspector (self, FALSE);
  self->edit_hint_shown = FALSE;
  gtk_stack_set_visible_child_name (self->canvas_stack, "empty");
  gtk_widget_set_visible (self->progress_box, FALSE);
  gtk_spinner_stop (self->spinner);
  clear_marks (self, MARK_NEXT);
  clear_marks (self, MARK_PREV);
  clear_marks (self, MARK_ERROR);
  _heapglass_window_hide_banner (self);
  set_code_editable (self, TRUE);
  _heapglass_window_actions_update (self);
}

static void
show_ending (HeapglassWindow *self)
{
  HeapglassTrace *trace = get_trace (self);
  HeapglassEndingSeverity severity;
  gboolean show_where;
  g_autofree char *text = heapglass_ending_describe (trace, &severity, &show_where);
  /* The banner's kinds are the ending's severities, in the same order. */
  BannerKind kind = (BannerKind)severity;

  if (text != NULL)
    _heapglass_window_show_banner (self, kind, text, show_where);
  else
    _heapglass_window_hide_banner (self);

  if (heapglass_trace_get_ending (trace) == HG_END_SYNTAX_ERROR)
    {
      guint line = heapglass_trace_get_end_line (trace);

      mark_line (self, MARK_ERROR, line);
      if (line > 0)
        {
          GtkTextIter iter;

          gtk_text_buffer_get_iter_at_line (GTK_TEXT_BUFFER (self->buffer), &iter, (int)line - 1);
          gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->code_view), &iter, 0.1, FALSE, 0, 0);
        }
    }
  /* With no step to show, the learner can only edit: let them. */
  if (_heapglass_window_n_steps (self) == 0)
    set_code_editable (self, TRUE);
}

static void
on_n_steps_changed (HeapglassWindow *self)
{
  guint n = _heapglass_window_n_steps (self);
  g_autofree char *text = NULL;

  if (is_running (self))
    {
      HeapglassTrace *trace = get_trace (self);
      double seconds = (double)(g_get_monotonic_time () - self->run_started_us) / G_USEC_PER_SEC;
      g_autofree char *disk
          = g_format_size (trace != NULL ? heapglass_trace_get_disk_usage (trace) : 0);
      /* numbers grouped as the locale writes them, as the step label does */
      g_autofree char *count = heapglass_count_text (n);
      g_autofree char *rate
          = heapglass_count_text (seconds > 0.05 ? (guint64)(n / seconds + 0.5) : 0);
      /* Translators: %s is a number of steps, grouped: "5,000,000 steps" */
      g_autofree char *steps
          = g_strdup_printf (g_dngettext (NULL, "%s step", "%s steps", n), count);

      /* Translators: shown while tracing: "1,200,000 steps · 2,400,000 steps/s · 31.2 MB on
       * disk" */
      text = g_strdup_printf (_ ("%s · %s steps/s · %s on disk"), steps, rate, disk);
      gtk_label_set_text (self->progress_label, text);
    }
  _heapglass_window_actions_update (self);
}

static void
on_input_requested (HeapglassRunController *controller, const char *prompt, HeapglassWindow *self)
{
  heapglass_output_pane_request_input (self->output_pane, prompt);
  _heapglass_window_show_banner (self, BANNER_INFO,
                                 _ ("The program is waiting for input: type a line below the "
                                    "output and press Enter."),
                                 FALSE);
}

static void
on_input_submitted (HeapglassOutputPane *pane, const char *line, HeapglassWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (!is_running (self))
    return;
  if (!heapglass_run_controller_send_input (self->controller, line, &error))
    _heapglass_window_show_toast (self, error->message);
  else
    _heapglass_window_hide_banner (self);
}

static void
on_run_finished (HeapglassRunController *controller, const GError *error, HeapglassWindow *self)
{
  gtk_widget_set_visible (self->progress_box, FALSE);
  gtk_spinner_stop (self->spinner);
  heapglass_output_pane_hide_input (self->output_pane);

  if (error != NULL)
    _heapglass_window_show_banner (self, BANNER_ERROR, error->message, FALSE);
  else
    show_ending (self);
  _heapglass_window_actions_update (self);
  g_signal_emit (self, signals[RUN_FINISHED], 0);
}

/* A name for the traced file: the learner sees it in tracebacks and exports. */
static char *
make_script_name (const char *title)
{
  GString *name = g_string_new (NULL);
  const char *p;

  for (p = title; p != NULL && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c) && c < 128)
        g_string_append_c (name, g_ascii_tolower ((char)c));
      else if (name->len > 0 && name->str[name->len - 1] != '-')
        g_string_append_c (name, '-');
    }
  while (name->len > 0 && name->str[name->len - 1] == '-')
    g_string_truncate (name, name->len - 1);
  if (name->len == 0)
    g_string_append (name, "program");
  if (!g_str_has_suffix (name->str, "-py") && !g_str_has_suffix (name->str, ".py"))
    g_string_append (name, ".py");
  else if (g_str_has_suffix (name->str, "-py"))
    name->str[name->len - 3] = '.';
  return g_string_free (name, FALSE);
}

/* Writes the code pane to a private temporary folder under the program's own file name, so a
 * traceback names the file the learner knows. */
static char *
write_script (HeapglassWindow *self, GError **error)
{
  g_autofree char *text = get_buffer_text (self);
  g_autofree char *path = NULL;

  if (self->temp_dir == NULL)
    {
      self->temp_dir = g_dir_make_tmp ("heapglass-XXXXXX", error);
      if (self->temp_dir == NULL)
        return NULL;
    }
  path = g_build_filename (self->temp_dir,
                           self->script_name != NULL ? self->script_name : "program.py", NULL);
  if (!g_file_set_contents (path, text, -1, error))
    return NULL;
  return g_steal_pointer (&path);
}

/* The window's traces keep their steps in the user's cache folder (unlinked at once). */
static const char *
trace_file_dir (void)
{
  static gsize dir = 0;

  if (g_once_init_enter (&dir))
    g_once_init_leave (&dir, (gsize)g_build_filename (g_get_user_cache_dir (), "heapglass", NULL));
  return (const char *)dir;
}

static void run_options_from_settings (HeapglassWindow *self, HeapglassRunOptions *options);

/* Where the next Run will run the code, as heapglass_window_run () decides (the temporary folder
 * is made now if needed); NULL when there is none. */
static char *
next_run_path (HeapglassWindow *self)
{
  if (self->script_path != NULL && !self->code_edited)
    return g_strdup (self->script_path);
  if (self->temp_dir == NULL)
    self->temp_dir = g_dir_make_tmp ("heapglass-XXXXXX", NULL);
  if (self->temp_dir == NULL)
    return NULL;
  return g_build_filename (self->temp_dir,
                           self->script_name != NULL ? self->script_name : "program.py", NULL);
}

/* A tracer started ahead, so that Run does not wait for the sandbox and Python to start. */
static void
prepare_next_run (HeapglassWindow *self)
{
  g_autofree char *path = next_run_path (self);
  HeapglassRunOptions options;

  if (path == NULL)
    return;
  run_options_from_settings (self, &options);
  heapglass_run_controller_prepare (self->controller, path, &options);
}

static void
run_options_from_settings (HeapglassWindow *self, HeapglassRunOptions *options)
{
  heapglass_run_options_init (options);
  options->stdin_interactive = TRUE;
  options->sandbox = TRUE;
  options->spill_dir = trace_file_dir ();
  if (self->settings == NULL)
    return;
  options->disk_limit_mib = g_settings_get_uint (self->settings, "disk-limit");
  options->max_steps = g_settings_get_uint (self->settings, "max-steps");
  options->timeout_s = g_settings_get_double (self->settings, "timeout");
  options->memory_limit_mib = g_settings_get_uint (self->settings, "memory-limit");
  options->sandbox = g_settings_get_boolean (self->settings, "sandbox");
}

void
heapglass_window_run (HeapglassWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  HeapglassRunOptions options;

  g_return_if_fail (HEAPGLASS_IS_WINDOW (self));

  if (is_running (self))
    return;
  {
    g_autofree char *text = get_buffer_text (self);

    if (g_strstrip (text)[0] == '\0')
      {
        _heapglass_window_show_toast (self, _ ("Write some code first, then Run it"));
        gtk_widget_grab_focus (GTK_WIDGET (self->code_view));
        return;
      }
  }

  /* An unchanged file on disk runs where it is (its neighbours stay reachable); anything else
   * is written out first. */
  if (self->script_path != NULL && !self->code_edited)
    path = g_strdup (self->script_path);
  else
    path = write_script (self, &error);
  if (path == NULL)
    {
      _heapglass_window_show_banner (self, BANNER_ERROR, error->message, FALSE);
      return;
    }

  _heapglass_window_clear_trace (self);
  set_code_editable (self, FALSE);
  /* The canvas stays in view (empty until the first steps arrive) instead of flashing the
   * welcome page between two runs. */
  gtk_stack_set_visible_child_name (self->canvas_stack, "canvas");
  run_options_from_settings (self, &options);
  self->run_started_us = g_get_monotonic_time ();
  gtk_label_set_text (self->progress_label, _ ("Starting…"));
  gtk_widget_set_visible (self->progress_box, TRUE);
  gtk_spinner_start (self->spinner);
  heapglass_run_controller_start (self->controller, path, &options);
  _heapglass_window_actions_update (self);
}

void
heapglass_window_stop (HeapglassWindow *self)
{
  g_return_if_fail (HEAPGLASS_IS_WINDOW (self));

  if (is_running (self))
    heapglass_output_pane_hide_input (self->output_pane);
  heapglass_run_controller_stop (self->controller);
}

gboolean
heapglass_window_is_running (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), FALSE);
  return is_running (self);
}

HeapglassTrace *
heapglass_window_get_trace (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), NULL);
  return get_trace (self);
}

static void
on_speed_changed (HeapglassWindow *self)
{
  if (self->settings != NULL)
    g_settings_set_double (self->settings, "play-speed",
                           heapglass_run_controller_get_speed (self->controller));
}

/* ---- chapter and code ----------------------------------------------------------------- */

static char *
draft_key (HeapglassWindow *self, const HeapglassChapterBlock *block)
{
  const char *path = heapglass_chapter_get_path (self->chapter);

  return g_strdup_printf ("%s\x1f%s", path != NULL ? path : "", block->title);
}

static void
save_draft (HeapglassWindow *self)
{
  const HeapglassChapterBlock *block;

  if (self->chapter == NULL || self->block < 0 || self->showing_solution)
    return;
  block = heapglass_chapter_get_block (self->chapter, (guint)self->block);
  /* Only what the learner changed is a draft. */
  if (block != NULL && self->code_edited)
    g_hash_table_insert (self->drafts, draft_key (self, block), get_buffer_text (self));
}

static void
update_title (HeapglassWindow *self)
{
  AdwWindowTitle *title = ADW_WINDOW_TITLE (self->window_title);
  const char *path = self->chapter != NULL ? heapglass_chapter_get_path (self->chapter) : NULL;

  if (self->chapter != NULL
      && heapglass_chapter_get_format (self->chapter) == HEAPGLASS_CHAPTER_FORMAT_PYTHON
      && path != NULL)
    {
      /* A lone file: its name, and the folder it is in. */
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *base = g_path_get_basename (path);
      const char *home = g_get_home_dir ();
      g_autofree char *shown_dir = NULL;

      if (home != NULL && g_str_has_prefix (dir, home) && strcmp (home, "/") != 0)
        shown_dir = g_strconcat ("~", dir + strlen (home), NULL);
      else
        shown_dir = g_strdup (dir);
      adw_window_title_set_title (title, base);
      adw_window_title_set_subtitle (title, shown_dir);
      return;
    }
  adw_window_title_set_title (
      title, self->chapter != NULL ? heapglass_chapter_get_title (self->chapter) : _ ("Heapglass"));
  adw_window_title_set_subtitle (title, self->script_name != NULL ? self->script_name : "");
}

/* The page shown before a run: a welcome with Open and recent files, or, once there is code,
 * what to do next. */
static void
update_empty_page (HeapglassWindow *self, gboolean has_code)
{
  if (has_code)
    {
      adw_status_page_set_title (self->empty_page, _ ("Ready to Run"));
      adw_status_page_set_description (
          self->empty_page, _ ("Press Run (Ctrl+R) to watch this program step by step: its names "
                               "on the left, the objects they refer to on the right."));
    }
  else
    {
      adw_status_page_set_title (self->empty_page, _ ("Watch Memory as Python Runs"));
      adw_status_page_set_description (self->empty_page,
                                       _ ("Open a Python file or a chapter (Ctrl+O), or drop one "
                                          "here, then press Run (Ctrl+R)."));
    }
  gtk_widget_set_visible (self->empty_run_button, has_code);
  gtk_widget_set_visible (self->empty_open_button, !has_code);
  if (has_code)
    gtk_widget_set_visible (GTK_WIDGET (self->recent_list), FALSE);
  else
    fill_recent_list (self);
}

/* "Defines functions but calls none", from the code as it is now: it goes away as soon as the
 * learner adds a call, and never shows for code that defines nothing. */
static void
update_call_note (HeapglassWindow *self)
{
  g_autofree char *code = get_buffer_text (self);
  gboolean shown = heapglass_code_defines_but_calls_nothing (code);

  if (shown)
    gtk_label_set_text (self->note_label,
                        _ ("This code defines functions or classes but calls none of them: "
                           "running it shows the definitions only. Add a call at the end to "
                           "watch one run."));
  gtk_revealer_set_reveal_child (self->note_revealer, shown);
}

/* The code the chapter gives for what the pane shows (NULL when there is none to go back to). */
const char *
_heapglass_window_chapter_code (HeapglassWindow *self)
{
  const HeapglassChapterBlock *block;

  if (self->chapter == NULL || self->block < 0)
    return NULL;
  block = heapglass_chapter_get_block (self->chapter, (guint)self->block);
  if (block != NULL && self->showing_solution && block->solution >= 0)
    block = heapglass_chapter_get_block (self->chapter, (guint)block->solution);
  if (block == NULL || block->code == NULL || block->code[0] == '\0')
    return NULL;
  return block->code;
}

void
heapglass_window_revert_code (HeapglassWindow *self)
{
  const HeapglassChapterBlock *block;
  const char *code;

  g_return_if_fail (HEAPGLASS_IS_WINDOW (self));

  code = _heapglass_window_chapter_code (self);
  if (code == NULL)
    return;
  _heapglass_window_clear_trace (self);
  block = heapglass_chapter_get_block (self->chapter, (guint)self->block);
  if (!self->showing_solution)
    {
      g_autofree char *key = draft_key (self, block);

      g_hash_table_remove (self->drafts, key);
    }
  set_buffer_text (self, code);
  update_call_note (self);
  _heapglass_window_actions_update (self);
}

void
heapglass_window_add_call (HeapglassWindow *self)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  g_autofree char *code = NULL;
  g_autofree char *call = NULL;
  g_autoptr (GString) insert = g_string_new (NULL);
  guint args_start = 0, args_length = 0;
  GtkTextIter end, select_start, select_end;
  int offset;

  g_return_if_fail (HEAPGLASS_IS_WINDOW (self));

  code = get_buffer_text (self);
  call = heapglass_code_suggest_call (code, &args_start, &args_length);
  if (call == NULL)
    return;
  /* The trace belongs to the code without the call. */
  if (get_trace (self) != NULL)
    _heapglass_window_clear_trace (self);
  if (code[0] != '\0' && !g_str_has_suffix (code, "\n"))
    g_string_append_c (insert, '\n');
  if (code[0] != '\0' && !g_str_has_suffix (code, "\n\n"))
    g_string_append_c (insert, '\n');
  g_string_append (insert, call);
  g_string_append_c (insert, '\n');

  gtk_text_buffer_get_end_iter (buffer, &end);
  offset = gtk_text_iter_get_offset (&end) + (int)g_utf8_strlen (insert->str, -1)
           - (int)g_utf8_strlen (call, -1) - 1;
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_insert (buffer, &end, insert->str, -1);
  gtk_text_buffer_end_user_action (buffer);
  /* The placeholder arguments selected, ready to be typed over. */
  gtk_text_buffer_get_iter_at_offset (buffer, &select_start, offset + (int)args_start);
  gtk_text_buffer_get_iter_at_offset (buffer, &select_end,
                                      offset + (int)args_start + (int)args_length);
  gtk_text_buffer_select_range (buffer, &select_start, &select_end);
  gtk_widget_grab_focus (GTK_WIDGET (self->code_view));
  gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->code_view), &select_end, 0.1, FALSE, 0, 0);
}

static void
show_code (HeapglassWindow *self, const char *code, const char *title, const char *script_name,
           const char *script_path)
{
  _heapglass_window_clear_trace (self);
  g_free (self->script_name);
  self->script_name = g_strdup (script_name);
  g_free (self->script_path);
  self->script_path = g_strdup (script_path);
  set_buffer_text (self, code);
  _heapglass_window_teach_code_shown (self, code);
  update_empty_page (self, TRUE);
  gtk_label_set_text (self->code_title, title);
  update_title (self);
  _heapglass_window_actions_update (self);
  prepare_next_run (self);
}

/* The prose's scroller shows the whole text up to PROSE_MAX_HEIGHT. GtkScrolledWindow (GTK 4.8)
 * asks its child for a natural height at no particular width, which for a wrapped paragraph is the
 * height of its unwrapped lines: the text came out a few lines tall and was cut mid-sentence. So
 * the label is asked at the width it really has (the code pane's, where the paned divides),
 * whenever that or the text changes. */
#define PROSE_MAX_HEIGHT 220

static void
fit_prose_height (HeapglassWindow *self)
{
  int width = gtk_paned_get_position (self->main_paned); /* the code pane's width */
  int minimum = 0, natural = 0;

  if (width <= 0)
    return;
  gtk_widget_measure (GTK_WIDGET (self->prose_label), GTK_ORIENTATION_VERTICAL, width, &minimum,
                      &natural, NULL, NULL);
  gtk_scrolled_window_set_min_content_height (self->prose_scroller,
                                              MIN (natural, PROSE_MAX_HEIGHT));
}

static void
on_main_paned_position (HeapglassWindow *self)
{
  fit_prose_height (self);
}

void
heapglass_window_show_block (HeapglassWindow *self, guint index)
{
  const HeapglassChapterBlock *block;
  const char *draft;
  g_autofree char *name = NULL;
  const char *path = NULL;

  g_return_if_fail (HEAPGLASS_IS_WINDOW (self));
  g_return_if_fail (self->chapter != NULL);

  block = heapglass_chapter_get_block (self->chapter, index);
  g_return_if_fail (block != NULL);

  save_draft (self);
  self->block = (int)index;
  self->showing_solution = FALSE;

  /* The lesson around an example: what the chapter says before and after it. */
  if (block->prose != NULL)
    {
      g_autofree char *markup = heapglass_markdown_to_pango (block->prose);

      gtk_label_set_markup (self->prose_label, markup);
      gtk_revealer_set_reveal_child (self->prose_revealer, TRUE);
    }
  else
    {
      gtk_label_set_text (self->prose_label, "");
      gtk_revealer_set_reveal_child (self->prose_revealer, FALSE);
    }
  fit_prose_height (self);

  if (block->kind == HEAPGLASS_BLOCK_EXERCISE)
    {
      g_autofree char *text = g_strdup_printf (_ ("Exercise %u. %s"), block->number,
                                               block->statement != NULL ? block->statement : "");

      gtk_label_set_text (self->exercise_label, text);
      gtk_widget_set_visible (self->reveal_button, block->solution >= 0);
      gtk_revealer_set_reveal_child (self->exercise_revealer, TRUE);
      name = g_strdup_printf ("exercise%u.py", block->number);
    }
  else
    {
      gtk_revealer_set_reveal_child (self->exercise_revealer, FALSE);
      name = make_script_name (block->title);
    }

  /* A .py from disk runs in place, under its own name. */
  if (heapglass_chapter_get_format (self->chapter) == HEAPGLASS_CHAPTER_FORMAT_PYTHON
      || heapglass_chapter_get_format (self->chapter) == HEAPGLASS_CHAPTER_FORMAT_FOLDER)
    {
      path = block->file;
      g_free (name);
      name = g_path_get_basename (block->file);
    }

  {
    g_autofree char *key = draft_key (self, block);

    draft = g_hash_table_lookup (self->drafts, key);
  }
  show_code (self, draft != NULL ? draft : block->code,
             heapglass_chapter_block_get_short_title (block), name, path);
  if (draft != NULL)
    self->code_edited = TRUE;

  update_call_note (self);

  heapglass_chapter_sidebar_select_block (self->sidebar, index);
  if (block->kind == HEAPGLASS_BLOCK_EXERCISE)
    gtk_widget_grab_focus (GTK_WIDGET (self->code_view));
}

int
heapglass_window_get_block (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), -1);
  return self->block;
}

HeapglassChapter *
heapglass_window_get_chapter (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), NULL);
  return self->chapter;
}

void
heapglass_window_reveal_solution (HeapglassWindow *self)
{
  const HeapglassChapterBlock *exercise, *solution;
  g_autofree char *name = NULL;
  g_autofree char *typed = NULL;

  g_return_if_fail (HEAPGLASS_IS_WINDOW (self));

  if (self->chapter == NULL || self->block < 0)
    return;
  exercise = heapglass_chapter_get_block (self->chapter, (guint)self->block);
  if (exercise == NULL || exercise->solution < 0)
    return;
  solution = heapglass_chapter_get_block (self->chapter, (guint)exercise->solution);
  if (solution == NULL)
    return;

  typed = get_buffer_text (self);
  save_draft (self);
  name = g_strdup_printf ("solution%u.py", exercise->number);
  show_code (self, solution->code, solution->title, name, NULL);
  self->showing_solution = TRUE;
  gtk_widget_set_visible (self->reveal_button, FALSE);
  update_call_note (self);
  if (typed != NULL && *typed != '\0' && !g_str_equal (typed, solution->code))
    _heapglass_window_show_toast (
        self, _ ("Your code is kept: choose the exercise again to get it back"));
}

void
heapglass_window_set_code (HeapglassWindow *self, const char *code, const char *file_name)
{
  g_return_if_fail (HEAPGLASS_IS_WINDOW (self));
  g_return_if_fail (code != NULL);

  save_draft (self);
  self->block = -1;
  self->showing_solution = FALSE;
  gtk_revealer_set_reveal_child (self->prose_revealer, FALSE);
  gtk_revealer_set_reveal_child (self->exercise_revealer, FALSE);
  show_code (self, code, file_name != NULL ? file_name : _ ("Program"),
             file_name != NULL ? file_name : "program.py", NULL);
}

char *
heapglass_window_get_code (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), NULL);
  return get_buffer_text (self);
}

static void
add_to_recent (GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  GtkRecentData data = {
    .display_name = NULL,
    .description = NULL,
    .mime_type = (char *)(g_str_has_suffix (uri, ".py") ? "text/x-python" : "text/markdown"),
    .app_name = (char *)"Heapglass",
    /* Said explicitly: the program name may be unset (tests, benchmarks). */
    .app_exec = (char *)"heapglass %u",
    .groups = NULL,
    .is_private = FALSE,
  };

  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

static gboolean
reveal_sidebar_when_allocated (GtkWidget *flap, GdkFrameClock *clock, gpointer user_data)
{
  HeapglassWindow *self = user_data;

  if (gtk_widget_get_width (flap) == 0)
    return G_SOURCE_CONTINUE;
  self->sidebar_tick = 0;
  adw_flap_set_reveal_flap (self->flap, self->sidebar_wanted);
  return G_SOURCE_REMOVE;
}

/* AdwFlap 1.2 divides by its flap's width when it animates a reveal: shown but not yet
 * allocated, that is 0/0 and its reveal progress (and so its natural width) becomes NaN. A
 * chapter that loads before the window's first frame reveals its list on the first frame. */
static void
reveal_sidebar (HeapglassWindow *self, gboolean reveal)
{
  GtkWidget *flap = GTK_WIDGET (self->flap);

  self->sidebar_wanted = reveal;
  if (!gtk_widget_get_mapped (flap) || gtk_widget_get_width (flap) > 0)
    {
      if (self->sidebar_tick != 0)
        gtk_widget_remove_tick_callback (flap, self->sidebar_tick);
      self->sidebar_tick = 0;
      adw_flap_set_reveal_flap (self->flap, reveal);
    }
  else if (self->sidebar_tick == 0)
    self->sidebar_tick
        = gtk_widget_add_tick_callback (flap, reveal_sidebar_when_allocated, self, NULL);
}

static void
set_chapter (HeapglassWindow *self, HeapglassChapter *chapter)
{
  guint n_blocks = heapglass_chapter_get_n_blocks (chapter);
  gboolean single = heapglass_chapter_get_format (chapter) == HEAPGLASS_CHAPTER_FORMAT_PYTHON;

  save_draft (self);
  self->block = -1;
  g_set_object (&self->chapter, chapter);
  heapglass_chapter_sidebar_set_chapter (self->sidebar, chapter);
  /* A lone .py needs no list, and its code gets the room; a chapter opens with its list. */
  reveal_sidebar (self, !single && n_blocks > 0);
  gtk_paned_set_position (self->main_paned, single ? 500 : 340);
  if (n_blocks > 0)
    heapglass_window_show_block (self, 0);
  _heapglass_window_actions_update (self);
}

static void
on_chapter_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HeapglassWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassChapter) chapter = heapglass_chapter_load_finish (result, &error);

  if (chapter == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          _heapglass_window_show_banner (self, BANNER_ERROR, error->message, FALSE);
          g_signal_emit (self, signals[CHAPTER_LOADED], 0, FALSE);
        }
      return;
    }
  set_chapter (self, chapter);
  g_signal_emit (self, signals[CHAPTER_LOADED], 0, TRUE);
}

void
heapglass_window_open_file (HeapglassWindow *self, GFile *file)
{
  g_return_if_fail (HEAPGLASS_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  _heapglass_window_teach_dispose (self);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  add_to_recent (file);
  heapglass_chapter_load_async (file, self->load_cancellable, on_chapter_loaded,
                                g_object_ref (self));
}

static void
on_block_activated (HeapglassChapterSidebar *sidebar, guint index, HeapglassWindow *self)
{
  heapglass_window_show_block (self, index);
  /* On a narrow window the list covers the code: put it away once something is chosen. */
  if (adw_flap_get_folded (self->flap))
    adw_flap_set_reveal_flap (self->flap, FALSE);
}

/* ---- recent files on the empty page ------------------------------------------------------ */

static void
on_recent_row_activated (GtkListBox *list, GtkListBoxRow *row, HeapglassWindow *self)
{
  const char *uri = g_object_get_data (G_OBJECT (row), "uri");
  g_autoptr (GFile) file = NULL;

  if (uri == NULL)
    return;
  file = g_file_new_for_uri (uri);
  heapglass_window_open_file (self, file);
}

static void
fill_recent_list (HeapglassWindow *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  guint shown = 0;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  for (GList *l = items; l != NULL && shown < 5; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);
      GtkWidget *row;

      if (!g_str_has_suffix (uri, ".py") && !g_str_has_suffix (uri, ".md"))
        continue;
      if (!gtk_recent_info_exists (info))
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     gtk_recent_info_get_display_name (info));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "uri", g_strdup (uri), g_free);
      gtk_list_box_append (self->recent_list, row);
      shown++;
    }
  g_list_free_full (items, (GDestroyNotify)gtk_recent_info_unref);
  gtk_widget_set_visible (GTK_WIDGET (self->recent_list), shown > 0);
}

/* ---- input from the parts ------------------------------------------------------------------ */

/* The learner dragged the inspector's edge: remember its width. */
static void
on_inspector_position (HeapglassWindow *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self->inspector_paned));
  int inspector_width = width - gtk_paned_get_position (self->inspector_paned);

  int min_position = 0, max_position = 0, position = gtk_paned_get_position (self->inspector_paned);

  if (self->settings == NULL || width <= 0 || !gtk_widget_get_visible (self->inspector_pane)
      || !gtk_widget_get_mapped (self->inspector_pane))
    return;
  /* The inspector or the diagram squeezed to its minimum by a small window: not a width the
   * learner chose. */
  g_object_get (self->inspector_paned, "min-position", &min_position, "max-position", &max_position,
                NULL);
  if (position <= min_position || position >= max_position || max_position == G_MAXINT)
    return; /* (G_MAXINT: not laid out yet) */
  inspector_width = CLAMP (inspector_width, 200, 2000);
  if (inspector_width != g_settings_get_int (self->settings, "inspector-width"))
    g_settings_set_int (self->settings, "inspector-width", inspector_width);
}

static void
on_canvas_selection (HeapglassCanvas *canvas, guint64 oid, HeapglassWindow *self)
{
  /* Another object: its page starts at the top, not where the last one was scrolled to. */
  if (oid != heapglass_inspector_get_oid (self->inspector))
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->inspector_scroller), 0);
  heapglass_inspector_show_object (self->inspector, _heapglass_window_step (self), oid);
  show_inspector (self, oid != 0);
}

static void
on_inspector_jump (HeapglassInspector *inspector, guint step, HeapglassWindow *self)
{
  heapglass_run_controller_seek (self->controller, step);
}

/* A container named in the inspector's "referred to by": select it on the canvas, which then
 * tells the inspector (selection-changed) to show it. */
static void
on_inspector_select (HeapglassInspector *inspector, guint64 oid, HeapglassWindow *self)
{
  heapglass_canvas_select_oid (self->canvas, oid);
  /* Not drawn at this step (a collapsed part): the inspector still shows it. */
  if (heapglass_canvas_get_selected_oid (self->canvas) != oid)
    heapglass_inspector_show_object (self->inspector, _heapglass_window_step (self), oid);
}

static void
on_gutter_pressed (GtkGestureClick *gesture, int n_press, double x, double y, HeapglassWindow *self)
{
  GtkWidget *gutter = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GdkModifierType state;
  GtkTextIter iter;
  double vx, vy;
  int bx, by;

  if (get_trace (self) == NULL || _heapglass_window_n_steps (self) == 0)
    return;
  /* From gutter coordinates to buffer coordinates, through the text view's. */
  if (!gtk_widget_translate_coordinates (gutter, GTK_WIDGET (self->code_view), x, y, &vx, &vy))
    return;
  gtk_text_view_window_to_buffer_coords (GTK_TEXT_VIEW (self->code_view), GTK_TEXT_WINDOW_WIDGET,
                                         (int)vx, (int)vy, &bx, &by);
  gtk_text_view_get_line_at_y (GTK_TEXT_VIEW (self->code_view), &iter, by, NULL);
  state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  heapglass_window_jump_to_line (self, (guint)gtk_text_iter_get_line (&iter) + 1,
                                 (state & GDK_SHIFT_MASK) != 0);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* A click in the read-only code: say how to edit it (once per trace, not at every click). */
static void
on_code_pressed (GtkGestureClick *gesture, int n_press, double x, double y, HeapglassWindow *self)
{
  if (get_trace (self) == NULL || gtk_text_view_get_editable (GTK_TEXT_VIEW (self->code_view))
      || self->edit_hint_shown)
    return;
  self->edit_hint_shown = TRUE;
  _heapglass_window_show_toast (
      self, _ ("The code is read-only while its trace is shown: press the pencil to "
               "edit it, then Run again"));
}

static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y, HeapglassWindow *self)
{
  GFile *file;

  if (!G_VALUE_HOLDS (value, G_TYPE_FILE))
    return FALSE;
  file = g_value_get_object (value);
  heapglass_window_open_file (self, file);
  return TRUE;
}

static void
on_buffer_changed (GtkTextBuffer *buffer, HeapglassWindow *self)
{
  update_call_note (self);
  if (self->loading_code)
    return;
  /* Not the buffer's "modified" flag: set_text() (a paste of a whole program) clears it. */
  self->code_edited = TRUE;
  /* A SyntaxError mark belongs to the text that had it. */
  clear_marks (self, MARK_ERROR);
  _heapglass_window_actions_update (self);
}

/* The code marks: strong for the line about to run, light for the line just run, red for an
 * error; softer on a dark background so the highlighted code stays readable. */
static void
set_mark_colors (HeapglassWindow *self, gboolean dark)
{
  static const struct
  {
    const char *category;
    const char *light;
    const char *dark;
    const char *icon;
    int priority;
  } marks[] = {
    { MARK_NEXT, "rgba(246,211,45,0.55)", "rgba(246,211,45,0.28)", "go-next-symbolic", 20 },
    { MARK_PREV, "rgba(98,160,234,0.20)", "rgba(98,160,234,0.16)", NULL, 10 },
    { MARK_ERROR, "rgba(224,27,36,0.30)", "rgba(224,27,36,0.35)", "dialog-error-symbolic", 30 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
    {
      g_autoptr (GtkSourceMarkAttributes) attributes = gtk_source_mark_attributes_new ();
      GdkRGBA rgba;

      gdk_rgba_parse (&rgba, dark ? marks[i].dark : marks[i].light);
      gtk_source_mark_attributes_set_background (attributes, &rgba);
      if (marks[i].icon != NULL)
        gtk_source_mark_attributes_set_icon_name (attributes, marks[i].icon);
      gtk_source_view_set_mark_attributes (self->code_view, marks[i].category, attributes,
                                           marks[i].priority);
    }
}

static void
on_dark_changed (HeapglassWindow *self)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (manager);
  GtkSourceStyleScheme *scheme;

  scheme = gtk_source_style_scheme_manager_get_scheme (schemes, dark ? "Adwaita-dark" : "Adwaita");
  if (scheme != NULL)
    gtk_source_buffer_set_style_scheme (self->buffer, scheme);
  set_mark_colors (self, dark);
  gtk_widget_queue_draw (GTK_WIDGET (self->code_view));
}

static void
on_inline_values_changed (GSettings *settings, const char *key, HeapglassWindow *self)
{
  HeapglassLayout *layout = heapglass_canvas_get_layout (self->canvas);

  if (layout != NULL)
    heapglass_layout_set_inline_values (layout, g_settings_get_boolean (settings, key));
}

/* ---- the public parts, for tests --------------------------------------------------------- */

void
heapglass_window_get_marked_lines (HeapglassWindow *self, guint *next_line, guint *prev_line)
{
  g_return_if_fail (HEAPGLASS_IS_WINDOW (self));

  if (next_line != NULL)
    *next_line = find_mark_line (self, MARK_NEXT);
  if (prev_line != NULL)
    *prev_line = find_mark_line (self, MARK_PREV);
}

guint
heapglass_window_get_error_line (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), 0);
  return find_mark_line (self, MARK_ERROR);
}

const char *
heapglass_window_get_banner_text (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), NULL);
  return self->banner_text;
}

GtkWidget *
heapglass_window_get_canvas (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->canvas);
}

GtkWidget *
heapglass_window_get_inspector (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->inspector);
}

GtkWidget *
heapglass_window_get_timeline (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->timeline);
}

GtkWidget *
heapglass_window_get_output_pane (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->output_pane);
}

GtkWidget *
heapglass_window_get_sidebar (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->sidebar);
}

const char *
heapglass_window_get_prose_text (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), NULL);
  return gtk_revealer_get_reveal_child (self->prose_revealer)
             ? gtk_label_get_text (self->prose_label)
             : NULL;
}

const char *
heapglass_window_get_progress_text (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), NULL);
  return gtk_label_get_text (self->progress_label);
}

gboolean
heapglass_window_get_call_note_shown (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), FALSE);
  return gtk_revealer_get_reveal_child (self->note_revealer);
}

GtkWidget *
heapglass_window_get_code_view (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->code_view);
}

/* ---- life ------------------------------------------------------------------------------------ */

static void
remove_temp_dir (HeapglassWindow *self)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (self->temp_dir == NULL)
    return;
  dir = g_dir_open (self->temp_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->temp_dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (self->temp_dir);
  g_clear_pointer (&self->temp_dir, g_free);
}

static void
heapglass_window_constructed (GObject *object)
{
  HeapglassWindow *self = HEAPGLASS_WINDOW (object);
  GApplication *app = g_application_get_default ();

  G_OBJECT_CLASS (heapglass_window_parent_class)->constructed (object);

  if (app != NULL && HEAPGLASS_IS_APPLICATION (app))
    {
      GSettings *settings = heapglass_application_get_settings (HEAPGLASS_APPLICATION (app));

      if (settings != NULL)
        self->settings = g_object_ref (settings);
    }
  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      heapglass_timeline_set_speed (self->timeline,
                                    g_settings_get_double (self->settings, "play-speed"));
      g_signal_connect_object (self->settings, "changed::inline-small-values",
                               G_CALLBACK (on_inline_values_changed), self, 0);
      on_inline_values_changed (self->settings, "inline-small-values", self);
      g_settings_bind (self->settings, "show-library-objects",
                       heapglass_canvas_get_layout (self->canvas), "show-library-objects",
                       G_SETTINGS_BIND_DEFAULT);
    }
}

/* Remembers the size for the next window; a running program is stopped with the window. */
static gboolean
heapglass_window_close_request (GtkWindow *window)
{
  HeapglassWindow *self = HEAPGLASS_WINDOW (window);
  int width, height;

  heapglass_window_stop (self);
  gtk_window_get_default_size (window, &width, &height);
  if (self->settings != NULL && width > 0 && height > 0 && !gtk_window_is_maximized (window))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  return GTK_WINDOW_CLASS (heapglass_window_parent_class)->close_request (window);
}

static void
heapglass_window_dispose (GObject *object)
{
  HeapglassWindow *self = HEAPGLASS_WINDOW (object);

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->controller != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->controller, self);
      heapglass_run_controller_clear (self->controller);
    }
  g_clear_object (&self->chapter);
  g_clear_object (&self->settings);
  if (self->sidebar_tick != 0 && self->flap != NULL)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->flap), self->sidebar_tick);
  self->sidebar_tick = 0;
  gtk_widget_dispose_template (GTK_WIDGET (self), HEAPGLASS_TYPE_WINDOW);
  g_clear_object (&self->controller);
  G_OBJECT_CLASS (heapglass_window_parent_class)->dispose (object);
}

static void
heapglass_window_finalize (GObject *object)
{
  HeapglassWindow *self = HEAPGLASS_WINDOW (object);

  remove_temp_dir (self);
  g_clear_pointer (&self->drafts, g_hash_table_unref);
  g_clear_pointer (&self->script_name, g_free);
  g_clear_pointer (&self->script_path, g_free);
  g_clear_pointer (&self->banner_text, g_free);
  G_OBJECT_CLASS (heapglass_window_parent_class)->finalize (object);
}

static void
heapglass_window_class_init (HeapglassWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = heapglass_window_constructed;
  object_class->dispose = heapglass_window_dispose;
  object_class->finalize = heapglass_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = heapglass_window_close_request;

  /* "chapter-loaded" (gboolean ok): open_file finished; "run-finished": a run ended. */
  signals[CHAPTER_LOADED]
      = g_signal_new ("chapter-loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[RUN_FINISHED] = g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  g_type_ensure (HEAPGLASS_TYPE_TIMELINE);
  g_type_ensure (HEAPGLASS_TYPE_OUTPUT_PANE);
  g_type_ensure (HEAPGLASS_TYPE_CHAPTER_SIDEBAR);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/heapglass/Heapglass/heapglass-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, HeapglassWindow, name)
  BIND (toast_overlay);
  BIND (window_title);
  BIND (sidebar_button);
  BIND (progress_box);
  BIND (spinner);
  BIND (progress_label);
  BIND (banner_revealer);
  BIND (banner);
  BIND (banner_icon);
  BIND (banner_label);
  BIND (banner_button);
  BIND (banner_close);
  BIND (flap);
  BIND (sidebar);
  BIND (prose_revealer);
  BIND (prose_label);
  BIND (prose_scroller);
  BIND (exercise_revealer);
  BIND (exercise_label);
  BIND (reveal_button);
  BIND (note_revealer);
  BIND (note_label);
  BIND (code_title);
  BIND (code_state);
  BIND (code_view);
  BIND (main_paned);
  BIND (canvas_stack);
  BIND (canvas_slot);
  BIND (inspector_paned);
  BIND (inspector_pane);
  BIND (inspector_scroller);
  BIND (inspector_slot);
  BIND (recent_list);
  BIND (empty_page);
  BIND (empty_run_button);
  BIND (empty_open_button);
  BIND (output_pane);
  BIND (timeline);
#undef BIND

  _heapglass_window_class_actions_init (widget_class);
}

static void
setup_code_view (HeapglassWindow *self)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkSourceLanguage *python = gtk_source_language_manager_get_language (languages, "python3");
  GtkSourceGutter *gutter;
  GtkGesture *click;

  self->buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->code_view)));
  if (python == NULL)
    python = gtk_source_language_manager_get_language (languages, "python");
  gtk_source_buffer_set_language (self->buffer, python);
  gtk_source_buffer_set_highlight_syntax (self->buffer, TRUE);
  {
    g_autoptr (GtkSourceIndenter) indenter = heapglass_python_indenter_new ();

    gtk_source_view_set_indenter (self->code_view, indenter);
    gtk_source_view_set_smart_backspace (self->code_view, TRUE);
  }

  gutter = gtk_source_view_get_gutter (self->code_view, GTK_TEXT_WINDOW_LEFT);
  click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (on_gutter_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (gutter), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_tooltip_text (GTK_WIDGET (gutter),
                               _ ("Click a line number: go to the next step that runs it "
                                  "(Shift+click: the previous one)"));

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (on_code_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->code_view), GTK_EVENT_CONTROLLER (click));

  g_signal_connect (self->buffer, "changed", G_CALLBACK (on_buffer_changed), self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_dark_changed), self, G_CONNECT_SWAPPED);
  on_dark_changed (self);
}

static void
heapglass_window_init (HeapglassWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->block = -1;
  g_signal_connect_swapped (self->main_paned, "notify::position",
                            G_CALLBACK (on_main_paned_position), self);
  self->drafts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  self->canvas = HEAPGLASS_CANVAS (heapglass_canvas_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->canvas), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->canvas), TRUE);
  gtk_box_append (GTK_BOX (self->canvas_slot), GTK_WIDGET (self->canvas));
  self->inspector = HEAPGLASS_INSPECTOR (heapglass_inspector_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->inspector), TRUE);
  gtk_box_append (GTK_BOX (self->inspector_slot), GTK_WIDGET (self->inspector));

  setup_code_view (self);
  set_code_editable (self, TRUE);

  /* The parts follow the run controller; the window marks the code and tells how runs end. */
  self->controller = heapglass_run_controller_new ();
  g_object_bind_property (self->controller, "trace", self->canvas, "trace", G_BINDING_DEFAULT);
  g_object_bind_property (self->controller, "step", self->canvas, "step", G_BINDING_DEFAULT);
  heapglass_timeline_set_controller (self->timeline, self->controller);
  heapglass_inspector_set_controller (self->inspector, self->controller);
  heapglass_output_pane_set_controller (self->output_pane, self->controller);
  g_signal_connect_object (self->controller, "notify::step", G_CALLBACK (on_step_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->controller, "notify::n-steps", G_CALLBACK (on_n_steps_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->controller, "notify::speed", G_CALLBACK (on_speed_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->controller, "input-requested", G_CALLBACK (on_input_requested),
                           self, 0);
  g_signal_connect_object (self->controller, "finished", G_CALLBACK (on_run_finished), self, 0);
  _heapglass_window_teach_init (self);

  g_signal_connect_object (self->canvas, "selection-changed", G_CALLBACK (on_canvas_selection),
                           self, 0);
  g_signal_connect_object (self->canvas, "object-activated", G_CALLBACK (on_canvas_selection), self,
                           0);
  g_signal_connect_object (self->inspector, "jump-to-step", G_CALLBACK (on_inspector_jump), self,
                           0);
  g_signal_connect_object (self->inspector, "select-object", G_CALLBACK (on_inspector_select), self,
                           0);
  g_signal_connect_object (self->output_pane, "input-submitted", G_CALLBACK (on_input_submitted),
                           self, 0);
  g_signal_connect_object (self->sidebar, "block-activated", G_CALLBACK (on_block_activated), self,
                           0);
  g_signal_connect_object (self->recent_list, "row-activated", G_CALLBACK (on_recent_row_activated),
                           self, 0);
  g_signal_connect_object (self->banner_close, "clicked",
                           G_CALLBACK (_heapglass_window_hide_banner), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->inspector_paned, "notify::position",
                           G_CALLBACK (on_inspector_position), self, G_CONNECT_SWAPPED);
  g_object_bind_property (self->flap, "reveal-flap", self->sidebar_button, "active",
                          G_BINDING_SYNC_CREATE);

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  gtk_widget_add_controller (GTK_WIDGET (self), heapglass_application_create_step_shortcuts ());

  update_empty_page (self, FALSE);
  gtk_label_set_text (self->code_title, _ ("New Program"));
  _heapglass_window_actions_update (self);
}
