/* Admission of new connections to a TLS listener (roamd's two, roam-ims's),
 * before any work is spent on them.  A connection is first a "startup" (TCP
 * accepted, TLS handshake under way, bounded by a handshake deadline), then
 * a "session" (handshake done).  roamd gives each listener its own pool, so
 * clients can never take a peer's place.  (roamd holds a connection in
 * its lobby, src/roamd/lobby.h, until its TLS handshake has finished, and
 * only then admits it here: its startups are the moments before a session
 * thread runs.)  Shedding, in this order (docs/roamd.md,
 * "Connection limits", which adds the lobby's own step):
 *   1. a source (an IPv4 address, or an IPv6 /64) over its cap: refused;
 *   2. startups beyond `start`: refused with a probability rising linearly
 *      from rate % to 100 % at `full` (OpenSSH's MaxStartups);
 *   3. a finished handshake finding the session pool full: refused.
 * Running sessions are never shed to make room for new connections.
 * Thread-safe. */
#ifndef ROAM_PROTO_CONN_LIMIT_H
#define ROAM_PROTO_CONN_LIMIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define ROAM_SOURCE_KEY_LEN 16

struct roam_startups {
    int start, rate, full;   /* max_startups = start:rate:full */
};

struct roam_pool_limits {
    struct roam_startups startups;
    int sessions;            /* sessions at once */
    int per_source;          /* connections at once from one source */
    int per_source_sessions; /* 1: sessions count against per_source too (clients);
                              * 0: startups only (peers, authenticated by TLS) */
};

typedef struct roam_pool roam_pool;

roam_pool *roam_pool_new(const struct roam_pool_limits *l);
void roam_pool_free(roam_pool *p);

/* The source a connection is counted under: IPv4 addresses (also
 * v4-mapped) whole, IPv6 addresses by their /64. */
void roam_source_key(const struct sockaddr *sa, uint8_t key[ROAM_SOURCE_KEY_LEN]);

/* A new connection from key: 0 admitted as a startup, -1 refused with *why
 * (a static sentence). */
int roam_pool_admit(roam_pool *p, const uint8_t key[ROAM_SOURCE_KEY_LEN], const char **why);

/* The percentage of new connections refused with `startups` under way. */
int roam_startups_drop_pct(const struct roam_startups *m, int startups);

/* Its handshake finished: 0 it is a session now, -1 the pool is full (it
 * is still a startup; release it). */
int roam_pool_promote(roam_pool *p, const uint8_t key[ROAM_SOURCE_KEY_LEN]);

/* The connection ended (session: whether it had been promoted). */
void roam_pool_release(roam_pool *p, const uint8_t key[ROAM_SOURCE_KEY_LEN], int session);

/* Current counts (tests, logs). */
void roam_pool_counts(roam_pool *p, int *startups, int *sessions);

/* The connections of key that count against per_source (its startups, and
 * its sessions when per_source_sessions): for a caller that holds more of
 * the source's connections elsewhere (roamd's lobby, before the pool). */
int roam_pool_source_count(roam_pool *p, const uint8_t key[ROAM_SOURCE_KEY_LEN]);

/* Parse "start:rate:full" (or a single number N, meaning N:100:N): 1 <=
 * start <= full <= 4096, rate in 1..100.  0, or -1 with why. */
int roam_startups_parse(const char *text, struct roam_startups *out, char *why, size_t whylen);

#endif
