/* The client's migration flow (see client_migrate.h). */
#include "client_migrate.h"

#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "errbuf.h"
#include "hostport.h"
#include "report.h"
#include "sock.h"
#include "tls.h"

/* A failed TLS handshake is the server's identity (or ours) not verifying
 * when OpenSSL itself failed it; a timeout or a dropped connection during
 * the handshake is the network's. */
static enum roam_outcome tls_failure(const char *why)
{
    return strstr(why, "certificate") || strstr(why, "TLS connect failed")
               ? ROAM_OUTCOME_TLS : ROAM_OUTCOME_UNREACHABLE;
}

static roam_tls_conn *dial(roam_tls_ctx *ctx, const char *hostport, const char *role,
                           int timeout_ms, enum roam_outcome *o, char *err, size_t errlen)
{
    char host[256], port[8], why[ROAM_ERR_MAX];
    if (roam_split_hostport(hostport, host, sizeof host, port, sizeof port,
                            ROAM_DEFAULT_PORT) < 0) {
        *o = ROAM_OUTCOME_USAGE;
        roam_errf(err, errlen, "%s '%s' is not HOST[:PORT]", role, hostport);
        return NULL;
    }
    int fd = roam_tcp_connect(host, port, timeout_ms, why, sizeof why);
    if (fd < 0) {
        *o = ROAM_OUTCOME_UNREACHABLE;
        roam_errf(err, errlen, "%s unreachable: %s", role, why);
        return NULL;
    }
    roam_tls_conn *c = roam_tls_connect(ctx, fd, host, timeout_ms, why, sizeof why);
    if (!c) {
        *o = tls_failure(why);
        roam_errf(err, errlen, "%s %s: TLS: %s", role,
                  *o == ROAM_OUTCOME_TLS ? "not verified" : "unreachable", why);
    }
    return c;
}

static void fail(struct roam_migrate_result *res, enum roam_outcome o, Roam__V1__Phase ph,
                 const char *msg)
{
    res->ok = 0;
    res->outcome = o;
    res->failed_phase = ph;
    snprintf(res->error, sizeof res->error, "%s", msg);
}

/* A failure the source reported: it rolled back (the VM still runs there)
 * unless the VM had already moved, which only post-processing reports. */
static void fail_at_source(struct roam_migrate_result *res, const Roam__V1__Error *e)
{
    fail(res, e->phase == ROAM__V1__PHASE__PHASE_POST_PROCESSING ? ROAM_OUTCOME_POST_FAILED
                                                                 : ROAM_OUTCOME_MIGRATION_FAILED,
         e->phase, e->message);
}

/* The source stopped answering after it was asked to migrate: it goes on
 * without the client, so only the hosts know where the VM is now. */
static void fail_unknown(struct roam_migrate_result *res, const struct roam_migrate_req *req,
                         const char *why)
{
    char msg[sizeof res->error];
    snprintf(msg, sizeof msg, "lost the source after the migration was requested (%s); "
             "whether %s runs on %s or %s is unknown: check both", why, req->vm, req->from,
             req->to);
    fail(res, ROAM_OUTCOME_UNKNOWN, ROAM__V1__PHASE__PHASE_PROTOCOL, msg);
}

static void show(const struct roam_migrate_req *req, const char *line, int final)
{
    if (!req->progress)
        return;
    fprintf(req->progress, "\r\033[K%s%s", line, final ? "\n" : "");
    fflush(req->progress);
}

/* One authentication of query ar, in role, at hostport (the daemon called
 * who); the connection, or NULL with the failure recorded in res as phase. */
static roam_tls_conn *authenticate(roam_tls_ctx *ctx, const struct roam_migrate_req *req,
                                   const struct roam_client_id *id, struct roam_auth_req *ar,
                                   const char *hostport, const char *who,
                                   Roam__V1__Phase phase, struct roam_migrate_result *res)
{
    char err[ROAM_ERR_MAX];
    enum roam_outcome o = ROAM_OUTCOME_UNREACHABLE;
    roam_tls_conn *c = dial(ctx, hostport, who, req->timeout_ms, &o, err, sizeof err);
    int r = c ? roam_client_authenticate(c, id, ar, req->timeout_ms, err, sizeof err) : -1;
    if (r == -1 && ar->behind_sent && *ar->behind_sent) {
        /* Migrate went out behind the Response: the source may act on it. */
        fail_unknown(res, req, err);
        roam_tls_close(c, 1000);
        return NULL;
    }
    if (r < 0) {
        fail(res, r == ROAM_AUTH_REFUSED ? ROAM_OUTCOME_REFUSED : o, phase, err);
        roam_tls_close(c, 1000);
        return NULL;
    }
    return c;
}

/* The destination's authentication, run beside the source's: its own copy
 * of the query (only the role differs) and its own result, so that the two
 * threads share nothing they write. */
struct dest_auth {
    roam_tls_ctx *ctx;
    const struct roam_migrate_req *req;
    const struct roam_client_id *id;
    struct roam_auth_req ar;
    int64_t t0;
    struct roam_migrate_result res;
    uint64_t took_us;
    int ok;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int challenged, ended;   /* under mu */
};

static void dest_mark(struct dest_auth *d, int *flag)
{
    pthread_mutex_lock(&d->mu);
    *flag = 1;
    pthread_cond_broadcast(&d->cv);
    pthread_mutex_unlock(&d->mu);
}

static void dest_challenged(void *arg)
{
    struct dest_auth *d = arg;
    dest_mark(d, &d->challenged);
}

/* May Migrate follow the source's Response?  Only once the destination
 * sent its challenge: it then waits for this query's outcome before it
 * answers the source's admission query, instead of refusing it as
 * unknown.  A destination that failed before: no, Migrate waits for both
 * Results as it always did. */
static int dest_ready(void *arg)
{
    struct dest_auth *d = arg;
    pthread_mutex_lock(&d->mu);
    while (!d->challenged && !d->ended)
        pthread_cond_wait(&d->cv, &d->mu);
    int r = d->challenged;
    pthread_mutex_unlock(&d->mu);
    return r;
}

static void *dest_auth_run(void *arg)
{
    struct dest_auth *d = arg;
    roam_tls_conn *c = authenticate(d->ctx, d->req, d->id, &d->ar, d->req->to, "destination",
                                    ROAM__V1__PHASE__PHASE_DEST_AUTH, &d->res);
    d->took_us = (uint64_t)(roam_mono_us() - d->t0);
    d->ok = c != NULL;
    roam_tls_close(c, 1000);
    dest_mark(d, &d->ended);
    return NULL;
}

/* Both authentications of query ar, started together at t0: neither
 * depends on the other, so running them side by side saves the
 * destination's round trips from the critical path; and ar->behind
 * (Migrate) follows the source's Response once the destination sent its
 * challenge.  The source connection, or NULL with the source's failure
 * recorded in res; *dfail set (with the destination's failure in *dres)
 * when the destination failed. */
static roam_tls_conn *authenticate_both(roam_tls_ctx *ctx, const struct roam_migrate_req *req,
                                        const struct roam_client_id *id,
                                        struct roam_auth_req *ar, int64_t t0,
                                        struct roam_migrate_result *res,
                                        struct roam_migrate_result *dres, int *dfail)
{
    show(req, "authenticating at the destination and the source ...", 0);
    struct dest_auth d = { .ctx = ctx, .req = req, .id = id, .ar = *ar, .t0 = t0 };
    pthread_mutex_init(&d.mu, NULL);
    pthread_cond_init(&d.cv, NULL);
    d.ar.role = ROAM__V1__ROLE__ROLE_ACCEPT;
    d.ar.locate_key = res->locate_dst;   /* a field the main thread leaves alone */
    d.ar.behind = NULL;
    d.ar.behind_sent = NULL;
    d.ar.ready = NULL;
    d.ar.challenged = dest_challenged;
    d.ar.arg = &d;
    pthread_t th;
    int threaded = pthread_create(&th, NULL, dest_auth_run, &d) == 0;
    if (!threaded)
        dest_auth_run(&d);   /* no thread: one after the other, as before */
    ar->role = ROAM__V1__ROLE__ROLE_MIGRATE;
    ar->locate_key = res->locate_src;
    ar->ready = dest_ready;
    ar->arg = &d;
    roam_tls_conn *src = authenticate(ctx, req, id, ar, req->from, "source",
                                      ROAM__V1__PHASE__PHASE_SOURCE_AUTH, res);
    uint64_t src_us = (uint64_t)(roam_mono_us() - t0);
    if (threaded)
        pthread_join(th, NULL);
    pthread_cond_destroy(&d.cv);
    pthread_mutex_destroy(&d.mu);
    show(req, "", 0);
    *dfail = !d.ok;
    *dres = d.res;
    if (!src || !d.ok)
        return src;
    res->timings.dest_auth_us = d.took_us;
    res->timings.source_auth_us = src_us;
    res->timings.auth_us = (uint64_t)(roam_mono_us() - t0);
    res->have_timings = 1;
    res->have_locate_keys = 1;
    return src;
}

/* Ask the source to migrate, telling it what the authentications took. */
static int request_migration(roam_stream *s, const struct roam_migrate_req *req,
                             struct roam_migrate_result *res)
{
    char err[ROAM_ERR_MAX];
    Roam__V1__Migrate m = ROAM__V1__MIGRATE__INIT;
    m.dest_auth_us = res->timings.dest_auth_us;
    m.source_auth_us = res->timings.source_auth_us;
    m.auth_us = res->timings.auth_us;
    m.bandwidth_mibs = req->bandwidth_mibs;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_MIGRATE;
    env.migrate = &m;
    if (roam_msg_send(s, &env, req->timeout_ms, err, sizeof err) != ROAM_OK) {
        fail_unknown(res, req, err);   /* it may have arrived */
        return -1;
    }
    return 0;
}

/* Show the source's progress until its final answer: the MigrateDone
 * envelope, or NULL with the failure recorded. */
static roam_envelope *follow_progress(roam_stream *s, const struct roam_migrate_req *req,
                                      struct roam_migrate_result *res)
{
    char err[ROAM_ERR_MAX];
    /* The source reports at least every phase change and every 250 ms of
     * migration; post-processing may be silent while the destination waits
     * for the switch-over, so allow the daemon's own limits plus margin. */
    for (;;) {
        roam_envelope *in = NULL;
        if (roam_msg_recv(s, &in, 15 * 60 * 1000, err, sizeof err) != ROAM_OK) {
            roam_msg_free(in);
            show(req, "", 0);
            fail_unknown(res, req, err);
            return NULL;
        }
        if (in->body_case == ROAM__V1__ENVELOPE__BODY_MIGRATE_DONE)
            return in;
        if (in->body_case == ROAM__V1__ENVELOPE__BODY_PROGRESS) {
            char line[160];
            roam_progress_line(in->progress, line, sizeof line);
            if (roam_copy_stats_take(&res->copy, in->progress))
                res->have_copy = 1;
            show(req, line, 0);
            roam_msg_free(in);
            continue;
        }
        show(req, "", 0);
        if (in->body_case == ROAM__V1__ENVELOPE__BODY_ERROR)
            fail_at_source(res, in->error);
        else
            fail_unknown(res, req, "unexpected message from the source");
        roam_msg_free(in);
        return NULL;
    }
}

/* The source's final answer into res; total as the user saw it, from the
 * first connection (t0) to this answer. */
static void take_result(const Roam__V1__MigrateDone *done, int dry_run, int64_t t0,
                        struct roam_migrate_result *res)
{
    if (done->timings) {
        /* Copy the numbers only: the message's own bookkeeping (unknown
         * fields) belongs to the envelope, freed by the caller. */
        const Roam__V1__PhaseTimings *t = done->timings;
        /* A Migrate sent behind the Response told the source no
         * authentication times: ours stand. */
        if (t->auth_us) {
            res->timings.dest_auth_us = t->dest_auth_us;
            res->timings.source_auth_us = t->source_auth_us;
            res->timings.auth_us = t->auth_us;
        }
        res->timings.pre_processing_us = t->pre_processing_us;
        res->timings.migration_us = t->migration_us;
        res->timings.post_processing_us = t->post_processing_us;
        res->timings.switchover_us = t->switchover_us;
    }
    res->timings.total_us = (uint64_t)(roam_mono_us() - t0);
    if (!done->ok) {
        fail_at_source(res, done->error);
        return;
    }
    /* A source that answers a dry run as a migration (or the other way
     * round) did not do what was asked: never report success for it. */
    if (!done->dry_run != !dry_run) {
        /* it did something other than asked: where the VM runs is unknown */
        fail(res, ROAM_OUTCOME_UNKNOWN, ROAM__V1__PHASE__PHASE_PROTOCOL,
             dry_run ? "the source answered the dry run as a migration"
                     : "the source answered the migration as a dry run");
        return;
    }
    res->ok = 1;
    res->outcome = ROAM_OUTCOME_OK;
}

int roam_client_migrate(const struct roam_migrate_req *req, const struct roam_client_id *id,
                        struct roam_migrate_result *res)
{
    memset(res, 0, sizeof *res);
    roam__v1__phase_timings__init(&res->timings);
    char err[ROAM_ERR_MAX];
    roam_tls_ctx *ctx = roam_tls_client_ctx(req->ca_file, NULL, NULL, err, sizeof err);
    if (!ctx) {
        fail(res, ROAM_OUTCOME_LOCAL, ROAM__V1__PHASE__PHASE_UNSPECIFIED, err);
        return -1;
    }
    struct roam_auth_req ar = { .vm = req->vm, .src = req->from, .dst = req->to,
                                .dry_run = req->dry_run };
    if (RAND_bytes(ar.query_id, sizeof ar.query_id) != 1) {
        fail(res, ROAM_OUTCOME_LOCAL, ROAM__V1__PHASE__PHASE_UNSPECIFIED,
             "no randomness for the query id");
        roam_tls_ctx_free(ctx);
        return -1;
    }
    memcpy(res->query_id, ar.query_id, sizeof res->query_id);
    res->have_query_id = 1;
    /* Migrate in the same flight as the source's Response: the bandwidth
     * only, as the authentications' times are not known yet. */
    Roam__V1__Migrate m = ROAM__V1__MIGRATE__INIT;
    m.bandwidth_mibs = req->bandwidth_mibs;
    roam_envelope menv = ROAM__V1__ENVELOPE__INIT;
    menv.body_case = ROAM__V1__ENVELOPE__BODY_MIGRATE;
    menv.migrate = &m;
    int sent = 0, dfail = 0;
    ar.behind = &menv;
    ar.behind_sent = &sent;
    struct roam_migrate_result dres;
    int64_t t0 = roam_mono_us();
    roam_tls_conn *src = authenticate_both(ctx, req, id, &ar, t0, res, &dres, &dfail);
    if (src && dfail && !sent) {
        roam_tls_close(src, 1000);   /* never asked to migrate */
        src = NULL;
    }
    roam_envelope *done = NULL;
    if (src) {
        roam_stream s = roam_tls_stream(src);
        if (sent || request_migration(&s, req, res) == 0)
            done = follow_progress(&s, req, res);
    }
    if (done) {
        show(req, req->dry_run ? "dry run done" : "done", 1);
        take_result(done->migrate_done, req->dry_run, t0, res);
    }
    /* The destination's failure is the one to report, as if it had gone
     * first, unless the source, already asked to migrate, says it did, or
     * cannot say whether it did while the destination's own failure (not
     * a refusal) left its admission possible. */
    if (dfail && !res->ok &&
        !(res->outcome == ROAM_OUTCOME_UNKNOWN && dres.outcome != ROAM_OUTCOME_REFUSED))
        fail(res, dres.outcome, dres.failed_phase, dres.error);
    roam_msg_free(done);
    roam_tls_close(src, 1000);
    roam_tls_ctx_free(ctx);
    return res->ok ? 0 : -1;
}

roam_tls_conn *roam_client_dial(roam_tls_ctx *ctx, const char *hostport, const char *role,
                                int timeout_ms, enum roam_outcome *o, char *err, size_t errlen)
{
    return dial(ctx, hostport, role, timeout_ms, o, err, errlen);
}
