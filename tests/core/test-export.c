/* test-export.c: PNG, SVG and PDF exports of real traces (valid files, PDF text, numbered ranges,
 * refused formats) and golden images of chapter-like examples. */
#include <cairo.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "heapglass-export.h"
#include "heapglass-trace-runner.h"
#include "heapglass-test-support.h"

/* The chapter's kind of examples, written for these tests. */
static const char ALIASING_PY[] = "def build():\n"
                                  "    items = [10, 20, 30]\n"
                                  "    other = items\n"
                                  "    return other\n"
                                  "\n"
                                  "result = build()\n"
                                  "label = 'Alice'\n";

static const char FRAMES_PY[] = "def outer():\n"
                                "    pair = [4, 2]\n"
                                "    return inner(pair)\n"
                                "\n"
                                "def inner(arg):\n"
                                "    alias = arg\n"
                                "    return len(alias)\n"
                                "\n"
                                "total = outer()\n";

static HeapglassTrace *
trace_script (const char *name, const char *source)
{
  g_autofree char *path = g_build_filename (hg_test_tmp_dir (), name, NULL);
  g_autoptr (GError) error = NULL;
  HeapglassRunOptions options;
  HeapglassTrace *trace;

  g_assert_true (g_file_set_contents (path, source, -1, &error));
  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  trace = heapglass_trace_run_sync (path, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (trace);
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), >, 3);
  return trace;
}

static char *
out_path (const char *name)
{
  return g_build_filename (hg_test_tmp_dir (), name, NULL);
}

/* The last step of the deepest call: the one with most of the picture. */
static guint
deepest_step (HeapglassTrace *trace)
{
  guint best = 1, depth = 0;

  for (guint step = 1; step <= heapglass_trace_get_n_steps (trace); step++)
    if (heapglass_trace_get_step_depth (trace, step) >= depth)
      {
        depth = heapglass_trace_get_step_depth (trace, step);
        best = step;
      }
  return best;
}

static void
test_png_valid (void)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autofree char *path = out_path ("aliasing.png");
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len;
  HeapglassExportOptions options = { .caption = TRUE };
  cairo_surface_t *png;
  guint step;

  trace = trace_script ("aliasing.py", ALIASING_PY);
  step = deepest_step (trace);
  g_assert_true (heapglass_export_trace (trace, path, step, step, &options, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_cmpuint (len, >, 8);
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
  png = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (png), >, 300);
  g_assert_cmpint (cairo_image_surface_get_height (png), >, 100);
  cairo_surface_destroy (png);
}

static void
test_png_scale (void)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autofree char *one = out_path ("scale1.png");
  g_autofree char *two = out_path ("scale2.png");
  HeapglassExportOptions options = { .scale = 2, .theme = "dark" };
  cairo_surface_t *a, *b;

  trace = trace_script ("aliasing.py", ALIASING_PY);
  g_assert_true (heapglass_export_trace (trace, one, 4, 4, NULL, NULL));
  g_assert_true (heapglass_export_trace (trace, two, 4, 4, &options, NULL));
  a = cairo_image_surface_create_from_png (one);
  b = cairo_image_surface_create_from_png (two);
  g_assert_cmpint (abs (cairo_image_surface_get_width (b) - 2 * cairo_image_surface_get_width (a)),
                   <=, 1);
  g_assert_cmpint (
      abs (cairo_image_surface_get_height (b) - 2 * cairo_image_surface_get_height (a)), <=, 1);
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
}

typedef struct
{
  guint depth;
  gboolean saw_svg_root;
  guint elements;
} SvgCheck;

static void
svg_start (GMarkupParseContext *context, const char *element, const char **names,
           const char **values, gpointer user_data, GError **error)
{
  SvgCheck *check = user_data;

  if (check->depth == 0 && strcmp (element, "svg") == 0)
    check->saw_svg_root = TRUE;
  check->depth++;
  check->elements++;
}

static void
svg_end (GMarkupParseContext *context, const char *element, gpointer user_data, GError **error)
{
  ((SvgCheck *)user_data)->depth--;
}

static void
test_svg_well_formed (void)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autofree char *path = out_path ("frames.svg");
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len;
  static const GMarkupParser parser = { svg_start, svg_end, NULL, NULL, NULL };
  SvgCheck check = { 0 };
  GMarkupParseContext *context;
  const char *body;
  guint step;

  trace = trace_script ("frames.py", FRAMES_PY);
  step = deepest_step (trace);
  g_assert_true (heapglass_export_trace (trace, path, step, step, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));

  /* GMarkup does not take the XML declaration: parse from the root element. */
  body = strstr (data, "<svg");
  g_assert_nonnull (body);
  context = g_markup_parse_context_new (&parser, 0, &check, NULL);
  g_assert_true (g_markup_parse_context_parse (context, body, len - (body - data), &error));
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_markup_parse_context_free (context);
  g_assert_true (check.saw_svg_root);
  g_assert_cmpuint (check.depth, ==, 0);
  g_assert_cmpuint (check.elements, >, 20);
}

static void
test_pdf_pages_and_text (void)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autofree char *path = out_path ("handout.pdf");
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *data = NULL;
  gsize len;
  int status;
  guint pages = 0, first = 0;
  HeapglassExportOptions options = { .caption = TRUE, .title = "Frames" };

  trace = trace_script ("frames.py", FRAMES_PY);
  /* three steps that end inside inner(), so outer's frame with its list is on the last pages */
  for (guint step = 3; step <= heapglass_trace_get_n_steps (trace); step++)
    if (heapglass_trace_get_step_depth (trace, step) >= 3)
      {
        first = step - 2;
        break;
      }
  g_assert_cmpuint (first, >=, 1);
  g_assert_true (heapglass_export_trace (trace, path, first, first + 2, &options, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_cmpmem (data, 5, "%PDF-", 5);

  if (pdftotext == NULL)
    {
      g_test_skip ("pdftotext (poppler-utils) is not installed");
      return;
    }
  {
    const char *argv[] = { pdftotext, path, "-", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                 &text, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_cmpint (status, ==, 0);
  }
  /* pdftotext ends every page with a form feed */
  for (const char *p = text; *p; p++)
    if (*p == '\f')
      pages++;
  g_assert_cmpuint (pages, ==, 3);
  g_assert_nonnull (strstr (text, "Global frame"));
  g_assert_nonnull (strstr (text, "outer"));
  g_assert_nonnull (strstr (text, "inner"));
  g_assert_nonnull (strstr (text, "pair"));
  g_assert_nonnull (strstr (text, "frames.py"));
}

static void
test_range_numbered_files (void)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autofree char *path = out_path ("anim.png");
  g_autoptr (GError) error = NULL;
  int width = 0, height = 0;

  trace = trace_script ("aliasing.py", ALIASING_PY);
  g_assert_true (heapglass_export_trace (trace, path, 2, 4, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *numbered = heapglass_export_numbered_path (path, i);
      cairo_surface_t *png = cairo_image_surface_create_from_png (numbered);

      g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
      /* frames of one animation have one size */
      if (i == 1)
        width = cairo_image_surface_get_width (png), height = cairo_image_surface_get_height (png);
      g_assert_cmpint (cairo_image_surface_get_width (png), ==, width);
      g_assert_cmpint (cairo_image_surface_get_height (png), ==, height);
      cairo_surface_destroy (png);
    }
  {
    g_autofree char *fourth = heapglass_export_numbered_path (path, 4);
    g_autofree char *expected = out_path ("anim-0004.png");

    g_assert_cmpstr (fourth, ==, expected);
    g_assert_false (g_file_test (fourth, G_FILE_TEST_EXISTS));
  }
}

static void
test_unknown_format_refused (void)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autofree char *path = out_path ("picture.bmp");
  g_autoptr (GError) error = NULL;
  HeapglassExportFormat format;

  g_assert_true (heapglass_export_format_from_path ("A.PNG", &format, NULL));
  g_assert_cmpint (format, ==, HEAPGLASS_EXPORT_PNG);
  g_assert_false (heapglass_export_format_from_path ("dir.svg/file", &format, &error));
  g_assert_error (error, HEAPGLASS_EXPORT_ERROR, HEAPGLASS_EXPORT_ERROR_FORMAT);
  g_clear_error (&error);

  trace = trace_script ("aliasing.py", ALIASING_PY);
  g_assert_false (heapglass_export_trace (trace, path, 1, 1, NULL, &error));
  g_assert_error (error, HEAPGLASS_EXPORT_ERROR, HEAPGLASS_EXPORT_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, ".png"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_bad_steps_and_theme_refused (void)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autofree char *path = out_path ("never.png");
  g_autoptr (GError) error = NULL;
  HeapglassExportOptions options = { .theme = "sepia" };
  guint n;

  trace = trace_script ("aliasing.py", ALIASING_PY);
  n = heapglass_trace_get_n_steps (trace);
  g_assert_false (heapglass_export_trace (trace, path, 0, 1, NULL, &error));
  g_assert_error (error, HEAPGLASS_EXPORT_ERROR, HEAPGLASS_EXPORT_ERROR_STEP);
  g_clear_error (&error);
  g_assert_false (heapglass_export_trace (trace, path, n, n + 1, NULL, &error));
  g_assert_error (error, HEAPGLASS_EXPORT_ERROR, HEAPGLASS_EXPORT_ERROR_STEP);
  g_clear_error (&error);
  g_assert_false (heapglass_export_trace (trace, path, 1, 1, &options, &error));
  g_assert_error (error, HEAPGLASS_EXPORT_ERROR, HEAPGLASS_EXPORT_ERROR_THEME);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* Golden images: the export of a step compared pixel by pixel with tests/golden/NAME.png, with a
 * small tolerance for font rasterisation. HEAPGLASS_REGENERATE_GOLDEN=1 rewrites them. */
static void
compare_golden (const char *name, const char *script, const char *source, gboolean dark)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  g_autofree char *path = out_path (file);
  g_autofree char *golden = g_test_build_filename (G_TEST_DIST, "golden", file, NULL);
  HeapglassExportOptions options = { .caption = TRUE, .theme = dark ? "dark" : "light" };
  g_autoptr (GError) error = NULL;
  cairo_surface_t *got, *want;
  int width, height, differing = 0;
  guint step;

  trace = trace_script (script, source);
  step = deepest_step (trace);
  g_assert_true (heapglass_export_trace (trace, path, step, step, &options, &error));
  g_assert_no_error (error);

  if (g_strcmp0 (g_getenv ("HEAPGLASS_REGENERATE_GOLDEN"), "1") == 0)
    {
      g_autofree char *data = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      g_assert_true (g_file_set_contents (golden, data, len, &error));
      g_test_message ("regenerated %s", golden);
      return;
    }
  if (!g_file_test (golden, G_FILE_TEST_EXISTS))
    {
      g_test_fail_printf ("no golden image %s (run with HEAPGLASS_REGENERATE_GOLDEN=1)", golden);
      return;
    }

  got = cairo_image_surface_create_from_png (path);
  want = cairo_image_surface_create_from_png (golden);
  g_assert_cmpint (cairo_surface_status (want), ==, CAIRO_STATUS_SUCCESS);
  width = cairo_image_surface_get_width (want);
  height = cairo_image_surface_get_height (want);
  g_assert_cmpint (cairo_image_surface_get_width (got), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (got), ==, height);
  for (int y = 0; y < height; y++)
    {
      const guint32 *a = (const guint32 *)(gpointer)(cairo_image_surface_get_data (got)
                                                     + y * cairo_image_surface_get_stride (got));
      const guint32 *b = (const guint32 *)(gpointer)(cairo_image_surface_get_data (want)
                                                     + y * cairo_image_surface_get_stride (want));

      for (int x = 0; x < width; x++)
        for (int shift = 0; shift < 32; shift += 8)
          if (abs ((int)((a[x] >> shift) & 0xff) - (int)((b[x] >> shift) & 0xff)) > 40)
            {
              differing++;
              break;
            }
    }
  cairo_surface_destroy (got);
  cairo_surface_destroy (want);
  /* Anti-aliasing may differ a little between builds of cairo/freetype; a moved box does not. */
  g_assert_cmpint (differing, <=, width * height / 200);
}

static void
test_golden_aliasing (void)
{
  compare_golden ("aliasing", "aliasing.py", ALIASING_PY, FALSE);
}

static void
test_golden_frames_dark (void)
{
  compare_golden ("frames-dark", "frames.py", FRAMES_PY, TRUE);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();

  g_test_add_func ("/export/png/valid", test_png_valid);
  g_test_add_func ("/export/png/scale-and-dark", test_png_scale);
  g_test_add_func ("/export/svg/well-formed", test_svg_well_formed);
  g_test_add_func ("/export/pdf/one-page-per-step-with-text", test_pdf_pages_and_text);
  g_test_add_func ("/export/range/numbered-files", test_range_numbered_files);
  g_test_add_func ("/export/format/unknown-refused", test_unknown_format_refused);
  g_test_add_func ("/export/steps/out-of-range-refused", test_bad_steps_and_theme_refused);
  g_test_add_func ("/export/golden/aliasing", test_golden_aliasing);
  g_test_add_func ("/export/golden/frames-dark", test_golden_frames_dark);

  status = g_test_run ();
  return status;
}
