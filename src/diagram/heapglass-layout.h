/* heapglass-layout.h: turns snapshots into scenes laid out like a textbook figure: the stack on
 * the left, each heap object beside what first refers to it, arrows that go around boxes and
 * meet at one entry point of the object they point to.
 *
 * Convention (used everywhere): the stack is a column on the left, the module frame ("Globals",
 * the script's top level) at the TOP and the innermost (executing) frame at the BOTTOM; the heap
 * is to the right. */
#pragma once

#include <glib-object.h>

#include "heapglass-scene.h"
#include "heapglass-trace.h"

G_BEGIN_DECLS

#define HEAPGLASS_TYPE_LAYOUT (heapglass_layout_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassLayout, heapglass_layout, HEAPGLASS, LAYOUT, GObject)

/* Signals:
 *   "changed"   something that changes the picture but not the step changed (an expansion,
 *               an option): build the scene again.
 * Properties: "inline-values" (gboolean, default FALSE), "max-slots" (guint, default 8),
 *             "max-frames" (guint, default 12), "show-library-objects" (gboolean, default FALSE).
 */
HeapglassLayout *heapglass_layout_new (void);

/* Positions follow the reference structure of each step: frames top to bottom in the stack
 * column, every object one column right of its first referrer (breadth first from the outermost
 * frame), level with the reference when the column allows, siblings in index order. The same
 * structure always gives the same picture, so an object stays put while its referrers do.
 * prepare() tells the layout which trace the snapshots come from (for what changed since the
 * step before, which objects the step freed, and how the run ended); last_step is unused. */
void heapglass_layout_prepare (HeapglassLayout *self, HeapglassTrace *trace, guint last_step);
/* Forget every position and expansion (a different program). Emits "changed". */
void heapglass_layout_reset (HeapglassLayout *self);

/* The snapshot of `step` with just the frames this layout shows (the middle of a deep stack is
 * left out by the trace model, which keeps a 50,000-frame recursion fast). Use it rather than
 * heapglass_trace_snapshot() to build scenes. */
HeapglassSnapshot *heapglass_layout_snapshot (HeapglassLayout *self, HeapglassTrace *trace,
                                              guint step);

/* The scene of one snapshot. Never returns NULL. */
HeapglassScene *heapglass_layout_build_scene (HeapglassLayout *self, HeapglassSnapshot *snapshot);

/* Where an object was in the last scene built (its box's top-left corner, label included). */
gboolean heapglass_layout_get_position (HeapglassLayout *self, guint64 oid, double *x, double *y);

/* Small immutable values (None, bool, int, float, short str) drawn inside their slot. Changing it
 * re-places everything. */
void heapglass_layout_set_inline_values (HeapglassLayout *self, gboolean inline_values);
gboolean heapglass_layout_get_inline_values (HeapglassLayout *self);
/* Objects only library code holds are left out unless this is set: the insides of instances of
 * classes the program does not hold (a tracemalloc Snapshot's traces) are not followed, and
 * objects not reachable from the program's names are not drawn. When set, both are drawn (the
 * unreachable ones under everything else, headed "Held by library code"). */
void heapglass_layout_set_show_library_objects (HeapglassLayout *self, gboolean show);
gboolean heapglass_layout_get_show_library_objects (HeapglassLayout *self);
/* Container items shown before "… N more" (≥ 1). */
void heapglass_layout_set_max_slots (HeapglassLayout *self, guint max_slots);
guint heapglass_layout_get_max_slots (HeapglassLayout *self);
/* Frames shown before the middle of the stack collapses into "… N frames …" (≥ 2). */
void heapglass_layout_set_max_frames (HeapglassLayout *self, guint max_frames);
guint heapglass_layout_get_max_frames (HeapglassLayout *self);

/* Expansion. An expanded container shows every item the trace recorded (the "… N more" that is
 * left counts the items the tracer summarised). Emit "changed". */
void heapglass_layout_set_object_expanded (HeapglassLayout *self, guint64 oid, gboolean expanded);
gboolean heapglass_layout_get_object_expanded (HeapglassLayout *self, guint64 oid);
/* The deep-stack marker: each expand shows up to `more` further frames of the hidden middle
 * (0 = all of them); collapse hides the middle again. */
void heapglass_layout_expand_frames (HeapglassLayout *self, guint more);
void heapglass_layout_collapse_frames (HeapglassLayout *self);
guint heapglass_layout_get_extra_frames (HeapglassLayout *self);

/* What a click on a scene item does: a FRAMES_MARKER shows 100 more frames, a MORE_MARKER expands
 * its container, an expanded OBJECT's MORE_MARKER… is the same toggle. Returns TRUE if the layout
 * changed (then "changed" was emitted), FALSE for items that expand nothing. */
gboolean heapglass_layout_activate (HeapglassLayout *self, const HeapglassSceneItem *item);

G_END_DECLS
