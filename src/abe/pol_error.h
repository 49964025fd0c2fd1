/* Status codes and the error report shared by the policy language, key
 * attribute sets, the canonical policy encoding and the LSSS compiler.
 * Every parser error carries the byte offset it refers to, so a user sees
 * where in the text the problem is. */
#ifndef ROAM_ABE_POL_ERROR_H
#define ROAM_ABE_POL_ERROR_H

#include <stddef.h>

typedef enum {
    POL_OK = 0,
    POL_ERR_SYNTAX = -1,        /* malformed policy or attribute text */
    POL_ERR_RANGE = -2,         /* number, width or date out of range */
    POL_ERR_TRIVIAL = -3,       /* comparison always true or always false */
    POL_ERR_NEGATION = -4,      /* not / ! : monotone policies only */
    POL_ERR_LIMIT = -5,         /* a documented size limit was exceeded */
    POL_ERR_CONFLICT = -6,      /* key: two values of one numeric attribute */
    POL_ERR_DECODE = -7,        /* canonical policy encoding rejected */
    POL_ERR_NOT_SATISFIED = -8, /* attribute set does not satisfy the policy */
    POL_ERR_ARGUMENT = -9       /* NULL pointer, buffer too small, ... */
} pol_status;

#define POL_NO_POS ((size_t)-1)

typedef struct {
    int code;         /* a pol_status */
    size_t offset;    /* byte offset into the input, or POL_NO_POS */
    char msg[224];    /* "column N: ..." for text inputs */
} pol_error_t;

/* Records an error (err may be NULL) and returns code, so callers can write
 * `return pol_fail(err, POL_ERR_SYNTAX, pos, "...")`. */
int pol_fail(pol_error_t *err, int code, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Resets err to POL_OK with an empty message. */
void pol_error_clear(pol_error_t *err);

/* A short English description of a status code, never NULL. */
const char *pol_strerror(int code);

#endif
