/* Internal: the group law and scalar multiplications of a short Weierstrass
 * curve y^2 = x^3 + b (a = 0), written once and instantiated by g1.c (over
 * Fp) and g2.c (over Fp2).  The including file defines:
 *
 *   C(name)      public name of a curve function (g1_##name / g2_##name)
 *   F(name)      field function (fp_##name / fp2_##name)
 *   FE, PT, AFF  field element, projective point, affine point types
 *   FB           the fixed-base table struct; FB_ND, FB_W its digit count/width
 *   FE_ZERO_C, FE_ONE_C, CURVE_B (b), GEN_AFFINE (generator)
 *   CURVE_B_PRESCALE(r, a)  r := a * b/4 (b3 = 3b = 12 * b/4)
 *   ENDO_DIM, ENDO_BITS, ENDO_M, ENDO_X_POWER: an endomorphism C(endo) acting
 *       on the group as [m], m = |x|^ENDO_X_POWER < 2^ENDO_BITS, m^ENDO_DIM > r
 *       (G1: m = x^2, dim 2; G2: m = |x|, dim 4), implemented by the includer
 *       as static void C(endo)(PT *, const PT *) before this file.
 *
 * Point formulas are the complete ones of Renes-Costello-Batina 2016 for
 * a = 0 (Alg. 7 add, 8 mixed add, 9 double): no exceptional cases, no
 * branches, so every non-_vartime function is constant time. */

#include <string.h>

#include <openssl/crypto.h>

#include "scalar_recode.h"

#define PT_WORDS (sizeof(PT) / sizeof(uint64_t))
#define AFF_WORDS (sizeof(AFF) / sizeof(uint64_t))

/* Constant-time window: 16 table entries [1..16]Q, digits in [-16, 16]. */
#define CT_W 5
#define CT_TAB 16
#define CT_ND ((ENDO_BITS + CT_W) / CT_W)
/* The top digit must absorb the recoding carry: bits above it are zero. */
_Static_assert(ENDO_BITS - (CT_ND - 1) * CT_W <= CT_W - 1, "window does not fit");
_Static_assert(255 - (FB_ND - 1) * FB_W <= FB_W - 1, "fixed-base window does not fit");
/* wNAF width for public scalars: odd multiples 1, 3, ..., 15. */
#define VT_W 5
#define VT_TAB 8

/* |x| = 0xd201000000010000: 63 doublings, 5 additions. */
static const uint64_t C(abs_x) = UINT64_C(0xd201000000010000);
static const uint64_t C(endo_m)[2] = ENDO_M;

static inline void C(mul_b3)(FE *r, const FE *a)
{
    FE t, t3;
    CURVE_B_PRESCALE(&t, a);
    F(dbl)(&t3, &t);
    F(add)(&t3, &t3, &t); /* 3 */
    F(dbl)(&t3, &t3);
    F(dbl)(r, &t3); /* 12 */
}

/* --- basic operations ----------------------------------------------------- */

void C(set_identity)(PT *r)
{
    r->x = FE_ZERO_C;
    r->y = FE_ONE_C;
    r->z = FE_ZERO_C;
}

void C(cmov)(PT *r, const PT *a, uint64_t cond)
{
    F(cmov)(&r->x, &a->x, cond);
    F(cmov)(&r->y, &a->y, cond);
    F(cmov)(&r->z, &a->z, cond);
}

void C(from_affine)(PT *r, const AFF *a)
{
    PT id;
    C(set_identity)(&id);
    r->x = a->x;
    r->y = a->y;
    r->z = FE_ONE_C;
    C(cmov)(r, &id, a->infinity & 1);
}

void C(generator)(PT *r)
{
    C(from_affine)(r, &GEN_AFFINE);
}

void C(to_affine)(AFF *r, const PT *p)
{
    FE zi;
    F(inv)(&zi, &p->z); /* 1/0 = 0 sends the identity to (0, 0) */
    F(mul)(&r->x, &p->x, &zi);
    F(mul)(&r->y, &p->y, &zi);
    r->infinity = F(is_zero)(&p->z);
}

void C(neg)(PT *r, const PT *a)
{
    r->x = a->x;
    F(neg)(&r->y, &a->y);
    r->z = a->z;
}

uint64_t C(is_identity)(const PT *p)
{
    return F(is_zero)(&p->z);
}

uint64_t C(equal)(const PT *a, const PT *b)
{
    FE l, r;
    F(mul)(&l, &a->x, &b->z);
    F(mul)(&r, &b->x, &a->z);
    uint64_t ex = F(equal)(&l, &r);
    F(mul)(&l, &a->y, &b->z);
    F(mul)(&r, &b->y, &a->z);
    uint64_t ey = F(equal)(&l, &r);
    uint64_t ia = F(is_zero)(&a->z), ib = F(is_zero)(&b->z);
    /* Cross products vanish when a Z is 0, so decide the identity apart. */
    return (ex & ey & (ia ^ 1) & (ib ^ 1)) | (ia & ib);
}

uint64_t C(affine_is_on_curve)(const AFF *a)
{
    FE l, r;
    F(sqr)(&l, &a->y);
    F(sqr)(&r, &a->x);
    F(mul)(&r, &r, &a->x);
    F(add)(&r, &r, &CURVE_B);
    return F(equal)(&l, &r) | (a->infinity & 1);
}

/* RCB Alg. 7. */
void C(add)(PT *r, const PT *a, const PT *b)
{
    FE t0, t1, t2, t3, t4, x3, y3, z3;
    F(mul)(&t0, &a->x, &b->x);
    F(mul)(&t1, &a->y, &b->y);
    F(mul)(&t2, &a->z, &b->z);
    F(add)(&t3, &a->x, &a->y);
    F(add)(&t4, &b->x, &b->y);
    F(mul)(&t3, &t3, &t4);
    F(add)(&t4, &t0, &t1);
    F(sub)(&t3, &t3, &t4);
    F(add)(&t4, &a->y, &a->z);
    F(add)(&x3, &b->y, &b->z);
    F(mul)(&t4, &t4, &x3);
    F(add)(&x3, &t1, &t2);
    F(sub)(&t4, &t4, &x3);
    F(add)(&x3, &a->x, &a->z);
    F(add)(&y3, &b->x, &b->z);
    F(mul)(&x3, &x3, &y3);
    F(add)(&y3, &t0, &t2);
    F(sub)(&y3, &x3, &y3);
    F(dbl)(&x3, &t0);
    F(add)(&t0, &x3, &t0);
    C(mul_b3)(&t2, &t2);
    F(add)(&z3, &t1, &t2);
    F(sub)(&t1, &t1, &t2);
    C(mul_b3)(&y3, &y3);
    F(mul)(&x3, &t4, &y3);
    F(mul)(&t2, &t3, &t1);
    F(sub)(&x3, &t2, &x3);
    F(mul)(&y3, &y3, &t0);
    F(mul)(&t1, &t1, &z3);
    F(add)(&y3, &t1, &y3);
    F(mul)(&t0, &t0, &t3);
    F(mul)(&z3, &z3, &t4);
    F(add)(&z3, &z3, &t0);
    r->x = x3;
    r->y = y3;
    r->z = z3;
}

/* RCB Alg. 8 (b has Z = 1); complete except for b = identity, handled by a
 * final constant-time select. */
void C(add_affine)(PT *r, const PT *a, const AFF *b)
{
    FE t0, t1, t2, t3, t4;
    PT o;
    F(mul)(&t0, &a->x, &b->x);
    F(mul)(&t1, &a->y, &b->y);
    F(add)(&t3, &b->x, &b->y);
    F(add)(&t4, &a->x, &a->y);
    F(mul)(&t3, &t3, &t4);
    F(add)(&t4, &t0, &t1);
    F(sub)(&t3, &t3, &t4);
    F(mul)(&t4, &b->y, &a->z);
    F(add)(&t4, &t4, &a->y);
    F(mul)(&o.y, &b->x, &a->z);
    F(add)(&o.y, &o.y, &a->x);
    F(dbl)(&o.x, &t0);
    F(add)(&t0, &o.x, &t0);
    C(mul_b3)(&t2, &a->z);
    F(add)(&o.z, &t1, &t2);
    F(sub)(&t1, &t1, &t2);
    C(mul_b3)(&o.y, &o.y);
    F(mul)(&o.x, &t4, &o.y);
    F(mul)(&t2, &t3, &t1);
    F(sub)(&o.x, &t2, &o.x);
    F(mul)(&o.y, &o.y, &t0);
    F(mul)(&t1, &t1, &o.z);
    F(add)(&o.y, &t1, &o.y);
    F(mul)(&t0, &t0, &t3);
    F(mul)(&o.z, &o.z, &t4);
    F(add)(&o.z, &o.z, &t0);
    C(cmov)(&o, a, b->infinity & 1);
    *r = o;
}

/* RCB Alg. 9. */
void C(dbl)(PT *r, const PT *a)
{
    FE t0, t1, t2, x3, y3, z3;
    F(sqr)(&t0, &a->y);
    F(dbl)(&z3, &t0);
    F(dbl)(&z3, &z3);
    F(dbl)(&z3, &z3);
    F(mul)(&t1, &a->y, &a->z);
    F(sqr)(&t2, &a->z);
    C(mul_b3)(&t2, &t2);
    F(mul)(&x3, &t2, &z3);
    F(add)(&y3, &t0, &t2);
    F(mul)(&z3, &t1, &z3);
    F(dbl)(&t1, &t2);
    F(add)(&t2, &t1, &t2);
    F(sub)(&t0, &t0, &t2);
    F(mul)(&y3, &t0, &y3);
    F(add)(&y3, &x3, &y3);
    F(mul)(&t1, &a->x, &a->y);
    F(mul)(&x3, &t0, &t1);
    F(dbl)(&x3, &x3);
    r->x = x3;
    r->y = y3;
    r->z = z3;
}

/* One inversion per chunk of 64 (Montgomery's trick); identities stay
 * identities.  Branches on which inputs are the identity: public points. */
void C(batch_to_affine_vartime)(AFF *r, const PT *p, size_t n)
{
    enum { CHUNK = 64 };
    FE prefix[CHUNK];
    for (size_t off = 0; off < n; off += CHUNK) {
        size_t m = n - off < CHUNK ? n - off : CHUNK;
        FE run = FE_ONE_C, inv, zi;
        for (size_t i = 0; i < m; i++) {
            prefix[i] = run;
            if (!F(is_zero)(&p[off + i].z))
                F(mul)(&run, &run, &p[off + i].z);
        }
        F(inv_vartime)(&inv, &run);
        for (size_t i = m; i-- > 0;) {
            const PT *q = &p[off + i];
            AFF *o = &r[off + i];
            if (F(is_zero)(&q->z)) {
                o->x = FE_ZERO_C;
                o->y = FE_ZERO_C;
                o->infinity = 1;
                continue;
            }
            F(mul)(&zi, &inv, &prefix[i]);
            F(mul)(&inv, &inv, &q->z);
            F(mul)(&o->x, &q->x, &zi);
            F(mul)(&o->y, &q->y, &zi);
            o->infinity = 0;
        }
    }
}

/* --- multiplication by the curve parameter ------------------------------- */

/* [|x|]P by the fixed double-and-add chain of the public constant |x|:
 * the same operations for every P, so constant time in P. */
static void C(mul_abs_x)(PT *r, const PT *p)
{
    PT acc = *p, base = *p;
    for (int i = 62; i >= 0; i--) {
        C(dbl)(&acc, &acc);
        if ((C(abs_x) >> i) & 1)
            C(add)(&acc, &acc, &base);
    }
    *r = acc;
}

/* Constant-time membership test: C(endo) acts as [m] exactly on the order-r
 * subgroup, and for BLS12-381 no point outside it satisfies E(P) = [m]P
 * (Scott 2021 for G1 with E = -phi; Bowe / El Housni et al. for psi on G2). */
uint64_t C(is_in_subgroup)(const PT *p)
{
    PT e, m = *p;
    for (int i = 0; i < ENDO_X_POWER; i++)
        C(mul_abs_x)(&m, &m);
    C(endo)(&e, p);
    return C(equal)(&e, &m);
}

/* --- variable-time membership test for public points ---------------------- */

/* Jacobian coordinates (x = X/Z^2, y = Y/Z^3, Z = 0 the identity): doubling
 * costs 2M + 5S against about 6M + 2S + a b3 product and many more additions
 * for the complete projective formula, and the test is almost all doublings.
 * Only for public points: the formulas below branch on exceptional cases. */
typedef struct {
    FE x, y, z;
} C(jac_t);

/* dbl-2009-l (a = 0).  Z3 = 2 Y Z, so the identity and points of order 2
 * give Z3 = 0, the identity, as they should. */
static void C(jac_dbl_vartime)(C(jac_t) *r, const C(jac_t) *p)
{
    FE a, b, c, d, e, f, t;
    F(sqr)(&a, &p->x);
    F(sqr)(&b, &p->y);
    F(sqr)(&c, &b);
    F(add)(&d, &p->x, &b);
    F(sqr)(&d, &d);
    F(sub)(&d, &d, &a);
    F(sub)(&d, &d, &c);
    F(dbl)(&d, &d);
    F(dbl)(&e, &a);
    F(add)(&e, &e, &a);
    F(sqr)(&f, &e);
    F(mul)(&r->z, &p->y, &p->z);
    F(dbl)(&r->z, &r->z);
    F(dbl)(&t, &d);
    F(sub)(&r->x, &f, &t);
    F(sub)(&t, &d, &r->x);
    F(mul)(&t, &e, &t);
    F(dbl)(&c, &c);
    F(dbl)(&c, &c);
    F(dbl)(&c, &c);
    F(sub)(&r->y, &t, &c);
}

/* add-1998-cmo-2 with the exceptional cases (an identity operand, P = Q,
 * P = -Q) decided by branches: points outside the subgroup can have small
 * order, so the chain below can meet them. */
static void C(jac_add_vartime)(C(jac_t) *r, const C(jac_t) *p, const C(jac_t) *q)
{
    if (F(is_zero)(&p->z)) {
        *r = *q;
        return;
    }
    if (F(is_zero)(&q->z)) {
        *r = *p;
        return;
    }
    FE z1z1, z2z2, u1, u2, s1, s2, h, rr, hh, hhh, v, t;
    F(sqr)(&z1z1, &p->z);
    F(sqr)(&z2z2, &q->z);
    F(mul)(&u1, &p->x, &z2z2);
    F(mul)(&u2, &q->x, &z1z1);
    F(mul)(&s1, &p->y, &q->z);
    F(mul)(&s1, &s1, &z2z2);
    F(mul)(&s2, &q->y, &p->z);
    F(mul)(&s2, &s2, &z1z1);
    F(sub)(&h, &u2, &u1);
    F(sub)(&rr, &s2, &s1);
    if (F(is_zero)(&h)) {
        if (F(is_zero)(&rr)) {
            C(jac_dbl_vartime)(r, p);
        } else {
            r->x = FE_ONE_C;
            r->y = FE_ONE_C;
            r->z = FE_ZERO_C;
        }
        return;
    }
    F(sqr)(&hh, &h);
    F(mul)(&hhh, &h, &hh);
    F(mul)(&v, &u1, &hh);
    F(mul)(&r->z, &p->z, &q->z);
    F(mul)(&r->z, &r->z, &h);
    F(sqr)(&r->x, &rr);
    F(sub)(&r->x, &r->x, &hhh);
    F(sub)(&r->x, &r->x, &v);
    F(sub)(&r->x, &r->x, &v);
    F(sub)(&t, &v, &r->x);
    F(mul)(&t, &t, &rr);
    F(mul)(&s1, &s1, &hhh);
    F(sub)(&r->y, &t, &s1);
}

/* The same chain as C(mul_abs_x), in Jacobian coordinates. */
static void C(jac_mul_abs_x_vartime)(C(jac_t) *r, const C(jac_t) *p)
{
    C(jac_t) acc = *p, base = *p;
    for (int i = 62; i >= 0; i--) {
        C(jac_dbl_vartime)(&acc, &acc);
        if ((C(abs_x) >> i) & 1)
            C(jac_add_vartime)(&acc, &acc, &base);
    }
    *r = acc;
}

/* Same test and same answer as C(is_in_subgroup) for every point (the
 * Jacobian arithmetic is exact, exceptional cases included); the time
 * depends on the point, so it is only for public points (decoded
 * ciphertexts). */
uint64_t C(is_in_subgroup_vartime)(const PT *p)
{
    /* Homogeneous (X, Y, Z) is Jacobian (X Z, Y Z^2, Z). */
    C(jac_t) m;
    PT e;
    FE z2, l, rt;
    F(mul)(&m.x, &p->x, &p->z);
    F(sqr)(&z2, &p->z);
    F(mul)(&m.y, &p->y, &z2);
    m.z = p->z;
    for (int i = 0; i < ENDO_X_POWER; i++)
        C(jac_mul_abs_x_vartime)(&m, &m);
    C(endo)(&e, p);
    /* e = (ex/ez, ey/ez) against m = (X/Z^2, Y/Z^3). */
    uint64_t ie = F(is_zero)(&e.z), im = F(is_zero)(&m.z);
    if (ie | im)
        return ie & im;
    F(sqr)(&z2, &m.z);
    F(mul)(&l, &m.x, &e.z);
    F(mul)(&rt, &e.x, &z2);
    if (!F(equal)(&l, &rt))
        return 0;
    F(mul)(&z2, &z2, &m.z);
    F(mul)(&l, &m.y, &e.z);
    F(mul)(&rt, &e.y, &z2);
    return F(equal)(&l, &rt);
}

/* --- constant-time scalar multiplication ---------------------------------- */

/* tab[i] := [i+1]P for i < n; doubling where it can. */
static void C(multiples)(PT *tab, const PT *p, size_t n)
{
    tab[0] = *p;
    for (size_t i = 1; i < n; i++) {
        if ((i + 1) % 2 == 0)
            C(dbl)(&tab[i], &tab[(i + 1) / 2 - 1]);
        else
            C(add)(&tab[i], &tab[i - 1], p);
    }
}

/* r := [d]Q from tab[i] = [i+1]Q, |d| <= CT_TAB, scanning the whole table. */
static void C(lookup_ct)(PT *r, const PT *tab, int32_t d)
{
    uint64_t neg, idx = sr_digit_abs(d, &neg);
    FE ny;
    C(set_identity)(r);
    sr_select_ct((uint64_t *)r, (const uint64_t *)tab, PT_WORDS, CT_TAB, idx);
    F(neg)(&ny, &r->y);
    F(cmov)(&r->y, &ny, neg);
}

/* GLV/GLS: k = sum_j s_j m^j with s_j < 2^ENDO_BITS, so
 * [k]P = sum_j [s_j] E^j(P).  This holds for P in the order-r subgroup,
 * where E acts as [m]; k is taken mod r anyway, so [k]P is only meaningful
 * there (points from outside must go through clear_cofactor first).  The ENDO_DIM tables share the doublings, and
 * each table after the first is the endomorphism of the previous one. */
void C(mul)(PT *r, const PT *p, const bls_fr_t *k)
{
    uint64_t kl[4], s[ENDO_DIM][2];
    int32_t d[ENDO_DIM][CT_ND];
    PT tab[ENDO_DIM][CT_TAB], acc, t;

    bls_fr_to_canonical(kl, k);
    sr_split_ct(s, kl, C(endo_m), ENDO_DIM);
    for (size_t j = 0; j < ENDO_DIM; j++)
        sr_recode_signed_ct(d[j], s[j], 2, CT_W, CT_ND);
    C(multiples)(tab[0], p, CT_TAB);
    for (size_t j = 1; j < ENDO_DIM; j++)
        for (size_t i = 0; i < CT_TAB; i++)
            C(endo)(&tab[j][i], &tab[j - 1][i]);

    C(lookup_ct)(&acc, tab[0], d[0][CT_ND - 1]);
    for (size_t i = CT_ND; i-- > 0;) {
        if (i != CT_ND - 1)
            for (int b = 0; b < CT_W; b++)
                C(dbl)(&acc, &acc);
        for (size_t j = (i == CT_ND - 1); j < ENDO_DIM; j++) {
            C(lookup_ct)(&t, tab[j], d[j][i]);
            C(add)(&acc, &acc, &t);
        }
    }
    *r = acc;
    /* P may be secret too (products of secret bases): wipe its multiples. */
    OPENSSL_cleanse(kl, sizeof kl);
    OPENSSL_cleanse(s, sizeof s);
    OPENSSL_cleanse(d, sizeof d);
    OPENSSL_cleanse(tab, sizeof tab);
    OPENSSL_cleanse(&acc, sizeof acc);
    OPENSSL_cleanse(&t, sizeof t);
}

/* --- variable-time scalar multiplication ---------------------------------- */

/* tab[i] := [2i+1]P, i < VT_TAB. */
static void C(odd_multiples)(PT *tab, const PT *p)
{
    PT p2;
    C(dbl)(&p2, p);
    tab[0] = *p;
    for (size_t i = 1; i < VT_TAB; i++)
        C(add)(&tab[i], &tab[i - 1], &p2);
}

static void C(add_digit_vartime)(PT *acc, const PT *tab, int d)
{
    if (d > 0) {
        C(add)(acc, acc, &tab[d >> 1]);
    } else if (d < 0) {
        PT t;
        C(neg)(&t, &tab[(-d) >> 1]);
        C(add)(acc, acc, &t);
    }
}

/* Straus (interleaved wNAF) over the endomorphism split of each of n pairs:
 * ENDO_DIM * n <= STRAUS_MAX_TERMS short scalars sharing one doubling chain.
 * Shared by g*_mul_vartime and the small-n MSM path. */
void C(straus_vartime)(PT *r, const PT *p, const bls_fr_t *k, size_t n)
{
    PT tab[STRAUS_MAX_TERMS][VT_TAB];
    int8_t naf[STRAUS_MAX_TERMS][ENDO_BITS + 2];
    size_t len[STRAUS_MAX_TERMS], top = 0, nt = n * ENDO_DIM;
    PT acc;

    C(set_identity)(r);
    if (nt > STRAUS_MAX_TERMS)
        return; /* callers guarantee the bound */
    for (size_t i = 0; i < n; i++) {
        uint64_t kl[4], s[ENDO_DIM][2];
        bls_fr_to_canonical(kl, &k[i]);
        sr_split_ct(s, kl, C(endo_m), ENDO_DIM);
        for (size_t j = 0; j < ENDO_DIM; j++) {
            size_t t = i * ENDO_DIM + j;
            len[t] = sr_wnaf_vartime(naf[t], s[j], VT_W);
            if (len[t] > top)
                top = len[t];
            if (j == 0)
                C(odd_multiples)(tab[t], &p[i]);
            else
                for (size_t e = 0; e < VT_TAB; e++)
                    C(endo)(&tab[t][e], &tab[t - 1][e]);
        }
    }
    C(set_identity)(&acc);
    int started = 0;
    for (size_t b = top; b-- > 0;) {
        if (started)
            C(dbl)(&acc, &acc);
        for (size_t t = 0; t < nt; t++) {
            if (b < len[t] && naf[t][b] != 0) {
                C(add_digit_vartime)(&acc, tab[t], naf[t][b]);
                started = 1;
            }
        }
    }
    *r = acc;
}

/* The ENDO_DIM short-scalar terms of one MSM pair: [k]P = sum_j [s_j] q_j
 * with q_j = E^j(P).  E maps (x, y, 1) to (x', y', 1) on both curves, so it
 * applies to affine points through the projective form. */
void C(endo_split)(AFF *q, uint64_t (*s)[2], const AFF *p, const bls_fr_t *k)
{
    uint64_t kl[4];
    PT t;
    bls_fr_to_canonical(kl, k);
    sr_split_ct(s, kl, C(endo_m), ENDO_DIM);
    t.x = p->x;
    t.y = p->y;
    t.z = FE_ONE_C;
    q[0] = *p;
    for (size_t j = 1; j < ENDO_DIM; j++) {
        C(endo)(&t, &t);
        q[j].x = t.x;
        q[j].y = t.y;
        q[j].infinity = p->infinity;
    }
}

void C(mul_vartime)(PT *r, const PT *p, const bls_fr_t *k)
{
    C(straus_vartime)(r, p, k, 1);
}

/* Left-to-right sliding window over an arbitrary-length public integer. */
void C(mul_limbs_vartime)(PT *r, const PT *p, const uint64_t *k, size_t limbs)
{
    PT tab[VT_TAB], acc;
    long i = (long)limbs * 64 - 1;
#define BIT(j) ((k[(j) / 64] >> ((j) % 64)) & 1)
    while (i >= 0 && !BIT(i))
        i--;
    C(set_identity)(&acc);
    if (i < 0) {
        *r = acc;
        return;
    }
    C(odd_multiples)(tab, p);
    while (i >= 0) {
        if (!BIT(i)) {
            C(dbl)(&acc, &acc);
            i--;
            continue;
        }
        /* Windows of VT_W - 1 bits ending in a 1: odd values <= 15. */
        long j = i - (VT_W - 1) + 1 > 0 ? i - (VT_W - 1) + 1 : 0;
        while (!BIT(j))
            j++;
        unsigned v = 0;
        for (long b = i; b >= j; b--) {
            C(dbl)(&acc, &acc);
            v = (v << 1) | (unsigned)BIT(b);
        }
        C(add)(&acc, &acc, &tab[v >> 1]);
        i = j - 1;
    }
#undef BIT
    *r = acc;
}

/* --- fixed base ------------------------------------------------------------ */

/* Row i holds [e * 2^(FB_W i)]B for e = 1..2^(FB_W-1), in affine form so the
 * evaluation is FB_ND mixed additions and no doublings. */
void C(fixed_base_init)(FB *t, const PT *base)
{
    enum { E = 1 << (FB_W - 1), ROWS = 4 }; /* ROWS rows share one inversion */
    PT b = *base, rows[ROWS][E];
    for (size_t i = 0; i < FB_ND; i += ROWS) {
        size_t m = FB_ND - i < ROWS ? FB_ND - i : ROWS;
        for (size_t j = 0; j < m; j++) {
            C(multiples)(rows[j], &b, E);
            C(dbl)(&b, &rows[j][E - 1]); /* 2 * 16 = 32 = 2^FB_W */
        }
        C(batch_to_affine_vartime)(&t->t[i][0], &rows[0][0], m * E); /* rows are contiguous */
    }
}

/* Signed FB_W-bit digits of k (branch-free). */
static void C(fixed_base_digits)(int32_t d[FB_ND], const bls_fr_t *k)
{
    uint64_t kl[4];
    bls_fr_to_canonical(kl, k);
    sr_recode_signed_ct(d, kl, 4, FB_W, FB_ND);
    OPENSSL_cleanse(kl, sizeof kl);
}

void C(fixed_base_mul)(PT *r, const FB *t, const bls_fr_t *k)
{
    int32_t d[FB_ND];
    PT acc;
    C(fixed_base_digits)(d, k);
    for (size_t i = 0; i < FB_ND; i++) {
        uint64_t neg, idx = sr_digit_abs(d[i], &neg);
        AFF a;
        FE ny;
        a.x = FE_ZERO_C;
        a.y = FE_ZERO_C;
        a.infinity = 1; /* digit 0 */
        sr_select_ct((uint64_t *)&a, (const uint64_t *)t->t[i], AFF_WORDS, 1 << (FB_W - 1), idx);
        F(neg)(&ny, &a.y);
        F(cmov)(&a.y, &ny, neg);
        if (i == 0)
            C(from_affine)(&acc, &a); /* adding to the identity is a copy */
        else
            C(add_affine)(&acc, &acc, &a);
    }
    *r = acc;
    OPENSSL_cleanse(d, sizeof d);
}

void C(fixed_base_mul_vartime)(PT *r, const FB *t, const bls_fr_t *k)
{
    int32_t d[FB_ND];
    PT acc;
    C(fixed_base_digits)(d, k);
    C(set_identity)(&acc);
    for (size_t i = 0; i < FB_ND; i++) {
        if (d[i] > 0) {
            C(add_affine)(&acc, &acc, &t->t[i][d[i] - 1]);
        } else if (d[i] < 0) {
            AFF a = t->t[i][-d[i] - 1];
            F(neg)(&a.y, &a.y);
            C(add_affine)(&acc, &acc, &a);
        }
    }
    *r = acc;
}
