/* Move detection inside the VM: own-MAC RARP, and the greeting of the
 * new network's router (see mat_move.h). */
#define _GNU_SOURCE
#include "mat_move.h"

#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "icmp6.h"
#include "nd_sock.h"
#include "packet.h"
#include "rarp.h"

#define RARP_ETHERTYPE 0x8035

struct mat_move {
    size_t n;
    int rarp_fd[MAT_MAX_IFACES];
    uint8_t mac[MAT_MAX_IFACES][6];
    int hello_fd;                 /* -1: not armed */
    uint8_t hello_src[16];
    char hello_if[IF_NAMESIZE];
    struct in6_addr hello_gw;
    /* Built when armed: after a move the guest is slow, so the hello is
     * one sendto and nothing else. */
    uint8_t hello_ns[32];
    int hello_len;
    struct sockaddr_in6 hello_to;
};

mat_move *mat_move_open(const char (*ifaces)[IF_NAMESIZE], size_t n, char *err, size_t errlen)
{
    mat_move *m = calloc(1, sizeof *m);
    if (!m) {
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    m->hello_fd = -1;
    for (size_t i = 0; i < n && i < MAT_MAX_IFACES; i++) {
        char e[ROAM_ERR_MAX];
        uint8_t mac[6];
        if (roam_if_mac(ifaces[i], mac, e, sizeof e) < 0)
            continue;   /* not there: the link-down signal still works for it */
        int fd = roam_packet_open(ifaces[i], RARP_ETHERTYPE, err, errlen);
        if (fd < 0) {
            mat_move_close(m);
            return NULL;
        }
        m->rarp_fd[m->n] = fd;
        memcpy(m->mac[m->n++], mac, 6);
    }
    return m;
}

void mat_move_close(mat_move *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        close(m->rarp_fd[i]);
    if (m->hello_fd >= 0)
        close(m->hello_fd);
    free(m);
}

size_t mat_move_pollfds(const mat_move *m, struct pollfd *p, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < m->n && k < cap; i++)
        p[k++] = (struct pollfd){ .fd = m->rarp_fd[i], .events = POLLIN };
    return k;
}

static int own_mac(const mat_move *m, const uint8_t mac[6])
{
    for (size_t i = 0; i < m->n; i++)
        if (memcmp(m->mac[i], mac, 6) == 0)
            return 1;
    return 0;
}

int mat_move_announced(mat_move *m)
{
    int seen = 0;
    for (size_t i = 0; i < m->n; i++)
        for (;;) {   /* drain: a burst of announcements is one event */
            uint8_t f[128], mac[6];
            char e[ROAM_ERR_MAX];
            ssize_t len = roam_packet_recv(m->rarp_fd[i], f, sizeof f, roam_deadline(0), e,
                                           sizeof e);
            if (len <= 0)
                break;
            if (roam_rarp_parse(f, (size_t)len, mac) && own_mac(m, mac))
                seen = 1;
        }
    return seen;
}

void mat_move_disarm(mat_move *m)
{
    if (m->hello_fd >= 0)
        close(m->hello_fd);
    m->hello_fd = -1;
}

int mat_move_armed(const mat_move *m)
{
    return m->hello_fd >= 0;
}

int mat_move_hello(mat_move *m, char *err, size_t errlen)
{
    if (m->hello_fd < 0)
        return roam_errf(err, errlen, "no router to greet");
    if (sendto(m->hello_fd, m->hello_ns, (size_t)m->hello_len, 0,
               (struct sockaddr *)&m->hello_to, sizeof m->hello_to) != m->hello_len)
        return roam_errf(err, errlen, "router hello on %s: %s", m->hello_if, strerror(errno));
    return 0;
}

int mat_move_arm(mat_move *m, const char *ifname, const uint8_t src[16], const uint8_t gw[16],
                 char *err, size_t errlen)
{
    if (m->hello_fd >= 0 && strcmp(ifname, m->hello_if) == 0 &&
        memcmp(src, m->hello_src, 16) == 0 && memcmp(gw, &m->hello_gw, 16) == 0)
        return 0;
    mat_move_disarm(m);
    if (strlen(ifname) >= sizeof m->hello_if)
        return roam_errf(err, errlen, "interface name %s too long", ifname);
    uint8_t mac[6];
    unsigned idx = if_nametoindex(ifname);
    if (idx == 0 || roam_if_mac(ifname, mac, err, errlen) < 0)
        return idx == 0 ? roam_errf(err, errlen, "no interface %s", ifname) : -1;
    int fd = roam_nd_open(ifname, ROAM_ND_NA, err, errlen);
    if (fd < 0)
        return -1;
    /* Send-only: the router's answer needs nobody, the kernel takes it. */
    struct icmp6_filter none;
    ICMP6_FILTER_SETBLOCKALL(&none);
    (void)setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &none, sizeof none);
    /* From the standby address: that is the neighbour entry the router
     * should learn. */
    struct sockaddr_in6 from = { .sin6_family = AF_INET6 };
    memcpy(&from.sin6_addr, src, 16);
    int one = 1;
    (void)setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof one);   /* may still be optimistic */
    if (bind(fd, (struct sockaddr *)&from, sizeof from) < 0) {
        roam_errf(err, errlen, "bind the router hello to its source: %s", strerror(errno));
        close(fd);
        return -1;
    }
    m->hello_fd = fd;
    snprintf(m->hello_if, sizeof m->hello_if, "%s", ifname);
    memcpy(&m->hello_gw, gw, 16);
    memcpy(m->hello_src, src, 16);
    m->hello_len = roam_ns_build(m->hello_ns, sizeof m->hello_ns, &m->hello_gw, mac);
    if (m->hello_len < 0) {
        mat_move_disarm(m);
        return roam_errf(err, errlen, "router hello: cannot build the solicitation");
    }
    m->hello_to = (struct sockaddr_in6){ .sin6_family = AF_INET6, .sin6_scope_id = idx,
                                         .sin6_addr = m->hello_gw };
    return 0;
}
