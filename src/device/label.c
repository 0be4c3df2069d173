/* label.c - a short human name for a device, used in event summaries. */
#include "device/label.h"

#include <stdio.h>

const char *device_label(const struct device *d, const struct kaddr *ip, char *buf, size_t n)
{
	char mac[MAC_STRLEN], a[KADDR_STRLEN];
	const char *addr = "?";
	if (ip && ip->family)
		addr = kaddr_str(ip, a, sizeof a);
	else if (d && d->has_mac)
		addr = mac_str(d->mac, mac, sizeof mac);
	else if (d && d->n_ips)
		addr = kaddr_str(&d->ips[0], a, sizeof a);
	const char *maker = d ? (d->manufacturer ? d->manufacturer : d->vendor) : NULL;
	const char *model = d ? d->model : NULL;
	if (d && d->hostnames.n)
		snprintf(buf, n, "%s (%s)", d->hostnames.v[0], addr);
	else if (maker || model)
		snprintf(buf, n, "%s%s%s (%s)", maker ? maker : "", maker && model ? " " : "", model ? model : "",
			 addr);
	else
		snprintf(buf, n, "%s", addr);
	return buf;
}
