/* The namespace and its packets for the handover checks (see
 * handover_lab.h). */
#define _GNU_SOURCE
#include "handover_lab.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "icmp6.h"
#include "packet.h"
#include "rarp.h"

#define VM_SIDE "vmho1"

static const uint8_t router_mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01 };
static pthread_t router;
static volatile int router_stop;

int holab_enter(void)
{
    if (getuid() != 0 || unshare(CLONE_NEWNET) < 0)
        return -1;
    /* No duplicate-address detection: addresses are usable at once. */
    int rc = system("sysctl -qw net.ipv6.conf.all.accept_dad=0 "
                    "net.ipv6.conf.default.accept_dad=0 >/dev/null && "
                    "ip link set lo up && ip addr add " HOLAB_IMS "/128 dev lo && "
                    "ip link add " HOLAB_BRIDGE " type bridge forward_delay 0 stp_state 0 && "
                    "ip link add vmho0 type veth peer name " VM_SIDE " && "
                    "ip link set vmho0 master " HOLAB_BRIDGE " && "
                    "ip link set vmho0 up && ip link set " VM_SIDE " up && "
                    "ip link set " HOLAB_BRIDGE " up");
    return rc == 0 ? 0 : -1;
}

/* Lifetime 1800 s, the router's MAC, one /64 for SLAAC. */
size_t holab_make_ra(uint8_t *ra)
{
    memset(ra, 0, 56);
    ra[0] = ROAM_ND_RA;
    ra[4] = 64;
    ra[6] = 0x07;
    ra[7] = 0x08;
    ra[16] = 1;
    ra[17] = 1;
    memcpy(ra + 18, router_mac, 6);
    uint8_t *p = ra + 24;
    p[0] = 3;
    p[1] = 4;
    p[2] = 64;
    p[3] = 0xc0;
    memset(p + 4, 0xff, 8);      /* lifetimes: infinite */
    inet_pton(AF_INET6, HOLAB_PREFIX, p + 16);
    return 56;
}

static void *router_run(void *arg)
{
    (void)arg;
    char err[256];
    uint8_t ra[64], frame[256];
    struct in6_addr src, dst;
    inet_pton(AF_INET6, HOLAB_ROUTER, &src);
    inet_pton(AF_INET6, "ff02::1", &dst);
    size_t n = holab_make_ra(ra);
    int len = roam_nd_frame_build(frame, sizeof frame, router_mac, NULL, &src, &dst, ra, n);
    int fd = roam_packet_open(VM_SIDE, 0, err, sizeof err);
    while (fd >= 0 && len > 0 && !router_stop) {
        roam_packet_send(fd, frame, (size_t)len, err, sizeof err);
        usleep(50000);
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

void holab_router_start(void)
{
    router_stop = 0;
    pthread_create(&router, NULL, router_run, NULL);
}

void holab_router_stop(void)
{
    router_stop = 1;
    pthread_join(router, NULL);
}

int holab_vm_send(const uint8_t *frame, size_t len)
{
    char err[256];
    int fd = roam_packet_open(VM_SIDE, 0, err, sizeof err);
    if (fd < 0)
        return -1;
    int r = roam_packet_send(fd, frame, len, err, sizeof err);
    close(fd);
    return r;
}

int holab_rarp(const uint8_t mac[6])
{
    uint8_t f[ROAM_RARP_FRAME_LEN];
    if (roam_rarp_build(f, sizeof f, mac) < 0)
        return -1;
    return holab_vm_send(f, sizeof f);
}

int holab_vm_open(void)
{
    char err[256];
    return roam_packet_open(VM_SIDE, 0x86dd, err, sizeof err);
}

size_t holab_recv_ns(int fd, const uint8_t src[16], uint8_t *f, size_t cap, int timeout_ms)
{
    char err[256];
    int64_t deadline = roam_deadline(timeout_ms);
    for (;;) {
        ssize_t n = roam_packet_recv(fd, f, cap, deadline, err, sizeof err);
        if (n <= 0)
            return 0;
        struct in6_addr target;
        if (n >= 14 + 40 && roam_frame_ns_target(f, (size_t)n, NULL, &target) &&
            memcmp(f + 14 + 8, src, 16) == 0)
            return (size_t)n;
    }
}

int holab_ims_open(uint16_t *port)
{
    struct sockaddr_in6 a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    inet_pton(AF_INET6, HOLAB_IMS, &a.sin6_addr);
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0)
        return -1;
    *port = ntohs(a.sin6_port);
    return fd;
}

size_t holab_ims_recv(int fd, uint8_t *buf, size_t cap, int timeout_ms)
{
    struct sockaddr_in6 from;
    socklen_t len = sizeof from;
    if (roam_wait_fd(fd, 0, roam_deadline(timeout_ms)) <= 0)
        return 0;
    ssize_t n = recvfrom(fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)&from, &len);
    if (n <= 0)
        return 0;
    (void)sendto(fd, "ack", 3, 0, (struct sockaddr *)&from, len);
    return (size_t)n;
}
