/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the Suricata EVE JSON line parser (input/in-suricata-eve.c). */
#include "fuzz-line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return tw_fuzz_line(&tw_in_suricata_eve, data, size);
}
