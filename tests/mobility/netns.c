/* Namespace pair for the MAT tests (see netns.h). */
#define _GNU_SOURCE
#include "netns.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static netpair *live;
static int home_fd = -1;

static void cleanup(void)
{
    if (!live)
        return;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null",
             live->cn, live->mn);
    if (system(cmd) != 0) { /* already gone */ }
    live = NULL;
}

static void on_signal(int sig)
{
    cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

int ns_sh(const char *ns, const char *fmt, ...)
{
    char inner[1024], cmd[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(inner, sizeof inner, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "ip netns exec %s sh -c '%s'", ns, inner);
    int rc = system(cmd);
    return rc == -1 ? -1 : WEXITSTATUS(rc);
}

int netpair_create(netpair *p)
{
    snprintf(p->cn, sizeof p->cn, "roammob%d-c", (int)getpid());
    snprintf(p->mn, sizeof p->mn, "roammob%d-m", (int)getpid());
    live = p;
    atexit(cleanup);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGALRM, on_signal);
    home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ip netns add %s && ip netns add %s && "
             "ip -n %s link add c0 type veth peer name m0 netns %s",
             p->cn, p->mn, p->cn, p->mn);
    if (home_fd < 0 || system(cmd) != 0)
        return -1;
    int rc = ns_sh(p->cn, "ip link set lo up && ip link set c0 up && "
                   "ip addr add 2001:db8:c::2/64 dev c0 nodad && "
                   "ip route add 2001:db8:a::/64 dev c0 && ip route add 2001:db8:b::/64 dev c0 && "
                   /* the HoA must be routable before translation (a default route in real life) */
                   "ip route add 2001:db8:d::/64 dev c0");
    rc |= ns_sh(p->mn, "ip link set lo up && ip link set m0 up && "
                "ip addr add 2001:db8:d::10/128 dev lo && "
                "ip addr add 2001:db8:a::5/64 dev m0 nodad && "
                "ip addr add 2001:db8:b::5/64 dev m0 nodad && "
                "ip route add 2001:db8:c::/64 dev m0");
    return rc == 0 ? 0 : -1;
}

int ns_enter(const char *ns)
{
    int fd;
    if (!ns || !*ns) {
        fd = home_fd;
    } else {
        char path[128];
        snprintf(path, sizeof path, "/run/netns/%s", ns);
        fd = open(path, O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0)
        return -1;
    int rc = setns(fd, CLONE_NEWNET);
    if (fd != home_fd)
        close(fd);
    return rc;
}
