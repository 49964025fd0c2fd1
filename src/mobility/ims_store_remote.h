/* The store as roam-ims's network process sees it: every operation a
 * request to the store process over a socket pair (ims_sep_msg.h), so the
 * network process holds no database handle, no etcd credentials and no
 * writable file.  Only what serving uses is there (get, update, the change
 * feed); enroll, revoke and each fail.  ims_store_open_remote (ims_store.h)
 * wraps it. */
#ifndef ROAM_MOBILITY_IMS_STORE_REMOTE_H
#define ROAM_MOBILITY_IMS_STORE_REMOTE_H

#include "ims_store_ops.h"

/* req: requests and their replies; feed: the changes the store process
 * pushes.  Both SOCK_SEQPACKET; taken over (closed by close).  NULL with
 * err. */
void *ims_remote_open(int req, int feed, char *err, size_t errlen);

extern const ims_store_ops ims_remote_ops;

#endif
