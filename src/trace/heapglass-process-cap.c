/* heapglass-process-cap.c: a cgroup of its own for a sandboxed run, whose pids.max bounds the
 * program's processes and threads whoever runs Heapglass (the kernel exempts root, even inside a
 * user namespace mapped to root, from RLIMIT_NPROC), and whose members are all killed when the
 * run is over. Made only when Heapglass runs as root and a pids controller is writable: cgroup v2
 * (at the top of the visible hierarchy, where pids can be delegated) or else cgroup v1's pids
 * hierarchy (beside our own cgroup). Where none can be, the fallback runs the sandbox as the
 * unprivileged user `nobody`, whom RLIMIT_NPROC binds, if everything the run opens is open to
 * it. See docs/robustness.md. */
#define _GNU_SOURCE /* setresuid() */
#include "config.h"

#include "heapglass-process-cap.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct _HeapglassProcessCap
{
  char *dir;        /* the cgroup's folder, or NULL for the fallback */
  char *procs_path; /* its cgroup.procs: the processes left in it */
  char *join_path;  /* what the child writes itself ("0") into before exec: see make_cgroup */
  gboolean v2;
  uid_t uid; /* the fallback: the user the child becomes before exec */
  gid_t gid;
};

/* The mount point of the first `fstype` mount whose super options name `option` (any when NULL);
 * `root_out` gets the mount's root inside its hierarchy. */
static char *
find_mount (const char *fstype, const char *option, char **root_out)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/mountinfo", &text, NULL, NULL))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (char **l = lines; *l; l++)
    {
      /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS */
      g_auto (GStrv) f = g_strsplit (*l, " ", -1);
      guint n = g_strv_length (f), dash = 6;

      while (dash < n && strcmp (f[dash], "-") != 0)
        dash++;
      if (dash + 3 >= n || strcmp (f[dash + 1], fstype) != 0)
        continue;
      if (option != NULL)
        {
          g_auto (GStrv) opts = g_strsplit (f[dash + 3], ",", -1);
          if (!g_strv_contains ((const char *const *)opts, option))
            continue;
        }
      if (strchr (f[4], '\\') != NULL)
        continue; /* an escaped (unusual) path: not worth decoding */
      *root_out = g_strdup (f[3]);
      return g_strdup (f[4]);
    }
  return NULL;
}

/* Our cgroup in the v1 hierarchy that has `controller`, from /proc/self/cgroup. */
static char *
own_v1_cgroup (const char *controller)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/cgroup", &text, NULL, NULL))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (char **l = lines; *l; l++)
    {
      g_auto (GStrv) f = g_strsplit (*l, ":", 3);
      if (g_strv_length (f) != 3)
        continue;
      g_auto (GStrv) controllers = g_strsplit (f[1], ",", -1);
      if (g_strv_contains ((const char *const *)controllers, controller))
        return g_strdup (f[2]);
    }
  return NULL;
}

static gboolean
write_text (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = write (fd, text, strlen (text)) == (ssize_t)strlen (text);
  close (fd);
  return ok;
}

/* Removes the empty cgroups under `parent` that a Heapglass process no longer running left
 * behind (one that exited with a spare tracer still waiting, or was killed). */
static void
sweep_stale (const char *parent)
{
  g_autoptr (GDir) dir = g_dir_open (parent, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      gint64 pid;
      char *end = NULL;

      if (!g_str_has_prefix (name, "heapglass-"))
        continue;
      pid = g_ascii_strtoll (name + strlen ("heapglass-"), &end, 10);
      if (pid > 0 && end != NULL && *end == '-' && kill ((pid_t)pid, 0) < 0 && errno == ESRCH)
        {
          g_autofree char *path = g_build_filename (parent, name, NULL);
          rmdir (path); /* fails, harmlessly, while it still holds a process */
        }
    }
}

/* Makes `name` under `parent` with pids.max = `max_tasks`, or NULL. */
static HeapglassProcessCap *
make_cgroup (const char *parent, const char *name, guint max_tasks, gboolean v2)
{
  g_autofree char *dir = g_build_filename (parent, name, NULL);
  g_autofree char *max_path = g_build_filename (dir, "pids.max", NULL);
  g_autofree char *max_text = g_strdup_printf ("%u", max_tasks);
  HeapglassProcessCap *cap;

  sweep_stale (parent);
  if (mkdir (dir, 0700) < 0)
    return NULL;
  if (!write_text (max_path, max_text))
    {
      rmdir (dir);
      return NULL;
    }
  cap = g_new0 (HeapglassProcessCap, 1);
  cap->procs_path = g_build_filename (dir, "cgroup.procs", NULL);
  /* In cgroup v1 the child joins through `tasks`, as the one thread it is between fork and exec:
   * moving only the calling thread skips the kernel's threadgroup lock, whose taking waits for
   * an RCU grace period (8 to 20 ms on every sandboxed run as root through cgroup.procs). */
  cap->join_path = g_build_filename (dir, v2 ? "cgroup.procs" : "tasks", NULL);
  cap->dir = g_steal_pointer (&dir);
  cap->v2 = v2;
  return cap;
}

/* Whether `uid`:`gid` can read each of `readable`, search or run each of `executable`, and run
 * `probe` (an argv: bubblewrap making a user namespace) to success. Checked in a child that
 * becomes that user. */
static gboolean
user_can (uid_t uid, gid_t gid, const char *const *readable, const char *const *executable,
          const char *const *probe)
{
  int status = -1;
  pid_t pid = fork ();

  if (pid < 0)
    return FALSE;
  if (pid == 0)
    {
      int null_fd = open ("/dev/null", O_RDWR);
      if (null_fd >= 0)
        {
          dup2 (null_fd, 1);
          dup2 (null_fd, 2);
        }
      if (setgroups (0, NULL) < 0 || setresgid (gid, gid, gid) < 0 || setresuid (uid, uid, uid) < 0)
        _exit (1);
      for (; readable && *readable; readable++)
        if (access (*readable, R_OK) < 0)
          _exit (1);
      for (; executable && *executable; executable++)
        if (access (*executable, X_OK) < 0)
          _exit (1);
      execv (probe[0], (char *const *)probe);
      _exit (1);
    }
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

/* The fallback where no cgroup can be made (HEAPGLASS_NO_CGROUP=1 forces it, for the tests). */
static HeapglassProcessCap *
drop_to_nobody (const char *const *readable, const char *const *executable, const char *bwrap)
{
  struct passwd pw, *found = NULL;
  char buffer[4096];
  const char *probe[] = { bwrap,    "--unshare-user", "--unshare-pid", "--ro-bind", "/",    "/",
                          "--proc", "/proc",          "--dev",         "/dev",      "true", NULL };
  HeapglassProcessCap *cap;

  if (bwrap == NULL || getpwnam_r ("nobody", &pw, buffer, sizeof buffer, &found) != 0
      || found == NULL || pw.pw_uid == 0)
    return NULL;
  if (!user_can (pw.pw_uid, pw.pw_gid, readable, executable, probe))
    return NULL;
  cap = g_new0 (HeapglassProcessCap, 1);
  cap->uid = pw.pw_uid;
  cap->gid = pw.pw_gid;
  return cap;
}

/* A new cgroup allowing `max_tasks` processes and threads; failing that, the run as `nobody`
 * (when `readable` and `executable`, the paths the run must open, are open to it, and
 * `bwrap` works for it); NULL when we are not root or neither can be had. */
HeapglassProcessCap *
heapglass_process_cap_new (guint max_tasks, const char *const *readable,
                           const char *const *executable, const char *bwrap)
{
  static gint counter;
  g_autofree char *name = NULL;
  g_autofree char *root = NULL;
  g_autofree char *mount = NULL;
  HeapglassProcessCap *cap = NULL;

  if (geteuid () != 0)
    return NULL;
  if (g_strcmp0 (g_getenv ("HEAPGLASS_NO_CGROUP"), "1") == 0)
    return drop_to_nobody (readable, executable, bwrap);
  name = g_strdup_printf ("heapglass-%d-%d", (int)getpid (), g_atomic_int_add (&counter, 1));

  mount = find_mount ("cgroup2", NULL, &root);
  if (mount != NULL)
    {
      g_autofree char *control = g_build_filename (mount, "cgroup.subtree_control", NULL);
      g_autofree char *enabled = NULL;
      g_auto (GStrv) words = NULL;

      /* pids must be delegated to the children of the top (it is on a systemd host; when it
       * is not, this works only where the top holds no process itself) */
      if (g_file_get_contents (control, &enabled, NULL, NULL))
        words = g_strsplit_set (g_strstrip (enabled), " ", -1);
      if (words != NULL
          && (g_strv_contains ((const char *const *)words, "pids")
              || write_text (control, "+pids")))
        cap = make_cgroup (mount, name, max_tasks, TRUE);
      if (cap != NULL)
        return cap;
    }
  g_clear_pointer (&mount, g_free);
  g_clear_pointer (&root, g_free);

  mount = find_mount ("cgroup", "pids", &root);
  if (mount != NULL)
    {
      g_autofree char *own = own_v1_cgroup ("pids");
      const char *rel = NULL;

      /* our cgroup's path is from the hierarchy's root; the mount shows it from `root` */
      if (own != NULL && g_str_equal (root, "/"))
        rel = own;
      else if (own != NULL && g_str_has_prefix (own, root)
               && (own[strlen (root)] == '/' || own[strlen (root)] == '\0'))
        rel = own + strlen (root);
      if (rel != NULL)
        {
          g_autofree char *parent = g_build_filename (mount, rel, NULL);
          cap = make_cgroup (parent, name, max_tasks, FALSE);
        }
    }
  return cap != NULL ? cap : drop_to_nobody (readable, executable, bwrap);
}

/* A GSpawnChildSetupFunc: the child (before it execs bubblewrap) moves itself into the cgroup,
 * so every process of the run is in it from the start; or becomes `nobody`. Async-signal-safe. */
void
heapglass_process_cap_join (gpointer data)
{
  HeapglassProcessCap *cap = data;
  int fd;

  if (cap->dir == NULL)
    {
      /* the run must not go on as root: it would have no bound */
      if (setgroups (0, NULL) < 0 || setresgid (cap->gid, cap->gid, cap->gid) < 0
          || setresuid (cap->uid, cap->uid, cap->uid) < 0)
        _exit (126);
      return;
    }
  fd = open (cap->join_path, O_WRONLY | O_CLOEXEC);

  if (fd >= 0)
    {
      ssize_t ignored = write (fd, "0", 1);
      (void)ignored;
      close (fd);
    }
}

/* The cgroup's folder; NULL for the fallback (the run as `nobody`). */
const char *
heapglass_process_cap_get_path (HeapglassProcessCap *cap)
{
  g_return_val_if_fail (cap != NULL, NULL);
  return cap->dir;
}

/* Kills whatever is still in the cgroup (nothing, normally: the sandbox's PID namespace ends
 * with the run), then removes it; gives up after about 2 s. */
void
heapglass_process_cap_free (HeapglassProcessCap *cap)
{
  g_autofree char *kill_path = NULL;

  if (cap == NULL)
    return;
  if (cap->dir == NULL)
    {
      g_free (cap);
      return;
    }
  kill_path = g_build_filename (cap->dir, "cgroup.kill", NULL);
  for (int attempt = 0; attempt < 200; attempt++)
    {
      g_autofree char *procs = NULL;

      if (rmdir (cap->dir) == 0 || errno == ENOENT)
        break;
      if (cap->v2)
        write_text (kill_path, "1");
      if (g_file_get_contents (cap->procs_path, &procs, NULL, NULL))
        {
          g_auto (GStrv) pids = g_strsplit (procs, "\n", -1);
          for (char **p = pids; *p; p++)
            {
              gint64 pid = g_ascii_strtoll (*p, NULL, 10);
              if (pid > 1)
                kill ((pid_t)pid, SIGKILL);
            }
        }
      g_usleep (10000);
    }
  g_free (cap->dir);
  g_free (cap->procs_path);
  g_free (cap->join_path);
  g_free (cap);
}
