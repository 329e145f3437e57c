/* heapglass-application.c: the application object. Runs the headless command line from
 * handle-local-options (before any display is needed), owns the app actions and sets every
 * accelerator in one place. */
#include "config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "heapglass-application.h"
#include "heapglass-cli.h"
#include "heapglass-preferences.h"
#include "heapglass-window.h"

struct _HeapglassApplication
{
  AdwApplication parent_instance;

  char *file_to_open; /* from the command line, opened by activate */
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (HeapglassApplication, heapglass_application, ADW_TYPE_APPLICATION)

HeapglassApplication *
heapglass_application_new (void)
{
  return g_object_new (HEAPGLASS_TYPE_APPLICATION, "application-id", APP_ID, "flags",
                       G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE, "resource-base-path",
                       "/io/github/heapglass/Heapglass", NULL);
}

GSettings *
heapglass_application_get_settings (HeapglassApplication *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_APPLICATION (self), NULL);
  return self->settings;
}

static HeapglassWindow *
get_or_create_window (HeapglassApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (heapglass_window_new (self));
  return HEAPGLASS_WINDOW (window);
}

static int
heapglass_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  HeapglassApplication *self = HEAPGLASS_APPLICATION (app);
  char *file = NULL;
  int status;

  status = heapglass_cli_handle_local_options (app, options, &file);
  if (status >= 0)
    {
      g_free (file);
      return status;
    }
  g_free (self->file_to_open);
  self->file_to_open = file;
  return -1;
}

static void
heapglass_application_activate (GApplication *app)
{
  HeapglassApplication *self = HEAPGLASS_APPLICATION (app);
  HeapglassWindow *window = get_or_create_window (self);

  if (self->file_to_open != NULL)
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (self->file_to_open);

      g_clear_pointer (&self->file_to_open, g_free);
      heapglass_window_open_file (window, file);
    }
  gtk_window_present (GTK_WINDOW (window));
}

static void
heapglass_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  HeapglassApplication *self = HEAPGLASS_APPLICATION (app);

  for (int i = 0; i < n_files; i++)
    {
      HeapglassWindow *window = heapglass_window_new (self);

      heapglass_window_open_file (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
app_open_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  HeapglassWindow *window = get_or_create_window (HEAPGLASS_APPLICATION (user_data));

  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open", NULL);
}

static void
app_quit_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GList *windows;

  /* Closing each window lets it stop its tracer process first. */
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (user_data))) != NULL)
    gtk_window_destroy (GTK_WINDOW (windows->data));
  g_application_quit (G_APPLICATION (user_data));
}

static void
app_about_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  const char *developers[] = { _ ("The Heapglass contributors"), NULL };
  GtkWidget *about;

  about = g_object_new (
      ADW_TYPE_ABOUT_WINDOW, "transient-for", parent, "application-name", _ ("Heapglass"),
      "application-icon", APP_ID, "developer-name", _ ("The Heapglass contributors"), "developers",
      developers, "version", PACKAGE_VERSION, "comments",
      _ ("Watch a Python program's names and objects, step by step"), "website",
      "https://github.com/heapglass/heapglass", "issue-url",
      "https://github.com/heapglass/heapglass/issues", "license-type", GTK_LICENSE_GPL_3_0,
      "copyright", _ ("© 2026 The Heapglass contributors"),
      /* Translators: your names, one per line, as you want them credited in the About window */
      "translator-credits", _ ("translator-credits"), NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
app_preferences_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  HeapglassApplication *self = HEAPGLASS_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *prefs = heapglass_preferences_new (self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  gtk_window_set_application (GTK_WINDOW (prefs), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (prefs));
}

static const GActionEntry app_actions[] = {
  { "open", app_open_cb },
  { "quit", app_quit_cb },
  { "about", app_about_cb },
  { "preferences", app_preferences_cb },
};

/* Every accelerator of the app, app.* and win.* alike, is set here and only here. The plain keys
 * that move through the steps are "local": a capture-phase shortcut controller on the window
 * takes them wherever the focus is (the sidebar, the output, the canvas), except in text being
 * edited (the code, the input() answer), which keeps its own Left/Right/Home/End. */
static const struct
{
  const char *action;
  const char *accels[3];
  gboolean local;
} accelerators[] = {
  { "app.open", { "<Control>o", NULL } },
  { "app.quit", { "<Control>q", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "win.run", { "<Control>r", "F5", NULL } },
  { "win.stop", { "<Shift>F5", "<Control>period", NULL } },
  { "win.play", { "<Control>space", NULL } },
  { "win.export", { "<Control>e", NULL } },
  { "win.copy-diagram", { "<Control><Shift>c", NULL } },
  /* F9 is the breakpoint key of every debugger; the chapter list moves to Ctrl+F9 */
  { "win.toggle-sidebar", { "<Control>F9", NULL } },
  { "teach.toggle-breakpoint", { "F9", NULL } },
  { "teach.continue", { "F8", NULL } },
  { "teach.reverse-continue", { "<Shift>F8", NULL } },
  { "teach.call-tree", { "<Control>t", NULL } },
  { "teach.pin-step", { "<Control>p", NULL } },
  { "teach.predict", { "<Control><Shift>p", NULL } },
  { "win.zoom-in", { "<Control>plus", "<Control>equal", NULL } },
  { "win.zoom-out", { "<Control>minus", NULL } },
  { "win.zoom-reset", { "<Control>0", NULL } },
  { "win.close", { "<Control>w", NULL } },
  { "win.show-help-overlay", { "<Control>question", NULL } },
  { "win.step-over", { "F10", NULL } },
  { "win.step-out", { "<Shift>F11", NULL } },
  { "win.step-first", { "Home", NULL }, TRUE },
  { "win.step-back", { "Left", NULL }, TRUE },
  { "win.step-forward", { "Right", NULL }, TRUE },
  { "win.step-last", { "End", NULL }, TRUE },
};

/* Is the focus in text the learner is editing? Then the key is theirs. */
static gboolean
focus_is_editing (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL)
    return FALSE;
  if (GTK_IS_EDITABLE (focus))
    return gtk_editable_get_editable (GTK_EDITABLE (focus));
  if (GTK_IS_TEXT_VIEW (focus))
    return gtk_text_view_get_editable (GTK_TEXT_VIEW (focus));
  return FALSE;
}

static gboolean
step_shortcut_activate (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  const char *action = user_data;

  if (focus_is_editing (widget))
    return FALSE;
  /* Taken even when the action is disabled (the first or last step): the key moves steps here,
   * never a list selection or a text cursor behind the learner's back. */
  gtk_widget_activate_action (widget, action, NULL);
  return TRUE;
}

GtkEventController *
heapglass_application_create_step_shortcuts (void)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (accelerators); i++)
    {
      if (!accelerators[i].local)
        continue;
      for (guint j = 0; accelerators[i].accels[j] != NULL; j++)
        {
          GtkShortcutTrigger *trigger
              = gtk_shortcut_trigger_parse_string (accelerators[i].accels[j]);
          GtkShortcutAction *action = gtk_callback_action_new (
              step_shortcut_activate, (gpointer)accelerators[i].action, NULL);

          gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                                gtk_shortcut_new (trigger, action));
        }
    }
  return controller;
}

static void
apply_color_scheme (GSettings *settings, const char *key, gpointer user_data)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  g_autofree char *theme = g_settings_get_string (settings, "theme");

  if (g_strcmp0 (theme, "light") == 0)
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  else if (g_strcmp0 (theme, "dark") == 0)
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  else
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
}

static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_message ("Settings schema %s is not installed; using the default preferences", APP_ID);
      return NULL;
    }
  return g_settings_new (APP_ID);
}

static void
heapglass_application_startup (GApplication *app)
{
  HeapglassApplication *self = HEAPGLASS_APPLICATION (app);

  G_APPLICATION_CLASS (heapglass_application_parent_class)->startup (app);
  gtk_source_init ();

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  for (guint i = 0; i < G_N_ELEMENTS (accelerators); i++)
    if (!accelerators[i].local)
      gtk_application_set_accels_for_action (GTK_APPLICATION (self), accelerators[i].action,
                                             accelerators[i].accels);

  self->settings = settings_new_if_installed ();
  if (self->settings != NULL)
    {
      g_signal_connect (self->settings, "changed::theme", G_CALLBACK (apply_color_scheme), NULL);
      apply_color_scheme (self->settings, "theme", NULL);
    }
}

static void
heapglass_application_finalize (GObject *object)
{
  HeapglassApplication *self = HEAPGLASS_APPLICATION (object);

  g_clear_pointer (&self->file_to_open, g_free);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (heapglass_application_parent_class)->finalize (object);
}

static void
heapglass_application_class_init (HeapglassApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = heapglass_application_finalize;
  app_class->handle_local_options = heapglass_application_handle_local_options;
  app_class->startup = heapglass_application_startup;
  app_class->activate = heapglass_application_activate;
  app_class->open = heapglass_application_open;
}

static void
heapglass_application_init (HeapglassApplication *self)
{
  /* The recent-files list records which application added a file. */
  g_set_application_name (_ ("Heapglass"));
  heapglass_cli_add_main_options (G_APPLICATION (self));
}
