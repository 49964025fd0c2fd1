/* roamd's privileged side of the split with its network process
 * (net_proc.h, docs/design.md §5.5): starts the process, passes it the
 * listeners and what it must load, turns each connection it hands over
 * into a session (link.h), asks it for TLS towards peer daemons, and
 * reports when its worker dies. */
#ifndef ROAMD_NET_MONITOR_H
#define ROAMD_NET_MONITOR_H

#include <stddef.h>

#include "link.h"

struct roamd;
struct roamd_net;

/* Start the network process with d's listeners and d->cfg's TLS files and
 * limits, and wait until it serves; each connection it hands over goes to
 * on_conn (l is on_conn's, on the channel's reader thread: it must not
 * block).  After roamd_net_stop it may be called
 * again (new limits).  0, or -1 with err. */
typedef void (*roamd_net_conn_fn)(struct roamd *d, roamd_link *l, int peer, const char *addr);
int roamd_net_start(struct roamd *d, roamd_net_conn_fn on_conn, char *err, size_t errlen);

/* Hang up on the network process (it ends its connections) and reap it. */
void roamd_net_stop(struct roamd *d);

/* TLS to the peer daemon named host on fd, a TCP socket connected to it
 * (taken).  The link, or NULL with err. */
roamd_link *roamd_net_dial(struct roamd *d, int fd, const char *host, int timeout_ms,
                           char *err, size_t errlen);

/* The network process's program: $ROAMD_NET_PROGRAM, else roamd-net
 * beside the running program, else the installed one. */
const char *roamd_net_program(char *buf, size_t len);

#endif
