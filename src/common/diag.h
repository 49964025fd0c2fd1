/* Problems found in a configuration, one line each, "FILE:LINE: message"
 * (or "FILE: message" when no line is to blame), for the config reader and
 * the programs' --check.  A collector either hands every problem on (a
 * check reports them all) or keeps only the first in an error buffer (a
 * start-up that stops at the first). */
#ifndef ROAM_COMMON_DIAG_H
#define ROAM_COMMON_DIAG_H

#include <stddef.h>

typedef struct roam_diag {
    /* Called with each problem; NULL keeps only the first, in err. */
    void (*emit)(void *arg, const char *line);
    void *arg;
    char *err;
    size_t errlen;
    int count;          /* problems so far */
} roam_diag;

/* A collector that keeps the first problem in err (which it empties). */
roam_diag roam_diag_first(char *err, size_t errlen);

/* Report one problem: "FILE:LINE: message", or "FILE: message" if line is
 * 0 (a default, or the file as a whole). */
void roam_diag_at(roam_diag *d, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A program's --check: run check on path with every problem printed on
 * stderr, then "PROG: PATH: N problems" on stderr and 1, or "PROG: PATH is
 * valid" on stdout and 0; 2 if path is NULL (no config named). */
int roam_diag_check_main(const char *prog, const char *path,
                         int (*check)(const char *path, roam_diag *d));

#endif
