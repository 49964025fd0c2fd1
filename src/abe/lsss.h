/* Policy tree -> linear secret-sharing scheme (M, rho) over Z_r, FABEO
 * occurrence indices, and decryption coefficients (FAME.md sections 5.3 to
 * 5.6, FABEO.md section 1).
 *
 * Row i is leaf i in preorder.  AND gates use the Lewko-Waters chain
 * (entries 0, 1, -1), k-of-n thresholds with 1 < k < n use Vandermonde rows
 * (j, j^2, ..., j^(k-1)) for child j; OR children copy their parent's row.
 * The matrix is not stored densely: each node records what it adds to its
 * parent's label, and lsss_row / lsss_share expand a row on demand.  Column
 * 0 carries the secret; the target vector is e1 = (1, 0, ..., 0).
 *
 * An lsss_t refers to the policy_t it was compiled from, which must stay
 * alive and unchanged while the lsss_t is used. */
#ifndef ROAM_ABE_LSSS_H
#define ROAM_ABE_LSSS_H

#include <stddef.h>
#include <stdint.h>

#include "abe.h"
#include "policy.h"

/* Compiles p.  ABE_ERR_LIMIT (with a message) if an attribute string occurs
 * more than POL_MAX_OCC times. */
int lsss_compile(lsss_t *l, const policy_t *p, pol_error_t *err);

/* rho(i): the attribute string of row i (not NUL-terminated). */
const uint8_t *lsss_rho(const lsss_t *l, size_t row, size_t *len);

/* occ(i), 1-based. */
unsigned lsss_occ(const lsss_t *l, size_t row);

/* Row i of M as l->cols scalars.  ABE_ERR_ARGUMENT if row is out of range. */
int lsss_row(const lsss_t *l, size_t row, fr_t *out);

/* lambda = M_i . v for v of l->cols scalars (the share of row i).  Uses
 * only constant-time field operations: v may be secret. */
int lsss_share(const lsss_t *l, size_t row, const fr_t *v, fr_t *lambda);

/* Decryption coefficients: if s satisfies the policy, fills gamma[0..rows)
 * with sum_i gamma_i M_i = e1 and gamma_i = 0 whenever rho(i) is not in s,
 * and returns ABE_OK.  Otherwise returns ABE_ERR_NOT_SATISFIED (gamma is
 * then all zero).  Tree method of FAME.md 5.6: OR takes its first satisfied
 * child, a threshold its first k satisfied children with Lagrange
 * coefficients at 0.  The coefficients depend only on public data. */
int lsss_coefficients(const lsss_t *l, const attr_set_t *s, fr_t *gamma);

#endif
