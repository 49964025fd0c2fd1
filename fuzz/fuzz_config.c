/* libFuzzer harness: the three configuration readers (INI through inih):
 * roamd.conf, roam-ims's and roam-mat's files, each from text through the
 * entry point that reads the same table and checks as the file loader.
 * The first byte picks the reader (its value modulo 3); from 0xf0 up,
 * roam-ims's and roam-mat's files are read by path from an in-memory file
 * (memfd) as the programs do: rarely, since a file per input costs more
 * than the parse.  The rest is the file. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ims_config.h"
#include "mat_config.h"
#include "roamd_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a file that the readers open by path; -1 if none. */
static int as_file(const uint8_t *p, size_t len, char *path, size_t cap)
{
    int fd = memfd_create("fuzz-config", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    if (len > 0 && write(fd, p, len) != (ssize_t)len) {
        close(fd);
        return -1;
    }
    snprintf(path, cap, "/proc/self/fd/%d", fd);
    return fd;
}

static void by_path(int which, const uint8_t *p, size_t len)
{
    static ims_config ic;
    static mat_config mc;
    char err[512], path[64];
    int fd = as_file(p, len, path, sizeof path);
    if (fd < 0)
        return;
    if (which == 1) {
        (void)ims_config_load(&ic, path, err, sizeof err);
        ims_config_free(&ic);
    } else {
        (void)mat_config_load(&mc, path, err, sizeof err);
    }
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct roamd_config rc;
    static ims_config ic;
    static mat_config mc;
    char err[512];

    if (size < 1)
        return 0;
    const uint8_t *p = data + 1;
    size_t len = size - 1;
    int which = data[0] % 3;

    if (which != 0 && data[0] >= 0xf0) {
        by_path(which, p, len);
        return 0;
    }
    char *text = malloc(len + 1);
    if (text == NULL)
        return 0;
    memcpy(text, p, len);
    text[len] = '\0';
    if (which == 0) {
        (void)roamd_config_parse_string(&rc, text, "fuzz.conf", err, sizeof err);
    } else if (which == 1) {
        (void)ims_config_parse_string(&ic, text, "fuzz.conf", err, sizeof err);
        ims_config_free(&ic);
    } else {
        (void)mat_config_parse_string(&mc, text, "fuzz.conf", err, sizeof err);
    }
    free(text);
    return 0;
}
