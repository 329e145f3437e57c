/* heapglass-chapter-prose.c: the explanation around each example of a Markdown chapter: the text
 * between the previous heading or code block and the example, and after it up to the next heading
 * or example (where a "Memory:" diagram usually is). Line-based, from the fences md4c also saw. */
#include "config.h"

#include <string.h>

#include "heapglass-chapter-private.h"

typedef struct
{
  guint start, end; /* 1-based lines of the opening and closing fence */
  gboolean python;
} Fence;

static gboolean
is_heading (const char *line)
{
  const char *p = line;

  while (*p == ' ')
    p++;
  if (*p != '#')
    return FALSE;
  while (*p == '#')
    p++;
  return *p == ' ' || *p == '\0';
}

/* Lines that start something else than prose: an exercise or an admonition (a solution). */
static gboolean
is_boundary (const char *line)
{
  return g_str_has_prefix (line, "**Exercise") || g_str_has_prefix (line, "???")
         || g_str_has_prefix (line, "!!!");
}

static gsize
fence_length (const char *line, char *marker)
{
  const char *p = line;
  gsize n = 0;

  while (*p == ' ')
    p++;
  if (*p != '`' && *p != '~')
    return 0;
  *marker = *p;
  while (p[n] == *marker)
    n++;
  return n >= 3 ? n : 0;
}

static void
append_lines (GString *out, char **lines, guint first, guint last)
{
  for (guint l = first; l <= last; l++)
    {
      g_string_append (out, lines[l - 1]);
      g_string_append_c (out, '\n');
    }
}

/* The text's lines ("\n", "\r\n" or a lone "\r" ends one, as in md4c). A plain loop, not
 * g_strsplit(): that calls strstr() once a line, and sanitizer builds make each call measure the
 * whole rest of the text, which is quadratic on a big chapter. Cuts @text in place. */
static char **
split_lines (char *text)
{
  GPtrArray *lines = g_ptr_array_new ();
  char *start = text;

  for (char *p = text;; p++)
    {
      if (*p == '\n' || *p == '\r' || *p == '\0')
        {
          char end = *p;

          *p = '\0';
          g_ptr_array_add (lines, g_strdup (start));
          if (end == '\0')
            break;
          if (end == '\r' && p[1] == '\n')
            p++;
          start = p + 1;
        }
    }
  g_ptr_array_add (lines, NULL);
  return (char **)g_ptr_array_free (lines, FALSE);
}

/* The index of the fence whose opening line is @line, or G_MAXUINT. */
static guint
fence_starting_at (GArray *fences, guint line)
{
  guint lo = 0, hi = fences->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      guint start = g_array_index (fences, Fence, mid).start;

      if (start == line)
        return mid;
      if (start < line)
        lo = mid + 1;
      else
        hi = mid;
    }
  return G_MAXUINT;
}

/* The index of the first heading below @line (headings->len when none). */
static guint
first_heading_after (GArray *headings, guint line)
{
  guint lo = 0, hi = headings->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (headings, guint, mid) <= line)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

void
chapter_attach_prose (HeapglassChapter *self, const char *data, gsize length)
{
  g_autofree char *text = g_strndup (data, length);
  g_auto (GStrv) lines = NULL;
  g_autoptr (GArray) fences = g_array_new (FALSE, TRUE, sizeof (Fence));
  g_autoptr (GArray) headings = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree guint *prev_python_end = NULL;
  g_autofree guint *next_python_start = NULL;
  guint n_lines;

  lines = split_lines (text);
  n_lines = g_strv_length (lines);

  for (guint l = 1; l <= n_lines; l++)
    {
      char marker = 0;
      gsize n = fence_length (lines[l - 1], &marker);

      if (n > 0)
        {
          Fence fence = { l, n_lines, FALSE };
          const char *info = strchr (lines[l - 1], marker) + n;

          fence.python = chapter_is_python_info (info, strlen (info));
          for (guint m = l + 1; m <= n_lines; m++)
            {
              char close_marker = 0;

              if (fence_length (lines[m - 1], &close_marker) >= n && close_marker == marker)
                {
                  fence.end = m;
                  break;
                }
            }
          g_array_append_val (fences, fence);
          l = fence.end;
          continue;
        }
      if (is_heading (lines[l - 1]) || is_boundary (lines[l - 1]))
        g_array_append_val (headings, l);
    }

  /* Fences and headings come in line order, and fences do not overlap: each block finds its
   * fence and its neighbours by binary search, and the nearest python fences on each side come
   * from one pass, so a chapter of 90,000 blocks stays linear. */
  prev_python_end = g_new0 (guint, fences->len + 1);
  next_python_start = g_new0 (guint, fences->len + 1);
  for (guint f = 0, last = 0; f < fences->len; f++)
    {
      prev_python_end[f] = last;
      if (g_array_index (fences, Fence, f).python)
        last = g_array_index (fences, Fence, f).end;
    }
  for (guint f = fences->len, next = n_lines + 1; f-- > 0;)
    {
      next_python_start[f] = next;
      if (g_array_index (fences, Fence, f).python)
        next = g_array_index (fences, Fence, f).start;
    }

  for (guint b = 0; b < self->blocks->len; b++)
    {
      HeapglassChapterBlock *block = &g_array_index (self->blocks, HeapglassChapterBlock, b);
      const Fence *fence = NULL;
      guint before = 1, after = n_lines + 1;
      guint f;
      g_autoptr (GString) prose = g_string_new (NULL);

      if (block->kind != HEAPGLASS_BLOCK_EXAMPLE)
        continue;
      f = fence_starting_at (fences, block->line);
      if (f == G_MAXUINT)
        continue;
      fence = &g_array_index (fences, Fence, f);
      /* Back to the heading or the python block above; on to the next heading or python block. */
      {
        guint h = first_heading_after (headings, fence->start);

        if (h > 0)
          before = MAX (before, g_array_index (headings, guint, h - 1) + 1);
        h = first_heading_after (headings, fence->end);
        if (h < headings->len)
          after = MIN (after, g_array_index (headings, guint, h));
      }
      if (prev_python_end[f] > 0)
        before = MAX (before, prev_python_end[f] + 1);
      after = MIN (after, next_python_start[f]);
      {
        g_autoptr (GString) above = g_string_new (NULL);
        g_autoptr (GString) below = g_string_new (NULL);

        if (before < fence->start)
          append_lines (above, lines, before, fence->start - 1);
        if (fence->end + 1 < after && fence->end < n_lines)
          append_lines (below, lines, fence->end + 1, MIN (after - 1, n_lines));
        g_strstrip (above->str);
        g_strstrip (below->str);
        /* One blank line where the code was. */
        g_string_append (prose, above->str);
        if (*above->str != '\0' && *below->str != '\0')
          g_string_append (prose, "\n\n");
        g_string_append (prose, below->str);
      }
      if (prose->len > 0)
        block->prose = g_strdup (prose->str);
    }
}
