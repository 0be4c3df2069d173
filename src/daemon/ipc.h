/* ipc.h - the messages between koban's privileged parent and its
 * unprivileged engine child, over a SOCK_SEQPACKET socketpair (one message
 * per send, never split or merged). Every message starts with struct
 * ipc_hdr. Fixed-size records with NUL-terminated strings are used wherever
 * the child talks to the parent, so the parent never parses free-form data
 * from the process that handles hostile traffic; the parent validates every
 * length and terminates every string itself (ipc.c).
 *
 *   parent -> child  IPC_PACKETS  a batch of captured frames
 *                    IPC_RECORD   an action record to write to the store (JSON)
 *                    IPC_MUD      a device's MUD policy, to report violations (JSON)
 *   child -> parent  IPC_READY    the engine is sandboxed and running
 *                    IPC_EVENT    one event (struct ipc_event)
 *                    IPC_DEVICE   a local device's identity (struct ipc_device)
 *                    IPC_STATS    the engine's counters (struct ipc_stats) */
#ifndef KOBAN_IPC_H
#define KOBAN_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"

#define IPC_MAX_MSG (256 * 1024)
#define IPC_BATCH_BYTES (60 * 1024)

enum ipc_type {
	IPC_PACKETS = 1,
	IPC_RECORD,
	IPC_MUD,
	IPC_READY = 16,
	IPC_EVENT,
	IPC_DEVICE,
	IPC_STATS,
};

struct ipc_hdr {
	uint32_t type;
	uint32_t len; /* bytes after the header */
};

/* In IPC_PACKETS: this header, then caplen bytes, then padding to 8. */
struct ipc_pkt {
	uint64_t ts_us;
	uint32_t caplen;
	uint32_t wirelen;
	uint32_t linktype;
	uint32_t ifindex; /* which watched interface (0-based) */
};

struct ipc_event {
	char kind[32];
	uint8_t severity;
	uint8_t has_mac;
	uint8_t mac[6];
	struct kaddr device_ip;
	struct kaddr peer_ip;
	uint16_t peer_port;
	uint64_t ts_us;
	char summary[256];
};

#define IPC_DEV_IPS 8
struct ipc_device {
	uint8_t mac[6];
	uint8_t has_mac;
	uint8_t n_ips;
	struct kaddr ips[IPC_DEV_IPS];
	char vendor[64];
	char model[64];
	char firmware[64];
	char hostname[64];
	char mud_url[256];
	uint64_t first_seen_us, last_seen_us;
};

struct ipc_stats {
	uint64_t packets, bytes;
	uint64_t flows_created, flows_active;
	uint64_t devices;
	uint64_t events;
	uint64_t decode_errors;
	uint64_t mud_violations;
};

/* Sends one message (blocking). Returns 0 or -1. */
int ipc_send(int fd, uint32_t type, const void *body, size_t len);
/* Non-blocking send: 0 sent, 1 would block, -1 error. */
int ipc_try_send(int fd, uint32_t type, const void *body, size_t len);
/* Receives one message into buf (IPC_MAX_MSG bytes). Returns the body
 * length (>= 0) with *type set, -2 if nothing is waiting (non-blocking
 * socket), or -1 on EOF, error or a malformed message. */
long ipc_recv(int fd, uint8_t *buf, uint32_t *type);

/* Makes every string of a record received from the child NUL-terminated
 * and every count in range. */
void ipc_event_sanitize(struct ipc_event *e);
void ipc_device_sanitize(struct ipc_device *d);

/* Copies a string, cut (at a byte) to fit; dst always terminated. */
void ipc_strcpy(char *dst, size_t dstsz, const char *src);

/* Packet batches. */
struct ipc_batch {
	uint8_t buf[sizeof(struct ipc_hdr) + IPC_BATCH_BYTES + 65536 + 64];
	size_t len;   /* bytes of frames after the header */
	uint32_t count;
};
/* Appends a frame; false if the batch is full (send it first). */
bool ipc_batch_add(struct ipc_batch *b, const struct ipc_pkt *p, const uint8_t *data);
/* Walks the frames of a received IPC_PACKETS body: returns the next frame's
 * header and data, advancing *off, or NULL at the end or on a bad record. */
const struct ipc_pkt *ipc_batch_next(const uint8_t *body, size_t len, size_t *off, const uint8_t **data);

#endif
