/* heapglass-window-private.h: the window's fields and what its files (window, actions, export)
 * share. Not for use outside heapglass-window*.c. */
#pragma once

#include <gtksourceview/gtksource.h>

#include "heapglass-canvas.h"
#include "heapglass-chapter-sidebar.h"
#include "heapglass-inspector.h"
#include "heapglass-output-pane.h"
#include "heapglass-run-controller.h"
#include "heapglass-timeline.h"
#include "heapglass-window.h"

G_BEGIN_DECLS

/* heapglass-window-teach.c */
typedef struct _HeapglassWindowTeach HeapglassWindowTeach;

struct _HeapglassWindow
{
  AdwApplicationWindow parent_instance;

  gboolean export_describe; /* "Describe Each Step" in the export dialog */

  /* template */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkToggleButton *sidebar_button;
  GtkWidget *progress_box;
  GtkSpinner *spinner;
  GtkLabel *progress_label;
  gint64 run_started_us; /* for the steps per second shown while tracing */
  GtkRevealer *banner_revealer;
  GtkWidget *banner;
  GtkImage *banner_icon;
  GtkLabel *banner_label;
  GtkWidget *banner_button;
  GtkWidget *banner_close;
  AdwFlap *flap;
  HeapglassChapterSidebar *sidebar;
  GtkRevealer *prose_revealer;
  GtkLabel *prose_label;
  GtkScrolledWindow *prose_scroller;
  GtkRevealer *exercise_revealer;
  GtkLabel *exercise_label;
  GtkWidget *reveal_button;
  GtkRevealer *note_revealer;
  GtkLabel *note_label;
  GtkLabel *code_title;
  GtkLabel *code_state;
  GtkSourceView *code_view;
  GtkPaned *main_paned;
  GtkStack *canvas_stack;
  GtkWidget *canvas_slot;
  GtkPaned *inspector_paned;
  GtkWidget *inspector_pane;
  GtkScrolledWindow *inspector_scroller;
  GtkWidget *inspector_slot;
  GtkListBox *recent_list;
  AdwStatusPage *empty_page;
  GtkWidget *empty_run_button;
  GtkWidget *empty_open_button;
  HeapglassOutputPane *output_pane;
  HeapglassTimeline *timeline;

  /* built in init */
  HeapglassCanvas *canvas;
  HeapglassInspector *inspector;
  GtkSourceBuffer *buffer;
  HeapglassRunController *controller; /* the run and the current step: the parts follow it */

  GSettings *settings;
  GCancellable *load_cancellable;

  /* what the code pane holds */
  HeapglassChapter *chapter;
  int block;                 /* index into the chapter's blocks, -1 = none */
  gboolean showing_solution; /* the exercise's solution replaced the learner's code */
  char *script_name;         /* file name the traced program gets ("aliasing.py") */
  char *script_path;         /* the file on disk when the pane holds it unchanged, else NULL */
  GHashTable *drafts; /* "chapter path ␟ block title" → what the learner typed there: kept for
                         the window's life, across blocks and chapters */

  char *temp_dir;
  char *banner_text;
  gboolean loading_code; /* set while the window fills the buffer itself */
  gboolean code_edited;  /* the learner changed the code since the window filled it */
  gboolean edit_hint_shown;
  gboolean sidebar_wanted; /* the chapter list's reveal, waiting for the first frame */
  guint sidebar_tick;

  HeapglassWindowTeach *teach; /* breakpoints, call tree, compare, predict */
};

/* The banner above the code and canvas: how loud it is. */
typedef enum
{
  BANNER_INFO,
  BANNER_WARNING,
  BANNER_ERROR,
} BannerKind;

void _heapglass_window_show_toast (HeapglassWindow *self, const char *text);
void _heapglass_window_show_banner (HeapglassWindow *self, BannerKind kind, const char *text,
                                    gboolean show_where);
void _heapglass_window_hide_banner (HeapglassWindow *self);
/* Puts the trace away: the code becomes editable again. */
void _heapglass_window_clear_trace (HeapglassWindow *self);

/* The code the chapter gives for what the pane shows (NULL when there is none to go back to). */
const char *_heapglass_window_chapter_code (HeapglassWindow *self);

/* heapglass-window-actions.c: installs every win.* action, and sets which are enabled. */
void _heapglass_window_class_actions_init (GtkWidgetClass *widget_class);
void _heapglass_window_actions_update (HeapglassWindow *self);

/* heapglass-window-export.c: the export dialogs and the clipboard picture. */
void _heapglass_window_export_ask_file (HeapglassWindow *self, guint first, guint last);
void _heapglass_window_export_ask_range (HeapglassWindow *self);
void _heapglass_window_copy_diagram (HeapglassWindow *self);

/* heapglass-window-teach.c: the teaching tools (the "teach" action group). */
void _heapglass_window_teach_init (HeapglassWindow *self);
void _heapglass_window_teach_dispose (HeapglassWindow *self);
void _heapglass_window_teach_code_shown (HeapglassWindow *self, const char *code);
void _heapglass_window_teach_actions_update (HeapglassWindow *self);

static inline guint
_heapglass_window_n_steps (HeapglassWindow *self)
{
  return heapglass_run_controller_get_n_steps (self->controller);
}

static inline guint
_heapglass_window_step (HeapglassWindow *self)
{
  return heapglass_run_controller_get_step (self->controller);
}

G_END_DECLS
