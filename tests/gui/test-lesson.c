/* test-lesson.c: the lesson around the diagram, as a learner meets it in a real window: the
 * chapter's explanation, the "calls none" note and Add a Call, Revert, Python indentation, steps
 * in words, grouped numbers, the sparkline's caption, the inspector's own pane and its cached
 * objects, output that follows and echoes input(), stepping keys and the sidebar's one Tab stop. */
#include "config.h"

#include <adwaita.h>
#include <gtksourceview/gtksource.h>
#include <string.h>

#include "heapglass-application.h"
#include "heapglass-canvas.h"
#include "heapglass-chapter-sidebar.h"
#include "heapglass-inspector.h"
#include "heapglass-output-pane.h"
#include "heapglass-preferences.h"
#include "heapglass-scene.h"
#include "heapglass-sparkline.h"
#include "heapglass-test-gtk.h"
#include "heapglass-test-keys.h"
#include "heapglass-timeline.h"
#include "heapglass-window.h"

static HeapglassApplication *app;

static gboolean
is_laid_out (gpointer data)
{
  return gtk_widget_get_width (GTK_WIDGET (data)) > 0;
}

static HeapglassWindow *
new_window (int width, int height)
{
  HeapglassWindow *window = heapglass_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  /* The first frame: sizes below are measured on a laid-out window. */
  g_assert_true (hg_test_spin_until (is_laid_out, window, 10));
  return window;
}

static HeapglassWindow *
open_seed (void)
{
  HeapglassWindow *window = new_window (1280, 800);
  g_autofree char *path
      = g_build_filename (g_getenv ("HEAPGLASS_SEED_DIR"), "stack-and-heap-overview.md", NULL);

  hg_test_window_open_and_wait (window, path, 30);
  return window;
}

static void
show_block (HeapglassWindow *window, const char *title)
{
  HeapglassChapterSidebar *sidebar
      = HEAPGLASS_CHAPTER_SIDEBAR (heapglass_window_get_sidebar (window));
  int index = heapglass_chapter_sidebar_find_block (sidebar, title);

  g_assert_cmpint (index, >=, 0);
  g_assert_true (heapglass_chapter_sidebar_activate_block (sidebar, (guint)index));
}

static void
shot (GtkWidget *widget, const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), name, NULL);

  hg_test_save_widget_png (widget, path, 1);
  g_test_message ("screenshot: %s", path);
}

static void
close_window (HeapglassWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- the chapter as a lesson ------------------------------------------------------------- */

static void
test_prose_shown_for_examples (void)
{
  HeapglassWindow *window = open_seed ();
  const char *prose;

  show_block (window, "Memory Visualization › 1. Example");
  hg_test_spin_for (50);
  prose = heapglass_window_get_prose_text (window);
  g_assert_nonnull (prose);
  /* The "Memory:" diagram after the code, in the label's text (monospace in its markup). */
  g_assert_nonnull (strstr (prose, "Memory:"));
  g_assert_nonnull (strstr (prose, "Stack:"));
  g_assert_null (strstr (prose, "```"));
  shot (GTK_WIDGET (window), "lesson-prose.png");

  /* A lone program has no chapter to explain it. */
  heapglass_window_set_code (window, "x = 1\n", "lone.py");
  g_assert_null (heapglass_window_get_prose_text (window));
  close_window (window);
}

static gboolean
prose_revealed (gpointer window)
{
  const char *prose = heapglass_window_get_prose_text (window);
  GtkWidget *label = prose ? hg_test_find_text (GTK_WIDGET (window), prose) : NULL;
  GtkWidget *revealer = label ? gtk_widget_get_ancestor (label, GTK_TYPE_REVEALER) : NULL;

  return revealer != NULL && gtk_revealer_get_child_revealed (GTK_REVEALER (revealer))
         && gtk_widget_get_height (revealer) > 0;
}

/* Each block's prose is shown whole (up to the scroller's cap of 220 px): the label gets at
 * least the height it needs at the width it has, so no paragraph stops mid-sentence. */
static void
prose_fits_in (const char *dir_variable, const char *name)
{
  HeapglassWindow *window = new_window (1280, 800);
  g_autofree char *path = g_build_filename (g_getenv (dir_variable), name, NULL);
  guint n, checked = 0;

  hg_test_window_open_and_wait (window, path, 30);
  n = heapglass_chapter_get_n_blocks (heapglass_window_get_chapter (window));
  for (guint i = 0; i < n; i++)
    {
      const char *prose;
      GtkWidget *label;
      GtkAllocation allocation;
      int needed = 0, minimum = 0, shown;

      heapglass_window_show_block (window, i);
      hg_test_spin_for (30);
      prose = heapglass_window_get_prose_text (window);
      if (prose == NULL || *prose == '\0')
        continue;
      /* after a block without prose, the prose slides in again: measure once it is all there */
      g_assert_true (hg_test_spin_until (prose_revealed, window, 10));
      hg_test_spin_for (30);
      label = hg_test_find_text (GTK_WIDGET (window), prose);
      g_assert_nonnull (label);
      /* at the width it is allocated, padding included (gtk_widget_get_width leaves it out) */
      gtk_widget_get_allocation (label, &allocation);
      gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, allocation.width, &minimum, &needed,
                          NULL, NULL);
      shown = gtk_widget_get_height (gtk_widget_get_ancestor (label, GTK_TYPE_SCROLLED_WINDOW));
      g_test_message ("block %u: prose %d px high, needs %d", i, shown, needed);
      g_assert_cmpint (shown, >=, MIN (needed, 220));
      checked++;
    }
  g_assert_cmpuint (checked, >, 0);
  close_window (window);
}

static void
test_prose_fits_tour (void)
{
  prose_fits_in ("HEAPGLASS_EXAMPLES_DIR", "heapglass-tour.md");
}

static void
test_prose_fits_seed (void)
{
  prose_fits_in ("HEAPGLASS_SEED_DIR", "stack-and-heap-overview.md");
}

static void
test_call_note_follows_the_code (void)
{
  HeapglassWindow *window = open_seed ();
  GtkTextBuffer *buffer
      = gtk_text_view_get_buffer (GTK_TEXT_VIEW (heapglass_window_get_code_view (window)));
  g_autofree char *code = NULL;
  g_autofree char *selected = NULL;
  GtkTextIter start, end;

  show_block (window, "Two Memory Areas › 1. Stack");
  g_assert_true (heapglass_window_get_call_note_shown (window));
  shot (GTK_WIDGET (window), "lesson-call-note.png");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-call", NULL));
  code = heapglass_window_get_code (window);
  g_assert_true (g_str_has_suffix (code, "\n\nfunction()\n"));
  g_assert_false (heapglass_window_get_call_note_shown (window));
  /* The cursor waits inside the call, ready for arguments. */
  gtk_text_buffer_get_selection_bounds (buffer, &start, &end);
  g_assert_cmpint (gtk_text_iter_get_line (&start), ==,
                   gtk_text_buffer_get_line_count (buffer) - 2);
  g_assert_cmpint (gtk_text_iter_get_line_offset (&start), ==, (int)strlen ("function("));

  /* Run it: the call runs (function's frame appears), then code that defines nothing. */
  hg_test_window_run_and_wait (window, 60);
  g_assert_cmpuint (heapglass_trace_get_max_depth (heapglass_window_get_trace (window)), >=, 2);
  show_block (window, "Heap Properties › 3. Slower Access");
  g_assert_false (heapglass_window_get_call_note_shown (window));

  /* Parameters become placeholders, selected to be typed over. */
  heapglass_window_set_code (window, "def scale(values, factor=2):\n    return values\n", NULL);
  g_assert_true (heapglass_window_get_call_note_shown (window));
  heapglass_window_add_call (window);
  g_clear_pointer (&code, g_free);
  code = heapglass_window_get_code (window);
  g_assert_true (g_str_has_suffix (code, "\nscale(values, factor)\n"));
  gtk_text_buffer_get_selection_bounds (buffer, &start, &end);
  selected = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (selected, ==, "values, factor");
  close_window (window);
}

static void
test_revert_to_chapter_code (void)
{
  HeapglassWindow *window = open_seed ();
  GtkTextBuffer *buffer
      = gtk_text_view_get_buffer (GTK_TEXT_VIEW (heapglass_window_get_code_view (window)));
  HeapglassChapter *chapter;
  const HeapglassChapterBlock *block;
  g_autofree char *code = NULL;
  GtkTextIter end;

  show_block (window, "Two Memory Areas › 2. Heap");
  chapter = heapglass_window_get_chapter (window);
  block = heapglass_chapter_get_block (chapter, (guint)heapglass_window_get_block (window));
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, "w = x + [4]\n", -1);
  shot (GTK_WIDGET (window), "lesson-edited.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.revert-code", NULL));
  code = heapglass_window_get_code (window);
  g_assert_cmpstr (code, ==, block->code);

  /* The draft is gone too: choosing the block again shows the chapter's code. */
  show_block (window, "Two Memory Areas › 1. Stack");
  show_block (window, "Two Memory Areas › 2. Heap");
  g_clear_pointer (&code, g_free);
  code = heapglass_window_get_code (window);
  g_assert_cmpstr (code, ==, block->code);
  close_window (window);
}

static void
test_editor_indents_python (void)
{
  HeapglassWindow *window = new_window (1024, 700);
  GtkSourceView *view = GTK_SOURCE_VIEW (heapglass_window_get_code_view (window));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkSourceIndenter *indenter = gtk_source_view_get_indenter (view);
  g_autofree char *code = NULL;
  GtkTextIter iter;

  g_assert_true (gtk_source_view_get_auto_indent (view));
  g_assert_true (gtk_source_view_get_insert_spaces_instead_of_tabs (view));
  g_assert_cmpuint (gtk_source_view_get_indent_width (view), ==, 4);
  g_assert_nonnull (indenter);
  gtk_text_buffer_get_start_iter (buffer, &iter);
  g_assert_true (gtk_source_indenter_is_trigger (indenter, view, &iter, 0, GDK_KEY_Return));

  /* Enter after "for …:" opens the loop's body one level in. */
  gtk_text_buffer_set_text (buffer, "for i in range(3):\n", -1);
  gtk_text_buffer_get_end_iter (buffer, &iter);
  gtk_source_indenter_indent (indenter, view, &iter);
  gtk_text_buffer_insert (buffer, &iter, "print(i)\n", -1);
  gtk_source_indenter_indent (indenter, view, &iter);
  code = heapglass_window_get_code (window);
  g_assert_cmpstr (code, ==, "for i in range(3):\n    print(i)\n    ");
  close_window (window);
}

/* ---- steps a learner can read ------------------------------------------------------------ */

static GPtrArray *
step_words (HeapglassWindow *window)
{
  HeapglassTimeline *timeline = HEAPGLASS_TIMELINE (heapglass_window_get_timeline (window));
  guint n = heapglass_trace_get_n_steps (heapglass_window_get_trace (window));
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);

  for (guint s = 1; s <= n; s++)
    {
      heapglass_window_set_step (window, s);
      g_ptr_array_add (words, g_strdup (heapglass_timeline_get_event_text (timeline)));
    }
  return words;
}

static gboolean
has_word (GPtrArray *words, const char *text)
{
  for (guint i = 0; i < words->len; i++)
    if (g_strcmp0 (g_ptr_array_index (words, i), text) == 0)
      return TRUE;
  return FALSE;
}

static void
test_steps_in_words (void)
{
  HeapglassWindow *window = new_window (1280, 800);
  g_autoptr (GPtrArray) words = NULL;

  heapglass_window_set_code (window,
                             "def process():\n"
                             "    return [1, 2, 3]\n"
                             "\n"
                             "result = process()\n",
                             "words.py");
  hg_test_window_run_and_wait (window, 60);
  words = step_words (window);
  g_assert_cmpstr (g_ptr_array_index (words, 0), ==, "Program starts");
  g_assert_true (has_word (words, "Line 4 runs"));
  g_assert_true (has_word (words, "process() is called"));
  g_assert_true (has_word (words, "Line 2 runs in process()"));
  g_assert_true (has_word (words, "process() returns [1, 2, 3]"));
  g_assert_cmpstr (g_ptr_array_index (words, words->len - 1), ==, "Program finished");
  /* No step is without words. */
  for (guint i = 0; i < words->len; i++)
    g_assert_cmpstr (g_ptr_array_index (words, i), !=, "");
  heapglass_window_set_step (window, 2);
  shot (heapglass_window_get_timeline (window), "lesson-step-words.png");

  heapglass_window_set_code (window, "x = 1\nraise ValueError('bad value')\n", "raises.py");
  hg_test_window_run_and_wait (window, 60);
  g_ptr_array_unref (words);
  words = step_words (window);
  g_assert_true (has_word (words, "Exception: ValueError: bad value"));
  close_window (window);
}

static void
test_numbers_grouped_and_label_steady (void)
{
  HeapglassWindow *window = new_window (1280, 800);
  HeapglassTimeline *timeline = HEAPGLASS_TIMELINE (heapglass_window_get_timeline (window));
  GtkWidget *scale;
  int width_at_start, width_later;

  heapglass_timeline_set_n_steps (timeline, 5000000);
  heapglass_timeline_set_step (timeline, 7);
  hg_test_spin_for (50);
  scale = gtk_widget_get_first_child (
      gtk_widget_get_next_sibling (gtk_widget_get_first_child (GTK_WIDGET (timeline))));
  g_assert_true (GTK_IS_SCALE (scale));
  width_at_start = gtk_widget_get_width (scale);
  g_assert_cmpstr (heapglass_timeline_get_step_text (timeline), ==, "Step 7 of 5,000,000");
  heapglass_timeline_set_step (timeline, 1074715);
  hg_test_spin_for (50);
  width_later = gtk_widget_get_width (scale);
  g_assert_cmpstr (heapglass_timeline_get_step_text (timeline), ==, "Step 1,074,715 of 5,000,000");
  /* The slider keeps its width while the number grows. */
  g_assert_cmpint (width_at_start, ==, width_later);
  shot (GTK_WIDGET (timeline), "lesson-grouped-numbers.png");
  close_window (window);
}

static gboolean
progress_is_grouped (gpointer data)
{
  HeapglassWindow *window = data;
  const char *text = heapglass_window_get_progress_text (window);

  return !heapglass_window_is_running (window)
         || g_regex_match_simple ("^[0-9]{1,3}(,[0-9]{3})+ steps · [0-9,]+ steps/s · ", text, 0, 0);
}

/* The progress line while a run goes on groups its numbers too. */
static void
test_progress_grouped (void)
{
  HeapglassWindow *window = new_window (1280, 800);
  g_autofree char *text = NULL;

  heapglass_window_set_code (window, "for i in range(3000000):\n    pass\n", "long.py");
  heapglass_window_run (window);
  g_assert_true (hg_test_spin_until (progress_is_grouped, window, 60));
  g_assert_true (heapglass_window_is_running (window));
  text = g_strdup (heapglass_window_get_progress_text (window));
  g_test_message ("progress: %s", text);
  shot (GTK_WIDGET (window), "lesson-progress-grouped.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL));
  g_assert_true (hg_test_spin_until (hg_test_window_run_is_over, window, 30));
  g_assert_true (
      g_regex_match_simple ("^[0-9]{1,3}(,[0-9]{3})+ steps · [0-9,]+ steps/s · ", text, 0, 0));
  close_window (window);
}

static void
test_sparkline_caption (void)
{
  HeapglassWindow *window = new_window (1280, 800);
  HeapglassTimeline *timeline = HEAPGLASS_TIMELINE (heapglass_window_get_timeline (window));

  g_assert_cmpstr (heapglass_timeline_get_caption (timeline), ==, "live objects");
  heapglass_window_set_code (window, "xs = [1, 2]\nys = xs * 100\n", "chart.py");
  hg_test_window_run_and_wait (window, 60);
  g_assert_cmpstr (heapglass_timeline_get_caption (timeline), ==, "live objects");
  shot (GTK_WIDGET (timeline), "lesson-sparkline-caption.png");
  close_window (window);
}

static gboolean
sparkline_has_read (gpointer data)
{
  guint64 mins[64], maxs[64];
  guint n = heapglass_sparkline_get_columns (HEAPGLASS_SPARKLINE (data), 64, mins, maxs);

  /* It reads the run in idle slices after the run ends: until the last step is in, the last
   * column is not the program's end (list + 3 big ints + the list of them). */
  return n > 8 && maxs[n - 1] == 5;
}

/* A loop over small ints makes no new objects: CPython made them before the program. The live
 * objects line stays flat at the one list, where it used to climb with every append. */
static void
test_sparkline_skips_cached_objects (void)
{
  HeapglassWindow *window = new_window (1280, 800);
  HeapglassSparkline *sparkline = HEAPGLASS_SPARKLINE (
      hg_test_find_descendant (heapglass_window_get_timeline (window), HEAPGLASS_TYPE_SPARKLINE));
  guint64 mins[64], maxs[64];
  guint n_columns;

  heapglass_window_set_code (window,
                             "items = []\n"
                             "for i in range(100):\n"
                             "    items.append(i)\n"
                             "big = [i * 1000 for i in range(1, 4)]\n",
                             "small-ints.py");
  hg_test_window_run_and_wait (window, 60);
  heapglass_sparkline_set_mode (sparkline, HEAPGLASS_SPARKLINE_OBJECTS);
  g_assert_true (hg_test_spin_until (sparkline_has_read, sparkline, 30));
  n_columns = heapglass_sparkline_get_columns (sparkline, G_N_ELEMENTS (mins), mins, maxs);
  g_assert_cmpuint (n_columns, >, 8);
  /* While the loop runs (all but the last columns): one list, and nothing else. */
  for (guint c = 1; c < n_columns * 3 / 4; c++)
    g_assert_cmpuint (maxs[c], ==, 1);
  /* The big ints are the program's own: the line rises at the end (list + 3 ints). */
  g_assert_cmpuint (maxs[n_columns - 1], ==, 5);
  shot (heapglass_window_get_timeline (window), "lesson-sparkline-small-ints.png");
  close_window (window);
}

static void
test_small_values_wording (void)
{
  GtkWidget *prefs = heapglass_preferences_new (NULL);
  GtkWidget *row = NULL;
  GPtrArray *stack = g_ptr_array_new ();

  /* Find the row by its title; its subtitle must name strings, which it does inline. */
  g_ptr_array_add (stack, prefs);
  while (stack->len > 0 && row == NULL)
    {
      GtkWidget *widget = g_ptr_array_steal_index (stack, stack->len - 1);

      if (ADW_IS_ACTION_ROW (widget)
          && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)),
                        "Small Values Inline")
                 == 0)
        row = widget;
      for (GtkWidget *c = gtk_widget_get_first_child (widget); c;
           c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (stack, c);
    }
  g_ptr_array_unref (stack);
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "short strings"));
  gtk_window_destroy (GTK_WINDOW (prefs));
}

/* ---- inspector and output ---------------------------------------------------------------- */

static guint64
name_oid (HeapglassWindow *window, const char *name)
{
  HeapglassCanvas *canvas = HEAPGLASS_CANVAS (heapglass_window_get_canvas (window));
  HeapglassSnapshot *snapshot = heapglass_canvas_get_snapshot (canvas);
  const HeapglassFrameView *frame = &snapshot->frames[0];

  for (guint b = 0; b < frame->n_bindings; b++)
    if (g_strcmp0 (frame->names[b], name) == 0)
      return frame->oids[b];
  g_assert_not_reached ();
  return 0;
}

static void
test_inspector_pane_and_cached_objects (void)
{
  HeapglassWindow *window = new_window (1280, 800);
  HeapglassCanvas *canvas = HEAPGLASS_CANVAS (heapglass_window_get_canvas (window));
  HeapglassInspector *inspector = HEAPGLASS_INSPECTOR (heapglass_window_get_inspector (window));
  GtkWidget *scroller;
  GtkAdjustment *vadjustment;
  GSettings *settings = heapglass_application_get_settings (app);
  guint n;

  heapglass_window_set_code (window,
                             "one = 1\n"
                             "big = 10 ** 6\n"
                             "items = [one, big, 'a', None, True, (), 'word']\n"
                             "kind = int\n",
                             "cached.py");
  hg_test_window_run_and_wait (window, 60);
  n = heapglass_trace_get_n_steps (heapglass_window_get_trace (window));
  heapglass_window_set_step (window, n);
  hg_test_spin_for (50);

  heapglass_canvas_select_oid (canvas, name_oid (window, "one"));
  hg_test_spin_for (100);
  g_assert_nonnull (heapglass_inspector_get_cached_text (inspector));
  g_assert_nonnull (strstr (heapglass_inspector_get_cached_text (inspector), "CPython"));
  /* Its own pane: as tall as the canvas and output together, not a strip beside the output. */
  scroller = gtk_widget_get_ancestor (GTK_WIDGET (inspector), GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (scroller);
  g_assert_cmpint (gtk_widget_get_height (scroller), >, 500);
  g_assert_cmpint (gtk_widget_get_width (scroller), >=, 200);
  shot (GTK_WIDGET (window), "lesson-inspector-cached.png");

  heapglass_canvas_select_oid (canvas, name_oid (window, "big"));
  hg_test_spin_for (50);
  g_assert_null (heapglass_inspector_get_cached_text (inspector));
  /* A builtin type is CPython's too: the trace knows it lies in the interpreter. */
  heapglass_canvas_select_oid (canvas, name_oid (window, "kind"));
  hg_test_spin_for (50);
  g_assert_nonnull (heapglass_inspector_get_cached_text (inspector));

  /* A new selection starts at the top of the page. */
  vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment));
  heapglass_canvas_select_oid (canvas, name_oid (window, "items"));
  hg_test_spin_for (50);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);

  /* Its width is remembered. */
  if (settings != NULL)
    {
      GtkPaned *paned = GTK_PANED (gtk_widget_get_ancestor (scroller, GTK_TYPE_PANED));
      int before = g_settings_get_int (settings, "inspector-width");

      gtk_paned_set_position (paned, gtk_paned_get_position (paned) - 40);
      hg_test_spin_for (50);
      g_assert_cmpint (g_settings_get_int (settings, "inspector-width"), ==, before + 40);
    }
  close_window (window);
}

/* The inspector shows the id() the program printed, beside Heapglass's own number. */
static void
test_inspector_shows_printed_id (void)
{
  HeapglassWindow *window = new_window (1280, 800);
  HeapglassCanvas *canvas = HEAPGLASS_CANVAS (heapglass_window_get_canvas (window));
  HeapglassInspector *inspector = HEAPGLASS_INSPECTOR (heapglass_window_get_inspector (window));
  HeapglassTrace *trace;
  g_autofree char *printed = NULL;
  g_autofree char *number = NULL;
  guint64 oid;

  heapglass_window_set_code (window, "items = [3, 4]\nprint(id(items))\n", "ids.py");
  hg_test_window_run_and_wait (window, 60);
  trace = heapglass_window_get_trace (window);
  heapglass_window_set_step (window, heapglass_trace_get_n_steps (trace));
  hg_test_spin_for (50);
  oid = name_oid (window, "items");
  heapglass_canvas_select_oid (canvas, oid);
  hg_test_spin_for (100);
  printed = g_strstrip (heapglass_trace_get_output (trace, 1, 0, NULL));
  g_assert_cmpstr (heapglass_inspector_get_address_text (inspector), ==, printed);
  number = g_strdup_printf ("#%" G_GUINT64_FORMAT, oid);
  g_assert_cmpstr (heapglass_inspector_get_id_text (inspector), ==, number);
  shot (GTK_WIDGET (window), "lesson-inspector-id.png");
  close_window (window);
}

static void
test_output_follows_and_echoes_input (void)
{
  HeapglassWindow *window = new_window (1024, 700);
  HeapglassOutputPane *pane = HEAPGLASS_OUTPUT_PANE (heapglass_window_get_output_pane (window));
  GtkWidget *view;
  GtkAdjustment *vadjustment;
  g_autofree char *text = NULL;
  guint n;

  heapglass_window_set_code (window, "for i in range(80):\n    print('line', i)\n", "many.py");
  hg_test_window_run_and_wait (window, 60);
  n = heapglass_trace_get_n_steps (heapglass_window_get_trace (window));
  heapglass_window_set_step (window, n);
  hg_test_spin_for (200);
  for (view = gtk_widget_get_first_child (GTK_WIDGET (pane)); view != NULL;
       view = gtk_widget_get_next_sibling (view))
    if (GTK_IS_SCROLLED_WINDOW (view))
      break;
  g_assert_nonnull (view);
  vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (view));
  /* The line just printed is in view. */
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment)
                         + gtk_adjustment_get_page_size (vadjustment),
                     >=, gtk_adjustment_get_upper (vadjustment) - 1);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >, 0);
  shot (GTK_WIDGET (pane), "lesson-output-follows.png");

  heapglass_window_set_code (window, "name = input('Your name? ')\nprint('Hello,', name)\n",
                             "ask.py");
  heapglass_window_run (window);
  g_assert_true (
      hg_test_spin_until ((gboolean (*) (gpointer))heapglass_output_pane_is_asking, pane, 30));
  heapglass_output_pane_submit_input (pane, "Ada");
  g_assert_true (hg_test_spin_until_signal (window, "run-finished", 30));
  heapglass_window_set_step (window,
                             heapglass_trace_get_n_steps (heapglass_window_get_trace (window)));
  text = heapglass_output_pane_get_text (pane);
  g_test_message ("output: %s", text);
  g_assert_nonnull (strstr (text, "Your name? Ada\nHello, Ada"));
  shot (GTK_WIDGET (pane), "lesson-input-echo.png");
  close_window (window);
}

/* The first step where a frame raised, and that frame's box on the canvas. */
static const HeapglassSceneItem *
show_exception (HeapglassWindow *window)
{
  HeapglassTrace *trace = heapglass_window_get_trace (window);
  HeapglassCanvas *canvas = HEAPGLASS_CANVAS (heapglass_window_get_canvas (window));
  HeapglassScene *scene;

  for (guint s = 1; s <= heapglass_trace_get_n_steps (trace); s++)
    if (heapglass_trace_get_step_event (trace, s) == HEAPGLASS_EVENT_EXCEPTION)
      {
        heapglass_window_set_step (window, s);
        break;
      }
  hg_test_spin_for (100);
  scene = heapglass_canvas_get_scene (canvas);
  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);

      if (item->kind == HEAPGLASS_SCENE_FRAME && (item->flags & HEAPGLASS_SCENE_FLAG_EXCEPTION))
        return item;
    }
  g_assert_not_reached ();
  return NULL;
}

/* The exception note in a frame shows the whole message, wrapped inside the frame, which is tall
 * enough for its lines. */
static void
test_exception_note_wrapped (void)
{
  HeapglassWindow *window = new_window (1280, 800);
  GtkWidget *canvas = heapglass_window_get_canvas (window);
  const HeapglassSceneItem *frame;
  g_auto (GStrv) lines = NULL;

  heapglass_window_set_code (window, "def look():\n    return inspect\n\nlook()\n", "name.py");
  hg_test_window_run_and_wait (window, 60);
  frame = show_exception (window);
  g_assert_cmpstr (frame->text, ==, "NameError: name 'inspect' is not defined");
  lines = heapglass_scene_wrap_note (frame->text, HEAPGLASS_SCENE_NOTE_CHARS,
                                     HEAPGLASS_SCENE_NOTE_MAX_LINES);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_cmpstr (lines[1], ==, "not defined");
  /* the header, the note's two lines, and nothing cut */
  g_assert_cmpfloat (frame->height, >=, 28 + heapglass_scene_note_height (2));
  shot (canvas, "lesson-exception-name.png");

  heapglass_window_set_code (window, "def down(n):\n    return down(n + 1)\n\ndown(0)\n",
                             "deep.py");
  hg_test_window_run_and_wait (window, 60);
  frame = show_exception (window);
  g_assert_cmpstr (frame->text, ==, "RecursionError: maximum recursion depth exceeded");
  g_assert_cmpfloat (frame->height, >=, 28 + heapglass_scene_note_height (2));
  shot (canvas, "lesson-exception-recursion.png");
  close_window (window);
}

/* A widget that is on screen with room to be used. */
static void
assert_shown (GtkWidget *widget, int min_width, int min_height)
{
  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_cmpint (gtk_widget_get_width (widget), >=, min_width);
  g_assert_cmpint (gtk_widget_get_height (widget), >=, min_height);
}

/* At a small laptop's size, with the chapter list open and an object in the inspector, every
 * part of the window is there and the diagram keeps a usable width. */
static void
window_fits (int width, int height, const char *name)
{
  HeapglassWindow *window = new_window (width, height);
  g_autofree char *path
      = g_build_filename (g_getenv ("HEAPGLASS_SEED_DIR"), "stack-and-heap-overview.md", NULL);
  HeapglassCanvas *canvas = HEAPGLASS_CANVAS (heapglass_window_get_canvas (window));
  GtkWidget *inspector = heapglass_window_get_inspector (window);
  GtkWidget *scroller;
  int inspector_min, canvas_width;

  hg_test_window_open_and_wait (window, path, 30);
  show_block (window, "Two Memory Areas › 2. Heap");
  hg_test_window_run_and_wait (window, 60);
  heapglass_window_set_step (window,
                             heapglass_trace_get_n_steps (heapglass_window_get_trace (window)));
  hg_test_spin_for (50);
  heapglass_canvas_select_oid (canvas, name_oid (window, "x"));
  hg_test_spin_for (300);
  shot (GTK_WIDGET (window), name);

  assert_shown (heapglass_window_get_sidebar (window), 150, 200);
  assert_shown (heapglass_window_get_code_view (window), 150, 100);
  assert_shown (heapglass_window_get_timeline (window), 400, 30);
  assert_shown (heapglass_window_get_output_pane (window), 200, 60);
  assert_shown (inspector, 200, 200);
  /* the diagram keeps the most room of the three panes beside the code */
  canvas_width = gtk_widget_get_width (GTK_WIDGET (canvas));
  g_test_message ("%s: canvas %d x %d, inspector %d", name, canvas_width,
                  gtk_widget_get_height (GTK_WIDGET (canvas)), gtk_widget_get_width (inspector));
  /* the stack column (232) and its margins at least, and more on a bigger screen */
  assert_shown (GTK_WIDGET (canvas), MAX (300, width / 4), height / 2);
  g_assert_cmpint (canvas_width, >, gtk_widget_get_width (inspector));
  /* The selected list stays in sight though the inspector narrowed the diagram when it opened. */
  {
    const HeapglassSceneItem *list = heapglass_scene_find_object (
        heapglass_canvas_get_scene (canvas), heapglass_canvas_get_selected_oid (canvas));
    double left, top, right, bottom;

    g_assert_nonnull (list);
    heapglass_canvas_scene_to_widget (canvas, list->x, list->y, &left, &top);
    heapglass_canvas_scene_to_widget (canvas, list->x + list->width, list->y + list->height, &right,
                                      &bottom);
    g_assert_cmpfloat (left, >=, 0);
    g_assert_cmpfloat (right, <=, canvas_width);
    g_assert_cmpfloat (top, >=, 0);
  }
  /* The inspector can be made narrow: its rows wrap or ellipsize rather than set a wide minimum. */
  scroller = gtk_widget_get_ancestor (inspector, GTK_TYPE_SCROLLED_WINDOW);
  gtk_widget_measure (scroller, GTK_ORIENTATION_HORIZONTAL, -1, &inspector_min, NULL, NULL, NULL);
  g_assert_cmpint (inspector_min, <=, 260);
  close_window (window);
}

static void
test_window_fits_1024x700 (void)
{
  window_fits (1024, 700, "lesson-window-1024x700.png");
}

static void
test_window_fits_1280x800 (void)
{
  window_fits (1280, 800, "lesson-window-1280x800.png");
}

/* ---- keyboard ---------------------------------------------------------------------------- */

static void
key (HeapglassWindow *window, guint keyval)
{
  hg_test_keys_press (GTK_WINDOW (window), keyval);
}

/* Left, Right, Home and End step wherever the focus is (the chapter list, the output, the
 * diagram), pressed as real keys through the X server and GTK's event path; in code being
 * edited they are the editor's. */
static void
test_step_keys_wherever_focus_is (void)
{
  HeapglassWindow *window = open_seed ();
  GtkRoot *root = GTK_ROOT (window);
  GtkWidget *sidebar = heapglass_window_get_sidebar (window);
  GtkWidget *output = heapglass_window_get_output_pane (window);
  GtkWidget *canvas = heapglass_window_get_canvas (window);
  GtkWidget *code = heapglass_window_get_code_view (window);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (code));
  GtkWidget *output_view;
  GtkTextIter cursor;
  int block;
  guint n;

  show_block (window, "Memory Visualization › 2. Multiple Frames");
  heapglass_window_add_call (window);
  hg_test_window_run_and_wait (window, 60);
  n = heapglass_trace_get_n_steps (heapglass_window_get_trace (window));
  g_assert_cmpuint (n, >, 4);
  g_assert_true (hg_test_keys_focus_window (GTK_WINDOW (window)));
  block = heapglass_window_get_block (window);

  /* Focus on the chosen row of the chapter list: End goes to the last step, not the last row. */
  heapglass_window_set_step (window, 1);
  g_assert_true (gtk_widget_child_focus (sidebar, GTK_DIR_TAB_FORWARD));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (root), sidebar));
  key (window, GDK_KEY_End);
  g_assert_cmpuint (heapglass_window_get_step (window), ==, n);
  g_assert_cmpint (heapglass_window_get_block (window), ==, block);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (root), sidebar));
  key (window, GDK_KEY_Left);
  g_assert_cmpuint (heapglass_window_get_step (window), ==, n - 1);

  /* Focus in the output (after a click there): Home, Right, End, Left. */
  output_view = hg_test_find_descendant (output, GTK_TYPE_TEXT_VIEW);
  g_assert_nonnull (output_view);
  g_assert_true (gtk_widget_grab_focus (output_view));
  key (window, GDK_KEY_Home);
  g_assert_cmpuint (heapglass_window_get_step (window), ==, 1);
  key (window, GDK_KEY_Right);
  g_assert_cmpuint (heapglass_window_get_step (window), ==, 2);
  key (window, GDK_KEY_End);
  g_assert_cmpuint (heapglass_window_get_step (window), ==, n);
  key (window, GDK_KEY_Left);
  g_assert_cmpuint (heapglass_window_get_step (window), ==, n - 1);
  g_assert_true (gtk_root_get_focus (root) == output_view);

  /* Focus on the diagram. */
  g_assert_true (gtk_widget_grab_focus (canvas));
  key (window, GDK_KEY_Home);
  g_assert_cmpuint (heapglass_window_get_step (window), ==, 1);
  key (window, GDK_KEY_Right);
  key (window, GDK_KEY_Right);
  g_assert_cmpuint (heapglass_window_get_step (window), ==, 3);
  key (window, GDK_KEY_Left);
  g_assert_cmpuint (heapglass_window_get_step (window), ==, 2);
  key (window, GDK_KEY_End);
  g_assert_cmpuint (heapglass_window_get_step (window), ==, n);
  shot (GTK_WIDGET (window), "lesson-keys.png");

  /* In code being edited, End moves the cursor to the end of its line and the step stays. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.edit", NULL));
  g_assert_true (gtk_widget_grab_focus (code));
  gtk_text_buffer_get_start_iter (buffer, &cursor);
  gtk_text_buffer_place_cursor (buffer, &cursor);
  key (window, GDK_KEY_End);
  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  g_assert_cmpint (gtk_text_iter_get_line (&cursor), ==, 0);
  g_assert_true (gtk_text_iter_ends_line (&cursor));
  g_assert_cmpint (gtk_text_iter_get_line_offset (&cursor), >, 0);
  close_window (window);
}

static void
test_sidebar_one_tab_stop (void)
{
  HeapglassWindow *window = open_seed ();
  GtkWidget *sidebar = heapglass_window_get_sidebar (window);
  GtkRoot *root = gtk_widget_get_root (sidebar);
  GtkWidget *first, *second;
  GtkListBox *list;

  show_block (window, "Stack Properties › 1. Fast Access");
  /* Tab enters at the chosen row… */
  gtk_root_set_focus (root, NULL);
  g_assert_true (gtk_widget_child_focus (sidebar, GTK_DIR_TAB_FORWARD));
  first = gtk_root_get_focus (root);
  g_assert_true (GTK_IS_LIST_BOX_ROW (first));
  list = GTK_LIST_BOX (gtk_widget_get_parent (first));
  g_assert_true (gtk_list_box_row_is_selected (GTK_LIST_BOX_ROW (first)));
  /* …Down moves inside, to the next block (headings are not rows)… */
  /* (what the Down key's binding emits) */
  g_signal_emit_by_name (list, "move-cursor", GTK_MOVEMENT_DISPLAY_LINES, 1, FALSE, FALSE);
  second = gtk_root_get_focus (root);
  g_assert_true (second != first);
  g_assert_true (gtk_list_box_row_get_selectable (GTK_LIST_BOX_ROW (second)));
  /* …and the next Tab leaves the list. */
  g_assert_false (gtk_widget_child_focus (sidebar, GTK_DIR_TAB_FORWARD));
  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, i);

      if (row == NULL)
        break;
      g_assert_true (gtk_list_box_row_get_selectable (row));
      g_assert_true (gtk_list_box_row_get_activatable (row));
    }
  shot (sidebar, "lesson-sidebar.png");
  close_window (window);
}

/* The README's picture: a chapter example in the middle of its deepest call.
 * Saved as readme-screenshot.png in the build folder (docs/screenshot.png is a copy). */
static void
test_readme_screenshot (void)
{
  HeapglassWindow *window = open_seed ();
  HeapglassTrace *trace;
  HeapglassCanvas *canvas = HEAPGLASS_CANVAS (heapglass_window_get_canvas (window));
  HeapglassSnapshot *snapshot;
  guint deepest = 1;

  show_block (window, "Memory Visualization › 2. Multiple Frames");
  /* It only defines outer() and inner(): the learner adds a call of inner() and types an
   * argument over the selected placeholder. */
  heapglass_window_add_call (window);
  {
    GtkTextBuffer *buffer
        = gtk_text_view_get_buffer (GTK_TEXT_VIEW (heapglass_window_get_code_view (window)));

    g_assert_true (gtk_text_buffer_delete_selection (buffer, TRUE, TRUE));
    gtk_text_buffer_insert_at_cursor (buffer, "[3, 4]", -1);
  }
  hg_test_window_run_and_wait (window, 60);
  trace = heapglass_window_get_trace (window);
  for (guint s = 1; s <= heapglass_trace_get_n_steps (trace); s++)
    if (heapglass_trace_get_step_depth (trace, s) > heapglass_trace_get_step_depth (trace, deepest))
      deepest = s;
  heapglass_window_set_step (window, deepest + 1);
  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_FINISHED);
  hg_test_spin_for (100);
  snapshot = heapglass_canvas_get_snapshot (canvas);
  g_assert_nonnull (snapshot);
  g_assert_cmpuint (snapshot->n_frames, >=, 2);
  /* The chapter list put away (F9), as a learner does to give the diagram room. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-sidebar", NULL));
  hg_test_spin_for (400);
  shot (GTK_WIDGET (window), "readme-screenshot.png");
  close_window (window);
}

int
main (int argc, char *argv[])
{
  int status;

  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  gtk_test_init (&argc, &argv, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  app = heapglass_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/lesson/prose/shown-for-examples", test_prose_shown_for_examples);
  g_test_add_func ("/lesson/prose/whole-in-the-tour", test_prose_fits_tour);
  g_test_add_func ("/lesson/prose/whole-in-the-seed", test_prose_fits_seed);
  g_test_add_func ("/lesson/call-note/follows-the-code", test_call_note_follows_the_code);
  g_test_add_func ("/lesson/revert-to-chapter-code", test_revert_to_chapter_code);
  g_test_add_func ("/lesson/editor/indents-python", test_editor_indents_python);
  g_test_add_func ("/lesson/timeline/steps-in-words", test_steps_in_words);
  g_test_add_func ("/lesson/timeline/numbers-grouped-label-steady",
                   test_numbers_grouped_and_label_steady);
  g_test_add_func ("/lesson/timeline/progress-grouped", test_progress_grouped);
  g_test_add_func ("/lesson/timeline/sparkline-caption", test_sparkline_caption);
  g_test_add_func ("/lesson/timeline/sparkline-skips-cached-objects",
                   test_sparkline_skips_cached_objects);
  g_test_add_func ("/lesson/preferences/small-values-wording", test_small_values_wording);
  g_test_add_func ("/lesson/inspector/own-pane-and-cached-objects",
                   test_inspector_pane_and_cached_objects);
  g_test_add_func ("/lesson/inspector/shows-printed-id", test_inspector_shows_printed_id);
  g_test_add_func ("/lesson/output/follows-and-echoes-input", test_output_follows_and_echoes_input);
  g_test_add_func ("/lesson/canvas/exception-note-wrapped", test_exception_note_wrapped);
  g_test_add_func ("/lesson/window/fits-1024x700", test_window_fits_1024x700);
  g_test_add_func ("/lesson/window/fits-1280x800", test_window_fits_1280x800);
  g_test_add_func ("/lesson/keys/step-keys-wherever-focus-is", test_step_keys_wherever_focus_is);
  g_test_add_func ("/lesson/sidebar/one-tab-stop", test_sidebar_one_tab_stop);
  g_test_add_func ("/lesson/readme-screenshot", test_readme_screenshot);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
