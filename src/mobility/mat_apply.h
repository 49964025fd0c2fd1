/* A mapping into the kernel: roam-mat's table description updated from it
 * and the rules rewritten in one nftables transaction, with one log line
 * that says what now holds and what the transaction cost. */
#ifndef ROAM_MOBILITY_MAT_APPLY_H
#define ROAM_MOBILITY_MAT_APPLY_H

#include "ims_types.h"
#include "mat_rules.h"

/* 0, or -1 (logged: the rules stay as they were). */
int mat_apply(mat_nft *nft, mat_table *t, const ims_mapping *m);

#endif
