/* A peer daemon's connection to roamd, this daemon being the destination
 * of a migration: admission, RA, post-processing. */
#ifndef ROAMD_PEER_SERVER_H
#define ROAMD_PEER_SERVER_H

#include "daemon.h"

/* Serve the peer on fd (owned from here on; runs in a session thread). */
void roamd_handle_peer(struct roamd *d, int fd, const char *peer_addr);

#endif
