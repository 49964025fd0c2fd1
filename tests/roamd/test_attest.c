/* The destination's attestation of a handover's mobile address
 * ([mobility] attest_key, src/roamd/handover_send.h): the key is a secret
 * (refused while group or others may read it), its key id is its public
 * key's; without a key the registration goes out byte for byte as the
 * guest sent it; with one it goes out with this host's attestation of the
 * checked address appended to its Register, and nothing else changed. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "ed25519.h"
#include "errbuf.h"
#include "handover_send.h"
#include "moa_attest.h"
#include "../net/reg_sample.h"
#include "roamd_config.h"
#include "tap.h"

static char dir[] = "/tmp/roamd-attest-XXXXXX";

/* A fresh Ed25519 key written as PEM at path with mode. */
static EVP_PKEY *write_key(const char *path, mode_t mode)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    FILE *f = fopen(path, "w");
    int ok = k && f && PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) == 1;
    if (f)
        ok = fclose(f) == 0 && ok;
    if (!ok || chmod(path, mode) != 0) {
        EVP_PKEY_free(k);
        return NULL;
    }
    return k;
}

/* A UDP socket on ::1 standing in for the IMS; its port in *port. */
static int fake_ims(uint16_t *port)
{
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    socklen_t l = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &l) < 0)
        return -1;
    *port = ntohs(a.sin6_port);
    return fd;
}

static size_t got(int fd, uint8_t *buf, size_t cap)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    if (poll(&p, 1, 1000) != 1)
        return 0;
    ssize_t n = recv(fd, buf, cap, 0);
    return n > 0 ? (size_t)n : 0;
}

static void test_config(const char *key)
{
    char err[ROAM_ERR_MAX], text[512];
    struct roamd_config c;
    static const char base[] = "[roamd]\nname = a.test\ncert = c\nkey = k\npeer_ca = ca\n"
                               "mpk = m\naccept_policy = x\n";
    roamd_config_defaults(&c);
    tap_ok(roamd_config_parse_string(&c, base, "t.conf", err, sizeof err) == 0 &&
               c.attest_key[0] == '\0',
           "no attest_key by default (%s)", err);
    snprintf(text, sizeof text, "%s[mobility]\nattest_key = %s\n", base, key);
    roamd_config_defaults(&c);
    tap_ok(roamd_config_parse_string(&c, text, "t.conf", err, sizeof err) == 0 &&
               strcmp(c.attest_key, key) == 0,
           "[mobility] attest_key is read (%s)", err);
}

static void test_key(const char *open_key, const char *key, EVP_PKEY *k)
{
    char err[ROAM_ERR_MAX];
    struct roamd_attester a;
    tap_ok(roamd_attester_load(&a, open_key, err, sizeof err) < 0 && strstr(err, "chmod 600") &&
               a.key == NULL,
           "a key others may read is refused (%s)", err);
    tap_ok(roamd_attester_load(&a, "/nonexistent/key", err, sizeof err) < 0,
           "a missing key is refused (%s)", err);
    uint8_t pub[32], id[8];
    tap_ok(roamd_attester_load(&a, key, err, sizeof err) == 0 &&
               roam_ed25519_raw_public(k, pub) == 0 && roam_attest_key_id(pub, id) == 0 &&
               memcmp(a.key_id, id, 8) == 0,
           "a private key loads, with its public key's id (%s)", err);
    roamd_attester_free(&a);
}

static void test_send(const char *key)
{
    char err[ROAM_ERR_MAX];
    uint16_t port;
    int ims = fake_ims(&port);
    tap_ok(ims >= 0, "a fake IMS on ::1");
    if (ims < 0)
        return;
    roam_handover h;
    memset(&h, 0, sizeof h);
    inet_pton(AF_INET6, "2001:db8:b::5054:ff:fe52:b02", h.moa);
    inet_pton(AF_INET6, "::1", h.ims_addr);
    h.ims_port = port;
    struct reg_spec s;
    reg_spec_sample(&s, h.moa);
    h.reg_len = reg_encode(&s, h.reg, sizeof h.reg);
    uint8_t buf[2048];
    int attested = 1;

    struct roamd_attester none = { 0 };
    int fd = roamd_registration_send(&h, &none, &attested, err, sizeof err);
    size_t n = got(ims, buf, sizeof buf);
    tap_ok(fd >= 0 && !attested && n == h.reg_len && memcmp(buf, h.reg, n) == 0,
           "no attest_key: the guest's registration byte for byte (%zu bytes)", n);
    if (fd >= 0)
        close(fd);
    fd = roamd_registration_send(&h, NULL, &attested, err, sizeof err);
    n = got(ims, buf, sizeof buf);
    tap_ok(fd >= 0 && !attested && n == h.reg_len, "no attester at all: the same");
    if (fd >= 0)
        close(fd);

    struct roamd_attester a;
    if (roamd_attester_load(&a, key, err, sizeof err) < 0) {
        tap_ok(0, "attester (%s)", err);
        close(ims);
        return;
    }
    uint64_t t0 = (uint64_t)time(NULL);
    fd = roamd_registration_send(&h, &a, &attested, err, sizeof err);
    uint64_t t1 = (uint64_t)time(NULL);
    n = got(ims, buf, sizeof buf);
    uint8_t want[ROAM_HANDOVER_REG_MAX];
    int same = 0;
    for (uint64_t t = t0; t <= t1 && !same; t++) {
        size_t wn = roamd_registration_attest(&h, &a, t, want, err, sizeof err);
        same = wn == n && memcmp(want, buf, n) == 0;
    }
    tap_ok(fd >= 0 && attested && same && n > h.reg_len,
           "with attest_key: the registration and this host's attestation (%zu bytes)", n);
    if (fd >= 0)
        close(fd);

    /* The attestation is of h.moa, for the registration's hoa and seq. */
    uint8_t pub[32];
    roam_moa_attest att;
    memcpy(att.moa, h.moa, 16);
    memcpy(att.key_id, a.key_id, 8);
    memcpy(att.sig, buf + n - 64, 64);
    int ok = 0;
    roam_ed25519_raw_public(a.key, pub);
    for (uint64_t t = t0; t <= t1 && !ok; t++) {
        att.time = t;
        ok = roam_moa_attest_verify(pub, s.hoa, s.seq, &att, err, sizeof err) == 1;
    }
    tap_ok(ok, "its signature verifies for the registration's home address and sequence number");

    /* A registration not of that shape is not attested (and never sent:
     * roam_handover_admit refuses it before). */
    roam_handover bad = h;
    bad.reg[0] = 0xff;
    tap_eq(roamd_registration_attest(&bad, &a, t0, want, err, sizeof err), (size_t)0,
           "a registration that does not parse is not attested (%s)", err);
    roamd_attester_free(&a);
    close(ims);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char key[128], open_key[128];
    snprintf(key, sizeof key, "%s/attest.key", dir);
    snprintf(open_key, sizeof open_key, "%s/open.key", dir);
    EVP_PKEY *k = write_key(key, 0600), *o = write_key(open_key, 0644);
    tap_ok(k && o, "keys written");
    if (k && o) {
        test_config(key);
        test_key(open_key, key, k);
        test_send(key);
    }
    EVP_PKEY_free(k);
    EVP_PKEY_free(o);
    unlink(key);
    unlink(open_key);
    rmdir(dir);
    return tap_done();
}
