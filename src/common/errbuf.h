/* Error text for roam's libraries: every fallible call takes a caller-owned
 * buffer (char *err, size_t errlen) and fills it with one human-readable line,
 * so there is no global or thread-local error state to race on. */
#ifndef ROAM_COMMON_ERRBUF_H
#define ROAM_COMMON_ERRBUF_H

#include <stddef.h>

/* Recommended size of an error buffer. */
#define ROAM_ERR_MAX 512

/* printf into err (if err && errlen); always NUL-terminated, truncated if long.
 * Returns -1 so callers can write `return roam_errf(...)`. */
int roam_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like roam_errf, then appends ": " and OpenSSL's queued errors (drained, so
 * the next call starts clean). */
int roam_errf_ssl(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
