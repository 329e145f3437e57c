/* heapglass-call-row.c: one row of the call tree panel, drawn by one widget. A GtkTreeExpander
 * makes a widget for every level of depth and GtkLabels measure their text again on every bind;
 * at the depths of fib(25) that cost more than a frame's time whenever the list scrolled. This
 * row keeps its two PangoLayouts, is one line high whatever it says, and draws its indentation
 * and triangle itself, so binding it only sets two strings. */
#include "config.h"

#include <glib/gi18n.h>

#include "heapglass-call-node.h"
#include "heapglass-call-row.h"

#define INDENT 16 /* one level of depth, and the triangle's square */
#define GAP 8     /* between the triangle, the label and the summary */

struct _HeapglassCallRow
{
  GtkWidget parent_instance;

  GtkTreeListRow *row;     /* bound, owned */
  HeapglassCallTree *tree; /* of the bound row's item, which keeps it */
  guint call;
  gulong expanded_handler;
  char *label;
  char *summary; /* NULL while expanded or when the call made none */

  /* Made once, their text set on bind; a new font only makes them measure again. */
  PangoLayout *label_layout;
  PangoLayout *summary_layout;
  GtkIconPaintable *triangles[2]; /* collapsed, expanded; looked up on first draw */
  int line_height;                /* 0: measure again */
};

G_DEFINE_FINAL_TYPE (HeapglassCallRow, heapglass_call_row, GTK_TYPE_WIDGET)

static void
ensure_layouts (HeapglassCallRow *self)
{
  if (self->label_layout == NULL)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      /* the call reads as Python: monospace like the code pane */
      pango_attr_list_insert (attrs, pango_attr_family_new ("Monospace"));
      self->label_layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
      pango_layout_set_attributes (self->label_layout, attrs);
      pango_layout_set_ellipsize (self->label_layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_single_paragraph_mode (self->label_layout, TRUE);
      pango_attr_list_unref (attrs);
      self->summary_layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
      pango_layout_set_ellipsize (self->summary_layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_single_paragraph_mode (self->summary_layout, TRUE);
    }
}

/* What the row says, for the accessible name: the focused row is what a screen reader reads. */
static void
update_accessible (HeapglassCallRow *self)
{
  GtkWidget *item = gtk_widget_get_parent (GTK_WIDGET (self));
  g_autofree char *name = NULL;
  gboolean expandable = self->row != NULL && gtk_tree_list_row_is_expandable (self->row);

  if (self->label == NULL)
    name = g_strdup ("");
  else if (self->summary != NULL)
    name = g_strconcat (self->label, " ", self->summary, NULL); /* "fib(n=5) → 5 … 14 calls" */
  else
    name = g_strdup (self->label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  /* The list item holding the row is the one that takes the focus. */
  if (item != NULL)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                      -1);
      if (expandable)
        gtk_accessible_update_state (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_STATE_EXPANDED,
                                     gtk_tree_list_row_get_expanded (self->row), -1);
      else
        gtk_accessible_reset_state (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_STATE_EXPANDED);
    }
}

static void
update_expanded (HeapglassCallRow *self)
{
  g_clear_pointer (&self->summary, g_free);
  /* What a collapsed call hides; an open one shows it. */
  if (self->row != NULL && !gtk_tree_list_row_get_expanded (self->row))
    self->summary = heapglass_call_tree_get_summary (self->tree, self->call);
  ensure_layouts (self);
  pango_layout_set_text (self->summary_layout, self->summary ? self->summary : "", -1);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
heapglass_call_row_set_list_row (HeapglassCallRow *self, GtkTreeListRow *row)
{
  g_return_if_fail (HEAPGLASS_IS_CALL_ROW (self));
  g_return_if_fail (row == NULL || GTK_IS_TREE_LIST_ROW (row));

  if (self->row != NULL)
    g_clear_signal_handler (&self->expanded_handler, self->row);
  g_clear_object (&self->row);
  g_clear_pointer (&self->label, g_free);
  self->tree = NULL;
  self->call = 0;
  if (row != NULL)
    {
      g_autoptr (HeapglassCallNode) node = gtk_tree_list_row_get_item (row);

      self->row = g_object_ref (row);
      self->tree = heapglass_call_node_get_tree (node);
      self->call = heapglass_call_node_get_call (node);
      self->label = heapglass_call_tree_get_label (self->tree, self->call);
      self->expanded_handler
          = g_signal_connect_swapped (row, "notify::expanded", G_CALLBACK (update_expanded), self);
    }
  ensure_layouts (self);
  pango_layout_set_text (self->label_layout, self->label ? self->label : "", -1);
  update_expanded (self);
}

GtkTreeListRow *
heapglass_call_row_get_list_row (HeapglassCallRow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CALL_ROW (self), NULL);
  return self->row;
}

guint
heapglass_call_row_get_call (HeapglassCallRow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CALL_ROW (self), 0);
  return self->call;
}

const char *
heapglass_call_row_get_label (HeapglassCallRow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CALL_ROW (self), NULL);
  return self->label;
}

const char *
heapglass_call_row_get_summary (HeapglassCallRow *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CALL_ROW (self), NULL);
  return self->summary;
}

/* Where the triangle is: after the indentation, which gives way to the text in a narrow panel. */
static int
triangle_x (HeapglassCallRow *self)
{
  guint depth = self->row ? gtk_tree_list_row_get_depth (self->row) : 0;
  return (int)MIN (depth * INDENT, (guint)MAX (gtk_widget_get_width (GTK_WIDGET (self)) / 2, 0));
}

/* x measured from the start of the line: from the right in right-to-left text. */
static double
line_x (HeapglassCallRow *self, double x, double width)
{
  if (gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL)
    return gtk_widget_get_width (GTK_WIDGET (self)) - x - width;
  return x;
}

static GtkIconPaintable *
triangle (HeapglassCallRow *self, gboolean expanded)
{
  if (self->triangles[expanded] == NULL)
    self->triangles[expanded] = gtk_icon_theme_lookup_icon (
        gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (self))),
        expanded ? "pan-down-symbolic" : "pan-end-symbolic", NULL, INDENT,
        gtk_widget_get_scale_factor (GTK_WIDGET (self)),
        gtk_widget_get_direction (GTK_WIDGET (self)), 0);
  return self->triangles[expanded];
}

static void
append_layout (GtkSnapshot *snapshot, PangoLayout *layout, double x, double y, const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float)x, (float)y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
heapglass_call_row_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  HeapglassCallRow *self = HEAPGLASS_CALL_ROW (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  int x, available, label_width, label_height;
  GdkRGBA color;

  if (self->row == NULL)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  x = triangle_x (self);
  if (gtk_tree_list_row_is_expandable (self->row))
    {
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float)line_x (self, x, INDENT),
                                                              (float)(height - INDENT) / 2));
      gtk_symbolic_paintable_snapshot_symbolic (
          GTK_SYMBOLIC_PAINTABLE (triangle (self, gtk_tree_list_row_get_expanded (self->row))),
          snapshot, INDENT, INDENT, &color, 1);
      gtk_snapshot_restore (snapshot);
    }
  x += INDENT + GAP / 2;
  available = width - x;
  if (available <= 0)
    return;

  ensure_layouts (self);
  pango_layout_set_width (self->label_layout, available * PANGO_SCALE);
  pango_layout_get_pixel_size (self->label_layout, &label_width, &label_height);
  append_layout (snapshot, self->label_layout, line_x (self, x, label_width),
                 (height - label_height) / 2.0, &color);
  available -= label_width + GAP;
  if (self->summary != NULL && available > 0)
    {
      int summary_width, summary_height;

      pango_layout_set_width (self->summary_layout, available * PANGO_SCALE);
      pango_layout_get_pixel_size (self->summary_layout, &summary_width, &summary_height);
      /* dimmed like a dim-label */
      color.alpha *= 0.55f;
      append_layout (snapshot, self->summary_layout,
                     line_x (self, x + label_width + GAP, summary_width),
                     (height - summary_height) / 2.0, &color);
    }
}

static void
heapglass_call_row_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                            int *minimum, int *natural, int *minimum_baseline,
                            int *natural_baseline)
{
  HeapglassCallRow *self = HEAPGLASS_CALL_ROW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* as wide as the list: the text is ellipsized */
      *minimum = *natural = INDENT + GAP;
      return;
    }
  /* One line of either font, whatever the row says: rows never change height. */
  if (self->line_height == 0)
    {
      g_autoptr (PangoLayout) probe = NULL;
      int label_height, summary_height;

      ensure_layouts (self);
      probe = pango_layout_copy (self->label_layout);
      pango_layout_set_text (probe, "Ag(…)→", -1);
      pango_layout_get_pixel_size (probe, NULL, &label_height);
      pango_layout_set_attributes (probe, NULL);
      pango_layout_get_pixel_size (probe, NULL, &summary_height);
      self->line_height = MAX (INDENT, MAX (label_height, summary_height));
    }
  *minimum = *natural = self->line_height;
}

static gboolean
heapglass_call_row_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard,
                                  GtkTooltip *tooltip)
{
  HeapglassCallRow *self = HEAPGLASS_CALL_ROW (widget);
  g_autofree char *text = NULL;

  /* made when asked: setting a tooltip on every bind asks the X server where the pointer is */
  if (self->row == NULL)
    return FALSE;
  text = g_strdup_printf (_ ("Steps %u–%u"),
                          heapglass_call_tree_get_first_step (self->tree, self->call),
                          heapglass_call_tree_get_last_step (self->tree, self->call));
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
heapglass_call_row_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  HeapglassCallRow *self = HEAPGLASS_CALL_ROW (widget);

  GTK_WIDGET_CLASS (heapglass_call_row_parent_class)->css_changed (widget, change);
  /* a new font or icon theme: measure and look up again */
  if (self->label_layout != NULL)
    {
      pango_layout_context_changed (self->label_layout);
      pango_layout_context_changed (self->summary_layout);
    }
  g_clear_object (&self->triangles[0]);
  g_clear_object (&self->triangles[1]);
  self->line_height = 0;
  gtk_widget_queue_resize (widget);
}

static void
heapglass_call_row_direction_changed (GtkWidget *widget, GtkTextDirection previous)
{
  HeapglassCallRow *self = HEAPGLASS_CALL_ROW (widget);

  g_clear_object (&self->triangles[0]);
  g_clear_object (&self->triangles[1]);
  gtk_widget_queue_draw (widget);
}

/* A click on the triangle opens or closes the call; elsewhere it is the list's (go to the call). */
static void
on_pressed (GtkGestureClick *gesture, int n_press, double x, double y, HeapglassCallRow *self)
{
  double start;

  if (self->row == NULL || !gtk_tree_list_row_is_expandable (self->row))
    return;
  start = line_x (self, triangle_x (self), INDENT);
  if (x < start - GAP / 2 || x > start + INDENT + GAP / 2)
    return;
  gtk_tree_list_row_set_expanded (self->row, !gtk_tree_list_row_get_expanded (self->row));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
heapglass_call_row_dispose (GObject *object)
{
  HeapglassCallRow *self = HEAPGLASS_CALL_ROW (object);

  if (self->row != NULL)
    g_clear_signal_handler (&self->expanded_handler, self->row);
  g_clear_object (&self->row);
  g_clear_object (&self->label_layout);
  g_clear_object (&self->summary_layout);
  g_clear_object (&self->triangles[0]);
  g_clear_object (&self->triangles[1]);
  G_OBJECT_CLASS (heapglass_call_row_parent_class)->dispose (object);
}

static void
heapglass_call_row_finalize (GObject *object)
{
  HeapglassCallRow *self = HEAPGLASS_CALL_ROW (object);

  g_free (self->label);
  g_free (self->summary);
  G_OBJECT_CLASS (heapglass_call_row_parent_class)->finalize (object);
}

static void
heapglass_call_row_class_init (HeapglassCallRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heapglass_call_row_dispose;
  object_class->finalize = heapglass_call_row_finalize;
  widget_class->snapshot = heapglass_call_row_snapshot;
  widget_class->measure = heapglass_call_row_measure;
  widget_class->query_tooltip = heapglass_call_row_query_tooltip;
  widget_class->css_changed = heapglass_call_row_css_changed;
  widget_class->direction_changed = heapglass_call_row_direction_changed;
  gtk_widget_class_set_css_name (widget_class, "callrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
heapglass_call_row_init (HeapglassCallRow *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
heapglass_call_row_new (void)
{
  return g_object_new (HEAPGLASS_TYPE_CALL_ROW, NULL);
}
