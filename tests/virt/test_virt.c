/* The libvirt wrapper against libvirt's test:///default driver (in-process,
 * no daemon, no root): lookup, roam's metadata, interface listing, link XML,
 * job stats parsing, lifecycle events, and clear errors where the test
 * driver cannot do the real thing (link state, job stats, migration: those
 * are covered by the lab tests with two real libvirtds). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "errbuf.h"
#include "events.h"
#include "iface.h"
#include "metadata.h"
#include "tap.h"
#include "virt.h"
#include "virt_migrate.h"

static char err[ROAM_ERR_MAX];

static const char domxml[] =
    "<domain type='test'>"
    "  <name>roam-t1</name>"
    "  <memory unit='MiB'>128</memory>"
    "  <os><type>hvm</type></os>"
    "  <devices>"
    "    <interface type='bridge'>"
    "      <mac address='52:54:00:aa:00:01'/><source bridge='br-a'/><model type='virtio'/>"
    "    </interface>"
    "    <interface type='bridge'>"
    "      <mac address='52:54:00:aa:00:02'/><source bridge='br-b'/><model type='virtio'/>"
    "      <link state='down'/>"
    "    </interface>"
    "    <interface type='network'>"
    "      <mac address='52:54:00:aa:00:03'/><source network='default'/>"
    "    </interface>"
    "  </devices>"
    "</domain>";

static void test_connect(void)
{
    virConnectPtr c = roam_virt_open("nosuchdriver:///x", err, sizeof err);
    tap_ok(!c && strstr(err, "nosuchdriver:///x") && strlen(err) > 40,
           "bad URI refused with libvirt's reason (%s)", err);
    if (c)
        virConnectClose(c);
}

static void test_lookup(virConnectPtr c)
{
    virDomainPtr d = roam_virt_domain(c, "no-such-vm", err, sizeof err);
    tap_ok(!d && strstr(err, "no-such-vm") && strstr(err, "not found"),
           "unknown domain: clear error (%s)", err);
    d = roam_virt_domain(c, "", err, sizeof err);
    tap_ok(!d, "empty domain name refused (%s)", err);
    d = roam_virt_domain(c, "test", err, sizeof err);
    tap_ok(d != NULL, "built-in test domain found");
    if (d)
        virDomainFree(d);
}

static void test_metadata(virConnectPtr c, virDomainPtr d)
{
    char *p = NULL;
    int r = roam_virt_get_policy(d, 0, &p, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "no migrate policy") && strstr(err, "roam-t1"),
           "missing metadata: \"no migrate policy\" (%s)", err);

    /* Another application's metadata, using the same local names. */
    r = virDomainSetMetadata(d, VIR_DOMAIN_METADATA_ELEMENT,
                             "<vm><migrate-policy>NOT OURS</migrate-policy></vm>",
                             "other", "urn:example:other", VIR_DOMAIN_AFFECT_CURRENT);
    tap_eq(r, 0, "foreign metadata stored");
    r = roam_virt_get_policy(d, 0, &p, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "no migrate policy"),
           "foreign namespace with the same element names is ignored (%s)", err);

    r = roam_virt_set_policy(d, "B4 or M1", err, sizeof err);
    tap_eq(r, 0, "set policy (%s)", r ? err : "ok");
    r = roam_virt_get_policy(d, 0, &p, err, sizeof err);
    tap_ok(r == 0 && strcmp(p, "B4 or M1") == 0, "policy read back: %s", p ? p : err);
    free(p);

    const char *tricky = "(\"dept A\" and level >= 3) or <admin> & 'x'";
    r = roam_virt_set_policy(d, tricky, err, sizeof err);
    r = r == 0 ? roam_virt_get_policy(d, 0, &p, err, sizeof err) : r;
    tap_ok(r == 0 && strcmp(p, tricky) == 0, "XML-special characters round trip: %s",
           r == 0 ? p : err);
    free(p);

    char *xml = virDomainGetXMLDesc(d, 0);
    tap_ok(xml && strstr(xml, "urn:example:other") && strstr(xml, "NOT OURS") &&
           strstr(xml, "xmlns:roam=\"" ROAM_VIRT_NS "\"") && strstr(xml, "<roam:migrate-policy>"),
           "both namespaces present, ours under the roam: prefix");
    free(xml);

    tap_ok(roam_virt_set_policy(d, "", err, sizeof err) < 0 && strstr(err, "empty"),
           "empty policy refused (%s)", err);
    tap_ok(roam_virt_set_policy(d, "a\x01 or b", err, sizeof err) < 0 &&
           strstr(err, "control"), "control character refused (%s)", err);
    tap_ok(roam_virt_set_policy(d, "caf\xe9", err, sizeof err) < 0 && strstr(err, "UTF-8"),
           "invalid UTF-8 refused (%s)", err);
    r = roam_virt_get_policy(d, 0, &p, err, sizeof err);
    tap_ok(r == 0 && strcmp(p, tricky) == 0, "a refused write leaves the stored policy");
    free(p);

    /* The built-in domain is running and persistent: the policy must land in
     * both definitions. */
    virDomainPtr t = virDomainLookupByName(c, "test");
    r = t ? roam_virt_set_policy(t, "X and Y", err, sizeof err) : -1;
    char *live = NULL, *conf = NULL;
    tap_ok(r == 0 && roam_virt_get_policy(t, VIR_DOMAIN_AFFECT_LIVE, &live, err, sizeof err) == 0 &&
           roam_virt_get_policy(t, VIR_DOMAIN_AFFECT_CONFIG, &conf, err, sizeof err) == 0 &&
           strcmp(live, "X and Y") == 0 && strcmp(conf, "X and Y") == 0,
           "running persistent VM: live and persistent policy both set (%s)", r ? err : "ok");
    free(live);
    free(conf);
    if (t)
        virDomainFree(t);
}

static void test_parse_policy(void)
{
    char *p = NULL;
    int r = roam_virt_parse_policy("<vm xmlns='" ROAM_VIRT_NS "'>\n  <migrate-policy>\n  A or B\n"
                                   "  </migrate-policy>\n</vm>", &p, err, sizeof err);
    tap_ok(r == 0 && strcmp(p, "A or B") == 0, "namespaced form parsed, whitespace trimmed");
    free(p);
    r = roam_virt_parse_policy("<r:vm xmlns:r='" ROAM_VIRT_NS "'><r:migrate-policy>C</r:migrate-policy></r:vm>",
                               &p, err, sizeof err);
    tap_ok(r == 0 && strcmp(p, "C") == 0, "prefixed form parsed");
    free(p);
    r = roam_virt_parse_policy("<vm><migrate-policy>   </migrate-policy></vm>", &p, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "no migrate policy"), "blank policy: no migrate policy (%s)", err);
    r = roam_virt_parse_policy("<vm><x:migrate-policy xmlns:x='urn:x'>D</x:migrate-policy></vm>",
                               &p, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "no migrate policy"), "policy in another namespace ignored (%s)", err);
    r = roam_virt_parse_policy("<other><migrate-policy>E</migrate-policy></other>", &p, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "<other>"), "wrong root element refused (%s)", err);
    r = roam_virt_parse_policy("<vm><migrate-policy>F</vm>", &p, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "malformed"), "malformed XML refused (%s)", err);
    r = roam_virt_parse_policy("<!DOCTYPE vm [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
                               "<vm><migrate-policy>&e;</migrate-policy></vm>", &p, err, sizeof err);
    tap_ok(r < 0 || !strstr(p, "root"), "external entities are not expanded");
    free(p);
}

static void test_interfaces(virDomainPtr d)
{
    struct roam_iface *v = NULL;
    size_t n = 0;
    int r = roam_virt_interfaces(d, 0, &v, &n, err, sizeof err);
    tap_ok(r == 0 && n == 3, "three interfaces listed (%s)", r ? err : "ok");
    if (r == 0 && n == 3) {
        tap_ok(strcmp(v[0].mac, "52:54:00:aa:00:01") == 0 && strcmp(v[0].type, "bridge") == 0 &&
               strcmp(v[0].source, "br-a") == 0 && strcmp(v[0].model, "virtio") == 0 &&
               v[0].link_up, "primary: bridge br-a, virtio, link up");
        tap_ok(strcmp(v[1].mac, "52:54:00:aa:00:02") == 0 && strcmp(v[1].source, "br-b") == 0 &&
               !v[1].link_up, "secondary: bridge br-b, link down");
        tap_ok(strcmp(v[2].type, "network") == 0 && strcmp(v[2].source, "default") == 0 &&
               v[2].model[0] == '\0', "third: network default, no model");
    }
    free(v);

    r = roam_virt_parse_interfaces("<domain><devices/></domain>", &v, &n, err, sizeof err);
    tap_ok(r == 0 && n == 0, "domain without NICs: empty list");
    free(v);
    r = roam_virt_parse_interfaces("<domain><devices><interface type='bridge'/></devices></domain>",
                                   &v, &n, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "MAC"), "interface without MAC refused (%s)", err);
    r = roam_virt_parse_interfaces("<network/>", &v, &n, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "<domain>"), "non-domain XML refused (%s)", err);
    char big[512];
    snprintf(big, sizeof big, "<domain><devices><interface type='bridge'><mac address='52:54:00:00:00:01'/>"
             "<source bridge='%0120d'/><target dev='%070d'/></interface></devices></domain>", 1, 2);
    r = roam_virt_parse_interfaces(big, &v, &n, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "longer than"), "overlong attribute refused (%s)", err);
}

static void test_link(virDomainPtr d)
{
    char *dx = virDomainGetXMLDesc(d, 0);
    char *x = NULL;
    int r = roam_virt_link_xml(dx, "52:54:00:AA:00:02", 1, &x, err, sizeof err);
    tap_ok(r == 0 && strstr(x, "<link state=\"up\"/>") && strstr(x, "br-b") &&
           strstr(x, "52:54:00:aa:00:02") && !strstr(x, "br-a"),
           "link-up XML for the secondary NIC (MAC matched case-insensitively)%s%s",
           r ? ": " : "", r ? err : "");
    free(x);
    r = roam_virt_link_xml(dx, "52:54:00:aa:00:01", 0, &x, err, sizeof err);
    tap_ok(r == 0 && strstr(x, "<link state=\"down\"/>") && strstr(x, "br-a"),
           "link-down XML for the primary NIC adds a <link> element");
    free(x);
    r = roam_virt_link_xml(dx, "52:54:00:aa:00:09", 0, &x, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "no interface with MAC"), "unknown MAC refused (%s)", err);
    r = roam_virt_link_xml(dx, "nonsense", 0, &x, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "bad MAC"), "malformed MAC refused (%s)", err);
    free(dx);

    r = roam_virt_set_link(d, "52:54:00:aa:00:02", 1, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "roam-t1") && strstr(err, "not supported"),
           "test driver cannot change link state; libvirt's reason passed on (%s)", err);
}

static void test_jobs(virDomainPtr d)
{
    struct roam_job_stats st;
    int r = roam_virt_job_stats(d, 0, &st, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "job stats") && strstr(err, "not supported"),
           "test driver has no job stats; clear error (%s)", err);

    virTypedParameterPtr p = NULL;
    int n = 0, max = 0;
    int ok = virTypedParamsAddULLong(&p, &n, &max, VIR_DOMAIN_JOB_DATA_TOTAL, 1000) == 0 &&
             virTypedParamsAddULLong(&p, &n, &max, VIR_DOMAIN_JOB_DATA_PROCESSED, 600) == 0 &&
             virTypedParamsAddULLong(&p, &n, &max, VIR_DOMAIN_JOB_DATA_REMAINING, 400) == 0 &&
             virTypedParamsAddULLong(&p, &n, &max, VIR_DOMAIN_JOB_MEMORY_BPS, 125000000) == 0 &&
             virTypedParamsAddULLong(&p, &n, &max, VIR_DOMAIN_JOB_DOWNTIME, 300) == 0 &&
             virTypedParamsAddULLong(&p, &n, &max, VIR_DOMAIN_JOB_TIME_ELAPSED, 812) == 0;
    roam_virt_job_stats_parse(VIR_DOMAIN_JOB_UNBOUNDED, p, n, &st);
    tap_ok(ok && st.type == VIR_DOMAIN_JOB_UNBOUNDED && st.has_data && st.data_total == 1000 &&
           st.data_processed == 600 && st.data_remaining == 400 && st.has_throughput &&
           st.throughput_bps == 125000000 && st.has_downtime && st.downtime_ms == 300 &&
           st.has_elapsed && st.elapsed_ms == 812 && !st.has_iteration,
           "job stats parsed from typed parameters");
    virTypedParamsFree(p, n);
    roam_virt_job_stats_parse(VIR_DOMAIN_JOB_NONE, NULL, 0, &st);
    tap_ok(st.type == VIR_DOMAIN_JOB_NONE && !st.has_data && !st.has_throughput,
           "no job: nothing reported");

    struct roam_migrate_opts o = { .dest_uri = "test:///default", .migrate_uri = "tcp://[::1]:49152" };
    r = roam_virt_migrate(d, &o, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "roam-t1") && strstr(err, "p2p"),
           "test driver cannot migrate peer-to-peer; libvirt's reason passed on (%s)", err);
    r = roam_virt_abort_job(d, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "roam-t1") && strlen(err) > 40,
           "aborting without a job fails with libvirt's reason (%s)", err);
    o.tls = 1;
    tap_ok(roam_virt_migrate_flags(&o) == (ROAM_VIRT_MIGRATE_FLAGS | VIR_MIGRATE_TLS),
           "tls = 1: libvirt is asked for QEMU TLS");
    o.tls = 0;
    tap_ok(roam_virt_migrate_flags(&o) == ROAM_VIRT_MIGRATE_FLAGS &&
           !(roam_virt_migrate_flags(&o) & VIR_MIGRATE_TLS), "tls = 0: no TLS flag");
    struct roam_migrate_opts none = { 0 };
    r = roam_virt_migrate(d, &none, err, sizeof err);
    tap_ok(r < 0 && strstr(err, "no destination"), "migration without destination refused (%s)", err);
}

static void test_events(virConnectPtr c, virDomainPtr d)
{
    roam_virt_watch *w = roam_virt_watch_lifecycle(c, err, sizeof err);
    tap_ok(w != NULL, "lifecycle watch registered (%s)", w ? "ok" : err);
    if (!w)
        return;
    roam_virt_watch *again = roam_virt_watch_lifecycle(c, err, sizeof err);
    tap_ok(!again && strstr(err, "lifecycle"), "second watch on one connection refused (%s)", err);
    roam_virt_watch_free(again);

    virDomainPtr t = virDomainLookupByName(c, "test");
    tap_ok(virDomainSuspend(d) == 0 && virDomainResume(d) == 0 && t &&
           virDomainSuspend(t) == 0 && virDomainResume(t) == 0, "suspend and resume two VMs");
    struct roam_virt_event ev;
    /* Take the second VM's event first: the first VM's stay queued. */
    int r = roam_virt_watch_wait(w, "test", VIR_DOMAIN_EVENT_RESUMED, -1, 5000, &ev);
    tap_ok(r == 1 && strcmp(ev.domain, "test") == 0, "other VM's resumed event delivered");
    r = roam_virt_watch_wait(w, "roam-t1", VIR_DOMAIN_EVENT_SUSPENDED, -1, 5000, &ev);
    tap_ok(r == 1 && strcmp(ev.domain, "roam-t1") == 0,
           "roam-t1's earlier suspended event still queued for its waiter");
    int64_t t_susp = ev.at_ms;
    r = roam_virt_watch_wait(w, "roam-t1", VIR_DOMAIN_EVENT_RESUMED,
                             VIR_DOMAIN_EVENT_RESUMED_UNPAUSED, 5000, &ev);
    tap_ok(r == 1 && ev.at_ms >= t_susp && ev.detail == VIR_DOMAIN_EVENT_RESUMED_UNPAUSED,
           "resumed (unpaused) event delivered: %s", roam_virt_event_name(ev.event));
    r = roam_virt_watch_wait(w, "roam-t1", VIR_DOMAIN_EVENT_STOPPED, -1, 150, &ev);
    tap_eq(r, 0, "no stopped event: wait times out");
    r = roam_virt_watch_wait(w, "not-yet-here", -1, -1, 100, &ev);
    tap_eq(r, 0, "waiting for a VM that does not exist yet simply times out");
    tap_eq(roam_virt_watch_dropped(w), 0, "no events dropped");
    if (t)
        virDomainFree(t);
    roam_virt_watch_free(w);
}

int main(void)
{
    test_connect();
    virConnectPtr c = roam_virt_open("test:///default", err, sizeof err);
    tap_ok(c != NULL, "open test:///default (%s)", c ? "ok" : err);
    if (!c)
        return tap_done();
    test_lookup(c);
    test_parse_policy();
    virDomainPtr d = virDomainDefineXML(c, domxml);
    tap_ok(d && virDomainCreate(d) == 0, "define and start roam-t1");
    if (d) {
        test_metadata(c, d);
        test_interfaces(d);
        test_link(d);
        test_jobs(d);
        test_events(c, d);
        virDomainDestroy(d);
        virDomainUndefine(d);
        virDomainFree(d);
    }
    virConnectClose(c);
    return tap_done();
}
