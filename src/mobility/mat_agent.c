/* The roam-mat agent: its state, start and stop, and the poll loop that
 * drives the mobile node (mat_mobile.h) or the correspondent (mat_corr.h)
 * over one IMS connection (mat_conn.h).  See mat_agent.h. */
#define _GNU_SOURCE
#include "mat_agent.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "ims_client.h"
#include "mat_conn.h"
#include "mat_corr.h"
#include "mat_mobile.h"
#include "mat_rules.h"
#include "log.h"

/* Longest wait for an event while no timer is due sooner. */
#define IDLE_WAIT_MS 1000

struct mat_agent {
    mat_config cfg;
    int stop_fd;
    mat_nft *nft;
    mat_table table;
    mat_conn conn;
    mat_mobile mn;                    /* cfg.role == MAT_MOBILE */
    int mn_open;                      /* mat_mobile_init ran: mat_mobile_free must */
    mat_corr cn;                      /* cfg.role == MAT_CORRESPONDENT */
};

static int mobile(const mat_agent *a)
{
    return a->cfg.role == MAT_MOBILE;
}

/* The IMS connection failed: close it, and let the role forget what was
 * pending on it. */
static void conn_failed(mat_agent *a, const char *why)
{
    if (mobile(a))
        mat_mobile_conn_failed(&a->mn, why);
    else
        mat_corr_conn_failed(&a->cn, why);
}

mat_agent *mat_agent_new(const mat_config *cfg, char *err, size_t errlen)
{
    mat_agent *a = calloc(1, sizeof *a);
    if (!a) {
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    a->cfg = *cfg;
    cfg = &a->cfg;
    a->conn.cfg = cfg;
    a->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (a->stop_fd < 0) {
        roam_errf(err, errlen, "eventfd: %s", strerror(errno));
        goto fail;
    }
    if (mat_table_init(&a->table, cfg->role, cfg->table, err, errlen) < 0)
        goto fail;
    a->conn.tls = roam_tls_client_ctx(cfg->ims_ca, cfg->ims_cert[0] ? cfg->ims_cert : NULL,
                                      cfg->ims_key[0] ? cfg->ims_key : NULL, err, errlen);
    if (!a->conn.tls || !(a->nft = mat_nft_open(err, errlen)))
        goto fail;
    if (mobile(a)) {
        a->mn_open = 1;
        if (mat_mobile_init(&a->mn, cfg, &a->conn, a->nft, &a->table, err, errlen) < 0)
            goto fail;
    } else {
        mat_corr_init(&a->cn, cfg, &a->conn, a->nft, &a->table);
    }
    /* Whatever a killed predecessor left goes away in the same transaction
     * that creates the fresh table. */
    if (mat_rules_install(a->nft, &a->table, err, errlen) < 0)
        goto fail;
    roam_log("table ip6 %s installed (%s mode)", cfg->table,
            mobile(a) ? "mobile" : "correspondent");
    if (mobile(a) && mat_mobile_start(&a->mn, err, errlen) < 0)
        goto fail;
    return a;
fail:
    mat_agent_free(a);
    return NULL;
}

void mat_agent_stop(mat_agent *a)
{
    uint64_t one = 1;
    ssize_t r = write(a->stop_fd, &one, sizeof one);
    (void)r;
}

/* What poll watches in one round, and where. */
typedef struct poll_set {
    struct pollfd p[2 + MAT_MOBILE_POLLFDS];
    int n;
    int ims;                          /* index of the IMS connection, or -1 */
    int mn;                           /* where the mobile node's descriptors start */
} poll_set;

enum { STOP_FD = 0 };

static void watch(mat_agent *a, poll_set *s)
{
    s->n = 0;
    s->p[s->n++] = (struct pollfd){ .fd = a->stop_fd, .events = POLLIN };
    s->ims = -1;
    if (a->conn.ims) {
        s->ims = s->n;
        s->p[s->n++] = (struct pollfd){
            .fd = ims_client_fd(a->conn.ims),
            .events = POLLIN | (ims_client_want_write(a->conn.ims) ? POLLOUT : 0) };
    }
    s->mn = s->n;
    if (mobile(a))
        s->n += mat_mobile_pollfds(&a->mn, &s->p[s->n]);
}

/* Milliseconds until the first timer, at most IDLE_WAIT_MS. */
static int wait_ms(const mat_agent *a)
{
    int64_t due = a->conn.retry_at;
    if (mobile(a))
        mat_mobile_due(&a->mn, &due);
    if (!due)
        return IDLE_WAIT_MS;
    int64_t left = due - roam_now_ms();
    return left < 0 ? 0 : left < IDLE_WAIT_MS ? (int)left : IDLE_WAIT_MS;
}

/* Everything the IMS sent, each to the role; a broken connection closes. */
static void ims_readable(mat_agent *a)
{
    char err[ROAM_ERR_MAX];
    for (;;) {
        ims_message *m;
        int r = ims_client_recv(a->conn.ims, &m, 0, err, sizeof err);
        if (r == 0)
            return;
        if (r < 0) {
            conn_failed(a, err);
            return;
        }
        if (mobile(a))
            mat_mobile_message(&a->mn, m);
        else
            mat_corr_message(&a->cn, m);
        ims_msg_free(m);
        if (!a->conn.ims)
            return;
    }
}

static void ims_event(mat_agent *a, short revents)
{
    char e[ROAM_ERR_MAX];
    if ((revents & POLLOUT) && ims_client_flush(a->conn.ims, e, sizeof e) < 0)
        conn_failed(a, e);
    else
        ims_readable(a);
}

int mat_agent_run(mat_agent *a, char *err, size_t errlen)
{
    for (;;) {
        if (mobile(a))
            mat_mobile_tick(&a->mn);
        else
            mat_corr_tick(&a->cn);
        poll_set s;
        watch(a, &s);
        if (poll(s.p, (nfds_t)s.n, wait_ms(a)) < 0) {
            if (errno == EINTR)
                continue;
            return roam_errf(err, errlen, "poll: %s", strerror(errno));
        }
        if (s.p[STOP_FD].revents)
            return 0;
        mat_conn_retry_due(&a->conn);
        if (mobile(a) && mat_mobile_events(&a->mn, &s.p[s.mn], err, errlen) < 0)
            return -1;
        if (s.ims >= 0 && a->conn.ims && s.p[s.ims].revents)
            ims_event(a, s.p[s.ims].revents);
    }
}

void mat_agent_free(mat_agent *a)
{
    if (!a)
        return;
    char err[ROAM_ERR_MAX];
    if (a->nft) {
        if (mat_rules_remove(a->nft, a->cfg.table, err, sizeof err) < 0)
            roam_log("%s", err);
        else
            roam_log("table ip6 %s removed", a->cfg.table);
    }
    if (a->mn_open)
        mat_mobile_free(&a->mn);
    ims_client_close(a->conn.ims);
    mat_nft_close(a->nft);
    roam_tls_ctx_free(a->conn.tls);
    if (a->stop_fd >= 0)
        close(a->stop_fd);
    free(a);
}
