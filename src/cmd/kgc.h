/* roam-kgc's subcommands (one file each); each returns an exit code. */
#ifndef ROAM_CMD_KGC_H
#define ROAM_CMD_KGC_H

#include <stddef.h>

#include "abe.h"

int kgc_setup(int argc, char **argv);
int kgc_keygen(int argc, char **argv);
int kgc_inspect(int argc, char **argv);

/* The key's expiry and whether a roam server accepts it today, as one
 * phrase ("2027-03-31 (valid: ... 482 days left ...)", "none (...)") into
 * out: 1 if it is accepted today, 0 if not. */
int kgc_key_validity(const abe_key_t *key, char *out, size_t cap);

#endif
