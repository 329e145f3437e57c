/* heapglass-export-gif.c: animated GIF export. The palette is the renderer's own colours plus
 * greys and half-tones between them and the background (what anti-aliased text and lines make);
 * colours that are in the palette are kept exactly, the rest are Floyd–Steinberg dithered. */
#include "config.h"

#include "heapglass-export-gif.h"

#include <gif_lib.h>
#include <glib/gi18n.h>
#include <string.h>

#include "heapglass-export.h"

#define PALETTE_SIZE 256
#define N_GREYS 24
#define EXACT_SLOTS 1024 /* open addressing: a power of two, well above PALETTE_SIZE */
#define LUT_BITS 5       /* the nearest-colour cache: 5 bits per channel */

struct _HeapglassGifWriter
{
  GifFileType *gif;
  char *path;
  guint width, height;
  guint delay_cs;
  guint n_colours;
  guint8 colours[PALETTE_SIZE][3];
  guint32 exact_key[EXACT_SLOTS]; /* RGB + 1, 0 = empty */
  guint8 exact_index[EXACT_SLOTS];
  gint16 lut[1 << (3 * LUT_BITS)]; /* palette index, -1 = not yet worked out */
  guint8 *indices;                 /* the picture so far, as palette indices */
  cairo_surface_t *previous;       /* the frame before (kept, not copied); NULL at first */
  gint32 *errors;                  /* two rows of (width + 2) × 3 diffused errors */
  guint n_frames;
};

static gboolean
gif_failed (HeapglassGifWriter *self, int code, GError **error)
{
  g_set_error (error, HEAPGLASS_EXPORT_ERROR, HEAPGLASS_EXPORT_ERROR_WRITE,
               _ ("Could not write “%s”: %s"), self->path, GifErrorString (code));
  return FALSE;
}

static guint
exact_slot (guint32 rgb)
{
  return (rgb * 2654435761u) >> 22 & (EXACT_SLOTS - 1);
}

static int
exact_lookup (const HeapglassGifWriter *self, guint32 rgb)
{
  for (guint s = exact_slot (rgb);; s = (s + 1) & (EXACT_SLOTS - 1))
    {
      if (self->exact_key[s] == 0)
        return -1;
      if (self->exact_key[s] == rgb + 1)
        return self->exact_index[s];
    }
}

/* A colour channel as cairo stores it in an image: 16 bits by truncation, then the high byte. */
static guint8
cairo_byte (double v)
{
  return (guint8)((guint)(CLAMP (v, 0, 1) * (65536.0 - 1e-5)) >> 8);
}

static void
add_colour (HeapglassGifWriter *self, double r, double g, double b)
{
  guint8 c[3] = { cairo_byte (r), cairo_byte (g), cairo_byte (b) };
  guint32 rgb = (guint32)c[0] << 16 | (guint32)c[1] << 8 | c[2];
  guint s;

  if (self->n_colours >= PALETTE_SIZE || exact_lookup (self, rgb) >= 0)
    return;
  for (s = exact_slot (rgb); self->exact_key[s] != 0; s = (s + 1) & (EXACT_SLOTS - 1))
    ;
  self->exact_key[s] = rgb + 1;
  self->exact_index[s] = (guint8)self->n_colours;
  memcpy (self->colours[self->n_colours++], c, 3);
}

/* The renderer's colours first (they fill most pixels), then a grey ramp, then each colour half
 * way to the background and to the foreground, for anti-aliased edges. */
static void
build_palette (HeapglassGifWriter *self, HeapglassTheme theme)
{
  double base[PALETTE_SIZE][3];
  double bg[4], fg[4];
  guint n = heapglass_renderer_get_palette (theme, base, PALETTE_SIZE);

  heapglass_renderer_get_background (theme, bg);
  heapglass_renderer_get_foreground (theme, fg);
  for (guint i = 0; i < n; i++)
    add_colour (self, base[i][0], base[i][1], base[i][2]);
  for (guint i = 0; i < N_GREYS; i++)
    {
      double t = (double)i / (N_GREYS - 1);
      add_colour (self, t, t, t);
    }
  for (guint i = 0; i < n; i++)
    for (double t = 0.25; t < 1; t += 0.25)
      add_colour (self, base[i][0] + (bg[0] - base[i][0]) * t,
                  base[i][1] + (bg[1] - base[i][1]) * t, base[i][2] + (bg[2] - base[i][2]) * t);
  for (guint i = 0; i < n; i++)
    add_colour (self, (base[i][0] + fg[0]) / 2, (base[i][1] + fg[1]) / 2, (base[i][2] + fg[2]) / 2);
}

static guint8
nearest (HeapglassGifWriter *self, int r, int g, int b)
{
  guint key = (guint)(r >> (8 - LUT_BITS)) << (2 * LUT_BITS)
              | (guint)(g >> (8 - LUT_BITS)) << LUT_BITS | (guint)(b >> (8 - LUT_BITS));
  int best = 0, best_d = G_MAXINT;

  if (self->lut[key] >= 0)
    return (guint8)self->lut[key];
  /* The bucket's centre stands for every colour in it. */
  r = (r & ~((1 << (8 - LUT_BITS)) - 1)) + (1 << (7 - LUT_BITS));
  g = (g & ~((1 << (8 - LUT_BITS)) - 1)) + (1 << (7 - LUT_BITS));
  b = (b & ~((1 << (8 - LUT_BITS)) - 1)) + (1 << (7 - LUT_BITS));
  for (guint i = 0; i < self->n_colours; i++)
    {
      int dr = r - self->colours[i][0], dg = g - self->colours[i][1], db = b - self->colours[i][2];
      /* Weighted towards green, as the eye is. */
      int d = 2 * dr * dr + 4 * dg * dg + 3 * db * db;
      if (d < best_d)
        best_d = d, best = (int)i;
    }
  self->lut[key] = (gint16)best;
  return (guint8)best;
}

HeapglassGifWriter *
heapglass_gif_writer_new (const char *path, guint width, guint height, HeapglassTheme theme,
                          guint delay_ms, GError **error)
{
  HeapglassGifWriter *self;
  GifColorType map_colours[PALETTE_SIZE] = { { 0 } };
  ColorMapObject *map;
  static const GifByteType loop[3] = { 1, 0, 0 };
  int code = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (width == 0 || height == 0 || width > 65535 || height > 65535)
    {
      g_set_error (error, HEAPGLASS_EXPORT_ERROR, HEAPGLASS_EXPORT_ERROR_WRITE,
                   _ ("Could not write “%s”: the picture would be %u × %u pixels, too big for "
                      "GIF (use a smaller scale)"),
                   path, width, height);
      return NULL;
    }

  self = g_new0 (HeapglassGifWriter, 1);
  self->path = g_strdup (path);
  self->width = width;
  self->height = height;
  self->delay_cs = MAX ((delay_ms + 5) / 10, 2);
  memset (self->lut, 0xff, sizeof self->lut);
  build_palette (self, theme);
  self->indices = g_malloc ((gsize)width * height);
  self->errors = g_new0 (gint32, 2 * ((gsize)width + 2) * 3);

  self->gif = EGifOpenFileName (path, false, &code);
  if (self->gif == NULL)
    {
      gif_failed (self, code, error);
      heapglass_gif_writer_finish (self, NULL);
      return NULL;
    }
  EGifSetGifVersion (self->gif, true);
  for (guint i = 0; i < self->n_colours; i++)
    {
      map_colours[i].Red = self->colours[i][0];
      map_colours[i].Green = self->colours[i][1];
      map_colours[i].Blue = self->colours[i][2];
    }
  map = GifMakeMapObject (PALETTE_SIZE, map_colours);
  if (EGifPutScreenDesc (self->gif, (int)width, (int)height, 8, 0, map) == GIF_ERROR
      /* NETSCAPE2.0: loop forever. */
      || EGifPutExtensionLeader (self->gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR
      || EGifPutExtensionBlock (self->gif, 11, "NETSCAPE2.0") == GIF_ERROR
      || EGifPutExtensionBlock (self->gif, 3, loop) == GIF_ERROR
      || EGifPutExtensionTrailer (self->gif) == GIF_ERROR)
    {
      GifFreeMapObject (map);
      gif_failed (self, self->gif->Error, error);
      heapglass_gif_writer_finish (self, NULL);
      return NULL;
    }
  GifFreeMapObject (map);
  return self;
}

/* Floyd–Steinberg over the rectangle [x0, x1) × [y0, y1), serpentine, errors in 1/16ths. A pixel
 * whose colour is in the palette takes it exactly, with no error taken in or passed on, so flat
 * fills never speckle; only anti-aliased edges and text are dithered. */
static void
dither (HeapglassGifWriter *self, const guint8 *data, gsize stride, guint x0, guint y0, guint x1,
        guint y1)
{
  gsize row_len = ((gsize)self->width + 2) * 3;
  gint32 *cur = self->errors, *next = self->errors + row_len;
  guint32 last_rgb = G_MAXUINT32;
  int last_idx = -1;

  memset (self->errors, 0, 2 * row_len * sizeof (gint32));
  for (guint y = y0; y < y1; y++)
    {
      const guint32 *px = (const guint32 *)(const void *)(data + y * stride);
      guint8 *out = self->indices + (gsize)y * self->width;
      gboolean ltr = ((y - y0) & 1) == 0;
      int dir = ltr ? 1 : -1;

      for (guint i = x0; i < x1; i++)
        {
          guint x = ltr ? i : x1 - 1 - (i - x0);
          guint32 rgb = px[x] & 0xffffff; /* RGB24's top byte is unused */
          gint32 *e = cur + (x + 1) * 3;
          int c[3], idx;

          /* Runs of one colour are the common case: look it up once. */
          if (rgb != last_rgb)
            last_rgb = rgb, last_idx = exact_lookup (self, rgb);
          if (last_idx >= 0)
            {
              /* Dropping the error here is what keeps fills clean next to edges. */
              e[0] = e[1] = e[2] = 0;
              out[x] = (guint8)last_idx;
              continue;
            }
          c[0] = CLAMP ((int)(rgb >> 16 & 0xff) + e[0] / 16, 0, 255);
          c[1] = CLAMP ((int)(rgb >> 8 & 0xff) + e[1] / 16, 0, 255);
          c[2] = CLAMP ((int)(rgb & 0xff) + e[2] / 16, 0, 255);
          e[0] = e[1] = e[2] = 0;
          idx = nearest (self, c[0], c[1], c[2]);
          out[x] = (guint8)idx;
          for (int k = 0; k < 3; k++)
            {
              int err = c[k] - self->colours[idx][k];
              cur[(x + 1 + dir) * 3 + k] += err * 7;
              next[(x + 1 - dir) * 3 + k] += err * 3;
              next[(x + 1) * 3 + k] += err * 5;
              next[(x + 1 + dir) * 3 + k] += err;
            }
        }
      {
        gint32 *t = cur;
        cur = next;
        next = t;
        memset (next, 0, row_len * sizeof (gint32));
      }
    }
}

/* The smallest rectangle holding every pixel that differs from the previous frame (the whole
 * frame for the first one); FALSE when nothing differs. */
static gboolean
changed_rect (HeapglassGifWriter *self, const guint8 *data, gsize stride, guint *x0, guint *y0,
              guint *x1, guint *y1)
{
  gsize row = (gsize)self->width * 4;
  const guint8 *before;

  *x0 = 0, *y0 = 0, *x1 = self->width, *y1 = self->height;
  if (self->previous == NULL)
    return TRUE;
  before = cairo_image_surface_get_data (self->previous);
  while (*y0 < *y1 && memcmp (data + *y0 * stride, before + *y0 * stride, row) == 0)
    (*y0)++;
  if (*y0 == *y1)
    return FALSE;
  while (memcmp (data + (*y1 - 1) * stride, before + (*y1 - 1) * stride, row) == 0)
    (*y1)--;
  *x0 = self->width, *x1 = 0;
  for (guint y = *y0; y < *y1; y++)
    {
      const guint32 *a = (const guint32 *)(const void *)(data + y * stride);
      const guint32 *b = (const guint32 *)(const void *)(before + y * stride);
      guint l = 0, r = self->width;

      /* only what could widen the rectangle is looked at: rows get cheap once it is wide */
      while (l < *x0 && a[l] == b[l])
        l++;
      while (r > MAX (*x1, l) && a[r - 1] == b[r - 1])
        r--;
      if (l < *x0 && l < r)
        *x0 = l;
      if (r > *x1 && r > l)
        *x1 = r;
    }
  if (*x0 >= *x1)
    return FALSE;
  return TRUE;
}

gboolean
heapglass_gif_writer_add_frame (HeapglassGifWriter *self, cairo_surface_t *image, GError **error)
{
  GraphicsControlBlock gcb = { 0 };
  GifByteType ext[4];
  size_t ext_len;
  guint x0, y0, x1, y1;
  const guint8 *data;
  gsize stride;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (cairo_image_surface_get_width (image) == (int)self->width, FALSE);
  g_return_val_if_fail (cairo_image_surface_get_height (image) == (int)self->height, FALSE);
  g_return_val_if_fail (image != self->previous, FALSE);

  cairo_surface_flush (image);
  data = cairo_image_surface_get_data (image);
  stride = (gsize)cairo_image_surface_get_stride (image);

  /* Only what changed is dithered and stored; a frame where nothing changed stores one pixel as
   * it was, so that it still takes its time. */
  if (changed_rect (self, data, stride, &x0, &y0, &x1, &y1))
    dither (self, data, stride, x0, y0, x1, y1);
  else
    x0 = y0 = 0, x1 = y1 = 1;

  gcb.DisposalMode = DISPOSE_DO_NOT;
  gcb.UserInputFlag = false;
  gcb.DelayTime = (int)self->delay_cs;
  gcb.TransparentColor = NO_TRANSPARENT_COLOR;
  ext_len = EGifGCBToExtension (&gcb, ext);
  if (EGifPutExtension (self->gif, GRAPHICS_EXT_FUNC_CODE, (int)ext_len, ext) == GIF_ERROR
      || EGifPutImageDesc (self->gif, (int)x0, (int)y0, (int)(x1 - x0), (int)(y1 - y0), false, NULL)
             == GIF_ERROR)
    return gif_failed (self, self->gif->Error, error);
  for (guint y = y0; y < y1; y++)
    if (EGifPutLine (self->gif, self->indices + (gsize)y * self->width + x0, (int)(x1 - x0))
        == GIF_ERROR)
      return gif_failed (self, self->gif->Error, error);

  g_clear_pointer (&self->previous, cairo_surface_destroy);
  self->previous = cairo_surface_reference (image);
  self->n_frames++;
  return TRUE;
}

gboolean
heapglass_gif_writer_finish (HeapglassGifWriter *self, GError **error)
{
  gboolean ok = TRUE;
  int code = 0;

  if (self == NULL)
    return FALSE;
  if (self->gif != NULL && EGifCloseFile (self->gif, &code) == GIF_ERROR)
    ok = gif_failed (self, code, error);
  g_free (self->indices);
  g_clear_pointer (&self->previous, cairo_surface_destroy);
  g_free (self->errors);
  g_free (self->path);
  g_free (self);
  return ok;
}
