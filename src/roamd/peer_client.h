/* The source daemon's side of the daemon-to-daemon conversation (mutual
 * TLS, one connection per migration): admission query, RA fetch, arming the
 * destination's post-processing, forwarding the guest's handover, and
 * collecting the result.  The admission query, the RA fetch and the disks
 * can go out in one flight: each call that needs an answer first reads the
 * answers owed to the requests sent before it. */
#ifndef ROAMD_PEER_CLIENT_H
#define ROAMD_PEER_CLIENT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "base_image.h"
#include "handover.h"
#include "msg.h"
#include "virt_disk.h"
#include "daemon.h"

typedef struct roamd_peer roamd_peer;

/* Connect to the daemon at host (the destination as the user named it; the
 * port is the configured peer_port) and check its certificate names host. */
roamd_peer *roamd_peer_connect(struct roamd *d, const char *dst_hostport, char *err,
                               size_t errlen);

/* 0 granted, -1 refused or failed (err: the peer's reason or the failure). */
int roamd_peer_admission(roamd_peer *p, const char *vm, const char *src, const uint8_t qid[16],
                         char *err, size_t errlen);

/* Send an AdmissionQuery without waiting for its answer (read by the next
 * call that waits for one, or by roamd_peer_admitted).  0 or -1. */
int roamd_peer_ask_admission(roamd_peer *p, const char *vm, const char *src,
                             const uint8_t qid[16], char *err, size_t errlen);

/* Ask for the RA without waiting for it: the RaFetch goes out behind the
 * next request (PrepareDisks) or before the next wait for an answer, and
 * roamd_peer_ra returns its answer.  After roamd_peer_ask_admission (the
 * destination answers only admitted queries); vm and qid must live until
 * it is sent. */
void roamd_peer_ask_ra(roamd_peer *p, const char *vm, const uint8_t qid[16]);

/* Read every answer still owed: 0 when the admission asked for was granted,
 * -1 with the refusal or the failure in err. */
int roamd_peer_admitted(roamd_peer *p, char *err, size_t errlen);

/* A dry run's AdmissionQuery: would the destination grant one?  It takes
 * nothing and ends the conversation: close p afterwards.  0 or -1 as above. */
int roamd_peer_admission_dry(roamd_peer *p, const char *vm, const char *src,
                             const uint8_t qid[16], char *err, size_t errlen);

/* Describe the VM's disks (PrepareDisks; n may be 0), each with its base's
 * identity in bases[i] (size 0: none), and receive where each lives on the
 * destination: paths[i] for disks[i], incremental[i] set when it is an
 * overlay on the destination's own copy of that base.  0, or -1 with the
 * destination's refusal or the failure in err. */
int roamd_peer_disks(roamd_peer *p, const char *vm, const uint8_t qid[16],
                     const struct roam_disk *disks, const int *shared,
                     const struct roamd_base_id *bases, size_t n,
                     char paths[][ROAM_DISK_PATH_MAX + 1], int *incremental, char *err,
                     size_t errlen);

/* The destination's RA (length, <= cap) and its source address; -1 with err.
 * Fetches it unless roamd_peer_ask_ra already asked. */
int roamd_peer_ra(roamd_peer *p, const char *vm, const uint8_t qid[16], uint8_t *ra, size_t cap,
                  struct in6_addr *src, char *err, size_t errlen);

/* Arm post-processing (PostProcess).  0 or -1. */
int roamd_peer_arm(roamd_peer *p, const char *vm, const uint8_t qid[16],
                   const uint8_t primary[6], const uint8_t secondary[6], char *err, size_t errlen);

/* Forward the guest's handover (SwitchHandover), after roamd_peer_arm and
 * before the VM runs on the destination.  No answer comes.  0 or -1. */
int roamd_peer_handover(roamd_peer *p, const roam_handover *h, char *err, size_t errlen);

/* Tell the destination the VM is paused for its last copy (SwitchNow), so
 * that it sends the handover now rather than at the RARP.  No answer
 * comes.  0 or -1. */
int roamd_peer_switch_now(roamd_peer *p, char *err, size_t errlen);

/* Wait up to timeout_ms for PostProcessDone (*out: free with roam_msg_free).
 * 0 (even if !ok: read the message), -1 on transport/protocol failure. */
int roamd_peer_wait_done(roamd_peer *p, int timeout_ms, roam_envelope **out, char *err,
                         size_t errlen);

/* Tell the peer we give up in `phase` (Error message) — it drops the
 * admission and disarms — then close.  NULL is accepted. */
void roamd_peer_abort(roamd_peer *p, Roam__V1__Phase phase, const char *why);

void roamd_peer_close(roamd_peer *p);

#endif
