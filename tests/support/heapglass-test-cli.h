/* heapglass-test-cli.h: runs the headless command line as a user runs it, for every test that
 * checks a CLI mode: the built `heapglass` binary when it exists, else the test program itself
 * re-executed as a bare GApplication around the CLI functions (builds without GTK). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int status;
  char *out;
  char *err;
} HgCliResult;

void hg_cli_result_clear (HgCliResult *result);

/* Call first in main(): when the program was re-executed as the CLI, this runs it and exits.
 * Otherwise it picks what hg_test_cli() runs. */
void hg_test_cli_init (int argc, char **argv);

/* The program hg_test_cli() runs, and whether it is this test binary in --as-cli mode. */
const char *hg_test_cli_program (gboolean *self_cli);

/* Runs the command line with the arguments (NULL-terminated) and collects its output. */
G_GNUC_NULL_TERMINATED
HgCliResult hg_test_cli (const char *first, ...);

G_END_DECLS
