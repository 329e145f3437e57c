/* heapglass-narration.c: tells a step of a trace in sentences (see heapglass-narration.h).
 * Sentences are whole translatable templates with placeholders for names and values, so that a
 * translator can reorder them; values are written by heapglass-value-text. */
#include "config.h"

#include "heapglass-narration.h"

#include <glib/gi18n.h>
#include <string.h>

#include "heapglass-value-text.h"

/* A container longer than this, or whose text is longer than VALUE_CHARS, is summarised ("a list
 * of 1,000 ints") instead of spelled out. */
#define SPELLED_ITEMS 10
#define VALUE_CHARS 48
/* At most this many changes are told one by one, then "and N more". */
#define MAX_CHANGES 6
/* Names of one frame told in full; other frames list at most OTHER_NAMES names. */
#define MAX_GROUPS 12
#define OTHER_NAMES 6

/* One name of the snapshot, sorted by the object it refers to, to find the aliases of an object
 * in O(log n). */
typedef struct
{
  guint64 oid;
  guint frame;
  guint binding;
} NameRef;

typedef struct
{
  const HeapglassSnapshot *previous;
  const HeapglassSnapshot *snapshot;
  GArray *refs; /* NameRef, sorted by oid, then frame, then binding */
} Narrator;

static gboolean
is_module (const HeapglassFrameView *frame)
{
  return g_strcmp0 (frame->function, "<module>") == 0;
}

/* Dunder globals (__name__, __builtins__…) are the interpreter's, not the learner's. */
static gboolean
is_hidden (const HeapglassFrameView *frame, guint binding)
{
  const char *name = frame->names[binding];
  gsize len;

  if (!is_module (frame) || name == NULL)
    return name == NULL;
  len = strlen (name);
  return len > 4 && g_str_has_prefix (name, "__") && g_str_has_suffix (name, "__");
}

/* A stack deeper than HEAPGLASS_NARRATION_MAX_FRAMES is told by its outermost and innermost
 * frames; the middle is counted, not told (a 50,000-deep recursion reads in one breath). */
static gboolean
frame_told (const HeapglassSnapshot *s, guint f)
{
  guint half = HEAPGLASS_NARRATION_MAX_FRAMES / 2;

  return s->n_frames <= HEAPGLASS_NARRATION_MAX_FRAMES || f < half || f >= s->n_frames - half;
}

static int
compare_refs (gconstpointer a, gconstpointer b)
{
  const NameRef *x = a, *y = b;

  if (x->oid != y->oid)
    return x->oid < y->oid ? -1 : 1;
  if (x->frame != y->frame)
    return x->frame < y->frame ? -1 : 1;
  return x->binding < y->binding ? -1 : x->binding > y->binding;
}

static void
add_frame_refs (GArray *refs, const HeapglassSnapshot *snapshot, guint f)
{
  for (guint i = 0; i < snapshot->frames[f].n_bindings; i++)
    if (!is_hidden (&snapshot->frames[f], i))
      {
        NameRef ref = { snapshot->frames[f].oids[i], f, i };
        g_array_append_val (refs, ref);
      }
}

/* The names of every frame, or of `n_frames` given ones (frames = NULL: all). */
static GArray *
build_refs_of (const HeapglassSnapshot *snapshot, const guint *frames, guint n_frames)
{
  GArray *refs = g_array_new (FALSE, FALSE, sizeof (NameRef));

  if (frames == NULL)
    for (guint f = 0; f < snapshot->n_frames; f++)
      {
        if (frame_told (snapshot, f))
          add_frame_refs (refs, snapshot, f);
      }
  else
    for (guint i = 0; i < n_frames; i++)
      if (frames[i] < snapshot->n_frames)
        add_frame_refs (refs, snapshot, frames[i]);
  g_array_sort (refs, compare_refs);
  return refs;
}

static GArray *
build_refs (const HeapglassSnapshot *snapshot)
{
  return build_refs_of (snapshot, NULL, 0);
}

/* The range [*first, *last) of refs naming `oid`. */
static void
refs_of (GArray *refs, guint64 oid, guint *first, guint *last)
{
  guint lo = 0, hi = refs->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (refs, NameRef, mid).oid < oid)
        lo = mid + 1;
      else
        hi = mid;
    }
  *first = lo;
  while (lo < refs->len && g_array_index (refs, NameRef, lo).oid == oid)
    lo++;
  *last = lo;
}

/* "a, b and c" */
static char *
join_words (GPtrArray *words)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < words->len; i++)
    {
      if (i > 0 && i + 1 == words->len)
        {
          char *pair = g_strdup_printf (
              /* Translators: the last two items of a list: "a, b and c". */
              _ ("%s and %s"), out->str, (const char *)words->pdata[i]);
          g_string_assign (out, pair);
          g_free (pair);
        }
      else
        {
          if (i > 0)
            /* Translators: between items of a list: "a, b and c". */
            g_string_append (out, _ (", "));
          g_string_append (out, words->pdata[i]);
        }
    }
  return g_string_free (out, FALSE);
}

/* ---------------------------------------------------------------------------------------------- */
/* Objects as noun phrases */

typedef enum
{
  ARTICLE_DEFINITE,   /* "the list [1, 2]" */
  ARTICLE_INDEFINITE, /* "a list of 1,000 ints" */
  ARTICLE_NONE,       /* "None", "True" */
} Article;

static gboolean
is_container (const HeapglassObjectView *object)
{
  switch (object->kind)
    {
    case HG_KIND_LIST:
    case HG_KIND_TUPLE:
    case HG_KIND_SET:
    case HG_KIND_FROZENSET:
    case HG_KIND_DICT:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The type every shown item has, or NULL when they differ (or are not in the snapshot). */
static const char *
common_item_type (const HeapglassSnapshot *snapshot, const HeapglassObjectView *object)
{
  const char *type = NULL;

  if (object->kind == HG_KIND_DICT || object->n_items == 0)
    return NULL;
  for (guint i = 0; i < object->n_items; i++)
    {
      const HeapglassObjectView *item = heapglass_snapshot_find_object (snapshot, object->items[i]);
      if (item == NULL || item->type_name == NULL)
        return NULL;
      if (type == NULL)
        type = item->type_name;
      else if (strcmp (type, item->type_name) != 0)
        return NULL;
    }
  return type;
}

/* The phrase without its article ("list [1, 2]", "list of 1,000 ints", "None"). */
static char *
object_core (const HeapglassSnapshot *snapshot, const HeapglassObjectView *object, Article *article)
{
  const char *type_name = object->type_name ? object->type_name : "object";

  *article = ARTICLE_DEFINITE;
  switch (object->kind)
    {
    case HG_KIND_NONE:
    case HG_KIND_BOOL:
      *article = ARTICLE_NONE;
      return heapglass_object_repr (snapshot, object, VALUE_CHARS);
    case HG_KIND_FUNCTION:
      /* Translators: %s is a function's name: "the function outer()". */
      return g_strdup_printf (_ ("function %s()"), object->text ? object->text : "?");
    case HG_KIND_CLASS:
      return g_strdup_printf (_ ("class %s"), object->text ? object->text : "?");
    case HG_KIND_MODULE:
      return g_strdup_printf (_ ("module %s"), object->text ? object->text : "?");
    case HG_KIND_INSTANCE:
      /* Translators: %s is a class name: "the Node object". */
      return g_strdup_printf (_ ("%s object"), type_name);
    case HG_KIND_WEAKREF:
      {
        const HeapglassObjectView *referent
            = object->referent ? heapglass_snapshot_find_object (snapshot, object->referent) : NULL;
        if (object->referent == 0)
          return g_strdup (_ ("dead weak reference"));
        return g_strdup_printf (_ ("weak reference to a %s"),
                                referent && referent->type_name ? referent->type_name : "?");
      }
    default:
      break;
    }

  if (is_container (object))
    {
      g_autofree char *text = NULL;

      if (object->length <= SPELLED_ITEMS && object->n_items == object->length)
        {
          text = heapglass_object_repr (snapshot, object, VALUE_CHARS);
          if (g_utf8_strlen (text, -1) <= VALUE_CHARS && !strstr (text, "…"))
            /* Translators: a type and a value: "list [1, 2]", "int 5". */
            return g_strdup_printf (_ ("%s %s"), type_name, text);
        }
      {
        g_autofree char *count = heapglass_count_text (object->length);
        const char *item_type = common_item_type (snapshot, object);
        gulong n = (gulong)MIN (object->length, G_MAXULONG);

        *article = ARTICLE_INDEFINITE;
        if (object->kind == HG_KIND_DICT)
          return g_strdup_printf (
              /* Translators: "dict of 3 entries" */
              ngettext ("%s of %s entry", "%s of %s entries", n), type_name, count);
        if (item_type != NULL)
          return g_strdup_printf (
              /* Translators: a container, its length and the type of all its items: "list of
               * 1,000,000 ints". The type is Python's name and is not translated. */
              ngettext ("%1$s of %2$s %3$s", "%1$s of %2$s %3$ss", n), type_name, count, item_type);
        return g_strdup_printf (
            /* Translators: "list of 1,000 items" */
            ngettext ("%s of %s item", "%s of %s items", n), type_name, count);
      }
    }

  {
    g_autofree char *text = heapglass_object_repr (snapshot, object, VALUE_CHARS);
    return g_strdup_printf (_ ("%s %s"), type_name, text);
  }
}

static char *
with_article (const char *core, Article article)
{
  switch (article)
    {
    case ARTICLE_NONE:
      return g_strdup (core);
    case ARTICLE_INDEFINITE:
      /* Translators: an object summarised: "a list of 1,000 ints". */
      return g_strdup_printf (_ ("a %s"), core);
    case ARTICLE_DEFINITE:
    default:
      /* Translators: an object: "the list [1, 2]", "the int 5". */
      return g_strdup_printf (_ ("the %s"), core);
    }
}

static char *
phrase_of (const HeapglassSnapshot *snapshot, guint64 oid)
{
  const HeapglassObjectView *object
      = snapshot ? heapglass_snapshot_find_object (snapshot, oid) : NULL;
  g_autofree char *core = NULL;
  Article article;

  if (object == NULL)
    return g_strdup (_ ("an object not recorded"));
  core = object_core (snapshot, object, &article);
  return with_article (core, article);
}

char *
heapglass_narration_object_phrase (const HeapglassSnapshot *snapshot, guint64 oid)
{
  g_return_val_if_fail (snapshot != NULL, NULL);
  return phrase_of (snapshot, oid);
}

/* How a name of another frame reads: "outer's a", "the global a". */
static char *
qualified_name (const HeapglassSnapshot *snapshot, guint frame, guint binding)
{
  const HeapglassFrameView *f = &snapshot->frames[frame];

  if (is_module (f))
    /* Translators: a name of the program's top level, e.g. "the global a". */
    return g_strdup_printf (_ ("the global %s"), f->names[binding]);
  /* Translators: a name of a function's frame: "outer's a". */
  return g_strdup_printf (_ ("%s's %s"), f->function, f->names[binding]);
}

/* The names of refs [first, last) outside frame `skip`, as "outer's a", innermost frame first
 * and in binding order within a frame. */
static void
add_other_frames (const HeapglassSnapshot *snapshot, GArray *refs, guint first, guint last,
                  guint skip, GPtrArray *words)
{
  guint r = last;

  while (r > first)
    {
      guint frame = g_array_index (refs, NameRef, r - 1).frame;
      guint start = r;

      while (start > first && g_array_index (refs, NameRef, start - 1).frame == frame)
        start--;
      for (guint i = start; i < r && frame != skip; i++)
        g_ptr_array_add (
            words, qualified_name (snapshot, frame, g_array_index (refs, NameRef, i).binding));
      r = start;
    }
}

static char *
frame_title (const HeapglassFrameView *frame)
{
  if (is_module (frame))
    return g_strdup (_ ("the module level"));
  return g_strdup_printf ("%s()", frame->function);
}

/* ---------------------------------------------------------------------------------------------- */
/* What this step did */

static void
sentence (GString *out, char *text)
{
  if (out->len > 0)
    g_string_append_c (out, ' ');
  g_string_append (out, text);
  g_free (text);
}

static gboolean
raised_here (const HeapglassSnapshot *s)
{
  for (guint f = 0; f < s->n_frames; f++)
    if (s->frames[f].exception_type != NULL)
      return TRUE;
  return FALSE;
}

static void
tell_event (Narrator *n, GString *out)
{
  const HeapglassSnapshot *s = n->snapshot;
  const HeapglassFrameView *top = s->n_frames ? &s->frames[s->n_frames - 1] : NULL;
  const HeapglassFrameView *caller = s->n_frames > 1 ? &s->frames[s->n_frames - 2] : NULL;

  if (top == NULL)
    {
      sentence (out, g_strdup (_ ("The program has no frames.")));
      return;
    }
  switch (s->event)
    {
    case HEAPGLASS_EVENT_CALL:
      if (is_module (top))
        sentence (out, g_strdup (_ ("The program starts.")));
      else if (caller == NULL || is_module (caller))
        sentence (out, g_strdup_printf (_ ("The program calls %s()."), top->function));
      else
        /* Translators: a function calls another: "outer() calls inner()." */
        sentence (out, g_strdup_printf (_ ("%s() calls %s()."), caller->function, top->function));
      break;
    case HEAPGLASS_EVENT_RETURN:
      if (is_module (top))
        sentence (out, g_strdup (_ ("The program ends.")));
      else if (s->return_value != 0)
        {
          g_autofree char *value = phrase_of (s, s->return_value);
          if (caller == NULL || is_module (caller))
            /* Translators: "outer() returns the int 3 to the module level." */
            sentence (out, g_strdup_printf (_ ("%s() returns %s to the module level."),
                                            top->function, value));
          else
            /* Translators: "inner() returns the int 3 to outer()." */
            sentence (out, g_strdup_printf (_ ("%s() returns %s to %s()."), top->function, value,
                                            caller->function));
        }
      else if (caller == NULL || is_module (caller))
        sentence (out, g_strdup_printf (_ ("%s() returns to the module level."), top->function));
      else
        /* Translators: "inner() returns to outer()." */
        sentence (out,
                  g_strdup_printf (_ ("%s() returns to %s()."), top->function, caller->function));
      break;
    case HEAPGLASS_EVENT_EXCEPTION:
    case HEAPGLASS_EVENT_LINE:
    default:
      if (s->event == HEAPGLASS_EVENT_EXCEPTION && raised_here (s))
        break;
      if (is_module (top))
        sentence (out, g_strdup_printf (_ ("Line %u of the program is about to run."), s->line));
      else
        /* Translators: "Line 8 in inner() is about to run." */
        sentence (out,
                  g_strdup_printf (_ ("Line %u in %s() is about to run."), s->line, top->function));
      break;
    }

  for (guint f = s->n_frames; f > 0; f--)
    {
      const HeapglassFrameView *frame = &s->frames[f - 1];
      const char *message = frame->exception_message ? frame->exception_message : "";

      if (frame->exception_type == NULL)
        continue;
      if (is_module (frame))
        sentence (out, g_strdup_printf (
                           /* Translators: an exception, the line and its message:
                            * "ValueError at line 11 of the program: “bad value”." */
                           *message ? _ ("%s at line %u of the program: “%s”.")
                                    : _ ("%s at line %u of the program."),
                           frame->exception_type, frame->line, message));
      else
        sentence (out,
                  g_strdup_printf (
                      /* Translators: "ValueError in boom() at line 9: “bad value”." */
                      *message ? _ ("%s in %s() at line %u: “%s”.") : _ ("%s in %s() at line %u."),
                      frame->exception_type, frame->function, frame->line, message));
    }
}

static const HeapglassFrameView *
previous_frame (Narrator *n, guint frame_id)
{
  if (n->previous == NULL)
    return NULL;
  for (guint f = n->previous->n_frames; f > 0; f--)
    if (n->previous->frames[f - 1].frame_id == frame_id)
      return &n->previous->frames[f - 1];
  return NULL;
}

/* Names of a frame → binding index + 1, for frames with many names (a program's globals). */
static GHashTable *
index_bindings (const HeapglassFrameView *frame)
{
  GHashTable *index;

  if (frame->n_bindings <= 16)
    return NULL;
  index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < frame->n_bindings; i++)
    if (frame->names[i])
      g_hash_table_insert (index, (gpointer)frame->names[i], GUINT_TO_POINTER (i + 1));
  return index;
}

static gboolean
find_binding_in (const HeapglassFrameView *frame, GHashTable *index, const char *name,
                 guint *binding)
{
  guint found;

  if (index == NULL)
    {
      for (guint i = 0; i < frame->n_bindings; i++)
        if (g_strcmp0 (frame->names[i], name) == 0)
          {
            *binding = i;
            return TRUE;
          }
      return FALSE;
    }
  found = GPOINTER_TO_UINT (g_hash_table_lookup (index, name));
  if (found == 0)
    return FALSE;
  *binding = found - 1;
  return TRUE;
}

static G_GNUC_UNUSED gboolean
find_binding (const HeapglassFrameView *frame, const char *name, guint *binding)
{
  for (guint i = 0; i < frame->n_bindings; i++)
    if (g_strcmp0 (frame->names[i], name) == 0)
      {
        *binding = i;
        return TRUE;
      }
  return FALSE;
}

/* Did the contents of an object that existed before change (not only its refcount or size)? */
static gboolean
contents_changed (const HeapglassObjectView *before, const HeapglassObjectView *now)
{
  gsize item_words = now->kind == HG_KIND_DICT ? 2 : 1;

  if (before == NULL)
    return FALSE;
  if (before->length != now->length || before->n_items != now->n_items
      || before->n_attrs != now->n_attrs || before->referent != now->referent)
    return TRUE;
  if (now->n_items
      && memcmp (before->items, now->items, item_words * now->n_items * sizeof (guint64)) != 0)
    return TRUE;
  for (guint i = 0; i < now->n_attrs; i++)
    if (before->attr_oids[i] != now->attr_oids[i]
        || g_strcmp0 (before->attr_names[i], now->attr_names[i]) != 0)
      return TRUE;
  return FALSE;
}

static void
count_or_tell (GString *out, guint *told, guint *untold, char *text)
{
  if (*told < MAX_CHANGES)
    {
      sentence (out, text);
      (*told)++;
    }
  else
    {
      g_free (text);
      (*untold)++;
    }
}

static void
tell_changes (Narrator *n, GString *out)
{
  const HeapglassSnapshot *s = n->snapshot;
  guint told = 0, untold = 0;
  g_autoptr (GPtrArray) freed = g_ptr_array_new_with_free_func (g_free);

  /* names: bound, rebound, removed, in frames that were there before */
  for (guint f = s->n_frames; f > 0 && n->previous; f--)
    {
      const HeapglassFrameView *frame = &s->frames[f - 1];
      const HeapglassFrameView *before;
      g_autoptr (GHashTable) before_index = NULL;
      g_autoptr (GHashTable) frame_index = NULL;

      if (!frame_told (s, f - 1))
        continue;
      before = previous_frame (n, frame->frame_id);
      if (before == NULL)
        continue; /* a new frame: its names are told with the frame */
      before_index = index_bindings (before);
      frame_index = index_bindings (frame);
      for (guint i = 0; i < frame->n_bindings; i++)
        {
          guint old;
          g_autofree char *who = NULL;
          g_autofree char *what = NULL;

          if (is_hidden (frame, i) || !frame->rebound[i])
            continue;
          who = f == s->n_frames ? g_strdup (frame->names[i]) : qualified_name (s, f - 1, i);
          what = phrase_of (s, frame->oids[i]);
          if (!find_binding_in (before, before_index, frame->names[i], &old))
            /* Translators: "New name b refers to the list [1, 2]." */
            count_or_tell (out, &told, &untold,
                           g_strdup_printf (_ ("New name %s refers to %s."), who, what));
          else if (before->oids[old] != frame->oids[i])
            {
              g_autofree char *was = phrase_of (n->previous, before->oids[old]);
              /* Translators: "x now refers to the int 6 instead of the int 5." */
              count_or_tell (
                  out, &told, &untold,
                  g_strdup_printf (_ ("%s now refers to %s instead of %s."), who, what, was));
            }
        }
      for (guint i = 0; i < before->n_bindings; i++)
        {
          guint now;

          if (is_hidden (before, i) || find_binding_in (frame, frame_index, before->names[i], &now))
            continue;
          if (f == s->n_frames)
            /* Translators: a name deleted or unbound: "The name x is gone." */
            count_or_tell (out, &told, &untold,
                           g_strdup_printf (_ ("The name %s is gone."), before->names[i]));
          else
            {
              g_autofree char *who = g_strdup_printf (
                  is_module (before) ? _ ("the global %s") : _ ("%s's %s"),
                  is_module (before) ? before->names[i] : before->function, before->names[i]);
              count_or_tell (out, &told, &untold,
                             g_strdup_printf (_ ("The name %s is gone."), who));
            }
        }
    }

  /* objects: contents changed, freed */
  for (guint o = 0; o < s->n_objects; o++)
    {
      const HeapglassObjectView *object = &s->objects[o];

      if (object->freed)
        {
          /* as it was while alive: its items may have died with it */
          gboolean known = n->previous && heapglass_snapshot_find_object (n->previous, object->oid);
          g_ptr_array_add (freed, phrase_of (known ? n->previous : s, object->oid));
          continue;
        }
      if (!object->changed || object->created_step >= s->step)
        continue;
      if (n->previous
          && contents_changed (heapglass_snapshot_find_object (n->previous, object->oid), object))
        {
          g_autofree char *what = phrase_of (s, object->oid);
          /* Translators: a mutation: "This step changed the list [1, 2, 3]." */
          count_or_tell (out, &told, &untold, g_strdup_printf (_ ("This step changed %s."), what));
        }
    }
  if (freed->len > 0)
    {
      guint shown = MIN (freed->len, 3);
      g_autoptr (GPtrArray) words = g_ptr_array_new ();

      for (guint i = 0; i < shown; i++)
        g_ptr_array_add (words, freed->pdata[i]);
      if (freed->len > shown)
        g_ptr_array_add (words, g_strdup_printf (ngettext ("%u more object", "%u more objects",
                                                           freed->len - shown),
                                                 freed->len - shown));
      {
        g_autofree char *list = join_words (words);
        /* Translators: "This step freed the list [4, 5]." (objects reclaimed) */
        sentence (out, g_strdup_printf (_ ("This step freed %s."), list));
      }
      if (freed->len > shown)
        g_free (words->pdata[words->len - 1]);
    }
  if (untold > 0)
    sentence (
        out, g_strdup_printf (
                 ngettext ("It made %u more change.", "It made %u more changes.", untold), untold));
}

/* ---------------------------------------------------------------------------------------------- */
/* The names of a frame */

/* The sentence for the names of frame `f` that refer to `oid` (`names`: their indices), with the
 * names of other frames that refer to it too. */
static char *
group_sentence (Narrator *n, guint f, GArray *names)
{
  const HeapglassSnapshot *s = n->snapshot;
  const HeapglassFrameView *frame = &s->frames[f];
  guint64 oid = frame->oids[g_array_index (names, guint, 0)];
  const HeapglassObjectView *object = heapglass_snapshot_find_object (s, oid);
  g_autoptr (GPtrArray) own = g_ptr_array_new ();
  g_autoptr (GPtrArray) others = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *own_text = NULL;
  g_autofree char *others_text = NULL;
  g_autofree char *what = NULL;
  guint first, last;
  char *text;

  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (own, (gpointer)frame->names[g_array_index (names, guint, i)]);
  refs_of (n->refs, oid, &first, &last);
  add_other_frames (s, n->refs, first, last, f, others);
  /* Small ints, None and True are shared by the interpreter: their aliases teach nothing. */
  if (object && (object->kind == HG_KIND_NONE || object->kind == HG_KIND_BOOL))
    g_ptr_array_set_size (others, 0);
  own_text = join_words (own);
  if (others->len > 0)
    others_text = join_words (others);

  if (own->len == 1)
    {
      what = phrase_of (s, oid);
      if (others_text)
        text = g_strdup_printf (
            /* Translators: "b refers to the list [1, 2], which outer's a also refers to." */
            ngettext ("%s refers to %s, which %s also refers to.",
                      "%s refers to %s, which %s also refer to.", others->len),
            own_text, what, others_text);
      else
        /* Translators: "x refers to the int 5." */
        text = g_strdup_printf (_ ("%s refers to %s."), own_text, what);
    }
  else
    {
      Article article = ARTICLE_DEFINITE;
      g_autofree char *core
          = object ? object_core (s, object, &article) : g_strdup (_ ("an object not recorded"));
      if (others_text)
        text = g_strdup_printf (
            /* Translators: "param and b refer to the same list [1, 2], which outer's a also
             * refers to." */
            ngettext ("%s refer to the same %s, which %s also refers to.",
                      "%s refer to the same %s, which %s also refer to.", others->len),
            own_text, core, others_text);
      else
        /* Translators: "x and y refer to the same list [1, 2]." */
        text = g_strdup_printf (_ ("%s refer to the same %s."), own_text, core);
    }

  /* where a shared mutable object came from: the step it was made */
  if (object && (own->len > 1 || others->len > 0) && object->created_step > 0
      && (is_container (object) || object->kind == HG_KIND_INSTANCE))
    {
      char *more = g_strdup_printf (_ ("It was created at step %u."), object->created_step);
      char *both = g_strconcat (text, " ", more, NULL);
      g_free (text);
      g_free (more);
      text = both;
    }
  return text;
}

static void
tell_frame (Narrator *n, GString *out, guint f)
{
  const HeapglassSnapshot *s = n->snapshot;
  const HeapglassFrameView *frame = &s->frames[f];
  g_autoptr (GArray) done = g_array_sized_new (FALSE, TRUE, sizeof (gboolean), frame->n_bindings);
  g_autoptr (GArray) names = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GString) body = g_string_new (NULL);
  guint groups = 0, told = 0, visible = 0;

  g_array_set_size (done, frame->n_bindings);
  for (guint i = 0; i < frame->n_bindings; i++)
    {
      guint first, last;

      if (is_hidden (frame, i))
        continue;
      visible++;
      if (g_array_index (done, gboolean, i) || groups >= MAX_GROUPS)
        continue;
      /* this frame's names of the same object, in binding order, from the index by object */
      g_array_set_size (names, 0);
      refs_of (n->refs, frame->oids[i], &first, &last);
      for (guint r = first; r < last; r++)
        {
          const NameRef *ref = &g_array_index (n->refs, NameRef, r);
          if (ref->frame == f && !g_array_index (done, gboolean, ref->binding))
            {
              g_array_append_val (names, ref->binding);
              g_array_index (done, gboolean, ref->binding) = TRUE;
            }
        }
      sentence (body, group_sentence (n, f, names));
      told += names->len;
      groups++;
    }
  {
    guint untold = visible - told;
    if (untold > 0)
      sentence (body, g_strdup_printf (
                          ngettext ("There is %u more name.", "There are %u more names.", untold),
                          untold));
  }

  if (groups == 0)
    sentence (out, is_module (frame)
                       ? g_strdup (_ ("The program has no global names yet."))
                       : g_strdup_printf (_ ("%s() has no names yet."), frame->function));
  else if (is_module (frame))
    /* Translators: the names of the program's top level follow, as sentences. */
    sentence (out, g_strdup_printf (_ ("Globals: %s"), body->str));
  else
    /* Translators: the names of a function's frame follow, as sentences: "In inner(): b
     * refers to …" */
    sentence (out, g_strdup_printf (_ ("In %s(): %s"), frame->function, body->str));
}

/* "outer() with a and b" */
static char *
frame_brief (const HeapglassFrameView *frame)
{
  g_autoptr (GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *title = frame_title (frame);
  g_autofree char *list = NULL;
  guint visible = 0;

  for (guint i = 0; i < frame->n_bindings; i++)
    if (!is_hidden (frame, i))
      {
        if (visible < OTHER_NAMES)
          g_ptr_array_add (words, g_strdup (frame->names[i]));
        visible++;
      }
  if (visible == 0)
    /* Translators: a frame on the stack without names: "outer() with no names". */
    return g_strdup_printf (_ ("%s with no names"), title);
  if (visible > OTHER_NAMES)
    g_ptr_array_add (words, g_strdup_printf (ngettext ("%u more", "%u more", visible - OTHER_NAMES),
                                             visible - OTHER_NAMES));
  list = join_words (words);
  /* Translators: a frame on the stack and its names: "outer() with a and b". */
  return g_strdup_printf (_ ("%s with %s"), title, list);
}

static void
tell_other_frames (Narrator *n, GString *out)
{
  const HeapglassSnapshot *s = n->snapshot;
  g_autoptr (GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *list = NULL;
  guint untold = 0;

  if (s->n_frames < 2)
    return;
  for (guint f = s->n_frames - 1; f > 0; f--)
    {
      if (!frame_told (s, f - 1))
        {
          untold++;
          continue;
        }
      if (untold > 0)
        {
          g_ptr_array_add (
              words, g_strdup_printf (
                         ngettext ("%u frame not shown", "%u frames not shown", untold), untold));
          untold = 0;
        }
      g_ptr_array_add (words, frame_brief (&s->frames[f - 1]));
      if (f - 1 == s->n_frames_head && s->n_frames_hidden > 0)
        g_ptr_array_add (words,
                         g_strdup_printf (ngettext ("%u frame not shown", "%u frames not shown",
                                                    s->n_frames_hidden),
                                          s->n_frames_hidden));
    }
  list = join_words (words);
  /* Translators: the callers, innermost first: "Also on the stack: outer() with a and the module
   * level with outer and inner." */
  sentence (out, g_strdup_printf (_ ("Also on the stack: %s."), list));
}

static char *
narrate (const HeapglassSnapshot *previous, const HeapglassSnapshot *snapshot, gboolean brief)
{
  Narrator n = { 0 };
  GString *out;

  n.previous = previous && previous->step + 1 == snapshot->step ? previous : NULL;
  n.snapshot = snapshot;
  n.refs = build_refs (snapshot);
  out = g_string_new (NULL);

  /* Translators: the first sentence of a step's narration. */
  sentence (out, g_strdup_printf (_ ("Step %u of %u."), snapshot->step, snapshot->n_steps));
  tell_event (&n, out);
  tell_changes (&n, out);
  if (!brief && snapshot->n_frames > 0)
    tell_frame (&n, out, snapshot->n_frames - 1);
  if (!brief)
    tell_other_frames (&n, out);

  g_array_unref (n.refs);
  return g_string_free (out, FALSE);
}

char *
heapglass_narration_describe_snapshots (const HeapglassSnapshot *previous,
                                        const HeapglassSnapshot *snapshot)
{
  g_return_val_if_fail (snapshot != NULL, NULL);
  return narrate (previous, snapshot, FALSE);
}

char *
heapglass_narration_describe_brief (const HeapglassSnapshot *previous,
                                    const HeapglassSnapshot *snapshot)
{
  g_return_val_if_fail (snapshot != NULL, NULL);
  return narrate (previous, snapshot, TRUE);
}

char *
heapglass_narration_object_name (const HeapglassSnapshot *snapshot, guint64 oid)
{
  const HeapglassObjectView *object;
  Article article;

  g_return_val_if_fail (snapshot != NULL, NULL);
  object = heapglass_snapshot_find_object (snapshot, oid);
  if (object == NULL)
    return g_strdup (_ ("an object not recorded"));
  return object_core (snapshot, object, &article);
}

char *
heapglass_narration_describe (HeapglassTrace *trace, guint step)
{
  g_autoptr (HeapglassSnapshot) snapshot = NULL;
  g_autoptr (HeapglassSnapshot) previous = NULL;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), NULL);

  if (step == 0 || step > heapglass_trace_get_n_steps (trace))
    return NULL;
  snapshot = heapglass_trace_snapshot_limited (trace, step, HEAPGLASS_NARRATION_MAX_FRAMES);
  if (step > 1)
    previous = heapglass_trace_snapshot_limited (trace, step - 1, HEAPGLASS_NARRATION_MAX_FRAMES);
  return heapglass_narration_describe_snapshots (previous, snapshot);
}

/* ---------------------------------------------------------------------------------------------- */
/* A pinned step against the current one */

/* A name of the frame `frame_id` of `snapshot` as the narration says it: bare in the innermost
 * frame, "the global x" or "outer's x" elsewhere. */
static char *
name_in (const HeapglassSnapshot *snapshot, guint frame_id, const char *function, const char *name)
{
  if (snapshot->n_frames > 0 && snapshot->frames[snapshot->n_frames - 1].frame_id == frame_id)
    return g_strdup (name);
  if (g_strcmp0 (function, "<module>") == 0)
    return g_strdup_printf (_ ("the global %s"), name);
  return g_strdup_printf (_ ("%s's %s"), function, name);
}

/* "the list [1, 2], the int 5 and 3 more objects" from oids phrased in `snapshot`. */
static char *
object_list (const HeapglassSnapshot *snapshot, const GArray *oids)
{
  guint shown = MIN (oids->len, 3);
  g_autoptr (GPtrArray) words = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < shown; i++)
    g_ptr_array_add (words, phrase_of (snapshot, g_array_index (oids, guint64, i)));
  if (oids->len > shown)
    g_ptr_array_add (
        words, g_strdup_printf (ngettext ("%u more object", "%u more objects", oids->len - shown),
                                oids->len - shown));
  return join_words (words);
}

char *
heapglass_narration_describe_comparison (const HeapglassStepDiff *diff)
{
  const HeapglassSnapshot *pinned, *current;
  gboolean forward;
  guint told = 0, untold = 0;
  GString *out;

  g_return_val_if_fail (diff != NULL, NULL);

  pinned = heapglass_step_diff_get_pinned_snapshot (diff);
  current = heapglass_step_diff_get_current_snapshot (diff);
  out = g_string_new (NULL);
  if (diff->pinned_step == diff->current_step)
    {
      sentence (out, g_strdup_printf (_ ("Step %u is pinned: move to another step to compare."),
                                      diff->pinned_step));
      return g_string_free (out, FALSE);
    }
  if (heapglass_step_diff_is_empty (diff))
    {
      sentence (
          out, g_strdup_printf (_ ("Nothing differs from the pinned step %u."), diff->pinned_step));
      return g_string_free (out, FALSE);
    }
  forward = diff->pinned_step < diff->current_step;
  /* Translators: the start of what differs from a pinned step, "Compared with step 12:" */
  sentence (out, g_strdup_printf (_ ("Compared with step %u:"), diff->pinned_step));

  /* names first: what the learner reads the program by */
  for (guint i = 0; i < diff->rebound->len; i++)
    {
      const HeapglassRebinding *r = &g_array_index (diff->rebound, HeapglassRebinding, i);
      g_autofree char *who = name_in (current, r->frame_id, r->function, r->name);
      g_autofree char *what = phrase_of (current, r->new_oid);

      if (r->old_oid == 0)
        /* Translators: "b refers to the list [1, 2] (unbound at step 12)." */
        count_or_tell (out, &told, &untold,
                       g_strdup_printf (_ ("%s refers to %s (unbound at step %u)."), who, what,
                                        diff->pinned_step));
      else
        {
          g_autofree char *was = phrase_of (pinned, r->old_oid);
          /* Translators: "x refers to the int 5 (the int 4 at step 12)." */
          count_or_tell (out, &told, &untold,
                         g_strdup_printf (_ ("%s refers to %s (%s at step %u)."), who, what, was,
                                          diff->pinned_step));
        }
    }
  if (untold > 0)
    sentence (out,
              g_strdup_printf (ngettext ("%u more name differs.", "%u more names differ.", untold),
                               untold));

  /* objects: new and gone as seen from the current step, changed in between */
  if (diff->created->len > 0)
    {
      g_autofree char *list = object_list (current, diff->created);
      sentence (out, g_strdup_printf (forward ? _ ("New since step %u: %s.")
                                              /* Translators: objects alive now that the later
                                                 pinned step no longer has */
                                              : _ ("Freed by step %u: %s."),
                                      diff->pinned_step, list));
    }
  if (diff->gone->len > 0)
    {
      g_autofree char *list = object_list (pinned, diff->gone);
      sentence (out, g_strdup_printf (forward ? _ ("Freed since step %u: %s.")
                                              /* Translators: objects of the later pinned step
                                                 that do not exist yet */
                                              : _ ("Created by step %u: %s."),
                                      diff->pinned_step, list));
    }
  if (diff->mutated->len > 0)
    {
      g_autofree char *list = object_list (current, diff->mutated);
      sentence (out, g_strdup_printf (forward ? _ ("Changed since step %u: %s.")
                                              : _ ("Changed by step %u: %s."),
                                      diff->pinned_step, list));
    }
  return g_string_free (out, FALSE);
}

/* ---------------------------------------------------------------------------------------------- */
/* How a prediction went */

/* The clause for one result, without its verdict: "x was rebound", "it printed “3”". */
static char *
result_clause (const HeapglassSnapshot *now, const HeapglassSnapshot *next,
               const HeapglassGuessResult *r)
{
  switch (r->kind)
    {
    case HEAPGLASS_GUESS_NAME:
      {
        const HeapglassFrameView *frame = heapglass_snapshot_find_frame (now, r->frame_id);
        const HeapglassFrameView *later
            = next ? heapglass_snapshot_find_frame (next, r->frame_id) : NULL;
        g_autofree char *who = name_in (now, r->frame_id, frame ? frame->function : NULL, r->name);
        guint binding;

        if (r->verdict == HEAPGLASS_VERDICT_WRONG)
          /* Translators: a wrong guess, "x was not rebound" */
          return g_strdup_printf (_ ("%s was not rebound"), who);
        if (later != NULL && !find_binding (later, r->name, &binding))
          /* Translators: a name deleted by the step, "x was deleted" */
          return g_strdup_printf (_ ("%s was deleted"), who);
        /* Translators: a name bound to another object by the step, "x was rebound" */
        return g_strdup_printf (_ ("%s was rebound"), who);
      }
    case HEAPGLASS_GUESS_OBJECT:
      {
        /* as the learner now sees it, or as it was before it was freed */
        g_autofree char *what = phrase_of (r->freed || next == NULL ? now : next, r->oid);

        if (r->verdict == HEAPGLASS_VERDICT_WRONG)
          /* Translators: a wrong guess, "the list [1, 2] did not change" */
          return g_strdup_printf (_ ("%s did not change"), what);
        if (r->freed)
          /* Translators: "the list [1, 2] was freed" */
          return g_strdup_printf (_ ("%s was freed"), what);
        /* Translators: "the list [1, 2, 3] changed" */
        return g_strdup_printf (_ ("%s changed"), what);
      }
    case HEAPGLASS_GUESS_OUTPUT:
    default:
      if (r->verdict != HEAPGLASS_VERDICT_WRONG)
        /* Translators: the next output line, "it printed “3”" */
        return g_strdup_printf (_ ("it printed “%s”"), r->name);
      if (r->typed == NULL || g_strcmp0 (r->typed, r->name) == 0)
        /* Translators: output guessed where there was none, "it printed nothing, not “3”" */
        return g_strdup_printf (_ ("it printed nothing, not “%s”"), r->name);
      /* Translators: "it printed “3”, not “4”" */
      return g_strdup_printf (_ ("it printed “%s”, not “%s”"), r->name, r->typed);
    }
}

char *
heapglass_narration_describe_prediction (HeapglassTrace *trace, guint step, const GArray *results,
                                         gboolean scored)
{
  g_autoptr (HeapglassSnapshot) now = NULL;
  g_autoptr (HeapglassSnapshot) next = NULL;
  guint n_right = 0, n_guesses = 0, told = 0, untold = 0;
  GString *out;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), NULL);
  g_return_val_if_fail (results != NULL, NULL);
  g_return_val_if_fail (step >= 1 && step < heapglass_trace_get_n_steps (trace), NULL);

  now = heapglass_trace_snapshot_limited (trace, step, HEAPGLASS_NARRATION_MAX_FRAMES);
  next = heapglass_trace_snapshot_limited (trace, step + 1, HEAPGLASS_NARRATION_MAX_FRAMES);
  for (guint i = 0; i < results->len; i++)
    {
      const HeapglassGuessResult *r = &g_array_index (results, HeapglassGuessResult, i);
      n_right += r->verdict == HEAPGLASS_VERDICT_RIGHT;
      n_guesses += r->verdict != HEAPGLASS_VERDICT_MISSED;
    }

  out = g_string_new (NULL);
  if (!scored)
    sentence (out, g_strdup (_ ("Skipped.")));
  else if (n_guesses == 0)
    sentence (out, g_strdup (_ ("You predicted no change.")));
  else
    /* Translators: "2 of 3 predictions right." */
    sentence (out, g_strdup_printf (ngettext ("%u of %u prediction right.",
                                              "%u of %u predictions right.", n_guesses),
                                    n_right, n_guesses));
  /* right, then wrong, then missed: how the learner did before what they did not see */
  for (int verdict = HEAPGLASS_VERDICT_RIGHT; verdict <= HEAPGLASS_VERDICT_MISSED; verdict++)
    for (guint i = 0; i < results->len; i++)
      {
        const HeapglassGuessResult *r = &g_array_index (results, HeapglassGuessResult, i);
        HeapglassGuessResult shown = *r;
        g_autofree char *clause = NULL;

        /* skipped: what happened, all of it unseen; guesses that did not happen are moot */
        if (!scored && r->verdict == HEAPGLASS_VERDICT_WRONG)
          continue;
        if (!scored)
          shown.verdict = HEAPGLASS_VERDICT_MISSED;
        if ((int)shown.verdict != verdict)
          continue;
        clause = result_clause (now, next, &shown);
        count_or_tell (out, &told, &untold,
                       g_strdup_printf (verdict == HEAPGLASS_VERDICT_RIGHT ? _ ("Right: %s.")
                                        : verdict == HEAPGLASS_VERDICT_WRONG
                                            ? _ ("Wrong: %s.")
                                            /* Translators: what happened and was not
                                               predicted, "Missed: x was rebound." */
                                            : _ ("Missed: %s."),
                                        clause));
      }
  if (untold > 0)
    sentence (out, g_strdup_printf (ngettext ("And %u more.", "And %u more.", untold), untold));
  return g_string_free (out, FALSE);
}

char *
heapglass_narration_title (HeapglassTrace *trace, guint step)
{
  const char *script;
  g_autofree char *base = NULL;

  g_return_val_if_fail (HEAPGLASS_IS_TRACE (trace), NULL);

  script = heapglass_trace_get_script (trace);
  base = g_path_get_basename (script && *script ? script : _ ("program"));
  /* Translators: a diagram's title: "frames.py, step 11 of 15". */
  return g_strdup_printf (_ ("%s, step %u of %u"), base, step, heapglass_trace_get_n_steps (trace));
}

struct _HeapglassNarrationNames
{
  HeapglassSnapshot *snapshot;
  GArray *refs;
};

HeapglassNarrationNames *
heapglass_narration_names_new (HeapglassSnapshot *snapshot, const guint *frames, guint n_frames)
{
  HeapglassNarrationNames *names;

  g_return_val_if_fail (snapshot != NULL, NULL);

  names = g_new0 (HeapglassNarrationNames, 1);
  names->snapshot = heapglass_snapshot_ref (snapshot);
  names->refs = build_refs_of (snapshot, frames, n_frames);
  return names;
}

void
heapglass_narration_names_free (HeapglassNarrationNames *names)
{
  if (names == NULL)
    return;
  g_array_unref (names->refs);
  heapglass_snapshot_unref (names->snapshot);
  g_free (names);
}

char *
heapglass_narration_names_describe (HeapglassNarrationNames *names, guint frame, guint binding)
{
  const HeapglassSnapshot *snapshot;
  const HeapglassFrameView *f;
  g_autoptr (GPtrArray) others = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *what = NULL;
  guint first, last;

  g_return_val_if_fail (names != NULL, NULL);
  snapshot = names->snapshot;
  g_return_val_if_fail (frame < snapshot->n_frames, NULL);
  g_return_val_if_fail (binding < snapshot->frames[frame].n_bindings, NULL);

  f = &snapshot->frames[frame];
  what = phrase_of (snapshot, f->oids[binding]);
  refs_of (names->refs, f->oids[binding], &first, &last);
  /* names of the same frame first, then the other frames' from the innermost out */
  for (guint r = first; r < last; r++)
    {
      const NameRef *ref = &g_array_index (names->refs, NameRef, r);
      if (ref->frame == frame && ref->binding != binding)
        g_ptr_array_add (others, g_strdup (f->names[ref->binding]));
    }
  add_other_frames (snapshot, names->refs, first, last, frame, others);
  if (others->len > 0)
    {
      g_autofree char *list = join_words (others);
      /* Translators: "param refers to the list [1, 2], as do b and outer's a." */
      return g_strdup_printf (
          ngettext ("%s refers to %s, as does %s.", "%s refers to %s, as do %s.", others->len),
          f->names[binding], what, list);
    }
  return g_strdup_printf (_ ("%s refers to %s."), f->names[binding], what);
}

char *
heapglass_narration_names_referrers (HeapglassNarrationNames *names, guint64 oid)
{
  g_autoptr (GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  guint first, last;

  g_return_val_if_fail (names != NULL, NULL);

  refs_of (names->refs, oid, &first, &last);
  add_other_frames (names->snapshot, names->refs, first, last, G_MAXUINT, words);
  if (words->len == 0)
    return NULL;
  return join_words (words);
}

guint64
heapglass_narration_names_signature (HeapglassNarrationNames *names, guint64 oid)
{
  guint64 hash = 1469598103934665603ull;
  guint first, last;

  g_return_val_if_fail (names != NULL, 0);

  refs_of (names->refs, oid, &first, &last);
  for (guint r = first; r < last; r++)
    {
      const NameRef *ref = &g_array_index (names->refs, NameRef, r);
      hash = (hash ^ (((guint64)ref->frame << 32) | ref->binding)) * 1099511628211ull;
    }
  return hash ^ (last - first);
}

char *
heapglass_narration_describe_name (const HeapglassSnapshot *snapshot, guint frame, guint binding)
{
  HeapglassNarrationNames *names;
  char *text;

  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (frame < snapshot->n_frames, NULL);
  g_return_val_if_fail (binding < snapshot->frames[frame].n_bindings, NULL);

  names = heapglass_narration_names_new ((HeapglassSnapshot *)snapshot, NULL, 0);
  text = heapglass_narration_names_describe (names, frame, binding);
  heapglass_narration_names_free (names);
  return text;
}

gboolean
heapglass_narration_contents_changed (const HeapglassSnapshot *previous,
                                      const HeapglassSnapshot *snapshot, guint64 oid)
{
  const HeapglassObjectView *now;

  g_return_val_if_fail (snapshot != NULL, FALSE);

  now = heapglass_snapshot_find_object (snapshot, oid);
  if (now == NULL || now->freed || now->created_step >= snapshot->step || !now->changed)
    return FALSE;
  if (previous == NULL || previous->step + 1 != snapshot->step)
    return TRUE; /* unknown: trust the model's flag */
  return contents_changed (heapglass_snapshot_find_object (previous, oid), now);
}
