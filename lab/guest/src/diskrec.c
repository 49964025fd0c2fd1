/* diskrec: numbered, checksummed records on the guest's disk, to show that
 * a migration loses and corrupts nothing that the guest was told is on
 * disk.  Lab guest helper, built static by lab/guest/build.
 *
 *   diskrec write DEV FIRST [MS]   record FIRST, FIRST+1, ... (one 512-byte
 *                                  sector each, fsync after each), printing
 *                                  "ack N" once N is durable; every MS ms
 *                                  (default 20) until killed
 *   diskrec verify DEV FIRST LAST  check records FIRST..LAST: prints
 *                                  "verified N records", or the first bad one
 *                                  and exits 1
 *   diskrec fill DEV MIB           write MIB MiB of pseudo-random data from
 *                                  the disk's start (allocated, not sparse)
 *
 * Records live in the disk's second half, so that fill (first half) and the
 * log do not overlap. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SECTOR 512
#define MAGIC "ROAMREC1"

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

/* Sector layout: magic (8), seq (8), payload (488), checksum of the 504
 * bytes before it (8). */
static void make_record(unsigned char *b, uint64_t seq)
{
    uint64_t s = seq * 0x9e3779b97f4a7c15ull + 1;
    memcpy(b, MAGIC, 8);
    memcpy(b + 8, &seq, 8);
    for (size_t i = 16; i < SECTOR - 8; i += 8) {
        uint64_t r = next_rand(&s);
        memcpy(b + i, &r, 8);
    }
    uint64_t h = fnv1a(b, SECTOR - 8);
    memcpy(b + SECTOR - 8, &h, 8);
}

static int open_dev(const char *dev, int flags, uint64_t *base)
{
    int fd = open(dev, flags);
    off_t size = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);   /* a block device or an image file */
    if (size <= 0) {
        perror(dev);
        exit(2);
    }
    *base = ((uint64_t)size / 2) & ~(uint64_t)(SECTOR - 1);
    return fd;
}

static int cmd_write(const char *dev, uint64_t first, long ms)
{
    uint64_t base;
    int fd = open_dev(dev, O_RDWR, &base);
    unsigned char b[SECTOR];
    struct timespec pause = { ms / 1000, (ms % 1000) * 1000000L };
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (uint64_t seq = first;; seq++) {
        make_record(b, seq);
        if (pwrite(fd, b, SECTOR, (off_t)(base + seq * SECTOR)) != SECTOR || fdatasync(fd) < 0) {
            perror("write");
            return 1;
        }
        printf("ack %" PRIu64 "\n", seq);
        if (ms)
            nanosleep(&pause, NULL);
    }
}

static int cmd_verify(const char *dev, uint64_t first, uint64_t last)
{
    uint64_t base;
    int fd = open_dev(dev, O_RDONLY, &base);
    unsigned char b[SECTOR], want[SECTOR];
    for (uint64_t seq = first; seq <= last; seq++) {
        if (pread(fd, b, SECTOR, (off_t)(base + seq * SECTOR)) != SECTOR) {
            printf("record %" PRIu64 ": unreadable\n", seq);
            return 1;
        }
        make_record(want, seq);
        if (memcmp(b, MAGIC, 8) != 0) {
            printf("record %" PRIu64 ": missing\n", seq);
            return 1;
        }
        if (memcmp(b, want, SECTOR) != 0) {
            printf("record %" PRIu64 ": corrupted\n", seq);
            return 1;
        }
    }
    printf("verified %" PRIu64 " records\n", last >= first ? last - first + 1 : 0);
    return 0;
}

static int cmd_fill(const char *dev, long mib)
{
    uint64_t base;
    int fd = open_dev(dev, O_WRONLY, &base);
    static uint64_t buf[1 << 17];   /* 1 MiB */
    uint64_t s = 88172645463325252ull;
    if ((uint64_t)mib << 20 > base) {
        fprintf(stderr, "fill: %ld MiB does not fit the first half of %s\n", mib, dev);
        return 2;
    }
    for (long m = 0; m < mib; m++) {
        for (size_t i = 0; i < sizeof buf / sizeof buf[0]; i++)
            buf[i] = next_rand(&s);
        if (pwrite(fd, buf, sizeof buf, (off_t)m << 20) != (ssize_t)sizeof buf) {
            perror("fill");
            return 1;
        }
    }
    if (fsync(fd) < 0) {
        perror("fsync");
        return 1;
    }
    printf("filled %ld MiB\n", mib);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && !strcmp(argv[1], "write"))
        return cmd_write(argv[2], strtoull(argv[3], NULL, 10), argc > 4 ? atol(argv[4]) : 20);
    if (argc == 5 && !strcmp(argv[1], "verify"))
        return cmd_verify(argv[2], strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10));
    if (argc == 4 && !strcmp(argv[1], "fill"))
        return cmd_fill(argv[2], atol(argv[3]));
    fprintf(stderr, "usage: diskrec write DEV FIRST [MS] | verify DEV FIRST LAST | "
                    "fill DEV MIB\n");
    return 2;
}
