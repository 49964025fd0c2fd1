/* The handover datagram: how a migrating guest hands its signed-ahead IMS
 * registration to the hosts.  The guest's mobility agent sends it (IPv6 UDP
 * from its new standby address to ff02::1, port ROAM_HANDOVER_PORT) out of
 * its secondary NIC; the source roamd sees it on that NIC's tap and forwards
 * it to the destination roamd, which sends the registration to the IMS the
 * moment QEMU's RARP shows the VM running there.
 *
 * UDP payload (big-endian):
 *   "roamHO" 0x00 0x01   magic and version, 8 bytes
 *   moa       16         the VM's address in the destination prefix
 *   ims_addr  16         the IMS's address
 *   ims_port   2         the IMS's UDP port
 *   reg_len    2         then reg_len bytes of registration, nothing after
 *
 * The registration must be an IMS registration datagram whose active
 * mobile address is moa (handover_reg.h): the hosts send nothing else on
 * the guest's behalf.  The destination also checks the handover against
 * what it knows itself (roam_handover_admit): moa is the VM's SLAAC address
 * in the prefix it served, the IMS the one it is configured for.
 *
 * Pure functions on caller buffers, so every parser is unit-tested on crafted
 * and hostile bytes. */
#ifndef ROAM_NET_HANDOVER_H
#define ROAM_NET_HANDOVER_H

#include <stddef.h>
#include <stdint.h>

struct roam_ra_info;   /* icmp6.h */

#define ROAM_HANDOVER_PORT 7410
#define ROAM_HANDOVER_REG_MAX 1024          /* = IMS_DGRAM_MAX */
#define ROAM_HANDOVER_HDR_LEN 44            /* magic..reg_len */
#define ROAM_HANDOVER_PAYLOAD_MAX (ROAM_HANDOVER_HDR_LEN + ROAM_HANDOVER_REG_MAX)

typedef struct roam_handover {
    uint8_t moa[16];          /* the VM's address in the destination prefix (the switch's active MoA) */
    uint8_t ims_addr[16];     /* IMS address (IPv6; global unicast) */
    uint16_t ims_port;        /* IMS UDP port, nonzero */
    size_t reg_len;           /* 1..ROAM_HANDOVER_REG_MAX */
    uint8_t reg[ROAM_HANDOVER_REG_MAX];   /* the signed registration datagram (its shape checked) */
} roam_handover;

/* 0 if h's fields are valid (moa and ims_addr global unicast, port nonzero,
 * 1 <= reg_len <= ROAM_HANDOVER_REG_MAX, reg a registration datagram whose
 * active mobile address is moa); -1 with err naming the flaw.  Shared by
 * the codec and by roamd's check of the peer message. */
int roam_handover_check(const roam_handover *h, char *err, size_t errlen);

/* The destination's check before it keeps h for the VM whose secondary NIC
 * has MAC mac, after serving the RA ra: roam_handover_check, moa the NIC's
 * modified EUI-64 SLAAC address in one of ra's autonomous /64 prefixes, and
 * [ims_addr]:ims_port the IMS configured here (ims_port 0: none, every
 * handover refused).  0, or -1 with err naming the flaw. */
int roam_handover_admit(const roam_handover *h, const struct roam_ra_info *ra,
                        const uint8_t mac[6], const uint8_t ims_addr[16], uint16_t ims_port,
                        char *err, size_t errlen);

/* UDP payload: "roamHO" 0x00 0x01 (magic+version, 8 bytes) | moa 16 | ims_addr 16 | ims_port 2 (BE) | reg_len 2 (BE) | reg. Returns length written, 0 if cap too small or fields invalid. */
size_t roam_handover_encode(const roam_handover *h, uint8_t *out, size_t cap);

/* Parse a UDP payload; 0, or -1 with err (bad magic/version, lengths, trailing bytes, ims_addr not global unicast, port 0, moa not global unicast). */
int roam_handover_parse(const uint8_t *p, size_t len, roam_handover *h, char *err, size_t errlen);

/* An Ethernet frame captured on the VM NIC's tap: 1 and *h filled if it is an IPv6/UDP datagram to ROAM_HANDOVER_PORT from source MAC mac (not VLAN-tagged, no IPv6 extension headers needed), whose IPv6 source equals the payload's moa; 0 if it is not such a frame at all (ordinary traffic); -1 with err if it is one but malformed. Verify the UDP length fields are consistent with the frame. */
int roam_handover_from_frame(const uint8_t *f, size_t n, const uint8_t mac[6], roam_handover *h, char *err, size_t errlen);

#endif
