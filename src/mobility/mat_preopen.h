/* A second IMS connection, kept open from the successor address (the one a
 * switch would make active), so that a switch registers over TLS without a
 * TCP and TLS handshake.  It is opened on a thread: before a migration the
 * successor address is often unreachable (a prefix injected from the
 * destination) and a blocking connect would stall link events for its
 * timeout.  The thread hands its result back through a pipe. */
#ifndef ROAM_MOBILITY_MAT_PREOPEN_H
#define ROAM_MOBILITY_MAT_PREOPEN_H

#include <arpa/inet.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "ims_client.h"
#include "mat_config.h"
#include "tls.h"

typedef struct mat_preopen {
    const mat_config *cfg;
    roam_tls_ctx *tls;
    ims_client *next;                 /* open, from next_src */
    char next_src[INET6_ADDRSTRLEN];
    int pipe[2];
    pthread_t thread;
    int busy;                         /* the thread runs (reads cfg, tls, src, dev only) */
    char src[INET6_ADDRSTRLEN], dev[IF_NAMESIZE];
    int64_t retry_at;                 /* monotonic ms; 0: now */
} mat_preopen;

/* 0, or -1 with errno (no pipe). */
int mat_preopen_init(mat_preopen *p, const mat_config *cfg, roam_tls_ctx *tls);

/* Keep a connection from src (the successor address, "" if none) on dev,
 * while the agent's own connection is up (connected). */
void mat_preopen_keep(mat_preopen *p, const char *src, const char *dev, int connected);

/* The connection pre-opened from src, taken over by the caller, or NULL. */
ims_client *mat_preopen_take(mat_preopen *p, const char *src);

/* Add its descriptors to poll (at most 2); how many. */
int mat_preopen_pollfds(const mat_preopen *p, struct pollfd *fds);

/* After poll on those n descriptors: a finished opening is kept if it is
 * still from src (the successor now); the open one is drained. */
void mat_preopen_events(mat_preopen *p, const struct pollfd *fds, int n, const char *src);

/* Wait for the thread (bounded by connect_timeout_ms), close everything. */
void mat_preopen_free(mat_preopen *p);

#endif
