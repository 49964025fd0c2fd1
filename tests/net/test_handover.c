/* The handover datagram: round trip, hostile payloads (every truncation,
 * trailing bytes, bad magic/version, invalid fields) and its recognition in
 * captured Ethernet frames (other MACs, lying lengths, spoofed source). */
#include <arpa/inet.h>
#include <string.h>

#include "handover.h"
#include "tap.h"

static const uint8_t vm_mac[6] = { 0x52, 0x54, 0x00, 0x52, 0x0b, 0x02 };

static void sample(roam_handover *h)
{
    memset(h, 0, sizeof *h);
    inet_pton(AF_INET6, "2001:db8:b::5054:ff:fe52:b02", h->moa);
    inet_pton(AF_INET6, "2001:db8:1::10", h->ims_addr);
    h->ims_port = 7400;
    h->reg_len = 200;
    for (size_t i = 0; i < h->reg_len; i++)
        h->reg[i] = (uint8_t)(i * 7 + 1);
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
    tap_ok(len == ROAM_HANDOVER_HDR_LEN + 200 && memcmp(buf, "roamHO\0\1", 8) == 0,
           "encodes to header + registration (%zu bytes)", len);
    tap_ok(roam_handover_parse(buf, len, &back, err, sizeof err) == 0 &&
           memcmp(back.moa, h.moa, 16) == 0 && memcmp(back.ims_addr, h.ims_addr, 16) == 0 &&
           back.ims_port == 7400 && back.reg_len == 200 && memcmp(back.reg, h.reg, 200) == 0,
           "round trip");
    tap_ok(buf[40] == 0x1c && buf[41] == 0xe8 && buf[42] == 0 && buf[43] == 200,
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
    h.reg_len = ROAM_HANDOVER_REG_MAX;
    len = roam_handover_encode(&h, big, sizeof big);
    tap_ok(len == ROAM_HANDOVER_PAYLOAD_MAX &&
           roam_handover_parse(big, len, &back, err, sizeof err) == 0,
           "reg_len = max accepted");
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
    n = make_frame(f, vm_mac, h.moa, pl, plen - 1);
    tap_ok(roam_handover_from_frame(f, n, vm_mac, &got, err, sizeof err) < 0,
           "consistent frame with a truncated payload refused (%s)", err);
}

int main(void)
{
    test_codec();
    test_frames();
    return tap_done();
}
