/* test-export-gif.c: animated GIF export of a real trace, read back with giflib: one frame per
 * step, one size for all, the delay asked for, and the picture of each step kept (the palette
 * holds the diagram's colours, so the GIF matches the PNG of the same step almost everywhere). */
#include <cairo.h>
#include <gif_lib.h>
#include <string.h>

#include "heapglass-export.h"
#include "heapglass-renderer.h"
#include "heapglass-test-support.h"

static const char source[] = "pairs = []\n"
                             "for i in range(4):\n"
                             "    pairs.append((i, str(i) * 2))\n"
                             "index = {p[1]: p for p in pairs}\n"
                             "del pairs[0]\n";

static HeapglassTrace *
trace_pairs (void)
{
  return hg_test_trace_source ("pairs.py", source, NULL);
}

/* A colour channel as cairo writes it into an image (16 bits by truncation, the high byte). */
static int
cairo_byte (double v)
{
  return (int)((guint)(v * (65536.0 - 1e-5)) >> 8);
}

static GifFileType *
read_gif (const char *path)
{
  int code = 0;
  GifFileType *gif = DGifOpenFileName (path, &code);

  g_assert_nonnull (gif);
  g_assert_cmpint (DGifSlurp (gif), ==, GIF_OK);
  return gif;
}

static void
close_gif (GifFileType *gif)
{
  int code = 0;
  g_assert_cmpint (DGifCloseFile (gif, &code), ==, GIF_OK);
}

/* The picture after frames 0 … last, as a viewer shows it (frames are drawn over each other). */
static guint32 *
composite (GifFileType *gif, int last)
{
  guint32 *pixels = g_new0 (guint32, (gsize)gif->SWidth * gif->SHeight);

  for (int i = 0; i <= last; i++)
    {
      const SavedImage *image = &gif->SavedImages[i];
      const GifImageDesc *d = &image->ImageDesc;
      const ColorMapObject *map = d->ColorMap ? d->ColorMap : gif->SColorMap;

      g_assert_cmpint (d->Left + d->Width, <=, gif->SWidth);
      g_assert_cmpint (d->Top + d->Height, <=, gif->SHeight);
      for (int y = 0; y < d->Height; y++)
        for (int x = 0; x < d->Width; x++)
          {
            GifColorType c = map->Colors[image->RasterBits[y * d->Width + x]];
            pixels[(gsize)(y + d->Top) * gif->SWidth + x + d->Left]
                = (guint32)c.Red << 16 | (guint32)c.Green << 8 | c.Blue;
          }
    }
  return pixels;
}

/* One frame per step of the range, all in one logical screen of the PNG frames' size. */
static void
test_frames_and_size (void)
{
  g_autoptr (HeapglassTrace) trace = trace_pairs ();
  g_autofree char *gif_path = hg_test_tmp_path ("range.gif");
  g_autofree char *png_path = hg_test_tmp_path ("range.png");
  g_autofree char *first_png = NULL;
  g_autoptr (GError) error = NULL;
  guint n = heapglass_trace_get_n_steps (trace);
  cairo_surface_t *png;
  GifFileType *gif;

  g_assert_cmpuint (n, >, 8);
  g_assert_true (heapglass_export_trace (trace, gif_path, 2, n, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (heapglass_export_trace (trace, png_path, 2, n, NULL, &error));
  first_png = heapglass_export_numbered_path (png_path, 1);
  png = cairo_image_surface_create_from_png (first_png);
  g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);

  gif = read_gif (gif_path);
  g_assert_cmpint (gif->ImageCount, ==, (int)(n - 1));
  g_assert_cmpint (gif->SWidth, ==, cairo_image_surface_get_width (png));
  g_assert_cmpint (gif->SHeight, ==, cairo_image_surface_get_height (png));
  /* The first frame covers the whole screen; later ones only what changed, inside it. */
  g_assert_cmpint (gif->SavedImages[0].ImageDesc.Width, ==, gif->SWidth);
  g_assert_cmpint (gif->SavedImages[0].ImageDesc.Height, ==, gif->SHeight);
  g_free (composite (gif, gif->ImageCount - 1));
  close_gif (gif);
  cairo_surface_destroy (png);
}

/* Each frame waits the delay asked for, in the GIF's hundredths of a second; the animation loops.
 */
static void
test_delay_and_loop (void)
{
  g_autoptr (HeapglassTrace) trace = trace_pairs ();
  g_autofree char *path = hg_test_tmp_path ("delay.gif");
  g_autoptr (GError) error = NULL;
  HeapglassExportOptions options = { 0 };
  GraphicsControlBlock gcb;
  gboolean looping = FALSE;
  GifFileType *gif;

  options.delay_ms = 250;
  g_assert_true (heapglass_export_trace (trace, path, 1, 4, &options, &error));
  g_assert_no_error (error);
  gif = read_gif (path);
  g_assert_cmpint (gif->ImageCount, ==, 4);
  for (int i = 0; i < gif->ImageCount; i++)
    {
      g_assert_cmpint (DGifSavedExtensionToGCB (gif, i, &gcb), ==, GIF_OK);
      g_assert_cmpint (gcb.DelayTime, ==, 25);
      g_assert_cmpint (gcb.DisposalMode, ==, DISPOSE_DO_NOT);
    }
  /* giflib files blocks before an image with that image. */
  for (int i = 0; i < gif->SavedImages[0].ExtensionBlockCount; i++)
    {
      const ExtensionBlock *block = &gif->SavedImages[0].ExtensionBlocks[i];
      if (block->Function == APPLICATION_EXT_FUNC_CODE && block->ByteCount == 11
          && memcmp (block->Bytes, "NETSCAPE2.0", 11) == 0)
        looping = TRUE;
    }
  g_assert_true (looping);
  close_gif (gif);
}

/* The light theme's colours are all in the palette, and each frame, put together, is the PNG of
 * its step: the same colour on at least 93% of the pixels (the rest are dithered edges of text
 * and lines), and hardly any pixel off by more than a quarter of a channel's range. */
static void
test_frames_match_png (void)
{
  g_autoptr (HeapglassTrace) trace = trace_pairs ();
  g_autofree char *gif_path = hg_test_tmp_path ("match.gif");
  g_autofree char *png_path = hg_test_tmp_path ("match.png");
  g_autoptr (GError) error = NULL;
  double theme[256][3];
  guint n = heapglass_trace_get_n_steps (trace);
  guint n_theme = heapglass_renderer_get_palette (HEAPGLASS_THEME_LIGHT, theme, 256);
  GifFileType *gif;

  g_assert_true (heapglass_export_trace (trace, gif_path, 1, n, NULL, &error));
  g_assert_true (heapglass_export_trace (trace, png_path, 1, n, NULL, &error));
  g_assert_no_error (error);
  gif = read_gif (gif_path);
  g_assert_cmpuint (n_theme, >, 20);
  for (guint i = 0; i < n_theme; i++)
    {
      gboolean found = FALSE;
      for (int k = 0; k < gif->SColorMap->ColorCount && !found; k++)
        {
          GifColorType c = gif->SColorMap->Colors[k];
          found = c.Red == cairo_byte (theme[i][0]) && c.Green == cairo_byte (theme[i][1])
                  && c.Blue == cairo_byte (theme[i][2]);
        }
      g_assert_true (found);
    }

  for (guint step = 1; step <= n; step += 3)
    {
      g_autofree char *frame_png = heapglass_export_numbered_path (png_path, step);
      cairo_surface_t *png = cairo_image_surface_create_from_png (frame_png);
      g_autofree guint32 *pixels = composite (gif, (int)step - 1);
      const guint8 *data = cairo_image_surface_get_data (png);
      int stride = cairo_image_surface_get_stride (png);
      gsize same = 0, far = 0, total = (gsize)gif->SWidth * gif->SHeight;

      g_assert_cmpint (cairo_image_surface_get_width (png), ==, gif->SWidth);
      for (int y = 0; y < gif->SHeight; y++)
        for (int x = 0; x < gif->SWidth; x++)
          {
            guint32 p = ((const guint32 *)(const void *)(data + (gsize)y * stride))[x] & 0xffffff;
            guint32 q = pixels[(gsize)y * gif->SWidth + x];
            same += p == q;
            for (int k = 0; k < 24; k += 8)
              if (ABS ((int)(p >> k & 0xff) - (int)(q >> k & 0xff)) > 64)
                {
                  far++;
                  break;
                }
          }
      g_test_message ("step %u: %.2f%% of pixels exact, %.3f%% far off", step, 100.0 * same / total,
                      100.0 * far / total);
      g_assert_cmpfloat ((double)same / total, >=, 0.93);
      g_assert_cmpfloat ((double)far / total, <=, 0.001);
      cairo_surface_destroy (png);
    }
  close_gif (gif);
}

/* One step is a one-frame GIF; a step out of range writes nothing. */
static void
test_single_step_and_bad_range (void)
{
  g_autoptr (HeapglassTrace) trace = trace_pairs ();
  g_autofree char *path = hg_test_tmp_path ("one.gif");
  g_autofree char *never = hg_test_tmp_path ("never.gif");
  g_autoptr (GError) error = NULL;
  guint n = heapglass_trace_get_n_steps (trace);
  GifFileType *gif;

  g_assert_true (heapglass_export_trace (trace, path, n, n, NULL, &error));
  g_assert_no_error (error);
  gif = read_gif (path);
  g_assert_cmpint (gif->ImageCount, ==, 1);
  close_gif (gif);
  g_assert_false (heapglass_export_trace (trace, never, 1, n + 1, NULL, &error));
  g_assert_error (error, HEAPGLASS_EXPORT_ERROR, HEAPGLASS_EXPORT_ERROR_STEP);
  g_assert_false (g_file_test (never, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();
  g_test_add_func ("/export/gif/frames-and-size", test_frames_and_size);
  g_test_add_func ("/export/gif/delay-and-loop", test_delay_and_loop);
  g_test_add_func ("/export/gif/frames-match-png", test_frames_match_png);
  g_test_add_func ("/export/gif/single-step-and-bad-range", test_single_step_and_bad_range);
  return g_test_run ();
}
