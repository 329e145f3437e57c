/* heapglass-export.h: writes memory diagrams of a trace to PNG, SVG, PDF or GIF files (the format
 * comes from the file name's extension), one file per step or one PDF page per step. */
#pragma once

#include <gio/gio.h>

#include "heapglass-layout.h"
#include "heapglass-scene.h"
#include "heapglass-trace.h"

G_BEGIN_DECLS

#define HEAPGLASS_EXPORT_ERROR (heapglass_export_error_quark ())
GQuark heapglass_export_error_quark (void);

typedef enum
{
  HEAPGLASS_EXPORT_ERROR_FORMAT, /* the extension is not .png, .svg, .pdf or .gif */
  HEAPGLASS_EXPORT_ERROR_STEP,   /* a step outside 1 … n_steps, or first > last */
  HEAPGLASS_EXPORT_ERROR_THEME,  /* a theme other than "light" or "dark" */
  HEAPGLASS_EXPORT_ERROR_WRITE,  /* cairo could not write the file */
} HeapglassExportError;

typedef enum
{
  HEAPGLASS_EXPORT_PNG,
  HEAPGLASS_EXPORT_SVG,
  HEAPGLASS_EXPORT_PDF,
  HEAPGLASS_EXPORT_GIF, /* animated: one frame per step (heapglass-export-gif.c) */
} HeapglassExportFormat;

typedef struct
{
  const char *theme; /* "light" | "dark"; NULL = light */
  double scale;      /* 0 = 1; PNG pixels per model unit, SVG/PDF size factor */
  const char *title; /* a title line above the diagram; NULL = none */
  gboolean caption;  /* a caption line: script name, "step N of M", "line L" */
  /* Added after the first version (zero = the default): */
  gboolean inline_values; /* draw small immutable values inside their slot */
  gboolean describe;      /* each step's narration as text under its figure */
  guint delay_ms;         /* GIF: how long each frame shows; 0 = 1000 ms */
} HeapglassExportOptions;

/* The format of a file name (case-insensitive extension). */
gboolean heapglass_export_format_from_path (const char *path, HeapglassExportFormat *format,
                                            GError **error);

/* The name of the index-th file (1-based) of a numbered range: "out.png", 3 → "out-0003.png". */
char *heapglass_export_numbered_path (const char *out_path, guint index);

/* Export steps first … last (1-based, inclusive) of the trace. first == last: one file at
 * out_path. A range: one PDF page per step, or for PNG/SVG numbered files OUT-0001.ext,
 * OUT-0002.ext … (numbered from 1 in step order, so they make an animation). Positions come from
 * one layout prepared over the trace, so consecutive files line up. GIF: one animation, a frame
 * per step, every frame the same size. */
gboolean heapglass_export_trace (HeapglassTrace *trace, const char *out_path, guint first_step,
                                 guint last_step, const HeapglassExportOptions *options,
                                 GError **error);

/* Export one already-built scene (caption text may be NULL). */
gboolean heapglass_export_scene (HeapglassScene *scene, const char *out_path,
                                 const HeapglassExportOptions *options, const char *caption,
                                 GError **error);

G_END_DECLS
