/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Names for the normalized event's enumerations. */
#include "core/event.h"

#include <stddef.h>

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
