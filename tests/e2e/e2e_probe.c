/* Hostile-client probes for the e2e suite, run against the lab's daemons:
 *
 *   e2e_probe replay CA MPK KEY HOST PORT VM SRC DST
 *     1. a genuine accept-role exchange succeeds and its Response is kept;
 *     2. the kept Response, replayed on a new connection for the same
 *        Authenticate, is refused;
 *     3. a Response computed on connection X for X's challenge, sent on
 *        connection Y (another TLS session, another challenge), is refused.
 *   e2e_probe admission CA CERT KEY PEERPORT MPK UKEY HOST PORT VM SRC DST
 *     speaking as the source daemon (its certificate) to the destination:
 *     a random query id is refused; after a genuine accept authentication
 *     with query id Q, Q is granted once and refused the second time.
 *
 * Prints one "ok"/"FAIL" line per check; exit 0 iff all passed. */
#include <openssl/rand.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abe.h"
#include "auth.h"
#include "client_auth.h"
#include "errbuf.h"
#include "msg.h"
#include "sock.h"
#include "tls.h"
#include "transcript.h"

static int failures;
static char err[ROAM_ERR_MAX];

static void check(int cond, const char *what, const char *detail)
{
    printf("%s %s%s%s\n", cond ? "ok" : "FAIL", what, detail ? ": " : "", detail ? detail : "");
    failures += !cond;
}

static void *load(const char *path, abe_obj_type type)
{
    uint8_t *obj;
    size_t len;
    abe_obj_type t;
    abe_error_t perr;
    if (abe_keyfile_load(path, type, &obj, &len, &t, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        exit(2);
    }
    void *out = malloc(type == ABE_OBJ_MPK ? sizeof(abe_mpk_t) : sizeof(abe_key_t));
    int r = type == ABE_OBJ_MPK ? abe_decode_mpk(out, obj, len) : abe_decode_key(out, obj, len, &perr);
    abe_free_secret(obj, len);
    if (r != ABE_OK) {
        fprintf(stderr, "%s: %s\n", path, abe_strerror(r));
        exit(2);
    }
    return out;
}

static roam_tls_conn *dial(roam_tls_ctx *ctx, const char *host, const char *port)
{
    int fd = roam_tcp_connect(host, port, 5000, err, sizeof err);
    roam_tls_conn *c = fd < 0 ? NULL : roam_tls_connect(ctx, fd, host, 5000, err, sizeof err);
    if (!c) {
        fprintf(stderr, "connect %s %s: %s\n", host, port, err);
        exit(2);
    }
    return c;
}

struct session {
    roam_tls_conn *c;
    roam_stream s;
    Roam__V1__Authenticate au;
    roam_envelope *ch;
};

/* Connect, send Authenticate, read the Challenge. */
static void open_session(struct session *x, roam_tls_ctx *ctx, const char *host, const char *port,
                         const Roam__V1__Authenticate *au)
{
    x->c = dial(ctx, host, port);
    x->s = roam_tls_stream(x->c);
    x->au = *au;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_AUTHENTICATE;
    env.authenticate = &x->au;
    if (roam_msg_send(&x->s, &env, 5000, err, sizeof err) != ROAM_OK ||
        roam_msg_expect(&x->s, ROAM__V1__ENVELOPE__BODY_CHALLENGE, &x->ch, 5000, err,
                        sizeof err) != ROAM_OK) {
        fprintf(stderr, "challenge: %s\n", err);
        exit(2);
    }
}

/* The honest MAC for session x. */
static void honest_mac(struct session *x, const abe_mpk_t *mpk, const abe_key_t *key,
                       uint8_t mac[ROAM_MAC_LEN])
{
    uint8_t k[ABE_KEM_KEY_BYTES];
    struct roam_transcript t;
    const Roam__V1__Challenge *ch = x->ch->challenge;
    if (abe_kem_decaps(mpk, key, ch->ciphertext.data, ch->ciphertext.len, NULL, k) != ABE_OK ||
        roam_auth_transcript(&x->au, ch, x->c, &t, err, sizeof err) < 0 ||
        roam_transcript_mac(k, sizeof k, &t, mac, err, sizeof err) < 0) {
        fprintf(stderr, "cannot compute the MAC (is this key authorized?)\n");
        exit(2);
    }
}

/* Send mac as the Response; 1 if the daemon answered Result{ok}. */
static int respond(struct session *x, const uint8_t mac[ROAM_MAC_LEN], char *why, size_t cap)
{
    Roam__V1__Response r = ROAM__V1__RESPONSE__INIT;
    r.mac.data = (uint8_t *)mac;
    r.mac.len = ROAM_MAC_LEN;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT, *in = NULL;
    env.body_case = ROAM__V1__ENVELOPE__BODY_RESPONSE;
    env.response = &r;
    int ok = 0;
    snprintf(why, cap, "no answer");
    if (roam_msg_send(&x->s, &env, 5000, err, sizeof err) == ROAM_OK &&
        roam_msg_expect(&x->s, ROAM__V1__ENVELOPE__BODY_RESULT, &in, 5000, err,
                        sizeof err) == ROAM_OK) {
        ok = in->result->ok;
        snprintf(why, cap, "%s", ok ? "accepted" : in->result->error->message);
    }
    roam_msg_free(in);
    return ok;
}

static void close_session(struct session *x)
{
    roam_msg_free(x->ch);
    roam_tls_close(x->c, 1000);
}

static void fill_auth(Roam__V1__Authenticate *au, uint8_t qid[16], char **argv)
{
    roam__v1__authenticate__init(au);
    au->role = ROAM__V1__ROLE__ROLE_ACCEPT;
    au->vm = argv[0];
    au->src = argv[1];
    au->dst = argv[2];
    RAND_bytes(qid, 16);
    au->query_id.data = qid;
    au->query_id.len = 16;
}

static int replay(char **a)
{
    roam_tls_ctx *ctx = roam_tls_client_ctx(a[0], NULL, NULL, err, sizeof err);
    abe_mpk_t *mpk = load(a[1], ABE_OBJ_MPK);
    abe_key_t *key = load(a[2], ABE_OBJ_USER_KEY);
    const char *host = a[3], *port = a[4];
    uint8_t qid[16], mac[ROAM_MAC_LEN], mac_x[ROAM_MAC_LEN];
    char why[ROAM_MESSAGE_MAX];
    Roam__V1__Authenticate au;
    fill_auth(&au, qid, a + 5);

    struct session s1, s2, x, y;
    open_session(&s1, ctx, host, port, &au);
    honest_mac(&s1, mpk, key, mac);
    check(respond(&s1, mac, why, sizeof why), "genuine response accepted", why);
    close_session(&s1);

    open_session(&s2, ctx, host, port, &au);
    check(!respond(&s2, mac, why, sizeof why), "recorded response replayed on a new connection "
          "refused", why);
    close_session(&s2);

    fill_auth(&au, qid, a + 5);
    open_session(&x, ctx, host, port, &au);
    open_session(&y, ctx, host, port, &au);
    honest_mac(&x, mpk, key, mac_x);
    check(!respond(&y, mac_x, why, sizeof why), "response computed for another TLS session "
          "refused", why);
    close_session(&x);
    close_session(&y);
    roam_tls_ctx_free(ctx);
    free(mpk);
    abe_key_clear(key);
    free(key);
    return failures ? 1 : 0;
}

/* One AdmissionQuery as the source daemon; 1 granted, 0 refused. */
static int ask(roam_tls_ctx *peer, const char *host, const char *pport, const char *vm,
               const char *src, const uint8_t qid[16], char *why, size_t cap)
{
    roam_tls_conn *c = dial(peer, host, pport);
    roam_stream s = roam_tls_stream(c);
    Roam__V1__AdmissionQuery q = ROAM__V1__ADMISSION_QUERY__INIT;
    q.vm = (char *)vm;
    q.src = (char *)src;
    q.query_id.data = (uint8_t *)qid;
    q.query_id.len = 16;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT, *in = NULL;
    env.body_case = ROAM__V1__ENVELOPE__BODY_ADMISSION_QUERY;
    env.admission_query = &q;
    int granted = 0;
    snprintf(why, cap, "no answer");
    if (roam_msg_send(&s, &env, 5000, err, sizeof err) == ROAM_OK &&
        roam_msg_expect(&s, ROAM__V1__ENVELOPE__BODY_ADMISSION_ANSWER, &in, 5000, err,
                        sizeof err) == ROAM_OK) {
        granted = in->admission_answer->granted;
        snprintf(why, cap, "%s", granted ? "granted" : in->admission_answer->error->message);
    }
    roam_msg_free(in);
    roam_tls_close(c, 1000);
    return granted;
}

static int admission(char **a)
{
    roam_tls_ctx *peer = roam_tls_client_ctx(a[0], a[1], a[2], err, sizeof err);
    roam_tls_ctx *cli = roam_tls_client_ctx(a[0], NULL, NULL, err, sizeof err);
    if (!peer || !cli) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    const char *pport = a[3], *host = a[6], *port = a[7], *vm = a[8], *src = a[9], *dst = a[10];
    abe_mpk_t *mpk = load(a[4], ABE_OBJ_MPK);
    abe_key_t *key = load(a[5], ABE_OBJ_USER_KEY);
    char why[ROAM_MESSAGE_MAX];
    uint8_t qid[16];
    RAND_bytes(qid, sizeof qid);
    check(!ask(peer, host, pport, vm, src, qid, why, sizeof why), "unknown query id refused", why);

    struct roam_client_id id = { .mpk = mpk, .key = key };
    struct roam_auth_req req = { .role = ROAM__V1__ROLE__ROLE_ACCEPT, .vm = vm, .src = src,
                                 .dst = dst };
    memcpy(req.query_id, qid, 16);
    roam_tls_conn *c = dial(cli, host, port);
    int authed = roam_client_authenticate(c, &id, &req, 5000, why, sizeof why) == 0;
    roam_tls_close(c, 1000);
    check(authed, "accept authentication for query id Q", authed ? NULL : why);
    uint8_t other[16];
    memcpy(other, qid, 16);
    other[0] ^= 1;
    check(!ask(peer, host, pport, vm, src, other, why, sizeof why), "wrong query id refused", why);
    check(!ask(peer, host, pport, "another-vm", src, qid, why, sizeof why),
          "Q for another VM refused", why);
    check(ask(peer, host, pport, vm, src, qid, why, sizeof why), "Q granted once", why);
    check(!ask(peer, host, pport, vm, src, qid, why, sizeof why), "Q already used: refused", why);
    roam_tls_ctx_free(peer);
    roam_tls_ctx_free(cli);
    free(mpk);
    abe_key_clear(key);
    free(key);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc == 10 && strcmp(argv[1], "replay") == 0)
        return replay(argv + 2);
    if (argc == 13 && strcmp(argv[1], "admission") == 0)
        return admission(argv + 2);
    fprintf(stderr, "usage: e2e_probe replay CA MPK KEY HOST PORT VM SRC DST\n"
                    "       e2e_probe admission CA CERT KEY PEERPORT MPK UKEY HOST PORT VM SRC DST\n");
    return 2;
}
