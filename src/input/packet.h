/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One captured frame into the normalized event: link layer (Ethernet with up to two VLAN
 * tags, Linux cooked SLL and SLL2, raw IPv4/IPv6, BSD loopback), IPv4 or IPv6 (extension
 * headers walked), fragments reassembled, then UDP, TCP or ICMP. Pure apart from the
 * reassembly table; reads only through the bounded cursor. */
#ifndef TW_INPUT_PACKET_H
#define TW_INPUT_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "input/ipfrag.h"

/* Link types (the LINKTYPE_ values pcap files carry). */
enum {
	TW_LINK_NULL = 0, /* BSD loopback, family in host order of the capturing machine */
	TW_LINK_ETHERNET = 1,
	TW_LINK_RAW = 101,
	TW_LINK_LOOP = 108, /* OpenBSD loopback, family in network order */
	TW_LINK_SLL = 113,
	TW_LINK_IPV4 = 228,
	TW_LINK_IPV6 = 229,
	TW_LINK_SLL2 = 276,
	TW_LINK_DLT_RAW_A = 12, /* DLT_RAW as some systems number it */
	TW_LINK_DLT_RAW_B = 14,
};

struct tw_pkt_ctx {
	struct tw_ipfrag *frag; /* NULL: fragments are not reassembled */
	const char *detail;	/* out: why a frame gave no event */
};

/* Parses one frame of 'caplen' captured bytes ('wirelen' on the wire) taken at 'ts_ns'.
 * Returns TW_OK (ev filled; ev->payload spans the captured transport payload, which may
 * be shorter than ev->payload_len says when the snap length cut it), TW_E_NOTFOUND (not
 * IP: ARP, IPX, NetBEUI…), TW_E_TRUNCATED (cut before the transport header),
 * TW_E_INVALID, TW_E_UNSUPPORTED (an unknown link type), or TW_IN_NOPACKET (a fragment
 * held for reassembly). Spans point into 'p' or the reassembly buffer. */
int tw_pkt_parse(int linktype, const uint8_t *p, size_t caplen, size_t wirelen, int64_t ts_ns,
		 struct tw_event *ev, struct tw_pkt_ctx *ctx);

/* True when the link type is one tw_pkt_parse() reads. */
bool tw_pkt_link_supported(int linktype);

#endif
