/* bench-sealed [ITERS]: what the source's sealed challenge (docs/protocol.md
 * §4) adds to one migrate-role authentication, measured against the plain
 * challenge it replaced in one run, the two interleaved round by round so
 * that both see the same load.  Plain: Encaps under the VM's policy
 * (`B4 or M1`), Decaps by the user.  Sealed: Encaps under the disclose
 * policy (`customer`) and under the VM's policy, the seal, then the user's
 * Decaps of the outer ciphertext, the opening, Decaps of the inner one and
 * the response key.  Policies prepared (as roamd holds them, ANDed with an
 * expiry clause), Decaps without a hint (as the client runs it).  Prints
 * the medians and means in ms, then CSV:
 * variant,iters,server_median_ms,client_median_ms,total_median_ms,total_mean_ms */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "abe.h"
#include "bench_time.h"
#include "seal.h"

#define MAX_ITERS 2000


static abe_prepared_t *prepare(const char *text)
{
    abe_prepared_t *pp = calloc(1, sizeof *pp);
    abe_error_t err;
    if (!pp || abe_prepare_with_expiry(pp, text, strlen(text), "2026-01-01", 1, &err) != ABE_OK)
        bench_die("policy does not prepare");
    return pp;
}

static uint8_t ct1[ABE_KEM_CT_MAX_BYTES], ct2[ABE_KEM_CT_MAX_BYTES];

/* One plain round: server and client times into s, c. */
static void plain(const abe_mpk_t *mpk, const abe_key_t *key, const abe_prepared_t *vm,
                  double *s, double *c)
{
    uint8_t k[ABE_KEM_KEY_BYTES], k2[ABE_KEM_KEY_BYTES];
    size_t len;
    double t0 = bench_now_ms();
    if (abe_kem_encaps(mpk, vm, ct1, sizeof ct1, &len, k) != ABE_OK)
        bench_die("encaps");
    double t1 = bench_now_ms();
    if (abe_kem_decaps(mpk, key, ct1, len, NULL, k2) != ABE_OK || memcmp(k, k2, sizeof k))
        bench_die("decaps");
    *s = t1 - t0;
    *c = bench_now_ms() - t1;
}

/* One sealed round. */
static void sealed(const abe_mpk_t *mpk, const abe_key_t *key, const abe_prepared_t *outer,
                   const abe_prepared_t *vm, double *s, double *c)
{
    uint8_t ko[ABE_KEM_KEY_BYTES], ki[ABE_KEM_KEY_BYTES], co[ABE_KEM_KEY_BYTES],
        ci[ABE_KEM_KEY_BYTES], r1[ABE_KEM_KEY_BYTES], r2[ABE_KEM_KEY_BYTES], nonce[32] = { 1 };
    size_t l1, l2, sl;
    uint8_t *sp = NULL;
    char err[256];
    double t0 = bench_now_ms();
    if (abe_kem_encaps(mpk, outer, ct1, sizeof ct1, &l1, ko) != ABE_OK ||
        abe_kem_encaps(mpk, vm, ct2, sizeof ct2, &l2, ki) != ABE_OK)
        bench_die("encaps");
    struct roam_inner in = { .kind = ROAM_INNER_CHALLENGE, .ct = ct2, .ct_len = l2,
                             .text = "(B4 or M1) and expiry >= 2026-01-01" }, out;
    if (roam_seal(ko, nonce, &in, &sp, &sl, err, sizeof err) < 0)
        bench_die(err);
    double t1 = bench_now_ms();
    if (abe_kem_decaps(mpk, key, ct1, l1, NULL, co) != ABE_OK ||
        roam_unseal(co, nonce, sp, sl, &out, err, sizeof err) < 0 ||
        abe_kem_decaps(mpk, key, out.ct, out.ct_len, NULL, ci) != ABE_OK ||
        roam_response_key(co, ci, r2, err, sizeof err) < 0)
        bench_die("the client's side");
    double t2 = bench_now_ms();
    /* The server derives the response key when the response comes. */
    if (roam_response_key(ko, ki, r1, err, sizeof err) < 0 || memcmp(r1, r2, sizeof r1))
        bench_die("response keys differ");
    *s = t1 - t0 + bench_now_ms() - t2;
    *c = t2 - t1;
    roam_inner_free(&out);
    free(sp);
}

int main(int argc, char **argv)
{
    unsigned iters = argc > 1 ? (unsigned)atoi(argv[1]) : 100;
    if (iters < 1 || iters > MAX_ITERS) {
        fprintf(stderr, "usage: bench-sealed [ITERS: 1..%d]\n", MAX_ITERS);
        return 2;
    }
    abe_mpk_t *mpk = calloc(1, sizeof *mpk);
    abe_msk_t *msk = calloc(1, sizeof *msk);
    abe_key_t *key = calloc(1, sizeof *key);
    static const char *const attrs[] = { "customer", "B4", "expiry = 2099-12-31" };
    abe_error_t aerr;
    if (!mpk || !msk || !key || abe_setup(mpk, msk) != ABE_OK ||
        abe_key_set_attrs(key, attrs, 3, &aerr) != ABE_OK || abe_keygen(key, mpk, msk) != ABE_OK)
        bench_die("setup");
    abe_prepared_t *outer = prepare("customer"), *vm = prepare("B4 or M1");
    static double ps[MAX_ITERS], pc[MAX_ITERS], pt[MAX_ITERS], ss[MAX_ITERS], sc[MAX_ITERS],
        st[MAX_ITERS];
    double psum = 0, ssum = 0;
    for (unsigned i = 0; i < iters; i++) {
        plain(mpk, key, vm, &ps[i], &pc[i]);
        sealed(mpk, key, outer, vm, &ss[i], &sc[i]);
        pt[i] = ps[i] + pc[i];
        st[i] = ss[i] + sc[i];
        psum += pt[i];
        ssum += st[i];
    }
    double pm = bench_median(pt, iters), sm = bench_median(st, iters);
    printf("%-8s %6s %12s %12s %12s %12s\n", "variant", "iters", "server_med", "client_med",
           "total_med", "total_mean");
    printf("%-8s %6u %12.3f %12.3f %12.3f %12.3f\n", "plain", iters, bench_median(ps, iters),
           bench_median(pc, iters), pm, psum / iters);
    printf("%-8s %6u %12.3f %12.3f %12.3f %12.3f\n", "sealed", iters, bench_median(ss, iters),
           bench_median(sc, iters), sm, ssum / iters);
    printf("added: %.3f ms per authentication (medians), x%.2f\n\n", sm - pm, sm / pm);
    printf("variant,iters,server_median_ms,client_median_ms,total_median_ms,total_mean_ms\n");
    printf("plain,%u,%.3f,%.3f,%.3f,%.3f\n", iters, bench_median(ps, iters), bench_median(pc, iters), pm,
           psum / iters);
    printf("sealed,%u,%.3f,%.3f,%.3f,%.3f\n", iters, bench_median(ss, iters), bench_median(sc, iters), sm,
           ssum / iters);
    abe_prepared_clear(outer);
    abe_prepared_clear(vm);
    abe_key_clear(key);
    free(outer);
    free(vm);
    free(key);
    abe_msk_clear(msk);
    free(msk);
    free(mpk);
    return 0;
}
