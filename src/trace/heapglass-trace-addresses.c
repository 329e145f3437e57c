/* heapglass-trace-addresses.c: each object's address (what id() printed) and whether CPython made
 * it before the program, kept beside the object records rather than in them: 4 bytes an object,
 * in the spill, plus a base per block of objects. */
#include "config.h"

#include "heapglass-trace-private.h"

/* Objects of one block share a base: the address of the block's first object. */
#define ADDR_BLOCK_SHIFT 12
/* An offset that does not fit (another memory region, or not 8-byte aligned): the address is in
 * `far` instead. */
#define ADDR_FAR G_MININT32

typedef struct
{
  guint32 index;
  guint32 pad;
  guint64 address;
} HgFarAddress;

void
hg_addresses_init (HgAddresses *addresses)
{
  hg_col_init (&addresses->offsets, sizeof (gint32));
  addresses->bases = g_array_new (FALSE, FALSE, sizeof (guint64));
  addresses->far = g_array_new (FALSE, FALSE, sizeof (HgFarAddress));
  addresses->premade = g_array_new (FALSE, FALSE, sizeof (guint32));
}

void
hg_addresses_clear (HgAddresses *addresses)
{
  hg_col_clear (&addresses->offsets);
  g_clear_pointer (&addresses->bases, g_array_unref);
  g_clear_pointer (&addresses->far, g_array_unref);
  g_clear_pointer (&addresses->premade, g_array_unref);
}

void
hg_addresses_add (HeapglassTrace *self, guint32 index, guint64 address, gboolean premade)
{
  HgAddresses *addresses = &self->addresses;
  gint32 *offset;
  guint64 base;
  gint64 delta;

  g_assert (index == addresses->offsets.n);
  if ((index & ((1u << ADDR_BLOCK_SHIFT) - 1)) == 0)
    g_array_append_val (addresses->bases, address);
  base = g_array_index (addresses->bases, guint64, index >> ADDR_BLOCK_SHIFT);
  delta = (gint64)(address - base);
  offset = hg_col_push (self->spill, &addresses->offsets);
  if (delta % 8 == 0 && delta / 8 > ADDR_FAR && delta / 8 <= G_MAXINT32)
    *offset = (gint32)(delta / 8);
  else
    {
      HgFarAddress far = { index, 0, address };
      *offset = ADDR_FAR;
      g_array_append_val (addresses->far, far);
    }
  if (premade)
    g_array_append_val (addresses->premade, index);
}

guint64
hg_address_of (HeapglassTrace *self, guint32 index)
{
  HgAddresses *addresses = &self->addresses;
  gint32 offset;
  guint lo = 0, hi;

  if (index >= addresses->offsets.n)
    return 0; /* a stream without addresses (version 2) */
  offset = *(const gint32 *)hg_col_at (&addresses->offsets, index);
  if (offset != ADDR_FAR)
    return g_array_index (addresses->bases, guint64, index >> ADDR_BLOCK_SHIFT)
           + (guint64)((gint64)offset * 8);
  hi = addresses->far->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const HgFarAddress *far = &g_array_index (addresses->far, HgFarAddress, mid);

      if (far->index == index)
        return far->address;
      if (far->index < index)
        lo = mid + 1;
      else
        hi = mid;
    }
  g_return_val_if_reached (0);
}

/* The position of the first premade object whose index is ≥ `index`. */
static guint
premade_lower_bound (const GArray *premade, guint32 index)
{
  guint lo = 0, hi = premade->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (premade, guint32, mid) < index)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

gboolean
hg_is_premade (HeapglassTrace *self, guint32 index)
{
  const GArray *premade = self->addresses.premade;
  guint at;

  /* asked for every object made and freed: most come after every premade one (a long loop's
   * new ints), which needs no search */
  if (premade->len == 0 || index > g_array_index (premade, guint32, premade->len - 1))
    return FALSE;
  at = premade_lower_bound (premade, index);
  return at < premade->len && g_array_index (premade, guint32, at) == index;
}

guint32
hg_premade_created_upto (HeapglassTrace *self, guint32 n_created)
{
  /* Objects are created in index order, so the premade ones among the first n_created are those
   * with an index below it. */
  return premade_lower_bound (self->addresses.premade, n_created);
}

gsize
hg_addresses_memory (HeapglassTrace *self)
{
  const HgAddresses *addresses = &self->addresses;

  return addresses->bases->len * sizeof (guint64) + addresses->far->len * sizeof (HgFarAddress)
         + addresses->premade->len * sizeof (guint32);
}
