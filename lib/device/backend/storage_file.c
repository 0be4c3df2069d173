/* storage_file.c - flash emulated in a file, for tests, tools and the
 * example. NOR semantics: erase sets whole sectors to 0xFF, a write ANDs
 * into the old bits (programming a non-erased byte is counted as a driver
 * bug). For the power-cut tests it counts mutating calls; the call after
 * fail_after does half its work (a torn write, a half-erased range) and
 * every call after that fails, as if power were gone. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kd_backend.h"

#define HDR 64
#define CHUNK 4096

void kd_layout_default(struct kd_layout *l)
{
	static const uint32_t kib[KD_REGION_COUNT] = { 4, 1028, 1028, 8, 8, 64, 8, 64 };
	l->sector_size = 4096;
	for (int r = 0; r < KD_REGION_COUNT; r++)
		l->size[r] = kib[r] * 1024;
}

void kd_layout_small(struct kd_layout *l, uint32_t slot_kib)
{
	kd_layout_default(l);
	l->sector_size = 1024;
	l->size[KD_REGION_IDENTITY] = 1024;
	l->size[KD_REGION_SLOT_A] = l->size[KD_REGION_SLOT_B] = slot_kib * 1024;
	l->size[KD_REGION_BOOT] = l->size[KD_REGION_CRED] = l->size[KD_REGION_KEYS] = 2048;
	l->size[KD_REGION_LOG] = 4096;
	l->size[KD_REGION_DATA] = 4096;
}

static struct kd_file_flash *ff(void *ctx)
{
	return ctx;
}

static uint32_t f_size(void *ctx, enum kd_region r)
{
	return (unsigned)r < KD_REGION_COUNT ? ff(ctx)->layout.size[r] : 0;
}

static bool in_range(struct kd_file_flash *f, enum kd_region r, uint32_t off, size_t len)
{
	return (unsigned)r < KD_REGION_COUNT && off <= f->layout.size[r] && len <= f->layout.size[r] - off;
}

static int f_read(void *ctx, enum kd_region r, uint32_t off, void *buf, size_t len)
{
	struct kd_file_flash *f = ff(ctx);
	if (f->dead || !in_range(f, r, off, len))
		return -1;
	return pread(f->fd, buf, len, (off_t)f->offset[r] + off) == (ssize_t)len ? 0 : -1;
}

/* Counts a mutating call; returns how many of len bytes may be done. */
static size_t power(struct kd_file_flash *f, size_t len)
{
	if (f->dead)
		return 0;
	if (f->fail_after >= 0 && (long)f->ops >= f->fail_after) {
		f->dead = true;
		return len / 2;
	}
	f->ops++;
	return len;
}

static int program(struct kd_file_flash *f, off_t at, const uint8_t *p, size_t n)
{
	uint8_t old[CHUNK];
	for (size_t done = 0; done < n;) {
		size_t k = n - done < CHUNK ? n - done : CHUNK;
		if (pread(f->fd, old, k, at + (off_t)done) != (ssize_t)k)
			return -1;
		for (size_t i = 0; i < k; i++) {
			f->overwrites += old[i] != 0xff && (old[i] & p[done + i]) != p[done + i];
			old[i] &= p[done + i];
		}
		if (pwrite(f->fd, old, k, at + (off_t)done) != (ssize_t)k)
			return -1;
		done += k;
	}
	return 0;
}

static int f_write(void *ctx, enum kd_region r, uint32_t off, const void *buf, size_t len)
{
	struct kd_file_flash *f = ff(ctx);
	if (f->dead || !in_range(f, r, off, len))
		return -1;
	size_t n = power(f, len);
	if (program(f, (off_t)f->offset[r] + off, buf, n) != 0)
		return -1;
	return n == len ? 0 : -1;
}

static int fill_ff(struct kd_file_flash *f, off_t at, size_t n)
{
	uint8_t ones[CHUNK];
	memset(ones, 0xff, sizeof ones);
	for (size_t done = 0; done < n;) {
		size_t k = n - done < CHUNK ? n - done : CHUNK;
		if (pwrite(f->fd, ones, k, at + (off_t)done) != (ssize_t)k)
			return -1;
		done += k;
	}
	return 0;
}

static int f_erase(void *ctx, enum kd_region r, uint32_t off, size_t len)
{
	struct kd_file_flash *f = ff(ctx);
	uint32_t sec = f->layout.sector_size;
	if (f->dead || !in_range(f, r, off, len) || off % sec != 0 || len % sec != 0)
		return -1;
	size_t n = power(f, len);
	if (fill_ff(f, (off_t)f->offset[r] + off, n) != 0)
		return -1;
	return n == len ? 0 : -1;
}

static void setup(struct kd_file_flash *f)
{
	uint32_t at = HDR;
	for (int r = 0; r < KD_REGION_COUNT; r++) {
		f->offset[r] = at;
		at += f->layout.size[r];
	}
	f->st = (struct kd_storage){ f, f->layout.sector_size, f_size, f_read, f_write, f_erase };
	f->fail_after = -1;
	f->ops = f->overwrites = 0;
	f->dead = false;
}

int kd_flash_create(struct kd_file_flash *f, const char *path, const struct kd_layout *l)
{
	uint8_t hdr[HDR];
	memset(f, 0, sizeof *f);
	f->layout = *l;
	f->fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (f->fd < 0)
		return -1;
	setup(f);
	memset(hdr, 0, sizeof hdr);
	memcpy(hdr, "KDFLASH1", 8);
	for (int i = 0; i <= KD_REGION_COUNT; i++) {
		uint32_t v = i == 0 ? l->sector_size : l->size[i - 1];
		for (int b = 0; b < 4; b++)
			hdr[8 + 4 * i + b] = (uint8_t)(v >> (8 * b));
	}
	if (pwrite(f->fd, hdr, HDR, 0) != HDR ||
	    fill_ff(f, HDR, f->offset[KD_REGION_COUNT - 1] + l->size[KD_REGION_COUNT - 1] - HDR) != 0) {
		close(f->fd);
		return -1;
	}
	return 0;
}

int kd_flash_open(struct kd_file_flash *f, const char *path)
{
	uint8_t hdr[HDR];
	memset(f, 0, sizeof *f);
	f->fd = open(path, O_RDWR | O_CLOEXEC);
	if (f->fd < 0)
		return -1;
	if (pread(f->fd, hdr, HDR, 0) != HDR || memcmp(hdr, "KDFLASH1", 8) != 0) {
		close(f->fd);
		errno = EINVAL;
		return -1;
	}
	for (int i = 0; i <= KD_REGION_COUNT; i++) {
		uint32_t v = 0;
		for (int b = 0; b < 4; b++)
			v |= (uint32_t)hdr[8 + 4 * i + b] << (8 * b);
		if (i == 0)
			f->layout.sector_size = v;
		else
			f->layout.size[i - 1] = v;
	}
	setup(f);
	return 0;
}

void kd_flash_close(struct kd_file_flash *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}
