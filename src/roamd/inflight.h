/* The crash-safe record of a migration in flight on this host: one small
 * file per migration and role in <state_dir>/inflight/, rewritten (temp
 * file, fsync, rename, fsync of the directory) before each step that
 * changes the host, removed when the migration has ended here.  A roamd
 * that dies mid-migration finds the records at its next start and
 * reconciles them with what libvirt reports (reconcile.h).
 *
 * A file per migration rather than a database: records are few (at most
 * one per VM migrating), written a handful of times per migration, never
 * queried, and rename(2) makes each rewrite atomic without a dependency. */
#ifndef ROAMD_INFLIGHT_H
#define ROAMD_INFLIGHT_H

#include <stddef.h>
#include <stdint.h>

#define ROAMD_INFLIGHT_MAX 64        /* records read at start (one per VM in flight) */
#define ROAMD_INFLIGHT_FIELD 256     /* any field, terminator included */

enum roamd_inflight_role { ROAMD_INFLIGHT_SOURCE, ROAMD_INFLIGHT_DESTINATION };

/* The steps, in the order a migration takes them on its host. */
enum roamd_inflight_step {
    ROAMD_STEP_LINKING,     /* source: the secondary NIC is being linked up */
    ROAMD_STEP_MIGRATING,   /* source: libvirt's migration job is started */
    ROAMD_STEP_MIGRATED,    /* source: the job succeeded, the destination post-processes */
    ROAMD_STEP_ARMED,       /* destination: waiting for the VM, then its primary NIC down */
};

struct roamd_inflight {
    enum roamd_inflight_role role;
    enum roamd_inflight_step step;
    char vm[ROAMD_INFLIGHT_FIELD];
    char query[33];                         /* the query id in hex */
    char peer[ROAMD_INFLIGHT_FIELD];        /* the other host (source: the destination) */
    char primary[18], secondary[18];        /* the NICs' MACs as the source saw them */
    int64_t since;                          /* Unix time the record was first written */
};

const char *roamd_inflight_role_name(enum roamd_inflight_role r);
const char *roamd_inflight_step_name(enum roamd_inflight_step s);

/* Create <state_dir>/inflight if missing.  0, or -1 with err. */
int roamd_inflight_init(const char *state_dir, char *err, size_t errlen);

/* Write (or rewrite) r durably.  0, or -1 with err. */
int roamd_inflight_write(const char *state_dir, const struct roamd_inflight *r, char *err,
                         size_t errlen);

/* Remove r's file (gone already is fine).  0, or -1 with err. */
int roamd_inflight_remove(const char *state_dir, const struct roamd_inflight *r, char *err,
                          size_t errlen);

/* Read every record (at most max) into out; *n how many.  A file that does
 * not parse is skipped, never acted upon, and with set_aside renamed *.bad
 * and logged.  0, or -1 with err if the directory cannot be read (none is
 * no record). */
int roamd_inflight_load(const char *state_dir, struct roamd_inflight *out, size_t max,
                        size_t *n, int set_aside, char *err, size_t errlen);

/* Parse one record's text (exposed for tests).  0, or -1 with err. */
int roamd_inflight_parse(const char *text, struct roamd_inflight *r, char *err, size_t errlen);

/* Format r as its file's text.  Length, or -1 if it does not fit. */
int roamd_inflight_format(const struct roamd_inflight *r, char *buf, size_t cap);

#endif
