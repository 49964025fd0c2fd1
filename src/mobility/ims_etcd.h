/* The IMS store's etcd backend: every HoA is one key (ims_etcd_rec.h) in a
 * cluster that several roam-ims front-ends share.  Writes are etcd
 * transactions that compare the key's mod_revision with the one just read
 * (so "the sequence number strictly increases" holds across front-ends)
 * and return only once etcd committed them (a quorum has them); reads are
 * linearizable.  The change feed is an etcd watch on the HoA key range
 * (ims_etcd_watch.h).  An index of mobile addresses beside the HoA keys
 * keeps a MoA bound to one HoA (ims_etcd_moa.h). */
#ifndef ROAM_MOBILITY_IMS_ETCD_H
#define ROAM_MOBILITY_IMS_ETCD_H

#include <stddef.h>

#include "ims_etcd_http.h"
#include "ims_store_ops.h"

/* Check cfg, and that a member answers.  NULL with err. */
void *ims_etcd_open(const ims_etcd_config *cfg, char *err, size_t errlen);

extern const ims_store_ops ims_etcd_ops;

#endif
