/*
 * badip.c - send a few malformed IPv4 TCP segments from the lab target's
 * side (tests/lab/malformed.test, issue 9 point 10).  Run in the target
 * namespace:
 *
 *   badip IFACE DSTMAC SRC SPORT DST DPORT MODE
 *
 * MODE is ihl4 (header length 4), ihl15 (header length 15 in a 40-byte
 * packet), totlen (a total length beyond the frame), ipcsum (a wrong
 * header checksum) or tcpcsum (a sound IPv4 header, a wrong TCP
 * checksum).  The segment is an ACK from SRC:SPORT to DST:DPORT with a
 * correct TCP checksum but for tcpcsum.  Both addresses must be in 198.18.0.0/15
 * (RFC 2544): the lab's and nothing else.  Sends 3 frames, 10 ms apart.
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint16_t
sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n % 2)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int
in_lab(struct in_addr a)
{
	return (ntohl(a.s_addr) & 0xfffe0000u) == 0xc6120000u;
}

int
main(int argc, char **argv)
{
	struct sockaddr_ll sll;
	struct in_addr src, dst;
	struct timespec gap = { 0, 10 * 1000 * 1000 };
	uint8_t pkt[40], ph[12], mac[6];
	uint16_t c;
	int fd, i;

	if (argc != 8 || inet_pton(AF_INET, argv[3], &src) != 1 ||
	    inet_pton(AF_INET, argv[5], &dst) != 1 ||
	    sscanf(argv[2], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
	    &mac[2], &mac[3], &mac[4], &mac[5]) != 6) {
		fprintf(stderr, "usage: badip IFACE DSTMAC SRC SPORT DST DPORT "
		    "ihl4|ihl15|totlen|ipcsum|tcpcsum\n");
		return 2;
	}
	if (!in_lab(src) || !in_lab(dst)) {
		fprintf(stderr, "badip: addresses must be in 198.18.0.0/15\n");
		return 2;
	}
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x45;
	pkt[3] = sizeof(pkt);
	pkt[6] = 0x40;			/* DF */
	pkt[8] = 64;
	pkt[9] = 6;
	memcpy(pkt + 12, &src, 4);
	memcpy(pkt + 16, &dst, 4);
	pkt[20] = (uint8_t)(atoi(argv[4]) >> 8);
	pkt[21] = (uint8_t)atoi(argv[4]);
	pkt[22] = (uint8_t)(atoi(argv[6]) >> 8);
	pkt[23] = (uint8_t)atoi(argv[6]);
	pkt[24 + 3] = 1;		/* seq 1, ack 1 */
	pkt[28 + 3] = 1;
	pkt[32] = 0x50;
	pkt[33] = 0x10;			/* ACK */
	pkt[34] = 0x10;			/* win 4096 */
	memcpy(ph, &src, 4);
	memcpy(ph + 4, &dst, 4);
	ph[8] = 0;
	ph[9] = 6;
	ph[10] = 0;
	ph[11] = 20;
	c = sum16(pkt + 20, 20, (uint32_t)(uint16_t)~sum16(ph, 12, 0));
	if (strcmp(argv[7], "tcpcsum") == 0)
		c ^= 0x0110;	/* neither the checksum nor the partial sum */
	pkt[36] = (uint8_t)(c >> 8);
	pkt[37] = (uint8_t)c;
	if (strcmp(argv[7], "ihl4") == 0)
		pkt[0] = 0x44;
	else if (strcmp(argv[7], "ihl15") == 0)
		pkt[0] = 0x4f;
	else if (strcmp(argv[7], "totlen") == 0)
		pkt[3] = 200;
	else if (strcmp(argv[7], "ipcsum") != 0 &&
	    strcmp(argv[7], "tcpcsum") != 0) {
		fprintf(stderr, "badip: unknown mode %s\n", argv[7]);
		return 2;
	}
	c = sum16(pkt, 20, 0);
	if (strcmp(argv[7], "ipcsum") == 0)
		c ^= 0x0101;
	pkt[10] = (uint8_t)(c >> 8);
	pkt[11] = (uint8_t)c;

	if ((fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC,
	    htons(ETH_P_IP))) == -1) {
		perror("badip: socket");
		return 1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, mac, 6);
	if (sll.sll_ifindex == 0) {
		fprintf(stderr, "badip: no interface %s\n", argv[1]);
		return 1;
	}
	for (i = 0; i < 3; i++) {
		if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&sll,
		    sizeof(sll)) != (ssize_t)sizeof(pkt)) {
			perror("badip: sendto");
			return 1;
		}
		nanosleep(&gap, NULL);
	}
	close(fd);
	return 0;
}
