/* heapglass-window.c: the main window. It owns the one "current step" and the one trace run, and
 * every part (canvas, code marks, timeline, output, inspector) is told about a new step from
 * show_step(); every command is a win.* action whose enabled state is set in update_actions(). */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gtksourceview/gtksource.h>
#include <math.h>
#include <string.h>

#include "heapglass-canvas.h"
#include "heapglass-chapter-sidebar.h"
#include "heapglass-export.h"
#include "heapglass-inspector.h"
#include "heapglass-layout.h"
#include "heapglass-output-pane.h"
#include "heapglass-renderer.h"
#include "heapglass-scene.h"
#include "heapglass-timeline.h"
#include "heapglass-trace-runner.h"
#include "heapglass-window.h"

#define MARK_NEXT "heapglass-next"   /* the line about to run: strong */
#define MARK_PREV "heapglass-prev"   /* the line just run: light */
#define MARK_ERROR "heapglass-error" /* a SyntaxError's line */

struct _HeapglassWindow
{
  AdwApplicationWindow parent_instance;

  /* template */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkToggleButton *sidebar_button;
  GtkWidget *progress_box;
  GtkSpinner *spinner;
  GtkLabel *progress_label;
  GtkRevealer *banner_revealer;
  GtkWidget *banner;
  GtkImage *banner_icon;
  GtkLabel *banner_label;
  GtkWidget *banner_button;
  GtkWidget *banner_close;
  AdwFlap *flap;
  HeapglassChapterSidebar *sidebar;
  GtkRevealer *exercise_revealer;
  GtkLabel *exercise_label;
  GtkWidget *reveal_button;
  GtkRevealer *note_revealer;
  GtkLabel *note_label;
  GtkLabel *code_title;
  GtkLabel *code_state;
  GtkSourceView *code_view;
  GtkPaned *main_paned;
  GtkStack *canvas_stack;
  GtkWidget *canvas_slot;
  GtkRevealer *inspector_revealer;
  GtkWidget *inspector_slot;
  GtkListBox *recent_list;
  AdwStatusPage *empty_page;
  GtkWidget *empty_run_button;
  GtkWidget *empty_open_button;
  HeapglassOutputPane *output_pane;
  HeapglassTimeline *timeline;

  /* built in init */
  HeapglassCanvas *canvas;
  HeapglassInspector *inspector;
  GtkSourceBuffer *buffer;

  GSettings *settings;
  GCancellable *load_cancellable;

  /* what the code pane holds */
  HeapglassChapter *chapter;
  int block;                 /* index into the chapter's blocks, -1 = none */
  gboolean showing_solution; /* the exercise's solution replaced the learner's code */
  char *script_name;         /* file name the traced program gets ("aliasing.py") */
  char *script_path;         /* the file on disk when the pane holds it unchanged, else NULL */
  GHashTable *drafts; /* "chapter path ␟ block title" → what the learner typed there: kept for
                         the window's life, across blocks and chapters */

  /* the run */
  HeapglassTraceRunner *runner;
  GCancellable *run_cancellable;
  HeapglassTrace *trace;
  char *temp_dir;
  guint step;
  guint play_source;
  char *banner_text;
  gboolean loading_code; /* set while the window fills the buffer itself */
  gboolean code_edited;  /* the learner changed the code since the window filled it */
  gsize shown_out_len;   /* output lengths in the output pane */
  gsize shown_err_len;
  gboolean output_shown;
  gboolean edit_hint_shown;
};

G_DEFINE_FINAL_TYPE (HeapglassWindow, heapglass_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  CHAPTER_LOADED,
  RUN_FINISHED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void update_actions (HeapglassWindow *self);
static void fill_recent_list (HeapglassWindow *self);
static void stop_playing (HeapglassWindow *self);

HeapglassWindow *
heapglass_window_new (HeapglassApplication *app)
{
  return g_object_new (HEAPGLASS_TYPE_WINDOW, "application", app, NULL);
}

/* ---- small helpers ----------------------------------------------------------------------- */

static void
show_toast (HeapglassWindow *self, const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

typedef enum
{
  BANNER_INFO,
  BANNER_WARNING,
  BANNER_ERROR,
} BannerKind;

static void
show_banner (HeapglassWindow *self, BannerKind kind, const char *text, gboolean show_where)
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

static void
hide_banner (HeapglassWindow *self)
{
  g_clear_pointer (&self->banner_text, g_free);
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
}

static guint
n_steps (HeapglassWindow *self)
{
  return self->trace != NULL ? heapglass_trace_get_n_steps (self->trace) : 0;
}

static gboolean
is_running (HeapglassWindow *self)
{
  return self->runner != NULL && heapglass_trace_runner_is_running (self->runner);
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
  gtk_widget_set_visible (GTK_WIDGET (self->inspector_revealer), shown);
  gtk_revealer_set_reveal_child (self->inspector_revealer, shown);
}

/* ---- showing a step ---------------------------------------------------------------------- */

static void
show_step (HeapglassWindow *self, guint step)
{
  guint n = n_steps (self);
  guint next_line, prev_line = 0;
  HeapglassEvent event;
  HeapglassSnapshot *snapshot;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gsize out_len = 0, err_len = 0;

  if (self->trace == NULL || n == 0)
    return;
  step = CLAMP (step, 1, n);
  self->step = step;

  heapglass_canvas_set_step (self->canvas, step);
  gtk_stack_set_visible_child_name (self->canvas_stack, "canvas");
  heapglass_timeline_set_step (self->timeline, step);

  next_line = heapglass_trace_get_step_line (self->trace, step);
  if (step > 1)
    prev_line = heapglass_trace_get_step_line (self->trace, step - 1);
  event = heapglass_trace_get_step_event (self->trace, step);
  /* A return step shows the state after its line ran: nothing is about to run there. An
   * exception step marks the line that raised. */
  if (event == HEAPGLASS_EVENT_RETURN)
    {
      prev_line = next_line;
      next_line = 0;
    }
  mark_line (self, MARK_PREV, prev_line);
  mark_line (self, MARK_NEXT, next_line);
  if (heapglass_trace_get_ending (self->trace) != HG_END_SYNTAX_ERROR)
    mark_line (self, MARK_ERROR, event == HEAPGLASS_EVENT_EXCEPTION ? next_line : 0);
  if (next_line > 0 || prev_line > 0)
    {
      GtkTextIter iter;

      gtk_text_buffer_get_iter_at_line (GTK_TEXT_BUFFER (self->buffer), &iter,
                                        (int)(next_line > 0 ? next_line : prev_line) - 1);
      gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->code_view), &iter, 0.1, FALSE, 0, 0);
    }

  /* The output only grows with the step: while scrubbing, most steps print nothing, and the
   * snapshot's lengths say so without copying the output. */
  snapshot = heapglass_canvas_get_snapshot (self->canvas);
  if (snapshot == NULL || snapshot->step != step || snapshot->stdout_len != self->shown_out_len
      || snapshot->stderr_len != self->shown_err_len || !self->output_shown)
    {
      out = heapglass_trace_get_output (self->trace, 1, step, &out_len);
      err = heapglass_trace_get_output (self->trace, 2, step, &err_len);
      heapglass_output_pane_set_output (self->output_pane, out, out_len, err, err_len);
      self->shown_out_len = out_len;
      self->shown_err_len = err_len;
      self->output_shown = TRUE;
    }

  if (heapglass_inspector_get_oid (self->inspector) != 0)
    heapglass_inspector_show_object (self->inspector, step,
                                     heapglass_inspector_get_oid (self->inspector));
  update_actions (self);
}

void
heapglass_window_set_step (HeapglassWindow *self, guint step)
{
  g_return_if_fail (HEAPGLASS_IS_WINDOW (self));
  show_step (self, step);
}

guint
heapglass_window_get_step (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), 0);
  return self->step;
}

gboolean
heapglass_window_jump_to_line (HeapglassWindow *self, guint line, gboolean backwards)
{
  guint step;

  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), FALSE);

  if (self->trace == NULL || n_steps (self) == 0)
    return FALSE;
  step = heapglass_trace_find_line (self->trace, line, self->step, backwards);
  if (step == 0)
    {
      show_toast (self, backwards ? _ ("That line did not run before this step")
                                  : _ ("That line does not run after this step"));
      return FALSE;
    }
  show_step (self, step);
  return TRUE;
}

/* ---- the trace ------------------------------------------------------------------------- */

/* Puts the trace away: the code becomes editable again. */
static void
clear_trace (HeapglassWindow *self)
{
  stop_playing (self);
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  if (self->runner != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->runner, self);
      if (heapglass_trace_runner_is_running (self->runner))
        heapglass_trace_runner_stop (self->runner);
    }
  g_clear_object (&self->runner);
  g_clear_object (&self->run_cancellable);
  g_clear_object (&self->trace);
  self->step = 0;

  heapglass_canvas_set_trace (self->canvas, NULL);
  heapglass_inspector_set_trace (self->inspector, NULL);
  heapglass_inspector_show_object (self->inspector, 0, 0);
  show_inspector (self, FALSE);
  heapglass_timeline_set_trace (self->timeline, NULL);
  heapglass_output_pane_clear (self->output_pane);
  self->output_shown = FALSE;
  self->edit_hint_shown = FALSE;
  gtk_stack_set_visible_child_name (self->canvas_stack, "empty");
  gtk_widget_set_visible (self->progress_box, FALSE);
  gtk_spinner_stop (self->spinner);
  clear_marks (self, MARK_NEXT);
  clear_marks (self, MARK_PREV);
  clear_marks (self, MARK_ERROR);
  hide_banner (self);
  set_code_editable (self, TRUE);
  update_actions (self);
}

/* The step where an uncaught exception was raised: the earliest "exception" step of the unwinding
 * at the end of the trace (the innermost frame, before the frames were popped). 0 if none. */
static guint
find_raise_step (HeapglassTrace *trace)
{
  guint n = heapglass_trace_get_n_steps (trace);
  guint earliest = 0;

  for (guint s = n; s >= 1; s--)
    {
      HeapglassEvent event = heapglass_trace_get_step_event (trace, s);

      if (event == HEAPGLASS_EVENT_EXCEPTION)
        earliest = s;
      else if (event != HEAPGLASS_EVENT_RETURN && s != n)
        break;
    }
  return earliest;
}

static char *
describe_ending (HeapglassWindow *self, BannerKind *kind, gboolean *show_where)
{
  HeapglassTrace *trace = self->trace;
  HgEnding ending = heapglass_trace_get_ending (trace);
  const char *message = heapglass_trace_get_end_message (trace);
  guint n = heapglass_trace_get_n_steps (trace);

  *kind = BANNER_WARNING;
  *show_where = n > 0;
  switch (ending)
    {
    case HG_END_FINISHED:
      return NULL;
    case HG_END_EXCEPTION:
      {
        const char *type = heapglass_trace_get_exception_type (trace);
        const char *text = heapglass_trace_get_exception_message (trace);
        guint raised = find_raise_step (trace);
        guint line = raised > 0 ? heapglass_trace_get_step_line (trace, raised) : 0;
        g_autofree char *where = NULL;

        if (raised > 0)
          {
            g_autoptr (HeapglassSnapshot) snapshot = heapglass_trace_snapshot (trace, raised);

            if (snapshot != NULL && snapshot->n_frames > 0
                && g_strcmp0 (snapshot->frames[snapshot->n_frames - 1].function, "<module>") != 0)
              /* Translators: where an exception was raised: "in create_data()" */
              where = g_strdup_printf (_ (" in %s()"),
                                       snapshot->frames[snapshot->n_frames - 1].function);
          }

        *kind = BANNER_ERROR;
        /* Translators: "TypeError: cannot create weak reference to 'list' object, raised at
         * line 8 in create_data(); nothing caught it, so the program stopped." */
        return g_strdup_printf (_ ("%s: %s — raised at line %u%s; nothing caught it, so the "
                                   "program stopped."),
                                type != NULL ? type : _ ("Exception"), text != NULL ? text : "",
                                line, where != NULL ? where : "");
      }
    case HG_END_EXIT:
      *kind = heapglass_trace_get_exit_status (trace) == 0 ? BANNER_INFO : BANNER_WARNING;
      return g_strdup_printf (_ ("The program ended itself with exit status %d (sys.exit)."),
                              heapglass_trace_get_exit_status (trace));
    case HG_END_CRASHED:
      *kind = BANNER_ERROR;
      return g_strdup_printf (_ ("The program crashed (signal %d, %s). The %u steps before the "
                                 "crash are kept."),
                              heapglass_trace_get_signal (trace),
                              g_strsignal (heapglass_trace_get_signal (trace)), n);
    case HG_END_STEP_LIMIT:
      return g_strdup_printf (_ ("Stopped after %u steps: the step limit was reached (see "
                                 "Preferences). The steps so far are kept."),
                              n);
    case HG_END_TIME_LIMIT:
      return g_strdup_printf (_ ("Stopped: the program ran longer than the time limit (see "
                                 "Preferences). The %u steps so far are kept."),
                              n);
    case HG_END_MEMORY_LIMIT:
      return g_strdup_printf (_ ("Stopped: the program used more memory than the limit (see "
                                 "Preferences). The %u steps so far are kept."),
                              n);
    case HG_END_OUTPUT_LIMIT:
      return g_strdup_printf (_ ("Stopped: the program printed more than the output limit. The "
                                 "%u steps so far are kept."),
                              n);
    case HG_END_STOPPED:
      *kind = BANNER_INFO;
      return g_strdup_printf (_ ("Stopped. The %u steps so far are kept."), n);
    case HG_END_SYNTAX_ERROR:
      *kind = BANNER_ERROR;
      *show_where = FALSE;
      return g_strdup_printf (_ ("SyntaxError on line %u: %s. Fix the code and run it again."),
                              heapglass_trace_get_end_line (trace),
                              message != NULL ? message : _ ("invalid syntax"));
    case HG_END_UNREADABLE:
      *kind = BANNER_ERROR;
      *show_where = FALSE;
      return g_strdup_printf (_ ("The program could not be read: %s"),
                              message != NULL ? message : _ ("unknown reason"));
    case HG_END_CORRUPT_TRACE:
      *kind = BANNER_ERROR;
      return g_strdup_printf (_ ("The trace broke off: the program tampered with the tracer, or "
                                 "the tracer failed (%s). The %u steps before are kept."),
                              message != NULL ? message : _ ("unknown reason"), n);
    case HG_END_TRACE_LIMIT:
      return g_strdup_printf (_ ("Stopped: the trace grew larger than Heapglass accepts. The %u "
                                 "steps so far are kept."),
                              n);
    case HG_END_NONE:
    default:
      return g_strdup_printf (_ ("The trace ended without saying why. The %u steps so far are "
                                 "kept."),
                              n);
    }
}

static void
show_ending (HeapglassWindow *self)
{
  BannerKind kind;
  gboolean show_where;
  g_autofree char *text = describe_ending (self, &kind, &show_where);

  if (text != NULL)
    show_banner (self, kind, text, show_where);
  else
    hide_banner (self);

  if (heapglass_trace_get_ending (self->trace) == HG_END_SYNTAX_ERROR)
    {
      guint line = heapglass_trace_get_end_line (self->trace);

      mark_line (self, MARK_ERROR, line);
      if (line > 0)
        {
          GtkTextIter iter;

          gtk_text_buffer_get_iter_at_line (GTK_TEXT_BUFFER (self->buffer), &iter, (int)line - 1);
          gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->code_view), &iter, 0.1, FALSE, 0, 0);
        }
    }
  /* With no step to show, the learner can only edit: let them. */
  if (n_steps (self) == 0)
    set_code_editable (self, TRUE);
}

static void
on_runner_progress (HeapglassTraceRunner *runner, guint n, HeapglassWindow *self)
{
  g_autofree char *text = NULL;

  /* Translators: shown while tracing, the number of steps recorded so far */
  text = g_strdup_printf (g_dngettext (NULL, "%u step", "%u steps", n), n);
  gtk_label_set_text (self->progress_label, text);
  heapglass_timeline_set_n_steps (self->timeline, n);
  /* The first diagram as soon as the first steps arrive; later ones refresh the current step
   * only where more may have arrived (the last one). */
  if (self->step == 0 && n > 0)
    show_step (self, 1);
  else
    update_actions (self);
}

static void
on_runner_input_requested (HeapglassTraceRunner *runner, const char *prompt, HeapglassWindow *self)
{
  /* Show where the program waits, with everything it printed so far. */
  if (n_steps (self) > 0)
    show_step (self, n_steps (self));
  heapglass_output_pane_request_input (self->output_pane, prompt);
  show_banner (self, BANNER_INFO,
               _ ("The program is waiting for input: type a line below the output and press "
                  "Enter."),
               FALSE);
}

static void
on_input_submitted (HeapglassOutputPane *pane, const char *line, HeapglassWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (self->runner == NULL || !heapglass_trace_runner_is_running (self->runner))
    return;
  if (!heapglass_trace_runner_send_input (self->runner, line, &error))
    show_toast (self, error->message);
  else
    hide_banner (self);
}

static void
on_run_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HeapglassWindow) self = user_data;
  HeapglassTraceRunner *runner = HEAPGLASS_TRACE_RUNNER (source);
  g_autoptr (GError) error = NULL;
  gboolean ok = heapglass_trace_runner_run_finish (runner, result, &error);

  /* A run that was put away (a new run, another example) says nothing. */
  if (runner != self->runner)
    return;

  gtk_widget_set_visible (self->progress_box, FALSE);
  gtk_spinner_stop (self->spinner);
  heapglass_output_pane_hide_input (self->output_pane);
  heapglass_timeline_set_n_steps (self->timeline, n_steps (self));
  if (self->step == 0 && n_steps (self) > 0)
    show_step (self, 1);
  else if (self->step > 0)
    show_step (self, self->step);

  if (!ok)
    show_banner (self, BANNER_ERROR, error->message, FALSE);
  else
    show_ending (self);
  update_actions (self);
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

static void
run_options_from_settings (HeapglassWindow *self, HeapglassRunOptions *options)
{
  heapglass_run_options_init (options);
  options->stdin_interactive = TRUE;
  options->sandbox = TRUE;
  if (self->settings == NULL)
    return;
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
        show_toast (self, _ ("Write some code first, then Run it"));
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
      show_banner (self, BANNER_ERROR, error->message, FALSE);
      return;
    }

  clear_trace (self);
  set_code_editable (self, FALSE);
  /* The canvas stays in view (empty until the first steps arrive) instead of flashing the
   * welcome page between two runs. */
  gtk_stack_set_visible_child_name (self->canvas_stack, "canvas");
  run_options_from_settings (self, &options);
  self->runner = heapglass_trace_runner_new (path, &options);
  self->trace = g_object_ref (heapglass_trace_runner_get_trace (self->runner));
  self->run_cancellable = g_cancellable_new ();
  heapglass_canvas_set_trace (self->canvas, self->trace);
  heapglass_inspector_set_trace (self->inspector, self->trace);
  heapglass_timeline_set_trace (self->timeline, self->trace);
  g_signal_connect (self->runner, "progress", G_CALLBACK (on_runner_progress), self);
  g_signal_connect (self->runner, "input-requested", G_CALLBACK (on_runner_input_requested), self);

  gtk_label_set_text (self->progress_label, _ ("Starting…"));
  gtk_widget_set_visible (self->progress_box, TRUE);
  gtk_spinner_start (self->spinner);
  heapglass_trace_runner_run_async (self->runner, self->run_cancellable, on_run_done,
                                    g_object_ref (self));
  update_actions (self);
}

void
heapglass_window_stop (HeapglassWindow *self)
{
  g_return_if_fail (HEAPGLASS_IS_WINDOW (self));

  stop_playing (self);
  if (is_running (self))
    {
      heapglass_output_pane_hide_input (self->output_pane);
      heapglass_trace_runner_stop (self->runner);
    }
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
  return self->trace;
}

/* ---- playing ------------------------------------------------------------------------------ */

static gboolean
play_tick (gpointer user_data)
{
  HeapglassWindow *self = user_data;

  if (self->step < n_steps (self))
    show_step (self, self->step + 1);
  else if (!is_running (self))
    {
      self->play_source = 0;
      heapglass_timeline_set_playing (self->timeline, FALSE);
      update_actions (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
stop_playing (HeapglassWindow *self)
{
  if (self->play_source == 0)
    return;
  g_clear_handle_id (&self->play_source, g_source_remove);
  heapglass_timeline_set_playing (self->timeline, FALSE);
}

static void
start_playing (HeapglassWindow *self)
{
  double speed = heapglass_timeline_get_speed (self->timeline);

  stop_playing (self);
  if (self->step >= n_steps (self) && !is_running (self))
    show_step (self, 1);
  self->play_source = g_timeout_add ((guint)(1000.0 / MAX (speed, 0.5)), play_tick, self);
  heapglass_timeline_set_playing (self->timeline, TRUE);
}

static void
on_speed_changed (HeapglassTimeline *timeline, GParamSpec *pspec, HeapglassWindow *self)
{
  if (self->settings != NULL)
    g_settings_set_double (self->settings, "play-speed", heapglass_timeline_get_speed (timeline));
  if (self->play_source != 0)
    start_playing (self);
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

static void
show_code (HeapglassWindow *self, const char *code, const char *title, const char *script_name,
           const char *script_path)
{
  clear_trace (self);
  g_free (self->script_name);
  self->script_name = g_strdup (script_name);
  g_free (self->script_path);
  self->script_path = g_strdup (script_path);
  set_buffer_text (self, code);
  update_empty_page (self, TRUE);
  gtk_label_set_text (self->code_title, title);
  update_title (self);
  update_actions (self);
}

/* "Frames › A chain of calls" → "A chain of calls": the sidebar already shows the section. */
static const char *
short_title (const char *title)
{
  const char *sep = g_strrstr (title, "›");

  if (sep == NULL)
    return title;
  sep += strlen ("›");
  while (*sep == ' ')
    sep++;
  return *sep != '\0' ? sep : title;
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
  show_code (self, draft != NULL ? draft : block->code, short_title (block->title), name, path);
  if (draft != NULL)
    self->code_edited = TRUE;

  if (block->calls_nothing)
    {
      gtk_label_set_text (self->note_label,
                          _ ("This code defines functions or classes but calls none of them: "
                             "running it shows the definitions only. Add a call at the end to "
                             "watch one run."));
      gtk_revealer_set_reveal_child (self->note_revealer, TRUE);
    }
  else
    gtk_revealer_set_reveal_child (self->note_revealer, FALSE);

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
  gtk_revealer_set_reveal_child (self->note_revealer, solution->calls_nothing);
  if (typed != NULL && *typed != '\0' && !g_str_equal (typed, solution->code))
    show_toast (self, _ ("Your code is kept: choose the exercise again to get it back"));
}

void
heapglass_window_set_code (HeapglassWindow *self, const char *code, const char *file_name)
{
  g_return_if_fail (HEAPGLASS_IS_WINDOW (self));
  g_return_if_fail (code != NULL);

  save_draft (self);
  self->block = -1;
  self->showing_solution = FALSE;
  gtk_revealer_set_reveal_child (self->exercise_revealer, FALSE);
  gtk_revealer_set_reveal_child (self->note_revealer, heapglass_code_calls_nothing (code));
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
  adw_flap_set_reveal_flap (self->flap, !single && n_blocks > 0);
  gtk_paned_set_position (self->main_paned, single ? 500 : 380);
  if (n_blocks > 0)
    heapglass_window_show_block (self, 0);
  update_actions (self);
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
          show_banner (self, BANNER_ERROR, error->message, FALSE);
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

/* ---- export and clipboard ------------------------------------------------------------------- */

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
  if (self->settings != NULL)
    options->inline_values = g_settings_get_boolean (self->settings, "inline-small-values");
}

static gboolean
export_with_theme (HeapglassWindow *self, const char *path, guint first, guint last,
                   const char *theme, GError **error)
{
  HeapglassExportOptions options;

  if (self->trace == NULL || n_steps (self) == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("There is no trace to export: run the program first"));
      return FALSE;
    }
  export_options_init (self, &options);
  if (theme != NULL)
    options.theme = theme;
  return heapglass_export_trace (self->trace, path, first, last, &options, error);
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

  if (response == GTK_RESPONSE_ACCEPT && self->trace != NULL)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GError) error = NULL;
      const char *theme = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "theme");

      if (path == NULL)
        show_toast (self, _ ("Export needs a local file"));
      else if (!export_with_theme (self, path, request->first, request->last, theme, &error))
        show_banner (self, BANNER_ERROR, error->message, FALSE);
      else
        {
          g_autofree char *base = g_path_get_basename (path);
          g_autofree char *text = g_strdup_printf (_ ("Exported %s"), base);

          show_toast (self, text);
        }
    }
  g_object_unref (request->self);
  g_free (request);
  g_object_unref (dialog);
}

static void
ask_export_file (HeapglassWindow *self, guint first, guint last)
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
  gtk_file_filter_set_name (filter, _ ("PNG, SVG or PDF"));
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_filter_add_suffix (filter, "svg");
  gtk_file_filter_add_suffix (filter, "pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  {
    const char *ids[] = { "light", "dark", NULL };
    const char *labels[] = { _ ("Light"), _ ("Dark"), NULL };

    gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "theme", _ ("Colours"), ids, labels);
    gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "theme", "light");
  }

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

      ask_export_file (self, MIN (first, last), MAX (first, last));
    }
}

static void
ask_export_range (HeapglassWindow *self)
{
  guint n = n_steps (self);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Export a Range of Steps"),
                                              _ ("A PDF gets one page per step; PNG and SVG get "
                                                 "one numbered file per step."));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *from = gtk_spin_button_new_with_range (1, MAX (n, 1), 1);
  GtkWidget *to = gtk_spin_button_new_with_range (1, MAX (n, 1), 1);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (from), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (to), MAX (self->step, 1));
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

/* ---- actions ------------------------------------------------------------------------------- */

static void
update_actions (HeapglassWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  guint n = n_steps (self);
  gboolean running = is_running (self);
  gboolean has_steps = n > 0 && self->step > 0;
  gboolean at_first = self->step <= 1;
  gboolean at_last = self->step >= n;
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
  gtk_widget_action_set_enabled (widget, "win.edit", self->trace != NULL);
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
  gtk_widget_action_set_enabled (widget, "win.toggle-sidebar", self->chapter != NULL);
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
  {
    const char *ids[] = { "light", "dark", NULL };
    const char *labels[] = { _ ("Light"), _ ("Dark"), NULL };

    gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "theme", _ ("Colours"), ids, labels);
    gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "theme", "light");
  }
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

  clear_trace (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->code_view));
}

static void
win_step (GtkWidget *widget, const char *action_name, GVariant *param)
{
  HeapglassWindow *self = HEAPGLASS_WINDOW (widget);
  guint target = self->step;

  if (self->trace == NULL)
    return;
  if (g_str_equal (action_name, "win.step-first"))
    target = 1;
  else if (g_str_equal (action_name, "win.step-back"))
    target = self->step > 1 ? self->step - 1 : 1;
  else if (g_str_equal (action_name, "win.step-forward"))
    target = self->step + 1;
  else if (g_str_equal (action_name, "win.show-end")
           && heapglass_trace_get_ending (self->trace) == HG_END_EXCEPTION
           && find_raise_step (self->trace) > 0)
    target = find_raise_step (self->trace);
  else if (g_str_equal (action_name, "win.step-last") || g_str_equal (action_name, "win.show-end"))
    target = n_steps (self);
  else if (g_str_equal (action_name, "win.step-over"))
    target = heapglass_trace_find_step_over (self->trace, self->step);
  else if (g_str_equal (action_name, "win.step-out"))
    target = heapglass_trace_find_step_out (self->trace, self->step);
  /* Over/out with nothing after: the end of the trace. */
  if (target == 0)
    target = n_steps (self);
  stop_playing (self);
  show_step (self, target);
}

static void
win_play (GtkWidget *widget, const char *action_name, GVariant *param)
{
  HeapglassWindow *self = HEAPGLASS_WINDOW (widget);

  if (self->play_source != 0)
    stop_playing (self);
  else
    start_playing (self);
}

static void
win_export (GtkWidget *widget, const char *action_name, GVariant *param)
{
  HeapglassWindow *self = HEAPGLASS_WINDOW (widget);

  if (g_str_equal (action_name, "win.export-range"))
    ask_export_range (self);
  else
    ask_export_file (self, self->step, self->step);
}

static void
win_copy_diagram (GtkWidget *widget, const char *action_name, GVariant *param)
{
  HeapglassWindow *self = HEAPGLASS_WINDOW (widget);
  g_autoptr (GdkTexture) texture = render_diagram_texture (self);

  if (texture == NULL)
    return;
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (widget), texture);
  show_toast (self, _ ("Diagram copied as an image"));
}

static void
win_zoom (GtkWidget *widget, const char *action_name, GVariant *param)
{
  HeapglassWindow *self = HEAPGLASS_WINDOW (widget);

  if (g_str_equal (action_name, "win.zoom-in"))
    heapglass_canvas_zoom_in (self->canvas);
  else if (g_str_equal (action_name, "win.zoom-out"))
    heapglass_canvas_zoom_out (self->canvas);
  else if (g_str_equal (action_name, "win.zoom-fit"))
    heapglass_canvas_zoom_fit (self->canvas);
  else
    heapglass_canvas_zoom_reset (self->canvas);
}

static void
win_reveal_solution (GtkWidget *widget, const char *action_name, GVariant *param)
{
  heapglass_window_reveal_solution (HEAPGLASS_WINDOW (widget));
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

/* ---- input from the parts ------------------------------------------------------------------ */

static void
on_timeline_step_requested (HeapglassTimeline *timeline, guint step, HeapglassWindow *self)
{
  stop_playing (self);
  show_step (self, step);
}

static void
on_canvas_selection (HeapglassCanvas *canvas, guint64 oid, HeapglassWindow *self)
{
  heapglass_inspector_show_object (self->inspector, self->step, oid);
  show_inspector (self, oid != 0);
}

static void
on_inspector_jump (HeapglassInspector *inspector, guint step, HeapglassWindow *self)
{
  stop_playing (self);
  show_step (self, step);
}

/* A container named in the inspector's "referred to by": select it on the canvas, which then
 * tells the inspector (selection-changed) to show it. */
static void
on_inspector_select (HeapglassInspector *inspector, guint64 oid, HeapglassWindow *self)
{
  heapglass_canvas_select_oid (self->canvas, oid);
  /* Not drawn at this step (a collapsed part): the inspector still shows it. */
  if (heapglass_canvas_get_selected_oid (self->canvas) != oid)
    heapglass_inspector_show_object (self->inspector, self->step, oid);
}

static void
on_gutter_pressed (GtkGestureClick *gesture, int n_press, double x, double y, HeapglassWindow *self)
{
  GtkWidget *gutter = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GdkModifierType state;
  GtkTextIter iter;
  double vx, vy;
  int bx, by;

  if (self->trace == NULL || n_steps (self) == 0)
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
  if (self->trace == NULL || gtk_text_view_get_editable (GTK_TEXT_VIEW (self->code_view))
      || self->edit_hint_shown)
    return;
  self->edit_hint_shown = TRUE;
  show_toast (self, _ ("The code is read-only while its trace is shown: press the pencil to "
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
  if (self->loading_code)
    return;
  /* Not the buffer's "modified" flag: set_text() (a paste of a whole program) clears it. */
  self->code_edited = TRUE;
  /* A SyntaxError mark belongs to the text that had it. */
  clear_marks (self, MARK_ERROR);
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

  stop_playing (self);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->runner != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->runner, self);
      if (heapglass_trace_runner_is_running (self->runner))
        heapglass_trace_runner_stop (self->runner);
    }
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  g_clear_object (&self->run_cancellable);
  g_clear_object (&self->runner);
  g_clear_object (&self->trace);
  g_clear_object (&self->chapter);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEAPGLASS_TYPE_WINDOW);
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
  BIND (inspector_revealer);
  BIND (inspector_slot);
  BIND (recent_list);
  BIND (empty_page);
  BIND (empty_run_button);
  BIND (empty_open_button);
  BIND (output_pane);
  BIND (timeline);
#undef BIND

  gtk_widget_class_install_action (widget_class, "win.open", NULL, win_open);
  gtk_widget_class_install_action (widget_class, "win.run", NULL, win_run);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, win_stop);
  gtk_widget_class_install_action (widget_class, "win.edit", NULL, win_edit);
  gtk_widget_class_install_action (widget_class, "win.step-first", NULL, win_step);
  gtk_widget_class_install_action (widget_class, "win.step-back", NULL, win_step);
  gtk_widget_class_install_action (widget_class, "win.step-forward", NULL, win_step);
  gtk_widget_class_install_action (widget_class, "win.step-last", NULL, win_step);
  gtk_widget_class_install_action (widget_class, "win.step-over", NULL, win_step);
  gtk_widget_class_install_action (widget_class, "win.step-out", NULL, win_step);
  gtk_widget_class_install_action (widget_class, "win.show-end", NULL, win_step);
  gtk_widget_class_install_action (widget_class, "win.play", NULL, win_play);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, win_export);
  gtk_widget_class_install_action (widget_class, "win.export-range", NULL, win_export);
  gtk_widget_class_install_action (widget_class, "win.copy-diagram", NULL, win_copy_diagram);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, win_zoom);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, win_zoom);
  gtk_widget_class_install_action (widget_class, "win.zoom-reset", NULL, win_zoom);
  gtk_widget_class_install_action (widget_class, "win.zoom-fit", NULL, win_zoom);
  gtk_widget_class_install_action (widget_class, "win.reveal-solution", NULL, win_reveal_solution);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL, win_toggle_sidebar);
  gtk_widget_class_install_action (widget_class, "win.close", NULL, win_close);
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

  g_signal_connect_object (self->canvas, "selection-changed", G_CALLBACK (on_canvas_selection),
                           self, 0);
  g_signal_connect_object (self->canvas, "object-activated", G_CALLBACK (on_canvas_selection), self,
                           0);
  g_signal_connect_object (self->inspector, "jump-to-step", G_CALLBACK (on_inspector_jump), self,
                           0);
  g_signal_connect_object (self->inspector, "select-object", G_CALLBACK (on_inspector_select), self,
                           0);
  g_signal_connect_object (self->timeline, "step-requested",
                           G_CALLBACK (on_timeline_step_requested), self, 0);
  g_signal_connect_object (self->timeline, "notify::speed", G_CALLBACK (on_speed_changed), self, 0);
  g_signal_connect_object (self->output_pane, "input-submitted", G_CALLBACK (on_input_submitted),
                           self, 0);
  g_signal_connect_object (self->sidebar, "block-activated", G_CALLBACK (on_block_activated), self,
                           0);
  g_signal_connect_object (self->recent_list, "row-activated", G_CALLBACK (on_recent_row_activated),
                           self, 0);
  g_signal_connect_object (self->banner_close, "clicked", G_CALLBACK (hide_banner), self,
                           G_CONNECT_SWAPPED);
  g_object_bind_property (self->flap, "reveal-flap", self->sidebar_button, "active",
                          G_BINDING_SYNC_CREATE);

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  gtk_widget_add_controller (GTK_WIDGET (self), heapglass_application_create_step_shortcuts ());

  update_empty_page (self, FALSE);
  gtk_label_set_text (self->code_title, _ ("New Program"));
  update_actions (self);
}
