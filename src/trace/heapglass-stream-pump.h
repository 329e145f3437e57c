/* heapglass-stream-pump.h: reads the tracer's stream on a thread of its own into a bounded queue,
 * so the tracer never waits for the model to decode (see heapglass-stream-pump.c). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HgStreamPump HgStreamPump;

HgStreamPump *hg_stream_pump_start (int fd, gsize chunk_bytes, gsize max_queued_bytes);
GBytes *hg_stream_pump_pop (HgStreamPump *pump, int timeout_ms, gboolean *end);
void hg_stream_pump_stop (HgStreamPump *pump);

G_END_DECLS
