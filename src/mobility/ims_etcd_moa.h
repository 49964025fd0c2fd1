/* The etcd backend's index of mobile addresses, which keeps a MoA bound to
 * one HoA at a time: key PREFIX "moa/" + 32 hex digits of the MoA, value
 * the 16 raw bytes of the HoA it is bound to.  An update of a HoA's mapping
 * claims the index keys of its new MoAs and deletes those of the MoAs it
 * drops, in the same transaction as the mapping's own compare-and-put, so
 * two HoAs can never both commit a MoA.  An index key can outlive its
 * binding (its HoA was revoked, which deletes the mapping only): it is
 * taken over once the HoA it names no longer holds the MoA, with that
 * HoA's record compared in the same transaction, so the takeover cannot
 * race a registration of that HoA. */
#ifndef ROAM_MOBILITY_IMS_ETCD_MOA_H
#define ROAM_MOBILITY_IMS_ETCD_MOA_H

#include <stddef.h>
#include <stdint.h>

#include "ims_etcd_http.h"
#include "ims_types.h"

/* Room for one mapping's compares (its own record, its MoAs' index keys,
 * the records of the HoAs those name) and writes. */
#define ETCD_TXN_CMP_MAX 16384
#define ETCD_TXN_OPS_MAX 12288

/* A transaction's compare and success lists as JSON elements joined by
 * commas.  full: something did not fit (the transaction must not be sent). */
typedef struct etcd_txn {
    char cmp[ETCD_TXN_CMP_MAX];
    size_t cmplen;
    char ops[ETCD_TXN_OPS_MAX];
    size_t opslen;
    int full;
} etcd_txn;

/* Compare: key (base64) is unchanged since it was read with mod_revision
 * mod, or still absent if mod is 0. */
void etcd_txn_cmp_mod(etcd_txn *t, const char *key_b64, uint64_t mod);

/* Write: put value (raw bytes) at key, or delete key. */
void etcd_txn_put(etcd_txn *t, const char *key_b64, const uint8_t *val, size_t len);
void etcd_txn_del(etcd_txn *t, const char *key_b64);

/* Read the index keys of the MoAs old (the stored mapping) and m (its
 * replacement) bind, and add to t what the update's transaction must
 * compare and write for them.  0 done, 2 a MoA of m is bound to another
 * HoA (err says which), -1 error. */
int ims_moa_plan(etcd_http *h, const char *prefix, const ims_mapping *old, const ims_mapping *m,
                 etcd_txn *t, char *err, size_t errlen);

#endif
