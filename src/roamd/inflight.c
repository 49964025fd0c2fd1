/* In-flight migration records on disk (see inflight.h). */
#include "inflight.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "errbuf.h"
#include "log.h"

#define RECORD_MAX 2048   /* a record's file, at most */

static const char *const role_names[] = { "source", "destination" };
static const char *const step_names[] = { "linking", "migrating", "migrated", "armed" };

const char *roamd_inflight_role_name(enum roamd_inflight_role r)
{
    return (unsigned)r < 2 ? role_names[r] : "?";
}

const char *roamd_inflight_step_name(enum roamd_inflight_step s)
{
    return (unsigned)s < 4 ? step_names[s] : "?";
}

static int dir_path(const char *state_dir, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s/inflight", state_dir);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* <dir>/<role>-<query>; the query id is hex (checked), so the name is safe. */
static int file_path(const char *state_dir, const struct roamd_inflight *r, const char *suffix,
                     char *out, size_t cap)
{
    if (strlen(r->query) != 32 || strspn(r->query, "0123456789abcdef") != 32)
        return -1;
    int n = snprintf(out, cap, "%s/inflight/%s-%s%s", state_dir, roamd_inflight_role_name(r->role),
                     r->query, suffix);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int roamd_inflight_init(const char *state_dir, char *err, size_t errlen)
{
    char d[4096];
    if (dir_path(state_dir, d, sizeof d) < 0)
        return roam_errf(err, errlen, "state directory path too long");
    if (mkdir(state_dir, 0700) < 0 && errno != EEXIST)
        return roam_errf(err, errlen, "%s: %s", state_dir, strerror(errno));
    if (mkdir(d, 0700) < 0 && errno != EEXIST)
        return roam_errf(err, errlen, "%s: %s", d, strerror(errno));
    if (access(d, W_OK | X_OK) < 0)
        return roam_errf(err, errlen, "%s: %s", d, strerror(errno));
    return 0;
}

/* A field must stay on its line: no control characters. */
static int field_ok(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

int roamd_inflight_format(const struct roamd_inflight *r, char *buf, size_t cap)
{
    if (!field_ok(r->vm) || !field_ok(r->peer) || !field_ok(r->primary) ||
        !field_ok(r->secondary))
        return -1;
    int n = snprintf(buf, cap,
                     "roam-inflight 1\nrole=%s\nstep=%s\nvm=%s\nquery=%s\npeer=%s\n"
                     "primary=%s\nsecondary=%s\nsince=%" PRId64 "\n",
                     roamd_inflight_role_name(r->role), roamd_inflight_step_name(r->step), r->vm,
                     r->query, r->peer, r->primary, r->secondary, r->since);
    return n < 0 || (size_t)n >= cap ? -1 : n;
}

static int name_index(const char *v, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(v, names[i]) == 0)
            return i;
    return -1;
}

static int set_field(char *dst, size_t cap, const char *v)
{
    size_t len = strlen(v);
    if (len >= cap)
        return -1;
    memcpy(dst, v, len + 1);
    return 0;
}

/* One "key=value" line into r.  0, or -1. */
static int take_line(struct roamd_inflight *r, const char *k, const char *v, unsigned *seen)
{
    int i;
    if (strcmp(k, "role") == 0 && (i = name_index(v, role_names, 2)) >= 0)
        r->role = (enum roamd_inflight_role)i, *seen |= 1;
    else if (strcmp(k, "step") == 0 && (i = name_index(v, step_names, 4)) >= 0)
        r->step = (enum roamd_inflight_step)i, *seen |= 2;
    else if (strcmp(k, "vm") == 0 && v[0] && set_field(r->vm, sizeof r->vm, v) == 0)
        *seen |= 4;
    else if (strcmp(k, "query") == 0 && strlen(v) == 32 && strspn(v, "0123456789abcdef") == 32)
        memcpy(r->query, v, 33), *seen |= 8;
    else if (strcmp(k, "peer") == 0 && set_field(r->peer, sizeof r->peer, v) == 0)
        *seen |= 16;
    else if (strcmp(k, "primary") == 0 && set_field(r->primary, sizeof r->primary, v) == 0)
        *seen |= 32;
    else if (strcmp(k, "secondary") == 0 && set_field(r->secondary, sizeof r->secondary, v) == 0)
        *seen |= 64;
    else if (strcmp(k, "since") == 0 && v[0]) {
        char *end;
        errno = 0;
        long long t = strtoll(v, &end, 10);
        if (*end || errno || t < 0)
            return -1;
        r->since = t;
        *seen |= 128;
    } else
        return -1;
    return 0;
}

int roamd_inflight_parse(const char *text, struct roamd_inflight *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    static const char head[] = "roam-inflight 1\n";
    if (strncmp(text, head, sizeof head - 1) != 0)
        return roam_errf(err, errlen, "not an in-flight record (version 1)");
    const char *p = text + sizeof head - 1;
    unsigned seen = 0;
    int lineno = 1;
    while (*p) {
        lineno++;
        const char *nl = strchr(p, '\n');
        if (!nl)
            return roam_errf(err, errlen, "line %d: unterminated (torn write?)", lineno);
        char line[RECORD_MAX];
        size_t len = (size_t)(nl - p);
        if (len >= sizeof line)
            return roam_errf(err, errlen, "line %d: too long", lineno);
        memcpy(line, p, len);
        line[len] = '\0';
        char *eq = strchr(line, '=');
        if (!eq)
            return roam_errf(err, errlen, "line %d: not key=value", lineno);
        *eq = '\0';
        if (take_line(r, line, eq + 1, &seen) < 0)
            return roam_errf(err, errlen, "line %d: bad or unknown key '%s'", lineno, line);
        p = nl + 1;
    }
    if (seen != 255)
        return roam_errf(err, errlen, "incomplete record");
    return 0;
}

static int fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int r = fsync(fd);
    close(fd);
    return r;
}

int roamd_inflight_write(const char *state_dir, const struct roamd_inflight *r, char *err,
                         size_t errlen)
{
    char buf[RECORD_MAX], path[4096], tmp[4096], dir[4096];
    int len = roamd_inflight_format(r, buf, sizeof buf);
    if (len < 0)
        return roam_errf(err, errlen, "in-flight record of VM %s does not fit", r->vm);
    if (file_path(state_dir, r, "", path, sizeof path) < 0 ||
        file_path(state_dir, r, ".tmp", tmp, sizeof tmp) < 0 ||
        dir_path(state_dir, dir, sizeof dir) < 0)
        return roam_errf(err, errlen, "in-flight record: bad query id or path too long");
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return roam_errf(err, errlen, "%s: %s", tmp, strerror(errno));
    ssize_t w = write(fd, buf, (size_t)len);
    int e = w == len ? 0 : w < 0 ? errno : EIO;
    if (!e && fsync(fd) < 0)
        e = errno;
    if (close(fd) < 0 && !e)
        e = errno;
    if (!e && rename(tmp, path) < 0)
        e = errno;
    if (e) {
        unlink(tmp);
        return roam_errf(err, errlen, "%s: %s", path, strerror(e));
    }
    if (fsync_dir(dir) < 0)
        return roam_errf(err, errlen, "%s: fsync: %s", dir, strerror(errno));
    return 0;
}

int roamd_inflight_remove(const char *state_dir, const struct roamd_inflight *r, char *err,
                          size_t errlen)
{
    char path[4096], dir[4096];
    if (file_path(state_dir, r, "", path, sizeof path) < 0 ||
        dir_path(state_dir, dir, sizeof dir) < 0)
        return roam_errf(err, errlen, "in-flight record: bad query id or path too long");
    if (unlink(path) < 0 && errno != ENOENT)
        return roam_errf(err, errlen, "%s: %s", path, strerror(errno));
    if (fsync_dir(dir) < 0)
        return roam_errf(err, errlen, "%s: fsync: %s", dir, strerror(errno));
    return 0;
}

/* The whole (small) file at path into buf.  0, or -1. */
static int slurp(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            close(fd);
            if (r < 0 || n == cap - 1)
                return -1;
            buf[n] = '\0';
            return 0;
        }
        n += (size_t)r;
        if (n == cap - 1) {
            close(fd);
            return -1;   /* larger than any record */
        }
    }
}

static int is_record_name(const char *name)
{
    return (strncmp(name, "source-", 7) == 0 || strncmp(name, "destination-", 12) == 0) &&
           !strchr(name, '.');
}

int roamd_inflight_load(const char *state_dir, struct roamd_inflight *out, size_t max, size_t *n,
                        int set_aside, char *err, size_t errlen)
{
    char dir[4096];
    *n = 0;
    if (dir_path(state_dir, dir, sizeof dir) < 0)
        return roam_errf(err, errlen, "state directory path too long");
    DIR *dh = opendir(dir);
    if (!dh) {
        if (errno == ENOENT)
            return 0;
        return roam_errf(err, errlen, "%s: %s", dir, strerror(errno));
    }
    struct dirent *de;
    while ((de = readdir(dh)) != NULL) {
        char path[4096], bad[4200], buf[RECORD_MAX], why[ROAM_ERR_MAX];
        if (!is_record_name(de->d_name))
            continue;   /* ".", "..", a *.tmp a crash left, a *.bad set aside */
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path)
            continue;
        if (*n == max) {
            roam_log("in-flight records: more than %zu in %s; %s left for later", max, dir,
                     de->d_name);
            continue;
        }
        if (slurp(path, buf, sizeof buf) < 0)
            snprintf(why, sizeof why, "cannot read it, or larger than a record");
        else if (roamd_inflight_parse(buf, &out[*n], why, sizeof why) == 0) {
            (*n)++;
            continue;
        }
        if (!set_aside)
            continue;
        snprintf(bad, sizeof bad, "%s.bad", path);
        roam_log("in-flight record %s unusable (%s): set aside as %s", path, why, bad);
        (void)rename(path, bad);
    }
    closedir(dh);
    return 0;
}
