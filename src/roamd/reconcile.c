/* In-flight records resolved against libvirt at start-up, and retried
 * with backoff until resolved (see reconcile.h). */
#include "reconcile.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libvirt/virterror.h>
#include <time.h>

#include "errbuf.h"
#include "hostport.h"
#include "iface.h"
#include "query_id.h"
#include "virt.h"

#define BACKOFF_FIRST_MS 1000
#define BACKOFF_MAX_MS 60000

struct pending {
    struct roamd_inflight r;
    int locked;        /* this record holds roamd_vm_lock(r.vm) */
    int audited;       /* "pending" is audited once, not at every retry */
    int done;
};

struct roamd_reconciler {
    pthread_t thread;
    int started;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stop;
    char state_dir[ROAMD_PATH_MAX];
    size_t n;
    struct pending p[ROAMD_INFLIGHT_MAX];
};

enum roamd_reconcile_action roamd_reconcile_decide(enum roamd_inflight_role role,
                                                   enum roamd_vm_where here,
                                                   enum roamd_vm_where there)
{
    if (here == ROAMD_VM_BUSY || here == ROAMD_VM_UNKNOWN)
        return ROAMD_RECONCILE_WAIT;
    if (role == ROAMD_INFLIGHT_DESTINATION)
        return here == ROAMD_VM_RUNNING ? ROAMD_RECONCILE_FINISH
             : here == ROAMD_VM_ABSENT ? ROAMD_RECONCILE_DROP
             : ROAMD_RECONCILE_WAIT;   /* paused here: the source's libvirt still decides */
    if (here == ROAMD_VM_RUNNING)
        return ROAMD_RECONCILE_ROLLBACK;
    if (here == ROAMD_VM_ABSENT)
        return ROAMD_RECONCILE_MOVED;
    /* Paused here with no job: either the switch-over happened and libvirt
     * has not yet removed this copy, or the migration failed after the
     * pause.  Only the destination can tell; resuming blindly could run
     * the VM twice. */
    switch (there) {
    case ROAMD_VM_RUNNING:
        return ROAMD_RECONCILE_MOVED;
    case ROAMD_VM_ABSENT:
        return ROAMD_RECONCILE_RESUME;
    case ROAMD_VM_NOT_ASKED:
        return ROAMD_RECONCILE_ASK_PEER;
    default:
        return ROAMD_RECONCILE_WAIT;
    }
}

const char *roamd_reconcile_action_name(enum roamd_reconcile_action a)
{
    static const char *const names[] = { "pending", "rolled back", "resumed", "moved",
                                         "finished", "dropped", "asking the destination" };
    return (unsigned)a < sizeof names / sizeof names[0] ? names[a] : "?";
}

static const char *where_name(enum roamd_vm_where w)
{
    static const char *const names[] = { "absent", "running", "paused", "busy", "unknown",
                                         "not asked" };
    return (unsigned)w < sizeof names / sizeof names[0] ? names[w] : "?";
}

const char *roamd_state_dir(const struct roamd_config *c, char *buf, size_t cap)
{
    if (c->state_dir[0])
        return c->state_dir;
    snprintf(buf, cap, "%s", c->audit_log);
    char *slash = strrchr(buf, '/');
    if (!slash)
        snprintf(buf, cap, ".");
    else
        slash[slash == buf] = '\0';
    return buf;
}

/* dom as one of the roamd_vm_where values. */
static enum roamd_vm_where observe_dom(virDomainPtr dom)
{
    int state, reason;
    if (virDomainIsActive(dom) != 1)
        return ROAMD_VM_ABSENT;
    if (virDomainGetState(dom, &state, &reason, 0) < 0)
        return ROAMD_VM_UNKNOWN;
    virDomainJobInfo ji;
    if (virDomainGetJobInfo(dom, &ji) == 0 && ji.type != VIR_DOMAIN_JOB_NONE)
        return ROAMD_VM_BUSY;
    return state == VIR_DOMAIN_PAUSED ? ROAMD_VM_PAUSED : ROAMD_VM_RUNNING;
}

/* vm on conn; *dom set when it exists (free it). */
static enum roamd_vm_where observe(virConnectPtr conn, const char *vm, virDomainPtr *dom)
{
    *dom = NULL;
    if (!conn)
        return ROAMD_VM_UNKNOWN;
    virDomainPtr d = virDomainLookupByName(conn, vm);
    if (!d)
        return virGetLastErrorCode() == VIR_ERR_NO_DOMAIN ? ROAMD_VM_ABSENT : ROAMD_VM_UNKNOWN;
    *dom = d;
    return observe_dom(d);
}

/* The VM at the destination, through its libvirt (migrate_uri, read-only:
 * the same daemon the source's libvirt migrates to). */
static enum roamd_vm_where observe_there(struct roamd *d, const struct roamd_inflight *r)
{
    char host[ROAMD_HOST_MAX], port[8], uri[ROAMD_PATH_MAX];
    if (roam_split_hostport(r->peer, host, sizeof host, port, sizeof port, "0") < 0 ||
        roamd_migrate_uri(&d->cfg, host, uri, sizeof uri) < 0)
        return ROAMD_VM_UNKNOWN;
    virConnectPtr c = virConnectOpenReadOnly(uri);
    if (!c)
        return ROAMD_VM_UNKNOWN;
    virDomainPtr dom;
    enum roamd_vm_where w = observe(c, r->vm, &dom);
    if (dom)
        virDomainFree(dom);
    virConnectClose(c);
    return w;
}

/* mac's link on dom, or -1 if dom has no such NIC (or unreadable). */
static int link_of(virDomainPtr dom, const char *mac, char *err, size_t errlen)
{
    struct roam_iface *ifs = NULL;
    size_t n = 0;
    if (roam_virt_interfaces(dom, 0, &ifs, &n, err, errlen) < 0)
        return -1;
    int r = -1;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(ifs[i].mac, mac) == 0)
            r = ifs[i].link_up;
    free(ifs);
    if (r < 0)
        roam_errf(err, errlen, "the VM has no NIC %s", mac);
    return r;
}

static int link_down_if_up(virDomainPtr dom, const char *mac, char *err, size_t errlen)
{
    int up = link_of(dom, mac, err, errlen);
    if (up < 0)
        return -1;
    return up ? roam_virt_set_link(dom, mac, 0, err, errlen) : 0;
}

/* The destination's post-processing, late: the primary NIC down, unless
 * that would leave the VM with no NIC up (then the record is still done:
 * nothing here can be made right by roamd). */
static int finish_here(virDomainPtr dom, const struct roamd_inflight *r, char *note,
                       size_t cap, char *err, size_t errlen)
{
    int sec = link_of(dom, r->secondary, err, errlen);
    if (sec < 0)
        return -1;
    if (!sec) {
        snprintf(note, cap, "secondary NIC %s is down here: primary left up", r->secondary);
        return 0;
    }
    return link_down_if_up(dom, r->primary, err, errlen);
}

static int apply(enum roamd_reconcile_action a, virDomainPtr dom,
                 const struct roamd_inflight *r, char *note, size_t cap, char *err, size_t errlen)
{
    switch (a) {
    case ROAMD_RECONCILE_ROLLBACK:
        return link_down_if_up(dom, r->secondary, err, errlen);
    case ROAMD_RECONCILE_RESUME:
        if (link_down_if_up(dom, r->secondary, err, errlen) < 0)
            return -1;
        return virDomainResume(dom) < 0
            ? roam_virt_errf(err, errlen, "cannot resume the VM") : 0;
    case ROAMD_RECONCILE_FINISH:
        return finish_here(dom, r, note, cap, err, errlen);
    default:
        return 0;
    }
}

static void audit(struct roamd *d, const struct roamd_inflight *r, const char *outcome,
                  enum roamd_vm_where here, enum roamd_vm_where there, const char *reason)
{
    char buf[ROAMD_AUDIT_LINE_MAX], err[ROAM_ERR_MAX];
    struct roam_json j;
    roamd_audit_begin(&j, buf, sizeof buf, "reconcile");
    roam_json_str(&j, "role", roamd_inflight_role_name(r->role));
    roam_json_str(&j, "vm", r->vm);
    roam_json_str(&j, "query_id", r->query);
    roam_json_str(&j, "peer", r->peer);
    roam_json_str(&j, "step", roamd_inflight_step_name(r->step));
    roam_json_str(&j, "here", where_name(here));
    if (there != ROAMD_VM_NOT_ASKED)
        roam_json_str(&j, "there", where_name(there));
    roam_json_str(&j, "outcome", outcome);
    if (reason && reason[0])
        roam_json_str(&j, "reason", reason);
    if (roamd_audit_commit(d->audit, &j, err, sizeof err) < 0)
        roam_log("query %s: AUDIT FAILURE: %s", r->query, err);
}

/* One attempt at p.  1 resolved (record removed), 0 still pending. */
static int attempt(struct roamd *d, struct roamd_reconciler *rc, struct pending *p)
{
    char err[ROAM_ERR_MAX] = "", note[ROAM_ERR_MAX] = "";
    virConnectPtr conn = roamd_virt(d, err, sizeof err);
    virDomainPtr dom = NULL;
    enum roamd_vm_where here = observe(conn, p->r.vm, &dom), there = ROAMD_VM_NOT_ASKED;
    enum roamd_reconcile_action a = roamd_reconcile_decide(p->r.role, here, there);
    if (a == ROAMD_RECONCILE_ASK_PEER) {
        there = observe_there(d, &p->r);
        a = roamd_reconcile_decide(p->r.role, here, there);
    }
    int failed = a != ROAMD_RECONCILE_WAIT &&
                 apply(a, dom, &p->r, note, sizeof note, err, sizeof err) < 0;
    if (dom)
        virDomainFree(dom);
    if (conn)
        virConnectClose(conn);
    if (a == ROAMD_RECONCILE_WAIT || failed) {
        if (!p->audited) {
            audit(d, &p->r, "pending", here, there, failed ? err : NULL);
            p->audited = 1;
        }
        roam_log("query %s: in-flight %s record of VM %s: pending (here %s, there %s)%s%s",
                 p->r.query, roamd_inflight_role_name(p->r.role), p->r.vm, where_name(here),
                 where_name(there), failed ? ": " : "", failed ? err : "");
        return 0;
    }
    audit(d, &p->r, roamd_reconcile_action_name(a), here, there, note);
    roam_log("query %s: in-flight %s record of VM %s (step %s): %s", p->r.query,
             roamd_inflight_role_name(p->r.role), p->r.vm, roamd_inflight_step_name(p->r.step),
             roamd_reconcile_action_name(a));
    if (roamd_inflight_remove(rc->state_dir, &p->r, err, sizeof err) < 0)
        roam_log("query %s: %s", p->r.query, err);
    if (p->locked)
        roamd_vm_unlock(d, p->r.vm);
    p->done = 1;
    return 1;
}

/* One round over the pending records; how many are left. */
static size_t round_all(struct roamd *d, struct roamd_reconciler *rc)
{
    size_t left = 0;
    for (size_t i = 0; i < rc->n; i++)
        if (!rc->p[i].done && !attempt(d, rc, &rc->p[i]))
            left++;
    return left;
}

static void *retry_thread(void *arg)
{
    struct roamd *d = arg;
    struct roamd_reconciler *rc = d->reconciler;
    int delay = BACKOFF_FIRST_MS;
    pthread_mutex_lock(&rc->lock);
    while (!rc->stop) {
        pthread_mutex_unlock(&rc->lock);
        size_t left = round_all(d, rc);
        pthread_mutex_lock(&rc->lock);
        if (!left)
            break;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += delay / 1000;
        ts.tv_nsec += (long)(delay % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        while (!rc->stop && pthread_cond_timedwait(&rc->wake, &rc->lock, &ts) != ETIMEDOUT)
            ;
        delay = delay * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : delay * 2;
    }
    pthread_mutex_unlock(&rc->lock);
    return NULL;
}

int roamd_reconcile_start(struct roamd *d, char *err, size_t errlen)
{
    char buf[ROAMD_PATH_MAX], why[ROAM_ERR_MAX];
    const char *dir = roamd_state_dir(&d->cfg, buf, sizeof buf);
    if (roamd_inflight_init(dir, why, sizeof why) < 0)
        return roam_errf(err, errlen, "key 'state_dir': %s", why);
    struct roamd_reconciler *rc = calloc(1, sizeof *rc);
    if (!rc)
        return roam_errf(err, errlen, "out of memory");
    snprintf(rc->state_dir, sizeof rc->state_dir, "%s", dir);
    struct roamd_inflight *recs = calloc(ROAMD_INFLIGHT_MAX, sizeof *recs);
    if (!recs) {
        free(rc);
        return roam_errf(err, errlen, "out of memory");
    }
    if (roamd_inflight_load(dir, recs, ROAMD_INFLIGHT_MAX, &rc->n, 1, why, sizeof why) < 0) {
        free(recs);
        free(rc);
        return roam_errf(err, errlen, "key 'state_dir': %s", why);
    }
    /* Every VM with a record is held before any client is served. */
    for (size_t i = 0; i < rc->n; i++) {
        rc->p[i].r = recs[i];
        rc->p[i].locked = roamd_vm_lock(d, recs[i].vm) == 0;
    }
    free(recs);
    pthread_mutex_init(&rc->lock, NULL);
    pthread_cond_init(&rc->wake, NULL);
    d->reconciler = rc;
    if (rc->n) {
        roam_log("%zu in-flight migration record%s in %s/inflight: reconciling", rc->n,
                 rc->n == 1 ? "" : "s", dir);
        rc->started = pthread_create(&rc->thread, NULL, retry_thread, d) == 0;
        if (!rc->started)
            return roam_errf(err, errlen, "cannot start the reconciliation thread");
    }
    return 0;
}

void roamd_reconcile_stop(struct roamd *d)
{
    struct roamd_reconciler *rc = d->reconciler;
    if (!rc)
        return;
    pthread_mutex_lock(&rc->lock);
    rc->stop = 1;
    pthread_cond_broadcast(&rc->wake);
    pthread_mutex_unlock(&rc->lock);
    if (rc->started)
        pthread_join(rc->thread, NULL);
    pthread_mutex_destroy(&rc->lock);
    pthread_cond_destroy(&rc->wake);
    free(rc);
    d->reconciler = NULL;
}

void roamd_inflight_begin(struct roamd_inflight *r, enum roamd_inflight_role role,
                          const char *vm, const uint8_t qid[16], const char *peer,
                          const char *primary, const char *secondary)
{
    memset(r, 0, sizeof *r);
    r->role = role;
    snprintf(r->vm, sizeof r->vm, "%s", vm);
    roamd_qid(r->query, qid, 16);
    snprintf(r->peer, sizeof r->peer, "%s", peer);
    snprintf(r->primary, sizeof r->primary, "%s", primary);
    snprintf(r->secondary, sizeof r->secondary, "%s", secondary);
    r->since = (int64_t)time(NULL);
}

int roamd_inflight_step(struct roamd *d, struct roamd_inflight *r, enum roamd_inflight_step s,
                        char *err, size_t errlen)
{
    char buf[ROAMD_PATH_MAX], why[ROAM_ERR_MAX];
    r->step = s;
    if (roamd_inflight_write(roamd_state_dir(&d->cfg, buf, sizeof buf), r, why, sizeof why) < 0)
        return roam_errf(err, errlen, "cannot record the migration (state_dir): %s", why);
    return 0;
}

void roamd_inflight_end(struct roamd *d, struct roamd_inflight *r)
{
    char buf[ROAMD_PATH_MAX], why[ROAM_ERR_MAX];
    if (roamd_inflight_remove(roamd_state_dir(&d->cfg, buf, sizeof buf), r, why, sizeof why) < 0)
        roam_log("query %s: %s", r->query, why);
}

enum roamd_vm_where roamd_vm_where_here(struct roamd *d, const char *vm)
{
    char err[ROAM_ERR_MAX];
    virConnectPtr conn = roamd_virt(d, err, sizeof err);
    virDomainPtr dom = NULL;
    enum roamd_vm_where w = observe(conn, vm, &dom);
    if (dom)
        virDomainFree(dom);
    if (conn)
        virConnectClose(conn);
    return w;
}
