/* heapglass-window-teach.c: the window's teaching tools. Breakpoints on lines (gutter right-click,
 * F9, `# heapglass: break`) with Continue / Reverse Continue over the recorded run; the Call Tree
 * panel beside the canvas; a pinned step whose differences from the current one are marked on
 * the canvas and said in words; Predict mode, where the learner marks what the next step will
 * change before seeing it, with right / wrong marks and a running score. */
#include "config.h"

#include <glib/gi18n.h>

#include "heapglass-code-annotations.h"
#include "heapglass-narration.h"
#include "heapglass-prediction.h"
#include "heapglass-step-diff.h"
#include "heapglass-trace-changes.h"
#include "heapglass-window-private.h"
#include "heapglass-window-teach.h"

#define MARK_BREAKPOINT "heapglass-breakpoint"

struct _HeapglassWindowTeach
{
  HeapglassWindow *window; /* owns this */
  GSimpleActionGroup *actions;
  HeapglassBreakpoints *breakpoints;
  HeapglassCodeAnnotations *annotations; /* of the code shown, NULL before any */

  HeapglassCallTree *tree;
  HeapglassCallTreePanel *panel;
  GtkRevealer *panel_revealer;

  GtkRevealer *bar_revealer;
  GtkLabel *bar_label;
  GtkEntry *output_entry;
  GtkWidget *predict_box; /* the entry and the Check / Skip buttons */

  HeapglassMarks *marks;
  guint pinned_step;
  char *text; /* what the bar says */

  gboolean predicting;
  HeapglassPrediction *prediction; /* guesses about the step after prediction's step */
  gboolean revealing;              /* this step change is the reveal of a prediction */
  gboolean keep_results;           /* the result marks stay until the next guess */
  guint right, checked;
};

static HeapglassWindowTeach *
teach (HeapglassWindow *self)
{
  return self->teach;
}

static HeapglassTrace *
current_trace (HeapglassWindow *self)
{
  return heapglass_run_controller_get_trace (self->controller);
}

static void
set_bar_text (HeapglassWindowTeach *t, const char *text)
{
  g_free (t->text);
  t->text = g_strdup (text);
  gtk_label_set_text (t->bar_label, text ? text : "");
  /* Hidden rather than only folded: a folded revealer still measures its wrapping label at a
   * width of nothing. */
  gtk_widget_set_visible (GTK_WIDGET (t->bar_revealer), text != NULL);
  gtk_revealer_set_reveal_child (t->bar_revealer, text != NULL);
}

static void
redraw_marks (HeapglassWindowTeach *t)
{
  heapglass_canvas_set_marks (t->window->canvas, t->marks);
}

static void
set_action_state (HeapglassWindowTeach *t, const char *name, gboolean state)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (t->actions), name);
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (state));
}

/* ---- breakpoints ------------------------------------------------------------------------- */

static void
show_breakpoints (HeapglassWindowTeach *t)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (t->window->buffer);
  g_autofree guint *lines = NULL;
  GtkTextIter start, end;
  guint n = 0;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_source_buffer_remove_source_marks (t->window->buffer, &start, &end, MARK_BREAKPOINT);
  lines = heapglass_breakpoints_get_lines (t->breakpoints, &n);
  for (guint i = 0; i < n; i++)
    {
      GtkTextIter iter;
      if (lines[i] > (guint)gtk_text_buffer_get_line_count (buffer))
        continue;
      gtk_text_buffer_get_iter_at_line (buffer, &iter, (int)lines[i] - 1);
      gtk_source_buffer_create_source_mark (t->window->buffer, NULL, MARK_BREAKPOINT, &iter);
    }
  _heapglass_window_actions_update (t->window);
}

static void
toggle_breakpoint_at (HeapglassWindowTeach *t, guint line)
{
  gboolean on = heapglass_breakpoints_toggle (t->breakpoints, line);
  g_autofree char *text = g_strdup_printf (
      on ? _ ("Breakpoint on line %u") : _ ("No breakpoint on line %u any more"), line);

  _heapglass_window_show_toast (t->window, text);
}

static void
on_gutter_secondary (GtkGestureClick *gesture, int n_press, double x, double y,
                     HeapglassWindowTeach *t)
{
  GtkWidget *gutter = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkTextIter iter;
  double vx, vy;
  int bx, by;

  if (!gtk_widget_translate_coordinates (gutter, GTK_WIDGET (t->window->code_view), x, y, &vx, &vy))
    return;
  gtk_text_view_window_to_buffer_coords (GTK_TEXT_VIEW (t->window->code_view),
                                         GTK_TEXT_WINDOW_WIDGET, (int)vx, (int)vy, &bx, &by);
  gtk_text_view_get_line_at_y (GTK_TEXT_VIEW (t->window->code_view), &iter, by, NULL);
  toggle_breakpoint_at (t, (guint)gtk_text_iter_get_line (&iter) + 1);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
teach_toggle_breakpoint (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  HeapglassWindowTeach *t = user_data;
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (t->window->buffer);
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  toggle_breakpoint_at (t, (guint)gtk_text_iter_get_line (&iter) + 1);
}

static void
continue_to (HeapglassWindowTeach *t, gboolean backwards)
{
  HeapglassTrace *trace = current_trace (t->window);
  guint from = _heapglass_window_step (t->window), step;

  if (trace == NULL)
    return;
  step = backwards ? heapglass_breakpoints_find_previous (t->breakpoints, trace, from)
                   : heapglass_breakpoints_find_next (t->breakpoints, trace, from);
  if (step == 0)
    {
      _heapglass_window_show_toast (t->window,
                                    backwards ? _ ("No breakpoint was reached before this step")
                                              : _ ("No breakpoint is reached after this step"));
      return;
    }
  heapglass_run_controller_seek (t->window->controller, step);
}

static void
teach_continue (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  continue_to (user_data, FALSE);
}

static void
teach_reverse_continue (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  continue_to (user_data, TRUE);
}

/* ---- call tree --------------------------------------------------------------------------- */

static void
update_call_tree (HeapglassWindowTeach *t)
{
  HeapglassTrace *trace = current_trace (t->window);
  gboolean ended = heapglass_run_controller_get_ended (t->window->controller);

  /* Built once the run is over, and only while the panel is shown: a run still going keeps
   * growing, and nobody looks at a hidden panel. */
  if (trace == NULL || !ended)
    {
      g_clear_object (&t->tree);
      heapglass_call_tree_panel_set_tree (t->panel, NULL);
      return;
    }
  if (!gtk_revealer_get_reveal_child (t->panel_revealer))
    return;
  if (t->tree == NULL || heapglass_call_tree_get_trace (t->tree) != trace)
    {
      g_clear_object (&t->tree);
      t->tree = heapglass_call_tree_new (trace);
      heapglass_call_tree_panel_set_tree (t->panel, t->tree);
    }
  heapglass_call_tree_panel_set_step (t->panel, _heapglass_window_step (t->window));
}

static void
teach_call_tree (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  HeapglassWindowTeach *t = user_data;
  gboolean shown = g_variant_get_boolean (state);

  g_simple_action_set_state (action, state);
  gtk_widget_set_visible (GTK_WIDGET (t->panel_revealer), shown);
  gtk_revealer_set_reveal_child (t->panel_revealer, shown);
  update_call_tree (t);
}

static void
on_call_activated (HeapglassCallTreePanel *panel, guint call, guint first_step,
                   HeapglassWindowTeach *t)
{
  heapglass_run_controller_seek (t->window->controller, first_step);
}

/* ---- compare with a pinned step ---------------------------------------------------------- */

static void
show_comparison (HeapglassWindowTeach *t)
{
  HeapglassTrace *trace = current_trace (t->window);
  guint step = _heapglass_window_step (t->window);
  g_autoptr (HeapglassStepDiff) diff = NULL;
  g_autofree char *words = NULL;

  heapglass_marks_clear (t->marks);
  if (trace == NULL || step == 0 || t->pinned_step == 0
      || t->pinned_step > heapglass_trace_get_n_steps (trace))
    {
      redraw_marks (t);
      heapglass_canvas_set_narration_note (t->window->canvas, NULL);
      return;
    }
  diff = heapglass_step_diff_new (trace, t->pinned_step, step);
  for (guint i = 0; i < diff->created->len; i++)
    heapglass_marks_set_object (t->marks, g_array_index (diff->created, guint64, i),
                                HEAPGLASS_MARK_NEW);
  for (guint i = 0; i < diff->mutated->len; i++)
    heapglass_marks_set_object (t->marks, g_array_index (diff->mutated, guint64, i),
                                HEAPGLASS_MARK_CHANGED);
  for (guint i = 0; i < diff->rebound->len; i++)
    {
      const HeapglassRebinding *r = &g_array_index (diff->rebound, HeapglassRebinding, i);
      heapglass_marks_set_name (t->marks, r->frame_id, r->name, HEAPGLASS_MARK_REBOUND);
    }
  redraw_marks (t);

  /* The same in words, for everyone, and in the canvas's narration for screen readers. */
  words = heapglass_narration_describe_comparison (diff);
  set_bar_text (t, words);
  heapglass_canvas_set_narration_note (t->window->canvas, words);
}

static void stop_predicting (HeapglassWindowTeach *t);

static void
teach_pin_step (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  HeapglassWindowTeach *t = user_data;
  gboolean pinned = g_variant_get_boolean (state);

  g_simple_action_set_state (action, state);
  if (pinned && t->predicting)
    stop_predicting (t);
  t->pinned_step = pinned ? _heapglass_window_step (t->window) : 0;
  if (pinned)
    show_comparison (t);
  else
    {
      heapglass_marks_clear (t->marks);
      redraw_marks (t);
      set_bar_text (t, NULL);
      heapglass_canvas_set_narration_note (t->window->canvas, NULL);
    }
}

/* ---- predict ----------------------------------------------------------------------------- */

static void
start_prediction (HeapglassWindowTeach *t)
{
  HeapglassTrace *trace = current_trace (t->window);
  guint step = _heapglass_window_step (t->window);

  g_clear_pointer (&t->prediction, heapglass_prediction_free);
  gtk_editable_set_text (GTK_EDITABLE (t->output_entry), "");
  if (trace != NULL && step >= 1 && step < heapglass_trace_get_n_steps (trace))
    t->prediction = heapglass_prediction_new (trace, step);
}

static void
say_score (HeapglassWindowTeach *t, const char *first)
{
  g_autofree char *score = NULL;
  g_autofree char *text = NULL;

  /* Translators: the running score of Predict mode */
  score = g_strdup_printf (_ ("Score: %u of %u steps right."), t->right, t->checked);
  if (t->prediction == NULL)
    text = g_strdup_printf ("%s %s", first, score);
  else
    text = g_strdup_printf (_ ("%s %s Mark the names that will be rebound and the objects that "
                               "will change or be freed (click, or Tab and Space), or type the "
                               "next output line, then Check (Alt+C) or Skip (Alt+K)."),
                            first, score);
  set_bar_text (t, text);
}

/* Shows the guesses on the canvas (the results of the last check stay until the first guess). */
static void
show_guesses (HeapglassWindowTeach *t)
{
  if (t->keep_results)
    return;
  heapglass_marks_clear (t->marks);
  redraw_marks (t);
  heapglass_canvas_set_narration_note (t->window->canvas, NULL);
}

gboolean
heapglass_window_predict_toggle_name (HeapglassWindow *self, guint frame_id, const char *name)
{
  HeapglassWindowTeach *t = teach (self);
  gboolean on;

  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), FALSE);
  if (!t->predicting || t->prediction == NULL)
    return FALSE;
  if (t->keep_results)
    {
      t->keep_results = FALSE;
      heapglass_marks_clear (t->marks);
      heapglass_canvas_set_narration_note (t->window->canvas, NULL);
    }
  on = heapglass_prediction_toggle_name (t->prediction, frame_id, name);
  if (on)
    heapglass_marks_set_name (t->marks, frame_id, name, HEAPGLASS_MARK_GUESS);
  else
    heapglass_marks_unset_name (t->marks, frame_id, name);
  redraw_marks (t);
  return on;
}

gboolean
heapglass_window_predict_toggle_object (HeapglassWindow *self, guint64 oid)
{
  HeapglassWindowTeach *t = teach (self);
  gboolean on;

  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), FALSE);
  if (!t->predicting || t->prediction == NULL)
    return FALSE;
  if (t->keep_results)
    {
      t->keep_results = FALSE;
      heapglass_marks_clear (t->marks);
      heapglass_canvas_set_narration_note (t->window->canvas, NULL);
    }
  on = heapglass_prediction_toggle_object (t->prediction, oid);
  if (on)
    heapglass_marks_set_object (t->marks, oid, HEAPGLASS_MARK_GUESS);
  else
    heapglass_marks_unset_object (t->marks, oid);
  redraw_marks (t);
  return on;
}

void
heapglass_window_predict_set_output (HeapglassWindow *self, const char *line)
{
  g_return_if_fail (HEAPGLASS_IS_WINDOW (self));
  gtk_editable_set_text (GTK_EDITABLE (teach (self)->output_entry), line ? line : "");
}

/* A guess from the canvas: the name row or the object under the point (a cell stands for its
 * container). */
static gboolean
guess_item (HeapglassWindowTeach *t, const HeapglassSceneItem *item)
{
  if (item == NULL)
    return FALSE;
  switch (item->kind)
    {
    case HEAPGLASS_SCENE_NAME:
      heapglass_window_predict_toggle_name (t->window, item->frame_id, item->name);
      return TRUE;
    case HEAPGLASS_SCENE_OBJECT:
    case HEAPGLASS_SCENE_SLOT:
      heapglass_window_predict_toggle_object (t->window, item->oid);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
on_canvas_pressed (GtkGestureClick *gesture, int n_press, double x, double y,
                   HeapglassWindowTeach *t)
{
  HeapglassScene *scene = heapglass_canvas_get_scene (t->window->canvas);
  double sx, sy;

  if (!t->predicting || scene == NULL)
    return;
  heapglass_canvas_widget_to_scene (t->window->canvas, x, y, &sx, &sy);
  if (guess_item (t, heapglass_scene_hit_test (scene, sx, sy)))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static gboolean
on_canvas_key (GtkEventControllerKey *controller, guint keyval, guint keycode,
               GdkModifierType state, HeapglassWindowTeach *t)
{
  if (!t->predicting || (keyval != GDK_KEY_space && keyval != GDK_KEY_KP_Space))
    return FALSE;
  return guess_item (t, heapglass_canvas_get_focus_item (t->window->canvas));
}

/* Marks what the step did against the guesses, and scores it (unless skipped). */
static void
reveal (HeapglassWindowTeach *t, gboolean scored)
{
  HeapglassPrediction *p = t->prediction;
  gboolean all_right = FALSE;
  GArray *results;
  guint step;
  g_autofree char *words = NULL;
  g_autofree char *first = NULL;

  if (p == NULL)
    return;
  heapglass_prediction_set_output (p, gtk_editable_get_text (GTK_EDITABLE (t->output_entry)));
  results = heapglass_prediction_check (p, &all_right);
  step = heapglass_prediction_get_step (p);
  heapglass_marks_clear (t->marks);
  for (guint i = 0; i < results->len; i++)
    {
      const HeapglassGuessResult *r = &g_array_index (results, HeapglassGuessResult, i);
      HeapglassMarkKind kind = !scored                                 ? HEAPGLASS_MARK_MISSED
                               : r->verdict == HEAPGLASS_VERDICT_RIGHT ? HEAPGLASS_MARK_RIGHT
                               : r->verdict == HEAPGLASS_VERDICT_WRONG ? HEAPGLASS_MARK_WRONG
                                                                       : HEAPGLASS_MARK_MISSED;
      if (r->kind == HEAPGLASS_GUESS_NAME)
        heapglass_marks_set_name (t->marks, r->frame_id, r->name, kind);
      else if (r->kind == HEAPGLASS_GUESS_OBJECT)
        heapglass_marks_set_object (t->marks, r->oid, kind);
    }
  /* each result in words: on the bar, and announced by the canvas for screen readers */
  words
      = heapglass_narration_describe_prediction (current_trace (t->window), step, results, scored);
  if (scored)
    {
      t->checked++;
      t->right += all_right;
    }
  first = scored && all_right ? g_strconcat ("✓ ", words, NULL) : g_strdup (words);
  t->keep_results = TRUE;
  t->revealing = TRUE;
  heapglass_run_controller_seek (t->window->controller, step + 1);
  t->revealing = FALSE;
  heapglass_canvas_set_narration_note (t->window->canvas, words);
  start_prediction (t);
  redraw_marks (t);
  say_score (t, first);
}

static void
teach_predict_check (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  reveal (user_data, TRUE);
}

static void
teach_predict_skip (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  reveal (user_data, FALSE);
}

static void
stop_predicting (HeapglassWindowTeach *t)
{
  t->predicting = FALSE;
  t->keep_results = FALSE;
  g_clear_pointer (&t->prediction, heapglass_prediction_free);
  gtk_widget_set_visible (t->predict_box, FALSE);
  set_action_state (t, "predict", FALSE);
  heapglass_marks_clear (t->marks);
  redraw_marks (t);
  set_bar_text (t, NULL);
  heapglass_canvas_set_narration_note (t->window->canvas, NULL);
  _heapglass_window_actions_update (t->window);
}

static void
start_predicting (HeapglassWindowTeach *t)
{
  if (t->pinned_step != 0)
    {
      t->pinned_step = 0;
      set_action_state (t, "pin-step", FALSE);
    }
  t->predicting = TRUE;
  t->right = t->checked = 0;
  t->keep_results = FALSE;
  set_action_state (t, "predict", TRUE);
  gtk_widget_set_visible (t->predict_box, TRUE);
  start_prediction (t);
  show_guesses (t);
  say_score (t, t->prediction ? _ ("Predict the next step.") : _ ("This is the last step."));
  _heapglass_window_actions_update (t->window);
}

static void
teach_predict (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  HeapglassWindowTeach *t = user_data;

  if (g_variant_get_boolean (state))
    start_predicting (t);
  else
    stop_predicting (t);
}

/* ---- following the run ------------------------------------------------------------------- */

static void
on_step (HeapglassWindowTeach *t)
{
  if (gtk_revealer_get_reveal_child (t->panel_revealer) && t->tree != NULL)
    heapglass_call_tree_panel_set_step (t->panel, _heapglass_window_step (t->window));
  if (t->pinned_step != 0)
    show_comparison (t);
  if (t->predicting && !t->revealing)
    {
      /* The learner moved by other means: guess again from here, unscored. */
      guint step = _heapglass_window_step (t->window);
      if (t->prediction == NULL || heapglass_prediction_get_step (t->prediction) != step)
        {
          t->keep_results = FALSE;
          start_prediction (t);
          show_guesses (t);
          say_score (t,
                     t->prediction ? _ ("Predict the next step.") : _ ("This is the last step."));
        }
    }
}

static void
on_trace (HeapglassWindowTeach *t)
{
  HeapglassTrace *trace = current_trace (t->window);

  /* A chapter's hidden names apply from the first snapshot of the run. */
  if (trace != NULL && t->annotations != NULL && t->annotations->hidden[0] != NULL)
    heapglass_trace_set_hidden_names (trace, (const char *const *)t->annotations->hidden);
  if (t->predicting)
    stop_predicting (t);
  if (t->pinned_step != 0)
    {
      t->pinned_step = 0;
      set_action_state (t, "pin-step", FALSE);
      heapglass_marks_clear (t->marks);
      redraw_marks (t);
      set_bar_text (t, NULL);
      heapglass_canvas_set_narration_note (t->window->canvas, NULL);
    }
  update_call_tree (t);
}

static void
on_finished (HeapglassRunController *controller, const GError *error, HeapglassWindowTeach *t)
{
  HeapglassTrace *trace = current_trace (t->window);

  update_call_tree (t);
  /* `# heapglass: predict`: prediction starts where that line is first about to run. */
  if (trace != NULL && t->annotations != NULL && t->annotations->predict_line != 0)
    {
      guint step = heapglass_trace_find_line (trace, t->annotations->predict_line, 0, FALSE);
      if (step != 0)
        {
          heapglass_run_controller_seek (t->window->controller, step);
          start_predicting (t);
        }
    }
  _heapglass_window_actions_update (t->window);
}

void
_heapglass_window_teach_code_shown (HeapglassWindow *self, const char *code)
{
  HeapglassWindowTeach *t = teach (self);

  /* GObject may dispose more than once, and a chapter that finishes loading after the window
   * closed still shows its first block. */
  if (t == NULL)
    return;
  g_clear_pointer (&t->annotations, heapglass_code_annotations_free);
  t->annotations = heapglass_code_annotations_parse (code);
  g_signal_handlers_block_by_func (t->breakpoints, show_breakpoints, t);
  heapglass_breakpoints_clear (t->breakpoints);
  for (guint i = 0; i < t->annotations->n_breaks; i++)
    heapglass_breakpoints_add (t->breakpoints, t->annotations->breaks[i]);
  g_signal_handlers_unblock_by_func (t->breakpoints, show_breakpoints, t);
  show_breakpoints (t);
  if (t->annotations->n_unknown > 0)
    {
      g_autofree char *text = g_strdup_printf (
          /* Translators: a `# heapglass: …` comment this version does not know */
          _ ("Line %u: an unknown heapglass directive (break, predict and hide are known)"),
          t->annotations->unknown[0]);
      _heapglass_window_show_toast (self, text);
    }
}

void
_heapglass_window_teach_actions_update (HeapglassWindow *self)
{
  HeapglassWindowTeach *t = teach (self);
  HeapglassTrace *trace;
  guint n, step;
  gboolean has_steps, has_breakpoints;
  GAction *action;

  if (t == NULL)
    return;
  trace = current_trace (self);
  n = _heapglass_window_n_steps (self);
  step = _heapglass_window_step (self);
  has_steps = trace != NULL && n > 0 && step > 0;
  has_breakpoints = heapglass_breakpoints_get_n_lines (t->breakpoints) > 0;
#define ENABLE(name, on)                                                                           \
  action = g_action_map_lookup_action (G_ACTION_MAP (t->actions), name);                           \
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), on)
  ENABLE ("continue", has_steps && has_breakpoints && step < n);
  ENABLE ("reverse-continue", has_steps && has_breakpoints && step > 1);
  ENABLE ("pin-step", has_steps);
  ENABLE ("predict", has_steps);
  ENABLE ("predict-check", t->predicting && t->prediction != NULL);
  ENABLE ("predict-skip", t->predicting && t->prediction != NULL);
#undef ENABLE
}

static void
on_entry_activate (GtkEntry *entry, HeapglassWindowTeach *t)
{
  reveal (t, TRUE);
}

static gboolean
on_bar_escape (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  HeapglassWindowTeach *t = user_data;

  if (!t->predicting)
    return FALSE;
  reveal (t, FALSE);
  return TRUE;
}

static GtkWidget *
build_bar (HeapglassWindowTeach *t)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *check = gtk_button_new_with_mnemonic (_ ("_Check"));
  GtkWidget *skip = gtk_button_new_with_mnemonic (_ ("S_kip"));
  GtkEventController *keys = gtk_shortcut_controller_new ();

  t->bar_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (t->bar_label, TRUE);
  gtk_label_set_xalign (t->bar_label, 0);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (t->bar_label));

  t->output_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (t->output_entry, _ ("The next output line, if it prints one"));
  gtk_widget_set_hexpand (GTK_WIDGET (t->output_entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (t->output_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Predicted output line"), -1);
  g_signal_connect (t->output_entry, "activate", G_CALLBACK (on_entry_activate), t);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (check), "teach.predict-check");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (skip), "teach.predict-skip");
  gtk_widget_add_css_class (check, "suggested-action");
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (t->output_entry));
  gtk_box_append (GTK_BOX (row), skip);
  gtk_box_append (GTK_BOX (row), check);
  t->predict_box = row;
  gtk_widget_set_visible (row, FALSE);
  gtk_box_append (GTK_BOX (box), row);

  gtk_shortcut_controller_add_shortcut (
      GTK_SHORTCUT_CONTROLLER (keys),
      gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                        gtk_callback_action_new (on_bar_escape, t, NULL)));
  gtk_widget_add_controller (box, keys);
  gtk_widget_add_css_class (box, "toolbar");

  t->bar_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_child (t->bar_revealer, box);
  gtk_widget_set_visible (GTK_WIDGET (t->bar_revealer), FALSE);
  return GTK_WIDGET (t->bar_revealer);
}

static const GActionEntry teach_actions[] = {
  { "toggle-breakpoint", teach_toggle_breakpoint },
  { "continue", teach_continue },
  { "reverse-continue", teach_reverse_continue },
  { "call-tree", NULL, NULL, "false", teach_call_tree },
  { "pin-step", NULL, NULL, "false", teach_pin_step },
  { "predict", NULL, NULL, "false", teach_predict },
  { "predict-check", teach_predict_check },
  { "predict-skip", teach_predict_skip },
};

void
_heapglass_window_teach_init (HeapglassWindow *self)
{
  HeapglassWindowTeach *t = g_new0 (HeapglassWindowTeach, 1);
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *side = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  g_autoptr (GtkSourceMarkAttributes) attributes = gtk_source_mark_attributes_new ();
  GtkGesture *click;
  GtkEventController *keys;
  GdkRGBA red;

  self->teach = t;
  t->window = self;
  t->marks = heapglass_marks_new ();
  t->breakpoints = heapglass_breakpoints_new ();
  g_signal_connect_swapped (t->breakpoints, "changed", G_CALLBACK (show_breakpoints), t);

  t->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (t->actions), teach_actions,
                                   G_N_ELEMENTS (teach_actions), t);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "teach", G_ACTION_GROUP (t->actions));

  /* canvas_slot: [bar over the canvas] [call tree] */
  g_object_ref (self->canvas);
  gtk_box_remove (GTK_BOX (self->canvas_slot), GTK_WIDGET (self->canvas));
  gtk_box_append (GTK_BOX (column), build_bar (t));
  gtk_box_append (GTK_BOX (column), GTK_WIDGET (self->canvas));
  g_object_unref (self->canvas);
  gtk_widget_set_hexpand (column, TRUE);
  gtk_box_append (GTK_BOX (self->canvas_slot), column);

  t->panel = HEAPGLASS_CALL_TREE_PANEL (heapglass_call_tree_panel_new ());
  gtk_widget_set_size_request (GTK_WIDGET (t->panel), 300, -1);
  gtk_box_append (GTK_BOX (side), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  gtk_box_append (GTK_BOX (side), GTK_WIDGET (t->panel));
  t->panel_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_transition_type (t->panel_revealer, GTK_REVEALER_TRANSITION_TYPE_SLIDE_LEFT);
  gtk_revealer_set_child (t->panel_revealer, side);
  gtk_widget_set_visible (GTK_WIDGET (t->panel_revealer), FALSE);
  gtk_box_append (GTK_BOX (self->canvas_slot), GTK_WIDGET (t->panel_revealer));
  g_signal_connect (t->panel, "call-activated", G_CALLBACK (on_call_activated), t);

  /* breakpoints in the gutter: a red dot; right-click toggles (the left click keeps its "go to
   * the next run of this line") */
  gdk_rgba_parse (&red, "rgba(224,27,36,0.18)");
  gtk_source_mark_attributes_set_background (attributes, &red);
  gtk_source_mark_attributes_set_icon_name (attributes, "media-record-symbolic");
  gtk_source_view_set_mark_attributes (self->code_view, MARK_BREAKPOINT, attributes, 25);
  gtk_source_view_set_show_line_marks (self->code_view, TRUE);
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_gutter_secondary), t);
  gtk_widget_add_controller (
      GTK_WIDGET (gtk_source_view_get_gutter (self->code_view, GTK_TEXT_WINDOW_LEFT)),
      GTK_EVENT_CONTROLLER (click));

  /* predict: canvas clicks and Space make guesses while predicting, before the canvas sees them */
  click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (on_canvas_pressed), t);
  gtk_widget_add_controller (GTK_WIDGET (self->canvas), GTK_EVENT_CONTROLLER (click));
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_canvas_key), t);
  gtk_widget_add_controller (GTK_WIDGET (self->canvas), keys);

  /* disconnected by data in _heapglass_window_teach_dispose () */
  g_signal_connect_swapped (self->controller, "notify::step", G_CALLBACK (on_step), t);
  g_signal_connect_swapped (self->controller, "notify::trace", G_CALLBACK (on_trace), t);
  g_signal_connect (self->controller, "finished", G_CALLBACK (on_finished), t);
}

void
_heapglass_window_teach_dispose (HeapglassWindow *self)
{
  HeapglassWindowTeach *t = teach (self);

  if (t == NULL)
    return;
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, t);
  g_signal_handlers_disconnect_by_data (t->breakpoints, t);
  g_clear_object (&t->actions);
  g_clear_object (&t->breakpoints);
  g_clear_object (&t->tree);
  g_clear_pointer (&t->marks, heapglass_marks_unref);
  g_clear_pointer (&t->prediction, heapglass_prediction_free);
  g_clear_pointer (&t->annotations, heapglass_code_annotations_free);
  g_free (t->text);
  g_free (t);
  self->teach = NULL;
}

HeapglassBreakpoints *
heapglass_window_get_breakpoints (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), NULL);
  return teach (self)->breakpoints;
}

HeapglassCallTreePanel *
heapglass_window_get_call_tree_panel (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), NULL);
  return teach (self)->panel;
}

HeapglassMarks *
heapglass_window_get_marks (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), NULL);
  return teach (self)->marks;
}

guint
heapglass_window_get_pinned_step (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), 0);
  return teach (self)->pinned_step;
}

const char *
heapglass_window_get_teach_text (HeapglassWindow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_WINDOW (self), NULL);
  return teach (self)->text;
}

void
heapglass_window_get_predict_score (HeapglassWindow *self, guint *right, guint *checked)
{
  g_return_if_fail (HEAPGLASS_IS_WINDOW (self));
  if (right)
    *right = teach (self)->right;
  if (checked)
    *checked = teach (self)->checked;
}
