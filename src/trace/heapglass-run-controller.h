/* heapglass-run-controller.h: one run of one program as observable properties (the runner, the
 * trace, the script, the options, the current step, playback, ended) that the window's parts
 * bind to. GLib only: it is tested without a display. */
#pragma once

#include <gio/gio.h>

#include "heapglass-trace-runner.h"
#include "heapglass-trace.h"

G_BEGIN_DECLS

/* Where the stepping commands go from the current step. */
typedef enum
{
  HEAPGLASS_RUN_MOVE_FIRST,
  HEAPGLASS_RUN_MOVE_BACK,
  HEAPGLASS_RUN_MOVE_FORWARD,
  HEAPGLASS_RUN_MOVE_LAST,
  HEAPGLASS_RUN_MOVE_OVER, /* the next step at this depth or shallower */
  HEAPGLASS_RUN_MOVE_OUT,  /* the next step shallower than this one */
  HEAPGLASS_RUN_MOVE_END,  /* where the run ended: the raising step of an uncaught exception */
} HeapglassRunMove;

/* A line the learner typed for input(): where it goes in the program's stdout (a terminal echoes
 * it after the prompt) and the last step recorded before it was sent. */
typedef struct
{
  gsize stdout_offset; /* stdout's length when it was sent (the prompt may come later) */
  guint step;
  char *prompt; /* what input() printed before it; may be "" */
  char *text;   /* without its newline */
} HeapglassRunAnswer;

#define HEAPGLASS_TYPE_RUN_CONTROLLER (heapglass_run_controller_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassRunController, heapglass_run_controller, HEAPGLASS, RUN_CONTROLLER,
                      GObject)

/* Properties (all notify):
 *   "runner" (HeapglassTraceRunner, read-only)  NULL before a run and after clear()
 *   "trace" (HeapglassTrace, read-only)         the run's trace, growing while it runs
 *   "script" (string, read-only)                the path of the program being traced
 *   "options" (gpointer, read-only)             the HeapglassRunOptions of the run
 *   "step" (guint)                              1 … n-steps, 0 when there is none. Notified at
 *                                               every set_step(), also with the same value: the
 *                                               step may have gained output or objects meanwhile
 *   "n-steps" (guint, read-only)                steps recorded so far
 *   "running" (gboolean, read-only)             the tracer is still running
 *   "ended" (gboolean, read-only)               the run is over and the trace has its ending
 *   "playing" (gboolean)                        the step advances by itself at "speed"
 *   "speed" (double)                            steps per second while playing (0.5 … 100)
 * Signals:
 *   "input-requested" (const char *prompt)      the program waits in input() (send_input())
 *   "finished" (GError *error)                  the run ended; error is NULL unless the tracer
 *                                               could not start or its stream was corrupt */
HeapglassRunController *heapglass_run_controller_new (void);

/* Puts away any previous run, then traces `script` in the background. The first step is shown
 * (step 1) as soon as it arrives. */
void heapglass_run_controller_start (HeapglassRunController *self, const char *script,
                                     const HeapglassRunOptions *options);
/* Keeps a tracer started ahead (sandboxed, Python initialised) for the next run, expected to be
 * of `script` with these options, and again after every run ends: a run it can serve pays for
 * neither (heapglass_spare_tracer_start ()). Disposing the controller kills it. */
void heapglass_run_controller_prepare (HeapglassRunController *self, const char *script,
                                       const HeapglassRunOptions *options);
/* Stops playing and ends the program now; the trace keeps its steps and ends as "stopped". */
void heapglass_run_controller_stop (HeapglassRunController *self);
/* Puts the run away: no runner, no trace, step 0. */
void heapglass_run_controller_clear (HeapglassRunController *self);
/* One line for the program's input() (a newline is added). */
gboolean heapglass_run_controller_send_input (HeapglassRunController *self, const char *line,
                                              GError **error);

/* The answers sent this run, in order (HeapglassRunAnswer); owned by the controller. */
GArray *heapglass_run_controller_get_answers (HeapglassRunController *self);

HeapglassTraceRunner *heapglass_run_controller_get_runner (HeapglassRunController *self);
HeapglassTrace *heapglass_run_controller_get_trace (HeapglassRunController *self);
const char *heapglass_run_controller_get_script (HeapglassRunController *self);
const HeapglassRunOptions *heapglass_run_controller_get_options (HeapglassRunController *self);
gboolean heapglass_run_controller_get_running (HeapglassRunController *self);
gboolean heapglass_run_controller_get_ended (HeapglassRunController *self);
guint heapglass_run_controller_get_n_steps (HeapglassRunController *self);

/* Shows `step`, clamped to 1 … n-steps (nothing happens without steps). */
void heapglass_run_controller_set_step (HeapglassRunController *self, guint step);
guint heapglass_run_controller_get_step (HeapglassRunController *self);
/* The learner moved: stop playing, then set_step(). */
void heapglass_run_controller_seek (HeapglassRunController *self, guint step);
/* The step a move leads to from the current one (the last step when over/out find none). */
guint heapglass_run_controller_find_move (HeapglassRunController *self, HeapglassRunMove move);
/* seek (find_move (move)). */
void heapglass_run_controller_move (HeapglassRunController *self, HeapglassRunMove move);

/* Playing from the last step of a finished run starts again at step 1; playing stops at the last
 * step once the run is over. */
void heapglass_run_controller_set_playing (HeapglassRunController *self, gboolean playing);
gboolean heapglass_run_controller_get_playing (HeapglassRunController *self);
void heapglass_run_controller_set_speed (HeapglassRunController *self, double steps_per_second);
double heapglass_run_controller_get_speed (HeapglassRunController *self);

/* For the parts of the window that follow a run: points *@slot at @controller (a new reference,
 * or NULL), drops @observer's handlers on the one it replaces, and calls @on_trace and @on_step
 * (swapped: the observer first) when the new one's trace or step changes. */
void heapglass_run_controller_follow (HeapglassRunController **slot,
                                      HeapglassRunController *controller, gpointer observer,
                                      GCallback on_trace, GCallback on_step);

G_END_DECLS
