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

gboolean
heapglass_code_calls_nothing (const char *code)
{
  gboolean defines = FALSE, statements = FALSE;
  int depth = 0;   /* open brackets */
  char triple = 0; /* inside a ''' or """ string: its quote */
  gboolean continued = FALSE;

  g_return_val_if_fail (code != NULL, FALSE);

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
