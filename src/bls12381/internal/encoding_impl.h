/* The per-group half of encoding.c: coordinate operations for the generic
 * decoder/encoder and the public g1_/g2_ from_bytes, to_compressed and
 * to_uncompressed.  Included by encoding.c once per group (so no include
 * guard), after it defines
 *
 *   FE, FE_OP(name)     coordinate field type and functions (bls_fp_t, fp_##name)
 *   FE_SET_B(FE *b)     sets the curve constant b
 *   G_OP(name)          the group's functions (g1_##name)
 *   G_FE_BYTES          bytes per encoded coordinate
 *   G_COMPRESSED_BYTES, G_UNCOMPRESSED_BYTES
 *
 * and G_OP(enc_fe_read), G_OP(enc_fe_write) (the coordinate byte order). */

static uint64_t G_OP(enc_is_largest)(const void *fe)
{
    return FE_OP(is_lexically_largest)(fe);
}

/* Constant time: the square root and the choice of root by the sign flag
 * never branch on x (keys hold secret points). */
static int G_OP(enc_y_from_x)(void *y_out, const void *x_in, uint64_t sign)
{
    const FE *x = x_in;
    FE *y = y_out, rhs, b, neg;
    int ok;

    FE_OP(sqr)(&rhs, x);
    FE_OP(mul)(&rhs, &rhs, x);
    FE_SET_B(&b);
    FE_OP(add)(&rhs, &rhs, &b);
    ok = FE_OP(sqrt)(y, &rhs);
    FE_OP(neg)(&neg, y);
    FE_OP(cmov)(y, &neg, FE_OP(is_lexically_largest)(y) ^ sign);
    return ok;
}

static uint64_t G_OP(enc_on_curve)(const void *a)
{
    return G_OP(affine_is_on_curve)(a);
}

static uint64_t G_OP(enc_in_subgroup)(const void *a)
{
    G_OP(t) p;

    G_OP(from_affine)(&p, a);
    return G_OP(is_in_subgroup)(&p);
}

static uint64_t G_OP(enc_in_subgroup_vartime)(const void *a)
{
    G_OP(t) p;

    G_OP(from_affine)(&p, a);
    return G_OP(is_in_subgroup_vartime)(&p);
}

static const struct curve_ops G_OP(enc_ops) = {
    G_FE_BYTES, G_OP(enc_fe_read), G_OP(enc_fe_write), G_OP(enc_is_largest), G_OP(enc_y_from_x),
    G_OP(enc_on_curve), G_OP(enc_in_subgroup),
};

/* Identical checks; only the subgroup test's timing depends on the point. */
static const struct curve_ops G_OP(enc_ops_vartime) = {
    G_FE_BYTES, G_OP(enc_fe_read), G_OP(enc_fe_write), G_OP(enc_is_largest), G_OP(enc_y_from_x),
    G_OP(enc_on_curve), G_OP(enc_in_subgroup_vartime),
};

/* The subgroup test left to the caller (from_bytes_on_curve). */
static uint64_t G_OP(enc_in_subgroup_deferred)(const void *a)
{
    (void)a;
    return 1;
}

static const struct curve_ops G_OP(enc_ops_on_curve) = {
    G_FE_BYTES, G_OP(enc_fe_read), G_OP(enc_fe_write), G_OP(enc_is_largest), G_OP(enc_y_from_x),
    G_OP(enc_on_curve), G_OP(enc_in_subgroup_deferred),
};

static int G_OP(from_bytes_with)(const struct curve_ops *ops, G_OP(affine_t) *out,
                                 const uint8_t *in, size_t len, int allow_identity)
{
    if (out == NULL)
        return BLS_ERR_ARGUMENT;
    return decode(ops, &(struct point_ref){ out, sizeof *out, &out->x, &out->y, &out->infinity },
                  in, len, allow_identity);
}

int G_OP(from_bytes)(G_OP(affine_t) *out, const uint8_t *in, size_t len, int allow_identity)
{
    return G_OP(from_bytes_with)(&G_OP(enc_ops), out, in, len, allow_identity);
}

int G_OP(from_bytes_vartime)(G_OP(affine_t) *out, const uint8_t *in, size_t len,
                             int allow_identity)
{
    return G_OP(from_bytes_with)(&G_OP(enc_ops_vartime), out, in, len, allow_identity);
}

int G_OP(from_bytes_on_curve)(G_OP(affine_t) *out, const uint8_t *in, size_t len,
                              int allow_identity)
{
    return G_OP(from_bytes_with)(&G_OP(enc_ops_on_curve), out, in, len, allow_identity);
}

void G_OP(to_compressed)(uint8_t out[G_COMPRESSED_BYTES], const G_OP(affine_t) *p)
{
    encode_point(&G_OP(enc_ops), out, &p->x, &p->y, p->infinity, 1);
}

void G_OP(to_uncompressed)(uint8_t out[G_UNCOMPRESSED_BYTES], const G_OP(affine_t) *p)
{
    encode_point(&G_OP(enc_ops), out, &p->x, &p->y, p->infinity, 0);
}
