/* service.h - checking one open port (service.c) and UPnP discovery of one
 * host (upnp_probe.c). Both run in the worker threads of run.c and only
 * write into the service or host they are given. */
#ifndef KOBAN_AUDIT_SERVICE_H
#define KOBAN_AUDIT_SERVICE_H

#include "audit/audit.h"

void service_check(const struct audit_opts *o, const struct audit_creds *creds, const struct kaddr *ip,
		   struct audit_service *svc);

/* Unicast SSDP M-SEARCH to host:1900; if it answers with a LOCATION on the
 * same address, fetches the description XML and fills the host's
 * manufacturer, model and firmware. */
void upnp_probe(const struct audit_opts *o, struct audit_host *h);

#endif
