/* The registration datagram in flight ([ims] ack_pubkey): one signed
 * datagram (ims_dgram.h) on a socket bound to the address it registers,
 * retransmitted after 20 ms, doubling, six sends in all (1.26 s); it counts
 * as stored only when the IMS's key signed an acknowledgement of exactly
 * it.  What to do when it fails is the registration's call (mat_register.c). */
#ifndef ROAM_MOBILITY_MAT_DGRAM_H
#define ROAM_MOBILITY_MAT_DGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "ims_dgram.h"
#include "ims_types.h"

typedef struct mat_dgram {
    int fd;                           /* -1: no datagram in flight */
    uint8_t buf[IMS_DGRAM_MAX];
    size_t len;
    ims_mapping pending;              /* what it registers, with its seq */
    int64_t since, next;              /* monotonic ms: first sent, next try due */
    int interval, sends;
    /* The IMS's tokens for pending's new addresses (docs/mobility.md,
     * "Proof of the mobile address"), by binding. */
    uint8_t tokens[IMS_MAX_BINDINGS][IMS_TOKEN_LEN];
    int have_token[IMS_MAX_BINDINGS];
} mat_dgram;

void mat_dgram_init(mat_dgram *d);

/* Forget the one in flight. */
void mat_dgram_close(mat_dgram *d);

/* Put the datagram the caller wrote into buf[0..len) (registering
 * pending) in flight on fd, which it takes over.  sent_at: sent already
 * then (0: send it now). */
void mat_dgram_start(mat_dgram *d, int fd, int64_t sent_at);

/* Monotonic ms when mat_dgram_timer is due, or 0. */
int64_t mat_dgram_due(const mat_dgram *d);

/* Retransmit when due.  -1 when the last send went unanswered (why set). */
int mat_dgram_timer(mat_dgram *d, const char **why);

/* The socket is readable: 1 acknowledged (closed, pending stored), -1 the
 * IMS takes no datagrams (why set), 0 nothing yet.  ims_pub checks the
 * acknowledgement's signature.  A challenge for one of pending's addresses
 * makes the registration go again at once, with the token (mat_dgram_token). */
int mat_dgram_readable(mat_dgram *d, const uint8_t ims_pub[IMS_PUBKEY_LEN], const char **why);

/* buf[0..len) (from any socket) is a challenge for the datagram in flight:
 * take its token and send the registration again now with every token
 * held.  1 if it was one, 0 if not. */
int mat_dgram_token(mat_dgram *d, const uint8_t *buf, size_t len);

#endif
