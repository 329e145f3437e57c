/* heapglass-export.c: writes diagrams of trace steps to PNG, SVG and PDF with the shared renderer.
 */
#include "heapglass-export.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "heapglass-alt-text.h"
#include "heapglass-export-gif.h"
#include "heapglass-narration.h"
#include "heapglass-renderer.h"

#define TITLE_H 34.0
#define CAPTION_H 24.0
#define DESCRIPTION_SIZE 12.0
#define PNG_MAX_SIDE 32000.0

/* Written out rather than with G_DEFINE_QUARK: clang-format puts spaces into that macro's
 * dashed first argument, which would change the quark's text. */
GQuark
heapglass_export_error_quark (void)
{
  return g_quark_from_static_string ("heapglass-export-error-quark");
}

gboolean
heapglass_export_format_from_path (const char *path, HeapglassExportFormat *format, GError **error)
{
  const char *dot;
  g_autofree char *ext = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  dot = strrchr (path, '.');
  if (dot && !strchr (dot, '/'))
    ext = g_ascii_strdown (dot + 1, -1);
  if (ext && strcmp (ext, "png") == 0)
    *format = HEAPGLASS_EXPORT_PNG;
  else if (ext && strcmp (ext, "svg") == 0)
    *format = HEAPGLASS_EXPORT_SVG;
  else if (ext && strcmp (ext, "pdf") == 0)
    *format = HEAPGLASS_EXPORT_PDF;
  else if (ext && strcmp (ext, "gif") == 0)
    *format = HEAPGLASS_EXPORT_GIF;
  else
    {
      g_set_error (error, HEAPGLASS_EXPORT_ERROR, HEAPGLASS_EXPORT_ERROR_FORMAT,
                   _ ("Cannot export to “%s”: unknown format (use a file name ending in .png, "
                      ".svg, .pdf or .gif)"),
                   path);
      return FALSE;
    }
  return TRUE;
}

char *
heapglass_export_numbered_path (const char *out_path, guint index)
{
  const char *dot;

  g_return_val_if_fail (out_path != NULL, NULL);

  dot = strrchr (out_path, '.');
  if (dot == NULL || strchr (dot, '/'))
    return g_strdup_printf ("%s-%04u", out_path, index);
  return g_strdup_printf ("%.*s-%04u%s", (int)(dot - out_path), out_path, index, dot);
}

typedef struct
{
  HeapglassTheme theme;
  double scale;
  const char *title;
} Style;

static gboolean
style_from_options (const HeapglassExportOptions *options, Style *style, GError **error)
{
  style->theme = HEAPGLASS_THEME_LIGHT;
  style->scale = 1;
  style->title = NULL;
  if (options == NULL)
    return TRUE;
  if (options->theme == NULL || strcmp (options->theme, "light") == 0)
    style->theme = HEAPGLASS_THEME_LIGHT;
  else if (strcmp (options->theme, "dark") == 0)
    style->theme = HEAPGLASS_THEME_DARK;
  else
    {
      g_set_error (error, HEAPGLASS_EXPORT_ERROR, HEAPGLASS_EXPORT_ERROR_THEME,
                   _ ("Unknown theme “%s” (use light or dark)"), options->theme);
      return FALSE;
    }
  if (options->scale < 0 || !isfinite (options->scale) || options->scale > 64)
    {
      g_set_error (error, HEAPGLASS_EXPORT_ERROR, HEAPGLASS_EXPORT_ERROR_STEP,
                   _ ("Scale must be a positive number up to 64"));
      return FALSE;
    }
  style->scale = options->scale > 0 ? options->scale : 1;
  style->title = options->title && *options->title ? options->title : NULL;
  return TRUE;
}

/* The page: the scene's extents (or a range's union), with room for the title and caption. */
typedef struct
{
  double x, y, w, h; /* model area shown */
  double header;     /* model units above it for title + caption */
  double footer;     /* model units below it for the step's description (--caption=auto) */
} Page;

/* The words of one picture: alt text in the file, and the description drawn under it. */
typedef struct
{
  const char *title;       /* SVG <title>, PNG Title, PDF title */
  const char *description; /* SVG <desc>, PNG Description */
  const char *footer;      /* drawn under the figure; NULL = none */
} Words;

/* A layout of the description paragraph, wrapped to `width` model units. */
static PangoLayout *
description_layout (cairo_t *cr, const char *text, double width)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("DejaVu Sans, Sans");
  cairo_font_options_t *font_options = cairo_font_options_create ();

  cairo_font_options_set_hint_metrics (font_options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (pango_layout_get_context (layout), font_options);
  cairo_font_options_destroy (font_options);
  pango_context_set_round_glyph_positions (pango_layout_get_context (layout), FALSE);
  pango_layout_context_changed (layout);
  pango_font_description_set_absolute_size (font, DESCRIPTION_SIZE * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_width (layout, (int)(width * PANGO_SCALE));
  pango_layout_set_text (layout, text, -1);
  return layout;
}

/* Model units the description needs under a figure `width` wide (with margins). */
static double
description_height (const char *text, double width)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (surface);
  PangoLayout *layout = description_layout (cr, text, width - 48);
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return ceil ((double)logical.height / PANGO_SCALE) + 32;
}

static void
page_for_scene (HeapglassScene *scene, const Style *style, gboolean caption, Page *page)
{
  heapglass_scene_get_extents (scene, &page->x, &page->y, &page->w, &page->h);
  page->header = (style->title ? TITLE_H : 0) + (caption ? CAPTION_H : 0);
  page->footer = 0;
  /* Room for a title or caption line; without one, the picture is just the step's content. */
  if (page->header > 0)
    page->w = MAX (page->w, 360);
}

static void
page_union (Page *a, const Page *b)
{
  double x1 = MAX (a->x + a->w, b->x + b->w), y1 = MAX (a->y + a->h, b->y + b->h);

  a->x = MIN (a->x, b->x);
  a->y = MIN (a->y, b->y);
  a->w = x1 - a->x;
  a->h = y1 - a->y;
  a->header = MAX (a->header, b->header);
  a->footer = MAX (a->footer, b->footer);
}

static void
draw_header_text (cairo_t *cr, const char *text, double x, double cy, double max_w, double size,
                  gboolean bold, const double rgba[4])
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("DejaVu Sans, Sans");
  cairo_font_options_t *font_options = cairo_font_options_create ();
  PangoRectangle logical;

  cairo_font_options_set_hint_metrics (font_options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (pango_layout_get_context (layout), font_options);
  cairo_font_options_destroy (font_options);
  pango_context_set_round_glyph_positions (pango_layout_get_context (layout), FALSE);
  pango_layout_context_changed (layout);
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_width (layout, (int)(max_w * PANGO_SCALE));
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_extents (layout, NULL, &logical);
  cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], rgba[3]);
  cairo_move_to (cr, x, cy - (double)logical.height / PANGO_SCALE / 2);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (font);
  g_object_unref (layout);
}

/* Draws the page in model units (the caller scales). */
static void
draw_page (cairo_t *cr, HeapglassScene *scene, const Page *page, const Style *style,
           const char *caption, const char *footer)
{
  HeapglassRenderOptions render;
  double bg[4], fg[4], y = 0;

  heapglass_renderer_get_background (style->theme, bg);
  heapglass_renderer_get_foreground (style->theme, fg);
  cairo_set_source_rgba (cr, bg[0], bg[1], bg[2], bg[3]);
  cairo_paint (cr);

  if (style->title)
    {
      draw_header_text (cr, style->title, 24, 22, page->w - 48, 18, TRUE, fg);
      y += TITLE_H;
    }
  if (caption)
    {
      double muted[4] = { fg[0], fg[1], fg[2], 0.7 };

      draw_header_text (cr, caption, 24, y + (style->title ? 6 : 16), page->w - 48, 12, FALSE,
                        muted);
    }

  heapglass_render_options_init (&render);
  render.theme = style->theme;
  render.draw_background = FALSE;
  cairo_save (cr);
  cairo_translate (cr, -page->x, page->header - page->y);
  heapglass_renderer_draw (cr, scene, &render);
  cairo_restore (cr);

  if (footer)
    {
      /* real text (selectable and read aloud in a PDF), not a picture of it */
      PangoLayout *layout = description_layout (cr, footer, page->w - 48);

      cairo_set_source_rgba (cr, fg[0], fg[1], fg[2], fg[3]);
      cairo_move_to (cr, 24, page->header + page->h + 16);
      pango_cairo_show_layout (cr, layout);
      g_object_unref (layout);
    }
}

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
set_pdf_title (cairo_surface_t *surface, const char *title)
{
  if (title)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Heapglass");
}

static gboolean
check_status (cairo_status_t status, const char *path, GError **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, HEAPGLASS_EXPORT_ERROR, HEAPGLASS_EXPORT_ERROR_WRITE,
               _ ("Could not write “%s”: %s"), path, cairo_status_to_string (status));
  return FALSE;
}

/* An animation: each scene drawn on one image surface, handed to the GIF encoder. */
static gboolean
write_gif (HeapglassScene **scenes, const char *const *captions, const char *const *footers,
           guint n, const Page *page, const Style *style, guint delay_ms, const char *path,
           GError **error)
{
  int w = (int)ceil (page->w * style->scale);
  int h = (int)ceil ((page->h + page->header + page->footer) * style->scale);
  HeapglassGifWriter *gif = heapglass_gif_writer_new (path, (guint)w, (guint)h, style->theme,
                                                      delay_ms ? delay_ms : 1000, error);
  cairo_surface_t *surfaces[2];
  gboolean ok = gif != NULL;

  if (!ok)
    return FALSE;
  /* two surfaces in turn: the writer compares each frame with the one before */
  surfaces[0] = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  surfaces[1] = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  for (guint i = 0; ok && i < n; i++)
    {
      cairo_t *cr = cairo_create (surfaces[i % 2]);
      cairo_scale (cr, style->scale, style->scale);
      draw_page (cr, scenes[i], page, style, captions[i], footers ? footers[i] : NULL);
      ok = check_status (cairo_status (cr), path, error);
      cairo_destroy (cr);
      ok = ok && heapglass_gif_writer_add_frame (gif, surfaces[i % 2], error);
    }
  cairo_surface_destroy (surfaces[0]);
  cairo_surface_destroy (surfaces[1]);
  return heapglass_gif_writer_finish (gif, ok ? error : NULL) && ok;
}

static gboolean
write_single (HeapglassExportFormat format, HeapglassScene *scene, const Page *page,
              const Style *style, const char *caption, const Words *words, const char *path,
              GError **error)
{
  double w = page->w * style->scale, h = (page->h + page->header + page->footer) * style->scale;
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  if (format == HEAPGLASS_EXPORT_GIF)
    return write_gif (&scene, &caption, words ? &words->footer : NULL, 1, page, style, 0, path,
                      error);
  if (format == HEAPGLASS_EXPORT_PNG)
    {
      if (w > PNG_MAX_SIDE || h > PNG_MAX_SIDE)
        {
          g_set_error (error, HEAPGLASS_EXPORT_ERROR, HEAPGLASS_EXPORT_ERROR_WRITE,
                       _ ("Could not write “%s”: the picture would be %.0f × %.0f pixels, too "
                          "big for PNG (use a smaller scale, or SVG or PDF)"),
                       path, w, h);
          return FALSE;
        }
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int)ceil (w), (int)ceil (h));
    }
  else if (format == HEAPGLASS_EXPORT_SVG)
    {
      /* in memory first: the alt text goes in before the file is written */
      surface = cairo_svg_surface_create_for_stream (append_bytes, bytes, w, h);
      cairo_svg_surface_restrict_to_version (surface, CAIRO_SVG_VERSION_1_1);
    }
  else
    {
      surface = cairo_pdf_surface_create (path, w, h);
      set_pdf_title (surface, words ? words->title : NULL);
    }

  if (!check_status (cairo_surface_status (surface), path, error))
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }
  cr = cairo_create (surface);
  cairo_scale (cr, style->scale, style->scale);
  draw_page (cr, scene, page, style, caption, words ? words->footer : NULL);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && format == HEAPGLASS_EXPORT_PNG)
    status = cairo_surface_write_to_png_stream (surface, append_bytes, bytes);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (!check_status (status, path, error))
    return FALSE;
  if (format == HEAPGLASS_EXPORT_PDF)
    return TRUE;

  if (words && format == HEAPGLASS_EXPORT_SVG)
    heapglass_svg_add_alt_text (bytes, words->title, words->description);
  if (words && format == HEAPGLASS_EXPORT_PNG)
    {
      if (words->description)
        heapglass_png_add_text (bytes, "Description", words->description);
      if (words->title)
        heapglass_png_add_text (bytes, "Title", words->title);
    }
  if (!g_file_set_contents (path, (const char *)bytes->data, (gssize)bytes->len, NULL))
    return check_status (CAIRO_STATUS_WRITE_ERROR, path, error);
  return TRUE;
}

gboolean
heapglass_export_scene (HeapglassScene *scene, const char *out_path,
                        const HeapglassExportOptions *options, const char *caption, GError **error)
{
  HeapglassExportFormat format;
  Style style;
  Page page;

  g_return_val_if_fail (scene != NULL, FALSE);
  g_return_val_if_fail (out_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!heapglass_export_format_from_path (out_path, &format, error)
      || !style_from_options (options, &style, error))
    return FALSE;
  page_for_scene (scene, &style, caption != NULL, &page);
  return write_single (format, scene, &page, &style, caption, NULL, out_path, error);
}

static char *
make_caption (HeapglassTrace *trace, HeapglassScene *scene)
{
  const char *script = heapglass_trace_get_script (trace);
  g_autofree char *base = script ? g_path_get_basename (script) : NULL;
  guint line = heapglass_scene_get_line (scene);

  if (base)
    return g_strdup_printf (_ ("%s — step %u of %u, line %u"), base,
                            heapglass_scene_get_step (scene), heapglass_scene_get_n_steps (scene),
                            line);
  return g_strdup_printf (_ ("Step %u of %u, line %u"), heapglass_scene_get_step (scene),
                          heapglass_scene_get_n_steps (scene), line);
}

gboolean
heapglass_export_trace (HeapglassTrace *trace, const char *out_path, guint first_step,
                        guint last_step, const HeapglassExportOptions *options, GError **error)
{
  HeapglassExportFormat format;
  Style style;
  guint n_steps;
  g_autoptr (HeapglassLayout) layout = NULL;
  g_autoptr (GPtrArray) scenes = NULL;
  g_autoptr (GPtrArray) captions = NULL;
  g_autoptr (GPtrArray) titles = NULL;
  g_autoptr (GPtrArray) descriptions = NULL;
  gboolean describe = options && options->describe;
  g_autofree char *document_title = NULL;
  gboolean caption = options && options->caption;
  Page page = { 0 };

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), FALSE);
  g_return_val_if_fail (out_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!heapglass_export_format_from_path (out_path, &format, error)
      || !style_from_options (options, &style, error))
    return FALSE;

  n_steps = heapglass_trace_get_n_steps (trace);
  if (n_steps == 0)
    {
      g_set_error (error, HEAPGLASS_EXPORT_ERROR, HEAPGLASS_EXPORT_ERROR_STEP,
                   _ ("The trace has no steps to export"));
      return FALSE;
    }
  if (first_step < 1 || last_step > n_steps || first_step > last_step)
    {
      g_set_error (error, HEAPGLASS_EXPORT_ERROR, HEAPGLASS_EXPORT_ERROR_STEP,
                   _ ("Steps %u–%u are out of range: the trace has steps 1–%u"), first_step,
                   last_step, n_steps);
      return FALSE;
    }

  /* One layout over the whole trace: the positions are the ones the window shows. */
  layout = heapglass_layout_new ();
  heapglass_layout_set_inline_values (layout, options && options->inline_values);
  heapglass_layout_prepare (layout, trace, n_steps);

  scenes = g_ptr_array_new_with_free_func ((GDestroyNotify)heapglass_scene_unref);
  captions = g_ptr_array_new_with_free_func (g_free);
  titles = g_ptr_array_new_with_free_func (g_free);
  descriptions = g_ptr_array_new_with_free_func (g_free);
  for (guint step = first_step; step <= last_step; step++)
    {
      g_autoptr (HeapglassSnapshot) snapshot = heapglass_layout_snapshot (layout, trace, step);
      HeapglassScene *scene;
      Page step_page;

      if (snapshot == NULL)
        {
          g_set_error (error, HEAPGLASS_EXPORT_ERROR, HEAPGLASS_EXPORT_ERROR_STEP,
                       _ ("Step %u could not be read from the trace"), step);
          return FALSE;
        }
      scene = heapglass_layout_build_scene (layout, snapshot);
      g_ptr_array_add (scenes, scene);
      g_ptr_array_add (captions, caption ? make_caption (trace, scene) : NULL);
      /* every picture carries its words as alt text; --caption=auto also draws them */
      g_ptr_array_add (titles, heapglass_narration_title (trace, step));
      g_ptr_array_add (descriptions, heapglass_narration_describe (trace, step));
      page_for_scene (scene, &style, caption, &step_page);
      if (describe)
        step_page.footer
            = description_height (descriptions->pdata[descriptions->len - 1], step_page.w);
      if (step == first_step)
        page = step_page;
      else
        page_union (&page, &step_page);
    }

  if (scenes->len == 1)
    {
      Words words
          = { titles->pdata[0], descriptions->pdata[0], describe ? descriptions->pdata[0] : NULL };
      return write_single (format, scenes->pdata[0], &page, &style, captions->pdata[0], &words,
                           out_path, error);
    }
  /* the page width may have grown with the union: wrap every description to it */
  if (describe)
    for (guint i = 0; i < descriptions->len; i++)
      page.footer = MAX (page.footer, description_height (descriptions->pdata[i], page.w));

  if (format == HEAPGLASS_EXPORT_GIF)
    return write_gif ((HeapglassScene **)scenes->pdata, (const char *const *)captions->pdata,
                      describe ? (const char *const *)descriptions->pdata : NULL, scenes->len,
                      &page, &style, options ? options->delay_ms : 0, out_path, error);

  if (format == HEAPGLASS_EXPORT_PDF)
    {
      /* A handout: one page per step, all the same size so that positions line up. */
      double w = page.w * style.scale, h = (page.h + page.header + page.footer) * style.scale;
      cairo_surface_t *surface = cairo_pdf_surface_create (out_path, w, h);
      cairo_t *cr;
      cairo_status_t status;

      if (!check_status (cairo_surface_status (surface), out_path, error))
        {
          cairo_surface_destroy (surface);
          return FALSE;
        }
      {
        const char *script = heapglass_trace_get_script (trace);
        g_autofree char *base = g_path_get_basename (script && *script ? script : "program");

        document_title = g_strdup_printf (
            /* Translators: the title of a PDF handout: "frames.py, steps 3–9 of 15". */
            _ ("%s, steps %u–%u of %u"), base, first_step, last_step, n_steps);
        set_pdf_title (surface, document_title);
      }
      cr = cairo_create (surface);
      for (guint i = 0; i < scenes->len; i++)
        {
          cairo_save (cr);
          cairo_scale (cr, style.scale, style.scale);
          draw_page (cr, scenes->pdata[i], &page, &style, captions->pdata[i],
                     describe ? descriptions->pdata[i] : NULL);
          cairo_restore (cr);
          cairo_show_page (cr);
        }
      status = cairo_status (cr);
      cairo_destroy (cr);
      cairo_surface_finish (surface);
      if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status (surface);
      cairo_surface_destroy (surface);
      return check_status (status, out_path, error);
    }

  /* Frames of an animation: numbered files, all the same size. */
  for (guint i = 0; i < scenes->len; i++)
    {
      g_autofree char *path = heapglass_export_numbered_path (out_path, i + 1);

      Words words
          = { titles->pdata[i], descriptions->pdata[i], describe ? descriptions->pdata[i] : NULL };

      if (!write_single (format, scenes->pdata[i], &page, &style, captions->pdata[i], &words, path,
                         error))
        return FALSE;
    }
  return TRUE;
}
