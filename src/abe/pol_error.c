/* Error reports for the policy language (see pol_error.h). */
#include "pol_error.h"

#include <stdarg.h>
#include <stdio.h>

int pol_fail(pol_error_t *err, int code, size_t offset, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    err->offset = offset;
    int used = 0;
    if (offset != POL_NO_POS)
        used = snprintf(err->msg, sizeof err->msg, "column %zu: ", offset + 1);
    if (used < 0 || (size_t)used >= sizeof err->msg)
        used = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg + used, sizeof err->msg - (size_t)used, fmt, ap);
    va_end(ap);
    return code;
}

void pol_error_clear(pol_error_t *err)
{
    if (err == NULL)
        return;
    err->code = POL_OK;
    err->offset = POL_NO_POS;
    err->msg[0] = '\0';
}

const char *pol_strerror(int code)
{
    switch (code) {
    case POL_OK: return "ok";
    case POL_ERR_SYNTAX: return "syntax error";
    case POL_ERR_RANGE: return "value out of range";
    case POL_ERR_TRIVIAL: return "comparison is always true or always false";
    case POL_ERR_NEGATION: return "negation is not expressible in a monotone policy";
    case POL_ERR_LIMIT: return "size limit exceeded";
    case POL_ERR_CONFLICT: return "conflicting attribute values";
    case POL_ERR_DECODE: return "invalid canonical policy encoding";
    case POL_ERR_NOT_SATISFIED: return "attributes do not satisfy the policy";
    case POL_ERR_ARGUMENT: return "invalid argument";
    default: return "unknown error";
    }
}
