/* What `roam migrate` shows: a one-line progress bar while the migration
 * runs (phase, data remaining, throughput), and at the end the phase table
 * of paper Fig. 5 (dest auth, source auth, pre-processing, migration,
 * post-processing, total, overhead) or the same as one JSON object. */
#ifndef ROAM_CLIENT_REPORT_H
#define ROAM_CLIENT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "msg.h"

/* "[#####.....]  52%  31.2 MiB left  45.1 MiB/s  1.2 s" for a migration
 * Progress, or "pre-processing ..." for the other phases, into out.  While
 * a disk copy runs the line shows it first ("disk [...] 40% 600.0 MiB left
 * 80.2 MiB/s ETA 8 s") and the memory copied so far after it. */
void roam_progress_line(const Roam__V1__Progress *p, char *out, size_t cap);

/* The memory and the disk copy apart, as the last Progress of the
 * migration told them (bytes, bytes per second). */
struct roam_copy_stats {
    uint64_t memory_total, memory_processed, memory_bps;
    uint64_t disk_total, disk_processed, disk_bps;
};

/* Keep p's copy figures in c if p is a migration Progress with any.
 * Returns 1 if it kept them. */
int roam_copy_stats_take(struct roam_copy_stats *c, const Roam__V1__Progress *p);

/* The phase table (times in ms with 0.1 ms resolution). */
void roam_phase_table(FILE *f, const Roam__V1__PhaseTimings *t);

/* What `roam migrate --json` prints, whatever the end.  NULL members are
 * left out of the object. */
struct roam_report {
    const char *vm, *from, *to;          /* as given (NULL before they are known) */
    int ok, dry_run;                     /* dry_run: only checked, nothing changed */
    const char *code;                    /* outcome.h's code */
    const char *phase, *message;         /* where and why it failed */
    const uint8_t *query_id;             /* 16 bytes, once a query was made */
    const Roam__V1__PhaseTimings *t;     /* what is known */
    const struct roam_copy_stats *copy;  /* the last copy figures seen, or NULL */
};

/* One JSON object: vm, from, to, ok, code; when failed the phase and
 * message (also as failed_phase and error, the names of roam's first
 * releases); query_id in hex; timings in microseconds and the overhead;
 * "copy": {"memory": {...}, "disk": {...}} with total, processed (bytes)
 * and bps each (disk only when a disk was copied).
 * 0 or -1 if it did not fit cap. */
int roam_report_json(char *out, size_t cap, const struct roam_report *r);

/* The same for a result known only by its timings and error. */
int roam_result_json(char *out, size_t cap, const char *vm, const char *from, const char *to,
                     const Roam__V1__PhaseTimings *t, const Roam__V1__Error *error);

#endif
