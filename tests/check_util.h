/* What the --check tests of roamd, roam-ims and roam-mat share: a scratch
 * folder, paths inside it, and a diagnostics sink that keeps every problem
 * reported on one line ("a | b | c") for the assertions to search.
 *
 *   mkdtemp(check_dir); const char *f = check_path("roamd.conf");
 *   roam_diag d = { .emit = check_collect };   ...   strstr(check_out, ...)
 */
#ifndef ROAM_TESTS_CHECK_UTIL_H
#define ROAM_TESTS_CHECK_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char check_dir[] = "/tmp/roam-check-XXXXXX";
static char check_out[8192];

static inline void check_collect(void *arg, const char *line)
{
    (void)arg;
    size_t n = strlen(check_out);
    snprintf(check_out + n, sizeof check_out - n, "%s%s", n ? " | " : "", line);
}

/* name inside check_dir; the last 16 results stay valid. */
static inline const char *check_path(const char *name)
{
    static char buf[16][512];
    static int i;
    i = (i + 1) % 16;
    snprintf(buf[i], sizeof buf[i], "%s/%s", check_dir, name);
    return buf[i];
}

#endif
