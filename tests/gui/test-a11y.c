/* test-a11y.c: the memory canvas as a screen reader sees it, read over a real AT-SPI bus: at a
 * step of a two-frame program, the frames, their names, what each name refers to (aliases told)
 * and the objects are there, the narration is the canvas's description and a status object says
 * what each step changed. The reader is this program re-executed with --inspect: a separate
 * process that talks AT-SPI's D-Bus interfaces, as Orca does, while this one keeps the window
 * responsive. Also the keyboard: Tab moves the focus through the shapes, the selection follows. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "heapglass-canvas.h"
#include "heapglass-narration.h"
#include "heapglass-test-gtk.h"

#define ATSPI_ACCESSIBLE "org.a11y.atspi.Accessible"
#define ATSPI_ROOT "/org/a11y/atspi/accessible/root"
#define INSPECT_TIMEOUT_S 60

static const char two_frames_py[] = "def outer():\n"
                                    "    a = [1, 2]\n"
                                    "    return inner(a)\n"
                                    "\n"
                                    "def inner(param):\n"
                                    "    b = param\n"
                                    "    b.append(3)\n"
                                    "    return len(b)\n"
                                    "\n"
                                    "n = outer()\n";

/* ---- the reader (child process) ------------------------------------------------------------- */

static GVariant *
call (GDBusConnection *bus, const char *name, const char *path, const char *interface,
      const char *method, GVariant *args, const char *reply_type)
{
  g_autoptr (GError) error = NULL;
  GVariant *reply = g_dbus_connection_call_sync (bus, name, path, interface, method, args,
                                                 G_VARIANT_TYPE (reply_type),
                                                 G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  if (reply == NULL)
    g_printerr ("inspect: %s.%s on %s %s: %s\n", interface, method, name, path, error->message);
  return reply;
}

static char *
string_property (GDBusConnection *bus, const char *name, const char *path, const char *property)
{
  g_autoptr (GVariant) reply = call (bus, name, path, "org.freedesktop.DBus.Properties", "Get",
                                     g_variant_new ("(ss)", ATSPI_ACCESSIBLE, property), "(v)");
  g_autoptr (GVariant) value = NULL;

  if (reply == NULL)
    return g_strdup ("");
  g_variant_get (reply, "(v)", &value);
  return g_variant_is_of_type (value, G_VARIANT_TYPE_STRING) ? g_variant_dup_string (value, NULL)
                                                             : g_strdup ("");
}

static void
one_line (GString *out, const char *text)
{
  for (const char *p = text; *p; p++)
    g_string_append_c (out, *p == '\n' || *p == '\t' ? ' ' : *p);
}

/* One line per accessible: depth, role, name, description, relations (type=target name). */
static void
dump (GDBusConnection *bus, const char *name, const char *path, guint depth, GString *out)
{
  g_autoptr (GVariant) role = NULL;
  g_autoptr (GVariant) children = NULL;
  g_autoptr (GVariant) relations = NULL;
  g_autofree char *label = string_property (bus, name, path, "Name");
  g_autofree char *description = string_property (bus, name, path, "Description");
  const char *role_name = "?";
  GVariantIter *iter;
  const char *child_name, *child_path;

  if (depth > 40)
    return;
  role = call (bus, name, path, ATSPI_ACCESSIBLE, "GetRoleName", NULL, "(s)");
  if (role)
    g_variant_get (role, "(&s)", &role_name);
  g_string_append_printf (out, "%u\t%s\t", depth, role_name);
  one_line (out, label);
  g_string_append_c (out, '\t');
  one_line (out, description);
  g_string_append_c (out, '\t');
  relations = call (bus, name, path, ATSPI_ACCESSIBLE, "GetRelationSet", NULL, "(a(ua(so)))");
  if (relations)
    {
      GVariantIter *set;
      guint32 type;
      GVariantIter *targets;

      g_variant_get (relations, "(a(ua(so)))", &set);
      while (g_variant_iter_next (set, "(ua(so))", &type, &targets))
        {
          while (g_variant_iter_next (targets, "(&s&o)", &child_name, &child_path))
            {
              g_autofree char *target = string_property (bus, child_name, child_path, "Name");
              g_string_append_printf (out, "%u=%s;", type, target);
            }
          g_variant_iter_free (targets);
        }
      g_variant_iter_free (set);
    }
  g_string_append_c (out, '\n');

  children = call (bus, name, path, ATSPI_ACCESSIBLE, "GetChildren", NULL, "(a(so))");
  if (children == NULL)
    return;
  g_variant_get (children, "(a(so))", &iter);
  while (g_variant_iter_next (iter, "(&s&o)", &child_name, &child_path))
    dump (bus, child_name, child_path, depth + 1, out);
  g_variant_iter_free (iter);
}

/* Finds the application of process `pid` among those registered on the accessibility bus. */
static gboolean
find_app (GDBusConnection *bus, guint32 pid, char **name, char **path)
{
  g_autoptr (GVariant) apps = call (bus, "org.a11y.atspi.Registry", ATSPI_ROOT, ATSPI_ACCESSIBLE,
                                    "GetChildren", NULL, "(a(so))");
  GVariantIter *iter;
  const char *app_name, *app_path;
  gboolean found = FALSE;

  if (apps == NULL)
    return FALSE;
  g_variant_get (apps, "(a(so))", &iter);
  while (!found && g_variant_iter_next (iter, "(&s&o)", &app_name, &app_path))
    {
      g_autoptr (GVariant) owner
          = call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                  "GetConnectionUnixProcessID", g_variant_new ("(s)", app_name), "(u)");
      guint32 app_pid = 0;

      if (owner)
        g_variant_get (owner, "(u)", &app_pid);
      if (app_pid == pid)
        {
          *name = g_strdup (app_name);
          *path = g_strdup (app_path);
          found = TRUE;
        }
    }
  g_variant_iter_free (iter);
  return found;
}

static int
inspect (guint32 pid)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) session = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GVariant) address = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  const char *text;

  if (session == NULL)
    {
      g_printerr ("inspect: no session bus: %s\n", error->message);
      return 2;
    }
  address
      = call (session, "org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress", NULL, "(s)");
  if (address == NULL)
    return 2;
  g_variant_get (address, "(&s)", &text);
  bus = g_dbus_connection_new_for_address_sync (
      text,
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  if (bus == NULL)
    {
      g_printerr ("inspect: no accessibility bus at %s: %s\n", text, error->message);
      return 2;
    }
  for (int tries = 0; !find_app (bus, pid, &name, &path); tries++)
    {
      if (tries > 100)
        {
          g_printerr ("inspect: process %u is not on the accessibility bus\n", pid);
          return 3;
        }
      g_usleep (100 * 1000);
    }
  dump (bus, name, path, 0, out);
  fwrite (out->str, 1, out->len, stdout);
  return 0;
}

/* ---- the tests (this process shows the canvas) ------------------------------------------------
 */

typedef struct
{
  GtkWindow *window;
  HeapglassCanvas *canvas;
  HeapglassTrace *trace;
} Fixture;

/* The first step at `line` with `event`. */
static guint
find_step (HeapglassTrace *trace, guint line, HeapglassEvent event)
{
  for (guint step = 1; step <= heapglass_trace_get_n_steps (trace); step++)
    if (heapglass_trace_get_step_line (trace, step) == line
        && heapglass_trace_get_step_event (trace, step) == event)
      return step;
  g_assert_not_reached ();
  return 0;
}

static gboolean
is_drawn (gpointer data)
{
  Fixture *f = data;
  return gtk_widget_get_mapped (GTK_WIDGET (f->canvas))
         && gtk_widget_get_width (GTK_WIDGET (f->canvas)) > 0;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->trace = hg_test_trace_source ("frames.py", two_frames_py, NULL);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (f->window, "Heapglass accessibility test");
  gtk_window_set_default_size (f->window, 900, 600);
  f->canvas = HEAPGLASS_CANVAS (heapglass_canvas_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->canvas));
  heapglass_canvas_set_trace (f->canvas, f->trace);
  gtk_window_present (f->window);
  g_assert_true (hg_test_spin_until (is_drawn, f, 10));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  g_clear_object (&f->trace);
}

typedef struct
{
  GSubprocess *process;
  gboolean done;
  char *out;
  char *err;
} Reader;

static void
on_read (GObject *source, GAsyncResult *result, gpointer data)
{
  Reader *reader = data;
  g_autoptr (GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &reader->out, &reader->err,
                                        &error);
  g_assert_no_error (error);
  reader->done = TRUE;
}

static gboolean
reader_done (gpointer data)
{
  return ((Reader *)data)->done;
}

/* The accessible tree of this process as another process reads it, one line per accessible. */
static char **
read_tree (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *pid = g_strdup_printf ("%u", (guint)getpid ());
  g_autoptr (GError) error = NULL;
  Reader reader = { 0 };
  char **lines;

  reader.process
      = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                          self, "--inspect", pid, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (reader.process, NULL, NULL, on_read, &reader);
  /* the main loop runs meanwhile: GTK answers the reader's questions */
  g_assert_true (hg_test_spin_until (reader_done, &reader, INSPECT_TIMEOUT_S));
  if (g_subprocess_get_exit_status (reader.process) != 0)
    g_error ("the AT-SPI reader failed (is at-spi2-core installed and a session bus "
             "running?):\n%s",
             reader.err);
  lines = g_strsplit (reader.out, "\n", -1);
  g_object_unref (reader.process);
  g_free (reader.out);
  g_free (reader.err);
  return lines;
}

/* The first line with this role whose name is `label` (and, when `parent` is given, below the
 * line `parent`), split into its fields; NULL if none. */
static char **
find_node (char **lines, const char *role, const char *label, int *at)
{
  for (int i = *at; lines[i]; i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i], "\t", 5);
      if (g_strv_length (fields) == 5 && g_str_equal (fields[1], role)
          && g_str_equal (fields[2], label))
        {
          *at = i;
          return g_steal_pointer (&fields);
        }
    }
  return NULL;
}

static guint
depth_of (char **node)
{
  return (guint)g_ascii_strtoull (node[0], NULL, 10);
}

#define assert_node(node, role, label)                                                             \
  G_STMT_START                                                                                     \
  {                                                                                                \
    if ((node) == NULL)                                                                            \
      g_error ("no %s named \"%s\" in the accessible tree:\n%s", role, label, tree_text);          \
  }                                                                                                \
  G_STMT_END

static void
test_tree_frames_names_aliases (Fixture *f, gconstpointer data)
{
  guint step = find_step (f->trace, 7, HEAPGLASS_EVENT_LINE);
  g_auto (GStrv) lines = NULL;
  g_autofree char *tree_text = NULL;
  g_auto (GStrv) diagram = NULL, inner = NULL, param = NULL, b = NULL, outer = NULL, a = NULL;
  g_auto (GStrv) list = NULL;
  int at = 0, inner_at, outer_at;

  heapglass_canvas_set_step (f->canvas, step);
  lines = read_tree ();
  tree_text = g_strjoinv ("\n", lines);

  diagram = find_node (lines, "group", "Memory diagram", &at);
  assert_node (diagram, "group", "Memory diagram");

  /* frames: groups named by their function, names inside them */
  inner = find_node (lines, "group", "inner()", &at);
  assert_node (inner, "group", "inner()");
  g_assert_cmpuint (depth_of (inner), ==, depth_of (diagram) + 1);
  g_assert_true (strstr (inner[3], "The current frame.") != NULL);
  inner_at = at;
  param = find_node (lines, "link", "param", &at);
  assert_node (param, "link", "param");
  b = find_node (lines, "link", "b", &at);
  assert_node (b, "link", "b");
  g_assert_cmpuint (depth_of (param), ==, depth_of (inner) + 1);
  g_assert_cmpuint (depth_of (b), ==, depth_of (inner) + 1);
  (void)inner_at;

  /* aliasing, told on each name */
  g_assert_cmpstr (param[3], ==, "param refers to the list [1, 2], as do b and outer's a.");
  g_assert_cmpstr (b[3], ==,
                   "b refers to the list [1, 2], as do param and outer's a. Bound by "
                   "this step.");
  at = 0;
  outer = find_node (lines, "group", "outer()", &at);
  assert_node (outer, "group", "outer()");
  outer_at = at;
  a = find_node (lines, "link", "a", &at);
  assert_node (a, "link", "a");
  g_assert_cmpint (at, >, outer_at);
  g_assert_cmpstr (a[3], ==, "a refers to the list [1, 2], as do inner's param and inner's b.");

  /* the object, and each name's relation to it */
  at = 0;
  list = find_node (lines, "group", "list [1, 2]", &at);
  assert_node (list, "group", "list [1, 2]");
  g_assert_true (strstr (list[3], "Referred to by inner's param, inner's b and outer's a.")
                 != NULL);
  /* a new name for it is no change of the list itself */
  g_assert_null (strstr (list[3], "Changed by this step."));
  g_assert_true (strstr (param[4], "=list [1, 2];") != NULL);
  g_assert_true (strstr (b[4], "=list [1, 2];") != NULL);
}

static void
test_narration_and_status (Fixture *f, gconstpointer data)
{
  guint step = find_step (f->trace, 8, HEAPGLASS_EVENT_LINE);
  g_autofree char *narration = heapglass_narration_describe (f->trace, step);
  g_auto (GStrv) lines = NULL;
  g_autofree char *tree_text = NULL;
  g_auto (GStrv) diagram = NULL;
  g_auto (GStrv) status = NULL;
  g_auto (GStrv) list = NULL;
  int at = 0;

  /* step forward onto the mutation, as a learner does */
  heapglass_canvas_set_step (f->canvas, step - 1);
  heapglass_canvas_set_step (f->canvas, step);
  lines = read_tree ();
  tree_text = g_strjoinv ("\n", lines);

  diagram = find_node (lines, "group", "Memory diagram", &at);
  assert_node (diagram, "group", "Memory diagram");
  g_assert_cmpstr (diagram[3], ==, narration);
  for (int i = 0; lines[i] && status == NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i], "\t", 5);
      if (g_strv_length (fields) == 5 && g_str_equal (fields[1], "status"))
        status = g_steal_pointer (&fields);
    }
  if (status == NULL)
    g_error ("no status object:\n%s", tree_text);
  g_assert_true (g_str_has_prefix (status[2], "Step "));
  g_assert_true (strstr (status[2], "This step changed the list [1, 2, 3].") != NULL);
  g_assert_null (strstr (status[2], "Also on the stack"));
  /* said in words, not only drawn in colour */
  at = 0;
  list = find_node (lines, "group", "list [1, 2, 3]", &at);
  assert_node (list, "group", "list [1, 2, 3]");
  g_assert_true (g_str_has_prefix (list[3], "Changed by this step."));
}

/* Tab walks frames, names and objects as focused widgets; the selection follows. */
static void
test_keyboard_focus_and_selection (Fixture *f, gconstpointer data)
{
  guint step = find_step (f->trace, 7, HEAPGLASS_EVENT_LINE);
  GtkWidget *focus;
  guint guard = 0;
  const HeapglassSceneItem *item;

  heapglass_canvas_set_step (f->canvas, step);
  gtk_widget_grab_focus (GTK_WIDGET (f->canvas));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (f->canvas), GTK_DIR_TAB_FORWARD));
  while ((item = heapglass_canvas_get_focus_item (f->canvas)) != NULL
         && !(item->kind == HEAPGLASS_SCENE_NAME && g_strcmp0 (item->name, "param") == 0))
    {
      g_assert_true (gtk_widget_child_focus (GTK_WIDGET (f->canvas), GTK_DIR_TAB_FORWARD));
      g_assert_cmpuint (++guard, <, 50);
    }
  g_assert_nonnull (item);
  /* the focus is on the name's own widget, labelled for screen readers */
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_nonnull (focus);
  g_assert_true (focus != GTK_WIDGET (f->canvas));
  g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (f->canvas)));
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (focus)), ==,
                   GTK_ACCESSIBLE_ROLE_LINK);
  /* and the object it refers to is selected */
  g_assert_cmpuint (heapglass_canvas_get_selected_oid (f->canvas), ==, item->oid);
}

/* GNOME's Large Text (fonts at 125 %): the diagram starts, and resets, at 125 % too. */
static void
test_large_text_zoom (void)
{
  GtkSettings *settings = gtk_settings_get_default ();
  GtkWindow *window;
  HeapglassCanvas *canvas;
  int dpi = 0;

  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
  g_object_set (settings, "gtk-xft-dpi", 120 * 1024, NULL);
  window = GTK_WINDOW (gtk_window_new ());
  canvas = HEAPGLASS_CANVAS (heapglass_canvas_new ());
  gtk_window_set_child (window, GTK_WIDGET (canvas));
  g_assert_cmpfloat_with_epsilon (heapglass_canvas_get_zoom (canvas), 1.25, 1e-9);
  heapglass_canvas_zoom_in (canvas);
  heapglass_canvas_zoom_reset (canvas);
  g_assert_cmpfloat_with_epsilon (heapglass_canvas_get_zoom (canvas), 1.25, 1e-9);
  gtk_window_destroy (window);
  g_object_set (settings, "gtk-xft-dpi", dpi, NULL);
}

int
main (int argc, char **argv)
{
  if (argc == 3 && g_str_equal (argv[1], "--inspect"))
    return inspect ((guint32)g_ascii_strtoull (argv[2], NULL, 10));

  /* A session bus of our own, where at-spi2-core's bus launcher is activated: what a desktop
   * session has, and what Xvfb alone lacks. Its services' output stays off our TAP stream. */
  GTestDBus *session = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  int tap = dup (STDOUT_FILENO);

  g_test_dbus_add_service_dir (session, "/usr/share/dbus-1/services");
  /* the daemon and what it starts write to what it inherits: stderr, not the TAP stream */
  dup2 (STDERR_FILENO, STDOUT_FILENO);
  g_test_dbus_up (session);
  dup2 (tap, STDOUT_FILENO);
  close (tap);
  /* GTestDBus unsets DISPLAY (against X11 autolaunch); the window needs it back */
  if (display)
    g_setenv ("DISPLAY", display, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();

  g_test_add ("/a11y/atspi/frames-names-aliases", Fixture, NULL, fixture_set_up,
              test_tree_frames_names_aliases, fixture_tear_down);
  g_test_add ("/a11y/atspi/narration-and-status", Fixture, NULL, fixture_set_up,
              test_narration_and_status, fixture_tear_down);
  g_test_add ("/a11y/keyboard/focus-and-selection", Fixture, NULL, fixture_set_up,
              test_keyboard_focus_and_selection, fixture_tear_down);
  g_test_add_func ("/a11y/large-text/zoom-follows", test_large_text_zoom);
  /* No g_test_dbus_down(): it waits for every user of the bus to let go, and GTK never does.
   * GTestDBus's watcher stops the daemon when this process exits. */
  return g_test_run ();
}
