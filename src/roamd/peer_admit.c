/* Admission and RA on the destination (see peer_admit.h). */
#include "peer_admit.h"

#include <stdio.h>
#include <string.h>

#include "deadline.h"
#include "errbuf.h"
#include "hostport.h"
#include "icmp6.h"
#include "nd_sock.h"
#include "ra_cache.h"

int roamd_peer_admit(struct peer_session *p, const Roam__V1__AdmissionQuery *q)
{
    char why[ROAM_MESSAGE_MAX], host[ROAMD_HOST_MAX], port[8];
    snprintf(p->vm, sizeof p->vm, "%s", q->vm);
    snprintf(p->src, sizeof p->src, "%s", q->src);
    memcpy(p->qid, q->query_id.data, 16);
    int ok = 0;
    if (roam_split_hostport(q->src, host, sizeof host, port, sizeof port, "0") < 0)
        snprintf(why, sizeof why, "source %s is not HOST[:PORT]", q->src);
    else if (roam_peer_cert_has_name(p->c->peer, host) != 0)
        snprintf(why, sizeof why, "the peer certificate does not name the source %s", host);
    else if (roamd_peer_pins_check(p->d->pins, p->c->peer, host, why, sizeof why) != 0) {
        /* why says which pin it missed */
    } else if (q->dry_run) {
        /* A dry-run authentication recorded no admission: say whether one
         * could be recorded now, and take nothing. */
        if (roamd_admission_count(p->d->adm, roam_now_ms()) >= ROAMD_ADMISSIONS_MAX)
            snprintf(why, sizeof why, "admission table full");
        else
            ok = 1;
    } else if (roamd_admission_take_wait(p->d->adm, q->vm, q->src, q->query_id.data,
                                         p->d->cfg.admission_wait_ms, why, sizeof why) == 0)
        ok = 1;
    const char *outcome = !ok ? "refused" : q->dry_run ? "would-grant (dry run)" : "granted";
    if (roamd_peer_session_audit(p, "admission", outcome, ok ? NULL : why, NULL) < 0 && ok) {
        ok = 0;   /* fail closed: an admission not recorded is not granted */
        snprintf(why, sizeof why, "the admission cannot be written to the audit log; refused");
    }
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
    roamd_peer_session_send(p, &env);
    p->admitted = ok && !q->dry_run;
    return p->admitted ? 0 : -1;
}

int roamd_peer_give_ra(struct peer_session *p, const Roam__V1__RaFetch *f)
{
    char why[ROAM_MESSAGE_MAX];
    uint8_t ra[2048];
    struct in6_addr src;
    int64_t age = 0;
    int n = -1;
    if (!roamd_peer_session_same_query(p, f->vm, &f->query_id))
        snprintf(why, sizeof why, "RA fetch for a query that was not admitted on this connection");
    else if (p->d->ra)
        n = roamd_ra_get(p->d->ra, ra, sizeof ra, &src, p->d->cfg.ra_timeout_ms, &age, why,
                         sizeof why);
    else {
        struct roamd_ra_pin pin;
        roamd_ra_pin_of(&p->d->cfg, &pin);
        n = roamd_ra_fetch(p->d->cfg.uplink, &pin, p->d->cfg.ra_timeout_ms, ra, sizeof ra, &src,
                           why, sizeof why);
    }
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
    roamd_peer_session_send(p, &env);
    if (n < 0)
        roamd_peer_session_audit(p, "ra-fetch", "failed", why, NULL);
    return n > 0 ? 0 : -1;
}
