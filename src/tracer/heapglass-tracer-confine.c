/* heapglass-tracer-confine.c: the tracer's confinement of the program, applied before the
 * script's first line. Always: a seccomp filter that keeps the tracer's own descriptors from
 * being closed or replaced through libc (hg_guard_fds). Inside the sandbox also: a filter with no
 * debugging or mounting of anything, no kernel keyrings, BPF, namespaces or io_uring, no Unix
 * sockets other than socketpair(), network families limited to IPv4/IPv6 on the sandbox's own
 * loopback; and resource limits (processes, open files, core files). See docs/robustness.md. */
#include "heapglass-tracer.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#ifdef HG_HAVE_SECCOMP
#include <seccomp.h>

/* System calls a learner's program never needs and a hostile one would use to reach outside. */
static const char *const denied[] = {
  "ptrace",
  "process_vm_readv",
  "process_vm_writev",
  "pidfd_getfd",
  "kcmp",
  "mount",
  "umount",
  "umount2",
  "pivot_root",
  "chroot",
  "move_mount",
  "open_tree",
  "fsopen",
  "fsconfig",
  "fsmount",
  "fspick",
  "mount_setattr",
  "open_by_handle_at",
  "name_to_handle_at",
  "keyctl",
  "add_key",
  "request_key",
  "bpf",
  "perf_event_open",
  "userfaultfd",
  "fanotify_init",
  "unshare",
  "setns",
  "io_uring_setup",
  "io_uring_enter",
  "io_uring_register",
  "kexec_load",
  "kexec_file_load",
  "init_module",
  "finit_module",
  "delete_module",
  "reboot",
  "swapon",
  "swapoff",
  "acct",
  "quotactl",
  "quotactl_fd",
  "syslog",
  "iopl",
  "ioperm",
  "vhangup",
  "settimeofday",
  "clock_settime",
  "clock_adjtime",
  "adjtimex",
  "lookup_dcookie",
  "uselib",
};

static int
add_rule (scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned n_args,
          const struct scmp_arg_cmp *args)
{
  int nr = seccomp_syscall_resolve_name (name);
  if (nr == __NR_SCMP_ERROR)
    return 1; /* not a system call on this architecture */
  return seccomp_rule_add_array (ctx, action, nr, n_args, args) == 0;
}

static int
install_filter (void)
{
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
  int ok = ctx != NULL;

  if (ok)
    ok = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_TSYNC, 1) == 0; /* the drain thread too */
  for (size_t i = 0; ok && i < sizeof denied / sizeof denied[0]; i++)
    ok = add_rule (ctx, SCMP_ACT_ERRNO (EPERM), denied[i], 0, NULL);

  /* New namespaces through clone(); clone3() hides its flags in memory, so it answers "not
   * implemented" and the C library falls back to clone(). */
  static const uint64_t ns_flags[] = { CLONE_NEWUSER, CLONE_NEWNS,  CLONE_NEWPID,   CLONE_NEWNET,
                                       CLONE_NEWIPC,  CLONE_NEWUTS, CLONE_NEWCGROUP };
  for (size_t i = 0; ok && i < sizeof ns_flags / sizeof ns_flags[0]; i++)
    {
      struct scmp_arg_cmp arg = SCMP_A0 (SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]);
      ok = add_rule (ctx, SCMP_ACT_ERRNO (EPERM), "clone", 1, &arg);
    }
  if (ok)
    ok = add_rule (ctx, SCMP_ACT_ERRNO (ENOSYS), "clone3", 0, NULL);

  /* socket(): AF_UNIX would reach the host's services through socket files in the visible file
   * system (socketpair() stays: asyncio and multiprocessing use it); AF_INET and AF_INET6 see
   * only the sandbox's own loopback; no other family. */
  if (ok)
    {
      struct scmp_arg_cmp arg = SCMP_A0 (SCMP_CMP_MASKED_EQ, 0xffffffffu, AF_UNIX);
      ok = add_rule (ctx, SCMP_ACT_ERRNO (EACCES), "socket", 1, &arg);
    }
  for (int family = 0; ok && family <= AF_INET6; family++)
    if (family != AF_UNIX && family != AF_INET && family != AF_INET6)
      {
        struct scmp_arg_cmp arg = SCMP_A0 (SCMP_CMP_MASKED_EQ, 0xffffffffu, (uint64_t)family);
        ok = add_rule (ctx, SCMP_ACT_ERRNO (EAFNOSUPPORT), "socket", 1, &arg);
      }
  if (ok)
    {
      struct scmp_arg_cmp arg = SCMP_A0 (SCMP_CMP_GT, AF_INET6);
      ok = add_rule (ctx, SCMP_ACT_ERRNO (EAFNOSUPPORT), "socket", 1, &arg);
    }

  if (ok)
    ok = seccomp_load (ctx) == 0;
  if (ctx)
    seccomp_release (ctx);
  return ok;
}
#endif

static void
lower_limit (int resource, rlim_t value)
{
  struct rlimit rl;
  if (getrlimit (resource, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur <= value
      && rl.rlim_max <= value)
    return;
  rl.rlim_cur = rl.rlim_max = value;
  setrlimit (resource, &rl);
}

/* close(), dup2()/dup3() onto, and close_range() over one of `fds` fail with EBADF, for every
 * thread and every child, whoever calls them: the tracer's interposed libc functions already
 * refuse them, but a program can reach libc's own (ctypes.CDLL('libc.so.6').close(900)) or the
 * system call itself. The tracer never closes or replaces these itself. The kernel reads these
 * arguments as 32-bit numbers, so only the low 32 bits are compared (and a close_range() bound
 * with high bits set is refused whole). Returns whether the filter is in place. */
int
hg_guard_fds (const int *fds, int n_fds)
{
#ifdef HG_HAVE_SECCOMP
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
  int ok = ctx != NULL;
  const uint32_t refuse = SCMP_ACT_ERRNO (EBADF);

  /* TSYNC: the drain thread too. NO_NEW_PRIVS (which an unprivileged process needs for any
   * filter) stays on, as libseccomp sets it. */
  if (ok)
    ok = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_TSYNC, 1) == 0;
  for (int i = 0; ok && i < n_fds; i++)
    {
      if (fds[i] < 0)
        continue;
      uint64_t fd = (uint64_t)fds[i];
      struct scmp_arg_cmp a0 = SCMP_A0 (SCMP_CMP_MASKED_EQ, 0xffffffffu, fd);
      struct scmp_arg_cmp a1 = SCMP_A1 (SCMP_CMP_MASKED_EQ, 0xffffffffu, fd);
      struct scmp_arg_cmp range[2] = { SCMP_A0 (SCMP_CMP_LE, fd), SCMP_A1 (SCMP_CMP_GE, fd) };
      ok = add_rule (ctx, refuse, "close", 1, &a0) && add_rule (ctx, refuse, "dup2", 1, &a1)
           && add_rule (ctx, refuse, "dup3", 1, &a1)
           && add_rule (ctx, refuse, "close_range", 2, range);
    }
  if (ok)
    {
      struct scmp_arg_cmp high0 = SCMP_A0 (SCMP_CMP_GT, 0xffffffffu);
      struct scmp_arg_cmp high1 = SCMP_A1 (SCMP_CMP_GT, 0xffffffffu);
      ok = add_rule (ctx, refuse, "close_range", 1, &high0)
           && add_rule (ctx, refuse, "close_range", 1, &high1);
    }
  if (ok)
    ok = seccomp_load (ctx) == 0;
  if (ctx)
    seccomp_release (ctx);
  return ok;
#else
  (void)fds;
  (void)n_fds;
  return 0;
#endif
}

int
hg_confine (unsigned max_processes)
{
  /* Our own descriptors are at 900 and above: room for them, and no more. */
  lower_limit (RLIMIT_NOFILE, 1024);
  lower_limit (RLIMIT_CORE, 0);
  /* Counted per user inside the sandbox's user namespace (the runner passes it only there);
   * threads count. The root user is exempt from this limit by the kernel. */
  if (max_processes)
    lower_limit (RLIMIT_NPROC, max_processes);
  /* no setuid program can gain privileges in here either; and seccomp needs it */
  prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
#ifdef HG_HAVE_SECCOMP
  if (!install_filter ())
    {
      dprintf (2, "heapglass-tracer: cannot install the sandbox's system-call filter\n");
      return 0;
    }
  return 1;
#else
  dprintf (2, "heapglass-tracer: built without libseccomp: no system-call filter in the "
              "sandbox\n");
  return 1;
#endif
}
