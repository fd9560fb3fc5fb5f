/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runs every unit-test suite and prints TAP. Usage: unit-tests [SUITE-or-TEST-substring]. */
#include <stdio.h>
#include <string.h>

#include "tap.h"

int tw_t_failed;
const char *tw_t_skip;

/* clang-format off */
#define SUITES(X) \
	X(cursor) X(arena) X(addr) X(special) X(time) X(esc) X(lines) \
	X(in_netfilter) X(in_journal_json) X(in_filterlog) X(in_pftcpdump) \
	X(in_suricata_eve) \
	X(in_pfirewall) \
	X(in_zonealarm) X(in_cisco_asa) \
	X(in_fortigate) X(in_sophos) \
	X(in_mikrotik) \
	X(in_juniper) \
	X(in_checkpoint) \
	X(in_ulogd_json) \
	X(in_zeek) \
	X(in_wfp) \
	X(in_fastlog) \
	X(reader) X(decode) X(classify) X(agg) X(conf) X(netdb) X(abuse) X(store) X(policy)
/* clang-format on */

#define DECL(n) extern const struct tw_suite tw_suite_##n;
SUITES(DECL)
#define REF(n) &tw_suite_##n,
static const struct tw_suite *const suites[] = {SUITES(REF) NULL};

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	int n = 0, pass = 0, fail = 0, skip = 0;

	for (size_t s = 0; suites[s]; s++) {
		for (const struct tw_test *t = suites[s]->tests; t->name; t++) {
			char full[256];
			snprintf(full, sizeof(full), "%s.%s", suites[s]->name, t->name);
			if (filter && !strstr(full, filter))
				continue;
			tw_t_failed = 0;
			tw_t_skip = NULL;
			fflush(stdout);
			t->fn();
			n++;
			if (tw_t_skip) {
				printf("ok %d - %s # SKIP %s\n", n, full, tw_t_skip);
				skip++;
			} else if (tw_t_failed) {
				printf("not ok %d - %s\n", n, full);
				fail++;
			} else {
				printf("ok %d - %s\n", n, full);
				pass++;
			}
		}
	}
	printf("1..%d\n# %d passed, %d failed, %d skipped\n", n, pass, fail, skip);
	return fail ? 1 : 0;
}
