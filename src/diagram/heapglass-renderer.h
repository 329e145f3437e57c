/* heapglass-renderer.h: draws a HeapglassScene with cairo + pango, the same way for the canvas,
 * PNG, SVG and PDF (vector lines and real text), with light and dark colour-blind-safe palettes. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "heapglass-scene.h"

G_BEGIN_DECLS

typedef enum
{
  HEAPGLASS_THEME_LIGHT,
  HEAPGLASS_THEME_DARK,
} HeapglassTheme;

typedef struct
{
  HeapglassTheme theme;
  /* Selected object (0 = none): drawn with a ring, and every arrow into it and the names and
   * slots they leave from are emphasised, so aliasing shows at a glance. */
  guint64 selected_oid;
  /* NULL-terminated names to highlight in every frame (e.g. the names on the current line); NULL */
  const char *const *highlighted_names;
  /* Fill the scene's extents with the theme's background first (exports); the canvas may paint
   * its own background and set this to FALSE. */
  gboolean draw_background;
  /* Highlight what changed this step (default TRUE). */
  gboolean show_changes;
} HeapglassRenderOptions;

/* Defaults: light theme, no selection, background, changes shown. */
void heapglass_render_options_init (HeapglassRenderOptions *options);

/* Draw the scene in model coordinates with the current transformation of `cr` (the caller
 * translates/scales for pan, zoom, HiDPI). Saves and restores the cairo state. */
void heapglass_renderer_draw (cairo_t *cr, HeapglassScene *scene,
                              const HeapglassRenderOptions *options);

/* The theme's background and foreground colours (RGBA 0…1), for whatever surrounds the diagram. */
void heapglass_renderer_get_background (HeapglassTheme theme, double rgba[4]);
void heapglass_renderer_get_foreground (HeapglassTheme theme, double rgba[4]);

/* The colours the theme draws with (named colours, each kind's colour and fills, faded fills),
 * for exporters limited to a palette (GIF): up to @max written as RGB 0…1, the count returned.
 * Repeats are possible. */
guint heapglass_renderer_get_palette (HeapglassTheme theme, double (*rgb)[3], guint max);

G_END_DECLS
