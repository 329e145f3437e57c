/* heapglass-chapter-markdown.c: reads a Markdown chapter with md4c: headings, python fences,
 * exercise statements and mkdocs-material admonitions holding solutions. */
#include "config.h"

#include "heapglass-chapter-private.h"

#include <string.h>

#include <glib/gi18n.h>
#include <md4c.h>

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

  gsize skip_until;  /* bytes before this belong to an admonition body handled separately */
  gsize last_offset; /* the last position seen in the buffer, for blocks without one */

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
  return pass->line_base + chapter_line_index_lookup (&pass->lines, offset);
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
  chapter_add_to_statement (pass->loader->chapter, pass->loader->collecting_exercise, text);
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

      if (chapter_is_blank_line (p, content_end))
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

  pass->skip_until = MAX (pass->skip_until, (gsize)(body_end - pass->data));
  body_first_line = pass_line (pass, body_start - pass->data);

  is_solution = g_ascii_strncasecmp (title, "solution", 8) == 0
                || (*title == '\0' && g_ascii_strcasecmp (type, "success") == 0);

  /* An admonition ends an exercise's statement. */
  pass->loader->collecting_exercise = -1;

  if (pass->depth + 1 < MAX_ADMONITION_DEPTH && body->len > 0)
    md_parse_buffer (pass->loader, body->str, body->len, body_first_line - 1, pass->depth + 1,
                     pass->in_solution || is_solution,
                     is_solution ? chapter_last_number (title) : pass->solution_number);
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
      && (number = chapter_parse_exercise_label (pass->strong_text->str)) > 0)
    {
      int index = chapter_add_block (loader->chapter, HEAPGLASS_BLOCK_EXERCISE,
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

  if (chapter_is_all_whitespace (pass->text->str, pass->text->len))
    return;

  loader->collecting_exercise = -1;
  chapter_add_block (loader->chapter,
                     pass->in_solution ? HEAPGLASS_BLOCK_SOLUTION : HEAPGLASS_BLOCK_EXAMPLE, line,
                     loader->current_section, loader->file,
                     chapter_finish_code (g_string_new_len (pass->text->str, pass->text->len)),
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
      pass->heading_level = ((MD_BLOCK_H_DETAIL *)detail)->level;
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
                               && chapter_is_python_info (code->lang.text, code->lang.size);
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
          loader->current_section
              = chapter_add_section (loader->chapter, text, pass->heading_level, line);
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
  chapter_line_index_init (&pass.lines, data, length);

  ret = md_parse (data, (MD_SIZE)length, &parser, &pass);

  chapter_line_index_clear (&pass.lines);
  g_string_free (pass.text, TRUE);
  g_string_free (pass.strong_text, TRUE);
  return ret == 0;
}

void
chapter_parse_markdown (HeapglassChapter *self, const char *data, gsize length, const char *file)
{
  MdLoader loader = { 0 };

  loader.chapter = self;
  loader.file = file;
  loader.current_section = -1;
  loader.collecting_exercise = -1;
  md_parse_buffer (&loader, data, length, 0, 0, FALSE, 0);
}
