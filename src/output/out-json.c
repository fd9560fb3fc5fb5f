/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON output: the contracts of DESIGN.md ("analyze --json", "analyze --events"), one object
 * per line, keys in the documented order, absent when unknown. */
#include "output/output.h"

#include <string.h>

#include "core/codepage.h"
#include "core/time.h"
#include "enrich/netdb.h"
#include "output/out-abuse.h"

static void key(struct tw_buf *b, bool *first, const char *k)
{
	tw_buf_adds(b, *first ? "{\"" : ",\"");
	*first = false;
	tw_buf_adds(b, k);
	tw_buf_add(b, "\":", 2);
}

static void str(struct tw_buf *b, const char *s, size_t n)
{
	tw_buf_addc(b, '"');
	tw_esc_json(b, s, n);
	tw_buf_addc(b, '"');
}

static void addr(struct tw_buf *b, const struct tw_addr *a)
{
	char t[TW_ADDR_STRLEN];
	size_t n = tw_addr_format(a, t);
	str(b, t, n);
}

/* A string in the sender's code page, as a JSON string in UTF-8. */
static void cp_str(struct tw_buf *b, struct tw_span s, bool smb)
{
	struct tw_buf u;
	tw_buf_init(&u);
	tw_codepage_to_utf8(&u, s.p, s.len, smb);
	str(b, u.p ? u.p : "", u.len);
	if (u.oom)
		b->oom = true;
	tw_buf_fini(&u);
}

void tw_out_json_msg(struct tw_buf *b, const struct tw_msg *m)
{
	bool smb = m->path == TW_PATH_SMB;
	tw_buf_adds(b, "{\"from\":");
	cp_str(b, m->from, smb);
	tw_buf_adds(b, ",\"to\":");
	cp_str(b, m->to, smb);
	tw_buf_adds(b, ",\"text\":");
	cp_str(b, m->text, smb);
	tw_buf_adds(b, ",\"path\":");
	str(b, tw_path_name((enum tw_path)m->path), strlen(tw_path_name((enum tw_path)m->path)));
	tw_buf_addc(b, '}');
}

static void proto(struct tw_buf *b, uint8_t p)
{
	const char *n = tw_proto_name(p);
	if (n)
		str(b, n, strlen(n));
	else
		tw_buf_printf(b, "\"%u\"", p);
}

static void ts(struct tw_buf *b, int64_t ns, bool frac)
{
	char t[TW_TIME_STRLEN];
	size_t n = tw_time_format(ns, frac, t);
	str(b, t, n);
}

/* One incident: what the source did in one class within one window, with its evidence. */
static void incident(struct tw_buf *b, const struct tw_run_stats *st, const struct tw_srcagg *s,
		     const struct tw_incident *in, bool first_one)
{
	bool first = true;
	struct tw_inc_counts cnt;
	tw_incident_counts(s, in, &cnt);

	if (!first_one)
		tw_buf_addc(b, ',');
	key(b, &first, "class");
	const char *c = tw_class_name(in->cls);
	str(b, c, strlen(c));
	if (in->has_time) {
		key(b, &first, "first");
		ts(b, in->first, false);
		key(b, &first, "last");
		ts(b, in->last, false);
	}
	key(b, &first, "packets");
	tw_buf_printf(b, "%llu", (unsigned long long)in->packets);
	key(b, &first, "dsts");
	tw_buf_printf(b, "%llu", (unsigned long long)cnt.dsts);
	key(b, &first, "ports");
	tw_buf_printf(b, "%llu", (unsigned long long)cnt.ports);
	if (cnt.dsts_est || cnt.ports_est) {
		key(b, &first, "estimated");
		tw_buf_printf(b, "{\"dsts\":%s,\"ports\":%s,\"rel_error\":%.3f}",
			      cnt.dsts_est ? "true" : "false", cnt.ports_est ? "true" : "false",
			      cnt.rel_error);
	}
	if (in->has_ports) {
		key(b, &first, "port_range");
		tw_buf_printf(b, "[%u,%u]", in->port_lo, in->port_hi);
		key(b, &first, "ports_sample");
		tw_buf_addc(b, '[');
		unsigned ns = in->ports.n < TW_INC_SAMPLE ? in->ports.n : TW_INC_SAMPLE;
		for (unsigned i = 0; i < ns; i++) {
			tw_buf_adds(b, i ? ",{\"proto\":" : "{\"proto\":");
			proto(b, (uint8_t)((in->pv[i] - 1) >> 16));
			tw_buf_printf(b, ",\"port\":%u}", (in->pv[i] - 1) & 0xffff);
		}
		tw_buf_addc(b, ']');
	}
	key(b, &first, "danger");
	tw_buf_printf(b, "%d", tw_incident_danger(s, in));
	if (in->joined) {
		key(b, &first, "joined");
		tw_buf_adds(b, "true");
	}
	key(b, &first, "evidence");
	tw_buf_addc(b, '[');
	const char *line = in->evtext, *end = in->evtext + in->evlen;
	for (unsigned i = 0; i < in->nev; i++) {
		bool f2 = true;
		if (i)
			tw_buf_addc(b, ',');
		if (st->names && TW_EVREF_FILE(in->ev[i]) < st->nnames) {
			key(b, &f2, "file");
			const char *fn = st->names[TW_EVREF_FILE(in->ev[i])];
			str(b, fn, strlen(fn));
		}
		key(b, &f2, "line");
		tw_buf_printf(b, "%llu", (unsigned long long)TW_EVREF_LINE(in->ev[i]));
		const char *e =
		    line && i < in->ntext ? memchr(line, '\n', (size_t)(end - line)) : NULL;
		if (e) {
			key(b, &f2, "text");
			str(b, line, (size_t)(e - line));
			line = e + 1;
		} else {
			line = NULL;
		}
		tw_buf_addc(b, '}');
	}
	tw_buf_addc(b, ']');
	tw_buf_addc(b, '}');
}

static void write_summary(struct tw_buf *b, const struct tw_run_stats *st,
			  const struct tw_srcsum *sums, size_t n, size_t shown)
{
	static const char *const pnames[TW_P_N] = {"tcp", "udp", "icmp", "ipv6-icmp", "other"};

	for (size_t i = 0; i < shown; i++) {
		const struct tw_srcsum *m = &sums[i];
		const struct tw_srcagg *s = m->s;
		bool first = true;
		key(b, &first, "src");
		addr(b, &s->addr);
		if (s->has_time) {
			key(b, &first, "first");
			ts(b, s->first, false);
			key(b, &first, "last");
			ts(b, s->last, false);
		}
		key(b, &first, "packets");
		tw_buf_printf(b, "%llu", (unsigned long long)s->packets);
		key(b, &first, "dsts");
		tw_buf_printf(b, "%llu", (unsigned long long)m->dsts);
		key(b, &first, "ports");
		tw_buf_printf(b, "%llu", (unsigned long long)m->ports);
		key(b, &first, "top_ports");
		tw_buf_addc(b, '[');
		for (unsigned t = 0; t < m->ntop; t++) {
			tw_buf_adds(b, t ? ",{\"proto\":" : "{\"proto\":");
			proto(b, m->top[t].proto);
			tw_buf_printf(b, ",\"port\":%u,\"packets\":%llu}", m->top[t].port,
				      (unsigned long long)m->top[t].packets);
		}
		tw_buf_addc(b, ']');
		key(b, &first, "protos");
		bool f2 = true;
		for (int p = 0; p < TW_P_N; p++) {
			if (!s->protos[p])
				continue;
			tw_buf_printf(b, "%s\"%s\":%llu", f2 ? "{" : ",", pnames[p],
				      (unsigned long long)s->protos[p]);
			f2 = false;
		}
		tw_buf_adds(b, f2 ? "{}" : "}");
		key(b, &first, "classes");
		f2 = true;
		for (int c = 0; c < TW_CLS_MAX; c++) {
			if (!m->classes[c])
				continue;
			tw_buf_printf(b, "%s\"%s\":%llu", f2 ? "{" : ",", tw_class_name(c),
				      (unsigned long long)m->classes[c]);
			f2 = false;
		}
		tw_buf_adds(b, f2 ? "{}" : "}");
		key(b, &first, "danger");
		tw_buf_printf(b, "%d", m->danger);
		key(b, &first, "confidence");
		tw_buf_printf(b, "%.1f", m->confidence);
		key(b, &first, "reportable");
		tw_buf_adds(b, m->reportable ? "true" : "false");
		key(b, &first, "why");
		tw_buf_addc(b, '[');
		for (unsigned w = 0; w < m->nwhy; w++) {
			if (w)
				tw_buf_addc(b, ',');
			str(b, m->why[w], strlen(m->why[w]));
		}
		tw_buf_addc(b, ']');
		/* Enrichment (DESIGN.md: asn, org, country), from the offline index. */
		if (m->has_asn) {
			key(b, &first, "asn");
			tw_buf_printf(b, "%u", m->asn);
			key(b, &first, "org");
			str(b, m->org, strlen(m->org));
		}
		if (m->has_cc) {
			key(b, &first, "country");
			str(b, m->cc, strlen(m->cc));
			key(b, &first, "allocation");
			const char *al = tw_nd_status_name(m->alloc);
			str(b, al, strlen(al));
		}
		if (m->rdns) {
			key(b, &first, "rdns");
			str(b, m->rdns, strlen(m->rdns));
			key(b, &first, "rdns_confirmed");
			tw_buf_adds(b, m->rdns_confirmed ? "true" : "false");
		}
		if (m->abuse) {
			key(b, &first, "abuse");
			tw_out_abuse_json(b, m->abuse);
		}
		/* Beyond the contract: a port scan or sweep, named and bounded. */
		if (m->scan_kind) {
			key(b, &first, "scan");
			tw_buf_printf(b,
				      "{\"kind\":\"%s\",\"type\":\"%s\",\"ports\":[%u,%u],"
				      "\"speed\":\"%s\"}",
				      m->scan_kind, tw_scan_name(m->scan_type), s->port_lo,
				      s->port_hi, m->scan_speed);
		}
		if (m->dsts_est || m->ports_est) {
			key(b, &first, "estimated");
			tw_buf_printf(b, "{\"dsts\":%s,\"ports\":%s,\"rel_error\":%.3f}",
				      m->dsts_est ? "true" : "false",
				      m->ports_est ? "true" : "false", tw_kmv_error(&s->dsts));
		}
		key(b, &first, "class");
		str(b, m->cls, strlen(m->cls));
		key(b, &first, "incidents");
		tw_buf_addc(b, '[');
		for (unsigned k = 0; k < s->ninc; k++)
			incident(b, st, s, &s->inc[k], k == 0);
		tw_buf_addc(b, ']');
		tw_buf_add(b, "}\n", 2);
	}
	(void)n;
	/* Sources left out to stay within max-sources: said here too, never only in the
	 * text (a line without "src": JSON Lines readers filter on it). */
	if (st->pruned_srcs)
		tw_buf_printf(b,
			      "{\"dropped\":{\"sources\":%llu,\"packets\":%llu,"
			      "\"each_at_most\":%u,\"why\":\"max-sources\"}}\n",
			      (unsigned long long)st->pruned_srcs,
			      (unsigned long long)st->pruned_packets, st->prune_below);
}

static void write_event(struct tw_buf *b, const struct tw_event *ev, const struct tw_verdict *v,
			const char *file)
{
	static const char *const actions[] = {NULL, "drop", "reject", "accept"};
	static const char *const dirs[] = {NULL, "in", "out", "forward"};
	bool first = true;

	if (ev->has & TW_EV_HAS_TS) {
		key(b, &first, "ts");
		ts(b, ev->ts, true);
	}
	key(b, &first, "src");
	if (ev->has & TW_EV_HAS_SRCNAME)
		str(b, ev->src_name.p, ev->src_name.len);
	else
		addr(b, &ev->src);
	key(b, &first, "dst");
	if (ev->has & TW_EV_HAS_DSTNAME)
		str(b, ev->dst_name.p, ev->dst_name.len);
	else
		addr(b, &ev->dst);
	key(b, &first, "proto");
	proto(b, ev->proto);
	if (ev->has & TW_EV_HAS_PORTS) {
		key(b, &first, "sport");
		tw_buf_printf(b, "%u", ev->sport);
		key(b, &first, "dport");
		tw_buf_printf(b, "%u", ev->dport);
	}
	if (ev->has & TW_EV_HAS_IPLEN) {
		key(b, &first, "len");
		tw_buf_printf(b, "%u", ev->ip_len);
	}
	if (ev->has & TW_EV_HAS_TTL) {
		key(b, &first, "ttl");
		tw_buf_printf(b, "%u", ev->ttl);
	}
	if (ev->has & TW_EV_HAS_FLAGS) {
		char f[9];
		tw_tcp_flags_str(ev->tcp_flags, f);
		key(b, &first, "flags");
		str(b, f, strlen(f));
	}
	if (ev->action && ev->action < 4) {
		key(b, &first, "action");
		str(b, actions[ev->action], strlen(actions[ev->action]));
	}
	if (ev->dir && ev->dir < 4) {
		key(b, &first, "dir");
		str(b, dirs[ev->dir], strlen(dirs[ev->dir]));
	}
	if (ev->iface_in.p) {
		key(b, &first, "in");
		str(b, ev->iface_in.p, ev->iface_in.len);
	}
	if (ev->iface_out.p) {
		key(b, &first, "out");
		str(b, ev->iface_out.p, ev->iface_out.len);
	}
	if (ev->prefix.p) {
		key(b, &first, "prefix");
		str(b, ev->prefix.p, ev->prefix.len);
	}
	if (ev->host.p) {
		key(b, &first, "host");
		str(b, ev->host.p, ev->host.len);
	}
	const struct tw_input_format *f = tw_input_formats[ev->origin.format];
	key(b, &first, "format");
	str(b, f->name, strlen(f->name));
	key(b, &first, "file");
	str(b, file, strlen(file));
	key(b, &first, "line");
	tw_buf_printf(b, "%llu", (unsigned long long)ev->origin.line);
	key(b, &first, "class");
	str(b, tw_class_name(v->cls), strlen(tw_class_name(v->cls)));
	if (v->has_msg) {
		key(b, &first, "msg");
		tw_out_json_msg(b, &v->msg);
	}
	/* Keys beyond the DESIGN.md contract come last, so the contract's order holds. */
	if (ev->has & TW_EV_HAS_PAYLEN) {
		key(b, &first, "payload_len");
		tw_buf_printf(b, "%u", ev->payload_len);
	}
	if (ev->has & TW_EV_HAS_IPID) {
		key(b, &first, "ip_id");
		tw_buf_printf(b, "%u", ev->ip_id);
	}
	if (ev->has & TW_EV_HAS_ICMP) {
		key(b, &first, "icmp");
		tw_buf_printf(b, "{\"type\":%u,\"code\":%u}", ev->icmp_type, ev->icmp_code);
	}
	if (ev->has & TW_EV_HAS_INNER) {
		key(b, &first, "inner");
		tw_buf_adds(b, "{\"src\":");
		addr(b, &ev->inner.src);
		tw_buf_adds(b, ",\"dst\":");
		addr(b, &ev->inner.dst);
		tw_buf_adds(b, ",\"proto\":");
		proto(b, ev->inner.proto);
		if (ev->inner.has_ports)
			tw_buf_printf(b, ",\"sport\":%u,\"dport\":%u", ev->inner.sport,
				      ev->inner.dport);
		tw_buf_addc(b, '}');
	}
	if (ev->has & TW_EV_HAS_UPTIME) {
		key(b, &first, "uptime");
		tw_buf_printf(b, "%lld.%06lld", (long long)(ev->uptime / TW_NS),
			      (long long)(ev->uptime % TW_NS / 1000));
	}
	tw_buf_add(b, "}\n", 2);
}

const struct tw_output tw_out_json = {
    .name = "json",
    .summary = "JSON Lines: one object per source (--json) or per event (--events)",
    .write_summary = write_summary,
    .write_event = write_event,
};
