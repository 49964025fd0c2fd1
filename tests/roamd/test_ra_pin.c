/* Only the provider's router supplies the RA: RAs from another source
 * address, or in a frame from another MAC, or announcing another MAC, are
 * not taken when the router is pinned; with no pin every valid RA is.  RAs
 * are read with their frames (ra_frame.h): the frame parser checks what a
 * raw ICMPv6 socket would (hop limit, link-local source, checksum).  And
 * the destination's address confirmation takes a Neighbor Advertisement
 * only from the confirmed address itself (as root, in a network namespace:
 * handover_lab.h). */
#include <arpa/inet.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "handover_lab.h"
#include "icmp6.h"
#include "nd_sock.h"
#include "ra_cache.h"
#include "ra_frame.h"
#include "tap.h"

static void test_pin(void)
{
    uint8_t ra[64], bare[64];
    size_t n = holab_make_ra(ra);
    /* The same RA without its source link-layer address option. */
    memcpy(bare, ra, 16);
    memcpy(bare + 16, ra + 24, n - 24);
    size_t bn = n - 8;
    uint8_t rmac[6], other[6] = { 0x52, 0x54, 0x00, 0x66, 0x66, 0x66 };
    memcpy(rmac, ra + 18, 6);
    struct in6_addr router, rogue;
    inet_pton(AF_INET6, HOLAB_ROUTER, &router);
    inet_pton(AF_INET6, "fe80::5054:ff:fe00:99", &rogue);

    struct roamd_ra_pin none = { 0 }, by_addr = { .have_addr = 1 }, by_mac = { .have_mac = 1 };
    by_addr.addr = router;
    memcpy(by_mac.mac, rmac, 6);
    struct roamd_ra_pin both = by_mac;
    both.have_addr = 1;
    both.addr = router;

    tap_ok(roamd_ra_from_router(&none, &rogue, other, ra, n), "no pin: any valid RA is taken");
    tap_ok(!roamd_ra_from_router(&none, &rogue, other, ra, 10), "no pin: an invalid RA is not");
    tap_ok(roamd_ra_from_router(&by_addr, &router, other, ra, n), "address pin: the router's RA");
    tap_ok(!roamd_ra_from_router(&by_addr, &rogue, rmac, ra, n),
           "address pin: the same RA from another link-local address is refused");
    tap_ok(roamd_ra_from_router(&by_mac, &rogue, rmac, ra, n),
           "MAC pin: a frame from the router's MAC");
    tap_ok(roamd_ra_from_router(&by_mac, &rogue, rmac, bare, bn),
           "MAC pin: a frame from the router's MAC without the link-layer option");
    tap_ok(!roamd_ra_from_router(&by_mac, &router, other, ra, n),
           "MAC pin: a frame from another MAC is refused though the RA names the router's");
    ra[23] ^= 1;
    tap_ok(!roamd_ra_from_router(&by_mac, &router, rmac, ra, n),
           "MAC pin: an RA announcing another MAC is refused");
    tap_ok(!roamd_ra_from_router(&both, &router, rmac, ra, n), "both pins: each must hold");
    ra[23] ^= 1;
    tap_ok(roamd_ra_from_router(&both, &router, rmac, ra, n), "both pins: the router's RA");

    struct roamd_config cfg;
    roamd_config_defaults(&cfg);
    cfg.have_router_mac = 1;
    cfg.router_mac[5] = 7;
    struct roamd_ra_pin p;
    roamd_ra_pin_of(&cfg, &p);
    tap_ok(!p.have_addr && p.have_mac && p.mac[5] == 7, "pin taken from the configuration");
}

static void test_frame(void)
{
    uint8_t ra[64], f[256], smac[6];
    size_t n = holab_make_ra(ra);
    struct in6_addr router, all, global, src;
    inet_pton(AF_INET6, HOLAB_ROUTER, &router);
    inet_pton(AF_INET6, "ff02::1", &all);
    inet_pton(AF_INET6, "2001:db8::1", &global);
    const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01 };
    int fl = roam_nd_frame_build(f, sizeof f, mac, NULL, &router, &all, ra, n);
    const uint8_t *got;
    size_t gl;
    /* The frame carries the checksum filled in: bytes 2-3 differ. */
    tap_ok(fl > 0 && roam_ra_frame_parse(f, (size_t)fl, &got, &gl, &src, smac) &&
           gl == n && memcmp(got, ra, 2) == 0 && memcmp(got + 4, ra + 4, n - 4) == 0 &&
           memcmp(&src, &router, 16) == 0 &&
           memcmp(smac, mac, 6) == 0, "RA frame: message, source and MAC");
    tap_ok(!roam_ra_frame_parse(f, (size_t)fl - 1, &got, &gl, &src, smac),
           "RA frame: truncated refused");
    f[ROAM_ETH_HLEN + 7] = 254;
    tap_ok(!roam_ra_frame_parse(f, (size_t)fl, &got, &gl, &src, smac),
           "RA frame: hop limit below 255 refused");
    f[ROAM_ETH_HLEN + 7] = 255;
    f[fl - 1] ^= 1;
    tap_ok(!roam_ra_frame_parse(f, (size_t)fl, &got, &gl, &src, smac),
           "RA frame: bad checksum refused");
    fl = roam_nd_frame_build(f, sizeof f, mac, NULL, &global, &all, ra, n);
    tap_ok(!roam_ra_frame_parse(f, (size_t)fl, &got, &gl, &src, smac),
           "RA frame: a global source address refused");
}

/* Someone on the VM's link answering for the VM's address with the VM's
 * MAC in the option, from na_src. */
static const uint8_t vm_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x02 };
static struct in6_addr vm_addr, na_src;
static volatile int na_stop;

static void *na_run(void *arg)
{
    (void)arg;
    uint8_t na[32] = { ROAM_ND_NA }, f[256];
    na[4] = 0x60;                        /* solicited, override */
    memcpy(na + 8, vm_addr.s6_addr, 16);
    na[24] = 2;                          /* target link-layer address */
    na[25] = 1;
    memcpy(na + 26, vm_mac, 6);
    struct in6_addr all;
    inet_pton(AF_INET6, "ff02::1", &all);
    int len = roam_nd_frame_build(f, sizeof f, vm_mac, NULL, &na_src, &all, na, sizeof na);
    while (len > 0 && !na_stop) {
        holab_vm_send(f, (size_t)len);
        usleep(20000);
    }
    return NULL;
}

static int probe_with_answers_from(const char *src)
{
    char err[256];
    inet_pton(AF_INET6, src, &na_src);
    na_stop = 0;
    pthread_t t;
    pthread_create(&t, NULL, na_run, NULL);
    int r = roam_nd_probe(HOLAB_BRIDGE, &vm_addr, vm_mac, 400, 50, NULL, err, sizeof err);
    na_stop = 1;
    pthread_join(t, NULL);
    return r;
}

static void test_na(void)
{
    inet_pton(AF_INET6, HOLAB_PREFIX "5054:ff:fe00:2", &vm_addr);
    /* The fresh bridge sends nothing until its link-local address is up. */
    int r = -1;
    for (int i = 0; i < 30 && r < 0; i++) {
        usleep(100000);
        r = probe_with_answers_from("fe80::5054:ff:fe66:6666");
    }
    tap_eq(r, 0,
           "confirmation: an NA for the address from another address does not count");
    tap_eq(probe_with_answers_from(HOLAB_PREFIX "5054:ff:fe00:2"), 1,
           "confirmation: the NA from the address itself does");
}

int main(void)
{
    if (holab_enter() < 0)
        tap_skip("Neighbor Advertisement pin: needs root and a network namespace");
    else
        test_na();
    test_pin();
    test_frame();
    return tap_done();
}
