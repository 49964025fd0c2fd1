/* `roam check` and a running roamd agree on whether a key is accepted: a
 * real daemon (roamd_start/roamd_run in a thread, libvirt's test driver)
 * holds one VM per migrate policy; for every key x policy the client's
 * migrate-role authentication against the daemon and the `roam check`
 * program (argv[1]) give the same verdict.  Keys: valid, expired, undated,
 * lacking an attribute, numeric edge (grade >= 4 with grade = 4 and 3).
 * Among the policies is `A) or (B` stored in a VM's metadata: it used to
 * reach out of the expiry clause; the daemon refuses it as a policy that
 * does not compile, whatever the key that may learn it (the source's
 * disclose policy: every key here with A or B and a valid date); as an
 * accept policy it stops the daemon at start-up. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../proto/certs.h"
#include "abe.h"
#include "client_auth.h"
#include "daemon.h"
#include "date.h"
#include "errbuf.h"
#include "roamd_config.h"
#include "server.h"
#include "sock.h"
#include "tap.h"

static char dir[] = "/tmp/roamd-agree-XXXXXX";
static char err[ROAM_ERR_MAX], port[8];
static struct roamd d;
static volatile sig_atomic_t stop_flag;
static abe_mpk_t *mpk;

static const char *const policies[] = {"A", "grade >= 4", "A and grade >= 4", "B or grade >= 5",
                                       "A) or (B"};
#define N_POL (sizeof policies / sizeof policies[0])
struct key { const char *name; const char *attrs[3]; size_t n; abe_key_t *k; char path[512]; };
static char exp_ok[40];
static struct key keys[] = {
    {"valid", {"A", "grade = 4", exp_ok}, 3, NULL, ""},
    {"grade 3", {"A", "grade = 3", exp_ok}, 3, NULL, ""},
    {"expired", {"A", "grade = 4", "expiry = 2020-01-01"}, 3, NULL, ""},
    {"undated", {"A", "grade = 4", NULL}, 2, NULL, ""},
    {"no A", {"B", "grade = 4", exp_ok}, 3, NULL, ""},
};
#define N_KEY (sizeof keys / sizeof keys[0])

static void *run(void *arg)
{
    (void)arg;
    roamd_run(&d, &stop_flag);
    return NULL;
}

static int save(const char *path, uint8_t *obj, size_t len)
{
    int r = abe_keyfile_save(path, obj, len, err, sizeof err);
    abe_free_secret(obj, len);
    return r;
}

static int setup(void)
{
    char ca[512], crt[512], key[512], mpkp[512], node[512], audit[512];
    if (!mkdtemp(dir))
        return -1;
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    snprintf(crt, sizeof crt, "%s/host.pem", dir);
    snprintf(key, sizeof key, "%s/host.key", dir);
    snprintf(mpkp, sizeof mpkp, "%s/mpk.pem", dir);
    snprintf(node, sizeof node, "%s/node.xml", dir);
    snprintf(audit, sizeof audit, "%s/audit.jsonl", dir);
    struct test_ca tca;
    if (certs_make_ca(&tca, "agree CA", ca) < 0 ||
        certs_make_leaf(&tca, "127.0.0.1", "IP:127.0.0.1", crt, key) < 0)
        return -1;
    certs_free_ca(&tca);
    abe_msk_t msk;
    uint8_t *obj;
    size_t len;
    mpk = calloc(1, sizeof *mpk);
    if (!mpk || abe_setup(mpk, &msk) != ABE_OK || abe_encode_mpk(mpk, &obj, &len) != ABE_OK ||
        save(mpkp, obj, len) < 0)
        return -1;
    char today[11];
    roam_today(today);
    snprintf(exp_ok, sizeof exp_ok, "expiry = %d%s", atoi(today) + 1, today + 4);
    for (size_t i = 0; i < N_KEY; i++) {
        abe_error_t perr;
        keys[i].k = calloc(1, sizeof *keys[i].k);
        snprintf(keys[i].path, sizeof keys[i].path, "%s/key%zu.key", dir, i);
        if (!keys[i].k || abe_key_set_attrs(keys[i].k, keys[i].attrs, keys[i].n, &perr) != ABE_OK ||
            abe_keygen(keys[i].k, mpk, &msk) != ABE_OK ||
            abe_encode_key(keys[i].k, &obj, &len) != ABE_OK || save(keys[i].path, obj, len) < 0)
            return -1;
    }
    abe_msk_clear(&msk);
    FILE *f = fopen(node, "w");
    if (!f)
        return -1;
    fputs("<node>\n", f);
    for (size_t i = 0; i < N_POL; i++)
        fprintf(f, " <domain type='test'><name>vm%zu</name><memory>65536</memory>"
                "<os><type>hvm</type></os><metadata><roam:vm "
                "xmlns:roam='https://roam.example/ns/vm/1'><roam:migrate-policy>%s"
                "</roam:migrate-policy></roam:vm></metadata></domain>\n", i, policies[i]);
    fputs("</node>\n", f);
    if (fclose(f) != 0)
        return -1;
    char conf[4096];
    snprintf(conf, sizeof conf,
             "[roamd]\nname = 127.0.0.1\nlisten = 127.0.0.1:0\npeer_listen = 127.0.0.1:0\n"
             "cert = %s\nkey = %s\npeer_ca = %s\nmpk = %s\naccept_policy = A\n"
             "disclose_policy = A or B\n"
             "libvirt_uri = test://%s\nbridge = lo\nuplink = lo\nrouter = fe80::1\naudit_log = %s\n"
             "[limits]\nchallenges_per_minute = 10000\nio_timeout_ms = 2000\n",
             crt, key, ca, mpkp, node, audit);
    static struct roamd_config cfg;
    roamd_config_defaults(&cfg);
    if (roamd_config_parse_string(&cfg, conf, "agree.conf", err, sizeof err) < 0 ||
        roamd_start(&d, &cfg, err, sizeof err) < 0)
        return -1;
    snprintf(port, sizeof port, "%d", roamd_client_port(&d));
    return 0;
}

/* The daemon's verdict: 1 accepted, 0 refused (why in why). */
static int daemon_accepts(roam_tls_ctx *ctx, const abe_key_t *key, const char *vm, char *why,
                          size_t cap)
{
    struct roam_client_id id = {.mpk = mpk, .key = key};
    struct roam_auth_req req = {.role = ROAM__V1__ROLE__ROLE_MIGRATE, .vm = vm,
                                .src = "127.0.0.1", .dst = "other"};
    for (int i = 0; i < 16; i++)
        req.query_id[i] = (uint8_t)rand();
    int fd = roam_tcp_connect("127.0.0.1", port, 2000, err, sizeof err);
    roam_tls_conn *c = fd < 0 ? NULL : roam_tls_connect(ctx, fd, "127.0.0.1", 2000, err, sizeof err);
    if (!c) {
        snprintf(why, cap, "connect: %s", err);
        return -1;
    }
    int r = roam_client_authenticate(c, &id, &req, 5000, why, cap);
    roam_tls_close(c, 500);
    return r == 0;
}

/* `roam check`'s exit code. */
static int check(const char *roam, const char *key, const char *policy)
{
    char mpkp[512];
    snprintf(mpkp, sizeof mpkp, "%s/mpk.pem", dir);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            _exit(127);
        execl(roam, roam, "check", "--mpk", mpkp, "--key", key, "--policy", policy, (char *)NULL);
        _exit(127);
    }
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        fprintf(stderr, "usage: test_agree ROAM\n");
        return 2;
    }
    if (!tap_eq(setup(), 0, "daemon starts on loopback (%s)", err))
        return tap_done();
    pthread_t t;
    pthread_create(&t, NULL, run, NULL);
    char ca[512], why[ROAM_MESSAGE_MAX];
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    roam_tls_ctx *ctx = roam_tls_client_ctx(ca, NULL, NULL, err, sizeof err);
    for (size_t p = 0; p < N_POL; p++)
        for (size_t k = 0; k < N_KEY; k++) {
            char vm[16];
            snprintf(vm, sizeof vm, "vm%zu", p);
            int dv = daemon_accepts(ctx, keys[k].k, vm, why, sizeof why);
            int cv = check(argv[1], keys[k].path, policies[p]);
            tap_ok(dv >= 0 && (cv == 0 || cv == 1 || cv == 2) && dv == (cv == 0),
                   "%s key, policy '%s': roamd %s, roam check exit %d (%s)", keys[k].name,
                   policies[p], dv == 1 ? "accepts" : dv == 0 ? "refuses" : "unreachable", cv,
                   dv == 1 ? "-" : why);
            /* An expired key learns nothing of the VM: the disclose policy's
             * expiry clause refuses it first. */
            int dated = keys[k].n == 3 && strcmp(keys[k].name, "expired") != 0;
            if (p == N_POL - 1)
                tap_ok(dv == 0 && cv == 2 &&
                       strstr(why, dated ? "migrate policy does not compile" : "key expired"),
                       "breakout policy refused for the %s key: %s", keys[k].name, why);
        }
    stop_flag = 1;
    pthread_join(t, NULL);

    /* A daemon whose own accept policy would reach out of the clause does
     * not start, and the column counts in the text as written. */
    static struct roamd_config bad;
    static struct roamd d2;
    bad = d.cfg;
    snprintf(bad.accept_policy, sizeof bad.accept_policy, "A) or (B");
    tap_ok(roamd_start(&d2, &bad, err, sizeof err) < 0 &&
               strstr(err, "accept_policy") && strstr(err, "column 2: unbalanced"),
           "accept_policy 'A) or (B' refused at start-up: %s", err);
    roamd_stop(&d2);
    roam_tls_ctx_free(ctx);
    roamd_stop(&d);
    for (size_t k = 0; k < N_KEY; k++) {
        unlink(keys[k].path);
        abe_key_clear(keys[k].k);
        free(keys[k].k);
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", dir);
    free(mpk);
    return tap_done();
}
