/* Internal: scalar handling shared by the G1 and G2 scalar multiplications
 * (curve_impl.h) and the MSM (msm_impl.h): endomorphism splitting, signed
 * fixed-window recoding, wNAF, and a constant-time table scan.
 *
 * Functions without _vartime in their name neither branch on nor index memory
 * by the scalar; positions and lengths (public) may steer loops. */
#ifndef ROAM_BLS12381_SCALAR_RECODE_H
#define ROAM_BLS12381_SCALAR_RECODE_H

#include <stddef.h>
#include <stdint.h>

typedef unsigned __int128 sr_u128;

/* All-ones if a == b, else zero; a, b < 2^63. */
static inline uint64_t sr_eq_mask(uint64_t a, uint64_t b)
{
    uint64_t x = a ^ b;
    return ((x | (0 - x)) >> 63) - 1;
}

/* w bits of s (nlimbs little-endian limbs) starting at bit pos; bits past the
 * end read as 0.  pos and w (< 32) are public. */
static inline uint64_t sr_get_bits(const uint64_t *s, size_t nlimbs, unsigned pos, unsigned w)
{
    size_t i = pos / 64;
    unsigned sh = pos % 64;
    uint64_t v = 0;
    if (i < nlimbs)
        v = s[i] >> sh;
    if (sh != 0 && i + 1 < nlimbs)
        v |= s[i + 1] << (64 - sh);
    return v & ((UINT64_C(1) << w) - 1);
}

/* q := floor(a / m), rem := a mod m, for a 256-bit a and a public m with
 * 0 < m < 2^128.  Restoring division one bit at a time: 256 iterations of
 * branch-free compare-and-subtract, so constant time in a.  This costs about
 * a microsecond, far below one point addition per bit it saves. */
static inline void sr_divrem_ct(uint64_t q[4], uint64_t rem[2], const uint64_t a[4],
                                const uint64_t m[2])
{
    uint64_t r0 = 0, r1 = 0, r2 = 0, qq[4] = {0, 0, 0, 0};
    for (int i = 255; i >= 0; i--) {
        /* r < m before the shift, so r < 2m < 2^129 after it: three limbs. */
        r2 = (r2 << 1) | (r1 >> 63);
        r1 = (r1 << 1) | (r0 >> 63);
        r0 = (r0 << 1) | ((a[i / 64] >> (i % 64)) & 1);
        sr_u128 d = (sr_u128)r0 - m[0];
        uint64_t t0 = (uint64_t)d, b = (uint64_t)(d >> 64) & 1;
        d = (sr_u128)r1 - m[1] - b;
        uint64_t t1 = (uint64_t)d;
        b = (uint64_t)(d >> 64) & 1;
        d = (sr_u128)r2 - b;
        uint64_t t2 = (uint64_t)d;
        b = (uint64_t)(d >> 64) & 1;
        uint64_t take = 0 - (b ^ 1); /* r >= m */
        r0 = (t0 & take) | (r0 & ~take);
        r1 = (t1 & take) | (r1 & ~take);
        r2 = (t2 & take) | (r2 & ~take);
        qq[i / 64] |= (b ^ 1) << (i % 64);
    }
    for (int i = 0; i < 4; i++)
        q[i] = qq[i];
    rem[0] = r0;
    rem[1] = r1;
}

/* Split k < r (canonical limbs) in base m: k = sum_j s[j] m^j, 0 <= s[j] < m
 * for j < dim - 1.  The callers pick m with m^dim > r, so the top digit is
 * below 2^128 too; an endomorphism acting as [m] then turns [k]P into a
 * dim-term multi-scalar product with short scalars (GLV/GLS). */
static inline void sr_split_ct(uint64_t (*s)[2], const uint64_t k[4], const uint64_t m[2],
                               size_t dim)
{
    uint64_t cur[4] = {k[0], k[1], k[2], k[3]}, q[4];
    for (size_t j = 0; j + 1 < dim; j++) {
        sr_divrem_ct(q, s[j], cur, m);
        for (int i = 0; i < 4; i++)
            cur[i] = q[i];
    }
    s[dim - 1][0] = cur[0];
    s[dim - 1][1] = cur[1];
}

/* Signed fixed-window digits: s = sum_i d[i] 2^(w i), -2^(w-1) <= d[i] <= 2^(w-1).
 * The caller sizes nd so that the last digit absorbs the final carry.
 * Branch-free in s. */
static inline void sr_recode_signed_ct(int32_t *d, const uint64_t *s, size_t nlimbs,
                                       unsigned w, size_t nd)
{
    uint64_t carry = 0, half = UINT64_C(1) << (w - 1);
    for (size_t i = 0; i < nd; i++) {
        uint64_t v = sr_get_bits(s, nlimbs, (unsigned)(i * w), w) + carry;
        carry = (half - v) >> 63; /* v > half: borrow 2^w from the next digit */
        d[i] = (int32_t)v - (int32_t)(carry << w);
    }
}

/* |d| and the sign bit of a digit, branch-free. */
static inline uint64_t sr_digit_abs(int32_t d, uint64_t *neg)
{
    uint32_t sgn = (uint32_t)d >> 31;
    *neg = sgn;
    return (uint64_t)(((uint32_t)d ^ (0u - sgn)) + sgn);
}

/* out := table entry idx - 1 (entries of `words` 64-bit words each), or leave
 * out untouched when idx == 0.  Reads every entry: constant time in idx. */
static inline void sr_select_ct(uint64_t *out, const uint64_t *table, size_t words,
                                size_t n, uint64_t idx)
{
    for (size_t e = 0; e < n; e++) {
        uint64_t mask = sr_eq_mask(idx, e + 1);
        const uint64_t *src = table + e * words;
        for (size_t i = 0; i < words; i++)
            out[i] ^= (out[i] ^ src[i]) & mask;
    }
}

/* Width-w NAF of s < 2^128 - 2^w: digits odd or 0, |digit| < 2^(w-1), at most
 * one nonzero in any w consecutive digits.  Returns the number of digits
 * (<= 129).  Public scalars only. */
static inline size_t sr_wnaf_vartime(int8_t *naf, const uint64_t s[2], unsigned w)
{
    sr_u128 k = ((sr_u128)s[1] << 64) | s[0];
    int32_t full = 1 << w, half = 1 << (w - 1);
    size_t len = 0;
    while (k != 0) {
        int32_t d = 0;
        if (k & 1) {
            d = (int32_t)(k & (sr_u128)(full - 1));
            if (d >= half)
                d -= full;
            k -= (sr_u128)(__int128)d; /* d < 0 adds |d| */
        }
        naf[len++] = (int8_t)d;
        k >>= 1;
    }
    return len;
}

#endif
