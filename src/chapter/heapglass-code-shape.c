/* heapglass-code-shape.c: what a program does at its top level, read line by line
 * (heapglass_code_calls_nothing); no Python parser. */
#include "config.h"

#include "heapglass-chapter-private.h"

#include <string.h>

#include <glib/gi18n.h>

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

gboolean
chapter_starts_with_word (const char *line, const char *word)
{
  gsize n = strlen (word);

  return strncmp (line, word, n) == 0 && !g_ascii_isalnum (line[n]) && line[n] != '_';
}

typedef enum
{
  TOP_DEFINES,
  TOP_QUIET, /* import, constant assignment, docstring, pass */
  TOP_DOES,  /* anything else: a call, a loop, del, … */
} TopStatement;

static TopStatement
classify_top_statement (const char *line)
{
  const char *p = line;

  if (chapter_starts_with_word (p, "def") || chapter_starts_with_word (p, "class") || *p == '@'
      || (chapter_starts_with_word (p, "async") && strstr (p, "def") != NULL))
    return TOP_DEFINES;
  if (chapter_starts_with_word (p, "import") || chapter_starts_with_word (p, "from")
      || chapter_starts_with_word (p, "pass") || chapter_starts_with_word (p, "global"))
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

/* Looks at the top-level statements: whether some define, whether there are any, and whether
 * one does something (then the scan stops). */
static void
scan_top_level (const char *code, gboolean *defines_out, gboolean *statements_out,
                gboolean *does_out)
{
  gboolean defines = FALSE, statements = FALSE;
  int depth = 0;   /* open brackets */
  char triple = 0; /* inside a ''' or """ string: its quote */
  gboolean continued = FALSE;

  for (const char *line = code; *line;)
    {
      const char *end = strchr (line, '\n');
      const char *p;

      if (!end)
        end = line + strlen (line);

      if (depth == 0 && triple == 0 && !continued && !chapter_is_blank_line (line, end)
          && line[0] != ' ' && line[0] != '\t' && line[0] != '#')
        {
          g_autofree char *text = g_strndup (line, end - line);
          TopStatement kind = classify_top_statement (text);

          statements = TRUE;
          if (kind == TOP_DOES)
            {
              *defines_out = defines;
              *statements_out = TRUE;
              *does_out = TRUE;
              return;
            }
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

  *defines_out = defines;
  *statements_out = statements;
  *does_out = FALSE;
}

gboolean
heapglass_code_calls_nothing (const char *code)
{
  gboolean defines, statements, does;

  g_return_val_if_fail (code != NULL, FALSE);

  scan_top_level (code, &defines, &statements, &does);
  return !does && (defines || !statements);
}

gboolean
heapglass_code_defines_but_calls_nothing (const char *code)
{
  gboolean defines, statements, does;

  g_return_val_if_fail (code != NULL, FALSE);

  scan_top_level (code, &defines, &statements, &does);
  return defines && !does;
}

/* The parameter names of "a, b=2, *args, c: int = 3, **kw" (self and cls left out): "a, b,
 * args, c, kw". Placeholders the learner types over. */
static char *
parameter_names (const char *params, gsize length)
{
  g_autofree char *text = g_strndup (params, length);
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr (GString) names = g_string_new (NULL);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *p = parts[i];
      const char *start;

      while (*p == ' ' || *p == '\t' || *p == '*' || *p == '\n')
        p++;
      start = p;
      while (g_ascii_isalnum (*p) || *p == '_')
        p++;
      if (p == start
          || (i == 0 && (strncmp (start, "self", 4) == 0 || strncmp (start, "cls", 3) == 0)
              && p - start <= 4))
        continue;
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append_len (names, start, p - start);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

char *
heapglass_code_suggest_call (const char *code, guint *args_start, guint *args_length)
{
  g_autofree char *name = NULL;
  g_autofree char *args = NULL;
  char *call;

  g_return_val_if_fail (code != NULL, NULL);

  for (const char *line = code; *line;)
    {
      const char *end = strchr (line, '\n');
      const char *p = line;
      gboolean is_def;

      if (!end)
        end = line + strlen (line);
      if (chapter_starts_with_word (p, "async"))
        for (p += 5; *p == ' '; p++)
          ;
      is_def = chapter_starts_with_word (p, "def");
      if (is_def || chapter_starts_with_word (p, "class"))
        {
          const char *n = p + (is_def ? 3 : 5);
          const char *n_end;

          while (*n == ' ')
            n++;
          for (n_end = n; g_ascii_isalnum (*n_end) || *n_end == '_'; n_end++)
            ;
          if (n_end > n)
            {
              g_free (name);
              name = g_strndup (n, n_end - n);
              g_clear_pointer (&args, g_free);
              if (is_def && *n_end == '(')
                {
                  /* The parameters may span lines: up to the matching ')'. */
                  const char *q = n_end + 1;
                  int depth = 1;

                  while (*q && depth > 0)
                    {
                      if (*q == '(' || *q == '[' || *q == '{')
                        depth++;
                      else if (*q == ')' || *q == ']' || *q == '}')
                        depth--;
                      if (depth > 0)
                        q++;
                    }
                  args = parameter_names (n_end + 1, q - n_end - 1);
                }
            }
        }
      line = *end ? end + 1 : end;
    }

  if (name == NULL)
    return NULL;
  call = g_strdup_printf ("%s(%s)", name, args != NULL ? args : "");
  if (args_start != NULL)
    *args_start = (guint)g_utf8_strlen (name, -1) + 1;
  if (args_length != NULL)
    *args_length = args != NULL ? (guint)g_utf8_strlen (args, -1) : 0;
  return call;
}

guint
heapglass_code_next_indent (const char *line, guint indent_width)
{
  guint indent = 0;
  const char *p;
  const char *last = NULL;
  char quote = 0;

  g_return_val_if_fail (line != NULL, 0);

  for (p = line; *p == ' ' || *p == '\t'; p++)
    indent += *p == '\t' ? indent_width - indent % indent_width : 1;
  /* The last character that is code: not in a comment, not trailing space. */
  for (const char *q = p; *q && *q != '\n'; q++)
    {
      if (quote)
        {
          if (*q == '\\' && q[1])
            q++;
          else if (*q == quote)
            quote = 0;
          last = q;
          continue;
        }
      if (*q == '#')
        break;
      if (*q == '"' || *q == '\'')
        quote = *q;
      if (*q != ' ' && *q != '\t' && *q != '\r')
        last = q;
    }
  if (last != NULL && *last == ':')
    return indent + indent_width;
  /* After a line that leaves its block, the next one is a level out. */
  if (chapter_starts_with_word (p, "return") || chapter_starts_with_word (p, "pass")
      || chapter_starts_with_word (p, "break") || chapter_starts_with_word (p, "continue")
      || chapter_starts_with_word (p, "raise"))
    return indent >= indent_width ? indent - indent_width : 0;
  return indent;
}
