/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: core/time. The test runner runs with TZ=UTC unless a test sets its own. */
#include <stdlib.h>
#include <time.h>

#include "core/err.h"
#include "core/time.h"
#include "tap.h"

static const char *fmt(int64_t ns, bool frac)
{
	static char b[TW_TIME_STRLEN];
	tw_time_format(ns, frac, b);
	return b;
}

static void t_civil(void)
{
	CHECK_EQ_I(tw_time_from_civil(1970, 1, 1, 0, 0, 0), 0);
	CHECK_EQ_I(tw_time_from_civil(2004, 8, 6, 12, 34, 56), 1091795696);
	CHECK_EQ_I(tw_time_from_civil(2000, 2, 29, 0, 0, 0), 951782400);
	CHECK_STR(fmt(1091795696LL * TW_NS, false), "2004-08-06T12:34:56Z");
	CHECK_STR(fmt(1091795696LL * TW_NS + 45015000, true), "2004-08-06T12:34:56.045015Z");
}

static void t_rfc3339(void)
{
	int64_t ns;
	int32_t off;
	bool has;
	const char *s = "2015-03-07T05:09:30.045015+02:00 servername";
	CHECK_EQ_U(tw_time_parse_rfc3339(s, strlen(s), &ns, &off, &has), 32);
	CHECK(has);
	CHECK_EQ_I(off, 7200);
	CHECK_STR(fmt(ns, true), "2015-03-07T03:09:30.045015Z");
	/* journalctl -o short-iso writes the offset without a colon. */
	s = "2026-11-27T02:30:06+0000 host";
	CHECK_EQ_U(tw_time_parse_rfc3339(s, strlen(s), &ns, &off, &has), 24);
	CHECK_STR(fmt(ns, false), "2026-11-27T02:30:06Z");
	s = "2024-02-30T00:00:00Z"; /* no such day */
	CHECK_EQ_U(tw_time_parse_rfc3339(s, strlen(s), &ns, &off, &has), 0);
	s = "2024-01-01T25:00:00Z";
	CHECK_EQ_U(tw_time_parse_rfc3339(s, strlen(s), &ns, &off, &has), 0);
	/* Found by fuzzing: years past 2261 overflowed int64 nanoseconds (UBSan). */
	s = "9999-12-31T23:59:59Z";
	CHECK_EQ_U(tw_time_parse_rfc3339(s, strlen(s), &ns, &off, &has), 0);
	s = "2261-12-31T23:59:59-23:59";
	CHECK_EQ_U(tw_time_parse_rfc3339(s, strlen(s), &ns, &off, &has), 25);
	CHECK_STR(fmt(ns, false), "2262-01-01T23:58:59Z");
}

static void t_syslog_year_rollback(void)
{
	struct tw_yearctx yc;
	int64_t ns;
	/* File written on 2005-01-02: a "Dec 31" line is from 2004, a "Jan  1" line from 2005. */
	tw_yearctx_init(&yc, 0, tw_time_from_civil(2005, 1, 2, 10, 0, 0));
	CHECK_EQ_U(tw_time_parse_syslog("Dec 31 23:59:58 fw kernel:", 26, &yc, &ns), 15);
	CHECK_STR(fmt(ns, false), "2004-12-31T23:59:58Z");
	CHECK_EQ_U(tw_time_parse_syslog("Jan  1 00:00:01 fw", 18, &yc, &ns), 15);
	CHECK_STR(fmt(ns, false), "2005-01-01T00:00:01Z");
	/* --year wins over the mtime. */
	tw_yearctx_init(&yc, 2004, tw_time_from_civil(2026, 1, 1, 0, 0, 0));
	CHECK(tw_time_parse_syslog("Aug  6 12:34:56 x", 17, &yc, &ns) == 15);
	CHECK_STR(fmt(ns, false), "2004-08-06T12:34:56Z");
	/* journalctl -o short-precise. */
	CHECK_EQ_U(tw_time_parse_syslog("Aug  6 12:34:56.250000 x", 24, &yc, &ns), 22);
	CHECK_STR(fmt(ns, true), "2004-08-06T12:34:56.250000Z");
	/* Feb 29 in a non-leap year is rejected. */
	tw_yearctx_init(&yc, 2005, 0);
	CHECK_EQ_U(tw_time_parse_syslog("Feb 29 00:00:00 x", 17, &yc, &ns), 0);
	CHECK_EQ_U(tw_time_parse_syslog("Foo  1 00:00:00 x", 17, &yc, &ns), 0);
	/* A year that nanoseconds cannot hold (a fixed year, or a file mtime far ahead). */
	tw_yearctx_init(&yc, 9999, 0);
	CHECK_EQ_U(tw_time_parse_syslog("Aug  6 12:34:56 x", 17, &yc, &ns), 0);
	tw_yearctx_init(&yc, 0, tw_time_from_civil(3000, 1, 1, 0, 0, 0));
	CHECK_EQ_U(tw_time_parse_syslog("Aug  6 12:34:56 x", 17, &yc, &ns), 0);
}

static void t_syslog_local_zone(void)
{
	struct tw_yearctx yc;
	int64_t ns;
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	tw_yearctx_init(&yc, 2004, 0);
	/* Summer time in Berlin: UTC+2. */
	CHECK(tw_time_parse_syslog("Aug  6 12:34:56 x", 17, &yc, &ns) == 15);
	CHECK_STR(fmt(ns, false), "2004-08-06T10:34:56Z");
	/* Winter: UTC+1; the per-hour cache must not reuse the summer offset. */
	CHECK(tw_time_parse_syslog("Dec  6 12:34:56 x", 17, &yc, &ns) == 15);
	CHECK_STR(fmt(ns, false), "2004-12-06T11:34:56Z");
	setenv("TZ", "UTC", 1);
	tzset();
}

static void t_uptime(void)
{
	int64_t ns;
	CHECK_EQ_U(tw_time_parse_uptime("[  203.842973] IN=", 18, &ns), 14);
	CHECK_EQ_I(ns, 203842973000LL);
	CHECK_EQ_U(tw_time_parse_uptime("[50028442.088484]", 17, &ns), 17);
	CHECK_EQ_U(tw_time_parse_uptime("[UFW BLOCK]", 11, &ns), 0);
	CHECK_EQ_U(tw_time_parse_uptime("[123", 4, &ns), 0);
	/* Found by fuzzing: 12 digits of seconds overflowed as nanoseconds. */
	CHECK_EQ_U(tw_time_parse_uptime("[42104461040.5]", 15, &ns), 0);
	CHECK_EQ_U(tw_time_parse_uptime("[9999999999.999999]", 19, &ns), 0);
	CHECK_EQ_U(tw_time_parse_uptime("[999999999.999999]", 18, &ns), 18);
}

static void t_user(void)
{
	int64_t ns;
	CHECK_EQ_I(tw_time_parse_user("2004-08-06", &ns), TW_OK);
	CHECK_STR(fmt(ns, false), "2004-08-06T00:00:00Z");
	CHECK_EQ_I(tw_time_parse_user("2004-08-06 12:30", &ns), TW_OK);
	CHECK_STR(fmt(ns, false), "2004-08-06T12:30:00Z");
	CHECK_EQ_I(tw_time_parse_user("2004-08-06T12:30:00+02:00", &ns), TW_OK);
	CHECK_STR(fmt(ns, false), "2004-08-06T10:30:00Z");
	CHECK_EQ_I(tw_time_parse_user("yesterday", &ns), TW_E_INVALID);
	CHECK_EQ_I(tw_time_parse_user("", &ns), TW_E_INVALID); /* same bug as the EVE stamp */
}

/* Devices and relays that write the day unpadded ("Jan 1"), and the zone names after a
 * device's stamp. */
static void t_unpadded_day_and_zone_names(void)
{
	struct tw_yearctx yc;
	int64_t ns;
	tw_yearctx_init(&yc, 2004, 0);
	CHECK_EQ_U(tw_time_parse_syslog("Jan 1 10:00:00 fw kernel:", 25, &yc, &ns), 14);
	CHECK_STR(fmt(ns, false), "2004-01-01T10:00:00Z");
	CHECK_EQ_U(tw_time_parse_syslog("Aug 6 12:34:56.250000 x", 23, &yc, &ns), 21);
	CHECK_STR(fmt(ns, true), "2004-08-06T12:34:56.250000Z");
	CHECK_EQ_U(tw_time_parse_syslog("Aug 0 12:34:56 x", 16, &yc, &ns), 0);
	int32_t off = 1;
	CHECK_EQ_I(tw_tz_abbrev("EDT", 3, &off), 1);
	CHECK_EQ_I(off, -4 * 3600);
	CHECK_EQ_I(tw_tz_abbrev("CEST", 4, &off), 1);
	CHECK_EQ_I(off, 2 * 3600);
	CHECK_EQ_I(tw_tz_abbrev("ACST", 4, &off), 1);
	CHECK_EQ_I(off, 9 * 3600 + 1800);
	CHECK_EQ_I(tw_tz_abbrev("CST", 3, &off), -1); /* US, China or Cuba: --tz decides */
	CHECK_EQ_I(tw_tz_abbrev("IST", 3, &off), -1);
	CHECK_EQ_I(tw_tz_abbrev("XYZ", 3, &off), 0);
}

TW_SUITE(time, {"unpadded_day_and_zone_names", t_unpadded_day_and_zone_names}, {"civil", t_civil},
	 {"rfc3339", t_rfc3339}, {"syslog_year_rollback", t_syslog_year_rollback},
	 {"syslog_local_zone", t_syslog_local_zone}, {"uptime", t_uptime}, {"user", t_user});
