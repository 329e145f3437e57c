/* heapglass-chapter.c: loads a chapter (Markdown via md4c, or its flattened text export), a .py
 * file or a folder of .py files into runnable blocks with titles, sections and line numbers. */
#include "config.h"

#include "heapglass-chapter-private.h"

#include <string.h>

#include <glib/gi18n.h>

/* Written out rather than with G_DEFINE_QUARK: clang-format puts spaces into that macro's
 * dashed first argument, which would change the quark's text. */
GQuark
heapglass_chapter_error_quark (void)
{
  return g_quark_from_static_string ("heapglass-chapter-error-quark");
}

G_DEFINE_FINAL_TYPE (HeapglassChapter, heapglass_chapter, G_TYPE_OBJECT)

static void
section_clear (gpointer data)
{
  HeapglassChapterSection *section = data;

  g_free ((char *)section->text);
}

static void
block_clear (gpointer data)
{
  HeapglassChapterBlock *block = data;

  g_free ((char *)block->title);
  g_free ((char *)block->file);
  g_free ((char *)block->code);
  g_free ((char *)block->statement);
  g_free ((char *)block->prose);
}

static void
heapglass_chapter_finalize (GObject *object)
{
  HeapglassChapter *self = HEAPGLASS_CHAPTER (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->sections, g_array_unref);
  g_clear_pointer (&self->blocks, g_array_unref);
  g_clear_pointer (&self->statements, g_ptr_array_unref);

  G_OBJECT_CLASS (heapglass_chapter_parent_class)->finalize (object);
}

static void
heapglass_chapter_class_init (HeapglassChapterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = heapglass_chapter_finalize;
}

static void
statement_free (gpointer data)
{
  if (data)
    g_string_free (data, TRUE);
}

static void
heapglass_chapter_init (HeapglassChapter *self)
{
  self->statements = g_ptr_array_new_with_free_func (statement_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->open_sections); i++)
    self->open_sections[i] = -1;
  self->sections = g_array_new (FALSE, TRUE, sizeof (HeapglassChapterSection));
  g_array_set_clear_func (self->sections, section_clear);
  self->blocks = g_array_new (FALSE, TRUE, sizeof (HeapglassChapterBlock));
  g_array_set_clear_func (self->blocks, block_clear);
}

const char *
heapglass_chapter_block_get_short_title (const HeapglassChapterBlock *block)
{
  const char *sep;

  g_return_val_if_fail (block != NULL, NULL);

  sep = g_strrstr (block->title, "›");
  if (sep == NULL)
    return block->title;
  sep += strlen ("›");
  while (*sep == ' ')
    sep++;
  return *sep != '\0' ? sep : block->title;
}

const char *
heapglass_block_kind_to_string (HeapglassBlockKind kind)
{
  switch (kind)
    {
    case HEAPGLASS_BLOCK_EXAMPLE:
      return "example";
    case HEAPGLASS_BLOCK_EXERCISE:
      return "exercise";
    case HEAPGLASS_BLOCK_SOLUTION:
      return "solution";
    default:
      return "unknown";
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Reading files                                                                              */

static char *
display_name_for (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);

  return path ? g_filename_display_name (path) : g_file_get_parse_name (file);
}

/* Reads at most HEAPGLASS_CHAPTER_MAX_BYTES (and one more, to know there is more): a 50 MB file
 * or /dev/zero is refused after 8 MiB at worst, and its size usually says so before any read. */
static GBytes *
read_bounded (GFile *file, GError **error)
{
  g_autofree char *name = display_name_for (file);
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GFileInputStream) stream = NULL;
  g_autofree char *buffer = NULL;
  gsize total = 0;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (!info)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_NOT_FOUND,
                     _ ("“%s” does not exist"), name);
      else
        g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_UNREADABLE,
                     _ ("Could not read “%s”: %s"), name, local_error->message);
      return NULL;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_UNREADABLE,
                   _ ("Could not read “%s”: it is not a regular file"), name);
      return NULL;
    }
  if (g_file_info_get_size (info) > HEAPGLASS_CHAPTER_MAX_BYTES)
    {
      g_autofree char *size = g_format_size (g_file_info_get_size (info));
      g_autofree char *limit = g_format_size (HEAPGLASS_CHAPTER_MAX_BYTES);
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_TOO_LARGE,
                   _ ("“%s” is too large (%s); a chapter can be at most %s"), name, size, limit);
      return NULL;
    }

  stream = g_file_read (file, NULL, &local_error);
  if (!stream)
    {
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_UNREADABLE,
                   _ ("Could not read “%s”: %s"), name, local_error->message);
      return NULL;
    }

  buffer = g_malloc (HEAPGLASS_CHAPTER_MAX_BYTES + 1);
  while (total <= HEAPGLASS_CHAPTER_MAX_BYTES)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), buffer + total,
                                      HEAPGLASS_CHAPTER_MAX_BYTES + 1 - total, NULL, &local_error);
      if (n < 0)
        {
          g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_UNREADABLE,
                       _ ("Could not read “%s”: %s"), name, local_error->message);
          return NULL;
        }
      if (n == 0)
        break;
      total += n;
    }
  if (total > HEAPGLASS_CHAPTER_MAX_BYTES)
    {
      g_autofree char *limit = g_format_size (HEAPGLASS_CHAPTER_MAX_BYTES);
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_TOO_LARGE,
                   _ ("“%s” is too large; a chapter can be at most %s"), name, limit);
      return NULL;
    }
  buffer = g_realloc (buffer, total + 1);
  buffer[total] = '\0';
  return g_bytes_new_take (g_steal_pointer (&buffer), total);
}

/* NUL bytes mean binary; then the text must be UTF-8 and not empty. */
static gboolean
check_text (const char *data, gsize length, const char *name, GError **error)
{
  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_BINARY,
                   _ ("“%s” is not a text file"), name);
      return FALSE;
    }
  if (!g_utf8_validate_len (data, length, NULL))
    {
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_NOT_UTF8,
                   _ ("“%s” is not UTF-8 text"), name);
      return FALSE;
    }
  if (chapter_is_all_whitespace (data, length)
      || (length == 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0))
    {
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_EMPTY,
                   _ ("“%s” is empty"), name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_into (HeapglassChapter *self, const char *data, gsize length, const char *name,
            const char *file, HeapglassChapterFormat format, GError **error)
{
  /* a byte-order mark is not part of the first line */
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      length -= 3;
    }
  if (!check_text (data, length, name, error))
    return FALSE;

  switch (format)
    {
    case HEAPGLASS_CHAPTER_FORMAT_PYTHON:
      {
        g_autofree char *base = g_path_get_basename (name);
        int index = chapter_add_block (self, HEAPGLASS_BLOCK_EXAMPLE, 1, -1, file,
                                       chapter_finish_code (g_string_new_len (data, length)), 0);
        HeapglassChapterBlock *block = &g_array_index (self->blocks, HeapglassChapterBlock, index);
        block->title = g_strdup (base);
      }
      break;
    case HEAPGLASS_CHAPTER_FORMAT_TEXT_EXPORT:
      chapter_parse_text_export (self, data, length, file);
      break;
    case HEAPGLASS_CHAPTER_FORMAT_MARKDOWN:
    case HEAPGLASS_CHAPTER_FORMAT_FOLDER:
    default:
      chapter_parse_markdown (self, data, length, file);
      if (format == HEAPGLASS_CHAPTER_FORMAT_MARKDOWN)
        chapter_attach_prose (self, data, length);
      break;
    }

  if (format != HEAPGLASS_CHAPTER_FORMAT_FOLDER && self->blocks->len == 0)
    {
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_NO_CODE,
                   _ ("“%s” contains no Python code to run"), name);
      return FALSE;
    }
  return TRUE;
}

/* Natural order: "ex2.py" before "ex10.py"; digits compare as numbers. */
static int
natural_compare (gconstpointer a, gconstpointer b)
{
  const char *x = *(const char *const *)a;
  const char *y = *(const char *const *)b;

  while (*x && *y)
    {
      if (g_ascii_isdigit (*x) && g_ascii_isdigit (*y))
        {
          const char *xs = x, *ys = y;
          gsize xl, yl;
          int c;

          while (*xs == '0' && g_ascii_isdigit (xs[1]))
            xs++;
          while (*ys == '0' && g_ascii_isdigit (ys[1]))
            ys++;
          for (x = xs; g_ascii_isdigit (*x); x++)
            ;
          for (y = ys; g_ascii_isdigit (*y); y++)
            ;
          xl = x - xs;
          yl = y - ys;
          if (xl != yl)
            return xl < yl ? -1 : 1;
          if ((c = strncmp (xs, ys, xl)) != 0)
            return c;
          continue;
        }
      if (g_ascii_tolower (*x) != g_ascii_tolower (*y))
        return g_ascii_tolower (*x) < g_ascii_tolower (*y) ? -1 : 1;
      x++;
      y++;
    }
  if (*x || *y)
    return *x ? 1 : -1;
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

static gboolean
load_folder (HeapglassChapter *self, GFile *folder, const char *name, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GFileEnumerator) enumerator = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  enumerator = g_file_enumerate_children (
      folder, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
      G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (!enumerator)
    {
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_UNREADABLE,
                   _ ("Could not read the folder “%s”: %s"), name, local_error->message);
      return FALSE;
    }
  for (;;)
    {
      GFileInfo *info = NULL;
      const char *child;

      if (!g_file_enumerator_iterate (enumerator, &info, NULL, NULL, &local_error))
        {
          g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_UNREADABLE,
                       _ ("Could not read the folder “%s”: %s"), name, local_error->message);
          return FALSE;
        }
      if (!info)
        break;
      child = g_file_info_get_name (info);
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR && child[0] != '.'
          && g_str_has_suffix (child, ".py"))
        g_ptr_array_add (names, g_strdup (child));
    }
  if (names->len == 0)
    {
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_EMPTY,
                   _ ("The folder “%s” has no .py files"), name);
      return FALSE;
    }
  g_ptr_array_sort (names, natural_compare);

  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr (GFile) child = g_file_get_child (folder, g_ptr_array_index (names, i));
      g_autofree char *child_name = display_name_for (child);
      g_autofree char *child_path = g_file_get_path (child);
      g_autoptr (GBytes) bytes = read_bounded (child, error);
      gsize length;
      const char *data;

      if (!bytes)
        return FALSE;
      data = g_bytes_get_data (bytes, &length);
      if (!parse_into (self, data, length, child_name, child_path ? child_path : child_name,
                       HEAPGLASS_CHAPTER_FORMAT_PYTHON, error))
        return FALSE;
    }
  return TRUE;
}

HeapglassChapter *
heapglass_chapter_load (GFile *file, GError **error)
{
  g_autoptr (HeapglassChapter) self = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  GFileType type;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (HEAPGLASS_TYPE_CHAPTER, NULL);
  name = display_name_for (file);
  path = g_file_get_path (file);
  base = g_file_get_basename (file);
  self->path = g_strdup (path ? path : name);

  type = g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL);
  if (type == G_FILE_TYPE_DIRECTORY)
    {
      self->format = HEAPGLASS_CHAPTER_FORMAT_FOLDER;
      self->title = g_filename_display_name (base ? base : name);
      if (!load_folder (self, file, name, error))
        return NULL;
    }
  else
    {
      g_autoptr (GBytes) bytes = NULL;
      const char *data;
      gsize length;

      if (base && g_str_has_suffix (base, ".py"))
        self->format = HEAPGLASS_CHAPTER_FORMAT_PYTHON;
      else if (base && g_str_has_suffix (base, ".txt"))
        self->format = HEAPGLASS_CHAPTER_FORMAT_TEXT_EXPORT;
      else
        self->format = HEAPGLASS_CHAPTER_FORMAT_MARKDOWN;

      bytes = read_bounded (file, error);
      if (!bytes)
        return NULL;
      data = g_bytes_get_data (bytes, &length);
      /* a .txt without the export's "¶" heading marks is plain Markdown saved as text */
      if (self->format == HEAPGLASS_CHAPTER_FORMAT_TEXT_EXPORT
          && g_strstr_len (data, length, PILCROW) == NULL)
        self->format = HEAPGLASS_CHAPTER_FORMAT_MARKDOWN;
      if (!parse_into (self, data, length, name, self->path, self->format, error))
        return NULL;
    }

  chapter_finish (self);
  if (self->title == NULL)
    self->title = g_filename_display_name (base ? base : name);
  return g_steal_pointer (&self);
}

HeapglassChapter *
heapglass_chapter_load_path (const char *path, GError **error)
{
  g_autoptr (GFile) file = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_file_new_for_path (path);
  return heapglass_chapter_load (file, error);
}

HeapglassChapter *
heapglass_chapter_new_from_data (const char *data, gsize length, const char *display_name,
                                 HeapglassChapterFormat format, GError **error)
{
  g_autoptr (HeapglassChapter) self = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);
  g_return_val_if_fail (format != HEAPGLASS_CHAPTER_FORMAT_FOLDER, NULL);

  self = g_object_new (HEAPGLASS_TYPE_CHAPTER, NULL);
  self->format = format;
  if (length > HEAPGLASS_CHAPTER_MAX_BYTES)
    {
      g_autofree char *limit = g_format_size (HEAPGLASS_CHAPTER_MAX_BYTES);
      g_set_error (error, HEAPGLASS_CHAPTER_ERROR, HEAPGLASS_CHAPTER_ERROR_TOO_LARGE,
                   _ ("“%s” is too large; a chapter can be at most %s"), display_name, limit);
      return NULL;
    }
  if (!parse_into (self, data ? data : "", length, display_name, display_name, format, error))
    return NULL;
  chapter_finish (self);
  if (self->title == NULL)
    self->title = g_strdup (display_name);
  return g_steal_pointer (&self);
}

static void
load_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  HeapglassChapter *chapter = heapglass_chapter_load (task_data, &error);

  if (chapter)
    g_task_return_pointer (task, chapter, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
heapglass_chapter_load_async (GFile *file, GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, heapglass_chapter_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_in_thread);
}

HeapglassChapter *
heapglass_chapter_load_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

HeapglassChapterFormat
heapglass_chapter_get_format (HeapglassChapter *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER (self), HEAPGLASS_CHAPTER_FORMAT_MARKDOWN);
  return self->format;
}

const char *
heapglass_chapter_get_title (HeapglassChapter *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER (self), NULL);
  return self->title;
}

const char *
heapglass_chapter_get_path (HeapglassChapter *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER (self), NULL);
  return self->path;
}

const HeapglassChapterSection *
heapglass_chapter_get_sections (HeapglassChapter *self, guint *n_sections)
{
  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER (self), NULL);
  if (n_sections)
    *n_sections = self->sections->len;
  return (const HeapglassChapterSection *)(gpointer)self->sections->data;
}

const HeapglassChapterBlock *
heapglass_chapter_get_blocks (HeapglassChapter *self, guint *n_blocks)
{
  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER (self), NULL);
  if (n_blocks)
    *n_blocks = self->blocks->len;
  return (const HeapglassChapterBlock *)(gpointer)self->blocks->data;
}

guint
heapglass_chapter_get_n_blocks (HeapglassChapter *self)
{
  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER (self), 0);
  return self->blocks->len;
}

const HeapglassChapterBlock *
heapglass_chapter_get_block (HeapglassChapter *self, guint index)
{
  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER (self), NULL);
  g_return_val_if_fail (index < self->blocks->len, NULL);
  return &g_array_index (self->blocks, HeapglassChapterBlock, index);
}

guint
heapglass_chapter_count_blocks (HeapglassChapter *self, HeapglassBlockKind kind)
{
  guint count = 0;

  g_return_val_if_fail (HEAPGLASS_IS_CHAPTER (self), 0);
  for (guint i = 0; i < self->blocks->len; i++)
    if (g_array_index (self->blocks, HeapglassChapterBlock, i).kind == kind)
      count++;
  return count;
}

gboolean
heapglass_chapter_print_exercises (const char *path, GString *out, GError **error)
{
  g_autoptr (HeapglassChapter) chapter = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  chapter = heapglass_chapter_load_path (path, error);
  if (!chapter)
    return FALSE;
  for (guint i = 0; i < chapter->blocks->len; i++)
    {
      const HeapglassChapterBlock *block
          = &g_array_index (chapter->blocks, HeapglassChapterBlock, i);
      g_autofree char *title = g_strdup (block->title);

      /* a tab or newline in a title would break the line format */
      g_strdelimit (title, "\t\n\r", ' ');
      g_string_append_printf (out, "%s\t%s\t%u\n", heapglass_block_kind_to_string (block->kind),
                              title, block->line);
    }
  return TRUE;
}
