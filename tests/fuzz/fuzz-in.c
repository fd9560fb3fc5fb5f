/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness for one input format, named at build time by TW_FUZZ_FORMAT (the
 * registry symbol, e.g. tw_in_netfilter): tests/meson.build builds one per format. */
#include "fuzz-line.h"

#ifndef TW_FUZZ_FORMAT
#error "TW_FUZZ_FORMAT must name an input format"
#endif

extern const struct tw_input_format TW_FUZZ_FORMAT;
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return tw_fuzz_lines(&TW_FUZZ_FORMAT, data, size);
}
