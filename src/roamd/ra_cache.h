/* The destination's view of its provider's Router Advertisements: a thread
 * listens on the uplink and keeps the latest valid RA, so an RaFetch is
 * answered at once instead of waiting for the router (radvd delays a
 * solicited RA by up to 0.5 s and rate-limits it to one per 3 s).  When the
 * cached RA is older than max_age (or none was seen), a Router Solicitation
 * is sent and the first RA that answers is returned, within a timeout.
 *
 * Only RAs from the provider's router count (its link-local source address
 * and/or its MAC, as configured; RAs are read with their frames, so the MAC
 * is the frame's source, ra_frame.h): on a VM bridge
 * any guest can send a well-formed RA with hop limit 255 from a link-local
 * address, and the RA served here is what a migrating VM is given. */
#ifndef ROAMD_RA_CACHE_H
#define ROAMD_RA_CACHE_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "roamd_config.h"
#include "wire_limits.h"

typedef struct roamd_ra_cache roamd_ra_cache;

/* Who may send the RA: neither set = anyone on the link. */
struct roamd_ra_pin {
    int have_addr, have_mac;
    struct in6_addr addr;    /* the router's link-local source address */
    uint8_t mac[6];          /* its MAC */
};

/* The pin that roamd's configuration (router, router_mac) gives. */
void roamd_ra_pin_of(const struct roamd_config *cfg, struct roamd_ra_pin *pin);

/* 1 if the RA (ra, len) received from src in a frame from smac comes from
 * the pinned router: the source address is pin->addr, and the frame came
 * from pin->mac and the RA names no other link-layer address (its source
 * link-layer address option is what guests will send to), as far as each
 * is set; 0 otherwise or if the RA does not parse. */
int roamd_ra_from_router(const struct roamd_ra_pin *pin, const struct in6_addr *src,
                         const uint8_t smac[6], const uint8_t *ra, size_t len);

/* Send an RS on ifname and return the first RA from the pinned router
 * within timeout_ms.  Length, or -1 with err (timeout included; err says
 * how many RAs from others were ignored). */
int roamd_ra_fetch(const char *ifname, const struct roamd_ra_pin *pin, int timeout_ms,
                   uint8_t *buf, size_t cap, struct in6_addr *src, char *err, size_t errlen);

/* Start listening on ifname (needs CAP_NET_RAW) for RAs from pin.  NULL
 * with err. */
roamd_ra_cache *roamd_ra_cache_start(const char *ifname, const struct roamd_ra_pin *pin,
                                     int max_age_s, char *err, size_t errlen);
void roamd_ra_cache_stop(roamd_ra_cache *c);

/* A fresh RA: cached if young enough, else solicited within timeout_ms.
 * Returns its length (<= cap), or -1 with err.  *age_ms: how old it is
 * (0 when solicited now). */
int roamd_ra_get(roamd_ra_cache *c, uint8_t *buf, size_t cap, struct in6_addr *src,
                 int timeout_ms, int64_t *age_ms, char *err, size_t errlen);

#endif
