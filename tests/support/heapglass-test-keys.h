/* heapglass-test-keys.h: real key presses for GUI tests, made by the X server (XTest) under Xvfb,
 * so they reach a window through GTK's whole event path: focus, capture-phase shortcuts, the
 * focused widget's own key handling. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Gives @window the X server's keyboard focus (no window manager runs under Xvfb) and waits until
 * GTK knows it is active. FALSE if the display is not X11 or it did not become active. */
gboolean hg_test_keys_focus_window (GtkWindow *window);

/* Presses and releases the key of @keyval (GDK_KEY_End, …) and lets the main loop handle both
 * events. The window that should get it must have the keyboard focus. */
void hg_test_keys_press (GtkWindow *window, guint keyval);

G_END_DECLS
