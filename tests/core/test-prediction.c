/* test-prediction.c: "predict the next step" checked against real traced runs: names rebound,
 * objects changed or freed, the next output line; right, wrong and missed guesses. */
#include "heapglass-prediction.h"
#include "heapglass-test-support.h"

static const char source[] = "nums = [1, 2]\n"  /* 1 */
                             "alias = nums\n"   /* 2 */
                             "nums.append(3)\n" /* 3 */
                             "nums = None\n"    /* 4 */
                             "alias = 'x'\n"    /* 5 */
                             "print('done')\n"; /* 6 */

typedef struct
{
  HeapglassTrace *trace;
  guint64 list;
  guint module;
} Fixture;

static guint
at_line (Fixture *f, guint line)
{
  guint step = heapglass_trace_find_line (f->trace, line, 0, FALSE);
  g_assert_cmpuint (step, >, 0);
  return step;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (HeapglassSnapshot) snap = NULL;

  f->trace = hg_test_trace_source ("predict.py", source, NULL);
  snap = heapglass_trace_snapshot (f->trace, at_line (f, 3));
  f->module = snap->frames[0].frame_id;
  for (guint i = 0; i < snap->frames[0].n_bindings; i++)
    if (g_str_equal (snap->frames[0].names[i], "nums"))
      f->list = snap->frames[0].oids[i];
  g_assert_cmpuint (f->list, !=, 0);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->trace);
}

static const HeapglassGuessResult *
find (GArray *results, HeapglassGuessKind kind, const char *name, guint64 oid)
{
  for (guint i = 0; i < results->len; i++)
    {
      const HeapglassGuessResult *r = &g_array_index (results, HeapglassGuessResult, i);
      if (r->kind == kind && (name == NULL || g_strcmp0 (r->name, name) == 0)
          && (oid == 0 || r->oid == oid))
        return r;
    }
  return NULL;
}

/* Before nums.append(3): "the list changes" is right, and it is all that happens. */
static void
test_mutation_right (Fixture *f, gconstpointer data)
{
  g_autoptr (HeapglassPrediction) p = heapglass_prediction_new (f->trace, at_line (f, 3));
  gboolean all_right = FALSE;
  GArray *results;

  g_assert_true (heapglass_prediction_toggle_object (p, f->list));
  g_assert_cmpuint (heapglass_prediction_get_n_guesses (p), ==, 1);
  results = heapglass_prediction_check (p, &all_right);
  g_assert_true (all_right);
  g_assert_cmpuint (results->len, ==, 1);
  g_assert_cmpint (find (results, HEAPGLASS_GUESS_OBJECT, NULL, f->list)->verdict, ==,
                   HEAPGLASS_VERDICT_RIGHT);
}

/* Before nums = None: the name is rebound; the list is not changed (only one name less points at
 * it), so guessing it is wrong. */
static void
test_rebind_is_not_mutation (Fixture *f, gconstpointer data)
{
  g_autoptr (HeapglassPrediction) p = heapglass_prediction_new (f->trace, at_line (f, 4));
  gboolean all_right = TRUE;
  GArray *results;

  heapglass_prediction_toggle_name (p, f->module, "nums");
  heapglass_prediction_toggle_object (p, f->list);
  results = heapglass_prediction_check (p, &all_right);
  g_assert_false (all_right);
  g_assert_cmpint (find (results, HEAPGLASS_GUESS_NAME, "nums", 0)->verdict, ==,
                   HEAPGLASS_VERDICT_RIGHT);
  g_assert_cmpint (find (results, HEAPGLASS_GUESS_OBJECT, NULL, f->list)->verdict, ==,
                   HEAPGLASS_VERDICT_WRONG);
}

/* Before alias = 'x' with no guesses: the rebinding and the freed list are both missed. */
static void
test_missed_free (Fixture *f, gconstpointer data)
{
  g_autoptr (HeapglassPrediction) p = heapglass_prediction_new (f->trace, at_line (f, 5));
  gboolean all_right = TRUE;
  GArray *results = heapglass_prediction_check (p, &all_right);
  const HeapglassGuessResult *freed = find (results, HEAPGLASS_GUESS_OBJECT, NULL, f->list);

  g_assert_false (all_right);
  g_assert_cmpint (find (results, HEAPGLASS_GUESS_NAME, "alias", 0)->verdict, ==,
                   HEAPGLASS_VERDICT_MISSED);
  g_assert_nonnull (freed);
  g_assert_true (freed->freed);
  g_assert_cmpint (freed->verdict, ==, HEAPGLASS_VERDICT_MISSED);
  g_assert_null (find (results, HEAPGLASS_GUESS_NAME, "nums", 0));
}

/* The next output line: typed right (spaces at the ends aside), typed wrong, or not typed. */
static void
test_output_line (Fixture *f, gconstpointer data)
{
  guint step = at_line (f, 6);
  g_autoptr (HeapglassPrediction) right = heapglass_prediction_new (f->trace, step);
  g_autoptr (HeapglassPrediction) wrong = heapglass_prediction_new (f->trace, step);
  g_autoptr (HeapglassPrediction) none = heapglass_prediction_new (f->trace, step);
  g_autoptr (HeapglassPrediction) early = heapglass_prediction_new (f->trace, at_line (f, 3));
  gboolean all_right = FALSE;
  GArray *results;

  heapglass_prediction_set_output (right, " done ");
  results = heapglass_prediction_check (right, &all_right);
  g_assert_true (all_right);
  g_assert_cmpstr (find (results, HEAPGLASS_GUESS_OUTPUT, NULL, 0)->name, ==, "done");

  heapglass_prediction_set_output (wrong, "Done!");
  results = heapglass_prediction_check (wrong, &all_right);
  g_assert_false (all_right);
  g_assert_cmpint (find (results, HEAPGLASS_GUESS_OUTPUT, NULL, 0)->verdict, ==,
                   HEAPGLASS_VERDICT_WRONG);

  results = heapglass_prediction_check (none, &all_right);
  g_assert_false (all_right);
  g_assert_cmpint (find (results, HEAPGLASS_GUESS_OUTPUT, NULL, 0)->verdict, ==,
                   HEAPGLASS_VERDICT_MISSED);

  /* nothing is printed before nums.append(3): a typed line is wrong */
  heapglass_prediction_toggle_object (early, f->list);
  heapglass_prediction_set_output (early, "3");
  results = heapglass_prediction_check (early, &all_right);
  g_assert_false (all_right);
  g_assert_cmpint (find (results, HEAPGLASS_GUESS_OUTPUT, NULL, 0)->verdict, ==,
                   HEAPGLASS_VERDICT_WRONG);
}

/* Toggling twice takes a guess back. */
static void
test_toggle_back (Fixture *f, gconstpointer data)
{
  g_autoptr (HeapglassPrediction) p = heapglass_prediction_new (f->trace, at_line (f, 3));

  g_assert_true (heapglass_prediction_toggle_name (p, f->module, "alias"));
  g_assert_true (heapglass_prediction_has_name (p, f->module, "alias"));
  g_assert_false (heapglass_prediction_toggle_name (p, f->module, "alias"));
  g_assert_false (heapglass_prediction_has_name (p, f->module, "alias"));
  g_assert_false (heapglass_prediction_has_object (p, f->list));
  g_assert_cmpuint (heapglass_prediction_get_n_guesses (p), ==, 0);
  g_assert_cmpuint (heapglass_prediction_get_step (p), ==, at_line (f, 3));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/prediction/mutation-right", test_mutation_right);
  ADD ("/prediction/rebind-is-not-mutation", test_rebind_is_not_mutation);
  ADD ("/prediction/missed-free", test_missed_free);
  ADD ("/prediction/output-line", test_output_line);
  ADD ("/prediction/toggle-back", test_toggle_back);
#undef ADD
  return g_test_run ();
}
