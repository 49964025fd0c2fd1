/* Raw ICMPv6 sockets: RS/RA exchange and echo (see nd_sock.h). */
#include "nd_sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "icmp6.h"
#include "packet.h"

int roam_nd_open(const char *ifname, int type, char *err, size_t errlen)
{
    int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMPV6);
    if (fd < 0)
        return roam_errf(err, errlen, "raw ICMPv6 socket: %s (needs CAP_NET_RAW)",
                         strerror(errno));
    struct icmp6_filter f;
    ICMP6_FILTER_SETBLOCKALL(&f);
    ICMP6_FILTER_SETPASS(type, &f);
    int hops = 255, one = 1;
    unsigned idx = if_nametoindex(ifname);
    if (idx == 0) {
        roam_errf(err, errlen, "no interface %s: %s", ifname, strerror(errno));
        goto fail;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0 ||
        setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f) < 0 ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops) < 0 ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof hops) < 0 ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof idx) < 0 ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one) < 0) {
        roam_errf(err, errlen, "ICMPv6 socket options on %s: %s", ifname, strerror(errno));
        goto fail;
    }
    return fd;
fail:
    close(fd);
    return -1;
}

int roam_rs_send(int fd, const char *ifname, char *err, size_t errlen)
{
    uint8_t rs[16];
    int len = roam_rs_build(rs, sizeof rs, NULL);
    struct sockaddr_in6 to = { .sin6_family = AF_INET6,
                               .sin6_scope_id = if_nametoindex(ifname) };
    inet_pton(AF_INET6, "ff02::2", &to.sin6_addr);
    if (len < 0 || sendto(fd, rs, (size_t)len, 0, (struct sockaddr *)&to, sizeof to) != len)
        return roam_errf(err, errlen, "send RS on %s: %s", ifname, strerror(errno));
    return 0;
}

/* One datagram with its source and hop limit; 1, 0 timeout, -1 error. */
static int recv_icmp6(int fd, uint8_t *buf, size_t cap, size_t *len, struct sockaddr_in6 *src,
                      int *hops, int64_t deadline, char *err, size_t errlen)
{
    for (;;) {
        int r = roam_wait_fd(fd, 0, deadline);
        if (r == 0)
            return 0;
        if (r < 0)
            return roam_errf(err, errlen, "poll: %s", strerror(errno));
        union { struct cmsghdr h; uint8_t b[CMSG_SPACE(sizeof(int)) * 2]; } ctl;
        struct iovec iov = { .iov_base = buf, .iov_len = cap };
        struct msghdr mh = { .msg_name = src, .msg_namelen = sizeof *src, .msg_iov = &iov,
                             .msg_iovlen = 1, .msg_control = ctl.b,
                             .msg_controllen = sizeof ctl.b };
        ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                continue;
            return roam_errf(err, errlen, "recv ICMPv6: %s", strerror(errno));
        }
        if (mh.msg_flags & MSG_TRUNC)
            continue;   /* larger than any RA we accept */
        *hops = -1;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
            if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT &&
                c->cmsg_len >= CMSG_LEN(sizeof(int)))
                memcpy(hops, CMSG_DATA(c), sizeof(int));
        *len = (size_t)n;
        return 1;
    }
}

int roam_ns_send(int fd, const char *ifname, const struct in6_addr *target,
                 const uint8_t smac[6], char *err, size_t errlen)
{
    uint8_t ns[32];
    int len = roam_ns_build(ns, sizeof ns, target, smac);
    struct sockaddr_in6 to = { .sin6_family = AF_INET6,
                               .sin6_scope_id = if_nametoindex(ifname) };
    roam_solicited_node(target, &to.sin6_addr);
    if (len < 0 || sendto(fd, ns, (size_t)len, 0, (struct sockaddr *)&to, sizeof to) != len)
        return roam_errf(err, errlen, "send NS on %s: %s", ifname, strerror(errno));
    return 0;
}

int roam_na_recv(int fd, const struct in6_addr *target, int *has_tlla, uint8_t tlla[6],
                 int64_t deadline, char *err, size_t errlen)
{
    for (;;) {
        uint8_t buf[256];
        struct sockaddr_in6 from;
        struct in6_addr got;
        size_t n = 0;
        int hops = -1;
        int r = recv_icmp6(fd, buf, sizeof buf, &n, &from, &hops, deadline, err, errlen);
        if (r <= 0)
            return r;
        /* Hop limit 255: only an on-link node can have sent it.  From the
         * target itself: a guest answering for its own address answers
         * from it (Linux always does); an answer from another address is a
         * proxy's or another tenant's, not the NIC's. */
        if (hops == 255 && roam_na_parse(buf, n, &got, has_tlla, tlla) == 0 &&
            memcmp(&got, target, sizeof got) == 0 &&
            memcmp(&from.sin6_addr, target, sizeof got) == 0)
            return 1;
    }
}

int roam_nd_probe(const char *ifname, const struct in6_addr *target, const uint8_t mac[6],
                  int timeout_ms, int interval_ms, int64_t *rtt_us, char *err, size_t errlen)
{
    int64_t t0 = roam_now_ms(), deadline = roam_deadline(timeout_ms);
    uint8_t own[6];
    if (roam_if_mac(ifname, own, err, errlen) < 0)
        return -1;
    int fd = roam_nd_open(ifname, ROAM_ND_NA, err, errlen);
    if (fd < 0)
        return -1;
    int result = 0;
    while (result == 0 && roam_remaining_ms(deadline) > 0) {
        if (roam_ns_send(fd, ifname, target, own, err, errlen) < 0) {
            result = -1;
            break;
        }
        int64_t next = roam_deadline(interval_ms);
        if (next > deadline)
            next = deadline;
        for (;;) {
            uint8_t tlla[6];
            int has_tlla;
            int r = roam_na_recv(fd, target, &has_tlla, tlla, next, err, errlen);
            if (r < 0)
                result = -1;
            if (r <= 0)
                break;
            if (has_tlla && memcmp(tlla, mac, 6) == 0) {
                if (rtt_us)
                    *rtt_us = (roam_now_ms() - t0) * 1000;
                result = 1;
                break;
            }
        }
    }
    close(fd);
    return result;
}
