/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: input/in-reader (per-line detection, skips, repeat notes). */
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "input/input-int.h"
#include "input/input.h"
#include "tap.h"

static const char mixed[] =
    "Nov 27 01:00:00 h sshd[1]: Accepted publickey for root\n"
    "Nov 27 01:00:01 h kernel: DROP IN=eth0 OUT= SRC=203.0.113.1 DST=192.0.2.1 LEN=40 PROTO=TCP "
    "SPT=1 DPT=445 SYN\n"
    "Nov 27 01:00:02 h last message repeated 2 times\n"
    "Nov 27 01:00:03 h kernel: DROP IN=eth0 OUT= SRC=203.0.113.2 DST=192.0.2.1 LEN=40 PROTO=TCP "
    "SPT=1\n"
    "{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":\"IN=eth0 OUT= SRC=203.0.113.3 DST=192.0.2.1 "
    "LEN=28 PROTO=UDP SPT=1 DPT=137 LEN=8\"}\n"
    "bin\0ary\n"
    "Nov 27 01:00:04 h last message repeated 5 times\n";

static void run(const char *path, bool gz, uint64_t *events, uint64_t *sk, int *dports)
{
	int fd = -1;
	char p[64];
	strcpy(p, path);
	fd = mkstemp(p);
	if (gz) {
		gzFile g = gzdopen(fd, "wb");
		gzwrite(g, mixed, sizeof(mixed) - 1);
		gzclose(g);
	} else {
		CHECK(write(fd, mixed, sizeof(mixed) - 1) == (ssize_t)(sizeof(mixed) - 1));
		close(fd);
	}
	struct tw_lines lr;
	struct tw_reader r;
	struct tw_event ev;
	struct tw_errctx ec;
	int ret, n = 0;
	CHECK_EQ_I(tw_lines_open(&lr, p, 0, &ec), TW_OK);
	tw_reader_init(&r, &lr, NULL, 0, 2026);
	while ((ret = tw_reader_next(&r, &ev, &ec)) != TW_EOF) {
		if (ret == TW_OK && n < 8)
			dports[n++] = ev.dport;
	}
	*events = r.events;
	for (int i = 0; i < TW_SKIP_NREASONS; i++)
		sk[i] = r.skipped[i];
	tw_reader_fini(&r);
	tw_lines_close(&lr);
	unlink(p);
}

static void t_mixed_file(void)
{
	for (int gz = 0; gz < 2; gz++) {
		uint64_t events, sk[TW_SKIP_NREASONS];
		int dports[8] = {0};
		run("/tmp/tw-reader-XXXXXX", gz, &events, sk, dports);
		/* 445 once, twice more from the repeat note, then 137 from the journal line;
		 * the second repeat note follows a non-firewall line and adds nothing. */
		CHECK_EQ_U(events, 4);
		CHECK_EQ_I(dports[0], 445);
		CHECK_EQ_I(dports[1], 445);
		CHECK_EQ_I(dports[2], 445);
		CHECK_EQ_I(dports[3], 137);
		CHECK_EQ_U(sk[TW_SKIP_NOT_FIREWALL], 2);
		CHECK_EQ_U(sk[TW_SKIP_TRUNCATED], 1);
		CHECK_EQ_U(sk[TW_SKIP_BINARY], 1);
	}
}

static void t_zero_repeat_counted(void)
{
	/* Every line is accounted for: a "repeated 0 times" note counts as skipped and does
	 * not stop a later note from copying the event. */
	static const char d[] =
	    "Nov 27 01:00:01 h kernel: DROP IN=eth0 OUT= SRC=203.0.113.1 DST=192.0.2.1 LEN=40 "
	    "PROTO=TCP SPT=1 DPT=445 SYN\n"
	    "Nov 27 01:00:02 h last message repeated 0 times\n"
	    "Nov 27 01:00:03 h last message repeated 2 times\n";
	char p[] = "/tmp/tw-reader0-XXXXXX";
	int fd = mkstemp(p);
	CHECK(write(fd, d, sizeof(d) - 1) == (ssize_t)(sizeof(d) - 1));
	close(fd);
	struct tw_lines lr;
	struct tw_reader r;
	struct tw_event ev;
	struct tw_errctx ec;
	CHECK_EQ_I(tw_lines_open(&lr, p, 0, &ec), TW_OK);
	tw_reader_init(&r, &lr, NULL, 0, 2026);
	while (tw_reader_next(&r, &ev, &ec) != TW_EOF)
		;
	CHECK_EQ_U(r.lines_read, 3);
	CHECK_EQ_U(r.events, 3);
	CHECK_EQ_U(r.skipped[TW_SKIP_NOT_FIREWALL], 1);
	tw_reader_fini(&r);
	tw_lines_close(&lr);
	unlink(p);
}

static void t_find(void)
{
	const char *l = "a log_type=x";
	CHECK(tw_in_find(l, strlen(l), "log_type=", 9, 8) == l + 2);
	CHECK(tw_in_find(l, strlen(l), "log_type=x", 10, 8) == l + 2); /* at the very end */
	CHECK(tw_in_find(l, strlen(l), "log_type=xy", 11, 8) == NULL); /* past the end */
	CHECK(tw_in_find("=", 1, "a=", 2, 1) == NULL);		       /* shorter than needle */
	CHECK(tw_in_find("RT_", 3, "RT_", 3, 2) != NULL);
	const char *m = "x_y RT_";
	CHECK(tw_in_find(m, 7, "RT_", 3, 2) == m + 4); /* an anchor hit that is no match first */
	CHECK(tw_in_find("", 0, "RT_", 3, 2) == NULL);
}

/* Reads the file 'd' through the reader; returns the events' destination ports. */
static void read_all(const char *d, size_t n, struct tw_reader *r, struct tw_lines *lr, int *dports,
		     int max)
{
	char p[] = "/tmp/tw-reader1-XXXXXX";
	int fd = mkstemp(p), k = 0;
	struct tw_event ev;
	struct tw_errctx ec;
	CHECK(write(fd, d, n) == (ssize_t)n);
	close(fd);
	CHECK_EQ_I(tw_lines_open(lr, p, 0, &ec), TW_OK);
	tw_reader_init(r, lr, NULL, 0, 2026);
	int ret;
	while ((ret = tw_reader_next(r, &ev, &ec)) != TW_EOF)
		if (ret == TW_OK && k < max)
			dports[k++] = ev.dport;
	unlink(p);
}

static void t_glued_and_multiline(void)
{
	/* A pfirewall record glued to a cut-off one (the second must not be lost: the reader
	 * once let a later format's NOTFOUND reset the offset), a pretty-printed Windows event
	 * around a netfilter line's neighbours, and header lines counted as no-packet. */
	static const char d[] =
	    "#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags "
	    "tcpsyn tcpack tcpwin icmptype icmpcode info path\n"
	    "2004-08-06 21:20:09 DROP UDP 192.0.2.1 192.0.2.255 68 67 328 - -2004-08-06 21:20:10 "
	    "DROP TCP 203.0.113.44 192.0.2.10 4022 139 48 S 1 0 64240 - - - RECEIVE\n"
	    "Nov 27 01:00:01 h kernel: DROP IN=eth0 OUT= SRC=203.0.113.1 DST=192.0.2.1 LEN=40 "
	    "PROTO=TCP SPT=1 DPT=445 SYN\n"
	    "- <Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">\n"
	    " <EventID>5152</EventID>\n"
	    " <Data Name=\"SourceAddress\">198.51.100.7</Data>\n"
	    " <Data Name=\"SourcePort\">1027</Data>\n"
	    " <Data Name=\"DestAddress\">192.0.2.10</Data>\n"
	    " <Data Name=\"DestPort\">1026</Data>\n"
	    " <Data Name=\"Protocol\">17</Data>\n"
	    " </Event>\n";
	struct tw_lines lr;
	struct tw_reader r;
	int dports[8] = {0};
	read_all(d, sizeof(d) - 1, &r, &lr, dports, 8);
	CHECK_EQ_U(r.lines_read, 11);
	CHECK_EQ_U(r.events, 3);
	CHECK_EQ_I(dports[0], 139);
	CHECK_EQ_I(dports[1], 445);
	CHECK_EQ_I(dports[2], 1026);
	CHECK_EQ_U(r.skipped[TW_SKIP_TRUNCATED], 1);
	CHECK_EQ_U(r.skipped[TW_SKIP_NOPACKET], 1 + 7); /* the header; the event's 7 lines */
	tw_reader_fini(&r);
	tw_lines_close(&lr);
}

TW_SUITE(reader, {"mixed_file", t_mixed_file}, {"zero_repeat_counted", t_zero_repeat_counted},
	 {"find", t_find}, {"glued_and_multiline", t_glued_and_multiline});
