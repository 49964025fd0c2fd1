/* A VM's disks for migration without shared storage: which disks the copy
 * takes, the refusals, the destination XML's path mapping, the volume XML
 * and the split of libvirt's job stats into memory and disk.  No libvirtd:
 * the copy itself is covered by tests/e2e/test_disk.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "tap.h"
#include "virt.h"
#include "virt_disk.h"
#include "virt_migrate.h"
#include "virt_storage.h"

static char err[ROAM_ERR_MAX];

#define DOM(devs) "<domain type='qemu'><name>v</name><devices>" devs "</devices></domain>"
#define DISK(dev, file, fmt) \
    "<disk type='file' device='disk'><driver name='qemu' type='" fmt "'/>" \
    "<source file='" file "'/><target dev='" dev "' bus='virtio'/></disk>"

static void test_parse(void)
{
    struct roam_disk d[4];
    size_t n = 9;
    int r = roam_virt_parse_disks(
        DOM(DISK("vda", "/p/a.qcow2", "qcow2")
            "<disk type='file' device='cdrom'><source file='/iso'/><target dev='hdc'/></disk>"
            "<disk type='file' device='disk'><source file='/ro'/><target dev='vdc'/><readonly/></disk>"
            "<disk type='file' device='disk'><source file='/p/b.img'/><target dev='vdb'/></disk>"
            "<interface type='bridge'><mac address='52:54:00:00:00:01'/></interface>"),
        d, 4, &n, err, sizeof err);
    tap_eq(r, 0, "parse: two writable file disks (%s)", err);
    tap_eq(n, (size_t)2, "parse: CD-ROM and read-only disk stay behind");
    tap_eq_str(d[0].dev, "vda", "parse: first device");
    tap_eq_str(d[0].path, "/p/a.qcow2", "parse: first path");
    tap_eq_str(d[0].format, "qcow2", "parse: first format");
    tap_eq_str(d[1].format, "raw", "parse: no driver type means raw");
    r = roam_virt_parse_disks(DOM("<disk type='file' device='disk'><driver type='qcow2' "
                                  "cache='none'/><source file='/s'/><target dev='vda'/></disk>"),
                              d, 4, &n, err, sizeof err);
    tap_ok(r == 0 && n == 1 && !strcmp(d[0].cache, "none"), "parse: cache mode read");

    r = roam_virt_parse_disks(DOM("<disk type='block' device='disk'><source dev='/dev/sda'/>"
                                  "<target dev='vda'/></disk>"), d, 4, &n, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "only file-backed"), "parse: block disk refused (%s)", err);
    r = roam_virt_parse_disks(DOM(DISK("vda", "/a", "vmdk")), d, 4, &n, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "vmdk"), "parse: unknown format refused (%s)", err);
    r = roam_virt_parse_disks(DOM(DISK("vda", "/a", "raw") DISK("vdb", "/b", "raw")), d, 1, &n,
                              err, sizeof err);
    tap_ok(r < 0 && n == 0, "parse: more disks than room refused (%s)", err);
    r = roam_virt_parse_disks(DOM(""), d, 4, &n, err, sizeof err);
    tap_ok(r == 0 && n == 0, "parse: a diskless VM has no disks");
}

#define BACKED(base_fmt, chain) \
    "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>" \
    "<source file='/p/over.qcow2'/><backingStore type='file'><format type='" base_fmt "'/>" \
    "<source file='/base/deb.raw'/>" chain "</backingStore><target dev='vda'/></disk>"

static void test_chain(void)
{
    struct roam_disk d[2];
    size_t n = 0;
    int r = roam_virt_parse_disks(DOM(BACKED("raw", "<backingStore/>")), d, 2, &n, err,
                                  sizeof err);
    tap_ok(r == 0 && n == 1 && d[0].chain_depth == 1 && !strcmp(d[0].base, "/base/deb.raw") &&
           !strcmp(d[0].base_format, "raw"), "chain: an overlay on one base (%s)", err);
    r = roam_virt_parse_disks(DOM(BACKED("qcow2", "<backingStore type='file'><format "
                                  "type='raw'/><source file='/base/deeper.raw'/><backingStore/>"
                                  "</backingStore>")), d, 2, &n, err, sizeof err);
    tap_ok(r == 0 && n == 1 && d[0].chain_depth == 2 && !strcmp(d[0].base, "/base/deb.raw"),
           "chain: a base on a base has depth 2 (%s)", err);
    r = roam_virt_parse_disks(DOM(DISK("vda", "/p/a.qcow2", "qcow2")), d, 2, &n, err,
                              sizeof err);
    tap_ok(r == 0 && n == 1 && d[0].chain_depth == 0 && !d[0].base[0],
           "chain: a disk without <backingStore> has none");
    r = roam_virt_parse_disks(DOM("<disk type='file' device='disk'><driver type='qcow2'/>"
                                  "<source file='/a'/><backingStore/><target dev='vda'/></disk>"),
                              d, 2, &n, err, sizeof err);
    tap_ok(r == 0 && n == 1 && d[0].chain_depth == 0, "chain: <backingStore/> ends it");

    const char *dev[] = { "vda" }, *path[] = { "/dst/over.qcow2" };
    char *xml = NULL;
    r = roam_virt_map_disks(DOM(BACKED("raw", "<backingStore/>")), dev, path, 1, &xml, err,
                            sizeof err);
    tap_ok(r == 0 && xml && strstr(xml, "/dst/over.qcow2") && !strstr(xml, "backingStore") &&
           !strstr(xml, "/base/deb.raw"), "map: the source's backing chain is dropped");
    free(xml);
}

static void test_map(void)
{
    const char *dev[] = { "vdb" }, *path[] = { "/dst/v-vdb-01020304.raw" };
    char *xml = NULL;
    int r = roam_virt_map_disks(DOM(DISK("vda", "/src/a", "qcow2") DISK("vdb", "/src/b", "raw")),
                                dev, path, 1, &xml, err, sizeof err);
    tap_eq(r, 0, "map: ok (%s)", err);
    tap_ok(xml && strstr(xml, "/dst/v-vdb-01020304.raw") && !strstr(xml, "/src/b") &&
           strstr(xml, "/src/a"), "map: only vdb points at the destination's image");
    free(xml);
    const char *bad[] = { "vdz" };
    r = roam_virt_map_disks(DOM(DISK("vda", "/src/a", "qcow2")), bad, path, 1, &xml, err,
                            sizeof err);
    tap_ok(r < 0 && xml == NULL && strstr(err, "vdz"), "map: unknown disk refused (%s)", err);
}

static void test_vol_xml(void)
{
    char x[512];
    tap_eq(roam_storage_vol_xml("v-vda-01020304.qcow2", "qcow2", 1073741824ull, x, sizeof x), 0,
           "volume XML fits");
    tap_ok(strstr(x, "<capacity unit='bytes'>1073741824</capacity>") &&
           strstr(x, "<allocation unit='bytes'>0</allocation>") &&
           strstr(x, "<format type='qcow2'/>"), "volume XML: sparse qcow2 of the virtual size");
    tap_eq(roam_storage_vol_xml("v", "raw", 1, x, 20), -1, "volume XML: overflow refused");
    tap_eq(roam_storage_vol_xml_backed("o.qcow2", "qcow2", 1, "/b/a'&<.raw", "raw", x, sizeof x),
           0, "overlay volume XML fits");
    tap_ok(strstr(x, "<backingStore><path>/b/a&apos;&amp;&lt;.raw</path><format type='raw'/>"
                     "</backingStore>") != NULL, "overlay volume XML: its base, escaped: %s", x);
    tap_ok(roam_storage_vol_xml("o", "qcow2", 1, x, sizeof x) == 0 && !strstr(x, "backingStore"),
           "a plain volume names no base");
}

static void test_stats(void)
{
    virTypedParameterPtr p = NULL;
    int n = 0, max = 0;
    virTypedParamsAddULLong(&p, &n, &max, VIR_DOMAIN_JOB_MEMORY_TOTAL, 100);
    virTypedParamsAddULLong(&p, &n, &max, VIR_DOMAIN_JOB_MEMORY_PROCESSED, 40);
    virTypedParamsAddULLong(&p, &n, &max, VIR_DOMAIN_JOB_DISK_TOTAL, 1000);
    virTypedParamsAddULLong(&p, &n, &max, VIR_DOMAIN_JOB_DISK_REMAINING, 300);
    virTypedParamsAddULLong(&p, &n, &max, VIR_DOMAIN_JOB_DISK_BPS, 7);
    struct roam_job_stats st;
    roam_virt_job_stats_parse(VIR_DOMAIN_JOB_UNBOUNDED, p, n, &st);
    tap_ok(st.has_memory && st.memory_total == 100 && st.memory_processed == 40,
           "stats: memory apart");
    tap_ok(st.has_disk && st.disk_total == 1000 && st.disk_remaining == 300 && st.disk_bps == 7,
           "stats: disk apart");
    virTypedParamsFree(p, n);
    roam_virt_job_stats_parse(VIR_DOMAIN_JOB_UNBOUNDED, NULL, 0, &st);
    tap_ok(!st.has_memory && !st.has_disk, "stats: nothing reported, nothing claimed");
}

int main(void)
{
    tap_eq(roam_virt_init(err, sizeof err), 0, "libvirt initialized (%s)", err);
    test_parse();
    test_chain();
    test_map();
    test_vol_xml();
    test_stats();
    return tap_done();
}
