/* Base images by content, and the incremental copy's decisions without a
 * lab: a base's identity (format by header, a qcow2 with a backing file of
 * its own refused, symlinks refused where asked), the digest cache, the
 * destination's search of `[storage] base_dir` (a byte changed is another
 * base), its all-or-nothing plan for a PrepareDisks, and the source's
 * reading of the answer; the base dir hashed ahead in the background. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base_image.h"
#include "peer_disks.h"
#include "source_disks.h"
#include "tap.h"

static char err[1024], top[64];

static void put(const char *name, const void *data, size_t len, size_t pad)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", top, name);
    FILE *f = fopen(p, "w");
    if (!f)
        return;
    fwrite(data, 1, len, f);
    for (size_t i = 0; i < pad; i++)
        fputc(i & 0xff, f);
    fclose(f);
}

static const char *at(const char *name)
{
    static char p[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", top, name);
    return p[k];
}

static void test_identify(void)
{
    struct roamd_base_id a, b;
    put("base/debian.raw", "raw data", 8, 300000);
    tap_eq(roamd_base_identify(at("base/debian.raw"), 1, &a, err, sizeof err), 0,
           "a raw base is identified (%s)", err);
    tap_ok(a.size == 300008 && !strcmp(a.format, "raw"), "its size and format: %llu %s",
           (unsigned long long)a.size, a.format);
    unsigned long n = roamd_base_hash_count();
    tap_eq(roamd_base_identify(at("base/debian.raw"), 1, &b, err, sizeof err), 0,
           "identified again (%s)", err);
    tap_ok(roamd_base_hash_count() == n && !memcmp(a.sha256, b.sha256, sizeof a.sha256),
           "an unchanged base is not hashed twice");
    put("base/debian.raw", "raw dat!", 8, 300000);
    /* File times are coarse: make the rewrite's visible. */
    struct timespec t[2] = { { 1000, 0 }, { 1000, 0 } };
    utimensat(AT_FDCWD, at("base/debian.raw"), t, 0);
    tap_ok(roamd_base_identify(at("base/debian.raw"), 1, &b, err, sizeof err) == 0 &&
           roamd_base_hash_count() == n + 1 && memcmp(a.sha256, b.sha256, sizeof a.sha256),
           "a changed base is hashed again, to another digest");
    put("base/debian.raw", "raw data", 8, 300000);
    t[0].tv_sec = t[1].tv_sec = 2000;
    utimensat(AT_FDCWD, at("base/debian.raw"), t, 0);

    /* qcow2 header: magic, version 3, backing_file_offset. */
    unsigned char q[16] = { 'Q', 'F', 'I', 0xfb, 0, 0, 0, 3 };
    put("base/plain.qcow2", q, sizeof q, 1000);
    tap_ok(roamd_base_identify(at("base/plain.qcow2"), 1, &b, err, sizeof err) == 0 &&
           !strcmp(b.format, "qcow2"), "a qcow2 base is recognised by its header (%s)", err);
    q[15] = 0x40;
    put("chained.qcow2", q, sizeof q, 1000);
    tap_ok(roamd_base_identify(at("chained.qcow2"), 1, &b, err, sizeof err) < 0 &&
           strstr(err, "backing file of its own"), "a qcow2 with a backing file is no base: %s",
           err);
    (void)!symlink(at("base/debian.raw"), at("link.raw"));
    tap_ok(roamd_base_identify(at("link.raw"), 1, &b, err, sizeof err) < 0,
           "a symlink is refused where asked: %s", err);
    tap_eq(roamd_base_identify(at("link.raw"), 0, &b, err, sizeof err), 0,
           "and followed where not (%s)", err);
    tap_ok(roamd_base_identify(at("base"), 0, &b, err, sizeof err) < 0 &&
           strstr(err, "regular file"), "a directory is no base: %s", err);
}

static void test_find(void)
{
    struct roamd_base_id want;
    char path[512];
    roamd_base_identify(at("base/debian.raw"), 1, &want, err, sizeof err);
    tap_eq(roamd_base_find(at("base"), &want, path, sizeof path, err, sizeof err), 1,
           "the base is found by content (%s)", err);
    tap_eq_str(path, at("base/debian.raw"), "at its path");
    want.sha256[0] ^= 1;
    tap_eq(roamd_base_find(at("base"), &want, path, sizeof path, err, sizeof err), 0,
           "another digest of the same size: not found");
    want.sha256[0] ^= 1;
    strcpy(want.format, "qcow2");
    tap_eq(roamd_base_find(at("base"), &want, path, sizeof path, err, sizeof err), 0,
           "the same bytes claimed as another format: not found");
    tap_ok(roamd_base_find(at("none"), &want, path, sizeof path, err, sizeof err) < 0,
           "a missing base directory is an error: %s", err);
    /* A symlink in the base directory to a file elsewhere does not count. */
    mkdir(at("base2"), 0700);
    (void)!symlink(at("base/debian.raw"), at("base2/debian.raw"));
    strcpy(want.format, "raw");
    tap_eq(roamd_base_find(at("base2"), &want, path, sizeof path, err, sizeof err), 0,
           "a symlink in the base directory is ignored");
}

static void test_warm(void)
{
    struct roamd_base_id id;
    mkdir(at("warm"), 0700);
    put("warm/a.raw", "warm", 4, 100000);
    unsigned long n = roamd_base_hash_count();
    roamd_base_warm(at("warm"));
    for (int i = 0; i < 500 && roamd_base_hash_count() == n; i++)
        usleep(10000);
    tap_eq(roamd_base_hash_count(), n + 1, "the base dir is hashed in the background");
    tap_ok(roamd_base_identify(at("warm/a.raw"), 1, &id, err, sizeof err) == 0 &&
           roamd_base_hash_count() == n + 1, "and its digest is ready when asked for");
}

static void spec(Roam__V1__DiskSpec *s, const char *dev, const char *fmt,
                 const struct roamd_base_id *id)
{
    roam__v1__disk_spec__init(s);
    s->dev = (char *)dev;
    s->format = (char *)fmt;
    s->capacity = 1 << 20;
    if (id) {
        s->base_sha256.data = (uint8_t *)id->sha256;
        s->base_sha256.len = sizeof id->sha256;
        s->base_size = id->size;
        s->base_format = (char *)id->format;
    }
}

static void test_plan(void)
{
    struct roamd_base_id id, other;
    roamd_base_identify(at("base/debian.raw"), 1, &id, err, sizeof err);
    /* The source's copy of the base differs in one byte from this host's. */
    put("src-debian.raw", "raw dat!", 8, 300000);
    roamd_base_identify(at("src-debian.raw"), 1, &other, err, sizeof err);
    struct roamd_config c;
    roamd_config_defaults(&c);
    snprintf(c.storage_base_dir, sizeof c.storage_base_dir, "%s", at("base"));
    Roam__V1__DiskSpec s[2], *sp[2] = { &s[0], &s[1] };
    Roam__V1__PrepareDisks m = ROAM__V1__PREPARE_DISKS__INIT;
    m.disks = sp;
    char bases[2][ROAM_DISK_PATH_MAX + 1];

    spec(&s[0], "vda", "qcow2", &id);
    m.n_disks = 1;
    tap_eq(roamd_peer_disks_plan(&c, &m, bases), 1, "the same base here: incremental");
    tap_eq_str(bases[0], at("base/debian.raw"), "on this host's own copy of it");
    spec(&s[0], "vda", "qcow2", &other);
    tap_ok(roamd_peer_disks_plan(&c, &m, bases) == 0 && !bases[0][0],
           "a base differing in one byte: full copy");
    spec(&s[0], "vda", "qcow2", &id);
    spec(&s[1], "vdb", "qcow2", NULL);
    m.n_disks = 2;
    tap_ok(roamd_peer_disks_plan(&c, &m, bases) == 0 && !bases[0][0] && !bases[1][0],
           "one disk without a base: every disk copied whole");
    s[1].shared = 1;
    tap_eq(roamd_peer_disks_plan(&c, &m, bases), 1,
           "a shared disk beside an overlay: the overlay still goes incrementally");
    m.n_disks = 1;
    spec(&s[0], "vda", "raw", &id);
    tap_eq(roamd_peer_disks_plan(&c, &m, bases), 0, "a raw image is no overlay: full copy");
    spec(&s[0], "vda", "qcow2", &id);
    c.storage_base_dir[0] = '\0';
    tap_eq(roamd_peer_disks_plan(&c, &m, bases), 0, "no base_dir here: full copy");
}

static void test_mode(void)
{
    struct roamd_src_disks s;
    memset(&s, 0, sizeof s);
    s.n = s.n_copy = 2;
    s.base[0].size = s.base[1].size = 1;
    int none[2] = { 0, 0 }, all[2] = { 1, 1 }, half[2] = { 1, 0 };
    tap_eq(roamd_src_disks_mode(&s, none, err, sizeof err), 0, "no overlay answered: full copy");
    tap_eq(roamd_src_disks_mode(&s, all, err, sizeof err), 1,
           "every disk an overlay: incremental");
    tap_ok(roamd_src_disks_mode(&s, half, err, sizeof err) < 0 && strstr(err, "all or none"),
           "a mixed answer is refused: %s", err);
    s.base[1].size = 0;
    tap_ok(roamd_src_disks_mode(&s, all, err, sizeof err) < 0 && strstr(err, "names no base"),
           "an overlay for a disk without a base is refused: %s", err);
}

int main(void)
{
    snprintf(top, sizeof top, "/tmp/roam-base-XXXXXX");
    if (!mkdtemp(top)) {
        tap_skip("no temporary directory");
        return tap_done();
    }
    mkdir(at("base"), 0700);
    test_identify();
    test_find();
    test_warm();
    test_plan();
    test_mode();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", top);
    (void)!system(cmd);
    return tap_done();
}
