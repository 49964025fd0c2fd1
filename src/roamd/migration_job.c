/* The migration job in its own thread (see migration_job.h). */
#include "migration_job.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "deadline.h"
#include "errbuf.h"

struct mig_job {
    virDomainPtr dom;
    const struct roam_migrate_opts *o;
    const struct roamd_job_calls *c;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int done, rc;
    int paused;            /* the pause watcher saw the switch-over begin */
    char err[ROAM_ERR_MAX];
};

/* How long the pause watcher waits per look before checking whether the
 * job has ended without a pause. */
#define PAUSE_WAIT_SLICE_MS 50

static void *mig_thread(void *arg)
{
    struct mig_job *m = arg;
    char err[ROAM_ERR_MAX];
    int rc = roam_virt_migrate(m->dom, m->o, err, sizeof err);
    pthread_mutex_lock(&m->lock);
    m->rc = rc;
    memcpy(m->err, err, sizeof err);
    m->done = 1;
    pthread_cond_signal(&m->cond);
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

/* The pause watcher: waits for the domain's SUSPENDED event with detail
 * MIGRATED (pre-copy's last copy) or POSTCOPY, then wakes the flow's
 * thread.  Ends with the job. */
static void *pause_thread(void *arg)
{
    struct mig_job *m = arg;
    for (;;) {
        pthread_mutex_lock(&m->lock);
        int done = m->done;
        pthread_mutex_unlock(&m->lock);
        if (done)
            return NULL;
        struct roam_virt_event ev;
        if (!roam_virt_watch_wait(m->c->watch, m->c->name, VIR_DOMAIN_EVENT_SUSPENDED, -1,
                                  PAUSE_WAIT_SLICE_MS, &ev))
            continue;
        if (ev.detail != VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED &&
            ev.detail != VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY)
            continue;
        pthread_mutex_lock(&m->lock);
        m->paused = 1;
        pthread_cond_signal(&m->cond);
        pthread_mutex_unlock(&m->lock);
        return NULL;
    }
}

/* Wait on m->cond for at most ms (m->lock held). */
static void wait_ms(struct mig_job *m, int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += ms * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&m->cond, &m->lock, &ts);
}

/* Switch to post-copy once the memory copy has made `after` passes (the
 * dirty rate outruns the link).  1 once switched, 0 not yet (or failed:
 * pre-copy goes on). */
static int maybe_postcopy(virDomainPtr dom, int after, const char *vm)
{
    struct roam_job_stats st;
    char why[ROAM_ERR_MAX];
    if (roam_virt_job_stats(dom, 0, &st, why, sizeof why) < 0 || !st.has_iteration ||
        st.memory_iteration <= (uint64_t)after)
        return 0;
    if (roam_virt_start_postcopy(dom, why, sizeof why) < 0) {
        roam_log("migration of %s: %s; pre-copy goes on", vm, why);
        return 0;
    }
    roam_log("migration of %s: post-copy after %d passes", vm, after);
    return 1;
}

int roamd_migration_job_run(virDomainPtr dom, const struct roam_migrate_opts *o, const char *vm,
                            int timeout_ms, const struct roamd_job_calls *c, char *err,
                            size_t errlen)
{
    struct mig_job m;
    memset(&m, 0, sizeof m);
    m.dom = dom;
    m.o = o;
    m.c = c;
    pthread_mutex_init(&m.lock, NULL);
    pthread_cond_init(&m.cond, NULL);
    pthread_t t, pt;
    if (pthread_create(&t, NULL, mig_thread, &m) != 0) {
        pthread_mutex_destroy(&m.lock);
        pthread_cond_destroy(&m.cond);
        return roam_errf(err, errlen, "cannot start the migration thread");
    }
    /* Without its watcher the handover waits for the RARP, as before. */
    int watching = c->watch && c->paused && pthread_create(&pt, NULL, pause_thread, &m) == 0;
    int64_t deadline = roam_deadline(timeout_ms);
    int aborted = 0, postcopy = 0, told = 0;
    pthread_mutex_lock(&m.lock);
    while (!m.done) {
        if (!m.paused || told)
            wait_ms(&m, c->tick_ms);
        if (m.paused && !told) {
            /* The switch-over has begun: first thing, before the job ends. */
            told = 1;
            pthread_mutex_unlock(&m.lock);
            c->paused(c->ctx);
            pthread_mutex_lock(&m.lock);
            continue;
        }
        if (m.done)
            break;
        pthread_mutex_unlock(&m.lock);
        c->tick(c->ctx);
        if (!postcopy && o->tune.postcopy_after)
            postcopy = maybe_postcopy(dom, o->tune.postcopy_after, vm);
        /* Past the switch the guest runs on the destination: an abort
         * would lose it, so the deadline no longer applies. */
        if (!aborted && !postcopy && roam_remaining_ms(deadline) == 0) {
            char why[ROAM_ERR_MAX];
            roam_log("migration of %s exceeds migration_timeout: aborting", vm);
            (void)roam_virt_abort_job(dom, why, sizeof why);
            aborted = 1;
        }
        pthread_mutex_lock(&m.lock);
    }
    pthread_mutex_unlock(&m.lock);
    pthread_join(t, NULL);
    if (watching)
        pthread_join(pt, NULL);
    pthread_mutex_destroy(&m.lock);
    pthread_cond_destroy(&m.cond);
    if (m.rc < 0)
        return roam_errf(err, errlen, "%s%s", aborted ? "timed out and aborted: " : "", m.err);
    return 0;
}

void roamd_migration_job_audit(struct roam_json *j, const struct roam_migrate_tuning *t)
{
    roam_json_obj_begin(j, "tuning");
    roam_json_i64(j, "parallel", t->parallel < 2 ? 1 : t->parallel);
    roam_json_str(j, "compression", roam_migrate_compression_name(t->compression));
    roam_json_bool(j, "auto_converge", t->auto_converge);
    roam_json_i64(j, "postcopy_after", t->postcopy_after);
    roam_json_obj_end(j);
}
