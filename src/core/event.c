/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Names for the normalized event's enumerations. */
#include "core/event.h"

#include <stddef.h>
#include <string.h>

#include "core/cursor.h"
#include "core/err.h"

const char *tw_proto_name(uint8_t proto)
{
	switch (proto) {
	case TW_IPPROTO_ICMP: return "icmp";
	case TW_IPPROTO_IGMP: return "igmp";
	case TW_IPPROTO_TCP: return "tcp";
	case TW_IPPROTO_UDP: return "udp";
	case TW_IPPROTO_GRE: return "gre";
	case TW_IPPROTO_ESP: return "esp";
	case TW_IPPROTO_AH: return "ah";
	case TW_IPPROTO_ICMPV6: return "ipv6-icmp";
	case TW_IPPROTO_SCTP: return "sctp";
	case TW_IPPROTO_UDPLITE: return "udplite";
	}
	return NULL;
}

int tw_proto_parse(const char *p, size_t n, uint8_t *out)
{
	struct tw_span v = {p, n};
	uint32_t num;

	/* Cisco and others write names in lower case ("udp", "icmp"). */
	if (n && n <= 10 && p[0] >= 'a' && p[0] <= 'z') {
		char up[10];
		for (size_t i = 0; i < n; i++)
			up[i] = (p[i] >= 'a' && p[i] <= 'z') ? (char)(p[i] - 32) : p[i];
		if (n == 6 && tw_bytes_eq(up, "ICMPV6", 6))
			memcpy(up, "ICMPv6", 6);
		return tw_proto_parse(up, n, out);
	}

	/* Written out with word compares, not a table loop: every log line comes here. */
#define IS(lit) (n == sizeof(lit) - 1 && tw_bytes_eq(p, lit, sizeof(lit) - 1))
	if (IS("TCP"))
		*out = TW_IPPROTO_TCP;
	else if (IS("UDP"))
		*out = TW_IPPROTO_UDP;
	else if (IS("ICMP"))
		*out = TW_IPPROTO_ICMP;
	else if (IS("ICMPv6") || IS("IPv6-ICMP") || IS("IPV6-ICMP"))
		*out = TW_IPPROTO_ICMPV6;
	else if (IS("UDPLITE"))
		*out = TW_IPPROTO_UDPLITE;
	else if (IS("ESP"))
		*out = TW_IPPROTO_ESP;
	else if (IS("AH"))
		*out = TW_IPPROTO_AH;
	else if (IS("SCTP"))
		*out = TW_IPPROTO_SCTP;
	else if (IS("GRE"))
		*out = TW_IPPROTO_GRE;
	else if (IS("IGMP"))
		*out = TW_IPPROTO_IGMP;
	else if (tw_span_u32(v, 255, &num) == TW_OK)
		*out = (uint8_t)num;
	else
		return TW_E_INVALID;
#undef IS
	return TW_OK;
}
