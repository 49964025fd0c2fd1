/* roamd's network process (docs/design.md §5.5): everything that touches
 * bytes from the network before the privileged side sees them.  Its keeper
 * loads the TLS certificates and keys, drops to an unprivileged user and
 * starts a worker; the worker runs under a narrow seccomp filter (no file
 * opens, no new sockets but socket pairs, no programs, no children) and
 *   - accepts on both listeners, holds connections in the lobby and runs
 *     their TLS handshakes (lobby.h, max_startups, handshake deadline);
 *   - relays each finished connection's frames to the monitor on a socket
 *     of its own, refusing a frame over its direction's bound and any
 *     message that does not decode and validate (msg.h);
 *   - on the monitor's request, runs the TLS client handshake towards a
 *     peer daemon on a TCP socket the monitor connected.
 * It holds no libvirt connection, no raw socket, no capability, no key
 * but TLS's, and nothing writable.  When a worker dies the keeper says so
 * to the monitor and starts another. */
#ifndef ROAMD_NET_PROC_H
#define ROAMD_NET_PROC_H

#include <stdint.h>

#include "conn_limit.h"
#include "net_msg.h"
#include "sandbox.h"
#include "tls.h"

/* The descriptors the monitor gives the network process's program. */
#define ROAMD_NET_FD_CTL 3
#define ROAMD_NET_FD_CLIENTS 4
#define ROAMD_NET_FD_PEERS 5

struct roamd_netd {
    int ctl, listen_fd, peer_fd;
    roam_tls_ctx *client_tls, *peer_tls_server, *peer_tls_client;
    roam_pool *client_pool, *peer_pool;
    struct roam_startups startups;
    int max_per_source, handshake_ms, io_ms, max_waiting;
    int client_sessions, peer_sessions;
    enum roam_sandbox_mode seccomp;
    uint32_t next_id;
};

/* The network process's program: read the configuration message on ctl,
 * load, drop privileges, then keep a worker running until the monitor
 * hangs up.  Its exit status. */
int roamd_net_keeper_main(int ctl, int listen_fd, int peer_fd);

/* The worker: sandbox itself, say READY, serve until the monitor hangs up.
 * Does not return. */
void roamd_net_serve(struct roamd_netd *n);

/* A relay between a TLS connection (its handshake done) and the monitor's
 * end of fd: kind and in_max say what may come in (net_relay.c).  Runs on
 * a thread of its own; on any failure it closes both. */
struct roamd_net_relay_args {
    struct roamd_netd *n;
    roam_tls_conn *c;
    int fd;
    int peer, dial;
    roam_pool *pool;                    /* NULL: no pool slot to give back */
    uint8_t key[ROAM_SOURCE_KEY_LEN];
    char addr[ROAMD_NET_ADDR_MAX + 1];
};
int roamd_net_relay_start(const struct roamd_net_relay_args *a);

/* The monitor asked for a dial (m, tcp fd): handshake and answer DIALED on
 * a thread of its own.  0, or -1 (fd closed, DIALED with the error sent). */
int roamd_net_dial_start(struct roamd_netd *n, const struct roamd_net_msg *m, int fd);

/* The seccomp allowlist of the worker (sandbox.h, ROAM_SANDBOX_NETWORK). */

#endif
