/* heapglass-run-controller.c: owns the one run and the one current step. The window's parts
 * observe its properties instead of being told about each step, so every way of moving (keys,
 * buttons, slider, sparkline, gutter, inspector, playing) goes through set_step(). */
#include "config.h"

#include <glib/gi18n.h>

#include "heapglass-ending.h"
#include "heapglass-run-controller.h"

struct _HeapglassRunController
{
  GObject parent_instance;

  HeapglassTraceRunner *runner;
  GCancellable *cancellable;
  HeapglassTrace *trace;
  char *script;
  HeapglassRunOptions options;
  char *stdin_path; /* the strings options points to, owned here */
  char *tracer_path;

  guint step;
  guint n_steps;
  gboolean ended;
  gboolean playing;
  double speed;
  guint play_source;
  GArray *answers; /* HeapglassRunAnswer */
  char *prompt;    /* the last input() prompt */

  /* A tracer started ahead for the next run (prepare ()), and what that run is expected to be */
  HeapglassSpareTracer *spare;
  gboolean keep_spare;
  char *next_script;
  HeapglassRunOptions next_options; /* its strings: next_tracer_path, no stdin_path */
  char *next_tracer_path;
  guint spare_source;
};

G_DEFINE_FINAL_TYPE (HeapglassRunController, heapglass_run_controller, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_RUNNER,
  PROP_TRACE,
  PROP_SCRIPT,
  PROP_OPTIONS,
  PROP_STEP,
  PROP_N_STEPS,
  PROP_RUNNING,
  PROP_ENDED,
  PROP_PLAYING,
  PROP_SPEED,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum
{
  INPUT_REQUESTED,
  FINISHED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

#define MIN_SPEED 0.5
#define MAX_SPEED 100.0

HeapglassRunController *
heapglass_run_controller_new (void)
{
  return g_object_new (HEAPGLASS_TYPE_RUN_CONTROLLER, NULL);
}

static void
notify (HeapglassRunController *self, guint prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* ---- playing --------------------------------------------------------------------------------- */

static void play_restart (HeapglassRunController *self);

static gboolean
play_tick (gpointer user_data)
{
  HeapglassRunController *self = user_data;

  if (self->step < self->n_steps)
    heapglass_run_controller_set_step (self, self->step + 1);
  else if (!heapglass_run_controller_get_running (self))
    {
      self->play_source = 0;
      self->playing = FALSE;
      notify (self, PROP_PLAYING);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
play_restart (HeapglassRunController *self)
{
  g_clear_handle_id (&self->play_source, g_source_remove);
  if (self->playing)
    self->play_source
        = g_timeout_add ((guint)(1000.0 / MAX (self->speed, MIN_SPEED)), play_tick, self);
}

void
heapglass_run_controller_set_playing (HeapglassRunController *self, gboolean playing)
{
  g_return_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self));

  playing = !!playing;
  if (playing && self->n_steps < 2)
    playing = FALSE;
  if (playing == self->playing)
    return;
  self->playing = playing;
  if (playing && self->step >= self->n_steps && !heapglass_run_controller_get_running (self))
    heapglass_run_controller_set_step (self, 1);
  play_restart (self);
  notify (self, PROP_PLAYING);
}

gboolean
heapglass_run_controller_get_playing (HeapglassRunController *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self), FALSE);
  return self->playing;
}

void
heapglass_run_controller_set_speed (HeapglassRunController *self, double steps_per_second)
{
  g_return_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self));

  steps_per_second = CLAMP (steps_per_second, MIN_SPEED, MAX_SPEED);
  if (steps_per_second == self->speed)
    return;
  self->speed = steps_per_second;
  if (self->playing)
    play_restart (self);
  notify (self, PROP_SPEED);
}

double
heapglass_run_controller_get_speed (HeapglassRunController *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self), 0);
  return self->speed;
}

/* ---- the step -------------------------------------------------------------------------------- */

void
heapglass_run_controller_set_step (HeapglassRunController *self, guint step)
{
  g_return_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self));

  if (self->trace == NULL || self->n_steps == 0)
    return;
  self->step = CLAMP (step, 1, self->n_steps);
  /* Always: the same step may have gained output or objects since it was last shown. */
  notify (self, PROP_STEP);
}

guint
heapglass_run_controller_get_step (HeapglassRunController *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self), 0);
  return self->step;
}

void
heapglass_run_controller_seek (HeapglassRunController *self, guint step)
{
  g_return_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self));

  heapglass_run_controller_set_playing (self, FALSE);
  heapglass_run_controller_set_step (self, step);
}

guint
heapglass_run_controller_find_move (HeapglassRunController *self, HeapglassRunMove move)
{
  guint target;

  g_return_val_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self), 0);

  if (self->trace == NULL || self->n_steps == 0)
    return 0;
  target = self->step;
  switch (move)
    {
    case HEAPGLASS_RUN_MOVE_FIRST:
      target = 1;
      break;
    case HEAPGLASS_RUN_MOVE_BACK:
      target = self->step > 1 ? self->step - 1 : 1;
      break;
    case HEAPGLASS_RUN_MOVE_FORWARD:
      target = self->step + 1;
      break;
    case HEAPGLASS_RUN_MOVE_END:
      target = heapglass_trace_get_ending (self->trace) == HG_END_EXCEPTION
                   ? heapglass_ending_find_raise_step (self->trace)
                   : self->n_steps;
      break;
    case HEAPGLASS_RUN_MOVE_LAST:
      target = self->n_steps;
      break;
    case HEAPGLASS_RUN_MOVE_OVER:
      target = heapglass_trace_find_step_over (self->trace, self->step);
      break;
    case HEAPGLASS_RUN_MOVE_OUT:
      target = heapglass_trace_find_step_out (self->trace, self->step);
      break;
    default:
      g_return_val_if_reached (0);
    }
  /* Over/out with nothing after: the end of the trace. */
  if (target == 0)
    target = self->n_steps;
  return MIN (target, self->n_steps);
}

void
heapglass_run_controller_move (HeapglassRunController *self, HeapglassRunMove move)
{
  g_return_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self));

  if (self->trace == NULL || self->n_steps == 0)
    return;
  heapglass_run_controller_seek (self, heapglass_run_controller_find_move (self, move));
}

/* ---- the spare tracer ------------------------------------------------------------------------ */

static gboolean
start_spare (gpointer user_data)
{
  HeapglassRunController *self = user_data;
  g_autoptr (GError) error = NULL;

  self->spare_source = 0;
  if (self->spare != NULL
      && heapglass_spare_tracer_can_serve (self->spare, self->next_script, &self->next_options))
    return G_SOURCE_REMOVE;
  g_clear_pointer (&self->spare, heapglass_spare_tracer_free);
  self->spare = heapglass_spare_tracer_start (self->next_script, &self->next_options, &error);
  if (self->spare == NULL)
    g_debug ("No spare tracer: %s", error->message);
  return G_SOURCE_REMOVE;
}

static void
expect_run (HeapglassRunController *self, const char *script, const HeapglassRunOptions *options)
{
  if (options != NULL)
    self->next_options = *options;
  else
    heapglass_run_options_init (&self->next_options);
  g_free (self->next_tracer_path);
  self->next_tracer_path = g_strdup (self->next_options.tracer_path);
  self->next_options.tracer_path = self->next_tracer_path;
  if (script != self->next_script)
    {
      g_free (self->next_script);
      self->next_script = g_strdup (script);
    }
  /* when the main loop has nothing better to do: never in the way of a frame */
  if (self->spare_source == 0 && self->next_options.stdin_path == NULL)
    self->spare_source = g_idle_add_full (G_PRIORITY_LOW, start_spare, self, NULL);
}

void
heapglass_run_controller_prepare (HeapglassRunController *self, const char *script,
                                  const HeapglassRunOptions *options)
{
  g_return_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self));
  g_return_if_fail (script != NULL);

  self->keep_spare = TRUE;
  expect_run (self, script, options);
}

/* ---- the run --------------------------------------------------------------------------------- */

static void
set_n_steps (HeapglassRunController *self, guint n)
{
  if (n == self->n_steps)
    return;
  self->n_steps = n;
  notify (self, PROP_N_STEPS);
}

static void
on_progress (HeapglassTraceRunner *runner, guint n, HeapglassRunController *self)
{
  set_n_steps (self, n);
  /* The first diagram as soon as the first steps arrive. */
  if (self->step == 0 && n > 0)
    heapglass_run_controller_set_step (self, 1);
}

static void
on_input_requested (HeapglassTraceRunner *runner, const char *prompt, HeapglassRunController *self)
{
  /* Where the program waits, with everything it printed so far. */
  set_n_steps (self, heapglass_trace_get_n_steps (self->trace));
  if (self->n_steps > 0)
    heapglass_run_controller_set_step (self, self->n_steps);
  g_free (self->prompt);
  self->prompt = g_strdup (prompt);
  g_signal_emit (self, signals[INPUT_REQUESTED], 0, prompt);
}

static void
on_run_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HeapglassRunController) self = user_data;
  HeapglassTraceRunner *runner = HEAPGLASS_TRACE_RUNNER (source);
  g_autoptr (GError) error = NULL;

  heapglass_trace_runner_run_finish (runner, result, &error);
  /* A run that was put away (a new run, clear()) says nothing. */
  if (runner != self->runner)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  set_n_steps (self, heapglass_trace_get_n_steps (self->trace));
  self->ended = TRUE;
  notify (self, PROP_ENDED);
  notify (self, PROP_RUNNING);
  if (self->n_steps > 0)
    heapglass_run_controller_set_step (self, self->step == 0 ? 1 : self->step);
  g_object_thaw_notify (G_OBJECT (self));
  /* the next run (of this script, most likely) starts from a spare again */
  if (self->keep_spare)
    expect_run (self, self->script, &self->options);
  g_signal_emit (self, signals[FINISHED], 0, error);
}

void
heapglass_run_controller_clear (HeapglassRunController *self)
{
  g_return_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self));

  heapglass_run_controller_set_playing (self, FALSE);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->runner != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->runner, self);
      if (heapglass_trace_runner_is_running (self->runner))
        heapglass_trace_runner_stop (self->runner);
    }
  g_object_freeze_notify (G_OBJECT (self));
  g_clear_object (&self->cancellable);
  if (self->runner != NULL)
    {
      g_clear_object (&self->runner);
      notify (self, PROP_RUNNER);
      notify (self, PROP_RUNNING);
    }
  /* Always: the followers reset themselves (an empty page, no output) for what comes next. */
  g_clear_object (&self->trace);
  notify (self, PROP_TRACE);
  if (self->step != 0)
    {
      self->step = 0;
      notify (self, PROP_STEP);
    }
  set_n_steps (self, 0);
  g_array_set_size (self->answers, 0);
  if (self->ended)
    {
      self->ended = FALSE;
      notify (self, PROP_ENDED);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

void
heapglass_run_controller_start (HeapglassRunController *self, const char *script,
                                const HeapglassRunOptions *options)
{
  g_return_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self));
  g_return_if_fail (script != NULL);

  heapglass_run_controller_clear (self);

  g_free (self->script);
  self->script = g_strdup (script);
  if (options != NULL)
    self->options = *options;
  else
    heapglass_run_options_init (&self->options);
  g_free (self->stdin_path);
  self->stdin_path = g_strdup (self->options.stdin_path);
  self->options.stdin_path = self->stdin_path;
  g_free (self->tracer_path);
  self->tracer_path = g_strdup (self->options.tracer_path);
  self->options.tracer_path = self->tracer_path;

  g_object_freeze_notify (G_OBJECT (self));
  self->runner = heapglass_trace_runner_new (self->script, &self->options);
  self->trace = g_object_ref (heapglass_trace_runner_get_trace (self->runner));
  self->cancellable = g_cancellable_new ();
  /* used only when it can serve this run: never for two */
  if (self->spare != NULL)
    heapglass_trace_runner_take_spare (self->runner, g_steal_pointer (&self->spare));
  g_signal_connect (self->runner, "progress", G_CALLBACK (on_progress), self);
  g_signal_connect (self->runner, "input-requested", G_CALLBACK (on_input_requested), self);
  heapglass_trace_runner_run_async (self->runner, self->cancellable, on_run_done,
                                    g_object_ref (self));
  notify (self, PROP_SCRIPT);
  notify (self, PROP_OPTIONS);
  notify (self, PROP_RUNNER);
  notify (self, PROP_TRACE);
  notify (self, PROP_RUNNING);
  g_object_thaw_notify (G_OBJECT (self));
}

void
heapglass_run_controller_stop (HeapglassRunController *self)
{
  g_return_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self));

  heapglass_run_controller_set_playing (self, FALSE);
  if (heapglass_run_controller_get_running (self))
    heapglass_trace_runner_stop (self->runner);
}

gboolean
heapglass_run_controller_send_input (HeapglassRunController *self, const char *line, GError **error)
{
  g_return_val_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self), FALSE);
  g_return_val_if_fail (line != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!heapglass_run_controller_get_running (self))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, _ ("The program is not running"));
      return FALSE;
    }
  {
    HeapglassRunAnswer answer;

    /* Where the program waits, taken before it has the line: a quick program runs on and ends
     * (its steps decoded on the runner's thread) before send_input() returns. */
    answer.stdout_offset = heapglass_trace_get_output_length (self->trace, 1, 0);
    answer.step = heapglass_trace_get_n_steps (self->trace);
    if (!heapglass_trace_runner_send_input (self->runner, line, error))
      return FALSE;
    answer.text = g_strdup (line);
    answer.prompt = g_strdup (self->prompt != NULL ? self->prompt : "");
    g_array_append_val (self->answers, answer);
  }
  return TRUE;
}

GArray *
heapglass_run_controller_get_answers (HeapglassRunController *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self), NULL);
  return self->answers;
}

static void
answer_clear (gpointer data)
{
  HeapglassRunAnswer *answer = data;

  g_free (answer->text);
  g_free (answer->prompt);
}

HeapglassTraceRunner *
heapglass_run_controller_get_runner (HeapglassRunController *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self), NULL);
  return self->runner;
}

HeapglassTrace *
heapglass_run_controller_get_trace (HeapglassRunController *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self), NULL);
  return self->trace;
}

const char *
heapglass_run_controller_get_script (HeapglassRunController *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self), NULL);
  return self->script;
}

const HeapglassRunOptions *
heapglass_run_controller_get_options (HeapglassRunController *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self), NULL);
  return &self->options;
}

gboolean
heapglass_run_controller_get_running (HeapglassRunController *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self), FALSE);
  return self->runner != NULL && !self->ended && heapglass_trace_runner_is_running (self->runner);
}

gboolean
heapglass_run_controller_get_ended (HeapglassRunController *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self), FALSE);
  return self->ended;
}

guint
heapglass_run_controller_get_n_steps (HeapglassRunController *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_RUN_CONTROLLER (self), 0);
  return self->n_steps;
}

/* ---- life ------------------------------------------------------------------------------------ */

static void
heapglass_run_controller_get_property (GObject *object, guint prop_id, GValue *value,
                                       GParamSpec *pspec)
{
  HeapglassRunController *self = HEAPGLASS_RUN_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_RUNNER:
      g_value_set_object (value, self->runner);
      break;
    case PROP_TRACE:
      g_value_set_object (value, self->trace);
      break;
    case PROP_SCRIPT:
      g_value_set_string (value, self->script);
      break;
    case PROP_OPTIONS:
      g_value_set_pointer (value, &self->options);
      break;
    case PROP_STEP:
      g_value_set_uint (value, self->step);
      break;
    case PROP_N_STEPS:
      g_value_set_uint (value, self->n_steps);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, heapglass_run_controller_get_running (self));
      break;
    case PROP_ENDED:
      g_value_set_boolean (value, self->ended);
      break;
    case PROP_PLAYING:
      g_value_set_boolean (value, self->playing);
      break;
    case PROP_SPEED:
      g_value_set_double (value, self->speed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heapglass_run_controller_set_property (GObject *object, guint prop_id, const GValue *value,
                                       GParamSpec *pspec)
{
  HeapglassRunController *self = HEAPGLASS_RUN_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_STEP:
      heapglass_run_controller_set_step (self, g_value_get_uint (value));
      break;
    case PROP_PLAYING:
      heapglass_run_controller_set_playing (self, g_value_get_boolean (value));
      break;
    case PROP_SPEED:
      heapglass_run_controller_set_speed (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heapglass_run_controller_dispose (GObject *object)
{
  HeapglassRunController *self = HEAPGLASS_RUN_CONTROLLER (object);

  g_clear_handle_id (&self->play_source, g_source_remove);
  self->playing = FALSE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->runner != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->runner, self);
      if (heapglass_trace_runner_is_running (self->runner))
        heapglass_trace_runner_stop (self->runner);
    }
  g_clear_object (&self->cancellable);
  g_clear_object (&self->runner);
  g_clear_object (&self->trace);
  /* the spare is killed with its window */
  self->keep_spare = FALSE;
  g_clear_handle_id (&self->spare_source, g_source_remove);
  g_clear_pointer (&self->spare, heapglass_spare_tracer_free);
  G_OBJECT_CLASS (heapglass_run_controller_parent_class)->dispose (object);
}

static void
heapglass_run_controller_finalize (GObject *object)
{
  HeapglassRunController *self = HEAPGLASS_RUN_CONTROLLER (object);

  g_free (self->script);
  g_free (self->stdin_path);
  g_free (self->tracer_path);
  g_free (self->next_script);
  g_free (self->next_tracer_path);
  g_array_unref (self->answers);
  g_free (self->prompt);
  G_OBJECT_CLASS (heapglass_run_controller_parent_class)->finalize (object);
}

static void
heapglass_run_controller_class_init (HeapglassRunControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = heapglass_run_controller_get_property;
  object_class->set_property = heapglass_run_controller_set_property;
  object_class->dispose = heapglass_run_controller_dispose;
  object_class->finalize = heapglass_run_controller_finalize;

  properties[PROP_RUNNER]
      = g_param_spec_object ("runner", NULL, NULL, HEAPGLASS_TYPE_TRACE_RUNNER, ro);
  properties[PROP_TRACE] = g_param_spec_object ("trace", NULL, NULL, HEAPGLASS_TYPE_TRACE, ro);
  properties[PROP_SCRIPT] = g_param_spec_string ("script", NULL, NULL, NULL, ro);
  properties[PROP_OPTIONS] = g_param_spec_pointer ("options", NULL, NULL, ro);
  properties[PROP_STEP] = g_param_spec_uint ("step", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_N_STEPS] = g_param_spec_uint ("n-steps", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  properties[PROP_ENDED] = g_param_spec_boolean ("ended", NULL, NULL, FALSE, ro);
  properties[PROP_PLAYING] = g_param_spec_boolean ("playing", NULL, NULL, FALSE, rw);
  properties[PROP_SPEED] = g_param_spec_double ("speed", NULL, NULL, MIN_SPEED, MAX_SPEED, 4.0, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[INPUT_REQUESTED]
      = g_signal_new ("input-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
heapglass_run_controller_init (HeapglassRunController *self)
{
  self->speed = 4.0;
  heapglass_run_options_init (&self->options);
  self->answers = g_array_new (FALSE, TRUE, sizeof (HeapglassRunAnswer));
  g_array_set_clear_func (self->answers, answer_clear);
}

void
heapglass_run_controller_follow (HeapglassRunController **slot, HeapglassRunController *controller,
                                 gpointer observer, GCallback on_trace, GCallback on_step)
{
  g_return_if_fail (slot != NULL);
  g_return_if_fail (controller == NULL || HEAPGLASS_IS_RUN_CONTROLLER (controller));

  if (*slot == controller)
    return;
  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_data (*slot, observer);
      g_clear_object (slot);
    }
  if (controller == NULL)
    return;
  *slot = g_object_ref (controller);
  g_signal_connect_object (controller, "notify::trace", on_trace, observer, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "notify::step", on_step, observer, G_CONNECT_SWAPPED);
}
