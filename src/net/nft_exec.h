/* Running nftables scripts through libnftables, with nft's own messages
 * kept for the caller's error text instead of going to stdout/stderr.
 * Shared by roam-mat's translation rules and roamd's RA guard. */
#ifndef ROAM_NET_NFT_EXEC_H
#define ROAM_NET_NFT_EXEC_H

#include <stddef.h>

struct nft_ctx;

/* A context whose output and errors are buffered; NULL with err. */
struct nft_ctx *roam_nft_ctx_new(char *err, size_t errlen);

/* Runs SCRIPT as one transaction (all of it or nothing).  0, or -1 with
 * "nftables WHAT failed: " and nft's first error line in err. */
int roam_nft_exec(struct nft_ctx *ctx, const char *script, const char *what, char *err,
                  size_t errlen);

/* The same with a context of its own, for a caller that runs one script
 * now and then. */
int roam_nft_exec_once(const char *script, const char *what, char *err, size_t errlen);

#endif
