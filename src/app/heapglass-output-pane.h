/* heapglass-output-pane.h: the program's stdout and stderr up to the current step, and the entry
 * that answers input() while the program waits. */
#pragma once

#include <gtk/gtk.h>

#include "heapglass-run-controller.h"

G_BEGIN_DECLS

#define HEAPGLASS_TYPE_OUTPUT_PANE (heapglass_output_pane_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassOutputPane, heapglass_output_pane, HEAPGLASS, OUTPUT_PANE, GtkWidget)

/* Signals:
 *   "input-submitted" (const char *line)  the learner answered the input() prompt */
GtkWidget *heapglass_output_pane_new (void);

/* Follows the controller: the output printed before its current step; cleared for a new trace.
 * NULL lets go of it. */
void heapglass_output_pane_set_controller (HeapglassOutputPane *self,
                                           HeapglassRunController *controller);

/* Shows this output (not NUL-terminated; invalid UTF-8 is shown with replacement characters).
 * Cheap when nothing changed since the last call. */
void heapglass_output_pane_set_output (HeapglassOutputPane *self, const char *out, gsize out_len,
                                       const char *err, gsize err_len);
void heapglass_output_pane_clear (HeapglassOutputPane *self);
/* The text shown (stdout then stderr), for tests. */
char *heapglass_output_pane_get_text (HeapglassOutputPane *self);

/* Shows the entry with the program's prompt and focuses it. */
void heapglass_output_pane_request_input (HeapglassOutputPane *self, const char *prompt);
/* Hides the entry; what was typed stays in it. */
void heapglass_output_pane_hide_input (HeapglassOutputPane *self);
gboolean heapglass_output_pane_is_asking (HeapglassOutputPane *self);
/* Sends `line` as if typed and submitted (tests; the entry's activate does the same). */
void heapglass_output_pane_submit_input (HeapglassOutputPane *self, const char *line);

G_END_DECLS
