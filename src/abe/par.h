/* A two-thread parallel loop for the per-item work of the ABE (KeyGen's
 * per-attribute exponentiations, Encrypt's items, decoding of ciphertext
 * elements).  roam's machines have two or more cores and its rounds are
 * latency-bound; splitting a loop between two threads roughly halves it.
 * Setting the environment variable ROAM_ABE_THREADS=1 keeps everything on
 * the calling thread (for servers that prefer throughput to latency). */
#ifndef ROAM_ABE_PAR_H
#define ROAM_ABE_PAR_H

#include <stddef.h>

/* Runs fn(ctx, k, k + 1) once for every item k in [0, n), on the calling
 * thread and a helper thread when n >= min_n and a thread can be created,
 * otherwise fn(ctx, 0, n) on the calling thread.  Items are handed out one
 * at a time in index order to whichever thread is free, so uneven item
 * costs and a thread delayed by other load balance themselves; list the
 * expensive items first.  fn must only write data indexed by its own items.
 * Returns 0 if every call returned 0, else a nonzero result of a failed
 * call; after a failure, items not yet started are skipped. */
int abe_par_for2(size_t n, size_t min_n, int (*fn)(void *ctx, size_t from, size_t to), void *ctx);

#endif
