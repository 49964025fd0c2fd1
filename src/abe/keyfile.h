/* Armored roam objects on disk: bounded reading, de-armoring with the label
 * checked against the object type inside, and writing that never replaces
 * an existing file and gives secret objects (MSK, user keys) mode 0600 from
 * the moment the file exists.  Errors are written to err as one line that
 * names the file. */
#ifndef ROAM_ABE_KEYFILE_H
#define ROAM_ABE_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"

/* Reads an armored object.  want = 0 accepts any type.  *obj is malloc'd
 * (rf_free_secret it).  0 or -1. */
int keyfile_load(const char *path, rf_type want, uint8_t **obj, size_t *len, rf_type *type,
                 char *err, size_t errcap);

/* Armors obj (its type from its header) and writes it to a new file: mode
 * 0600 for MSK and user keys, 0644 otherwise.  0 or -1. */
int keyfile_save(const char *path, const uint8_t *obj, size_t len, char *err, size_t errcap);

#endif
