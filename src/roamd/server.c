/* roamd's accept loop and session threads (see server.h). */
#define _GNU_SOURCE
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client_session.h"
#include "errbuf.h"
#include "hook_server.h"
#include "msg.h"
#include "peer_server.h"

struct job {
    struct roamd *d;
    int fd;
    int peer;
    uint8_t key[ROAM_SOURCE_KEY_LEN];
    char addr[INET6_ADDRSTRLEN + 8];
};

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

/* The handshake runs here, within its deadline, while the connection
 * counts only as a startup; a session slot is taken after it. */
static void *session_thread(void *arg)
{
    struct job *j = arg;
    struct roamd *d = j->d;
    roam_pool *pool = pool_of(d, j->peer);
    char err[ROAM_ERR_MAX];
    roam_tls_conn *c = roam_tls_accept(j->peer ? d->peer_tls_server : d->client_tls, j->fd,
                                       handshake_ms(d), err, sizeof err);
    int session = 0;
    if (!c)
        roam_log("%s %s: TLS handshake: %s", j->peer ? "peer" : "client", j->addr, err);
    else if (roam_pool_promote(pool, j->key) < 0)
        refuse_busy(d, c, j);
    else {
        session = 1;
        if (j->peer)
            roamd_handle_peer(d, c, j->fd, j->addr);
        else
            roamd_handle_client(d, c, j->addr);
    }
    roam_pool_release(pool, j->key, session);
    pthread_mutex_lock(&d->lock);
    d->sessions--;
    pthread_cond_broadcast(&d->idle);
    pthread_mutex_unlock(&d->lock);
    free(j);
    return NULL;
}

static void accept_one(struct roamd *d, int lfd, int peer)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    struct job *j = calloc(1, sizeof *j);
    if (!j) {
        close(fd);
        return;
    }
    j->d = d;
    j->fd = fd;
    j->peer = peer;
    roam_source_key((struct sockaddr *)&ss, j->key);
    if (ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, j->addr, sizeof j->addr);
    else if (ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, j->addr, sizeof j->addr);
    else
        strcpy(j->addr, "unknown");
    const char *why;
    if (roam_pool_admit(pool_of(d, peer), j->key, &why) < 0) {
        /* No TLS yet, so no protocol message can be sent: close at once,
         * before any expensive work. */
        roam_log("refusing %s %s: %s", peer ? "peer" : "client", j->addr, why);
        close(fd);
        free(j);
        return;
    }
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    pthread_mutex_lock(&d->lock);
    d->sessions++;
    pthread_mutex_unlock(&d->lock);
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &at, session_thread, j) != 0) {
        roam_pool_release(pool_of(d, peer), j->key, 0);
        pthread_mutex_lock(&d->lock);
        d->sessions--;
        pthread_mutex_unlock(&d->lock);
        close(fd);
        free(j);
    }
    pthread_attr_destroy(&at);
}

void roamd_run(struct roamd *d, volatile sig_atomic_t *stop)
{
    while (!*stop) {
        struct pollfd p[3] = { { .fd = d->listen_fd, .events = POLLIN },
                               { .fd = d->peer_fd, .events = POLLIN },
                               { .fd = d->hook_fd, .events = POLLIN } };
        int r = poll(p, d->hook_fd >= 0 ? 3 : 2, 200);
        if (r < 0 && errno != EINTR)
            break;
        if (r <= 0)
            continue;
        if (p[0].revents & POLLIN)
            accept_one(d, d->listen_fd, 0);
        if (p[1].revents & POLLIN)
            accept_one(d, d->peer_fd, 1);
        if (d->hook_fd >= 0 && (p[2].revents & POLLIN))
            roamd_hook_accept(d);
    }
    pthread_mutex_lock(&d->lock);
    while (d->sessions > 0)
        pthread_cond_wait(&d->idle, &d->lock);
    pthread_mutex_unlock(&d->lock);
}
