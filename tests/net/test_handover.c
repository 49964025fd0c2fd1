/* The handover datagram: round trip, hostile payloads (every truncation,
 * trailing bytes, bad magic/version, invalid fields), the registration it
 * carries (only an IMS registration making the handed-over address active,
 * nothing oversized), the destination's check against the RA it served and
 * the IMS configured there, and its recognition in captured Ethernet
 * frames (other MACs, lying lengths, spoofed source). */
#include <arpa/inet.h>
#include <string.h>

#include "errbuf.h"
#include "handover.h"
#include "handover_reg.h"
#include "icmp6.h"
#include "reg_sample.h"
#include "tap.h"

static const uint8_t vm_mac[6] = { 0x52, 0x54, 0x00, 0x52, 0x0b, 0x02 };

static void sample(roam_handover *h)
{
    memset(h, 0, sizeof *h);
    inet_pton(AF_INET6, "2001:db8:b::5054:ff:fe52:b02", h->moa);
    inet_pton(AF_INET6, "2001:db8:1::10", h->ims_addr);
    h->ims_port = 7400;
    struct reg_spec s;
    reg_spec_sample(&s, h->moa);
    h->reg_len = reg_encode(&s, h->reg, sizeof h->reg);
}

/* Ethernet + IPv6 + UDP around payload, as the guest sends it: from its
 * MAC and src to ff02::1 port ROAM_HANDOVER_PORT. */
static size_t make_frame(uint8_t *f, const uint8_t mac[6], const uint8_t src[16],
                         const uint8_t *pl, size_t plen)
{
    static const uint8_t dmac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
    memcpy(f, dmac, 6);
    memcpy(f + 6, mac, 6);
    f[12] = 0x86;
    f[13] = 0xdd;
    uint8_t *ip = f + 14;
    memset(ip, 0, 40);
    ip[0] = 0x60;
    size_t ulen = 8 + plen;
    ip[4] = (uint8_t)(ulen >> 8);
    ip[5] = (uint8_t)ulen;
    ip[6] = 17;
    ip[7] = 255;
    memcpy(ip + 8, src, 16);
    inet_pton(AF_INET6, "ff02::1", ip + 24);
    uint8_t *udp = ip + 40;
    udp[0] = 0x9c; udp[1] = 0x40;           /* any source port */
    udp[2] = ROAM_HANDOVER_PORT >> 8;
    udp[3] = ROAM_HANDOVER_PORT & 0xff;
    udp[4] = (uint8_t)(ulen >> 8);
    udp[5] = (uint8_t)ulen;
    udp[6] = udp[7] = 0;
    memcpy(udp + 8, pl, plen);
    return 14 + 40 + ulen;
}

static void test_codec(void)
{
    roam_handover h, back;
    uint8_t buf[ROAM_HANDOVER_PAYLOAD_MAX + 8];
    char err[256];
    sample(&h);
    size_t len = roam_handover_encode(&h, buf, sizeof buf);
    tap_ok(h.reg_len > 100 && len == ROAM_HANDOVER_HDR_LEN + h.reg_len &&
           memcmp(buf, "roamHO\0\1", 8) == 0,
           "encodes to header + registration (%zu bytes)", len);
    tap_ok(roam_handover_parse(buf, len, &back, err, sizeof err) == 0 &&
           memcmp(back.moa, h.moa, 16) == 0 && memcmp(back.ims_addr, h.ims_addr, 16) == 0 &&
           back.ims_port == 7400 && back.reg_len == h.reg_len &&
           memcmp(back.reg, h.reg, h.reg_len) == 0,
           "round trip (%s)", err);
    tap_ok(buf[40] == 0x1c && buf[41] == 0xe8 && buf[42] == 0 && buf[43] == h.reg_len,
           "port and length big-endian");
    tap_eq(roam_handover_encode(&h, buf, len - 1), 0, "encode refuses a short buffer");

    int all = 1;
    for (size_t cut = 0; cut < len; cut++)
        if (roam_handover_parse(buf, cut, &back, err, sizeof err) == 0)
            all = 0;
    tap_ok(all, "every truncation refused (last: %s)", err);
    buf[len] = 0;
    tap_ok(roam_handover_parse(buf, len + 1, &back, err, sizeof err) < 0 &&
           strstr(err, "after the header"), "trailing byte refused (%s)", err);

    buf[0] = 'R';
    tap_ok(roam_handover_parse(buf, len, &back, err, sizeof err) < 0 && strstr(err, "magic"),
           "bad magic refused (%s)", err);
    buf[0] = 'r';
    buf[7] = 2;
    tap_ok(roam_handover_parse(buf, len, &back, err, sizeof err) < 0 && strstr(err, "version"),
           "unknown version refused (%s)", err);
    buf[7] = 1;
    buf[40] = buf[41] = 0;
    tap_ok(roam_handover_parse(buf, len, &back, err, sizeof err) < 0 && strstr(err, "port"),
           "port 0 refused (%s)", err);
    buf[40] = 0x1c; buf[41] = 0xe8;
    tap_eq(roam_handover_parse(buf, len, &back, err, sizeof err), 0, "restored sample parses");

    /* reg_len 0 and one past the maximum, with the bytes to match. */
    h.reg_len = 0;
    tap_eq(roam_handover_encode(&h, buf, sizeof buf), 0, "encode refuses reg_len 0");
    sample(&h);
    len = roam_handover_encode(&h, buf, sizeof buf);
    buf[42] = buf[43] = 0;
    tap_ok(roam_handover_parse(buf, ROAM_HANDOVER_HDR_LEN, &back, err, sizeof err) < 0 &&
           strstr(err, "0 bytes"), "reg_len 0 refused (%s)", err);
    static uint8_t big[ROAM_HANDOVER_PAYLOAD_MAX + 1];
    memcpy(big, buf, ROAM_HANDOVER_HDR_LEN);
    big[42] = (ROAM_HANDOVER_REG_MAX + 1) >> 8;
    big[43] = (ROAM_HANDOVER_REG_MAX + 1) & 0xff;
    tap_ok(roam_handover_parse(big, sizeof big, &back, err, sizeof err) < 0 &&
           strstr(err, "at most"), "reg_len > max refused (%s)", err);
    /* The field allows 1 KiB, but no registration is that long. */
    h.reg_len = ROAM_HANDOVER_REG_MAX;
    tap_eq(roam_handover_encode(&h, big, sizeof big), 0, "encode refuses reg_len = max");
    len = ROAM_HANDOVER_PAYLOAD_MAX;
    memcpy(big, buf, ROAM_HANDOVER_HDR_LEN);
    memset(big + ROAM_HANDOVER_HDR_LEN, 0, ROAM_HANDOVER_REG_MAX);
    big[42] = ROAM_HANDOVER_REG_MAX >> 8;
    big[43] = ROAM_HANDOVER_REG_MAX & 0xff;
    tap_ok(roam_handover_parse(big, len, &back, err, sizeof err) < 0 &&
           strstr(err, "a registration is at most"), "reg_len = max refused (%s)", err);
    h.reg_len = ROAM_HANDOVER_REG_MAX + 1;
    tap_eq(roam_handover_encode(&h, big, sizeof big), 0, "encode refuses reg_len > max");

    /* Addresses that are not global unicast, in either field. */
    static const char *bad[] = { "::", "::1", "fe80::1", "ff02::1", "::ffff:192.0.2.1" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sample(&h);
        len = roam_handover_encode(&h, buf, sizeof buf);
        inet_pton(AF_INET6, bad[i], buf + 8);
        int moa_bad = roam_handover_parse(buf, len, &back, err, sizeof err) < 0 &&
                      strstr(err, "mobile address");
        tap_ok(moa_bad, "moa %s refused (%s)", bad[i], err);
        len = roam_handover_encode(&h, buf, sizeof buf);
        inet_pton(AF_INET6, bad[i], buf + 24);
        int ims_bad = roam_handover_parse(buf, len, &back, err, sizeof err) < 0 &&
                      strstr(err, "IMS address");
        tap_ok(ims_bad, "IMS address %s refused (%s)", bad[i], err);
        inet_pton(AF_INET6, bad[i], h.moa);
        tap_eq(roam_handover_encode(&h, buf, sizeof buf), 0, "encode refuses moa %s", bad[i]);
    }
}

/* h with the registration s describes; 0 if roam_handover_check takes it. */
static int check_reg(roam_handover *h, const struct reg_spec *s, char *err, size_t errlen)
{
    h->reg_len = reg_encode(s, h->reg, sizeof h->reg);
    if (h->reg_len == 0)
        return roam_errf(err, errlen, "the test's registration does not encode");
    return roam_handover_check(h, err, errlen);
}

static void test_registration(void)
{
    roam_handover h;
    roam_handover_reg reg;
    struct reg_spec s;
    char err[256];
    sample(&h);
    tap_ok(roam_handover_reg_parse(h.reg, h.reg_len, &reg, err, sizeof err) == 0 &&
           reg.seq == 7 && reg.n_bindings == 2 && memcmp(reg.active, h.moa, 16) == 0,
           "registration: the sample reads as seq 7, 2 bindings, the moa active (%s)", err);
    uint8_t hoa[16];
    inet_pton(AF_INET6, "2001:db8:e::10", hoa);
    tap_ok(memcmp(reg.hoa, hoa, 16) == 0, "registration: its home address");

    /* A payload that is not a registration at all. */
    static const char text[] = "GET / HTTP/1.1\r\nHost: example\r\n\r\n";
    memcpy(h.reg, text, sizeof text - 1);
    h.reg_len = sizeof text - 1;
    tap_ok(roam_handover_check(&h, err, sizeof err) < 0, "arbitrary bytes refused (%s)", err);
    uint8_t probe[1] = { 0 };
    memcpy(h.reg, probe, 1);
    h.reg_len = 1;
    tap_ok(roam_handover_check(&h, err, sizeof err) < 0, "a zero byte refused (%s)", err);
    static const uint8_t query[] = { 0x08, 0x01, 0x5a, 0x12, 0x0a, 0x10, 0x20, 0x01, 0x0d, 0xb8,
                                     0, 0x0e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
    memcpy(h.reg, query, sizeof query);
    h.reg_len = sizeof query;
    tap_ok(roam_handover_check(&h, err, sizeof err) < 0 && strstr(err, "not a registration"),
           "an IMS Query refused (%s)", err);

    /* Registrations of the wrong shape. */
    reg_spec_sample(&s, h.moa);
    s.pad = 700;
    tap_ok(check_reg(&h, &s, err, sizeof err) < 0 && strstr(err, "at most"),
           "oversized (a valid one padded to %zu bytes) refused (%s)", h.reg_len, err);
    reg_spec_sample(&s, h.moa);
    s.pad = 8;
    tap_ok(check_reg(&h, &s, err, sizeof err) < 0 && strstr(err, "unknown field 9"),
           "an unknown field refused (%s)", err);
    reg_spec_sample(&s, h.moa);
    s.n = 9;
    for (size_t i = 2; i < s.n; i++) {
        inet_pton(AF_INET6, "2001:db8:a::100", s.moa[i]);
        s.moa[i][15] = (uint8_t)i;
        s.state[i] = 1;
    }
    tap_ok(check_reg(&h, &s, err, sizeof err) < 0 && strstr(err, "bindings"),
           "9 bindings refused (%s)", err);
    reg_spec_sample(&s, h.moa);
    s.state[1] = 1;
    tap_ok(check_reg(&h, &s, err, sizeof err) < 0 && strstr(err, "0 active"),
           "no active binding refused (%s)", err);
    reg_spec_sample(&s, h.moa);
    s.state[0] = 2;
    tap_ok(check_reg(&h, &s, err, sizeof err) < 0 && strstr(err, "2 active"),
           "two active bindings refused (%s)", err);
    reg_spec_sample(&s, h.moa);
    inet_pton(AF_INET6, "2001:db8:b::66", s.moa[1]);
    tap_ok(check_reg(&h, &s, err, sizeof err) < 0 && strstr(err, "another address active"),
           "a registration for another mobile address refused (%s)", err);
    reg_spec_sample(&s, h.moa);
    memcpy(s.moa[0], h.moa, 16);
    tap_ok(check_reg(&h, &s, err, sizeof err) < 0 && strstr(err, "twice"),
           "an address bound twice refused (%s)", err);
    reg_spec_sample(&s, h.moa);
    s.state[0] = 3;
    tap_ok(check_reg(&h, &s, err, sizeof err) < 0 && strstr(err, "state 3"),
           "an unknown binding state refused (%s)", err);
    reg_spec_sample(&s, h.moa);
    s.no_hoa = 1;
    tap_ok(check_reg(&h, &s, err, sizeof err) < 0 && strstr(err, "home address"),
           "no home address refused (%s)", err);
    reg_spec_sample(&s, h.moa);
    inet_pton(AF_INET6, "fe80::1", s.hoa);
    tap_ok(check_reg(&h, &s, err, sizeof err) < 0 && strstr(err, "home address"),
           "a link-local home address refused (%s)", err);
    reg_spec_sample(&s, h.moa);
    s.seq = 0;
    tap_ok(check_reg(&h, &s, err, sizeof err) < 0 && strstr(err, "sequence"),
           "no sequence number refused (%s)", err);
    reg_spec_sample(&s, h.moa);
    s.sig_len = 0;
    tap_ok(check_reg(&h, &s, err, sizeof err) < 0 && strstr(err, "signature"),
           "no signature refused (%s)", err);
    reg_spec_sample(&s, h.moa);
    s.sig_len = 63;
    tap_ok(check_reg(&h, &s, err, sizeof err) < 0 && strstr(err, "signature"),
           "a short signature refused (%s)", err);
    reg_spec_sample(&s, h.moa);
    s.version = 2;
    tap_ok(check_reg(&h, &s, err, sizeof err) < 0 && strstr(err, "version"),
           "IMS protocol version 2 refused (%s)", err);
    reg_spec_sample(&s, h.moa);
    s.version = 0;
    tap_ok(check_reg(&h, &s, err, sizeof err) < 0 && strstr(err, "version"),
           "no version refused (%s)", err);
    reg_spec_sample(&s, h.moa);
    s.id = 12345;
    tap_ok(check_reg(&h, &s, err, sizeof err) == 0, "a request id is allowed (%s)", err);

    /* Every truncation, a field repeated, a length past the end. */
    sample(&h);
    roam_handover t = h;
    int all = 1;
    for (t.reg_len = 1; t.reg_len < h.reg_len; t.reg_len++)
        if (roam_handover_check(&t, err, sizeof err) == 0)
            all = 0;
    tap_ok(all, "every truncated registration refused (last: %s)", err);
    t = h;
    memcpy(t.reg + t.reg_len, t.reg, 2);     /* version 1 again */
    t.reg_len += 2;
    tap_ok(roam_handover_check(&t, err, sizeof err) < 0 && strstr(err, "twice"),
           "a repeated field refused (%s)", err);
    t = h;
    t.reg[3]++;                              /* the Register's length, one past the end */
    tap_ok(t.reg[2] == 0x52 && roam_handover_check(&t, err, sizeof err) < 0,
           "a length past the end refused (%s)", err);
}

/* The RA the destination served: one /64 for SLAAC (2001:db8:b::/64). */
static void served_ra(struct roam_ra_info *ra)
{
    memset(ra, 0, sizeof *ra);
    ra->n_prefix = 1;
    inet_pton(AF_INET6, "2001:db8:b::", &ra->prefix[0].prefix);
    ra->prefix[0].len = 64;
    ra->prefix[0].autonomous = 1;
    ra->prefix[0].on_link = 1;
}

/* sample(), for moa (the registration made for it). */
static void sample_for(roam_handover *h, const char *moa)
{
    sample(h);
    inet_pton(AF_INET6, moa, h->moa);
    struct reg_spec s;
    reg_spec_sample(&s, h->moa);
    h->reg_len = reg_encode(&s, h->reg, sizeof h->reg);
}

static void test_admit(void)
{
    roam_handover h;
    struct roam_ra_info ra;
    uint8_t ims[16];
    char err[256];
    served_ra(&ra);
    inet_pton(AF_INET6, "2001:db8:1::10", ims);
    sample(&h);
    tap_ok(roam_handover_admit(&h, &ra, vm_mac, ims, 7400, err, sizeof err) == 0,
           "admit: the VM's SLAAC address, to the IMS configured (%s)", err);

    tap_ok(roam_handover_admit(&h, &ra, vm_mac, ims, 7401, err, sizeof err) < 0 &&
           strstr(err, "not the IMS configured"), "admit: another IMS port refused (%s)", err);
    uint8_t other[16];
    inet_pton(AF_INET6, "2001:db8:b::1", other);
    tap_ok(roam_handover_admit(&h, &ra, vm_mac, other, 7400, err, sizeof err) < 0 &&
           strstr(err, "not the IMS configured"), "admit: another IMS address refused (%s)",
           err);
    tap_ok(roam_handover_admit(&h, &ra, vm_mac, ims, 0, err, sizeof err) < 0 &&
           strstr(err, "no IMS configured"), "admit: none configured, refused (%s)", err);

    static const char *foreign[] = {
        "2001:db8:b::66",                 /* in the /64, not the VM's */
        "2001:db8:b::5054:ff:fe99:9999",  /* a co-tenant's SLAAC address */
        "2001:db8:c::5054:ff:fe52:b02",   /* the VM's interface id, another prefix */
        "fd00::5054:ff:fe52:b02",
    };
    for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++) {
        sample_for(&h, foreign[i]);
        tap_ok(roam_handover_check(&h, err, sizeof err) == 0 &&
               roam_handover_admit(&h, &ra, vm_mac, ims, 7400, err, sizeof err) < 0 &&
               strstr(err, "not the VM's SLAAC address"), "admit: moa %s refused (%s)",
               foreign[i], err);
    }
    static const uint8_t cotenant[6] = { 0x52, 0x54, 0x00, 0x99, 0x99, 0x99 };
    sample(&h);
    tap_ok(roam_handover_admit(&h, &ra, cotenant, ims, 7400, err, sizeof err) < 0,
           "admit: the VM's address is not another NIC's (%s)", err);
    ra.prefix[0].autonomous = 0;
    tap_ok(roam_handover_admit(&h, &ra, vm_mac, ims, 7400, err, sizeof err) < 0 &&
           strstr(err, "no /64 SLAAC prefix"), "admit: RA without a SLAAC prefix (%s)", err);
    served_ra(&ra);
    ra.n_prefix = 2;
    ra.prefix[1] = ra.prefix[0];
    inet_pton(AF_INET6, "2001:db8:bb::", &ra.prefix[0].prefix);
    tap_ok(roam_handover_admit(&h, &ra, vm_mac, ims, 7400, err, sizeof err) == 0,
           "admit: the VM's address in the RA's second SLAAC prefix (%s)", err);
    h.reg[h.reg_len - 1] ^= 1;   /* the signature: not the destination's to check */
    tap_ok(roam_handover_admit(&h, &ra, vm_mac, ims, 7400, err, sizeof err) == 0,
           "admit: the signature is the IMS's to check (%s)", err);
}

static void test_frames(void)
{
    roam_handover h, got;
    uint8_t pl[ROAM_HANDOVER_PAYLOAD_MAX], f[2048];
    char err[256];
    sample(&h);
    size_t plen = roam_handover_encode(&h, pl, sizeof pl);
    size_t n = make_frame(f, vm_mac, h.moa, pl, plen);
    tap_ok(roam_handover_from_frame(f, n, vm_mac, &got, err, sizeof err) == 1 &&
           got.reg_len == h.reg_len && memcmp(got.reg, h.reg, h.reg_len) == 0 &&
           memcmp(got.moa, h.moa, 16) == 0, "handover frame recognised");

    static const uint8_t other[6] = { 0x52, 0x54, 0x00, 0x99, 0x99, 0x99 };
    tap_eq(roam_handover_from_frame(f, n, other, &got, err, sizeof err), 0,
           "frame from another MAC is not a handover");
    int short_ok = 1;
    for (size_t cut = 0; cut < 14 + 40 + 8; cut++)
        if (roam_handover_from_frame(f, cut, vm_mac, &got, err, sizeof err) != 0)
            short_ok = 0;
    tap_ok(short_ok, "frames shorter than the headers are ordinary traffic");
    f[14 + 40 + 3] ^= 1;
    tap_eq(roam_handover_from_frame(f, n, vm_mac, &got, err, sizeof err), 0,
           "other UDP port is ordinary traffic");
    f[14 + 40 + 3] ^= 1;
    f[14 + 24 + 15] = 2;     /* ff02::2 */
    tap_eq(roam_handover_from_frame(f, n, vm_mac, &got, err, sizeof err), 0,
           "other destination is ordinary traffic");
    f[14 + 24 + 15] = 1;
    f[14 + 6] = 6;
    tap_eq(roam_handover_from_frame(f, n, vm_mac, &got, err, sizeof err), 0,
           "TCP is ordinary traffic");
    f[14 + 6] = 17;
    f[12] = 0x81; f[13] = 0x00;
    tap_eq(roam_handover_from_frame(f, n, vm_mac, &got, err, sizeof err), 0,
           "VLAN-tagged frame is not a handover");
    f[12] = 0x86; f[13] = 0xdd;

    uint8_t spoof[16];
    inet_pton(AF_INET6, "2001:db8:b::66", spoof);
    size_t m = make_frame(f, vm_mac, spoof, pl, plen);
    tap_ok(roam_handover_from_frame(f, m, vm_mac, &got, err, sizeof err) < 0 &&
           strstr(err, "source"), "mismatched IPv6 source refused (%s)", err);

    n = make_frame(f, vm_mac, h.moa, pl, plen);
    f[14 + 40 + 5] += 1;     /* UDP length one more than the IPv6 payload */
    tap_ok(roam_handover_from_frame(f, n, vm_mac, &got, err, sizeof err) < 0 &&
           strstr(err, "UDP length"), "UDP length lie refused (%s)", err);
    f[14 + 40 + 5] -= 1;
    f[14 + 5] += 1;          /* IPv6 payload past the frame */
    tap_ok(roam_handover_from_frame(f, n, vm_mac, &got, err, sizeof err) < 0 &&
           strstr(err, "IPv6 payload"), "IPv6 payload length lie refused (%s)", err);
    f[14 + 5] -= 1;
    f[n] = 0;
    tap_ok(roam_handover_from_frame(f, n + 1, vm_mac, &got, err, sizeof err) < 0,
           "trailing byte after the datagram refused (%s)", err);
    pl[ROAM_HANDOVER_HDR_LEN] ^= 0xff;
    n = make_frame(f, vm_mac, h.moa, pl, plen);
    tap_ok(roam_handover_from_frame(f, n, vm_mac, &got, err, sizeof err) < 0 &&
           strstr(err, "registration"), "frame carrying no registration refused (%s)", err);
    pl[ROAM_HANDOVER_HDR_LEN] ^= 0xff;
    n = make_frame(f, vm_mac, h.moa, pl, plen - 1);
    tap_ok(roam_handover_from_frame(f, n, vm_mac, &got, err, sizeof err) < 0,
           "consistent frame with a truncated payload refused (%s)", err);
}

int main(void)
{
    test_codec();
    test_registration();
    test_admit();
    test_frames();
    return tap_done();
}
