/* roamd's accept loop: one thread accepts on the two listeners (clients;
 * peer daemons over mutual TLS), admits each connection to that listener's
 * pool (conn_limit.h), runs its TLS handshake within handshake_timeout_ms
 * and hands it to its handler (client_session.h, peer_server.h), each in a
 * thread of its own. */
#ifndef ROAMD_SERVER_H
#define ROAMD_SERVER_H

#include <signal.h>

#include "daemon.h"

/* Accept connections until *stop becomes non-zero, then wait for running
 * sessions to end. */
void roamd_run(struct roamd *d, volatile sig_atomic_t *stop);

#endif
