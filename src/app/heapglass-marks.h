/* heapglass-marks.h: marks drawn over the diagram by the teaching tools: what differs from a
 * pinned step (new, changed, rebound) and a learner's predictions (guessed, right, wrong,
 * missed), on objects and on names. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "heapglass-scene.h"

G_BEGIN_DECLS

typedef enum
{
  HEAPGLASS_MARK_NEW,     /* compare: exists now, not at the pinned step */
  HEAPGLASS_MARK_CHANGED, /* compare: contents changed since the pinned step */
  HEAPGLASS_MARK_REBOUND, /* compare: the name points elsewhere than at the pinned step */
  HEAPGLASS_MARK_GUESS,   /* predict: the learner says this will change */
  HEAPGLASS_MARK_RIGHT,   /* predict: guessed, and it happened */
  HEAPGLASS_MARK_WRONG,   /* predict: guessed, and it did not */
  HEAPGLASS_MARK_MISSED,  /* predict: happened, not guessed */
} HeapglassMarkKind;

typedef struct _HeapglassMarks HeapglassMarks;

/* Reference counted: the window changes them, the canvas draws them. */
HeapglassMarks *heapglass_marks_new (void);
HeapglassMarks *heapglass_marks_ref (HeapglassMarks *marks);
void heapglass_marks_unref (HeapglassMarks *marks);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeapglassMarks, heapglass_marks_unref)

void heapglass_marks_clear (HeapglassMarks *marks);
void heapglass_marks_set_object (HeapglassMarks *marks, guint64 oid, HeapglassMarkKind kind);
void heapglass_marks_set_name (HeapglassMarks *marks, guint frame_id, const char *name,
                               HeapglassMarkKind kind);
void heapglass_marks_unset_object (HeapglassMarks *marks, guint64 oid);
void heapglass_marks_unset_name (HeapglassMarks *marks, guint frame_id, const char *name);
gboolean heapglass_marks_get_object (HeapglassMarks *marks, guint64 oid, HeapglassMarkKind *kind);
gboolean heapglass_marks_get_name (HeapglassMarks *marks, guint frame_id, const char *name,
                                   HeapglassMarkKind *kind);
guint heapglass_marks_get_n_marks (HeapglassMarks *marks);

/* Draws the marks over `scene` in model coordinates (the renderer's transformation): an outline
 * around each marked object or name row, and a small word badge ("new", "right" …). */
void heapglass_marks_draw (HeapglassMarks *marks, cairo_t *cr, HeapglassScene *scene,
                           gboolean dark);

G_END_DECLS
