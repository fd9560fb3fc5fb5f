/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reports as mail, and SMTP (mail.h). */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "output/mail.h"

static void crlf_lines(struct tw_buf *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\r')
			continue;
		if (p[i] == '\n')
			tw_buf_adds(out, "\r\n");
		else
			tw_buf_addc(out, p[i]);
	}
}

static void hdr(struct tw_buf *b, const char *name, const char *v)
{
	tw_buf_adds(b, name);
	tw_buf_adds(b, ": ");
	for (size_t i = 0; v[i] && i < 900; i++) {
		unsigned char c = (unsigned char)v[i];
		tw_buf_addc(b, c >= 0x20 && c < 0x7f ? (char)c : '?'); /* never CR or LF */
	}
	tw_buf_adds(b, "\r\n");
}

/* RFC 2045 quoted-printable: '=' and bytes outside printable ASCII as =XX, soft breaks
 * before 76 columns, line ends as CRLF. */
static void quoted_printable(struct tw_buf *b, const char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned col = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\n') {
			tw_buf_adds(b, "\r\n");
			col = 0;
			continue;
		}
		bool lit = c >= 0x20 && c < 0x7f && c != '=' &&
			   !(c == ' ' && (i + 1 == n || p[i + 1] == '\n'));
		if (col + (lit ? 1 : 3) > 75) {
			tw_buf_adds(b, "=\r\n");
			col = 0;
		}
		if (lit) {
			tw_buf_addc(b, (char)c);
			col++;
		} else {
			tw_buf_addc(b, '=');
			tw_buf_addc(b, hex[c >> 4]);
			tw_buf_addc(b, hex[c & 15]);
			col += 3;
		}
	}
}

void tw_mail_build(struct tw_buf *msg, const struct tw_report_view *v, bool xarf, int64_t created)
{
	const struct tw_reporter *w = v->who;
	const char *dom = w->domain && *w->domain ? w->domain : "localhost";
	char subj[200], date[64], mid[300], ref[32], boundary[64];
	time_t now = time(NULL);
	struct tm tm;
	tw_out_report_subject(v, subj, sizeof(subj));
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", gmtime_r(&now, &tm));
	snprintf(mid, sizeof(mid), "<tracewall.report.%lld.%lld@%.200s>", (long long)v->id,
		 (long long)created, dom);
	snprintf(ref, sizeof(ref), "%lld", (long long)v->id);
	snprintf(boundary, sizeof(boundary), "tracewall-%lld-%lld", (long long)v->id,
		 (long long)created);
	hdr(msg, "From", w->from && *w->from ? w->from : "tracewall@localhost");
	hdr(msg, "To", v->mailbox);
	hdr(msg, "Subject", subj);
	hdr(msg, "Date", date);
	hdr(msg, "Message-ID", mid);
	hdr(msg, "Auto-Submitted", "auto-generated");
	hdr(msg, "X-Tracewall-Report", ref);
	hdr(msg, "MIME-Version", "1.0");
	if (xarf) {
		char ct[120];
		snprintf(ct, sizeof(ct), "multipart/mixed; boundary=\"%s\"", boundary);
		hdr(msg, "Content-Type", ct);
		tw_buf_printf(msg, "\r\nThis is a MIME message.\r\n--%s\r\n", boundary);
	}
	hdr(msg, "Content-Type", "text/plain; charset=utf-8");
	struct tw_buf body;
	tw_buf_init(&body);
	tw_out_report_body(&body, v);
	/* SMTP lines stop at 998 bytes: 8bit while every line fits, else quoted-printable
	 * (the log lines stay whole for the reader either way). */
	bool fits = true;
	for (size_t i = 0, run = 0; i < body.len; i++) {
		run = body.p[i] == '\n' ? 0 : run + 1;
		if (run > 900)
			fits = false;
	}
	hdr(msg, "Content-Transfer-Encoding", fits ? "8bit" : "quoted-printable");
	tw_buf_adds(msg, "\r\n");
	if (fits)
		crlf_lines(msg, body.p ? body.p : "", body.len);
	else
		quoted_printable(msg, body.p ? body.p : "", body.len);
	tw_buf_fini(&body);
	if (!xarf)
		return;
	/* One X-ARF object per incident, each an attachment. */
	struct tw_buf j;
	tw_buf_init(&j);
	tw_out_report_xarf(&j, v);
	const char *p = j.p ? j.p : "", *end = p + j.len;
	unsigned k = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		tw_buf_printf(msg, "\r\n--%s\r\n", boundary);
		hdr(msg, "Content-Type", "application/json; charset=utf-8");
		char cd[80];
		snprintf(cd, sizeof(cd), "attachment; filename=\"xarf-%u.json\"", ++k);
		hdr(msg, "Content-Disposition", cd);
		hdr(msg, "Content-Transfer-Encoding", "base64");
		tw_buf_adds(msg, "\r\n");
		tw_base64(msg, p, n, 76); /* 76 characters a line */
		p = nl ? nl + 1 : end;
	}
	tw_buf_fini(&j);
	tw_buf_printf(msg, "\r\n--%s--\r\n", boundary);
}

struct upload {
	const char *p;
	size_t left;
};

static size_t on_read(char *buf, size_t size, size_t nitems, void *ud)
{
	struct upload *u = ud;
	size_t n = size * nitems;
	if (n > u->left)
		n = u->left;
	memcpy(buf, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

int tw_smtp_send(const struct tw_smtp_opts *o, const char *from, const char *to, const char *msg,
		 size_t len, struct tw_errctx *ec)
{
	int r = TW_OK;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return tw_err_set(ec, TW_E_IO, 0, "libcurl could not start");
	CURL *h = curl_easy_init();
	struct curl_slist *rcpt = NULL;
	char from_b[300], to_b[300];
	if (!h) {
		curl_global_cleanup();
		return tw_err_set(ec, TW_E_NOMEM, 0, "libcurl could not start");
	}
	snprintf(from_b, sizeof(from_b), "<%.290s>", from);
	snprintf(to_b, sizeof(to_b), "<%.290s>", to);
	rcpt = curl_slist_append(NULL, to_b);
	struct upload u = {msg, len};
	curl_easy_setopt(h, CURLOPT_URL, o->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from_b);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(o->timeout_ms ? o->timeout_ms : 30000));
	if (o->starttls)
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (o->user && *o->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, o->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, o->pass ? o->pass : "");
	}
	CURLcode cr = curl_easy_perform(h);
	if (cr != CURLE_OK) {
		long code = 0;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		r = tw_err_set(ec, TW_E_IO, 0, "%.100s: %s (SMTP %ld)", o->url,
			       curl_easy_strerror(cr), code);
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	curl_global_cleanup();
	return r;
}

/* One X-ARF 0.2 message per source (abuse-reporting.md §1.2): X-XARF: PLAIN, the human
 * text, report.txt (YAML) and logfile.log. X-ARF 0.2 has no port-scan schema: the
 * Report-Type says port-scan and Schema-URL says so rather than claim another type's. */
void tw_mail_build_xarf02(struct tw_buf *msg, const struct tw_report_view *v)
{
	const struct tw_reporter *w = v->who;
	const char *dom = w->domain && *w->domain ? w->domain : "localhost";
	const char *from = w->from && *w->from ? w->from : "tracewall@localhost";
	size_t i = 0;
	unsigned nsrc = 0;
	while (i < v->n) {
		size_t j = i;
		while (j < v->n && tw_addr_eq(&v->items[j].in.src, &v->items[i].in.src))
			j++;
		struct tw_report_view one = *v;
		one.items = v->items + i;
		one.n = j - i;
		const struct tw_store_incident *in = &v->items[i].in;
		char a[TW_ADDR_STRLEN], first[64], now_s[64], subj[200], mid[300], b[80], rid[300];
		time_t tf = (time_t)(in->has_time ? in->first / 1000000000 : 0), now = time(NULL);
		struct tm tm;
		uint64_t packets = 0;
		for (size_t k = i; k < j; k++)
			packets += v->items[k].in.packets;
		tw_addr_format(&in->src, a);
		strftime(first, sizeof(first), "%a, %d %b %Y %H:%M:%S +0000", gmtime_r(&tf, &tm));
		strftime(now_s, sizeof(now_s), "%a, %d %b %Y %H:%M:%S +0000", gmtime_r(&now, &tm));
		snprintf(subj, sizeof(subj), "abuse report about %s - %s", a, first);
		snprintf(mid, sizeof(mid), "<tracewall.xarf02.%lld.%u@%.200s>", (long long)v->id,
			 nsrc, dom);
		snprintf(rid, sizeof(rid), "%lld-%u@%.200s", (long long)v->id, nsrc, dom);
		snprintf(b, sizeof(b), "tracewall-xarf-%lld-%u", (long long)v->id, nsrc);
		hdr(msg, "From", from);
		hdr(msg, "To", v->mailbox);
		hdr(msg, "Subject", subj);
		hdr(msg, "Date", now_s);
		hdr(msg, "Message-ID", mid);
		hdr(msg, "MIME-Version", "1.0");
		hdr(msg, "Auto-Submitted", "auto-generated");
		hdr(msg, "X-XARF", "PLAIN");
		char ct[120];
		snprintf(ct, sizeof(ct), "multipart/mixed; boundary=\"%s\"", b);
		hdr(msg, "Content-Type", ct);
		tw_buf_printf(msg, "\r\n--%s\r\n", b);
		hdr(msg, "Content-Type", "text/plain; charset=utf-8");
		hdr(msg, "Content-Transfer-Encoding", "8bit");
		tw_buf_adds(msg, "\r\n");
		struct tw_buf t;
		tw_buf_init(&t);
		tw_out_report_body(&t, &one);
		crlf_lines(msg, t.p ? t.p : "", t.len);
		tw_buf_reset(&t);
		tw_buf_printf(msg, "\r\n--%s\r\n", b);
		hdr(msg, "Content-Type", "text/plain; charset=utf-8; name=\"report.txt\"");
		hdr(msg, "Content-Transfer-Encoding", "8bit");
		tw_buf_adds(msg, "\r\n---\r\n");
		hdr(msg, "Reported-From", from);
		hdr(msg, "Category", "abuse");
		hdr(msg, "Report-Type", "port-scan");
		hdr(msg, "Report-ID", rid);
		hdr(msg, "User-Agent", "tracewall 0.1");
		hdr(msg, "Date", first);
		hdr(msg, "Source-Type", in->src.family == TW_AF_INET6 ? "ipv6" : "ipv4");
		hdr(msg, "Source", a);
		if (in->has_ports) {
			char port[16];
			snprintf(port, sizeof(port), "%u", in->port_lo);
			hdr(msg, "Port", port);
		}
		hdr(msg, "Attachment", "text/plain");
		char occ[32];
		snprintf(occ, sizeof(occ), "%llu", (unsigned long long)packets);
		hdr(msg, "Occurrences", occ);
		hdr(msg, "TLP", "green");
		hdr(msg, "Version", "0.2");
		hdr(msg, "Schema-URL", "none (X-ARF 0.2 has no port-scan schema)");
		tw_buf_printf(msg, "\r\n--%s\r\n", b);
		hdr(msg, "Content-Type", "text/plain; charset=utf-8; name=\"logfile.log\"");
		hdr(msg, "Content-Transfer-Encoding", "8bit");
		tw_buf_adds(msg, "\r\n");
		for (size_t k = i; k < j; k++)
			for (unsigned e = 0; e < v->items[k].nev; e++) {
				tw_report_redact(&t, v->items[k].ev[e].text, w->redact);
				tw_buf_addc(&t, '\n');
			}
		/* Log lines are quoted as written, but a mail part holds no control bytes. */
		for (size_t k = 0; k < t.len; k++) {
			unsigned char c = (unsigned char)t.p[k];
			if (c == '\n')
				tw_buf_adds(msg, "\r\n");
			else
				tw_buf_addc(msg, c < 0x20 || c == 0x7f ? '?' : (char)c);
		}
		tw_buf_fini(&t);
		tw_buf_printf(msg, "--%s--\r\n\r\n", b);
		nsrc++;
		i = j;
	}
}
