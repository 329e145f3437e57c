/* test-hostile-sandbox.c: what a hostile program can and cannot do from inside the sandbox, as
 * root (as CI runs) and as the unprivileged user `nobody` (through `setpriv` and the command line,
 * when the tests run as root). Each probe also runs unsandboxed, where it must succeed: a probe
 * that cannot reach anything proves nothing. And the parent's deadline holds whatever the program
 * does: exec another binary, block every signal, read a FIFO nobody writes. */

#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "heapglass-process-cap.h"
#include "hostile-run.h"

/* One line per probe, "name=RESULT": OK, or the errno's name. */
static const char probe_source[]
    = "import ctypes, errno, os, socket, sys\n"
      "libc = ctypes.CDLL(None, use_errno=True)\n"
      "HOST_PID = int(sys.argv[1]) if len(sys.argv) > 1 else %d\n"
      "def report(name, f):\n"
      "    try:\n"
      "        f()\n"
      "        print(f'{name}=OK')\n"
      "    except OSError as e:\n"
      "        print(f'{name}={errno.errorcode.get(e.errno, e.errno)}')\n"
      "def syscall(nr, *args):\n"
      "    ctypes.set_errno(0)\n"
      "    if libc.syscall(nr, *args) == -1:\n"
      "        e = ctypes.get_errno()\n"
      "        raise OSError(e, os.strerror(e))\n"
      "here = os.path.dirname(os.path.abspath(__file__))\n"
      "pids = [p for p in os.listdir('/proc') if p.isdigit()]\n"
      "print('few-pids=' + ('YES' if len(pids) <= 3 else 'NO'))\n"
      "report('kill-host-process', lambda: os.kill(HOST_PID, 0))\n"
      "report('host-process-mem', lambda: open(f'/proc/{HOST_PID}/mem', 'rb').close())\n"
      "report('write-script-folder', lambda: open(os.path.join(here, 'written'), 'w').close())\n"
      "report('write-through-proc-root',\n"
      "       lambda: open(f'/proc/1/root{here}/written-root', 'w').close())\n"
      "report('remount-rw', lambda: syscall(165, None, here.encode(), None, 32 | 4096 | 1, None))\n"
      "def connect():\n"
      "    s = socket.socket(socket.AF_UNIX)\n"
      "    s.connect(os.path.join(here, 'service.sock'))\n"
      "report('connect-unix', connect)\n"
      "report('socketpair', lambda: socket.socketpair())\n"
      "report('netlink', lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0))\n"
      "report('ptrace', lambda: syscall(101, 16, 1, 0, 0))\n"
      "report('keyctl', lambda: syscall(250, 0, 0))\n"
      "report('bpf', lambda: syscall(321, 0, 0, 0))\n"
      "report('unshare-user', lambda: syscall(272, 0x10000000))\n"
      "report('io-uring', lambda: syscall(425, 1, 0))\n"
      "status = open('/proc/self/status').read()\n"
      "print('no-caps=' + ('YES' if 'CapEff:\\t0000000000000000' in status else 'NO'))\n"
      "def fill(path):\n"
      "    with open(path, 'wb') as f:\n"
      "        for i in range(200):\n"
      "            f.write(b'x' * (1 << 20))\n"
      "    os.unlink(path)\n"
      "report('tmp-200mb', lambda: fill('/tmp/heapglass-hostile-fill'))\n"
      "report('shm-200mb', lambda: fill('/dev/shm/heapglass-hostile-fill'))\n"
      "def files():\n"
      "    fs = []\n"
      "    try:\n"
      "        for i in range(3000):\n"
      "            fs.append(open('/dev/null'))\n"
      "    finally:\n"
      "        for f in fs: f.close()\n"
      "report('3000-files', files)\n"
      "def forks():\n"
      "    kids = []\n"
      "    try:\n"
      "        for i in range(100):\n"
      "            pid = os.fork()\n"
      "            if pid == 0:\n"
      "                import time; time.sleep(5); os._exit(0)\n"
      "            kids.append(pid)\n"
      "    finally:\n"
      "        for k in kids:\n"
      "            os.kill(k, 9); os.waitpid(k, 0)\n"
      "report('100-processes', forks)\n"
      "if os.fork() == 0:\n"
      "    os.setsid()\n"
      "    if os.fork() == 0:\n"
      "        os.execv('/bin/sleep', ['sleep', '%s'])\n"
      "    os._exit(0)\n"
      "os.wait()\n"
      "print('done')\n";

typedef struct
{
  char *dir;
  char *script;
  char *socket_path;
  int listener;
  char *daemon_token;
  GBytes *out; /* the program's stdout, or the --trace-summary line when run as nobody */
} Probe;

static void
probe_free (Probe *p)
{
  if (p->listener >= 0)
    close (p->listener);
  hostile_dir_remove (p->dir);
  g_free (p->dir);
  g_free (p->script);
  g_free (p->socket_path);
  g_free (p->daemon_token);
  g_clear_pointer (&p->out, g_bytes_unref);
  g_free (p);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Probe, probe_free)

/* A Unix socket service in the script's folder, like a host's service there. */
static int
listen_unix (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpuint (strlen (path), <, sizeof addr.sun_path);
  strcpy (addr.sun_path, path);
  g_assert_cmpint (bind (fd, (struct sockaddr *)&addr, sizeof addr), ==, 0);
  g_assert_cmpint (chmod (path, 0777), ==, 0);
  g_assert_cmpint (listen (fd, 8), ==, 0);
  return fd;
}

static Probe *
probe_new (void)
{
  Probe *p = g_new0 (Probe, 1);
  g_autofree char *source = NULL;

  p->dir = hostile_dir_new ();
  /* a sleep time no one else uses: finds the daemon among the host's processes */
  p->daemon_token = g_strdup_printf ("%d.%d", 40 + g_random_int_range (0, 1000),
                                     g_random_int_range (1000, 9999));
  source = g_strdup_printf (probe_source, (int)getpid (), p->daemon_token);
  p->script = hostile_file_new (p->dir, "probe.py", source, -1);
  p->socket_path = g_build_filename (p->dir, "service.sock", NULL);
  p->listener = listen_unix (p->socket_path);
  return p;
}

/* "name=RESULT" in the output (escaped newlines in a summary line do not matter: the names are
 * distinct). */
static char *
probe_result (Probe *p, const char *name)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (p->out, &len);
  g_autofree char *text = g_strndup (data, len);
  g_autofree char *key = g_strdup_printf ("%s=", name);
  const char *at = strstr (text, key);
  const char *end;

  if (at == NULL)
    return g_strdup ("(missing)");
  at += strlen (key);
  end = at;
  while (*end && *end != '\n' && *end != '\\')
    end++;
  return g_strndup (at, (gsize)(end - at));
}

static gboolean
daemon_alive_kill (const char *token, gboolean kill_it)
{
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  while (proc && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", name, "cmdline", NULL);
      g_autofree char *cmdline = NULL;
      gsize len = 0;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (path, &cmdline, &len, NULL))
        continue;
      for (gsize i = 0; i + 1 < len; i++)
        if (cmdline[i] == '\0')
          cmdline[i] = ' ';
      if (strstr (cmdline, token) != NULL && strstr (cmdline, "sleep") != NULL)
        {
          /* unsandboxed it outlives the run, as a plain run's would: clean up */
          if (kill_it)
            kill ((pid_t)g_ascii_strtoll (name, NULL, 10), SIGKILL);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
daemon_alive (const char *token)
{
  return daemon_alive_kill (token, FALSE);
}

#define assert_result(p, name, expected)                                                           \
  G_STMT_START                                                                                     \
  {                                                                                                \
    g_autofree char *got_ = probe_result ((p), (name));                                            \
    g_test_message ("%s: %s", (name), got_);                                                       \
    g_assert_cmpstr (got_, ==, (expected));                                                        \
  }                                                                                                \
  G_STMT_END

#define assert_not_result(p, name, refused)                                                        \
  G_STMT_START                                                                                     \
  {                                                                                                \
    g_autofree char *got_ = probe_result ((p), (name));                                            \
    g_test_message ("%s: %s", (name), got_);                                                       \
    g_assert_cmpstr (got_, !=, (refused));                                                         \
  }                                                                                                \
  G_STMT_END

/* Whether the runner, as root, can bound a sandbox's processes here: a writable pids cgroup, or
 * else (or with HEAPGLASS_NO_CGROUP=1) the run as `nobody`, who can run the tracer and bwrap. */
static gboolean
root_can_cap_processes (void)
{
  g_autofree char *bwrap = g_find_program_in_path ("bwrap");
  const char *tracer = g_getenv ("HEAPGLASS_TRACER");
  g_autoptr (HeapglassProcessCap) cap = heapglass_process_cap_new (
      8, NULL, (const char *const[]){ tracer ? tracer : "/nonexistent", NULL }, bwrap);

  return cap != NULL;
}

/* What the sandbox refuses, whoever runs it. */
static void
assert_confined (Probe *p, gboolean as_root)
{
  assert_result (p, "few-pids", "YES");
  assert_result (p, "kill-host-process", "ESRCH");
  assert_result (p, "host-process-mem", "ENOENT");
  assert_not_result (p, "write-script-folder", "OK");
  assert_not_result (p, "write-through-proc-root", "OK");
  assert_result (p, "remount-rw", "EPERM");
  assert_result (p, "connect-unix", "EACCES");
  assert_result (p, "socketpair", "OK");
  assert_result (p, "netlink", "EAFNOSUPPORT");
  assert_result (p, "ptrace", "EPERM");
  assert_result (p, "keyctl", "EPERM");
  assert_result (p, "bpf", "EPERM");
  assert_result (p, "unshare-user", "EPERM");
  assert_result (p, "io-uring", "EPERM");
  assert_result (p, "no-caps", "YES");
  assert_result (p, "tmp-200mb", "ENOSPC");
  assert_result (p, "shm-200mb", "ENOSPC");
  assert_result (p, "3000-files", "EMFILE");
  /* As root the kernel exempts the program from RLIMIT_NPROC: a cgroup bounds it instead, where
   * one can be made (docs/robustness.md) */
  if (!as_root || root_can_cap_processes ())
    assert_result (p, "100-processes", "EAGAIN");
  g_assert_false (g_file_test ("/tmp/heapglass-hostile-fill", G_FILE_TEST_EXISTS));
  /* bubblewrap reports the end before its PID namespace is fully torn down: a moment */
  for (int i = 0; i < 300 && daemon_alive (p->daemon_token); i++)
    g_usleep (10000);
  g_assert_false (daemon_alive (p->daemon_token));
}

static void
test_probe_root_sandbox (void)
{
  g_autoptr (Probe) p = probe_new ();
  g_autoptr (HeapglassTrace) trace = hostile_trace (p->script, TRUE, NULL);
  g_autofree char *written = g_build_filename (p->dir, "written", NULL);
  g_autofree char *written_root = g_build_filename (p->dir, "written-root", NULL);

  p->out = hostile_trace_output (trace, 1);
  g_assert_cmpstr (hostile_ended (trace), ==, "finished");
  assert_confined (p, geteuid () == 0);
  g_assert_false (g_file_test (written, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (written_root, G_FILE_TEST_EXISTS));
}

/* The same probes without the sandbox reach what they aim at (as root, where CI runs). */
static void
test_probe_root_no_sandbox (void)
{
  g_autoptr (Probe) p = probe_new ();
  g_autoptr (HeapglassTrace) trace = hostile_trace (p->script, FALSE, NULL);

  p->out = hostile_trace_output (trace, 1);
  g_assert_cmpstr (hostile_ended (trace), ==, "finished");
  assert_result (p, "few-pids", "NO");
  assert_result (p, "kill-host-process", "OK");
  assert_result (p, "write-script-folder", "OK");
  assert_result (p, "connect-unix", "OK");
  assert_result (p, "netlink", "OK");
  assert_result (p, "no-caps", geteuid () == 0 ? "NO" : "YES");
  assert_result (p, "3000-files", "OK");
  g_assert_true (daemon_alive_kill (p->daemon_token, TRUE));
}

static void
test_probe_nobody_sandbox (void)
{
  g_autoptr (Probe) p = NULL;
  g_auto (HostileProcess) run = { 0 };
  g_autofree char *ended = NULL;

  if (!hostile_can_drop_to_nobody ())
    {
      /* as a user the run below is the root one's */
      g_test_message ("not root: the sandbox probe above ran as this user");
      test_probe_root_sandbox ();
      return;
    }
  p = probe_new ();
  hostile_cli_summary (p->script, NULL, TRUE, &run);
  ended = hostile_summary_field (run.out, "ended");
  g_assert_cmpstr (ended, ==, "finished");
  p->out = g_bytes_ref (run.out);
  assert_confined (p, FALSE);
}

/* ---- fork bombs end, as root and as nobody, and leave no process behind --------------------- */

typedef struct
{
  const char *name;
  const char *source;
  const char *ended;
} BombCase;

static const BombCase bomb_cases[] = {
  /* the program's own fork() fails past the limit: BlockingIOError */
  { "uncaught", "import os\nwhile True:\n    os.fork()\n", "exception" },
  { "catching",
    "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
    "time-limit" },
  { "setsid-daemon",
    "import os\nif os.fork() == 0:\n    os.setsid()\n    while True:\n        try:\n"
    "            os.fork()\n        except OSError:\n            pass\nprint('parent done')\n",
    "finished" },
};

typedef enum
{
  AS_ROOT,
  AS_ROOT_WITHOUT_CGROUP, /* the runner's fallback: the sandbox as `nobody` */
  AS_NOBODY,
} BombUser;

typedef struct
{
  const BombCase *c;
  BombUser user;
} BombRun;

/* How many processes have `dir` (the script's unique folder) on their command line. */
static guint
processes_running_from (const char *dir)
{
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint n = 0;

  while (proc && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", name, "cmdline", NULL);
      g_autofree char *cmdline = NULL;
      gsize len = 0;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (path, &cmdline, &len, NULL))
        continue;
      for (gsize i = 0; i + 1 < len; i++)
        if (cmdline[i] == '\0')
          cmdline[i] = ' ';
      if (len > 0 && strstr (cmdline, dir) != NULL)
        n++;
    }
  return n;
}

static void
test_fork_bomb (gconstpointer data)
{
  const BombRun *run = data;
  g_autofree char *dir = NULL;
  g_autofree char *script = NULL;
  g_autofree char *ended = NULL;
  gint64 start;
  double elapsed;
  guint left = 0;

  if (run->user != AS_ROOT && !hostile_can_drop_to_nobody ())
    {
      g_test_skip ("not root: the run as this user is the other test's");
      return;
    }
  if (run->user == AS_ROOT_WITHOUT_CGROUP)
    g_setenv ("HEAPGLASS_NO_CGROUP", "1", TRUE);
  if (run->user != AS_NOBODY && geteuid () == 0 && !root_can_cap_processes ())
    {
      g_unsetenv ("HEAPGLASS_NO_CGROUP");
      /* a fork bomb as root with no bound would take the machine's PIDs for the time limit */
      g_test_skip ("no cgroup can be made here: as root the sandbox cannot bound processes");
      return;
    }
  dir = hostile_dir_new ();
  script = hostile_file_new (dir, "bomb.py", run->c->source, -1);
  start = g_get_monotonic_time ();
  if (run->user == AS_NOBODY)
    {
      g_auto (HostileProcess) cli = { 0 };

      hostile_cli_summary (script, (const char *const[]){ "--timeout=3", NULL }, TRUE, &cli);
      ended = hostile_summary_field (cli.out, "ended");
    }
  else
    {
      HeapglassRunOptions options;
      g_autoptr (HeapglassTrace) trace = NULL;

      heapglass_run_options_init (&options);
      options.stdin_path = "/dev/null";
      options.timeout_s = 3;
      trace = hostile_trace (script, TRUE, &options);
      g_unsetenv ("HEAPGLASS_NO_CGROUP");
      ended = g_strdup (hostile_ended (trace));
      if (g_str_equal (ended, "exception"))
        g_assert_cmpstr (heapglass_trace_get_exception_type (trace), ==, "BlockingIOError");
    }
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("%s (user %d): %s in %.2f s", run->c->name, run->user, ended, elapsed);
  g_assert_cmpstr (ended, ==, run->c->ended);
  /* 3 s of time limit, 2 s of grace, a kill */
  g_assert_cmpfloat (elapsed, <, 15.0);
  /* the sandbox's PID namespace takes every process with it (a moment after the run) */
  for (int i = 0; i < 300 && (left = processes_running_from (dir)) > 0; i++)
    g_usleep (10000);
  g_assert_cmpuint (left, ==, 0);
  hostile_dir_remove (dir);
}

/* A cgroup left by a Heapglass process that is gone (it exited with a spare tracer waiting) is
 * removed by the next run's. */
static void
test_stale_cgroup_swept (void)
{
  g_autoptr (HeapglassProcessCap) first = NULL;
  g_autoptr (HeapglassProcessCap) second = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *stale = NULL;
  pid_t gone;

  first = heapglass_process_cap_new (8, NULL, NULL, NULL);
  if (first == NULL || heapglass_process_cap_get_path (first) == NULL)
    {
      g_test_skip ("no cgroup can be made here");
      return;
    }
  gone = fork ();
  if (gone == 0)
    _exit (0);
  g_assert_cmpint (waitpid (gone, NULL, 0), ==, gone);
  parent = g_path_get_dirname (heapglass_process_cap_get_path (first));
  stale = g_strdup_printf ("%s/heapglass-%d-0", parent, (int)gone);
  g_assert_cmpint (mkdir (stale, 0700), ==, 0);
  second = heapglass_process_cap_new (8, NULL, NULL, NULL);
  g_assert_nonnull (second);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  /* ours, of a process still running, stays */
  g_assert_true (g_file_test (heapglass_process_cap_get_path (first), G_FILE_TEST_IS_DIR));
}

/* ---- the parent's deadline holds whatever the child does ---------------------------------- */

typedef struct
{
  const char *name;
  const char *source;
  gboolean fifo_stdin;
} DeadlineCase;

static const DeadlineCase deadline_cases[] = {
  { "exec-sleep", "import os\nprint('exec', flush=True)\nos.execv('/bin/sleep', ['sleep', '40'])\n",
    FALSE },
  { "blocked-signals-redirected-stream",
    "import ctypes, os, signal, time\nsignal.pthread_sigmask(signal.SIG_BLOCK, range(1, 65))\n"
    "libc = ctypes.CDLL('libc.so.6')\nfd = os.open('/dev/null', os.O_WRONLY)\n"
    "libc.dup2(fd, 900)\nwhile True:\n    time.sleep(0.05)\n",
    FALSE },
  { "busy-in-c", "import re\nre.match('(a*)*b', 'a' * 40)\n", FALSE },
  { "fifo-stdin-without-writer", "print(input())\n", TRUE },
};

typedef struct
{
  const DeadlineCase *c;
  gboolean sandbox;
} DeadlineRun;

static void
test_deadline_holds (gconstpointer data)
{
  const DeadlineRun *run = data;
  g_autofree char *dir = hostile_dir_new ();
  g_autofree char *script = hostile_file_new (dir, "slow.py", run->c->source, -1);
  g_autofree char *fifo = g_build_filename (dir, "input.fifo", NULL);
  HeapglassRunOptions options;
  g_autoptr (HeapglassTrace) trace = NULL;
  gint64 start;
  double elapsed;

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.timeout_s = 2;
  if (run->c->fifo_stdin)
    {
      g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
      options.stdin_path = fifo;
    }
  start = g_get_monotonic_time ();
  trace = hostile_trace (script, run->sandbox, &options);
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("%s: %.2f s", run->c->name, elapsed);
  g_assert_cmpstr (hostile_ended (trace), ==, "time-limit");
  /* the tracer's own limit at 2 s, the parent's 2 s later, then a kill */
  g_assert_cmpfloat (elapsed, <, 10.0);
  hostile_dir_remove (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hostile/sandbox/probe/sandbox-as-root", test_probe_root_sandbox);
  g_test_add_func ("/hostile/sandbox/probe/sandbox-as-nobody", test_probe_nobody_sandbox);
  g_test_add_func ("/hostile/sandbox/probe/no-sandbox-reaches", test_probe_root_no_sandbox);
  g_test_add_func ("/hostile/sandbox/stale-cgroup-swept", test_stale_cgroup_swept);
  for (gsize i = 0; i < G_N_ELEMENTS (bomb_cases); i++)
    for (BombUser user = AS_ROOT; user <= AS_NOBODY; user++)
      {
        static const char *const names[] = { "as-root", "as-root-without-cgroup", "as-nobody" };
        BombRun *run = g_new0 (BombRun, 1);
        g_autofree char *path
            = g_strdup_printf ("/hostile/sandbox/fork-bomb/%s/%s", bomb_cases[i].name, names[user]);
        run->c = &bomb_cases[i];
        run->user = user;
        g_test_add_data_func_full (path, run, test_fork_bomb, g_free);
      }
  for (gsize i = 0; i < G_N_ELEMENTS (deadline_cases); i++)
    for (int sandbox = 0; sandbox <= 1; sandbox++)
      {
        DeadlineRun *run = g_new0 (DeadlineRun, 1);
        g_autofree char *path
            = g_strdup_printf ("/hostile/sandbox/deadline/%s/%s", deadline_cases[i].name,
                               sandbox ? "sandbox" : "no-sandbox");
        run->c = &deadline_cases[i];
        run->sandbox = sandbox;
        g_test_add_data_func_full (path, run, test_deadline_holds, g_free);
      }
  return g_test_run ();
}
