/* heapglass-figure.c: a scene as boxes, labels and polylines (the --layout-json model). */
#include "heapglass-figure.h"

#include <glib/gi18n.h>

#include "heapglass-trace-json.h"

#define LABEL_H 16.0      /* the type-name band above an object's box (as the layout makes it) */
#define SMALL_CHAR_W 6.63 /* the 11-unit monospace the renderer writes labels in */

const char *
heapglass_figure_box_kind_to_string (HeapglassFigureBoxKind kind)
{
  static const char *const names[] = { [HEAPGLASS_FIGURE_FRAME] = "frame",
                                       [HEAPGLASS_FIGURE_OBJECT] = "object",
                                       [HEAPGLASS_FIGURE_GHOST] = "ghost",
                                       [HEAPGLASS_FIGURE_SUMMARY] = "summary",
                                       [HEAPGLASS_FIGURE_NOTE] = "note" };

  return kind <= HEAPGLASS_FIGURE_NOTE ? names[kind] : "object";
}

static void
box_clear (gpointer data)
{
  HeapglassFigureBox *box = data;

  g_free (box->id);
}

static void
label_clear (gpointer data)
{
  HeapglassFigureLabel *label = data;

  g_free (label->text);
  g_free (label->box);
}

static void
arrow_clear (gpointer data)
{
  HeapglassFigureArrow *arrow = data;

  g_free (arrow->from);
  g_free (arrow->to);
  g_free (arrow->points);
}

/* The id of the top-level box an item is (or is inside of). */
static char *
box_id (HeapglassScene *scene, const HeapglassSceneItem *item)
{
  while (item->parent != HEAPGLASS_SCENE_NO_PARENT
         && (item->kind == HEAPGLASS_SCENE_NAME || item->kind == HEAPGLASS_SCENE_SLOT
             || item->kind == HEAPGLASS_SCENE_MORE_MARKER || item->kind == HEAPGLASS_SCENE_ARROW))
    item = heapglass_scene_get_item (scene, item->parent);
  switch (item->kind)
    {
    case HEAPGLASS_SCENE_FRAME:
      return g_strdup_printf ("frame:%u", item->frame_id);
    case HEAPGLASS_SCENE_OBJECT:
      return g_strdup_printf ("object:%" G_GUINT64_FORMAT, item->oid);
    case HEAPGLASS_SCENE_FRAMES_MARKER:
      return g_strdup_printf ("frames:%u", item->first_depth);
    default:
      return g_strdup_printf ("item:%u", heapglass_scene_get_item_index (scene, item));
    }
}

static void
add_label (HeapglassFigure *figure, const char *text, double x, double y, double w, double h,
           char *box)
{
  HeapglassFigureLabel label = { g_strdup (text), x, y, w, h, box };

  g_array_append_val (figure->labels, label);
}

HeapglassFigure *
heapglass_figure_new (HeapglassScene *scene)
{
  HeapglassFigure *figure;
  double ox, oy, w, h;
  guint notes = 0;

  g_return_val_if_fail (scene != NULL, NULL);

  figure = g_new0 (HeapglassFigure, 1);
  figure->boxes = g_array_new (FALSE, TRUE, sizeof (HeapglassFigureBox));
  g_array_set_clear_func (figure->boxes, box_clear);
  figure->labels = g_array_new (FALSE, TRUE, sizeof (HeapglassFigureLabel));
  g_array_set_clear_func (figure->labels, label_clear);
  figure->arrows = g_array_new (FALSE, TRUE, sizeof (HeapglassFigureArrow));
  g_array_set_clear_func (figure->arrows, arrow_clear);

  heapglass_scene_get_extents (scene, &ox, &oy, &w, &h);
  figure->step = heapglass_scene_get_step (scene);
  figure->width = w;
  figure->height = h;

  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);
      HeapglassFigureBox box = { 0 };

      box.x = item->x - ox;
      box.y = item->y - oy;
      box.w = item->width;
      box.h = item->height;
      switch (item->kind)
        {
        case HEAPGLASS_SCENE_FRAME:
          box.kind = HEAPGLASS_FIGURE_FRAME;
          break;
        case HEAPGLASS_SCENE_FRAMES_MARKER:
          box.kind = HEAPGLASS_FIGURE_SUMMARY;
          break;
        case HEAPGLASS_SCENE_NOTE:
          box.kind = HEAPGLASS_FIGURE_NOTE;
          box.id = g_strdup_printf ("note:%u", notes++);
          break;
        case HEAPGLASS_SCENE_OBJECT:
          {
            gboolean ghost = item->flags & HEAPGLASS_SCENE_FLAG_FREED;
            double name_w = item->name ? g_utf8_strlen (item->name, -1) * SMALL_CHAR_W : 0;

            box.kind = ghost ? HEAPGLASS_FIGURE_GHOST : HEAPGLASS_FIGURE_OBJECT;
            box.oid = item->oid;
            /* The type name is a label above the box (the renderer writes it at x + 2). */
            box.y += LABEL_H;
            box.h -= LABEL_H;
            name_w = MIN (name_w, item->width - 2);
            if (item->name)
              add_label (figure, item->name, box.x + 2, item->y - oy, name_w, LABEL_H - 2,
                         box_id (scene, item));
            if (ghost)
              add_label (figure, _ ("freed"), box.x + 2 + name_w + 8, item->y - oy,
                         MIN (g_utf8_strlen (_ ("freed"), -1) * SMALL_CHAR_W,
                              MAX (item->width - name_w - 10, 8)),
                         LABEL_H - 2, box_id (scene, item));
            break;
          }
        case HEAPGLASS_SCENE_LABEL:
          add_label (figure, item->text, box.x, box.y, box.w, box.h, NULL);
          continue;
        case HEAPGLASS_SCENE_ARROW:
          {
            HeapglassFigureArrow arrow = { 0 };
            const HeapglassSceneItem *source = item->parent != HEAPGLASS_SCENE_NO_PARENT
                                                   ? heapglass_scene_get_item (scene, item->parent)
                                                   : NULL;

            arrow.from = source ? box_id (scene, source) : g_strdup ("");
            arrow.to = g_strdup_printf ("object:%" G_GUINT64_FORMAT, item->target_oid);
            arrow.weak = item->flags & HEAPGLASS_SCENE_FLAG_WEAK;
            arrow.n_points = MAX (item->n_points, 2);
            arrow.points = g_new (double, 2 * arrow.n_points);
            if (item->n_points >= 2)
              for (guint p = 0; p < item->n_points; p++)
                {
                  arrow.points[2 * p] = item->points[2 * p] - ox;
                  arrow.points[2 * p + 1] = item->points[2 * p + 1] - oy;
                }
            else
              {
                arrow.points[0] = item->x0 - ox, arrow.points[1] = item->y0 - oy;
                arrow.points[2] = item->x3 - ox, arrow.points[3] = item->y3 - oy;
              }
            g_array_append_val (figure->arrows, arrow);
            continue;
          }
        case HEAPGLASS_SCENE_NAME:
        case HEAPGLASS_SCENE_SLOT:
        case HEAPGLASS_SCENE_MORE_MARKER:
        default:
          continue;
        }
      if (box.id == NULL)
        box.id = box_id (scene, item);
      g_array_append_val (figure->boxes, box);
    }
  return figure;
}

void
heapglass_figure_free (HeapglassFigure *figure)
{
  if (figure == NULL)
    return;
  g_array_unref (figure->boxes);
  g_array_unref (figure->labels);
  g_array_unref (figure->arrows);
  g_free (figure);
}

static void
append_number (GString *out, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* Two decimals are far below a pixel and keep the file small. */
  g_ascii_formatd (buf, sizeof buf, "%.2f", value);
  g_string_append (out, buf);
}

static void
append_rect (GString *out, double x, double y, double w, double h)
{
  g_string_append (out, ", \"x\": ");
  append_number (out, x);
  g_string_append (out, ", \"y\": ");
  append_number (out, y);
  g_string_append (out, ", \"w\": ");
  append_number (out, w);
  g_string_append (out, ", \"h\": ");
  append_number (out, h);
}

void
heapglass_figure_append_json (const HeapglassFigure *figure, GString *out)
{
  g_return_if_fail (figure != NULL);
  g_return_if_fail (out != NULL);

  g_string_append_printf (out, "{\"step\": %u, \"width\": ", figure->step);
  append_number (out, figure->width);
  g_string_append (out, ", \"height\": ");
  append_number (out, figure->height);
  g_string_append (out, ", \"boxes\": [");
  for (guint i = 0; i < figure->boxes->len; i++)
    {
      const HeapglassFigureBox *box = &g_array_index (figure->boxes, HeapglassFigureBox, i);

      g_string_append_printf (out, "%s{\"kind\": \"%s\", \"id\": ", i ? ", " : "",
                              heapglass_figure_box_kind_to_string (box->kind));
      heapglass_json_append_string (out, box->id, -1);
      append_rect (out, box->x, box->y, box->w, box->h);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "], \"labels\": [");
  for (guint i = 0; i < figure->labels->len; i++)
    {
      const HeapglassFigureLabel *label = &g_array_index (figure->labels, HeapglassFigureLabel, i);

      g_string_append (out, i ? ", {\"text\": " : "{\"text\": ");
      heapglass_json_append_string (out, label->text ? label->text : "", -1);
      append_rect (out, label->x, label->y, label->w, label->h);
      g_string_append (out, ", \"box\": ");
      if (label->box)
        heapglass_json_append_string (out, label->box, -1);
      else
        g_string_append (out, "null");
      g_string_append_c (out, '}');
    }
  g_string_append (out, "], \"arrows\": [");
  for (guint i = 0; i < figure->arrows->len; i++)
    {
      const HeapglassFigureArrow *arrow = &g_array_index (figure->arrows, HeapglassFigureArrow, i);

      g_string_append (out, i ? ", {\"from\": " : "{\"from\": ");
      heapglass_json_append_string (out, arrow->from, -1);
      g_string_append (out, ", \"to\": ");
      heapglass_json_append_string (out, arrow->to, -1);
      g_string_append_printf (out, ", \"kind\": \"%s\", \"points\": [",
                              arrow->weak ? "weak" : "ref");
      for (guint p = 0; p < arrow->n_points; p++)
        {
          g_string_append (out, p ? ", [" : "[");
          append_number (out, arrow->points[2 * p]);
          g_string_append (out, ", ");
          append_number (out, arrow->points[2 * p + 1]);
          g_string_append_c (out, ']');
        }
      g_string_append (out, "]}");
    }
  g_string_append (out, "]}");
}
