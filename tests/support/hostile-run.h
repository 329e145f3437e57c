/* hostile-run.h: runs a Python program three ways for the hostile-program tests: plainly with
 * $HEAPGLASS_PYTHON, traced through heapglass_trace_run_sync() (sandboxed or not), and through the
 * `heapglass` command line (optionally as the unprivileged user `nobody`). Header-only. */
#pragma once

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "heapglass-trace-runner.h"
#include "heapglass-trace.h"

/* A folder of its own for one test program; everyone may read it (the `nobody` runs). */
G_GNUC_UNUSED static char *
hostile_dir_new (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("heapglass-hostile-XXXXXX", &error);

  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  return dir;
}

G_GNUC_UNUSED static void
hostile_dir_remove (const char *dir)
{
  const char *argv[] = { "rm", "-rf", dir, NULL };

  g_spawn_sync (NULL, (char **)argv, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                NULL, NULL, NULL, NULL, NULL);
}

G_GNUC_UNUSED static char *
hostile_file_new (const char *dir, const char *name, const char *contents, gssize length)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  return path;
}

typedef struct
{
  GBytes *out;
  GBytes *err;
  gboolean signaled;
  int status; /* exit status, or the signal */
} HostileProcess;

G_GNUC_UNUSED static void
hostile_process_clear (HostileProcess *p)
{
  g_clear_pointer (&p->out, g_bytes_unref);
  g_clear_pointer (&p->err, g_bytes_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HostileProcess, hostile_process_clear)

/* Runs argv in `cwd` with stdin from /dev/null, collects stdout and stderr. */
G_GNUC_UNUSED static void
hostile_spawn (const char *const *argv, const char *cwd, HostileProcess *p)
{
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;

  g_subprocess_launcher_set_stdin_file_path (launcher, "/dev/null");
  if (cwd)
    g_subprocess_launcher_set_cwd (launcher, cwd);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (process, NULL, NULL, &p->out, &p->err, &error);
  g_assert_no_error (error);
  p->signaled = g_subprocess_get_if_signaled (process);
  p->status
      = p->signaled ? g_subprocess_get_term_sig (process) : g_subprocess_get_exit_status (process);
}

G_GNUC_UNUSED static const char *
hostile_python (void)
{
  const char *python = g_getenv ("HEAPGLASS_PYTHON");

  g_assert_nonnull (python);
  return python;
}

/* `python3 script.py`, in the script's folder. */
G_GNUC_UNUSED static void
hostile_plain_run (const char *script, HostileProcess *p)
{
  g_autofree char *dir = g_path_get_dirname (script);
  const char *argv[] = { hostile_python (), script, NULL };

  hostile_spawn (argv, dir, p);
}

/* Traced through the runner; `options` may be NULL (the defaults, stdin from /dev/null). */
G_GNUC_UNUSED static HeapglassTrace *
hostile_trace (const char *script, gboolean sandbox, const HeapglassRunOptions *options)
{
  g_autoptr (GError) error = NULL;
  HeapglassRunOptions o;
  HeapglassTrace *trace;

  if (options)
    o = *options;
  else
    {
      heapglass_run_options_init (&o);
      o.stdin_path = "/dev/null";
    }
  o.sandbox = sandbox;
  o.silence_stdout = TRUE;
  trace = heapglass_trace_run_sync (script, &o, &error);
  g_assert_no_error (error);
  g_assert_nonnull (trace);
  g_test_message ("%s (%s): %u steps, ended %s, status %d, signal %d, message %s", script,
                  sandbox ? "sandbox" : "no sandbox", heapglass_trace_get_n_steps (trace),
                  heapglass_ending_to_string (heapglass_trace_get_ending (trace)),
                  heapglass_trace_get_exit_status (trace), heapglass_trace_get_signal (trace),
                  heapglass_trace_get_end_message (trace));
  return trace;
}

/* Everything the traced program wrote on `stream` (1 or 2). */
G_GNUC_UNUSED static GBytes *
hostile_trace_output (HeapglassTrace *trace, int stream)
{
  gsize n = 0;
  char *out = heapglass_trace_get_output (trace, stream, 0, &n);

  return g_bytes_new_take (out, out ? n : 0);
}

G_GNUC_UNUSED static const char *
hostile_ended (HeapglassTrace *trace)
{
  return heapglass_ending_to_string (heapglass_trace_get_ending (trace));
}

/* The `heapglass` binary of this build. */
G_GNUC_UNUSED static char *
hostile_cli_path (void)
{
  const char *builddir = g_getenv ("G_TEST_BUILDDIR");
  char *path = g_build_filename (builddir ? builddir : ".", "..", "src", "app", "heapglass", NULL);

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE));
  return path;
}

/* Whether the tests can run things as `nobody` (they run as root, as CI does). */
G_GNUC_UNUSED static gboolean
hostile_can_drop_to_nobody (void)
{
  g_autofree char *setpriv = g_find_program_in_path ("setpriv");

  return geteuid () == 0 && setpriv != NULL;
}

/* `heapglass ARGS… --trace-summary SCRIPT` in the script's folder (as `nobody` when as_nobody;
 * the caller checks hostile_can_drop_to_nobody first). The summary is p->out. */
G_GNUC_UNUSED static void
hostile_cli_summary (const char *script, const char *const *args, gboolean as_nobody,
                     HostileProcess *p)
{
  g_autofree char *cli = hostile_cli_path ();
  g_autofree char *dir = g_path_get_dirname (script);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();

  if (as_nobody)
    for (const char *const *a = (const char *const[]){ "setpriv", "--reuid=nobody",
                                                       "--regid=nogroup", "--clear-groups", NULL };
         *a; a++)
      g_ptr_array_add (argv, (gpointer)*a);
  g_ptr_array_add (argv, cli);
  for (; args && *args; args++)
    g_ptr_array_add (argv, (gpointer)*args);
  g_ptr_array_add (argv, (gpointer) "--trace-summary");
  g_ptr_array_add (argv, (gpointer)script);
  g_ptr_array_add (argv, NULL);
  hostile_spawn ((const char *const *)argv->pdata, dir, p);
  g_test_message ("heapglass --trace-summary %s%s: %s", script, as_nobody ? " (as nobody)" : "",
                  p->out ? (const char *)g_bytes_get_data (p->out, NULL) : "(nothing)");
}

/* A field of a --trace-summary line: a string's text (without unescaping) or a number's digits;
 * NULL when absent. */
G_GNUC_UNUSED static char *
hostile_summary_field (GBytes *summary, const char *name)
{
  gsize len = 0;
  const char *data = summary ? g_bytes_get_data (summary, &len) : NULL;
  g_autofree char *text = data ? g_strndup (data, len) : NULL;
  g_autofree char *key = g_strdup_printf ("\"%s\": ", name);
  const char *at = text ? strstr (text, key) : NULL;
  const char *end;

  if (at == NULL)
    return NULL;
  at += strlen (key);
  if (*at == '"')
    {
      at++;
      end = at;
      while (*end && *end != '"')
        end += end[0] == '\\' && end[1] ? 2 : 1;
    }
  else
    {
      end = at;
      while (*end && *end != ',' && *end != '}')
        end++;
    }
  return g_strndup (at, (gsize)(end - at));
}
