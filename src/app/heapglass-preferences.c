/* heapglass-preferences.c: the preferences window. Every row is bound to a GSettings key, so a
 * change applies at once and the window needs no Apply button. */
#include "config.h"

#include <glib/gi18n.h>

#include "heapglass-preferences.h"

struct _HeapglassPreferences
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (HeapglassPreferences, heapglass_preferences, ADW_TYPE_PREFERENCES_WINDOW)

static const char *const theme_nicks[] = { "system", "light", "dark" };

static gboolean
theme_to_index (GValue *value, GVariant *variant, gpointer user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (theme_nicks); i++)
    if (g_strcmp0 (nick, theme_nicks[i]) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
index_to_theme (const GValue *value, const GVariantType *type, gpointer user_data)
{
  guint index = g_value_get_uint (value);

  if (index >= G_N_ELEMENTS (theme_nicks))
    index = 0;
  return g_variant_new_string (theme_nicks[index]);
}

static GtkWidget *
add_spin_row (HeapglassPreferences *self, AdwPreferencesGroup *group, const char *title,
              const char *subtitle, const char *key, double min, double max, double step,
              guint digits)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, step);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  adw_preferences_group_add (group, row);
  if (self->settings != NULL)
    g_settings_bind (self->settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT);
  else
    gtk_widget_set_sensitive (row, FALSE);
  return spin;
}

static GtkWidget *
add_switch_row (HeapglassPreferences *self, AdwPreferencesGroup *group, const char *title,
                const char *subtitle, const char *key)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  adw_preferences_group_add (group, row);
  if (self->settings != NULL)
    g_settings_bind (self->settings, key, toggle, "active", G_SETTINGS_BIND_DEFAULT);
  else
    gtk_widget_set_sensitive (row, FALSE);
  return toggle;
}

static void
build_pages (HeapglassPreferences *self)
{
  AdwPreferencesPage *page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  AdwPreferencesGroup *tracing = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *appearance = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  g_autoptr (GtkStringList) themes = NULL;
  GtkWidget *theme_row;

  adw_preferences_page_set_title (page, _ ("General"));
  adw_preferences_page_set_icon_name (page, "preferences-system-symbolic");

  adw_preferences_group_set_title (tracing, _ ("Tracing"));
  adw_preferences_group_set_description (
      tracing, _ ("A program that reaches a limit stops; the steps so far are kept."));
  add_spin_row (self, tracing, _ ("Maximum Steps"), _ ("Lines, calls and returns recorded"),
                "max-steps", 1, 100000000, 1000, 0);
  add_spin_row (self, tracing, _ ("Time Limit"), _ ("Seconds of running time"), "timeout", 0.5,
                3600, 1, 1);
  add_spin_row (self, tracing, _ ("Memory Limit"), _ ("MiB the program may use"), "memory-limit",
                64, 65536, 64, 0);
  add_spin_row (self, tracing, _ ("Disk Limit"), _ ("MiB the trace may keep on disk"), "disk-limit",
                64, 1048576, 256, 0);
  add_switch_row (self, tracing, _ ("Sandbox"),
                  _ ("No network and a private temporary folder for the program"), "sandbox");

  adw_preferences_group_set_title (appearance, _ ("Appearance"));
  themes = gtk_string_list_new (
      (const char *const[]){ _ ("Follow System"), _ ("Light"), _ ("Dark"), NULL });
  theme_row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (theme_row), _ ("Style"));
  adw_combo_row_set_model (ADW_COMBO_ROW (theme_row), G_LIST_MODEL (themes));
  adw_preferences_group_add (appearance, theme_row);
  if (self->settings != NULL)
    g_settings_bind_with_mapping (self->settings, "theme", theme_row, "selected",
                                  G_SETTINGS_BIND_DEFAULT, theme_to_index, index_to_theme, NULL,
                                  NULL);
  else
    gtk_widget_set_sensitive (theme_row, FALSE);
  add_switch_row (self, appearance, _ ("Small Values Inline"),
                  _ ("Draw numbers, short strings, booleans and None in their names’ boxes"),
                  "inline-small-values");
  add_switch_row (self, appearance, _ ("Library Objects"),
                  _ ("Draw what only library code holds, such as a tracemalloc snapshot’s "
                     "insides"),
                  "show-library-objects");
  add_spin_row (self, appearance, _ ("Play Speed"), _ ("Steps per second when playing"),
                "play-speed", 0.5, 100, 0.5, 1);

  adw_preferences_page_add (page, tracing);
  adw_preferences_page_add (page, appearance);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), page);
}

GtkWidget *
heapglass_preferences_new (GSettings *settings)
{
  HeapglassPreferences *self;

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (HEAPGLASS_TYPE_PREFERENCES, "modal", TRUE, "search-enabled", FALSE, NULL);
  self->settings = settings != NULL ? g_object_ref (settings) : NULL;
  build_pages (self);
  return GTK_WIDGET (self);
}

static void
heapglass_preferences_dispose (GObject *object)
{
  HeapglassPreferences *self = HEAPGLASS_PREFERENCES (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (heapglass_preferences_parent_class)->dispose (object);
}

static void
heapglass_preferences_class_init (HeapglassPreferencesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = heapglass_preferences_dispose;
}

static void
heapglass_preferences_init (HeapglassPreferences *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 620);
}
