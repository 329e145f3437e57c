/* bench-call-tree.c: the call tree budget: fib(25) (242,785 calls) traced once, then its call tree
 * built (≤ 1 s) and the labels of a screenful of calls made (they are made lazily). */
#include "config.h"

#include <glib/gstdio.h>

#include "heapglass-call-tree.h"
#include "heapglass-trace-runner.h"

static const char fib_source[] = "def fib(n):\n"
                                 "    if n < 2:\n"
                                 "        return n\n"
                                 "    return fib(n - 1) + fib(n - 2)\n"
                                 "\n"
                                 "print(fib(25))\n";

static double
seconds_since (gint64 start)
{
  return (double)(g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

int
main (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("heapglass-bench-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "fib.py", NULL);
  g_autoptr (HeapglassTrace) trace = NULL;
  HeapglassRunOptions options;
  double traced, build = G_MAXDOUBLE, labels;
  guint n_calls = 0, call;
  gint64 start;

  g_assert_no_error (error);
  g_file_set_contents (path, fib_source, -1, &error);
  g_assert_no_error (error);
  heapglass_run_options_init (&options);
  options.max_steps = 100000000;
  options.timeout_s = 900;
  options.silence_stdout = TRUE;
  start = g_get_monotonic_time ();
  trace = heapglass_trace_run_sync (path, &options, &error);
  traced = seconds_since (start);
  g_assert_no_error (error);

  /* The best of three: the machine is shared, the budget is about the code. */
  for (int round = 0; round < 3; round++)
    {
      g_autoptr (HeapglassCallTree) tree = NULL;
      start = g_get_monotonic_time ();
      tree = heapglass_call_tree_new (trace);
      build = MIN (build, seconds_since (start));
      n_calls = heapglass_call_tree_get_n_calls (tree);
      if (round < 2)
        continue;
      /* A screenful: 40 calls from the deepest path. */
      start = g_get_monotonic_time ();
      call = heapglass_call_tree_get_root (tree, 0);
      for (int i = 0; i < 40 && call != 0; i++)
        {
          g_autofree char *label = heapglass_call_tree_get_label (tree, call);
          g_autofree char *summary = heapglass_call_tree_get_summary (tree, call);
          call = heapglass_call_tree_get_child (tree, call, 0);
        }
      labels = seconds_since (start);
    }

  g_print ("fib(25): %u steps, %u calls (the module included), traced in %.2f s\n",
           heapglass_trace_get_n_steps (trace), n_calls, traced);
  g_print ("  call tree built:       %.3f s = %.3fx the 1 s budget\n", build, build / 1.0);
  g_print ("  40 labels made:        %.2f ms\n", labels * 1000);
  g_remove (path);
  g_rmdir (dir);
  return n_calls == 242786 ? 0 : 1;
}
