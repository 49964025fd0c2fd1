/* Admission of new connections to one of roamd's listeners, before any
 * work is spent on them.  A connection is first a "startup" (TCP accepted,
 * TLS handshake under way, bounded by handshake_timeout_ms), then a
 * "session" (handshake done).  Each listener has its own pool, so clients
 * can never take a peer's place.  Shedding, in this order (docs/roamd.md,
 * "Connection limits"):
 *   1. a source (an IPv4 address, or an IPv6 /64) over its cap: refused;
 *   2. startups beyond `start`: refused with a probability rising linearly
 *      from rate % to 100 % at `full` (OpenSSH's MaxStartups);
 *   3. a finished handshake finding the session pool full: refused.
 * Running sessions are never shed to make room for new connections.
 * Thread-safe. */
#ifndef ROAMD_CONN_LIMIT_H
#define ROAMD_CONN_LIMIT_H

#include <stdint.h>
#include <sys/socket.h>

#define ROAMD_SOURCE_KEY_LEN 16

struct roamd_startups {
    int start, rate, full;   /* max_startups = start:rate:full */
};

struct roamd_pool_limits {
    struct roamd_startups startups;
    int sessions;            /* sessions at once */
    int per_source;          /* connections at once from one source */
    int per_source_sessions; /* 1: sessions count against per_source too (clients);
                              * 0: startups only (peers, authenticated by TLS) */
};

typedef struct roamd_pool roamd_pool;

roamd_pool *roamd_pool_new(const struct roamd_pool_limits *l);
void roamd_pool_free(roamd_pool *p);

/* The source a connection is counted under: IPv4 addresses (also
 * v4-mapped) whole, IPv6 addresses by their /64. */
void roamd_source_key(const struct sockaddr *sa, uint8_t key[ROAMD_SOURCE_KEY_LEN]);

/* A new connection from key: 0 admitted as a startup, -1 refused with *why
 * (a static sentence).  rnd is a uniform random number (random early drop). */
int roamd_pool_admit(roamd_pool *p, const uint8_t key[ROAMD_SOURCE_KEY_LEN], uint32_t rnd,
                     const char **why);

/* Its handshake finished: 0 it is a session now, -1 the pool is full (it
 * is still a startup; release it). */
int roamd_pool_promote(roamd_pool *p, const uint8_t key[ROAMD_SOURCE_KEY_LEN]);

/* The connection ended (session: whether it had been promoted). */
void roamd_pool_release(roamd_pool *p, const uint8_t key[ROAMD_SOURCE_KEY_LEN], int session);

/* Current counts (tests, logs). */
void roamd_pool_counts(roamd_pool *p, int *startups, int *sessions);

/* Parse "start:rate:full" (or a single number N, meaning N:100:N): 1 <=
 * start <= full, rate in 1..100.  0 or -1. */
int roamd_startups_parse(const char *text, struct roamd_startups *out);

#endif
