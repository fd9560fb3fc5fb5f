/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shield (issue 8, firewall.md §5): tracewall's own nftables table `inet tracewall`,
 * loaded through libnftables and replaced atomically. Inbound policy drop, loopback and
 * established/related accepted, stealth (no replies, no rejects), a trusted zone of networks
 * and interfaces, services open to all, the Messenger/NetBIOS/RPC/SMB probes logged to an
 * NFLOG group under a prefix per class with a rate limit (everything else under its own),
 * and ban sets for IPv4 and IPv6 with timeouts. Nothing here prints. */
#ifndef TW_SHIELD_SHIELD_H
#define TW_SHIELD_SHIELD_H

#include <stddef.h>
#include <stdint.h>

#include "core/conf.h"
#include "core/addr.h"
#include "core/err.h"
#include "core/esc.h"

#define TW_SHIELD_TABLE "tracewall"

/* The ruleset as nft text for the configuration (the [shield] section); TW_E_INVALID with
 * the reason when a value cannot be written safely (an interface name, a port list). */
int tw_shield_ruleset(struct tw_buf *b, const struct tw_conf *c, struct tw_errctx *ec);
/* Whether applying the shield would lock the user out: this session comes over SSH, or
 * sshd listens here, and neither [shield] allow nor trusted admits it. 1 with the reason
 * and the rule to add in 'why', else 0. */
int tw_shield_lockout(const struct tw_conf *c, char *why, size_t n);
/* Replaces the table in one transaction: the ban sets and their elements stay as the
 * kernel holds them; everything else is made anew. */
int tw_shield_apply(const struct tw_conf *c, struct tw_errctx *ec);
/* Deletes the table (TW_OK also when there is none). */
int tw_shield_remove(struct tw_errctx *ec);
/* The table as nft lists it, or TW_E_NOTFOUND when it is not loaded. */
int tw_shield_status(struct tw_buf *out, struct tw_errctx *ec);

struct tw_ban {
	struct tw_addr addr;
	int64_t expires_s; /* seconds left; 0 = no timeout */
};
/* Adds a ban for 'seconds' (0: the configured ban-timeout) or removes one. */
int tw_shield_ban(const struct tw_addr *a, int64_t seconds, struct tw_errctx *ec);
int tw_shield_unban(const struct tw_addr *a, struct tw_errctx *ec);
/* The bans in force (owned array, free()); TW_E_NOTFOUND when the shield is not loaded. */
int tw_shield_bans(struct tw_ban **bans, size_t *n, struct tw_errctx *ec);

#endif
