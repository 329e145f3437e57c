/* heapglass-export-gif.h: an animated GIF written frame by frame with giflib, each frame dithered
 * to one palette made from the renderer's colours, so fills stay exact and edges stay smooth. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "heapglass-renderer.h"

G_BEGIN_DECLS

typedef struct _HeapglassGifWriter HeapglassGifWriter;

/* Starts `path`: every frame is width × height pixels, shown for delay_ms (rounded to the GIF's
 * hundredths of a second, at least 20 ms), looping forever. Errors: HEAPGLASS_EXPORT_ERROR_WRITE.
 */
HeapglassGifWriter *heapglass_gif_writer_new (const char *path, guint width, guint height,
                                              HeapglassTheme theme, guint delay_ms, GError **error);
/* Adds an opaque image surface (CAIRO_FORMAT_RGB24 or ARGB32) of exactly the writer's size. Only
 * the rectangle that differs from the previous frame is stored. The writer keeps a reference to
 * `image` to compare the next frame with (rather than a copy): leave it as it is and draw the
 * next frame on another surface. */
gboolean heapglass_gif_writer_add_frame (HeapglassGifWriter *self, cairo_surface_t *image,
                                         GError **error);
/* Ends the file and frees the writer, whether or not it succeeded. */
gboolean heapglass_gif_writer_finish (HeapglassGifWriter *self, GError **error);

G_END_DECLS
