/* roam check --policy P [--mpk F] [--key F] [--at DATE]: "would my key
 * pass?"  Compiles P exactly as roamd does (parsed on its own, ANDed with
 * `expiry >= DATE` as a tree: abe_prepare_with_expiry), runs one real Encaps
 * under it and Decaps with the key: prints `satisfied` (exit 0) or `not
 * satisfied` (exit 1) and says why on stderr (abe_key_why_not, the
 * explanation the client gives); any error exits 2 with a message. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "abe.h"
#include "cli_common.h"
#include "date.h"
#include "roam_cmds.h"

enum { CHECK_SATISFIED = 0, CHECK_NOT = 1, CHECK_ERROR = 2 };

static void usage(FILE *f)
{
    fprintf(f, "usage: roam check --policy POLICY [--mpk MPK] [--key KEY] [--at YYYY-MM-DD]\n"
               "Runs a real encapsulation under POLICY and expiry >= DATE (as every roam\n"
               "server does; DATE is --at, default today in UTC) and decapsulates it with KEY.\n"
               "Prints 'satisfied' (exit 0) or 'not satisfied' (exit 1, the reason on\n"
               "stderr); exit 2 on error.\n"
               "Defaults: KEY = ~/.config/roam/user.key, MPK = ~/.config/roam/mpk.pem\n"
               "($XDG_CONFIG_HOME/roam when XDG_CONFIG_HOME is set).\n");
}

/* One Encaps/Decaps round; ABE_OK, ABE_ERR_DECAPS, or another error. */
static int round_trip(const abe_mpk_t *mpk, const abe_key_t *key, const abe_prepared_t *pp)
{
    size_t cap = abe_kem_ct_size(pp), len = 0;
    uint8_t *ct = malloc(cap), k1[ABE_KEM_KEY_BYTES], k2[ABE_KEM_KEY_BYTES];
    if (ct == NULL)
        return ABE_ERR_INTERNAL;
    int rc = abe_kem_encaps(mpk, pp, ct, cap, &len, k1);
    if (rc == ABE_OK) {
        rc = abe_kem_decaps(mpk, key, ct, len, pp, k2);
        if (rc == ABE_OK && CRYPTO_memcmp(k1, k2, sizeof k1) != 0)
            rc = ABE_ERR_INTERNAL;
    }
    OPENSSL_cleanse(k1, sizeof k1);
    OPENSSL_cleanse(k2, sizeof k2);
    free(ct);
    return rc;
}

/* Why the key fails (stderr: stdout stays the one-word verdict). */
static void explain(const abe_key_t *key, const abe_policy_t *pol, const char *date)
{
    char detail[512];
    switch (abe_key_why_not(key, pol, date, detail, sizeof detail)) {
    case ABE_WHY_EXPIRED:
        cli_err("the key expired: it carries expiry = %s, and servers require "
                "expiry >= %s", detail, date);
        break;
    case ABE_WHY_UNDATED:
        cli_err("the key carries no expiry, and servers require expiry >= %s", date);
        break;
    case ABE_WHY_LACKS:
        cli_err("the key lacks: %s", detail);
        break;
    default:
        break;
    }
}

int roam_check(int argc, char **argv)
{
    static const struct option opts[] = {
        {"policy", required_argument, NULL, 'p'}, {"mpk", required_argument, NULL, 'm'},
        {"key", required_argument, NULL, 'k'}, {"at", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    const char *policy = NULL, *mpk_path = NULL, *key_path = NULL;
    char mbuf[4096], kbuf[4096], date[11];
    roam_today(date);
    int c;
    cli_prog = "roam check";
    while ((c = getopt_long(argc, argv, "p:m:k:a:h", opts, NULL)) != -1) {
        switch (c) {
        case 'a':
            if (strlen(optarg) >= sizeof date) {
                cli_err("--at: '%s' is not a date (YYYY-MM-DD)", optarg);
                return CHECK_ERROR;
            }
            snprintf(date, sizeof date, "%s", optarg);
            break;
        case 'p': policy = optarg; break;
        case 'm': mpk_path = optarg; break;
        case 'k': key_path = optarg; break;
        case 'h': usage(stdout); return CHECK_SATISFIED;
        default: usage(stderr); return CHECK_ERROR;
        }
    }
    if (policy == NULL || optind != argc) {
        if (policy == NULL)
            cli_usage_error(usage, "missing --policy");
        else
            cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
        return CHECK_ERROR;
    }
    if (mpk_path == NULL && (mpk_path = cli_default_path("mpk.pem", mbuf, sizeof mbuf)) == NULL) {
        cli_err("no --mpk given and no HOME to find the default");
        return CHECK_ERROR;
    }
    if (key_path == NULL && (key_path = cli_default_path("user.key", kbuf, sizeof kbuf)) == NULL) {
        cli_err("no --key given and no HOME to find the default");
        return CHECK_ERROR;
    }
    abe_mpk_t *mpk = NULL;
    abe_key_t *key = NULL;
    abe_prepared_t *pp = NULL;
    int rc = CHECK_ERROR;
    abe_error_t err;
    if (cli_load_mpk(mpk_path, &mpk) != 0 || cli_load_key(key_path, &key) != 0)
        goto out;
    if (memcmp(key->mpk_id, mpk->id, ABE_ID_BYTES) != 0) {
        cli_err("%s was issued under another master public key than %s", key_path, mpk_path);
        goto out;
    }
    if ((pp = malloc(sizeof *pp)) == NULL) {
        cli_err("out of memory");
        goto out;
    }
    abe_error_clear(&err);
    abe_policy_t *date_check = malloc(sizeof *date_check);
    int date_ok = date_check && abe_policy_expiry_clause(date_check, date, &err) == ABE_OK;
    free(date_check);
    if (!date_ok) {
        cli_err("--at: %s", err.msg[0] ? err.msg : "not a date");
        free(pp);
        pp = NULL;
        goto out;
    }
    if (abe_prepare_with_expiry(pp, policy, strlen(policy), date, 0, &err) != ABE_OK) {
        cli_err("invalid policy: %s", err.msg[0] ? err.msg : "rejected");
        free(pp);
        pp = NULL;
        goto out;
    }
    int kr = round_trip(mpk, key, pp);
    int sat = abe_policy_satisfied(&pp->pol, &key->attrs);
    if (kr == ABE_OK && sat) {
        printf("satisfied\n");
        rc = CHECK_SATISFIED;
    } else if (kr == ABE_ERR_DECAPS && !sat) {
        printf("not satisfied\n");
        explain(key, &pp->pol, date);
        rc = CHECK_NOT;
    } else if (kr == ABE_ERR_DECAPS) {
        /* The attributes satisfy the policy but the key does not work. */
        cli_err("%s: decapsulation failed although the attributes satisfy the policy "
                "(damaged key, or key and MPK do not match)", key_path);
    } else {
        cli_err("%s", abe_strerror(kr));
    }
out:
    if (pp != NULL) {
        abe_prepared_clear(pp);
        free(pp);
    }
    cli_free_key(key);
    free(mpk);
    return rc;
}
