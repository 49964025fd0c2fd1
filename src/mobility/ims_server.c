/* The IMS event loop (see ims_server.h). */
#define _GNU_SOURCE
#include "ims_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "diag.h"
#include "errbuf.h"
#include "framebuf.h"
#include "ims_attest.h"
#include "ims_dgram.h"
#include "ims_msg.h"
#include "ims_sign.h"
#include "ims_token.h"
#include "log.h"
#include "sock.h"
#include "tls.h"

#define PEER_MAX 64

enum { TAG_LISTEN = 1, TAG_STOP = 2, TAG_HANDSHAKE = 3, TAG_UDP = 4, TAG_WATCH = 5 };

/* Store changes taken per wakeup of the change feed. */
#define WATCH_BATCH 64

/* Datagrams handled per wakeup, so a flood cannot starve the connections. */
#define UDP_BATCH 32

/* Challenges sent per second at most: each answers a registration its
 * owner signed, but an owner could sign many naming any addresses. */
#define CHALLENGES_PER_S 200

typedef struct conn {
    roam_tls_conn *tls;
    roam_stream stream;
    int fd;
    int dead;                       /* close after this round */
    int want_out;                   /* EPOLLOUT registered */
    framebuf fb;
    size_t nsubs;
    uint8_t (*subs)[IMS_ADDR_LEN];
    uint64_t *sent;                 /* per subscription: the seq last sent (0: none or
                                     * unknown), so a subscriber is never told an older
                                     * mapping after a newer one, whichever front-end's
                                     * change arrives first */
    int64_t active_ms;              /* last request (or the handshake) */
    uint8_t key[ROAM_SOURCE_KEY_LEN];
    char peer[PEER_MAX];
} conn;

/* A finished handshake, passed from its thread to the loop over a pipe. */
typedef struct hs_result {
    roam_tls_conn *tls;             /* NULL: the handshake failed */
    int fd;
    uint8_t key[ROAM_SOURCE_KEY_LEN];
    char peer[PEER_MAX];
} hs_result;

struct ims_server {
    ims_server_config cfg;
    ims_store *store;
    roam_tls_ctx *tls;
    int listen_fd, stop_fd, ep;
    int udp_fd;                     /* registration datagrams; -1 without ack_key */
    EVP_PKEY *ack_key;
    ims_token_key *tokens;          /* NULL: MoAs are not proven (no moa_secret) */
    ims_attestors attestors;        /* hosts that may attest MoAs (none: n = 0) */
    int64_t chal_sec;               /* the second chal_sent counts */
    int chal_sent;
    int hs_pipe[2];
    int inflight;                   /* handshake threads running */
    roam_pool *pool;                /* handshakes and connections, per source */
    conn **conns;                   /* cfg.max_connections slots */
    int nconns;
};

void ims_server_config_defaults(ims_server_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->port = IMS_DEFAULT_PORT;
    cfg->max_connections = 256;
    cfg->max_startups = (struct roam_startups){ 10, 30, 64 };
    cfg->max_per_source = 32;
    cfg->max_subscriptions = 64;
    cfg->handshake_timeout_ms = 5000;
    cfg->idle_timeout_ms = 120000;
    cfg->output_buffer = 65536;
    cfg->moa_token_epoch_s = 30;
    cfg->challenge_port = IMS_CHALLENGE_PORT;
}

static int ep_add(int ep, int fd, uint32_t events, uint64_t tag)
{
    struct epoll_event ev = { .events = events, .data.u64 = tag };
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* The UDP socket for registration datagrams: the TCP listener's address and
 * port number, so one address and port serve both. */
static int udp_open(ims_server *s, char *err, size_t errlen)
{
    if (!(s->ack_key = ims_key_load_private(s->cfg.ack_key, err, errlen)))
        return -1;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    int v6only = 0;
    socklen_t vl = sizeof v6only;
    if (getsockname(s->listen_fd, (struct sockaddr *)&ss, &sl) < 0)
        return roam_errf(err, errlen, "getsockname: %s", strerror(errno));
    if (ss.ss_family == AF_INET6 &&
        getsockopt(s->listen_fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &vl) < 0)
        return roam_errf(err, errlen, "getsockopt: %s", strerror(errno));
    s->udp_fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s->udp_fd < 0)
        return roam_errf(err, errlen, "UDP socket: %s", strerror(errno));
    if ((ss.ss_family == AF_INET6 &&
         setsockopt(s->udp_fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) < 0) ||
        bind(s->udp_fd, (struct sockaddr *)&ss, sl) < 0)
        return roam_errf(err, errlen, "UDP port %d: %s", ims_server_port(s), strerror(errno));
    if (ep_add(s->ep, s->udp_fd, EPOLLIN, TAG_UDP) < 0)
        return roam_errf(err, errlen, "IMS event loop setup: %s", strerror(errno));
    return 0;
}

ims_server *ims_server_new(const ims_server_config *cfg, ims_store *store,
                           char *err, size_t errlen)
{
    if (cfg->max_connections < 1 || cfg->max_subscriptions < 1 ||
        cfg->output_buffer < IMS_FRAME_MAX + 4 || cfg->handshake_timeout_ms < 1 ||
        cfg->max_per_source < 1 || cfg->idle_timeout_ms < 0 || cfg->max_startups.start < 1 ||
        cfg->max_startups.full < cfg->max_startups.start) {
        roam_errf(err, errlen, "IMS limits out of range (connections, startups, per source, "
                  "subscriptions, output buffer >= %d, handshake and idle timeouts)",
                  IMS_FRAME_MAX + 4);
        return NULL;
    }
    if (cfg->moa_secret && !cfg->ack_key) {
        /* Challenges go out by UDP, and their answers mostly come back so. */
        roam_errf(err, errlen, "[ims] moa_secret needs [ims] ack_key (registration datagrams)");
        return NULL;
    }
    if (cfg->attestors && !cfg->moa_secret) {
        /* Without moa_secret no MoA needs a proof: the list would be a lie. */
        roam_errf(err, errlen, "[ims] attestors needs [ims] moa_secret");
        return NULL;
    }
    if (cfg->challenge_port < 1 || cfg->challenge_port > 65535) {
        roam_errf(err, errlen, "challenge port %d out of range", cfg->challenge_port);
        return NULL;
    }
    ims_server *s = calloc(1, sizeof *s);
    if (!s) {
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    s->cfg = *cfg;
    s->store = store;
    s->listen_fd = s->stop_fd = s->ep = s->hs_pipe[0] = s->hs_pipe[1] = s->udp_fd = -1;
    s->conns = calloc((size_t)cfg->max_connections, sizeof *s->conns);
    struct roam_pool_limits pl = { .startups = cfg->max_startups,
                                   .sessions = cfg->max_connections,
                                   .per_source = cfg->max_per_source,
                                   .per_source_sessions = 1 };
    s->pool = roam_pool_new(&pl);
    if (!s->conns || !s->pool) {
        roam_errf(err, errlen, "out of memory");
        goto fail;
    }
    s->tls = roam_tls_server_ctx(cfg->cert, cfg->key, cfg->client_ca, err, errlen);
    if (!s->tls)
        goto fail;
    const char *host = cfg->listen && *cfg->listen ? cfg->listen : NULL;
    s->listen_fd = roam_tcp_listen(host, cfg->port, 64, err, errlen);
    if (s->listen_fd < 0)
        goto fail;
    int fl = fcntl(s->listen_fd, F_GETFL);
    s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    s->ep = epoll_create1(EPOLL_CLOEXEC);
    if (fl < 0 || fcntl(s->listen_fd, F_SETFL, fl | O_NONBLOCK) < 0 || s->stop_fd < 0 ||
        s->ep < 0 || pipe2(s->hs_pipe, O_CLOEXEC) < 0 ||
        ep_add(s->ep, s->listen_fd, EPOLLIN, TAG_LISTEN) < 0 ||
        ep_add(s->ep, s->stop_fd, EPOLLIN, TAG_STOP) < 0 ||
        ep_add(s->ep, s->hs_pipe[0], EPOLLIN, TAG_HANDSHAKE) < 0) {
        roam_errf(err, errlen, "IMS event loop setup: %s", strerror(errno));
        goto fail;
    }
    if (cfg->ack_key && udp_open(s, err, errlen) < 0)
        goto fail;
    if (cfg->moa_secret) {
        if (!(s->tokens = malloc(sizeof *s->tokens))) {
            roam_errf(err, errlen, "out of memory");
            goto fail;
        }
        if (ims_token_key_load(s->tokens, cfg->moa_secret, cfg->moa_token_epoch_s, err,
                               errlen) < 0)
            goto fail;
    }
    if (cfg->attestors) {
        roam_diag d = roam_diag_first(err, errlen);
        if (ims_attestors_load(&s->attestors, cfg->attestors, &d) < 0)
            goto fail;
        roam_log("%zu attestor line(s) from %s", s->attestors.n, cfg->attestors);
    }
    /* Changes other front-ends commit reach our subscribers through the
     * store's change feed (none with SQLite: we are its only server). */
    if (ims_store_watch_start(store, err, errlen) < 0)
        goto fail;
    if (ims_store_watch_fd(store) >= 0 &&
        ep_add(s->ep, ims_store_watch_fd(store), EPOLLIN, TAG_WATCH) < 0) {
        roam_errf(err, errlen, "IMS event loop setup: %s", strerror(errno));
        goto fail;
    }
    return s;
fail:
    ims_server_free(s);
    return NULL;
}

int ims_server_port(const ims_server *s)
{
    return roam_sock_port(s->listen_fd);
}

void ims_server_stop(ims_server *s)
{
    uint64_t one = 1;
    ssize_t r = write(s->stop_fd, &one, sizeof one);
    (void)r;   /* the counter cannot overflow in practice; nothing else to do */
}

/* ---- connections ---- */

static void conn_close(ims_server *s, conn *c)
{
    for (int i = 0; i < s->cfg.max_connections; i++)
        if (s->conns[i] == c) {
            s->conns[i] = NULL;
            s->nconns--;
            break;
        }
    epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
    roam_pool_release(s->pool, c->key, 1);
    roam_debug("connection from %s closed", c->peer);
    roam_tls_close(c->tls, 0);
    fb_free(&c->fb);
    free(c->subs);
    free(c->sent);
    free(c);
}

/* Queue one message; a connection whose output stays full is dropped (a
 * subscriber that stopped reading must not make us buffer without end). */
static void conn_send(conn *c, ims_message *m)
{
    uint8_t *where;
    size_t room = fb_space(&c->fb, &where);
    char err[ROAM_ERR_MAX];
    size_t n = ims_msg_frame(m, where, room, err, sizeof err);
    if (n == 0) {
        roam_log("dropping %s: %s", c->peer, err);
        c->dead = 1;
        return;
    }
    fb_commit(&c->fb, n);
}

static void send_error(conn *c, uint64_t id, Roam__Ims__V1__ErrorCode code, uint64_t current,
                       const char *text)
{
    Roam__Ims__V1__Error e = ROAM__IMS__V1__ERROR__INIT;
    char msg[IMS_ERRMSG_MAX + 1];
    ims_sanitize(text, msg, sizeof msg);
    e.code = code;
    e.message = msg;
    e.current_seq = current;
    ims_message m = ROAM__IMS__V1__MESSAGE__INIT;
    m.id = id;
    m.body_case = ROAM__IMS__V1__MESSAGE__BODY_ERROR;
    m.error = &e;
    conn_send(c, &m);
}

static void send_mapping(conn *c, uint64_t id, const ims_mapping *map, int known)
{
    ims_pb_mapping v;
    ims_pb_mapping_set(&v, map, known);
    ims_message m = ROAM__IMS__V1__MESSAGE__INIT;
    m.id = id;
    m.body_case = ROAM__IMS__V1__MESSAGE__BODY_MAPPING;
    m.mapping = &v.m;
    conn_send(c, &m);
}

static void send_ack(conn *c, uint64_t id, uint64_t seq)
{
    Roam__Ims__V1__Ack a = ROAM__IMS__V1__ACK__INIT;
    a.seq = seq;
    ims_message m = ROAM__IMS__V1__MESSAGE__INIT;
    m.id = id;
    m.body_case = ROAM__IMS__V1__MESSAGE__BODY_ACK;
    m.ack = &a;
    conn_send(c, &m);
}

static void conn_flush(ims_server *s, conn *c)
{
    if (c->dead)
        return;
    char err[ROAM_ERR_MAX];
    int r = fb_flush(&c->fb, &c->stream, err, sizeof err);
    if (r < 0) {
        roam_debug("write to %s failed: %s", c->peer, err);
        c->dead = 1;
        return;
    }
    if ((r == 1) != c->want_out) {
        c->want_out = r == 1;
        struct epoll_event ev = { .events = EPOLLIN | (c->want_out ? EPOLLOUT : 0),
                                  .data.ptr = c };
        if (epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev) < 0)
            c->dead = 1;
    }
}

/* The subscription's index, or -1. */
static int sub_index(const conn *c, const uint8_t hoa[IMS_ADDR_LEN])
{
    for (size_t i = 0; i < c->nsubs; i++)
        if (memcmp(c->subs[i], hoa, IMS_ADDR_LEN) == 0)
            return (int)i;
    return -1;
}

static int subscribed(const conn *c, const uint8_t hoa[IMS_ADDR_LEN])
{
    return sub_index(c, hoa) >= 0;
}

/* Send m (known or not) to c if it subscribed and it is news: a newer
 * sequence number than the last one sent, or the end of a known mapping.
 * 1 if sent. */
static int send_if_news(ims_server *s, conn *c, const ims_mapping *m, int known)
{
    int k = c->dead ? -1 : sub_index(c, m->hoa);
    if (k < 0 || (known ? m->seq <= c->sent[k] : c->sent[k] == 0))
        return 0;
    c->sent[k] = known ? m->seq : 0;
    send_mapping(c, 0, m, known);
    conn_flush(s, c);
    return 1;
}

/* from_feed: the store's change feed told us (a change this front-end
 * usually pushed already when it committed it: logged only if news). */
static void push_change(ims_server *s, const ims_mapping *m, int known, int from_feed)
{
    char a[INET6_ADDRSTRLEN];
    int n = 0;
    for (int i = 0; i < s->cfg.max_connections; i++)
        if (s->conns[i])
            n += send_if_news(s, s->conns[i], m, known);
    if (n || !from_feed)
        roam_log("%s seq %llu %s to %d subscriber(s)", ims_addr_str(m->hoa, a, sizeof a),
                 (unsigned long long)m->seq, known ? "pushed" : "revoked: pushed", n);
}

static void push(ims_server *s, const ims_mapping *m)
{
    push_change(s, m, 1, 0);
}

/* ---- requests ---- */

/* 1 if cur binds moa: the HoA proved it when it registered it. */
static int holds(const ims_mapping *cur, const uint8_t moa[IMS_ADDR_LEN])
{
    for (size_t i = 0; i < cur->n; i++)
        if (memcmp(cur->b[i].moa, moa, IMS_ADDR_LEN) == 0)
            return 1;
    return 0;
}

/* 1 if r carries moa's token. */
static int has_token(const ims_server *s, const Roam__Ims__V1__Register *r,
                     const uint8_t moa[IMS_ADDR_LEN], int64_t now_s)
{
    for (size_t i = 0; i < r->n_moa_tokens; i++)
        if (ims_token_check(s->tokens, r->hoa.data, moa, r->seq, now_s, r->moa_tokens[i].data,
                            r->moa_tokens[i].len))
            return 1;
    return 0;
}

/* Send moa the token of registration (hoa, seq): to from (where the
 * registration datagram came from) if that is moa itself, so the socket
 * that sent it hears the answer; else to moa's challenge port. */
static void challenge(ims_server *s, const uint8_t hoa[IMS_ADDR_LEN], uint64_t seq,
                      const uint8_t moa[IMS_ADDR_LEN], const struct sockaddr_storage *from,
                      int64_t now_s)
{
    char a[INET6_ADDRSTRLEN], err[ROAM_ERR_MAX];
    ims_addr_str(moa, a, sizeof a);
    if (now_s != s->chal_sec) {
        s->chal_sec = now_s;
        s->chal_sent = 0;
    }
    if (s->chal_sent >= CHALLENGES_PER_S) {
        if (s->chal_sent++ == CHALLENGES_PER_S)   /* one line per second is enough */
            roam_log("no more challenges this second (%d sent), none to %s", CHALLENGES_PER_S, a);
        return;
    }
    struct sockaddr_in6 to = { .sin6_family = AF_INET6,
                               .sin6_port = htons((uint16_t)s->cfg.challenge_port) };
    memcpy(&to.sin6_addr, moa, IMS_ADDR_LEN);
    if (from && from->ss_family == AF_INET6 &&
        memcmp(&((const struct sockaddr_in6 *)from)->sin6_addr, moa, IMS_ADDR_LEN) == 0)
        to = *(const struct sockaddr_in6 *)from;
    uint8_t tok[IMS_TOKEN_LEN], out[IMS_DGRAM_MAX];
    size_t len = 0;
    if (ims_token_make(s->tokens, hoa, moa, seq, now_s, tok) == 0)
        len = ims_dgram_challenge(hoa, seq, moa, tok, out, err, sizeof err);
    else
        roam_errf(err, sizeof err, "cannot compute the token");
    if (len == 0)
        roam_log("no challenge to %s: %s", a, err);
    else if (sendto(s->udp_fd, out, len, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof to) < 0)
        roam_log("challenge to [%s]:%d not sent: %s", a, ntohs(to.sin6_port), strerror(errno));
    else {
        s->chal_sent++;
        roam_debug("challenge for seq %llu sent to [%s]:%d", (unsigned long long)seq, a,
                   ntohs(to.sin6_port));
    }
}

/* With moa_secret: every MoA of m (registration r, its sequence number
 * above cur's) that cur does not bind needs its token in r, or an
 * attestation by a host whose prefix holds it.  0 if all have one; else
 * -1, after a challenge to each MoA without one (unless over the rate
 * limit): a refused attestation is answered as a missing one. */
static int moas_proven(ims_server *s, const char *peer, const Roam__Ims__V1__Register *r,
                       const ims_mapping *cur, const ims_mapping *m,
                       const struct sockaddr_storage *from)
{
    if (!s->tokens || m->seq <= cur->seq)
        return 0;   /* a stale or repeated registration is answered as such */
    int64_t now_s = (int64_t)time(NULL);
    int missing = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (holds(cur, m->b[i].moa) || has_token(s, r, m->b[i].moa, now_s))
            continue;
        char h[INET6_ADDRSTRLEN], a[INET6_ADDRSTRLEN];
        const char *att = NULL;
        if (ims_attest_check(&s->attestors, r, m->b[i].moa, now_s, &att) == 1) {
            roam_debug("%s seq %llu: mobile address %s attested by its host",
                       ims_addr_str(m->hoa, h, sizeof h), (unsigned long long)m->seq,
                       ims_addr_str(m->b[i].moa, a, sizeof a));
            continue;
        }
        roam_log("REFUSED registration for %s seq %llu from %s: mobile address %s not proven "
                 "(%s%s%s)", ims_addr_str(m->hoa, h, sizeof h), (unsigned long long)m->seq, peer,
                 ims_addr_str(m->b[i].moa, a, sizeof a),
                 r->n_moa_tokens ? "no valid token: forged, expired or for another registration"
                                 : "no token yet",
                 att ? "; " : "", att ? att : "");
        challenge(s, m->hoa, m->seq, m->b[i].moa, from, now_s);
        missing++;
    }
    return missing ? -1 : 0;
}

/* Verify and store registration r from peer (logged as REFUSED if refused;
 * from: the datagram's source, NULL over TLS).  1: stored, *m is it.  2
 * (only if repeat_ok): the very registration stored already (same sequence
 * number and bindings: a retransmitted datagram whose ack was lost).  0:
 * refused, *code, *current and *text say why. */
static int register_apply(ims_server *s, const char *peer, const Roam__Ims__V1__Register *r,
                          const struct sockaddr_storage *from, int repeat_ok, ims_mapping *m,
                          Roam__Ims__V1__ErrorCode *code, uint64_t *current, const char **text)
{
    char a[INET6_ADDRSTRLEN], err[ROAM_ERR_MAX];
    ims_mapping cur;
    uint8_t pub[IMS_PUBKEY_LEN];
    *current = 0;
    ims_addr_str(r->hoa.data, a, sizeof a);
    int found = ims_store_get(s->store, r->hoa.data, &cur, pub, err, sizeof err);
    if (found < 0) {
        roam_log("registration for %s from %s: %s", a, peer, err);
        *code = ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_INTERNAL;
        *text = "storage failure";
        return 0;
    }
    if (found == 0) {
        roam_log("REFUSED registration for unknown home address %s from %s", a, peer);
        *code = ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_UNKNOWN_HOA;
        *text = "home address not enrolled";
        return 0;
    }
    memset(m, 0, sizeof *m);
    memcpy(m->hoa, r->hoa.data, IMS_ADDR_LEN);
    m->seq = r->seq;
    m->n = r->n_bindings;
    ims_bindings_from_pb(r->bindings, m->n, m->b);
    int v = ims_verify_register(pub, m->hoa, m->seq, m->b, m->n, r->signature.data, err, sizeof err);
    if (v != 1) {
        roam_log("REFUSED registration for %s from %s: %s", a, peer,
                v < 0 ? err : "bad signature (forged or wrong key)");
        *code = v < 0 ? ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_INTERNAL
                      : ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_BAD_SIGNATURE;
        *text = v < 0 ? "cannot verify" : "bad signature";
        return 0;
    }
    if (moas_proven(s, peer, r, &cur, m, from) < 0) {
        *code = ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_MOA_UNVERIFIED;
        *text = "a new mobile address is not proven: its token was sent to it";
        return 0;
    }
    uint64_t stored = 0;
    int rc = ims_store_update(s->store, m, &stored, err, sizeof err);
    if (rc == 1) {
        /* One loop, so nothing changed the HoA since cur was read. */
        if (repeat_ok && stored == m->seq && cur.seq == stored && cur.n == m->n &&
            memcmp(cur.b, m->b, m->n * sizeof m->b[0]) == 0)
            return 2;
        roam_log("REFUSED registration for %s from %s: sequence %llu not above %llu (replay?)",
                a, peer, (unsigned long long)m->seq, (unsigned long long)stored);
        *code = ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_STALE_SEQ;
        *current = stored;
        *text = "sequence number not above the stored one";
        return 0;
    }
    if (rc == 2) {
        roam_log("REFUSED registration for %s from %s: %s", a, peer, err);
        *code = ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_MOA_IN_USE;
        *text = "mobile address bound to another home address";
        return 0;
    }
    if (rc < 0) {
        roam_log("registration for %s from %s not stored: %s", a, peer, err);
        *code = ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_INTERNAL;
        *text = "storage failure";
        return 0;
    }
    int act = ims_mapping_active(m);
    char moa[INET6_ADDRSTRLEN] = "none";
    if (act >= 0)
        ims_addr_str(m->b[act].moa, moa, sizeof moa);
    roam_log("registered %s seq %llu: %zu address(es), active %s (from %s)", a,
            (unsigned long long)m->seq, m->n, moa, peer);
    return 1;
}

static void on_register(ims_server *s, conn *c, uint64_t id, const Roam__Ims__V1__Register *r)
{
    ims_mapping m;
    Roam__Ims__V1__ErrorCode code;
    uint64_t current;
    const char *text;
    /* Over TLS nothing is retransmitted: a repeat is a replay. */
    if (register_apply(s, c->peer, r, NULL, 0, &m, &code, &current, &text) == 0) {
        send_error(c, id, code, current, text);
        return;
    }
    send_ack(c, id, m.seq);   /* only now: the update is committed */
    push(s, &m);
}

/* Answer with hoa's mapping: 1 known, 0 not, -1 storage failure (the
 * answer is an Error then). */
static int on_query(ims_server *s, conn *c, uint64_t id, const uint8_t hoa[IMS_ADDR_LEN],
                    ims_mapping *m)
{
    char err[ROAM_ERR_MAX];
    int found = ims_store_get(s->store, hoa, m, NULL, err, sizeof err);
    if (found < 0) {
        roam_log("query from %s: %s", c->peer, err);
        send_error(c, id, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_INTERNAL, 0, "storage failure");
        return -1;
    }
    if (!found) {
        memset(m, 0, sizeof *m);
        memcpy(m->hoa, hoa, IMS_ADDR_LEN);
    }
    send_mapping(c, id, m, found);
    return found;
}

static void on_subscribe(ims_server *s, conn *c, uint64_t id, const Roam__Ims__V1__Subscribe *sub)
{
    size_t fresh = 0;
    for (size_t i = 0; i < sub->n_hoas; i++)
        if (!subscribed(c, sub->hoas[i].data))
            fresh++;   /* duplicates inside one request are counted twice: harmless */
    if (c->nsubs + fresh > (size_t)s->cfg.max_subscriptions) {
        send_error(c, id, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_LIMIT, 0,
                   "too many subscriptions on this connection");
        return;
    }
    for (size_t i = 0; i < sub->n_hoas; i++) {
        int k = sub_index(c, sub->hoas[i].data);
        if (k < 0) {
            k = (int)c->nsubs++;
            memcpy(c->subs[k], sub->hoas[i].data, IMS_ADDR_LEN);
        }
        ims_mapping m;
        int found = on_query(s, c, id, sub->hoas[i].data, &m);
        if (found >= 0)
            c->sent[k] = found ? m.seq : 0;
    }
    send_ack(c, id, 0);
}

static void on_frame(ims_server *s, conn *c, const uint8_t *buf, size_t len)
{
    ims_message *m;
    char err[ROAM_ERR_MAX];
    c->active_ms = roam_now_ms();
    if (ims_msg_decode(buf, len, &m, err, sizeof err) < 0) {
        roam_log("bad message from %s: %s", c->peer, err);
        send_error(c, 0, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_BAD_MESSAGE, 0, err);
        return;
    }
    switch (m->body_case) {
    case ROAM__IMS__V1__MESSAGE__BODY_REGISTER:
        on_register(s, c, m->id, m->register_);
        break;
    case ROAM__IMS__V1__MESSAGE__BODY_QUERY:
    case ROAM__IMS__V1__MESSAGE__BODY_SUBSCRIBE:
        /* Mappings say where a tenant's VM is: only callers with a
         * certificate of the client CA may ask (registrations carry
         * their owner's signature instead). */
        if (!s->cfg.client_ca && !s->cfg.open_queries) {
            roam_log("REFUSED %s from %s: no client certificate ([ims] client_ca unset)",
                    ims_msg_body_name(m), c->peer);
            send_error(c, m->id, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED, 0,
                       "queries and subscriptions need a client certificate");
            break;
        }
        if (m->body_case == ROAM__IMS__V1__MESSAGE__BODY_SUBSCRIBE) {
            on_subscribe(s, c, m->id, m->subscribe);
            break;
        }
        ims_mapping map;
        on_query(s, c, m->id, m->query->hoa.data, &map);
        break;
    default:
        send_error(c, m->id, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_BAD_MESSAGE, 0,
                   "not a request");
        break;
    }
    ims_msg_free(m);
}

static void conn_readable(ims_server *s, conn *c)
{
    char err[ROAM_ERR_MAX];
    int r;
    do {
        r = fb_fill(&c->fb, &c->stream, err, sizeof err);
        const uint8_t *p;
        size_t n;
        int k;
        while (!c->dead && (k = fb_next(&c->fb, &p, &n, err, sizeof err)) != 0) {
            if (k < 0) {   /* framing lost: say why, then hang up */
                roam_log("bad frame from %s: %s", c->peer, err);
                send_error(c, 0, ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_BAD_MESSAGE, 0, err);
                conn_flush(s, c);
                c->dead = 1;
                break;
            }
            on_frame(s, c, p, n);
        }
    } while (r == FB_FULL && !c->dead);
    if (r == FB_ERROR)
        roam_debug("read from %s failed: %s", c->peer, err);
    if (r == FB_ERROR || r == FB_EOF)
        c->dead = 1;
    conn_flush(s, c);
}

/* ---- accepting ---- */

typedef struct hs_job {
    ims_server *s;
    int fd;
    uint8_t key[ROAM_SOURCE_KEY_LEN];
    char peer[PEER_MAX];
} hs_job;

static void *hs_thread(void *arg)
{
    hs_job *j = arg;
    char err[ROAM_ERR_MAX];
    hs_result r = { .fd = j->fd };
    memcpy(r.peer, j->peer, PEER_MAX);
    memcpy(r.key, j->key, ROAM_SOURCE_KEY_LEN);
    r.tls = roam_tls_accept(j->s->tls, j->fd, j->s->cfg.handshake_timeout_ms, err, sizeof err);
    if (!r.tls)
        roam_log("TLS handshake with %s failed: %s", j->peer, err);
    /* The loop reads whole records: a pipe write of <= PIPE_BUF is atomic. */
    hs_result *out = malloc(sizeof *out);
    if (out)
        *out = r;
    else
        roam_tls_close(r.tls, 0);
    if (write(j->s->hs_pipe[1], &out, sizeof out) != sizeof out) {
        /* The loop would wait for this thread forever: nothing sane left. */
        abort();
    }
    free(j);
    return NULL;
}

static void sockaddr_name(const struct sockaddr_storage *ss, char *out, size_t len)
{
    char a[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a);
        port = ntohs(s6->sin6_port);
    } else if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &s4->sin_addr, a, sizeof a);
        port = ntohs(s4->sin_port);
    }
    snprintf(out, len, "[%s]:%d", a, port);
}

/* Registration datagrams: the same checks and store as over TLS; only a
 * stored (or already stored) registration gets an answer, a signed Ack.
 * Refusals stay unanswered: an unauthenticated error could not be trusted
 * by the mobile node anyway, which falls back to TLS to learn the reason. */
static void on_udp(ims_server *s)
{
    for (int i = 0; i < UDP_BATCH; i++) {
        uint8_t buf[IMS_DGRAM_MAX + 1];
        struct sockaddr_storage from;
        socklen_t fl = sizeof from;
        /* MSG_TRUNC: the real length, so an oversize datagram is refused
         * rather than parsed cut short. */
        ssize_t n = recvfrom(s->udp_fd, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC,
                             (struct sockaddr *)&from, &fl);
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                roam_log("UDP receive: %s", strerror(errno));
            return;
        }
        char peer[PEER_MAX], err[ROAM_ERR_MAX];
        sockaddr_name(&from, peer, sizeof peer);
        ims_message *m;
        if (ims_dgram_decode(buf, (size_t)n, &m, err, sizeof err) < 0) {
            roam_log("REFUSED datagram from %s: %s", peer, err);
            continue;
        }
        if (m->body_case != ROAM__IMS__V1__MESSAGE__BODY_REGISTER) {
            roam_log("REFUSED %s datagram from %s: only registrations come by UDP",
                    ims_msg_body_name(m), peer);
            ims_msg_free(m);
            continue;
        }
        ims_mapping reg;
        Roam__Ims__V1__ErrorCode code;
        uint64_t current;
        const char *text;
        int rc = register_apply(s, peer, m->register_, &from, 1, &reg, &code, &current, &text);
        ims_msg_free(m);
        if (rc == 0)
            continue;
        uint8_t out[IMS_DGRAM_MAX];
        size_t len = ims_dgram_ack(s->ack_key, &reg, out, err, sizeof err);
        if (len == 0)
            roam_log("no ack to %s: %s", peer, err);
        else if (sendto(s->udp_fd, out, len, MSG_DONTWAIT, (struct sockaddr *)&from, fl) < 0)
            roam_log("ack to %s not sent: %s", peer, strerror(errno));
        else if (rc == 2)
            roam_log("seq %llu acknowledged again to %s (retransmission)",
                    (unsigned long long)reg.seq, peer);
        if (rc == 1)
            push(s, &reg);
    }
}

static void keepalive(int fd)
{
    /* Subscribers stay idle for hours: let TCP find the ones that vanished. */
    int on = 1, idle = 60, intvl = 10, cnt = 3;
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
}

static void on_listen(ims_server *s)
{
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        int fd = accept4(s->listen_fd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                roam_log("accept: %s", strerror(errno));
            return;
        }
        hs_job *j = malloc(sizeof *j);
        if (!j) {
            close(fd);
            continue;
        }
        j->s = s;
        j->fd = fd;
        sockaddr_name(&ss, j->peer, sizeof j->peer);
        roam_source_key((struct sockaddr *)&ss, j->key);
        const char *why;
        if (roam_pool_admit(s->pool, j->key, &why) < 0) {
            roam_log("refusing %s: %s", j->peer, why);
            close(fd);
            free(j);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        keepalive(fd);
        pthread_t t;
        pthread_attr_t at;
        int ok = pthread_attr_init(&at) == 0;
        ok = ok && pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED) == 0 &&
             pthread_create(&t, &at, hs_thread, j) == 0;
        pthread_attr_destroy(&at);
        if (!ok) {
            roam_log("refusing %s: cannot start a handshake thread", j->peer);
            roam_pool_release(s->pool, j->key, 0);
            close(fd);
            free(j);
            continue;
        }
        s->inflight++;
    }
}

static int hs_collect(ims_server *s, hs_result **out)
{
    ssize_t n;
    do
        n = read(s->hs_pipe[0], out, sizeof *out);
    while (n < 0 && errno == EINTR);
    if (n != sizeof *out)
        return -1;
    s->inflight--;
    return 0;
}

static void on_handshake(ims_server *s)
{
    hs_result *r;
    if (hs_collect(s, &r) < 0 || !r)
        return;
    if (!r->tls) {
        roam_pool_release(s->pool, r->key, 0);
        free(r);
        return;
    }
    if (roam_pool_promote(s->pool, r->key) < 0) {
        /* Established connections are never shed for a newcomer. */
        roam_log("refusing %s: %d connections already (max_connections)", r->peer,
                 s->cfg.max_connections);
        roam_pool_release(s->pool, r->key, 0);
        roam_tls_close(r->tls, 0);
        free(r);
        return;
    }
    conn *c = calloc(1, sizeof *c);
    int slot = -1;
    for (int i = 0; i < s->cfg.max_connections && slot < 0; i++)
        if (!s->conns[i])
            slot = i;
    if (!c || slot < 0 ||
        !(c->subs = calloc((size_t)s->cfg.max_subscriptions, IMS_ADDR_LEN)) ||
        !(c->sent = calloc((size_t)s->cfg.max_subscriptions, sizeof *c->sent)) ||
        fb_init(&c->fb, IMS_FRAME_MAX, s->cfg.output_buffer) < 0) {
        roam_log("dropping %s: out of memory", r->peer);
        roam_pool_release(s->pool, r->key, 1);
        if (c) {
            free(c->subs);
            free(c->sent);
            free(c);
        }
        roam_tls_close(r->tls, 0);
        free(r);
        return;
    }
    c->tls = r->tls;
    c->fd = r->fd;
    c->stream = roam_tls_stream(c->tls);
    c->active_ms = roam_now_ms();
    memcpy(c->peer, r->peer, PEER_MAX);
    memcpy(c->key, r->key, ROAM_SOURCE_KEY_LEN);
    free(r);
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
    if (epoll_ctl(s->ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
        roam_log("dropping %s: epoll: %s", c->peer, strerror(errno));
        roam_pool_release(s->pool, c->key, 1);
        roam_tls_close(c->tls, 0);
        fb_free(&c->fb);
        free(c->subs);
        free(c->sent);
        free(c);
        return;
    }
    s->conns[slot] = c;
    s->nconns++;
    roam_debug("connection from %s", c->peer);
    /* The handshake may have read the client's first request already. */
    conn_readable(s, c);
    if (c->dead)
        conn_close(s, c);
}

/* Every subscription of every connection read again and sent if news:
 * the change feed lost changes (history compacted, or we fell behind). */
static void resync(ims_server *s)
{
    int n = 0;
    char err[ROAM_ERR_MAX], a[INET6_ADDRSTRLEN];
    for (int i = 0; i < s->cfg.max_connections; i++) {
        conn *c = s->conns[i];
        for (size_t k = 0; c && !c->dead && k < c->nsubs; k++) {
            ims_mapping m;
            int found = ims_store_get(s->store, c->subs[k], &m, NULL, err, sizeof err);
            if (found < 0) {
                /* Its subscriber cannot be kept right: let it reconnect
                 * and subscribe again, which reads everything afresh. */
                roam_log("re-reading %s for %s: %s; dropping the connection",
                         ims_addr_str(c->subs[k], a, sizeof a), c->peer, err);
                c->dead = 1;
                break;
            }
            if (!found) {
                memset(&m, 0, sizeof m);
                memcpy(m.hoa, c->subs[k], IMS_ADDR_LEN);
            }
            n += send_if_news(s, c, &m, found);
        }
    }
    roam_log("changes were lost by the store's change feed: re-read every subscription, "
             "%d update(s) pushed", n);
}

static void on_watch(ims_server *s)
{
    ims_change ch[WATCH_BATCH];
    int lost;
    size_t n = ims_store_watch_take(s->store, ch, WATCH_BATCH, &lost);
    roam_debug("change feed: %zu change(s)%s", n, lost ? ", some lost" : "");
    if (lost)
        resync(s);
    for (size_t i = 0; i < n; i++)
        push_change(s, &ch[i].m, ch[i].known, 1);
}

/* Close connections that hold no subscription and asked nothing for
 * idle_timeout_ms: they only take a place.  A subscriber waits for pushes
 * by design (TCP keepalive finds the ones that vanished). */
static void close_idle(ims_server *s)
{
    if (s->cfg.idle_timeout_ms <= 0)
        return;
    int64_t now = roam_now_ms();
    for (int i = 0; i < s->cfg.max_connections; i++) {
        conn *c = s->conns[i];
        if (c && !c->dead && c->nsubs == 0 && now - c->active_ms >= s->cfg.idle_timeout_ms) {
            roam_log("closing %s: idle for %d ms without a subscription", c->peer,
                     s->cfg.idle_timeout_ms);
            c->dead = 1;
        }
    }
}

/* How long the loop may sleep: idle connections are looked at a few times
 * per timeout, so one is closed at most a quarter late. */
static int wait_ms(const ims_server *s)
{
    int t = s->cfg.idle_timeout_ms;
    if (t <= 0)
        return -1;
    return t / 4 > 1000 ? 1000 : t / 4 > 10 ? t / 4 : 10;
}

int ims_server_run(ims_server *s, char *err, size_t errlen)
{
    struct epoll_event evs[64];
    for (;;) {
        int n = epoll_wait(s->ep, evs, 64, wait_ms(s));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return roam_errf(err, errlen, "epoll_wait: %s", strerror(errno));
        }
        for (int i = 0; i < n; i++) {
            uint64_t tag = evs[i].data.u64;
            if (tag == TAG_STOP)
                return 0;
            if (tag == TAG_LISTEN) {
                on_listen(s);
                continue;
            }
            if (tag == TAG_HANDSHAKE) {
                on_handshake(s);
                continue;
            }
            if (tag == TAG_UDP) {
                on_udp(s);
                continue;
            }
            if (tag == TAG_WATCH) {
                on_watch(s);
                continue;
            }
            conn *c = evs[i].data.ptr;
            if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                conn_readable(s, c);
            else if (evs[i].events & EPOLLOUT)
                conn_flush(s, c);
        }
        close_idle(s);
        /* Close after the whole batch: a push may have marked another
         * connection dead whose event is still in evs. */
        for (int i = 0; i < s->cfg.max_connections; i++)
            if (s->conns[i] && s->conns[i]->dead)
                conn_close(s, s->conns[i]);
    }
}

void ims_server_free(ims_server *s)
{
    if (!s)
        return;
    /* Handshake threads use s: wait for each (bounded by the timeout). */
    while (s->inflight > 0) {
        hs_result *r;
        if (hs_collect(s, &r) < 0)
            break;
        if (r) {
            roam_pool_release(s->pool, r->key, 0);
            roam_tls_close(r->tls, 0);
            free(r);
        }
    }
    if (s->conns)
        for (int i = 0; i < s->cfg.max_connections; i++)
            if (s->conns[i])
                conn_close(s, s->conns[i]);
    free(s->conns);
    roam_pool_free(s->pool);
    roam_tls_ctx_free(s->tls);
    EVP_PKEY_free(s->ack_key);
    if (s->tokens) {
        ims_token_key_clear(s->tokens);
        free(s->tokens);
    }
    ims_attestors_free(&s->attestors);
    int fds[] = { s->listen_fd, s->stop_fd, s->ep, s->hs_pipe[0], s->hs_pipe[1], s->udp_fd };
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(s);
}
