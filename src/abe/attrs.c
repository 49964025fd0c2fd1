/* Key attribute sets (see attrs.h). */
#include "attrs.h"

#include <string.h>

#include "attr_string.h"
#include "numeric.h"
#include "policy_lex.h"

void abe_attr_set_init(abe_attr_set_t *s)
{
    s->n = 0;
    s->pool_used = 0;
}

static int cmp_bytes(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    int c = memcmp(a, b, al < bl ? al : bl);
    if (c != 0)
        return c;
    return al < bl ? -1 : al > bl;
}

/* First index whose string is >= (str, len). */
static size_t lower_bound(const abe_attr_set_t *s, const uint8_t *str, size_t len)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_bytes(s->pool + s->off[mid], s->len[mid], str, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int abe_attr_set_contains(const abe_attr_set_t *s, const uint8_t *str, size_t len)
{
    size_t i = lower_bound(s, str, len);
    return i < s->n && cmp_bytes(s->pool + s->off[i], s->len[i], str, len) == 0;
}

int abe_attr_set_insert(abe_attr_set_t *s, const uint8_t *str, size_t len)
{
    if (s == NULL || !abe_astr_valid(str, len))
        return ABE_ERR_ARGUMENT;
    size_t i = lower_bound(s, str, len);
    if (i < s->n && cmp_bytes(s->pool + s->off[i], s->len[i], str, len) == 0)
        return ABE_OK;
    if (s->n >= ABE_ATTRS_MAX || sizeof s->pool - s->pool_used < len)
        return ABE_ERR_LIMIT;
    memcpy(s->pool + s->pool_used, str, len);
    memmove(&s->off[i + 1], &s->off[i], (s->n - i) * sizeof s->off[0]);
    memmove(&s->len[i + 1], &s->len[i], (s->n - i) * sizeof s->len[0]);
    s->off[i] = (uint32_t)s->pool_used;
    s->len[i] = (uint16_t)len;
    s->pool_used += len;
    s->n++;
    return ABE_OK;
}

size_t abe_attr_set_count(const abe_attr_set_t *s)
{
    return s->n;
}

const uint8_t *abe_attr_set_get(const abe_attr_set_t *s, size_t i, size_t *len)
{
    if (i >= s->n) {
        *len = 0;
        return NULL;
    }
    *len = s->len[i];
    return s->pool + s->off[i];
}

/* 1 if some numeric string of name is in the set (they share a prefix,
 * so they are adjacent in sorted order). */
static int has_numeric(const abe_attr_set_t *s, const uint8_t *name, size_t name_len)
{
    uint8_t pre[ABE_POL_MAX_ATTR];
    size_t pl = abe_astr_numeric_prefix(pre, name, name_len);
    size_t i = lower_bound(s, pre, pl);
    return i < s->n && s->len[i] >= pl && memcmp(s->pool + s->off[i], pre, pl) == 0;
}

static int insert_emit(void *ctx, const uint8_t *str, size_t len)
{
    return abe_attr_set_insert(ctx, str, len);
}

static int add_numeric(abe_attr_set_t *s, const token_t *nt, const struct num_literal *lit,
                       abe_error_t *err)
{
    num_type_t t = abe_num_type_make(lit->kind, lit->width);
    uint8_t eq[ABE_POL_MAX_ATTR];
    size_t eql = abe_astr_numeric(eq, nt->name, nt->name_len, t, ASTR_EQ, lit->value, 0);
    if (abe_attr_set_contains(s, eq, eql))
        return ABE_OK;   /* the same value again */
    if (has_numeric(s, nt->name, nt->name_len))
        return abe_fail(err, ABE_ERR_CONFLICT, nt->pos,
                        "'%.*s' already has a value: a key holds one value per numeric attribute",
                        (int)nt->name_len, (const char *)nt->name);
    if (abe_attr_set_contains(s, nt->name, nt->name_len))
        return abe_fail(err, ABE_ERR_CONFLICT, nt->pos,
                        "'%.*s' is already a plain attribute of this key",
                        (int)nt->name_len, (const char *)nt->name);
    /* 2w strings, each at most ABE_POL_MAX_ATTR bytes: check room first so
     * that a failure leaves the set unchanged. */
    size_t need = 2u * t.width;
    if (s->n + need > ABE_ATTRS_MAX || sizeof s->pool - s->pool_used < need * ABE_POL_MAX_ATTR)
        return abe_fail(err, ABE_ERR_LIMIT, nt->pos,
                        "key attribute set full (%d strings)", ABE_ATTRS_MAX);
    int rc = abe_num_key_expand(nt->name, nt->name_len, t, lit->value, insert_emit, s);
    if (rc != ABE_OK)
        return abe_fail(err, rc, nt->pos, "cannot expand numeric attribute");
    return ABE_OK;
}

/* One attribute: text[start, end).  Offsets in errors refer to text. */
static int add_one(abe_attr_set_t *s, const char *text, size_t start, size_t end, abe_error_t *err)
{
    tokstream_t ts;
    int rc = abe_ts_init_at(&ts, text, start, end, err);
    if (rc != ABE_OK)
        return rc;
    if (ts.tok.kind != TK_NAME)
        return abe_fail(err, ABE_ERR_SYNTAX, ts.tok.pos,
                        ts.tok.kind == TK_EOF ? "empty attribute"
                                              : "a key attribute starts with a name");
    token_t nt = ts.tok;
    if ((rc = abe_ts_advance(&ts)) != ABE_OK)
        return rc;
    if (ts.tok.kind == TK_EOF) {
        if (has_numeric(s, nt.name, nt.name_len))
            return abe_fail(err, ABE_ERR_CONFLICT, nt.pos,
                            "'%.*s' is already a numeric attribute of this key",
                            (int)nt.name_len, (const char *)nt.name);
        rc = abe_attr_set_insert(s, nt.name, nt.name_len);
        if (rc != ABE_OK)
            return abe_fail(err, rc, nt.pos, "key attribute set full");
        return ABE_OK;
    }
    if (ts.tok.kind != TK_EQ)
        return abe_fail(err, ABE_ERR_SYNTAX, ts.tok.pos,
                        "key attributes are 'name' or 'name = value'; found %s",
                        abe_tok_describe(ts.tok.kind));
    struct num_literal lit;
    if ((rc = abe_ts_advance(&ts)) != ABE_OK || (rc = abe_ts_number(&ts, &lit)) != ABE_OK)
        return rc;
    if (ts.tok.kind != TK_EOF)
        return abe_fail(err, ABE_ERR_SYNTAX, ts.tok.pos, "unexpected %s after the value",
                        abe_tok_describe(ts.tok.kind));
    return add_numeric(s, &nt, &lit, err);
}

int abe_attr_set_add(abe_attr_set_t *s, const char *text, size_t len, abe_error_t *err)
{
    abe_error_clear(err);
    if (s == NULL || (text == NULL && len > 0))
        return abe_fail(err, ABE_ERR_ARGUMENT, ABE_NO_POS, "NULL argument");
    if (len > ABE_POL_MAX_TEXT)
        return abe_fail(err, ABE_ERR_LIMIT, ABE_POL_MAX_TEXT, "attribute longer than %d bytes",
                        ABE_POL_MAX_TEXT);
    return add_one(s, text, 0, len, err);
}

int abe_attr_set_add_list(abe_attr_set_t *s, const char *text, size_t len, char sep,
                          abe_error_t *err)
{
    abe_error_clear(err);
    if (s == NULL || (text == NULL && len > 0))
        return abe_fail(err, ABE_ERR_ARGUMENT, ABE_NO_POS, "NULL argument");
    if (len == 0)
        return ABE_OK;   /* a key with no attributes; "A||B" is still an error */
    size_t start = 0;
    int quoted = 0;
    for (size_t i = 0; i <= len; i++) {
        /* A separator inside a quoted name is part of the name. */
        if (i < len && quoted) {
            if (text[i] == '\\' && i + 1 < len)
                i++;
            else if (text[i] == '"')
                quoted = 0;
            continue;
        }
        if (i < len && text[i] == '"')
            quoted = 1;
        if (i < len && text[i] != sep)
            continue;
        if (i - start > ABE_POL_MAX_TEXT)
            return abe_fail(err, ABE_ERR_LIMIT, start, "attribute longer than %d bytes",
                            ABE_POL_MAX_TEXT);
        int rc = add_one(s, text, start, i, err);
        if (rc != ABE_OK)
            return rc;
        start = i + 1;
    }
    return ABE_OK;
}
