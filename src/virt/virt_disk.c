/* A VM's disks and their mapping for the destination (see virt_disk.h). */
#include "virt_disk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "errbuf.h"
#include "virt.h"
#include "xmlutil.h"

static int is_element(xmlNodePtr c, const char *name)
{
    return c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0;
}

/* The backing chain below disk: the first backing file and its format into
 * d, and the chain's depth.  0, or -1 with err. */
static int read_chain(xmlNodePtr disk, struct roam_disk *d, char *err, size_t errlen)
{
    xmlNodePtr b = roam_xml_child(disk, "backingStore", NULL);
    for (int depth = 0; b; depth++, b = roam_xml_child(b, "backingStore", NULL)) {
        xmlNodePtr src = roam_xml_child(b, "source", NULL);
        if (!src)
            break;   /* <backingStore/>: the chain ends here */
        d->chain_depth = depth + 1;
        if (depth == 0 &&
            (roam_xml_attr(src, "file", d->base, sizeof d->base, err, errlen) < 0 ||
             roam_xml_attr(roam_xml_child(b, "format", NULL), "type", d->base_format,
                           sizeof d->base_format, err, errlen) < 0))
            return -1;
        if (d->chain_depth > 64)
            return roam_errf(err, errlen, "disk %s: backing chain deeper than 64", d->dev);
    }
    return 0;
}

/* 1 if the migration carries this <disk>, 0 if it stays behind (not a
 * disk, or read-only), -1 with err if it cannot be carried. */
static int read_disk(xmlNodePtr disk, struct roam_disk *d, char *err, size_t errlen)
{
    char type[16], device[16];
    memset(d, 0, sizeof *d);
    if (roam_xml_attr(disk, "type", type, sizeof type, err, errlen) < 0 ||
        roam_xml_attr(disk, "device", device, sizeof device, err, errlen) < 0 ||
        roam_xml_attr(roam_xml_child(disk, "target", NULL), "dev", d->dev, sizeof d->dev,
                      err, errlen) < 0)
        return -1;
    if ((device[0] && strcmp(device, "disk") != 0) || roam_xml_child(disk, "readonly", NULL))
        return 0;
    if (!d->dev[0])
        return roam_errf(err, errlen, "domain XML: a <disk> without a target device");
    if (strcmp(type, "file") != 0)
        return roam_errf(err, errlen, "disk %s is of type '%s': only file-backed disks can be "
                         "copied", d->dev, type);
    if (roam_xml_attr(roam_xml_child(disk, "source", NULL), "file", d->path, sizeof d->path,
                      err, errlen) < 0 ||
        roam_xml_attr(roam_xml_child(disk, "driver", NULL), "type", d->format,
                      sizeof d->format, err, errlen) < 0 ||
        roam_xml_attr(roam_xml_child(disk, "driver", NULL), "cache", d->cache,
                      sizeof d->cache, err, errlen) < 0)
        return -1;
    if (!d->path[0])
        return roam_errf(err, errlen, "disk %s has no source file", d->dev);
    if (!d->format[0])
        strcpy(d->format, "raw");   /* libvirt's default */
    if (strcmp(d->format, "qcow2") != 0 && strcmp(d->format, "raw") != 0)
        return roam_errf(err, errlen, "disk %s has format '%s': roam copies qcow2 and raw",
                         d->dev, d->format);
    return read_chain(disk, d, err, errlen) < 0 ? -1 : 1;
}

int roam_virt_parse_disks(const char *domxml, struct roam_disk *out, size_t cap, size_t *n,
                          char *err, size_t errlen)
{
    *n = 0;
    xmlDocPtr doc = roam_xml_parse(domxml, "domain XML", err, errlen);
    if (!doc)
        return -1;
    xmlNodePtr dev = roam_xml_devices(doc, err, errlen);
    int rc = dev ? 0 : -1;
    for (xmlNodePtr c = dev ? dev->children : NULL; rc == 0 && c; c = c->next) {
        if (!is_element(c, "disk"))
            continue;
        struct roam_disk d;
        int r = read_disk(c, &d, err, errlen);
        if (r < 0)
            rc = -1;
        else if (r > 0 && *n == cap)
            rc = roam_errf(err, errlen, "VM has more than %zu disks to copy", cap);
        else if (r > 0)
            out[(*n)++] = d;
    }
    xmlFreeDoc(doc);
    if (rc < 0)
        *n = 0;
    return rc;
}

int roam_virt_disks(virDomainPtr dom, struct roam_disk *out, size_t cap, size_t *n,
                    char *err, size_t errlen)
{
    *n = 0;
    const char *name = virDomainGetName(dom);   /* before: it resets libvirt's error */
    char *xml = virDomainGetXMLDesc(dom, 0);
    if (!xml)
        return roam_virt_errf(err, errlen, "cannot read XML of VM %s", name);
    char why[ROAM_ERR_MAX];
    int rc = roam_virt_parse_disks(xml, out, cap, n, why, sizeof why);
    free(xml);
    if (rc < 0)
        return roam_errf(err, errlen, "VM %s: %s", name, why);
    for (size_t i = 0; i < *n; i++) {
        virDomainBlockInfo bi;
        if (virDomainGetBlockInfo(dom, out[i].dev, &bi, 0) < 0) {
            *n = 0;
            return roam_virt_errf(err, errlen, "cannot read the size of disk %s of VM %s",
                                  out[i].dev, name);
        }
        out[i].capacity = bi.capacity;
        out[i].allocation = bi.allocation;
    }
    return 0;
}

static xmlNodePtr find_disk(xmlNodePtr devices, const char *dev)
{
    for (xmlNodePtr c = devices->children; c; c = c->next) {
        if (!is_element(c, "disk"))
            continue;
        xmlChar *a = xmlGetNoNsProp(roam_xml_child(c, "target", NULL), (const xmlChar *)"dev");
        int match = a && strcmp((const char *)a, dev) == 0;
        xmlFree(a);
        if (match)
            return c;
    }
    return NULL;
}

int roam_virt_map_disks(const char *domxml, const char *const *dev, const char *const *path,
                        size_t n, char **xml, char *err, size_t errlen)
{
    *xml = NULL;
    xmlDocPtr doc = roam_xml_parse(domxml, "domain XML", err, errlen);
    if (!doc)
        return -1;
    xmlNodePtr devices = roam_xml_devices(doc, err, errlen);
    int rc = devices ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        xmlNodePtr disk = find_disk(devices, dev[i]);
        xmlNodePtr src = disk ? roam_xml_child(disk, "source", NULL) : NULL;
        xmlNodePtr chain = disk ? roam_xml_child(disk, "backingStore", NULL) : NULL;
        if (!src)
            rc = roam_errf(err, errlen, "VM has no file-backed disk %s", dev[i]);
        else if (!xmlSetProp(src, (const xmlChar *)"file", (const xmlChar *)path[i]))
            rc = roam_errf(err, errlen, "out of memory");
        else if (chain) {
            xmlUnlinkNode(chain);
            xmlFreeNode(chain);
        }
    }
    if (rc == 0) {
        *xml = roam_xml_node_string(doc, xmlDocGetRootElement(doc));
        if (!*xml)
            rc = roam_errf(err, errlen, "out of memory");
    }
    xmlFreeDoc(doc);
    return rc;
}

int roam_virt_dest_xml(virDomainPtr dom, int persistent, const char *const *dev,
                       const char *const *path, size_t n, char **xml, char *err, size_t errlen)
{
    *xml = NULL;
    const char *name = virDomainGetName(dom);
    char *src = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_MIGRATABLE |
                                         (persistent ? VIR_DOMAIN_XML_INACTIVE : 0));
    if (!src)
        return roam_virt_errf(err, errlen, "cannot read the migratable XML of VM %s", name);
    char why[ROAM_ERR_MAX];
    int rc = roam_virt_map_disks(src, dev, path, n, xml, why, sizeof why);
    free(src);
    return rc < 0 ? roam_errf(err, errlen, "VM %s: %s", name, why) : 0;
}
