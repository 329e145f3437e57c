/* heapglass-stream-pump.c: the reading half of the runner. The tracer and the model each need a
 * core; when the model reads and decodes on one thread, the tracer's writes wait whenever a burst
 * of decoding (a packed block, a segment given back) takes longer than the pipe holds, and on a
 * 100M-step run the two took turns for seconds. A thread that only reads keeps the pipe empty
 * and queues what it read, up to a bound, for the decoding thread. */
#include "config.h"

#include "heapglass-stream-pump.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

/* How long the reader waits in poll() before it looks whether it was asked to stop (a program's
 * child can keep the pipe open after the tracer is gone). */
#define STOP_CHECK_MS 20

struct _HgStreamPump
{
  int fd;
  gsize chunk_bytes, max_queued;
  GThread *thread;
  GMutex lock;
  GCond cond;
  GQueue chunks; /* GBytes, oldest first */
  gsize queued;
  gboolean end;  /* the stream ended (or could not be read): nothing more will come */
  gboolean stop; /* the consumer is done */
};

static gpointer
pump_main (gpointer data)
{
  HgStreamPump *pump = data;

  for (;;)
    {
      struct pollfd pfd = { pump->fd, POLLIN, 0 };
      guint8 *buffer;
      gssize n;
      int ready;

      g_mutex_lock (&pump->lock);
      while (!pump->stop && pump->queued >= pump->max_queued)
        g_cond_wait (&pump->cond, &pump->lock);
      if (pump->stop)
        {
          g_mutex_unlock (&pump->lock);
          break;
        }
      g_mutex_unlock (&pump->lock);

      ready = poll (&pfd, 1, STOP_CHECK_MS);
      if (ready == 0 || (ready < 0 && errno == EINTR))
        continue;
      buffer = g_malloc (pump->chunk_bytes);
      n = ready > 0 ? read (pump->fd, buffer, pump->chunk_bytes) : -1;
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        {
          g_free (buffer);
          continue;
        }
      g_mutex_lock (&pump->lock);
      if (n <= 0)
        {
          g_free (buffer);
          pump->end = TRUE;
          g_cond_broadcast (&pump->cond);
          g_mutex_unlock (&pump->lock);
          break;
        }
      g_queue_push_tail (&pump->chunks, g_bytes_new_take (g_realloc (buffer, (gsize)n), (gsize)n));
      pump->queued += (gsize)n;
      g_cond_broadcast (&pump->cond);
      g_mutex_unlock (&pump->lock);
    }
  return NULL;
}

/* Starts reading `fd` (which stays the caller's: it is not closed here). */
HgStreamPump *
hg_stream_pump_start (int fd, gsize chunk_bytes, gsize max_queued_bytes)
{
  HgStreamPump *pump = g_new0 (HgStreamPump, 1);

  pump->fd = fd;
  pump->chunk_bytes = chunk_bytes;
  pump->max_queued = MAX (max_queued_bytes, chunk_bytes);
  g_mutex_init (&pump->lock);
  g_cond_init (&pump->cond);
  g_queue_init (&pump->chunks);
  pump->thread = g_thread_new ("heapglass-stream", pump_main, pump);
  return pump;
}

/* The oldest chunk read, waiting up to `timeout_ms` for one; NULL when none came in that time
 * (*end FALSE) or none ever will (*end TRUE: the stream is over and everything was taken). */
GBytes *
hg_stream_pump_pop (HgStreamPump *pump, int timeout_ms, gboolean *end)
{
  gint64 until = g_get_monotonic_time () + (gint64)MAX (timeout_ms, 0) * 1000;
  GBytes *chunk;

  g_mutex_lock (&pump->lock);
  while (g_queue_is_empty (&pump->chunks) && !pump->end)
    if (!g_cond_wait_until (&pump->cond, &pump->lock, until))
      break;
  chunk = g_queue_pop_head (&pump->chunks);
  if (chunk != NULL)
    {
      pump->queued -= g_bytes_get_size (chunk);
      g_cond_broadcast (&pump->cond);
    }
  *end = chunk == NULL && pump->end;
  g_mutex_unlock (&pump->lock);
  return chunk;
}

/* Stops the reader (within STOP_CHECK_MS when the stream has not ended) and frees what it held. */
void
hg_stream_pump_stop (HgStreamPump *pump)
{
  if (pump == NULL)
    return;
  g_mutex_lock (&pump->lock);
  pump->stop = TRUE;
  g_cond_broadcast (&pump->cond);
  g_mutex_unlock (&pump->lock);
  g_thread_join (pump->thread);
  g_queue_clear_full (&pump->chunks, (GDestroyNotify)g_bytes_unref);
  g_cond_clear (&pump->cond);
  g_mutex_clear (&pump->lock);
  g_free (pump);
}
