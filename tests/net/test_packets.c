/* RS/RA/NS/RARP building and parsing: known checksums, round trips, and
 * hostile RAs (truncated and zero-length options, wrong types). */
#include <arpa/inet.h>
#include <string.h>

#include "icmp6.h"
#include "rarp.h"
#include "tap.h"

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x52, 0x0a, 0x02 };

/* An RA as radvd sends it: hop limit 64, lifetime 1800, SLLA, one /64. */
static size_t make_ra(uint8_t *ra)
{
    memset(ra, 0, 64);
    ra[0] = 134;
    ra[4] = 64;
    ra[6] = 0x07;
    ra[7] = 0x08;
    ra[16] = 1;          /* SLLA */
    ra[17] = 1;
    memcpy(ra + 18, mac, 6);
    uint8_t *p = ra + 24;
    p[0] = 3;            /* prefix information */
    p[1] = 4;
    p[2] = 64;
    p[3] = 0xc0;         /* L, A */
    p[4] = 0; p[5] = 0x01; p[6] = 0x51; p[7] = 0x80;    /* 86400 */
    p[8] = 0; p[9] = 0; p[10] = 0x38; p[11] = 0x40;     /* 14400 */
    inet_pton(AF_INET6, "2001:db8:b::", p + 16);
    return 56;
}

static void test_ra(void)
{
    uint8_t ra[64];
    size_t len = make_ra(ra);
    struct roam_ra_info info;
    char err[256];
    tap_eq(roam_ra_parse(ra, len, &info, err, sizeof err), 0, "radvd-style RA parses");
    tap_ok(info.router_lifetime == 1800 && info.hop_limit == 64, "lifetime and hop limit");
    tap_ok(info.has_slla && memcmp(info.slla, mac, 6) == 0, "source link-layer option");
    char buf[64];
    inet_ntop(AF_INET6, &info.prefix[0].prefix, buf, sizeof buf);
    tap_ok(info.n_prefix == 1 && info.prefix[0].len == 64 && info.prefix[0].autonomous &&
           info.prefix[0].on_link && info.prefix[0].valid == 86400 &&
           strcmp(buf, "2001:db8:b::") == 0, "prefix option (%s/%u)", buf, info.prefix[0].len);

    tap_ok(roam_ra_parse(ra, 15, &info, err, sizeof err) < 0, "short RA refused (%s)", err);
    ra[17] = 0;
    tap_ok(roam_ra_parse(ra, len, &info, err, sizeof err) < 0 && strstr(err, "length 0"),
           "zero-length option refused (%s)", err);
    ra[17] = 1;
    ra[25] = 9;
    tap_ok(roam_ra_parse(ra, len, &info, err, sizeof err) < 0 && strstr(err, "past"),
           "option past the end refused (%s)", err);
    ra[25] = 4;
    tap_ok(roam_ra_parse(ra, len - 1, &info, err, sizeof err) < 0, "truncated option refused");
    tap_ok(roam_ra_parse(ra, 17, &info, err, sizeof err) < 0, "lone option byte refused");
    ra[0] = 133;
    tap_ok(roam_ra_parse(ra, len, &info, err, sizeof err) < 0, "RS is not an RA (%s)", err);
    ra[0] = 134;
    ra[1] = 1;
    tap_ok(roam_ra_parse(ra, len, &info, err, sizeof err) < 0, "nonzero code refused");
    ra[1] = 0;
    ra[26] = 129;
    tap_ok(roam_ra_parse(ra, len, &info, err, sizeof err) < 0, "prefix length 129 refused");
    ra[26] = 64;
    /* Many prefixes: kept up to the bound, the rest ignored but checked. */
    uint8_t big[16 + 32 * 12];
    memcpy(big, ra, 16);
    for (int i = 0; i < 12; i++)
        memcpy(big + 16 + 32 * i, ra + 24, 32);
    tap_ok(roam_ra_parse(big, sizeof big, &info, err, sizeof err) == 0 &&
           info.n_prefix == ROAM_RA_PREFIX_MAX, "prefix list bounded (%zu)", info.n_prefix);
}

static void test_frames(void)
{
    uint8_t ra[64], frame[256];
    size_t len = make_ra(ra);
    struct in6_addr src, dst, prefix, addr;
    inet_pton(AF_INET6, "fe80::1", &src);
    inet_pton(AF_INET6, "ff02::1", &dst);
    int n = roam_nd_frame_build(frame, sizeof frame, mac, NULL, &src, &dst, ra, len);
    tap_eq(n, (int)(14 + 40 + len), "RA frame length %d", n);
    static const uint8_t allnodes[6] = { 0x33, 0x33, 0, 0, 0, 1 };
    tap_ok(memcmp(frame, allnodes, 6) == 0 && frame[12] == 0x86 && frame[13] == 0xdd,
           "multicast MAC and IPv6 ethertype");
    tap_ok(frame[14 + 7] == 255 && frame[14 + 6] == 58, "hop limit 255, next header ICMPv6");
    /* The checksum verifies: summing with it included gives 0. */
    tap_eq(roam_icmp6_checksum(&src, &dst, frame + 54, len), 0, "ICMPv6 checksum verifies");
    tap_ok(roam_nd_frame_build(frame, 60, mac, NULL, &src, &dst, ra, len) < 0,
           "small buffer refused");
    struct in6_addr uni;
    inet_pton(AF_INET6, "2001:db8::1", &uni);
    tap_ok(roam_nd_frame_build(frame, sizeof frame, mac, NULL, &src, &uni, ra, len) < 0,
           "unicast without a MAC refused");

    inet_pton(AF_INET6, "2001:db8:b::", &prefix);
    roam_eui64_addr(&prefix, mac, &addr);
    char buf[64];
    inet_ntop(AF_INET6, &addr, buf, sizeof buf);
    tap_eq_str(buf, "2001:db8:b:0:5054:ff:fe52:a02", "EUI-64 address %s", buf);
    tap_ok(roam_in6_prefix_match(&addr, &prefix, 64) && !roam_in6_prefix_match(&src, &prefix, 64),
           "prefix match");

    /* A DAD Neighbor Solicitation from the guest for that address. */
    uint8_t ns[24] = { 135 };
    memcpy(ns + 8, addr.s6_addr, 16);
    struct in6_addr unspec = IN6ADDR_ANY_INIT, snm, target;
    inet_pton(AF_INET6, "ff02::1:ff52:a02", &snm);
    n = roam_nd_frame_build(frame, sizeof frame, mac, NULL, &unspec, &snm, ns, sizeof ns);
    tap_ok(n > 0 && roam_frame_ns_target(frame, (size_t)n, mac, &target) == 1 &&
           memcmp(&target, &addr, 16) == 0, "NS target read back");
    static const uint8_t other[6] = { 2, 0, 0, 0, 0, 1 };
    tap_eq(roam_frame_ns_target(frame, (size_t)n, other, &target), 0, "NS from another MAC ignored");
    tap_eq(roam_frame_ns_target(frame, 60, mac, &target), 0, "truncated NS ignored");

    uint8_t rs[16];
    tap_ok(roam_rs_build(rs, sizeof rs, mac) == 16 && rs[0] == 133 && rs[8] == 1,
           "RS with SLLA");
    tap_ok(roam_rs_build(rs, 4, NULL) < 0, "RS: small buffer refused");
}

static void test_ns_na(void)
{
    struct in6_addr target, got, snm;
    inet_pton(AF_INET6, "2001:db8:b:0:5054:ff:fe52:a02", &target);
    uint8_t ns[32], na[32], tlla[6];
    int has;
    tap_ok(roam_ns_build(ns, sizeof ns, &target, mac) == 32 && ns[0] == 135 &&
           memcmp(ns + 8, &target, 16) == 0 && ns[24] == 1 && ns[25] == 1,
           "NS with target and SLLA");
    tap_ok(roam_ns_build(ns, 20, &target, NULL) < 0, "NS: small buffer refused");
    roam_solicited_node(&target, &snm);
    char buf[64];
    inet_ntop(AF_INET6, &snm, buf, sizeof buf);
    tap_eq_str(buf, "ff02::1:ff52:a02", "solicited-node group %s", buf);
    memset(na, 0, sizeof na);
    na[0] = 136;
    na[4] = 0x60;
    memcpy(na + 8, &target, 16);
    na[24] = 2;          /* target link-layer address */
    na[25] = 1;
    memcpy(na + 26, mac, 6);
    tap_ok(roam_na_parse(na, 32, &got, &has, tlla) == 0 && has && memcmp(tlla, mac, 6) == 0 &&
           memcmp(&got, &target, 16) == 0, "NA: target and TLLA");
    tap_ok(roam_na_parse(na, 24, &got, &has, tlla) == 0 && !has, "NA without options");
    na[25] = 0;
    tap_ok(roam_na_parse(na, 32, &got, &has, tlla) < 0, "NA: zero-length option refused");
    na[25] = 2;
    tap_ok(roam_na_parse(na, 32, &got, &has, tlla) < 0, "NA: option past the end refused");
    na[0] = 135;
    tap_ok(roam_na_parse(na, 32, &got, &has, tlla) < 0, "NS is not an NA");
    tap_ok(roam_na_parse(na, 23, &got, &has, tlla) < 0, "short NA refused");
}

static void test_rarp(void)
{
    uint8_t f[64], got[6];
    tap_eq(roam_rarp_build(f, sizeof f, mac), ROAM_RARP_FRAME_LEN, "RARP announce built");
    tap_ok(roam_rarp_parse(f, ROAM_RARP_FRAME_LEN, got) == 1 && memcmp(got, mac, 6) == 0,
           "RARP parsed, MAC recovered");
    tap_eq(roam_rarp_parse(f, 41, got), 0, "short RARP ignored");
    f[6] ^= 1;
    tap_eq(roam_rarp_parse(f, ROAM_RARP_FRAME_LEN, got), 0, "spoofed sender ignored");
    f[6] ^= 1;
    f[13] = 0x06;
    tap_eq(roam_rarp_parse(f, ROAM_RARP_FRAME_LEN, got), 0, "ARP ethertype ignored");
    char s[18];
    uint8_t m2[6];
    roam_mac_format(mac, s);
    tap_ok(strcmp(s, "52:54:00:52:0a:02") == 0 && roam_mac_parse(s, m2) == 0 &&
           memcmp(m2, mac, 6) == 0, "MAC text round trip");
    tap_ok(roam_mac_parse("52:54:00:52:0a", m2) < 0 && roam_mac_parse("52:54:00:52:0a:02x", m2) < 0,
           "bad MAC text refused");
}

int main(void)
{
    test_ra();
    test_frames();
    test_ns_na();
    test_rarp();
    return tap_done();
}
