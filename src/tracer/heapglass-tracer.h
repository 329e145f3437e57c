/* heapglass-tracer.h: state shared by the tracer's process side (heapglass-tracer.c: embedding,
 * output capture, limits, endings) and its recording side (heapglass-tracer-record.c: the trace
 * function, object identity, delta encoding). Plain C: no GLib, no Python allocator. */
#pragma once

#define PY_SSIZE_T_CLEAN
#ifndef Py_BUILD_CORE
#define Py_BUILD_CORE 1 /* frames' fast locals, instance attribute values: see the record side */
#endif
#include <Python.h>

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "heapglass-trace-format.h"

typedef struct
{
  /* the stream */
  int stream_fd;
  pid_t pid; /* the tracer's own pid: a forked child never writes */
  HgBuf buf;
  volatile size_t committed; /* buf bytes that end on a record boundary (crash handler) */
  int stream_broken;         /* the reader went away */

  /* options */
  uint64_t max_steps;
  double timeout_s;
  uint64_t max_output;
  unsigned max_items;
  unsigned memory_limit_mib;

  /* state */
  uint64_t steps;
  int recording; /* steps are being recorded */
  int tracking;  /* the allocator hooks note deaths */
  int owner;     /* who may touch buf now: HG_OWNER_*, changed atomically (see hg_trace_enter) */
  volatile sig_atomic_t output_pending; /* fd 1/2 had data since the last step */
  volatile sig_atomic_t flush_due;      /* 50 ms passed since the last flush */
  volatile sig_atomic_t time_up;
  volatile sig_atomic_t output_over; /* --max-output exceeded */
  volatile sig_atomic_t forked_child;
  volatile sig_atomic_t finishing;
  pthread_t main_thread;
  PyThreadState *main_tstate;
  int module_started; /* the script's <module> frame was entered */

  PyObject *script;     /* absolute path, as co_filename */
  PyObject *prog_trace; /* a trace function the program installed with sys.settrace() */
} HgTracer;

extern HgTracer hg_tracer;

/* `buf` belongs to one thread at a time. The main thread takes it for the length of a step (the
 * trace function, input(), the ending); the drain thread takes it, when the main thread has not,
 * to flush what is committed while the program sits in C code (sleep, input, a long
 * computation), and a dying signal takes it to keep what was recorded. No signal is sent to the
 * program's threads for this: a signal would cut the program's own write()s short. */
enum
{
  HG_OWNER_NONE = 0,
  HG_OWNER_MAIN = 1,   /* the main thread, inside the tracer's code: buf may be mid-record */
  HG_OWNER_DRAIN = 2,  /* the drain thread, flushing */
  HG_OWNER_SIGNAL = 3, /* a fatal signal's handler, keeping what was recorded */
};

void hg_trace_enter_slow (void);

/* The main thread enters the tracer's code (cheap: one compare-and-swap). */
static inline void
hg_trace_enter (void)
{
  int expected = HG_OWNER_NONE;
  if (__builtin_expect (!__atomic_compare_exchange_n (&hg_tracer.owner, &expected, HG_OWNER_MAIN, 0,
                                                      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED),
                        0))
    hg_trace_enter_slow ();
}

/* The main thread leaves the tracer's code; buf ends on a record boundary. */
static inline void
hg_trace_leave (void)
{
  __atomic_store_n (&hg_tracer.owner, HG_OWNER_NONE, __ATOMIC_RELEASE);
}

static inline int
hg_trace_inside (void)
{
  return __atomic_load_n (&hg_tracer.owner, __ATOMIC_RELAXED) == HG_OWNER_MAIN;
}

/* heapglass-tracer-record.c */
int hg_record_init (void);
void hg_record_install_hooks (void);
int hg_record_trace (PyObject *obj, PyFrameObject *frame, int what, PyObject *arg);
void hg_record_stop (void);
uint32_t hg_record_sid (const char *text, size_t len);
void hg_record_exception_text (PyObject *value, char **type_name, char **message);

/* heapglass-tracer-confine.c: the sandbox's system-call filter and resource limits */
int hg_confine (unsigned max_processes);
int hg_guard_fds (const int *fds, int n_fds);

/* heapglass-tracer.c */
void hg_stream_flush (void);
void hg_output_collect (void); /* drain fd 1/2 now and emit OUTPUT records */
void hg_finish (HgEnding ending, int status, int signal_number, const char *message, unsigned line)
    __attribute__ ((noreturn));
void hg_check_limits_after_step (void);
