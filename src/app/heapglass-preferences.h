/* heapglass-preferences.h: the preferences window (tracing limits, sandbox, appearance). */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HEAPGLASS_TYPE_PREFERENCES (heapglass_preferences_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassPreferences, heapglass_preferences, HEAPGLASS, PREFERENCES,
                      AdwPreferencesWindow)

/* settings may be NULL (schema not installed): the rows are then shown but insensitive. */
GtkWidget *heapglass_preferences_new (GSettings *settings);

G_END_DECLS
