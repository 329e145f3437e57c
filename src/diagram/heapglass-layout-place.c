/* heapglass-layout-place.c: where frames and objects go. The stack is a column on the left; each
 * object sits in the heap column right of whatever first refers to it at this step, level with
 * that reference, siblings in index order, a linked list's next node level with the node (a
 * chain reads left to right). Positions depend only on the step's reference structure, so an
 * object keeps its place while its referrers keep theirs. */
#include "heapglass-layout-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

gboolean
_heapglass_layout_frame_returns (const HeapglassSnapshot *snapshot, guint index)
{
  /* The script's top level "returns" None when it ends: nothing a reader asked for. */
  return snapshot->event == HEAPGLASS_EVENT_RETURN && snapshot->return_value != 0
         && index + 1 == snapshot->n_frames
         && g_strcmp0 (snapshot->frames[index].function, "<module>") != 0;
}

char *
_heapglass_layout_exception_text (const HeapglassFrameView *frame)
{
  if (frame->exception_message == NULL || frame->exception_message[0] == '\0')
    return g_strdup (frame->exception_type);
  return g_strdup_printf ("%s: %s", frame->exception_type, frame->exception_message);
}

static double
frame_height (const HeapglassSnapshot *snapshot, guint index)
{
  const HeapglassFrameView *frame = &snapshot->frames[index];
  double h = FRAME_HEAD_H + frame->n_bindings * ROW_H + FRAME_PAD;

  /* A returning frame shows what it returns, in a row of its own under its names. */
  if (_heapglass_layout_frame_returns (snapshot, index))
    h += ROW_H;
  if (frame->exception_type)
    {
      /* the note's lines, wrapped as the renderer wraps them */
      g_autofree char *text = _heapglass_layout_exception_text (frame);
      g_auto (GStrv) lines = heapglass_scene_wrap_note (text, HEAPGLASS_SCENE_NOTE_CHARS,
                                                        HEAPGLASS_SCENE_NOTE_MAX_LINES);

      h += heapglass_scene_note_height (g_strv_length (lines));
    }
  return h;
}

/* Which frames are shown: outermost at the top. A snapshot may already lack the middle of a deep
 * stack (heapglass_trace_snapshot_limited()); the marker counts those frames too. Heights only:
 * where each one goes depends on the objects beside the frames above it. */
static void
choose_frames (HeapglassLayout *self, const HeapglassSnapshot *snapshot)
{
  GArray *boxes = self->frames;
  guint n = snapshot->n_frames;
  guint head_avail = snapshot->n_frames_hidden > 0 ? MIN (snapshot->n_frames_head, n) : n;
  guint tail_avail = n - head_avail;
  guint head = head_avail, tail = tail_avail, hidden = snapshot->n_frames_hidden;

  g_array_set_size (boxes, 0);
  if (hidden > 0 || n > self->max_frames + self->extra_frames)
    {
      guint want_tail = self->max_frames - self->max_frames / 2;
      guint want_head = self->max_frames / 2 + self->extra_frames;

      if (hidden == 0)
        {
          /* a full snapshot: split it ourselves */
          head_avail = n - want_tail;
          tail_avail = want_tail;
        }
      head = MIN (head_avail, want_head);
      tail = MIN (tail_avail, want_tail);
      hidden += (head_avail - head) + (tail_avail - tail);
    }

  for (guint i = 0; i < head; i++)
    {
      FrameBox box = { i, 0, frame_height (snapshot, i), 0 };

      g_array_append_val (boxes, box);
    }
  if (hidden > 0)
    {
      FrameBox marker = { G_MAXUINT, 0, MARKER_H, hidden };

      g_array_append_val (boxes, marker);
    }
  for (guint i = n - tail; i < n; i++)
    {
      FrameBox box = { i, 0, frame_height (snapshot, i), 0 };

      g_array_append_val (boxes, box);
    }
}

void
_heapglass_layout_name_slot_rect (const FrameBox *box, guint binding, const char *inline_text,
                                  double *x, double *y, double *w, double *h)
{
  *w = inline_text ? MIN (
           MAX (NAME_SLOT_W, _heapglass_layout_text_width (inline_text, CHAR_W) + 2 * PAD), 112)
                   : NAME_SLOT_W;
  *h = NAME_SLOT_H;
  *x = MARGIN + FRAME_W - 10 - *w;
  *y = box->y + FRAME_HEAD_H + binding * ROW_H + (ROW_H - NAME_SLOT_H) / 2;
}

/* ---------------------------------------------------------------------------------------------- */
/* Discovery: breadth first from each frame's names, so every object belongs to the first frame
 * (outermost first) that reaches it and sits one column right of its first referrer. */

static guint
discover (HeapglassLayout *self, guint64 oid, guint parent, double anchor_y, gboolean chain)
{
  const HeapglassObjectView *obj = _heapglass_layout_lookup (self, oid);
  Node node = { 0 };

  if (obj == NULL || obj->freed || g_hash_table_contains (self->node_of, &obj->oid))
    return NO_NODE;
  if (_heapglass_layout_is_inline (self, obj))
    return NO_NODE;
  node.obj = obj;
  node.parent = parent;
  node.column = parent == NO_NODE ? 1 : g_array_index (self->nodes, Node, parent).column + 1;
  node.anchor_y = anchor_y;
  node.chain = chain;
  node.order = self->nodes->len;
  g_array_append_val (self->nodes, node);
  g_hash_table_insert (self->node_of, (gpointer)&obj->oid, GUINT_TO_POINTER (self->nodes->len));
  return self->nodes->len - 1;
}

/* A node's own chain continuation: the one reference to an instance of its own class (a linked
 * list's `next`). A binary tree's node has two, so it is drawn as a tree instead. */
static guint64
chain_target (HeapglassLayout *self, const Node *node)
{
  const HeapglassObjectView *obj = node->obj;
  guint64 found = 0;

  if (obj->kind != HG_KIND_INSTANCE)
    return 0;
  for (guint i = 0; i < self->cells->len; i++)
    {
      const Cell *cell = &g_array_index (self->cells, Cell, i);
      const HeapglassObjectView *target = _heapglass_layout_lookup (self, cell->target);

      if (target == NULL || target->kind != HG_KIND_INSTANCE
          || g_strcmp0 (target->type_name, obj->type_name) != 0)
        continue;
      if (found != 0)
        return 0;
      found = cell->target;
    }
  return found;
}

/* Walks the queue from `first` on, sizing each node and discovering what its cells refer to. */
static void
expand_from (HeapglassLayout *self, guint first)
{
  for (guint q = first; q < self->nodes->len; q++)
    {
      Node *node = &g_array_index (self->nodes, Node, q);
      Geometry geom;
      guint64 chain;

      _heapglass_layout_object_geometry (self, node->obj, &geom);
      node->w = geom.w;
      node->h = geom.h;
      g_free (geom.value);
      chain = chain_target (self, node);
      for (guint c = 0; c < self->cells->len; c++)
        {
          const Cell *cell = &g_array_index (self->cells, Cell, c);
          double ax, ay;

          if (cell->target == 0)
            continue;
          _heapglass_layout_cell_anchor (cell, &ax, &ay);
          /* `node` may move when the array grows: discover() only appends. */
          discover (self, cell->target, q, ay, cell->target == chain);
        }
      g_array_set_size (self->cells, 0);
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* Packing: a column at a time, each object as close as it can get to level with its reference
 * and never above the objects already in its column. */

typedef struct
{
  guint node;
  double want;
} Want;

static int
compare_want (gconstpointer a, gconstpointer b)
{
  const Want *wa = a, *wb = b;

  if (wa->want != wb->want)
    return wa->want < wb->want ? -1 : 1;
  return wa->node < wb->node ? -1 : wa->node > wb->node;
}

static double *
floor_of (GArray *floors, guint column)
{
  while (floors->len <= column)
    {
      double top = MARGIN + HEADING_H;

      g_array_append_val (floors, top);
    }
  return &g_array_index (floors, double, column);
}

/* Packs nodes [first, last) (breadth first, so their columns never decrease). */
static void
pack_nodes (HeapglassLayout *self, guint first, guint last, GArray *floors, double band_top)
{
  g_autoptr (GArray) wants = g_array_new (FALSE, FALSE, sizeof (Want));
  guint start = first;

  while (start < last)
    {
      guint column = g_array_index (self->nodes, Node, start).column, end = start;
      double *floor;

      g_array_set_size (wants, 0);
      while (end < last && g_array_index (self->nodes, Node, end).column == column)
        {
          const Node *node = &g_array_index (self->nodes, Node, end);
          Want want = { end, band_top };

          if (node->parent == NO_NODE)
            want.want = node->anchor_y - _heapglass_layout_entry_dy (node);
          else
            {
              const Node *parent = &g_array_index (self->nodes, Node, node->parent);

              want.want = node->chain
                              ? parent->y
                              : parent->y + node->anchor_y - _heapglass_layout_entry_dy (node);
            }
          want.want = MAX (want.want, band_top);
          g_array_append_val (wants, want);
          end++;
        }
      g_array_sort (wants, compare_want);
      floor = floor_of (floors, column);
      for (guint i = 0; i < wants->len; i++)
        {
          const Want *want = &g_array_index (wants, Want, i);
          Node *node = &g_array_index (self->nodes, Node, want->node);

          node->x = g_array_index (self->col_x, double, column);
          node->y = MAX (want->want, *floor);
          *floor = node->y + node->h + VGAP;
        }
      start = end;
    }
}

static void
add_extra (HeapglassLayout *self, double x, double y, double w, double h, char *text, gboolean note,
           guint box)
{
  Extra extra = { x, y, w, h, text, note, box };

  g_array_append_val (self->extras, extra);
}

static void
add_heading (HeapglassLayout *self, double x, double y, const char *text)
{
  add_extra (self, x, y, _heapglass_layout_text_width (text, HEADING_CHAR_W) + 4, HEADING_H - 8,
             g_strdup (text), FALSE, NO_NODE);
}

/* Columns: the stack, then one per distance from the stack, each as wide as its widest box. */
static void
place_columns (HeapglassLayout *self)
{
  double x = MARGIN;

  g_array_set_size (self->col_w, 1);
  g_array_index (self->col_w, double, 0) = FRAME_W;
  for (guint i = 0; i < self->nodes->len; i++)
    {
      const Node *node = &g_array_index (self->nodes, Node, i);

      if (self->col_w->len <= node->column)
        {
          guint old = self->col_w->len;

          g_array_set_size (self->col_w, node->column + 1);
          for (guint c = old; c <= node->column; c++)
            g_array_index (self->col_w, double, c) = 0;
        }
      g_array_index (self->col_w, double, node->column)
          = MAX (g_array_index (self->col_w, double, node->column), node->w);
    }
  g_array_set_size (self->col_x, self->col_w->len + 1);
  for (guint c = 0; c < self->col_w->len; c++)
    {
      g_array_index (self->col_x, double, c) = x;
      x += g_array_index (self->col_w, double, c) + (c == 0 ? STACK_CHANNEL : CHANNEL);
    }
  /* One past the last column: where ghosts and the library's objects may still start. */
  g_array_index (self->col_x, double, self->col_w->len) = x;
}

/* The step's ghosts: what it freed that was drawn before it, a few of them. */
static void
place_ghosts (HeapglassLayout *self, const HeapglassSnapshot *snapshot, double top)
{
  double x = g_array_index (self->col_x, double, 1);
  guint drawn = 0, freed = 0;

  /* Two passes: what names held, then what those objects held. */
  for (guint i = 0; i < 2 * snapshot->n_objects; i++)
    {
      const HeapglassObjectView *obj = &snapshot->objects[i % snapshot->n_objects];
      guint rank = self->was_shown
                       ? GPOINTER_TO_UINT (g_hash_table_lookup (self->was_shown, &obj->oid))
                       : 1;
      Node node = { 0 };
      Geometry geom;

      if (!obj->freed || rank != (i < snapshot->n_objects ? 1u : 2u))
        continue;
      freed++;
      if (drawn >= MAX_GHOSTS)
        continue;
      _heapglass_layout_object_geometry (self, obj, &geom);
      g_array_set_size (self->cells, 0);
      g_free (geom.value);
      node.obj = obj;
      node.ghost = TRUE;
      node.parent = NO_NODE;
      node.column = G_MAXUINT;
      node.w = MAX (geom.w, _heapglass_layout_text_width (obj->type_name, SMALL_CHAR_W)
                                + _heapglass_layout_text_width (_ ("freed"), SMALL_CHAR_W) + 14);
      node.h = geom.h;
      node.x = x;
      node.y = top;
      node.order = self->nodes->len;
      x += node.w + 2 * PAD;
      g_array_append_val (self->nodes, node);
      g_hash_table_insert (self->node_of, (gpointer)&obj->oid, GUINT_TO_POINTER (self->nodes->len));
      drawn++;
    }
  self->ghosts_hidden = freed - drawn;
  if (self->ghosts_hidden > 0)
    {
      g_autofree char *count = _heapglass_layout_format_count (self->ghosts_hidden);
      char *text = g_strdup_printf (_ ("… %s more freed"), count);

      add_extra (self, x, top + LABEL_H + 4, _heapglass_layout_text_width (text, SMALL_CHAR_W) + 8,
                 VALUE_H - 8, text, FALSE, NO_NODE);
    }
}

/* The last step says how the program ended, under the stack. */
static void
place_ending (HeapglassLayout *self, const HeapglassSnapshot *snapshot, double y)
{
  HeapglassTrace *trace = self->trace;
  char *text;

  if (trace == NULL || !heapglass_trace_is_complete (trace)
      || snapshot->step != heapglass_trace_get_n_steps (trace))
    return;
  switch (heapglass_trace_get_ending (trace))
    {
    case HG_END_FINISHED:
      text = g_strdup (_ ("Program finished"));
      break;
    case HG_END_EXCEPTION:
      text = g_strdup_printf (_ ("Ended with %s"), heapglass_trace_get_exception_type (trace)
                                                       ? heapglass_trace_get_exception_type (trace)
                                                       : _ ("an exception"));
      break;
    case HG_END_EXIT:
      text = g_strdup_printf (_ ("Ended with exit status %d"),
                              heapglass_trace_get_exit_status (trace));
      break;
    default:
      /* Translators: how a run stopped early ("step-limit", "crashed", …). */
      text = g_strdup_printf (_ ("Stopped: %s"),
                              heapglass_ending_to_string (heapglass_trace_get_ending (trace)));
      break;
    }
  add_extra (self, MARGIN, y, FRAME_W, NOTE_H, text, TRUE, NO_NODE);
}

/* Everything the program's names reach through any reference, shown or not (an item hidden
 * under "… N more" is still the program's). */
static GHashTable *
reached_by_names (HeapglassLayout *self, const HeapglassSnapshot *snapshot)
{
  GHashTable *reached = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GPtrArray) queue = g_ptr_array_new ();

  for (guint f = 0; f < snapshot->n_frames; f++)
    for (guint b = 0; b < snapshot->frames[f].n_bindings; b++)
      {
        const HeapglassObjectView *obj
            = _heapglass_layout_lookup (self, snapshot->frames[f].oids[b]);

        if (obj && g_hash_table_add (reached, (gpointer)&obj->oid))
          g_ptr_array_add (queue, (gpointer)obj);
      }
  for (guint q = 0; q < queue->len; q++)
    {
      const HeapglassObjectView *obj = queue->pdata[q];
      guint n_refs = (obj->kind == HG_KIND_DICT ? 2 * obj->n_items : obj->n_items);

      for (guint i = 0; i < n_refs + obj->n_attrs + 1; i++)
        {
          guint64 oid = i < n_refs                  ? obj->items[i]
                        : i < n_refs + obj->n_attrs ? obj->attr_oids[i - n_refs]
                                                    : obj->referent;
          const HeapglassObjectView *next = _heapglass_layout_lookup (self, oid);

          if (next && g_hash_table_add (reached, (gpointer)&next->oid))
            g_ptr_array_add (queue, (gpointer)next);
        }
    }
  return reached;
}

/* Objects that only the library holds (in the snapshot, not reached from any name), when asked:
 * under everything else, a few trees of them. */
static void
place_unreachable (HeapglassLayout *self, const HeapglassSnapshot *snapshot, GArray *floors,
                   double top)
{
  g_autoptr (GHashTable) reached = reached_by_names (self, snapshot);
  guint first = self->nodes->len, roots = 0, more = 0;

  for (guint i = 0; i < snapshot->n_objects; i++)
    {
      const HeapglassObjectView *obj = &snapshot->objects[i];

      if (!obj->freed && !g_hash_table_contains (self->node_of, &obj->oid)
          && !g_hash_table_contains (reached, &obj->oid))
        {
          guint index;

          if (roots >= MAX_LIBRARY_ROOTS)
            {
              more++;
              continue;
            }
          index = discover (self, obj->oid, NO_NODE, 0, FALSE);
          if (index != NO_NODE)
            {
              expand_from (self, index);
              roots++;
            }
        }
    }
  if (self->nodes->len == first)
    return;
  if (more > 0)
    {
      g_autofree char *count = _heapglass_layout_format_count (more);
      char *text = g_strdup_printf (_ ("… and %s more"), count);

      add_extra (self, MARGIN, top + HEADING_H,
                 _heapglass_layout_text_width (text, SMALL_CHAR_W) + 8, HEADING_H - 8, text, FALSE,
                 NO_NODE);
    }
  for (guint i = first; i < self->nodes->len; i++)
    g_array_index (self->nodes, Node, i).anchor_y = top + HEADING_H;
  place_columns (self);
  /* The heading goes in the stack column, where no arrow passes. */
  add_heading (self, MARGIN, top, _ ("Held by library code"));
  floor_of (floors, self->col_w->len - 1);
  for (guint c = 0; c < floors->len; c++)
    g_array_index (floors, double, c) = MAX (g_array_index (floors, double, c), top + HEADING_H);
  /* Roots were discovered one tree at a time: sort them by column for packing. */
  {
    g_autoptr (GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));

    for (guint c = 1; c < self->col_w->len; c++)
      for (guint i = first; i < self->nodes->len; i++)
        if (g_array_index (self->nodes, Node, i).column == c)
          g_array_append_val (order, i);
    for (guint k = 0; k < order->len; k++)
      {
        guint i = g_array_index (order, guint, k);
        const Node *node = &g_array_index (self->nodes, Node, i);
        double *floor = floor_of (floors, node->column);
        Node *n = &g_array_index (self->nodes, Node, i);

        n->x = g_array_index (self->col_x, double, node->column);
        if (node->parent != NO_NODE)
          n->y = MAX (*floor, g_array_index (self->nodes, Node, node->parent).y + node->anchor_y
                                  - _heapglass_layout_entry_dy (node));
        else
          n->y = *floor;
        *floor = n->y + n->h + VGAP;
      }
  }
}

void
_heapglass_layout_place (HeapglassLayout *self, const HeapglassSnapshot *snapshot)
{
  g_autoptr (GArray) floors = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) band_end = g_array_new (FALSE, FALSE, sizeof (guint));
  double frame_y = MARGIN + HEADING_H, bottom = 0;

  g_array_set_size (self->nodes, 0);
  g_array_set_size (self->extras, 0);
  g_hash_table_remove_all (self->node_of);
  self->ghosts_hidden = 0;
  choose_frames (self, snapshot);

  /* Every frame's objects, breadth first, frame by frame (anchors relative to the frame). */
  for (guint f = 0; f < self->frames->len; f++)
    {
      const FrameBox *box = &g_array_index (self->frames, FrameBox, f);
      guint first = self->nodes->len;

      if (box->index != G_MAXUINT)
        {
          const HeapglassFrameView *frame = &snapshot->frames[box->index];

          for (guint b = 0; b < frame->n_bindings; b++)
            discover (self, frame->oids[b], NO_NODE, FRAME_HEAD_H + b * ROW_H + ROW_H / 2, FALSE);
          if (_heapglass_layout_frame_returns (snapshot, box->index))
            discover (self, snapshot->return_value, NO_NODE,
                      FRAME_HEAD_H + frame->n_bindings * ROW_H + ROW_H / 2, FALSE);
        }
      expand_from (self, first);
      g_array_append_val (band_end, self->nodes->len);
    }
  place_columns (self);

  /* Frame by frame: the frame goes under the one above, lower if its first object could not
   * be level with it otherwise (so a frame's objects are beside it), then its objects. */
  for (guint f = 0; f < self->frames->len; f++)
    {
      FrameBox *box = &g_array_index (self->frames, FrameBox, f);
      guint first = f == 0 ? 0 : g_array_index (band_end, guint, f - 1);
      guint last = g_array_index (band_end, guint, f);

      if (first < last)
        {
          const Node *node = &g_array_index (self->nodes, Node, first);
          double level
              = *floor_of (floors, 1) - (node->anchor_y - _heapglass_layout_entry_dy (node));

          if (node->column == 1 && node->parent == NO_NODE)
            frame_y = MAX (frame_y, level);
        }
      box->y = frame_y;
      for (guint i = first; i < last; i++)
        {
          Node *node = &g_array_index (self->nodes, Node, i);

          if (node->parent == NO_NODE)
            node->anchor_y += box->y;
        }
      pack_nodes (self, first, last, floors, box->y);
      frame_y = box->y + box->h + FRAME_GAP;
    }

  if (self->frames->len > 0)
    add_heading (self, MARGIN, MARGIN, _ ("Stack"));
  if (self->nodes->len > 0)
    add_heading (self, g_array_index (self->col_x, double, 1), MARGIN, _ ("Heap"));

  for (guint c = 1; c < floors->len; c++)
    bottom = MAX (bottom, g_array_index (floors, double, c));
  /* floors are a VGAP below the lowest box: half of it is the corridor under everything. */
  self->heap_bottom = bottom > 0 ? bottom - VGAP / 2 : MARGIN + HEADING_H;
  if (self->show_library)
    {
      place_unreachable (self, snapshot, floors, MAX (bottom, frame_y + NOTE_H) + VGAP);
      /* Its columns may be wider: every column's objects follow their column. */
      for (guint i = 0; i < self->nodes->len; i++)
        {
          Node *node = &g_array_index (self->nodes, Node, i);

          node->x = g_array_index (self->col_x, double, node->column);
        }
      for (guint c = 1; c < floors->len; c++)
        bottom = MAX (bottom, g_array_index (floors, double, c));
    }
  place_ghosts (self, snapshot, MAX (bottom, MARGIN + HEADING_H) + VGAP);
  place_ending (self, snapshot, frame_y);
}
