/* What crossed the veth: an AF_PACKET capture socket and a checker that
 * parses each IPv6 frame and verifies its TCP/ICMPv6 checksum (fully, or
 * for checksum-offload frames the pseudo-header seed the kernel left). */
#ifndef ROAM_TESTS_MOBILITY_WIRE_H
#define ROAM_TESTS_MOBILITY_WIRE_H

#include <stdint.h>

typedef struct wire_stats {
    int frames;            /* IPv6 frames seen */
    int checked;           /* TCP/ICMPv6 frames whose checksum was verified */
    int full, partial;     /* ... fully, or as an offload pseudo-header seed */
    int bad_csum;
    int with_addr;         /* frames carrying the watched address */
    int rst;               /* TCP frames with RST */
    int tcp_to[2];         /* TCP frames with daddr or saddr == moa[0] / moa[1] */
} wire_stats;

/* Capture socket on interface ifname in the current namespace. -1 on error. */
int wire_open(const char *ifname);

/* Read everything queued (non-blocking) and account it.  watch: an address
 * that must never be on the wire (the HoA); moa: the two mobile addresses. */
void wire_drain(int fd, const uint8_t watch[16], const uint8_t moa[2][16], wire_stats *st);

#endif
