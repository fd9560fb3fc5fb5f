/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text output for a terminal: a header with what was read, then one row per source. Only
 * addresses, numbers and our own names reach the table; anything from input goes through
 * tw_esc_term. */
#include "output/output.h"

#include <string.h>

#include "core/time.h"
#include "enrich/abuse.h"

/* 1234567 -> "1,234,567" */
static void grouped(struct tw_buf *b, uint64_t v)
{
	char d[32];
	int n = snprintf(d, sizeof(d), "%llu", (unsigned long long)v);
	for (int i = 0; i < n; i++) {
		tw_buf_addc(b, d[i]);
		if ((n - i - 1) % 3 == 0 && i != n - 1)
			tw_buf_addc(b, ',');
	}
}

static void write_header(struct tw_buf *b, const struct tw_run_stats *st, size_t nsrc)
{
	uint64_t skipped = 0;

	for (int i = 0; i < TW_SKIP_NREASONS; i++)
		skipped += st->skipped[i];
	tw_buf_printf(b, "%zu file%s, ", st->files, st->files == 1 ? "" : "s");
	if (st->lines || !st->frames) {
		grouped(b, st->lines);
		tw_buf_adds(b, st->lines == 1 ? " line" : " lines");
		tw_buf_adds(b, st->frames ? ", " : ": ");
	}
	if (st->frames) {
		grouped(b, st->frames);
		tw_buf_adds(b, st->frames == 1 ? " frame: " : " frames: ");
	}
	grouped(b, st->events);
	tw_buf_adds(b, st->events == 1 ? " firewall event from " : " firewall events from ");
	grouped(b, nsrc);
	tw_buf_printf(b, " source%s", nsrc == 1 ? "" : "s");
	if (st->filtered) {
		tw_buf_adds(b, ", ");
		grouped(b, st->filtered);
		tw_buf_adds(b, " outside --since/--until");
	}
	tw_buf_adds(b, ", ");
	grouped(b, skipped);
	tw_buf_adds(b, st->frames && !st->lines
			   ? (skipped == 1 ? " frame skipped" : " frames skipped")
			   : (skipped == 1 ? " line skipped" : " lines skipped"));
	if (skipped) {
		const char *sep = " (";
		for (int i = 0; i < TW_SKIP_NREASONS; i++) {
			if (!st->skipped[i])
				continue;
			tw_buf_adds(b, sep);
			tw_buf_adds(b, tw_skip_name((enum tw_skip)i));
			tw_buf_addc(b, ' ');
			grouped(b, st->skipped[i]);
			sep = ", ";
		}
		tw_buf_addc(b, ')');
	}
	if (st->files_failed)
		tw_buf_printf(b, "; %zu file%s could not be read", st->files_failed,
			      st->files_failed == 1 ? "" : "s");
	tw_buf_addc(b, '\n');
	if (st->pruned_srcs) {
		grouped(b, st->pruned_srcs);
		tw_buf_printf(b, " source%s with at most %u packet%s (",
			      st->pruned_srcs == 1 ? "" : "s", st->prune_below,
			      st->prune_below == 1 ? "" : "s");
		grouped(b, st->pruned_packets);
		tw_buf_adds(b, " packets) dropped from memory to stay within max-sources\n");
	}
	if (st->has_time) {
		char f[TW_TIME_STRLEN], l[TW_TIME_STRLEN];
		tw_time_format(st->first, false, f);
		tw_time_format(st->last, false, l);
		tw_buf_printf(b, "from %s to %s\n", f, l);
	}
}

/* The classes and busiest ports of one source (the detail table's last column). */
static void classes_ports(struct tw_buf *b, const struct tw_srcsum *m)
{
	const struct tw_srcagg *s = m->s;
	const char *sep = "";
	for (int c = 0; c < TW_CLS_MAX; c++) {
		if (!m->classes[c])
			continue;
		tw_buf_printf(b, "%s%s:%llu", sep, tw_class_name(c),
			      (unsigned long long)m->classes[c]);
		sep = ",";
	}
	if (m->scan_kind)
		tw_buf_printf(b, " %s:%s %u-%u", m->scan_kind, tw_scan_name(m->scan_type),
			      s->port_lo, s->port_hi);
	tw_buf_adds(b, " |");
	for (unsigned t = 0; t < m->ntop; t++) {
		const char *pname = tw_proto_name(m->top[t].proto);
		if (pname)
			tw_buf_printf(b, " %s/%u:%llu", pname, m->top[t].port,
				      (unsigned long long)m->top[t].packets);
		else
			tw_buf_printf(b, " %u/%u:%llu", m->top[t].proto, m->top[t].port,
				      (unsigned long long)m->top[t].packets);
	}
}

static int addr_width(const struct tw_srcsum *sums, size_t from, size_t to)
{
	int aw = 6;
	for (size_t i = from; i < to; i++) {
		char t[TW_ADDR_STRLEN];
		int l = (int)tw_addr_format(&sums[i].s->addr, t);
		if (l > aw)
			aw = l;
	}
	return aw;
}

/* "~" marks a count that is an estimate (beyond the exact bound). */
static void counts(struct tw_buf *b, const struct tw_srcsum *m)
{
	char dn[24], pn[24];
	snprintf(dn, sizeof(dn), "%s%llu", m->dsts_est ? "~" : "", (unsigned long long)m->dsts);
	snprintf(pn, sizeof(pn), "%s%llu", m->ports_est ? "~" : "", (unsigned long long)m->ports);
	tw_buf_printf(b, " %9llu %6s %6s %2d %4.1f  ", (unsigned long long)m->s->packets, dn, pn,
		      m->danger, m->confidence);
}

/* The sources worth a look: class, danger, confidence, and reportable or why not. */
static void write_notable(struct tw_buf *b, const struct tw_srcsum *sums, size_t k)
{
	int aw = addr_width(sums, 0, k);
	bool net = false;
	for (size_t i = 0; i < k; i++)
		net |= sums[i].has_asn || sums[i].has_cc;
	tw_buf_printf(b, "\nWorth a look (%zu source%s):\n%-*s %9s %6s %6s %2s %4s  %-28s ", k,
		      k == 1 ? "" : "s", aw, "SOURCE", "PACKETS", "DSTS", "PORTS", "DL", "CONF",
		      "CLASS");
	if (net)
		tw_buf_printf(b, "%-14s ", "NETWORK");
	tw_buf_adds(b, "VERDICT\n");
	for (size_t i = 0; i < k; i++) {
		const struct tw_srcsum *m = &sums[i];
		char a[TW_ADDR_STRLEN], cls[96];
		tw_addr_format(&m->s->addr, a);
		tw_buf_printf(b, "%-*s", aw, a);
		counts(b, m);
		if (m->scan_kind)
			snprintf(cls, sizeof(cls), "%s%s %s %u-%u",
				 m->scan_speed && m->scan_speed[0] == 's' ? "slow " : "",
				 m->scan_kind, tw_scan_name(m->scan_type), m->s->port_lo,
				 m->s->port_hi);
		else
			snprintf(cls, sizeof(cls), "%s", m->cls);
		tw_buf_printf(b, "%-28s ", cls);
		if (net) {
			char nw[32] = "-";
			if (m->has_asn && m->has_cc)
				snprintf(nw, sizeof(nw), "AS%u %s", m->asn, m->cc);
			else if (m->has_asn)
				snprintf(nw, sizeof(nw), "AS%u", m->asn);
			else if (m->has_cc)
				snprintf(nw, sizeof(nw), "%s", m->cc);
			tw_buf_printf(b, "%-14s ", nw);
		}
		if (m->reportable) {
			tw_buf_adds(b, "reportable");
			if (m->abuse && m->abuse->found.n) {
				tw_buf_adds(b, ": ");
				tw_esc_term(b, m->abuse->found.email[0],
					    strlen(m->abuse->found.email[0]));
				if (m->abuse->found.weak)
					tw_buf_adds(b, " (free text: check)");
			} else if (m->abuse) {
				tw_buf_adds(b, m->abuse->rate_limited
						   ? ": abuse contact unknown (rate limited)"
						   : ": no abuse contact found");
			}
		} else {
			tw_buf_adds(b, "not reportable");
			if (m->why_not >= 0) {
				const char *w = m->why[m->why_not];
				tw_buf_adds(b, ": ");
				tw_esc_term(b, w, strlen(w));
			}
		}
		tw_buf_addc(b, '\n');
	}
}

static void write_summary(struct tw_buf *b, const struct tw_run_stats *st,
			  const struct tw_srcsum *sums, size_t n, size_t shown)
{
	write_header(b, st, n);
	if (!n)
		return;
	/* The summary sorts the notable sources first. */
	size_t k = 0;
	while (k < shown && sums[k].notable)
		k++;
	if (k)
		write_notable(b, sums, k);
	int aw = addr_width(sums, k, shown);
	if (k < shown) {
		if (k)
			tw_buf_printf(b, "\nThe rest (%zu source%s):", shown - k,
				      shown - k == 1 ? "" : "s");
		tw_buf_printf(b, "\n%-*s  %-20s  %-20s %9s %6s %6s %2s %4s  %s\n", aw, "SOURCE",
			      "FIRST (UTC)", "LAST (UTC)", "PACKETS", "DSTS", "PORTS", "DL", "CONF",
			      "CLASSES / TOP PORTS");
	}
	for (size_t i = k; i < shown; i++) {
		const struct tw_srcsum *m = &sums[i];
		const struct tw_srcagg *s = m->s;
		char a[TW_ADDR_STRLEN], f[TW_TIME_STRLEN] = "-", l[TW_TIME_STRLEN] = "-";
		tw_addr_format(&s->addr, a);
		if (s->has_time) {
			tw_time_format(s->first, false, f);
			tw_time_format(s->last, false, l);
		}
		tw_buf_printf(b, "%-*s  %-20s  %-20s", aw, a, f, l);
		counts(b, m);
		classes_ports(b, m);
		tw_buf_addc(b, '\n');
	}
	if (shown < n)
		tw_buf_printf(b, "... %zu more source%s (--top 0 shows all)\n", n - shown,
			      n - shown == 1 ? "" : "s");
}

const struct tw_output tw_out_text = {
    .name = "text",
    .summary = "a table for the terminal, one row per source",
    .write_summary = write_summary,
    .write_event = NULL,
};
