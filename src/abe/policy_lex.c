/* Tokenizer for policies and key attributes (see policy_lex.h). */
#include "policy_lex.h"

#include <string.h>

#include "attr_string.h"
#include "num_type.h"

void abe_lex_init(lexer_t *lx, const char *s, size_t len)
{
    lx->s = s;
    lx->len = len;
    lx->pos = 0;
}

static int peek(const lexer_t *lx, size_t ahead)
{
    size_t i = lx->pos + ahead;
    return i < lx->len ? (unsigned char)lx->s[i] : -1;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int ieq(const uint8_t *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (len != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int c = s[i];
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        if (c != word[i])
            return 0;
    }
    return 1;
}

static int same(const uint8_t *s, size_t len, const char *word)
{
    return len == strlen(word) && memcmp(s, word, len) == 0;
}

/* Keywords are all lower case or all upper case; other spellings of a
 * keyword are refused rather than silently taken as names. */
static int lex_word(lexer_t *lx, token_t *t, abe_error_t *err)
{
    size_t start = lx->pos;
    while (lx->pos < lx->len && (is_alpha(peek(lx, 0)) || is_digit(peek(lx, 0)) || peek(lx, 0) == '_'))
        lx->pos++;
    size_t n = lx->pos - start;
    const uint8_t *w = (const uint8_t *)lx->s + start;
    static const char *const kw[] = {"and", "or", "of", "not"};
    static const char *const up[] = {"AND", "OR", "OF", "NOT"};
    static const tok_kind kk[] = {TK_AND, TK_OR, TK_OF, TK_EOF};
    for (size_t i = 0; i < 4; i++) {
        if (!ieq(w, n, kw[i]))
            continue;
        if (!same(w, n, kw[i]) && !same(w, n, up[i]))
            return abe_fail(err, ABE_ERR_SYNTAX, start,
                            "'%.*s' is a reserved word: write '%s' or '%s', or quote the name",
                            (int)n, (const char *)w, kw[i], up[i]);
        if (i == 3)
            return abe_fail(err, ABE_ERR_NEGATION, start,
                            "negation is not expressible in a monotone policy");
        t->kind = kk[i];
        return ABE_OK;
    }
    if (n > ABE_POL_MAX_NAME)
        return abe_fail(err, ABE_ERR_LIMIT, start, "name longer than %d bytes", ABE_POL_MAX_NAME);
    t->kind = TK_NAME;
    memcpy(t->name, w, n);
    t->name_len = n;
    return ABE_OK;
}

static int lex_quoted(lexer_t *lx, token_t *t, abe_error_t *err)
{
    size_t start = lx->pos++;
    size_t n = 0;
    for (;;) {
        int c = peek(lx, 0);
        if (c < 0)
            return abe_fail(err, ABE_ERR_SYNTAX, start, "unterminated quoted name");
        if (c < 0x20 || c == 0x7F)
            return abe_fail(err, ABE_ERR_SYNTAX, lx->pos,
                            "control character 0x%02x in a quoted name", (unsigned)c);
        lx->pos++;
        if (c == '"')
            break;
        if (c == '\\') {
            int e = peek(lx, 0);
            if (e != '"' && e != '\\')
                return abe_fail(err, ABE_ERR_SYNTAX, lx->pos - 1,
                                "unknown escape in a quoted name (only \\\" and \\\\)");
            lx->pos++;
            c = e;
        }
        if (n >= ABE_POL_MAX_NAME)
            return abe_fail(err, ABE_ERR_LIMIT, start, "name longer than %d bytes",
                            ABE_POL_MAX_NAME);
        t->name[n++] = (uint8_t)c;
    }
    if (n == 0)
        return abe_fail(err, ABE_ERR_SYNTAX, start, "empty quoted name");
    if (!abe_astr_name_ok(t->name, n))
        return abe_fail(err, ABE_ERR_SYNTAX, start, "quoted name is not valid UTF-8");
    t->kind = TK_NAME;
    t->name_len = n;
    return ABE_OK;
}

/* Reads exactly n digits at the cursor into *v. */
static int fixed_digits(lexer_t *lx, size_t n, unsigned *v)
{
    unsigned x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(peek(lx, 0)))
            return 0;
        x = x * 10 + (unsigned)(peek(lx, 0) - '0');
        lx->pos++;
    }
    *v = x;
    return 1;
}

static int lex_number(lexer_t *lx, token_t *t, abe_error_t *err)
{
    size_t start = lx->pos;
    uint64_t v = 0;
    int overflow = 0;
    while (is_digit(peek(lx, 0))) {
        unsigned d = (unsigned)(peek(lx, 0) - '0');
        if (v > (UINT64_MAX - d) / 10)
            overflow = 1;
        else
            v = v * 10 + d;
        lx->pos++;
    }
    if (peek(lx, 0) == '-') {
        unsigned y, m, d;
        uint64_t days;
        lx->pos = start;
        if (!fixed_digits(lx, 4, &y) || peek(lx, 0) != '-' || (lx->pos++, !fixed_digits(lx, 2, &m)) ||
            peek(lx, 0) != '-' || (lx->pos++, !fixed_digits(lx, 2, &d)) || is_digit(peek(lx, 0)))
            return abe_fail(err, ABE_ERR_SYNTAX, start, "malformed date (expected YYYY-MM-DD)");
        if (abe_num_date_days(y, m, d, &days) != 0)
            return abe_fail(err, ABE_ERR_RANGE, start,
                            "%04u-%02u-%02u is not a calendar date between 1970-01-01 and 9999-12-31",
                            y, m, d);
        t->kind = TK_DATE;
        t->value = days;
        return ABE_OK;
    }
    if (peek(lx, 0) == '.' && is_digit(peek(lx, 1)))
        return abe_fail(err, ABE_ERR_SYNTAX, start, "numbers must be unsigned integers");
    if (overflow)
        return abe_fail(err, ABE_ERR_RANGE, start,
                        "number larger than 18446744073709551615 (2^64 - 1)");
    t->kind = TK_INT;
    t->value = v;
    return ABE_OK;
}

int abe_lex_next(lexer_t *lx, token_t *t, abe_error_t *err)
{
    while (is_space(peek(lx, 0)))
        lx->pos++;
    t->pos = lx->pos;
    t->name_len = 0;
    t->value = 0;
    int c = peek(lx, 0);
    int rc = ABE_OK;
    if (c < 0) {
        t->kind = TK_EOF;
    } else if (is_digit(c)) {
        rc = lex_number(lx, t, err);
    } else if (is_alpha(c)) {
        rc = lex_word(lx, t, err);
    } else if (c == '"') {
        rc = lex_quoted(lx, t, err);
    } else {
        lx->pos++;
        switch (c) {
        case '(': t->kind = TK_LPAREN; break;
        case ')': t->kind = TK_RPAREN; break;
        case ',': t->kind = TK_COMMA; break;
        case '#': t->kind = TK_HASH; break;
        case '&': t->kind = TK_AND; break;
        case '|': t->kind = TK_OR; break;
        case '=': t->kind = TK_EQ; break;
        case '<':
        case '>':
            if (peek(lx, 0) == '=') {
                lx->pos++;
                t->kind = c == '<' ? TK_LE : TK_GE;
            } else {
                t->kind = c == '<' ? TK_LT : TK_GT;
            }
            break;
        case '!':
            return abe_fail(err, ABE_ERR_NEGATION, t->pos,
                            "negation is not expressible in a monotone policy");
        case '-':
            if (is_digit(peek(lx, 0)))
                return abe_fail(err, ABE_ERR_RANGE, t->pos,
                                "negative numbers are not allowed (values are unsigned)");
            /* fall through */
        default:
            if (c >= 0x21 && c < 0x7F)
                return abe_fail(err, ABE_ERR_SYNTAX, t->pos, "unexpected character '%c'", c);
            return abe_fail(err, ABE_ERR_SYNTAX, t->pos, "unexpected byte 0x%02x", (unsigned)c);
        }
    }
    t->end = lx->pos;
    return rc;
}

const char *abe_tok_describe(tok_kind k)
{
    switch (k) {
    case TK_EOF: return "the end of the input";
    case TK_LPAREN: return "'('";
    case TK_RPAREN: return "')'";
    case TK_COMMA: return "','";
    case TK_HASH: return "'#'";
    case TK_AND: return "'and'";
    case TK_OR: return "'or'";
    case TK_OF: return "'of'";
    case TK_NAME: return "an attribute name";
    case TK_INT: return "a number";
    case TK_DATE: return "a date";
    case TK_EQ: return "'='";
    case TK_LT: return "'<'";
    case TK_GT: return "'>'";
    case TK_LE: return "'<='";
    case TK_GE: return "'>='";
    default: return "a token";
    }
}

int abe_ts_init(tokstream_t *ts, const char *s, size_t len, abe_error_t *err)
{
    return abe_ts_init_at(ts, s, 0, len, err);
}

int abe_ts_init_at(tokstream_t *ts, const char *s, size_t start, size_t end, abe_error_t *err)
{
    abe_lex_init(&ts->lx, s, end);
    ts->lx.pos = start;
    ts->err = err;
    ts->prev = TK_EOF;
    ts->tok.kind = TK_EOF;
    return abe_lex_next(&ts->lx, &ts->tok, err);
}

int abe_ts_advance(tokstream_t *ts)
{
    ts->prev = ts->tok.kind;
    return abe_lex_next(&ts->lx, &ts->tok, ts->err);
}

tok_kind abe_ts_peek(const tokstream_t *ts)
{
    lexer_t copy = ts->lx;
    token_t t;
    if (abe_lex_next(&copy, &t, NULL) != ABE_OK)
        return TK_EOF;
    return t.kind;
}

int abe_ts_number(tokstream_t *ts, struct num_literal *lit)
{
    int rc;
    lit->pos = ts->tok.pos;
    lit->value = ts->tok.value;
    if (ts->tok.kind == TK_DATE) {
        lit->kind = NUM_DATE;
        lit->width = NUM_DATE_BITS;
        lit->end = ts->tok.end;
        if ((rc = abe_ts_advance(ts)) != ABE_OK)
            return rc;
        if (ts->tok.kind == TK_HASH)
            return abe_fail(ts->err, ABE_ERR_SYNTAX, ts->tok.pos, "a date takes no width");
        return ABE_OK;
    }
    if (ts->tok.kind != TK_INT)
        return abe_fail(ts->err, ABE_ERR_SYNTAX, ts->tok.pos,
                        "expected a number or a date, found %s", abe_tok_describe(ts->tok.kind));
    lit->kind = NUM_FLEX;
    lit->width = 64;
    lit->end = ts->tok.end;
    if ((rc = abe_ts_advance(ts)) != ABE_OK)
        return rc;
    if (ts->tok.kind != TK_HASH)
        return ABE_OK;
    if ((rc = abe_ts_advance(ts)) != ABE_OK)
        return rc;
    if (ts->tok.kind != TK_INT)
        return abe_fail(ts->err, ABE_ERR_SYNTAX, ts->tok.pos,
                        "expected a width (1..64) after '#', found %s",
                        abe_tok_describe(ts->tok.kind));
    uint64_t w = ts->tok.value;
    if (w < 1 || w > 64)
        return abe_fail(ts->err, ABE_ERR_RANGE, ts->tok.pos,
                        "width %llu is outside 1..64", (unsigned long long)w);
    if (w < 64 && (lit->value >> w) != 0)
        return abe_fail(ts->err, ABE_ERR_RANGE, lit->pos, "%llu does not fit in %llu bits",
                        (unsigned long long)lit->value, (unsigned long long)w);
    lit->kind = NUM_WIDTH;
    lit->width = (unsigned)w;
    lit->end = ts->tok.end;
    return abe_ts_advance(ts);
}
