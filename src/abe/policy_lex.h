/* Tokenizer shared by the policy parser and the key attribute parser.
 * Input is untrusted: every byte is classified, names are bounded by
 * ABE_POL_MAX_NAME, numbers by 2^64 - 1, and each error names its offset. */
#ifndef ROAM_ABE_POLICY_LEX_H
#define ROAM_ABE_POLICY_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "pol_error.h"
#include "abe.h"
#include "num_type.h"

typedef enum {
    TK_EOF, TK_LPAREN, TK_RPAREN, TK_COMMA, TK_HASH,
    TK_AND, TK_OR, TK_OF,
    TK_NAME,    /* bare or quoted; name[] holds the unescaped bytes */
    TK_INT,     /* value */
    TK_DATE,    /* value = days since 1970-01-01 */
    TK_EQ, TK_LT, TK_GT, TK_LE, TK_GE
} tok_kind;

typedef struct {
    tok_kind kind;
    size_t pos, end;       /* byte range in the input */
    uint64_t value;
    size_t name_len;
    uint8_t name[ABE_POL_MAX_NAME];
} token_t;

typedef struct {
    const char *s;
    size_t len, pos;
} lexer_t;

void abe_lex_init(lexer_t *lx, const char *s, size_t len);

/* Reads the next token.  Returns ABE_OK or an error (negation, malformed
 * number, date or quoted name, reserved word, unexpected byte). */
int abe_lex_next(lexer_t *lx, token_t *t, abe_error_t *err);

/* Short description of a token for messages, e.g. "'and'" or "name". */
const char *abe_tok_describe(tok_kind k);

/* A lexer with one token of lookahead, as both parsers use it. */
typedef struct {
    lexer_t lx;
    token_t tok;        /* current token */
    tok_kind prev;      /* kind of the token before it (TK_EOF at the start) */
    abe_error_t *err;
} tokstream_t;

int abe_ts_init(tokstream_t *ts, const char *s, size_t len, abe_error_t *err);
/* Tokenizes s[start, end) only; offsets stay relative to s. */
int abe_ts_init_at(tokstream_t *ts, const char *s, size_t start, size_t end, abe_error_t *err);
int abe_ts_advance(tokstream_t *ts);
/* Kind of the token after the current one (TK_EOF if it would not lex). */
tok_kind abe_ts_peek(const tokstream_t *ts);

/* Reads a numeric literal at the current token: INT, INT '#' WIDTH or
 * DATE.  Checks 1 <= WIDTH <= 64 and value < 2^WIDTH.  *t gets the type. */
struct num_literal {
    num_kind kind;
    unsigned width;
    uint64_t value;
    size_t pos, end;
};
int abe_ts_number(tokstream_t *ts, struct num_literal *lit);

#endif
