/* The handover datagram's codec and its recognition in captured frames (see
 * handover.h). */
#include "handover.h"

#include <arpa/inet.h>
#include <string.h>

#include "bytebuf.h"
#include "errbuf.h"
#include "handover_reg.h"
#include "icmp6.h"
#include "ipv6_addr.h"
#include "wire_limits.h"

/* The peer protocol carries the registration roamd takes from the guest. */
_Static_assert(ROAM_HANDOVER_REG_MAX == ROAM_REGISTRATION_MAX, "registration bound");

#define ETH_HLEN 14
#define IP6_HLEN 40
#define UDP_HLEN 8
#define IPPROTO_UDP_ 17

static const uint8_t magic[8] = { 'r', 'o', 'a', 'm', 'H', 'O', 0x00, 0x01 };

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

int roam_handover_check(const roam_handover *h, char *err, size_t errlen)
{
    if (roam_ipv6_unicast_check(h->moa, "handover mobile address", err, errlen) < 0 ||
        roam_ipv6_unicast_check(h->ims_addr, "handover IMS address", err, errlen) < 0)
        return -1;
    if (h->ims_port == 0)
        return roam_errf(err, errlen, "handover IMS port is 0");
    if (h->reg_len == 0 || h->reg_len > ROAM_HANDOVER_REG_MAX)
        return roam_errf(err, errlen, "handover registration of %zu bytes (1..%d allowed)",
                         h->reg_len, ROAM_HANDOVER_REG_MAX);
    roam_handover_reg reg;
    if (roam_handover_reg_parse(h->reg, h->reg_len, &reg, err, errlen) < 0)
        return -1;
    if (memcmp(reg.active, h->moa, 16) != 0)
        return roam_errf(err, errlen, "handover registration makes another address active "
                         "than the mobile address it hands over");
    return 0;
}

int roam_handover_admit(const roam_handover *h, const struct roam_ra_info *ra,
                        const uint8_t mac[6], const uint8_t ims_addr[16], uint16_t ims_port,
                        char *err, size_t errlen)
{
    char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
    if (roam_handover_check(h, err, errlen) < 0)
        return -1;
    if (ims_port == 0)
        return roam_errf(err, errlen, "no IMS configured here for handovers");
    if (memcmp(h->ims_addr, ims_addr, 16) != 0 || h->ims_port != ims_port)
        return roam_errf(err, errlen, "handover for [%s]:%u, not the IMS configured here "
                         "([%s]:%u)", inet_ntop(AF_INET6, h->ims_addr, a, sizeof a),
                         h->ims_port, inet_ntop(AF_INET6, ims_addr, b, sizeof b), ims_port);
    /* Only the address the VM's own MAC gives it in the prefix served: any
     * other, even in that /64, may be a co-tenant's. */
    int prefixes = 0;
    for (size_t i = 0; i < ra->n_prefix; i++) {
        struct in6_addr slaac;
        if (!ra->prefix[i].autonomous || ra->prefix[i].len != 64)
            continue;
        prefixes++;
        roam_eui64_addr(&ra->prefix[i].prefix, mac, &slaac);
        if (memcmp(slaac.s6_addr, h->moa, 16) == 0)
            return 0;
    }
    if (prefixes == 0)
        return roam_errf(err, errlen, "no /64 SLAAC prefix in the RA served to check the "
                         "handover's mobile address against");
    return roam_errf(err, errlen, "handover mobile address %s is not the VM's SLAAC address "
                     "in the prefix served", inet_ntop(AF_INET6, h->moa, a, sizeof a));
}

size_t roam_handover_encode(const roam_handover *h, uint8_t *out, size_t cap)
{
    if (roam_handover_check(h, NULL, 0) < 0 || cap < ROAM_HANDOVER_HDR_LEN + h->reg_len)
        return 0;
    struct roam_wbuf w;
    roam_wbuf_init(&w, out, cap);
    roam_wbuf_bytes(&w, magic, sizeof magic);
    roam_wbuf_bytes(&w, h->moa, 16);
    roam_wbuf_bytes(&w, h->ims_addr, 16);
    roam_wbuf_u16be(&w, h->ims_port);
    roam_wbuf_u16be(&w, (uint16_t)h->reg_len);
    roam_wbuf_bytes(&w, h->reg, h->reg_len);
    return roam_wbuf_failed(&w) < 0 ? 0 : w.len;
}

int roam_handover_parse(const uint8_t *p, size_t len, roam_handover *h, char *err, size_t errlen)
{
    memset(h, 0, sizeof *h);
    struct roam_rbuf r;
    roam_rbuf_init(&r, p, len);
    const uint8_t *m = roam_rbuf_take(&r, sizeof magic);
    if (m == NULL || memcmp(m, magic, 6) != 0)
        return roam_errf(err, errlen, "handover datagram: bad magic");
    if (m[6] != magic[6] || m[7] != magic[7])
        return roam_errf(err, errlen, "handover datagram: unknown version %u", be16(m + 6));
    uint16_t reg_len;
    if (roam_rbuf_left(&r) < ROAM_HANDOVER_HDR_LEN - sizeof magic)
        return roam_errf(err, errlen, "handover datagram: %zu bytes, header needs %d", len,
                         ROAM_HANDOVER_HDR_LEN);
    roam_rbuf_bytes(&r, h->moa, 16);
    roam_rbuf_bytes(&r, h->ims_addr, 16);
    roam_rbuf_u16be(&r, &h->ims_port);
    roam_rbuf_u16be(&r, &reg_len);
    h->reg_len = reg_len;
    if (h->reg_len > ROAM_HANDOVER_REG_MAX)
        return roam_errf(err, errlen, "handover registration of %zu bytes (at most %d)",
                         h->reg_len, ROAM_HANDOVER_REG_MAX);
    if (roam_rbuf_left(&r) != h->reg_len)
        return roam_errf(err, errlen, "handover datagram: %zu bytes after the header, "
                         "registration length says %zu", roam_rbuf_left(&r), h->reg_len);
    roam_rbuf_bytes(&r, h->reg, h->reg_len);
    if (roam_handover_check(h, err, errlen) < 0)
        return -1;
    return 0;
}

int roam_handover_from_frame(const uint8_t *f, size_t n, const uint8_t mac[6], roam_handover *h,
                             char *err, size_t errlen)
{
    static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
    /* Which frames are handovers at all: untagged IPv6 from the guest's MAC,
     * UDP straight after the fixed header, to ff02::1 port ROAM_HANDOVER_PORT.
     * Everything else is the guest's ordinary traffic. */
    struct roam_rbuf r;
    roam_rbuf_init(&r, f, n);
    const uint8_t *eth = roam_rbuf_take(&r, ETH_HLEN);
    const uint8_t *ip = roam_rbuf_take(&r, IP6_HLEN);
    const uint8_t *udp = roam_rbuf_take(&r, UDP_HLEN);
    if (udp == NULL || memcmp(eth + 6, mac, 6) != 0 || eth[12] != 0x86 || eth[13] != 0xdd)
        return 0;
    if ((ip[0] >> 4) != 6 || ip[6] != IPPROTO_UDP_ || memcmp(ip + 24, all_nodes, 16) != 0 ||
        be16(udp + 2) != ROAM_HANDOVER_PORT)
        return 0;
    /* From here on the guest meant it as a handover, so flaws are errors.  The
     * frame is never short enough to need Ethernet padding, so the IPv6
     * payload must end exactly where the frame does.  The UDP checksum is not
     * checked: with checksum offload the guest hands its NIC a partial one,
     * and the registration inside is signed anyway. */
    size_t plen = be16(ip + 4), carried = UDP_HLEN + roam_rbuf_left(&r);
    if (plen != carried)
        return roam_errf(err, errlen, "handover frame: IPv6 payload length %zu, frame carries %zu",
                         plen, carried);
    if (be16(udp + 4) != plen)
        return roam_errf(err, errlen, "handover frame: UDP length %u, IPv6 payload %zu",
                         be16(udp + 4), plen);
    if (roam_handover_parse(roam_rbuf_rest(&r), roam_rbuf_left(&r), h, err, errlen) < 0)
        return -1;
    if (memcmp(ip + 8, h->moa, 16) != 0)
        return roam_errf(err, errlen, "handover frame: IPv6 source is not the mobile address "
                         "it hands over");
    return 1;
}
