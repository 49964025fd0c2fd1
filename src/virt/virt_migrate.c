/* Migration and job statistics (see virt_migrate.h). */
#include "virt_migrate.h"

#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "errbuf.h"
#include "hook_refusal.h"
#include "virt.h"

unsigned int roam_virt_migrate_flags(const struct roam_migrate_opts *o)
{
    return ROAM_VIRT_MIGRATE_FLAGS | (o->tls ? VIR_MIGRATE_TLS : 0) |
           (!o->n_copy_disks ? 0 : o->incremental_disks ? VIR_MIGRATE_NON_SHARED_INC
                                                        : VIR_MIGRATE_NON_SHARED_DISK) |
           (o->shared_storage ? VIR_MIGRATE_UNSAFE : 0);
}

int roam_virt_migrate(virDomainPtr dom, const struct roam_migrate_opts *o,
                      char *err, size_t errlen)
{
    const char *name = virDomainGetName(dom);
    if (!o || !o->dest_uri || !*o->dest_uri)
        return roam_errf(err, errlen, "migrating VM %s: no destination libvirt URI", name);
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    if ((o->migrate_uri && *o->migrate_uri &&
         virTypedParamsAddString(&params, &n, &max, VIR_MIGRATE_PARAM_URI, o->migrate_uri) < 0) ||
        (o->dest_name && *o->dest_name &&
         virTypedParamsAddString(&params, &n, &max, VIR_MIGRATE_PARAM_DEST_NAME,
                                 o->dest_name) < 0) ||
        (o->bandwidth_mibs &&
         virTypedParamsAddULLong(&params, &n, &max, VIR_MIGRATE_PARAM_BANDWIDTH,
                                 o->bandwidth_mibs) < 0) ||
        (o->dest_xml &&
         virTypedParamsAddString(&params, &n, &max, VIR_MIGRATE_PARAM_DEST_XML, o->dest_xml) < 0) ||
        (o->persist_xml &&
         virTypedParamsAddString(&params, &n, &max, VIR_MIGRATE_PARAM_PERSIST_XML,
                                 o->persist_xml) < 0)) {
        virTypedParamsFree(params, n);
        return roam_virt_errf(err, errlen, "migrating VM %s: cannot build parameters", name);
    }
    for (size_t i = 0; i < o->n_copy_disks; i++)
        if (virTypedParamsAddString(&params, &n, &max, VIR_MIGRATE_PARAM_MIGRATE_DISKS,
                                    o->copy_disks[i]) < 0) {
            virTypedParamsFree(params, n);
            return roam_virt_errf(err, errlen, "migrating VM %s: cannot build parameters", name);
        }
    int r = virDomainMigrateToURI3(dom, o->dest_uri, params, (unsigned int)n,
                                   roam_virt_migrate_flags(o));
    virTypedParamsFree(params, n);
    if (r < 0)
        return roam_virt_migrate_errf(err, errlen, name, o->dest_uri);
    return 0;
}

int roam_virt_abort_job(virDomainPtr dom, char *err, size_t errlen)
{
    const char *name = virDomainGetName(dom);
    if (virDomainAbortJob(dom) < 0)
        return roam_virt_errf(err, errlen, "cannot abort the job of VM %s", name);
    return 0;
}

void roam_virt_job_stats_parse(int type, virTypedParameterPtr params, int n,
                               struct roam_job_stats *st)
{
    memset(st, 0, sizeof *st);
    st->type = type;
    unsigned long long v;
    /* A missing field leaves the value 0 and its has_ flag clear. */
    int total = virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_DATA_TOTAL, &v) == 1;
    st->data_total = total ? v : 0;
    int proc = virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_DATA_PROCESSED, &v) == 1;
    st->data_processed = proc ? v : 0;
    int rem = virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_DATA_REMAINING, &v) == 1;
    st->data_remaining = rem ? v : 0;
    st->has_data = total || proc || rem;
    st->has_throughput = virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_MEMORY_BPS, &v) == 1;
    st->throughput_bps = st->has_throughput ? v : 0;
    st->has_downtime = virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_DOWNTIME, &v) == 1;
    st->downtime_ms = st->has_downtime ? v : 0;
    st->has_elapsed = virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_TIME_ELAPSED, &v) == 1;
    st->elapsed_ms = st->has_elapsed ? v : 0;
    st->has_iteration =
        virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_MEMORY_ITERATION, &v) == 1;
    st->memory_iteration = st->has_iteration ? v : 0;
    static const struct { const char *name; size_t off; int disk; } split[] = {
        { VIR_DOMAIN_JOB_MEMORY_TOTAL, offsetof(struct roam_job_stats, memory_total), 0 },
        { VIR_DOMAIN_JOB_MEMORY_PROCESSED, offsetof(struct roam_job_stats, memory_processed), 0 },
        { VIR_DOMAIN_JOB_MEMORY_REMAINING, offsetof(struct roam_job_stats, memory_remaining), 0 },
        { VIR_DOMAIN_JOB_DISK_TOTAL, offsetof(struct roam_job_stats, disk_total), 1 },
        { VIR_DOMAIN_JOB_DISK_PROCESSED, offsetof(struct roam_job_stats, disk_processed), 1 },
        { VIR_DOMAIN_JOB_DISK_REMAINING, offsetof(struct roam_job_stats, disk_remaining), 1 },
        { VIR_DOMAIN_JOB_DISK_BPS, offsetof(struct roam_job_stats, disk_bps), 1 },
    };
    for (size_t i = 0; i < sizeof split / sizeof split[0]; i++) {
        if (virTypedParamsGetULLong(params, n, split[i].name, &v) != 1)
            continue;
        *(uint64_t *)((char *)st + split[i].off) = v;
        if (split[i].disk)
            st->has_disk = 1;
        else
            st->has_memory = 1;
    }
}

int roam_virt_job_stats(virDomainPtr dom, int completed, struct roam_job_stats *st,
                        char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    const char *name = virDomainGetName(dom);   /* before: it resets libvirt's error */
    int type = 0, n = 0;
    virTypedParameterPtr params = NULL;
    unsigned int flags = completed
        ? VIR_DOMAIN_JOB_STATS_COMPLETED | VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED : 0;
    if (virDomainGetJobStats(dom, &type, &params, &n, flags) < 0)
        return roam_virt_errf(err, errlen, "cannot read %sjob stats of VM %s",
                              completed ? "completed " : "", name);
    roam_virt_job_stats_parse(type, params, n, st);
    virTypedParamsFree(params, n);
    return 0;
}
