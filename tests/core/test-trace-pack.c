/* test-trace-pack.c: the model's compact storage (packed long histories and free log, 16-byte
 * object records with shared shapes, 2-byte steps) reads back, at every step, what a plain model
 * kept alongside the stream says: a random program whose histories, frees and objects cross
 * every block boundary, in memory, in a spill file and cut by a disk budget. */
#include <string.h>

#include "heapglass-test-support.h"
#include "heapglass-trace-calls.h"
#include "heapglass-trace.h"
#include "trace-stream-writer.h"

#define N_NAMES 6
#define WIDE_LINE 70000 /* does not fit a step's 14 bits: kept beside the steps */

enum
{
  P_MODULE = 1,
  P_INT,
  P_STR,
  P_F,
  P_KEEP,  /* a name bound once to an object whose size changes at every step */
  P_NAME0, /* N_NAMES names */
};

typedef struct
{
  guint64 oid;
  gint64 value;
  char *text; /* a str's, else NULL */
  guint64 size;
  guint refcount;
  guint freed; /* the step it was freed at, 0 = alive */
  guint bound; /* names bound to it */
} RefObj;

/* What the plain model says at one step. */
typedef struct
{
  guint line;
  HeapglassEvent event;
  guint64 bound[N_NAMES]; /* oid, 0 = unbound */
  gint64 bound_value[N_NAMES];
  guint64 bound_size[N_NAMES];
  guint64 live_objects;
  guint64 live_bytes;
  guint n_freed;     /* objects freed at this step */
  guint64 freed_sum; /* their oids added, */
  guint64 freed_xor; /* and xor-ed: the set, near enough to catch a wrong one */
  guint64 keep_size; /* the size of the object bound to `keep` */
} RefStep;

typedef struct
{
  HgBuf b;
  GArray *steps;   /* RefStep, index step - 1 */
  GPtrArray *objs; /* RefObj *, every object made */
  GHashTable *by_oid;
  GPtrArray *pending; /* alive, bound by no name: freed later */
  RefObj *names[N_NAMES];
  RefObj *keep;
  GArray *keep_changes; /* guint: steps the kept object changed at */
  guint64 next_oid;
  guint64 live_objects, live_bytes;
  guint n_freed;
  guint64 freed_sum, freed_xor;
} RefProgram;

static guint
cur_step (RefProgram *p)
{
  return p->steps->len + 1;
}

static RefObj *
ref_new (RefProgram *p, GRand *rand)
{
  RefObj *o = g_new0 (RefObj, 1);
  guint pick = g_rand_int_range (rand, 0, 10);

  o->oid = ++p->next_oid;
  /* Now and then an oid that is not the next one: the tables for oids that are not dense. */
  if (g_rand_int_range (rand, 0, 5000) == 0)
    o->oid = p->next_oid += 1000;
  o->refcount = 1;
  if (pick == 0)
    {
      o->text = g_strdup_printf ("s%u", g_rand_int (rand));
      o->size = 49 + strlen (o->text);
      w_str (&p->b, o->oid, P_STR, o->text);
    }
  else
    {
      /* Small ints (kept in the record), ints beyond 31 bits and negative ones (in the values). */
      switch (pick % 3)
        {
        case 0:
          o->value = g_rand_int_range (rand, -1000, 1000);
          break;
        case 1:
          o->value = (gint64)g_rand_int (rand) << 8;
          break;
        default:
          o->value = -(gint64)g_rand_int (rand) * 3;
          break;
        }
      /* Sizes and refcounts of a few kinds: shapes are shared. */
      o->size = 28 + 4 * (guint64)g_rand_int_range (rand, 0, 4);
      o->refcount = (guint)g_rand_int_range (rand, 1, 4);
      w_new_refcount (&p->b, o->oid, P_INT, HG_KIND_INT, o->size, o->refcount);
      hg_buf_zigzag (&p->b, o->value);
    }
  g_ptr_array_add (p->objs, o);
  g_hash_table_insert (p->by_oid, &o->oid, o);
  p->live_objects++;
  p->live_bytes += o->size;
  return o;
}

static void
ref_free (RefProgram *p, RefObj *o)
{
  g_assert_cmpuint (o->freed, ==, 0);
  w_free (&p->b, o->oid);
  o->freed = cur_step (p);
  p->live_objects--;
  p->live_bytes -= o->size;
  p->n_freed++;
  p->freed_sum += o->oid;
  p->freed_xor ^= o->oid * 0x9E3779B97F4A7C15u;
}

/* An object no name holds any more: freed now or kept alive by something unnamed until later. */
static void
ref_drop (RefProgram *p, RefObj *o, GRand *rand)
{
  if (o == NULL || o->bound > 0)
    return;
  if (g_rand_int_range (rand, 0, 10) < 7)
    ref_free (p, o);
  else
    g_ptr_array_add (p->pending, o);
}

static void
ref_bind (RefProgram *p, guint k, RefObj *o, GRand *rand)
{
  RefObj *old = p->names[k];

  w_bind (&p->b, 0, P_NAME0 + k, o->oid);
  o->bound++;
  p->names[k] = o;
  if (old)
    {
      old->bound--;
      ref_drop (p, old, rand);
    }
}

static void
ref_resize (RefProgram *p, RefObj *o, guint64 size)
{
  w_meta (&p->b, o->oid, size, o->refcount);
  p->live_bytes += size - o->size;
  o->size = size;
}

static void
ref_step (RefProgram *p, GRand *rand)
{
  RefStep s = { 0 };
  guint pick = g_rand_int_range (rand, 0, 100);
  HgRecord codes[]
      = { HG_REC_STEP_LINE, HG_REC_STEP_CALL, HG_REC_STEP_RETURN, HG_REC_STEP_EXCEPTION };
  HeapglassEvent events[] = { HEAPGLASS_EVENT_LINE, HEAPGLASS_EVENT_CALL, HEAPGLASS_EVENT_RETURN,
                              HEAPGLASS_EVENT_EXCEPTION };
  guint e = pick < 85 ? 0 : pick % 4;

  s.line = pick < 3 ? WIDE_LINE + pick : (guint)g_rand_int_range (rand, 1, 60);
  s.event = events[e];
  w_step (&p->b, codes[e], s.line);
  for (guint k = 0; k < N_NAMES; k++)
    if (p->names[k])
      {
        s.bound[k] = p->names[k]->oid;
        s.bound_value[k] = p->names[k]->value;
        s.bound_size[k] = p->names[k]->size;
      }
  s.live_objects = p->live_objects;
  s.live_bytes = p->live_bytes;
  s.n_freed = p->n_freed;
  s.freed_sum = p->freed_sum;
  s.freed_xor = p->freed_xor;
  s.keep_size = p->keep ? p->keep->size : 0;
  g_array_append_val (p->steps, s);
  p->n_freed = 0;
  p->freed_sum = p->freed_xor = 0;
}

static void
ref_obj_free (gpointer data)
{
  RefObj *o = data;
  g_free (o->text);
  g_free (o);
}

/* A random program of `n_steps` steps, as the tracer would write it, and what it means. */
static RefProgram *
ref_program_new (guint n_steps, guint32 seed)
{
  RefProgram *p = g_new0 (RefProgram, 1);
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  const char *strings[] = { "<module>", "int", "str", "f", "keep" };

  p->steps = g_array_new (FALSE, FALSE, sizeof (RefStep));
  p->objs = g_ptr_array_new_with_free_func (ref_obj_free);
  p->by_oid = g_hash_table_new (g_int64_hash, g_int64_equal);
  p->pending = g_ptr_array_new ();
  p->keep_changes = g_array_new (FALSE, FALSE, sizeof (guint));
  hg_buf_header (&p->b, 100, "/tmp/random.py");
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    w_string (&p->b, strings[i]);
  for (guint k = 0; k < N_NAMES; k++)
    {
      g_autofree char *name = g_strdup_printf ("n%u", k);
      w_string (&p->b, name);
    }
  w_push (&p->b, P_MODULE, 1);
  ref_step (p, rand); /* step 1: nothing yet */
  p->keep = ref_new (p, rand);
  p->keep->bound = 1;
  w_bind (&p->b, 0, P_KEEP, p->keep->oid);
  g_array_append_val (p->keep_changes, (guint){ cur_step (p) });
  while (p->steps->len < n_steps)
    {
      guint n_ops = g_rand_int_range (rand, 0, 5);

      /* The kept object grows most steps: its size history is long. */
      if (g_rand_int_range (rand, 0, 4) > 0)
        {
          ref_resize (p, p->keep, p->keep->size + 8);
          /* (listed once per step: it was made at step 2, and may grow at once) */
          if (g_array_index (p->keep_changes, guint, p->keep_changes->len - 1) != cur_step (p))
            g_array_append_val (p->keep_changes, (guint){ cur_step (p) });
        }
      for (guint op = 0; op < n_ops; op++)
        {
          guint what = g_rand_int_range (rand, 0, 10);
          guint k = g_rand_int_range (rand, 0, N_NAMES);

          if (what < 5)
            ref_bind (p, k, ref_new (p, rand), rand);
          else if (what < 7 && p->pending->len > 0)
            {
              guint i = g_rand_int_range (rand, 0, (gint32)p->pending->len);
              ref_free (p, g_ptr_array_steal_index_fast (p->pending, i));
            }
          else if (what == 7)
            g_ptr_array_add (p->pending, ref_new (p, rand));
          else if (what == 8 && p->names[k])
            {
              RefObj *old = p->names[k];
              w_unbind (&p->b, 0, P_NAME0 + k);
              p->names[k] = NULL;
              old->bound--;
              ref_drop (p, old, rand);
            }
          else if (p->names[k] && p->names[k]->text == NULL)
            ref_resize (p, p->names[k], p->names[k]->size + 8 * g_rand_int_range (rand, 1, 3));
        }
      ref_step (p, rand);
    }
  w_end (&p->b, HG_END_FINISHED, 0);
  g_assert_false (p->b.failed);
  return p;
}

static void
ref_program_free (RefProgram *p)
{
  hg_buf_clear (&p->b);
  g_array_unref (p->steps);
  g_hash_table_unref (p->by_oid);
  g_ptr_array_unref (p->pending);
  g_ptr_array_unref (p->objs);
  g_array_unref (p->keep_changes);
  g_free (p);
}

static HeapglassTrace *
decode (const RefProgram *p, const char *spill_dir, guint64 disk_limit)
{
  HeapglassTrace *trace = heapglass_trace_new ();
  g_autoptr (GError) error = NULL;

  if (spill_dir)
    g_assert_true (heapglass_trace_set_spill (trace, spill_dir, disk_limit, &error));
  for (gsize off = 0; off < p->b.len; off += 64 * 1024)
    g_assert_true (
        heapglass_trace_feed (trace, p->b.data + off, MIN (p->b.len - off, 64 * 1024), &error));
  g_assert_true (heapglass_trace_finish (trace, &error));
  g_assert_no_error (error);
  return trace;
}

static const HeapglassObjectView *
bound_object (const HeapglassSnapshot *s, const char *name)
{
  const HeapglassFrameView *f = &s->frames[0];

  for (guint i = 0; i < f->n_bindings; i++)
    if (g_str_equal (f->names[i], name))
      return heapglass_snapshot_find_object (s, f->oids[i]);
  return NULL;
}

/* Every step of `trace` (up to its last) against the plain model. */
static void
check_steps (HeapglassTrace *trace, const RefProgram *p)
{
  guint n = heapglass_trace_get_n_steps (trace);

  g_assert_cmpuint (n, <=, p->steps->len);
  for (guint step = 1; step <= n; step++)
    {
      const RefStep *r = &g_array_index (p->steps, RefStep, step - 1);
      g_autoptr (HeapglassSnapshot) s = heapglass_trace_snapshot (trace, step);
      guint n_freed = 0;
      guint64 freed_sum = 0, freed_xor = 0;
      const HeapglassObjectView *keep;

      g_assert_cmpuint (s->line, ==, r->line);
      g_assert_cmpuint (heapglass_trace_get_step_line (trace, step), ==, r->line);
      g_assert_cmpint (s->event, ==, r->event);
      g_assert_cmpuint (s->live_objects, ==, r->live_objects);
      g_assert_cmpuint (s->live_bytes, ==, r->live_bytes);
      g_assert_cmpuint (heapglass_trace_get_step_live_objects (trace, step), ==, r->live_objects);
      g_assert_cmpuint (heapglass_trace_get_step_live_bytes (trace, step), ==, r->live_bytes);
      for (guint k = 0; k < N_NAMES; k++)
        {
          g_autofree char *name = g_strdup_printf ("n%u", k);
          const HeapglassObjectView *v = bound_object (s, name);
          const RefObj *o;

          if (r->bound[k] == 0)
            {
              g_assert_null (v);
              continue;
            }
          g_assert_nonnull (v);
          g_assert_cmpuint (v->oid, ==, r->bound[k]);
          g_assert_cmpuint (v->size, ==, r->bound_size[k]);
          o = g_hash_table_lookup (p->by_oid, &v->oid);
          g_assert_cmpuint (v->created_step, <=, step);
          /* Past the end of a cut trace, the free may or may not have been read. */
          if (o->freed <= n)
            g_assert_cmpuint (v->freed_step, ==, o->freed);
          else
            g_assert_true (v->freed_step == 0 || v->freed_step == o->freed);
          g_assert_cmpuint (v->refcount, ==, o->refcount);
          if (o->text)
            {
              g_assert_cmpint (v->kind, ==, HG_KIND_STR);
              g_assert_cmpstr (v->text, ==, o->text);
              g_assert_cmpuint (v->length, ==, strlen (o->text));
            }
          else
            {
              g_assert_cmpint (v->kind, ==, HG_KIND_INT);
              g_assert_cmpint (v->int_value, ==, r->bound_value[k]);
            }
        }
      keep = bound_object (s, "keep");
      if (r->keep_size)
        {
          g_assert_nonnull (keep);
          g_assert_cmpuint (keep->size, ==, r->keep_size);
        }
      for (guint i = 0; i < s->n_objects; i++)
        if (s->objects[i].freed)
          {
            g_assert_cmpuint (s->objects[i].freed_step, ==, step);
            n_freed++;
            freed_sum += s->objects[i].oid;
            freed_xor ^= s->objects[i].oid * 0x9E3779B97F4A7C15u;
          }
      g_assert_cmpuint (n_freed, ==, r->n_freed);
      g_assert_cmpuint (freed_sum, ==, r->freed_sum);
      g_assert_cmpuint (freed_xor, ==, r->freed_xor);
    }
}

/* 20,000 steps: the names' histories pass the packing threshold (1,024 versions), the free log
 * and the kept object's size history span hundreds of blocks of 128, the objects many marks of
 * 256. */
#define N_STEPS 20000

static void
test_random_program_in_memory (void)
{
  RefProgram *p = ref_program_new (N_STEPS, 7);
  g_autoptr (HeapglassTrace) trace = decode (p, NULL, 0);

  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, N_STEPS);
  g_assert_cmpuint (p->objs->len, >, 20000);
  check_steps (trace, p);
  ref_program_free (p);
}

static void
test_random_program_in_file (void)
{
  g_autofree char *dir = hg_test_tmp_path ("pack-file");
  RefProgram *p = ref_program_new (N_STEPS, 11);
  g_autoptr (HeapglassTrace) trace = decode (p, dir, 0);

  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, N_STEPS);
  g_assert_cmpuint (heapglass_trace_get_disk_usage (trace), >, 0);
  check_steps (trace, p);
  ref_program_free (p);
}

/* A disk budget cuts the run in the middle of blocks: the steps before read back whole. */
static void
test_random_program_cut_by_disk_limit (void)
{
  g_autofree char *dir = hg_test_tmp_path ("pack-limit");
  RefProgram *p = ref_program_new (200000, 13);
  g_autoptr (HeapglassTrace) trace = decode (p, dir, 3 << 20);
  guint n = heapglass_trace_get_n_steps (trace);

  g_assert_cmpint (heapglass_trace_get_ending (trace), ==, HG_END_DISK_LIMIT);
  g_assert_cmpuint (n, >, 10000);
  g_assert_cmpuint (n, <, 200000);
  check_steps (trace, p);
  ref_program_free (p);
}

/* The kept object's long size history (packed) lists every change, in order. */
static void
test_long_history_changes (void)
{
  RefProgram *p = ref_program_new (N_STEPS, 17);
  g_autoptr (HeapglassTrace) trace = decode (p, NULL, 0);
  g_autoptr (GArray) changes = heapglass_trace_get_object_changes (trace, p->keep->oid);

  g_assert_cmpuint (p->keep_changes->len, >, 10000);
  g_assert_cmpuint (changes->len, ==, p->keep_changes->len);
  for (guint i = 0; i < changes->len; i++)
    g_assert_cmpuint (g_array_index (changes, guint, i), ==,
                      g_array_index (p->keep_changes, guint, i));
  ref_program_free (p);
}

/* More distinct (type, size, refcount) shapes than the table keeps: the rest keep their own. */
static void
test_more_shapes_than_the_table (void)
{
  const guint n = (1u << 20) + 5000;
  HgBuf b = { 0 };
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autoptr (GError) error = NULL;
  const char *strings[] = { "<module>", "int", "str", "f", "keep", "x" };

  hg_buf_header (&b, 100, "/tmp/shapes.py");
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    w_string (&b, strings[i]);
  w_push (&b, P_MODULE, 1);
  for (guint i = 1; i <= n; i++)
    {
      w_new_refcount (&b, i, P_INT, HG_KIND_INT, 28 + i, i % 7 + 1);
      hg_buf_zigzag (&b, -(gint64)i);
      w_bind (&b, 0, P_NAME0, i);
      if (i > 1)
        w_free (&b, i - 1);
      w_step (&b, HG_REC_STEP_LINE, 1 + i % 5);
    }
  w_end (&b, HG_END_FINISHED, 0);
  g_assert_false (b.failed);
  trace = heapglass_trace_new_from_bytes (g_bytes_new_static (b.data, b.len), &error);
  g_assert_no_error (error);
  for (guint i = 1; i <= n; i += i < (1u << 20) - 10 ? 65521 : 1)
    {
      g_autoptr (HeapglassSnapshot) s = heapglass_trace_snapshot (trace, i);
      const HeapglassObjectView *v = bound_object (s, "x");

      g_assert_nonnull (v);
      g_assert_cmpuint (v->oid, ==, i);
      g_assert_cmpuint (v->size, ==, 28 + i);
      g_assert_cmpuint (v->refcount, ==, i % 7 + 1);
      g_assert_cmpint (v->int_value, ==, -(gint64)i);
      g_assert_cmpuint (s->live_objects, ==, 1);
      g_assert_cmpuint (s->live_bytes, ==, 28 + i);
    }
  hg_buf_clear (&b);
}

/* 3,000 calls: the frame log (which frame runs from which step) is packed; calls, step over and
 * the frame at a step still come out of it. */
static void
test_many_calls (void)
{
  const guint n = 3000;
  HgBuf b = { 0 };
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autoptr (GArray) calls = NULL;
  g_autoptr (GError) error = NULL;
  const char *strings[] = { "<module>", "int", "str", "f" };

  hg_buf_header (&b, 100, "/tmp/calls.py");
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    w_string (&b, strings[i]);
  w_push (&b, P_MODULE, 1);
  w_step (&b, HG_REC_STEP_LINE, 1); /* step 1 */
  for (guint i = 0; i < n; i++)
    {
      /* call i: steps 2 + 3i (call), 3 + 3i (return), 4 + 3i (back in the module) */
      w_push (&b, P_F, 10);
      w_step (&b, HG_REC_STEP_CALL, 10);
      w_step (&b, HG_REC_STEP_RETURN, 11);
      w_pop (&b);
      w_step (&b, HG_REC_STEP_LINE, 2);
    }
  w_end (&b, HG_END_FINISHED, 0);
  g_assert_false (b.failed);
  trace = heapglass_trace_new_from_bytes (g_bytes_new_static (b.data, b.len), &error);
  g_assert_no_error (error);

  calls = heapglass_trace_get_calls (trace);
  g_assert_cmpuint (calls->len, ==, n + 1);
  for (guint i = 0; i < n; i++)
    {
      const HeapglassCallRecord *c = &g_array_index (calls, HeapglassCallRecord, i + 1);
      g_assert_cmpuint (c->parent, ==, 1);
      g_assert_cmpuint (c->first_step, ==, 2 + 3 * i);
      g_assert_cmpuint (c->last_step, ==, 3 + 3 * i);
      g_assert_cmpuint (heapglass_trace_get_step_frame (trace, 3 + 3 * i), ==, i + 2);
      g_assert_cmpuint (heapglass_trace_get_step_frame (trace, 4 + 3 * i), ==, 1);
    }
  /* Over the call from the module, out of it from inside. */
  g_assert_cmpuint (heapglass_trace_find_step_over (trace, 1 + 3 * 2500), ==, 4 + 3 * 2500);
  g_assert_cmpuint (heapglass_trace_find_step_out (trace, 2 + 3 * 2999), ==, 4 + 3 * 2999);
  hg_buf_clear (&b);
}

/* A name rebound 3,000 times at gaps of every size the packing tells apart (same step, a few,
 * over 127, tens of thousands) to objects near and far: every version reads back. */
static void
test_gaps_of_every_size (void)
{
  const guint gaps[] = { 1, 2, 7, 8, 9, 126, 127, 128, 129, 1000, 3, 1, 1, 5 };
  const guint n_objs = 300, n_binds = 3000;
  HgBuf b = { 0 };
  g_autoptr (HeapglassTrace) trace = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) bind_step = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) bind_obj = g_array_new (FALSE, FALSE, sizeof (guint));
  const char *strings[] = { "<module>", "int", "str", "f", "keep", "x" };
  guint step = 0;

  hg_buf_header (&b, 100, "/tmp/gaps.py");
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    w_string (&b, strings[i]);
  w_push (&b, P_MODULE, 1);
  for (guint i = 1; i <= n_objs; i++)
    w_int (&b, i, 1000 + (gint64)i);
  for (guint j = 0; j < n_binds; j++)
    {
      guint gap = j % 500 == 499 ? 20000 : gaps[j % G_N_ELEMENTS (gaps)];
      /* Now near the last object, now far from it, up and down. */
      guint obj = j % 3 == 0 ? 1 + (j * 7919) % n_objs : 1 + (j / 3) % n_objs;

      w_bind (&b, 0, P_NAME0, obj);
      g_array_append_val (bind_step, (guint){ step + 1 });
      g_array_append_val (bind_obj, obj);
      for (guint g = 0; g < gap; g++)
        w_step (&b, HG_REC_STEP_LINE, 1 + (step++ % 9));
    }
  w_end (&b, HG_END_FINISHED, 0);
  g_assert_false (b.failed);
  trace = heapglass_trace_new_from_bytes (g_bytes_new_static (b.data, b.len), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (heapglass_trace_get_n_steps (trace), ==, step);

  for (guint j = 0; j < n_binds; j++)
    {
      guint first = g_array_index (bind_step, guint, j);
      guint last = j + 1 < n_binds ? g_array_index (bind_step, guint, j + 1) - 1 : step;
      guint at[] = { first, last, first + (last - first) / 2 };

      for (guint k = 0; k < G_N_ELEMENTS (at); k++)
        {
          g_autoptr (HeapglassSnapshot) s = heapglass_trace_snapshot (trace, at[k]);
          const HeapglassObjectView *v = bound_object (s, "x");

          g_assert_nonnull (v);
          g_assert_cmpuint (v->oid, ==, g_array_index (bind_obj, guint, j));
          g_assert_cmpint (v->int_value, ==, 1000 + (gint64)v->oid);
          g_assert_true (s->frames[0].rebound[0] == (at[k] == first));
        }
    }
  hg_buf_clear (&b);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/trace/pack/random-program-in-memory", test_random_program_in_memory);
  g_test_add_func ("/trace/pack/random-program-in-a-file", test_random_program_in_file);
  g_test_add_func ("/trace/pack/random-program-cut-by-disk-limit",
                   test_random_program_cut_by_disk_limit);
  g_test_add_func ("/trace/pack/long-history-lists-every-change", test_long_history_changes);
  g_test_add_func ("/trace/pack/more-shapes-than-the-table", test_more_shapes_than_the_table);
  g_test_add_func ("/trace/pack/many-calls", test_many_calls);
  g_test_add_func ("/trace/pack/gaps-of-every-size", test_gaps_of_every_size);
  return g_test_run ();
}
