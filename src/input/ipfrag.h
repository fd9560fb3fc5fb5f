/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPv4 and IPv6 fragment reassembly for captures, bounded in memory and in capture time:
 * at most TW_IPFRAG_SLOTS datagrams in progress, each at most 65,535 bytes, dropped when no
 * fragment came for TW_IPFRAG_TIMEOUT_S seconds of capture time or when a newer datagram
 * needs the slot. Overlapping fragments that disagree make the datagram invalid (the
 * classic IDS-evasion case); identical overlaps (retransmissions) are accepted. */
#ifndef TW_INPUT_IPFRAG_H
#define TW_INPUT_IPFRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

#define TW_IPFRAG_SLOTS	    64
#define TW_IPFRAG_MAX	    65535
#define TW_IPFRAG_TIMEOUT_S 60
#define TW_IPFRAG_PENDING   1 /* tw_ipfrag_add(): more fragments needed */

struct tw_ipfrag_slot {
	bool used, conflict;
	struct tw_addr src, dst;
	uint32_t id;
	uint8_t proto;
	int64_t last_ns;     /* capture time of the latest fragment */
	uint32_t total;	     /* payload length once the last fragment is seen, else 0 */
	uint32_t have;	     /* bytes covered so far */
	uint8_t *buf;	     /* TW_IPFRAG_MAX bytes, allocated on first use */
	uint8_t cover[8192]; /* one bit per 8-byte unit of the payload */
};

struct tw_ipfrag {
	struct tw_ipfrag_slot slot[TW_IPFRAG_SLOTS];
	uint64_t expired, evicted, conflicts; /* datagrams given up, by reason */
	uint8_t *out;			      /* the last reassembled payload */
	size_t out_len;
};

void tw_ipfrag_init(struct tw_ipfrag *f);
void tw_ipfrag_fini(struct tw_ipfrag *f);

/* Adds one fragment: 'data'/'len' is the fragment's payload at byte 'offset' of the
 * datagram's payload; 'more' is the MF flag. Returns TW_OK when the datagram is complete
 * (its payload in f->out/f->out_len, valid until the next call), TW_IPFRAG_PENDING when more
 * fragments are needed, TW_E_INVALID for a bad fragment or disagreeing overlap (reason in
 * *why), TW_E_NOMEM. */
int tw_ipfrag_add(struct tw_ipfrag *f, const struct tw_addr *src, const struct tw_addr *dst,
		  uint32_t id, uint8_t proto, uint32_t offset, const uint8_t *data, size_t len,
		  bool more, int64_t now_ns, const char **why);

/* Datagrams still incomplete (at the end of a capture). */
unsigned tw_ipfrag_pending(const struct tw_ipfrag *f);

#endif
