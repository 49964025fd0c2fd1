/* Problem collectors for configurations (see diag.h). */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

#include "errbuf.h"

roam_diag roam_diag_first(char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    return (roam_diag){ .err = err, .errlen = errlen };
}

void roam_diag_at(roam_diag *d, const char *file, int line, const char *fmt, ...)
{
    char msg[ROAM_ERR_MAX], full[ROAM_ERR_MAX + 300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        snprintf(full, sizeof full, "%s:%d: %s", file, line, msg);
    else
        snprintf(full, sizeof full, "%s: %s", file, msg);
    if (d->emit)
        d->emit(d->arg, full);
    else if (d->count == 0)
        roam_errf(d->err, d->errlen, "%s", full);
    d->count++;
}
