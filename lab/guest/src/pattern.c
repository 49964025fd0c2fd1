/* pattern: writes MIB MiB of pseudo-random bytes, determined by SEED, to
 * FILE.  In the guest the file (on the RAM root) puts a known pattern into
 * guest memory; on the host the same command gives the matcher the bytes to
 * look for in a capture of the migration traffic.  Lab guest helper, built
 * static by lab/guest/build.
 *
 *   pattern SEED MIB FILE */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: every output depends on the seed; no external library. */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: pattern SEED MIB FILE\n");
        return 2;
    }
    char *end;
    errno = 0;
    uint64_t seed = strtoull(argv[1], &end, 10);
    long mib = strtol(argv[2], NULL, 10);
    if (errno || *end || mib < 1 || mib > 1024) {
        fprintf(stderr, "pattern: SEED is a decimal integer, MIB 1..1024\n");
        return 2;
    }
    FILE *f = fopen(argv[3], "wb");
    if (!f) {
        fprintf(stderr, "pattern: %s: %s\n", argv[3], strerror(errno));
        return 1;
    }
    static uint64_t buf[8192];   /* 64 KiB */
    for (long i = 0; i < mib * 16; i++) {
        for (size_t k = 0; k < sizeof buf / sizeof buf[0]; k++)
            buf[k] = next(&seed);
        if (fwrite(buf, sizeof buf, 1, f) != 1) {
            fprintf(stderr, "pattern: %s: write failed\n", argv[3]);
            fclose(f);
            return 1;
        }
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "pattern: %s: %s\n", argv[3], strerror(errno));
        return 1;
    }
    return 0;
}
