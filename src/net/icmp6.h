/* ICMPv6 neighbour-discovery messages roam builds and reads: Router
 * Solicitations, Router Advertisements (validated option by option), the
 * guest's duplicate-address-detection Neighbor Solicitations, and the
 * Ethernet+IPv6 framing used to hand an RA straight to one VM NIC.
 *
 * Pure functions on caller buffers: no sockets here, so every parser can be
 * unit-tested on crafted and hostile bytes. */
#ifndef ROAM_NET_ICMP6_H
#define ROAM_NET_ICMP6_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define ROAM_ND_RS 133
#define ROAM_ND_RA 134
#define ROAM_ND_NS 135
#define ROAM_ND_NA 136
#define ROAM_ICMP6_ECHO_REQUEST 128
#define ROAM_ICMP6_ECHO_REPLY 129
#define ROAM_RA_PREFIX_MAX 8     /* prefix options we keep from one RA */
#define ROAM_ETH_HLEN 14
#define ROAM_IP6_HLEN 40

struct roam_ra_prefix {
    struct in6_addr prefix;
    uint8_t len;            /* prefix length */
    int autonomous;         /* A flag: usable for SLAAC */
    int on_link;            /* L flag */
    uint32_t valid, preferred;   /* seconds */
};

struct roam_ra_info {
    uint8_t hop_limit;
    uint16_t router_lifetime;    /* seconds */
    int has_slla;
    uint8_t slla[6];             /* router's link-layer address, if sent */
    size_t n_prefix;
    struct roam_ra_prefix prefix[ROAM_RA_PREFIX_MAX];
};

/* The Internet checksum of an ICMPv6 message with its pseudo-header. */
uint16_t roam_icmp6_checksum(const struct in6_addr *src, const struct in6_addr *dst,
                             const uint8_t *msg, size_t len);

/* A Router Solicitation (type 133) with a source link-layer address option
 * when mac != NULL.  Checksum left 0 (the kernel fills it on raw sockets).
 * Returns the length or -1 if cap is too small. */
int roam_rs_build(uint8_t *out, size_t cap, const uint8_t mac[6]);

/* Validate an RA (RFC 4861 §6.1.2 rules the payload can be checked for:
 * type 134, code 0, length >= 16, every option non-zero length within the
 * message) and extract what roam uses.  0, or -1 with err naming the flaw. */
int roam_ra_parse(const uint8_t *ra, size_t len, struct roam_ra_info *info,
                  char *err, size_t errlen);

/* SLAAC address from a /64 prefix and a MAC by modified EUI-64 (RFC 4291
 * appendix A): what a guest without privacy addresses configures. */
void roam_eui64_addr(const struct in6_addr *prefix, const uint8_t mac[6],
                     struct in6_addr *out);

/* Ethernet + IPv6 frame carrying ICMPv6 message msg from src to dst with hop
 * limit 255 (ND messages require it), destination MAC derived from dst when
 * it is multicast (33:33:xx), else dmac.  The ICMPv6 checksum is (re)computed.
 * Returns the frame length or -1. */
int roam_nd_frame_build(uint8_t *out, size_t cap, const uint8_t smac[6], const uint8_t *dmac,
                        const struct in6_addr *src, const struct in6_addr *dst,
                        const uint8_t *msg, size_t len);

/* If frame is an Ethernet/IPv6 Neighbor Solicitation from MAC smac (NULL:
 * anyone), store its target address and return 1; 0 otherwise (never reads
 * past len). */
int roam_frame_ns_target(const uint8_t *frame, size_t len, const uint8_t *smac,
                         struct in6_addr *target);

/* A Neighbor Solicitation for target with a source link-layer address
 * option (smac) when smac != NULL.  Checksum 0 (raw sockets fill it).
 * Returns the length or -1. */
int roam_ns_build(uint8_t *out, size_t cap, const struct in6_addr *target, const uint8_t *smac);

/* Parse a Neighbor Advertisement (type 136): its target and, if present,
 * the target link-layer address option (which MAC answered).  0, or -1 if
 * it is not a well-formed NA. */
int roam_na_parse(const uint8_t *msg, size_t len, struct in6_addr *target, int *has_tlla,
                  uint8_t tlla[6]);

/* ff02::1:ffXX:XXXX, the solicited-node multicast group of addr. */
void roam_solicited_node(const struct in6_addr *addr, struct in6_addr *out);

/* "aa:bb:cc:dd:ee:ff" <-> 6 bytes.  Parse returns 0 or -1. */
int roam_mac_parse(const char *s, uint8_t mac[6]);
void roam_mac_format(const uint8_t mac[6], char out[18]);

/* 1 if addr lies in prefix/len. */
int roam_in6_prefix_match(const struct in6_addr *addr, const struct in6_addr *prefix,
                          unsigned len);

#endif
