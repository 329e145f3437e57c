/* heapglass-chapter-sidebar.c: lists a chapter's runnable blocks under its headings (row headers,
 * not rows). Solutions that belong to an exercise get no row of their own: the window reveals them
 * from the exercise, so the learner meets the statement first. */
#include "config.h"

#include <glib/gi18n.h>

#include "heapglass-chapter-sidebar.h"

struct _HeapglassChapterSidebar
{
  GtkWidget parent_instance;

  GtkLabel *title_label;
  GtkListBox *list;

  HeapglassChapter *chapter;
  GHashTable *rows; /* block index → GtkListBoxRow (borrowed) */
};

G_DEFINE_FINAL_TYPE (HeapglassChapterSidebar, heapglass_chapter_sidebar, GTK_TYPE_WIDGET)

enum
{
  BLOCK_ACTIVATED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

#define BLOCK_INDEX_KEY "heapglass-block-index"

GtkWidget *
heapglass_chapter_sidebar_new (void)
{
  return g_object_new (HEAPGLASS_TYPE_CHAPTER_SIDEBAR, NULL);
}

static void
clear_rows (HeapglassChapterSidebar *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  g_hash_table_remove_all (self->rows);
}

#define HEADING_KEY "heapglass-heading"

/* Headings are the list's row headers, not rows: arrow keys and Tab never stop on them. */
static void
update_header (GtkListBoxRow *row, GtkListBoxRow *before, gpointer user_data)
{
  const char *text = g_object_get_data (G_OBJECT (row), HEADING_KEY);
  GtkWidget *label;

  if (text == NULL)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  label = g_object_new (GTK_TYPE_LABEL, "label", text, "accessible-role",
                        GTK_ACCESSIBLE_ROLE_HEADING, NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 10);
  gtk_widget_set_margin_bottom (label, 4);
  gtk_widget_set_margin_start (label, 12);
  gtk_list_box_row_set_header (row, label);
}

/* The group a block is listed under: its chapter-level heading ("##"), not the "###" that
 * usually names the example itself (that name is the row's own text). */
static const char *
group_heading (const HeapglassChapterSection *sections, guint n_sections, int section)
{
  while (section >= 0 && (guint)section < n_sections && sections[section].level > 2
         && sections[section].parent >= 0)
    section = sections[section].parent;
  if (section < 0 || (guint)section >= n_sections)
    return NULL;
  return sections[section].text;
}

static void
add_block_row (HeapglassChapterSidebar *self, guint index, const HeapglassChapterBlock *block)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon;
  GtkWidget *label = gtk_label_new (heapglass_chapter_block_get_short_title (block));
  const char *icon_name;
  const char *tooltip;

  switch (block->kind)
    {
    case HEAPGLASS_BLOCK_EXERCISE:
      icon_name = "document-edit-symbolic";
      tooltip = _ ("Exercise: write the program, then run it");
      break;
    case HEAPGLASS_BLOCK_SOLUTION:
      icon_name = "object-select-symbolic";
      tooltip = _ ("Solution");
      break;
    case HEAPGLASS_BLOCK_EXAMPLE:
    default:
      icon_name = "media-playback-start-symbolic";
      tooltip = _ ("Example: open it and press Run");
      break;
    }
  icon = gtk_image_new_from_icon_name (icon_name);
  gtk_widget_add_css_class (icon, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_widget_set_tooltip_text (row, block->title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  tooltip, -1);
  if (block->kind == HEAPGLASS_BLOCK_EXERCISE)
    gtk_widget_add_css_class (row, "exercise");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data (G_OBJECT (row), BLOCK_INDEX_KEY, GUINT_TO_POINTER (index + 1));
  gtk_list_box_append (self->list, row);
  g_hash_table_insert (self->rows, GUINT_TO_POINTER (index), row);
}

void
heapglass_chapter_sidebar_set_chapter (HeapglassChapterSidebar *self, HeapglassChapter *chapter)
{
  const HeapglassChapterSection *sections = NULL;
  const HeapglassChapterBlock *blocks = NULL;
  guint n_sections = 0, n_blocks = 0;
  const char *last_group = NULL;

  g_return_if_fail (HEAPGLASS_IS_CHAPTER_SIDEBAR (self));
  g_return_if_fail (chapter == NULL || HEAPGLASS_IS_CHAPTER (chapter));

  g_set_object (&self->chapter, chapter);
  clear_rows (self);
  if (chapter == NULL)
    {
      gtk_label_set_text (self->title_label, "");
      return;
    }

  gtk_label_set_text (self->title_label, heapglass_chapter_get_title (chapter));
  sections = heapglass_chapter_get_sections (chapter, &n_sections);
  blocks = heapglass_chapter_get_blocks (chapter, &n_blocks);
  for (guint i = 0; i < n_blocks; i++)
    {
      const HeapglassChapterBlock *block = &blocks[i];
      const char *group;

      if (block->kind == HEAPGLASS_BLOCK_SOLUTION && block->exercise >= 0)
        continue;
      /* A heading is shown once, above the first block under it (headings with no code are
       * left out: the list is for choosing something to run), and not when the block's own
       * name already says it. */
      group = group_heading (sections, n_sections, block->section);
      add_block_row (self, i, block);
      if (group != NULL && g_strcmp0 (group, last_group) != 0)
        {
          if (g_strcmp0 (group, heapglass_chapter_block_get_short_title (block)) != 0)
            g_object_set_data_full (
                G_OBJECT (g_hash_table_lookup (self->rows, GUINT_TO_POINTER (i))), HEADING_KEY,
                g_strdup (group), g_free);
          last_group = group;
        }
    }
  /* The headings were attached after their rows were added. */
  gtk_list_box_invalidate_headers (self->list);
}

HeapglassChapter *
heapglass_chapter_sidebar_get_chapter (HeapglassChapterSidebar *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER_SIDEBAR (self), NULL);
  return self->chapter;
}

void
heapglass_chapter_sidebar_select_block (HeapglassChapterSidebar *self, guint index)
{
  GtkListBoxRow *row;

  g_return_if_fail (HEAPGLASS_IS_CHAPTER_SIDEBAR (self));

  row = g_hash_table_lookup (self->rows, GUINT_TO_POINTER (index));
  if (row != NULL)
    gtk_list_box_select_row (self->list, row);
}

gboolean
heapglass_chapter_sidebar_activate_block (HeapglassChapterSidebar *self, guint index)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER_SIDEBAR (self), FALSE);

  row = g_hash_table_lookup (self->rows, GUINT_TO_POINTER (index));
  if (row == NULL)
    return FALSE;
  gtk_list_box_select_row (self->list, row);
  g_signal_emit (self, signals[BLOCK_ACTIVATED], 0, index);
  return TRUE;
}

int
heapglass_chapter_sidebar_find_block (HeapglassChapterSidebar *self, const char *title)
{
  guint n_blocks = 0;
  const HeapglassChapterBlock *blocks;

  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER_SIDEBAR (self), -1);
  g_return_val_if_fail (title != NULL, -1);

  if (self->chapter == NULL)
    return -1;
  blocks = heapglass_chapter_get_blocks (self->chapter, &n_blocks);
  for (guint i = 0; i < n_blocks; i++)
    if (g_strcmp0 (blocks[i].title, title) == 0)
      return (int)i;
  return -1;
}

static void
on_row_activated (HeapglassChapterSidebar *self, GtkListBoxRow *row, GtkListBox *list)
{
  guint index_plus_one = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), BLOCK_INDEX_KEY));

  if (index_plus_one > 0)
    g_signal_emit (self, signals[BLOCK_ACTIVATED], 0, index_plus_one - 1);
}

/* The whole list is one Tab stop: Tab enters at the chosen row and the next Tab leaves (GtkListBox
 * alone moves Tab from row to row); Up and Down move inside. */
static gboolean
heapglass_chapter_sidebar_focus (GtkWidget *widget, GtkDirectionType direction)
{
  HeapglassChapterSidebar *self = HEAPGLASS_CHAPTER_SIDEBAR (widget);
  GtkListBoxRow *row;

  if (direction != GTK_DIR_TAB_FORWARD && direction != GTK_DIR_TAB_BACKWARD)
    return GTK_WIDGET_CLASS (heapglass_chapter_sidebar_parent_class)->focus (widget, direction);
  if (gtk_widget_get_focus_child (widget) != NULL)
    return FALSE;
  row = gtk_list_box_get_selected_row (self->list);
  if (row == NULL)
    row = gtk_list_box_get_row_at_index (self->list, 0);
  return row != NULL && gtk_widget_grab_focus (GTK_WIDGET (row));
}

static void
heapglass_chapter_sidebar_dispose (GObject *object)
{
  HeapglassChapterSidebar *self = HEAPGLASS_CHAPTER_SIDEBAR (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), HEAPGLASS_TYPE_CHAPTER_SIDEBAR);
  /* Unnamed template children are not cleared by dispose_template. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->chapter);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  G_OBJECT_CLASS (heapglass_chapter_sidebar_parent_class)->dispose (object);
}

static void
heapglass_chapter_sidebar_class_init (HeapglassChapterSidebarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = heapglass_chapter_sidebar_dispose;
  widget_class->focus = heapglass_chapter_sidebar_focus;

  signals[BLOCK_ACTIVATED]
      = g_signal_new ("block-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/heapglass/Heapglass/heapglass-chapter-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, HeapglassChapterSidebar, title_label);
  gtk_widget_class_bind_template_child (widget_class, HeapglassChapterSidebar, list);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "chaptersidebar");
}

static void
heapglass_chapter_sidebar_init (HeapglassChapterSidebar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (
      GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))), GTK_ORIENTATION_VERTICAL);
  self->rows = g_hash_table_new (NULL, NULL);
  gtk_list_box_set_header_func (self->list, update_header, NULL, NULL);
  g_signal_connect_object (self->list, "row-activated", G_CALLBACK (on_row_activated), self,
                           G_CONNECT_SWAPPED);
}
