/* fuzz-trace-decoder.c: libFuzzer target for the trace decoder. Feeds arbitrary bytes to
 * heapglass_trace_feed() once whole and once in splits chosen from the input itself, checks that
 * both decodes agree (a split must never change the result), then walks every view the model
 * offers at a few steps so ASan sees each string and array the decoder built. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "heapglass-trace.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Touches every byte a snapshot points to: an out-of-bounds view shows up here, not in the app. */
static size_t
walk_snapshot (const HeapglassSnapshot *snap)
{
  size_t sum = 0;

  for (guint f = 0; f < snap->n_frames; f++)
    {
      const HeapglassFrameView *frame = &snap->frames[f];

      sum += frame->function ? strlen (frame->function) : 0;
      for (guint b = 0; b < frame->n_bindings; b++)
        {
          sum += frame->names[b] ? strlen (frame->names[b]) : 0;
          sum += (size_t)frame->oids[b] + (size_t)frame->rebound[b];
          heapglass_snapshot_find_object (snap, frame->oids[b]);
        }
      sum += frame->exception_type ? strlen (frame->exception_type) : 0;
      sum += frame->exception_message ? strlen (frame->exception_message) : 0;
    }

  for (guint o = 0; o < snap->n_objects; o++)
    {
      const HeapglassObjectView *obj = &snap->objects[o];
      guint n_item_oids;

      sum += obj->type_name ? strlen (obj->type_name) : 0;
      sum += obj->text ? strlen (obj->text) : 0;
      sum += strlen (heapglass_kind_to_string (obj->kind));
      n_item_oids = obj->kind == HG_KIND_DICT ? 2 * obj->n_items : obj->n_items;
      for (guint i = 0; i < n_item_oids; i++)
        sum += (size_t)obj->items[i];
      for (guint a = 0; a < obj->n_attrs; a++)
        sum += strlen (obj->attr_names[a]) + (size_t)obj->attr_oids[a];
    }
  return sum;
}

static void
explore (HeapglassTrace *trace)
{
  guint n_steps = heapglass_trace_get_n_steps (trace);
  guint probe[] = { 1, n_steps / 2, n_steps };
  gsize len = 0;
  g_autofree char *out = heapglass_trace_get_output (trace, 1, 0, &len);
  g_autofree char *err = heapglass_trace_get_output (trace, 2, 0, &len);

  heapglass_trace_get_script (trace);
  heapglass_trace_get_end_message (trace);
  heapglass_trace_get_exception_type (trace);
  heapglass_trace_get_exception_message (trace);
  heapglass_ending_to_string (heapglass_trace_get_ending (trace));
  heapglass_trace_get_max_depth (trace);
  heapglass_trace_get_peak_objects (trace);

  for (size_t i = 0; i < G_N_ELEMENTS (probe); i++)
    {
      guint step = probe[i];
      g_autofree char *prompt = NULL;
      g_autofree char *before = NULL;

      if (step == 0 || step > n_steps)
        continue;
      heapglass_trace_get_step_line (trace, step);
      heapglass_event_to_string (heapglass_trace_get_step_event (trace, step));
      heapglass_trace_get_step_depth (trace, step);
      heapglass_trace_get_step_live_objects (trace, step);
      heapglass_trace_get_step_live_bytes (trace, step);
      heapglass_trace_get_step_input_prompt (trace, step, &prompt);
      before = heapglass_trace_get_output (trace, 1, step, &len);
      heapglass_trace_find_step_over (trace, step);
      heapglass_trace_find_step_out (trace, step);
      heapglass_trace_find_line (trace, heapglass_trace_get_step_line (trace, step), step, i == 2);

      {
        g_autoptr (HeapglassSnapshot) snap = heapglass_trace_snapshot (trace, step);

        if (snap == NULL)
          abort (); /* every step 1 … n_steps must be seekable */
        walk_snapshot (snap);
        if (snap->n_objects > 0)
          {
            GArray *changes = heapglass_trace_get_object_changes (trace, snap->objects[0].oid);

            if (changes)
              g_array_unref (changes);
          }
      }
    }
}

/* Decodes the input in chunks whose sizes come from the input's own bytes (a cheap PRNG seeded by
 * its length and first bytes), so libFuzzer explores splits inside every kind of record. */
static gboolean
decode_split (HeapglassTrace *trace, const uint8_t *data, size_t size)
{
  uint32_t state = 0x9e3779b9u ^ (uint32_t)size;
  size_t pos = 0;
  gboolean ok = TRUE;

  for (size_t i = 0; i < size && i < 4; i++)
    state = state * 31u + data[i];
  while (ok && pos < size)
    {
      size_t chunk;

      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      chunk = 1 + state % 17u;
      if (chunk > size - pos)
        chunk = size - pos;
      ok = heapglass_trace_feed (trace, data + pos, chunk, NULL);
      pos += chunk;
    }
  if (ok)
    ok = heapglass_trace_finish (trace, NULL);
  return ok;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (HeapglassTrace) whole = heapglass_trace_new ();
  g_autoptr (HeapglassTrace) split = heapglass_trace_new ();
  g_autoptr (GError) error = NULL;
  gboolean whole_ok, split_ok;

  whole_ok = heapglass_trace_feed (whole, data, size, &error);
  if (whole_ok)
    whole_ok = heapglass_trace_finish (whole, &error);
  if (!whole_ok && (error == NULL || error->domain != HEAPGLASS_TRACE_ERROR))
    abort (); /* a failure must say why, in the trace's own error domain */
  if (whole_ok && error != NULL)
    abort ();

  split_ok = decode_split (split, data, size);
  if (whole_ok != split_ok
      || heapglass_trace_get_n_steps (whole) != heapglass_trace_get_n_steps (split)
      || heapglass_trace_get_ending (whole) != heapglass_trace_get_ending (split))
    abort (); /* the same bytes, split differently, decoded differently */

  explore (whole);

  /* A stream is still usable after the runner adds its own ending (crash, stop). */
  heapglass_trace_set_ending (split, HG_END_CRASHED, -11, 11, "fuzz");
  explore (split);
  return 0;
}
