/* One-line log messages of roam's daemons (roamd, roam-ims, roam-mat) on
 * stderr (journald or the lab's log files take it from there), each as
 *   2026-12-05T07:40:01.123Z PROG: message
 * with a UTC ISO-8601 timestamp with milliseconds, so that the logs of
 * several hosts and programs line up and switch times can be read off them.
 * Control characters in the message (newlines included) are written as
 * \xNN: one call is always exactly one line. */
#ifndef ROAM_COMMON_LOG_H
#define ROAM_COMMON_LOG_H

/* Program name prefixed to every line (default "roam"); level 0 quiet,
 * 1 normal (default), 2 debug.  Call once, before any thread logs. */
void roam_log_init(const char *prog, int level);

/* A line at level 1 (roam_log) or 2 (roam_debug). */
void roam_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void roam_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
