/* The mobile node's per-NIC kernel settings (src/mobility/mat_nic.c) and
 * their configuration key: a setting is judged by reading it back, the old
 * value is remembered and put back, a missing or refusing file is reported
 * and skipped.  The threaded-NAPI path on a real NIC is in test_agents.sh. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"
#include "mat_config.h"
#include "mat_nic.h"
#include "tap.h"

static char dir[] = "/tmp/roam-nic-XXXXXX";

static int put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int rc = fputs(text, f) < 0 ? -1 : 0;
    return fclose(f) == 0 ? rc : -1;
}

static char first_char(const char *path)
{
    char c = 0;
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        if (read(fd, &c, 1) != 1)
            c = 0;
        close(fd);
    }
    return c;
}

static void test_knob(void)
{
    char path[128], old = 'x';
    snprintf(path, sizeof path, "%s/threaded", dir);
    put(path, "0\n");
    tap_ok(mat_nic_knob_set(path, '1', &old) == 1 && old == '0' && first_char(path) == '1',
           "a setting is written, read back, and its old value kept");
    tap_ok(mat_nic_knob_set(path, '1', &old) == 1 && old == '1',
           "setting it again: already so, reported as set");
    tap_ok(mat_nic_knob_set(path, '0', &old) == 1 && first_char(path) == '0',
           "and it can be put back");
    snprintf(path, sizeof path, "%s/missing", dir);
    tap_ok(mat_nic_knob_set(path, '1', &old) == 0 && old == 0 && access(path, F_OK) != 0,
           "a missing setting (older kernel, no such NIC) is not created, and reported");
    /* The kernel refuses a value it does not know: reading back tells. */
    const char *sysctl = "/proc/sys/net/ipv6/conf/lo/ignore_routes_with_linkdown";
    char before = first_char(sysctl);
    if (before && geteuid() == 0)
        tap_ok(mat_nic_knob_set(sysctl, 'x', &old) == 0 && first_char(sysctl) == before,
               "a value the kernel refuses is reported, the setting unchanged");
    else
        tap_skip("needs root and IPv6");
}

static int load(const char *text, mat_config *c, char *err, size_t errlen)
{
    char path[128];
    snprintf(path, sizeof path, "%s/mat.conf", dir);
    if (put(path, text) < 0)
        return -2;
    return mat_config_load(c, path, err, errlen);
}

static void test_config(void)
{
    static const char base[] = "[agent]\nmode = mobile\n[ims]\naddress = 2001:db8:d::2\n"
                               "[mobile]\nhoa = 2001:db8:e::10\ninterfaces = eth0 eth1\n";
    char text[512], err[ROAM_ERR_MAX] = "";
    mat_config c;
    tap_ok(load(base, &c, err, sizeof err) == 0 && c.threaded_napi == 1,
           "[mobile] threaded_napi defaults to yes");
    snprintf(text, sizeof text, "%sthreaded_napi = no\n", base);
    tap_ok(load(text, &c, err, sizeof err) == 0 && c.threaded_napi == 0,
           "threaded_napi = no turns it off");
    snprintf(text, sizeof text, "%sthreaded_napi = maybe\n", base);
    err[0] = 0;
    tap_ok(load(text, &c, err, sizeof err) < 0 && strstr(err, "threaded_napi"),
           "a bad threaded_napi value is an error naming the key (%s)", err);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_knob();
    test_config();
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", dir);
    return tap_done();
}
