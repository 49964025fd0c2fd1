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
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    fprintf(stderr, "%s.%03ldZ %s: %s\n", when, ts.tv_nsec / 1000000, log_prog, line);
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
