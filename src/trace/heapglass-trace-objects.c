/* heapglass-trace-objects.c: the model's object records, 16 bytes each: what an object was at
 * creation is shared through a table of shapes (type, kind, size, refcount), small ints are kept
 * in the record itself, and whatever changes later lives in an extension made on first change. */
#include "heapglass-trace-private.h"

/* Beyond this many shapes (strings of every length…), an object keeps its own in its extension:
 * the table stays small. */
#define MAX_SHAPES (1u << 20)

static guint32
shape_hash (guint32 type_kind, guint32 size0, guint32 refcount0)
{
  guint64 h = ((guint64)type_kind * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15))
              ^ ((guint64)size0 * G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F))
              ^ ((guint64)refcount0 * G_GUINT64_CONSTANT (0x165667B19E3779F9));
  return (guint32)(h ^ (h >> 29));
}

static void
shape_table_insert (HeapglassTrace *self, guint32 id)
{
  const HgShape *sh = &self->shapes[id];
  guint32 i = shape_hash (sh->type_kind, sh->size0, sh->refcount0) & self->shape_table_mask;

  while (self->shape_table[i] != 0)
    i = (i + 1) & self->shape_table_mask;
  self->shape_table[i] = id + 1;
}

/* The shape's id, made if new; G_MAXUINT32 when the table is full. */
static guint32
shape_id (HeapglassTrace *self, guint32 type_kind, guint32 size0, guint32 refcount0)
{
  guint32 i, id;

  if (self->shape_table != NULL)
    {
      i = shape_hash (type_kind, size0, refcount0) & self->shape_table_mask;
      while ((id = self->shape_table[i]) != 0)
        {
          const HgShape *sh = &self->shapes[id - 1];
          if (sh->type_kind == type_kind && sh->size0 == size0 && sh->refcount0 == refcount0)
            return id - 1;
          i = (i + 1) & self->shape_table_mask;
        }
    }
  if (self->n_shapes == MAX_SHAPES)
    return G_MAXUINT32;
  if (self->n_shapes == self->cap_shapes)
    {
      self->cap_shapes = self->cap_shapes ? self->cap_shapes * 2 : 64;
      self->shapes = g_renew (HgShape, self->shapes, self->cap_shapes);
    }
  id = self->n_shapes++;
  self->shapes[id] = (HgShape){ type_kind, size0, refcount0 };
  if (self->shape_table == NULL || self->n_shapes * 2 > self->shape_table_mask + 1)
    {
      /* At most half full: rebuilt twice as large. */
      guint32 size = self->shape_table ? 2 * (self->shape_table_mask + 1) : 256;
      g_free (self->shape_table);
      self->shape_table = g_new0 (guint32, size);
      self->shape_table_mask = size - 1;
      for (guint32 k = 0; k < self->n_shapes; k++)
        shape_table_insert (self, k);
    }
  else
    shape_table_insert (self, id);
  return id;
}

HgObjExt *
hg_obj_ext (HeapglassTrace *self, HgObj *obj)
{
  if (!(obj->shape & HG_OBJ_EXT))
    {
      /* Fresh column elements are zero: empty histories. */
      HgObjExt *x = hg_col_push (self->spill, &self->exts);
      x->shape = self->shapes[obj->shape];
      obj->shape = HG_OBJ_EXT | (guint32)(self->exts.n - 1);
      return x;
    }
  return obj_ext_get (self, obj);
}

gboolean
hg_obj_new (HeapglassTrace *self, guint32 type_kind, guint32 size0, guint32 refcount0, HgKind kind,
            const HgValue *value)
{
  HgObj *obj;
  guint32 v0, id;

  if ((kind == HG_KIND_INT || kind == HG_KIND_BOOL || value->i == 0)
      && value->i >= -(G_GINT64_CONSTANT (1) << 30) && value->i < (G_GINT64_CONSTANT (1) << 30))
    v0 = ((guint32)value->i << 1) | 1;
  else
    {
      if (self->values.n >= G_MAXINT32 || self->exts.n >= G_MAXINT32)
        return FALSE;
      *(HgValue *)hg_col_push (self->spill, &self->values) = *value;
      v0 = (guint32)(self->values.n - 1) << 1;
    }
  if (self->exts.n >= G_MAXINT32)
    return FALSE;
  obj = hg_col_push (self->spill, &self->objs); /* zero-filled */
  obj->created = cur_step (self);
  obj->v0 = v0;
  id = shape_id (self, type_kind, size0, refcount0);
  if (id != G_MAXUINT32)
    obj->shape = id;
  else
    {
      HgObjExt *x = hg_col_push (self->spill, &self->exts);
      x->shape = (HgShape){ type_kind, size0, refcount0 };
      obj->shape = HG_OBJ_EXT | (guint32)(self->exts.n - 1);
    }
  return TRUE;
}

void
hg_objects_clear (HeapglassTrace *self)
{
  g_clear_pointer (&self->shapes, g_free);
  g_clear_pointer (&self->shape_table, g_free);
  self->n_shapes = self->cap_shapes = 0;
}

gsize
hg_objects_memory (HeapglassTrace *self)
{
  return (gsize)self->cap_shapes * sizeof (HgShape)
         + (self->shape_table ? (gsize)(self->shape_table_mask + 1) * sizeof (guint32) : 0);
}
