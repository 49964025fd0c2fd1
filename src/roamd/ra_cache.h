/* The destination's view of its provider's Router Advertisements: a thread
 * listens on the uplink and keeps the latest valid RA, so an RaFetch is
 * answered at once instead of waiting for the router (radvd delays a
 * solicited RA by up to 0.5 s and rate-limits it to one per 3 s).  When the
 * cached RA is older than max_age (or none was seen), a Router Solicitation
 * is sent and the first RA that answers is returned, within a timeout. */
#ifndef ROAMD_RA_CACHE_H
#define ROAMD_RA_CACHE_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "wire_limits.h"

typedef struct roamd_ra_cache roamd_ra_cache;

/* Start listening on ifname (needs CAP_NET_RAW).  NULL with err. */
roamd_ra_cache *roamd_ra_cache_start(const char *ifname, int max_age_s, char *err,
                                     size_t errlen);
void roamd_ra_cache_stop(roamd_ra_cache *c);

/* A fresh RA: cached if young enough, else solicited within timeout_ms.
 * Returns its length (<= cap), or -1 with err.  *age_ms: how old it is
 * (0 when solicited now). */
int roamd_ra_get(roamd_ra_cache *c, uint8_t *buf, size_t cap, struct in6_addr *src,
                 int timeout_ms, int64_t *age_ms, char *err, size_t errlen);

#endif
