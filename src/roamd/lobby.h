/* The lobby: connections a listener accepted whose TLS handshake has not
 * finished.  An entry first waits for its first TLS record (the
 * ClientHello) to arrive whole; then the accept loop drives its handshake
 * on the same entry, without blocking (tls.h, roam_tls_handshake_step).
 * No thread is spent before the handshake is done, so idle, trickling or
 * stalled connections cost one descriptor and one entry each (and, past
 * the ClientHello, one handshake's state, at most max_startups FULL of
 * them), and never take the place of a client that completes its
 * handshake.  Entries are kept in arrival order: the
 * oldest is the first to reach its handshake deadline, and the one closed
 * when the lobby is full and another connection arrives (a prompt client
 * leaves the lobby within a round trip; only a connection that sends
 * nothing stays long enough to be the oldest).  Used by the accept loop
 * alone (server.c): not thread-safe. */
#ifndef ROAM_ROAMD_LOBBY_H
#define ROAM_ROAMD_LOBBY_H

#include <netinet/in.h>
#include <stdint.h>

#include "conn_limit.h"
#include "tls.h"

struct roamd_waiter {
    int fd;
    roam_tls_conn *tls;                 /* its handshake once begun (on fd), else NULL */
    int64_t since;                      /* accepted at (roam_now_ms) */
    uint8_t key[ROAM_SOURCE_KEY_LEN];   /* its source (conn_limit.h) */
    char addr[INET6_ADDRSTRLEN + 8];
    uint32_t gen;                       /* bumped on every reuse of the entry */
    int prev, next;                     /* arrival order; the free list uses next */
};

struct roamd_lobby {
    struct roamd_waiter *w;
    int cap, n;
    int handshakes;                     /* entries with tls */
    int head, tail;                     /* oldest, newest; -1 when empty */
    int free_head;
};

/* 0, or -1 when out of memory. */
int roamd_lobby_init(struct roamd_lobby *l, int cap);
/* Closes every connection still waiting (aborting their handshakes). */
void roamd_lobby_fini(struct roamd_lobby *l);

/* Adds a connection (the lobby must not be full): its entry's index. */
int roamd_lobby_add(struct roamd_lobby *l, int fd, const uint8_t key[ROAM_SOURCE_KEY_LEN],
                    const char *addr, int64_t since);
/* Forgets entry i (its fd, and its handshake if begun, stay open: the
 * caller closes or keeps them). */
void roamd_lobby_remove(struct roamd_lobby *l, int i);
/* Entry i's handshake has begun as c (on its fd). */
void roamd_lobby_set_tls(struct roamd_lobby *l, int i, roam_tls_conn *c);
/* The oldest entry whose handshake has begun, -1 if none. */
int roamd_lobby_oldest_handshake(const struct roamd_lobby *l);
/* The oldest entry's index, -1 when empty. */
int roamd_lobby_oldest(const struct roamd_lobby *l);
/* Connections from this source waiting. */
int roamd_lobby_count(const struct roamd_lobby *l, const uint8_t key[ROAM_SOURCE_KEY_LEN]);

/* Has fd's first TLS record arrived whole?  1 yes, 0 not yet,
 * ROAMD_FIRST_CLOSED the peer closed or the connection failed,
 * ROAMD_FIRST_NOT_TLS what arrived cannot start a TLS handshake (a record
 * that is no handshake, a handshake that is no ClientHello, a length out
 * of bounds). */
#define ROAMD_FIRST_CLOSED (-1)
#define ROAMD_FIRST_NOT_TLS (-2)
int roamd_first_record(int fd);

#endif
