/* AF_PACKET helpers (see packet.h). */
#include "packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

int roam_packet_open(const char *ifname, uint16_t proto, char *err, size_t errlen)
{
    unsigned idx = if_nametoindex(ifname);
    if (idx == 0)
        return roam_errf(err, errlen, "no interface %s: %s", ifname, strerror(errno));
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(proto));
    if (fd < 0)
        return roam_errf(err, errlen, "AF_PACKET socket: %s (needs CAP_NET_RAW)",
                         strerror(errno));
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(proto),
                               .sll_ifindex = (int)idx };
    int one = 1;
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
        roam_errf(err, errlen, "bind AF_PACKET to %s: %s", ifname, strerror(errno));
        close(fd);
        return -1;
    }
    /* Best effort: kernels before 4.20 lack it, and we filter by MAC anyway. */
    (void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
    return fd;
}

int roam_packet_send(int fd, const uint8_t *frame, size_t len, char *err, size_t errlen)
{
    ssize_t n = send(fd, frame, len, MSG_NOSIGNAL);
    if (n < 0)
        return roam_errf(err, errlen, "send frame: %s", strerror(errno));
    if ((size_t)n != len)
        return roam_errf(err, errlen, "send frame: short write");
    return 0;
}

ssize_t roam_packet_recv(int fd, uint8_t *buf, size_t cap, int64_t deadline,
                         char *err, size_t errlen)
{
    for (;;) {
        int r = roam_wait_fd(fd, 0, deadline);
        if (r == 0)
            return 0;
        if (r < 0)
            return roam_errf(err, errlen, "poll: %s", strerror(errno));
        ssize_t n = recv(fd, buf, cap, MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0) {
            /* ENETDOWN is reported once (and then cleared) when the device
             * went down meanwhile, e.g. a tap libvirt flips while we watch:
             * keep watching, it may come back before the deadline. */
            if (errno == EAGAIN || errno == EINTR || errno == ENETDOWN)
                continue;
            return roam_errf(err, errlen, "recv frame: %s", strerror(errno));
        }
        if (n == 0)
            continue;
        return (size_t)n > cap ? (ssize_t)cap : n;
    }
}

int roam_if_mac(const char *ifname, uint8_t mac[6], char *err, size_t errlen)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    if (strlen(ifname) >= sizeof ifr.ifr_name)
        return roam_errf(err, errlen, "interface name too long: %s", ifname);
    strcpy(ifr.ifr_name, ifname);
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return roam_errf(err, errlen, "socket: %s", strerror(errno));
    int r = ioctl(fd, SIOCGIFHWADDR, &ifr);
    int e = errno;
    close(fd);
    if (r < 0)
        return roam_errf(err, errlen, "MAC of %s: %s", ifname, strerror(e));
    memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    return 0;
}
