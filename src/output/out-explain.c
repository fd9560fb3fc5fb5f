/* SPDX-License-Identifier: GPL-2.0-or-later */
/* analyze --explain ADDRESS: every rule, threshold and incident that decided about one
 * source, with the first events as evidence, for the terminal. */
#include <string.h>

#include "core/esc.h"
#include "core/time.h"
#include "enrich/abuse.h"
#include "enrich/netdb.h"
#include "output/out-abuse.h"
#include "output/output.h"

/* The evidence line at 'off' of input file 'file', escaped for the terminal. */
static void evidence_line(struct tw_buf *b, tw_evidence_reader rd, void *rdctx, uint32_t file,
			  uint64_t off)
{
	char line[512];
	long r = rd ? rd(rdctx, file, off, line, sizeof(line)) : -1;
	if (r <= 0)
		return;
	size_t n = 0;
	while (n < (size_t)r && line[n] != '\n')
		n++;
	tw_buf_adds(b, "      ");
	tw_esc_term(b, line, n);
	if (n == (size_t)r && n == sizeof(line))
		tw_buf_adds(b, " …");
	tw_buf_addc(b, '\n');
}

void tw_explain_note(struct tw_explain *x, const struct tw_event *ev, const struct tw_verdict *v,
		     int kind)
{
	if (x->n < TW_EXPLAIN_MAX) {
		struct tw_explained_ev *e = &x->ev[x->n];
		e->file = ev->origin.file;
		e->line = ev->origin.line;
		e->offset = ev->origin.offset;
		e->kind = kind;
		e->cls = v->cls;
		e->why = v->why;
	}
	x->n++;
	unsigned k = 0;
	while (k < x->nrule && x->rule[k].why != v->why)
		k++;
	if (k == x->nrule && k < TW_EXPLAIN_RULES) {
		x->rule[k].why = v->why;
		x->nrule++;
	}
	if (k < TW_EXPLAIN_RULES)
		x->rule[k].count++;
}

void tw_out_explain(struct tw_buf *b, const struct tw_explain *x, const struct tw_conf *conf,
		    char *const *files, const struct tw_srcsum *sums, size_t n,
		    tw_evidence_reader rd, void *rdctx)
{
	char a[TW_ADDR_STRLEN];
	tw_addr_format(&x->addr, a);
	const struct tw_srcsum *m = NULL;
	for (size_t i = 0; i < n && !m; i++)
		if (tw_addr_eq(&sums[i].s->addr, &x->addr))
			m = &sums[i];
	if (!m) {
		tw_buf_printf(b, "%s: no event from this source\n", a);
		return;
	}
	const struct tw_srcagg *s = m->s;
	tw_buf_printf(b, "%s: %llu packet%s to %s%llu destination%s and %llu port%s\n", a,
		      (unsigned long long)s->packets, s->packets == 1 ? "" : "s",
		      m->dsts_est ? "~" : "", (unsigned long long)m->dsts, m->dsts == 1 ? "" : "s",
		      (unsigned long long)m->ports, m->ports == 1 ? "" : "s");
	tw_buf_printf(b,
		      "  danger %d (1 + heaviest rule weight %u; +1 at 10 ports, +1 at 100 ports "
		      "or destinations, +1 at 1,000 packets; at most 5)\n",
		      m->danger, s->max_weight);
	tw_buf_printf(b, "  confidence %.1f, %s\n", m->confidence,
		      m->reportable ? "reportable" : "not reportable");
	if (m->has_asn) {
		tw_buf_printf(b, "  network AS%u ", m->asn);
		tw_esc_term(b, m->org, strlen(m->org));
		tw_buf_addc(b, '\n');
	}
	if (m->has_cc)
		tw_buf_printf(b, "  country %s, %s\n", m->cc, tw_nd_status_name(m->alloc));
	if (m->rdns) {
		tw_buf_adds(b, "  rdns ");
		tw_esc_term(b, m->rdns, strlen(m->rdns));
		tw_buf_adds(b, m->rdns_confirmed ? " (forward-confirmed)\n"
						 : " (not forward-confirmed)\n");
	}
	if (m->abuse) {
		tw_buf_adds(b, "  ");
		tw_out_abuse_text(b, m->abuse, "  ");
	}
	for (unsigned w = 0; w < m->nwhy; w++) {
		tw_buf_adds(b, "  why: ");
		tw_esc_term(b, m->why[w], strlen(m->why[w]));
		tw_buf_addc(b, '\n');
	}
	tw_buf_printf(b,
		      "  scan: %s (port scan: at least %u ports on at most %u hosts; sweep: at "
		      "least %u hosts on at most %u ports; within %llds fast, %llds slow)\n",
		      m->scan_kind ? m->scan_why : "none", conf->scan_ports, conf->scan_hosts,
		      conf->sweep_hosts, conf->sweep_ports, (long long)(conf->window / 1000000000),
		      (long long)(conf->slow_window / 1000000000));
	tw_buf_adds(b, "  rules that fired:\n");
	for (unsigned k = 0; k < x->nrule; k++) {
		tw_buf_printf(b, "    %6llu x ", (unsigned long long)x->rule[k].count);
		tw_esc_term(b, x->rule[k].why, strlen(x->rule[k].why));
		tw_buf_addc(b, '\n');
	}
	tw_buf_printf(b, "  incidents (per class; a new one after %llds without packets):\n",
		      (long long)(conf->gap / 1000000000));
	for (unsigned k = 0; k < s->ninc; k++) {
		const struct tw_incident *in = &s->inc[k];
		char f[TW_TIME_STRLEN] = "-", l[TW_TIME_STRLEN] = "-";
		struct tw_inc_counts cnt;
		tw_incident_counts(s, in, &cnt);
		bool de = cnt.dsts_est, pe = cnt.ports_est;
		uint64_t d = cnt.dsts, p = cnt.ports;
		if (in->has_time) {
			tw_time_format(in->first, false, f);
			tw_time_format(in->last, false, l);
		}
		tw_buf_printf(
		    b, "    %s %s to %s: %llu packet%s, %s%llu destination%s, %s%llu port%s",
		    tw_class_name(in->cls), f, l, (unsigned long long)in->packets,
		    in->packets == 1 ? "" : "s", de ? "~" : "", (unsigned long long)d,
		    d == 1 ? "" : "s", pe ? "~" : "", (unsigned long long)p, p == 1 ? "" : "s");
		if (in->has_ports)
			tw_buf_printf(b, " (%u-%u)", in->port_lo, in->port_hi);
		tw_buf_printf(b, ", danger %d%s\n", tw_incident_danger(s, in),
			      in->joined ? " (later windows joined: too many incidents)" : "");
		const char *line = in->evtext;
		for (unsigned i = 0; i < in->ntext && line; i++) {
			const char *e = memchr(line, '\n', (size_t)(in->evtext + in->evlen - line));
			if (!e)
				break;
			tw_buf_adds(b, "      ");
			tw_esc_term(b, line, (size_t)(e - line));
			tw_buf_addc(b, '\n');
			line = e + 1;
		}
	}
	tw_buf_printf(b, "  evidence (%s%llu of %llu events):\n",
		      x->n > TW_EXPLAIN_MAX ? "the first " : "",
		      (unsigned long long)(x->n < TW_EXPLAIN_MAX ? x->n : TW_EXPLAIN_MAX),
		      (unsigned long long)x->n);
	for (uint64_t i = 0; i < x->n && i < TW_EXPLAIN_MAX; i++) {
		const char *file = files[x->ev[i].file];
		tw_buf_adds(b, "    ");
		tw_esc_term(b, file, strlen(file));
		tw_buf_printf(b, ":%s%llu: %s\n", x->ev[i].kind == 2 ? "frame " : "",
			      (unsigned long long)x->ev[i].line, tw_class_name(x->ev[i].cls));
		if (x->ev[i].kind == 0)
			evidence_line(b, rd, rdctx, x->ev[i].file, x->ev[i].offset);
	}
}
