/* roamd's accept loop: one thread accepts on the two listeners (clients;
 * peer daemons over mutual TLS) and hands each connection to its handler
 * (client_session.h, peer_server.h) in a thread of its own, up to
 * max_sessions at once. */
#ifndef ROAMD_SERVER_H
#define ROAMD_SERVER_H

#include <signal.h>

#include "daemon.h"

/* Accept connections until *stop becomes non-zero, then wait for running
 * sessions to end. */
void roamd_run(struct roamd *d, volatile sig_atomic_t *stop);

#endif
