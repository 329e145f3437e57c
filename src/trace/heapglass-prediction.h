/* heapglass-prediction.h: "predict the next step": the learner's guesses about what step N + 1
 * changes (names rebound, objects mutated or freed, the next output line), checked against the
 * recorded run. */
#pragma once

#include "heapglass-trace.h"

G_BEGIN_DECLS

typedef enum
{
  HEAPGLASS_VERDICT_RIGHT,  /* guessed, and it happened */
  HEAPGLASS_VERDICT_WRONG,  /* guessed, and it did not happen */
  HEAPGLASS_VERDICT_MISSED, /* happened, and was not guessed */
} HeapglassVerdict;

typedef enum
{
  HEAPGLASS_GUESS_NAME,   /* a name of a frame will be bound to another object (or deleted) */
  HEAPGLASS_GUESS_OBJECT, /* an object will change its contents, or be freed */
  HEAPGLASS_GUESS_OUTPUT, /* the next line the program prints */
} HeapglassGuessKind;

typedef struct
{
  HeapglassGuessKind kind;
  HeapglassVerdict verdict;
  guint frame_id;    /* NAME */
  const char *name;  /* NAME; OUTPUT: what was printed (or guessed, when nothing was) */
  guint64 oid;       /* OBJECT */
  gboolean freed;    /* OBJECT: it was freed (rather than changed) */
  const char *typed; /* OUTPUT: the line the learner typed, NULL if none */
} HeapglassGuessResult;

typedef struct _HeapglassPrediction HeapglassPrediction;

/* Guesses about the step after `step` (1 … n_steps - 1). */
HeapglassPrediction *heapglass_prediction_new (HeapglassTrace *trace, guint step);
void heapglass_prediction_free (HeapglassPrediction *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeapglassPrediction, heapglass_prediction_free)

guint heapglass_prediction_get_step (HeapglassPrediction *self);
/* Each returns the new state: TRUE when the guess is now made. */
gboolean heapglass_prediction_toggle_name (HeapglassPrediction *self, guint frame_id,
                                           const char *name);
gboolean heapglass_prediction_toggle_object (HeapglassPrediction *self, guint64 oid);
gboolean heapglass_prediction_has_name (HeapglassPrediction *self, guint frame_id,
                                        const char *name);
gboolean heapglass_prediction_has_object (HeapglassPrediction *self, guint64 oid);
/* The next output line as typed (NULL or "" = "it prints nothing"). */
void heapglass_prediction_set_output (HeapglassPrediction *self, const char *line);
guint heapglass_prediction_get_n_guesses (HeapglassPrediction *self);

/* Compares with what the run did. The array (HeapglassGuessResult, strings owned by the
 * prediction) is valid until the prediction is freed; *all_right is TRUE when nothing was wrong
 * or missed. */
GArray *heapglass_prediction_check (HeapglassPrediction *self, gboolean *all_right);

G_END_DECLS
