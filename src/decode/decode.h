/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Decode stage: payload decoders for the Messenger delivery paths and the NetBIOS/RPC
 * probes around them (messenger-protocol.md), one file each, all reading through the
 * bounded cursor, and their registry (style.md B2). A decoder looks at the bytes, not the
 * port: a Messenger request is recognised on any UDP port. */
#ifndef TW_DECODE_DECODE_H
#define TW_DECODE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"

/* How a message reached the screen (messenger-protocol.md §1). */
enum tw_path {
	TW_PATH_NONE = 0,
	TW_PATH_RPC,	  /* A: DCE/RPC over UDP, msgsvcsend NetrSendMessage */
	TW_PATH_MAILSLOT, /* B: NetBIOS datagram, SMB Transaction to \MAILSLOT\MESSNGR */
	TW_PATH_SMB,	  /* C: NetBIOS session, SMB Send Message 0xD0 / 0xD5-0xD7 */
};
const char *tw_path_name(enum tw_path p);

/* A Messenger message: the raw bytes in the sender's code page, each up to its first NUL. */
struct tw_msg {
	uint8_t path; /* enum tw_path */
	struct tw_span from, to, text;
};

/* What a payload turned out to be. */
enum tw_dec_kind {
	TW_DEC_NONE = 0,
	TW_DEC_MESSENGER,      /* msg holds From/To/Text */
	TW_DEC_RPC,	       /* another DCE/RPC connectionless PDU (interface in 'what') */
	TW_DEC_RPC_FRAGMENT,   /* one fragment of a DCE/RPC call, held for reassembly */
	TW_DEC_NBNS,	       /* a NetBIOS name service packet; name/suffix decoded */
	TW_DEC_NBSTAT_REQUEST, /* NBNS node status request (the "NetBIOS probe") */
	TW_DEC_NBSTAT_RESPONSE,
	TW_DEC_NBDGM, /* a NetBIOS datagram to another mailslot */
	TW_DEC_NBSS,  /* a NetBIOS session packet that carries no message */
};

#define TW_NBNAME_MAX	16
#define TW_NBSTAT_NAMES 24

struct tw_decoded {
	int status;	  /* TW_OK, TW_E_TRUNCATED (cut by the snap length), TW_E_INVALID */
	const char *why;  /* static reason when status is not TW_OK */
	uint8_t kind;	  /* enum tw_dec_kind */
	const char *what; /* static one-line description ("DCE/RPC request, epmapper") */
	struct tw_msg msg;
	char name[TW_NBNAME_MAX]; /* a decoded NetBIOS name (NUL-terminated, trimmed) */
	int name_suffix;	  /* its 16th byte, or -1 */
	uint16_t count;		  /* names in an NBSTAT answer */
	/* An NBSTAT answer's name table (the first TW_NBSTAT_NAMES of 'count'): name, suffix
	 * and flags (0x8000 group, 0x0400 active…). */
	struct {
		char name[TW_NBNAME_MAX];
		uint8_t suffix;
		uint16_t flags;
	} table[TW_NBSTAT_NAMES];
	uint8_t mac[6]; /* an NBSTAT answer's MAC address */
	bool has_mac;
};

/* State that outlives one packet: DCE/RPC fragments waiting for the rest of their call.
 * Bounded: at most TW_RPC_CALLS calls, 64 KiB and 64 fragments each. */
#define TW_RPC_CALLS 32
#define TW_TCP_FLOWS 16
#define TW_TCP_BUF   (65536 + 8)
struct tw_rpc_call;
struct tw_mb;
struct tw_tcpflow;
struct tw_decode_state {
	struct tw_rpc_call *calls; /* TW_RPC_CALLS entries, allocated on first use */
	struct tw_mb *mb;	   /* SMB multi-block messages in progress, per TCP stream */
	struct tw_tcpflow *flows;  /* TCP 139 streams being reassembled */
	uint8_t *out;		   /* the last reassembled body */
	size_t out_len;
	uint64_t dropped; /* calls given up (evicted or inconsistent) */
	uint64_t tick;	  /* orders calls for eviction */
};
void tw_decode_state_init(struct tw_decode_state *st);
void tw_decode_state_fini(struct tw_decode_state *st);

struct tw_decoder {
	const char *name;
	const char *summary;
	/* Decodes ev->payload (ev->payload_len bytes on the wire; fewer captured means
	 * truncated). Returns TW_OK with 'out' filled when the payload is this decoder's
	 * (out->status says whether it is whole), TW_E_NOTFOUND otherwise. 'st' may be NULL
	 * (no reassembly). Spans in 'out' point into the payload or 'st'. */
	int (*decode)(const struct tw_event *ev, struct tw_decoded *out,
		      struct tw_decode_state *st);
};

extern const struct tw_decoder tw_dec_dcerpc, tw_dec_nbns, tw_dec_nbdgm, tw_dec_nbss;
extern const struct tw_decoder *const tw_decoders[];

/* Runs the registry on an event with a payload; TW_OK when one decoder recognised it. */
int tw_decode(const struct tw_event *ev, struct tw_decoded *out, struct tw_decode_state *st);

/* Shared by the decoders (decode-int.h would hold them if there were more):
 * NetrSendMessage's NDR stub (3 conformant varying strings) into 'm'. */
int tw_dec_netrsendmessage(const uint8_t *stub, size_t len, size_t wire_len, bool little,
			   struct tw_msg *m, const char **why);
/* A first-level encoded NetBIOS name (RFC 1001 §14.1) at *p: 32 letters 'A'..'P' after a
 * length byte 0x20, then labels to a 0 byte (or a compression pointer). Decodes into
 * 'name' (trailing spaces trimmed) and *suffix; advances the cursor. */
struct tw_cursor;
int tw_dec_nbname(struct tw_cursor *c, char name[TW_NBNAME_MAX], int *suffix);
/* Three NUL-terminated strings From, To, Text (the mailslot and SMB 0xD0 bodies). */
int tw_dec_three_strings(const uint8_t *p, size_t len, struct tw_msg *m, const char **why);

#endif
