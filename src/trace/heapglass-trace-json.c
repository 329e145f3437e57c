/* heapglass-trace-json.c: writes a trace as JSON, one complete step at a time through a buffered
 * stream (never the whole document in memory), and the --trace-summary object. */
#include "heapglass-trace-json.h"

#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

void
heapglass_json_append_string (GString *out, const char *text, gssize len)
{
  const char *p, *end;

  g_return_if_fail (out != NULL);

  g_string_append_c (out, '"');
  if (text == NULL)
    text = "";
  if (len < 0)
    len = (gssize)strlen (text);
  p = text;
  end = text + len;
  while (p < end)
    {
      guchar c = (guchar)*p;
      if (c < 0x80)
        {
          switch (c)
            {
            case '"':
              g_string_append (out, "\\\"");
              break;
            case '\\':
              g_string_append (out, "\\\\");
              break;
            case '\n':
              g_string_append (out, "\\n");
              break;
            case '\r':
              g_string_append (out, "\\r");
              break;
            case '\t':
              g_string_append (out, "\\t");
              break;
            default:
              if (c < 0x20 || c == 0x7f)
                g_string_append_printf (out, "\\u%04x", c);
              else
                g_string_append_c (out, (char)c);
            }
          p++;
        }
      else
        {
          gunichar u = g_utf8_get_char_validated (p, end - p);
          if (u == (gunichar)-1 || u == (gunichar)-2)
            {
              /* Not UTF-8 (bytes the program printed): one replacement character per byte. */
              g_string_append (out, "\xef\xbf\xbd");
              p++;
            }
          else
            {
              const char *next = g_utf8_next_char (p);
              g_string_append_len (out, p, next - p);
              p = next;
            }
        }
    }
  g_string_append_c (out, '"');
}

static void
append_oid (GString *out, guint64 oid)
{
  g_string_append_printf (out, "%" G_GUINT64_FORMAT, oid);
}

static void
append_double (GString *out, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    g_string_append (out, "\"nan\"");
  else if (isinf (value))
    g_string_append (out, value > 0 ? "\"inf\"" : "\"-inf\"");
  else
    {
      g_ascii_formatd (buf, sizeof buf, "%.17g", value);
      g_string_append (out, buf);
      /* keep it a float for readers that care: 1.0, not 1 */
      if (strpbrk (buf, ".eE") == NULL)
        g_string_append (out, ".0");
    }
}

/* A big int's decimal digits are a valid JSON number when they look like one. */
static gboolean
is_json_integer (const char *text)
{
  const char *p = text;
  if (p == NULL || *p == '\0')
    return FALSE;
  if (*p == '-')
    p++;
  if (!g_ascii_isdigit (*p) || (*p == '0' && p[1] != '\0'))
    return FALSE;
  for (; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static void
append_object (GString *out, const HeapglassObjectView *v)
{
  g_string_append_c (out, '"');
  append_oid (out, v->oid);
  g_string_append (out, "\": {\"type\": ");
  heapglass_json_append_string (out, v->type_name, -1);

  switch (v->kind)
    {
    case HG_KIND_NONE:
      g_string_append (out, ", \"value\": null");
      break;
    case HG_KIND_BOOL:
      g_string_append (out, v->bool_value ? ", \"value\": true" : ", \"value\": false");
      break;
    case HG_KIND_INT:
      g_string_append_printf (out, ", \"value\": %" G_GINT64_FORMAT, v->int_value);
      break;
    case HG_KIND_BIGINT:
      g_string_append (out, ", \"value\": ");
      if (is_json_integer (v->text))
        g_string_append (out, v->text);
      else
        heapglass_json_append_string (out, v->text, -1);
      break;
    case HG_KIND_FLOAT:
      g_string_append (out, ", \"value\": ");
      append_double (out, v->float_value);
      break;
    case HG_KIND_STR:
    case HG_KIND_BYTES:
      g_string_append (out, ", \"value\": ");
      heapglass_json_append_string (out, v->text, -1);
      g_string_append_printf (out, ", \"length\": %" G_GUINT64_FORMAT, v->length);
      break;
    case HG_KIND_FUNCTION:
      g_string_append (out, ", \"function\": ");
      heapglass_json_append_string (out, v->text, -1);
      break;
    case HG_KIND_CLASS:
    case HG_KIND_MODULE:
      g_string_append (out, ", \"name\": ");
      heapglass_json_append_string (out, v->text, -1);
      break;
    case HG_KIND_OTHER:
      g_string_append (out, ", \"repr\": ");
      heapglass_json_append_string (out, v->text, -1);
      break;
    case HG_KIND_WEAKREF:
      g_string_append (out, ", \"referent\": ");
      if (v->referent)
        append_oid (out, v->referent);
      else
        g_string_append (out, "null");
      break;
    case HG_KIND_DICT:
      g_string_append (out, ", \"entries\": [");
      for (guint i = 0; i < v->n_items; i++)
        {
          g_string_append (out, i ? ", [" : "[");
          append_oid (out, v->items[2 * i]);
          g_string_append (out, ", ");
          append_oid (out, v->items[2 * i + 1]);
          g_string_append_c (out, ']');
        }
      g_string_append_printf (out, "], \"length\": %" G_GUINT64_FORMAT, v->length);
      break;
    default:
      break;
    }
  if (v->kind == HG_KIND_LIST || v->kind == HG_KIND_TUPLE || v->kind == HG_KIND_SET
      || v->kind == HG_KIND_FROZENSET || (v->kind == HG_KIND_INSTANCE && v->n_items > 0))
    {
      g_string_append (out, ", \"items\": [");
      for (guint i = 0; i < v->n_items; i++)
        {
          if (i)
            g_string_append (out, ", ");
          append_oid (out, v->items[i]);
        }
      g_string_append_printf (out, "], \"length\": %" G_GUINT64_FORMAT, v->length);
    }
  if (v->n_attrs > 0 || v->kind == HG_KIND_INSTANCE)
    {
      g_string_append (out, ", \"attrs\": {");
      for (guint i = 0; i < v->n_attrs; i++)
        {
          if (i)
            g_string_append (out, ", ");
          heapglass_json_append_string (out, v->attr_names[i], -1);
          g_string_append (out, ": ");
          append_oid (out, v->attr_oids[i]);
        }
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, '}');
}

static gboolean
is_dunder (const char *name)
{
  gsize n = strlen (name);
  return n > 4 && g_str_has_prefix (name, "__") && g_str_has_suffix (name, "__");
}

static gboolean
hidden_binding (const HeapglassFrameView *frame, guint i)
{
  return g_strcmp0 (frame->function, "<module>") == 0 && is_dunder (frame->names[i]);
}

static void
visit (const HeapglassSnapshot *snap, GHashTable *seen, GQueue *queue, guint64 oid)
{
  const HeapglassObjectView *v;

  if (oid == 0 || g_hash_table_contains (seen, GSIZE_TO_POINTER ((gsize)oid)))
    return;
  v = heapglass_snapshot_find_object (snap, oid);
  if (v == NULL)
    return;
  g_hash_table_add (seen, GSIZE_TO_POINTER ((gsize)oid));
  g_queue_push_tail (queue, (gpointer)v);
}

void
heapglass_trace_json_append_step (HeapglassTrace *trace, guint step, GString *out)
{
  g_autoptr (HeapglassSnapshot) snap = NULL;
  g_autoptr (GHashTable) seen = NULL;
  g_autofree char *output = NULL;
  GQueue queue = G_QUEUE_INIT;
  gsize output_len;
  gboolean first = TRUE;

  g_return_if_fail (HEAPGLASS_IS_TRACE (trace));

  snap = heapglass_trace_snapshot (trace, step);
  g_return_if_fail (snap != NULL);

  g_string_append_printf (out, "{\"line\": %u, \"event\": \"%s\", \"frames\": [", snap->line,
                          heapglass_event_to_string (snap->event));
  for (guint f = 0; f < snap->n_frames; f++)
    {
      const HeapglassFrameView *frame = &snap->frames[f];
      gboolean first_local = TRUE;

      g_string_append (out, f ? ", {\"function\": " : "{\"function\": ");
      heapglass_json_append_string (out, frame->function, -1);
      g_string_append_printf (out, ", \"line\": %u, \"locals\": {", frame->line);
      for (guint i = 0; i < frame->n_bindings; i++)
        {
          if (hidden_binding (frame, i))
            continue;
          if (!first_local)
            g_string_append (out, ", ");
          first_local = FALSE;
          heapglass_json_append_string (out, frame->names[i], -1);
          g_string_append (out, ": ");
          append_oid (out, frame->oids[i]);
        }
      g_string_append (out, "}}");
    }
  g_string_append (out, "], \"heap\": {");

  /* Everything reachable from the shown names (dunder globals left out), then the objects that
   * died at this step. */
  seen = g_hash_table_new (NULL, NULL);
  for (guint f = 0; f < snap->n_frames; f++)
    for (guint i = 0; i < snap->frames[f].n_bindings; i++)
      if (!hidden_binding (&snap->frames[f], i))
        visit (snap, seen, &queue, snap->frames[f].oids[i]);
  for (guint o = 0; o < snap->n_objects; o++)
    if (snap->objects[o].freed)
      visit (snap, seen, &queue, snap->objects[o].oid);
  while (!g_queue_is_empty (&queue))
    {
      const HeapglassObjectView *v = g_queue_pop_head (&queue);
      if (!first)
        g_string_append (out, ", ");
      first = FALSE;
      append_object (out, v);
      if (v->freed)
        continue;
      for (guint i = 0; i < (v->kind == HG_KIND_DICT ? 2 * v->n_items : v->n_items); i++)
        visit (snap, seen, &queue, v->items[i]);
      for (guint i = 0; i < v->n_attrs; i++)
        visit (snap, seen, &queue, v->attr_oids[i]);
      visit (snap, seen, &queue, v->referent);
    }
  g_string_append (out, "}, \"stdout\": ");
  output = heapglass_trace_get_output (trace, 1, step, &output_len);
  heapglass_json_append_string (out, output, (gssize)output_len);
  g_string_append_c (out, '}');
}

gboolean
heapglass_trace_write_json (HeapglassTrace *trace, GOutputStream *out, GCancellable *cancellable,
                            GError **error)
{
  g_autoptr (GOutputStream) buffered = NULL;
  g_autoptr (GString) chunk = g_string_sized_new (64 * 1024);
  guint n_steps;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);

  buffered = g_buffered_output_stream_new_sized (out, 256 * 1024);
  g_filter_output_stream_set_close_base_stream (G_FILTER_OUTPUT_STREAM (buffered), FALSE);

  g_string_append (chunk, "{\"version\": 1, \"script\": ");
  heapglass_json_append_string (chunk, heapglass_trace_get_script (trace), -1);
  g_string_append (chunk, ", \"steps\": [\n");
  n_steps = heapglass_trace_get_n_steps (trace);
  for (guint s = 1; s <= n_steps; s++)
    {
      if (s > 1)
        g_string_append (chunk, ",\n");
      heapglass_trace_json_append_step (trace, s, chunk);
      if (chunk->len >= 64 * 1024)
        {
          if (!g_output_stream_write_all (buffered, chunk->str, chunk->len, NULL, cancellable,
                                          error))
            return FALSE;
          g_string_truncate (chunk, 0);
        }
    }
  g_string_append (chunk, "\n]}\n");
  if (!g_output_stream_write_all (buffered, chunk->str, chunk->len, NULL, cancellable, error))
    return FALSE;
  return g_output_stream_close (buffered, cancellable, error)
         && g_output_stream_flush (out, cancellable, error);
}

gboolean
heapglass_trace_write_json_file (HeapglassTrace *trace, const char *path, GError **error)
{
  g_autoptr (GOutputStream) out = NULL;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (g_str_equal (path, "-"))
    out = g_unix_output_stream_new (1, FALSE);
  else
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (path);
      out = G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error));
      if (out == NULL)
        return FALSE;
    }
  if (!heapglass_trace_write_json (trace, out, NULL, error))
    return FALSE;
  return g_output_stream_close (out, NULL, error);
}

char *
heapglass_trace_summary_json (HeapglassTrace *trace, double elapsed_s)
{
  GString *out = g_string_new ("{");
  HgEnding ending;
  const char *exception;
  g_autofree char *output = NULL;
  gsize output_len;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), NULL);

  ending = heapglass_trace_get_ending (trace);
  exception = heapglass_trace_get_exception_type (trace);
  g_string_append_printf (out, "\"steps\": %u, ", heapglass_trace_get_n_steps (trace));
  g_string_append_printf (out, "\"trace_bytes\": %" G_GSIZE_FORMAT ", ",
                          heapglass_trace_get_stream_bytes (trace));
  g_ascii_formatd (buf, sizeof buf, "%.3f", elapsed_s);
  g_string_append_printf (out, "\"elapsed_s\": %s, ", buf);
  g_string_append_printf (out, "\"max_depth\": %u, ", heapglass_trace_get_max_depth (trace));
  g_string_append_printf (out, "\"peak_objects\": %" G_GUINT64_FORMAT ", ",
                          heapglass_trace_get_peak_objects (trace));
  g_string_append_printf (out, "\"ended\": \"%s\", ", heapglass_ending_to_string (ending));
  g_string_append (out, "\"exception\": ");
  if (exception != NULL)
    heapglass_json_append_string (out, exception, -1);
  else
    g_string_append (out, "null");
  g_string_append (out, ", \"exit_status\": ");
  /* Set when the program itself decided its status, as python3 would report it. */
  switch (ending)
    {
    case HG_END_FINISHED:
    case HG_END_EXCEPTION:
    case HG_END_EXIT:
    case HG_END_MEMORY_LIMIT:
    case HG_END_SYNTAX_ERROR:
    case HG_END_UNREADABLE:
      g_string_append_printf (out, "%d", heapglass_trace_get_exit_status (trace));
      break;
    default:
      g_string_append (out, "null");
    }
  g_string_append (out, ", \"stdout\": ");
  output = heapglass_trace_get_output (trace, 1, 0, &output_len);
  heapglass_json_append_string (out, output, (gssize)output_len);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}
