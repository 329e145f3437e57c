/* heapglass-layout-geometry.c: the size of every object's box and its cells, and the text drawn
 * for values ("'hello'", "3.0", "… 999,992 more"). */
#include "heapglass-layout-private.h"
#include "heapglass-value-text.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------------- */
/* Text */

char *
_heapglass_layout_format_count (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

/* The text shown for a value object; NULL for containers, instances and weakrefs. */
char *
_heapglass_layout_value_text (const HeapglassObjectView *obj, guint max_chars)
{
  return heapglass_value_text (obj, max_chars);
}

double
_heapglass_layout_text_width (const char *text, double char_w)
{
  return text ? g_utf8_strlen (text, -1) * char_w : 0;
}

/* Small immutable values that the inline option draws inside the slot. */
static gboolean
is_small_value (const HeapglassObjectView *obj)
{
  if (obj == NULL)
    return FALSE;
  switch (obj->kind)
    {
    case HG_KIND_NONE:
    case HG_KIND_BOOL:
    case HG_KIND_INT:
    case HG_KIND_FLOAT:
      return TRUE;
    case HG_KIND_BIGINT:
      return obj->text && strlen (obj->text) <= INLINE_MAX_CHARS;
    case HG_KIND_STR:
      return obj->length <= INLINE_MAX_CHARS - 2 && obj->text
             && (guint64)g_utf8_strlen (obj->text, -1) == obj->length;
    default:
      return FALSE;
    }
}

gboolean
_heapglass_layout_is_inline (HeapglassLayout *self, const HeapglassObjectView *obj)
{
  return self->inline_values && is_small_value (obj);
}

/* ---------------------------------------------------------------------------------------------- */
/* Object geometry: the box and its cells, relative to the object's origin (top-left of the
 * type-name band). Used both to reserve space and to emit the scene. */

void
_heapglass_layout_cell_clear (gpointer data)
{
  Cell *cell = data;

  g_clear_pointer (&cell->text, g_free);
}

const HeapglassObjectView *
_heapglass_layout_lookup (HeapglassLayout *self, guint64 oid)
{
  return oid ? g_hash_table_lookup (self->by_oid, &oid) : NULL;
}

static gboolean
is_sequence (HgKind kind)
{
  return kind == HG_KIND_LIST || kind == HG_KIND_TUPLE || kind == HG_KIND_SET
         || kind == HG_KIND_FROZENSET;
}

/* Width of a cell referring to `target`: wide enough for an inline value. Dict keys that are
 * small values are always shown by value: an arrow per key would cross the value column. */
static double
reference_cell_width (HeapglassLayout *self, guint64 target, gboolean key, char **inline_text)
{
  const HeapglassObjectView *obj = _heapglass_layout_lookup (self, target);

  *inline_text = NULL;
  if (key ? is_small_value (obj) : _heapglass_layout_is_inline (self, obj))
    {
      *inline_text = _heapglass_layout_value_text (obj, INLINE_MAX_CHARS);
      return MAX (SLOT_W, _heapglass_layout_text_width (*inline_text, CHAR_W) + 2 * PAD);
    }
  return SLOT_W;
}

/* A slot referring to `target` (an item, a value, a key or an attribute), inline when small. */
static Cell
reference_cell (HeapglassLayout *self, guint64 target, guint index, gboolean key, double y)
{
  Cell cell = { 0 };

  cell.target = target;
  cell.index = index;
  cell.flags = key ? HEAPGLASS_SCENE_FLAG_KEY : 0;
  cell.w = reference_cell_width (self, target, key, &cell.text);
  if (cell.text)
    cell.flags |= HEAPGLASS_SCENE_FLAG_INLINE, cell.target = 0;
  cell.y = y;
  cell.h = SLOT_H;
  return cell;
}

/* The "… N more" row under a container that shows only its first items; the box widens to fit. */
static void
append_more_marker (GArray *cells, guint64 hidden, Geometry *geom, double *y)
{
  Cell cell = { 0 };
  g_autofree char *count = _heapglass_layout_format_count (hidden);

  cell.marker = TRUE;
  cell.count = hidden;
  cell.text = g_strdup_printf (_ ("… %s more"), count);
  cell.y = *y;
  cell.h = SLOT_H;
  geom->w = MAX (geom->w, _heapglass_layout_text_width (cell.text, SMALL_CHAR_W) + 2 * PAD);
  cell.w = geom->w;
  *y += SLOT_H;
  g_array_append_val (cells, cell);
}

void
_heapglass_layout_object_geometry (HeapglassLayout *self, const HeapglassObjectView *obj,
                                   Geometry *geom)
{
  gboolean expanded = g_hash_table_contains (self->expanded, &obj->oid);
  double label_w = _heapglass_layout_text_width (obj->type_name, SMALL_CHAR_W) + 4;
  GArray *cells = self->cells;

  g_array_set_size (cells, 0);
  memset (geom, 0, sizeof *geom);

  if (is_sequence (obj->kind))
    {
      /* One row per item, index on the left (like a state diagram in a textbook): the arrows
       * leave to the right, level with their row, and a growing list grows downwards. */
      guint shown = expanded ? obj->n_items : MIN (obj->n_items, self->max_slots);
      gboolean indexed = obj->kind == HG_KIND_LIST || obj->kind == HG_KIND_TUPLE;
      double index_w = 0, value_w = SLOT_W, y = LABEL_H;
      guint first = cells->len;

      if (indexed && shown > 0)
        {
          char digits[24];

          g_snprintf (digits, sizeof digits, "%u", shown - 1);
          index_w = strlen (digits) * SMALL_CHAR_W + 2 * PAD;
        }
      for (guint i = 0; i < shown; i++)
        {
          Cell cell = reference_cell (self, obj->items[i], i, FALSE, y);

          value_w = MAX (value_w, cell.w);
          y += SLOT_H;
          g_array_append_val (cells, cell);
        }
      for (guint i = first; i < cells->len; i++)
        {
          Cell *cell = &g_array_index (cells, Cell, i);

          cell->x = 0;
          cell->vx = index_w;
          cell->w = index_w + value_w;
        }
      geom->w = MAX (MAX (index_w + value_w, label_w), SLOT_W);
      if (obj->length > shown)
        append_more_marker (cells, obj->length - shown, geom, &y);
      for (guint i = first; i < cells->len; i++)
        g_array_index (cells, Cell, i).w = geom->w;
      if (obj->length == 0)
        y += SLOT_H / 2; /* an empty container still has a body */
      geom->h = y;
    }
  else if (obj->kind == HG_KIND_DICT)
    {
      guint shown = expanded ? obj->n_items : MIN (obj->n_items, self->max_slots);
      double key_w = SLOT_W, value_w = SLOT_W, y = LABEL_H;
      guint first = cells->len;

      for (guint i = 0; i < shown; i++)
        {
          Cell key = reference_cell (self, obj->items[2 * i], i, TRUE, y);
          Cell value = reference_cell (self, obj->items[2 * i + 1], i, FALSE, y);

          key_w = MAX (key_w, key.w);
          value_w = MAX (value_w, value.w);
          y += SLOT_H;
          g_array_append_val (cells, key);
          g_array_append_val (cells, value);
        }
      for (guint i = first; i < cells->len; i++)
        {
          Cell *cell = &g_array_index (cells, Cell, i);

          if (cell->flags & HEAPGLASS_SCENE_FLAG_KEY)
            cell->x = 0, cell->w = key_w;
          else
            cell->x = key_w, cell->w = value_w;
        }
      geom->w = MAX (key_w + value_w, label_w);
      if (obj->length > shown)
        append_more_marker (cells, obj->length - shown, geom, &y);
      if (shown == 0 && obj->length == 0)
        y += SLOT_H; /* an empty dict still gets a visible body */
      geom->h = y;
    }
  else if (obj->kind == HG_KIND_INSTANCE)
    {
      double name_w = 0, value_w = SLOT_W, y = LABEL_H;
      guint first = cells->len;
      guint shown = expanded ? obj->n_attrs : MIN (obj->n_attrs, self->max_slots);

      for (guint i = 0; i < shown; i++)
        name_w = MAX (name_w, _heapglass_layout_text_width (obj->attr_names[i], CHAR_W) + 2 * PAD);
      gboolean library = _heapglass_layout_is_library (self, obj);

      for (guint i = 0; i < shown; i++)
        {
          Cell cell = reference_cell (self, obj->attr_oids[i], i, FALSE, y);

          if (library)
            {
              /* The library's own insides: named, not followed (the reader may ask). */
              g_clear_pointer (&cell.text, g_free);
              cell.text = g_strdup ("…");
              cell.flags |= HEAPGLASS_SCENE_FLAG_INLINE;
              cell.target = 0;
            }
          cell.label = obj->attr_names[i];
          value_w = MAX (value_w, cell.w);
          y += SLOT_H;
          g_array_append_val (cells, cell);
        }
      for (guint i = first; i < cells->len; i++)
        {
          Cell *cell = &g_array_index (cells, Cell, i);

          /* The cell covers the name too, so that a click on "x" selects the attribute. */
          cell->x = 0;
          cell->vx = name_w;
          cell->w = name_w + value_w;
        }
      if (obj->n_attrs == 0)
        y += SLOT_H;
      geom->w = MAX (MAX (name_w + value_w, label_w), 2 * SLOT_W);
      for (guint i = first; i < cells->len; i++)
        {
          Cell *cell = &g_array_index (cells, Cell, i);

          /* Widen the last column to the box, so that the value cells line up with its edge. */
          cell->vx = geom->w - (cell->w - cell->vx);
          cell->w = geom->w;
        }
      if (obj->n_attrs > shown)
        append_more_marker (cells, obj->n_attrs - shown, geom, &y);
      geom->h = y;
    }
  else if (obj->kind == HG_KIND_WEAKREF)
    {
      Cell cell = { 0 };

      cell.y = LABEL_H;
      cell.h = SLOT_H;
      /* Alive or dead, the same width: the box does not change when the referent dies. */
      cell.w = 1.5 * SLOT_W;
      cell.target = obj->referent;
      if (obj->referent == 0)
        {
          geom->dead = obj->was_weakref_target;
          cell.flags |= HEAPGLASS_SCENE_FLAG_DEAD;
        }
      g_array_append_val (cells, cell);
      geom->w = MAX (cell.w, label_w);
      geom->h = LABEL_H + SLOT_H;
    }
  else
    {
      geom->value = _heapglass_layout_value_text (obj, MAX_VALUE_CHARS);
      geom->w = MAX (MAX (_heapglass_layout_text_width (geom->value, CHAR_W) + 2 * PAD + 4, SLOT_W),
                     label_w);
      geom->h = LABEL_H + VALUE_H;
    }
}

/* A cell's reference anchor (the dot an arrow leaves from): the middle of its value part. */
void
_heapglass_layout_cell_anchor (const Cell *cell, double *x, double *y)
{
  *x = cell->x + cell->vx + (cell->w - cell->vx) / 2;
  *y = cell->y + cell->h / 2;
}

/* Level with the first row (a value box: its middle), on the left edge: every arrow into the
 * object ends here, so that aliases visibly meet. */
gboolean
_heapglass_layout_is_library (HeapglassLayout *self, const HeapglassObjectView *obj)
{
  return !self->show_library && self->has_modules && obj->kind == HG_KIND_INSTANCE && obj->type_name
         && !g_hash_table_contains (self->user_classes, obj->type_name);
}

double
_heapglass_layout_entry_dy (const Node *node)
{
  double body = node->h - LABEL_H;

  return LABEL_H + MIN (SLOT_H, body) / 2;
}
