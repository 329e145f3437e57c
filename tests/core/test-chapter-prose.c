/* test-chapter-prose.c: each example's explanation read from a Markdown chapter, and that
 * Markdown as Pango markup (paragraphs, lists, inline code, monospace diagrams). */
#include <string.h>

#include "heapglass-chapter.h"
#include "heapglass-markdown-pango.h"

static const char chapter[] = "# Title\n"
                              "\n"
                              "## Names\n"
                              "\n"
                              "A name refers to an object:\n"
                              "\n"
                              "- one name\n"
                              "- `two` names\n"
                              "\n"
                              "```python\n"
                              "x = [1]\n"
                              "y = x\n"
                              "```\n"
                              "\n"
                              "Memory:\n"
                              "\n"
                              "```\n"
                              "x --> [1]\n"
                              "```\n"
                              "\n"
                              "## Next\n"
                              "\n"
                              "```python\n"
                              "z = 2\n"
                              "```\n";

static void
test_prose_around_example (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassChapter) parsed = heapglass_chapter_new_from_data (
      chapter, strlen (chapter), "names.md", HEAPGLASS_CHAPTER_FORMAT_MARKDOWN, &error);
  const HeapglassChapterBlock *first, *second;

  g_assert_no_error (error);
  g_assert_cmpuint (heapglass_chapter_get_n_blocks (parsed), ==, 2);
  first = heapglass_chapter_get_block (parsed, 0);
  second = heapglass_chapter_get_block (parsed, 1);
  g_assert_cmpstr (first->prose, ==,
                   "A name refers to an object:\n\n- one name\n- `two` names\n\n"
                   "Memory:\n\n```\nx --> [1]\n```");
  /* Nothing said about the second: no explanation. */
  g_assert_null (second->prose);
}

/* Pango markup is well-formed XML inside a root element. */
static gboolean
is_well_formed (const char *markup)
{
  static const GMarkupParser parser = { 0 };
  g_autofree char *document = g_strdup_printf ("<markup>%s</markup>", markup);
  g_autoptr (GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, NULL, NULL);

  return g_markup_parse_context_parse (context, document, -1, NULL)
         && g_markup_parse_context_end_parse (context, NULL);
}

static void
test_markdown_to_pango (void)
{
  g_autofree char *markup = heapglass_markdown_to_pango (
      "Names *refer* to objects:\n\n- one `x`\n- two\n\nMemory:\n\n```\na --> [1]\nb\n```\n");

  g_assert_cmpstr (markup, ==,
                   "Names <i>refer</i> to objects:\n\n•  one <tt>x</tt>\n•  two\n\nMemory:\n\n"
                   "<tt>a --&gt; [1]\nb</tt>");
  g_assert_true (is_well_formed (markup));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/chapter/prose/around-example", test_prose_around_example);
  g_test_add_func ("/chapter/prose/markdown-to-pango", test_markdown_to_pango);
  return g_test_run ();
}
