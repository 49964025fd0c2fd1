/* TLS 1.3 channels: handshakes over socketpairs and loopback TCP with a test
 * PKI made at run time, mutual TLS accept and reject, exporter agreement and
 * freshness, deadlines, and the full challenge-response exchange (messages +
 * transcript MAC) over a real TLS connection. */
#define _GNU_SOURCE   /* unshare, CLONE_NEWNET */
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "auth.h"
#include "certs.h"
#include "deadline.h"
#include "errbuf.h"
#include "msg.h"
#include "sock.h"
#include "tap.h"
#include "tls.h"
#include "transcript.h"

static char dir[] = "/tmp/roam-tls-test-XXXXXX";
static char ca1[256], ca2[256], srv_crt[256], srv_key[256], cli_crt[256], cli_key[256],
    bad_crt[256], bad_key[256];
static char err[ROAM_ERR_MAX];

/* The KEM key both sides "agree" on; real ones come from src/abe. */
static const uint8_t kem_key[32] = "0123456789abcdef0123456789abcde";

/* What the server side of a test does, and what it saw. */
struct server {
    roam_tls_ctx *ctx;
    int fd;
    int timeout_ms;
    int run_auth;              /* run the daemon side of one authentication */
    int wait_for_close;        /* expect the client to close cleanly */
    /* results */
    int accepted;
    char err[ROAM_ERR_MAX];
    uint8_t exporter[ROAM_TLS_EXPORTER_LEN];
    char peer_subject[256];
    int peer_is_peer_test;     /* roam_tls_peer_has_name(conn, "peer.test") == 0 */
    int peer_is_evil_test;
    int peer_is_wild_test;     /* ... "a.wild.test", which only *.wild.test names */
    int auth_ok;               /* MAC verified */
    roam_status close_status;
};

/* The daemon side of step 2: Authenticate -> Challenge -> Response -> Result. */
static void serve_auth(struct server *s, roam_tls_conn *c)
{
    roam_stream st = roam_tls_stream(c);
    roam_envelope *in;
    if (roam_msg_expect(&st, ROAM__V1__ENVELOPE__BODY_AUTHENTICATE, &in, 2000, s->err,
                        sizeof s->err) != ROAM_OK)
        return;
    uint8_t ct[100], nonce[ROAM_NONCE_LEN];
    if (RAND_bytes(ct, sizeof ct) != 1 || RAND_bytes(nonce, sizeof nonce) != 1)
        return;
    Roam__V1__Challenge ch = ROAM__V1__CHALLENGE__INIT;
    ch.ciphertext.data = ct;
    ch.ciphertext.len = sizeof ct;
    ch.policy = "(a and b) or c";
    ch.nonce.data = nonce;
    ch.nonce.len = sizeof nonce;
    roam_envelope out = ROAM__V1__ENVELOPE__INIT;
    out.body_case = ROAM__V1__ENVELOPE__BODY_CHALLENGE;
    out.challenge = &ch;
    roam_envelope *resp = NULL;
    if (roam_msg_send(&st, &out, 2000, s->err, sizeof s->err) != ROAM_OK ||
        roam_msg_expect(&st, ROAM__V1__ENVELOPE__BODY_RESPONSE, &resp, 2000, s->err,
                        sizeof s->err) != ROAM_OK) {
        roam_msg_free(in);
        return;
    }
    struct roam_transcript t;
    int ok = roam_auth_transcript(in->authenticate, &ch, c, &t, s->err, sizeof s->err) == 0 &&
             roam_transcript_verify(kem_key, sizeof kem_key, &t, resp->response->mac.data,
                                    resp->response->mac.len, s->err, sizeof s->err) == 0;
    s->auth_ok = ok;
    Roam__V1__Error e = ROAM__V1__ERROR__INIT;
    e.phase = ROAM__V1__PHASE__PHASE_DEST_AUTH;
    e.message = s->err;
    Roam__V1__Result r = ROAM__V1__RESULT__INIT;
    r.ok = ok;
    r.error = ok ? NULL : &e;
    out.body_case = ROAM__V1__ENVELOPE__BODY_RESULT;
    out.result = &r;
    char e2[ROAM_ERR_MAX];
    if (roam_msg_send(&st, &out, 2000, e2, sizeof e2) != ROAM_OK)
        tap_diag("server: sending result: %s", e2);
    roam_msg_free(in);
    roam_msg_free(resp);
}

static void *server_main(void *arg)
{
    struct server *s = arg;
    roam_tls_conn *c = roam_tls_accept(s->ctx, s->fd, s->timeout_ms, s->err, sizeof s->err);
    if (!c)
        return NULL;
    s->accepted = 1;
    if (roam_tls_exporter(c, s->exporter, s->err, sizeof s->err) < 0)
        s->accepted = 0;
    if (roam_tls_peer_subject(c, s->peer_subject, sizeof s->peer_subject) < 0)
        s->peer_subject[0] = '\0';
    s->peer_is_peer_test = roam_tls_peer_has_name(c, "peer.test") == 0;
    s->peer_is_evil_test = roam_tls_peer_has_name(c, "evil.test") == 0;
    s->peer_is_wild_test = roam_tls_peer_has_name(c, "a.wild.test") == 0;
    if (s->run_auth)
        serve_auth(s, c);
    if (s->wait_for_close) {
        roam_stream st = roam_tls_stream(c);
        roam_envelope *env;
        s->close_status = roam_msg_recv(&st, &env, 2000, s->err, sizeof s->err);
        roam_msg_free(env);
    }
    roam_tls_close(c, 1000);
    return NULL;
}

struct pair {
    pthread_t th;
    struct server srv;
    int client_fd;
};

/* Start a server thread on one end of a fresh socketpair. */
static void start(struct pair *p, roam_tls_ctx *sctx)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
        perror("socketpair");
        exit(2);
    }
    p->client_fd = sv[0];
    p->srv.ctx = sctx;
    p->srv.fd = sv[1];
    if (!p->srv.timeout_ms)
        p->srv.timeout_ms = 3000;
    if (pthread_create(&p->th, NULL, server_main, &p->srv) != 0) {
        perror("pthread_create");
        exit(2);
    }
}

static void finish(struct pair *p)
{
    pthread_join(p->th, NULL);
}

/* The client side of one authentication; returns the Result's ok, or -1. */
static int client_auth(roam_tls_conn *c, const uint8_t *exporter_override)
{
    roam_stream st = roam_tls_stream(c);
    uint8_t qid[ROAM_QUERY_ID_LEN];
    if (RAND_bytes(qid, sizeof qid) != 1)
        return -1;
    Roam__V1__Authenticate au = ROAM__V1__AUTHENTICATE__INIT;
    au.role = ROAM__V1__ROLE__ROLE_ACCEPT;
    au.vm = "web1";
    au.src = "vms-a.test";
    au.dst = "roamd.test";
    au.query_id.data = qid;
    au.query_id.len = sizeof qid;
    roam_envelope out = ROAM__V1__ENVELOPE__INIT;
    out.body_case = ROAM__V1__ENVELOPE__BODY_AUTHENTICATE;
    out.authenticate = &au;
    roam_envelope *ch;
    if (roam_msg_send(&st, &out, 2000, err, sizeof err) != ROAM_OK ||
        roam_msg_expect(&st, ROAM__V1__ENVELOPE__BODY_CHALLENGE, &ch, 2000, err,
                        sizeof err) != ROAM_OK)
        return -1;
    struct roam_transcript t;
    int rc = roam_auth_transcript(&au, ch->challenge, c, &t, err, sizeof err);
    roam_msg_free(ch);   /* t points into au, not into ch */
    if (rc < 0)
        return -1;
    if (exporter_override)
        memcpy(t.exporter, exporter_override, ROAM_TLS_EXPORTER_LEN);
    uint8_t mac[ROAM_MAC_LEN];
    if (roam_transcript_mac(kem_key, sizeof kem_key, &t, mac, err, sizeof err) < 0)
        return -1;
    Roam__V1__Response r = ROAM__V1__RESPONSE__INIT;
    r.mac.data = mac;
    r.mac.len = sizeof mac;
    out.body_case = ROAM__V1__ENVELOPE__BODY_RESPONSE;
    out.response = &r;
    roam_envelope *res;
    if (roam_msg_send(&st, &out, 2000, err, sizeof err) != ROAM_OK ||
        roam_msg_expect(&st, ROAM__V1__ENVELOPE__BODY_RESULT, &res, 2000, err,
                        sizeof err) != ROAM_OK)
        return -1;
    int ok = res->result->ok;
    if (!ok)
        snprintf(err, sizeof err, "%s", res->result->error->message);
    roam_msg_free(res);
    return ok;
}

static void test_server_auth(roam_tls_ctx *sctx, roam_tls_ctx *cctx)
{
    struct pair p = { .srv = { .run_auth = 1 } };
    start(&p, sctx);
    roam_tls_conn *c = roam_tls_connect(cctx, p.client_fd, "roamd.test", 3000, err, sizeof err);
    tap_ok(c != NULL, "TLS 1.3 handshake over a socketpair (%s)", c ? "ok" : err);
    if (!c) {
        finish(&p);
        return;
    }
    uint8_t exp1[ROAM_TLS_EXPORTER_LEN];
    tap_eq(roam_tls_exporter(c, exp1, err, sizeof err), 0, "client exporter");
    char subj[256], fp[ROAM_TLS_FINGERPRINT_HEX];
    tap_ok(roam_tls_peer_subject(c, subj, sizeof subj) == 0 && strcmp(subj, "CN=roamd.test") == 0,
           "client sees server subject %s", subj);
    tap_ok(roam_tls_peer_fingerprint(c, fp) == 0 && strlen(fp) == 64 &&
           strspn(fp, "0123456789abcdef") == 64, "server fingerprint %s", fp);
    int ok = client_auth(c, NULL);
    tap_eq(ok, 1, "challenge-response over TLS accepted (%s)", ok == 1 ? "ok" : err);
    roam_tls_close(c, 1000);
    finish(&p);
    tap_ok(p.srv.accepted && memcmp(p.srv.exporter, exp1, sizeof exp1) == 0,
           "exporter equal on both ends");
    tap_ok(p.srv.auth_ok, "server verified the MAC (%s)", p.srv.auth_ok ? "ok" : p.srv.err);
    tap_eq(p.srv.peer_subject[0], '\0', "no client certificate without mutual TLS");

    /* A second connection: a different exporter, and the first one's MAC
     * (i.e. a relayed answer) is refused. */
    struct pair q = { .srv = { .run_auth = 1 } };
    start(&q, sctx);
    c = roam_tls_connect(cctx, q.client_fd, "roamd.test", 3000, err, sizeof err);
    uint8_t exp2[ROAM_TLS_EXPORTER_LEN];
    tap_ok(c && roam_tls_exporter(c, exp2, err, sizeof err) == 0 &&
           memcmp(exp1, exp2, sizeof exp1) != 0, "exporters differ across connections");
    ok = c ? client_auth(c, exp1) : -1;
    tap_ok(ok == 0 && strstr(err, "MAC mismatch"),
           "MAC bound to another connection's exporter refused (%s)", err);
    roam_tls_close(c, 1000);
    finish(&q);
    tap_ok(!q.srv.auth_ok, "server rejected the relayed MAC");
}

static void test_client_verification(roam_tls_ctx *sctx, roam_tls_ctx *cctx,
                                     roam_tls_ctx *wrong_ca_cctx)
{
    struct pair p = { 0 };
    start(&p, sctx);
    roam_tls_conn *c = roam_tls_connect(cctx, p.client_fd, "other.test", 3000, err, sizeof err);
    tap_ok(!c && strstr(err, "rejected"), "wrong server name refused (%s)", err);
    roam_tls_close(c, 0);
    finish(&p);
    tap_ok(!p.srv.accepted, "server saw the handshake fail (%s)", p.srv.err);

    struct pair q = { 0 };
    start(&q, sctx);
    c = roam_tls_connect(wrong_ca_cctx, q.client_fd, "roamd.test", 3000, err, sizeof err);
    tap_ok(!c && strstr(err, "rejected"), "server from an untrusted CA refused (%s)", err);
    roam_tls_close(c, 0);
    finish(&q);
}

static void test_tcp_ip_name(roam_tls_ctx *sctx, roam_tls_ctx *cctx)
{
    int lfd = roam_tcp_listen("127.0.0.1", "0", 4, err, sizeof err);
    tap_ok(lfd >= 0, "listen on loopback (%s)", lfd >= 0 ? "ok" : err);
    if (lfd < 0)
        return;
    char port[16];
    snprintf(port, sizeof port, "%d", roam_sock_port(lfd));
    for (int round = 0; round < 2; round++) {
        const char *name = round == 0 ? "127.0.0.1" : "127.0.0.2";
        int cfd = roam_tcp_connect("127.0.0.1", port, 2000, err, sizeof err);
        int afd = cfd >= 0 ? roam_tcp_accept(lfd, 2000, err, sizeof err) : -1;
        if (cfd < 0 || afd < 0) {
            tap_ok(0, "loopback TCP connection (%s)", err);
            continue;
        }
        struct pair p = { 0 };
        p.srv.ctx = sctx;
        p.srv.fd = afd;
        p.srv.timeout_ms = 3000;
        pthread_create(&p.th, NULL, server_main, &p.srv);
        roam_tls_conn *c = roam_tls_connect(cctx, cfd, name, 3000, err, sizeof err);
        if (round == 0)
            tap_ok(c != NULL, "TLS over loopback TCP, server verified by IP %s (%s)", name,
                   c ? "ok" : err);
        else
            tap_ok(!c, "IP %s not in the certificate refused (%s)", name, err);
        roam_tls_close(c, 1000);
        finish(&p);
    }
    int t0fd = roam_tcp_accept(lfd, 100, err, sizeof err);
    tap_ok(t0fd < 0 && strstr(err, "timed out"), "accept times out (%s)", err);
    close(lfd);
}

/* A listener's accept, then the TLS server: with a deferred (Fast Open)
 * connect the SYN leaves only with the ClientHello, so the accept must not
 * wait in the client's thread. */
struct fo_server {
    int lfd;
    struct server srv;
};

static void *fo_accept(void *arg)
{
    struct fo_server *f = arg;
    f->srv.fd = roam_tcp_accept(f->lfd, 3000, f->srv.err, sizeof f->srv.err);
    if (f->srv.fd >= 0)
        server_main(&f->srv);
    return NULL;
}

/* The kernel's count of connects whose SYN carried data (this namespace). */
static long fastopen_active(void)
{
    char head[8192], vals[8192];
    long n = -1;
    FILE *f = fopen("/proc/net/netstat", "r");
    while (f && n < 0 && fgets(head, sizeof head, f) && fgets(vals, sizeof vals, f)) {
        if (strncmp(head, "TcpExt:", 7) != 0)
            continue;
        char *hs, *vs, *h = strtok_r(head, " \n", &hs), *v = strtok_r(vals, " \n", &vs);
        for (; h && v; h = strtok_r(NULL, " \n", &hs), v = strtok_r(NULL, " \n", &vs))
            if (strcmp(h, "TCPFastOpenActive") == 0)
                n = atol(v);
    }
    if (f)
        fclose(f);
    return n;
}

/* net.ipv4.tcp_fastopen of this task's network namespace (0 if unreadable). */
static int fastopen_sysctl(void)
{
    int tfo = 0;
    FILE *sys = fopen("/proc/sys/net/ipv4/tcp_fastopen", "r");
    if (sys && fscanf(sys, "%d", &tfo) != 1)
        tfo = 0;
    if (sys)
        fclose(sys);
    return tfo;
}

/* Three TLS connections over Fast Open connects on loopback: the first gets
 * a cookie (where listeners may take Fast Open), the next ones carry the
 * ClientHello in the SYN.  *ok counts both ends of each; *rode how many
 * connects the kernel says carried data (-1 if unknown). */
static void fastopen_rounds(roam_tls_ctx *sctx, roam_tls_ctx *cctx, int *ok, long *rode)
{
    *ok = 0;
    *rode = -1;
    int lfd = roam_tcp_listen("127.0.0.1", "0", 4, err, sizeof err);
    if (lfd < 0)
        return;
    roam_tcp_listen_fastopen(lfd);
    char port[16];
    snprintf(port, sizeof port, "%d", roam_sock_port(lfd));
    long before = fastopen_active();
    for (int round = 0; round < 3; round++) {
        struct fo_server f = { .lfd = lfd, .srv = { .ctx = sctx, .timeout_ms = 3000 } };
        pthread_t th;
        pthread_create(&th, NULL, fo_accept, &f);
        int cfd = roam_tcp_connect_fastopen("127.0.0.1", port, 2000, err, sizeof err);
        roam_tls_conn *c = cfd >= 0 ? roam_tls_connect(cctx, cfd, "127.0.0.1", 3000, err,
                                                       sizeof err)
                                    : NULL;
        *ok += c != NULL;
        roam_tls_close(c, 1000);
        pthread_join(th, NULL);
        *ok += f.srv.accepted;
    }
    long after = fastopen_active();
    if (before >= 0 && after >= 0)
        *rode = after - before;
    close(lfd);
}

/* The rounds in a network namespace of their own, with loopback up and
 * tcp_fastopen = 3 there (it is per namespace), so that the SYN-data path
 * is tested whatever the host's setting.  Needs CAP_SYS_ADMIN; 0, or -1
 * (then the host's namespace is used). */
static int fastopen_rounds_private(roam_tls_ctx *sctx, roam_tls_ctx *cctx, int *ok, long *rode)
{
    int res[2] = { 0, -1 }, pfd[2];
    if (pipe(pfd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(pfd[0]);
        struct ifreq ifr = { .ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING };
        snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
        int s = -1;
        FILE *sys = NULL;
        int ready = unshare(CLONE_NEWNET) == 0 && (s = socket(AF_INET, SOCK_DGRAM, 0)) >= 0 &&
                    ioctl(s, SIOCSIFFLAGS, &ifr) == 0 &&
                    (sys = fopen("/proc/sys/net/ipv4/tcp_fastopen", "w")) != NULL &&
                    fputs("3", sys) >= 0;
        if (sys && fclose(sys) != 0)
            ready = 0;
        if (s >= 0)
            close(s);
        if (ready && fastopen_sysctl() == 3) {
            long rode_l;
            fastopen_rounds(sctx, cctx, &res[0], &rode_l);
            res[1] = (int)rode_l;
        } else {
            res[0] = -1;
        }
        ssize_t w = write(pfd[1], res, sizeof res);
        _exit(w == (ssize_t)sizeof res ? 0 : 1);
    }
    close(pfd[1]);
    ssize_t r = pid > 0 ? read(pfd[0], res, sizeof res) : -1;
    close(pfd[0]);
    int status = 0;
    if (pid > 0)
        waitpid(pid, &status, 0);
    if (r != (ssize_t)sizeof res || res[0] < 0)
        return -1;
    *ok = res[0];
    *rode = res[1];
    return 0;
}

/* TLS over TCP Fast Open, in the host's namespace (where its setting may
 * make these plain connects), then in a private one with Fast Open on. */
static void test_fastopen(roam_tls_ctx *sctx, roam_tls_ctx *cctx)
{
    int ok, tfo = fastopen_sysctl();
    long rode;
    fastopen_rounds(sctx, cctx, &ok, &rode);
    tap_eq(ok, 6, "three TLS connections over Fast Open connects, tcp_fastopen = %d (%s)", tfo,
           ok == 6 ? "ok" : err);
    if ((tfo & 3) != 3 && fastopen_rounds_private(sctx, cctx, &ok, &rode) == 0) {
        tfo = 3;
        tap_eq(ok, 6, "the same in a network namespace with tcp_fastopen = 3");
    }
    if ((tfo & 3) == 3)
        tap_ok(rode > 0, "with net.ipv4.tcp_fastopen = 3 the ClientHello rode in the SYN (%ld "
               "times)", rode);
    else
        tap_skip("net.ipv4.tcp_fastopen is not 3 here and no private network namespace "
                 "(not root): plain connects only");
}

static void test_mutual(roam_tls_ctx *msctx, roam_tls_ctx *good, roam_tls_ctx *bad,
                        roam_tls_ctx *anon)
{
    struct pair p = { .srv = { .wait_for_close = 1 } };
    start(&p, msctx);
    roam_tls_conn *c = roam_tls_connect(good, p.client_fd, "roamd.test", 3000, err, sizeof err);
    tap_ok(c != NULL, "mutual TLS with a client certificate from the right CA (%s)",
           c ? "ok" : err);
    roam_tls_close(c, 1000);
    finish(&p);
    tap_ok(p.srv.accepted && strcmp(p.srv.peer_subject, "CN=peer.test") == 0,
           "server sees client subject %s", p.srv.peer_subject);
    tap_ok(p.srv.peer_is_peer_test && !p.srv.peer_is_evil_test,
           "client certificate names peer.test and not evil.test");
    tap_ok(!p.srv.peer_is_wild_test, "a peer's wildcard name (*.wild.test) does not match");
    /* The peer link (a client context with a certificate) takes no
     * wildcard in the server's certificate; a user's client does. */
    struct pair w = { .srv = { .wait_for_close = 1 } };
    start(&w, msctx);
    c = roam_tls_connect(good, w.client_fd, "a.wild.test", 3000, err, sizeof err);
    tap_ok(c == NULL, "peer link refuses a server named only by *.wild.test (%s)", err);
    roam_tls_close(c, 0);
    finish(&w);
    tap_eq(p.srv.close_status, ROAM_CLOSED, "client's close_notify read as a clean close (%s)",
           roam_status_name(p.srv.close_status));

    /* In TLS 1.3 the client finishes its handshake before the server has
     * judged its certificate: the refusal may surface on the first read. */
    struct roam_tls_ctx *clients[2] = { bad, anon };
    const char *what[2] = { "a client certificate from the wrong CA", "no client certificate" };
    for (int i = 0; i < 2; i++) {
        struct pair q = { 0 };
        start(&q, msctx);
        c = roam_tls_connect(clients[i], q.client_fd, "roamd.test", 3000, err, sizeof err);
        int client_failed = !c;
        if (c) {
            roam_stream st = roam_tls_stream(c);
            roam_envelope *env;
            client_failed = roam_msg_recv(&st, &env, 2000, err, sizeof err) != ROAM_OK;
            roam_msg_free(env);
            roam_tls_close(c, 0);
        }
        finish(&q);
        tap_ok(!q.srv.accepted, "server refuses %s (%s)", what[i], q.srv.err);
        tap_ok(client_failed, "client learns of the refusal (%s)", err);
    }
}

static void test_deadlines(roam_tls_ctx *sctx, roam_tls_ctx *cctx)
{
    /* A client that connects and never says hello. */
    struct pair p = { .srv = { .timeout_ms = 200 } };
    int64_t t0 = roam_now_ms();
    start(&p, sctx);
    finish(&p);
    int64_t dt = roam_now_ms() - t0;
    tap_ok(!p.srv.accepted && strstr(p.srv.err, "timed out") && dt < 1500,
           "handshake with a silent client times out (%lld ms: %s)", (long long)dt, p.srv.err);
    close(p.client_fd);

    /* A server that accepts and then says nothing. */
    struct pair q = { .srv = { .wait_for_close = 1 } };
    start(&q, sctx);
    roam_tls_conn *c = roam_tls_connect(cctx, q.client_fd, "roamd.test", 3000, err, sizeof err);
    if (c) {
        roam_stream st = roam_tls_stream(c);
        roam_envelope *env;
        t0 = roam_now_ms();
        roam_status s = roam_msg_recv(&st, &env, 200, err, sizeof err);
        dt = roam_now_ms() - t0;
        tap_ok(s == ROAM_ETIMEDOUT && dt >= 190 && dt < 1500,
               "TLS read from a stalled peer times out (%lld ms: %s)", (long long)dt, err);
        roam_tls_close(c, 1000);
    } else {
        tap_ok(0, "connect for the stall test (%s)", err);
    }
    finish(&q);

    /* A TLS 1.2-only client is refused: the profile is TLS 1.3 only. */
    struct pair r = { 0 };
    start(&r, sctx);
    SSL_CTX *old = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_max_proto_version(old, TLS1_2_VERSION);
    SSL *ssl = SSL_new(old);
    SSL_set_fd(ssl, r.client_fd);
    int rc = SSL_connect(ssl);
    SSL_free(ssl);
    SSL_CTX_free(old);
    close(r.client_fd);
    finish(&r);
    tap_ok(rc != 1 && !r.srv.accepted, "TLS 1.2 client refused (%s)", r.srv.err);
}

static void test_bad_config(void)
{
    char missing[300];
    snprintf(missing, sizeof missing, "%s/nope.pem", dir);
    roam_tls_ctx *x = roam_tls_server_ctx(missing, srv_key, NULL, err, sizeof err);
    tap_ok(!x && strstr(err, "nope.pem"), "missing certificate named in the error (%s)", err);
    x = roam_tls_server_ctx(srv_crt, cli_key, NULL, err, sizeof err);
    tap_ok(!x && strstr(err, "cli.key") && strstr(err, "mismatch"), "mismatched key refused (%s)", err);
    x = roam_tls_client_ctx(NULL, NULL, NULL, err, sizeof err);
    tap_ok(!x && strstr(err, "CA bundle"), "client without CA bundle refused (%s)", err);
    x = roam_tls_client_ctx(ca1, cli_crt, NULL, err, sizeof err);
    tap_ok(!x, "client certificate without key refused (%s)", err);
    x = roam_tls_server_ctx(srv_crt, srv_key, missing, err, sizeof err);
    tap_ok(!x && strstr(err, "nope.pem"), "missing client CA bundle named (%s)", err);
    /* A private key others can read is refused, naming the file and mode. */
    chmod(srv_key, 0644);
    x = roam_tls_server_ctx(srv_crt, srv_key, NULL, err, sizeof err);
    tap_ok(!x && strstr(err, "srv.key") && strstr(err, "mode 0644"),
           "group/world-readable private key refused (%s)", err);
    roam_tls_ctx_free(x);
    chmod(srv_key, 0600);
}

static void path(char *out, const char *name)
{
    snprintf(out, 256, "%s/%s", dir, name);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    path(ca1, "ca1.pem"); path(ca2, "ca2.pem");
    path(srv_crt, "srv.crt"); path(srv_key, "srv.key");
    path(cli_crt, "cli.crt"); path(cli_key, "cli.key");
    path(bad_crt, "bad.crt"); path(bad_key, "bad.key");
    struct test_ca a, b;
    int pki = certs_make_ca(&a, "roam test CA 1", ca1) == 0 &&
              certs_make_ca(&b, "roam test CA 2", ca2) == 0 &&
              certs_make_leaf(&a, "roamd.test", "DNS:roamd.test,IP:127.0.0.1,DNS:*.wild.test", srv_crt, srv_key) == 0 &&
              certs_make_leaf(&a, "peer.test", "DNS:peer.test,DNS:*.wild.test", cli_crt, cli_key) == 0 &&
              certs_make_leaf(&b, "peer.test", "DNS:peer.test", bad_crt, bad_key) == 0;
    tap_ok(pki, "test PKI generated in %s", dir);
    if (!pki)
        return tap_done();

    roam_tls_ctx *sctx = roam_tls_server_ctx(srv_crt, srv_key, NULL, err, sizeof err);
    tap_ok(sctx != NULL, "server context (%s)", sctx ? "ok" : err);
    roam_tls_ctx *msctx = roam_tls_server_ctx(srv_crt, srv_key, ca1, err, sizeof err);
    tap_ok(msctx != NULL, "mutual-TLS server context (%s)", msctx ? "ok" : err);
    roam_tls_ctx *cctx = roam_tls_client_ctx(ca1, NULL, NULL, err, sizeof err);
    roam_tls_ctx *wrong = roam_tls_client_ctx(ca2, NULL, NULL, err, sizeof err);
    roam_tls_ctx *good = roam_tls_client_ctx(ca1, cli_crt, cli_key, err, sizeof err);
    roam_tls_ctx *bad = roam_tls_client_ctx(ca1, bad_crt, bad_key, err, sizeof err);
    tap_ok(cctx && wrong && good && bad, "client contexts (%s)", err);
    if (sctx && msctx && cctx && wrong && good && bad) {
        test_server_auth(sctx, cctx);
        test_client_verification(sctx, cctx, wrong);
        test_tcp_ip_name(sctx, cctx);
        test_fastopen(sctx, cctx);
        test_mutual(msctx, good, bad, cctx);
        test_deadlines(sctx, cctx);
        test_bad_config();
    }
    roam_tls_ctx_free(sctx); roam_tls_ctx_free(msctx); roam_tls_ctx_free(cctx);
    roam_tls_ctx_free(wrong); roam_tls_ctx_free(good); roam_tls_ctx_free(bad);
    certs_free_ca(&a);
    certs_free_ca(&b);
    const char *files[] = { ca1, ca2, srv_crt, srv_key, cli_crt, cli_key, bad_crt, bad_key };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        unlink(files[i]);
    rmdir(dir);
    return tap_done();
}
