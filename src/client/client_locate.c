/* The true outcome after a lost source (see client_locate.h). */
#include "client_locate.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "errbuf.h"
#include "locate.h"

#define LEAD "lost the source after the migration was requested; asked both hosts: "

static int on(const struct roam_locate_answer *a, Roam__V1__VmLocation w)
{
    return a->answered && a->where == w;
}

/* "A", "B" or "A and B": the hosts with something pending. */
static void pending_hosts(char *out, size_t cap, const char *from, const char *to,
                          const struct roam_locate_answer *src,
                          const struct roam_locate_answer *dst)
{
    int a = src->answered && src->pending, b = dst->answered && dst->pending;
    snprintf(out, cap, "%s%s%s", a ? from : "", a && b ? " and " : "", b ? to : "");
}

/* What a host that said nothing useful did say. */
static void silent(char *out, size_t cap, const char *host, const struct roam_locate_answer *a)
{
    if (!a->answered)
        snprintf(out, cap, "%s did not answer (%s)", host, a->why);
    else
        snprintf(out, cap, "%s could not tell (unknown query, or its libvirt unavailable)",
                 host);
}

enum roam_outcome roam_locate_verdict(const char *vm, const char *from, const char *to,
                                      const struct roam_locate_answer *src,
                                      const struct roam_locate_answer *dst, char *msg,
                                      size_t cap)
{
    const Roam__V1__VmLocation RUN = ROAM__V1__VM_LOCATION__LOCATE_RUNNING,
                               ABS = ROAM__V1__VM_LOCATION__LOCATE_ABSENT;
    int known_a = on(src, RUN) || on(src, ABS), known_b = on(dst, RUN) || on(dst, ABS);
    int pending = (src->answered && src->pending) || (dst->answered && dst->pending);
    char who[600], sa[ROAM_ERR_MAX + 320], sb[ROAM_ERR_MAX + 320];
    pending_hosts(who, sizeof who, from, to, src, dst);
    if (on(dst, RUN) && on(src, ABS)) {
        if (!pending) {
            snprintf(msg, cap, LEAD "%s runs on %s, and both hosts have finished the migration",
                     vm, to);
            return ROAM_OUTCOME_OK;
        }
        snprintf(msg, cap, LEAD "%s runs on %s; post-processing pending at %s (its roamd "
                 "finishes it)", vm, to, who);
        return ROAM_OUTCOME_POST_PENDING;
    }
    if (on(src, RUN) && on(dst, ABS) && !pending) {
        snprintf(msg, cap, LEAD "the migration did not happen: %s still runs on %s, and not "
                 "on %s", vm, from, to);
        return ROAM_OUTCOME_MIGRATION_FAILED;
    }
    if (known_a && known_b) {
        if (pending)
            snprintf(msg, cap, LEAD "%s is still in motion (%s on %s, %s on %s; pending at %s): "
                     "check both again", vm, on(src, RUN) ? "present" : "absent", from,
                     on(dst, RUN) ? "present" : "absent", to, who);
        else if (on(src, RUN))
            snprintf(msg, cap, LEAD "%s runs on both %s and %s: tell both providers", vm, from,
                     to);
        else
            snprintf(msg, cap, LEAD "%s runs on neither %s nor %s: tell both providers", vm,
                     from, to);
        return ROAM_OUTCOME_UNKNOWN;
    }
    if (!known_a && !known_b) {
        silent(sa, sizeof sa, from, src);
        silent(sb, sizeof sb, to, dst);
        snprintf(msg, cap, LEAD "%s; %s: whether %s runs on %s or %s is unknown: check both",
                 sa, sb, vm, from, to);
        return ROAM_OUTCOME_UNKNOWN;
    }
    /* One host answered: where the VM is there, but not that it runs once. */
    const struct roam_locate_answer *k = known_a ? src : dst;
    const char *kh = known_a ? from : to, *uh = known_a ? to : from;
    silent(sa, sizeof sa, uh, known_a ? dst : src);
    snprintf(msg, cap, LEAD "%s %s on %s%s; %s: check %s", vm,
             on(k, RUN) ? "runs" : "does not run", kh, k->pending ? " (pending there)" : "",
             sa, uh);
    return ROAM_OUTCOME_UNKNOWN;
}

/* One Locate at hostport with key: the answer into *a. */
static void ask(roam_tls_ctx *ctx, const char *hostport, const char *role,
                const uint8_t qid[16], const uint8_t key[32], int timeout_ms,
                struct roam_locate_answer *a)
{
    char err[ROAM_ERR_MAX];
    enum roam_outcome o;
    memset(a, 0, sizeof *a);
    roam_tls_conn *c = roam_client_dial(ctx, hostport, role, timeout_ms, &o, err, sizeof err);
    uint8_t exporter[ROAM_EXPORTER_LEN], mac[ROAM_MAC_LEN];
    roam_envelope *in = NULL;
    if (!c || roam_tls_exporter(c, exporter, err, sizeof err) < 0 ||
        roam_locate_mac(key, qid, exporter, mac, err, sizeof err) < 0)
        goto out;
    Roam__V1__Locate lq = ROAM__V1__LOCATE__INIT;
    lq.query_id.data = (uint8_t *)qid;
    lq.query_id.len = 16;
    lq.mac.data = mac;
    lq.mac.len = sizeof mac;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_LOCATE;
    env.locate = &lq;
    roam_stream s = roam_tls_stream(c);
    if (roam_msg_send(&s, &env, timeout_ms, err, sizeof err) != ROAM_OK ||
        roam_msg_expect(&s, ROAM__V1__ENVELOPE__BODY_LOCATE_ANSWER, &in, timeout_ms, err,
                        sizeof err) != ROAM_OK)
        goto out;
    a->answered = 1;
    a->where = in->locate_answer->location;
    a->pending = in->locate_answer->pending;
out:
    if (!a->answered)
        snprintf(a->why, sizeof a->why, "%s", err);
    roam_msg_free(in);
    roam_tls_close(c, 1000);
}

static int settled(const struct roam_locate_answer *a)
{
    return a->answered && !a->pending && (a->where == ROAM__V1__VM_LOCATION__LOCATE_RUNNING ||
                                          a->where == ROAM__V1__VM_LOCATION__LOCATE_ABSENT);
}

static void locate_outcome(roam_tls_ctx *ctx, const struct roam_migrate_req *req,
                           struct roam_migrate_result *res)
{
    struct roam_locate_answer a, b;
    int64_t end = roam_mono_us() + (int64_t)req->locate_wait_s * 1000000;
    int64_t delay_ms = 250;
    int timeout = req->timeout_ms < 5000 ? req->timeout_ms : 5000;
    if (req->progress) {
        fprintf(req->progress, "\r\033[Klost the source; asking both hosts where %s runs ...",
                req->vm);
        fflush(req->progress);
    }
    for (;;) {
        ask(ctx, req->from, "source", res->query_id, res->locate_src, timeout, &a);
        ask(ctx, req->to, "destination", res->query_id, res->locate_dst, timeout, &b);
        int64_t left_ms = (end - roam_mono_us()) / 1000;
        if ((settled(&a) && settled(&b)) || left_ms <= 0)
            break;
        /* A roamd restarting, or a migration still settling: again soon. */
        int64_t ms = delay_ms < left_ms ? delay_ms : left_ms;
        struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };
        nanosleep(&ts, NULL);
        delay_ms = delay_ms * 2 > 4000 ? 4000 : delay_ms * 2;
    }
    if (req->progress) {
        fprintf(req->progress, "\r\033[K");
        fflush(req->progress);
    }
    enum roam_outcome o = roam_locate_verdict(req->vm, req->from, req->to, &a, &b, res->error,
                                              sizeof res->error);
    res->outcome = o;
    res->ok = o == ROAM_OUTCOME_OK;
    res->failed_phase = o == ROAM_OUTCOME_POST_PENDING ? ROAM__V1__PHASE__PHASE_POST_PROCESSING
                        : o == ROAM_OUTCOME_MIGRATION_FAILED ? ROAM__V1__PHASE__PHASE_MIGRATION
                                                             : ROAM__V1__PHASE__PHASE_PROTOCOL;
}

void roam_client_after_lost_source(const struct roam_migrate_req *req,
                                   struct roam_migrate_result *res)
{
    char err[ROAM_ERR_MAX];
    /* A dry run stores no key at the daemons: nothing to locate. */
    if (!res->ok && res->outcome == ROAM_OUTCOME_UNKNOWN && res->have_locate_keys &&
        !req->dry_run && req->locate_wait_s > 0) {
        roam_tls_ctx *ctx = roam_tls_client_ctx(req->ca_file, NULL, NULL, err, sizeof err);
        if (ctx)
            locate_outcome(ctx, req, res);
        roam_tls_ctx_free(ctx);
    }
    OPENSSL_cleanse(res->locate_src, sizeof res->locate_src);
    OPENSSL_cleanse(res->locate_dst, sizeof res->locate_dst);
}
