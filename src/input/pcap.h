/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Packet captures as an input: pcap and pcapng through libpcap, plain or gzip-compressed,
 * frame by frame into events (packet.h), with the same skip accounting as the line reader. */
#ifndef TW_INPUT_PCAP_H
#define TW_INPUT_PCAP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/event.h"
#include "input/input.h"
#include "input/ipfrag.h"

struct tw_pcap {
	void *pcap;   /* pcap_t */
	void *gz;     /* gzFile when the capture is compressed */
	void *stream; /* FILE over the gzip stream */
	int linktype;
	uint32_t file_index;
	struct tw_ipfrag frag;
	uint64_t frames, events;
	uint64_t skipped[TW_SKIP_NREASONS];
	uint64_t skip_frame; /* the last skipped frame, for --verbose */
	enum tw_skip skip_reason;
	const char *skip_detail;
	uint64_t size, consumed; /* for progress: file size, bytes read (approximate) */
	/* A plain classic pcap file is read from a memory map, without libpcap's copies. */
	const uint8_t *map;
	size_t map_size, pos, dropped;
	bool swapped, nsec, owns_map;
	uint32_t snaplen;
};

/* The memory-map reader on its own (also for the fuzz harness): 'p'/'n' is a whole classic
 * pcap file. TW_OK, TW_E_NOTFOUND (not classic pcap) or TW_E_INVALID (bad header). */
int tw_pcap_open_mem(struct tw_pcap *pc, const uint8_t *p, size_t n, uint32_t file_index,
		     struct tw_errctx *ec);

/* Is 'path' a capture (pcap or pcapng magic, also inside gzip)? "-" is never sniffed. */
bool tw_pcap_is_capture(const char *path);
/* Opens a capture; TW_E_IO / TW_E_INVALID with the reason in 'ec'. */
int tw_pcap_open(struct tw_pcap *pc, const char *path, uint32_t file_index, struct tw_errctx *ec);
/* Next event: TW_OK, TW_READER_SKIPPED (see skip_*), TW_EOF, or TW_E_IO/TW_E_INVALID for a
 * capture that is damaged beyond the frame (reason in 'ec'). */
int tw_pcap_next(struct tw_pcap *pc, struct tw_event *ev, struct tw_errctx *ec);
void tw_pcap_close(struct tw_pcap *pc);

#endif
