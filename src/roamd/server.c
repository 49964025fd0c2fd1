/* roamd's accept loop and session threads (see server.h). */
#define _GNU_SOURCE
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client_session.h"
#include "deadline.h"
#include "errbuf.h"
#include "base_image.h"
#include "hook_server.h"
#include "lobby.h"
#include "msg.h"
#include "peer_server.h"

struct job {
    struct roamd *d;
    roam_tls_conn *c;   /* its handshake done */
    int fd;
    int peer;
    uint8_t key[ROAM_SOURCE_KEY_LEN];
    char addr[INET6_ADDRSTRLEN + 8];
};

/* The accept loop's state: one lobby per listener (lobby.h), and one epoll
 * set holding both listeners and every waiting connection. */
struct loop {
    struct roamd *d;
    int ep;
    struct roamd_lobby lobby[2];   /* [0] clients, [1] peers */
};

/* An epoll event names a listener, or a lobby entry and its generation. */
#define EV_LISTENER (1ull << 62)
#define EV_PEER (1ull << 61)
#define EV_HOOK (1ull << 60)   /* the [hook] socket's listener */
#define EV_GEN(g) ((uint64_t)((g) & 0x1fffffffu) << 32)

static roam_pool *pool_of(struct roamd *d, int peer)
{
    return peer ? d->peer_pool : d->client_pool;
}

/* The handshake's deadline: handshake_timeout_ms, and never longer than
 * io_timeout_ms (which bounded handshakes before it existed). */
static int handshake_ms(const struct roamd *d)
{
    int h = d->cfg.handshake_timeout_ms, io = d->cfg.io_timeout_ms;
    return h > 0 && h < io ? h : io;
}

/* The handshake finished but the pool is full: say so (TLS is up now, so
 * the client learns why), then hang up. */
static void refuse_busy(struct roamd *d, roam_tls_conn *c, const struct job *j)
{
    char err[ROAM_ERR_MAX];
    roam_log("refusing %s %s: %d %s sessions running (max_%s_sessions)",
             j->peer ? "peer" : "client", j->addr,
             j->peer ? d->cfg.max_peer_sessions : d->cfg.max_client_sessions,
             j->peer ? "peer" : "client", j->peer ? "peer" : "client");
    roam_stream s = roam_tls_stream(c);
    (void)roam_msg_send_error(&s, ROAM__V1__PHASE__PHASE_PROTOCOL,
                              "server busy: too many sessions; try again later",
                              handshake_ms(d), err, sizeof err);
    roam_tls_close(c, 500);
}

/* A thread for a connection whose handshake the lobby finished: it takes
 * a session slot, or says the server is busy. */
static void *session_thread(void *arg)
{
    struct job *j = arg;
    struct roamd *d = j->d;
    roam_pool *pool = pool_of(d, j->peer);
    roam_tls_conn *c = j->c;
    int session = 0;
    if (roam_pool_promote(pool, j->key) < 0)
        refuse_busy(d, c, j);
    else {
        session = 1;
        if (j->peer)
            roamd_handle_peer(d, c, j->fd, j->addr);
        else
            roamd_handle_client(d, c, j->addr);
    }
    roam_pool_release(pool, j->key, session);
    free(j);
    roamd_session_end(d);
    return NULL;
}

/* Its handshake finished in the lobby: a startup of the pool for the
 * moment its thread takes to start (conn_limit.h), then a session. */
static void start_session(struct roamd *d, roam_tls_conn *c, int peer,
                          const struct roamd_waiter *w)
{
    int fd = roam_tls_fd(c);
    struct job *j = calloc(1, sizeof *j);
    if (!j) {
        roam_tls_abort(c);
        return;
    }
    j->d = d;
    j->c = c;
    j->fd = fd;
    j->peer = peer;
    memcpy(j->key, w->key, sizeof j->key);
    memcpy(j->addr, w->addr, sizeof j->addr);
    const char *why;
    if (roam_pool_admit(pool_of(d, peer), j->key, &why) < 0) {
        /* No TLS yet, so no protocol message can be sent: close at once,
         * before any expensive work. */
        roam_log("refusing %s %s: %s", peer ? "peer" : "client", j->addr, why);
        roam_tls_abort(c);
        free(j);
        return;
    }
    if (roamd_session_spawn(d, session_thread, j) < 0) {
        roam_pool_release(pool_of(d, peer), j->key, 0);
        roam_tls_abort(c);
        free(j);
    }
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
 * leaves the lobby for a session thread. */
static void handshake_event(struct loop *lp, int peer, int i)
{
    struct roamd_lobby *l = &lp->lobby[peer];
    char err[ROAM_ERR_MAX];
    int r = roam_tls_handshake_step(l->w[i].tls, NULL, err, sizeof err);
    if (r == 0)
        return;   /* edge-triggered: woken again when it can go on */
    struct roamd_waiter w = l->w[i];
    if (r < 0)
        roam_log("%s %s: TLS handshake: %s", peer ? "peer" : "client", w.addr, err);
    leave(lp, peer, i, r > 0);
    if (r > 0)
        start_session(lp->d, w.tls, peer, &w);
}

/* Its ClientHello is whole: its handshake begins here, in the lobby.  At
 * most max_startups FULL handshakes are under way per listener: one more
 * closes the oldest (a client that answers at once finishes within a round
 * trip, so the oldest is one that stalls). */
static void begin_handshake(struct loop *lp, int peer, int i)
{
    struct roamd *d = lp->d;
    struct roamd_lobby *l = &lp->lobby[peer];
    if (l->handshakes >= d->cfg.max_startups.full) {
        int o = roamd_lobby_oldest_handshake(l);
        struct roamd_waiter *w = &l->w[o];
        roam_log("closing %s %s: TLS handshake unfinished after %lld ms: %d handshakes under "
                 "way (max_startups)", peer ? "peer" : "client", w->addr,
                 (long long)(roam_now_ms() - w->since), l->handshakes);
        leave(lp, peer, o, 0);
    }
    char err[ROAM_ERR_MAX];
    int one = 1;
    (void)setsockopt(l->w[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    roam_tls_conn *c = roam_tls_accept_begin(peer ? d->peer_tls_server : d->client_tls,
                                             l->w[i].fd, err, sizeof err);
    if (!c) {   /* it closed the fd */
        roam_log("refusing %s %s: TLS: %s", peer ? "peer" : "client", l->w[i].addr, err);
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
        roam_log("refusing %s %s: not a TLS ClientHello", peer ? "peer" : "client", w.addr);
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
    roam_log("closing %s %s: %s after %lld ms: %s", peer ? "peer" : "client", w->addr,
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
    while ((i = roamd_lobby_oldest(l)) >= 0 && now - l->w[i].since >= handshake_ms(lp->d))
        (void)evict_oldest(lp, peer, "handshake deadline (handshake_timeout_ms)");
}

/* Shedding step 1 (per source) happens here, before the lobby; a full
 * lobby makes room by closing its oldest connection. */
static void accept_one(struct loop *lp, int lfd, int peer)
{
    struct roamd *d = lp->d;
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
    if (roamd_lobby_count(l, key) + roam_pool_source_count(pool_of(d, peer), key) >=
        d->cfg.max_per_source) {
        roam_log("refusing %s %s: too many connections from this source",
                 peer ? "peer" : "client", addr);
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
        roam_log("refusing %s %s: epoll: %s", peer ? "peer" : "client", addr, strerror(errno));
        roamd_lobby_remove(l, i);
        close(fd);
    }
}

/* Room for both lobbies' descriptors and the sessions' besides: raise the
 * soft limit towards the hard one. */
static void raise_nofile(const struct roamd *d)
{
    struct rlimit r;
    rlim_t want = (rlim_t)2 * (rlim_t)d->cfg.max_waiting + 2 * (rlim_t)d->cfg.max_startups.full +
                  (rlim_t)d->cfg.max_client_sessions + (rlim_t)d->cfg.max_peer_sessions + 256;
    if (getrlimit(RLIMIT_NOFILE, &r) < 0 || r.rlim_cur >= want)
        return;
    r.rlim_cur = r.rlim_max == RLIM_INFINITY || r.rlim_max > want ? want : r.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &r) < 0 || r.rlim_cur < want)
        roam_log("warning: %llu file descriptors allowed, %llu wanted for max_waiting; "
                 "the oldest waiting connections are closed when they run out",
                 (unsigned long long)r.rlim_cur, (unsigned long long)want);
}

static int loop_init(struct loop *lp, struct roamd *d)
{
    memset(lp, 0, sizeof *lp);
    lp->d = d;
    lp->lobby[0].head = lp->lobby[1].head = -1;   /* empty, for loop_fini */
    lp->ep = epoll_create1(EPOLL_CLOEXEC);
    if (lp->ep < 0 || roamd_lobby_init(&lp->lobby[0], d->cfg.max_waiting) < 0 ||
        roamd_lobby_init(&lp->lobby[1], d->cfg.max_waiting) < 0)
        return -1;
    struct epoll_event c = { .events = EPOLLIN, .data.u64 = EV_LISTENER },
                       p = { .events = EPOLLIN, .data.u64 = EV_LISTENER | EV_PEER };
    if (epoll_ctl(lp->ep, EPOLL_CTL_ADD, d->listen_fd, &c) < 0 ||
        epoll_ctl(lp->ep, EPOLL_CTL_ADD, d->peer_fd, &p) < 0)
        return -1;
    struct epoll_event h = { .events = EPOLLIN, .data.u64 = EV_HOOK };
    if (d->hook_fd >= 0 && epoll_ctl(lp->ep, EPOLL_CTL_ADD, d->hook_fd, &h) < 0)
        return -1;
    return 0;
}

static void loop_fini(struct loop *lp)
{
    roamd_lobby_fini(&lp->lobby[0]);
    roamd_lobby_fini(&lp->lobby[1]);
    if (lp->ep >= 0)
        close(lp->ep);
}

/* Until the next check: at most 200 ms (the stop flag), and no later than
 * the oldest waiting connection's deadline. */
static int wait_ms(struct loop *lp, int64_t now)
{
    int64_t ms = 200;
    for (int k = 0; k < 2; k++) {
        int i = roamd_lobby_oldest(&lp->lobby[k]);
        if (i >= 0) {
            int64_t left = lp->lobby[k].w[i].since + handshake_ms(lp->d) - now;
            ms = left < ms ? (left > 0 ? left : 0) : ms;
        }
    }
    return (int)ms;
}

void roamd_run(struct roamd *d, volatile sig_atomic_t *stop)
{
    struct loop lp;
    raise_nofile(d);
    if (loop_init(&lp, d) < 0) {
        roam_log("cannot start the accept loop: %s", strerror(errno));
        loop_fini(&lp);
        return;
    }
    roamd_base_warm(d->cfg.storage_base_dir);
    struct epoll_event ev[64];
    while (!*stop) {
        int n = epoll_wait(lp.ep, ev, 64, wait_ms(&lp, roam_now_ms()));
        if (n < 0 && errno != EINTR)
            break;
        for (int k = 0; k < n; k++) {
            uint64_t u = ev[k].data.u64;
            if (u & EV_HOOK) {
                roamd_hook_accept(d);
                continue;
            }
            int peer = (u & EV_PEER) != 0;
            if (u & EV_LISTENER) {
                accept_one(&lp, peer ? d->peer_fd : d->listen_fd, peer);
                continue;
            }
            int i = (int)(uint32_t)u;
            struct roamd_lobby *l = &lp.lobby[peer];
            if (i < l->cap && l->w[i].fd >= 0 && EV_GEN(l->w[i].gen) == (u & EV_GEN(~0u)))
                lobby_event(&lp, peer, i, ev[k].events);
        }
        int64_t now = roam_now_ms();
        expire(&lp, 0, now);
        expire(&lp, 1, now);
    }
    loop_fini(&lp);
    pthread_mutex_lock(&d->lock);
    while (d->sessions > 0)
        pthread_cond_wait(&d->idle, &d->lock);
    pthread_mutex_unlock(&d->lock);
}
