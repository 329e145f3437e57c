/* test-code-annotations.c: `# heapglass: break | predict | hide NAME` in a block's comments: which
 * line each applies to, and comment-like text inside strings left alone. */
#include "heapglass-code-annotations.h"

/* A trailing directive marks its own line; one alone on a line marks the next line of code. */
static void
test_break_lines (void)
{
  g_autoptr (HeapglassCodeAnnotations) a
      = heapglass_code_annotations_parse ("x = [1, 2]\n"                   /* 1 */
                                          "y = x  # heapglass: break\n"    /* 2 */
                                          "# heapglass: break\n"           /* 3 */
                                          "\n"                             /* 4 */
                                          "# an ordinary comment\n"        /* 5 */
                                          "y.append(3)\n"                  /* 6 */
                                          "print(y)  # Heapglass: BREAK\n" /* 7 */
                                          "# heapglass: break\n");         /* 8: nothing follows */

  g_assert_cmpuint (a->n_breaks, ==, 3);
  g_assert_cmpuint (a->breaks[0], ==, 2);
  g_assert_cmpuint (a->breaks[1], ==, 6);
  g_assert_cmpuint (a->breaks[2], ==, 7);
  g_assert_cmpuint (a->predict_line, ==, 0);
  g_assert_cmpuint (a->n_unknown, ==, 0);
}

/* The first predict directive says where prediction starts. */
static void
test_predict_line (void)
{
  g_autoptr (HeapglassCodeAnnotations) a
      = heapglass_code_annotations_parse ("def grow(items):\n"
                                          "    # heapglass: predict\n"
                                          "    items.append(len(items))\n"
                                          "\n"
                                          "grow([])  # heapglass: predict\n");

  g_assert_cmpuint (a->predict_line, ==, 3);
  g_assert_cmpuint (a->n_breaks, ==, 0);
}

/* hide takes names separated by spaces or commas, once each, for the whole block. */
static void
test_hidden_names (void)
{
  g_autoptr (HeapglassCodeAnnotations) a
      = heapglass_code_annotations_parse ("import sys  # heapglass: hide sys\n"
                                          "# heapglass: hide helper, Point  sys\n"
                                          "def helper():\n"
                                          "    pass\n");

  g_assert_cmpuint (g_strv_length (a->hidden), ==, 3);
  g_assert_cmpstr (a->hidden[0], ==, "sys");
  g_assert_cmpstr (a->hidden[1], ==, "helper");
  g_assert_cmpstr (a->hidden[2], ==, "Point");
  g_assert_true (heapglass_code_annotations_is_hidden (a, "Point"));
  g_assert_false (heapglass_code_annotations_is_hidden (a, "pass"));
}

/* `#` inside a string (plain, prefixed, triple-quoted over lines) is not a comment. */
static void
test_strings_are_not_comments (void)
{
  g_autoptr (HeapglassCodeAnnotations) a
      = heapglass_code_annotations_parse ("s = '# heapglass: break'\n"         /* 1 */
                                          "t = r\"\\\" # heapglass: break\"\n" /* 2 */
                                          "doc = \"\"\"\n"                     /* 3 */
                                          "# heapglass: break\n"         /* 4: inside the string */
                                          "\"\"\"  # heapglass: break\n" /* 5 */
                                          "u = f'{s}#'  # heapglass: break\n"); /* 6 */

  g_assert_cmpuint (a->n_breaks, ==, 2);
  g_assert_cmpuint (a->breaks[0], ==, 5);
  g_assert_cmpuint (a->breaks[1], ==, 6);
}

/* A directive this version does not know is reported by line, and nothing else changes. */
static void
test_unknown_directive (void)
{
  g_autoptr (HeapglassCodeAnnotations) a
      = heapglass_code_annotations_parse ("x = 1  # heapglass: explode\n"
                                          "y = 2  # heapglass:\n"
                                          "z = 3  # heapglassy: break\n");

  g_assert_cmpuint (a->n_unknown, ==, 2);
  g_assert_cmpuint (a->unknown[0], ==, 1);
  g_assert_cmpuint (a->unknown[1], ==, 2);
  g_assert_cmpuint (a->n_breaks, ==, 0);
  g_assert_nonnull (a->hidden);
  g_assert_null (a->hidden[0]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/code-annotations/break-lines", test_break_lines);
  g_test_add_func ("/code-annotations/predict-line", test_predict_line);
  g_test_add_func ("/code-annotations/hidden-names", test_hidden_names);
  g_test_add_func ("/code-annotations/strings-are-not-comments", test_strings_are_not_comments);
  g_test_add_func ("/code-annotations/unknown-directive", test_unknown_directive);
  return g_test_run ();
}
