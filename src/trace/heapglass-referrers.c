/* heapglass-referrers.c: who refers to an object at one step, found by looking at every frame's
 * names and every live object's references in the snapshot. */
#include "config.h"

#include "heapglass-referrers.h"

static void
add (GArray *found, HeapglassReferrerKind kind, const HeapglassObjectView *holder)
{
  HeapglassReferrer referrer = { 0 };

  referrer.kind = kind;
  referrer.holder = holder;
  g_array_append_val (found, referrer);
}

GArray *
heapglass_referrers_find (const HeapglassSnapshot *snapshot, guint64 oid)
{
  GArray *found;

  g_return_val_if_fail (snapshot != NULL, NULL);

  found = g_array_new (FALSE, TRUE, sizeof (HeapglassReferrer));
  for (guint f = 0; f < snapshot->n_frames; f++)
    {
      const HeapglassFrameView *frame = &snapshot->frames[f];
      gboolean module = g_strcmp0 (frame->function, "<module>") == 0;

      for (guint b = 0; b < frame->n_bindings; b++)
        if (frame->oids[b] == oid)
          {
            HeapglassReferrer referrer = { 0 };

            referrer.kind = module ? HEAPGLASS_REFERRER_GLOBAL : HEAPGLASS_REFERRER_LOCAL;
            referrer.name = frame->names[b];
            referrer.function = module ? NULL : frame->function;
            g_array_append_val (found, referrer);
          }
    }

  for (guint o = 0; o < snapshot->n_objects; o++)
    {
      const HeapglassObjectView *object = &snapshot->objects[o];

      if (object->freed || object->oid == oid)
        continue;
      switch (object->kind)
        {
        case HG_KIND_LIST:
        case HG_KIND_TUPLE:
          for (guint i = 0; i < object->n_items; i++)
            if (object->items[i] == oid)
              {
                add (found, HEAPGLASS_REFERRER_ITEM, object);
                g_array_index (found, HeapglassReferrer, found->len - 1).index = i;
              }
          break;
        case HG_KIND_SET:
        case HG_KIND_FROZENSET:
          for (guint i = 0; i < object->n_items; i++)
            if (object->items[i] == oid)
              add (found, HEAPGLASS_REFERRER_SET_ITEM, object);
          break;
        case HG_KIND_DICT:
          for (guint i = 0; i < object->n_items; i++)
            {
              guint64 key = object->items[2 * i], value = object->items[2 * i + 1];

              if (value == oid)
                {
                  add (found, HEAPGLASS_REFERRER_DICT_VALUE, object);
                  g_array_index (found, HeapglassReferrer, found->len - 1).key_oid = key;
                }
              if (key == oid)
                add (found, HEAPGLASS_REFERRER_DICT_KEY, object);
            }
          break;
        case HG_KIND_INSTANCE:
          for (guint i = 0; i < object->n_attrs; i++)
            if (object->attr_oids[i] == oid)
              {
                add (found, HEAPGLASS_REFERRER_ATTRIBUTE, object);
                g_array_index (found, HeapglassReferrer, found->len - 1).name
                    = object->attr_names[i];
              }
          break;
        case HG_KIND_WEAKREF:
          if (object->referent == oid)
            add (found, HEAPGLASS_REFERRER_WEAK, object);
          break;
        default:
          break;
        }
    }
  return found;
}
