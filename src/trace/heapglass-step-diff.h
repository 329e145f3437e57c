/* heapglass-step-diff.h: what differs between a pinned step and the current one: objects that are
 * new, objects that are gone, names bound to another object, objects whose contents changed. */
#pragma once

#include "heapglass-trace.h"

G_BEGIN_DECLS

typedef enum
{
  HEAPGLASS_DIFF_NONE = 0,
  HEAPGLASS_DIFF_NEW,     /* exists at the current step, not at the pinned one */
  HEAPGLASS_DIFF_GONE,    /* shown at the pinned step, no longer (or not yet) alive */
  HEAPGLASS_DIFF_MUTATED, /* alive at both, its contents changed in between */
} HeapglassDiffMark;

/* A name of a frame present at both steps (or new at the current one) whose object differs. */
typedef struct
{
  guint frame_id;
  const char *function;
  const char *name;
  guint64 old_oid; /* 0: the name was not bound at the pinned step */
  guint64 new_oid;
} HeapglassRebinding;

typedef struct _HeapglassStepDiff HeapglassStepDiff;

struct _HeapglassStepDiff
{
  guint pinned_step;
  guint current_step;
  GArray *created; /* guint64 oids, in the current step's object order */
  GArray *gone;    /* guint64 oids, in the pinned step's object order */
  GArray *mutated; /* guint64 oids, in the current step's object order */
  GArray *rebound; /* HeapglassRebinding, outermost frame first; strings owned by the diff */
};

/* Compares the state at `pinned` with the state at `current` (either may come first: going back
 * in time, what will be created later is "gone"). Steps are 1 … n_steps. */
HeapglassStepDiff *heapglass_step_diff_new (HeapglassTrace *trace, guint pinned, guint current);
void heapglass_step_diff_free (HeapglassStepDiff *diff);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeapglassStepDiff, heapglass_step_diff_free)

HeapglassDiffMark heapglass_step_diff_get_mark (const HeapglassStepDiff *diff, guint64 oid);
gboolean heapglass_step_diff_is_rebound (const HeapglassStepDiff *diff, guint frame_id,
                                         const char *name);
gboolean heapglass_step_diff_is_empty (const HeapglassStepDiff *diff);
/* The states compared, owned by the diff (deep stacks: their outermost and innermost frames). */
const HeapglassSnapshot *heapglass_step_diff_get_pinned_snapshot (const HeapglassStepDiff *diff);
const HeapglassSnapshot *heapglass_step_diff_get_current_snapshot (const HeapglassStepDiff *diff);

G_END_DECLS
