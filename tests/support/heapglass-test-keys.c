/* heapglass-test-keys.c: key presses made by the X server's XTest extension (see the header). */
#include "heapglass-test-keys.h"

#include <gdk/x11/gdkx.h>
#include <X11/extensions/XTest.h>

#include "heapglass-test-support.h"

static Display *
window_xdisplay (GtkWindow *window)
{
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (window));

  if (!GDK_IS_X11_DISPLAY (display))
    return NULL;
  return gdk_x11_display_get_xdisplay (display);
}

static gboolean
is_active (gpointer data)
{
  return gtk_window_is_active (GTK_WINDOW (data));
}

gboolean
hg_test_keys_focus_window (GtkWindow *window)
{
  Display *xdisplay = window_xdisplay (window);
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  int event_base, error_base, major, minor;

  if (xdisplay == NULL || surface == NULL
      || !XTestQueryExtension (xdisplay, &event_base, &error_base, &major, &minor))
    return FALSE;
  XSetInputFocus (xdisplay, gdk_x11_surface_get_xid (surface), RevertToParent, CurrentTime);
  XFlush (xdisplay);
  return hg_test_spin_until (is_active, window, 5);
}

typedef struct
{
  guint keyval;
  gboolean released;
} KeySeen;

static gboolean
on_key_released (GtkEventControllerKey *controller, guint keyval, guint keycode,
                 GdkModifierType state, gpointer data)
{
  KeySeen *seen = data;

  if (keyval == seen->keyval)
    seen->released = TRUE;
  return FALSE;
}

static gboolean
key_was_released (gpointer data)
{
  return ((KeySeen *)data)->released;
}

void
hg_test_keys_press (GtkWindow *window, guint keyval)
{
  Display *xdisplay = window_xdisplay (window);
  KeyCode keycode;
  KeySeen seen = { keyval, FALSE };
  GtkEventController *watch;

  g_assert_nonnull (xdisplay);
  keycode = XKeysymToKeycode (xdisplay, (KeySym)gdk_keyval_to_upper (keyval));
  g_assert_cmpuint (keycode, !=, 0);
  /* The release, seen in the capture phase by the window itself, says both events went
   * through: the press was handled before it. */
  watch = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (watch, GTK_PHASE_CAPTURE);
  g_signal_connect (watch, "key-released", G_CALLBACK (on_key_released), &seen);
  gtk_widget_add_controller (GTK_WIDGET (window), watch);
  XTestFakeKeyEvent (xdisplay, keycode, True, CurrentTime);
  XTestFakeKeyEvent (xdisplay, keycode, False, CurrentTime);
  XFlush (xdisplay);
  g_assert_true (hg_test_spin_until (key_was_released, &seen, 5));
  gtk_widget_remove_controller (GTK_WIDGET (window), watch);
}
