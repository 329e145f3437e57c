/* heapglass-value-text.h: the one place that writes a value the way Python's repr() does, for the
 * diagram, the inspector, tooltips, narration and JSON alike. */
#pragma once

#include <glib.h>

#include "heapglass-trace.h"

G_BEGIN_DECLS

/* repr() of a float: the shortest text that reads back as the same double, in fixed notation for
 * exponents -4 … 15 and scientific beyond ("0.1", "100.0", "1e+16", "1e-05", "nan", "-inf"). */
char *heapglass_float_repr (double value);

/* repr() of a str (@prefix "") or bytes (@prefix "b"): quotes chosen and characters escaped as
 * Python does. @length is the object's len(); when the recorded @text is shorter, or longer than
 * @max_chars characters (0 = no limit), the text ends with "…" inside the quotes. */
char *heapglass_str_repr (const char *prefix, const char *text, guint64 length, guint max_chars);

/* The text of a value object (None, bool, int, float, str, bytes, big int, function "name()",
 * class and module names, other objects' recorded text), cut to @max_chars characters with "…"
 * (0 = no limit); NULL for containers, instances and weak references, which have no one value. */
char *heapglass_value_text (const HeapglassObjectView *object, guint max_chars);

/* A count with thousands grouped ("1,000,000"); the separator is translated. */
void heapglass_count_append (GString *out, guint64 n);
char *heapglass_count_text (guint64 n);

/* repr() of an object of @snapshot, containers with their items ("[1, [2, 3]]", "{'a': 1}",
 * "(1,)", "set()"), cycles as Python writes them ("[...]"), items the trace does not hold as
 * "…". Objects without an address-free repr read "<Node object>", "<weakref to Node>"; functions,
 * classes and modules as heapglass_value_text() writes them. About @max_chars characters at most
 * (0 = no limit): past it the text stops with "…" and closes its brackets. */
char *heapglass_object_repr (const HeapglassSnapshot *snapshot, const HeapglassObjectView *object,
                             guint max_chars);
void heapglass_object_repr_append (GString *out, const HeapglassSnapshot *snapshot,
                                   const HeapglassObjectView *object, guint max_chars);

G_END_DECLS
