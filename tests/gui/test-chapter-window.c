/* test-chapter-window.c: the chapter in the window, as a learner goes through Exercise 2: pick it,
 * reveal the solution, run it and meet the TypeError, then fix it with a list subclass and watch
 * the weak reference die. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "heapglass-application.h"
#include "heapglass-canvas.h"
#include "heapglass-chapter-sidebar.h"
#include "heapglass-inspector.h"
#include "heapglass-output-pane.h"
#include "heapglass-scene.h"
#include "heapglass-window.h"
#include "heapglass-test-gtk.h"

static HeapglassApplication *app;

static void
on_chapter_loaded (HeapglassWindow *window, gboolean ok, gpointer user_data)
{
  *(int *)user_data = ok ? 1 : -1;
}

static gboolean
flag_set (gpointer data)
{
  return *(int *)data != 0;
}

static HeapglassWindow *
open_chapter (const char *dir_variable, const char *name)
{
  HeapglassWindow *window = heapglass_window_new (app);
  g_autofree char *path = g_build_filename (g_getenv (dir_variable), name, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  int loaded = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 860);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (window, "chapter-loaded", G_CALLBACK (on_chapter_loaded), &loaded);
  heapglass_window_open_file (window, file);
  g_assert_true (hg_test_spin_until (flag_set, &loaded, 30));
  g_assert_cmpint (loaded, ==, 1);
  g_signal_handlers_disconnect_by_data (window, &loaded);
  g_assert_nonnull (heapglass_window_get_chapter (window));
  hg_test_spin_for (100);
  return window;
}

static char *
replace (const char *text, const char *old, const char *new_text)
{
  g_auto (GStrv) parts = g_strsplit (text, old, -1);

  return g_strjoinv (new_text, parts);
}

static const HeapglassObjectView *
find_weakref (HeapglassSnapshot *snapshot)
{
  for (guint i = 0; i < snapshot->n_objects; i++)
    if (snapshot->objects[i].kind == HG_KIND_WEAKREF)
      return &snapshot->objects[i];
  return NULL;
}

static void
test_exercise2_solution_then_subclass (void)
{
  HeapglassWindow *window = open_chapter ("HEAPGLASS_SEED_DIR", "stack-and-heap-overview.md");
  HeapglassChapterSidebar *sidebar
      = HEAPGLASS_CHAPTER_SIDEBAR (heapglass_window_get_sidebar (window));
  HeapglassChapter *chapter = heapglass_window_get_chapter (window);
  HeapglassOutputPane *pane = HEAPGLASS_OUTPUT_PANE (heapglass_window_get_output_pane (window));
  HeapglassTrace *trace;
  const HeapglassChapterBlock *exercise, *solution;
  g_autofree char *code = NULL;
  g_autofree char *subclassed = NULL;
  g_autofree char *with_class = NULL;
  g_autofree char *output = NULL;
  g_autofree char *shot = NULL;
  g_autoptr (HeapglassSnapshot) last = NULL;
  const HeapglassObjectView *weak;
  const char *banner;
  int index;

  /* Pick Exercise 2: its statement, an empty editor, and a solution to reveal. */
  index = heapglass_chapter_sidebar_find_block (sidebar, "Exercise 2");
  g_assert_cmpint (index, >=, 0);
  g_assert_true (heapglass_chapter_sidebar_activate_block (sidebar, (guint)index));
  hg_test_spin_for (50);
  g_assert_cmpint (heapglass_window_get_block (window), ==, index);
  code = heapglass_window_get_code (window);
  g_assert_cmpstr (code, ==, "");
  g_clear_pointer (&code, g_free);
  exercise = heapglass_chapter_get_block (chapter, (guint)index);
  g_assert_cmpint (exercise->solution, >=, 0);
  solution = heapglass_chapter_get_block (chapter, (guint)exercise->solution);

  heapglass_window_reveal_solution (window);
  code = heapglass_window_get_code (window);
  g_assert_cmpstr (code, ==, solution->code);

  /* As written, weakref.ref(list) raises: the banner says so. */
  hg_test_window_run_and_wait (window, 60);
  hg_test_spin_for (50);
  trace = heapglass_window_get_trace (window);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_EXCEPTION);
  g_assert_cmpstr (heapglass_trace_get_exception_type (trace), ==, "TypeError");
  banner = heapglass_window_get_banner_text (window);
  g_assert_nonnull (banner);
  g_assert_nonnull (strstr (banner, "TypeError"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-end", NULL);
  hg_test_spin_for (100);
  shot = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "chapter-exercise2-typeerror.png", NULL);
  hg_test_save_widget_png (GTK_WIDGET (window), shot, 1.0);
  g_clear_pointer (&shot, g_free);

  /* The learner's fix: a list subclass can be weakly referenced. */
  g_assert_nonnull (strstr (code, "list(range(1000))"));
  subclassed = replace (code, "list(range(1000))", "Data(range(1000))");
  with_class
      = replace (subclassed, "import weakref\n", "import weakref\n\nclass Data(list):\n    pass\n");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.edit", NULL);
  g_assert_true (
      gtk_text_view_get_editable (GTK_TEXT_VIEW (heapglass_window_get_code_view (window))));
  gtk_text_buffer_set_text (
      gtk_text_view_get_buffer (GTK_TEXT_VIEW (heapglass_window_get_code_view (window))),
      with_class, -1);

  hg_test_window_run_and_wait (window, 60);
  hg_test_spin_for (50);
  trace = heapglass_window_get_trace (window);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_FINISHED);
  g_assert_null (heapglass_window_get_banner_text (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.step-last", NULL);
  hg_test_spin_for (100);
  output = heapglass_output_pane_get_text (pane);
  g_assert_nonnull (strstr (output, "Weak ref alive: True"));
  g_assert_nonnull (strstr (output, "After del: False"));

  /* At the end the weak reference is drawn dead: its referent is gone. */
  last = heapglass_trace_snapshot (trace, heapglass_trace_get_n_steps (trace));
  weak = find_weakref (last);
  g_assert_nonnull (weak);
  g_assert_cmpuint (weak->referent, ==, 0);
  g_assert_true (weak->was_weakref_target);

  /* A step before `del result`: alive, for the picture. */
  {
    guint del_step = 0;
    guint n = heapglass_trace_get_n_steps (trace);
    g_autofree char *docs = NULL;

    for (guint s = n; s >= 1; s--)
      {
        g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, s);
        const HeapglassObjectView *w = find_weakref (snap);

        if (w != NULL && w->referent != 0)
          {
            del_step = s;
            break;
          }
      }
    g_assert_cmpuint (del_step, >, 0);
    heapglass_window_set_step (window, del_step);
    hg_test_spin_for (150);
    shot = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "chapter-exercise2-weakref.png", NULL);
    hg_test_save_widget_png (GTK_WIDGET (window), shot, 1.0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static guint
count_frames (HeapglassScene *scene)
{
  guint n = 0;

  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    if (heapglass_scene_get_item (scene, i)->kind == HEAPGLASS_SCENE_FRAME)
      n++;
  return n;
}

/* The bundled tour's chain of calls, in the middle of the second inner call: three frames, a
 * grid with one row already in it and a second row about to be returned (the README's picture). */
static void
test_tour_chain_of_calls (void)
{
  HeapglassWindow *window = open_chapter ("HEAPGLASS_EXAMPLES_DIR", "heapglass-tour.md");
  HeapglassChapterSidebar *sidebar
      = HEAPGLASS_CHAPTER_SIDEBAR (heapglass_window_get_sidebar (window));
  HeapglassCanvas *canvas = HEAPGLASS_CANVAS (heapglass_window_get_canvas (window));
  HeapglassTrace *trace;
  HeapglassScene *scene;
  const HeapglassSceneItem *frame = NULL;
  g_autofree char *shot = NULL;
  guint step;
  int index;

  index = heapglass_chapter_sidebar_find_block (sidebar, "Frames › A chain of calls");
  g_assert_cmpint (index, >=, 0);
  g_assert_true (heapglass_chapter_sidebar_activate_block (sidebar, (guint)index));
  hg_test_window_run_and_wait (window, 60);
  hg_test_spin_for (50);
  trace = heapglass_window_get_trace (window);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_FINISHED);

  /* `return row` (line 3) the second time. */
  step = 0;
  for (guint s = 1, seen = 0; s <= heapglass_trace_get_n_steps (trace); s++)
    if (heapglass_trace_get_step_line (trace, s) == 3
        && heapglass_trace_get_step_event (trace, s) == HEAPGLASS_EVENT_LINE && ++seen == 2)
      {
        step = s;
        break;
      }
  g_assert_cmpuint (step, >, 0);
  heapglass_window_set_step (window, step);
  hg_test_spin_for (100);
  scene = heapglass_canvas_get_scene (canvas);
  g_assert_nonnull (scene);
  g_assert_cmpuint (count_frames (scene), ==, 3);

  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);

      if (item->kind == HEAPGLASS_SCENE_FRAME && g_strcmp0 (item->name, "make_grid") == 0)
        frame = item;
    }
  g_assert_nonnull (frame);
  {
    const HeapglassSceneItem *grid = heapglass_scene_find_name (scene, frame->frame_id, "grid");

    g_assert_nonnull (grid);
    g_assert_true (heapglass_canvas_click_scene_point (canvas, grid->x + grid->width / 2,
                                                       grid->y + grid->height / 2));
    g_assert_cmpuint (heapglass_canvas_get_selected_oid (canvas), ==, grid->oid);

    /* The inspector asks for another object (a link in "referred to by"): the window selects
     * it on the canvas and the inspector follows. */
    {
      const HeapglassSceneItem *row_frame = NULL;
      const HeapglassSceneItem *row;
      HeapglassInspector *inspector = HEAPGLASS_INSPECTOR (heapglass_window_get_inspector (window));

      for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
        {
          const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);

          if (item->kind == HEAPGLASS_SCENE_FRAME && g_strcmp0 (item->name, "make_row") == 0)
            row_frame = item;
        }
      g_assert_nonnull (row_frame);
      row = heapglass_scene_find_name (scene, row_frame->frame_id, "row");
      g_assert_nonnull (row);
      g_signal_emit_by_name (inspector, "select-object", row->oid);
      hg_test_spin_for (50);
      g_assert_cmpuint (heapglass_canvas_get_selected_oid (canvas), ==, row->oid);
      g_assert_cmpuint (heapglass_inspector_get_oid (inspector), ==, row->oid);
      g_assert_true (heapglass_canvas_click_scene_point (canvas, grid->x + grid->width / 2,
                                                         grid->y + grid->height / 2));
    }
  }
  heapglass_canvas_zoom_fit (canvas);
  hg_test_spin_for (300);
  shot = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "tour-chain-of-calls.png", NULL);
  hg_test_save_widget_png (GTK_WIDGET (window), shot, 1.0);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Every runnable block of a chapter, run in the window as a learner would click through it: each
 * ends with a told ending, and a screenshot of its last step is kept for a human to look at. */
static void
run_every_block (const char *dir_variable, const char *name, const char *shot_prefix)
{
  HeapglassWindow *window = open_chapter (dir_variable, name);
  HeapglassChapter *chapter = heapglass_window_get_chapter (window);
  guint n_blocks = heapglass_chapter_get_n_blocks (chapter);
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "chapter-shots", NULL);
  guint n_run = 0;

  g_mkdir_with_parents (dir, 0755);
  for (guint i = 0; i < n_blocks; i++)
    {
      const HeapglassChapterBlock *block = heapglass_chapter_get_block (chapter, i);
      HeapglassTrace *trace;
      g_autofree char *file = NULL;
      g_autofree char *path = NULL;

      if (block->kind == HEAPGLASS_BLOCK_EXERCISE)
        continue;
      if (block->kind == HEAPGLASS_BLOCK_SOLUTION)
        {
          heapglass_window_show_block (window, (guint)block->exercise);
          heapglass_window_reveal_solution (window);
        }
      else
        heapglass_window_show_block (window, i);
      hg_test_window_run_and_wait (window, 120);
      hg_test_spin_for (30);
      trace = heapglass_window_get_trace (window);
      g_assert_nonnull (trace);
      g_assert_cmpint (heapglass_trace_get_ending (trace), !=, HG_END_NONE);
      g_assert_cmpint (heapglass_trace_get_ending (trace), !=, HG_END_CRASHED);
      /* Anything but a plain finish is told in the banner. */
      if (heapglass_trace_get_ending (trace) != HG_END_FINISHED)
        g_assert_nonnull (heapglass_window_get_banner_text (window));
      g_test_message ("%s: %u steps, %s%s%s", block->title, heapglass_trace_get_n_steps (trace),
                      heapglass_ending_to_string (heapglass_trace_get_ending (trace)),
                      heapglass_window_get_banner_text (window) ? " — " : "",
                      heapglass_window_get_banner_text (window)
                          ? heapglass_window_get_banner_text (window)
                          : "");
      gtk_widget_activate_action (GTK_WIDGET (window), "win.step-last", NULL);
      hg_test_spin_for (60);
      file = g_strdup_printf ("%s-%02u.png", shot_prefix, i);
      path = g_build_filename (dir, file, NULL);
      hg_test_save_widget_png (GTK_WIDGET (window), path, 1.0);
      n_run++;
    }
  g_assert_cmpuint (n_run, >, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_seed_every_block_runs (void)
{
  run_every_block ("HEAPGLASS_SEED_DIR", "stack-and-heap-overview.md", "seed");
}

static void
test_tour_every_block_runs (void)
{
  run_every_block ("HEAPGLASS_EXAMPLES_DIR", "heapglass-tour.md", "tour");
}

/* What the learner typed in an exercise survives choosing another block and revealing the
 * solution: choosing the exercise again brings it back. */
static void
test_exercise_draft_kept (void)
{
  HeapglassWindow *window = open_chapter ("HEAPGLASS_EXAMPLES_DIR", "heapglass-tour.md");
  HeapglassChapterSidebar *sidebar
      = HEAPGLASS_CHAPTER_SIDEBAR (heapglass_window_get_sidebar (window));
  GtkTextBuffer *buffer
      = gtk_text_view_get_buffer (GTK_TEXT_VIEW (heapglass_window_get_code_view (window)));
  const char *typed = "items = [1, 2]\nsame = items\n";
  g_autofree char *code = NULL;
  int exercise = heapglass_chapter_sidebar_find_block (sidebar, "Exercise 1");

  g_assert_cmpint (exercise, >=, 0);
  g_assert_true (heapglass_chapter_sidebar_activate_block (sidebar, (guint)exercise));
  gtk_text_buffer_set_text (buffer, typed, -1);
  heapglass_window_reveal_solution (window);
  code = heapglass_window_get_code (window);
  g_assert_cmpstr (code, !=, typed);
  g_clear_pointer (&code, g_free);

  g_assert_true (heapglass_chapter_sidebar_activate_block (sidebar, 0));
  code = heapglass_window_get_code (window);
  g_assert_cmpstr (code, !=, typed);
  g_clear_pointer (&code, g_free);

  g_assert_true (heapglass_chapter_sidebar_activate_block (sidebar, (guint)exercise));
  code = heapglass_window_get_code (window);
  g_assert_cmpstr (code, ==, typed);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The same window in the dark style, and the preferences over it: screenshots to look at. */
static void
test_tour_dark_and_preferences (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  HeapglassWindow *window;
  HeapglassChapterSidebar *sidebar;
  g_autofree char *shot = NULL;
  g_autofree char *prefs_shot = NULL;
  GtkWindow *prefs = NULL;
  GList *windows;
  int index;

  window = open_chapter ("HEAPGLASS_EXAMPLES_DIR", "heapglass-tour.md");
  sidebar = HEAPGLASS_CHAPTER_SIDEBAR (heapglass_window_get_sidebar (window));
  index
      = heapglass_chapter_sidebar_find_block (sidebar, "Names and Objects › Two names, one object");
  g_assert_cmpint (index, >=, 0);
  g_assert_true (heapglass_chapter_sidebar_activate_block (sidebar, (guint)index));
  hg_test_window_run_and_wait (window, 60);
  heapglass_window_jump_to_line (window, 4, FALSE);
  hg_test_spin_for (100);
  {
    /* Click `bag`: the one list is selected, with both names that refer to it. */
    HeapglassCanvas *canvas = HEAPGLASS_CANVAS (heapglass_window_get_canvas (window));
    HeapglassScene *scene = heapglass_canvas_get_scene (canvas);
    const HeapglassSceneItem *bag = NULL;
    g_autofree char *light
        = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "tour-two-names.png", NULL);

    for (guint i = 0; scene != NULL && i < heapglass_scene_get_n_items (scene); i++)
      {
        const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);

        if (item->kind == HEAPGLASS_SCENE_NAME && g_strcmp0 (item->name, "bag") == 0)
          bag = item;
      }
    g_assert_nonnull (bag);
    g_assert_true (heapglass_canvas_click_scene_point (canvas, bag->x + bag->width / 2,
                                                       bag->y + bag->height / 2));
    hg_test_spin_for (300);
    hg_test_save_widget_png (GTK_WIDGET (window), light, 1.0);
  }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  hg_test_spin_for (200);
  g_assert_true (
      heapglass_canvas_get_dark (HEAPGLASS_CANVAS (heapglass_window_get_canvas (window))));
  shot = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "tour-dark.png", NULL);
  hg_test_save_widget_png (GTK_WIDGET (window), shot, 1.0);

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  hg_test_spin_for (300);
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  for (GList *l = windows; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, ADW_TYPE_PREFERENCES_WINDOW))
      prefs = l->data;
  g_assert_nonnull (prefs);
  g_assert_true (gtk_window_get_transient_for (prefs) == GTK_WINDOW (window));
  prefs_shot = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "preferences.png", NULL);
  hg_test_save_widget_png (GTK_WIDGET (prefs), prefs_shot, 1.0);
  gtk_window_destroy (prefs);

  /* The keyboard shortcuts window (Ctrl+?) is there and builds. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  hg_test_spin_for (300);
  {
    GtkShortcutsWindow *help
        = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
    g_autofree char *help_shot
        = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "shortcuts.png", NULL);

    g_assert_nonnull (help);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (help)));
    hg_test_save_widget_png (GTK_WIDGET (help), help_shot, 1.0);
    gtk_widget_set_visible (GTK_WIDGET (help), FALSE);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_missing_chapter_told (void)
{
  HeapglassWindow *window = heapglass_window_new (app);
  g_autoptr (GFile) file = g_file_new_for_path ("/nonexistent/chapter.md");
  int loaded = 0;

  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (window, "chapter-loaded", G_CALLBACK (on_chapter_loaded), &loaded);
  heapglass_window_open_file (window, file);
  g_assert_true (hg_test_spin_until (flag_set, &loaded, 30));
  g_assert_cmpint (loaded, ==, -1);
  g_assert_nonnull (heapglass_window_get_banner_text (window));
  g_assert_null (heapglass_window_get_chapter (window));
  gtk_window_destroy (GTK_WINDOW (window));
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
  /* libadwaita 1.2's AdwFlap reports a natural width below its minimum while its sidebar slides
   * in; on a busy machine a frame lands mid-slide and the warning is fatal here. These tests are
   * about the chapter, not the slide. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  app = heapglass_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/chapter-window/exercise-2/typeerror-then-weakref-dies",
                   test_exercise2_solution_then_subclass);
  g_test_add_func ("/chapter-window/tour/chain-of-calls", test_tour_chain_of_calls);
  g_test_add_func ("/chapter-window/seed/every-block-runs", test_seed_every_block_runs);
  g_test_add_func ("/chapter-window/tour/every-block-runs", test_tour_every_block_runs);
  g_test_add_func ("/chapter-window/exercise/draft-kept", test_exercise_draft_kept);
  g_test_add_func ("/chapter-window/tour/dark-and-preferences", test_tour_dark_and_preferences);
  g_test_add_func ("/chapter-window/open/missing-file-told", test_missing_chapter_told);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
