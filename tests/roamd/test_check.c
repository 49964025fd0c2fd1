/* roamd --check (check.h): a valid configuration passes; each broken one
 * is reported at the line of the key to blame, every problem of a file at
 * once: MPK missing or a user key, certificate missing or not matching its
 * key, audit log in a missing directory, an unbalanced accept policy (the
 * column counted in the operator's text), a key set twice, several at
 * once.  Test PKI and FABEO keys made here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../proto/certs.h"
#include "abe.h"
#include "check.h"
#include "diag.h"
#include "roamd_config.h"
#include "tap.h"

static char dir[] = "/tmp/roamd-check-XXXXXX";
static char conf[600];
static char out[8192];

static void collect(void *arg, const char *line)
{
    (void)arg;
    size_t n = strlen(out);
    snprintf(out + n, sizeof out - n, "%s%s", n ? " | " : "", line);
}

static const char *p(const char *name)
{
    static char buf[8][512];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    return buf[i];
}

/* The valid configuration with key=value lines replaced or added (a NULL
 * value drops the key); returns the number of problems, text in out. */
static int check(const char *extra)
{
    FILE *f = fopen(conf, "w");
    if (!f)
        exit(2);
    fprintf(f, "[roamd]\n");                                /* 1 */
    fprintf(f, "name = a.test\n");                          /* 2 */
    fprintf(f, "cert = %s\n", p("a.pem"));                  /* 3 */
    fprintf(f, "key = %s\n", p("a.key"));                   /* 4 */
    fprintf(f, "peer_ca = %s\n", p("ca.pem"));              /* 5 */
    fprintf(f, "mpk = %s\n", p("mpk.pem"));                 /* 6 */
    fprintf(f, "accept_policy = HCU and M1\n");             /* 7 */
    fprintf(f, "audit_log = %s\n", p("audit.jsonl"));       /* 8 */
    fprintf(f, "%s", extra);                                /* 9... */
    fprintf(f, "[roamd]\nrouter = fe80::1\n");  /* after extra: its lines stay 9... */
    fclose(f);
    out[0] = '\0';
    roam_diag d = { .emit = collect };
    int r = roamd_check(conf, &d);
    if ((r < 0) != (d.count > 0))
        return -100;
    return d.count;
}

static int has(const char *line_and_text)
{
    char want[700];
    snprintf(want, sizeof want, "%s:%s", conf, line_and_text);
    return strstr(out, want) != NULL;
}

static void save(const char *name, uint8_t *obj, size_t len)
{
    char err[512];
    if (abe_keyfile_save(p(name), obj, len, err, sizeof err) < 0)
        exit(2);
    abe_free_secret(obj, len);
}

static void setup(void)
{
    if (!mkdtemp(dir))
        exit(2);
    snprintf(conf, sizeof conf, "%s/roamd.conf", dir);
    struct test_ca ca, other;
    if (certs_make_ca(&ca, "check CA", p("ca.pem")) < 0 ||
        certs_make_leaf(&ca, "a.test", "DNS:a.test", p("a.pem"), p("a.key")) < 0 ||
        certs_make_ca(&other, "other CA", p("other-ca.pem")) < 0 ||
        certs_make_leaf(&other, "b.test", "DNS:b.test", p("b.pem"), p("b.key")) < 0)
        exit(2);
    certs_free_ca(&ca);
    certs_free_ca(&other);
    abe_mpk_t *mpk = malloc(sizeof *mpk);
    abe_msk_t msk;
    abe_key_t *key = calloc(1, sizeof *key);
    const char *attrs[] = { "HCU", "M1" };
    abe_error_t perr;
    uint8_t *obj;
    size_t len;
    if (!mpk || !key || abe_setup(mpk, &msk) != ABE_OK ||
        abe_key_set_attrs(key, attrs, 2, &perr) != ABE_OK || abe_keygen(key, mpk, &msk) != ABE_OK)
        exit(2);
    if (abe_encode_mpk(mpk, &obj, &len) != ABE_OK)
        exit(2);
    save("mpk.pem", obj, len);
    if (abe_encode_key(key, &obj, &len) != ABE_OK)
        exit(2);
    save("user.key", obj, len);
    abe_key_clear(key);
    abe_msk_clear(&msk);
    free(key);
    free(mpk);
}

int main(void)
{
    setup();
    char extra[2048];

    tap_eq(check(""), 0, "a valid configuration passes (%s)", out);

    snprintf(extra, sizeof extra, "mpk = %s\n", p("missing.pem"));
    tap_ok(check(extra) == 1 && has("9: key 'mpk' set twice (first on line 6)"),
           "a key set twice is an error (and the first value stands): %s", out);

    tap_eq(check("[limits]\nmax_sessions = 4\nmax_sessions = 5\n"), 1,
           "duplicate key in another section: %s", out);
    tap_ok(has("11: key 'max_sessions' set twice (first on line 10)"), "at its line");

    rename(p("mpk.pem"), p("mpk.moved"));
    tap_ok(check("") == 1 && has("6: key 'mpk': ") && strstr(out, "mpk.pem"),
           "MPK file missing: %s", out);
    rename(p("mpk.moved"), p("mpk.pem"));

    rename(p("mpk.pem"), p("mpk.moved"));
    rename(p("user.key"), p("mpk.pem"));
    tap_ok(check("") == 1 && has("6: key 'mpk': ") && strstr(out, "USER KEY"),
           "MPK that is a user key: %s", out);
    rename(p("mpk.pem"), p("user.key"));
    rename(p("mpk.moved"), p("mpk.pem"));

    rename(p("a.pem"), p("a.moved"));
    tap_ok(check("") == 1 && has("3: key 'cert': cannot read ") && strstr(out, "a.pem"),
           "certificate file missing: %s", out);
    rename(p("a.moved"), p("a.pem"));

    rename(p("a.key"), p("a.moved"));
    rename(p("b.key"), p("a.key"));
    tap_ok(check("") >= 1 && has("3: keys 'cert'/'key': ") && strstr(out, "a.key"),
           "certificate and key that do not match: %s", out);
    rename(p("a.key"), p("b.key"));
    rename(p("a.moved"), p("a.key"));

    snprintf(extra, sizeof extra, "peer_cert = %s\npeer_key = %s\n", p("a.pem"), p("b.key"));
    tap_ok(check(extra) == 1 && has("9: keys 'peer_cert'/'peer_key': "),
           "peer certificate and key that do not match: %s", out);

    rename(p("ca.pem"), p("ca.moved"));
    tap_ok(check("") == 1 && has("5: key 'peer_ca': cannot read "), "peer CA missing: %s", out);
    rename(p("ca.moved"), p("ca.pem"));

    /* Other values for lines 7 and 8: the whole file written here. */
    FILE *f;
    out[0] = '\0';
    if ((f = fopen(conf, "w")) == NULL)
        return 2;
    fprintf(f, "[roamd]\nname = a.test\ncert = %s\nkey = %s\npeer_ca = %s\nmpk = %s\n"
               "accept_policy = HCU and (M1 or B4\naudit_log = %s\nrouter = fe80::1\n",
            p("a.pem"), p("a.key"), p("ca.pem"), p("mpk.pem"), p("nodir/audit.jsonl"));
    fclose(f);
    roam_diag d = { .emit = collect };
    tap_ok(roamd_check(conf, &d) < 0 && d.count == 2, "two problems at once, both told: %s", out);
    tap_ok(has("8: key 'audit_log': directory ") && strstr(out, "nodir"),
           "audit log in a missing directory");
    /* "HCU and (M1 or B4": the '(' is column 9 of the operator's text. */
    tap_ok(has("7: key 'accept_policy': policy does not compile: ") &&
           strstr(out, "'(' at column 9 is never closed"),
           "unbalanced accept policy, columns in the operator's text");

    snprintf(extra, sizeof extra, "listen = [::1]:99999\nbridge = a/b\n");
    tap_ok(check(extra) == 2 && has("9: key 'listen'") && has("10: key 'bridge'"),
           "bad listen address and interface both told: %s", out);
    tap_ok(check("peer_listen = bad host:7444\n") == 1 && has("9: key 'peer_listen': 'bad host'"),
           "listen host that is not an address or name: %s", out);

    snprintf(extra, sizeof extra, "%s/missing.conf", dir);
    d = (roam_diag){ .emit = collect };
    out[0] = '\0';
    tap_ok(roamd_check(extra, &d) < 0 && d.count == 1 && strstr(out, "cannot open"),
           "missing configuration: one problem: %s", out);

    struct roamd_config c;
    char err[512];
    roamd_config_defaults(&c);
    tap_ok(roamd_config_load(&c, conf, err, sizeof err) == 0 &&
           roamd_config_line(&c, "roamd", "mpk") == 6 &&
           roamd_config_line(&c, "roamd", "audit_log") == 8 &&
           roamd_config_line(&c, "limits", "max_sessions") == 0,
           "roamd_config_line: where each key was set, 0 for defaults");
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", dir);
    return tap_done();
}
