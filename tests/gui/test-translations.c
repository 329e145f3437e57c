/* test-translations.c: the window in German (LANGUAGE=de, the build tree's heapglass.mo): its
 * buttons, tooltips and menus, the diagram's narration and the About window speak German; the
 * About window has version, licence, website and credits; the keyboard shortcuts window lists
 * every shortcut the application sets. A picture of the German window is left in the build
 * directory (window-de.png). */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "heapglass-application.h"
#include "heapglass-canvas.h"
#include "heapglass-narration.h"
#include "heapglass-test-gtk.h"
#include "heapglass-window.h"

static HeapglassApplication *app;

static const char aliasing_py[] = "def grow(items):\n"
                                  "    items.append(len(items))\n"
                                  "    return items\n"
                                  "\n"
                                  "data = [7]\n"
                                  "same = grow(data)\n"
                                  "print(same is data)\n";

/* Every text a widget shows or says: labels, button labels, tooltips, accessible-less titles. */
static void
collect_texts (GtkWidget *widget, GString *out)
{
  const char *text = NULL;

  if (GTK_IS_LABEL (widget))
    text = gtk_label_get_label (GTK_LABEL (widget));
  else if (GTK_IS_BUTTON (widget))
    text = gtk_button_get_label (GTK_BUTTON (widget));
  if (text)
    g_string_append_printf (out, "%s\n", text);
  if (gtk_widget_get_tooltip_text (widget))
    g_string_append_printf (out, "%s\n", gtk_widget_get_tooltip_text (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    collect_texts (child, out);
}

static gboolean
has_steps (gpointer data)
{
  return heapglass_window_get_step (HEAPGLASS_WINDOW (data)) > 0
         && !heapglass_window_is_running (HEAPGLASS_WINDOW (data));
}

static void
test_window_in_german (void)
{
  HeapglassWindow *window = heapglass_window_new (app);
  g_autoptr (GString) texts = g_string_new (NULL);
  g_autofree char *shot = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "window-de.png", NULL);
  GtkWidget *canvas;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  heapglass_window_set_code (window, aliasing_py, "aliasing.py");
  heapglass_window_run (window);
  g_assert_true (hg_test_spin_until (has_steps, window, 60));
  heapglass_window_set_step (window, 8);
  hg_test_spin_for (300);

  collect_texts (GTK_WIDGET (window), texts);
  /* the header bar's buttons and their tooltips */
  g_assert_nonnull (strstr (texts->str, "_Ausführen"));
  g_assert_nonnull (strstr (texts->str, "Das Programm verfolgen (Strg+R oder F5)"));
  g_assert_nonnull (strstr (texts->str, "Hauptmenü"));
  g_assert_null (strstr (texts->str, "Trace the program"));

  /* the diagram tells the step in German */
  canvas = heapglass_window_get_canvas (window);
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (canvas)), ==,
                   GTK_ACCESSIBLE_ROLE_GROUP);
  {
    HeapglassTrace *trace = heapglass_window_get_trace (window);
    g_autofree char *text = heapglass_narration_describe (trace, 8);

    g_assert_nonnull (text);
    if (!g_str_has_prefix (text, "Schritt 8 von "))
      g_error ("not German: %s", text);
  }

  hg_test_save_widget_png (GTK_WIDGET (window), shot, 1.0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_about_window (void)
{
  HeapglassWindow *window = heapglass_window_new (app);
  AdwAboutWindow *about = NULL;
  GList *windows;

  gtk_window_present (GTK_WINDOW (window));
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  hg_test_spin_for (200);
  windows = gtk_window_list_toplevels ();
  for (GList *l = windows; l != NULL; l = l->next)
    if (ADW_IS_ABOUT_WINDOW (l->data))
      about = l->data;
  g_list_free (windows);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpint (adw_about_window_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  g_assert_true (g_str_has_prefix (adw_about_window_get_website (about), "https://"));
  g_assert_true (g_str_has_prefix (adw_about_window_get_issue_url (about), "https://"));
  g_assert_nonnull (adw_about_window_get_developers (about));
  g_assert_nonnull (adw_about_window_get_copyright (about));
  /* the German translators are credited, in German */
  g_assert_nonnull (adw_about_window_get_translator_credits (about));
  g_assert_cmpstr (adw_about_window_get_translator_credits (about), !=, "translator-credits");
  g_assert_cmpstr (adw_about_window_get_comments (about), ==,
                   "Die Namen und Objekte eines Python-Programms Schritt für Schritt verfolgen");
  gtk_window_destroy (GTK_WINDOW (about));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Every action with a keyboard shortcut is in the shortcuts window (by action or accelerator). */
static void
test_help_overlay_complete (void)
{
  g_autoptr (GtkBuilder) builder
      = gtk_builder_new_from_resource ("/io/github/heapglass/Heapglass/gtk/help-overlay.ui");
  g_autoptr (GString) listed = g_string_new ("\n");
  g_auto (GStrv) actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  GObject *overlay = gtk_builder_get_object (builder, "help_overlay");
  GSList *objects = gtk_builder_get_objects (builder);

  g_assert_nonnull (overlay);
  for (GSList *l = objects; l; l = l->next)
    if (GTK_IS_SHORTCUTS_SHORTCUT (l->data))
      {
        g_autofree char *action = NULL;
        g_autofree char *accelerator = NULL;
        g_autofree char *title = NULL;

        g_object_get (l->data, "action-name", &action, "accelerator", &accelerator, "title", &title,
                      NULL);
        g_string_append_printf (listed, "%s\n%s\n", action ? action : "",
                                accelerator ? accelerator : "");
        /* and each one's title is translated */
        g_assert_nonnull (title);
      }
  g_slist_free (objects);
  g_object_unref (overlay);
  for (guint i = 0; actions[i]; i++)
    {
      g_auto (GStrv) accels
          = gtk_application_get_accels_for_action (GTK_APPLICATION (app), actions[i]);
      g_autofree char *line = g_strdup_printf ("\n%s\n", actions[i]);
      gboolean found = strstr (listed->str, line) != NULL;

      if (accels[0] == NULL)
        continue;
      for (guint j = 0; accels[j] && !found; j++)
        found = strstr (listed->str, accels[j]) != NULL;
      if (!found)
        g_error ("%s (%s) is missing from the keyboard shortcuts window", actions[i], accels[0]);
    }
}

int
main (int argc, char *argv[])
{
  int status;

  /* the build tree's translations, in German */
  g_setenv ("LANGUAGE", "de", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("HEAPGLASS_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  gtk_test_init (&argc, &argv, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  hg_test_assert_tracer ();

  app = heapglass_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/translations/window-in-german", test_window_in_german);
  g_test_add_func ("/translations/about-window", test_about_window);
  g_test_add_func ("/translations/help-overlay-complete", test_help_overlay_complete);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
