/* roamd's main loop (see server.h). */
#define _GNU_SOURCE
#include "server.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "base_image.h"
#include "client_session.h"
#include "hook_server.h"
#include "log.h"
#include "net_monitor.h"
#include "peer_server.h"

struct session {
    struct roamd *d;
    roamd_link *link;
    int peer;
    char addr[64];
};

static void *session_thread(void *arg)
{
    struct session *s = arg;
    struct roamd *d = s->d;
    if (s->peer)
        roamd_handle_peer(d, s->link, s->addr);
    else
        roamd_handle_client(d, s->link, s->addr);
    free(s);
    roamd_session_end(d);
    return NULL;
}

/* A connection the network process handed over: a thread of its own. */
static void start_session(struct roamd *d, roamd_link *l, int peer, const char *addr)
{
    struct session *s = calloc(1, sizeof *s);
    if (!s) {
        roamd_link_close(l);
        return;
    }
    *s = (struct session){ d, l, peer, "" };
    snprintf(s->addr, sizeof s->addr, "%s", addr);
    if (roamd_session_spawn(d, session_thread, s) < 0) {
        roam_log("refusing %s %s: no thread for its session", peer ? "peer" : "client", addr);
        roamd_link_close(l);
        free(s);
    }
}

int roamd_start(struct roamd *d, const struct roamd_config *cfg, char *err, size_t errlen)
{
    /* The network process last: it takes connections at once. */
    return roamd_init(d, cfg, err, errlen) < 0 ? -1 : roamd_net_start(d, start_session, err,
                                                                       errlen);
}

int roamd_net_restart(struct roamd *d, char *err, size_t errlen)
{
    roamd_net_stop(d);
    return roamd_net_start(d, start_session, err, errlen);
}

void roamd_stop(struct roamd *d)
{
    roamd_net_stop(d);
    roamd_fini(d);
}

void roamd_run(struct roamd *d, volatile sig_atomic_t *stop)
{
    roamd_base_warm(d->cfg.storage_base_dir);
    while (!*stop) {
        /* At most 200 ms between looks at the stop flag. */
        struct pollfd p = { d->hook_fd, POLLIN, 0 };
        int n = poll(&p, d->hook_fd >= 0 ? 1 : 0, 200);
        if (n < 0 && errno != EINTR)
            break;
        if (n > 0 && (p.revents & POLLIN))
            roamd_hook_accept(d);
    }
    pthread_mutex_lock(&d->lock);
    while (d->sessions > 0)
        pthread_cond_wait(&d->idle, &d->lock);
    pthread_mutex_unlock(&d->lock);
}
