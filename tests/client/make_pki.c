/* make_pki DIR: the test PKI of test_exit_codes.sh, made with OpenSSL's
 * API (tests/proto/certs.h): DIR/ca.pem, a daemon certificate for
 * 127.0.0.1 (DIR/host.pem, DIR/host.key) and an unrelated CA
 * (DIR/other-ca.pem) for the wrong --ca. */
#include <stdio.h>

#include "../proto/certs.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_pki DIR\n");
        return 2;
    }
    char ca[1024], other[1024], crt[1024], key[1024];
    snprintf(ca, sizeof ca, "%s/ca.pem", argv[1]);
    snprintf(other, sizeof other, "%s/other-ca.pem", argv[1]);
    snprintf(crt, sizeof crt, "%s/host.pem", argv[1]);
    snprintf(key, sizeof key, "%s/host.key", argv[1]);
    struct test_ca a, b;
    if (certs_make_ca(&a, "roam test CA", ca) < 0 ||
        certs_make_leaf(&a, "127.0.0.1", "IP:127.0.0.1", crt, key) < 0 ||
        certs_make_ca(&b, "another CA", other) < 0) {
        fprintf(stderr, "make_pki: cannot write the test PKI in %s\n", argv[1]);
        return 1;
    }
    certs_free_ca(&a);
    certs_free_ca(&b);
    return 0;
}
