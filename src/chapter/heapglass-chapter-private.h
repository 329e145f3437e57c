/* heapglass-chapter-private.h: the chapter's fields and the builder functions its parsers
 * (Markdown, text export, .py files) share. Not for use outside src/chapter/. */
#pragma once

#include "heapglass-chapter.h"

G_BEGIN_DECLS

/* Admonitions may nest (an admonition inside a solution); more than this is not a chapter. */
#define MAX_ADMONITION_DEPTH 4

/* "¶": the text export ends its headings with it. */
#define PILCROW "\xC2\xB6"

struct _HeapglassChapter
{
  GObject parent_instance;

  HeapglassChapterFormat format;
  char *path;
  char *title;
  GArray *sections; /* HeapglassChapterSection, strings owned */
  GArray *blocks;   /* HeapglassChapterBlock, strings owned */

  /* while loading: statements gathered per block (a GString for exercises, else NULL), and the
   * latest heading of each level on the current path, so nothing is quadratic on big input */
  GPtrArray *statements;
  int open_sections[7];
};

/* Maps byte offsets of a buffer to 1-based line numbers. */
typedef struct
{
  GArray *starts; /* gsize: offset of the first byte of each line */
} LineIndex;

gboolean chapter_is_blank_line (const char *p, const char *end);
gboolean chapter_is_all_whitespace (const char *data, gsize length);
char *chapter_finish_code (GString *code);
guint chapter_last_number (const char *text);
guint chapter_parse_exercise_label (const char *text);
gboolean chapter_is_python_info (const char *info, gsize length);
void chapter_line_index_init (LineIndex *index, const char *data, gsize length);
void chapter_line_index_clear (LineIndex *index);
guint chapter_line_index_lookup (const LineIndex *index, gsize offset);
int chapter_add_section (HeapglassChapter *self, const char *text, guint level, guint line);
int chapter_add_block (HeapglassChapter *self, HeapglassBlockKind kind, guint line, int section,
                       const char *file, char *code, guint number);
void chapter_add_to_statement (HeapglassChapter *self, int exercise, const char *text);
void chapter_finish (HeapglassChapter *self);
/* Does the line start with this keyword, as a whole word? */
gboolean chapter_starts_with_word (const char *line, const char *word);
/* Markdown chapters: each example's explanation (block->prose) from the raw text. */
void chapter_attach_prose (HeapglassChapter *self, const char *data, gsize length);
void chapter_parse_markdown (HeapglassChapter *self, const char *data, gsize length,
                             const char *file);
void chapter_parse_text_export (HeapglassChapter *self, const char *data, gsize length,
                                const char *file);

G_END_DECLS
