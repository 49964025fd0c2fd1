/* The incoming domain XML allowlist (see domxml_check.h).  A table names
 * every element allowed under each parent, with the attributes it may
 * carry; elements with host-side effects also have a check of their values.
 * Everything else is refused, so a construct libvirt learns later is
 * refused until someone decides it is safe. */
#define _GNU_SOURCE
#include "domxml_check.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "errbuf.h"

struct ctx {
    const struct roam_domxml_allow *a;
    size_t elements;
    char *why;
    size_t whylen;
};

typedef int (*check_fn)(struct ctx *c, xmlNodePtr n);

struct rule {
    const char *parents;   /* space-separated parent element names */
    const char *name;
    const char *attrs;     /* space-separated attribute names allowed */
    check_fn check;        /* NULL: nothing more to check */
    int any_children;      /* inert content (metadata): children not walked */
};

/* ---- helpers ------------------------------------------------------------ */

static int has_word(const char *list, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = list; (p = strstr(p, w)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    return 0;
}

static int refuse(struct ctx *c, xmlNodePtr n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int refuse(struct ctx *c, xmlNodePtr n, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const char *pre = n->ns && n->ns->prefix ? (const char *)n->ns->prefix : NULL;
    return roam_errf(c->why, c->whylen, "<%s%s%s>: %s", pre ? pre : "", pre ? ":" : "",
                     (const char *)n->name, what);
}

/* Attribute value, or NULL.  Owned by the caller (xmlFree). */
static char *attr(xmlNodePtr n, const char *name)
{
    return (char *)xmlGetNoNsProp(n, (const xmlChar *)name);
}

/* 1 if attribute name of n equals one of the space-separated values (an
 * absent attribute matches "-"). */
static int attr_is(xmlNodePtr n, const char *name, const char *values)
{
    char *v = attr(n, name);
    int r = v ? v[0] && !strchr(v, ' ') && has_word(values, v) : has_word(values, "-");
    xmlFree(v);
    return r;
}

static int require_attr(struct ctx *c, xmlNodePtr n, const char *name, const char *values,
                        const char *why)
{
    if (attr_is(n, name, values))
        return 0;
    char *v = attr(n, name);
    int r = refuse(c, n, "%s='%.64s' %s", name, v ? v : "(none)", why);
    xmlFree(v);
    return r;
}

/* The element's text, trimmed of surrounding white space; NULL if it has
 * element children or no text.  malloc'd. */
static char *text_of(xmlNodePtr n)
{
    xmlChar *t = xmlNodeGetContent(n);
    if (!t)
        return NULL;
    char *s = (char *)t, *e = s + strlen(s);
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        e--;
    char *r = strndup(s, (size_t)(e - s));
    xmlFree(t);
    return r;
}

int roam_domxml_path_in(const char *path, const char *dir)
{
    if (!path || !dir || path[0] != '/' || dir[0] != '/')
        return -1;
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    if (strncmp(path, dir, dl) != 0 || (dl > 1 && path[dl] != '/'))
        return -1;
    /* No ".", ".." or empty component anywhere: the prefix test is then
     * what the kernel will resolve (symlinks aside). */
    for (const char *p = path; *p;) {
        const char *s = p + 1, *e = strchr(s, '/');
        size_t k = e ? (size_t)(e - s) : strlen(s);
        if (k == 0 || (k == 1 && s[0] == '.') || (k == 2 && s[0] == '.' && s[1] == '.'))
            return -1;
        p = s + k;
    }
    return strlen(path) > dl + 1 ? 0 : -1;
}

/* 0 if path is inside one of dirs.  resolve: also when symlinks are
 * followed, wherever the path exists on this host. */
static int path_in_any(const char *path, const char *const *dirs, int resolve)
{
    for (size_t i = 0; i < ROAM_DOMXML_LIST_MAX && dirs[i]; i++) {
        if (!dirs[i][0] || roam_domxml_path_in(path, dirs[i]) < 0)
            continue;
        if (!resolve)
            return 0;
        char rp[PATH_MAX], rd[PATH_MAX];
        if (!realpath(path, rp))
            return 0;   /* not here (yet): the lexical test is all there is */
        if (realpath(dirs[i], rd) && roam_domxml_path_in(rp, rd) == 0)
            return 0;
    }
    return -1;
}

static int check_path(struct ctx *c, xmlNodePtr n, const char *what, const char *path,
                      const char *const *dirs, int resolve)
{
    if (path && path_in_any(path, dirs, resolve) == 0)
        return 0;
    return refuse(c, n, "%s '%.200s' is outside the directories this host allows for it", what,
                  path ? path : "(none)");
}

static int check_text_path(struct ctx *c, xmlNodePtr n, const char *what,
                           const char *const *dirs, int resolve)
{
    char *t = text_of(n);
    int r = check_path(c, n, what, t, dirs, resolve);
    free(t);
    return r;
}

static int check_attr_path(struct ctx *c, xmlNodePtr n, const char *name, const char *what,
                           const char *const *dirs, int resolve)
{
    char *v = attr(n, name);
    int r = v ? check_path(c, n, what, v, dirs, resolve) : 0;
    xmlFree(v);
    return r;
}

/* ---- checks of elements with host-side effects --------------------------- */

static int ck_domain(struct ctx *c, xmlNodePtr n)
{
    return require_attr(c, n, "type", "qemu kvm", "is not a QEMU domain");
}

static int ck_boot_file(struct ctx *c, xmlNodePtr n)
{
    if (n->children && n->children->type == XML_ELEMENT_NODE)
        return refuse(c, n, "unexpected content");
    return check_text_path(c, n, "boot file", c->a->boot_dirs, 1);
}

static int ck_loader(struct ctx *c, xmlNodePtr n)
{
    char *t = text_of(n);
    int r = t && t[0] ? check_path(c, n, "firmware", t, c->a->boot_dirs, 1) : 0;
    free(t);
    return r;
}

static int ck_nvram(struct ctx *c, xmlNodePtr n)
{
    if (check_attr_path(c, n, "template", "NVRAM template", c->a->boot_dirs, 1) < 0)
        return -1;
    char *t = text_of(n);
    int r = t && t[0] ? check_path(c, n, "NVRAM file", t, c->a->vm_dirs, 0) : 0;
    free(t);
    return r;
}

static int ck_smbios(struct ctx *c, xmlNodePtr n)
{
    return require_attr(c, n, "mode", "emulate sysinfo", "would copy this host's SMBIOS");
}

static int ck_sysinfo(struct ctx *c, xmlNodePtr n)
{
    return require_attr(c, n, "type", "smbios", "is not allowed (fwcfg reads host files)");
}

static int ck_partition(struct ctx *c, xmlNodePtr n)
{
    char *t = text_of(n);
    int ok = t && strcmp(t, "/machine") == 0;
    free(t);
    return ok ? 0 : refuse(c, n, "only the default cgroup partition /machine is allowed");
}

static int ck_emulator(struct ctx *c, xmlNodePtr n)
{
    char *t = text_of(n);
    int ok = 0;
    for (size_t i = 0; t && i < ROAM_DOMXML_LIST_MAX && c->a->emulators[i]; i++)
        ok |= strcmp(t, c->a->emulators[i]) == 0;
    int r = ok ? 0 : refuse(c, n, "'%.200s' is not this host's QEMU", t ? t : "(none)");
    free(t);
    return r;
}

static int ck_disk(struct ctx *c, xmlNodePtr n)
{
    if (require_attr(c, n, "type", "file", "is not allowed (disks are files in this host's "
                     "storage pool)") < 0)
        return -1;
    return require_attr(c, n, "device", "- disk cdrom", "is not allowed");
}

static int ck_disk_source(struct ctx *c, xmlNodePtr n)
{
    char *f = attr(n, "file");
    int r = 0;
    if (!f && n->properties)
        r = refuse(c, n, "a disk source must be a file");
    else if (f && (!c->a->disk_dir || !c->a->disk_dir[0]))
        r = refuse(c, n, "this host takes no disks (no storage pool configured)");
    else if (f) {
        const char *dirs[ROAM_DOMXML_LIST_MAX] = { c->a->disk_dir };
        r = check_path(c, n, "disk", f, dirs, 1);
    }
    xmlFree(f);
    return r;
}

static int ck_backing(struct ctx *c, xmlNodePtr n)
{
    return require_attr(c, n, "type", "- file", "is not allowed (backing files are files in "
                        "this host's base image directory)");
}

static int ck_backing_source(struct ctx *c, xmlNodePtr n)
{
    char *f = attr(n, "file");
    int r = 0;
    if (!f && n->properties)
        r = refuse(c, n, "a backing file must be a file");
    else if (f && (!c->a->base_dir || !c->a->base_dir[0]))
        r = refuse(c, n, "this host takes no backing files (no base image directory "
                   "configured)");
    else if (f) {
        const char *dirs[ROAM_DOMXML_LIST_MAX] = { c->a->base_dir };
        r = check_path(c, n, "backing file", f, dirs, 1);
    }
    xmlFree(f);
    return r;
}

static int ck_interface(struct ctx *c, xmlNodePtr n)
{
    return require_attr(c, n, "type", "bridge", "is not allowed (NICs join this host's "
                        "bridges)");
}

static int ck_iface_source(struct ctx *c, xmlNodePtr n)
{
    char *b = attr(n, "bridge");
    int ok = 0;
    for (size_t i = 0; b && i < ROAM_DOMXML_LIST_MAX && c->a->bridges[i]; i++)
        ok |= strcmp(b, c->a->bridges[i]) == 0;
    int r = ok ? 0 : refuse(c, n, "bridge '%.64s' is not one this host maps VMs to",
                            b ? b : "(none)");
    xmlFree(b);
    return r;
}

/* libvirt names the taps it creates vnetN and makes a new one on arrival;
 * any other name could be a tap this host already uses. */
static int ck_iface_target(struct ctx *c, xmlNodePtr n)
{
    char *d = attr(n, "dev");
    int ok = !d || (strncmp(d, "vnet", 4) == 0 && d[4] && strspn(d + 4, "0123456789") ==
                    strlen(d + 4));
    int r = ok ? 0 : refuse(c, n, "tap '%.32s' is not one libvirt generates", d);
    xmlFree(d);
    return r;
}

static int ck_chardev(struct ctx *c, xmlNodePtr n)
{
    return require_attr(c, n, "type", "pty null file unix spicevmc",
                        "is not allowed (character devices are ptys, or files and sockets "
                        "in libvirt's per-VM directories)");
}

static int ck_chardev_source(struct ctx *c, xmlNodePtr n)
{
    char *type = attr(n->parent, "type");
    int pty = type && strcmp(type, "pty") == 0;
    xmlFree(type);
    if (pty) {
        /* libvirt reports the pty it allocated; a new one is allocated here. */
        const char *dirs[ROAM_DOMXML_LIST_MAX] = { "/dev/pts" };
        return check_attr_path(c, n, "path", "pty", dirs, 0);
    }
    return check_attr_path(c, n, "path", "character device file", c->a->vm_dirs, 0);
}

static int ck_chardev_log(struct ctx *c, xmlNodePtr n)
{
    return check_attr_path(c, n, "file", "log file", c->a->vm_dirs, 0);
}

static int ck_input(struct ctx *c, xmlNodePtr n)
{
    return require_attr(c, n, "type", "mouse keyboard tablet", "is not allowed (no host input "
                        "passthrough)");
}

static int ck_graphics(struct ctx *c, xmlNodePtr n)
{
    if (require_attr(c, n, "type", "vnc spice", "is not allowed") < 0 ||
        require_attr(c, n, "autoport", "- yes", "is not allowed (this host picks ports)") < 0)
        return -1;
    return require_attr(c, n, "listen", "- 127.0.0.1 ::1", "is not allowed (loopback only)");
}

static int ck_listen(struct ctx *c, xmlNodePtr n)
{
    if (require_attr(c, n, "type", "address none", "is not allowed") < 0)
        return -1;
    return require_attr(c, n, "address", "- 127.0.0.1 ::1", "is not allowed (loopback only)");
}

static int ck_rng_backend(struct ctx *c, xmlNodePtr n)
{
    if (require_attr(c, n, "model", "random builtin", "is not allowed") < 0)
        return -1;
    char *t = text_of(n);
    int ok = !t || !t[0] || strcmp(t, "/dev/urandom") == 0 || strcmp(t, "/dev/random") == 0;
    int r = ok ? 0 : refuse(c, n, "'%.64s' is not a random device", t);
    free(t);
    return r;
}

static int ck_audio(struct ctx *c, xmlNodePtr n)
{
    return require_attr(c, n, "type", "none spice", "is not allowed");
}

static int ck_memory_device(struct ctx *c, xmlNodePtr n)
{
    return require_attr(c, n, "model", "dimm", "is not allowed (no host memory files)");
}

/* The host's own default confinement (its security driver picks the
 * label) is what a domain gets anyway; every other security label, and
 * any label text, is an override. */
static int ck_seclabel(struct ctx *c, xmlNodePtr n)
{
    if (require_attr(c, n, "type", "dynamic", "is a security-label override") < 0 ||
        require_attr(c, n, "relabel", "- yes", "is a security-label override") < 0 ||
        require_attr(c, n, "model", "- selinux apparmor dac", "is not a security driver") < 0)
        return -1;
    for (xmlNodePtr k = n->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE)
            return refuse(c, n, "security-label overrides are not allowed (<%s>)",
                          (const char *)k->name);
    return 0;
}

static int ck_driver_name(struct ctx *c, xmlNodePtr n)
{
    return require_attr(c, n, "name", "- qemu vhost", "is not allowed");
}

/* ---- the table ---------------------------------------------------------- */

#define CHARDEVS "serial console parallel channel"
#define DEVICES "disk controller interface " CHARDEVS " input graphics video sound watchdog " \
    "rng memballoon panic vsock hub iommu memory audio"

static const struct rule rules[] = {
    { "#root", "domain", "type id", ck_domain, 0 },
    { "domain", "name", "", NULL, 0 },
    { "domain", "uuid", "", NULL, 0 },
    { "domain", "genid", "", NULL, 0 },
    { "domain", "title", "", NULL, 0 },
    { "domain", "description", "", NULL, 0 },
    { "domain", "metadata", "", NULL, 1 },
    { "domain", "memory", "unit dumpCore", NULL, 0 },
    { "domain", "currentMemory", "unit", NULL, 0 },
    { "domain", "maxMemory", "unit slots", NULL, 0 },
    { "domain", "vcpu", "placement current", NULL, 0 },
    { "domain", "vcpus", "", NULL, 0 },
    { "vcpus", "vcpu", "id enabled hotpluggable order", NULL, 0 },
    { "domain", "iothreads", "", NULL, 0 },
    { "domain", "resource", "", NULL, 0 },
    { "resource", "partition", "", ck_partition, 0 },
    { "domain", "sysinfo", "type", ck_sysinfo, 0 },
    { "sysinfo", "bios system baseBoard chassis", "", NULL, 0 },
    { "bios system baseBoard chassis", "entry", "name", NULL, 0 },
    { "domain", "os", "firmware", NULL, 0 },
    { "os", "type", "arch machine", NULL, 0 },
    { "os", "kernel", "", ck_boot_file, 0 },
    { "os", "initrd", "", ck_boot_file, 0 },
    { "os", "dtb", "", ck_boot_file, 0 },
    { "os", "loader", "readonly secure type stateless format", ck_loader, 0 },
    { "os", "nvram", "template format", ck_nvram, 0 },
    { "os", "cmdline", "", NULL, 0 },
    { "os", "boot", "dev", NULL, 0 },
    { "os", "bootmenu", "enable timeout", NULL, 0 },
    { "os", "bios", "useserial rebootTimeout", NULL, 0 },
    { "os", "smbios", "mode", ck_smbios, 0 },
    { "os", "firmware", "", NULL, 0 },
    { "firmware", "feature", "enabled name", NULL, 0 },
    { "domain", "features", "", NULL, 0 },
    { "features", "acpi apic pae hap pmu vmport smm vmcoreinfo pvspinlock ioapic privnet gic "
      "htm", "state eoi driver version", NULL, 0 },
    { "features", "hyperv kvm", "mode", NULL, 0 },
    { "hyperv", "relaxed vapic spinlocks vpindex runtime synic stimer reset vendor_id frequencies "
      "reenlightenment tlbflush ipi evmcs avic", "state retries value", NULL, 0 },
    { "stimer", "direct", "state", NULL, 0 },
    { "kvm", "hidden hint-dedicated poll-control pv-ipi dirty-ring", "state size", NULL, 0 },
    { "domain", "cpu", "mode match check migratable", NULL, 0 },
    { "cpu", "model", "fallback vendor_id", NULL, 0 },
    { "cpu", "vendor", "", NULL, 0 },
    { "cpu", "topology", "sockets dies clusters cores threads", NULL, 0 },
    { "cpu", "feature", "policy name", NULL, 0 },
    { "cpu", "cache", "level mode", NULL, 0 },
    { "cpu", "numa", "", NULL, 0 },
    { "numa", "cell", "id cpus memory unit memAccess discard", NULL, 0 },
    { "domain", "clock", "offset adjustment basis timezone", NULL, 0 },
    { "clock", "timer", "name present tickpolicy track frequency mode", NULL, 0 },
    { "timer", "catchup", "threshold slew limit", NULL, 0 },
    { "domain", "on_poweroff on_reboot on_crash on_lockfailure", "", NULL, 0 },
    { "domain", "pm", "", NULL, 0 },
    { "pm", "suspend-to-mem suspend-to-disk", "enabled", NULL, 0 },
    { "domain", "devices", "", NULL, 0 },
    { "domain", "seclabel", "type model relabel", ck_seclabel, 0 },
    { "devices", "emulator", "", ck_emulator, 0 },
    /* What any device may carry. */
    { DEVICES, "address", "type domain bus slot function multifunction controller target unit "
      "port reg cssid ssid devno iobase irq base", NULL, 0 },
    { DEVICES, "alias", "name", NULL, 0 },
    { "disk interface", "boot", "order", NULL, 0 },
    { "interface", "acpi", "index", NULL, 0 },
    /* Disks: files of the storage pool. */
    { "devices", "disk", "type device snapshot model", ck_disk, 0 },
    { "disk", "driver", "name type cache io discard detect_zeroes error_policy rerror_policy "
      "iothread queues copy_on_read", ck_driver_name, 0 },
    { "disk", "source", "file index", ck_disk_source, 0 },
    { "disk", "backingStore", "type index", ck_backing, 0 },
    { "backingStore", "format", "type", NULL, 0 },
    { "backingStore", "source", "file index", ck_backing_source, 0 },
    { "backingStore", "backingStore", "type index", ck_backing, 0 },
    { "disk", "target", "dev bus tray removable rotation_rate", NULL, 0 },
    { "disk", "readonly shareable transient", "", NULL, 0 },
    { "disk", "serial wwn vendor product", "", NULL, 0 },
    { "disk", "blockio", "logical_block_size physical_block_size", NULL, 0 },
    { "disk", "geometry", "cyls heads secs trans", NULL, 0 },
    { "disk", "iotune", "", NULL, 0 },
    { "iotune", "total_bytes_sec read_bytes_sec write_bytes_sec total_iops_sec read_iops_sec "
      "write_iops_sec total_bytes_sec_max read_bytes_sec_max write_bytes_sec_max "
      "total_iops_sec_max read_iops_sec_max write_iops_sec_max size_iops_sec group_name", "",
      NULL, 0 },
    { "controller", "driver", "queues cmd_per_lun max_sectors ioeventfd iothread", NULL, 0 },
    { "devices", "controller", "type index model ports vectors", NULL, 0 },
    { "controller", "model", "name", NULL, 0 },
    { "controller", "target", "chassisNr chassis port busNr index hotplug memReserve", NULL, 0 },
    { "controller", "pcihole64", "unit", NULL, 0 },
    /* NICs: taps on this host's bridges. */
    { "devices", "interface", "type trustGuestRxFilters", ck_interface, 0 },
    { "interface", "mac", "address type check", NULL, 0 },
    { "interface", "source", "bridge", ck_iface_source, 0 },
    { "interface", "target", "dev", ck_iface_target, 0 },
    { "interface", "model", "type", NULL, 0 },
    { "interface", "link", "state", NULL, 0 },
    { "interface", "mtu", "size", NULL, 0 },
    { "interface", "driver", "name txmode ioeventfd event_idx queues rx_queue_size "
      "tx_queue_size rss rss_hash_report", ck_driver_name, 0 },
    { "driver", "host guest", "csum gso tso4 tso6 ecn ufo mrg_rxbuf", NULL, 0 },
    { "interface", "rom", "bar enabled", NULL, 0 },
    { "interface", "bandwidth", "", NULL, 0 },
    { "bandwidth", "inbound outbound", "average peak burst floor", NULL, 0 },
    { "interface", "tune", "", NULL, 0 },
    { "tune", "sndbuf", "", NULL, 0 },
    { "interface", "port", "isolated", NULL, 0 },
    /* A traffic filter of this host's, by name: leaving it out would be
     * weaker still, so naming one is no override. */
    { "interface", "filterref", "filter", NULL, 0 },
    { "filterref", "parameter", "name value", NULL, 0 },
    /* Character devices: ptys, or files and sockets in libvirt's VM dirs. */
    { "devices", CHARDEVS, "type tty", ck_chardev, 0 },
    { CHARDEVS, "source", "path mode append", ck_chardev_source, 0 },
    { CHARDEVS, "target", "type port name state", NULL, 0 },
    { "target", "model", "name", NULL, 0 },
    { CHARDEVS, "log", "file append", ck_chardev_log, 0 },
    /* Guest-only devices. */
    { "devices", "input", "type bus model", ck_input, 0 },
    { "devices", "graphics", "type port autoport listen keymap sharePolicy", ck_graphics, 0 },
    { "graphics", "listen", "type address", ck_listen, 0 },
    { "devices", "video", "", NULL, 0 },
    { "video", "model", "type vram vram64 ram vgamem heads primary", NULL, 0 },
    { "model", "acceleration", "accel3d accel2d", NULL, 0 },
    { "devices", "sound", "model", NULL, 0 },
    { "sound", "codec", "type", NULL, 0 },
    { "sound", "audio", "id", NULL, 0 },
    { "devices", "audio", "id type", ck_audio, 0 },
    { "devices", "watchdog", "model action", NULL, 0 },
    { "devices", "rng", "model", NULL, 0 },
    { "rng", "backend", "model", ck_rng_backend, 0 },
    { "rng", "rate", "bytes period", NULL, 0 },
    { "devices", "memballoon", "model autodeflate freePageReporting", NULL, 0 },
    { "memballoon", "stats", "period", NULL, 0 },
    { "memballoon rng", "driver", "iommu ats packed page_per_vq", NULL, 0 },
    { "devices", "panic", "model", NULL, 0 },
    { "devices", "vsock", "model", NULL, 0 },
    { "vsock", "cid", "auto address", NULL, 0 },
    { "devices", "hub", "type", NULL, 0 },
    { "devices", "iommu", "model", NULL, 0 },
    { "iommu", "driver", "intremap caching_mode eim iotlb aw_bits", NULL, 0 },
    { "devices", "memory", "model access discard", ck_memory_device, 0 },
    { "memory", "target", "", NULL, 0 },
    { "target", "size node", "unit", NULL, 0 },
};
#define NRULES (sizeof rules / sizeof rules[0])

/* Why a well-known construct is refused, for a message the user can act on. */
static const struct { const char *name, *why; } known[] = {
    { "seclabel", "security-label overrides are not allowed" },
    { "hostdev", "host device passthrough is not allowed" },
    { "filesystem", "host filesystem passthrough is not allowed" },
    { "shmem", "host shared memory is not allowed" },
    { "redirdev", "USB redirection is not allowed" },
    { "redirfilter", "USB redirection is not allowed" },
    { "smartcard", "smartcard passthrough is not allowed" },
    { "tpm", "TPM passthrough is not allowed" },
    { "script", "interface scripts are not allowed" },
    { "downscript", "interface scripts are not allowed" },
    { "virtualport", "virtual ports are not allowed" },
    { "cputune", "host CPU tuning is not allowed" },
    { "numatune", "host NUMA tuning is not allowed" },
    { "memtune", "host memory tuning is not allowed" },
    { "blkiotune", "host I/O tuning is not allowed" },
    { "memoryBacking", "host memory backing is not allowed" },
};

static const struct rule *find_rule(const char *parent, const char *name)
{
    for (size_t i = 0; i < NRULES; i++)
        if (has_word(rules[i].name, name) && has_word(rules[i].parents, parent))
            return &rules[i];
    return NULL;
}

static int refuse_unknown(struct ctx *c, xmlNodePtr n, const char *parent)
{
    if (n->ns && n->ns->href) {
        if (strstr((const char *)n->ns->href, "libvirt.org/schemas/domain/qemu"))
            return refuse(c, n, "QEMU passthrough (the qemu namespace) is not allowed");
        return refuse(c, n, "elements of namespace %.100s are not allowed here",
                      (const char *)n->ns->href);
    }
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp((const char *)n->name, known[i].name) == 0)
            return refuse(c, n, "%s", known[i].why);
    return refuse(c, n, "not allowed inside <%s>", parent);
}

static int bound(struct ctx *c, int depth)
{
    if (depth > ROAM_DOMXML_MAX_DEPTH)
        return roam_errf(c->why, c->whylen, "domain XML nested deeper than %d",
                         ROAM_DOMXML_MAX_DEPTH);
    if (++c->elements > ROAM_DOMXML_MAX_ELEMENTS)
        return roam_errf(c->why, c->whylen, "domain XML has more than %d elements",
                         ROAM_DOMXML_MAX_ELEMENTS);
    return 0;
}

/* Content libvirt stores and never acts on (<metadata>): only bounded. */
static int walk_inert(struct ctx *c, xmlNodePtr n, int depth)
{
    if (bound(c, depth) < 0)
        return -1;
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (k->type == XML_ENTITY_REF_NODE || k->type == XML_ENTITY_NODE)
            return refuse(c, n, "entities are not allowed");
        if (k->type == XML_ELEMENT_NODE && walk_inert(c, k, depth + 1) < 0)
            return -1;
    }
    return 0;
}

static int walk(struct ctx *c, xmlNodePtr n, const char *parent, int depth)
{
    if (bound(c, depth) < 0)
        return -1;
    const struct rule *r = n->ns ? NULL : find_rule(parent, (const char *)n->name);
    if (!r)
        return refuse_unknown(c, n, parent);
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (a->ns || !has_word(r->attrs, (const char *)a->name))
            return refuse(c, n, "attribute %s%s%s is not allowed",
                          a->ns && a->ns->prefix ? (const char *)a->ns->prefix : "",
                          a->ns && a->ns->prefix ? ":" : "", (const char *)a->name);
    if (r->check && r->check(c, n) < 0)
        return -1;
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (k->type == XML_TEXT_NODE || k->type == XML_COMMENT_NODE)
            continue;
        if (k->type != XML_ELEMENT_NODE)
            return refuse(c, n, "unexpected content (entity or processing instruction)");
        if (r->any_children) {
            if (walk_inert(c, k, depth + 1) < 0)
                return -1;
            continue;
        }
        if (walk(c, k, (const char *)n->name, depth + 1) < 0)
            return -1;
    }
    return 0;
}

int roam_domxml_check(const char *xml, size_t len, const struct roam_domxml_allow *a,
                      char *why, size_t whylen)
{
    if (!xml || len == 0 || len > ROAM_DOMXML_MAX_BYTES)
        return roam_errf(why, whylen, "domain XML is empty or larger than %zu bytes",
                         ROAM_DOMXML_MAX_BYTES);
    if (memchr(xml, '\0', len))
        return roam_errf(why, whylen, "domain XML contains a NUL byte");
    /* No DTD, so no entity: libvirt never writes one, and refusing it
     * before parsing keeps entity expansion out entirely. */
    if (memmem(xml, len, "<!DOCTYPE", 9) || memmem(xml, len, "<!ENTITY", 8))
        return roam_errf(why, whylen, "domain XML with a DTD or entities is not allowed");
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, "domain.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                  XML_PARSE_NOCDATA);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    int r;
    if (!root)
        r = roam_errf(why, whylen, "domain XML is malformed");
    else if (doc->intSubset || doc->extSubset)
        r = roam_errf(why, whylen, "domain XML with a DTD or entities is not allowed");
    else {
        struct ctx c = { a, 0, why, whylen };
        r = walk(&c, root, "#root", 0);
    }
    xmlFreeDoc(doc);
    return r;
}
