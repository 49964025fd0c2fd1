/* Source-side migration flow (see source.h). */
#include "source.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "deadline.h"
#include "errbuf.h"
#include "icmp6.h"
#include "iface.h"
#include "migration_job.h"
#include "peer_client.h"
#include "query_id.h"
#include "reconcile.h"
#include "ra_deliver.h"
#include "ra_guard.h"
#include "source_disks.h"
#include "text.h"
#include "virt.h"
#include "virt_migrate.h"

#define PROGRESS_MS 250
/* How often the flow looks for a handover from the guest while the
 * migration runs: it must reach the destination before the switch-over. */
#define HANDOVER_POLL_MS 50

struct flow {
    struct roamd *d;
    roamd_link *c;
    const char *addr;
    const Roam__V1__Authenticate *au;
    char qid[ROAMD_QID_LEN];                 /* au's query id, for the log */
    const struct roamd_auth_outcome *auth;   /* this daemon's source authentication */
    int client_gone;
    Roam__V1__PhaseTimings t;
    int64_t start_us;
    int64_t armed_us, migration_start_us;   /* PostProcess sent; job started */
    virDomainPtr dom;
    struct roam_iface primary, secondary;
    int linked_up;
    int ra_guarded;                    /* the secondary's tap deaf to this host's routers */
    roamd_peer *peer;
    struct roamd_peer_early *early;    /* the link opened during authentication */
    struct roamd_ra_delivery rd;
    int rd_open;
    int handovers_sent;                /* SwitchHandover messages to the destination */
    int64_t handover_sent_us;          /* the last one, since the migration started */
    int64_t paused_us;                 /* libvirt paused the VM for the switch-over, since
                                        * the migration started; 0: not seen */
    int switch_now_sent;               /* SwitchNow went to the destination */
    Roam__V1__PostProcessDone *post;   /* the destination's report */
    char dest_uri[ROAMD_PATH_MAX];
    uint64_t bandwidth_mibs;           /* the client's cap for libvirt; 0: none */
    int dry_run;                       /* checks only: nothing is changed */
    roam_envelope *mig;                /* the client's Migrate, once read */
    struct roamd_src_disks disks;      /* the VM's disks and how they move */
    struct roamd_inflight rec;         /* the crash-safe record, once a host changes */
    int rec_on, rec_keep;              /* written; kept for the next start's reconciliation */
};

static void send_progress(struct flow *f, Roam__V1__Phase phase, const struct roam_job_stats *js)
{
    if (f->client_gone)
        return;
    Roam__V1__Progress p = ROAM__V1__PROGRESS__INIT;
    p.phase = phase;
    if (js) {
        p.data_remaining = js->data_remaining;
        p.data_total = js->data_total;
        p.data_processed = js->data_processed;
        p.throughput_bps = js->throughput_bps;
        p.expected_downtime_ms = js->downtime_ms;
        p.elapsed_ms = js->elapsed_ms;
        p.memory_total = js->memory_total;
        p.memory_processed = js->memory_processed;
        p.memory_remaining = js->memory_remaining;
        p.disk_total = js->disk_total;
        p.disk_processed = js->disk_processed;
        p.disk_remaining = js->disk_remaining;
        p.disk_bps = js->disk_bps;
    }
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_PROGRESS;
    env.progress = &p;
    roam_stream s = f->c->s;
    char err[ROAM_ERR_MAX];
    if (roam_msg_send(&s, &env, f->d->cfg.io_timeout_ms, err, sizeof err) != ROAM_OK) {
        /* The migration goes on without an audience; the audit has it all. */
        roam_log("client %s: query %s: gone during the migration (%s)", f->addr, f->qid, err);
        f->client_gone = 1;
    }
}

static void audit_flow(struct flow *f, const char *outcome, Roam__V1__Phase phase,
                       const char *reason)
{
    char buf[ROAMD_AUDIT_LINE_MAX], err[ROAM_ERR_MAX];
    struct roam_json j;
    roamd_audit_begin(&j, buf, sizeof buf, "migrate");
    roam_json_str(&j, "peer", f->addr);
    roam_json_str(&j, "role", "migrate");
    roam_json_str(&j, "vm", f->au->vm);
    roam_json_str(&j, "src", f->au->src);
    roam_json_str(&j, "dst", f->au->dst);
    roam_json_hex(&j, "query_id", f->au->query_id.data, f->au->query_id.len);
    if (f->au->key_fingerprint.len)
        roam_json_hex(&j, "key_fingerprint_claimed", f->au->key_fingerprint.data,
                      f->au->key_fingerprint.len);
    roam_json_str(&j, "policy", f->auth->policy);
    roam_json_str(&j, "outcome", outcome);
    if (f->dry_run)
        roam_json_bool(&j, "dry_run", 1);
    if (f->bandwidth_mibs)
        roam_json_u64(&j, "bandwidth_mibs", f->bandwidth_mibs);
    if (reason) {
        roam_json_str(&j, "failed_phase", roam_phase_name(phase));
        roam_json_str(&j, "reason", reason);
    }
    if (f->dest_uri[0])
        roam_json_str(&j, "dest_uri", f->dest_uri);
    roam_json_bool(&j, "tls", f->d->cfg.migration_tls);
    roamd_migration_job_audit(&j, &f->d->cfg.migration_tune);
    roam_json_obj_begin(&j, "timings_us");
    roam_json_u64(&j, "dest_auth", f->t.dest_auth_us);
    roam_json_u64(&j, "source_auth", f->t.source_auth_us);
    roam_json_u64(&j, "auth", roam_auth_wall_us(&f->t));
    roam_json_u64(&j, "pre_processing", f->t.pre_processing_us);
    roam_json_u64(&j, "migration", f->t.migration_us);
    roam_json_u64(&j, "post_processing", f->t.post_processing_us);
    roam_json_u64(&j, "total", f->t.total_us);
    roam_json_u64(&j, "switchover", f->t.switchover_us);
    roam_json_i64(&j, "source_auth_daemon", f->auth->daemon_us);
    roam_json_obj_end(&j);
    if (f->rd_open || f->rd.sends) {
        roam_json_obj_begin(&j, "ra_delivery");
        roam_json_i64(&j, "sends", f->rd.sends);
        roam_json_i64(&j, "guest_link_after_ms", f->rd.link_after_ms);
        roam_json_i64(&j, "guest_dad_after_ms", f->rd.seen_after_ms);
        if (f->rd.watch_error[0])
            roam_json_str(&j, "watch_error", f->rd.watch_error);
        roam_json_obj_end(&j);
        roam_json_obj_begin(&j, "handover");
        roam_json_i64(&j, "from_guest", f->rd.ho_seen);
        roam_json_i64(&j, "guest_after_ms", f->rd.ho_after_ms);
        roam_json_i64(&j, "sent", f->handovers_sent);
        if (f->handovers_sent)
            roam_json_i64(&j, "sent_after_us", f->handover_sent_us);
        roam_json_str(&j, "switch_at", f->d->cfg.switch_at_pause ? "pause" : "rarp");
        if (f->paused_us)
            roam_json_i64(&j, "paused_after_us", f->paused_us);
        roam_json_bool(&j, "switch_now_sent", f->switch_now_sent);
        if (!f->d->cfg.handover)
            roam_json_str(&j, "disabled", "handover = no");
        if (f->rd.ho_error[0])
            roam_json_str(&j, "malformed", f->rd.ho_error);
        roam_json_obj_end(&j);
    }
    roamd_src_disks_audit(&f->disks, &j);
    if (f->post) {
        roam_json_obj_begin(&j, "destination_us");
        roam_json_u64(&j, "rarp_at", f->post->rarp_at_us);
        roam_json_u64(&j, "link_down_at", f->post->link_down_at_us);
        roam_json_u64(&j, "confirmed_at", f->post->confirmed_at_us);
        roam_json_u64(&j, "handover_at", f->post->handover_at_us);
        roam_json_obj_end(&j);
    }
    if (roamd_audit_commit(f->d->audit, &j, err, sizeof err) < 0)
        roam_log("query %s: AUDIT FAILURE: %s", f->qid, err);
}

static void send_done(struct flow *f, Roam__V1__Phase phase, const char *why)
{
    f->t.total_us = roam_auth_wall_us(&f->t) + (uint64_t)(roam_mono_us() - f->start_us);
    audit_flow(f, why ? "failed" : f->dry_run ? "dry-run passed" : "migrated", phase, why);
    if (f->client_gone)
        return;
    char clean[ROAM_MESSAGE_MAX];
    Roam__V1__Error e = ROAM__V1__ERROR__INIT;
    Roam__V1__MigrateDone done = ROAM__V1__MIGRATE_DONE__INIT;
    done.ok = why == NULL;
    done.dry_run = f->dry_run != 0;
    done.timings = &f->t;
    if (why) {
        roam_text_clean(clean, sizeof clean, why);
        e.phase = phase;
        e.message = clean;
        done.error = &e;
    }
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_MIGRATE_DONE;
    env.migrate_done = &done;
    roam_stream s = f->c->s;
    char err[ROAM_ERR_MAX];
    if (roam_msg_send(&s, &env, f->d->cfg.io_timeout_ms, err, sizeof err) != ROAM_OK)
        roam_log("client %s: query %s: could not send the result: %s", f->addr, f->qid, err);
}

/* The secondary NIC is no longer the standby here: it left with the VM, or
 * its link is down again. */
static void ra_unguard(struct flow *f)
{
    char err[ROAM_ERR_MAX];
    if (f->ra_guarded && roamd_ra_guard_del(f->secondary.target, err, sizeof err) < 0)
        roam_log("query %s: %s", f->qid, err);
    f->ra_guarded = 0;
}

/* Undo pre-processing: the VM stays here with its secondary NIC down. */
static void rollback(struct flow *f, Roam__V1__Phase phase, const char *why)
{
    char err[ROAM_ERR_MAX];
    if (f->rd_open) {
        roamd_ra_deliver_stop(&f->rd);
        f->rd_open = 0;
    }
    if (f->linked_up && roam_virt_set_link(f->dom, f->secondary.mac, 0, err, sizeof err) < 0) {
        roam_log("query %s: rollback: cannot link down %s of %s: %s", f->qid, f->secondary.mac,
                 f->au->vm, err);
        f->rec_keep = 1;   /* the next start tries again */
    }
    f->linked_up = 0;
    ra_unguard(f);
    roamd_peer_abort(f->peer, phase, why);
    f->peer = NULL;
}

static int fail(struct flow *f, Roam__V1__Phase phase, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct flow *f, Roam__V1__Phase phase, const char *fmt, ...)
{
    char why[ROAM_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    roam_log("query %s: migration of %s failed in %s: %s", f->qid, f->au->vm,
             roam_phase_name(phase), why);
    rollback(f, phase, why);
    send_done(f, phase, why);
    return -1;
}

/* Exactly one NIC on the VM bridge is up (primary) and one is down
 * (secondary); after each roam migration the two swap roles. */
static int pick_nics(struct flow *f, char *err, size_t errlen)
{
    struct roam_iface *ifs = NULL;
    size_t n = 0;
    if (roam_virt_interfaces(f->dom, 0, &ifs, &n, err, errlen) < 0)
        return -1;
    int up = 0, down = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ifs[i].source, f->d->cfg.bridge) != 0)
            continue;
        if (ifs[i].link_up) {
            f->primary = ifs[i];
            up++;
        } else {
            f->secondary = ifs[i];
            down++;
        }
    }
    free(ifs);
    if (up != 1 || down != 1)
        return roam_errf(err, errlen, "VM needs exactly one NIC up and one down on bridge %s "
                         "(has %d up, %d down)", f->d->cfg.bridge, up, down);
    if (!f->secondary.target[0])
        return roam_errf(err, errlen, "secondary NIC %s has no tap device", f->secondary.mac);
    return 0;
}

/* Hand the guest's latest handover, if it sent one not yet forwarded, to
 * the destination, which sends it at the RARP.  A failure costs only the
 * head start: the guest sends its registration itself anyway. */
static void forward_handover(struct flow *f)
{
    roam_handover h;
    char err[ROAM_ERR_MAX];
    if (!f->d->cfg.handover || !f->rd_open || !f->peer ||
        !roamd_ra_deliver_take_handover(&f->rd, &h))
        return;
    if (roamd_peer_handover(f->peer, &h, err, sizeof err) < 0) {
        roam_log("query %s: handover of %s not forwarded: %s", f->qid, f->au->vm, err);
        return;
    }
    f->handovers_sent++;
    f->handover_sent_us = roam_mono_us() - f->migration_start_us;
}

/* Every HANDOVER_POLL_MS while the migration job runs: forward the guest's
 * handover, and stream the job's progress every PROGRESS_MS. */
struct mig_tick {
    struct flow *f;
    int64_t next_progress;
};

static void on_tick(void *ctx)
{
    struct mig_tick *t = ctx;
    forward_handover(t->f);
    struct roam_job_stats js;
    char why[ROAM_ERR_MAX];
    if (roam_now_ms() >= t->next_progress) {
        t->next_progress = roam_now_ms() + PROGRESS_MS;
        if (roam_virt_job_stats(t->f->dom, 0, &js, why, sizeof why) == 0 &&
            js.type != VIR_DOMAIN_JOB_NONE)
            send_progress(t->f, ROAM__V1__PHASE__PHASE_MIGRATION, &js);
    }
}

/* libvirt paused the VM for its last copy: with switch_at = pause, the
 * destination sends the handover now, the latest one forwarded first. */
static void on_paused(void *ctx)
{
    struct mig_tick *t = ctx;
    struct flow *f = t->f;
    f->paused_us = roam_mono_us() - f->migration_start_us;
    forward_handover(f);
    if (!f->handovers_sent)
        return;   /* nothing to send early: the guest registers by itself */
    char err[ROAM_ERR_MAX];
    if (roamd_peer_switch_now(f->peer, err, sizeof err) < 0) {
        roam_log("query %s: SwitchNow not sent (the handover waits for the RARP): %s", f->qid,
                 err);
        return;
    }
    f->switch_now_sent = 1;
}

/* A lifecycle watch on a connection of its own, for on_paused: NULL (and
 * the handover waits for the RARP) when it is not wanted or cannot be had. */
static roam_virt_watch *pause_watch(struct flow *f, virConnectPtr *conn)
{
    char err[ROAM_ERR_MAX];
    *conn = NULL;
    if (!f->d->cfg.handover || !f->d->cfg.switch_at_pause)
        return NULL;
    roam_virt_watch *w = NULL;
    if (roam_virt_event_loop_start(err, sizeof err) == 0 &&
        (*conn = roamd_virt(f->d, err, sizeof err)) != NULL)
        w = roam_virt_watch_lifecycle(*conn, err, sizeof err);
    if (!w) {
        roam_log("query %s: no lifecycle watch (the handover waits for the RARP): %s", f->qid,
                 err);
        if (*conn)
            virConnectClose(*conn);
        *conn = NULL;
    }
    return w;
}

/* The phases below return 0, or -1 once fail() has rolled back and told
 * the client. */

/* The in-flight record at step s, written before the step changes this
 * host (reconcile.h).  0, or -1 with err. */
static int record(struct flow *f, enum roamd_inflight_step s, char *err, size_t errlen)
{
    if (!f->rec_on)
        roamd_inflight_begin(&f->rec, ROAMD_INFLIGHT_SOURCE, f->au->vm, f->au->query_id.data,
                             f->au->dst, f->primary.mac, f->secondary.mac);
    if (roamd_inflight_step(f->d, &f->rec, s, err, errlen) < 0)
        return -1;
    f->rec_on = 1;
    return 0;
}

/* Pre-processing here: the VM, its two NICs, where it goes. */
static int find_vm(struct flow *f)
{
    const Roam__V1__Authenticate *au = f->au;
    const Roam__V1__Phase PRE = ROAM__V1__PHASE__PHASE_PRE_PROCESSING;
    char err[ROAM_ERR_MAX];
    virConnectPtr conn = roamd_virt(f->d, err, sizeof err);
    f->dom = conn ? roam_virt_domain(conn, au->vm, err, sizeof err) : NULL;
    if (conn)
        virConnectClose(conn);   /* the domain keeps its own reference */
    if (!f->dom)
        return fail(f, PRE, "%s", err);
    if (virDomainIsActive(f->dom) != 1)
        return fail(f, PRE, "VM %s is not running", au->vm);
    if (pick_nics(f, err, sizeof err) < 0)
        return fail(f, PRE, "%s", err);
    if (roamd_src_disks_read(&f->disks, f->dom, f->d->cfg.storage_shared, err, sizeof err) < 0)
        return fail(f, PRE, "%s", err);
    char host[ROAMD_HOST_MAX], port[8];
    if (roam_split_hostport(au->dst, host, sizeof host, port, sizeof port, "0") < 0 ||
        roamd_migrate_uri(&f->d->cfg, host, f->dest_uri, sizeof f->dest_uri) < 0)
        return fail(f, PRE, "destination %s is not HOST[:PORT]", au->dst);
    return 0;
}

/* Admission: the destination daemon takes the admission its accept-role
 * authentication left.  The query, the disks (prepare_disks) and the RA
 * fetch go out in one flight, their answers come back in one round trip.  A dry run only asks whether it would grant one, and ends the
 * conversation there. */
static int admit(struct flow *f)
{
    const Roam__V1__Authenticate *au = f->au;
    const Roam__V1__Phase ADM = ROAM__V1__PHASE__PHASE_ADMISSION;
    char err[ROAM_ERR_MAX];
    f->peer = f->early ? roamd_peer_early_take(f->early, err, sizeof err)
                       : roamd_peer_connect(f->d, au->dst, err, sizeof err);
    f->early = NULL;
    if (!f->peer)
        return fail(f, ADM, "destination unreachable: %s", err);
    int r = f->dry_run
        ? roamd_peer_admission_dry(f->peer, au->vm, au->src, au->query_id.data, err, sizeof err)
        : roamd_peer_ask_admission(f->peer, au->vm, au->src, au->query_id.data, err, sizeof err);
    if (r == 0 && !f->dry_run)
        roamd_peer_ask_ra(f->peer, au->vm, au->query_id.data);
    if (r < 0)
        return fail(f, ADM, "%s", err);
    if (f->dry_run) {
        roamd_peer_close(f->peer);
        f->peer = NULL;
    }
    return 0;
}

/* The destination prepares the disks' targets (or refuses) before any NIC
 * or RA is touched; then the admission's answer must be a grant. */
static int prepare_disks(struct flow *f)
{
    char err[ROAM_ERR_MAX];
    if (roamd_src_disks_prepare(&f->disks, f->peer, f->au->vm, f->au->query_id.data, err,
                                sizeof err) < 0 ||
        roamd_peer_admitted(f->peer, err, sizeof err) < 0)
        return fail(f, ROAM__V1__PHASE__PHASE_ADMISSION, "%s", err);
    return 0;
}

/* Pre-processing with the destination: fetch its RA, arm its
 * post-processing, link the secondary NIC up and hand it the RA. */
static int pre_process(struct flow *f)
{
    const Roam__V1__Authenticate *au = f->au;
    const Roam__V1__Phase PRE = ROAM__V1__PHASE__PHASE_PRE_PROCESSING;
    char err[ROAM_ERR_MAX];
    uint8_t ra[ROAM_RA_MAX];
    struct in6_addr router;
    int ra_len = roamd_peer_ra(f->peer, au->vm, au->query_id.data, ra, sizeof ra, &router, err,
                               sizeof err);
    if (ra_len < 0)
        return fail(f, PRE, "%s", err);
    uint8_t pmac[6], smac[6];
    if (roam_mac_parse(f->primary.mac, pmac) < 0 || roam_mac_parse(f->secondary.mac, smac) < 0)
        return fail(f, PRE, "VM NIC with an unreadable MAC");
    if (roamd_peer_arm(f->peer, au->vm, au->query_id.data, pmac, smac, err, sizeof err) < 0)
        return fail(f, PRE, "%s", err);
    f->armed_us = roam_mono_us();
    if (roamd_ra_deliver_start(&f->rd, f->secondary.target, smac, ra, (size_t)ra_len, &router,
                               err, sizeof err) < 0)
        return fail(f, PRE, "cannot deliver the RA to the secondary NIC: %s", err);
    f->rd_open = 1;
    if (record(f, ROAMD_STEP_LINKING, err, sizeof err) < 0)
        return fail(f, PRE, "%s", err);
    /* Without the guard the move still works; the VM may only take this
     * network's RA on the standby NIC and switch more slowly (ra_guard.h). */
    if (roamd_ra_guard_add(f->secondary.target, err, sizeof err) < 0)
        roam_log("query %s: %s; the standby NIC may hear this host's router", f->qid, err);
    else
        f->ra_guarded = 1;
    if (roam_virt_set_link(f->dom, f->secondary.mac, 1, err, sizeof err) < 0)
        return fail(f, PRE, "cannot link up the secondary NIC: %s", err);
    f->linked_up = 1;
    if (roamd_ra_deliver_send(&f->rd, err, sizeof err) < 0)
        return fail(f, PRE, "cannot deliver the RA to the secondary NIC: %s", err);
    f->t.pre_processing_us = (uint64_t)(roam_mono_us() - f->start_us);
    return 0;
}

/* Migration: the RA is out; the watcher re-sends it until the guest shows
 * it configured the address, while the memory copy runs. */
static int migrate(struct flow *f)
{
    char err[ROAM_ERR_MAX];
    if (roamd_src_disks_xml(&f->disks, f->dom, err, sizeof err) < 0)
        return fail(f, ROAM__V1__PHASE__PHASE_MIGRATION, "%s", err);
    if (record(f, ROAMD_STEP_MIGRATING, err, sizeof err) < 0)
        return fail(f, ROAM__V1__PHASE__PHASE_MIGRATION, "%s", err);
    int64_t m0 = roam_mono_us();
    f->migration_start_us = m0;
    send_progress(f, ROAM__V1__PHASE__PHASE_MIGRATION, NULL);
    if (roamd_ra_deliver_watch(&f->rd, 5000) < 0)
        roam_log("query %s: RA re-delivery watcher did not start; relying on the first RA "
                 "and the guest's own registration", f->qid);
    struct roam_migrate_opts o = { .dest_uri = f->dest_uri, .bandwidth_mibs = f->bandwidth_mibs,
                                   .tls = f->d->cfg.migration_tls,
                                   .tune = f->d->cfg.migration_tune };
    roamd_src_disks_opts(&f->disks, &o);
    struct mig_tick tick = { .f = f, .next_progress = roam_now_ms() + PROGRESS_MS };
    char who[ROAMD_QID_LEN + 300];   /* the job's log names the VM and the query */
    snprintf(who, sizeof who, "%s (query %s)", f->au->vm, f->qid);
    virConnectPtr wconn;
    struct roamd_job_calls calls = { .tick_ms = HANDOVER_POLL_MS, .tick = on_tick,
                                     .watch = pause_watch(f, &wconn), .name = f->au->vm,
                                     .paused = on_paused, .ctx = &tick };
    int rc = roamd_migration_job_run(f->dom, &o, who, f->d->cfg.migration_timeout_s * 1000,
                                     &calls, err, sizeof err);
    f->t.migration_us = (uint64_t)(roam_mono_us() - m0);
    if (calls.watch) {
        roam_virt_watch_free(calls.watch);
        virConnectClose(wconn);
    }
    roamd_ra_deliver_stop(&f->rd);
    f->rd_open = 0;
    if (rc < 0)
        return fail(f, ROAM__V1__PHASE__PHASE_MIGRATION, "migration failed (%s): %s",
                    o.tls ? "TLS; never retried in clear" : "in clear, [migration] tls = no", err);
    /* The VM now runs on the destination: nothing here to roll back. */
    f->linked_up = 0;
    ra_unguard(f);
    if (record(f, ROAMD_STEP_MIGRATED, err, sizeof err) < 0)
        roam_log("query %s: %s", f->qid, err);   /* the VM has moved all the same */
    virConnectPtr conn = roamd_virt(f->d, err, sizeof err);
    roamd_src_disks_finish(&f->disks, conn, f->d->cfg.remove_source, f->qid);
    if (conn)
        virConnectClose(conn);
    return 0;
}

/* Post-processing: the destination's report, passed on to the client. */
static void post_process(struct flow *f)
{
    const Roam__V1__Phase POST = ROAM__V1__PHASE__PHASE_POST_PROCESSING;
    char err[ROAM_ERR_MAX];
    int64_t p0 = roam_mono_us();
    send_progress(f, POST, NULL);
    roam_envelope *done = NULL;
    int wait_ms = f->d->cfg.switchover_timeout_s * 1000 + f->d->cfg.confirm_timeout_ms + 2000;
    int rc = roamd_peer_wait_done(f->peer, wait_ms, &done, err, sizeof err);
    f->t.post_processing_us = (uint64_t)(roam_mono_us() - p0);
    roamd_peer_close(f->peer);
    f->peer = NULL;
    if (rc < 0) {
        fail(f, POST, "VM %s runs on the destination, but its post-processing report failed: %s",
             f->au->vm, err);
        return;
    }
    f->post = done->post_process_done;
    /* The destination's clock runs from PostProcess arrival: map its RARP
     * time onto ours (error: one-way latency, well under a millisecond). */
    int64_t sw = f->armed_us + (int64_t)f->post->rarp_at_us - f->migration_start_us;
    if (f->post->rarp_at_us && sw > 0)
        f->t.switchover_us = (uint64_t)sw;
    if (!f->post->ok)
        fail(f, POST, "VM %s runs on the destination: %s", f->au->vm, f->post->error->message);
    else
        send_done(f, ROAM__V1__PHASE__PHASE_UNSPECIFIED, NULL);
    f->post = NULL;
    roam_msg_free(done);
}

/* The user's go-ahead, read once the admission query is out: a client
 * sends it behind its Response (or, an older one, after the Result).
 * Nothing on this host or the destination changes before it came. */
static int take_migrate(struct flow *f)
{
    const Roam__V1__Phase PRE = ROAM__V1__PHASE__PHASE_PRE_PROCESSING;
    roam_stream s = f->c->s;
    char err[ROAM_ERR_MAX];
    if (roam_msg_expect(&s, ROAM__V1__ENVELOPE__BODY_MIGRATE, &f->mig, f->d->cfg.io_timeout_ms,
                        err, sizeof err) != ROAM_OK)
        return fail(f, PRE, "no Migrate after authentication: %s", err);
    const Roam__V1__Migrate *m = f->mig->migrate;
    f->t.dest_auth_us = m->dest_auth_us;
    f->t.source_auth_us = m->source_auth_us;
    f->t.auth_us = m->auth_us;
    f->bandwidth_mibs = m->bandwidth_mibs;
    if (m->bandwidth_mibs > ROAM_BANDWIDTH_MAX_MIBS)
        return fail(f, PRE, "bandwidth %u MiB/s out of range (1..%d, or 0 for libvirt's default)",
                    m->bandwidth_mibs, ROAM_BANDWIDTH_MAX_MIBS);
    return 0;
}

static void flow_run(struct flow *f)
{
    send_progress(f, ROAM__V1__PHASE__PHASE_PRE_PROCESSING, NULL);
    if (find_vm(f) < 0 || admit(f) < 0 || take_migrate(f) < 0)
        return;
    if (f->dry_run) {
        /* Every check passed; no NIC, RA or migration job was touched. */
        f->t.pre_processing_us = (uint64_t)(roam_mono_us() - f->start_us);
        send_done(f, ROAM__V1__PHASE__PHASE_UNSPECIFIED, NULL);
        return;
    }
    if (prepare_disks(f) < 0 || pre_process(f) < 0 || migrate(f) < 0)
        return;
    post_process(f);
}

void roamd_source_migrate(struct roamd *d, roamd_link *c, const char *addr,
                          const Roam__V1__Authenticate *au,
                          const struct roamd_auth_outcome *auth,
                          struct roamd_peer_early *early)
{
    struct flow f;
    memset(&f, 0, sizeof f);
    f.d = d;
    f.early = early;
    f.c = c;
    f.addr = addr;
    f.au = au;
    roamd_qid(f.qid, au->query_id.data, au->query_id.len);
    f.auth = auth;
    f.start_us = roam_mono_us();
    roam__v1__phase_timings__init(&f.t);
    f.dry_run = au->dry_run != 0;
    if (roamd_vm_lock(d, au->vm) < 0) {
        fail(&f, ROAM__V1__PHASE__PHASE_PRE_PROCESSING,
             "a migration of VM %s is already running here", au->vm);
        roamd_peer_early_drop(f.early);
        return;
    }
    flow_run(&f);
    if (f.rec_on && !f.rec_keep)
        roamd_inflight_end(d, &f.rec);
    roamd_peer_early_drop(f.early);   /* a flow that failed before it needed the link */
    roamd_src_disks_free(&f.disks);
    roam_msg_free(f.mig);
    if (f.dom)
        virDomainFree(f.dom);
    roamd_vm_unlock(d, au->vm);
}
