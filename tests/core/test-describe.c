/* test-describe.c: the words that go with a diagram: `heapglass --describe` prints each step's
 * narration, and exported pictures carry it as alt text (SVG <title>/<desc>, PNG text chunks,
 * PDF title and, with --caption=auto, the narration as text on each page), read back here. */
#include "config.h"

#include <cairo.h>
#include <string.h>

#include "heapglass-alt-text.h"
#include "heapglass-export.h"
#include "heapglass-narration.h"
#include "heapglass-test-cli.h"
#include "heapglass-test-support.h"

static const char calls_py[] = "def grow(items):\n"
                               "    items.append(len(items))\n"
                               "    return items\n"
                               "\n"
                               "print('hello from the program')\n"
                               "data = [7]\n"
                               "same = grow(data)\n";

static void
test_cli_one_step (void)
{
  g_autofree char *script = hg_test_write_file ("calls.py", calls_py, -1);
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("calls.py", calls_py, NULL);
  g_autofree char *narration = heapglass_narration_describe (trace, 5);
  g_autofree char *expected = g_strconcat (narration, "\n", NULL);
  HgCliResult r = hg_test_cli ("--describe", "--step=5", script, NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "Step 5 of "));
  g_assert_cmpstr (r.out, ==, expected);
  hg_cli_result_clear (&r);
}

static void
test_cli_last_is_default (void)
{
  g_autofree char *script = hg_test_write_file ("calls.py", calls_py, -1);
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("calls.py", calls_py, NULL);
  g_autofree char *expected
      = heapglass_narration_describe (trace, heapglass_trace_get_n_steps (trace));
  HgCliResult plain = hg_test_cli ("--describe", script, NULL);
  HgCliResult last = hg_test_cli ("--describe", "--step=last", script, NULL);

  g_assert_cmpint (plain.status, ==, 0);
  g_assert_cmpstr (plain.out, ==, last.out);
  g_assert_true (g_str_has_prefix (plain.out, expected));
  g_assert_true (strstr (plain.out, "data and same refer to the same list [7, 1].") != NULL);
  /* the program's own output is not mixed into the description */
  g_assert_null (strstr (plain.out, "hello from the program"));
  hg_cli_result_clear (&plain);
  hg_cli_result_clear (&last);
}

/* --compare=N: each step's narration goes on with what differs from step N, as the window's canvas
 * says it while step N is pinned. */
static void
test_cli_compare (void)
{
  g_autofree char *script = hg_test_write_file ("calls.py", calls_py, -1);
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("calls.py", calls_py, NULL);
  guint last = heapglass_trace_get_n_steps (trace);
  g_autoptr (HeapglassStepDiff) diff = heapglass_step_diff_new (trace, 3, last);
  g_autofree char *narration = heapglass_narration_describe (trace, last);
  g_autofree char *words = heapglass_narration_describe_comparison (diff);
  g_autofree char *expected = g_strconcat (narration, " ", words, "\n", NULL);
  HgCliResult r = hg_test_cli ("--describe", "--compare=3", script, NULL);
  HgCliResult bad = hg_test_cli ("--describe", "--compare=x", script, NULL);
  HgCliResult alone = hg_test_cli ("--compare=3", script, NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, expected);
  g_assert_nonnull (strstr (r.out, "Compared with step 3: "));
  g_assert_cmpint (bad.status, !=, 0);
  g_assert_nonnull (strstr (bad.err, "--compare"));
  g_assert_cmpint (alone.status, !=, 0);
  g_assert_nonnull (strstr (alone.err, "--compare goes with --describe"));
  hg_cli_result_clear (&r);
  hg_cli_result_clear (&bad);
  hg_cli_result_clear (&alone);
}

static void
test_cli_range (void)
{
  g_autofree char *script = hg_test_write_file ("calls.py", calls_py, -1);
  HgCliResult r = hg_test_cli ("--describe", "--steps=2-4", script, NULL);
  g_auto (GStrv) paragraphs = NULL;

  g_assert_cmpint (r.status, ==, 0);
  paragraphs = g_strsplit (r.out, "\n\n", -1);
  g_assert_cmpuint (g_strv_length (paragraphs), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *start = g_strdup_printf ("Step %u of ", i + 2);
      g_assert_true (g_str_has_prefix (paragraphs[i], start));
    }
  hg_cli_result_clear (&r);
}

static void
test_cli_bad_step (void)
{
  g_autofree char *script = hg_test_write_file ("calls.py", calls_py, -1);
  HgCliResult r = hg_test_cli ("--describe", "--step=100000", script, NULL);
  HgCliResult caption = hg_test_cli ("--describe", "--caption=maybe", script, NULL);

  g_assert_cmpint (r.status, !=, 0);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_true (strstr (r.err, "step 100000 does not exist") != NULL);
  g_assert_cmpint (caption.status, !=, 0);
  g_assert_true (strstr (caption.err, "--caption") != NULL);
  hg_cli_result_clear (&r);
  hg_cli_result_clear (&caption);
}

/* ---- alt text in exported files ---- */

typedef struct
{
  HeapglassTrace *trace;
  guint step;
  char *title;
  char *narration;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->trace = hg_test_trace_source ("calls.py", calls_py, NULL);
  f->step = heapglass_trace_get_n_steps (f->trace) - 1;
  f->title = heapglass_narration_title (f->trace, f->step);
  f->narration = heapglass_narration_describe (f->trace, f->step);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->trace);
  g_free (f->title);
  g_free (f->narration);
}

static void
export_to (Fixture *f, const char *name, guint first, guint last, gboolean describe, char **path)
{
  HeapglassExportOptions options = { 0 };
  g_autoptr (GError) error = NULL;

  *path = hg_test_tmp_path (name);
  options.describe = describe;
  g_assert_true (heapglass_export_trace (f->trace, *path, first, last, &options, &error));
  g_assert_no_error (error);
}

/* The text of the first element `name` of an XML document, entities decoded. */
typedef struct
{
  const char *name;
  gboolean inside;
  GString *text;
  char *root_role;
} XmlSearch;

static void
xml_start (GMarkupParseContext *context, const char *element, const char **names,
           const char **values, gpointer data, GError **error)
{
  XmlSearch *search = data;

  if (g_str_equal (element, "svg") && search->root_role == NULL)
    for (guint i = 0; names[i]; i++)
      if (g_str_equal (names[i], "role"))
        search->root_role = g_strdup (values[i]);
  if (g_str_equal (element, search->name) && search->text->len == 0)
    search->inside = TRUE;
}

static void
xml_end (GMarkupParseContext *context, const char *element, gpointer data, GError **error)
{
  XmlSearch *search = data;

  if (g_str_equal (element, search->name))
    search->inside = FALSE;
}

static void
xml_text (GMarkupParseContext *context, const char *text, gsize len, gpointer data, GError **error)
{
  XmlSearch *search = data;

  if (search->inside)
    g_string_append_len (search->text, text, (gssize)len);
}

static char *
svg_element_text (const char *path, const char *name, char **root_role)
{
  static const GMarkupParser parser = { xml_start, xml_end, xml_text, NULL, NULL };
  g_autofree char *contents = NULL;
  gsize len;
  g_autoptr (GError) error = NULL;
  XmlSearch search = { name, FALSE, g_string_new (NULL), NULL };
  GMarkupParseContext *context;
  const char *start;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  /* GMarkup reads elements, not the XML declaration */
  start = strstr (contents, "<svg");
  g_assert_nonnull (start);
  context = g_markup_parse_context_new (&parser, 0, &search, NULL);
  g_assert_true (g_markup_parse_context_parse (context, start, -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_markup_parse_context_free (context);
  if (root_role)
    *root_role = search.root_role;
  else
    g_free (search.root_role);
  return g_string_free (search.text, FALSE);
}

static void
test_svg_title_and_desc (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autofree char *role = NULL;
  g_autofree char *title = NULL;
  g_autofree char *desc = NULL;

  export_to (f, "alt.svg", f->step, f->step, FALSE, &path);
  title = svg_element_text (path, "title", &role);
  desc = svg_element_text (path, "desc", NULL);
  g_assert_cmpstr (title, ==, f->title);
  g_assert_true (g_str_has_prefix (title, "calls.py, step "));
  g_assert_cmpstr (desc, ==, f->narration);
  g_assert_cmpstr (role, ==, "img");
}

/* PNG chunks of the file: type → data, CRCs checked against the standard check value's table. */
static GHashTable *
png_chunks (const char *path)
{
  g_autofree guint8 *data = NULL;
  gsize len, at = 8;
  GHashTable *chunks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (path, (char **)&data, &len, &error));
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
  while (at + 12 <= len)
    {
      guint32 n = (guint32)data[at] << 24 | (guint32)data[at + 1] << 16 | (guint32)data[at + 2] << 8
                  | data[at + 3];
      guint32 crc;
      char type[5] = { 0 };

      g_assert_cmpuint (at + 12 + n, <=, len);
      memcpy (type, data + at + 4, 4);
      crc = (guint32)data[at + 8 + n] << 24 | (guint32)data[at + 9 + n] << 16
            | (guint32)data[at + 10 + n] << 8 | data[at + 11 + n];
      g_assert_cmpuint (crc, ==, heapglass_png_crc32 (0, data + at + 4, n + 4));
      if (g_str_equal (type, "iTXt"))
        {
          /* keyword NUL flag method language NUL translated NUL text */
          const char *keyword = (const char *)data + at + 8;
          gsize key_len = strlen (keyword);
          g_assert_cmpuint (data[at + 8 + key_len + 1], ==, 0); /* not compressed */
          g_hash_table_insert (chunks, g_strdup (keyword),
                               g_strndup (keyword + key_len + 5, n - key_len - 5));
        }
      else if (!g_hash_table_contains (chunks, type))
        g_hash_table_insert (chunks, g_strdup (type), g_strdup (""));
      at += 12 + n;
    }
  g_assert_cmpuint (at, ==, len);
  return chunks;
}

static void
test_png_text_chunks (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr (GHashTable) chunks = NULL;
  cairo_surface_t *image;

  export_to (f, "alt.png", f->step, f->step, FALSE, &path);
  chunks = png_chunks (path);
  g_assert_cmpstr (g_hash_table_lookup (chunks, "Title"), ==, f->title);
  g_assert_cmpstr (g_hash_table_lookup (chunks, "Description"), ==, f->narration);
  g_assert_true (g_hash_table_contains (chunks, "IEND"));
  /* still a PNG every reader opens */
  image = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (image), >, 100);
  cairo_surface_destroy (image);
}

static void
test_png_crc (void)
{
  /* the CRC-32 check value of ISO 3309 / ITU-T V.42 */
  g_assert_cmpuint (heapglass_png_crc32 (0, (const guint8 *)"123456789", 9), ==, 0xcbf43926u);
}

/* Runs a poppler-utils tool (argv[0] its name, NULL-terminated) and returns what it printed; a
 * missing tool fails the test. */
static char *
poppler (const char *tool, ...)
{
  g_autofree char *program = g_find_program_in_path (tool);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  char *out = NULL;
  int status;
  va_list args;

  if (program == NULL)
    g_error ("%s is missing (Debian package poppler-utils)", tool);
  g_ptr_array_add (argv, program);
  va_start (args, tool);
  for (const char *a = va_arg (args, const char *); a; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer)a);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                               NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

/* Words of a text, whitespace collapsed, for comparing wrapped text. */
static char *
collapse_space (const char *text)
{
  g_auto (GStrv) words = g_strsplit_set (text, " \n\t\f", -1);
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; words[i]; i++)
    if (*words[i])
      g_string_append_printf (out, "%s%s", out->len ? " " : "", words[i]);
  return g_strdup (out->str);
}

static void
test_pdf_title_and_page_text (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autofree char *info = NULL;
  guint first = f->step - 2;

  export_to (f, "handout.pdf", first, f->step, TRUE, &path);
  info = poppler ("pdfinfo", path, NULL);
  g_assert_nonnull (strstr (info, "Title:           calls.py, steps "));
  g_assert_nonnull (strstr (info, "Pages:           3"));
  for (guint page = 1; page <= 3; page++)
    {
      g_autofree char *number = g_strdup_printf ("%u", page);
      g_autofree char *text = poppler ("pdftotext", "-f", number, "-l", number, path, "-", NULL);
      g_autofree char *narration = heapglass_narration_describe (f->trace, first + page - 1);
      g_autofree char *flat_text = collapse_space (text);
      g_autofree char *flat_narration = collapse_space (narration);

      /* real words on the page, wrapped anywhere */
      if (strstr (flat_text, flat_narration) == NULL)
        g_error ("page %u lacks its narration:\n%s\n---\n%s", page, flat_narration, flat_text);
    }
}

static void
test_pdf_without_caption_has_no_narration_text (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autofree char *info = NULL;
  g_autofree char *text = NULL;

  export_to (f, "plain.pdf", f->step, f->step, FALSE, &path);
  info = poppler ("pdfinfo", path, NULL);
  text = poppler ("pdftotext", path, "-", NULL);
  g_assert_nonnull (strstr (info, f->title));
  g_assert_null (strstr (text, "is about to run"));
}

static void
test_cli_caption_auto (void)
{
  g_autofree char *script = hg_test_write_file ("calls.py", calls_py, -1);
  g_autofree char *out = hg_test_tmp_path ("cli-handout.pdf");
  g_autofree char *arg = g_strconcat ("--export=", out, NULL);
  HgCliResult r = hg_test_cli (arg, "--steps=2-3", "--caption=auto", script, NULL);
  g_autofree char *text = NULL;

  g_assert_cmpint (r.status, ==, 0);
  text = poppler ("pdftotext", out, "-", NULL);
  g_assert_nonnull (strstr (text, "Step 2 of"));
  g_assert_nonnull (strstr (text, "Step 3 of"));
  hg_cli_result_clear (&r);
}

int
main (int argc, char **argv)
{
  hg_test_cli_init (argc, argv);
  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();

  g_test_add_func ("/describe/cli/one-step", test_cli_one_step);
  g_test_add_func ("/describe/cli/last-is-default", test_cli_last_is_default);
  g_test_add_func ("/describe/cli/range", test_cli_range);
  g_test_add_func ("/describe/cli/compare", test_cli_compare);
  g_test_add_func ("/describe/cli/bad-step", test_cli_bad_step);
  g_test_add_func ("/describe/cli/caption-auto", test_cli_caption_auto);
  g_test_add ("/describe/svg/title-and-desc", Fixture, NULL, fixture_set_up,
              test_svg_title_and_desc, fixture_tear_down);
  g_test_add ("/describe/png/text-chunks", Fixture, NULL, fixture_set_up, test_png_text_chunks,
              fixture_tear_down);
  g_test_add_func ("/describe/png/crc32", test_png_crc);
  g_test_add ("/describe/pdf/title-and-page-text", Fixture, NULL, fixture_set_up,
              test_pdf_title_and_page_text, fixture_tear_down);
  g_test_add ("/describe/pdf/no-narration-without-caption", Fixture, NULL, fixture_set_up,
              test_pdf_without_caption_has_no_narration_text, fixture_tear_down);
  return g_test_run ();
}
