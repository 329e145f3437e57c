/* heapglass-layout.h: turns snapshots into scenes, remembering where every object was put so
 * that an object keeps its place for its whole life and nothing jumps while scrubbing.
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
 *             "max-frames" (guint, default 12). */
HeapglassLayout *heapglass_layout_new (void);

/* Positions. An object is placed the first time the layout sees it, near its first referrer,
 * in free space (no overlap with any object alive at the same time), and keeps that place until
 * it is freed. To make positions independent of the order steps are viewed in, call prepare()
 * with the trace first: it walks steps 1 … last_step in order (cheaply: large traces are sampled)
 * and places objects in order of creation. Calling it again with a larger last_step continues
 * where it stopped; objects it never saw are placed on first sight. */
void heapglass_layout_prepare (HeapglassLayout *self, HeapglassTrace *trace, guint last_step);
/* Forget every position and expansion (a different program). Emits "changed". */
void heapglass_layout_reset (HeapglassLayout *self);

/* The snapshot of `step` with just the frames this layout shows (the middle of a deep stack is
 * left out by the trace model, which keeps a 50,000-frame recursion fast). Use it rather than
 * heapglass_trace_snapshot() to build scenes. */
HeapglassSnapshot *heapglass_layout_snapshot (HeapglassLayout *self, HeapglassTrace *trace,
                                              guint step);

/* The scene of one snapshot (places any object not yet placed). Never returns NULL. */
HeapglassScene *heapglass_layout_build_scene (HeapglassLayout *self, HeapglassSnapshot *snapshot);

/* Where an object is (its box's top-left corner), if it has been placed. */
gboolean heapglass_layout_get_position (HeapglassLayout *self, guint64 oid, double *x, double *y);

/* Small immutable values (None, bool, int, float, short str) drawn inside their slot. Changing it
 * re-places everything. */
void heapglass_layout_set_inline_values (HeapglassLayout *self, gboolean inline_values);
gboolean heapglass_layout_get_inline_values (HeapglassLayout *self);
/* Container items shown before "… N more" (≥ 1). */
void heapglass_layout_set_max_slots (HeapglassLayout *self, guint max_slots);
guint heapglass_layout_get_max_slots (HeapglassLayout *self);
/* Frames shown before the middle of the stack collapses into "… N frames …" (≥ 2). */
void heapglass_layout_set_max_frames (HeapglassLayout *self, guint max_frames);
guint heapglass_layout_get_max_frames (HeapglassLayout *self);

/* Expansion. An expanded container shows every item the trace recorded (the "… N more" that is
 * left counts the items the tracer summarised). Expanding or collapsing an object may re-place
 * objects (the user asked for a bigger box). Emit "changed". */
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
