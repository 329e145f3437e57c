/* heapglass-code-annotations.h: the teaching directives a chapter writes in a block's comments:
 * `# heapglass: break`, `# heapglass: predict`, `# heapglass: hide NAME …`. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  /* Lines (1-based, in the block's code) with a breakpoint, ascending, no repeats. */
  guint n_breaks;
  guint *breaks;
  /* The line where prediction mode starts (the first `predict`), 0 if none. */
  guint predict_line;
  /* Names left out of the diagram, NULL-terminated (empty when none). */
  char **hidden;
  /* Lines whose comment says `heapglass:` but nothing this version knows, for a warning. */
  guint n_unknown;
  guint *unknown;
} HeapglassCodeAnnotations;

/* Reads the directives of `code`. A directive in a comment after code applies to that line; a
 * directive on a line of its own applies to the next line that has code (a directive after the
 * last code line applies to nothing and is dropped). `#` inside a string literal is not a
 * comment. Never fails: what is not a directive is ignored. */
HeapglassCodeAnnotations *heapglass_code_annotations_parse (const char *code);
void heapglass_code_annotations_free (HeapglassCodeAnnotations *annotations);
gboolean heapglass_code_annotations_is_hidden (const HeapglassCodeAnnotations *annotations,
                                               const char *name);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeapglassCodeAnnotations, heapglass_code_annotations_free)

G_END_DECLS
