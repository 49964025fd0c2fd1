/* ZCash point encodings for G1 and G2 (see bls12381.h).  The flag and length
 * logic is written once over a small table of per-group coordinate
 * operations.  Those operations and the public functions come from
 * encoding_impl.h, instantiated below for each group; only the byte order of
 * a coordinate is written per group here. */
#include "internal/encoding.h"

#include <string.h>

#define FLAG_COMPRESSED 0x80
#define FLAG_INFINITY 0x40
#define FLAG_SIGN 0x20
#define FLAG_MASK 0xe0

/* Per-group operations on coordinates (bls_fp_t or bls_fp2_t) and affine points. */
struct curve_ops {
    size_t fe_bytes;                                      /* bytes per coordinate */
    int (*fe_read)(void *fe, const uint8_t *in);          /* BLS_ERR_NONCANONICAL if >= p */
    void (*fe_write)(uint8_t *out, const void *fe);
    uint64_t (*fe_is_largest)(const void *fe);
    /* y with y^2 = x^3 + b and is_largest(y) == sign; 0 if there is none. */
    int (*y_from_x)(void *y, const void *x, uint64_t sign);
    uint64_t (*on_curve)(const void *affine);
    uint64_t (*in_subgroup)(const void *affine);
};

/* Where the generic code finds the parts of one bls_g1_affine_t / bls_g2_affine_t. */
struct point_ref {
    void *affine;
    size_t size;
    void *x, *y;
    uint64_t *infinity;
};

/* Length and flag rules common to both groups.  The sign flag is only
 * branched on when it is already invalid, never for a well-formed point. */
static int parse_flags(const uint8_t *in, size_t len, size_t fe_bytes,
                       int *compressed, int *infinity, uint64_t *sign)
{
    uint8_t flags;

    if (len == fe_bytes)
        *compressed = 1;
    else if (len == 2 * fe_bytes)
        *compressed = 0;
    else
        return BLS_ERR_LENGTH;
    flags = in[0] & FLAG_MASK;
    if (((flags & FLAG_COMPRESSED) != 0) != *compressed)
        return BLS_ERR_FLAGS;
    *infinity = (flags & FLAG_INFINITY) != 0;
    *sign = (flags & FLAG_SIGN) != 0;
    if (!*compressed || *infinity) {
        if (*sign)
            return BLS_ERR_FLAGS;
    }
    if (*infinity) {
        uint8_t acc = in[0] & (uint8_t)~FLAG_MASK;
        for (size_t i = 1; i < len; i++)
            acc |= in[i];
        if (acc != 0)
            return BLS_ERR_FLAGS;
    }
    return BLS_OK;
}

/* Fills *p (zeroed by the caller) from in, or returns the first error. */
static int decode_point(const struct curve_ops *ops, const struct point_ref *p,
                        const uint8_t *in, size_t len, int allow_identity)
{
    uint8_t x_bytes[2 * BLS_FP_BYTES];
    int compressed, infinity, err;
    uint64_t sign;

    err = parse_flags(in, len, ops->fe_bytes, &compressed, &infinity, &sign);
    if (err != BLS_OK)
        return err;
    if (infinity) {
        if (!allow_identity)
            return BLS_ERR_IDENTITY;
        *p->infinity = 1;
        return BLS_OK;
    }
    memcpy(x_bytes, in, ops->fe_bytes);
    x_bytes[0] &= (uint8_t)~FLAG_MASK;
    if (ops->fe_read(p->x, x_bytes) != BLS_OK)
        return BLS_ERR_NONCANONICAL;
    if (compressed) {
        if (!ops->y_from_x(p->y, p->x, sign))
            return BLS_ERR_NOT_SQUARE;
    } else {
        if (ops->fe_read(p->y, in + ops->fe_bytes) != BLS_OK)
            return BLS_ERR_NONCANONICAL;
        if (!ops->on_curve(p->affine))
            return BLS_ERR_NOT_ON_CURVE;
    }
    if (!ops->in_subgroup(p->affine))
        return BLS_ERR_NOT_IN_SUBGROUP;
    return BLS_OK;
}

/* decode_point with the output reset: the identity on any error. */
static int decode(const struct curve_ops *ops, const struct point_ref *p,
                  const uint8_t *in, size_t len, int allow_identity)
{
    int err = BLS_ERR_ARGUMENT;

    memset(p->affine, 0, p->size);
    if (in != NULL)
        err = decode_point(ops, p, in, len, allow_identity);
    if (err != BLS_OK) {
        memset(p->affine, 0, p->size);
        *p->infinity = 1;
    }
    return err;
}

/* Constant time in the point, including whether it is the identity. */
static void encode_point(const struct curve_ops *ops, uint8_t *out, const void *x,
                         const void *y, uint64_t infinity, int compressed)
{
    size_t len = compressed ? ops->fe_bytes : 2 * ops->fe_bytes;
    uint8_t inf_mask = (uint8_t)(0 - (infinity & 1));
    uint8_t sign = compressed ? (uint8_t)(ops->fe_is_largest(y) * FLAG_SIGN) : 0;

    ops->fe_write(out, x);
    if (!compressed)
        ops->fe_write(out + ops->fe_bytes, y);
    for (size_t i = 0; i < len; i++)
        out[i] &= (uint8_t)~inf_mask;
    out[0] |= (uint8_t)((compressed ? FLAG_COMPRESSED : 0) | (FLAG_INFINITY & inf_mask) |
                        (sign & ~inf_mask));
}

/* --- G1: coordinates in Fp, b = 4 ---------------------------------------- */

static int bls_g1_enc_fe_read(void *fe, const uint8_t *in)
{
    return bls_fp_from_bytes(fe, in);
}

static void bls_g1_enc_fe_write(uint8_t *out, const void *fe)
{
    bls_fp_to_bytes(out, fe);
}

#define FE bls_fp_t
#define FE_OP(name) bls_fp_##name
#define FE_SET_B(b) bls_fp_from_u64((b), 4)
#define G_OP(name) bls_g1_##name
#define G_FE_BYTES BLS_FP_BYTES
#define G_COMPRESSED_BYTES BLS_G1_COMPRESSED_BYTES
#define G_UNCOMPRESSED_BYTES BLS_G1_UNCOMPRESSED_BYTES
#include "internal/encoding_impl.h"
#undef FE
#undef FE_OP
#undef FE_SET_B
#undef G_OP
#undef G_FE_BYTES
#undef G_COMPRESSED_BYTES
#undef G_UNCOMPRESSED_BYTES

/* --- G2: coordinates in Fp2 written c1 || c0, b = 4(1 + u) ---------------- */

static int bls_g2_enc_fe_read(void *fe, const uint8_t *in)
{
    bls_fp2_t *a = fe;
    int e1 = bls_fp_from_bytes(&a->c1, in);
    int e0 = bls_fp_from_bytes(&a->c0, in + BLS_FP_BYTES);

    return e1 != BLS_OK ? e1 : e0;
}

static void bls_g2_enc_fe_write(uint8_t *out, const void *fe)
{
    const bls_fp2_t *a = fe;

    bls_fp_to_bytes(out, &a->c1);
    bls_fp_to_bytes(out + BLS_FP_BYTES, &a->c0);
}

#define FE bls_fp2_t
#define FE_OP(name) bls_fp2_##name
#define FE_SET_B(b) (bls_fp_from_u64(&(b)->c0, 4), (b)->c1 = (b)->c0)
#define G_OP(name) bls_g2_##name
#define G_FE_BYTES (2 * BLS_FP_BYTES)
#define G_COMPRESSED_BYTES BLS_G2_COMPRESSED_BYTES
#define G_UNCOMPRESSED_BYTES BLS_G2_UNCOMPRESSED_BYTES
#include "internal/encoding_impl.h"
