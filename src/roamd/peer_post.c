/* Post-processing on the destination (see peer_post.h). */
#include "peer_post.h"

#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "date.h"
#include "deadline.h"
#include "errbuf.h"
#include "handover_send.h"
#include "iface.h"
#include "nd_sock.h"
#include "packet.h"
#include "query_id.h"
#include "rarp.h"
#include "reconcile.h"
#include "text.h"
#include "virt.h"

/* How long, after the report, the destination listens for the IMS's answer
 * to the VM's registration (for the audit only). */
#define IMS_ANSWER_MS 200

/* The secondary NIC's expected SLAAC address in the RA's /64. */
static int secondary_address(const struct peer_session *p, const uint8_t mac[6],
                             struct in6_addr *out)
{
    for (size_t i = 0; i < p->ra.n_prefix; i++)
        if (p->ra.prefix[i].autonomous && p->ra.prefix[i].len == 64) {
            roam_eui64_addr(&p->ra.prefix[i].prefix, mac, out);
            return 0;
        }
    return -1;
}

/* Link the primary NIC down once libvirt lets us: until the incoming
 * migration job has finished, the domain refuses device updates. */
static int link_down(struct peer_session *p, const uint8_t mac[6], int64_t deadline, char *why,
                     size_t cap)
{
    char macs[18];
    roam_mac_format(mac, macs);
    for (;;) {
        char err[ROAM_ERR_MAX];
        virConnectPtr conn = roamd_virt(p->d, err, sizeof err);
        virDomainPtr dom = conn ? roam_virt_domain(conn, p->vm, err, sizeof err) : NULL;
        int r = dom ? roam_virt_set_link(dom, macs, 0, err, sizeof err) : -1;
        if (dom)
            virDomainFree(dom);
        if (conn)
            virConnectClose(conn);
        if (r == 0)
            return 0;
        if (roam_remaining_ms(deadline) == 0)
            return roam_errf(why, cap, "cannot link down the primary NIC %s: %s", macs, err);
        usleep(20000);
    }
}

/* A SwitchHandover from the source: kept for the RARP, replacing an earlier
 * one, unless handovers are off here or it does not hold up against what
 * this host knows: the RA it served, the VM's secondary MAC (the NIC the
 * guest sent it from), the IMS configured here.  A refused one is dropped
 * and audited; an earlier one that held up stays. */
static void on_switch_handover(struct peer_session *p, const Roam__V1__SwitchHandover *sh,
                               const uint8_t secondary_mac[6])
{
    char why[ROAM_ERR_MAX];
    if (!p->d->cfg.handover) {
        roamd_peer_session_audit(p, "handover", "ignored", "handover = no in [mobility]", NULL);
        return;
    }
    /* roam_msg_validate has checked the lengths and the port. */
    roam_handover h;
    memcpy(h.moa, sh->moa.data, 16);
    memcpy(h.ims_addr, sh->ims_address.data, 16);
    h.ims_port = (uint16_t)sh->ims_port;
    h.reg_len = sh->registration.len;
    memcpy(h.reg, sh->registration.data, sh->registration.len);
    if (roam_handover_admit(&h, &p->ra, secondary_mac, p->d->cfg.ims_addr,
                            (uint16_t)p->d->cfg.ims_port, why, sizeof why) < 0) {
        roamd_peer_session_audit(p, "handover", "refused", why, NULL);
        return;
    }
    p->ho = h;
    p->have_ho = 1;
}

/* At the RARP: the router hello, then the registration (the router should
 * know the address before the IMS sends correspondents to it).  The time
 * goes into done; the UDP socket (-1 if nothing went out) is kept so that
 * the IMS's answer can be audited after the report. */
static int fire_handover(struct peer_session *p, int pkt_fd, const uint8_t vm_mac[6],
                         int64_t t0, Roam__V1__PostProcessDone *done)
{
    char why[ROAM_ERR_MAX];
    if (roamd_router_hello(pkt_fd, p->ho.moa, vm_mac, &p->router, why, sizeof why) < 0)
        roamd_peer_session_audit(p, "router-hello", "failed", why, NULL);
    why[0] = '\0';
    int fd = roamd_registration_send(&p->ho, &p->d->attest, &p->ho_attested, why, sizeof why);
    if (fd >= 0 && p->d->attest.key && !p->ho_attested)
        roamd_peer_session_audit(p, "attestation", "failed", why, NULL);
    if (fd < 0) {
        roamd_peer_session_audit(p, "handover", "failed", why, NULL);
        return -1;
    }
    done->handover_at_us = (uint64_t)(roam_mono_us() - t0);
    return fd;
}

/* After the report: did the IMS answer?  Not for the migration, which is
 * done either way; for the audit. */
static void audit_ims_answer(struct peer_session *p, int udp_fd, int64_t deadline)
{
    char buf[ROAMD_AUDIT_LINE_MAX], err[ROAM_ERR_MAX], a[INET6_ADDRSTRLEN];
    int answered = roamd_ims_answered(udp_fd, deadline);
    struct roam_json j;
    roamd_audit_begin(&j, buf, sizeof buf, "handover");
    roam_json_str(&j, "peer", p->addr);
    roam_json_str(&j, "vm", p->vm);
    roam_json_hex(&j, "query_id", p->qid, 16);
    roam_json_str(&j, "outcome", "sent");
    roam_json_str(&j, "at", p->ho_early ? "pause" : "rarp");
    inet_ntop(AF_INET6, p->ho.moa, a, sizeof a);
    roam_json_str(&j, "moa", a);
    inet_ntop(AF_INET6, p->ho.ims_addr, a, sizeof a);
    roam_json_str(&j, "ims", a);
    roam_json_i64(&j, "ims_port", p->ho.ims_port);
    roam_json_i64(&j, "registration_bytes", (int64_t)p->ho.reg_len);
    roam_json_bool(&j, "ims_answered", answered);
    roam_json_bool(&j, "attested", p->ho_attested);
    char qid[ROAMD_QID_LEN];
    if (roamd_audit_commit(p->d->audit, &j, err, sizeof err) < 0)
        roam_log("query %s: AUDIT FAILURE: %s", roamd_qid(qid, p->qid, 16), err);
}

/* The switch as it goes: what wait_rarp needs to send the handover early
 * and to tell when it did. */
struct switch_run {
    int cap_fd;                           /* the bridge, for RARPs and the router hello */
    const uint8_t *m1, *m2;               /* the VM's primary and secondary MACs */
    int64_t t0;                           /* PostProcess arrival */
    Roam__V1__PostProcessDone *done;
    int *ims_fd;                          /* the registration's socket, once sent */
};

/* SwitchNow from the source: the VM is paused for its last copy, so the
 * handover goes out now (once), if one came and held up. */
static void on_switch_now(struct peer_session *p, struct switch_run *sr)
{
    if (!p->have_ho || *sr->ims_fd >= 0)
        return;
    *sr->ims_fd = fire_handover(p, sr->cap_fd, sr->m2, sr->t0, sr->done);
    p->ho_early = *sr->ims_fd >= 0;
}

/* Wait for RARP from one of the VM's MACs, or for the source to give up;
 * SwitchHandover and SwitchNow messages (the handover from the guest's NIC
 * m2, and the moment to send it) are taken on the way.  A source whose
 * connection breaks without a word (its roamd died) has not given up:
 * libvirt's job runs on without it, so the VM may still arrive, and is
 * waited for until the deadline.  1 seen, 0 source aborted or misbehaved,
 * 2 source went away and no VM came (yet), -1 timeout or error (why). */
static int wait_rarp(struct peer_session *p, struct switch_run *sr, int64_t deadline, char *why,
                     size_t cap)
{
    int cap_fd = sr->cap_fd;
    const uint8_t *m1 = sr->m1, *m2 = sr->m2;
    int io = p->d->cfg.io_timeout_ms;
    int gone = 0;
    for (;;) {
        struct pollfd pf[2] = { { .fd = cap_fd, .events = POLLIN },
                                { .fd = p->fd, .events = POLLIN } };
        int r = poll(pf, gone ? 1 : 2, roam_remaining_ms(deadline));
        if (r == 0 && gone)
            return 2;   /* why says the source went away */
        if (r == 0)
            return roam_errf(why, cap, "no RARP from the VM within %d s (did the migration "
                             "reach this host?)", p->d->cfg.switchover_timeout_s);
        if (r < 0)
            continue;
        if (pf[0].revents & POLLIN) {
            uint8_t f[128], mac[6];
            char err[ROAM_ERR_MAX];
            ssize_t n = roam_packet_recv(cap_fd, f, sizeof f, roam_deadline(0), err, sizeof err);
            if (n > 0 && roam_rarp_parse(f, (size_t)n, mac) &&
                (memcmp(mac, m1, 6) == 0 || memcmp(mac, m2, 6) == 0))
                return 1;
        }
        if (!gone && pf[1].revents) {
            /* The source speaks to forward a handover, or to abort (Error),
             * or closes. */
            roam_envelope *env = NULL;
            char err[ROAM_ERR_MAX];
            roam_status st = roam_msg_recv(&p->s, &env, 1000, err, sizeof err);
            if (st == ROAM_OK && env->body_case == ROAM__V1__ENVELOPE__BODY_SWITCH_HANDOVER) {
                on_switch_handover(p, env->switch_handover, m2);
                roam_msg_free(env);
                continue;
            }
            if (st == ROAM_OK && env->body_case == ROAM__V1__ENVELOPE__BODY_SWITCH_NOW) {
                on_switch_now(p, sr);
                roam_msg_free(env);
                continue;
            }
            if (st == ROAM_EFRAME || st == ROAM_EDECODE || st == ROAM_EVERSION ||
                st == ROAM_EINVALID) {
                char e2[ROAM_ERR_MAX];
                snprintf(why, cap, "malformed message from the source: %s", err);
                (void)roam_msg_send_error(&p->s, ROAM__V1__PHASE__PHASE_PROTOCOL, err, io, e2,
                                          sizeof e2);
            } else if (st == ROAM_OK && env->body_case == ROAM__V1__ENVELOPE__BODY_ERROR)
                snprintf(why, cap, "source aborted in %s: %s",
                         roam_phase_name(env->error->phase), env->error->message);
            else if (st == ROAM_OK)
                snprintf(why, cap, "unexpected %s from the source",
                         roam_msg_body_name(env->body_case));
            else {
                snprintf(why, cap, "source went away (%s) and the VM did not arrive", err);
                roamd_peer_session_audit(p, "post-processing", "source gone",
                                         "waiting for the VM all the same", NULL);
                gone = 1;
                roam_msg_free(env);
                continue;
            }
            roam_msg_free(env);
            return 0;
        }
    }
}

/* Wait for the VM's RARP on the bridge (wait_rarp), and at it fire the
 * handover if there is one (*ims_fd as fire_handover returns it). */
static int await_rarp(struct peer_session *p, const Roam__V1__PostProcess *pp, int64_t t0,
                      Roam__V1__PostProcessDone *done, int *ims_fd, char *why, size_t cap)
{
    int fd = roam_packet_open(p->d->cfg.bridge, 0x8035, why, cap);
    if (fd < 0)
        return -1;
    int64_t deadline = roam_deadline(p->d->cfg.switchover_timeout_s * 1000);
    struct switch_run sr = { .cap_fd = fd, .m1 = pp->primary_mac.data,
                             .m2 = pp->secondary_mac.data, .t0 = t0, .done = done,
                             .ims_fd = ims_fd };
    int r = wait_rarp(p, &sr, deadline, why, cap);
    if (r == 1) {
        done->rarp_at_us = (uint64_t)(roam_mono_us() - t0);
        /* First thing at the RARP: the handover is what the guest waits for
         * (unless it went out at the pause already). */
        if (p->have_ho && *ims_fd < 0)
            *ims_fd = fire_handover(p, fd, pp->secondary_mac.data, t0, done);
    }
    close(fd);
    return r;
}

/* Does the secondary NIC answer for addr (its address in the RA's /64) on
 * the bridge within confirm_timeout_ms?  0 yes (or the check is off), -1
 * with why. */
static int confirm_address(struct peer_session *p, const uint8_t mac[6],
                           const struct in6_addr *addr, int have_addr, char *why, size_t cap)
{
    int timeout = p->d->cfg.confirm_timeout_ms;
    if (timeout <= 0)
        return 0;
    if (!have_addr)
        return roam_errf(why, cap, "no /64 SLAAC prefix in the RA to check the address in");
    int64_t rtt;
    int pr = roam_nd_probe(p->d->cfg.bridge, addr, mac, timeout, 100, &rtt, why, cap);
    if (pr == 0) {
        char a[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, addr, a, sizeof a);
        return roam_errf(why, cap, "the secondary NIC did not answer for %s within %d ms", a,
                         timeout);
    }
    return pr < 0 ? -1 : 0;
}

/* PostProcessDone to the source, audited: done as filled so far, failed
 * with why unless it is NULL (an empty why says only "failed"). */
static void report(struct peer_session *p, Roam__V1__PostProcessDone *done, const char *why)
{
    Roam__V1__Error e = ROAM__V1__ERROR__INIT;
    char clean[ROAM_MESSAGE_MAX];
    done->ok = why == NULL;
    if (why) {
        roam_text_clean(clean, sizeof clean, why[0] ? why : "failed");
        e.phase = ROAM__V1__PHASE__PHASE_POST_PROCESSING;
        e.message = clean;
        done->error = &e;
    }
    roamd_peer_session_audit(p, "post-processing", why ? "failed" : "done", why ? clean : NULL,
                             done);
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_POST_PROCESS_DONE;
    env.post_process_done = done;
    roamd_peer_session_send(p, &env);
    done->error = NULL;
}

/* The report failed: the handover, if one went out, is audited first. */
static void report_failure(struct peer_session *p, Roam__V1__PostProcessDone *done,
                           const char *why, int ims_fd)
{
    if (ims_fd >= 0) {
        audit_ims_answer(p, ims_fd, roam_deadline(0));   /* it went out all the same */
        close(ims_fd);
    }
    report(p, done, why);
}

/* After a successful report: listen for the IMS a little, but not past a
 * deferred link-down; then the deferred link-down.  0, or -1 if that
 * failed. */
static int after_report(struct peer_session *p, const Roam__V1__PostProcess *pp,
                        const Roam__V1__PostProcessDone *done, int64_t t0, int ims_fd,
                        int deferred)
{
    int64_t link_at = (int64_t)done->rarp_at_us + p->d->cfg.link_down_delay_ms * 1000LL;
    if (ims_fd >= 0) {
        int64_t until = roam_mono_us() - t0 + IMS_ANSWER_MS * 1000LL;
        if (deferred && link_at < until)
            until = link_at;
        int64_t left_ms = (until - (roam_mono_us() - t0)) / 1000;
        audit_ims_answer(p, ims_fd, roam_deadline(left_ms > 0 ? (int)left_ms : 0));
        close(ims_fd);
    }
    if (deferred) {
        char why[ROAM_MESSAGE_MAX];
        int64_t left = link_at - (roam_mono_us() - t0);
        if (left > 0)
            usleep((useconds_t)left);
        if (link_down(p, pp->primary_mac.data, roam_deadline(30000), why, sizeof why) < 0) {
            roamd_peer_session_audit(p, "link-down", "failed", why, NULL);
            return -1;
        }
        roamd_peer_session_audit(p, "link-down", "done", NULL, NULL);
    }
    return 0;
}

/* The VM lives here now; its owner may want it back: have its policy ready
 * (after the report, so it costs the migration nothing). */
static void prewarm_arrived(struct peer_session *p)
{
    char err[ROAM_ERR_MAX];
    virConnectPtr conn = roamd_virt(p->d, err, sizeof err);
    virDomainPtr dom = conn ? roam_virt_domain(conn, p->vm, err, sizeof err) : NULL;
    if (dom) {
        roamd_prewarm_policy(p->d, dom);
        virDomainFree(dom);
    }
    if (conn)
        virConnectClose(conn);
}

/* The post-processing proper: 1 when the primary NIC could not be taken
 * down (the in-flight record stays for the next start), else 0. */
static int post_process(struct peer_session *p, const Roam__V1__PostProcess *pp, int64_t t0)
{
    char why[ROAM_MESSAGE_MAX] = "";
    Roam__V1__PostProcessDone done = ROAM__V1__POST_PROCESS_DONE__INIT;
    struct in6_addr addr;
    int have_addr = secondary_address(p, pp->secondary_mac.data, &addr) == 0;
    int ims_fd = -1;
    int r = await_rarp(p, pp, t0, &done, &ims_fd, why, sizeof why);
    if (r == 0 || r == 2) {
        roamd_admission_drop(p->d->adm, p->qid);
        roamd_peer_session_audit(p, "post-processing", "disarmed", why, NULL);
        if (ims_fd >= 0) {
            /* Sent at the pause, and the VM did not come: the guest's next
             * registration, when its standby link goes down on the source,
             * takes the correspondents back (docs/roamd.md, "Handover"). */
            audit_ims_answer(p, ims_fd, roam_deadline(0));
            close(ims_fd);
        }
        /* Nobody to report to.  A source gone without a word may still have
         * a job running longer than we waited: its record stays, for the
         * next start to finish or drop. */
        return r == 2;
    }
    if (r < 0) {
        report_failure(p, &done, why, ims_fd);
        return 0;
    }
    /* Taken down now, or after the report (link_down_delay_ms): roam-mat
     * switches on QEMU's announcement by itself, and the link change costs
     * the guest a stall just when the first packets through the new network
     * arrive (docs/roamd.md). */
    int deferred = p->d->cfg.link_down_delay_ms > 0;
    if (!deferred) {
        if (link_down(p, pp->primary_mac.data, roam_deadline(30000), why, sizeof why) < 0) {
            report_failure(p, &done, why, ims_fd);
            return 1;
        }
        done.link_down_at_us = (uint64_t)(roam_mono_us() - t0);
    }
    if (have_addr) {
        done.address.data = addr.s6_addr;
        done.address.len = 16;
    }
    if (confirm_address(p, pp->secondary_mac.data, &addr, have_addr, why, sizeof why) < 0) {
        /* The switch is finished all the same: the primary NIC's address is
         * in the source's prefix and routes nowhere here, and a VM left with
         * both NICs up could not be migrated again.  The failure is still
         * reported, so the owner knows the new address was not seen. */
        size_t n = strlen(why);
        snprintf(why + n, sizeof why - n, " (the primary NIC is %s all the same)",
                 deferred ? "taken down" : "down");
        report_failure(p, &done, why, ims_fd);
        int kept = after_report(p, pp, &done, t0, -1, deferred) < 0;
        prewarm_arrived(p);
        return kept;
    }
    if (p->d->cfg.confirm_timeout_ms > 0)
        done.confirmed_at_us = (uint64_t)(roam_mono_us() - t0);
    report(p, &done, NULL);
    int kept = after_report(p, pp, &done, t0, ims_fd, deferred) < 0;
    prewarm_arrived(p);
    return kept;
}

void roamd_peer_post_process(struct peer_session *p, const Roam__V1__PostProcess *pp)
{
    int64_t t0 = roam_mono_us();
    if (!roamd_peer_session_same_query(p, pp->vm, &pp->query_id) || !p->have_ra) {
        Roam__V1__PostProcessDone done = ROAM__V1__POST_PROCESS_DONE__INIT;
        report(p, &done, "post-processing for a query without admission and RA");
        return;
    }
    /* Recorded before the wait: a roamd that dies from here on finds the
     * record at its next start and finishes (or drops) it there.  Without
     * the record the post-processing still runs: the migration is the
     * source's to stop, and it has started it. */
    char pm[18], sm[18], err[ROAM_ERR_MAX];
    struct roamd_inflight rec;
    roam_mac_format(pp->primary_mac.data, pm);
    roam_mac_format(pp->secondary_mac.data, sm);
    roamd_inflight_begin(&rec, ROAMD_INFLIGHT_DESTINATION, p->vm, p->qid, p->src, pm, sm);
    int on = roamd_inflight_step(p->d, &rec, ROAMD_STEP_ARMED, err, sizeof err) == 0;
    if (!on)
        roamd_peer_session_audit(p, "post-processing", "unrecorded", err, NULL);
    if (post_process(p, pp, t0) == 0 && on)
        roamd_inflight_end(p->d, &rec);
}
