/* heapglass-python-indenter.h: the code editor's indenter: Enter keeps the line's indentation,
 * one level more after a ':' (def, if, for, …), one less after return/pass/break/continue/raise. */
#pragma once

#include <gtksourceview/gtksource.h>

G_BEGIN_DECLS

#define HEAPGLASS_TYPE_PYTHON_INDENTER (heapglass_python_indenter_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassPythonIndenter, heapglass_python_indenter, HEAPGLASS,
                      PYTHON_INDENTER, GObject)

GtkSourceIndenter *heapglass_python_indenter_new (void);

G_END_DECLS
