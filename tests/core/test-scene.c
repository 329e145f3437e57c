/* test-scene.c: hit-testing and extents of a scene, and that the renderer paints it in both
 * themes (the pictures are written to the build directory to be looked at). */
#include <cairo.h>
#include <math.h>
#include <stdlib.h>

#include "diagram-fixture.h"
#include "heapglass-export.h"
#include "heapglass-layout.h"
#include "heapglass-renderer.h"

static HeapglassScene *
program_scene (HeapglassLayout *layout, guint step)
{
  Fixture *fx = program_snapshot (step);
  HeapglassScene *scene = heapglass_layout_build_scene (layout, fx_snapshot (fx));

  fixture_free (fx);
  return scene;
}

static HeapglassScene *
scene_at_step (guint step)
{
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();

  for (guint s = 1; s < step; s++)
    {
      g_autoptr (HeapglassScene) earlier = program_scene (layout, s);
    }
  return program_scene (layout, step);
}

static void
test_hit_test (void)
{
  g_autoptr (HeapglassScene) scene = scene_at_step (50);
  const HeapglassSceneItem *name, *object, *arrow, *hit, *slot = NULL;
  double mx, my;

  /* A name row: its label, and its value cell. */
  name = heapglass_scene_find_name (scene, 1, "data");
  g_assert_nonnull (name);
  hit = heapglass_scene_hit_test (scene, name->x + 12, name->y + name->height / 2);
  g_assert_true (hit == name);
  hit = heapglass_scene_hit_test (scene, (name->x0 + name->x1) / 2, (name->y0 + name->y1) / 2);
  g_assert_true (hit == name);

  /* The header of a frame is the frame. */
  hit = heapglass_scene_hit_test (scene, name->x + 20,
                                  heapglass_scene_find_frame (scene, 1)->y + 5);
  g_assert_cmpint (hit->kind, ==, HEAPGLASS_SCENE_FRAME);

  /* An object's value area, and a list's slot. */
  object = heapglass_scene_find_object (scene, 3);
  hit = heapglass_scene_hit_test (scene, object->x + object->width / 2, object->y + 30);
  g_assert_true (hit == object);
  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);

      if (item->kind == HEAPGLASS_SCENE_SLOT && item->oid == 1 && item->slot == 2)
        slot = item;
    }
  g_assert_nonnull (slot);
  g_assert_cmpuint (slot->target_oid, ==, 1002);
  hit = heapglass_scene_hit_test (scene, slot->x + slot->width / 2, slot->y + slot->height / 2);
  g_assert_true (hit == slot);

  /* The middle of an arrow's curve. */
  arrow = heapglass_scene_find_arrow_from (scene, name);
  g_assert_nonnull (arrow);
  mx = 0.125 * arrow->x0 + 0.375 * arrow->x1 + 0.375 * arrow->x2 + 0.125 * arrow->x3;
  my = 0.125 * arrow->y0 + 0.375 * arrow->y1 + 0.375 * arrow->y2 + 0.125 * arrow->y3;
  hit = heapglass_scene_hit_test (scene, mx, my + 1);
  g_assert_nonnull (hit);
  if (g_test_verbose ())
    g_test_message ("hit kind %d at %g,%g arrow %g,%g→%g,%g", hit->kind, mx, my, arrow->x0,
                    arrow->y0, arrow->x3, arrow->y3);
  /* (another name, xs, is an alias of data at this step: its arrow may be the one on top) */
  g_assert_cmpint (hit->kind, ==, HEAPGLASS_SCENE_ARROW);
  g_assert_true (heapglass_scene_item_contains (hit, mx, my + 1, 4));

  /* Empty space */
  {
    double x, y, w, h;

    heapglass_scene_get_extents (scene, &x, &y, &w, &h);
    g_assert_null (heapglass_scene_hit_test (scene, x + 1, y + h - 1));
  }
}

static void
test_extents (void)
{
  g_autoptr (HeapglassScene) scene = scene_at_step (120);
  double x, y, w, h;

  heapglass_scene_get_extents (scene, &x, &y, &w, &h);
  g_assert_cmpuint (heapglass_scene_get_step (scene), ==, 120);
  g_assert_cmpuint (heapglass_scene_get_n_steps (scene), ==, PROGRAM_STEPS);
  for (guint i = 0; i < heapglass_scene_get_n_items (scene); i++)
    {
      const HeapglassSceneItem *item = heapglass_scene_get_item (scene, i);

      g_assert_cmpfloat (item->x, >=, x);
      g_assert_cmpfloat (item->y, >=, y);
      g_assert_cmpfloat (item->x + item->width, <=, x + w);
      g_assert_cmpfloat (item->y + item->height, <=, y + h);
    }
}

static gboolean
pixel_is (guint32 pixel, const double rgb[4])
{
  int r = (pixel >> 16) & 0xff, g = (pixel >> 8) & 0xff, b = pixel & 0xff;

  /* cairo rounds 0…1 to bytes its own way: one step either side is the same colour. */
  return abs (r - (int)lround (rgb[0] * 255)) <= 1 && abs (g - (int)lround (rgb[1] * 255)) <= 1
         && abs (b - (int)lround (rgb[2] * 255)) <= 1;
}

static guint
count_not_background (cairo_surface_t *surface, const double bg[4])
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint n = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      if (!pixel_is (((const guint32 *)(gconstpointer)(data + y * stride))[x], bg))
        n++;
  return n;
}

static void
render_theme (HeapglassTheme theme, const char *file_name)
{
  g_autoptr (HeapglassScene) scene = scene_at_step (PROGRAM_OBJ_DEATH - 6);
  HeapglassRenderOptions options;
  cairo_surface_t *surface;
  cairo_t *cr;
  double x, y, w, h, bg[4];
  g_autofree char *path = g_build_filename (
      g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".", file_name, NULL);
  guint painted;

  heapglass_scene_get_extents (scene, &x, &y, &w, &h);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int)ceil (w), (int)ceil (h));
  cr = cairo_create (surface);
  cairo_translate (cr, -x, -y);
  heapglass_render_options_init (&options);
  options.theme = theme;
  options.selected_oid = 1;
  heapglass_renderer_draw (cr, scene, &options);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  heapglass_renderer_get_background (theme, bg);
  painted = count_not_background (surface, bg);
  /* The corner is background; a good part of the picture is not. */
  g_assert_true (pixel_is (((guint32 *)(gpointer)cairo_image_surface_get_data (surface))[0], bg));
  g_assert_cmpuint (painted, >, (guint)(w * h * 0.05));
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

static void
test_render_light (void)
{
  render_theme (HEAPGLASS_THEME_LIGHT, "scene-light.png");
}

static void
test_render_dark (void)
{
  render_theme (HEAPGLASS_THEME_DARK, "scene-dark.png");
}

static void
test_render_scaled_is_crisp (void)
{
  /* Drawing at 3× gives the same picture 3× bigger: text and lines are vectors. */
  g_autoptr (HeapglassScene) scene = scene_at_step (40);
  g_autofree char *path = g_build_filename (
      g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".", "scene-3x.png", NULL);
  HeapglassExportOptions options = { .scale = 3, .title = "Stack and heap", .caption = FALSE };
  g_autoptr (GError) error = NULL;
  cairo_surface_t *png;

  g_assert_true (heapglass_export_scene (scene, path, &options, "step 40", &error));
  g_assert_no_error (error);
  png = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
  {
    double x, y, w, h;

    heapglass_scene_get_extents (scene, &x, &y, &w, &h);
    g_assert_cmpint (cairo_image_surface_get_width (png), ==, (int)ceil (w * 3));
  }
  cairo_surface_destroy (png);
}

static void
test_empty_and_dangling (void)
{
  g_autoptr (HeapglassLayout) layout = heapglass_layout_new ();
  Fixture *fx = fixture_new (1, 1, 1);
  g_autoptr (HeapglassScene) empty = heapglass_layout_build_scene (layout, fx_snapshot (fx));
  g_autoptr (HeapglassScene) dangling = NULL;
  static const char *const names[] = { "ghost" };
  guint64 oids[] = { 999 };
  guint64 items[] = { 998 };
  const HeapglassSceneItem *name;
  double x, y, w, h;

  /* No frames at all (a program that has ended): an empty but valid scene. */
  g_assert_cmpuint (heapglass_scene_get_n_items (empty), ==, 0);
  heapglass_scene_get_extents (empty, &x, &y, &w, &h);
  g_assert_cmpfloat (w, >, 0);
  g_assert_null (heapglass_scene_hit_test (empty, 0, 0));
  fixture_free (fx);

  /* A name and an item whose objects the snapshot does not hold: drawn, without arrows. */
  fx = fixture_new (2, 2, 1);
  fx_container (fx, 5, HG_KIND_LIST, NULL, 1, 0, 1, 1, items);
  fx_frame (fx, 1, "<module>", 1, 1, names, oids, NULL);
  dangling = heapglass_layout_build_scene (layout, fx_snapshot (fx));
  name = heapglass_scene_find_name (dangling, 1, "ghost");
  g_assert_nonnull (name);
  g_assert_null (heapglass_scene_find_arrow_from (dangling, name));
  fixture_free (fx);
}

/* Exception notes wrap at spaces inside the frame; a word longer than a line is cut, and what
 * does not fit in the lines allowed ends with an ellipsis. */
static void
test_wrap_note (void)
{
  g_auto (GStrv) two
      = heapglass_scene_wrap_note ("NameError: name 'inspect' is not defined", 31, 6);
  g_auto (GStrv) one = heapglass_scene_wrap_note ("ValueError", 31, 6);
  g_auto (GStrv) empty = heapglass_scene_wrap_note ("", 31, 6);
  g_auto (GStrv) long_word = heapglass_scene_wrap_note ("abcdefghij", 4, 6);
  g_auto (GStrv) cut = heapglass_scene_wrap_note ("one two three four five six", 9, 2);
  g_auto (GStrv) accents = heapglass_scene_wrap_note ("été été été", 7, 3);

  g_assert_cmpuint (g_strv_length (two), ==, 2);
  g_assert_cmpstr (two[0], ==, "NameError: name 'inspect' is");
  g_assert_cmpstr (two[1], ==, "not defined");
  g_assert_cmpuint (g_strv_length (one), ==, 1);
  g_assert_cmpstr (one[0], ==, "ValueError");
  g_assert_cmpuint (g_strv_length (empty), ==, 1);
  g_assert_cmpuint (g_strv_length (long_word), ==, 3);
  g_assert_cmpstr (long_word[0], ==, "abcd");
  g_assert_cmpstr (long_word[2], ==, "ij");
  g_assert_cmpuint (g_strv_length (cut), ==, 2);
  g_assert_cmpstr (cut[0], ==, "one two");
  g_assert_cmpstr (cut[1], ==, "three…");
  /* characters, not bytes */
  g_assert_cmpstr (accents[0], ==, "été été");
  g_assert_cmpstr (accents[1], ==, "été");
  g_assert_cmpfloat (heapglass_scene_note_height (2), >, heapglass_scene_note_height (1));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/scene/hit-test/names-slots-objects-arrows", test_hit_test);
  g_test_add_func ("/scene/extents/contain-every-shape", test_extents);
  g_test_add_func ("/scene/robustness/empty-and-dangling", test_empty_and_dangling);
  g_test_add_func ("/scene/exception-note/wraps", test_wrap_note);
  g_test_add_func ("/scene/render/light", test_render_light);
  g_test_add_func ("/scene/render/dark", test_render_dark);
  g_test_add_func ("/scene/render/scaled", test_render_scaled_is_crisp);

  return g_test_run ();
}
