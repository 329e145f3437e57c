/* heapglass-referrers.h: every place in one step's snapshot that holds a reference to an object
 * (names in frames, items of containers, attributes, weak references), for the inspector's
 * "referred to by". GLib only. */
#pragma once

#include <glib.h>

#include "heapglass-trace.h"

G_BEGIN_DECLS

typedef enum
{
  HEAPGLASS_REFERRER_GLOBAL,     /* a module-level name: name */
  HEAPGLASS_REFERRER_LOCAL,      /* a local name: name, function */
  HEAPGLASS_REFERRER_ITEM,       /* an item of a list or tuple: holder, index */
  HEAPGLASS_REFERRER_SET_ITEM,   /* an item of a set or frozenset: holder */
  HEAPGLASS_REFERRER_DICT_VALUE, /* a dict's value: holder, key_oid */
  HEAPGLASS_REFERRER_DICT_KEY,   /* a dict's key: holder */
  HEAPGLASS_REFERRER_ATTRIBUTE,  /* an instance's attribute: holder, name */
  HEAPGLASS_REFERRER_WEAK,       /* a weak reference (does not keep it alive): holder */
} HeapglassReferrerKind;

/* Pointers are into the snapshot and valid as long as it. */
typedef struct
{
  HeapglassReferrerKind kind;
  const char *name;                  /* GLOBAL, LOCAL: the variable; ATTRIBUTE: the attribute */
  const char *function;              /* LOCAL: the function's name */
  const HeapglassObjectView *holder; /* the object holding the reference; NULL for names */
  guint index;                       /* ITEM: the position */
  guint64 key_oid;                   /* DICT_VALUE: the key's object */
} HeapglassReferrer;

/* The referrers of `oid` at the snapshot's step, names first (outermost frame first), then
 * objects in snapshot order. Freed objects and the object itself are not referrers. */
GArray *heapglass_referrers_find (const HeapglassSnapshot *snapshot, guint64 oid);

G_END_DECLS
