/* Interface listing and link state (see iface.h). */
#include "iface.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "errbuf.h"
#include "virt.h"
#include "xmlutil.h"

static xmlNodePtr devices_of(xmlDocPtr doc, char *err, size_t errlen)
{
    return roam_xml_devices(doc, err, errlen);
}

/* The source attribute that names what the NIC is plugged into. */
static int read_source(xmlNodePtr nic, struct roam_iface *f, char *err, size_t errlen)
{
    static const char *attrs[] = { "bridge", "network", "dev", "path" };
    xmlNodePtr src = roam_xml_child(nic, "source", NULL);
    for (size_t i = 0; src && i < sizeof attrs / sizeof attrs[0]; i++) {
        int r = roam_xml_attr(src, attrs[i], f->source, sizeof f->source, err, errlen);
        if (r != 0)
            return r < 0 ? -1 : 0;
    }
    return 0;
}

static int read_iface(xmlNodePtr nic, struct roam_iface *f, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    char state[16];
    if (roam_xml_attr(nic, "type", f->type, sizeof f->type, err, errlen) < 0 ||
        roam_xml_attr(roam_xml_child(nic, "mac", NULL), "address", f->mac, sizeof f->mac,
                      err, errlen) < 0 ||
        read_source(nic, f, err, errlen) < 0 ||
        roam_xml_attr(roam_xml_child(nic, "target", NULL), "dev", f->target, sizeof f->target,
                      err, errlen) < 0 ||
        roam_xml_attr(roam_xml_child(nic, "model", NULL), "type", f->model, sizeof f->model,
                      err, errlen) < 0 ||
        roam_xml_attr(roam_xml_child(nic, "alias", NULL), "name", f->alias, sizeof f->alias,
                      err, errlen) < 0 ||
        roam_xml_attr(roam_xml_child(nic, "link", NULL), "state", state, sizeof state,
                      err, errlen) < 0)
        return -1;
    if (!f->mac[0])
        return roam_errf(err, errlen, "domain XML: <interface> without a MAC address");
    f->link_up = strcmp(state, "down") != 0;
    return 0;
}

int roam_virt_parse_interfaces(const char *domxml, struct roam_iface **out, size_t *n,
                               char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    xmlDocPtr doc = roam_xml_parse(domxml, "domain XML", err, errlen);
    if (!doc)
        return -1;
    xmlNodePtr dev = devices_of(doc, err, errlen);
    struct roam_iface *v = dev ? calloc(ROAM_VIRT_IFACE_MAX, sizeof *v) : NULL;
    size_t k = 0;
    int rc = dev && !v ? roam_errf(err, errlen, "out of memory") : dev ? 0 : -1;
    for (xmlNodePtr c = dev ? dev->children : NULL; rc == 0 && c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "interface") != 0)
            continue;
        if (k == ROAM_VIRT_IFACE_MAX)
            rc = roam_errf(err, errlen, "domain has more than %d interfaces", ROAM_VIRT_IFACE_MAX);
        else
            rc = read_iface(c, &v[k++], err, errlen);
    }
    xmlFreeDoc(doc);
    if (rc < 0) {
        free(v);
        return -1;
    }
    *out = v;
    *n = k;
    return 0;
}

int roam_virt_interfaces(virDomainPtr dom, unsigned int flags, struct roam_iface **out,
                         size_t *n, char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    const char *name = virDomainGetName(dom);   /* before: it resets libvirt's error */
    char *xml = virDomainGetXMLDesc(dom, flags);
    if (!xml)
        return roam_virt_errf(err, errlen, "cannot read XML of VM %s", name);
    int rc = roam_virt_parse_interfaces(xml, out, n, err, errlen);
    free(xml);
    return rc;
}

static xmlNodePtr find_nic(xmlNodePtr dev, const char *mac)
{
    for (xmlNodePtr c = dev->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "interface") != 0)
            continue;
        xmlChar *a = xmlGetNoNsProp(roam_xml_child(c, "mac", NULL), (const xmlChar *)"address");
        int match = a && strcasecmp((const char *)a, mac) == 0;
        xmlFree(a);
        if (match)
            return c;
    }
    return NULL;
}

int roam_virt_link_xml(const char *domxml, const char *mac, int up, char **xml,
                       char *err, size_t errlen)
{
    *xml = NULL;
    if (!mac || strlen(mac) != 17)
        return roam_errf(err, errlen, "bad MAC address '%s'", mac ? mac : "");
    xmlDocPtr doc = roam_xml_parse(domxml, "domain XML", err, errlen);
    if (!doc)
        return -1;
    int rc = -1;
    xmlNodePtr dev = devices_of(doc, err, errlen);
    xmlNodePtr nic = dev ? find_nic(dev, mac) : NULL;
    if (dev && !nic)
        roam_errf(err, errlen, "VM has no interface with MAC %s", mac);
    if (nic) {
        /* Edit the element in place: the update must otherwise match the
         * device exactly (libvirt refuses changes other than the link). */
        xmlNodePtr link = roam_xml_child(nic, "link", NULL);
        if (!link)
            link = xmlNewChild(nic, NULL, (const xmlChar *)"link", NULL);
        if (link && xmlSetProp(link, (const xmlChar *)"state",
                               (const xmlChar *)(up ? "up" : "down"))) {
            *xml = roam_xml_node_string(doc, nic);
            rc = *xml ? 0 : roam_errf(err, errlen, "out of memory");
        } else {
            roam_errf(err, errlen, "out of memory");
        }
    }
    xmlFreeDoc(doc);
    return rc;
}

int roam_virt_set_link(virDomainPtr dom, const char *mac, int up, char *err, size_t errlen)
{
    const char *name = virDomainGetName(dom);
    char *domxml = virDomainGetXMLDesc(dom, 0);
    if (!domxml)
        return roam_virt_errf(err, errlen, "cannot read XML of VM %s", name);
    char *nic = NULL;
    char why[ROAM_ERR_MAX];
    int rc = roam_virt_link_xml(domxml, mac, up, &nic, why, sizeof why);
    free(domxml);
    if (rc < 0)
        return roam_errf(err, errlen, "VM %s: %s", name, why);
    if (virDomainUpdateDeviceFlags(dom, nic, VIR_DOMAIN_AFFECT_LIVE) < 0)
        rc = roam_virt_errf(err, errlen, "cannot set link %s on NIC %s of VM %s",
                            up ? "up" : "down", mac, name);
    free(nic);
    return rc;
}
