/* The libvirt migration job of the source's flow (source.h), run in a
 * thread of its own, since virDomainMigrate blocks until the VM runs on the
 * destination: meanwhile the flow's thread wakes every tick to stream
 * progress and forward the guest's handover, at once when libvirt pauses
 * the VM for the switch-over, and aborts the job once it overruns its
 * deadline (the VM then stays here). */
#ifndef ROAMD_MIGRATION_JOB_H
#define ROAMD_MIGRATION_JOB_H

#include <libvirt/libvirt.h>
#include <stddef.h>

#include "events.h"
#include "json.h"
#include "virt_migrate.h"

/* What the flow's thread is called for while the job runs. */
struct roamd_job_calls {
    int tick_ms;
    void (*tick)(void *ctx);     /* every tick_ms */
    /* Optional: once, as soon as libvirt reports that the source paused the
     * VM for its last copy or for post-copy (a lifecycle event of `name` on
     * `watch`, which the caller set up on its own connection). */
    roam_virt_watch *watch;
    const char *name;            /* the domain's name, for the watch */
    void (*paused)(void *ctx);
    void *ctx;
};

/* Migrate dom per o, making c's calls until the job ends; after timeout_ms
 * the job is aborted (vm names it in the log).  0 when the VM runs on the
 * destination, -1 with err. */
int roamd_migration_job_run(virDomainPtr dom, const struct roam_migrate_opts *o, const char *vm,
                            int timeout_ms, const struct roamd_job_calls *c, char *err,
                            size_t errlen);

/* Write t as the audit record's "tuning" object: parallel, compression,
 * auto_converge, postcopy_after (0: never). */
void roamd_migration_job_audit(struct roam_json *j, const struct roam_migrate_tuning *t);

#endif
