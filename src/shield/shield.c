/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shield's ruleset and its loading through libnftables (shield.h). Every value written
 * into the nft text is validated first (addresses re-printed from their parsed form,
 * interface names and ports checked character by character), so the configuration cannot
 * inject statements. One buffer is one transaction: the table is created, deleted and
 * created again with its contents, so the host is never without it half-applied. */
#include <jansson.h>
#include <nftables/libnftables.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "shield/shield.h"

/* The probe classes logged under their own prefix, in rule order. */
static const struct {
	const char *name, *chain, *match;
} probes[] = {
    {"messenger", "messenger", "udp dport { 135, 1026-1029 }"},
    {"netbios-ns", "netbios_ns", "udp dport 137"},
    {"netbios-dgm", "netbios_dgm", "udp dport 138"},
    {"netbios-ssn", "netbios_ssn", "tcp dport 139"},
    {"smb", "smb", "tcp dport 445"},
    {"msrpc", "msrpc", "tcp dport 135"},
};

static bool iface_ok(const char *s, size_t n)
{
	if (n == 0 || n > 15)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* The next item of a [shield] allow list ("tcp/22,udp/53,tcp/8000-8080") from *p: 1 with
 * its protocol ('t' or 'u') and port range (checked numbers), 0 at the end, -1 for an item
 * that is none (*p left at it). */
static int next_service(const char **p, char *proto, unsigned *lo, unsigned *hi)
{
	while (**p == ',' || **p == ' ' || **p == '\t')
		(*p)++;
	if (!**p)
		return 0;
	size_t n = strcspn(*p, ", \t");
	char item[40], pr[4], tail;
	if (n >= sizeof(item))
		return -1;
	memcpy(item, *p, n);
	item[n] = '\0';
	int k = sscanf(item, "%3[a-z]/%u-%u%c", pr, lo, hi, &tail);
	if (k == 2)
		*hi = *lo;
	if ((k != 2 && k != 3) || !*lo || *lo > 65535 || *hi < *lo || *hi > 65535 ||
	    (strcmp(pr, "tcp") && strcmp(pr, "udp")))
		return -1;
	*proto = pr[0];
	*p += n;
	return 1;
}

/* The allow list as the two port lists of the ruleset. */
static int services(const char *allow, struct tw_buf *tcp, struct tw_buf *udp, struct tw_errctx *ec)
{
	const char *p = allow;
	char proto;
	unsigned lo, hi;
	int k;
	while ((k = next_service(&p, &proto, &lo, &hi)) > 0) {
		struct tw_buf *b = proto == 't' ? tcp : udp;
		if (b->len)
			tw_buf_adds(b, ", ");
		if (lo == hi)
			tw_buf_printf(b, "%u", lo);
		else
			tw_buf_printf(b, "%u-%u", lo, hi);
	}
	if (k < 0)
		return tw_err_set(ec, TW_E_INVALID, 0,
				  "[shield] allow: '%.40s' is not tcp/PORT or udp/PORT[-PORT]", p);
	return TW_OK;
}

/* ---- not locking the user out ----------------------------------------------------------- */

/* Whether [shield] allow opens tcp/'port' to all (an allow list that is no list opens
 * nothing: apply refuses it anyway). */
static bool allows_tcp(const char *allow, unsigned port)
{
	const char *p = allow;
	char proto;
	unsigned lo, hi;
	while (next_service(&p, &proto, &lo, &hi) > 0)
		if (proto == 't' && lo <= port && port <= hi)
			return true;
	return false;
}

/* The socket inodes of the processes named sshd. */
static size_t sshd_inodes(unsigned long *out, size_t cap)
{
	size_t n = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d)) && n < cap) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		char path[300], comm[32] = "";
		snprintf(path, sizeof(path), "/proc/%.20s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		fclose(f);
		if (strcmp(comm, "sshd\n") != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/fd", e->d_name);
		DIR *fd = opendir(path);
		struct dirent *fe;
		while (fd && (fe = readdir(fd)) && n < cap) {
			char link[340], target[64];
			snprintf(link, sizeof(link), "%.300s/%.20s", path, fe->d_name);
			ssize_t l = readlink(link, target, sizeof(target) - 1);
			if (l <= 0)
				continue;
			target[l] = '\0';
			unsigned long ino;
			if (sscanf(target, "socket:[%lu]", &ino) == 1)
				out[n++] = ino;
		}
		if (fd)
			closedir(fd);
	}
	if (d)
		closedir(d);
	return n;
}

/* The TCP ports sshd listens on in this network namespace (/proc/net/tcp, tcp6). */
static size_t sshd_ports(unsigned *ports, size_t cap)
{
	unsigned long ino[1024];
	size_t ni = sshd_inodes(ino, sizeof(ino) / sizeof(*ino)), np = 0;
	if (!ni)
		return 0;
	static const char *const tabs[] = {"/proc/net/tcp", "/proc/net/tcp6"};
	for (int t = 0; t < 2; t++) {
		FILE *f = fopen(tabs[t], "r");
		char line[512];
		while (f && fgets(line, sizeof(line), f) && np < cap) {
			char local[64];
			unsigned st;
			unsigned long in;
			/* sl local rem st tx:rx tr:when retr uid timeout inode */
			if (sscanf(line, " %*s %63s %*s %x %*s %*s %*s %*s %*s %lu", local, &st,
				   &in) != 3 ||
			    st != 0x0A)
				continue;
			const char *colon = strrchr(local, ':');
			unsigned port;
			if (!colon || sscanf(colon + 1, "%x", &port) != 1)
				continue;
			for (size_t i = 0; i < ni; i++)
				if (ino[i] == in) {
					bool dup = false;
					for (size_t k = 0; k < np; k++)
						dup |= ports[k] == port;
					if (!dup)
						ports[np++] = port;
					break;
				}
		}
		if (f)
			fclose(f);
	}
	return np;
}

int tw_shield_lockout(const struct tw_conf *c, char *why, size_t n)
{
	why[0] = '\0';
	/* This session, over SSH: SSH_CONNECTION is "client port server port". */
	const char *sc = getenv("SSH_CONNECTION");
	char cip[64];
	unsigned cport, sport;
	char sip[64];
	if (sc && sscanf(sc, "%63s %u %63s %u", cip, &cport, sip, &sport) == 4 && sport &&
	    sport <= 65535 && !allows_tcp(c->allow, sport)) {
		struct tw_addr a;
		bool trusted = tw_addr_parse(cip, strlen(cip), &a) == TW_OK &&
			       tw_conf_in_nets(c->trusted, c->ntrusted, &a);
		if (!trusted) {
			snprintf(
			    why, n,
			    "this session comes over SSH (from %.46s to port %u) and no rule of "
			    "the shield admits it: applying it would cut the session off. Add "
			    "tcp/%u to [shield] allow (allow = tcp/%u), or %.46s to [shield] "
			    "trusted, or run again with --yes",
			    cip, sport, sport, sport, cip);
			return 1;
		}
	}
	unsigned ports[16];
	size_t np = sshd_ports(ports, sizeof(ports) / sizeof(*ports));
	for (size_t i = 0; i < np; i++)
		if (!allows_tcp(c->allow, ports[i]) && !c->ntrusted && !c->trusted_ifaces[0]) {
			snprintf(
			    why, n,
			    "sshd listens on port %u and no rule of the shield admits it: "
			    "applying it would keep everyone out of SSH. Add tcp/%u to [shield] "
			    "allow (allow = tcp/%u), or your networks to [shield] trusted, or "
			    "run again with --yes",
			    ports[i], ports[i], ports[i]);
			return 1;
		}
	return 0;
}

int tw_shield_ruleset(struct tw_buf *b, const struct tw_conf *c, struct tw_errctx *ec)
{
	struct tw_buf tcp, udp;
	int r;
	tw_buf_init(&tcp);
	tw_buf_init(&udp);
	r = services(c->allow, &tcp, &udp, ec);
	if (r)
		goto out;
	tw_buf_printf(b, "table inet %s {\n", TW_SHIELD_TABLE);
	tw_buf_adds(b, "\tset ban4 { type ipv4_addr; flags timeout; }\n"
		       "\tset ban6 { type ipv6_addr; flags timeout; }\n");
	for (int fam = 4; fam <= 6; fam += 2) {
		tw_buf_printf(b, "\tset trusted%d { type ipv%d_addr; flags interval;", fam, fam);
		bool first = true;
		for (unsigned i = 0; i < c->ntrusted; i++) {
			const struct tw_addr *a = &c->trusted[i].net;
			if ((fam == 4) != (a->family == TW_AF_INET))
				continue;
			char as[TW_ADDR_STRLEN];
			tw_addr_format(a, as);
			tw_buf_printf(b, "%s%s/%u", first ? " elements = { " : ", ", as,
				      c->trusted[i].plen);
			first = false;
		}
		tw_buf_adds(b, first ? " }\n" : " }; }\n");
	}
	/* One chain per probe class: log (rate-limited) and drop. */
	for (size_t i = 0; i <= sizeof(probes) / sizeof(*probes); i++) {
		bool other = i == sizeof(probes) / sizeof(*probes);
		tw_buf_printf(b,
			      "\tchain log_%s { counter; limit rate %u/second burst %u packets log "
			      "prefix \"tw:%s \" group %u; drop; }\n",
			      other ? "other" : probes[i].chain, c->log_rate, c->log_rate * 2,
			      other ? "other" : probes[i].name, c->nflog_group);
	}
	/* Before the filter priority (ufw, firewalld and iptables-nft sit at 0): a packet
	 * must be accepted by every base chain of the hook, so our drop is final. */
	tw_buf_adds(b, "\tchain input {\n"
		       "\t\ttype filter hook input priority filter - 10; policy drop;\n"
		       "\t\tiif \"lo\" accept\n"
		       "\t\tct state established,related accept\n"
		       "\t\tct state invalid drop\n"
		       "\t\tip saddr @ban4 drop\n"
		       "\t\tip6 saddr @ban6 drop\n");
	if (c->trusted_ifaces[0]) {
		tw_buf_adds(b, "\t\tiifname { ");
		bool first = true;
		for (const char *p = c->trusted_ifaces; *p;) {
			size_t n = strcspn(p, ", \t");
			if (n) {
				if (!iface_ok(p, n)) {
					r = tw_err_set(ec, TW_E_INVALID, 0,
						       "[shield] trusted-interfaces: '%.*s' is not "
						       "an interface name",
						       (int)(n < 30 ? n : 30), p);
					goto out;
				}
				tw_buf_printf(b, "%s\"%.*s\"", first ? "" : ", ", (int)n, p);
				first = false;
			}
			p += n;
			while (*p == ',' || *p == ' ' || *p == '\t')
				p++;
		}
		tw_buf_adds(b, " } accept\n");
	}
	tw_buf_adds(b, "\t\tip saddr @trusted4 accept\n"
		       "\t\tip6 saddr @trusted6 accept\n"
		       /* IPv6 does not work without neighbour discovery (link-local). */
		       "\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, "
		       "nd-router-advert } ip6 hoplimit 255 accept\n");
	if (tcp.len)
		tw_buf_printf(b, "\t\ttcp dport { %.*s } accept\n", (int)tcp.len, tcp.p);
	if (udp.len)
		tw_buf_printf(b, "\t\tudp dport { %.*s } accept\n", (int)udp.len, udp.p);
	for (size_t i = 0; i < sizeof(probes) / sizeof(*probes); i++)
		tw_buf_printf(b, "\t\t%s jump log_%s\n", probes[i].match, probes[i].chain);
	tw_buf_adds(b, "\t\tjump log_other\n\t}\n}\n");
out:
	tw_buf_fini(&tcp);
	tw_buf_fini(&udp);
	return r;
}

/* ---- libnftables ---------------------------------------------------------------------- */

static struct nft_ctx *ctx_new(bool json)
{
	struct nft_ctx *n = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!n)
		return NULL;
	nft_ctx_buffer_output(n);
	nft_ctx_buffer_error(n);
	if (json)
		nft_ctx_output_set_flags(n, NFT_CTX_OUTPUT_JSON);
	return n;
}

static int run(struct nft_ctx *n, const char *cmd, struct tw_errctx *ec)
{
	if (nft_run_cmd_from_buffer(n, cmd) == 0)
		return TW_OK;
	const char *e = nft_ctx_get_error_buffer(n);
	char first[200];
	size_t k = 0;
	for (; e && e[k] && e[k] != '\n' && k + 1 < sizeof(first); k++)
		first[k] = e[k];
	first[k] = '\0';
	return tw_err_set(ec, TW_E_PERM, 0, "nftables: %s", k ? first : "refused");
}

static bool table_exists(struct nft_ctx *n)
{
	return nft_run_cmd_from_buffer(n, "list table inet " TW_SHIELD_TABLE) == 0;
}

int tw_shield_bans(struct tw_ban **out, size_t *nout, struct tw_errctx *ec)
{
	struct nft_ctx *n = ctx_new(true);
	struct tw_ban *v = NULL;
	size_t nv = 0, capv = 0;
	int r = TW_OK;
	*out = NULL;
	*nout = 0;
	if (!n)
		return tw_err_set(ec, TW_E_NOMEM, 0, "nftables: no context");
	for (int fam = 4; fam <= 6 && !r; fam += 2) {
		char cmd[80];
		snprintf(cmd, sizeof(cmd), "list set inet %s ban%d", TW_SHIELD_TABLE, fam);
		if (nft_run_cmd_from_buffer(n, cmd) != 0) {
			r = tw_err_set(ec, TW_E_NOTFOUND, 0, "the shield is not loaded");
			break;
		}
		json_t *root = json_loads(nft_ctx_get_output_buffer(n), 0, NULL);
		size_t i;
		json_t *item;
		json_array_foreach(json_object_get(root, "nftables"), i, item)
		{
			json_t *elems = json_object_get(json_object_get(item, "set"), "elem");
			size_t k;
			json_t *e;
			json_array_foreach(elems, k, e)
			{
				/* An address, or {"elem":{"val":…,"expires":…}}. */
				json_t *el = json_object_get(e, "elem");
				const char *val =
				    json_string_value(el ? json_object_get(el, "val") : e);
				struct tw_ban b = {0};
				if (!val || tw_addr_parse(val, strlen(val), &b.addr) != TW_OK)
					continue;
				json_t *ex = el ? json_object_get(el, "expires") : NULL;
				b.expires_s = json_is_integer(ex) ? json_integer_value(ex) : 0;
				/* nft counts whole seconds: a ban with a timeout and under a
				 * second left is still a ban that ends, never a permanent one. */
				if (el && json_object_get(el, "timeout") && b.expires_s <= 0)
					b.expires_s = 1;
				struct tw_ban *nv2 = tw_grow(v, nv, &capv, sizeof(*nv2), 16);
				if (!nv2) {
					r = tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
					break;
				}
				v = nv2;
				v[nv++] = b;
			}
		}
		json_decref(root);
	}
	nft_ctx_free(n);
	if (r) {
		free(v);
		return r;
	}
	*out = v;
	*nout = nv;
	return TW_OK;
}

/* Deletes (into the batch 'b') every chain and every set but the ban sets that the loaded
 * table holds: the ban sets stay in the kernel with their elements and time left. */
static int drop_all_but_bans(struct nft_ctx *n, struct tw_buf *b)
{
	if (!table_exists(n))
		return TW_OK;
	json_t *root = json_loads(nft_ctx_get_output_buffer(n), 0, NULL);
	if (!root)
		return TW_E_INVALID;
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(root, "nftables"), i, item)
	{
		static const char *const kinds[] = {"chain", "set", "map"};
		for (int k = 0; k < 3; k++) {
			json_t *o = json_object_get(item, kinds[k]);
			const char *name = json_string_value(json_object_get(o, "name"));
			if (!name ||
			    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(name))
				continue;
			if (k == 1 && (!strcmp(name, "ban4") || !strcmp(name, "ban6")))
				continue;
			tw_buf_printf(b, "delete %s inet %s %s\n", kinds[k], TW_SHIELD_TABLE, name);
		}
	}
	json_decref(root);
	return TW_OK;
}

int tw_shield_apply(const struct tw_conf *c, struct tw_errctx *ec)
{
	struct tw_buf b;
	struct nft_ctx *n = NULL;
	int r;
	tw_buf_init(&b);
	/* One transaction: the table made if missing, its rules flushed, its chains and
	 * sets deleted — all but the ban sets, which keep every ban the kernel holds, with
	 * its time left, even one added by the daemon while this runs — then the ruleset
	 * made anew. */
	tw_buf_printf(&b, "table inet %s\nflush table inet %s\n", TW_SHIELD_TABLE, TW_SHIELD_TABLE);
	n = ctx_new(true);
	if (!n) {
		r = tw_err_set(ec, TW_E_NOMEM, 0, "nftables: no context");
		goto out;
	}
	r = drop_all_but_bans(n, &b);
	nft_ctx_free(n);
	n = NULL;
	if (r) {
		r = tw_err_set(ec, r, 0, "nftables: cannot read the loaded table");
		goto out;
	}
	r = tw_shield_ruleset(&b, c, ec);
	if (r)
		goto out;
	/* Test hook: a load that fails at its end, to show nothing was half-applied. */
	if (getenv("TW_SHIELD_TEST_FAIL"))
		tw_buf_printf(&b, "add rule inet %s input tcp dport 70000 accept\n",
			      TW_SHIELD_TABLE);
	n = ctx_new(false);
	if (!n) {
		r = tw_err_set(ec, TW_E_NOMEM, 0, "nftables: no context");
		goto out;
	}
	tw_buf_addc(&b, '\0');
	r = b.oom ? tw_err_set(ec, TW_E_NOMEM, 0, "out of memory") : run(n, b.p, ec);
out:
	if (n)
		nft_ctx_free(n);
	tw_buf_fini(&b);
	return r;
}

int tw_shield_remove(struct tw_errctx *ec)
{
	struct nft_ctx *n = ctx_new(false);
	if (!n)
		return tw_err_set(ec, TW_E_NOMEM, 0, "nftables: no context");
	int r = table_exists(n) ? run(n, "delete table inet " TW_SHIELD_TABLE, ec) : TW_OK;
	nft_ctx_free(n);
	return r;
}

int tw_shield_status(struct tw_buf *out, struct tw_errctx *ec)
{
	struct nft_ctx *n = ctx_new(false);
	if (!n)
		return tw_err_set(ec, TW_E_NOMEM, 0, "nftables: no context");
	int r = TW_OK;
	if (nft_run_cmd_from_buffer(n, "list table inet " TW_SHIELD_TABLE) == 0)
		tw_buf_adds(out, nft_ctx_get_output_buffer(n));
	else
		r = tw_err_set(ec, TW_E_NOTFOUND, 0, "the shield is not loaded");
	nft_ctx_free(n);
	return r;
}

static int element(const struct tw_addr *a, const char *verb, int64_t seconds, struct tw_errctx *ec)
{
	char as[TW_ADDR_STRLEN], cmd[200];
	if (a->family != TW_AF_INET && a->family != TW_AF_INET6)
		return tw_err_set(ec, TW_E_INVALID, 0, "not an address");
	tw_addr_format(a, as);
	if (seconds > 0)
		snprintf(cmd, sizeof(cmd), "%s element inet %s ban%c { %s timeout %llds }", verb,
			 TW_SHIELD_TABLE, a->family == TW_AF_INET ? '4' : '6', as,
			 (long long)seconds);
	else
		snprintf(cmd, sizeof(cmd), "%s element inet %s ban%c { %s }", verb, TW_SHIELD_TABLE,
			 a->family == TW_AF_INET ? '4' : '6', as);
	struct nft_ctx *n = ctx_new(false);
	if (!n)
		return tw_err_set(ec, TW_E_NOMEM, 0, "nftables: no context");
	int r = table_exists(n) ? run(n, cmd, ec)
				: tw_err_set(ec, TW_E_NOTFOUND, 0, "the shield is not loaded");
	nft_ctx_free(n);
	return r;
}

int tw_shield_ban(const struct tw_addr *a, int64_t seconds, struct tw_errctx *ec)
{
	return element(a, "add", seconds, ec);
}

int tw_shield_unban(const struct tw_addr *a, struct tw_errctx *ec)
{
	return element(a, "delete", 0, ec);
}
