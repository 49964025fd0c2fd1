/* Client side of the challenge-response (see client_auth.h). */
#include "client_auth.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abe.h"
#include "auth.h"   /* src/proto: the shared transcript builder */
#include "date.h"
#include "errbuf.h"
#include "locate.h"
#include "seal.h"
#include "text.h"
#include "transcript.h"

static const char *refusal(Roam__V1__Role role)
{
    return role == ROAM__V1__ROLE__ROLE_ACCEPT ? "not authorized by the destination's accept policy"
                                               : "not authorized by the VM's migrate policy";
}

/* 1 if the key's attributes satisfy text, 0 if not, -1 if it does not parse. */
static int satisfies(const abe_key_t *key, const char *text)
{
    abe_policy_t *p = malloc(sizeof *p);
    abe_error_t perr;
    if (!p)
        return -1;
    int r = abe_policy_parse(p, text, strlen(text), &perr) == ABE_OK
                ? abe_policy_satisfied(p, &key->attrs) : -1;
    free(p);
    return r;
}

/* The source's outer challenge (docs/protocol.md §4) is under its disclose
 * policy, not the VM's. */
#define DISCLOSE_REFUSAL "not authorized by the source's disclose policy, which decides who " \
                         "may learn whether it holds a VM"

static void explain(const struct roam_client_id *id, const char *refused,
                    const char *policy_text, char *out, size_t cap);

void roam_client_explain(const struct roam_client_id *id, Roam__V1__Role role,
                         const char *policy_text, char *out, size_t cap)
{
    explain(id, refusal(role), policy_text, out, cap);
}

static void explain(const struct roam_client_id *id, const char *refused,
                    const char *policy_text, char *out, size_t cap)
{
    char today[11], exp[128];
    roam_today(today);
    if (memcmp(id->key->mpk_id, id->mpk->id, ABE_ID_BYTES) != 0) {
        snprintf(out, cap, "%s: the key was issued under another master public key than the "
                 "one given (--mpk)", refused);
        return;
    }
    switch (abe_key_why_not(id->key, NULL, today, exp, sizeof exp)) {
    case ABE_WHY_EXPIRED:
        snprintf(out, cap, "key expired (expiry = %s, today is %s)", exp, today);
        return;
    case ABE_WHY_UNDATED:
        snprintf(out, cap, "key expired (it carries no expiry date; daemons require "
                 "expiry >= today)");
        return;
    default:
        break;
    }
    int s = satisfies(id->key, policy_text);
    if (s == 1)
        snprintf(out, cap, "%s: the key's attributes satisfy the policy shown, but the "
                 "challenge did not decapsulate (ciphertext and policy disagree)", refused);
    else
        snprintf(out, cap, "%s (%s)", refused, policy_text);
}

/* Open the source's sealed challenge with the outer key k and answer the
 * inner one: on success k becomes the Response's MAC key, which needs both
 * KEM keys.  0; ROAM_AUTH_REFUSED with err when the source says the VM
 * cannot be migrated from there or the key does not satisfy the VM's
 * policy; -1 with err when the sealed part does not open (tampered). */
static int open_sealed(const struct roam_client_id *id, const Roam__V1__Challenge *ch,
                       uint8_t k[ABE_KEM_KEY_BYTES], char *err, size_t errlen)
{
    struct roam_inner in;
    uint8_t k2[ABE_KEM_KEY_BYTES];
    char why[ROAM_ERR_MAX];
    int rc = -1;
    if (roam_unseal(k, ch->nonce.data, ch->sealed.data, ch->sealed.len, &in, why,
                    sizeof why) < 0)
        return roam_errf(err, errlen, "the source's challenge: %s", why);
    if (in.kind == ROAM_INNER_NOTICE) {
        char clean[ROAM_MESSAGE_MAX];
        roam_text_clean(clean, sizeof clean, in.text);
        roam_errf(err, errlen, "%s", clean);
        rc = ROAM_AUTH_REFUSED;
    } else if (abe_kem_decaps(id->mpk, id->key, in.ct, in.ct_len, NULL, k2) != ABE_OK) {
        explain(id, refusal(ROAM__V1__ROLE__ROLE_MIGRATE), in.text, err, errlen);
        rc = ROAM_AUTH_REFUSED;
    } else if (roam_response_key(k, k2, k, why, sizeof why) < 0) {
        roam_errf(err, errlen, "%s", why);
    } else {
        rc = 0;
    }
    OPENSSL_cleanse(k2, sizeof k2);
    roam_inner_free(&in);
    return rc;
}

static int send_env(roam_tls_conn *c, roam_envelope *env, int timeout_ms, char *err,
                    size_t errlen)
{
    roam_stream s = roam_tls_stream(c);
    char why[ROAM_ERR_MAX];
    if (roam_msg_send(&s, env, timeout_ms, why, sizeof why) != ROAM_OK)
        return roam_errf(err, errlen, "%s", why);
    return 0;
}

/* A refusal Result's sentence. */
static int result_error(const roam_envelope *in, char *err, size_t errlen)
{
    roam_errf(err, errlen, "%s", in->result->error->message);
    return ROAM_AUTH_REFUSED;
}

int roam_client_authenticate(roam_tls_conn *c, const struct roam_client_id *id,
                             const struct roam_auth_req *req, int timeout_ms, char *err,
                             size_t errlen)
{
    Roam__V1__Authenticate au = ROAM__V1__AUTHENTICATE__INIT;
    au.role = req->role;
    au.vm = (char *)req->vm;
    au.src = (char *)req->src;
    au.dst = (char *)req->dst;
    au.dry_run = req->dry_run != 0;
    au.query_id.data = (uint8_t *)req->query_id;
    au.query_id.len = 16;
    if (id->has_fingerprint) {
        au.key_fingerprint.data = (uint8_t *)id->fingerprint;
        au.key_fingerprint.len = 32;
    }
    roam_envelope env = ROAM__V1__ENVELOPE__INIT, *in = NULL, *res = NULL;
    env.body_case = ROAM__V1__ENVELOPE__BODY_AUTHENTICATE;
    env.authenticate = &au;
    if (send_env(c, &env, timeout_ms, err, errlen) < 0)
        return -1;
    roam_stream s = roam_tls_stream(c);
    char why[ROAM_ERR_MAX];
    roam_status st = roam_msg_recv(&s, &in, timeout_ms, why, sizeof why);
    if (st != ROAM_OK)
        return roam_errf(err, errlen, "%s", why);
    int rc = -1;
    uint8_t k[ABE_KEM_KEY_BYTES];
    if (in->body_case == ROAM__V1__ENVELOPE__BODY_RESULT && !in->result->ok) {
        rc = result_error(in, err, errlen);
        goto out;
    }
    if (in->body_case == ROAM__V1__ENVELOPE__BODY_ERROR) {
        roam_errf(err, errlen, "%s", in->error->message);
        rc = ROAM_AUTH_REFUSED;
        goto out;
    }
    if (in->body_case != ROAM__V1__ENVELOPE__BODY_CHALLENGE) {
        rc = roam_errf(err, errlen, "protocol error: got %s instead of a challenge",
                       roam_msg_body_name(in->body_case));
        goto out;
    }
    const Roam__V1__Challenge *ch = in->challenge;
    /* The source seals every migrate challenge; nothing else is sealed. */
    int sealed = req->role == ROAM__V1__ROLE__ROLE_MIGRATE;
    if (sealed != (ch->sealed.len > 0)) {
        rc = roam_errf(err, errlen, "protocol error: the %s's challenge is %s",
                       sealed ? "source" : "destination", sealed ? "not sealed" : "sealed");
        goto out;
    }
    Roam__V1__Phase ph = sealed ? ROAM__V1__PHASE__PHASE_SOURCE_AUTH
                                : ROAM__V1__PHASE__PHASE_DEST_AUTH;
    int got = 0;
    if (req->challenged)
        req->challenged(req->arg);
    if (abe_kem_decaps(id->mpk, id->key, ch->ciphertext.data, ch->ciphertext.len, NULL, k) != ABE_OK) {
        if (sealed)
            explain(id, DISCLOSE_REFUSAL, ch->policy, err, errlen);
        else
            roam_client_explain(id, req->role, ch->policy, err, errlen);
        got = ROAM_AUTH_REFUSED;
    } else if (sealed) {
        got = open_sealed(id, ch, k, err, errlen);
    }
    if (got != 0) {
        /* Tell the daemon, so its audit log says why nothing came back. */
        (void)roam_msg_send_error(&s, ph, got == ROAM_AUTH_REFUSED
                                              ? "the client's key does not answer the challenge"
                                              : "the sealed challenge does not open",
                                  timeout_ms, why, sizeof why);
        rc = got;
        goto out;
    }
    struct roam_transcript t;
    Roam__V1__Response r = ROAM__V1__RESPONSE__INIT;
    uint8_t mac[ROAM_MAC_LEN];
    if (roam_auth_transcript(&au, ch, c, &t, why, sizeof why) < 0 ||
        roam_transcript_mac(k, sizeof k, &t, mac, why, sizeof why) < 0 ||
        (req->locate_key &&
         roam_locate_key(k, sizeof k, &t, req->locate_key, why, sizeof why) < 0)) {
        rc = roam_errf(err, errlen, "%s", why);
        goto out;
    }
    r.mac.data = mac;
    r.mac.len = sizeof mac;
    env.body_case = ROAM__V1__ENVELOPE__BODY_RESPONSE;
    env.response = &r;
    if (send_env(c, &env, timeout_ms, err, errlen) < 0)
        goto out;
    /* A failure to send it is not the authentication's: the Result (a
     * refusal, maybe, that closed the connection) still says how it went. */
    if (req->behind && req->ready && req->ready(req->arg) &&
        send_env(c, (roam_envelope *)req->behind, timeout_ms, why, sizeof why) == 0)
        *req->behind_sent = 1;
    st = roam_msg_expect(&s, ROAM__V1__ENVELOPE__BODY_RESULT, &res, timeout_ms, why, sizeof why);
    if (st != ROAM_OK) {
        roam_errf(err, errlen, "%s", why);
        rc = st == ROAM_EPEER ? ROAM_AUTH_REFUSED : -1;   /* the daemon answered an Error */
    } else if (!res->result->ok)
        rc = result_error(res, err, errlen);
    else
        rc = 0;
out:
    OPENSSL_cleanse(k, sizeof k);
    roam_msg_free(in);
    roam_msg_free(res);
    return rc;
}
