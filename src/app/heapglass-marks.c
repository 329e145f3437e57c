/* heapglass-marks.c: outlines and word badges over the diagram for the compare and predict
 * tools. Words, not colours alone, say what a mark means, so it reads in any palette. */
#include "config.h"

#include <glib/gi18n.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "heapglass-marks.h"

struct _HeapglassMarks
{
  gint ref_count;
  GHashTable *objects; /* oid → kind + 1 */
  GHashTable *names;   /* "frame_id\tname" → kind + 1 */
};

HeapglassMarks *
heapglass_marks_new (void)
{
  HeapglassMarks *marks = g_new0 (HeapglassMarks, 1);

  marks->ref_count = 1;

  marks->objects = g_hash_table_new (NULL, NULL);
  marks->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return marks;
}

HeapglassMarks *
heapglass_marks_ref (HeapglassMarks *marks)
{
  g_return_val_if_fail (marks != NULL, NULL);
  g_atomic_int_inc (&marks->ref_count);
  return marks;
}

void
heapglass_marks_unref (HeapglassMarks *marks)
{
  if (marks == NULL || !g_atomic_int_dec_and_test (&marks->ref_count))
    return;
  g_hash_table_unref (marks->objects);
  g_hash_table_unref (marks->names);
  g_free (marks);
}

void
heapglass_marks_clear (HeapglassMarks *marks)
{
  g_return_if_fail (marks != NULL);
  g_hash_table_remove_all (marks->objects);
  g_hash_table_remove_all (marks->names);
}

static char *
name_key (guint frame_id, const char *name)
{
  return g_strdup_printf ("%u\t%s", frame_id, name);
}

void
heapglass_marks_set_object (HeapglassMarks *marks, guint64 oid, HeapglassMarkKind kind)
{
  g_return_if_fail (marks != NULL);
  g_hash_table_insert (marks->objects, GSIZE_TO_POINTER ((gsize)oid), GINT_TO_POINTER (kind + 1));
}

void
heapglass_marks_set_name (HeapglassMarks *marks, guint frame_id, const char *name,
                          HeapglassMarkKind kind)
{
  g_return_if_fail (marks != NULL);
  g_return_if_fail (name != NULL);
  g_hash_table_insert (marks->names, name_key (frame_id, name), GINT_TO_POINTER (kind + 1));
}

void
heapglass_marks_unset_object (HeapglassMarks *marks, guint64 oid)
{
  g_return_if_fail (marks != NULL);
  g_hash_table_remove (marks->objects, GSIZE_TO_POINTER ((gsize)oid));
}

void
heapglass_marks_unset_name (HeapglassMarks *marks, guint frame_id, const char *name)
{
  g_autofree char *key = NULL;

  g_return_if_fail (marks != NULL);
  g_return_if_fail (name != NULL);
  key = name_key (frame_id, name);
  g_hash_table_remove (marks->names, key);
}

gboolean
heapglass_marks_get_object (HeapglassMarks *marks, guint64 oid, HeapglassMarkKind *kind)
{
  gpointer value;

  g_return_val_if_fail (marks != NULL, FALSE);
  value = g_hash_table_lookup (marks->objects, GSIZE_TO_POINTER ((gsize)oid));
  if (value != NULL && kind != NULL)
    *kind = (HeapglassMarkKind)(GPOINTER_TO_INT (value) - 1);
  return value != NULL;
}

gboolean
heapglass_marks_get_name (HeapglassMarks *marks, guint frame_id, const char *name,
                          HeapglassMarkKind *kind)
{
  g_autofree char *key = NULL;
  gpointer value;

  g_return_val_if_fail (marks != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  key = name_key (frame_id, name);
  value = g_hash_table_lookup (marks->names, key);
  if (value != NULL && kind != NULL)
    *kind = (HeapglassMarkKind)(GPOINTER_TO_INT (value) - 1);
  return value != NULL;
}

guint
heapglass_marks_get_n_marks (HeapglassMarks *marks)
{
  g_return_val_if_fail (marks != NULL, 0);
  return g_hash_table_size (marks->objects) + g_hash_table_size (marks->names);
}

/* Okabe–Ito colours, as the renderer uses; the word says the meaning. */
static void
mark_style (HeapglassMarkKind kind, gboolean dark, double rgb[3], const char **word,
            gboolean *dashed)
{
  static const double blue[3] = { 0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0 };
  static const double sky[3] = { 0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0 };
  static const double green[3] = { 0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0 };
  static const double vermillion[3] = { 0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0 };
  static const double purple[3] = { 0xCC / 255.0, 0x79 / 255.0, 0xA7 / 255.0 };
  const double *c = blue;

  *dashed = FALSE;
  switch (kind)
    {
    case HEAPGLASS_MARK_NEW:
      c = green, *word = C_ ("diagram mark", "new");
      break;
    case HEAPGLASS_MARK_CHANGED:
      c = vermillion, *word = C_ ("diagram mark", "changed");
      break;
    case HEAPGLASS_MARK_REBOUND:
      c = purple, *word = C_ ("diagram mark", "rebound");
      break;
    case HEAPGLASS_MARK_GUESS:
      c = dark ? sky : blue, *word = C_ ("diagram mark", "will change");
      *dashed = TRUE;
      break;
    case HEAPGLASS_MARK_RIGHT:
      c = green, *word = C_ ("diagram mark", "✓ right");
      break;
    case HEAPGLASS_MARK_WRONG:
      c = vermillion, *word = C_ ("diagram mark", "✗ wrong");
      break;
    case HEAPGLASS_MARK_MISSED:
    default:
      c = purple, *word = C_ ("diagram mark", "missed");
      *dashed = TRUE;
      break;
    }
  rgb[0] = c[0], rgb[1] = c[1], rgb[2] = c[2];
}

static void
draw_mark (cairo_t *cr, double x, double y, double w, double h, HeapglassMarkKind kind,
           gboolean dark)
{
  double rgb[3], dash[] = { 5, 3 };
  const char *word;
  gboolean dashed;
  PangoLayout *layout;
  PangoFontDescription *font;
  int tw, th;

  mark_style (kind, dark, rgb, &word, &dashed);
  cairo_save (cr);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_set_line_width (cr, 2.5);
  cairo_set_dash (cr, dash, dashed ? 2 : 0, 0);
  cairo_rectangle (cr, x - 3, y - 3, w + 6, h + 6);
  cairo_stroke (cr);

  /* the word on a filled tab at the top right corner */
  layout = pango_cairo_create_layout (cr);
  font = pango_font_description_from_string ("Sans Bold 8");
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, word, -1);
  pango_layout_get_pixel_size (layout, &tw, &th);
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_rectangle (cr, x + w + 3 - tw - 6, y - 3 - th - 2, tw + 6, th + 2);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_move_to (cr, x + w + 3 - tw - 3, y - 3 - th - 1);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (font);
  g_object_unref (layout);
  cairo_restore (cr);
}

void
heapglass_marks_draw (HeapglassMarks *marks, cairo_t *cr, HeapglassScene *scene, gboolean dark)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (marks != NULL);
  if (scene == NULL)
    return;

  g_hash_table_iter_init (&iter, marks->objects);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const HeapglassSceneItem *item
          = heapglass_scene_find_object (scene, (guint64)GPOINTER_TO_SIZE (key));
      if (item != NULL)
        draw_mark (cr, item->x, item->y, item->width, item->height,
                   (HeapglassMarkKind)(GPOINTER_TO_INT (value) - 1), dark);
    }
  g_hash_table_iter_init (&iter, marks->names);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *tab = strchr (key, '\t');
      const HeapglassSceneItem *item
          = heapglass_scene_find_name (scene, (guint)g_ascii_strtoull (key, NULL, 10), tab + 1);
      if (item != NULL)
        draw_mark (cr, item->x, item->y, item->width, item->height,
                   (HeapglassMarkKind)(GPOINTER_TO_INT (value) - 1), dark);
    }
}
