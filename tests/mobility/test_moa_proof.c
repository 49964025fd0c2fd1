/* Proof that a registration's mobile addresses belong to the registrant
 * (roam-ims with [ims] moa_secret; docs/mobility.md, "Proof of the mobile
 * address"), on SQLite or, with ROAM_IMS_TEST_BACKEND=etcd, a one-member
 * etcd cluster.  Runs in a network namespace of its own (skipped where
 * none can be made) whose loopback holds the mobile addresses, so the
 * IMS's challenges really reach the sockets bound to them: a new MoA
 * without its token is never stored (the victim's address, another
 * tenant's MoA); the challenge round trip, driven by the agent's datagram
 * code, stores it; forged, expired, replayed and other registrations'
 * tokens are refused; a token made with the shared secret elsewhere (another
 * front-end) is accepted; MoAs already bound need no new proof.  A new MoA
 * attested by the host whose prefix holds it ([ims] attestors, as roamd
 * replays a migrating VM's registration) is stored without a challenge;
 * an attestation by another prefix's host, stale, moved from another
 * registration or altered is refused and the usual challenge goes out. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ed25519.h"
#include "errbuf.h"
#include "handover_reg.h"
#include "ims_dgram.h"
#include "ims_fixture.h"
#include "ims_sign.h"
#include "ims_token.h"
#include "mat_dgram.h"
#include "moa_attest.h"
#include "tap.h"

#define CHALLENGE_PORT 4781

static uint8_t HOA[16], HOA2[16], MOA_A[16], MOA_B[16], VICTIM[16];
static const char *const LOCAL[] = { "2001:db8:a::5", "2001:db8:b::5", "2001:db8:c::7" };

static void addrs(void)
{
    ims_addr_parse("2001:db8:d::10", HOA);
    ims_addr_parse("2001:db8:d::11", HOA2);
    ims_addr_parse(LOCAL[0], MOA_A);
    ims_addr_parse(LOCAL[1], MOA_B);
    ims_addr_parse(LOCAL[2], VICTIM);
}

/* A network namespace whose lo is up and holds LOCAL.  0 or -1. */
static int own_netns(void)
{
    if (unshare(CLONE_NEWNET) < 0 && unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
        return -1;
    if (system("ip link set lo up") != 0)
        return -1;
    for (size_t i = 0; i < sizeof LOCAL / sizeof LOCAL[0]; i++) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "ip -6 addr add %s/128 dev lo nodad", LOCAL[i]);
        if (system(cmd) != 0)
            return -1;
    }
    return 0;
}

/* A UDP socket bound to src (port: 0 = any) and, if connect_port, connected
 * to the IMS on ::1. */
static int udp_sock(const char *src, int port, const char *connect_port)
{
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };
    inet_pton(AF_INET6, src, &a.sin6_addr);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0)
        goto fail;
    if (connect_port) {
        struct sockaddr_in6 d = { .sin6_family = AF_INET6,
                                  .sin6_port = htons((uint16_t)atoi(connect_port)) };
        inet_pton(AF_INET6, "::1", &d.sin6_addr);
        if (connect(fd, (struct sockaddr *)&d, sizeof d) < 0)
            goto fail;
    }
    return fd;
fail:
    if (fd >= 0)
        close(fd);
    return -1;
}

/* One datagram within ms into buf; its length or 0. */
static size_t wait_dgram(int fd, uint8_t *buf, size_t cap, int ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    if (poll(&p, 1, ms) != 1)
        return 0;
    ssize_t n = recv(fd, buf, cap, MSG_DONTWAIT);
    return n > 0 ? (size_t)n : 0;
}

/* The stored mapping of hoa, asked over TLS (the server's thread owns the
 * store): its seq (0: none), *has_moa whether it binds moa. */
static uint64_t stored(fixture *fx, const uint8_t *hoa, const uint8_t *moa, int *has_moa)
{
    char err[ROAM_ERR_MAX];
    uint64_t id, seq = 0;
    ims_message *a = NULL;
    *has_moa = 0;
    ims_client *c = fx_client(fx);
    if (c && ims_client_query(c, hoa, &id, err, sizeof err) == 0 &&
        ims_client_wait(c, id, &a, 3000, NULL, NULL, err, sizeof err) == 1 &&
        a->body_case == ROAM__IMS__V1__MESSAGE__BODY_MAPPING && a->mapping->known) {
        ims_mapping m;
        ims_mapping_from_pb(a->mapping, &m);
        seq = m.seq;
        for (size_t i = 0; i < m.n; i++)
            if (memcmp(m.b[i].moa, moa, 16) == 0)
                *has_moa = 1;
    }
    ims_msg_free(a);
    ims_client_close(c);
    return seq;
}

static ims_mapping mapping(const uint8_t *hoa, uint64_t seq, const uint8_t *act,
                           const uint8_t *stby)
{
    ims_mapping m = { .seq = seq, .n = stby ? 2 : 1 };
    memcpy(m.hoa, hoa, 16);
    memcpy(m.b[0].moa, act, 16);
    m.b[0].state = IMS_ACTIVE;
    if (stby) {
        memcpy(m.b[1].moa, stby, 16);
        m.b[1].state = IMS_STANDBY;
    }
    return m;
}

/* The registration datagram of m signed with key, carrying tokens tok[0..n). */
static size_t reg_dgram(EVP_PKEY *key, const ims_mapping *m, const uint8_t (*tok)[IMS_TOKEN_LEN],
                        size_t n, uint8_t out[IMS_DGRAM_MAX])
{
    char err[ROAM_ERR_MAX];
    uint8_t plain[IMS_DGRAM_MAX];
    size_t len = ims_dgram_register(key, m->hoa, m->seq, m->b, m->n, plain, err, sizeof err);
    if (len == 0 || n == 0) {
        memcpy(out, plain, len);
        return len;
    }
    return ims_dgram_with_tokens(plain, len, tok, n, out, err, sizeof err);
}

/* Send d from fd and wait for the IMS's signed ack of m: 1 acked, 0 not. */
static int acked(int fd, const uint8_t *d, size_t len, const uint8_t ack_pub[IMS_PUBKEY_LEN],
                 const ims_mapping *m)
{
    char err[ROAM_ERR_MAX];
    uint8_t ans[IMS_DGRAM_MAX + 1];
    if (send(fd, d, len, 0) != (ssize_t)len)
        return 0;
    size_t n;
    while ((n = wait_dgram(fd, ans, sizeof ans, 500)) > 0)
        if (ims_dgram_ack_ok(ans, n, ack_pub, m, err, sizeof err) == 1)
            return 1;
    return 0;
}

/* The agent's datagram code against the IMS: sent from the new MoA, the
 * registration is challenged, repeated with the token, stored, acked. */
static void test_round_trip(fixture *fx, EVP_PKEY *key, const uint8_t ack_pub[IMS_PUBKEY_LEN])
{
    char err[ROAM_ERR_MAX];
    int has;
    ims_mapping m = mapping(HOA, 1000, MOA_A, NULL);
    mat_dgram d;
    mat_dgram_init(&d);
    d.len = ims_dgram_register(key, HOA, m.seq, m.b, m.n, d.buf, err, sizeof err);
    d.pending = m;
    int fd = udp_sock(LOCAL[0], 0, fx->port);
    tap_ok(fd >= 0 && d.len > 0, "registration datagram socket bound to the new MoA");
    if (fd < 0)
        return;
    mat_dgram_start(&d, fd, 0);
    int v = 0;
    const char *why = "";
    for (int i = 0; i < 40 && v == 0; i++) {
        struct pollfd p = { .fd = d.fd, .events = POLLIN };
        if (poll(&p, 1, 50) == 1)
            v = mat_dgram_readable(&d, ack_pub, &why);
        else if (mat_dgram_timer(&d, &why) < 0)
            v = -1;
    }
    tap_ok(v == 1, "new MoA: challenged, repeated with the token, acknowledged (%s)",
           v == 1 ? "ok" : why);
    tap_ok(d.have_token[0], "the agent took the IMS's token");
    tap_ok(stored(fx, HOA, MOA_A, &has) == 1000 && has, "the proven MoA is stored");
    mat_dgram_close(&d);
}

/* Registrations that must never be stored, whatever the tokens. */
static void test_refused(fixture *fx, EVP_PKEY *key, EVP_PKEY *evil, const ims_token_key *tk,
                         const uint8_t ack_pub[IMS_PUBKEY_LEN])
{
    int has;
    uint8_t d[IMS_DGRAM_MAX];
    int fd = udp_sock("::1", 0, fx->port);
    int vfd = udp_sock(LOCAL[2], CHALLENGE_PORT, NULL);   /* the victim's challenge port */
    tap_ok(fd >= 0 && vfd >= 0, "sockets for the attacker and the victim");

    /* The victim's address, registered by another tenant from elsewhere. */
    ims_mapping m = mapping(HOA2, 10, VICTIM, NULL);
    size_t n = reg_dgram(evil, &m, NULL, 0, d);
    tap_ok(n && !acked(fd, d, n, ack_pub, &m), "the victim's address without token: no ack");
    tap_ok(stored(fx, HOA2, VICTIM, &has) == 0 && !has, "... and nothing stored");
    uint8_t ch[IMS_DGRAM_MAX + 1], tok[1][IMS_TOKEN_LEN];
    size_t k = 0, cn = wait_dgram(vfd, ch, sizeof ch, 1000);
    tap_ok(cn && ims_dgram_challenge_for(ch, cn, &m, &k, tok[0], NULL, 0) == 1,
           "the challenge went to the victim's address, not to the registrant");

    /* Another tenant's current MoA. */
    m = mapping(HOA2, 11, MOA_A, NULL);
    n = reg_dgram(evil, &m, NULL, 0, d);
    tap_ok(n && !acked(fd, d, n, ack_pub, &m), "another tenant's MoA without token: no ack");
    tap_ok(stored(fx, HOA2, MOA_A, &has) == 0 && !has, "... and nothing stored");

    /* Tokens that are not this registration's. */
    uint8_t bad[1][IMS_TOKEN_LEN];
    ims_mapping own = mapping(HOA, 2000, MOA_B, MOA_A);
    int64_t now = (int64_t)time(NULL);
    memset(bad[0], 0x5a, IMS_TOKEN_LEN);
    n = reg_dgram(key, &own, (const uint8_t(*)[IMS_TOKEN_LEN])bad, 1, d);
    tap_ok(n && !acked(fd, d, n, ack_pub, &own), "a forged token is refused");
    ims_token_make(tk, HOA, MOA_B, own.seq - 1, now, bad[0]);
    n = reg_dgram(key, &own, (const uint8_t(*)[IMS_TOKEN_LEN])bad, 1, d);
    tap_ok(n && !acked(fd, d, n, ack_pub, &own), "a token for another sequence number is refused");
    ims_token_make(tk, HOA2, MOA_B, own.seq, now, bad[0]);
    n = reg_dgram(key, &own, (const uint8_t(*)[IMS_TOKEN_LEN])bad, 1, d);
    tap_ok(n && !acked(fd, d, n, ack_pub, &own), "a token for another home address is refused");
    ims_token_make(tk, HOA, MOA_B, own.seq, now - 3 * tk->epoch_s, bad[0]);
    n = reg_dgram(key, &own, (const uint8_t(*)[IMS_TOKEN_LEN])bad, 1, d);
    tap_ok(n && !acked(fd, d, n, ack_pub, &own), "an expired token (3 epochs old) is refused");
    ims_token_key other = *tk;
    other.secret[0] ^= 1;
    ims_token_make(&other, HOA, MOA_B, own.seq, now, bad[0]);
    n = reg_dgram(key, &own, (const uint8_t(*)[IMS_TOKEN_LEN])bad, 1, d);
    tap_ok(n && !acked(fd, d, n, ack_pub, &own), "a token under another secret is refused");
    tap_ok(stored(fx, HOA, MOA_B, &has) == 1000 && !has, "none of them was stored");
    ims_token_key_clear(&other);
    close(fd);
    close(vfd);
}

/* Tokens made with the shared secret (as another front-end would) are
 * good here; MoAs already bound need none; replays change nothing. */
static void test_accepted(fixture *fx, EVP_PKEY *key, const ims_token_key *tk,
                          const uint8_t ack_pub[IMS_PUBKEY_LEN])
{
    int has;
    uint8_t d[IMS_DGRAM_MAX], tok[1][IMS_TOKEN_LEN];
    int fd = udp_sock("::1", 0, fx->port);
    ims_mapping m = mapping(HOA, 3000, MOA_B, MOA_A);
    ims_token_make(tk, HOA, MOA_B, m.seq, (int64_t)time(NULL) - tk->epoch_s, tok[0]);
    size_t n = reg_dgram(key, &m, (const uint8_t(*)[IMS_TOKEN_LEN])tok, 1, d);
    tap_ok(n && acked(fd, d, n, ack_pub, &m),
           "a token of the previous epoch, made elsewhere with the shared secret, is accepted");
    tap_ok(stored(fx, HOA, MOA_B, &has) == 3000 && has, "... and the new MoA stored");
    tap_ok(acked(fd, d, n, ack_pub, &m) && stored(fx, HOA, MOA_B, &has) == 3000,
           "the same datagram again: acknowledged as a retransmission, nothing changes");
    ims_mapping s = mapping(HOA, 3001, MOA_A, MOA_B);
    n = reg_dgram(key, &s, NULL, 0, d);
    tap_ok(n && acked(fd, d, n, ack_pub, &s), "bound MoAs switched without any token");
    ims_mapping drop = mapping(HOA, 3002, MOA_A, NULL);
    n = reg_dgram(key, &drop, NULL, 0, d);
    tap_ok(n && acked(fd, d, n, ack_pub, &drop), "a MoA dropped without any token");
    ims_mapping back = mapping(HOA, 3003, MOA_A, MOA_B);
    n = reg_dgram(key, &back, NULL, 0, d);
    tap_ok(n && !acked(fd, d, n, ack_pub, &back) && stored(fx, HOA, MOA_B, &has) == 3002 && !has,
           "a MoA once dropped needs a new proof");
    close(fd);
}

/* Over TLS the refusal says why, and the challenge goes to the MoA's port. */
static void test_tls(fixture *fx, EVP_PKEY *key)
{
    char err[ROAM_ERR_MAX];
    int cfd = udp_sock(LOCAL[1], CHALLENGE_PORT, NULL);
    ims_client *c = fx_client(fx);
    ims_mapping m = mapping(HOA, 4000, MOA_A, MOA_B);
    uint64_t id;
    ims_message *a = NULL;
    int ok = c && cfd >= 0 &&
             ims_client_register(c, key, HOA, m.seq, m.b, m.n, &id, err, sizeof err) == 0 &&
             ims_client_wait(c, id, &a, 3000, NULL, NULL, err, sizeof err) == 1;
    tap_ok(ok && a->body_case == ROAM__IMS__V1__MESSAGE__BODY_ERROR &&
               a->error->code == ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_MOA_UNVERIFIED,
           "over TLS: Error{MOA_UNVERIFIED} (%s)", ok && a->error ? a->error->message : err);
    uint8_t ch[IMS_DGRAM_MAX + 1], tok[IMS_TOKEN_LEN];
    size_t k = 9, n = cfd >= 0 ? wait_dgram(cfd, ch, sizeof ch, 1000) : 0;
    tap_ok(n && ims_dgram_challenge_for(ch, n, &m, &k, tok, err, sizeof err) == 1 && k == 1,
           "the standby MoA's challenge port got its token");
    ims_msg_free(a);
    ims_client_close(c);
    if (cfd >= 0)
        close(cfd);
}

/* The registration datagram of m with host's attestation of moa for
 * (m's hoa, att_seq) at time t appended, as roamd sends it at the RARP. */
static size_t attested_dgram(EVP_PKEY *key, const ims_mapping *m, EVP_PKEY *host,
                             uint64_t att_seq, const uint8_t *moa, int64_t t, int flip,
                             uint8_t out[IMS_DGRAM_MAX])
{
    char err[ROAM_ERR_MAX];
    uint8_t plain[IMS_DGRAM_MAX], pub[32], id[8], f[ROAM_ATTEST_FIELD_MAX];
    roam_moa_attest a;
    size_t len = ims_dgram_register(key, m->hoa, m->seq, m->b, m->n, plain, err, sizeof err);
    if (!len || roam_ed25519_raw_public(host, pub) < 0 || roam_attest_key_id(pub, id) < 0 ||
        roam_moa_attest_sign(host, id, m->hoa, att_seq, moa, (uint64_t)t, &a, err,
                             sizeof err) < 0)
        return 0;
    a.sig[0] ^= (uint8_t)flip;
    size_t fl = roam_moa_attest_field(&a, f, sizeof f);
    return fl ? roam_handover_reg_append(plain, len, f, fl, out, IMS_DGRAM_MAX, err, sizeof err)
              : 0;
}

/* Host attestations, sent from elsewhere than the MoA (the host's address). */
static void test_attested(fixture *fx, EVP_PKEY *key, EVP_PKEY *host_a, EVP_PKEY *host_b,
                          const uint8_t ack_pub[IMS_PUBKEY_LEN])
{
    int has;
    uint8_t d[IMS_DGRAM_MAX], ch[IMS_DGRAM_MAX + 1];
    int fd = udp_sock("::1", 0, fx->port);
    int cfd = udp_sock(LOCAL[1], CHALLENGE_PORT, NULL);   /* MOA_B, in B's prefix */
    tap_ok(fd >= 0 && cfd >= 0, "sockets for the host and the new MoA");
    ims_mapping m = mapping(HOA, 5000, MOA_B, MOA_A);
    int64_t now = (int64_t)time(NULL);
    static const struct {
        int host_a;
        int64_t age;
        uint64_t seq_off;
        int flip;
        const char *what;
    } bad[] = {
        { 1, 0, 0, 0, "by the host of another prefix" },
        { 0, 120, 0, 0, "signed 120 s ago" },
        { 0, 0, 1, 0, "made for another registration (seq 4999)" },
        { 0, 0, 0, 1, "with a flipped signature bit" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = attested_dgram(key, &m, bad[i].host_a ? host_a : host_b,
                                  m.seq - bad[i].seq_off, MOA_B, now - bad[i].age, bad[i].flip, d);
        tap_ok(n && !acked(fd, d, n, ack_pub, &m), "an attestation %s: no ack", bad[i].what);
        size_t cn = 0, k = 0;
        uint8_t tok[IMS_TOKEN_LEN];
        size_t got;
        while ((got = wait_dgram(cfd, ch, sizeof ch, cn ? 100 : 1000)) > 0)
            cn = got;   /* the last of them: retransmissions drew more */
        tap_ok(cn && ims_dgram_challenge_for(ch, cn, &m, &k, tok, NULL, 0) == 1,
               "... and the usual challenge went to the MoA");
    }
    tap_ok(stored(fx, HOA, MOA_B, &has) == 3002 && !has, "none of them was stored");
    size_t n = attested_dgram(key, &m, host_b, m.seq, MOA_B, now, 0, d);
    tap_ok(n && acked(fd, d, n, ack_pub, &m), "attested by the host of its prefix: acknowledged");
    tap_ok(stored(fx, HOA, MOA_B, &has) == 5000 && has, "... the new MoA stored");
    tap_ok(wait_dgram(cfd, ch, sizeof ch, 300) == 0, "... without any challenge");
    uint8_t plain[IMS_DGRAM_MAX];
    char err[ROAM_ERR_MAX];
    size_t pn = ims_dgram_register(key, HOA, m.seq, m.b, m.n, plain, err, sizeof err);
    tap_ok(pn && acked(fd, plain, pn, ack_pub, &m),
           "the guest's own registration after it: acknowledged as a retransmission");
    close(fd);
    close(cfd);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    addrs();
    const char *backend = getenv("ROAM_IMS_TEST_BACKEND");
    int etcd = backend && strcmp(backend, "etcd") == 0;
    if (etcd && !ec_available()) {
        printf("1..0 # SKIP etcd is not installed\n");
        return 0;
    }
    if (own_netns() < 0) {
        printf("1..0 # SKIP cannot make a network namespace (needs root or user namespaces)\n");
        return 0;
    }
    fixture fx;
    if (fx_init(&fx) < 0) {
        tap_ok(0, "fixture");
        return tap_done();
    }
    char err[ROAM_ERR_MAX];
    etcd_cluster ec = { 0 };
    if (etcd) {
        int bare_refused = 0;
        int ok = fx_etcd_start(&fx, &ec, 0, &bare_refused) == 0;
        tap_ok(ok && bare_refused, "one-member etcd cluster");
        if (!ok) {
            fx_done(&fx);
            return tap_done();
        }
    }
    char priv[300], pub[300], epriv[300], epub[300], apub[300];
    fx_path(&fx, "mn.key", priv, sizeof priv);
    fx_path(&fx, "mn.pub", pub, sizeof pub);
    fx_path(&fx, "evil.key", epriv, sizeof epriv);
    fx_path(&fx, "evil.pub", epub, sizeof epub);
    fx_path(&fx, "ims-ack.key", fx.ack_key, sizeof fx.ack_key);
    fx_path(&fx, "ims-ack.pub", apub, sizeof apub);
    fx_path(&fx, "moa.secret", fx.moa_secret, sizeof fx.moa_secret);
    uint8_t raw[IMS_PUBKEY_LEN], eraw[IMS_PUBKEY_LEN], ack_raw[IMS_PUBKEY_LEN];
    int ok = ims_key_generate(priv, pub, err, sizeof err) == 0 &&
             ims_key_generate(epriv, epub, err, sizeof err) == 0 &&
             ims_key_generate(fx.ack_key, apub, err, sizeof err) == 0 &&
             ims_key_load_public(pub, raw, err, sizeof err) == 0 &&
             ims_key_load_public(epub, eraw, err, sizeof err) == 0 &&
             ims_key_load_public(apub, ack_raw, err, sizeof err) == 0;
    EVP_PKEY *key = ims_key_load_private(priv, err, sizeof err);
    EVP_PKEY *evil = ims_key_load_private(epriv, err, sizeof err);
    tap_ok(ok && key && evil, "keys");

    /* The secret: refused while others may read it. */
    int sfd = open(fx.moa_secret, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    uint8_t secret[32];
    for (size_t i = 0; i < sizeof secret; i++)
        secret[i] = (uint8_t)(i * 37 + 11);
    ok = sfd >= 0 && write(sfd, secret, sizeof secret) == (ssize_t)sizeof secret;
    if (sfd >= 0)
        close(sfd);
    ims_token_key tk;
    tap_ok(ok && ims_token_key_load(&tk, fx.moa_secret, 30, err, sizeof err) < 0 &&
               strstr(err, "chmod 600"),
           "a secret readable by others is refused (%s)", err);
    tap_ok(fx_start(&fx, 0) < 0, "... and the server does not start with it");
    fx_stop(&fx);
    tap_ok(chmod(fx.moa_secret, 0600) == 0 &&
               ims_token_key_load(&tk, fx.moa_secret, 30, err, sizeof err) == 0,
           "the secret loads once private");
    /* Hosts A and B, each attesting addresses in its own prefix. */
    char hak[300], hap[300], hbk[300], hbp[300];
    fx_path(&fx, "host-a.key", hak, sizeof hak);
    fx_path(&fx, "host-a.pub", hap, sizeof hap);
    fx_path(&fx, "host-b.key", hbk, sizeof hbk);
    fx_path(&fx, "host-b.pub", hbp, sizeof hbp);
    fx_path(&fx, "attestors", fx.attestors, sizeof fx.attestors);
    FILE *af = NULL;
    ok = ims_key_generate(hak, hap, err, sizeof err) == 0 &&
         ims_key_generate(hbk, hbp, err, sizeof err) == 0 && (af = fopen(fx.attestors, "w")) &&
         fprintf(af, "2001:db8:a::/64 %s\n2001:db8:b::/64 %s\n", hap, hbp) > 0;
    if (af)
        ok = fclose(af) == 0 && ok;
    EVP_PKEY *host_a = ims_key_load_private(hak, err, sizeof err);
    EVP_PKEY *host_b = ims_key_load_private(hbk, err, sizeof err);
    tap_ok(ok && host_a && host_b, "hosts' keys and the attestors file");
    tap_eq(fx_start(&fx, 0), 0, "server with moa_secret on port %s", fx.port);
    tap_ok(ims_store_enroll(fx.store, HOA, raw, err, sizeof err) == 0 &&
               ims_store_enroll(fx.store, HOA2, eraw, err, sizeof err) == 0,
           "two tenants enrolled");

    test_round_trip(&fx, key, ack_raw);
    test_refused(&fx, key, evil, &tk, ack_raw);
    test_accepted(&fx, key, &tk, ack_raw);
    test_tls(&fx, key);
    test_attested(&fx, key, host_a, host_b, ack_raw);

    ims_token_key_clear(&tk);
    EVP_PKEY_free(key);
    EVP_PKEY_free(evil);
    EVP_PKEY_free(host_a);
    EVP_PKEY_free(host_b);
    fx_stop(&fx);
    ec_stop(&ec);
    fx_done(&fx);
    return tap_done();
}
