/* heapglass-application.h: the Heapglass application: command line, actions, windows. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HEAPGLASS_TYPE_APPLICATION (heapglass_application_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassApplication, heapglass_application, HEAPGLASS, APPLICATION,
                      AdwApplication)

HeapglassApplication *heapglass_application_new (void);

/* The preferences every window reads (schema io.github.heapglass.Heapglass); NULL when the
 * schema is not installed (then the built-in defaults apply). */
GSettings *heapglass_application_get_settings (HeapglassApplication *self);

/* The window's step keys (Left/Right/Home/End), defined with every other accelerator in
 * heapglass-application.c; the window adds the returned controller to itself. */
GtkEventController *heapglass_application_create_step_shortcuts (void);

G_END_DECLS
