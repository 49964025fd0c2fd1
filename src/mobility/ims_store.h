/* The IMS's persistent state behind one interface: per HoA its enrolled
 * Ed25519 public key, the last accepted sequence number, the update time
 * and the mobile addresses.  Two backends: SQLite (one file, the default;
 * ims_sqlite.h) and an etcd cluster shared by several roam-ims front-ends
 * (ims_etcd.h).  Either way, once ims_store_update returns 0 the update is
 * durable (on disk, or committed by the cluster's quorum), so the server
 * acknowledges only after that and nothing acknowledged is ever lost. */
#ifndef ROAM_MOBILITY_IMS_STORE_H
#define ROAM_MOBILITY_IMS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "ims_etcd_http.h"
#include "ims_types.h"

typedef struct ims_store ims_store;

/* Open (creating if needed) the SQLite database at path.  NULL with err. */
ims_store *ims_store_open(const char *path, char *err, size_t errlen);

/* The same for a database that must already exist (the administration
 * commands that read or remove): a wrong path is an error, not a new empty
 * database. */
ims_store *ims_store_open_existing(const char *path, char *err, size_t errlen);

/* Use the etcd cluster cfg describes (one request checks that a member
 * answers).  NULL with err. */
ims_store *ims_store_open_etcd(const ims_etcd_config *cfg, char *err, size_t errlen);

/* The store of roam-ims's network process: requests over req to the store
 * process, which pushes its change feed over feed (ims_store_remote.h).
 * Takes both sockets over.  NULL with err. */
ims_store *ims_store_open_remote(int req, int feed, char *err, size_t errlen);

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

/* Store m (hoa, seq, bindings; updated_ms set here to now) atomically, only
 * if m->seq is above the stored one and none of m's mobile addresses is a
 * binding of another HoA (a MoA belongs to one HoA at a time): 0 stored, 1
 * stale (*current set), 2 a MoA is another HoA's (err says which), -1 error
 * (nothing stored in every case but 0). */
int ims_store_update(ims_store *s, ims_mapping *m, uint64_t *current, char *err, size_t errlen);

/* Call fn for every enrolled HoA (for `roam-ims list`).  0 or -1. */
int ims_store_each(ims_store *s, void (*fn)(const ims_mapping *m, void *arg), void *arg,
                   char *err, size_t errlen);

/* The change feed, for a server that shares its store with others: start
 * it (0, or -1 with err; a backend without one does nothing), then watch
 * ims_store_watch_fd (-1: no feed) for readability and take the changes
 * in commit order.  Returns how many were put in out; *resync set means
 * changes were lost (history compacted, or too many queued) and the reader
 * must re-read whatever it relies on. */
int ims_store_watch_start(ims_store *s, char *err, size_t errlen);
int ims_store_watch_fd(ims_store *s);
size_t ims_store_watch_take(ims_store *s, ims_change *out, size_t max, int *resync);

#endif
