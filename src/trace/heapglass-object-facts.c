/* heapglass-object-facts.c: CPython's cached (shared, pre-made) objects, told apart by value. */
#include "config.h"

#include <glib/gi18n.h>

#include "heapglass-object-facts.h"

gboolean
heapglass_object_is_cached (const HeapglassObjectView *object)
{
  g_return_val_if_fail (object != NULL, FALSE);

  switch (object->kind)
    {
    case HG_KIND_NONE:
    case HG_KIND_BOOL:
      return TRUE;
    case HG_KIND_INT:
      /* CPython's small int cache: _PY_NSMALLNEGINTS = 5, _PY_NSMALLPOSINTS = 257. */
      return object->int_value >= -5 && object->int_value <= 256;
    case HG_KIND_TUPLE:
      return object->length == 0;
    case HG_KIND_STR:
      /* The empty string and the 256 one-character Latin-1 strings are made once. */
      return object->length == 0
             || (object->length == 1 && object->text != NULL
                 && g_utf8_get_char (object->text) < 256);
    default:
      return FALSE;
    }
}

char *
heapglass_object_cached_text (const HeapglassObjectView *object)
{
  g_return_val_if_fail (object != NULL, NULL);

  if (!heapglass_object_is_cached (object))
    return NULL;
  return heapglass_object_premade_text ();
}

char *
heapglass_object_premade_text (void)
{
  return g_strdup (_ ("Cached by CPython: made before the program started and shared by all the "
                      "code that uses this value, so its reference count counts every use in "
                      "the interpreter, not only this program's."));
}
