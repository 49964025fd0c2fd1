/* One-line log messages of roam-ims and roam-mat on stderr (journald or the
 * lab's log files take it from there), each with a UTC timestamp with
 * milliseconds, so switch times can be read off the logs. */
#ifndef ROAM_MOBILITY_MOB_LOG_H
#define ROAM_MOBILITY_MOB_LOG_H

/* Program name prefixed to every line (default "roam"); level 0 quiet,
 * 1 normal (default), 2 debug. */
void mob_log_init(const char *prog, int level);

void mob_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mob_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
