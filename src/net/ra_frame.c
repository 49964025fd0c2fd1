/* RAs with their frame's source MAC (see ra_frame.h). */
#include "ra_frame.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "icmp6.h"
#include "packet.h"

#define ETH_P_IPV6_ 0x86dd
#define ICMP_OFF (ROAM_ETH_HLEN + ROAM_IP6_HLEN)
#define FRAME_MAX 2048

int roam_ra_frame_parse(const uint8_t *frame, size_t len, const uint8_t **ra, size_t *ra_len,
                        struct in6_addr *src, uint8_t smac[6])
{
    if (len < ICMP_OFF + 16 || frame[12] != 0x86 || frame[13] != 0xdd)
        return 0;
    const uint8_t *ip = frame + ROAM_ETH_HLEN;
    size_t plen = (size_t)ip[4] << 8 | ip[5];
    if ((ip[0] >> 4) != 6 || ip[6] != IPPROTO_ICMPV6 || ip[7] != 255 ||
        plen > len - ICMP_OFF)
        return 0;
    struct in6_addr s, d;
    memcpy(&s, ip + 8, 16);
    memcpy(&d, ip + 24, 16);
    const uint8_t *msg = frame + ICMP_OFF;
    struct roam_ra_info info;
    char why[128];
    if (!IN6_IS_ADDR_LINKLOCAL(&s) || roam_icmp6_checksum(&s, &d, msg, plen) != 0 ||
        roam_ra_parse(msg, plen, &info, why, sizeof why) < 0)
        return 0;
    *ra = msg;
    *ra_len = plen;
    *src = s;
    memcpy(smac, frame + 6, 6);
    return 1;
}

int roam_ra_frame_open(const char *ifname, char *err, size_t errlen)
{
    /* ethertype IPv6, next header ICMPv6, ICMPv6 type RA: keep it all. */
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6_, 0, 5),
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, ROAM_ETH_HLEN + 6),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMPV6, 0, 3),
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, ICMP_OFF),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ROAM_ND_RA, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 0xffff),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_fprog prog = { .len = sizeof code / sizeof code[0], .filter = code };
    unsigned idx = if_nametoindex(ifname);
    if (idx == 0)
        return roam_errf(err, errlen, "no interface %s: %s", ifname, strerror(errno));
    /* Protocol 0 until the filter is on: nothing is queued unfiltered. */
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return roam_errf(err, errlen, "AF_PACKET socket: %s (needs CAP_NET_RAW)",
                         strerror(errno));
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IPV6_),
                               .sll_ifindex = (int)idx };
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0 ||
        bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
        roam_errf(err, errlen, "RA socket on %s: %s", ifname, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int roam_ra_frame_recv(int fd, uint8_t *buf, size_t cap, struct in6_addr *src, uint8_t smac[6],
                       int64_t deadline, char *err, size_t errlen)
{
    for (;;) {
        uint8_t frame[FRAME_MAX];
        ssize_t n = roam_packet_recv(fd, frame, sizeof frame, deadline, err, errlen);
        if (n <= 0)
            return (int)n;
        const uint8_t *ra;
        size_t len;
        /* A frame longer than the buffer was cut: not one we can check. */
        if ((size_t)n >= sizeof frame ||
            !roam_ra_frame_parse(frame, (size_t)n, &ra, &len, src, smac) || len > cap)
            continue;
        memcpy(buf, ra, len);
        return (int)len;
    }
}
