/* Tests for Fr (src/bls12381/fr.c): known answers from tests/oracle/fields_kat.py,
 * identities on pseudo-random scalars, encodings and the CSPRNG sampler. */
#include <stdint.h>
#include <string.h>

#include "bls12381.h"
#include "field_test_util.h"
#include "internal/fr.h"
#include "tap.h"

/* BEGIN KAT fr: a, b, a*b, a+b, a-b, 1/a */
static const struct fr_kat { const char *a, *b, *mul, *add, *sub, *inv; } FR_KAT[] = {
    {"0000000000000000000000000000000000000000000000000000000000000000",
     "0000000000000000000000000000000000000000000000000000000000000001",
     "0000000000000000000000000000000000000000000000000000000000000000",
     "0000000000000000000000000000000000000000000000000000000000000001",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000",
     "0000000000000000000000000000000000000000000000000000000000000000"},
    {"0000000000000000000000000000000000000000000000000000000000000001",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000",
     "0000000000000000000000000000000000000000000000000000000000000000",
     "0000000000000000000000000000000000000000000000000000000000000002",
     "0000000000000000000000000000000000000000000000000000000000000001"},
    {"73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000",
     "0000000000000000000000000000000000000000000000000000000000000001",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfefffffffeffffffff",
     "0000000000000000000000000000000000000000000000000000000000000000",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000"},
    {"0000000000000000000000000000000000000000000000000000000000000002",
     "39f6d3a994cebea4199cec0404d0ec02a9ded2017fff2dff7fffffff80000000",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000",
     "39f6d3a994cebea4199cec0404d0ec02a9ded2017fff2dff7fffffff80000002",
     "39f6d3a994cebea4199cec0404d0ec02a9ded2017fff2dff7fffffff80000003",
     "39f6d3a994cebea4199cec0404d0ec02a9ded2017fff2dff7fffffff80000001"},
    {"6b8c6de516e8abd99c426ab5960204e372b19b20d3e4e47bb81901c7f0b5e6bc",
     "52f3d4e7dd35eeac95bddd191b97b868db9debd94ef391a3f28049c4d9e1f888",
     "3d7a740c9381c221881406208f293caf9629fb3f845f2ddb1731cf145d3f56a4",
     "4a929b79ca811d3dfec66fc6a7f7e546fa91e2f722da1a20aa994b8dca97df43",
     "189898fd39b2bd2d06848d9c7a6a4c7a9713af4784f152d7c598b80316d3ee34",
     "4bcf7d55b09fef1022cbe88b7579e713ad30fea884c36a226f6d11cf7f39180b"},
    {"440407362f7b5a292c26045d4fb0cf3ae910d93237fc533cc5bb57788deffdfe",
     "52a77f47fa63c0306386ca3fe6a7b7417c7faafb850eac00a1b0289244eff846",
     "6baa516ceaa13091aa3c588af85a8175894857955c26bf48151f8c61933db020",
     "22bddf2b00419d115c72f6952cb6ae7711d2e02abd0ca33e676b800bd2dff643",
     "654a2f415eb51740fbd9122572aaeffec04ed239b2ec033b240b2ee5490005b9",
     "7338e32bc9915dd38d137c6c0cb8788dc85954097258a73e3a95f88189401222"},
    {"6ee2c2aca89ab399ac7c0c4ea3781c96647f2adc422d6c29b9c593805068a45c",
     "69c1a1864d2c9976f59eadbd4581248bcd50ca3360e5cc92301679b63580a6b3",
     "054ee234c4e5ed7f23a37b02423be993ef875f25516f2b34bdacf36241ebe7e8",
     "64b6bcdfcc29cfc86ee0e203df57691cde12510ca314dcbce9dc0d3785e94b0e",
     "052121265b6e1a22b6dd5e915df6f80a972e60a8e1479f9789af19ca1ae7fda9",
     "3881cbf99fc8b0e7e6d9144bb4ba1a364ffbc213ee4c64fb3792e0bd43f26e97"},
    {"4eb9792ae6c86232dc35ccf13f9c219f5995fac4b83ba5b4ca46693bb2cdd454",
     "4d1ef6b6dd00a90c6a25d2b5078a3c158e3644b3eac7a29e0559183fea2fc8c8",
     "0e7cb93bda6a83fb37deef2aea8221ae4780bd89266c3c6131247b256bf2fe72",
     "27eac88e9a2b8df71321c79e3d8485af940e9b75a304ec53cf9f817c9cfd9d1b",
     "019a827409c7b926720ffa3c3811e589cb5fb610cd740316c4ed50fbc89e0b8c",
     "4468c63499e62d7a674fe7121772cb4fed0f42294ad394d698a0a8c542152564"},
    {"05b4046f124c831c8e3a28c354f38d23d0aabd9bf8aa718f264bfefeef47ba37",
     "0def556c5cfabd72c556f740dead6d55391ebe988995d231c611703b349d4997",
     "3e0a498cd3e52b6a17e1549ba1d4a36c608a6b97c8f948f6c394a9bca7aba010",
     "13a359db6f47408f5391200433a0fa7909c97c34824043c0ec5d6f3a23e503ce",
     "6bb25655deef42f1fc1d098a7fe7f7d3eb49a3066f12fb5c603a8ec2baaa70a1",
     "15b43a45118c937d3784079255ed879d727ae3bc8b8c40a472300a3cff087789"},
    {"323c2b71178bf6f4754fefeddfb1878fc508d527da559ed36bf5f61944679104",
     "3cdbf5781c67af3116e35c2576aec33562f45f184268ad69be369049fd2d8798",
     "019c83c67ec46b4f10559780fac2e6c58c6ad7ac11d795c619e552d71e28fd16",
     "6f1820e933f3a6258c334c1356604ac527fd34401cbe4c3d2a2c86634195189c",
     "694ddd4c24c1c50b91a66bd072a49c5fb5d21a1297eb4d68adbf65ce473a096d",
     "6d8763e520ff55791177edd098b078878626857ec5670f3b2e1978780d3f011e"},
    {"06dce5852a834bcf0e9c565bf5085cbaa9133171d92ae755ebb093601ecefaac",
     "37388d27815352d32b098719facd2ac04fd70348a5174b5466ee664928e92d2f",
     "6e48661318c9cfc87f050dbfc1b34a435de5caef94bc556157820b1ee18e3a95",
     "3e1572acabd69ea239a5dd75efd5877af8ea34ba7e4232aa529ef9a947b827db",
     "4391ffb0d2cd764416cca74a03dd09ffacf9d22c3411f80084c22d15f5e5cd7e",
     "1d9f2facd75a46b05bc27bd0444ba64ff1c72279ce4efb36e875eab92f2fbcf6"},
    {"28d6285f29a681c89b56dea4d3a8febce1e5cb4423653fb36825f1d50ae3cc30",
     "2505f1efb65f8f6f5369e81f7821a30b8d6abda208075ae6b9c202c2d00882e2",
     "4906308ab82fe243dccff20456fb425d426d385e697dd2755e05a0125a052392",
     "4ddc1a4ee0061137eec0c6c44bcaa1c86f5088e62b6c9a9a21e7f497daec4f12",
     "03d0366f7346f25947ecf6855b875bb1547b0da21b5de4ccae63ef123adb494e",
     "346071f629d2ffa178809a0e479924605b82601027e5df6c91973006438e24f6"},
    {"2091563edb1e86578ea94b64ed66ba5daa448236336e9108e57a38e77bcd5236",
     "4913325badcdffe902ad5f9e793316716065e06fbc964459c6a43f265da36ee1",
     "4c0f2d1de8e34bf2ce97535a93065cfa0a643e6bf112e327ffc10a697d269579",
     "69a4889a88ec86409156ab036699d0cf0aaa62a5f004d562ac1e780dd970c117",
     "4b6bcb3656ee03b6bf35c3ce7dd57bf19d9c45c976d6a8ae1ed5f9c01e29e356",
     "09ea4e9acf1d22fca8aae9cd6f66301c0ac768c26a5bf162243e8b37eec6b87f"},
    {"1ffcb41b0129f8a48c98d0e223c052bfb2e7912c36d1c3e3699b4794979e73ee",
     "0f0bc8b6cc90c98d8777ac904dce99bd440048f67b143ceedb41a66d9c339282",
     "32a423d5d5d78d1b7e3b2e0cbbe1046da1d589968c3031e7e07a87e8d2710f0d",
     "2f087cd1cdbac23214107d72718eec7cf6e7da22b1e600d244dcee0233d20670",
     "10f0eb6434992f1705212451d5f1b9026ee74835bbbd86f48e59a126fb6ae16c",
     "3468256ccedf46ac763ccbfd8998ae4ce9187bea25f1d209e29d01d11b53655e"},
    {"0619625b8ef0a665f428ac7af63d1f42fdbe06f524c4c12f706c262a6d3aa91e",
     "51f4c919cb0bd3273e506cd535d156f3868b94981333713f61dae8e749a5bad7",
     "118cd945149fcf6a44980c131c7cb04d24bdd2d763286b732293818b5b6f3287",
     "580e2b7559fc798d327919502c0e763684499b8d37f8326ed2470f11b6e063f5",
     "28124094ed825086e91217adca0da054caf01660118fabef0e913d422394ee48",
     "4a9d54d57d091c71a2310ce2b247b5be1b98cba4642f844ecedcff744048f03a"},
    {"5992e10535bca07e6c24605ebbdc3ce76a57982734c3d50514fbdc05d70b10c8",
     "2dba7ded1d8023cbe295eba8adf9f48579ea11b9caa583fea34a10b1e524a4a8",
     "71409903d750bc51e5a725c6f37f6ab2eba64069bb6347e2da0452fbb4b098dd",
     "135fb79f299f47021b8073ff60345967908405ddff6afd04b845ecb8bc2fb56f",
     "2bd86318183c7cb2898e74b60de24861f06d866d6a1e510671b1cb53f1e66c20",
     "697003eb2e38909d140036ba779540edb0c7ece219db41e1a77313cfe8fd34bd"},
};
static const struct red_kat { const char *in, *out; } FR_RED_KAT[] = {
    {"",
     "0000000000000000000000000000000000000000000000000000000000000000"},
    {"26",
     "0000000000000000000000000000000000000000000000000000000000000026"},
    {"b032dc5c92cb6a63b8bbb107dfbd31a7c02fcd19b0a4ed2ed40905662c00b6",
     "00b032dc5c92cb6a63b8bbb107dfbd31a7c02fcd19b0a4ed2ed40905662c00b6"},
    {"dce31277bcc7a1a7e7daa1e1e361be2b16bad0972801f69389e1f224dffd1241",
     "68f56b24932a245fb4a0c9d9d9bfe625c2fd2c9428039a9489e1f225dffd1240"},
    {"5490a82d31ff096cbb8c530d1958c42f8a0764e27e76c015c532b15996b7d451",
     "5490a82d31ff096cbb8c530d1958c42f8a0764e27e76c015c532b15996b7d451"},
    {"9ad36d0def1bc02ce2e9a39a36b9e2b2b262eb6e8d93a3d07f65046f48fe209aa935cbd3277de4ca04abc2ae20d1cbb6",
     "567c4f819ff38f96c44a6782efc50282ee52ade77deba2f6ae0356e0fe64db00"},
    {"eea92421e2a6da25510bbf8cc0c6a2e3bc4a939c8c356bcec4318198906a438b0f386e14aad6803b51f5bde0feed3096",
     "47af2f417ee469f355b91b3cfb6d856f3b7df974947baa3181622b6fe38f8db3"},
    {"5ef2ff14e19e5f8d1cbc1bf6f2257750509b0cc2ddef6fda1e6ed6720aca7f78861c581f6e00b24b970d8fb579864e879fd9fc9356eefa873c61ffec0e32f794",
     "63d1b7229bbd46a70d7e0fa4016854953b69644a03540e8271edecdfc414302b"},
    {"a232ac3e3dd6361ef0aaa9079a42a98a252764b7a111f20acdd16ad18ad1bde3ac2b869349ec31edd202fd12b8b1ac8e68caebce72827b353ff0f555ba1af788",
     "1fcce9874c1370727f4da2acdad8b4abcf1329a10eb8392c589128a7cef10558"},
    {"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "0748d9d99f59ff1105d314967254398f2b6cedcb87925c23c999e990f3f29c6c"},
};
/* END KAT */

static void test_kat(void)
{
    for (size_t i = 0; i < sizeof FR_KAT / sizeof FR_KAT[0]; i++) {
        const struct fr_kat *k = &FR_KAT[i];
        bls_fr_t a = fr_from_hex(k->a), b = fr_from_hex(k->b), r;
        bls_fr_mul(&r, &a, &b);
        tap_ok(fr_is_hex(&r, k->mul), "kat %zu: mul", i);
        bls_fr_add(&r, &a, &b);
        tap_ok(fr_is_hex(&r, k->add), "kat %zu: add", i);
        bls_fr_sub(&r, &a, &b);
        tap_ok(fr_is_hex(&r, k->sub), "kat %zu: sub", i);
        tap_ok(fr_check_sqr(&a), "kat %zu: sqr = mul", i);
        bls_fr_inv(&r, &a);
        tap_ok(fr_is_hex(&r, k->inv), "kat %zu: inv", i);
        bls_fr_inv_vartime(&r, &a);
        tap_ok(fr_is_hex(&r, k->inv), "kat %zu: inv_vartime", i);
        uint8_t in[BLS_FR_BYTES], out[BLS_FR_BYTES];
        field_unhex_exact(in, sizeof in, k->a);
        bls_fr_to_bytes(out, &a);
        tap_eq_mem(in, out, BLS_FR_BYTES, "kat %zu: bytes round trip", i);
    }
    for (size_t i = 0; i < sizeof FR_RED_KAT / sizeof FR_RED_KAT[0]; i++) {
        uint8_t in[64];
        size_t n = test_unhex(in, sizeof in, FR_RED_KAT[i].in);
        bls_fr_t r;
        bls_fr_from_bytes_reduce(&r, in, n);
        tap_ok(fr_is_hex(&r, FR_RED_KAT[i].out), "reduce kat %zu (%zu bytes)", i, n);
    }
}

static void test_edges(void)
{
    uint8_t b[BLS_FR_BYTES];
    bls_fr_t r, x;
    field_unhex_exact(b, sizeof b, "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001");
    tap_eq(bls_fr_from_bytes(&r, b), BLS_ERR_NONCANONICAL, "from_bytes rejects r");
    memset(b, 0xff, sizeof b);
    tap_eq(bls_fr_from_bytes(&r, b), BLS_ERR_NONCANONICAL, "from_bytes rejects 2^256-1");
    bls_fr_t rm1 = fr_from_hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000");
    bls_fr_add(&r, &rm1, &BLS_FR_ONE);
    tap_eq(bls_fr_is_zero(&r), 1, "(r-1) + 1 = 0");
    bls_fr_neg(&x, &BLS_FR_ONE);
    tap_eq(bls_fr_equal(&x, &rm1), 1, "-1 = r-1");
    bls_fr_neg(&x, &BLS_FR_ZERO);
    tap_eq(bls_fr_is_zero(&x), 1, "-0 = 0");
    bls_fr_mul(&r, &rm1, &rm1);
    tap_eq(bls_fr_equal(&r, &BLS_FR_ONE), 1, "(r-1)^2 = 1");
    bls_fr_inv(&r, &BLS_FR_ZERO);
    tap_eq(bls_fr_is_zero(&r), 1, "inv(0) = 0");
    bls_fr_from_u64(&x, 0x1234);
    uint64_t c[BLS_FR_LIMBS];
    bls_fr_to_canonical(c, &x);
    tap_ok(c[0] == 0x1234 && (c[1] | c[2] | c[3]) == 0, "from_u64 / to_canonical");
    bls_fr_from_canonical(&r, c);
    tap_eq(bls_fr_equal(&r, &x), 1, "from_canonical");
    r = BLS_FR_ONE;
    bls_fr_cmov(&r, &x, 0);
    tap_eq(bls_fr_equal(&r, &BLS_FR_ONE), 1, "cmov 0");
    bls_fr_cmov(&r, &x, 1);
    tap_eq(bls_fr_equal(&r, &x), 1, "cmov 1");
}

static void test_random(void)
{
    int ok = 1, distinct = 1, nz = 1;
    bls_fr_t prev = BLS_FR_ZERO;
    for (int i = 0; i < 100; i++) {
        bls_fr_t a, b, c, t, u;
        ok &= bls_fr_random(&a) == BLS_OK && bls_fr_random(&b) == BLS_OK && bls_fr_random_nonzero(&c) == BLS_OK;
        nz &= !(int)bls_fr_is_zero(&c);
        distinct &= !(int)bls_fr_equal(&a, &prev);
        prev = a;
        /* ring identities */
        ok &= fr_check_dist(&a, &b, &c);
        ok &= fr_check_comm(&a, &b);
        ok &= fr_check_assoc(&a, &b, &c);
        bls_fr_inv(&t, &c);
        bls_fr_inv_vartime(&u, &c);
        ok &= (int)bls_fr_equal(&t, &u);
        ok &= fr_check_inv(&c);
        ok &= fr_check_sub(&a, &b);
        uint8_t buf[BLS_FR_BYTES];
        bls_fr_to_bytes(buf, &a);
        ok &= bls_fr_from_bytes(&t, buf) == BLS_OK && bls_fr_equal(&t, &a);
    }
    tap_ok(ok, "identities on fr_random scalars");
    tap_ok(nz, "fr_random_nonzero is non-zero");
    tap_ok(distinct, "fr_random does not repeat");
}

/* Constant-time safegcd inverse against the variable-time Euclid. */
static void test_inverse_stress(void)
{
    int ok = 1;
    for (int i = 0; i < 3000; i++) {
        bls_fr_t x, y, z;
        if (i < 64) {
            uint64_t c[BLS_FR_LIMBS] = {(uint64_t)1 << i};
            bls_fr_from_canonical(&x, c);
        } else if (i < 128) {
            bls_fr_from_u64(&x, (uint64_t)(i - 63));
            bls_fr_neg(&x, &x); /* r - k */
        } else if (bls_fr_random(&x) != BLS_OK) {
            ok = 0;
        }
        bls_fr_inv(&y, &x);
        bls_fr_inv_vartime(&z, &x);
        ok &= (int)bls_fr_equal(&y, &z);
        bls_fr_mul(&z, &y, &x);
        ok &= (int)bls_fr_equal(&z, &BLS_FR_ONE);
    }
    tap_ok(ok, "fr_inv = fr_inv_vartime, a * a^-1 = 1 on 3000 inputs incl. 2^i, r - k");
}

int main(void)
{
    test_inverse_stress();
    test_kat();
    test_edges();
    test_random();
    return tap_done();
}
