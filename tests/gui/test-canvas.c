/* test-canvas.c: the memory canvas, inspector and sparkline widgets, driven in a real GtkWindow
 * under Xvfb with hand-written traces (exact, no tracer needed) and one real run. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>

#include "heapglass-canvas.h"
#include "heapglass-inspector.h"
#include "heapglass-renderer.h"
#include "heapglass-sparkline.h"
#include "heapglass-trace-format.h"
#include "heapglass-trace-runner.h"
#include "heapglass-test-gtk.h"

/* ---------------------------------------------------------------------------------------------
 * A small writer for hand-made traces: keeps the string table so records can name things.
 */

typedef struct
{
  HgBuf buf;
  GHashTable *sids; /* text → sid */
  guint next_sid;
} Writer;

static void
writer_init (Writer *w, guint max_items)
{
  memset (w, 0, sizeof *w);
  w->sids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  w->next_sid = 1;
  hg_buf_header (&w->buf, max_items, "test.py");
}

static guint
writer_sid (Writer *w, const char *text)
{
  gpointer sid = g_hash_table_lookup (w->sids, text);

  if (sid != NULL)
    return GPOINTER_TO_UINT (sid);
  hg_buf_byte (&w->buf, HG_REC_STRING);
  hg_buf_string (&w->buf, text);
  g_hash_table_insert (w->sids, g_strdup (text), GUINT_TO_POINTER (w->next_sid));
  return w->next_sid++;
}

static void
writer_frame_push (Writer *w, const char *function, guint first_line)
{
  guint sid = writer_sid (w, function);
  hg_buf_byte (&w->buf, HG_REC_FRAME_PUSH);
  hg_buf_varint (&w->buf, sid);
  hg_buf_varint (&w->buf, first_line);
}

static void
writer_step (Writer *w, guint line)
{
  hg_buf_byte (&w->buf, HG_REC_STEP_LINE);
  hg_buf_varint (&w->buf, line);
}

static void
writer_int (Writer *w, guint64 oid, gint64 value)
{
  guint sid = writer_sid (w, "int");
  hg_buf_byte (&w->buf, HG_REC_OBJ_NEW);
  hg_buf_varint (&w->buf, oid);
  hg_buf_varint (&w->buf, sid);
  hg_buf_varint (&w->buf, HG_KIND_INT);
  hg_buf_varint (&w->buf, 28);
  hg_buf_varint (&w->buf, 1);
  hg_buf_zigzag (&w->buf, value);
}

static void
writer_str (Writer *w, guint64 oid, const char *text)
{
  guint sid = writer_sid (w, "str");
  hg_buf_byte (&w->buf, HG_REC_OBJ_NEW);
  hg_buf_varint (&w->buf, oid);
  hg_buf_varint (&w->buf, sid);
  hg_buf_varint (&w->buf, HG_KIND_STR);
  hg_buf_varint (&w->buf, 49 + strlen (text));
  hg_buf_varint (&w->buf, 1);
  hg_buf_varint (&w->buf, g_utf8_strlen (text, -1));
  hg_buf_string (&w->buf, text);
}

static void
writer_list (Writer *w, guint64 oid, guint refcount, guint n, const guint64 *items)
{
  guint sid = writer_sid (w, "list");
  hg_buf_byte (&w->buf, HG_REC_OBJ_NEW);
  hg_buf_varint (&w->buf, oid);
  hg_buf_varint (&w->buf, sid);
  hg_buf_varint (&w->buf, HG_KIND_LIST);
  hg_buf_varint (&w->buf, 56 + 8 * n);
  hg_buf_varint (&w->buf, refcount);
  hg_buf_byte (&w->buf, HG_REC_SEQ);
  hg_buf_varint (&w->buf, oid);
  hg_buf_varint (&w->buf, n);
  hg_buf_varint (&w->buf, 0);
  hg_buf_varint (&w->buf, n);
  for (guint i = 0; i < n; i++)
    hg_buf_varint (&w->buf, items[i]);
}

static void
writer_bind (Writer *w, const char *name, guint64 oid)
{
  guint sid = writer_sid (w, name);
  hg_buf_byte (&w->buf, HG_REC_BIND);
  hg_buf_varint (&w->buf, 0);
  hg_buf_varint (&w->buf, sid);
  hg_buf_varint (&w->buf, oid);
}

static void
writer_meta (Writer *w, guint64 oid, guint64 size, guint refcount)
{
  hg_buf_byte (&w->buf, HG_REC_META);
  hg_buf_varint (&w->buf, oid);
  hg_buf_varint (&w->buf, size);
  hg_buf_varint (&w->buf, refcount);
}

static HeapglassTrace *
writer_finish (Writer *w)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  HeapglassTrace *trace;

  hg_buf_byte (&w->buf, HG_REC_END);
  hg_buf_varint (&w->buf, HG_END_FINISHED);
  hg_buf_zigzag (&w->buf, 0);
  hg_buf_varint (&w->buf, 0);
  hg_buf_string (&w->buf, "");
  hg_buf_varint (&w->buf, 0);
  g_assert_false (w->buf.failed);

  bytes = g_bytes_new (w->buf.data, w->buf.len);
  trace = heapglass_trace_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (trace);
  hg_buf_clear (&w->buf);
  g_hash_table_unref (w->sids);
  return trace;
}

/* The aliasing program, as the tracer would record it:
 *   1  x = [1, 2, 3]
 *   2  y = x
 *   3  x.append(4)
 *   4  z = list(range(30))
 *   5  print(len(z))
 * Step N is the state just before line N runs. */
#define LIST_X 10
#define LIST_Z 20
#define ALIAS_STEP 3     /* x and y name the same list */
#define APPEND_STEP 4    /* the list has 4 items */
#define LONG_LIST_STEP 5 /* z holds 30 items */
#define LONG_LIST_LEN 30

static HeapglassTrace *
make_aliasing_trace (void)
{
  Writer w;
  guint64 items[LONG_LIST_LEN];

  writer_init (&w, 100);
  writer_frame_push (&w, "<module>", 1);
  writer_step (&w, 1);

  writer_int (&w, 1, 1);
  writer_int (&w, 2, 2);
  writer_int (&w, 3, 3);
  items[0] = 1, items[1] = 2, items[2] = 3;
  writer_list (&w, LIST_X, 1, 3, items);
  writer_bind (&w, "x", LIST_X);
  writer_step (&w, 2);

  writer_bind (&w, "y", LIST_X);
  writer_meta (&w, LIST_X, 88, 2);
  writer_step (&w, 3);

  writer_int (&w, 4, 4);
  hg_buf_byte (&w.buf, HG_REC_SEQ);
  hg_buf_varint (&w.buf, LIST_X);
  hg_buf_varint (&w.buf, 4);
  hg_buf_varint (&w.buf, 3);
  hg_buf_varint (&w.buf, 1);
  hg_buf_varint (&w.buf, 4);
  writer_step (&w, 4);

  for (guint i = 0; i < LONG_LIST_LEN; i++)
    {
      if (i >= 5)
        writer_int (&w, 100 + i, i);
      items[i] = i == 0 ? 100 : i <= 4 ? i : 100 + i;
    }
  writer_int (&w, 100, 0);
  writer_list (&w, LIST_Z, 1, LONG_LIST_LEN, items);
  writer_bind (&w, "z", LIST_Z);
  writer_step (&w, 5);

  return writer_finish (&w);
}

/* ---------------------------------------------------------------------------------------------
 * Fixture: a window with the canvas, the inspector and the sparkline, wired as the window does.
 */

typedef struct
{
  GtkWidget *window;
  HeapglassCanvas *canvas;
  HeapglassInspector *inspector;
  HeapglassSparkline *sparkline;
  HeapglassTrace *trace;
  guint selection_signals;
  guint64 last_selected;
} Fixture;

static void
on_selection_changed (HeapglassCanvas *canvas, guint64 oid, Fixture *f)
{
  f->selection_signals++;
  f->last_selected = oid;
  heapglass_inspector_show_object (f->inspector, heapglass_canvas_get_step (canvas), oid);
}

static void
wait_for_draw (Fixture *f)
{
  /* Let the window map, allocate and paint (a few frame-clock cycles). */
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  gint64 until = g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  GtkWidget *box, *side;

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 900, 600);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  side = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  f->canvas = HEAPGLASS_CANVAS (heapglass_canvas_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (f->canvas), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (f->canvas), TRUE);
  f->inspector = HEAPGLASS_INSPECTOR (heapglass_inspector_new ());
  gtk_widget_set_size_request (GTK_WIDGET (f->inspector), 280, -1);
  gtk_widget_set_vexpand (GTK_WIDGET (f->inspector), TRUE);
  f->sparkline = HEAPGLASS_SPARKLINE (heapglass_sparkline_new ());
  gtk_widget_set_size_request (GTK_WIDGET (f->sparkline), 280, 32);
  gtk_box_append (GTK_BOX (side), GTK_WIDGET (f->inspector));
  gtk_box_append (GTK_BOX (side), GTK_WIDGET (f->sparkline));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->canvas));
  gtk_box_append (GTK_BOX (box), side);
  gtk_window_set_child (GTK_WINDOW (f->window), box);
  g_signal_connect (f->canvas, "selection-changed", G_CALLBACK (on_selection_changed), f);

  f->trace = make_aliasing_trace ();
  heapglass_canvas_set_dark (f->canvas, FALSE);
  heapglass_canvas_set_trace (f->canvas, f->trace);
  heapglass_inspector_set_trace (f->inspector, f->trace);
  heapglass_sparkline_set_trace (f->sparkline, f->trace);

  gtk_window_present (GTK_WINDOW (f->window));
  wait_for_draw (f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_signal_handlers_disconnect_by_func (f->canvas, on_selection_changed, f);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_finalize_object (f->trace);
  wait_for_draw (f);
}

static void
set_step (Fixture *f, guint step)
{
  heapglass_canvas_set_step (f->canvas, step);
  heapglass_sparkline_set_step (f->sparkline, step);
  heapglass_inspector_show_object (f->inspector, step,
                                   heapglass_canvas_get_selected_oid (f->canvas));
}

static guint
count_items (HeapglassScene *scene, HeapglassSceneKind kind, guint64 oid, guint64 target_oid)
{
  guint n = 0;

  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);
      if (item->kind != kind)
        continue;
      if (oid != 0 && item->oid != oid)
        continue;
      if (target_oid != 0 && item->target_oid != target_oid)
        continue;
      n++;
    }
  return n;
}

static guint
count_list_objects (HeapglassScene *scene)
{
  guint n = 0;

  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);
      if (item->kind == HEAPGLASS_SCENE_OBJECT && item->object_kind == HG_KIND_LIST)
        n++;
    }
  return n;
}

static const HeapglassSceneItem *
find_name (Fixture *f, const char *name)
{
  HeapglassSnapshot *snapshot = heapglass_canvas_get_snapshot (f->canvas);

  g_assert_nonnull (snapshot);
  g_assert_cmpuint (snapshot->n_frames, >=, 1);
  return heapglass_scene_find_name (heapglass_canvas_get_scene (f->canvas),
                                    snapshot->frames[snapshot->n_frames - 1].frame_id, name);
}

/* ---------------------------------------------------------------------------------------------
 * Tests
 */

static void
test_scene_aliasing (Fixture *f, gconstpointer data)
{
  HeapglassScene *scene;

  set_step (f, ALIAS_STEP);
  scene = heapglass_canvas_get_scene (f->canvas);
  g_assert_nonnull (scene);
  g_assert_cmpuint (heapglass_scene_get_step (scene), ==, ALIAS_STEP);

  g_assert_cmpuint (count_list_objects (scene), ==, 1);
  g_assert_cmpuint (count_items (scene, HEAPGLASS_SCENE_OBJECT, LIST_X, 0), ==, 1);
  g_assert_cmpuint (count_items (scene, HEAPGLASS_SCENE_ARROW, 0, LIST_X), ==, 2);
  g_assert_nonnull (find_name (f, "x"));
  g_assert_nonnull (find_name (f, "y"));
  g_assert_cmpuint (find_name (f, "x")->oid, ==, LIST_X);
  g_assert_cmpuint (find_name (f, "y")->oid, ==, LIST_X);

  /* One step earlier only x names it. */
  set_step (f, ALIAS_STEP - 1);
  scene = heapglass_canvas_get_scene (f->canvas);
  g_assert_cmpuint (count_items (scene, HEAPGLASS_SCENE_ARROW, 0, LIST_X), ==, 1);
  g_assert_null (find_name (f, "y"));
}

static void
test_click_name_selects_target (Fixture *f, gconstpointer data)
{
  const HeapglassSceneItem *x;
  HeapglassScene *scene;

  set_step (f, ALIAS_STEP);
  scene = heapglass_canvas_get_scene (f->canvas);
  x = find_name (f, "x");
  g_assert_nonnull (x);

  /* The hit test at the label's centre finds the name (not the frame behind it). */
  double cx = x->x + x->width / 2, cy = x->y + x->height / 2;
  const HeapglassSceneItem *hit = heapglass_scene_hit_test (scene, cx, cy);
  g_assert_nonnull (hit);
  g_assert_cmpint (hit->kind, ==, HEAPGLASS_SCENE_NAME);

  /* Click it through the widget's own path: widget coordinates → scene → hit → select. */
  double wx, wy;
  heapglass_canvas_scene_to_widget (f->canvas, cx, cy, &wx, &wy);
  g_assert_true (heapglass_canvas_click_at (f->canvas, wx, wy));

  g_assert_cmpuint (heapglass_canvas_get_selected_oid (f->canvas), ==, LIST_X);
  g_assert_cmpuint (f->selection_signals, ==, 1);
  g_assert_cmpuint (f->last_selected, ==, LIST_X);
  g_assert_cmpstr (heapglass_inspector_get_type_text (f->inspector), ==, "list");
  g_assert_cmpstr (heapglass_inspector_get_refcount_text (f->inspector), ==, "2");
  /* Both names are listed as referrers. */
  const char *referrers = heapglass_inspector_get_referrers_text (f->inspector);
  g_assert_nonnull (referrers);
  g_assert_nonnull (strstr (referrers, "x"));
  g_assert_nonnull (strstr (referrers, "y"));

  /* Clicking the same name again changes nothing; clicking empty space clears. */
  heapglass_canvas_click_at (f->canvas, wx, wy);
  g_assert_cmpuint (f->selection_signals, ==, 1);
  double ex, ey, ew, eh;
  heapglass_scene_get_extents (scene, &ex, &ey, &ew, &eh);
  g_assert_false (heapglass_canvas_click_scene_point (f->canvas, ex + ew + 500, ey + eh + 500));
  g_assert_cmpuint (heapglass_canvas_get_selected_oid (f->canvas), ==, 0);
  g_assert_null (heapglass_inspector_get_type_text (f->inspector));
}

static void
test_click_arrow_selects_target (Fixture *f, gconstpointer data)
{
  HeapglassScene *scene;
  const HeapglassSceneItem *arrow = NULL;

  set_step (f, ALIAS_STEP);
  scene = heapglass_canvas_get_scene (f->canvas);
  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);
      if (item->kind == HEAPGLASS_SCENE_ARROW && item->target_oid == LIST_X)
        arrow = item;
    }
  g_assert_nonnull (arrow);

  /* A point halfway along the arrow's path. */
  double mx, my;
  heapglass_scene_arrow_point (arrow, 0.5, &mx, &my);
  g_assert_true (heapglass_canvas_click_scene_point (f->canvas, mx, my));
  g_assert_cmpuint (heapglass_canvas_get_selected_oid (f->canvas), ==, LIST_X);
}

static void
test_inspector_changes (Fixture *f, gconstpointer data)
{
  set_step (f, ALIAS_STEP);
  heapglass_canvas_select_oid (f->canvas, LIST_X);
  g_assert_cmpstr (heapglass_inspector_get_type_text (f->inspector), ==, "list");
  g_assert_cmpuint (heapglass_inspector_get_previous_change (f->inspector), ==, 2);
  g_assert_cmpuint (heapglass_inspector_get_next_change (f->inspector), ==, APPEND_STEP);

  /* An object that does not exist yet at a step shows the empty page. */
  heapglass_inspector_show_object (f->inspector, 1, LIST_X);
  g_assert_null (heapglass_inspector_get_type_text (f->inspector));
  heapglass_inspector_show_object (f->inspector, LONG_LIST_STEP, LIST_Z);
  g_assert_cmpstr (heapglass_inspector_get_type_text (f->inspector), ==, "list");
  g_assert_cmpuint (heapglass_inspector_get_previous_change (f->inspector), ==, 0);
}

static void
on_jump (HeapglassInspector *inspector, guint step, guint *out)
{
  *out = step;
}

static void
test_inspector_jump_buttons (Fixture *f, gconstpointer data)
{
  guint jumped = 0;
  GtkWidget *next, *previous, *created;

  set_step (f, ALIAS_STEP);
  heapglass_canvas_select_oid (f->canvas, LIST_X);
  g_signal_connect (f->inspector, "jump-to-step", G_CALLBACK (on_jump), &jumped);

  next = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->inspector),
                                                    HEAPGLASS_TYPE_INSPECTOR, "next_button"));
  previous = GTK_WIDGET (gtk_widget_get_template_child (
      GTK_WIDGET (f->inspector), HEAPGLASS_TYPE_INSPECTOR, "previous_button"));
  created = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->inspector),
                                                       HEAPGLASS_TYPE_INSPECTOR, "created_button"));
  g_assert_true (gtk_widget_get_sensitive (next));
  g_signal_emit_by_name (next, "clicked");
  g_assert_cmpuint (jumped, ==, APPEND_STEP);
  g_signal_emit_by_name (previous, "clicked");
  g_assert_cmpuint (jumped, ==, 2);
  jumped = 0;
  g_signal_emit_by_name (created, "clicked");
  g_assert_cmpuint (jumped, ==, 2);

  /* At the last change there is no next one: the button is off. */
  heapglass_inspector_show_object (f->inspector, APPEND_STEP, LIST_X);
  g_assert_cmpuint (heapglass_inspector_get_next_change (f->inspector), ==, 0);
  g_assert_false (gtk_widget_get_sensitive (next));
  g_signal_handlers_disconnect_by_func (f->inspector, on_jump, &jumped);
}

static void
on_select_object (HeapglassInspector *inspector, guint64 oid, guint64 *out)
{
  *out = oid;
}

/* "Referred to by" names the containers holding the object; each is a link that selects it. */
static void
test_inspector_referrer_links (Fixture *f, gconstpointer data)
{
  guint64 requested = 0;
  gboolean handled = FALSE;
  GtkWidget *label;

  set_step (f, ALIAS_STEP);
  heapglass_inspector_show_object (f->inspector, ALIAS_STEP, 1); /* the int 1, x[0] */
  g_assert_cmpstr (heapglass_inspector_get_type_text (f->inspector), ==, "int");
  g_assert_cmpstr (heapglass_inspector_get_referrers_text (f->inspector), ==, "list #10[0]");

  g_signal_connect (f->inspector, "select-object", G_CALLBACK (on_select_object), &requested);
  label = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->inspector),
                                                     HEAPGLASS_TYPE_INSPECTOR, "referrers_label"));
  g_signal_emit_by_name (label, "activate-link", "oid:10", &handled);
  g_assert_true (handled);
  g_assert_cmpuint (requested, ==, LIST_X);
  g_signal_handlers_disconnect_by_func (f->inspector, on_select_object, &requested);
}

/* A string's value reads as Python's repr() would write it. */
static void
test_inspector_string_repr (Fixture *f, gconstpointer data)
{
  Writer w;
  GtkLabel *value;

  writer_init (&w, 100);
  writer_frame_push (&w, "<module>", 1);
  writer_step (&w, 1);
  writer_str (&w, 7, "it's\n\"here\"");
  writer_bind (&w, "s", 7);
  writer_step (&w, 2);
  g_autoptr (HeapglassTrace) trace = writer_finish (&w);

  heapglass_inspector_set_trace (f->inspector, trace);
  heapglass_inspector_show_object (f->inspector, 2, 7);
  g_assert_cmpstr (heapglass_inspector_get_type_text (f->inspector), ==, "str");
  g_assert_cmpstr (heapglass_inspector_get_referrers_text (f->inspector), ==, "s (global)");
  value = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (f->inspector),
                                                    HEAPGLASS_TYPE_INSPECTOR, "value_label"));
  g_assert_nonnull (strstr (gtk_label_get_text (value), "'it\\'s\\n\"here\"'"));
  heapglass_inspector_set_trace (f->inspector, NULL);
}

/* Without set_dark() the canvas follows the system's (AdwStyleManager's) light/dark choice. */
static void
test_dark_follows_style_manager (void)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *canvas = heapglass_canvas_new ();

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  gtk_window_set_child (GTK_WINDOW (window), canvas);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_false (heapglass_canvas_get_dark (HEAPGLASS_CANVAS (canvas)));

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (heapglass_canvas_get_dark (HEAPGLASS_CANVAS (canvas)));
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_false (heapglass_canvas_get_dark (HEAPGLASS_CANVAS (canvas)));

  /* An explicit choice wins over the system's. */
  heapglass_canvas_set_dark (HEAPGLASS_CANVAS (canvas), TRUE);
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
  g_assert_true (heapglass_canvas_get_dark (HEAPGLASS_CANVAS (canvas)));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_zoom_keeps_point (Fixture *f, gconstpointer data)
{
  double before_x, before_y, after_x, after_y;
  const double px = 123.0, py = 77.0;

  set_step (f, ALIAS_STEP);
  g_assert_cmpfloat (heapglass_canvas_get_zoom (f->canvas), ==, 1.0);

  heapglass_canvas_widget_to_scene (f->canvas, px, py, &before_x, &before_y);
  heapglass_canvas_zoom_at (f->canvas, 2.5, px, py);
  g_assert_cmpfloat_with_epsilon (heapglass_canvas_get_zoom (f->canvas), 2.5, 1e-9);
  heapglass_canvas_widget_to_scene (f->canvas, px, py, &after_x, &after_y);
  g_assert_cmpfloat_with_epsilon (after_x, before_x, 1e-6);
  g_assert_cmpfloat_with_epsilon (after_y, before_y, 1e-6);

  /* zoom_in / zoom_out keep the centre and undo each other. */
  double z = heapglass_canvas_get_zoom (f->canvas);
  int cw = gtk_widget_get_width (GTK_WIDGET (f->canvas));
  int ch = gtk_widget_get_height (GTK_WIDGET (f->canvas));
  g_assert_cmpint (cw, >, 0);
  heapglass_canvas_widget_to_scene (f->canvas, cw / 2.0, ch / 2.0, &before_x, &before_y);
  heapglass_canvas_zoom_in (f->canvas);
  g_assert_cmpfloat (heapglass_canvas_get_zoom (f->canvas), >, z);
  heapglass_canvas_zoom_out (f->canvas);
  g_assert_cmpfloat_with_epsilon (heapglass_canvas_get_zoom (f->canvas), z, 1e-9);
  heapglass_canvas_widget_to_scene (f->canvas, cw / 2.0, ch / 2.0, &after_x, &after_y);
  g_assert_cmpfloat_with_epsilon (after_x, before_x, 1e-6);
  g_assert_cmpfloat_with_epsilon (after_y, before_y, 1e-6);

  /* Fit shows the whole diagram inside the widget. */
  heapglass_canvas_zoom_fit (f->canvas);
  double ex, ey, ew, eh, x0, y0, x1, y1;
  heapglass_scene_get_extents (heapglass_canvas_get_scene (f->canvas), &ex, &ey, &ew, &eh);
  heapglass_canvas_scene_to_widget (f->canvas, ex, ey, &x0, &y0);
  heapglass_canvas_scene_to_widget (f->canvas, ex + ew, ey + eh, &x1, &y1);
  g_assert_cmpfloat (x0, >=, -0.5);
  g_assert_cmpfloat (y0, >=, -0.5);
  g_assert_cmpfloat (x1, <=, cw + 0.5);
  g_assert_cmpfloat (y1, <=, ch + 0.5);

  heapglass_canvas_zoom_reset (f->canvas);
  g_assert_cmpfloat (heapglass_canvas_get_zoom (f->canvas), ==, 1.0);

  /* The same commands as the canvas's widget actions (its context menu uses them). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.zoom-in", NULL));
  g_assert_cmpfloat (heapglass_canvas_get_zoom (f->canvas), >, 1.0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.zoom-reset", NULL));
  g_assert_cmpfloat (heapglass_canvas_get_zoom (f->canvas), ==, 1.0);

  /* The zoom stays within its limits. */
  for (int i = 0; i < 100; i++)
    heapglass_canvas_zoom_out (f->canvas);
  g_assert_cmpfloat (heapglass_canvas_get_zoom (f->canvas), >, 0.05);
}

static void
test_expand_long_list (Fixture *f, gconstpointer data)
{
  HeapglassScene *scene;
  const HeapglassSceneItem *marker = NULL;
  guint slots_before, slots_after;

  set_step (f, LONG_LIST_STEP);
  scene = heapglass_canvas_get_scene (f->canvas);
  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);
      if (item->kind == HEAPGLASS_SCENE_MORE_MARKER && item->oid == LIST_Z)
        marker = item;
    }
  g_assert_nonnull (marker);
  slots_before = count_items (scene, HEAPGLASS_SCENE_SLOT, LIST_Z, 0);
  g_assert_cmpuint (slots_before, <, LONG_LIST_LEN);
  g_assert_cmpuint (marker->count, ==, LONG_LIST_LEN - slots_before);

  g_autofree char *tip = NULL;
  double wx, wy;
  heapglass_canvas_scene_to_widget (f->canvas, marker->x + marker->width / 2,
                                    marker->y + marker->height / 2, &wx, &wy);
  tip = heapglass_canvas_describe_at (f->canvas, wx, wy);
  g_assert_nonnull (tip);

  /* Click the "… N more" marker: the whole recorded list is shown. */
  g_assert_true (heapglass_canvas_click_scene_point (f->canvas, marker->x + marker->width / 2,
                                                     marker->y + marker->height / 2));
  scene = heapglass_canvas_get_scene (f->canvas);
  slots_after = count_items (scene, HEAPGLASS_SCENE_SLOT, LIST_Z, 0);
  g_assert_cmpuint (slots_after, ==, LONG_LIST_LEN);
  g_assert_cmpuint (count_items (scene, HEAPGLASS_SCENE_MORE_MARKER, LIST_Z, 0), ==, 0);
  g_assert_true (
      heapglass_layout_get_object_expanded (heapglass_canvas_get_layout (f->canvas), LIST_Z));

  /* The expansion survives scrubbing away and back. */
  set_step (f, ALIAS_STEP);
  set_step (f, LONG_LIST_STEP);
  g_assert_cmpuint (
      count_items (heapglass_canvas_get_scene (f->canvas), HEAPGLASS_SCENE_SLOT, LIST_Z, 0), ==,
      LONG_LIST_LEN);
}

static GtkGesture *
find_click_gesture (GtkWidget *widget, guint button)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);
      if (GTK_IS_GESTURE_CLICK (controller)
          && gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == button)
        return GTK_GESTURE (controller);
    }
  return NULL;
}

/* A right click opens the context menu, even at a point GDK reports outside the widget. */
static void
test_context_menu_opens (Fixture *f, gconstpointer data)
{
  GtkGesture *context = find_click_gesture (GTK_WIDGET (f->canvas), GDK_BUTTON_SECONDARY);
  GtkWidget *menu = gtk_widget_get_first_child (GTK_WIDGET (f->canvas));

  set_step (f, LONG_LIST_STEP);
  g_assert_nonnull (context);
  g_assert_true (GTK_IS_POPOVER_MENU (menu));
  g_assert_false (gtk_widget_get_visible (menu));
  g_signal_emit_by_name (context, "pressed", 1, 5000.0, 5000.0);
  wait_for_draw (f);
  g_assert_true (gtk_widget_get_visible (menu));
  gtk_popover_popdown (GTK_POPOVER (menu));
  wait_for_draw (f);
}

/* The context menu's "Show All Items" is the canvas.toggle-expanded action on the container. */
static void
test_toggle_expanded_action (Fixture *f, gconstpointer data)
{
  HeapglassLayout *layout = heapglass_canvas_get_layout (f->canvas);

  set_step (f, LONG_LIST_STEP);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.toggle-expanded", "t",
                                             (guint64)LIST_Z));
  g_assert_true (heapglass_layout_get_object_expanded (layout, LIST_Z));
  g_assert_cmpuint (
      count_items (heapglass_canvas_get_scene (f->canvas), HEAPGLASS_SCENE_SLOT, LIST_Z, 0), ==,
      LONG_LIST_LEN);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.toggle-expanded", "t",
                                             (guint64)LIST_Z));
  g_assert_false (heapglass_layout_get_object_expanded (layout, LIST_Z));
  g_assert_cmpuint (
      count_items (heapglass_canvas_get_scene (f->canvas), HEAPGLASS_SCENE_SLOT, LIST_Z, 0), <,
      LONG_LIST_LEN);
}

/* A recursion 30 calls deep: the middle of the stack collapses into "… N frames …", and a click
 * on it shows them. */
static void
test_expand_deep_stack (Fixture *f, gconstpointer data)
{
  Writer w;
  const guint depth = 30;
  HeapglassScene *scene;
  const HeapglassSceneItem *marker = NULL;

  writer_init (&w, 100);
  writer_frame_push (&w, "<module>", 1);
  writer_step (&w, 1);
  writer_int (&w, 1, 0);
  for (guint d = 1; d < depth; d++)
    {
      writer_frame_push (&w, "down", 1);
      writer_bind (&w, "n", 1);
      hg_buf_byte (&w.buf, HG_REC_STEP_CALL);
      hg_buf_varint (&w.buf, 2);
    }
  g_autoptr (HeapglassTrace) trace = writer_finish (&w);

  heapglass_canvas_set_trace (f->canvas, trace);
  heapglass_canvas_set_step (f->canvas, heapglass_trace_get_n_steps (trace));
  scene = heapglass_canvas_get_scene (f->canvas);
  g_assert_cmpuint (heapglass_canvas_get_snapshot (f->canvas)->n_frames, ==, depth);

  guint frames_before = count_items (scene, HEAPGLASS_SCENE_FRAME, 0, 0);
  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    if (heapglass_scene_get_item (scene, i)->kind == HEAPGLASS_SCENE_FRAMES_MARKER)
      marker = heapglass_scene_get_item (scene, i);
  g_assert_nonnull (marker);
  g_assert_cmpuint (frames_before, <, depth);
  g_assert_cmpuint (marker->count, ==, depth - frames_before);

  g_assert_true (heapglass_canvas_click_scene_point (f->canvas, marker->x + marker->width / 2,
                                                     marker->y + marker->height / 2));
  scene = heapglass_canvas_get_scene (f->canvas);
  g_assert_cmpuint (count_items (scene, HEAPGLASS_SCENE_FRAME, 0, 0), ==, depth);
  g_assert_cmpuint (count_items (scene, HEAPGLASS_SCENE_FRAMES_MARKER, 0, 0), ==, 0);

  heapglass_canvas_set_trace (f->canvas, NULL);
}

static void
test_keyboard_follow_reference (Fixture *f, gconstpointer data)
{
  const HeapglassSceneItem *focus;
  int guard = 0;

  set_step (f, ALIAS_STEP);
  gtk_widget_grab_focus (GTK_WIDGET (f->canvas));
  g_assert_null (heapglass_canvas_get_focus_item (f->canvas));

  /* Tab from outside lands on the first shape of the stack: a frame. */
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (f->canvas), GTK_DIR_TAB_FORWARD));
  focus = heapglass_canvas_get_focus_item (f->canvas);
  g_assert_nonnull (focus);
  g_assert_cmpint (focus->kind, ==, HEAPGLASS_SCENE_FRAME);

  /* Tab until the name y. */
  while ((focus = heapglass_canvas_get_focus_item (f->canvas)) != NULL
         && !(focus->kind == HEAPGLASS_SCENE_NAME && g_strcmp0 (focus->name, "y") == 0))
    {
      g_assert_true (gtk_widget_child_focus (GTK_WIDGET (f->canvas), GTK_DIR_TAB_FORWARD));
      g_assert_cmpint (++guard, <, 50);
    }
  g_assert_nonnull (focus);

  /* Enter follows the reference: the list is selected and focused. */
  g_assert_true (heapglass_canvas_activate_focus (f->canvas));
  g_assert_cmpuint (heapglass_canvas_get_selected_oid (f->canvas), ==, LIST_X);
  focus = heapglass_canvas_get_focus_item (f->canvas);
  g_assert_nonnull (focus);
  g_assert_cmpint (focus->kind, ==, HEAPGLASS_SCENE_OBJECT);
  g_assert_cmpuint (focus->oid, ==, LIST_X);

  /* Shift+Tab goes back; Tab past the last shape leaves the canvas. */
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (f->canvas), GTK_DIR_TAB_BACKWARD));
  g_assert_true (heapglass_canvas_get_focus_item (f->canvas) != NULL);
  guard = 0;
  while (gtk_widget_child_focus (GTK_WIDGET (f->canvas), GTK_DIR_TAB_FORWARD))
    g_assert_cmpint (++guard, <, 200);
  g_assert_null (heapglass_canvas_get_focus_item (f->canvas));
}

static void
test_tooltip_describes (Fixture *f, gconstpointer data)
{
  const HeapglassSceneItem *x;
  const HeapglassSceneItem *object;
  double wx, wy;

  set_step (f, ALIAS_STEP);
  x = find_name (f, "x");
  heapglass_canvas_scene_to_widget (f->canvas, x->x + x->width / 2, x->y + x->height / 2, &wx, &wy);
  g_autofree char *name_tip = heapglass_canvas_describe_at (f->canvas, wx, wy);
  g_assert_nonnull (name_tip);
  g_assert_nonnull (strstr (name_tip, "x"));
  g_assert_nonnull (strstr (name_tip, "list"));

  object = heapglass_scene_find_object (heapglass_canvas_get_scene (f->canvas), LIST_X);
  g_assert_nonnull (object);
  heapglass_canvas_scene_to_widget (f->canvas, object->x + 2, object->y + 2, &wx, &wy);
  g_autofree char *object_tip = heapglass_canvas_describe_at (f->canvas, wx, wy);
  g_assert_nonnull (object_tip);
  g_assert_nonnull (strstr (object_tip, "list"));
}

static void
test_select_scrolls_into_view (Fixture *f, gconstpointer data)
{
  const HeapglassSceneItem *object;
  double ox, oy, x0, y0, x1, y1;

  set_step (f, ALIAS_STEP);
  object = heapglass_scene_find_object (heapglass_canvas_get_scene (f->canvas), LIST_X);
  g_assert_nonnull (object);

  /* Pan far away, then select: the object comes back into view (animated, as a learner sees
   * it). */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", TRUE, NULL);
  heapglass_canvas_get_offset (f->canvas, &ox, &oy);
  heapglass_canvas_scroll_to (f->canvas, ox + 5000, oy + 5000, FALSE);
  heapglass_canvas_select_oid (f->canvas, LIST_X);
  /* It glides there over a few frames rather than jumping. */
  double mid_x, mid_y;
  heapglass_canvas_get_offset (f->canvas, &mid_x, &mid_y);
  g_assert_cmpfloat (mid_x, ==, ox + 5000);
  g_assert_cmpfloat (mid_y, ==, oy + 5000);
  gint64 until = g_get_monotonic_time () + 600 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);

  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  heapglass_canvas_scene_to_widget (f->canvas, object->x, object->y, &x0, &y0);
  heapglass_canvas_scene_to_widget (f->canvas, object->x + object->width,
                                    object->y + object->height, &x1, &y1);
  g_assert_cmpfloat (x0, >=, 0);
  g_assert_cmpfloat (y0, >=, 0);
  g_assert_cmpfloat (x1, <=, gtk_widget_get_width (GTK_WIDGET (f->canvas)));
  g_assert_cmpfloat (y1, <=, gtk_widget_get_height (GTK_WIDGET (f->canvas)));
}

static void
test_sparkline_values (Fixture *f, gconstpointer data)
{
  guint n = heapglass_trace_get_n_steps (f->trace);
  g_autofree guint64 *mins = g_new0 (guint64, n + 8);
  g_autofree guint64 *maxs = g_new0 (guint64, n + 8);

  g_assert_cmpuint (n, ==, 5);

  /* As many columns as steps: every column is one step's exact value. */
  g_assert_cmpuint (heapglass_sparkline_get_columns (f->sparkline, n + 8, mins, maxs), ==, n);
  for (guint step = 1; step <= n; step++)
    {
      guint64 live = heapglass_trace_get_step_live_objects (f->trace, step);
      g_assert_cmpuint (mins[step - 1], ==, live);
      g_assert_cmpuint (maxs[step - 1], ==, live);
    }
  /* The heap grows: 4 objects before line 2 runs, 35 before line 5. */
  g_assert_cmpuint (maxs[1], ==, 4);
  g_assert_cmpuint (maxs[4], ==, 4 + 1 + 1 + LONG_LIST_LEN - 4);

  /* Two columns: min and max over each half. */
  g_assert_cmpuint (heapglass_sparkline_get_columns (f->sparkline, 2, mins, maxs), ==, 2);
  g_assert_cmpuint (mins[0], ==, heapglass_trace_get_step_live_objects (f->trace, 1));
  g_assert_cmpuint (maxs[1], ==, heapglass_trace_get_step_live_objects (f->trace, 5));

  /* Bytes mode (the right-click menu's action) reads the byte counts. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->sparkline), "sparkline.mode", "u",
                                             (guint32)HEAPGLASS_SPARKLINE_BYTES));
  g_assert_cmpint (heapglass_sparkline_get_mode (f->sparkline), ==, HEAPGLASS_SPARKLINE_BYTES);
  heapglass_sparkline_get_columns (f->sparkline, n, mins, maxs);
  for (guint step = 1; step <= n; step++)
    g_assert_cmpuint (maxs[step - 1], ==, heapglass_trace_get_step_live_bytes (f->trace, step));

  /* A click at the right end seeks to the last step, the left end to the first. */
  int width = gtk_widget_get_width (GTK_WIDGET (f->sparkline));
  g_assert_cmpint (width, >, 0);
  g_assert_cmpuint (heapglass_sparkline_step_at (f->sparkline, width - 1), ==, n);
  g_assert_cmpuint (heapglass_sparkline_step_at (f->sparkline, 0), ==, 1);
}

static void save_widget_png (GtkWidget *widget, const char *name);

/* A long run: 20,000 steps (more than the sparkline keeps buckets for), the heap growing by one
 * object a step, with a one-step spike of 500 objects in the middle. */
static void
test_sparkline_long_run (Fixture *f, gconstpointer data)
{
  Writer w;
  const guint n_steps = 20000, spike_step = 10001, spike = 500;
  guint64 oid = 1;

  writer_init (&w, 100);
  writer_frame_push (&w, "<module>", 1);
  writer_step (&w, 1);
  for (guint step = 2; step <= n_steps; step++)
    {
      writer_int (&w, oid++, step);
      if (step == spike_step)
        for (guint i = 0; i < spike; i++)
          writer_int (&w, 1000000 + i, i);
      if (step == spike_step + 1)
        for (guint i = 0; i < spike; i++)
          {
            hg_buf_byte (&w.buf, HG_REC_OBJ_FREE);
            hg_buf_varint (&w.buf, 1000000 + i);
          }
      writer_step (&w, 2);
    }
  g_autoptr (HeapglassTrace) trace = writer_finish (&w);
  g_assert_cmpuint (heapglass_trace_get_step_live_objects (trace, spike_step), ==,
                    spike_step - 1 + spike);

  gint64 start = g_get_monotonic_time ();
  heapglass_sparkline_set_trace (f->sparkline, trace);
  gint64 blocked = g_get_monotonic_time () - start;
  /* The rest is read in the background. */
  start = g_get_monotonic_time ();
  while (g_main_context_pending (NULL) && g_get_monotonic_time () - start < 30 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, FALSE);
  g_test_message ("sparkline: set_trace blocked %.2f ms for 20,000 steps, read all in %.0f ms",
                  blocked / 1000.0, (g_get_monotonic_time () - start) / 1000.0);

  guint64 mins[100], maxs[100];
  g_assert_cmpuint (heapglass_sparkline_get_columns (f->sparkline, 100, mins, maxs), ==, 100);
  guint spike_column = (spike_step - 1) * 100 / n_steps;
  for (guint c = 0; c < 100; c++)
    {
      /* Each column spans 200 steps of steady growth: its min is at its start, its max at its
       * end, within a bucket's width of rounding. */
      g_assert_cmpuint (mins[c], <=, maxs[c]);
      g_assert_cmpuint (mins[c], <=, (guint64)c * n_steps / 100 + 1);
      if (c != spike_column)
        g_assert_cmpuint (maxs[c], <, (guint64)(c + 1) * n_steps / 100 + 64);
    }
  /* The one-step spike is not lost in a column of 200 steps. */
  g_assert_cmpuint (maxs[spike_column], ==, spike_step - 1 + spike);

  heapglass_sparkline_set_step (f->sparkline, spike_step);
  wait_for_draw (f);
  save_widget_png (GTK_WIDGET (f->sparkline), "sparkline-long-run.png");
  heapglass_sparkline_set_trace (f->sparkline, NULL);
}

static void
save_widget_png_scaled (GtkWidget *widget, const char *name, double scale)
{
  g_autofree char *path = g_build_filename (
      g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".", name, NULL);

  /* scale 2 renders what a HiDPI screen shows: the same vector drawing at twice the pixels. */
  hg_test_save_widget_png (widget, path, scale);
}

static void
save_widget_png (GtkWidget *widget, const char *name)
{
  save_widget_png_scaled (widget, name, 1.0);
}

static void
test_screenshot (Fixture *f, gconstpointer data)
{
  set_step (f, ALIAS_STEP);
  heapglass_canvas_select_oid (f->canvas, LIST_X);
  wait_for_draw (f);
  save_widget_png (GTK_WIDGET (f->canvas), "canvas-aliasing.png");
  save_widget_png (f->window, "canvas-window.png");
  save_widget_png (GTK_WIDGET (f->sparkline), "sparkline.png");
  save_widget_png_scaled (GTK_WIDGET (f->canvas), "canvas-aliasing-2x.png", 2.0);

  heapglass_canvas_set_dark (f->canvas, TRUE);
  set_step (f, LONG_LIST_STEP);
  wait_for_draw (f);
  save_widget_png (GTK_WIDGET (f->canvas), "canvas-dark.png");
}

/* A real run of the tracer on the aliasing program: the same picture from real data. */
static void
test_real_run (Fixture *f, gconstpointer data)
{
  const char *tracer = g_getenv ("HEAPGLASS_TRACER");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *script = NULL;
  g_autoptr (HeapglassTrace) trace = NULL;
  HeapglassRunOptions options;
  guint alias_step = 0;

  if (tracer == NULL || !g_file_test (tracer, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no tracer binary in this build");
      return;
    }

  dir = g_dir_make_tmp ("heapglass-canvas-XXXXXX", &error);
  g_assert_no_error (error);
  script = g_build_filename (dir, "aliasing.py", NULL);
  g_file_set_contents (script, "x = [1, 2, 3]\ny = x\nprint(x is y)\n", -1, &error);
  g_assert_no_error (error);

  heapglass_run_options_init (&options);
#if defined(__SANITIZE_ADDRESS__)
  /* AddressSanitizer reserves terabytes of address space for its shadow: an address-space limit
   * makes the (sanitised) tracer abort before it starts. */
  options.memory_limit_mib = G_MAXUINT - 1;
#endif
  trace = heapglass_trace_run_sync (script, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (trace);

  for (guint step = 1; step <= heapglass_trace_get_n_steps (trace); step++)
    if (heapglass_trace_get_step_line (trace, step) == 3
        && heapglass_trace_get_step_event (trace, step) == HEAPGLASS_EVENT_LINE)
      {
        alias_step = step;
        break;
      }
  if (alias_step == 0)
    g_test_message ("%u steps, ended %s: %s", heapglass_trace_get_n_steps (trace),
                    heapglass_ending_to_string (heapglass_trace_get_ending (trace)),
                    heapglass_trace_get_end_message (trace));
  g_assert_cmpuint (alias_step, >, 0);

  heapglass_canvas_set_trace (f->canvas, trace);
  heapglass_inspector_set_trace (f->inspector, trace);
  heapglass_canvas_set_step (f->canvas, alias_step);
  HeapglassScene *scene = heapglass_canvas_get_scene (f->canvas);
  g_assert_cmpuint (count_list_objects (scene), ==, 1);

  const HeapglassSceneItem *x = find_name (f, "x");
  g_assert_nonnull (x);
  g_assert_cmpuint (count_items (scene, HEAPGLASS_SCENE_ARROW, 0, x->oid), ==, 2);
  g_assert_true (
      heapglass_canvas_click_scene_point (f->canvas, x->x + x->width / 2, x->y + x->height / 2));
  g_assert_cmpuint (heapglass_canvas_get_selected_oid (f->canvas), ==, find_name (f, "y")->oid);
  g_assert_cmpstr (heapglass_inspector_get_type_text (f->inspector), ==, "list");
  g_assert_nonnull (heapglass_inspector_get_refcount_text (f->inspector));
  g_assert_cmpuint (atoi (heapglass_inspector_get_refcount_text (f->inspector)), >=, 2);

  wait_for_draw (f);
  save_widget_png (GTK_WIDGET (f->canvas), "canvas-real-run.png");

  heapglass_canvas_set_trace (f->canvas, NULL);
  heapglass_inspector_set_trace (f->inspector, NULL);
  g_unlink (script);
  g_rmdir (dir);
}

/* Model → layout → scene for one step, as set_step does it, with about 1,000 live objects. */
static void
test_step_time (Fixture *f, gconstpointer data)
{
  Writer w;
  const guint n_objects = 1000, n_steps = 5000;
  g_autofree guint64 *items = g_new (guint64, n_objects);

  writer_init (&w, 100);
  writer_frame_push (&w, "<module>", 1);
  writer_step (&w, 1);
  for (guint i = 0; i < n_objects; i++)
    {
      writer_int (&w, 1000 + i, i * 7);
      items[i] = 1000 + i;
    }
  /* 10 lists of 100 items, each bound to a name */
  for (guint l = 0; l < 10; l++)
    {
      g_autofree char *name = g_strdup_printf ("l%u", l);
      writer_list (&w, 10 + l, 1, 100, items + l * 100);
      writer_bind (&w, name, 10 + l);
    }
  for (guint s = 2; s <= n_steps; s++)
    {
      writer_bind (&w, "i", 1000 + s % n_objects);
      writer_step (&w, 2 + s % 3);
    }
  g_autoptr (HeapglassTrace) trace = writer_finish (&w);

  heapglass_canvas_set_trace (f->canvas, trace);

  /* The first diagram: jumping to the last step must not wait for the layout to walk all 5,000
   * steps (that continues in the background). */
  gint64 start = g_get_monotonic_time ();
  heapglass_canvas_set_step (f->canvas, n_steps);
  gint64 first = g_get_monotonic_time () - start;
  g_assert_nonnull (heapglass_canvas_get_scene (f->canvas));

  /* The background walk runs only when the main loop is idle. */
  start = g_get_monotonic_time ();
  while (g_main_context_pending (NULL) && g_get_monotonic_time () - start < 60 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, FALSE);
  gint64 background = g_get_monotonic_time () - start;
  wait_for_draw (f);

  /* Scrubbing: 200 steps spread over the run. */
  start = g_get_monotonic_time ();
  for (guint s = 1; s <= 200; s++)
    heapglass_canvas_set_step (f->canvas, 1 + (s * 7919) % n_steps);
  gint64 per_step = (g_get_monotonic_time () - start) / 200;

  /* Of which the model's snapshot: */
  start = g_get_monotonic_time ();
  for (guint s = 1; s <= 200; s++)
    heapglass_snapshot_unref (heapglass_trace_snapshot (trace, 1 + (s * 7919) % n_steps));
  gint64 per_model_snapshot = (g_get_monotonic_time () - start) / 200;

  /* Painting cost: render the canvas's node once per step. */
  start = g_get_monotonic_time ();
  for (guint s = 0; s < 10; s++)
    {
      g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
      GTK_WIDGET_GET_CLASS (f->canvas)->snapshot (GTK_WIDGET (f->canvas), snapshot);
      g_autoptr (GskRenderNode) node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      GskRenderer *renderer
          = gtk_native_get_renderer (gtk_widget_get_native (GTK_WIDGET (f->canvas)));
      g_autoptr (GdkTexture) texture = gsk_renderer_render_texture (renderer, node, NULL);
      g_assert_nonnull (texture);
    }
  gint64 per_paint = (g_get_monotonic_time () - start) / 10;

  /* The widget's snapshot() alone (records the cairo node: what our code costs per frame). */
  start = g_get_monotonic_time ();
  for (guint s = 0; s < 10; s++)
    {
      g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
      GTK_WIDGET_GET_CLASS (f->canvas)->snapshot (GTK_WIDGET (f->canvas), snapshot);
      g_autoptr (GskRenderNode) node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      g_assert_nonnull (node);
    }
  gint64 per_snapshot = (g_get_monotonic_time () - start) / 10;

  /* The renderer alone, into an image the size of the widget (what the cairo node costs). */
  int width = gtk_widget_get_width (GTK_WIDGET (f->canvas));
  int height = gtk_widget_get_height (GTK_WIDGET (f->canvas));
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  HeapglassRenderOptions options;
  heapglass_render_options_init (&options);
  start = g_get_monotonic_time ();
  for (guint s = 0; s < 10; s++)
    heapglass_renderer_draw (cr, heapglass_canvas_get_scene (f->canvas), &options);
  gint64 per_draw = (g_get_monotonic_time () - start) / 10;
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  g_test_message (
      "5,000 steps, 1,000 live objects (%u scene items): first set_step %.2f ms, background "
      "layout walk %.0f ms, "
      "scrubbing set_step %.2f ms (model snapshot %.2f ms), "
      "snapshot() %.2f ms, snapshot + GSK render to a texture %.2f ms, renderer draw %.2f ms",
      heapglass_scene_get_n_items (heapglass_canvas_get_scene (f->canvas)), first / 1000.0,
      background / 1000.0, per_step / 1000.0, per_model_snapshot / 1000.0, per_snapshot / 1000.0,
      per_paint / 1000.0, per_draw / 1000.0);
  g_assert_cmpuint (heapglass_scene_get_n_items (heapglass_canvas_get_scene (f->canvas)), >, 0);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__OPTIMIZE__)
  /* Unoptimised and sanitised builds only report; optimised builds must stay interactive. */
#elif !defined(__SANITIZE_ADDRESS__)
  /* Generous bounds (a shared CI machine), far below a blocking walk of every step. */
  g_assert_cmpint (first, <, 500 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (per_step, <, 100 * G_TIME_SPAN_MILLISECOND);
#endif
  heapglass_canvas_set_trace (f->canvas, NULL);
}

int
main (int argc, char **argv)
{
  /* No session bus under Xvfb: without this GTK warns that it cannot reach the accessibility
   * bus, and G_DEBUG=fatal-warnings makes that fatal. */
  g_setenv ("GTK_A11Y", "none", FALSE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/canvas/scene/aliasing-one-list-two-arrows", test_scene_aliasing);
  ADD ("/canvas/click/name-selects-target-and-inspects", test_click_name_selects_target);
  ADD ("/canvas/click/arrow-selects-target", test_click_arrow_selects_target);
  ADD ("/canvas/select/scrolls-into-view", test_select_scrolls_into_view);
  ADD ("/canvas/zoom/keeps-point-under-cursor", test_zoom_keeps_point);
  ADD ("/canvas/expand/long-list", test_expand_long_list);
  ADD ("/canvas/expand/deep-stack", test_expand_deep_stack);
  ADD ("/canvas/expand/toggle-action", test_toggle_expanded_action);
  ADD ("/canvas/context-menu/opens", test_context_menu_opens);
  ADD ("/canvas/keyboard/tab-and-enter-follow-reference", test_keyboard_follow_reference);
  ADD ("/canvas/tooltip/describes-shape", test_tooltip_describes);
  ADD ("/canvas/screenshot", test_screenshot);
  ADD ("/canvas/real-run/aliasing", test_real_run);
  ADD ("/canvas/perf/step-time-1000-objects", test_step_time);
  ADD ("/inspector/changes/previous-and-next", test_inspector_changes);
  ADD ("/inspector/changes/buttons-jump", test_inspector_jump_buttons);
  ADD ("/inspector/value/string-repr", test_inspector_string_repr);
  ADD ("/inspector/referrers/containers-are-links", test_inspector_referrer_links);
  ADD ("/sparkline/long-run-keeps-spikes", test_sparkline_long_run);
  g_test_add_func ("/canvas/theme/follows-style-manager", test_dark_follows_style_manager);
  ADD ("/sparkline/values-match-trace", test_sparkline_values);
#undef ADD

  return g_test_run ();
}
