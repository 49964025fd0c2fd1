/* libFuzzer harness: the parsers of packets a guest or the network sends
 * (src/net): RA (message and Ethernet frame), NS in a frame, NA, RARP, the
 * guest's handover datagram (payload and tap frame) and the registration
 * datagram inside it.  The first byte picks the parser, the rest is the
 * packet.  A handover payload that parses must encode back to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "handover.h"
#include "handover_reg.h"
#include "icmp6.h"
#include "ra_frame.h"
#include "rarp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { P_RA, P_RA_FRAME, P_NS_FRAME, P_NA, P_RARP, P_HANDOVER, P_HANDOVER_FRAME, P_REG, P_COUNT };

static void handover_roundtrip(const uint8_t *p, size_t len)
{
    static roam_handover h;
    static uint8_t out[ROAM_HANDOVER_PAYLOAD_MAX];
    char err[256];
    if (roam_handover_parse(p, len, &h, err, sizeof err) != 0)
        return;
    if (roam_handover_check(&h, err, sizeof err) != 0)
        abort();
    size_t n = roam_handover_encode(&h, out, sizeof out);
    if (n != len || memcmp(out, p, len) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *p = data + 1;
    size_t len = size - 1;
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    static roam_handover h;
    struct roam_ra_info ra;
    struct in6_addr addr;
    const uint8_t *inner;
    size_t inner_len;
    roam_handover_reg reg;
    uint8_t m[6];
    char err[256];
    int has_tlla;

    switch (data[0] % P_COUNT) {
    case P_RA:
        (void)roam_ra_parse(p, len, &ra, err, sizeof err);
        break;
    case P_RA_FRAME:
        if (roam_ra_frame_parse(p, len, &inner, &inner_len, &addr, m) == 1 &&
            (inner < p || inner + inner_len > p + len))
            abort();
        break;
    case P_NS_FRAME:
        (void)roam_frame_ns_target(p, len, NULL, &addr);
        (void)roam_frame_ns_target(p, len, mac, &addr);
        break;
    case P_NA:
        (void)roam_na_parse(p, len, &addr, &has_tlla, m);
        break;
    case P_RARP:
        (void)roam_rarp_parse(p, len, m);
        break;
    case P_HANDOVER:
        handover_roundtrip(p, len);
        break;
    case P_HANDOVER_FRAME:
        (void)roam_handover_from_frame(p, len, mac, &h, err, sizeof err);
        break;
    default:
        (void)roam_handover_reg_parse(p, len, &reg, err, sizeof err);
        break;
    }
    return 0;
}
