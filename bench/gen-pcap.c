/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writes a reproducible benchmark capture to stdout: about MB megabytes of Ethernet/IPv4
 * frames, mostly full-size TCP data (web downloads), with DNS, NetBIOS name queries and
 * NBSTAT probes, ICMP, TCP SYNs to 135/139/445, and one Messenger NetrSendMessage datagram
 * (DCE/RPC to UDP 135 or 1026-1029) every EVERY frames — the mix of a 2004 home link.
 * Documentation and benchmarking addresses only (RFC 5737, RFC 2544).
 * Usage: gen-pcap MB [SEED [EVERY]] > file.pcap */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng;

static uint32_t rnd(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng >> 33);
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32le(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t ts_s = 1091826842, ts_us;

static void frame(const uint8_t *f, size_t n)
{
	uint8_t h[16];
	ts_us += 137 + rnd() % 400;
	if (ts_us >= 1000000) {
		ts_s += ts_us / 1000000;
		ts_us %= 1000000;
	}
	put32le(h, ts_s);
	put32le(h + 4, ts_us);
	put32le(h + 8, (uint32_t)n);
	put32le(h + 12, (uint32_t)n);
	fwrite(h, 1, 16, stdout);
	fwrite(f, 1, n, stdout);
}

/* Ethernet + IPv4 header into f; returns the offset of the transport header. */
static size_t ip(uint8_t *f, const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
		 size_t tlen)
{
	static const uint8_t mac[12] = {0, 0, 0x5e, 0, 0x53, 1, 0, 0, 0x5e, 0, 0x53, 2};
	memcpy(f, mac, 12);
	put16(f + 12, 0x0800);
	uint8_t *h = f + 14;
	memset(h, 0, 20);
	h[0] = 0x45;
	put16(h + 2, (unsigned)(20 + tlen));
	put16(h + 4, rnd() & 0xffff);
	h[8] = (uint8_t)(48 + rnd() % 80);
	h[9] = proto;
	memcpy(h + 12, src, 4);
	memcpy(h + 16, dst, 4);
	return 34;
}

static size_t ndr(uint8_t *p, const char *s)
{
	uint32_t n = (uint32_t)strlen(s) + 1;
	put32le(p, n);
	put32le(p + 4, 0);
	put32le(p + 8, n);
	memcpy(p + 12, s, n);
	size_t at = 12 + n;
	while (at % 4)
		p[at++] = 0;
	return at;
}

static void messenger(const uint8_t me[4], unsigned k)
{
	static const char *const texts[] = {
	    "Windows has found a critical security problem on your computer.\r\nVisit "
	    "http://www.example.com/fix and download the patch now.",
	    "STOP! Pop-up ads like this one can be blocked.\r\nGet the blocker at "
	    "http://www.example.org/",
	    "Your system is infected with spyware. Please visit\r\nhttp://www.example.net/scan\r\n"
	    "Failure to act may expose your personal information.",
	};
	static const uint8_t iface[16] = {0xf8, 0x91, 0x7b, 0x5a, 0x00, 0xff, 0xd0, 0x11,
					  0xa9, 0xb2, 0x00, 0xc0, 0x4f, 0xb6, 0xe6, 0xfc};
	uint8_t f[1600], stub[1024];
	char from[32];
	size_t n = 0;
	snprintf(from, sizeof(from), "SECURITY%u", k % 97);
	n += ndr(stub + n, from);
	n += ndr(stub + n, "ALERT");
	n += ndr(stub + n, texts[k % 3]);
	uint8_t src[4] = {198, 51, 100, (uint8_t)(1 + k % 250)};
	static const unsigned ports[] = {135, 1026, 1027, 1028, 1029};
	size_t t = ip(f, src, me, 17, 8 + 80 + n);
	put16(f + t, 1024 + k % 4000);
	put16(f + t + 2, ports[k % 5]);
	put16(f + t + 4, (unsigned)(8 + 80 + n));
	put16(f + t + 6, 0);
	uint8_t *r = f + t + 8;
	memset(r, 0, 80);
	r[0] = 4;
	r[2] = 0x28;
	r[4] = 0x10;
	memcpy(r + 24, iface, 16);
	for (int i = 0; i < 16; i++)
		r[40 + i] = (uint8_t)rnd();
	r[70] = r[71] = r[72] = r[73] = 0xff;
	r[74] = (uint8_t)n;
	r[75] = (uint8_t)(n >> 8);
	memcpy(r + 80, stub, n);
	frame(f, t + 8 + 80 + n);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: gen-pcap MB [SEED [EVERY]]\n", stderr);
		return 2;
	}
	uint64_t target = strtoull(argv[1], NULL, 10) * 1000000ULL;
	rng = argc > 2 ? strtoull(argv[2], NULL, 10) : 42;
	unsigned every = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 250;
	uint8_t hdr[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0};
	put32le(hdr + 16, 65535);
	put32le(hdr + 20, 1);
	fwrite(hdr, 1, 24, stdout);

	const uint8_t me[4] = {192, 0, 2, 10}, web[4] = {198, 18, 0, 80},
		      dns[4] = {198, 18, 0, 53};
	uint8_t f[1600];
	uint64_t written = 24;
	unsigned k = 0, nmsg = 0;
	while (written < target) {
		size_t n;
		uint32_t c = rnd() % 1000;
		k++;
		if (k % every == 0) {
			messenger(me, nmsg++);
			written += 16 + 300;
			continue;
		}
		if (c < 900) { /* a full-size web data segment */
			size_t t = ip(f, web, me, 6, 1460);
			memset(f + t, 0, 20);
			put16(f + t, 80);
			put16(f + t + 2, 40000 + k % 20000);
			f[t + 12] = 5 << 4;
			f[t + 13] = 0x10;
			for (size_t i = 0; i < 1440; i += 8)
				memcpy(f + t + 20 + i, "payload!", 8);
			n = t + 1460;
		} else if (c < 960) { /* DNS */
			size_t t = ip(f, me, dns, 17, 8 + 40);
			put16(f + t, 1024 + k % 60000);
			put16(f + t + 2, 53);
			put16(f + t + 4, 48);
			memset(f + t + 8, 'q', 40);
			n = t + 48;
		} else if (c < 975) { /* an NBSTAT probe from the Internet */
			uint8_t src[4] = {203, 0, 113, (uint8_t)(1 + k % 250)};
			size_t t = ip(f, src, me, 17, 8 + 50);
			put16(f + t, 137);
			put16(f + t + 2, 137);
			put16(f + t + 4, 58);
			uint8_t *q = f + t + 8;
			memset(q, 0, 50);
			put16(q, k & 0xffff);
			q[5] = 1;
			q[12] = 0x20;
			q[13] = 'C';
			q[14] = 'K';
			memset(q + 15, 'A', 30);
			q[47] = 0x21;
			q[49] = 1;
			n = t + 58;
		} else if (c < 990) { /* a worm's SYN to 135/139/445 */
			static const unsigned ports[] = {135, 139, 445};
			uint8_t src[4] = {198, 51, 100, (uint8_t)(1 + k % 250)};
			size_t t = ip(f, src, me, 6, 20);
			memset(f + t, 0, 20);
			put16(f + t, 3000 + k % 5000);
			put16(f + t + 2, ports[k % 3]);
			f[t + 12] = 5 << 4;
			f[t + 13] = 0x02;
			n = t + 20;
		} else { /* an ICMP echo */
			uint8_t src[4] = {203, 0, 113, (uint8_t)(1 + k % 250)};
			size_t t = ip(f, src, me, 1, 64);
			memset(f + t, 0, 64);
			f[t] = 8;
			n = t + 64;
		}
		frame(f, n);
		written += 16 + n;
	}
	fprintf(stderr, "gen-pcap: %u frames, %u Messenger messages\n", k, nmsg);
	return 0;
}
