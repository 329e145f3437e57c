/* heapglass-window.h: the main window: code pane, memory canvas, timeline, output, chapter. */
#pragma once

#include <adwaita.h>

#include "heapglass-application.h"
#include "heapglass-trace.h"

G_BEGIN_DECLS

#define HEAPGLASS_TYPE_WINDOW (heapglass_window_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassWindow, heapglass_window, HEAPGLASS, WINDOW, AdwApplicationWindow)

HeapglassWindow *heapglass_window_new (HeapglassApplication *app);

/* Opens a .py file or a chapter (.md / .txt / folder). Errors are shown in the window. */
void heapglass_window_open_file (HeapglassWindow *self, GFile *file);

G_END_DECLS
