/* The lobby: connections a listener accepted that have not yet sent their
 * first TLS record.  They wait here without a thread and without counting
 * as a startup (conn_limit.h), so idle or trickling connections cost one
 * descriptor and one entry each, and never take the place of a client
 * whose ClientHello has arrived.  Entries are kept in arrival order: the
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

struct roamd_waiter {
    int fd;
    int64_t since;                      /* accepted at (roam_now_ms) */
    uint8_t key[ROAM_SOURCE_KEY_LEN];   /* its source (conn_limit.h) */
    char addr[INET6_ADDRSTRLEN + 8];
    uint32_t gen;                       /* bumped on every reuse of the entry */
    int prev, next;                     /* arrival order; the free list uses next */
};

struct roamd_lobby {
    struct roamd_waiter *w;
    int cap, n;
    int head, tail;                     /* oldest, newest; -1 when empty */
    int free_head;
};

/* 0, or -1 when out of memory. */
int roamd_lobby_init(struct roamd_lobby *l, int cap);
/* Closes every connection still waiting. */
void roamd_lobby_fini(struct roamd_lobby *l);

/* Adds a connection (the lobby must not be full): its entry's index. */
int roamd_lobby_add(struct roamd_lobby *l, int fd, const uint8_t key[ROAM_SOURCE_KEY_LEN],
                    const char *addr, int64_t since);
/* Forgets entry i (its fd stays open: the caller closes or keeps it). */
void roamd_lobby_remove(struct roamd_lobby *l, int i);
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
