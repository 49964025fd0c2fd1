/* How a roam command ended, as a script sees it: one class per kind of
 * failure a caller can act on differently, with its exit status and the
 * stable name the --json output carries as "code".  roam(1) documents the
 * table; every roam subcommand exits with these statuses. */
#ifndef ROAM_CLIENT_OUTCOME_H
#define ROAM_CLIENT_OUTCOME_H

enum roam_outcome {
    ROAM_OUTCOME_OK,                /* 0: done (roam check: satisfied) */
    ROAM_OUTCOME_REFUSED,           /* 1: a daemon (or roam check) said no */
    ROAM_OUTCOME_USAGE,             /* 2: bad command line, nothing tried */
    ROAM_OUTCOME_LOCAL,             /* 2: a local file or resource failed */
    ROAM_OUTCOME_UNREACHABLE,       /* 3: no connection, or it broke before the request */
    ROAM_OUTCOME_TLS,               /* 4: the server's TLS identity did not verify */
    ROAM_OUTCOME_MIGRATION_FAILED,  /* 5: failed; the VM still runs on the source */
    ROAM_OUTCOME_UNKNOWN,           /* 6: contact lost mid-migration; check where the VM runs */
    ROAM_OUTCOME_POST_FAILED,       /* 7: the VM runs on the destination; post-processing failed */
    ROAM_OUTCOME_POST_PENDING,      /* 8: contact lost; the VM runs on the destination, a host
                                       still has post-processing pending (its roamd finishes it) */
};

/* The exit status of o (see the comments above). */
int roam_outcome_exit(enum roam_outcome o);

/* The --json "code" of o: "ok", "refused", "usage", "local", "unreachable",
 * "tls", "migration_failed", "unknown_outcome", "post_processing_failed",
 * "post_processing_pending". */
const char *roam_outcome_code(enum roam_outcome o);

#endif
