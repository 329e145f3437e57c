/* heapglass-value-text.c: Python's repr() rules for the values the trace records. */
#include "heapglass-value-text.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* The shortest decimal digits that read back as @value, and the position of the decimal point
 * (value = 0.DIGITS × 10^decpt), as Python's float_repr_style 'short' finds them. */
static void
shortest_digits (double value, char *digits, gsize size, int *decpt)
{
  char buf[40];

  for (int precision = 0; precision <= 16; precision++)
    {
      g_snprintf (buf, sizeof buf, "%.*e", precision, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  /* buf is "D.DDDDe±XX" (no sign: callers pass |value|). */
  {
    char *e = strchr (buf, 'e');
    gsize n = 0;

    for (const char *p = buf; p < e && n + 1 < size; p++)
      if (g_ascii_isdigit (*p))
        digits[n++] = *p;
    while (n > 1 && digits[n - 1] == '0')
      n--;
    digits[n] = '\0';
    *decpt = atoi (e + 1) + 1;
  }
}

char *
heapglass_float_repr (double value)
{
  GString *out;
  char digits[32];
  int decpt, n;

  if (isnan (value))
    return g_strdup ("nan");
  if (isinf (value))
    return g_strdup (value < 0 ? "-inf" : "inf");

  out = g_string_new (signbit (value) ? "-" : "");
  value = fabs (value);
  if (value == 0)
    {
      g_string_append (out, "0.0");
      return g_string_free (out, FALSE);
    }
  shortest_digits (value, digits, sizeof digits, &decpt);
  n = (int)strlen (digits);
  if (decpt > -4 && decpt <= 16)
    {
      if (decpt <= 0)
        {
          g_string_append (out, "0.");
          for (int i = 0; i < -decpt; i++)
            g_string_append_c (out, '0');
          g_string_append (out, digits);
        }
      else if (decpt >= n)
        {
          g_string_append (out, digits);
          for (int i = n; i < decpt; i++)
            g_string_append_c (out, '0');
          g_string_append (out, ".0");
        }
      else
        {
          g_string_append_len (out, digits, decpt);
          g_string_append_c (out, '.');
          g_string_append (out, digits + decpt);
        }
    }
  else
    {
      int exponent = decpt - 1;

      g_string_append_c (out, digits[0]);
      if (n > 1)
        {
          g_string_append_c (out, '.');
          g_string_append (out, digits + 1);
        }
      g_string_append_printf (out, "e%c%02d", exponent < 0 ? '-' : '+', ABS (exponent));
    }
  return g_string_free (out, FALSE);
}

static void
append_escaped_char (GString *out, gunichar c, gunichar quote, gboolean bytes)
{
  switch (c)
    {
    case '\\':
      g_string_append (out, "\\\\");
      return;
    case '\n':
      g_string_append (out, "\\n");
      return;
    case '\r':
      g_string_append (out, "\\r");
      return;
    case '\t':
      g_string_append (out, "\\t");
      return;
    default:
      break;
    }
  if (c == quote)
    {
      g_string_append_c (out, '\\');
      g_string_append_c (out, (char)c);
    }
  else if (c < 0x20 || c == 0x7f || (bytes && c >= 0x80))
    g_string_append_printf (out, "\\x%02x", c);
  else if (!bytes && !g_unichar_isprint (c) && c != ' ')
    {
      if (c < 0x100)
        g_string_append_printf (out, "\\x%02x", c);
      else if (c < 0x10000)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_printf (out, "\\U%08x", c);
    }
  else
    g_string_append_unichar (out, c);
}

char *
heapglass_str_repr (const char *prefix, const char *text, guint64 length, guint max_chars)
{
  gboolean bytes = prefix != NULL && strchr (prefix, 'b') != NULL;
  GString *out = g_string_new (prefix);
  gunichar quote = '\'';
  guint64 shown = 0;
  gboolean cut = FALSE;
  const char *p;

  text = text != NULL ? text : "";
  /* Python picks double quotes when the text has a single quote and no double quote. */
  if (strchr (text, '\'') != NULL && strchr (text, '"') == NULL)
    quote = '"';
  g_string_append_unichar (out, quote);
  for (p = text; *p != '\0'; shown++)
    {
      gunichar c;

      if (max_chars > 0 && shown + 1 >= max_chars
          && p[bytes ? 1 : g_utf8_skip[*(guchar *)p]] != '\0')
        {
          cut = TRUE;
          break;
        }
      if (bytes)
        c = *(guchar *)p++;
      else
        {
          c = g_utf8_get_char_validated (p, -1);
          if (c == (gunichar)-1 || c == (gunichar)-2)
            {
              /* Not UTF-8 (the recorder cut a character, or a surrogate escape): show the byte. */
              c = 0xfffd;
              p++;
            }
          else
            p = g_utf8_next_char (p);
        }
      append_escaped_char (out, c, quote, bytes);
    }
  if (cut || shown < length)
    g_string_append (out, "…");
  g_string_append_unichar (out, quote);
  return g_string_free (out, FALSE);
}

static void
append_cut (GString *out, const char *text, guint max_chars)
{
  glong n = g_utf8_strlen (text, -1);

  if (max_chars > 0 && n > (glong)max_chars)
    {
      const char *end = g_utf8_offset_to_pointer (text, MAX ((glong)max_chars - 1, 0));

      g_string_append_len (out, text, end - text);
      g_string_append (out, "…");
    }
  else
    g_string_append (out, text);
}

char *
heapglass_value_text (const HeapglassObjectView *object, guint max_chars)
{
  GString *out;

  g_return_val_if_fail (object != NULL, NULL);

  out = g_string_new (NULL);
  switch (object->kind)
    {
    case HG_KIND_NONE:
      g_string_append (out, "None");
      break;
    case HG_KIND_BOOL:
      g_string_append (out, object->bool_value ? "True" : "False");
      break;
    case HG_KIND_INT:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, object->int_value);
      break;
    case HG_KIND_FLOAT:
      {
        g_autofree char *text = heapglass_float_repr (object->float_value);
        g_string_append (out, text);
      }
      break;
    case HG_KIND_STR:
    case HG_KIND_BYTES:
      {
        g_autofree char *text = heapglass_str_repr (object->kind == HG_KIND_BYTES ? "b" : "",
                                                    object->text, object->length, max_chars);
        g_string_append (out, text);
      }
      break;
    case HG_KIND_FUNCTION:
      append_cut (out, object->text ? object->text : "?", max_chars > 2 ? max_chars - 2 : 0);
      g_string_append (out, "()");
      break;
    case HG_KIND_BIGINT:
    case HG_KIND_OTHER:
    case HG_KIND_CLASS:
    case HG_KIND_MODULE:
      append_cut (out, object->text ? object->text : "", max_chars);
      break;
    default:
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* ---------------------------------------------------------------------------------------------- */
/* Counts and whole objects (narration, accessible descriptions) */

/* Containers nest at most this deep in one text; deeper ones read "[…]". */
#define MAX_DEPTH 4

void
heapglass_count_append (GString *out, guint64 n)
{
  char digits[24];
  gsize len;
  /* Translators: the thousands separator in counts such as 1,000,000 (German: "."). */
  const char *separator = _ (",");

  len = (gsize)g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, n);
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (out, separator);
      g_string_append_c (out, digits[i]);
    }
}

char *
heapglass_count_text (guint64 n)
{
  GString *out = g_string_new (NULL);

  heapglass_count_append (out, n);
  return g_string_free (out, FALSE);
}

typedef struct
{
  GString *out;
  const HeapglassSnapshot *snapshot;
  gsize start;     /* where this text began in out */
  guint max_chars; /* 0: no limit */
  gboolean full;   /* the budget is spent: close brackets only */
  guint depth;
  guint64 stack[MAX_DEPTH + 1]; /* containers being written, for cycles */
} Writer;

static gboolean
over_budget (Writer *w)
{
  if (w->max_chars == 0 || w->full)
    return w->full;
  /* bytes are an upper bound on characters: count only when that bound is over */
  if (w->out->len - w->start > w->max_chars
      && (guint)g_utf8_strlen (w->out->str + w->start, (gssize)(w->out->len - w->start))
             > w->max_chars)
    w->full = TRUE;
  return w->full;
}

static void write_object (Writer *w, const HeapglassObjectView *object);

static void
write_oid (Writer *w, guint64 oid)
{
  const HeapglassObjectView *object = heapglass_snapshot_find_object (w->snapshot, oid);

  if (object == NULL)
    g_string_append (w->out, "…");
  else
    write_object (w, object);
}

static guint
scalar_budget (Writer *w)
{
  return w->max_chars ? MAX (w->max_chars / 2, 8) : 0;
}

static void
write_items (Writer *w, const HeapglassObjectView *object, const char *open, const char *close)
{
  gboolean is_dict = object->kind == HG_KIND_DICT;

  g_string_append (w->out, open);
  for (guint i = 0; i < object->n_items; i++)
    {
      if (i > 0)
        g_string_append (w->out, ", ");
      if (over_budget (w))
        {
          g_string_append (w->out, "…");
          g_string_append (w->out, close);
          return;
        }
      if (is_dict)
        {
          write_oid (w, object->items[2 * i]);
          g_string_append (w->out, ": ");
          write_oid (w, object->items[2 * i + 1]);
        }
      else
        write_oid (w, object->items[i]);
    }
  if ((guint64)object->n_items < object->length)
    g_string_append (w->out, object->n_items ? ", …" : "…");
  else if (object->kind == HG_KIND_TUPLE && object->length == 1)
    g_string_append_c (w->out, ',');
  g_string_append (w->out, close);
}

static void
write_object (Writer *w, const HeapglassObjectView *object)
{
  GString *out = w->out;
  const char *type_name = object->type_name ? object->type_name : "object";

  switch (object->kind)
    {
    case HG_KIND_INSTANCE:
      g_string_append_printf (out, "<%s object>", type_name);
      return;
    case HG_KIND_WEAKREF:
      {
        const HeapglassObjectView *referent
            = object->referent ? heapglass_snapshot_find_object (w->snapshot, object->referent)
                               : NULL;
        if (object->referent == 0)
          g_string_append (out, "<weakref; dead>");
        else
          g_string_append_printf (out, "<weakref to %s>",
                                  referent && referent->type_name ? referent->type_name : "?");
        return;
      }
    case HG_KIND_LIST:
    case HG_KIND_TUPLE:
    case HG_KIND_SET:
    case HG_KIND_FROZENSET:
    case HG_KIND_DICT:
      break;
    default:
      {
        g_autofree char *text = heapglass_value_text (object, scalar_budget (w));
        g_string_append (out, text ? text : type_name);
        return;
      }
    }

  /* containers */
  {
    const char *open = "[", *close = "]", *recursive = "[...]";
    gboolean named_empty = FALSE;

    switch (object->kind)
      {
      case HG_KIND_TUPLE:
        open = "(";
        close = ")";
        recursive = "(...)";
        break;
      case HG_KIND_DICT:
        open = "{";
        close = "}";
        recursive = "{...}";
        break;
      case HG_KIND_SET:
      case HG_KIND_FROZENSET:
        open = "{";
        close = "}";
        recursive = "{...}";
        named_empty = TRUE;
        break;
      default:
        break;
      }
    for (guint i = 0; i < w->depth; i++)
      if (w->stack[i] == object->oid)
        {
          g_string_append (out, recursive);
          return;
        }
    if (w->depth >= MAX_DEPTH)
      {
        g_string_append (out, open);
        g_string_append (out, "…");
        g_string_append (out, close);
        return;
      }
    /* set() and frozenset({1, 2}) as Python writes them */
    if (named_empty && (object->kind == HG_KIND_FROZENSET || object->length == 0))
      {
        g_string_append (out, type_name);
        if (object->length == 0)
          {
            g_string_append (out, "()");
            return;
          }
        g_string_append_c (out, '(');
      }
    w->stack[w->depth++] = object->oid;
    write_items (w, object, open, close);
    w->depth--;
    if (named_empty && object->kind == HG_KIND_FROZENSET)
      g_string_append_c (out, ')');
  }
}

void
heapglass_object_repr_append (GString *out, const HeapglassSnapshot *snapshot,
                              const HeapglassObjectView *object, guint max_chars)
{
  Writer w = { 0 };

  g_return_if_fail (out != NULL);
  g_return_if_fail (snapshot != NULL);
  g_return_if_fail (object != NULL);

  w.out = out;
  w.snapshot = snapshot;
  w.start = out->len;
  w.max_chars = max_chars;
  write_object (&w, object);
}

char *
heapglass_object_repr (const HeapglassSnapshot *snapshot, const HeapglassObjectView *object,
                       guint max_chars)
{
  GString *out = g_string_new (NULL);

  heapglass_object_repr_append (out, snapshot, object, max_chars);
  return g_string_free (out, FALSE);
}
