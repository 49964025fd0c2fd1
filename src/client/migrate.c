/* The client's migration flow (see migrate.h). */
#include "migrate.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "errbuf.h"
#include "hostport.h"
#include "report.h"
#include "sock.h"
#include "tls.h"

static roam_tls_conn *dial(roam_tls_ctx *ctx, const char *hostport, const char *role,
                           int timeout_ms, char *err, size_t errlen)
{
    char host[256], port[8], why[ROAM_ERR_MAX];
    if (roam_split_hostport(hostport, host, sizeof host, port, sizeof port,
                            ROAM_DEFAULT_PORT) < 0) {
        roam_errf(err, errlen, "%s '%s' is not HOST[:PORT]", role, hostport);
        return NULL;
    }
    int fd = roam_tcp_connect(host, port, timeout_ms, why, sizeof why);
    if (fd < 0) {
        roam_errf(err, errlen, "%s unreachable: %s", role, why);
        return NULL;
    }
    roam_tls_conn *c = roam_tls_connect(ctx, fd, host, timeout_ms, why, sizeof why);
    if (!c)
        roam_errf(err, errlen, "%s unreachable: TLS: %s", role, why);
    return c;
}

static void fail(struct roam_migrate_result *res, Roam__V1__Phase ph, const char *msg)
{
    res->ok = 0;
    res->failed_phase = ph;
    snprintf(res->error, sizeof res->error, "%s", msg);
}

static void show(const struct roam_migrate_req *req, const char *line, int final)
{
    if (!req->progress)
        return;
    fprintf(req->progress, "\r\033[K%s%s", line, final ? "\n" : "");
    fflush(req->progress);
}

int roam_client_migrate(const struct roam_migrate_req *req, const struct roam_client_id *id,
                        struct roam_migrate_result *res)
{
    memset(res, 0, sizeof *res);
    roam__v1__phase_timings__init(&res->timings);
    char err[ROAM_ERR_MAX];
    roam_tls_conn *dst = NULL, *src = NULL;
    roam_envelope *in = NULL;
    roam_tls_ctx *ctx = roam_tls_client_ctx(req->ca_file, NULL, NULL, err, sizeof err);
    if (!ctx) {
        fail(res, ROAM__V1__PHASE__PHASE_PROTOCOL, err);
        return -1;
    }
    struct roam_auth_req ar = { .vm = req->vm, .src = req->from, .dst = req->to };
    if (RAND_bytes(ar.query_id, sizeof ar.query_id) != 1) {
        fail(res, ROAM__V1__PHASE__PHASE_INTERNAL, "no randomness for the query id");
        goto out;
    }
    int64_t t0 = roam_mono_us();
    show(req, "destination authentication ...", 0);
    dst = dial(ctx, req->to, "destination", req->timeout_ms, err, sizeof err);
    ar.role = ROAM__V1__ROLE__ROLE_ACCEPT;
    if (!dst || roam_client_authenticate(dst, id, &ar, req->timeout_ms, err, sizeof err) < 0) {
        show(req, "", 0);
        fail(res, ROAM__V1__PHASE__PHASE_DEST_AUTH, err);
        goto out;
    }
    roam_tls_close(dst, 1000);
    dst = NULL;
    int64_t t1 = roam_mono_us();
    res->timings.dest_auth_us = (uint64_t)(t1 - t0);
    show(req, "source authentication ...", 0);
    src = dial(ctx, req->from, "source", req->timeout_ms, err, sizeof err);
    ar.role = ROAM__V1__ROLE__ROLE_MIGRATE;
    if (!src || roam_client_authenticate(src, id, &ar, req->timeout_ms, err, sizeof err) < 0) {
        show(req, "", 0);
        fail(res, ROAM__V1__PHASE__PHASE_SOURCE_AUTH, err);
        goto out;
    }
    res->timings.source_auth_us = (uint64_t)(roam_mono_us() - t1);
    res->have_timings = 1;

    Roam__V1__Migrate m = ROAM__V1__MIGRATE__INIT;
    m.dest_auth_us = res->timings.dest_auth_us;
    m.source_auth_us = res->timings.source_auth_us;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_MIGRATE;
    env.migrate = &m;
    roam_stream s = roam_tls_stream(src);
    if (roam_msg_send(&s, &env, req->timeout_ms, err, sizeof err) != ROAM_OK) {
        fail(res, ROAM__V1__PHASE__PHASE_PROTOCOL, err);
        goto out;
    }
    /* The source reports at least every phase change and every 250 ms of
     * migration; post-processing may be silent while the destination waits
     * for the switch-over, so allow the daemon's own limits plus margin. */
    for (;;) {
        roam_msg_free(in);
        in = NULL;
        roam_status st = roam_msg_recv(&s, &in, 15 * 60 * 1000, err, sizeof err);
        if (st != ROAM_OK) {
            show(req, "", 0);
            fail(res, ROAM__V1__PHASE__PHASE_PROTOCOL, err);
            goto out;
        }
        if (in->body_case == ROAM__V1__ENVELOPE__BODY_PROGRESS) {
            char line[160];
            roam_progress_line(in->progress, line, sizeof line);
            show(req, line, 0);
            continue;
        }
        if (in->body_case == ROAM__V1__ENVELOPE__BODY_ERROR) {
            show(req, "", 0);
            fail(res, in->error->phase, in->error->message);
            goto out;
        }
        if (in->body_case != ROAM__V1__ENVELOPE__BODY_MIGRATE_DONE) {
            show(req, "", 0);
            fail(res, ROAM__V1__PHASE__PHASE_PROTOCOL, "unexpected message from the source");
            goto out;
        }
        break;
    }
    show(req, "done", 1);
    const Roam__V1__MigrateDone *done = in->migrate_done;
    if (done->timings) {
        /* Copy the numbers only: the message's own bookkeeping (unknown
         * fields) belongs to `in`, which is freed below. */
        const Roam__V1__PhaseTimings *t = done->timings;
        res->timings.dest_auth_us = t->dest_auth_us;
        res->timings.source_auth_us = t->source_auth_us;
        res->timings.pre_processing_us = t->pre_processing_us;
        res->timings.migration_us = t->migration_us;
        res->timings.post_processing_us = t->post_processing_us;
        res->timings.switchover_us = t->switchover_us;
    }
    /* Total as the user saw it: first connection to the final answer. */
    res->timings.total_us = (uint64_t)(roam_mono_us() - t0);
    if (!done->ok) {
        fail(res, done->error->phase, done->error->message);
        goto out;
    }
    res->ok = 1;
out:
    roam_msg_free(in);
    roam_tls_close(dst, 1000);
    roam_tls_close(src, 1000);
    roam_tls_ctx_free(ctx);
    return res->ok ? 0 : -1;
}
