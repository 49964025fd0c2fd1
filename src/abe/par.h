/* A two-way parallel loop for the per-row work of the ABE (KeyGen's
 * per-attribute exponentiations, Encrypt's rows, decoding of ciphertext
 * rows).  roam's machines have two or more cores and its rounds are
 * latency-bound; splitting a loop in two halves roughly halves it.
 * Setting the environment variable ROAM_ABE_THREADS=1 keeps everything on
 * the calling thread (for servers that prefer throughput to latency). */
#ifndef ROAM_ABE_PAR_H
#define ROAM_ABE_PAR_H

#include <stddef.h>

/* Runs fn(ctx, from, to) on [0, n): the first half on a helper thread and
 * the second on the caller's, when n >= min_n and a thread can be created;
 * otherwise fn(ctx, 0, n) on the caller's thread.  fn must only write data
 * indexed by its own range.  Returns 0 if every call returned 0, else the
 * first nonzero result (the first half's if both failed). */
int par_for2(size_t n, size_t min_n, int (*fn)(void *ctx, size_t from, size_t to), void *ctx);
/* par_for2 with the helper thread's share [0, split) chosen by the caller
 * (split <= n), for item lists whose costs are uneven. */
int par_for2_at(size_t n, size_t split, size_t min_n,
                int (*fn)(void *ctx, size_t from, size_t to), void *ctx);

#endif
