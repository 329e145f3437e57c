/* heapglass-trace-spill.h: where the trace model keeps its bulk (per-step arrays, histories,
 * objects): an append-only arena in a memory-mapped file, so that resident memory stays bounded
 * whatever the length of the run. Internal to src/trace/. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HgSpill HgSpill;

/* A spill file in `dir` (created if missing), removed from the folder at once: only this process's
 * descriptor keeps it, so nothing outlives the trace, even a crash. `dir` NULL: anonymous memory
 * (tests, a trace decoded from a buffer). `limit` is the disk budget in bytes (0 = none). Spill
 * files that a dead process left behind in `dir` are removed first. */
HgSpill *hg_spill_new (const char *dir, guint64 limit, GError **error);
void hg_spill_free (HgSpill *spill);

/* `size` bytes, 16-byte aligned, zero-filled, never moved, never NULL (when the disk refuses, the
 * arena goes on in memory and hg_spill_is_full() says so). Freed with the spill only. */
gpointer hg_spill_alloc (HgSpill *spill, gsize size);

/* Blocks of 16 << cls bytes (cls < HG_SPILL_N_CLASSES) that can be given back for reuse: what a
 * growing history outgrew. Not zero-filled. */
#define HG_SPILL_N_CLASSES 17 /* 16 B … 1 MiB */
gpointer hg_spill_block_alloc (HgSpill *spill, guint cls);
void hg_spill_block_free (HgSpill *spill, gpointer block, guint cls);
/* The smallest class whose blocks hold `size` bytes. */
guint hg_spill_class_for (gsize size);

/* Readers touch pages all over the file (a seek is a few binary searches): call this after each
 * read; every so often the pages read are given back, so that scrubbing a long trace does not
 * pile them up. */
void hg_spill_note_read (HgSpill *spill);

/* Gives back every resident page of the file, the newest segment's too: when writing is over. */
void hg_spill_release_all (HgSpill *spill);

guint64 hg_spill_get_used (HgSpill *spill);  /* bytes handed out (the disk used, with a file) */
guint64 hg_spill_get_limit (HgSpill *spill); /* 0 = none */
gboolean hg_spill_is_full (HgSpill *spill);  /* the budget is spent, or the disk said no */
gboolean hg_spill_has_file (HgSpill *spill);
const char *hg_spill_get_path (HgSpill *spill); /* the name the file had (NULL in memory) */

/* The prefix of spill file names, "heapglass-trace-<pid>-<n>.spill", for tests. */
#define HG_SPILL_FILE_PREFIX "heapglass-trace-"
#define HG_SPILL_FILE_SUFFIX ".spill"

G_END_DECLS
