/* roam-kgc keygen --mpk F --msk F --out F [--allow-expired] ATTR...: issues
 * a user key.  The MSK must belong to the MPK (checked by id and by
 * E^alpha = A); the attributes are checked by the policy library (one value
 * per numeric attribute, numbers in range, valid names and dates).  A key
 * that no server would accept (no expiry, or expired) is refused unless
 * --allow-expired asks for one (keys for tests of the refusal). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "abe.h"
#include "cli_common.h"
#include "kgc.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: roam-kgc keygen --mpk MPK --msk MSK --out KEYFILE [--allow-expired] "
               "ATTR...\n"
               "Issues a user key holding the attributes, e.g.\n"
               "  roam-kgc keygen --mpk mpk.pem --msk msk.pem --out alice.key \\\n"
               "      HCU Netsci M1 'grade = 4' 'expiry = 2027-03-31'\n"
               "Servers require expiry >= today (UTC): a key without 'expiry = DATE', or\n"
               "one already expired, is refused unless --allow-expired (test keys).\n"
               "The key file is created with mode 0600 and never overwritten.\n");
}

int kgc_keygen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"mpk", required_argument, NULL, 'p'}, {"msk", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'o'}, {"allow-expired", no_argument, NULL, 'x'},
        {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    const char *mpk_path = NULL, *msk_path = NULL, *out = NULL;
    int c, allow_expired = 0;
    while ((c = getopt_long(argc, argv, "p:s:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'x': allow_expired = 1; break;
        case 'p': mpk_path = optarg; break;
        case 's': msk_path = optarg; break;
        case 'o': out = optarg; break;
        case 'h': usage(stdout); return CLI_OK;
        default: usage(stderr); return CLI_USAGE;
        }
    }
    if (mpk_path == NULL || msk_path == NULL || out == NULL || optind >= argc) {
        cli_usage_error(usage, "missing %s", !mpk_path ? "--mpk" : !msk_path ? "--msk"
                                             : !out    ? "--out" : "ATTR (no attributes given)");
        return CLI_USAGE;
    }
    abe_mpk_t *mpk = NULL;
    abe_msk_t *msk = NULL;
    abe_key_t *key = NULL;
    uint8_t id[ABE_ID_BYTES], *ko = NULL;
    size_t kl = 0;
    int rc = CLI_FAIL;
    if (cli_load_mpk(mpk_path, &mpk) != 0 || cli_load_msk(msk_path, &msk, id) != 0)
        goto out;
    if (CRYPTO_memcmp(id, mpk->id, sizeof id) != 0 || !abe_msk_matches(msk, mpk)) {
        cli_err("%s does not belong to %s", msk_path, mpk_path);
        goto out;
    }
    if ((key = malloc(sizeof *key)) == NULL) {
        cli_err("out of memory");
        goto out;
    }
    abe_error_t err;
    abe_error_clear(&err);
    size_t n = (size_t)(argc - optind);
    if (abe_key_set_attrs(key, (const char *const *)argv + optind, n, &err) != ABE_OK) {
        cli_err("invalid attributes: %s", err.msg[0] ? err.msg : "rejected");
        goto out;
    }
    char validity[256];
    if (!kgc_key_validity(key, validity, sizeof validity) && !allow_expired) {
        cli_err("no roam server would accept this key: expiry %s; give 'expiry = YYYY-MM-DD' "
                "(today or later), or --allow-expired for a test key", validity);
        goto out;
    }
    if (abe_keygen(key, mpk, msk) != ABE_OK) {
        cli_err("key generation failed");
        goto out;
    }
    if (abe_encode_key(key, &ko, &kl) != ABE_OK) {
        cli_err("cannot encode the key (too many attributes?)");
        goto out;
    }
    if (cli_save(out, ko, kl) != 0)
        goto out;
    uint8_t fp[32];
    char hex[65];
    if (abe_key_fingerprint(key, fp) == ABE_OK) {
        cli_hex(hex, fp, sizeof fp);
        printf("wrote %s (mode 0600)\nfingerprint: %s\nattributes: %zu (%zu internal strings)\n"
               "expiry: %s\n",
               out, hex, key->n_user, abe_attr_set_count(&key->attrs), validity);
    }
    rc = CLI_OK;
out:
    abe_free_secret(ko, kl);
    cli_free_key(key);
    cli_free_msk(msk);
    free(mpk);
    return rc;
}
