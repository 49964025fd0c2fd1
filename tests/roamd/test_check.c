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
#include "check_util.h"
#include "tap.h"

static char conf[600];



/* The valid configuration with key=value lines replaced or added (a NULL
 * value drops the key); returns the number of problems, text in check_out. */
static int check(const char *extra)
{
    FILE *f = fopen(conf, "w");
    if (!f)
        exit(2);
    fprintf(f, "[roamd]\n");                                /* 1 */
    fprintf(f, "name = a.test\n");                          /* 2 */
    fprintf(f, "cert = %s\n", check_path("a.pem"));                  /* 3 */
    fprintf(f, "key = %s\n", check_path("a.key"));                   /* 4 */
    fprintf(f, "peer_ca = %s\n", check_path("ca.pem"));              /* 5 */
    fprintf(f, "mpk = %s\n", check_path("mpk.pem"));                 /* 6 */
    fprintf(f, "accept_policy = HCU and M1\n");             /* 7 */
    fprintf(f, "audit_log = %s\n", check_path("audit.jsonl"));       /* 8 */
    fprintf(f, "%s", extra);                                /* 9... */
    fprintf(f, "[roamd]\nrouter = fe80::1\n");  /* after extra: its lines stay 9... */
    fclose(f);
    check_out[0] = '\0';
    roam_diag d = { .emit = check_collect };
    int r = roamd_check(conf, &d);
    if ((r < 0) != (d.count > 0))
        return -100;
    return d.count;
}

static int has(const char *line_and_text)
{
    char want[700];
    snprintf(want, sizeof want, "%s:%s", conf, line_and_text);
    return strstr(check_out, want) != NULL;
}

static void save(const char *name, uint8_t *obj, size_t len)
{
    char err[512];
    if (abe_keyfile_save(check_path(name), obj, len, err, sizeof err) < 0)
        exit(2);
    abe_free_secret(obj, len);
}

static void setup(void)
{
    if (!mkdtemp(check_dir))
        exit(2);
    snprintf(conf, sizeof conf, "%s/roamd.conf", check_dir);
    struct test_ca ca, other;
    if (certs_make_ca(&ca, "check CA", check_path("ca.pem")) < 0 ||
        certs_make_leaf(&ca, "a.test", "DNS:a.test", check_path("a.pem"), check_path("a.key")) < 0 ||
        certs_make_ca(&other, "other CA", check_path("other-ca.pem")) < 0 ||
        certs_make_leaf(&other, "b.test", "DNS:b.test", check_path("b.pem"), check_path("b.key")) < 0)
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

    tap_eq(check(""), 0, "a valid configuration passes (%s)", check_out);

    snprintf(extra, sizeof extra, "[hook]\nsocket = %s\n", check_path("hook.sock"));
    tap_eq(check(extra), 0, "a hook socket in a writable directory passes (%s)", check_out);
    snprintf(extra, sizeof extra, "[hook]\nsocket = %s\n", check_path("none/hook.sock"));
    tap_ok(check(extra) == 1 && has("10: key 'socket': directory ") &&
           strstr(check_out, "none: No such file"), "hook socket in a missing directory: %s",
           check_out);
    tap_ok(check("[hook]\nsocket = run/hook.sock\n") == 1 &&
           has("10: key 'socket': 'run/hook.sock' is not an absolute path"),
           "hook socket not absolute: %s", check_out);

    snprintf(extra, sizeof extra, "peer_pins = %s\n", check_path("pins"));
    FILE *pins = fopen(check_path("pins"), "w");
    if (pins) {
        fputs("# pins\n*.test sha256:00\n", pins);
        fclose(pins);
    }
    tap_ok(check(extra) == 1 && has("9: key 'peer_pins': ") && strstr(check_out, "pins:2:") &&
           strstr(check_out, "no wildcards"), "peer pin file with a wildcard: %s", check_out);

    snprintf(extra, sizeof extra, "mpk = %s\n", check_path("missing.pem"));
    tap_ok(check(extra) == 1 && has("9: key 'mpk' set twice (first on line 6)"),
           "a key set twice is an error (and the first value stands): %s", check_out);

    tap_eq(check("[limits]\nmax_sessions = 4\nmax_sessions = 5\n"), 1,
           "duplicate key in another section: %s", check_out);
    tap_ok(has("11: key 'max_sessions' set twice (first on line 10)"), "at its line");

    rename(check_path("mpk.pem"), check_path("mpk.moved"));
    tap_ok(check("") == 1 && has("6: key 'mpk': ") && strstr(check_out, "mpk.pem"),
           "MPK file missing: %s", check_out);
    rename(check_path("mpk.moved"), check_path("mpk.pem"));

    rename(check_path("mpk.pem"), check_path("mpk.moved"));
    rename(check_path("user.key"), check_path("mpk.pem"));
    tap_ok(check("") == 1 && has("6: key 'mpk': ") && strstr(check_out, "USER KEY"),
           "MPK that is a user key: %s", check_out);
    rename(check_path("mpk.pem"), check_path("user.key"));
    rename(check_path("mpk.moved"), check_path("mpk.pem"));

    rename(check_path("a.pem"), check_path("a.moved"));
    tap_ok(check("") == 1 && has("3: key 'cert': cannot read ") && strstr(check_out, "a.pem"),
           "certificate file missing: %s", check_out);
    rename(check_path("a.moved"), check_path("a.pem"));

    rename(check_path("a.key"), check_path("a.moved"));
    rename(check_path("b.key"), check_path("a.key"));
    tap_ok(check("") >= 1 && has("3: keys 'cert'/'key': ") && strstr(check_out, "a.key"),
           "certificate and key that do not match: %s", check_out);
    rename(check_path("a.key"), check_path("b.key"));
    rename(check_path("a.moved"), check_path("a.key"));

    snprintf(extra, sizeof extra, "peer_cert = %s\npeer_key = %s\n", check_path("a.pem"), check_path("b.key"));
    tap_ok(check(extra) == 1 && has("9: keys 'peer_cert'/'peer_key': "),
           "peer certificate and key that do not match: %s", check_out);

    rename(check_path("ca.pem"), check_path("ca.moved"));
    tap_ok(check("") == 1 && has("5: key 'peer_ca': cannot read "), "peer CA missing: %s", check_out);
    rename(check_path("ca.moved"), check_path("ca.pem"));

    /* Other values for lines 7 and 8: the whole file written here. */
    FILE *f;
    check_out[0] = '\0';
    if ((f = fopen(conf, "w")) == NULL)
        return 2;
    fprintf(f, "[roamd]\nname = a.test\ncert = %s\nkey = %s\npeer_ca = %s\nmpk = %s\n"
               "accept_policy = HCU and (M1 or B4\naudit_log = %s\nrouter = fe80::1\n",
            check_path("a.pem"), check_path("a.key"), check_path("ca.pem"), check_path("mpk.pem"), check_path("nodir/audit.jsonl"));
    fclose(f);
    roam_diag d = { .emit = check_collect };
    tap_ok(roamd_check(conf, &d) < 0 && d.count == 2, "two problems at once, both told: %s", check_out);
    tap_ok(has("8: key 'audit_log': directory ") && strstr(check_out, "nodir"),
           "audit log in a missing directory");
    /* "HCU and (M1 or B4": the '(' is column 9 of the operator's text. */
    tap_ok(has("7: key 'accept_policy': policy does not compile: ") &&
           strstr(check_out, "'(' at column 9 is never closed"),
           "unbalanced accept policy, columns in the operator's text");

    snprintf(extra, sizeof extra, "listen = [::1]:99999\nbridge = a/b\n");
    tap_ok(check(extra) == 2 && has("9: key 'listen'") && has("10: key 'bridge'"),
           "bad listen address and interface both told: %s", check_out);
    tap_ok(check("peer_listen = bad host:7444\n") == 1 && has("9: key 'peer_listen': 'bad host'"),
           "listen host that is not an address or name: %s", check_out);
    tap_ok(check("disclose_policy = A) or (B\n") == 1 &&
           has("9: key 'disclose_policy': policy does not compile: "),
           "a disclose policy that does not compile: %s", check_out);

    char saved[4096];
    snprintf(saved, sizeof saved, "%s", getenv("ROAMD_NET_PROGRAM") ? getenv("ROAMD_NET_PROGRAM")
                                                                     : "");
    setenv("ROAMD_NET_PROGRAM", "/nonexistent/roamd-net", 1);
    tap_ok(check("") == 1 && strstr(check_out, "network process /nonexistent/roamd-net"),
           "no network process program: told (%s)", check_out);
    if (saved[0])
        setenv("ROAMD_NET_PROGRAM", saved, 1);
    else
        unsetenv("ROAMD_NET_PROGRAM");

    snprintf(extra, sizeof extra, "%s/missing.conf", check_dir);
    d = (roam_diag){ .emit = check_collect };
    check_out[0] = '\0';
    tap_ok(roamd_check(extra, &d) < 0 && d.count == 1 && strstr(check_out, "cannot open"),
           "missing configuration: one problem: %s", check_out);

    struct roamd_config c;
    char err[512];
    roamd_config_defaults(&c);
    tap_ok(roamd_config_load(&c, conf, err, sizeof err) == 0 &&
           roamd_config_line(&c, "roamd", "mpk") == 6 &&
           roamd_config_line(&c, "roamd", "audit_log") == 8 &&
           roamd_config_line(&c, "limits", "max_sessions") == 0,
           "roamd_config_line: where each key was set, 0 for defaults");
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf %s", check_dir);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", check_dir);
    return tap_done();
}
