/* The source daemon's part of a migration (docs/design.md §3 steps 4-6), run on
 * the client's connection after a successful migrate-role authentication:
 * admission and RA from the destination, secondary NIC up and RA delivered,
 * the libvirt migration with progress streamed to the client, then the
 * destination's post-processing result.  Any failure rolls back (secondary
 * NIC down, VM left running here, admission dropped at the destination) and
 * the client learns which phase failed and why.  Every outcome is audited.
 * A dry run (Authenticate.dry_run) stops after the checks that change
 * nothing: the VM and its NICs here, the destination's would-be admission. */
#ifndef ROAMD_SOURCE_H
#define ROAMD_SOURCE_H

#include "challenge.h"
#include "msg.h"
#include "daemon.h"
#include "link.h"
#include "peer_early.h"

/* early: the link to the destination opened during the authentication
 * (taken and freed here), or NULL to open it now.  The admission query goes
 * out before the client's Migrate is read (it usually came in the same
 * flight as the Response); nothing here changes before it is. */
void roamd_source_migrate(struct roamd *d, roamd_link *c, const char *addr,
                          const Roam__V1__Authenticate *au,
                          const struct roamd_auth_outcome *auth,
                          struct roamd_peer_early *early);

#endif
