/* The requests between roamd's privileged side (the monitor) and its
 * network process (docs/design.md §5.5): a fixed set of message types, each
 * with a fixed set of fields, bounded and checked on receipt before anything
 * acts on them.  One message is one SOCK_SEQPACKET datagram:
 *
 *   type (1 byte) | version (1 byte, ROAMD_NET_VERSION) | fields
 *   field = tag (1 byte) | length (2 bytes, big-endian) | value
 *
 * each field at most once and in ascending tag order, the ones its type
 * requires all present, none other, no trailing bytes.  File descriptors travel beside (net_chan.h). */
#ifndef ROAMD_NET_MSG_H
#define ROAMD_NET_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "wire_limits.h"

#define ROAMD_NET_VERSION 1
#define ROAMD_NET_MSG_MAX 40960   /* a datagram: a certificate chain and change */

enum roamd_net_type {
    ROAMD_NET_CONFIG = 1,  /* monitor -> network: what to load and the limits */
    ROAMD_NET_READY = 2,   /* network -> monitor: serving (worker pid) */
    ROAMD_NET_CONN = 3,    /* network -> monitor, + fd: a connection, TLS done */
    ROAMD_NET_DIAL = 4,    /* monitor -> network, + TCP fd: TLS to a peer named host */
    ROAMD_NET_DIALED = 5,  /* network -> monitor, + fd when ok: the dial's outcome */
    ROAMD_NET_DIED = 6,    /* network's keeper -> monitor: the worker ended */
};

enum roamd_net_kind { ROAMD_NET_CLIENT = 0, ROAMD_NET_PEER = 1 };

/* The paths ROAMD_NET_CONFIG names, in this order. */
enum { ROAMD_NET_CERT, ROAMD_NET_KEY, ROAMD_NET_PEER_CERT, ROAMD_NET_PEER_KEY,
       ROAMD_NET_PEER_CA, ROAMD_NET_PATHS };

/* Its numbers, in this order. */
enum { ROAMD_NET_START, ROAMD_NET_RATE, ROAMD_NET_FULL, ROAMD_NET_CLIENT_SESSIONS,
       ROAMD_NET_PEER_SESSIONS, ROAMD_NET_PER_SOURCE, ROAMD_NET_HANDSHAKE_MS,
       ROAMD_NET_IO_MS, ROAMD_NET_WAITING, ROAMD_NET_SECCOMP, ROAMD_NET_LIMITS };

#define ROAMD_NET_PATH_MAX 1023
#define ROAMD_NET_ADDR_MAX 63
#define ROAMD_NET_LIMIT_MAX 10000000u   /* any number above is a broken message */

struct roamd_net_msg {
    uint8_t type;
    uint32_t id;                          /* CONN, DIAL, DIALED: which one */
    uint8_t kind;                         /* CONN: enum roamd_net_kind */
    char addr[ROAMD_NET_ADDR_MAX + 1];    /* CONN: the client's address */
    int have_exporter;
    uint8_t exporter[32];                 /* CONN, DIALED ok: RFC 8446 §7.5 */
    const uint8_t *chain;                 /* CONN (peer), DIALED ok: DER (peer_cert.h) */
    size_t chain_len;                     /* into the received buffer; 0: none */
    char host[ROAM_NAME_MAX + 1];         /* DIAL: the name the peer must carry */
    char error[ROAM_MESSAGE_MAX + 1];     /* DIALED: why it failed ("" = ok) */
    int32_t status;                       /* DIED: waitpid's status */
    uint32_t pid;                         /* READY, DIED: the worker */
    char paths[ROAMD_NET_PATHS][ROAMD_NET_PATH_MAX + 1];   /* CONFIG */
    uint32_t limits[ROAMD_NET_LIMITS];    /* CONFIG */
};

/* Encode m (its type's fields) into out.  Length, or -1 if it does not
 * fit or a field breaks its bound. */
int roamd_net_encode(const struct roamd_net_msg *m, uint8_t *out, size_t cap);

/* Decode and check one datagram.  0, or -1 with err; m->chain points into
 * buf. */
int roamd_net_decode(const uint8_t *buf, size_t len, struct roamd_net_msg *m, char *err,
                     size_t errlen);

/* Whether a message of this type carries a file descriptor (DIALED: only
 * when error is ""). */
int roamd_net_wants_fd(const struct roamd_net_msg *m);

#endif
