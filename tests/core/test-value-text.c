/* test-value-text.c: values are written as Python's repr() writes them, checked against a table
 * and against python3.11 itself on random doubles and strings. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "heapglass-test-support.h"
#include "heapglass-value-text.h"

static void
test_float_table (void)
{
  static const struct
  {
    double value;
    const char *repr;
  } cases[] = {
    { 0.0, "0.0" },
    { -0.0, "-0.0" },
    { 0.1, "0.1" },
    { 0.1 + 0.2, "0.30000000000000004" },
    { 100.0, "100.0" },
    { 1e16, "1e+16" },
    { 1e15, "1000000000000000.0" },
    { 123456789012345678.0, "1.2345678901234568e+17" },
    { 1e-4, "0.0001" },
    { 1e-5, "1e-05" },
    { 1.5e300, "1.5e+300" },
    { -2.5, "-2.5" },
    { 5e-324, "5e-324" },
    { 1.0 / 3, "0.3333333333333333" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = heapglass_float_repr (cases[i].value);
      g_assert_cmpstr (text, ==, cases[i].repr);
    }
  {
    g_autofree char *nan = heapglass_float_repr (NAN);
    g_autofree char *inf = heapglass_float_repr (-INFINITY);
    g_assert_cmpstr (nan, ==, "nan");
    g_assert_cmpstr (inf, ==, "-inf");
  }
}

/* Random bit patterns as doubles, written by us and by python3.11's repr(): the same text. */
static void
test_float_matches_python (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  g_autoptr (GString) script = g_string_new ("import struct, sys\n");
  g_autoptr (GString) expected = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int status;
  const guint n = 2000;

  g_string_append (script, "for h in sys.stdin.read().split():\n"
                           "    print(repr(struct.unpack('<d', bytes.fromhex(h))[0]))\n");
  path = hg_test_write_file ("floats.py", script->str, -1);
  {
    g_autoptr (GString) input = g_string_new (NULL);
    g_autofree char *input_path = NULL;
    g_autofree char *command = NULL;

    for (guint i = 0; i < n; i++)
      {
        guint64 bits = ((guint64)g_rand_int (rand) << 32) | g_rand_int (rand);
        double value;
        g_autofree char *text = NULL;

        /* Half of them small "everyday" numbers, where fixed and scientific notation meet. */
        if (i % 2)
          value = g_rand_double_range (rand, -1e6, 1e6) / (double)(1u << (i % 30));
        else
          memcpy (&value, &bits, sizeof value);
        memcpy (&bits, &value, sizeof bits);
        for (guint b = 0; b < 8; b++)
          g_string_append_printf (input, "%02x", (guint)((bits >> (8 * b)) & 0xff));
        g_string_append_c (input, '\n');
        text = heapglass_float_repr (value);
        g_string_append_printf (expected, "%s\n", text);
      }
    input_path = hg_test_write_file ("floats.txt", input->str, -1);
    command = g_strdup_printf ("sh -c '%s %s < %s'",
                               g_getenv ("HEAPGLASS_PYTHON") ?: HEAPGLASS_PYTHON, path, input_path);
    g_assert_true (g_spawn_command_line_sync (command, &out, NULL, &status, &error));
  }
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (out, ==, expected->str);
}

static void
test_str_quotes_and_escapes (void)
{
  static const struct
  {
    const char *prefix, *text, *repr;
  } cases[] = {
    { "", "hello", "'hello'" },
    { "", "it's", "\"it's\"" },
    { "", "say \"hi\" it's", "'say \"hi\" it\\'s'" },
    { "", "a\nb\tc\\", "'a\\nb\\tc\\\\'" },
    { "", "\x01", "'\\x01'" },
    { "", "café ☕", "'café ☕'" },
    { "b", "\xff\x00", "b'\\xff'" }, /* text ends at the NUL, as recorded */
    { "b", "abc", "b'abc'" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = heapglass_str_repr (cases[i].prefix, cases[i].text, 0, 0);
      g_assert_cmpstr (text, ==, cases[i].repr);
    }
}

static void
test_str_cut_and_summarised (void)
{
  g_autofree char *cut = heapglass_str_repr ("", "abcdefghij", 10, 5);
  g_autofree char *summarised = heapglass_str_repr ("", "abc", 1000, 0);
  g_autofree char *whole = heapglass_str_repr ("", "abcd", 4, 5);

  g_assert_cmpstr (cut, ==, "'abcd…'");
  g_assert_cmpstr (summarised, ==, "'abc…'");
  g_assert_cmpstr (whole, ==, "'abcd'");
}

static void
test_value_text_kinds (void)
{
  HeapglassObjectView none = { .kind = HG_KIND_NONE };
  HeapglassObjectView yes = { .kind = HG_KIND_BOOL, .bool_value = TRUE };
  HeapglassObjectView number = { .kind = HG_KIND_INT, .int_value = -42 };
  HeapglassObjectView real = { .kind = HG_KIND_FLOAT, .float_value = 0.1 + 0.2 };
  HeapglassObjectView function = { .kind = HG_KIND_FUNCTION, .text = "process" };
  HeapglassObjectView list = { .kind = HG_KIND_LIST, .length = 3 };
  g_autofree char *t1 = heapglass_value_text (&none, 0);
  g_autofree char *t2 = heapglass_value_text (&yes, 0);
  g_autofree char *t3 = heapglass_value_text (&number, 0);
  g_autofree char *t4 = heapglass_value_text (&real, 0);
  g_autofree char *t5 = heapglass_value_text (&function, 0);

  g_assert_cmpstr (t1, ==, "None");
  g_assert_cmpstr (t2, ==, "True");
  g_assert_cmpstr (t3, ==, "-42");
  g_assert_cmpstr (t4, ==, "0.30000000000000004");
  g_assert_cmpstr (t5, ==, "process()");
  g_assert_null (heapglass_value_text (&list, 0));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/value-text/float/table", test_float_table);
  g_test_add_func ("/value-text/float/matches-python", test_float_matches_python);
  g_test_add_func ("/value-text/str/quotes-and-escapes", test_str_quotes_and_escapes);
  g_test_add_func ("/value-text/str/cut-and-summarised", test_str_cut_and_summarised);
  g_test_add_func ("/value-text/kinds", test_value_text_kinds);
  return g_test_run ();
}
