/* Locate keys on disk (see locate_store.h). */
#include "locate_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "errbuf.h"
#include "log.h"

#define FILE_MAX (ROAM_NAME_MAX + 2 * ROAM_LOCATE_KEY_LEN + 16)

/* Pruning scans the directory: at most once a minute, or at every store
 * while the directory is full. */
static pthread_mutex_t prune_lock = PTHREAD_MUTEX_INITIALIZER;
static time_t last_prune;
static long last_count;

static int file_path(const char *state_dir, const char *role, const uint8_t *qid, char *out,
                     size_t cap)
{
    char hex[2 * ROAM_QUERY_ID_LEN + 1];
    for (int i = 0; i < ROAM_QUERY_ID_LEN; i++)
        snprintf(hex + 2 * i, 3, "%02x", qid[i]);
    int n = snprintf(out, cap, "%s/locate/%s-%s", state_dir, role, hex);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

long roamd_locate_store_prune(const char *state_dir, time_t now)
{
    char dir[4096], p[4352];
    if (snprintf(dir, sizeof dir, "%s/locate", state_dir) >= (int)sizeof dir)
        return -1;
    DIR *dh = opendir(dir);
    if (!dh)
        return errno == ENOENT ? 0 : -1;
    long left = 0;
    struct dirent *e;
    while ((e = readdir(dh))) {
        if (e->d_name[0] == '.')
            continue;
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) && now - st.st_mtime > ROAMD_LOCATE_TTL_S)
            unlink(p);
        else
            left++;
    }
    closedir(dh);
    return left;
}

/* Prune when due; 1 if there is room for one more file. */
static int room(const char *state_dir, time_t now)
{
    pthread_mutex_lock(&prune_lock);
    if (now - last_prune >= 60 || last_count >= ROAMD_LOCATE_MAX) {
        last_count = roamd_locate_store_prune(state_dir, now);
        last_prune = now;
    }
    int ok = last_count >= 0 && last_count < ROAMD_LOCATE_MAX;
    if (ok)
        last_count++;
    pthread_mutex_unlock(&prune_lock);
    return ok;
}

int roamd_locate_store_put(const char *state_dir, const char *role,
                           const uint8_t qid[ROAM_QUERY_ID_LEN], const char *vm,
                           const uint8_t key[ROAM_LOCATE_KEY_LEN], time_t now, char *err,
                           size_t errlen)
{
    char dir[4096], path[4352], text[FILE_MAX];
    if (snprintf(dir, sizeof dir, "%s/locate", state_dir) >= (int)sizeof dir ||
        file_path(state_dir, role, qid, path, sizeof path) < 0)
        return roam_errf(err, errlen, "state directory path too long");
    if (strlen(vm) > ROAM_NAME_MAX || strchr(vm, '\n'))
        return roam_errf(err, errlen, "VM name not storable");
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return roam_errf(err, errlen, "%s: %s", dir, strerror(errno));
    if (!room(state_dir, now))
        return roam_errf(err, errlen, "%s holds %d keys already", dir, ROAMD_LOCATE_MAX);
    int n = snprintf(text, sizeof text, "vm %s\nkey ", vm);
    for (int i = 0; i < ROAM_LOCATE_KEY_LEN; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "%02x", key[i]);
    n += snprintf(text + n, sizeof text - (size_t)n, "\n");
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    int rc = 0;
    if (fd < 0 || write(fd, text, (size_t)n) != n)
        rc = roam_errf(err, errlen, "%s: %s", path, strerror(errno));
    if (fd >= 0 && close(fd) < 0 && rc == 0)
        rc = roam_errf(err, errlen, "%s: %s", path, strerror(errno));
    if (rc < 0)
        unlink(path);
    OPENSSL_cleanse(text, sizeof text);
    return rc;
}

/* Parse "vm NAME\nkey HEX\n" into vm and key.  0 or -1. */
static int parse(const char *text, char vm[ROAM_NAME_MAX + 1], uint8_t key[ROAM_LOCATE_KEY_LEN])
{
    if (strncmp(text, "vm ", 3) != 0)
        return -1;
    const char *nl = strchr(text + 3, '\n');
    size_t len = nl ? (size_t)(nl - text - 3) : 0;
    if (!nl || len == 0 || len > ROAM_NAME_MAX || strncmp(nl + 1, "key ", 4) != 0)
        return -1;
    memcpy(vm, text + 3, len);
    vm[len] = '\0';
    const char *h = nl + 5;
    for (int i = 0; i < ROAM_LOCATE_KEY_LEN; i++) {
        int a = hexval(h[2 * i]), b = a < 0 ? -1 : hexval(h[2 * i + 1]);
        if (b < 0)
            return -1;
        key[i] = (uint8_t)(a << 4 | b);
    }
    return strcmp(h + 2 * ROAM_LOCATE_KEY_LEN, "\n") == 0 ? 0 : -1;
}

int roamd_locate_store_get(const char *state_dir, const char *role,
                           const uint8_t qid[ROAM_QUERY_ID_LEN], char vm[ROAM_NAME_MAX + 1],
                           uint8_t key[ROAM_LOCATE_KEY_LEN], time_t now)
{
    char path[4352], text[FILE_MAX + 1];
    if (file_path(state_dir, role, qid, path, sizeof path) < 0)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    struct stat st;
    ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                        now - st.st_mtime <= ROAMD_LOCATE_TTL_S
                    ? read(fd, text, FILE_MAX)
                    : -1;
    close(fd);
    int rc = -1;
    if (n > 0) {
        text[n] = '\0';
        rc = parse(text, vm, key);
    }
    OPENSSL_cleanse(text, sizeof text);
    return rc;
}
