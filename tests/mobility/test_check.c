/* roam-ims --check and roam-mat --check (ims_check.h, mat_check.h): valid
 * configurations pass; each broken one is reported at the line of the key
 * to blame, every problem of a file at once: database directory missing,
 * certificate and key not matching, an [enroll] public key missing, an ack
 * key of the wrong type, a key set twice; for the agent the IMS CA missing,
 * half a client identity, a signing key that is not one, interface names,
 * the HoA device, the mode's required keys; with the etcd store its TLS
 * files instead of the database.  Test PKI and Ed25519 keys are made
 * here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../proto/certs.h"
#include "diag.h"
#include "ims_check.h"
#include "ims_sign.h"
#include "mat_check.h"
#include "check_util.h"
#include "tap.h"

static char conf[600];



/* Write text as the configuration, run check; the number of problems. */
static int run(int (*check)(const char *, roam_diag *), const char *text)
{
    FILE *f = fopen(conf, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        exit(2);
    check_out[0] = '\0';
    roam_diag d = { .emit = check_collect };
    int r = check(conf, &d);
    return (r < 0) != (d.count > 0) ? -100 : d.count;
}

static int has(const char *line_and_text)
{
    char want[700];
    snprintf(want, sizeof want, "%s:%s", conf, line_and_text);
    return strstr(check_out, want) != NULL;
}

/* roam-ims's configuration: cert, key, database, then extra lines (from
 * line 5 on), then one [enroll] entry. */
static int ims(const char *cert, const char *key, const char *db, const char *extra,
               const char *pub)
{
    char text[4096];
    snprintf(text, sizeof text, "[ims]\ncert = %s\nkey = %s\ndatabase = %s\n%s"
             "[enroll]\nmn1 = 2001:db8::1 %s\n", check_path(cert), check_path(key), check_path(db), extra, check_path(pub));
    return run(ims_check, text);
}

/* roam-mat's mobile configuration; extra lines go at the end ([mobile]). */
static int mat(const char *ca, const char *key, const char *extra)
{
    char text[4096];
    snprintf(text, sizeof text, "[agent]\nmode = mobile\n[ims]\naddress = 2001:db8::99\n"
             "ca = %s\n[mobile]\nhoa = 2001:db8::1\nkey = %s\ninterfaces = eth0, eth1\n%s",
             check_path(ca), check_path(key), extra);
    return run(mat_check, text);
}

static void setup(void)
{
    char err[512];
    if (!mkdtemp(check_dir))
        exit(2);
    snprintf(conf, sizeof conf, "%s/test.conf", check_dir);
    struct test_ca ca;
    if (certs_make_ca(&ca, "check CA", check_path("ca.pem")) < 0 ||
        certs_make_leaf(&ca, "ims.test", "DNS:ims.test", check_path("ims.pem"), check_path("ims.key")) < 0 ||
        certs_make_leaf(&ca, "other.test", "DNS:other.test", check_path("other.pem"), check_path("other.key")) < 0 ||
        ims_key_generate(check_path("mn.key"), check_path("mn.pub"), err, sizeof err) < 0)
        exit(2);
    certs_free_ca(&ca);
}

int main(void)
{
    setup();

    /* roam-ims */
    tap_eq(ims("ims.pem", "ims.key", "ims.sqlite", "", "mn.pub"), 0,
           "roam-ims: a valid configuration passes (%s)", check_out);
    tap_ok(ims("ims.pem", "ims.key", "nodir/ims.sqlite", "", "mn.pub") == 1 &&
           has("4: key 'database': directory ") && strstr(check_out, "nodir"),
           "roam-ims: database directory missing: %s", check_out);
    tap_ok(ims("ims.pem", "other.key", "ims.sqlite", "", "mn.pub") == 1 &&
           has("2: keys 'cert'/'key': ") && strstr(check_out, "other.key"),
           "roam-ims: certificate and key that do not match: %s", check_out);
    tap_ok(ims("missing.pem", "ims.key", "ims.sqlite", "", "mn.pub") == 1 &&
           has("2: key 'cert': cannot read "), "roam-ims: certificate missing: %s", check_out);
    tap_ok(ims("ims.pem", "ims.key", "ims.sqlite", "", "missing.pub") == 1 &&
           has("6: [enroll] 2001:db8::1: "), "roam-ims: enrolled public key missing: %s", check_out);
    tap_ok(ims("ims.pem", "ims.key", "ims.sqlite", "", "mn.key") == 1 &&
           has("6: [enroll] 2001:db8::1: "), "roam-ims: enrolled key that is not public: %s",
           check_out);
    char extra[1024];
    snprintf(extra, sizeof extra, "ack_key = %s\n", check_path("ims.key"));
    tap_ok(ims("ims.pem", "ims.key", "ims.sqlite", extra, "mn.pub") == 1 &&
           has("5: key 'ack_key': ") && strstr(check_out, "Ed25519"),
           "roam-ims: ack key that is not Ed25519: %s", check_out);
    tap_ok(ims("ims.pem", "ims.key", "ims.sqlite", "port = 1\nport = 2\n", "mn.pub") == 1 &&
           has("6: key 'port' set twice (first on line 5)"),
           "roam-ims: a key set twice is an error: %s", check_out);
    snprintf(extra, sizeof extra, "client_ca = %s\nlisten = no such host\n", check_path("missing-ca.pem"));
    tap_ok(ims("ims.pem", "other.key", "nodir/db", extra, "missing.pub") == 5 &&
           has("2: keys 'cert'/'key'") && has("4: key 'database'") &&
           has("5: key 'client_ca'") && has("6: key 'listen'") && has("8: [enroll]"),
           "roam-ims: five problems at once, all told: %s", check_out);

    /* roam-ims on etcd: no database to check, the etcd client TLS files are */
    tap_eq(ims("ims.pem", "ims.key", "nodir/db",
               "[store]\nbackend = etcd\nendpoints = https://127.0.0.1:1\n", "mn.pub"), 0,
           "roam-ims: etcd store, no database needed (%s)", check_out);
    snprintf(extra, sizeof extra, "[store]\nbackend = etcd\nendpoints = https://127.0.0.1:1\n"
             "ca = %s\ncert = %s\nkey = %s\n", check_path("missing-ca.pem"),
             check_path("ims.pem"), check_path("other.key"));
    tap_ok(ims("ims.pem", "ims.key", "ims.sqlite", extra, "mn.pub") == 2 &&
           has("8: key 'ca': cannot read ") && has("9: keys 'cert'/'key'"),
           "roam-ims: etcd CA missing, client certificate and key not matching: %s", check_out);

    /* [ims] attestors: a bad line of the file reported at its own line */
    char att[300], sec[300];
    snprintf(att, sizeof att, "%s", check_path("attestors"));
    snprintf(sec, sizeof sec, "%s", check_path("moa.secret"));
    FILE *af = fopen(att, "w"), *sf = fopen(sec, "w");
    if (!af || !sf || fprintf(af, "2001:db8:b::/64 %s\n2001:db8:b::1/64 %s\n",
                              check_path("mn.pub"), check_path("mn.pub")) < 0 ||
        fputs("0123456789abcdef0123456789abcdef", sf) < 0 || fclose(af) != 0 ||
        fclose(sf) != 0 || chmod(sec, 0600) != 0)
        exit(2);
    snprintf(extra, sizeof extra, "ack_key = %s\nmoa_secret = %s\nattestors = %s\n",
             check_path("mn.key"), sec, att);
    char want[700];
    snprintf(want, sizeof want, "%s:2: ", att);
    tap_ok(ims("ims.pem", "ims.key", "ims.sqlite", extra, "mn.pub") == 1 &&
           strstr(check_out, want) && strstr(check_out, "host bits"),
           "roam-ims: a bad attestors line, at its line in that file: %s", check_out);

    /* roam-mat */
    tap_eq(mat("ca.pem", "mn.key", ""), 0, "roam-mat: a valid configuration passes (%s)", check_out);
    tap_ok(mat("missing-ca.pem", "mn.key", "") == 1 && has("5: key 'ca': cannot read "),
           "roam-mat: IMS CA missing: %s", check_out);
    tap_ok(mat("ca.pem", "mn.pub", "") == 1 && has("8: key 'key': "),
           "roam-mat: signing key that is a public key: %s", check_out);
    tap_ok(mat("ca.pem", "missing.key", "") == 1 && has("8: key 'key': "),
           "roam-mat: signing key missing: %s", check_out);
    tap_ok(mat("ca.pem", "mn.key", "interfaces = eth0\n") == 1 &&
           has("10: key 'interfaces' set twice (first on line 9)"),
           "roam-mat: a key set twice is an error: %s", check_out);
    tap_ok(mat("ca.pem", "mn.key", "hoa_device = nosuchdev0\n") == 1 &&
           has("10: key 'hoa_device': no interface 'nosuchdev0'"),
           "roam-mat: HoA device that does not exist: %s", check_out);
    char text[2048];
    snprintf(text, sizeof text, "[agent]\nmode = mobile\n[ims]\naddress = not an address\n"
             "ca = %s\ncert = %s\n[mobile]\nhoa = 2001:db8::1\nkey = %s\n"
             "interfaces = eth0 a/b\n", check_path("ca.pem"), check_path("ims.pem"), check_path("mn.pub"));
    tap_ok(run(mat_check, text) == 4 && has("6: [ims] cert and key go together") &&
           has("4: key 'address'") && has("9: key 'key'") &&
           has("10: key 'interfaces': 'a/b' is not an interface name"),
           "roam-mat: four problems at once, all told: %s", check_out);
    tap_ok(run(mat_check, "[agent]\nmode = correspondent\n") == 3 &&
           strstr(check_out, "[ims] address is required") && has("2: correspondent mode needs") &&
           has(" key 'ca': cannot read /etc/roam/ims-ca.pem"),
           "roam-mat: the mode's required keys: %s", check_out);

    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf %s", check_dir);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", check_dir);
    return tap_done();
}
