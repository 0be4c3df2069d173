/* registry.c - the table of detectors, in the order they run. To add one:
 * write detect/<name>.c exporting `detector_<name>`, declare it in
 * detect/detectors.h and list it here. */
#include "detect/detector.h"
#include "detect/detectors.h"

const struct detector *const detector_table[] = {
	&detector_c2,
	&detector_vulnerable_firmware,
	&detector_end_of_support,
	&detector_bruteforce,
	&detector_default_credential,
	&detector_cleartext_admin,
	&detector_wan_exposure,
	&detector_scan,
	&detector_flood,
};

const size_t detector_count = sizeof detector_table / sizeof detector_table[0];
