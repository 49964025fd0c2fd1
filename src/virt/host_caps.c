/* This host's emulators and pool directory from libvirt (see host_caps.h). */
#include "host_caps.h"

#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>
#include <libxml/tree.h>

#include "errbuf.h"
#include "xmlutil.h"

static void collect(xmlNodePtr n, char (*out)[ROAM_VIRT_PATH_MAX], size_t max, size_t *count)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)c->name, "emulator") == 0) {
            xmlChar *t = xmlNodeGetContent(c);
            int dup = 0;
            for (size_t i = 0; t && i < *count; i++)
                dup |= strcmp(out[i], (const char *)t) == 0;
            if (t && !dup && *count < max && t[0] == '/' &&
                strlen((const char *)t) < ROAM_VIRT_PATH_MAX)
                strcpy(out[(*count)++], (const char *)t);
            xmlFree(t);
        } else
            collect(c, out, max, count);
    }
}

int roam_caps_emulators(const char *caps, char (*out)[ROAM_VIRT_PATH_MAX], size_t max,
                        char *err, size_t errlen)
{
    xmlDocPtr doc = roam_xml_parse(caps, "capabilities", err, errlen);
    if (!doc)
        return -1;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    size_t n = 0;
    if (strcmp((const char *)root->name, "capabilities") != 0) {
        xmlFreeDoc(doc);
        return roam_errf(err, errlen, "not libvirt capabilities XML");
    }
    for (xmlNodePtr g = root->children; g; g = g->next)
        if (g->type == XML_ELEMENT_NODE && strcmp((const char *)g->name, "guest") == 0)
            collect(g, out, max, &n);
    xmlFreeDoc(doc);
    return (int)n;
}

static const char *virt_msg(void)
{
    const virError *e = virGetLastError();
    return e && e->message ? e->message : "unknown libvirt error";
}

int roam_virt_emulators(virConnectPtr conn, char (*out)[ROAM_VIRT_PATH_MAX], size_t max,
                        char *err, size_t errlen)
{
    char *caps = virConnectGetCapabilities(conn);
    if (!caps)
        return roam_errf(err, errlen, "libvirt capabilities: %s", virt_msg());
    int n = roam_caps_emulators(caps, out, max, err, errlen);
    free(caps);
    return n;
}

int roam_virt_pool_dir(virConnectPtr conn, const char *pool, char *out, size_t cap, char *err,
                       size_t errlen)
{
    virStoragePoolPtr p = virStoragePoolLookupByName(conn, pool);
    if (!p)
        return roam_errf(err, errlen, "storage pool %s: %s", pool, virt_msg());
    char *xml = virStoragePoolGetXMLDesc(p, 0);
    virStoragePoolFree(p);
    if (!xml)
        return roam_errf(err, errlen, "storage pool %s: %s", pool, virt_msg());
    xmlDocPtr doc = roam_xml_parse(xml, "storage pool", err, errlen);
    free(xml);
    if (!doc)
        return -1;
    xmlNodePtr target = roam_xml_child(xmlDocGetRootElement(doc), "target", NULL);
    xmlNodePtr path = roam_xml_child(target, "path", NULL);
    xmlChar *t = path ? xmlNodeGetContent(path) : NULL;
    int r = 0;
    if (!t || t[0] != '/' || strlen((const char *)t) >= cap)
        r = roam_errf(err, errlen, "storage pool %s has no usable target path", pool);
    else
        strcpy(out, (const char *)t);
    xmlFree(t);
    xmlFreeDoc(doc);
    return r;
}
