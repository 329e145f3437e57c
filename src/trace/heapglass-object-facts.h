/* heapglass-object-facts.h: facts about an object that need explaining to a learner and need no
 * widget: whether CPython made it before the program and shares it. GLib only. */
#pragma once

#include "heapglass-trace.h"

G_BEGIN_DECLS

/* CPython creates some objects once, before any program runs, and shares them: None, True,
 * False, the ints -5 … 256, the empty tuple, the empty string and one-character Latin-1
 * strings. Their reference counts count every use in the interpreter, and "created at step N"
 * only means the program first reached them there. */
gboolean heapglass_object_is_cached (const HeapglassObjectView *object);

/* The learner's explanation of a cached object (NULL when it is not one). */
char *heapglass_object_cached_text (const HeapglassObjectView *object);
/* The same explanation for any object the trace knows CPython made before the program
 * (heapglass_trace_get_object_premade(): also its builtin types and its own interned strings). */
char *heapglass_object_premade_text (void);

G_END_DECLS
