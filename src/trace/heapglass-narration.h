/* heapglass-narration.h: a step of a trace told in plain, translatable sentences, for screen
 * readers, alt text of exported diagrams, handouts and the --describe command line. */
#pragma once

#include "heapglass-prediction.h"
#include "heapglass-step-diff.h"
#include "heapglass-trace.h"

G_BEGIN_DECLS

/* Frames described in full before the middle of a deeper stack is summarised. */
#define HEAPGLASS_NARRATION_MAX_FRAMES 16

/* The narration of `step` (1-based): what this step changed first (names bound, rebound or
 * removed, objects changed or freed, the call, return or exception), then the current frame's
 * names and what they refer to, names of one object grouped, then the other frames briefly.
 * Deterministic: the same trace and step give the same text. NULL if step is out of range. */
char *heapglass_narration_describe (HeapglassTrace *trace, guint step);

/* The same from snapshots the caller already holds: `previous` is the snapshot of step - 1 (NULL
 * at step 1, or when unknown: then nothing is said about changes of names). */
char *heapglass_narration_describe_snapshots (const HeapglassSnapshot *previous,
                                              const HeapglassSnapshot *snapshot);

/* Only the first part: the step, its event and what it changed ("Step 11 of 15. Line 8 in
 * inner() is about to run. This step changed the list [1, 2, 3]."), for announcing a step. */
char *heapglass_narration_describe_brief (const HeapglassSnapshot *previous,
                                          const HeapglassSnapshot *snapshot);

/* What differs between a pinned step and the current one, in words, for the canvas's narration
 * while a step is pinned: "Compared with step 12: x refers to the int 5 (the int 4 at step 12).
 * New since step 12: the int 5. Freed since step 12: the list [1, 2]." (going back in time,
 * "Freed by step 30" and "Created by step 30"). */
char *heapglass_narration_describe_comparison (const HeapglassStepDiff *diff);

/* How a prediction about the step after `step` went, from heapglass_prediction_check()'s
 * `results`: "2 of 3 predictions right. Right: x was rebound. Wrong: the list [1, 2] did not
 * change. Missed: it printed “3”." Not `scored` (skipped): what happened, each "Missed". */
char *heapglass_narration_describe_prediction (HeapglassTrace *trace, guint step,
                                               const GArray *results, gboolean scored);

/* A title for a picture of the step: "frames.py, step 11 of 15". */
char *heapglass_narration_title (HeapglassTrace *trace, guint step);

/* Short phrases for one thing on the diagram (accessible names and descriptions):
 * an object, "the list [1, 2]" or "a list of 1,000,000 ints"; */
char *heapglass_narration_object_phrase (const HeapglassSnapshot *snapshot, guint64 oid);
/* the same without its article, for a label: "list [1, 2]", "list of 1,000,000 ints", "None"; */
char *heapglass_narration_object_name (const HeapglassSnapshot *snapshot, guint64 oid);
/* a name of frame `frame` (index into snapshot->frames), binding `binding`: "param refers to the
 * list [1, 2], as do b and outer's a." */
char *heapglass_narration_describe_name (const HeapglassSnapshot *snapshot, guint frame,
                                         guint binding);

/* Did this step change what the object holds (items, attributes, referent), not only its
 * reference count or size? `previous` is the step before (NULL: the model's changed flag). */
gboolean heapglass_narration_contents_changed (const HeapglassSnapshot *previous,
                                               const HeapglassSnapshot *snapshot, guint64 oid);

/* The same for many names of one snapshot: the aliases are indexed once. `frames` (n_frames
 * indices into snapshot->frames, or NULL for all) are the frames whose names count as aliases. */
typedef struct _HeapglassNarrationNames HeapglassNarrationNames;
HeapglassNarrationNames *heapglass_narration_names_new (HeapglassSnapshot *snapshot,
                                                        const guint *frames, guint n_frames);
void heapglass_narration_names_free (HeapglassNarrationNames *names);
char *heapglass_narration_names_describe (HeapglassNarrationNames *names, guint frame,
                                          guint binding);
/* The names that refer to `oid`, innermost frame first: "param, b and outer's a"; NULL if none. */
char *heapglass_narration_names_referrers (HeapglassNarrationNames *names, guint64 oid);
/* A number that changes when the names referring to `oid` change (for caching descriptions). */
guint64 heapglass_narration_names_signature (HeapglassNarrationNames *names, guint64 oid);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeapglassNarrationNames, heapglass_narration_names_free)

G_END_DECLS
