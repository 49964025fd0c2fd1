/* RARP frames (ethertype 0x8035) as QEMU's self-announce sends them after a
 * migration switch-over: the destination daemon recognises its incoming VM
 * by the source MAC of these frames. */
#ifndef ROAM_NET_RARP_H
#define ROAM_NET_RARP_H

#include <stddef.h>
#include <stdint.h>

#define ROAM_ETH_P_RARP 0x8035
#define ROAM_RARP_FRAME_LEN 60   /* 14 + 28, padded to the Ethernet minimum */

/* A reverse request (opcode 3) from mac to broadcast, as QEMU builds it.
 * Returns ROAM_RARP_FRAME_LEN, or -1 if cap is too small. */
int roam_rarp_build(uint8_t *out, size_t cap, const uint8_t mac[6]);

/* 1 if frame is a well-formed Ethernet/IPv4 RARP frame whose Ethernet source
 * equals its sender hardware address; that MAC goes to mac.  0 otherwise. */
int roam_rarp_parse(const uint8_t *frame, size_t len, uint8_t mac[6]);

#endif
