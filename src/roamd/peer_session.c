/* What the steps of a peer connection share (see peer_session.h). */
#include "peer_session.h"

#include <arpa/inet.h>
#include <string.h>

#include "errbuf.h"
#include "json.h"
#include "query_id.h"

int roamd_peer_session_audit(struct peer_session *p, const char *event, const char *outcome,
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
    char qid[ROAMD_QID_LEN];
    if (roamd_audit_commit(p->d->audit, &j, err, sizeof err) < 0) {
        roam_log("query %s: AUDIT FAILURE: %s", roamd_qid(qid, p->qid, 16), err);
        return -1;
    }
    return 0;
}

void roamd_peer_session_send(struct peer_session *p, roam_envelope *env)
{
    char err[ROAM_ERR_MAX], qid[ROAMD_QID_LEN];
    if (roam_msg_send(&p->s, env, p->d->cfg.io_timeout_ms, err, sizeof err) != ROAM_OK)
        roam_log("peer %s: query %s: send failed: %s", p->addr, roamd_qid(qid, p->qid, 16), err);
}

int roamd_peer_session_same_query(const struct peer_session *p, const char *vm,
                                  const ProtobufCBinaryData *qid)
{
    return p->admitted && strcmp(vm, p->vm) == 0 && qid->len == 16 &&
           memcmp(qid->data, p->qid, 16) == 0;
}
