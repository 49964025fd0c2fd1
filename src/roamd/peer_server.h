/* A peer daemon's connection to roamd, this daemon being the destination
 * of a migration: admission, RA, post-processing. */
#ifndef ROAMD_PEER_SERVER_H
#define ROAMD_PEER_SERVER_H

#include "daemon.h"

/* Serve the peer on c, its mutual-TLS handshake done (server.c; c is owned
 * from here on, fd is the socket under it; runs in a session thread). */
void roamd_handle_peer(struct roamd *d, roam_tls_conn *c, int fd, const char *peer_addr);

#endif
