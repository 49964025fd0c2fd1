/* The network process's keeper (net_proc.h): takes its configuration from
 * the monitor, loads TLS's certificates and keys while it may still read
 * them, gives up root, and keeps one worker serving: when a worker dies
 * (a bug, or the seccomp filter killing it) the monitor hears how, and a
 * new worker takes over the same listeners. */
#define _GNU_SOURCE
#include "net_proc.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "log.h"
#include "net_chan.h"
#include "privdrop.h"

/* Workers that die within this long of starting count as a crash loop;
 * after this many in a row the keeper gives up (and the monitor reports
 * that nothing serves the network any more). */
#define QUICK_DEATH_MS 2000
#define QUICK_DEATHS_MAX 10

static int configure(struct roamd_netd *n, const struct roamd_net_msg *m, char *err,
                     size_t errlen)
{
    char why[ROAM_ERR_MAX];
    const uint32_t *l = m->limits;
    const char (*p)[ROAMD_NET_PATH_MAX + 1] = m->paths;
    n->startups = (struct roam_startups){ (int)l[ROAMD_NET_START], (int)l[ROAMD_NET_RATE],
                                          (int)l[ROAMD_NET_FULL] };
    n->client_sessions = (int)l[ROAMD_NET_CLIENT_SESSIONS];
    n->peer_sessions = (int)l[ROAMD_NET_PEER_SESSIONS];
    n->max_per_source = (int)l[ROAMD_NET_PER_SOURCE];
    n->handshake_ms = (int)l[ROAMD_NET_HANDSHAKE_MS];
    n->io_ms = (int)l[ROAMD_NET_IO_MS];
    n->max_waiting = (int)l[ROAMD_NET_WAITING];
    n->seccomp = (enum roam_sandbox_mode)l[ROAMD_NET_SECCOMP];
    if (n->startups.full < 1 || n->client_sessions < 1 || n->peer_sessions < 1 ||
        n->max_per_source < 1 || n->handshake_ms < 1 || n->io_ms < 1 || n->max_waiting < 1)
        return roam_errf(err, errlen, "a limit of 0 in the configuration message");
    if (!(n->client_tls = roam_tls_server_ctx(p[ROAMD_NET_CERT], p[ROAMD_NET_KEY], NULL, why,
                                              sizeof why)) ||
        !(n->peer_tls_server = roam_tls_server_ctx(p[ROAMD_NET_PEER_CERT], p[ROAMD_NET_PEER_KEY],
                                                   p[ROAMD_NET_PEER_CA], why, sizeof why)) ||
        !(n->peer_tls_client = roam_tls_client_ctx(p[ROAMD_NET_PEER_CA], p[ROAMD_NET_PEER_CERT],
                                                   p[ROAMD_NET_PEER_KEY], why, sizeof why)))
        return roam_errf(err, errlen, "TLS: %s", why);
    struct roam_pool_limits pl = { .startups = n->startups, .sessions = n->client_sessions,
                                   .per_source = n->max_per_source, .per_source_sessions = 1 };
    n->client_pool = roam_pool_new(&pl);
    /* Peers are authenticated by the handshake (mutual TLS): once through
     * it, a provider may run as many migrations as its sessions allow. */
    pl.sessions = n->peer_sessions;
    pl.per_source_sessions = 0;
    n->peer_pool = roam_pool_new(&pl);
    if (!n->client_pool || !n->peer_pool)
        return roam_errf(err, errlen, "out of memory");
    return 0;
}

/* Wait until the worker ends (1, *status) or the monitor hangs up (0). */
static int wait_worker(int ctl, pid_t pid, int *status)
{
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    for (;;) {
        struct pollfd p[2] = { { ctl, 0, 0 }, { pfd, POLLIN, 0 } };
        int r = poll(p, pfd >= 0 ? 2 : 1, pfd >= 0 ? -1 : 200);
        if (r < 0 && errno != EINTR)
            break;
        if (r > 0 && (p[0].revents & (POLLHUP | POLLERR))) {
            if (pfd >= 0)
                close(pfd);
            return 0;
        }
        if (waitpid(pid, status, WNOHANG) == pid) {
            if (pfd >= 0)
                close(pfd);
            return 1;
        }
    }
    if (pfd >= 0)
        close(pfd);
    return 0;
}

int roamd_net_keeper_main(int ctl, int listen_fd, int peer_fd)
{
    static uint8_t buf[ROAMD_NET_MSG_MAX];
    static struct roamd_netd n;
    struct roamd_net_msg m;
    char err[ROAM_ERR_MAX];
    int fd;
    signal(SIGPIPE, SIG_IGN);
    int r = roamd_net_recv(ctl, buf, &m, &fd, err, sizeof err);
    if (r <= 0 || m.type != ROAMD_NET_CONFIG) {
        roam_log("network process: no configuration from roamd: %s",
                 r < 0 ? err : r == 0 ? "it hung up" : "another message came first");
        return 1;
    }
    n.ctl = ctl;
    n.listen_fd = listen_fd;
    n.peer_fd = peer_fd;
    if (configure(&n, &m, err, sizeof err) < 0 || roam_privdrop(err, sizeof err) < 0) {
        roam_log("network process: %s", err);
        return 1;
    }
    int quick = 0;
    for (;;) {
        int64_t born = roam_now_ms();
        pid_t pid = fork();
        if (pid < 0) {
            roam_log("network process: cannot start a worker: %s", strerror(errno));
            return 1;
        }
        if (pid == 0)
            roamd_net_serve(&n);   /* does not return */
        int status = 0;
        if (!wait_worker(ctl, pid, &status)) {
            kill(pid, SIGKILL);
            (void)waitpid(pid, NULL, 0);
            return 0;   /* roamd is stopping */
        }
        struct roamd_net_msg died = { .type = ROAMD_NET_DIED, .status = status,
                                      .pid = (uint32_t)pid };
        if (roamd_net_send(ctl, &died, -1) < 0)
            return 0;
        quick = roam_now_ms() - born < QUICK_DEATH_MS ? quick + 1 : 0;
        if (quick >= QUICK_DEATHS_MAX) {
            roam_log("network process: %d workers died within %d ms of starting; giving up",
                     quick, QUICK_DEATH_MS);
            return 1;
        }
        if (quick)
            sleep(1);
    }
}
