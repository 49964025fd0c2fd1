/* Prepared policies, kept between challenges.  Preparing a policy hashes
 * every attribute string to G1 (the `expiry >= today` clause alone expands
 * to a dozen bit attributes) and building its fixed-base tables makes each
 * encapsulation several times cheaper, so the daemon does both once per
 * distinct (policy text, date) rather than per challenge.  The policy is
 * parsed on its own and ANDed with `expiry >= date` as a tree
 * (abe_prepare_with_expiry).  Bounded (least recently used unpinned entry evicted) and
 * thread-safe; entries in use are pinned by a reference count. */
#ifndef ROAMD_POLICY_CACHE_H
#define ROAMD_POLICY_CACHE_H

#include <stddef.h>

#include "abe.h"

#define ROAMD_POLICY_CACHE_MAX 8

typedef struct roamd_policy_cache roamd_policy_cache;

roamd_policy_cache *roamd_policy_cache_new(void);
void roamd_policy_cache_free(roamd_policy_cache *c);

/* The prepared policy text AND expiry >= date (YYYY-MM-DD; with tables),
 * pinned until roamd_policy_put.  NULL with err (the policy does not
 * compile, its error columns counted in text; or no memory). */
const abe_prepared_t *roamd_policy_get(roamd_policy_cache *c, const char *text,
                                       const char *date, char *err, size_t errlen);
void roamd_policy_put(roamd_policy_cache *c, const abe_prepared_t *pp);

#endif
