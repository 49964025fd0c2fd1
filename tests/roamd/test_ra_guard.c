/* The standby NIC's RA guard (src/roamd/ra_guard.h), on a real bridge in a
 * network namespace of its own (root only): with the guard on a tap, the
 * bridge forwards the router's RAs and Redirects to every port but that
 * one, and everything else still to that one; a frame written into the tap
 * itself (as roamd delivers the destination's RA) still arrives; removing
 * the guard, or a reset, lets RAs through again; removing a guard that is
 * not there is no error; names that are not tap names are refused.  The
 * guard runs in roamd, so these calls run under roamd's seccomp filter. */
#define _GNU_SOURCE   /* unshare, CLONE_NEWNET */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errbuf.h"
#include "ra_guard.h"
#include "sandbox.h"
#include "tap.h"

/* The router's side of the uplink, and the far ends of two VM taps: the
 * standby NIC's (guarded) and another VM NIC's. */
#define UPLINK "rgup1"
#define STANDBY_TAP "rgsb0"
#define STANDBY_VM "rgsb1"
#define OTHER_VM "rgot1"

static const uint8_t router_mac[6] = { 0x02, 0x52, 0x47, 0x00, 0x00, 0x01 };

static int sh(const char *cmd)
{
    return system(cmd) == 0 ? 0 : -1;
}

static int netns_enter(void)
{
    if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0)
        return -1;
    return sh("ip link set lo up && "
              "ip link add rgbr type bridge stp_state 0 forward_delay 0 mcast_snooping 0 && "
              "ip link add rgup0 type veth peer name " UPLINK " && "
              "ip link add " STANDBY_TAP " type veth peer name " STANDBY_VM " && "
              "ip link add rgot0 type veth peer name " OTHER_VM " && "
              "for l in rgup0 " STANDBY_TAP " rgot0; do ip link set $l master rgbr up || exit 1; done && "
              "for l in rgbr " UPLINK " " STANDBY_VM " " OTHER_VM "; do "
              "  sysctl -qw net.ipv6.conf.$l.disable_ipv6=1 && ip link set $l up || exit 1; done");
}

static int packet_open(const char *ifname)
{
    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
                               .sll_ifindex = (int)if_nametoindex(ifname) };
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sll, sizeof sll) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* An ICMPv6 frame of TYPE from the router to all nodes; the bridge and the
 * guard look at nothing but headers, so the checksum is left 0. */
static size_t icmp6_frame(uint8_t *f, uint8_t type)
{
    static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
    memset(f, 0, 70);
    memcpy(f, all_nodes_mac, 6);
    memcpy(f + 6, router_mac, 6);
    f[12] = 0x86, f[13] = 0xdd;
    uint8_t *ip = f + 14;
    ip[0] = 0x60;
    ip[5] = 16;                    /* payload length */
    ip[6] = 58;                    /* ICMPv6 */
    ip[7] = 255;
    ip[8] = 0xfe, ip[9] = 0x80, ip[23] = 1;             /* fe80::1 */
    ip[24] = 0xff, ip[25] = 0x02, ip[39] = 1;           /* ff02::1 */
    ip[40] = type;
    return 14 + 40 + 16;
}

static int send_frame(int fd, const uint8_t *f, size_t n)
{
    return send(fd, f, n, 0) == (ssize_t)n ? 0 : -1;
}

/* Whether an ICMPv6 frame of TYPE from the router arrives on fd within
 * 300 ms (other traffic is skipped). */
static int heard(int fd, uint8_t type)
{
    uint8_t buf[2048];
    for (int i = 0; i < 50; i++) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 300) <= 0)
            return 0;
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n >= 14 + 40 + 1 && memcmp(buf + 6, router_mac, 6) == 0 && buf[14 + 6] == 58 &&
            buf[14 + 40] == type)
            return 1;
    }
    return 0;
}

/* Sends one frame of TYPE from the router; which far ends heard it. */
static void flood(int up, int sb, int ot, uint8_t type, int *sb_heard, int *ot_heard)
{
    uint8_t f[128];
    size_t n = icmp6_frame(f, type);
    *sb_heard = *ot_heard = -1;
    if (send_frame(up, f, n) == 0) {
        *sb_heard = heard(sb, type);
        *ot_heard = heard(ot, type);
    }
}

static char err[ROAM_ERR_MAX];

/* A call's result for a point's name: "ok", or why it failed. */
static const char *why(int rc)
{
    return rc == 0 ? "ok" : err;
}

int main(void)
{
    tap_ok(roamd_ra_guard_add("vnet0\" }; flush ruleset; #", err, sizeof err) < 0,
           "a name with nft syntax is refused (%s)", err);
    tap_ok(roamd_ra_guard_add("", err, sizeof err) < 0, "an empty name is refused");
    tap_ok(roamd_ra_guard_del("this-name-is-too-long", err, sizeof err) < 0,
           "a name longer than an interface's is refused");
    if (netns_enter() < 0) {
        tap_skip("needs root and a network namespace with a bridge");
        return tap_done();
    }
    int up = packet_open(UPLINK), sb = packet_open(STANDBY_VM), ot = packet_open(OTHER_VM),
        sbtap = packet_open(STANDBY_TAP);
    if (!tap_ok(up >= 0 && sb >= 0 && ot >= 0 && sbtap >= 0, "packet sockets on the links"))
        return tap_done();
    /* The links are made (system() forks, which the filter forbids). */
    int rc = roam_sandbox_apply(ROAM_SANDBOX_ON, err, sizeof err);
    tap_ok(rc == 0, "roamd's seccomp filter applied (%s)", why(rc));
    usleep(200 * 1000);   /* the ports forward */
    int s, o;

    flood(up, sb, ot, 134, &s, &o);
    tap_ok(s == 1 && o == 1, "no guard: the router's RA reaches both VM NICs (%d %d)", s, o);

    rc = roamd_ra_guard_add(STANDBY_TAP, err, sizeof err);
    tap_ok(rc == 0, "guard on the standby tap (%s)", why(rc));
    tap_ok(roamd_ra_guard_add(STANDBY_TAP, err, sizeof err) == 0, "guarding it again is no error");
    flood(up, sb, ot, 134, &s, &o);
    tap_ok(s == 0, "guarded: the router's RA does not reach the standby NIC");
    tap_ok(o == 1, "guarded: it still reaches the other VM NIC");
    flood(up, sb, ot, 137, &s, &o);
    tap_ok(s == 0 && o == 1, "guarded: a Redirect neither (%d %d)", s, o);
    flood(up, sb, ot, 135, &s, &o);
    tap_ok(s == 1 && o == 1, "guarded: a Neighbor Solicitation reaches both (%d %d)", s, o);
    uint8_t f[128];
    size_t n = icmp6_frame(f, 134);
    tap_ok(send_frame(sbtap, f, n) == 0 && heard(sb, 134) == 1,
           "guarded: an RA written into the tap itself (roamd's delivery) arrives");

    rc = roamd_ra_guard_del(STANDBY_TAP, err, sizeof err);
    tap_ok(rc == 0, "guard removed (%s)", why(rc));
    flood(up, sb, ot, 134, &s, &o);
    tap_ok(s == 1 && o == 1, "after removal: the RA reaches both again (%d %d)", s, o);
    rc = roamd_ra_guard_del(STANDBY_TAP, err, sizeof err);
    tap_ok(rc == 0,
           "removing a guard that is not there is no error (%s)", why(rc));

    tap_ok(roamd_ra_guard_add(STANDBY_TAP, err, sizeof err) == 0, "guard on again");
    rc = roamd_ra_guard_reset(err, sizeof err);
    tap_ok(rc == 0, "reset (%s)", why(rc));
    flood(up, sb, ot, 134, &s, &o);
    tap_ok(s == 1, "after a reset (a restarted roamd): the standby NIC hears the router again");
    rc = roamd_ra_guard_reset(err, sizeof err);
    tap_ok(rc == 0, "a reset without a table is no error (%s)", why(rc));
    close(up), close(sb), close(ot), close(sbtap);
    return tap_done();
}
