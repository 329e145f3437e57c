/* heapglass-trace-spill.c: the trace model's append-only arena, in a memory-mapped file that is
 * unlinked as soon as it is open, with its resident pages given back to the kernel as it grows. */
#include "heapglass-trace-spill.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The file grows by segments, each mapped once and never moved: the first small (a short
 * program's trace must not cost a 16 MiB file to reserve, fault in and free again: that was 3 ms
 * of an empty program's start), each next twice the last, up to SEGMENT_SIZE. */
#define FIRST_SEGMENT_SIZE ((gsize)256 << 10)
#define SEGMENT_SIZE ((gsize)16 << 20)
/* Growth between two returns of resident pages: the pages written since stay resident until the
 * next one, so this bounds what the arena adds to the process's resident memory. */
#define RELEASE_EVERY ((guint64)64 << 20)
/* Reads (snapshots) in which every segment's pages are given back once, a few segments per read:
 * a seek in a trace of 100 million steps touches a few hundred kilobytes, and giving back all of
 * a 3 GB file's pages at once would make one seek in 256 take tens of milliseconds. */
#define RELEASE_ROUND_READS 64

typedef struct
{
  guint8 *base;
  gsize size;
  gboolean in_file;
} Segment;

struct _HgSpill
{
  int fd; /* -1: anonymous memory */
  char *path;
  guint64 limit;
  guint64 file_size;
  GArray *segments; /* Segment */
  guint8 *cur;      /* the free tail of the newest segment */
  gsize cur_left;
  guint64 used;
  guint64 released_at;
  gboolean disk_refused;
  guint next_release;   /* the segment the next read gives back first */
  guint release_credit; /* segments owed, in 1/RELEASE_ROUND_READS: see hg_spill_note_read */
  gpointer free_lists[HG_SPILL_N_CLASSES];
};

static gint spill_counter;

/* Files of processes that are gone: their owner crashed between creating and unlinking. */
static void
remove_stale_files (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      const char *p;
      char *end;
      guint64 pid;

      if (!g_str_has_prefix (name, HG_SPILL_FILE_PREFIX)
          || !g_str_has_suffix (name, HG_SPILL_FILE_SUFFIX))
        continue;
      p = name + strlen (HG_SPILL_FILE_PREFIX);
      pid = g_ascii_strtoull (p, &end, 10);
      if (end == p || *end != '-' || pid == 0 || pid > G_MAXINT || (pid_t)pid == getpid ())
        continue;
      if (kill ((pid_t)pid, 0) == 0 || errno != ESRCH)
        continue;
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
      }
    }
}

HgSpill *
hg_spill_new (const char *dir, guint64 limit, GError **error)
{
  HgSpill *spill = g_new0 (HgSpill, 1);

  spill->fd = -1;
  spill->limit = limit;
  spill->segments = g_array_new (FALSE, FALSE, sizeof (Segment));
  if (dir != NULL)
    {
      g_autofree char *name = NULL;
      int saved_errno;

      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          saved_errno = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       _ ("Cannot create the folder for the trace file %s: %s"), dir,
                       g_strerror (saved_errno));
          hg_spill_free (spill);
          return NULL;
        }
      remove_stale_files (dir);
      name = g_strdup_printf (HG_SPILL_FILE_PREFIX "%d-%d" HG_SPILL_FILE_SUFFIX, (int)getpid (),
                              g_atomic_int_add (&spill_counter, 1));
      spill->path = g_build_filename (dir, name, NULL);
      spill->fd = g_open (spill->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (spill->fd < 0)
        {
          saved_errno = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       _ ("Cannot create the trace file %s: %s"), spill->path,
                       g_strerror (saved_errno));
          hg_spill_free (spill);
          return NULL;
        }
      /* Only the descriptor keeps it from now on. */
      g_unlink (spill->path);
    }
  return spill;
}

void
hg_spill_free (HgSpill *spill)
{
  if (spill == NULL)
    return;
  for (guint i = 0; i < spill->segments->len; i++)
    {
      Segment *s = &g_array_index (spill->segments, Segment, i);
      munmap (s->base, s->size);
    }
  g_array_unref (spill->segments);
  if (spill->fd >= 0)
    close (spill->fd);
  g_free (spill->path);
  g_free (spill);
}

/* Gives back the resident pages of every file segment but the newest: they stay in the file (and
 * the page cache) and come back on the next touch. */
static void
release_resident (HgSpill *spill)
{
  for (guint i = 0; i + 1 < spill->segments->len; i++)
    {
      Segment *s = &g_array_index (spill->segments, Segment, i);
      if (s->in_file)
        madvise (s->base, s->size, MADV_DONTNEED);
    }
  spill->released_at = spill->used;
}

static void
add_segment (HgSpill *spill, gsize size)
{
  Segment s = { NULL, size, FALSE };

  if (spill->fd >= 0 && !spill->disk_refused)
    {
      /* Reserve the blocks now: a write through the mapping to a full disk would be SIGBUS. */
      if (posix_fallocate (spill->fd, (off_t)spill->file_size, (off_t)size) == 0)
        {
          s.base = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, spill->fd,
                         (off_t)spill->file_size);
          if (s.base == MAP_FAILED)
            s.base = NULL;
          else
            {
              s.in_file = TRUE;
              spill->file_size += size;
            }
        }
      if (s.base == NULL)
        spill->disk_refused = TRUE;
    }
  if (s.base == NULL)
    {
      s.base = mmap (NULL, size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (s.base == MAP_FAILED)
        g_error ("Out of memory for the trace (%" G_GSIZE_FORMAT " bytes)", size);
    }
  /* The segment just filled goes at once: readers that give pages back a segment at a time
   * would otherwise find all of it resident and dirty (a millisecond per 16 MiB). */
  if (spill->segments->len > 0)
    {
      Segment *full = &g_array_index (spill->segments, Segment, spill->segments->len - 1);
      if (full->in_file)
        madvise (full->base, full->size, MADV_DONTNEED);
    }
  g_array_append_val (spill->segments, s);
  spill->cur = s.base;
  spill->cur_left = size;
  if (spill->fd >= 0 && spill->used - spill->released_at >= RELEASE_EVERY)
    release_resident (spill);
}

void
hg_spill_release_all (HgSpill *spill)
{
  if (spill->fd < 0)
    return;
  for (guint i = 0; i < spill->segments->len; i++)
    {
      Segment *s = &g_array_index (spill->segments, Segment, i);
      if (s->in_file)
        madvise (s->base, s->size, MADV_DONTNEED);
    }
  spill->released_at = spill->used;
}

gpointer
hg_spill_alloc (HgSpill *spill, gsize size)
{
  gpointer p;

  size = (size + 15) & ~(gsize)15;
  if (size > spill->cur_left)
    {
      gsize page = (gsize)sysconf (_SC_PAGESIZE);
      gsize next = MIN (SEGMENT_SIZE, FIRST_SEGMENT_SIZE << MIN (spill->segments->len, 6));

      add_segment (spill, MAX (next, (size + page - 1) / page * page));
    }
  p = spill->cur;
  spill->cur += size;
  spill->cur_left -= size;
  spill->used += size;
  return p;
}

guint
hg_spill_class_for (gsize size)
{
  guint cls = 0;
  while (((gsize)16 << cls) < size)
    cls++;
  return cls;
}

gpointer
hg_spill_block_alloc (HgSpill *spill, guint cls)
{
  gpointer block;

  g_assert (cls < HG_SPILL_N_CLASSES);
  block = spill->free_lists[cls];
  if (block != NULL)
    {
      memcpy (&spill->free_lists[cls], block, sizeof (gpointer));
      return block;
    }
  return hg_spill_alloc (spill, (gsize)16 << cls);
}

void
hg_spill_block_free (HgSpill *spill, gpointer block, guint cls)
{
  g_assert (cls < HG_SPILL_N_CLASSES);
  memcpy (block, &spill->free_lists[cls], sizeof (gpointer));
  spill->free_lists[cls] = block;
}

void
hg_spill_note_read (HgSpill *spill)
{
  guint n = spill->segments->len;

  if (spill->fd < 0 || n < 2)
    return;
  /* Every segment but the newest (the writer's) once in RELEASE_ROUND_READS reads: n - 1
   * segments a round, so a small file gives one back every few reads, not one on every read
   * (the call tree reads two snapshots for each row it shows). */
  spill->release_credit += n - 1;
  while (spill->release_credit >= RELEASE_ROUND_READS)
    {
      Segment *s;

      spill->release_credit -= RELEASE_ROUND_READS;
      if (spill->next_release >= n - 1)
        spill->next_release = 0;
      s = &g_array_index (spill->segments, Segment, spill->next_release++);
      if (s->in_file)
        madvise (s->base, s->size, MADV_DONTNEED);
    }
}

guint64
hg_spill_get_used (HgSpill *spill)
{
  return spill->used;
}

guint64
hg_spill_get_limit (HgSpill *spill)
{
  return spill->limit;
}

gboolean
hg_spill_is_full (HgSpill *spill)
{
  return spill->disk_refused || (spill->limit > 0 && spill->used >= spill->limit);
}

gboolean
hg_spill_has_file (HgSpill *spill)
{
  return spill->fd >= 0;
}

const char *
hg_spill_get_path (HgSpill *spill)
{
  return spill->path;
}
