/* test-trace-json-v2.c: what version 2 of --trace-json adds (DESIGN.md): return values, exceptions,
 * freed objects gone from the next step, ints exact or as digits, bytes as repr(), NULs kept,
 * --steps=A-B and --json-limit. Documents are checked by parsing them with Python's json module. */
#include <glib/gstdio.h>

#include "heapglass-test-cli.h"
#include "heapglass-test-support.h"
#include "heapglass-trace-json.h"
#include "heapglass-trace.h"
#include "trace-stream-writer.h"

static HeapglassTrace *
trace_from_buf (HgBuf *b)
{
  g_autoptr (GBytes) bytes = g_bytes_new_take (b->data, b->len);
  g_autoptr (GError) error = NULL;
  HeapglassTrace *trace;

  b->data = NULL;
  b->len = b->cap = 0;
  trace = heapglass_trace_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  return trace;
}

/* Runs `check` (Python statements, with `d` the parsed JSON of the file) and asserts it passes. */
static void
assert_json (const char *json_path, const char *check)
{
  const char *python = g_getenv ("HEAPGLASS_PYTHON");
  g_autofree char *code = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;
  const char *argv[] = { python ? python : "/usr/bin/python3", "-c", NULL, json_path, NULL };

  code = g_strdup_printf (
      "import json, sys\nd = json.load(open(sys.argv[1], encoding='utf-8'))\n%s\n", check);
  argv[2] = code;
  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err,
                               &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("JSON check failed:\n%s\n%s", check, err);
}

static char *
json_of_trace (HeapglassTrace *trace, const HeapglassJsonOptions *options, const char *name)
{
  g_autoptr (GError) error = NULL;
  char *path = hg_test_tmp_path (name);

  g_assert_true (heapglass_trace_write_json_file_full (trace, path, options, &error));
  g_assert_no_error (error);
  return path;
}

/* A stream of `def f(): return [7]` called once: the return step names the returned list. */
static HeapglassTrace *
return_stream (void)
{
  HgBuf b = { 0 };
  guint64 seven = 1;

  hg_buf_header (&b, 100, "/tmp/r.py");
  w_string (&b, "<module>"); /* 1 */
  w_string (&b, "int");      /* 2 */
  w_string (&b, "list");     /* 3 */
  w_string (&b, "f");        /* 4 */
  w_push (&b, 1, 1);
  w_step (&b, HG_REC_STEP_LINE, 3);
  w_push (&b, 4, 1);
  w_step (&b, HG_REC_STEP_CALL, 1);
  w_new (&b, 1, 2, HG_KIND_INT, 28);
  hg_buf_zigzag (&b, 7);
  w_new (&b, 2, 3, HG_KIND_LIST, 64);
  w_seq (&b, 2, 1, 0, 1, &seven);
  hg_buf_byte (&b, HG_REC_RETURN_VALUE);
  hg_buf_varint (&b, 2);
  w_step (&b, HG_REC_STEP_RETURN, 2);
  w_pop (&b);
  w_step (&b, HG_REC_STEP_RETURN, 3);
  w_end (&b, HG_END_FINISHED, 0);
  return trace_from_buf (&b);
}

static void
test_return_value_in_heap (void)
{
  g_autoptr (HeapglassTrace) trace = return_stream ();
  g_autofree char *path = json_of_trace (trace, NULL, "return.json");

  assert_json (path, "s = d['steps'][2]\n"
                     "assert d['version'] == 2\n"
                     "assert s['event'] == 'return' and s['return_value'] == 2, s\n"
                     "assert s['heap']['2'] == {'type': 'list', 'items': [1], 'length': 1}, s\n"
                     "assert s['heap']['1']['value'] == 7\n"
                     "assert 'return_value' not in d['steps'][1]\n"
                     /* a return step without RETURN_VALUE (a version 1 stream) has none */
                     "assert 'return_value' not in d['steps'][3]\n");
}

static void
test_values_exact (void)
{
  HgBuf b = { 0 };
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autofree char *path = NULL;
  const char *names[] = { "a", "b", "c", "d", "e", "f", "g", "h" };
  const char nul_str[] = "a\0b\xc3\xa9";
  const char raw[] = "\0\xff'x";

  hg_buf_header (&b, 100, "/tmp/v.py");
  w_string (&b, "<module>"); /* 1 */
  w_string (&b, "int");      /* 2 */
  w_string (&b, "str");      /* 3 */
  w_string (&b, "bytes");    /* 4 */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    w_string (&b, names[i]); /* 5 … */
  w_push (&b, 1, 1);
  w_new (&b, 1, 2, HG_KIND_INT, 32);
  hg_buf_zigzag (&b, ((gint64)1 << 53) + 1); /* a double cannot hold it */
  w_new (&b, 2, 2, HG_KIND_INT, 32);
  hg_buf_zigzag (&b, (gint64)1 << 60); /* a double holds it exactly */
  w_new (&b, 3, 2, HG_KIND_INT, 28);
  hg_buf_zigzag (&b, -5);
  w_new (&b, 4, 2, HG_KIND_BIGINT, 36);
  hg_buf_string (&b, "10000000000000000000000"); /* 10^22 = 2^22 · 5^22: exact */
  w_new (&b, 5, 2, HG_KIND_BIGINT, 36);
  hg_buf_string (&b, "100000000000000000000000"); /* 10^23: not */
  w_new (&b, 6, 3, HG_KIND_STR, 60);
  hg_buf_varint (&b, 4); /* len(): 4 code points */
  hg_buf_bytes (&b, nul_str, sizeof nul_str - 1);
  w_new (&b, 7, 4, HG_KIND_BYTES, 37);
  hg_buf_varint (&b, 4);
  hg_buf_bytes (&b, raw, sizeof raw - 1);
  for (guint i = 0; i < 7; i++)
    w_bind (&b, 0, 5 + i, i + 1);
  w_step (&b, HG_REC_STEP_LINE, 1);
  w_end (&b, HG_END_FINISHED, 0);
  trace = trace_from_buf (&b);
  path = json_of_trace (trace, NULL, "values.json");

  assert_json (path, "s = d['steps'][0]\n"
                     "h, l = s['heap'], s['frames'][0]['locals']\n"
                     "v = lambda n: h[str(l[n])]['value']\n"
                     "assert v('a') == '9007199254740993', v('a')\n"
                     "assert v('b') == 2 ** 60 and isinstance(v('b'), int), v('b')\n"
                     "assert v('c') == -5\n"
                     "assert v('d') == 10 ** 22 and isinstance(v('d'), int), v('d')\n"
                     "assert v('e') == '100000000000000000000000', v('e')\n"
                     "assert v('f') == 'a\\x00b\\u00e9', v('f')\n"
                     "assert h[str(l['f'])]['length'] == 4\n"
                     "assert v('g') == repr(b\"\\x00\\xff'x\"), v('g')\n"
                     "assert h[str(l['g'])]['length'] == 4\n");
}

static void
test_freed_absent_next_step (void)
{
  HgBuf b = sample_stream ();
  g_autoptr (HeapglassTrace) trace = trace_from_buf (&b);
  g_autofree char *path = json_of_trace (trace, NULL, "freed.json");

  /* the list (oid 4) and the Data instance (6) died during step 7 */
  assert_json (path,
               "s = d['steps']\n"
               "assert '4' in s[6]['heap'] and '6' in s[6]['heap']\n"
               "assert '4' not in s[7]['heap'] and '6' not in s[7]['heap'], s[7]['heap']\n"
               "w = s[7]['frames'][0]['locals']['w']\n"
               "assert s[7]['heap'][str(w)]['referent'] is None\n"
               /* every ID a step mentions is a key of its heap */
               "for t in s:\n"
               "  ids = [i for f in t['frames'] for i in f['locals'].values()]\n"
               "  for o in t['heap'].values():\n"
               "    ids += o.get('items', []) + [x for e in o.get('entries', []) for x in e]\n"
               "    ids += list(o.get('attrs', {}).values())\n"
               "    ids += [o['referent']] if o.get('referent') else []\n"
               "  assert all(str(i) in t['heap'] for i in ids), t\n");
}

static void
test_exception_step (void)
{
  HgBuf b = sample_stream ();
  g_autoptr (HeapglassTrace) trace = trace_from_buf (&b);
  g_autofree char *path = json_of_trace (trace, NULL, "exception.json");

  assert_json (path, "s = d['steps']\n"
                     "assert s[9]['exception'] == {'type': 'ValueError', 'message': 'bad value',\n"
                     "                             'function': '<module>'}, s[9]\n"
                     "assert not any('exception' in t for t in s[:9])\n");
}

static void
test_steps_range (void)
{
  HgBuf b = sample_stream ();
  g_autoptr (HeapglassTrace) trace = trace_from_buf (&b);
  HeapglassJsonOptions options;
  g_autofree char *path = NULL;

  heapglass_json_options_init (&options);
  g_assert_cmpuint (options.max_bytes, ==, (guint64)1 << 30);
  options.first_step = 3;
  options.last_step = 5;
  path = json_of_trace (trace, &options, "range.json");
  assert_json (path, "s = d['steps']\n"
                     "assert [t['line'] for t in s] == [5, 5, 6], s\n"
                     "assert s[0]['event'] == 'call'\n");
}

static void
test_limit_stops_valid (void)
{
  HgBuf b = sample_stream ();
  g_autoptr (HeapglassTrace) trace = trace_from_buf (&b);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = hg_test_tmp_path ("limit.json");
  HeapglassJsonOptions options;

  heapglass_json_options_init (&options);
  options.max_bytes = 1200;
  g_assert_false (heapglass_trace_write_json_file_full (trace, path, &options, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "--json-limit"));
  g_assert_nonnull (strstr (error->message, "stopped after step"));
  /* what was written is a valid document of the first steps, within the limit */
  assert_json (path, "import os\n"
                     "assert 0 < len(d['steps']) < 10, len(d['steps'])\n"
                     "assert os.path.getsize(sys.argv[1]) <= 1200\n"
                     "assert d['steps'][0]['line'] == 1\n");
}

static void
test_cli_steps_and_limit (void)
{
  g_autofree char *script = hg_test_write_file (
      "loop.py", "data = []\nfor i in range(300):\n    data.append('row %d' % i)\n", -1);
  g_autofree char *out = hg_test_tmp_path ("cli.json");
  g_autofree char *arg = g_strconcat ("--trace-json=", out, NULL);
  HgCliResult r;

  r = hg_test_cli (arg, "--steps=2-4", script, NULL);
  g_assert_cmpint (r.status, ==, 0);
  hg_cli_result_clear (&r);
  assert_json (out, "assert [t['line'] for t in d['steps']] == [1, 2, 3], d['steps']\n");

  r = hg_test_cli (arg, "--json-limit=1", script, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "--json-limit"));
  hg_cli_result_clear (&r);
  assert_json (out, "import os\n"
                    "assert os.path.getsize(sys.argv[1]) <= 1 << 20\n"
                    "assert 1 < len(d['steps']) < 600\n");

  r = hg_test_cli ("--json-limit=1", script, NULL);
  g_assert_cmpint (r.status, ==, 2);
  hg_cli_result_clear (&r);
  r = hg_test_cli (arg, "--json-limit=0", script, NULL);
  g_assert_cmpint (r.status, ==, 2);
  hg_cli_result_clear (&r);
  r = hg_test_cli (arg, "--steps=5-99999", script, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "99999"));
  hg_cli_result_clear (&r);
}

/* The real tracer: return values, str lengths in code points, NULs, an exception's function. */
static void
test_traced_program (void)
{
  g_autoptr (HeapglassTrace) trace = hg_test_trace_source ("program.py",
                                                           "def pair(n):\n"
                                                           "    return [n, 's\\x00\\u00e9']\n"
                                                           "p = pair(3)\n"
                                                           "def fail():\n"
                                                           "    raise KeyError('k')\n"
                                                           "try:\n"
                                                           "    fail()\n"
                                                           "except KeyError:\n"
                                                           "    pass\n",
                                                           NULL);
  g_autofree char *path = json_of_trace (trace, NULL, "program.json");

  assert_json (path, "s = d['steps']\n"
                     "r = [t for t in s if t['event'] == 'return' and\n"
                     "     t['frames'][-1]['function'] == 'pair'][0]\n"
                     "lst = r['heap'][str(r['return_value'])]\n"
                     "assert lst['type'] == 'list' and lst['length'] == 2, lst\n"
                     "text = r['heap'][str(lst['items'][1])]\n"
                     "assert text['value'] == 's\\x00\\u00e9' and text['length'] == 3, text\n"
                     "e = [t for t in s if t['event'] == 'exception'][0]\n"
                     "assert e['exception'] == {'type': 'KeyError', 'message': \"'k'\",\n"
                     "                          'function': 'fail'}, e['exception']\n"
                     /* fail() unwinds: its return step returns None */
                     "u = [t for t in s if t['event'] == 'return' and\n"
                     "     t['frames'][-1]['function'] == 'fail'][0]\n"
                     "assert u['heap'][str(u['return_value'])]['type'] == 'NoneType'\n");
}

int
main (int argc, char **argv)
{
  hg_test_cli_init (argc, argv);
  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();

  g_test_add_func ("/trace-json/v2/return-value-in-heap", test_return_value_in_heap);
  g_test_add_func ("/trace-json/v2/values-exact", test_values_exact);
  g_test_add_func ("/trace-json/v2/freed-absent-next-step", test_freed_absent_next_step);
  g_test_add_func ("/trace-json/v2/exception-step", test_exception_step);
  g_test_add_func ("/trace-json/v2/steps-range", test_steps_range);
  g_test_add_func ("/trace-json/v2/limit-stops-valid", test_limit_stops_valid);
  g_test_add_func ("/trace-json/v2/cli-steps-and-limit", test_cli_steps_and_limit);
  g_test_add_func ("/trace-json/v2/traced-program", test_traced_program);
  return g_test_run ();
}
