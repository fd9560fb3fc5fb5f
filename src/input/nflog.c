/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NFLOG through libnetfilter_log (nflog.h). */
#include <errno.h>
#include <libnetfilter_log/libnetfilter_log.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/alloc.h"
#include "core/time.h"
#include "input/nflog.h"
#include "input/input.h"
#include "input/packet.h"

struct tw_nflog {
	struct nflog_handle *h;
	struct nflog_g_handle *g;
	struct tw_ipfrag frag;
	struct tw_nflog_stats st;
	tw_nflog_cb cb;
	void *ctx;
	int stop;
};

static int on_packet(struct nflog_g_handle *g, struct nfgenmsg *msg, struct nflog_data *nfa,
		     void *data)
{
	struct tw_nflog *nl = data;
	char *payload = NULL;
	(void)g;
	(void)msg;
	nl->st.received++;
	int len = nflog_get_payload(nfa, &payload);
	if (len <= 0 || !payload) {
		nl->st.skipped++;
		nl->st.last_skip = "no packet copied";
		return 0;
	}
	struct timeval tv;
	int64_t ts;
	if (nflog_get_timestamp(nfa, &tv) == 0)
		ts = (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
	else
		ts = tw_time_now();
	struct tw_event ev;
	struct tw_pkt_ctx pc = {&nl->frag, NULL};
	memset(&ev, 0, sizeof(ev));
	int r = tw_pkt_parse(TW_LINK_RAW, (const uint8_t *)payload, (size_t)len, (size_t)len, ts,
			     &ev, &pc);
	if (r == TW_IN_NOPACKET) {
		nl->st.held++; /* a fragment, held for reassembly */
		return 0;
	}
	if (r != TW_OK) {
		nl->st.skipped++; /* not IP, or malformed */
		nl->st.last_skip = pc.detail		 ? pc.detail
				   : r == TW_E_NOTFOUND	 ? "not IP"
				   : r == TW_E_TRUNCATED ? "cut short"
							 : "malformed";
		return 0;
	}
	const char *prefix = nflog_get_prefix(nfa);
	if (prefix)
		ev.prefix = (struct tw_span){prefix, strnlen(prefix, 128)};
	ev.action = TW_ACT_DROP;
	ev.dir = TW_DIR_IN;
	nl->st.parsed++;
	if (nl->cb && nl->cb(nl->ctx, &ev))
		nl->stop = 1;
	return 0;
}

int tw_nflog_open(struct tw_nflog **out, unsigned group, struct tw_errctx *ec)
{
	struct tw_nflog *nl = tw_calloc(1, sizeof(*nl));
	if (!nl)
		return tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
	tw_ipfrag_init(&nl->frag);
	nl->h = nflog_open();
	if (!nl->h) {
		tw_nflog_close(nl);
		return tw_err_set(ec, TW_E_PERM, errno, "NFLOG: cannot open (CAP_NET_ADMIN?)");
	}
	/* Older kernels want the families bound; newer ones ignore it. */
	nflog_unbind_pf(nl->h, AF_INET);
	nflog_bind_pf(nl->h, AF_INET);
	nflog_unbind_pf(nl->h, AF_INET6);
	nflog_bind_pf(nl->h, AF_INET6);
	nl->g = nflog_bind_group(nl->h, (uint16_t)group);
	if (!nl->g || nflog_set_mode(nl->g, NFULNL_COPY_PACKET, 0xffff) < 0) {
		tw_nflog_close(nl);
		return tw_err_set(ec, TW_E_PERM, errno, "NFLOG: cannot bind group %u", group);
	}
	/* The kernel sends a batch at 64 packets or after 10 ms, whichever comes first (its
	 * default waits up to a second: too late for a ban). */
	nflog_set_qthresh(nl->g, 64);
	nflog_set_timeout(nl->g, 1);
	nflog_set_nlbufsiz(nl->g, 1u << 20);
	nflog_callback_register(nl->g, on_packet, nl);
	*out = nl;
	return TW_OK;
}

/* One receive (blocking or not): TW_OK, 1 when nothing is waiting, TW_E_IO. */
static int read_once(struct tw_nflog *nl, int flags, struct tw_errctx *ec)
{
	static _Thread_local char buf[65536 + 1024];
	ssize_t n = recv(nflog_fd(nl->h), buf, sizeof(buf), flags);
	if (n < 0) {
		if (errno == ENOBUFS) { /* the kernel dropped messages: count, go on */
			nl->st.overruns++;
			return TW_OK;
		}
		if (errno == EINTR)
			return TW_OK;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 1;
		return tw_err_set(ec, TW_E_IO, errno, "NFLOG: recv: %s", strerror(errno));
	}
	nflog_handle_packet(nl->h, buf, (int)n);
	return TW_OK;
}

int tw_nflog_run(struct tw_nflog *nl, int timeout_ms, tw_nflog_cb cb, void *ctx,
		 struct tw_errctx *ec)
{
	int fd = nflog_fd(nl->h);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	nl->cb = cb;
	nl->ctx = ctx;
	nl->stop = 0;
	while (!nl->stop) {
		int wait = -1;
		if (timeout_ms >= 0) {
			struct timespec t;
			clock_gettime(CLOCK_MONOTONIC, &t);
			long long el =
			    (t.tv_sec - t0.tv_sec) * 1000LL + (t.tv_nsec - t0.tv_nsec) / 1000000;
			if (el >= timeout_ms)
				break;
			wait = (int)(timeout_ms - el);
		}
		struct pollfd pf = {fd, POLLIN, 0};
		int pr = poll(&pf, 1, wait);
		if (pr < 0 && errno != EINTR)
			return tw_err_set(ec, TW_E_IO, errno, "NFLOG: poll: %s", strerror(errno));
		if (pr <= 0)
			continue;
		int r = read_once(nl, 0, ec);
		if (r < 0)
			return r;
	}
	return TW_OK;
}

int tw_nflog_fd(const struct tw_nflog *nl)
{
	return nflog_fd(nl->h);
}

int tw_nflog_dispatch(struct tw_nflog *nl, tw_nflog_cb cb, void *ctx, struct tw_errctx *ec)
{
	nl->cb = cb;
	nl->ctx = ctx;
	nl->stop = 0;
	/* At most 256 messages at a time, so that other sources get their turn. */
	for (int i = 0; i < 256 && !nl->stop; i++) {
		int r = read_once(nl, MSG_DONTWAIT, ec);
		if (r)
			return r < 0 ? r : TW_OK;
	}
	return TW_OK;
}

void tw_nflog_stats(const struct tw_nflog *nl, struct tw_nflog_stats *st)
{
	*st = nl->st;
}

void tw_nflog_close(struct tw_nflog *nl)
{
	if (!nl)
		return;
	if (nl->g)
		nflog_unbind_group(nl->g);
	if (nl->h)
		nflog_close(nl->h);
	tw_ipfrag_fini(&nl->frag);
	free(nl);
}
