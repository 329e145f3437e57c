/* test-teach-window.c: the teaching tools in the real window under Xvfb: breakpoints from a
 * chapter comment, F9 and Continue / Reverse Continue; a hidden name; the Call Tree panel
 * following the step and seeking; a pinned step compared with the current one; Predict mode
 * scoring and skipping. */
#include "config.h"

#include <adwaita.h>
#include <gif_lib.h>
#include <gtksourceview/gtksource.h>
#include <string.h>

#include "heapglass-application.h"
#include "heapglass-canvas.h"
#include "heapglass-narration.h"
#include "heapglass-window-teach.h"
#include "heapglass-test-gtk.h"

static HeapglassApplication *app;

static const char code[] = "def grow(items):\n"                            /* 1 */
                           "    items.append(len(items))\n"                /* 2 */
                           "\n"                                            /* 3 */
                           "data = []\n"                                   /* 4 */
                           "for i in range(3):\n"                          /* 5 */
                           "    grow(data)  # heapglass: break\n"          /* 6 */
                           "secret = 'hidden'  # heapglass: hide secret\n" /* 7 */
                           "print(len(data))\n";                           /* 8 */

typedef struct
{
  HeapglassWindow *window;
  HeapglassTrace *trace;
} Fixture;

static gboolean
diagram_shown (gpointer data)
{
  HeapglassWindow *window = HEAPGLASS_WINDOW (data);

  return heapglass_window_get_step (window) >= 1
         && heapglass_canvas_get_scene (HEAPGLASS_CANVAS (heapglass_window_get_canvas (window)))
                != NULL;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->window = heapglass_window_new (app);
  gtk_window_present (GTK_WINDOW (f->window));
  hg_test_spin_for (100);
  heapglass_window_set_code (f->window, code, "grow.py");
  hg_test_window_run_and_wait (f->window, 60);
  g_assert_true (hg_test_spin_until (diagram_shown, f->window, 30));
  hg_test_spin_for (50);
  f->trace = heapglass_window_get_trace (f->window);
  g_assert_nonnull (f->trace);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  hg_test_spin_for (20);
}

static void
activate (Fixture *f, const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), action, NULL));
  hg_test_spin_for (30);
}

static guint
step_line (Fixture *f)
{
  return heapglass_trace_get_step_line (f->trace, heapglass_window_get_step (f->window));
}

static guint
module_frame (Fixture *f)
{
  g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (f->trace, 1);
  return snap->frames[0].frame_id;
}

/* `# heapglass: break` puts a breakpoint on its line; Continue stops there each time round the
 * loop, then says there is no more; Reverse Continue goes back. */
static void
test_breakpoint_from_comment (Fixture *f, gconstpointer data)
{
  HeapglassBreakpoints *bp = heapglass_window_get_breakpoints (f->window);
  guint hits[3];

  g_assert_true (heapglass_breakpoints_contains (bp, 6));
  g_assert_cmpuint (heapglass_breakpoints_get_n_lines (bp), ==, 1);
  heapglass_window_set_step (f->window, 1);
  for (guint i = 0; i < 3; i++)
    {
      activate (f, "teach.continue");
      g_assert_cmpuint (step_line (f), ==, 6);
      hits[i] = heapglass_window_get_step (f->window);
      g_assert_true (i == 0 || hits[i] > hits[i - 1]);
    }
  /* no fourth hit: the step stays */
  activate (f, "teach.continue");
  g_assert_cmpuint (heapglass_window_get_step (f->window), ==, hits[2]);
  activate (f, "teach.reverse-continue");
  g_assert_cmpuint (heapglass_window_get_step (f->window), ==, hits[1]);
}

/* F9's action toggles a breakpoint on the cursor's line, drawn in the gutter. */
static void
test_toggle_at_cursor (Fixture *f, gconstpointer data)
{
  GtkSourceView *view = GTK_SOURCE_VIEW (heapglass_window_get_code_view (f->window));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  HeapglassBreakpoints *bp = heapglass_window_get_breakpoints (f->window);
  GtkTextIter iter;
  GSList *marks;

  gtk_text_buffer_get_iter_at_line (buffer, &iter, 7);
  gtk_text_buffer_place_cursor (buffer, &iter);
  activate (f, "teach.toggle-breakpoint");
  g_assert_true (heapglass_breakpoints_contains (bp, 8));
  marks = gtk_source_buffer_get_source_marks_at_line (GTK_SOURCE_BUFFER (buffer), 7,
                                                      "heapglass-breakpoint");
  g_assert_cmpuint (g_slist_length (marks), ==, 1);
  g_slist_free (marks);
  activate (f, "teach.toggle-breakpoint");
  g_assert_false (heapglass_breakpoints_contains (bp, 8));
}

/* `# heapglass: hide secret` leaves the name out of the diagram; the others stay. */
static void
test_hidden_name (Fixture *f, gconstpointer data)
{
  HeapglassCanvas *canvas = HEAPGLASS_CANVAS (heapglass_window_get_canvas (f->window));
  HeapglassScene *scene;

  heapglass_window_set_step (f->window, heapglass_trace_get_n_steps (f->trace));
  hg_test_spin_for (50);
  scene = heapglass_canvas_get_scene (canvas);
  g_assert_nonnull (scene);
  g_assert_nonnull (heapglass_scene_find_name (scene, module_frame (f), "data"));
  g_assert_null (heapglass_scene_find_name (scene, module_frame (f), "secret"));
}

/* The panel shows the run's calls, selects the running one, and a click goes to a call. */
static void
test_call_tree_panel (Fixture *f, gconstpointer data)
{
  HeapglassCallTreePanel *panel = heapglass_window_get_call_tree_panel (f->window);
  HeapglassCallTree *tree;
  guint second_grow, step;

  activate (f, "teach.call-tree");
  tree = heapglass_call_tree_panel_get_tree (panel);
  g_assert_nonnull (tree);
  g_assert_cmpuint (heapglass_call_tree_get_n_calls (tree), ==, 4);
  second_grow = heapglass_call_tree_get_child (tree, heapglass_call_tree_get_root (tree, 0), 1);
  step = heapglass_call_tree_get_first_step (tree, second_grow) + 1;
  heapglass_window_set_step (f->window, step);
  hg_test_spin_for (50);
  g_assert_cmpuint (heapglass_call_tree_panel_get_selected_call (panel), ==, second_grow);

  /* the first grow() is row 1 (the module is row 0) */
  g_signal_emit_by_name (heapglass_call_tree_panel_get_list_view (panel), "activate", 1);
  hg_test_spin_for (30);
  g_assert_cmpuint (
      heapglass_window_get_step (f->window), ==,
      heapglass_call_tree_get_first_step (
          tree, heapglass_call_tree_get_child (tree, heapglass_call_tree_get_root (tree, 0), 0)));
}

/* Pinning the first loop step and moving to the print marks the appended list as changed and
 * `i` as rebound, and says so in words. */
static void
test_pin_and_compare (Fixture *f, gconstpointer data)
{
  HeapglassMarks *marks = heapglass_window_get_marks (f->window);
  guint pinned = heapglass_trace_find_line (f->trace, 6, 0, FALSE);
  guint later = heapglass_trace_find_line (f->trace, 8, 0, FALSE);
  HeapglassMarkKind kind;
  g_autoptr (HeapglassSnapshot) snap = NULL;
  guint64 list = 0;

  heapglass_window_set_step (f->window, pinned);
  hg_test_spin_for (30);
  activate (f, "teach.pin-step");
  g_assert_cmpuint (heapglass_window_get_pinned_step (f->window), ==, pinned);
  heapglass_window_set_step (f->window, later);
  hg_test_spin_for (50);

  snap = heapglass_trace_snapshot (f->trace, later);
  for (guint i = 0; i < snap->frames[0].n_bindings; i++)
    if (g_str_equal (snap->frames[0].names[i], "data"))
      list = snap->frames[0].oids[i];
  g_assert_true (heapglass_marks_get_object (marks, list, &kind));
  g_assert_cmpint (kind, ==, HEAPGLASS_MARK_CHANGED);
  g_assert_true (heapglass_marks_get_name (marks, module_frame (f), "i", &kind));
  g_assert_cmpint (kind, ==, HEAPGLASS_MARK_REBOUND);
  g_assert_false (heapglass_marks_get_name (marks, module_frame (f), "data", NULL));
  g_assert_true (
      g_str_has_prefix (heapglass_window_get_teach_text (f->window), "Compared with step"));

  activate (f, "teach.pin-step");
  g_assert_cmpuint (heapglass_window_get_pinned_step (f->window), ==, 0);
  g_assert_cmpuint (heapglass_marks_get_n_marks (marks), ==, 0);
}

typedef struct
{
  GtkAccessible *canvas;
  const char *description;
} Description;

static void
assert_says (const char *text, const char *part)
{
  if (text == NULL || strstr (text, part) == NULL)
    g_error ("“%s” does not say “%s”", text, part);
}

static gboolean
description_is (gpointer data)
{
  Description *d = data;
  g_autofree char *error = gtk_test_accessible_check_property (
      d->canvas, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, d->description);
  return error == NULL;
}

/* While a step is pinned, the canvas's narration (its accessible description) goes on with what
 * differs from the pinned step, and its announcement says it too; unpinned, it is the step's own
 * narration again. */
static void
test_compare_narrated (Fixture *f, gconstpointer data)
{
  HeapglassCanvas *canvas = HEAPGLASS_CANVAS (heapglass_window_get_canvas (f->window));
  guint pinned = heapglass_trace_find_line (f->trace, 6, 0, FALSE);
  guint later = heapglass_trace_find_line (f->trace, 8, 0, FALSE);
  g_autoptr (HeapglassStepDiff) diff = heapglass_step_diff_new (f->trace, pinned, later);
  g_autofree char *words = heapglass_narration_describe_comparison (diff);
  g_autofree char *step_words = heapglass_narration_describe (f->trace, later);
  g_autofree char *both = g_strconcat (step_words, " ", words, NULL);
  Description d = { GTK_ACCESSIBLE (canvas), both };

  g_assert_true (g_str_has_prefix (words, "Compared with step"));
  assert_says (words, "i refers to the int 2");
  heapglass_window_set_step (f->window, pinned);
  hg_test_spin_for (30);
  activate (f, "teach.pin-step");
  heapglass_window_set_step (f->window, later);
  g_assert_true (hg_test_spin_until (description_is, &d, 10));
  g_assert_true (g_str_has_suffix (heapglass_canvas_get_announcement (canvas), words));

  activate (f, "teach.pin-step");
  d.description = step_words;
  g_assert_true (hg_test_spin_until (description_is, &d, 10));
  g_assert_null (strstr (heapglass_canvas_get_announcement (canvas), "Compared"));
}

/* A checked prediction is announced in words and told after the narration of the step it was
 * about; the next guess clears it. */
static void
test_predict_narrated (Fixture *f, gconstpointer data)
{
  HeapglassCanvas *canvas = HEAPGLASS_CANVAS (heapglass_window_get_canvas (f->window));
  guint before_append = heapglass_trace_find_line (f->trace, 2, 0, FALSE);
  g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (f->trace, before_append);
  const HeapglassFrameView *grow = &snap->frames[snap->n_frames - 1];
  g_autofree char *step_words = heapglass_narration_describe (f->trace, before_append + 1);
  g_autofree char *both = NULL;
  const char *announced, *result;
  Description d = { GTK_ACCESSIBLE (canvas), NULL };

  heapglass_window_set_step (f->window, before_append);
  hg_test_spin_for (30);
  activate (f, "teach.predict");
  heapglass_window_predict_toggle_object (f->window, grow->oids[0]);
  heapglass_window_predict_toggle_name (f->window, grow->frame_id, "items");
  activate (f, "teach.predict-check");
  announced = heapglass_canvas_get_announcement (canvas);
  assert_says (announced, "1 of 2 predictions right.");
  result = strstr (announced, "1 of 2 predictions right.");
  assert_says (result, "Right: the list [0] changed.");
  assert_says (result, "Wrong: items was not rebound.");
  both = g_strconcat (step_words, " ", result, NULL);
  d.description = both;
  g_assert_true (hg_test_spin_until (description_is, &d, 10));

  /* a new guess: the result is no longer told */
  heapglass_window_predict_toggle_object (f->window, grow->oids[0]);
  g_assert_null (strstr (heapglass_canvas_get_announcement (canvas), "predictions right"));
}

/* Predict mode: a right guess scores, the step moves on with a "right" mark; a step with no
 * guess where something changes scores nothing; Skip moves on without scoring. */
static void
test_predict_scores (Fixture *f, gconstpointer data)
{
  HeapglassMarks *marks = heapglass_window_get_marks (f->window);
  guint before_append = heapglass_trace_find_line (f->trace, 2, 0, FALSE);
  g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (f->trace, before_append);
  const HeapglassFrameView *grow = &snap->frames[snap->n_frames - 1];
  guint64 list = grow->oids[0];
  guint right = 9, checked = 9;
  HeapglassMarkKind kind;
  guint step;

  heapglass_window_set_step (f->window, before_append);
  hg_test_spin_for (30);
  activate (f, "teach.predict");
  heapglass_window_get_predict_score (f->window, &right, &checked);
  g_assert_cmpuint (checked, ==, 0);
  g_assert_true (heapglass_window_predict_toggle_object (f->window, list));
  g_assert_true (heapglass_marks_get_object (marks, list, &kind));
  g_assert_cmpint (kind, ==, HEAPGLASS_MARK_GUESS);

  activate (f, "teach.predict-check");
  g_assert_cmpuint (heapglass_window_get_step (f->window), ==, before_append + 1);
  heapglass_window_get_predict_score (f->window, &right, &checked);
  g_assert_cmpuint (right, ==, 1);
  g_assert_cmpuint (checked, ==, 1);
  g_assert_true (heapglass_marks_get_object (marks, list, &kind));
  g_assert_cmpint (kind, ==, HEAPGLASS_MARK_RIGHT);
  g_assert_nonnull (strstr (heapglass_window_get_teach_text (f->window), "1 of 1"));

  /* Skip: moves on, the score stays */
  step = heapglass_window_get_step (f->window);
  activate (f, "teach.predict-skip");
  g_assert_cmpuint (heapglass_window_get_step (f->window), ==, step + 1);
  heapglass_window_get_predict_score (f->window, &right, &checked);
  g_assert_cmpuint (checked, ==, 1);

  /* the last loop step before print: nothing guessed, but print's line is missed */
  heapglass_window_set_step (f->window, heapglass_trace_find_line (f->trace, 8, 0, FALSE));
  hg_test_spin_for (30);
  activate (f, "teach.predict-check");
  heapglass_window_get_predict_score (f->window, &right, &checked);
  g_assert_cmpuint (right, ==, 1);
  g_assert_cmpuint (checked, ==, 2);
  g_assert_nonnull (strstr (heapglass_window_get_teach_text (f->window), "it printed “3”"));

  activate (f, "teach.predict");
  g_assert_cmpuint (heapglass_marks_get_n_marks (marks), ==, 0);
  g_assert_null (heapglass_window_get_teach_text (f->window));
}

/* The window's export writes an animated GIF too: a frame per step of the range. */
static void
test_export_gif (Fixture *f, gconstpointer data)
{
  g_autofree char *path = hg_test_tmp_path ("window.gif");
  g_autoptr (GError) error = NULL;
  GifFileType *gif;
  int code = 0;

  g_assert_true (heapglass_window_export (f->window, path, 2, 6, &error));
  g_assert_no_error (error);
  gif = DGifOpenFileName (path, &code);
  g_assert_nonnull (gif);
  g_assert_cmpint (DGifSlurp (gif), ==, GIF_OK);
  g_assert_cmpint (gif->ImageCount, ==, 5);
  g_assert_cmpint (DGifCloseFile (gif, &code), ==, GIF_OK);
}

static gboolean
fib5_shown (gpointer window)
{
  return hg_test_find_text (GTK_WIDGET (window), "fib(n=5) → 5") != NULL;
}

/* The panel has slid in all the way (a picture taken mid-slide shows it cut at the edge). */
static gboolean
call_tree_panel_revealed (gpointer window)
{
  GtkWidget *panel = GTK_WIDGET (heapglass_window_get_call_tree_panel (window));
  GtkWidget *revealer = gtk_widget_get_ancestor (panel, GTK_TYPE_REVEALER);

  return gtk_revealer_get_child_revealed (GTK_REVEALER (revealer))
         && gtk_widget_get_width (revealer) >= gtk_widget_get_width (panel);
}

/* fib(5) in the window with the call tree open at its deepest step: the calls read as Python
 * (name, arguments, what they returned) and the window is saved as a picture to look at. */
static void
test_call_tree_fib (void)
{
  HeapglassWindow *window = heapglass_window_new (app);
  g_autofree char *shot
      = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "teach-call-tree.png", NULL);
  HeapglassTrace *trace;
  guint deepest = 0, step = 0, n;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  gtk_window_present (GTK_WINDOW (window));
  heapglass_window_set_code (window,
                             "def fib(n):\n"
                             "    if n < 2:\n"
                             "        return n\n"
                             "    return fib(n - 1) + fib(n - 2)\n"
                             "\n"
                             "print(fib(5))\n",
                             "fib.py");
  hg_test_window_run_and_wait (window, 60);
  trace = heapglass_window_get_trace (window);
  n = heapglass_trace_get_n_steps (trace);
  for (guint s = 1; s <= n; s++)
    if (heapglass_trace_get_step_depth (trace, s) > deepest)
      deepest = heapglass_trace_get_step_depth (trace, s), step = s;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "teach.call-tree", NULL));
  heapglass_window_set_step (window, step);
  /* the panel slides in and lays its rows out over a few frames */
  g_assert_true (hg_test_spin_until (fib5_shown, window, 10));
  g_assert_nonnull (hg_test_find_text (GTK_WIDGET (window), "fib(n=2) → 1"));
  g_assert_nonnull (hg_test_find_text (GTK_WIDGET (window), "… 4 calls"));
  g_assert_true (hg_test_spin_until (call_tree_panel_revealed, window, 10));
  hg_test_save_widget_png (GTK_WIDGET (window), shot, 1);
  g_test_message ("screenshot: %s", shot);
  gtk_window_destroy (GTK_WINDOW (window));
  hg_test_spin_for (20);
}

int
main (int argc, char *argv[])
{
  int status;

  g_setenv ("GTK_A11Y", "test", TRUE); /* the canvas's description is read */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  gtk_test_init (&argc, &argv, NULL);
  app = heapglass_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/teach/breakpoints/from-comment-continue-and-back", test_breakpoint_from_comment);
  ADD ("/teach/breakpoints/toggle-at-cursor", test_toggle_at_cursor);
  ADD ("/teach/hide/name-left-out", test_hidden_name);
  ADD ("/teach/call-tree/follows-and-seeks", test_call_tree_panel);
  ADD ("/teach/compare/pin-marks-differences", test_pin_and_compare);
  ADD ("/teach/predict/check-skip-score", test_predict_scores);
  ADD ("/teach/compare/narration-says-differences", test_compare_narrated);
  ADD ("/teach/predict/result-announced", test_predict_narrated);
  ADD ("/teach/export/animated-gif", test_export_gif);
#undef ADD
  g_test_add_func ("/teach/call-tree/fib-reads-as-python", test_call_tree_fib);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
