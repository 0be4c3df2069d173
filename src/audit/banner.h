/* banner.h - parsers of what surveyed services answer: pure functions over
 * hostile bytes (bounded, never trusting a length), each fuzzed by a
 * fuzz/fuzz_audit_*.c target. Text they return is sanitised with
 * text_clean_into (valid UTF-8, no control characters). */
#ifndef KOBAN_AUDIT_BANNER_H
#define KOBAN_AUDIT_BANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "audit/audit.h"

/* ---- TELNET (banner_telnet.c) ---- */
/* Copies the data bytes of in[0..n) to out (NUL-terminated, at most outsz-1
 * bytes, NUL and IAC sequences removed) and writes into reply the answers
 * that refuse every option the server asks for (DO x -> WONT x, WILL x ->
 * DONT x). Returns the bytes written to out; *reply_len gets the reply size. */
size_t telnet_filter(const uint8_t *in, size_t n, char *out, size_t outsz, uint8_t *reply, size_t replysz,
		     size_t *reply_len);

enum telnet_state { TN_NOTHING = 0, TN_LOGIN, TN_PASSWORD, TN_SHELL, TN_FAILED };
/* What the end of the text so far asks for: a user name, a password, a
 * shell prompt ("# ", "$ ", "> " at the end), or says the login failed. */
enum telnet_state telnet_classify(const char *text, size_t n);

/* ---- SSH (banner_ssh.c) ---- */
/* "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n" -> software "OpenSSH_9.2p1 Debian-2".
 * Lines before the identification are skipped (RFC 4253 4.2). */
bool ssh_parse_ident(const char *buf, size_t n, char *software, size_t sz);

/* ---- FTP (banner_ftp.c) ---- */
/* The code of the first complete reply in buf (multi-line "123-" ... "123 "
 * replies too), its text (first line, sanitised) and its size in
 * *consumed. 0 when incomplete, -1 when it is not an FTP reply. */
int ftp_parse_reply(const char *buf, size_t n, char *text, size_t textsz, size_t *consumed);

/* ---- HTTP and RTSP (banner_http.c) ---- */
struct http_challenge {
	char scheme[16];      /* "Basic", "Digest" */
	char realm[96];
	char nonce[128];
	char opaque[128];
	char qop[32];         /* "auth" if offered */
	char algorithm[16];   /* "MD5" (default), "MD5-sess" ... */
};
/* True once buf holds the whole header block. */
bool http_headers_done(const char *buf, size_t n);
/* Parses a response ("HTTP/1.x" or "RTSP/1.0" status line and headers; the
 * body is read for <title>). Fills status, server, title, auth_scheme and
 * realm of h and the first challenge (Digest preferred) of ch (may be
 * NULL). Returns the status code or -1. */
int http_parse_response(const char *buf, size_t n, struct http_facts *h, struct http_challenge *ch);

/* ---- MQTT (banner_mqtt.c) ---- */
/* Builds an MQTT 3.1.1 CONNECT (clean session, keep-alive 10 s) with an
 * optional user and password. Returns its size or 0 if it does not fit. */
size_t mqtt_build_connect(uint8_t *out, size_t cap, const char *client_id, const char *user, const char *pass);
/* The return code of a CONNACK (0 accepted, 4 bad user name or password,
 * 5 not authorised); -2 when incomplete, -1 when it is not a CONNACK. */
int mqtt_parse_connack(const uint8_t *buf, size_t n);

/* ---- SSDP and UPnP (banner_upnp.c) ---- */
/* An SSDP answer ("HTTP/1.1 200 OK" with LOCATION, SERVER). */
bool ssdp_parse_response(const char *buf, size_t n, char *location, size_t locsz, char *server, size_t srvsz);
/* "http://192.168.1.5:49152/desc.xml" -> address, port, path. Only IP
 * literals are accepted (no names are resolved during an audit). */
bool url_parse_http(const char *url, struct kaddr *ip, uint16_t *port, char *path, size_t pathsz);
/* manufacturer, model and firmware of a description XML (proto/upnp.c). */
void upnp_description_facts(const char *xml, size_t n, struct audit_host *h);

/* ---- TLS certificates (banner_tls.c) ---- */
/* Facts of a DER certificate: self-signed, validity against `now`, key
 * type and size (weak: RSA/DSA under 2048 bits, EC under 224), SHA-256
 * fingerprint, subject and issuer. False when it does not parse. */
bool tls_cert_facts(const uint8_t *der, size_t n, time_t now, struct tls_facts *f);

#endif
