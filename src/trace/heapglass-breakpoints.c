/* heapglass-breakpoints.c: a set of lines and the search for their hits in a recorded trace.
 * Nothing is stopped while tracing: the run is already recorded, so Continue is a scan. */
#include "config.h"

#include <stdlib.h>

#include "heapglass-breakpoints.h"

struct _HeapglassBreakpoints
{
  GObject parent_instance;
  GHashTable *lines; /* line → line */
};

G_DEFINE_FINAL_TYPE (HeapglassBreakpoints, heapglass_breakpoints, G_TYPE_OBJECT)

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
heapglass_breakpoints_finalize (GObject *object)
{
  HeapglassBreakpoints *self = HEAPGLASS_BREAKPOINTS (object);

  g_hash_table_unref (self->lines);
  G_OBJECT_CLASS (heapglass_breakpoints_parent_class)->finalize (object);
}

static void
heapglass_breakpoints_class_init (HeapglassBreakpointsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = heapglass_breakpoints_finalize;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
heapglass_breakpoints_init (HeapglassBreakpoints *self)
{
  self->lines = g_hash_table_new (NULL, NULL);
}

HeapglassBreakpoints *
heapglass_breakpoints_new (void)
{
  return g_object_new (HEAPGLASS_TYPE_BREAKPOINTS, NULL);
}

void
heapglass_breakpoints_add (HeapglassBreakpoints *self, guint line)
{
  g_return_if_fail (HEAPGLASS_IS_BREAKPOINTS (self));
  g_return_if_fail (line > 0);
  if (g_hash_table_add (self->lines, GUINT_TO_POINTER (line)))
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
heapglass_breakpoints_remove (HeapglassBreakpoints *self, guint line)
{
  g_return_if_fail (HEAPGLASS_IS_BREAKPOINTS (self));
  if (g_hash_table_remove (self->lines, GUINT_TO_POINTER (line)))
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

gboolean
heapglass_breakpoints_toggle (HeapglassBreakpoints *self, guint line)
{
  g_return_val_if_fail (HEAPGLASS_IS_BREAKPOINTS (self), FALSE);
  g_return_val_if_fail (line > 0, FALSE);
  if (g_hash_table_remove (self->lines, GUINT_TO_POINTER (line)))
    {
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
      return FALSE;
    }
  heapglass_breakpoints_add (self, line);
  return TRUE;
}

void
heapglass_breakpoints_clear (HeapglassBreakpoints *self)
{
  g_return_if_fail (HEAPGLASS_IS_BREAKPOINTS (self));
  if (g_hash_table_size (self->lines) == 0)
    return;
  g_hash_table_remove_all (self->lines);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

gboolean
heapglass_breakpoints_contains (HeapglassBreakpoints *self, guint line)
{
  g_return_val_if_fail (HEAPGLASS_IS_BREAKPOINTS (self), FALSE);
  return g_hash_table_contains (self->lines, GUINT_TO_POINTER (line));
}

guint
heapglass_breakpoints_get_n_lines (HeapglassBreakpoints *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_BREAKPOINTS (self), 0);
  return g_hash_table_size (self->lines);
}

static int
compare_uint (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *)a, y = *(const guint *)b;
  return x < y ? -1 : x > y;
}

guint *
heapglass_breakpoints_get_lines (HeapglassBreakpoints *self, guint *n_lines)
{
  GHashTableIter iter;
  gpointer key;
  guint *lines, n = 0;

  g_return_val_if_fail (HEAPGLASS_IS_BREAKPOINTS (self), NULL);
  g_return_val_if_fail (n_lines != NULL, NULL);

  lines = g_new (guint, g_hash_table_size (self->lines) + 1);
  g_hash_table_iter_init (&iter, self->lines);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    lines[n++] = GPOINTER_TO_UINT (key);
  qsort (lines, n, sizeof (guint), compare_uint);
  *n_lines = n;
  return lines;
}

static gboolean
hits (HeapglassBreakpoints *self, HeapglassTrace *trace, guint step)
{
  return g_hash_table_contains (self->lines,
                                GUINT_TO_POINTER (heapglass_trace_get_step_line (trace, step)))
         && heapglass_trace_get_step_event (trace, step) == HEAPGLASS_EVENT_LINE;
}

guint
heapglass_breakpoints_find_next (HeapglassBreakpoints *self, HeapglassTrace *trace, guint from)
{
  guint n_steps;

  g_return_val_if_fail (HEAPGLASS_IS_BREAKPOINTS (self), 0);
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), 0);

  if (g_hash_table_size (self->lines) == 0)
    return 0;
  n_steps = heapglass_trace_get_n_steps (trace);
  for (guint s = from + 1; s <= n_steps; s++)
    if (hits (self, trace, s))
      return s;
  return 0;
}

guint
heapglass_breakpoints_find_previous (HeapglassBreakpoints *self, HeapglassTrace *trace, guint from)
{
  g_return_val_if_fail (HEAPGLASS_IS_BREAKPOINTS (self), 0);
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), 0);

  if (g_hash_table_size (self->lines) == 0)
    return 0;
  for (guint s = MIN (from, heapglass_trace_get_n_steps (trace) + 1); s > 1; s--)
    if (hits (self, trace, s - 1))
      return s - 1;
  return 0;
}
