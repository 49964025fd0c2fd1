/* The network process's worker: the accept loop, one lobby per listener,
 * TLS handshakes without a thread each, and the hand-over of every finished
 * connection to the monitor with a relay of its own (net_proc.h). */
#define _GNU_SOURCE
#include "net_proc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "lobby.h"
#include "log.h"
#include "msg.h"
#include "net_chan.h"
#include "peer_cert.h"

/* The accept loop's state: one lobby per listener, and one epoll set
 * holding both listeners, the monitor's channel and every waiting
 * connection. */
struct loop {
    struct roamd_netd *n;
    int ep;
    struct roamd_lobby lobby[2];   /* [0] clients, [1] peers */
};

/* An epoll event names a listener, the channel, or a lobby entry and its
 * generation. */
#define EV_LISTENER (1ull << 62)
#define EV_PEER (1ull << 61)
#define EV_CTL (1ull << 60)
#define EV_GEN(g) ((uint64_t)((g) & 0x1fffffffu) << 32)

static const char *who(int peer)
{
    return peer ? "peer" : "client";
}

static roam_pool *pool_of(struct roamd_netd *n, int peer)
{
    return peer ? n->peer_pool : n->client_pool;
}

/* The handshake finished but the pool is full: say so (TLS is up now, so
 * the client learns why), then hang up. */
static void refuse_busy(struct roamd_netd *n, roam_tls_conn *c, int peer, const char *addr)
{
    char err[ROAM_ERR_MAX];
    roam_log("refusing %s %s: %d %s sessions running (max_%s_sessions)", who(peer), addr,
             peer ? n->peer_sessions : n->client_sessions, who(peer), who(peer));
    roam_stream s = roam_tls_stream(c);
    (void)roam_msg_send_error(&s, ROAM__V1__PHASE__PHASE_PROTOCOL,
                              "server busy: too many sessions; try again later",
                              n->handshake_ms, err, sizeof err);
    roam_tls_close(c, 500);
}

/* Tell the monitor about a finished connection and give it the other end
 * of a fresh relay socket.  The relay's end, or -1 (c is then closed). */
static int hand_over(struct roamd_netd *n, roam_tls_conn *c, int peer, const char *addr)
{
    struct roamd_net_msg m = { .type = ROAMD_NET_CONN, .kind = peer ? ROAMD_NET_PEER
                                                                     : ROAMD_NET_CLIENT };
    static __thread uint8_t chain[ROAM_PEER_CHAIN_DER_MAX];
    char err[ROAM_ERR_MAX];
    int sv[2] = { -1, -1 };
    m.id = __atomic_add_fetch(&n->next_id, 1, __ATOMIC_RELAXED);
    snprintf(m.addr, sizeof m.addr, "%s", addr);
    if (roam_tls_exporter(c, m.exporter, err, sizeof err) < 0 ||
        (peer && roam_tls_peer_chain_der(c, chain, sizeof chain, &m.chain_len, err,
                                         sizeof err) < 0)) {
        roam_log("%s %s: %s", who(peer), addr, err);
        goto fail;
    }
    m.chain = peer ? chain : NULL;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
        roamd_net_send(n->ctl, &m, sv[1]) < 0) {
        roam_log("%s %s: cannot hand the connection over: %s", who(peer), addr,
                 strerror(errno));
        goto fail;
    }
    close(sv[1]);
    return sv[0];
fail:
    if (sv[0] >= 0) {
        close(sv[0]);
        close(sv[1]);
    }
    roam_tls_abort(c);
    return -1;
}

/* Its handshake finished in the lobby: a session slot, the monitor's end
 * of a relay, and a relay thread. */
static void start_session(struct roamd_netd *n, roam_tls_conn *c, int peer,
                          const struct roamd_waiter *w)
{
    roam_pool *pool = pool_of(n, peer);
    const char *why;
    if (roam_pool_admit(pool, w->key, &why) < 0) {
        /* Not yet promoted: close at once, before any expensive work. */
        roam_log("refusing %s %s: %s", who(peer), w->addr, why);
        roam_tls_abort(c);
        return;
    }
    if (roam_pool_promote(pool, w->key) < 0) {
        refuse_busy(n, c, peer, w->addr);
        roam_pool_release(pool, w->key, 0);
        return;
    }
    struct roamd_net_relay_args a = { .n = n, .c = c, .peer = peer, .pool = pool };
    memcpy(a.key, w->key, sizeof a.key);
    snprintf(a.addr, sizeof a.addr, "%s", w->addr);
    a.fd = hand_over(n, c, peer, w->addr);
    if (a.fd < 0 || roamd_net_relay_start(&a) < 0)
        roam_pool_release(pool, w->key, 1);
}

/* Entry i leaves the lobby; its connection (and its handshake, if begun)
 * closes unless keep. */
static void leave(struct loop *lp, int peer, int i, int keep)
{
    struct roamd_lobby *l = &lp->lobby[peer];
    int fd = l->w[i].fd;
    roam_tls_conn *c = l->w[i].tls;
    (void)epoll_ctl(lp->ep, EPOLL_CTL_DEL, fd, NULL);
    roamd_lobby_remove(l, i);
    if (keep)
        return;
    if (c)
        roam_tls_abort(c);
    else
        close(fd);
}

/* Drive entry i's handshake as far as its bytes allow; a finished one
 * leaves the lobby for a session. */
static void handshake_event(struct loop *lp, int peer, int i)
{
    struct roamd_lobby *l = &lp->lobby[peer];
    char err[ROAM_ERR_MAX];
    int r = roam_tls_handshake_step(l->w[i].tls, NULL, err, sizeof err);
    if (r == 0)
        return;   /* edge-triggered: woken again when it can go on */
    struct roamd_waiter w = l->w[i];
    if (r < 0)
        roam_log("%s %s: TLS handshake: %s", who(peer), w.addr, err);
    leave(lp, peer, i, r > 0);
    if (r > 0)
        start_session(lp->n, w.tls, peer, &w);
}

/* Its ClientHello is whole: its handshake begins here, in the lobby.  At
 * most max_startups FULL handshakes are under way per listener: one more
 * closes the oldest (a client that answers at once finishes within a round
 * trip, so the oldest is one that stalls). */
static void begin_handshake(struct loop *lp, int peer, int i)
{
    struct roamd_netd *n = lp->n;
    struct roamd_lobby *l = &lp->lobby[peer];
    if (l->handshakes >= n->startups.full) {
        int o = roamd_lobby_oldest_handshake(l);
        struct roamd_waiter *w = &l->w[o];
        roam_log("closing %s %s: TLS handshake unfinished after %lld ms: %d handshakes under "
                 "way (max_startups)", who(peer), w->addr,
                 (long long)(roam_now_ms() - w->since), l->handshakes);
        leave(lp, peer, o, 0);
    }
    char err[ROAM_ERR_MAX];
    int one = 1;
    (void)setsockopt(l->w[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    roam_tls_conn *c = roam_tls_accept_begin(peer ? n->peer_tls_server : n->client_tls,
                                             l->w[i].fd, err, sizeof err);
    if (!c) {   /* it closed the fd */
        roam_log("refusing %s %s: TLS: %s", who(peer), l->w[i].addr, err);
        (void)epoll_ctl(lp->ep, EPOLL_CTL_DEL, l->w[i].fd, NULL);
        roamd_lobby_remove(l, i);
        return;
    }
    roamd_lobby_set_tls(l, i, c);
    handshake_event(lp, peer, i);
}

/* New bytes, room to write, or a hang-up (events) on a lobby connection. */
static void lobby_event(struct loop *lp, int peer, int i, uint32_t events)
{
    struct roamd_lobby *l = &lp->lobby[peer];
    if (l->w[i].tls) {
        handshake_event(lp, peer, i);
        return;
    }
    int r = roamd_first_record(l->w[i].fd);
    /* A partial record whose sender has hung up will never be whole (and,
     * edge-triggered, would never be looked at again before its deadline). */
    if (r == 0 && (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
        r = ROAMD_FIRST_CLOSED;
    if (r == 0)
        return;
    if (r > 0) {
        begin_handshake(lp, peer, i);
        return;
    }
    struct roamd_waiter w = l->w[i];
    if (r == ROAMD_FIRST_NOT_TLS) {
        roam_log("refusing %s %s: not a TLS ClientHello", who(peer), w.addr);
        /* Read what came, so that the close is a FIN the sender can tell
         * from a failure, not a reset for unread bytes. */
        char junk[4096];
        (void)recv(w.fd, junk, sizeof junk, MSG_DONTWAIT);
    }
    leave(lp, peer, i, 0);
}

/* Close the lobby's oldest connection, saying why.  0, or -1 when the
 * lobby is empty. */
static int evict_oldest(struct loop *lp, int peer, const char *why)
{
    int i = roamd_lobby_oldest(&lp->lobby[peer]);
    if (i < 0)
        return -1;
    const struct roamd_waiter *w = &lp->lobby[peer].w[i];
    roam_log("closing %s %s: %s after %lld ms: %s", who(peer), w->addr,
             w->tls ? "TLS handshake unfinished" : "no TLS record",
             (long long)(roam_now_ms() - w->since), why);
    leave(lp, peer, i, 0);
    return 0;
}

/* Waiting connections past the handshake deadline. */
static void expire(struct loop *lp, int peer, int64_t now)
{
    struct roamd_lobby *l = &lp->lobby[peer];
    int i;
    while ((i = roamd_lobby_oldest(l)) >= 0 && now - l->w[i].since >= lp->n->handshake_ms)
        (void)evict_oldest(lp, peer, "handshake deadline (handshake_timeout_ms)");
}

/* Shedding step 1 (per source) happens here, before the lobby; a full
 * lobby makes room by closing its oldest connection. */
static void accept_one(struct loop *lp, int lfd, int peer)
{
    struct roamd_netd *n = lp->n;
    struct roamd_lobby *l = &lp->lobby[peer];
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
        /* Out of descriptors: the longest waiter gives its own up, or the
         * listener would stay readable and the loop spin. */
        if ((errno == EMFILE || errno == ENFILE) &&
            evict_oldest(lp, peer, "out of file descriptors") < 0)
            usleep(10000);   /* sessions hold them all: wait for one to end */
        return;
    }
    uint8_t key[ROAM_SOURCE_KEY_LEN];
    char addr[INET6_ADDRSTRLEN + 8];
    roam_source_key((struct sockaddr *)&ss, key);
    if (ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, addr, sizeof addr);
    else if (ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr, sizeof addr);
    else
        strcpy(addr, "unknown");
    if (roamd_lobby_count(l, key) + roam_pool_source_count(pool_of(n, peer), key) >=
        n->max_per_source) {
        roam_log("refusing %s %s: too many connections from this source", who(peer), addr);
        close(fd);
        return;
    }
    if (l->n == l->cap)
        (void)evict_oldest(lp, peer, "the lobby is full (max_waiting)");
    int i = roamd_lobby_add(l, fd, key, addr, roam_now_ms());
    struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
                              .data.u64 = (peer ? EV_PEER : 0) |
                                          EV_GEN(l->w[i].gen) | (uint32_t)i };
    /* Edge-triggered: a slowloris's every byte wakes the loop once, not
     * for as long as its partial record sits unread; EPOLLOUT for a
     * handshake whose flight did not fit the socket's buffer.  Bytes
     * already here are reported by the first epoll_wait. */
    if (epoll_ctl(lp->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
        roam_log("refusing %s %s: epoll: %s", who(peer), addr, strerror(errno));
        roamd_lobby_remove(l, i);
        close(fd);
    }
}

/* A message from the monitor: only dials are asked of a worker.  0, or
 * -1 when the monitor has hung up (the worker ends). */
static int ctl_event(struct loop *lp)
{
    static uint8_t buf[ROAMD_NET_MSG_MAX];
    struct roamd_net_msg m;
    char err[ROAM_ERR_MAX];
    int fd;
    int r = roamd_net_recv(lp->n->ctl, buf, &m, &fd, err, sizeof err);
    if (r == 0)
        return -1;
    if (r < 0)
        roam_log("refusing a request of roamd's privileged side: %s", err);
    else if (m.type != ROAMD_NET_DIAL) {
        roam_log("refusing a request of roamd's privileged side: type %u", m.type);
        if (fd >= 0)
            close(fd);
    } else
        (void)roamd_net_dial_start(lp->n, &m, fd);
    return 0;
}

static int loop_init(struct loop *lp, struct roamd_netd *n)
{
    memset(lp, 0, sizeof *lp);
    lp->n = n;
    lp->lobby[0].head = lp->lobby[1].head = -1;
    lp->ep = epoll_create1(EPOLL_CLOEXEC);
    if (lp->ep < 0 || roamd_lobby_init(&lp->lobby[0], n->max_waiting) < 0 ||
        roamd_lobby_init(&lp->lobby[1], n->max_waiting) < 0)
        return -1;
    struct epoll_event c = { .events = EPOLLIN, .data.u64 = EV_LISTENER },
                       p = { .events = EPOLLIN, .data.u64 = EV_LISTENER | EV_PEER },
                       k = { .events = EPOLLIN, .data.u64 = EV_CTL };
    if (epoll_ctl(lp->ep, EPOLL_CTL_ADD, n->listen_fd, &c) < 0 ||
        epoll_ctl(lp->ep, EPOLL_CTL_ADD, n->peer_fd, &p) < 0 ||
        epoll_ctl(lp->ep, EPOLL_CTL_ADD, n->ctl, &k) < 0)
        return -1;
    return 0;
}

/* Until the next check: no later than the oldest waiting connection's
 * deadline. */
static int wait_ms(struct loop *lp, int64_t now)
{
    int64_t ms = 1000;
    for (int k = 0; k < 2; k++) {
        int i = roamd_lobby_oldest(&lp->lobby[k]);
        if (i >= 0) {
            int64_t left = lp->lobby[k].w[i].since + lp->n->handshake_ms - now;
            ms = left < ms ? (left > 0 ? left : 0) : ms;
        }
    }
    return (int)ms;
}

/* Room for both lobbies' descriptors and the sessions' besides: raise the
 * soft limit towards the hard one. */
static void raise_nofile(const struct roamd_netd *n)
{
    struct rlimit r;
    rlim_t want = (rlim_t)2 * (rlim_t)n->max_waiting + 2 * (rlim_t)n->startups.full +
                  2 * ((rlim_t)n->client_sessions + (rlim_t)n->peer_sessions) + 256;
    if (getrlimit(RLIMIT_NOFILE, &r) < 0 || r.rlim_cur >= want)
        return;
    r.rlim_cur = r.rlim_max == RLIM_INFINITY || r.rlim_max > want ? want : r.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &r) < 0 || r.rlim_cur < want)
        roam_log("warning: %llu file descriptors allowed, %llu wanted for max_waiting; "
                 "the oldest waiting connections are closed when they run out",
                 (unsigned long long)r.rlim_cur, (unsigned long long)want);
}

void roamd_net_serve(struct roamd_netd *n)
{
    struct loop lp;
    char err[ROAM_ERR_MAX];
    raise_nofile(n);
    if (roam_sandbox_apply_profile(ROAM_SANDBOX_NETWORK, n->seccomp, err, sizeof err) < 0) {
        roam_log("network process: %s", err);
        _exit(1);
    }
    if (loop_init(&lp, n) < 0) {
        roam_log("network process: cannot start the accept loop: %s", strerror(errno));
        _exit(1);
    }
    struct roamd_net_msg ready = { .type = ROAMD_NET_READY, .pid = (uint32_t)getpid() };
    if (roamd_net_send(n->ctl, &ready, -1) < 0)
        _exit(1);
    struct epoll_event ev[64];
    for (;;) {
        int k = epoll_wait(lp.ep, ev, 64, wait_ms(&lp, roam_now_ms()));
        if (k < 0 && errno != EINTR)
            break;
        for (int j = 0; j < k; j++) {
            uint64_t u = ev[j].data.u64;
            if (u & EV_CTL) {
                if (ctl_event(&lp) < 0)
                    _exit(0);   /* the monitor is gone: so is every session */
                continue;
            }
            int peer = (u & EV_PEER) != 0;
            if (u & EV_LISTENER) {
                accept_one(&lp, peer ? n->peer_fd : n->listen_fd, peer);
                continue;
            }
            int i = (int)(uint32_t)u;
            struct roamd_lobby *l = &lp.lobby[peer];
            if (i < l->cap && l->w[i].fd >= 0 && EV_GEN(l->w[i].gen) == (u & EV_GEN(~0u)))
                lobby_event(&lp, peer, i, ev[j].events);
        }
        int64_t now = roam_now_ms();
        expire(&lp, 0, now);
        expire(&lp, 1, now);
    }
    _exit(1);
}
