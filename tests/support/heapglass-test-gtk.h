/* heapglass-test-gtk.h: what GUI tests share: screenshots of widgets and windows. */
#pragma once

#include <gtk/gtk.h>

#include "heapglass-test-support.h"

G_BEGIN_DECLS

/* Saves what @widget shows as a PNG at @scale (1 = its size in pixels), waiting for its first
 * frame if it has not drawn yet (widget paintable → render node → texture). */
void hg_test_save_widget_png (GtkWidget *widget, const char *path, double scale);

/* The first widget of @type in @root's tree (depth first, @root included), or NULL. */
GtkWidget *hg_test_find_descendant (GtkWidget *root, GType type);

/* A widget under @widget, shown on screen, that says @text: a GtkLabel with that text, or a row of
 * the call tree panel whose label or "… N calls" summary it is. NULL if none. */
GtkWidget *hg_test_find_text (GtkWidget *widget, const char *text);

G_END_DECLS

#include "heapglass-window.h"

G_BEGIN_DECLS

/* Presses Run in @window and waits for its "run-finished" signal; asserts it came in time. */
void hg_test_window_run_and_wait (HeapglassWindow *window, double timeout_s);

/* Opens @path (a chapter or a .py) in @window and waits for its "chapter-loaded" signal; asserts
 * it loaded in time. */
void hg_test_window_open_and_wait (HeapglassWindow *window, const char *path, double timeout_s);

/* TRUE once @data (a HeapglassWindow) is no longer tracing: for waits that cannot use a signal. */
gboolean hg_test_window_run_is_over (gpointer data);

G_END_DECLS
