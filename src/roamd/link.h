/* What one of roamd's sessions talks over (docs/design.md §5.5).  The TLS
 * connection itself lives in the network process; the session gets the
 * frames it relays, on a local socket, already bounded and checked, and
 * the facts the handshake established: the exporter the transcript binds,
 * and for a peer daemon its certificates, which the session checks here
 * (names, pins, CAs) rather than believe a verdict. */
#ifndef ROAMD_LINK_H
#define ROAMD_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "peer_cert.h"
#include "stream.h"
#include "tls.h"

typedef struct roamd_link {
    int fd;                                    /* the relay socket */
    roam_stream s;                             /* frames over it */
    uint8_t exporter[ROAM_TLS_EXPORTER_LEN];   /* of the TLS connection */
    roam_peer_cert *peer;                      /* a peer daemon's chain, else NULL */
} roamd_link;

/* A link over fd (taken: closed by roamd_link_close or on failure), with
 * the connection's exporter and, for a peer, its chain as DER.  NULL with
 * err. */
roamd_link *roamd_link_new(int fd, const uint8_t exporter[ROAM_TLS_EXPORTER_LEN],
                           const uint8_t *chain, size_t chain_len, char *err, size_t errlen);

/* Close the relay: the network process then ends the TLS connection
 * (close_notify, and for a peer it waits for the peer to close too, so
 * that an answer is never lost to a reset).  NULL is accepted. */
void roamd_link_close(roamd_link *l);

#endif
