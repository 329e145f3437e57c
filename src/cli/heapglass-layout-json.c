/* heapglass-layout-json.c: writes the figures of a range of steps as one JSON document. */
#include "heapglass-layout-json.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "heapglass-figure.h"
#include "heapglass-layout.h"

gboolean
heapglass_layout_json_write_file (HeapglassTrace *trace, const char *path, guint first, guint last,
                                  GError **error)
{
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  g_autoptr (GString) out = g_string_new ("{\"version\": 1, \"steps\": [");

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  heapglass_layout_prepare (layout, trace, last);
  for (guint step = first; step <= last && step >= 1; step++)
    {
      g_autoptr (HeapglassSnapshot) snapshot = heapglass_layout_snapshot (layout, trace, step);
      g_autoptr (HeapglassScene) scene = NULL;
      g_autoptr (HeapglassFigure) figure = NULL;

      if (snapshot == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _ ("Step %u could not be read from the trace"), step);
          return FALSE;
        }
      scene = heapglass_layout_build_scene (layout, snapshot);
      figure = heapglass_figure_new (scene);
      if (step > first)
        g_string_append (out, ",\n");
      heapglass_figure_append_json (figure, out);
    }
  g_string_append (out, "]}\n");

  if (g_str_equal (path, "-"))
    {
      fwrite (out->str, 1, out->len, stdout);
      fflush (stdout);
      return TRUE;
    }
  return g_file_set_contents (path, out->str, out->len, error);
}
