/* Reading and writing roam's metadata element (see metadata.h). */
#include "metadata.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>
#include <libxml/tree.h>
#include <libxml/xmlstring.h>

#include "errbuf.h"
#include "virt.h"
#include "xmlutil.h"

/* Policies are shown to users and written into XML: printable UTF-8, with
 * whitespace allowed for readability. */
static int check_policy_text(const char *p, size_t n, char *err, size_t errlen)
{
    if (n == 0)
        return roam_errf(err, errlen, "migrate policy is empty");
    if (n > ROAM_VIRT_POLICY_MAX)
        return roam_errf(err, errlen, "migrate policy is %zu bytes, limit %d", n,
                         ROAM_VIRT_POLICY_MAX);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            return roam_errf(err, errlen, "migrate policy contains control character 0x%02x", c);
    }
    if (!xmlCheckUTF8((const unsigned char *)p))
        return roam_errf(err, errlen, "migrate policy is not valid UTF-8");
    return 0;
}

int roam_virt_parse_policy(const char *xml, char **policy, char *err, size_t errlen)
{
    *policy = NULL;
    xmlDocPtr doc = roam_xml_parse(xml, "roam metadata", err, errlen);
    if (!doc)
        return -1;
    int rc = -1;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    const char *href = root->ns && root->ns->href ? (const char *)root->ns->href : NULL;
    xmlNodePtr mp = NULL;
    if (strcmp((const char *)root->name, "vm") != 0 || (href && strcmp(href, ROAM_VIRT_NS) != 0))
        roam_errf(err, errlen, "roam metadata: root element is <%s>, expected <vm> in %s",
                  root->name, ROAM_VIRT_NS);
    else if (!(mp = roam_xml_child(root, "migrate-policy", ROAM_VIRT_NS)))
        roam_errf(err, errlen, "no migrate policy (roam metadata has no <migrate-policy>)");
    else {
        xmlChar *text = xmlNodeGetContent(mp);
        const char *s = text ? (const char *)text : "";
        /* Trim: XML pretty-printing adds whitespace the user never wrote. */
        while (isspace((unsigned char)*s))
            s++;
        size_t n = strlen(s);
        while (n && isspace((unsigned char)s[n - 1]))
            n--;
        if (n == 0)
            roam_errf(err, errlen, "no migrate policy (<migrate-policy> is empty)");
        else if (check_policy_text(s, n, err, errlen) == 0) {
            *policy = strndup(s, n);
            rc = *policy ? 0 : roam_errf(err, errlen, "out of memory");
        }
        xmlFree(text);
    }
    xmlFreeDoc(doc);
    return rc;
}

int roam_virt_get_policy(virDomainPtr dom, unsigned int flags, char **policy,
                         char *err, size_t errlen)
{
    *policy = NULL;
    const char *name = virDomainGetName(dom);
    char *xml = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, ROAM_VIRT_NS, flags);
    if (!xml) {
        if (virGetLastErrorCode() == VIR_ERR_NO_DOMAIN_METADATA)
            return roam_errf(err, errlen, "VM %s has no migrate policy (no %s metadata)",
                             name, ROAM_VIRT_NS);
        return roam_virt_errf(err, errlen, "cannot read metadata of VM %s", name);
    }
    char why[ROAM_ERR_MAX];
    int rc = roam_virt_parse_policy(xml, policy, why, sizeof why);
    if (rc < 0)
        roam_errf(err, errlen, "VM %s: %s", name, why);
    free(xml);
    return rc;
}

/* <vm><migrate-policy>TEXT</migrate-policy></vm>, escaped by libxml2;
 * libvirt adds the roam: prefix and namespace declaration. */
static char *policy_element(const char *policy)
{
    xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNodePtr root = doc ? xmlNewDocNode(doc, NULL, (const xmlChar *)"vm", NULL) : NULL;
    char *s = NULL;
    if (root) {
        xmlDocSetRootElement(doc, root);
        if (xmlNewTextChild(root, NULL, (const xmlChar *)"migrate-policy",
                            (const xmlChar *)policy))
            s = roam_xml_node_string(doc, root);
    }
    xmlFreeDoc(doc);
    return s;
}

int roam_virt_set_policy(virDomainPtr dom, const char *policy, char *err, size_t errlen)
{
    const char *name = virDomainGetName(dom);
    if (!policy || check_policy_text(policy, strlen(policy), err, errlen) < 0) {
        char why[ROAM_ERR_MAX];
        snprintf(why, sizeof why, "%s", policy && err ? err : "migrate policy missing");
        return roam_errf(err, errlen, "VM %s: refusing to store policy: %s", name, why);
    }
    int active = virDomainIsActive(dom), persistent = virDomainIsPersistent(dom);
    if (active < 0 || persistent < 0)
        return roam_virt_errf(err, errlen, "cannot query state of VM %s", name);
    unsigned int flags = active && persistent
        ? VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG
        : VIR_DOMAIN_AFFECT_CURRENT;
    char *xml = policy_element(policy);
    if (!xml)
        return roam_errf(err, errlen, "out of memory building metadata for VM %s", name);
    int r = virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, xml, ROAM_VIRT_NS_PREFIX,
                                 ROAM_VIRT_NS, flags);
    free(xml);
    if (r < 0)
        return roam_virt_errf(err, errlen, "cannot store migrate policy of VM %s", name);
    return 0;
}
