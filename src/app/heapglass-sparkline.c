/* heapglass-sparkline.c: the memory sparkline under the timeline: live objects (or bytes) at every
 * step, downsampled to one min/max bar per pixel column, the current step marked, click to seek. */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "heapglass-sparkline.h"

struct _HeapglassSparkline
{
  GtkWidget parent_instance;

  HeapglassTrace *trace;
  guint step;
  HeapglassSparklineMode mode;

  /* The model's memory profile as last taken: at most MAX_BUCKETS buckets of bucket_size
   * consecutive steps (min and max of each value): memory and redraw cost stay bounded however
   * long the run, and every step went into it, so no spike is lost. */
  guint n_read;           /* steps 1 … n_read are in the buckets */
  guint n_known;          /* steps the trace had at the last refresh */
  guint bucket_size;      /* a power of two */
  guint64 *bucket_min[2]; /* [mode][bucket] */
  guint64 *bucket_max[2];
  guint read_id; /* idle or timeout source reading the rest */
  gboolean read_is_timeout;
  guint64 step_value[2]; /* the current step's values */

  /* Downsampled columns for the last width drawn; rebuilt when the width, mode or data change. */
  guint64 *col_min;
  guint64 *col_max;
  guint n_cols;
  guint cols_width;
  gboolean cols_valid;

  GtkWidget *menu; /* right-click: objects or bytes */

  /* Peak of each value, for the accessible label. */
  guint64 peak[2];
  guint peak_step[2];
};

G_DEFINE_FINAL_TYPE (HeapglassSparkline, heapglass_sparkline, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_TRACE,
  PROP_STEP,
  PROP_MODE,
  N_PROPS
};

enum
{
  STEP_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define SPARKLINE_HEIGHT 32
#define MAX_BUCKETS 4096
/* Reading steps from the model: what refresh() may spend at once, and per idle slice after it. */
#define READ_SYNC_BUDGET_US 3000
#define READ_IDLE_BUDGET_US 5000
/* While the trace is still being decoded its lock is busy: read in short slices this often. */
#define READ_WHILE_TRACING_MS 100

static guint
sparkline_n_steps (HeapglassSparkline *self)
{
  return self->n_read;
}

static void
sparkline_update_accessible (HeapglassSparkline *self)
{
  guint n = self->n_known;
  g_autofree char *label = NULL;

  if (n == 0)
    label = g_strdup (_ ("Memory over time: no trace"));
  else
    {
      guint64 peak = self->peak[self->mode];
      guint peak_step = self->peak_step[self->mode];
      guint64 now = self->step_value[self->mode];

      if (self->mode == HEAPGLASS_SPARKLINE_BYTES)
        label = g_strdup_printf (
            _ ("Live bytes over %u steps: %" PRIu64 " now, peak %" PRIu64 " at step %u"), n, now,
            peak, peak_step);
      else
        label = g_strdup_printf (
            _ ("Live objects over %u steps: %" PRIu64 " now, peak %" PRIu64 " at step %u"), n, now,
            peak, peak_step);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
sparkline_read_step_value (HeapglassSparkline *self)
{
  gboolean valid = self->trace && self->step >= 1 && self->step <= self->n_known;

  self->step_value[HEAPGLASS_SPARKLINE_OBJECTS]
      = valid ? heapglass_trace_get_step_live_objects (self->trace, self->step) : 0;
  self->step_value[HEAPGLASS_SPARKLINE_BYTES]
      = valid ? heapglass_trace_get_step_live_bytes (self->trace, self->step) : 0;
}

static void
sparkline_clear_data (HeapglassSparkline *self)
{
  self->n_read = 0;
  self->n_known = 0;
  self->bucket_size = 1;
  for (int m = 0; m < 2; m++)
    {
      self->peak[m] = 0;
      self->peak_step[m] = 0;
    }
  self->cols_valid = FALSE;
}

/* Takes the model's memory profile, which it keeps as the steps arrive (at most MAX_BUCKETS
 * buckets): no step is read one by one, so a run of a hundred million steps costs what a short
 * one does. Returns TRUE: everything known is in. */
static gboolean
sparkline_read_until (HeapglassSparkline *self, gint64 deadline)
{
  g_autofree HeapglassMemoryBucket *buckets = g_new (HeapglassMemoryBucket, MAX_BUCKETS);
  guint size = 1, n_steps = 0, n;

  n = heapglass_trace_get_memory_profile (self->trace, buckets, MAX_BUCKETS, &size, &n_steps);
  if (n_steps == self->n_read)
    return TRUE;
  n = MIN (n, MAX_BUCKETS);
  for (guint i = 0; i < n; i++)
    {
      self->bucket_min[HEAPGLASS_SPARKLINE_OBJECTS][i] = buckets[i].min_objects;
      self->bucket_max[HEAPGLASS_SPARKLINE_OBJECTS][i] = buckets[i].max_objects;
      self->bucket_min[HEAPGLASS_SPARKLINE_BYTES][i] = buckets[i].min_bytes;
      self->bucket_max[HEAPGLASS_SPARKLINE_BYTES][i] = buckets[i].max_bytes;
    }
  self->bucket_size = size;
  self->n_read = n_steps;
  self->n_known = MAX (self->n_known, n_steps);
  heapglass_trace_get_memory_peaks (self->trace, &self->peak[HEAPGLASS_SPARKLINE_OBJECTS],
                                    &self->peak_step[HEAPGLASS_SPARKLINE_OBJECTS],
                                    &self->peak[HEAPGLASS_SPARKLINE_BYTES],
                                    &self->peak_step[HEAPGLASS_SPARKLINE_BYTES]);
  self->cols_valid = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

static gboolean
sparkline_read_slice (gpointer user_data)
{
  HeapglassSparkline *self = HEAPGLASS_SPARKLINE (user_data);

  if (sparkline_read_until (self, g_get_monotonic_time () + READ_IDLE_BUDGET_US))
    {
      self->read_id = 0;
      sparkline_update_accessible (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Takes note of steps that arrived and reads them in the background: in idle slices once the
 * trace is complete, every READ_WHILE_TRACING_MS while it is still being decoded (so the window
 * does not fight the decoder for the model's lock). A trace of millions of steps never stalls
 * the window; the chart fills in from the left. */
static void
sparkline_read_new_steps (HeapglassSparkline *self)
{
  gboolean complete;

  self->n_known = self->trace ? heapglass_trace_get_n_steps (self->trace) : 0;
  if (self->n_read >= self->n_known)
    return;

  complete = heapglass_trace_is_complete (self->trace);
  if (complete && self->read_is_timeout)
    g_clear_handle_id (&self->read_id, g_source_remove);
  if (complete && sparkline_read_until (self, g_get_monotonic_time () + READ_SYNC_BUDGET_US))
    return;
  if (self->read_id != 0)
    return;
  self->read_is_timeout = !complete;
  if (complete)
    self->read_id = g_idle_add_full (G_PRIORITY_LOW, sparkline_read_slice, self, NULL);
  else
    self->read_id = g_timeout_add_full (G_PRIORITY_LOW, READ_WHILE_TRACING_MS, sparkline_read_slice,
                                        self, NULL);
}

guint
heapglass_sparkline_get_columns (HeapglassSparkline *self, guint n_columns, guint64 *mins,
                                 guint64 *maxs)
{
  g_return_val_if_fail (HEAPGLASS_IS_SPARKLINE (self), 0);
  g_return_val_if_fail (n_columns == 0 || (mins != NULL && maxs != NULL), 0);

  guint n = sparkline_n_steps (self);
  guint size = self->bucket_size;
  const guint64 *bmin = self->bucket_min[self->mode], *bmax = self->bucket_max[self->mode];
  guint cols = MIN (n, n_columns);

  /* Column c covers steps [c·n/cols, (c+1)·n/cols) (0-based): every step, through its bucket,
   * lands in a column, so a one-step spike is never lost however long the run. */
  for (guint c = 0; c < cols; c++)
    {
      guint first = (guint)((guint64)c * n / cols);
      guint last = (guint)((guint64)(c + 1) * n / cols);
      guint64 lo = G_MAXUINT64, hi = 0;

      for (guint b = first / size; b <= (last - 1) / size; b++)
        {
          lo = MIN (lo, bmin[b]);
          hi = MAX (hi, bmax[b]);
        }
      mins[c] = lo;
      maxs[c] = hi;
    }
  return cols;
}

guint
heapglass_sparkline_step_at (HeapglassSparkline *self, double x)
{
  g_return_val_if_fail (HEAPGLASS_IS_SPARKLINE (self), 0);

  guint n = self->n_known;
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  if (n == 0)
    return 0;
  if (width <= 0)
    return 1;

  double fraction = CLAMP (x / width, 0.0, 1.0);
  guint step = (guint)(fraction * n) + 1;
  return CLAMP (step, 1, n);
}

static void
sparkline_ensure_columns (HeapglassSparkline *self, guint width)
{
  if (self->cols_valid && self->cols_width == width)
    return;

  g_free (self->col_min);
  g_free (self->col_max);
  self->col_min = g_new (guint64, MAX (width, 1));
  self->col_max = g_new (guint64, MAX (width, 1));
  self->n_cols = heapglass_sparkline_get_columns (self, width, self->col_min, self->col_max);
  self->cols_width = width;
  self->cols_valid = TRUE;
}

static void
sparkline_get_color (HeapglassSparkline *self, GdkRGBA *color)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), color);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
heapglass_sparkline_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  HeapglassSparkline *self = HEAPGLASS_SPARKLINE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  guint n = self->n_known;
  GdkRGBA fg, fill, span, edge, marker;

  if (width <= 0 || height <= 0 || n == 0)
    return;

  /* Colours derive from the text colour, so light, dark and high contrast all work. */
  sparkline_get_color (self, &fg);
  fill = span = edge = marker = fg;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  /* libadwaita's accent colour marks the current step, as a slider's thumb would. */
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "accent_color",
                                       &marker))
    marker = fg;
  G_GNUC_END_IGNORE_DEPRECATIONS
  fill.alpha *= 0.15;
  span.alpha *= 0.35;
  edge.alpha *= 0.7;

  /* Steps not read yet (a long trace being summarised in the background) leave the right part
   * of the chart empty for a moment. */
  guint chart_width = (guint)((guint64)width * sparkline_n_steps (self) / n);
  sparkline_ensure_columns (self, chart_width);

  guint64 top = MAX (1, self->peak[self->mode]);

  /* Per column: a faint area up to the max, the min…max span darker (a column that hides a
   * short spike still shows it) and a thin edge on top. Colour nodes only: cheap to redraw. */
  double col_w = self->n_cols ? (double)chart_width / self->n_cols : 0;
  double usable = height - 2.0;
  for (guint c = 0; c < self->n_cols; c++)
    {
      double x = floor (c * col_w);
      double w = floor ((c + 1) * col_w) - x;
      double y_max = height - usable * (double)self->col_max[c] / (double)top;
      double y_min = height - usable * (double)self->col_min[c] / (double)top;

      gtk_snapshot_append_color (snapshot, &fill,
                                 &GRAPHENE_RECT_INIT (x, y_max, w, height - y_max));
      if (y_min - y_max >= 1.0)
        gtk_snapshot_append_color (snapshot, &span,
                                   &GRAPHENE_RECT_INIT (x, y_max, w, y_min - y_max));
      gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (x, y_max - 1, w, 1.5));
    }

  /* The current step: a line across the chart and a dot at its value. */
  if (self->step >= 1 && self->step <= n)
    {
      double x = floor (((self->step - 1) + 0.5) * width / n);
      double y = height - usable * (double)MIN (self->step_value[self->mode], top) / (double)top;
      GskRoundedRect dot;

      gtk_snapshot_append_color (snapshot, &marker, &GRAPHENE_RECT_INIT (x - 1, 0, 2, height));
      gsk_rounded_rect_init_from_rect (&dot, &GRAPHENE_RECT_INIT (x - 3.5, y - 3.5, 7, 7), 3.5);
      gtk_snapshot_push_rounded_clip (snapshot, &dot);
      gtk_snapshot_append_color (snapshot, &marker, &dot.bounds);
      gtk_snapshot_pop (snapshot);
    }
}

static void
heapglass_sparkline_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                             int *minimum, int *natural, int *minimum_baseline,
                             int *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 40;
      *natural = 200;
    }
  else
    {
      *minimum = 16;
      *natural = SPARKLINE_HEIGHT;
    }
}

static void
sparkline_seek (HeapglassSparkline *self, double x)
{
  guint step = heapglass_sparkline_step_at (self, x);

  if (step == 0 || step == self->step)
    return;
  heapglass_sparkline_set_step (self, step);
  g_signal_emit (self, signals[STEP_ACTIVATED], 0, step);
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, HeapglassSparkline *self)
{
  sparkline_seek (self, x);
}

static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy, HeapglassSparkline *self)
{
  double x, y;

  if (gtk_gesture_drag_get_start_point (gesture, &x, &y))
    sparkline_seek (self, x + dx);
}

static gboolean
on_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  HeapglassSparkline *self)
{
  guint step = keyboard ? self->step : heapglass_sparkline_step_at (self, x);
  g_autofree char *text = NULL;

  if (step == 0 || step > self->n_known || self->trace == NULL)
    return FALSE;

  text = g_strdup_printf (_ ("Step %u: %" PRIu64 " live objects, %" PRIu64 " bytes"), step,
                          heapglass_trace_get_step_live_objects (self->trace, step),
                          heapglass_trace_get_step_live_bytes (self->trace, step));
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
on_menu_pressed (GtkGestureClick *gesture, int n_press, double x, double y,
                 HeapglassSparkline *self)
{
  /* Inside the widget, or GDK cannot place the popup on a monitor. */
  x = CLAMP (x, 0, gtk_widget_get_width (GTK_WIDGET (self)));
  y = CLAMP (y, 0, gtk_widget_get_height (GTK_WIDGET (self)));
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &(GdkRectangle){ (int)x, (int)y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->menu));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
heapglass_sparkline_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  HeapglassSparkline *self = HEAPGLASS_SPARKLINE (widget);

  gtk_popover_present (GTK_POPOVER (self->menu));
}

static void
heapglass_sparkline_dispose (GObject *object)
{
  HeapglassSparkline *self = HEAPGLASS_SPARKLINE (object);

  g_clear_pointer (&self->menu, gtk_widget_unparent);
  g_clear_handle_id (&self->read_id, g_source_remove);
  g_clear_object (&self->trace);
  G_OBJECT_CLASS (heapglass_sparkline_parent_class)->dispose (object);
}

static void
heapglass_sparkline_finalize (GObject *object)
{
  HeapglassSparkline *self = HEAPGLASS_SPARKLINE (object);

  for (int m = 0; m < 2; m++)
    {
      g_clear_pointer (&self->bucket_min[m], g_free);
      g_clear_pointer (&self->bucket_max[m], g_free);
    }
  g_clear_pointer (&self->col_min, g_free);
  g_clear_pointer (&self->col_max, g_free);
  G_OBJECT_CLASS (heapglass_sparkline_parent_class)->finalize (object);
}

static void
heapglass_sparkline_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  HeapglassSparkline *self = HEAPGLASS_SPARKLINE (object);

  switch (prop_id)
    {
    case PROP_TRACE:
      g_value_set_object (value, self->trace);
      break;
    case PROP_STEP:
      g_value_set_uint (value, self->step);
      break;
    case PROP_MODE:
      g_value_set_uint (value, self->mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heapglass_sparkline_set_property (GObject *object, guint prop_id, const GValue *value,
                                  GParamSpec *pspec)
{
  HeapglassSparkline *self = HEAPGLASS_SPARKLINE (object);

  switch (prop_id)
    {
    case PROP_TRACE:
      heapglass_sparkline_set_trace (self, g_value_get_object (value));
      break;
    case PROP_STEP:
      heapglass_sparkline_set_step (self, g_value_get_uint (value));
      break;
    case PROP_MODE:
      heapglass_sparkline_set_mode (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heapglass_sparkline_class_init (HeapglassSparklineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heapglass_sparkline_dispose;
  object_class->finalize = heapglass_sparkline_finalize;
  object_class->get_property = heapglass_sparkline_get_property;
  object_class->set_property = heapglass_sparkline_set_property;

  widget_class->snapshot = heapglass_sparkline_snapshot;
  widget_class->measure = heapglass_sparkline_measure;
  widget_class->size_allocate = heapglass_sparkline_size_allocate;

  properties[PROP_TRACE] = g_param_spec_object ("trace", NULL, NULL, HEAPGLASS_TYPE_TRACE,
                                                G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STEP]
      = g_param_spec_uint ("step", NULL, NULL, 0, G_MAXUINT, 0,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODE]
      = g_param_spec_uint ("mode", NULL, NULL, 0, HEAPGLASS_SPARKLINE_BYTES, 0,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[STEP_ACTIVATED]
      = g_signal_new ("step-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_install_property_action (widget_class, "sparkline.mode", "mode");

  gtk_widget_class_set_css_name (widget_class, "sparkline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
heapglass_sparkline_init (HeapglassSparkline *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  for (int m = 0; m < 2; m++)
    {
      self->bucket_min[m] = g_new0 (guint64, MAX_BUCKETS);
      self->bucket_max[m] = g_new0 (guint64, MAX_BUCKETS);
    }
  sparkline_clear_data (self);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), self);

  /* Right click chooses what is charted. */
  g_autoptr (GMenu) model = g_menu_new ();
  g_autoptr (GMenuItem) objects = g_menu_item_new (_ ("Live _Objects"), NULL);
  g_autoptr (GMenuItem) bytes = g_menu_item_new (_ ("Live _Bytes"), NULL);
  g_menu_item_set_action_and_target_value (objects, "sparkline.mode",
                                           g_variant_new_uint32 (HEAPGLASS_SPARKLINE_OBJECTS));
  g_menu_item_set_action_and_target_value (bytes, "sparkline.mode",
                                           g_variant_new_uint32 (HEAPGLASS_SPARKLINE_BYTES));
  g_menu_append_item (model, objects);
  g_menu_append_item (model, bytes);
  self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (model));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
  gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->menu, GTK_WIDGET (self));

  GtkGesture *menu_click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (menu_click), GDK_BUTTON_SECONDARY);
  g_signal_connect (menu_click, "pressed", G_CALLBACK (on_menu_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (menu_click));

  sparkline_update_accessible (self);
}

GtkWidget *
heapglass_sparkline_new (void)
{
  return g_object_new (HEAPGLASS_TYPE_SPARKLINE, NULL);
}

void
heapglass_sparkline_set_trace (HeapglassSparkline *self, HeapglassTrace *trace)
{
  g_return_if_fail (HEAPGLASS_IS_SPARKLINE (self));
  g_return_if_fail (trace == NULL || HEAPGLASS_IS_TRACE (trace));

  if (!g_set_object (&self->trace, trace))
    return;

  g_clear_handle_id (&self->read_id, g_source_remove);
  sparkline_clear_data (self);
  sparkline_read_new_steps (self);
  sparkline_read_step_value (self);
  sparkline_update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRACE]);
}

void
heapglass_sparkline_refresh (HeapglassSparkline *self)
{
  g_return_if_fail (HEAPGLASS_IS_SPARKLINE (self));

  guint before = self->n_known;
  sparkline_read_new_steps (self);
  if (self->n_known != before)
    {
      sparkline_read_step_value (self);
      sparkline_update_accessible (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

void
heapglass_sparkline_set_step (HeapglassSparkline *self, guint step)
{
  g_return_if_fail (HEAPGLASS_IS_SPARKLINE (self));

  if (self->step == step)
    return;
  self->step = step;
  sparkline_read_step_value (self);
  sparkline_update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

guint
heapglass_sparkline_get_step (HeapglassSparkline *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_SPARKLINE (self), 0);
  return self->step;
}

void
heapglass_sparkline_set_mode (HeapglassSparkline *self, HeapglassSparklineMode mode)
{
  g_return_if_fail (HEAPGLASS_IS_SPARKLINE (self));
  g_return_if_fail (mode <= HEAPGLASS_SPARKLINE_BYTES);

  if (self->mode == mode)
    return;
  self->mode = mode;
  self->cols_valid = FALSE;
  sparkline_update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

HeapglassSparklineMode
heapglass_sparkline_get_mode (HeapglassSparkline *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_SPARKLINE (self), HEAPGLASS_SPARKLINE_OBJECTS);
  return self->mode;
}
