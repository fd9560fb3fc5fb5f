/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The configuration (issue 5): thresholds and windows of the per-source analysis, the
 * user's own networks, the signature file. Read from /etc/tracewall/tracewall.conf (when it
 * exists) or --config FILE, an INI file parsed by libinih; command-line options win.
 * doc/tracewall.conf.example documents every key. */
#ifndef TW_CORE_CONF_H
#define TW_CORE_CONF_H

#include <stdbool.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/err.h"

#define TW_CONF_DEFAULT_PATH "/etc/tracewall/tracewall.conf"
/* The environment variable that names another default (tests, packagers). */
#define TW_CONF_ENV	"TRACEWALL_CONF"
#define TW_CONF_OWN_MAX 64
/* In-window distinct counts are exact small sets: thresholds are at most this. */
#define TW_CONF_THRESH_MAX 64

/* A network of a list (own, trusted, never-ban). */
struct tw_conf_net {
	struct tw_addr net;
	unsigned plen;
};

struct tw_conf {
	/* A port scan: at least scan_ports distinct ports on at most scan_hosts hosts. */
	uint32_t scan_ports, scan_hosts;
	/* A sweep: at least sweep_hosts hosts on at most sweep_ports ports. */
	uint32_t sweep_hosts, sweep_ports;
	/* Windows (nanoseconds): a scan reached within 'window' is fast; within
	 * 'slow_window', slow. An incident ends after 'gap' without packets. */
	int64_t window, slow_window, gap;
	double min_confidence; /* reportable needs at least this */
	/* A TCP scan of at least scanner_ports ports or a sweep of at least scanner_hosts
	 * hosts is a scanner's own work (a forged source gets nothing back from it): judged
	 * at least scanner_confidence, whatever the TTLs say. */
	uint32_t scanner_ports, scanner_hosts;
	double scanner_confidence;
	uint32_t max_sources; /* sources held individually per aggregate */
	uint32_t evidence;    /* raw lines kept per incident (at most 8) */
	/* Same payload from this many sources or more: likely forged. */
	uint32_t spoof_sources;
	char signatures[1024]; /* "" = the compiled-in rules */
	char netdb[1024];      /* the offline network index; "" = the default path */
	/* [enrich]: network look-ups the user allows by default (else only when asked on the
	 * command line), their servers and timeout, and how long answers are cached. */
	bool rdns, abuse, abusix;
	char dns_server[256], bootstrap[1024], whois_connect[1024], abusix_zone[256];
	int64_t lookup_timeout;		 /* nanoseconds; 0 = each look-up's default */
	int64_t cache_found, cache_none; /* nanoseconds; 0 = the defaults */
	char db[1024];			 /* [store] db: the store; "" = the default path */
	/* [report]: who reports (reply address, organisation, domain) and whether the
	 * reporter's own addresses and host names are kept (redacted by default). */
	char report_from[256], report_org[201], report_domain[254];
	bool report_keep_own, report_no_xarf;
	char report_contacts[1024]; /* [report] contacts: "CIDR mailbox" lines the user knows */
	/* [analyze] documentation-is-public: for demonstrations and tests only, the
	 * documentation ranges (RFC 5737, RFC 3849) are ordinary addresses. */
	bool documentation_public;
	uint32_t report_max_per_day; /* reports sent per 24 hours at most */
	int64_t report_cooldown;     /* ns: a source reported is not reported again before */
	/* [shield]: the firewall's trusted zone (networks, interfaces), services open to all
	 * ("tcp/22,udp/53"), the NFLOG group and rate of the probe log, the default ban. */
	struct tw_conf_net trusted[TW_CONF_OWN_MAX];
	unsigned ntrusted;
	char trusted_ifaces[512], allow[512];
	uint32_t nflog_group, log_rate;
	int64_t ban_timeout;
	/* [ban]: the daemon's auto-ban. A source is banned when it sends 'ban_after' probes
	 * within 'ban_window' (0 = never), for ban_timeout, multiplied by 'ban_escalate' for each
	 * earlier offense not older than 'ban_forget', at most 'ban_max'. Never the networks of
	 * 'never' (nor own, trusted or special-purpose addresses); never on forgeable evidence
	 * (UDP, ICMP) alone unless 'ban_forgeable'. */
	uint32_t ban_after, ban_escalate;
	int64_t ban_window, ban_max, ban_forget;
	bool ban_forgeable;
	struct tw_conf_net never[TW_CONF_OWN_MAX];
	unsigned nnever;
	/* [daemon]: what tracewalld reads — the NFLOG group, log files it follows, journald's
	 * kernel messages (or a journal directory) — and how often it commits to the store. */
	bool daemon_nflog, daemon_journal;
	char daemon_follow[2048], daemon_journal_dir[1024];
	int64_t daemon_flush;
	/* [smtp]: the relay that sends the reports. */
	char smtp_url[256], smtp_user[128], smtp_password[128];
	bool smtp_starttls;
	struct tw_conf_net own[TW_CONF_OWN_MAX];
	unsigned nown;
};

/* The defaults (README "Classification"). */
void tw_conf_defaults(struct tw_conf *c);
/* Parses INI text (NUL-terminated) into 'c' over the values already there. On an error:
 * TW_E_INVALID (or TW_E_RANGE) with "NAME:LINE: reason" in 'ec'; 'c' may be partly set. */
int tw_conf_parse(const char *text, const char *name, struct tw_conf *c, struct tw_errctx *ec);
/* Reads (at most 64 KiB) and parses a file. TW_E_NOTFOUND when it does not exist. */
int tw_conf_load(const char *path, struct tw_conf *c, struct tw_errctx *ec);
/* "CIDR[,CIDR...]" (addresses alone are /32 or /128) appended to c->own. */
int tw_conf_add_own(struct tw_conf *c, const char *list, struct tw_errctx *ec);
/* The same into any list of at most TW_CONF_OWN_MAX networks. */
int tw_conf_add_nets(struct tw_conf_net *nets, unsigned *n, const char *list, struct tw_errctx *ec);
/* Is 'a' in one of the 'n' networks? */
bool tw_conf_in_nets(const struct tw_conf_net *nets, unsigned n, const struct tw_addr *a);
/* "30s", "10m", "2h", "7d", or seconds alone, into nanoseconds (at most 366 days). */
int tw_conf_duration(const char *s, int64_t *ns);

/* Is 'a' in one of the user's own networks (own =, --own)? */
bool tw_conf_is_own(const struct tw_conf *c, const struct tw_addr *a);
/* The special-purpose range holding 'a' (core/special.h), or NULL — documentation ranges
 * excepted when documentation-is-public is set (demonstrations and tests only). */
const struct tw_special *tw_conf_special(const struct tw_conf *c, const struct tw_addr *a);

#endif
