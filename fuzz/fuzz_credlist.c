/* fuzz_credlist.c - libFuzzer target for libkoban-device's reader of
 * koban's default-credential list (the device gets it as a buffer) and the
 * password strength check: the input is used as the list and as a
 * password. */
#include <stddef.h>
#include <stdint.h>

#include "koban_device.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char list[] = "# comment\nroot\txc3511\tMirai\nadmin\tadmin\tMirai\nadmin\t\tMirai\n";
	const char *text = (const char *)data;
	unsigned bad = 0;
	int n = kd_credlist_count(text, size, &bad);
	if (n < 0 && bad == 0)
		__builtin_trap();
	unsigned e = kd_credlist_find(text, size, "admin", 5, true);
	if (n >= 0 && e > (unsigned)n)
		__builtin_trap();
	int v = kd_password_check(text, size, list, sizeof list - 1, "admin", "KBN-0001", "ABCD-EFGH-JKLM");
	if (v < KD_PW_OK || v > KD_PW_IDENTITY)
		__builtin_trap();
	(void)kd_password_check("Tr0ub4dor&3x", 12, text, size, NULL, NULL, NULL);
	return 0;
}
