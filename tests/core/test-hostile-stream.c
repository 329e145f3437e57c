/* test-hostile-stream.c: the parent trusts nothing the program's process sends. The program
 * shares the tracer's process, so it can write its own records into the trace stream (here
 * through libc's own write(), which the tracer cannot interpose): forged steps, output and
 * endings must not pass the parent's limits, a death by signal outranks a forged END, and a
 * broken stream keeps its valid prefix and ends as corrupt-trace. Through the plain file
 * descriptor calls the program sees what a plain run sees: fd 900 does not exist. Every case runs
 * with and without the sandbox. */

#include <signal.h>

#include "hostile-run.h"

/* Python helpers every forging program starts with: LEB128, and a write that bypasses the
 * tracer's interposed write() (libc's own symbol, found through its handle). */
#define FORGE_PRELUDE                                                                              \
  "import ctypes, os, signal, sys\n"                                                               \
  "libc = ctypes.CDLL('libc.so.6', use_errno=True)\n"                                              \
  "def v(n):\n"                                                                                    \
  "    out = b''\n"                                                                                \
  "    while n >= 0x80:\n"                                                                         \
  "        out += bytes([(n & 0x7f) | 0x80]); n >>= 7\n"                                           \
  "    return out + bytes([n])\n"                                                                  \
  "def raw(data):\n"                                                                               \
  "    while data:\n"                                                                              \
  "        n = libc.write(900, data, len(data))\n"                                                 \
  "        assert n > 0, ctypes.get_errno()\n"                                                     \
  "        data = data[n:]\n"                                                                      \
  "def output(text):\n"                                                                            \
  "    raw(b'\\x11' + v(1) + v(len(text)) + text)\n"                                               \
  "def end(ending, status=0):\n"                                                                   \
  "    raw(b'\\x14' + v(ending) + v(status * 2) + v(0) + v(0) + v(0))\n"

typedef struct
{
  gboolean sandbox;
} Mode;

static const Mode modes[] = { { FALSE }, { TRUE } };

static HeapglassTrace *
trace_source (const char *source, const Mode *mode, const HeapglassRunOptions *options)
{
  g_autofree char *dir = hostile_dir_new ();
  g_autofree char *script = hostile_file_new (dir, "hostile.py", source, -1);
  HeapglassTrace *trace = hostile_trace (script, mode->sandbox, options);

  hostile_dir_remove (dir);
  return trace;
}

static void
test_forged_end_then_sigkill (gconstpointer data)
{
  g_autoptr (HeapglassTrace) trace
      = trace_source (FORGE_PRELUDE "print('real')\n"
                                    "output(b'forged\\n')\n"
                                    "end(1)\n"
                                    "os.kill(os.getpid(), signal.SIGKILL)\n",
                      data, NULL);

  g_assert_cmpstr (hostile_ended (trace), ==, "crashed");
  g_assert_cmpint (heapglass_trace_get_signal (trace), ==, SIGKILL);
}

static void
test_forged_end_then_exit_status (gconstpointer data)
{
  /* the tracer exits with 0 right after its END: an END and status 3 is not the tracer's */
  g_autoptr (HeapglassTrace) trace
      = trace_source (FORGE_PRELUDE "end(1)\nlibc._exit(3)\n", data, NULL);

  g_assert_cmpstr (hostile_ended (trace), ==, "corrupt-trace");
}

static void
test_forged_output_over_cap (gconstpointer data)
{
  HeapglassRunOptions options;
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autoptr (GBytes) out = NULL;

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.max_output_bytes = 8 * 1024 * 1024;
  trace = trace_source (FORGE_PRELUDE "chunk = b'x' * (1 << 20)\n"
                                      "for i in range(64):\n"
                                      "    output(chunk)\n"
                                      "print('done')\n",
                        data, &options);
  out = hostile_trace_output (trace, 1);
  g_assert_cmpstr (hostile_ended (trace), ==, "output-limit");
  g_assert_cmpuint (g_bytes_get_size (out), <=, 8 * 1024 * 1024);
}

static void
test_forged_steps_over_limit (gconstpointer data)
{
  HeapglassRunOptions options;
  g_autoptr (HeapglassTrace) trace = NULL;

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.max_steps = 100;
  trace = trace_source (FORGE_PRELUDE "raw(b'\\x01\\x01' * 3_000_000)\nprint('done')\n", data,
                        &options);
  g_assert_cmpstr (hostile_ended (trace), ==, "step-limit");
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, 100);
}

static void
test_forged_stream_over_byte_limit (gconstpointer data)
{
  HeapglassRunOptions options;
  g_autoptr (HeapglassTrace) trace = NULL;

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.max_trace_bytes = 1024 * 1024;
  /* STRING records: no step, no output, only bytes */
  trace = trace_source (FORGE_PRELUDE "s = b'\\x05' + v(1000) + b's' * 1000\n"
                                      "raw(s * 4096)\n"
                                      "print('done')\n",
                        data, &options);
  g_assert_cmpstr (hostile_ended (trace), ==, "trace-limit");
  g_assert_cmpuint (heapglass_trace_get_stream_bytes (trace), <=, 1024 * 1024);
}

static void
test_corrupt_byte_keeps_prefix (gconstpointer data)
{
  /* flush=True and a pause: the steps so far reach the parent before the bad byte */
  g_autoptr (HeapglassTrace) trace = trace_source (FORGE_PRELUDE "import time\n"
                                                                 "print('kept', flush=True)\n"
                                                                 "time.sleep(0.3)\n"
                                                                 "raw(b'\\xff')\n"
                                                                 "print('after')\n",
                                                   data, NULL);
  g_autoptr (GBytes) out = hostile_trace_output (trace, 1);

  g_assert_cmpstr (hostile_ended (trace), ==, "corrupt-trace");
  g_assert_nonnull (strstr (heapglass_trace_get_end_message (trace), "0xff"));
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), >, 0);
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out), "kept\n", 5);
}

static void
test_corrupt_byte_cli_summary (gconstpointer data)
{
  const Mode *mode = data;
  g_autofree char *dir = hostile_dir_new ();
  g_autofree char *script
      = hostile_file_new (dir, "corrupt.py", FORGE_PRELUDE "print('x')\nraw(b'\\xff')\n", -1);
  const char *args[] = { mode->sandbox ? NULL : "--no-sandbox", NULL };
  g_auto (HostileProcess) run = { 0 };
  g_autofree char *ended = NULL;

  hostile_cli_summary (script, args, FALSE, &run);
  ended = hostile_summary_field (run.out, "ended");
  g_assert_cmpstr (ended, ==, "corrupt-trace");
  g_assert_false (run.signaled);
  g_assert_cmpint (run.status, ==, 0);
  hostile_dir_remove (dir);
}

/* ---- the tracer's descriptors do not exist for the program ----------------------------------- */

static const char *const fd_programs[] = {
  "import os\nprint('a')\ntry:\n    os.write(900, b'\\xff')\nexcept OSError as e:\n"
  "    print('write', e.errno)\nprint('b')\n",
  "import os\nfor i in range(3): print(i)\nos.close(900)\nfor i in range(3): print(i)\n",
  "import os\nprint('a')\nos.closerange(3, 65536)\nprint('b')\n",
  "import os\nfor fd in range(900, 910):\n    try:\n        os.read(fd, 10)\n"
  "    except OSError as e:\n        print(fd, e.errno)\n",
};

typedef struct
{
  const char *source;
  gboolean sandbox;
} FdRun;

static void
test_fds_like_plain (gconstpointer data)
{
  const FdRun *run = data;
  g_autofree char *dir = hostile_dir_new ();
  g_autofree char *script = hostile_file_new (dir, "fds.py", run->source, -1);
  g_auto (HostileProcess) plain = { 0 };
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autoptr (GBytes) out = NULL;

  hostile_plain_run (script, &plain);
  trace = hostile_trace (script, run->sandbox, NULL);
  out = hostile_trace_output (trace, 1);
  g_assert_true (g_bytes_equal (out, plain.out));
  if (plain.status == 0)
    g_assert_cmpstr (hostile_ended (trace), ==, "finished");
  else
    {
      g_assert_cmpstr (hostile_ended (trace), ==, "exception");
      g_assert_cmpstr (heapglass_trace_get_exception_type (trace), ==, "OSError");
    }
  hostile_dir_remove (dir);
}

/* dup2() onto one of the tracer's numbers is refused with EBADF (the only difference from a plain
 * run, where it succeeds: the number stays ours), and the stream goes on. */
static void
test_dup2_onto_ours_refused (gconstpointer data)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autoptr (GBytes) out = NULL;

  trace = trace_source ("import os\nprint('a')\nfd = os.open('/dev/null', os.O_WRONLY)\n"
                        "for new in (900, 901, 902, 903, 904):\n"
                        "    try:\n        os.dup2(fd, new)\n"
                        "    except OSError as e:\n        print(new, e.errno)\n"
                        "for i in range(500):\n    print('b', i)\n",
                        data, NULL);
  out = hostile_trace_output (trace, 1);
  g_assert_cmpstr (hostile_ended (trace), ==, "finished");
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (out, NULL), (gssize)g_bytes_get_size (out),
                                  "a\n900 9\n901 9\n902 9\n903 9\n904 9\nb 0\n"));
  g_assert_nonnull (
      g_strstr_len (g_bytes_get_data (out, NULL), (gssize)g_bytes_get_size (out), "b 499\n"));
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), >, 1000);
}

/* Through libc's own functions and the bare system calls (which the tracer cannot interpose),
 * close(), dup2()/dup3() onto and close_range() over the tracer's descriptors fail with EBADF:
 * the run goes on and ends finished with every line and step. A subprocess with close_fds (which
 * calls close_range() in the child) still runs. */
static void
test_libc_cannot_cut_stream (gconstpointer data)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GString) expected = g_string_new ("start\n");

  trace = trace_source (FORGE_PRELUDE
                        "import subprocess\n"
                        "print('start')\n"
                        "refused = 0\n"
                        "for fd in range(900, 905):\n"
                        "    refused += libc.close(fd) < 0 and ctypes.get_errno() == 9\n"
                        "    refused += libc.dup2(1, fd) < 0 and ctypes.get_errno() == 9\n"
                        "    refused += libc.dup3(1, fd, 0) < 0 and ctypes.get_errno() == 9\n"
                        "    refused += libc.syscall(3, ctypes.c_long(fd | 1 << 32)) < 0\n"
                        "refused += libc.close_range(3, 0xffffffff, 0) < 0\n"
                        "refused += libc.syscall(436, ctypes.c_long(900 | 1 << 32), 950, 0) < 0\n"
                        "print('refused', refused)\n"
                        "subprocess.run(['/bin/echo', 'child'], close_fds=True)\n"
                        "subprocess.run([sys.executable, '-c', 'print(2 + 2)'], close_fds=True)\n"
                        "for i in range(300):\n    print(i)\n",
                        data, NULL);
  g_string_append (expected, "refused 22\nchild\n4\n");
  for (int i = 0; i < 300; i++)
    g_string_append_printf (expected, "%d\n", i);
  out = hostile_trace_output (trace, 1);
  g_assert_cmpstr (hostile_ended (trace), ==, "finished");
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out), expected->str,
                   expected->len);
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), >, 600);
}

/* One byte into the tracer's wake-up pipe (through libc) must not stop its output drain. */
static void
test_wake_pipe_byte (gconstpointer data)
{
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autoptr (GBytes) out = NULL;

  trace = trace_source (FORGE_PRELUDE "for fd in range(901, 910):\n"
                                      "    libc.write(fd, b'x', 1)\n"
                                      "sys.stdout.write('y' * 1_000_000)\n",
                        data, NULL);
  out = hostile_trace_output (trace, 1);
  g_assert_cmpstr (hostile_ended (trace), ==, "finished");
  g_assert_cmpuint (g_bytes_get_size (out), ==, 1000000);
}

/* A thread floods stderr after the main program ended: the output limit ends it, not the
 * deadline. */
static void
test_thread_flood_after_main (gconstpointer data)
{
  HeapglassRunOptions options;
  g_autoptr (HeapglassTrace) trace = NULL;
  gint64 start = g_get_monotonic_time ();

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.timeout_s = 20;
  trace = trace_source ("import sys, threading\n"
                        "def flood():\n"
                        "    while True:\n"
                        "        sys.stderr.write('e' * 65536)\n"
                        "threading.Thread(target=flood).start()\n"
                        "print('main done')\n",
                        data, &options);
  g_assert_cmpstr (hostile_ended (trace), ==, "output-limit");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 15 * G_USEC_PER_SEC);
}

static void
add_mode_test (const char *name, GTestDataFunc func)
{
  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *path = g_strdup_printf ("/hostile/stream/%s/%s", name,
                                               modes[i].sandbox ? "sandbox" : "no-sandbox");
      g_test_add_data_func (path, &modes[i], func);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_mode_test ("forged-end-then-sigkill", test_forged_end_then_sigkill);
  add_mode_test ("forged-end-then-exit-status", test_forged_end_then_exit_status);
  add_mode_test ("forged-output-over-cap", test_forged_output_over_cap);
  add_mode_test ("forged-steps-over-limit", test_forged_steps_over_limit);
  add_mode_test ("forged-bytes-over-limit", test_forged_stream_over_byte_limit);
  add_mode_test ("corrupt-byte-keeps-prefix", test_corrupt_byte_keeps_prefix);
  add_mode_test ("corrupt-byte-cli-summary", test_corrupt_byte_cli_summary);
  add_mode_test ("wake-pipe-byte", test_wake_pipe_byte);
  add_mode_test ("thread-floods-after-main", test_thread_flood_after_main);
  add_mode_test ("dup2-onto-tracer-fds-refused", test_dup2_onto_ours_refused);
  add_mode_test ("libc-cannot-cut-stream", test_libc_cannot_cut_stream);
  for (gsize i = 0; i < G_N_ELEMENTS (fd_programs); i++)
    for (gsize m = 0; m < G_N_ELEMENTS (modes); m++)
      {
        FdRun *run = g_new0 (FdRun, 1);
        g_autofree char *path
            = g_strdup_printf ("/hostile/stream/tracer-fds-%" G_GSIZE_FORMAT "-like-plain/%s",
                               i + 1, modes[m].sandbox ? "sandbox" : "no-sandbox");
        run->source = fd_programs[i];
        run->sandbox = modes[m].sandbox;
        g_test_add_data_func_full (path, run, test_fds_like_plain, g_free);
      }
  return g_test_run ();
}
