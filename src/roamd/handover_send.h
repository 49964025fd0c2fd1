/* The destination's part of a handover, at the VM's RARP: greet the router
 * from the VM's new address and send the VM's signed registration to the
 * IMS, so that the router knows where the address lives and correspondents
 * switch to it before the guest, slow to resume, notices it has moved.
 * The registration is the VM's own (signed, single-use: the IMS wants a
 * strictly increasing sequence number and acknowledges an exact repeat, so
 * the guest's own later send still gets its answer); with an attestation
 * key this host adds its own word for the mobile address it has checked,
 * which spares the VM the IMS's challenge.  Nothing here waits: it runs on
 * the post-processing's critical path. */
#ifndef ROAMD_HANDOVER_SEND_H
#define ROAMD_HANDOVER_SEND_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "handover.h"
#include "moa_attest.h"

/* This host's attestation key ([mobility] attest_key): with it, the
 * registration replayed at the RARP carries this host's attestation of the
 * mobile address it has checked (moa_attest.h), which roam-ims may take as
 * the proof it otherwise asks the VM for by a challenge. */
struct roamd_attester {
    EVP_PKEY *key;                    /* NULL: no attestation */
    uint8_t key_id[ROAM_ATTEST_KEY_ID_LEN];
};

/* Load path (Ed25519 private key, PEM, a secret: refused when group or
 * others may access it).  0, or -1 with err. */
int roamd_attester_load(struct roamd_attester *a, const char *path, char *err, size_t errlen);
void roamd_attester_free(struct roamd_attester *a);

/* h's registration with a's attestation of h->moa (which roam_handover_admit
 * has checked) at unix time now, into out (ROAM_HANDOVER_REG_MAX bytes).
 * The length, or 0 with err. */
size_t roamd_registration_attest(const roam_handover *h, const struct roamd_attester *a,
                                 uint64_t now, uint8_t *out, char *err, size_t errlen);

/* Send a Neighbor Solicitation for router (to its solicited-node group,
 * hop limit 255) from h->moa, with Ethernet source and source link-layer
 * option vm_mac, through the packet socket pkt_fd on the VM bridge: the
 * router learns moa -> vm_mac (RFC 4861 §7.2.3).  0 or -1 with err. */
int roamd_router_hello(int pkt_fd, const uint8_t *moa, const uint8_t vm_mac[6],
                       const struct in6_addr *router, char *err, size_t errlen);

/* Send h's registration as one UDP datagram to [h->ims_addr]:h->ims_port
 * from a new non-blocking socket; attested (roamd_registration_attest) if a
 * has a key, and as the guest sent it if a is NULL or has none or the
 * attestation fails (*attested says which, and err why it failed).  The
 * socket fd (kept for roamd_ims_answered; close it), or -1 with err. */
int roamd_registration_send(const roam_handover *h, const struct roamd_attester *a,
                            int *attested, char *err, size_t errlen);

/* 1 if a datagram from the IMS arrives on udp_fd before deadline
 * (deadline.h), else 0.  Only for the audit: the answer is the IMS's,
 * signed for the guest, and roamd neither can nor needs to check it. */
int roamd_ims_answered(int udp_fd, int64_t deadline);

#endif
