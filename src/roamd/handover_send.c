/* A handover's two packets from the destination (see handover_send.h). */
#include "handover_send.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "icmp6.h"
#include "packet.h"

int roamd_router_hello(int pkt_fd, const uint8_t *moa, const uint8_t vm_mac[6],
                       const struct in6_addr *router, char *err, size_t errlen)
{
    uint8_t ns[32], frame[128];
    struct in6_addr src, group;
    memcpy(src.s6_addr, moa, 16);
    roam_solicited_node(router, &group);
    int n = roam_ns_build(ns, sizeof ns, router, vm_mac);
    int len = n < 0 ? -1 : roam_nd_frame_build(frame, sizeof frame, vm_mac, NULL, &src, &group,
                                               ns, (size_t)n);
    if (len < 0)
        return roam_errf(err, errlen, "router hello does not fit a frame");
    return roam_packet_send(pkt_fd, frame, (size_t)len, err, errlen);
}

int roamd_registration_send(const roam_handover *h, char *err, size_t errlen)
{
    struct sockaddr_in6 ims;
    memset(&ims, 0, sizeof ims);
    ims.sin6_family = AF_INET6;
    memcpy(ims.sin6_addr.s6_addr, h->ims_addr, 16);
    ims.sin6_port = htons(h->ims_port);
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return roam_errf(err, errlen, "UDP socket: %s", strerror(errno));
    /* Connected, so that only the IMS's answer is read back. */
    if (connect(fd, (struct sockaddr *)&ims, sizeof ims) < 0 ||
        send(fd, h->reg, h->reg_len, 0) != (ssize_t)h->reg_len) {
        roam_errf(err, errlen, "registration to the IMS: %s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int roamd_ims_answered(int udp_fd, int64_t deadline)
{
    uint8_t buf[2048];
    while (roam_wait_fd(udp_fd, 0, deadline) > 0) {
        if (recv(udp_fd, buf, sizeof buf, 0) >= 0)
            return 1;
        if (errno != EAGAIN && errno != EINTR)
            return 0;   /* e.g. ICMP port unreachable: nobody answered */
    }
    return 0;
}
