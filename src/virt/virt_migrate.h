/* Live migration through libvirt and the statistics of its job.
 *
 * roam migrates peer-to-peer (the source libvirtd talks to the destination
 * libvirtd), live, persistent on the destination and undefined on the
 * source: the VM moves, it is not copied.  roam_virt_migrate blocks until
 * the job ends; poll roam_virt_job_stats from another thread meanwhile
 * (libvirt connections are thread-safe). */
#ifndef ROAM_VIRT_MIGRATE_H
#define ROAM_VIRT_MIGRATE_H

#include <stddef.h>
#include <stdint.h>

#include <libvirt/libvirt.h>

/* How guest memory crosses the link (roamd's [migration] tuning keys). */
enum roam_migrate_compression {
    ROAM_MIGRATE_COMP_NONE,
    ROAM_MIGRATE_COMP_XBZRLE,   /* delta of re-sent pages, on the main stream */
    ROAM_MIGRATE_COMP_ZSTD,     /* per multifd channel: needs parallel >= 2 */
    ROAM_MIGRATE_COMP_ZLIB,     /* the same */
};

struct roam_migrate_tuning {
    int parallel;               /* data connections; 0 or 1: one (no multifd) */
    int compression;            /* enum roam_migrate_compression */
    int auto_converge;          /* throttle the guest's vCPUs while it outruns the link */
    /* 0: never post-copy.  N: switch to post-copy once the memory copy
     * starts pass N + 1 (the guest then runs on the destination and fetches
     * the pages still missing: a failure from there on loses the VM). */
    int postcopy_after;
};

#define ROAM_MIGRATE_PARALLEL_MAX 16
#define ROAM_MIGRATE_POSTCOPY_AFTER_MAX 64

/* "none", "xbzrle", "zstd", "zlib"; NULL when out of range. */
const char *roam_migrate_compression_name(int c);
/* The compression named s, or -1. */
int roam_migrate_compression_parse(const char *s);

/* 0, or -1 with err when t asks for what cannot go together (a multifd
 * compression without parallel connections, post-copy with them) or is out
 * of range. */
int roam_migrate_tuning_check(const struct roam_migrate_tuning *t, char *err, size_t errlen);

struct roam_migrate_opts {
    const char *dest_uri;     /* destination libvirtd, e.g. "qemu+tls://dst/system" */
    const char *migrate_uri;  /* optional data channel, e.g. "tcp://[2001:db8::2]" */
    const char *dest_name;    /* optional new name on the destination */
    uint64_t bandwidth_mibs;  /* optional cap in MiB/s; 0 = libvirt's default */
    int tls;                  /* 1: QEMU's TLS on the data streams (VIR_MIGRATE_TLS) */
    /* Disks copied to the destination (NBD mirror, VIR_MIGRATE_NON_SHARED_DISK),
     * by target device; none: shared storage or no disk, nothing copied. */
    const char *const *copy_disks;
    size_t n_copy_disks;
    const char *dest_xml;     /* optional domain XML for the destination */
    const char *persist_xml;  /* optional persistent definition there */
    /* The disks are on storage both hosts share, which the operator vouches
     * for ([storage] shared): libvirt recognises only the network file
     * systems it knows and would refuse ("unsafe"), so VIR_MIGRATE_UNSAFE. */
    int shared_storage;
    /* Every copied disk is an overlay whose base the destination holds too:
     * only the overlays' data is copied (VIR_MIGRATE_NON_SHARED_INC instead
     * of _DISK). */
    int incremental_disks;
    struct roam_migrate_tuning tune;
};

/* The flags roam always migrates with. */
#define ROAM_VIRT_MIGRATE_FLAGS \
    (VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER | VIR_MIGRATE_PERSIST_DEST | \
     VIR_MIGRATE_UNDEFINE_SOURCE)

/* The flags of one migration: the constant ones plus what o asks for.  With
 * o->tls, libvirt fails the migration rather than send anything in clear. */
unsigned int roam_virt_migrate_flags(const struct roam_migrate_opts *o);

/* The typed parameters of one migration (the URIs, names, bandwidth, disks
 * and tuning of o), for virDomainMigrateToURI3.  0 with *params and *n set (free
 * with virTypedParamsFree), or -1 with err. */
int roam_virt_migrate_params(const struct roam_migrate_opts *o, virTypedParameterPtr *params,
                             int *n, char *err, size_t errlen);

/* Migrate dom; 0 when it runs on the destination, -1 with libvirt's reason. */
int roam_virt_migrate(virDomainPtr dom, const struct roam_migrate_opts *o,
                      char *err, size_t errlen);

/* Abort dom's running job (a migration being rolled back).  0, or -1 with
 * libvirt's reason (also when no job runs). */
int roam_virt_abort_job(virDomainPtr dom, char *err, size_t errlen);

/* Switch dom's running migration to post-copy (needs VIR_MIGRATE_POSTCOPY,
 * i.e. tune.postcopy_after).  0, or -1 with libvirt's reason. */
int roam_virt_start_postcopy(virDomainPtr dom, char *err, size_t errlen);

/* A migration job's progress.  has_* tell which fields libvirt reported. */
struct roam_job_stats {
    int type;                        /* virDomainJobType: NONE, UNBOUNDED, COMPLETED, ... */
    uint64_t data_total, data_processed, data_remaining;   /* bytes */
    uint64_t throughput_bps;         /* memory_bps: bytes/second */
    uint64_t downtime_ms;            /* expected while running, real when completed */
    uint64_t elapsed_ms;
    uint64_t memory_iteration;       /* pass number over guest RAM */
    int has_data, has_throughput, has_downtime, has_elapsed, has_iteration;
    /* The memory and the disk copy apart (data_* are their sums). */
    uint64_t memory_total, memory_processed, memory_remaining;
    uint64_t disk_total, disk_processed, disk_remaining, disk_bps;
    int has_memory, has_disk;
};

/* The running job's stats on the source; completed = 1 reads the last
 * completed job instead (on the destination after an incoming migration),
 * keeping it so it can be read again.  type NONE means no job. */
int roam_virt_job_stats(virDomainPtr dom, int completed, struct roam_job_stats *st,
                        char *err, size_t errlen);

/* Fill st from virDomainGetJobStats output (exposed for tests). */
void roam_virt_job_stats_parse(int type, virTypedParameterPtr params, int n,
                               struct roam_job_stats *st);

#endif
