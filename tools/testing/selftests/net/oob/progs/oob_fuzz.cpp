// SPDX-License-Identifier: GPL-2.0
// oob-fuzz: a seeded fuzzer of oobnet's whole user surface, run in the test
// guest with the topology up and oobnet loaded.  Workers in every
// namespace of the topology open oob sockets of every kind and call them
// with random and malformed arguments (bind, connect, write, read, poll,
// the OOB_SIOC_* and OOBNET_SIOC_* ioctls, socket options, shutdown,
// close); a control worker writes the sysfs controls and the module
// parameters, flaps links, adds and deletes VLAN devices and tries to
// unload the module; injectors send random frames from the peers
// (truncated, bad checksums, overlapping fragments, wrong VLAN tags).
//
// Each worker draws from its own generator seeded from the run's seed, so
// the same seed replays the same operations; how the workers interleave is
// the scheduler's.  A worker's blocking calls are interrupted by a timer
// signal, so a call that does not return is a hang, not a slow call.
//
// The run fails when a worker crashes or hangs, or when, with every socket
// closed and the state of the start restored, a device's in-flight count or
// the oob skb head pool does not come back.  The console scan and kmemleak
// (later plan entries) see the rest.
//
//   oob-fuzz [--seed N] [--seconds S]
// Defaults come from the kernel command line (oob.fuzz.seed=,
// oob.fuzz.seconds=), else a seed from the clock and 60 s.
#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/net_oob.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <uapi/oobnet.h>
#include <unistd.h>

#include "oob/link.hpp"
#include "oob/mac.hpp"
#include "oob/netns.hpp"
#include "oob/oobnet.hpp"
#include "oob/process.hpp"
#include "oob/topology.hpp"

namespace {

using namespace std::chrono_literals;
namespace on = oob::oobnet;
using clock_type = std::chrono::steady_clock;

constexpr std::uint16_t raw_ethertype = 0x88b5; // the raw oob tests' type
constexpr std::uint16_t first_port = 9000;
constexpr unsigned ports = 4;
constexpr size_t max_fds = 8;
constexpr size_t max_frame = 1600;
constexpr auto grace = 60s; // past the deadline, a worker is hung

// What each worker is doing, in shared memory, so that the parent can name
// the operation a hung worker is stuck in.
struct slot {
	std::atomic<unsigned> op;
	std::atomic<unsigned long> ops;
	std::atomic<int> done;
};

enum op : unsigned {
	op_socket,
	op_bind,
	op_connect,
	op_write,
	op_sendmsg,
	op_read,
	op_recvmsg,
	op_poll,
	op_ioctl,
	op_sockopt,
	op_shutdown,
	op_close,
	op_port,
	op_diversion,
	op_param,
	op_flap,
	op_vlan,
	op_rmmod,
	op_inject,
	op_count
};

constexpr std::array<const char *, op_count> op_names{"socket",
						      "bind",
						      "connect",
						      "write",
						      "oob sendmsg",
						      "read",
						      "oob recvmsg",
						      "poll",
						      "ioctl",
						      "sockopt",
						      "shutdown",
						      "close",
						      "sysfs oob_port",
						      "sysfs oob_diversion",
						      "module parameter",
						      "link flap",
						      "vlan",
						      "rmmod",
						      "inject"};

class rng {
public:
	explicit rng(std::uint64_t seed) : g_(seed) {}
	std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : g_() % n; }
	bool one_in(std::uint64_t n) { return below(n) == 0; }
	template <typename T> const T &pick(std::span<const T> from)
	{
		return from[below(from.size())];
	}
	std::uint64_t raw() { return g_(); }
	void fill(std::span<std::byte> buf)
	{
		for (auto &b : buf)
			b = static_cast<std::byte>(g_());
	}

private:
	std::mt19937_64 g_;
};

// Pointers the kernel must handle: valid, NULL, unmapped, misaligned.
struct memory {
	std::array<std::byte, 4096> buf{};
	void *unmapped = nullptr;

	memory()
	{
		unmapped = ::mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		::munmap(unmapped, 4096);
	}
	void *pointer(rng &r)
	{
		switch (r.below(8)) {
		case 0:
			return nullptr;
		case 1:
			return unmapped;
		case 2:
			return reinterpret_cast<void *>(1);
		default:
			r.fill(buf);
			return buf.data() + r.below(16);
		}
	}
};

void on_alarm(int /*sig*/) {}

// Blocking calls return EINTR within the timer's period.
void interrupt_blocking_calls()
{
	struct sigaction sa {};
	sa.sa_handler = on_alarm; // no SA_RESTART
	::sigaction(SIGALRM, &sa, nullptr);
	itimerval t{{0, 20000}, {0, 20000}};
	::setitimer(ITIMER_REAL, &t, nullptr);
}

struct worker_ctx {
	unsigned id;
	rng r;
	slot &s;
	clock_type::time_point deadline;
	std::map<std::pair<unsigned, int>, unsigned long> outcomes; // (op, errno) -> count

	void did(op o, long ret)
	{
		s.op.store(o, std::memory_order_relaxed);
		++outcomes[{o, ret < 0 ? errno : 0}];
	}
	void doing(op o)
	{
		s.op.store(o, std::memory_order_relaxed);
		s.ops.fetch_add(1, std::memory_order_relaxed);
	}
	[[nodiscard]] bool more() const { return clock_type::now() < deadline; }

	void report() const
	{
		std::ostringstream line;
		line << "oob-fuzz: worker " << id << ":";
		for (const auto &[key, n] : outcomes)
			line << ' ' << op_names[key.first] << '/'
			     << (key.second == 0 ? "ok" : strerrorname(key.second)) << '=' << n;
		std::printf("%s\n", line.str().c_str());
	}
	static std::string strerrorname(int e)
	{
		const char *n = ::strerrorname_np(e);
		return n != nullptr ? n : std::to_string(e);
	}
};

// The addresses and ports oob sockets talk to: the topology's, broadcast,
// multicast, loopback, and nothing.
sockaddr_in some_ipv4(rng &r)
{
	static constexpr std::array<const char *, 9> hosts{
		"10.70.1.1", "10.70.1.2",   "10.70.2.1", "10.70.2.2", "10.70.1.255",
		"224.0.0.1", "10.70.101.2", "127.0.0.1", "0.0.0.0"};
	sockaddr_in a{};
	a.sin_family = r.one_in(16) ? AF_INET6 : AF_INET;
	a.sin_port = htons(static_cast<std::uint16_t>(r.one_in(8) ? r.below(65536)
								  : first_port + r.below(ports)));
	::inet_pton(AF_INET, hosts[r.below(hosts.size())], &a.sin_addr);
	return a;
}

sockaddr_ll some_ll(rng &r)
{
	sockaddr_ll a{};
	a.sll_family = r.one_in(16) ? AF_INET : AF_PACKET;
	a.sll_ifindex = static_cast<int>(r.below(8));
	a.sll_protocol = htons(r.one_in(2)   ? raw_ethertype
			       : r.one_in(2) ? static_cast<std::uint16_t>(ETH_P_ALL)
					     : static_cast<std::uint16_t>(r.raw()));
	a.sll_halen = r.one_in(8) ? static_cast<unsigned char>(r.below(9)) : ETH_ALEN;
	r.fill(std::as_writable_bytes(std::span(a.sll_addr)));
	if (r.one_in(2))
		std::memset(a.sll_addr, 0xff, ETH_ALEN);
	return a;
}

struct oob_fd {
	int fd = -1;
	bool packet = false;
};

void socket_ops(worker_ctx &w)
{
	interrupt_blocking_calls();
	memory mem;
	std::vector<oob_fd> fds;
	std::array<std::byte, max_frame> buf{};
	auto &r = w.r;
	while (w.more()) {
		const auto o = static_cast<unsigned>(r.below(op_close + 1));
		if (fds.empty() || o == op_socket) {
			w.doing(op_socket);
			const bool packet = r.one_in(2);
			int type = (packet ? SOCK_RAW : SOCK_DGRAM) | SOCK_OOB;
			if (r.one_in(3))
				type |= SOCK_NONBLOCK;
			if (r.one_in(16))
				type = static_cast<int>(r.raw()) | SOCK_OOB;
			const int proto = packet ? htons(r.one_in(2) ? raw_ethertype : ETH_P_ALL)
					  : r.one_in(16) ? static_cast<int>(r.below(300))
							 : 0;
			const int fd = ::socket(packet ? AF_PACKET : AF_INET, type, proto);
			w.did(op_socket, fd);
			if (fd >= 0) {
				if (fds.size() >= max_fds) {
					::close(fds.front().fd);
					fds.erase(fds.begin());
				}
				fds.push_back({fd, packet});
			}
			continue;
		}
		const oob_fd &f = fds[r.below(fds.size())];
		long ret = 0;
		w.doing(static_cast<op>(o));
		switch (o) {
		case op_bind:
		case op_connect: {
			sockaddr_storage ss{};
			socklen_t len = 0;
			if (f.packet) {
				auto a = some_ll(r);
				std::memcpy(&ss, &a, sizeof(a));
				len = sizeof(a);
			} else {
				auto a = some_ipv4(r);
				std::memcpy(&ss, &a, sizeof(a));
				len = sizeof(a);
			}
			if (r.one_in(8))
				len = static_cast<socklen_t>(r.below(sizeof(ss) + 1));
			const auto *sa = reinterpret_cast<const sockaddr *>(&ss);
			ret = o == op_bind ? ::bind(f.fd, sa, len) : ::connect(f.fd, sa, len);
			break;
		}
		case op_write:
			r.fill(buf);
			ret = ::write(f.fd, r.one_in(16) ? mem.pointer(r) : buf.data(),
				      r.below(max_frame));
			break;
		case op_sendmsg:
		case op_recvmsg: {
			auto a = some_ipv4(r);
			iovec iov{buf.data(), r.below(max_frame)};
			oob_msghdr m{};
			m.iov = reinterpret_cast<std::uintptr_t>(r.one_in(8) ? mem.pointer(r)
									     : &iov);
			m.iovlen = r.one_in(8) ? static_cast<__u32>(r.below(2000)) : 1;
			m.name =
				reinterpret_cast<std::uintptr_t>(r.one_in(2) ? &a : mem.pointer(r));
			m.namelen = r.one_in(4) ? static_cast<__u32>(r.below(64)) : sizeof(a);
			m.ctl = r.one_in(4) ? reinterpret_cast<std::uintptr_t>(mem.pointer(r)) : 0;
			m.ctllen = m.ctl != 0 ? static_cast<__u32>(r.below(256)) : 0;
			m.flags = r.one_in(4) ? static_cast<__u32>(r.raw()) : 0;
			// Never 0 ("forever"): the timer would still end it, but
			// a short wait keeps the worker busy.
			static constexpr std::array<__s64, 5> timeouts{-1, 1000, 1000000, 5000000,
								       -5};
			m.timeout_ns = timeouts[r.below(timeouts.size())];
			ret = ::ioctl(f.fd, o == op_sendmsg ? OOB_SIOC_SENDMSG : OOB_SIOC_RECVMSG,
				      r.one_in(16) ? mem.pointer(r) : &m);
			break;
		}
		case op_read:
			ret = ::read(f.fd, r.one_in(16) ? mem.pointer(r) : buf.data(),
				     r.below(max_frame));
			break;
		case op_poll: {
			pollfd p{f.fd, static_cast<short>(r.raw()), 0};
			ret = ::poll(&p, 1, static_cast<int>(r.below(5)));
			break;
		}
		case op_ioctl: {
			static constexpr std::array<unsigned long, 6> cmds{
				OOB_SIOC_SENDMSG,    OOB_SIOC_RECVMSG, OOBNET_SIOC_SET_RX_PROG,
				OOBNET_SIOC_SOLICIT, FIONREAD,	       SIOCGIFINDEX};
			unsigned long cmd = cmds[r.below(cmds.size())];
			if (r.one_in(4))
				cmd = _IOC(r.below(4), 0x8F, r.below(0x20), r.below(64));
			oobnet_rx_prog prog{static_cast<__s32>(r.below(8)),
					    static_cast<__s32>(r.one_in(2) ? -1 : r.below(64))};
			auto a = some_ipv4(r);
			void *arg = cmd == OOBNET_SIOC_SET_RX_PROG ? static_cast<void *>(&prog)
				    : cmd == OOBNET_SIOC_SOLICIT ? static_cast<void *>(&a.sin_addr)
								 : mem.pointer(r);
			ret = ::ioctl(f.fd, cmd, r.one_in(8) ? mem.pointer(r) : arg);
			break;
		}
		case op_sockopt: {
			static constexpr std::array<std::pair<int, int>, 9> opts{{
				{SOL_SOCKET, SO_RCVBUF},
				{SOL_SOCKET, SO_SNDBUF},
				{SOL_SOCKET, SO_TIMESTAMPNS},
				{SOL_SOCKET, SO_TIMESTAMP},
				{SOL_SOCKET, SO_BROADCAST},
				{SOL_SOCKET, SO_TIMESTAMPING},
				{IPPROTO_IP, IP_MTU_DISCOVER},
				{IPPROTO_IP, IP_MULTICAST_IF},
				{SOL_PACKET, PACKET_ADD_MEMBERSHIP},
			}};
			const auto [level, name] = opts[r.below(opts.size())];
			int v = static_cast<int>(r.one_in(2) ? r.below(1 << 20) : r.raw());
			socklen_t len =
				r.one_in(8) ? static_cast<socklen_t>(r.below(64)) : sizeof(v);
			ret = r.one_in(3) ? ::getsockopt(f.fd, level, name, &v, &len)
					  : ::setsockopt(f.fd, level, name,
							 r.one_in(16) ? mem.pointer(r) : &v, len);
			break;
		}
		case op_shutdown:
			ret = ::shutdown(f.fd, static_cast<int>(r.below(4)));
			break;
		case op_close:
		default:
			ret = ::close(f.fd);
			std::erase_if(fds, [&](const oob_fd &x) { return x.fd == f.fd; });
			break;
		}
		w.did(static_cast<op>(o), ret);
	}
	for (const auto &f : fds)
		::close(f.fd);
}

// The frames a peer may send: oob and in-band, well and badly formed.
size_t some_frame(rng &r, std::span<std::byte> buf, const oob::mac_address &dst,
		  const oob::mac_address &src, const std::string &dst_ip)
{
	r.fill(buf);
	auto *p = reinterpret_cast<unsigned char *>(buf.data());
	std::memcpy(p, dst.data(), 6);
	std::memcpy(p + 6, src.data(), 6);
	size_t off = 12;
	if (r.one_in(3)) { // 802.1Q, the picked VLAN or another
		const unsigned vid = r.one_in(2) ? 100 : static_cast<unsigned>(r.below(4096));
		p[off] = 0x81;
		p[off + 1] = 0x00;
		p[off + 2] = static_cast<unsigned char>(vid >> 8);
		p[off + 3] = static_cast<unsigned char>(vid);
		off += 4;
	}
	const auto kind = static_cast<unsigned>(r.below(3));
	if (kind == 0) { // the raw oob tests' ethertype
		p[off] = raw_ethertype >> 8;
		p[off + 1] = raw_ethertype & 0xff;
		return off + 2 + r.below(buf.size() - off - 2);
	}
	if (kind == 1) // anything
		return r.below(buf.size());
	// IPv4 UDP to an oob port: lengths, checksums and fragments at random.
	p[off] = 0x08;
	p[off + 1] = 0x00;
	off += 2;
	auto *ip = p + off;
	const size_t payload = r.below(1400);
	ip[0] = r.one_in(8) ? static_cast<unsigned char>(r.raw()) : 0x45;
	const unsigned tot = r.one_in(8) ? static_cast<unsigned>(r.below(65536))
					 : static_cast<unsigned>(28 + payload);
	ip[2] = static_cast<unsigned char>(tot >> 8);
	ip[3] = static_cast<unsigned char>(tot);
	ip[4] = 0x12; // id: every fragment of a run shares few ids, so they overlap
	ip[5] = static_cast<unsigned char>(r.below(4));
	unsigned frag = 0;
	if (r.one_in(3))
		frag = (r.one_in(2) ? 0x2000 : 0) | static_cast<unsigned>(r.below(200));
	ip[6] = static_cast<unsigned char>(frag >> 8);
	ip[7] = static_cast<unsigned char>(frag);
	ip[8] = 64;
	ip[9] = static_cast<unsigned char>(r.one_in(8) ? r.raw() : std::uint64_t{IPPROTO_UDP});
	ip[10] = ip[11] = 0;
	in_addr d{};
	::inet_pton(AF_INET, dst_ip.c_str(), &d);
	std::memcpy(ip + 16, &d, 4);
	if (!r.one_in(4)) { // a right header checksum, most of the time
		unsigned sum = 0;
		for (int i = 0; i < 20; i += 2)
			sum += static_cast<unsigned>(ip[i] << 8 | ip[i + 1]);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		ip[10] = static_cast<unsigned char>(~sum >> 8);
		ip[11] = static_cast<unsigned char>(~sum);
	}
	auto *udp = ip + 20;
	const unsigned dport = first_port + static_cast<unsigned>(r.below(ports));
	udp[2] = static_cast<unsigned char>(dport >> 8);
	udp[3] = static_cast<unsigned char>(dport);
	const auto ulen = static_cast<unsigned>(r.one_in(8) ? r.below(65536) : 8 + payload);
	udp[4] = static_cast<unsigned char>(ulen >> 8);
	udp[5] = static_cast<unsigned char>(ulen);
	return std::min(buf.size(), off + 28 + payload - (r.one_in(8) ? r.below(30) : 0));
}

oob::mac_address mac_of(const std::string &netns, const std::string &dev)
{
	return oob::parse_mac(on::sysfs_read(netns, "/sys/class/net/" + dev + "/address"));
}

// Sends random frames from one end of a wire to the other, in-band.
void inject(worker_ctx &w, const oob::topology::pair &pr)
{
	const std::string from_ns(pr.a.netns);
	const std::string from(pr.a.name);
	const auto dst = mac_of(std::string(pr.b.netns), std::string(pr.b.name));
	const auto src = mac_of(from_ns, from);
	oob::netns::scoped_enter in(from_ns);
	const auto dev = oob::link::by_name(from);
	if (!dev)
		throw std::runtime_error("no " + from + " in " + from_ns);
	const int fd = ::socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		throw std::system_error(errno, std::generic_category(), "packet socket");
	sockaddr_ll to{};
	to.sll_family = AF_PACKET;
	to.sll_ifindex = dev->ifindex;
	to.sll_halen = ETH_ALEN;
	std::array<std::byte, 1514> frame{};
	while (w.more()) {
		w.doing(op_inject);
		const size_t len = std::max<size_t>(
			14, some_frame(w.r, frame, dst, src, std::string(pr.b.ipv4)));
		w.did(op_inject, ::sendto(fd, frame.data(), len, 0,
					  reinterpret_cast<const sockaddr *>(&to), sizeof(to)));
		if (w.r.one_in(64))
			std::this_thread::sleep_for(1ms);
	}
	::close(fd);
}

int run_ip(const std::vector<std::string> &args)
{
	std::vector<std::string> argv{"/usr/sbin/ip"};
	argv.insert(argv.end(), args.begin(), args.end());
	oob::child c(argv, {});
	return c.wait(30s).code;
}

void control(worker_ctx &w)
{
	auto &r = w.r;
	static constexpr std::array<const char *, 9> values{
		"0", "1", "1", "2", "-1", "", "on", "99999999999999999999", "1 1"};
	static constexpr std::array<std::pair<const char *, const char *>, 12> params{{
		{"vlans", "100"},
		{"vlans", "100,200"},
		{"vlans", "1-4094"},
		{"vlans", "4095"},
		{"vlans", "100-50"},
		{"vlans", "abc"},
		{"vlans", ""},
		{"pool_max", "16"},
		{"pool_max", "0"},
		{"pool_max", "5000"},
		{"frag_timeout_ms", "1"},
		{"frag_timeout_ms", "0"},
	}};
	while (w.more()) {
		const auto &pr = oob::topology::pairs[r.below(2)];
		const auto &end = r.one_in(2) ? pr.a : pr.b;
		const std::string ns(end.netns);
		const std::string dev(end.name);
		const auto pick = static_cast<unsigned>(r.below(100));
		try {
			if (pick < 30) {
				w.doing(op_port);
				on::sysfs_write(ns, "/sys/class/net/" + dev + "/oob_port",
						values[r.below(values.size())]);
				w.did(op_port, 0);
			} else if (pick < 40) {
				w.doing(op_diversion);
				on::sysfs_write(ns, "/sys/class/net/" + dev + "/oob_diversion",
						values[r.below(3)]);
				w.did(op_diversion, 0);
			} else if (pick < 60) {
				w.doing(op_param);
				const auto &[name, value] = params[r.below(params.size())];
				std::ofstream f(std::string("/sys/module/oobnet/parameters/") +
						name);
				f << value << std::flush;
				w.did(op_param, f ? 0 : -1);
			} else if (pick < 75) {
				w.doing(op_flap);
				const int down = run_ip({"-n", ns, "link", "set", dev, "down"});
				std::this_thread::sleep_for(std::chrono::milliseconds(r.below(50)));
				const int up = run_ip({"-n", ns, "link", "set", dev, "up"});
				errno = EIO;
				w.did(op_flap, down == 0 && up == 0 ? 0 : -1);
			} else if (pick < 92) {
				w.doing(op_vlan);
				const std::string vid =
					std::to_string(r.one_in(2) ? 100 : 2 + r.below(8));
				std::string vdev = dev;
				vdev.append(".").append(vid);
				int rc = run_ip({"-n", ns, "link", "add", "link", dev, "name", vdev,
						 "type", "vlan", "id", vid});
				if (rc == 0) {
					run_ip({"-n", ns, "link", "set", vdev, "up"});
					if (r.one_in(2))
						try {
							on::sysfs_write(ns,
									"/sys/class/net/" + vdev +
										"/oob_port",
									"1");
						} catch (const std::exception &) {
						}
					std::this_thread::sleep_for(
						std::chrono::milliseconds(r.below(100)));
					rc = run_ip({"-n", ns, "link", "del", vdev});
				}
				errno = EIO;
				w.did(op_vlan, rc == 0 ? 0 : -1);
			} else {
				w.doing(op_rmmod);
				const long ret = ::syscall(SYS_delete_module, "oobnet", O_NONBLOCK);
				w.did(op_rmmod, ret);
				if (ret == 0) {
					const int fd = ::open("/lib/modules/oobnet.ko", O_RDONLY);
					const long ins = ::syscall(SYS_finit_module, fd, "", 0);
					::close(fd);
					if (ins != 0)
						throw std::system_error(errno,
									std::generic_category(),
									"oobnet.ko back in");
				}
			}
		} catch (const std::system_error &e) {
			errno = e.code().value();
			w.did(static_cast<op>(w.s.op.load()), -1);
		}
	}
}

// What the run must leave as it found it.
struct state {
	struct device {
		std::string netns;
		std::string name;
		std::string port;      // 0|1
		std::string diversion; // 0|1
	};
	std::vector<device> devices;
	std::map<std::string, std::string> params; // name -> value
};

std::string trim(std::string s)
{
	while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
		s.pop_back();
	return s;
}

std::string control_path(const std::string &dev, const char *what)
{
	return "/sys/class/net/" + dev + "/" + what;
}

state snapshot()
{
	state s;
	for (const auto &pr : oob::topology::pairs)
		for (const auto &end : {pr.a, pr.b}) {
			state::device d{std::string(end.netns), std::string(end.name), {}, {}};
			d.port = trim(on::sysfs_read(d.netns, control_path(d.name, "oob_port")));
			d.diversion = trim(
				on::sysfs_read(d.netns, control_path(d.name, "oob_diversion")));
			s.devices.push_back(std::move(d));
		}
	for (const char *p : {"vlans", "pool_max", "frag_timeout_ms"})
		s.params[p] =
			trim(on::sysfs_read({}, std::string("/sys/module/oobnet/parameters/") + p));
	return s;
}

void restore(const state &s)
{
	if (::access("/sys/module/oobnet", F_OK) != 0) {
		const int fd = ::open("/lib/modules/oobnet.ko", O_RDONLY);
		if (::syscall(SYS_finit_module, fd, "", 0) != 0)
			throw std::system_error(errno, std::generic_category(),
						"oobnet.ko back in");
		::close(fd);
	}
	for (const auto &[name, value] : s.params)
		on::sysfs_write({}, "/sys/module/oobnet/parameters/" + name,
				value.empty() ? "\n" : value);
	for (const auto &d : s.devices) {
		run_ip({"-n", d.netns, "link", "set", d.name, "up"});
		on::sysfs_write(d.netns, control_path(d.name, "oob_port"), d.port);
		if (trim(on::sysfs_read(d.netns, control_path(d.name, "oob_diversion"))) !=
		    d.diversion)
			on::sysfs_write(d.netns, control_path(d.name, "oob_diversion"),
					d.diversion);
	}
}

template <typename F> pid_t spawn(F body)
{
	const pid_t pid = ::fork();
	if (pid == 0) {
		int code = 0;
		try {
			body();
		} catch (const std::exception &e) {
			std::printf("oob-fuzz: FAIL worker: %s\n", e.what());
			code = 1;
		}
		std::fflush(stdout);
		::_exit(code);
	}
	if (pid < 0)
		throw std::system_error(errno, std::generic_category(), "fork");
	return pid;
}

} // namespace

int main(int argc, char **argv)
{
	std::uint64_t seed = std::stoull(
		oob::kernel_arg("oob.fuzz.seed")
			.value_or(std::to_string(clock_type::now().time_since_epoch().count() %
						 1000000)));
	unsigned seconds = static_cast<unsigned>(
		std::stoul(oob::kernel_arg("oob.fuzz.seconds").value_or("60")));
	for (int i = 1; i + 1 < argc; i += 2) {
		if (std::strcmp(argv[i], "--seed") == 0)
			seed = std::stoull(argv[i + 1]);
		else if (std::strcmp(argv[i], "--seconds") == 0)
			seconds = static_cast<unsigned>(std::stoul(argv[i + 1]));
	}
	std::printf("oob-fuzz: seed %llu, %u s (replay: oob.fuzz.seed=%llu)\n",
		    static_cast<unsigned long long>(seed), seconds,
		    static_cast<unsigned long long>(seed));
	std::fflush(stdout);

	try {
		const state before = snapshot();
		const long long heads = on::settled_oob_heads();
		const auto deadline = clock_type::now() + std::chrono::seconds(seconds);

		constexpr unsigned socket_workers = 4;
		constexpr unsigned workers = socket_workers + 1 + 2; // sockets, control, injectors
		auto *slots = static_cast<slot *>(::mmap(nullptr, sizeof(slot) * workers,
							 PROT_READ | PROT_WRITE,
							 MAP_SHARED | MAP_ANONYMOUS, -1, 0));
		std::vector<pid_t> pids;
		for (unsigned id = 0; id < workers; ++id) {
			new (&slots[id]) slot{};
			worker_ctx w{id, rng(seed * 1000003 + id), slots[id], deadline, {}};
			pids.push_back(spawn([w, id]() mutable {
				if (id < socket_workers) {
					const auto &pr = oob::topology::pairs[id / 2];
					oob::netns::scoped_enter in(
						std::string(id % 2 ? pr.b.netns : pr.a.netns));
					socket_ops(w);
				} else if (id == socket_workers) {
					control(w);
				} else {
					inject(w, oob::topology::pairs[id - socket_workers - 1]);
				}
				w.report();
			}));
		}

		bool ok = true;
		for (unsigned id = 0; id < workers; ++id) {
			int st = 0;
			pid_t got = 0;
			while ((got = ::waitpid(pids[id], &st, WNOHANG)) == 0 &&
			       clock_type::now() < deadline + grace)
				std::this_thread::sleep_for(50ms);
			if (got == 0) {
				std::printf("oob-fuzz: FAIL worker %u hung in %s after %lu ops\n",
					    id, op_names[slots[id].op.load()],
					    slots[id].ops.load());
				::kill(pids[id], SIGKILL);
				::waitpid(pids[id], &st, 0);
				ok = false;
			} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
				std::printf(
					"oob-fuzz: FAIL worker %u ended with status %#x in %s\n",
					id, st, op_names[slots[id].op.load()]);
				ok = false;
			}
		}

		restore(before);
		// Fragments the companion left in-band wait in the in-band
		// reassembly queues of their namespace until they expire
		// (net.ipv4.ipfrag_time, 30 s): wait that long for their heads.
		long long after = on::oob_heads_back(heads);
		for (int i = 0; i < 3 && after != heads; ++i)
			after = on::oob_heads_back(heads);
		std::printf("oob-fuzz: free oob skb heads %lld before, %lld after\n", heads, after);
		if (after != heads) {
			std::printf("oob-fuzz: FAIL the oob skb head pool did not come back\n");
			ok = false;
		}
		for (const auto &pr : oob::topology::pairs)
			for (const auto &end : {pr.a, pr.b}) {
				oob::netns::scoped_enter in(std::string(end.netns));
				const auto c = on::device_counters(std::string(end.name));
				const long long inflight = on::value_of(c, "inflight");
				if (inflight > 0) {
					std::printf("oob-fuzz: FAIL %s: %lld buffers in flight\n",
						    std::string(end.name).c_str(), inflight);
					ok = false;
				}
			}
		std::printf("oob-fuzz: %s (seed %llu)\n", ok ? "ok" : "FAIL",
			    static_cast<unsigned long long>(seed));
		return ok ? 0 : 1;
	} catch (const std::exception &e) {
		std::printf("oob-fuzz: FAIL %s (seed %llu)\n", e.what(),
			    static_cast<unsigned long long>(seed));
		return 1;
	}
}
