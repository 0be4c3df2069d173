/* ctl_client.h - the client side of koban watch's control socket, for the
 * verbs that ask the gateway to act (koban ctl, koban status ingest). */
#ifndef KOBAN_CTL_CLIENT_H
#define KOBAN_CTL_CLIENT_H

#define CTL_DEFAULT_SOCKET "/run/koban/ctl.sock"

/* Sends one request line (ending in '\n') to the daemon at path and prints
 * its answer (stdout on "ok", stderr otherwise). Returns 0 on "ok", else 1. */
int ctl_talk(const char *path, const char *req);

#endif
