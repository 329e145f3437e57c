/* heapglass-trace-json.h: the trace as JSON for other tools (--trace-json, every step complete)
 * and the one-object run summary (--trace-summary), as DESIGN.md specifies them. */
#pragma once

#include <gio/gio.h>

#include "heapglass-trace.h"

G_BEGIN_DECLS

/* Appends `text` (len bytes, or up to NUL when len < 0) as a JSON string literal with quotes.
 * Invalid UTF-8 becomes U+FFFD, so the result is always valid JSON. */
void heapglass_json_append_string (GString *out, const char *text, gssize len);

/* One step, complete: {"line", "event", "frames", "heap", "stdout"}. */
void heapglass_trace_json_append_step (HeapglassTrace *trace, guint step, GString *out);

/* {"version": 1, "script": …, "steps": [step…]}, streamed step by step to `out`. */
gboolean heapglass_trace_write_json (HeapglassTrace *trace, GOutputStream *out,
                                     GCancellable *cancellable, GError **error);
/* The same into a file ("-" = stdout). */
gboolean heapglass_trace_write_json_file (HeapglassTrace *trace, const char *path, GError **error);

/* {"steps", "trace_bytes", "elapsed_s", "max_depth", "peak_objects", "ended", "exception",
 *  "exit_status", "stdout"} on one line, without a trailing newline. */
char *heapglass_trace_summary_json (HeapglassTrace *trace, double elapsed_s);

G_END_DECLS
