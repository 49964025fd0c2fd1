/* Keeps a VM's standby NIC deaf to the routers of the host it is leaving.
 *
 * While the source prepares a move, the VM's secondary NIC is linked up on
 * the source's bridge, where the source network's router advertises too
 * (periodically, and in answer to the Router Solicitation the guest sends
 * at link up).  A guest that takes that RA holds an address in the source's
 * prefix on the standby NIC, may offer it as its next mobile address, and
 * keeps a default router there that does not exist at the destination:
 * after the move its packets go to that router's MAC until neighbour
 * unreachability detection gives up, seconds later.  So for as long as the
 * NIC is the standby here, the bridge drops the Router Advertisements and
 * Redirects it would forward to that NIC's tap (nftables, table `bridge
 * roamd`, set `standby_taps`).  The RA roamd writes into the tap itself does
 * not cross the bridge and still arrives. */
#ifndef ROAMD_RA_GUARD_H
#define ROAMD_RA_GUARD_H

#include <stddef.h>

/* Removes the table and every guard in it: at start, so that a tap named
 * by a daemon that died is not left deaf when a later VM reuses its name.
 * 0, or -1 with err. */
int roamd_ra_guard_reset(char *err, size_t errlen);

/* Starts dropping routers' RAs and Redirects the bridge would forward to
 * TAP (the table and its rule are created as needed).  0, or -1 with err. */
int roamd_ra_guard_add(const char *tap, char *err, size_t errlen);

/* Stops it; a tap not guarded is no error.  0, or -1 with err. */
int roamd_ra_guard_del(const char *tap, char *err, size_t errlen);

#endif
