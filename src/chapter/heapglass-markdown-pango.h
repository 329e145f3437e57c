/* heapglass-markdown-pango.h: a chapter's explanation (Markdown) as Pango markup for a GtkLabel:
 * paragraphs, lists, emphasis, inline code and code blocks (the "Memory:" text diagrams) in
 * monospace. GLib only. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Never fails: text md4c cannot read is shown escaped as it is. */
char *heapglass_markdown_to_pango (const char *markdown);

G_END_DECLS
