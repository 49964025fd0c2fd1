/* MAT translation rules (mat_rules.c) in two network namespaces joined by a
 * veth: ICMPv6 and a live TCP session to the mobile node's HoA, captured on
 * the wire (the HoA never appears there, checksums verify), a mapping
 * switch that moves the session to the other MoA without a reset, and
 * start-up over leftovers of a killed agent. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "errbuf.h"
#include "mat_rules.h"
#include "netns.h"
#include "tap.h"
#include "wire.h"

static uint8_t CN[16], HOA[16], MOA[2][16];
static netpair np;

/* Describe one side's table for MoA number `active`. */
static void table_for(mat_table *t, mat_role role, int active)
{
    char err[ROAM_ERR_MAX];
    mat_table_init(t, role, "roam_mat_test", err, sizeof err);
    ims_mapping m = { .n = 2 };
    memcpy(m.hoa, HOA, 16);
    for (int i = 0; i < 2; i++) {
        memcpy(m.b[i].moa, MOA[i], 16);
        m.b[i].state = i == active ? IMS_ACTIVE : IMS_STANDBY;
    }
    mat_table_set(t, &m, err, sizeof err);
    if (role == MAT_MOBILE) {   /* both MoAs sit on m0: the map entry says which */
        mat_source src = { .dev = "m0" };
        memcpy(src.moa, MOA[active], 16);
        mat_table_set_sources(t, HOA, &src, 1, err, sizeof err);
    }
}

/* Apply in namespace ns: install (full) or update. */
static int apply(const char *ns, mat_role role, int active, int full)
{
    static mat_table t;
    char err[ROAM_ERR_MAX];
    table_for(&t, role, active);
    if (ns_enter(ns) < 0)
        return -1;
    mat_nft *n = mat_nft_open(err, sizeof err);
    int rc = n ? (full ? mat_rules_install(n, &t, err, sizeof err)
                       : mat_rules_update(n, &t, err, sizeof err)) : -1;
    if (rc < 0)
        tap_diag("%s: %s", ns, err);
    mat_nft_close(n);
    ns_enter(NULL);
    return rc;
}

static int sock_in(const char *ns, int type, int proto)
{
    if (ns_enter(ns) < 0)
        return -1;
    int fd = socket(AF_INET6, type | SOCK_CLOEXEC, proto);
    ns_enter(NULL);
    if (fd >= 0) {
        struct timeval tv = { .tv_sec = 2 };
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    return fd;
}

static int ping_hoa(int fd, uint16_t seq)
{
    struct sockaddr_in6 to = { .sin6_family = AF_INET6 };
    memcpy(&to.sin6_addr, HOA, 16);
    struct icmp6_hdr req = { .icmp6_type = ICMP6_ECHO_REQUEST };
    req.icmp6_id = htons(0x4d41);
    req.icmp6_seq = htons(seq);
    if (sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&to, sizeof to) < 0)
        return -1;
    for (;;) {
        uint8_t buf[256];
        struct sockaddr_in6 from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        if (n < 0)
            return -1;
        struct icmp6_hdr *r = (struct icmp6_hdr *)buf;
        if (n >= (ssize_t)sizeof *r && r->icmp6_type == ICMP6_ECHO_REPLY &&
            r->icmp6_seq == htons(seq))
            return memcmp(&from.sin6_addr, HOA, 16) == 0 ? 0 : -2;
    }
}

/* One request/response round over the live session. */
static int round_trip(int cli, int srv, int i)
{
    char out[32], in[32];
    int n = snprintf(out, sizeof out, "round %d", i);
    if (send(cli, out, (size_t)n, MSG_NOSIGNAL) != n || recv(srv, in, sizeof in, 0) != n ||
        send(srv, in, (size_t)n, MSG_NOSIGNAL) != n || recv(cli, in, sizeof in, 0) != n)
        return -1;
    return memcmp(in, out, (size_t)n) == 0 ? 0 : -1;
}

static void test_session(void)
{
    char err[ROAM_ERR_MAX];
    tap_eq(apply(np.mn, MAT_MOBILE, 0, 1), 0, "mobile node rules installed (active MoA a::5)");
    tap_eq(apply(np.cn, MAT_CORRESPONDENT, 0, 1), 0, "correspondent rules installed");

    ns_enter(np.mn);
    int cap = wire_open("m0");
    ns_enter(NULL);
    tap_ok(cap >= 0, "capture on the mobile node's link");

    int icmp = sock_in(np.cn, SOCK_RAW, IPPROTO_ICMPV6);
    int ok = icmp >= 0;
    for (uint16_t s = 1; ok && s <= 3; s++)
        ok = ping_hoa(icmp, s) == 0;
    tap_ok(ok, "echo to the HoA answered, reply comes from the HoA");

    int ls = sock_in(np.mn, SOCK_STREAM, 0);
    struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(7411) };
    memcpy(&sa.sin6_addr, HOA, 16);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    int cli = sock_in(np.cn, SOCK_STREAM, 0);
    int srv = -1;
    if (ls >= 0 && cli >= 0 && bind(ls, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        listen(ls, 1) == 0 && connect(cli, (struct sockaddr *)&sa, sizeof sa) == 0)
        srv = accept(ls, NULL, NULL);
    tap_ok(srv >= 0, "TCP connection to [HoA]:7411 (%s)", srv < 0 ? strerror(errno) : "ok");
    struct sockaddr_in6 peer;
    socklen_t pl = sizeof peer;
    tap_ok(srv >= 0 && getpeername(srv, (struct sockaddr *)&peer, &pl) == 0 &&
           memcmp(&peer.sin6_addr, CN, 16) == 0, "mobile node's socket sees the correspondent");
    pl = sizeof peer;
    tap_ok(getpeername(cli, (struct sockaddr *)&peer, &pl) == 0 &&
           memcmp(&peer.sin6_addr, HOA, 16) == 0, "correspondent's socket is connected to the HoA");

    ok = srv >= 0;
    for (int i = 0; ok && i < 20; i++)
        ok = round_trip(cli, srv, i) == 0;
    tap_ok(ok, "20 rounds over the session before the switch");

    /* The last round's delayed ACKs (up to 40 ms, longer on a loaded
     * machine) leave before the count splits: sent via a::5, they belong
     * to "before", and a switch made before they left would count them
     * as "after". */
    usleep(200 * 1000);
    wire_stats before = { 0 };
    wire_drain(cap, HOA, (const uint8_t (*)[16])MOA, &before);

    /* The switch: one transaction on each side, mobile node first (as when
     * it tells the IMS, which pushes to the correspondent). */
    struct timeval t0, t1;
    gettimeofday(&t0, NULL);
    int sw = apply(np.mn, MAT_MOBILE, 1, 0);
    sw |= apply(np.cn, MAT_CORRESPONDENT, 1, 0);
    gettimeofday(&t1, NULL);
    tap_eq(sw, 0, "mapping switched to MoA b::5 on both sides");
    tap_diag("both nft updates took %ld us",
             (long)((t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_usec - t0.tv_usec)));

    ok = srv >= 0;
    for (int i = 20; ok && i < 40; i++)
        ok = round_trip(cli, srv, i) == 0;
    tap_ok(ok, "20 more rounds on the same session after the switch");
    for (uint16_t s = 4; ok && s <= 5; s++)
        ok = ping_hoa(icmp, s) == 0;
    tap_ok(ok, "echo to the HoA still answered from the HoA");

    usleep(50 * 1000);
    wire_stats after = { 0 };
    wire_drain(cap, HOA, (const uint8_t (*)[16])MOA, &after);
    tap_diag("before: %d frames, %d checked (%d full, %d offload seeds), TCP via a::5 %d, b::5 %d",
             before.frames, before.checked, before.full, before.partial, before.tcp_to[0],
             before.tcp_to[1]);
    tap_diag("after:  %d frames, %d checked (%d full, %d offload seeds), TCP via a::5 %d, b::5 %d",
             after.frames, after.checked, after.full, after.partial, after.tcp_to[0],
             after.tcp_to[1]);
    tap_ok(before.frames > 40 && before.with_addr == 0 && after.with_addr == 0,
           "the HoA never appears on the wire");
    tap_ok(before.checked > 40 && after.checked > 40 && before.bad_csum == 0 &&
           after.bad_csum == 0, "every TCP/ICMPv6 checksum on the wire verifies");
    tap_ok(before.tcp_to[0] > 0 && before.tcp_to[1] == 0, "before: TCP went via a::5 only");
    tap_ok(after.tcp_to[1] > 0 && after.tcp_to[0] == 0, "after: TCP goes via b::5 only");
    tap_ok(before.rst == 0 && after.rst == 0, "no TCP reset");

    if (srv >= 0)
        close(srv);
    close(cli);
    close(ls);
    close(icmp);
    close(cap);
    (void)err;
}

/* A killed agent leaves its table behind, maybe with foreign additions:
 * install replaces all of it in one go, remove leaves nothing. */
static void test_recovery(void)
{
    int rc = ns_sh(np.mn, "nft add chain ip6 roam_mat_test junk && "
                          "nft add element ip6 roam_mat_test hoa2moa { 2001:db8:d::99 . \\\"m0\\\" : 2001:db8:a::99 }");
    tap_eq(rc, 0, "leftovers added to the table");
    tap_eq(apply(np.mn, MAT_MOBILE, 0, 1), 0, "install over the leftovers");
    rc = ns_sh(np.mn, "nft list table ip6 roam_mat_test | grep -q -e junk -e d::99");
    tap_eq(rc, 1, "leftovers gone, table as described");
    rc = ns_sh(np.mn, "nft list table ip6 roam_mat_test | grep -q '2001:db8:d::10 . \"m0\" : 2001:db8:a::5'");
    tap_eq(rc, 0, "the described mapping is there");
    char err[ROAM_ERR_MAX];
    ns_enter(np.mn);
    mat_nft *n = mat_nft_open(err, sizeof err);
    int r1 = n ? mat_rules_remove(n, "roam_mat_test", err, sizeof err) : -1;
    int r2 = n ? mat_rules_remove(n, "roam_mat_test", err, sizeof err) : -1;
    mat_nft_close(n);
    ns_enter(NULL);
    tap_ok(r1 == 0 && r2 == 0, "remove works, and again on an absent table");
    tap_eq(ns_sh(np.mn, "nft list tables | grep -q roam_mat_test"), 1, "no table left");
}

int main(void)
{
    if (geteuid() != 0) {
        printf("1..0 # SKIP needs root\n");
        return 0;
    }
    signal(SIGPIPE, SIG_IGN);
    alarm(60);
    ims_addr_parse("2001:db8:c::2", CN);
    ims_addr_parse("2001:db8:d::10", HOA);
    ims_addr_parse("2001:db8:a::5", MOA[0]);
    ims_addr_parse("2001:db8:b::5", MOA[1]);

    /* Rendering needs no root, but is checked here with the rules. */
    mat_table t;
    table_for(&t, MAT_MOBILE, 0);
    char *s = mat_rules_render(&t, 0);
    tap_ok(s && strstr(s, "flush map ip6 roam_mat_test hoa2moa") &&
           strstr(s, "2001:db8:d::10 . \"m0\" : 2001:db8:a::5") && !strstr(s, "delete table"),
           "update script only replaces map contents");
    free(s);
    char err[ROAM_ERR_MAX];
    mat_source bad = { .dev = "m0\" }" };
    tap_ok(mat_table_set_sources(&t, HOA, &bad, 1, err, sizeof err) < 0 &&
           strstr(err, "not usable"), "an interface name that would break the script is refused");
    table_for(&t, MAT_CORRESPONDENT, 0);
    s = mat_rules_render(&t, 1);
    tap_ok(s && strstr(s, "2001:db8:d::10 : 2001:db8:a::5") &&
           strstr(s, "type ipv6_addr : ipv6_addr"), "a correspondent's map is keyed by the HoA alone");
    free(s);

    if (netpair_create(&np) < 0) {
        tap_ok(0, "namespaces created");
        return tap_done();
    }
    tap_ok(1, "namespaces %s and %s created", np.cn, np.mn);
    test_session();
    test_recovery();
    return tap_done();
}
