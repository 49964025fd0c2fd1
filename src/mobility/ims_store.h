/* The IMS's persistent state in SQLite: per HoA its enrolled Ed25519 public
 * key, the last accepted sequence number, the update time and the mobile
 * addresses.  WAL journal with synchronous=FULL: once ims_store_update
 * returns 0 the update is on disk, so the server acknowledges only after
 * that, and a crash can lose nothing it acknowledged. */
#ifndef ROAM_MOBILITY_IMS_STORE_H
#define ROAM_MOBILITY_IMS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "ims_types.h"

typedef struct ims_store ims_store;

/* Open (creating if needed) the database at path.  NULL with err. */
ims_store *ims_store_open(const char *path, char *err, size_t errlen);

/* The same for a database that must already exist (the administration
 * commands that read or remove): a wrong path is an error, not a new empty
 * database. */
ims_store *ims_store_open_existing(const char *path, char *err, size_t errlen);
void ims_store_close(ims_store *s);

/* Enroll hoa with pub, or replace its key.  The sequence number and the
 * bindings are kept, so replays signed by an old key stay refused. */
int ims_store_enroll(ims_store *s, const uint8_t hoa[IMS_ADDR_LEN],
                     const uint8_t pub[IMS_PUBKEY_LEN], char *err, size_t errlen);

/* Remove hoa and its bindings.  1 removed, 0 was not enrolled, -1 error. */
int ims_store_revoke(ims_store *s, const uint8_t hoa[IMS_ADDR_LEN], char *err, size_t errlen);

/* Look hoa up: 1 found (m and, if pub non-NULL, pub filled), 0 not
 * enrolled, -1 error. */
int ims_store_get(ims_store *s, const uint8_t hoa[IMS_ADDR_LEN], ims_mapping *m,
                  uint8_t pub[IMS_PUBKEY_LEN], char *err, size_t errlen);

/* Store m (hoa, seq, bindings; updated_ms set here to now) in one
 * transaction, only if m->seq is above the stored one: 0 stored, 1 stale
 * (*current set), -1 error (nothing stored). */
int ims_store_update(ims_store *s, ims_mapping *m, uint64_t *current, char *err, size_t errlen);

/* Call fn for every enrolled HoA (for `roam-ims list`).  0 or -1. */
int ims_store_each(ims_store *s, void (*fn)(const ims_mapping *m, void *arg), void *arg,
                   char *err, size_t errlen);

#endif
