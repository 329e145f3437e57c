/* heapglass-cli.h: the headless command line (see DESIGN.md): --trace-summary, --trace-json,
 * --export, --list-exercises, --version and the limits. Needs no display. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Registers every command-line option on the application (call from its init). */
void heapglass_cli_add_main_options (GApplication *app);

/* From GApplication::handle-local-options. Returns the exit status when a headless mode ran (or
 * the arguments were bad: message on stderr, status 2), or -1 when the window should open; then
 * *file_to_open is the FILE.py / CHAPTER.md argument, if any (owned by the caller). */
int heapglass_cli_handle_local_options (GApplication *app, GVariantDict *options,
                                        char **file_to_open);

G_END_DECLS
