/* test-trace-json.c: --trace-json and --trace-summary output, checked by parsing it with Python's
 * json module (the same interpreter the tracer embeds). */
#include <glib/gstdio.h>
#include <unistd.h>

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

/* Runs `check` (Python statements, with `d` the parsed JSON) on the file; asserts it passes. */
static void
assert_python (const char *json_path, const char *check)
{
  const char *python = g_getenv ("HEAPGLASS_PYTHON");
  g_autofree char *code = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;
  const char *argv[] = { python, "-c", NULL, json_path, NULL };

  if (python == NULL)
    python = argv[0] = "/usr/bin/python3";
  code = g_strdup_printf (
      "import json, sys\nd = json.load(open(sys.argv[1], encoding='utf-8'))\n%s\n", check);
  argv[2] = code;
  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("python check failed:\n%s\n%s", check, err);
}

static char *
write_temp (const char *text, gssize len)
{
  g_autoptr (GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("heapglass-json-XXXXXX.json", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, text, len, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_string_escaping (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  heapglass_json_append_string (out, "a\"b\\c\n\t\x01", -1);
  g_assert_cmpstr (out->str, ==, "\"a\\\"b\\\\c\\n\\t\\u0001\"");
  g_string_truncate (out, 0);
  heapglass_json_append_string (out, "h\xc3\xa9 \xe2\x82\xac", -1);
  g_assert_cmpstr (out->str, ==, "\"h\xc3\xa9 \xe2\x82\xac\"");
  g_string_truncate (out, 0);
  /* invalid UTF-8 and an embedded NUL, from a program's raw output */
  heapglass_json_append_string (out, "x\xff\xc3y\0z", 6);
  g_assert_cmpstr (out->str, ==, "\"x\xef\xbf\xbd\xef\xbf\xbdy\\u0000z\"");
}

static void
test_step_complete (void)
{
  HgBuf b = sample_stream ();
  g_autoptr (HeapglassTrace) trace = trace_from_buf (&b);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree char *path = NULL;

  heapglass_trace_json_append_step (trace, 3, out);
  path = write_temp (out->str, (gssize)out->len);
  assert_python (path, "assert d['line'] == 5 and d['event'] == 'call', d\n"
                       "f = d['frames']\n"
                       "assert [x['function'] for x in f] == ['<module>', 'process'], f\n"
                       "assert f[0]['line'] == 2 and f[1]['line'] == 5\n"
                       "assert f[0]['locals']['x'] == f[1]['locals']['y'] == 4\n"
                       "h = d['heap']\n"
                       "assert h['4'] == {'type': 'list', 'items': [1, 2, 3], 'length': 3}, h\n"
                       "assert h['2'] == {'type': 'int', 'value': 2}, h\n"
                       "assert sorted(h) == ['1', '2', '3', '4']\n"
                       "assert d['stdout'] == ''\n");
  g_unlink (path);
}

static void
test_whole_trace_file (void)
{
  HgBuf b = sample_stream ();
  g_autoptr (HeapglassTrace) trace = trace_from_buf (&b);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = write_temp ("", 0);

  g_assert_true (heapglass_trace_write_json_file (trace, path, &error));
  g_assert_no_error (error);
  assert_python (path, "assert d['version'] == 2 and d['script'] == '/tmp/sample.py'\n"
                       "s = d['steps']\n"
                       "assert len(s) == 10\n"
                       "assert s[0]['heap'] == {} and s[0]['frames'][0]['locals'] == {}\n"
                       /* step 7: w refers to the live Data instance */
                       "w = s[6]['frames'][0]['locals']['w']\n"
                       "assert s[6]['heap'][str(w)]['referent'] == 6\n"
                       "assert s[6]['heap']['6'] == {'type': 'Data', 'attrs': {}}\n"
                       /* step 8: the list died during step 7, so it is gone from step 8 on */
                       "assert '4' in s[6]['heap'] and '4' not in s[7]['heap']\n"
                       "assert s[7]['heap'][str(w)]['referent'] is None\n"
                       "assert 'x' not in s[7]['frames'][0]['locals']\n"
                       "assert s[7]['stdout'] == 'done\\n' and s[6]['stdout'] == ''\n"
                       "assert s[9]['event'] == 'exception'\n"
                       "assert s[9]['exception'] == {'type': 'ValueError', 'message': 'bad value',"
                       " 'function': '<module>'}\n");
  g_unlink (path);
}

static void
test_summary_fields (void)
{
  HgBuf b = sample_stream ();
  g_autoptr (HeapglassTrace) trace = trace_from_buf (&b);
  g_autofree char *summary = heapglass_trace_summary_json (trace, 1.5);
  g_autofree char *path = write_temp (summary, -1);

  g_assert_null (strchr (summary, '\n'));
  assert_python (path, "assert set(d) == {'steps', 'trace_bytes', 'elapsed_s', 'max_depth',\n"
                       "  'peak_objects', 'ended', 'exception', 'exit_status', 'stdout'}, d\n"
                       "assert d['steps'] == 10 and d['trace_bytes'] > 100\n"
                       "assert d['elapsed_s'] == 1.5 and d['max_depth'] == 2\n"
                       "assert d['peak_objects'] == 7\n"
                       "assert d['ended'] == 'exception' and d['exception'] == 'ValueError'\n"
                       "assert d['exit_status'] == 1 and d['stdout'] == 'done\\n'\n");
  g_unlink (path);
}

static void
test_values_and_bad_utf8 (void)
{
  HgBuf b = { 0 };
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = write_temp ("", 0);
  const char *strings[] = { "<module>", "float", "str", "bool", "NoneType", "int", "f",
                            "s",        "t",     "n",   "big",  "dict",     "d" };

  hg_buf_header (&b, 100, "/tmp/v.py");
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    w_string (&b, strings[i]);
  w_push (&b, 1, 1);
  w_new (&b, 1, 2, HG_KIND_FLOAT, 24);
  hg_buf_double (&b, 2.5);
  w_new (&b, 2, 3, HG_KIND_STR, 60);
  hg_buf_varint (&b, 500);
  hg_buf_string (&b, "caf\xc3\xa9 \xff\"");
  w_new (&b, 3, 4, HG_KIND_BOOL, 28);
  hg_buf_byte (&b, 1);
  w_new (&b, 4, 5, HG_KIND_NONE, 16);
  w_new (&b, 5, 6, HG_KIND_BIGINT, 36);
  hg_buf_string (&b, "123456789012345678901234567890");
  w_new (&b, 6, 12, HG_KIND_DICT, 232);
  hg_buf_byte (&b, HG_REC_DICT);
  hg_buf_varint (&b, 6);
  hg_buf_varint (&b, 1);
  hg_buf_varint (&b, 1);
  hg_buf_varint (&b, 2);
  hg_buf_varint (&b, 5);
  w_bind (&b, 0, 7, 1);
  w_bind (&b, 0, 8, 2);
  w_bind (&b, 0, 9, 3);
  w_bind (&b, 0, 10, 4);
  w_bind (&b, 0, 11, 5);
  w_bind (&b, 0, 13, 6);
  w_output (&b, 1, "\xfe\xff bytes\n");
  w_step (&b, HG_REC_STEP_LINE, 1);
  w_end (&b, HG_END_FINISHED, 0);
  trace = trace_from_buf (&b);

  g_assert_true (heapglass_trace_write_json_file (trace, path, &error));
  g_assert_no_error (error);
  assert_python (path,
                 "s = d['steps'][0]\n"
                 "h, l = s['heap'], s['frames'][0]['locals']\n"
                 "assert h[str(l['f'])] == {'type': 'float', 'value': 2.5}\n"
                 "assert h[str(l['s'])]['value'] == 'caf\\u00e9 \\ufffd\"'\n"
                 "assert h[str(l['s'])]['length'] == 500\n"
                 "assert h[str(l['t'])]['value'] is True\n"
                 "assert h[str(l['n'])] == {'type': 'NoneType', 'value': None}\n"
                 /* more digits than a double holds exactly: a string */
                 "assert h[str(l['big'])]['value'] == '123456789012345678901234567890'\n"
                 "assert h[str(l['d'])] == {'type': 'dict', 'entries': [[2, 5]], 'length': 1}\n"
                 "assert s['stdout'] == '\\ufffd\\ufffd bytes\\n'\n");
  g_unlink (path);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/trace-json/string-escaping", test_string_escaping);
  g_test_add_func ("/trace-json/step-is-complete", test_step_complete);
  g_test_add_func ("/trace-json/whole-trace-file", test_whole_trace_file);
  g_test_add_func ("/trace-json/values-and-bad-utf8", test_values_and_bad_utf8);
  g_test_add_func ("/trace-json/summary-fields", test_summary_fields);

  return g_test_run ();
}
