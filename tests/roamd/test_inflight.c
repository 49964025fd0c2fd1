/* In-flight migration records (inflight.h) and their reconciliation at
 * start (reconcile.h): the record's text round-trips and refuses what is
 * torn or forged; writes are atomic (a leftover temp file is ignored) and
 * removals stick; an unreadable record is set aside, never acted upon; the
 * decision table (each role x where the VM is here and there); and a
 * daemon started over libvirt's test driver resolves the records it can
 * (VM gone: moved on the source, dropped on the destination), audits each
 * outcome, and keeps a record it cannot resolve, its VM locked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "daemon.h"
#include "inflight.h"
#include "reconcile.h"
#include "virt.h"
#include "tap.h"

static const uint8_t QID[16] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

static struct roamd_inflight sample(enum roamd_inflight_role role, const char *vm, uint8_t last)
{
    uint8_t q[16];
    memcpy(q, QID, 16);
    q[15] = last;
    struct roamd_inflight r;
    roamd_inflight_begin(&r, role, vm, q, "[2001:db8:b::2]:7443", "52:54:00:00:00:01",
                         "52:54:00:00:00:02");
    r.step = ROAMD_STEP_MIGRATING;
    return r;
}

static void test_text(void)
{
    char buf[2048], err[256] = "";
    struct roamd_inflight r = sample(ROAMD_INFLIGHT_SOURCE, "vm-1", 12), back;
    int n = roamd_inflight_format(&r, buf, sizeof buf);
    tap_ok(n > 0, "a record formats (%d bytes)", n);
    tap_eq(roamd_inflight_parse(buf, &back, err, sizeof err), 0, "and parses back (%s)", err);
    tap_ok(memcmp(&r, &back, sizeof r) == 0, "to the same record");
    tap_eq_str(back.query, "deadbeef0102030405060708090a0b0c", "query id in hex");

    buf[n - 1] = '\0';   /* the last line's newline lost: a torn write */
    tap_eq(roamd_inflight_parse(buf, &back, err, sizeof err), -1, "a torn record is refused: %s",
           err);
    char *step = strstr(buf, "step=");
    memcpy(step, "stop=", 5);
    tap_eq(roamd_inflight_parse(buf, &back, err, sizeof err), -1, "an unknown key is refused: %s",
           err);
    tap_eq(roamd_inflight_parse("roam-inflight 1\nrole=source\n", &back, err, sizeof err), -1,
           "an incomplete record is refused: %s", err);
    tap_eq(roamd_inflight_parse("roam-inflight 2\n", &back, err, sizeof err), -1,
           "another version is refused: %s", err);
    snprintf(r.vm, sizeof r.vm, "vm\nstep=armed");
    tap_eq(roamd_inflight_format(&r, buf, sizeof buf), -1,
           "a VM name with a newline cannot forge a line");
}

static int exists(const char *dir, const char *name)
{
    char p[2100];
    snprintf(p, sizeof p, "%s/inflight/%s", dir, name);
    return access(p, F_OK) == 0;
}

static void test_files(void)
{
    char dir[] = "/tmp/roamd-inflight-XXXXXX", err[256] = "", p[1024];
    if (!mkdtemp(dir))
        exit(2);
    struct roamd_inflight recs[4], a = sample(ROAMD_INFLIGHT_SOURCE, "vm-1", 1),
                                   b = sample(ROAMD_INFLIGHT_DESTINATION, "vm-2", 2);
    size_t n = 9;
    tap_eq(roamd_inflight_load(dir, recs, 4, &n, 1, err, sizeof err), 0,
           "no inflight directory: no record");
    tap_eq((int)n, 0, "none");
    tap_eq(roamd_inflight_init(dir, err, sizeof err), 0, "the directory is made (%s)", err);
    tap_eq(roamd_inflight_write(dir, &a, err, sizeof err), 0, "a record is written (%s)", err);
    a.step = ROAMD_STEP_MIGRATED;
    tap_eq(roamd_inflight_write(dir, &a, err, sizeof err), 0, "and rewritten at the next step");
    tap_eq(roamd_inflight_write(dir, &b, err, sizeof err), 0, "another role's record");
    snprintf(p, sizeof p, "%s/inflight/source-%s.tmp", dir, b.query);
    FILE *f = fopen(p, "w");   /* what a crash mid-write leaves */
    fputs("roam-inflight 1\nrole=sou", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/inflight/source-0123", dir);
    f = fopen(p, "w");
    fputs("garbage\n", f);
    fclose(f);
    tap_eq(roamd_inflight_load(dir, recs, 4, &n, 0, err, sizeof err), 0, "records load");
    tap_eq((int)n, 2, "two records: the temp file and the garbage are no records");
    tap_ok(exists(dir, "source-0123"), "without set_aside the garbage stays where it is");
    int seen_a = 0;
    for (size_t i = 0; i < n; i++)
        if (recs[i].role == ROAMD_INFLIGHT_SOURCE)
            seen_a = recs[i].step == ROAMD_STEP_MIGRATED && strcmp(recs[i].vm, "vm-1") == 0;
    tap_ok(seen_a, "the source record is at its latest step");
    tap_eq(roamd_inflight_load(dir, recs, 1, &n, 0, err, sizeof err), 0, "a full table");
    tap_eq((int)n, 1, "takes what fits");
    tap_eq(roamd_inflight_load(dir, recs, 4, &n, 1, err, sizeof err), 0, "records load");
    tap_ok(!exists(dir, "source-0123") && exists(dir, "source-0123.bad"),
           "set aside, the garbage is renamed .bad");
    tap_eq(roamd_inflight_remove(dir, &a, err, sizeof err), 0, "a record is removed");
    tap_eq(roamd_inflight_remove(dir, &a, err, sizeof err), 0, "twice is fine");
    tap_eq(roamd_inflight_load(dir, recs, 4, &n, 1, err, sizeof err), 0, "records load");
    tap_eq((int)n, 1, "one left");
    struct roamd_inflight bad = a;
    snprintf(bad.query, sizeof bad.query, "../../etc/passwd");
    tap_eq(roamd_inflight_write(dir, &bad, err, sizeof err), -1,
           "a query id that is not hex never names a file: %s", err);
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        exit(2);
}

static void test_decide(void)
{
    const enum roamd_inflight_role S = ROAMD_INFLIGHT_SOURCE, D = ROAMD_INFLIGHT_DESTINATION;
    const enum roamd_vm_where NA = ROAMD_VM_NOT_ASKED;
    static const struct {
        enum roamd_inflight_role role;
        enum roamd_vm_where here, there;
        enum roamd_reconcile_action want;
        const char *what;
    } t[] = {
        { S, ROAMD_VM_BUSY, NA, ROAMD_RECONCILE_WAIT, "source, job still running: wait" },
        { S, ROAMD_VM_UNKNOWN, NA, ROAMD_RECONCILE_WAIT, "source, libvirt down: wait" },
        { S, ROAMD_VM_RUNNING, NA, ROAMD_RECONCILE_ROLLBACK, "source, VM runs here: roll back" },
        { S, ROAMD_VM_ABSENT, NA, ROAMD_RECONCILE_MOVED, "source, VM gone: moved" },
        { S, ROAMD_VM_PAUSED, NA, ROAMD_RECONCILE_ASK_PEER, "source, paused: ask" },
        { S, ROAMD_VM_PAUSED, ROAMD_VM_RUNNING, ROAMD_RECONCILE_MOVED,
          "source, paused, running there: moved (never resumed here)" },
        { S, ROAMD_VM_PAUSED, ROAMD_VM_ABSENT, ROAMD_RECONCILE_RESUME,
          "source, paused, absent there: resumed here" },
        { S, ROAMD_VM_PAUSED, ROAMD_VM_UNKNOWN, ROAMD_RECONCILE_WAIT,
          "source, paused, destination unreachable: wait" },
        { S, ROAMD_VM_PAUSED, ROAMD_VM_PAUSED, ROAMD_RECONCILE_WAIT,
          "source, paused on both: wait" },
        { S, ROAMD_VM_PAUSED, ROAMD_VM_BUSY, ROAMD_RECONCILE_WAIT,
          "source, paused, job there: wait" },
        { D, ROAMD_VM_RUNNING, NA, ROAMD_RECONCILE_FINISH, "destination, VM here: finish" },
        { D, ROAMD_VM_ABSENT, NA, ROAMD_RECONCILE_DROP, "destination, no VM: drop" },
        { D, ROAMD_VM_PAUSED, NA, ROAMD_RECONCILE_WAIT, "destination, paused: wait" },
        { D, ROAMD_VM_BUSY, NA, ROAMD_RECONCILE_WAIT, "destination, incoming job: wait" },
        { D, ROAMD_VM_UNKNOWN, NA, ROAMD_RECONCILE_WAIT, "destination, libvirt down: wait" },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        tap_eq_str(roamd_reconcile_action_name(roamd_reconcile_decide(t[i].role, t[i].here,
                                                                      t[i].there)),
                   roamd_reconcile_action_name(t[i].want), "%s", t[i].what);
}

static void test_state_dir(void)
{
    struct roamd_config c;
    char buf[1024];
    roamd_config_defaults(&c);
    tap_eq_str(roamd_state_dir(&c, buf, sizeof buf), "/var/log/roamd",
               "state_dir unset: the audit log's directory");
    snprintf(c.state_dir, sizeof c.state_dir, "/var/lib/roamd");
    tap_eq_str(roamd_state_dir(&c, buf, sizeof buf), "/var/lib/roamd", "state_dir set: itself");
}

static int count_in(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    int n = 0;
    while (f && fgets(line, sizeof line, f))
        n += strstr(line, needle) != NULL;
    if (f)
        fclose(f);
    return n;
}

/* A daemon's start over libvirt's test driver (its VM "test" runs). */
static void test_start(void)
{
    char dir[] = "/tmp/roamd-reconcile-XXXXXX", err[256] = "", audit[1100], conf[1100];
    if (!mkdtemp(dir))
        exit(2);
    static struct roamd d;
    memset(&d, 0, sizeof d);
    roamd_config_defaults(&d.cfg);
    snprintf(d.cfg.libvirt_uri, sizeof d.cfg.libvirt_uri, "test:///default");
    snprintf(d.cfg.migrate_uri, sizeof d.cfg.migrate_uri, "test:///default?{host}");
    snprintf(d.cfg.state_dir, sizeof d.cfg.state_dir, "%s/state", dir);
    snprintf(audit, sizeof audit, "%s/audit.jsonl", dir);
    pthread_mutex_init(&d.lock, NULL);
    d.audit = roamd_audit_open(audit, err, sizeof err);
    d.virt = roam_virt_open(d.cfg.libvirt_uri, err, sizeof err);
    if (!d.audit || !d.virt || roamd_inflight_init(d.cfg.state_dir, err, sizeof err) < 0) {
        tap_ok(0, "setup: %s", err);
        return;
    }
    struct roamd_inflight gone_src = sample(ROAMD_INFLIGHT_SOURCE, "gone-1", 1),
                          gone_dst = sample(ROAMD_INFLIGHT_DESTINATION, "gone-2", 2),
                          here = sample(ROAMD_INFLIGHT_DESTINATION, "test", 3);
    /* "test" has no NIC with this MAC: finishing fails, the record stays. */
    snprintf(here.secondary, sizeof here.secondary, "52:54:00:ff:ff:ff");
    here.step = ROAMD_STEP_ARMED;
    roamd_inflight_write(d.cfg.state_dir, &gone_src, err, sizeof err);
    roamd_inflight_write(d.cfg.state_dir, &gone_dst, err, sizeof err);
    roamd_inflight_write(d.cfg.state_dir, &here, err, sizeof err);
    snprintf(conf, sizeof conf, "%s/roamd.conf", dir);
    FILE *f = fopen(conf, "w");
    fprintf(f, "[roamd]\nname = a\ncert = x\nkey = x\npeer_ca = x\nmpk = x\n"
               "accept_policy = A\nuplink = lo\naudit_log = %s\nstate_dir = %s\n",
            audit, d.cfg.state_dir);
    fclose(f);
    char listing[4096] = "";
    FILE *out = fmemopen(listing, sizeof listing, "w");
    tap_eq(roamd_check_inflight(conf, out), 3, "roamd --check lists the three records");
    fclose(out);
    tap_ok(strstr(listing, "destination of VM gone-2") && strstr(listing, "at step armed"),
           "each with its role, VM and step");

    tap_eq(roamd_reconcile_start(&d, err, sizeof err), 0, "reconciliation starts (%s)", err);
    tap_ok(roamd_vm_lock(&d, "test") < 0, "a VM with a record is locked from the start");
    for (int i = 0; i < 100 && (exists(d.cfg.state_dir, "source-deadbeef0102030405060708090a0b01") ||
                                exists(d.cfg.state_dir, "destination-deadbeef0102030405060708090a0b02"));
         i++)
        usleep(50000);
    tap_ok(!exists(d.cfg.state_dir, "source-deadbeef0102030405060708090a0b01"),
           "source, VM gone from here: record resolved");
    tap_ok(!exists(d.cfg.state_dir, "destination-deadbeef0102030405060708090a0b02"),
           "destination, VM never came: record resolved");
    tap_ok(exists(d.cfg.state_dir, "destination-deadbeef0102030405060708090a0b03"),
           "destination, VM here but not finishable: the record stays");
    usleep(200000);
    roamd_reconcile_stop(&d);
    tap_eq(count_in(audit, "\"outcome\":\"moved\""), 1, "audited: moved");
    tap_eq(count_in(audit, "\"outcome\":\"dropped\""), 1, "audited: dropped");
    tap_eq(count_in(audit, "\"outcome\":\"pending\""), 1, "audited once: pending");
    tap_ok(roamd_vm_lock(&d, "test") < 0, "and its VM stays locked");
    tap_ok(roamd_vm_lock(&d, "gone-1") == 0, "a resolved VM is unlocked");
    virConnectClose(d.virt);
    roamd_audit_close(d.audit);
    pthread_mutex_destroy(&d.lock);
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        exit(2);
}

int main(void)
{
    test_text();
    test_files();
    test_decide();
    test_state_dir();
    test_start();
    return tap_done();
}
