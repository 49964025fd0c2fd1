/* libxml2 helpers (see xmlutil.h). */
#include "xmlutil.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "errbuf.h"

xmlDocPtr roam_xml_parse(const char *text, const char *what, char *err, size_t errlen)
{
    size_t n = text ? strlen(text) : 0;
    if (n == 0 || n > (size_t)64 << 20) {
        roam_errf(err, errlen, "%s: empty or oversized XML (%zu bytes)", what, n);
        return NULL;
    }
    xmlDocPtr doc = xmlReadMemory(text, (int)n, what, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !xmlDocGetRootElement(doc)) {
        const xmlError *e = xmlGetLastError();
        roam_errf(err, errlen, "%s: malformed XML%s%s", what, e && e->message ? ": " : "",
                  e && e->message ? e->message : "");
        /* libxml2 messages end in a newline; keep error lines single. */
        if (err && errlen) {
            size_t k = strlen(err);
            while (k && (err[k - 1] == '\n' || err[k - 1] == ' '))
                err[--k] = '\0';
        }
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

xmlNodePtr roam_xml_child(xmlNodePtr parent, const char *name, const char *ns_uri)
{
    for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, name) != 0)
            continue;
        const char *href = c->ns && c->ns->href ? (const char *)c->ns->href : NULL;
        if (!href || (ns_uri && strcmp(href, ns_uri) == 0))
            return c;
    }
    return NULL;
}

int roam_xml_attr(xmlNodePtr node, const char *attr, char *buf, size_t cap,
                  char *err, size_t errlen)
{
    buf[0] = '\0';
    xmlChar *v = node ? xmlGetNoNsProp(node, (const xmlChar *)attr) : NULL;
    if (!v)
        return 0;
    size_t n = strlen((const char *)v);
    int rc = 1;
    if (n >= cap)
        rc = roam_errf(err, errlen, "<%s %s='...'> is %zu bytes, longer than %zu",
                       node->name, attr, n, cap - 1);
    else
        memcpy(buf, v, n + 1);
    xmlFree(v);
    return rc;
}

char *roam_xml_node_string(xmlDocPtr doc, xmlNodePtr node)
{
    xmlBufferPtr b = xmlBufferCreate();
    if (!b)
        return NULL;
    char *s = NULL;
    if (xmlNodeDump(b, doc, node, 0, 0) >= 0)
        s = strdup((const char *)xmlBufferContent(b));
    xmlBufferFree(b);
    return s;
}

xmlNodePtr roam_xml_devices(xmlDocPtr doc, char *err, size_t errlen)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (strcmp((const char *)root->name, "domain") != 0) {
        roam_errf(err, errlen, "domain XML: root element is <%s>, expected <domain>", root->name);
        return NULL;
    }
    xmlNodePtr dev = roam_xml_child(root, "devices", NULL);
    if (!dev)
        roam_errf(err, errlen, "domain XML has no <devices>");
    return dev;
}
