/* ipc.c - framing of the parent/child messages (see ipc.h). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "daemon/ipc.h"

static int send_msg(int fd, uint32_t type, const void *body, size_t len, int flags)
{
	struct ipc_hdr h = {.type = type, .len = (uint32_t)len};
	struct iovec iov[2] = {{&h, sizeof h}, {(void *)body, len}};
	struct msghdr m = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};
	if (len > IPC_MAX_MSG - sizeof h)
		return -1;
	for (;;) {
		ssize_t n = sendmsg(fd, &m, MSG_NOSIGNAL | flags);
		if (n >= 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 1;
		return -1;
	}
}

int ipc_send(int fd, uint32_t type, const void *body, size_t len)
{
	return send_msg(fd, type, body, len, 0) == 0 ? 0 : -1;
}

int ipc_try_send(int fd, uint32_t type, const void *body, size_t len)
{
	return send_msg(fd, type, body, len, MSG_DONTWAIT);
}

long ipc_recv(int fd, uint8_t *buf, uint32_t *type)
{
	ssize_t n;
	do
		n = recv(fd, buf, IPC_MAX_MSG, MSG_DONTWAIT | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? -2 : -1;
	if (n == 0 || (size_t)n < sizeof(struct ipc_hdr) || n > IPC_MAX_MSG)
		return -1;
	struct ipc_hdr h;
	memcpy(&h, buf, sizeof h);
	if (h.len != (size_t)n - sizeof h)
		return -1;
	memmove(buf, buf + sizeof h, h.len);
	*type = h.type;
	return (long)h.len;
}

void ipc_strcpy(char *dst, size_t dstsz, const char *src)
{
	size_t n = src ? strnlen(src, dstsz - 1) : 0;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

static void term(char *s, size_t n)
{
	s[n - 1] = '\0';
}

static void fix_addr(struct kaddr *a)
{
	if (a->family != KADDR_V4 && a->family != KADDR_V6)
		memset(a, 0, sizeof *a);
}

void ipc_event_sanitize(struct ipc_event *e)
{
	term(e->kind, sizeof e->kind);
	term(e->summary, sizeof e->summary);
	fix_addr(&e->device_ip);
	fix_addr(&e->peer_ip);
	e->has_mac = e->has_mac ? 1 : 0;
	if (e->severity > 4)
		e->severity = 4;
}

void ipc_device_sanitize(struct ipc_device *d)
{
	term(d->vendor, sizeof d->vendor);
	term(d->model, sizeof d->model);
	term(d->firmware, sizeof d->firmware);
	term(d->hostname, sizeof d->hostname);
	term(d->mud_url, sizeof d->mud_url);
	if (d->n_ips > IPC_DEV_IPS)
		d->n_ips = IPC_DEV_IPS;
	for (size_t i = 0; i < d->n_ips; i++)
		fix_addr(&d->ips[i]);
	d->has_mac = d->has_mac ? 1 : 0;
}

bool ipc_batch_add(struct ipc_batch *b, const struct ipc_pkt *p, const uint8_t *data)
{
	size_t need = sizeof *p + ((p->caplen + 7u) & ~7u);
	if (b->count && b->len + need > IPC_BATCH_BYTES)
		return false;
	if (need > sizeof b->buf - sizeof(struct ipc_hdr) - b->len)
		return false;
	uint8_t *w = b->buf + sizeof(struct ipc_hdr) + b->len;
	memcpy(w, p, sizeof *p);
	memcpy(w + sizeof *p, data, p->caplen);
	memset(w + sizeof *p + p->caplen, 0, need - sizeof *p - p->caplen);
	b->len += need;
	b->count++;
	return true;
}

const struct ipc_pkt *ipc_batch_next(const uint8_t *body, size_t len, size_t *off, const uint8_t **data)
{
	if (*off + sizeof(struct ipc_pkt) > len)
		return NULL;
	const struct ipc_pkt *p = (const struct ipc_pkt *)(body + *off);
	size_t need = sizeof *p + ((p->caplen + 7u) & ~7u);
	if (p->caplen > 262144 || need > len - *off)
		return NULL;
	*data = body + *off + sizeof *p;
	*off += need;
	return p;
}
