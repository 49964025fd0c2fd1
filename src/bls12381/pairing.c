/* Optimal ate Miller loop of BLS12-381, single, multi and with prepared G2.
 *
 * The loop runs over the bits of |x| = 0xd201000000010000 with T = [k]Q kept
 * in homogeneous projective coordinates on the twist E': y^2 = x^3 + 4(1+u)
 * (doubling and mixed addition after Costello-Lange-Naehrig, without
 * inversions).  E is mapped into E'(Fp12) by (x, y) -> (x w^2, y w^3), so a
 * line c2*Y + c1*X + c0 through points of E' evaluated at P is
 *     c0 + (c1 xP) w^2 + (c2 yP) w^3 = c0 + (c1 xP) v + (c2 yP) v w,
 * the sparse "014" shape consumed by bls_fp12_mul_by_014.  Lines are scaled by
 * Fp2 factors wherever that saves work: the final exponentiation kills every
 * element of a proper subfield.  The accumulator is conjugated at the end
 * because x < 0 (f_{-a} = 1/f_a up to such factors, and 1/f = conj(f) after
 * the easy part).
 *
 * Everything is constant time in the points: the loop's shape depends only
 * on the public x and the public pair count; identity inputs are handled by
 * substituting the generator and replacing each of that pair's lines by 1
 * with conditional moves. */
#include "internal/pairing.h"
#include "internal/pairing_internal.h"

/* Pairs processed together; larger products are split into chunks so that
 * no heap and no VLA is needed (each chunk costs 63 extra squarings). */
#define MILLER_CHUNK 16

/* Line coefficients (c0, c1, c2) of c2*Y + c1*X + c0 on the twist. */
typedef bls_fp2_t line_t[3];

/* 0 or 1 from any word: 1 iff w != 0, without branching. */
static uint64_t nonzero_mask(uint64_t w)
{
    return (w | (0 - w)) >> 63;
}

/* T := 2T; c := tangent line at T (scaled by -2YZ).  With b' = 4(1+u):
 *   X3 = 2XY (Y^2 - 9b'Z^2), Y3 = (Y^2 + 9b'Z^2)^2 - 108 b'^2 Z^4,
 *   Z3 = 8 Y^3 Z   (the usual formulas times 4, which avoids halvings);
 *   line: (3b'Z^2 - Y^2) + 3X^2 * X - 2YZ * Y. */
static void dbl_step(line_t c, bls_g2_t *t)
{
    bls_fp2_t xy, b, cc, e, f, h, e2, tmp;

    bls_fp2_mul(&xy, &t->x, &t->y);
    bls_fp2_dbl(&xy, &xy);                    /* 2XY */
    bls_fp2_sqr(&b, &t->y);                   /* Y^2 */
    bls_fp2_sqr(&cc, &t->z);                  /* Z^2 */
    bls_fp2_mul_by_nonresidue(&e, &cc);       /* (1+u) Z^2 */
    bls_fp2_dbl(&e, &e);
    bls_fp2_dbl(&e, &e);                      /* 4(1+u) Z^2 */
    bls_fp2_dbl(&tmp, &e);
    bls_fp2_add(&e, &e, &tmp);                /* E = 3b'Z^2 = 12(1+u) Z^2 */
    bls_fp2_dbl(&f, &e);
    bls_fp2_add(&f, &f, &e);                  /* F = 3E */
    bls_fp2_add(&h, &t->y, &t->z);
    bls_fp2_sqr(&h, &h);
    bls_fp2_sub(&h, &h, &b);
    bls_fp2_sub(&h, &h, &cc);                 /* H = 2YZ */

    /* line, before T is overwritten */
    bls_fp2_sub(&c[0], &e, &b);
    bls_fp2_sqr(&tmp, &t->x);
    bls_fp2_dbl(&c[1], &tmp);
    bls_fp2_add(&c[1], &c[1], &tmp);          /* 3X^2 */
    bls_fp2_neg(&c[2], &h);

    bls_fp2_sub(&tmp, &b, &f);
    bls_fp2_mul(&t->x, &xy, &tmp);            /* X3 = 2XY (B - F) */
    bls_fp2_add(&tmp, &b, &f);
    bls_fp2_sqr(&tmp, &tmp);                  /* (B + F)^2 */
    bls_fp2_sqr(&e2, &e);
    bls_fp2_dbl(&e2, &e2);
    bls_fp2_dbl(&e2, &e2);                    /* 4E^2 */
    bls_fp2_sub(&tmp, &tmp, &e2);
    bls_fp2_sub(&tmp, &tmp, &e2);
    bls_fp2_sub(&t->y, &tmp, &e2);            /* Y3 = (B + F)^2 - 12E^2 */
    bls_fp2_mul(&t->z, &b, &h);
    bls_fp2_dbl(&t->z, &t->z);
    bls_fp2_dbl(&t->z, &t->z);                /* Z3 = 4 B H */
}

/* T := T + Q (Q affine, T != +-Q, both non-zero); c := line through them
 * scaled by (X - xQ Z):
 *   theta = Y - yQ Z, lambda = X - xQ Z,
 *   line: (theta xQ - lambda yQ) - theta * X + lambda * Y. */
static void add_step(line_t c, bls_g2_t *t, const bls_g2_affine_t *q)
{
    bls_fp2_t theta, lambda, cc, d, e, f, g, h, tmp;

    bls_fp2_mul(&tmp, &q->y, &t->z);
    bls_fp2_sub(&theta, &t->y, &tmp);
    bls_fp2_mul(&tmp, &q->x, &t->z);
    bls_fp2_sub(&lambda, &t->x, &tmp);

    bls_fp2_mul(&c[0], &theta, &q->x);
    bls_fp2_mul(&tmp, &lambda, &q->y);
    bls_fp2_sub(&c[0], &c[0], &tmp);
    bls_fp2_neg(&c[1], &theta);
    c[2] = lambda;

    bls_fp2_sqr(&cc, &theta);
    bls_fp2_sqr(&d, &lambda);
    bls_fp2_mul(&e, &lambda, &d);             /* lambda^3 */
    bls_fp2_mul(&f, &t->z, &cc);
    bls_fp2_mul(&g, &t->x, &d);
    bls_fp2_add(&h, &e, &f);
    bls_fp2_sub(&h, &h, &g);
    bls_fp2_sub(&h, &h, &g);                  /* H = E + F - 2G */
    bls_fp2_mul(&t->x, &lambda, &h);
    bls_fp2_sub(&tmp, &g, &h);
    bls_fp2_mul(&tmp, &theta, &tmp);
    bls_fp2_mul(&t->y, &t->y, &e);
    bls_fp2_sub(&t->y, &tmp, &t->y);          /* theta (G - H) - Y E */
    bls_fp2_mul(&t->z, &t->z, &e);
}

/* f := f * line(P); identity pairs (is_id = 1) multiply by 1 instead. */
static void mul_line(bls_fp12_t *f, const line_t c, const bls_fp_t *xp, const bls_fp_t *yp, uint64_t is_id)
{
    bls_fp2_t o0 = c[0], o1, o4;
    bls_fp12_t t;

    bls_fp2_mul_fp(&o1, &c[1], xp);
    bls_fp2_mul_fp(&o4, &c[2], yp);
    bls_fp2_cmov(&o0, &BLS_FP2_ONE, is_id);
    bls_fp2_cmov(&o1, &BLS_FP2_ZERO, is_id);
    bls_fp2_cmov(&o4, &BLS_FP2_ZERO, is_id);
    bls_fp12_mul_by_014(&t, f, &o0, &o1, &o4);
    *f = t;
}

/* The pairs of one chunk.  Pair i's lines come either from prep[i] (a
 * prepared Q) or, when prep[i] is NULL, from stepping t[i] along q[i]. */
typedef struct {
    bls_g2_t t[MILLER_CHUNK];
    bls_g2_affine_t q[MILLER_CHUNK];
    const bls_g2_prepared_t *prep[MILLER_CHUNK];
    bls_g1_affine_t p[MILLER_CHUNK];
    uint64_t is_id[MILLER_CHUNK];
    size_t n;
} chunk_t;

static void next_line(line_t c, chunk_t *s, size_t i, size_t line, int is_add)
{
    if (s->prep[i] != NULL) {
        const bls_fp2_t *l = s->prep[i]->c[line];
        c[0] = l[0];
        c[1] = l[1];
        c[2] = l[2];
    } else if (is_add) {
        add_step(c, &s->t[i], &s->q[i]);
    } else {
        dbl_step(c, &s->t[i]);
    }
}

/* The Miller loop proper over one chunk; f is the un-conjugated product. */
static void miller_core(bls_fp12_t *f, chunk_t *s)
{
    line_t c;
    size_t i, line = 0;
    int bit;

    *f = BLS_FP12_ONE;
    for (bit = 62; bit >= 0; bit--) {
        if (bit != 62) {
            bls_fp12_t t;
            bls_fp12_sqr(&t, f);
            *f = t;
        }
        for (i = 0; i < s->n; i++) {
            next_line(c, s, i, line, 0);
            mul_line(f, c, &s->p[i].x, &s->p[i].y, s->is_id[i]);
        }
        line++;
        if ((BLS_X_ABS >> bit) & 1) {
            for (i = 0; i < s->n; i++) {
                next_line(c, s, i, line, 1);
                mul_line(f, c, &s->p[i].x, &s->p[i].y, s->is_id[i]);
            }
            line++;
        }
    }
}

/* Q, or the generator when Q is the identity (its lines are then discarded). */
static void substitute_identity(bls_g2_affine_t *r, const bls_g2_affine_t *q, uint64_t is_id)
{
    *r = *q;
    bls_fp2_cmov(&r->x, &BLS_G2_GENERATOR_AFFINE.x, is_id);
    bls_fp2_cmov(&r->y, &BLS_G2_GENERATOR_AFFINE.y, is_id);
    r->infinity = 0;
}

void bls_miller_loop_mixed(bls_fp12_t *r, const bls_g1_affine_t *p, const bls_g2_affine_t *q, size_t n,
                           const bls_g1_affine_t *pp, const bls_g2_prepared_t *qp, size_t m)
{
    chunk_t s;
    bls_fp12_t acc = BLS_FP12_ONE, f;
    size_t k, first = 1;

    /* Pairs 0..n-1 are (p, q), pairs n..n+m-1 are (pp, qp). */
    s.n = 0;
    for (k = 0; k < n + m; k++) {
        size_t i = s.n++;

        if (k < n) {
            s.p[i] = p[k];
            s.prep[i] = NULL;
            s.is_id[i] = nonzero_mask(p[k].infinity) | nonzero_mask(q[k].infinity);
            substitute_identity(&s.q[i], &q[k], s.is_id[i]);
            bls_g2_from_affine(&s.t[i], &s.q[i]);
        } else {
            s.p[i] = pp[k - n];
            s.prep[i] = &qp[k - n];
            s.is_id[i] = nonzero_mask(pp[k - n].infinity) | qp[k - n].infinity;
        }
        if (s.n == MILLER_CHUNK || k + 1 == n + m) {
            miller_core(&f, &s);
            if (first)
                acc = f;
            else
                bls_fp12_mul_safe(&acc, &acc, &f);
            first = 0;
            s.n = 0;
        }
    }
    bls_fp12_conj(r, &acc);
}

void bls_miller_loop_multi(bls_fp12_t *r, const bls_g1_affine_t *p, const bls_g2_affine_t *q, size_t n)
{
    bls_miller_loop_mixed(r, p, q, n, NULL, NULL, 0);
}

void bls_miller_loop(bls_fp12_t *r, const bls_g1_affine_t *p, const bls_g2_affine_t *q)
{
    bls_miller_loop_mixed(r, p, q, 1, NULL, NULL, 0);
}

void bls_miller_loop_prepared(bls_fp12_t *r, const bls_g1_affine_t *p, const bls_g2_prepared_t *q, size_t n)
{
    bls_miller_loop_mixed(r, NULL, NULL, 0, p, q, n);
}

void bls_g2_prepare(bls_g2_prepared_t *r, const bls_g2_affine_t *q)
{
    bls_g2_affine_t qq;
    bls_g2_t t;
    size_t k = 0;
    int bit;

    r->infinity = nonzero_mask(q->infinity);
    substitute_identity(&qq, q, r->infinity);
    bls_g2_from_affine(&t, &qq);
    for (bit = 62; bit >= 0; bit--) {
        dbl_step(r->c[k++], &t);
        if ((BLS_X_ABS >> bit) & 1)
            add_step(r->c[k++], &t, &qq);
    }
}

void bls_pairing(bls_gt_t *r, const bls_g1_affine_t *p, const bls_g2_affine_t *q)
{
    bls_pairing_multi(r, p, q, 1);
}

void bls_pairing_multi(bls_gt_t *r, const bls_g1_affine_t *p, const bls_g2_affine_t *q, size_t n)
{
    bls_fp12_t f;

    bls_miller_loop_multi(&f, p, q, n);
    bls_final_exp(r, &f);
}
