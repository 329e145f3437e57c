/* heapglass-call-tree-panel.c: the call tree panel. A GtkListView over a GtkTreeListModel whose
 * levels are HeapglassCallLists, so only expanded calls have rows and only visible rows have
 * widgets or labels: a run of 200,000 calls opens as fast as one of ten. */
#include "config.h"

#include <glib/gi18n.h>

#include "heapglass-call-list.h"
#include "heapglass-call-node.h"
#include "heapglass-call-row.h"
#include "heapglass-call-tree-panel.h"
#include "heapglass-resources.h"

struct _HeapglassCallTreePanel
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkListView *list_view;

  HeapglassCallTree *tree;
  GtkTreeListModel *model;
  GtkSingleSelection *selection;
  guint selected_call;
};

G_DEFINE_FINAL_TYPE (HeapglassCallTreePanel, heapglass_call_tree_panel, GTK_TYPE_WIDGET)

enum
{
  CALL_ACTIVATED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static GListModel *
create_child_model (gpointer item, gpointer user_data)
{
  HeapglassCallNode *node = item;
  HeapglassCallTree *tree = heapglass_call_node_get_tree (node);
  guint call = heapglass_call_node_get_call (node);

  if (heapglass_call_tree_get_n_children (tree, call) == 0)
    return NULL;
  return G_LIST_MODEL (heapglass_call_list_new (tree, call));
}

static void
setup_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  gtk_list_item_set_child (item, heapglass_call_row_new ());
}

static void
bind_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  heapglass_call_row_set_list_row (HEAPGLASS_CALL_ROW (gtk_list_item_get_child (item)),
                                   gtk_list_item_get_item (item));
}

static void
unbind_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  heapglass_call_row_set_list_row (HEAPGLASS_CALL_ROW (gtk_list_item_get_child (item)), NULL);
}

static guint
call_at_position (HeapglassCallTreePanel *self, guint position)
{
  g_autoptr (GtkTreeListRow) row = NULL;
  g_autoptr (HeapglassCallNode) node = NULL;

  if (self->model == NULL)
    return 0;
  row = gtk_tree_list_model_get_row (self->model, position);
  if (row == NULL)
    return 0;
  node = gtk_tree_list_row_get_item (row);
  return heapglass_call_node_get_call (node);
}

static void
list_activated (GtkListView *list_view, guint position, HeapglassCallTreePanel *self)
{
  guint call = call_at_position (self, position);

  if (call != 0)
    g_signal_emit (self, signals[CALL_ACTIVATED], 0, call,
                   heapglass_call_tree_get_first_step (self->tree, call));
}

/* The row of the list item that has the keyboard focus, or NULL. */
static HeapglassCallRow *
focused_row (HeapglassCallTreePanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *widget = root ? gtk_root_get_focus (root) : NULL;

  for (; widget != NULL && widget != GTK_WIDGET (self->list_view);
       widget = gtk_widget_get_parent (widget))
    {
      GtkWidget *child = gtk_widget_get_first_child (widget);

      if (HEAPGLASS_IS_CALL_ROW (widget))
        return HEAPGLASS_CALL_ROW (widget);
      if (child != NULL && HEAPGLASS_IS_CALL_ROW (child))
        return HEAPGLASS_CALL_ROW (child);
    }
  return NULL;
}

static void
focus_position (HeapglassCallTreePanel *self, guint position)
{
  /* scrolled to, its row exists: its list item takes the focus */
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (self->list_view)); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *child = gtk_widget_get_first_child (item);
      GtkTreeListRow *row;

      if (child == NULL || !HEAPGLASS_IS_CALL_ROW (child))
        continue;
      row = heapglass_call_row_get_list_row (HEAPGLASS_CALL_ROW (child));
      if (row != NULL && gtk_tree_list_row_get_position (row) == position)
        {
          gtk_widget_grab_focus (item);
          return;
        }
    }
}

/* A tree's keys on the focused row: + and * open it, - and / close it, Right opens it or goes to
 * its first callee, Left closes it or goes to its caller (mirrored in right-to-left text). */
static gboolean
on_key_pressed (GtkEventControllerKey *keys, guint keyval, guint keycode, GdkModifierType state,
                HeapglassCallTreePanel *self)
{
  HeapglassCallRow *row_widget = focused_row (self);
  GtkTreeListRow *row = row_widget ? heapglass_call_row_get_list_row (row_widget) : NULL;
  gboolean rtl = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL;
  gboolean expandable, expanded;

  if (row == NULL || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return FALSE;
  expandable = gtk_tree_list_row_is_expandable (row);
  expanded = gtk_tree_list_row_get_expanded (row);
  if (keyval == GDK_KEY_Right || keyval == GDK_KEY_KP_Right)
    keyval = rtl ? GDK_KEY_Left : GDK_KEY_Right;
  else if (keyval == GDK_KEY_Left || keyval == GDK_KEY_KP_Left)
    keyval = rtl ? GDK_KEY_Right : GDK_KEY_Left;
  switch (keyval)
    {
    case GDK_KEY_plus:
    case GDK_KEY_KP_Add:
    case GDK_KEY_asterisk:
    case GDK_KEY_KP_Multiply:
      gtk_tree_list_row_set_expanded (row, TRUE);
      return TRUE;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
    case GDK_KEY_slash:
    case GDK_KEY_KP_Divide:
      gtk_tree_list_row_set_expanded (row, FALSE);
      return TRUE;
    case GDK_KEY_Right:
      if (expandable && !expanded)
        gtk_tree_list_row_set_expanded (row, TRUE);
      else if (expandable)
        focus_position (self, gtk_tree_list_row_get_position (row) + 1);
      return TRUE;
    case GDK_KEY_Left:
      if (expanded)
        gtk_tree_list_row_set_expanded (row, FALSE);
      else
        {
          g_autoptr (GtkTreeListRow) parent = gtk_tree_list_row_get_parent (row);
          if (parent != NULL)
            focus_position (self, gtk_tree_list_row_get_position (parent));
        }
      return TRUE;
    default:
      return FALSE;
    }
}

static void
heapglass_call_tree_panel_dispose (GObject *object)
{
  HeapglassCallTreePanel *self = HEAPGLASS_CALL_TREE_PANEL (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HEAPGLASS_TYPE_CALL_TREE_PANEL);
  /* Unnamed template children are not cleared by dispose_template. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->tree);
  G_OBJECT_CLASS (heapglass_call_tree_panel_parent_class)->dispose (object);
}

static void
heapglass_call_tree_panel_class_init (HeapglassCallTreePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heapglass_call_tree_panel_dispose;

  signals[CALL_ACTIVATED]
      = g_signal_new ("call-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  /* The resources live in a static library: referring to them keeps them linked in. */
  g_assert (heapglass_get_resource () != NULL);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/heapglass/Heapglass/heapglass-call-tree-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, HeapglassCallTreePanel, stack);
  gtk_widget_class_bind_template_child (widget_class, HeapglassCallTreePanel, list_view);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "calltree");
}

static void
heapglass_call_tree_panel_init (HeapglassCallTreePanel *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  g_signal_connect (self->list_view, "activate", G_CALLBACK (list_activated), self);
  /* before the list's own keys: Left and Right mean nothing to a vertical list */
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), keys);
}

GtkWidget *
heapglass_call_tree_panel_new (void)
{
  return g_object_new (HEAPGLASS_TYPE_CALL_TREE_PANEL, NULL);
}

void
heapglass_call_tree_panel_set_tree (HeapglassCallTreePanel *self, HeapglassCallTree *tree)
{
  g_return_if_fail (HEAPGLASS_IS_CALL_TREE_PANEL (self));
  g_return_if_fail (tree == NULL || HEAPGLASS_IS_CALL_TREE (tree));

  gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_set_object (&self->tree, tree);
  self->selected_call = 0;
  if (tree != NULL)
    {
      GListModel *roots = G_LIST_MODEL (heapglass_call_list_new (tree, 0));

      self->model = gtk_tree_list_model_new (roots, FALSE, FALSE, create_child_model, NULL, NULL);
      self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
      gtk_single_selection_set_autoselect (self->selection, FALSE);
      gtk_single_selection_set_can_unselect (self->selection, TRUE);
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
    }
  gtk_stack_set_visible_child_name (
      self->stack, tree && heapglass_call_tree_get_n_calls (tree) ? "calls" : "empty");
}

HeapglassCallTree *
heapglass_call_tree_panel_get_tree (HeapglassCallTreePanel *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE_PANEL (self), NULL);
  return self->tree;
}

void
heapglass_call_tree_panel_set_step (HeapglassCallTreePanel *self, guint step)
{
  g_autoptr (GArray) path = NULL;
  g_autoptr (GtkTreeListRow) row = NULL;
  guint call, position;

  g_return_if_fail (HEAPGLASS_IS_CALL_TREE_PANEL (self));

  if (self->tree == NULL)
    return;
  call = heapglass_call_tree_find_call_at_step (self->tree, step);
  if (call == self->selected_call)
    return;
  self->selected_call = call;
  if (call == 0)
    {
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      return;
    }

  /* Open the callers from the outermost down, then select the call's row. */
  path = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint c = call; c != 0; c = heapglass_call_tree_get_parent (self->tree, c))
    g_array_prepend_val (path, c);
  row = gtk_tree_list_model_get_child_row (
      self->model,
      heapglass_call_tree_get_child_index (self->tree, g_array_index (path, guint, 0)));
  for (guint i = 1; row != NULL && i < path->len; i++)
    {
      GtkTreeListRow *child;

      gtk_tree_list_row_set_expanded (row, TRUE);
      child = gtk_tree_list_row_get_child_row (
          row, heapglass_call_tree_get_child_index (self->tree, g_array_index (path, guint, i)));
      g_object_unref (row);
      row = child;
    }
  if (row == NULL)
    return;
  position = gtk_tree_list_row_get_position (row);
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

guint
heapglass_call_tree_panel_get_selected_call (HeapglassCallTreePanel *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE_PANEL (self), 0);
  if (self->selection == NULL)
    return 0;
  return call_at_position (self, gtk_single_selection_get_selected (self->selection));
}

guint
heapglass_call_tree_panel_get_selected_position (HeapglassCallTreePanel *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE_PANEL (self), GTK_INVALID_LIST_POSITION);
  if (self->selection == NULL)
    return GTK_INVALID_LIST_POSITION;
  return gtk_single_selection_get_selected (self->selection);
}

GtkListView *
heapglass_call_tree_panel_get_list_view (HeapglassCallTreePanel *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CALL_TREE_PANEL (self), NULL);
  return self->list_view;
}
