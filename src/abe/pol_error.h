/* Recording errors of the policy language, key attribute sets, the
 * canonical policy encoding and the LSSS compiler (the report itself,
 * abe_error_t, is in abe.h).  Every parser error carries the byte offset it
 * refers to, so a user sees where in the text the problem is. */
#ifndef ROAM_ABE_POL_ERROR_H
#define ROAM_ABE_POL_ERROR_H

#include <stddef.h>

#include "abe.h"

/* Records an error (err may be NULL) and returns code, so callers can write
 * `return abe_fail(err, ABE_ERR_SYNTAX, pos, "...")`. */
int abe_fail(abe_error_t *err, int code, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
