/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the journal-json line parser (input/in-journal-json.c). */
#include "fuzz-line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return tw_fuzz_line(&tw_in_journal_json, data, size);
}
