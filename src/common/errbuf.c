/* Error text helpers (see errbuf.h). */
#include "errbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

/* format attribute: clang checks the callers' formats, not this one */
__attribute__((format(printf, 3, 0)))
static void verrf(char *err, size_t errlen, const char *fmt, va_list ap)
{
    if (!err || errlen == 0)
        return;
    vsnprintf(err, errlen, fmt, ap);
}

int roam_errf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verrf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

int roam_errf_ssl(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verrf(err, errlen, fmt, ap);
    va_end(ap);

    /* Append every queued OpenSSL reason; the innermost one is usually the
     * useful one ("certificate verify failed", "no such file"). */
    unsigned long e;
    const char *sep = ": ";
    while ((e = ERR_get_error()) != 0) {
        if (!err || errlen == 0)
            continue;
        size_t used = strlen(err);
        if (used + 1 >= errlen)
            continue;
        char reason[256];
        ERR_error_string_n(e, reason, sizeof reason);
        snprintf(err + used, errlen - used, "%s%s", sep, reason);
        sep = "; ";
    }
    return -1;
}
