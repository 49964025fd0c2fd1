/* Neighbour-discovery message building and parsing (see icmp6.h). */
#include "icmp6.h"

#include <stdio.h>
#include <string.h>

#include "bytebuf.h"
#include "errbuf.h"

#define ND_OPT_SLLA 1
#define ND_OPT_PREFIX 3
#define RA_FIXED 16     /* type..retrans timer */

static uint32_t sum16(uint32_t acc, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        acc += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        acc += (uint32_t)p[len - 1] << 8;
    return acc;
}

uint16_t roam_icmp6_checksum(const struct in6_addr *src, const struct in6_addr *dst,
                             const uint8_t *msg, size_t len)
{
    uint8_t ph[8] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
                      (uint8_t)len, 0, 0, 0, IPPROTO_ICMPV6 };
    uint32_t acc = sum16(0, src->s6_addr, 16);
    acc = sum16(acc, dst->s6_addr, 16);
    acc = sum16(acc, ph, sizeof ph);
    acc = sum16(acc, msg, len);
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)~acc;
}

int roam_rs_build(uint8_t *out, size_t cap, const uint8_t mac[6])
{
    size_t len = mac ? 16 : 8;
    if (cap < len)
        return -1;
    memset(out, 0, len);
    out[0] = ROAM_ND_RS;
    if (mac) {
        out[8] = ND_OPT_SLLA;
        out[9] = 1;
        memcpy(out + 10, mac, 6);
    }
    return (int)len;
}

enum { OPT_OK, OPT_TRUNCATED, OPT_EMPTY, OPT_PAST_END };

/* Takes the next ND option (RFC 4861 4.6: type, length in units of 8 bytes)
 * from r, whole, into opt (positioned after type and length). */
static int nd_option(struct roam_rbuf *r, struct roam_rbuf *opt, uint8_t *type)
{
    const uint8_t *h = roam_rbuf_peek(r, 2);
    if (h == NULL)
        return OPT_TRUNCATED;
    size_t olen = (size_t)h[1] * 8;
    if (olen == 0)
        return OPT_EMPTY;
    const uint8_t *o = roam_rbuf_take(r, olen);
    if (o == NULL)
        return OPT_PAST_END;
    *type = o[0];
    roam_rbuf_init(opt, o, olen);
    roam_rbuf_skip(opt, 2);
    return OPT_OK;
}

int roam_ra_parse(const uint8_t *ra, size_t len, struct roam_ra_info *info,
                  char *err, size_t errlen)
{
    memset(info, 0, sizeof *info);
    struct roam_rbuf r;
    uint8_t type, code;
    roam_rbuf_init(&r, ra, len);
    if (len < RA_FIXED)
        return roam_errf(err, errlen, "RA too short (%zu bytes)", len);
    roam_rbuf_u8(&r, &type);
    roam_rbuf_u8(&r, &code);
    if (type != ROAM_ND_RA || code != 0)
        return roam_errf(err, errlen, "not a Router Advertisement (type %u code %u)", type, code);
    roam_rbuf_skip(&r, 2);   /* checksum */
    roam_rbuf_u8(&r, &info->hop_limit);
    roam_rbuf_skip(&r, 1);   /* flags */
    roam_rbuf_u16be(&r, &info->router_lifetime);
    roam_rbuf_skip(&r, RA_FIXED - 8);   /* reachable time, retrans timer */
    while (roam_rbuf_left(&r) > 0) {
        size_t off = r.off;
        struct roam_rbuf o;
        uint8_t ot;
        switch (nd_option(&r, &o, &ot)) {
        case OPT_OK: break;
        case OPT_TRUNCATED:
            return roam_errf(err, errlen, "RA option header truncated at byte %zu", off);
        case OPT_EMPTY: return roam_errf(err, errlen, "RA option of length 0 at byte %zu", off);
        default: return roam_errf(err, errlen, "RA option at byte %zu runs past the message", off);
        }
        if (ot == ND_OPT_SLLA && o.len >= 8) {
            info->has_slla = 1;
            roam_rbuf_bytes(&o, info->slla, 6);
        } else if (ot == ND_OPT_PREFIX) {
            uint8_t plen, flags;
            if (o.len != 32)
                return roam_errf(err, errlen, "prefix option of length %zu", o.len);
            roam_rbuf_u8(&o, &plen);
            roam_rbuf_u8(&o, &flags);
            if (plen > 128)
                return roam_errf(err, errlen, "prefix length %u", plen);
            if (info->n_prefix < ROAM_RA_PREFIX_MAX) {
                struct roam_ra_prefix *p = &info->prefix[info->n_prefix++];
                p->len = plen;
                p->on_link = !!(flags & 0x80);
                p->autonomous = !!(flags & 0x40);
                roam_rbuf_u32be(&o, &p->valid);
                roam_rbuf_u32be(&o, &p->preferred);
                roam_rbuf_skip(&o, 4);   /* reserved */
                roam_rbuf_bytes(&o, p->prefix.s6_addr, 16);
            }
        }
    }
    return 0;
}

void roam_eui64_addr(const struct in6_addr *prefix, const uint8_t mac[6], struct in6_addr *out)
{
    memcpy(out->s6_addr, prefix->s6_addr, 8);
    out->s6_addr[8] = mac[0] ^ 0x02;
    out->s6_addr[9] = mac[1];
    out->s6_addr[10] = mac[2];
    out->s6_addr[11] = 0xff;
    out->s6_addr[12] = 0xfe;
    out->s6_addr[13] = mac[3];
    out->s6_addr[14] = mac[4];
    out->s6_addr[15] = mac[5];
}

int roam_nd_frame_build(uint8_t *out, size_t cap, const uint8_t smac[6], const uint8_t *dmac,
                        const struct in6_addr *src, const struct in6_addr *dst,
                        const uint8_t *msg, size_t len)
{
    size_t total = ROAM_ETH_HLEN + ROAM_IP6_HLEN + len;
    if (len < 4 || len > 0xffff || cap < total)
        return -1;
    uint8_t *eth = out, *ip = out + ROAM_ETH_HLEN, *icmp = ip + ROAM_IP6_HLEN;
    if (dst->s6_addr[0] == 0xff) {
        eth[0] = 0x33;
        eth[1] = 0x33;
        memcpy(eth + 2, dst->s6_addr + 12, 4);
    } else if (dmac) {
        memcpy(eth, dmac, 6);
    } else {
        return -1;
    }
    memcpy(eth + 6, smac, 6);
    eth[12] = 0x86;
    eth[13] = 0xdd;
    memset(ip, 0, ROAM_IP6_HLEN);
    ip[0] = 0x60;
    ip[4] = (uint8_t)(len >> 8);
    ip[5] = (uint8_t)len;
    ip[6] = IPPROTO_ICMPV6;
    ip[7] = 255;
    memcpy(ip + 8, src->s6_addr, 16);
    memcpy(ip + 24, dst->s6_addr, 16);
    memcpy(icmp, msg, len);
    icmp[2] = icmp[3] = 0;
    uint16_t ck = roam_icmp6_checksum(src, dst, icmp, len);
    icmp[2] = (uint8_t)(ck >> 8);
    icmp[3] = (uint8_t)ck;
    return (int)total;
}

int roam_frame_ns_target(const uint8_t *frame, size_t len, const uint8_t *smac,
                         struct in6_addr *target)
{
    /* NS: 14 Ethernet + 40 IPv6 + 24 (type, code, checksum, reserved, target). */
    struct roam_rbuf r;
    roam_rbuf_init(&r, frame, len);
    const uint8_t *eth = roam_rbuf_take(&r, ROAM_ETH_HLEN);
    const uint8_t *ip = roam_rbuf_take(&r, ROAM_IP6_HLEN);
    const uint8_t *icmp = roam_rbuf_peek(&r, 24);
    if (icmp == NULL)
        return 0;
    if (smac && memcmp(eth + 6, smac, 6) != 0)
        return 0;
    if (eth[12] != 0x86 || eth[13] != 0xdd)
        return 0;
    if ((ip[0] >> 4) != 6 || ip[6] != IPPROTO_ICMPV6)
        return 0;
    size_t plen = (size_t)(ip[4] << 8 | ip[5]);
    if (plen < 24 || plen > roam_rbuf_left(&r))
        return 0;
    if (icmp[0] != ROAM_ND_NS || icmp[1] != 0)
        return 0;
    memcpy(target->s6_addr, icmp + 8, 16);
    return 1;
}

int roam_ns_build(uint8_t *out, size_t cap, const struct in6_addr *target, const uint8_t *smac)
{
    size_t len = smac ? 32 : 24;
    if (cap < len)
        return -1;
    memset(out, 0, len);
    out[0] = ROAM_ND_NS;
    memcpy(out + 8, target->s6_addr, 16);
    if (smac) {
        out[24] = ND_OPT_SLLA;
        out[25] = 1;
        memcpy(out + 26, smac, 6);
    }
    return (int)len;
}

#define ND_OPT_TLLA 2

int roam_na_parse(const uint8_t *msg, size_t len, struct in6_addr *target, int *has_tlla,
                  uint8_t tlla[6])
{
    *has_tlla = 0;
    struct roam_rbuf r;
    uint8_t type, code;
    roam_rbuf_init(&r, msg, len);
    if (len < 24 || roam_rbuf_u8(&r, &type) < 0 || roam_rbuf_u8(&r, &code) < 0 ||
        type != ROAM_ND_NA || code != 0)
        return -1;
    roam_rbuf_skip(&r, 6);   /* checksum, flags, reserved */
    roam_rbuf_bytes(&r, target->s6_addr, 16);
    while (roam_rbuf_left(&r) > 0) {
        struct roam_rbuf o;
        uint8_t ot;
        if (nd_option(&r, &o, &ot) != OPT_OK)
            return -1;
        if (ot == ND_OPT_TLLA && o.len >= 8) {
            *has_tlla = 1;
            roam_rbuf_bytes(&o, tlla, 6);
        }
    }
    return 0;
}

void roam_solicited_node(const struct in6_addr *addr, struct in6_addr *out)
{
    static const uint8_t base[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };
    memcpy(out->s6_addr, base, 13);
    memcpy(out->s6_addr + 13, addr->s6_addr + 13, 3);
}

int roam_mac_parse(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    char tail;
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
               &tail) != 6 || strlen(s) != 17)
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)v[i];
    return 0;
}

void roam_mac_format(const uint8_t mac[6], char out[18])
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
             mac[4], mac[5]);
}

int roam_in6_prefix_match(const struct in6_addr *addr, const struct in6_addr *prefix,
                          unsigned len)
{
    if (len > 128)
        return 0;
    unsigned full = len / 8, rest = len % 8;
    if (memcmp(addr->s6_addr, prefix->s6_addr, full) != 0)
        return 0;
    if (rest == 0)
        return 1;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (addr->s6_addr[full] & mask) == (prefix->s6_addr[full] & mask);
}
