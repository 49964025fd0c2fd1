/* Internal: multi-scalar multiplication for one group, instantiated twice by
 * msm.c.  The includer defines C(name), F(name), PT, AFF, MSM_MAX, ENDO_DIM
 * and ENDO_BITS (see curve_impl.h for the conventions).  Public inputs only.
 *
 * Few pairs: each is split by the endomorphism into ENDO_DIM terms with
 * ENDO_BITS-bit scalars (C(endo_split)) and Straus shares one short doubling
 * chain.  More: Pippenger's bucket method, either on the split terms in
 * chunks of PIPPENGER_CHUNK_TERMS or, for large n where wider windows pay
 * off, on the full scalars in chunks of PIP_WIDE_CHUNK pairs; a cost model
 * picks.  Stack use is fixed whatever n is (about 80 KB for G1, 130 KB for
 * G2). */

#define PIP_CMAX 9
/* Large MSMs skip the split (no copies of the points are needed then) and
 * take the caller's points in chunks of this many. */
#define PIP_WIDE_CHUNK 1024

/* Best window c for nt terms of `bits`-bit scalars, and the model's cost in
 * point additions: windows x (one addition per term + bucket reduction). */
static size_t C(pippenger_cost)(size_t nt, unsigned bits, unsigned *cbest)
{
    size_t best = SIZE_MAX;
    for (unsigned w = 4; w <= PIP_CMAX; w++) {
        size_t cost = (bits / w + 1) * (nt + ((size_t)1 << w)) + bits;
        if (cost < best) {
            best = cost;
            *cbest = w;
        }
    }
    return best;
}

/* sum_t [s_t]q_t over nt terms with scalars of nlimbs limbs below 2^bits,
 * signed c-bit digits and 2^(c-1) buckets per window.  Windows go from the
 * bottom so each term's digit carry fits in a byte instead of storing all
 * digits; the window sums are combined by Horner's rule at the end. */
static void C(pippenger_vartime)(PT *r, const AFF *q, const uint64_t *s, size_t nlimbs,
                                 unsigned bits, size_t nt)
{
    uint8_t carry[PIP_WIDE_CHUNK], used[1 << (PIP_CMAX - 1)];
    PT bucket[1 << (PIP_CMAX - 1)], wsum[255 / 4 + 1], run, sum, acc;
    unsigned c = 4;

    (void)C(pippenger_cost)(nt, bits, &c);
    /* floor(bits / c) + 1 windows: the top one has at most c - 1 bits and so
     * absorbs the last carry. */
    size_t nd = bits / c + 1, nb = (size_t)1 << (c - 1);
    uint64_t full = (uint64_t)1 << c;

    memset(carry, 0, nt);
    for (size_t j = 0; j < nd; j++) {
        memset(used, 0, nb);
        for (size_t t = 0; t < nt; t++) {
            uint64_t v = sr_get_bits(s + t * nlimbs, nlimbs, (unsigned)(j * c), c) + carry[t];
            carry[t] = v > nb;
            if (v == 0 || v == full || q[t].infinity)
                continue;
            AFF a = q[t];
            size_t b = v - 1;
            if (v > nb) { /* digit v - 2^c < 0 */
                b = full - v - 1;
                F(neg)(&a.y, &a.y);
            }
            if (used[b]) {
                C(add_affine)(&bucket[b], &bucket[b], &a);
            } else {
                C(from_affine)(&bucket[b], &a);
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

/* Pippenger over the endomorphism split, PIPPENGER_CHUNK_TERMS terms at a
 * time (the split points must be stored). */
static __attribute__((noinline)) void C(msm_split_vartime)(PT *r, const AFF *p, const bls_fr_t *k,
                                                           size_t n)
{
    enum { PER_CHUNK = PIPPENGER_CHUNK_TERMS / ENDO_DIM };
    AFF q[PIPPENGER_CHUNK_TERMS];
    uint64_t s[PIPPENGER_CHUNK_TERMS][2];
    for (size_t off = 0; off < n; off += PER_CHUNK) {
        size_t m = n - off < PER_CHUNK ? n - off : PER_CHUNK;
        PT part;
        for (size_t i = 0; i < m; i++)
            C(endo_split)(&q[i * ENDO_DIM], &s[i * ENDO_DIM], &p[off + i], &k[off + i]);
        C(pippenger_vartime)(&part, q, &s[0][0], 2, ENDO_BITS, m * ENDO_DIM);
        C(add)(r, r, &part);
    }
}

/* Pippenger on the full 255-bit scalars, PIP_WIDE_CHUNK pairs at a time. */
static __attribute__((noinline)) void C(msm_wide_vartime)(PT *r, const AFF *p, const bls_fr_t *k,
                                                          size_t n)
{
    uint64_t s[PIP_WIDE_CHUNK][4];
    for (size_t off = 0; off < n; off += PIP_WIDE_CHUNK) {
        size_t m = n - off < PIP_WIDE_CHUNK ? n - off : PIP_WIDE_CHUNK;
        PT part;
        for (size_t i = 0; i < m; i++)
            bls_fr_to_canonical(s[i], &k[off + i]);
        C(pippenger_vartime)(&part, p + off, &s[0][0], 4, 255, m);
        C(add)(r, r, &part);
    }
}

int C(msm_vartime)(PT *r, const AFF *p, const bls_fr_t *k, size_t n)
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
        return BLS_OK;
    }
    /* Split: short scalars but small chunks; wide: bigger windows pay off. */
    unsigned c;
    size_t nts = n * ENDO_DIM, ntw = n;
    size_t split = C(pippenger_cost)(nts < PIPPENGER_CHUNK_TERMS ? nts : PIPPENGER_CHUNK_TERMS,
                                      ENDO_BITS, &c) * ((nts + PIPPENGER_CHUNK_TERMS - 1) / PIPPENGER_CHUNK_TERMS);
    size_t wide = C(pippenger_cost)(ntw < PIP_WIDE_CHUNK ? ntw : PIP_WIDE_CHUNK, 255, &c) *
                  ((ntw + PIP_WIDE_CHUNK - 1) / PIP_WIDE_CHUNK);
    if (split <= wide)
        C(msm_split_vartime)(r, p, k, n);
    else
        C(msm_wide_vartime)(r, p, k, n);
    return BLS_OK;
}

#undef PIP_CMAX
#undef PIP_WIDE_CHUNK
