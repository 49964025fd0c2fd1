/* Policy tree -> linear secret-sharing scheme (M, rho) over Z_r, FABEO
 * occurrence indices, and decryption coefficients (docs/spec/fabeo.md §6).
 *
 * Row i is leaf i in preorder.  AND gates use the Lewko-Waters chain
 * (entries 0, 1, -1), k-of-n thresholds with 1 < k < n use Vandermonde rows
 * (j, j^2, ..., j^(k-1)) for child j; OR children copy their parent's row.
 * The matrix is not stored densely: each node records what it adds to its
 * parent's label, and abe_lsss_row / abe_lsss_share expand a row on demand.  Column
 * 0 carries the secret; the target vector is e1 = (1, 0, ..., 0).
 *
 * An abe_lsss_t refers to the abe_policy_t it was compiled from, which must stay
 * alive and unchanged while the abe_lsss_t is used. */
#ifndef ROAM_ABE_LSSS_H
#define ROAM_ABE_LSSS_H

#include <stddef.h>
#include <stdint.h>

#include "abe.h"
#include "policy.h"

/* Compiles p.  ABE_ERR_LIMIT (with a message) if an attribute string occurs
 * more than ABE_POL_MAX_OCC times. */
int abe_lsss_compile(abe_lsss_t *l, const abe_policy_t *p, abe_error_t *err);

/* rho(i): the attribute string of row i (not NUL-terminated). */
const uint8_t *abe_lsss_rho(const abe_lsss_t *l, size_t row, size_t *len);

/* occ(i), 1-based. */
unsigned abe_lsss_occ(const abe_lsss_t *l, size_t row);

/* Row i of M as l->cols scalars.  ABE_ERR_ARGUMENT if row is out of range. */
int abe_lsss_row(const abe_lsss_t *l, size_t row, bls_fr_t *out);

/* lambda = M_i . v for v of l->cols scalars (the share of row i).  Uses
 * only constant-time field operations: v may be secret. */
int abe_lsss_share(const abe_lsss_t *l, size_t row, const bls_fr_t *v, bls_fr_t *lambda);

/* Decryption coefficients: if s satisfies the policy, fills gamma[0..rows)
 * with sum_i gamma_i M_i = e1 and gamma_i = 0 whenever rho(i) is not in s,
 * and returns ABE_OK.  Otherwise returns ABE_ERR_NOT_SATISFIED (gamma is
 * then all zero).  Tree method of docs/spec/fabeo.md §6.3: OR takes its first satisfied
 * child, a threshold its first k satisfied children with Lagrange
 * coefficients at 0.  The coefficients depend only on public data. */
int abe_lsss_coefficients(const abe_lsss_t *l, const abe_attr_set_t *s, bls_fr_t *gamma);

#endif
