/* Dropping privileges (privdrop.h). */
#define _GNU_SOURCE
#include "privdrop.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errbuf.h"

/* capset may itself be filtered (systemd's @privileged): what counts is
 * what capget says remains. */
static int no_capabilities(char *err, size_t errlen)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct caps[2];
    memset(caps, 0, sizeof caps);
    (void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    (void)syscall(SYS_capset, &h, caps);
    if (syscall(SYS_capget, &h, caps) < 0)
        return roam_errf(err, errlen, "capget: %s", strerror(errno));
    for (int i = 0; i < 2; i++)
        if (caps[i].effective || caps[i].permitted || caps[i].inheritable)
            return roam_errf(err, errlen, "capabilities remain (permitted 0x%x%08x)",
                             caps[1].permitted, caps[0].permitted);
    return 0;
}

int roam_privdrop(char *err, size_t errlen)
{
    if (geteuid() == 0 || getuid() == 0) {
        uid_t uid = 65534;
        gid_t gid = 65534;
        const struct passwd *pw = getpwnam("nobody");
        if (pw) {
            uid = pw->pw_uid;
            gid = pw->pw_gid;
        }
        if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
            setresuid(uid, uid, uid) < 0)
            return roam_errf(err, errlen, "cannot become nobody: %s", strerror(errno));
        if (setuid(0) == 0)
            return roam_errf(err, errlen, "root came back after dropping it");
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return roam_errf(err, errlen, "prctl: %s", strerror(errno));
    return no_capabilities(err, errlen);
}
