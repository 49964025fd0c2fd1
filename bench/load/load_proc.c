/* roam-load's view of a process and its children through /proc (load.h):
 * CPU time from /proc/PID/stat, VmRSS and VmHWM from /proc/PID/status. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "load.h"

/* One process's CPU time (/proc/PID/stat: utime and stime, fields 14 and
 * 15), its parent, and its VmRSS and VmHWM.  0 or -1. */
static int one(int pid, struct proc_sample *s, int *ppid)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char *ok = fgets(line, sizeof line, f);
    fclose(f);
    /* The command name may hold spaces and parentheses: fields count from
     * the last ')'. */
    char *p = ok ? strrchr(line, ')') : NULL;
    unsigned long ut, st;
    if (!p || sscanf(p + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", ppid, &ut,
                     &st) != 3)
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

/* pid and every process below it (roamd's network process: its keeper
 * and worker), summed: a daemon's cost is its whole tree's. */
int proc_sample(int pid, struct proc_sample *s)
{
    int ppid;
    if (one(pid, s, &ppid) < 0)
        return -1;
    int tree[64] = { pid }, n = 1;
    for (int grew = 1; grew && n < 64;) {
        grew = 0;
        DIR *d = opendir("/proc");
        struct dirent *e;
        while (d && n < 64 && (e = readdir(d))) {
            int q = atoi(e->d_name), in = 0;
            struct proc_sample c;
            if (q <= 0)
                continue;
            for (int i = 0; i < n && !in; i++)
                in = tree[i] == q;
            if (in || one(q, &c, &ppid) < 0)
                continue;
            for (int i = 0; i < n; i++)
                if (tree[i] == ppid) {
                    tree[n++] = q;
                    s->cpu_ms += c.cpu_ms;
                    s->rss_kb += c.rss_kb;
                    s->hwm_kb += c.hwm_kb;
                    grew = 1;
                    break;
                }
        }
        if (d)
            closedir(d);
    }
    return 0;
}

double self_cpu_ms(void)
{
    struct rusage r;
    if (getrusage(RUSAGE_SELF, &r) < 0)
        return 0;
    return (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1000.0 +
           (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1000.0;
}
