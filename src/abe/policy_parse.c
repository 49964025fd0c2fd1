/* Recursive-descent parser for the policy language (docs/policy.md):
 *
 *   policy := or EOF
 *   or     := and { ('or' | '|') and }
 *   and    := factor { ('and' | '&') factor }
 *   factor := '(' or ')' | INT 'of' '(' or { ',' or } ')'
 *           | NAME [ OP number ] | number OP NAME
 *   number := INT [ '#' INT ] | DATE
 *
 * Recursion is bounded: every '(' counts against ABE_POL_MAX_DEPTH before the
 * parser descends.  Comparisons are expanded into bit attributes as they
 * are parsed (numeric.c), so the result is the final policy tree. */
#include <string.h>

#include "numeric.h"
#include "policy.h"
#include "policy_lex.h"
#include "policy_tree.h"

typedef struct {
    tokstream_t ts;
    abe_policy_t *p;
    const char *text;
    unsigned depth;
} parser_t;

static int parse_or(parser_t *ps, uint16_t *out);

static int limit_error(parser_t *ps, size_t pos)
{
    return abe_fail(ps->ts.err, ABE_ERR_LIMIT, pos,
                    "policy has more than %d leaves after expanding numeric comparisons",
                    ABE_POL_MAX_LEAVES);
}

static int starts_operand(tok_kind k)
{
    return k == TK_NAME || k == TK_INT || k == TK_DATE || k == TK_LPAREN;
}

/* The current token cannot continue the expression: say why. */
static int unexpected(parser_t *ps, size_t open_pos)
{
    const token_t *t = &ps->ts.tok;
    if (starts_operand(t->kind))
        return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, t->pos,
                        "missing operator before %s (write 'and' or 'or')",
                        abe_tok_describe(t->kind));
    if (t->kind == TK_EOF && open_pos != ABE_NO_POS)
        return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, t->pos,
                        "unbalanced parentheses: '(' at column %zu is never closed",
                        open_pos + 1);
    if (t->kind == TK_RPAREN && open_pos == ABE_NO_POS)
        return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, t->pos,
                        "unbalanced parentheses: ')' without a matching '('");
    return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, t->pos, "unexpected %s",
                    abe_tok_describe(t->kind));
}

static int enter(parser_t *ps, size_t pos)
{
    if (ps->depth >= ABE_POL_MAX_DEPTH)
        return abe_fail(ps->ts.err, ABE_ERR_LIMIT, pos,
                        "nesting deeper than %d levels", ABE_POL_MAX_DEPTH);
    ps->depth++;
    return ABE_OK;
}

static int cmp_from_token(tok_kind k, cmp_op *op)
{
    switch (k) {
    case TK_EQ: *op = CMP_EQ; return 1;
    case TK_LT: *op = CMP_LT; return 1;
    case TK_GT: *op = CMP_GT; return 1;
    case TK_LE: *op = CMP_LE; return 1;
    case TK_GE: *op = CMP_GE; return 1;
    default: return 0;
    }
}

/* name op lit, where the source text of the atom is [start, end). */
static int comparison(parser_t *ps, const uint8_t *name, size_t name_len, cmp_op op,
                      const struct num_literal *lit, size_t start, size_t end,
                      uint16_t *out)
{
    num_type_t t = abe_num_type_make(lit->kind, lit->width);
    uint64_t lo, hi;
    num_trivial tr = abe_num_interval(t, op, lit->value, &lo, &hi);
    if (tr != NUM_RANGE)
        return abe_fail(ps->ts.err, ABE_ERR_TRIVIAL, start, "'%.*s' is always %s",
                        (int)(end - start), ps->text + start,
                        tr == NUM_ALWAYS_TRUE ? "true" : "false");
    int rc = abe_num_compile(ps->p, name, name_len, t, lo, hi, out);
    if (rc == ABE_ERR_LIMIT)
        return limit_error(ps, start);
    return rc;
}

/* NAME [OP number] */
static int named_atom(parser_t *ps, uint16_t *out)
{
    token_t nt = ps->ts.tok;
    int rc;
    cmp_op op;
    if ((rc = abe_ts_advance(&ps->ts)) != ABE_OK)
        return rc;
    if (!cmp_from_token(ps->ts.tok.kind, &op)) {
        rc = abe_pt_leaf(ps->p, nt.name, nt.name_len, out);
        return rc == ABE_ERR_LIMIT ? limit_error(ps, nt.pos) : rc;
    }
    if ((rc = abe_ts_advance(&ps->ts)) != ABE_OK)
        return rc;
    if (ps->ts.tok.kind == TK_NAME)
        return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, ps->ts.tok.pos,
                        "a comparison needs a number or a date on one side, not two attributes");
    struct num_literal lit;
    if ((rc = abe_ts_number(&ps->ts, &lit)) != ABE_OK)
        return rc;
    return comparison(ps, nt.name, nt.name_len, op, &lit, nt.pos, lit.end, out);
}

/* number OP NAME, the toolkit's reversed form: `3 < grade` is `grade > 3`. */
static int reversed_atom(parser_t *ps, uint16_t *out)
{
    struct num_literal lit;
    cmp_op op;
    int rc;
    if ((rc = abe_ts_number(&ps->ts, &lit)) != ABE_OK)
        return rc;
    if (!cmp_from_token(ps->ts.tok.kind, &op))
        return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, lit.pos,
                        "a number is not a condition: compare it with an attribute "
                        "(e.g. 'x >= 5') or use it as 'k of (...)'");
    if ((rc = abe_ts_advance(&ps->ts)) != ABE_OK)
        return rc;
    if (ps->ts.tok.kind != TK_NAME)
        return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, ps->ts.tok.pos,
                        "expected an attribute name after the comparison, found %s",
                        abe_tok_describe(ps->ts.tok.kind));
    token_t nt = ps->ts.tok;
    if ((rc = abe_ts_advance(&ps->ts)) != ABE_OK)
        return rc;
    return comparison(ps, nt.name, nt.name_len, abe_cmp_reverse(op), &lit, lit.pos, nt.end, out);
}

/* Folds kids into one AND or OR gate (thresholds with k = n or k = 1). */
static int fold(parser_t *ps, pn_kind kind, const uint16_t *kids, size_t n, uint16_t *out)
{
    uint16_t g = kids[0];
    for (size_t i = 1; i < n; i++) {
        int rc = abe_pt_join(ps->p, kind, g, kids[i], &g);
        if (rc != ABE_OK)
            return rc;
    }
    *out = g;
    return ABE_OK;
}

/* INT 'of' '(' or { ',' or } ')' */
static int threshold(parser_t *ps, uint16_t *out)
{
    token_t kt = ps->ts.tok;
    uint16_t kids[ABE_POL_MAX_LEAVES];
    size_t n = 0;
    int rc;
    if ((rc = abe_ts_advance(&ps->ts)) != ABE_OK || (rc = abe_ts_advance(&ps->ts)) != ABE_OK)
        return rc;
    if (ps->ts.tok.kind != TK_LPAREN)
        return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, ps->ts.tok.pos,
                        "expected '(' after '%llu of', found %s",
                        (unsigned long long)kt.value, abe_tok_describe(ps->ts.tok.kind));
    size_t open = ps->ts.tok.pos;
    if ((rc = enter(ps, open)) != ABE_OK || (rc = abe_ts_advance(&ps->ts)) != ABE_OK)
        return rc;
    if (ps->ts.tok.kind == TK_RPAREN)
        return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, kt.pos,
                        "'%llu of ()' has no operands", (unsigned long long)kt.value);
    for (;;) {
        /* Each operand holds at least one leaf, so the leaf limit stops
         * the loop first; this check only protects the array. */
        if (n >= ABE_POL_MAX_LEAVES)
            return limit_error(ps, ps->ts.tok.pos);
        if ((rc = parse_or(ps, &kids[n])) != ABE_OK)
            return rc;
        n++;
        if (ps->ts.tok.kind == TK_RPAREN)
            break;
        if (ps->ts.tok.kind != TK_COMMA)
            return unexpected(ps, open);
        if ((rc = abe_ts_advance(&ps->ts)) != ABE_OK)
            return rc;
    }
    if ((rc = abe_ts_advance(&ps->ts)) != ABE_OK)
        return rc;
    ps->depth--;
    unsigned long long k = kt.value;
    if (n < 2)
        return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, kt.pos,
                        "a threshold needs at least 2 operands ('%llu of' has 1)", k);
    if (k == 0)
        return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, kt.pos,
                        "'0 of (...)' is always true: a threshold needs k >= 1");
    if (k > n)
        return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, kt.pos,
                        "'%llu of' with only %zu operands can never be satisfied", k, n);
    if (k == n)
        rc = fold(ps, PN_AND, kids, n, out);
    else if (k == 1)
        rc = fold(ps, PN_OR, kids, n, out);
    else
        rc = abe_pt_threshold(ps->p, (unsigned)k, kids, n, out);
    return rc == ABE_ERR_LIMIT ? limit_error(ps, kt.pos) : rc;
}

static int parse_factor(parser_t *ps, uint16_t *out)
{
    const token_t *t = &ps->ts.tok;
    int rc;
    switch (t->kind) {
    case TK_LPAREN: {
        size_t open = t->pos;
        if ((rc = enter(ps, open)) != ABE_OK || (rc = abe_ts_advance(&ps->ts)) != ABE_OK)
            return rc;
        if (t->kind == TK_RPAREN)
            return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, open, "empty parentheses");
        if ((rc = parse_or(ps, out)) != ABE_OK)
            return rc;
        if (t->kind != TK_RPAREN)
            return unexpected(ps, open);
        ps->depth--;
        return abe_ts_advance(&ps->ts);
    }
    case TK_NAME:
        return named_atom(ps, out);
    case TK_INT:
        if (abe_ts_peek(&ps->ts) == TK_OF)
            return threshold(ps, out);
        return reversed_atom(ps, out);
    case TK_DATE:
        return reversed_atom(ps, out);
    case TK_EOF:
        if (ps->ts.prev == TK_AND || ps->ts.prev == TK_OR)
            return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, t->pos,
                            "dangling operator: %s at the end has no right operand",
                            abe_tok_describe(ps->ts.prev));
        if (t->pos == 0 || ps->ts.prev == TK_EOF)
            return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, t->pos, "empty policy");
        return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, t->pos, "policy ends where an operand is expected");
    case TK_AND:
    case TK_OR:
        if (ps->ts.prev == TK_AND || ps->ts.prev == TK_OR)
            return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, t->pos,
                            "two operators in a row: %s follows %s",
                            abe_tok_describe(t->kind), abe_tok_describe(ps->ts.prev));
        return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, t->pos,
                        "dangling operator: %s has no left operand", abe_tok_describe(t->kind));
    case TK_RPAREN:
    case TK_COMMA:
        if (ps->ts.prev == TK_AND || ps->ts.prev == TK_OR)
            return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, t->pos,
                            "dangling operator: %s before %s has no right operand",
                            abe_tok_describe(ps->ts.prev), abe_tok_describe(t->kind));
        /* fall through */
    default:
        return abe_fail(ps->ts.err, ABE_ERR_SYNTAX, t->pos,
                        "expected an attribute, a comparison, '(' or 'k of (...)', found %s",
                        abe_tok_describe(t->kind));
    }
}

static int parse_and(parser_t *ps, uint16_t *out)
{
    int rc = parse_factor(ps, out);
    while (rc == ABE_OK && ps->ts.tok.kind == TK_AND) {
        uint16_t b;
        size_t pos = ps->ts.tok.pos;
        if ((rc = abe_ts_advance(&ps->ts)) != ABE_OK || (rc = parse_factor(ps, &b)) != ABE_OK)
            break;
        rc = abe_pt_join(ps->p, PN_AND, *out, b, out);
        if (rc == ABE_ERR_LIMIT)
            rc = limit_error(ps, pos);
    }
    return rc;
}

static int parse_or(parser_t *ps, uint16_t *out)
{
    int rc = parse_and(ps, out);
    while (rc == ABE_OK && ps->ts.tok.kind == TK_OR) {
        uint16_t b;
        size_t pos = ps->ts.tok.pos;
        if ((rc = abe_ts_advance(&ps->ts)) != ABE_OK || (rc = parse_and(ps, &b)) != ABE_OK)
            break;
        rc = abe_pt_join(ps->p, PN_OR, *out, b, out);
        if (rc == ABE_ERR_LIMIT)
            rc = limit_error(ps, pos);
    }
    return rc;
}

int abe_policy_parse(abe_policy_t *p, const char *text, size_t len, abe_error_t *err)
{
    abe_error_clear(err);
    if (p != NULL)
        abe_pt_init(p);
    if (p == NULL || (text == NULL && len > 0))
        return abe_fail(err, ABE_ERR_ARGUMENT, ABE_NO_POS, "NULL argument");
    if (len > ABE_POL_MAX_TEXT)
        return abe_fail(err, ABE_ERR_LIMIT, ABE_POL_MAX_TEXT,
                        "policy text longer than %d bytes", ABE_POL_MAX_TEXT);
    parser_t ps;
    ps.p = p;
    ps.text = text;
    ps.depth = 0;
    abe_pt_init(p);
    uint16_t root;
    int rc = abe_ts_init(&ps.ts, text, len, err);
    if (rc == ABE_OK)
        rc = parse_or(&ps, &root);
    if (rc == ABE_OK && ps.ts.tok.kind != TK_EOF)
        rc = unexpected(&ps, ABE_NO_POS);
    if (rc == ABE_OK)
        rc = abe_pt_finish(p, root, err);
    if (rc != ABE_OK) {
        if (err != NULL && err->code == ABE_OK)   /* a path that forgot to explain */
            abe_fail(err, rc, ABE_NO_POS, "%s", abe_strerror(rc));
        abe_pt_init(p);
    }
    return rc;
}
