/* One peer connection on the destination, as its steps (peer_admit.h,
 * peer_post.h) share it: the source's identity, the admitted query, the RA
 * handed out, the guest's handover, and how each step reports and audits. */
#ifndef ROAMD_PEER_SESSION_H
#define ROAMD_PEER_SESSION_H

#include <netinet/in.h>
#include <stdint.h>

#include "daemon.h"
#include "link.h"
#include "handover.h"
#include "icmp6.h"
#include "msg.h"
#include "wire_limits.h"

struct peer_session {
    struct roamd *d;
    roamd_link *c;
    roam_stream s;
    int fd;                       /* c's relay socket, only polled */
    const char *addr;
    char fingerprint[ROAM_TLS_FINGERPRINT_HEX];
    char vm[ROAM_NAME_MAX + 1], src[ROAM_NAME_MAX + 1];
    uint8_t qid[16];
    int admitted;
    struct roam_ra_info ra;
    int have_ra;
    struct in6_addr router;       /* the RA's source: the router's link-local address */
    roam_handover ho;             /* the latest SwitchHandover, if have_ho */
    int have_ho;
    int ho_attested;              /* the handover went out with this host's attestation */
    int ho_early;                 /* it went out at the source's SwitchNow, before the RARP */
    /* Volumes created here for the incoming disks (peer_disks.h): removed
     * unless the VM ends up running here. */
    char disk_created[ROAM_DISKS_MAX][ROAM_DISK_PATH_MAX + 1];
    size_t n_disk_created;
};

/* One audit line for this connection; done adds the destination's timings
 * and the secondary NIC's address.  -1 if it could not be written (a
 * grant it records is then refused). */
int roamd_peer_session_audit(struct peer_session *p, const char *event, const char *outcome,
                              const char *reason, const Roam__V1__PostProcessDone *done);

/* Send env to the source; a failure is only logged (the source learns it
 * by the connection). */
void roamd_peer_session_send(struct peer_session *p, roam_envelope *env);

/* 1 if vm and qid are the query admitted on this connection. */
int roamd_peer_session_same_query(const struct peer_session *p, const char *vm,
                                  const ProtobufCBinaryData *qid);

#endif
