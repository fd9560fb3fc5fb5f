/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The input registry (style.md B2): every log format, in per-line detection order. */
#include <string.h>

#include "input/input.h"

/* Each row's format, defined in its own file in-<name>.c (its name in meson.build's
 * line_formats). */
extern const struct tw_input_format tw_in_netfilter, tw_in_journal_json, tw_in_filterlog,
    tw_in_pftcpdump, tw_in_suricata_eve, tw_in_pfirewall, tw_in_zonealarm, tw_in_cisco_asa,
    tw_in_fortigate, tw_in_sophos, tw_in_mikrotik, tw_in_juniper, tw_in_checkpoint,
    tw_in_ulogd_json, tw_in_zeek, tw_in_wfp, tw_in_fastlog;

/* clang-format off: one row per line, so that adding a format is adding a line */
const struct tw_input_format *const tw_input_formats[] = {
    &tw_in_journal_json, /* cheap to rule out: the line must start with '{' */
    &tw_in_suricata_eve, &tw_in_netfilter, &tw_in_filterlog,
    &tw_in_pftcpdump,	 &tw_in_pfirewall, &tw_in_zonealarm,
    &tw_in_cisco_asa,	 &tw_in_fortigate, &tw_in_sophos,
    &tw_in_mikrotik,	 &tw_in_juniper,   &tw_in_checkpoint,
    &tw_in_ulogd_json,	 &tw_in_zeek,	   &tw_in_wfp,
    &tw_in_fastlog,	 &tw_in_pcap,	   NULL,
};
/* clang-format on */

const struct tw_input_format *tw_input_find(const char *name)
{
	for (size_t i = 0; tw_input_formats[i]; i++)
		if (strcmp(tw_input_formats[i]->name, name) == 0)
			return tw_input_formats[i];
	return NULL;
}

uint16_t tw_input_index(const struct tw_input_format *f)
{
	for (uint16_t i = 0; tw_input_formats[i]; i++)
		if (tw_input_formats[i] == f)
			return i;
	return 0;
}

const char *tw_skip_name(enum tw_skip s)
{
	switch (s) {
	case TW_SKIP_NOT_FIREWALL: return "not-firewall";
	case TW_SKIP_MALFORMED: return "malformed";
	case TW_SKIP_TRUNCATED: return "truncated";
	case TW_SKIP_TOO_LONG: return "too-long";
	case TW_SKIP_BINARY: return "binary";
	case TW_SKIP_NOPACKET: return "no-packet";
	case TW_SKIP_NREASONS: break;
	}
	return "?";
}
