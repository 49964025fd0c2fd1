/* peer_pins (src/roamd/peer_pins.h) against certificates made here: two
 * providers' CAs, both in the peer_ca bundle.  Provider X's CA issuing a
 * certificate that names provider Y's host is refused when Y's host is
 * held to Y's CA, and when it is pinned to Y's key; Y's own certificate
 * passes either way; a host without a line is refused; no pin file lets
 * everything through (the old behaviour); malformed files are refused
 * with their line (a wildcard host, a short hash, a missing CA file). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../proto/certs.h"
#include "errbuf.h"
#include "peer_pins.h"
#include "tap.h"
#include "tls.h"

static char dir[] = "/tmp/roam-pins-XXXXXX";

static const char *at(const char *name)
{
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(at(name), "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void cat(const char *a, const char *b, const char *out)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cat '%s' '%s' > '%s'", at(a), at(b), at(out));
    if (system(cmd) != 0)
        tap_diag("cannot join %s and %s", a, b);
}

struct server {
    roam_tls_ctx *ctx;
    int fd;
    roam_tls_conn *c;
};

static void *serve(void *arg)
{
    struct server *s = arg;
    char err[ROAM_ERR_MAX];
    s->c = roam_tls_accept(s->ctx, s->fd, 3000, err, sizeof err);
    return NULL;
}

/* A client connection to a server presenting cert/key (its name
 * yhost.test checked by TLS against the bundle), or NULL. */
static roam_tls_conn *connect_to(const char *cert, const char *key, struct server *s)
{
    char err[ROAM_ERR_MAX];
    int sv[2];
    pthread_t th;
    roam_tls_ctx *cc = roam_tls_client_ctx(at("bundle.pem"), NULL, NULL, err, sizeof err);
    s->ctx = roam_tls_server_ctx(at(cert), at(key), NULL, err, sizeof err);
    s->c = NULL;
    if (!cc || !s->ctx || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
        tap_diag("setup: %s", err);
        roam_tls_ctx_free(cc);
        return NULL;
    }
    s->fd = sv[1];
    pthread_create(&th, NULL, serve, s);
    roam_tls_conn *c = roam_tls_connect(cc, sv[0], "yhost.test", 3000, err, sizeof err);
    pthread_join(th, NULL);
    if (!c)
        tap_diag("connect: %s", err);
    roam_tls_ctx_free(cc);
    return c;
}

static void done(roam_tls_conn *c, struct server *s)
{
    roam_tls_close(c, 100);
    roam_tls_close(s->c, 100);
    roam_tls_ctx_free(s->ctx);
}

static int bail(const char *why)
{
    printf("Bail out! %s\n", why);
    return 1;
}

static roamd_peer_pins *load(const char *text, char *err, size_t errlen)
{
    write_file("pins", text);
    return roamd_peer_pins_load(at("pins"), err, errlen);
}

/* The peer's chain as the network process passes it (peer_cert.h). */
static roam_peer_cert *chain_of(roam_tls_conn *c)
{
    static uint8_t der[ROAM_PEER_CHAIN_DER_MAX];
    size_t len = 0;
    char err[ROAM_ERR_MAX];
    if (roam_tls_peer_chain_der(c, der, sizeof der, &len, err, sizeof err) < 0)
        return NULL;
    return roam_peer_cert_from_der(der, len, err, sizeof err);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);   /* as every user of tls.h must */
    if (!mkdtemp(dir))
        return bail("mkdtemp");
    struct test_ca x = { 0 }, y = { 0 };
    if (certs_make_ca(&x, "Provider X CA", at("x-ca.pem")) < 0 ||
        certs_make_ca(&y, "Provider Y CA", at("y-ca.pem")) < 0 ||
        certs_make_leaf(&x, "yhost.test", "DNS:yhost.test", at("forged.pem"),
                        at("forged.key")) < 0 ||
        certs_make_leaf(&y, "yhost.test", "DNS:yhost.test", at("real.pem"), at("real.key")) < 0)
        return bail("cannot make the test PKI");
    cat("x-ca.pem", "y-ca.pem", "bundle.pem");

    char err[ROAM_ERR_MAX], why[ROAM_ERR_MAX], line[256];
    struct server fs, rs;
    roam_tls_conn *forged_c = connect_to("forged.pem", "forged.key", &fs);
    roam_tls_conn *real_c = connect_to("real.pem", "real.key", &rs);
    tap_ok(forged_c && real_c, "both certificates pass TLS against the two-CA bundle");
    if (!forged_c || !real_c)
        return tap_done();
    /* As roamd's network process hands them over: the chains as DER. */
    roam_peer_cert *forged = chain_of(forged_c), *real = chain_of(real_c);
    tap_ok(forged && real, "both chains cross as DER and parse again");
    if (!forged || !real)
        return tap_done();

    tap_eq(roamd_peer_pins_check(NULL, forged, "yhost.test", why, sizeof why), 0,
           "no pin file: any CA of peer_ca vouches for any host");

    snprintf(line, sizeof line, "# Y's hosts, held to Y's CA\nYHOST.test ca:%s\n",
             at("y-ca.pem"));
    roamd_peer_pins *p = load(line, err, sizeof err);
    tap_ok(p != NULL, "ca: pin file loads (%s)", p ? "" : err);
    tap_eq(roamd_peer_pins_check(p, forged, "yhost.test", why, sizeof why), -1,
           "X's certificate naming Y's host refused (%s)", why);
    tap_ok(strstr(why, "not issued under") != NULL, "the refusal says why");
    tap_eq(roamd_peer_pins_check(p, real, "yhost.test", why, sizeof why), 0,
           "Y's own certificate accepted (host names compared without case)");
    tap_eq(roamd_peer_pins_check(p, real, "other.test", why, sizeof why), -1,
           "a host without a line refused (%s)", why);
    roamd_peer_pins_free(p);

    char spki[ROAM_TLS_FINGERPRINT_HEX];
    tap_eq(roam_peer_cert_spki(real, spki), 0, "the SPKI hash of Y's key");
    snprintf(line, sizeof line, "yhost.test sha256:%s\n", spki);
    p = load(line, err, sizeof err);
    tap_ok(p != NULL, "sha256: pin file loads (%s)", p ? "" : err);
    tap_eq(roamd_peer_pins_check(p, real, "yhost.test", why, sizeof why), 0,
           "Y's pinned key accepted");
    tap_eq(roamd_peer_pins_check(p, forged, "yhost.test", why, sizeof why), -1,
           "another key for Y's host refused (%s)", why);
    roamd_peer_pins_free(p);

    p = load("*.test sha256:00\n", err, sizeof err);
    tap_ok(!p && strstr(err, ":1:") && strstr(err, "wildcard"), "a wildcard host refused (%s)",
           err);
    p = load("\n\nyhost.test sha256:abcd\n", err, sizeof err);
    tap_ok(!p && strstr(err, ":3:"), "a short hash refused at its line (%s)", err);
    p = load("yhost.test ca:/nonexistent/ca.pem\n", err, sizeof err);
    tap_ok(!p && strstr(err, "cannot read CA file"), "a missing CA file refused (%s)", err);
    p = load("yhost.test\n", err, sizeof err);
    tap_ok(!p, "a line without a pin refused (%s)", err);

    roam_peer_cert_free(forged);
    roam_peer_cert_free(real);
    done(forged_c, &fs);
    done(real_c, &rs);
    certs_free_ca(&x);
    certs_free_ca(&y);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        tap_diag("cannot remove %s", dir);
    return tap_done();
}
