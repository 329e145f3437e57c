/* heapglass-inspector.c: the object inspector panel. Reads one snapshot of the trace model and
 * tells the learner what the selected object is, who refers to it and when it changed. */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <glib/gi18n.h>
#include <inttypes.h>

#include "heapglass-inspector.h"
#include "heapglass-object-facts.h"
#include "heapglass-referrers.h"
#include "heapglass-value-text.h"
#include "heapglass-resources.h"

struct _HeapglassInspector
{
  GtkWidget parent_instance;

  HeapglassTrace *trace;
  guint step;
  guint64 oid;
  guint created_step;
  guint freed_step;
  guint previous_change;
  guint next_change;

  /* template children */
  GtkStack *stack;
  GtkLabel *type_label;
  GtkLabel *status_label;
  GtkLabel *cached_label;
  GtkLabel *value_label;
  GtkLabel *id_label;
  GtkWidget *address_title;
  GtkLabel *address_label;
  GtkLabel *address_note;
  GtkLabel *size_label;
  GtkLabel *refcount_label;
  GtkLabel *referrers_label;
  GtkButton *created_button;
  GtkLabel *created_label;
  GtkButton *freed_button;
  GtkLabel *freed_label;
  GtkButton *previous_button;
  GtkButton *next_button;
  GtkLabel *changes_label;

  HeapglassRunController *controller;
};

G_DEFINE_FINAL_TYPE (HeapglassInspector, heapglass_inspector, GTK_TYPE_WIDGET)

enum
{
  JUMP_TO_STEP,
  SELECT_OBJECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A short name for an object in the referrers list, as a link that selects it: `list #12`. */
static char *
object_short_name (const HeapglassObjectView *object)
{
  return g_markup_printf_escaped ("<a href=\"oid:%" PRIu64 "\">%s #%" PRIu64 "</a>", object->oid,
                                  object->type_name ? object->type_name : "?", object->oid);
}

/* How a dict key reads after its dict's name: ['name'] for str keys, [3] for ints. */
static char *
key_text (const HeapglassSnapshot *snapshot, guint64 key_oid)
{
  const HeapglassObjectView *key = heapglass_snapshot_find_object (snapshot, key_oid);

  if (key == NULL)
    return g_strdup ("[…]");
  switch (key->kind)
    {
    case HG_KIND_STR:
      {
        g_autofree char *quoted = heapglass_str_repr ("", key->text, 0, 0);
        return g_strdup_printf ("[%s]", quoted);
      }
    case HG_KIND_INT:
      return g_strdup_printf ("[%" PRId64 "]", key->int_value);
    case HG_KIND_BOOL:
      return g_strdup (key->bool_value ? "[True]" : "[False]");
    case HG_KIND_NONE:
      return g_strdup ("[None]");
    default:
      return g_strdup_printf ("[%s #%" PRIu64 "]", key->type_name, key->oid);
    }
}

static char *
describe_value (const HeapglassObjectView *object)
{
  switch (object->kind)
    {
    case HG_KIND_NONE:
      return g_strdup ("None");
    case HG_KIND_BOOL:
      return g_strdup (object->bool_value ? "True" : "False");
    case HG_KIND_INT:
      return g_strdup_printf ("%" PRId64, object->int_value);
    case HG_KIND_BIGINT:
      return g_strdup_printf (
          ngettext ("%s (%zu digit)", "%s (%zu digits)", object->text ? strlen (object->text) : 0),
          object->text ? object->text : "", object->text ? strlen (object->text) : 0);
    case HG_KIND_FLOAT:
      return heapglass_float_repr (object->float_value);
    case HG_KIND_STR:
    case HG_KIND_BYTES:
      {
        g_autofree char *quoted = heapglass_value_text (object, 0);
        /* Translators: %s is a quoted string, then its length in characters or bytes. */
        return g_strdup_printf (
            ngettext ("%s, length %" PRIu64, "%s, length %" PRIu64, object->length), quoted,
            object->length);
      }
    case HG_KIND_LIST:
    case HG_KIND_TUPLE:
    case HG_KIND_SET:
    case HG_KIND_FROZENSET:
      if (object->n_items < object->length)
        return g_strdup_printf (ngettext ("%" PRIu64 " item (first %u shown)",
                                          "%" PRIu64 " items (first %u shown)", object->length),
                                object->length, object->n_items);
      return g_strdup_printf (ngettext ("%" PRIu64 " item", "%" PRIu64 " items", object->length),
                              object->length);
    case HG_KIND_DICT:
      return g_strdup_printf (ngettext ("%" PRIu64 " entry", "%" PRIu64 " entries", object->length),
                              object->length);
    case HG_KIND_INSTANCE:
      {
        g_autoptr (GString) text = g_string_new (NULL);
        for (guint i = 0; i < object->n_attrs; i++)
          g_string_append_printf (text, "%s%s", i ? ", " : "", object->attr_names[i]);
        if (text->len == 0)
          return g_strdup (_ ("No attributes"));
        /* Translators: %s is a list of attribute names. */
        return g_strdup_printf (_ ("Attributes: %s"), text->str);
      }
    case HG_KIND_WEAKREF:
      if (object->referent != 0)
        /* Translators: a weak reference and the object it points to. */
        return g_strdup_printf (_ ("Weak reference to #%" PRIu64), object->referent);
      return g_strdup (_ ("Weak reference, dead: its object was freed"));
    case HG_KIND_FUNCTION:
    case HG_KIND_CLASS:
    case HG_KIND_MODULE:
    case HG_KIND_OTHER:
    default:
      return g_strdup (object->text ? object->text : "");
    }
}

/* Every place in this step's snapshot that holds a reference to `oid` (found by the core), one
 * per line, Pango markup: containers are links (see on_referrer_link). */
static char *
describe_referrers (const HeapglassSnapshot *snapshot, guint64 oid)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GArray) referrers = heapglass_referrers_find (snapshot, oid);

  for (guint i = 0; i < referrers->len; i++)
    {
      const HeapglassReferrer *r = &g_array_index (referrers, HeapglassReferrer, i);
      g_autofree char *name = r->holder != NULL ? object_short_name (r->holder) : NULL;
      g_autofree char *line = NULL;

      switch (r->kind)
        {
        case HEAPGLASS_REFERRER_GLOBAL:
          /* Translators: %s is a global variable's name. */
          line = g_markup_printf_escaped (_ ("%s (global)"), r->name);
          break;
        case HEAPGLASS_REFERRER_LOCAL:
          /* Translators: a local variable's name, then its function's name. */
          line = g_markup_printf_escaped (_ ("%s in %s()"), r->name, r->function);
          break;
        case HEAPGLASS_REFERRER_ITEM:
          line = g_strdup_printf ("%s[%u]", name, r->index);
          break;
        case HEAPGLASS_REFERRER_SET_ITEM:
          /* Translators: an item of a set, %s is the set's name. */
          line = g_strdup_printf (_ ("item of %s"), name);
          break;
        case HEAPGLASS_REFERRER_DICT_VALUE:
          {
            g_autofree char *k = key_text (snapshot, r->key_oid);
            g_autofree char *escaped = g_markup_escape_text (k, -1);

            line = g_strdup_printf ("%s%s", name, escaped);
          }
          break;
        case HEAPGLASS_REFERRER_DICT_KEY:
          /* Translators: %s is a dict's name. */
          line = g_strdup_printf (_ ("key in %s"), name);
          break;
        case HEAPGLASS_REFERRER_ATTRIBUTE:
          {
            g_autofree char *attr = g_markup_escape_text (r->name, -1);

            line = g_strdup_printf ("%s.%s", name, attr);
          }
          break;
        case HEAPGLASS_REFERRER_WEAK:
        default:
          /* Translators: %s is a weakref's name; a weak reference does not keep it alive. */
          line = g_strdup_printf (_ ("%s (weak)"), name);
          break;
        }
      g_string_append_printf (text, "%s%s", text->len ? "\n" : "", line);
    }

  if (text->len == 0)
    return g_markup_escape_text (_ ("Nothing shown in this step"), -1);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The button's own label wraps ("Before the program (cached by CPython)" in a narrow pane). */
static void
set_step_button (GtkButton *button, GtkLabel *label, guint step, const char *none)
{
  if (step == 0)
    {
      gtk_label_set_text (label, none);
      gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_ ("Step %u"), step);
      gtk_label_set_text (label, text);
      gtk_widget_set_sensitive (GTK_WIDGET (button), TRUE);
    }
}

static void
inspector_show_empty (HeapglassInspector *self)
{
  self->created_step = self->freed_step = 0;
  self->previous_change = self->next_change = 0;
  gtk_label_set_text (self->type_label, "");
  gtk_label_set_text (self->refcount_label, "");
  gtk_label_set_text (self->referrers_label, "");
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
inspector_update (HeapglassInspector *self)
{
  g_autoptr (HeapglassSnapshot) snapshot = NULL;
  const HeapglassObjectView *object;

  if (self->trace == NULL || self->oid == 0 || self->step == 0
      || self->step > heapglass_trace_get_n_steps (self->trace))
    {
      inspector_show_empty (self);
      return;
    }

  snapshot = heapglass_trace_snapshot (self->trace, self->step);
  object = snapshot ? heapglass_snapshot_find_object (snapshot, self->oid) : NULL;
  if (object == NULL)
    {
      /* The object is not in this step (not yet created, freed earlier, or unreachable): say so
       * rather than showing stale facts. */
      inspector_show_empty (self);
      return;
    }

  g_autofree char *value = describe_value (object);
  g_autofree char *id = g_strdup_printf ("#%" PRIu64, object->oid);
  g_autofree char *size = g_strdup_printf (
      ngettext ("%" PRIu64 " byte", "%" PRIu64 " bytes", object->size), object->size);
  g_autofree char *refcount = g_strdup_printf ("%u", object->refcount);
  g_autofree char *referrers = describe_referrers (snapshot, self->oid);

  gtk_label_set_text (self->type_label, object->type_name ? object->type_name : "?");
  gtk_label_set_text (self->value_label, value);
  gtk_label_set_text (self->id_label, id);
  {
    /* id() is the address, as print(id(x)) wrote it in the traced run: no digit grouping. */
    guint64 address = heapglass_trace_get_object_address (self->trace, self->oid);
    g_autofree char *address_text = g_strdup_printf ("%" PRIu64, address);
    /* Translators: %s is Heapglass's own number for an object, like #996. */
    g_autofree char *note = g_strdup_printf (
        _ ("id() is where the object is in memory: what print(id(x)) showed in this run. Another "
           "run gives other numbers, and a freed object’s place can be reused. %s is Heapglass’s "
           "own number for it: small, the same in every view and never reused."),
        id);

    gtk_label_set_text (self->address_label, address != 0 ? address_text : "");
    gtk_label_set_text (self->address_note, note);
    /* Traces without addresses (older streams) only have the number. */
    gtk_widget_set_visible (self->address_title, address != 0);
    gtk_widget_set_visible (GTK_WIDGET (self->address_label), address != 0);
    gtk_widget_set_visible (GTK_WIDGET (self->address_note), address != 0);
  }
  gtk_label_set_text (self->size_label, size);
  gtk_label_set_text (self->refcount_label, refcount);
  gtk_label_set_markup (self->referrers_label, referrers);

  if (object->freed)
    {
      gtk_label_set_text (self->status_label, _ ("Freed by this step"));
      gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
    }
  else if (object->changed && object->created_step == self->step)
    {
      gtk_label_set_text (self->status_label, _ ("Created by this step"));
      gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
    }
  else if (object->changed)
    {
      gtk_label_set_text (self->status_label, _ ("Changed by this step"));
      gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);

  self->created_step = object->created_step;
  self->freed_step = object->freed_step;
  /* What the trace knows (its address lies in the interpreter: streams since version 3), else
   * what the value tells (the small ints, None, …). */
  gboolean premade = heapglass_trace_get_object_address (self->trace, self->oid) != 0
                         ? heapglass_trace_get_object_premade (self->trace, self->oid)
                         : heapglass_object_is_cached (object);
  {
    g_autofree char *cached = premade ? heapglass_object_premade_text () : NULL;

    gtk_label_set_text (self->cached_label, cached != NULL ? cached : "");
    gtk_widget_set_visible (GTK_WIDGET (self->cached_label), cached != NULL);
    /* "Created by this step" is not true of what CPython made before the program. */
    if (cached != NULL && !object->freed)
      gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);
  }
  if (premade)
    {
      self->created_step = 0;
      set_step_button (self->created_button, self->created_label, 0,
                       _ ("Before the program (cached by CPython)"));
    }
  else
    set_step_button (self->created_button, self->created_label, self->created_step,
                     _ ("Before the first step"));
  set_step_button (self->freed_button, self->freed_label, self->freed_step,
                   _ ("Still alive at the end"));

  /* "When did it change": the nearest recorded changes on either side of this step. */
  g_autoptr (GArray) changes = heapglass_trace_get_object_changes (self->trace, self->oid);
  self->previous_change = self->next_change = 0;
  if (changes != NULL)
    {
      /* Ascending steps: binary search for the first change after this step (a list appended
       * to a million times has a million changes, and this runs at every step). */
      const guint *steps = (const guint *)(gpointer)changes->data;
      guint lo = 0, hi = changes->len;
      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;
          if (steps[mid] <= self->step)
            lo = mid + 1;
          else
            hi = mid;
        }
      if (lo < changes->len)
        self->next_change = steps[lo];
      /* lo - 1 is the last change at or before this step; skip one at this very step. */
      for (guint i = lo; i > 0; i--)
        if (steps[i - 1] < self->step)
          {
            self->previous_change = steps[i - 1];
            break;
          }
      g_autofree char *count
          = g_strdup_printf (ngettext ("Created or changed at %u step",
                                       "Created or changed at %u steps", changes->len),
                             changes->len);
      gtk_label_set_text (self->changes_label, count);
    }
  else
    gtk_label_set_text (self->changes_label, "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->previous_button), self->previous_change != 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), self->next_change != 0);

  gtk_stack_set_visible_child_name (self->stack, "object");
}

static void
inspector_jump (HeapglassInspector *self, guint step)
{
  if (step != 0)
    g_signal_emit (self, signals[JUMP_TO_STEP], 0, step);
}

static void
on_created_clicked (HeapglassInspector *self)
{
  inspector_jump (self, self->created_step);
}

static void
on_freed_clicked (HeapglassInspector *self)
{
  inspector_jump (self, self->freed_step);
}

static void
on_previous_clicked (HeapglassInspector *self)
{
  inspector_jump (self, self->previous_change);
}

static void
on_next_clicked (HeapglassInspector *self)
{
  inspector_jump (self, self->next_change);
}

/* A container in the referrers list was clicked: ask for it to be selected (the window selects
 * it on the canvas, which shows it here). */
static gboolean
on_referrer_link (HeapglassInspector *self, const char *uri)
{
  guint64 oid;

  if (!g_str_has_prefix (uri, "oid:")
      || !g_ascii_string_to_unsigned (uri + 4, 10, 1, G_MAXUINT64, &oid, NULL))
    return FALSE;
  g_signal_emit (self, signals[SELECT_OBJECT], 0, oid);
  return TRUE;
}

static void
on_controller_trace (HeapglassInspector *self, GParamSpec *pspec,
                     HeapglassRunController *controller)
{
  heapglass_inspector_set_trace (self, heapglass_run_controller_get_trace (controller));
  heapglass_inspector_show_object (self, 0, 0);
}

/* The object shown stays selected from step to step. */
static void
on_controller_step (HeapglassInspector *self, GParamSpec *pspec, HeapglassRunController *controller)
{
  if (self->oid != 0)
    heapglass_inspector_show_object (self, heapglass_run_controller_get_step (controller),
                                     self->oid);
}

void
heapglass_inspector_set_controller (HeapglassInspector *self, HeapglassRunController *controller)
{
  g_return_if_fail (HEAPGLASS_IS_INSPECTOR (self));

  heapglass_run_controller_follow (&self->controller, controller, self,
                                   G_CALLBACK (on_controller_trace),
                                   G_CALLBACK (on_controller_step));
}

static void
heapglass_inspector_dispose (GObject *object)
{
  heapglass_inspector_set_controller (HEAPGLASS_INSPECTOR (object), NULL);
  HeapglassInspector *self = HEAPGLASS_INSPECTOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HEAPGLASS_TYPE_INSPECTOR);
  g_clear_object (&self->trace);
  G_OBJECT_CLASS (heapglass_inspector_parent_class)->dispose (object);
}

static void
heapglass_inspector_class_init (HeapglassInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heapglass_inspector_dispose;

  signals[JUMP_TO_STEP]
      = g_signal_new ("jump-to-step", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  signals[SELECT_OBJECT]
      = g_signal_new ("select-object", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);

  /* The resources live in a static library: referring to them makes sure the linker keeps them
   * (and their constructor registers them) in every program that uses this widget. */
  g_assert (heapglass_get_resource () != NULL);

  /* The template names libadwaita types; make sure they are registered before it is parsed. */
  g_type_ensure (ADW_TYPE_STATUS_PAGE);
  g_type_ensure (ADW_TYPE_BUTTON_CONTENT);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/heapglass/Heapglass/heapglass-inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, stack);
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, type_label);
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, status_label);
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, value_label);
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, id_label);
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, address_title);
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, address_label);
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, address_note);
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, size_label);
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, refcount_label);
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, referrers_label);
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, cached_label);
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, created_button);
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, freed_button);
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, created_label);
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, freed_label);
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, previous_button);
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, next_button);
  gtk_widget_class_bind_template_child (widget_class, HeapglassInspector, changes_label);
  gtk_widget_class_bind_template_callback (widget_class, on_created_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_freed_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_previous_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_next_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_referrer_link);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inspector");
}

static void
heapglass_inspector_init (HeapglassInspector *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  inspector_show_empty (self);
}

GtkWidget *
heapglass_inspector_new (void)
{
  return g_object_new (HEAPGLASS_TYPE_INSPECTOR, NULL);
}

void
heapglass_inspector_set_trace (HeapglassInspector *self, HeapglassTrace *trace)
{
  g_return_if_fail (HEAPGLASS_IS_INSPECTOR (self));
  g_return_if_fail (trace == NULL || HEAPGLASS_IS_TRACE (trace));

  if (!g_set_object (&self->trace, trace))
    return;
  self->oid = 0;
  self->step = 0;
  inspector_update (self);
}

void
heapglass_inspector_show_object (HeapglassInspector *self, guint step, guint64 oid)
{
  g_return_if_fail (HEAPGLASS_IS_INSPECTOR (self));

  self->step = step;
  self->oid = oid;
  inspector_update (self);
}

guint64
heapglass_inspector_get_oid (HeapglassInspector *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_INSPECTOR (self), 0);
  return self->oid;
}

guint
heapglass_inspector_get_step (HeapglassInspector *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_INSPECTOR (self), 0);
  return self->step;
}

static const char *
shown_text (HeapglassInspector *self, GtkLabel *label)
{
  const char *text;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "object") != 0)
    return NULL;
  text = gtk_label_get_text (label);
  return text && *text ? text : NULL;
}

const char *
heapglass_inspector_get_type_text (HeapglassInspector *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_INSPECTOR (self), NULL);
  return shown_text (self, self->type_label);
}

const char *
heapglass_inspector_get_cached_text (HeapglassInspector *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_INSPECTOR (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->cached_label))
             ? gtk_label_get_text (self->cached_label)
             : NULL;
}

const char *
heapglass_inspector_get_address_text (HeapglassInspector *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_INSPECTOR (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->address_label))
             ? shown_text (self, self->address_label)
             : NULL;
}

const char *
heapglass_inspector_get_id_text (HeapglassInspector *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_INSPECTOR (self), NULL);
  return shown_text (self, self->id_label);
}

const char *
heapglass_inspector_get_refcount_text (HeapglassInspector *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_INSPECTOR (self), NULL);
  return shown_text (self, self->refcount_label);
}

const char *
heapglass_inspector_get_referrers_text (HeapglassInspector *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_INSPECTOR (self), NULL);
  return shown_text (self, self->referrers_label);
}

guint
heapglass_inspector_get_previous_change (HeapglassInspector *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_INSPECTOR (self), 0);
  return self->previous_change;
}

guint
heapglass_inspector_get_next_change (HeapglassInspector *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_INSPECTOR (self), 0);
  return self->next_change;
}
