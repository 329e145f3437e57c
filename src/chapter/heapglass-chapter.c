/* heapglass-chapter.c: loads a chapter (Markdown via md4c, or its flattened text export), a .py
 * file or a folder of .py files into runnable blocks with titles, sections and line numbers. */
#include "config.h"

#include "heapglass-chapter.h"

#include <string.h>

#include <glib/gi18n.h>
#include <md4c.h>

/* Written out rather than with G_DEFINE_QUARK: clang-format puts spaces into that macro's
 * dashed first argument, which would change the quark's text. */
GQuark
heapglass_chapter_error_quark (void)
{
  return g_quark_from_static_string ("heapglass-chapter-error-quark");
}

/* Admonitions may nest (an admonition inside a solution); more than this is not a chapter. */
#define MAX_ADMONITION_DEPTH 4

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

G_DEFINE_FINAL_TYPE (HeapglassChapter, heapglass_chapter, G_TYPE_OBJECT)

static void
section_clear (gpointer data)
{
  HeapglassChapterSection *section = data;

  g_free ((char *) section->text);
}

static void
block_clear (gpointer data)
{
  HeapglassChapterBlock *block = data;

  g_free ((char *) block->title);
  g_free ((char *) block->file);
  g_free ((char *) block->code);
  g_free ((char *) block->statement);
}

static void
heapglass_chapter_finalize (GObject *object)
{
  HeapglassChapter *self = HEAPGLASS_CHAPTER (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->sections, g_array_unref);
  g_clear_pointer (&self->blocks, g_array_unref);
  g_clear_pointer (&self->statements, g_ptr_array_unref);

  G_OBJECT_CLASS (heapglass_chapter_parent_class)->finalize (object);
}

static void
heapglass_chapter_class_init (HeapglassChapterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = heapglass_chapter_finalize;
}

static void
statement_free (gpointer data)
{
  if (data)
    g_string_free (data, TRUE);
}

static void
heapglass_chapter_init (HeapglassChapter *self)
{
  self->statements = g_ptr_array_new_with_free_func (statement_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->open_sections); i++)
    self->open_sections[i] = -1;
  self->sections = g_array_new (FALSE, TRUE, sizeof (HeapglassChapterSection));
  g_array_set_clear_func (self->sections, section_clear);
  self->blocks = g_array_new (FALSE, TRUE, sizeof (HeapglassChapterBlock));
  g_array_set_clear_func (self->blocks, block_clear);
}

const char *
heapglass_block_kind_to_string (HeapglassBlockKind kind)
{
  switch (kind)
    {
    case HEAPGLASS_BLOCK_EXAMPLE:
      return "example";
    case HEAPGLASS_BLOCK_EXERCISE:
      return "exercise";
    case HEAPGLASS_BLOCK_SOLUTION:
      return "solution";
    default:
      return "unknown";
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Small text helpers                                                                          */

static gboolean
is_blank_line (const char *p, const char *end)
{
  for (; p < end; p++)
    if (*p != ' ' && *p != '\t' && *p != '\r')
      return FALSE;
  return TRUE;
}

static gboolean
is_all_whitespace (const char *data, gsize length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (data[i]))
      return FALSE;
  return TRUE;
}

/* Ensures code ends with exactly one "\n" after its last line (the editor and the tracer like
 * whole lines); an empty result means there is no code. */
static char *
finish_code (GString *code)
{
  while (code->len > 0 && (code->str[code->len - 1] == '\n' || code->str[code->len - 1] == ' '
                           || code->str[code->len - 1] == '\t' || code->str[code->len - 1] == '\r'))
    g_string_truncate (code, code->len - 1);
  if (code->len > 0)
    g_string_append_c (code, '\n');
  return g_string_free (code, FALSE);
}

/* The last run of digits in text, or 0. */
static guint
last_number (const char *text)
{
  guint number = 0;
  const char *p;
  const char *last = NULL;

  for (p = text; *p; p++)
    if (g_ascii_isdigit (*p) && (p == text || !g_ascii_isdigit (p[-1])))
      last = p;
  if (last)
    number = (guint) g_ascii_strtoull (last, NULL, 10);
  return number;
}

/* "Exercise 3." / "Exercise 3:" / "Exercise 3" → 3, else 0. */
static guint
parse_exercise_label (const char *text)
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
  return (guint) number;
}

static gboolean
is_python_info (const char *info, gsize length)
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

/* Maps byte offsets of a buffer to 1-based line numbers. */
typedef struct
{
  GArray *starts; /* gsize: offset of the first byte of each line */
} LineIndex;

static void
line_index_init (LineIndex *index, const char *data, gsize length)
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

static void
line_index_clear (LineIndex *index)
{
  g_clear_pointer (&index->starts, g_array_unref);
}

static guint
line_index_lookup (const LineIndex *index, gsize offset)
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
/* "Calls nothing": a line-level look at the top-level statements                             */

/* Does the text of an assignment's right-hand side call something? A '(' right after a name,
 * ')' or ']' is a call; strings are skipped. Only the first physical line is looked at. */
static gboolean
rhs_has_call (const char *p)
{
  char prev = ' ';

  for (; *p && *p != '\n' && *p != '#'; p++)
    {
      if (*p == '"' || *p == '\'')
        {
          char quote = *p++;
          while (*p && *p != '\n' && *p != quote)
            p += (*p == '\\' && p[1]) ? 2 : 1;
          if (!*p || *p == '\n')
            break;
          prev = quote;
          continue;
        }
      if (*p == '(' && (g_ascii_isalnum (prev) || prev == '_' || prev == ')' || prev == ']'))
        return TRUE;
      if (*p != ' ' && *p != '\t')
        prev = *p;
    }
  return FALSE;
}

static gboolean
starts_with_word (const char *line, const char *word)
{
  gsize n = strlen (word);

  return strncmp (line, word, n) == 0 && !g_ascii_isalnum (line[n]) && line[n] != '_';
}

typedef enum
{
  TOP_DEFINES,
  TOP_QUIET,  /* import, constant assignment, docstring, pass */
  TOP_DOES,   /* anything else: a call, a loop, del, … */
} TopStatement;

static TopStatement
classify_top_statement (const char *line)
{
  const char *p = line;

  if (starts_with_word (p, "def") || starts_with_word (p, "class") || *p == '@'
      || (starts_with_word (p, "async") && strstr (p, "def") != NULL))
    return TOP_DEFINES;
  if (starts_with_word (p, "import") || starts_with_word (p, "from")
      || starts_with_word (p, "pass") || starts_with_word (p, "global"))
    return TOP_QUIET;
  /* a bare string: a docstring */
  while (*p == 'r' || *p == 'R' || *p == 'b' || *p == 'B' || *p == 'u' || *p == 'U')
    p++;
  if (*p == '"' || *p == '\'')
    return TOP_QUIET;

  /* NAME [, NAME]* [: annotation] = rhs, without a call in it */
  p = line;
  while (g_ascii_isalnum (*p) || *p == '_' || *p == ',' || *p == ' ' || *p == '\t'
         || (*p == ':' && p[1] != '='))
    p++;
  if (p != line && *p == '=' && p[1] != '=')
    return rhs_has_call (p + 1) ? TOP_DOES : TOP_QUIET;
  return TOP_DOES;
}

gboolean
heapglass_code_calls_nothing (const char *code)
{
  gboolean defines = FALSE, statements = FALSE;
  int depth = 0;        /* open brackets */
  char triple = 0;      /* inside a ''' or """ string: its quote */
  gboolean continued = FALSE;

  g_return_val_if_fail (code != NULL, FALSE);

  for (const char *line = code; *line;)
    {
      const char *end = strchr (line, '\n');
      const char *p;

      if (!end)
        end = line + strlen (line);

      if (depth == 0 && triple == 0 && !continued && !is_blank_line (line, end)
          && line[0] != ' ' && line[0] != '\t' && line[0] != '#')
        {
          g_autofree char *text = g_strndup (line, end - line);
          TopStatement kind = classify_top_statement (text);

          statements = TRUE;
          if (kind == TOP_DOES)
            return FALSE;
          if (kind == TOP_DEFINES)
            defines = TRUE;
        }

      /* Track brackets and strings, so continuation lines are not mistaken for statements. */
      continued = FALSE;
      for (p = line; p < end; p++)
        {
          if (triple)
            {
              if (*p == '\\')
                p++;
              else if (*p == triple && p + 2 < end && p[1] == triple && p[2] == triple)
                {
                  triple = 0;
                  p += 2;
                }
              continue;
            }
          if (*p == '#')
            break;
          if (*p == '"' || *p == '\'')
            {
              char quote = *p;
              if (p + 2 < end && p[1] == quote && p[2] == quote)
                {
                  triple = quote;
                  p += 2;
                  continue;
                }
              for (p++; p < end && *p != quote; p++)
                if (*p == '\\')
                  p++;
              continue;
            }
          if (*p == '(' || *p == '[' || *p == '{')
            depth++;
          else if ((*p == ')' || *p == ']' || *p == '}') && depth > 0)
            depth--;
          else if (*p == '\\' && p + 1 == end)
            continued = TRUE;
        }

      line = *end ? end + 1 : end;
    }

  return defines || !statements;
}

/* ------------------------------------------------------------------------------------------ */
/* Building the model                                                                         */

static int
add_section (HeapglassChapter *self, const char *text, guint level, guint line)
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
  self->open_sections[level] = (int) self->sections->len - 1;
  for (guint l = level + 1; l < G_N_ELEMENTS (self->open_sections); l++)
    self->open_sections[l] = -1;
  return (int) self->sections->len - 1;
}

static int
add_block (HeapglassChapter *self, HeapglassBlockKind kind, guint line, int section,
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
  return (int) self->blocks->len - 1;
}

/* Adds a paragraph to an exercise's statement. */
static void
add_to_statement (HeapglassChapter *self, int exercise, const char *text)
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
pair_solutions (HeapglassChapter *self)
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
          latest_exercise = (int) i;
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
            exercise->solution = (int) i;
        }
    }
}

/* The heading path below the chapter's title: "Memory Visualization › 1. Example". */
static char *
example_title (HeapglassChapter *self, const HeapglassChapterBlock *block)
{
  g_autoptr (GPtrArray) path = g_ptr_array_new ();
  int s = block->section;

  while (s >= 0)
    {
      const HeapglassChapterSection *section
        = &g_array_index (self->sections, HeapglassChapterSection, s);
      /* a level-1 heading is the chapter's title: not helpful in a block's title */
      if (section->level > 1)
        g_ptr_array_insert (path, 0, (gpointer) section->text);
      s = section->parent;
    }
  if (path->len == 0)
    return g_strdup (_("Example"));
  g_ptr_array_add (path, NULL);
  return g_strjoinv (" › ", (char **) path->pdata);
}

/* Pairs exercises with solutions, gives every block a unique title, hands over statements and
 * decides which blocks call nothing. */
static void
finish_chapter (HeapglassChapter *self)
{
  g_autoptr (GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* title → the next " (n)" suffix to try, so a thousand "Example" blocks stay linear */
  g_autoptr (GHashTable) next_suffix = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                              NULL);

  pair_solutions (self);

  for (guint i = 0; i < self->blocks->len; i++)
    {
      HeapglassChapterBlock *block = &g_array_index (self->blocks, HeapglassChapterBlock, i);
      g_autofree char *title = NULL;
      GString *statement = g_ptr_array_index (self->statements, i);

      if (block->title != NULL)
        title = g_strdup (block->title);
      else if (block->kind == HEAPGLASS_BLOCK_EXERCISE)
        title = g_strdup_printf (_("Exercise %u"), block->number);
      else if (block->kind == HEAPGLASS_BLOCK_SOLUTION && block->number > 0)
        title = g_strdup_printf (_("Solution to Exercise %u"), block->number);
      else if (block->kind == HEAPGLASS_BLOCK_SOLUTION)
        title = g_strdup (_("Solution"));
      else
        title = example_title (self, block);

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
      g_free ((char *) block->title);
      block->title = g_steal_pointer (&title);

      if (block->kind == HEAPGLASS_BLOCK_EXERCISE)
        {
          g_free ((char *) block->statement);
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

/* ------------------------------------------------------------------------------------------ */
/* Markdown (md4c)                                                                            */

typedef struct
{
  HeapglassChapter *chapter;
  const char *file;
  int current_section;
  int collecting_exercise; /* index of the exercise whose statement is being gathered, or -1 */
} MdLoader;

typedef struct
{
  MdLoader *loader;
  const char *data;
  gsize length;
  LineIndex lines;
  guint line_base; /* the file line of this buffer's first line, minus one */
  guint depth;     /* admonition nesting */
  gboolean in_solution;
  guint solution_number;

  gsize skip_until;   /* bytes before this belong to an admonition body handled separately */
  gsize last_offset;  /* the last position seen in the buffer, for blocks without one */

  /* the leaf block being read */
  MD_BLOCKTYPE leaf;
  gboolean in_leaf;
  gboolean leaf_skipped;
  gsize leaf_offset;
  gboolean leaf_has_offset;
  GString *text;

  /* heading */
  guint heading_level;

  /* code block */
  gboolean code_is_python;
  gboolean code_fenced;
  gsize code_info_offset;
  gboolean code_has_info_offset;

  /* paragraph */
  gboolean para_first_is_strong;
  gboolean para_seen_anything;
  int span_strong;
  GString *strong_text;
  gboolean strong_done;
} MdPass;

static gboolean md_parse_buffer (MdLoader *loader, const char *data, gsize length, guint line_base,
                                 guint depth, gboolean in_solution, guint solution_number);

static gboolean
in_buffer (MdPass *pass, const char *p)
{
  return p >= pass->data && p <= pass->data + pass->length;
}

static guint
pass_line (MdPass *pass, gsize offset)
{
  return pass->line_base + line_index_lookup (&pass->lines, offset);
}

static void
begin_leaf (MdPass *pass, MD_BLOCKTYPE type)
{
  pass->leaf = type;
  pass->in_leaf = TRUE;
  pass->leaf_skipped = FALSE;
  pass->leaf_has_offset = FALSE;
  pass->para_first_is_strong = FALSE;
  pass->para_seen_anything = FALSE;
  pass->span_strong = 0;
  pass->strong_done = FALSE;
  g_string_truncate (pass->text, 0);
  g_string_truncate (pass->strong_text, 0);
}

static void
append_statement (MdPass *pass, const char *text)
{
  add_to_statement (pass->loader->chapter, pass->loader->collecting_exercise, text);
}

/* An mkdocs-material admonition line: `??? success "Title"`, `???+ note`, `!!! tip "Title"`.
 * Returns TRUE and sets *type and *title (may be empty). */
static gboolean
parse_admonition_line (const char *line, const char *end, char **type, char **title)
{
  const char *p = line;
  const char *word;

  for (int i = 0; i < 3 && p < end && *p == ' '; i++)
    p++;
  if (end - p < 3 || !(strncmp (p, "???", 3) == 0 || strncmp (p, "!!!", 3) == 0))
    return FALSE;
  p += 3;
  if (p < end && *p == '+')
    p++;
  if (p >= end || *p != ' ')
    return FALSE;
  while (p < end && *p == ' ')
    p++;
  word = p;
  while (p < end && (g_ascii_isalnum (*p) || *p == '-' || *p == '_'))
    p++;
  if (p == word)
    return FALSE;
  *type = g_strndup (word, p - word);
  while (p < end && *p == ' ')
    p++;
  if (p < end && *p == '"')
    {
      const char *close = memchr (p + 1, '"', end - p - 1);
      *title = g_strndup (p + 1, close ? close - p - 1 : end - p - 1);
    }
  else
    *title = g_strdup ("");
  return TRUE;
}

/* The paragraph starting at offset is an admonition: its body is every following line that is
 * blank or indented by four spaces (or a tab). That body is Markdown again (CommonMark saw it as
 * an indented code block, or as lazy continuation lines when no blank line follows the title):
 * dedent it and parse it on its own, so its code fence comes out exactly as written. */
static gboolean
handle_admonition (MdPass *pass, gsize offset)
{
  const char *line = pass->data + offset;
  const char *end, *body_start, *p, *body_end;
  g_autofree char *type = NULL;
  g_autofree char *title = NULL;
  g_autoptr (GString) body = g_string_new (NULL);
  gboolean is_solution;
  guint body_first_line;

  while (line > pass->data && line[-1] != '\n')
    line--;
  end = memchr (line, '\n', pass->data + pass->length - line);
  if (!end)
    end = pass->data + pass->length;
  if (!parse_admonition_line (line, end, &type, &title))
    return FALSE;

  /* the buffer need not be NUL-terminated: never look at *end past its length */
  body_start = end < pass->data + pass->length ? end + 1 : end;
  body_end = body_start;
  for (p = body_start; p < pass->data + pass->length;)
    {
      const char *eol = memchr (p, '\n', pass->data + pass->length - p);
      const char *next = eol ? eol + 1 : pass->data + pass->length;
      const char *content_end = eol ? eol : pass->data + pass->length;

      if (is_blank_line (p, content_end))
        g_string_append_c (body, '\n');
      else if (content_end - p >= 4 && strncmp (p, "    ", 4) == 0)
        {
          g_string_append_len (body, p + 4, next - p - 4);
          body_end = next;
        }
      else if (*p == '\t')
        {
          g_string_append_len (body, p + 1, next - p - 1);
          body_end = next;
        }
      else
        break;
      p = next;
    }
  /* blank lines after the body belong to what follows */
  while (body->len > 0 && body->str[body->len - 1] == '\n' && body->len > 1
         && body->str[body->len - 2] == '\n')
    g_string_truncate (body, body->len - 1);

  pass->skip_until = MAX (pass->skip_until, (gsize) (body_end - pass->data));
  body_first_line = pass_line (pass, body_start - pass->data);

  is_solution = g_ascii_strncasecmp (title, "solution", 8) == 0
                || (*title == '\0' && g_ascii_strcasecmp (type, "success") == 0);

  /* An admonition ends an exercise's statement. */
  pass->loader->collecting_exercise = -1;

  if (pass->depth + 1 < MAX_ADMONITION_DEPTH && body->len > 0)
    md_parse_buffer (pass->loader, body->str, body->len, body_first_line - 1, pass->depth + 1,
                     pass->in_solution || is_solution,
                     is_solution ? last_number (title) : pass->solution_number);
  return TRUE;
}

static void
finish_paragraph (MdPass *pass)
{
  MdLoader *loader = pass->loader;
  guint number;

  if (!pass->leaf_has_offset)
    return;
  if (handle_admonition (pass, pass->leaf_offset))
    return;

  if (pass->para_first_is_strong
      && (number = parse_exercise_label (pass->strong_text->str)) > 0)
    {
      int index = add_block (loader->chapter, HEAPGLASS_BLOCK_EXERCISE,
                             pass_line (pass, pass->leaf_offset), loader->current_section,
                             loader->file, NULL, number);

      loader->collecting_exercise = index;
      /* the statement is what follows the bold label */
      append_statement (pass, pass->text->str + MIN (pass->text->len, pass->strong_text->len));
      return;
    }
  append_statement (pass, pass->text->str);
}

static void
finish_code_block (MdPass *pass)
{
  MdLoader *loader = pass->loader;
  guint line;

  if (!pass->code_is_python)
    {
      /* a diagram inside an exercise statement is part of the statement */
      append_statement (pass, pass->text->str);
      return;
    }
  if (pass->code_has_info_offset)
    line = pass_line (pass, pass->code_info_offset);
  else if (pass->leaf_has_offset)
    line = pass_line (pass, pass->leaf_offset) - (pass->code_fenced ? 1 : 0);
  else
    line = pass_line (pass, pass->last_offset) + 1;

  if (is_all_whitespace (pass->text->str, pass->text->len))
    return;

  loader->collecting_exercise = -1;
  add_block (loader->chapter, pass->in_solution ? HEAPGLASS_BLOCK_SOLUTION : HEAPGLASS_BLOCK_EXAMPLE,
             line, loader->current_section, loader->file,
             finish_code (g_string_new_len (pass->text->str, pass->text->len)),
             pass->in_solution ? pass->solution_number : 0);
}

static int
md_enter_block (MD_BLOCKTYPE type, void *detail, void *user_data)
{
  MdPass *pass = user_data;

  switch (type)
    {
    case MD_BLOCK_H:
      begin_leaf (pass, type);
      pass->heading_level = ((MD_BLOCK_H_DETAIL *) detail)->level;
      break;
    case MD_BLOCK_P:
      begin_leaf (pass, type);
      break;
    case MD_BLOCK_CODE:
      {
        MD_BLOCK_CODE_DETAIL *code = detail;

        begin_leaf (pass, type);
        pass->code_fenced = code->fence_char != 0;
        pass->code_is_python = pass->code_fenced && code->lang.size > 0
                               && is_python_info (code->lang.text, code->lang.size);
        pass->code_has_info_offset = code->info.size > 0 && in_buffer (pass, code->info.text);
        if (pass->code_has_info_offset)
          {
            pass->code_info_offset = code->info.text - pass->data;
            if (pass->code_info_offset < pass->skip_until)
              pass->leaf_skipped = TRUE;
          }
      }
      break;
    case MD_BLOCK_LI:
      /* tight list items carry their text without a paragraph */
      begin_leaf (pass, MD_BLOCK_P);
      break;
    case MD_BLOCK_HR:
      pass->loader->collecting_exercise = -1;
      break;
    default:
      break;
    }
  return 0;
}

static int
md_leave_block (MD_BLOCKTYPE type, void *detail, void *user_data)
{
  MdPass *pass = user_data;
  MdLoader *loader = pass->loader;

  if (!pass->in_leaf)
    return 0;
  if (!(type == pass->leaf || (type == MD_BLOCK_LI && pass->leaf == MD_BLOCK_P)))
    return 0;
  pass->in_leaf = FALSE;
  if (pass->leaf_skipped)
    return 0;

  switch (pass->leaf)
    {
    case MD_BLOCK_H:
      {
        g_autofree char *text = g_strstrip (g_strdup (pass->text->str));
        guint line = pass->leaf_has_offset ? pass_line (pass, pass->leaf_offset)
                                           : pass_line (pass, pass->last_offset);
        loader->collecting_exercise = -1;
        /* headings inside admonitions stay out of the outline */
        if (pass->depth == 0)
          loader->current_section = add_section (loader->chapter, text, pass->heading_level, line);
      }
      break;
    case MD_BLOCK_P:
      finish_paragraph (pass);
      break;
    case MD_BLOCK_CODE:
      finish_code_block (pass);
      break;
    default:
      break;
    }
  return 0;
}

static int
md_enter_span (MD_SPANTYPE type, void *detail, void *user_data)
{
  MdPass *pass = user_data;

  if (type == MD_SPAN_STRONG && pass->in_leaf)
    {
      if (!pass->para_seen_anything)
        pass->para_first_is_strong = TRUE;
      pass->span_strong++;
    }
  /* statements keep their `code` marks: "with `is`" reads better than "with is" */
  if (type == MD_SPAN_CODE && pass->in_leaf && pass->leaf == MD_BLOCK_P)
    g_string_append_c (pass->text, '`');
  pass->para_seen_anything = TRUE;
  return 0;
}

static int
md_leave_span (MD_SPANTYPE type, void *detail, void *user_data)
{
  MdPass *pass = user_data;

  if (type == MD_SPAN_CODE && pass->in_leaf && pass->leaf == MD_BLOCK_P)
    g_string_append_c (pass->text, '`');
  if (type == MD_SPAN_STRONG && pass->span_strong > 0)
    {
      pass->span_strong--;
      if (pass->span_strong == 0)
        pass->strong_done = TRUE;
    }
  return 0;
}

static int
md_text (MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *user_data)
{
  MdPass *pass = user_data;

  if (in_buffer (pass, text) && type != MD_TEXT_NULLCHAR)
    {
      gsize offset = text - pass->data;

      pass->last_offset = offset;
      if (pass->in_leaf && !pass->leaf_has_offset)
        {
          pass->leaf_offset = offset;
          pass->leaf_has_offset = TRUE;
          if (offset < pass->skip_until)
            pass->leaf_skipped = TRUE;
        }
    }
  if (!pass->in_leaf)
    return 0;
  if (pass->leaf != MD_BLOCK_CODE && pass->span_strong == 0 && !pass->strong_done)
    pass->para_seen_anything = TRUE;

  switch (type)
    {
    case MD_TEXT_NULLCHAR:
      g_string_append (pass->text, "\xEF\xBF\xBD");
      break;
    case MD_TEXT_SOFTBR:
      g_string_append_c (pass->text, ' ');
      break;
    case MD_TEXT_BR:
      g_string_append_c (pass->text, '\n');
      break;
    default:
      g_string_append_len (pass->text, text, size);
      if (pass->span_strong > 0 && !pass->strong_done)
        g_string_append_len (pass->strong_text, text, size);
      break;
    }
  return 0;
}

static gboolean
md_parse_buffer (MdLoader *loader, const char *data, gsize length, guint line_base, guint depth,
                 gboolean in_solution, guint solution_number)
{
  MD_PARSER parser = {
    .abi_version = 0,
    .flags = MD_FLAG_NOHTML,
    .enter_block = md_enter_block,
    .leave_block = md_leave_block,
    .enter_span = md_enter_span,
    .leave_span = md_leave_span,
    .text = md_text,
  };
  MdPass pass = { 0 };
  int ret;

  pass.loader = loader;
  pass.data = data;
  pass.length = length;
  pass.line_base = line_base;
  pass.depth = depth;
  pass.in_solution = in_solution;
  pass.solution_number = solution_number;
  pass.text = g_string_new (NULL);
  pass.strong_text = g_string_new (NULL);
  line_index_init (&pass.lines, data, length);

  ret = md_parse (data, (MD_SIZE) length, &parser, &pass);

  line_index_clear (&pass.lines);
  g_string_free (pass.text, TRUE);
  g_string_free (pass.strong_text, TRUE);
  return ret == 0;
}

static void
parse_markdown (HeapglassChapter *self, const char *data, gsize length, const char *file)
{
  MdLoader loader = { 0 };

  loader.chapter = self;
  loader.file = file;
  loader.current_section = -1;
  loader.collecting_exercise = -1;
  md_parse_buffer (&loader, data, length, 0, 0, FALSE, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* The flattened text export                                                                  */

/* The export lost Markdown structure: headings end with "¶", fences are sometimes collapsed onto
 * one line ("```python def f(): x = 1 ...") or replaced by a bare "python" line, code lost its
 * indentation, and "# comment" lines inside code became headings. Everything here is line-based
 * heuristics: recover what can be recovered, never fail on odd input. */

#define PILCROW "\xC2\xB6"

static gboolean
ends_with_pilcrow (const char *line)
{
  return g_str_has_suffix (line, PILCROW);
}

static char *
strip_pilcrow (const char *line)
{
  g_autofree char *copy = g_strdup (line);

  if (g_str_has_suffix (copy, PILCROW))
    copy[strlen (copy) - strlen (PILCROW)] = '\0';
  return g_strstrip (g_steal_pointer (&copy));
}

/* Markdown turned `__name__ == "__main__"` into bold "name == "main"": put the dunders back. */
static char *
restore_dunders (const char *line)
{
  g_autoptr (GString) out = g_string_new (line);

  g_string_replace (out, "if name == \"main\":", "if __name__ == \"__main__\":", 0);
  g_string_replace (out, "if name == 'main':", "if __name__ == '__main__':", 0);
  g_string_replace (out, "def init(self", "def __init__(self", 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Plain loops rather than strstr(): sanitizer builds make every strstr() call measure the rest of
 * the string, which turns a long collapsed line quadratic. */
static int
count_triple_quotes (const char *line)
{
  int count = 0;

  for (const char *q = line; *q; q++)
    if (q[0] == '"' && q[1] == '"' && q[2] == '"')
      {
        count++;
        q += 2;
      }
  return count;
}

static const char *
find_triple_quote (const char *p, char quote)
{
  for (; *p; p++)
    if (p[0] == quote && p[1] == quote && p[2] == quote)
      return p;
  return NULL;
}

/* Words after which an expression is not finished, or which continue one. */
static const char *const expression_words[]
  = { "and",    "or",     "not",    "in",    "is",       "if",     "else",   "for",
      "as",     "from",   "lambda", "await", "async",    "return", "del",    "import",
      "def",    "class",  "global", "nonlocal", "raise", "assert", "yield",  "elif",
      "while",  "with",   "try",    "except", "finally", NULL };

/* Words that only start a statement. */
static const char *const statement_words[]
  = { "return", "def", "class", "for", "while", "del", "import", "global", "try", "with",
      "print", "pass", "break", "continue", "raise", NULL };

/* Statements that are complete on their own: a word after them starts the next one. */
static const char *const complete_words[] = { "pass", "break", "continue", NULL };

static const char *const header_words[] = { "def",  "class",  "if",      "elif", "else", "for",
                                            "while", "try",   "except", "finally", "with", NULL };

static gboolean
word_in (const char *word, gsize length, const char *const *words)
{
  for (guint i = 0; words[i]; i++)
    if (strlen (words[i]) == length && strncmp (words[i], word, length) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || (c & 0x80);
}

/* In a comment that swallowed the rest of a collapsed line, only "NAME = " and "return " are
 * taken as code starting again: English comments rarely contain either. */
static gsize
find_split_in_comment (const char *line, const char *hash)
{
  for (const char *c = hash + 1; *c; c++)
    {
      const char *e;

      if (c[-1] != ' ' || !is_word_char (*c) || g_ascii_isdigit (*c))
        continue;
      for (e = c; is_word_char (*e); e++)
        ;
      if ((e[0] == ' ' && e[1] == '=' && e[2] == ' ')
          || (e - c == 6 && strncmp (c, "return", 6) == 0 && *e == ' '))
        return c - line;
    }
  return 0;
}

/* "a if b else c": is there an " else " soon after this "if"? Looks a bounded distance ahead, so
 * a long line of "if"s stays linear. */
static gboolean
else_follows (const char *p)
{
  for (guint i = 0; i < 256 && p[i]; i++)
    if (strncmp (p + i, " else ", 6) == 0)
      return TRUE;
  return FALSE;
}

/* Where a collapsed line ("def f(): x = 1 return x") holds a second statement, the offset it
 * starts at, else 0. Python never puts two expressions side by side, so "x = 10 y = 20" splits
 * before "y"; a statement word after a finished expression ("lst = [] for …") starts a new
 * statement; a compound header splits after its ':'. */
static gsize
find_statement_split (const char *line)
{
  const char *p = line;
  const char *first_end;
  gboolean atom = FALSE; /* the last token finished an expression */
  gboolean after_return = FALSE;
  int depth = 0;

  for (first_end = line; is_word_char (*first_end); first_end++)
    ;

  while (*p)
    {
      if (*p == ' ' || *p == '\t')
        {
          p++;
          continue;
        }
      if (*p == '#' && depth == 0)
        return find_split_in_comment (line, p);
      if (*p == '"' || *p == '\'')
        {
          char quote = *p;

          if (p[1] == quote && p[2] == quote)
            {
              const char *close = find_triple_quote (p + 3, quote);
              if (!close)
                return 0; /* a string that runs on to the next lines */
              p = close + 3;
            }
          else
            {
              for (p++; *p && *p != quote; p++)
                if (*p == '\\' && p[1])
                  p++;
              if (!*p)
                return 0;
              p++;
            }
          atom = TRUE;
          after_return = FALSE;
          continue;
        }
      if (is_word_char (*p))
        {
          const char *w = p;
          gsize n;

          while (is_word_char (*p) || (*p == '.' && is_word_char (p[1])))
            p++;
          n = p - w;
          /* f"…", rb'…': a prefix, the string follows */
          if ((*p == '"' || *p == '\'') && n <= 2)
            continue;
          if (depth == 0 && w > line)
            {
              if (atom && !word_in (w, n, expression_words))
                return w - line;
              if (atom && word_in (w, n, statement_words))
                return w - line;
              if (atom && n == 2 && strncmp (w, "if", 2) == 0 && !else_follows (p))
                return w - line;
              if (after_return && word_in (w, n, statement_words))
                return w - line;
            }
          after_return = n == 6 && strncmp (w, "return", 6) == 0;
          atom = !word_in (w, n, expression_words) || word_in (w, n, complete_words);
          continue;
        }
      if (*p == ':' && depth == 0 && p[1] != '=' && word_in (line, first_end - line, header_words))
        {
          const char *rest = p + 1;

          while (*rest == ' ')
            rest++;
          if (*rest && *rest != '#')
            return rest - line;
        }
      if (*p == '(' || *p == '[' || *p == '{')
        depth++;
      else if ((*p == ')' || *p == ']' || *p == '}') && depth > 0)
        depth--;
      atom = (*p == ')' || *p == ']' || *p == '}') && depth == 0;
      after_return = FALSE;
      p++;
    }
  return 0;
}

/* Splits the collapsed lines of a block into one statement a line; lines inside a triple-quoted
 * string stay as they are. */
static GPtrArray *
split_collapsed_lines (GPtrArray *lines)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  gboolean in_triple = FALSE;

  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      int triples = count_triple_quotes (line);

      if (in_triple)
        g_ptr_array_add (out, g_strdup (line));
      else
        {
          const char *rest = line;
          gsize split;

          /* each split moves forward by at least one character */
          while ((split = find_statement_split (rest)) > 0)
            {
              g_ptr_array_add (out, g_strchomp (g_strndup (rest, split)));
              rest += split;
            }
          g_ptr_array_add (out, g_strdup (rest));
        }
      if (triples % 2 == 1)
        in_triple = !in_triple;
    }
  return out;
}

static const char *const closers[] = { "return", "pass", "break", "continue", "raise", NULL };

static gboolean
line_opens_block (const char *line)
{
  g_autofree char *code = g_strdup (line);
  char *hash = NULL;
  char quote = 0;

  for (char *p = code; *p; p++)
    {
      if (quote)
        {
          if (*p == '\\' && p[1])
            p++;
          else if (*p == quote)
            quote = 0;
        }
      else if (*p == '"' || *p == '\'')
        quote = *p;
      else if (*p == '#')
        {
          hash = p;
          break;
        }
    }
  if (hash)
    *hash = '\0';
  g_strchomp (code);
  return g_str_has_suffix (code, ":");
}

#define MAX_REINDENT_LEVEL 32

/* Re-indents code whose indentation was lost, four spaces a level: a line ending with ':' opens a
 * block; def/class/import go back to the top level; else/elif/except/finally line up with
 * their opener; return/pass/break/continue/raise close the block; a call of a function defined
 * earlier at top level runs at top level. Lines inside a triple-quoted string are kept as is. */
static char *
reindent_flattened (GPtrArray *collapsed)
{
  g_autoptr (GPtrArray) lines = split_collapsed_lines (collapsed);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GHashTable) defined = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GArray) openers = g_array_new (FALSE, FALSE, sizeof (int)); /* their levels */
  g_autoptr (GArray) branches = g_array_new (FALSE, FALSE, sizeof (gboolean)); /* if/for/try… */
  int level = 0;
  int class_level = -1;
  gboolean in_triple = FALSE;

  for (guint i = 0; i < lines->len; i++)
    {
      g_autofree char *line = restore_dunders (g_ptr_array_index (lines, i));
      const char *t = line;
      int this_level;
      int triples = 0;

      if (in_triple)
        {
          g_string_append_printf (out, "%s\n", line);
          triples = count_triple_quotes (line);
          if (triples % 2 == 1)
            in_triple = FALSE;
          continue;
        }

      while (*t == ' ' || *t == '\t')
        t++;
      if (*t == '\0')
        {
          g_string_append_c (out, '\n');
          continue;
        }

      this_level = level;
      if (starts_with_word (t, "elif") || starts_with_word (t, "else")
          || starts_with_word (t, "except") || starts_with_word (t, "finally"))
        {
          /* line up with the innermost open if/for/while/try, even after a return closed it */
          this_level = MAX (level - 1, 0);
          for (int k = (int) openers->len - 1; k >= 0; k--)
            if (g_array_index (branches, gboolean, k))
              {
                this_level = g_array_index (openers, int, k);
                break;
              }
        }
      else if (starts_with_word (t, "def") || starts_with_word (t, "class") || *t == '@'
               || starts_with_word (t, "async"))
        {
          this_level = (class_level >= 0 && !starts_with_word (t, "class")) ? class_level + 1 : 0;
          if (starts_with_word (t, "class"))
            class_level = 0;
          else if (this_level == 0)
            class_level = -1;
          if (this_level == 0 && starts_with_word (t, "def"))
            {
              const char *name = t + 3;
              const char *name_end;

              while (*name == ' ')
                name++;
              for (name_end = name; g_ascii_isalnum (*name_end) || *name_end == '_'; name_end++)
                ;
              if (name_end > name)
                g_hash_table_add (defined, g_strndup (name, name_end - name));
            }
        }
      else if (starts_with_word (t, "import") || starts_with_word (t, "from"))
        {
          this_level = 0;
          class_level = -1;
        }
      else
        {
          /* NAME(…) or x = NAME(…) where NAME is a function defined at top level */
          const char *call = t;
          const char *eq = strchr (t, '=');
          const char *name_end;

          if (eq && eq[1] != '=' && eq > t && eq[-1] != '!' && eq[-1] != '<' && eq[-1] != '>')
            {
              call = eq + 1;
              while (*call == ' ')
                call++;
            }
          for (name_end = call; g_ascii_isalnum (*name_end) || *name_end == '_'; name_end++)
            ;
          if (*name_end == '(' && name_end > call)
            {
              g_autofree char *name = g_strndup (call, name_end - call);
              if (g_hash_table_contains (defined, name))
                {
                  this_level = 0;
                  class_level = -1;
                }
            }
        }

      for (int k = 0; k < this_level; k++)
        g_string_append (out, "    ");
      g_string_append_printf (out, "%s\n", t);

      /* blocks opened at this level or deeper are closed by this line */
      while (openers->len > 0 && g_array_index (openers, int, openers->len - 1) >= this_level)
        {
          g_array_set_size (openers, openers->len - 1);
          g_array_set_size (branches, branches->len - 1);
        }

      level = this_level;
      /* CPython allows 20 nested blocks; more is not a program, and unbounded indentation would
       * make a file of "a:" lines grow quadratically */
      if (line_opens_block (t) && level < MAX_REINDENT_LEVEL)
        {
          gboolean branch = starts_with_word (t, "if") || starts_with_word (t, "elif")
                            || starts_with_word (t, "for") || starts_with_word (t, "while")
                            || starts_with_word (t, "try") || starts_with_word (t, "except");
          g_array_append_val (openers, this_level);
          g_array_append_val (branches, branch);
          level++;
        }
      else
        for (guint k = 0; closers[k]; k++)
          if (starts_with_word (t, closers[k]))
            {
              level = MAX (level - 1, 0);
              break;
            }

      triples = count_triple_quotes (t);
      if (triples % 2 == 1)
        in_triple = TRUE;
    }
  return finish_code (g_steal_pointer (&out));
}

typedef struct
{
  HeapglassChapter *chapter;
  const char *file;
  int current_section;
  int current_exercise;
  gboolean solution_pending; /* a "Solution to Exercise N" line was seen: the next code is it */
  guint solution_number;
} TextLoader;

static void
text_add_code (TextLoader *loader, GPtrArray *code_lines, guint line)
{
  char *code;

  gboolean indented = FALSE;

  if (code_lines->len == 0)
    return;
  /* an indented line means this block kept its indentation: leave it alone */
  for (guint i = 0; i < code_lines->len && !indented; i++)
    {
      const char *text = g_ptr_array_index (code_lines, i);
      indented = text[0] == ' ' || text[0] == '\t';
    }
  if (indented)
    {
      GString *joined = g_string_new (NULL);
      for (guint i = 0; i < code_lines->len; i++)
        g_string_append_printf (joined, "%s\n", (const char *) g_ptr_array_index (code_lines, i));
      code = finish_code (joined);
    }
  else
    code = reindent_flattened (code_lines);
  if (*code == '\0')
    {
      g_free (code);
      return;
    }
  if (loader->solution_pending)
    add_block (loader->chapter, HEAPGLASS_BLOCK_SOLUTION, line, loader->current_section,
               loader->file, code, loader->solution_number);
  else
    add_block (loader->chapter, HEAPGLASS_BLOCK_EXAMPLE, line, loader->current_section,
               loader->file, code, 0);
  loader->solution_pending = FALSE;
  loader->current_exercise = -1;
}

static void
parse_text_export (HeapglassChapter *self, const char *data, gsize length, const char *file)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) code = g_ptr_array_new_with_free_func (g_free);
  TextLoader loader = { self, file, -1, -1, FALSE, 0 };
  gboolean in_fence = FALSE, fence_python = FALSE, loose = FALSE;
  guint code_line = 0;
  guint n_headings = 0;

  for (const char *p = data; p <= data + length;)
    {
      const char *eol = memchr (p, '\n', data + length - p);
      const char *next = eol ? eol + 1 : data + length + 1;
      g_ptr_array_add (lines, g_strndup (p, (eol ? eol : data + length) - p));
      p = next;
    }

  for (guint i = 0; i < lines->len; i++)
    {
      g_autofree char *line = g_strdup (g_ptr_array_index (lines, i));
      const char *fence;
      guint line_no = i + 1;

      g_strchomp (line);

      if (in_fence)
        {
          fence = strstr (line, "```");
          if (fence)
            {
              g_autofree char *before = g_strstrip (g_strndup (line, fence - line));
              if (*before && fence_python)
                g_ptr_array_add (code, g_steal_pointer (&before));
              in_fence = FALSE;
              if (fence_python)
                text_add_code (&loader, code, code_line);
              g_ptr_array_set_size (code, 0);
            }
          else if (fence_python)
            {
              /* a "# comment" inside code was turned into a heading */
              if (ends_with_pilcrow (line))
                {
                  g_autofree char *text = strip_pilcrow (line);
                  g_ptr_array_add (code, g_strconcat ("# ", text, NULL));
                }
              else
                g_ptr_array_add (code, g_strdup (line));
            }
          continue;
        }

      if (loose)
        {
          /* a bare "python" line starts code that runs until something that is clearly not code */
          if (*line == '\0' || ends_with_pilcrow (line) || strstr (line, "```") != NULL
              || g_str_has_prefix (line, "Exercise ") || g_str_has_prefix (line, "Solution to ")
              || g_str_has_prefix (line, "- "))
            {
              loose = FALSE;
              text_add_code (&loader, code, code_line);
              g_ptr_array_set_size (code, 0);
            }
          else
            {
              g_ptr_array_add (code, g_strdup (line));
              continue;
            }
        }

      fence = strstr (line, "```");
      if (fence)
        {
          const char *info = fence + 3;
          const char *info_end = info;
          const char *rest;
          const char *close;

          while (g_ascii_isalnum (*info_end) || *info_end == '_')
            info_end++;
          fence_python = is_python_info (info, info_end - info) && info_end > info;
          rest = info_end;
          while (*rest == ' ')
            rest++;
          in_fence = TRUE;
          code_line = line_no;
          g_ptr_array_set_size (code, 0);
          close = strstr (rest, "```");
          if (close)
            {
              g_autofree char *inner = g_strstrip (g_strndup (rest, close - rest));
              if (*inner && fence_python)
                g_ptr_array_add (code, g_steal_pointer (&inner));
              in_fence = FALSE;
              if (fence_python)
                text_add_code (&loader, code, code_line);
              g_ptr_array_set_size (code, 0);
            }
          else if (*rest && fence_python)
            g_ptr_array_add (code, g_strdup (rest));
          continue;
        }

      if (g_str_equal (line, "python") || g_str_equal (line, "py"))
        {
          loose = TRUE;
          code_line = line_no;
          g_ptr_array_set_size (code, 0);
          continue;
        }

      if (ends_with_pilcrow (line))
        {
          g_autofree char *text = strip_pilcrow (line);
          /* the export has no levels: the first heading is the title, "1. Stack" is a
           * subsection, anything else a section */
          guint level = n_headings == 0 ? 1 : (g_ascii_isdigit (*text) ? 3 : 2);

          n_headings++;
          loader.current_section = add_section (self, text, level, line_no);
          loader.current_exercise = -1;
          loader.solution_pending = FALSE;
          continue;
        }

      {
        guint number = parse_exercise_label (line);

        if (number > 0)
          {
            loader.current_exercise = add_block (self, HEAPGLASS_BLOCK_EXERCISE, line_no,
                                                 loader.current_section, file, NULL, number);
            loader.solution_pending = FALSE;
            continue;
          }
      }

      if (g_ascii_strncasecmp (line, "Solution to Exercise", 20) == 0)
        {
          loader.solution_pending = TRUE;
          loader.solution_number = last_number (line);
          loader.current_exercise = -1;
          continue;
        }

      add_to_statement (self, loader.current_exercise, line);
    }

  if ((in_fence && fence_python) || loose)
    text_add_code (&loader, code, code_line);
}

/* ------------------------------------------------------------------------------------------ */
/* Reading files                                                                              */

static char *
display_name_for (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);

  return path ? g_filename_display_name (path) : g_file_get_parse_name (file);
}

/* Reads at most HEAPGLASS_CHAPTER_MAX_BYTES (and one more, to know there is more): a 50 MB file
 * or /dev/zero is refused after 8 MiB at worst, and its size usually says so before any read. */
static GBytes *
read_bounded (GFile *file, GError **error)
{
  g_autofree char *name = display_name_for (file);
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GFileInputStream) stream = NULL;
  g_autofree char *buffer = NULL;
  gsize total = 0;

  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (!info)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_NOT_FOUND,
                     _("“%s” does not exist"), name);
      else
        g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_UNREADABLE,
                     _("Could not read “%s”: %s"), name, local_error->message);
      return NULL;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_UNREADABLE,
                   _("Could not read “%s”: it is not a regular file"), name);
      return NULL;
    }
  if (g_file_info_get_size (info) > HEAPGLASS_CHAPTER_MAX_BYTES)
    {
      g_autofree char *size = g_format_size (g_file_info_get_size (info));
      g_autofree char *limit = g_format_size (HEAPGLASS_CHAPTER_MAX_BYTES);
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_TOO_LARGE,
                   _("“%s” is too large (%s); a chapter can be at most %s"), name, size, limit);
      return NULL;
    }

  stream = g_file_read (file, NULL, &local_error);
  if (!stream)
    {
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_UNREADABLE,
                   _("Could not read “%s”: %s"), name, local_error->message);
      return NULL;
    }

  buffer = g_malloc (HEAPGLASS_CHAPTER_MAX_BYTES + 1);
  while (total <= HEAPGLASS_CHAPTER_MAX_BYTES)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), buffer + total,
                                      HEAPGLASS_CHAPTER_MAX_BYTES + 1 - total, NULL, &local_error);
      if (n < 0)
        {
          g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_UNREADABLE,
                       _("Could not read “%s”: %s"), name, local_error->message);
          return NULL;
        }
      if (n == 0)
        break;
      total += n;
    }
  if (total > HEAPGLASS_CHAPTER_MAX_BYTES)
    {
      g_autofree char *limit = g_format_size (HEAPGLASS_CHAPTER_MAX_BYTES);
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_TOO_LARGE,
                   _("“%s” is too large; a chapter can be at most %s"), name, limit);
      return NULL;
    }
  buffer = g_realloc (buffer, total + 1);
  buffer[total] = '\0';
  return g_bytes_new_take (g_steal_pointer (&buffer), total);
}

/* NUL bytes mean binary; then the text must be UTF-8 and not empty. */
static gboolean
check_text (const char *data, gsize length, const char *name, GError **error)
{
  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_BINARY,
                   _("“%s” is not a text file"), name);
      return FALSE;
    }
  if (!g_utf8_validate_len (data, length, NULL))
    {
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_NOT_UTF8,
                   _("“%s” is not UTF-8 text"), name);
      return FALSE;
    }
  if (is_all_whitespace (data, length) || (length == 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0))
    {
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_EMPTY,
                   _("“%s” is empty"), name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_into (HeapglassChapter *self, const char *data, gsize length, const char *name,
            const char *file, HeapglassChapterFormat format, GError **error)
{
  /* a byte-order mark is not part of the first line */
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      length -= 3;
    }
  if (!check_text (data, length, name, error))
    return FALSE;

  switch (format)
    {
    case HEAPGLASS_CHAPTER_FORMAT_PYTHON:
      {
        g_autofree char *base = g_path_get_basename (name);
        int index = add_block (self, HEAPGLASS_BLOCK_EXAMPLE, 1, -1, file,
                               finish_code (g_string_new_len (data, length)), 0);
        HeapglassChapterBlock *block = &g_array_index (self->blocks, HeapglassChapterBlock, index);
        block->title = g_strdup (base);
      }
      break;
    case HEAPGLASS_CHAPTER_FORMAT_TEXT_EXPORT:
      parse_text_export (self, data, length, file);
      break;
    case HEAPGLASS_CHAPTER_FORMAT_MARKDOWN:
    case HEAPGLASS_CHAPTER_FORMAT_FOLDER:
    default:
      parse_markdown (self, data, length, file);
      break;
    }

  if (format != HEAPGLASS_CHAPTER_FORMAT_FOLDER && self->blocks->len == 0)
    {
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_NO_CODE,
                   _("“%s” contains no Python code to run"), name);
      return FALSE;
    }
  return TRUE;
}

/* Natural order: "ex2.py" before "ex10.py"; digits compare as numbers. */
static int
natural_compare (gconstpointer a, gconstpointer b)
{
  const char *x = *(const char *const *) a;
  const char *y = *(const char *const *) b;

  while (*x && *y)
    {
      if (g_ascii_isdigit (*x) && g_ascii_isdigit (*y))
        {
          const char *xs = x, *ys = y;
          gsize xl, yl;
          int c;

          while (*xs == '0' && g_ascii_isdigit (xs[1]))
            xs++;
          while (*ys == '0' && g_ascii_isdigit (ys[1]))
            ys++;
          for (x = xs; g_ascii_isdigit (*x); x++)
            ;
          for (y = ys; g_ascii_isdigit (*y); y++)
            ;
          xl = x - xs;
          yl = y - ys;
          if (xl != yl)
            return xl < yl ? -1 : 1;
          if ((c = strncmp (xs, ys, xl)) != 0)
            return c;
          continue;
        }
      if (g_ascii_tolower (*x) != g_ascii_tolower (*y))
        return g_ascii_tolower (*x) < g_ascii_tolower (*y) ? -1 : 1;
      x++;
      y++;
    }
  if (*x || *y)
    return *x ? 1 : -1;
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
load_folder (HeapglassChapter *self, GFile *folder, const char *name, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GFileEnumerator) enumerator = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  enumerator = g_file_enumerate_children (folder,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                          G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (!enumerator)
    {
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_UNREADABLE,
                   _("Could not read the folder “%s”: %s"), name, local_error->message);
      return FALSE;
    }
  for (;;)
    {
      GFileInfo *info = NULL;
      const char *child;

      if (!g_file_enumerator_iterate (enumerator, &info, NULL, NULL, &local_error))
        {
          g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_UNREADABLE,
                       _("Could not read the folder “%s”: %s"), name, local_error->message);
          return FALSE;
        }
      if (!info)
        break;
      child = g_file_info_get_name (info);
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR && child[0] != '.'
          && g_str_has_suffix (child, ".py"))
        g_ptr_array_add (names, g_strdup (child));
    }
  if (names->len == 0)
    {
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_EMPTY,
                   _("The folder “%s” has no .py files"), name);
      return FALSE;
    }
  g_ptr_array_sort (names, natural_compare);

  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr (GFile) child = g_file_get_child (folder, g_ptr_array_index (names, i));
      g_autofree char *child_name = display_name_for (child);
      g_autofree char *child_path = g_file_get_path (child);
      g_autoptr (GBytes) bytes = read_bounded (child, error);
      gsize length;
      const char *data;

      if (!bytes)
        return FALSE;
      data = g_bytes_get_data (bytes, &length);
      if (!parse_into (self, data, length, child_name, child_path ? child_path : child_name,
                       HEAPGLASS_CHAPTER_FORMAT_PYTHON, error))
        return FALSE;
    }
  return TRUE;
}

HeapglassChapter *
heapglass_chapter_load (GFile *file, GError **error)
{
  g_autoptr (HeapglassChapter) self = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  GFileType type;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (HEAPGLASS_TYPE_CHAPTER, NULL);
  name = display_name_for (file);
  path = g_file_get_path (file);
  base = g_file_get_basename (file);
  self->path = g_strdup (path ? path : name);

  type = g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL);
  if (type == G_FILE_TYPE_DIRECTORY)
    {
      self->format = HEAPGLASS_CHAPTER_FORMAT_FOLDER;
      self->title = g_filename_display_name (base ? base : name);
      if (!load_folder (self, file, name, error))
        return NULL;
    }
  else
    {
      g_autoptr (GBytes) bytes = NULL;
      const char *data;
      gsize length;

      if (base && g_str_has_suffix (base, ".py"))
        self->format = HEAPGLASS_CHAPTER_FORMAT_PYTHON;
      else if (base && g_str_has_suffix (base, ".txt"))
        self->format = HEAPGLASS_CHAPTER_FORMAT_TEXT_EXPORT;
      else
        self->format = HEAPGLASS_CHAPTER_FORMAT_MARKDOWN;

      bytes = read_bounded (file, error);
      if (!bytes)
        return NULL;
      data = g_bytes_get_data (bytes, &length);
      /* a .txt without the export's "¶" heading marks is plain Markdown saved as text */
      if (self->format == HEAPGLASS_CHAPTER_FORMAT_TEXT_EXPORT
          && g_strstr_len (data, length, PILCROW) == NULL)
        self->format = HEAPGLASS_CHAPTER_FORMAT_MARKDOWN;
      if (!parse_into (self, data, length, name, self->path, self->format, error))
        return NULL;
    }

  finish_chapter (self);
  if (self->title == NULL)
    self->title = g_filename_display_name (base ? base : name);
  return g_steal_pointer (&self);
}

HeapglassChapter *
heapglass_chapter_load_path (const char *path, GError **error)
{
  g_autoptr (GFile) file = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_file_new_for_path (path);
  return heapglass_chapter_load (file, error);
}

HeapglassChapter *
heapglass_chapter_new_from_data (const char *data, gsize length, const char *display_name,
                                 HeapglassChapterFormat format, GError **error)
{
  g_autoptr (HeapglassChapter) self = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);
  g_return_val_if_fail (format != HEAPGLASS_CHAPTER_FORMAT_FOLDER, NULL);

  self = g_object_new (HEAPGLASS_TYPE_CHAPTER, NULL);
  self->format = format;
  if (length > HEAPGLASS_CHAPTER_MAX_BYTES)
    {
      g_autofree char *limit = g_format_size (HEAPGLASS_CHAPTER_MAX_BYTES);
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_TOO_LARGE,
                   _("“%s” is too large; a chapter can be at most %s"), display_name, limit);
      return NULL;
    }
  if (!parse_into (self, data ? data : "", length, display_name, display_name, format, error))
    return NULL;
  finish_chapter (self);
  if (self->title == NULL)
    self->title = g_strdup (display_name);
  return g_steal_pointer (&self);
}

static void
load_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  HeapglassChapter *chapter = heapglass_chapter_load (task_data, &error);

  if (chapter)
    g_task_return_pointer (task, chapter, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
heapglass_chapter_load_async (GFile *file, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, heapglass_chapter_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_in_thread);
}

HeapglassChapter *
heapglass_chapter_load_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

HeapglassChapterFormat
heapglass_chapter_get_format (HeapglassChapter *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER (self), HEAPGLASS_CHAPTER_FORMAT_MARKDOWN);
  return self->format;
}

const char *
heapglass_chapter_get_title (HeapglassChapter *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER (self), NULL);
  return self->title;
}

const char *
heapglass_chapter_get_path (HeapglassChapter *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER (self), NULL);
  return self->path;
}

const HeapglassChapterSection *
heapglass_chapter_get_sections (HeapglassChapter *self, guint *n_sections)
{
  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER (self), NULL);
  if (n_sections)
    *n_sections = self->sections->len;
  return (const HeapglassChapterSection *) (gpointer) self->sections->data;
}

const HeapglassChapterBlock *
heapglass_chapter_get_blocks (HeapglassChapter *self, guint *n_blocks)
{
  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER (self), NULL);
  if (n_blocks)
    *n_blocks = self->blocks->len;
  return (const HeapglassChapterBlock *) (gpointer) self->blocks->data;
}

guint
heapglass_chapter_get_n_blocks (HeapglassChapter *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER (self), 0);
  return self->blocks->len;
}

const HeapglassChapterBlock *
heapglass_chapter_get_block (HeapglassChapter *self, guint index)
{
  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER (self), NULL);
  g_return_val_if_fail (index < self->blocks->len, NULL);
  return &g_array_index (self->blocks, HeapglassChapterBlock, index);
}

guint
heapglass_chapter_count_blocks (HeapglassChapter *self, HeapglassBlockKind kind)
{
  guint count = 0;

  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER (self), 0);
  for (guint i = 0; i < self->blocks->len; i++)
    if (g_array_index (self->blocks, HeapglassChapterBlock, i).kind == kind)
      count++;
  return count;
}

gboolean
heapglass_chapter_print_exercises (const char *path, GString *out, GError **error)
{
  g_autoptr (HeapglassChapter) chapter = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  chapter = heapglass_chapter_load_path (path, error);
  if (!chapter)
    return FALSE;
  for (guint i = 0; i < chapter->blocks->len; i++)
    {
      const HeapglassChapterBlock *block
        = &g_array_index (chapter->blocks, HeapglassChapterBlock, i);
      g_autofree char *title = g_strdup (block->title);

      /* a tab or newline in a title would break the line format */
      g_strdelimit (title, "\t\n\r", ' ');
      g_string_append_printf (out, "%s\t%s\t%u\n", heapglass_block_kind_to_string (block->kind),
                              title, block->line);
    }
  return TRUE;
}
