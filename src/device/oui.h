/* oui.h - MAC address vendor lookup from the IEEE registry (Debian's
 * ieee-data: /usr/share/ieee-data/oui.csv, or the file named by
 * $KOBAN_OUI_FILE). Loaded once, on first use. */
#ifndef KOBAN_OUI_H
#define KOBAN_OUI_H

#include <stdint.h>

/* Organisation name for the MAC's OUI, or NULL (unknown, locally
 * administered, or registry missing). The string lives until oui_free(). */
const char *oui_lookup(const uint8_t mac[6]);
void oui_free(void);

#endif
