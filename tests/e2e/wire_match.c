/* wire_match: how much of a known byte pattern appears in a packet capture.
 * Used to show that migration traffic on the wire carries no readable guest
 * memory (and, in clear, that it does).
 *
 *   wire_match PATTERN CAPTURE [WINDOW]
 *
 * Prints "runs N bytes M": N stretches of the capture, each at least WINDOW
 * bytes long (default 64), that occur somewhere in PATTERN, M bytes in all.
 * Every pattern offset counts, not only aligned ones: a common stretch of
 * WINDOW bytes contains a whole pattern block of WINDOW/2 bytes that starts
 * at a multiple of WINDOW/2, so the pattern's blocks are indexed and every
 * capture offset is looked up.  Exit 0 (whatever was found), 2 on bad
 * input. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_MAX ((size_t)1 << 31)

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "wire_match: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 20, n = 0;
    unsigned char *b = malloc(cap);
    while (b) {
        n += fread(b + n, 1, cap - n, f);
        if (n < cap)
            break;
        if (cap >= FILE_MAX) {
            fprintf(stderr, "wire_match: %s: larger than %zu bytes\n", path, FILE_MAX);
            free(b);
            b = NULL;
            break;
        }
        unsigned char *nb = realloc(b, cap * 2);
        if (!nb) {
            free(b);
            b = NULL;
            break;
        }
        b = nb;
        cap *= 2;
    }
    if (b && ferror(f)) {
        fprintf(stderr, "wire_match: %s: read error\n", path);
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = n;
    return b;
}

static uint64_t key_at(const unsigned char *p)
{
    uint64_t k;
    memcpy(&k, p, sizeof k);
    return k * 0x9e3779b97f4a7c15ULL;   /* spread non-random patterns too */
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: wire_match PATTERN CAPTURE [WINDOW]\n");
        return 2;
    }
    long w = argc == 4 ? strtol(argv[3], NULL, 10) : 64;
    if (w < 16 || w > 4096 || w % 2) {
        fprintf(stderr, "wire_match: WINDOW is an even number of bytes, 16..4096\n");
        return 2;
    }
    size_t blk = (size_t)w / 2, plen, clen;
    unsigned char *pat = slurp(argv[1], &plen), *cap = pat ? slurp(argv[2], &clen) : NULL;
    if (!pat || !cap || plen < (size_t)w) {
        if (pat && cap)
            fprintf(stderr, "wire_match: the pattern is shorter than WINDOW\n");
        free(pat);
        free(cap);
        return 2;
    }
    /* Open addressing: offset + 1 of each pattern block, 0 = empty. */
    size_t nblk = plen / blk, slots = 1;
    while (slots < 2 * nblk)
        slots <<= 1;
    uint32_t *tab = calloc(slots, sizeof *tab);
    if (!tab) {
        fprintf(stderr, "wire_match: out of memory\n");
        return 2;
    }
    for (size_t b = 0; b < nblk; b++) {
        size_t s = key_at(pat + b * blk) & (slots - 1);
        while (tab[s])
            s = (s + 1) & (slots - 1);
        tab[s] = (uint32_t)(b * blk + 1);
    }
    uint64_t runs = 0, bytes = 0;
    for (size_t i = 0; i + blk <= clen; i++) {
        size_t s = key_at(cap + i) & (slots - 1), best = 0, best_end = 0;
        for (; tab[s]; s = (s + 1) & (slots - 1)) {
            size_t o = tab[s] - 1;
            if (memcmp(cap + i, pat + o, blk) != 0)
                continue;
            size_t l = 0, r = blk;
            while (l < i && l < o && cap[i - l - 1] == pat[o - l - 1])
                l++;
            while (i + r < clen && o + r < plen && cap[i + r] == pat[o + r])
                r++;
            if (l + r > best) {
                best = l + r;
                best_end = i + r;
            }
        }
        if (best >= (size_t)w) {
            runs++;
            bytes += best;
            i = best_end - 1;   /* the next run starts after this one */
        }
    }
    printf("runs %llu bytes %llu\n", (unsigned long long)runs, (unsigned long long)bytes);
    free(tab);
    free(pat);
    free(cap);
    return 0;
}
