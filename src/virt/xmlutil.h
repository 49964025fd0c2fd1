/* Small libxml2 helpers shared by metadata.c and iface.c (internal). */
#ifndef ROAM_VIRT_XMLUTIL_H
#define ROAM_VIRT_XMLUTIL_H

#include <stddef.h>

#include <libxml/tree.h>

/* Parse a document held in memory, with no network access and no entity
 * expansion.  NULL with err filled (what names the document). */
xmlDocPtr roam_xml_parse(const char *text, const char *what, char *err, size_t errlen);

/* First element child of parent named `name` whose namespace is `ns_uri`
 * or none at all (libvirt hands back roam's metadata element unprefixed). */
xmlNodePtr roam_xml_child(xmlNodePtr parent, const char *name, const char *ns_uri);

/* Copy attribute `attr` of node into buf (cap bytes).  Returns 1 copied,
 * 0 attribute absent (buf = ""), -1 value too long (err filled). */
int roam_xml_attr(xmlNodePtr node, const char *attr, char *buf, size_t cap,
                  char *err, size_t errlen);

/* The <devices> element of a <domain> document, or NULL with err (wrong
 * root element, no devices). */
xmlNodePtr roam_xml_devices(xmlDocPtr doc, char *err, size_t errlen);

/* Serialize one node (with its children) to a malloc'ed string, or NULL. */
char *roam_xml_node_string(xmlDocPtr doc, xmlNodePtr node);

#endif
