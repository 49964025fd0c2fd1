/* The destination daemon's side of a peer connection (mutual TLS from the
 * source daemon): consume the admission, return the RA, then do the
 * post-processing — wait for the VM's RARP on the VM bridge, send the VM's
 * handover if the source forwarded one, link its primary NIC down, check
 * that the secondary NIC answers for its new-prefix address on this link
 * (Neighbor Solicitation/Advertisement) — and report.  If the source sends
 * Error or disappears, the admission is dropped and the post-processing
 * disarmed. */
#include "peer_server.h"

#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "deadline.h"
#include "errbuf.h"
#include "handover_send.h"
#include "icmp6.h"
#include "iface.h"
#include "msg.h"
#include "nd_sock.h"
#include "packet.h"
#include "rarp.h"
#include "text.h"
#include "virt.h"

/* How long, after the report, the destination listens for the IMS's answer
 * to the VM's registration (for the audit only). */
#define IMS_ANSWER_MS 200

struct peer_session {
    struct roamd *d;
    roam_tls_conn *c;
    roam_stream s;
    int fd;                       /* the TCP socket under c, only polled */
    const char *addr;
    char fingerprint[ROAM_TLS_FINGERPRINT_HEX];
    char vm[ROAM_NAME_MAX + 1], src[ROAM_NAME_MAX + 1];
    uint8_t qid[16];
    int admitted;
    struct roam_ra_info ra;
    int have_ra;
    struct in6_addr router;       /* the RA's source: the router's link-local address */
    roam_handover ho;             /* the latest SwitchHandover, if have_ho */
    int have_ho;
};

static void audit_peer(struct peer_session *p, const char *event, const char *outcome,
                       const char *reason, const Roam__V1__PostProcessDone *done)
{
    char buf[ROAMD_AUDIT_LINE_MAX], err[ROAM_ERR_MAX];
    struct roam_json j;
    roamd_audit_begin(&j, buf, sizeof buf, event);
    roam_json_str(&j, "peer", p->addr);
    roam_json_str(&j, "peer_cert_sha256", p->fingerprint);
    if (p->vm[0]) {
        roam_json_str(&j, "vm", p->vm);
        roam_json_str(&j, "src", p->src);
        roam_json_hex(&j, "query_id", p->qid, 16);
    }
    roam_json_str(&j, "outcome", outcome);
    if (reason)
        roam_json_str(&j, "reason", reason);
    if (done) {
        roam_json_obj_begin(&j, "timings_us");
        roam_json_u64(&j, "rarp_at", done->rarp_at_us);
        roam_json_u64(&j, "link_down_at", done->link_down_at_us);
        roam_json_u64(&j, "confirmed_at", done->confirmed_at_us);
        roam_json_u64(&j, "handover_at", done->handover_at_us);
        roam_json_obj_end(&j);
        if (done->address.len == 16) {
            char a[INET6_ADDRSTRLEN];
            inet_ntop(AF_INET6, done->address.data, a, sizeof a);
            roam_json_str(&j, "secondary_address", a);
        }
    }
    if (roamd_audit_commit(p->d->audit, &j, err, sizeof err) < 0)
        roamd_log("AUDIT FAILURE: %s", err);
}

static void send_env(struct peer_session *p, roam_envelope *env)
{
    char err[ROAM_ERR_MAX];
    if (roam_msg_send(&p->s, env, p->d->cfg.io_timeout_ms, err, sizeof err) != ROAM_OK)
        roamd_log("peer %s: send failed: %s", p->addr, err);
}

static int on_admission(struct peer_session *p, const Roam__V1__AdmissionQuery *q)
{
    char why[ROAM_MESSAGE_MAX], host[ROAMD_HOST_MAX], port[8];
    snprintf(p->vm, sizeof p->vm, "%s", q->vm);
    snprintf(p->src, sizeof p->src, "%s", q->src);
    memcpy(p->qid, q->query_id.data, 16);
    int ok = 0;
    if (roam_split_hostport(q->src, host, sizeof host, port, sizeof port, "0") < 0)
        snprintf(why, sizeof why, "source %s is not HOST[:PORT]", q->src);
    else if (roam_tls_peer_has_name(p->c, host) != 0)
        snprintf(why, sizeof why, "the peer certificate does not name the source %s", host);
    else if (roamd_admission_take(p->d->adm, q->vm, q->src, q->query_id.data, roam_now_ms(),
                                  why, sizeof why) == 0)
        ok = 1;
    audit_peer(p, "admission", ok ? "granted" : "refused", ok ? NULL : why, NULL);
    Roam__V1__Error e = ROAM__V1__ERROR__INIT;
    Roam__V1__AdmissionAnswer a = ROAM__V1__ADMISSION_ANSWER__INIT;
    a.granted = ok;
    if (!ok) {
        e.phase = ROAM__V1__PHASE__PHASE_ADMISSION;
        e.message = why;
        a.error = &e;
    }
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_ADMISSION_ANSWER;
    env.admission_answer = &a;
    send_env(p, &env);
    p->admitted = ok;
    return ok ? 0 : -1;
}

static int same_query(struct peer_session *p, const char *vm, const ProtobufCBinaryData *qid)
{
    return p->admitted && strcmp(vm, p->vm) == 0 && qid->len == 16 &&
           memcmp(qid->data, p->qid, 16) == 0;
}

static int on_ra_fetch(struct peer_session *p, const Roam__V1__RaFetch *f)
{
    char why[ROAM_MESSAGE_MAX];
    uint8_t ra[2048];
    struct in6_addr src;
    int64_t age = 0;
    int n = -1;
    if (!same_query(p, f->vm, &f->query_id))
        snprintf(why, sizeof why, "RA fetch for a query that was not admitted on this connection");
    else
        n = p->d->ra ? roamd_ra_get(p->d->ra, ra, sizeof ra, &src, p->d->cfg.ra_timeout_ms,
                                    &age, why, sizeof why)
                     : roam_ra_fetch(p->d->cfg.uplink, p->d->cfg.ra_timeout_ms, ra, sizeof ra,
                                     &src, why, sizeof why);
    if (n > 0 && roam_ra_parse(ra, (size_t)n, &p->ra, why, sizeof why) == 0) {
        p->have_ra = 1;
        p->router = src;
    } else
        n = -1;
    Roam__V1__Error e = ROAM__V1__ERROR__INIT;
    Roam__V1__RaAnswer a = ROAM__V1__RA_ANSWER__INIT;
    if (n > 0) {
        a.ra.data = ra;
        a.ra.len = (size_t)n;
        a.source.data = src.s6_addr;
        a.source.len = 16;
    } else {
        e.phase = ROAM__V1__PHASE__PHASE_PRE_PROCESSING;
        e.message = why;
        a.error = &e;
    }
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_RA_ANSWER;
    env.ra_answer = &a;
    send_env(p, &env);
    if (n < 0)
        audit_peer(p, "ra-fetch", "failed", why, NULL);
    return n > 0 ? 0 : -1;
}

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
 * one, unless handovers are off here or it does not hold up. */
static void on_switch_handover(struct peer_session *p, const Roam__V1__SwitchHandover *sh)
{
    char why[ROAM_ERR_MAX];
    if (!p->d->cfg.handover) {
        audit_peer(p, "handover", "ignored", "handover = no in [mobility]", NULL);
        return;
    }
    /* roam_msg_validate has checked the lengths and the port. */
    roam_handover h;
    memcpy(h.moa, sh->moa.data, 16);
    memcpy(h.ims_addr, sh->ims_address.data, 16);
    h.ims_port = (uint16_t)sh->ims_port;
    h.reg_len = sh->registration.len;
    memcpy(h.reg, sh->registration.data, sh->registration.len);
    if (roam_handover_check(&h, why, sizeof why) < 0) {
        audit_peer(p, "handover", "refused", why, NULL);
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
        audit_peer(p, "router-hello", "failed", why, NULL);
    int fd = roamd_registration_send(&p->ho, why, sizeof why);
    if (fd < 0) {
        audit_peer(p, "handover", "failed", why, NULL);
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
    inet_ntop(AF_INET6, p->ho.moa, a, sizeof a);
    roam_json_str(&j, "moa", a);
    inet_ntop(AF_INET6, p->ho.ims_addr, a, sizeof a);
    roam_json_str(&j, "ims", a);
    roam_json_i64(&j, "ims_port", p->ho.ims_port);
    roam_json_i64(&j, "registration_bytes", (int64_t)p->ho.reg_len);
    roam_json_bool(&j, "ims_answered", answered);
    if (roamd_audit_commit(p->d->audit, &j, err, sizeof err) < 0)
        roamd_log("AUDIT FAILURE: %s", err);
}

/* Wait for RARP from one of the VM's MACs, or for the source to give up;
 * SwitchHandover messages are taken on the way.
 * 1 seen, 0 source aborted/closed/misbehaved, -1 timeout or error (why). */
static int wait_rarp(struct peer_session *p, int cap_fd, const uint8_t *m1, const uint8_t *m2,
                     int64_t deadline, char *why, size_t cap)
{
    int io = p->d->cfg.io_timeout_ms;
    for (;;) {
        struct pollfd pf[2] = { { .fd = cap_fd, .events = POLLIN },
                                { .fd = p->fd, .events = POLLIN } };
        int r = poll(pf, 2, roam_remaining_ms(deadline));
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
        if (pf[1].revents) {
            /* The source speaks to forward a handover, or to abort (Error),
             * or closes. */
            roam_envelope *env = NULL;
            char err[ROAM_ERR_MAX];
            roam_status st = roam_msg_recv(&p->s, &env, 1000, err, sizeof err);
            if (st == ROAM_OK && env->body_case == ROAM__V1__ENVELOPE__BODY_SWITCH_HANDOVER) {
                on_switch_handover(p, env->switch_handover);
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
            else
                snprintf(why, cap, "source went away: %s", err);
            roam_msg_free(env);
            return 0;
        }
    }
}

static void on_post_process(struct peer_session *p, const Roam__V1__PostProcess *pp)
{
    char why[ROAM_MESSAGE_MAX] = "";
    int64_t t0 = roam_mono_us();
    Roam__V1__PostProcessDone done = ROAM__V1__POST_PROCESS_DONE__INIT;
    struct in6_addr addr;
    int have_addr = 0;
    int fd = -1, ims_fd = -1;
    if (!same_query(p, pp->vm, &pp->query_id) || !p->have_ra) {
        snprintf(why, sizeof why, "post-processing for a query without admission and RA");
        goto fail;
    }
    have_addr = secondary_address(p, pp->secondary_mac.data, &addr) == 0;
    fd = roam_packet_open(p->d->cfg.bridge, 0x8035, why, sizeof why);
    if (fd < 0)
        goto fail;
    int64_t deadline = roam_deadline(p->d->cfg.switchover_timeout_s * 1000);
    int r = wait_rarp(p, fd, pp->primary_mac.data, pp->secondary_mac.data, deadline, why,
                      sizeof why);
    if (r == 1) {
        done.rarp_at_us = (uint64_t)(roam_mono_us() - t0);
        /* First thing at the RARP: the handover is what the guest waits for. */
        if (p->have_ho)
            ims_fd = fire_handover(p, fd, pp->secondary_mac.data, t0, &done);
    }
    close(fd);
    fd = -1;
    if (r == 0) {
        roamd_admission_drop(p->d->adm, p->qid);
        audit_peer(p, "post-processing", "disarmed", why, NULL);
        return;   /* nobody to report to */
    }
    if (r < 0)
        goto fail;
    /* Taken down now, or after the report (link_down_delay_ms): roam-mat
     * switches on QEMU's announcement by itself, and the link change costs
     * the guest a stall just when the first packets through the new network
     * arrive (docs/roamd.md). */
    int deferred = p->d->cfg.link_down_delay_ms > 0;
    if (!deferred) {
        if (link_down(p, pp->primary_mac.data, roam_deadline(30000), why, sizeof why) < 0)
            goto fail;
        done.link_down_at_us = (uint64_t)(roam_mono_us() - t0);
    }
    if (have_addr) {
        done.address.data = addr.s6_addr;
        done.address.len = 16;
    }
    if (p->d->cfg.confirm_timeout_ms > 0) {
        char a[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &addr, a, sizeof a);
        int64_t rtt;
        if (!have_addr) {
            snprintf(why, sizeof why, "no /64 SLAAC prefix in the RA to check the address in");
            goto fail;
        }
        int pr = roam_nd_probe(p->d->cfg.bridge, &addr, pp->secondary_mac.data,
                               p->d->cfg.confirm_timeout_ms, 100, &rtt, why, sizeof why);
        if (pr <= 0) {
            if (pr == 0)
                snprintf(why, sizeof why, "the secondary NIC did not answer for %s within %d ms",
                         a, p->d->cfg.confirm_timeout_ms);
            goto fail;
        }
        done.confirmed_at_us = (uint64_t)(roam_mono_us() - t0);
    }
    done.ok = 1;
    audit_peer(p, "post-processing", "done", NULL, &done);
    goto send;
fail:
    if (fd >= 0)
        close(fd);
    if (ims_fd >= 0) {
        audit_ims_answer(p, ims_fd, roam_deadline(0));   /* it went out all the same */
        close(ims_fd);
    }
    {
        Roam__V1__Error e;
        roam__v1__error__init(&e);
        char clean[ROAM_MESSAGE_MAX];
        roam_text_clean(clean, sizeof clean, why[0] ? why : "failed");
        e.phase = ROAM__V1__PHASE__PHASE_POST_PROCESSING;
        e.message = clean;
        done.ok = 0;
        done.error = &e;
        audit_peer(p, "post-processing", "failed", clean, &done);
        roam_envelope env = ROAM__V1__ENVELOPE__INIT;
        env.body_case = ROAM__V1__ENVELOPE__BODY_POST_PROCESS_DONE;
        env.post_process_done = &done;
        send_env(p, &env);
        return;
    }
send:
    {
        roam_envelope env = ROAM__V1__ENVELOPE__INIT;
        env.body_case = ROAM__V1__ENVELOPE__BODY_POST_PROCESS_DONE;
        env.post_process_done = &done;
        send_env(p, &env);
    }
    if (ims_fd >= 0) {
        /* Listen for the IMS a little, but not past a deferred link-down. */
        int64_t until = roam_mono_us() - t0 + IMS_ANSWER_MS * 1000LL;
        int64_t link_at = (int64_t)done.rarp_at_us + p->d->cfg.link_down_delay_ms * 1000LL;
        if (deferred && link_at < until)
            until = link_at;
        int64_t left_ms = (until - (roam_mono_us() - t0)) / 1000;
        audit_ims_answer(p, ims_fd, roam_deadline(left_ms > 0 ? (int)left_ms : 0));
        close(ims_fd);
    }
    if (deferred) {
        int64_t left = (int64_t)done.rarp_at_us + p->d->cfg.link_down_delay_ms * 1000LL -
                       (roam_mono_us() - t0);
        if (left > 0)
            usleep((useconds_t)left);
        if (link_down(p, pp->primary_mac.data, roam_deadline(30000), why, sizeof why) < 0)
            audit_peer(p, "link-down", "failed", why, NULL);
        else
            audit_peer(p, "link-down", "done", NULL, NULL);
    }
    /* The VM lives here now; its owner may want it back: have its policy
     * ready (after the report, so it costs the migration nothing). */
    char e2[ROAM_ERR_MAX];
    virConnectPtr conn = roamd_virt(p->d, e2, sizeof e2);
    virDomainPtr dom = conn ? roam_virt_domain(conn, p->vm, e2, sizeof e2) : NULL;
    if (dom) {
        roamd_prewarm_policy(p->d, dom);
        virDomainFree(dom);
    }
    if (conn)
        virConnectClose(conn);
}

void roamd_handle_peer(struct roamd *d, int fd, const char *addr)
{
    struct peer_session p;
    memset(&p, 0, sizeof p);
    p.d = d;
    p.addr = addr;
    p.fd = fd;
    char err[ROAM_ERR_MAX];
    int io = d->cfg.io_timeout_ms;
    p.c = roam_tls_accept(d->peer_tls_server, fd, io, err, sizeof err);
    if (!p.c) {
        roamd_log("peer %s: TLS handshake: %s", addr, err);
        return;
    }
    p.s = roam_tls_stream(p.c);
    if (roam_tls_peer_fingerprint(p.c, p.fingerprint) < 0)
        strcpy(p.fingerprint, "none");
    /* Fixed order: AdmissionQuery, RaFetch, PostProcess; anything else ends
     * the conversation (and an unused admission is dropped). */
    static const roam_body order[] = { ROAM__V1__ENVELOPE__BODY_ADMISSION_QUERY,
                                       ROAM__V1__ENVELOPE__BODY_RA_FETCH,
                                       ROAM__V1__ENVELOPE__BODY_POST_PROCESS };
    for (size_t step = 0; step < 3; step++) {
        roam_envelope *env = NULL;
        roam_status st = roam_msg_expect(&p.s, order[step], &env, io, err, sizeof err);
        if (st != ROAM_OK) {
            if (step > 0 || st != ROAM_CLOSED)
                roamd_log("peer %s: %s", addr, err);
            if (st != ROAM_CLOSED && st != ROAM_EIO && st != ROAM_EPEER)
                (void)roam_msg_send_error(&p.s, ROAM__V1__PHASE__PHASE_PROTOCOL, err, io, err,
                                          sizeof err);
            if (p.admitted) {
                roamd_admission_drop(d->adm, p.qid);
                audit_peer(&p, "peer", "aborted", err, NULL);
            }
            break;
        }
        int r = 0;
        if (step == 0)
            r = on_admission(&p, env->admission_query);
        else if (step == 1)
            r = on_ra_fetch(&p, env->ra_fetch);
        else
            on_post_process(&p, env->post_process);
        roam_msg_free(env);
        if (r < 0)
            break;
    }
    roam_tls_close(p.c, 1000);
}
