/* Reading and writing armored roam objects (abe.h, "key files"). */
#include "abe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "armor.h"
#include "format.h"

/* Whole file, at most 2 MiB (an armored 1 MiB object is 1.4 MiB). */
#define FILE_MAX (2u << 20)

static int read_all(const char *path, char **buf, size_t *len, struct stat *st_out, char *err,
                    size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)FILE_MAX) {
        snprintf(err, errlen, "%s: not a regular file of at most %u bytes", path, FILE_MAX);
        close(fd);
        return -1;
    }
    char *b = malloc(FILE_MAX + 1);
    size_t n = 0;
    int bad = 0;
    if (b == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        close(fd);
        return -1;
    }
    for (;;) {
        ssize_t r = read(fd, b + n, FILE_MAX + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            bad = 1;
            break;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > FILE_MAX) {
            snprintf(err, errlen, "%s: larger than %u bytes", path, FILE_MAX);
            bad = 1;
            break;
        }
    }
    close(fd);
    if (bad) {
        OPENSSL_cleanse(b, n > FILE_MAX ? FILE_MAX + 1 : n);
        free(b);
        return -1;
    }
    *buf = b;
    *len = n;
    *st_out = st;
    return 0;
}

/* As ssh does for its private keys: a secret that others could have read
 * (or that someone else owns, who could widen its mode) is refused. */
static int secret_mode_check(const char *path, abe_obj_type type, const struct stat *st,
                             char *err, size_t errlen)
{
    if (type != ABE_OBJ_MSK && type != ABE_OBJ_USER_KEY)
        return 0;
    if (st->st_mode & 077) {
        snprintf(err, errlen, "%s: mode %04o: a %s must not be accessible by group or others "
                 "(chmod 600 it)", path, (unsigned)(st->st_mode & 07777), abe_obj_label(type));
        return -1;
    }
    if (st->st_uid != geteuid() && st->st_uid != 0) {
        snprintf(err, errlen, "%s: owned by uid %u: a %s must be owned by its user or root",
                 path, (unsigned)st->st_uid, abe_obj_label(type));
        return -1;
    }
    return 0;
}

int abe_keyfile_load(const char *path, abe_obj_type want, uint8_t **obj, size_t *len,
                     abe_obj_type *type, char *err, size_t errlen)
{
    char *text = NULL, label[ABE_ARMOR_MAX_LABEL + 1];
    size_t tl = 0;
    const char *why;
    if (errlen > 0)
        err[0] = '\0';
    if (path == NULL || obj == NULL || len == NULL || type == NULL)
        return -1;
    struct stat st;
    if (read_all(path, &text, &tl, &st, err, errlen) != 0)
        return -1;
    uint8_t *d = NULL;
    size_t dl = 0;
    int rc = abe_armor_decode(text, tl, label, &d, &dl, &why);
    OPENSSL_cleanse(text, tl);
    free(text);
    if (rc != 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        return -1;
    }
    const uint8_t *body;
    size_t bl;
    rc = abe_obj_parse_header(d, dl, type, &body, &bl);
    if (rc != ABE_OK) {
        snprintf(err, errlen, "%s: %s", path, abe_strerror(rc));
        goto fail;
    }
    if (strcmp(label, abe_obj_label(*type)) != 0) {
        snprintf(err, errlen, "%s: armor label '%s' does not match the content (%s)", path,
                 label, abe_obj_label(*type));
        goto fail;
    }
    if (want != 0 && *type != want) {
        snprintf(err, errlen, "%s: is a %s, expected a %s", path, abe_obj_label(*type),
                 abe_obj_label(want));
        goto fail;
    }
    if (secret_mode_check(path, *type, &st, err, errlen) != 0)
        goto fail;
    *obj = d;
    *len = dl;
    return 0;
fail:
    abe_free_secret(d, dl);
    return -1;
}

int abe_keyfile_save(const char *path, const uint8_t *obj, size_t len, char *err, size_t errlen)
{
    abe_obj_type type;
    const uint8_t *body;
    size_t bl, al = 0;
    char *text = NULL;
    if (errlen > 0)
        err[0] = '\0';
    if (path == NULL || abe_obj_parse_header(obj, len, &type, &body, &bl) != ABE_OK) {
        snprintf(err, errlen, "%s: internal error: not a roam object", path ? path : "?");
        return -1;
    }
    int secret = type == ABE_OBJ_MSK || type == ABE_OBJ_USER_KEY;
    mode_t mode = secret ? 0600 : 0644;
    if (abe_armor_encode(abe_obj_label(type), obj, len, &text, &al) != 0) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    int rc = -1;
    /* O_EXCL: never follow a planted symlink or overwrite a key; fchmod:
     * the umask must not widen nor narrow the intended mode. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, errno == EEXIST ? "file exists (refusing to overwrite)"
                                                               : strerror(errno));
        goto out;
    }
    if (fchmod(fd, mode) != 0) {
        snprintf(err, errlen, "%s: chmod: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        goto out;
    }
    size_t off = 0;
    while (off < al) {
        ssize_t w = write(fd, text + off, al - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            snprintf(err, errlen, "%s: write: %s", path, strerror(errno));
            break;
        }
        off += (size_t)w;
    }
    if (off == al && fsync(fd) != 0)
        snprintf(err, errlen, "%s: fsync: %s", path, strerror(errno));
    if (close(fd) != 0 && err[0] == '\0')
        snprintf(err, errlen, "%s: close: %s", path, strerror(errno));
    if (err[0] != '\0')
        unlink(path);
    else
        rc = 0;
out:
    if (text != NULL)
        OPENSSL_cleanse(text, al);
    free(text);
    return rc;
}
