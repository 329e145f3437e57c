/* heapglass-layout.c: places frames and heap objects and builds each step's scene, keeping every
 * object where it was first put for its whole life. */
#include "heapglass-layout.h"
#include "heapglass-value-text.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

/* Geometry, in model units. Text is measured with fixed advances of the monospace font the
 * renderer uses (DejaVu Sans Mono: 0.602 em), so layout needs no font machinery and is fast. */
#define MARGIN 24.0
#define FRAME_W 232.0
#define FRAME_HEAD_H 28.0
#define ROW_H 26.0
#define FRAME_PAD 6.0
#define FRAME_GAP 12.0
#define EXC_H 24.0
#define MARKER_H 30.0
#define HEAP_X0 (MARGIN + FRAME_W + 96.0)
#define LABEL_H 16.0 /* the type-name band above an object's box */
#define SLOT_W 40.0
#define SLOT_H 30.0
#define NAME_SLOT_W 24.0
#define NAME_SLOT_H 20.0
#define VALUE_H 28.0
#define PAD 8.0
#define GAP 16.0          /* free space kept around every object */
#define WRAP_SLOTS 10     /* slots per row of an expanded sequence */
#define CHAR_W 7.83       /* 13-unit monospace */
#define SMALL_CHAR_W 6.63 /* 11-unit monospace */
#define MAX_VALUE_CHARS 24
#define INLINE_MAX_CHARS 12
#define PREPARE_SAMPLES 20000 /* snapshots prepare() takes at most per call */
#define CELL 128.0            /* spatial index cell */
#define FRAME_MARKER_STEP 100 /* frames a click on "… N frames …" reveals */
#define MAX_SPANS 4           /* runs of visibility remembered per object (closest ones merge) */

typedef struct
{
  guint64 oid;
  double x, y, w, h; /* reserved footprint (the largest box seen so far) */
  guint born, died;  /* first step shown; step after it was freed (G_MAXUINT: never) */
  HgKind kind;
  /* When the space is taken: the runs of steps [from, to) at which prepare() saw it shown (a
   * deep recursion's int is shown on the way down and again on the way up, and may share its
   * place with others in between), or for a first-sight placement the one run [born, died). */
  guint n_spans;
  struct
  {
    guint from, to;
  } spans[MAX_SPANS];
  gboolean placed;
  guint order; /* discovery order: placement order within one prepare */
  /* The first referrer: a frame name at an absolute anchor, or a slot of a container. */
  guint64 parent_oid;        /* 0: from a frame name */
  double anchor_x, anchor_y; /* frame: absolute slot centre; container: relative to its origin */
} Placement;

struct _HeapglassLayout
{
  GObject parent_instance;

  gboolean inline_values;
  guint max_slots;
  guint max_frames;
  guint extra_frames;
  GHashTable *expanded; /* oid (guint64 *) set */

  GHashTable *placements; /* oid → Placement * (owned) */
  GPtrArray *pending;     /* Placement * discovered by prepare, not yet placed */
  GHashTable *grid;       /* cell key → GPtrArray of Placement * */
  guint retire_before;    /* during prepare(): placements dead before this step are dropped from
                             the grid, nothing born earlier will be placed any more */
  guint walk_stride;      /* steps between two snapshots prepare() walks (1: every step) */
  guint walked_until;     /* the last step prepare() took a snapshot of */
  gboolean in_prepare;
  GHashTable *scene_grid; /* cell key → GArray of OBJECT item indices of the scene being built */
  guint next_order;

  HeapglassTrace *trace; /* the trace prepare() walked (for re-placing after an expansion) */
  guint prepared_step;

  /* Per-step scratch, reused so that a step allocates little. */
  GHashTable *by_oid; /* oid → const HeapglassObjectView * of the current snapshot */
  GHashTable *visited;
  GHashTable *emitted;  /* oid → index + 1 of its OBJECT item in the scene being built */
  GHashTable *previous; /* oid → object view at the step before (changed containers only) */
  GArray *cells;
  GString *text;
};

G_DEFINE_FINAL_TYPE (HeapglassLayout, heapglass_layout, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_INLINE_VALUES,
  PROP_MAX_SLOTS,
  PROP_MAX_FRAMES,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* One cell of an object's box, relative to the object's origin. */
typedef struct
{
  double x, y, w, h;
  double vx;      /* where the value part starts (after an index or attribute name) */
  guint64 target; /* the object referred to (0: none, or inline) */
  guint index;
  HeapglassSceneFlags flags;
  const char *label; /* attribute name; NULL for index labels (the index is used) */
  char *text;        /* inline value or marker text (owned) */
  gboolean marker;   /* "… N more" */
  guint64 count;
} Cell;

typedef struct
{
  double w, h;
  char *value; /* text of a value box (owned), NULL for containers */
  gboolean dead;
} Geometry;

/* ---------------------------------------------------------------------------------------------- */
/* Text */

static char *
format_count (guint64 n)
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
static char *
value_text (const HeapglassObjectView *obj, guint max_chars)
{
  return heapglass_value_text (obj, max_chars);
}

static double
text_width (const char *text, double char_w)
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

static gboolean
is_inline_value (HeapglassLayout *self, const HeapglassObjectView *obj)
{
  return self->inline_values && is_small_value (obj);
}

/* ---------------------------------------------------------------------------------------------- */
/* Object geometry: the box and its cells, relative to the object's origin (top-left of the
 * type-name band). Used both to reserve space and to emit the scene. */

static void
cell_clear (gpointer data)
{
  Cell *cell = data;

  g_clear_pointer (&cell->text, g_free);
}

static const HeapglassObjectView *
lookup (HeapglassLayout *self, guint64 oid)
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
  const HeapglassObjectView *obj = lookup (self, target);

  *inline_text = NULL;
  if (key ? is_small_value (obj) : is_inline_value (self, obj))
    {
      *inline_text = value_text (obj, INLINE_MAX_CHARS);
      return MAX (SLOT_W, text_width (*inline_text, CHAR_W) + 2 * PAD);
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
  g_autofree char *count = format_count (hidden);

  cell.marker = TRUE;
  cell.count = hidden;
  cell.text = g_strdup_printf (_ ("… %s more"), count);
  cell.y = *y;
  cell.h = SLOT_H;
  geom->w = MAX (geom->w, text_width (cell.text, SMALL_CHAR_W) + 2 * PAD);
  cell.w = geom->w;
  *y += SLOT_H;
  g_array_append_val (cells, cell);
}

static void
object_geometry (HeapglassLayout *self, const HeapglassObjectView *obj, Geometry *geom)
{
  gboolean expanded = g_hash_table_contains (self->expanded, &obj->oid);
  double label_w = text_width (obj->type_name, SMALL_CHAR_W) + 4;
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
        name_w = MAX (name_w, text_width (obj->attr_names[i], CHAR_W) + 2 * PAD);
      for (guint i = 0; i < shown; i++)
        {
          Cell cell = reference_cell (self, obj->attr_oids[i], i, FALSE, y);

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
      geom->value = value_text (obj, MAX_VALUE_CHARS);
      geom->w = MAX (MAX (text_width (geom->value, CHAR_W) + 2 * PAD + 4, SLOT_W), label_w);
      geom->h = LABEL_H + VALUE_H;
    }
}

/* A cell's reference anchor (the dot an arrow leaves from): the middle of its value part. */
static void
cell_anchor (const HeapglassObjectView *obj, const Cell *cell, double *x, double *y)
{
  *x = cell->x + cell->vx + (cell->w - cell->vx) / 2;
  *y = cell->y + cell->h / 2;
}

/* ---------------------------------------------------------------------------------------------- */
/* The stack column */

typedef struct
{
  guint index; /* in snapshot->frames; G_MAXUINT for the marker */
  double y, h;
  guint hidden; /* marker: frames hidden */
} FrameBox;

static double
frame_height (const HeapglassFrameView *frame)
{
  double h = FRAME_HEAD_H + frame->n_bindings * ROW_H + FRAME_PAD;

  if (frame->exception_type)
    h += EXC_H;
  return h;
}

/* Which frames are shown, where: outermost at the top. A snapshot may already lack the middle
 * of a deep stack (heapglass_trace_snapshot_limited()); the marker counts those frames too. */
static GArray *
layout_frames (HeapglassLayout *self, const HeapglassSnapshot *snapshot)
{
  GArray *boxes = g_array_new (FALSE, FALSE, sizeof (FrameBox));
  guint n = snapshot->n_frames;
  guint head_avail = snapshot->n_frames_hidden > 0 ? MIN (snapshot->n_frames_head, n) : n;
  guint tail_avail = n - head_avail;
  guint head = head_avail, tail = tail_avail, hidden = snapshot->n_frames_hidden;
  double y = MARGIN;

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
      FrameBox box = { i, y, frame_height (&snapshot->frames[i]), 0 };

      g_array_append_val (boxes, box);
      y += box.h + FRAME_GAP;
    }
  if (hidden > 0)
    {
      FrameBox marker = { G_MAXUINT, y, MARKER_H, hidden };

      g_array_append_val (boxes, marker);
      y += MARKER_H + FRAME_GAP;
    }
  for (guint i = n - tail; i < n; i++)
    {
      FrameBox box = { i, y, frame_height (&snapshot->frames[i]), 0 };

      g_array_append_val (boxes, box);
      y += box.h + FRAME_GAP;
    }
  return boxes;
}

static void
name_slot_rect (HeapglassLayout *self, const FrameBox *box, guint binding, const char *inline_text,
                double *x, double *y, double *w, double *h)
{
  *w = inline_text ? MIN (MAX (NAME_SLOT_W, text_width (inline_text, CHAR_W) + 2 * PAD), 112)
                   : NAME_SLOT_W;
  *h = NAME_SLOT_H;
  *x = MARGIN + FRAME_W - 10 - *w;
  *y = box->y + FRAME_HEAD_H + binding * ROW_H + (ROW_H - NAME_SLOT_H) / 2;
}

/* ---------------------------------------------------------------------------------------------- */
/* Placement */

static guint
cell_key (int cx, int cy)
{
  return ((guint)CLAMP (cx, 0, 0xffff) << 16) | (guint)CLAMP (cy, 0, 0xffff);
}

/* The spatial index also splits time: a cell lists its placements by bucket of steps, so that a
 * place used by thousands of short-lived objects (a loop's ints, a deep recursion's arguments)
 * is checked against the few shown at the same time, not all of them. */
#define TIME_BUCKET 256
#define LONG_BUCKETS 64

typedef struct
{
  GPtrArray *all;      /* every placement in the cell */
  GPtrArray *lasting;  /* placements with a run longer than LONG_BUCKETS buckets */
  GHashTable *buckets; /* bucket → GPtrArray of placements shown during it */
} GridCell;

static void
grid_cell_free (gpointer data)
{
  GridCell *cell = data;

  g_ptr_array_unref (cell->all);
  g_ptr_array_unref (cell->lasting);
  g_hash_table_unref (cell->buckets);
  g_free (cell);
}

static gboolean
spans_overlap (const Placement *a, const Placement *b)
{
  for (guint i = 0; i < a->n_spans; i++)
    for (guint j = 0; j < b->n_spans; j++)
      if (a->spans[i].from < b->spans[j].to && b->spans[j].from < a->spans[i].to)
        return TRUE;
  return FALSE;
}

static gboolean
has_long_span (const Placement *p)
{
  for (guint i = 0; i < p->n_spans; i++)
    if (p->spans[i].to == G_MAXUINT
        || (p->spans[i].to - 1) / TIME_BUCKET - p->spans[i].from / TIME_BUCKET > LONG_BUCKETS)
      return TRUE;
  return FALSE;
}

static void
grid_insert (HeapglassLayout *self, Placement *p)
{
  int cx0 = (int)floor (p->x / CELL), cx1 = (int)floor ((p->x + p->w) / CELL);
  int cy0 = (int)floor (p->y / CELL), cy1 = (int)floor ((p->y + p->h) / CELL);
  gboolean lasting = has_long_span (p);

  for (int cx = cx0; cx <= cx1; cx++)
    for (int cy = cy0; cy <= cy1; cy++)
      {
        gpointer key = GUINT_TO_POINTER (cell_key (cx, cy));
        GridCell *cell = g_hash_table_lookup (self->grid, key);

        if (cell == NULL)
          {
            cell = g_new0 (GridCell, 1);
            cell->all = g_ptr_array_new ();
            cell->lasting = g_ptr_array_new ();
            cell->buckets
                = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)g_ptr_array_unref);
            g_hash_table_insert (self->grid, key, cell);
          }
        g_ptr_array_add (cell->all, p);
        if (lasting)
          {
            g_ptr_array_add (cell->lasting, p);
            continue;
          }
        for (guint i = 0; i < p->n_spans; i++)
          for (guint b = p->spans[i].from / TIME_BUCKET; b <= (p->spans[i].to - 1) / TIME_BUCKET;
               b++)
            {
              GPtrArray *list = g_hash_table_lookup (cell->buckets, GUINT_TO_POINTER (b + 1));

              if (list == NULL)
                {
                  list = g_ptr_array_new ();
                  g_hash_table_insert (cell->buckets, GUINT_TO_POINTER (b + 1), list);
                }
              if (list->len == 0 || list->pdata[list->len - 1] != p)
                g_ptr_array_add (list, p);
            }
      }
}

/* Checks the placements of one list against the rectangle; see grid_collision(). */
static Placement *
list_collision (HeapglassLayout *self, GPtrArray *list, gboolean retire, double x0, double y0,
                double x1, double y1, const Placement *q, Placement *best, double *lowest_bottom)
{
  for (guint i = 0; i < list->len; i++)
    {
      Placement *p = list->pdata[i];

      if (retire && p->n_spans > 0 && p->spans[p->n_spans - 1].to <= self->retire_before)
        {
          g_ptr_array_remove_index_fast (list, i--);
          continue;
        }
      if (p->x >= x1 || p->x + p->w <= x0 || p->y >= y1 || p->y + p->h <= y0)
        continue;
      if (p == q || !spans_overlap (p, q))
        continue;
      /* The rightmost blocker lets the search jump past all of them at once; the highest
       * bottom edge is where the next row to try starts. */
      if (best == NULL || p->x + p->w > best->x + best->w)
        best = p;
      if (lowest_bottom)
        *lowest_bottom = MIN (*lowest_bottom, p->y + p->h);
    }
  return best;
}

/* A placed object whose (padded) space meets the rectangle while both are shown, or NULL. */
static Placement *
grid_collision (HeapglassLayout *self, double x, double y, double w, double h, const Placement *q,
                double *lowest_bottom)
{
  double x0 = x - GAP, y0 = y - GAP, x1 = x + w + GAP, y1 = y + h + GAP;
  int cx0 = (int)floor (x0 / CELL), cx1 = (int)floor (x1 / CELL);
  int cy0 = (int)floor (y0 / CELL), cy1 = (int)floor (y1 / CELL);
  gboolean lasting = has_long_span (q);
  Placement *best = NULL;

  for (int cx = cx0; cx <= cx1; cx++)
    for (int cy = cy0; cy <= cy1; cy++)
      {
        GridCell *cell = g_hash_table_lookup (self->grid, GUINT_TO_POINTER (cell_key (cx, cy)));

        if (cell == NULL)
          continue;
        if (lasting)
          {
            best = list_collision (self, cell->all, TRUE, x0, y0, x1, y1, q, best, lowest_bottom);
            continue;
          }
        best = list_collision (self, cell->lasting, TRUE, x0, y0, x1, y1, q, best, lowest_bottom);
        for (guint i = 0; i < q->n_spans; i++)
          for (guint b = q->spans[i].from / TIME_BUCKET; b <= (q->spans[i].to - 1) / TIME_BUCKET;
               b++)
            {
              GPtrArray *list = g_hash_table_lookup (cell->buckets, GUINT_TO_POINTER (b + 1));

              if (list)
                best = list_collision (self, list, FALSE, x0, y0, x1, y1, q, best, lowest_bottom);
            }
      }
  return best;
}

static void
preferred_position (HeapglassLayout *self, Placement *p, double *px, double *py)
{
  Placement *parent = p->parent_oid ? g_hash_table_lookup (self->placements, &p->parent_oid) : NULL;

  if (parent == NULL || !parent->placed)
    {
      /* From a frame name: the first row of the box level with the name. */
      *px = HEAP_X0;
      *py = p->anchor_y - LABEL_H - VALUE_H / 2;
    }
  else
    {
      *px = parent->x + parent->w + 3 * GAP;
      *py = parent->y + p->anchor_y - LABEL_H - VALUE_H / 2;
    }
  *px = MAX (*px, HEAP_X0);
  *py = MAX (*py, MARGIN);
}

static void
place (HeapglassLayout *self, Placement *p)
{
  double px, py, best_cost = G_MAXDOUBLE, best_x = 0, best_y = 0;
  /* Moving right costs more than moving down: the heap reads as columns, the objects of the
   * frames in the first one, what they refer to in the next, and so on. */
  double right_cost = p->parent_oid ? 2.0 : 4.0;

  preferred_position (self, p, &px, &py);

  /* Try rows ever further below the preferred one (and a few a little above), and in each row
   * the first free x at or right of the preferred one; keep the cheapest. Rows jump past the
   * boxes in the way, so a crowded column costs a few tries, not one per unit. Deterministic. */
  for (int up = 0; up <= 6; up++)
    {
      double y = up == 0 ? py : py - 10.0 * up;
      guint rows = up == 0 ? 4000 : 1;

      if (y < MARGIN)
        break;
      for (guint row = 0; row < rows; row++)
        {
          double row_cost = up == 0 ? y - py : 1.5 * (py - y);
          double next_y = G_MAXDOUBLE, x = px;

          if (row_cost >= best_cost)
            break;
          for (guint tries = 0; tries < 400; tries++)
            {
              double cost = row_cost + right_cost * (x - px);
              Placement *blocker;

              if (cost >= best_cost)
                break;
              blocker = grid_collision (self, x, y, p->w, p->h, p, tries == 0 ? &next_y : NULL);
              if (blocker == NULL)
                {
                  best_cost = cost;
                  best_x = x;
                  best_y = y;
                  break;
                }
              x = blocker->x + blocker->w + GAP + 0.01;
            }
          if (next_y == G_MAXDOUBLE)
            break; /* the preferred x was free in this row */
          y = MAX (y + 1, next_y + GAP + 0.01);
        }
    }

  p->x = best_x;
  p->y = best_y;

  p->placed = TRUE;
  grid_insert (self, p);
}

static void reserve_growth (HeapglassLayout *self, HgKind kind, guint64 oid, double *w, double *h);

static void
place_pending (HeapglassLayout *self, gboolean in_order)
{
  for (guint i = 0; i < self->pending->len; i++)
    {
      Placement *p = self->pending->pdata[i];

      /* prepare() has seen the whole of each object's appearance: it needs its space only
       * until it was last shown (an int kept alive by the hidden tail of a long list no longer
       * holds a place). And it meets objects in step order, so whatever ended before this one
       * was born can never be in the way again. */
      if (in_order && p->n_spans > 0)
        {
          /* A sampled walk knows a run's ends to within the stride: widen them by it. */
          guint widen = MAX (self->walk_stride, 1) - 1;
          gboolean walked_all = self->trace && heapglass_trace_is_complete (self->trace)
                                && self->prepared_step >= heapglass_trace_get_n_steps (self->trace);

          for (guint k = 0; k < p->n_spans; k++)
            {
              /* Still shown where the walk stopped (the trace goes on, or a later prepare()
               * continues): the run is open until it is freed. */
              if (p->spans[k].to > self->walked_until)
                {
                  p->spans[k].to = G_MAXUINT;
                  /* and it may still grow: leave it room, as on first sight */
                  if (!walked_all)
                    reserve_growth (self, p->kind, p->oid, &p->w, &p->h);
                }
              p->spans[k].from = p->spans[k].from > widen ? p->spans[k].from - widen : 0;
              if (p->spans[k].to < G_MAXUINT - widen)
                p->spans[k].to += widen;
              p->spans[k].to = MIN (p->spans[k].to, p->died);
            }
        }
      else
        {
          p->n_spans = 1;
          p->spans[0].from = p->born;
          p->spans[0].to = p->died;
        }
      self->retire_before = in_order ? p->spans[0].from : 0;
      place (self, p);
    }
  self->retire_before = 0;
  g_ptr_array_set_size (self->pending, 0);
}

static void
forget_positions (HeapglassLayout *self)
{
  g_hash_table_remove_all (self->placements);
  g_hash_table_remove_all (self->grid);
  g_ptr_array_set_size (self->pending, 0);
  self->next_order = 0;
  self->prepared_step = 0;
  self->walked_until = 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* Walking one snapshot: the frames shown, then the objects reachable from them through shown
 * slots, breadth first (so a referrer is always met before what it refers to). */

typedef struct
{
  const HeapglassObjectView *obj;
  Placement *placement;
} Visit;

static void
index_snapshot (HeapglassLayout *self, const HeapglassSnapshot *snapshot)
{
  g_hash_table_remove_all (self->by_oid);
  g_hash_table_remove_all (self->visited);
  for (guint i = 0; i < snapshot->n_objects; i++)
    g_hash_table_insert (self->by_oid, (gpointer)&snapshot->objects[i].oid,
                         (gpointer)&snapshot->objects[i]);
}

/* Notes that an object is shown at `step` (steps come in order in prepare()); TRUE if that
 * added to the runs of steps it holds its place. */
static gboolean
record_shown (HeapglassLayout *self, Placement *p, guint step)
{
  guint stride = MAX (self->walk_stride, 1);

  for (guint i = 0; i < p->n_spans; i++)
    if (step >= p->spans[i].from && step < p->spans[i].to)
      return FALSE;
  if (p->n_spans > 0 && step >= p->spans[p->n_spans - 1].from
      && step <= p->spans[p->n_spans - 1].to + stride - 1)
    {
      p->spans[p->n_spans - 1].to = MAX (p->spans[p->n_spans - 1].to, step + 1);
      return TRUE;
    }
  if (p->n_spans > 0 && step < p->spans[p->n_spans - 1].from)
    {
      /* out of order (a scene built between two prepares): widen the first run */
      p->spans[0].from = MIN (p->spans[0].from, step);
      return TRUE;
    }
  if (p->n_spans == MAX_SPANS)
    {
      /* Full: merge the two runs with the smallest gap between them. */
      guint best = 0;

      for (guint i = 1; i + 1 < MAX_SPANS; i++)
        if (p->spans[i + 1].from - p->spans[i].to < p->spans[best + 1].from - p->spans[best].to)
          best = i;
      p->spans[best].to = p->spans[best + 1].to;
      memmove (&p->spans[best + 1], &p->spans[best + 2],
               sizeof p->spans[0] * (MAX_SPANS - best - 2));
      p->n_spans--;
    }
  p->spans[p->n_spans].from = step;
  p->spans[p->n_spans].to = step + 1;
  p->n_spans++;
  return TRUE;
}

/* Notes a reference to `oid`; returns TRUE when it is met for the first time this step. */
static gboolean
discover (HeapglassLayout *self, guint step, guint64 oid, guint64 parent_oid, double anchor_x,
          double anchor_y, GArray *queue)
{
  const HeapglassObjectView *obj = lookup (self, oid);
  Placement *p;
  Visit visit;

  if (obj == NULL || g_hash_table_contains (self->visited, &obj->oid))
    return FALSE;
  if (is_inline_value (self, obj))
    return FALSE;
  g_hash_table_add (self->visited, (gpointer)&obj->oid);

  p = g_hash_table_lookup (self->placements, &oid);
  if (p == NULL)
    {
      p = g_new0 (Placement, 1);
      p->oid = oid;
      p->kind = obj->kind;
      /* Space is taken from the first step the object is shown (before that nobody sees it):
       * in prepare() that makes births come in order, so dead neighbours can be retired. */
      p->born = step;
      p->died = obj->freed_step ? obj->freed_step + 1 : G_MAXUINT;
      record_shown (self, p, step);
      p->parent_oid = parent_oid;
      p->anchor_x = anchor_x;
      p->anchor_y = anchor_y;
      p->order = self->next_order++;
      g_hash_table_insert (self->placements, &p->oid, p);
      g_ptr_array_add (self->pending, p);
    }
  else
    {
      /* Placed by an earlier prepare() and shown again (a recursion's argument on the way
       * up): hold the place for that run too. */
      if ((!p->placed || self->in_prepare) && record_shown (self, p, step) && p->placed)
        grid_insert (self, p);
      if (obj->freed_step && p->died == G_MAXUINT)
        p->died = obj->freed_step + 1; /* learnt later while the trace was still arriving */
      if (step < p->born && p->placed)
        p->born = step; /* first-sight placement seen again earlier: keep its space */
    }

  visit.obj = obj;
  visit.placement = p;
  g_array_append_val (queue, visit);
  return TRUE;
}

/* Fills `queue` with the objects shown at this step, in discovery order, growing their reserved
 * footprints. */
/* Room for a mutable object to grow into when it is placed on first sight, without prepare()
 * having seen its whole life: what its collapsed box can grow to. */
static void
reserve_growth (HeapglassLayout *self, HgKind kind, guint64 oid, double *w, double *h)
{
  double marker_w = strlen ("… 9,999,999 more") * SMALL_CHAR_W + 2 * PAD;

  switch (kind)
    {
    case HG_KIND_LIST:
    case HG_KIND_SET:
      *w = MAX (*w, marker_w);
      if (!g_hash_table_contains (self->expanded, &oid))
        *h = MAX (*h, LABEL_H + (self->max_slots + 1) * SLOT_H);
      break;
    case HG_KIND_DICT:
      /* Dicts grow a little, instances rarely after __init__: reserving less keeps the picture
       * compact; prepare() knows the real sizes anyway. */
      *h = MAX (*h, MIN (*h + 3 * SLOT_H, LABEL_H + (self->max_slots + 1) * SLOT_H));
      *w = MAX (*w, 3 * SLOT_W);
      break;
    case HG_KIND_INSTANCE:
      *h = MAX (*h, MIN (*h + SLOT_H, LABEL_H + (self->max_slots + 1) * SLOT_H));
      break;
    default:
      break;
    }
}

static void
walk_snapshot (HeapglassLayout *self, const HeapglassSnapshot *snapshot, GArray *frames,
               GArray *queue, gboolean first_sight)
{
  guint step = snapshot->step;

  for (guint f = 0; f < frames->len; f++)
    {
      const FrameBox *box = &g_array_index (frames, FrameBox, f);
      const HeapglassFrameView *frame;

      if (box->index == G_MAXUINT)
        continue;
      frame = &snapshot->frames[box->index];
      for (guint b = 0; b < frame->n_bindings; b++)
        {
          double x, y, w, h;

          name_slot_rect (self, box, b, NULL, &x, &y, &w, &h);
          discover (self, step, frame->oids[b], 0, x + w / 2, y + h / 2, queue);
        }
    }

  for (guint q = 0; q < queue->len; q++)
    {
      Visit visit = g_array_index (queue, Visit, q);
      const HeapglassObjectView *obj = visit.obj;
      Geometry geom;

      object_geometry (self, obj, &geom);
      if (first_sight && !visit.placement->placed)
        reserve_growth (self, obj->kind, obj->oid, &geom.w, &geom.h);
      if (geom.w > visit.placement->w || geom.h > visit.placement->h)
        {
          visit.placement->w = MAX (visit.placement->w, geom.w);
          visit.placement->h = MAX (visit.placement->h, geom.h);
          /* Grown after placement (seen only now): index the space it takes now. */
          if (visit.placement->placed)
            grid_insert (self, visit.placement);
        }
      g_free (geom.value);
      for (guint c = 0; c < self->cells->len; c++)
        {
          Cell *cell = &g_array_index (self->cells, Cell, c);
          double ax, ay;

          if (cell->target == 0)
            continue;
          cell_anchor (obj, cell, &ax, &ay);
          /* `cells` is reused by the next object's geometry only after this loop. */
          discover (self, step, cell->target, obj->oid, ax, ay, queue);
        }
      g_array_set_size (self->cells, 0);
    }

  /* Objects freed by this step are still drawn (faded) where they were. */
  for (guint i = 0; i < snapshot->n_objects; i++)
    {
      const HeapglassObjectView *obj = &snapshot->objects[i];

      if (obj->freed && !g_hash_table_contains (self->visited, &obj->oid)
          && g_hash_table_contains (self->placements, &obj->oid))
        {
          Visit visit = { obj, g_hash_table_lookup (self->placements, &obj->oid) };

          if ((!visit.placement->placed || self->in_prepare)
              && record_shown (self, visit.placement, snapshot->step) && visit.placement->placed)
            grid_insert (self, visit.placement);
          g_hash_table_add (self->visited, (gpointer)&obj->oid);
          g_array_append_val (queue, visit);
        }
    }
}

/* ---------------------------------------------------------------------------------------------- */

HeapglassSnapshot *
heapglass_layout_snapshot (HeapglassLayout *self, HeapglassTrace *trace, guint step)
{
  guint max_frames;

  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), NULL);
  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), NULL);

  max_frames
      = self->extra_frames > G_MAXUINT / 4 ? G_MAXUINT / 2 : self->max_frames + self->extra_frames;
  return heapglass_trace_snapshot_limited (trace, step, max_frames);
}

void
heapglass_layout_prepare (HeapglassLayout *self, HeapglassTrace *trace, guint last_step)
{
  guint n_steps, first, stride;
  g_autoptr (GArray) queue = NULL;

  g_return_if_fail (HEAPGLASS_IS_LAYOUT (self));
  g_return_if_fail (HEAPGLASS_IS_TRACE (trace));

  if (self->trace != trace)
    {
      g_set_object (&self->trace, trace);
      forget_positions (self);
    }
  n_steps = heapglass_trace_get_n_steps (trace);
  last_step = MIN (last_step, n_steps);
  if (last_step <= self->prepared_step)
    return;

  first = self->prepared_step + 1;
  /* Big traces are sampled: objects the samples miss are placed on first sight instead. */
  stride = MAX (1, (last_step - first + 1 + PREPARE_SAMPLES - 1) / PREPARE_SAMPLES);
  self->walk_stride = stride;
  queue = g_array_new (FALSE, FALSE, sizeof (Visit));
  self->in_prepare = TRUE;
  for (guint step = first; step <= last_step; step += stride)
    {
      g_autoptr (HeapglassSnapshot) snapshot = heapglass_layout_snapshot (self, trace, step);
      g_autoptr (GArray) frames = NULL;

      if (snapshot == NULL)
        continue;
      self->walked_until = step;
      index_snapshot (self, snapshot);
      frames = layout_frames (self, snapshot);
      g_array_set_size (queue, 0);
      walk_snapshot (self, snapshot, frames, queue, FALSE);
    }
  self->in_prepare = FALSE;
  self->prepared_step = last_step;
  place_pending (self, TRUE);
  self->walk_stride = 1;
  g_hash_table_remove_all (self->by_oid);
  g_hash_table_remove_all (self->visited);
}

void
heapglass_layout_reset (HeapglassLayout *self)
{
  g_return_if_fail (HEAPGLASS_IS_LAYOUT (self));
  forget_positions (self);
  g_clear_object (&self->trace);
  g_hash_table_remove_all (self->expanded);
  self->extra_frames = 0;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

gboolean
heapglass_layout_get_position (HeapglassLayout *self, guint64 oid, double *x, double *y)
{
  Placement *p;

  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), FALSE);
  p = g_hash_table_lookup (self->placements, &oid);
  if (p == NULL || !p->placed)
    return FALSE;
  if (x)
    *x = p->x;
  if (y)
    *y = p->y;
  return TRUE;
}

/* Something changed every footprint: place everything again, walking the same steps. */
static void
replace_all (HeapglassLayout *self)
{
  guint prepared = self->prepared_step;

  forget_positions (self);
  if (self->trace && prepared > 0)
    {
      g_autoptr (HeapglassTrace) trace = g_object_ref (self->trace);

      heapglass_layout_prepare (self, trace, prepared);
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* ---------------------------------------------------------------------------------------------- */
/* Scene building */

static void
arrow_curve (HeapglassSceneItem *arrow, double sx, double sy, double tx, double ty, double tw,
             double th)
{
  double by = ty + LABEL_H, bh = th - LABEL_H;
  double ex, ey, d;

  arrow->x0 = sx;
  arrow->y0 = sy;
  if (tx >= sx + 24)
    {
      /* To the right: enter the left edge, level with the source if the box allows. */
      ey = CLAMP (sy, by + 10, by + MAX (bh - 10, 10));
      d = MAX (24, (tx - sx) * 0.45);
      arrow->x1 = sx + d, arrow->y1 = sy;
      arrow->x2 = tx - d, arrow->y2 = ey;
      arrow->x3 = tx, arrow->y3 = ey;
    }
  else if (by >= sy + 16)
    {
      /* Below: come down into the top edge. */
      ex = CLAMP (sx, tx + 10, tx + MAX (tw - 10, 10));
      d = MAX (20, (by - sy) * 0.45);
      arrow->x1 = sx, arrow->y1 = sy + d;
      arrow->x2 = ex, arrow->y2 = by - d;
      arrow->x3 = ex, arrow->y3 = by;
    }
  else if (by + bh <= sy - 16)
    {
      /* Above: go up into the bottom edge. */
      ex = CLAMP (sx, tx + 10, tx + MAX (tw - 10, 10));
      d = MAX (20, (sy - by - bh) * 0.45);
      arrow->x1 = sx, arrow->y1 = sy - d;
      arrow->x2 = ex, arrow->y2 = by + bh + d;
      arrow->x3 = ex, arrow->y3 = by + bh;
    }
  else
    {
      /* Left of the source and level with it (or itself): loop round into the right edge. */
      ey = CLAMP (sy, by + 10, by + MAX (bh - 10, 10));
      d = MAX (48, fabs (sx - tx - tw) * 0.5);
      arrow->x1 = sx + d, arrow->y1 = sy - 40;
      arrow->x2 = tx + tw + d, arrow->y2 = ey - 40;
      arrow->x3 = tx + tw, arrow->y3 = ey;
    }

  {
    double x0 = MIN (MIN (arrow->x0, arrow->x1), MIN (arrow->x2, arrow->x3));
    double x1 = MAX (MAX (arrow->x0, arrow->x1), MAX (arrow->x2, arrow->x3));
    double y0 = MIN (MIN (arrow->y0, arrow->y1), MIN (arrow->y2, arrow->y3));
    double y1 = MAX (MAX (arrow->y0, arrow->y1), MAX (arrow->y2, arrow->y3));

    /* The control polygon's box contains the curve. */
    arrow->x = x0;
    arrow->y = y0;
    arrow->width = x1 - x0;
    arrow->height = y1 - y0;
  }
}

typedef struct
{
  guint source; /* item index of the NAME or SLOT */
  double sx, sy;
  guint64 target;
  HeapglassSceneFlags flags;
  guint frame_id;
  guint64 oid;
  guint slot;
} PendingArrow;

/* How many object boxes of the scene the curve passes through (other than its ends'). */
static guint
arrow_crossings (HeapglassLayout *self, HeapglassScene *scene, const HeapglassSceneItem *arrow,
                 guint64 source_oid, guint64 target_oid)
{
  guint crossings = 0, last = G_MAXUINT;

  for (guint i = 2; i < 22; i++)
    {
      double t = i / 24.0, u = 1 - t;
      double x = u * u * u * arrow->x0 + 3 * u * u * t * arrow->x1 + 3 * u * t * t * arrow->x2
                 + t * t * t * arrow->x3;
      double y = u * u * u * arrow->y0 + 3 * u * u * t * arrow->y1 + 3 * u * t * t * arrow->y2
                 + t * t * t * arrow->y3;
      GArray *list = g_hash_table_lookup (
          self->scene_grid,
          GUINT_TO_POINTER (cell_key ((int)floor (x / CELL), (int)floor (y / CELL))));

      if (list == NULL)
        continue;
      for (guint j = 0; j < list->len; j++)
        {
          guint index = g_array_index (list, guint, j);
          const HeapglassSceneItem *box = heapglass_scene_get_item (scene, index);

          if (index == last || box->oid == source_oid || box->oid == target_oid)
            continue;
          if (x > box->x && x < box->x + box->width && y > box->y + LABEL_H
              && y < box->y + box->height)
            {
              crossings++;
              last = index;
            }
        }
    }
  return crossings;
}

static void
scene_grid_add (HeapglassLayout *self, const HeapglassSceneItem *box, guint index)
{
  int cx0 = (int)floor (box->x / CELL), cx1 = (int)floor ((box->x + box->width) / CELL);
  int cy0 = (int)floor (box->y / CELL), cy1 = (int)floor ((box->y + box->height) / CELL);

  for (int cx = cx0; cx <= cx1; cx++)
    for (int cy = cy0; cy <= cy1; cy++)
      {
        gpointer key = GUINT_TO_POINTER (cell_key (cx, cy));
        GArray *list = g_hash_table_lookup (self->scene_grid, key);

        if (list == NULL)
          {
            list = g_array_new (FALSE, FALSE, sizeof (guint));
            g_hash_table_insert (self->scene_grid, key, list);
          }
        g_array_append_val (list, index);
      }
}

static void
add_arrow (HeapglassLayout *self, HeapglassScene *scene, const PendingArrow *pending, guint step)
{
  guint target_index = GPOINTER_TO_UINT (g_hash_table_lookup (self->emitted, &pending->target));
  const HeapglassSceneItem *target;
  HeapglassSceneItem arrow = { 0 };
  guint crossings;

  if (target_index == 0)
    return;
  target = heapglass_scene_get_item (scene, target_index - 1);

  arrow.kind = HEAPGLASS_SCENE_ARROW;
  arrow.flags = pending->flags;
  arrow.target_oid = pending->target;
  arrow.frame_id = pending->frame_id;
  arrow.oid = pending->oid;
  arrow.slot = pending->slot;
  arrow.parent = pending->source;
  arrow.object_kind = HG_KIND_NONE;
  arrow_curve (&arrow, pending->sx, pending->sy, target->x, target->y, target->width,
               target->height);

  /* Boxes in the way: bend the curve above or below them when that crosses fewer. Only for
   * arrows between neighbours: a long arrow crosses whatever it crosses, bent or not. */
  if (fabs (arrow.y3 - arrow.y0) < 300 && fabs (arrow.x3 - arrow.x0) < 900)
    crossings = arrow_crossings (self, scene, &arrow, pending->oid, pending->target);
  else
    crossings = 0;
  if (crossings > 0)
    {
      static const double bends[] = { -40, 40, -80, 80 };
      HeapglassSceneItem best = arrow;

      for (guint b = 0; b < G_N_ELEMENTS (bends) && crossings > 0; b++)
        {
          HeapglassSceneItem bent = arrow;
          guint c;

          bent.y1 += bends[b];
          bent.y2 += bends[b];
          c = arrow_crossings (self, scene, &bent, pending->oid, pending->target);
          if (c < crossings)
            {
              crossings = c;
              best = bent;
            }
        }
      arrow = best;
      arrow.x = MIN (MIN (arrow.x0, arrow.x1), MIN (arrow.x2, arrow.x3));
      arrow.y = MIN (MIN (arrow.y0, arrow.y1), MIN (arrow.y2, arrow.y3));
      arrow.width = MAX (MAX (arrow.x0, arrow.x1), MAX (arrow.x2, arrow.x3)) - arrow.x;
      arrow.height = MAX (MAX (arrow.y0, arrow.y1), MAX (arrow.y2, arrow.y3)) - arrow.y;
    }
  heapglass_scene_add_item (scene, &arrow);
}

static void
emit_frames (HeapglassLayout *self, HeapglassScene *scene, const HeapglassSnapshot *snapshot,
             GArray *frames, GArray *arrows)
{
  for (guint f = 0; f < frames->len; f++)
    {
      const FrameBox *box = &g_array_index (frames, FrameBox, f);
      const HeapglassFrameView *frame;
      HeapglassSceneItem item = { 0 };
      guint frame_index;

      item.parent = HEAPGLASS_SCENE_NO_PARENT;
      if (box->index == G_MAXUINT)
        {
          g_autofree char *count = format_count (box->hidden);
          g_autofree char *text = g_strdup_printf (_ ("… %s frames …"), count);

          item.kind = HEAPGLASS_SCENE_FRAMES_MARKER;
          item.x = MARGIN;
          item.y = box->y;
          item.width = FRAME_W;
          item.height = box->h;
          item.count = box->hidden;
          item.first_depth = f > 0 ? g_array_index (frames, FrameBox, f - 1).index + 1 : 0;
          item.text = text;
          heapglass_scene_add_item (scene, &item);
          continue;
        }

      frame = &snapshot->frames[box->index];
      item.kind = HEAPGLASS_SCENE_FRAME;
      item.x = MARGIN;
      item.y = box->y;
      item.width = FRAME_W;
      item.height = box->h;
      item.frame_id = frame->frame_id;
      item.name = frame->function;
      item.slot = box->index; /* depth */
      if (box->index + 1 == snapshot->n_frames)
        item.flags |= HEAPGLASS_SCENE_FLAG_CURRENT;
      g_string_printf (self->text, _ ("line %u"), frame->line);
      if (frame->exception_type)
        {
          item.flags |= HEAPGLASS_SCENE_FLAG_EXCEPTION;
          g_string_printf (self->text, "%s: %s", frame->exception_type,
                           frame->exception_message ? frame->exception_message : "");
        }
      item.count = frame->line; /* the header shows it even when text is the exception */
      item.text = self->text->str;
      frame_index = heapglass_scene_add_item (scene, &item);

      for (guint b = 0; b < frame->n_bindings; b++)
        {
          const HeapglassObjectView *obj = lookup (self, frame->oids[b]);
          HeapglassSceneItem name = { 0 };
          g_autofree char *inline_text
              = is_inline_value (self, obj) ? value_text (obj, INLINE_MAX_CHARS) : NULL;
          double sx, sy, sw, sh;
          guint name_index;

          name_slot_rect (self, box, b, inline_text, &sx, &sy, &sw, &sh);
          name.kind = HEAPGLASS_SCENE_NAME;
          name.x = MARGIN + 4;
          name.y = box->y + FRAME_HEAD_H + b * ROW_H;
          name.width = FRAME_W - 8;
          name.height = ROW_H;
          name.frame_id = frame->frame_id;
          name.slot = b;
          name.oid = frame->oids[b];
          name.target_oid = frame->oids[b];
          name.name = frame->names[b];
          name.parent = frame_index;
          name.object_kind = obj ? obj->kind : HG_KIND_NONE;
          name.x0 = sx, name.y0 = sy, name.x1 = sx + sw, name.y1 = sy + sh;
          if (frame->rebound && frame->rebound[b])
            name.flags |= HEAPGLASS_SCENE_FLAG_CHANGED;
          if (inline_text)
            {
              name.flags |= HEAPGLASS_SCENE_FLAG_INLINE;
              name.text = inline_text;
            }
          name_index = heapglass_scene_add_item (scene, &name);
          if (!inline_text)
            {
              PendingArrow arrow = { name_index,
                                     sx + sw / 2,
                                     sy + sh / 2,
                                     frame->oids[b],
                                     name.flags & HEAPGLASS_SCENE_FLAG_CHANGED,
                                     frame->frame_id,
                                     0,
                                     b };

              g_array_append_val (arrows, arrow);
            }
        }
    }
}

/* Did this slot of a container that changed at this step get a new value (mutated slot)? */
static gboolean
slot_changed (HeapglassLayout *self, const HeapglassObjectView *obj, guint index, gboolean key)
{
  const HeapglassObjectView *before;

  if (!obj->changed || obj->freed || g_hash_table_size (self->previous) == 0)
    return FALSE;
  before = g_hash_table_lookup (self->previous, &obj->oid);
  if (before == NULL)
    return FALSE; /* new this step: the whole box is highlighted */

  switch (obj->kind)
    {
    case HG_KIND_LIST:
    case HG_KIND_TUPLE:
    case HG_KIND_SET:
    case HG_KIND_FROZENSET:
      return index >= before->n_items || before->items[index] != obj->items[index];
    case HG_KIND_DICT:
      for (guint i = 0; i < before->n_items; i++)
        if (before->items[2 * i] == obj->items[2 * index])
          return !key && before->items[2 * i + 1] != obj->items[2 * index + 1];
      return TRUE;
    case HG_KIND_INSTANCE:
      for (guint i = 0; i < before->n_attrs; i++)
        if (g_strcmp0 (before->attr_names[i], obj->attr_names[index]) == 0)
          return before->attr_oids[i] != obj->attr_oids[index];
      return TRUE;
    case HG_KIND_WEAKREF:
      return before->referent != obj->referent;
    default:
      return FALSE;
    }
}

/* With a prepared trace, the step before tells which slots of the changed containers changed. */
static HeapglassSnapshot *
index_previous (HeapglassLayout *self, const HeapglassSnapshot *snapshot, GArray *queue)
{
  HeapglassSnapshot *previous = NULL;
  gboolean any = FALSE;

  g_hash_table_remove_all (self->previous);
  if (self->trace == NULL || snapshot->step <= 1
      || snapshot->step > heapglass_trace_get_n_steps (self->trace))
    return NULL;
  for (guint q = 0; q < queue->len && !any; q++)
    {
      const HeapglassObjectView *obj = g_array_index (queue, Visit, q).obj;

      any = obj->changed && obj->created_step != snapshot->step
            && (is_sequence (obj->kind) || obj->kind == HG_KIND_DICT
                || obj->kind == HG_KIND_INSTANCE || obj->kind == HG_KIND_WEAKREF);
    }
  if (!any)
    return NULL;
  previous = heapglass_layout_snapshot (self, self->trace, snapshot->step - 1);
  for (guint i = 0; previous && i < previous->n_objects; i++)
    {
      const HeapglassObjectView *obj = &previous->objects[i];
      const HeapglassObjectView *now = lookup (self, obj->oid);

      if (now && now->changed)
        g_hash_table_insert (self->previous, (gpointer)&obj->oid, (gpointer)obj);
    }
  return previous;
}

static void
emit_object (HeapglassLayout *self, HeapglassScene *scene, const Visit *visit, GArray *arrows)
{
  const HeapglassObjectView *obj = visit->obj;
  Placement *p = visit->placement;
  HeapglassSceneItem item = { 0 };
  Geometry geom;
  guint object_index;

  object_geometry (self, obj, &geom);
  item.kind = HEAPGLASS_SCENE_OBJECT;
  item.x = p->x;
  item.y = p->y;
  item.width = geom.w;
  item.height = geom.h;
  item.oid = obj->oid;
  item.target_oid = obj->oid;
  item.object_kind = obj->kind;
  item.name = obj->type_name ? obj->type_name : heapglass_kind_to_string (obj->kind);
  item.text = geom.value;
  item.parent = HEAPGLASS_SCENE_NO_PARENT;
  if (obj->changed)
    item.flags |= HEAPGLASS_SCENE_FLAG_CHANGED;
  if (obj->freed)
    item.flags |= HEAPGLASS_SCENE_FLAG_FREED;
  if (geom.dead)
    item.flags |= HEAPGLASS_SCENE_FLAG_DEAD;
  if (g_hash_table_contains (self->expanded, &obj->oid))
    item.flags |= HEAPGLASS_SCENE_FLAG_EXPANDED;
  object_index = heapglass_scene_add_item (scene, &item);
  g_hash_table_insert (self->emitted, (gpointer)&obj->oid, GUINT_TO_POINTER (object_index + 1));
  scene_grid_add (self, heapglass_scene_get_item (scene, object_index), object_index);
  g_free (geom.value);

  for (guint c = 0; c < self->cells->len; c++)
    {
      const Cell *cell = &g_array_index (self->cells, Cell, c);
      HeapglassSceneItem slot = { 0 };
      guint slot_index;
      char index_label[24];

      slot.x = p->x + cell->x;
      slot.y = p->y + cell->y;
      slot.width = cell->w;
      slot.height = cell->h;
      slot.x0 = slot.x + cell->vx;
      slot.y0 = slot.y;
      slot.x1 = slot.x + cell->w;
      slot.y1 = slot.y + cell->h;
      slot.oid = obj->oid;
      slot.object_kind = obj->kind;
      slot.parent = object_index;
      slot.slot = cell->index;
      slot.flags = cell->flags | (item.flags & HEAPGLASS_SCENE_FLAG_FREED);
      slot.text = cell->text;
      if (cell->marker)
        {
          slot.kind = HEAPGLASS_SCENE_MORE_MARKER;
          slot.count = cell->count;
          heapglass_scene_add_item (scene, &slot);
          continue;
        }
      slot.kind = HEAPGLASS_SCENE_SLOT;
      slot.target_oid = cell->target;
      if (slot_changed (self, obj, cell->index, cell->flags & HEAPGLASS_SCENE_FLAG_KEY))
        slot.flags |= HEAPGLASS_SCENE_FLAG_CHANGED;
      if (cell->label)
        slot.name = cell->label;
      else if (obj->kind == HG_KIND_LIST || obj->kind == HG_KIND_TUPLE)
        {
          g_snprintf (index_label, sizeof index_label, "%u", cell->index);
          slot.name = index_label;
        }
      else if (obj->kind == HG_KIND_WEAKREF && (cell->flags & HEAPGLASS_SCENE_FLAG_DEAD))
        slot.text = _ ("dead");
      slot_index = heapglass_scene_add_item (scene, &slot);

      if (cell->target != 0)
        {
          PendingArrow arrow = {
            slot_index, 0,        0,          cell->target, item.flags & HEAPGLASS_SCENE_FLAG_FREED,
            0,          obj->oid, cell->index
          };
          double ax, ay;

          cell_anchor (obj, cell, &ax, &ay);
          arrow.sx = p->x + ax;
          arrow.sy = p->y + ay;
          if (obj->kind == HG_KIND_WEAKREF)
            arrow.flags |= HEAPGLASS_SCENE_FLAG_WEAK;
          g_array_append_val (arrows, arrow);
        }
    }
  g_array_set_size (self->cells, 0);
}

HeapglassScene *
heapglass_layout_build_scene (HeapglassLayout *self, HeapglassSnapshot *snapshot)
{
  HeapglassScene *scene;
  g_autoptr (GArray) frames = NULL;
  g_autoptr (GArray) queue = NULL;
  g_autoptr (GArray) arrows = NULL;
  g_autoptr (HeapglassSnapshot) previous = NULL;

  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), NULL);
  g_return_val_if_fail (snapshot != NULL, NULL);

  scene = heapglass_scene_new (snapshot->step, snapshot->n_steps, snapshot->line);
  index_snapshot (self, snapshot);
  frames = layout_frames (self, snapshot);
  queue = g_array_new (FALSE, FALSE, sizeof (Visit));
  arrows = g_array_new (FALSE, FALSE, sizeof (PendingArrow));

  walk_snapshot (self, snapshot, frames, queue, TRUE);
  place_pending (self, FALSE); /* objects met for the first time */
  previous = index_previous (self, snapshot, queue);

  g_hash_table_remove_all (self->emitted);
  g_hash_table_remove_all (self->scene_grid);
  emit_frames (self, scene, snapshot, frames, arrows);
  for (guint q = 0; q < queue->len; q++)
    emit_object (self, scene, &g_array_index (queue, Visit, q), arrows);
  for (guint a = 0; a < arrows->len; a++)
    add_arrow (self, scene, &g_array_index (arrows, PendingArrow, a), snapshot->step);

  heapglass_scene_finish (scene, MARGIN);
  /* The tables point into the snapshot, which the caller may free now. */
  g_hash_table_remove_all (self->by_oid);
  g_hash_table_remove_all (self->visited);
  g_hash_table_remove_all (self->emitted);
  g_hash_table_remove_all (self->previous);
  return scene;
}

/* ---------------------------------------------------------------------------------------------- */
/* Options and expansion */

void
heapglass_layout_set_inline_values (HeapglassLayout *self, gboolean inline_values)
{
  g_return_if_fail (HEAPGLASS_IS_LAYOUT (self));
  inline_values = !!inline_values;
  if (self->inline_values == inline_values)
    return;
  self->inline_values = inline_values;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INLINE_VALUES]);
  replace_all (self);
}

gboolean
heapglass_layout_get_inline_values (HeapglassLayout *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), FALSE);
  return self->inline_values;
}

void
heapglass_layout_set_max_slots (HeapglassLayout *self, guint max_slots)
{
  g_return_if_fail (HEAPGLASS_IS_LAYOUT (self));
  max_slots = MAX (max_slots, 1);
  if (self->max_slots == max_slots)
    return;
  self->max_slots = max_slots;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_SLOTS]);
  replace_all (self);
}

guint
heapglass_layout_get_max_slots (HeapglassLayout *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), 0);
  return self->max_slots;
}

void
heapglass_layout_set_max_frames (HeapglassLayout *self, guint max_frames)
{
  g_return_if_fail (HEAPGLASS_IS_LAYOUT (self));
  max_frames = MAX (max_frames, 2);
  if (self->max_frames == max_frames)
    return;
  self->max_frames = max_frames;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_FRAMES]);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

guint
heapglass_layout_get_max_frames (HeapglassLayout *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), 0);
  return self->max_frames;
}

void
heapglass_layout_set_object_expanded (HeapglassLayout *self, guint64 oid, gboolean expanded)
{
  g_return_if_fail (HEAPGLASS_IS_LAYOUT (self));
  if (!!expanded == g_hash_table_contains (self->expanded, &oid))
    return;
  if (expanded)
    {
      guint64 *key = g_new (guint64, 1);

      *key = oid;
      g_hash_table_add (self->expanded, key);
    }
  else
    g_hash_table_remove (self->expanded, &oid);
  replace_all (self);
}

gboolean
heapglass_layout_get_object_expanded (HeapglassLayout *self, guint64 oid)
{
  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), FALSE);
  return g_hash_table_contains (self->expanded, &oid);
}

void
heapglass_layout_expand_frames (HeapglassLayout *self, guint more)
{
  g_return_if_fail (HEAPGLASS_IS_LAYOUT (self));
  if (more == 0 || self->extra_frames > G_MAXUINT / 2 - more)
    self->extra_frames = G_MAXUINT / 2;
  else
    self->extra_frames += more;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
heapglass_layout_collapse_frames (HeapglassLayout *self)
{
  g_return_if_fail (HEAPGLASS_IS_LAYOUT (self));
  if (self->extra_frames == 0)
    return;
  self->extra_frames = 0;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

guint
heapglass_layout_get_extra_frames (HeapglassLayout *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), 0);
  return self->extra_frames;
}

gboolean
heapglass_layout_activate (HeapglassLayout *self, const HeapglassSceneItem *item)
{
  g_return_val_if_fail (HEAPGLASS_IS_LAYOUT (self), FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  switch (item->kind)
    {
    case HEAPGLASS_SCENE_FRAMES_MARKER:
      heapglass_layout_expand_frames (self, FRAME_MARKER_STEP);
      return TRUE;
    case HEAPGLASS_SCENE_MORE_MARKER:
      heapglass_layout_set_object_expanded (self, item->oid,
                                            !g_hash_table_contains (self->expanded, &item->oid));
      return TRUE;
    case HEAPGLASS_SCENE_OBJECT:
      if (item->flags & HEAPGLASS_SCENE_FLAG_EXPANDED)
        {
          heapglass_layout_set_object_expanded (self, item->oid, FALSE);
          return TRUE;
        }
      return FALSE;
    case HEAPGLASS_SCENE_FRAME:
    case HEAPGLASS_SCENE_NAME:
    case HEAPGLASS_SCENE_SLOT:
    case HEAPGLASS_SCENE_ARROW:
    default:
      return FALSE;
    }
}

/* ---------------------------------------------------------------------------------------------- */

static void
heapglass_layout_finalize (GObject *object)
{
  HeapglassLayout *self = HEAPGLASS_LAYOUT (object);

  g_clear_pointer (&self->expanded, g_hash_table_unref);
  g_clear_pointer (&self->placements, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->grid, g_hash_table_unref);
  g_clear_pointer (&self->by_oid, g_hash_table_unref);
  g_clear_pointer (&self->visited, g_hash_table_unref);
  g_clear_pointer (&self->emitted, g_hash_table_unref);
  g_clear_pointer (&self->scene_grid, g_hash_table_unref);
  g_clear_pointer (&self->previous, g_hash_table_unref);
  g_clear_pointer (&self->cells, g_array_unref);
  g_string_free (self->text, TRUE);
  g_clear_object (&self->trace);

  G_OBJECT_CLASS (heapglass_layout_parent_class)->finalize (object);
}

static void
heapglass_layout_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  HeapglassLayout *self = HEAPGLASS_LAYOUT (object);

  switch (prop_id)
    {
    case PROP_INLINE_VALUES:
      g_value_set_boolean (value, self->inline_values);
      break;
    case PROP_MAX_SLOTS:
      g_value_set_uint (value, self->max_slots);
      break;
    case PROP_MAX_FRAMES:
      g_value_set_uint (value, self->max_frames);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heapglass_layout_set_property (GObject *object, guint prop_id, const GValue *value,
                               GParamSpec *pspec)
{
  HeapglassLayout *self = HEAPGLASS_LAYOUT (object);

  switch (prop_id)
    {
    case PROP_INLINE_VALUES:
      heapglass_layout_set_inline_values (self, g_value_get_boolean (value));
      break;
    case PROP_MAX_SLOTS:
      heapglass_layout_set_max_slots (self, g_value_get_uint (value));
      break;
    case PROP_MAX_FRAMES:
      heapglass_layout_set_max_frames (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heapglass_layout_class_init (HeapglassLayoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = heapglass_layout_finalize;
  object_class->get_property = heapglass_layout_get_property;
  object_class->set_property = heapglass_layout_set_property;

  properties[PROP_INLINE_VALUES]
      = g_param_spec_boolean ("inline-values", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_SLOTS]
      = g_param_spec_uint ("max-slots", NULL, NULL, 1, G_MAXUINT, 8,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_FRAMES]
      = g_param_spec_uint ("max-frames", NULL, NULL, 2, G_MAXUINT, 12,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
heapglass_layout_init (HeapglassLayout *self)
{
  self->max_slots = 8;
  self->max_frames = 12;
  self->expanded = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->placements = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  self->pending = g_ptr_array_new ();
  self->grid = g_hash_table_new_full (NULL, NULL, NULL, grid_cell_free);
  self->by_oid = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->visited = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->emitted = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->previous = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->scene_grid = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)g_array_unref);
  self->cells = g_array_new (FALSE, TRUE, sizeof (Cell));
  g_array_set_clear_func (self->cells, cell_clear);
  self->text = g_string_new (NULL);
}

HeapglassLayout *
heapglass_layout_new (void)
{
  return g_object_new (HEAPGLASS_TYPE_LAYOUT, NULL);
}
