/* The destination's first two answers on a peer connection: consume the
 * admission the user's accept-role authentication left (AdmissionQuery ->
 * AdmissionAnswer), then hand out this network's Router Advertisement for
 * the source to give the VM's secondary NIC (RaFetch -> RaAnswer). */
#ifndef ROAMD_PEER_ADMIT_H
#define ROAMD_PEER_ADMIT_H

#include "msg.h"
#include "peer_session.h"

/* Answer q; 0 granted, -1 refused (audited, and the source told why).
 * A dry-run query (q->dry_run) is answered by the checks that need no
 * admission (the source's name, room in the admission table), takes
 * nothing and returns -1 either way: a dry run's conversation ends there. */
int roamd_peer_admit(struct peer_session *p, const Roam__V1__AdmissionQuery *q);

/* Answer f with the RA, kept in p for post-processing; 0, or -1 (the
 * source told why). */
int roamd_peer_give_ra(struct peer_session *p, const Roam__V1__RaFetch *f);

#endif
