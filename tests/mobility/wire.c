/* Capture and checksum verification for the MAT tests (see wire.h). */
#include "wire.h"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int wire_open(const char *ifname)
{
    /* ETH_P_ALL: a socket bound to one ethertype sees only incoming frames. */
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL));
    if (fd < 0)
        return -1;
    int one = 1;
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
                               .sll_ifindex = (int)if_nametoindex(ifname) };
    if (sll.sll_ifindex == 0 ||
        setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one) < 0 ||
        bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        acc += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1)
        acc += (uint32_t)p[n - 1] << 8;
    return acc;
}

static uint16_t fold(uint32_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)acc;
}

static void check(const uint8_t *ip, size_t len, int partial, const uint8_t watch[16],
                  const uint8_t moa[2][16], wire_stats *st)
{
    if (len < 40 || (ip[0] >> 4) != 6)
        return;
    st->frames++;
    const uint8_t *src = ip + 8, *dst = ip + 24;
    if (memcmp(src, watch, 16) == 0 || memcmp(dst, watch, 16) == 0)
        st->with_addr++;
    size_t plen = (size_t)ip[4] << 8 | ip[5];
    uint8_t nh = ip[6];
    if (plen > len - 40 || (nh != 6 && nh != 58))
        return;
    const uint8_t *l4 = ip + 40;
    size_t csum_off = nh == 6 ? 16 : 2;
    if (plen < csum_off + 2)
        return;
    uint32_t pseudo = sum16(src, 16, 0);
    pseudo = sum16(dst, 16, pseudo);
    pseudo += (uint32_t)plen + nh;
    st->checked++;
    if (partial) {
        /* Offloaded: the field holds the folded pseudo-header sum that the
         * device (here: nobody, veth) completes.  It must match the
         * addresses actually in the header, i.e. translation updated it. */
        uint16_t field = (uint16_t)(l4[csum_off] << 8 | l4[csum_off + 1]);
        st->partial++;
        if (field != fold(pseudo))
            st->bad_csum++;
    } else {
        st->full++;
        if (fold(sum16(l4, plen, pseudo)) != 0xffff)
            st->bad_csum++;
    }
    if (nh == 6) {
        if (plen >= 14 && (l4[13] & 0x04))
            st->rst++;
        for (int k = 0; k < 2; k++)
            if (memcmp(src, moa[k], 16) == 0 || memcmp(dst, moa[k], 16) == 0)
                st->tcp_to[k]++;
    }
}

void wire_drain(int fd, const uint8_t watch[16], const uint8_t moa[2][16], wire_stats *st)
{
    uint8_t buf[65536];
    union {
        struct cmsghdr h;
        uint8_t b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
    } ctl;
    for (;;) {
        struct iovec iov = { buf, sizeof buf };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &ctl,
                             .msg_controllen = sizeof ctl };
        ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
        if (n <= 0)
            return;
        int partial = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
            if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
                struct tpacket_auxdata aux;
                memcpy(&aux, CMSG_DATA(c), sizeof aux);
                partial = (aux.tp_status & TP_STATUS_CSUMNOTREADY) != 0;
            }
        /* SOCK_RAW: the Ethernet header comes first. */
        if ((size_t)n > 14 && buf[12] == 0x86 && buf[13] == 0xdd)
            check(buf + 14, (size_t)n - 14, partial, watch, moa, st);
    }
}
