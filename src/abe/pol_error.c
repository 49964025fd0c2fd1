/* Error reports for the policy language (see pol_error.h). */
#include "pol_error.h"

#include <stdarg.h>
#include <stdio.h>

int abe_fail(abe_error_t *err, int code, size_t offset, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    err->offset = offset;
    int used = 0;
    if (offset != ABE_NO_POS)
        used = snprintf(err->msg, sizeof err->msg, "column %zu: ", offset + 1);
    if (used < 0 || (size_t)used >= sizeof err->msg)
        used = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg + used, sizeof err->msg - (size_t)used, fmt, ap);
    va_end(ap);
    return code;
}

void abe_error_clear(abe_error_t *err)
{
    if (err == NULL)
        return;
    err->code = ABE_OK;
    err->offset = ABE_NO_POS;
    err->msg[0] = '\0';
}
