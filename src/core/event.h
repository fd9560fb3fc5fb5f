/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The normalized event (DESIGN.md "The data model"): one packet as seen by a log line, a
 * capture or NFLOG. Parsers fill it; only output/ turns it into text. Unknown is explicit:
 * a field is meaningful only when its TW_EV_HAS_* bit is set in 'has'. */
#ifndef TW_CORE_EVENT_H
#define TW_CORE_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/cursor.h"

enum tw_action { TW_ACT_UNKNOWN = 0, TW_ACT_DROP, TW_ACT_REJECT, TW_ACT_ACCEPT };
enum tw_dir { TW_DIR_UNKNOWN = 0, TW_DIR_IN, TW_DIR_OUT, TW_DIR_FORWARD };

/* TCP flag bits, as in the TCP header. */
enum {
	TW_TCP_FIN = 0x01,
	TW_TCP_SYN = 0x02,
	TW_TCP_RST = 0x04,
	TW_TCP_PSH = 0x08,
	TW_TCP_ACK = 0x10,
	TW_TCP_URG = 0x20,
	TW_TCP_ECE = 0x40,
	TW_TCP_CWR = 0x80,
};

/* Which optional fields are known. */
enum {
	TW_EV_HAS_TS = 1u << 0,
	TW_EV_HAS_TZ = 1u << 1,	    /* the source stated its UTC offset (tz_off_s) */
	TW_EV_HAS_UPTIME = 1u << 2, /* kernel [uptime] stamp */
	TW_EV_HAS_PORTS = 1u << 3,
	TW_EV_HAS_FLAGS = 1u << 4,
	TW_EV_HAS_IPLEN = 1u << 5,
	TW_EV_HAS_PAYLEN = 1u << 6, /* transport payload length (UDP LEN - 8) */
	TW_EV_HAS_TTL = 1u << 7,
	TW_EV_HAS_IPID = 1u << 8,
	TW_EV_HAS_ICMP = 1u << 9,   /* icmp_type / icmp_code */
	TW_EV_HAS_INNER = 1u << 10, /* 'inner' holds the packet quoted by an ICMP error */
	TW_EV_HAS_FRAG = 1u << 11,  /* a non-first fragment: no transport header */
	/* The log named a host object instead of an address (Cisco "names"): src_name or
	 * dst_name holds it and the address is TW_AF_NONE. */
	TW_EV_HAS_SRCNAME = 1u << 12,
	TW_EV_HAS_DSTNAME = 1u << 13,
	TW_EV_HAS_SEQ = 1u << 14, /* tcp_seq: a captured TCP segment's sequence number */
	/* A sensor saw this TCP connection complete its handshake (Zeek conn_state SF, S1,
	 * S2, S3, RSTO, RSTR; a Suricata flow with packets both ways): the source is real. */
	TW_EV_HAS_SESSION = 1u << 15,
};

/* The offending packet quoted inside an ICMP error ("[SRC=… DST=… …]"). */
struct tw_event_inner {
	struct tw_addr src, dst;
	uint16_t sport, dport;
	uint8_t proto;
	uint8_t has_ports;
};

/* Where an event came from. */
struct tw_origin {
	uint16_t format; /* index in the input registry */
	uint32_t file;	 /* index of the input file on the command line */
	uint64_t line;	 /* 1-based line (or packet) number */
	uint64_t offset; /* byte offset of the line */
};

struct tw_event {
	uint32_t has;	  /* TW_EV_HAS_* */
	int64_t ts;	  /* UTC ns since the epoch */
	int64_t uptime;	  /* ns since boot, from a kernel stamp */
	int32_t tz_off_s; /* the offset the source stated */
	struct tw_addr src, dst;
	uint16_t sport, dport;
	uint8_t proto; /* IP protocol number */
	uint8_t tcp_flags;
	uint8_t icmp_type, icmp_code;
	uint16_t ip_len, payload_len, ip_id;
	uint8_t ttl;
	uint32_t tcp_seq;
	uint8_t action;					       /* enum tw_action */
	uint8_t dir;					       /* enum tw_dir */
	struct tw_span iface_in, iface_out, prefix, host, mac; /* valid until the next record */
	struct tw_span src_name, dst_name;		       /* see TW_EV_HAS_SRCNAME */
	struct tw_span payload; /* bytes, when the source carries them */
	struct tw_event_inner inner;
	struct tw_origin origin;
};

/* IP protocol numbers used by name. */
enum {
	TW_IPPROTO_ICMP = 1,
	TW_IPPROTO_IGMP = 2,
	TW_IPPROTO_TCP = 6,
	TW_IPPROTO_UDP = 17,
	TW_IPPROTO_GRE = 47,
	TW_IPPROTO_ESP = 50,
	TW_IPPROTO_AH = 51,
	TW_IPPROTO_ICMPV6 = 58,
	TW_IPPROTO_SCTP = 132,
	TW_IPPROTO_UDPLITE = 136
};

/* Parses a protocol as logs write it: a name (TCP, UDP, ICMP, ICMPv6 or IPv6-ICMP,
 * UDPLITE, ESP, AH, SCTP, GRE, IGMP) or a number 0..255. TW_OK or TW_E_INVALID. */
int tw_proto_parse(const char *p, size_t n, uint8_t *out);
/* Lower-case protocol name ("tcp", "udp", "icmp", "ipv6-icmp", …) or NULL if unnamed. */
const char *tw_proto_name(uint8_t proto);

#endif
