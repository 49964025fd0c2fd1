/* The monitor's side of roamd's network process (net_monitor.h). */
#define _GNU_SOURCE
#include "net_monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "deadline.h"
#include "errbuf.h"
#include "log.h"
#include "net_chan.h"
#include "net_proc.h"

extern char **environ;

#ifndef ROAMD_NET_INSTALLED
#define ROAMD_NET_INSTALLED "/usr/libexec/roam/roamd-net"
#endif

/* A dial waiting for its DIALED. */
struct dial_wait {
    uint32_t id;
    int done, fd;
    uint8_t exporter[ROAM_TLS_EXPORTER_LEN];
    uint8_t *chain;
    size_t chain_len;
    char error[ROAM_MESSAGE_MAX + 1];
    struct dial_wait *next;
};

struct roamd_net {
    struct roamd *d;
    int ctl;
    pid_t pid;                  /* the keeper */
    pthread_t reader;
    int reader_started;
    pthread_mutex_t lock;       /* guards the fields below */
    pthread_cond_t changed;
    int gone;                   /* the channel ended */
    uint32_t next_dial;
    struct dial_wait *dials;
    roamd_net_conn_fn on_conn;
    uint8_t buf[ROAMD_NET_MSG_MAX];   /* what the channel brings (one reader) */
};

const char *roamd_net_program(char *buf, size_t len)
{
    const char *env = getenv("ROAMD_NET_PROGRAM");
    if (env && *env)
        return env;
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            snprintf(buf, len, "%s/roamd-net", self);
            if (access(buf, X_OK) == 0)
                return buf;
        }
    }
    return ROAMD_NET_INSTALLED;
}

/* A connection the network process finished: a session, within the bound
 * the network process should already keep (a broken one could otherwise
 * make us start threads without end). */
static void take_conn(struct roamd_net *net, const struct roamd_net_msg *m, int fd)
{
    struct roamd *d = net->d;
    char err[ROAM_ERR_MAX];
    int peer = m->kind == ROAMD_NET_PEER;
    const struct roamd_config *c = &d->cfg;
    int cap = (c->max_client_sessions ? c->max_client_sessions : c->max_sessions) +
              (c->max_peer_sessions ? c->max_peer_sessions : c->max_sessions) + 16;
    pthread_mutex_lock(&d->lock);
    int full = d->sessions >= cap;
    pthread_mutex_unlock(&d->lock);
    if (full) {
        roam_log("refusing %s %s: %d sessions already", peer ? "peer" : "client", m->addr, cap);
        close(fd);
        return;
    }
    roamd_link *l = roamd_link_new(fd, m->exporter, m->chain, m->chain_len, err, sizeof err);
    if (!l) {
        roam_log("refusing %s %s: %s", peer ? "peer" : "client", m->addr, err);
        return;
    }
    net->on_conn(d, l, peer, m->addr);
}

/* ---- dials ---- */

static void take_dialed(struct roamd_net *net, const struct roamd_net_msg *m, int fd)
{
    pthread_mutex_lock(&net->lock);
    struct dial_wait *w = net->dials;
    while (w && w->id != m->id)
        w = w->next;
    if (w && !w->done) {
        w->done = 1;
        w->fd = fd;
        snprintf(w->error, sizeof w->error, "%s", m->error);
        memcpy(w->exporter, m->exporter, sizeof w->exporter);
        if (m->chain_len && (w->chain = malloc(m->chain_len))) {
            memcpy(w->chain, m->chain, m->chain_len);
            w->chain_len = m->chain_len;
        }
        fd = -1;
        pthread_cond_broadcast(&net->changed);
    }
    pthread_mutex_unlock(&net->lock);
    if (fd >= 0)
        close(fd);   /* a dial that gave up waiting */
}

static void unlink_wait(struct roamd_net *net, struct dial_wait *w)
{
    for (struct dial_wait **p = &net->dials; *p; p = &(*p)->next)
        if (*p == w) {
            *p = w->next;
            break;
        }
}

roamd_link *roamd_net_dial(struct roamd *d, int fd, const char *host, int timeout_ms,
                           char *err, size_t errlen)
{
    struct roamd_net *net = d->net;
    struct dial_wait w = { .fd = -1 };
    struct roamd_net_msg m = { .type = ROAMD_NET_DIAL };
    if (!net) {
        close(fd);
        roam_errf(err, errlen, "no network process");
        return NULL;
    }
    snprintf(m.host, sizeof m.host, "%s", host);
    pthread_mutex_lock(&net->lock);
    m.id = w.id = ++net->next_dial;
    w.next = net->dials;
    net->dials = &w;
    int gone = net->gone;
    pthread_mutex_unlock(&net->lock);
    int sent = !gone && roamd_net_send(net->ctl, &m, fd) == 0;
    close(fd);   /* the network process holds it now */
    int64_t deadline = roam_deadline(timeout_ms + 1000);
    pthread_mutex_lock(&net->lock);
    while (sent && !w.done && !net->gone && roam_remaining_ms(deadline) > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&net->changed, &net->lock, &ts);
    }
    unlink_wait(net, &w);
    pthread_mutex_unlock(&net->lock);
    roamd_link *l = NULL;
    if (!w.done)
        roam_errf(err, errlen, "%s", !sent ? "the network process cannot take requests"
                                           : "the network process did not answer in time");
    else if (w.error[0])
        roam_errf(err, errlen, "%s", w.error);
    else if (w.fd < 0 || !w.chain)
        roam_errf(err, errlen, "the network process's answer came without its parts");
    else {
        l = roamd_link_new(w.fd, w.exporter, w.chain, w.chain_len, err, errlen);
        w.fd = -1;
    }
    if (w.fd >= 0)
        close(w.fd);
    free(w.chain);
    return l;
}

/* ---- the channel ---- */

/* How a worker ended, for the log. */
static void describe(int status, char *buf, size_t len)
{
    if (WIFSIGNALED(status))
        snprintf(buf, len, "was killed by signal %d%s", WTERMSIG(status),
                 WTERMSIG(status) == SIGSYS ? " (SIGSYS: a system call its seccomp filter "
                                              "forbids)" : "");
    else
        snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
}

static void *reader_thread(void *arg)
{
    struct roamd_net *net = arg;
    uint8_t *buf = net->buf;
    char err[ROAM_ERR_MAX], how[128];
    for (;;) {
        struct roamd_net_msg m;
        int fd;
        int r = roamd_net_recv(net->ctl, buf, &m, &fd, err, sizeof err);
        if (r == 0)
            break;
        if (r < 0) {
            roam_log("refusing a message of the network process: %s", err);
            continue;
        }
        switch (m.type) {
        case ROAMD_NET_CONN: take_conn(net, &m, fd); break;
        case ROAMD_NET_DIALED: take_dialed(net, &m, fd); break;
        case ROAMD_NET_READY:
            roam_log("network process: worker %u serving", m.pid);
            break;
        case ROAMD_NET_DIED:
            describe(m.status, how, sizeof how);
            roam_log("network process: worker %u %s; its connections are lost; starting "
                     "another", m.pid, how);
            break;
        default:
            roam_log("refusing a message of the network process: type %u", m.type);
            if (fd >= 0)
                close(fd);
        }
    }
    pthread_mutex_lock(&net->lock);
    net->gone = 1;
    pthread_cond_broadcast(&net->changed);
    pthread_mutex_unlock(&net->lock);
    return NULL;
}

/* ---- start and stop ---- */

static void config_msg(const struct roamd_config *c, struct roamd_net_msg *m)
{
    memset(m, 0, sizeof *m);
    m->type = ROAMD_NET_CONFIG;
    const char *paths[ROAMD_NET_PATHS] = { c->cert, c->key, c->peer_cert, c->peer_key,
                                           c->peer_ca };
    for (int i = 0; i < ROAMD_NET_PATHS; i++)
        snprintf(m->paths[i], sizeof m->paths[i], "%s", paths[i]);
    uint32_t *l = m->limits;
    l[ROAMD_NET_START] = (uint32_t)c->max_startups.start;
    l[ROAMD_NET_RATE] = (uint32_t)c->max_startups.rate;
    l[ROAMD_NET_FULL] = (uint32_t)c->max_startups.full;
    l[ROAMD_NET_CLIENT_SESSIONS] =
        (uint32_t)(c->max_client_sessions ? c->max_client_sessions : c->max_sessions);
    l[ROAMD_NET_PEER_SESSIONS] =
        (uint32_t)(c->max_peer_sessions ? c->max_peer_sessions : c->max_sessions);
    l[ROAMD_NET_PER_SOURCE] = (uint32_t)c->max_per_source;
    l[ROAMD_NET_HANDSHAKE_MS] = (uint32_t)(c->handshake_timeout_ms > 0 &&
                                                   c->handshake_timeout_ms < c->io_timeout_ms
                                               ? c->handshake_timeout_ms
                                               : c->io_timeout_ms);
    l[ROAMD_NET_IO_MS] = (uint32_t)c->io_timeout_ms;
    l[ROAMD_NET_WAITING] = (uint32_t)c->max_waiting;
    l[ROAMD_NET_SECCOMP] = (uint32_t)c->seccomp;
}

/* Start the program with ctl, the client listener and the peer listener as
 * its descriptors 3, 4 and 5. */
static pid_t spawn(const char *prog, int ctl, int lfd, int pfd)
{
    int src[3] = { ctl, lfd, pfd }, high[3] = { -1, -1, -1 };
    pid_t pid = -1;
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0)
        return -1;
    /* Above 5 first, so that moving one into place never overwrites
     * another still to move. */
    int ok = 1;
    for (int i = 0; i < 3 && ok; i++)
        ok = (high[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 10)) >= 0 &&
             posix_spawn_file_actions_adddup2(&fa, high[i], ROAMD_NET_FD_CTL + i) == 0;
    char *argv[] = { (char *)"roamd-net", NULL };
    if (ok && posix_spawn(&pid, prog, &fa, NULL, argv, environ) != 0)
        pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    for (int i = 0; i < 3; i++)
        if (high[i] >= 0)
            close(high[i]);
    return pid;
}

int roamd_net_start(struct roamd *d, roamd_net_conn_fn on_conn, char *err, size_t errlen)
{
    struct roamd_net *net = calloc(1, sizeof *net);
    int sv[2];
    if (!net || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        free(net);
        return roam_errf(err, errlen, "network process: %s", strerror(errno));
    }
    net->d = d;
    net->on_conn = on_conn;
    net->ctl = sv[0];
    pthread_mutex_init(&net->lock, NULL);
    pthread_cond_init(&net->changed, NULL);
    d->net = net;
    char path[PATH_MAX];
    const char *prog = roamd_net_program(path, sizeof path);
    /* Ambient capabilities (CAP_NET_RAW under the systemd unit) would pass
     * to the program; roamd itself starts nothing else, and keeps its own. */
    (void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    net->pid = spawn(prog, sv[1], d->listen_fd, d->peer_fd);
    close(sv[1]);
    if (net->pid < 0)
        return roam_errf(err, errlen, "cannot start the network process %s", prog);
    struct roamd_net_msg m;
    config_msg(&d->cfg, &m);
    if (roamd_net_send(net->ctl, &m, -1) < 0)
        return roam_errf(err, errlen, "network process %s: %s", prog, strerror(errno));
    /* It loads TLS and starts a worker: READY, or it says why on stderr
     * and hangs up. */
    uint8_t *buf = net->buf;   /* the reader starts after this */
    char why[ROAM_ERR_MAX];
    int fd, r = 0;
    struct pollfd p = { net->ctl, POLLIN, 0 };
    if (poll(&p, 1, 30000) == 1)
        r = roamd_net_recv(net->ctl, buf, &m, &fd, why, sizeof why);
    if (r <= 0 || m.type != ROAMD_NET_READY) {
        if (r > 0 && fd >= 0)
            close(fd);
        return roam_errf(err, errlen, "the network process %s did not start (its log says why)",
                         prog);
    }
    roam_log("network process: keeper %d, worker %u serving", (int)net->pid, m.pid);
    /* The listeners stay open here too, never accepted on: a network
     * process started again (roamd_net_start) takes them over. */
    if (pthread_create(&net->reader, NULL, reader_thread, net) != 0)
        return roam_errf(err, errlen, "network process: no thread to read it");
    net->reader_started = 1;
    return 0;
}

void roamd_net_stop(struct roamd *d)
{
    struct roamd_net *net = d->net;
    if (!net)
        return;
    /* Hanging up ends the keeper, which ends its worker. */
    shutdown(net->ctl, SHUT_RDWR);
    if (net->reader_started)
        pthread_join(net->reader, NULL);
    close(net->ctl);
    if (net->pid > 0) {
        int64_t deadline = roam_deadline(5000);
        while (waitpid(net->pid, NULL, WNOHANG) == 0) {
            if (roam_remaining_ms(deadline) == 0) {
                kill(net->pid, SIGKILL);
                (void)waitpid(net->pid, NULL, 0);
                break;
            }
            usleep(10000);
        }
    }
    pthread_mutex_destroy(&net->lock);
    pthread_cond_destroy(&net->changed);
    free(net);
    d->net = NULL;
}
