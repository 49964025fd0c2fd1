/* roam-load's view of a process through /proc (load.h): CPU time from
 * /proc/PID/stat, VmRSS and VmHWM from /proc/PID/status. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "load.h"

int proc_sample(int pid, struct proc_sample *s)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char *ok = fgets(line, sizeof line, f);
    fclose(f);
    /* The command name may hold spaces and parentheses: fields count from
     * the last ')'.  utime and stime are fields 14 and 15. */
    char *p = ok ? strrchr(line, ')') : NULL;
    unsigned long ut, st;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1;
    s->cpu_ms = (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    if (!(f = fopen(path, "r")))
        return -1;
    s->rss_kb = s->hwm_kb = -1;
    while (fgets(line, sizeof line, f)) {
        (void)sscanf(line, "VmRSS: %ld", &s->rss_kb);
        (void)sscanf(line, "VmHWM: %ld", &s->hwm_kb);
    }
    fclose(f);
    return s->rss_kb < 0 || s->hwm_kb < 0 ? -1 : 0;
}

double self_cpu_ms(void)
{
    struct rusage r;
    if (getrusage(RUSAGE_SELF, &r) < 0)
        return 0;
    return (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1000.0 +
           (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1000.0;
}
