/* The source's link to the destination daemon, opened in the background
 * while the client still authenticates: TCP and the mutual TLS handshake
 * then cost the migration no round trip of their own (with TCP Fast
 * Open, whose SYN carries the ClientHello, not even the one the challenge
 * leaves them).  Nothing is sent on it before the client's proof passed
 * this daemon's check; a link not taken is closed. */
#ifndef ROAMD_PEER_EARLY_H
#define ROAMD_PEER_EARLY_H

#include <stddef.h>

#include "daemon.h"
#include "peer_client.h"

struct roamd_peer_early;

/* Start connecting to dst (HOST[:PORT], as roamd_peer_connect takes it).
 * NULL if no thread could be started: connect later instead. */
struct roamd_peer_early *roamd_peer_early_start(struct roamd *d, const char *dst);

/* Wait for the connection (bounded by the connect's own timeouts) and take
 * it: the link, or NULL with why in err.  e is freed either way. */
roamd_peer *roamd_peer_early_take(struct roamd_peer_early *e, char *err, size_t errlen);

/* Not needed after all: wait for it as above, close it, free e.  NULL is
 * accepted. */
void roamd_peer_early_drop(struct roamd_peer_early *e);

#endif
