/* heapglass-chapter-sidebar.h: the chapter's sections, examples and exercises, in a list. */
#pragma once

#include <gtk/gtk.h>

#include "heapglass-chapter.h"

G_BEGIN_DECLS

#define HEAPGLASS_TYPE_CHAPTER_SIDEBAR (heapglass_chapter_sidebar_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassChapterSidebar, heapglass_chapter_sidebar, HEAPGLASS,
                      CHAPTER_SIDEBAR, GtkWidget)

/* Signals:
 *   "block-activated" (guint index)  the learner chose a block (index into the chapter's blocks) */
GtkWidget *heapglass_chapter_sidebar_new (void);

void heapglass_chapter_sidebar_set_chapter (HeapglassChapterSidebar *self,
                                            HeapglassChapter *chapter);
HeapglassChapter *heapglass_chapter_sidebar_get_chapter (HeapglassChapterSidebar *self);
/* Selects the row of block `index` and emits "block-activated", as a click would. Returns FALSE
 * when the block has no row (a solution is reached through its exercise). */
gboolean heapglass_chapter_sidebar_activate_block (HeapglassChapterSidebar *self, guint index);
/* Selects the row without emitting anything. */
void heapglass_chapter_sidebar_select_block (HeapglassChapterSidebar *self, guint index);
/* The first block whose title is `title`, or -1. */
int heapglass_chapter_sidebar_find_block (HeapglassChapterSidebar *self, const char *title);

G_END_DECLS
