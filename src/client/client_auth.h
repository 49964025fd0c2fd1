/* The client's side of one CP-ABE authentication with a roamd: send
 * Authenticate, decapsulate the challenge with the user key, answer the MAC
 * over the transcript, read the Result.  When the key cannot decapsulate,
 * the client works out why from what it knows (its own attributes and the
 * policy shown in the challenge) so the user gets a specific message:
 * "key expired", "not authorized by the destination's accept policy", ... */
#ifndef ROAM_CLIENT_CLIENT_AUTH_H
#define ROAM_CLIENT_CLIENT_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "abe.h"
#include "msg.h"
#include "tls.h"

struct roam_client_id {
    const abe_mpk_t *mpk;
    const abe_key_t *key;
    uint8_t fingerprint[32];
    int has_fingerprint;
};

struct roam_auth_req {
    Roam__V1__Role role;
    const char *vm, *src, *dst;
    uint8_t query_id[16];
    int dry_run;                 /* Authenticate.dry_run: checks only */
    uint8_t *locate_key;         /* if set: gets the 32-byte locate key (src/proto/locate.h) */
    /* Optional: a message sent in the same flight as the Response (the
     * source's Migrate), when ready(arg), asked once the challenge is
     * answered, returns 1; *behind_sent then says it went out.  The daemon
     * reads it only once the Response passed its check. */
    const roam_envelope *behind;
    int (*ready)(void *arg);
    void *arg;
    int *behind_sent;
    /* Optional: told when the challenge arrived (the daemon is past its
     * pre-checks and expects this query's Response). */
    void (*challenged)(void *arg);
};

/* Authenticate on an open connection.  0 ok; with err = a sentence for the
 * user, ROAM_AUTH_REFUSED when the daemon refused (or the key cannot answer
 * its challenge), -1 when the connection or the protocol failed. */
#define ROAM_AUTH_REFUSED (-2)
int roam_client_authenticate(roam_tls_conn *c, const struct roam_client_id *id,
                             const struct roam_auth_req *req, int timeout_ms, char *err,
                             size_t errlen);

/* Why a key cannot decapsulate under policy_text (the policy shown in the
 * challenge): "key expired (...)", "... not issued under this MPK", or the
 * role's "not authorized by ..." sentence.  Exposed for tests. */
void roam_client_explain(const struct roam_client_id *id, Roam__V1__Role role,
                         const char *policy_text, char *out, size_t cap);

#endif
