/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: core/conf (the configuration file). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/time.h"
#include "tap.h"

static int parse(const char *text, struct tw_conf *c, struct tw_errctx *ec)
{
	memset(ec, 0, sizeof(*ec));
	tw_conf_defaults(c);
	return tw_conf_parse(text, "t.conf", c, ec);
}

static void t_defaults_and_values(void)
{
	struct tw_conf c;
	struct tw_errctx ec;
	CHECK_EQ_I(parse("", &c, &ec), TW_OK);
	CHECK_EQ_U(c.scan_ports, 10);
	CHECK_EQ_I(c.window, 3600 * TW_NS);
	CHECK(c.min_confidence > 0.59 && c.min_confidence < 0.61);
	CHECK_EQ_I(parse("# tracewall.conf\n"
			 "[analyze]\n"
			 "own = 203.0.113.0/24, 2001:db8::/32 198.51.100.7\n"
			 "signatures = /etc/tracewall/site.rules\n"
			 "min-confidence = 0.75\n"
			 "max-sources = 5000\n"
			 "; scans\n"
			 "[scan]\n"
			 "ports = 20\n"
			 "hosts = 2\n"
			 "window = 90s\n"
			 "slow-window = 7d\n"
			 "[sweep]\n"
			 "hosts = 30\n"
			 "ports = 1\n"
			 "[incident]\n"
			 "gap = 30m\n"
			 "evidence-lines = 3\n"
			 "[spoofing]\n"
			 "same-payload-sources = 9\n",
			 &c, &ec),
		   TW_OK);
	CHECK_EQ_U(c.nown, 3);
	CHECK_EQ_U(c.own[1].plen, 32);
	CHECK_EQ_U(c.own[2].plen, 32);
	CHECK_EQ_I(c.own[2].net.family, TW_AF_INET);
	CHECK_STR(c.signatures, "/etc/tracewall/site.rules");
	CHECK(c.min_confidence > 0.74 && c.min_confidence < 0.76);
	CHECK_EQ_U(c.max_sources, 5000);
	CHECK_EQ_U(c.scan_ports, 20);
	CHECK_EQ_U(c.scan_hosts, 2);
	CHECK_EQ_I(c.window, 90 * TW_NS);
	CHECK_EQ_I(c.slow_window, 7 * 86400 * TW_NS);
	CHECK_EQ_U(c.sweep_hosts, 30);
	CHECK_EQ_U(c.sweep_ports, 1);
	CHECK_EQ_I(c.gap, 1800 * TW_NS);
	CHECK_EQ_U(c.evidence, 3);
	CHECK_EQ_U(c.spoof_sources, 9);
}

static void t_errors_name_the_line(void)
{
	struct tw_conf c;
	struct tw_errctx ec;
	CHECK_EQ_I(parse("[scan]\nports = 10\nbogus = 1\n", &c, &ec), TW_E_INVALID);
	CHECK_STR(ec.msg, "t.conf:3: unknown key 'bogus' in section [scan]");
	CHECK_EQ_I(parse("[scan]\nwindow = soon\n", &c, &ec), TW_E_INVALID);
	CHECK(strstr(ec.msg, "t.conf:2: [scan] window: want a duration") == ec.msg);
	CHECK_EQ_I(parse("[scan]\nwindow = 400d\n", &c, &ec), TW_E_RANGE);
	CHECK_EQ_I(parse("[scan]\nports = 1000\n", &c, &ec), TW_E_RANGE);
	CHECK_STR(ec.msg, "t.conf:2: [scan] ports: want a whole number from 2 to 64");
	CHECK_EQ_I(parse("[scan]\nports = -3\n", &c, &ec), TW_E_INVALID);
	CHECK_EQ_I(parse("[analyze]\nmin-confidence = 1.5\n", &c, &ec), TW_E_RANGE);
	CHECK_EQ_I(parse("[analyze]\nown = 10.0.0.0/33\n", &c, &ec), TW_E_INVALID);
	CHECK_STR(ec.msg, "t.conf:2: not a network: '10.0.0.0/33'");
	/* A line that is no INI at all, before a refused key: the first error wins. */
	CHECK_EQ_I(parse("[scan]\njust words\nbogus = 1\n", &c, &ec), TW_E_INVALID);
	CHECK(strstr(ec.msg, "t.conf:2: not 'key = value'") == ec.msg);
	/* A refused key before a syntax error. */
	CHECK_EQ_I(parse("[scan]\nbogus = 1\njust words\n", &c, &ec), TW_E_INVALID);
	CHECK_STR(ec.msg, "t.conf:2: unknown key 'bogus' in section [scan]");
	/* Lines inih would split, and control bytes, are refused before it sees them. */
	char big[400];
	memset(big, 'x', sizeof(big));
	memcpy(big, "[scan]\nports = 1", 16);
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ_I(parse(big, &c, &ec), TW_E_RANGE);
	CHECK_STR(ec.msg, "t.conf:2: line longer than 199 bytes");
	CHECK_EQ_I(parse("[scan]\nports = 1\x1b[2J\n", &c, &ec), TW_E_INVALID);
	CHECK_STR(ec.msg, "t.conf:2: control character 0x1b");
	/* Keys outside any section are unknown too. */
	CHECK_EQ_I(parse("ports = 10\n", &c, &ec), TW_E_INVALID);
}

static void t_durations(void)
{
	int64_t ns;
	CHECK_EQ_I(tw_conf_duration("45", &ns), TW_OK);
	CHECK_EQ_I(ns, 45 * TW_NS);
	CHECK_EQ_I(tw_conf_duration("2h", &ns), TW_OK);
	CHECK_EQ_I(ns, 7200 * TW_NS);
	CHECK_EQ_I(tw_conf_duration("366d", &ns), TW_OK);
	CHECK_EQ_I(tw_conf_duration("367d", &ns), TW_E_RANGE);
	CHECK_EQ_I(tw_conf_duration("0s", &ns), TW_E_RANGE);
	CHECK_EQ_I(tw_conf_duration("5hh", &ns), TW_E_INVALID);
	CHECK_EQ_I(tw_conf_duration("h", &ns), TW_E_INVALID);
	CHECK_EQ_I(tw_conf_duration("99999999999999999999999s", &ns), TW_E_RANGE);
}

static void t_load_file(void)
{
	char path[] = "/tmp/tw-conf-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("[sweep]\nhosts = 12\n", f);
	fclose(f);
	struct tw_conf c;
	struct tw_errctx ec;
	tw_conf_defaults(&c);
	memset(&ec, 0, sizeof(ec));
	CHECK_EQ_I(tw_conf_load(path, &c, &ec), TW_OK);
	CHECK_EQ_U(c.sweep_hosts, 12);
	unlink(path);
	CHECK_EQ_I(tw_conf_load(path, &c, &ec), TW_E_NOTFOUND);
}

TW_SUITE(conf, {"defaults_and_values", t_defaults_and_values},
	 {"errors_name_the_line", t_errors_name_the_line}, {"durations", t_durations},
	 {"load_file", t_load_file});
