/* The handover datagram from the mobile node (see mat_handover.h). */
#include "mat_handover.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errbuf.h"
#include "handover.h"

int mat_handover_offer(const char *dev, const uint8_t moa[16], int ims_fd, const uint8_t *reg,
                       size_t len, char *err, size_t errlen)
{
    struct sockaddr_in6 ims;
    socklen_t il = sizeof ims;
    if (getpeername(ims_fd, (struct sockaddr *)&ims, &il) < 0 || ims.sin6_family != AF_INET6)
        return roam_errf(err, errlen, "no IMS address on the registration socket");
    if (len == 0 || len > ROAM_HANDOVER_REG_MAX)
        return roam_errf(err, errlen, "registration of %zu bytes does not fit", len);
    roam_handover h;
    memcpy(h.moa, moa, 16);
    memcpy(h.ims_addr, ims.sin6_addr.s6_addr, 16);
    h.ims_port = ntohs(ims.sin6_port);
    h.reg_len = len;
    memcpy(h.reg, reg, len);
    uint8_t payload[ROAM_HANDOVER_PAYLOAD_MAX];
    size_t n = roam_handover_encode(&h, payload, sizeof payload);
    if (n == 0) {
        char why[ROAM_ERR_MAX] = "handover does not encode";
        (void)roam_handover_check(&h, why, sizeof why);
        return roam_errf(err, errlen, "%s", why);
    }
    unsigned idx = if_nametoindex(dev);
    if (idx == 0)
        return roam_errf(err, errlen, "no device %s", dev);
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return roam_errf(err, errlen, "socket: %s", strerror(errno));
    /* From the new address, so that the hosts see which one it is; on the
     * link only (all-nodes, hop limit 1 by default for multicast). */
    struct sockaddr_in6 src = { .sin6_family = AF_INET6 };
    memcpy(src.sin6_addr.s6_addr, moa, 16);
    int loop = 0, ifi = (int)idx;
    struct sockaddr_in6 dst = { .sin6_family = AF_INET6, .sin6_port = htons(ROAM_HANDOVER_PORT),
                                .sin6_scope_id = idx };
    inet_pton(AF_INET6, "ff02::1", &dst.sin6_addr);
    int rc = 0;
    if (bind(fd, (struct sockaddr *)&src, sizeof src) < 0 ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifi, sizeof ifi) < 0 ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &loop, sizeof loop) < 0 ||
        sendto(fd, payload, n, MSG_DONTWAIT, (struct sockaddr *)&dst, sizeof dst) != (ssize_t)n)
        rc = roam_errf(err, errlen, "handover on %s: %s", dev, strerror(errno));
    close(fd);
    return rc;
}
