/* roam-mat's and roam-ims's configuration files, read with the common
 * table (config_reader.h): values land in their fields, and a repeated
 * key, an unknown key or a bad value is refused with FILE:LINE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"
#include "ims_config.h"
#include "mat_config.h"
#include "tap.h"

static char dir[] = "/tmp/roam-config-XXXXXX";
static char path[128];
static char err[ROAM_ERR_MAX];

static void put(const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static const char mat_base[] = "[agent]\nmode = mobile\n[ims]\naddress = 2001:db8:d::2\n"
                               "[mobile]\nhoa = 2001:db8:e::10\ninterfaces = eth0 eth1\n";

static int mat(const char *extra, mat_config *c)
{
    char text[1024];
    snprintf(text, sizeof text, "%s%s", mat_base, extra);
    put(text);
    err[0] = '\0';
    return mat_config_load(c, path, err, sizeof err);
}

/* err is "PATH:LINE: want...". */
static int says(int line, const char *want)
{
    char head[192];
    snprintf(head, sizeof head, "%s:%d: %s", path, line, want);
    return strncmp(err, head, strlen(head)) == 0;
}

static void test_mat(void)
{
    mat_config c;
    tap_ok(mat("[ims]\nfallback = 2001:db8:d::3, ims2.example\nprobe_ms = 0\n", &c) == 0 &&
           c.n_fallback == 2 && strcmp(mat_config_ims_host(&c, 2), "ims2.example") == 0 &&
           strcmp(mat_config_ims_host(&c, 3), "2001:db8:d::2") == 0 && c.probe_ms == 0,
           "roam-mat: [ims] fallback front-ends after address (%s)", err);
    tap_ok(mat("[ims]\nfallback = a b c d\n", &c) < 0 && says(9, "key 'fallback'"),
           "roam-mat: at most 3 fallbacks (%s)", err);
    tap_ok(mat("[agent]\nnice = 5\n", &c) == 0 && c.nice == 5 && c.role == MAT_MOBILE &&
           c.n_ifaces == 2 && strcmp(c.ifaces[1], "eth1") == 0 && c.have_hoa &&
           strcmp(c.ims_port, IMS_DEFAULT_PORT) == 0 && c.connect_timeout_ms == 3000,
           "roam-mat: values and defaults (%s)", err);
    tap_ok(mat("[agent]\nnice = 5\nnice = 7\n", &c) < 0 &&
           says(10, "key 'nice' set twice (first on line 9)"),
           "roam-mat: a repeated key is refused: \"%s\"", err);
    tap_ok(mat("[mobile]\ninterfaces = eth2\n", &c) < 0 &&
           says(9, "key 'interfaces' set twice (first on line 7)"),
           "roam-mat: a key repeated in a second [mobile] is refused: \"%s\"", err);
    tap_ok(mat("[agent]\nnice = 20\n", &c) < 0 &&
           says(9, "key 'nice': not an integer in -20..19"),
           "roam-mat: out of range, with line: \"%s\"", err);
    tap_ok(mat("[ims]\nprot = 1\n", &c) < 0 && says(9, "unknown key 'prot' in [ims]"),
           "roam-mat: unknown key, with line: \"%s\"", err);
    tap_ok(mat("[moblie]\nhoa = 2001:db8:e::11\n", &c) < 0 &&
           says(9, "key 'hoa' in unknown section [moblie]"),
           "roam-mat: unknown section: \"%s\"", err);
    tap_ok(mat("[ims]\nport = 0\n", &c) < 0 && says(9, "key 'port': not a port in 1..65535"),
           "roam-mat: a bad port: \"%s\"", err);
    tap_ok(mat("[agent]\nmode = both\n", &c) < 0 && says(9, "key 'mode' set twice (first on line 2)"),
           "roam-mat: mode set twice: \"%s\"", err);
    tap_ok(mat("[mobile]\nhandover = perhaps\n", &c) < 0 &&
           says(9, "key 'handover': 'perhaps' is not yes or no"),
           "roam-mat: a bad boolean: \"%s\"", err);
    tap_ok(mat("", &c) == 0 && c.seccomp == ROAM_SANDBOX_ON &&
               mat("[agent]\nseccomp = report\n", &c) == 0 && c.seccomp == ROAM_SANDBOX_REPORT,
           "roam-mat: seccomp on by default, 'report' read");
    tap_ok(mat("[agent]\nseccomp = off\n", &c) < 0 &&
               says(9, "key 'seccomp': not 'yes', 'report' or 'no'"),
           "roam-mat: a bad seccomp value: \"%s\"", err);
    put("[agent]\nmode = mobile\n");
    tap_ok(mat_config_load(&c, path, err, sizeof err) < 0 && strstr(err, "[ims] address is required"),
           "roam-mat: checks between keys stay: \"%s\"", err);
    tap_ok(mat_config_load(&c, "/nonexistent/mat.conf", err, sizeof err) < 0 &&
           strstr(err, "/nonexistent/mat.conf: cannot open"), "roam-mat: missing file: \"%s\"", err);
}

static int ims(const char *text, ims_config *c)
{
    put(text);
    err[0] = '\0';
    return ims_config_load(c, path, err, sizeof err);
}

static void test_ims(void)
{
    ims_config c;
    tap_ok(ims("[ims]\nport = 5000\nmax_connections = 9\noutput_buffer = 1048576\n"
               "[enroll]\nvm1 = 2001:db8:e::10 /etc/roam/vm1.pub\n"
               "vm2 = 2001:db8:e::11 /etc/roam/vm2.pub\n", &c) == 0 &&
           strcmp(c.port, "5000") == 0 && c.server.max_connections == 9 &&
           c.server.output_buffer == 1048576 && c.n_enroll == 2 &&
           strcmp(c.enroll[1].pubkey, "/etc/roam/vm2.pub") == 0 &&
           strcmp(c.server.cert, "/etc/roam/ims.pem") == 0 && !c.server.open_queries,
           "roam-ims: values, [enroll] entries and defaults (%s)", err);
    ims_config_free(&c);
    tap_ok(ims("[ims]\nopen_queries = 1\n", &c) == 0 && c.server.open_queries == 1,
           "roam-ims: open_queries = 1 opens queries (%s)", err);
    ims_config_free(&c);
    tap_ok(ims("[ims]\nopen_queries = yes\n", &c) < 0 && says(2, "key 'open_queries'"),
           "roam-ims: open_queries is 0 or 1 (%s)", err);
    ims_config_free(&c);
    tap_ok(ims("[ims]\nmax_startups = 5:50:20\nmax_per_source = 3\nidle_timeout_ms = 0\n",
               &c) == 0 &&
           c.server.max_startups.start == 5 && c.server.max_startups.rate == 50 &&
           c.server.max_startups.full == 20 && c.server.max_per_source == 3 &&
           c.server.idle_timeout_ms == 0, "roam-ims: connection limits (%s)", err);
    ims_config_free(&c);
    tap_ok(ims("[ims]\nmax_startups = 20:50:5\n", &c) < 0 && strstr(err, "max_startups"),
           "roam-ims: max_startups with start above full refused (%s)", err);
    ims_config_free(&c);
    tap_ok(ims("[ims]\nlog_level = 1\n; comment\nlog_level = 2\n", &c) < 0 &&
           says(4, "key 'log_level' set twice (first on line 2)"),
           "roam-ims: a repeated key is refused: \"%s\"", err);
    ims_config_free(&c);
    tap_ok(ims("[ims]\nmax_subscriptions = 5000\n", &c) < 0 &&
           says(2, "key 'max_subscriptions': not an integer in 1..4096"),
           "roam-ims: out of range, with line: \"%s\"", err);
    ims_config_free(&c);
    tap_ok(ims("[ims]\n\ndatabse = /x\n", &c) < 0 && says(3, "unknown key 'databse' in [ims]"),
           "roam-ims: unknown key, with line: \"%s\"", err);
    ims_config_free(&c);
    tap_ok(ims("[enroll]\nvm1 = 2001:db8:e::10\n", &c) < 0 &&
           says(2, "key 'vm1': not HOA PUBKEY-FILE"),
           "roam-ims: a bad [enroll] entry: \"%s\"", err);
    ims_config_free(&c);
    tap_ok(ims("[ims]\nthis is not ini\n", &c) < 0 && says(2, "syntax error"),
           "roam-ims: syntax error, with line: \"%s\"", err);
    ims_config_free(&c);
    tap_ok(ims("[ims]\nport = 5000\n", &c) == 0 && !c.etcd &&
           strcmp(c.etcd_prefix, "/roam/ims/") == 0 && c.etcd_timeout_ms == 2000,
           "roam-ims: [store] defaults to SQLite (%s)", err);
    ims_config_free(&c);
    tap_ok(ims("[store]\nbackend = etcd\nendpoints = http://[::1]:2379, https://e2:2379\n"
               "prefix = /fed/a/\ntimeout_ms = 500\n", &c) == 0 && c.etcd &&
           strcmp(c.etcd_cfg.endpoints, "http://[::1]:2379, https://e2:2379") == 0 &&
           strcmp(c.etcd_cfg.prefix, "/fed/a/") == 0 && c.etcd_cfg.timeout_ms == 500,
           "roam-ims: [store] backend = etcd with endpoints, prefix, timeout (%s)", err);
    ims_config_free(&c);
    tap_ok(ims("[store]\nbackend = etcd\n", &c) < 0 && strstr(err, "needs [store] endpoints"),
           "roam-ims: etcd without endpoints refused (%s)", err);
    ims_config_free(&c);
    tap_ok(ims("[store]\nbackend = redis\n", &c) < 0 &&
           says(2, "key 'backend': not 'sqlite' or 'etcd'"),
           "roam-ims: unknown backend refused (%s)", err);
    ims_config_free(&c);
    tap_ok(ims("[store]\nendpoints = etcd1:2379\n", &c) < 0 && says(2, "key 'endpoints'"),
           "roam-ims: an endpoint that is not a URL refused (%s)", err);
    ims_config_free(&c);
    tap_ok(ims("[store]\nbackend = etcd\nendpoints = https://e:2379\ncert = /c.pem\n", &c) < 0 &&
           strstr(err, "cert and key go together"),
           "roam-ims: an etcd client certificate without its key refused (%s)", err);
    ims_config_free(&c);
    tap_ok(ims("[ims]\nport = 5000\n", &c) == 0 && c.seccomp == ROAM_SANDBOX_ON,
           "roam-ims: seccomp on by default");
    ims_config_free(&c);
    tap_ok(ims("[ims]\nseccomp = no\n", &c) == 0 && c.seccomp == ROAM_SANDBOX_OFF,
           "roam-ims: seccomp = no read");
    ims_config_free(&c);
    tap_ok(ims("[ims]\nseccomp = 1\n", &c) < 0 && says(2, "key 'seccomp'"),
           "roam-ims: a bad seccomp value refused (%s)", err);
    ims_config_free(&c);
    tap_ok(ims("[ims]\nack_key = /k\nmoa_secret = /s\nattestors = /etc/roam/attestors\n", &c) == 0 &&
           strcmp(c.server.attestors, "/etc/roam/attestors") == 0,
           "roam-ims: attestors read (%s)", err);
    ims_config_free(&c);
    tap_ok(ims("[ims]\nattestors = /etc/roam/attestors\n", &c) < 0 &&
           says(2, "[ims] attestors needs [ims] moa_secret"),
           "roam-ims: attestors without moa_secret refused (%s)", err);
    ims_config_free(&c);
}

/* [enroll] text with n entries, each HoA and key file its own. */
static char *enroll_lines(size_t n)
{
    size_t cap = 16 + n * 48, used = 0;
    char *t = malloc(cap);
    if (!t) {
        perror("malloc");
        exit(1);
    }
    used += (size_t)snprintf(t, cap, "[enroll]\n");
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(t + used, cap - used, "vm%zu = 2001:db8:e::%zx /k/%zu.pub\n",
                                 i, i + 1, i);
    return t;
}

/* The entries live in a table grown as they come, up to IMS_CFG_ENROLL_MAX. */
static void test_ims_enroll_many(void)
{
    ims_config c;
    char *t = enroll_lines(IMS_CFG_ENROLL_MAX);
    tap_ok(ims(t, &c) == 0 && c.n_enroll == IMS_CFG_ENROLL_MAX &&
           strcmp(c.enroll[0].pubkey, "/k/0.pub") == 0 && c.enroll[0].line == 2 &&
           strcmp(c.enroll[IMS_CFG_ENROLL_MAX - 1].pubkey, "/k/1023.pub") == 0 &&
           c.enroll[IMS_CFG_ENROLL_MAX - 1].hoa[15] == 0x00 &&
           c.enroll[IMS_CFG_ENROLL_MAX - 1].hoa[14] == 0x04,
           "roam-ims: %d [enroll] entries all kept (%s)", IMS_CFG_ENROLL_MAX, err);
    ims_config_free(&c);
    free(t);
    t = enroll_lines(IMS_CFG_ENROLL_MAX + 1);
    tap_ok(ims(t, &c) < 0 && says(IMS_CFG_ENROLL_MAX + 2, "key 'vm1024': more than 1024"),
           "roam-ims: one [enroll] entry too many refused (%s)", err);
    ims_config_free(&c);
    free(t);
    tap_ok(ims("[ims]\nport = 5000\n", &c) == 0 && c.n_enroll == 0 && c.enroll == NULL,
           "roam-ims: no [enroll] entries, no table (%s)", err);
    ims_config_free(&c);
}

/* The readers' entry points on text go through the same table and checks
 * as the files, with the name given standing for the file. */
static void test_from_text(void)
{
    ims_config ic;
    tap_ok(ims_config_parse_string(&ic, "[ims]\nport = 5000\n[enroll]\n"
                                   "vm1 = 2001:db8:e::10 /k.pub\n", "ims.conf", err,
                                   sizeof err) == 0 &&
           strcmp(ic.port, "5000") == 0 && ic.n_enroll == 1 && ic.enroll[0].line == 4,
           "roam-ims: a file's text read (%s)", err);
    ims_config_free(&ic);
    tap_ok(ims_config_parse_string(&ic, "[ims]\nattestors = /a\n", "ims.conf", err,
                                   sizeof err) < 0 &&
           strncmp(err, "ims.conf:2: [ims] attestors needs", 33) == 0,
           "roam-ims: text gets the file's checks, under its name (%s)", err);
    ims_config_free(&ic);
    mat_config mc;
    tap_ok(mat_config_parse_string(&mc, mat_base, "mat.conf", err, sizeof err) == 0 &&
           mc.role == MAT_MOBILE && mc.n_ifaces == 2 && mat_config_line(&mc, "mobile", "hoa") == 6,
           "roam-mat: a file's text read (%s)", err);
    tap_ok(mat_config_parse_string(&mc, "[agent]\nmode = mobile\nmode = mobile\n", "mat.conf",
                                   err, sizeof err) < 0 &&
           strncmp(err, "mat.conf:3: key 'mode' set twice", 32) == 0,
           "roam-mat: text gets the file's checks, under its name (%s)", err);
    tap_ok(mat_config_parse_string(&mc, "", "mat.conf", err, sizeof err) < 0 &&
           strstr(err, "mat.conf: [agent] mode must be") == err,
           "roam-mat: empty text is an empty file (%s)", err);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(path, sizeof path, "%s/test.conf", dir);
    test_mat();
    test_ims();
    test_ims_enroll_many();
    test_from_text();
    unlink(path);
    rmdir(dir);
    return tap_done();
}
