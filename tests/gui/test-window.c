/* test-window.c: drives the real window under Xvfb as a learner would: run a program, step to a
 * line, click a name, step back and forth, stop an endless loop, answer input(). */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gtksourceview/gtksource.h>

#include "heapglass-application.h"
#include "heapglass-canvas.h"
#include "heapglass-inspector.h"
#include "heapglass-output-pane.h"
#include "heapglass-scene.h"
#include "heapglass-timeline.h"
#include "heapglass-window.h"
#include "heapglass-test-gtk.h"

static HeapglassApplication *app;

static HeapglassWindow *
new_window (void)
{
  HeapglassWindow *window = heapglass_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  hg_test_spin_for (100);
  return window;
}

static const char aliasing_code[] = "def process():\n"      /* 1 */
                                    "    x = [1, 2, 3]\n"   /* 2 */
                                    "    y = x\n"           /* 3 */
                                    "    return y\n"        /* 4 */
                                    "\n"                    /* 5 */
                                    "result = process()\n"  /* 6 */
                                    "print(len(result))\n"; /* 7 */

static const HeapglassSceneItem *
find_frame_item (HeapglassScene *scene, const char *function)
{
  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);

      if (item->kind == HEAPGLASS_SCENE_FRAME && g_strcmp0 (item->name, function) == 0)
        return item;
    }
  return NULL;
}

static gboolean
at_last_step (gpointer data)
{
  HeapglassWindow *window = HEAPGLASS_WINDOW (data);

  return heapglass_window_get_step (window)
         == heapglass_trace_get_n_steps (heapglass_window_get_trace (window));
}

static gboolean
diagram_shown (gpointer data)
{
  HeapglassWindow *window = HEAPGLASS_WINDOW (data);

  return heapglass_window_get_step (window) >= 1
         && heapglass_canvas_get_scene (HEAPGLASS_CANVAS (heapglass_window_get_canvas (window)))
                != NULL;
}

/* The aliasing program, traced to its end in a fresh window; `step` is the one about to run
 * `return y` (line 4), right after `y = x`. */
typedef struct
{
  HeapglassWindow *window;
  HeapglassCanvas *canvas;
  HeapglassTrace *trace;
  guint step;
} AliasingWindow;

static void
aliasing_set_up (AliasingWindow *f, gconstpointer data)
{
  gint64 start = g_get_monotonic_time ();

  f->window = new_window ();
  f->canvas = HEAPGLASS_CANVAS (heapglass_window_get_canvas (f->window));
  heapglass_window_set_code (f->window, aliasing_code, "aliasing.py");
  heapglass_window_run (f->window);
  g_assert_true (hg_test_spin_until (diagram_shown, f->window, 30));
  g_test_message ("first diagram %.1f ms after Run", (g_get_monotonic_time () - start) / 1000.0);
  g_assert_true (hg_test_spin_until (hg_test_window_run_is_over, f->window, 60));
  hg_test_spin_for (50);
  f->trace = heapglass_window_get_trace (f->window);
  g_assert_nonnull (f->trace);
  f->step = heapglass_trace_find_line (f->trace, 4, 0, FALSE);
  g_assert_cmpuint (f->step, >, 0);
}

static void
aliasing_tear_down (AliasingWindow *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  hg_test_spin_for (20);
}

static void
go_to_step (AliasingWindow *f, guint step)
{
  heapglass_window_set_step (f->window, step);
  hg_test_spin_for (50);
  g_assert_cmpuint (heapglass_window_get_step (f->window), ==, step);
}

/* The code pane's marks: the line about to run and (unless 0) the line that just ran. */
static void
assert_marked_lines (HeapglassWindow *window, guint next, guint prev)
{
  guint next_line, prev_line;

  heapglass_window_get_marked_lines (window, &next_line, &prev_line);
  g_assert_cmpuint (next_line, ==, next);
  if (prev != 0)
    g_assert_cmpuint (prev_line, ==, prev);
}

static void
test_run_opens_at_first_step (AliasingWindow *f, gconstpointer data)
{
  g_assert_cmpint (heapglass_trace_get_ending (f->trace), ==, HG_END_FINISHED);
  g_assert_cmpuint (heapglass_window_get_step (f->window), ==, 1);
  g_assert_null (heapglass_window_get_banner_text (f->window));
}

/* After `y = x`: one list on the canvas, and two names pointing at it. */
static void
test_one_list_two_names (AliasingWindow *f, gconstpointer data)
{
  HeapglassScene *scene;
  guint64 list_oid = 0;
  guint n_lists = 0, n_names = 0;

  go_to_step (f, f->step);
  assert_marked_lines (f->window, 4, 3);
  scene = heapglass_canvas_get_scene (f->canvas);
  g_assert_nonnull (scene);
  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);

      if (item->kind == HEAPGLASS_SCENE_OBJECT && item->object_kind == HG_KIND_LIST)
        {
          n_lists++;
          list_oid = item->oid;
        }
    }
  g_assert_cmpuint (n_lists, ==, 1);
  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);

      if (item->kind == HEAPGLASS_SCENE_NAME && item->oid == list_oid)
        n_names++;
    }
  g_assert_cmpuint (n_names, ==, 2);
}

/* Click `x`: its list is selected and the inspector tells its type and refcount. */
static void
test_click_name_inspects_list (AliasingWindow *f, gconstpointer data)
{
  HeapglassInspector *inspector = HEAPGLASS_INSPECTOR (heapglass_window_get_inspector (f->window));
  const HeapglassSceneItem *frame, *x_item;
  HeapglassScene *scene;
  g_autofree char *path = NULL;

  go_to_step (f, f->step);
  scene = heapglass_canvas_get_scene (f->canvas);
  frame = find_frame_item (scene, "process");
  g_assert_nonnull (frame);
  x_item = heapglass_scene_find_name (scene, frame->frame_id, "x");
  g_assert_nonnull (x_item);
  g_assert_true (heapglass_canvas_click_scene_point (f->canvas, x_item->x + x_item->width / 2,
                                                     x_item->y + x_item->height / 2));
  hg_test_spin_for (50);
  g_assert_cmpuint (heapglass_canvas_get_selected_oid (f->canvas), ==, x_item->oid);
  g_assert_cmpuint (heapglass_inspector_get_oid (inspector), ==, x_item->oid);
  g_assert_cmpstr (heapglass_inspector_get_type_text (inspector), ==, "list");
  g_assert_nonnull (heapglass_inspector_get_refcount_text (inspector));
  g_assert_cmpint (atoi (heapglass_inspector_get_refcount_text (inspector)), >=, 2);

  path = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                           "window-aliasing.png", NULL);
  hg_test_save_widget_png (GTK_WIDGET (f->window), path, 1.0);
}

/* Copy the diagram: an image of the scene lands on the clipboard. */
static void
test_copy_diagram (AliasingWindow *f, gconstpointer data)
{
  GdkContentProvider *content;
  g_auto (GValue) value = G_VALUE_INIT;
  GdkTexture *texture;

  go_to_step (f, f->step);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.copy-diagram", NULL);
  content = gdk_clipboard_get_content (gtk_widget_get_clipboard (GTK_WIDGET (f->window)));
  g_assert_nonnull (content);
  g_value_init (&value, GDK_TYPE_TEXTURE);
  g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
  texture = g_value_get_object (&value);
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), >, 100);
  g_assert_cmpint (gdk_texture_get_height (texture), >, 50);
}

/* Export this step as PNG and the whole run as a PDF, as the export menu does; a folder that
 * does not exist is an error, not a crash. */
static void
test_export_step_and_run (AliasingWindow *f, gconstpointer data)
{
  g_autofree char *png = hg_test_tmp_path ("window-export-step.png");
  g_autofree char *pdf = hg_test_tmp_path ("window-export-run.pdf");
  g_autoptr (GError) error = NULL;
  g_autofree char *head = NULL;
  gsize len = 0;

  g_assert_true (heapglass_window_export (f->window, png, f->step, f->step, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (png, &head, &len, NULL));
  g_assert_cmpuint (len, >, 8);
  g_assert_cmpmem (head, 8, "\x89PNG\r\n\x1a\n", 8);
  g_clear_pointer (&head, g_free);
  g_assert_true (
      heapglass_window_export (f->window, pdf, 1, heapglass_trace_get_n_steps (f->trace), &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pdf, &head, &len, NULL));
  g_assert_cmpmem (head, 5, "%PDF-", 5);
  g_assert_false (heapglass_window_export (f->window, "/nonexistent/dir/x.png", 1, 1, &error));
  g_assert_nonnull (error);
}

/* Step back: `y = x` is about to run again, `x = [1, 2, 3]` just ran; then forward again. */
static void
test_step_back_and_forward (AliasingWindow *f, gconstpointer data)
{
  go_to_step (f, f->step);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.step-back", NULL);
  hg_test_spin_for (20);
  g_assert_cmpuint (heapglass_window_get_step (f->window), ==, f->step - 1);
  assert_marked_lines (f->window, 3, 2);

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.step-forward", NULL);
  hg_test_spin_for (20);
  g_assert_cmpuint (heapglass_window_get_step (f->window), ==, f->step);
  assert_marked_lines (f->window, 4, 3);
}

/* The gutter: the next step that runs line 7 is the print; backwards finds line 2. */
static void
test_gutter_jumps_to_line (AliasingWindow *f, gconstpointer data)
{
  go_to_step (f, f->step);
  g_assert_true (heapglass_window_jump_to_line (f->window, 7, FALSE));
  assert_marked_lines (f->window, 7, 0);
  g_assert_true (heapglass_window_jump_to_line (f->window, 2, TRUE));
  assert_marked_lines (f->window, 2, 0);
}

/* Step over the call on line 6 lands on line 7 in the module; step out leaves process(). */
static void
test_step_over_and_out (AliasingWindow *f, gconstpointer data)
{
  go_to_step (f, heapglass_trace_find_line (f->trace, 6, 0, FALSE));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.step-over", NULL);
  hg_test_spin_for (20);
  assert_marked_lines (f->window, 7, 0);
  g_assert_cmpuint (
      heapglass_trace_get_step_depth (f->trace, heapglass_window_get_step (f->window)), ==, 1);

  go_to_step (f, heapglass_trace_find_line (f->trace, 3, 0, FALSE));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.step-out", NULL);
  hg_test_spin_for (20);
  g_assert_cmpuint (
      heapglass_trace_get_step_depth (f->trace, heapglass_window_get_step (f->window)), ==, 1);
}

/* Play runs forward by itself to the end. */
static void
test_play_runs_to_the_end (AliasingWindow *f, gconstpointer data)
{
  go_to_step (f, 1);
  heapglass_timeline_set_speed (HEAPGLASS_TIMELINE (heapglass_window_get_timeline (f->window)), 50);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.play", NULL);
  g_assert_true (hg_test_spin_until (at_last_step, f->window, 10));
}

/* The last step has everything the program printed. */
static void
test_last_step_has_all_output (AliasingWindow *f, gconstpointer data)
{
  g_autofree char *text = NULL;

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.step-last", NULL);
  hg_test_spin_for (20);
  text = heapglass_output_pane_get_text (
      HEAPGLASS_OUTPUT_PANE (heapglass_window_get_output_pane (f->window)));
  g_assert_cmpstr (text, ==, "3\n");
}

static gboolean
has_some_steps (gpointer data)
{
  HeapglassTrace *trace = heapglass_window_get_trace (HEAPGLASS_WINDOW (data));

  /* Steps decoded, and the window told of them (progress is throttled). */
  return trace != NULL && heapglass_trace_get_n_steps (trace) > 200
         && heapglass_window_get_step (HEAPGLASS_WINDOW (data)) >= 1;
}

static void
test_stop_keeps_partial_trace (void)
{
  HeapglassWindow *window = new_window ();
  HeapglassTrace *trace;
  guint n;

  heapglass_window_set_code (window, "n = 0\nwhile True:\n    n += 1\n", "forever.py");
  heapglass_window_run (window);
  g_assert_true (heapglass_window_is_running (window));
  g_assert_true (hg_test_spin_until (has_some_steps, window, 30));
  /* The first diagram is shown while the program still runs. */
  g_assert_cmpuint (heapglass_window_get_step (window), >=, 1);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (hg_test_spin_until (hg_test_window_run_is_over, window, 10));
  hg_test_spin_for (50);

  trace = heapglass_window_get_trace (window);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_STOPPED);
  n = heapglass_trace_get_n_steps (trace);
  g_assert_cmpuint (n, >, 200);
  g_assert_nonnull (heapglass_window_get_banner_text (window));
  g_assert_nonnull (strstr (heapglass_window_get_banner_text (window), "Stopped"));

  /* The window still answers: the partial trace can be stepped through. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.step-last", NULL);
  hg_test_spin_for (20);
  g_assert_cmpuint (heapglass_window_get_step (window), ==, n);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.step-first", NULL);
  hg_test_spin_for (20);
  g_assert_cmpuint (heapglass_window_get_step (window), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
is_asking (gpointer data)
{
  return heapglass_output_pane_is_asking (HEAPGLASS_OUTPUT_PANE (data));
}

static void
test_input_prompt_answered (void)
{
  HeapglassWindow *window = new_window ();
  HeapglassOutputPane *pane = HEAPGLASS_OUTPUT_PANE (heapglass_window_get_output_pane (window));
  g_autofree char *text = NULL;

  heapglass_window_set_code (window,
                             "name = input('Your name? ')\n"
                             "print('Hello, ' + name)\n",
                             "greet.py");
  heapglass_window_run (window);
  g_assert_true (hg_test_spin_until (is_asking, pane, 30));
  g_assert_true (heapglass_window_is_running (window));
  {
    g_autofree char *shot
        = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                            "window-input.png", NULL);

    hg_test_spin_for (400); /* the entry slides in */
    g_assert_nonnull (heapglass_window_get_banner_text (window));
    hg_test_save_widget_png (GTK_WIDGET (window), shot, 1.0);
  }
  heapglass_output_pane_submit_input (pane, "Ada");
  g_assert_true (hg_test_spin_until (hg_test_window_run_is_over, window, 30));
  hg_test_spin_for (50);

  g_assert_cmpint (heapglass_trace_get_ending (heapglass_window_get_trace (window)), ==,
                   HG_END_FINISHED);
  g_assert_false (heapglass_output_pane_is_asking (pane));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.step-last", NULL);
  hg_test_spin_for (20);
  text = heapglass_output_pane_get_text (pane);
  g_assert_nonnull (strstr (text, "Hello, Ada"));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_syntax_error_marked (void)
{
  HeapglassWindow *window = new_window ();
  GtkTextView *view = GTK_TEXT_VIEW (heapglass_window_get_code_view (window));
  g_autofree char *code = NULL;

  heapglass_window_set_code (window, "x = 1\ny = (2,\nprint(x\n", "broken.py");
  hg_test_window_run_and_wait (window, 60);
  g_assert_cmpint (heapglass_trace_get_ending (heapglass_window_get_trace (window)), ==,
                   HG_END_SYNTAX_ERROR);
  g_assert_nonnull (heapglass_window_get_banner_text (window));
  g_assert_nonnull (strstr (heapglass_window_get_banner_text (window), "SyntaxError"));
  /* The line is marked in the code (Python reports the unclosed bracket's line). */
  g_assert_cmpuint (heapglass_window_get_error_line (window), >=, 2);
  /* Nothing typed is lost, and the learner can fix it at once. */
  code = heapglass_window_get_code (window);
  g_assert_cmpstr (code, ==, "x = 1\ny = (2,\nprint(x\n");
  g_assert_true (gtk_text_view_get_editable (view));

  /* Closing the window frees it (nothing, e.g. a pending run, keeps it alive). */
  {
    gpointer weak = window;

    g_object_add_weak_pointer (G_OBJECT (window), &weak);
    gtk_window_destroy (GTK_WINDOW (window));
    for (guint i = 0; weak != NULL && i < 200; i++)
      hg_test_spin_for (10);
    g_assert_null (weak);
  }
}

static void
test_exception_told_in_banner (void)
{
  HeapglassWindow *window = new_window ();
  const char *banner;

  heapglass_window_set_code (window,
                             "def divide(a, b):\n"
                             "    return a / b\n"
                             "\n"
                             "divide(1, 0)\n",
                             "divide.py");
  hg_test_window_run_and_wait (window, 60);
  g_assert_cmpint (heapglass_trace_get_ending (heapglass_window_get_trace (window)), ==,
                   HG_END_EXCEPTION);
  banner = heapglass_window_get_banner_text (window);
  g_assert_nonnull (banner);
  g_assert_nonnull (strstr (banner, "ZeroDivisionError"));
  /* The banner says where it was raised, not only where the program stopped. */
  g_assert_nonnull (strstr (banner, "line 2"));
  g_assert_nonnull (strstr (banner, "divide()"));
  /* "Show Where" goes to the step that raised, where the exception is drawn on its frame. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-end", NULL);
  hg_test_spin_for (20);
  {
    HeapglassCanvas *canvas = HEAPGLASS_CANVAS (heapglass_window_get_canvas (window));
    HeapglassSnapshot *snapshot = heapglass_canvas_get_snapshot (canvas);
    const HeapglassFrameView *top;
    guint next_line;

    g_assert_nonnull (snapshot);
    g_assert_cmpuint (snapshot->step, ==, heapglass_window_get_step (window));
    top = &snapshot->frames[snapshot->n_frames - 1];
    g_assert_cmpstr (top->function, ==, "divide");
    g_assert_cmpstr (top->exception_type, ==, "ZeroDivisionError");
    heapglass_window_get_marked_lines (window, &next_line, NULL);
    g_assert_cmpuint (next_line, ==, 2);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* While a program produces steps as fast as it can, the window keeps answering: no main-loop
 * iteration takes long. The bound here only catches a window that freezes (it once froze for
 * 5 s, redrawing the whole sparkline per progress tick); the 100 ms budget is measured by
 * bench/bench-window on an otherwise idle machine, since tests share 2 cores with a sanitizer
 * build and Xvfb. */
static void
test_main_loop_responsive_while_tracing (void)
{
  HeapglassWindow *window = new_window ();

  heapglass_window_set_code (window, "n = 0\nwhile True:\n    n += 1\n", "forever.py");
  heapglass_window_run (window);
  hg_test_reset_longest_iteration ();
  g_assert_true (hg_test_spin_until (has_some_steps, window, 30));
  hg_test_spin_for (2000);
  g_test_message ("longest main-loop iteration while tracing %u steps: %.1f ms",
                  heapglass_trace_get_n_steps (heapglass_window_get_trace (window)),
                  hg_test_longest_iteration_us () / 1000.0);
  heapglass_window_stop (window);
  g_assert_true (hg_test_spin_until (hg_test_window_run_is_over, window, 30));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_cmpint (hg_test_longest_iteration_us (), <, 3 * 1000 * 1000);
}

int
main (int argc, char *argv[])
{
  int status;

  /* No session bus under Xvfb: keep GTK's accessibility bridge from looking for one (its
   * warning would be fatal here). */
  g_setenv ("GTK_A11Y", "none", TRUE);
  /* Xvfb has no GPU: GL through llvmpipe makes every frame slow on a busy machine, and the
   * timings below are about the app, not about software GL. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  gtk_test_init (&argc, &argv, NULL);
  app = heapglass_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add ("/window/aliasing/run-opens-at-first-step", AliasingWindow, NULL, aliasing_set_up,
              test_run_opens_at_first_step, aliasing_tear_down);
  g_test_add ("/window/aliasing/one-list-two-names", AliasingWindow, NULL, aliasing_set_up,
              test_one_list_two_names, aliasing_tear_down);
  g_test_add ("/window/aliasing/click-name-inspects-list", AliasingWindow, NULL, aliasing_set_up,
              test_click_name_inspects_list, aliasing_tear_down);
  g_test_add ("/window/aliasing/copy-diagram", AliasingWindow, NULL, aliasing_set_up,
              test_copy_diagram, aliasing_tear_down);
  g_test_add ("/window/aliasing/export-step-and-run", AliasingWindow, NULL, aliasing_set_up,
              test_export_step_and_run, aliasing_tear_down);
  g_test_add ("/window/step/back-and-forward-mark-lines", AliasingWindow, NULL, aliasing_set_up,
              test_step_back_and_forward, aliasing_tear_down);
  g_test_add ("/window/step/gutter-jumps-to-line", AliasingWindow, NULL, aliasing_set_up,
              test_gutter_jumps_to_line, aliasing_tear_down);
  g_test_add ("/window/step/over-and-out", AliasingWindow, NULL, aliasing_set_up,
              test_step_over_and_out, aliasing_tear_down);
  g_test_add ("/window/play/runs-to-the-end", AliasingWindow, NULL, aliasing_set_up,
              test_play_runs_to_the_end, aliasing_tear_down);
  g_test_add ("/window/output/last-step-has-all-output", AliasingWindow, NULL, aliasing_set_up,
              test_last_step_has_all_output, aliasing_tear_down);
  g_test_add_func ("/window/stop/keeps-partial-trace", test_stop_keeps_partial_trace);
  g_test_add_func ("/window/input/prompt-answered", test_input_prompt_answered);
  g_test_add_func ("/window/ending/syntax-error-marked", test_syntax_error_marked);
  g_test_add_func ("/window/ending/exception-in-banner", test_exception_told_in_banner);

  g_test_add_func ("/window/tracing/main-loop-responsive", test_main_loop_responsive_while_tracing);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
