/* The locate keys of this host's granted authentications (locate.h in
 * src/proto), so that a client that lost its source connection can later
 * prove it is the party that authenticated, even to a roamd restarted in
 * between: one small file per query and role, <state_dir>/locate/<role>-<query
 * hex>, mode 0600, holding the VM's name and the key.
 *
 * Written without fsync: what it guards against is roamd's own death (the
 * file outlives the process); after a crash of the whole host the client
 * merely gets the uniform "unknown" answer.  Files older than
 * ROAMD_LOCATE_TTL_S are removed, and at most ROAMD_LOCATE_MAX are kept:
 * beyond that new keys are not stored (logged), never old ones evicted
 * early, so that a flood of authentications cannot erase a real one. */
#ifndef ROAMD_LOCATE_STORE_H
#define ROAMD_LOCATE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "locate.h"
#include "wire_limits.h"

#define ROAMD_LOCATE_TTL_S 3600
#define ROAMD_LOCATE_MAX 4096

/* Remember key for the query id and VM, as role ("accept"/"migrate").
 * 0, or -1 with err. */
int roamd_locate_store_put(const char *state_dir, const char *role,
                           const uint8_t qid[ROAM_QUERY_ID_LEN], const char *vm,
                           const uint8_t key[ROAM_LOCATE_KEY_LEN], time_t now, char *err,
                           size_t errlen);

/* The stored key and VM of the query as role.  0, or -1 when there is none
 * (or it does not parse, or has expired). */
int roamd_locate_store_get(const char *state_dir, const char *role,
                           const uint8_t qid[ROAM_QUERY_ID_LEN], char vm[ROAM_NAME_MAX + 1],
                           uint8_t key[ROAM_LOCATE_KEY_LEN], time_t now);

/* Remove expired files; the number left (-1 if the directory cannot be
 * read). */
long roamd_locate_store_prune(const char *state_dir, time_t now);

#endif
