/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Input stage: the registry of log formats (style.md B2) and the line reader that turns the
 * lines of one file into events, with per-line format detection. */
#ifndef TW_INPUT_INPUT_H
#define TW_INPUT_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/event.h"
#include "core/lines.h"
#include "core/time.h"

/* A parse() result beside TW_OK and the negative codes: the line is a syslog "last message
 * repeated N times" note; ctx->repeat holds N. */
#define TW_IN_REPEAT 2
/* A parse() result: a line of this format that records no packet (a W3C or Zeek header, a
 * ZoneAlarm program record, a lost-events note, a line inside a multi-line record);
 * ctx->detail says what it is. */
#define TW_IN_NOPACKET 4

/* Columns a header-driven format can map (pfirewall "#Fields:", Zeek "#fields"). */
#define TW_IN_MAXCOLS 48

/* Per-file state a format keeps between lines; one format owns it at a time. */
struct tw_in_state {
	const struct tw_input_format *owner;
	/* A column header: ncols columns, each a format-specific field id (0 = ignored). */
	uint8_t ncols;
	uint8_t col[TW_IN_MAXCOLS];
	char sep;
	/* A record assembled over several lines (an XML event): the event so far. */
	bool open;
	uint32_t have; /* format-specific bits of what was seen */
	uint32_t id;   /* e.g. the event ID */
	struct tw_event ev;
	char text[256]; /* a string the event keeps (ev spans point here) */
	size_t text_len;
};

/* Per-file, per-thread parse state handed to every parse() call. */
struct tw_parse_ctx {
	struct tw_yearctx year; /* year and zone rules for year-less stamps */
	struct tw_arena *arena; /* scratch for this record; reset by the caller */
	const char *detail;	/* out: why a line was rejected (static string) */
	uint32_t repeat;	/* out: extra copies of this event (syslog repeat notes) */
	size_t glued;		/* out: offset of another record glued onto this line, or 0 */
	struct tw_span sd;	/* out: the RFC 5424 structured data of the last envelope */
	struct tw_in_state st;	/* per-file state (headers, multi-line records) */
};

struct tw_input_format {
	const char *name;    /* CLI name for --format */
	const char *summary; /* one line for --list-formats */
	/* Pure, file-free parser of one line. Returns TW_OK (event filled), TW_E_NOTFOUND (not
	 * this format), TW_E_INVALID / TW_E_TRUNCATED (this format, but malformed; reason in
	 * ctx->detail), TW_IN_REPEAT or TW_IN_NOPACKET. Per-file state lives in ctx->st. Allocates
	 * only from ctx->arena; spans in 'ev' point into 'line' or the arena. */
	int (*parse)(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx);
	/* Optional and cheap: false when the line cannot be this format's (parse() would say
	 * TW_E_NOTFOUND), so that per-line detection skips it without clearing an event. */
	bool (*sniff)(const char *line, size_t len, const struct tw_parse_ctx *ctx);
	/* What the reader and the pipeline need to know of the format, so that neither names
	 * one. 'capture': packets, not lines (input/pcap.h reads it; per-line detection never
	 * tries the row). 'spans_in_line': every span of its events points into the line, so
	 * a repeat note's copy of a mapped line's event needs no copy of its text. */
	bool capture, spans_in_line;
	/* Optional, for formats whose records span lines: true when a file's first bytes are
	 * this format's; such a file is read whole, by one reader. */
	bool (*multiline)(const char *head, size_t len);
};

/* The capture row (input/in-pcap.c); the line formats are named only by their registry
 * row (in-registry.c), found by name with tw_input_find(). */
extern const struct tw_input_format tw_in_pcap;

/* The registry, NULL-terminated, in detection order. */
extern const struct tw_input_format *const tw_input_formats[];
/* Looks a format up by name; NULL if unknown. */
const struct tw_input_format *tw_input_find(const char *name);
/* Index of a format in the registry (for tw_origin.format). */
uint16_t tw_input_index(const struct tw_input_format *f);

/* Why a line gave no event. */
enum tw_skip {
	TW_SKIP_NOT_FIREWALL = 0, /* some other program's line: counted, never an error */
	TW_SKIP_MALFORMED,	  /* a firewall line with a bad field */
	TW_SKIP_TRUNCATED,	  /* a firewall line that ends early */
	TW_SKIP_TOO_LONG,	  /* longer than the line limit */
	TW_SKIP_BINARY,		  /* NUL bytes: not text */
	TW_SKIP_NOPACKET,	  /* a known format's line that records no packet */
	TW_SKIP_NREASONS
};
const char *tw_skip_name(enum tw_skip s);

/* Reads events from one file's lines. */
struct tw_reader {
	struct tw_lines *lines;
	const struct tw_input_format *forced; /* --format, or NULL for per-line detection */
	const struct tw_input_format *last;   /* the format that matched last (tried first) */
	struct tw_parse_ctx ctx;
	struct tw_arena arena;
	uint32_t file_index;
	/* A pending repeat: the last event and how many copies are still owed. */
	struct tw_event last_ev;
	bool have_last;
	uint32_t owed;
	char *last_line; /* copy of the last event's line, so its spans stay valid */
	size_t last_cap;
	/* Counters. */
	uint64_t lines_read, events;
	uint64_t skipped[TW_SKIP_NREASONS];
	/* The last skipped line, for --verbose: its number, reason and detail. */
	uint64_t skip_line;
	enum tw_skip skip_reason;
	const char *skip_detail;
	/* The rest of a line that held glued records, parsed before the next line. */
	struct tw_line glued;
	bool have_glued;
	const struct tw_input_format *glued_fmt;
	/* The line of the event last returned (repeats: the note), valid until the next
	 * call: kept as evidence. */
	struct tw_span raw;
};

/* Prepares a reader over 'lines' (owned by the caller). 'forced' may be NULL. 'fixed_year'
 * is --year or 0. */
int tw_reader_init(struct tw_reader *r, struct tw_lines *lines,
		   const struct tw_input_format *forced, uint32_t file_index, int fixed_year);
/* Next event: TW_OK, TW_EOF, 1 + TW_SKIP_* ... see below, or TW_E_IO.
 * Returns TW_OK with 'ev' filled; TW_READER_SKIPPED when a line was skipped (see
 * skip_line/skip_reason/skip_detail; the counters are updated); TW_EOF at the end. */
#define TW_READER_SKIPPED 3
int tw_reader_next(struct tw_reader *r, struct tw_event *ev, struct tw_errctx *ec);
void tw_reader_fini(struct tw_reader *r);
/* Shows the reader header lines ('text', several lines) that precede its part of a file, so
 * that a thread starting mid-file knows the column layout. */
void tw_reader_prime(struct tw_reader *r, const char *text, size_t len);
/* The block of '#' header lines last before byte 'off' of a mapped file that starts with
 * one (pfirewall.log, Zeek), for tw_reader_prime(); empty when there is none. */
struct tw_span tw_reader_headers_before(const struct tw_lines *lr, size_t off);
/* Where a part of a mapped file read by a thread of its own may start at or after 'off':
 * a line start that is not a syslog repeat note (that belongs to the line before). */
size_t tw_reader_part_start(const struct tw_lines *lr, size_t off);
/* True for a mapped file of records that span lines (Windows event exports, told by its
 * first bytes): it must be read whole, by one reader. */
bool tw_reader_multiline(const struct tw_lines *lr);
/* One line on its own (a stored evidence line read again): the first format that parses
 * it, without any file's state (a header-driven format's line may not parse). Spans point
 * into 'line' or 'arena'. TW_OK or TW_E_NOTFOUND. */
int tw_input_parse_line(const char *line, size_t len, int year, struct tw_event *ev,
			struct tw_arena *arena);

/* Shared by the netfilter and journald parsers: parses a kernel message ("[uptime] prefix
 * IN=… OUT=… SRC=…") into 'ev'. Returns as parse(). */
int tw_in_netfilter_message(const char *msg, size_t len, struct tw_event *ev,
			    struct tw_parse_ctx *ctx);

#endif
