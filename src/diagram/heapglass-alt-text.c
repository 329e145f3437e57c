/* heapglass-alt-text.c: alt text inside exported SVG and PNG files (see the header). */
#include "heapglass-alt-text.h"

#include <string.h>

static void
append_escaped (GString *out, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_string_append (out, escaped);
}

gboolean
heapglass_svg_add_alt_text (GByteArray *svg, const char *title, const char *description)
{
  g_autoptr (GString) insert = g_string_new (NULL);
  g_autoptr (GString) attributes = g_string_new (" role=\"img\"");
  const char *data, *root, *end;
  gsize root_at, end_at;

  g_return_val_if_fail (svg != NULL, FALSE);

  data = (const char *)svg->data;
  root = g_strstr_len (data, svg->len, "<svg");
  if (root == NULL)
    return FALSE;
  end = memchr (root, '>', svg->len - (gsize)(root - data));
  if (end == NULL)
    return FALSE;
  root_at = (gsize)(root - data);
  end_at = (gsize)(end - data);
  /* "<svg ... />": an empty document has nowhere to put children */
  if (end_at > root_at && data[end_at - 1] == '/')
    return FALSE;

  if (title || description)
    {
      g_string_append (attributes, " aria-labelledby=\"");
      if (title)
        g_string_append (attributes, "heapglass-title");
      if (description)
        g_string_append (attributes, title ? " heapglass-desc" : "heapglass-desc");
      g_string_append_c (attributes, '"');
    }
  g_string_append_c (insert, '\n');
  if (title)
    {
      g_string_append (insert, "<title id=\"heapglass-title\">");
      append_escaped (insert, title);
      g_string_append (insert, "</title>\n");
    }
  if (description)
    {
      g_string_append (insert, "<desc id=\"heapglass-desc\">");
      append_escaped (insert, description);
      g_string_append (insert, "</desc>");
    }
  /* children after the '>', then the attributes before it (positions before stay valid) */
  {
    g_autoptr (GByteArray) rest = g_byte_array_new ();

    g_byte_array_append (rest, svg->data + end_at + 1, svg->len - end_at - 1);
    g_byte_array_set_size (svg, end_at);
    g_byte_array_append (svg, (const guint8 *)attributes->str, attributes->len);
    g_byte_array_append (svg, (const guint8 *)">", 1);
    g_byte_array_append (svg, (const guint8 *)insert->str, insert->len);
    g_byte_array_append (svg, rest->data, rest->len);
  }
  return TRUE;
}

guint32
heapglass_png_crc32 (guint32 crc, const guint8 *data, gsize len)
{
  static guint32 table[256];
  static gsize table_ready;

  if (g_once_init_enter (&table_ready))
    {
      for (guint32 n = 0; n < 256; n++)
        {
          guint32 c = n;
          for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
          table[n] = c;
        }
      g_once_init_leave (&table_ready, 1);
    }
  crc = ~crc;
  for (gsize i = 0; i < len; i++)
    crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

static void
put_be32 (guint8 *p, guint32 value)
{
  p[0] = (guint8)(value >> 24);
  p[1] = (guint8)(value >> 16);
  p[2] = (guint8)(value >> 8);
  p[3] = (guint8)value;
}

gboolean
heapglass_png_add_text (GByteArray *png, const char *keyword, const char *text)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr (GByteArray) chunk = NULL;
  gsize keyword_len, text_len, ihdr_end;
  guint8 header[8];
  guint8 crc[4];

  g_return_val_if_fail (png != NULL, FALSE);
  g_return_val_if_fail (keyword != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  keyword_len = strlen (keyword);
  text_len = strlen (text);
  /* IHDR is always first: signature, then 4 length + "IHDR" + 13 data + 4 CRC */
  if (png->len < 33 || memcmp (png->data, signature, 8) != 0
      || memcmp (png->data + 12, "IHDR", 4) != 0 || keyword_len == 0 || keyword_len > 79
      || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  ihdr_end = 33;

  /* iTXt: keyword NUL, compression flag 0, method 0, language "" NUL, translated keyword "" NUL,
   * then the UTF-8 text */
  chunk = g_byte_array_new ();
  g_byte_array_append (chunk, (const guint8 *)"iTXt", 4);
  g_byte_array_append (chunk, (const guint8 *)keyword, keyword_len);
  g_byte_array_append (chunk, (const guint8 *)"\0\0\0\0\0", 5);
  g_byte_array_append (chunk, (const guint8 *)text, text_len);

  put_be32 (header, (guint32)(chunk->len - 4));
  put_be32 (crc, heapglass_png_crc32 (0, chunk->data, chunk->len));
  {
    g_autoptr (GByteArray) rest = g_byte_array_new ();

    g_byte_array_append (rest, png->data + ihdr_end, png->len - ihdr_end);
    g_byte_array_set_size (png, ihdr_end);
    g_byte_array_append (png, header, 4);
    g_byte_array_append (png, chunk->data, chunk->len);
    g_byte_array_append (png, crc, 4);
    g_byte_array_append (png, rest->data, rest->len);
  }
  return TRUE;
}
