/* The libvirt migration job of the source's flow (source.h), run in a
 * thread of its own, since virDomainMigrate blocks until the VM runs on the
 * destination: meanwhile the flow's thread wakes every tick to stream
 * progress and forward the guest's handover, and aborts the job once it
 * overruns its deadline (the VM then stays here). */
#ifndef ROAMD_MIGRATION_JOB_H
#define ROAMD_MIGRATION_JOB_H

#include <libvirt/libvirt.h>
#include <stddef.h>

#include "json.h"
#include "virt_migrate.h"

/* Migrate dom per o, calling tick(ctx) every tick_ms until it ends; after
 * timeout_ms the job is aborted (vm names it in the log).  0 when the VM
 * runs on the destination, -1 with err. */
int roamd_migration_job_run(virDomainPtr dom, const struct roam_migrate_opts *o, const char *vm,
                            int timeout_ms, int tick_ms, void (*tick)(void *ctx), void *ctx,
                            char *err, size_t errlen);

/* Write t as the audit record's "tuning" object: parallel, compression,
 * auto_converge, postcopy_after (0: never). */
void roamd_migration_job_audit(struct roam_json *j, const struct roam_migrate_tuning *t);

#endif
