/* heapglass-code-annotations.c: finds `# heapglass: …` directives in Python comments. A small
 * scanner follows string literals (single, triple, prefixed) across lines so that a `#` inside a
 * string is never taken for a comment; it is not a Python parser. */
#include "config.h"

#include "heapglass-code-annotations.h"

#include <string.h>

#define DIRECTIVE "heapglass:"

typedef enum
{
  DIRECTIVE_BREAK,
  DIRECTIVE_PREDICT,
  DIRECTIVE_HIDE,
  DIRECTIVE_UNKNOWN,
} DirectiveKind;

typedef struct
{
  DirectiveKind kind;
  guint line;     /* where it is written */
  gboolean alone; /* on a line without code: it applies to the next code line */
  char *names;    /* HIDE: the rest of the comment */
} Directive;

static void
directive_clear (gpointer data)
{
  g_free (((Directive *)data)->names);
}

static gboolean
is_identifier_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || (guchar)c >= 0x80;
}

/* Reads one comment's text (after `#`); adds a directive if it is one. */
static void
read_comment (const char *text, gsize len, guint line, gboolean alone, GArray *out)
{
  g_autofree char *comment = g_strndup (text, len);
  char *p = g_strstrip (comment);
  Directive d = { DIRECTIVE_UNKNOWN, line, alone, NULL };
  char *word;

  if (g_ascii_strncasecmp (p, DIRECTIVE, strlen (DIRECTIVE)) != 0)
    return;
  p = g_strchug (p + strlen (DIRECTIVE));
  word = p;
  while (*p && !g_ascii_isspace (*p))
    p++;
  if (*p)
    *p++ = '\0';
  if (g_ascii_strcasecmp (word, "break") == 0)
    d.kind = DIRECTIVE_BREAK;
  else if (g_ascii_strcasecmp (word, "predict") == 0)
    d.kind = DIRECTIVE_PREDICT;
  else if (g_ascii_strcasecmp (word, "hide") == 0)
    {
      d.kind = DIRECTIVE_HIDE;
      d.names = g_strdup (p);
    }
  g_array_append_val (out, d);
}

/* Scans the code line by line, carrying an open triple-quoted string over lines. Fills
 * `directives` and marks in `has_code` (index line - 1) the lines holding any code. */
static void
scan (const char *code, GArray *directives, GArray *has_code)
{
  const char *p = code;
  guint line = 1;
  char open_quote = 0; /* the quote character of a string spanning lines */

  while (*p)
    {
      const char *eol = strchr (p, '\n');
      const char *end = eol ? eol : p + strlen (p);
      gboolean code_here = open_quote != 0;
      const char *q = p;

      while (q < end)
        {
          if (open_quote)
            {
              /* inside a triple-quoted string: look for its end */
              if (*q == '\\')
                q += 2;
              else if (*q == open_quote && q + 2 < end && q[1] == open_quote && q[2] == open_quote)
                {
                  open_quote = 0;
                  q += 3;
                }
              else
                q++;
              continue;
            }
          if (*q == '#')
            {
              read_comment (q + 1, (gsize)(end - q - 1), line, !code_here, directives);
              break;
            }
          if (*q == '\'' || *q == '"')
            {
              char quote = *q;
              code_here = TRUE;
              if (q + 2 < end && q[1] == quote && q[2] == quote)
                {
                  open_quote = quote;
                  q += 3;
                  continue;
                }
              for (q++; q < end && *q != quote; q++)
                if (*q == '\\')
                  q++;
              q++;
              continue;
            }
          if (!g_ascii_isspace (*q))
            code_here = TRUE;
          /* string prefixes (r, b, f, …) are identifier characters before the quote */
          if (is_identifier_char (*q))
            while (q + 1 < end && is_identifier_char (q[1]))
              q++;
          q++;
        }
      g_array_append_val (has_code, code_here);
      line++;
      p = eol ? eol + 1 : end;
    }
}

static int
compare_uint (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *)a, y = *(const guint *)b;
  return x < y ? -1 : x > y;
}

/* The line a directive applies to: its own, or the next line with code; 0 if there is none. */
static guint
target_line (const Directive *d, GArray *has_code)
{
  if (!d->alone)
    return d->line;
  for (guint l = d->line + 1; l <= has_code->len; l++)
    if (g_array_index (has_code, gboolean, l - 1))
      return l;
  return 0;
}

HeapglassCodeAnnotations *
heapglass_code_annotations_parse (const char *code)
{
  HeapglassCodeAnnotations *a = g_new0 (HeapglassCodeAnnotations, 1);
  g_autoptr (GArray) directives = g_array_new (FALSE, FALSE, sizeof (Directive));
  g_autoptr (GArray) has_code = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr (GArray) breaks = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) unknown = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GPtrArray) hidden = g_ptr_array_new ();

  g_array_set_clear_func (directives, directive_clear);
  if (code != NULL)
    scan (code, directives, has_code);

  for (guint i = 0; i < directives->len; i++)
    {
      const Directive *d = &g_array_index (directives, Directive, i);
      guint line = target_line (d, has_code);

      switch (d->kind)
        {
        case DIRECTIVE_BREAK:
          if (line != 0)
            g_array_append_val (breaks, line);
          break;
        case DIRECTIVE_PREDICT:
          if (line != 0 && a->predict_line == 0)
            a->predict_line = line;
          break;
        case DIRECTIVE_HIDE:
          {
            g_auto (GStrv) names = g_strsplit_set (d->names, " \t,", -1);
            for (char **n = names; *n; n++)
              if (**n && !g_ptr_array_find_with_equal_func (hidden, *n, g_str_equal, NULL))
                g_ptr_array_add (hidden, g_strdup (*n));
            break;
          }
        case DIRECTIVE_UNKNOWN:
        default:
          g_array_append_val (unknown, d->line);
          break;
        }
    }

  g_array_sort (breaks, compare_uint);
  for (guint i = 0; i < breaks->len; i++)
    if (a->n_breaks == 0 || a->breaks[a->n_breaks - 1] != g_array_index (breaks, guint, i))
      {
        a->breaks = g_renew (guint, a->breaks, a->n_breaks + 1);
        a->breaks[a->n_breaks++] = g_array_index (breaks, guint, i);
      }
  a->n_unknown = unknown->len;
  a->unknown = (guint *)(void *)g_array_steal (unknown, NULL);
  g_ptr_array_add (hidden, NULL);
  a->hidden = (char **)g_ptr_array_steal (hidden, NULL);
  return a;
}

void
heapglass_code_annotations_free (HeapglassCodeAnnotations *annotations)
{
  if (annotations == NULL)
    return;
  g_free (annotations->breaks);
  g_free (annotations->unknown);
  g_strfreev (annotations->hidden);
  g_free (annotations);
}

gboolean
heapglass_code_annotations_is_hidden (const HeapglassCodeAnnotations *annotations, const char *name)
{
  g_return_val_if_fail (annotations != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  for (char **n = annotations->hidden; n != NULL && *n != NULL; n++)
    if (g_str_equal (*n, name))
      return TRUE;
  return FALSE;
}
