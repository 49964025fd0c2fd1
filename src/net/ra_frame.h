/* Router Advertisements read off the link layer (AF_PACKET) instead of a
 * raw ICMPv6 socket: only the frame shows which MAC sent the RA, and roamd
 * pins the RA it serves to its provider's router by that MAC.  A classic
 * BPF filter lets through only IPv6 frames carrying ICMPv6 type 134 right
 * after the fixed header, so the socket costs nothing for the rest of the
 * traffic on the interface (a migration stream, say).  Needs CAP_NET_RAW. */
#ifndef ROAM_NET_RA_FRAME_H
#define ROAM_NET_RA_FRAME_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* If frame is Ethernet + IPv6 (no extension header) + a valid RA as RFC
 * 4861 §6.1.2 asks (hop limit 255, link-local source, correct checksum,
 * roam_ra_parse), set *ra / *ra_len to the ICMPv6 message inside it, *src
 * to the IPv6 source and smac to the Ethernet source; return 1.  0
 * otherwise (never reads past len). */
int roam_ra_frame_parse(const uint8_t *frame, size_t len, const uint8_t **ra, size_t *ra_len,
                        struct in6_addr *src, uint8_t smac[6]);

/* AF_PACKET socket on ifname that receives only RA frames.  fd or -1. */
int roam_ra_frame_open(const char *ifname, char *err, size_t errlen);

/* Wait until deadline (deadline.h) for a valid RA on fd; its ICMPv6
 * message goes to buf.  Its length, 0 on timeout, -1 on error; *src and
 * smac as roam_ra_frame_parse sets them. */
int roam_ra_frame_recv(int fd, uint8_t *buf, size_t cap, struct in6_addr *src, uint8_t smac[6],
                       int64_t deadline, char *err, size_t errlen);

#endif
