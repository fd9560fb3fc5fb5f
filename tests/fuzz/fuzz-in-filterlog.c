/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the filterlog line parser (input/in-filterlog.c). */
#include "fuzz-line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return tw_fuzz_line(&tw_in_filterlog, data, size);
}
