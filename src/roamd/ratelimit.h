/* Challenges per minute per client: a token bucket per address, an IPv6
 * client counted by its /64 (a subscriber holds a whole /64, so a fresh
 * address in it must not buy fresh challenges).  Each challenge costs one
 * CP-ABE encapsulation, so unauthenticated clients must not be able to make
 * the daemon do unbounded work.  The table is bounded; when full, the least
 * recently used key is evicted. */
#ifndef ROAMD_RATELIMIT_H
#define ROAMD_RATELIMIT_H

#include <stdint.h>

#define ROAMD_RATE_ADDRS 4096

typedef struct roamd_ratelimit roamd_ratelimit;

roamd_ratelimit *roamd_ratelimit_new(int per_minute);
void roamd_ratelimit_free(roamd_ratelimit *r);

/* How roamd counts a client: an IPv6 address by its /64 ("2001:db8::/64"),
 * anything else as given.  key holds ROAMD_CLIENT_KEY_MAX bytes. */
#define ROAMD_CLIENT_KEY_MAX 64
void roamd_client_key(const char *addr, char key[ROAMD_CLIENT_KEY_MAX]);

/* 1 if addr may have one more challenge at now_ms (and count it), 0 if not. */
int roamd_ratelimit_allow(roamd_ratelimit *r, const char *addr, int64_t now_ms);

#endif
