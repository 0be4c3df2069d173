/* detectors.h - the detectors koban ships; each lives in detect/<name>.c. */
#ifndef KOBAN_DETECTORS_H
#define KOBAN_DETECTORS_H

#include "detect/detector.h"

#endif
