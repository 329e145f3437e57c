/* heapglass-python-indenter.c: a GtkSourceIndenter for Python; the rule itself
 * (heapglass_code_next_indent) is in the chapter library, tested without a display. */
#include "config.h"

#include "heapglass-chapter.h"
#include "heapglass-python-indenter.h"

struct _HeapglassPythonIndenter
{
  GObject parent_instance;
};

static void indenter_iface_init (GtkSourceIndenterInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HeapglassPythonIndenter, heapglass_python_indenter, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GTK_SOURCE_TYPE_INDENTER,
                                                      indenter_iface_init))

GtkSourceIndenter *
heapglass_python_indenter_new (void)
{
  return g_object_new (HEAPGLASS_TYPE_PYTHON_INDENTER, NULL);
}

static gboolean
python_is_trigger (GtkSourceIndenter *indenter, GtkSourceView *view, const GtkTextIter *location,
                   GdkModifierType state, guint keyval)
{
  return (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter)
         && (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) == 0;
}

/* `iter` is at the start of the line the newline just opened. */
static void
python_indent (GtkSourceIndenter *indenter, GtkSourceView *view, GtkTextIter *iter)
{
  GtkTextBuffer *buffer = gtk_text_iter_get_buffer (iter);
  guint width = gtk_source_view_get_indent_width (view) > 0
                    ? (guint)gtk_source_view_get_indent_width (view)
                    : 4;
  GtkTextIter start = *iter, end = *iter;
  g_autofree char *previous = NULL;
  g_autofree char *spaces = NULL;
  guint indent;

  if (gtk_text_iter_get_line (iter) == 0)
    return;
  gtk_text_iter_backward_line (&start);
  end = start;
  if (!gtk_text_iter_ends_line (&end))
    gtk_text_iter_forward_to_line_end (&end);
  previous = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  indent = heapglass_code_next_indent (previous, width);
  if (indent == 0)
    return;
  spaces = g_strnfill (indent, ' ');
  gtk_text_buffer_insert (buffer, iter, spaces, -1);
}

static void
indenter_iface_init (GtkSourceIndenterInterface *iface)
{
  iface->is_trigger = python_is_trigger;
  iface->indent = python_indent;
}

static void
heapglass_python_indenter_class_init (HeapglassPythonIndenterClass *klass)
{
}

static void
heapglass_python_indenter_init (HeapglassPythonIndenter *self)
{
}
