/* heapglass-renderer.c: paints a HeapglassScene with cairo and pango; the one picture used by the
 * canvas and by every export. */
#include "heapglass-renderer.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#define LABEL_H 16.0
#define MONO "DejaVu Sans Mono, Noto Sans Mono, Monospace"
#define SANS "DejaVu Sans, Noto Sans, Sans"

typedef struct
{
  double r, g, b;
} Rgb;

/* Okabe–Ito colours (safe for the common colour-vision deficiencies), as tints for fills. */
static const Rgb OI_ORANGE = { 0xE6 / 255.0, 0x9F / 255.0, 0x00 / 255.0 };
static const Rgb OI_SKY = { 0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0 };
static const Rgb OI_GREEN = { 0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0 };
static const Rgb OI_YELLOW = { 0xF0 / 255.0, 0xE4 / 255.0, 0x42 / 255.0 };
static const Rgb OI_BLUE = { 0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0 };
static const Rgb OI_PURPLE = { 0xCC / 255.0, 0x79 / 255.0, 0xA7 / 255.0 };
static const Rgb GREY = { 0.62, 0.62, 0.62 };

typedef struct
{
  Rgb bg, fg, muted, line;
  Rgb frame_fill, frame_head, frame_border, current;
  Rgb arrow, changed, selected, highlight;
  Rgb exception_fill, exception_fg;
  double tint; /* how much of a kind colour goes into a fill */
} Palette;

static const Palette LIGHT = {
  .bg = { 1, 1, 1 },
  .fg = { 0.10, 0.10, 0.11 },
  .muted = { 0.40, 0.41, 0.43 },
  .line = { 0.33, 0.34, 0.36 },
  .frame_fill = { 0.965, 0.969, 0.976 },
  .frame_head = { 0.89, 0.91, 0.94 },
  .frame_border = { 0.58, 0.61, 0.66 },
  .current = { 0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0 },
  .arrow = { 0.20, 0.21, 0.23 },
  .changed = { 0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0 },
  .selected = { 0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0 },
  .highlight = { 0.99, 0.95, 0.70 },
  .exception_fill = { 0.98, 0.88, 0.80 },
  .exception_fg = { 0.60, 0.22, 0.00 },
  .tint = 0.22,
};

static const Palette DARK = {
  .bg = { 0.13, 0.13, 0.14 },
  .fg = { 0.93, 0.93, 0.94 },
  .muted = { 0.66, 0.67, 0.69 },
  .line = { 0.72, 0.73, 0.75 },
  .frame_fill = { 0.18, 0.185, 0.20 },
  .frame_head = { 0.24, 0.25, 0.28 },
  .frame_border = { 0.45, 0.47, 0.52 },
  .current = { 0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0 },
  .arrow = { 0.85, 0.86, 0.88 },
  .changed = { 0xF0 / 255.0, 0x8A / 255.0, 0x3C / 255.0 },
  .selected = { 0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0 },
  .highlight = { 0.36, 0.33, 0.12 },
  .exception_fill = { 0.36, 0.18, 0.08 },
  .exception_fg = { 1.00, 0.70, 0.50 },
  .tint = 0.34,
};

typedef struct
{
  cairo_t *cr;
  const Palette *pal;
  const HeapglassRenderOptions *options;
  HeapglassScene *scene;
  PangoLayout *layout; /* for ellipsized text, laid out each time */
  PangoFontDescription *mono, *mono_small, *mono_tiny, *sans_bold, *sans_small, *sans_bold_small;
  double clip_x0, clip_y0, clip_x1, clip_y1;
} Renderer;

void
heapglass_render_options_init (HeapglassRenderOptions *options)
{
  g_return_if_fail (options != NULL);
  memset (options, 0, sizeof *options);
  options->theme = HEAPGLASS_THEME_LIGHT;
  options->draw_background = TRUE;
  options->show_changes = TRUE;
}

void
heapglass_renderer_get_background (HeapglassTheme theme, double rgba[4])
{
  const Palette *pal = theme == HEAPGLASS_THEME_DARK ? &DARK : &LIGHT;

  rgba[0] = pal->bg.r, rgba[1] = pal->bg.g, rgba[2] = pal->bg.b, rgba[3] = 1;
}

void
heapglass_renderer_get_foreground (HeapglassTheme theme, double rgba[4])
{
  const Palette *pal = theme == HEAPGLASS_THEME_DARK ? &DARK : &LIGHT;

  rgba[0] = pal->fg.r, rgba[1] = pal->fg.g, rgba[2] = pal->fg.b, rgba[3] = 1;
}

static Rgb
mix (Rgb a, Rgb b, double t)
{
  Rgb out = { a.r * t + b.r * (1 - t), a.g * t + b.g * (1 - t), a.b * t + b.b * (1 - t) };

  return out;
}

static void
set_rgb (Renderer *r, Rgb c)
{
  cairo_set_source_rgb (r->cr, c.r, c.g, c.b);
}

static void
set_rgba (Renderer *r, Rgb c, double alpha)
{
  cairo_set_source_rgba (r->cr, c.r, c.g, c.b, alpha);
}

static Rgb
kind_colour (HgKind kind)
{
  switch (kind)
    {
    case HG_KIND_NONE:
    case HG_KIND_BOOL:
    case HG_KIND_INT:
    case HG_KIND_BIGINT:
    case HG_KIND_FLOAT:
      return OI_SKY;
    case HG_KIND_STR:
    case HG_KIND_BYTES:
      return OI_ORANGE;
    case HG_KIND_LIST:
    case HG_KIND_SET:
      return OI_GREEN;
    case HG_KIND_TUPLE:
    case HG_KIND_FROZENSET:
      return mix (OI_GREEN, GREY, 0.55);
    case HG_KIND_DICT:
      return OI_BLUE;
    case HG_KIND_INSTANCE:
    case HG_KIND_CLASS:
      return OI_PURPLE;
    case HG_KIND_WEAKREF:
      return OI_YELLOW;
    case HG_KIND_FUNCTION:
    case HG_KIND_MODULE:
    case HG_KIND_OTHER:
    default:
      return GREY;
    }
}

static Rgb
kind_fill (Renderer *r, HgKind kind)
{
  double tint = r->pal->tint;

  if (kind == HG_KIND_DICT || kind == HG_KIND_FUNCTION || kind == HG_KIND_MODULE)
    tint *= 0.75;
  return mix (kind_colour (kind), r->pal->bg, tint);
}

guint
heapglass_renderer_get_palette (HeapglassTheme theme, double (*rgb)[3], guint max)
{
  const Palette *pal = theme == HEAPGLASS_THEME_DARK ? &DARK : &LIGHT;
  Renderer r = { .pal = pal };
  const Rgb named[] = {
    pal->bg,         pal->fg,           pal->muted,          pal->line,        pal->frame_fill,
    pal->frame_head, pal->frame_border, pal->current,        pal->arrow,       pal->changed,
    pal->selected,   pal->highlight,    pal->exception_fill, pal->exception_fg
  };
  guint n = 0;

#define PUT(c)                                                                                     \
  G_STMT_START                                                                                     \
  {                                                                                                \
    Rgb put_c = (c);                                                                               \
    if (n < max)                                                                                   \
      rgb[n][0] = put_c.r, rgb[n][1] = put_c.g, rgb[n][2] = put_c.b;                               \
    n++;                                                                                           \
  }                                                                                                \
  G_STMT_END
  /* The palette's named colours (bg … exception_fg), then each kind's colour, its fill and the
   * faded fills of freed objects, then the weakref badge's tint and the current frame's head.
   * Keep in step with the colours the drawing functions mix. */
  for (guint i = 0; i < G_N_ELEMENTS (named); i++)
    PUT (named[i]);
  for (HgKind k = HG_KIND_NONE; k <= HG_KIND_LAST; k++)
    {
      PUT (kind_colour (k));
      PUT (kind_fill (&r, k));
      PUT (mix (kind_fill (&r, k), pal->bg, 0.4));
      PUT (mix (kind_fill (&r, k), pal->bg, 0.5));
    }
  PUT (mix (OI_YELLOW, pal->bg, pal->tint + 0.2));
  PUT (mix (pal->current, pal->frame_head, 0.18));
#undef PUT
  return MIN (n, max);
}

static void
rounded_rect (cairo_t *cr, double x, double y, double w, double h, double radius)
{
  radius = MIN (radius, MIN (w, h) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + w - radius, y + h - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + h - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

typedef enum
{
  ALIGN_LEFT,
  ALIGN_CENTER,
  ALIGN_RIGHT,
} Align;

/* Laid-out text is cached across draws: a diagram repeats its words ("int", "Node", attribute
 * names, small numbers) and shaping is most of the cost of painting. The context has an identity
 * transformation, unhinted metrics and unrounded positions, so a layout is valid at any zoom. */
#define TEXT_CACHE_MAX 8192
G_LOCK_DEFINE_STATIC (text_cache);
static PangoContext *text_context;
static GHashTable *text_cache; /* "font\x1ftext" → PangoLayout */

static PangoContext *
shared_context (void)
{
  if (text_context == NULL)
    {
      cairo_font_options_t *font_options = cairo_font_options_create ();

      text_context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
      cairo_font_options_set_hint_metrics (font_options, CAIRO_HINT_METRICS_OFF);
      cairo_font_options_set_hint_style (font_options, CAIRO_HINT_STYLE_NONE);
      pango_cairo_context_set_font_options (text_context, font_options);
      pango_context_set_round_glyph_positions (text_context, FALSE);
      cairo_font_options_destroy (font_options);
      text_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
    }
  return text_context;
}

static PangoLayout *
cached_layout (const PangoFontDescription *font, const char *font_key, const char *text)
{
  g_autofree char *key = g_strconcat (font_key, "\x1f", text, NULL);
  PangoLayout *layout = g_hash_table_lookup (text_cache, key);

  if (layout == NULL)
    {
      if (g_hash_table_size (text_cache) >= TEXT_CACHE_MAX)
        g_hash_table_remove_all (text_cache);
      layout = pango_layout_new (shared_context ());
      pango_layout_set_single_paragraph_mode (layout, TRUE);
      pango_layout_set_font_description (layout, font);
      pango_layout_set_text (layout, text, -1);
      g_hash_table_insert (text_cache, g_steal_pointer (&key), layout);
    }
  return layout;
}

/* Draws one line of text vertically centred on cy, ellipsized to max_w. Returns its width. */
static double
draw_text (Renderer *r, const PangoFontDescription *font, const char *text, double x, double cy,
           double max_w, Align align)
{
  PangoLayout *layout;
  PangoRectangle logical;
  double w;

  if (text == NULL || *text == '\0')
    return 0;
  layout = cached_layout (font,
                          font == r->mono              ? "m"
                          : font == r->mono_small      ? "s"
                          : font == r->mono_tiny       ? "t"
                          : font == r->sans_bold       ? "B"
                          : font == r->sans_bold_small ? "b"
                                                       : "S",
                          text);
  pango_layout_get_extents (layout, NULL, &logical);
  w = (double)logical.width / PANGO_SCALE;
  if (max_w > 0 && w > max_w)
    {
      /* Too long for its box: ellipsize (not cached, rare). */
      layout = r->layout;
      pango_layout_set_font_description (layout, font);
      pango_layout_set_text (layout, text, -1);
      pango_layout_set_width (layout, (int)(max_w * PANGO_SCALE));
      pango_layout_get_extents (layout, NULL, &logical);
      w = MIN ((double)logical.width / PANGO_SCALE, max_w);
    }
  if (align == ALIGN_CENTER)
    x -= w / 2;
  else if (align == ALIGN_RIGHT)
    x -= w;
  cairo_move_to (r->cr, x - (double)logical.x / PANGO_SCALE,
                 cy - (double)logical.height / PANGO_SCALE / 2);
  pango_cairo_show_layout (r->cr, layout);
  /* No current point left behind: the next shape must not start with a line from here. */
  cairo_new_path (r->cr);
  return w;
}

static gboolean
visible (Renderer *r, const HeapglassSceneItem *item, double pad)
{
  return !(item->x - pad > r->clip_x1 || item->x + item->width + pad < r->clip_x0
           || item->y - pad > r->clip_y1 || item->y + item->height + pad < r->clip_y0);
}

static gboolean
is_highlighted_name (Renderer *r, const char *name)
{
  if (r->options->highlighted_names == NULL || name == NULL)
    return FALSE;
  for (guint i = 0; r->options->highlighted_names[i]; i++)
    if (strcmp (r->options->highlighted_names[i], name) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
changes (Renderer *r, const HeapglassSceneItem *item)
{
  return r->options->show_changes && (item->flags & HEAPGLASS_SCENE_FLAG_CHANGED);
}

/* ---------------------------------------------------------------------------------------------- */

static void
draw_frame (Renderer *r, const HeapglassSceneItem *item)
{
  cairo_t *cr = r->cr;
  const char *title;
  gboolean current = item->flags & HEAPGLASS_SCENE_FLAG_CURRENT;
  gboolean exception = item->flags & HEAPGLASS_SCENE_FLAG_EXCEPTION;
  g_autofree char *line = g_strdup_printf (_ ("line %u"), (guint)item->count);
  /* the exception note, wrapped as the layout reserved room for it */
  g_auto (GStrv) note = exception ? heapglass_scene_wrap_note (
                            item->text, HEAPGLASS_SCENE_NOTE_CHARS, HEAPGLASS_SCENE_NOTE_MAX_LINES)
                                  : NULL;
  double note_h = note ? heapglass_scene_note_height (g_strv_length (note)) : 0;

  title = g_strcmp0 (item->name, "<module>") == 0 ? _ ("Global frame") : item->name;

  rounded_rect (cr, item->x, item->y, item->width, item->height, 6);
  set_rgb (r, r->pal->frame_fill);
  cairo_fill_preserve (cr);
  cairo_save (cr);
  cairo_clip (cr);
  cairo_rectangle (cr, item->x, item->y, item->width, 28);
  set_rgb (r, current ? mix (r->pal->current, r->pal->frame_head, 0.18) : r->pal->frame_head);
  cairo_fill (cr);
  if (exception)
    {
      cairo_rectangle (cr, item->x, item->y + item->height - note_h, item->width, note_h);
      set_rgb (r, r->pal->exception_fill);
      cairo_fill (cr);
    }
  cairo_restore (cr);

  rounded_rect (cr, item->x, item->y, item->width, item->height, 6);
  if (exception)
    set_rgb (r, r->pal->changed);
  else
    set_rgb (r, current ? r->pal->current : r->pal->frame_border);
  cairo_set_line_width (cr, current || exception ? 2.0 : 1.0);
  cairo_stroke (cr);

  set_rgb (r, r->pal->fg);
  draw_text (r, r->sans_bold, title, item->x + 10, item->y + 14, item->width - 90, ALIGN_LEFT);
  set_rgb (r, r->pal->muted);
  draw_text (r, r->sans_small, line, item->x + item->width - 10, item->y + 14, 80, ALIGN_RIGHT);

  if (exception)
    {
      double top = item->y + item->height - note_h + HEAPGLASS_SCENE_NOTE_PAD / 2;

      set_rgb (r, r->pal->exception_fg);
      for (guint i = 0; note[i] != NULL; i++)
        draw_text (r, r->mono_small, note[i], item->x + 10,
                   top + (i + 0.5) * HEAPGLASS_SCENE_NOTE_LINE_H, item->width - 20, ALIGN_LEFT);
    }
}

static void
draw_dot (Renderer *r, double x, double y, Rgb colour)
{
  /* A fresh path: text drawn just before leaves a current point, and the arc would start with a
   * line from it (a wedge in PDF and SVG). */
  cairo_new_path (r->cr);
  cairo_arc (r->cr, x, y, 3.2, 0, 2 * G_PI);
  set_rgb (r, colour);
  cairo_fill (r->cr);
}

static gboolean
points_at_selection (Renderer *r, const HeapglassSceneItem *item)
{
  return r->options->selected_oid != 0 && item->target_oid == r->options->selected_oid
         && !(item->flags & HEAPGLASS_SCENE_FLAG_INLINE);
}

static void
draw_name (Renderer *r, const HeapglassSceneItem *item)
{
  cairo_t *cr = r->cr;
  gboolean changed = changes (r, item);
  double cell_w = item->x1 - item->x0, cell_h = item->y1 - item->y0;
  double cy = item->y + item->height / 2;

  if (is_highlighted_name (r, item->name))
    {
      rounded_rect (cr, item->x, item->y + 1, item->width, item->height - 2, 4);
      set_rgb (r, r->pal->highlight);
      cairo_fill (cr);
    }
  if (changed)
    {
      cairo_rectangle (cr, item->x + 1, item->y + 5, 3, item->height - 10);
      set_rgb (r, r->pal->changed);
      cairo_fill (cr);
    }

  set_rgb (r, r->pal->fg);
  draw_text (r, r->mono, item->name, item->x + 10, cy, item->x0 - item->x - 18, ALIGN_LEFT);

  rounded_rect (cr, item->x0, item->y0, cell_w, cell_h, 3);
  set_rgb (r, r->pal->bg);
  cairo_fill_preserve (cr);
  if (points_at_selection (r, item))
    set_rgb (r, r->pal->selected);
  else
    set_rgb (r, changed ? r->pal->changed : r->pal->frame_border);
  cairo_set_line_width (cr, changed || points_at_selection (r, item) ? 1.6 : 1.0);
  cairo_stroke (cr);
  if (item->flags & HEAPGLASS_SCENE_FLAG_INLINE)
    {
      set_rgb (r, r->pal->fg);
      draw_text (r, r->mono, item->text, item->x0 + cell_w / 2, cy, cell_w - 4, ALIGN_CENTER);
    }
  else
    draw_dot (r, item->x0 + cell_w / 2, item->y0 + cell_h / 2,
              points_at_selection (r, item) ? r->pal->selected : r->pal->arrow);
}

static void
draw_object (Renderer *r, const HeapglassSceneItem *item)
{
  cairo_t *cr = r->cr;
  double bx = item->x, by = item->y + LABEL_H, bw = item->width, bh = item->height - LABEL_H;
  gboolean changed = changes (r, item);
  gboolean selected = r->options->selected_oid && item->oid == r->options->selected_oid;
  gboolean freed = item->flags & HEAPGLASS_SCENE_FLAG_FREED;

  if (selected)
    {
      rounded_rect (cr, bx - 4, by - 4, bw + 8, bh + 8, 8);
      set_rgba (r, r->pal->selected, 0.25);
      cairo_fill_preserve (cr);
      set_rgb (r, r->pal->selected);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
    }

  /* The type name above the box, like a label in a textbook figure. */
  set_rgb (r, r->pal->muted);
  draw_text (r, r->mono_small, item->name, bx + 2, item->y + LABEL_H / 2 - 1, bw - 2, ALIGN_LEFT);
  if (freed)
    {
      double w = item->name ? g_utf8_strlen (item->name, -1) * 6.63 + 8 : 0;

      /* Full-strength text (≥ 4.5:1 on the background): a ghost is faded by its box only. */
      set_rgb (r, r->pal->exception_fg);
      draw_text (r, r->mono_small, _ ("freed"), bx + 2 + w, item->y + LABEL_H / 2 - 1,
                 MAX (bw - w - 2, 8), ALIGN_LEFT);
    }

  rounded_rect (cr, bx, by, bw, bh, item->object_kind == HG_KIND_MODULE ? 10 : 4);
  set_rgb (r, freed ? mix (kind_fill (r, item->object_kind), r->pal->bg, 0.4)
                    : kind_fill (r, item->object_kind));
  cairo_fill_preserve (cr);
  if (freed)
    {
      static const double dash[] = { 4, 3 };

      cairo_set_dash (cr, dash, 2, 0);
      changed = FALSE;
    }
  set_rgb (r, changed ? r->pal->changed : freed ? r->pal->muted : r->pal->line);
  cairo_set_line_width (cr, changed ? 2.4 : 1.1);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  if (item->text)
    {
      set_rgb (r, freed ? r->pal->muted : r->pal->fg);
      draw_text (r, r->mono, item->text, bx + 8, by + bh / 2, bw - 10, ALIGN_LEFT);
    }
}

static void
draw_label (Renderer *r, const HeapglassSceneItem *item)
{
  set_rgb (r, r->pal->muted);
  draw_text (r, r->sans_bold_small, item->text, item->x, item->y + item->height / 2,
             item->width + 8, ALIGN_LEFT);
}

static void
draw_note (Renderer *r, const HeapglassSceneItem *item)
{
  cairo_t *cr = r->cr;

  rounded_rect (cr, item->x, item->y, item->width, item->height, item->height / 2);
  set_rgb (r, r->pal->frame_head);
  cairo_fill_preserve (cr);
  set_rgb (r, r->pal->frame_border);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
  set_rgb (r, r->pal->fg);
  draw_text (r, r->sans_bold, item->text, item->x + item->width / 2, item->y + item->height / 2,
             item->width - 16, ALIGN_CENTER);
}

static void
draw_slot (Renderer *r, const HeapglassSceneItem *item)
{
  cairo_t *cr = r->cr;
  gboolean selected = points_at_selection (r, item);
  double cx = (item->x0 + item->x1) / 2, cy = item->y + item->height / 2;
  Rgb dot = selected ? r->pal->selected : r->pal->arrow;

  /* Row dividers and the column line: the box outline itself is the object's. */
  cairo_set_line_width (cr, 0.8);
  set_rgba (r, r->pal->line, 0.55);
  if (item->y > heapglass_scene_get_item (r->scene, item->parent)->y + LABEL_H + 0.5)
    {
      cairo_move_to (cr, item->x, item->y);
      cairo_line_to (cr, item->x + item->width, item->y);
    }
  if (item->x0 > item->x + 0.5)
    {
      cairo_move_to (cr, item->x0, item->y);
      cairo_line_to (cr, item->x0, item->y + item->height);
    }
  cairo_stroke (cr);

  /* A slot that got a new value at this step. */
  if (changes (r, item))
    {
      cairo_rectangle (cr, item->x0 + 1.5, item->y + 1.5, item->x1 - item->x0 - 3,
                       item->height - 3);
      set_rgba (r, r->pal->changed, 0.16);
      cairo_fill_preserve (cr);
      set_rgb (r, r->pal->changed);
      cairo_set_line_width (cr, 1.6);
      cairo_stroke (cr);
    }

  /* The index or attribute name, left of the value cell. */
  if (item->x0 > item->x + 0.5)
    {
      gboolean attribute = item->object_kind == HG_KIND_INSTANCE;

      set_rgb (r, attribute ? r->pal->fg : r->pal->muted);
      draw_text (r, attribute ? r->mono : r->mono_small, item->name, item->x + 8, cy,
                 item->x0 - item->x - 10, ALIGN_LEFT);
    }

  if (item->flags & HEAPGLASS_SCENE_FLAG_DEAD)
    {
      double w = item->x1 - item->x0 - 12;

      rounded_rect (cr, item->x0 + 6, cy - 9, w, 18, 9);
      set_rgb (r, r->pal->bg);
      cairo_fill_preserve (cr);
      set_rgb (r, r->pal->changed);
      cairo_set_line_width (cr, 1.4);
      cairo_stroke (cr);
      draw_text (r, r->sans_small, item->text ? item->text : _ ("dead"), cx, cy, w - 4,
                 ALIGN_CENTER);
      return;
    }
  if (item->flags & HEAPGLASS_SCENE_FLAG_INLINE)
    {
      set_rgb (r, r->pal->fg);
      draw_text (r, r->mono, item->text, cx, cy, item->x1 - item->x0 - 4, ALIGN_CENTER);
      return;
    }
  if (item->target_oid != 0)
    draw_dot (r, cx, cy, dot);
}

static void
draw_more_marker (Renderer *r, const HeapglassSceneItem *item)
{
  cairo_t *cr = r->cr;
  static const double dash[] = { 3, 3 };

  cairo_rectangle (cr, item->x, item->y, item->width, item->height);
  set_rgb (r, mix (kind_fill (r, item->object_kind), r->pal->bg, 0.5));
  cairo_fill_preserve (cr);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_set_line_width (cr, 0.8);
  set_rgba (r, r->pal->line, 0.8);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  set_rgb (r, r->pal->muted);
  draw_text (r, r->mono_small, item->text, item->x + item->width / 2, item->y + item->height / 2,
             item->width - 4, ALIGN_CENTER);
}

static void
draw_frames_marker (Renderer *r, const HeapglassSceneItem *item)
{
  cairo_t *cr = r->cr;
  static const double dash[] = { 5, 4 };

  rounded_rect (cr, item->x, item->y, item->width, item->height, 6);
  set_rgb (r, r->pal->bg);
  cairo_fill_preserve (cr);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_set_line_width (cr, 1.0);
  set_rgb (r, r->pal->frame_border);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  set_rgb (r, r->pal->muted);
  draw_text (r, r->sans_small, item->text, item->x + item->width / 2, item->y + item->height / 2,
             item->width - 8, ALIGN_CENTER);
}

/* The arrow's path with rounded corners, stopped `cut` short of its tip (under the head). */
static void
arrow_path (cairo_t *cr, const HeapglassSceneItem *item, double cut)
{
  const double *p = item->points;
  guint n = item->n_points;
  double ex, ey, dx, dy, len;

  if (n < 2)
    {
      dx = item->x3 - item->x0, dy = item->y3 - item->y0;
      len = MAX (hypot (dx, dy), 1e-3);
      cairo_move_to (cr, item->x0, item->y0);
      cairo_line_to (cr, item->x3 - dx / len * cut, item->y3 - dy / len * cut);
      return;
    }
  cairo_move_to (cr, p[0], p[1]);
  for (guint i = 1; i + 1 < n; i++)
    {
      double ax = p[2 * i - 2], ay = p[2 * i - 1], bx = p[2 * i], by = p[2 * i + 1];
      double cx = p[2 * i + 2], cy = p[2 * i + 3];
      double l1 = hypot (bx - ax, by - ay), l2 = hypot (cx - bx, cy - by);
      double rad = MIN (4.0, MIN (l1, l2) / 2); /* ≤ 2 units off the corner */

      if (l1 < 1e-3 || l2 < 1e-3)
        continue;
      cairo_line_to (cr, bx - (bx - ax) / l1 * rad, by - (by - ay) / l1 * rad);
      cairo_curve_to (cr, bx, by, bx, by, bx + (cx - bx) / l2 * rad, by + (cy - by) / l2 * rad);
    }
  dx = p[2 * n - 2] - p[2 * n - 4], dy = p[2 * n - 1] - p[2 * n - 3];
  len = MAX (hypot (dx, dy), 1e-3);
  ex = p[2 * n - 2] - dx / len * MIN (cut, len);
  ey = p[2 * n - 1] - dy / len * MIN (cut, len);
  cairo_line_to (cr, ex, ey);
}

static void
draw_arrow (Renderer *r, const HeapglassSceneItem *item)
{
  cairo_t *cr = r->cr;
  gboolean weak = item->flags & HEAPGLASS_SCENE_FLAG_WEAK;
  gboolean selected = r->options->selected_oid && item->target_oid == r->options->selected_oid;
  gboolean changed = changes (r, item);
  Rgb colour = selected ? r->pal->selected : changed ? r->pal->changed : r->pal->arrow;
  double dx = item->x3 - item->x2, dy = item->y3 - item->y2, len, ux, uy;
  const double head = 10, half = 4.2;

  len = hypot (dx, dy);
  if (len < 1e-3)
    dx = item->x3 - item->x0, dy = item->y3 - item->y0, len = hypot (dx, dy);
  if (len < 1e-3)
    dx = 1, dy = 0, len = 1;
  ux = dx / len;
  uy = dy / len;

  /* Stop the line under the arrowhead so the tip stays sharp. */
  cairo_new_path (cr);
  arrow_path (cr, item, head * 0.8);
  if (weak)
    {
      static const double dash[] = { 6, 4 };

      cairo_set_dash (cr, dash, 2, 0);
    }
  set_rgb (r, colour);
  cairo_set_line_width (cr, selected ? 2.4 : 1.5);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  cairo_move_to (cr, item->x3, item->y3);
  cairo_line_to (cr, item->x3 - ux * head - uy * half, item->y3 - uy * head + ux * half);
  cairo_line_to (cr, item->x3 - ux * head * 0.75, item->y3 - uy * head * 0.75);
  cairo_line_to (cr, item->x3 - ux * head + uy * half, item->y3 - uy * head - ux * half);
  cairo_close_path (cr);
  cairo_fill (cr);

  if (weak)
    {
      double bx, by;

      /* On the weakref's own cell, where the arrow starts: never over another box. */
      bx = item->x0;
      by = item->y0;
      rounded_rect (cr, bx - 17, by - 8, 34, 16, 8);
      set_rgb (r, mix (OI_YELLOW, r->pal->bg, r->pal->tint + 0.2));
      cairo_fill_preserve (cr);
      set_rgb (r, colour);
      cairo_set_line_width (cr, 1.0);
      cairo_stroke (cr);
      set_rgb (r, r->pal->fg);
      draw_text (r, r->mono_tiny, _ ("weak"), bx, by, 32, ALIGN_CENTER);
    }
}

void
heapglass_renderer_draw (cairo_t *cr, HeapglassScene *scene, const HeapglassRenderOptions *options)
{
  Renderer r = { 0 };
  HeapglassRenderOptions defaults;
  guint n;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (scene != NULL);

  if (options == NULL)
    {
      heapglass_render_options_init (&defaults);
      options = &defaults;
    }

  cairo_save (cr);
  r.cr = cr;
  r.scene = scene;
  r.options = options;
  r.pal = options->theme == HEAPGLASS_THEME_DARK ? &DARK : &LIGHT;
  cairo_clip_extents (cr, &r.clip_x0, &r.clip_y0, &r.clip_x1, &r.clip_y1);

  /* Unhinted metrics: text keeps its size and place at every zoom, so the picture scales. */
  G_LOCK (text_cache);
  r.layout = pango_layout_new (shared_context ());
  pango_layout_set_ellipsize (r.layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_single_paragraph_mode (r.layout, TRUE);

  r.mono = pango_font_description_from_string (MONO);
  pango_font_description_set_absolute_size (r.mono, 13 * PANGO_SCALE);
  r.mono_small = pango_font_description_from_string (MONO);
  pango_font_description_set_absolute_size (r.mono_small, 11 * PANGO_SCALE);
  r.mono_tiny = pango_font_description_from_string (MONO);
  pango_font_description_set_absolute_size (r.mono_tiny, 9 * PANGO_SCALE);
  r.sans_bold = pango_font_description_from_string (SANS);
  pango_font_description_set_weight (r.sans_bold, PANGO_WEIGHT_BOLD);
  pango_font_description_set_absolute_size (r.sans_bold, 13 * PANGO_SCALE);
  r.sans_bold_small = pango_font_description_from_string (SANS);
  pango_font_description_set_weight (r.sans_bold_small, PANGO_WEIGHT_BOLD);
  pango_font_description_set_absolute_size (r.sans_bold_small, 12 * PANGO_SCALE);
  r.sans_small = pango_font_description_from_string (SANS);
  pango_font_description_set_absolute_size (r.sans_small, 11 * PANGO_SCALE);

  if (options->draw_background)
    {
      double x, y, w, h;

      heapglass_scene_get_extents (scene, &x, &y, &w, &h);
      cairo_rectangle (cr, x, y, w, h);
      set_rgb (&r, r.pal->bg);
      cairo_fill (cr);
    }

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  n = heapglass_scene_get_n_items (scene);
  /* Boxes first, arrows over them so that every arrowhead is visible, and the "… N more" markers
   * last so that their counts stay readable. */
  for (int pass = 0; pass < 3; pass++)
    for (guint i = 0; i < n; i++)
      {
        const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);
        gboolean arrow = item->kind == HEAPGLASS_SCENE_ARROW;
        int item_pass = arrow ? 1 : item->kind == HEAPGLASS_SCENE_MORE_MARKER ? 2 : 0;

        if (item_pass != pass || !visible (&r, item, 12))
          continue;
        switch (item->kind)
          {
          case HEAPGLASS_SCENE_FRAME:
            draw_frame (&r, item);
            break;
          case HEAPGLASS_SCENE_NAME:
            draw_name (&r, item);
            break;
          case HEAPGLASS_SCENE_OBJECT:
            draw_object (&r, item);
            break;
          case HEAPGLASS_SCENE_SLOT:
            draw_slot (&r, item);
            break;
          case HEAPGLASS_SCENE_ARROW:
            draw_arrow (&r, item);
            break;
          case HEAPGLASS_SCENE_FRAMES_MARKER:
            draw_frames_marker (&r, item);
            break;
          case HEAPGLASS_SCENE_MORE_MARKER:
            draw_more_marker (&r, item);
            break;
          case HEAPGLASS_SCENE_LABEL:
            draw_label (&r, item);
            break;
          case HEAPGLASS_SCENE_NOTE:
            draw_note (&r, item);
            break;
          default:
            break;
          }
      }

  pango_font_description_free (r.mono);
  pango_font_description_free (r.mono_small);
  pango_font_description_free (r.mono_tiny);
  pango_font_description_free (r.sans_bold);
  pango_font_description_free (r.sans_small);
  pango_font_description_free (r.sans_bold_small);
  g_object_unref (r.layout);
  G_UNLOCK (text_cache);
  cairo_restore (cr);
}
