/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: enrich/ abuse-contact parsers (RDAP answers, IANA bootstrap, whois answers,
 * the checks on addresses found). Team-made answers; the real ones of the five registries
 * are served by tests/netdb/check-abuse.py. */
#include <stdio.h>

#include "enrich/abuse.h"
#include "enrich/contacts.h"
#include "tap.h"

static void t_email_checks(void)
{
	static const struct {
		const char *s;
		bool good;
	} cases[] = {
	    {"abuse@isp.test", true},
	    {"Abuse.Desk+fw@sub.isp.test", true},
	    {"DATA REDACTED", false},
	    {"redacted-for-privacy@isp.test", false},
	    {"abuse@redacted-net.test", true}, /* the word in a domain is no placeholder */
	    {"removed@lacnic.net", false},
	    {"hostmaster@apnic.net", false}, /* a registry's own address */
	    {"abuse@ripe.net.isp.test", true},
	    {"abuse@isp", false},
	    {"a@@isp.test", false},
	    {"@isp.test", false},
	    {"abuse@isp..test", false},
	    {"abuse@isp.test.", false},
	    {"ab use@isp.test", false},
	    {"abuse@\xc3\xa4.test", false}, /* IDN must come as xn-- */
	    {"abuse@xn--mller-kva.test", true},
	    {"abuse@host.example", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *why = tw_abuse_email_refused(cases[i].s, strlen(cases[i].s));
		if ((why == NULL) != cases[i].good)
			printf("#   %s: %s\n", cases[i].s, why ? why : "accepted");
		CHECK((why == NULL) == cases[i].good);
	}
	/* Regression (fuzz-whois): a NUL byte inside an address passed the local-part test
	 * (strchr finds the terminator) and a truncated address was kept. */
	CHECK(tw_abuse_email_refused("a\0b@isp.test", 12) != NULL);
	struct tw_abuse_found f;
	memset(&f, 0, sizeof(f));
	tw_abuse_found_add(&f, "\0\0i@isp.test", 12);
	CHECK_EQ_U(f.n, 0);
	memset(&f, 0, sizeof(f));
	tw_abuse_found_add(&f, " <Abuse@ISP.test>.", 18);
	tw_abuse_found_add(&f, "abuse@isp.TEST", 14); /* the same, other case */
	tw_abuse_found_add(&f, "DATA REDACTED", 13);
	CHECK_EQ_U(f.n, 1);
	CHECK_STR(f.email[0], "Abuse@ISP.test");
	CHECK(strstr(f.rejected, "placeholder") != NULL);
}

static void t_rdap(void)
{
	static const char ans[] =
	    "{\"objectClassName\":\"ip network\",\"handle\":\"NET-1\",\"name\":\"N\","
	    "\"startAddress\":\"074.125.000.000\",\"endAddress\":\"62.239.237.255/32\","
	    "\"country\":\"gb\",\"port43\":\"whois.test\",\"entities\":["
	    "{\"handle\":\"ORG\",\"roles\":[\"registrant\"],\"entities\":["
	    "{\"handle\":\"AB\",\"roles\":[\"abuse\",\"technical\"],\"vcardArray\":[\"vcard\",["
	    "[\"version\",{},\"text\",\"4.0\"],"
	    "[\"email\",{},\"text\",\"noc@isp.test\"],"
	    "[\"email\",{\"type\":[\"work\",\"abuse\"]},\"text\",\"abuse@isp.test\"]]]}]}]}";
	struct tw_rdap_net n;
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	CHECK_EQ_I(tw_rdap_parse(ans, sizeof(ans) - 1, false, &n, &ec), TW_OK);
	CHECK_STR(n.start, "74.125.0.0");   /* ARIN's zero padding */
	CHECK_STR(n.end, "62.239.237.255"); /* RIPE's "/32" */
	CHECK_STR(n.country, "GB");
	CHECK_STR(n.port43, "whois.test");
	CHECK_EQ_U(n.abuse_entities, 1);
	CHECK_EQ_U(n.abuse.n, 1); /* the typed one wins over the role's others */
	CHECK_STR(n.abuse.email[0], "abuse@isp.test");
	CHECK(strstr(n.abuse.how, "entity AB (role abuse)") != NULL);
	/* Untyped e-mails of an abuse role count, except where only typed ones may. */
	static const char untyped[] = "{\"entities\":[{\"handle\":\"R\",\"roles\":[\"abuse\"],"
				      "\"vcardArray\":[\"vcard\",[[\"email\",{},\"text\","
				      "\"noc@isp.test\"]]]}]}";
	CHECK_EQ_I(tw_rdap_parse(untyped, sizeof(untyped) - 1, false, &n, &ec), TW_OK);
	CHECK_EQ_U(n.abuse.n, 1);
	CHECK_EQ_I(tw_rdap_parse(untyped, sizeof(untyped) - 1, true, &n, &ec), TW_OK);
	CHECK_EQ_U(n.abuse.n, 0);
	CHECK_EQ_U(n.abuse_entities, 1);
	/* Error objects, non-objects, not JSON. */
	static const char err[] = "{\"errorCode\":429,\"title\":\"slow down\"}";
	CHECK_EQ_I(tw_rdap_parse(err, sizeof(err) - 1, false, &n, &ec), TW_OK);
	CHECK_EQ_I(n.error_code, 429);
	CHECK_EQ_I(tw_rdap_parse("[1,2]", 5, false, &n, &ec), TW_E_INVALID);
	CHECK_EQ_I(tw_rdap_parse("{\"a\":", 5, false, &n, &ec), TW_E_INVALID);
	/* Entities nested deeper than the bound are not walked (no stack exhaustion). */
	char deep[4096];
	size_t o = 0;
	for (int i = 0; i < 20; i++)
		o += (size_t)snprintf(deep + o, sizeof(deep) - o, "{\"entities\":[");
	o += (size_t)snprintf(deep + o, sizeof(deep) - o,
			      "{\"roles\":[\"abuse\"],\"vcardArray\":[\"vcard\",[[\"email\",{},"
			      "\"text\",\"deep@isp.test\"]]]}");
	for (int i = 0; i < 20; i++)
		o += (size_t)snprintf(deep + o, sizeof(deep) - o, "]}");
	CHECK_EQ_I(tw_rdap_parse(deep, o, false, &n, &ec), TW_OK);
	CHECK_EQ_U(n.abuse.n, 0);
}

static void t_bootstrap(void)
{
	static const char v4[] =
	    "{\"publication\":\"2026-01-01T00:00:00Z\",\"services\":["
	    "[[\"5.0.0.0/8\"],[\"http://a.test/rdap\",\"https://a.test/rdap/\"]],"
	    "[[\"5.6.0.0/16\",\"not a prefix\"],[\"https://b.test/\"]],"
	    "[[\"6.0.0.0/8\"],[\"ftp://c.test/\"]]]}";
	static const char v6[] = "{\"services\":[[[\"2a00::/12\"],[\"http://d.test/x\"]]]}";
	struct tw_bootstrap bs;
	struct tw_errctx ec;
	memset(&bs, 0, sizeof(bs));
	memset(&ec, 0, sizeof(ec));
	CHECK_EQ_I(tw_bootstrap_add(&bs, v4, sizeof(v4) - 1, &ec), TW_OK);
	CHECK_EQ_I(tw_bootstrap_add(&bs, v6, sizeof(v6) - 1, &ec), TW_OK);
	CHECK_STR(bs.publication, "2026-01-01T00:00:00Z");
	struct tw_addr a;
	const char *u;
	tw_addr_parse("5.6.7.8", 7, &a);
	u = tw_bootstrap_find(&bs, &a);
	CHECK(u && !strcmp(u, "https://b.test/")); /* the longest prefix */
	tw_addr_parse("5.7.0.1", 7, &a);
	u = tw_bootstrap_find(&bs, &a);
	CHECK(u && !strcmp(u, "https://a.test/rdap/")); /* https preferred */
	tw_addr_parse("6.1.1.1", 7, &a);
	CHECK(tw_bootstrap_find(&bs, &a) == NULL); /* no usable URL */
	tw_addr_parse("2a01::1", 7, &a);
	u = tw_bootstrap_find(&bs, &a);
	CHECK(u && !strcmp(u, "http://d.test/x/")); /* a missing '/' is added */
	tw_addr_parse("7.0.0.1", 7, &a);
	CHECK(tw_bootstrap_find(&bs, &a) == NULL);
	CHECK_EQ_I(tw_bootstrap_add(&bs, "{}", 2, &ec), TW_E_INVALID);
	tw_bootstrap_fini(&bs);
}

static void t_whois(void)
{
	struct tw_whois_answer w;
	static const char ripe[] =
	    "% Information related to '5.6.7.0 - 5.6.7.255'\n\n"
	    "% Abuse contact for '5.6.7.0 - 5.6.7.255' is 'abuse@isp.test'\n\n"
	    "inetnum:        5.6.7.0 - 5.6.7.255\r\nnetname:        ISP-NET\n"
	    "country:        de\nabuse-c:        AR1-TEST\n";
	tw_whois_parse(ripe, sizeof(ripe) - 1, &w);
	CHECK_EQ_U(w.abuse.n, 1);
	CHECK_STR(w.abuse.email[0], "abuse@isp.test");
	CHECK(!strncmp(w.abuse.how, "% Abuse contact for", 19));
	CHECK_STR(w.range, "5.6.7.0 - 5.6.7.255");
	CHECK_STR(w.netname, "ISP-NET");
	CHECK_STR(w.country, "DE");
	static const char arin[] = "NetRange: 5.6.0.0 - 5.6.255.255\nOrgAbuseEmail: org@isp.test\n"
				   "RAbuseEmail:  res@isp.test\n"
				   "ReferralServer:  whois://whois.next.test:4343/\n";
	tw_whois_parse(arin, sizeof(arin) - 1, &w);
	CHECK_STR(w.abuse.email[0], "res@isp.test");
	CHECK_STR(w.refer, "whois.next.test:4343");
	static const char lacnic[] = "inetnum: 5.6/16\nabuse-c: X1\nowner-c: X2\n\n"
				     "nic-hdl: X2\ne-mail: owner@isp.test\n\n"
				     "nic-hdl: X1\ne-mail: abuse-team@isp.test\n";
	tw_whois_parse(lacnic, sizeof(lacnic) - 1, &w);
	CHECK_STR(w.abuse.email[0], "abuse-team@isp.test");
	CHECK(!strncmp(w.abuse.how, "abuse-c X1 → e-mail: abuse-team@isp.test", 40));
	static const char irt[] =
	    "inetnum: 5.6.7.0 - 5.6.7.255\nmnt-irt: IRT-T\n\n"
	    "irt: IRT-T\ne-mail: irt@isp.test\nabuse-mailbox: irt-abuse@isp.test\n";
	tw_whois_parse(irt, sizeof(irt) - 1, &w);
	CHECK_STR(w.abuse.email[0], "irt-abuse@isp.test"); /* abuse-mailbox before e-mail */
	static const char remarks[] = "% No abuse contact registered for 5.6.7.0 - 5.6.7.255\n"
				      "inetnum: 5.6.7.0 - 5.6.7.255\n"
				      "remarks: call us at noc@isp.test\n"
				      "remarks: please send abuse reports to abuse@isp.test.\n";
	tw_whois_parse(remarks, sizeof(remarks) - 1, &w);
	CHECK(w.no_abuse_registered);
	CHECK(w.abuse.weak);
	CHECK_STR(w.abuse.email[0], "abuse@isp.test");
	static const char iana[] = "% IANA WHOIS server\n\nrefer:        whois.ripe.net\n";
	tw_whois_parse(iana, sizeof(iana) - 1, &w);
	CHECK_STR(w.refer, "whois.ripe.net");
	CHECK_EQ_U(w.abuse.n, 0);
	static const char lim[] = "%ERROR:201: access denied for 5.6.7.8\n";
	tw_whois_parse(lim, sizeof(lim) - 1, &w);
	CHECK(w.rate_limited);
	static const char rw[] = "ReferralServer: rwhois://rwhois.isp.test:4321\n";
	tw_whois_parse(rw, sizeof(rw) - 1, &w);
	CHECK_STR(w.refer, ""); /* rwhois is not followed */
	tw_whois_parse("", 0, &w);
	CHECK_EQ_U(w.abuse.n, 0);
	char q[64];
	tw_whois_query("whois.arin.net", "5.6.7.8", q, sizeof(q));
	CHECK_STR(q, "n + 5.6.7.8");
	tw_whois_query("whois.ripe.net", "5.6.7.8", q, sizeof(q));
	CHECK_STR(q, "-r 5.6.7.8");
	tw_whois_query("whois.lacnic.net", "5.6.7.8", q, sizeof(q));
	CHECK_STR(q, "5.6.7.8");
}

static void t_contacts(void)
{
	static const char list[] = "# desks I know\n"
				   "5.6.0.0/16\tabuse@isp.test\n"
				   "\n"
				   "  5.6.7.0/24 noc@isp.test   # closer\r\n"
				   "2001:db8::/32 abuse@v6.test";
	struct tw_contacts cs;
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	CHECK_EQ_I(tw_contacts_parse(list, sizeof(list) - 1, "c.txt", false, &cs, &ec), TW_OK);
	CHECK_EQ_U(cs.n, 3);
	struct tw_addr a;
	tw_addr_parse("5.6.7.8", 7, &a);
	const struct tw_contact *c = tw_contacts_find(&cs, &a);
	CHECK(c && !strcmp(c->mailbox, "noc@isp.test") && c->line == 4); /* the longest prefix */
	tw_addr_parse("5.6.9.1", 7, &a);
	c = tw_contacts_find(&cs, &a);
	CHECK(c && !strcmp(c->mailbox, "abuse@isp.test"));
	tw_addr_parse("7.7.7.7", 7, &a);
	CHECK(tw_contacts_find(&cs, &a) == NULL);
	tw_contacts_fini(&cs);
	static const char *const bad[] = {"5.6.0.0/16\n", "5.6.0.0/33 a@b.test\n",
					  "5.6.0.0/16 a@b.test extra\n", "x a@b.test\n",
					  "5.6.0.0/16 DATA REDACTED\n"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		CHECK_EQ_I(tw_contacts_parse(bad[i], strlen(bad[i]), "c.txt", false, &cs, &ec),
			   TW_E_INVALID);
		CHECK(strstr(ec.msg, "c.txt:1:") != NULL);
	}
	static const char demo[] = "192.0.2.0/24 abuse@cable.example\n";
	CHECK_EQ_I(tw_contacts_parse(demo, sizeof(demo) - 1, "d", false, &cs, &ec), TW_E_INVALID);
	CHECK_EQ_I(tw_contacts_parse(demo, sizeof(demo) - 1, "d", true, &cs, &ec), TW_OK);
	tw_contacts_fini(&cs);
}

TW_SUITE(abuse, {"email_checks", t_email_checks}, {"rdap", t_rdap}, {"bootstrap", t_bootstrap},
	 {"whois", t_whois}, {"contacts", t_contacts});
