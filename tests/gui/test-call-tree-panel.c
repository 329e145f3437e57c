/* test-call-tree-panel.c: the Call Tree panel in a real GtkWindow under Xvfb, on traced runs:
 * rows, "… N calls" summaries, the running call selected with its callers opened, a click asking
 * to go to the call, and a run of 150,000 calls. */
#include "config.h"

#include <adwaita.h>

#include "heapglass-call-row.h"
#include "heapglass-call-tree-panel.h"
#include "heapglass-test-gtk.h"

static const char fib_source[] = "def fib(n):\n"
                                 "    if n < 2:\n"
                                 "        return n\n"
                                 "    return fib(n - 1) + fib(n - 2)\n"
                                 "\n"
                                 "print(fib(5))\n";

typedef struct
{
  GtkWindow *window;
  HeapglassCallTreePanel *panel;
  HeapglassTrace *trace;
  HeapglassCallTree *tree;
} Fixture;

static void
fixture_show (Fixture *f, const char *name, const char *source)
{
  f->trace = hg_test_trace_source (name, source, NULL);
  f->tree = heapglass_call_tree_new (f->trace);
  f->window = GTK_WINDOW (gtk_window_new ());
  f->panel = HEAPGLASS_CALL_TREE_PANEL (heapglass_call_tree_panel_new ());
  gtk_window_set_default_size (f->window, 360, 480);
  gtk_window_set_child (f->window, GTK_WIDGET (f->panel));
  heapglass_call_tree_panel_set_tree (f->panel, f->tree);
  gtk_window_present (f->window);
  hg_test_spin_for (100);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  fixture_show (f, "fib.py", fib_source);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  g_clear_object (&f->tree);
  g_clear_object (&f->trace);
}

static guint
n_rows (Fixture *f)
{
  return g_list_model_get_n_items (
      G_LIST_MODEL (gtk_list_view_get_model (heapglass_call_tree_panel_get_list_view (f->panel))));
}

/* At first only the module is a row, collapsed, saying what it hides. */
static void
test_collapsed_summary (Fixture *f, gconstpointer data)
{
  g_assert_cmpuint (n_rows (f), ==, 1);
  g_assert_nonnull (hg_test_find_text (GTK_WIDGET (f->panel), "<module>"));
  g_assert_nonnull (hg_test_find_text (GTK_WIDGET (f->panel), "… 15 calls"));
  g_assert_cmpuint (heapglass_call_tree_panel_get_selected_call (f->panel), ==, 0);
}

/* Going to a step deep in the recursion selects the running call and opens its callers. */
static void
test_step_selects_running_call (Fixture *f, gconstpointer data)
{
  guint n = heapglass_trace_get_n_steps (f->trace);
  guint deepest = 0, step = 0;

  for (guint s = 1; s <= n; s++)
    if (heapglass_trace_get_step_depth (f->trace, s) > deepest)
      deepest = heapglass_trace_get_step_depth (f->trace, s), step = s;
  heapglass_call_tree_panel_set_step (f->panel, step);
  hg_test_spin_for (50);

  g_assert_cmpuint (heapglass_call_tree_panel_get_selected_call (f->panel), ==,
                    heapglass_call_tree_find_call_at_step (f->tree, step));
  /* module, fib(5), fib(4), fib(3), fib(2) open: their children are rows */
  g_assert_cmpuint (n_rows (f), ==, 1 + 1 + 2 + 2 + 2 + 2);
  g_assert_nonnull (hg_test_find_text (GTK_WIDGET (f->panel), "fib(n=1) → 1"));
  g_assert_nonnull (hg_test_find_text (GTK_WIDGET (f->panel), "fib(n=5) → 5"));

  /* back at the first step: the module runs */
  heapglass_call_tree_panel_set_step (f->panel, 1);
  g_assert_cmpuint (heapglass_call_tree_panel_get_selected_position (f->panel), ==, 0);
}

/* Goes to the deepest step of the run, which opens the path down to it. */
static void
show_deepest (Fixture *f)
{
  guint n = heapglass_trace_get_n_steps (f->trace);
  guint deepest = 0, step = 0;

  for (guint s = 1; s <= n; s++)
    if (heapglass_trace_get_step_depth (f->trace, s) > deepest)
      deepest = heapglass_trace_get_step_depth (f->trace, s), step = s;
  heapglass_call_tree_panel_set_step (f->panel, step);
  hg_test_spin_for (50);
}

/* Each row's list item (what takes the focus) is named by what the row says, a collapsed call
 * with what it hides, and says whether it is open. */
static void
test_accessible_names (Fixture *f, gconstpointer data)
{
  GtkWidget *fib5, *fib3;
  GtkAccessible *item;
  g_autofree char *shot = NULL;

  show_deepest (f);
  fib5 = hg_test_find_text (GTK_WIDGET (f->panel), "fib(n=5) → 5");
  fib3 = hg_test_find_text (GTK_WIDGET (f->panel), "… 4 calls");
  g_assert_nonnull (fib5);
  g_assert_nonnull (fib3);
  item = GTK_ACCESSIBLE (gtk_widget_get_parent (fib5));
  gtk_test_accessible_assert_property (item, GTK_ACCESSIBLE_PROPERTY_LABEL, "fib(n=5) → 5");
  gtk_test_accessible_assert_state (item, GTK_ACCESSIBLE_STATE_EXPANDED, TRUE);
  /* fib(3) beside fib(4) is closed */
  g_assert_cmpstr (heapglass_call_row_get_label (HEAPGLASS_CALL_ROW (fib3)), ==, "fib(n=3) → 2");
  item = GTK_ACCESSIBLE (gtk_widget_get_parent (fib3));
  gtk_test_accessible_assert_property (item, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "fib(n=3) → 2 … 4 calls");
  gtk_test_accessible_assert_state (item, GTK_ACCESSIBLE_STATE_EXPANDED, FALSE);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (fib3), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "fib(n=3) → 2 … 4 calls");
  /* a picture to look at */
  shot = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "call-tree-panel.png", NULL);
  hg_test_save_widget_png (GTK_WIDGET (f->window), shot, 1);
  g_test_message ("screenshot: %s", shot);
}

/* Opening a call shows its callees and drops its summary; closing brings both back. */
static void
test_open_and_close (Fixture *f, gconstpointer data)
{
  GtkWidget *module = hg_test_find_text (GTK_WIDGET (f->panel), "<module>");
  GtkTreeListRow *row;

  g_assert_nonnull (module);
  row = heapglass_call_row_get_list_row (HEAPGLASS_CALL_ROW (module));
  gtk_tree_list_row_set_expanded (row, TRUE);
  hg_test_spin_for (30);
  g_assert_cmpuint (n_rows (f), ==, 2);
  g_assert_null (heapglass_call_row_get_summary (HEAPGLASS_CALL_ROW (module)));
  g_assert_nonnull (hg_test_find_text (GTK_WIDGET (f->panel), "fib(n=5) → 5"));
  gtk_tree_list_row_set_expanded (row, FALSE);
  hg_test_spin_for (30);
  g_assert_cmpuint (n_rows (f), ==, 1);
  g_assert_cmpstr (heapglass_call_row_get_summary (HEAPGLASS_CALL_ROW (module)), ==, "… 15 calls");
}

/* Sends a key to the panel's list as the keyboard would, to the focused row. */
static void
press_key (Fixture *f, guint keyval)
{
  GtkWidget *list = GTK_WIDGET (heapglass_call_tree_panel_get_list_view (f->panel));
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (list);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) c = g_list_model_get_item (controllers, i);
      if (GTK_IS_EVENT_CONTROLLER_KEY (c))
        g_signal_emit_by_name (c, "key-pressed", keyval, 0, (GdkModifierType)0, &handled);
    }
  g_assert_true (handled);
  hg_test_spin_for (30);
}

static guint
focused_call (Fixture *f)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));
  GtkWidget *child = focus ? gtk_widget_get_first_child (focus) : NULL;

  return child && HEAPGLASS_IS_CALL_ROW (child)
             ? heapglass_call_row_get_call (HEAPGLASS_CALL_ROW (child))
             : 0;
}

/* The tree's keys: Right opens, Right again goes to the first callee, Left goes back to the
 * caller, minus closes. */
static void
test_keys (Fixture *f, gconstpointer data)
{
  GtkWidget *module = hg_test_find_text (GTK_WIDGET (f->panel), "<module>");
  guint module_call = heapglass_call_tree_get_root (f->tree, 0);
  guint fib5 = heapglass_call_tree_get_child (f->tree, module_call, 0);

  g_assert_true (gtk_widget_grab_focus (gtk_widget_get_parent (module)));
  g_assert_cmpuint (focused_call (f), ==, module_call);
  press_key (f, GDK_KEY_Right);
  g_assert_cmpuint (n_rows (f), ==, 2);
  press_key (f, GDK_KEY_Right);
  g_assert_cmpuint (focused_call (f), ==, fib5);
  press_key (f, GDK_KEY_plus);
  g_assert_cmpuint (n_rows (f), ==, 4);
  press_key (f, GDK_KEY_minus);
  g_assert_cmpuint (n_rows (f), ==, 2);
  press_key (f, GDK_KEY_Left);
  g_assert_cmpuint (focused_call (f), ==, module_call);
  press_key (f, GDK_KEY_Left);
  g_assert_cmpuint (n_rows (f), ==, 1);
}

static void
on_call_activated (HeapglassCallTreePanel *panel, guint call, guint first_step, guint *out)
{
  out[0] = call;
  out[1] = first_step;
}

/* Activating a row (a click, or Enter) asks to go to that call's first step. */
static void
test_activate_asks_to_seek (Fixture *f, gconstpointer data)
{
  guint got[2] = { 0, 0 };
  guint fib5
      = heapglass_call_tree_get_child (f->tree, heapglass_call_tree_get_root (f->tree, 0), 0);

  g_signal_connect (f->panel, "call-activated", G_CALLBACK (on_call_activated), got);
  heapglass_call_tree_panel_set_step (f->panel, heapglass_call_tree_get_first_step (f->tree, fib5));
  g_assert_cmpuint (heapglass_call_tree_panel_get_selected_position (f->panel), ==, 1);
  g_signal_emit_by_name (heapglass_call_tree_panel_get_list_view (f->panel), "activate", 1);
  g_assert_cmpuint (got[0], ==, fib5);
  g_assert_cmpuint (got[1], ==, heapglass_call_tree_get_first_step (f->tree, fib5));
}

/* No tree: the panel says to run the program. */
static void
test_empty (Fixture *f, gconstpointer data)
{
  heapglass_call_tree_panel_set_tree (f->panel, NULL);
  hg_test_spin_for (50);
  g_assert_nonnull (hg_test_find_text (GTK_WIDGET (f->panel), "Run the program to see its calls"));
  heapglass_call_tree_panel_set_step (f->panel, 3);
  g_assert_cmpuint (heapglass_call_tree_panel_get_selected_call (f->panel), ==, 0);
}

/* 150,000 calls from one loop: going to the last one opens the module's 150,000 rows and selects
 * the right one, and the window keeps drawing. */
static void
test_many_calls (void)
{
  Fixture f = { 0 };
  HeapglassRunOptions options;
  guint n, last_call;
  gint64 start;

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  (void)options;
  fixture_show (&f, "many.py",
                "def one(i):\n"
                "    return i\n"
                "\n"
                "for i in range(150000):\n"
                "    one(i)\n");
  n = heapglass_trace_get_n_steps (f.trace);
  last_call = heapglass_call_tree_find_call_at_step (f.tree, n - 2);
  g_assert_cmpuint (heapglass_call_tree_get_n_calls (f.tree), ==, 150001);
  g_assert_cmpuint (last_call, ==, 150001);

  start = g_get_monotonic_time ();
  heapglass_call_tree_panel_set_step (f.panel, n - 2);
  hg_test_spin_for (100);
  g_test_message ("opened and scrolled in %.0f ms",
                  (double)(g_get_monotonic_time () - start) / 1000);
  g_assert_cmpuint (n_rows (&f), ==, 150001);
  g_assert_cmpuint (heapglass_call_tree_panel_get_selected_position (f.panel), ==, 150000);
  g_assert_nonnull (hg_test_find_text (GTK_WIDGET (f.panel), "one(i=149999) → 149999"));
  fixture_tear_down (&f, NULL);
}

int
main (int argc, char **argv)
{
  g_setenv ("GTK_A11Y", "test", TRUE); /* the rows' accessible names are read */
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  hg_test_assert_tracer ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/call-tree-panel/collapsed-summary", test_collapsed_summary);
  ADD ("/call-tree-panel/step-selects-running-call", test_step_selects_running_call);
  ADD ("/call-tree-panel/activate-asks-to-seek", test_activate_asks_to_seek);
  ADD ("/call-tree-panel/empty", test_empty);
  ADD ("/call-tree-panel/accessible-names", test_accessible_names);
  ADD ("/call-tree-panel/open-and-close", test_open_and_close);
  ADD ("/call-tree-panel/keys", test_keys);
#undef ADD
  g_test_add_func ("/call-tree-panel/many-calls", test_many_calls);
  return g_test_run ();
}
