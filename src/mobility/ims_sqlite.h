/* The IMS store's SQLite backend: per HoA its enrolled Ed25519 public key,
 * the last accepted sequence number, the update time and the mobile
 * addresses, in one database file (format: ims_sqlite.c's schema). */
#ifndef ROAM_MOBILITY_IMS_SQLITE_H
#define ROAM_MOBILITY_IMS_SQLITE_H

#include <stddef.h>

#include "ims_store_ops.h"

/* Open the database at path, creating it if create is set (otherwise a
 * missing file is an error).  NULL with err. */
void *ims_sqlite_open(const char *path, int create, char *err, size_t errlen);

extern const ims_store_ops ims_sqlite_ops;

#endif
