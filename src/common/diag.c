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

static void print_problem(void *arg, const char *line)
{
    fprintf(arg, "%s\n", line);
}

int roam_diag_check_main(const char *prog, const char *path,
                         int (*check)(const char *path, roam_diag *d))
{
    if (!path) {
        fprintf(stderr, "%s: --check needs -c CONFIG\n", prog);
        return 2;
    }
    roam_diag d = { .emit = print_problem, .arg = stderr };
    if (check(path, &d) < 0 || d.count) {
        fprintf(stderr, "%s: %s: %d problem%s\n", prog, path, d.count, d.count == 1 ? "" : "s");
        return 1;
    }
    printf("%s: %s is valid\n", prog, path);
    return 0;
}
