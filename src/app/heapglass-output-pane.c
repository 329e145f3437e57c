/* heapglass-output-pane.c: the output pane. stdout is shown as printed, stderr after it in the
 * error colour (the trace keeps the two streams apart, so their interleaving is not known). */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "heapglass-output-pane.h"

struct _HeapglassOutputPane
{
  GtkWidget parent_instance;

  GtkScrolledWindow *scroller;
  GtkTextView *text_view;
  GtkRevealer *input_revealer;
  GtkLabel *prompt_label;
  GtkEntry *entry;
  GtkButton *send_button;

  GtkTextTag *stderr_tag;
  GtkTextTag *input_tag;
  gsize shown_out_len;
  gsize shown_err_len;
  gboolean shown_any;
  guint shown_answers;
  GtkTextMark *end_mark;
  gboolean following; /* keep the end in view while the view lays out new output */
  HeapglassRunController *controller;
};

G_DEFINE_FINAL_TYPE (HeapglassOutputPane, heapglass_output_pane, GTK_TYPE_WIDGET)

enum
{
  INPUT_SUBMITTED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

GtkWidget *
heapglass_output_pane_new (void)
{
  return g_object_new (HEAPGLASS_TYPE_OUTPUT_PANE, NULL);
}

static void
append_text (GtkTextBuffer *buffer, const char *text, gsize len, GtkTextTag *tag)
{
  g_autofree char *valid = g_utf8_make_valid (text, len);
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  if (tag != NULL)
    gtk_text_buffer_insert_with_tags (buffer, &end, valid, -1, tag, NULL);
  else
    gtk_text_buffer_insert (buffer, &end, valid, -1);
}

void
heapglass_output_pane_set_output (HeapglassOutputPane *self, const char *out, gsize out_len,
                                  const char *err, gsize err_len)
{
  GtkTextBuffer *buffer;
  GtkTextIter end;

  g_return_if_fail (HEAPGLASS_IS_OUTPUT_PANE (self));

  /* Output only grows with the step within one trace (clear() starts a new one), so equal
   * lengths mean equal text: scrubbing does not rebuild the buffer at every step. */
  if (self->shown_any && out_len == self->shown_out_len && err_len == self->shown_err_len)
    return;

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_set_text (buffer, "", 0);
  if (out_len > 0)
    append_text (buffer, out, out_len, NULL);
  if (err_len > 0)
    {
      if (out_len > 0 && out[out_len - 1] != '\n')
        append_text (buffer, "\n", 1, NULL);
      append_text (buffer, err, err_len, self->stderr_tag);
    }
  self->shown_out_len = out_len;
  self->shown_err_len = err_len;
  self->shown_any = TRUE;

  /* Follow the output: the line just printed is in view. The view lays its lines out later, so
   * the scroll happens when the adjustment learns the new height (on_adjustment_changed). */
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_move_mark (buffer, self->end_mark, &end);
  self->following = TRUE;
  gtk_text_view_scroll_to_mark (self->text_view, self->end_mark, 0, FALSE, 0, 1);
}

static void
on_adjustment_changed (HeapglassOutputPane *self, GtkAdjustment *adjustment)
{
  if (self->following)
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment)
                                              - gtk_adjustment_get_page_size (adjustment));
}

/* The learner scrolls the output: it stops following until new output arrives. */
static gboolean
on_user_scroll (HeapglassOutputPane *self, double dx, double dy)
{
  self->following = FALSE;
  return FALSE;
}

void
heapglass_output_pane_clear (HeapglassOutputPane *self)
{
  g_return_if_fail (HEAPGLASS_IS_OUTPUT_PANE (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), "", 0);
  self->shown_out_len = self->shown_err_len = 0;
  self->shown_answers = 0;
  self->shown_any = FALSE;
  heapglass_output_pane_hide_input (self);
}

char *
heapglass_output_pane_get_text (HeapglassOutputPane *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (HEAPGLASS_IS_OUTPUT_PANE (self), NULL);

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
heapglass_output_pane_request_input (HeapglassOutputPane *self, const char *prompt)
{
  g_return_if_fail (HEAPGLASS_IS_OUTPUT_PANE (self));

  gtk_label_set_text (self->prompt_label, prompt != NULL && *prompt ? prompt : _ ("input()"));
  gtk_revealer_set_reveal_child (self->input_revealer, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

void
heapglass_output_pane_hide_input (HeapglassOutputPane *self)
{
  g_return_if_fail (HEAPGLASS_IS_OUTPUT_PANE (self));
  gtk_revealer_set_reveal_child (self->input_revealer, FALSE);
}

gboolean
heapglass_output_pane_is_asking (HeapglassOutputPane *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_OUTPUT_PANE (self), FALSE);
  return gtk_revealer_get_reveal_child (self->input_revealer);
}

void
heapglass_output_pane_submit_input (HeapglassOutputPane *self, const char *line)
{
  g_return_if_fail (HEAPGLASS_IS_OUTPUT_PANE (self));
  g_return_if_fail (line != NULL);

  heapglass_output_pane_hide_input (self);
  g_signal_emit (self, signals[INPUT_SUBMITTED], 0, line);
}

static void
on_controller_trace (HeapglassOutputPane *self, GParamSpec *pspec,
                     HeapglassRunController *controller)
{
  heapglass_output_pane_clear (self);
}

/* Where answer `answer` goes in stdout `out` (searched from `from`): right after its prompt, as a
 * terminal echoes it. FALSE when the prompt is not printed yet at this step (the answer is not
 * either). */
static gboolean
answer_position (const HeapglassRunAnswer *answer, guint step, const char *out, gsize out_len,
                 gsize from, gsize *position)
{
  gsize prompt_len = strlen (answer->prompt);

  if (answer->step >= step)
    return FALSE;
  if (prompt_len == 0)
    {
      if (answer->stdout_offset > out_len || answer->stdout_offset < from)
        return FALSE;
      *position = answer->stdout_offset;
      return TRUE;
    }
  for (gsize p = from; p + prompt_len <= out_len; p++)
    if (memcmp (out + p, answer->prompt, prompt_len) == 0)
      {
        *position = p + prompt_len;
        return TRUE;
      }
  return FALSE;
}

/* stdout up to `out_len`, with the answers typed for input() put back after their prompts
 * ("Your name? Ada"); `n_echoed` tells how many were. */
static char *
echo_answers (HeapglassRunController *controller, guint step, const char *out, gsize out_len,
              gsize *len, guint *n_echoed)
{
  GArray *answers = heapglass_run_controller_get_answers (controller);
  GString *text = g_string_sized_new (out_len + 64);
  gsize done = 0;
  guint n = 0;

  for (; n < answers->len; n++)
    {
      const HeapglassRunAnswer *answer = &g_array_index (answers, HeapglassRunAnswer, n);
      gsize position;

      if (!answer_position (answer, step, out, out_len, done, &position))
        break;
      g_string_append_len (text, out + done, position - done);
      g_string_append (text, answer->text);
      g_string_append_c (text, '\n');
      done = position;
    }
  g_string_append_len (text, out + done, out_len - done);
  *len = text->len;
  *n_echoed = n;
  return g_string_free (text, FALSE);
}

/* The output only grows with the step: while scrubbing, most steps print nothing, and the
 * lengths say so without copying the output. */
static void
on_controller_step (HeapglassOutputPane *self, GParamSpec *pspec,
                    HeapglassRunController *controller)
{
  HeapglassTrace *trace = heapglass_run_controller_get_trace (controller);
  guint step = heapglass_run_controller_get_step (controller);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *echoed = NULL;
  gsize out_len, err_len, echoed_len;
  guint n_echoed = 0;

  if (trace == NULL || step == 0)
    return;
  out_len = heapglass_trace_get_output_length (trace, 1, step);
  err_len = heapglass_trace_get_output_length (trace, 2, step);
  /* Answers can only change what is shown when there are some. */
  if (self->shown_any && out_len == self->shown_out_len && err_len == self->shown_err_len
      && heapglass_run_controller_get_answers (controller)->len == 0)
    return;
  out = heapglass_trace_get_output (trace, 1, step, &out_len);
  err = heapglass_trace_get_output (trace, 2, step, &err_len);
  echoed = echo_answers (controller, step, out, out_len, &echoed_len, &n_echoed);
  if (self->shown_any && out_len == self->shown_out_len && err_len == self->shown_err_len
      && n_echoed == self->shown_answers)
    return;
  /* set_output compares lengths: the echoed text has its own. */
  self->shown_any = FALSE;
  heapglass_output_pane_set_output (self, echoed, echoed_len, err, err_len);
  self->shown_out_len = out_len;
  self->shown_answers = n_echoed;
}

void
heapglass_output_pane_set_controller (HeapglassOutputPane *self, HeapglassRunController *controller)
{
  g_return_if_fail (HEAPGLASS_IS_OUTPUT_PANE (self));

  heapglass_run_controller_follow (&self->controller, controller, self,
                                   G_CALLBACK (on_controller_trace),
                                   G_CALLBACK (on_controller_step));
}

static void
on_entry_activate (HeapglassOutputPane *self)
{
  g_autofree char *line = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry)));

  if (!heapglass_output_pane_is_asking (self))
    return;
  /* The answer is cleared only once it was sent; before that, nothing typed is lost. */
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  heapglass_output_pane_submit_input (self, line);
}

static void
heapglass_output_pane_dispose (GObject *object)
{
  heapglass_output_pane_set_controller (HEAPGLASS_OUTPUT_PANE (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), HEAPGLASS_TYPE_OUTPUT_PANE);
  /* Unnamed template children are not cleared by dispose_template. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (heapglass_output_pane_parent_class)->dispose (object);
}

static void
heapglass_output_pane_class_init (HeapglassOutputPaneClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = heapglass_output_pane_dispose;

  signals[INPUT_SUBMITTED]
      = g_signal_new ("input-submitted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/heapglass/Heapglass/heapglass-output-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, HeapglassOutputPane, scroller);
  gtk_widget_class_bind_template_child (widget_class, HeapglassOutputPane, text_view);
  gtk_widget_class_bind_template_child (widget_class, HeapglassOutputPane, input_revealer);
  gtk_widget_class_bind_template_child (widget_class, HeapglassOutputPane, prompt_label);
  gtk_widget_class_bind_template_child (widget_class, HeapglassOutputPane, entry);
  gtk_widget_class_bind_template_child (widget_class, HeapglassOutputPane, send_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "outputpane");
}

static void
heapglass_output_pane_init (HeapglassOutputPane *self)
{
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (
      GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))), GTK_ORIENTATION_VERTICAL);

  buffer = gtk_text_view_get_buffer (self->text_view);
  self->stderr_tag = gtk_text_buffer_create_tag (buffer, "stderr", "foreground", "#c01c28", NULL);
  self->input_tag = gtk_text_buffer_create_tag (buffer, "input", "weight", PANGO_WEIGHT_BOLD, NULL);
  {
    GtkTextIter end;

    gtk_text_buffer_get_end_iter (buffer, &end);
    self->end_mark = gtk_text_buffer_create_mark (buffer, "output-end", &end, FALSE);
  }
  g_signal_connect_object (self->entry, "activate", G_CALLBACK (on_entry_activate), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "changed",
                           G_CALLBACK (on_adjustment_changed), self, G_CONNECT_SWAPPED);
  {
    GtkEventController *scroll
        = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);

    gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
    g_signal_connect_object (scroll, "scroll", G_CALLBACK (on_user_scroll), self,
                             G_CONNECT_SWAPPED);
    gtk_widget_add_controller (GTK_WIDGET (self->scroller), scroll);
  }
  g_signal_connect_object (self->send_button, "clicked", G_CALLBACK (on_entry_activate), self,
                           G_CONNECT_SWAPPED);
}
