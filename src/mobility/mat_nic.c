/* The mobile node's per-NIC kernel settings (see mat_nic.h for why each
 * one is there): set at start, put back at exit. */
#include "mat_nic.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"

#define TASK_COMM_MAX 15   /* the kernel truncates thread names to this */

int mat_nic_knob_set(const char *path, char v, char *old)
{
    char now = 0;
    *old = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    if (read(fd, old, 1) != 1)
        *old = 0;
    close(fd);
    if (*old != v) {
        /* One byte, no newline; the verdict is what reads back. */
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
            return 0;
        ssize_t w = write(fd, &v, 1);
        (void)w;
        close(fd);
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    int ok = read(fd, &now, 1) == 1 && now == v;
    close(fd);
    return ok;
}

/* Set dir/ifname/leaf to v, remembering the old value when it changed.
 * 1 when it now reads v. */
static int knob(mat_nic_tuning *t, const char *dir, const char *ifname, const char *leaf, char v)
{
    char path[96], old;
    snprintf(path, sizeof path, "%s/%s/%s", dir, ifname, leaf);
    int ok = mat_nic_knob_set(path, v, &old);
    if (!ok)
        roam_log("warning: cannot set %s to %c (interface missing, or not supported)", path, v);
    else if (old && old != v && t->n_saved < MAT_NIC_MAX_SAVED) {
        strcpy(t->saved[t->n_saved].path, path);
        t->saved[t->n_saved++].old = old;
    }
    return ok;
}

/* The kernel names a NAPI thread "napi/NIC-ID" (truncated to 15
 * characters); that name is the only link from a NIC to its threads that
 * every kernel with threaded NAPI shows.  A same-named NIC in another
 * network namespace shares the prefix. */
static int is_napi_thread_of(const char *comm, const char *ifname)
{
    char want[32];
    int n = snprintf(want, sizeof want, "napi/%s-", ifname);
    size_t len = (size_t)n < TASK_COMM_MAX ? (size_t)n : TASK_COMM_MAX;
    return strncmp(comm, want, len) == 0;
}

/* Give ifname's NAPI threads priority nice (where they are below it). */
static size_t raise_napi_threads(mat_nic_tuning *t, const char *ifname, int nice)
{
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    size_t raised = 0;
    /* Only as many as can be put back on exit. */
    for (struct dirent *e; t->n_threads < MAT_NIC_MAX_THREADS && (e = readdir(d));) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        char path[64], comm[TASK_COMM_MAX + 2] = "";
        snprintf(path, sizeof path, "/proc/%.20s/comm", e->d_name);
        FILE *f = fopen(path, "re");
        if (!f)
            continue;
        int got = fgets(comm, sizeof comm, f) != NULL;
        fclose(f);
        if (!got || !is_napi_thread_of(comm, ifname))
            continue;
        pid_t tid = (pid_t)atoi(e->d_name);
        errno = 0;
        int old = getpriority(PRIO_PROCESS, (id_t)tid);
        if ((old == -1 && errno) || old <= nice)
            continue;
        if (setpriority(PRIO_PROCESS, (id_t)tid, nice) < 0) {
            roam_log("warning: cannot give %s's NAPI thread %d nice %d: %s", ifname, (int)tid,
                    nice, strerror(errno));
            continue;
        }
        raised++;
        t->threads[t->n_threads].tid = tid;
        t->threads[t->n_threads++].old_nice = old;
    }
    closedir(d);
    return raised;
}

void mat_nic_tune(mat_nic_tuning *t, const mat_config *cfg)
{
    memset(t, 0, sizeof *t);
    char threaded[MAT_MAX_IFACES * (IF_NAMESIZE + 2)] = "";
    size_t raised = 0;
    for (size_t i = 0; i < cfg->n_ifaces; i++) {
        const char *ifname = cfg->ifaces[i];
        (void)knob(t, "/proc/sys/net/ipv6/conf", ifname, "ignore_routes_with_linkdown", '1');
        if (!cfg->threaded_napi || !knob(t, "/sys/class/net", ifname, "threaded", '1'))
            continue;
        if (threaded[0])
            strcat(threaded, ", ");
        strcat(threaded, ifname);
        if (cfg->nice < 0)
            raised += raise_napi_threads(t, ifname, cfg->nice);
    }
    if (threaded[0])
        roam_log("receive processing of %s in NAPI threads (%zu given nice %d)", threaded, raised,
                cfg->nice < 0 ? cfg->nice : 0);
}

void mat_nic_untune(mat_nic_tuning *t)
{
    for (size_t i = 0; i < t->n_threads; i++)
        (void)setpriority(PRIO_PROCESS, (id_t)t->threads[i].tid, t->threads[i].old_nice);
    for (size_t i = 0; i < t->n_saved; i++) {
        char now;
        if (!mat_nic_knob_set(t->saved[i].path, t->saved[i].old, &now))
            roam_log("warning: cannot put back %s", t->saved[i].path);
    }
    t->n_threads = t->n_saved = 0;
}
