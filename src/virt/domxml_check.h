/* The allowlist an incoming domain XML must pass before this host starts a
 * QEMU for it (the destination of a migration, through libvirt's qemu hook).
 * A source provider writes that XML: every element and attribute not known
 * to be safe here is refused, and every host path it names must lie in a
 * directory this host allows.  A pure function over the text. */
#ifndef ROAM_VIRT_DOMXML_CHECK_H
#define ROAM_VIRT_DOMXML_CHECK_H

#include <stddef.h>

/* Bounds on the input (the hook refuses bigger ones before parsing). */
#define ROAM_DOMXML_MAX_BYTES ((size_t)1 << 20)
#define ROAM_DOMXML_MAX_DEPTH 24
#define ROAM_DOMXML_MAX_ELEMENTS 4096
/* Entries per list of struct roam_domxml_allow. */
#define ROAM_DOMXML_LIST_MAX 8

/* What this host allows.  Unused list entries are NULL; every directory is
 * an absolute path. */
struct roam_domxml_allow {
    const char *emulators[ROAM_DOMXML_LIST_MAX];   /* local QEMU binaries */
    const char *bridges[ROAM_DOMXML_LIST_MAX];     /* bridges a NIC may join */
    const char *disk_dir;                          /* NULL or "": no disk may name a file */
    const char *boot_dirs[ROAM_DOMXML_LIST_MAX];   /* kernel, initrd, dtb, loader */
    /* libvirt's per-VM directories: serial/console log files, agent
     * sockets, NVRAM. */
    const char *vm_dirs[ROAM_DOMXML_LIST_MAX];
    /* Base images a disk may name as its backing file; NULL or "": none
     * (a disk in disk_dir could otherwise name another VM's image there
     * as its backing file and read it). */
    const char *base_dir;
};

/* 0 if the domain XML (len bytes, no NUL needed) passes, else -1 with why:
 * one line naming the first construct refused, e.g. "<qemu:commandline>:
 * QEMU command-line passthrough is not allowed". */
int roam_domxml_check(const char *xml, size_t len, const struct roam_domxml_allow *a,
                      char *why, size_t whylen);

/* 0 if path is absolute, has no "." or ".." component and lies strictly
 * inside dir (lexically); else -1. */
int roam_domxml_path_in(const char *path, const char *dir);

#endif
