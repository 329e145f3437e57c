/* test-oracle.c: every program of tests/data/oracle/ traced by Heapglass (the --trace-json
 * document) and by an independent sys.settrace recorder (tests/support/oracle.py), compared step by
 * step by tests/support/oracle_compare.py. A program listed in tests/data/oracle/KNOWN-FAILURES
 * must still mismatch (so the list can only shrink); every other program must agree at every step.
 *
 *   test-oracle --diff NAME|SCRIPT.py   prints the first mismatch of one program and keeps both
 *                                      JSON documents (tests/support/oracle-diff runs this)
 */
#include "config.h"

#include <glib/gstdio.h>

#include "heapglass-test-support.h"
#include "heapglass-trace-json.h"
#include "heapglass-trace-runner.h"

#define MAX_ITEMS 100 /* K: the runner's default, which --trace-json uses */

static char *srcdir;      /* tests/ in the source tree */
static GHashTable *known; /* program name -> the first mismatch noted in KNOWN-FAILURES */

static const char *
python (void)
{
  const char *p = g_getenv ("HEAPGLASS_PYTHON");
  return p != NULL && *p != '\0' ? p : HEAPGLASS_PYTHON;
}

static char *
program_path (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".py", NULL);
  return g_build_filename (srcdir, "data", "oracle", file, NULL);
}

/* What the diagram outlines as "changed by this step" is not in the trace JSON: it goes to a file
 * of its own, {"STEP": [ID…]}, objects created at that step left out. */
static gboolean
write_changed_json (HeapglassTrace *trace, const char *path, GError **error)
{
  g_autoptr (GString) out = g_string_new ("{");
  guint n_steps = heapglass_trace_get_n_steps (trace);

  for (guint s = 1; s <= n_steps; s++)
    {
      g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, s);
      gboolean first = TRUE;

      g_string_append_printf (out, "%s\"%u\": [", s > 1 ? ", " : "", s);
      for (guint i = 0; i < snap->n_objects; i++)
        {
          const HeapglassObjectView *v = &snap->objects[i];
          if (!v->changed || v->freed || v->created_step == s)
            continue;
          g_string_append_printf (out, "%s%" G_GUINT64_FORMAT, first ? "" : ", ", v->oid);
          first = FALSE;
        }
      g_string_append_c (out, ']');
    }
  g_string_append (out, "}\n");
  return g_file_set_contents (path, out->str, (gssize)out->len, error);
}

/* Writes Heapglass's trace JSON of the script to json_path, as `--trace-json` does, and the
 * changed outlines to changed_path. */
static gboolean
write_heapglass_json (const char *script, const char *json_path, const char *changed_path,
                      GError **error)
{
  HeapglassRunOptions options;
  g_autoptr (HeapglassTrace) trace = NULL;

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.silence_stdout = TRUE;
  options.max_items = MAX_ITEMS;
  trace = heapglass_trace_run_sync (script, &options, error);
  if (trace == NULL)
    return FALSE;
  return heapglass_trace_write_json_file (trace, json_path, error)
         && write_changed_json (trace, changed_path, error);
}

/* Runs the comparer; returns its exit status (0 agree, 1 mismatch, 2 failed) and its report. */
static int
compare (const char *script, const char *json_path, const char *changed_path,
         const char *oracle_json, char **report)
{
  g_autofree char *comparer = g_build_filename (srcdir, "support", "oracle_compare.py", NULL);
  g_autofree char *max_items = g_strdup_printf ("--max-items=%d", MAX_ITEMS);
  g_autofree char *changed = g_strconcat ("--changed=", changed_path, NULL);
  g_autofree char *keep = oracle_json ? g_strconcat ("--oracle-json=", oracle_json, NULL) : NULL;
  const char *argv[] = { python (), comparer, script, json_path, max_items, changed, keep, NULL };
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  if (proc == NULL)
    {
      *report = g_strdup_printf ("cannot run %s: %s", argv[0], error->message);
      return 2;
    }
  if (!g_subprocess_communicate_utf8 (proc, NULL, NULL, report, &err, &error))
    {
      *report = g_strdup (error->message);
      return 2;
    }
  if (!g_subprocess_get_if_exited (proc))
    {
      g_free (*report);
      *report = g_strdup_printf ("the comparer died: %s", err ? err : "");
      return 2;
    }
  if (g_subprocess_get_exit_status (proc) == 2 && err != NULL && *err != '\0')
    {
      char *both = g_strconcat (*report ? *report : "", err, NULL);
      g_free (*report);
      *report = both;
    }
  g_strchomp (*report);
  return g_subprocess_get_exit_status (proc);
}

/* Traces and compares one program; the JSON documents go to dir (a new temporary one when NULL,
 * removed afterwards). */
static int
check_program (const char *script, const char *dir, char **report)
{
  g_autofree char *tmp = NULL;
  g_autofree char *json_path = NULL;
  g_autofree char *changed_path = NULL;
  g_autofree char *oracle_path = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  if (dir == NULL)
    {
      tmp = g_dir_make_tmp ("heapglass-oracle-XXXXXX", &error);
      g_assert_no_error (error);
    }
  json_path = g_build_filename (dir ? dir : tmp, "heapglass.json", NULL);
  changed_path = g_build_filename (dir ? dir : tmp, "heapglass-changed.json", NULL);
  oracle_path = dir ? g_build_filename (dir, "oracle.json", NULL) : NULL;
  if (!write_heapglass_json (script, json_path, changed_path, &error))
    {
      *report = g_strdup_printf ("Heapglass could not trace %s: %s", script, error->message);
      status = 2;
    }
  else
    status = compare (script, json_path, changed_path, oracle_path, report);
  if (tmp != NULL)
    {
      g_unlink (json_path);
      g_unlink (changed_path);
      g_rmdir (tmp);
    }
  return status;
}

static void
test_program (gconstpointer data)
{
  const char *name = data;
  g_autofree char *script = program_path (name);
  g_autofree char *report = NULL;
  int status = check_program (script, NULL, &report);
  const char *noted = g_hash_table_lookup (known, name);

  if (status == 2)
    g_test_fail_printf ("%s: %s", name, report);
  else if (status == 0 && noted != NULL)
    g_test_fail_printf ("%s now agrees with the oracle at every step: remove it from "
                        "tests/data/oracle/KNOWN-FAILURES",
                        name);
  else if (status == 1 && noted == NULL)
    g_test_fail_printf ("%s: %s", name, report);
  else if (status == 1)
    g_test_message ("known failure %s: %s", name, report);
}

/* The comparer must catch a wrong trace: Heapglass's JSON of a program that agrees, edited by
 * `edit` (Python statements on `d`, the parsed document, with `s = d['steps']` and helper
 * `last(name)` giving the heap record of a global at the last step) must mismatch with a report
 * containing `expected`. */
typedef struct
{
  const char *program;
  const char *edit;
  const char *expected;
} Doctored;

static void
test_comparer_catches (gconstpointer data)
{
  const Doctored *d = data;
  g_autofree char *script = program_path (d->program);
  g_autofree char *json_path = hg_test_tmp_path ("doctored.json");
  g_autofree char *changed_path = hg_test_tmp_path ("doctored-changed.json");
  g_autofree char *code = NULL;
  g_autofree char *report = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int wait_status = 0;
  int status;

  g_assert_true (write_heapglass_json (script, json_path, changed_path, &error));
  g_assert_no_error (error);
  status = compare (script, json_path, changed_path, NULL, &report);
  g_assert_cmpint (status, ==, 0); /* the untouched trace agrees */
  g_clear_pointer (&report, g_free);

  code = g_strdup_printf ("import json, sys\n"
                          "p = sys.argv[1]\n"
                          "d = json.load(open(p))\n"
                          "s = d['steps']\n"
                          "def last(name):\n"
                          "    return s[-1]['heap'][str(s[-1]['frames'][0]['locals'][name])]\n"
                          "%s\n"
                          "json.dump(d, open(p, 'w'))\n",
                          d->edit);
  {
    const char *argv[] = { python (), "-c", code, json_path, NULL };
    g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err,
                                 &wait_status, &error));
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (wait_status, NULL))
      g_error ("the edit failed:\n%s\n%s", d->edit, err);
  }
  status = compare (script, json_path, changed_path, NULL, &report);
  g_test_message ("%s", report);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (report, d->expected));
}

static const Doctored doctored[] = {
  /* alias-append: a = [1, 2]; b = a; b.append(3); c = list(a); c.append(4) */
  { "alias-append", "last('c')['items'][3] = last('c')['items'][0]", "different object" },
  { "alias-append",
    "h = s[-1]['heap']; a = s[-1]['frames'][0]['locals']['a']\n"
    "h['999'] = dict(h[str(a)]); s[-1]['frames'][0]['locals']['b'] = 999",
    "same object as a" },
  { "alias-append", "last('a')['items'].append(12345)", "items" },
  { "alias-append", "last('a')['length'] = 7", "length" },
  { "alias-append", "s[-1]['heap']['777'] = {'type': 'list', 'items': [], 'length': 0}",
    "no name reaches" },
  { "alias-append", "last('a')['items'][0] = 4242", "not a key" },
  { "alias-append", "s[-1]['frames'][0]['line'] += 1", "line" },
  { "alias-append",
    "h = s[-1]['heap']; i = last('c')['items'][3]\n"
    "h[str(i)]['value'] = 5",
    "value" },
  /* the ID of the list [1, 2] given to the copy c = list(a) at the last step */
  { "alias-append",
    "L = s[-1]; g = L['frames'][0]['locals']; h = L['heap']\n"
    "a, c = str(g['a']), str(g['c'])\n"
    "h[a], h[c] = h[c], h[a]\n"
    "g['a'], g['b'], g['c'] = g['c'], g['c'], g['a']",
    "never reused" },
  /* weakref-dies-after-del: the referent stays alive in Heapglass */
  { "weakref-dies-after-del",
    "last('r')['referent'] = 99999\n"
    "s[-1]['heap']['99999'] = {'type': 'Thing', 'attrs': {}}",
    "referent" },
};

/* Every name in KNOWN-FAILURES is a program of the corpus (a renamed program must not leave a
 * stale entry that nothing checks). */
static void
test_known_failures_exist (void)
{
  GHashTableIter iter;
  gpointer name;

  g_hash_table_iter_init (&iter, known);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    {
      g_autofree char *script = program_path (name);
      if (!g_file_test (script, G_FILE_TEST_IS_REGULAR))
        g_test_fail_printf ("KNOWN-FAILURES names %s, which is not in tests/data/oracle/",
                            (const char *)name);
    }
}

/* The corpus is the size the issue asks for. */
static void
test_corpus_size (gconstpointer data)
{
  guint n = GPOINTER_TO_UINT (data);
  g_assert_cmpuint (n, >=, 100);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

static GHashTable *
load_known_failures (void)
{
  g_autofree char *path = g_build_filename (srcdir, "data", "oracle", "KNOWN-FAILURES", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (!g_file_get_contents (path, &text, NULL, &error))
    return table;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *colon;
      if (*line == '\0' || *line == '#')
        continue;
      colon = strchr (line, ':');
      if (colon == NULL)
        g_hash_table_insert (table, g_strdup (line), g_strdup (""));
      else
        g_hash_table_insert (table, g_strndup (line, colon - line),
                             g_strdup (g_strstrip (colon + 1)));
    }
  return table;
}

static int
diff_one (const char *arg)
{
  g_autofree char *script = NULL;
  g_autofree char *base = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *report = NULL;
  int status;

  if (g_str_has_suffix (arg, ".py"))
    script = g_canonicalize_filename (arg, NULL);
  else
    script = program_path (arg);
  if (!g_file_test (script, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("test-oracle: no program %s\n", script);
      return 2;
    }
  base = g_path_get_basename (script);
  dir = g_build_filename (g_get_tmp_dir (), "heapglass-oracle", base, NULL);
  g_mkdir_with_parents (dir, 0700);
  status = check_program (script, dir, &report);
  g_print ("%s\n", report);
  g_print ("(Heapglass: %s/heapglass.json, oracle: %s/oracle.json)\n", dir, dir);
  return status;
}

int
main (int argc, char **argv)
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *data_dir = NULL;
  int status;

  /* sets of strings iterate in the same order in the traced run and in the oracle */
  g_setenv ("PYTHONHASHSEED", "0", TRUE);
  srcdir
      = g_strdup (g_getenv ("G_TEST_SRCDIR") ? g_getenv ("G_TEST_SRCDIR") : HEAPGLASS_TESTS_SRCDIR);
  if (argc == 3 && g_str_equal (argv[1], "--diff"))
    {
      status = diff_one (argv[2]);
      g_free (srcdir);
      return status;
    }

  g_test_init (&argc, &argv, NULL);
  hg_test_assert_tracer ();
  known = load_known_failures ();
  data_dir = g_build_filename (srcdir, "data", "oracle", NULL);
  dir = g_dir_open (data_dir, 0, NULL);
  g_assert_nonnull (dir);
  for (const char *f; (f = g_dir_read_name (dir)) != NULL;)
    if (g_str_has_suffix (f, ".py"))
      g_ptr_array_add (names, g_strndup (f, strlen (f) - 3));
  g_ptr_array_sort (names, compare_names);

  g_test_add_data_func ("/oracle/corpus/at-least-100-programs", GUINT_TO_POINTER (names->len),
                        test_corpus_size);
  g_test_add_func ("/oracle/known-failures/are-programs", test_known_failures_exist);
  for (guint i = 0; i < G_N_ELEMENTS (doctored); i++)
    {
      g_autofree char *path
          = g_strdup_printf ("/oracle/comparer/catches-%u-%s", i, doctored[i].expected);
      g_strdelimit (path + strlen ("/oracle/comparer/"), " ", '-');
      g_test_add_data_func (path, &doctored[i], test_comparer_catches);
    }
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_strconcat ("/oracle/program/", names->pdata[i], NULL);
      g_test_add_data_func (path, names->pdata[i], test_program);
    }
  status = g_test_run ();
  g_hash_table_unref (known);
  g_free (srcdir);
  return status;
}
