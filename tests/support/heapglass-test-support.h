/* heapglass-test-support.h: what every test may need (GLib only): a private scratch folder,
 * scripts written into it, a traced run that must succeed, and waiting on the main loop. */
#pragma once

#include <glib.h>

#include "heapglass-trace-runner.h"

G_BEGIN_DECLS

/* A folder of this test program's own, made on first use and removed (with its files) at exit. */
const char *hg_test_tmp_dir (void);

/* A path inside hg_test_tmp_dir(). */
char *hg_test_tmp_path (const char *name);

/* Writes @source (@length bytes, or NUL-terminated with -1) to @name in the scratch folder. */
char *hg_test_write_file (const char *name, const char *source, gssize length);

/* Fails the test (never skips) when heapglass-tracer is not built: a broken tracer is a
 * regression, not a reason to test less. */
void hg_test_assert_tracer (void);

/* Writes @source as @name and traces it to the end (stdin /dev/null unless @options says
 * otherwise); asserts that a trace came back. */
HeapglassTrace *hg_test_trace_source (const char *name, const char *source,
                                      const HeapglassRunOptions *options);

/* Spins the default main context until done(data) or @timeout_s seconds pass; FALSE on timeout.
 * The longest single iteration is kept for tests that check the loop never blocked. */
gboolean hg_test_spin_until (gboolean (*done) (gpointer), gpointer data, double timeout_s);
gint64 hg_test_longest_iteration_us (void);
void hg_test_reset_longest_iteration (void);

/* Spins the main loop until @instance emits @detailed_signal (any signature), or the timeout. */
gboolean hg_test_spin_until_signal (gpointer instance, const char *detailed_signal,
                                    double timeout_s);

/* Spins the main loop for @ms milliseconds: only where a test must let time pass (animations,
 * a window left to work); its iterations count for hg_test_longest_iteration_us() too. */
void hg_test_spin_for (guint ms);

G_END_DECLS
