/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Signatures as data (issue 5): the per-event rules of data/signatures.rules (its header
 * documents the syntax), parsed into a rule set that the classifier walks in order. */
#ifndef TW_CLASSIFY_SIGS_H
#define TW_CLASSIFY_SIGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/event.h"
#include "decode/decode.h"

#define TW_SIG_CONDS  8
#define TW_SIG_RANGES 8

struct tw_sig_cond {
	uint8_t field; /* what is compared (sigs.c) */
	uint8_t n;     /* ranges used */
	struct {
		uint32_t lo, hi;
	} r[TW_SIG_RANGES];
	uint8_t bytes[16]; /* prefix= */
	uint8_t len;
};

struct tw_sig {
	char name[48];
	int cls; /* class index (classify.h), fixed or registered */
	uint8_t weight;
	uint8_t ncond;
	/* Quick rejection before the conditions: the protocol the rule needs (-1: any), and
	 * whether it needs a decoded payload. */
	int16_t proto;
	bool needs_app;
	struct tw_sig_cond cond[TW_SIG_CONDS];
	char why[240]; /* "NAME: ref" for the verdict */
};

struct tw_sigset {
	struct tw_sig *v;
	size_t n, cap;
	/* The rules that can match a TCP, a UDP and any other event, in file order: indexes
	 * into v, so that the matcher walks only those (built by the parser). */
	uint16_t *byproto[3];
	size_t nbyproto[3];
};

/* Parses rule text ('name' for messages). On a bad line: TW_E_INVALID with "NAME:LINE:
 * reason" in 'ec', and nothing kept. Class names met are registered (not thread-safe: load
 * before threads start). */
int tw_sigs_parse(const char *text, size_t len, const char *name, struct tw_sigset *out,
		  struct tw_errctx *ec);
/* Reads and parses a file (at most 1 MiB). */
int tw_sigs_load(const char *path, struct tw_sigset *out, struct tw_errctx *ec);
void tw_sigs_free(struct tw_sigset *s);

/* The first rule that matches the event ('d': its decoded payload, or NULL), or NULL. */
const struct tw_sig *tw_sigs_match(const struct tw_sigset *s, const struct tw_event *ev,
				   const struct tw_decoded *d);

/* The rule set the classifier uses: the compiled-in default until one is set. */
const struct tw_sigset *tw_sigs_active(void);
/* Makes the rules of 'path' active ("" or NULL: the compiled-in ones), replacing (and
 * freeing) those an earlier call loaded. A bad file: its error in 'ec' and the rules in force
 * kept. Only where no thread classifies (at start, or a daemon between events). */
int tw_sigs_use(const char *path, struct tw_errctx *ec);

/* The default rules (data/signatures.rules, compiled in). */
extern const char tw_signatures_default[];
extern const size_t tw_signatures_default_len;

#endif
