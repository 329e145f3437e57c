/* diagram-fixture.h: builds HeapglassSnapshots by hand for the layout, scene and export tests, and
 * a deterministic 200-step "program" whose objects have known lifetimes. */
#pragma once

#include <stdarg.h>
#include <string.h>

#include "heapglass-trace.h"

typedef struct
{
  GPtrArray *allocs; /* everything the views point to */
  GArray *objects;   /* HeapglassObjectView */
  GArray *frames;    /* HeapglassFrameView */
  HeapglassSnapshot snapshot;
} Fixture;

static inline Fixture *
fixture_new (guint step, guint n_steps, guint line)
{
  Fixture *fx = g_new0 (Fixture, 1);

  fx->allocs = g_ptr_array_new_with_free_func (g_free);
  fx->objects = g_array_new (FALSE, TRUE, sizeof (HeapglassObjectView));
  fx->frames = g_array_new (FALSE, TRUE, sizeof (HeapglassFrameView));
  fx->snapshot.step = step;
  fx->snapshot.n_steps = n_steps;
  fx->snapshot.line = line;
  return fx;
}

static inline void
fixture_free (Fixture *fx)
{
  g_ptr_array_unref (fx->allocs);
  g_array_unref (fx->objects);
  g_array_unref (fx->frames);
  g_free (fx);
}

static inline gpointer
fx_keep (Fixture *fx, gpointer p)
{
  g_ptr_array_add (fx->allocs, p);
  return p;
}

static inline const char *
fx_str_dup (Fixture *fx, const char *s)
{
  return fx_keep (fx, g_strdup (s));
}

static inline HeapglassObjectView *
fx_object (Fixture *fx, guint64 oid, HgKind kind, const char *type_name, guint created,
           guint freed_step)
{
  HeapglassObjectView obj = { 0 };

  obj.oid = oid;
  obj.kind = kind;
  obj.type_name = fx_str_dup (fx, type_name);
  obj.created_step = created;
  obj.freed_step = freed_step;
  obj.changed = created == fx->snapshot.step;
  obj.freed = freed_step != 0 && freed_step == fx->snapshot.step;
  g_array_append_val (fx->objects, obj);
  return &g_array_index (fx->objects, HeapglassObjectView, fx->objects->len - 1);
}

static inline void
fx_int (Fixture *fx, guint64 oid, gint64 value, guint created, guint freed)
{
  fx_object (fx, oid, HG_KIND_INT, "int", created, freed)->int_value = value;
}

static inline void
fx_str (Fixture *fx, guint64 oid, const char *text, guint created, guint freed)
{
  HeapglassObjectView *obj = fx_object (fx, oid, HG_KIND_STR, "str", created, freed);

  obj->text = fx_str_dup (fx, text);
  obj->length = g_utf8_strlen (text, -1);
}

/* A sequence (or, with HG_KIND_DICT, key/value pairs: n_items pairs, 2 × n oids). */
static inline void
fx_container (Fixture *fx, guint64 oid, HgKind kind, const char *type_name, guint created,
              guint freed, guint64 length, guint n_items, const guint64 *items)
{
  HeapglassObjectView *obj = fx_object (fx, oid, kind, type_name, created, freed);
  guint n_oids = kind == HG_KIND_DICT ? 2 * n_items : n_items;

  obj->length = length;
  obj->n_items = n_items;
  obj->items = fx_keep (fx, g_memdup2 (items, sizeof (guint64) * MAX (n_oids, 1)));
}

static inline void
fx_instance (Fixture *fx, guint64 oid, const char *type_name, guint created, guint freed,
             guint n_attrs, const char *const *names, const guint64 *oids)
{
  HeapglassObjectView *obj = fx_object (fx, oid, HG_KIND_INSTANCE, type_name, created, freed);
  const char **copy = fx_keep (fx, g_new0 (const char *, n_attrs + 1));

  for (guint i = 0; i < n_attrs; i++)
    copy[i] = fx_str_dup (fx, names[i]);
  obj->n_attrs = n_attrs;
  obj->attr_names = copy;
  obj->attr_oids = fx_keep (fx, g_memdup2 (oids, sizeof (guint64) * MAX (n_attrs, 1)));
}

static inline void
fx_weakref (Fixture *fx, guint64 oid, guint64 referent, gboolean was_target, guint created)
{
  HeapglassObjectView *obj = fx_object (fx, oid, HG_KIND_WEAKREF, "weakref", created, 0);

  obj->referent = referent;
  obj->was_weakref_target = was_target;
}

/* names and oids: n each. rebound: NULL or n flags. */
static inline void
fx_frame (Fixture *fx, guint frame_id, const char *function, guint line, guint n,
          const char *const *names, const guint64 *oids, const gboolean *rebound)
{
  HeapglassFrameView frame = { 0 };
  const char **name_copy = fx_keep (fx, g_new0 (const char *, n + 1));

  for (guint i = 0; i < n; i++)
    name_copy[i] = fx_str_dup (fx, names[i]);
  frame.frame_id = frame_id;
  frame.function = fx_str_dup (fx, function);
  frame.line = line;
  frame.n_bindings = n;
  frame.names = name_copy;
  frame.oids = fx_keep (fx, g_memdup2 (oids, sizeof (guint64) * MAX (n, 1)));
  frame.rebound = rebound ? fx_keep (fx, g_memdup2 (rebound, sizeof (gboolean) * MAX (n, 1)))
                          : fx_keep (fx, g_new0 (gboolean, MAX (n, 1)));
  g_array_append_val (fx->frames, frame);
}

static inline void
fx_frame_exception (Fixture *fx, const char *type, const char *message)
{
  HeapglassFrameView *frame = &g_array_index (fx->frames, HeapglassFrameView, fx->frames->len - 1);

  frame->exception_type = fx_str_dup (fx, type);
  frame->exception_message = fx_str_dup (fx, message);
}

static inline HeapglassSnapshot *
fx_snapshot (Fixture *fx)
{
  fx->snapshot.frames = (const HeapglassFrameView *)(gpointer)fx->frames->data;
  fx->snapshot.n_frames = fx->frames->len;
  fx->snapshot.objects = (const HeapglassObjectView *)(gpointer)fx->objects->data;
  fx->snapshot.n_objects = fx->objects->len;
  fx->snapshot.live_objects = fx->objects->len;
  return &fx->snapshot;
}

/* ---------------------------------------------------------------------------------------------- */
/* A 200-step program, as the tracer would report it:
 *   data = []; name = 'Alice'; p = Point(3, 4); table = {'a': data[0]…, 'b': data}
 *   obj = Node(); w = weakref.ref(obj); … del obj (step 120) …
 *   every 5 steps: data.append(k * k); count = len(data)
 *   steps 20c+10 … 20c+17: helper(data) runs with locals xs (= data) and tmp (a new str) */

#define PROGRAM_STEPS 200
#define PROGRAM_OBJ_DEATH 120

static inline guint
program_len (guint step)
{
  return MIN (step / 5, 30);
}

static inline Fixture *
program_snapshot (guint step)
{
  Fixture *fx = fixture_new (step, PROGRAM_STEPS, 1 + step % 17);
  guint n = program_len (step);
  guint64 items[32];
  const char *names[8];
  guint64 oids[8];
  gboolean rebound[8] = { 0 };
  guint nb = 0;

  /* the list and its ints */
  for (guint k = 0; k < n; k++)
    items[k] = 1000 + k;
  fx_container (fx, 1, HG_KIND_LIST, "list", 1, 0, n, n, items);
  for (guint k = 0; k < n; k++)
    fx_int (fx, 1000 + k, (gint64)k * k, 5 * (k + 1), 0);
  /* count = len(data): a new int each time the list grows; the old one dies */
  if (n > 0)
    fx_int (fx, 2000 + n, n, 5 * n, n < 30 ? 5 * (n + 1) : 0);
  if (n > 1 && step == 5 * n)
    fx_int (fx, 2000 + n - 1, n - 1, 5 * (n - 1), step);
  fx_str (fx, 3, "Alice", 1, 0);
  if (step >= 2)
    {
      static const char *const attrs[] = { "x", "y" };
      guint64 attr_oids[] = { 5, 6 };

      fx_instance (fx, 4, "Point", 2, 0, 2, attrs, attr_oids);
      fx_int (fx, 5, 3, 2, 0);
      fx_int (fx, 6, 4, 2, 0);
    }
  if (step >= 3)
    {
      guint64 entries[] = { 8, n > 0 ? 1000 : 5, 9, 1 };

      fx_container (fx, 7, HG_KIND_DICT, "dict", 3, 0, 2, 2, entries);
      fx_str (fx, 8, "a", 3, 0);
      fx_str (fx, 9, "b", 3, 0);
      if (step <= PROGRAM_OBJ_DEATH)
        {
          fx_instance (fx, 11, "Node", 3, PROGRAM_OBJ_DEATH, 0, NULL, NULL);
        }
      fx_weakref (fx, 10, step < PROGRAM_OBJ_DEATH ? 11 : 0, TRUE, 3);
    }

  names[nb] = "data", oids[nb] = 1, rebound[nb] = step == 1, nb++;
  names[nb] = "name", oids[nb] = 3, rebound[nb] = step == 1, nb++;
  if (n > 0)
    names[nb] = "count", oids[nb] = 2000 + n, rebound[nb] = step == 5 * n, nb++;
  if (step >= 2)
    names[nb] = "p", oids[nb] = 4, rebound[nb] = step == 2, nb++;
  if (step >= 3)
    {
      names[nb] = "table", oids[nb] = 7, rebound[nb] = step == 3, nb++;
      if (step < PROGRAM_OBJ_DEATH)
        names[nb] = "obj", oids[nb] = 11, rebound[nb] = step == 3, nb++;
      names[nb] = "w", oids[nb] = 10, rebound[nb] = step == 3, nb++;
    }
  fx_frame (fx, 1, "<module>", fx->snapshot.line, nb, names, oids, rebound);

  if (step % 20 >= 10 && step % 20 <= 17)
    {
      guint call = step / 20;
      const char *helper_names[] = { "xs", "tmp" };
      guint64 helper_oids[] = { 1, 5000 + call };
      gboolean helper_rebound[] = { step % 20 == 10, step % 20 == 10 };

      fx_str (fx, 5000 + call, "temporary", 20 * call + 10, 20 * call + 18);
      fx_frame (fx, 100 + call, "helper", 40 + step % 3, 2, helper_names, helper_oids,
                helper_rebound);
    }
  else if (step % 20 == 18)
    fx_str (fx, 5000 + step / 20, "temporary", 20 * (step / 20) + 10, step); /* freed: faded */

  return fx;
}
