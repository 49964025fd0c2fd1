/* Answers to Locate (see locate_answer.h). */
#include "locate_answer.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "errbuf.h"
#include "inflight.h"
#include "locate.h"
#include "locate_store.h"
#include "query_id.h"
#include "reconcile.h"

/* Authenticate.role's name in the store; the same for Locate's lookup. */
static const char *const roles[] = { "accept", "migrate" };

void roamd_locate_remember(struct roamd *d, const Roam__V1__Authenticate *au,
                           const uint8_t key[32])
{
    char dir[4096], err[ROAM_ERR_MAX], qid[ROAMD_QID_LEN];
    const char *role = roles[au->role == ROAM__V1__ROLE__ROLE_MIGRATE];
    if (roamd_locate_store_put(roamd_state_dir(&d->cfg, dir, sizeof dir), role,
                               au->query_id.data, au->vm, key, time(NULL), err, sizeof err) < 0)
        roam_log("query %s: locate key not stored (a lost client will not learn the outcome "
                 "here): %s", roamd_qid(qid, au->query_id.data, au->query_id.len), err);
}

/* The VM of query qid, if a stored key of either role verifies mac on
 * this connection (exporter).  Both roles are tried and, when there is no
 * key, a dummy one, so that every Locate costs the same.  1 verified, 0
 * not. */
static int verified(const char *dir, const uint8_t *qid, const uint8_t *exporter,
                    const ProtobufCBinaryData *mac, char vm[ROAM_NAME_MAX + 1])
{
    int ok = 0;
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        uint8_t key[ROAM_LOCATE_KEY_LEN];
        char name[ROAM_NAME_MAX + 1];
        time_t now = time(NULL);
        int have = roamd_locate_store_get(dir, roles[i], qid, name, key, now) == 0;
        if (!have)
            memset(key, 0, sizeof key);
        if (roam_locate_verify(key, qid, exporter, mac->data, mac->len) == 0 && have && !ok) {
            ok = 1;
            snprintf(vm, ROAM_NAME_MAX + 1, "%s", name);
        }
        OPENSSL_cleanse(key, sizeof key);
    }
    return ok;
}

/* 1 if this host holds an in-flight record of query qid (hex). */
static int pending_here(const char *dir, const char *qid)
{
    static struct roamd_inflight r[ROAMD_INFLIGHT_MAX];
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    size_t n = 0;
    char err[ROAM_ERR_MAX];
    int found = 0;
    pthread_mutex_lock(&lock);   /* the records are large: one buffer, shared */
    if (roamd_inflight_load(dir, r, ROAMD_INFLIGHT_MAX, &n, 0, err, sizeof err) == 0)
        for (size_t i = 0; i < n && !found; i++)
            found = strcmp(r[i].query, qid) == 0;
    pthread_mutex_unlock(&lock);
    return found;
}

static void answer(roamd_link *c, Roam__V1__VmLocation where, int pending, int io)
{
    Roam__V1__LocateAnswer la = ROAM__V1__LOCATE_ANSWER__INIT;
    la.location = where;
    la.pending = pending != 0;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_LOCATE_ANSWER;
    env.locate_answer = &la;
    roam_stream s = c->s;
    char err[ROAM_ERR_MAX];
    (void)roam_msg_send(&s, &env, io, err, sizeof err);
}

static const char *location_name(Roam__V1__VmLocation w)
{
    return w == ROAM__V1__VM_LOCATION__LOCATE_RUNNING ? "running"
           : w == ROAM__V1__VM_LOCATION__LOCATE_ABSENT ? "absent" : "unknown";
}

void roamd_handle_locate(struct roamd *d, roamd_link *c, const char *addr,
                         const Roam__V1__Locate *lq)
{
    int io = d->cfg.io_timeout_ms;
    char dir[4096], vm[ROAM_NAME_MAX + 1], qid[ROAMD_QID_LEN], err[ROAM_ERR_MAX];
    const char *sd = roamd_state_dir(&d->cfg, dir, sizeof dir);
    uint8_t exporter[ROAM_EXPORTER_LEN];
    roamd_qid(qid, lq->query_id.data, lq->query_id.len);
    memcpy(exporter, c->exporter, sizeof exporter);
    if (!verified(sd, lq->query_id.data, exporter, &lq->mac, vm)) {
        roam_log("client %s: locate: unknown query or MAC not verified", addr);
        answer(c, ROAM__V1__VM_LOCATION__LOCATE_UNKNOWN, 0, io);
        return;
    }
    enum roamd_vm_where w = roamd_vm_where_here(d, vm);
    Roam__V1__VmLocation where = w == ROAMD_VM_ABSENT    ? ROAM__V1__VM_LOCATION__LOCATE_ABSENT
                                 : w == ROAMD_VM_UNKNOWN ? ROAM__V1__VM_LOCATION__LOCATE_UNKNOWN
                                                         : ROAM__V1__VM_LOCATION__LOCATE_RUNNING;
    /* Paused, or a job running: the VM is here but in motion. */
    int pending = pending_here(sd, qid) || w == ROAMD_VM_PAUSED || w == ROAMD_VM_BUSY;
    char buf[ROAMD_AUDIT_LINE_MAX];
    struct roam_json j;
    roamd_audit_begin(&j, buf, sizeof buf, "locate");
    roam_json_str(&j, "peer", addr);
    roam_json_str(&j, "vm", vm);
    roam_json_hex(&j, "query_id", lq->query_id.data, lq->query_id.len);
    roam_json_str(&j, "location", location_name(where));
    roam_json_bool(&j, "pending", pending);
    if (roamd_audit_commit(d->audit, &j, err, sizeof err) < 0)
        roam_log("query %s: AUDIT FAILURE: %s", qid, err);   /* a read: answered all the same */
    roam_log("client %s: query %s: located VM %s: %s%s", addr, qid, vm, location_name(where),
             pending ? ", pending" : "");
    answer(c, where, pending, io);
}
