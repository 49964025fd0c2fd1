/* roam-mat's IMS connection with back-off (see mat_conn.h). */
#include "mat_conn.h"

#include <stdio.h>

#include "deadline.h"
#include "errbuf.h"
#include "log.h"

static ims_client *dial_host(const mat_config *cfg, const char *host, roam_tls_ctx *tls,
                             const char *source, const char *dev, char *err, size_t errlen)
{
    const char *name = cfg->ims_server_name[0] ? cfg->ims_server_name : NULL;
    return ims_client_connect(tls, host, cfg->ims_port, name, source, dev,
                              cfg->connect_timeout_ms, err, errlen);
}

ims_client *mat_conn_dial(const mat_config *cfg, roam_tls_ctx *tls, const char *source,
                          const char *dev, char *err, size_t errlen)
{
    return dial_host(cfg, cfg->ims_address, tls, source, dev, err, errlen);
}

const char *mat_conn_host(const mat_conn *c)
{
    return mat_config_ims_host(c->cfg, c->host);
}

int mat_conn_next(mat_conn *c, const char *why)
{
    size_t n = mat_config_ims_hosts(c->cfg);
    if (n < 2)
        return 0;
    const char *was = mat_conn_host(c);
    c->host = (c->host + 1) % n;
    c->retry_at = 0;
    roam_log("IMS %s: %s; trying %s", was, why, mat_conn_host(c));
    return 1;
}

int mat_conn_open(mat_conn *c, const char *source, const char *dev)
{
    if (c->retry_at && roam_now_ms() < c->retry_at)
        return -1;
    char err[ROAM_ERR_MAX];
    c->ims = dial_host(c->cfg, mat_conn_host(c), c->tls, source, dev, err, sizeof err);
    if (!c->ims) {
        size_t n = mat_config_ims_hosts(c->cfg);
        if (++c->failed_in_row < n) {
            mat_conn_next(c, err);   /* the next front-end at once */
            return -1;
        }
        c->failed_in_row = 0;
        if (!c->unreachable)   /* once per outage, not once per retry */
            roam_log("cannot reach the IMS (retrying): %s", err);
        else
            roam_debug("cannot reach the IMS: %s", err);
        c->unreachable = 1;
        mat_conn_next(c, err);
        mat_conn_backoff(c);
        return -1;
    }
    c->unreachable = 0;
    c->failed_in_row = 0;
    snprintf(c->src, sizeof c->src, "%s", source ? source : "");
    roam_log("connected to the IMS%s%s%s%s", mat_config_ims_hosts(c->cfg) > 1 ? " " : "",
             mat_config_ims_hosts(c->cfg) > 1 ? mat_conn_host(c) : "",
             source ? " from " : "", source ? source : "");
    return 0;
}

void mat_conn_adopt(mat_conn *c, ims_client *ims, const char *source)
{
    c->ims = ims;
    snprintf(c->src, sizeof c->src, "%s", source);
}

int mat_conn_close(mat_conn *c, const char *why)
{
    if (!c->ims)
        return 0;
    roam_log("IMS connection closed: %s", why);
    ims_client_close(c->ims);
    c->ims = NULL;
    return 1;
}

void mat_conn_backoff(mat_conn *c)
{
    c->backoff_ms = c->backoff_ms ? c->backoff_ms * 2 : 200;
    if (c->backoff_ms > c->cfg->retry_max_ms)
        c->backoff_ms = c->cfg->retry_max_ms;
    c->retry_at = roam_now_ms() + c->backoff_ms;
}

void mat_conn_backoff_reset(mat_conn *c)
{
    c->backoff_ms = 0;
}

void mat_conn_retry_now(mat_conn *c)
{
    c->retry_at = 0;
    c->backoff_ms = 0;
}

void mat_conn_retry_due(mat_conn *c)
{
    if (c->retry_at && roam_now_ms() >= c->retry_at)
        c->retry_at = 0;
}
