/* Base images identified by content (see base_image.h). */
#include "base_image.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "errbuf.h"
#include "log.h"

#define CACHE_MAX 64
#define CHUNK ((size_t)1 << 20)

struct cached {
    dev_t dev;
    ino_t ino;
    struct timespec mtime;
    off_t size;
    struct roamd_base_id id;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct cached cache[CACHE_MAX];
static size_t n_cache, next_slot;
static unsigned long hashed;

static int same_file(const struct cached *c, const struct stat *st)
{
    return c->dev == st->st_dev && c->ino == st->st_ino && c->size == st->st_size &&
           c->mtime.tv_sec == st->st_mtim.tv_sec && c->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

static int lookup(const struct stat *st, struct roamd_base_id *id)
{
    int found = 0;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < n_cache && !found; i++)
        if (same_file(&cache[i], st)) {
            *id = cache[i].id;
            found = 1;
        }
    pthread_mutex_unlock(&lock);
    return found;
}

static void store(const struct stat *st, const struct roamd_base_id *id)
{
    pthread_mutex_lock(&lock);
    struct cached *c = &cache[next_slot];
    next_slot = (next_slot + 1) % CACHE_MAX;
    if (n_cache < CACHE_MAX)
        n_cache++;
    c->dev = st->st_dev;
    c->ino = st->st_ino;
    c->mtime = st->st_mtim;
    c->size = st->st_size;
    c->id = *id;
    hashed++;
    pthread_mutex_unlock(&lock);
}

unsigned long roamd_base_hash_count(void)
{
    pthread_mutex_lock(&lock);
    unsigned long n = hashed;
    pthread_mutex_unlock(&lock);
    return n;
}

static uint64_t be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* Format by header; a qcow2 with a backing file is no base.  0 or -1. */
static int read_format(int fd, const char *path, struct roamd_base_id *id, char *err,
                       size_t errlen)
{
    unsigned char h[16];
    ssize_t n = pread(fd, h, sizeof h, 0);
    if (n < 0)
        return roam_errf(err, errlen, "base %s: %s", path, strerror(errno));
    if (n == (ssize_t)sizeof h && memcmp(h, "QFI\xfb", 4) == 0) {
        if (be64(h + 8) != 0)
            return roam_errf(err, errlen, "base %s has a backing file of its own", path);
        strcpy(id->format, "qcow2");
    } else
        strcpy(id->format, "raw");
    return 0;
}

static int digest(int fd, const char *path, uint8_t out[ROAM_DISK_DIGEST_LEN], char *err,
                  size_t errlen)
{
    unsigned char *buf = malloc(CHUNK);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int rc = -1;
    if (!buf || !md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        roam_errf(err, errlen, "base %s: out of memory", path);
        goto out;
    }
    for (off_t at = 0;;) {
        ssize_t n = pread(fd, buf, CHUNK, at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            roam_errf(err, errlen, "base %s: %s", path, strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        if (EVP_DigestUpdate(md, buf, (size_t)n) != 1) {
            roam_errf(err, errlen, "base %s: digest failed", path);
            goto out;
        }
        at += n;
    }
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(md, out, &len) != 1 || len != ROAM_DISK_DIGEST_LEN)
        roam_errf(err, errlen, "base %s: digest failed", path);
    else
        rc = 0;
out:
    EVP_MD_CTX_free(md);
    free(buf);
    return rc;
}

int roamd_base_identify(const char *path, int nofollow, struct roamd_base_id *id, char *err,
                        size_t errlen)
{
    memset(id, 0, sizeof *id);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0)
        return roam_errf(err, errlen, "base %s: %s", path, strerror(errno));
    struct stat st, after;
    int rc = -1;
    if (fstat(fd, &st) < 0)
        roam_errf(err, errlen, "base %s: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        roam_errf(err, errlen, "base %s is not a regular file", path);
    else if (st.st_size == 0)
        roam_errf(err, errlen, "base %s is empty", path);
    else if (read_format(fd, path, id, err, errlen) == 0) {
        char format[sizeof id->format];
        memcpy(format, id->format, sizeof format);
        if (lookup(&st, id))
            rc = 0;
        else if (digest(fd, path, id->sha256, err, errlen) == 0) {
            /* A base that changed while it was read has no one digest. */
            if (fstat(fd, &after) < 0 || after.st_size != st.st_size ||
                after.st_mtim.tv_sec != st.st_mtim.tv_sec ||
                after.st_mtim.tv_nsec != st.st_mtim.tv_nsec)
                roam_errf(err, errlen, "base %s changed while it was read", path);
            else {
                memcpy(id->format, format, sizeof format);
                id->size = (uint64_t)st.st_size;
                store(&st, id);
                rc = 0;
            }
        }
    }
    close(fd);
    return rc;
}

int roamd_base_find(const char *dir, const struct roamd_base_id *want, char *path, size_t cap,
                    char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d)
        return roam_errf(err, errlen, "base directory %s: %s", dir, strerror(errno));
    int found = 0;
    struct dirent *e;
    for (int seen = 0; !found && seen < ROAMD_BASE_SCAN_MAX && (e = readdir(d)); seen++) {
        struct stat st;
        if (e->d_name[0] == '.' ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
            !S_ISREG(st.st_mode) || (uint64_t)st.st_size != want->size)
            continue;
        char p[4096], why[ROAM_ERR_MAX];
        struct roamd_base_id have;
        int n = snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (n < 0 || (size_t)n >= sizeof p || (size_t)n >= cap ||
            roamd_base_identify(p, 1, &have, why, sizeof why) < 0)
            continue;   /* not a usable base: look on */
        if (have.size == want->size && strcmp(have.format, want->format) == 0 &&
            memcmp(have.sha256, want->sha256, sizeof have.sha256) == 0) {
            memcpy(path, p, (size_t)n + 1);
            found = 1;
        }
    }
    closedir(d);
    return found;
}

static void *warm(void *arg)
{
    char *dir = arg, err[ROAM_ERR_MAX];
    DIR *d = opendir(dir);
    if (!d)
        roam_log("base_dir %s: %s", dir, strerror(errno));
    struct dirent *e;
    unsigned n = 0;
    for (int seen = 0; d && seen < ROAMD_BASE_SCAN_MAX && (e = readdir(d)); seen++) {
        char p[4096];
        struct roamd_base_id id;
        int k = snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (e->d_name[0] == '.' || k < 0 || (size_t)k >= sizeof p)
            continue;
        if (roamd_base_identify(p, 1, &id, err, sizeof err) == 0)
            n++;
    }
    if (d) {
        closedir(d);
        roam_log("base_dir %s: %u base images hashed", dir, n);
    }
    free(dir);
    return NULL;
}

void roamd_base_warm(const char *dir)
{
    if (!dir || !dir[0])
        return;
    char *copy = strdup(dir);
    pthread_t t;
    pthread_attr_t at;
    if (!copy)
        return;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &at, warm, copy) != 0) {
        roam_log("base_dir %s: cannot hash in the background", dir);
        free(copy);
    }
    pthread_attr_destroy(&at);
}
