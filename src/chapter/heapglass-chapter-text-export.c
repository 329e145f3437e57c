/* heapglass-chapter-text-export.c: reads the flattened text export of a chapter, recovering
 * headings, fences and indentation line by line. */
#include "config.h"

#include "heapglass-chapter-private.h"

#include <string.h>

#include <glib/gi18n.h>

/* ------------------------------------------------------------------------------------------ */
/* The flattened text export                                                                  */

/* The export lost Markdown structure: headings end with "¶", fences are sometimes collapsed onto
 * one line ("```python def f(): x = 1 ...") or replaced by a bare "python" line, code lost its
 * indentation, and "# comment" lines inside code became headings. Everything here is line-based
 * heuristics: recover what can be recovered, never fail on odd input. */

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
    = { "and",   "or",    "not",    "in",       "is",      "if",     "else",  "for",
        "as",    "from",  "lambda", "await",    "async",   "return", "del",   "import",
        "def",   "class", "global", "nonlocal", "raise",   "assert", "yield", "elif",
        "while", "with",  "try",    "except",   "finally", NULL };

/* Words that only start a statement. */
static const char *const statement_words[]
    = { "return", "def",  "class", "for",  "while", "del",      "import", "global",
        "try",    "with", "print", "pass", "break", "continue", "raise",  NULL };

/* Statements that are complete on their own: a word after them starts the next one. */
static const char *const complete_words[] = { "pass", "break", "continue", NULL };

static const char *const header_words[] = { "def",   "class", "if",     "elif",    "else", "for",
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
  g_autoptr (GArray) openers = g_array_new (FALSE, FALSE, sizeof (int));       /* their levels */
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
      if (chapter_starts_with_word (t, "elif") || chapter_starts_with_word (t, "else")
          || chapter_starts_with_word (t, "except") || chapter_starts_with_word (t, "finally"))
        {
          /* line up with the innermost open if/for/while/try, even after a return closed it */
          this_level = MAX (level - 1, 0);
          for (int k = (int)openers->len - 1; k >= 0; k--)
            if (g_array_index (branches, gboolean, k))
              {
                this_level = g_array_index (openers, int, k);
                break;
              }
        }
      else if (chapter_starts_with_word (t, "def") || chapter_starts_with_word (t, "class")
               || *t == '@' || chapter_starts_with_word (t, "async"))
        {
          this_level
              = (class_level >= 0 && !chapter_starts_with_word (t, "class")) ? class_level + 1 : 0;
          if (chapter_starts_with_word (t, "class"))
            class_level = 0;
          else if (this_level == 0)
            class_level = -1;
          if (this_level == 0 && chapter_starts_with_word (t, "def"))
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
      else if (chapter_starts_with_word (t, "import") || chapter_starts_with_word (t, "from"))
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
          gboolean branch
              = chapter_starts_with_word (t, "if") || chapter_starts_with_word (t, "elif")
                || chapter_starts_with_word (t, "for") || chapter_starts_with_word (t, "while")
                || chapter_starts_with_word (t, "try") || chapter_starts_with_word (t, "except");
          g_array_append_val (openers, this_level);
          g_array_append_val (branches, branch);
          level++;
        }
      else
        for (guint k = 0; closers[k]; k++)
          if (chapter_starts_with_word (t, closers[k]))
            {
              level = MAX (level - 1, 0);
              break;
            }

      triples = count_triple_quotes (t);
      if (triples % 2 == 1)
        in_triple = TRUE;
    }
  return chapter_finish_code (g_steal_pointer (&out));
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
        g_string_append_printf (joined, "%s\n", (const char *)g_ptr_array_index (code_lines, i));
      code = chapter_finish_code (joined);
    }
  else
    code = reindent_flattened (code_lines);
  if (*code == '\0')
    {
      g_free (code);
      return;
    }
  if (loader->solution_pending)
    chapter_add_block (loader->chapter, HEAPGLASS_BLOCK_SOLUTION, line, loader->current_section,
                       loader->file, code, loader->solution_number);
  else
    chapter_add_block (loader->chapter, HEAPGLASS_BLOCK_EXAMPLE, line, loader->current_section,
                       loader->file, code, 0);
  loader->solution_pending = FALSE;
  loader->current_exercise = -1;
}

void
chapter_parse_text_export (HeapglassChapter *self, const char *data, gsize length, const char *file)
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
          fence_python = chapter_is_python_info (info, info_end - info) && info_end > info;
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
          loader.current_section = chapter_add_section (self, text, level, line_no);
          loader.current_exercise = -1;
          loader.solution_pending = FALSE;
          continue;
        }

      {
        guint number = chapter_parse_exercise_label (line);

        if (number > 0)
          {
            loader.current_exercise
                = chapter_add_block (self, HEAPGLASS_BLOCK_EXERCISE, line_no,
                                     loader.current_section, file, NULL, number);
            loader.solution_pending = FALSE;
            continue;
          }
      }

      if (g_ascii_strncasecmp (line, "Solution to Exercise", 20) == 0)
        {
          loader.solution_pending = TRUE;
          loader.solution_number = chapter_last_number (line);
          loader.current_exercise = -1;
          continue;
        }

      chapter_add_to_statement (self, loader.current_exercise, line);
    }

  if ((in_fence && fence_python) || loose)
    text_add_code (&loader, code, code_line);
}
