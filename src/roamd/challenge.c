/* Daemon side of the challenge-response (see challenge.h). */
#include "challenge.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "abe.h"
#include "auth.h"
#include "date.h"
#include "deadline.h"
#include "errbuf.h"
#include "policy_cache.h"
#include "text.h"
#include "transcript.h"

void roamd_send_refusal(roam_tls_conn *conn, Roam__V1__Phase phase, const char *msg,
                        int io_timeout_ms)
{
    char clean[ROAM_MESSAGE_MAX];
    roam_text_clean(clean, sizeof clean, msg);
    Roam__V1__Error e = ROAM__V1__ERROR__INIT;
    e.phase = phase;
    e.message = clean;
    Roam__V1__Result r = ROAM__V1__RESULT__INIT;
    r.ok = 0;
    r.error = &e;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_RESULT;
    env.result = &r;
    roam_stream s = roam_tls_stream(conn);
    char err[ROAM_ERR_MAX];
    (void)roam_msg_send(&s, &env, io_timeout_ms, err, sizeof err);
}

void roamd_send_ok(roam_tls_conn *conn, int io_timeout_ms)
{
    Roam__V1__Result r = ROAM__V1__RESULT__INIT;
    r.ok = 1;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_RESULT;
    env.result = &r;
    roam_stream s = roam_tls_stream(conn);
    char err[ROAM_ERR_MAX];
    (void)roam_msg_send(&s, &env, io_timeout_ms, err, sizeof err);
}

int roamd_challenge(roamd_policy_cache *cache, const fabeo_mpk_t *mpk, roam_tls_conn *conn,
                    const Roam__V1__Authenticate *au, const char *policy, Roam__V1__Phase phase,
                    int io_timeout_ms, int64_t started_ms, struct roamd_auth_outcome *out)
{
    memset(out, 0, sizeof *out);
    char today[11];
    roam_today(today);
    int rc = -1;
    uint8_t key[KEM_KEY_BYTES], nonce[ROAM_NONCE_LEN];
    uint8_t *ct = NULL;
    roam_envelope *resp = NULL;
    const char *client_msg = "refused";
    char err[ROAM_ERR_MAX];
    roam_stream s = roam_tls_stream(conn);
    const fabeo_policy_t *pp = NULL;
    int64_t t0 = roam_mono_us();
    int r;

    if (roam_policy_with_expiry(policy, today, out->policy, sizeof out->policy) < 0) {
        snprintf(out->reason, sizeof out->reason, "policy too long");
        client_msg = "internal error: policy too long";
        goto refuse;
    }
    pp = roamd_policy_get(cache, out->policy, err, sizeof err);
    if (!pp) {
        snprintf(out->reason, sizeof out->reason, "%s", err);
        client_msg = "internal error: the daemon's policy does not compile";
        goto refuse;
    }
    size_t ct_len = kem_ct_size(pp);
    ct = malloc(ct_len ? ct_len : 1);
    r = ABE_ERR_INTERNAL;
    if (!ct || (r = kem_encaps(mpk, pp, ct, ct_len, &ct_len, key)) != ABE_OK) {
        snprintf(out->reason, sizeof out->reason, "encapsulation failed: %s",
                 ct ? abe_strerror(r) : "out of memory");
        client_msg = "internal error";
        goto refuse;
    }
    if (RAND_bytes(nonce, sizeof nonce) != 1) {
        snprintf(out->reason, sizeof out->reason, "no randomness for the nonce");
        client_msg = "internal error";
        goto refuse;
    }
    out->daemon_us = roam_mono_us() - t0;

    Roam__V1__Challenge ch = ROAM__V1__CHALLENGE__INIT;
    ch.ciphertext.data = ct;
    ch.ciphertext.len = ct_len;
    ch.policy = out->policy;
    ch.nonce.data = nonce;
    ch.nonce.len = sizeof nonce;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_CHALLENGE;
    env.challenge = &ch;
    if (roam_msg_send(&s, &env, io_timeout_ms, err, sizeof err) != ROAM_OK) {
        snprintf(out->reason, sizeof out->reason, "sending the challenge: %s", err);
        goto done;   /* the client is gone: nobody to answer */
    }
    roam_status st = roam_msg_expect(&s, ROAM__V1__ENVELOPE__BODY_RESPONSE, &resp,
                                     io_timeout_ms, err, sizeof err);
    if (st != ROAM_OK) {
        snprintf(out->reason, sizeof out->reason, "no valid response: %s", err);
        if (st == ROAM_EPEER)
            goto done;   /* the client gave up (e.g. it could not decapsulate) */
        client_msg = "protocol error: expected a Response";
        goto refuse;
    }
    int64_t t1 = roam_mono_us();
    struct roam_transcript t;
    if (roam_auth_transcript(au, &ch, conn, &t, err, sizeof err) < 0 ||
        roam_transcript_verify(key, sizeof key, &t, resp->response->mac.data,
                               resp->response->mac.len, err, sizeof err) < 0) {
        out->daemon_us += roam_mono_us() - t1;
        snprintf(out->reason, sizeof out->reason, "response does not verify: %s", err);
        client_msg = phase == ROAM__V1__PHASE__PHASE_DEST_AUTH
                         ? "not authorized by the destination's accept policy (response did not verify)"
                         : "not authorized by the VM's migrate policy (response did not verify)";
        goto refuse;
    }
    out->daemon_us += roam_mono_us() - t1;
    out->ok = 1;
    rc = 0;
    goto done;   /* the caller records the decision, then answers */

refuse:
    roamd_send_refusal(conn, phase, client_msg, io_timeout_ms);
done:
    roamd_policy_put(cache, pp);
    OPENSSL_cleanse(key, sizeof key);
    free(ct);
    roam_msg_free(resp);
    out->wall_us = (roam_now_ms() - started_ms) * 1000;
    return rc;
}
