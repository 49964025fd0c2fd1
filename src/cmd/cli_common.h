/* Shared plumbing of roam's programs: error messages, exit codes, loading
 * armored objects into FABEO structures, default paths, hex output.  The
 * programs' main()s only dispatch; each subcommand lives in its own file. */
#ifndef ROAM_CMD_CLI_COMMON_H
#define ROAM_CMD_CLI_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "abe.h"

/* Exit codes of roam-kgc (roam check uses 0 satisfied / 1 not / 2 error). */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

extern const char *cli_prog;   /* "roam-kgc", "roam check", ... for messages */

/* "prog: message\n" on stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The message of the last cli_err (without the prefix), "" before any:
 * what a --json answer reports of a failure already printed. */
const char *cli_last_error(void);

/* Loaders: 0 or -1 (message printed).  Objects are malloc'd; free with
 * free() (MPK) or cli_free_msk / cli_free_key (cleansed). */
int cli_load_mpk(const char *path, abe_mpk_t **mpk);
int cli_load_msk(const char *path, abe_msk_t **msk, uint8_t mpk_id[ABE_ID_BYTES]);
int cli_load_key(const char *path, abe_key_t **key);
void cli_free_msk(abe_msk_t *msk);
void cli_free_key(abe_key_t *key);

/* Writes an encoded object (from rf_encode_*) to a new file; 0 or -1. */
int cli_save(const char *path, uint8_t *obj, size_t len);

/* Default file under the user's roam directory ($XDG_CONFIG_HOME/roam or
 * ~/.config/roam), into buf; NULL if neither variable is usable. */
const char *cli_default_path(const char *name, char *buf, size_t cap);

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void cli_hex(char *out, const uint8_t *b, size_t n);

#endif
