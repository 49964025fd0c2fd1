/* dirty: keeps PERCENT of the guest's RAM dirtied continuously, so that
 * migration benchmarks can load the VM the way the paper's "RAM 40/60/80 %"
 * cases do.  Lab guest helper, built static by lab/guest/build.
 *
 *   dirty PERCENT [MIB_PER_S]
 *
 * The buffer is PERCENT of MemTotal, capped at MemAvailable minus a margin so
 * that the small guest is never pushed into the OOM killer.  Without a rate
 * it rewrites one byte in every page as fast as it can; with MIB_PER_S it
 * paces itself to about that dirtying rate. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static long meminfo_kib(const char *key)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[128];
    long v = -1;
    size_t n = strlen(key);
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, n) && line[n] == ':') {
            v = atol(line + n + 1);
            break;
        }
    fclose(f);
    return v;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    const long margin_kib = 12 * 1024;
    long total, avail, want, pages, page = sysconf(_SC_PAGESIZE);
    double rate = 0, start;
    unsigned long long dirtied = 0;
    volatile unsigned char *buf;

    if (argc < 2 || atoi(argv[1]) <= 0 || atoi(argv[1]) > 100) {
        fprintf(stderr, "usage: dirty PERCENT [MIB_PER_S]\n");
        return 2;
    }
    if (argc > 2)
        rate = atof(argv[2]) * 1024 * 1024;
    total = meminfo_kib("MemTotal");
    avail = meminfo_kib("MemAvailable");
    want = total * atoi(argv[1]) / 100;
    if (want > avail - margin_kib) {
        fprintf(stderr, "dirty: capping %ld KiB to %ld KiB (MemAvailable %ld KiB)\n",
                want, avail - margin_kib, avail);
        want = avail - margin_kib;
    }
    if (want <= 0)
        return 1;
    pages = want * 1024 / page;
    buf = mmap(NULL, pages * page, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (buf == MAP_FAILED) {
        perror("dirty: mmap");
        return 1;
    }
    fprintf(stderr, "dirty: %ld MiB of %ld MiB RAM\n", pages * page >> 20, total >> 10);
    start = now_s();
    for (unsigned char v = 1;; v++)
        for (long i = 0; i < pages; i++) {
            buf[i * page] = v;
            dirtied += page;
            if (rate > 0 && (i & 63) == 0) {
                double ahead = dirtied / rate - (now_s() - start);
                if (ahead > 0)
                    usleep(ahead * 1e6);
            }
        }
}
