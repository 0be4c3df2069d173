/* protocols.h - the dissectors koban ships; each lives in proto/<name>.c. */
#ifndef KOBAN_PROTOCOLS_H
#define KOBAN_PROTOCOLS_H

#include "proto/dissect.h"

extern const struct dissector dissector_dhcp;   /* DHCPv4, UDP 67/68 */
extern const struct dissector dissector_dns;    /* DNS, UDP 53 */
extern const struct dissector dissector_mdns;   /* mDNS, UDP 5353 */
extern const struct dissector dissector_ssdp;   /* SSDP, UDP 1900 */
extern const struct dissector dissector_ntp;    /* NTP, UDP 123 */
extern const struct dissector dissector_mqtt;   /* MQTT CONNECT, TCP 1883 */
extern const struct dissector dissector_telnet; /* TELNET, TCP 23/2323 */
extern const struct dissector dissector_ftp;    /* FTP control, TCP 21 */
extern const struct dissector dissector_tls;    /* TLS ClientHello SNI, any TCP port */
extern const struct dissector dissector_http;   /* HTTP/1.x incl. UPnP description XML */

#endif
