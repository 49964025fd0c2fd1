/* Timestamped log lines on stderr (see log.h). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static const char *log_prog = "roam";
static int log_level = 1;

void roam_log_init(const char *prog, int level)
{
    log_prog = prog;
    log_level = level;
}

/* Messages carry names clients chose (VM, hosts, errors quoting them): a
 * newline or an escape sequence there must not start a forged line or
 * rewrite the terminal, so every control byte is written as \xNN.  out
 * holds 4 bytes per byte of in. */
static void escape_controls(char *out, const char *in)
{
    static const char hex[] = "0123456789abcdef";
    for (; *in; in++) {
        unsigned char c = (unsigned char)*in;
        if (c < 0x20 || c == 0x7f) {
            *out++ = '\\';
            *out++ = 'x';
            *out++ = hex[c >> 4];
            *out++ = hex[c & 15];
        } else
            *out++ = (char)c;
    }
    *out = '\0';
}

/* format attribute: clang checks the callers' formats, not this one */
__attribute__((format(printf, 2, 0)))
static void emit(int level, const char *fmt, va_list ap)
{
    if (log_level < level)
        return;
    struct timespec ts;
    struct tm tm;
    char when[32] = "";
    clock_gettime(CLOCK_REALTIME, &ts);
    if (gmtime_r(&ts.tv_sec, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    /* One fprintf per line, so lines of two processes never interleave
     * inside a line on a shared log file. */
    char line[1024], safe[4 * sizeof line];
    vsnprintf(line, sizeof line, fmt, ap);
    escape_controls(safe, line);
    fprintf(stderr, "%s.%03ldZ %s: %s\n", when, ts.tv_nsec / 1000000, log_prog, safe);
}

void roam_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(1, fmt, ap);
    va_end(ap);
}

void roam_debug(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(2, fmt, ap);
    va_end(ap);
}
