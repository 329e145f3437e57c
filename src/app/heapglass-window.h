/* heapglass-window.h: the main window: code pane, memory canvas, timeline, output, chapter. */
#pragma once

#include <adwaita.h>

#include "heapglass-application.h"
#include "heapglass-chapter.h"
#include "heapglass-trace.h"

G_BEGIN_DECLS

#define HEAPGLASS_TYPE_WINDOW (heapglass_window_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassWindow, heapglass_window, HEAPGLASS, WINDOW, AdwApplicationWindow)

HeapglassWindow *heapglass_window_new (HeapglassApplication *app);

/* Opens a .py file, a chapter (.md, its .txt export) or a folder of .py files, in the background.
 * Errors are told in the window's banner. "chapter-loaded" is emitted when done (or failed). */
void heapglass_window_open_file (HeapglassWindow *self, GFile *file);
/* Puts a program in the code pane as if opened from a file named `file_name`. */
void heapglass_window_set_code (HeapglassWindow *self, const char *code, const char *file_name);
char *heapglass_window_get_code (HeapglassWindow *self);

/* The chapter shown in the sidebar (NULL before one is opened) and the block in the code pane. */
HeapglassChapter *heapglass_window_get_chapter (HeapglassWindow *self);
/* Shows block `index` of the chapter (what choosing it in the sidebar does). */
void heapglass_window_show_block (HeapglassWindow *self, guint index);
int heapglass_window_get_block (HeapglassWindow *self);

/* What the actions do (win.run, win.stop, …), callable directly. */
void heapglass_window_run (HeapglassWindow *self);
void heapglass_window_stop (HeapglassWindow *self);
gboolean heapglass_window_is_running (HeapglassWindow *self);
void heapglass_window_reveal_solution (HeapglassWindow *self);
/* Puts the chapter's code back in the pane (win.revert-code); the learner's draft is dropped. */
void heapglass_window_revert_code (HeapglassWindow *self);
/* Appends a call of the last function the code defines, its placeholder arguments selected for
 * typing over (win.add-call). */
void heapglass_window_add_call (HeapglassWindow *self);
/* Shows step `step` (clamped to 1 … n_steps) everywhere: canvas, code marks, output, timeline. */
void heapglass_window_set_step (HeapglassWindow *self, guint step);
guint heapglass_window_get_step (HeapglassWindow *self);
/* Clicking line `line` in the code gutter: the next step running it (backwards: the previous
 * one). Returns FALSE when there is none. */
gboolean heapglass_window_jump_to_line (HeapglassWindow *self, guint line, gboolean backwards);

/* Exports steps first … last of the trace as the export menu does (PNG/SVG/PDF from the
 * extension; a range: one PDF page or one numbered file per step), in the window's style. */
gboolean heapglass_window_export (HeapglassWindow *self, const char *path, guint first, guint last,
                                  GError **error);

/* The current trace (NULL before Run). */
HeapglassTrace *heapglass_window_get_trace (HeapglassWindow *self);
/* Lines carrying the code pane's marks: the line about to run (strong) and the line just run
 * (light); 0 when unmarked. */
void heapglass_window_get_marked_lines (HeapglassWindow *self, guint *next_line, guint *prev_line);
/* The line carrying the error mark (a SyntaxError's line, or the line raising at this step); 0. */
guint heapglass_window_get_error_line (HeapglassWindow *self);
/* The ending message shown in the banner, NULL when the banner is hidden. */
const char *heapglass_window_get_banner_text (HeapglassWindow *self);

/* The chapter's explanation shown above the code (its text, markup removed; NULL when hidden),
 * and whether the "defines functions but calls none" note is shown. */
const char *heapglass_window_get_prose_text (HeapglassWindow *self);
gboolean heapglass_window_get_call_note_shown (HeapglassWindow *self);
/* What the progress line says while tracing ("5,000,000 steps · …"). */
const char *heapglass_window_get_progress_text (HeapglassWindow *self);

/* The parts, for tests. */
GtkWidget *heapglass_window_get_canvas (HeapglassWindow *self);
GtkWidget *heapglass_window_get_inspector (HeapglassWindow *self);
GtkWidget *heapglass_window_get_timeline (HeapglassWindow *self);
GtkWidget *heapglass_window_get_output_pane (HeapglassWindow *self);
GtkWidget *heapglass_window_get_sidebar (HeapglassWindow *self);
GtkWidget *heapglass_window_get_code_view (HeapglassWindow *self);

G_END_DECLS
