/* test_ctlproto.c - the control protocol's request parser (daemon/ctlproto.c),
 * the daemon's configuration keys (daemon/daemon_cfg.c) and the framing of
 * the parent/child messages (daemon/ipc.c). */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/ctlproto.h"
#include "daemon/daemon.h"
#include "daemon/ipc.h"
#include "test.h"

static bool parse(const char *line, struct ctl_request *r)
{
	char err[128];
	return ctl_parse(line, strlen(line), r, err, sizeof err);
}

static void test_good(void)
{
	struct ctl_request r;
	CHECK(parse("status\n", &r) && r.verb == CTL_STATUS && !r.json);
	CHECK(parse("status --json", &r) && r.verb == CTL_STATUS && r.json);
	CHECK(parse("devices --json\n", &r) && r.verb == CTL_DEVICES && r.json);
	CHECK(parse("quarantine 02:00:00:00:00:20 -- scanning the WAN\n", &r));
	CHECK_INT(r.verb, CTL_QUARANTINE);
	CHECK(r.dev.has_mac && r.dev.mac[5] == 0x20);
	CHECK_STR(r.reason, "scanning the WAN");
	CHECK(parse("degrade 192.168.50.10 telnet", &r) && r.verb == CTL_DEGRADE);
	CHECK_INT(r.port, 23);
	CHECK_INT(r.proto, IPPROTO_TCP);
	CHECK_INT(r.dev.n_ips, 1);
	CHECK(parse("degrade 192.168.50.10 53/udp", &r) && r.port == 53 && r.proto == IPPROTO_UDP);
	CHECK(parse("degrade 192.168.50.10 8080", &r) && r.port == 8080 && r.proto == 0);
	CHECK(parse("block fd00::7 2001:db8::1 -- flood", &r) && r.verb == CTL_BLOCK);
	CHECK_INT(r.target.family, KADDR_V6);
	CHECK(parse("lan-only 192.168.50.40", &r) && r.verb == CTL_LANONLY);
	CHECK(parse("release 02:00:00:00:00:20", &r) && r.verb == CTL_RELEASE);
	CHECK(parse("quarantine\t10.0.0.5  --  two  words ", &r));
	CHECK_STR(r.reason, "two  words"); /* trimmed */
	CHECK(parse("release 10.0.0.5 -- \x1b[31mred", &r));
	CHECK(strchr(r.reason, 0x1b) == NULL); /* control characters cleaned */
}

static void test_bad(void)
{
	struct ctl_request r;
	static const char *const bad[] = {
		"", "\n", "bogus", "quarantine", "quarantine a b", "quarantine nothing", "quarantine ff:ff:ff:ff:ff:ff",
		"quarantine 00:00:00:00:00:00", "quarantine 0.0.0.0", "quarantine 224.0.0.1", "degrade 10.0.0.1",
		"degrade 10.0.0.1 0", "degrade 10.0.0.1 65536", "degrade 10.0.0.1 23/sctp", "degrade 10.0.0.1 gopher",
		"degrade 10.0.0.1 -5", "block 10.0.0.1 nowhere", "block 10.0.0.1 0.0.0.0", "status extra",
		"status --json more", "lan-only 1 2 3 4 5 6", "release 10.0.0.1\nstatus",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		bool ok = parse(bad[i], &r);
		CHECK(!ok);
		if (ok)
			fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
	}
	char err[128];
	CHECK(!ctl_parse("status\0x", 8, &r, err, sizeof err)); /* embedded NUL */
	char *big = malloc(CTL_MAX_LINE + 10);
	memset(big, 'a', CTL_MAX_LINE + 9);
	memcpy(big, "status -- ", 10);
	CHECK(!ctl_parse(big, CTL_MAX_LINE + 9, &r, err, sizeof err));
	CHECK(ctl_parse(big, CTL_MAX_LINE, &r, err, sizeof err)); /* exactly the limit */
	free(big);
	uint16_t port;
	uint8_t proto;
	CHECK(ctl_parse_port("mqtt", &port, &proto) && port == 1883);
	CHECK(!ctl_parse_port("", &port, &proto));
}

static void test_config(void)
{
	struct config c;
	struct daemon_cfg d;
	char err[256];
	config_defaults(&c);
	FILE *f = fopen("/tmp/koban-test-daemon.conf", "w");
	fputs("daemon.interfaces = br-lan, eth1\ndaemon.uid = 12345\ndaemon.fail_mode = closed\n"
	      "enforce.quarantine = enforce\nenforce.auto.scan = quarantine\nenforce.auto.flood = block-target\n"
	      "ctl.gid = 4242\nmetrics.listen = off\n",
	      f);
	fclose(f);
	CHECK(config_load(&c, "/tmp/koban-test-daemon.conf", err, sizeof err));
	CHECK(daemon_cfg_read(&c, &d, err, sizeof err));
	CHECK_INT(d.n_ifaces, 2);
	CHECK_STR(d.ifaces[1], "eth1");
	CHECK_INT(d.uid, 12345);
	CHECK_INT(d.gid, 65534);
	CHECK(d.fail_closed);
	CHECK_INT(d.mode[ENF_QUARANTINE], ENF_ENFORCE);
	CHECK_INT(d.mode[ENF_LAN_ONLY], ENF_MONITOR);
	CHECK_INT(d.n_autos, 2);
	CHECK_STR(d.autos[0].kind, "scan");
	CHECK_INT(d.autos[1].action, ENF_BLOCK_TARGET);
	CHECK_INT(d.ctl_gid, 4242);
	CHECK(config_check_unused(&c, err, sizeof err));
	static const char *const bad[] = {
		"daemon.uid = 0\n", "daemon.fail_mode = maybe\n", "enforce.auto.scan = explode\n",
		"enforce.auto.scan = degrade\n", "daemon.interfaces = a b c d e f g h i\n", "enforce.mud = on\n",
		"daemon.interfaces = bad/name\n", "mud.fetch = yes\n", "daemon.state_dir = relative\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		f = fopen("/tmp/koban-test-daemon.conf", "w");
		fputs(bad[i], f);
		fclose(f);
		config_defaults(&c);
		bool ok = config_load(&c, "/tmp/koban-test-daemon.conf", err, sizeof err) &&
			  daemon_cfg_read(&c, &d, err, sizeof err);
		CHECK(!ok);
		if (ok)
			fprintf(stderr, "accepted: %s", bad[i]);
	}
	unlink("/tmp/koban-test-daemon.conf");
	/* the packaged default configuration loads */
	config_defaults(&c);
	CHECK(config_load(&c, "packaging/koban.conf", err, sizeof err));
	CHECK(daemon_cfg_read(&c, &d, err, sizeof err));
	CHECK_STR(d.ifaces[0], "br-lan");
	CHECK(!d.fail_closed && d.mode[ENF_QUARANTINE] == ENF_MONITOR && d.n_autos == 0);
	CHECK(config_check_unused(&c, err, sizeof err));
	struct kprefix nets[16];
	config_defaults(&c);
	CHECK_INT(daemon_local_nets(&c, nets, 16), 7);
}

static void test_ipc(void)
{
	static struct ipc_batch b;
	uint8_t frame[100];
	for (size_t i = 0; i < sizeof frame; i++)
		frame[i] = (uint8_t)i;
	struct ipc_pkt p = {.ts_us = 7, .caplen = 61, .wirelen = 1500, .linktype = 1};
	int n = 0;
	while (ipc_batch_add(&b, &p, frame))
		n++;
	CHECK(n > 100);
	CHECK(b.len <= IPC_BATCH_BYTES);
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
	int big = 1 << 20;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	CHECK(ipc_send(sv[0], IPC_PACKETS, b.buf + sizeof(struct ipc_hdr), b.len) == 0);
	uint8_t *buf = malloc(IPC_MAX_MSG);
	uint32_t type = 0;
	long len = ipc_recv(sv[1], buf, &type);
	CHECK_INT(type, IPC_PACKETS);
	CHECK_INT(len, (long)b.len);
	size_t off = 0;
	const uint8_t *data;
	const struct ipc_pkt *q;
	int got = 0;
	while (len > 0 && (q = ipc_batch_next(buf, (size_t)len, &off, &data)))
		got += q->caplen == 61 && q->ts_us == 7 && memcmp(data, frame, 61) == 0;
	CHECK_INT(got, n);
	CHECK_INT(ipc_recv(sv[1], buf, &type), -2); /* nothing more */
	/* a record claiming more than it holds ends the walk */
	struct ipc_pkt liar = {.caplen = 5000};
	memcpy(buf, &liar, sizeof liar);
	off = 0;
	CHECK(ipc_batch_next(buf, sizeof liar + 8, &off, &data) == NULL);
	/* strings from the child are terminated by the parent */
	struct ipc_device d;
	memset(&d, 'A', sizeof d);
	ipc_device_sanitize(&d);
	CHECK_INT(strlen(d.vendor), sizeof d.vendor - 1);
	CHECK(d.n_ips <= IPC_DEV_IPS && d.ips[0].family == 0 && d.has_mac == 1);
	struct ipc_event e;
	memset(&e, 0xff, sizeof e);
	ipc_event_sanitize(&e);
	CHECK(e.severity == 4 && strlen(e.kind) == sizeof e.kind - 1);
	close(sv[0]);
	CHECK_INT(ipc_recv(sv[1], buf, &type), -1); /* EOF */
	close(sv[1]);
	free(buf);
}

int main(void)
{
	test_good();
	test_bad();
	test_config();
	test_ipc();
	return test_summary();
}
