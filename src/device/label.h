/* label.h - how events and messages name a device: "ipcam-01 (192.168.1.20)",
 * "Hikvision DS-2CD2042WD (28:57:be:01:02:03)", or just the address. */
#ifndef KOBAN_LABEL_H
#define KOBAN_LABEL_H

#include <stddef.h>

#include "engine/model.h"

/* Writes the label into buf and returns buf. The address shown is ip when
 * given (family != 0), else the device's MAC, else its first IP. The name
 * is its first host name, else its manufacturer (or OUI vendor) and model.
 * d may be NULL (then only the address). */
const char *device_label(const struct device *d, const struct kaddr *ip, char *buf, size_t n);

#endif
