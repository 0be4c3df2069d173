/* detectors.h - the detectors koban ships; each lives in detect/<name>.c. */
#ifndef KOBAN_DETECTORS_H
#define KOBAN_DETECTORS_H

#include "detect/detector.h"

extern const struct detector detector_c2;
extern const struct detector detector_vulnerable_firmware;
extern const struct detector detector_end_of_support;

extern const struct detector detector_bruteforce;
extern const struct detector detector_default_credential;
extern const struct detector detector_cleartext_admin;
extern const struct detector detector_wan_exposure;

extern const struct detector detector_scan;
extern const struct detector detector_flood;

#endif
