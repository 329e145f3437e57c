/* test-hostile-difffuzz.c: differential fuzzing of the tracer. A grammar-based generator writes
 * random valid Python programs (assignments, containers, calls, classes, closures, generators,
 * exceptions caught and not, loops with small bounds, sys.exit); each runs plainly with
 * $HEAPGLASS_PYTHON and traced, and the two must agree on stdout, the uncaught exception's type
 * and the exit status. Programs that once disagreed are kept in tests/data/difffuzz/ and replayed
 * first. The random part runs for $HEAPGLASS_DIFFFUZZ_SECONDS (default 60; longer nightly) from
 * $HEAPGLASS_DIFFFUZZ_SEED (default: the time, printed); a disagreement is written to the build
 * folder as difffuzz-failure-SEED-N.py. */

#include <signal.h>

#include "hostile-run.h"

/* ---- the generator ------------------------------------------------------------------------ */

typedef enum
{
  T_INT,
  T_STR,
  T_LIST, /* of ints */
  T_DICT, /* str → int */
  T_OBJ,  /* an instance of a generated class: attributes a (int) and b (list) */
  T_FUNC, /* int → int */
  N_TYPES
} VarType;

typedef struct
{
  char name[16];
  VarType type;
} Var;

typedef struct
{
  GRand *rand;
  GString *out;
  Var vars[64]; /* in scope: module globals, then the current function's locals */
  guint n_vars;
  guint n_names; /* fresh names so far */
  guint n_classes;
  guint n_funcs;
  guint scope_start; /* first local of the current function (its parameter) */
  int depth;         /* nesting of blocks */
  gboolean in_function;
  int in_fstring; /* 3.11: no backslash inside an f-string's expressions */
} Gen;

static int
rnd (Gen *g, int n)
{
  return g_rand_int_range (g->rand, 0, n);
}

static void
indent (Gen *g)
{
  for (int i = 0; i < g->depth; i++)
    g_string_append (g->out, "    ");
}

static const Var *
pick_var (Gen *g, VarType type)
{
  guint candidates[64], n = 0;

  for (guint i = 0; i < g->n_vars; i++)
    if (g->vars[i].type == type)
      candidates[n++] = i;
  return n ? &g->vars[candidates[rnd (g, (int)n)]] : NULL;
}

static void gen_expr (Gen *g, VarType type, int budget);

static void
gen_int (Gen *g, int budget)
{
  const Var *v;
  int choice = budget > 0 ? rnd (g, 9) : rnd (g, 2);

  switch (choice)
    {
    case 0:
      g_string_append_printf (g->out, "%d", rnd (g, 21) - 5);
      return;
    case 1:
      if ((v = pick_var (g, T_INT)) != NULL)
        {
          g_string_append (g->out, v->name);
          return;
        }
      g_string_append_printf (g->out, "%d", rnd (g, 100));
      return;
    case 2:
    case 3:
      {
        static const char *const ops[] = { "+", "-", "*", "%", "//", "&", "|", "^" };
        const char *op = ops[rnd (g, G_N_ELEMENTS (ops))];
        g_string_append_c (g->out, '(');
        gen_expr (g, T_INT, budget - 1);
        g_string_append_printf (g->out, " %s ", op);
        if (g_str_equal (op, "%") || g_str_equal (op, "//"))
          {
            /* mostly a safe divisor; sometimes a computed one (ZeroDivisionError is fine) */
            if (rnd (g, 6))
              g_string_append_printf (g->out, "%d", rnd (g, 7) + 1);
            else
              gen_expr (g, T_INT, budget - 1);
          }
        else
          gen_expr (g, T_INT, budget - 1);
        g_string_append_c (g->out, ')');
        return;
      }
    case 4:
      g_string_append (g->out, "len(");
      gen_expr (g, rnd (g, 3) == 0 ? T_STR : (rnd (g, 2) ? T_LIST : T_DICT), budget - 1);
      g_string_append_c (g->out, ')');
      return;
    case 5:
      if ((v = pick_var (g, T_FUNC)) != NULL)
        {
          g_string_append_printf (g->out, "%s(", v->name);
          gen_expr (g, T_INT, budget - 1);
          g_string_append_c (g->out, ')');
          return;
        }
      g_string_append (g->out, "sum(range(4))");
      return;
    case 6:
      if ((v = pick_var (g, T_OBJ)) != NULL)
        {
          g_string_append_printf (g->out, "%s.a", v->name);
          return;
        }
      g_string_append (g->out, "7");
      return;
    case 7:
      /* may raise IndexError: that is part of the game */
      g_string_append_c (g->out, '(');
      gen_expr (g, T_LIST, budget - 1);
      g_string_append_printf (g->out, " or [0])[%d]", rnd (g, 4) - 1);
      return;
    default:
      if ((v = pick_var (g, T_DICT)) != NULL && rnd (g, 3) == 0)
        g_string_append_printf (g->out, "%s.get('k%d', %d)", v->name, rnd (g, 4), rnd (g, 9));
      else
        {
          g_string_append (g->out, "max(");
          gen_expr (g, T_INT, budget - 1);
          g_string_append (g->out, ", ");
          gen_expr (g, T_INT, budget - 1);
          g_string_append_c (g->out, ')');
        }
      return;
    }
}

static void
gen_str (Gen *g, int budget)
{
  const Var *v;

  switch (budget > 0 ? rnd (g, 6) : 0)
    {
    case 0:
      {
        static const char *const words[]
            = { "'a'", "'heap'", "'stack'", "''", "'x y'", "'k1'", "'caf\\u00e9'", "'\\n'" };
        guint n_words = G_N_ELEMENTS (words) - (g->in_fstring ? 2 : 0);
        g_string_append (g->out, words[rnd (g, (int)n_words)]);
        return;
      }
    case 1:
      if ((v = pick_var (g, T_STR)) != NULL)
        {
          g_string_append (g->out, v->name);
          return;
        }
      g_string_append (g->out, "'s'");
      return;
    case 2:
      g_string_append (g->out, "str(");
      gen_expr (g, rnd (g, 2) ? T_INT : T_LIST, budget - 1);
      g_string_append_c (g->out, ')');
      return;
    case 3:
      g_string_append_c (g->out, '(');
      gen_expr (g, T_STR, budget - 1);
      g_string_append (g->out, " + ");
      gen_expr (g, T_STR, budget - 1);
      g_string_append_c (g->out, ')');
      return;
    case 4:
      g_string_append (g->out, "'-'.join(sorted(");
      gen_expr (g, T_DICT, budget - 1);
      g_string_append (g->out, "))");
      return;
    default:
      /* double quotes: the parts may hold single-quoted strings (3.11 cannot nest them) */
      g->in_fstring++;
      g_string_append (g->out, "f\"{");
      gen_expr (g, T_INT, budget - 1);
      g_string_append (g->out, "}/{");
      gen_expr (g, T_INT, budget - 1);
      g_string_append (g->out, "}\"");
      g->in_fstring--;
      return;
    }
}

static void
gen_list (Gen *g, int budget)
{
  const Var *v;

  switch (budget > 0 ? rnd (g, 6) : 0)
    {
    case 0:
      {
        int n = rnd (g, 5);
        g_string_append_c (g->out, '[');
        for (int i = 0; i < n; i++)
          {
            if (i)
              g_string_append (g->out, ", ");
            gen_expr (g, T_INT, budget - 1);
          }
        g_string_append_c (g->out, ']');
        return;
      }
    case 1:
      if ((v = pick_var (g, T_LIST)) != NULL)
        {
          g_string_append (g->out, v->name);
          return;
        }
      g_string_append (g->out, "[1, 2]");
      return;
    case 2:
      g_string_append_printf (g->out, "[i * i for i in range(%d)]", rnd (g, 6));
      return;
    case 3:
      g_string_append (g->out, "sorted(");
      gen_expr (g, T_LIST, budget - 1);
      g_string_append_printf (g->out, ", reverse=%s)", rnd (g, 2) ? "True" : "False");
      return;
    case 4:
      g_string_append_c (g->out, '(');
      gen_expr (g, T_LIST, budget - 1);
      g_string_append_printf (g->out, ")[%d:%d]", rnd (g, 3), rnd (g, 5));
      return;
    default:
      g_string_append (g->out, "list(");
      gen_expr (g, T_DICT, budget - 1);
      g_string_append (g->out, ".values())");
      return;
    }
}

static void
gen_dict (Gen *g, int budget)
{
  const Var *v;

  switch (budget > 0 ? rnd (g, 4) : 0)
    {
    case 0:
      {
        int n = rnd (g, 4);
        g_string_append_c (g->out, '{');
        for (int i = 0; i < n; i++)
          {
            g_string_append_printf (g->out, "%s'k%d': ", i ? ", " : "", rnd (g, 4));
            gen_expr (g, T_INT, budget - 1);
          }
        g_string_append_c (g->out, '}');
        return;
      }
    case 1:
      if ((v = pick_var (g, T_DICT)) != NULL)
        {
          g_string_append (g->out, v->name);
          return;
        }
      g_string_append (g->out, "{'k0': 0}");
      return;
    case 2:
      g_string_append_printf (g->out, "{f'k{i}': i for i in range(%d)}", rnd (g, 5));
      return;
    default:
      g_string_append (g->out, "dict(");
      gen_expr (g, T_DICT, budget - 1);
      g_string_append_printf (g->out, ", k%d=", rnd (g, 4));
      gen_expr (g, T_INT, budget - 1);
      g_string_append_c (g->out, ')');
      return;
    }
}

static void
gen_expr (Gen *g, VarType type, int budget)
{
  const Var *v;

  switch (type)
    {
    case T_INT:
      gen_int (g, budget);
      break;
    case T_STR:
      gen_str (g, budget);
      break;
    case T_LIST:
      gen_list (g, budget);
      break;
    case T_DICT:
      gen_dict (g, budget);
      break;
    case T_OBJ:
      if ((v = pick_var (g, T_OBJ)) != NULL && rnd (g, 2))
        g_string_append (g->out, v->name);
      else if (g->n_classes > 0)
        {
          g_string_append_printf (g->out, "C%d(", rnd (g, (int)g->n_classes));
          gen_expr (g, T_INT, budget - 1);
          g_string_append_c (g->out, ')');
        }
      else
        g_string_append (g->out, "None");
      break;
    case T_FUNC:
      if ((v = pick_var (g, T_FUNC)) != NULL)
        g_string_append (g->out, v->name);
      else
        g_string_append_printf (g->out, "(lambda n: n + %d)", rnd (g, 5));
      break;
    default:
      g_assert_not_reached ();
    }
}

static const char *
fresh (Gen *g, VarType type)
{
  Var *v;

  if (g->n_vars >= G_N_ELEMENTS (g->vars))
    {
      /* reuse a name of that type, or any */
      const Var *old = pick_var (g, type);
      return old ? old->name : NULL;
    }
  v = &g->vars[g->n_vars++];
  g_snprintf (v->name, sizeof v->name, "%c%u", "islduf"[type], g -> n_names++);
  v->type = type;
  return v->name;
}

static void gen_block (Gen *g, int n_statements);

static void
gen_print (Gen *g)
{
  VarType type = (VarType)rnd (g, 4);

  indent (g);
  g_string_append (g->out, "print(");
  gen_expr (g, type, 2);
  if (rnd (g, 3) == 0)
    {
      g_string_append (g->out, ", ");
      gen_expr (g, T_INT, 1);
    }
  g_string_append (g->out, ")\n");
}

static void
gen_assign (Gen *g)
{
  VarType type = (VarType)rnd (g, g->n_classes ? 5 : 4);
  const char *name;

  /* generate the value before the name exists */
  GString *saved = g->out;
  GString *value = g_string_new (NULL);
  g->out = value;
  gen_expr (g, type, 3);
  g->out = saved;
  /* rebind an existing name sometimes; in a function only its own locals (assigning a global
   * there would make it local from the function's first line) */
  {
    const Var *old = rnd (g, 3) == 0 ? pick_var (g, type) : NULL;
    if (old && g->in_function && (guint)(old - g->vars) < g->scope_start)
      old = NULL;
    name = old ? old->name : fresh (g, type);
  }
  if (name == NULL)
    name = "tmp";
  indent (g);
  g_string_append_printf (g->out, "%s = %s\n", name, value->str);
  g_string_free (value, TRUE);
}

static void
gen_mutation (Gen *g)
{
  const Var *v;

  indent (g);
  switch (rnd (g, 6))
    {
    case 0:
      if ((v = pick_var (g, T_LIST)) != NULL)
        {
          g_string_append_printf (g->out, "%s.append(", v->name);
          gen_expr (g, T_INT, 2);
          g_string_append (g->out, ")\n");
          return;
        }
      break;
    case 1:
      if ((v = pick_var (g, T_DICT)) != NULL)
        {
          g_string_append_printf (g->out, "%s['k%d'] = ", v->name, rnd (g, 5));
          gen_expr (g, T_INT, 2);
          g_string_append_c (g->out, '\n');
          return;
        }
      break;
    case 2:
      if ((v = pick_var (g, T_OBJ)) != NULL)
        {
          g_string_append_printf (g->out, "%s.a += ", v->name);
          gen_expr (g, T_INT, 1);
          g_string_append_c (g->out, '\n');
          return;
        }
      break;
    case 3:
      if ((v = pick_var (g, T_OBJ)) != NULL)
        {
          g_string_append_printf (g->out, "%s.b.append(%s.a)\n", v->name, v->name);
          return;
        }
      break;
    case 4:
      if ((v = pick_var (g, T_INT)) != NULL)
        {
          g_string_append_printf (g->out, "%s %s= ", v->name, rnd (g, 2) ? "+" : "*");
          gen_expr (g, T_INT, 1);
          g_string_append_c (g->out, '\n');
          return;
        }
      break;
    default:
      if ((v = pick_var (g, T_LIST)) != NULL)
        {
          g_string_append_printf (g->out, "%s.reverse()\n", v->name);
          return;
        }
      break;
    }
  g_string_append (g->out, "pass\n");
}

static void
gen_loop (Gen *g)
{
  const char *var = fresh (g, T_INT);

  indent (g);
  if (var == NULL)
    var = "_i";
  if (rnd (g, 3))
    g_string_append_printf (g->out, "for %s in range(%d):\n", var, 1 + rnd (g, 4));
  else
    {
      /* the counter is no variable of the table: nothing in the body may change it */
      char counter[16];
      g_snprintf (counter, sizeof counter, "w%u", g->n_names++);
      g_string_append_printf (g->out, "%s = 0\n", counter);
      indent (g);
      g_string_append_printf (g->out, "while %s < %d:\n", counter, rnd (g, 5));
      g->depth++;
      indent (g);
      g_string_append_printf (g->out, "%s += 1\n", counter);
      indent (g);
      g_string_append_printf (g->out, "%s = %s\n", var, counter);
      g->depth--;
    }
  g->depth++;
  gen_block (g, 1 + rnd (g, 3));
  if (rnd (g, 4) == 0)
    {
      indent (g);
      g_string_append_printf (g->out, "if %s == 2:\n", var);
      g->depth++;
      indent (g);
      g_string_append (g->out, rnd (g, 2) ? "break\n" : "continue\n");
      g->depth--;
    }
  g->depth--;
}

static void
gen_try (Gen *g)
{
  static const char *const raises[] = { "ValueError", "KeyError", "TypeError", "RuntimeError" };
  const char *exc = raises[rnd (g, G_N_ELEMENTS (raises))];
  guint vars_before = g->n_vars;

  indent (g);
  g_string_append (g->out, "try:\n");
  g->depth++;
  gen_block (g, 1 + rnd (g, 2));
  if (rnd (g, 2))
    {
      indent (g);
      g_string_append_printf (g->out, "raise %s(", exc);
      gen_expr (g, T_STR, 1);
      g_string_append (g->out, ")\n");
    }
  g->depth--;
  /* names bound inside try may be unbound after it */
  g->n_vars = vars_before;
  indent (g);
  g_string_append_printf (g->out, "except (%s, ZeroDivisionError, IndexError) as e:\n", exc);
  g->depth++;
  indent (g);
  g_string_append (g->out, "print('caught', type(e).__name__, e)\n");
  g->depth--;
  if (rnd (g, 3) == 0)
    {
      indent (g);
      g_string_append (g->out, "finally:\n");
      g->depth++;
      indent (g);
      g_string_append (g->out, "print('finally')\n");
      g->depth--;
    }
}

static void
gen_if (Gen *g)
{
  guint vars_before = g->n_vars;

  indent (g);
  g_string_append (g->out, "if ");
  gen_expr (g, T_INT, 2);
  g_string_append_printf (g->out, " %s ", rnd (g, 2) ? ">" : "==");
  gen_expr (g, T_INT, 1);
  g_string_append (g->out, ":\n");
  g->depth++;
  gen_block (g, 1 + rnd (g, 2));
  g->depth--;
  g->n_vars = vars_before;
  indent (g);
  g_string_append (g->out, "else:\n");
  g->depth++;
  gen_block (g, 1);
  g->depth--;
  g->n_vars = vars_before;
}

static void
gen_statement (Gen *g)
{
  int choice = g->depth >= 3 ? rnd (g, 3) : rnd (g, 8);

  switch (choice)
    {
    case 0:
      gen_assign (g);
      break;
    case 1:
      gen_print (g);
      break;
    case 2:
      gen_mutation (g);
      break;
    case 3:
      gen_assign (g);
      break;
    case 4:
      gen_loop (g);
      break;
    case 5:
      gen_try (g);
      break;
    case 6:
      gen_if (g);
      break;
    default:
      {
        const Var *v = pick_var (g, T_INT);

        indent (g);
        /* del at the top level only: inside a branch the name would be bound or not */
        if (v && g->depth == 0 && !g->in_function)
          {
            g_string_append_printf (g->out, "del %s\n", v->name);
            g->vars[v - g->vars] = g->vars[--g->n_vars];
          }
        else
          g_string_append (g->out, "pass\n");
        break;
      }
    }
}

static void
gen_block (Gen *g, int n_statements)
{
  for (int i = 0; i < n_statements; i++)
    gen_statement (g);
}

/* def fN(n): a body over its parameter and the globals, returning an int. */
static void
gen_function (Gen *g)
{
  guint saved_vars = g->n_vars;
  char name[16];
  Var *param;

  g_snprintf (name, sizeof name, "fn%u", g->n_funcs++);
  g_string_append_printf (g->out, "def %s(n, _depth=0):\n", name);
  g->depth = 1;
  g->in_function = TRUE;
  /* globals are read only in here: assignments create locals */
  g->scope_start = g->n_vars;
  param = &g->vars[g->n_vars++];
  g_snprintf (param->name, sizeof param->name, "n");
  param->type = T_INT;
  gen_block (g, 1 + rnd (g, 3));
  indent (g);
  if (rnd (g, 4) == 0)
    {
      /* recursion, bounded */
      /* bounded well below the recursion limit: near it, a traced run stops a frame early
       * (docs/robustness.md, "Known differences") */
      g_string_append_printf (
          g->out, "return n if n <= 0 or _depth > 8 else %s(n - 1, _depth + 1) + 1\n", name);
    }
  else
    {
      g_string_append (g->out, "return ");
      gen_expr (g, T_INT, 2);
      g_string_append_c (g->out, '\n');
    }
  g->depth = 0;
  g->in_function = FALSE;
  g->n_vars = saved_vars;
  if (g->n_vars < G_N_ELEMENTS (g->vars))
    {
      Var *v = &g->vars[g->n_vars++];
      g_strlcpy (v->name, name, sizeof v->name);
      v->type = T_FUNC;
    }
}

static void
gen_class (Gen *g)
{
  guint k = g->n_classes;

  g_string_append_printf (g->out, "class C%u%s:\n", k, k > 0 && rnd (g, 2) ? "(C0)" : "");
  g_string_append (g->out, "    count = 0\n");
  g_string_append (g->out, "    def __init__(self, a):\n");
  g_string_append (g->out, "        self.a = a\n");
  g_string_append (g->out, "        self.b = [a]\n");
  g_string_append_printf (g->out, "        C%u.count += 1\n", k);
  g_string_append (g->out, "    def total(self):\n");
  g_string_append (g->out, "        return self.a + sum(self.b)\n");
  g_string_append (g->out, "    def __repr__(self):\n");
  g_string_append_printf (g->out, "        return f'C%u({self.a})'\n", k);
  g->n_classes++;
}

static void
gen_closure (Gen *g)
{
  const char *name;
  int k = rnd (g, 5);

  g_string_append_printf (g->out, "def make_adder%u(k):\n", g->n_names);
  g_string_append (g->out, "    total = [k]\n");
  g_string_append (g->out, "    def add(n):\n");
  g_string_append (g->out, "        total[0] += 1\n");
  g_string_append (g->out, "        return n + k + total[0]\n");
  g_string_append (g->out, "    return add\n");
  name = fresh (g, T_FUNC);
  if (name)
    g_string_append_printf (g->out, "%s = make_adder%u(%d)\n", name, g->n_names - 1, k);
}

static void
gen_generator (Gen *g)
{
  const char *name;
  int n = rnd (g, 6);

  g_string_append_printf (g->out, "def gen%u(m):\n", g->n_names);
  g_string_append (g->out, "    for i in range(m):\n");
  g_string_append (g->out, "        yield i * 2\n");
  name = fresh (g, T_LIST);
  if (name)
    g_string_append_printf (g->out, "%s = list(gen%u(%d))\n", name, g->n_names - 1, n);
}

/* A whole program: definitions, then statements at module level, then maybe an ending. */
static char *
gen_program (GRand *rand)
{
  Gen g = { 0 };
  int n_top;

  g.rand = rand;
  g.out = g_string_new ("import sys\n");
  n_top = 4 + rnd (&g, 10);
  for (int i = 0; i < n_top; i++)
    {
      switch (rnd (&g, 10))
        {
        case 0:
          gen_function (&g);
          break;
        case 1:
          gen_class (&g);
          break;
        case 2:
          gen_closure (&g);
          break;
        case 3:
          gen_generator (&g);
          break;
        default:
          gen_statement (&g);
          break;
        }
    }
  /* print what is left, so that every binding is checked */
  for (guint i = 0; i < g.n_vars; i++)
    if (g.vars[i].type != T_FUNC && rnd (&g, 2))
      g_string_append_printf (g.out, "print(%s)\n", g.vars[i].name);
  switch (rnd (&g, 12))
    {
    case 0:
      g_string_append_printf (g.out, "sys.exit(%d)\n", rnd (&g, 4));
      break;
    case 1:
      g_string_append (g.out, "raise RuntimeError('the end')\n");
      break;
    case 2:
      g_string_append (g.out, "{}['missing']\n");
      break;
    default:
      break;
    }
  return g_string_free (g.out, FALSE);
}

/* ---- running and comparing ------------------------------------------------------------------ */

typedef struct
{
  GBytes *out;
  int status;
  char *exception; /* type name, or NULL */
} Outcome;

static void
outcome_clear (Outcome *o)
{
  g_clear_pointer (&o->out, g_bytes_unref);
  g_clear_pointer (&o->exception, g_free);
}

/* The type name from a traceback's last line ("KeyError: 'missing'" → "KeyError"). */
static char *
traceback_exception (GBytes *err)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (err, &len);
  g_autofree char *text = data ? g_strndup (data, len) : g_strdup ("");
  g_auto (GStrv) lines = NULL;
  guint n;
  const char *last;

  gsize name_len;

  g_strchomp (text);
  lines = g_strsplit (text, "\n", -1);
  n = g_strv_length (lines);
  last = n ? lines[n - 1] : "";
  name_len = strcspn (last, ":");
  /* a traceback's (or a SyntaxError report's) last line starts with the type's name */
  if (name_len == 0
      || strspn (last, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.0123456789")
             != name_len)
    return NULL;
  return g_strndup (last, name_len);
}

#define RUN_SECONDS 10

static void
run_plain (const char *script, Outcome *o)
{
  g_auto (HostileProcess) p = { 0 };
  g_autofree char *dir = g_path_get_dirname (script);
  const char *argv[]
      = { "timeout", "-s", "KILL", G_STRINGIFY (RUN_SECONDS), hostile_python (), script, NULL };

  hostile_spawn (argv, dir, &p);
  o->out = g_bytes_ref (p.out);
  o->status = p.signaled ? 128 + p.status : p.status;
  o->exception = traceback_exception (p.err);
}

static void
run_traced (const char *script, gboolean sandbox, Outcome *o)
{
  HeapglassRunOptions options;
  g_autoptr (HeapglassTrace) trace = NULL;
  HgEnding ending;

  heapglass_run_options_init (&options);
  options.stdin_path = "/dev/null";
  options.timeout_s = RUN_SECONDS;
  trace = hostile_trace (script, sandbox, &options);
  ending = heapglass_trace_get_ending (trace);

  o->out = hostile_trace_output (trace, 1);
  o->status = ending == HG_END_FINISHED || ending == HG_END_EXCEPTION || ending == HG_END_EXIT
                  ? heapglass_trace_get_exit_status (trace)
                  : -1000 - (int)ending;
  o->exception
      = ending == HG_END_EXCEPTION ? g_strdup (heapglass_trace_get_exception_type (trace)) : NULL;
  if (ending == HG_END_SYNTAX_ERROR)
    {
      /* "SyntaxError: invalid syntax" */
      const char *message = heapglass_trace_get_end_message (trace);
      o->status = heapglass_trace_get_exit_status (trace);
      o->exception = message ? g_strndup (message, strcspn (message, ":")) : NULL;
    }
}

/* NULL when they agree, else what differs. */
static char *
compare (const char *script, gboolean sandbox)
{
  Outcome plain = { 0 }, traced = { 0 };
  char *diff = NULL;

  run_plain (script, &plain);
  run_traced (script, sandbox, &traced);
  if (plain.status == 128 + SIGKILL && traced.status == -1000 - HG_END_TIME_LIMIT)
    ; /* both ran out of time (the generator bounds its loops: this should not happen) */
  else if (!g_bytes_equal (plain.out, traced.out))
    diff = g_strdup_printf ("stdout differs (%" G_GSIZE_FORMAT " bytes plain, %" G_GSIZE_FORMAT
                            " traced)",
                            g_bytes_get_size (plain.out), g_bytes_get_size (traced.out));
  else if (plain.status != traced.status)
    diff = g_strdup_printf ("exit status %d plain, %d traced", plain.status, traced.status);
  else if (g_strcmp0 (plain.exception, traced.exception) != 0)
    diff = g_strdup_printf ("exception %s plain, %s traced", plain.exception, traced.exception);
  outcome_clear (&plain);
  outcome_clear (&traced);
  return diff;
}

/* ---- tests ---------------------------------------------------------------------------------- */

static char *
kept_dir (void)
{
  return g_build_filename (g_getenv ("G_TEST_SRCDIR") ? g_getenv ("G_TEST_SRCDIR") : ".", "data",
                           "difffuzz", NULL);
}

static void
test_kept_programs (void)
{
  g_autofree char *dir = kept_dir ();
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autofree char *work = hostile_dir_new ();
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *source = NULL;
      g_autofree char *script = NULL;

      if (!g_str_has_suffix (name, ".py"))
        continue;
      path = g_build_filename (dir, name, NULL);
      g_assert_true (g_file_get_contents (path, &source, NULL, NULL));
      /* copied out, as the random ones run: in a folder of their own */
      script = hostile_file_new (work, name, source, -1);
      for (int sandbox = 0; sandbox <= 1; sandbox++)
        {
          g_autofree char *diff = compare (script, sandbox);
          if (diff)
            g_test_message ("%s (%s): %s", name, sandbox ? "sandbox" : "no sandbox", diff);
          g_assert_null (diff);
        }
      n++;
    }
  g_test_message ("%u kept programs agree", n);
  g_assert_cmpuint (n, >, 0);
  hostile_dir_remove (work);
}

/* The generator is a test subject too: same seed, same program; programs differ. */
static void
test_generator_deterministic (void)
{
  g_autoptr (GRand) a = g_rand_new_with_seed (42);
  g_autoptr (GRand) b = g_rand_new_with_seed (42);
  g_autofree char *pa = gen_program (a);
  g_autofree char *pb = gen_program (b);
  g_autofree char *pc = gen_program (a);

  g_assert_cmpstr (pa, ==, pb);
  g_assert_cmpstr (pa, !=, pc);
}

static void
test_random_programs (void)
{
  const char *seconds_env = g_getenv ("HEAPGLASS_DIFFFUZZ_SECONDS");
  const char *seed_env = g_getenv ("HEAPGLASS_DIFFFUZZ_SEED");
  double seconds = seconds_env ? g_ascii_strtod (seconds_env, NULL) : 60;
  guint32 seed = seed_env ? (guint32)g_ascii_strtoull (seed_env, NULL, 10)
                          : (guint32)(g_get_real_time () / G_USEC_PER_SEC);
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  g_autofree char *work = hostile_dir_new ();
  gint64 end = g_get_monotonic_time () + (gint64)(seconds * G_USEC_PER_SEC);
  guint n = 0, failures = 0, ended_by_exception = 0, exited = 0;

  g_test_message ("seed %u, %.0f s (HEAPGLASS_DIFFFUZZ_SEED, HEAPGLASS_DIFFFUZZ_SECONDS)", seed,
                  seconds);
  while (g_get_monotonic_time () < end)
    {
      g_autofree char *source = gen_program (rand);
      g_autofree char *name = g_strdup_printf ("p%u.py", n);
      g_autofree char *script = hostile_file_new (work, name, source, -1);
      /* one in eight inside the sandbox: it costs a namespace set-up per run */
      gboolean sandbox = n % 8 == 7;
      g_autofree char *diff = compare (script, sandbox);

      ended_by_exception += strstr (source, "raise RuntimeError('the end')") != NULL;
      exited += strstr (source, "sys.exit(") != NULL;
      if (diff)
        {
          g_autofree char *keep = g_strdup_printf (
              "%s/difffuzz-failure-%u-%u.py",
              g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".", seed, n);
          g_file_set_contents (keep, source, -1, NULL);
          g_test_message ("program %u (%s): %s; kept as %s:\n%s", n,
                          sandbox ? "sandbox" : "no sandbox", diff, keep, source);
          failures++;
        }
      n++;
    }
  g_test_message ("%u random programs (%u ending on an uncaught exception, %u on sys.exit), "
                  "%u disagreements",
                  n, ended_by_exception, exited, failures);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (failures, ==, 0);
  hostile_dir_remove (work);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hostile/difffuzz/generator-deterministic", test_generator_deterministic);
  g_test_add_func ("/hostile/difffuzz/kept-programs", test_kept_programs);
  g_test_add_func ("/hostile/difffuzz/random-programs", test_random_programs);
  return g_test_run ();
}
