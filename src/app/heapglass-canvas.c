/* heapglass-canvas.c: the memory canvas. Caches one step's scene (built by the persistent layout
 * when the step changes, never while painting), draws it with the shared renderer through
 * GtkSnapshot, and turns pointer and keyboard input into pan, zoom, selection and expansion. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "heapglass-canvas.h"
#include "heapglass-canvas-a11y.h"
#include "heapglass-value-text.h"
#include "heapglass-renderer.h"

#define MIN_ZOOM 0.1
#define MAX_ZOOM 8.0
#define ZOOM_STEP 1.2
#define FIT_MAX_ZOOM 2.0
#define SCROLL_WHEEL_PIXELS 48.0
#define SCROLL_ANIMATION_USEC (250 * G_TIME_SPAN_MILLISECOND)
#define MOVE_ANIMATION_USEC (200 * G_TIME_SPAN_MILLISECOND)
#define HIT_MARGIN 2.0
/* Time set_step() may spend walking earlier steps for stable positions before it shows the step
 * anyway (objects not reached yet are placed on first sight), and the slice the background walk
 * takes per idle callback. Both small enough that scrubbing and input never stall. */
#define PREPARE_SYNC_BUDGET_US 4000
#define PREPARE_IDLE_BUDGET_US 6000
#define PREPARE_MAX_CHUNK 64
/* While the trace is still being decoded, its lock is busy: walk in slices this often. */
#define PREPARE_WHILE_TRACING_MS 100

/* Which scene item has the keyboard focus, by identity rather than index, so that it survives
 * rebuilding the scene when the step changes. */
typedef struct
{
  gboolean set;
  HeapglassSceneKind kind;
  guint64 oid;
  guint frame_id;
  guint slot;
} FocusKey;

struct _HeapglassCanvas
{
  GtkWidget parent_instance;

  HeapglassTrace *trace;
  HeapglassLayout *layout;
  guint prepared_steps; /* the layout has walked steps 1 … prepared_steps */
  guint prepare_id;     /* idle or timeout source walking the rest in the background */
  gboolean prepare_is_timeout;
  double prepare_step_us; /* measured cost of preparing one step (moving average) */
  guint step;
  HeapglassSnapshot *snapshot;
  HeapglassSnapshot *previous; /* the step before, when it was the one shown before (narration) */
  HeapglassMarks *marks;       /* drawn over the diagram (compare, predict); NULL = none */
  HeapglassScene *scene;
  HeapglassCanvasA11y *a11y; /* the scene as accessible child widgets */
  gboolean moving_focus;     /* the canvas itself is moving GTK focus to an item's widget */

  gboolean dark;
  gboolean dark_explicit;
  AdwStyleManager *style_manager;

  /* View: widget point = (scene point - offset) × zoom. */
  double zoom;
  double offset_x, offset_y;
  gboolean view_placed; /* the first scene was put at the top-left once the widget had a size */
  int allocated_width;  /* at the last allocation */

  /* Objects moving to their places in a new step's layout: `scene` drawn as `tween`. */
  HeapglassScene *move_from, *tween;
  guint move_tick_id;
  gint64 move_start;

  /* Scroll animation */
  guint tick_id;
  gint64 anim_start_time;
  double anim_from_x, anim_from_y, anim_to_x, anim_to_y;

  /* Gestures */
  double drag_offset_x, drag_offset_y;
  double pinch_zoom;
  GtkGesture *drag_gesture;
  double pointer_x, pointer_y;
  gboolean pointer_inside;

  guint64 selected_oid;
  FocusKey focus;

  GtkWidget *context_menu;
  GMenu *object_section; /* the context menu's part about the object under the pointer */
  guint64 menu_oid;      /* the container under the pointer when the menu opened, 0 if none */
};

G_DEFINE_FINAL_TYPE (HeapglassCanvas, heapglass_canvas, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_TRACE,
  PROP_STEP,
  PROP_DARK,
  PROP_ZOOM,
  PROP_SELECTED_OID,
  N_PROPS
};

enum
{
  SELECTION_CHANGED,
  OBJECT_ACTIVATED,
  EXPAND_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void canvas_update_accessible (HeapglassCanvas *self);

/* ---------------------------------------------------------------------------------------------
 * View transform
 */

void
heapglass_canvas_widget_to_scene (HeapglassCanvas *self, double widget_x, double widget_y,
                                  double *scene_x, double *scene_y)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS (self));

  if (scene_x)
    *scene_x = self->offset_x + widget_x / self->zoom;
  if (scene_y)
    *scene_y = self->offset_y + widget_y / self->zoom;
}

void
heapglass_canvas_scene_to_widget (HeapglassCanvas *self, double scene_x, double scene_y,
                                  double *widget_x, double *widget_y)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS (self));

  if (widget_x)
    *widget_x = (scene_x - self->offset_x) * self->zoom;
  if (widget_y)
    *widget_y = (scene_y - self->offset_y) * self->zoom;
}

void
heapglass_canvas_get_offset (HeapglassCanvas *self, double *scene_x, double *scene_y)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS (self));

  if (scene_x)
    *scene_x = self->offset_x;
  if (scene_y)
    *scene_y = self->offset_y;
}

static void
canvas_stop_animation (HeapglassCanvas *self)
{
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
}

static void
canvas_set_offset (HeapglassCanvas *self, double x, double y)
{
  if (x == self->offset_x && y == self->offset_y)
    return;
  self->offset_x = x;
  self->offset_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  /* the accessible widgets follow the view; during a scroll animation, once it ends */
  if (self->tick_id == 0)
    gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static gboolean
canvas_animation_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  HeapglassCanvas *self = HEAPGLASS_CANVAS (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  double t = (double)(now - self->anim_start_time) / SCROLL_ANIMATION_USEC;

  if (t >= 1.0)
    {
      self->tick_id = 0;
      canvas_set_offset (self, self->anim_to_x, self->anim_to_y);
      return G_SOURCE_REMOVE;
    }

  /* Ease out (cubic): quick start, gentle arrival, so the eye can follow where it went. */
  double e = 1.0 - pow (1.0 - CLAMP (t, 0.0, 1.0), 3);
  canvas_set_offset (self, self->anim_from_x + (self->anim_to_x - self->anim_from_x) * e,
                     self->anim_from_y + (self->anim_to_y - self->anim_from_y) * e);
  return G_SOURCE_CONTINUE;
}

static gboolean
canvas_animations_enabled (HeapglassCanvas *self)
{
  gboolean enabled = TRUE;

  g_object_get (gtk_widget_get_settings (GTK_WIDGET (self)), "gtk-enable-animations", &enabled,
                NULL);
  return enabled && gtk_widget_get_mapped (GTK_WIDGET (self));
}

void
heapglass_canvas_scroll_to (HeapglassCanvas *self, double scene_x, double scene_y, gboolean animate)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS (self));

  canvas_stop_animation (self);
  if (!animate || !canvas_animations_enabled (self))
    {
      canvas_set_offset (self, scene_x, scene_y);
      return;
    }

  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
  self->anim_start_time = clock ? gdk_frame_clock_get_frame_time (clock) : g_get_monotonic_time ();
  self->anim_from_x = self->offset_x;
  self->anim_from_y = self->offset_y;
  self->anim_to_x = scene_x;
  self->anim_to_y = scene_y;
  self->tick_id
      = gtk_widget_add_tick_callback (GTK_WIDGET (self), canvas_animation_tick, NULL, NULL);
}

/* Scroll just enough for the box to be visible (centred when it cannot be or is far away). */
static void
canvas_reveal_box (HeapglassCanvas *self, double x, double y, double width, double height,
                   gboolean animate)
{
  double view_w = gtk_widget_get_width (GTK_WIDGET (self)) / self->zoom;
  double view_h = gtk_widget_get_height (GTK_WIDGET (self)) / self->zoom;
  double margin = 24.0 / self->zoom;
  double to_x = self->tick_id ? self->anim_to_x : self->offset_x;
  double to_y = self->tick_id ? self->anim_to_y : self->offset_y;

  if (view_w <= 0 || view_h <= 0)
    return;

  if (width + 2 * margin > view_w)
    to_x = x + width / 2 - view_w / 2;
  else if (x - margin < to_x)
    to_x = x - margin;
  else if (x + width + margin > to_x + view_w)
    to_x = x + width + margin - view_w;

  if (height + 2 * margin > view_h)
    to_y = y - margin;
  else if (y - margin < to_y)
    to_y = y - margin;
  else if (y + height + margin > to_y + view_h)
    to_y = y + height + margin - view_h;

  heapglass_canvas_scroll_to (self, to_x, to_y, animate);
}

static void
canvas_set_zoom_internal (HeapglassCanvas *self, double zoom, double widget_x, double widget_y)
{
  double sx = 0, sy = 0;

  zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  canvas_stop_animation (self);
  heapglass_canvas_widget_to_scene (self, widget_x, widget_y, &sx, &sy);
  if (zoom == self->zoom)
    return;
  self->zoom = zoom;
  /* Keep the scene point under (widget_x, widget_y) where it was. */
  self->offset_x = sx - widget_x / zoom;
  self->offset_y = sy - widget_y / zoom;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

void
heapglass_canvas_zoom_at (HeapglassCanvas *self, double zoom, double widget_x, double widget_y)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS (self));
  canvas_set_zoom_internal (self, zoom, widget_x, widget_y);
}

void
heapglass_canvas_zoom_in (HeapglassCanvas *self)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS (self));
  canvas_set_zoom_internal (self, self->zoom * ZOOM_STEP,
                            gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                            gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
heapglass_canvas_zoom_out (HeapglassCanvas *self)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS (self));
  canvas_set_zoom_internal (self, self->zoom / ZOOM_STEP,
                            gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                            gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

static void
canvas_place_view_at_origin (HeapglassCanvas *self)
{
  double x = 0, y = 0;

  if (self->scene)
    heapglass_scene_get_extents (self->scene, &x, &y, NULL, NULL);
  canvas_stop_animation (self);
  canvas_set_offset (self, x, y);
}

/* GNOME's "Large Text" scales the fonts (gtk-xft-dpi above 96 dpi): the diagram's 100 % follows,
 * so its text is as large as the rest of the window's. */
static double
canvas_text_scale (HeapglassCanvas *self)
{
  int dpi = 0;

  g_object_get (gtk_widget_get_settings (GTK_WIDGET (self)), "gtk-xft-dpi", &dpi, NULL);
  if (dpi <= 0)
    return 1.0;
  return CLAMP (dpi / 1024.0 / 96.0, 1.0, 3.0);
}

void
heapglass_canvas_zoom_reset (HeapglassCanvas *self)
{
  double zoom;

  g_return_if_fail (HEAPGLASS_IS_CANVAS (self));

  zoom = canvas_text_scale (self);
  if (self->zoom != zoom)
    {
      self->zoom = zoom;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
    }
  canvas_place_view_at_origin (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
heapglass_canvas_zoom_fit (HeapglassCanvas *self)
{
  double x, y, w, h;
  int view_w, view_h;

  g_return_if_fail (HEAPGLASS_IS_CANVAS (self));

  view_w = gtk_widget_get_width (GTK_WIDGET (self));
  view_h = gtk_widget_get_height (GTK_WIDGET (self));
  if (self->scene == NULL || view_w <= 0 || view_h <= 0)
    return;

  heapglass_scene_get_extents (self->scene, &x, &y, &w, &h);
  if (w <= 0 || h <= 0)
    return;

  double zoom = CLAMP (MIN (view_w / w, view_h / h), MIN_ZOOM, FIT_MAX_ZOOM);
  canvas_stop_animation (self);
  if (zoom != self->zoom)
    {
      self->zoom = zoom;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
    }
  /* Centre the diagram in the view. */
  canvas_set_offset (self, x + w / 2 - view_w / zoom / 2, y + h / 2 - view_h / zoom / 2);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
heapglass_canvas_get_zoom (HeapglassCanvas *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS (self), 1.0);
  return self->zoom;
}

/* ---------------------------------------------------------------------------------------------
 * Scene
 */

static const HeapglassSceneItem *
canvas_find_focus_item (HeapglassCanvas *self)
{
  if (!self->focus.set || self->scene == NULL)
    return NULL;

  guint n = heapglass_scene_get_n_items (self->scene);
  for (guint i = 0; i < n; i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (self->scene, i);
      if (item->kind != self->focus.kind)
        continue;
      switch (item->kind)
        {
        case HEAPGLASS_SCENE_FRAME:
          if (item->frame_id == self->focus.frame_id)
            return item;
          break;
        case HEAPGLASS_SCENE_NAME:
          if (item->frame_id == self->focus.frame_id && item->slot == self->focus.slot)
            return item;
          break;
        case HEAPGLASS_SCENE_OBJECT:
        case HEAPGLASS_SCENE_MORE_MARKER:
          if (item->oid == self->focus.oid)
            return item;
          break;
        case HEAPGLASS_SCENE_FRAMES_MARKER:
          return item;
        case HEAPGLASS_SCENE_SLOT:
        case HEAPGLASS_SCENE_ARROW:
        default:
          break;
        }
    }
  return NULL;
}

static void
canvas_set_focus_item (HeapglassCanvas *self, const HeapglassSceneItem *item)
{
  if (item == NULL)
    self->focus.set = FALSE;
  else
    {
      self->focus.set = TRUE;
      self->focus.kind = item->kind;
      self->focus.oid = item->oid;
      self->focus.frame_id = item->frame_id;
      self->focus.slot = item->slot;
    }
  canvas_update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
canvas_stop_moves (HeapglassCanvas *self)
{
  if (self->move_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->move_tick_id);
  self->move_tick_id = 0;
  g_clear_pointer (&self->move_from, heapglass_scene_unref);
  g_clear_pointer (&self->tween, heapglass_scene_unref);
}

static gboolean
canvas_move_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  HeapglassCanvas *self = HEAPGLASS_CANVAS (widget);
  double t
      = (double)(gdk_frame_clock_get_frame_time (clock) - self->move_start) / MOVE_ANIMATION_USEC;

  g_clear_pointer (&self->tween, heapglass_scene_unref);
  gtk_widget_queue_draw (widget);
  if (t >= 1.0 || self->scene == NULL || self->move_from == NULL)
    {
      self->move_tick_id = 0;
      g_clear_pointer (&self->move_from, heapglass_scene_unref);
      return G_SOURCE_REMOVE;
    }
  /* Ease in and out: the eye follows a box from its old place to its new one. */
  t = t < 0.5 ? 4 * t * t * t : 1 - pow (-2 * t + 2, 3) / 2;
  self->tween = heapglass_scene_new_tween (self->move_from, self->scene, t);
  return G_SOURCE_CONTINUE;
}

static gboolean canvas_animations_enabled (HeapglassCanvas *self);

static void
canvas_rebuild_scene (HeapglassCanvas *self)
{
  g_autoptr (HeapglassScene) old = g_steal_pointer (&self->scene);

  canvas_stop_moves (self);
  if (self->snapshot != NULL)
    self->scene = heapglass_layout_build_scene (self->layout, self->snapshot);
  /* When the structure changed, objects glide to their new places (unless the desktop turned
   * animations off); a big picture just jumps. */
  if (old && self->scene && heapglass_scene_get_n_items (self->scene) < 4000
      && canvas_animations_enabled (self) && heapglass_scene_has_moves (old, self->scene))
    {
      self->move_from = g_steal_pointer (&old);
      self->move_start
          = gdk_frame_clock_get_frame_time (gtk_widget_get_frame_clock (GTK_WIDGET (self)));
      self->move_tick_id
          = gtk_widget_add_tick_callback (GTK_WIDGET (self), canvas_move_tick, NULL, NULL);
    }

  if (self->scene && !self->view_placed && gtk_widget_get_width (GTK_WIDGET (self)) > 0)
    {
      canvas_place_view_at_origin (self);
      self->view_placed = TRUE;
    }
  if (self->focus.set && canvas_find_focus_item (self) == NULL)
    self->focus.set = FALSE;

  heapglass_canvas_a11y_update (self->a11y, self->trace, self->scene, self->snapshot,
                                self->previous);
  canvas_update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_layout_changed (HeapglassLayout *layout, HeapglassCanvas *self)
{
  canvas_rebuild_scene (self);
}

HeapglassScene *
heapglass_canvas_get_scene (HeapglassCanvas *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS (self), NULL);
  return self->scene;
}

HeapglassSnapshot *
heapglass_canvas_get_snapshot (HeapglassCanvas *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS (self), NULL);
  return self->snapshot;
}

HeapglassLayout *
heapglass_canvas_get_layout (HeapglassCanvas *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS (self), NULL);
  return self->layout;
}

void
heapglass_canvas_reset_layout (HeapglassCanvas *self)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS (self));

  self->prepared_steps = 0;
  g_clear_handle_id (&self->prepare_id, g_source_remove);
  self->view_placed = FALSE;
  /* reset() emits "changed", which rebuilds the scene. */
  heapglass_layout_reset (self->layout);
}

void
heapglass_canvas_set_trace (HeapglassCanvas *self, HeapglassTrace *trace)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS (self));
  g_return_if_fail (trace == NULL || HEAPGLASS_IS_TRACE (trace));

  if (!g_set_object (&self->trace, trace))
    return;

  self->step = 0;
  g_clear_pointer (&self->snapshot, heapglass_snapshot_unref);
  self->focus.set = FALSE;
  heapglass_canvas_reset_layout (self);
  if (self->selected_oid != 0)
    {
      self->selected_oid = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_OID]);
      g_signal_emit (self, signals[SELECTION_CHANGED], 0, (guint64)0);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRACE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

HeapglassTrace *
heapglass_canvas_get_trace (HeapglassCanvas *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS (self), NULL);
  return self->trace;
}

/* Walks steps prepared_steps+1 … target in chunks sized from the measured cost per step, until
 * the target or the deadline. Chunks stay far below the layout's sampling threshold, so every
 * step is visited. Returns TRUE when the target was reached. */
static gboolean
canvas_prepare_until (HeapglassCanvas *self, guint target, gint64 deadline)
{
  while (self->prepared_steps < target)
    {
      gint64 now = g_get_monotonic_time ();
      if (now >= deadline)
        return FALSE;

      double chunk_f = (deadline - now) / MAX (self->prepare_step_us, 1.0);
      guint chunk = (guint)CLAMP (chunk_f, 1.0, (double)PREPARE_MAX_CHUNK);
      guint until = MIN (target, self->prepared_steps + chunk);

      heapglass_layout_prepare (self->layout, self->trace, until);
      gint64 spent = g_get_monotonic_time () - now;
      double per_step = (double)spent / (until - self->prepared_steps);
      self->prepare_step_us = 0.5 * self->prepare_step_us + 0.5 * per_step;
      self->prepared_steps = until;
    }
  return TRUE;
}

static gboolean
canvas_prepare_idle (gpointer user_data)
{
  HeapglassCanvas *self = HEAPGLASS_CANVAS (user_data);
  guint n_steps = self->trace ? heapglass_trace_get_n_steps (self->trace) : 0;

  if (canvas_prepare_until (self, n_steps, g_get_monotonic_time () + PREPARE_IDLE_BUDGET_US))
    {
      self->prepare_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
canvas_schedule_prepare (HeapglassCanvas *self)
{
  gboolean complete;

  if (self->trace == NULL || heapglass_trace_get_n_steps (self->trace) <= self->prepared_steps)
    return;
  complete = heapglass_trace_is_complete (self->trace);
  if (complete && self->prepare_is_timeout)
    g_clear_handle_id (&self->prepare_id, g_source_remove);
  if (self->prepare_id != 0)
    return;
  /* Below redraws and input, so the walk only uses time the user does not need; while tracing,
   * only now and then, so the window does not fight the decoder for the model's lock. */
  self->prepare_is_timeout = !complete;
  if (complete)
    self->prepare_id = g_idle_add_full (G_PRIORITY_LOW, canvas_prepare_idle, self, NULL);
  else
    self->prepare_id = g_timeout_add_full (G_PRIORITY_LOW, PREPARE_WHILE_TRACING_MS,
                                           canvas_prepare_idle, self, NULL);
}

void
heapglass_canvas_set_step (HeapglassCanvas *self, guint step)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS (self));

  guint n_steps = self->trace ? heapglass_trace_get_n_steps (self->trace) : 0;
  if (step > n_steps)
    step = n_steps;

  /* Place objects in the order the program created them, whatever order steps are viewed in:
   * walk the steps up to this one first, within a time budget; the rest of the trace (and what
   * the budget did not cover) is walked in the background. */
  if (self->trace && step > self->prepared_steps)
    canvas_prepare_until (self, step, g_get_monotonic_time () + PREPARE_SYNC_BUDGET_US);
  canvas_schedule_prepare (self);

  /* stepping forward, the step shown is the one before: the narration tells what changed */
  g_clear_pointer (&self->previous, heapglass_snapshot_unref);
  if (self->snapshot && step > 0 && self->snapshot->step + 1 == step)
    self->previous = g_steal_pointer (&self->snapshot);
  g_clear_pointer (&self->snapshot, heapglass_snapshot_unref);
  if (step > 0)
    self->snapshot = heapglass_trace_snapshot (self->trace, step);
  canvas_rebuild_scene (self);

  if (self->step != step)
    {
      self->step = step;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
    }
}

guint
heapglass_canvas_get_step (HeapglassCanvas *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS (self), 0);
  return self->step;
}

/* ---------------------------------------------------------------------------------------------
 * Theme
 */

static void
canvas_apply_dark (HeapglassCanvas *self, gboolean dark)
{
  dark = !!dark;
  if (self->dark == dark)
    return;
  self->dark = dark;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DARK]);
}

static void
on_style_manager_dark (AdwStyleManager *manager, GParamSpec *pspec, HeapglassCanvas *self)
{
  if (!self->dark_explicit)
    canvas_apply_dark (self, adw_style_manager_get_dark (manager));
}

void
heapglass_canvas_set_dark (HeapglassCanvas *self, gboolean dark)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS (self));

  self->dark_explicit = TRUE;
  canvas_apply_dark (self, dark);
}

gboolean
heapglass_canvas_get_dark (HeapglassCanvas *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS (self), FALSE);
  return self->dark;
}

/* ---------------------------------------------------------------------------------------------
 * Selection and clicks
 */

void
heapglass_canvas_select_oid (HeapglassCanvas *self, guint64 oid)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS (self));

  if (oid != 0 && self->scene != NULL)
    {
      const HeapglassSceneItem *object = heapglass_scene_find_object (self->scene, oid);
      if (object != NULL)
        canvas_reveal_box (self, object->x, object->y, object->width, object->height, TRUE);
    }

  if (self->selected_oid == oid)
    return;
  self->selected_oid = oid;
  heapglass_canvas_a11y_set_selected (self->a11y, oid);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_OID]);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0, oid);
}

guint64
heapglass_canvas_get_selected_oid (HeapglassCanvas *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS (self), 0);
  return self->selected_oid;
}

/* What activating an item (click, Enter) does. A name, slot or arrow follows its reference to
 * the object; an object is selected and offered to the inspector; markers expand. */
static gboolean
canvas_activate_item (HeapglassCanvas *self, const HeapglassSceneItem *item)
{
  if (item == NULL)
    {
      heapglass_canvas_select_oid (self, 0);
      return FALSE;
    }

  switch (item->kind)
    {
    case HEAPGLASS_SCENE_FRAMES_MARKER:
    case HEAPGLASS_SCENE_MORE_MARKER:
      {
        guint64 key = item->kind == HEAPGLASS_SCENE_MORE_MARKER ? item->oid : 0;
        /* activate() emits "changed" and the scene is rebuilt: keep the old one (and so `item`)
         * alive until activate() has returned. */
        g_autoptr (HeapglassScene) keep = heapglass_scene_ref (self->scene);
        (void)keep;
        if (heapglass_layout_activate (self->layout, item))
          g_signal_emit (self, signals[EXPAND_REQUESTED], 0, key);
        return TRUE;
      }
    case HEAPGLASS_SCENE_NAME:
      if (item->oid != 0)
        {
          heapglass_canvas_select_oid (self, item->oid);
          g_signal_emit (self, signals[OBJECT_ACTIVATED], 0, item->oid);
        }
      return TRUE;
    case HEAPGLASS_SCENE_SLOT:
    case HEAPGLASS_SCENE_ARROW:
      {
        guint64 oid = item->target_oid != 0 ? item->target_oid : item->oid;
        if (oid != 0)
          {
            heapglass_canvas_select_oid (self, oid);
            g_signal_emit (self, signals[OBJECT_ACTIVATED], 0, oid);
          }
        return TRUE;
      }
    case HEAPGLASS_SCENE_OBJECT:
      heapglass_canvas_select_oid (self, item->oid);
      g_signal_emit (self, signals[OBJECT_ACTIVATED], 0, item->oid);
      return TRUE;
    case HEAPGLASS_SCENE_FRAME:
    default:
      heapglass_canvas_select_oid (self, 0);
      return TRUE;
    }
}

static gboolean
canvas_is_focusable_item (const HeapglassSceneItem *item)
{
  switch (item->kind)
    {
    case HEAPGLASS_SCENE_FRAME:
    case HEAPGLASS_SCENE_NAME:
    case HEAPGLASS_SCENE_OBJECT:
    case HEAPGLASS_SCENE_FRAMES_MARKER:
    case HEAPGLASS_SCENE_MORE_MARKER:
      return TRUE;
    case HEAPGLASS_SCENE_SLOT:
    case HEAPGLASS_SCENE_ARROW:
    default:
      return FALSE;
    }
}

gboolean
heapglass_canvas_click_scene_point (HeapglassCanvas *self, double scene_x, double scene_y)
{
  const HeapglassSceneItem *item;

  g_return_val_if_fail (HEAPGLASS_IS_CANVAS (self), FALSE);

  item = self->scene ? heapglass_scene_hit_test (self->scene, scene_x, scene_y) : NULL;

  /* Clicking puts the keyboard focus where the pointer was, so Tab continues from there. */
  if (item != NULL)
    {
      const HeapglassSceneItem *focusable = item;
      if (!canvas_is_focusable_item (focusable) && focusable->parent != HEAPGLASS_SCENE_NO_PARENT)
        focusable = heapglass_scene_get_item (self->scene, focusable->parent);
      if (focusable && focusable->kind == HEAPGLASS_SCENE_SLOT
          && focusable->parent != HEAPGLASS_SCENE_NO_PARENT)
        focusable = heapglass_scene_get_item (self->scene, focusable->parent);
      if (focusable && canvas_is_focusable_item (focusable))
        canvas_set_focus_item (self, focusable);
    }

  return canvas_activate_item (self, item);
}

gboolean
heapglass_canvas_click_at (HeapglassCanvas *self, double widget_x, double widget_y)
{
  double sx = 0, sy = 0;

  g_return_val_if_fail (HEAPGLASS_IS_CANVAS (self), FALSE);

  heapglass_canvas_widget_to_scene (self, widget_x, widget_y, &sx, &sy);
  return heapglass_canvas_click_scene_point (self, sx, sy);
}

/* ---------------------------------------------------------------------------------------------
 * Descriptions (tooltips and the accessible description)
 */

static char *
describe_object_short (HeapglassCanvas *self, guint64 oid)
{
  const HeapglassObjectView *object
      = self->snapshot ? heapglass_snapshot_find_object (self->snapshot, oid) : NULL;

  if (object == NULL)
    return g_strdup_printf ("#%" PRIu64, oid);

  switch (object->kind)
    {
    case HG_KIND_NONE:
      return g_strdup ("None");
    case HG_KIND_BOOL:
      return g_strdup_printf ("bool %s", object->bool_value ? "True" : "False");
    case HG_KIND_INT:
      return g_strdup_printf ("int %" PRId64, object->int_value);
    case HG_KIND_FLOAT:
    case HG_KIND_STR:
      {
        g_autofree char *value = heapglass_value_text (object, 60);
        return g_strdup_printf ("%s %s", object->type_name, value);
      }
    case HG_KIND_LIST:
    case HG_KIND_TUPLE:
    case HG_KIND_SET:
    case HG_KIND_FROZENSET:
    case HG_KIND_DICT:
      /* Translators: a container's type, id and length: "list #12 (3 items)". */
      return g_strdup_printf (ngettext ("%s #%" PRIu64 " (%" PRIu64 " item)",
                                        "%s #%" PRIu64 " (%" PRIu64 " items)", object->length),
                              object->type_name, object->oid, object->length);
    default:
      if (object->text && *object->text)
        return g_strdup_printf ("%s %s", object->type_name, object->text);
      return g_strdup_printf ("%s #%" PRIu64, object->type_name, object->oid);
    }
}

static char *
canvas_describe_item (HeapglassCanvas *self, const HeapglassSceneItem *item)
{
  if (item == NULL)
    return NULL;

  switch (item->kind)
    {
    case HEAPGLASS_SCENE_FRAME:
      {
        const char *function = item->name ? item->name : "?";
        g_autofree char *where = NULL;
        if (g_strcmp0 (function, "<module>") == 0)
          where = g_strdup (_ ("Global frame (the script’s top level)"));
        else
          /* Translators: a function's stack frame. */
          where = g_strdup_printf (_ ("Frame of %s()"), function);
        if ((item->flags & HEAPGLASS_SCENE_FLAG_EXCEPTION) && item->text)
          /* Translators: a frame, then the exception raised in it. */
          return g_strdup_printf (_ ("%s: raised %s"), where, item->text);
        if (item->text)
          return g_strdup_printf ("%s, %s", where, item->text);
        return g_steal_pointer (&where);
      }
    case HEAPGLASS_SCENE_NAME:
      {
        if (item->oid == 0 || (item->flags & HEAPGLASS_SCENE_FLAG_INLINE))
          return g_strdup_printf ("%s = %s", item->name ? item->name : "?",
                                  item->text ? item->text : "");
        g_autofree char *target = describe_object_short (self, item->oid);
        /* Translators: a variable name and the object it refers to. */
        return g_strdup_printf (_ ("Name %s refers to %s. Click to select it"),
                                item->name ? item->name : "?", target);
      }
    case HEAPGLASS_SCENE_OBJECT:
      {
        const HeapglassObjectView *object
            = self->snapshot ? heapglass_snapshot_find_object (self->snapshot, item->oid) : NULL;
        g_autofree char *what = describe_object_short (self, item->oid);
        if (object == NULL)
          return g_steal_pointer (&what);
        if (object->freed)
          /* Translators: an object freed by this step. */
          return g_strdup_printf (_ ("%s, freed by this step"), what);
        /* Translators: an object, its size in bytes and its reference count. */
        return g_strdup_printf (_ ("%s, %" PRIu64 " bytes, %u references. Click to "
                                   "inspect"),
                                what, object->size, object->refcount);
      }
    case HEAPGLASS_SCENE_SLOT:
      {
        g_autofree char *container = describe_object_short (self, item->oid);
        if (item->target_oid == 0)
          return g_strdup_printf ("%s[%s] = %s", container, item->name ? item->name : "",
                                  item->text ? item->text : "");
        g_autofree char *target = describe_object_short (self, item->target_oid);
        /* Translators: a slot of a container (its label) and the object it refers to. */
        return g_strdup_printf (_ ("%s of %s refers to %s"), item->name ? item->name : "",
                                container, target);
      }
    case HEAPGLASS_SCENE_ARROW:
      {
        g_autofree char *target = describe_object_short (self, item->target_oid);
        if (item->flags & HEAPGLASS_SCENE_FLAG_DEAD)
          return g_strdup (_ ("Weak reference to an object that was freed"));
        if (item->flags & HEAPGLASS_SCENE_FLAG_WEAK)
          /* Translators: a weak reference does not keep its object alive. */
          return g_strdup_printf (_ ("Weak reference to %s (does not keep it alive)"), target);
        return g_strdup_printf (_ ("Reference to %s. Click to select it"), target);
      }
    case HEAPGLASS_SCENE_FRAMES_MARKER:
      return g_strdup_printf (ngettext ("%" PRIu64 " frame hidden. Click to show more",
                                        "%" PRIu64 " frames hidden. Click to show more",
                                        item->count),
                              item->count);
    case HEAPGLASS_SCENE_MORE_MARKER:
      return g_strdup_printf (ngettext ("%" PRIu64 " more item not shown. Click to "
                                        "expand",
                                        "%" PRIu64 " more items not shown. Click to "
                                        "expand",
                                        item->count),
                              item->count);
    default:
      return NULL;
    }
}

char *
heapglass_canvas_describe_at (HeapglassCanvas *self, double widget_x, double widget_y)
{
  double sx = 0, sy = 0;

  g_return_val_if_fail (HEAPGLASS_IS_CANVAS (self), NULL);

  if (self->scene == NULL)
    return NULL;
  heapglass_canvas_widget_to_scene (self, widget_x, widget_y, &sx, &sy);
  return canvas_describe_item (self, heapglass_scene_hit_test (self->scene, sx, sy));
}

static gboolean
on_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  gpointer user_data)
{
  HeapglassCanvas *self = HEAPGLASS_CANVAS (widget);
  g_autofree char *text = NULL;
  const HeapglassSceneItem *item = NULL;

  if (keyboard)
    {
      item = canvas_find_focus_item (self);
      text = canvas_describe_item (self, item);
    }
  else
    {
      double sx = 0, sy = 0;
      heapglass_canvas_widget_to_scene (self, x, y, &sx, &sy);
      item = self->scene ? heapglass_scene_hit_test (self->scene, sx, sy) : NULL;
      text = canvas_describe_item (self, item);
    }

  if (text == NULL)
    return FALSE;

  /* The tooltip belongs to the shape, not the pixel: moving within it keeps it up. */
  double wx = 0, wy = 0;
  heapglass_canvas_scene_to_widget (self, item->x, item->y, &wx, &wy);
  GdkRectangle area = { (int)floor (wx), (int)floor (wy), (int)ceil (item->width * self->zoom),
                        (int)ceil (item->height * self->zoom) };
  gtk_tooltip_set_tip_area (tooltip, &area);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static gboolean
canvas_has_focus_within (HeapglassCanvas *self)
{
  return (gtk_widget_get_state_flags (GTK_WIDGET (self)) & GTK_STATE_FLAG_FOCUS_WITHIN) != 0;
}

/* GTK's focus follows the focused shape to its accessible widget (so screen readers say what it
 * is), while the canvas or one of its shapes has the focus. The canvas's own description, the
 * step's narration, is set by HeapglassCanvasA11y. */
static void
canvas_update_accessible (HeapglassCanvas *self)
{
  GtkWidget *widget;

  if (!canvas_has_focus_within (self))
    return;
  widget = heapglass_canvas_a11y_get_widget (self->a11y, canvas_find_focus_item (self));
  if (widget == NULL)
    widget = GTK_WIDGET (self);
  if (gtk_widget_has_focus (widget))
    return;
  self->moving_focus = TRUE;
  gtk_widget_grab_focus (widget);
  self->moving_focus = FALSE;
}

/* Focus given to a shape's widget from outside the canvas's own moves (a screen reader's "grab
 * focus", a click on the widget tree): the canvas's focused shape follows. */
static void
heapglass_canvas_set_focus_child (GtkWidget *widget, GtkWidget *child)
{
  HeapglassCanvas *self = HEAPGLASS_CANVAS (widget);
  GtkRoot *root;
  GtkWidget *focus;
  int index;

  GTK_WIDGET_CLASS (heapglass_canvas_parent_class)->set_focus_child (widget, child);
  if (self->moving_focus || child == NULL || self->scene == NULL)
    return;
  root = gtk_widget_get_root (widget);
  focus = root ? gtk_root_get_focus (root) : NULL;
  index = focus ? heapglass_canvas_a11y_get_index (self->a11y, focus) : -1;
  if (index >= 0 && (guint)index < heapglass_scene_get_n_items (self->scene)
      && heapglass_scene_get_item (self->scene, (guint)index) != canvas_find_focus_item (self))
    canvas_set_focus_item (self, heapglass_scene_get_item (self->scene, (guint)index));
}

/* ---------------------------------------------------------------------------------------------
 * Drawing
 */

static void
heapglass_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  HeapglassCanvas *self = HEAPGLASS_CANVAS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  HeapglassTheme theme = self->dark ? HEAPGLASS_THEME_DARK : HEAPGLASS_THEME_LIGHT;
  double bg[4];
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, width, height);

  if (width <= 0 || height <= 0)
    return;

  heapglass_renderer_get_background (theme, bg);
  gtk_snapshot_append_color (snapshot, &(GdkRGBA){ bg[0], bg[1], bg[2], bg[3] }, &bounds);

  if (self->scene == NULL)
    return;

  /* Vector drawing into a cairo node: GSK rasterises it at the surface's scale factor, so it is
   * crisp on HiDPI with no bitmap cache of ours. The scene is already built: this only draws. */
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  HeapglassRenderOptions options;

  heapglass_render_options_init (&options);
  options.theme = theme;
  options.selected_oid = self->selected_oid;
  options.draw_background = FALSE;

  cairo_scale (cr, self->zoom, self->zoom);
  cairo_translate (cr, -self->offset_x, -self->offset_y);
  heapglass_renderer_draw (cr, self->tween ? self->tween : self->scene, &options);

  /* Keyboard focus ring around the focused shape, only when the keyboard is in use. */
  const HeapglassSceneItem *focus = canvas_find_focus_item (self);
  GtkRoot *root = gtk_widget_get_root (widget);
  if (focus != NULL && canvas_has_focus_within (self)
      && (!GTK_IS_WINDOW (root) || gtk_window_get_focus_visible (GTK_WINDOW (root))))
    {
      /* High contrast: a thicker ring in the text colour, not a tint */
      gboolean high_contrast
          = self->style_manager && adw_style_manager_get_high_contrast (self->style_manager);
      double pad = 3.0 / self->zoom;

      if (high_contrast)
        {
          double fg[4];
          heapglass_renderer_get_foreground (theme, fg);
          cairo_set_source_rgba (cr, fg[0], fg[1], fg[2], 1.0);
        }
      else
        cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.9);
      cairo_set_line_width (cr, (high_contrast ? 3.5 : 2.0) / self->zoom);
      cairo_rectangle (cr, focus->x - pad, focus->y - pad, focus->width + 2 * pad,
                       focus->height + 2 * pad);
      cairo_stroke (cr);
    }

  if (self->marks != NULL)
    heapglass_marks_draw (self->marks, cr, self->scene, self->dark);
  cairo_destroy (cr);
}

static void
heapglass_canvas_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                          int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = 100;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 600 : 400;
}

static void
heapglass_canvas_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  HeapglassCanvas *self = HEAPGLASS_CANVAS (widget);

  gtk_popover_present (GTK_POPOVER (self->context_menu));

  if (self->scene != NULL && !self->view_placed && width > 0)
    {
      canvas_place_view_at_origin (self);
      self->view_placed = TRUE;
    }
  else if (self->scene != NULL && self->selected_oid != 0 && width < self->allocated_width)
    {
      /* Narrowed (the inspector opened beside it for the selection): the selection stays in
       * sight. */
      const HeapglassSceneItem *object
          = heapglass_scene_find_object (self->scene, self->selected_oid);

      if (object != NULL)
        canvas_reveal_box (self, object->x, object->y, object->width, object->height, FALSE);
    }
  self->allocated_width = width;
  heapglass_canvas_a11y_allocate (self->a11y, self->zoom, self->offset_x, self->offset_y);
}

/* ---------------------------------------------------------------------------------------------
 * Input
 */

static void
on_click_released (GtkGestureClick *gesture, int n_press, double x, double y, HeapglassCanvas *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));

  /* A double click on a container toggles showing all its recorded items. */
  if (n_press == 2 && self->scene != NULL)
    {
      double sx = 0, sy = 0;
      heapglass_canvas_widget_to_scene (self, x, y, &sx, &sy);
      const HeapglassSceneItem *item = heapglass_scene_hit_test (self->scene, sx, sy);
      if (item && item->kind == HEAPGLASS_SCENE_OBJECT
          && (item->object_kind == HG_KIND_LIST || item->object_kind == HG_KIND_TUPLE
              || item->object_kind == HG_KIND_SET || item->object_kind == HG_KIND_FROZENSET
              || item->object_kind == HG_KIND_DICT))
        {
          guint64 oid = item->oid;
          heapglass_layout_set_object_expanded (
              self->layout, oid, !heapglass_layout_get_object_expanded (self->layout, oid));
          g_signal_emit (self, signals[EXPAND_REQUESTED], 0, oid);
          return;
        }
    }

  heapglass_canvas_click_at (self, x, y);
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, HeapglassCanvas *self)
{
  /* The secondary button opens the context menu instead. */
  if (gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture)) == GDK_BUTTON_SECONDARY)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  canvas_stop_animation (self);
  self->drag_offset_x = self->offset_x;
  self->drag_offset_y = self->offset_y;
}

static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy, HeapglassCanvas *self)
{
  /* Below the drag threshold it is still a click: do not move the diagram under it. */
  if (!gtk_drag_check_threshold (GTK_WIDGET (self), 0, 0, (int)dx, (int)dy)
      && self->offset_x == self->drag_offset_x && self->offset_y == self->drag_offset_y)
    return;

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
  canvas_set_offset (self, self->drag_offset_x - dx / self->zoom,
                     self->drag_offset_y - dy / self->zoom);
}

static void
on_drag_end (GtkGestureDrag *gesture, double dx, double dy, HeapglassCanvas *self)
{
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller, double dx, double dy, HeapglassCanvas *self)
{
  GdkModifierType state
      = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  gboolean wheel = gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL;

  if (state & GDK_CONTROL_MASK)
    {
      double x
          = self->pointer_inside ? self->pointer_x : gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      double y = self->pointer_inside ? self->pointer_y
                                      : gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
      double factor = wheel ? pow (ZOOM_STEP, -dy) : exp (-dy / 100.0);
      canvas_set_zoom_internal (self, self->zoom * factor, x, y);
      return TRUE;
    }

  double scale = wheel ? SCROLL_WHEEL_PIXELS : 1.0;
  if (state & GDK_SHIFT_MASK && dx == 0)
    {
      dx = dy;
      dy = 0;
    }
  canvas_stop_animation (self);
  canvas_set_offset (self, self->offset_x + dx * scale / self->zoom,
                     self->offset_y + dy * scale / self->zoom);
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *controller, double x, double y, HeapglassCanvas *self)
{
  const HeapglassSceneItem *item = NULL;
  double sx = 0, sy = 0;

  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = TRUE;

  /* A hand over what a click follows or expands, so references read as links. */
  heapglass_canvas_widget_to_scene (self, x, y, &sx, &sy);
  if (self->scene)
    item = heapglass_scene_hit_test (self->scene, sx, sy);
  gboolean link
      = item != NULL
        && (item->kind == HEAPGLASS_SCENE_ARROW || item->kind == HEAPGLASS_SCENE_MORE_MARKER
            || item->kind == HEAPGLASS_SCENE_FRAMES_MARKER || item->kind == HEAPGLASS_SCENE_OBJECT
            || ((item->kind == HEAPGLASS_SCENE_NAME || item->kind == HEAPGLASS_SCENE_SLOT)
                && item->target_oid + item->oid != 0));
  if (!gtk_gesture_is_active (self->drag_gesture))
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), link ? "pointer" : NULL);
}

static void
on_leave (GtkEventControllerMotion *controller, HeapglassCanvas *self)
{
  self->pointer_inside = FALSE;
}

static void
on_zoom_begin (GtkGesture *gesture, GdkEventSequence *sequence, HeapglassCanvas *self)
{
  self->pinch_zoom = self->zoom;
}

static void
on_zoom_scale_changed (GtkGestureZoom *gesture, double scale, HeapglassCanvas *self)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    {
      x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }
  canvas_set_zoom_internal (self, self->pinch_zoom * scale, x, y);
}

static gboolean
is_container_kind (HgKind kind)
{
  return kind == HG_KIND_LIST || kind == HG_KIND_TUPLE || kind == HG_KIND_SET
         || kind == HG_KIND_FROZENSET || kind == HG_KIND_DICT;
}

/* Right click: the view's commands, and for a container under the pointer, showing all of its
 * items or collapsing it again. */
static void
on_context_pressed (GtkGestureClick *gesture, int n_press, double x, double y,
                    HeapglassCanvas *self)
{
  const HeapglassSceneItem *item = NULL;
  double sx = 0, sy = 0;

  heapglass_canvas_widget_to_scene (self, x, y, &sx, &sy);
  if (self->scene)
    item = heapglass_scene_hit_test (self->scene, sx, sy);
  /* A slot or "… N more" belongs to its container. */
  while (item && item->kind != HEAPGLASS_SCENE_OBJECT && item->parent != HEAPGLASS_SCENE_NO_PARENT
         && item->kind != HEAPGLASS_SCENE_ARROW)
    item = heapglass_scene_get_item (self->scene, item->parent);

  self->menu_oid
      = item && item->kind == HEAPGLASS_SCENE_OBJECT && is_container_kind (item->object_kind)
            ? item->oid
            : 0;
  g_menu_remove_all (self->object_section);
  if (self->menu_oid != 0)
    {
      g_autoptr (GMenuItem) toggle
          = g_menu_item_new (heapglass_layout_get_object_expanded (self->layout, self->menu_oid)
                                 ? _ ("_Collapse")
                                 : _ ("Show _All Items"),
                             NULL);
      g_menu_item_set_action_and_target_value (toggle, "canvas.toggle-expanded",
                                               g_variant_new_uint64 (self->menu_oid));
      g_menu_append_item (self->object_section, toggle);
    }
  /* Inside the widget, or GDK cannot place the popup on a monitor. */
  x = CLAMP (x, 0, gtk_widget_get_width (GTK_WIDGET (self)));
  y = CLAMP (y, 0, gtk_widget_get_height (GTK_WIDGET (self)));
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu),
                               &(GdkRectangle){ (int)x, (int)y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
canvas_action_zoom (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HeapglassCanvas *self = HEAPGLASS_CANVAS (widget);

  if (g_str_equal (action_name, "canvas.zoom-in"))
    heapglass_canvas_zoom_in (self);
  else if (g_str_equal (action_name, "canvas.zoom-out"))
    heapglass_canvas_zoom_out (self);
  else if (g_str_equal (action_name, "canvas.zoom-reset"))
    heapglass_canvas_zoom_reset (self);
  else
    heapglass_canvas_zoom_fit (self);
}

static void
canvas_action_toggle_expanded (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HeapglassCanvas *self = HEAPGLASS_CANVAS (widget);
  guint64 oid = g_variant_get_uint64 (parameter);

  if (oid == 0)
    return;
  heapglass_layout_set_object_expanded (self->layout, oid,
                                        !heapglass_layout_get_object_expanded (self->layout, oid));
  g_signal_emit (self, signals[EXPAND_REQUESTED], 0, oid);
}

static GMenuModel *
canvas_context_menu_model (GMenu *object)
{
  GMenu *menu = g_menu_new ();
  g_autoptr (GMenu) view = g_menu_new ();

  g_menu_append (view, _ ("Zoom _In"), "canvas.zoom-in");
  g_menu_append (view, _ ("Zoom _Out"), "canvas.zoom-out");
  g_menu_append (view, _ ("_Original Size"), "canvas.zoom-reset");
  g_menu_append (view, _ ("Zoom to _Fit"), "canvas.zoom-fit");
  g_menu_append (view, _ ("Show _Library Objects"), "diagram.show-library-objects");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (object));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (view));
  return G_MENU_MODEL (menu);
}

/* The focus chain: the stack first, top to bottom (frames, their names, the collapsed middle),
 * then the heap objects in scene order, each followed by its "… N more" marker. */
static GPtrArray *
canvas_focus_chain (HeapglassCanvas *self)
{
  GPtrArray *chain = g_ptr_array_new ();
  guint n = self->scene ? heapglass_scene_get_n_items (self->scene) : 0;

  for (guint i = 0; i < n; i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (self->scene, i);
      if (item->kind == HEAPGLASS_SCENE_FRAME || item->kind == HEAPGLASS_SCENE_NAME
          || item->kind == HEAPGLASS_SCENE_FRAMES_MARKER)
        g_ptr_array_add (chain, (gpointer)item);
    }
  /* Stack items by position: frames come before their names, the marker between the frames. */
  for (guint i = 1; i < chain->len; i++)
    for (guint j = i; j > 0; j--)
      {
        const HeapglassSceneItem *a = chain->pdata[j - 1], *b = chain->pdata[j];
        if (a->y < b->y || (a->y == b->y && a->x <= b->x))
          break;
        chain->pdata[j - 1] = (gpointer)b;
        chain->pdata[j] = (gpointer)a;
      }

  for (guint i = 0; i < n; i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (self->scene, i);
      if (item->kind != HEAPGLASS_SCENE_OBJECT)
        continue;
      g_ptr_array_add (chain, (gpointer)item);
      for (guint j = 0; j < n; j++)
        {
          const HeapglassSceneItem *marker = heapglass_scene_get_item (self->scene, j);
          if (marker->kind == HEAPGLASS_SCENE_MORE_MARKER && marker->parent == i)
            g_ptr_array_add (chain, (gpointer)marker);
        }
    }
  return chain;
}

static gboolean
heapglass_canvas_focus (GtkWidget *widget, GtkDirectionType direction)
{
  HeapglassCanvas *self = HEAPGLASS_CANVAS (widget);
  g_autoptr (GPtrArray) chain = canvas_focus_chain (self);
  const HeapglassSceneItem *current = canvas_find_focus_item (self);
  gboolean forward;
  int index = -1;

  switch (direction)
    {
    case GTK_DIR_TAB_FORWARD:
    case GTK_DIR_DOWN:
    case GTK_DIR_RIGHT:
      forward = TRUE;
      break;
    case GTK_DIR_TAB_BACKWARD:
    case GTK_DIR_UP:
    case GTK_DIR_LEFT:
    default:
      forward = FALSE;
      break;
    }

  if (chain->len == 0)
    {
      if (canvas_has_focus_within (self))
        return FALSE;
      return gtk_widget_grab_focus (widget);
    }

  if (canvas_has_focus_within (self) && current != NULL)
    {
      for (guint i = 0; i < chain->len; i++)
        if (chain->pdata[i] == current)
          index = (int)i;
      index += forward ? 1 : -1;
      if (index < 0 || index >= (int)chain->len)
        {
          /* Past either end: let the focus leave the canvas. */
          canvas_set_focus_item (self, NULL);
          return FALSE;
        }
    }
  else
    index = forward ? 0 : (int)chain->len - 1;

  const HeapglassSceneItem *item = chain->pdata[index];
  if (!canvas_has_focus_within (self))
    gtk_widget_grab_focus (widget);
  /* the selection follows the keyboard: a name selects what it refers to */
  if ((item->kind == HEAPGLASS_SCENE_OBJECT || item->kind == HEAPGLASS_SCENE_NAME)
      && item->oid != 0)
    {
      HeapglassSceneKind kind = item->kind;
      guint64 oid = item->oid;
      guint frame_id = item->frame_id, slot = item->slot;

      heapglass_canvas_select_oid (self, oid);
      /* selecting does not rebuild the scene; look the item up again all the same */
      item = NULL;
      for (guint i = 0; i < chain->len && item == NULL; i++)
        {
          const HeapglassSceneItem *candidate = chain->pdata[i];
          if (candidate->kind == kind && candidate->oid == oid && candidate->frame_id == frame_id
              && candidate->slot == slot)
            item = candidate;
        }
      if (item == NULL)
        return TRUE;
    }
  canvas_set_focus_item (self, item);
  canvas_reveal_box (self, item->x, item->y, item->width, item->height, FALSE);
  return TRUE;
}

const HeapglassSceneItem *
heapglass_canvas_get_focus_item (HeapglassCanvas *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS (self), NULL);
  return canvas_find_focus_item (self);
}

gboolean
heapglass_canvas_activate_focus (HeapglassCanvas *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS (self), FALSE);

  const HeapglassSceneItem *item = canvas_find_focus_item (self);
  if (item == NULL)
    return FALSE;

  HeapglassSceneKind kind = item->kind;
  canvas_activate_item (self, item);
  /* Following a name moves the focus to the object it refers to, so Tab continues from there. */
  if (self->scene && self->selected_oid != 0 && kind == HEAPGLASS_SCENE_NAME)
    {
      const HeapglassSceneItem *object
          = heapglass_scene_find_object (self->scene, self->selected_oid);
      if (object)
        canvas_set_focus_item (self, object);
    }
  return TRUE;
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller, guint keyval, guint keycode,
                GdkModifierType state, HeapglassCanvas *self)
{
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_space:
    case GDK_KEY_KP_Space:
      return heapglass_canvas_activate_focus (self);
    case GDK_KEY_Escape:
      if (self->selected_oid == 0)
        return FALSE;
      heapglass_canvas_select_oid (self, 0);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
on_focus_changed (HeapglassCanvas *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---------------------------------------------------------------------------------------------
 * GObject
 */

static void
heapglass_canvas_root (GtkWidget *widget)
{
  HeapglassCanvas *self = HEAPGLASS_CANVAS (widget);

  GTK_WIDGET_CLASS (heapglass_canvas_parent_class)->root (widget);

  /* Follow the system's light/dark choice, unless the window told us otherwise. */
  if (self->style_manager == NULL)
    {
      /* first time in a window: start at the text size the user chose */
      if (self->zoom == 1.0 && canvas_text_scale (self) != 1.0)
        {
          self->zoom = canvas_text_scale (self);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
        }
      self->style_manager = g_object_ref (adw_style_manager_get_default ());
      g_signal_connect_object (self->style_manager, "notify::dark",
                               G_CALLBACK (on_style_manager_dark), self, 0);
      g_signal_connect_object (self->style_manager, "notify::high-contrast",
                               G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
      on_style_manager_dark (self->style_manager, NULL, self);
    }
}

static void
heapglass_canvas_dispose (GObject *object)
{
  HeapglassCanvas *self = HEAPGLASS_CANVAS (object);

  canvas_stop_animation (self);
  canvas_stop_moves (self);
  g_clear_pointer (&self->marks, heapglass_marks_unref);
  g_clear_pointer (&self->a11y, heapglass_canvas_a11y_free);
  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  g_clear_object (&self->object_section);
  g_clear_handle_id (&self->prepare_id, g_source_remove);
  if (self->layout)
    g_signal_handlers_disconnect_by_func (self->layout, on_layout_changed, self);
  g_clear_object (&self->layout);
  g_clear_pointer (&self->scene, heapglass_scene_unref);
  g_clear_pointer (&self->snapshot, heapglass_snapshot_unref);
  g_clear_pointer (&self->previous, heapglass_snapshot_unref);
  g_clear_object (&self->trace);
  g_clear_object (&self->style_manager);
  G_OBJECT_CLASS (heapglass_canvas_parent_class)->dispose (object);
}

static void
heapglass_canvas_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  HeapglassCanvas *self = HEAPGLASS_CANVAS (object);

  switch (prop_id)
    {
    case PROP_TRACE:
      g_value_set_object (value, self->trace);
      break;
    case PROP_STEP:
      g_value_set_uint (value, self->step);
      break;
    case PROP_DARK:
      g_value_set_boolean (value, self->dark);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_SELECTED_OID:
      g_value_set_uint64 (value, self->selected_oid);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heapglass_canvas_set_property (GObject *object, guint prop_id, const GValue *value,
                               GParamSpec *pspec)
{
  HeapglassCanvas *self = HEAPGLASS_CANVAS (object);

  switch (prop_id)
    {
    case PROP_TRACE:
      heapglass_canvas_set_trace (self, g_value_get_object (value));
      break;
    case PROP_STEP:
      heapglass_canvas_set_step (self, g_value_get_uint (value));
      break;
    case PROP_DARK:
      heapglass_canvas_set_dark (self, g_value_get_boolean (value));
      break;
    case PROP_ZOOM:
      canvas_set_zoom_internal (self, g_value_get_double (value),
                                gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                                gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
      break;
    case PROP_SELECTED_OID:
      heapglass_canvas_select_oid (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heapglass_canvas_class_init (HeapglassCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heapglass_canvas_dispose;
  object_class->get_property = heapglass_canvas_get_property;
  object_class->set_property = heapglass_canvas_set_property;

  widget_class->snapshot = heapglass_canvas_snapshot;
  widget_class->measure = heapglass_canvas_measure;
  widget_class->size_allocate = heapglass_canvas_size_allocate;
  widget_class->focus = heapglass_canvas_focus;
  widget_class->set_focus_child = heapglass_canvas_set_focus_child;
  widget_class->root = heapglass_canvas_root;

  properties[PROP_TRACE]
      = g_param_spec_object ("trace", NULL, NULL, HEAPGLASS_TYPE_TRACE,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STEP]
      = g_param_spec_uint ("step", NULL, NULL, 0, G_MAXUINT, 0,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DARK]
      = g_param_spec_boolean ("dark", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM]
      = g_param_spec_double ("zoom", NULL, NULL, MIN_ZOOM, MAX_ZOOM, 1.0,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_OID]
      = g_param_spec_uint64 ("selected-oid", NULL, NULL, 0, G_MAXUINT64, 0,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SELECTION_CHANGED]
      = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);
  signals[OBJECT_ACTIVATED]
      = g_signal_new ("object-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);
  signals[EXPAND_REQUESTED]
      = g_signal_new ("expand-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);

  /* The view's commands as widget actions (menus and the window can use them). */
  gtk_widget_class_install_action (widget_class, "canvas.zoom-in", NULL, canvas_action_zoom);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-out", NULL, canvas_action_zoom);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-reset", NULL, canvas_action_zoom);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-fit", NULL, canvas_action_zoom);
  /* parameter: the container's oid */
  gtk_widget_class_install_action (widget_class, "canvas.toggle-expanded", "t",
                                   canvas_action_toggle_expanded);

  gtk_widget_class_set_css_name (widget_class, "heapglass-canvas");
  /* a group: its frames, names and objects are children a screen reader walks */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
heapglass_canvas_init (HeapglassCanvas *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkGesture *click, *drag, *zoom;
  GtkEventController *scroll, *motion, *key;

  self->zoom = 1.0;
  self->prepare_step_us = PREPARE_SYNC_BUDGET_US; /* the first chunk is one step: measure */
  self->layout = heapglass_layout_new ();
  g_signal_connect (self->layout, "changed", G_CALLBACK (on_layout_changed), self);
  {
    /* The layout's own option, as a check item of the context menu. */
    g_autoptr (GSimpleActionGroup) diagram = g_simple_action_group_new ();
    g_autoptr (GPropertyAction) library
        = g_property_action_new ("show-library-objects", self->layout, "show-library-objects");

    g_action_map_add_action (G_ACTION_MAP (diagram), G_ACTION (library));
    gtk_widget_insert_action_group (widget, "diagram", G_ACTION_GROUP (diagram));
  }

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_focus_on_click (widget, TRUE);

  self->object_section = g_menu_new ();
  g_autoptr (GMenuModel) menu_model = canvas_context_menu_model (self->object_section);
  self->context_menu = gtk_popover_menu_new_from_model (menu_model);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_menu, widget);
  self->a11y = heapglass_canvas_a11y_new (widget);

  GtkGesture *context = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (context), GDK_BUTTON_SECONDARY);
  g_signal_connect (context, "pressed", G_CALLBACK (on_context_pressed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (context));
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
  g_signal_connect (widget, "notify::has-focus", G_CALLBACK (on_focus_changed), NULL);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (on_click_released), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  /* Any button drags the diagram; a primary press that does not move is the click above. */
  drag = gtk_gesture_drag_new ();
  self->drag_gesture = drag;
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  zoom = gtk_gesture_zoom_new ();
  g_signal_connect (zoom, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (zoom));

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, scroll);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (widget, motion);

  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (widget, key);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Memory diagram"), -1);
}

GtkWidget *
heapglass_canvas_new (void)
{
  return g_object_new (HEAPGLASS_TYPE_CANVAS, NULL);
}

void
heapglass_canvas_set_narration_note (HeapglassCanvas *self, const char *note)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS (self));
  heapglass_canvas_a11y_set_note (self->a11y, note);
}

const char *
heapglass_canvas_get_announcement (HeapglassCanvas *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CANVAS (self), NULL);
  return self->a11y ? heapglass_canvas_a11y_get_status (self->a11y) : NULL;
}

void
heapglass_canvas_set_marks (HeapglassCanvas *self, HeapglassMarks *marks)
{
  g_return_if_fail (HEAPGLASS_IS_CANVAS (self));

  if (marks != NULL)
    heapglass_marks_ref (marks);
  g_clear_pointer (&self->marks, heapglass_marks_unref);
  self->marks = marks;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
