/* test-hostile-output.c: no output is lost. Big writes arrive byte for byte as a plain run of
 * $HEAPGLASS_PYTHON prints them (the tracer never interrupts the program's write()s), a program
 * killed by a signal keeps what it printed, and what a program that exec()s another binary or
 * runs subprocesses prints arrives whole and in order, with that binary's ending. Every case runs
 * with and without the sandbox. */

#include <signal.h>

#include "hostile-run.h"

typedef struct
{
  const char *name;
  const char *source;
  int runs; /* a loss was intermittent: repeat */
} OutputCase;

static const OutputCase output_cases[] = {
  { "big-print", "print(list(range(10**6)))\n", 4 },
  { "three-5mb-writes",
    "import sys\nfor i in range(3):\n    sys.stdout.write(str(i) * 5_000_000)\nprint()\n", 3 },
  { "many-small-prints", "for i in range(20000):\n    print(i, 'x' * (i % 300))\n", 2 },
  { "stdout-and-stderr",
    "import sys\nfor i in range(3):\n    print('o' * 2_000_000)\n    print('e' * 1_000_000, "
    "file=sys.stderr)\n",
    2 },
  { "binary-chunks", "import os\nfor i in range(40):\n    os.write(1, bytes(range(256)) * 1000)\n",
    2 },
  { "prints-while-sleeping",
    "import time\nfor i in range(5):\n    print('tick', i, 'y' * 100000, flush=True)\n"
    "    time.sleep(0.08)\n",
    2 },
};

typedef struct
{
  const OutputCase *c;
  gboolean sandbox;
} OutputRun;

static void
assert_same_bytes (GBytes *expected, GBytes *got, const char *what)
{
  gsize n_expected = 0, n_got = 0;
  const guint8 *e = g_bytes_get_data (expected, &n_expected);
  const guint8 *g = g_bytes_get_data (got, &n_got);
  gsize first_diff = 0;

  while (first_diff < MIN (n_expected, n_got) && e[first_diff] == g[first_diff])
    first_diff++;
  if (n_expected != n_got || first_diff != n_expected)
    g_test_message ("%s: %" G_GSIZE_FORMAT " bytes expected, %" G_GSIZE_FORMAT
                    " got, first difference at %" G_GSIZE_FORMAT,
                    what, n_expected, n_got, first_diff);
  g_assert_cmpuint (n_got, ==, n_expected);
  g_assert_cmpuint (first_diff, ==, n_expected);
}

static void
test_output_identical (gconstpointer data)
{
  const OutputRun *run = data;
  g_autofree char *dir = hostile_dir_new ();
  g_autofree char *script = hostile_file_new (dir, "output.py", run->c->source, -1);
  g_auto (HostileProcess) plain = { 0 };

  hostile_plain_run (script, &plain);
  g_assert_false (plain.signaled);
  g_assert_cmpint (plain.status, ==, 0);
  for (int i = 0; i < run->c->runs; i++)
    {
      g_autoptr (HeapglassTrace) trace = hostile_trace (script, run->sandbox, NULL);
      g_autoptr (GBytes) out = hostile_trace_output (trace, 1);
      g_autoptr (GBytes) err = hostile_trace_output (trace, 2);

      g_assert_cmpstr (hostile_ended (trace), ==, "finished");
      assert_same_bytes (plain.out, out, "stdout");
      assert_same_bytes (plain.err, err, "stderr");
    }
  hostile_dir_remove (dir);
}

/* ---- deaths by a signal keep the output ------------------------------------------------------ */

typedef struct
{
  const char *name;
  const char *source;
  int signal_number;
} DeathCase;

static const DeathCase death_cases[] = {
  { "abort", "print('before abort')\nimport os\nos.abort()\n", SIGABRT },
  { "sigterm", "import os, signal\nprint('before term')\nos.kill(os.getpid(), signal.SIGTERM)\n",
    SIGTERM },
  { "sigsegv-ctypes", "import ctypes\nprint('before segv')\nctypes.string_at(0)\n", SIGSEGV },
  { "sigterm-from-thread",
    "import os, signal, threading, time\nprint('before term')\n"
    "threading.Thread(target=lambda: os.kill(os.getpid(), signal.SIGTERM)).start()\n"
    "time.sleep(5)\n",
    SIGTERM },
  { "sighup-while-sleeping",
    "import os, signal, time\nprint('before hup')\nsignal.alarm(1)\nsignal.signal(signal.SIGALRM, "
    "lambda *a: os.kill(os.getpid(), signal.SIGHUP))\ntime.sleep(5)\n",
    SIGHUP },
};

typedef struct
{
  const DeathCase *c;
  gboolean sandbox;
} DeathRun;

static void
test_death_keeps_output (gconstpointer data)
{
  const DeathRun *run = data;
  g_autofree char *dir = hostile_dir_new ();
  g_autofree char *script = hostile_file_new (dir, "death.py", run->c->source, -1);
  g_auto (HostileProcess) plain = { 0 };
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autoptr (GBytes) out = NULL;

  hostile_plain_run (script, &plain);
  g_assert_true (plain.signaled);
  g_assert_cmpint (plain.status, ==, run->c->signal_number);
  trace = hostile_trace (script, run->sandbox, NULL);
  out = hostile_trace_output (trace, 1);
  g_assert_cmpstr (hostile_ended (trace), ==, "crashed");
  g_assert_cmpint (heapglass_trace_get_signal (trace), ==, run->c->signal_number);
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), >, 0);
  assert_same_bytes (plain.out, out, "stdout");
  hostile_dir_remove (dir);
}

/* ---- exec() and subprocesses ----------------------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *source;
  const char *ended; /* for a plain exit status: "exit" (the exec'd binary's), or "finished" */
} ExecCase;

static const ExecCase exec_cases[] = {
  { "exec-echo",
    "import os, sys\nfor i in range(3):\n    print('before', i)\nsys.stdout.flush()\n"
    "os.execv('/bin/echo', ['echo', 'from', 'echo'])\nprint('never')\n",
    "exit" },
  { "exec-python-big-output",
    "import os, sys\nprint('py', flush=True)\nos.execv(sys.executable, [sys.executable, '-c', "
    "'import sys\\nfor i in range(20000): print(i, \"z\" * 50)\\n"
    "print(\"err\", file=sys.stderr)\\nsys.exit(3)'])\n",
    "exit" },
  { "exec-shell-stdout-stderr",
    "import os\nprint('go', flush=True)\n"
    "os.execv('/bin/sh', ['sh', '-c', 'echo one; echo two >&2; printf three; exit 7'])\n",
    "exit" },
  { "execvp-through-path", "import os\nprint('a', flush=True)\nos.execvp('echo', ['echo', 'b'])\n",
    "exit" },
  { "exec-fails-program-goes-on",
    "import os\ntry:\n    os.execv('/nonexistent/x', ['x'])\nexcept OSError as e:\n"
    "    print('failed', e.errno)\nprint('after')\n",
    "finished" },
  { "exec-binary-killed",
    "import os\nprint('a', flush=True)\n"
    "os.execv('/bin/sh', ['sh', '-c', 'echo dying; kill -TERM $$'])\n",
    NULL },
  { "exec-from-thread",
    "import os, threading, time\nprint('main', flush=True)\n"
    "threading.Thread(target=lambda: os.execv('/bin/echo', ['echo', 'thread'])).start()\n"
    "time.sleep(5)\nprint('never')\n",
    "exit" },
  { "child-processes-in-order",
    "import subprocess, sys\nfor i in range(5):\n    print('parent', i, flush=True)\n"
    "    subprocess.run(['/bin/echo', 'echo', str(i)])\n"
    "    subprocess.run([sys.executable, '-c', f'print(\"python\", {i})'], close_fds=True)\n"
    "    subprocess.run(['/bin/sh', '-c', f'echo sh {i} >&2'])\nprint('end')\n",
    "finished" },
};

typedef struct
{
  const ExecCase *c;
  gboolean sandbox;
} ExecRun;

static void
test_exec_output (gconstpointer data)
{
  const ExecRun *run = data;
  g_autofree char *dir = hostile_dir_new ();
  g_autofree char *script = hostile_file_new (dir, "exec.py", run->c->source, -1);
  g_auto (HostileProcess) plain = { 0 };
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GBytes) err = NULL;

  hostile_plain_run (script, &plain);
  trace = hostile_trace (script, run->sandbox, NULL);
  out = hostile_trace_output (trace, 1);
  err = hostile_trace_output (trace, 2);
  assert_same_bytes (plain.out, out, "stdout");
  assert_same_bytes (plain.err, err, "stderr");
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), >, 0);
  if (run->c->ended == NULL)
    {
      g_assert_true (plain.signaled);
      g_assert_cmpstr (hostile_ended (trace), ==, "crashed");
      g_assert_cmpint (heapglass_trace_get_signal (trace), ==, plain.status);
    }
  else
    {
      g_assert_false (plain.signaled);
      g_assert_cmpstr (hostile_ended (trace), ==, run->c->ended);
      g_assert_cmpint (heapglass_trace_get_exit_status (trace), ==, plain.status);
    }
  hostile_dir_remove (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (output_cases); i++)
    for (int sandbox = 0; sandbox <= 1; sandbox++)
      {
        OutputRun *run = g_new0 (OutputRun, 1);
        g_autofree char *path = NULL;

        run->c = &output_cases[i];
        run->sandbox = sandbox;
        path = g_strdup_printf ("/hostile/output/%s/%s", output_cases[i].name,
                                sandbox ? "sandbox" : "no-sandbox");
        g_test_add_data_func_full (path, run, test_output_identical, g_free);
      }
  for (gsize i = 0; i < G_N_ELEMENTS (death_cases); i++)
    for (int sandbox = 0; sandbox <= 1; sandbox++)
      {
        DeathRun *run = g_new0 (DeathRun, 1);
        g_autofree char *path = NULL;

        run->c = &death_cases[i];
        run->sandbox = sandbox;
        path = g_strdup_printf ("/hostile/death/%s/%s", death_cases[i].name,
                                sandbox ? "sandbox" : "no-sandbox");
        g_test_add_data_func_full (path, run, test_death_keeps_output, g_free);
      }
  for (gsize i = 0; i < G_N_ELEMENTS (exec_cases); i++)
    for (int sandbox = 0; sandbox <= 1; sandbox++)
      {
        ExecRun *run = g_new0 (ExecRun, 1);
        g_autofree char *path = NULL;

        run->c = &exec_cases[i];
        run->sandbox = sandbox;
        path = g_strdup_printf ("/hostile/exec/%s/%s", exec_cases[i].name,
                                sandbox ? "sandbox" : "no-sandbox");
        g_test_add_data_func_full (path, run, test_exec_output, g_free);
      }
  return g_test_run ();
}
