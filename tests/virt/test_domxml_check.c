/* The incoming domain XML allowlist: the lab guest's migratable XML (as
 * libvirt 9.0 hands it to the qemu hook) passes, and each forbidden
 * construct, added to it, is refused with a reason naming it. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domxml_check.h"
#include "errbuf.h"
#include "tap.h"

/* The lab's domain (lab/lib/vm.sh) as `virsh dumpxml --migratable` prints it. */
static const char lab_xml[] =
    "<domain type='qemu'>\n"
    "  <name>roam-vm</name>\n"
    "  <uuid>ef453fb4-e5cc-4869-ae70-6e7d5efa2174</uuid>\n"
    "  <metadata>\n"
    "    <roam:vm xmlns:roam=\"https://roam.example/ns/vm/1\">\n"
    "      <roam:migrate-policy>B4 or M1</roam:migrate-policy>\n"
    "    </roam:vm>\n"
    "  </metadata>\n"
    "  <memory unit='KiB'>131072</memory>\n"
    "  <currentMemory unit='KiB'>131072</currentMemory>\n"
    "  <vcpu placement='static'>1</vcpu>\n"
    "  <os>\n"
    "    <type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>\n"
    "    <kernel>/lab/guest/vmlinuz</kernel>\n"
    "    <initrd>/lab/guest/initrd.img</initrd>\n"
    "    <cmdline>console=ttyS0 quiet panic=-1</cmdline>\n"
    "    <boot dev='hd'/>\n"
    "  </os>\n"
    "  <cpu mode='custom' match='exact' check='none'>\n"
    "    <model fallback='forbid'>qemu64</model>\n"
    "  </cpu>\n"
    "  <clock offset='utc'/>\n"
    "  <on_poweroff>destroy</on_poweroff>\n"
    "  <on_reboot>restart</on_reboot>\n"
    "  <on_crash>destroy</on_crash>\n"
    "  <devices>\n"
    "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
    "    <controller type='usb' index='0' model='none'/>\n"
    "    <controller type='virtio-serial' index='0'>\n"
    "      <address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>\n"
    "    </controller>\n"
    "    <interface type='bridge'>\n"
    "      <mac address='52:54:00:52:0a:01'/>\n"
    "      <source bridge='brvm'/>\n"
    "      <model type='virtio'/>\n"
    "      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n"
    "    </interface>\n"
    "    <interface type='bridge'>\n"
    "      <mac address='52:54:00:52:0a:02'/>\n"
    "      <source bridge='brvm'/>\n"
    "      <model type='virtio'/>\n"
    "      <link state='down'/>\n"
    "      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>\n"
    "    </interface>\n"
    "    <serial type='file'>\n"
    "      <source path='/var/log/libvirt/qemu/roam-vm.console'/>\n"
    "      <target type='isa-serial' port='0'>\n"
    "        <model name='isa-serial'/>\n"
    "      </target>\n"
    "    </serial>\n"
    "    <console type='file'>\n"
    "      <source path='/var/log/libvirt/qemu/roam-vm.console'/>\n"
    "      <target type='serial' port='0'/>\n"
    "    </console>\n"
    "    <channel type='unix'>\n"
    "      <source mode='bind' path='/var/lib/libvirt/qemu/roam-vm.agent'/>\n"
    "      <target type='virtio' name='org.roam.lab.agent'/>\n"
    "      <address type='virtio-serial' controller='0' bus='0' port='1'/>\n"
    "    </channel>\n"
    "    <input type='mouse' bus='ps2'/>\n"
    "    <memballoon model='none'/>\n"
    "  </devices>\n"
    "</domain>\n";

static char pool_dir[256];
static struct roam_domxml_allow allow = {
    .emulators = { "/usr/bin/qemu-system-x86_64" },
    .bridges = { "brvm", "br0" },
    .disk_dir = pool_dir,
    .boot_dirs = { "/lab/guest" },
    .vm_dirs = { "/var/log/libvirt/qemu", "/var/lib/libvirt/qemu" },
};

/* lab_xml with `from` (which must occur) replaced by `to`; malloc'd. */
static char *edit(const char *from, const char *to)
{
    const char *at = strstr(lab_xml, from);
    if (!at) {
        fprintf(stderr, "test bug: '%s' not in the lab XML\n", from);
        exit(2);
    }
    char *s;
    if (asprintf(&s, "%.*s%s%s", (int)(at - lab_xml), lab_xml, to, at + strlen(from)) < 0)
        exit(2);
    return s;
}

static char *add_device(const char *dev)
{
    char *to;
    if (asprintf(&to, "%s\n  </devices>", dev) < 0)
        exit(2);
    char *s = edit("  </devices>", to);
    free(to);
    return s;
}

/* One point: the XML is refused and the reason contains `want`. */
static void refused(char *xml, const char *want, const char *name)
{
    char why[ROAM_ERR_MAX] = "";
    int r = roam_domxml_check(xml, strlen(xml), &allow, why, sizeof why);
    tap_ok(r < 0 && strstr(why, want), "refused: %s (%s)", name, why);
    free(xml);
}

static void accepted(char *xml, const char *name)
{
    char why[ROAM_ERR_MAX] = "";
    int r = roam_domxml_check(xml, strlen(xml), &allow, why, sizeof why);
    tap_ok(r == 0, "accepted: %s%s%s", name, r ? ": " : "", r ? why : "");
    free(xml);
}

static void test_paths(void)
{
    tap_ok(roam_domxml_path_in("/a/b/c", "/a/b") == 0, "path_in: inside");
    tap_ok(roam_domxml_path_in("/a/b/c", "/a/b/") == 0, "path_in: dir with slash");
    tap_ok(roam_domxml_path_in("/a/bc", "/a/b") < 0, "path_in: sibling with prefix name");
    tap_ok(roam_domxml_path_in("/a/b", "/a/b") < 0, "path_in: the dir itself");
    tap_ok(roam_domxml_path_in("/a/b/../c", "/a/b") < 0, "path_in: ..");
    tap_ok(roam_domxml_path_in("/a/b/./c", "/a/b") < 0, "path_in: .");
    tap_ok(roam_domxml_path_in("/a/b//c", "/a/b") < 0, "path_in: empty component");
    tap_ok(roam_domxml_path_in("a/b/c", "/a/b") < 0, "path_in: relative");
}

#define DISK "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>" \
    "<source file='%s'/><target dev='vda' bus='virtio'/></disk>"

static void test_disks(void)
{
    char tmpl[] = "/tmp/roam-domxml-XXXXXX";
    char *top = mkdtemp(tmpl);
    if (!top) {
        tap_skip("no temporary directory");
        return;
    }
    snprintf(pool_dir, sizeof pool_dir, "%s/pool", top);
    char file[300], link[300], outside[300], xml[1024];
    mkdir(pool_dir, 0700);
    snprintf(file, sizeof file, "%s/vm.qcow2", pool_dir);
    snprintf(outside, sizeof outside, "%s/secret", top);
    snprintf(link, sizeof link, "%s/link.qcow2", pool_dir);
    fclose(fopen(file, "w"));
    fclose(fopen(outside, "w"));
    (void)!symlink(outside, link);
    snprintf(xml, sizeof xml, DISK, file);
    accepted(add_device(xml), "a qcow2 disk in the storage pool");
    snprintf(xml, sizeof xml, DISK, link);
    refused(add_device(xml), "outside", "a disk symlinked out of the pool");
    snprintf(xml, sizeof xml, DISK, outside);
    refused(add_device(xml), "outside", "a disk outside the pool");
    char dotdot[400];
    snprintf(dotdot, sizeof dotdot, "%s/../secret", pool_dir);
    snprintf(xml, sizeof xml, DISK, dotdot);
    refused(add_device(xml), "outside", "a disk path with ..");
    refused(add_device("<disk type='block' device='disk'><source dev='/dev/sda'/>"
                       "<target dev='vda'/></disk>"), "type='block'", "a block device disk");
    refused(add_device("<disk type='network' device='disk'><source protocol='nbd' "
                       "name='x'><host name='h'/></source><target dev='vda'/></disk>"),
            "type='network'", "a network disk");
    refused(add_device("<disk type='volume' device='disk'><source pool='other' volume='v'/>"
                       "<target dev='vda'/></disk>"), "type='volume'", "a volume of another pool");
    refused(add_device("<disk type='file' device='lun'><source file='/x'/><target dev='sda'/>"
                       "</disk>"), "device='lun'", "a LUN passthrough disk");
#define BACKED "<disk type='file' device='disk'><source file='%s'/><backingStore type='file'>" \
    "<format type='raw'/><source file='%s'/></backingStore><target dev='vda'/></disk>"
    char base_dir[300], base[320], other[300];
    snprintf(base_dir, sizeof base_dir, "%s/base", top);
    snprintf(base, sizeof base, "%s/debian.raw", base_dir);
    snprintf(other, sizeof other, "%s/other-vm.qcow2", pool_dir);
    mkdir(base_dir, 0700);
    fclose(fopen(base, "w"));
    fclose(fopen(other, "w"));
    snprintf(xml, sizeof xml, BACKED, file, base);
    refused(add_device(xml), "no base image directory", "a backing file on a host without a "
            "base image directory");
    allow.base_dir = base_dir;
    accepted(add_device(xml), "a backing file in the base image directory");
    snprintf(xml, sizeof xml, BACKED, file, outside);
    refused(add_device(xml), "outside", "a backing file outside the base image directory");
    /* Another VM's image in the same pool is no base: the disk could read it. */
    snprintf(xml, sizeof xml, BACKED, file, other);
    refused(add_device(xml), "outside", "a backing file that is another image of the pool");
    allow.base_dir = NULL;
    unlink(base);
    unlink(other);
    rmdir(base_dir);
    snprintf(xml, sizeof xml, DISK, file);
    const char *saved = allow.disk_dir;
    allow.disk_dir = "";
    refused(add_device(xml), "no disks", "a disk on a host without a storage pool");
    allow.disk_dir = saved;
    accepted(add_device("<disk type='file' device='cdrom'><target dev='hdc' bus='ide'/>"
                        "<readonly/></disk>"), "an empty CD-ROM drive");
    unlink(link);
    unlink(file);
    unlink(outside);
    rmdir(pool_dir);
    rmdir(top);
}

static void test_forbidden(void)
{
    refused(edit("<domain type='qemu'>",
                 "<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
                 "<qemu:commandline><qemu:arg value='-x'/></qemu:commandline>"),
            "QEMU passthrough", "<qemu:commandline>");
    refused(edit("<domain type='qemu'>",
                 "<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
                 "<qemu:capabilities><qemu:add capability='x'/></qemu:capabilities>"),
            "QEMU passthrough", "<qemu:capabilities>");
    refused(add_device("<hostdev mode='subsystem' type='pci' managed='yes'><source>"
                       "<address domain='0' bus='1' slot='0' function='0'/></source></hostdev>"),
            "host device passthrough", "<hostdev>");
    refused(add_device("<filesystem type='mount'><source dir='/etc'/><target dir='etc'/>"
                       "</filesystem>"), "filesystem passthrough", "<filesystem>");
    refused(add_device("<shmem name='x'><model type='ivshmem-plain'/></shmem>"), "shared memory",
            "<shmem>");
    refused(add_device("<redirdev bus='usb' type='spicevmc'/>"), "USB redirection",
            "<redirdev>");
    refused(add_device("<smartcard mode='passthrough' type='tcp'/>"), "smartcard",
            "<smartcard>");
    refused(add_device("<serial type='file'><source path='/etc/shadow'/><target port='1'/>"
                       "</serial>"), "outside", "a serial port on a host file");
    refused(add_device("<serial type='dev'><source path='/dev/ttyS0'/><target port='1'/>"
                       "</serial>"), "type='dev'", "a serial port on a host device");
    refused(add_device("<serial type='pipe'><source path='/tmp/p'/><target port='1'/>"
                       "</serial>"), "type='pipe'", "a serial port on a pipe");
    refused(add_device("<serial type='tcp'><source mode='bind' host='::' service='2445'/>"
                       "<target port='1'/></serial>"), "type='tcp'",
            "a serial port listening on the network");
    refused(add_device("<parallel type='file'><source path='/srv/x'/><target port='0'/>"
                       "</parallel>"), "outside", "a parallel port on a host file");
    refused(add_device("<channel type='unix'><source mode='bind' path='/run/x.sock'/>"
                       "<target type='virtio' name='a'/></channel>"), "outside",
            "a channel socket outside libvirt's directories");
    refused(add_device("<console type='pty'><source path='/etc/passwd'/><target type='serial'/>"
                       "</console>"), "outside", "a pty console naming a file");
    refused(add_device("<serial type='pty'><log file='/etc/cron.d/x'/><target port='1'/>"
                       "</serial>"), "outside", "a serial log file outside libvirt's directories");
    accepted(add_device("<serial type='pty'><source path='/dev/pts/3'/><target port='1'/>"
                        "</serial>"), "a pty serial port");
    refused(edit("<memballoon model='none'/>",
                 "<memballoon model='none'/><seclabel type='none'/>"), "security-label",
            "<seclabel> in <devices>");
    refused(edit("<clock offset='utc'/>", "<clock offset='utc'/><seclabel type='none' "
                 "model='none'/>"), "security-label", "<seclabel type='none'> in <domain>");
    refused(edit("<clock offset='utc'/>", "<clock offset='utc'/><seclabel type='static' "
                 "model='selinux' relabel='yes'><label>system_u:system_r:unconfined_t:s0"
                 "</label></seclabel>"), "security-label", "a static <seclabel> in <domain>");
    refused(edit("<clock offset='utc'/>", "<clock offset='utc'/><seclabel type='dynamic' "
                 "model='selinux' relabel='no'/>"), "security-label",
            "<seclabel relabel='no'> in <domain>");
    refused(edit("<clock offset='utc'/>", "<clock offset='utc'/><seclabel type='dynamic' "
                 "model='apparmor'><baselabel>unconfined</baselabel></seclabel>"),
            "security-label", "a dynamic <seclabel> with a base label");
    accepted(edit("<clock offset='utc'/>", "<clock offset='utc'/><seclabel type='dynamic' "
                  "model='apparmor' relabel='yes'/>"),
             "the host's default confinement (<seclabel type='dynamic'>)");
    refused(edit("<source path='/var/log/libvirt/qemu/roam-vm.console'/>",
                 "<source path='/var/log/libvirt/qemu/roam-vm.console'><seclabel "
                 "model='dac' relabel='no'/></source>"), "security-label",
            "<seclabel> in a device source");
    refused(edit("<emulator>/usr/bin/qemu-system-x86_64</emulator>",
                 "<emulator>/tmp/evil</emulator>"), "not this host's QEMU",
            "another emulator");
    refused(edit("<interface type='bridge'>\n      <mac address='52:54:00:52:0a:01'/>\n"
                 "      <source bridge='brvm'/>",
                 "<interface type='ethernet'>\n      <mac address='52:54:00:52:0a:01'/>\n"
                 "      <script path='/tmp/x.sh'/>"), "type='ethernet'",
            "an ethernet interface with a script");
    refused(edit("<source bridge='brvm'/>", "<source bridge='brvm'/><script path='/tmp/x'/>"),
            "scripts", "a bridge interface with a script");
    refused(edit("<interface type='bridge'>\n      <mac address='52:54:00:52:0a:01'/>\n"
                 "      <source bridge='brvm'/>",
                 "<interface type='direct'>\n      <mac address='52:54:00:52:0a:01'/>\n"
                 "      <source dev='eth0' mode='bridge'/>"), "type='direct'",
            "a macvtap (direct) interface");
    refused(edit("<interface type='bridge'>", "<interface type='vhostuser'>"),
            "type='vhostuser'", "a vhost-user interface");
    refused(edit("<interface type='bridge'>", "<interface type='hostdev'>"),
            "type='hostdev'", "a hostdev interface");
    refused(edit("<source bridge='brvm'/>", "<source bridge='brmgmt'/>"),
            "not one this host maps", "a NIC on another bridge");
    refused(edit("<source bridge='brvm'/>", "<source bridge='brvm'/><target dev='eth0'/>"),
            "not one libvirt generates", "a NIC on a named host tap");
    accepted(edit("<source bridge='brvm'/>", "<source bridge='brvm'/><target dev='vnet3'/>"),
             "a NIC with a generated tap name");
    accepted(edit("<source bridge='brvm'/>", "<source bridge='brvm'/><filterref "
                  "filter='clean-traffic'><parameter name='IP' value='2001:db8::1'/>"
                  "</filterref>"), "a NIC naming one of the host's traffic filters");
    refused(edit("<kernel>/lab/guest/vmlinuz</kernel>", "<kernel>/srv/vmlinuz</kernel>"),
            "outside", "a kernel outside the boot directories");
    refused(edit("<initrd>/lab/guest/initrd.img</initrd>",
                 "<initrd>/lab/guest/../../etc/shadow</initrd>"), "outside",
            "an initrd path with ..");
    refused(edit("<cmdline>", "<dtb>/boot/x.dtb</dtb><cmdline>"), "outside",
            "a dtb outside the boot directories");
    refused(edit("<cmdline>", "<loader readonly='yes' type='pflash'>/srv/x.fd</loader>"
                 "<cmdline>"), "outside", "a loader outside the boot directories");
    refused(edit("<cmdline>", "<nvram>/etc/nvram.fd</nvram><cmdline>"), "outside",
            "an NVRAM file outside libvirt's directories");
    refused(edit("<cmdline>", "<smbios mode='host'/><cmdline>"), "mode='host'",
            "the host's SMBIOS");
    refused(edit("<vcpu placement='static'>1</vcpu>", "<vcpu placement='static'>1</vcpu>"
                 "<cputune><vcpupin vcpu='0' cpuset='0'/></cputune>"), "CPU tuning",
            "<cputune>");
    refused(add_device("<rng model='virtio'><backend model='random'>/dev/sda</backend></rng>"),
            "not a random device", "an RNG reading a disk");
    refused(add_device("<graphics type='vnc' autoport='yes' listen='0.0.0.0'/>"),
            "loopback only", "VNC on every address");
    refused(add_device("<tpm model='tpm-tis'><backend type='passthrough'/></tpm>"), "TPM",
            "<tpm>");
    refused(edit("<domain type='qemu'>", "<domain type='xen'>"), "not a QEMU domain",
            "a Xen domain");
    refused(edit("<memballoon model='none'/>", "<memballoon model='none'/><frobnicator/>"),
            "not allowed inside <devices>", "an element not known");
    refused(edit("<model type='virtio'/>", "<model type='virtio' unknown='1'/>"),
            "attribute unknown", "an attribute not known");
    refused(edit("<vcpu placement='static'>1</vcpu>", "<vcpu placement='static'>1</vcpu>"
                 "<sysinfo type='fwcfg'><entry name='opt/x' file='/etc/shadow'/></sysinfo>"),
            "fwcfg", "sysinfo fwcfg reading a host file");
}

static void test_bounds(void)
{
    refused(strdup("<domain type='qemu'><name>x</name>"), "malformed", "malformed XML");
    refused(edit("<domain type='qemu'>", "<!DOCTYPE domain [<!ENTITY e SYSTEM "
                 "'file:///etc/passwd'>]><domain type='qemu'>"), "DTD", "a DTD with an entity");
    size_t n = ROAM_DOMXML_MAX_BYTES + 1;
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    big[n] = '\0';
    memcpy(big, lab_xml, strlen(lab_xml));
    refused(big, "larger than", "over 1 MiB");
    /* Deep nesting and many elements, inside <metadata> where anything goes. */
    char *deep = malloc(64 * 1024), *p = deep;
    for (int i = 0; i < 40; i++)
        p += sprintf(p, "<a>");
    for (int i = 0; i < 40; i++)
        p += sprintf(p, "</a>");
    char *t;
    if (asprintf(&t, "<metadata>%s", deep) < 0)
        exit(2);
    refused(edit("<metadata>", t), "nested deeper", "nesting deeper than the bound");
    free(t);
    p = deep;
    for (int i = 0; i < 5000; i++)
        p += sprintf(p, "<b/>");
    if (asprintf(&t, "<metadata>%s", deep) < 0)
        exit(2);
    refused(edit("<metadata>", t), "more than", "more elements than the bound");
    free(t);
    free(deep);
}

int main(void)
{
    test_paths();
    accepted(strdup(lab_xml), "the lab guest's migratable XML");
    test_disks();
    test_forbidden();
    test_bounds();
    return tap_done();
}
