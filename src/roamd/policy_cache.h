/* Prepared policies, kept between challenges.  Preparing a policy hashes
 * every attribute string to G1 (the `expiry >= today` clause alone expands
 * to a dozen bit attributes) and building its fixed-base tables makes each
 * encapsulation several times cheaper, so the daemon does both once per
 * distinct policy text (which includes today's date) rather than per
 * challenge.  Bounded (least recently used unpinned entry evicted) and
 * thread-safe; entries in use are pinned by a reference count. */
#ifndef ROAMD_POLICY_CACHE_H
#define ROAMD_POLICY_CACHE_H

#include <stddef.h>

#include "abe.h"

#define ROAMD_POLICY_CACHE_MAX 8

typedef struct roamd_policy_cache roamd_policy_cache;

roamd_policy_cache *roamd_policy_cache_new(void);
void roamd_policy_cache_free(roamd_policy_cache *c);

/* The prepared policy for text (with tables), pinned until
 * roamd_policy_put.  NULL with err (the policy does not compile, or no
 * memory). */
const abe_prepared_t *roamd_policy_get(roamd_policy_cache *c, const char *text,
                                       char *err, size_t errlen);
void roamd_policy_put(roamd_policy_cache *c, const abe_prepared_t *pp);

#endif
