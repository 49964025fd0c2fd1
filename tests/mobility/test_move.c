/* Move detection (src/mobility/mat_move.c) on a real veth pair in two
 * network namespaces: a RARP from one of the node's own MACs is an
 * announcement and one from a stranger is not, whatever arrives first;
 * and the router hello leaves the node's address and MAC in the other
 * side's neighbour cache, which is what the router needs after a move. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"
#include "icmp6.h"
#include "mat_move.h"
#include "netns.h"
#include "packet.h"
#include "rarp.h"
#include "tap.h"

static netpair np;

/* A RARP announcement for mac, sent from the correspondent side of the
 * pair (so it arrives on the mobile node's m0, as a bridge floods it). */
static int announce_from_peer(const uint8_t mac[6])
{
    char err[ROAM_ERR_MAX];
    uint8_t f[ROAM_RARP_FRAME_LEN];
    if (ns_enter(np.cn) < 0)
        return -1;
    int fd = roam_packet_open("c0", 0x8035, err, sizeof err);
    int len = roam_rarp_build(f, sizeof f, mac);
    int rc = fd >= 0 && len > 0 ? roam_packet_send(fd, f, (size_t)len, err, sizeof err) : -1;
    if (fd >= 0)
        close(fd);
    ns_enter(NULL);
    return rc;
}

/* Poll the announcement sockets for up to ms; the last verdict. */
static int announced_within(mat_move *m, int ms)
{
    for (int i = 0; i < ms / 10; i++) {
        if (mat_move_announced(m))
            return 1;
        usleep(10000);
    }
    return 0;
}

int main(void)
{
    if (geteuid() != 0) {
        printf("1..0 # SKIP needs root\n");
        return 0;
    }
    alarm(60);
    if (netpair_create(&np) < 0) {
        tap_ok(0, "namespaces created");
        return tap_done();
    }
    char err[ROAM_ERR_MAX];
    const char ifaces[2][IF_NAMESIZE] = { "m0", "nonexistent0" };
    uint8_t own[6], stranger[6] = { 0x52, 0x54, 0x00, 0x99, 0x99, 0x99 };
    ns_enter(np.mn);
    int have_mac = roam_if_mac("m0", own, err, sizeof err) == 0;
    mat_move *m = mat_move_open(ifaces, 2, err, sizeof err);
    ns_enter(NULL);
    tap_ok(m && have_mac, "watching m0 (a missing interface is skipped): %s", m ? "ok" : err);
    if (!m)
        return tap_done();
    struct pollfd p[4];
    tap_eq(mat_move_pollfds(m, p, 4), 1, "one socket to poll: m0's");

    tap_ok(announce_from_peer(stranger) == 0 && !announced_within(m, 300),
           "a RARP from a stranger's MAC is no announcement");
    tap_ok(announce_from_peer(own) == 0 && announced_within(m, 1000),
           "a RARP from our own MAC is");
    tap_ok(!mat_move_announced(m), "read once: no second announcement from the same frame");

    tap_ok(mat_move_hello(m, err, sizeof err) < 0 && !mat_move_armed(m),
           "no hello before arming");
    uint8_t src[16], gw[16];
    inet_pton(AF_INET6, "2001:db8:b::5", src);
    inet_pton(AF_INET6, "2001:db8:c::2", gw);
    ns_sh(np.cn, "ip -6 neigh flush dev c0");
    ns_enter(np.mn);
    int armed = mat_move_arm(m, "m0", src, gw, err, sizeof err) == 0 &&
                mat_move_arm(m, "m0", src, gw, err, sizeof err) == 0 && mat_move_armed(m);
    int sent = armed && mat_move_hello(m, err, sizeof err) == 0;
    ns_enter(NULL);
    tap_ok(armed, "armed for the router from b::5 (again: no change) %s", armed ? "" : err);
    tap_ok(sent, "hello sent %s", sent ? "" : err);
    char mac[18];
    roam_mac_format(own, mac);
    int learned = 1;
    for (int i = 0; i < 50 && (learned = ns_sh(np.cn, "ip -6 neigh show 2001:db8:b::5 dev c0 | "
                                                      "grep -qi 'lladdr %s'", mac)) != 0; i++)
        usleep(20000);
    tap_eq(learned, 0, "the router learned b::5 at %s from the hello", mac);
    mat_move_disarm(m);
    tap_ok(!mat_move_armed(m) && mat_move_hello(m, err, sizeof err) < 0, "disarmed");
    mat_move_close(m);
    return tap_done();
}
