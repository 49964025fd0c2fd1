/* roamd's answer to Locate (roam.proto): a client whose connection to the
 * source broke after it asked for a migration asks each host where the VM
 * runs.  Only the party that authenticated that query here may learn it:
 * the Locate's MAC must verify under the locate key stored at that
 * authentication (locate_store.h).  An unknown query id and a MAC that does
 * not verify get the same answer (LOCATE_UNKNOWN), after the same work, so
 * an unauthenticated caller learns nothing, not even whether the query
 * exists.  A verified query is answered from libvirt (the VM runs here or
 * not) and the in-flight records (a migration or reconciliation of it still
 * pending here), and audited (event "locate"). */
#ifndef ROAMD_LOCATE_ANSWER_H
#define ROAMD_LOCATE_ANSWER_H

#include "daemon.h"
#include "msg.h"
#include "link.h"

/* Remember the locate key of a granted authentication au (not a dry run)
 * on this host; a failure is logged (the client then only gets "unknown"
 * later, the migration itself is not affected). */
void roamd_locate_remember(struct roamd *d, const Roam__V1__Authenticate *au,
                           const uint8_t key[32]);

/* Answer lq on c (one LocateAnswer). */
void roamd_handle_locate(struct roamd *d, roamd_link *c, const char *addr,
                         const Roam__V1__Locate *lq);

#endif
