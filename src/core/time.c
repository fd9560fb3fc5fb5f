/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Time parsing and formatting; all arithmetic is done by hand on civil dates (Howard
 * Hinnant's days-from-civil algorithm) so that the hot path never calls mktime. */
#include "core/time.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/err.h"

int64_t tw_time_from_civil(int y, int mon, int d, int h, int mi, int s)
{
	y -= mon <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;
	return days * 86400 + h * 3600 + mi * 60 + s;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned dgt = (unsigned char)s[i] - '0';
		if (dgt > 9)
			return -1;
		v = v * 10 + (int)dgt;
	}
	return v;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static bool valid_dt(int y, int mo, int d, int h, int mi, int s)
{
	return y >= 1970 && y <= TW_TIME_MAX_YEAR && mo >= 1 && mo <= 12 && d >= 1 &&
	       d <= days_in_month(y, mo) && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 &&
	       s <= 60;
}

/* Reads ".ffffff" at s[*i]; returns nanoseconds. */
static int64_t frac_ns(const char *s, size_t len, size_t *i)
{
	int64_t ns = 0, scale = 100000000;

	if (*i < len && s[*i] == '.') {
		size_t j = *i + 1;
		while (j < len && s[j] >= '0' && s[j] <= '9') {
			if (scale) {
				ns += (s[j] - '0') * scale;
				scale /= 10;
			}
			j++;
		}
		if (j == *i + 1)
			return -1;
		*i = j;
	}
	return ns;
}

/* Reads 1..maxd digits of s[*i..len) up to 'stop' (or the end when stop is 0). */
static int field(const char *s, size_t len, size_t *i, size_t mind, size_t maxd, char stop)
{
	size_t j = *i;
	int v = 0;
	while (j < len && s[j] >= '0' && s[j] <= '9' && j - *i < maxd)
		v = v * 10 + (s[j++] - '0');
	if (j - *i < mind)
		return -1;
	if (stop) {
		if (j >= len || s[j] != stop)
			return -1;
		j++;
	}
	*i = j;
	return v;
}

int tw_civil_parse(const char *date, size_t dlen, char sep, const char *time, size_t tlen,
		   struct tw_civil *out)
{
	size_t i = 0;
	out->y = field(date, dlen, &i, 4, 4, sep);
	out->mon = field(date, dlen, &i, 1, 2, sep);
	out->d = field(date, dlen, &i, 1, 2, 0);
	if (i != dlen)
		return TW_E_INVALID;
	i = 0;
	out->h = field(time, tlen, &i, 1, 2, ':');
	out->mi = field(time, tlen, &i, 2, 2, ':');
	out->s = field(time, tlen, &i, 2, 2, 0);
	out->frac_ns = frac_ns(time, tlen, &i);
	if (i != tlen || out->frac_ns < 0 ||
	    !valid_dt(out->y, out->mon, out->d, out->h, out->mi, out->s))
		return TW_E_INVALID;
	return TW_OK;
}

int64_t tw_civil_to_ns(const struct tw_civil *c, bool has_off, int32_t off_s, struct tw_yearctx *yc)
{
	int64_t secs = has_off ? tw_time_from_civil(c->y, c->mon, c->d, c->h, c->mi, c->s) - off_s
			       : tw_time_local_to_utc(yc, c->y, c->mon, c->d, c->h, c->mi, c->s);
	return secs * TW_NS + c->frac_ns;
}

void tw_yearctx_init(struct tw_yearctx *yc, int fixed_year, int64_t ref_s)
{
	yc->fixed_year = fixed_year;
	yc->ref_s = ref_s;
	yc->cache_key = -1;
	yc->cache_off = 0;
	yc->hour_key[0] = '\0';
	int m, d;
	civil_from_days(ref_s >= 0 ? ref_s / 86400 : 0, &yc->ref_year, &m, &d);
}

int64_t tw_time_local_to_utc(struct tw_yearctx *yc, int y, int mon, int d, int h, int mi, int s)
{
	int64_t as_utc = tw_time_from_civil(y, mon, d, h, mi, s);
	int64_t key = as_utc / 3600;

	if (!yc || key != yc->cache_key) {
		struct tm tm = {.tm_year = y - 1900,
				.tm_mon = mon - 1,
				.tm_mday = d,
				.tm_hour = h,
				.tm_min = 0,
				.tm_sec = 0,
				.tm_isdst = -1};
		time_t t = mktime(&tm);
		int64_t off = (t == (time_t)-1) ? 0 : (tw_time_from_civil(y, mon, d, h, 0, 0) - t);
		if (!yc)
			return as_utc - off;
		yc->cache_key = key;
		yc->cache_off = off;
	}
	return as_utc - yc->cache_off;
}

size_t tw_time_parse_rfc3339(const char *s, size_t len, int64_t *ns, int32_t *off_s, bool *has_off)
{
	size_t i = 19;
	int y, mo, d, h, mi, sec, off = 0;
	bool hoff = false;

	/* Outputs are set even on failure: callers comparing the length used with an empty
	 * string's 0 took a failed parse for a whole one (found twice by fuzzing). */
	*ns = 0;
	*off_s = 0;
	*has_off = false;
	if (len < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
	    s[13] != ':' || s[16] != ':')
		return 0;
	y = num(s, 4);
	mo = num(s + 5, 2);
	d = num(s + 8, 2);
	h = num(s + 11, 2);
	mi = num(s + 14, 2);
	sec = num(s + 17, 2);
	if (!valid_dt(y, mo, d, h, mi, sec))
		return 0;
	int64_t f = frac_ns(s, len, &i);
	if (f < 0)
		return 0;
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		hoff = true;
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		int sign = s[i] == '-' ? -1 : 1;
		int oh, om;
		if (i + 6 <= len && s[i + 3] == ':') {
			oh = num(s + i + 1, 2);
			om = num(s + i + 4, 2);
			i += 6;
		} else if (i + 5 <= len) {
			oh = num(s + i + 1, 2);
			om = num(s + i + 3, 2);
			i += 5;
		} else {
			return 0;
		}
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return 0;
		off = sign * (oh * 3600 + om * 60);
		hoff = true;
	}
	int64_t secs = hoff ? tw_time_from_civil(y, mo, d, h, mi, sec) - off
			    : tw_time_local_to_utc(NULL, y, mo, d, h, mi, sec);
	*ns = secs * TW_NS + f;
	*off_s = off;
	*has_off = hoff;
	return i;
}

static int month_of(const char *s)
{
	/* Case-sensitive, as syslog writes them. */
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	for (int m = 0; m < 12; m++)
		if (memcmp(names + 3 * m, s, 3) == 0)
			return m + 1;
	return 0;
}

size_t tw_time_parse_syslog(const char *s, size_t len, struct tw_yearctx *yc, int64_t *ns)
{
	size_t i = 15;
	int mo, d, h, mi, sec, y;

	/* An unpadded day ("Jan 1 10:00:00", as some relays and devices write it): read as
	 * the padded form, one byte shorter. */
	if (len >= 14 && s[3] == ' ' && s[4] >= '1' && s[4] <= '9' && s[5] == ' ' && s[8] == ':' &&
	    s[11] == ':') {
		char pad[48];
		size_t n = len - 4 < sizeof(pad) - 6 ? len - 4 : sizeof(pad) - 6;
		memcpy(pad, s, 4);
		pad[4] = ' ';
		memcpy(pad + 5, s + 4, n);
		size_t used = tw_time_parse_syslog(pad, n + 5, yc, ns);
		return used ? used - 1 : 0;
	}
	if (len < 15 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':')
		return 0;
	mi = num(s + 10, 2);
	sec = num(s + 13, 2);
	int64_t f = frac_ns(s, len, &i);
	if (f < 0 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
		return 0;
	if (yc->hour_key[0] && memcmp(s, yc->hour_key, 9) == 0) {
		*ns = (yc->hour_utc + mi * 60 + sec) * TW_NS + f;
		return i;
	}
	mo = month_of(s);
	if (!mo)
		return 0;
	d = s[4] == ' ' ? num(s + 5, 1) : num(s + 4, 2);
	h = num(s + 7, 2);
	if (d < 1 || d > 31 || h < 0 || h > 23)
		return 0;
	if (yc->fixed_year) {
		y = yc->fixed_year;
	} else {
		y = yc->ref_year;
		/* Roll back across New Year: a stamp (its hour) more than a day after the
		 * reference time (the file's mtime) belongs to the year before. */
		if (tw_time_from_civil(y, mo, d <= days_in_month(y, mo) ? d : 28, h, 0, 0) >
		    yc->ref_s + 86400)
			y--;
	}
	if (y < 1970 || y > TW_TIME_MAX_YEAR || d > days_in_month(y, mo))
		return 0;
	yc->hour_utc = tw_time_local_to_utc(yc, y, mo, d, h, 0, 0);
	memcpy(yc->hour_key, s, 9);
	*ns = (yc->hour_utc + mi * 60 + sec) * TW_NS + f;
	return i;
}

int tw_tz_abbrev(const char *s, size_t n, int32_t *off_s)
{
	/* Offsets in minutes east of UTC. Names that stand for several zones are ambiguous:
	 * CST (US Central, China, Cuba), IST (India, Ireland, Israel), BST (British Summer,
	 * Bangladesh), AST (Atlantic, Arabia). */
	static const struct {
		char name[5];
		int16_t min;
	} zones[] = {
	    {"UTC", 0},	    {"GMT", 0},	    {"UT", 0},	   {"Z", 0},	  {"WET", 0},
	    {"WEST", 60},   {"CET", 60},    {"CEST", 120}, {"MET", 60},	  {"MEST", 120},
	    {"EET", 120},   {"EEST", 180},  {"MSK", 180},  {"EST", -300}, {"EDT", -240},
	    {"CDT", -300},  {"MST", -420},  {"MDT", -360}, {"PST", -480}, {"PDT", -420},
	    {"AKST", -540}, {"AKDT", -480}, {"HST", -600}, {"JST", 540},  {"KST", 540},
	    {"HKT", 480},   {"SGT", 480},   {"AWST", 480}, {"ACST", 570}, {"ACDT", 630},
	    {"AEST", 600},  {"AEDT", 660},  {"NZST", 720}, {"NZDT", 780}, {"PKT", 300},
	    {"ADT", -180},  {"NST", -210},  {"NDT", -150},
	};
	static const char *const ambiguous[] = {"CST", "IST", "BST", "AST"};
	for (size_t i = 0; i < sizeof(ambiguous) / sizeof(*ambiguous); i++)
		if (strlen(ambiguous[i]) == n && memcmp(ambiguous[i], s, n) == 0)
			return -1;
	for (size_t i = 0; i < sizeof(zones) / sizeof(*zones); i++)
		if (strlen(zones[i].name) == n && memcmp(zones[i].name, s, n) == 0) {
			*off_s = zones[i].min * 60;
			return 1;
		}
	return 0;
}

size_t tw_time_parse_uptime(const char *s, size_t len, int64_t *ns)
{
	size_t i = 1;
	int64_t secs = 0;
	int digits = 0;

	if (len < 3 || s[0] != '[')
		return 0;
	while (i < len && s[i] == ' ')
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9') {
		if (++digits > 9) /* 31 years of uptime: more is not a stamp (nor fits as ns) */
			return 0;
		secs = secs * 10 + (s[i++] - '0');
	}
	if (!digits)
		return 0;
	int64_t f = frac_ns(s, len, &i);
	if (f < 0 || i >= len || s[i] != ']')
		return 0;
	*ns = secs * TW_NS + f;
	return i + 1;
}

size_t tw_time_format(int64_t ns, bool frac, char out[static TW_TIME_STRLEN])
{
	int64_t secs = ns >= 0 ? ns / TW_NS : (ns - TW_NS + 1) / TW_NS;
	int64_t rem = ns - secs * TW_NS;
	int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	int64_t sod = secs - days * 86400;
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	int n = snprintf(out, TW_TIME_STRLEN, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d,
			 (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
	if (frac && rem)
		n += snprintf(out + n, (size_t)(TW_TIME_STRLEN - n), ".%06d", (int)(rem / 1000));
	n += snprintf(out + n, (size_t)(TW_TIME_STRLEN - n), "Z");
	return (size_t)n;
}

int tw_time_parse_user(const char *s, int64_t *ns)
{
	size_t len = strlen(s);
	int32_t off;
	bool hoff;
	char buf[40];

	if (len && tw_time_parse_rfc3339(s, len, ns, &off, &hoff) == len && hoff)
		return TW_OK;
	/* "YYYY-MM-DD", "YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM:SS": UTC. */
	if (len == 10 || len == 16 || len == 19) {
		memcpy(buf, s, len);
		buf[len] = '\0';
		if (len == 10)
			memcpy(buf + 10, "T00:00:00Z", 11);
		else if (len == 16)
			memcpy(buf + 16, ":00Z", 5);
		else
			memcpy(buf + 19, "Z", 2);
		buf[10] = 'T';
		size_t bl = strlen(buf);
		if (tw_time_parse_rfc3339(buf, bl, ns, &off, &hoff) == bl)
			return TW_OK;
	}
	return TW_E_INVALID;
}

int64_t tw_time_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}
