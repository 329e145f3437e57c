/* test-run-controller.c: the run controller that the window's parts follow: a run, its steps as
 * properties with notify, moving, playing, input and clearing, without a display. */
#include <string.h>

#include "heapglass-run-controller.h"
#include "heapglass-test-support.h"

typedef struct
{
  guint step_notifies;
  guint trace_notifies;
  guint finished;
  char *prompt;
} Seen;

static void
on_notify (GObject *object, GParamSpec *pspec, Seen *seen)
{
  if (g_str_equal (pspec->name, "step"))
    seen->step_notifies++;
  else if (g_str_equal (pspec->name, "trace"))
    seen->trace_notifies++;
}

static void
on_finished (HeapglassRunController *controller, const GError *error, Seen *seen)
{
  g_assert_no_error (error);
  seen->finished++;
}

static HeapglassRunController *
run_to_end (const char *name, const char *source, Seen *seen)
{
  HeapglassRunController *controller = heapglass_run_controller_new ();
  g_autofree char *path = hg_test_write_file (name, source, -1);
  HeapglassRunOptions options;

  hg_test_assert_tracer ();
  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  g_signal_connect (controller, "notify", G_CALLBACK (on_notify), seen);
  g_signal_connect (controller, "finished", G_CALLBACK (on_finished), seen);
  heapglass_run_controller_start (controller, path, &options);
  g_assert_true (heapglass_run_controller_get_running (controller));
  g_assert_cmpstr (heapglass_run_controller_get_script (controller), ==, path);
  g_assert_true (hg_test_spin_until_signal (controller, "finished", 60));
  return controller;
}

static const char *const calls = "def square(n):\n" /* 1 */
                                 "    m = n * n\n"  /* 2 */
                                 "    return m\n"   /* 3 */
                                 "\n"               /* 4 */
                                 "a = square(2)\n"  /* 5 */
                                 "b = square(3)\n"  /* 6 */
                                 "print(a + b)\n";  /* 7 */

static void
test_run_shows_first_step (void)
{
  Seen seen = { 0 };
  g_autoptr (HeapglassRunController) controller = run_to_end ("calls.py", calls, &seen);
  HeapglassTrace *trace = heapglass_run_controller_get_trace (controller);

  g_assert_nonnull (trace);
  g_assert_cmpuint (seen.finished, ==, 1);
  g_assert_cmpuint (seen.trace_notifies, >=, 1);
  g_assert_cmpuint (seen.step_notifies, >=, 1);
  g_assert_cmpuint (heapglass_run_controller_get_step (controller), ==, 1);
  g_assert_cmpuint (heapglass_run_controller_get_n_steps (controller), ==,
                    heapglass_trace_get_n_steps (trace));
  g_assert_true (heapglass_run_controller_get_ended (controller));
  g_assert_false (heapglass_run_controller_get_running (controller));
  g_assert_nonnull (heapglass_run_controller_get_runner (controller));
}

static void
test_set_step_clamps_and_always_notifies (void)
{
  Seen seen = { 0 };
  g_autoptr (HeapglassRunController) controller = run_to_end ("calls.py", calls, &seen);
  guint n = heapglass_run_controller_get_n_steps (controller);
  guint before;

  heapglass_run_controller_set_step (controller, n + 100);
  g_assert_cmpuint (heapglass_run_controller_get_step (controller), ==, n);
  heapglass_run_controller_set_step (controller, 0);
  g_assert_cmpuint (heapglass_run_controller_get_step (controller), ==, 1);
  before = seen.step_notifies;
  heapglass_run_controller_set_step (controller, 1);
  g_assert_cmpuint (seen.step_notifies, ==, before + 1);
}

static void
test_moves (void)
{
  Seen seen = { 0 };
  g_autoptr (HeapglassRunController) controller = run_to_end ("calls.py", calls, &seen);
  HeapglassTrace *trace = heapglass_run_controller_get_trace (controller);
  guint n = heapglass_run_controller_get_n_steps (controller);
  guint call_step = 0;

  heapglass_run_controller_move (controller, HEAPGLASS_RUN_MOVE_LAST);
  g_assert_cmpuint (heapglass_run_controller_get_step (controller), ==, n);
  heapglass_run_controller_move (controller, HEAPGLASS_RUN_MOVE_FORWARD);
  g_assert_cmpuint (heapglass_run_controller_get_step (controller), ==, n);
  heapglass_run_controller_move (controller, HEAPGLASS_RUN_MOVE_BACK);
  g_assert_cmpuint (heapglass_run_controller_get_step (controller), ==, n - 1);
  heapglass_run_controller_move (controller, HEAPGLASS_RUN_MOVE_FIRST);
  g_assert_cmpuint (heapglass_run_controller_get_step (controller), ==, 1);
  heapglass_run_controller_move (controller, HEAPGLASS_RUN_MOVE_BACK);
  g_assert_cmpuint (heapglass_run_controller_get_step (controller), ==, 1);

  /* Over the first call of square(): the next step at module level is line 6. */
  for (guint s = 1; s <= n && call_step == 0; s++)
    if (heapglass_trace_get_step_line (trace, s) == 5)
      call_step = s;
  g_assert_cmpuint (call_step, >, 0);
  heapglass_run_controller_set_step (controller, call_step);
  heapglass_run_controller_move (controller, HEAPGLASS_RUN_MOVE_OVER);
  g_assert_cmpuint (
      heapglass_trace_get_step_depth (trace, heapglass_run_controller_get_step (controller)), <=,
      heapglass_trace_get_step_depth (trace, call_step));
  g_assert_cmpuint (heapglass_run_controller_get_step (controller), >, call_step + 2);
}

static void
test_move_to_end_of_exception_is_the_raise (void)
{
  Seen seen = { 0 };
  g_autoptr (HeapglassRunController) controller = run_to_end (
      "raise.py", "def f():\n    raise KeyError('k')\n\nf()\nprint('never')\n", &seen);
  HeapglassTrace *trace = heapglass_run_controller_get_trace (controller);
  guint step;

  heapglass_run_controller_move (controller, HEAPGLASS_RUN_MOVE_END);
  step = heapglass_run_controller_get_step (controller);
  g_assert_cmpuint (heapglass_trace_get_step_line (trace, step), ==, 2);
  g_assert_cmpuint (step, <, heapglass_run_controller_get_n_steps (controller));
}

static void
test_playing_runs_to_the_end_and_stops (void)
{
  Seen seen = { 0 };
  g_autoptr (HeapglassRunController) controller = run_to_end ("calls.py", calls, &seen);
  guint n = heapglass_run_controller_get_n_steps (controller);

  heapglass_run_controller_set_speed (controller, 100);
  g_assert_cmpfloat (heapglass_run_controller_get_speed (controller), ==, 100);
  heapglass_run_controller_move (controller, HEAPGLASS_RUN_MOVE_LAST);
  /* Playing from the last step starts again at the first. */
  heapglass_run_controller_set_playing (controller, TRUE);
  g_assert_true (heapglass_run_controller_get_playing (controller));
  g_assert_cmpuint (heapglass_run_controller_get_step (controller), ==, 1);
  g_assert_true (hg_test_spin_until_signal (controller, "notify::playing", 30));
  g_assert_false (heapglass_run_controller_get_playing (controller));
  g_assert_cmpuint (heapglass_run_controller_get_step (controller), ==, n);
}

static void
test_seek_stops_playing (void)
{
  Seen seen = { 0 };
  g_autoptr (HeapglassRunController) controller = run_to_end ("calls.py", calls, &seen);

  heapglass_run_controller_set_playing (controller, TRUE);
  heapglass_run_controller_seek (controller, 3);
  g_assert_false (heapglass_run_controller_get_playing (controller));
  g_assert_cmpuint (heapglass_run_controller_get_step (controller), ==, 3);
}

static void
on_input_requested (HeapglassRunController *controller, const char *prompt, Seen *seen)
{
  g_autoptr (GError) error = NULL;

  seen->prompt = g_strdup (prompt);
  g_assert_true (heapglass_run_controller_send_input (controller, "Ada", &error));
  g_assert_no_error (error);
}

static void
test_input_is_asked_and_answered (void)
{
  g_autoptr (HeapglassRunController) controller = heapglass_run_controller_new ();
  g_autofree char *path
      = hg_test_write_file ("ask.py", "name = input('Your name? ')\nprint('Hello,', name)\n", -1);
  HeapglassRunOptions options;
  Seen seen = { 0 };
  g_autofree char *out = NULL;

  hg_test_assert_tracer ();
  heapglass_run_options_init (&options);
  options.stdin_interactive = TRUE;
  g_signal_connect (controller, "input-requested", G_CALLBACK (on_input_requested), &seen);
  heapglass_run_controller_start (controller, path, &options);
  g_assert_true (hg_test_spin_until_signal (controller, "finished", 60));

  g_assert_cmpstr (seen.prompt, ==, "Your name? ");
  out = heapglass_trace_get_output (heapglass_run_controller_get_trace (controller), 1, 0, NULL);
  g_assert_nonnull (strstr (out, "Hello, Ada"));
  g_free (seen.prompt);
}

static void
test_clear_puts_the_run_away (void)
{
  Seen seen = { 0 };
  g_autoptr (HeapglassRunController) controller = run_to_end ("calls.py", calls, &seen);
  guint trace_notifies = seen.trace_notifies;

  heapglass_run_controller_clear (controller);
  g_assert_null (heapglass_run_controller_get_trace (controller));
  g_assert_null (heapglass_run_controller_get_runner (controller));
  g_assert_cmpuint (heapglass_run_controller_get_step (controller), ==, 0);
  g_assert_cmpuint (heapglass_run_controller_get_n_steps (controller), ==, 0);
  g_assert_false (heapglass_run_controller_get_ended (controller));
  g_assert_cmpuint (seen.trace_notifies, ==, trace_notifies + 1);
  /* Nothing to move to. */
  heapglass_run_controller_move (controller, HEAPGLASS_RUN_MOVE_LAST);
  g_assert_cmpuint (heapglass_run_controller_get_step (controller), ==, 0);
}

static void
test_new_run_silences_the_old_one (void)
{
  Seen seen = { 0 };
  HeapglassRunController *controller = heapglass_run_controller_new ();
  g_autofree char *slow = hg_test_write_file ("slow.py", "import time\ntime.sleep(5)\n", -1);
  g_autofree char *fast = hg_test_write_file ("fast.py", "x = 1\n", -1);
  HeapglassRunOptions options;

  hg_test_assert_tracer ();
  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  g_signal_connect (controller, "finished", G_CALLBACK (on_finished), &seen);
  heapglass_run_controller_start (controller, slow, &options);
  heapglass_run_controller_start (controller, fast, &options);
  g_assert_true (hg_test_spin_until_signal (controller, "finished", 60));
  g_assert_cmpstr (heapglass_trace_get_script (heapglass_run_controller_get_trace (controller)), ==,
                   fast);
  hg_test_spin_for (200);
  g_assert_cmpuint (seen.finished, ==, 1);
  g_assert_finalize_object (controller);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/run-controller/run/shows-first-step", test_run_shows_first_step);
  g_test_add_func ("/run-controller/step/clamps-and-always-notifies",
                   test_set_step_clamps_and_always_notifies);
  g_test_add_func ("/run-controller/moves", test_moves);
  g_test_add_func ("/run-controller/move-to-end/exception-is-the-raise",
                   test_move_to_end_of_exception_is_the_raise);
  g_test_add_func ("/run-controller/playing/runs-to-the-end-and-stops",
                   test_playing_runs_to_the_end_and_stops);
  g_test_add_func ("/run-controller/seek-stops-playing", test_seek_stops_playing);
  g_test_add_func ("/run-controller/input/asked-and-answered", test_input_is_asked_and_answered);
  g_test_add_func ("/run-controller/clear-puts-the-run-away", test_clear_puts_the_run_away);
  g_test_add_func ("/run-controller/new-run-silences-the-old-one",
                   test_new_run_silences_the_old_one);
  return g_test_run ();
}
