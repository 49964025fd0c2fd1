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
#include "locate.h"
#include "policy_cache.h"
#include "text.h"
#include "transcript.h"

static void send_result(roam_tls_conn *conn, Roam__V1__Result *r, int io_timeout_ms)
{
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_RESULT;
    env.result = r;
    roam_stream s = roam_tls_stream(conn);
    char err[ROAM_ERR_MAX];
    (void)roam_msg_send(&s, &env, io_timeout_ms, err, sizeof err);
}

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
    send_result(conn, &r, io_timeout_ms);
}

void roamd_send_ok(roam_tls_conn *conn, int io_timeout_ms)
{
    Roam__V1__Result r = ROAM__V1__RESULT__INIT;
    r.ok = 1;
    send_result(conn, &r, io_timeout_ms);
}

/* One challenge in the making.  key is secret: wiped when done. */
struct pending {
    const abe_prepared_t *pp;
    uint8_t *ct;
    size_t ct_len;
    uint8_t key[ABE_KEM_KEY_BYTES], nonce[ROAM_NONCE_LEN];
};

/* The challenge for policy: the policy parsed on its own and ANDed with
 * today's expiry clause as a tree (roamd_policy_get), a fresh key
 * encapsulated under it, a nonce.  NULL, or what to tell the client
 * (out->reason says more). */
static const char *prepare(roamd_policy_cache *cache, const abe_mpk_t *mpk, const char *policy,
                           Roam__V1__Phase phase, struct pending *p,
                           struct roamd_auth_outcome *out)
{
    char today[11], err[ROAM_ERR_MAX];
    roam_today(today);
    p->pp = roamd_policy_get(cache, policy, today, err, sizeof err);
    if (!p->pp) {
        snprintf(out->reason, sizeof out->reason, "%s", err);
        return phase == ROAM__V1__PHASE__PHASE_DEST_AUTH
                   ? "internal error: the daemon's policy does not compile"
                   : "the VM's migrate policy does not compile: refused";
    }
    /* For people and the client's explanation only: the ciphertext carries
     * the tree.  The policy parsed on its own, so this text parses to that
     * same tree. */
    int n = snprintf(out->policy, sizeof out->policy, "(%s) and %s >= %s", policy,
                     ABE_EXPIRY_ATTR, today);
    if (n < 0 || (size_t)n >= sizeof out->policy) {
        snprintf(out->reason, sizeof out->reason, "policy too long");
        return "internal error: policy too long";
    }
    size_t cap = abe_kem_ct_size(p->pp);
    p->ct = malloc(cap ? cap : 1);
    int r = ABE_ERR_INTERNAL;
    if (!p->ct || (r = abe_kem_encaps(mpk, p->pp, p->ct, cap, &p->ct_len, p->key)) != ABE_OK) {
        snprintf(out->reason, sizeof out->reason, "encapsulation failed: %s",
                 p->ct ? abe_strerror(r) : "out of memory");
        return "internal error";
    }
    if (RAND_bytes(p->nonce, sizeof p->nonce) != 1) {
        snprintf(out->reason, sizeof out->reason, "no randomness for the nonce");
        return "internal error";
    }
    return NULL;
}

/* Does the client's MAC verify under p->key over the transcript of au and
 * ch on conn?  0, or -1 with out->reason; the time goes to out->daemon_us. */
static int verify(const struct pending *p, roam_tls_conn *conn, const Roam__V1__Authenticate *au,
                  const Roam__V1__Challenge *ch, const Roam__V1__Response *resp,
                  struct roamd_auth_outcome *out)
{
    char err[ROAM_ERR_MAX];
    int64_t t1 = roam_mono_us();
    struct roam_transcript t;
    int ok = roam_auth_transcript(au, ch, conn, &t, err, sizeof err) >= 0 &&
             roam_transcript_verify(p->key, sizeof p->key, &t, resp->mac.data, resp->mac.len,
                                    err, sizeof err) >= 0 &&
             roam_locate_key(p->key, sizeof p->key, &t, out->locate_key, err, sizeof err) >= 0;
    out->daemon_us += roam_mono_us() - t1;
    if (ok)
        return 0;
    snprintf(out->reason, sizeof out->reason, "response does not verify: %s", err);
    return -1;
}

int roamd_challenge(roamd_policy_cache *cache, const abe_mpk_t *mpk, roam_tls_conn *conn,
                    const Roam__V1__Authenticate *au, const char *policy, Roam__V1__Phase phase,
                    int io_timeout_ms, int64_t started_ms, struct roamd_auth_outcome *out)
{
    memset(out, 0, sizeof *out);
    struct pending p;
    memset(&p, 0, sizeof p);
    int rc = -1;
    roam_envelope *resp = NULL;
    char err[ROAM_ERR_MAX];
    roam_stream s = roam_tls_stream(conn);
    int64_t t0 = roam_mono_us();

    const char *client_msg = prepare(cache, mpk, policy, phase, &p, out);
    if (client_msg)
        goto refuse;
    out->daemon_us = roam_mono_us() - t0;

    Roam__V1__Challenge ch = ROAM__V1__CHALLENGE__INIT;
    ch.ciphertext.data = p.ct;
    ch.ciphertext.len = p.ct_len;
    ch.policy = out->policy;
    ch.nonce.data = p.nonce;
    ch.nonce.len = sizeof p.nonce;
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
    if (verify(&p, conn, au, &ch, resp->response, out) < 0) {
        client_msg = phase == ROAM__V1__PHASE__PHASE_DEST_AUTH
                         ? "not authorized by the destination's accept policy (response did not verify)"
                         : "not authorized by the VM's migrate policy (response did not verify)";
        goto refuse;
    }
    out->ok = 1;
    rc = 0;
    goto done;   /* the caller records the decision, then answers */

refuse:
    roamd_send_refusal(conn, phase, client_msg, io_timeout_ms);
done:
    roamd_policy_put(cache, p.pp);
    OPENSSL_cleanse(p.key, sizeof p.key);
    free(p.ct);
    roam_msg_free(resp);
    if (rc < 0)
        OPENSSL_cleanse(out->locate_key, sizeof out->locate_key);
    out->wall_us = (roam_now_ms() - started_ms) * 1000;
    return rc;
}
