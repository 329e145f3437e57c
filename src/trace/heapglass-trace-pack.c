/* heapglass-trace-pack.c: packed histories, for the long ones (a loop variable, the free log, a
 * list appended to a million times): blocks of varint differences, found by binary search over a
 * directory of their first steps, so that seeking stays O(log n) at a few bytes an entry. */
#include "heapglass-trace-private.h"

/* ---- varints ------------------------------------------------------------------------------ */

static inline guint8 *
put_varint (guint8 *p, guint64 v)
{
  while (v >= 0x80)
    {
      *p++ = (guint8)(v | 0x80);
      v >>= 7;
    }
  *p++ = (guint8)v;
  return p;
}

/* The data was written by put_varint(): no bounds to check. */
static inline const guint8 *
get_varint (const guint8 *p, guint64 *out)
{
  guint64 v = *p & 0x7f;

  if (G_LIKELY (*p++ < 0x80))
    {
      *out = v;
      return p;
    }
  for (int shift = 7;; shift += 7)
    {
      guint8 b = *p++;
      v |= (guint64)(b & 0x7f) << shift;
      if (b < 0x80)
        break;
    }
  *out = v;
  return p;
}

static inline guint32
zigzag32 (guint32 delta)
{
  return (delta << 1) ^ (guint32)((gint32)delta >> 31);
}

static inline guint32
unzigzag32 (guint32 z)
{
  return (z >> 1) ^ (guint32) - (gint32)(z & 1);
}

/* An entry after a block's first: its step and value differences. Most are small (a loop
 * variable: 2 steps later, the object made 2 before), one byte 0sssvvvv: s the step difference
 * (0-7), v the value difference zigzagged (-8..7). Else 1ddddddd: d the step difference (127:
 * 127 + a varint), then the zigzagged value difference as a varint. */
static inline guint8 *
put_delta (guint8 *p, guint32 dstep, guint32 zz)
{
  if (dstep < 8 && zz < 16)
    {
      *p++ = (guint8)(dstep << 4 | zz);
      return p;
    }
  if (dstep < 127)
    *p++ = (guint8)(0x80 | dstep);
  else
    {
      *p++ = 0xff;
      p = put_varint (p, dstep - 127);
    }
  return put_varint (p, zz);
}

static inline const guint8 *
get_delta (const guint8 *p, guint32 *dstep, guint32 *zz)
{
  guint8 b = *p++;
  guint64 v;

  if (G_LIKELY (b < 0x80))
    {
      *dstep = b >> 4;
      *zz = b & 15;
      return p;
    }
  if (b != 0xff)
    *dstep = b & 0x7f;
  else
    {
      p = get_varint (p, &v);
      *dstep = 127 + (guint32)v;
    }
  p = get_varint (p, &v);
  *zz = (guint32)v;
  return p;
}

/* ---- blocks ------------------------------------------------------------------------------- */

static inline const HgPackBlock *
block_at (const HgHistBig *big, guint32 b)
{
  return &big->dir[b >> HG_PACK_DIR_SHIFT].blocks[b & (HG_PACK_DIR - 1)];
}

/* Decodes the first `count` entries of packed block `b` into out[] (and their aux). */
static void
unpack_block (const HgHistBig *big, guint32 b, guint32 count, HgEntry *out, guint32 *aux_out)
{
  const HgPackBlock *block = block_at (big, b);
  const guint8 *p = block->data;
  guint32 step = block->step0, value = block->value0;
  guint64 v;

  for (guint32 k = 0; k < count; k++)
    {
      if (k > 0)
        {
          guint32 dstep, zz;
          p = get_delta (p, &dstep, &zz);
          step += dstep;
          value += unzigzag32 (zz);
        }
      out[k].step = step;
      out[k].value = value;
      if (big->has_aux)
        {
          p = get_varint (p, &v);
          if (aux_out)
            aux_out[k] = (guint32)v;
        }
    }
}

guint32
hg_pack_unpack (const HgHistBig *big, guint32 b, HgEntry *out, guint32 *aux_out)
{
  if (b >= big->n_blocks)
    {
      memcpy (out, big->tail, big->n_tail * sizeof (HgEntry));
      if (aux_out)
        memcpy (aux_out, big->tail_aux, big->n_tail * sizeof (guint32));
      return big->n_tail;
    }
  unpack_block (big, b, HG_PACK_BLOCK, out, aux_out);
  return HG_PACK_BLOCK;
}

HgEntry
hg_pack_get (const HgHistBig *big, guint32 i)
{
  guint32 b = i >> HG_PACK_SHIFT;
  HgEntry buf[HG_PACK_BLOCK];

  if (b >= big->n_blocks)
    return big->tail[i - (b << HG_PACK_SHIFT)];
  unpack_block (big, b, (i & (HG_PACK_BLOCK - 1)) + 1, buf, NULL);
  return buf[i & (HG_PACK_BLOCK - 1)];
}

/* The last packed block whose first step is <= step, + 1 (0: none). */
static guint32
blocks_upto (const HgHistBig *big, guint32 step)
{
  guint32 n_dir = (big->n_blocks + HG_PACK_DIR - 1) >> HG_PACK_DIR_SHIFT;
  guint32 lo = 0, hi = n_dir, d, n_in;
  const HgPackBlock *blocks;

  /* The directory chunk, by its first step… */
  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;
      if (big->dir[mid].step0 <= step)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == 0)
    return 0;
  d = lo - 1;
  /* …then the block within it. */
  blocks = big->dir[d].blocks;
  n_in = MIN (HG_PACK_DIR, big->n_blocks - (d << HG_PACK_DIR_SHIFT));
  lo = 0;
  hi = n_in;
  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;
      if (blocks[mid].step0 <= step)
        lo = mid + 1;
      else
        hi = mid;
    }
  return (d << HG_PACK_DIR_SHIFT) + lo; /* lo >= 1: blocks[0].step0 is the chunk's */
}

guint32
hg_pack_count_upto (const HgHistBig *big, guint32 step, guint64 *aux_sum)
{
  guint32 base = big->n_blocks << HG_PACK_SHIFT, k = 0, b;
  guint64 aux = 0;

  if (big->n_tail > 0 && big->tail[0].step <= step)
    {
      /* In the tail: every packed entry counts. */
      guint32 lo = 0, hi = big->n_tail;
      while (lo < hi)
        {
          guint32 mid = lo + (hi - lo) / 2;
          if (big->tail[mid].step <= step)
            lo = mid + 1;
          else
            hi = mid;
        }
      if (aux_sum)
        {
          aux = big->aux_packed;
          for (guint32 i = 0; i < lo; i++)
            aux += big->tail_aux[i];
          *aux_sum = aux;
        }
      return base + lo;
    }
  b = blocks_upto (big, step);
  if (b == 0)
    {
      if (aux_sum)
        *aux_sum = 0;
      return 0;
    }
  b--;
  {
    /* Entries of the block up to `step`: decoded in order until one is later. */
    const HgPackBlock *block = block_at (big, b);
    const guint8 *p = block->data;
    guint32 s = block->step0;
    guint64 v;

    aux = block->aux_before;
    for (k = 0; k < HG_PACK_BLOCK; k++)
      {
        if (k > 0)
          {
            guint32 dstep, zz;
            p = get_delta (p, &dstep, &zz);
            s += dstep;
            if (s > step)
              break;
          }
        if (big->has_aux)
          {
            p = get_varint (p, &v);
            aux += v;
          }
      }
  }
  if (aux_sum)
    *aux_sum = aux;
  return (b << HG_PACK_SHIFT) + k;
}

/* ---- appending ---------------------------------------------------------------------------- */

/* The most a block's data can take: a byte and three varints of up to 5 bytes an entry. */
#define BLOCK_MAX_BYTES (HG_PACK_BLOCK * 16)

/* Packs the full tail into a new block. */
static void
pack_tail (HgSpill *spill, HgHistBig *big)
{
  guint8 buf[BLOCK_MAX_BYTES], *p = buf;
  guint32 d = big->n_blocks >> HG_PACK_DIR_SHIFT;
  guint64 sum = 0;
  HgPackBlock *block;
  guint8 *data;

  g_assert (big->n_tail == HG_PACK_BLOCK);
  for (guint32 k = 0; k < HG_PACK_BLOCK; k++)
    {
      if (k > 0)
        p = put_delta (p, big->tail[k].step - big->tail[k - 1].step,
                       zigzag32 (big->tail[k].value - big->tail[k - 1].value));
      if (big->has_aux)
        {
          p = put_varint (p, big->tail_aux[k]);
          sum += big->tail_aux[k];
        }
    }
  data = hg_spill_alloc (spill, MAX ((gsize)(p - buf), 1));
  memcpy (data, buf, (gsize)(p - buf));

  if ((big->n_blocks & (HG_PACK_DIR - 1)) == 0)
    {
      /* A new directory chunk; the directory doubles when full. */
      if (d == big->cap_dir)
        {
          guint32 cap = big->cap_dir ? big->cap_dir * 2 : 4;
          HgPackDir *dir = hg_spill_block_alloc (spill, hg_spill_class_for (cap * sizeof *dir));
          if (big->cap_dir > 0)
            {
              memcpy (dir, big->dir, d * sizeof *dir);
              hg_spill_block_free (spill, big->dir,
                                   hg_spill_class_for (big->cap_dir * sizeof *dir));
            }
          big->dir = dir;
          big->cap_dir = cap;
        }
      big->dir[d].blocks = hg_spill_alloc (spill, HG_PACK_DIR * sizeof (HgPackBlock));
      big->dir[d].step0 = big->tail[0].step;
    }
  block = &big->dir[d].blocks[big->n_blocks & (HG_PACK_DIR - 1)];
  block->step0 = big->tail[0].step;
  block->value0 = big->tail[0].value;
  block->aux_before = big->aux_packed;
  block->data = data;
  big->aux_packed += sum;
  big->n_blocks++;
  big->n_tail = 0;
}

void
hg_pack_append (HgSpill *spill, HgHistBig *big, guint32 step, guint32 value, guint32 aux)
{
  /* A full tail is packed only when the next entry comes: the last entry stays in the tail. */
  if (big->n_tail == HG_PACK_BLOCK)
    pack_tail (spill, big);
  big->tail[big->n_tail].step = step;
  big->tail[big->n_tail].value = value;
  big->tail_aux[big->n_tail] = aux;
  big->n_tail++;
}

void
hg_hist_make_packed (HgSpill *spill, HgHist *h, gboolean has_aux)
{
  HgHistBig *big = hg_spill_alloc (spill, sizeof (HgHistBig)); /* zero-filled */

  big->has_aux = has_aux;
  for (guint32 i = 0; i < h->n; i++)
    {
      HgEntry e = hist_get (h, i);
      hg_pack_append (spill, big, e.step, e.value, 0);
    }
  if (h->cap > 1)
    hg_spill_block_free (spill, h->u.many, hg_spill_class_for ((gsize)h->cap * sizeof (HgEntry)));
  h->u.big = big;
  h->cap = HIST_PACKED;
}
