/* Internal: multi-scalar multiplication for one group, instantiated twice by
 * msm.c.  The includer defines C(name), F(name), PT, AFF, MSM_MAX and
 * ENDO_DIM (see curve_impl.h for the conventions).  Public inputs only. */

#define PIP_CMAX 9

/* Pippenger with signed c-bit digits: 2^(c-1) buckets per window.  Windows
 * are processed from the bottom so each scalar's digit carry can be kept in
 * one byte instead of storing every digit; the window sums are combined by
 * Horner's rule at the end. */
static void C(pippenger_vartime)(PT *r, const AFF *p, const fr_t *k, size_t n)
{
    uint64_t sc[MSM_MAX][4];
    uint8_t carry[MSM_MAX], used[1 << (PIP_CMAX - 1)];
    PT bucket[1 << (PIP_CMAX - 1)], wsum[256 / 4], run, sum, acc;
    unsigned c = 4;
    size_t best = SIZE_MAX;

    /* Cost model: windows x (one addition per point + bucket reduction). */
    for (unsigned w = 4; w <= PIP_CMAX; w++) {
        size_t cost = ((256 + w - 1) / w) * (n + ((size_t)1 << w));
        if (cost < best) {
            best = cost;
            c = w;
        }
    }
    size_t nd = (256 + c - 1) / c, nb = (size_t)1 << (c - 1);
    uint64_t half = nb;

    for (size_t i = 0; i < n; i++) {
        fr_to_canonical(sc[i], &k[i]);
        carry[i] = 0;
    }
    for (size_t j = 0; j < nd; j++) {
        memset(used, 0, nb);
        for (size_t i = 0; i < n; i++) {
            uint64_t v = sr_get_bits(sc[i], 4, (unsigned)(j * c), c) + carry[i];
            carry[i] = v > half;
            if (v == 0 || v == ((uint64_t)1 << c) || p[i].infinity)
                continue;
            AFF q = p[i];
            size_t b = v - 1;
            if (v > half) { /* digit v - 2^c < 0 */
                b = ((uint64_t)1 << c) - v - 1;
                F(neg)(&q.y, &q.y);
            }
            if (used[b]) {
                C(add_affine)(&bucket[b], &bucket[b], &q);
            } else {
                C(from_affine)(&bucket[b], &q);
                used[b] = 1;
            }
        }
        /* sum_b (b+1) bucket[b] as a running sum from the top. */
        int have_run = 0, have_sum = 0;
        C(set_identity)(&sum);
        for (size_t b = nb; b-- > 0;) {
            if (used[b]) {
                if (have_run)
                    C(add)(&run, &run, &bucket[b]);
                else
                    run = bucket[b];
                have_run = 1;
            }
            if (have_run) {
                if (have_sum)
                    C(add)(&sum, &sum, &run);
                else
                    sum = run;
                have_sum = 1;
            }
        }
        wsum[j] = sum;
    }
    acc = wsum[nd - 1];
    for (size_t j = nd - 1; j-- > 0;) {
        for (unsigned b = 0; b < c; b++)
            C(dbl)(&acc, &acc);
        C(add)(&acc, &acc, &wsum[j]);
    }
    *r = acc;
}

int C(msm_vartime)(PT *r, const AFF *p, const fr_t *k, size_t n)
{
    if (r == NULL)
        return BLS_ERR_ARGUMENT;
    C(set_identity)(r);
    if (n == 0)
        return BLS_OK;
    if (p == NULL || k == NULL || n > MSM_MAX)
        return BLS_ERR_ARGUMENT;
    if (n * ENDO_DIM <= STRAUS_MAX_TERMS) {
        PT q[STRAUS_MAX_TERMS];
        for (size_t i = 0; i < n; i++)
            C(from_affine)(&q[i], &p[i]);
        C(straus_vartime)(r, q, k, n);
    } else {
        C(pippenger_vartime)(r, p, k, n);
    }
    return BLS_OK;
}

#undef PIP_CMAX
