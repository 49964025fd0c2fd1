/* Migration and job statistics (see virt_migrate.h). */
#include "virt_migrate.h"

#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "errbuf.h"
#include "hook_refusal.h"
#include "virt.h"

static const char *const comp_names[] = { "none", "xbzrle", "zstd", "zlib" };
#define NCOMP (sizeof comp_names / sizeof comp_names[0])

const char *roam_migrate_compression_name(int c)
{
    return c >= 0 && (size_t)c < NCOMP ? comp_names[c] : NULL;
}

int roam_migrate_compression_parse(const char *s)
{
    for (size_t i = 0; s && i < NCOMP; i++)
        if (strcmp(s, comp_names[i]) == 0)
            return (int)i;
    return -1;
}

int roam_migrate_tuning_check(const struct roam_migrate_tuning *t, char *err, size_t errlen)
{
    int par = t->parallel >= 2;
    if (t->parallel < 0 || t->parallel > ROAM_MIGRATE_PARALLEL_MAX)
        return roam_errf(err, errlen, "parallel: at most %d connections", ROAM_MIGRATE_PARALLEL_MAX);
    if (!roam_migrate_compression_name(t->compression))
        return roam_errf(err, errlen, "compression: unknown method");
    if (t->postcopy_after < 0 || t->postcopy_after > ROAM_MIGRATE_POSTCOPY_AFTER_MAX)
        return roam_errf(err, errlen, "postcopy: at most %d passes",
                         ROAM_MIGRATE_POSTCOPY_AFTER_MAX);
    /* QEMU compresses zstd and zlib per multifd channel only. */
    if ((t->compression == ROAM_MIGRATE_COMP_ZSTD || t->compression == ROAM_MIGRATE_COMP_ZLIB) &&
        !par)
        return roam_errf(err, errlen, "compression %s needs parallel >= 2 (multifd)",
                         comp_names[t->compression]);
    /* xbzrle works on the main stream only; QEMU refuses it beside multifd. */
    if (t->compression == ROAM_MIGRATE_COMP_XBZRLE && par)
        return roam_errf(err, errlen, "compression xbzrle does not go with parallel >= 2 "
                         "(set compression = none, zstd or zlib)");
    /* QEMU of this generation cannot post-copy over multifd channels. */
    if (t->postcopy_after && par)
        return roam_errf(err, errlen, "postcopy does not go with parallel >= 2");
    return 0;
}

/* Whether o's memory goes over parallel connections.  Not with disks copied
 * over TLS: libvirt 9.0 with QEMU 7.2 then fails the disks' NBD connection
 * ("Certificate does not match the hostname"), so those use one. */
static int multifd(const struct roam_migrate_opts *o)
{
    return o->tune.parallel >= 2 && !(o->tls && o->n_copy_disks);
}

/* The compression o's migration uses: zstd and zlib only over multifd. */
static int compression(const struct roam_migrate_opts *o)
{
    int c = o->tune.compression;
    return c == ROAM_MIGRATE_COMP_XBZRLE || multifd(o) ? c : ROAM_MIGRATE_COMP_NONE;
}

unsigned int roam_virt_migrate_flags(const struct roam_migrate_opts *o)
{
    const struct roam_migrate_tuning *t = &o->tune;
    return ROAM_VIRT_MIGRATE_FLAGS | (o->tls ? VIR_MIGRATE_TLS : 0) |
           (!o->n_copy_disks ? 0 : o->incremental_disks ? VIR_MIGRATE_NON_SHARED_INC
                                                        : VIR_MIGRATE_NON_SHARED_DISK) |
           (o->shared_storage ? VIR_MIGRATE_UNSAFE : 0) |
           (multifd(o) ? VIR_MIGRATE_PARALLEL : 0) |
           (compression(o) != ROAM_MIGRATE_COMP_NONE ? VIR_MIGRATE_COMPRESSED : 0) |
           (t->auto_converge ? VIR_MIGRATE_AUTO_CONVERGE : 0) |
           (t->postcopy_after ? VIR_MIGRATE_POSTCOPY : 0);
}

int roam_virt_migrate_params(const struct roam_migrate_opts *o, virTypedParameterPtr *params,
                             int *n, char *err, size_t errlen)
{
    const struct roam_migrate_tuning *t = &o->tune;
    virTypedParameterPtr p = NULL;
    int k = 0, max = 0;
    int bad = (o->migrate_uri && *o->migrate_uri &&
               virTypedParamsAddString(&p, &k, &max, VIR_MIGRATE_PARAM_URI, o->migrate_uri) < 0) ||
              (o->dest_name && *o->dest_name &&
               virTypedParamsAddString(&p, &k, &max, VIR_MIGRATE_PARAM_DEST_NAME,
                                       o->dest_name) < 0) ||
              (o->bandwidth_mibs &&
               virTypedParamsAddULLong(&p, &k, &max, VIR_MIGRATE_PARAM_BANDWIDTH,
                                       o->bandwidth_mibs) < 0) ||
              (o->dest_xml &&
               virTypedParamsAddString(&p, &k, &max, VIR_MIGRATE_PARAM_DEST_XML,
                                       o->dest_xml) < 0) ||
              (o->persist_xml &&
               virTypedParamsAddString(&p, &k, &max, VIR_MIGRATE_PARAM_PERSIST_XML,
                                       o->persist_xml) < 0) ||
              (multifd(o) &&
               virTypedParamsAddInt(&p, &k, &max, VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS,
                                    t->parallel) < 0) ||
              (compression(o) != ROAM_MIGRATE_COMP_NONE &&
               virTypedParamsAddString(&p, &k, &max, VIR_MIGRATE_PARAM_COMPRESSION,
                                       comp_names[compression(o)]) < 0);
    for (size_t i = 0; !bad && i < o->n_copy_disks; i++)
        bad = virTypedParamsAddString(&p, &k, &max, VIR_MIGRATE_PARAM_MIGRATE_DISKS,
                                      o->copy_disks[i]) < 0;
    if (bad) {
        virTypedParamsFree(p, k);
        return roam_virt_errf(err, errlen, "cannot build the migration parameters");
    }
    *params = p;
    *n = k;
    return 0;
}

int roam_virt_migrate(virDomainPtr dom, const struct roam_migrate_opts *o,
                      char *err, size_t errlen)
{
    const char *name = virDomainGetName(dom);
    if (!o || !o->dest_uri || !*o->dest_uri)
        return roam_errf(err, errlen, "migrating VM %s: no destination libvirt URI", name);
    char why[ROAM_ERR_MAX];
    if (roam_migrate_tuning_check(&o->tune, why, sizeof why) < 0)
        return roam_errf(err, errlen, "migrating VM %s: %s", name, why);
    virTypedParameterPtr params = NULL;
    int n = 0;
    if (roam_virt_migrate_params(o, &params, &n, why, sizeof why) < 0)
        return roam_errf(err, errlen, "migrating VM %s: %s", name, why);
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

int roam_virt_start_postcopy(virDomainPtr dom, char *err, size_t errlen)
{
    const char *name = virDomainGetName(dom);
    if (virDomainMigrateStartPostCopy(dom, 0) < 0)
        return roam_virt_errf(err, errlen, "cannot switch the migration of VM %s to post-copy",
                              name);
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
