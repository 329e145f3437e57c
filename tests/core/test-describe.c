/* test-describe.c: the words that go with a diagram: `heapglass --describe` prints each step's
 * narration, and exported pictures carry it as alt text (SVG <title>/<desc>, PNG text chunks,
 * PDF title and, with --caption=auto, the narration as text on each page), read back here. */
#include "config.h"

#include <string.h>

#include "heapglass-export.h"
#include "heapglass-narration.h"
#include "heapglass-test-cli.h"
#include "heapglass-test-support.h"

static const char calls_py[] = "def grow(items):\n"
                               "    items.append(len(items))\n"
                               "    return items\n"
                               "\n"
                               "print('hello from the program')\n"
                               "data = [7]\n"
                               "same = grow(data)\n";

static void
test_cli_one_step (void)
{
  g_autofree char *script = hg_test_write_file ("calls.py", calls_py, -1);
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("calls.py", calls_py, NULL);
  g_autofree char *narration = heapglass_narration_describe (trace, 5);
  g_autofree char *expected = g_strconcat (narration, "\n", NULL);
  HgCliResult r = hg_test_cli ("--describe", "--step=5", script, NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "Step 5 of "));
  g_assert_cmpstr (r.out, ==, expected);
  hg_cli_result_clear (&r);
}

static void
test_cli_last_is_default (void)
{
  g_autofree char *script = hg_test_write_file ("calls.py", calls_py, -1);
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("calls.py", calls_py, NULL);
  g_autofree char *expected
      = heapglass_narration_describe (trace, heapglass_trace_get_n_steps (trace));
  HgCliResult plain = hg_test_cli ("--describe", script, NULL);
  HgCliResult last = hg_test_cli ("--describe", "--step=last", script, NULL);

  g_assert_cmpint (plain.status, ==, 0);
  g_assert_cmpstr (plain.out, ==, last.out);
  g_assert_true (g_str_has_prefix (plain.out, expected));
  g_assert_true (strstr (plain.out, "data and same refer to the same list [7, 1].") != NULL);
  /* the program's own output is not mixed into the description */
  g_assert_null (strstr (plain.out, "hello from the program"));
  hg_cli_result_clear (&plain);
  hg_cli_result_clear (&last);
}

static void
test_cli_range (void)
{
  g_autofree char *script = hg_test_write_file ("calls.py", calls_py, -1);
  HgCliResult r = hg_test_cli ("--describe", "--steps=2-4", script, NULL);
  g_auto (GStrv) paragraphs = NULL;

  g_assert_cmpint (r.status, ==, 0);
  paragraphs = g_strsplit (r.out, "\n\n", -1);
  g_assert_cmpuint (g_strv_length (paragraphs), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *start = g_strdup_printf ("Step %u of ", i + 2);
      g_assert_true (g_str_has_prefix (paragraphs[i], start));
    }
  hg_cli_result_clear (&r);
}

static void
test_cli_bad_step (void)
{
  g_autofree char *script = hg_test_write_file ("calls.py", calls_py, -1);
  HgCliResult r = hg_test_cli ("--describe", "--step=100000", script, NULL);
  HgCliResult caption = hg_test_cli ("--describe", "--caption=maybe", script, NULL);

  g_assert_cmpint (r.status, !=, 0);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_true (strstr (r.err, "step 100000 does not exist") != NULL);
  g_assert_cmpint (caption.status, !=, 0);
  g_assert_true (strstr (caption.err, "--caption") != NULL);
  hg_cli_result_clear (&r);
  hg_cli_result_clear (&caption);
}

int
main (int argc, char **argv)
{
  hg_test_cli_init (argc, argv);
  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();

  g_test_add_func ("/describe/cli/one-step", test_cli_one_step);
  g_test_add_func ("/describe/cli/last-is-default", test_cli_last_is_default);
  g_test_add_func ("/describe/cli/range", test_cli_range);
  g_test_add_func ("/describe/cli/bad-step", test_cli_bad_step);
  return g_test_run ();
}
