/* Disks on the roamd side without a lab: the [storage] keys, the volume
 * names the destination gives incoming disks, the PrepareDisks/DisksReady
 * wire rules (sizes, counts, "a path iff shared"), and the largest legal
 * PrepareDisks fitting a small frame. */
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "peer_disks.h"
#include "roamd_config.h"
#include "tap.h"

static char err[1024];

static const char base[] =
    "[roamd]\nname = b.example\ncert = /c\nkey = /k\npeer_ca = /ca\nmpk = /m\n"
    "accept_policy = p\n";

static int parse(const char *extra, struct roamd_config *c)
{
    char text[2048];
    snprintf(text, sizeof text, "%s%s", base, extra);
    roamd_config_defaults(c);
    return roamd_config_parse_string(c, text, "roamd.conf", err, sizeof err);
}

static void test_config(void)
{
    struct roamd_config c;
    tap_ok(parse("", &c) == 0 && !c.storage_pool[0] && c.max_disk_gib == 64 &&
           !c.remove_source && !c.storage_shared, "storage defaults: no pool, 64 GiB, keep, "
           "not shared (%s)", err);
    tap_ok(parse("[storage]\npool = roam\nmax_disk_gib = 2\nremove_source = yes\nshared = yes\n",
                 &c) == 0 && !strcmp(c.storage_pool, "roam") && c.max_disk_gib == 2 &&
           c.remove_source && c.storage_shared, "[storage] keys read (%s)", err);
    tap_ok(parse("[storage]\nshared = yes\n", &c) < 0 && strstr(err, "needs 'pool'"),
           "shared without a pool refused: %s", err);
    tap_ok(parse("[storage]\nmax_disk_gib = 0\n", &c) < 0 && strstr(err, "max_disk_gib"),
           "max_disk_gib 0 refused: %s", err);
    tap_ok(parse("[storage]\nbase_dir = /srv/bases\n", &c) == 0 &&
           !strcmp(c.storage_base_dir, "/srv/bases"), "base_dir read (%s)", err);
    tap_ok(parse("", &c) == 0 && !c.storage_base_dir[0], "no base_dir by default");
    tap_ok(parse("[storage]\nbase_dir = srv\n", &c) < 0 && strstr(err, "base_dir"),
           "a relative base_dir refused: %s", err);
    tap_ok(parse("[storage]\nbase_dir = /a:/b\n", &c) < 0 && strstr(err, "one directory"),
           "a list for base_dir refused: %s", err);
}

static void test_names(void)
{
    const uint8_t qid[16] = { 0xde, 0xad, 0xbe, 0xef, 1 };
    char n[64];
    tap_ok(roamd_disk_volume_name("web-1", "vda", "qcow2", qid, n, sizeof n) == 0 &&
           !strcmp(n, "web-1-vda-deadbeef.qcow2"), "volume name: %s", n);
    tap_ok(roamd_disk_volume_name("../x y", "vdb", "raw", qid, n, sizeof n) == 0 &&
           !strcmp(n, "_._x_y-vdb-deadbeef.raw"), "volume name, odd VM name (no slash, no leading dot): %s", n);
    tap_eq(roamd_disk_volume_name("long-name", "vda", "qcow2", qid, n, 10), -1,
           "volume name that does not fit: refused");
}

static int check(Roam__V1__PrepareDisks *m)
{
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.version = ROAM_PROTO_VERSION;
    env.body_case = ROAM__V1__ENVELOPE__BODY_PREPARE_DISKS;
    env.prepare_disks = m;
    return roam_msg_validate(&env, err, sizeof err);
}

static void test_wire(void)
{
    uint8_t qid[16] = { 0 }, digest[ROAM_DISK_DIGEST_LEN + 1] = { 0 };
    static char path[ROAM_DISK_PATH_MAX + 1];
    memset(path, 'p', ROAM_DISK_PATH_MAX);
    path[0] = '/';
    Roam__V1__DiskSpec s[ROAM_DISKS_MAX + 1], *sp[ROAM_DISKS_MAX + 1];
    for (int i = 0; i <= ROAM_DISKS_MAX; i++) {
        roam__v1__disk_spec__init(&s[i]);
        s[i].dev = "vdaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";   /* ROAM_DISK_DEV_MAX characters */
        s[i].format = "qcow2";
        s[i].capacity = 1;
        s[i].shared = 1;
        s[i].path = path;
        s[i].base_sha256.data = digest;
        s[i].base_sha256.len = ROAM_DISK_DIGEST_LEN;
        s[i].base_size = UINT64_MAX;
        s[i].base_format = "qcow2qcow2qcow2";   /* ROAM_DISK_FORMAT_MAX characters */
        sp[i] = &s[i];
    }
    Roam__V1__PrepareDisks m = ROAM__V1__PREPARE_DISKS__INIT;
    m.vm = "vm";
    m.query_id.data = qid;
    m.query_id.len = 16;
    m.disks = sp;
    m.n_disks = ROAM_DISKS_MAX;
    tap_eq(check(&m), 0, "PrepareDisks at every limit is valid (%s)", err);
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.version = ROAM_PROTO_VERSION;
    env.body_case = ROAM__V1__ENVELOPE__BODY_PREPARE_DISKS;
    env.prepare_disks = &m;
    size_t packed = roam__v1__envelope__get_packed_size(&env);
    tap_ok(packed <= roam_msg_max_frame(ROAM__V1__ENVELOPE__BODY_PREPARE_DISKS),
           "the largest PrepareDisks (%zu bytes) fits its frame limit", packed);
    m.n_disks = ROAM_DISKS_MAX + 1;
    tap_ok(check(&m) < 0 && strstr(err, "at most"), "one disk too many refused: %s", err);
    m.n_disks = 1;
    s[0].shared = 0;
    tap_ok(check(&m) < 0 && strstr(err, "a path iff shared"), "copied disk with a path: %s",
           err);
    s[0].path = "";
    tap_eq(check(&m), 0, "copied disk without a path is valid (%s)", err);
    s[0].capacity = 0;
    tap_ok(check(&m) < 0 && strstr(err, "capacity"), "disk without capacity refused: %s", err);
    s[0].capacity = 1;
    s[0].base_sha256.len = ROAM_DISK_DIGEST_LEN - 1;
    tap_ok(check(&m) < 0 && strstr(err, "base"), "a short base digest refused: %s", err);
    s[0].base_sha256.len = ROAM_DISK_DIGEST_LEN + 1;
    tap_ok(check(&m) < 0 && strstr(err, "base_sha256"), "a long base digest refused: %s", err);
    s[0].base_sha256.len = ROAM_DISK_DIGEST_LEN;
    s[0].base_size = 0;
    tap_ok(check(&m) < 0 && strstr(err, "together"), "a base without its size refused: %s",
           err);
    s[0].base_size = 1;
    s[0].base_format = "";
    tap_ok(check(&m) < 0 && strstr(err, "together"), "a base without its format refused: %s",
           err);
    s[0].base_sha256.len = 0;
    s[0].base_size = 0;
    tap_eq(check(&m), 0, "a disk naming no base is valid (%s)", err);
    s[0].dev = "vdaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    tap_ok(check(&m) < 0 && strstr(err, "dev"), "overlong device name refused: %s", err);

    Roam__V1__DisksReady r = ROAM__V1__DISKS_READY__INIT;
    Roam__V1__DiskTarget t = ROAM__V1__DISK_TARGET__INIT, *tp = &t;
    Roam__V1__Error e = ROAM__V1__ERROR__INIT;
    t.dev = "vda";
    t.path = "/x";
    r.ok = 0;
    r.error = &e;
    e.phase = ROAM__V1__PHASE__PHASE_ADMISSION;
    e.message = "no";
    r.targets = &tp;
    r.n_targets = 1;
    env.body_case = ROAM__V1__ENVELOPE__BODY_DISKS_READY;
    env.disks_ready = &r;
    tap_ok(roam_msg_validate(&env, err, sizeof err) < 0, "a refusal with targets refused: %s",
           err);
    r.ok = 1;
    r.error = NULL;
    tap_eq(roam_msg_validate(&env, err, sizeof err), 0, "DisksReady with a target (%s)", err);

    /* The largest DisksReady: every target an overlay, names at their limits. */
    static char name[ROAM_DISK_BASE_NAME_MAX + 2];
    memset(name, 'n', ROAM_DISK_BASE_NAME_MAX);
    Roam__V1__DiskTarget big[ROAM_DISKS_MAX], *bp[ROAM_DISKS_MAX];
    for (int i = 0; i < ROAM_DISKS_MAX; i++) {
        roam__v1__disk_target__init(&big[i]);
        big[i].dev = "vdaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        big[i].path = path;
        big[i].incremental = 1;
        big[i].base_name = name;
        bp[i] = &big[i];
    }
    r.targets = bp;
    r.n_targets = ROAM_DISKS_MAX;
    tap_eq(roam_msg_validate(&env, err, sizeof err), 0, "DisksReady at every limit (%s)", err);
    packed = roam__v1__envelope__get_packed_size(&env);
    tap_ok(packed <= roam_msg_max_frame(ROAM__V1__ENVELOPE__BODY_DISKS_READY),
           "the largest DisksReady (%zu bytes) fits its frame limit", packed);
    name[ROAM_DISK_BASE_NAME_MAX] = 'n';
    tap_ok(roam_msg_validate(&env, err, sizeof err) < 0 && strstr(err, "base_name"),
           "an overlong base name refused: %s", err);
}

int main(void)
{
    test_config();
    test_names();
    test_wire();
    return tap_done();
}
