/* heapglass-layout-json.h: `heapglass --layout-json`: what the diagram of each step draws (boxes,
 * labels, arrows as polylines), as JSON, for tests and tools. */
#pragma once

#include <gio/gio.h>

#include "heapglass-trace.h"

G_BEGIN_DECLS

/* Writes {"version": 1, "steps": [figure…]} for steps first … last (1-based, inclusive) to
 * path ("-" = stdout). */
gboolean heapglass_layout_json_write_file (HeapglassTrace *trace, const char *path, guint first,
                                           guint last, GError **error);

G_END_DECLS
