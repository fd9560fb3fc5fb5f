/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text output for a terminal: a header with what was read, then one row per source. Only
 * addresses, numbers and our own names reach the table; anything from input goes through
 * tw_esc_term. */
#include "output/output.h"

#include <string.h>

#include "core/time.h"

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
	if (st->has_time) {
		char f[TW_TIME_STRLEN], l[TW_TIME_STRLEN];
		tw_time_format(st->first, false, f);
		tw_time_format(st->last, false, l);
		tw_buf_printf(b, "from %s to %s\n", f, l);
	}
}

static void write_summary(struct tw_buf *b, const struct tw_run_stats *st,
			  const struct tw_srcsum *sums, size_t n, size_t shown)
{
	int aw = 6;

	write_header(b, st, n);
	if (!n)
		return;
	for (size_t i = 0; i < shown; i++) {
		char t[TW_ADDR_STRLEN];
		int l = (int)tw_addr_format(&sums[i].s->addr, t);
		if (l > aw)
			aw = l;
	}
	tw_buf_printf(b, "\n%-*s  %-20s  %-20s %9s %6s %6s %2s %4s  %s\n", aw, "SOURCE",
		      "FIRST (UTC)", "LAST (UTC)", "PACKETS", "DSTS", "PORTS", "DL", "CONF",
		      "CLASSES / TOP PORTS");
	for (size_t i = 0; i < shown; i++) {
		const struct tw_srcsum *m = &sums[i];
		const struct tw_srcagg *s = m->s;
		char a[TW_ADDR_STRLEN], f[TW_TIME_STRLEN] = "-", l[TW_TIME_STRLEN] = "-";
		tw_addr_format(&s->addr, a);
		if (s->has_time) {
			tw_time_format(s->first, false, f);
			tw_time_format(s->last, false, l);
		}
		/* "~" marks a count that is an estimate (beyond the exact bound). */
		char dn[24], pn[24];
		snprintf(dn, sizeof(dn), "%s%llu", m->dsts_est ? "~" : "",
			 (unsigned long long)m->dsts);
		snprintf(pn, sizeof(pn), "%s%llu", m->ports_est ? "~" : "",
			 (unsigned long long)m->ports);
		tw_buf_printf(b, "%-*s  %-20s  %-20s %9llu %6s %6s %2d %4.1f  ", aw, a, f, l,
			      (unsigned long long)s->packets, dn, pn, m->danger, m->confidence);
		const char *sep = "";
		for (int c = 0; c < TW_CLS_MAX; c++) {
			if (!s->classes[c])
				continue;
			tw_buf_printf(b, "%s%s:%llu", sep, tw_class_name(c),
				      (unsigned long long)s->classes[c]);
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
