/* heapglass-chapter-build.c: what both parsers share: small text helpers and building
 * the model (sections, blocks, statements, solution pairing, titles). */
#include "config.h"

#include "heapglass-chapter-private.h"

#include <string.h>

#include <glib/gi18n.h>

/* ------------------------------------------------------------------------------------------ */
/* Small text helpers                                                                          */

gboolean
chapter_is_blank_line (const char *p, const char *end)
{
  for (; p < end; p++)
    if (*p != ' ' && *p != '\t' && *p != '\r')
      return FALSE;
  return TRUE;
}

gboolean
chapter_is_all_whitespace (const char *data, gsize length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (data[i]))
      return FALSE;
  return TRUE;
}

/* Ensures code ends with exactly one "\n" after its last line (the editor and the tracer like
 * whole lines); an empty result means there is no code. */
char *
chapter_finish_code (GString *code)
{
  while (code->len > 0
         && (code->str[code->len - 1] == '\n' || code->str[code->len - 1] == ' '
             || code->str[code->len - 1] == '\t' || code->str[code->len - 1] == '\r'))
    g_string_truncate (code, code->len - 1);
  if (code->len > 0)
    g_string_append_c (code, '\n');
  return g_string_free (code, FALSE);
}

/* The last run of digits in text, or 0. */
guint
chapter_last_number (const char *text)
{
  guint number = 0;
  const char *p;
  const char *last = NULL;

  for (p = text; *p; p++)
    if (g_ascii_isdigit (*p) && (p == text || !g_ascii_isdigit (p[-1])))
      last = p;
  if (last)
    number = (guint)g_ascii_strtoull (last, NULL, 10);
  return number;
}

/* "Exercise 3." / "Exercise 3:" / "Exercise 3" → 3, else 0. */
guint
chapter_parse_exercise_label (const char *text)
{
  const char *p = text;
  guint64 number;
  char *end;

  while (*p == ' ')
    p++;
  if (g_ascii_strncasecmp (p, "Exercise", 8) != 0)
    return 0;
  p += 8;
  if (*p != ' ')
    return 0;
  while (*p == ' ')
    p++;
  if (!g_ascii_isdigit (*p))
    return 0;
  number = g_ascii_strtoull (p, &end, 10);
  p = end;
  if (*p == '.' || *p == ':')
    p++;
  while (*p == ' ')
    p++;
  if (*p != '\0' || number == 0 || number > G_MAXINT)
    return 0;
  return (guint)number;
}

gboolean
chapter_is_python_info (const char *info, gsize length)
{
  g_autofree char *word = NULL;
  gsize start = 0, end;

  /* "python", "py", "python3", and the attribute forms "{.python}" / "{ .python title=… }" */
  while (start < length && (info[start] == '{' || info[start] == '.' || info[start] == ' '))
    start++;
  end = start;
  while (end < length && (g_ascii_isalnum (info[end]) || info[end] == '_'))
    end++;
  word = g_ascii_strdown (info + start, end - start);
  return g_str_equal (word, "python") || g_str_equal (word, "py") || g_str_equal (word, "python3");
}

void
chapter_line_index_init (LineIndex *index, const char *data, gsize length)
{
  gsize zero = 0;

  index->starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_array_append_val (index->starts, zero);
  /* "\n", "\r\n" and a lone "\r" end a line, as for md4c */
  for (gsize i = 0; i < length; i++)
    if (data[i] == '\n' || (data[i] == '\r' && (i + 1 == length || data[i + 1] != '\n')))
      {
        gsize next = i + 1;
        g_array_append_val (index->starts, next);
      }
}

void
chapter_line_index_clear (LineIndex *index)
{
  g_clear_pointer (&index->starts, g_array_unref);
}

guint
chapter_line_index_lookup (const LineIndex *index, gsize offset)
{
  guint lo = 0, hi = index->starts->len;

  /* the last line whose start is <= offset */
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (index->starts, gsize, mid) <= offset)
        lo = mid;
      else
        hi = mid;
    }
  return lo + 1;
}

/* ------------------------------------------------------------------------------------------ */
/* Building the model                                                                         */

int
chapter_add_section (HeapglassChapter *self, const char *text, guint level, guint line)
{
  HeapglassChapterSection section = { 0 };

  level = CLAMP (level, 1, G_N_ELEMENTS (self->open_sections) - 1);
  section.text = g_strdup (text);
  section.level = level;
  section.line = line;
  section.parent = -1;
  /* the nearest enclosing heading is the deepest open one above this level */
  for (guint l = level - 1; l >= 1 && section.parent < 0; l--)
    section.parent = self->open_sections[l];
  g_array_append_val (self->sections, section);
  self->open_sections[level] = (int)self->sections->len - 1;
  for (guint l = level + 1; l < G_N_ELEMENTS (self->open_sections); l++)
    self->open_sections[l] = -1;
  return (int)self->sections->len - 1;
}

int
chapter_add_block (HeapglassChapter *self, HeapglassBlockKind kind, guint line, int section,
                   const char *file, char *code, guint number)
{
  HeapglassChapterBlock block = { 0 };

  block.kind = kind;
  block.line = line;
  block.section = section;
  block.file = g_strdup (file);
  block.code = code ? code : g_strdup ("");
  block.number = number;
  block.solution = -1;
  block.exercise = -1;
  g_array_append_val (self->blocks, block);
  g_ptr_array_add (self->statements, kind == HEAPGLASS_BLOCK_EXERCISE ? g_string_new (NULL) : NULL);
  return (int)self->blocks->len - 1;
}

/* Adds a paragraph to an exercise's statement. */
void
chapter_add_to_statement (HeapglassChapter *self, int exercise, const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  GString *statement;

  if (exercise < 0 || *stripped == '\0')
    return;
  statement = g_ptr_array_index (self->statements, exercise);
  if (statement == NULL)
    return;
  if (statement->len > 0)
    g_string_append (statement, "\n\n");
  g_string_append (statement, stripped);
}

/* A solution belongs to the latest exercise with its number before it (the first exercise with
 * that number if none is before it; the latest exercise before it when it has no number). One
 * pass with two lookup tables: chapters of any size pair up in linear time. */
static void
chapter_pair_solutions (HeapglassChapter *self)
{
  g_autoptr (GHashTable) first = g_hash_table_new (NULL, NULL);  /* number → index + 1 */
  g_autoptr (GHashTable) latest = g_hash_table_new (NULL, NULL); /* number → index + 1 */
  int latest_exercise = -1;

  for (guint i = 0; i < self->blocks->len; i++)
    {
      HeapglassChapterBlock *block = &g_array_index (self->blocks, HeapglassChapterBlock, i);
      gpointer key = GUINT_TO_POINTER (block->number);
      if (block->kind == HEAPGLASS_BLOCK_EXERCISE && !g_hash_table_contains (first, key))
        g_hash_table_insert (first, key, GUINT_TO_POINTER (i + 1));
    }

  for (guint i = 0; i < self->blocks->len; i++)
    {
      HeapglassChapterBlock *block = &g_array_index (self->blocks, HeapglassChapterBlock, i);
      gpointer key = GUINT_TO_POINTER (block->number);
      int found = -1;

      if (block->kind == HEAPGLASS_BLOCK_EXERCISE)
        {
          g_hash_table_insert (latest, key, GUINT_TO_POINTER (i + 1));
          latest_exercise = (int)i;
          continue;
        }
      if (block->kind != HEAPGLASS_BLOCK_SOLUTION)
        continue;

      if (block->number == 0)
        found = latest_exercise;
      else if (g_hash_table_contains (latest, key))
        found = GPOINTER_TO_INT (g_hash_table_lookup (latest, key)) - 1;
      else if (g_hash_table_contains (first, key))
        found = GPOINTER_TO_INT (g_hash_table_lookup (first, key)) - 1;

      block->exercise = found;
      if (found >= 0)
        {
          HeapglassChapterBlock *exercise
              = &g_array_index (self->blocks, HeapglassChapterBlock, found);
          block->number = exercise->number;
          if (exercise->solution < 0)
            exercise->solution = (int)i;
        }
    }
}

/* The heading path below the chapter's title: "Memory Visualization › 1. Example". */
static char *
chapter_example_title (HeapglassChapter *self, const HeapglassChapterBlock *block)
{
  g_autoptr (GPtrArray) path = g_ptr_array_new ();
  int s = block->section;

  while (s >= 0)
    {
      const HeapglassChapterSection *section
          = &g_array_index (self->sections, HeapglassChapterSection, s);
      /* a level-1 heading is the chapter's title: not helpful in a block's title */
      if (section->level > 1)
        g_ptr_array_insert (path, 0, (gpointer)section->text);
      s = section->parent;
    }
  if (path->len == 0)
    return g_strdup (_ ("Example"));
  g_ptr_array_add (path, NULL);
  return g_strjoinv (" › ", (char **)path->pdata);
}

/* Pairs exercises with solutions, gives every block a unique title, hands over statements and
 * decides which blocks call nothing. */
void
chapter_finish (HeapglassChapter *self)
{
  g_autoptr (GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* title → the next " (n)" suffix to try, so a thousand "Example" blocks stay linear */
  g_autoptr (GHashTable) next_suffix
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  chapter_pair_solutions (self);

  for (guint i = 0; i < self->blocks->len; i++)
    {
      HeapglassChapterBlock *block = &g_array_index (self->blocks, HeapglassChapterBlock, i);
      g_autofree char *title = NULL;
      GString *statement = g_ptr_array_index (self->statements, i);

      if (block->title != NULL)
        title = g_strdup (block->title);
      else if (block->kind == HEAPGLASS_BLOCK_EXERCISE)
        title = g_strdup_printf (_ ("Exercise %u"), block->number);
      else if (block->kind == HEAPGLASS_BLOCK_SOLUTION && block->number > 0)
        title = g_strdup_printf (_ ("Solution to Exercise %u"), block->number);
      else if (block->kind == HEAPGLASS_BLOCK_SOLUTION)
        title = g_strdup (_ ("Solution"));
      else
        title = chapter_example_title (self, block);

      if (g_hash_table_contains (used, title))
        {
          guint n = GPOINTER_TO_UINT (g_hash_table_lookup (next_suffix, title));
          char *candidate = NULL;

          for (n = MAX (n, 2);; n++)
            {
              g_free (candidate);
              candidate = g_strdup_printf ("%s (%u)", title, n);
              if (!g_hash_table_contains (used, candidate))
                break;
            }
          g_hash_table_replace (next_suffix, g_strdup (title), GUINT_TO_POINTER (n + 1));
          g_free (title);
          title = candidate;
        }
      g_hash_table_add (used, g_strdup (title));
      g_free ((char *)block->title);
      block->title = g_steal_pointer (&title);

      if (block->kind == HEAPGLASS_BLOCK_EXERCISE)
        {
          g_free ((char *)block->statement);
          block->statement = g_strdup (statement ? statement->str : "");
        }
      block->calls_nothing
          = block->kind != HEAPGLASS_BLOCK_EXERCISE && heapglass_code_calls_nothing (block->code);
    }
  g_ptr_array_set_size (self->statements, 0);

  if (self->title == NULL)
    for (guint i = 0; i < self->sections->len; i++)
      if (g_array_index (self->sections, HeapglassChapterSection, i).level == 1)
        {
          self->title = g_strdup (g_array_index (self->sections, HeapglassChapterSection, i).text);
          break;
        }
}
