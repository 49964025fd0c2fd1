/* What `roam migrate` does when the source stops answering after it was
 * asked to migrate: the source goes on without the client, so the client
 * asks both hosts where the VM runs (Locate, roam.proto), proving with the
 * locate keys of its two authentications (src/proto/locate.h) that it is
 * the party that asked, and reports the true outcome: "the VM runs on B;
 * post-processing pending at A", with an exit status saying which
 * (outcome.h).  A host that does not answer yet (its roamd restarting) or
 * whose answer is still "pending" is asked again with backoff, for at most
 * the request's locate_wait_s. */
#ifndef ROAM_CLIENT_LOCATE_H
#define ROAM_CLIENT_LOCATE_H

#include <stddef.h>

#include "client_migrate.h"
#include "errbuf.h"
#include "msg.h"
#include "outcome.h"
#include "tls.h"

/* One host's last answer. */
struct roam_locate_answer {
    int answered;                 /* 1: a LocateAnswer came */
    Roam__V1__VmLocation where;   /* when answered */
    int pending;                  /* when answered: a record of it still open there */
    char why[ROAM_ERR_MAX];       /* when not answered: what failed */
};

/* The outcome the two answers make (src: the source's, dst: the
 * destination's, for vm from `from` to `to`), with the sentence for the
 * user in msg:
 *   on the destination, neither pending           -> OK
 *   on the destination, a host pending             -> POST_PENDING
 *   on the source, not on the destination, neither pending -> MIGRATION_FAILED
 *   anything else (in motion, on both, on neither, a host silent) -> UNKNOWN
 * Pure: tested alone. */
enum roam_outcome roam_locate_verdict(const char *vm, const char *from, const char *to,
                                      const struct roam_locate_answer *src,
                                      const struct roam_locate_answer *dst, char *msg,
                                      size_t cap);

/* After roam_client_migrate: if it lost the source once the migration was
 * requested (outcome unknown, not a dry run, req->locate_wait_s > 0), ask
 * both hosts (until both settle or locate_wait_s passed) and replace res's
 * outcome and error with what they say (res->ok when the VM runs on the
 * destination and nothing is pending).  Always wipes res's locate keys. */
void roam_client_after_lost_source(const struct roam_migrate_req *req,
                                   struct roam_migrate_result *res);

#endif
