/* Numeric comparisons on the policy side and numeric key attributes on the
 * key side (see numeric.h).  All arithmetic stays below 2^64 by construction:
 * callers pass c <= abe_num_max, and c + 1, c - 1 are formed only after the
 * always-true / always-false cases are excluded. */
#include "numeric.h"

#include "attr_string.h"
#include "policy_tree.h"

cmp_op abe_cmp_reverse(cmp_op op)
{
    switch (op) {
    case CMP_LT: return CMP_GT;
    case CMP_GT: return CMP_LT;
    case CMP_LE: return CMP_GE;
    case CMP_GE: return CMP_LE;
    default: return CMP_EQ;
    }
}

num_trivial abe_num_interval(num_type_t t, cmp_op op, uint64_t c, uint64_t *lo, uint64_t *hi)
{
    uint64_t m = abe_num_max(t);
    switch (op) {
    case CMP_EQ:
        *lo = *hi = c;
        return NUM_RANGE;
    case CMP_GT:
        if (c >= m)
            return NUM_ALWAYS_FALSE;
        *lo = c + 1, *hi = m;
        return NUM_RANGE;
    case CMP_GE:
        if (c == 0)
            return NUM_ALWAYS_TRUE;
        if (c > m)
            return NUM_ALWAYS_FALSE;
        *lo = c, *hi = m;
        return NUM_RANGE;
    case CMP_LT:
        if (c == 0)
            return NUM_ALWAYS_FALSE;
        if (c > m)
            return NUM_ALWAYS_TRUE;
        *lo = 0, *hi = c - 1;
        return NUM_RANGE;
    default: /* CMP_LE */
        if (c >= m)
            return NUM_ALWAYS_TRUE;
        *lo = 0, *hi = c;
        return NUM_RANGE;
    }
}

static unsigned bitlen(uint64_t c)
{
    return c == 0 ? 0 : 64u - (unsigned)__builtin_clzll(c);
}

static int bit_of(uint64_t c, unsigned i)
{
    return (int)((c >> i) & 1u);
}

typedef struct {
    abe_policy_t *p;
    const uint8_t *name;
    size_t name_len;
    num_type_t t;
} num_ctx;

static int item_leaf(const num_ctx *x, astr_item item, uint64_t a, unsigned b, uint16_t *out)
{
    uint8_t s[ABE_POL_MAX_ATTR];
    size_t len = abe_astr_numeric(s, x->name, x->name_len, x->t, item, a, b);
    return abe_pt_leaf(x->p, s, len, out);
}

/* The toolkit's bit_marker_list over bits 0..L-1 of c (docs/spec/fabeo.md §4.2):
 * for gt, `v mod 2^L > c`; otherwise `v mod 2^L < c`.  Leaves are the bits
 * i0..L-1, each once.  *out = POL_NONE when no bit is relevant (gt with c
 * all ones). */
static int bit_chain(const num_ctx *x, int gt, uint64_t c, unsigned L, uint16_t *out)
{
    unsigned i = 0;
    /* gt starts at the lowest 0 bit of c, lt at the lowest 1 bit. */
    while (i < L && bit_of(c, i) == gt)
        i++;
    *out = POL_NONE;
    if (i == L)
        return ABE_OK;
    uint16_t t;
    int rc = item_leaf(x, ASTR_BIT, i, (unsigned)gt, &t);
    for (i++; rc == ABE_OK && i < L; i++) {
        uint16_t b;
        rc = item_leaf(x, ASTR_BIT, i, (unsigned)gt, &b);
        if (rc != ABE_OK)
            break;
        /* gt: a 1 in c needs this bit too (AND), a 0 lets it win (OR);
         * lt is the mirror image. */
        pn_kind k = (bit_of(c, i) == gt) ? PN_AND : PN_OR;
        rc = abe_pt_join(x->p, k, t, b, &t);
    }
    if (rc == ABE_OK)
        *out = t;
    return rc;
}

/* v > c for 0 <= c < abe_num_max: v >= 2^L (one marker) or the low L bits
 * exceed c, with L = bitlen(c) (at least 1). */
static int compile_gt(const num_ctx *x, uint64_t c, uint16_t *out)
{
    unsigned L = bitlen(c) ? bitlen(c) : 1;
    uint16_t t, m;
    int rc = bit_chain(x, 1, c, L, &t);
    if (rc != ABE_OK)
        return rc;
    if (L >= x->t.width) {        /* no marker above the top bit */
        *out = t;
        return t == POL_NONE ? ABE_ERR_ARGUMENT : ABE_OK;
    }
    /* The marker goes first; the toolkit puts its leaders first too. */
    if (t == POL_NONE)
        return item_leaf(x, ASTR_GE, L, 0, out);
    if ((rc = item_leaf(x, ASTR_GE, L, 0, &m)) != ABE_OK)
        return rc;
    return abe_pt_join(x->p, PN_OR, m, t, out);
}

/* v < c for 2 <= c <= abe_num_max: v < 2^(L-1) alone when c is that power of
 * two, else v < 2^L (one marker) and the low L bits below c. */
static int compile_lt(const num_ctx *x, uint64_t c, uint16_t *out)
{
    unsigned L = bitlen(c);
    if ((c & (c - 1)) == 0)
        return item_leaf(x, ASTR_LT, L - 1, 0, out);
    uint16_t t, m;
    int rc = bit_chain(x, 0, c, L, &t);
    if (rc != ABE_OK)
        return rc;
    if (L >= x->t.width) {
        *out = t;
        return ABE_OK;
    }
    if ((rc = item_leaf(x, ASTR_LT, L, 0, &m)) != ABE_OK)
        return rc;
    return abe_pt_join(x->p, PN_AND, m, t, out);
}

int abe_num_compile(abe_policy_t *p, const uint8_t *name, size_t name_len, num_type_t t,
                    uint64_t lo, uint64_t hi, uint16_t *node)
{
    num_ctx x = {p, name, name_len, t};
    uint64_t m = abe_num_max(t);
    if (lo > hi || hi > m || (lo == 0 && hi == m))
        return ABE_ERR_ARGUMENT;
    /* A single value is one equality leaf, however it was written
     * (`x >= max`, `x <= 0`, `x = c`). */
    if (lo == hi)
        return item_leaf(&x, ASTR_EQ, lo, 0, node);
    if (hi == m)
        return compile_gt(&x, lo - 1, node);
    if (lo == 0)
        return compile_lt(&x, hi + 1, node);
    return ABE_ERR_ARGUMENT;
}

int abe_num_key_expand(const uint8_t *name, size_t name_len, num_type_t t, uint64_t v,
                       num_emit_fn emit, void *ctx)
{
    uint8_t buf[ABE_POL_MAX_ATTR];
    size_t len;
    int rc;
    if (v > abe_num_max(t))
        return ABE_ERR_RANGE;
    len = abe_astr_numeric(buf, name, name_len, t, ASTR_EQ, v, 0);
    if ((rc = emit(ctx, buf, len)) != ABE_OK)
        return rc;
    for (unsigned i = 0; i < t.width; i++) {
        len = abe_astr_numeric(buf, name, name_len, t, ASTR_BIT, i, (unsigned)bit_of(v, i));
        if ((rc = emit(ctx, buf, len)) != ABE_OK)
            return rc;
    }
    for (unsigned k = 1; k < t.width; k++) {
        int ge = (v >> k) != 0;   /* v >= 2^k, without forming 2^k */
        len = abe_astr_numeric(buf, name, name_len, t, ge ? ASTR_GE : ASTR_LT, k, 0);
        if ((rc = emit(ctx, buf, len)) != ABE_OK)
            return rc;
    }
    return ABE_OK;
}
