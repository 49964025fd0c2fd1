/* Only the provider's router supplies the RA: RAs from another source
 * address, or announcing another (or no) link-layer address, are not taken
 * when the router is pinned; with no pin every valid RA is. */
#include <arpa/inet.h>
#include <string.h>

#include "handover_lab.h"
#include "ra_cache.h"
#include "tap.h"

int main(void)
{
    uint8_t ra[64], bare[64];
    size_t n = holab_make_ra(ra);
    /* The same RA without its source link-layer address option. */
    memcpy(bare, ra, 16);
    memcpy(bare + 16, ra + 24, n - 24);
    size_t bn = n - 8;
    struct in6_addr router, rogue;
    inet_pton(AF_INET6, HOLAB_ROUTER, &router);
    inet_pton(AF_INET6, "fe80::5054:ff:fe00:99", &rogue);

    struct roamd_ra_pin none = { 0 }, by_addr = { .have_addr = 1 }, by_mac = { .have_mac = 1 };
    by_addr.addr = router;
    memcpy(by_mac.mac, ra + 18, 6);
    struct roamd_ra_pin both = by_mac;
    both.have_addr = 1;
    both.addr = router;

    tap_ok(roamd_ra_from_router(&none, &rogue, ra, n), "no pin: any valid RA is taken");
    tap_ok(!roamd_ra_from_router(&none, &rogue, ra, 10), "no pin: an invalid RA is not");
    tap_ok(roamd_ra_from_router(&by_addr, &router, ra, n), "address pin: the router's RA");
    tap_ok(!roamd_ra_from_router(&by_addr, &rogue, ra, n),
           "address pin: the same RA from another link-local address is refused");
    tap_ok(roamd_ra_from_router(&by_mac, &rogue, ra, n), "MAC pin: the router's MAC announced");
    tap_ok(!roamd_ra_from_router(&by_mac, &router, bare, bn),
           "MAC pin: an RA that announces no link-layer address is refused");
    ra[23] ^= 1;
    tap_ok(!roamd_ra_from_router(&by_mac, &router, ra, n),
           "MAC pin: an RA announcing another MAC is refused");
    tap_ok(!roamd_ra_from_router(&both, &router, ra, n), "both pins: each must hold");
    ra[23] ^= 1;
    tap_ok(roamd_ra_from_router(&both, &router, ra, n), "both pins: the router's RA");

    struct roamd_config cfg;
    roamd_config_defaults(&cfg);
    cfg.have_router_mac = 1;
    cfg.router_mac[5] = 7;
    struct roamd_ra_pin p;
    roamd_ra_pin_of(&cfg, &p);
    tap_ok(!p.have_addr && p.have_mac && p.mac[5] == 7, "pin taken from the configuration");
    return tap_done();
}
