/* Which provider hosts roam-ims believes about mobile addresses, and the
 * check of their attestations (src/net/moa_attest.h).  The attestors file
 * ([ims] attestors, docs/mobility.md) has one line per prefix a host
 * serves:
 *
 *   PREFIX/LEN  PUBKEY        # PUBKEY: base64 of the raw 32-byte Ed25519
 *                             # key, or the path of its PEM file
 *
 * LEN in IMS_ATTEST_PLEN_MIN..128; a host with several prefixes has several
 * lines; blank lines and lines starting with '#' are skipped; at most
 * IMS_ATTESTORS_MAX lines of at most IMS_ATTEST_LINE_MAX bytes. */
#ifndef ROAM_MOBILITY_IMS_ATTEST_H
#define ROAM_MOBILITY_IMS_ATTEST_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "ims.pb-c.h"
#include "ims_types.h"
#include "moa_attest.h"

#define IMS_ATTESTORS_MAX 1024
#define IMS_ATTEST_LINE_MAX 512
/* No host speaks for more than a /32: one provider's allocation, at most. */
#define IMS_ATTEST_PLEN_MIN 32
/* How far an attestation's time may be from the IMS's clock, either way.
 * Not what keeps it from being replayed (it names hoa and seq, and the IMS
 * stores a sequence number once); it bounds how long an attestation kept
 * back, for a registration not yet sent, stays good, and leaves room for
 * hosts' clocks (NTP keeps them far closer). */
#define IMS_ATTEST_SKEW_S 60

typedef struct ims_attestor {
    uint8_t prefix[IMS_ADDR_LEN];
    int plen;
    uint8_t pub[IMS_PUBKEY_LEN];
    uint8_t key_id[ROAM_ATTEST_KEY_ID_LEN];
    int line;
} ims_attestor;

typedef struct ims_attestors {
    size_t n;
    ims_attestor *a;                 /* malloc'ed */
} ims_attestors;

/* Read path into t (emptied first); every problem to d, at its line.  0,
 * or -1 (t then empty).  Free with ims_attestors_free either way. */
int ims_attestors_load(ims_attestors *t, const char *path, roam_diag *d);
void ims_attestors_free(ims_attestors *t);

/* Does r carry an attestation of moa for its own (hoa, seq), by a host of
 * t whose prefix holds moa, signed within IMS_ATTEST_SKEW_S of now_s?  1
 * yes; 0 no, with *why saying what the best attestation of moa lacked
 * (NULL if r attests moa not at all); -1 on an internal error (*why too). */
int ims_attest_check(const ims_attestors *t, const Roam__Ims__V1__Register *r,
                     const uint8_t moa[IMS_ADDR_LEN], int64_t now_s, const char **why);

#endif
