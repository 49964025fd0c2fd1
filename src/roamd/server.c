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
#include "peer_server.h"

struct job {
    struct roamd *d;
    int fd;
    int peer;
    char addr[INET6_ADDRSTRLEN + 8];
};

static void *session_thread(void *arg)
{
    struct job *j = arg;
    if (j->peer)
        roamd_handle_peer(j->d, j->fd, j->addr);
    else
        roamd_handle_client(j->d, j->fd, j->addr);
    pthread_mutex_lock(&j->d->lock);
    j->d->sessions--;
    pthread_cond_broadcast(&j->d->idle);
    pthread_mutex_unlock(&j->d->lock);
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
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct job *j = calloc(1, sizeof *j);
    if (!j) {
        close(fd);
        return;
    }
    j->d = d;
    j->fd = fd;
    j->peer = peer;
    if (ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, j->addr, sizeof j->addr);
    else if (ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, j->addr, sizeof j->addr);
    else
        strcpy(j->addr, "unknown");
    pthread_mutex_lock(&d->lock);
    int full = d->sessions >= d->cfg.max_sessions;
    if (!full)
        d->sessions++;
    pthread_mutex_unlock(&d->lock);
    if (full) {
        /* No TLS yet, so no protocol message can be sent: close at once,
         * before any expensive work. */
        roam_log("refusing %s: %d sessions running (max_sessions)", j->addr,
                  d->cfg.max_sessions);
        close(fd);
        free(j);
        return;
    }
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &at, session_thread, j) != 0) {
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
        struct pollfd p[2] = { { .fd = d->listen_fd, .events = POLLIN },
                               { .fd = d->peer_fd, .events = POLLIN } };
        int r = poll(p, 2, 200);
        if (r < 0 && errno != EINTR)
            break;
        if (r <= 0)
            continue;
        if (p[0].revents & POLLIN)
            accept_one(d, d->listen_fd, 0);
        if (p[1].revents & POLLIN)
            accept_one(d, d->peer_fd, 1);
    }
    pthread_mutex_lock(&d->lock);
    while (d->sessions > 0)
        pthread_cond_wait(&d->idle, &d->lock);
    pthread_mutex_unlock(&d->lock);
}

