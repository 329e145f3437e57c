/* heapglass-layout-route.c: arrows as orthogonal paths that never cross a box or a label. The
 * gaps between columns (channels) hold no box, so an arrow turns only there: it leaves its cell
 * to the right, runs along its channel to a height that is free across every column it has to
 * pass (a corridor), crosses, and comes down the channel left of its target into the one entry
 * point every reference to that object shares. */
#include "heapglass-layout-private.h"

#include <math.h>
#include <stdlib.h>

#define CLEARANCE 3.0 /* a corridor keeps this far from any box */

/* Is height y clear of every box of column c (binary search of the column's nodes by y)? */
static gboolean
column_free_at (HeapglassLayout *self, guint c, double y)
{
  GArray *column;
  guint lo = 0, hi;

  if (c == 0 || c >= self->col_nodes->len)
    return TRUE;
  column = g_ptr_array_index (self->col_nodes, c);
  hi = column->len;
  /* The first node whose bottom is below y - CLEARANCE. */
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      const Node *node = &g_array_index (self->nodes, Node, g_array_index (column, guint, mid));

      if (node->y + node->h + CLEARANCE <= y)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == column->len)
    return TRUE;
  {
    const Node *node = &g_array_index (self->nodes, Node, g_array_index (column, guint, lo));

    return y <= node->y - CLEARANCE;
  }
}

static gboolean
corridor_free (HeapglassLayout *self, guint c0, guint c1, double y)
{
  for (guint c = c0; c <= c1; c++)
    if (!column_free_at (self, c, y))
      return FALSE;
  return TRUE;
}

static double
corridor_cost (double y, double sy, double ey)
{
  return fabs (y - sy) + fabs (y - ey);
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

#define NEIGHBOURS 12 /* gaps looked at on each side of the ends, per column */

/* A height free across columns c0 … c1, as near the two ends as possible: the ends' own heights,
 * else the gaps between the boxes of those columns near them (tried cheapest first), else the
 * corridor under every live object, which is always free. */
static double
find_corridor (HeapglassLayout *self, guint c0, guint c1, double sy, double ey)
{
  g_autoptr (GArray) tries = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) costs = g_array_new (FALSE, FALSE, sizeof (double) * 2);
  double mid = (sy + ey) / 2;

  g_array_append_val (tries, ey);
  g_array_append_val (tries, sy);
  for (guint c = c0; c <= c1 && c < self->col_nodes->len; c++)
    {
      GArray *column = g_ptr_array_index (self->col_nodes, c);
      guint lo = 0, hi = column->len;

      while (lo < hi)
        {
          guint m = (lo + hi) / 2;
          const Node *node = &g_array_index (self->nodes, Node, g_array_index (column, guint, m));

          if (node->y < mid)
            lo = m + 1;
          else
            hi = m;
        }
      for (guint k = lo > NEIGHBOURS ? lo - NEIGHBOURS : 0; k < MIN (lo + NEIGHBOURS, column->len);
           k++)
        {
          const Node *node = &g_array_index (self->nodes, Node, g_array_index (column, guint, k));
          double above = node->y - VGAP / 2, below = node->y + node->h + VGAP / 2;

          g_array_append_val (tries, above);
          g_array_append_val (tries, below);
        }
    }
  for (guint t = 0; t < tries->len; t++)
    {
      double pair[2] = { corridor_cost (g_array_index (tries, double, t), sy, ey),
                         g_array_index (tries, double, t) };

      g_array_append_vals (costs, pair, 1);
    }
  g_array_sort (costs, compare_double);
  for (guint t = 0; t < costs->len; t++)
    {
      double y = ((double *)(gpointer)costs->data)[2 * t + 1];

      if (((double *)(gpointer)costs->data)[2 * t] >= corridor_cost (self->heap_bottom, sy, ey))
        break;
      if (y > MARGIN + HEADING_H - VGAP && corridor_free (self, c0, c1, y))
        return y;
    }
  return self->heap_bottom;
}

/* Lanes: every object's arrows share one vertical line per channel (they merge before they
 * reach it), and the lines are ordered so that a fan of arrows does not cross itself: going
 * down, the higher the source the further right it turns; going up, the lower. */
static int
compare_lane_key (gconstpointer a, gconstpointer b)
{
  const Lane *la = a, *lb = b;

  if (la->channel != lb->channel)
    return la->channel < lb->channel ? -1 : 1;
  return la->target < lb->target ? -1 : la->target > lb->target;
}

static int
compare_lane_order (gconstpointer a, gconstpointer b)
{
  const Lane *la = a, *lb = b;
  gboolean down_a = la->ey >= la->sy, down_b = lb->ey >= lb->sy;

  /* Arrows going up turn right of those going down: an up arrow often ends level with where a
   * down arrow starts (entries are level with rows), and then their horizontal runs would lie
   * on each other. */
  if (down_a != down_b)
    return down_a ? 1 : -1;
  if (la->sy != lb->sy)
    return (la->sy < lb->sy) == down_a ? -1 : 1;
  return la->target < lb->target ? -1 : la->target > lb->target;
}

static double
channel_start (HeapglassLayout *self, guint c)
{
  return g_array_index (self->col_x, double, c) + g_array_index (self->col_w, double, c);
}

void
_heapglass_layout_lanes_begin (HeapglassLayout *self)
{
  g_array_set_size (self->lanes, 0);
  g_hash_table_remove_all (self->lane_x);
}

void
_heapglass_layout_lanes_add (HeapglassLayout *self, double sy, guint source_column, guint target)
{
  const Node *node = &g_array_index (self->nodes, Node, target);
  double ey = node->y + _heapglass_layout_entry_dy (node);
  Lane lane = { node->column - 1, target, sy, ey, 1 };

  g_array_append_val (self->lanes, lane);
  if (source_column + 1 != node->column)
    {
      lane.channel = source_column;
      g_array_append_val (self->lanes, lane);
    }
}

void
_heapglass_layout_lanes_assign (HeapglassLayout *self)
{
  GArray *lanes = self->lanes;
  guint n = 0;

  if (lanes->len == 0)
    return;
  /* One lane per channel and target: its sources' mean height stands for them. */
  g_array_sort (lanes, compare_lane_key);
  for (guint i = 0; i < lanes->len; i++)
    {
      Lane *lane = &g_array_index (lanes, Lane, i);
      Lane *last = n > 0 ? &g_array_index (lanes, Lane, n - 1) : NULL;

      if (last && last->channel == lane->channel && last->target == lane->target)
        {
          last->sy = (last->sy * last->count + lane->sy) / (last->count + 1);
          last->count++;
          continue;
        }
      g_array_index (lanes, Lane, n++) = *lane;
    }
  g_array_set_size (lanes, n);
  for (guint start = 0; start < n;)
    {
      guint end = start, c = g_array_index (lanes, Lane, start).channel;
      double width = c == 0 ? STACK_CHANNEL : CHANNEL;
      double right = channel_start (self, c) + width - 10, spacing;

      while (end < n && g_array_index (lanes, Lane, end).channel == c)
        end++;
      qsort (&g_array_index (lanes, Lane, start), end - start, sizeof (Lane), compare_lane_order);
      spacing = MIN (LANE_W, (width - 20) / MAX (end - start - 1, 1));
      for (guint k = start; k < end; k++)
        {
          Lane *lane = &g_array_index (lanes, Lane, k);

          lane->sy = right - (k - start) * spacing; /* from here on: the lane's x */
          g_hash_table_insert (self->lane_x,
                               GSIZE_TO_POINTER (((gsize)lane->channel << 32) | lane->target),
                               GUINT_TO_POINTER (k + 1));
        }
      start = end;
    }
}

/* The x of the lane an arrow to `target` takes in the channel right of column c. */
static double
lane_x (HeapglassLayout *self, guint c, guint target)
{
  guint k = GPOINTER_TO_UINT (
      g_hash_table_lookup (self->lane_x, GSIZE_TO_POINTER (((gsize)c << 32) | target)));

  if (k == 0)
    return channel_start (self, c) + 10;
  return g_array_index (self->lanes, Lane, k - 1).sy;
}

static guint
push_point (double *points, guint n, double x, double y)
{
  if (n > 0 && fabs (points[2 * n - 2] - x) < 0.01 && fabs (points[2 * n - 1] - y) < 0.01)
    return n;
  /* Three in a line: the middle one is no corner. */
  if (n > 1)
    {
      double px = points[2 * n - 4], py = points[2 * n - 3];
      double qx = points[2 * n - 2], qy = points[2 * n - 1];

      if ((fabs (px - qx) < 0.01 && fabs (qx - x) < 0.01)
          || (fabs (py - qy) < 0.01 && fabs (qy - y) < 0.01))
        n--;
    }
  points[2 * n] = x;
  points[2 * n + 1] = y;
  return n + 1;
}

guint
_heapglass_layout_route (HeapglassLayout *self, double sx, double sy, guint source_column,
                         guint target, double *points)
{
  const Node *node = &g_array_index (self->nodes, Node, target);
  double ex = node->x, ey = node->y + _heapglass_layout_entry_dy (node);
  guint ct = node->column, cs = source_column, n = 0;
  double l1 = lane_x (self, cs, target), l2 = lane_x (self, ct - 1, target), yc;

  n = push_point (points, n, sx, sy);
  if (ct == cs + 1)
    {
      /* Next column: along the channel between them. */
      n = push_point (points, n, l1, sy);
      n = push_point (points, n, l1, ey);
    }
  else
    {
      /* Further right: cross the columns between; back (or into its own column): cross the
       * columns from the target's to the source's and come back down the target's channel. */
      guint c0 = ct > cs ? cs + 1 : ct, c1 = ct > cs ? ct - 1 : cs;

      yc = find_corridor (self, c0, c1, sy, ey);
      n = push_point (points, n, l1, sy);
      n = push_point (points, n, l1, yc);
      n = push_point (points, n, l2, yc);
      n = push_point (points, n, l2, ey);
    }
  n = push_point (points, n, ex, ey);
  return n;
}
