/* A user's connection to roamd: authenticate it (accept or migrate role),
 * record the decision, and on the source run the migration it asks for
 * (source.h). */
#ifndef ROAMD_CLIENT_SESSION_H
#define ROAMD_CLIENT_SESSION_H

#include "daemon.h"
#include "link.h"

/* Serve the client on c, its TLS handshake done (net_monitor.c; c is owned
 * from here on; runs in a session thread). */
void roamd_handle_client(struct roamd *d, roamd_link *c, const char *peer_addr);

#endif
