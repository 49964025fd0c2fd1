/* mob_pki DIR SAN: a throw-away test PKI for the agent tests (DIR/ca.pem,
 * DIR/ims.pem, DIR/ims.key with subjectAltName SAN), made with the same
 * OpenSSL code as the C tests, so the shell tests need no openssl(1). */
#include <stdio.h>

#include "../proto/certs.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: mob_pki DIR SAN\n");
        return 2;
    }
    char ca_path[512], cert[512], key[512];
    snprintf(ca_path, sizeof ca_path, "%s/ca.pem", argv[1]);
    snprintf(cert, sizeof cert, "%s/ims.pem", argv[1]);
    snprintf(key, sizeof key, "%s/ims.key", argv[1]);
    struct test_ca ca;
    if (certs_make_ca(&ca, "roam mobility test CA", ca_path) < 0)
        return 1;
    int rc = certs_make_leaf(&ca, "ims.test", argv[2], cert, key);
    certs_free_ca(&ca);
    return rc < 0 ? 1 : 0;
}
