/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Time in UTC: RFC 3339 / RFC 5424 stamps, year-less syslog stamps, kernel uptime stamps.
 * All times are int64 nanoseconds since 1970-01-01T00:00:00Z. */
#ifndef TW_CORE_TIME_H
#define TW_CORE_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TW_NS	       1000000000LL
#define TW_TIME_STRLEN 40
/* The last whole year that int64 nanoseconds since 1970 can hold (they end in April 2262);
 * stamps beyond it are not stamps. */
#define TW_TIME_MAX_YEAR 2261

/* Seconds since the epoch of a proleptic Gregorian UTC date (no range checks beyond sanity). */
int64_t tw_time_from_civil(int y, int mon, int d, int h, int mi, int s);

/* Parses an RFC 3339 / ISO 8601 stamp at the start of s[0..len):
 * "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|+HHMM)" ('T' may be a space in the date/time gap is
 * NOT accepted: a space ends the stamp). On success returns the number of bytes used, sets
 * *ns (UTC), *off_s (the stated offset) and *has_off; returns 0 if it is not such a stamp.
 * Without an offset the stamp is read as local time in the process's zone. */
size_t tw_time_parse_rfc3339(const char *s, size_t len, int64_t *ns, int32_t *off_s, bool *has_off);

/* How to give a year to year-less stamps (BSD syslog "Mmm dd HH:MM:SS"). */
struct tw_yearctx {
	int fixed_year; /* --year; 0 when not given */
	int64_t ref_s;	/* reference time (the file's mtime, or now for pipes), UTC seconds */
	/* Cache for local->UTC conversion: the offset is looked up once per hour. */
	int64_t cache_key;
	int64_t cache_off;
	/* Cache for syslog stamps: "Mmm dd HH" of the last stamp and its hour in UTC. Logs
	 * repeat the same hour for thousands of lines; the rest is minutes and seconds. */
	char hour_key[9];
	int64_t hour_utc;
	int ref_year; /* the reference time's year (computed once) */
};

/* Initialises 'yc' with --year (0 = none) and the reference time in seconds. */
void tw_yearctx_init(struct tw_yearctx *yc, int fixed_year, int64_t ref_s);

/* Parses "Mmm dd HH:MM:SS[.frac]" (day space- or zero-padded) at the start of s. Returns
 * bytes used (0 if not such a stamp) and *ns in UTC: the stamp is local time in the
 * process's zone (--tz sets it); the year is --year, else the reference time's year, less
 * one when that would put the stamp more than a day after the reference time (a December
 * line in a file last written in January). */
size_t tw_time_parse_syslog(const char *s, size_t len, struct tw_yearctx *yc, int64_t *ns);

/* A time-zone abbreviation as devices write it after a stamp ("EDT", "CEST"): 1 with its
 * offset east of UTC in *off_s, -1 when it names several zones (CST, IST, BST, AST: the
 * stamp is then read in the zone of --tz), 0 when unknown. */
int tw_tz_abbrev(const char *s, size_t n, int32_t *off_s);

/* Parses a kernel printk stamp "[  842.134908]" at s; returns bytes used (including the
 * brackets) or 0; *ns is the time since boot. */
size_t tw_time_parse_uptime(const char *s, size_t len, int64_t *ns);

/* Converts a local broken-down time (process zone) to UTC seconds, caching per hour. */
int64_t tw_time_local_to_utc(struct tw_yearctx *yc, int y, int mon, int d, int h, int mi, int s);

/* A calendar date and time as a log wrote it, before any zone is applied. */
struct tw_civil {
	int y, mon, d, h, mi, s;
	int64_t frac_ns;
};

/* Parses a date "YYYY<sep>MM<sep>DD" ('sep' is '-' or '/', month and day one or two digits)
 * and a time "H[H]:MM:SS[.frac]", each the whole of its string, into 'out' and checks the
 * calendar. TW_OK or TW_E_INVALID. */
int tw_civil_parse(const char *date, size_t dlen, char sep, const char *time, size_t tlen,
		   struct tw_civil *out);
/* UTC ns of a civil time: with 'has_off', local = UTC + off_s; otherwise the process's zone
 * (--tz) via 'yc's cache. */
int64_t tw_civil_to_ns(const struct tw_civil *c, bool has_off, int32_t off_s,
		       struct tw_yearctx *yc);

/* Formats 'ns' as "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" (fraction only when 'frac' and non-zero).
 * Returns the length. */
size_t tw_time_format(int64_t ns, bool frac, char out[static TW_TIME_STRLEN]);

/* Parses a user-supplied time for --since/--until: RFC 3339, "YYYY-MM-DD", or
 * "YYYY-MM-DD HH:MM[:SS]" (UTC unless an offset is given). Returns TW_OK or TW_E_INVALID. */
int tw_time_parse_user(const char *s, int64_t *ns);

/* The wall clock now, in nanoseconds since the epoch (UTC). */
int64_t tw_time_now(void);

#endif
