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
#include "seal.h"
#include "text.h"
#include "transcript.h"

static void send_result(roamd_link *conn, Roam__V1__Result *r, int io_timeout_ms)
{
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_RESULT;
    env.result = r;
    roam_stream s = conn->s;
    char err[ROAM_ERR_MAX];
    (void)roam_msg_send(&s, &env, io_timeout_ms, err, sizeof err);
}

void roamd_send_refusal(roamd_link *conn, Roam__V1__Phase phase, const char *msg,
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

void roamd_send_ok(roamd_link *conn, int io_timeout_ms)
{
    Roam__V1__Result r = ROAM__V1__RESULT__INIT;
    r.ok = 1;
    send_result(conn, &r, io_timeout_ms);
}

/* One encapsulation.  key is secret: wiped when done. */
struct kem {
    const abe_prepared_t *pp;
    uint8_t *ct;
    size_t ct_len;
    uint8_t key[ABE_KEM_KEY_BYTES];
};

_Static_assert(ABE_KEM_KEY_BYTES == ROAM_SEAL_KEY_LEN, "the sealed challenge's key size");

/* One challenge in the making: the outer encapsulation (the only one of
 * the accept role), and for the migrate role the inner one and the sealed
 * part.  notice: the VM cannot be migrated from here; the inner key then
 * stays with the daemon, so no response can verify. */
struct pending {
    struct kem outer, inner;
    uint8_t nonce[ROAM_NONCE_LEN];
    uint8_t *sealed;
    size_t sealed_len;
    const char *notice;
    char outer_policy[ROAMD_FULL_POLICY_MAX], inner_policy[ROAMD_FULL_POLICY_MAX];
};

static void kem_clear(roamd_policy_cache *cache, struct kem *k)
{
    roamd_policy_put(cache, k->pp);
    OPENSSL_cleanse(k->key, sizeof k->key);
    free(k->ct);
    memset(k, 0, sizeof *k);
}

/* Encapsulate a fresh key under policy, parsed on its own and ANDed with
 * today's expiry clause as a tree (roamd_policy_get); its text, as it
 * parses to that same tree, into text.  0, or -1 with reason (1 when the
 * policy does not compile, which is the policy's fault, not the daemon's). */
static int encapsulate(roamd_policy_cache *cache, const abe_mpk_t *mpk, const char *policy,
                       struct kem *k, char *text, size_t cap, char *reason, size_t rcap)
{
    char today[11], err[ROAM_ERR_MAX];
    roam_today(today);
    k->pp = roamd_policy_get(cache, policy, today, err, sizeof err);
    if (!k->pp) {
        snprintf(reason, rcap, "%s", err);
        return 1;
    }
    /* For people and the client's explanation only: the ciphertext carries
     * the tree. */
    int n = snprintf(text, cap, "(%s) and %s >= %s", policy, ABE_EXPIRY_ATTR, today);
    if (n < 0 || (size_t)n >= cap) {
        snprintf(reason, rcap, "policy too long");
        return -1;
    }
    size_t ct_cap = abe_kem_ct_size(k->pp);
    k->ct = malloc(ct_cap ? ct_cap : 1);
    int r = ABE_ERR_INTERNAL;
    if (!k->ct || (r = abe_kem_encaps(mpk, k->pp, k->ct, ct_cap, &k->ct_len, k->key)) != ABE_OK) {
        snprintf(reason, rcap, "encapsulation failed: %s",
                 k->ct ? abe_strerror(r) : "out of memory");
        return -1;
    }
    return 0;
}

/* The challenge for the accept role: a key encapsulated under policy, and
 * a nonce.  NULL, or what to tell the client (out->reason says more). */
static const char *prepare(roamd_policy_cache *cache, const abe_mpk_t *mpk, const char *policy,
                           Roam__V1__Phase phase, struct pending *p,
                           struct roamd_auth_outcome *out)
{
    int r = encapsulate(cache, mpk, policy, &p->outer, out->policy, sizeof out->policy,
                        out->reason, sizeof out->reason);
    if (r > 0)
        return phase == ROAM__V1__PHASE__PHASE_DEST_AUTH
                   ? "internal error: the daemon's policy does not compile"
                   : "the VM's migrate policy does not compile: refused";
    if (r < 0)
        return "internal error";
    if (RAND_bytes(p->nonce, sizeof p->nonce) != 1) {
        snprintf(out->reason, sizeof out->reason, "no randomness for the nonce");
        return "internal error";
    }
    return NULL;
}

/* The migrate role's challenge: the outer encapsulation under the
 * disclose policy, the inner one under the VM's policy, both sealed.  When
 * the VM cannot be migrated from here (vm_policy NULL, or not compiling),
 * the inner part is notice, and the inner encapsulation goes under the
 * disclose policy instead: the same KEM work either way, so the time does
 * not tell the cases apart either.  NULL, or what to tell the client. */
static const char *prepare_sealed(roamd_policy_cache *cache, const abe_mpk_t *mpk,
                                  const char *disclose, const char *vm_policy,
                                  const char *notice, struct pending *p,
                                  struct roamd_auth_outcome *out)
{
    const char *msg = prepare(cache, mpk, disclose, ROAM__V1__PHASE__PHASE_DEST_AUTH, p, out);
    if (msg)
        return msg;
    snprintf(p->outer_policy, sizeof p->outer_policy, "%s", out->policy);
    p->notice = vm_policy ? NULL
                : notice && notice[0] ? notice : "the VM cannot be migrated from here";
    int r = vm_policy ? encapsulate(cache, mpk, vm_policy, &p->inner, p->inner_policy,
                                    sizeof p->inner_policy, out->reason, sizeof out->reason)
                      : 1;
    if (r < 0)
        return "internal error";
    if (r > 0) {
        if (vm_policy)
            p->notice = "the VM's migrate policy does not compile: refused";
        kem_clear(cache, &p->inner);
        char unused[ROAMD_FULL_POLICY_MAX];
        if (encapsulate(cache, mpk, disclose, &p->inner, unused, sizeof unused, out->reason,
                        sizeof out->reason) != 0)
            return "internal error";
        snprintf(out->reason, sizeof out->reason, "%s", p->notice);
    } else {
        /* What the audit names: the policy a response proves. */
        snprintf(out->policy, sizeof out->policy, "%s", p->inner_policy);
    }
    struct roam_inner in = { .kind = ROAM_INNER_NOTICE, .text = p->notice };
    if (!r) {
        in.kind = ROAM_INNER_CHALLENGE;
        in.ct = p->inner.ct;
        in.ct_len = p->inner.ct_len;
        in.text = p->inner_policy;
    }
    char err[ROAM_ERR_MAX];
    if (roam_seal(p->outer.key, p->nonce, &in, &p->sealed, &p->sealed_len, err, sizeof err) < 0) {
        snprintf(out->reason, sizeof out->reason, "%s", err);
        return "internal error";
    }
    return NULL;
}

/* Does the client's MAC verify over the transcript of au and ch on conn,
 * under the outer key (accept role) or the key of both (migrate role)?  0,
 * or -1 with out->reason; the time goes to out->daemon_us. */
static int verify(const struct pending *p, roamd_link *conn, const Roam__V1__Authenticate *au,
                  const Roam__V1__Challenge *ch, const Roam__V1__Response *resp,
                  struct roamd_auth_outcome *out)
{
    char err[ROAM_ERR_MAX];
    int64_t t1 = roam_mono_us();
    struct roam_transcript t;
    uint8_t key[ROAM_SEAL_KEY_LEN];
    memcpy(key, p->outer.key, sizeof key);
    int ok = (!p->sealed || roam_response_key(p->outer.key, p->inner.key, key, err,
                                              sizeof err) >= 0) &&
             roam_auth_transcript_x(au, ch, conn->exporter, &t, err, sizeof err) >= 0 &&
             roam_transcript_verify(key, sizeof key, &t, resp->mac.data, resp->mac.len,
                                    err, sizeof err) >= 0 &&
             roam_locate_key(key, sizeof key, &t, out->locate_key, err, sizeof err) >= 0;
    OPENSSL_cleanse(key, sizeof key);
    out->daemon_us += roam_mono_us() - t1;
    /* Nobody was given the inner key of a notice: a MAC that verifies
     * anyway is refused all the same. */
    if (ok && !p->notice)
        return 0;
    if (p->notice)
        snprintf(out->reason, sizeof out->reason, "not migratable here: %s", p->notice);
    else
        snprintf(out->reason, sizeof out->reason, "response does not verify: %s", err);
    return -1;
}

/* Send the challenge, read and check the response.  0 granted; -1 refused
 * (answered when someone is there to read it). */
static int exchange(struct pending *p, roamd_link *conn, const Roam__V1__Authenticate *au,
                    Roam__V1__Phase phase, int io_timeout_ms, struct roamd_auth_outcome *out)
{
    roam_envelope *resp = NULL;
    char err[ROAM_ERR_MAX];
    roam_stream s = conn->s;
    const char *client_msg = NULL;
    int rc = -1;
    Roam__V1__Challenge ch = ROAM__V1__CHALLENGE__INIT;
    ch.ciphertext.data = p->outer.ct;
    ch.ciphertext.len = p->outer.ct_len;
    /* The migrate role shows the disclose policy outside, the VM's inside. */
    ch.policy = p->sealed ? p->outer_policy : out->policy;
    ch.nonce.data = p->nonce;
    ch.nonce.len = sizeof p->nonce;
    ch.sealed.data = p->sealed;
    ch.sealed.len = p->sealed_len;
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
        if (p->notice)
            snprintf(out->reason, sizeof out->reason, "not migratable here: %s", p->notice);
        else
            snprintf(out->reason, sizeof out->reason, "no valid response: %s", err);
        if (st == ROAM_EPEER)
            goto done;   /* the client gave up (e.g. it could not decapsulate) */
        client_msg = "protocol error: expected a Response";
    } else if (verify(p, conn, au, &ch, resp->response, out) < 0) {
        /* One sentence whether the VM is here or not. */
        client_msg = phase == ROAM__V1__PHASE__PHASE_DEST_AUTH
                         ? "not authorized by the destination's accept policy (response did not verify)"
                         : "not authorized by the VM's migrate policy (response did not verify)";
    } else {
        out->ok = 1;
        rc = 0;   /* the caller records the decision, then answers */
    }
    if (client_msg)
        roamd_send_refusal(conn, phase, client_msg, io_timeout_ms);
done:
    roam_msg_free(resp);
    if (rc < 0)
        OPENSSL_cleanse(out->locate_key, sizeof out->locate_key);
    return rc;
}

/* Run a prepared challenge, or answer client_msg; then wipe p. */
static int run(roamd_policy_cache *cache, struct pending *p, const char *client_msg,
               roamd_link *conn, const Roam__V1__Authenticate *au, Roam__V1__Phase phase,
               int io_timeout_ms, int64_t started_ms, int64_t t0, struct roamd_auth_outcome *out)
{
    int rc = -1;
    if (client_msg) {
        roamd_send_refusal(conn, phase, client_msg, io_timeout_ms);
    } else {
        out->daemon_us = roam_mono_us() - t0;
        rc = exchange(p, conn, au, phase, io_timeout_ms, out);
    }
    kem_clear(cache, &p->outer);
    kem_clear(cache, &p->inner);
    free(p->sealed);
    out->wall_us = (roam_now_ms() - started_ms) * 1000;
    return rc;
}

int roamd_challenge(roamd_policy_cache *cache, const abe_mpk_t *mpk, roamd_link *conn,
                    const Roam__V1__Authenticate *au, const char *policy, Roam__V1__Phase phase,
                    int io_timeout_ms, int64_t started_ms, struct roamd_auth_outcome *out)
{
    memset(out, 0, sizeof *out);
    struct pending p;
    memset(&p, 0, sizeof p);
    int64_t t0 = roam_mono_us();
    const char *client_msg = prepare(cache, mpk, policy, phase, &p, out);
    return run(cache, &p, client_msg, conn, au, phase, io_timeout_ms, started_ms, t0, out);
}

int roamd_challenge_sealed(roamd_policy_cache *cache, const abe_mpk_t *mpk,
                           roamd_link *conn, const Roam__V1__Authenticate *au,
                           const char *disclose_policy, const char *vm_policy,
                           const char *notice, int io_timeout_ms, int64_t started_ms,
                           struct roamd_auth_outcome *out)
{
    memset(out, 0, sizeof *out);
    struct pending p;
    memset(&p, 0, sizeof p);
    int64_t t0 = roam_mono_us();
    const char *client_msg = prepare_sealed(cache, mpk, disclose_policy, vm_policy, notice, &p,
                                            out);
    return run(cache, &p, client_msg, conn, au, ROAM__V1__PHASE__PHASE_SOURCE_AUTH,
               io_timeout_ms, started_ms, t0, out);
}
