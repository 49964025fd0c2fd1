/* roam-ims's store process: the only one that holds the store (the SQLite
 * file, or the etcd client and its credentials).  It answers the network
 * process's requests (ims_sep_msg.h) and pushes the store's change feed to
 * it, and parses nothing else. */
#ifndef ROAM_MOBILITY_IMS_SEP_STORE_H
#define ROAM_MOBILITY_IMS_SEP_STORE_H

#include <stddef.h>

#include "ims_store.h"

/* Serve st on req (requests, replies) and feed (changes, written without
 * blocking: when the network process lags, it is told to re-read instead)
 * until the network process hangs up (0) or sends what the codec refuses,
 * or a socket fails (-1 with err). */
int ims_sep_store_serve(ims_store *st, int req, int feed, char *err, size_t errlen);

#endif
