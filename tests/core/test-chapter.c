/* test-chapter.c: the chapter loader on the seed chapter (.md and its flattened .txt), the bundled
 * tour, single files, folders and bad input. Expected values are computed from the files with a
 * simple line-based method independent of the loader's md4c parse. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "heapglass-chapter.h"

static char *
seed_path (const char *name)
{
  const char *dir = g_getenv ("HEAPGLASS_SEED_DIR");

  if (dir == NULL)
    return NULL;
  return g_build_filename (dir, name, NULL);
}

static char *
examples_path (const char *name)
{
  const char *dir = g_getenv ("HEAPGLASS_EXAMPLES_DIR");

  if (dir == NULL)
    dir = HEAPGLASS_SOURCE_EXAMPLES_DIR;
  return g_build_filename (dir, name, NULL);
}

static HeapglassChapter *
load_seed (const char *name, char ***lines_out)
{
  g_autofree char *path = seed_path (name);
  g_autoptr (GError) error = NULL;
  HeapglassChapter *chapter;

  if (path == NULL)
    {
      g_test_skip ("HEAPGLASS_SEED_DIR is not set");
      return NULL;
    }
  chapter = heapglass_chapter_load_path (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (chapter);
  if (lines_out)
    {
      g_autofree char *contents = NULL;
      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      *lines_out = g_strsplit (contents, "\n", -1);
    }
  return chapter;
}

static char *
strip_copy (const char *line)
{
  return g_strstrip (g_strdup (line));
}

/* The file's code starting at 1-based line `fence_line` (a ```python line), read line by line up
 * to the closing ``` at the same indentation, with that indentation removed. */
static char *
expected_code_at (char **lines, guint fence_line)
{
  GString *code = g_string_new (NULL);
  const char *fence = lines[fence_line - 1];
  gsize indent = strspn (fence, " ");

  for (guint i = fence_line; lines[i]; i++)
    {
      g_autofree char *stripped = strip_copy (lines[i]);
      if (g_str_equal (stripped, "```"))
        break;
      if (strlen (lines[i]) >= indent)
        g_string_append_printf (code, "%s\n", lines[i] + indent);
      else
        g_string_append (code, "\n");
    }
  return g_string_free (code, FALSE);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_seed_markdown_counts (void)
{
  g_autoptr (HeapglassChapter) chapter = load_seed ("stack-and-heap-overview.md", NULL);

  if (!chapter)
    return;
  g_assert_cmpint (heapglass_chapter_get_format (chapter), ==, HEAPGLASS_CHAPTER_FORMAT_MARKDOWN);
  g_assert_cmpstr (heapglass_chapter_get_title (chapter), ==, "Stack & Heap Overview");
  g_assert_cmpuint (heapglass_chapter_count_blocks (chapter, HEAPGLASS_BLOCK_EXAMPLE), ==, 13);
  g_assert_cmpuint (heapglass_chapter_count_blocks (chapter, HEAPGLASS_BLOCK_EXERCISE), ==, 3);
  g_assert_cmpuint (heapglass_chapter_count_blocks (chapter, HEAPGLASS_BLOCK_SOLUTION), ==, 3);
  g_assert_cmpuint (heapglass_chapter_get_n_blocks (chapter), ==, 19);
}

static void
test_seed_markdown_titles (void)
{
  g_autoptr (HeapglassChapter) chapter = load_seed ("stack-and-heap-overview.md", NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const HeapglassChapterBlock *blocks;
  guint n;

  if (!chapter)
    return;
  blocks = heapglass_chapter_get_blocks (chapter, &n);
  g_assert_cmpstr (blocks[0].title, ==, "Two Memory Areas › 1. Stack");
  g_assert_cmpstr (blocks[8].title, ==, "Memory Visualization › 1. Example");
  g_assert_cmpstr (blocks[9].title, ==, "Memory Visualization › 2. Multiple Frames");
  g_assert_cmpstr (blocks[12].title, ==, "Runnable Example: stack_vs_heap.py");
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *exercise = g_strdup_printf ("Exercise %u", i + 1);
      g_autofree char *solution = g_strdup_printf ("Solution to Exercise %u", i + 1);
      g_assert_cmpint (blocks[13 + 2 * i].kind, ==, HEAPGLASS_BLOCK_EXERCISE);
      g_assert_cmpstr (blocks[13 + 2 * i].title, ==, exercise);
      g_assert_cmpint (blocks[14 + 2 * i].kind, ==, HEAPGLASS_BLOCK_SOLUTION);
      g_assert_cmpstr (blocks[14 + 2 * i].title, ==, solution);
    }
  for (guint i = 0; i < n; i++)
    {
      g_assert_false (g_hash_table_contains (seen, blocks[i].title));
      g_hash_table_add (seen, (gpointer)blocks[i].title);
    }
}

static void
test_seed_markdown_lines (void)
{
  g_auto (GStrv) lines = NULL;
  g_autoptr (HeapglassChapter) chapter = load_seed ("stack-and-heap-overview.md", &lines);
  g_autoptr (GArray) fences = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) exercises = g_array_new (FALSE, FALSE, sizeof (guint));
  const HeapglassChapterBlock *blocks;
  guint n, fence_i = 0, exercise_i = 0;

  if (!chapter)
    return;
  /* independently: every "```python" line (at any indentation) and every "**Exercise" line */
  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *stripped = strip_copy (lines[i]);
      guint line = i + 1;
      if (g_str_equal (stripped, "```python"))
        g_array_append_val (fences, line);
      else if (g_str_has_prefix (stripped, "**Exercise "))
        g_array_append_val (exercises, line);
    }
  g_assert_cmpuint (fences->len, ==, 16);
  g_assert_cmpuint (exercises->len, ==, 3);

  blocks = heapglass_chapter_get_blocks (chapter, &n);
  for (guint i = 0; i < n; i++)
    {
      if (blocks[i].kind == HEAPGLASS_BLOCK_EXERCISE)
        g_assert_cmpuint (blocks[i].line, ==, g_array_index (exercises, guint, exercise_i++));
      else
        g_assert_cmpuint (blocks[i].line, ==, g_array_index (fences, guint, fence_i++));
    }
  g_assert_cmpuint (fence_i, ==, fences->len);
  /* and two by hand */
  g_assert_cmpuint (blocks[0].line, ==, 13);
  g_assert_cmpuint (blocks[14].line, ==, 238);
}

static void
test_seed_markdown_code (void)
{
  g_auto (GStrv) lines = NULL;
  g_autoptr (HeapglassChapter) chapter = load_seed ("stack-and-heap-overview.md", &lines);
  const HeapglassChapterBlock *blocks;
  guint n;

  if (!chapter)
    return;
  blocks = heapglass_chapter_get_blocks (chapter, &n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *expected = NULL;

      if (blocks[i].kind == HEAPGLASS_BLOCK_EXERCISE)
        {
          g_assert_cmpstr (blocks[i].code, ==, "");
          continue;
        }
      expected = expected_code_at (lines, blocks[i].line);
      g_assert_cmpstr (blocks[i].code, ==, expected);
      /* diagrams are not examples: their arrows never end up in code */
      g_assert_null (strstr (blocks[i].code, "----->"));
    }
  g_assert_true (g_str_has_prefix (blocks[16].code, "import weakref\n\nglobal_ref = None\n"));
  g_assert_true (g_str_has_suffix (blocks[16].code,
                                   "print(f\"After del: {global_ref() is not None}\")  # False\n"));
}

static void
test_seed_markdown_exercises (void)
{
  g_autoptr (HeapglassChapter) chapter = load_seed ("stack-and-heap-overview.md", NULL);
  const HeapglassChapterBlock *blocks;
  guint n;

  if (!chapter)
    return;
  blocks = heapglass_chapter_get_blocks (chapter, &n);
  for (guint i = 0; i < n; i++)
    {
      if (blocks[i].kind == HEAPGLASS_BLOCK_EXERCISE)
        {
          g_assert_nonnull (blocks[i].statement);
          g_assert_cmpint (blocks[i].solution, ==, (int)i + 1);
          g_assert_cmpint (blocks[blocks[i].solution].exercise, ==, (int)i);
          g_assert_cmpuint (blocks[blocks[i].solution].number, ==, blocks[i].number);
        }
      else
        {
          g_assert_null (blocks[i].statement);
          g_assert_cmpint (blocks[i].solution, ==, -1);
        }
    }
  g_assert_cmpuint (blocks[15].number, ==, 2);
  g_assert_true (g_str_has_prefix (blocks[15].statement,
                                   "Demonstrate that objects outlive their creating frame"));
  g_assert_nonnull (strstr (blocks[15].statement, "weakref.ref"));
  g_assert_null (strstr (blocks[15].statement, "Solution"));
  g_assert_null (strstr (blocks[13].statement, "Exercise"));
}

static void
test_seed_markdown_sections (void)
{
  g_autoptr (HeapglassChapter) chapter = load_seed ("stack-and-heap-overview.md", NULL);
  const HeapglassChapterSection *sections;
  const HeapglassChapterBlock *blocks;
  guint n_sections, n;

  if (!chapter)
    return;
  sections = heapglass_chapter_get_sections (chapter, &n_sections);
  blocks = heapglass_chapter_get_blocks (chapter, &n);
  g_assert_cmpstr (sections[0].text, ==, "Stack & Heap Overview");
  g_assert_cmpuint (sections[0].level, ==, 1);
  g_assert_cmpuint (sections[0].line, ==, 1);
  g_assert_cmpint (sections[0].parent, ==, -1);
  g_assert_cmpint (blocks[8].section, >=, 0);
  g_assert_cmpstr (sections[blocks[8].section].text, ==, "1. Example");
  g_assert_cmpuint (sections[blocks[8].section].level, ==, 3);
  g_assert_cmpuint (sections[blocks[8].section].line, ==, 107);
  g_assert_cmpstr (sections[sections[blocks[8].section].parent].text, ==, "Memory Visualization");
  g_assert_cmpstr (sections[blocks[13].section].text, ==, "Exercises");
}

static void
test_seed_markdown_calls_nothing (void)
{
  g_autoptr (HeapglassChapter) chapter = load_seed ("stack-and-heap-overview.md", NULL);
  const HeapglassChapterBlock *blocks;
  guint n;

  if (!chapter)
    return;
  blocks = heapglass_chapter_get_blocks (chapter, &n);
  g_assert_true (blocks[0].calls_nothing);   /* def function(): … never called */
  g_assert_false (blocks[1].calls_nothing);  /* x = [1, 2, 3] … */
  g_assert_true (blocks[8].calls_nothing);   /* def process(): … */
  g_assert_true (blocks[9].calls_nothing);   /* def outer() / def inner() */
  g_assert_false (blocks[10].calls_nothing); /* example() */
  g_assert_false (blocks[12].calls_nothing); /* if __name__ == "__main__": */
  for (guint i = 13; i < n; i++)
    g_assert_false (blocks[i].calls_nothing);
}

static void
test_calls_nothing_lines (void)
{
  g_assert_true (heapglass_code_calls_nothing ("def f():\n    return 1\n"));
  g_assert_false (heapglass_code_calls_nothing ("def f():\n    return 1\n\nf()\n"));
  g_assert_true (heapglass_code_calls_nothing (
      "\"\"\"Doc.\"\"\"\nimport os\nfrom sys import argv\nLIMIT = 3\nNAMES = ['a', 'b']\n"
      "class A:\n    pass\n"));
  g_assert_false (heapglass_code_calls_nothing ("def f(): pass\nX = f()\n"));
  g_assert_false (heapglass_code_calls_nothing ("def f(): pass\nfor i in range(3):\n    pass\n"));
  g_assert_false (heapglass_code_calls_nothing ("def f(): pass\ndel f\n"));
  g_assert_false (heapglass_code_calls_nothing ("x = [1, 2]\nprint(x)\n"));
  /* continuation lines of a bracket or a triple-quoted string are not statements */
  g_assert_true (heapglass_code_calls_nothing ("def f(): pass\nNAMES = [\n'a',\nprint\n]\n"));
  g_assert_true (heapglass_code_calls_nothing ("def f(): pass\nDOC = \"\"\"\nf()\n\"\"\"\n"));
  /* only comments: nothing runs either */
  g_assert_true (heapglass_code_calls_nothing ("# nothing here\n"));
}

/* ------------------------------------------------------------------------------------------ */

static void
test_seed_text_export_exercises (void)
{
  g_autoptr (HeapglassChapter) chapter = load_seed ("stack-and-heap-overview.txt", NULL);
  const HeapglassChapterBlock *blocks;
  guint n, found = 0;

  if (!chapter)
    return;
  g_assert_cmpint (heapglass_chapter_get_format (chapter), ==,
                   HEAPGLASS_CHAPTER_FORMAT_TEXT_EXPORT);
  g_assert_cmpstr (heapglass_chapter_get_title (chapter), ==, "Stack & Heap Overview");
  g_assert_cmpuint (heapglass_chapter_count_blocks (chapter, HEAPGLASS_BLOCK_EXERCISE), ==, 3);
  g_assert_cmpuint (heapglass_chapter_count_blocks (chapter, HEAPGLASS_BLOCK_SOLUTION), ==, 3);
  g_assert_cmpuint (heapglass_chapter_count_blocks (chapter, HEAPGLASS_BLOCK_EXAMPLE), >=, 10);

  blocks = heapglass_chapter_get_blocks (chapter, &n);
  for (guint i = 0; i < n; i++)
    {
      if (blocks[i].kind != HEAPGLASS_BLOCK_EXERCISE)
        continue;
      found++;
      g_assert_cmpuint (blocks[i].number, ==, found);
      g_assert_cmpint (blocks[i].solution, >=, 0);
      g_assert_cmpstr (blocks[blocks[i].solution].title, ==,
                       found == 1   ? "Solution to Exercise 1"
                       : found == 2 ? "Solution to Exercise 2"
                                    : "Solution to Exercise 3");
      g_assert_cmpuint (strlen (blocks[i].statement), >, 50);
    }
  g_assert_cmpuint (found, ==, 3);
  g_assert_cmpuint (blocks[blocks[n - 1].exercise].line, ==, 200);
  g_assert_cmpuint (blocks[n - 1].line, ==, 203);
}

/* Runs code with the interpreter the tracer embeds; TRUE when it exits with status 0. */
static gboolean
python_run (const char *code, char **out, char **err)
{
  const char *python = g_getenv ("HEAPGLASS_PYTHON");
  const char *argv[] = { python ? python : HEAPGLASS_PYTHON, "-c", code, NULL };
  g_autoptr (GError) error = NULL;
  int status = -1;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, err ? 0 : G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     out, err, &status, &error))
    {
      g_test_message ("could not run python: %s", error->message);
      return FALSE;
    }
  return g_spawn_check_wait_status (status, NULL);
}

static gboolean
python_runs (const char *code, char **out)
{
  return python_run (code, out, NULL);
}

static gboolean
python_compiles (const char *code)
{
  const char *python = g_getenv ("HEAPGLASS_PYTHON");
  const char *argv[] = { python ? python : HEAPGLASS_PYTHON, "-c",
                         "import sys; compile(sys.argv[1], 'block', 'exec')", code, NULL };
  int status = -1;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                     &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* The export lost indentation and collapsed some blocks onto one line; every block recovered
 * from it is valid Python again. */
static void
test_seed_text_export_blocks_compile (void)
{
  g_autoptr (HeapglassChapter) chapter = load_seed ("stack-and-heap-overview.txt", NULL);
  const HeapglassChapterBlock *blocks;
  guint n, compiled = 0;

  if (!chapter)
    return;
  blocks = heapglass_chapter_get_blocks (chapter, &n);
  for (guint i = 0; i < n; i++)
    if (blocks[i].kind != HEAPGLASS_BLOCK_EXERCISE)
      {
        g_test_message ("%s", blocks[i].title);
        g_assert_true (python_compiles (blocks[i].code));
        compiled++;
      }
  g_assert_cmpuint (compiled, ==, 16);
  /* "```python def recursive(n): if n == 0: return return recursive(n - 1)" on one line */
  g_assert_cmpstr (blocks[4].title, ==, "Stack Properties › 3. Limited Size");
  g_assert_cmpstr (blocks[4].code, ==,
                   "def recursive(n):\n    if n == 0:\n        return\n"
                   "    return recursive(n - 1)\n# Too deep causes stack overflow\n");
  g_assert_cmpstr (blocks[5].code, ==,
                   "# Can grow as needed\nlst = []\nfor i in range(1000000):\n"
                   "    lst.append(i) # Heap grows\n");
}

/* The recovered solutions run as the chapter's do. */
static void
test_seed_text_export_solutions_run (void)
{
  g_autoptr (HeapglassChapter) chapter = load_seed ("stack-and-heap-overview.txt", NULL);
  const HeapglassChapterBlock *blocks;
  guint n;

  if (!chapter)
    return;
  blocks = heapglass_chapter_get_blocks (chapter, &n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *out = NULL;

      if (blocks[i].kind != HEAPGLASS_BLOCK_SOLUTION)
        continue;
      if (blocks[i].number == 1)
        {
          g_assert_true (python_runs (blocks[i].code, &out));
          g_assert_nonnull (strstr (out, " e() at line "));
          g_assert_nonnull (strstr (out, " a() at line "));
        }
      if (blocks[i].number == 2)
        {
          g_autofree char *err = NULL;
          /* as written in the chapter, it stops where the .md version stops: a list cannot be
           * weakly referenced */
          g_assert_false (python_run (blocks[i].code, &out, &err));
          g_assert_nonnull (strstr (err, "TypeError: cannot create weak reference to 'list'"));
          g_assert_nonnull (strstr (err, "in create_data"));
        }
    }
}

/* ------------------------------------------------------------------------------------------ */

static char *
make_temp_dir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("heapglass-chapter-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle)
    while ((name = g_dir_read_name (handle)) != NULL)
      {
        g_autofree char *child = g_build_filename (dir, name, NULL);
        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (dir);
}

static char *
write_file (const char *dir, const char *name, const char *data, gssize length)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, data, length, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_folder_natural_sort (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassChapter) chapter = NULL;
  const HeapglassChapterBlock *blocks;
  guint n;

  g_free (write_file (dir, "ex2.py", "two = 2\n", -1));
  g_free (write_file (dir, "ex10.py", "ten = 10\n", -1));
  g_free (write_file (dir, "ex1.py", "one = 1\nprint(one)", -1));
  g_free (write_file (dir, "notes.txt", "not python\n", -1));
  g_free (write_file (dir, ".hidden.py", "hidden = True\n", -1));

  chapter = heapglass_chapter_load_path (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (heapglass_chapter_get_format (chapter), ==, HEAPGLASS_CHAPTER_FORMAT_FOLDER);
  blocks = heapglass_chapter_get_blocks (chapter, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpstr (blocks[0].title, ==, "ex1.py");
  g_assert_cmpstr (blocks[1].title, ==, "ex2.py");
  g_assert_cmpstr (blocks[2].title, ==, "ex10.py");
  g_assert_cmpstr (blocks[0].code, ==, "one = 1\nprint(one)\n");
  g_assert_cmpstr (blocks[2].code, ==, "ten = 10\n");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *base = g_path_get_basename (blocks[i].file);
      g_assert_cmpint (blocks[i].kind, ==, HEAPGLASS_BLOCK_EXAMPLE);
      g_assert_cmpuint (blocks[i].line, ==, 1);
      g_assert_cmpstr (base, ==, blocks[i].title);
    }
  remove_tree (dir);
}

static void
test_python_single_file (void)
{
  g_autofree char *path = examples_path ("aliasing.py");
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassChapter) chapter = heapglass_chapter_load_path (path, &error);
  g_autofree char *contents = NULL;
  const HeapglassChapterBlock *block;

  g_assert_no_error (error);
  g_assert_cmpint (heapglass_chapter_get_format (chapter), ==, HEAPGLASS_CHAPTER_FORMAT_PYTHON);
  g_assert_cmpuint (heapglass_chapter_get_n_blocks (chapter), ==, 1);
  block = heapglass_chapter_get_block (chapter, 0);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (block->code, ==, contents);
  g_assert_cmpstr (block->title, ==, "aliasing.py");
  g_assert_cmpuint (block->line, ==, 1);
  g_assert_false (block->calls_nothing);
}

/* ------------------------------------------------------------------------------------------ */

static void
assert_load_fails (const char *path, HeapglassChapterError code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassChapter) chapter = heapglass_chapter_load_path (path, &error);
  g_autofree char *base = g_path_get_basename (path);

  g_assert_null (chapter);
  g_assert_error (error, HEAPGLASS_CHAPTER_ERROR, (int)code);
  /* the message names the file */
  g_assert_nonnull (strstr (error->message, base));
}

static void
test_error_not_found (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "missing-chapter.md", NULL);

  assert_load_fails (path, HEAPGLASS_CHAPTER_ERROR_NOT_FOUND);
  remove_tree (dir);
}

static void
test_error_not_utf8 (void)
{
  g_autofree char *dir = make_temp_dir ();
  /* Latin-1 "é" */
  g_autofree char *path = write_file (dir, "latin1.md", "# Caf\xe9\n\n```python\nx = 1\n```\n", -1);

  assert_load_fails (path, HEAPGLASS_CHAPTER_ERROR_NOT_UTF8);
  remove_tree (dir);
}

static void
test_error_binary (void)
{
  g_autofree char *dir = make_temp_dir ();
  static const char png_like[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
  g_autofree char *path = write_file (dir, "picture.md", png_like, sizeof png_like - 1);
  g_autofree char *py = write_file (dir, "nul.py", "x = 1\n\0\n", 8);

  assert_load_fails (path, HEAPGLASS_CHAPTER_ERROR_BINARY);
  assert_load_fails (py, HEAPGLASS_CHAPTER_ERROR_BINARY);
  remove_tree (dir);
}

static void
test_error_empty (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *empty = write_file (dir, "empty.md", "", 0);
  g_autofree char *blank = write_file (dir, "blank.py", "  \n\n\t\n", -1);
  g_autofree char *folder = g_build_filename (dir, "no-python-here", NULL);

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_free (write_file (folder, "readme.txt", "hello\n", -1));
  assert_load_fails (empty, HEAPGLASS_CHAPTER_ERROR_EMPTY);
  assert_load_fails (blank, HEAPGLASS_CHAPTER_ERROR_EMPTY);
  assert_load_fails (folder, HEAPGLASS_CHAPTER_ERROR_EMPTY);
  remove_tree (dir);
}

static void
test_error_no_code (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path
      = write_file (dir, "prose.md",
                    "# Only words\n\nSome text.\n\n```\nStack:   Heap:\n  x ---> [1]\n```\n\n"
                    "```sh\nls -l\n```\n",
                    -1);

  assert_load_fails (path, HEAPGLASS_CHAPTER_ERROR_NO_CODE);
  remove_tree (dir);
}

static void
test_error_unreadable (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *fifo = g_build_filename (dir, "pipe.md", NULL);

  /* a FIFO with no writer would block a naive read forever */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  assert_load_fails (fifo, HEAPGLASS_CHAPTER_ERROR_UNREADABLE);
  remove_tree (dir);
}

static void
test_error_too_large (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "huge.md", NULL);
  gint64 start;
  int fd;

  /* 50 MB, sparse: it must be refused from its size, without reading it */
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 50 * 1000 * 1000), ==, 0);
  g_assert_cmpint (write (fd, "# x\n", 4), ==, 4);
  close (fd);

  start = g_get_monotonic_time ();
  assert_load_fails (path, HEAPGLASS_CHAPTER_ERROR_TOO_LARGE);
  /* Reading and parsing 50 MB takes seconds (more under ASan); refusing by size takes none. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  remove_tree (dir);
}

static void
test_error_too_large_in_memory (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassChapter) chapter = NULL;
  gsize length = HEAPGLASS_CHAPTER_MAX_BYTES + 1;
  g_autofree char *data = g_malloc (length);

  memset (data, 'a', length);
  chapter = heapglass_chapter_new_from_data (data, length, "big.md",
                                             HEAPGLASS_CHAPTER_FORMAT_MARKDOWN, &error);
  g_assert_null (chapter);
  g_assert_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_TOO_LARGE);
}

/* ------------------------------------------------------------------------------------------ */

static HeapglassChapter *
markdown (const char *text)
{
  g_autoptr (GError) error = NULL;
  HeapglassChapter *chapter = heapglass_chapter_new_from_data (
      text, strlen (text), "test.md", HEAPGLASS_CHAPTER_FORMAT_MARKDOWN, &error);

  g_assert_no_error (error);
  return chapter;
}

/* Without a blank line after the admonition title, CommonMark reads the body as lazy paragraph
 * lines instead of an indented code block; the solution must come out the same. */
static void
test_markdown_admonition_without_blank_line (void)
{
  g_autoptr (HeapglassChapter) chapter
      = markdown ("# T\n\n**Exercise 1.**\nBind a name.\n\n??? success \"Solution to Exercise 1\"\n"
                  "    ```python\n    x = 1\n\n    if x:\n        print(x)\n    ```\n\nAfter.\n");
  const HeapglassChapterBlock *block;

  g_assert_cmpuint (heapglass_chapter_get_n_blocks (chapter), ==, 2);
  block = heapglass_chapter_get_block (chapter, 1);
  g_assert_cmpint (block->kind, ==, HEAPGLASS_BLOCK_SOLUTION);
  g_assert_cmpstr (block->code, ==, "x = 1\n\nif x:\n    print(x)\n");
  g_assert_cmpuint (block->line, ==, 7);
  g_assert_cmpint (block->exercise, ==, 0);
  g_assert_cmpstr (heapglass_chapter_get_block (chapter, 0)->statement, ==, "Bind a name.");
}

/* Code in other admonitions is an example; a fence tagged `py` counts as Python. */
static void
test_markdown_other_admonitions (void)
{
  g_autoptr (HeapglassChapter) chapter
      = markdown ("## Notes\n\n!!! tip \"Try this\"\n\n    ```py\n    y = 2\n    ```\n\n"
                  "```python\nprint(1)\n```\n\n```python\nprint(2)\n```\n");
  const HeapglassChapterBlock *blocks;
  guint n;

  blocks = heapglass_chapter_get_blocks (chapter, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpint (blocks[0].kind, ==, HEAPGLASS_BLOCK_EXAMPLE);
  g_assert_cmpstr (blocks[0].code, ==, "y = 2\n");
  g_assert_cmpuint (blocks[0].line, ==, 5);
  g_assert_cmpstr (blocks[0].title, ==, "Notes");
  g_assert_cmpstr (blocks[1].title, ==, "Notes (2)");
  g_assert_cmpstr (blocks[2].title, ==, "Notes (3)");
}

static void
test_markdown_crlf (void)
{
  g_autoptr (HeapglassChapter) chapter
      = markdown ("# T\r\n\r\n## S\r\n\r\n```python\r\nx = 1\r\ny = x\r\n```\r\n");
  const HeapglassChapterBlock *block = heapglass_chapter_get_block (chapter, 0);

  g_assert_cmpuint (block->line, ==, 5);
  g_assert_cmpstr (block->code, ==, "x = 1\ny = x\n");
}

/* Old Mac line ends: a lone "\r" ends a line for md4c, so line numbers must count it too. */
static void
test_markdown_cr_line_ends (void)
{
  g_autoptr (HeapglassChapter) chapter = markdown ("# T\r\r## S\r\r```python\rx = 1\r```\r");

  g_assert_cmpuint (heapglass_chapter_get_block (chapter, 0)->line, ==, 5);
}

/* A .txt without the export's "¶" marks is Markdown saved as text; indentation is kept. */
static void
test_text_file_that_is_markdown (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path
      = write_file (dir, "notes.txt", "# Notes\n\n```python\ndef f():\n    return 1\n```\n", -1);
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassChapter) chapter = heapglass_chapter_load_path (path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (heapglass_chapter_get_format (chapter), ==, HEAPGLASS_CHAPTER_FORMAT_MARKDOWN);
  g_assert_cmpstr (heapglass_chapter_get_block (chapter, 0)->code, ==, "def f():\n    return 1\n");
  g_assert_true (heapglass_chapter_get_block (chapter, 0)->calls_nothing);
  remove_tree (dir);
}

/* In the export, a block whose lines kept their indentation is not re-indented; one that lost it
 * is. */
static void
test_text_export_indentation (void)
{
  static const char text[] = "Title\xc2\xb6\n"
                             "Kept\xc2\xb6\n"
                             "```python\n"
                             "def f(n):\n"
                             "        return n\n"
                             "```\n"
                             "Lost\xc2\xb6\n"
                             "```python\n"
                             "def g(n):\n"
                             "if n:\n"
                             "return 1\n"
                             "else:\n"
                             "return 2\n"
                             "answer = g(0)\n"
                             "print(answer)\n"
                             "```\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassChapter) chapter = heapglass_chapter_new_from_data (
      text, sizeof text - 1, "t.txt", HEAPGLASS_CHAPTER_FORMAT_TEXT_EXPORT, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (heapglass_chapter_get_n_blocks (chapter), ==, 2);
  g_assert_cmpstr (heapglass_chapter_get_block (chapter, 0)->code, ==,
                   "def f(n):\n        return n\n");
  g_assert_cmpstr (heapglass_chapter_get_block (chapter, 0)->title, ==, "Kept");
  g_assert_cmpstr (heapglass_chapter_get_block (chapter, 1)->code, ==,
                   "def g(n):\n    if n:\n        return 1\n    else:\n        return 2\n"
                   "answer = g(0)\nprint(answer)\n");
  g_assert_cmpuint (heapglass_chapter_get_block (chapter, 1)->line, ==, 8);
}

/* Half the size cap (a quadratic step would take minutes here), made of the things that could go
 * quadratic: thousands of blocks with the same heading, exercises with long statements, headings of
 * one level. Must stay fast. */
static void
test_markdown_big_chapter_is_linear (void)
{
  g_autoptr (GString) text = g_string_new ("# Big\n\n## Same\n\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassChapter) chapter = NULL;
  gint64 start;
  guint n_sections;

  while (text->len < HEAPGLASS_CHAPTER_MAX_BYTES / 2)
    {
      g_string_append (text, "```python\nx = 1\n```\n\n**Exercise 1.**\nWords.\n\nMore.\n\n");
      g_string_append (text, "??? success \"Solution to Exercise 1\"\n\n    ```python\n    y = 2\n"
                             "    ```\n\n# Level one\n\n");
    }
  start = g_get_monotonic_time ();
  chapter = heapglass_chapter_new_from_data (text->str, text->len, "big.md",
                                             HEAPGLASS_CHAPTER_FORMAT_MARKDOWN, &error);
  g_assert_no_error (error);
  g_test_message ("%.1f MiB, %u blocks in %.2f s", text->len / 1048576.0,
                  heapglass_chapter_get_n_blocks (chapter),
                  (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC);
  /* generous, for sanitizer builds on a busy machine; quadratic would take many minutes */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 60 * G_USEC_PER_SEC);
  g_assert_cmpuint (heapglass_chapter_get_n_blocks (chapter), >, 50000);
  g_assert_cmpstr (heapglass_chapter_get_block (chapter, 0)->title, ==, "Same");
  g_assert_cmpstr (heapglass_chapter_get_block (chapter, 3)->title, ==, "Example");
  g_assert_cmpstr (heapglass_chapter_get_block (chapter, 6)->title, ==, "Example (2)");
  g_assert_cmpstr (heapglass_chapter_get_block (chapter, 1)->statement, ==, "Words.\n\nMore.");
  g_assert_cmpint (heapglass_chapter_get_block (chapter, 5)->exercise, ==, 4);
  heapglass_chapter_get_sections (chapter, &n_sections);
  g_assert_cmpuint (n_sections, >, 15000);
}

/* The export's heuristics on a big block of collapsed code: linear too. */
static void
test_text_export_big_block_is_linear (void)
{
  static const char *const pieces[] = { "x = 1 ",
                                        "if a ",
                                        "else: b ",
                                        "def f(): return 1 ",
                                        "print(x) ",
                                        "# c y = 2 ",
                                        "for i in r: p(i) ",
                                        "( ",
                                        ") ",
                                        "'s' ",
                                        "\"\"\" " };
  g_autoptr (GString) text = g_string_new ("Title\xc2\xb6\n```python ");
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassChapter) chapter = NULL;
  gint64 start;

  for (guint i = 0; text->len < HEAPGLASS_CHAPTER_MAX_BYTES / 2; i++)
    {
      g_string_append (text, pieces[(i * 7 + i / 13) % G_N_ELEMENTS (pieces)]);
      if (i % 3 == 0)
        g_string_append_c (text, '\n');
    }
  start = g_get_monotonic_time ();
  chapter = heapglass_chapter_new_from_data (text->str, text->len, "big.txt",
                                             HEAPGLASS_CHAPTER_FORMAT_TEXT_EXPORT, &error);
  g_assert_no_error (error);
  g_test_message ("text export: %.1f MiB in %.2f s", text->len / 1048576.0,
                  (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 60 * G_USEC_PER_SEC);
  g_assert_cmpuint (heapglass_chapter_get_n_blocks (chapter), ==, 1);
}

/* Every line opening a block: indentation stops growing, so the code stays about input size. */
static void
test_text_export_deep_nesting_is_bounded (void)
{
  g_autoptr (GString) text = g_string_new ("Title\xc2\xb6\n```python\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassChapter) chapter = NULL;

  while (text->len < 1000000)
    g_string_append (text, "if a:\n");
  g_string_append (text, "```\n");
  chapter = heapglass_chapter_new_from_data (text->str, text->len, "deep.txt",
                                             HEAPGLASS_CHAPTER_FORMAT_TEXT_EXPORT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (heapglass_chapter_get_block (chapter, 0)->code), <, 30 * text->len);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_examples_tour_counts (void)
{
  g_autofree char *path = examples_path ("heapglass-tour.md");
  g_autoptr (GError) error = NULL;
  g_autoptr (HeapglassChapter) chapter = heapglass_chapter_load_path (path, &error);
  const HeapglassChapterBlock *blocks;
  guint n, calls_nothing = 0;

  g_assert_no_error (error);
  g_assert_cmpstr (heapglass_chapter_get_title (chapter), ==, "A Tour of Names and Objects");
  g_assert_cmpuint (heapglass_chapter_count_blocks (chapter, HEAPGLASS_BLOCK_EXAMPLE), ==, 11);
  g_assert_cmpuint (heapglass_chapter_count_blocks (chapter, HEAPGLASS_BLOCK_EXERCISE), ==, 3);
  g_assert_cmpuint (heapglass_chapter_count_blocks (chapter, HEAPGLASS_BLOCK_SOLUTION), ==, 3);
  blocks = heapglass_chapter_get_blocks (chapter, &n);
  for (guint i = 0; i < n; i++)
    if (blocks[i].calls_nothing)
      {
        calls_nothing++;
        g_assert_cmpstr (blocks[i].title, ==, "Frames › A definition alone");
      }
  g_assert_cmpuint (calls_nothing, ==, 1);
  g_assert_cmpstr (blocks[11].title, ==, "Exercise 1");
  g_assert_true (
      g_str_has_prefix (blocks[11].statement, "Write a function `pair()` that builds a list"));
  g_assert_nonnull (strstr (blocks[11].statement, "with `is` and"));
}

/* Every block of the bundled chapter is a working program under the interpreter we trace with. */
static void
test_examples_tour_runs (void)
{
  g_autofree char *path = examples_path ("heapglass-tour.md");
  g_autoptr (HeapglassChapter) chapter = heapglass_chapter_load_path (path, NULL);
  const HeapglassChapterBlock *blocks;
  guint n;

  blocks = heapglass_chapter_get_blocks (chapter, &n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *out = NULL;

      if (blocks[i].kind == HEAPGLASS_BLOCK_EXERCISE)
        continue;
      g_test_message ("running %s", blocks[i].title);
      g_assert_true (python_runs (blocks[i].code, &out));
      if (strstr (blocks[i].title, "weak references"))
        g_assert_cmpstr (out, ==, "alive: True\nafter del: False\n");
    }
}

/* ------------------------------------------------------------------------------------------ */

static void
test_print_exercises_format (void)
{
  g_autofree char *path = seed_path ("stack-and-heap-overview.md");
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  guint counts[3] = { 0, 0, 0 };
  guint n;

  if (path == NULL)
    {
      g_test_skip ("HEAPGLASS_SEED_DIR is not set");
      return;
    }
  g_assert_true (heapglass_chapter_print_exercises (path, out, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (out->str, "\n"));
  lines = g_strsplit (out->str, "\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpuint (n, ==, 20); /* 19 lines and the empty string after the last newline */
  g_assert_cmpstr (lines[0], ==, "example\tTwo Memory Areas › 1. Stack\t13");
  g_assert_cmpstr (lines[13], ==, "exercise\tExercise 1\t233");
  g_assert_cmpstr (lines[14], ==, "solution\tSolution to Exercise 1\t238");
  for (guint i = 0; i + 1 < n; i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i], "\t", -1);
      guint64 line;

      g_assert_cmpuint (g_strv_length (fields), ==, 3);
      if (g_str_equal (fields[0], "example"))
        counts[0]++;
      else if (g_str_equal (fields[0], "exercise"))
        counts[1]++;
      else if (g_str_equal (fields[0], "solution"))
        counts[2]++;
      else
        g_assert_not_reached ();
      g_assert_cmpuint (strlen (fields[1]), >, 0);
      g_assert_true (g_ascii_string_to_unsigned (fields[2], 10, 1, 310, &line, NULL));
    }
  g_assert_cmpuint (counts[0], ==, 13);
  g_assert_cmpuint (counts[1], ==, 3);
  g_assert_cmpuint (counts[2], ==, 3);
}

static void
test_print_exercises_error (void)
{
  g_autoptr (GString) out = g_string_new ("kept");
  g_autoptr (GError) error = NULL;

  g_assert_false (heapglass_chapter_print_exercises ("/nonexistent/chapter.md", out, &error));
  g_assert_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_NOT_FOUND);
  g_assert_cmpstr (out->str, ==, "kept");
}

static void
on_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HeapglassChapter **chapter = user_data;
  g_autoptr (GError) error = NULL;

  *chapter = heapglass_chapter_load_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_load_async (void)
{
  g_autofree char *path = examples_path ("heapglass-tour.md");
  g_autoptr (GFile) file = g_file_new_for_path (path);
  HeapglassChapter *chapter = NULL;

  heapglass_chapter_load_async (file, NULL, on_loaded, &chapter);
  while (chapter == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (heapglass_chapter_get_n_blocks (chapter), ==, 17);
  g_assert_finalize_object (chapter);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chapter/seed/markdown/counts", test_seed_markdown_counts);
  g_test_add_func ("/chapter/seed/markdown/titles", test_seed_markdown_titles);
  g_test_add_func ("/chapter/seed/markdown/line-numbers", test_seed_markdown_lines);
  g_test_add_func ("/chapter/seed/markdown/code-equals-file", test_seed_markdown_code);
  g_test_add_func ("/chapter/seed/markdown/exercises", test_seed_markdown_exercises);
  g_test_add_func ("/chapter/seed/markdown/sections", test_seed_markdown_sections);
  g_test_add_func ("/chapter/seed/markdown/calls-nothing", test_seed_markdown_calls_nothing);
  g_test_add_func ("/chapter/calls-nothing/top-level-lines", test_calls_nothing_lines);
  g_test_add_func ("/chapter/seed/text-export/exercises", test_seed_text_export_exercises);
  g_test_add_func ("/chapter/seed/text-export/blocks-compile",
                   test_seed_text_export_blocks_compile);
  g_test_add_func ("/chapter/seed/text-export/solutions-run", test_seed_text_export_solutions_run);
  g_test_add_func ("/chapter/folder/natural-sort", test_folder_natural_sort);
  g_test_add_func ("/chapter/python/single-file", test_python_single_file);
  g_test_add_func ("/chapter/error/not-found", test_error_not_found);
  g_test_add_func ("/chapter/error/not-utf8", test_error_not_utf8);
  g_test_add_func ("/chapter/error/binary", test_error_binary);
  g_test_add_func ("/chapter/error/empty", test_error_empty);
  g_test_add_func ("/chapter/error/no-code", test_error_no_code);
  g_test_add_func ("/chapter/error/unreadable-fifo", test_error_unreadable);
  g_test_add_func ("/chapter/error/too-large-50mb", test_error_too_large);
  g_test_add_func ("/chapter/error/too-large-in-memory", test_error_too_large_in_memory);
  g_test_add_func ("/chapter/markdown/admonition-without-blank-line",
                   test_markdown_admonition_without_blank_line);
  g_test_add_func ("/chapter/markdown/other-admonitions", test_markdown_other_admonitions);
  g_test_add_func ("/chapter/markdown/crlf", test_markdown_crlf);
  g_test_add_func ("/chapter/markdown/big-chapter-is-linear", test_markdown_big_chapter_is_linear);
  g_test_add_func ("/chapter/markdown/cr-line-ends", test_markdown_cr_line_ends);
  g_test_add_func ("/chapter/text-export/markdown-saved-as-txt", test_text_file_that_is_markdown);
  g_test_add_func ("/chapter/text-export/indentation", test_text_export_indentation);
  g_test_add_func ("/chapter/text-export/big-block-is-linear",
                   test_text_export_big_block_is_linear);
  g_test_add_func ("/chapter/text-export/deep-nesting-is-bounded",
                   test_text_export_deep_nesting_is_bounded);
  g_test_add_func ("/chapter/examples/tour-counts", test_examples_tour_counts);
  g_test_add_func ("/chapter/examples/tour-runs", test_examples_tour_runs);
  g_test_add_func ("/chapter/print-exercises/format", test_print_exercises_format);
  g_test_add_func ("/chapter/print-exercises/missing-file", test_print_exercises_error);
  g_test_add_func ("/chapter/load-async", test_load_async);

  return g_test_run ();
}
