/* libvirt's qemu hook and roamd's hook socket: the request/answer codec
 * with bad input, and roam-hook (the program, argv[1]) against a roamd
 * running in this process on libvirt's test driver: refused without an
 * admission, allowed once after the source's AdmissionQuery took it,
 * refused for a forbidden XML, and failing closed when roamd is down or
 * does not answer. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../proto/certs.h"
#include "abe.h"
#include "admission.h"
#include "deadline.h"
#include "errbuf.h"
#include "hook_client.h"
#include "hook_io.h"
#include "hook_msg.h"
#include "roamd_config.h"
#include "server.h"
#include "tap.h"

static char err[ROAM_ERR_MAX];
static char dir[] = "/tmp/roam-hook-test-XXXXXX";

static void path(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

/* ---- the codec ---------------------------------------------------------- */

static int decodes(const uint8_t *b, size_t n)
{
    struct roamd_hook_req q;
    return roamd_hook_req_decode(b, n, &q, err, sizeof err) == 0;
}

static void test_codec(void)
{
    static uint8_t buf[ROAMD_HOOK_REQ_MAX + 16];
    const char *xml = "<domain type='qemu'/>";
    long n = roamd_hook_req_encode("vm1", xml, strlen(xml), buf, sizeof buf);
    struct roamd_hook_req q;
    tap_ok(n > 0 && roamd_hook_req_decode(buf, (size_t)n, &q, err, sizeof err) == 0 &&
           strcmp(q.name, "vm1") == 0 && q.xml_len == strlen(xml) &&
           memcmp(q.xml, xml, q.xml_len) == 0, "request round trip");
    tap_ok(!decodes(buf, (size_t)n - 1) && strstr(err, "truncated"), "truncated request (%s)",
           err);
    buf[n] = 0;
    tap_ok(!decodes(buf, (size_t)n + 1) && strstr(err, "trailing"), "trailing byte (%s)", err);
    buf[0] = 'X';
    tap_ok(!decodes(buf, (size_t)n) && strstr(err, "not a roam hook"), "bad magic (%s)", err);
    buf[0] = 'R';
    buf[4] = 0x01, buf[5] = 0x00;   /* name length 256 */
    tap_ok(!decodes(buf, (size_t)n) && strstr(err, "VM name length"), "name too long (%s)", err);
    buf[4] = 0, buf[5] = 0;
    tap_ok(!decodes(buf, (size_t)n) && strstr(err, "VM name length"), "empty name (%s)", err);
    buf[5] = 3;
    buf[7] = '\n';
    tap_ok(!decodes(buf, (size_t)n) && strstr(err, "one line"), "name with a newline (%s)", err);
    buf[7] = 0x1b;
    tap_ok(!decodes(buf, (size_t)n) && strstr(err, "one line"), "name with ESC (%s)", err);
    buf[7] = '1';
    uint8_t *len = buf + 4 + 2 + 3;
    len[0] = 0x00, len[1] = 0x10, len[2] = 0x00, len[3] = 0x01;   /* 1 MiB + 1 */
    tap_ok(!decodes(buf, (size_t)n) && strstr(err, "XML length"), "XML over 1 MiB (%s)", err);
    memset(len, 0, 4);
    tap_ok(!decodes(buf, (size_t)n) && strstr(err, "XML length"), "empty XML (%s)", err);
    tap_ok(!decodes(buf, 0), "empty message");
    tap_ok(roamd_hook_req_encode("", xml, strlen(xml), buf, sizeof buf) < 0 &&
           roamd_hook_req_encode("vm", xml, 0, buf, sizeof buf) < 0 &&
           roamd_hook_req_encode("vm", xml, strlen(xml), buf, 10) < 0,
           "encoder refuses empty fields and small buffers");

    struct roamd_hook_ans a = { 0, "no admission for vm1" }, b;
    uint8_t ab[ROAMD_HOOK_ANS_MAX];
    long m = roamd_hook_ans_encode(&a, ab, sizeof ab);
    tap_ok(m > 0 && roamd_hook_ans_decode(ab, (size_t)m, &b, err, sizeof err) == 0 && !b.allow &&
           strcmp(b.reason, a.reason) == 0, "answer round trip (refusal)");
    ab[4] = 2;
    tap_ok(roamd_hook_ans_decode(ab, (size_t)m, &b, err, sizeof err) < 0 &&
           strstr(err, "verdict"), "answer with a bad verdict (%s)", err);
    ab[4] = 1;
    ab[8] = '\n';
    tap_ok(roamd_hook_ans_decode(ab, (size_t)m, &b, err, sizeof err) < 0,
           "reason with a newline refused");
    ab[5] = ab[6] = 0;
    tap_ok(roamd_hook_ans_decode(ab, 7, &b, err, sizeof err) < 0,
           "refusal without a reason refused");
    struct roamd_hook_ans ok = { 1, "" };
    m = roamd_hook_ans_encode(&ok, ab, sizeof ab);
    tap_ok(m == 7 && roamd_hook_ans_decode(ab, (size_t)m, &b, err, sizeof err) == 0 && b.allow,
           "answer round trip (allow)");
    tap_ok(roamd_hook_is_incoming("migrate", "begin") && !roamd_hook_is_incoming("start", "begin")
           && !roamd_hook_is_incoming("migrate", "end") && !roamd_hook_is_incoming(NULL, "begin"),
           "only migrate/begin is an incoming migration");
}

/* ---- roam-hook against roamd ---------------------------------------------- */

static struct roamd d;
static volatile sig_atomic_t stop_flag;
static const char *hook_bin;
static char sock[256], audit_path[256];

static void *run(void *arg)
{
    (void)arg;
    roamd_run(&d, &stop_flag);
    return NULL;
}

static int start_roamd(void)
{
    char ca[512], crt[512], key[512], mpkp[512], conf[4096];
    struct test_ca tca;
    if (!mkdtemp(dir))
        return -1;
    path(ca, sizeof ca, "ca.pem");
    path(crt, sizeof crt, "host.pem");
    path(key, sizeof key, "host.key");
    path(mpkp, sizeof mpkp, "mpk.pem");
    path(sock, sizeof sock, "hook.sock");
    path(audit_path, sizeof audit_path, "audit.jsonl");
    if (certs_make_ca(&tca, "hook test CA", ca) < 0 ||
        certs_make_leaf(&tca, "127.0.0.1", "IP:127.0.0.1", crt, key) < 0)
        return -1;
    certs_free_ca(&tca);
    abe_mpk_t *mpk = calloc(1, sizeof *mpk);
    abe_msk_t msk;
    uint8_t *obj;
    size_t len;
    if (!mpk || abe_setup(mpk, &msk) != ABE_OK || abe_encode_mpk(mpk, &obj, &len) != ABE_OK ||
        abe_keyfile_save(mpkp, obj, len, err, sizeof err) < 0)
        return -1;
    free(obj);
    free(mpk);
    snprintf(conf, sizeof conf,
             "[roamd]\nname = 127.0.0.1\nlisten = 127.0.0.1:0\npeer_listen = 127.0.0.1:0\n"
             "cert = %s\nkey = %s\npeer_ca = %s\nmpk = %s\naccept_policy = customer\n"
             "libvirt_uri = test:///default\nbridge = lo\nuplink = lo\naudit_log = %s\n"
             "router_mac = 52:54:00:aa:00:01\n"
             "[storage]\npool = default-pool\n"
             "[hook]\nsocket = %s\nboot_dirs = /srv/boot\n",
             crt, key, ca, mpkp, audit_path, sock);
    static struct roamd_config cfg;
    roamd_config_defaults(&cfg);
    if (roamd_config_parse_string(&cfg, conf, "test.conf", err, sizeof err) < 0 ||
        roamd_start(&d, &cfg, err, sizeof err) < 0)
        return -1;
    return 0;
}

#define XML_HEAD "<domain type='qemu'><name>%s</name><memory unit='MiB'>128</memory>" \
    "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>/srv/boot/vmlinuz</kernel></os>" \
    "<devices><emulator>/usr/bin/test-hv</emulator>" \
    "<interface type='bridge'><mac address='52:54:00:00:00:01'/><source bridge='lo'/>" \
    "<model type='virtio'/></interface>"

/* Run roam-hook NAME OP SUBOP - with xml on stdin; its exit status, its
 * stderr in out. */
static int hook(const char *sockp, const char *name, const char *op, const char *xml,
                char *out, size_t cap)
{
    char in[512], er[512], cmd[2048];
    path(in, sizeof in, "in.xml");
    path(er, sizeof er, "stderr");
    FILE *f = fopen(in, "w");
    if (!f || fputs(xml, f) < 0 || fclose(f) != 0)
        exit(2);
    snprintf(cmd, sizeof cmd, "'%s' --socket '%s' --timeout 2 %s %s begin - <'%s' 2>'%s'",
             hook_bin, sockp, name, op, in, er);
    int st = system(cmd);
    out[0] = '\0';
    f = fopen(er, "r");
    if (f) {
        size_t k = fread(out, 1, cap - 1, f);
        while (k && out[k - 1] == '\n')
            k--;
        out[k] = '\0';
        fclose(f);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *dom(const char *name, const char *extra)
{
    static char x[4096];
    int n = snprintf(x, sizeof x, XML_HEAD, name);
    snprintf(x + n, sizeof x - (size_t)n, "%s</devices></domain>", extra);
    return x;
}

static int audit_has(const char *a, const char *b)
{
    char line[4096];
    int found = 0;
    FILE *f = fopen(audit_path, "r");
    while (f && fgets(line, sizeof line, f))
        found |= strstr(line, a) && strstr(line, b);
    if (f)
        fclose(f);
    return found;
}

/* A socket that accepts and never answers: roam-hook must give up. */
static int mute_listener(const char *p)
{
    int fd = roamd_hook_listen(p, err, sizeof err);
    return fd;
}

static void test_hook(void)
{
    char out[1024];
    uint8_t q1[16] = { 0x42 }, q2[16] = { 0x43 };
    tap_eq(hook(sock, "vm1", "start", "", out, sizeof out), 0,
           "a local VM start is let through without asking");
    tap_ok(hook(sock, "vm1", "migrate", dom("vm1", ""), out, sizeof out) == 1 &&
           strstr(out, "no admission for vm1"), "no admission: refused (%s)", out);
    tap_ok(audit_has("\"incoming-migration\"", "no admission for vm1"),
           "the refusal is in the audit log");
    struct stat st;
    tap_ok(stat(sock, &st) == 0 && (st.st_mode & 0777) == 0600, "hook socket is mode 0600");
    tap_ok(roamd_hook_listen(sock, err, sizeof err) < 0 && strstr(err, "in use"),
           "a second daemon does not take the socket over (%s)", err);

    roamd_admission_add(d.adm, "vm1", "127.0.0.2", q1, roam_now_ms(), err, sizeof err);
    tap_ok(hook(sock, "vm1", "migrate", dom("vm1", ""), out, sizeof out) == 1 &&
           strstr(out, "not taken"), "admission not yet taken by the source: refused (%s)", out);
    roamd_admission_take(d.adm, "vm1", "127.0.0.2", q1, roam_now_ms(), err, sizeof err);
    tap_ok(hook(sock, "vm1", "migrate",
                dom("vm1", "<serial type='file'><source path='/etc/shadow'/></serial>"), out,
                sizeof out) == 1 && strstr(out, "/etc/shadow"),
           "forbidden XML refused even with an admission (%s)", out);
    tap_ok(hook(sock, "vm1", "migrate",
                dom("vm1", "<disk type='file' device='disk'><source file='/default-pool/v.img'/>"
                    "<target dev='vda'/></disk>"), out, sizeof out) == 0,
           "admitted migration with a disk in the storage pool allowed (%s)", out);
    tap_ok(audit_has("\"allowed\"", "\"query_id\":\"42000000"), "the claim is audited with "
           "its query id");
    tap_ok(hook(sock, "vm1", "migrate", dom("vm1", ""), out, sizeof out) == 1 &&
           strstr(out, "already used"), "the same admission twice: refused (%s)", out);

    roamd_admission_add(d.adm, "vm2", "127.0.0.2", q2, roam_now_ms(), err, sizeof err);
    roamd_admission_take(d.adm, "vm2", "127.0.0.2", q2, roam_now_ms(), err, sizeof err);
    tap_ok(hook(sock, "vm2", "migrate",
                dom("vm2", "<disk type='file' device='disk'><source file='/var/x.img'/>"
                    "<target dev='vda'/></disk>"), out, sizeof out) == 1 &&
           strstr(out, "outside"), "a disk outside the pool refused (%s)", out);

    static char big[ROAMD_HOOK_XML_MAX + 2];
    memset(big, ' ', sizeof big - 1);
    memcpy(big, "<domain>", 8);
    tap_ok(hook(sock, "vm2", "migrate", big, out, sizeof out) == 1 && strstr(out, "larger than"),
           "XML over 1 MiB refused by the hook (%s)", out);

    char mute[256];
    path(mute, sizeof mute, "mute.sock");
    int mfd = mute_listener(mute);
    int64_t t0 = roam_now_ms();
    int rc = hook(mute, "vm2", "migrate", dom("vm2", ""), out, sizeof out);
    int64_t ms = roam_now_ms() - t0;
    tap_ok(rc == 1 && strstr(out, "did not answer") && ms < 5000,
           "roamd silent: refused after the timeout, %lld ms (%s)", (long long)ms, out);
    close(mfd);
}

static void test_down(void)
{
    char out[1024];
    stop_flag = 1;
    roamd_stop(&d);
    struct stat st;
    tap_ok(stat(sock, &st) < 0, "roamd removes its hook socket at exit");
    tap_ok(hook(sock, "vm2", "migrate", dom("vm2", ""), out, sizeof out) == 1 &&
           strstr(out, "cannot be asked"), "roamd down: refused (%s)", out);
    tap_eq(hook(sock, "vm2", "stopped", "", out, sizeof out), 0,
           "roamd down: a local VM stop is let through");
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    test_codec();
    if (argc < 2) {
        tap_skip("no roam-hook program given");
        return tap_done();
    }
    hook_bin = argv[1];
    if (!tap_eq(start_roamd(), 0, "roamd starts with a hook socket (%s)", err))
        return tap_done();
    pthread_t t;
    pthread_create(&t, NULL, run, NULL);
    test_hook();
    stop_flag = 1;
    pthread_join(t, NULL);
    test_down();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    (void)!system(cmd);
    return tap_done();
}
