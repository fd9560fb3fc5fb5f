/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Live probes from the kernel: an NFLOG group (libnetfilter_log) with the packets copied,
 * each parsed as a raw IP frame (packet.h) into an event carrying the log prefix. Buffer
 * overruns are counted, never silent. */
#ifndef TW_INPUT_NFLOG_H
#define TW_INPUT_NFLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/event.h"
#include "input/ipfrag.h"

struct tw_nflog;

/* Called for each packet that parsed; 'ev' (spans into the packet) is valid during the
 * call. Return non-zero to stop. */
typedef int (*tw_nflog_cb)(void *ctx, struct tw_event *ev);

/* Binds to NFLOG 'group' (needs CAP_NET_ADMIN). */
int tw_nflog_open(struct tw_nflog **nl, unsigned group, struct tw_errctx *ec);
/* Reads and dispatches what arrives for at most 'timeout_ms' (-1: until a callback stops
 * or an error). TW_OK on timeout or stop, TW_E_IO on a socket error. */
int tw_nflog_run(struct tw_nflog *nl, int timeout_ms, tw_nflog_cb cb, void *ctx,
		 struct tw_errctx *ec);
/* For an event loop: the socket to wait on, and what is waiting read without blocking
 * (at most 256 messages), each parsed packet given to 'cb'. TW_OK or TW_E_IO. */
int tw_nflog_fd(const struct tw_nflog *nl);
int tw_nflog_dispatch(struct tw_nflog *nl, tw_nflog_cb cb, void *ctx, struct tw_errctx *ec);
/* Packets received, parsed, not IP or malformed, and lost to buffer overruns. */
struct tw_nflog_stats {
	uint64_t received, parsed, skipped, overruns;
	uint64_t held;	       /* fragments held for reassembly */
	const char *last_skip; /* why the last skipped one was (static), or NULL */
};
void tw_nflog_stats(const struct tw_nflog *nl, struct tw_nflog_stats *st);
void tw_nflog_close(struct tw_nflog *nl);

#endif
