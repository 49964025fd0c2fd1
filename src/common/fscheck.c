/* Path checks for configurations (see fscheck.h). */
#include "fscheck.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errbuf.h"

int roam_fs_readable(const char *path, char *why, size_t whylen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return roam_errf(why, whylen, "cannot read %s: %s", path, strerror(errno));
    close(fd);
    return 0;
}

int roam_fs_writable(const char *path, char *why, size_t whylen)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    struct stat st;
    if (stat(dir, &st) < 0)
        return roam_errf(why, whylen, "directory %s of %s: %s", dir, path, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return roam_errf(why, whylen, "%s (the directory of %s) is not a directory", dir, path);
    if (access(dir, W_OK | X_OK) < 0)
        return roam_errf(why, whylen, "directory %s of %s is not writable: %s", dir, path,
                         strerror(errno));
    if (stat(path, &st) < 0)
        return errno == ENOENT ? 0 : roam_errf(why, whylen, "%s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return roam_errf(why, whylen, "%s is not a regular file", path);
    if (access(path, R_OK | W_OK) < 0)
        return roam_errf(why, whylen, "%s is not writable: %s", path, strerror(errno));
    return 0;
}
