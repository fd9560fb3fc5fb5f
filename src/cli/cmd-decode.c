/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tracewall decode: the Messenger messages in packet captures, down to the words on the
 * screen — one block per message (time, endpoints, delivery path, From, To, Text), or one
 * JSON object per message; with --all also the other decoded packets and the malformed
 * ones, truncated (snap length) told apart from invalid. Fragmented DCE/RPC calls and
 * SMB multi-block messages are reassembled across packets. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/codepage.h"
#include "core/esc.h"
#include "core/time.h"
#include "decode/decode.h"
#include "input/pcap.h"
#include "output/output.h"

struct dopts {
	bool json, all;
};

static void usage(FILE *f)
{
	fputs("usage: tracewall decode [--json] [--all] [--codepage CP] FILE...\n"
	      "  Prints each Messenger message found in packet captures (pcap, pcapng, .gz):\n"
	      "  time, source and destination, delivery path, From, To and Text.\n"
	      "  --json          one JSON object per message\n"
	      "  --all           also the other decoded packets, and the malformed ones\n"
	      "  --codepage CP   the senders' code page (default CP1252; CP437, CP850…)\n",
	      f);
}

static void endpoint(struct tw_buf *b, const struct tw_addr *a, uint16_t port, bool ports)
{
	char t[TW_ADDR_STRLEN];
	tw_addr_format(a, t);
	if (a->family == TW_AF_INET6 && ports)
		tw_buf_printf(b, "[%s]:%u", t, port);
	else if (ports)
		tw_buf_printf(b, "%s:%u", t, port);
	else
		tw_buf_adds(b, t);
}

/* A message field for the terminal: converted to UTF-8, then every control character made
 * visible; line breaks start an indented line. */
static void field(struct tw_buf *b, const char *label, struct tw_span s, bool smb)
{
	struct tw_buf u;
	tw_buf_init(&u);
	tw_codepage_to_utf8(&u, s.p, s.len, smb);
	tw_buf_printf(b, "  %-5s ", label);
	size_t i = 0;
	while (i < u.len) {
		size_t j = i;
		while (j < u.len && u.p[j] != '\n')
			j++;
		size_t k = j;
		if (k > i && u.p[k - 1] == '\r')
			k--; /* CRLF */
		tw_esc_term(b, u.p + i, k - i);
		if (j < u.len)
			tw_buf_adds(b, "\n        ");
		i = j + 1;
	}
	tw_buf_addc(b, '\n');
	tw_buf_fini(&u);
}

static void text_block(struct tw_buf *b, const struct tw_event *ev, const struct tw_decoded *d,
		       const char *file)
{
	char t[TW_TIME_STRLEN];
	tw_time_format(ev->ts, true, t);
	bool ports = ev->has & TW_EV_HAS_PORTS;
	tw_buf_printf(b, "%s  ", t);
	endpoint(b, &ev->src, ev->sport, ports);
	tw_buf_adds(b, " -> ");
	endpoint(b, &ev->dst, ev->dport, ports);
	tw_buf_printf(b, "  %s", d->what ? d->what : "?");
	if (d->status != TW_OK)
		tw_buf_printf(b, "  [%s: %s]",
			      d->status == TW_E_TRUNCATED ? "truncated" : "invalid",
			      d->why ? d->why : "?");
	tw_buf_adds(b, "  (");
	tw_esc_term(b, file, strlen(file));
	tw_buf_printf(b, " frame %llu)\n", (unsigned long long)ev->origin.line);
	if (d->kind == TW_DEC_MESSENGER && d->status == TW_OK) {
		bool smb = d->msg.path == TW_PATH_SMB;
		field(b, "From:", d->msg.from, smb);
		field(b, "To:", d->msg.to, smb);
		field(b, "Text:", d->msg.text, smb);
	} else if (d->name[0] || d->name_suffix >= 0) {
		tw_buf_adds(b, "  Name: ");
		tw_esc_term(b, d->name, strlen(d->name));
		if (d->name_suffix >= 0)
			tw_buf_printf(b, "<%02x>", d->name_suffix);
		if (d->kind == TW_DEC_NBSTAT_RESPONSE) {
			tw_buf_printf(b, "  (%u names)", d->count);
			for (unsigned i = 0; i < d->count && i < TW_NBSTAT_NAMES; i++) {
				tw_buf_adds(b, i ? ", " : "\n  Table: ");
				tw_esc_term(b, d->table[i].name, strlen(d->table[i].name));
				tw_buf_printf(b, "<%02x>%s", d->table[i].suffix,
					      d->table[i].flags & 0x8000 ? " group" : "");
			}
		}
		if (d->has_mac)
			tw_buf_printf(b, "  MAC %02x:%02x:%02x:%02x:%02x:%02x", d->mac[0],
				      d->mac[1], d->mac[2], d->mac[3], d->mac[4], d->mac[5]);
		tw_buf_addc(b, '\n');
	}
	tw_buf_addc(b, '\n');
}

static void json_obj(struct tw_buf *b, const struct tw_event *ev, const struct tw_decoded *d,
		     const char *file)
{
	char t[TW_TIME_STRLEN], a[TW_ADDR_STRLEN];
	tw_time_format(ev->ts, true, t);
	tw_buf_printf(b, "{\"ts\":\"%s\",\"src\":\"", t);
	tw_addr_format(&ev->src, a);
	tw_buf_adds(b, a);
	tw_buf_adds(b, "\",\"dst\":\"");
	tw_addr_format(&ev->dst, a);
	tw_buf_adds(b, a);
	tw_buf_printf(b, "\",\"proto\":\"%s\"", ev->proto == TW_IPPROTO_TCP ? "tcp" : "udp");
	if (ev->has & TW_EV_HAS_PORTS)
		tw_buf_printf(b, ",\"sport\":%u,\"dport\":%u", ev->sport, ev->dport);
	tw_buf_adds(b, ",\"what\":\"");
	tw_esc_json(b, d->what ? d->what : "", d->what ? strlen(d->what) : 0);
	tw_buf_addc(b, '"');
	if (d->status != TW_OK) {
		tw_buf_printf(b, ",\"status\":\"%s\",\"why\":\"",
			      d->status == TW_E_TRUNCATED ? "truncated" : "invalid");
		tw_esc_json(b, d->why ? d->why : "", d->why ? strlen(d->why) : 0);
		tw_buf_addc(b, '"');
	}
	if (d->kind == TW_DEC_MESSENGER && d->status == TW_OK) {
		tw_buf_adds(b, ",\"msg\":");
		tw_out_json_msg(b, &d->msg);
	}
	if (d->name[0] || d->name_suffix >= 0) {
		tw_buf_adds(b, ",\"name\":\"");
		tw_esc_json(b, d->name, strlen(d->name));
		tw_buf_addc(b, '"');
		if (d->name_suffix >= 0)
			tw_buf_printf(b, ",\"suffix\":%d", d->name_suffix);
	}
	if (d->kind == TW_DEC_NBSTAT_RESPONSE) {
		tw_buf_printf(b, ",\"names\":%u,\"table\":[", d->count);
		for (unsigned i = 0; i < d->count && i < TW_NBSTAT_NAMES; i++) {
			tw_buf_adds(b, i ? ",{\"name\":\"" : "{\"name\":\"");
			tw_esc_json(b, d->table[i].name, strlen(d->table[i].name));
			tw_buf_printf(b, "\",\"suffix\":%u,\"group\":%s}", d->table[i].suffix,
				      d->table[i].flags & 0x8000 ? "true" : "false");
		}
		tw_buf_addc(b, ']');
	}
	if (d->has_mac)
		tw_buf_printf(b, ",\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\"", d->mac[0], d->mac[1],
			      d->mac[2], d->mac[3], d->mac[4], d->mac[5]);
	tw_buf_adds(b, ",\"file\":\"");
	tw_esc_json(b, file, strlen(file));
	tw_buf_printf(b, "\",\"frame\":%llu}\n", (unsigned long long)ev->origin.line);
}

static int decode_file(const struct dopts *o, const char *file, uint32_t index, uint64_t counts[3])
{
	struct tw_pcap pc;
	struct tw_errctx ec;
	struct tw_event ev;
	struct tw_decoded d;
	struct tw_decode_state st;
	struct tw_buf b;
	int ret;

	memset(&ec, 0, sizeof(ec));
	if ((ret = tw_pcap_open(&pc, file, index, &ec)) != TW_OK) {
		fputs("tracewall: ", stderr);
		tw_cli_puts_safe(stderr, file);
		fprintf(stderr, ": %s\n", ec.msg);
		return ret;
	}
	tw_decode_state_init(&st);
	tw_buf_init(&b);
	while ((ret = tw_pcap_next(&pc, &ev, &ec)) != TW_EOF) {
		if (ret < 0) {
			fputs("tracewall: ", stderr);
			tw_cli_puts_safe(stderr, file);
			fprintf(stderr, ": %s\n", ec.msg);
			break;
		}
		if (ret != TW_OK) {
			/* A frame the capture layer rejected: shown with --all when it was
			 * cut or damaged (not for frames that merely are not IP). */
			if (o->all && (pc.skip_reason == TW_SKIP_MALFORMED ||
				       pc.skip_reason == TW_SKIP_TRUNCATED)) {
				counts[1]++;
				if (o->json) {
					tw_buf_adds(&b, "{\"file\":\"");
					tw_esc_json(&b, file, strlen(file));
					tw_buf_printf(
					    &b, "\",\"frame\":%llu,\"status\":\"%s\",\"why\":\"",
					    (unsigned long long)pc.skip_frame,
					    tw_skip_name(pc.skip_reason));
					const char *w = pc.skip_detail ? pc.skip_detail : "";
					tw_esc_json(&b, w, strlen(w));
					tw_buf_adds(&b, "\"}\n");
				} else {
					tw_esc_term(&b, file, strlen(file));
					tw_buf_printf(&b, " frame %llu: %s: %s\n\n",
						      (unsigned long long)pc.skip_frame,
						      tw_skip_name(pc.skip_reason),
						      pc.skip_detail ? pc.skip_detail : "?");
				}
			}
			continue;
		}
		if (tw_decode(&ev, &d, &st) != TW_OK)
			continue;
		bool msg = d.kind == TW_DEC_MESSENGER && d.status == TW_OK;
		if (msg)
			counts[0]++;
		else if (d.status != TW_OK)
			counts[1]++;
		else
			counts[2]++;
		if (!msg && !o->all)
			continue;
		if (o->json)
			json_obj(&b, &ev, &d, file);
		else
			text_block(&b, &ev, &d, file);
		if (b.len > 65536 && tw_cli_flush(&b))
			break;
	}
	if (tw_cli_flush(&b))
		ret = TW_E_IO;
	tw_buf_fini(&b);
	tw_decode_state_fini(&st);
	tw_pcap_close(&pc);
	return ret == TW_EOF ? TW_OK : ret;
}

int tw_cmd_decode(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"all", no_argument, NULL, 'a'},
	    {"codepage", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct dopts o = {false, false};
	int c, rc = TW_EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': o.json = true; break;
		case 'a': o.all = true; break;
		case 'c':
			if (tw_codepage_set(optarg) != TW_OK) {
				fputs("tracewall decode: unknown code page: ", stderr);
				tw_cli_puts_safe(stderr, optarg);
				fputc('\n', stderr);
				return TW_EXIT_USAGE;
			}
			break;
		case 'h': usage(stdout); return TW_EXIT_OK;
		default: usage(stderr); return TW_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return TW_EXIT_USAGE;
	}
	uint64_t counts[3] = {0, 0, 0};
	for (int i = optind; i < argc; i++)
		if (decode_file(&o, argv[i], (uint32_t)(i - optind), counts) != TW_OK)
			rc = TW_EXIT_INPUT;
	if (!o.json)
		fprintf(stderr,
			"tracewall decode: %llu message%s, %llu malformed, %llu other decoded "
			"packet%s\n",
			(unsigned long long)counts[0], counts[0] == 1 ? "" : "s",
			(unsigned long long)counts[1], (unsigned long long)counts[2],
			counts[2] == 1 ? "" : "s");
	return rc;
}
