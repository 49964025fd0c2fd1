/* The destination daemon's side of a peer connection (see peer_server.h):
 * mutual TLS from the source daemon, then its three requests in a fixed
 * order, each answered by its step (peer_admit.h, peer_post.h). */
#include "peer_server.h"

#include <string.h>

#include "errbuf.h"
#include "msg.h"
#include "peer_admit.h"
#include "peer_disks.h"
#include "peer_post.h"
#include "peer_session.h"
#include "query_id.h"

void roamd_handle_peer(struct roamd *d, roamd_link *c, const char *addr)
{
    struct peer_session p;
    memset(&p, 0, sizeof p);
    p.d = d;
    p.addr = addr;
    char err[ROAM_ERR_MAX];
    int io = d->cfg.io_timeout_ms;
    p.c = c;
    p.s = p.c->s;
    p.fd = p.c->fd;
    if (roam_peer_cert_fingerprint(p.c->peer, p.fingerprint) < 0)
        strcpy(p.fingerprint, "none");
    /* Fixed order: AdmissionQuery, PrepareDisks, RaFetch, PostProcess;
     * anything else ends the conversation (and an unused admission is
     * dropped, the volumes made for it removed).  PrepareDisks may be left
     * out: the VM then brings no disk. */
    static const roam_body order[] = { ROAM__V1__ENVELOPE__BODY_ADMISSION_QUERY,
                                       ROAM__V1__ENVELOPE__BODY_PREPARE_DISKS,
                                       ROAM__V1__ENVELOPE__BODY_RA_FETCH,
                                       ROAM__V1__ENVELOPE__BODY_POST_PROCESS };
    for (size_t step = 0; step < sizeof order / sizeof order[0]; step++) {
        roam_envelope *env = NULL;
        roam_body also = step == 1 ? order[2] : order[step];
        roam_status st = roam_msg_expect_either(&p.s, order[step], also, &env, io, err,
                                                sizeof err);
        if (st != ROAM_OK) {
            char qid[ROAMD_QID_LEN];   /* known once the AdmissionQuery came */
            if (step > 0 || st != ROAM_CLOSED)
                roam_log("peer %s: query %s: %s", addr, roamd_qid(qid, step ? p.qid : NULL, 16),
                         err);
            if (st != ROAM_CLOSED && st != ROAM_EIO && st != ROAM_EPEER)
                (void)roam_msg_send_error(&p.s, ROAM__V1__PHASE__PHASE_PROTOCOL, err, io, err,
                                          sizeof err);
            if (p.admitted) {
                roamd_admission_drop(d->adm, p.qid);
                roamd_peer_session_audit(&p, "peer", "aborted", err, NULL);
            }
            break;
        }
        int r = 0;
        if (step == 1 && env->body_case == order[2])
            step = 2;
        if (step == 0)
            r = roamd_peer_admit(&p, env->admission_query);
        else if (step == 1)
            r = roamd_peer_prepare_disks(&p, env->prepare_disks);
        else if (step == 2)
            r = roamd_peer_give_ra(&p, env->ra_fetch);
        else
            roamd_peer_post_process(&p, env->post_process);
        roam_msg_free(env);
        if (r < 0)
            break;
    }
    roamd_peer_disks_cleanup(&p);
    roamd_link_close(p.c);   /* the source pipelines its requests: see link.h */
}
