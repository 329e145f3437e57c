/* heapglass-trace-json.c: writes a trace as JSON, one complete step at a time through a buffered
 * stream (never the whole document in memory), and the --trace-summary object. */
#include "heapglass-trace-json.h"

#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <inttypes.h>
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

/* Whether decimal digits (an optional '-', no leading zeros) name an integer that a double holds
 * exactly: then JSON readers that parse numbers as doubles read it right, and it is written as a
 * number; otherwise as a string of its digits. */
static gboolean
digits_fit_double (const char *text)
{
  const char *p = text;
  char back[400];
  double d;

  if (p == NULL || *p == '\0')
    return FALSE;
  if (*p == '-')
    p++;
  if (!g_ascii_isdigit (*p) || (*p == '0' && p[1] != '\0'))
    return FALSE;
  for (; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  if (p - text > 330)
    return FALSE;
  d = g_ascii_strtod (text, NULL);
  if (!isfinite (d))
    return FALSE;
  /* %.0f prints a double's exact integer value */
  g_snprintf (back, sizeof back, "%.0f", d);
  return g_str_equal (back, text) || (g_str_equal (text, "-0") && g_str_equal (back, "-0"));
}

static void
append_int (GString *out, gint64 value)
{
  double d = (double)value;
  /* beyond 2^53 only ints with enough trailing zero bits fit; 2^63 itself is out of range */
  gboolean exact = d < 9223372036854775808.0 && (gint64)d == value;

  g_string_append_printf (out, exact ? "%" G_GINT64_FORMAT : "\"%" G_GINT64_FORMAT "\"", value);
}

/* Python's repr() of bytes: b'…' (b"…" when there is a ' and no "), \xhh for the rest. */
static void
append_bytes_repr (GString *out, const char *data, gsize len)
{
  g_autoptr (GString) repr = g_string_new ("b");
  char quote = memchr (data, '\'', len) != NULL && memchr (data, '"', len) == NULL ? '"' : '\'';

  g_string_append_c (repr, quote);
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar)data[i];
      if (c == (guchar)quote || c == '\\')
        g_string_append_printf (repr, "\\%c", c);
      else if (c == '\t')
        g_string_append (repr, "\\t");
      else if (c == '\n')
        g_string_append (repr, "\\n");
      else if (c == '\r')
        g_string_append (repr, "\\r");
      else if (c < 0x20 || c >= 0x7f)
        g_string_append_printf (repr, "\\x%02x", c);
      else
        g_string_append_c (repr, (char)c);
    }
  g_string_append_c (repr, quote);
  heapglass_json_append_string (out, repr->str, (gssize)repr->len);
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
      g_string_append (out, ", \"value\": ");
      append_int (out, v->int_value);
      break;
    case HG_KIND_BIGINT:
      g_string_append (out, ", \"value\": ");
      if (digits_fit_double (v->text))
        g_string_append (out, v->text);
      else
        heapglass_json_append_string (out, v->text, -1);
      break;
    case HG_KIND_FLOAT:
      g_string_append (out, ", \"value\": ");
      append_double (out, v->float_value);
      break;
    case HG_KIND_STR:
      g_string_append (out, ", \"value\": ");
      heapglass_json_append_string (out, v->text, v->text != NULL ? (gssize)v->text_len : 0);
      g_string_append_printf (out, ", \"length\": %" G_GUINT64_FORMAT, v->length);
      break;
    case HG_KIND_BYTES:
      g_string_append (out, ", \"value\": ");
      append_bytes_repr (out, v->text != NULL ? v->text : "", v->text != NULL ? v->text_len : 0);
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

/* Queues the object of `oid` once. Objects freed by this step are not part of it (DESIGN.md: an
 * object freed during a step is absent from the next step on). */
static void
visit (const HeapglassSnapshot *snap, GHashTable *seen, GQueue *queue, guint64 oid)
{
  const HeapglassObjectView *v;

  if (oid == 0 || g_hash_table_contains (seen, GSIZE_TO_POINTER ((gsize)oid)))
    return;
  v = heapglass_snapshot_find_object (snap, oid);
  if (v == NULL || v->freed)
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
  const HeapglassFrameView *raised = NULL;
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

      if (frame->exception_type != NULL)
        raised = frame;
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
  g_string_append_c (out, ']');
  if (snap->event == HEAPGLASS_EVENT_RETURN && snap->return_value != 0)
    {
      g_string_append (out, ", \"return_value\": ");
      append_oid (out, snap->return_value);
    }
  if (snap->event == HEAPGLASS_EVENT_EXCEPTION && raised != NULL)
    {
      g_string_append (out, ", \"exception\": {\"type\": ");
      heapglass_json_append_string (out, raised->exception_type, -1);
      g_string_append (out, ", \"message\": ");
      heapglass_json_append_string (out, raised->exception_message, -1);
      g_string_append (out, ", \"function\": ");
      heapglass_json_append_string (out, raised->function, -1);
      g_string_append_c (out, '}');
    }
  g_string_append (out, ", \"heap\": {");

  /* Everything reachable from the shown names (dunder globals left out) and from the returned
   * value, breadth first. */
  seen = g_hash_table_new (NULL, NULL);
  for (guint f = 0; f < snap->n_frames; f++)
    for (guint i = 0; i < snap->frames[f].n_bindings; i++)
      if (!hidden_binding (&snap->frames[f], i))
        visit (snap, seen, &queue, snap->frames[f].oids[i]);
  if (snap->event == HEAPGLASS_EVENT_RETURN)
    visit (snap, seen, &queue, snap->return_value);
  while (!g_queue_is_empty (&queue))
    {
      const HeapglassObjectView *v = g_queue_pop_head (&queue);
      if (!first)
        g_string_append (out, ", ");
      first = FALSE;
      append_object (out, v);
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

void
heapglass_json_options_init (HeapglassJsonOptions *options)
{
  g_return_if_fail (options != NULL);
  memset (options, 0, sizeof *options);
  options->max_bytes = HEAPGLASS_JSON_DEFAULT_LIMIT;
}

gboolean
heapglass_trace_write_json_full (HeapglassTrace *trace, GOutputStream *out,
                                 const HeapglassJsonOptions *options, GCancellable *cancellable,
                                 GError **error)
{
  g_autoptr (GOutputStream) buffered = NULL;
  g_autoptr (GString) chunk = g_string_sized_new (64 * 1024);
  HeapglassJsonOptions defaults;
  guint n_steps, first_step, last_step, written = 0;
  guint64 total = 0;
  gboolean over = FALSE;
  const char *ending = "\n]}\n";

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);

  if (options == NULL)
    {
      heapglass_json_options_init (&defaults);
      options = &defaults;
    }
  n_steps = heapglass_trace_get_n_steps (trace);
  first_step = options->first_step ? options->first_step : 1;
  last_step = options->last_step ? MIN (options->last_step, n_steps) : n_steps;

  buffered = g_buffered_output_stream_new_sized (out, 256 * 1024);
  g_filter_output_stream_set_close_base_stream (G_FILTER_OUTPUT_STREAM (buffered), FALSE);

  g_string_append (chunk, "{\"version\": 2, \"script\": ");
  heapglass_json_append_string (chunk, heapglass_trace_get_script (trace), -1);
  g_string_append (chunk, ", \"steps\": [\n");
  for (guint s = first_step; s <= last_step; s++)
    {
      gsize mark = chunk->len;

      if (s > first_step)
        g_string_append (chunk, ",\n");
      heapglass_trace_json_append_step (trace, s, chunk);
      /* The document stays valid JSON: a step that would cross the limit is not written. */
      if (options->max_bytes > 0 && total + chunk->len + strlen (ending) > options->max_bytes)
        {
          g_string_truncate (chunk, mark);
          over = TRUE;
          break;
        }
      written = s;
      if (chunk->len >= 64 * 1024)
        {
          if (!g_output_stream_write_all (buffered, chunk->str, chunk->len, NULL, cancellable,
                                          error))
            return FALSE;
          total += chunk->len;
          g_string_truncate (chunk, 0);
        }
    }
  g_string_append (chunk, ending);
  if (!g_output_stream_write_all (buffered, chunk->str, chunk->len, NULL, cancellable, error))
    return FALSE;
  if (!g_output_stream_close (buffered, cancellable, error)
      || !g_output_stream_flush (out, cancellable, error))
    return FALSE;
  if (over)
    {
      /* in the unit --json-limit takes (g_format_size's no-break space does not survive a C
       * locale's stderr) */
      g_autofree char *limit
          = options->max_bytes % (1024 * 1024) == 0
                ? g_strdup_printf (_ ("%" PRIu64 " MiB"),
                                   (uint64_t)(options->max_bytes / (1024 * 1024)))
                : g_strdup_printf (_ ("%" PRIu64 " bytes"), (uint64_t)options->max_bytes);
      if (written >= first_step)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                     _ ("The trace JSON stopped after step %u of %u: the next step would pass the "
                        "limit of %s (--json-limit; --steps=A-B writes a part)"),
                     written, last_step, limit);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                     _ ("The trace JSON is empty: step %u alone would pass the limit of %s "
                        "(--json-limit)"),
                     first_step, limit);
      return FALSE;
    }
  return TRUE;
}

gboolean
heapglass_trace_write_json (HeapglassTrace *trace, GOutputStream *out, GCancellable *cancellable,
                            GError **error)
{
  return heapglass_trace_write_json_full (trace, out, NULL, cancellable, error);
}

gboolean
heapglass_trace_write_json_file_full (HeapglassTrace *trace, const char *path,
                                      const HeapglassJsonOptions *options, GError **error)
{
  g_autoptr (GOutputStream) out = NULL;
  g_autoptr (GError) local_error = NULL;

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
  /* Over the limit, the file still gets closed (it holds a valid, shorter document). */
  heapglass_trace_write_json_full (trace, out, options, NULL, &local_error);
  if (!g_output_stream_close (out, NULL, local_error == NULL ? error : NULL) && local_error == NULL)
    return FALSE;
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

gboolean
heapglass_trace_write_json_file (HeapglassTrace *trace, const char *path, GError **error)
{
  return heapglass_trace_write_json_file_full (trace, path, NULL, error);
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
