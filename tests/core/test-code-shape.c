/* test-code-shape.c: what the editor and the "calls none" note read from the code as it is: does
 * it define without calling, which call to suggest, how deep the next line is indented. */
#include "heapglass-chapter.h"

static void
test_defines_but_calls_nothing (void)
{
  g_assert_true (heapglass_code_defines_but_calls_nothing ("def f():\n    return 1\n"));
  g_assert_true (heapglass_code_defines_but_calls_nothing ("import os\nclass A:\n    pass\n"));
  /* A call at the end: the note goes. */
  g_assert_false (heapglass_code_defines_but_calls_nothing ("def f():\n    return 1\n\nf()\n"));
  /* Nothing defined (comments, constants only): no note either. */
  g_assert_false (heapglass_code_defines_but_calls_nothing ("# only a comment\n"));
  g_assert_false (heapglass_code_defines_but_calls_nothing ("SIZE = 10\n"));
  g_assert_false (heapglass_code_defines_but_calls_nothing (""));
}

static void
test_suggest_call (void)
{
  guint start = 0, length = 0;
  g_autofree char *plain = heapglass_code_suggest_call ("def first():\n    pass\n"
                                                        "def process(data, factor=2, *rest):\n"
                                                        "    return data\n",
                                                        &start, &length);
  g_autofree char *method_only = NULL;
  g_autofree char *cls = NULL;

  g_assert_cmpstr (plain, ==, "process(data, factor, rest)");
  g_assert_cmpuint (start, ==, 8);
  g_assert_cmpuint (length, ==, 18); /* "data, factor, rest" */
  cls = heapglass_code_suggest_call ("class Point:\n    def __init__(self, x):\n        pass\n",
                                     &start, &length);
  /* The class is the last top-level definition; the method inside does not count. */
  g_assert_cmpstr (cls, ==, "Point()");
  g_assert_cmpuint (length, ==, 0);
  method_only = heapglass_code_suggest_call ("x = 1\n", NULL, NULL);
  g_assert_null (method_only);
}

static void
test_next_indent (void)
{
  g_assert_cmpuint (heapglass_code_next_indent ("for i in range(3):", 4), ==, 4);
  g_assert_cmpuint (heapglass_code_next_indent ("    if x:  # comment", 4), ==, 8);
  g_assert_cmpuint (heapglass_code_next_indent ("    x = 1", 4), ==, 4);
  g_assert_cmpuint (heapglass_code_next_indent ("        return x", 4), ==, 4);
  g_assert_cmpuint (heapglass_code_next_indent ("pass", 4), ==, 0);
  /* A ':' inside a string or a dict is not the end of a block header. */
  g_assert_cmpuint (heapglass_code_next_indent ("d = {'a': 1}", 4), ==, 0);
  g_assert_cmpuint (heapglass_code_next_indent ("print('ratio:')", 4), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/code-shape/defines-but-calls-nothing", test_defines_but_calls_nothing);
  g_test_add_func ("/code-shape/suggest-call", test_suggest_call);
  g_test_add_func ("/code-shape/next-indent", test_next_indent);
  return g_test_run ();
}
