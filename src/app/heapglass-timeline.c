/* heapglass-timeline.c: the timeline widget. It shows the run controller's current step and
 * playback, and moves the controller when the learner moves the slider or clicks the sparkline;
 * the controller owns the step, so every way of moving goes through one place. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "heapglass-sparkline.h"
#include "heapglass-step-label.h"
#include "heapglass-value-text.h"
#include "heapglass-timeline.h"

struct _HeapglassTimeline
{
  GtkWidget parent_instance;

  GtkWidget *buttons;
  GtkWidget *play_button;
  GtkWidget *track;
  GtkScale *scale;
  GtkAdjustment *adjustment;
  HeapglassSparkline *sparkline;
  GtkLabel *step_label;
  GtkLabel *event_label;
  GtkLabel *sparkline_caption;
  GtkDropDown *speed_dropdown;

  guint step;
  guint n_steps;
  gboolean playing;
  gboolean updating; /* set while the controller moves the slider: not the learner's move */
  HeapglassTrace *trace;
  HeapglassRunController *controller;
  GBinding *playing_binding;
  GBinding *speed_binding;
};

G_DEFINE_FINAL_TYPE (HeapglassTimeline, heapglass_timeline, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STEP,
  PROP_N_STEPS,
  PROP_SPEED,
  PROP_PLAYING,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum
{
  STEP_REQUESTED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static const double speeds[] = { 1, 2, 4, 8, 16, 50 };

GtkWidget *
heapglass_timeline_new (void)
{
  return g_object_new (HEAPGLASS_TYPE_TIMELINE, NULL);
}

/* "Step 1,074,715 of 5,000,000": numbers grouped as the locale writes them. */
static char *
step_text (guint step, guint n_steps)
{
  g_autofree char *step_str = heapglass_count_text (step);
  g_autofree char *n_str = heapglass_count_text (n_steps);

  /* Translators: the current step and how many there are, "Step 12 of 40" */
  return g_strdup_printf (_ ("Step %s of %s"), step_str, n_str);
}

static void
update_label (HeapglassTimeline *self)
{
  g_autofree char *text = NULL;
  g_autofree char *widest = NULL;

  if (self->n_steps == 0)
    text = g_strdup (_ ("No steps"));
  else
    text = step_text (self->step, self->n_steps);
  /* As wide as the widest step of this run needs: the slider beside it does not jump while the
   * step number grows a digit. */
  widest = step_text (self->n_steps, self->n_steps);
  gtk_label_set_width_chars (self->step_label, (int)MAX (12, g_utf8_strlen (widest, -1)));
  gtk_label_set_text (self->step_label, text);
}

/* What this step is, in words, under the slider. */
static void
update_event_label (HeapglassTimeline *self)
{
  g_autofree char *text = NULL;

  if (self->trace != NULL && self->step > 0)
    text = heapglass_step_label (self->trace, self->step);
  gtk_label_set_text (self->event_label, text != NULL ? text : "");
}

static void
update_caption (HeapglassTimeline *self)
{
  gboolean bytes = heapglass_sparkline_get_mode (self->sparkline) == HEAPGLASS_SPARKLINE_BYTES;

  /* Translators: what the small chart under the slider shows */
  gtk_label_set_text (self->sparkline_caption, bytes ? _ ("bytes") : _ ("live objects"));
}

void
heapglass_timeline_set_trace (HeapglassTimeline *self, HeapglassTrace *trace)
{
  g_return_if_fail (HEAPGLASS_IS_TIMELINE (self));

  heapglass_sparkline_set_trace (self->sparkline, trace);
  g_set_object (&self->trace, trace);
  self->step = 0;
  update_event_label (self);
  heapglass_timeline_set_n_steps (self, trace != NULL ? heapglass_trace_get_n_steps (trace) : 0);
}

void
heapglass_timeline_set_n_steps (HeapglassTimeline *self, guint n_steps)
{
  g_return_if_fail (HEAPGLASS_IS_TIMELINE (self));

  self->n_steps = n_steps;
  self->updating = TRUE;
  gtk_adjustment_set_upper (self->adjustment, MAX (n_steps, 1));
  self->updating = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->scale), n_steps > 1);
  heapglass_sparkline_refresh (self->sparkline);
  update_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STEPS]);
}

guint
heapglass_timeline_get_n_steps (HeapglassTimeline *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TIMELINE (self), 0);
  return self->n_steps;
}

void
heapglass_timeline_set_step (HeapglassTimeline *self, guint step)
{
  g_return_if_fail (HEAPGLASS_IS_TIMELINE (self));

  if (step > self->n_steps)
    heapglass_timeline_set_n_steps (self, step);
  self->step = step;
  self->updating = TRUE;
  gtk_adjustment_set_value (self->adjustment, MAX (step, 1));
  self->updating = FALSE;
  heapglass_sparkline_set_step (self->sparkline, step);
  update_label (self);
  update_event_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

guint
heapglass_timeline_get_step (HeapglassTimeline *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TIMELINE (self), 0);
  return self->step;
}

void
heapglass_timeline_set_speed (HeapglassTimeline *self, double steps_per_second)
{
  guint best = 0;

  g_return_if_fail (HEAPGLASS_IS_TIMELINE (self));

  for (guint i = 1; i < G_N_ELEMENTS (speeds); i++)
    if (fabs (speeds[i] - steps_per_second) < fabs (speeds[best] - steps_per_second))
      best = i;
  gtk_drop_down_set_selected (self->speed_dropdown, best);
}

double
heapglass_timeline_get_speed (HeapglassTimeline *self)
{
  guint selected;

  g_return_val_if_fail (HEAPGLASS_IS_TIMELINE (self), 1.0);

  selected = gtk_drop_down_get_selected (self->speed_dropdown);
  return selected < G_N_ELEMENTS (speeds) ? speeds[selected] : 4.0;
}

void
heapglass_timeline_set_playing (HeapglassTimeline *self, gboolean playing)
{
  g_return_if_fail (HEAPGLASS_IS_TIMELINE (self));

  if (self->playing == !!playing)
    return;
  self->playing = !!playing;
  gtk_button_set_icon_name (GTK_BUTTON (self->play_button), playing
                                                                ? "media-playback-pause-symbolic"
                                                                : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (self->play_button,
                               playing ? _ ("Pause (Ctrl+Space)") : _ ("Play (Ctrl+Space)"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

static void
request_step (HeapglassTimeline *self, guint step)
{
  if (step == 0 || step == self->step)
    return;
  g_signal_emit (self, signals[STEP_REQUESTED], 0, step);
  if (self->controller != NULL)
    heapglass_run_controller_seek (self->controller, step);
}

static void
on_controller_trace (HeapglassTimeline *self, GParamSpec *pspec, HeapglassRunController *controller)
{
  heapglass_timeline_set_trace (self, heapglass_run_controller_get_trace (controller));
}

static void
on_controller_n_steps (HeapglassTimeline *self, GParamSpec *pspec,
                       HeapglassRunController *controller)
{
  heapglass_timeline_set_n_steps (self, heapglass_run_controller_get_n_steps (controller));
}

static void
on_controller_step (HeapglassTimeline *self, GParamSpec *pspec, HeapglassRunController *controller)
{
  heapglass_timeline_set_step (self, heapglass_run_controller_get_step (controller));
}

void
heapglass_timeline_set_controller (HeapglassTimeline *self, HeapglassRunController *controller)
{
  g_return_if_fail (HEAPGLASS_IS_TIMELINE (self));
  g_return_if_fail (controller == NULL || HEAPGLASS_IS_RUN_CONTROLLER (controller));

  if (self->controller == controller)
    return;
  if (self->controller != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->controller, self);
      g_clear_pointer (&self->playing_binding, g_binding_unbind);
      g_clear_pointer (&self->speed_binding, g_binding_unbind);
      g_clear_object (&self->controller);
    }
  if (controller == NULL)
    return;
  self->controller = g_object_ref (controller);
  g_signal_connect_object (controller, "notify::trace", G_CALLBACK (on_controller_trace), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "notify::n-steps", G_CALLBACK (on_controller_n_steps), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "notify::step", G_CALLBACK (on_controller_step), self,
                           G_CONNECT_SWAPPED);
  self->playing_binding
      = g_object_bind_property (controller, "playing", self, "playing", G_BINDING_SYNC_CREATE);
  /* The learner picks the speed here; the controller plays at it. */
  self->speed_binding = g_object_bind_property (self, "speed", controller, "speed",
                                                G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  heapglass_timeline_set_trace (self, heapglass_run_controller_get_trace (controller));
}

static void
on_adjustment_value_changed (HeapglassTimeline *self, GtkAdjustment *adjustment)
{
  if (self->updating || self->n_steps == 0)
    return;
  request_step (self, (guint)round (gtk_adjustment_get_value (adjustment)));
}

static void
on_sparkline_step_activated (HeapglassTimeline *self, guint step, HeapglassSparkline *sparkline)
{
  request_step (self, MIN (step, self->n_steps));
}

static void
on_speed_selected (HeapglassTimeline *self, GParamSpec *pspec, GtkDropDown *dropdown)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
}

static void
heapglass_timeline_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  HeapglassTimeline *self = HEAPGLASS_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_STEP:
      g_value_set_uint (value, self->step);
      break;
    case PROP_N_STEPS:
      g_value_set_uint (value, self->n_steps);
      break;
    case PROP_SPEED:
      g_value_set_double (value, heapglass_timeline_get_speed (self));
      break;
    case PROP_PLAYING:
      g_value_set_boolean (value, self->playing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heapglass_timeline_set_property (GObject *object, guint prop_id, const GValue *value,
                                 GParamSpec *pspec)
{
  HeapglassTimeline *self = HEAPGLASS_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_SPEED:
      heapglass_timeline_set_speed (self, g_value_get_double (value));
      break;
    case PROP_PLAYING:
      heapglass_timeline_set_playing (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heapglass_timeline_dispose (GObject *object)
{
  heapglass_timeline_set_controller (HEAPGLASS_TIMELINE (object), NULL);
  g_clear_object (&HEAPGLASS_TIMELINE (object)->trace);
  gtk_widget_dispose_template (GTK_WIDGET (object), HEAPGLASS_TYPE_TIMELINE);
  /* Unnamed template children are not cleared by dispose_template. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (heapglass_timeline_parent_class)->dispose (object);
}

static void
heapglass_timeline_class_init (HeapglassTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = heapglass_timeline_get_property;
  object_class->set_property = heapglass_timeline_set_property;
  object_class->dispose = heapglass_timeline_dispose;

  properties[PROP_STEP] = g_param_spec_uint ("step", NULL, NULL, 0, G_MAXUINT, 0,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_STEPS] = g_param_spec_uint ("n-steps", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPEED]
      = g_param_spec_double ("speed", NULL, NULL, 0.5, 100, 4,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAYING]
      = g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[STEP_REQUESTED]
      = g_signal_new ("step-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  g_type_ensure (HEAPGLASS_TYPE_SPARKLINE);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/heapglass/Heapglass/heapglass-timeline.ui");
  gtk_widget_class_bind_template_child (widget_class, HeapglassTimeline, buttons);
  gtk_widget_class_bind_template_child (widget_class, HeapglassTimeline, play_button);
  gtk_widget_class_bind_template_child (widget_class, HeapglassTimeline, track);
  gtk_widget_class_bind_template_child (widget_class, HeapglassTimeline, scale);
  gtk_widget_class_bind_template_child (widget_class, HeapglassTimeline, adjustment);
  gtk_widget_class_bind_template_child (widget_class, HeapglassTimeline, sparkline);
  gtk_widget_class_bind_template_child (widget_class, HeapglassTimeline, step_label);
  gtk_widget_class_bind_template_child (widget_class, HeapglassTimeline, event_label);
  gtk_widget_class_bind_template_child (widget_class, HeapglassTimeline, sparkline_caption);
  gtk_widget_class_bind_template_child (widget_class, HeapglassTimeline, speed_dropdown);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "timeline");
}

static void
heapglass_timeline_init (HeapglassTimeline *self)
{
  GtkLayoutManager *layout;

  gtk_widget_init_template (GTK_WIDGET (self));
  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 12);

  g_signal_connect_object (self->adjustment, "value-changed",
                           G_CALLBACK (on_adjustment_value_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sparkline, "step-activated",
                           G_CALLBACK (on_sparkline_step_activated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->speed_dropdown, "notify::selected", G_CALLBACK (on_speed_selected),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sparkline, "notify::mode", G_CALLBACK (update_caption), self,
                           G_CONNECT_SWAPPED);
  gtk_drop_down_set_selected (self->speed_dropdown, 2);
  update_label (self);
  update_caption (self);
}

const char *
heapglass_timeline_get_step_text (HeapglassTimeline *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TIMELINE (self), NULL);
  return gtk_label_get_text (self->step_label);
}

const char *
heapglass_timeline_get_event_text (HeapglassTimeline *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TIMELINE (self), NULL);
  return gtk_label_get_text (self->event_label);
}

const char *
heapglass_timeline_get_caption (HeapglassTimeline *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TIMELINE (self), NULL);
  return gtk_label_get_text (self->sparkline_caption);
}
