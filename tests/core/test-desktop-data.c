/* test-desktop-data.c: the built desktop file and metainfo carry their translations (German and
 * Spanish merged in from po/), the metainfo shows the real screenshot of the repository and lists
 * this version among its releases, newest first. */
#include "config.h"

#include <string.h>

#include "heapglass-test-support.h"

static char *
built_file (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("HEAPGLASS_DATA_BUILDDIR"), name, NULL);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

static void
test_desktop_translated (void)
{
  g_autoptr (GKeyFile) desktop = g_key_file_new ();
  g_autofree char *text = built_file (APP_ID ".desktop");
  g_autoptr (GError) error = NULL;
  g_autofree char *de = NULL;
  g_autofree char *es = NULL;

  g_assert_true (
      g_key_file_load_from_data (desktop, text, -1, G_KEY_FILE_KEEP_TRANSLATIONS, &error));
  g_assert_no_error (error);
  de = g_key_file_get_locale_string (desktop, "Desktop Entry", "Comment", "de", &error);
  g_assert_no_error (error);
  es = g_key_file_get_locale_string (desktop, "Desktop Entry", "GenericName", "es", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (de, ==,
                   "Die Namen und Objekte eines Python-Programms Schritt für Schritt "
                   "verfolgen");
  g_assert_cmpstr (es, ==, "Visualizador de memoria de Python");
}

typedef struct
{
  GPtrArray *screenshots;
  GPtrArray *releases;
  gboolean in_image;
  guint german;
} Metainfo;

static void
on_start (GMarkupParseContext *context, const char *element, const char **names,
          const char **values, gpointer data, GError **error)
{
  Metainfo *m = data;

  for (guint i = 0; names[i]; i++)
    {
      if (g_str_equal (names[i], "xml:lang") && g_str_equal (values[i], "de"))
        m->german++;
      if (g_str_equal (element, "release") && g_str_equal (names[i], "version"))
        g_ptr_array_add (m->releases, g_strdup (values[i]));
    }
  m->in_image = g_str_equal (element, "image");
}

static void
on_end (GMarkupParseContext *context, const char *element, gpointer data, GError **error)
{
  ((Metainfo *)data)->in_image = FALSE;
}

static void
on_text (GMarkupParseContext *context, const char *text, gsize len, gpointer data, GError **error)
{
  Metainfo *m = data;

  if (m->in_image)
    g_ptr_array_add (m->screenshots, g_strndup (text, len));
}

static void
read_metainfo (Metainfo *m)
{
  static const GMarkupParser parser = { on_start, on_end, on_text, NULL, NULL };
  g_autofree char *text = built_file (APP_ID ".metainfo.xml");
  g_autoptr (GError) error = NULL;
  GMarkupParseContext *context = g_markup_parse_context_new (&parser, 0, m, NULL);
  const char *start = strstr (text, "<component");

  g_assert_nonnull (start);
  m->screenshots = g_ptr_array_new_with_free_func (g_free);
  m->releases = g_ptr_array_new_with_free_func (g_free);
  g_assert_true (g_markup_parse_context_parse (context, start, -1, &error));
  g_assert_no_error (error);
  g_markup_parse_context_free (context);
}

static void
metainfo_clear (Metainfo *m)
{
  g_ptr_array_unref (m->screenshots);
  g_ptr_array_unref (m->releases);
}

static void
test_metainfo_translated (void)
{
  Metainfo m = { 0 };

  read_metainfo (&m);
  /* name, summary, description paragraphs and items, caption, release notes */
  g_assert_cmpuint (m.german, >=, 10);
  metainfo_clear (&m);
}

static void
test_metainfo_screenshot_is_real (void)
{
  Metainfo m = { 0 };
  const char *prefix = "https://raw.githubusercontent.com/heapglass/heapglass/main/";

  read_metainfo (&m);
  g_assert_cmpuint (m.screenshots->len, >=, 1);
  for (guint i = 0; i < m.screenshots->len; i++)
    {
      const char *url = m.screenshots->pdata[i];
      g_autofree char *path = NULL;

      g_assert_true (g_str_has_prefix (url, prefix));
      /* the picture is in the repository, where the URL says */
      path = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", url + strlen (prefix), NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_error ("the metainfo's screenshot %s is not in the repository", path);
    }
  metainfo_clear (&m);
}

static void
test_metainfo_lists_this_release (void)
{
  Metainfo m = { 0 };

  read_metainfo (&m);
  g_assert_cmpuint (m.releases->len, >=, 1);
  /* newest first, and that is the version being built */
  g_assert_cmpstr (m.releases->pdata[0], ==, PACKAGE_VERSION);
  metainfo_clear (&m);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/desktop-data/desktop/translated", test_desktop_translated);
  g_test_add_func ("/desktop-data/metainfo/translated", test_metainfo_translated);
  g_test_add_func ("/desktop-data/metainfo/screenshot-is-real", test_metainfo_screenshot_is_real);
  g_test_add_func ("/desktop-data/metainfo/lists-this-release", test_metainfo_lists_this_release);
  return g_test_run ();
}
