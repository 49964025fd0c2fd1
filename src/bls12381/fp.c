/* Fp, the BLS12-381 base field: the mont.h template instantiated with
 * 6 limbs and p, plus the Fp-specific square root, Legendre symbol and
 * encodings.  Constant time except the _vartime functions. */
#include "internal/fp.h"

#include "bls12381.h"
#include "internal/fp_wide.h"
#include "internal/mont.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#define FP_HAVE_ADX_ASM 1
#endif

/* -p^(-1) mod 2^64, the Montgomery reduction factor. */
#define P_N0 0x89f3fffcfffcfffdULL
/* p = 0x1a0111ea...ffffaaab as little-endian limbs, followed by n0 so the
 * assembly can address both through one memory operand.  P is the modulus
 * view used by the C template (it reads only the first six words). */
static const uint64_t P_AND_N0[BLS_FP_LIMBS + 1] = {
    0xb9feffffffffaaabULL, 0x1eabfffeb153ffffULL, 0x6730d2a0f6b0f624ULL,
    0x64774b84f38512bfULL, 0x4b1ba7b6434bacd7ULL, 0x1a0111ea397fe69aULL, P_N0};
#define P P_AND_N0
/* R^2 mod p with R = 2^384: bls_fp_mul(x, R^2) moves x into Montgomery form. */
static const uint64_t P_R2[BLS_FP_LIMBS] = {
    0xf4df1f341c341746ULL, 0x0a76e6a609d104f1ULL, 0x8de5476c4c95b6d5ULL,
    0x67eb88a9939d83c0ULL, 0x9a793e85b519952dULL, 0x11988fe592cae3aaULL};
/* 2^64 * R mod p: the Montgomery form of 2^64, for Horner reduction. */
static const uint64_t P_TWO64[BLS_FP_LIMBS] = {
    0x42b7fde37dba9366ULL, 0x7784894e27525bc3ULL, 0xb2b91b9dc1f5b1e9ULL,
    0x206f497dfcafb872ULL, 0x594137cc89a9b0bbULL, 0x0411cd9d20d7e399ULL};
/* Public exponents: (p - 1) / 2 (Euler's criterion), (p + 1) / 4 (square
 * root, valid because p = 3 mod 4). */
static const uint64_t P_HALF[BLS_FP_LIMBS] = { /* (p - 1) / 2 */
    0xdcff7fffffffd555ULL, 0x0f55ffff58a9ffffULL, 0xb39869507b587b12ULL,
    0xb23ba5c279c2895fULL, 0x258dd3db21a5d66bULL, 0x0d0088f51cbff34dULL};
static const uint64_t P_PLUS1_DIV4[BLS_FP_LIMBS] = {
    0xee7fbfffffffeaabULL, 0x07aaffffac54ffffULL, 0xd9cc34a83dac3d89ULL,
    0xd91dd2e13ce144afULL, 0x92c6e9ed90d2eb35ULL, 0x0680447a8e5ff9a6ULL};

const bls_fp_t BLS_FP_ZERO = {{0}};
const bls_fp_t BLS_FP_ONE = BLS_FP_ONE_INIT; /* R mod p */

void bls_fp_neg(bls_fp_t *r, const bls_fp_t *a) { mont_neg(r->l, a->l, P, BLS_FP_LIMBS); }
#ifdef FP_HAVE_ADX_ASM
/* x86-64 fast path for the pairing's hot spot: Montgomery multiplication
 * with BMI2 mulx and the two independent ADX carry chains (adcx uses CF,
 * adox uses OF), so the low and high halves of each row of partial products
 * are accumulated in parallel.  Same no-carry CIOS as mont_mul: the running
 * value t0..t6 stays below 2p * 2^64, so nothing spills past t6 and the
 * carry flags left at the end of a row are provably zero.  The closing
 * conditional subtraction uses sbb + cmov: no branch, no secret index.
 *
 * Register roles: rdi = r, rsi = a, rcx = b, rdx = multiplier (mulx's
 * implicit operand), r15 = the other factor, r13/r14 = product low/high
 * halves; the accumulator t0..t6 lives in rax, rbx, r8..r12 and rotates by
 * one register per row instead of being shifted.  p and n0 are read from
 * P_AND_N0 in memory (operand %[p]). */

/* t[j] += lo(a[j] * rdx) on the OF chain, t[j+1] += hi(...) on the CF chain.
 * The operand is loaded by a separate mov: on Zen 3 mulx with a memory
 * operand issues at half the rate of load + register mulx (measured). */
#define ADX_MAC(j, tj, tj1)                       \
    "movq " #j "*8(%%rsi), %%r15\n\t"            \
    "mulxq %%r15, %%r13, %%r14\n\t"              \
    "adoxq %%r13, %%" #tj "\n\t"                 \
    "adcxq %%r14, %%" #tj1 "\n\t"
/* t[j] += lo(p[j] * m) on CF, t[j+1] += hi(...) on OF. */
#define ADX_RED(j, tj, tj1)                       \
    "movq " #j "*8+%[p], %%r15\n\t"              \
    "mulxq %%r15, %%r13, %%r14\n\t"              \
    "adcxq %%r13, %%" #tj "\n\t"                 \
    "adoxq %%r14, %%" #tj1 "\n\t"
/* One CIOS step: t += a * b[i]; m = t0 * n0; t = (t + m p) / 2^64. */
#define ADX_ROW(i, t0, t1, t2, t3, t4, t5, t6)                            \
    "movq " #i "*8(%%rcx), %%rdx\n\t"                                    \
    "xorq %%" #t6 ", %%" #t6 "\n\t" /* t6 = 0, CF = OF = 0 */         \
    ADX_MAC(0, t0, t1) ADX_MAC(1, t1, t2) ADX_MAC(2, t2, t3)              \
    ADX_MAC(3, t3, t4) ADX_MAC(4, t4, t5) ADX_MAC(5, t5, t6)              \
    "movl $0, %%r13d\n\t" /* mov keeps the flags */                      \
    "adoxq %%r13, %%" #t6 "\n\t"                                         \
    "movq %%" #t0 ", %%rdx\n\t"                                          \
    "imulq 6*8+%[p], %%rdx\n\t"                                          \
    "xorl %%r13d, %%r13d\n\t"                                            \
    ADX_RED(0, t0, t1) ADX_RED(1, t1, t2) ADX_RED(2, t2, t3)              \
    ADX_RED(3, t3, t4) ADX_RED(4, t4, t5) ADX_RED(5, t5, t6)              \
    "movl $0, %%r13d\n\t"                                                \
    "adcxq %%r13, %%" #t6 "\n\t"

/* The six rows of a CIOS-style loop: STEP(i, t0, ..., t6) with the
 * accumulator rotated by one register per row, starting from rax..r11 with
 * r12 as the spill limb; ADX_CLEAR_ACC zeroes the starting accumulator
 * (and CF, OF).  After the six rows t0..t5 sit in r12, rax, rbx, r8..r10. */
#define ADX_ROTATE(STEP)                    \
    STEP(0, rax, rbx, r8, r9, r10, r11, r12) \
    STEP(1, rbx, r8, r9, r10, r11, r12, rax) \
    STEP(2, r8, r9, r10, r11, r12, rax, rbx) \
    STEP(3, r9, r10, r11, r12, rax, rbx, r8) \
    STEP(4, r10, r11, r12, rax, rbx, r8, r9) \
    STEP(5, r11, r12, rax, rbx, r8, r9, r10)
#define ADX_CLEAR_ACC           \
    "xorl %%eax, %%eax\n\t"    \
    "xorl %%ebx, %%ebx\n\t"    \
    "xorl %%r8d, %%r8d\n\t"    \
    "xorl %%r9d, %%r9d\n\t"    \
    "xorl %%r10d, %%r10d\n\t"  \
    "xorl %%r11d, %%r11d\n\t"

/* Final step shared by the multiplication and the reduction: the result
 * t < 2p sits in r12, rax, rbx, r8, r9, r10; d = t - p goes to free
 * registers and replaces t unless that borrowed; then store to r (rdi). */
#define ADX_FINAL \
        "movq %%r12, %%rdx\n\t" \
        "movq %%rax, %%rsi\n\t" \
        "movq %%rbx, %%rcx\n\t" \
        "movq %%r8, %%r11\n\t" \
        "movq %%r9, %%r13\n\t" \
        "movq %%r10, %%r14\n\t" \
        "subq 0*8+%[p], %%rdx\n\t" \
        "sbbq 1*8+%[p], %%rsi\n\t" \
        "sbbq 2*8+%[p], %%rcx\n\t" \
        "sbbq 3*8+%[p], %%r11\n\t" \
        "sbbq 4*8+%[p], %%r13\n\t" \
        "sbbq 5*8+%[p], %%r14\n\t" \
        "cmovncq %%rdx, %%r12\n\t" \
        "cmovncq %%rsi, %%rax\n\t" \
        "cmovncq %%rcx, %%rbx\n\t" \
        "cmovncq %%r11, %%r8\n\t" \
        "cmovncq %%r13, %%r9\n\t" \
        "cmovncq %%r14, %%r10\n\t" \
        "movq %%r12, 0*8(%%rdi)\n\t" \
        "movq %%rax, 1*8(%%rdi)\n\t" \
        "movq %%rbx, 2*8(%%rdi)\n\t" \
        "movq %%r8, 3*8(%%rdi)\n\t" \
        "movq %%r9, 4*8(%%rdi)\n\t" \
        "movq %%r10, 5*8(%%rdi)\n\t"

static void fp_mul_adx(uint64_t r[BLS_FP_LIMBS], const uint64_t a[BLS_FP_LIMBS], const uint64_t b[BLS_FP_LIMBS])
{
    /* After six rows t0..t5 sit in r12, rax, rbx, r8, r9, r10. */
    __asm__ volatile(
        ADX_CLEAR_ACC
        ADX_ROTATE(ADX_ROW)
        ADX_FINAL
        : "+D"(r), "+S"(a), "+c"(b)
        : [p] "m"(P_AND_N0)
        : "rax", "rbx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc", "memory");
}

/* Double-width product: the multiplication rows of fp_mul_adx without the
 * reduction; after row i the low accumulator limb is final and stored as
 * t[i].  Inputs may be up to 2^382 (unreduced sums). */
#define ADX_WIDE_ROW(i, t0, t1, t2, t3, t4, t5, t6)                       \
    "movq " #i "*8(%%rcx), %%rdx\n\t"                                    \
    "xorq %%" #t6 ", %%" #t6 "\n\t"                                      \
    ADX_MAC(0, t0, t1) ADX_MAC(1, t1, t2) ADX_MAC(2, t2, t3)              \
    ADX_MAC(3, t3, t4) ADX_MAC(4, t4, t5) ADX_MAC(5, t5, t6)              \
    "movl $0, %%r13d\n\t"                                                \
    "adoxq %%r13, %%" #t6 "\n\t"                                         \
    "movq %%" #t0 ", " #i "*8(%%rdi)\n\t"

static void fp_mul_wide_adx(uint64_t t[FP_WIDE_LIMBS], const uint64_t a[BLS_FP_LIMBS], const uint64_t b[BLS_FP_LIMBS])
{
    __asm__ volatile(
        ADX_CLEAR_ACC
        ADX_ROTATE(ADX_WIDE_ROW)
        "movq %%r12, 6*8(%%rdi)\n\t"
        "movq %%rax, 7*8(%%rdi)\n\t"
        "movq %%rbx, 8*8(%%rdi)\n\t"
        "movq %%r8, 9*8(%%rdi)\n\t"
        "movq %%r9, 10*8(%%rdi)\n\t"
        "movq %%r10, 11*8(%%rdi)\n\t"
        : "+D"(t), "+S"(a), "+c"(b)
        :
        : "rax", "rbx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc", "memory");
}

/* One Montgomery step on the low half: m = u0 n0, u = (u + m p) / 2^64. */
#define ADX_REDC_STEP(i, u0, u1, u2, u3, u4, u5, u6) /* i: unused */      \
    "movq %%" #u0 ", %%rdx\n\t"                                          \
    "imulq 6*8+%[p], %%rdx\n\t"                                          \
    "xorq %%" #u6 ", %%" #u6 "\n\t" /* u6 = 0, CF = OF = 0 */            \
    ADX_RED(0, u0, u1) ADX_RED(1, u1, u2) ADX_RED(2, u2, u3)              \
    ADX_RED(3, u3, u4) ADX_RED(4, u4, u5) ADX_RED(5, u5, u6)              \
    "movl $0, %%r13d\n\t"                                                \
    "adcxq %%r13, %%" #u6 "\n\t"

/* REDC(t) = (t_lo + M p) / 2^384 + t_hi, where M only depends on t_lo: the
 * six steps reduce the low half alone (giving u <= p), the high half
 * (< p because t < p 2^384) is added afterwards, and u + t_hi < 2p. */
static void fp_redc_adx(uint64_t r[BLS_FP_LIMBS], const uint64_t t[FP_WIDE_LIMBS])
{
    __asm__ volatile(
        "movq 0*8(%%rsi), %%rax\n\t"
        "movq 1*8(%%rsi), %%rbx\n\t"
        "movq 2*8(%%rsi), %%r8\n\t"
        "movq 3*8(%%rsi), %%r9\n\t"
        "movq 4*8(%%rsi), %%r10\n\t"
        "movq 5*8(%%rsi), %%r11\n\t"
        ADX_ROTATE(ADX_REDC_STEP)
        "addq 6*8(%%rsi), %%r12\n\t"
        "adcq 7*8(%%rsi), %%rax\n\t"
        "adcq 8*8(%%rsi), %%rbx\n\t"
        "adcq 9*8(%%rsi), %%r8\n\t"
        "adcq 10*8(%%rsi), %%r9\n\t"
        "adcq 11*8(%%rsi), %%r10\n\t"
        ADX_FINAL
        : "+D"(r), "+S"(t)
        : [p] "m"(P_AND_N0)
        : "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc", "memory");
}

/* Double-width square for bls_fp_sqr: each cross product a_i a_j (i < j) is
 * formed once (15 mulx instead of 30), the cross sum is doubled and the six
 * squares a_i^2 added in one pass, then fp_redc_adx reduces.
 * Phase 1 accumulates the cross products row by row (row i: a_i times
 * a_{i+1..5}), storing limbs 2i+1, 2i+2 once no later row touches them.
 * Phase 2 walks the 12 limbs once: the CF chain doubles (adcx x, x) and
 * the OF chain adds the squares. */
#define SQR_MAC(off, tj, tj1)                      \
    "movq " #off "*8(%%rsi), %%r15\n\t"            \
    "mulxq %%r15, %%r13, %%r14\n\t"                \
    "adoxq %%r13, %%" #tj "\n\t"                   \
    "adcxq %%r14, %%" #tj1 "\n\t"
#define SQR_DIAG(i, x, y)                          \
    "movq " #i "*8(%%rsi), %%rdx\n\t"              \
    "mulxq %%rdx, %%r13, %%r14\n\t"                \
    "adcxq %%" #x ", %%" #x "\n\t"                 \
    "adoxq %%r13, %%" #x "\n\t"                    \
    "adcxq %%" #y ", %%" #y "\n\t"                 \
    "adoxq %%r14, %%" #y "\n\t"                    \
    "movq %%" #x ", 2*" #i "*8(%%rdi)\n\t"         \
    "movq %%" #y ", 2*" #i "*8+8(%%rdi)\n\t"

static void fp_sqr_wide_adx(uint64_t t[FP_WIDE_LIMBS], const uint64_t a[BLS_FP_LIMBS])
{
    __asm__ volatile(
        /* row 0: a0 * a1..a5 -> limbs 1..6 in rax, rbx, rcx, r8, r9, r10 */
        "movq 0*8(%%rsi), %%rdx\n\t"
        "xorl %%r11d, %%r11d\n\t" /* clear CF, OF */
        "movq 1*8(%%rsi), %%r15\n\t"
        "mulxq %%r15, %%rax, %%rbx\n\t"
        "movq 2*8(%%rsi), %%r15\n\t"
        "mulxq %%r15, %%r13, %%rcx\n\t"
        "adcxq %%r13, %%rbx\n\t"
        "movq 3*8(%%rsi), %%r15\n\t"
        "mulxq %%r15, %%r13, %%r8\n\t"
        "adcxq %%r13, %%rcx\n\t"
        "movq 4*8(%%rsi), %%r15\n\t"
        "mulxq %%r15, %%r13, %%r9\n\t"
        "adcxq %%r13, %%r8\n\t"
        "movq 5*8(%%rsi), %%r15\n\t"
        "mulxq %%r15, %%r13, %%r10\n\t"
        "adcxq %%r13, %%r9\n\t"
        "adcxq %%r11, %%r10\n\t" /* r11 = 0 */
        "movq %%rax, 1*8(%%rdi)\n\t"
        "movq %%rbx, 2*8(%%rdi)\n\t"
        /* row 1: a1 * a2..a5 -> limbs 3..7 (rcx, r8, r9, r10, r11) */
        "movq 1*8(%%rsi), %%rdx\n\t"
        "xorl %%r11d, %%r11d\n\t"
        SQR_MAC(2, rcx, r8) SQR_MAC(3, r8, r9) SQR_MAC(4, r9, r10) SQR_MAC(5, r10, r11)
        "movl $0, %%r13d\n\t"
        "adoxq %%r13, %%r11\n\t"
        "movq %%rcx, 3*8(%%rdi)\n\t"
        "movq %%r8, 4*8(%%rdi)\n\t"
        /* row 2: a2 * a3..a5 -> limbs 5..8 (r9, r10, r11, rax) */
        "movq 2*8(%%rsi), %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        SQR_MAC(3, r9, r10) SQR_MAC(4, r10, r11) SQR_MAC(5, r11, rax)
        "movl $0, %%r13d\n\t"
        "adoxq %%r13, %%rax\n\t"
        "movq %%r9, 5*8(%%rdi)\n\t"
        "movq %%r10, 6*8(%%rdi)\n\t"
        /* row 3: a3 * a4..a5 -> limbs 7..9 (r11, rax, rbx) */
        "movq 3*8(%%rsi), %%rdx\n\t"
        "xorl %%ebx, %%ebx\n\t"
        SQR_MAC(4, r11, rax) SQR_MAC(5, rax, rbx)
        "movl $0, %%r13d\n\t"
        "adoxq %%r13, %%rbx\n\t"
        "movq %%r11, 7*8(%%rdi)\n\t"
        "movq %%rax, 8*8(%%rdi)\n\t"
        /* row 4: a4 * a5 -> limbs 9..10 (rbx, rcx) */
        "movq 4*8(%%rsi), %%rdx\n\t"
        "movq 5*8(%%rsi), %%r15\n\t"
        "mulxq %%r15, %%r13, %%rcx\n\t"
        "addq %%r13, %%rbx\n\t"
        "adcq $0, %%rcx\n\t"
        "movq %%rbx, 9*8(%%rdi)\n\t"
        "movq %%rcx, 10*8(%%rdi)\n\t"
        /* phase 2: t = 2 * cross + squares, limb pairs (2i, 2i+1) */
        "xorl %%eax, %%eax\n\t" /* limb 0 of the cross sum, CF = OF = 0 */
        "movq 1*8(%%rdi), %%rbx\n\t"
        SQR_DIAG(0, rax, rbx)
        "movq 2*8(%%rdi), %%rax\n\t"
        "movq 3*8(%%rdi), %%rbx\n\t"
        SQR_DIAG(1, rax, rbx)
        "movq 4*8(%%rdi), %%rax\n\t"
        "movq 5*8(%%rdi), %%rbx\n\t"
        SQR_DIAG(2, rax, rbx)
        "movq 6*8(%%rdi), %%rax\n\t"
        "movq 7*8(%%rdi), %%rbx\n\t"
        SQR_DIAG(3, rax, rbx)
        "movq 8*8(%%rdi), %%rax\n\t"
        "movq 9*8(%%rdi), %%rbx\n\t"
        SQR_DIAG(4, rax, rbx)
        "movq 10*8(%%rdi), %%rax\n\t"
        "movl $0, %%ebx\n\t" /* limb 11 of the cross sum; mov keeps flags */
        SQR_DIAG(5, rax, rbx)
        : "+D"(t), "+S"(a)
        :
        : "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r13", "r14", "r15", "cc", "memory");
}

/* Modular addition and subtraction in plain x86-64 (no extension needed):
 * the Fp tower spends about half its time in them, and the compiled C
 * keeps 12 live limbs, spilling callee-saved registers on every call.
 * Here the unreduced result is stored to r first and the conditional
 * correction reloads it with cmov from memory, so six registers suffice.
 * r may alias a or b: both are fully read before the first store. */
/* Six-limb building blocks on rax, rcx, r8..r11 (low to high): OP0 on limb
 * 0 and OP on limbs 1..5 with the memory operand i*8 MEM, e.g. addq/adcq
 * with MEM "(%%rdx)" or "+%[p]"; ASM6_STORE writes the six back to r. */
#define ASM6(OP0, OP, MEM)                       \
    OP0 " 0*8" MEM ", %%rax\n\t"                 \
    OP " 1*8" MEM ", %%rcx\n\t"                  \
    OP " 2*8" MEM ", %%r8\n\t"                   \
    OP " 3*8" MEM ", %%r9\n\t"                   \
    OP " 4*8" MEM ", %%r10\n\t"                  \
    OP " 5*8" MEM ", %%r11\n\t"
#define ASM6_STORE                               \
    "movq %%rax, 0*8(%%rdi)\n\t"                 \
    "movq %%rcx, 1*8(%%rdi)\n\t"                 \
    "movq %%r8, 2*8(%%rdi)\n\t"                  \
    "movq %%r9, 3*8(%%rdi)\n\t"                  \
    "movq %%r10, 4*8(%%rdi)\n\t"                 \
    "movq %%r11, 5*8(%%rdi)\n\t"

static void fp_add_asm(uint64_t r[BLS_FP_LIMBS], const uint64_t a[BLS_FP_LIMBS], const uint64_t b[BLS_FP_LIMBS])
{
    __asm__ volatile(
        ASM6("movq", "movq", "(%%rsi)")
        ASM6("addq", "adcq", "(%%rdx)") /* a + b < 2p < 2^384: no carry out */
        ASM6_STORE
        ASM6("subq", "sbbq", "+%[p]")
        ASM6("cmovcq", "cmovcq", "(%%rdi)") /* borrow: the sum was already < p */
        ASM6_STORE
        : "+D"(r), "+S"(a), "+d"(b)
        : [p] "m"(P_AND_N0)
        : "rax", "rcx", "r8", "r9", "r10", "r11", "cc", "memory");
}

static void fp_sub_asm(uint64_t r[BLS_FP_LIMBS], const uint64_t a[BLS_FP_LIMBS], const uint64_t b[BLS_FP_LIMBS])
{
    __asm__ volatile(
        ASM6("movq", "movq", "(%%rsi)")
        ASM6("subq", "sbbq", "(%%rdx)")
        "sbbq %%rsi, %%rsi\n\t" /* all ones if a < b */
        ASM6_STORE
        ASM6("addq", "adcq", "+%[p]") /* the wrapped difference plus p */
        "testq %%rsi, %%rsi\n\t" /* no borrow: keep the plain difference */
        ASM6("cmovzq", "cmovzq", "(%%rdi)")
        ASM6_STORE
        : "+D"(r), "+S"(a), "+d"(b)
        : [p] "m"(P_AND_N0)
        : "rax", "rcx", "r8", "r9", "r10", "r11", "cc", "memory");
}

/* fp_use_adx is chosen once at load time from CPUID (leaf 7: EBX bit 8 =
 * BMI2, bit 19 = ADX); fp_use_asm covers the baseline x86-64 routines.
 * Both flags are public, so branching on them is constant time. */
static int fp_have_adx, fp_use_adx, fp_use_asm = 1;

__attribute__((constructor)) static void fp_detect_cpu(void)
{
    unsigned eax, ebx, ecx, edx;
    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
        fp_have_adx = ((ebx >> 8) & 1) && ((ebx >> 19) & 1);
    fp_use_adx = fp_have_adx;
}

int bls_fp_force_portable(int on)
{
    fp_use_asm = !on;
    fp_use_adx = fp_have_adx && !on;
    return 1;
}

void bls_fp_add(bls_fp_t *r, const bls_fp_t *a, const bls_fp_t *b)
{
    if (fp_use_asm)
        fp_add_asm(r->l, a->l, b->l);
    else
        mont_add(r->l, a->l, b->l, P, BLS_FP_LIMBS);
}

void bls_fp_sub(bls_fp_t *r, const bls_fp_t *a, const bls_fp_t *b)
{
    if (fp_use_asm)
        fp_sub_asm(r->l, a->l, b->l);
    else
        mont_sub(r->l, a->l, b->l, P, BLS_FP_LIMBS);
}

void bls_fp_dbl(bls_fp_t *r, const bls_fp_t *a) { bls_fp_add(r, a, a); }

void bls_fp_mul(bls_fp_t *r, const bls_fp_t *a, const bls_fp_t *b)
{
    if (fp_use_adx)
        fp_mul_adx(r->l, a->l, b->l);
    else
        mont_mul(r->l, a->l, b->l, P, P_N0, BLS_FP_LIMBS);
}

void bls_fp_sqr(bls_fp_t *r, const bls_fp_t *a)
{
    if (fp_use_adx) {
        uint64_t t[FP_WIDE_LIMBS];
        fp_sqr_wide_adx(t, a->l);
        fp_redc_adx(r->l, t);
    } else
        mont_sqr(r->l, a->l, P, P_N0, BLS_FP_LIMBS);
}

void bls_fp_mul_wide(uint64_t t[FP_WIDE_LIMBS], const uint64_t a[BLS_FP_LIMBS], const uint64_t b[BLS_FP_LIMBS])
{
    if (fp_use_adx)
        fp_mul_wide_adx(t, a, b);
    else
        mont_mul_wide(t, a, b, BLS_FP_LIMBS);
}

void bls_fp_redc(bls_fp_t *r, const uint64_t t[FP_WIDE_LIMBS])
{
    if (fp_use_adx)
        fp_redc_adx(r->l, t);
    else
        mont_redc(r->l, t, P, P_N0, BLS_FP_LIMBS);
}
#else
int bls_fp_force_portable(int on)
{
    (void)on;
    return 0;
}

void bls_fp_add(bls_fp_t *r, const bls_fp_t *a, const bls_fp_t *b) { mont_add(r->l, a->l, b->l, P, BLS_FP_LIMBS); }
void bls_fp_sub(bls_fp_t *r, const bls_fp_t *a, const bls_fp_t *b) { mont_sub(r->l, a->l, b->l, P, BLS_FP_LIMBS); }
void bls_fp_dbl(bls_fp_t *r, const bls_fp_t *a) { mont_add(r->l, a->l, a->l, P, BLS_FP_LIMBS); }

void bls_fp_mul(bls_fp_t *r, const bls_fp_t *a, const bls_fp_t *b) { mont_mul(r->l, a->l, b->l, P, P_N0, BLS_FP_LIMBS); }
void bls_fp_sqr(bls_fp_t *r, const bls_fp_t *a) { mont_sqr(r->l, a->l, P, P_N0, BLS_FP_LIMBS); }

void bls_fp_mul_wide(uint64_t t[FP_WIDE_LIMBS], const uint64_t a[BLS_FP_LIMBS], const uint64_t b[BLS_FP_LIMBS])
{
    mont_mul_wide(t, a, b, BLS_FP_LIMBS);
}

void bls_fp_redc(bls_fp_t *r, const uint64_t t[FP_WIDE_LIMBS]) { mont_redc(r->l, t, P, P_N0, BLS_FP_LIMBS); }
#endif

const uint64_t BLS_FP_P_SQUARED[FP_WIDE_LIMBS] = {
    0x26aa00001c718e39ULL, 0x7ced6b1d76382eabULL, 0x162c338362113cfdULL, 0x66bf91ed3e71b743ULL,
    0x292e85a87091a049ULL, 0x1d68619c86185c7bULL, 0xf53149330978ef01ULL, 0x50a62cfd16ddca6eULL,
    0x66e59e49349e8bd0ULL, 0xe2dc90e50e7046b4ULL, 0x4bd278eaa22f25e9ULL, 0x02a437a4b8c35fc7ULL};

static void fp_mul_limbs(uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    /* Squarings arrive as a == b: use the dedicated squaring then. */
    if (a == b)
        bls_fp_sqr((bls_fp_t *)r, (const bls_fp_t *)a);
    else
        bls_fp_mul((bls_fp_t *)r, (const bls_fp_t *)a, (const bls_fp_t *)b);
}

void bls_fp_pow_vartime(bls_fp_t *r, const bls_fp_t *a, const uint64_t *e, size_t limbs)
{
    mont_pow(r->l, a->l, e, limbs, BLS_FP_ONE.l, BLS_FP_LIMBS, fp_mul_limbs);
}

/* p in signed 62-bit limbs and p^-1 mod 2^62, for the safegcd inversion. */
static const int64_t P_S62[S62_LIMBS] = {
    0x39feffffffffaaabLL, 0x3aaffffac54ffffeLL, 0x330d2a0f6b0f6241LL, 0x1dd2e13ce144afd9LL,
    0x1ba7b6434bacd764LL, 0x0447a8e5ff9a692cLL, 0x00000000000001a0LL};
#define P_INV62 0x360c000300030003ULL

/* Constant-time safegcd (mont.h): 18 x 62 = 1116 >= (49 * 381 + 80) / 17
 * divsteps.  1/0 = 0 as the API wants. */
void bls_fp_inv(bls_fp_t *r, const bls_fp_t *a)
{
    mont_inv_safegcd(r->l, a->l, P, P_N0, P_R2, P_S62, P_INV62, 18, BLS_FP_LIMBS, S62_LIMBS);
}

/* Binary extended Euclid (mont.h): about 4x faster than Fermat here, but
 * with data-dependent branches, so for public inputs only. */
void bls_fp_inv_vartime(bls_fp_t *r, const bls_fp_t *a)
{
    mont_inv_vartime(r->l, a->l, P, P_N0, P_R2, BLS_FP_LIMBS);
}

/* p = 3 mod 4, so a^((p+1)/4) squares to a whenever a is a square. */
int bls_fp_sqrt(bls_fp_t *r, const bls_fp_t *a)
{
    bls_fp_t s, c;
    bls_fp_pow_vartime(&s, a, P_PLUS1_DIV4, BLS_FP_LIMBS);
    bls_fp_sqr(&c, &s);
    *r = s;
    return (int)bls_fp_equal(&c, a);
}

/* Euler's criterion: a^((p-1)/2) is 1 for non-zero squares, 0 for 0. */
int bls_fp_is_square(const bls_fp_t *a)
{
    bls_fp_t t;
    bls_fp_pow_vartime(&t, a, P_HALF, BLS_FP_LIMBS);
    return (int)(bls_fp_is_one(&t) | bls_fp_is_zero(&t));
}

uint64_t bls_fp_is_zero(const bls_fp_t *a) { return mont_is_zero(a->l, BLS_FP_LIMBS); }
uint64_t bls_fp_is_one(const bls_fp_t *a) { return mont_equal(a->l, BLS_FP_ONE.l, BLS_FP_LIMBS); }
uint64_t bls_fp_equal(const bls_fp_t *a, const bls_fp_t *b) { return mont_equal(a->l, b->l, BLS_FP_LIMBS); }
void bls_fp_cmov(bls_fp_t *r, const bls_fp_t *a, uint64_t cond) { mont_cmov(r->l, a->l, cond, BLS_FP_LIMBS); }
void bls_fp_cswap(bls_fp_t *a, bls_fp_t *b, uint64_t cond) { mont_cswap(a->l, b->l, cond, BLS_FP_LIMBS); }

void bls_fp_cmov_n(bls_fp_t *r, const bls_fp_t *a, size_t n, uint64_t cond)
{
    for (size_t i = 0; i < n; i++)
        mont_cmov(r[i].l, a[i].l, cond, BLS_FP_LIMBS);
}

void bls_fp_from_canonical(bls_fp_t *r, const uint64_t limbs[BLS_FP_LIMBS])
{
    /* limbs * R^2 / R = limbs * R; mont_mul accepts any second operand. */
    mont_mul(r->l, P_R2, limbs, P, P_N0, BLS_FP_LIMBS);
}

void bls_fp_to_canonical(uint64_t limbs[BLS_FP_LIMBS], const bls_fp_t *a)
{
    static const uint64_t one[BLS_FP_LIMBS] = {1};
    mont_mul(limbs, a->l, one, P, P_N0, BLS_FP_LIMBS);
}

uint64_t bls_fp_sgn0(const bls_fp_t *a)
{
    uint64_t c[BLS_FP_LIMBS];
    bls_fp_to_canonical(c, a);
    return c[0] & 1;
}

uint64_t bls_fp_is_lexically_largest(const bls_fp_t *a)
{
    uint64_t c[BLS_FP_LIMBS];
    bls_fp_to_canonical(c, a);
    return mont_greater(c, P_HALF, BLS_FP_LIMBS);
}

void bls_fp_from_u64(bls_fp_t *r, uint64_t v)
{
    uint64_t c[BLS_FP_LIMBS] = {v};
    bls_fp_from_canonical(r, c);
}

/* Rejects values >= p; the verdict is computed without branching and r is
 * zeroed on failure, so callers that only branch on the return leak nothing
 * more than validity. */
int bls_fp_from_bytes(bls_fp_t *r, const uint8_t in[BLS_FP_BYTES])
{
    uint64_t c[BLS_FP_LIMBS];
    mont_limbs_from_be(c, in, BLS_FP_LIMBS);
    uint64_t ok = mont_is_canonical(c, P, BLS_FP_LIMBS);
    bls_fp_from_canonical(r, c);
    bls_fp_cmov(r, &BLS_FP_ZERO, ok ^ 1);
    return (int)BLS_ERR_NONCANONICAL * (int)(ok ^ 1);
}

void bls_fp_to_bytes(uint8_t out[BLS_FP_BYTES], const bls_fp_t *a)
{
    uint64_t c[BLS_FP_LIMBS];
    bls_fp_to_canonical(c, a);
    mont_limbs_to_be(out, c, BLS_FP_LIMBS);
}

void bls_fp_from_bytes_reduce(bls_fp_t *r, const uint8_t *in, size_t len)
{
    mont_from_be_reduce(r->l, in, len, P, P_N0, P_TWO64, P_R2, BLS_FP_LIMBS);
}
