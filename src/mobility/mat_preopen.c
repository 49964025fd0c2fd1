/* The connection pre-opened from the successor address (see mat_preopen.h). */
#define _GNU_SOURCE
#include "mat_preopen.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "mat_conn.h"
#include "log.h"

int mat_preopen_init(mat_preopen *p, const mat_config *cfg, roam_tls_ctx *tls)
{
    memset(p, 0, sizeof *p);
    p->cfg = cfg;
    p->tls = tls;
    p->pipe[0] = p->pipe[1] = -1;
    return pipe2(p->pipe, O_CLOEXEC);
}

static void close_next(mat_preopen *p, const char *why)
{
    if (!p->next)
        return;
    roam_debug("pre-opened IMS connection closed: %s", why);
    ims_client_close(p->next);
    p->next = NULL;
}

static void *opener(void *arg)
{
    mat_preopen *p = arg;
    char err[ROAM_ERR_MAX];
    ims_client *c = mat_conn_dial(p->cfg, p->tls, p->src, p->dev[0] ? p->dev : NULL, err,
                                  sizeof err);
    if (!c)
        roam_debug("pre-opening from %s: %s", p->src, err);
    if (write(p->pipe[1], &c, sizeof c) != sizeof c)
        ims_client_close(c);   /* cannot happen with a private pipe; never leak */
    return NULL;
}

void mat_preopen_keep(mat_preopen *p, const char *src, const char *dev, int connected)
{
    if (p->next && strcmp(src, p->next_src) != 0)
        close_next(p, "successor changed");
    if (!src[0] || p->next || p->busy || !connected ||
        (p->retry_at && roam_now_ms() < p->retry_at))
        return;
    snprintf(p->src, sizeof p->src, "%s", src);
    snprintf(p->dev, sizeof p->dev, "%s", dev ? dev : "");
    if (pthread_create(&p->thread, NULL, opener, p) == 0)
        p->busy = 1;
    else
        p->retry_at = roam_now_ms() + p->cfg->retry_max_ms;
}

ims_client *mat_preopen_take(mat_preopen *p, const char *src)
{
    if (!p->next || strcmp(src, p->next_src) != 0)
        return NULL;
    ims_client *c = p->next;   /* opened from this address before: no handshake now */
    p->next = NULL;
    roam_log("using the connection pre-opened from %s", src);
    return c;
}

int mat_preopen_pollfds(const mat_preopen *p, struct pollfd *fds)
{
    int n = 0;
    if (p->busy)
        fds[n++] = (struct pollfd){ .fd = p->pipe[0], .events = POLLIN };
    if (p->next)
        fds[n++] = (struct pollfd){ .fd = ims_client_fd(p->next), .events = POLLIN };
    return n;
}

/* The thread finished: keep its connection if it is still the successor's. */
static void opened(mat_preopen *p, const char *src)
{
    ims_client *c = NULL;
    if (read(p->pipe[0], &c, sizeof c) != sizeof c)
        return;
    pthread_join(p->thread, NULL);
    p->busy = 0;
    if (!c) {
        p->retry_at = roam_now_ms() + p->cfg->retry_max_ms;
        return;
    }
    p->retry_at = 0;
    if (p->next || strcmp(src, p->src) != 0) {
        ims_client_close(c);
        return;
    }
    p->next = c;
    memcpy(p->next_src, p->src, sizeof p->next_src);
    roam_log("IMS connection pre-opened from %s", p->next_src);
}

/* Nothing is expected on the open connection: drain, and notice a close. */
static void drain(mat_preopen *p)
{
    char e[ROAM_ERR_MAX];
    ims_message *m;
    int r;
    while ((r = ims_client_recv(p->next, &m, 0, e, sizeof e)) == 1)
        ims_msg_free(m);
    if (r < 0)
        close_next(p, e);
}

void mat_preopen_events(mat_preopen *p, const struct pollfd *fds, int n, const char *src)
{
    int next_fd = p->next ? ims_client_fd(p->next) : -1;
    for (int i = 0; i < n; i++) {
        if (!fds[i].revents)
            continue;
        if (p->busy && fds[i].fd == p->pipe[0])
            opened(p, src);
        else if (p->next && fds[i].fd == next_fd)
            drain(p);
    }
}

void mat_preopen_free(mat_preopen *p)
{
    if (p->busy) {
        ims_client *c = NULL;
        if (read(p->pipe[0], &c, sizeof c) == sizeof c)
            ims_client_close(c);
        pthread_join(p->thread, NULL);
    }
    for (int i = 0; i < 2; i++)
        if (p->pipe[i] >= 0)
            close(p->pipe[i]);
    ims_client_close(p->next);
    p->next = NULL;
}
