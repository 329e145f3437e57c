/* heapglass-trace-runner.c: starts heapglass-tracer on a script (optionally inside bubblewrap),
 * reads its stream on a worker thread into a HeapglassTrace and decides how the run ended. */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include "config.h"

#include "heapglass-trace-runner.h"

#include "heapglass-process-cap.h"
#include "heapglass-stream-pump.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_MAX_STEPS 100000000
#define DEFAULT_TIMEOUT_S 60.0
#define DEFAULT_MEMORY_MIB 2048
#define DEFAULT_MAX_OUTPUT (16 * 1024 * 1024)
#define DEFAULT_MAX_ITEMS 100
#define DEFAULT_DISK_LIMIT_MIB 4096
/* The tracer enforces the time limit itself; the parent kills it only this much later. */
#define DEADLINE_GRACE_S 2.0
#define PROGRESS_INTERVAL_US (50 * 1000)
#define READ_CHUNK (256 * 1024)
#define STREAM_PIPE_SIZE (1024 * 1024)
/* What the reader may hold for the decoder: enough for a long burst of decoding (about 2M steps),
 * little beside the model. */
#define PUMP_MAX_QUEUED (32 * 1024 * 1024)
#define DEFAULT_MAX_TRACE_BYTES (G_GUINT64_CONSTANT (4) * 1024 * 1024 * 1024)
/* The sandbox's private /tmp and /dev/shm, each; and its processes (threads count too). */
#define SANDBOX_TMP_MIB 64
#define SANDBOX_MAX_PROCESSES 64
/* bubblewrap's two processes and the tracer's drain thread, in the cgroup with the program */
#define SANDBOX_OWN_TASKS 3

struct _HeapglassTraceRunner
{
  GObject parent_instance;

  char *script_path;
  HeapglassRunOptions options;
  char *stdin_path;
  char *tracer_path;
  char *spill_dir;
  HeapglassTrace *trace;

  GMutex lock; /* guards subprocess, stdin_pipe, running, stop_requested */
  GSubprocess *subprocess;
  GOutputStream *stdin_pipe;
  gboolean running;
  gboolean stop_requested;

  HeapglassSpareTracer *spare; /* to serve the run, if it can */
  gboolean used_spare;

  GMainContext *context; /* where signals go; NULL for run_sync */
  gint64 last_progress_us;
  gboolean first_steps_sent;
  guint inputs_seen;
};

G_DEFINE_FINAL_TYPE (HeapglassTraceRunner, heapglass_trace_runner, G_TYPE_OBJECT)

enum
{
  SIGNAL_PROGRESS,
  SIGNAL_INPUT_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
heapglass_run_options_init (HeapglassRunOptions *options)
{
  g_return_if_fail (options != NULL);
  memset (options, 0, sizeof *options);
  options->max_steps = DEFAULT_MAX_STEPS;
  options->timeout_s = DEFAULT_TIMEOUT_S;
  options->memory_limit_mib = DEFAULT_MEMORY_MIB;
  options->max_output_bytes = DEFAULT_MAX_OUTPUT;
  options->max_items = DEFAULT_MAX_ITEMS;
  options->disk_limit_mib = DEFAULT_DISK_LIMIT_MIB;
  options->max_trace_bytes = DEFAULT_MAX_TRACE_BYTES;
}

static void
heapglass_trace_runner_finalize (GObject *object)
{
  HeapglassTraceRunner *self = HEAPGLASS_TRACE_RUNNER (object);

  g_free (self->script_path);
  g_free (self->stdin_path);
  g_free (self->tracer_path);
  g_free (self->spill_dir);
  g_clear_object (&self->trace);
  g_clear_object (&self->subprocess);
  g_clear_object (&self->stdin_pipe);
  g_clear_pointer (&self->spare, heapglass_spare_tracer_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (heapglass_trace_runner_parent_class)->finalize (object);
}

static void
heapglass_trace_runner_class_init (HeapglassTraceRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = heapglass_trace_runner_finalize;

  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_INPUT_REQUESTED]
      = g_signal_new ("input-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
heapglass_trace_runner_init (HeapglassTraceRunner *self)
{
  g_mutex_init (&self->lock);
  self->trace = heapglass_trace_new ();
}

/* 0 means "the default" for every limit. The strings stay the caller's. */
static void
options_with_defaults (HeapglassRunOptions *out, const HeapglassRunOptions *options)
{
  HeapglassRunOptions defaults;

  heapglass_run_options_init (&defaults);
  *out = options ? *options : defaults;
  if (out->max_steps == 0)
    out->max_steps = defaults.max_steps;
  if (out->timeout_s <= 0)
    out->timeout_s = defaults.timeout_s;
  if (out->memory_limit_mib == 0)
    out->memory_limit_mib = defaults.memory_limit_mib;
  if (out->max_output_bytes == 0)
    out->max_output_bytes = defaults.max_output_bytes;
  if (out->max_items == 0)
    out->max_items = defaults.max_items;
  if (out->max_trace_bytes == 0)
    out->max_trace_bytes = defaults.max_trace_bytes;
  if (out->disk_limit_mib == 0)
    out->disk_limit_mib = defaults.disk_limit_mib;
}

HeapglassTraceRunner *
heapglass_trace_runner_new (const char *script_path, const HeapglassRunOptions *options)
{
  HeapglassTraceRunner *self;

  g_return_val_if_fail (script_path != NULL, NULL);

  self = g_object_new (HEAPGLASS_TYPE_TRACE_RUNNER, NULL);
  self->script_path = g_strdup (script_path);
  options_with_defaults (&self->options, options);
  self->stdin_path = g_strdup (self->options.stdin_path);
  self->options.stdin_path = self->stdin_path;
  self->tracer_path = g_strdup (self->options.tracer_path);
  self->options.tracer_path = self->tracer_path;
  self->spill_dir = g_strdup (self->options.spill_dir ? self->options.spill_dir : g_get_tmp_dir ());
  self->options.spill_dir = self->spill_dir;
  {
    g_autoptr (GError) error = NULL;
    guint64 limit = self->options.disk_limit_mib * G_GUINT64_CONSTANT (1048576);

    /* The steps go to a file; where that cannot be, to the temporary folder, then to memory. */
    if (!heapglass_trace_set_spill (self->trace, self->spill_dir, limit, &error))
      {
        g_debug ("No trace file in %s (%s): trying %s", self->spill_dir, error->message,
                 g_get_tmp_dir ());
        g_clear_error (&error);
        if (!heapglass_trace_set_spill (self->trace, g_get_tmp_dir (), limit, &error))
          g_debug ("No trace file in %s (%s): the trace stays in memory", g_get_tmp_dir (),
                   error->message);
      }
  }
  return self;
}

HeapglassTrace *
heapglass_trace_runner_get_trace (HeapglassTraceRunner *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE_RUNNER (self), NULL);
  return self->trace;
}

char *
heapglass_trace_runner_find_tracer (void)
{
  const char *env = g_getenv ("HEAPGLASS_TRACER");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test (HEAPGLASS_TRACER_BUILD_PATH, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (HEAPGLASS_TRACER_BUILD_PATH);
  return g_build_filename (HEAPGLASS_LIBEXECDIR, "heapglass-tracer", NULL);
}

/* ---- signals on the caller's context ------------------------------------------------------- */

typedef struct
{
  HeapglassTraceRunner *runner;
  guint n_steps;
  char *prompt; /* NULL: progress */
} Notification;

static gboolean
deliver_notification (gpointer data)
{
  Notification *n = data;

  if (n->prompt != NULL)
    g_signal_emit (n->runner, signals[SIGNAL_INPUT_REQUESTED], 0, n->prompt);
  else
    g_signal_emit (n->runner, signals[SIGNAL_PROGRESS], 0, n->n_steps);
  return G_SOURCE_REMOVE;
}

static void
free_notification (gpointer data)
{
  Notification *n = data;
  g_object_unref (n->runner);
  g_free (n->prompt);
  g_free (n);
}

static void
notify (HeapglassTraceRunner *self, char *prompt, gboolean force)
{
  Notification *n;
  gint64 now = g_get_monotonic_time ();

  if (self->context == NULL)
    {
      g_free (prompt);
      return;
    }
  /* Until the first steps went out, every chunk counts: the window draws its first diagram
   * from them, and a chunk with the header alone must not hold them back for an interval. */
  if (prompt == NULL && !force && self->first_steps_sent
      && now - self->last_progress_us < PROGRESS_INTERVAL_US)
    return;
  n = g_new0 (Notification, 1);
  n->runner = g_object_ref (self);
  n->n_steps = heapglass_trace_get_n_steps (self->trace);
  if (prompt == NULL)
    {
      self->last_progress_us = now;
      self->first_steps_sent |= n->n_steps > 0;
    }
  n->prompt = prompt;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, deliver_notification, n,
                              free_notification);
}

static void
check_input_requests (HeapglassTraceRunner *self)
{
  guint n = heapglass_trace_get_n_input_requests (self->trace);

  for (; self->inputs_seen < n; self->inputs_seen++)
    {
      /* Steps first, so the window shows where the program waits. */
      notify (self, NULL, TRUE);
      notify (self, heapglass_trace_get_input_prompt (self->trace, self->inputs_seen), TRUE);
    }
}

/* ---- the run ------------------------------------------------------------------------------- */

static gboolean
stdin_is_fifo (const HeapglassRunOptions *options)
{
  struct stat st;
  return options->stdin_path != NULL && stat (options->stdin_path, &st) == 0
         && S_ISFIFO (st.st_mode);
}

/* ---- the sandbox --------------------------------------------------------------------------- */

typedef enum
{
  SANDBOX_NONE,      /* no bubblewrap: the program runs unconfined (with a warning) */
  SANDBOX_NO_USERNS, /* bubblewrap without a user namespace (this machine allows none) */
  SANDBOX_FULL,      /* user + PID namespaces, every capability dropped */
} SandboxLevel;

static gboolean
bwrap_works (const char *bwrap, gboolean userns)
{
  const char *argv[] = { bwrap,
                         userns ? "--unshare-user" : "--unshare-ipc",
                         "--unshare-pid",
                         userns ? "--disable-userns" : "--unshare-ipc",
                         "--ro-bind",
                         "/",
                         "/",
                         "--proc",
                         "/proc",
                         "--dev",
                         "/dev",
                         "true",
                         NULL };
  int status = -1;

  if (!g_spawn_sync (NULL, (char **)argv, NULL,
                     G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                     NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* Where bubblewrap is; NULL (with a warning, once) when it is not installed. */
static const char *
bwrap_path (void)
{
  static gsize once = 0;
  static char *bwrap;

  if (g_once_init_enter (&once))
    {
      bwrap = g_find_program_in_path ("bwrap");
      if (bwrap == NULL)
        g_printerr ("%s\n", _ ("Warning: bubblewrap (bwrap) is not installed; running the "
                               "program without a sandbox"));
      g_once_init_leave (&once, 1);
    }
  return bwrap;
}

/* What bubblewrap can do here: -1 until a run proved it or the trial runs found it. */
static int known_level = -1;

/* The trial runs (~10 ms each), once per process and only after a run could not start in the
 * full sandbox: on most systems it works, so a run tries it first instead of testing first. */
static SandboxLevel
sandbox_probe (void)
{
  static gsize once = 0;
  const char *bwrap = bwrap_path ();

  if (g_once_init_enter (&once))
    {
      SandboxLevel level;

      if (bwrap == NULL)
        level = SANDBOX_NONE;
      else if (bwrap_works (bwrap, TRUE))
        level = SANDBOX_FULL;
      else if (bwrap_works (bwrap, FALSE))
        {
          level = SANDBOX_NO_USERNS;
          g_printerr ("%s\n", _ ("Warning: this system does not let bubblewrap create a user "
                                 "namespace; the program runs in a weaker sandbox (no network, "
                                 "private /tmp and processes, no user namespace)"));
        }
      else
        {
          level = SANDBOX_NONE;
          g_printerr ("%s\n", _ ("Warning: bubblewrap (bwrap) cannot create a sandbox here; "
                                 "running the program without one"));
        }
      g_atomic_int_set (&known_level, level);
      g_once_init_leave (&once, 1);
    }
  return (SandboxLevel)g_atomic_int_get (&known_level);
}

/* The level a run uses; *proven is FALSE while it is only the first guess (the full sandbox). */
static SandboxLevel
sandbox_level (gboolean *proven)
{
  int level = g_atomic_int_get (&known_level);

  *proven = TRUE;
  if (bwrap_path () == NULL)
    return SANDBOX_NONE;
  if (level >= 0)
    return (SandboxLevel)level;
  *proven = FALSE;
  return SANDBOX_FULL;
}

/* Whether `path` is `dir` or inside it. */
static gboolean
path_within (const char *path, const char *dir)
{
  gsize n = strlen (dir);
  return strncmp (path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static void
add_args (GPtrArray *argv, const char *const *args)
{
  for (; *args; args++)
    g_ptr_array_add (argv, g_strdup (*args));
}

/* Binds `dir` read-only at the same place unless the system's read-only / already shows it (it
 * does, except under the private /tmp); `/tmp` itself is never bound (it is the host's). */
static void
bind_visible (GPtrArray *argv, const char *dir)
{
  if (!path_within (dir, "/tmp") || g_str_equal (dir, "/tmp"))
    return;
  add_args (argv, (const char *const[]){ "--ro-bind", dir, dir, NULL });
}

static void
add_sandbox_args (const HeapglassRunOptions *options, const char *script_path, GPtrArray *argv,
                  const char *tracer, SandboxLevel level)
{
  g_autofree char *abs_script = g_canonicalize_filename (script_path, NULL);
  g_autofree char *script_dir = g_path_get_dirname (abs_script);
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *tmp_size = g_strdup_printf ("%u", SANDBOX_TMP_MIB * 1024 * 1024);

  if (level == SANDBOX_NONE)
    return;
  g_ptr_array_add (argv, g_strdup (bwrap_path ()));
  if (level == SANDBOX_FULL)
    /* Root inside is nobody outside: no capability over the host, none kept inside either. */
    add_args (argv, (const char *const[]){ "--unshare-user", "--disable-userns", NULL });
  /* No network, no view of the host's processes (a fresh /proc), its own session (no terminal
   * to inject keys into), dies with us; the system read-only, /tmp and /dev/shm private and
   * bounded. */
  add_args (argv, (const char *const[]){ "--unshare-pid",
                                         "--unshare-net",
                                         "--unshare-ipc",
                                         "--unshare-uts",
                                         "--unshare-cgroup-try",
                                         "--die-with-parent",
                                         "--new-session",
                                         "--cap-drop",
                                         "ALL",
                                         "--ro-bind",
                                         "/",
                                         "/",
                                         "--dev",
                                         "/dev",
                                         "--proc",
                                         "/proc",
                                         "--size",
                                         tmp_size,
                                         "--tmpfs",
                                         "/tmp",
                                         "--size",
                                         tmp_size,
                                         "--tmpfs",
                                         "/dev/shm",
                                         NULL });
  /* The script's folder and the working folder readable even when they live in /tmp; a script
   * right in /tmp is bound alone. */
  if (g_str_equal (script_dir, "/tmp"))
    add_args (argv, (const char *const[]){ "--ro-bind", abs_script, abs_script, NULL });
  bind_visible (argv, script_dir);
  if (!path_within (script_dir, cwd))
    bind_visible (argv, cwd);
  if (g_path_is_absolute (tracer) && g_file_test (tracer, G_FILE_TEST_EXISTS))
    {
      g_autofree char *tracer_dir = g_path_get_dirname (tracer);
      bind_visible (argv, tracer_dir);
    }
  if (stdin_is_fifo (options))
    {
      /* the tracer opens it inside */
      g_autofree char *fifo = g_canonicalize_filename (options->stdin_path, NULL);
      bind_visible (argv, fifo);
    }
  add_args (argv,
            (const char *const[]){ "--chdir", g_str_equal (cwd, "/tmp") ? script_dir : cwd, NULL });
}

/* As root, RLIMIT_NPROC binds nothing (the kernel exempts uid 0, even inside a user namespace
 * mapped to it): a cgroup of the run's own bounds its processes instead, where one can be made;
 * else the run becomes `nobody`, if the script, the working folder, the input and the tracer are
 * open to that user. */
static HeapglassProcessCap *
sandbox_process_cap (const HeapglassRunOptions *options, const char *script_path,
                     const char *tracer)
{
  static gsize warned = 0;
  g_autofree char *abs_script = NULL;
  g_autofree char *cwd = NULL;
  g_autofree char *fifo = NULL;
  HeapglassProcessCap *cap;

  if (geteuid () != 0)
    return NULL;
  abs_script = g_canonicalize_filename (script_path, NULL);
  cwd = g_get_current_dir ();
  if (stdin_is_fifo (options))
    fifo = g_canonicalize_filename (options->stdin_path, NULL);
  cap = heapglass_process_cap_new (SANDBOX_MAX_PROCESSES + SANDBOX_OWN_TASKS,
                                   (const char *const[]){ abs_script, fifo, NULL },
                                   (const char *const[]){ cwd, tracer, NULL }, bwrap_path ());
  if (cap == NULL && g_once_init_enter (&warned))
    {
      g_printerr ("%s\n", _ ("Warning: running as root and no cgroup can be made here: the "
                             "sandbox cannot bound the number of processes (the time limit "
                             "still ends the run)"));
      g_once_init_leave (&warned, 1);
    }
  return cap;
}

/* stderr_fd: where the tracer finds the real standard error (bubblewrap's goes elsewhere), or
 * -1 when it is fd 2 already. script_fd: a spare's, where its script will come from (then
 * script_path is only where it is expected to be). */
static GPtrArray *
build_argv (const HeapglassRunOptions *options, const char *script_path, const char *tracer,
            SandboxLevel level, int stderr_fd, int script_fd)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  char timeout[G_ASCII_DTOSTR_BUF_SIZE];

  if (options->sandbox)
    add_sandbox_args (options, script_path, argv, tracer, level);
  g_ptr_array_add (argv, g_strdup (tracer));
  if (stderr_fd >= 0)
    g_ptr_array_add (argv, g_strdup_printf ("--stderr-fd=%d", stderr_fd));
  g_ptr_array_add (argv, g_strdup ("--fd=3"));
  g_ptr_array_add (argv, g_strdup_printf ("--max-steps=%" G_GUINT64_FORMAT, options->max_steps));
  g_ptr_array_add (argv, g_strdup_printf ("--timeout=%s", g_ascii_dtostr (timeout, sizeof timeout,
                                                                          options->timeout_s)));
  g_ptr_array_add (argv, g_strdup_printf ("--memory-limit=%u", options->memory_limit_mib));
  g_ptr_array_add (argv,
                   g_strdup_printf ("--max-output=%" G_GUINT64_FORMAT, options->max_output_bytes));
  g_ptr_array_add (argv, g_strdup_printf ("--max-items=%u", options->max_items));
  if (stdin_is_fifo (options))
    {
      g_autofree char *fifo = g_canonicalize_filename (options->stdin_path, NULL);
      g_ptr_array_add (argv, g_strdup_printf ("--stdin-fifo=%s", fifo));
    }
  if (options->sandbox)
    {
      /* The seccomp filter always; the process limit only inside a user namespace, where it
       * counts the sandbox's processes and not all of the user's. */
      g_ptr_array_add (argv, g_strdup ("--confine"));
      if (level == SANDBOX_FULL)
        g_ptr_array_add (argv, g_strdup_printf ("--max-processes=%u", SANDBOX_MAX_PROCESSES));
    }
  if (script_fd >= 0)
    g_ptr_array_add (argv, g_strdup_printf ("--script-fd=%d", script_fd));
  g_ptr_array_add (argv, g_strdup ("--"));
  if (script_fd < 0)
    g_ptr_array_add (argv, g_strdup (script_path));
  g_ptr_array_add (argv, NULL);
  return argv;
}

static void
kill_process (HeapglassTraceRunner *self)
{
  g_mutex_lock (&self->lock);
  if (self->subprocess != NULL)
    g_subprocess_force_exit (self->subprocess);
  g_mutex_unlock (&self->lock);
}

/* The program's stdin from a file, opened here (any file the user can read). Not a FIFO: its
 * open() waits for a writer, which must not hold us before the tracer and its deadline start;
 * the tracer opens those itself (--stdin-fifo). O_NONBLOCK keeps a device from holding us too. */
static int
open_stdin_file (const char *path, GError **error)
{
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  int flags;

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return -1;
    }
  flags = fcntl (fd, F_GETFL);
  if (flags >= 0)
    fcntl (fd, F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

/* How the process ended, as the program would see it: bubblewrap reports its child's death by
 * signal N as exit status 128 + N, as shells do. */
static gboolean
process_signaled (GSubprocess *subprocess, SandboxLevel level, int *sig)
{
  if (g_subprocess_get_if_signaled (subprocess))
    {
      *sig = g_subprocess_get_term_sig (subprocess);
      return TRUE;
    }
  if (level != SANDBOX_NONE && g_subprocess_get_if_exited (subprocess))
    {
      int status = g_subprocess_get_exit_status (subprocess);
      if (status > 128 && status < 128 + 65)
        {
          *sig = status - 128;
          return TRUE;
        }
    }
  return FALSE;
}

/* The parent decides how the run ended; the stream's word counts only where the process's own
 * fate agrees with it (the program shares the tracer's process and can write anything there). */
static void
decide_ending (HeapglassTraceRunner *self, GSubprocess *subprocess, SandboxLevel level,
               gboolean stopped, gboolean deadline_hit, gboolean corrupt, double run_s)
{
  HeapglassTrace *trace = self->trace;
  HgEnding said = heapglass_trace_get_ending (trace);
  int sig = 0;

  if (stopped)
    heapglass_trace_replace_ending (trace, HG_END_STOPPED, 0, 0, NULL);
  else if (corrupt || heapglass_trace_get_limit_hit (trace) != HG_END_NONE)
    ; /* the decoder said: corrupt-trace, or the limit reached (we killed the process after) */
  else if (deadline_hit)
    heapglass_trace_replace_ending (trace, HG_END_TIME_LIMIT, 0, 0, NULL);
  else if (process_signaled (subprocess, level, &sig))
    {
      /* whatever the stream claimed before it: a forged END followed by SIGKILL is a crash */
      g_autofree char *message
          = g_strdup_printf (_ ("Killed by signal %d (%s)"), sig, g_strsignal (sig));
      heapglass_trace_replace_ending (trace, HG_END_CRASHED, 0, sig, message);
    }
  else if (g_subprocess_get_if_exited (subprocess))
    {
      int status = g_subprocess_get_exit_status (subprocess);

      /* The tracer always exits with 0 right after its END record. */
      if (said != HG_END_NONE && status != 0)
        {
          g_autofree char *message = g_strdup_printf (
              _ ("The trace says the run ended (%s), but the tracer exited with status %d"),
              heapglass_ending_to_string (said), status);
          heapglass_trace_replace_ending (trace, HG_END_CORRUPT_TRACE, 0, 0, message);
        }
      else if (said == HG_END_NONE && run_s >= self->options.timeout_s)
        /* no END record, and the time was up: the tracer's END went where the program had
         * redirected the stream */
        heapglass_trace_set_ending (trace, HG_END_TIME_LIMIT, 0, 0, NULL);
      else if (said == HG_END_NONE)
        /* no END record: the program ran another program in its place (exec), or cut the
         * stream; its exit status is what a plain run would report */
        heapglass_trace_set_ending (trace, HG_END_EXIT, status, 0, NULL);
    }
}

/* What bubblewrap printed on its standard error (it speaks only when it cannot build the
 * sandbox), once it has exited. */
static char *
read_setup_errors (int fd)
{
  GString *text = g_string_new (NULL);
  char chunk[4096];
  gssize n;

  g_unix_set_fd_nonblocking (fd, TRUE, NULL);
  while (text->len < 65536
         && ((n = read (fd, chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR)))
    if (n > 0)
      g_string_append_len (text, chunk, n);
  return g_string_free (text, FALSE);
}

typedef enum
{
  RETRY_NONE,
  RETRY_FRESH,  /* a spare did not start: a tracer of our own */
  RETRY_PROBED, /* the sandbox was a guess and failed: find what works, then a tracer */
} RetryHow;

/* A started tracer: its process and our ends of its pipes. A spare is one started before its
 * script was known (see heapglass_spare_tracer_start ()). */
struct _HeapglassSpareTracer
{
  GSubprocess *subprocess;
  int stream_fd;
  int setup_fd;  /* bubblewrap's stderr while the sandbox is a guess, else -1 */
  int script_fd; /* a spare's: its script's path goes here, else -1 */
  SandboxLevel level;
  gboolean proven;
  char *key;                /* what a run must have in common with a spare to be served by it */
  HeapglassProcessCap *cap; /* as root: the cgroup bounding its processes */
};

void
heapglass_spare_tracer_free (HeapglassSpareTracer *spare)
{
  if (spare == NULL)
    return;
  if (spare->subprocess != NULL)
    g_subprocess_force_exit (spare->subprocess);
  g_clear_object (&spare->subprocess);
  if (spare->stream_fd >= 0)
    close (spare->stream_fd);
  if (spare->setup_fd >= 0)
    close (spare->setup_fd);
  if (spare->script_fd >= 0)
    close (spare->script_fd);
  g_free (spare->key);
  /* last: it kills what is left of the process first */
  heapglass_process_cap_free (spare->cap);
  g_free (spare);
}

/* Everything a tracer's start depends on but the script itself: its arguments (the sandbox's
 * binds and working folder among them), the working folder, where its stdin and stdout go. */
static char *
spawn_key (const HeapglassRunOptions *options, const char *script_path, const char *tracer,
           SandboxLevel level)
{
  g_autoptr (GPtrArray) argv = build_argv (options, script_path, tracer, level, -1, -1);
  g_autofree char *cwd = g_get_current_dir ();
  GString *key = g_string_new (cwd);

  g_string_append_printf (key, "\n%d %d %d", options->stdin_path != NULL,
                          options->stdin_interactive, options->silence_stdout);
  /* all but the script's path and the terminating NULL */
  for (guint i = 0; i + 2 < argv->len; i++)
    g_string_append_printf (key, "\n%s", (const char *)argv->pdata[i]);
  return g_string_free (key, FALSE);
}

/* Starts the tracer on script_path, or as a spare (spare: script_path is only where its script
 * is expected). With `proven` FALSE the sandbox is only the first guess: bubblewrap's own
 * errors go to a pipe of ours (setup_fd), the tracer takes the real stderr back. */
static HeapglassSpareTracer *
spawn_tracer (const HeapglassRunOptions *options, const char *script_path, gboolean spare,
              const char *tracer, SandboxLevel level, gboolean proven, GError **error)
{
  /* declared first, freed last: once the process is gone */
  g_autoptr (HeapglassProcessCap) cap = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GPtrArray) argv = NULL;
  g_autoptr (HeapglassSpareTracer) started = g_new0 (HeapglassSpareTracer, 1);
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_NONE;
  int fds[2];
  int setup_fds[2] = { -1, -1 };
  int script_fds[2] = { -1, -1 };
  int real_stderr = -1;
  int stdin_fd = -1;

  started->stream_fd = started->setup_fd = started->script_fd = -1;
  started->level = level;
  started->proven = proven;
  if (options->stdin_path != NULL && !stdin_is_fifo (options))
    {
      stdin_fd = open_stdin_file (options->stdin_path, error);
      if (stdin_fd < 0)
        return NULL;
    }
  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    {
      if (stdin_fd >= 0)
        close (stdin_fd);
      return NULL;
    }
  started->stream_fd = fds[0];
  /* The tracer writes its stream in pieces of 256 KiB. Through the default 64 KiB pipe each write
   * waits until the model has decoded most of the one before, and the two processes take turns
   * instead of running side by side on two cores (a 100M-step loop: 25 s, where each alone needs
   * 14). A pipe of 1 MiB, the default limit for anyone, lets the tracer run ahead; without it
   * (a lower limit), the run is only slower. */
  (void)fcntl (fds[0], F_SETPIPE_SZ, STREAM_PIPE_SIZE);

  if (options->stdin_path != NULL && stdin_fd < 0)
    flags |= G_SUBPROCESS_FLAGS_STDIN_INHERIT; /* the tracer opens the FIFO itself */
  if (options->stdin_path == NULL)
    flags |= options->stdin_interactive ? G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        : G_SUBPROCESS_FLAGS_STDIN_INHERIT;
  if (options->silence_stdout)
    flags |= G_SUBPROCESS_FLAGS_STDOUT_SILENCE;
  launcher = g_subprocess_launcher_new (flags);
  if (stdin_fd >= 0)
    g_subprocess_launcher_take_stdin_fd (launcher, stdin_fd);
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  if (!proven && level != SANDBOX_NONE && (real_stderr = dup (STDERR_FILENO)) >= 0
      && g_unix_open_pipe (setup_fds, FD_CLOEXEC, NULL))
    {
      /* bubblewrap's stderr is ours to read; the tracer takes the real one back from fd 4 */
      g_subprocess_launcher_take_stderr_fd (launcher, setup_fds[1]);
      g_subprocess_launcher_take_fd (launcher, real_stderr, 4);
      started->setup_fd = setup_fds[0];
    }
  else if (real_stderr >= 0)
    close (real_stderr);
  if (spare)
    {
      /* a socket, not a pipe: a send() to a spare that died fails instead of raising SIGPIPE */
      if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, script_fds) < 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "socketpair: %s",
                       g_strerror (saved));
          return NULL;
        }
      g_subprocess_launcher_take_fd (launcher, script_fds[1], 5);
      started->script_fd = script_fds[0];
      started->key = spawn_key (options, script_path, tracer, level);
    }
  argv = build_argv (options, script_path, tracer, level, started->setup_fd >= 0 ? 4 : -1,
                     spare ? 5 : -1);
  if (level != SANDBOX_NONE)
    started->cap = sandbox_process_cap (options, script_path, tracer);
  if (spare && started->cap != NULL && heapglass_process_cap_get_path (started->cap) == NULL)
    {
      /* As root without a cgroup the run becomes nobody if its script is open to nobody: that
       * depends on the script, which a spare does not know yet. */
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "No spare tracer as root without a cgroup");
      return NULL;
    }
  if (started->cap != NULL)
    g_subprocess_launcher_set_child_setup (launcher, heapglass_process_cap_join, started->cap,
                                           NULL);
  started->subprocess
      = g_subprocess_launcher_spawnv (launcher, (const char *const *)argv->pdata, error);
  /* The launcher owns the child's ends: drop them now so that ours see end-of-file when the
   * tracer exits. */
  g_clear_object (&launcher);
  if (started->subprocess == NULL)
    return NULL;
  return g_steal_pointer (&started);
}

HeapglassSpareTracer *
heapglass_spare_tracer_start (const char *script_path, const HeapglassRunOptions *options,
                              GError **error)
{
  HeapglassRunOptions full;
  g_autofree char *tracer = NULL;
  gboolean proven = TRUE;
  SandboxLevel level;

  g_return_val_if_fail (script_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  options_with_defaults (&full, options);
  if (full.stdin_path != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "A spare tracer takes no stdin file");
      return NULL;
    }
  tracer = full.tracer_path ? g_strdup (full.tracer_path) : heapglass_trace_runner_find_tracer ();
  level = full.sandbox ? sandbox_level (&proven) : SANDBOX_NONE;
  return spawn_tracer (&full, script_path, TRUE, tracer, level, proven, error);
}

gboolean
heapglass_spare_tracer_is_alive (HeapglassSpareTracer *spare)
{
  g_return_val_if_fail (spare != NULL, FALSE);
  return g_subprocess_get_identifier (spare->subprocess) != NULL;
}

gboolean
heapglass_spare_tracer_can_serve (HeapglassSpareTracer *spare, const char *script_path,
                                  const HeapglassRunOptions *options)
{
  HeapglassRunOptions full;
  g_autofree char *tracer = NULL;
  g_autofree char *key = NULL;
  gboolean proven;

  g_return_val_if_fail (spare != NULL, FALSE);
  g_return_val_if_fail (script_path != NULL, FALSE);

  options_with_defaults (&full, options);
  if (full.stdin_path != NULL || !heapglass_spare_tracer_is_alive (spare)
      || spare->level != (full.sandbox ? sandbox_level (&proven) : SANDBOX_NONE))
    return FALSE;
  tracer = full.tracer_path ? g_strdup (full.tracer_path) : heapglass_trace_runner_find_tracer ();
  key = spawn_key (&full, script_path, tracer, spare->level);
  return g_str_equal (key, spare->key);
}

void
heapglass_trace_runner_take_spare (HeapglassTraceRunner *self, HeapglassSpareTracer *spare)
{
  g_return_if_fail (HEAPGLASS_IS_TRACE_RUNNER (self));

  g_mutex_lock (&self->lock);
  if (self->running || heapglass_trace_get_stream_bytes (self->trace) > 0)
    {
      g_mutex_unlock (&self->lock);
      heapglass_spare_tracer_free (spare);
      return;
    }
  heapglass_spare_tracer_free (self->spare);
  self->spare = spare;
  g_mutex_unlock (&self->lock);
}

/* Hands the spare its script; FALSE (and the spare freed) when it cannot serve this run. */
static gboolean
spare_serves (HeapglassTraceRunner *self, HeapglassSpareTracer *spare, const char *tracer,
              SandboxLevel level)
{
  g_autofree char *key = NULL;
  gsize len = strlen (self->script_path);
  gsize sent = 0;

  if (spare->level != level)
    return FALSE;
  key = spawn_key (&self->options, self->script_path, tracer, spare->level);
  if (g_strcmp0 (key, spare->key) != 0 || !heapglass_spare_tracer_is_alive (spare))
    return FALSE;
  while (sent < len)
    {
      gssize n = send (spare->script_fd, self->script_path + sent, len - sent, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      sent += (gsize)n;
    }
  /* end-of-file ends the path; the spare never reads this socket again */
  close (spare->script_fd);
  spare->script_fd = -1;
  return TRUE;
}

/* One start of the tracer (or the use of a spare, which is consumed), and its stream read to the
 * end. When the sandbox was only a guess and bubblewrap could not build it (it exits with status
 * 1 before the tracer wrote a byte), or a spare wrote nothing, *retry is set and nothing else
 * happened. */
static gboolean
run_attempt (HeapglassTraceRunner *self, const char *tracer, SandboxLevel level, gboolean proven,
             HeapglassSpareTracer *spare, GCancellable *cancellable, RetryHow *retry,
             GError **error)
{
  g_autoptr (HeapglassSpareTracer) started = NULL;
  g_autoptr (GError) stream_error = NULL;
  HgStreamPump *pump;
  const HeapglassRunOptions *options = &self->options;
  GSubprocess *subprocess;
  gint64 started_us, deadline, hard_stop = 0;
  gboolean deadline_hit = FALSE, stopped;
  gboolean corrupt = FALSE, limit_hit = FALSE;
  gboolean tracer_exited = FALSE;
  gboolean from_spare = FALSE;

  *retry = RETRY_NONE;
  heapglass_trace_set_limits (self->trace, options->max_steps, options->max_output_bytes,
                              options->max_trace_bytes);
  if (spare != NULL && spare_serves (self, spare, tracer, level))
    {
      started = spare;
      from_spare = TRUE;
      self->used_spare = TRUE;
    }
  else
    {
      heapglass_spare_tracer_free (spare);
      started = spawn_tracer (options, self->script_path, FALSE, tracer, level, proven, error);
      if (started == NULL)
        return FALSE;
    }
  level = started->level;
  proven = started->proven;
  subprocess = started->subprocess;
  started->stream_fd = started->stream_fd;
  started->setup_fd = started->setup_fd;

  g_mutex_lock (&self->lock);
  self->subprocess = g_object_ref (subprocess);
  if (options->stdin_interactive && options->stdin_path == NULL)
    self->stdin_pipe = g_object_ref (g_subprocess_get_stdin_pipe (subprocess));
  stopped = self->stop_requested;
  g_mutex_unlock (&self->lock);
  if (stopped)
    g_subprocess_force_exit (subprocess);

  started_us = g_get_monotonic_time ();
  deadline = started_us + (gint64)((self->options.timeout_s + DEADLINE_GRACE_S) * G_USEC_PER_SEC);
  pump = hg_stream_pump_start (started->stream_fd, READ_CHUNK, PUMP_MAX_QUEUED);
  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 wait_until = hard_stop ? hard_stop : deadline;
      int timeout_ms = (int)CLAMP ((wait_until - now) / 1000, 0, 100);
      g_autoptr (GBytes) chunk = NULL;
      gboolean end = FALSE;
      gconstpointer data;
      gsize n;

      if (g_cancellable_is_cancelled (cancellable))
        heapglass_trace_runner_stop (self);
      if (!deadline_hit && now >= deadline)
        {
          deadline_hit = TRUE;
          g_subprocess_force_exit (subprocess);
        }
      g_mutex_lock (&self->lock);
      stopped = self->stop_requested;
      g_mutex_unlock (&self->lock);
      /* Once killed, a grandchild that kept the pipe open must not keep us waiting. */
      if ((deadline_hit || stopped || corrupt || limit_hit) && hard_stop == 0)
        hard_stop = now + 2 * G_USEC_PER_SEC;
      if (hard_stop && now >= hard_stop)
        break;

      chunk = hg_stream_pump_pop (pump, timeout_ms, &end);
      if (end)
        break;
      if (chunk == NULL)
        {
          if (tracer_exited)
            break;
          if (g_subprocess_get_identifier (subprocess) == NULL)
            {
              /* The tracer is gone but the pipe is still open: a child the program forked
               * holds it. What the tracer wrote is in the pipe already: the reader takes it
               * within a wait, then we stop. */
              tracer_exited = TRUE;
            }
          continue;
        }
      if (corrupt || limit_hit)
        continue; /* drained unread until the process is gone */
      data = g_bytes_get_data (chunk, &n);
      if (!heapglass_trace_feed (self->trace, data, n, &stream_error))
        {
          /* A corrupt stream: stop the tracer, keep the steps decoded so far. */
          corrupt = TRUE;
          g_subprocess_force_exit (subprocess);
        }
      else if (heapglass_trace_get_limit_hit (self->trace) != HG_END_NONE)
        {
          /* More than the limits allow arrived (the tracer stops by itself before that): the
           * stream is not the tracer's alone. Or the trace's file reached its disk budget. */
          limit_hit = TRUE;
          g_subprocess_force_exit (subprocess);
        }
      check_input_requests (self);
      notify (self, NULL, FALSE);
    }
  hg_stream_pump_stop (pump);
  close (started->stream_fd);
  started->stream_fd = -1;

  /* The stream is over, the process may not be (it ran another program, or closed its end of
   * the stream): the deadline holds until it is gone. */
  for (guint sleep_us = 100; g_subprocess_get_identifier (subprocess) != NULL;
       sleep_us = MIN (sleep_us * 2, 20000))
    {
      gint64 now = g_get_monotonic_time ();

      if (g_cancellable_is_cancelled (cancellable))
        heapglass_trace_runner_stop (self);
      g_mutex_lock (&self->lock);
      stopped = self->stop_requested;
      g_mutex_unlock (&self->lock);
      if (!deadline_hit && now >= deadline)
        {
          deadline_hit = TRUE;
          g_subprocess_force_exit (subprocess);
        }
      if (deadline_hit || stopped)
        break; /* killed: the wait below is short */
      g_usleep (sleep_us);
    }
  if (!g_subprocess_wait (subprocess, NULL, error))
    return FALSE;
  {
    g_autofree char *setup_errors
        = started->setup_fd >= 0 ? read_setup_errors (started->setup_fd) : NULL;
    gboolean wrote_nothing = heapglass_trace_get_stream_bytes (self->trace) == 0;

    g_mutex_lock (&self->lock);
    stopped = self->stop_requested;
    g_mutex_unlock (&self->lock);
    if (wrote_nothing && !stopped && !deadline_hit
        && ((!proven && g_subprocess_get_if_exited (subprocess)
             && g_subprocess_get_exit_status (subprocess) == 1)
            || from_spare))
      {
        /* Nothing ran: bubblewrap could not build the full sandbox (we will find what it can),
         * or the spare could not serve (a fresh tracer will say why). */
        g_debug ("The tracer did not start (%s): starting another",
                 setup_errors != NULL ? setup_errors : "");
        g_mutex_lock (&self->lock);
        g_clear_object (&self->subprocess);
        g_clear_object (&self->stdin_pipe);
        g_mutex_unlock (&self->lock);
        *retry = proven ? RETRY_FRESH : RETRY_PROBED;
        self->used_spare = FALSE;
        return FALSE;
      }
    /* The tracer started: the full sandbox works here. Text on bubblewrap's stderr after that
     * came from inside the sandbox and is not ours to print. */
    if (!proven && !wrote_nothing)
      g_atomic_int_compare_and_exchange (&known_level, -1, SANDBOX_FULL);
    else if (setup_errors != NULL && wrote_nothing)
      g_printerr ("%s", setup_errors);
  }
  if (!corrupt && !heapglass_trace_finish (self->trace, &stream_error)
      && g_error_matches (stream_error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_TRUNCATED))
    {
      /* Killed or crashed mid-record: the ending below says why. */
      if (heapglass_trace_get_stream_bytes (self->trace) > 0)
        g_clear_error (&stream_error);
    }
  if (corrupt)
    {
      heapglass_trace_finish (self->trace, NULL);
      g_clear_error (&stream_error); /* an ending now: corrupt-trace, the steps before kept */
    }

  g_mutex_lock (&self->lock);
  stopped = self->stop_requested;
  g_clear_object (&self->stdin_pipe);
  g_mutex_unlock (&self->lock);

  decide_ending (self, subprocess, level, stopped, deadline_hit, corrupt,
                 (double)(g_get_monotonic_time () - started_us) / G_USEC_PER_SEC);
  notify (self, NULL, TRUE);

  if (stream_error != NULL)
    {
      if (g_error_matches (stream_error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_TRUNCATED))
        {
          g_autofree char *how = g_subprocess_get_if_exited (subprocess)
                                     ? g_strdup_printf (_ ("exit status %d"),
                                                        g_subprocess_get_exit_status (subprocess))
                                     : g_strdup (_ ("killed"));
          g_set_error (error, HEAPGLASS_TRACE_ERROR, HEAPGLASS_TRACE_ERROR_TRUNCATED,
                       _ ("The tracer wrote no trace (%s)"), how);
        }
      else
        g_propagate_error (error, g_steal_pointer (&stream_error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
runner_run (HeapglassTraceRunner *self, GCancellable *cancellable, GError **error)
{
  g_autofree char *tracer
      = self->tracer_path ? g_strdup (self->tracer_path) : heapglass_trace_runner_find_tracer ();
  gboolean proven = TRUE;
  SandboxLevel level = self->options.sandbox ? sandbox_level (&proven) : SANDBOX_NONE;
  HeapglassSpareTracer *spare;
  RetryHow retry = RETRY_NONE;
  gboolean ok;

  g_mutex_lock (&self->lock);
  spare = g_steal_pointer (&self->spare);
  g_mutex_unlock (&self->lock);
  if (!g_file_test (tracer, G_FILE_TEST_IS_EXECUTABLE))
    {
      heapglass_spare_tracer_free (spare);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _ ("The tracer “%s” was not found (set HEAPGLASS_TRACER)"), tracer);
      return FALSE;
    }
  ok = run_attempt (self, tracer, level, proven, spare, cancellable, &retry, error);
  if (retry == RETRY_PROBED)
    /* The full sandbox cannot be built here: find what can (with a warning), start again. */
    ok = run_attempt (self, tracer, sandbox_probe (), TRUE, NULL, cancellable, &retry, error);
  else if (retry == RETRY_FRESH)
    ok = run_attempt (self, tracer, level, proven, NULL, cancellable, &retry, error);
  if (retry == RETRY_PROBED)
    ok = run_attempt (self, tracer, sandbox_probe (), TRUE, NULL, cancellable, &retry, error);
  return ok;
}

static void
run_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  HeapglassTraceRunner *self = source;
  GError *error = NULL;
  gboolean ok = runner_run (self, cancellable, &error);

  g_mutex_lock (&self->lock);
  self->running = FALSE;
  g_clear_object (&self->subprocess);
  g_mutex_unlock (&self->lock);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
heapglass_trace_runner_run_async (HeapglassTraceRunner *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (HEAPGLASS_IS_TRACE_RUNNER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heapglass_trace_runner_run_async);
  g_mutex_lock (&self->lock);
  if (self->running || heapglass_trace_get_stream_bytes (self->trace) > 0)
    {
      g_mutex_unlock (&self->lock);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               _ ("This runner has already run"));
      return;
    }
  self->running = TRUE;
  g_mutex_unlock (&self->lock);
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  /* The worker is a long-running thread of its own: it must not occupy GTask's pool. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, run_thread);
}

gboolean
heapglass_trace_runner_run_finish (HeapglassTraceRunner *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
heapglass_trace_runner_stop (HeapglassTraceRunner *self)
{
  g_return_if_fail (HEAPGLASS_IS_TRACE_RUNNER (self));

  g_mutex_lock (&self->lock);
  self->stop_requested = TRUE;
  g_mutex_unlock (&self->lock);
  kill_process (self);
}

gboolean
heapglass_trace_runner_get_used_spare (HeapglassTraceRunner *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_TRACE_RUNNER (self), FALSE);
  return self->used_spare;
}

gboolean
heapglass_trace_runner_is_running (HeapglassTraceRunner *self)
{
  gboolean running;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE_RUNNER (self), FALSE);
  g_mutex_lock (&self->lock);
  running = self->running;
  g_mutex_unlock (&self->lock);
  return running;
}

gboolean
heapglass_trace_runner_send_input (HeapglassTraceRunner *self, const char *line, GError **error)
{
  g_autoptr (GOutputStream) pipe = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE_RUNNER (self), FALSE);
  g_return_val_if_fail (line != NULL, FALSE);

  g_mutex_lock (&self->lock);
  if (self->stdin_pipe != NULL)
    pipe = g_object_ref (self->stdin_pipe);
  g_mutex_unlock (&self->lock);
  if (pipe == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                           _ ("The program is not reading input"));
      return FALSE;
    }
  text = g_strconcat (line, "\n", NULL);
  return g_output_stream_write_all (pipe, text, strlen (text), NULL, NULL, error);
}

void
heapglass_trace_runner_close_input (HeapglassTraceRunner *self)
{
  g_autoptr (GOutputStream) pipe = NULL;

  g_return_if_fail (HEAPGLASS_IS_TRACE_RUNNER (self));

  g_mutex_lock (&self->lock);
  pipe = g_steal_pointer (&self->stdin_pipe);
  g_mutex_unlock (&self->lock);
  if (pipe != NULL)
    g_output_stream_close (pipe, NULL, NULL);
}

HeapglassTrace *
heapglass_trace_run_sync (const char *script_path, const HeapglassRunOptions *options,
                          GError **error)
{
  g_autoptr (HeapglassTraceRunner) runner = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (script_path != NULL, NULL);

  runner = heapglass_trace_runner_new (script_path, options);
  runner->running = TRUE;
  if (!runner_run (runner, NULL, &local_error))
    {
      /* Steps decoded before a corrupt stream are still worth returning only to callers that
       * can show them; the command line reports the error. */
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  runner->running = FALSE;
  return g_object_ref (runner->trace);
}
