/* ctlproto.h - the control protocol of `koban ctl`: one request line per
 * connection on the daemon's UNIX socket, answered with "ok" or
 * "error: REASON" on the first line and a body after it, then the daemon
 * closes the connection.
 *
 *   status [--json]                   daemon state, counters, active actions
 *   devices [--json]                  local devices and the actions on each
 *   quarantine DEV [-- REASON]        DEV: MAC or IP address
 *   release DEV [-- REASON]           removes every action on DEV
 *   degrade DEV PORT [-- REASON]      PORT: 23, 23/tcp, 53/udp or a service name
 *   block DEV TARGET [-- REASON]      drops DEV's traffic toward TARGET (an IP)
 *   lan-only DEV [-- REASON]          holds DEV to the local networks
 *
 * The parser treats the line as hostile (it comes from a local user). */
#ifndef KOBAN_CTLPROTO_H
#define KOBAN_CTLPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "enforce/enforce.h"

#define CTL_MAX_LINE 1024

enum ctl_verb { CTL_NONE = 0, CTL_STATUS, CTL_DEVICES, CTL_QUARANTINE, CTL_RELEASE, CTL_DEGRADE, CTL_BLOCK, CTL_LANONLY };

struct ctl_request {
	enum ctl_verb verb;
	bool json;
	struct enf_device dev;
	uint16_t port;
	uint8_t proto;           /* IPPROTO_TCP, IPPROTO_UDP, 0 = both */
	struct kaddr target;
	char reason[200];
};

/* Parses one request line (without or with its trailing newline). false
 * with a reason in err on anything malformed. */
bool ctl_parse(const char *line, size_t len, struct ctl_request *r, char *err, size_t errsz);

/* "23", "23/tcp", "53/udp", "telnet", "http" ...: false if unknown. */
bool ctl_parse_port(const char *s, uint16_t *port, uint8_t *proto);

#endif
