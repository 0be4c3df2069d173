/* fuzz_devhttp.c - libFuzzer target for libkoban-device's minimal HTTP
 * head reader (the example device's service requests and the responses of
 * update servers) and its form-field decoder. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kd_http.h"
#include "koban_device.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kd_http_head h;
	char out[64];
	size_t n;
	const char *text = (const char *)data;
	for (int req = 0; req < 2; req++) {
		int rc = kd_http_parse(text, size, req, &h);
		if (rc == 1 && (h.head_len == 0 || h.head_len > size || strlen(h.path) >= sizeof h.path))
			__builtin_trap();
	}
	if (kd_http_form_field(text, size, "new", out, sizeof out, &n) == KD_OK && (n >= sizeof out || strlen(out) != n))
		__builtin_trap();
	return 0;
}
