/* registry.c - the table of detectors, in the order they run. To add one:
 * write detect/<name>.c exporting `detector_<name>`, declare it in
 * detect/detectors.h and list it here. */
#include "detect/detector.h"
#include "detect/detectors.h"

const struct detector *const detector_table[] = {
	NULL, /* keeps the array non-empty; skipped below */
};

const size_t detector_count = 0;
