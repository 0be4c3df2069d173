/* upnp.h - reads a UPnP device description (the XML a device serves at its
 * SSDP LOCATION) with a small bounded tag scanner. Not an XML parser: no
 * DTD, no entity expansion beyond the five predefined entities, bounded
 * nesting; malformed input just yields fewer facts. */
#ifndef KOBAN_UPNP_H
#define KOBAN_UPNP_H

#include <stddef.h>

#include "proto/dissect.h"

/* Scans xml[0..len) (hostile bytes, not NUL-terminated) and reports, from
 * the first <device> element (the root device) only: <manufacturer> as
 * FACT_MANUFACTURER; <modelName> plus " " plus <modelNumber> (when present
 * and not already part of the name) as FACT_MODEL; the first of
 * <firmwareVersion>, <softwareVersion>, <fwVersion>, <swVersion> as
 * FACT_FIRMWARE. Each fact carries `about` and proto "upnp". Fact values
 * point into a stack buffer, valid during the emit call. */
void upnp_parse_description(const char *xml, size_t len, enum fact_about about,
			    const struct fact_sink *sink);

#endif
