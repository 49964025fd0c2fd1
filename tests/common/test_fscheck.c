/* What --check asks of paths and names without changing anything: files to
 * read, files to create or append to, host names and interface names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errbuf.h"
#include "fscheck.h"
#include "hostport.h"
#include "tap.h"

int main(void)
{
    char dir[] = "/tmp/fscheck-XXXXXX", p[256], why[ROAM_ERR_MAX];
    if (!mkdtemp(dir))
        return 2;
    snprintf(p, sizeof p, "%s/f", dir);
    tap_ok(roam_fs_readable(p, why, sizeof why) < 0 && strstr(why, "cannot read"),
           "missing file is not readable: %s", why);
    tap_eq(roam_fs_writable(p, why, sizeof why), 0, "missing file in a directory: creatable");
    tap_ok(access(p, F_OK) < 0, "and the check did not create it");
    FILE *f = fopen(p, "w");
    if (!f)
        return 2;
    fclose(f);
    tap_eq(roam_fs_readable(p, why, sizeof why), 0, "existing file readable");
    tap_eq(roam_fs_writable(p, why, sizeof why), 0, "existing file writable");
    tap_ok(roam_fs_writable(dir, why, sizeof why) < 0 && strstr(why, "not a regular file"),
           "a directory is not a log file: %s", why);
    snprintf(p, sizeof p, "%s/nodir/f", dir);
    tap_ok(roam_fs_writable(p, why, sizeof why) < 0 && strstr(why, "nodir"),
           "missing directory: %s", why);
    snprintf(p, sizeof p, "%s/f/g", dir);
    tap_ok(roam_fs_writable(p, why, sizeof why) < 0 && strstr(why, "is not a directory"),
           "a file as the directory: %s", why);
    tap_eq(roam_fs_writable("relative-name", why, sizeof why), access(".", W_OK) == 0 ? 0 : -1,
           "a bare name lives in the current directory");
    snprintf(p, sizeof p, "%s/f", dir);
    unlink(p);
    rmdir(dir);

    const char *good[] = { "::", "::1", "127.0.0.1", "vms-a.example", "a", "x_y.test",
                           "2001:db8::2" };
    const char *bad[] = { "", "bad host", "-a.example", "a-.example", "a..b", "a.b.", "[::1]",
                          "a/b" };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        tap_eq(roam_host_valid(good[i]), 1, "host '%s' valid", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        tap_eq(roam_host_valid(bad[i]), 0, "host '%s' refused", bad[i]);
    tap_ok(roam_ifname_valid("eth0") && roam_ifname_valid("br-vm.10") &&
           roam_ifname_valid("abcdefghijklmno"), "interface names");
    tap_ok(!roam_ifname_valid("") && !roam_ifname_valid("abcdefghijklmnop") &&
           !roam_ifname_valid("a/b") && !roam_ifname_valid("a b") && !roam_ifname_valid("a:1"),
           "not interface names");
    return tap_done();
}
