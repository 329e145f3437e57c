/* heapglass-alt-text.h: puts a picture's words into the exported file itself, where screen
 * readers, search and slide tools find them: SVG <title>/<desc>, PNG iTXt chunks. (PDF's title is
 * cairo's own metadata.) Cairo writes none of these, so the files are edited in memory. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Adds <title> and <desc> (either may be NULL) as the first children of the root <svg> element
 * of the document in `svg`, and role="img" with aria-labelledby pointing at them. FALSE when
 * `svg` has no root element. */
gboolean heapglass_svg_add_alt_text (GByteArray *svg, const char *title, const char *description);

/* Adds an iTXt chunk (UTF-8, uncompressed) `keyword` = `text` after the IHDR chunk of the PNG in
 * `png` ("Title", "Description" are PNG's registered keywords). FALSE when `png` is no PNG. */
gboolean heapglass_png_add_text (GByteArray *png, const char *keyword, const char *text);

/* The CRC-32 of PNG chunks (ISO 3309, as zlib's crc32()). */
guint32 heapglass_png_crc32 (guint32 crc, const guint8 *data, gsize len);

G_END_DECLS
