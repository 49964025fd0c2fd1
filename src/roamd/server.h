/* roamd's main loop: the network process (net_proc.h) accepts users and
 * peer daemons and hands each finished connection to a session thread
 * (net_monitor.h); this loop serves libvirt's qemu hook (hook_server.h)
 * until told to stop, then waits for running sessions to end. */
#ifndef ROAMD_SERVER_H
#define ROAMD_SERVER_H

#include <signal.h>
#include <stddef.h>

#include "daemon.h"

/* roamd_init, then the network process (net_monitor.h).  0, or -1 with
 * err; call roamd_stop either way. */
int roamd_start(struct roamd *d, const struct roamd_config *cfg, char *err, size_t errlen);

/* Stop the network process and start it again with d->cfg's limits as
 * they are now.  0, or -1 with err. */
int roamd_net_restart(struct roamd *d, char *err, size_t errlen);

/* The network process stopped, then roamd_fini. */
void roamd_stop(struct roamd *d);

/* Serve until *stop becomes non-zero, then wait for running sessions to
 * end. */
void roamd_run(struct roamd *d, volatile sig_atomic_t *stop);

#endif
