/* figure-quality.h: measures how readable one step's figure is: boxes that overlap, arrows that
 * cross a box or a label, references to one object that end at different points, labels that
 * overlap, and how much of the picture is empty. Shared by the layout-quality test and the
 * diagram benchmark. */
#pragma once

#include <math.h>

#include "heapglass-figure.h"

#define FQ_EPS 0.5 /* shapes may touch; they may not overlap by more than this */

typedef struct
{
  guint box_overlaps;
  guint arrow_crossings; /* arrow segments through a box (not its ends) or a label */
  guint split_entries;   /* objects whose arrows end at more than one point */
  guint label_overlaps;  /* labels over each other or over a box not their own */
  double area_ratio;     /* bounding box of boxes and labels / the boxes' area */
  GString *problems;     /* the first few problems, in words */
} FigureQuality;

static inline void fq_problem (FigureQuality *q, const char *format, ...) G_GNUC_PRINTF (2, 3);

static inline void
fq_problem (FigureQuality *q, const char *format, ...)
{
  va_list args;

  if (q->problems->len > 2000)
    return;
  va_start (args, format);
  g_string_append_vprintf (q->problems, format, args);
  va_end (args);
  g_string_append_c (q->problems, '\n');
}

static inline gboolean
fq_rects_overlap (double ax, double ay, double aw, double ah, double bx, double by, double bw,
                  double bh)
{
  return ax + FQ_EPS < bx + bw && bx + FQ_EPS < ax + aw && ay + FQ_EPS < by + bh
         && by + FQ_EPS < ay + ah;
}

/* Does the segment pass through the inside of the rectangle (shrunk by FQ_EPS)? Liang–Barsky. */
static inline gboolean
fq_segment_crosses (double x0, double y0, double x1, double y1, double rx, double ry, double rw,
                    double rh)
{
  double p[4], qq[4], t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
  double left = rx + FQ_EPS, right = rx + rw - FQ_EPS, top = ry + FQ_EPS, bottom = ry + rh - FQ_EPS;

  if (right <= left || bottom <= top)
    return FALSE;
  p[0] = -dx, qq[0] = x0 - left;
  p[1] = dx, qq[1] = right - x0;
  p[2] = -dy, qq[2] = y0 - top;
  p[3] = dy, qq[3] = bottom - y0;
  for (int i = 0; i < 4; i++)
    {
      if (p[i] == 0)
        {
          if (qq[i] <= 0)
            return FALSE;
          continue;
        }
      {
        double t = qq[i] / p[i];

        if (p[i] < 0)
          t0 = MAX (t0, t);
        else
          t1 = MIN (t1, t);
      }
    }
  return t0 < t1;
}

static inline void
figure_quality_measure (const HeapglassFigure *f, FigureQuality *q)
{
  double bx0 = G_MAXDOUBLE, by0 = G_MAXDOUBLE, bx1 = -G_MAXDOUBLE, by1 = -G_MAXDOUBLE, area = 0;
  g_autoptr (GHashTable) ends = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  memset (q, 0, sizeof *q);
  q->problems = g_string_new (NULL);

  for (guint i = 0; i < f->boxes->len; i++)
    {
      const HeapglassFigureBox *a = &g_array_index (f->boxes, HeapglassFigureBox, i);

      area += a->w * a->h;
      bx0 = MIN (bx0, a->x), by0 = MIN (by0, a->y);
      bx1 = MAX (bx1, a->x + a->w), by1 = MAX (by1, a->y + a->h);
      for (guint j = i + 1; j < f->boxes->len; j++)
        {
          const HeapglassFigureBox *b = &g_array_index (f->boxes, HeapglassFigureBox, j);

          if (fq_rects_overlap (a->x, a->y, a->w, a->h, b->x, b->y, b->w, b->h))
            {
              q->box_overlaps++;
              fq_problem (q, "step %u: boxes %s and %s overlap", f->step, a->id, b->id);
            }
        }
    }

  for (guint i = 0; i < f->labels->len; i++)
    {
      const HeapglassFigureLabel *a = &g_array_index (f->labels, HeapglassFigureLabel, i);

      bx0 = MIN (bx0, a->x), by0 = MIN (by0, a->y);
      bx1 = MAX (bx1, a->x + a->w), by1 = MAX (by1, a->y + a->h);
      for (guint j = i + 1; j < f->labels->len; j++)
        {
          const HeapglassFigureLabel *b = &g_array_index (f->labels, HeapglassFigureLabel, j);

          if (fq_rects_overlap (a->x, a->y, a->w, a->h, b->x, b->y, b->w, b->h))
            {
              q->label_overlaps++;
              fq_problem (q, "step %u: labels “%s” and “%s” overlap", f->step, a->text, b->text);
            }
        }
      for (guint j = 0; j < f->boxes->len; j++)
        {
          const HeapglassFigureBox *b = &g_array_index (f->boxes, HeapglassFigureBox, j);

          if (fq_rects_overlap (a->x, a->y, a->w, a->h, b->x, b->y, b->w, b->h))
            {
              q->label_overlaps++;
              fq_problem (q, "step %u: label “%s” is over box %s", f->step, a->text, b->id);
            }
        }
    }

  for (guint i = 0; i < f->arrows->len; i++)
    {
      const HeapglassFigureArrow *a = &g_array_index (f->arrows, HeapglassFigureArrow, i);
      double *end = g_hash_table_lookup (ends, a->to);
      double ex = a->points[2 * a->n_points - 2], ey = a->points[2 * a->n_points - 1];

      if (end == NULL)
        {
          end = g_new (double, 3);
          end[0] = ex, end[1] = ey, end[2] = 0;
          g_hash_table_insert (ends, a->to, end);
        }
      else if ((fabs (end[0] - ex) > 0.01 || fabs (end[1] - ey) > 0.01) && end[2] == 0)
        {
          end[2] = 1;
          q->split_entries++;
          fq_problem (q, "step %u: arrows into %s end at (%.1f, %.1f) and (%.1f, %.1f)", f->step,
                      a->to, end[0], end[1], ex, ey);
        }
      for (guint p = 1; p < a->n_points; p++)
        {
          double x0 = a->points[2 * p - 2], y0 = a->points[2 * p - 1];
          double x1 = a->points[2 * p], y1 = a->points[2 * p + 1];

          for (guint j = 0; j < f->boxes->len; j++)
            {
              const HeapglassFigureBox *b = &g_array_index (f->boxes, HeapglassFigureBox, j);

              if (g_str_equal (b->id, a->from) || g_str_equal (b->id, a->to))
                continue;
              if (fq_segment_crosses (x0, y0, x1, y1, b->x, b->y, b->w, b->h))
                {
                  q->arrow_crossings++;
                  fq_problem (q, "step %u: arrow %s → %s crosses box %s", f->step, a->from, a->to,
                              b->id);
                }
            }
          for (guint j = 0; j < f->labels->len; j++)
            {
              const HeapglassFigureLabel *b = &g_array_index (f->labels, HeapglassFigureLabel, j);

              if (fq_segment_crosses (x0, y0, x1, y1, b->x, b->y, b->w, b->h))
                {
                  q->arrow_crossings++;
                  fq_problem (q, "step %u: arrow %s → %s crosses label “%s”", f->step, a->from,
                              a->to, b->text);
                }
            }
        }
    }
  q->area_ratio = area > 0 ? (bx1 - bx0) * (by1 - by0) / area : 1;
}

static inline void
figure_quality_clear (FigureQuality *q)
{
  if (q->problems)
    g_string_free (q->problems, TRUE);
  q->problems = NULL;
}
