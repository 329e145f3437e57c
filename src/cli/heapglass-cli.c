/* heapglass-cli.c: the headless command line (--trace-summary, --trace-json, --export,
 * --list-exercises, --version and the limits): parses the options, traces, writes, exits. */
#include "config.h"

#include "heapglass-cli.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heapglass-chapter.h"
#include "heapglass-export.h"
#include "heapglass-layout-json.h"
#include "heapglass-narration.h"
#include "heapglass-trace-json.h"
#include "heapglass-trace-runner.h"

#define STATUS_BAD_ARGUMENTS 2
#define STATUS_FAILED 1

/* --caption takes an optional value, which only a callback option can: NULL = not given,
 * "line" = --caption alone, else the value given. GApplication parses options once per run. */
static char *caption_mode;

static gboolean
parse_caption (const char *option_name, const char *value, gpointer data, GError **error)
{
  g_free (caption_mode);
  caption_mode = g_strdup (value ? value : "line");
  return TRUE;
}

void
heapglass_cli_add_main_options (GApplication *app)
{
  const GOptionEntry entries[] = {
    { "export", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_ ("Export the memory diagram of SCRIPT.py to OUT (.png, .svg, .pdf or an animated .gif)"),
      N_ ("OUT") },
    { "step", 0, 0, G_OPTION_ARG_STRING, NULL, N_ ("The step to export (default: last)"),
      N_ ("N|last") },
    { "steps", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_ ("A range of steps to export (one PDF page, GIF frame or numbered file each), describe "
          "or write as JSON"),
      N_ ("A-B") },
    { "delay", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_ ("How long each frame of an exported GIF shows (default: 1000)"), N_ ("MS") },
    { "theme", 0, 0, G_OPTION_ARG_STRING, NULL, N_ ("Colours of the exported diagram"),
      N_ ("light|dark") },
    { "scale", 0, 0, G_OPTION_ARG_STRING, NULL, N_ ("Size factor of the exported diagram"),
      N_ ("F") },
    { "title", 0, 0, G_OPTION_ARG_STRING, NULL, N_ ("A title line above the exported diagram"),
      N_ ("TEXT") },
    { "caption", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, (gpointer)parse_caption,
      N_ ("Add a caption (script, step, line) above the exported diagram; with =auto, each "
          "step's description below it too"),
      N_ ("[auto]") },
    { "describe", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_ ("Print the description of --step (default: last) or --steps in words"), NULL },
    { "compare", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_ ("With --describe: also say what differs from step N, as the window does with a "
          "pinned step"),
      N_ ("N") },
    { "trace-summary", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_ ("Trace SCRIPT.py and print a JSON summary of the run"), NULL },
    { "trace-json", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_ ("Trace SCRIPT.py and write every step as JSON to OUT (- for stdout)"), N_ ("OUT") },
    { "layout-json", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_ ("Trace SCRIPT.py and write what its diagram draws (boxes, labels, arrows) as JSON to "
          "OUT (- for stdout); --step=N|last|all (default all)"),
      N_ ("OUT") },
    { "json-limit", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_ ("Stop --trace-json before its output passes MiB (default: 1024)"), N_ ("MiB") },
    { "list-exercises", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_ ("List the runnable blocks of CHAPTER.md: kind, title, line"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Show the version and exit"), NULL },
    { "max-steps", 0, 0, G_OPTION_ARG_STRING, NULL, N_ ("Stop tracing after N steps"), N_ ("N") },
    { "timeout", 0, 0, G_OPTION_ARG_STRING, NULL, N_ ("Stop tracing after SECONDS of wall time"),
      N_ ("SECONDS") },
    { "memory-limit", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_ ("Address space the program may use, in MiB"), N_ ("MiB") },
    { "disk-limit", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_ ("Disk space the trace's temporary file may use, in MiB"), N_ ("MiB") },
    { "stdin", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_ ("The program reads its input from FILE (default: this terminal's input)"), N_ ("FILE") },
    { "no-sandbox", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_ ("Run the program without the sandbox (only for programs you trust)"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL,
      N_ ("[FILE.py|CHAPTER.md]") },
    { NULL },
  };

  g_return_if_fail (G_IS_APPLICATION (app));

  g_application_add_main_option_entries (app, entries);
  g_application_set_option_context_summary (
      app, _ ("Draws the stack frames and heap objects of a Python program, step by step.\n"
              "Without a headless option, opens the window."));
}

G_GNUC_PRINTF (1, 2)
static int
bad_arguments (const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("heapglass: %s\n", message);
  g_printerr ("%s\n", _ ("Try “heapglass --help” for the options."));
  return STATUS_BAD_ARGUMENTS;
}

static int
failed (const char *what, const GError *error)
{
  if (what != NULL)
    g_printerr ("heapglass: %s: %s\n", what, error->message);
  else
    g_printerr ("heapglass: %s\n", error->message);
  return STATUS_FAILED;
}

/* "12" → 12, "last" → G_MAXUINT; FALSE when it is neither. */
static gboolean
parse_step (const char *text, guint *step)
{
  guint64 value;
  char *end = NULL;

  if (g_str_equal (text, "last"))
    {
      *step = G_MAXUINT;
      return TRUE;
    }
  if (!g_ascii_isdigit (*text))
    return FALSE;
  errno = 0;
  value = g_ascii_strtoull (text, &end, 10);
  if (errno != 0 || *end != '\0' || value == 0 || value >= G_MAXUINT)
    return FALSE;
  *step = (guint)value;
  return TRUE;
}

static gboolean
parse_uint (const char *text, guint64 *value)
{
  return g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, value, NULL);
}

static gboolean
parse_double (const char *text, double *value)
{
  char *end = NULL;

  *value = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && isfinite (*value);
}

static gboolean
parse_step_range (const char *text, guint *first, guint *last)
{
  g_auto (GStrv) parts = g_strsplit (text, "-", 2);

  return g_strv_length (parts) == 2 && parse_step (parts[0], first) && *first != G_MAXUINT
         && parse_step (parts[1], last) && (*last == G_MAXUINT || *first <= *last);
}

typedef struct
{
  const char *export_path;
  const char *step;
  const char *steps;
  const char *delay;
  const char *theme;
  const char *scale;
  const char *title;
  gboolean caption;
  gboolean describe_steps; /* --caption=auto: the narration under each figure */
  gboolean describe;
  const char *compare; /* --compare=N: the pinned step --describe compares with */
  gboolean summary;
  const char *json_path;
  const char *layout_json_path;
  const char *json_limit;
  gboolean list_exercises;
  gboolean version;
  const char *max_steps;
  const char *timeout;
  const char *memory_limit;
  const char *disk_limit;
  const char *stdin_path;
  gboolean no_sandbox;
  const char **files;
} CliOptions;

static void
read_options (GVariantDict *dict, CliOptions *o)
{
  /* Numbers come as strings: GApplication cannot tell an explicit 0 from a missing option. */
  memset (o, 0, sizeof *o);
  g_variant_dict_lookup (dict, "export", "^&ay", &o->export_path);
  g_variant_dict_lookup (dict, "step", "&s", &o->step);
  g_variant_dict_lookup (dict, "steps", "&s", &o->steps);
  g_variant_dict_lookup (dict, "delay", "&s", &o->delay);
  g_variant_dict_lookup (dict, "theme", "&s", &o->theme);
  g_variant_dict_lookup (dict, "scale", "&s", &o->scale);
  g_variant_dict_lookup (dict, "title", "&s", &o->title);
  o->caption = caption_mode != NULL;
  o->describe_steps = g_strcmp0 (caption_mode, "auto") == 0;
  g_variant_dict_lookup (dict, "describe", "b", &o->describe);
  g_variant_dict_lookup (dict, "compare", "&s", &o->compare);
  g_variant_dict_lookup (dict, "trace-summary", "b", &o->summary);
  g_variant_dict_lookup (dict, "trace-json", "^&ay", &o->json_path);
  g_variant_dict_lookup (dict, "layout-json", "^&ay", &o->layout_json_path);
  g_variant_dict_lookup (dict, "json-limit", "&s", &o->json_limit);
  g_variant_dict_lookup (dict, "list-exercises", "b", &o->list_exercises);
  g_variant_dict_lookup (dict, "version", "b", &o->version);
  g_variant_dict_lookup (dict, "max-steps", "&s", &o->max_steps);
  g_variant_dict_lookup (dict, "timeout", "&s", &o->timeout);
  g_variant_dict_lookup (dict, "memory-limit", "&s", &o->memory_limit);
  g_variant_dict_lookup (dict, "disk-limit", "&s", &o->disk_limit);
  g_variant_dict_lookup (dict, "stdin", "^&ay", &o->stdin_path);
  g_variant_dict_lookup (dict, "no-sandbox", "b", &o->no_sandbox);
  g_variant_dict_lookup (dict, G_OPTION_REMAINING, "^a&ay", &o->files);
}

/* --steps for --trace-json: FALSE with a message when the run has fewer steps. */
static gboolean
json_step_range (HeapglassTrace *trace, const char *steps, HeapglassJsonOptions *json)
{
  guint n_steps = heapglass_trace_get_n_steps (trace);
  guint first, last;

  if (!parse_step_range (steps, &first, &last))
    return FALSE;
  if (first > n_steps || (last != G_MAXUINT && last > n_steps))
    {
      g_printerr (_ ("heapglass: step %u does not exist: the run has %u steps\n"),
                  first > n_steps ? first : last, n_steps);
      return FALSE;
    }
  json->first_step = first;
  json->last_step = last == G_MAXUINT ? n_steps : last;
  return TRUE;
}

static int
list_exercises (const char *path)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  if (!heapglass_chapter_print_exercises (path, out, &error))
    return failed (path, error);
  fwrite (out->str, 1, out->len, stdout);
  fflush (stdout);
  return 0;
}

/* The steps --step / --steps name in this trace (default: the last); FALSE with a message when
 * they do not exist. */
static gboolean
chosen_steps (HeapglassTrace *trace, const CliOptions *o, guint *first, guint *last)
{
  guint n_steps = heapglass_trace_get_n_steps (trace);

  *first = *last = G_MAXUINT;
  if (o->steps != NULL)
    parse_step_range (o->steps, first, last);
  else if (o->step != NULL)
    parse_step (o->step, first);
  if (n_steps == 0)
    {
      g_printerr (_ ("heapglass: the program has no step to show (it ended: %s)\n"),
                  heapglass_ending_to_string (heapglass_trace_get_ending (trace)));
      return FALSE;
    }
  if (*first == G_MAXUINT)
    *first = n_steps;
  if (*last == G_MAXUINT)
    *last = o->steps != NULL ? n_steps : *first;
  if (*first > n_steps || *last > n_steps)
    {
      g_printerr (_ ("heapglass: step %u does not exist: the run has %u steps\n"),
                  MAX (*first, *last), n_steps);
      return FALSE;
    }
  return TRUE;
}

/* --describe: one paragraph per step, a blank line between them. */
static int
describe_steps (HeapglassTrace *trace, const CliOptions *o)
{
  g_autoptr (GString) out = g_string_new (NULL);
  guint first, last;

  guint pinned = 0;

  if (!chosen_steps (trace, o, &first, &last))
    return STATUS_FAILED;
  if (o->compare != NULL)
    {
      guint n_steps = heapglass_trace_get_n_steps (trace);

      if (!parse_step (o->compare, &pinned) || pinned == G_MAXUINT)
        pinned = n_steps;
      if (pinned > n_steps)
        {
          g_printerr (_ ("heapglass: step %u does not exist: the run has %u steps\n"), pinned,
                      n_steps);
          return STATUS_FAILED;
        }
    }
  for (guint step = first; step <= last; step++)
    {
      g_autofree char *text = heapglass_narration_describe (trace, step);

      if (step > first)
        g_string_append_c (out, '\n');
      g_string_append (out, text);
      /* a pinned step: what differs, told after the step as the window's canvas tells it */
      if (pinned != 0)
        {
          g_autoptr (HeapglassStepDiff) diff = heapglass_step_diff_new (trace, pinned, step);
          g_autofree char *words = heapglass_narration_describe_comparison (diff);
          g_string_append_c (out, ' ');
          g_string_append (out, words);
        }
      g_string_append_c (out, '\n');
    }
  fwrite (out->str, 1, out->len, stdout);
  fflush (stdout);
  return 0;
}

static int
write_layout_json (HeapglassTrace *trace, const CliOptions *o)
{
  g_autoptr (GError) error = NULL;
  guint n_steps = heapglass_trace_get_n_steps (trace);
  guint first = 1, last = n_steps;

  if (o->step != NULL && !g_str_equal (o->step, "all"))
    {
      parse_step (o->step, &first);
      if (first == G_MAXUINT)
        first = n_steps;
      if (first == 0 || first > n_steps)
        {
          g_printerr (_ ("heapglass: step %u does not exist: the run has %u steps\n"), first,
                      n_steps);
          return STATUS_FAILED;
        }
      last = first;
    }
  if (!heapglass_layout_json_write_file (trace, o->layout_json_path, first, last, &error))
    return failed (o->layout_json_path, error);
  return 0;
}

static int
export_steps (HeapglassTrace *trace, const CliOptions *o)
{
  g_autoptr (GError) error = NULL;
  HeapglassExportOptions options = { 0 };
  guint first, last;

  if (!chosen_steps (trace, o, &first, &last))
    return STATUS_FAILED;
  options.theme = o->theme;
  options.scale = 0;
  if (o->scale)
    parse_double (o->scale, &options.scale);
  options.title = o->title;
  options.caption = o->caption;
  options.describe = o->describe_steps;
  if (o->delay)
    options.delay_ms = (guint)g_ascii_strtoull (o->delay, NULL, 10);
  if (!heapglass_export_trace (trace, o->export_path, first, last, &options, &error))
    return failed (o->export_path, error);
  return 0;
}

static int
handle_options (GApplication *app, GVariantDict *options, char **file_to_open)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autoptr (GError) error = NULL;
  CliOptions o;
  HeapglassRunOptions run;
  const char *script;
  gboolean traces;
  guint n_files;
  gint64 start;
  double elapsed;
  int status = 0;
  guint dummy_a, dummy_b;
  guint64 max_steps = 0, memory_limit = 0, disk_limit = 0, json_limit = 0, delay = 0;
  double timeout = 0, scale = 0;

  g_return_val_if_fail (options != NULL, STATUS_BAD_ARGUMENTS);

  if (file_to_open)
    *file_to_open = NULL;
  read_options (options, &o);
  n_files = o.files ? g_strv_length ((GStrv)o.files) : 0;
  g_autofree const char **files = o.files;

  if (o.version)
    {
      g_print ("heapglass %s\n", PACKAGE_VERSION);
      return 0;
    }

  traces = o.summary || o.json_path != NULL || o.export_path != NULL || o.describe
           || o.layout_json_path != NULL;
  if (n_files > 1)
    return bad_arguments (_ ("one file at a time, please (got %u)"), n_files);
  if (o.list_exercises && traces)
    return bad_arguments (_ ("--list-exercises cannot be combined with tracing options"));
  if (o.json_limit && o.json_path == NULL)
    return bad_arguments (_ ("--json-limit goes with --trace-json"));
  if (o.compare != NULL && !o.describe)
    return bad_arguments (_ ("--compare goes with --describe"));
  if (!traces)
    {
      if (o.step || o.steps || o.theme || o.scale || o.title || o.caption)
        return bad_arguments (_ ("--step, --steps, --theme, --scale, --title and --caption go "
                                 "with --export or --describe"));
      if (!o.list_exercises
          && (o.max_steps || o.timeout || o.memory_limit || o.disk_limit || o.stdin_path
              || o.no_sandbox))
        return bad_arguments (_ ("the limits, --stdin and --no-sandbox go with --trace-summary, "
                                 "--trace-json or --export"));
    }
  if (o.list_exercises)
    {
      if (n_files == 0)
        return bad_arguments (_ ("--list-exercises needs a CHAPTER.md"));
      return list_exercises (o.files[0]);
    }
  if (!traces)
    {
      /* The window opens, on the file if one was given. */
      if (file_to_open && n_files == 1)
        *file_to_open = g_strdup (o.files[0]);
      return -1;
    }

  /* Check everything before starting a run that may take long. */
  if (n_files == 0)
    return bad_arguments (_ ("which script? Give a SCRIPT.py"));
  script = o.files[0];
  if (!g_file_test (script, G_FILE_TEST_EXISTS))
    return bad_arguments (_ ("%s: no such file"), script);
  if (g_file_test (script, G_FILE_TEST_IS_DIR))
    return bad_arguments (_ ("%s is a folder, not a script"), script);
  if (caption_mode && !g_str_equal (caption_mode, "line") && !g_str_equal (caption_mode, "auto"))
    return bad_arguments (_ ("--caption takes no value or “auto” (got “%s”)"), caption_mode);
  if (o.caption && o.export_path == NULL)
    return bad_arguments (_ ("--caption goes with --export"));
  if (o.step && o.steps)
    return bad_arguments (_ ("--step and --steps exclude each other"));
  if (o.step && g_str_equal (o.step, "all") && o.export_path != NULL)
    return bad_arguments (_ ("--step=all goes with --layout-json; --export takes --steps=A-B"));
  if (o.step && !g_str_equal (o.step, "all") && !parse_step (o.step, &dummy_a))
    return bad_arguments (_ ("--step wants a step number from 1, or “last” (got “%s”)"), o.step);
  if (o.compare && !parse_step (o.compare, &dummy_a))
    return bad_arguments (_ ("--compare wants a step number from 1, or “last” (got “%s”)"),
                          o.compare);
  if (o.steps && !parse_step_range (o.steps, &dummy_a, &dummy_b))
    return bad_arguments (_ ("--steps wants a range A-B with 1 ≤ A ≤ B (got “%s”)"), o.steps);
  if (o.theme && !g_str_equal (o.theme, "light") && !g_str_equal (o.theme, "dark"))
    return bad_arguments (_ ("--theme is “light” or “dark” (got “%s”)"), o.theme);
  if (o.scale && !(parse_double (o.scale, &scale) && scale > 0 && scale <= 16))
    return bad_arguments (_ ("--scale wants a factor above 0 and at most 16 (got “%s”)"), o.scale);
  if (o.export_path != NULL)
    {
      HeapglassExportFormat format;
      if (!heapglass_export_format_from_path (o.export_path, &format, &error))
        return bad_arguments ("%s", error->message);
      if (o.delay && format != HEAPGLASS_EXPORT_GIF)
        return bad_arguments (_ ("--delay goes with --export to a .gif"));
    }
  else if (o.delay)
    return bad_arguments (_ ("--delay goes with --export to a .gif"));
  if (o.delay && !(parse_uint (o.delay, &delay) && delay >= 20 && delay <= 60000))
    return bad_arguments (_ ("--delay wants milliseconds from 20 to 60000 (got “%s”)"), o.delay);
  if (o.json_limit
      && !(parse_uint (o.json_limit, &json_limit) && json_limit >= 1
           && json_limit <= 1024 * 1024 * 1024))
    return bad_arguments (_ ("--json-limit wants a number of MiB from 1 (got “%s”)"), o.json_limit);
  if (o.max_steps && !(parse_uint (o.max_steps, &max_steps) && max_steps >= 1))
    return bad_arguments (_ ("--max-steps wants a number of steps from 1 (got “%s”)"), o.max_steps);
  if (o.timeout && !(parse_double (o.timeout, &timeout) && timeout > 0 && timeout <= 86400))
    return bad_arguments (_ ("--timeout wants a number of seconds above 0 (got “%s”)"), o.timeout);
  if (o.memory_limit
      && !(parse_uint (o.memory_limit, &memory_limit) && memory_limit >= 16
           && memory_limit <= 1024 * 1024))
    return bad_arguments (_ ("--memory-limit wants a number of MiB from 16 (got “%s”)"),
                          o.memory_limit);
  if (o.disk_limit
      && !(parse_uint (o.disk_limit, &disk_limit) && disk_limit >= 1
           && disk_limit <= G_GUINT64_CONSTANT (1) << 40))
    return bad_arguments (_ ("--disk-limit wants a number of MiB from 1 (got “%s”)"), o.disk_limit);
  /* Any readable file will do as stdin: /dev/null and FIFOs included, directories not. */
  if (o.stdin_path
      && (!g_file_test (o.stdin_path, G_FILE_TEST_EXISTS)
          || g_file_test (o.stdin_path, G_FILE_TEST_IS_DIR)))
    return bad_arguments (_ ("%s: no such file for --stdin"), o.stdin_path);

  heapglass_run_options_init (&run);
  /* Steps are numbered with 32 bits in the model: a larger limit means "no step limit". */
  if (o.max_steps)
    run.max_steps = MIN (max_steps, (guint64)G_MAXUINT32 - 1);
  if (o.timeout)
    run.timeout_s = timeout;
  if (o.memory_limit)
    run.memory_limit_mib = (guint)memory_limit;
  if (o.disk_limit)
    run.disk_limit_mib = disk_limit;
  run.stdin_path = o.stdin_path;
  /* Programs from strangers are the common case (a teacher exporting students' work). */
  run.sandbox = !o.no_sandbox;
  /* Only the JSON goes to our stdout: the program's output is in the trace. */
  run.silence_stdout = o.summary || o.describe
                       || (o.json_path != NULL && g_str_equal (o.json_path, "-"))
                       || (o.layout_json_path != NULL && g_str_equal (o.layout_json_path, "-"));

  start = g_get_monotonic_time ();
  trace = heapglass_trace_run_sync (script, &run, &error);
  elapsed = (double)(g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  if (trace == NULL)
    return failed (script, error);

  if (o.json_path != NULL)
    {
      HeapglassJsonOptions json;

      heapglass_json_options_init (&json);
      if (o.json_limit)
        json.max_bytes = json_limit * 1024 * 1024;
      if (o.steps && !json_step_range (trace, o.steps, &json))
        return STATUS_FAILED;
      if (!heapglass_trace_write_json_file_full (trace, o.json_path, &json, &error))
        return failed (o.json_path, error);
    }
  if (o.summary)
    {
      g_autofree char *summary = heapglass_trace_summary_json (trace, elapsed);
      g_print ("%s\n", summary);
    }
  if (o.layout_json_path != NULL)
    status = write_layout_json (trace, &o);
  if (o.describe && status == 0)
    status = describe_steps (trace, &o);
  if (o.export_path != NULL && status == 0)
    status = export_steps (trace, &o);
  if (heapglass_trace_get_ending (trace) == HG_END_UNREADABLE)
    {
      const char *message = heapglass_trace_get_end_message (trace);
      g_printerr ("heapglass: %s: %s\n", script, message ? message : _ ("cannot be read"));
      status = STATUS_FAILED;
    }
  return status;
}

/* Whether this invocation's result goes to standard output. */
static gboolean
prints_to_stdout (GVariantDict *options)
{
  const char *json_path = NULL;

  return g_variant_dict_contains (options, "trace-summary")
         || g_variant_dict_contains (options, "describe")
         || g_variant_dict_contains (options, "list-exercises")
         || g_variant_dict_contains (options, "version")
         || (g_variant_dict_lookup (options, "trace-json", "^&ay", &json_path)
             && g_str_equal (json_path, "-"));
}

int
heapglass_cli_handle_local_options (GApplication *app, GVariantDict *options, char **file_to_open)
{
  gboolean stdout_closed = fcntl (STDOUT_FILENO, F_GETFD) < 0;
  int status;

  g_return_val_if_fail (options != NULL, STATUS_BAD_ARGUMENTS);

  if (stdout_closed)
    {
      /* Hold fd 1 so that no file we open takes its place (a summary must not land in the
       * trace JSON); the result is then reported missing below. */
      int null_fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);
      if (null_fd >= 0 && null_fd != STDOUT_FILENO)
        {
          dup2 (null_fd, STDOUT_FILENO);
          close (null_fd);
        }
    }
  status = handle_options (app, options, file_to_open);
  if (status == 0 && prints_to_stdout (options)
      && (stdout_closed || fflush (stdout) != 0 || ferror (stdout)))
    {
      int saved = errno;
      g_printerr (_ ("heapglass: cannot write the result to standard output: %s\n"),
                  stdout_closed ? g_strerror (EBADF) : g_strerror (saved));
      return STATUS_FAILED;
    }
  return status;
}
