/* heapglass-markdown-pango.c: md4c's events turned into Pango markup; blocks are separated by
 * blank lines, list items get bullets or numbers, code keeps its lines. */
#include "config.h"

#include <md4c.h>
#include <string.h>

#include "heapglass-markdown-pango.h"

typedef struct
{
  GString *out;
  int list_depth;
  guint item_number[8]; /* per list level: 0 = bullets, else the next number */
  gboolean in_code;
} Render;

static void
block_gap (Render *r)
{
  /* One blank line between blocks; none before the first. */
  while (r->out->len > 0 && r->out->str[r->out->len - 1] == ' ')
    g_string_truncate (r->out, r->out->len - 1);
  if (r->out->len == 0)
    return;
  if (r->out->str[r->out->len - 1] != '\n')
    g_string_append_c (r->out, '\n');
  if (r->out->len < 2 || r->out->str[r->out->len - 2] != '\n')
    g_string_append_c (r->out, '\n');
}

static int
enter_block (MD_BLOCKTYPE type, void *detail, void *user_data)
{
  Render *r = user_data;

  switch (type)
    {
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
      if (r->list_depth == 0)
        block_gap (r);
      r->list_depth++;
      if (r->list_depth < (int)G_N_ELEMENTS (r->item_number))
        r->item_number[r->list_depth]
            = type == MD_BLOCK_OL ? ((MD_BLOCK_OL_DETAIL *)detail)->start : 0;
      break;
    case MD_BLOCK_LI:
      {
        int level = MIN (r->list_depth, (int)G_N_ELEMENTS (r->item_number) - 1);

        if (r->out->len > 0 && r->out->str[r->out->len - 1] != '\n')
          g_string_append_c (r->out, '\n');
        for (int i = 1; i < r->list_depth; i++)
          g_string_append (r->out, "    ");
        if (r->item_number[level] > 0)
          g_string_append_printf (r->out, "%u. ", r->item_number[level]++);
        else
          g_string_append (r->out, "•  ");
      }
      break;
    case MD_BLOCK_CODE:
      block_gap (r);
      r->in_code = TRUE;
      g_string_append (r->out, "<tt>");
      break;
    case MD_BLOCK_H:
      block_gap (r);
      g_string_append (r->out, "<b>");
      break;
    case MD_BLOCK_P:
    case MD_BLOCK_QUOTE:
    case MD_BLOCK_TABLE:
      if (r->list_depth == 0)
        block_gap (r);
      break;
    default:
      break;
    }
  return 0;
}

static int
leave_block (MD_BLOCKTYPE type, void *detail, void *user_data)
{
  Render *r = user_data;

  switch (type)
    {
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
      r->list_depth--;
      break;
    case MD_BLOCK_CODE:
      while (r->out->len > 0 && r->out->str[r->out->len - 1] == '\n')
        g_string_truncate (r->out, r->out->len - 1);
      g_string_append (r->out, "</tt>");
      r->in_code = FALSE;
      break;
    case MD_BLOCK_H:
      g_string_append (r->out, "</b>");
      break;
    case MD_BLOCK_TR:
      g_string_append_c (r->out, '\n');
      break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
      g_string_append (r->out, "   ");
      break;
    default:
      break;
    }
  return 0;
}

static int
enter_span (MD_SPANTYPE type, void *detail, void *user_data)
{
  Render *r = user_data;

  switch (type)
    {
    case MD_SPAN_EM:
      g_string_append (r->out, "<i>");
      break;
    case MD_SPAN_STRONG:
      g_string_append (r->out, "<b>");
      break;
    case MD_SPAN_CODE:
      g_string_append (r->out, "<tt>");
      break;
    default:
      break;
    }
  return 0;
}

static int
leave_span (MD_SPANTYPE type, void *detail, void *user_data)
{
  Render *r = user_data;

  switch (type)
    {
    case MD_SPAN_EM:
      g_string_append (r->out, "</i>");
      break;
    case MD_SPAN_STRONG:
      g_string_append (r->out, "</b>");
      break;
    case MD_SPAN_CODE:
      g_string_append (r->out, "</tt>");
      break;
    default:
      break;
    }
  return 0;
}

static int
text (MD_TEXTTYPE type, const MD_CHAR *chars, MD_SIZE size, void *user_data)
{
  Render *r = user_data;

  switch (type)
    {
    case MD_TEXT_BR:
      g_string_append_c (r->out, '\n');
      break;
    case MD_TEXT_SOFTBR:
      g_string_append_c (r->out, r->in_code ? '\n' : ' ');
      break;
    case MD_TEXT_NULLCHAR:
      break;
    default:
      {
        g_autofree char *valid = g_utf8_make_valid (chars, size);
        g_autofree char *escaped = g_markup_escape_text (valid, -1);

        g_string_append (r->out, escaped);
      }
      break;
    }
  return 0;
}

char *
heapglass_markdown_to_pango (const char *markdown)
{
  Render r = { 0 };
  MD_PARSER parser = {
    .flags = MD_FLAG_NOHTML | MD_FLAG_TABLES,
    .enter_block = enter_block,
    .leave_block = leave_block,
    .enter_span = enter_span,
    .leave_span = leave_span,
    .text = text,
  };

  g_return_val_if_fail (markdown != NULL, NULL);

  r.out = g_string_new (NULL);
  if (md_parse (markdown, (MD_SIZE)strlen (markdown), &parser, &r) != 0)
    {
      g_string_free (r.out, TRUE);
      return g_markup_escape_text (markdown, -1);
    }
  while (r.out->len > 0 && r.out->str[r.out->len - 1] == '\n')
    g_string_truncate (r.out, r.out->len - 1);
  return g_string_free (r.out, FALSE);
}
