/* heapglass-trace-json.h: the trace as JSON for other tools (--trace-json, every step complete)
 * and the one-object run summary (--trace-summary), as DESIGN.md specifies them. */
#pragma once

#include <gio/gio.h>

#include "heapglass-trace.h"

G_BEGIN_DECLS

/* Appends `text` (len bytes, or up to NUL when len < 0) as a JSON string literal with quotes.
 * Invalid UTF-8 becomes U+FFFD, so the result is always valid JSON. */
void heapglass_json_append_string (GString *out, const char *text, gssize len);

/* One step, complete: {"line", "event", "frames", ["return_value" | "exception",] "heap",
 * "stdout"}. */
void heapglass_trace_json_append_step (HeapglassTrace *trace, guint step, GString *out);

/* --json-limit's default: 1 GiB. */
#define HEAPGLASS_JSON_DEFAULT_LIMIT ((guint64)1 << 30)

typedef struct
{
  guint first_step; /* --steps=A-B: the steps written (0 = from the first / to the last) */
  guint last_step;
  guint64 max_bytes; /* --json-limit: the document never grows past it (0 = no limit) */
} HeapglassJsonOptions;

void heapglass_json_options_init (HeapglassJsonOptions *options); /* every step, 1 GiB */

/* {"version": 2, "script": …, "steps": [step…]}, streamed step by step to `out`. When the next step
 * would pass options->max_bytes, the document ends before it (still valid JSON) and the call fails
 * with G_IO_ERROR_MESSAGE_TOO_LARGE and a message saying where it stopped. NULL options: the
 * defaults. */
gboolean heapglass_trace_write_json_full (HeapglassTrace *trace, GOutputStream *out,
                                          const HeapglassJsonOptions *options,
                                          GCancellable *cancellable, GError **error);
gboolean heapglass_trace_write_json (HeapglassTrace *trace, GOutputStream *out,
                                     GCancellable *cancellable, GError **error);
/* The same into a file ("-" = stdout). */
gboolean heapglass_trace_write_json_file_full (HeapglassTrace *trace, const char *path,
                                               const HeapglassJsonOptions *options, GError **error);
gboolean heapglass_trace_write_json_file (HeapglassTrace *trace, const char *path, GError **error);

/* {"steps", "trace_bytes", "elapsed_s", "max_depth", "peak_objects", "ended", "exception",
 *  "exit_status", "stdout"} on one line, without a trailing newline. */
char *heapglass_trace_summary_json (HeapglassTrace *trace, double elapsed_s);

G_END_DECLS
