/* fuzz-chapter.c: libFuzzer target for the chapter loader. The first byte picks the format
 * (Markdown, the flattened text export, a single .py), the rest is the file; every section and
 * block the loader returns is walked so ASan checks the strings it built. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "heapglass-chapter.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const HeapglassChapterFormat formats[] = {
  HEAPGLASS_CHAPTER_FORMAT_MARKDOWN,
  HEAPGLASS_CHAPTER_FORMAT_TEXT_EXPORT,
  HEAPGLASS_CHAPTER_FORMAT_PYTHON,
};

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (HeapglassChapter) chapter = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;
  const HeapglassChapterSection *sections;
  const HeapglassChapterBlock *blocks;
  guint n_sections = 0, n_blocks = 0;
  HeapglassChapterFormat format;
  size_t sum = 0;

  if (size < 1)
    return 0;
  format = formats[data[0] % G_N_ELEMENTS (formats)];
  data++;
  size--;

  /* The Python-source check reads a C string: give it one. */
  code = g_strndup ((const char *)data, size);
  heapglass_code_calls_nothing (code);

  chapter = heapglass_chapter_new_from_data ((const char *)data, size, "fuzz.md", format, &error);
  if (chapter == NULL)
    {
      if (error == NULL || error->domain != HEAPGLASS_CHAPTER_ERROR || error->message == NULL)
        abort (); /* a refusal must say why, in the chapter's own error domain */
      return 0;
    }
  if (error != NULL)
    abort ();

  sum += strlen (heapglass_chapter_get_title (chapter));
  sections = heapglass_chapter_get_sections (chapter, &n_sections);
  for (guint i = 0; i < n_sections; i++)
    {
      sum += strlen (sections[i].text) + sections[i].level + sections[i].line;
      if (sections[i].parent >= (int)i)
        abort (); /* a parent comes before its child */
    }

  blocks = heapglass_chapter_get_blocks (chapter, &n_blocks);
  if (n_blocks != heapglass_chapter_get_n_blocks (chapter))
    abort ();
  for (guint i = 0; i < n_blocks; i++)
    {
      const HeapglassChapterBlock *block = &blocks[i];

      sum += strlen (heapglass_block_kind_to_string (block->kind));
      sum += strlen (block->title) + strlen (block->file) + strlen (block->code);
      sum += block->statement ? strlen (block->statement) : 0;
      if (block->section >= (int)n_sections || block->solution >= (int)n_blocks
          || block->exercise >= (int)n_blocks)
        abort (); /* every index points inside its array */
      if (heapglass_chapter_get_block (chapter, i) != block)
        abort ();
    }
  heapglass_chapter_count_blocks (chapter, HEAPGLASS_BLOCK_EXAMPLE);
  (void)sum;
  return 0;
}
