/* The daemon's side of one CP-ABE challenge-response (docs/design.md §3 steps
 * 2-3): encapsulate a fresh key under the policy ANDed with
 * `expiry >= today`, send the ciphertext and a nonce, check the client's
 * MAC over the transcript, and answer Result.  The migrate role seals the
 * VM's challenge inside one under the source's disclose policy (seal.h).
 * The KEM keys never leave this file and are wiped. */
#ifndef ROAMD_CHALLENGE_H
#define ROAMD_CHALLENGE_H

#include <stddef.h>
#include <stdint.h>

#include "abe.h"
#include "msg.h"
#include "policy_cache.h"
#include "link.h"

#define ROAMD_FULL_POLICY_MAX 4200

struct roamd_auth_outcome {
    int ok;
    char policy[ROAMD_FULL_POLICY_MAX];  /* the policy challenged, expiry clause included */
    char reason[ROAM_MESSAGE_MAX];       /* why refused (audit; the client gets less) */
    int64_t daemon_us;                   /* CPU-bound work: prepare, encaps, verify */
    int64_t wall_us;                     /* Authenticate received -> Result sent */
    uint8_t locate_key[32];              /* when ok: for later Locates (src/proto/locate.h) */
};

/* Run the exchange for au on conn.  phase is DEST_AUTH (accept role) or
 * SOURCE_AUTH (migrate role).  On failure it answers Result{!ok, error}
 * itself (when the client is still there) and returns -1 (out says why).
 * On success it returns 0 without answering: the caller records the
 * decision (audit, admission) first, then calls roamd_send_ok. */
int roamd_challenge(roamd_policy_cache *cache, const abe_mpk_t *mpk, roamd_link *conn,
                    const Roam__V1__Authenticate *au, const char *policy, Roam__V1__Phase phase,
                    int io_timeout_ms, int64_t started_ms, struct roamd_auth_outcome *out);

/* The migrate role's exchange (docs/protocol.md §4): the outer challenge
 * under disclose_policy, and sealed inside it the one under vm_policy, or,
 * when vm_policy is NULL, notice (why the VM cannot be migrated from here,
 * for a caller who satisfies disclose_policy).  Every caller who does not
 * sees the same bytes' length and the same refusal either way.  Returns as
 * roamd_challenge; a notice is always refused (out->reason says why). */
int roamd_challenge_sealed(roamd_policy_cache *cache, const abe_mpk_t *mpk,
                           roamd_link *conn, const Roam__V1__Authenticate *au,
                           const char *disclose_policy, const char *vm_policy,
                           const char *notice, int io_timeout_ms, int64_t started_ms,
                           struct roamd_auth_outcome *out);

void roamd_send_ok(roamd_link *conn, int io_timeout_ms);

/* Send Result{!ok, Error{phase, msg}}: refusals before any challenge. */
void roamd_send_refusal(roamd_link *conn, Roam__V1__Phase phase, const char *msg,
                        int io_timeout_ms);

#endif
