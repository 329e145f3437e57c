/* heapglass-tracer.c: the tracer process. Embeds CPython as `python3 script.py` would run the
 * script, captures fds 1 and 2, enforces the limits and writes the stream's header, output and
 * ending; the recording itself is in heapglass-tracer-record.c. See docs/trace-format.md. */
#include "heapglass-tracer.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

HgTracer hg_tracer;

#define FLUSH_BYTES (256 * 1024)

static int out_rd[3] = { -1, -1, -1 }; /* read ends of the pipes on fd 1 and 2, by stream */
static int wake_pipe[2] = { -1, -1 };
static pthread_t drain_thread;
static int drain_running;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static HgBuf out_pending[3];
static uint64_t out_total;
static double deadline;
/* A spare tracer (--script-fd) waiting for its script: nothing goes into the stream before the
 * header, which names the script. */
static volatile int awaiting_script;
static int drain_stop; /* output_final asks the drain thread to end */

static PyObject *orig_input, *orig_settrace, *orig_gettrace, *orig_os_exit;

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int
write_all (int fd, const void *data, size_t len)
{
  const uint8_t *p = data;
  while (len)
    {
      ssize_t n = syscall (SYS_write, fd, p, len);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return 0;
        }
      p += n;
      len -= (size_t)n;
    }
  return 1;
}

void
hg_stream_flush (void)
{
  HgBuf *b = &hg_tracer.buf;
  if (hg_tracer.forked_child || getpid () != hg_tracer.pid)
    {
      b->len = 0;
      hg_tracer.committed = 0;
      return;
    }
  if (b->len && !hg_tracer.stream_broken && !write_all (hg_tracer.stream_fd, b->data, b->len))
    {
      /* nobody reads the trace any more (the app stopped or went away): stop the program too */
      hg_tracer.stream_broken = 1;
      _exit (1);
    }
  b->len = 0;
  hg_tracer.committed = 0;
}

/* ---------------------------------------------------------------------------------------------
 * Who holds buf (see hg_trace_enter in heapglass-tracer.h). */

static long
futex_op (int *addr, int op, int value, const struct timespec *timeout)
{
  return syscall (SYS_futex, addr, op, value, timeout, NULL, 0);
}

/* The drain thread (or a dying signal) holds buf: wait for it, then take it. */
void
hg_trace_enter_slow (void)
{
  for (;;)
    {
      int seen = __atomic_load_n (&hg_tracer.owner, __ATOMIC_ACQUIRE);
      if (seen == HG_OWNER_NONE)
        {
          int expected = HG_OWNER_NONE;
          if (__atomic_compare_exchange_n (&hg_tracer.owner, &expected, HG_OWNER_MAIN, 0,
                                           __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return;
          continue;
        }
      if (seen == HG_OWNER_MAIN)
        return; /* already ours (hg_finish from inside a step) */
      struct timespec ts = { 0, 10 * 1000 * 1000 };
      futex_op (&hg_tracer.owner, FUTEX_WAIT_PRIVATE, seen, &ts);
    }
}

static int
take_buf (int who)
{
  int expected = HG_OWNER_NONE;
  return __atomic_compare_exchange_n (&hg_tracer.owner, &expected, who, 0, __ATOMIC_ACQUIRE,
                                      __ATOMIC_RELAXED);
}

static void
release_buf (void)
{
  __atomic_store_n (&hg_tracer.owner, HG_OWNER_NONE, __ATOMIC_RELEASE);
  futex_op (&hg_tracer.owner, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
}

/* ---------------------------------------------------------------------------------------------
 * Output capture: fds 1 and 2 are pipes. A thread drains them so a big write never blocks the
 * program; the main thread also drains them at each step where a write happened (see write()
 * below), so output lands in the step after the code that printed it. */

static uint64_t
output_keep (size_t n)
{
  if (out_total + n > hg_tracer.max_output)
    {
      n = out_total >= hg_tracer.max_output ? 0 : (size_t)(hg_tracer.max_output - out_total);
      hg_tracer.output_over = 1;
    }
  out_total += n;
  return n;
}

static void
read_pipes_locked (void)
{
  uint8_t tmp[65536];
  for (int stream = 1; stream <= 2; stream++)
    {
      if (out_rd[stream] < 0)
        continue;
      for (;;)
        {
          ssize_t n = syscall (SYS_read, out_rd[stream], tmp, sizeof tmp);
          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            break;
          size_t keep = output_keep ((size_t)n);
          if (keep && hg_buf_reserve (&out_pending[stream], keep))
            {
              memcpy (out_pending[stream].data + out_pending[stream].len, tmp, keep);
              out_pending[stream].len += keep;
            }
        }
    }
}

void
hg_output_collect (void)
{
  hg_tracer.output_pending = 0;
  pthread_mutex_lock (&out_lock);
  read_pipes_locked ();
  for (int stream = 1; stream <= 2; stream++)
    if (out_pending[stream].len)
      {
        hg_buf_byte (&hg_tracer.buf, HG_REC_OUTPUT);
        hg_buf_varint (&hg_tracer.buf, (uint64_t)stream);
        hg_buf_bytes (&hg_tracer.buf, out_pending[stream].data, out_pending[stream].len);
        out_pending[stream].len = 0;
      }
  pthread_mutex_unlock (&out_lock);
}

static void
put_varint (uint8_t *p, size_t *o, uint64_t v)
{
  while (v >= 0x80)
    {
      p[(*o)++] = (uint8_t)(v | 0x80);
      v >>= 7;
    }
  p[(*o)++] = (uint8_t)v;
}

static void
write_output_record (int stream, const uint8_t *data, size_t len)
{
  uint8_t head[32];
  size_t o = 0;
  head[o++] = HG_REC_OUTPUT;
  put_varint (head, &o, (uint64_t)stream);
  put_varint (head, &o, len);
  write_all (hg_tracer.stream_fd, head, o);
  write_all (hg_tracer.stream_fd, data, len);
}

/* By whoever holds buf while the main thread is outside the tracer's code: every complete record,
 * then the output waiting for the next step (as OUTPUT records, which is where the next step would
 * have put it), then (when `ending` is set) an END record. Only write(), read() and a lock taken
 * with trylock: it also runs in a fatal signal's handler. */
static void
flush_held (HgEnding ending, int out_locked)
{
  static uint8_t chunk[32768];

  if (getpid () != hg_tracer.pid || hg_tracer.forked_child || hg_tracer.stream_broken)
    return;
  size_t n = hg_tracer.committed;
  if (n > hg_tracer.buf.len)
    n = hg_tracer.buf.len;
  if (n)
    write_all (hg_tracer.stream_fd, hg_tracer.buf.data, n);
  /* what followed the last complete record (nothing, unless a step was cut short) is dropped */
  hg_tracer.buf.len = 0;
  hg_tracer.committed = 0;
  if (out_locked)
    {
      for (int stream = 1; stream <= 2; stream++)
        {
          if (out_pending[stream].len)
            {
              write_output_record (stream, out_pending[stream].data, out_pending[stream].len);
              out_pending[stream].len = 0;
            }
          for (;;)
            {
              ssize_t got = out_rd[stream] >= 0
                                ? syscall (SYS_read, out_rd[stream], chunk, sizeof chunk)
                                : -1;
              if (got < 0 && errno == EINTR)
                continue;
              if (got <= 0)
                break;
              size_t keep = output_keep ((size_t)got);
              if (keep)
                write_output_record (stream, chunk, keep);
            }
        }
    }
  if (ending)
    {
      uint8_t head[32];
      size_t o = 0;
      head[o++] = HG_REC_END;
      put_varint (head, &o, ending);
      put_varint (head, &o, 0);
      put_varint (head, &o, 0);
      put_varint (head, &o, 0);
      put_varint (head, &o, 0);
      write_all (hg_tracer.stream_fd, head, o);
    }
}

/* The drain thread, holding buf: the program has been in C code (sleep, input(), a long
 * computation) for a while, or its time is up. */
static void
drain_flush (HgEnding ending)
{
  pthread_mutex_lock (&out_lock);
  flush_held (ending, 1);
  pthread_mutex_unlock (&out_lock);
  hg_tracer.flush_due = 0;
  if (ending)
    _exit (0);
}

static void *
drain_main (void *data)
{
  double last_tick = now_s ();
  struct pollfd fds[3];
  fds[0].fd = out_rd[1];
  fds[1].fd = out_rd[2];
  fds[2].fd = wake_pipe[0];
  for (int i = 0; i < 3; i++)
    fds[i].events = POLLIN;
  for (;;)
    {
      /* a spare waiting for its script has no deadline and nothing to flush: it sleeps until
       * output or the wake pipe (written when the script came) wakes it */
      int r = poll (fds, 3, awaiting_script ? -1 : 50);
      double now = now_s ();
      if (__atomic_load_n (&drain_stop, __ATOMIC_ACQUIRE))
        break;
      if (deadline > 0 && now > deadline)
        {
          /* The trace function ends the run at its next step; when the program sits in C code
           * (sleep, a blocking read) there is no next step: end it from here. */
          hg_tracer.time_up = 1;
          if (!hg_tracer.finishing && take_buf (HG_OWNER_DRAIN))
            {
              if (hg_tracer.finishing)
                release_buf ();
              else
                drain_flush (HG_END_TIME_LIMIT);
            }
        }
      if (now - last_tick >= 0.05)
        {
          /* still due since the last tick: no step came, the program sits in C code */
          if (hg_tracer.flush_due && !hg_tracer.finishing && !awaiting_script
              && (hg_tracer.buf.len || out_pending[1].len || out_pending[2].len
                  || hg_tracer.output_pending)
              && take_buf (HG_OWNER_DRAIN))
            {
              if (!hg_tracer.finishing)
                drain_flush (HG_END_NONE);
              release_buf ();
            }
          hg_tracer.flush_due = 1;
          last_tick = now;
        }
      if (r <= 0)
        continue;
      if (fds[2].revents & POLLIN)
        {
          /* a byte the program wrote into our wake pipe must not stop us: drain_stop decides */
          char junk[64];
          ssize_t ignored = syscall (SYS_read, wake_pipe[0], junk, sizeof junk);
          (void)ignored;
        }
      int got = 0;
      for (int i = 0; i < 3; i++)
        {
          if (i < 2 && (fds[i].revents & POLLIN))
            got = 1;
          else if (fds[i].revents & (POLLHUP | POLLERR | POLLNVAL))
            fds[i].fd = -1; /* every writer is gone */
        }
      if (got)
        {
          pthread_mutex_lock (&out_lock);
          read_pipes_locked ();
          pthread_mutex_unlock (&out_lock);
          hg_tracer.output_pending = 1;
        }
      if (hg_tracer.output_over && !hg_tracer.finishing && !awaiting_script
          && take_buf (HG_OWNER_DRAIN))
        {
          /* Over the output limit and no step to notice it (a thread prints while the main
           * program waits for it, or sits in C code): end here, as for the time limit. */
          if (hg_tracer.finishing)
            release_buf ();
          else
            drain_flush (HG_END_OUTPUT_LIMIT);
        }
    }
  return NULL;
}

/* The program's file-descriptor calls go through these: the tracer's executable interposes libc's
 * write(), read(), close(), dup2(), dup3(), close_range() and closefrom() for libpython (and
 * anything else resolving them dynamically, ctypes.CDLL(None) included), at the cost of a compare
 * or two. Writes to fds 1 and 2 tell the next step that output is waiting. Our own descriptors
 * (900 and above) do not exist for the program, as in a plain run: using or closing one fails
 * with EBADF, and so does dup2() onto one (hg_guard_fds() refuses the same to libc's own
 * functions and to the system calls). The tracer itself calls the kernel directly. */
static int
is_ours (int fd)
{
  return fd >= 900
         && (fd == hg_tracer.stream_fd || fd == out_rd[1] || fd == out_rd[2] || fd == wake_pipe[0]
             || fd == wake_pipe[1]);
}

static void *
libc_function (void **slot, const char *name)
{
  void *f = __atomic_load_n (slot, __ATOMIC_ACQUIRE);
  if (f == NULL)
    {
      f = dlsym (RTLD_NEXT, name);
      __atomic_store_n (slot, f, __ATOMIC_RELEASE);
    }
  return f;
}

static void *real_write, *real_read, *real_close, *real_dup2, *real_dup3, *real_close_range,
    *real_closefrom;

ssize_t
write (int fd, const void *data, size_t len)
{
  if (fd == 1 || fd == 2)
    hg_tracer.output_pending = 1;
  else if (__builtin_expect (is_ours (fd), 0))
    {
      errno = EBADF;
      return -1;
    }
  ssize_t (*f) (int, const void *, size_t) = libc_function (&real_write, "write");
  return f ? f (fd, data, len) : syscall (SYS_write, fd, data, len);
}

ssize_t
read (int fd, void *data, size_t len)
{
  if (__builtin_expect (is_ours (fd), 0))
    {
      errno = EBADF;
      return -1;
    }
  ssize_t (*f) (int, void *, size_t) = libc_function (&real_read, "read");
  return f ? f (fd, data, len) : syscall (SYS_read, fd, data, len);
}

int
close (int fd)
{
  if (__builtin_expect (is_ours (fd), 0) && getpid () == hg_tracer.pid)
    {
      errno = EBADF;
      return -1;
    }
  int (*f) (int) = libc_function (&real_close, "close");
  return f ? f (fd) : (int)syscall (SYS_close, fd);
}

int
dup2 (int old_fd, int new_fd)
{
  if (__builtin_expect (is_ours (old_fd), 0))
    {
      errno = EBADF;
      return -1;
    }
  if (old_fd != new_fd && is_ours (new_fd) && getpid () == hg_tracer.pid)
    {
      errno = EBADF;
      return -1;
    }
  int (*f) (int, int) = libc_function (&real_dup2, "dup2");
  return f ? f (old_fd, new_fd) : (int)syscall (SYS_dup2, old_fd, new_fd);
}

int
dup3 (int old_fd, int new_fd, int flags)
{
  if (__builtin_expect (is_ours (old_fd), 0))
    {
      errno = EBADF;
      return -1;
    }
  if (old_fd != new_fd && is_ours (new_fd) && getpid () == hg_tracer.pid)
    {
      errno = EBADF;
      return -1;
    }
  int (*f) (int, int, int) = libc_function (&real_dup3, "dup3");
  return f ? f (old_fd, new_fd, flags) : (int)syscall (SYS_dup3, old_fd, new_fd, flags);
}

/* The program replaces itself with another program (os.execv). A real exec would take our pipes'
 * reader with it, and the new program's output would be lost (or kill it with SIGPIPE). So the
 * new program starts in a child instead, on the same fds 1 and 2 (our pipes), stdin and
 * environment, and dies with us (PR_SET_PDEATHSIG); this thread waits for it holding the GIL, so
 * the program's other threads stop as they would at an exec; the drain thread goes on relaying
 * the output and keeping the time and output limits; and the run ends as the process would have:
 * the child's exit status, or death by its signal. If the exec fails, the child says why through
 * a close-on-exec pipe and the program goes on with that error. */
static void *real_execv, *real_execve, *real_fexecve;

static void output_final (void);

typedef enum
{
  EXEC_V,
  EXEC_VE,
  EXEC_F,
} ExecKind;

static int
real_exec (ExecKind kind, const char *path, int fd, char *const argv[], char *const envp[])
{
  if (kind == EXEC_V)
    {
      int (*f) (const char *, char *const[]) = libc_function (&real_execv, "execv");
      if (f)
        return f (path, argv);
      errno = ENOSYS;
      return -1;
    }
  if (kind == EXEC_VE)
    {
      int (*f) (const char *, char *const[], char *const[])
          = libc_function (&real_execve, "execve");
      if (f)
        return f (path, argv, envp);
      return (int)syscall (SYS_execve, path, argv, envp);
    }
  int (*f) (int, char *const[], char *const[]) = libc_function (&real_fexecve, "fexecve");
  if (f)
    return f (fd, argv, envp);
  errno = ENOSYS;
  return -1;
}

/* The child ran to its end: so does the run, with the output it printed. */
static void __attribute__ ((noreturn)) end_as_exec_child (int status)
{
  if (WIFEXITED (status))
    hg_finish (HG_END_EXIT, WEXITSTATUS (status), 0, NULL, 0);
  /* Died of a signal: everything recorded and printed, no END (the parent names the crash from
   * our own death by the same signal). */
  int sig = WIFSIGNALED (status) ? WTERMSIG (status) : SIGKILL;
  hg_trace_enter ();
  hg_tracer.finishing = 1;
  hg_record_stop ();
  output_final ();
  hg_stream_flush ();
  signal (sig, SIG_DFL);
  sigset_t one;
  sigemptyset (&one);
  sigaddset (&one, sig);
  pthread_sigmask (SIG_UNBLOCK, &one, NULL);
  raise (sig);
  _exit (128 + sig);
}

static int
exec_traced (ExecKind kind, const char *path, int fd, char *const argv[], char *const envp[])
{
  if (getpid () != hg_tracer.pid || hg_tracer.forked_child || hg_tracer.finishing || !drain_running)
    return real_exec (kind, path, fd, argv, envp);

  /* what was recorded and printed so far reaches the reader first */
  int held = hg_trace_inside () && pthread_equal (pthread_self (), hg_tracer.main_thread);
  while (!held && !take_buf (HG_OWNER_SIGNAL))
    {
      struct timespec ts = { 0, 1000 * 1000 };
      nanosleep (&ts, NULL);
    }
  pthread_mutex_lock (&out_lock);
  flush_held (HG_END_NONE, 1);
  pthread_mutex_unlock (&out_lock);
  if (!held)
    release_buf ();

  int report[2];
  if (pipe2 (report, O_CLOEXEC) < 0)
    return real_exec (kind, path, fd, argv, envp);
  pid_t parent = getpid ();
  pid_t child = fork ();
  if (child < 0)
    {
      /* no room for a child (the process limit): exec in place, output after it lost */
      syscall (SYS_close, report[0]);
      syscall (SYS_close, report[1]);
      return real_exec (kind, path, fd, argv, envp);
    }
  if (child == 0)
    {
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      if (getppid () != parent)
        _exit (127);
      real_exec (kind, path, fd, argv, envp);
      int err = errno;
      ssize_t ignored = syscall (SYS_write, report[1], &err, sizeof err);
      (void)ignored;
      _exit (127);
    }
  syscall (SYS_close, report[1]);
  int err = 0;
  ssize_t got;
  do
    got = syscall (SYS_read, report[0], &err, sizeof err);
  while (got < 0 && errno == EINTR);
  syscall (SYS_close, report[0]);

  int status = 0;
  while (waitpid (child, &status, 0) < 0 && errno == EINTR)
    ;
  if (got == (ssize_t)sizeof err)
    {
      errno = err; /* the exec failed: the program goes on */
      return -1;
    }
  end_as_exec_child (status);
}

int
execv (const char *path, char *const argv[])
{
  return exec_traced (EXEC_V, path, -1, argv, NULL);
}

int
execve (const char *path, char *const argv[], char *const envp[])
{
  return exec_traced (EXEC_VE, path, -1, argv, envp);
}

int
fexecve (int fd, char *const argv[], char *const envp[])
{
  return exec_traced (EXEC_F, NULL, fd, argv, envp);
}

/* close_range() and closefrom() close the program's descriptors in the range and leave ours. */
int
close_range (unsigned first, unsigned last, int flags)
{
  int (*f) (unsigned, unsigned, int) = libc_function (&real_close_range, "close_range");
  if (f == NULL)
    {
      errno = ENOSYS;
      return -1;
    }
  if (getpid () != hg_tracer.pid)
    return f (first, last, flags);
  int ours[5] = { hg_tracer.stream_fd, out_rd[1], out_rd[2], wake_pipe[0], wake_pipe[1] };
  /* sorted, so the gaps between them are the ranges to close */
  for (int i = 1; i < 5; i++)
    for (int j = i; j > 0 && ours[j - 1] > ours[j]; j--)
      {
        int t = ours[j];
        ours[j] = ours[j - 1];
        ours[j - 1] = t;
      }
  unsigned from = first;
  for (int i = 0; i < 5 && from <= last; i++)
    {
      if (ours[i] < 0 || (unsigned)ours[i] < from)
        continue;
      if ((unsigned)ours[i] > last)
        break;
      if ((unsigned)ours[i] > from && f (from, (unsigned)ours[i] - 1, flags) < 0)
        return -1;
      from = (unsigned)ours[i] + 1;
      if (from == 0)
        return 0;
    }
  return from <= last ? f (from, last, flags) : 0;
}

void
closefrom (int lowfd)
{
  if (lowfd < 0)
    lowfd = 0;
  if (close_range ((unsigned)lowfd, ~0u, 0) == 0)
    return;
  void (*f) (int) = libc_function (&real_closefrom, "closefrom");
  if (f && getpid () != hg_tracer.pid)
    f (lowfd);
  else
    for (int fd = lowfd; fd < 65536; fd++)
      close (fd);
}

/* Our own descriptors live far above the program's: a plain run has nothing open beyond 0, 1
 * and 2, so the program's os.open() must get 3 as it would there. */
static int
move_high (int fd)
{
  int high = fcntl (fd, F_DUPFD_CLOEXEC, 900);
  if (high < 0)
    return fd;
  close (fd);
  return high;
}

static int
capture_output (void)
{
  for (int stream = 1; stream <= 2; stream++)
    {
      int p[2];
      if (pipe2 (p, O_CLOEXEC) < 0)
        return 0;
      if (dup2 (p[1], stream) < 0)
        return 0;
      close (p[1]);
      out_rd[stream] = move_high (p[0]);
      fcntl (out_rd[stream], F_SETFL, O_NONBLOCK);
    }
  if (pipe2 (wake_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
    return 0;
  wake_pipe[0] = move_high (wake_pipe[0]);
  wake_pipe[1] = move_high (wake_pipe[1]);

  pthread_attr_t attr;
  pthread_attr_init (&attr);
  pthread_attr_setstacksize (&attr, 256 * 1024);
  /* the drain thread takes no signal meant for the program */
  sigset_t all, old;
  sigfillset (&all);
  pthread_sigmask (SIG_SETMASK, &all, &old);
  int ok = pthread_create (&drain_thread, &attr, drain_main, NULL) == 0;
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  pthread_attr_destroy (&attr);
  drain_running = ok;
  return ok;
}

/* Stops the drain thread and collects everything still in the pipes. Our own fds 1 and 2 are
 * closed first so that the pipes end unless a forked child still holds them. */
static void
output_final (void)
{
  int null_fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null_fd >= 0)
    {
      dup2 (null_fd, 1);
      dup2 (null_fd, 2);
      close (null_fd);
    }
  if (drain_running)
    {
      char c = 1;
      __atomic_store_n (&drain_stop, 1, __ATOMIC_RELEASE);
      /* a full wake pipe also wakes the thread: the result does not matter */
      ssize_t ignored = syscall (SYS_write, wake_pipe[1], &c, 1);
      (void)ignored;
      pthread_join (drain_thread, NULL);
      drain_running = 0;
    }
  hg_output_collect ();
}

/* ---------------------------------------------------------------------------------------------
 * Endings. */

static void
emit_end (HgBuf *b, HgEnding ending, int status, int signal_number, const char *message,
          unsigned line)
{
  hg_buf_byte (b, HG_REC_END);
  hg_buf_varint (b, ending);
  hg_buf_zigzag (b, status);
  hg_buf_varint (b, (uint64_t)signal_number);
  hg_buf_string (b, message ? message : "");
  hg_buf_varint (b, line);
}

void
hg_finish (HgEnding ending, int status, int signal_number, const char *message, unsigned line)
{
  if (hg_tracer.forked_child || getpid () != hg_tracer.pid)
    _exit (status);
  hg_trace_enter ();
  hg_tracer.finishing = 1;
  hg_record_stop ();
  output_final ();
  if (hg_tracer.output_over
      && (ending == HG_END_FINISHED || ending == HG_END_EXCEPTION || ending == HG_END_EXIT))
    ending = HG_END_OUTPUT_LIMIT; /* what was printed is not all the program printed */
  emit_end (&hg_tracer.buf, ending, status, signal_number, message, line);
  hg_stream_flush ();
  _exit (0);
}

void
hg_check_limits_after_step (void)
{
  if (hg_tracer.max_steps && hg_tracer.steps >= hg_tracer.max_steps)
    hg_finish (HG_END_STEP_LIMIT, 0, 0, NULL, 0);
  if (hg_tracer.output_over)
    hg_finish (HG_END_OUTPUT_LIMIT, 0, 0, NULL, 0);
  if (hg_tracer.time_up)
    hg_finish (HG_END_TIME_LIMIT, 0, 0, NULL, 0);
  if (hg_tracer.flush_due || hg_tracer.buf.len > FLUSH_BYTES)
    {
      hg_tracer.flush_due = 0;
      hg_stream_flush ();
    }
}

/* A fatal signal (a crash in a C extension or ctypes, abort(), SIGTERM, …) on any thread: keep
 * what was recorded, then die of the same signal so the parent sees it. */
static void
on_fatal_signal (int sig)
{
  int saved = errno;
  if (!hg_tracer.finishing && !hg_tracer.forked_child && getpid () == hg_tracer.pid)
    {
      int held = 0;
      if (hg_trace_inside () && pthread_equal (pthread_self (), hg_tracer.main_thread))
        held = 1; /* cut short inside a step: its complete records only, no output */
      else
        for (int i = 0; i < 1000 && !held; i++)
          {
            /* another thread is in the middle of a step or a flush: give it a moment */
            held = take_buf (HG_OWNER_SIGNAL) ? 2 : 0;
            if (!held)
              {
                struct timespec ts = { 0, 1000 * 1000 };
                nanosleep (&ts, NULL);
              }
          }
      if (held)
        {
          hg_tracer.finishing = 1;
          int locked = 0;
          if (held == 2)
            for (int i = 0; i < 100 && !locked; i++)
              {
                locked = pthread_mutex_trylock (&out_lock) == 0;
                if (!locked)
                  {
                    struct timespec ts = { 0, 1000 * 1000 };
                    nanosleep (&ts, NULL);
                  }
              }
          flush_held (HG_END_NONE, locked);
        }
    }
  signal (sig, SIG_DFL);
  errno = saved;
  raise (sig);
}

/* Signals that end a plain `python3 script.py` (left as CPython set them up: only those still at
 * their default action get our handler, so SIGPIPE stays ignored and SIGINT stays
 * KeyboardInterrupt). signal.getsignal() still answers SIG_DFL: CPython read the handlers before
 * we installed ours. */
static void
install_signal_handlers (void)
{
  static char alt_stack[64 * 1024];
  stack_t ss = { .ss_sp = alt_stack, .ss_size = sizeof alt_stack, .ss_flags = 0 };
  sigaltstack (&ss, NULL);
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sigemptyset (&sa.sa_mask);
  sa.sa_handler = on_fatal_signal;
  sa.sa_flags = SA_ONSTACK | SA_RESTART;
  int fatal[] = { SIGSEGV, SIGBUS,  SIGILL,  SIGFPE,  SIGABRT, SIGTERM,   SIGHUP,  SIGQUIT,
                  SIGALRM, SIGUSR1, SIGUSR2, SIGXCPU, SIGSYS,  SIGVTALRM, SIGPROF, SIGTRAP };
  for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
    {
      struct sigaction old;
      if (sigaction (fatal[i], NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO)
          && old.sa_handler == SIG_DFL)
        sigaction (fatal[i], &sa, NULL);
    }
}

static void
after_fork_child (void)
{
  hg_tracer.forked_child = 1;
  hg_tracer.recording = 0;
  hg_tracer.tracking = 0;
  drain_running = 0;
}

/* ---------------------------------------------------------------------------------------------
 * Wrappers the program sees in place of builtins.input, sys.settrace/gettrace and os._exit. */

static PyObject *
hook_input (PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
  if (hg_tracer.recording && !hg_tracer.forked_child
      && PyThreadState_Get () == hg_tracer.main_tstate)
    {
      hg_trace_enter ();
      hg_output_collect ();
      char prompt[4 * 512 + 1];
      size_t n = 0;
      if (nargs > 0 && PyUnicode_Check (args[0]))
        {
          PyObject *s = args[0];
          Py_ssize_t len = PyUnicode_GET_LENGTH (s);
          if (len > 512)
            len = 512;
          /* UTF-8 of a prefix, without caching a copy in the object */
          int kind = PyUnicode_KIND (s);
          const void *data = PyUnicode_DATA (s);
          for (Py_ssize_t i = 0; i < len; i++)
            {
              Py_UCS4 c = PyUnicode_READ (kind, data, i);
              if (c < 0x80)
                prompt[n++] = (char)c;
              else if (c < 0x800)
                {
                  prompt[n++] = (char)(0xC0 | (c >> 6));
                  prompt[n++] = (char)(0x80 | (c & 0x3F));
                }
              else if (c < 0x10000)
                {
                  prompt[n++] = (char)(0xE0 | (c >> 12));
                  prompt[n++] = (char)(0x80 | ((c >> 6) & 0x3F));
                  prompt[n++] = (char)(0x80 | (c & 0x3F));
                }
              else
                {
                  prompt[n++] = (char)(0xF0 | (c >> 18));
                  prompt[n++] = (char)(0x80 | ((c >> 12) & 0x3F));
                  prompt[n++] = (char)(0x80 | ((c >> 6) & 0x3F));
                  prompt[n++] = (char)(0x80 | (c & 0x3F));
                }
            }
        }
      hg_buf_byte (&hg_tracer.buf, HG_REC_INPUT);
      hg_buf_bytes (&hg_tracer.buf, prompt, n);
      hg_tracer.committed = hg_tracer.buf.len;
      hg_stream_flush ();
      hg_trace_leave ();
    }
  return PyObject_Vectorcall (orig_input, args, (size_t)nargs, NULL);
}

static PyObject *
hook_settrace (PyObject *self, PyObject *func)
{
  if (hg_tracer.forked_child || PyThreadState_Get () != hg_tracer.main_tstate)
    return PyObject_CallOneArg (orig_settrace, func);
  if (PySys_Audit ("sys.settrace", NULL) < 0)
    return NULL;
  if (func == Py_None)
    Py_CLEAR (hg_tracer.prog_trace);
  else
    {
      Py_INCREF (func);
      Py_XSETREF (hg_tracer.prog_trace, func);
    }
  Py_RETURN_NONE;
}

static PyObject *
hook_gettrace (PyObject *self, PyObject *unused)
{
  if (hg_tracer.forked_child || PyThreadState_Get () != hg_tracer.main_tstate)
    return orig_gettrace ? PyObject_CallNoArgs (orig_gettrace) : Py_NewRef (Py_None);
  return Py_NewRef (hg_tracer.prog_trace ? hg_tracer.prog_trace : Py_None);
}

static PyObject *
hook_os_exit (PyObject *self, PyObject *arg)
{
  if (hg_tracer.forked_child || getpid () != hg_tracer.pid || !PyLong_Check (arg))
    return PyObject_CallOneArg (orig_os_exit, arg);
  int overflow = 0;
  long status = PyLong_AsLongAndOverflow (arg, &overflow);
  if (overflow || status < INT_MIN || status > INT_MAX)
    return PyObject_CallOneArg (orig_os_exit, arg);
  PyEval_SetTrace (NULL, NULL);
  hg_finish (HG_END_EXIT, (int)(status & 0xff), 0, NULL, 0);
}

static PyMethodDef input_def = { "input", (PyCFunction)(void (*) (void))hook_input, METH_FASTCALL,
                                 "Read a string from standard input." };
static PyMethodDef settrace_def
    = { "settrace", hook_settrace, METH_O, "Set the global debug tracing function." };
static PyMethodDef gettrace_def
    = { "gettrace", hook_gettrace, METH_NOARGS, "Return the global debug tracing function." };
static PyMethodDef os_exit_def
    = { "_exit", hook_os_exit, METH_O,
        "Exit to the system with specified status, without normal exit processing." };

static void
line_buffer_stdio (void)
{
  static const char *const names[] = { "stdout", "stderr" };
  for (size_t i = 0; i < 2; i++)
    {
      PyObject *stream = PySys_GetObject (names[i]); /* borrowed */
      PyObject *result = NULL;
      PyObject *through
          = stream && stream != Py_None ? PyObject_GetAttrString (stream, "write_through") : NULL;
      int unbuffered = through == Py_True; /* PYTHONUNBUFFERED: as python3 -u has it */
      Py_XDECREF (through);
      PyErr_Clear ();
      if (stream && stream != Py_None && !unbuffered)
        {
          PyObject *kwargs = Py_BuildValue ("{s:O}", "line_buffering", Py_True);
          PyObject *method = PyObject_GetAttrString (stream, "reconfigure");
          PyObject *args = PyTuple_New (0);
          if (kwargs && method && args)
            result = PyObject_Call (method, args, kwargs);
          Py_XDECREF (args);
          Py_XDECREF (method);
          Py_XDECREF (kwargs);
        }
      Py_XDECREF (result);
      PyErr_Clear ();
    }
}

static int
replace_function (const char *module_name, PyMethodDef *def, PyObject **orig)
{
  PyObject *module = PyImport_ImportModule (module_name);
  if (!module)
    return 0;
  *orig = PyObject_GetAttrString (module, def->ml_name);
  PyObject *name = PyUnicode_FromString (module_name);
  PyObject *func = PyCFunction_NewEx (def, module, name);
  int ok = *orig && func && PyObject_SetAttrString (module, def->ml_name, func) == 0;
  Py_XDECREF (func);
  Py_XDECREF (name);
  Py_DECREF (module);
  return ok;
}

static void
install_wrappers (void)
{
  if (!replace_function ("builtins", &input_def, &orig_input)
      || !replace_function ("sys", &settrace_def, &orig_settrace)
      || !replace_function ("sys", &gettrace_def, &orig_gettrace))
    PyErr_Clear ();
  if (!replace_function ("posix", &os_exit_def, &orig_os_exit))
    PyErr_Clear ();
  else
    {
      /* os imported posix._exit before we replaced it */
      PyObject *os = PyImport_ImportModule ("os");
      PyObject *posix = PyImport_ImportModule ("posix");
      PyObject *f = posix ? PyObject_GetAttrString (posix, "_exit") : NULL;
      if (os && f)
        PyObject_SetAttrString (os, "_exit", f);
      Py_XDECREF (f);
      Py_XDECREF (posix);
      Py_XDECREF (os);
      PyErr_Clear ();
    }
}

/* ---------------------------------------------------------------------------------------------
 * Running the script. */

static void
usage (void)
{
  fprintf (stderr, "usage: heapglass-tracer [--fd=N] [--max-steps=N] [--timeout=SECONDS] "
                   "[--memory-limit=MiB] [--max-output=BYTES] [--max-items=K] [--confine] "
                   "[--max-processes=N] [--stdin-fifo=PATH] [--stderr-fd=N] [--] SCRIPT.py "
                   "[ARGS...]\n");
  exit (2);
}

static int
parse_u64 (const char *text, uint64_t *out)
{
  char *end;
  errno = 0;
  unsigned long long v = strtoull (text, &end, 10);
  if (errno || end == text || *end || text[0] == '-')
    return 0;
  *out = v;
  return 1;
}

static char *
absolute_path (const char *path)
{
  if (path[0] == '/')
    return strdup (path);
  char cwd[PATH_MAX];
  if (!getcwd (cwd, sizeof cwd))
    return strdup (path);
  size_t n = strlen (cwd) + strlen (path) + 2;
  char *out = malloc (n);
  if (out)
    snprintf (out, n, "%s/%s", cwd, path);
  return out;
}

/* What `python3 script.py` puts in sys.path[0]: the directory of the script, symlinks resolved. */
static void
insert_sys_path0 (const char *script)
{
  char real[PATH_MAX];
  char *dir = realpath (script, real) ? strdup (real) : absolute_path (script);
  if (!dir)
    return;
  char *slash = strrchr (dir, '/');
  if (slash)
    {
      if (slash == dir)
        slash[1] = 0;
      else
        *slash = 0;
    }
  PyObject *path = PySys_GetObject ("path");
  PyObject *entry = PyUnicode_DecodeFSDefault (dir);
  if (path && entry && PyList_Check (path))
    PyList_Insert (path, 0, entry);
  Py_XDECREF (entry);
  PyErr_Clear ();
  free (dir);
}

/* The last line CPython wrote on stderr (the traceback's "Type: message"), or NULL. */
static char *
last_stderr_line (void)
{
  char *line = NULL;
  pthread_mutex_lock (&out_lock);
  read_pipes_locked ();
  HgBuf *err = &out_pending[2];
  size_t end = err->len;
  while (end > 0 && (err->data[end - 1] == '\n' || err->data[end - 1] == '\r'))
    end--;
  size_t start = end;
  while (start > 0 && err->data[start - 1] != '\n')
    start--;
  if (end > start && end - start < 4096)
    {
      line = malloc (end - start + 1);
      if (line)
        {
          memcpy (line, err->data + start, end - start);
          line[end - start] = 0;
        }
    }
  pthread_mutex_unlock (&out_lock);
  return line;
}

static long
exception_int_attr (PyObject *value, const char *name)
{
  PyObject *v = PyObject_GetAttrString (value, name);
  long n = v && PyLong_Check (v) ? PyLong_AsLong (v) : 0;
  Py_XDECREF (v);
  PyErr_Clear ();
  return n < 0 ? 0 : n;
}

/* The exit status of an uncaught SystemExit, printing its non-int code as CPython does. */
static int
system_exit_status (PyObject *value)
{
  PyObject *code = value ? PyObject_GetAttrString (value, "code") : NULL;
  int status = 0;
  PyErr_Clear ();
  if (!code || code == Py_None)
    status = 0;
  else if (PyLong_Check (code))
    {
      int overflow = 0;
      long v = PyLong_AsLongAndOverflow (code, &overflow);
      status = overflow ? -1 : (int)v;
      PyErr_Clear ();
    }
  else
    {
      PyObject *err = PySys_GetObject ("stderr");
      if (err && err != Py_None)
        {
          PyFile_WriteObject (code, err, Py_PRINT_RAW);
          PyFile_WriteString ("\n", err);
        }
      PyErr_Clear ();
      status = 1;
    }
  Py_XDECREF (code);
  return status & 0xff;
}

#define HG_MAX_SOURCE_BYTES (16 * 1024 * 1024)

static int
run_script (const char *script_abs)
{
  FILE *fp = fopen (script_abs, "rb");
  if (!fp)
    {
      int err = errno;
      char message[PATH_MAX + 128];
      snprintf (message, sizeof message, "can't open file '%s': [Errno %d] %s", script_abs, err,
                strerror (err));
      dprintf (2, "python3: %s\n", message);
      hg_finish (HG_END_UNREADABLE, 2, 0, message, 0);
    }
  struct stat st;
  if (fstat (fileno (fp), &st) == 0 && S_ISDIR (st.st_mode))
    {
      char message[PATH_MAX + 128];
      snprintf (message, sizeof message, "'%s' is a directory, cannot continue", script_abs);
      dprintf (2, "python3: %s\n", message);
      fclose (fp);
      hg_finish (HG_END_UNREADABLE, 1, 0, message, 0);
    }
  /* CPython would take minutes and gigabytes to compile a source this size; no program a learner
   * steps through is that long, so refuse it at once rather than end on the memory limit. */
  if (S_ISREG (st.st_mode) && st.st_size > HG_MAX_SOURCE_BYTES)
    {
      char message[PATH_MAX + 128];
      snprintf (message, sizeof message, "'%s' is too large to trace (%lld MB; the limit is %d MB)",
                script_abs, (long long)(st.st_size / (1024 * 1024)),
                HG_MAX_SOURCE_BYTES / (1024 * 1024));
      dprintf (2, "heapglass-tracer: %s\n", message);
      fclose (fp);
      hg_finish (HG_END_UNREADABLE, 1, 0, message, 0);
    }

  PyObject *main_module = PyImport_AddModule ("__main__");
  PyObject *globals = main_module ? PyModule_GetDict (main_module) : NULL;
  if (!globals)
    hg_finish (HG_END_UNREADABLE, 1, 0, "no __main__ module", 0);
  PyDict_SetItemString (globals, "__file__", hg_tracer.script);
  PyDict_SetItemString (globals, "__cached__", Py_None);
  {
    /* __loader__ as CPython's runner sets it for a source file */
    PyObject *ext = PyImport_ImportModule ("_frozen_importlib_external");
    PyObject *loader_type = ext ? PyObject_GetAttrString (ext, "SourceFileLoader") : NULL;
    PyObject *loader = loader_type
                           ? PyObject_CallFunction (loader_type, "sO", "__main__", hg_tracer.script)
                           : NULL;
    if (loader)
      PyDict_SetItemString (globals, "__loader__", loader);
    Py_XDECREF (loader);
    Py_XDECREF (loader_type);
    Py_XDECREF (ext);
    PyErr_Clear ();
  }

  hg_tracer.recording = 1;
  hg_tracer.tracking = 1;
  PyEval_SetTrace (hg_record_trace, NULL);
  PyObject *result = PyRun_FileExFlags (fp, script_abs, Py_file_input, globals, globals, 1, NULL);
  PyEval_SetTrace (NULL, NULL);
  int recorded = hg_tracer.module_started;
  hg_record_stop ();

  if (hg_tracer.forked_child)
    {
      /* a fork()ed child that ran to the end: behave as python3 would, without the stream */
      int status = 0;
      if (!result)
        {
          if (PyErr_ExceptionMatches (PyExc_SystemExit))
            {
              PyObject *t, *v, *tb;
              PyErr_Fetch (&t, &v, &tb);
              PyErr_NormalizeException (&t, &v, &tb);
              status = system_exit_status (v);
            }
          else
            {
              PyErr_Print ();
              status = 1;
            }
        }
      Py_XDECREF (result);
      if (Py_FinalizeEx () < 0 && status == 0)
        status = 120;
      _exit (status);
    }

  HgEnding ending = HG_END_FINISHED;
  int status = 0, signal_number = 0;
  unsigned line = 0;
  char *message = NULL;
  if (result)
    Py_DECREF (result);
  else
    {
      PyObject *t, *v, *tb;
      PyErr_Fetch (&t, &v, &tb);
      PyErr_NormalizeException (&t, &v, &tb);
      if (tb && v)
        PyException_SetTraceback (v, tb);
      if (t && PyErr_GivenExceptionMatches (t, PyExc_SystemExit))
        {
          ending = HG_END_EXIT;
          status = system_exit_status (v);
          Py_XDECREF (t);
          Py_XDECREF (v);
          Py_XDECREF (tb);
        }
      else
        {
          char *type_name = NULL, *text = NULL;
          if (v)
            hg_record_exception_text (v, &type_name, &text);
          size_t n = strlen (type_name ? type_name : "") + strlen (text ? text : "") + 4;
          message = malloc (n);
          if (message)
            snprintf (message, n, text && *text ? "%s: %s" : "%s", type_name ? type_name : "",
                      text ? text : "");
          status = 1;
          if (!recorded && t
              && (PyErr_GivenExceptionMatches (t, PyExc_SyntaxError)
                  || PyErr_GivenExceptionMatches (t, PyExc_ValueError)))
            {
              ending = HG_END_SYNTAX_ERROR;
              line = v ? (unsigned)exception_int_attr (v, "lineno") : 0;
              /* "invalid syntax", not str()'s "invalid syntax (x.py, line 2)" */
              PyObject *msg = v ? PyObject_GetAttrString (v, "msg") : NULL;
              if (msg && PyUnicode_Check (msg) && type_name)
                {
                  const char *m = PyUnicode_AsUTF8 (msg);
                  size_t mn = strlen (type_name) + (m ? strlen (m) : 0) + 4;
                  char *better = m ? malloc (mn) : NULL;
                  if (better)
                    {
                      snprintf (better, mn, "%s: %s", type_name, m);
                      free (message);
                      message = better;
                    }
                }
              Py_XDECREF (msg);
              PyErr_Clear ();
            }
          else if (t && PyErr_GivenExceptionMatches (t, PyExc_MemoryError))
            ending = HG_END_MEMORY_LIMIT;
          else
            {
              ending = HG_END_EXCEPTION;
              if (t && PyErr_GivenExceptionMatches (t, PyExc_KeyboardInterrupt))
                {
                  status = 128 + SIGINT;
                  signal_number = SIGINT;
                }
            }
          PyErr_Restore (t, v, tb);
          PyErr_Print ();
          if (!(text && *text) && type_name && ending == HG_END_EXCEPTION)
            {
              /* the message needed the program's own code: take it from the traceback */
              char *printed = last_stderr_line ();
              size_t tn = strlen (type_name);
              if (printed && strncmp (printed, type_name, tn) == 0 && printed[tn] == ':')
                {
                  free (message);
                  message = printed;
                  printed = NULL;
                }
              free (printed);
            }
          free (type_name);
          free (text);
        }
    }
  if (Py_FinalizeEx () < 0 && status == 0 && ending == HG_END_FINISHED)
    status = 120;
  hg_finish (ending, status, signal_number, message, line);
}

/* The header names the script: the first bytes of the stream. */
static void
write_header (const char *script_abs)
{
  hg_buf_header (&hg_tracer.buf, hg_tracer.max_items, script_abs);
  hg_tracer.committed = hg_tracer.buf.len;
  hg_stream_flush ();
}

/* A spare tracer, started before anyone knew what it would run, reads the script's path (as the
 * command line would have given it) from `fd` up to end-of-file. An empty read means the app
 * discarded it: exit without a word. */
static char *
await_script (int fd)
{
  size_t cap = PATH_MAX, len = 0;
  char *path = malloc (cap + 1);
  ssize_t n;

  while (path && len < cap
         && ((n = read (fd, path + len, cap - len)) > 0 || (n < 0 && errno == EINTR)))
    if (n > 0)
      len += (size_t)n;
  close (fd);
  if (!path || len == 0 || memchr (path, 0, len))
    _exit (0);
  path[len] = 0;
  return path;
}

/* sys.argv (and sys.orig_argv, which CPython copies from it) as `python3 script.py` sets them,
 * for a spare tracer whose Python started before the script was known. */
static void
set_argv (const char *script)
{
  PyObject *arg = PyUnicode_DecodeFSDefault (script);
  PyObject *argv = arg ? PyList_New (1) : NULL;
  PyObject *orig = arg ? PyList_New (1) : NULL;

  if (argv && orig)
    {
      Py_INCREF (arg);
      PyList_SET_ITEM (argv, 0, arg);
      Py_INCREF (arg);
      PyList_SET_ITEM (orig, 0, arg);
      PySys_SetObject ("argv", argv);
      PySys_SetObject ("orig_argv", orig);
    }
  Py_XDECREF (argv);
  Py_XDECREF (orig);
  Py_XDECREF (arg);
  PyErr_Clear ();
}

int
main (int argc, char **argv)
{
  uint64_t value;
  int i;
  int confine = 0;
  unsigned max_processes = 0;
  const char *stdin_fifo = NULL;
  int script_fd = -1;

  hg_tracer.stream_fd = 3;
  hg_tracer.max_steps = 0;
  hg_tracer.max_output = 16u * 1024 * 1024;
  hg_tracer.max_items = 100;
  for (i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "--") == 0)
        {
          i++;
          break;
        }
      if (a[0] != '-' || a[1] != '-')
        break;
      if (strcmp (a, "--confine") == 0)
        {
          confine = 1;
          continue;
        }
      const char *eq = strchr (a, '=');
      if (!eq)
        usage ();
      const char *v = eq + 1;
      if (strncmp (a, "--fd=", 5) == 0 && parse_u64 (v, &value) && value < INT_MAX)
        hg_tracer.stream_fd = (int)value;
      else if (strncmp (a, "--stderr-fd=", 12) == 0 && parse_u64 (v, &value) && value < INT_MAX
               && dup2 ((int)value, 2) == 2)
        {
          /* The runner's standard error, given first: bubblewrap's own (which speaks only when
           * it cannot build the sandbox) went to a pipe the runner reads. */
          if (value != 2)
            close ((int)value);
        }
      else if (strncmp (a, "--max-steps=", 12) == 0 && parse_u64 (v, &value))
        hg_tracer.max_steps = value;
      else if (strncmp (a, "--timeout=", 10) == 0)
        {
          char *end;
          double t = strtod (v, &end);
          if (*end || t < 0)
            usage ();
          hg_tracer.timeout_s = t;
        }
      else if (strncmp (a, "--memory-limit=", 15) == 0 && parse_u64 (v, &value) && value < UINT_MAX)
        hg_tracer.memory_limit_mib = (unsigned)value;
      else if (strncmp (a, "--max-output=", 13) == 0 && parse_u64 (v, &value))
        hg_tracer.max_output = value ? value : UINT64_MAX; /* 0: no limit */
      else if (strncmp (a, "--stdin-fifo=", 13) == 0 && *v)
        stdin_fifo = v;
      else if (strncmp (a, "--max-processes=", 16) == 0 && parse_u64 (v, &value) && value < 1000000)
        max_processes = (unsigned)value;
      else if (strncmp (a, "--max-items=", 12) == 0 && parse_u64 (v, &value) && value > 0
               && value <= 100000)
        hg_tracer.max_items = (unsigned)value;
      else if (strncmp (a, "--script-fd=", 12) == 0 && parse_u64 (v, &value) && value < INT_MAX)
        script_fd = (int)value;
      else
        usage ();
    }
  /* a spare (--script-fd) learns its script later; it takes no FIFO, no arguments */
  if (script_fd >= 0 ? i < argc || stdin_fifo || fcntl (script_fd, F_GETFD) < 0 : i >= argc)
    usage ();
  if (fcntl (hg_tracer.stream_fd, F_GETFD) < 0)
    {
      fprintf (stderr, "heapglass-tracer: fd %d is not open for the trace stream\n",
               hg_tracer.stream_fd);
      return 2;
    }
  hg_tracer.stream_fd = move_high (hg_tracer.stream_fd);

  /* A spare does everything that does not depend on the script (the sandbox's confinement, the
   * output's capture, Python's start), then waits for it. Until then a failure exits quietly
   * with status 1 and no byte written: the runner then starts a tracer the ordinary way, which
   * reports it. */
  char *script = script_fd >= 0 ? NULL : argv[i];
  char *script_abs = script ? absolute_path (script) : NULL;
  if (script_fd >= 0)
    {
      script_fd = move_high (script_fd);
      awaiting_script = 1;
    }
  hg_tracer.pid = getpid ();
  hg_tracer.main_thread = pthread_self ();
  pthread_atfork (NULL, NULL, after_fork_child);

  if (script_abs)
    write_header (script_abs);
  if (confine && !hg_confine (max_processes))
    {
      if (awaiting_script)
        _exit (1);
      hg_finish (HG_END_UNREADABLE, 1, 0, "the sandbox could not confine the program", 0);
    }

  if (!hg_record_init ())
    return 2;
  if (hg_tracer.timeout_s > 0 && !awaiting_script)
    deadline = now_s () + hg_tracer.timeout_s;
  if (!capture_output ())
    {
      fprintf (stderr, "heapglass-tracer: cannot capture the program's output\n");
      return 2;
    }
  if (stdin_fifo)
    {
      /* Opened here, not by the parent: open() waits for the FIFO's writer, and our deadline
       * (the drain thread) runs meanwhile, as it would while input() waits. */
      int fd = open (stdin_fifo, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        {
          char message[PATH_MAX + 128];
          snprintf (message, sizeof message, "cannot open the input '%s': %s", stdin_fifo,
                    strerror (errno));
          hg_finish (HG_END_UNREADABLE, 1, 0, message, 0);
        }
      if (fd != 0)
        {
          dup2 (fd, 0);
          close (fd);
        }
    }
  /* From here on the program cannot close or replace our descriptors, through libc or not. */
  int ours[] = { hg_tracer.stream_fd, out_rd[1], out_rd[2], wake_pipe[0], wake_pipe[1] };
  hg_guard_fds (ours, (int)(sizeof ours / sizeof ours[0]));
  if (hg_tracer.memory_limit_mib)
    {
      struct rlimit rl;
      rl.rlim_cur = rl.rlim_max = (rlim_t)hg_tracer.memory_limit_mib * 1024 * 1024;
      setrlimit (RLIMIT_AS, &rl);
    }

  PyConfig config;
  PyConfig_InitPythonConfig (&config);
  /* stdout and stderr as in a terminal: line-buffered (set below), so that output lands in the
   * step after the line that printed it and threads' lines never tear. Unbuffered (python3 -u)
   * would write a print()'s text and its newline separately, and another thread's output could
   * come between them. */
  config.buffered_stdio = 1;
  config.parse_argv = 0;
  char *no_script[] = { "", NULL };
  PyStatus status = awaiting_script ? PyConfig_SetBytesArgv (&config, 1, no_script)
                                    : PyConfig_SetBytesArgv (&config, argc - i, argv + i);
#ifdef HG_PYTHON_EXECUTABLE
  /* sys.executable as for `python3 script.py` (subprocesses of the program run Python, not us) */
  if (!PyStatus_Exception (status) && access (HG_PYTHON_EXECUTABLE, X_OK) == 0)
    status = PyConfig_SetBytesString (&config, &config.executable, HG_PYTHON_EXECUTABLE);
#endif
  if (!PyStatus_Exception (status))
    status = Py_InitializeFromConfig (&config);
  PyConfig_Clear (&config);
  if (PyStatus_Exception (status))
    {
      if (awaiting_script)
        _exit (1);
      dprintf (2, "heapglass-tracer: cannot start Python: %s\n",
               status.err_msg ? status.err_msg : "?");
      if (hg_tracer.memory_limit_mib)
        {
          /* almost always the reason: CPython needs some 20 MiB of address space to start */
          char message[160];
          snprintf (message, sizeof message,
                    "MemoryError: Python cannot start within the memory limit (%u MiB)",
                    hg_tracer.memory_limit_mib);
          hg_finish (HG_END_MEMORY_LIMIT, 1, 0, message, 0);
        }
      hg_finish (HG_END_UNREADABLE, 1, 0, "cannot start Python", 0);
    }
  line_buffer_stdio ();
  if (awaiting_script)
    {
      script = await_script (script_fd);
      script_abs = absolute_path (script);
      write_header (script_abs);
      if (hg_tracer.timeout_s > 0)
        deadline = now_s () + hg_tracer.timeout_s;
      __atomic_store_n (&awaiting_script, 0, __ATOMIC_RELEASE);
      {
        /* the drain thread back to its ticks (the deadline among them) */
        char c = 0;
        ssize_t ignored = syscall (SYS_write, wake_pipe[1], &c, 1);
        (void)ignored;
      }
      set_argv (script);
    }
  hg_tracer.main_tstate = PyThreadState_Get ();
  hg_tracer.script = PyUnicode_DecodeFSDefault (script_abs);
  insert_sys_path0 (script_abs);
  install_wrappers ();
  hg_record_install_hooks ();
  install_signal_handlers ();
  run_script (script_abs);
  return 0;
}
