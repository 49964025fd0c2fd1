/* A peer daemon's connection to roamd, this daemon being the destination
 * of a migration: admission, RA, post-processing. */
#ifndef ROAMD_PEER_SERVER_H
#define ROAMD_PEER_SERVER_H

#include "daemon.h"
#include "link.h"

/* Serve the peer on c, its mutual-TLS handshake done (net_monitor.c; c is
 * owned from here on; runs in a session thread). */
void roamd_handle_peer(struct roamd *d, roamd_link *c, const char *peer_addr);

#endif
