/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Abuse reports: plain text and X-ARF v4 (out-report.h). Every string from the store or a
 * log line is escaped for its medium: header values lose control characters (no CR/LF
 * injection), JSON strings are JSON-escaped, the body's log lines are quoted with their
 * control characters and escape sequences neutralised. */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/time.h"
#include "input/input.h"
#include "output/out-report.h"

/* ---- helpers ---------------------------------------------------------------------------- */

static bool addr_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
	       c == '.' || c == ':';
}

/* Replaces whole-token occurrences of 'what' (n bytes; a token ends at a space, '=' before
 * it, ':' after it) in [p, p+len) by 'with'. */
static void replace_tokens(struct tw_buf *out, const char *p, size_t len, const char *what,
			   size_t n, const char *with)
{
	size_t i = 0;
	while (i < len) {
		const char *hit = n ? memmem(p + i, len - i, what, n) : NULL;
		if (!hit) {
			tw_buf_add(out, p + i, len - i);
			return;
		}
		size_t at = (size_t)(hit - p);
		bool left = at == 0 || p[at - 1] == ' ' || p[at - 1] == '=';
		bool right = at + n == len || p[at + n] == ' ' || p[at + n] == ':';
		tw_buf_add(out, p + i, at - i);
		if (left && right)
			tw_buf_adds(out, with);
		else
			tw_buf_add(out, hit, n);
		i = at + n;
	}
}

/* Replaces every address-like token of [p, p+len) that parses as 'a' — whatever its textual
 * form (ip6tables writes fd00:0000:…:0001 for fd00::1), an IPv4 address also with ":port"
 * after it — by 'with'. */
static void replace_addr(struct tw_buf *out, const char *p, size_t len, const struct tw_addr *a,
			 const char *with)
{
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && !addr_char(p[j]))
			j++;
		tw_buf_add(out, p + i, j - i);
		size_t k = j;
		while (k < len && addr_char(p[k]))
			k++;
		struct tw_addr t;
		size_t n = k - j;
		const char *colon = memchr(p + j, ':', n);
		bool v4 = colon && memchr(p + j, '.', (size_t)(colon - (p + j)));
		size_t an = v4 ? (size_t)(colon - (p + j)) : n;
		if (n && tw_addr_parse(p + j, an, &t) == TW_OK && tw_addr_eq(&t, a)) {
			tw_buf_adds(out, with);
			tw_buf_add(out, p + j + an, n - an);
		} else {
			tw_buf_add(out, p + j, n);
		}
		i = k;
	}
}

void tw_report_redact(struct tw_buf *out, const char *line, bool redact)
{
	size_t len = strlen(line);
	if (!redact) {
		tw_buf_add(out, line, len);
		return;
	}
	struct tw_arena ar;
	struct tw_event ev;
	tw_arena_init(&ar, 4096, 1 << 20);
	if (tw_input_parse_line(line, len, 0, &ev, &ar) != TW_OK) {
		tw_buf_add(out, line, len);
		tw_arena_fini(&ar);
		return;
	}
	/* Step by step through two buffers: the destination address, the host name, the MAC. */
	struct tw_buf a, b;
	tw_buf_init(&a);
	tw_buf_init(&b);
	if (ev.dst.family)
		replace_addr(&a, line, len, &ev.dst, "[reporter-address]");
	else
		tw_buf_add(&a, line, len);
	char host[256] = "", mac[128] = "";
	if (ev.host.len && ev.host.len < sizeof(host))
		memcpy(host, ev.host.p, ev.host.len);
	if (ev.mac.len && ev.mac.len < sizeof(mac))
		memcpy(mac, ev.mac.p, ev.mac.len);
	replace_tokens(&b, a.p ? a.p : "", a.len, host, strlen(host), "[reporter-host]");
	tw_buf_reset(&a);
	replace_tokens(&a, b.p ? b.p : "", b.len, mac, strlen(mac), "[redacted]");
	tw_buf_add(out, a.p ? a.p : "", a.len);
	tw_buf_fini(&a);
	tw_buf_fini(&b);
	tw_arena_fini(&ar);
}

/* What the first parseable evidence line of an incident says: protocol and ports. */
struct probe {
	const char *proto;
	bool has_ports;
	unsigned sport, dport;
};

static void probe_of(const struct tw_report_item *it, struct probe *p)
{
	memset(p, 0, sizeof(*p));
	struct tw_arena ar;
	tw_arena_init(&ar, 4096, 1 << 20);
	for (unsigned i = 0; i < it->nev && !p->proto; i++) {
		struct tw_event ev;
		tw_arena_reset(&ar);
		if (tw_input_parse_line(it->ev[i].text, strlen(it->ev[i].text), 0, &ev, &ar) !=
		    TW_OK)
			continue;
		p->proto = tw_proto_name(ev.proto);
		if (ev.has & TW_EV_HAS_PORTS) {
			p->has_ports = true;
			p->sport = ev.sport;
			p->dport = ev.dport;
		}
	}
	tw_arena_fini(&ar);
}

/* A header value: printable ASCII only (no CR/LF: no header injection), at most 200. */
static void header(struct tw_buf *b, const char *name, const char *v)
{
	tw_buf_adds(b, name);
	tw_buf_adds(b, ": ");
	for (size_t i = 0; v[i] && i < 200; i++) {
		unsigned char c = (unsigned char)v[i];
		tw_buf_addc(b, c >= 0x20 && c < 0x7f ? (char)c : '?');
	}
	tw_buf_addc(b, '\n');
}

static void day(char out[11], int64_t ns)
{
	char t[TW_TIME_STRLEN];
	tw_time_format(ns, false, t);
	memcpy(out, t, 10);
	out[10] = '\0';
}

static bool udp_only(const struct tw_report_item *it, const struct probe *p)
{
	return (p->proto && !strcmp(p->proto, "udp")) || !strncmp(it->in.cls, "messenger", 9) ||
	       !strncmp(it->in.cls, "netbios-ns", 10);
}

/* ---- text ------------------------------------------------------------------------------ */

void tw_out_report_subject(const struct tw_report_view *v, char *subj, size_t cap)
{
	int64_t first = INT64_MAX, last = INT64_MIN;
	size_t nsrc = 0;
	for (size_t i = 0; i < v->n; i++) {
		const struct tw_store_incident *in = &v->items[i].in;
		if (in->has_time) {
			first = in->first < first ? in->first : first;
			last = in->last > last ? in->last : last;
		}
		if (!i || !tw_addr_eq(&in->src, &v->items[i - 1].in.src))
			nsrc++;
	}
	char d1[11] = "?", d2[11] = "?";
	if (first != INT64_MAX) {
		day(d1, first);
		day(d2, last);
	}
	snprintf(subj, cap, "Unsolicited probes from %zu host%s in your network (%s%s%s, UTC)",
		 nsrc, nsrc == 1 ? "" : "s", d1, strcmp(d1, d2) ? " to " : "",
		 strcmp(d1, d2) ? d2 : "");
}

void tw_out_report_text(struct tw_buf *b, const struct tw_report_view *v)
{
	const struct tw_reporter *w = v->who;
	char subj[200], ref[32];
	tw_out_report_subject(v, subj, sizeof(subj));
	snprintf(ref, sizeof(ref), "%lld", (long long)v->id);
	header(b, "To", v->mailbox);
	header(b, "From", w->from && *w->from ? w->from : "(set [report] from in tracewall.conf)");
	header(b, "Subject", subj);
	header(b, "Auto-Submitted", "auto-generated");
	header(b, "X-Tracewall-Report", ref);
	tw_buf_addc(b, '\n');
	tw_out_report_body(b, v);
}

void tw_out_report_body(struct tw_buf *b, const struct tw_report_view *v)
{
	const struct tw_reporter *w = v->who;
	tw_buf_adds(b, "Hello,\n\nthe firewall of ");
	const char *org = w->org && *w->org ? w->org : "our network";
	tw_esc_term(b, org, strlen(org) < 200 ? strlen(org) : 200);
	tw_buf_adds(b, " recorded the unsolicited packets below from addresses\n"
		       "in your network. You are their abuse contact (found by ");
	tw_esc_term(b, v->contact_how, strlen(v->contact_how) < 160 ? strlen(v->contact_how) : 160);
	tw_buf_adds(
	    b, ").\nAll times are UTC from an NTP-synchronised clock. The log lines are quoted "
	       "as\nwritten");
	tw_buf_adds(b, w->redact ? ", with our own addresses and host names replaced.\n" : ".\n");
	for (size_t i = 0; i < v->n; i++) {
		const struct tw_report_item *it = &v->items[i];
		const struct tw_store_incident *in = &it->in;
		char a[TW_ADDR_STRLEN], f[TW_TIME_STRLEN] = "?", l[TW_TIME_STRLEN] = "?";
		struct probe p;
		probe_of(it, &p);
		tw_addr_format(&in->src, a);
		if (!i || !tw_addr_eq(&in->src, &v->items[i - 1].in.src))
			tw_buf_printf(b, "\n== Source %s ==\n", a);
		if (in->has_time) {
			tw_time_format(in->first, false, f);
			tw_time_format(in->last, false, l);
		}
		tw_buf_adds(b, "\n");
		tw_esc_term(b, in->cls, strlen(in->cls) < 40 ? strlen(in->cls) : 40);
		/* A count beyond the exact bound is an estimate, and said to be one. */
		const char *dabout = in->estimated & 1 ? "about " : "",
			   *pabout = in->estimated & 2 ? "about " : "";
		tw_buf_printf(
		    b,
		    ": %llu packet%s%s%s from %s to %s, to %s%llu destination%s and %s%llu "
		    "port%s",
		    (unsigned long long)in->packets, in->packets == 1 ? "" : "s",
		    p.proto ? ", " : "", p.proto ? p.proto : "", f, l, dabout,
		    (unsigned long long)in->dsts, in->dsts == 1 ? "" : "s", pabout,
		    (unsigned long long)in->ports, in->ports == 1 ? "" : "s");
		if (in->has_ports)
			tw_buf_printf(b, " (%u-%u)", in->port_lo, in->port_hi);
		if (p.has_ports)
			tw_buf_printf(b, "; source port %u", p.sport);
		if (in->scan && in->scan[0]) {
			tw_buf_adds(b, ".\nPart of: ");
			tw_esc_term(b, in->scan, strlen(in->scan) < 160 ? strlen(in->scan) : 160);
		}
		tw_buf_printf(b, ".\nConfidence %.1f", in->confidence);
		if (in->why[0]) {
			tw_buf_adds(b, " (");
			tw_esc_term(b, in->why, strlen(in->why) < 120 ? strlen(in->why) : 120);
			tw_buf_adds(b, ")");
		}
		tw_buf_adds(b, ".\n");
		if (udp_only(it, &p))
			tw_buf_adds(b,
				    "Note: this is UDP, whose source address can be forged; please "
				    "check it against\nyour own records before acting.\n");
		if (it->nev) {
			tw_buf_adds(b, "Log lines:\n");
			for (unsigned k = 0; k < it->nev; k++) {
				struct tw_buf r;
				tw_buf_init(&r);
				tw_report_redact(&r, it->ev[k].text, w->redact);
				tw_buf_adds(b, "  ");
				tw_esc_term(b, r.p ? r.p : "", r.len);
				tw_buf_addc(b, '\n');
				tw_buf_fini(&r);
			}
		}
	}
	tw_buf_printf(b, "\nPlease stop this traffic. Reference: tracewall report %lld.\n",
		      (long long)v->id);
	tw_buf_adds(b, "-- \n");
	if (w->org && *w->org) {
		tw_esc_term(b, w->org, strlen(w->org));
		tw_buf_addc(b, '\n');
	}
	if (w->from && *w->from) {
		tw_esc_term(b, w->from, strlen(w->from));
		tw_buf_addc(b, '\n');
	}
}

/* ---- X-ARF v4 -------------------------------------------------------------------------- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* A UUID (version 4 layout) derived from the incident: the same incident gives the same
 * report_id every time it is drafted. */
static void stable_uuid(const struct tw_store_incident *in, char out[37])
{
	uint64_t h1 = fnv(1469598103934665603ull, in->src.b, 16);
	h1 = fnv(h1, in->cls, strlen(in->cls));
	h1 = fnv(h1, &in->first, sizeof(in->first));
	uint64_t h2 = fnv(h1 ^ 0x9e3779b97f4a7c15ull, &in->id, sizeof(in->id));
	h2 = fnv(h2, in->src.b, 16);
	h1 = (h1 & ~0xf000ull) | 0x4000ull;			   /* version 4 */
	h2 = (h2 & 0x3fffffffffffffffull) | 0x8000000000000000ull; /* RFC 4122 variant */
	snprintf(out, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(h1 >> 32),
		 (unsigned)(h1 >> 16 & 0xffff), (unsigned)(h1 & 0xffff), (unsigned)(h2 >> 48),
		 (unsigned long long)(h2 & 0xffffffffffffull));
}

static void jstr(struct tw_buf *b, const char *s)
{
	tw_buf_addc(b, '"');
	tw_esc_json(b, s, strlen(s));
	tw_buf_addc(b, '"');
}

static void tag_value(struct tw_buf *b, const char *s)
{
	/* namespace:value, lower case [a-z0-9_+-] */
	for (size_t i = 0; s[i] && i < 60; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		tw_buf_addc(b, (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
				       c == '+' || c == '-'
				   ? c
				   : '-');
	}
}

void tw_out_report_xarf(struct tw_buf *b, const struct tw_report_view *v)
{
	const struct tw_reporter *w = v->who;
	const char *from = w->from && *w->from ? w->from : "reporter@example.invalid";
	const char *org = w->org && *w->org ? w->org : "tracewall user";
	const char *dom = w->domain && *w->domain ? w->domain : "example.invalid";
	for (size_t i = 0; i < v->n; i++) {
		const struct tw_report_item *it = &v->items[i];
		const struct tw_store_incident *in = &it->in;
		char a[TW_ADDR_STRLEN], f[TW_TIME_STRLEN], l[TW_TIME_STRLEN], id[37];
		struct probe p;
		probe_of(it, &p);
		tw_addr_format(&in->src, a);
		tw_time_format(in->has_time ? in->first : 0, false, f);
		tw_time_format(in->has_time ? in->last : 0, false, l);
		stable_uuid(in, id);
		tw_buf_printf(
		    b, "{\"xarf_version\":\"4.2.0\",\"report_id\":\"%s\",\"timestamp\":\"%s\"", id,
		    f);
		for (int k = 0; k < 2; k++) {
			tw_buf_adds(b, k ? ",\"sender\":{\"org\":" : ",\"reporter\":{\"org\":");
			jstr(b, org);
			tw_buf_adds(b, ",\"contact\":");
			jstr(b, from);
			tw_buf_adds(b, ",\"domain\":");
			jstr(b, dom);
			tw_buf_addc(b, '}');
		}
		tw_buf_printf(b, ",\"source_identifier\":\"%s\"", a);
		if (p.has_ports && p.sport)
			tw_buf_printf(b, ",\"source_port\":%u", p.sport);
		const char *proto =
		    p.proto && (!strcmp(p.proto, "tcp") || !strcmp(p.proto, "udp") ||
				!strcmp(p.proto, "icmp") || !strcmp(p.proto, "sctp"))
			? p.proto
		    : udp_only(it, &p) ? "udp"
				       : "tcp";
		tw_buf_printf(b,
			      ",\"category\":\"connection\",\"type\":\"port_scan\","
			      "\"evidence_source\":\"firewall_logs\",\"protocol\":\"%s\","
			      "\"first_seen\":\"%s\",\"last_seen\":\"%s\"",
			      proto, f, l);
		if (p.has_ports && p.dport)
			tw_buf_printf(b, ",\"destination_port\":%u", p.dport);
		tw_buf_printf(b, ",\"confidence\":%.1f,\"packets_sent\":%llu", in->confidence,
			      (unsigned long long)in->packets);
		tw_buf_adds(b, ",\"tags\":[\"class:");
		tag_value(b, in->cls);
		tw_buf_adds(b, "\",\"tool:tracewall\"]");
		char desc[600];
		snprintf(desc, sizeof(desc),
			 "%s: %llu packets to %llu destinations and %llu ports%s%.160s%s%s",
			 in->cls, (unsigned long long)in->packets, (unsigned long long)in->dsts,
			 (unsigned long long)in->ports,
			 in->scan && in->scan[0] ? "; part of: " : "", in->scan ? in->scan : "",
			 udp_only(it, &p) ? "; UDP: the source address can be forged" : "",
			 p.has_ports ? "" : "; the log gives no source port");
		tw_buf_adds(b, ",\"description\":");
		jstr(b, desc);
		if (it->nev) {
			struct tw_buf t;
			tw_buf_init(&t);
			for (unsigned k = 0; k < it->nev; k++) {
				tw_report_redact(&t, it->ev[k].text, w->redact);
				tw_buf_addc(&t, '\n');
			}
			tw_buf_adds(b, ",\"evidence\":[{\"content_type\":\"text/plain\","
				       "\"description\":\"firewall log lines\",\"payload\":\"");
			tw_base64(b, t.p ? t.p : "", t.len, 0);
			tw_buf_adds(b, "\"}]");
			tw_buf_fini(&t);
		}
		tw_buf_adds(b, "}\n");
	}
}
