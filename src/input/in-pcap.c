/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Captures through libpcap (see pcap.h). A plain file goes to libpcap as a stdio stream; a
 * gzip-compressed one through a cookie stream over zlib, so that .pcap.gz and .pcapng.gz
 * need no temporary file. libpcap checks the file header and each record's lengths; the
 * frames themselves are parsed by packet.c. */
#include "input/pcap.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "input/packet.h"

static bool capture_magic(const unsigned char m[4])
{
	static const unsigned char magics[][4] = {
	    {0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4}, /* pcap, µs */
	    {0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d}, /* pcap, ns */
	    {0x0a, 0x0d, 0x0d, 0x0a},				/* pcapng section header */
	};
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (memcmp(m, magics[i], 4) == 0)
			return true;
	return false;
}

bool tw_pcap_is_capture(const char *path)
{
	unsigned char m[4];
	bool yes = false;

	if (strcmp(path, "-") == 0)
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return false;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		gzFile g = gzdopen(fd, "rb"); /* reads plain files as they are */
		if (g) {
			yes = gzread(g, m, 4) == 4 && capture_magic(m);
			gzclose(g);
			return yes;
		}
	}
	close(fd);
	return yes;
}

static ssize_t gz_read(void *cookie, char *buf, size_t n)
{
	unsigned chunk = n > (1u << 30) ? 1u << 30 : (unsigned)n;
	int r = gzread(cookie, buf, chunk);
	return r < 0 ? -1 : r;
}

static int gz_close(void *cookie)
{
	return gzclose(cookie) == Z_OK ? 0 : -1;
}

/* A capture is no line format: the row says so (.capture), per-line detection never tries
 * it, and the pipeline reads such a file with tw_pcap_next(). */
static int not_a_line(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	(void)line, (void)len, (void)ev, (void)ctx;
	return TW_E_NOTFOUND;
}

const struct tw_input_format tw_in_pcap = {
    .name = "pcap",
    .summary = "packet captures: pcap and pcapng (also gzip); Ethernet, VLAN, SLL, SLL2, raw IP, "
	       "loopback",
    .parse = not_a_line,
    .capture = true,
};

static uint32_t rd32(const uint8_t *p, bool swapped)
{
	uint32_t v =
	    (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return swapped ? __builtin_bswap32(v) : v;
}

int tw_pcap_open_mem(struct tw_pcap *pc, const uint8_t *p, size_t n, uint32_t file_index,
		     struct tw_errctx *ec)
{
	memset(pc, 0, sizeof(*pc));
	pc->file_index = file_index;
	tw_ipfrag_init(&pc->frag);
	if (n < 24)
		return TW_E_NOTFOUND;
	uint32_t magic = rd32(p, false);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
		pc->swapped = false;
	} else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
		pc->swapped = true;
	} else {
		return TW_E_NOTFOUND;
	}
	pc->nsec = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
	pc->snaplen = rd32(p + 16, pc->swapped);
	pc->linktype = (int)(rd32(p + 20, pc->swapped) & 0x0fffffff);
	if (!tw_pkt_link_supported(pc->linktype))
		return tw_err_set(ec, TW_E_UNSUPPORTED, 0, "link type %d is not supported",
				  pc->linktype);
	pc->map = p;
	pc->map_size = n;
	pc->pos = 24;
	pc->size = n;
	return TW_OK;
}

/* The next record of a mapped capture; 1 at the end, TW_E_INVALID for a damaged record. */
static int mem_next(struct tw_pcap *pc, uint32_t *sec, uint32_t *frac, const uint8_t **data,
		    uint32_t *caplen, uint32_t *len)
{
	if (pc->pos == pc->map_size)
		return 1;
	if (pc->map_size - pc->pos < 16)
		return TW_E_INVALID;
	const uint8_t *h = pc->map + pc->pos;
	*sec = rd32(h, pc->swapped);
	*frac = rd32(h + 4, pc->swapped);
	*caplen = rd32(h + 8, pc->swapped);
	*len = rd32(h + 12, pc->swapped);
	/* As libpcap: a record larger than 256 KiB (or than the snap length allows, when
	 * that is set sensibly) is damage, not a frame. */
	if (*caplen > 262144 || *caplen > pc->map_size - pc->pos - 16)
		return TW_E_INVALID;
	*data = h + 16;
	pc->pos += 16 + (size_t)*caplen;
	/* Release the pages behind the reader (as core/lines.c does), so that a large
	 * capture does not grow the resident set; the last frame's stay. */
	if (pc->owns_map && pc->pos - pc->dropped >= (64u << 20)) {
		size_t upto = (pc->pos - (1u << 20)) & ~(size_t)4095;
		if (upto > pc->dropped) {
			madvise((void *)(pc->map + pc->dropped), upto - pc->dropped, MADV_DONTNEED);
			pc->dropped = upto;
		}
	}
	if (*len < *caplen)
		*len = *caplen;
	if (!pc->nsec)
		*frac *= 1000;
	return TW_OK;
}

int tw_pcap_open(struct tw_pcap *pc, const char *path, uint32_t file_index, struct tw_errctx *ec)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	unsigned char m[2] = {0, 0};
	int fd = -1, ret = TW_OK;
	FILE *f = NULL;

	memset(pc, 0, sizeof(*pc));
	pc->file_index = file_index;
	tw_ipfrag_init(&pc->frag);
	fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = tw_err_set(ec, TW_E_IO, errno, "cannot open");
		goto out;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		pc->size = (uint64_t)st.st_size;
		if (pread(fd, m, 2, 0) < 0) {
			ret = tw_err_set(ec, TW_E_IO, errno, "cannot read");
			goto out;
		}
	}
	unsigned char m4[4];
	if (pc->size >= 24 && !(m[0] == 0x1f && m[1] == 0x8b) && pread(fd, m4, 4, 0) == 4 &&
	    ((m4[0] == 0xd4 && m4[1] == 0xc3) || (m4[0] == 0xa1 && m4[1] == 0xb2) ||
	     (m4[0] == 0x4d && m4[1] == 0x3c))) {
		/* Classic pcap in a plain file: read it from a memory map. */
		void *map = mmap(NULL, (size_t)pc->size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map != MAP_FAILED) {
			madvise(map, (size_t)pc->size, MADV_SEQUENTIAL | MADV_WILLNEED);
			uint64_t size = pc->size;
			ret = tw_pcap_open_mem(pc, map, (size_t)size, file_index, ec);
			if (ret == TW_OK) {
				pc->owns_map = true;
				goto out;
			}
			munmap(map, (size_t)size);
			if (ret != TW_E_NOTFOUND)
				goto out;
			ret = TW_OK;
			pc->size = size;
		}
	}
	if (m[0] == 0x1f && m[1] == 0x8b) {
		pc->gz = gzdopen(fd, "rb");
		if (!pc->gz) {
			ret = tw_err_set(ec, TW_E_NOMEM, 0, "cannot start gzip");
			goto out;
		}
		fd = -1;
		gzbuffer(pc->gz, 256 * 1024);
		cookie_io_functions_t io = {.read = gz_read, .close = gz_close};
		f = fopencookie(pc->gz, "r", io);
		if (f)
			pc->gz = NULL; /* the stream closes it */
	} else {
		f = fdopen(fd, "rb");
		if (f)
			fd = -1;
	}
	if (!f) {
		ret = tw_err_set(ec, TW_E_NOMEM, errno, "cannot open a stream");
		goto out;
	}
	pc->stream = f;
	pc->pcap = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!pc->pcap) {
		/* libpcap closes nothing on failure: the stream is ours to close. */
		ret = tw_err_set(ec, TW_E_INVALID, 0, "not a readable capture: %s", errbuf);
		goto out;
	}
	pc->stream = NULL; /* pcap_close() closes it */
	pc->linktype = pcap_datalink(pc->pcap);
	if (!tw_pkt_link_supported(pc->linktype)) {
		const char *lt = pcap_datalink_val_to_name(pc->linktype);
		ret = tw_err_set(ec, TW_E_UNSUPPORTED, 0, "link type %d (%s) is not supported",
				 pc->linktype, lt ? lt : "unknown");
		goto out;
	}
out:
	if (fd >= 0)
		close(fd);
	if (ret != TW_OK)
		tw_pcap_close(pc);
	return ret;
}

static int skip(struct tw_pcap *pc, enum tw_skip why, const char *detail)
{
	pc->skipped[why]++;
	pc->skip_frame = pc->frames;
	pc->skip_reason = why;
	pc->skip_detail = detail;
	return TW_READER_SKIPPED;
}

int tw_pcap_next(struct tw_pcap *pc, struct tw_event *ev, struct tw_errctx *ec)
{
	struct pcap_pkthdr *h;
	const u_char *data;

	for (;;) {
		struct pcap_pkthdr mh;
		int r;
		if (pc->map) {
			uint32_t caplen, len, sec, frac;
			const uint8_t *d8;
			r = mem_next(pc, &sec, &frac, &d8, &caplen, &len);
			if (r == TW_OK) {
				mh.ts.tv_sec = sec;
				mh.ts.tv_usec = frac;
				mh.caplen = caplen;
				mh.len = len;
				h = &mh;
				data = d8;
				r = 1;
			} else if (r == 1) {
				r = PCAP_ERROR_BREAK;
			} else {
				return tw_err_set(ec, TW_E_INVALID, 0,
						  "damaged capture after frame %llu: a record runs "
						  "past the end of the file or is impossibly large",
						  (unsigned long long)pc->frames);
			}
		} else {
			r = pcap_next_ex(pc->pcap, &h, &data);
		}
		if (r == PCAP_ERROR_BREAK) {
			/* The end; datagrams whose fragments never all came are counted. */
			unsigned pend = tw_ipfrag_pending(&pc->frag);
			if (pend) {
				pc->skipped[TW_SKIP_TRUNCATED] += pend;
				tw_ipfrag_fini(&pc->frag);
				tw_ipfrag_init(&pc->frag);
				pc->skip_reason = TW_SKIP_TRUNCATED;
				pc->skip_detail = "fragmented datagram never completed";
				pc->skip_frame = pc->frames;
				return TW_READER_SKIPPED;
			}
			return TW_EOF;
		}
		if (r != 1) {
			/* A record header that lies about its length, or a cut file. */
			return tw_err_set(ec, TW_E_INVALID, 0,
					  "damaged capture after frame %llu: %s",
					  (unsigned long long)pc->frames, pcap_geterr(pc->pcap));
		}
		pc->frames++;
		pc->consumed += h->caplen + 16;
		memset(ev, 0, sizeof(*ev));
		struct tw_pkt_ctx ctx = {&pc->frag, NULL};
		int64_t ts = (int64_t)h->ts.tv_sec * 1000000000 + (int64_t)h->ts.tv_usec;
		int ret = tw_pkt_parse(pc->linktype, data, h->caplen, h->len, ts, ev, &ctx);
		switch (ret) {
		case TW_OK:
			ev->origin.format = tw_input_index(&tw_in_pcap);
			ev->origin.file = pc->file_index;
			ev->origin.line = pc->frames;
			ev->origin.offset = 0;
			pc->events++;
			return TW_OK;
		case TW_IN_NOPACKET: return skip(pc, TW_SKIP_NOPACKET, ctx.detail);
		case TW_E_NOTFOUND: return skip(pc, TW_SKIP_NOT_FIREWALL, ctx.detail);
		case TW_E_TRUNCATED: return skip(pc, TW_SKIP_TRUNCATED, ctx.detail);
		case TW_E_NOMEM: return tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
		default: return skip(pc, TW_SKIP_MALFORMED, ctx.detail);
		}
	}
}

void tw_pcap_close(struct tw_pcap *pc)
{
	if (pc->map && pc->owns_map)
		munmap((void *)pc->map, pc->map_size);
	pc->map = NULL;
	if (pc->pcap)
		pcap_close(pc->pcap); /* closes the stream, and through it the gzip file */
	else if (pc->stream)
		fclose(pc->stream);
	else if (pc->gz)
		gzclose(pc->gz);
	pc->pcap = pc->stream = pc->gz = NULL;
	tw_ipfrag_fini(&pc->frag);
}
