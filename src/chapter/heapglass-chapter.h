/* heapglass-chapter.h: the chapter loader. Turns a chapter (Markdown, its flattened text export),
 * a single .py file or a folder of .py files into a list of runnable blocks (examples, exercises,
 * solutions) with their sections, titles and line numbers. No GTK: the sidebar and the command
 * line both read this model. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HEAPGLASS_CHAPTER_ERROR (heapglass_chapter_error_quark ())
GQuark heapglass_chapter_error_quark (void);

/* Every message names the file and is translated; the codes are for callers and tests. */
typedef enum
{
  HEAPGLASS_CHAPTER_ERROR_NOT_FOUND,  /* no such file or folder */
  HEAPGLASS_CHAPTER_ERROR_UNREADABLE, /* exists but cannot be read (permissions, I/O, a device) */
  HEAPGLASS_CHAPTER_ERROR_NOT_UTF8,   /* text that is not valid UTF-8 */
  HEAPGLASS_CHAPTER_ERROR_BINARY,     /* contains NUL bytes: not a text file */
  HEAPGLASS_CHAPTER_ERROR_EMPTY,      /* empty or only whitespace (a folder: no .py files in it) */
  HEAPGLASS_CHAPTER_ERROR_NO_CODE,    /* text, but not one runnable block in it */
  HEAPGLASS_CHAPTER_ERROR_TOO_LARGE,  /* over HEAPGLASS_CHAPTER_MAX_BYTES; refused before reading */
} HeapglassChapterError;

/* Files larger than this are refused with TOO_LARGE, from their size alone. */
#define HEAPGLASS_CHAPTER_MAX_BYTES (8 * 1024 * 1024)

/* What was opened: a folder; a ".py"; a ".txt" with the export's "¶" heading marks (a ".txt"
 * without them is read as Markdown); anything else is Markdown. */
typedef enum
{
  HEAPGLASS_CHAPTER_FORMAT_MARKDOWN,    /* CommonMark + mkdocs-material admonitions (md4c) */
  HEAPGLASS_CHAPTER_FORMAT_TEXT_EXPORT, /* the flattened export: recovered line by line */
  HEAPGLASS_CHAPTER_FORMAT_PYTHON,      /* one .py file: a single example */
  HEAPGLASS_CHAPTER_FORMAT_FOLDER,      /* the .py files of a folder, one example each */
} HeapglassChapterFormat;

typedef enum
{
  HEAPGLASS_BLOCK_EXAMPLE,  /* a `python` code fence outside a solution */
  HEAPGLASS_BLOCK_EXERCISE, /* a `**Exercise N.**` statement; the learner writes the code */
  HEAPGLASS_BLOCK_SOLUTION, /* the code of a `??? success "Solution to Exercise N"` admonition */
} HeapglassBlockKind;

/* "example", "exercise", "solution": the words of `heapglass --list-exercises`. */
const char *heapglass_block_kind_to_string (HeapglassBlockKind kind);

/* A heading. Strings are owned by the chapter. */
typedef struct
{
  const char *text; /* the heading's text, inline markup removed ("1. Stack") */
  guint level;      /* 1 for "#", 2 for "##", … */
  guint line;       /* 1-based line of the heading in the file */
  int parent;       /* index of the nearest enclosing heading of a lower level, or -1 */
} HeapglassChapterSection;

/* A runnable block. Strings are owned by the chapter; NULL only where said. */
typedef struct
{
  HeapglassBlockKind kind;
  const char *title;      /* unique in the chapter: "Memory Visualization › 1. Example",
                           * "Exercise 2", "Solution to Exercise 2", a .py's file name */
  guint line;             /* 1-based line where it starts in its file: the opening fence of a
                           * code block, the `**Exercise N.**` line of an exercise, 1 for a .py */
  int section;            /* index into the sections of the innermost heading above it, or -1 */
  const char *file;       /* path of the file it is in (the chapter itself, or the folder's .py) */
  const char *code;       /* the program, exactly as in the file but dedented, ending with "\n";
                           * "" for an exercise (its editor starts empty) */
  guint number;           /* exercise number N for exercises and their solutions, else 0 */
  const char *statement;  /* exercises: the statement (plain text but for `code` marks,
                           * paragraphs separated by a blank line); NULL for other kinds */
  int solution;           /* exercises: index of its solution block, or -1 if it has none */
  int exercise;           /* solutions: index of its exercise block, or -1 if there is none */
  gboolean calls_nothing; /* the code defines functions/classes (or is only comments) and runs
                           * nothing else at top level but imports and constant assignments,
                           * so the window can say "nothing is called"; FALSE for exercises */
  const char *prose;      /* examples of a Markdown chapter: the explanation around the block (the
                           * Markdown between the heading or code block above and the next one,
                           * the block itself left out); NULL when there is none */
} HeapglassChapterBlock;

/* The title without its section: "Frames › A chain of calls" → "A chain of calls" (the sidebar
 * and the code pane already show the section). Points into block->title. */
const char *heapglass_chapter_block_get_short_title (const HeapglassChapterBlock *block);

#define HEAPGLASS_TYPE_CHAPTER (heapglass_chapter_get_type ())
G_DECLARE_FINAL_TYPE (HeapglassChapter, heapglass_chapter, HEAPGLASS, CHAPTER, GObject)

/* Loads a chapter .md, its .txt export, a .py or a folder of .py files (sorted naturally:
 * ex1.py, ex2.py, ex10.py). Blocking, but bounded: at most HEAPGLASS_CHAPTER_MAX_BYTES per file
 * are read. Returns NULL with HEAPGLASS_CHAPTER_ERROR set on failure. */
HeapglassChapter *heapglass_chapter_load (GFile *file, GError **error);
HeapglassChapter *heapglass_chapter_load_path (const char *path, GError **error);

/* The same, in a worker thread (for the window). */
void heapglass_chapter_load_async (GFile *file, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
HeapglassChapter *heapglass_chapter_load_finish (GAsyncResult *result, GError **error);

/* Parses text already in memory. display_name is used in titles and messages (and as each block's
 * file); the format must not be FOLDER. */
HeapglassChapter *heapglass_chapter_new_from_data (const char *data, gsize length,
                                                   const char *display_name,
                                                   HeapglassChapterFormat format, GError **error);

HeapglassChapterFormat heapglass_chapter_get_format (HeapglassChapter *self);
/* The first level-1 heading, else the file or folder name. */
const char *heapglass_chapter_get_title (HeapglassChapter *self);
/* The path that was loaded (NULL for new_from_data). */
const char *heapglass_chapter_get_path (HeapglassChapter *self);

/* Arrays owned by the chapter, in file order; valid as long as the chapter. */
const HeapglassChapterSection *heapglass_chapter_get_sections (HeapglassChapter *self,
                                                               guint *n_sections);
const HeapglassChapterBlock *heapglass_chapter_get_blocks (HeapglassChapter *self, guint *n_blocks);
guint heapglass_chapter_get_n_blocks (HeapglassChapter *self);
const HeapglassChapterBlock *heapglass_chapter_get_block (HeapglassChapter *self, guint index);
guint heapglass_chapter_count_blocks (HeapglassChapter *self, HeapglassBlockKind kind);

/* `heapglass --list-exercises`: appends "<kind>\t<title>\t<line>\n" per block to out. */
gboolean heapglass_chapter_print_exercises (const char *path, GString *out, GError **error);

/* True when the top-level statements of code only define functions/classes, import, or assign
 * constants (and at least one defines something), or when there are no statements at all:
 * running it shows definitions but calls nothing. A line-level look at top-level lines (brackets,
 * strings and backslashes continue a statement), not a Python parser. */
gboolean heapglass_code_calls_nothing (const char *code);
/* The "defines functions but calls none" case alone: something is defined, nothing is done (FALSE
 * for code of comments only, or of constants only). */
gboolean heapglass_code_defines_but_calls_nothing (const char *code);
/* A call of the last function or class defined at the top level, with its parameter names as
 * placeholder arguments ("process(data, factor)"); NULL when nothing is defined. args_start and
 * args_length (characters, may be NULL) locate the arguments, to select them for editing. */
char *heapglass_code_suggest_call (const char *code, guint *args_start, guint *args_length);
/* The indentation (in spaces) of the line after `line`: one level more after a ':' that ends
 * it, one less after return/pass/break/continue/raise, else the same. */
guint heapglass_code_next_indent (const char *line, guint indent_width);

G_END_DECLS
