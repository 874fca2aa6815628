// SPDX-License-Identifier: GPL-2.0
// oob-udp-check: UDP over IPv4 oob sockets across a wire, as a user sees
// them.  Prints one line per check and exits 1 if any failed.
//
//   oob-udp-check pingpong NS_A DEV_A IP_A NS_B DEV_B IP_B COUNT
//       COUNT oob datagram round trips from IP_A (a connected socket) to an
//       echo bound to port 9000 on IP_B's side, each followed by an in-band
//       UDP round trip on the same link; then a broadcast and a multicast
//       datagram to the echo's port; the counters must match exactly.
//   oob-udp-check pingpong-prog NS_A DEV_A IP_A NS_B DEV_B IP_B COUNT
//       pingpong with an RX program on both real devices taking UDP to
//       port 9000 and leaving everything else in-band: selection by eBPF.
//   oob-udp-check neigh NS_A DEV_A IP_A NS_B DEV_B IP_B
//       With A's neighbour cache flushed, the first datagram goes through
//       the in-band IP output (tx_noneigh counts it) and still arrives;
//       the next one finds the neighbour cached; after another flush,
//       OOBNET_SIOC_SOLICIT resolves it ahead of the third.
//   oob-udp-check timestamps NS_A IP_A NS_B DEV_B IP_B
//       SO_TIMESTAMPNS gives an oob receive its time, SO_TIMESTAMPING a
//       send its software transmit time on the error queue; both fall
//       between the send and the receive.
//   oob-udp-check frags NS_A DEV_A IP_A NS_B DEV_B IP_B
//       Datagrams over the MTU go in fragments and come back whole, oob to
//       oob and oob to an in-band echo and back; IP_PMTUDISC_DO forbids
//       them (EMSGSIZE); a lone fragment expires on the far side.
//   oob-udp-check errors NS IP_PEER
//       The documented errors of UDP oob sockets; IP_PEER is reached
//       through an oob port of NS.
//   oob-udp-check eintr NS IP
//       A reader blocked in read() or OOB_SIOC_RECVMSG on a socket bound to
//       IP gets EINTR from a signal caught without SA_RESTART.
//   oob-udp-check shutdown NS IP IP_PEER
//       Another thread's shutdown(SHUT_RD) wakes a reader blocked in read()
//       or OOB_SIOC_RECVMSG with 0 bytes, as in-band; poll() then says
//       POLLRDHUP; after SHUT_WR, sends fail with EPIPE.
//   oob-udp-check ipsec NS IP IP_PEER
//       With an IPsec (ESP) policy covering UDP from IP to IP_PEER's
//       discard port, an oob send there fails with EPERM instead of
//       leaving in clear; one to another port goes, as does an in-band one
//       the policy covers; without the policy the oob send goes again.
//   oob-udp-check inband-hold NS_A IP_A NS_B IP_B COUNT
//       COUNT in-band datagrams to an in-band socket on IP_B's side that
//       does not read: with B's device diverted, each came on an oob skb
//       head, yet the socket holding them holds none of those heads (the
//       relay handed the stack clones).
//   oob-udp-check msg-flags NS IP_PEER
//       OOB_SIOC_SENDMSG and RECVMSG refuse oob_msghdr flags other than
//       MSG_DONTWAIT and MSG_TRUNC with EINVAL, and send nothing; those
//       two work.  IP_PEER is reached through an oob port of NS.
//   oob-udp-check rcvbuf NS_A IP_A NS_B DEV_B IP_B
//       A receiver on IP_B's side that does not read, with a small
//       SO_RCVBUF: of 64 datagrams it holds what fits in it, and exactly
//       the rest is dropped, counted in the socket's rx_drop and DEV_B's
//       rx_drop_rcvbuf.
//   oob-udp-check sndbuf NS_A DEV_A IP_A IP_B
//       SO_SNDBUF bounds what a sender has in flight: with DEV_A's relay
//       thread held off (a stock driver only), non-blocking sends stop with
//       EAGAIN while the pool has room (tx_nobuf unchanged), after one
//       datagram with the smallest SO_SNDBUF, after about SO_SNDBUF/2 bytes
//       of buffers with 64 KiB; a blocking send then goes.
//   oob-udp-check frag-timeout NS_A DEV_A IP_A NS_B DEV_B IP_B
//       frag_timeout_ms over its range is clamped to 30 s: a lone fragment
//       outlives the default second and 20 s, and expires within 45 s.
//   oob-udp-check batch NS_A DEV_A IP_A NS_B IP_B
//       OOBNET_SIOC_SENDMMSG sends 40 datagrams in one call, in order;
//       OOBNET_SIOC_RECVMMSG takes them 16 at a time (16, 16, 8, then
//       EAGAIN), each with its length, a short buffer's with MSG_TRUNC;
//       an empty queue waits for the batch's timeout (ETIMEDOUT); a bad
//       entry after the first ends the batch there, the first one's error
//       is the call's (EFAULT); bad vlen, flags, reserved and entry flags
//       are EINVAL and send nothing.  With DEV_A oob-capable, the idle
//       sends went out from the sender itself (tx_direct).
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <csignal>
#include <ctime>
#include <fstream>
#include <functional>
#include <future>
#include <span>
#include <optional>
#include <atomic>
#include <tuple>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/net_oob.h>
#include <uapi/oobnet.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oob/check.hpp"
#include "oob/echo.hpp"
#include "oob/fd.hpp"
#include "oob/link.hpp"
#include "oob/mac.hpp"
#include "oob/netns.hpp"
#include "oob/oobnet.hpp"
#include "oob/process.hpp"
#include "oob/sched.hpp"

namespace {

using namespace std::chrono_literals;
namespace on = oob::oobnet;
using oob::checks::check;
using oob::checks::expect_errno;
using oob::oobnet::delta;
using oob::oobnet::value_of;

constexpr std::uint16_t oob_port = 9000;
constexpr std::uint16_t inband_port = 7777;
constexpr std::size_t payload_len = 64;
constexpr auto wait_limit = 5s;
constexpr std::size_t max_datagram = 65507;

std::vector<std::byte> payload(std::uint32_t seq)
{
	std::vector<std::byte> p(payload_len);
	for (std::size_t i = 0; i < p.size(); i++)
		p[i] = static_cast<std::byte>(std::size_t{seq} * 7 + i);
	const std::uint32_t nseq = htonl(seq);
	std::memcpy(p.data(), &nseq, sizeof(nseq));
	return p;
}

std::string address_of(const on::received &r)
{
	sockaddr_in sin{};
	std::memcpy(&sin, &r.from, sizeof(sin));
	std::array<char, INET_ADDRSTRLEN> buf{};
	::inet_ntop(AF_INET, &sin.sin_addr, buf.data(), buf.size());
	return std::string(buf.data()) + ":" + std::to_string(ntohs(sin.sin_port));
}

// The far end: an oob echo on oob_port, COUNT + extra datagrams.
struct echo_end {
	std::promise<void> ready;
	long long rx = -1, tx = -1;
	on::counters before, after;
	std::vector<std::string> extra_from; // sources of the datagrams not echoed
	std::string error;
};

void run_echo(echo_end &e, const std::string &ns, const std::string &dev, int count, int extra)
{
	try {
		const oob::netns::scoped_enter in(ns);
		on::udp_socket s;
		s.bind("0.0.0.0", oob_port);
		e.before = on::device_counters(dev);
		e.ready.set_value();
		std::vector<std::byte> buf(max_datagram);
		for (int i = 0; i < count; i++) {
			const auto r = s.recv(buf, on::timeout::after(wait_limit));
			sockaddr_in from{};
			std::memcpy(&from, &r.from, sizeof(from));
			s.send(std::span(buf.data(), r.length), on::timeout::forever(),
			       reinterpret_cast<const sockaddr *>(&from), sizeof(from));
		}
		for (int i = 0; i < extra; i++)
			e.extra_from.push_back(
				address_of(s.recv(buf, on::timeout::after(wait_limit))));
		const auto sc = on::socket_counters(s.inode());
		e.rx = value_of(sc, "rx");
		e.tx = value_of(sc, "tx");
		e.after = on::device_counters(dev);
	} catch (const std::exception &ex) {
		e.error = ex.what();
		try {
			e.ready.set_exception(std::current_exception());
		} catch (const std::future_error &) {
			// Set already.
		}
	}
}

// The directed broadcast address of a /24.
std::string broadcast_of(const std::string &ip)
{
	return ip.substr(0, ip.rfind('.')) + ".255";
}

int pingpong(const std::string &ns_a, const std::string &dev_a, const std::string &ip_a,
	     const std::string &ns_b, const std::string &dev_b, const std::string &ip_b, int count)
{
	echo_end far;
	auto far_ready = far.ready.get_future();
	std::thread echo(run_echo, std::ref(far), ns_b, dev_b, count, 2);
	std::optional<oob::inband_udp_echo> inband;
	inband.emplace(ns_b, inband_port);

	int oob_ok = 0, inband_ok = 0;
	long long rx = -1, tx = -1;
	std::string from;
	on::counters before, after;
	try {
		const oob::netns::scoped_enter in(ns_a);
		on::udp_socket s;
		s.bind(ip_a, 0);
		s.connect(ip_b, oob_port);
		oob::unique_fd udp(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
		timeval tv{5, 0};
		oob::check_syscall("SO_RCVTIMEO", ::setsockopt, udp.get(), SOL_SOCKET, SO_RCVTIMEO,
				   &tv, sizeof(tv));
		const auto to = on::ipv4_address(ip_b, inband_port);
		far_ready.get();
		before = on::device_counters(dev_a);
		std::array<std::byte, 2048> buf{};
		for (int i = 0; i < count; i++) {
			const auto p = payload(static_cast<std::uint32_t>(i));
			s.send(p);
			const auto r = s.recv(buf, on::timeout::after(wait_limit));
			from = address_of(r);
			oob_ok +=
				r.length == p.size() && !r.truncated &&
						std::memcmp(buf.data(), p.data(), p.size()) == 0 &&
						from == ip_b + ":" + std::to_string(oob_port)
					? 1
					: 0;
			const std::uint32_t seq = htonl(static_cast<std::uint32_t>(i));
			::sendto(udp.get(), &seq, sizeof(seq), 0,
				 reinterpret_cast<const sockaddr *>(&to), sizeof(to));
			std::uint32_t back = 0;
			if (::recv(udp.get(), &back, sizeof(back), 0) == sizeof(back) &&
			    back == seq)
				inband_ok++;
		}
		const auto sc = on::socket_counters(s.inode());
		rx = value_of(sc, "rx");
		tx = value_of(sc, "tx");
		after = on::device_counters(dev_a);

		// A broadcast needs SO_BROADCAST; a multicast to all-hosts.
		on::udp_socket b;
		b.bind(ip_a, 0);
		const auto p = payload(0);
		expect_errno("broadcast without SO_BROADCAST", EACCES,
			     [&] { b.send_to(p, broadcast_of(ip_b), oob_port); });
		b.set_broadcast(true);
		b.send_to(p, broadcast_of(ip_b), oob_port);
		const auto mif = on::ipv4_address(ip_a, 0).sin_addr;
		oob::check_syscall("IP_MULTICAST_IF", ::setsockopt, b.fd(), IPPROTO_IP,
				   IP_MULTICAST_IF, &mif, sizeof(mif));
		b.send_to(p, "224.0.0.1", oob_port);
	} catch (const std::exception &ex) {
		check(false, std::string("near end: ") + ex.what());
	}
	echo.join();
	inband.reset();
	if (!far.error.empty())
		check(false, "far end: " + far.error);

	const std::string n = std::to_string(count);
	check(oob_ok == count, "oob datagram round trips " + ip_a + " <-> " + ip_b + ": " +
				       std::to_string(oob_ok) + "/" + n + " intact (last from " +
				       from + ")");
	check(inband_ok == count,
	      "in-band UDP round trips alongside: " + std::to_string(inband_ok) + "/" + n);
	check(rx == count && tx == count, "near socket counted rx " + std::to_string(rx) + " tx " +
						  std::to_string(tx) + " (want " + n + ")");
	check(far.rx == count + 2 && far.tx == count,
	      "far socket counted rx " + std::to_string(far.rx) + " tx " + std::to_string(far.tx) +
		      " (want " + std::to_string(count + 2) + " " + n + ")");
	check(far.extra_from.size() == 2,
	      "the far end took the broadcast and the multicast datagram (" +
		      std::to_string(far.extra_from.size()) + ")");
	for (const auto &[dev, b, a] :
	     {std::tuple{dev_a, &before, &after}, std::tuple{dev_b, &far.before, &far.after}}) {
		long long dropped = 0;
		for (const char *k : {"rx_drop_vlan", "rx_drop_backlog", "rx_drop_nosock",
				      "rx_drop_rcvbuf", "rx_drop_csum", "tx_drop"})
			dropped += delta(*b, *a, k);
		const bool far_end = dev == dev_b;
		const long long want_rx = far_end ? count + 2 : count;
		const auto [sent, other] = on::sent_by_stage(*b, *a);
		check(delta(*b, *a, "rx_picked") == want_rx && sent == count && other == 0 &&
			      dropped == 0 && delta(*b, *a, "rx_inband") >= count,
		      dev + " counted rx_picked " + std::to_string(delta(*b, *a, "rx_picked")) +
			      " " + on::send_stage(*a) + " " + std::to_string(sent) +
			      " (other stage " + std::to_string(other) + ") drops " +
			      std::to_string(dropped) + " rx_inband " +
			      std::to_string(delta(*b, *a, "rx_inband")));
	}
	return oob::checks::exit_code();
}

// Accepts IPv4 UDP from or to oob_port (header without options), leaves
// the rest in-band.
std::vector<bpf_insn> udp_port_picker()
{
	const auto ld_abs = [](int size, std::int32_t off) {
		return bpf_insn{static_cast<std::uint8_t>(BPF_LD | BPF_ABS | size), 0, 0, 0, off};
	};
	const auto jump = [](int op, std::int32_t imm, std::int16_t skip) {
		return bpf_insn{static_cast<std::uint8_t>(BPF_JMP | op | BPF_K), BPF_REG_0, 0, skip,
				imm};
	};
	const auto mov = [](std::int32_t v) {
		return bpf_insn{BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, v};
	};
	const bpf_insn exit_insn{BPF_JMP | BPF_EXIT, 0, 0, 0, 0};
	// Jump offsets count from the next instruction: accept is at 11,
	// in-band at 13.
	return {
		bpf_insn{BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0},
		ld_abs(BPF_H, 12),	       // 1: ethertype
		jump(BPF_JNE, ETH_P_IP, 10),   // 2
		ld_abs(BPF_B, 14),	       // 3: version and header length
		jump(BPF_JNE, 0x45, 8),	       // 4
		ld_abs(BPF_B, 23),	       // 5: protocol
		jump(BPF_JNE, IPPROTO_UDP, 6), // 6
		ld_abs(BPF_H, 34),	       // 7: source port
		jump(BPF_JEQ, oob_port, 2),    // 8
		ld_abs(BPF_H, 36),	       // 9: destination port
		jump(BPF_JNE, oob_port, 2),    // 10
		mov(OOBNET_VERDICT_ACCEPT),    // 11
		exit_insn,		       // 12
		mov(OOBNET_VERDICT_INBAND),    // 13
		exit_insn,		       // 14
	};
}

int pingpong_prog(const std::string &ns_a, const std::string &dev_a, const std::string &ip_a,
		  const std::string &ns_b, const std::string &dev_b, const std::string &ip_b,
		  int count)
{
	const auto prog = on::load_socket_filter(udp_port_picker());
	const auto attach = [&](const std::string &ns, const std::string &dev, int fd) {
		const oob::netns::scoped_enter in(ns);
		on::udp_socket ctl;
		on::set_rx_prog(ctl, oob::link::by_name(dev)->ifindex, fd);
	};
	attach(ns_a, dev_a, prog.get());
	attach(ns_b, dev_b, prog.get());
	const int ret = pingpong(ns_a, dev_a, ip_a, ns_b, dev_b, ip_b, count);
	attach(ns_a, dev_a, -1);
	attach(ns_b, dev_b, -1);
	return ret;
}

int neigh(const std::string &ns_a, const std::string &dev_a, const std::string &ip_a,
	  const std::string &ns_b, const std::string &dev_b, const std::string &ip_b)
{
	echo_end far;
	auto far_ready = far.ready.get_future();
	std::thread echo(run_echo, std::ref(far), ns_b, dev_b, 3, 0);
	long long noneigh_first = -1, noneigh_second = -1, noneigh_solicited = -1;
	bool first_solicit = true;
	int solicits = 0;
	int answered = 0;
	try {
		const oob::netns::scoped_enter in(ns_a);
		far_ready.get();
		const std::string flush = "/usr/sbin/ip neigh flush dev " + dev_a;
		check(std::system(flush.c_str()) == 0, "flushed the neighbour cache of " + dev_a);
		on::udp_socket s;
		s.bind(ip_a, 0);
		s.connect(ip_b, oob_port);
		std::array<std::byte, 2048> buf{};
		const auto c0 = on::device_counters(dev_a);
		for (int i = 0; i < 2; i++) {
			s.send(payload(static_cast<std::uint32_t>(i)));
			const auto r = s.recv(buf, on::timeout::after(wait_limit));
			answered += r.length == payload_len ? 1 : 0;
			const auto c = on::device_counters(dev_a);
			(i == 0 ? noneigh_first : noneigh_second) = delta(c0, c, "tx_noneigh");
		}
		// Soliciting keeps the next sender on the oob path.  The far
		// end forgets A too: its probe of a stale entry, an ARP request,
		// would teach A the answer before A asks.
		const std::string flush_far =
			"/usr/sbin/ip -n " + ns_b + " neigh flush dev " + dev_b;
		check(std::system(flush_far.c_str()) == 0 && std::system(flush.c_str()) == 0,
		      "flushed the neighbour caches of " + dev_b + " and " + dev_a + " again");
		first_solicit = on::solicit(s, ip_b);
		for (solicits = 1; solicits < 200 && !on::solicit(s, ip_b); solicits++)
			std::this_thread::sleep_for(10ms);
		s.send(payload(2));
		answered +=
			s.recv(buf, on::timeout::after(wait_limit)).length == payload_len ? 1 : 0;
		noneigh_solicited = delta(c0, on::device_counters(dev_a), "tx_noneigh");
	} catch (const std::exception &ex) {
		check(false, std::string("near end: ") + ex.what());
	}
	echo.join();
	if (!far.error.empty())
		check(false, "far end: " + far.error);
	check(answered == 3,
	      "all three datagrams went and came back (" + std::to_string(answered) + ")");
	check(noneigh_first == 1, "the first went through the in-band IP output: tx_noneigh +" +
					  std::to_string(noneigh_first));
	check(noneigh_second == 1, "the second found the neighbour cached: tx_noneigh still +" +
					   std::to_string(noneigh_second));
	check(!first_solicit && solicits < 200, "a solicit started the resolution, " +
							std::to_string(solicits) +
							" calls saw it done");
	check(noneigh_solicited == 1,
	      "the solicited datagram found the neighbour: tx_noneigh still +" +
		      std::to_string(noneigh_solicited));
	return oob::checks::exit_code();
}

std::chrono::nanoseconds realtime_now()
{
	timespec ts{};
	::clock_gettime(CLOCK_REALTIME, &ts);
	return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

// The software transmit time the error queue holds for fd, if any.
std::optional<std::chrono::nanoseconds> tx_time(int fd)
{
	for (int i = 0; i < 100; i++) {
		alignas(cmsghdr) std::array<std::byte, 512> ctl{};
		std::array<std::byte, 256> data{};
		iovec iov{data.data(), data.size()};
		msghdr m{};
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = ctl.data();
		m.msg_controllen = ctl.size();
		if (::recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) >= 0) {
			for (cmsghdr *h = CMSG_FIRSTHDR(&m); h != nullptr; h = CMSG_NXTHDR(&m, h)) {
				if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_TIMESTAMPING)
					continue;
				std::array<timespec, 3> ts{};
				std::memcpy(ts.data(), CMSG_DATA(h), sizeof(ts));
				return std::chrono::seconds(ts[0].tv_sec) +
				       std::chrono::nanoseconds(ts[0].tv_nsec);
			}
		}
		std::this_thread::sleep_for(10ms);
	}
	return std::nullopt;
}

int timestamps(const std::string &ns_a, const std::string &ip_a, const std::string &ns_b,
	       const std::string &dev_b, const std::string &ip_b)
{
	echo_end far;
	auto far_ready = far.ready.get_future();
	std::thread echo(run_echo, std::ref(far), ns_b, dev_b, 1, 0);
	try {
		const oob::netns::scoped_enter in(ns_a);
		on::udp_socket s;
		s.bind(ip_a, 0);
		s.connect(ip_b, oob_port);
		const int on_ = 1;
		oob::check_syscall("SO_TIMESTAMPNS", ::setsockopt, s.fd(), SOL_SOCKET,
				   SO_TIMESTAMPNS, &on_, sizeof(on_));
		const int flags = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE |
				  SOF_TIMESTAMPING_OPT_TSONLY;
		oob::check_syscall("SO_TIMESTAMPING", ::setsockopt, s.fd(), SOL_SOCKET,
				   SO_TIMESTAMPING, &flags, sizeof(flags));
		far_ready.get();
		std::array<std::byte, 2048> buf{};
		const auto t0 = realtime_now();
		s.send(payload(5));
		const auto r = s.recv(buf, on::timeout::after(wait_limit));
		const auto t1 = realtime_now();
		check(r.rx_time.has_value(), "the receive carried SO_TIMESTAMPNS");
		if (r.rx_time)
			check(*r.rx_time >= t0 && *r.rx_time <= t1,
			      "received " + std::to_string((*r.rx_time - t0).count()) +
				      " ns after the send, " +
				      std::to_string((t1 - *r.rx_time).count()) +
				      " ns before the receive returned");
		const auto tx = tx_time(s.fd());
		check(tx.has_value(), "the error queue holds the software transmit time");
		if (tx)
			check(*tx >= t0 && *tx <= t1, "transmitted " +
							      std::to_string((*tx - t0).count()) +
							      " ns after the send call");
	} catch (const std::exception &ex) {
		check(false, std::string("near end: ") + ex.what());
	}
	echo.join();
	if (!far.error.empty())
		check(false, "far end: " + far.error);
	return oob::checks::exit_code();
}

std::vector<std::byte> big_payload(std::size_t len, std::uint32_t seed)
{
	std::vector<std::byte> p(len);
	for (std::size_t i = 0; i < len; i++)
		p[i] = static_cast<std::byte>((i * 31 + seed) >> 3);
	return p;
}

// Fragments per datagram of len bytes over a 1500-byte MTU.
int fragments(std::size_t len)
{
	constexpr std::size_t room = 1480;
	const std::size_t total = len + 8;
	return total + 20 <= 1500 ? 1 : static_cast<int>((total + room - 1) / room);
}

// An Ethernet frame holding one IPv4 fragment (MF, offset 0) of a UDP
// datagram that never gets its other fragments.
std::vector<std::byte> lone_fragment(const oob::link::info &from, const std::string &to_mac,
				     const std::string &ip_a, const std::string &ip_b)
{
	std::vector<std::uint8_t> f(14 + 20 + 16);
	const auto dst = oob::parse_mac(to_mac);
	const auto src = oob::parse_mac(from.mac);
	std::copy(dst.begin(), dst.end(), f.begin());
	std::copy(src.begin(), src.end(), f.begin() + 6);
	f[12] = 0x08;
	f[13] = 0x00;
	iphdr ip{};
	ip.version = 4;
	ip.ihl = 5;
	ip.tot_len = htons(36);
	ip.id = htons(0x4242);
	ip.frag_off = htons(IP_MF);
	ip.ttl = 64;
	ip.protocol = IPPROTO_UDP;
	ip.saddr = on::ipv4_address(ip_a, 0).sin_addr.s_addr;
	ip.daddr = on::ipv4_address(ip_b, 0).sin_addr.s_addr;
	std::uint32_t sum = 0;
	std::array<std::uint16_t, 10> words{};
	std::memcpy(words.data(), &ip, sizeof(ip));
	for (const auto w : words)
		sum += w;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip.check = static_cast<std::uint16_t>(~sum);
	std::memcpy(f.data() + 14, &ip, sizeof(ip));
	udphdr uh{};
	uh.source = htons(4000);
	uh.dest = htons(oob_port);
	uh.len = htons(3000);
	std::memcpy(f.data() + 34, &uh, sizeof(uh));
	std::vector<std::byte> out(f.size());
	std::memcpy(out.data(), f.data(), f.size());
	return out;
}

int frags(const std::string &ns_a, const std::string &dev_a, const std::string &ip_a,
	  const std::string &ns_b, const std::string &dev_b, const std::string &ip_b)
{
	const std::vector<std::size_t> sizes{1472, 1473, 3000, 8000, 20000, 65507};
	echo_end far;
	auto far_ready = far.ready.get_future();
	std::thread echo(run_echo, std::ref(far), ns_b, dev_b, static_cast<int>(sizes.size()), 0);
	std::optional<oob::inband_udp_echo> inband;
	inband.emplace(ns_b, inband_port);
	// B picks fragments only while an oob UDP socket exists there: the far
	// echo's goes after its last answer, and one closing while the
	// in-band exchange's fragments arrive split them between the stages.
	std::optional<on::udp_socket> picker;
	{
		const oob::netns::scoped_enter in(ns_b);
		picker.emplace();
		picker->bind(ip_b, 0);
	}
	int frags_out = 0;
	try {
		const oob::netns::scoped_enter in(ns_a);
		on::udp_socket s;
		s.bind(ip_a, 0);
		far_ready.get();
		std::vector<std::byte> buf(max_datagram);
		for (const auto len : sizes) {
			const auto p = big_payload(len, static_cast<std::uint32_t>(len));
			s.send_to(p, ip_b, oob_port);
			frags_out += fragments(len);
			const auto r = s.recv(buf, on::timeout::after(wait_limit));
			check(r.length == len && std::memcmp(buf.data(), p.data(), len) == 0,
			      std::to_string(len) + " bytes in " + std::to_string(fragments(len)) +
				      " fragments, oob to oob and back: " +
				      std::to_string(r.length) + " bytes intact");
		}
		// To an in-band socket and back: the far side hands the whole
		// datagram in-band, the in-band stack fragments the answer.
		const auto p = big_payload(4000, 7);
		const auto near_before = on::device_counters(dev_a);
		s.send_to(p, ip_b, inband_port);
		std::size_t got = 0;
		try {
			got = s.recv(buf, on::timeout::after(wait_limit)).length;
		} catch (const std::system_error &e) {
			// Where it went: the drop counters of both ends.
			std::string where = std::string("# no answer from the in-band echo (") +
					    e.what() + "):";
			const auto far_now = on::device_counters(ns_b, dev_b);
			for (const auto &[dev, before, now] :
			     {std::tuple{dev_a, near_before, on::device_counters(dev_a)},
			      std::tuple{dev_b, far.before, far_now}})
				for (const auto &[key, value] : now)
					if (key.starts_with("rx_") &&
					    value != on::value_of(before, key))
						where.append(" ")
							.append(dev)
							.append(".")
							.append(key)
							.append(" +")
							.append(std::to_string(
								value - on::value_of(before, key)));
			std::printf("%s\n", where.c_str());
		}
		check(got == p.size() && std::memcmp(buf.data(), p.data(), p.size()) == 0,
		      "4000 bytes, oob to an in-band echo and back: " + std::to_string(got) +
			      " bytes intact");

		on::udp_socket df;
		df.bind(ip_a, 0);
		const int pmtu = IP_PMTUDISC_DO;
		oob::check_syscall("IP_MTU_DISCOVER", ::setsockopt, df.fd(), IPPROTO_IP,
				   IP_MTU_DISCOVER, &pmtu, sizeof(pmtu));
		expect_errno("2000 bytes with IP_PMTUDISC_DO", EMSGSIZE,
			     [&] { df.send_to(big_payload(2000, 1), ip_b, oob_port); });
	} catch (const std::exception &ex) {
		check(false, std::string("near end: ") + ex.what());
	}
	echo.join();
	inband.reset();
	if (!far.error.empty()) {
		check(false, "far end: " + far.error);
		const oob::netns::scoped_enter in(ns_b);
		std::printf("# %s", on::table_text("devices").c_str());
	}
	const long long picked = delta(far.before, far.after, "rx_picked");
	check(picked >= frags_out, dev_b + " picked " + std::to_string(picked) + " packets for " +
					   std::to_string(frags_out) + " fragments sent");
	check(delta(far.before, far.after, "rx_drop_frag") == 0, dev_b + " dropped no fragment");

	// A lone first fragment: its reassembly expires (frag_timeout_ms).
	try {
		std::string mac_b;
		on::counters before, after;
		{
			const oob::netns::scoped_enter in(ns_b);
			mac_b = oob::link::by_name(dev_b)->mac;
			before = on::device_counters(dev_b);
		}
		// Fragments are picked while the namespace has a bound UDP oob
		// socket.
		std::optional<on::udp_socket> keep;
		{
			const oob::netns::scoped_enter in(ns_b);
			keep.emplace();
			keep->bind("0.0.0.0", 0);
		}
		{
			const oob::netns::scoped_enter in(ns_a);
			const auto l = *oob::link::by_name(dev_a);
			// Its own ethertype only says what it receives: none of this.
			on::packet_socket raw(0x88b5);
			raw.bind(l.ifindex);
			raw.send(lone_fragment(l, mac_b, ip_a, ip_b));
		}
		std::this_thread::sleep_for(1500ms);
		{
			const oob::netns::scoped_enter in(ns_b);
			after = on::device_counters(dev_b);
		}
		check(delta(before, after, "rx_drop_frag") == 1,
		      "a lone fragment expired: rx_drop_frag +" +
			      std::to_string(delta(before, after, "rx_drop_frag")));
	} catch (const std::exception &ex) {
		check(false, std::string("lone fragment: ") + ex.what());
	}
	return oob::checks::exit_code();
}

int errors(const std::string &ns, const std::string &ip_peer)
{
	const oob::netns::scoped_enter in(ns);
	std::array<std::byte, 2048> buf{};
	const auto p = payload(1);

	expect_errno("socket(AF_INET, SOCK_DGRAM | SOCK_OOB, IPPROTO_UDPLITE): unknown protocol",
		     EPROTONOSUPPORT, [] {
			     const oob::unique_fd fd(
				     ::socket(AF_INET, SOCK_DGRAM | SOCK_OOB, IPPROTO_UDPLITE));
			     if (!fd)
				     oob::throw_errno("socket");
		     });
	expect_errno("socket(AF_INET, SOCK_STREAM | SOCK_OOB): unknown type", EPROTONOSUPPORT, [] {
		const oob::unique_fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_OOB, 0));
		if (!fd)
			oob::throw_errno("socket");
	});
	on::udp_socket s;
	expect_errno("receive before bind", ENOTCONN,
		     [&] { (void)s.recv(buf, on::timeout::none()); });
	expect_errno("send unconnected, no destination", EDESTADDRREQ, [&] { s.send(p); });
	expect_errno("send to port 0", EINVAL, [&] { s.send_to(p, ip_peer, 0); });
	expect_errno("send to 127.0.0.1, routed through lo, not a port", ENXIO,
		     [&] { s.send_to(p, "127.0.0.1", oob_port); });
	check(s.local_port() != 0,
	      "a first send bound the socket: port " + std::to_string(s.local_port()));
	expect_errno("receive with nothing queued, no wait", EAGAIN,
		     [&] { (void)s.recv(buf, on::timeout::none()); });
	expect_errno("receive with a 20 ms timeout", ETIMEDOUT,
		     [&] { (void)s.recv(buf, on::timeout::after(20ms)); });
	std::vector<std::byte> big(max_datagram + 1);
	expect_errno("datagram over 65507 bytes", EMSGSIZE,
		     [&] { s.send_to(big, ip_peer, oob_port); });
	std::vector<std::byte> fits(1500 - 28);
	check(s.send_to(fits, ip_peer, oob_port) == fits.size(),
	      "a datagram of MTU - 28 bytes goes");
	return oob::checks::exit_code();
}

// ---- Signals, oob_msghdr flags, socket buffers, the reassembly timeout ----

constexpr std::uint16_t discard_port = 9;

void ignore_signal(int /*sig*/) {}

// What became of a reader blocked on an oob socket that was poked.
struct interrupted {
	int error = -1; // its errno, 0 for a return of 0, -1: still blocked
	int signals = 0;
};

// How a blocked reader is made to return.
enum class poke : std::uint8_t { signal, shutdown };

// Forks a reader blocked on an oob UDP socket bound to ip, in read() or in
// OOB_SIOC_RECVMSG without a timeout, with SIGUSR1 caught without
// SA_RESTART.  The socket is the parent's too: every 100 ms until the call
// returns, wait_limit at most, the parent signals the reader or shuts the
// socket down for reading.  A poke that comes before the reader blocks is
// caught and forgotten (a signal) or makes the call return at once (a
// shutdown, as it would in-band).
interrupted poke_reader(const std::string &ip, bool use_read, poke how)
{
	std::array<int, 2> p{};
	oob::check_syscall("pipe", ::pipe2, p.data(), O_CLOEXEC);
	oob::unique_fd rd(p[0]);
	oob::unique_fd wr(p[1]);
	on::udp_socket s;
	s.bind(ip, 0);
	const pid_t pid = ::fork();
	if (pid == -1)
		oob::throw_errno("fork");
	if (pid == 0) {
		struct sigaction sa {};
		sa.sa_handler = ignore_signal;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = 0; // no SA_RESTART
		sigset_t usr1;
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		if (::sigaction(SIGUSR1, &sa, nullptr) != 0 ||
		    ::sigprocmask(SIG_UNBLOCK, &usr1, nullptr) != 0)
			::_exit(200);
		std::array<std::byte, 256> buf{};
		if (::write(wr.get(), "r", 1) != 1)
			::_exit(201);
		long ret = 0;
		if (use_read) {
			ret = ::read(s.fd(), buf.data(), buf.size());
		} else {
			iovec iov{buf.data(), buf.size()};
			oob_msghdr m{};
			m.iov = reinterpret_cast<std::uintptr_t>(&iov);
			m.iovlen = 1;
			ret = ::ioctl(s.fd(), OOB_SIOC_RECVMSG, &m);
			if (ret == 0)
				ret = static_cast<long>(m.count);
		}
		// 0 for a return of 0 bytes, 203 for data.
		::_exit(ret < 0 ? errno : ret == 0 ? 0 : 203);
	}
	wr.reset();
	interrupted r;
	char c = 0;
	const bool ready = ::read(rd.get(), &c, 1) == 1;
	int status = 0;
	bool done = false;
	const auto deadline = std::chrono::steady_clock::now() + wait_limit;
	while (ready && !done && std::chrono::steady_clock::now() < deadline) {
		if (how == poke::signal) {
			::kill(pid, SIGUSR1);
			r.signals++;
		} else {
			// An unbound peer: ENOTCONN, the flags set and the
			// sleepers woken all the same, as in-band.
			::shutdown(s.fd(), SHUT_RD);
		}
		for (int i = 0; i < 10 && !done; i++) {
			std::this_thread::sleep_for(10ms);
			done = ::waitpid(pid, &status, WNOHANG) == pid;
		}
	}
	if (!done) {
		if (ready)
			::kill(pid, SIGKILL);
		oob::check_syscall("waitpid", ::waitpid, pid, &status, 0);
	}
	if (WIFEXITED(status))
		r.error = WEXITSTATUS(status);
	else if (WTERMSIG(status) != SIGKILL)
		r.error = 128 + WTERMSIG(status);
	return r;
}

std::string reader_outcome(const interrupted &r)
{
	return r.error == -1	? "still blocked"
	       : r.error == 0	? "0 bytes"
	       : r.error == 203 ? "data"
				: std::strerror(r.error);
}

int eintr(const std::string &ns, const std::string &ip)
{
	const oob::netns::scoped_enter in(ns);
	for (const bool use_read : {true, false}) {
		const auto r = poke_reader(ip, use_read, poke::signal);
		check(r.error == EINTR,
		      std::string("a reader blocked in ") +
			      (use_read ? "read()" : "OOB_SIOC_RECVMSG") +
			      ", signalled without SA_RESTART: " + reader_outcome(r) + " after " +
			      std::to_string(r.signals) + " signals (want EINTR)");
	}
	return oob::checks::exit_code();
}

// OOB_SIOC_SENDMSG or RECVMSG on fd with flags, one buffer, to dest when
// given: the errno, 0 when it worked.
int oob_call(int fd, unsigned long cmd, std::uint32_t flags, std::span<std::byte> buf,
	     const sockaddr_in *dest, std::int64_t timeout_ns)
{
	iovec iov{buf.data(), buf.size()};
	oob_msghdr m{};
	m.iov = reinterpret_cast<std::uintptr_t>(&iov);
	m.iovlen = 1;
	m.flags = flags;
	m.timeout_ns = timeout_ns;
	if (dest != nullptr) {
		m.name = reinterpret_cast<std::uintptr_t>(dest);
		m.namelen = sizeof(*dest);
	}
	return ::ioctl(fd, cmd, &m) == 0 ? 0 : errno;
}

int shutdown_check(const std::string &ns, const std::string &ip, const std::string &ip_peer)
{
	const oob::netns::scoped_enter in(ns);
	for (const bool use_read : {true, false}) {
		const auto r = poke_reader(ip, use_read, poke::shutdown);
		check(r.error == 0, std::string("a reader blocked in ") +
					    (use_read ? "read()" : "OOB_SIOC_RECVMSG") +
					    " on another thread's shutdown(SHUT_RD): " +
					    reader_outcome(r) + " (want 0 bytes, as in-band)");
	}

	on::udp_socket s;
	s.connect(ip_peer, discard_port);
	check(::shutdown(s.fd(), SHUT_RD) == 0, "shutdown(SHUT_RD) of a connected socket");
	pollfd pfd{s.fd(), POLLIN | POLLRDHUP, 0};
	check(::poll(&pfd, 1, 0) == 1 &&
		      (pfd.revents & (POLLIN | POLLRDHUP)) == (POLLIN | POLLRDHUP),
	      "poll() then says POLLIN | POLLRDHUP");
	std::array<std::byte, payload_len> buf{};
	check(::read(s.fd(), buf.data(), buf.size()) == 0, "and read() returns 0 at once");

	check(::shutdown(s.fd(), SHUT_WR) == 0, "shutdown(SHUT_WR)");
	const auto to = on::ipv4_address(ip_peer, discard_port);
	const int err = oob_call(s.fd(), OOB_SIOC_SENDMSG, 0, buf, &to, 1'000'000'000);
	check(err == EPIPE, std::string("OOB_SIOC_SENDMSG after it: ") +
				    (err != 0 ? std::strerror(err) : "sent") + " (want EPIPE)");
	const long n = ::write(s.fd(), buf.data(), buf.size());
	const int werr = errno;
	check(n == -1 && werr == EPIPE, std::string("write() after it: ") +
						(n == -1 ? std::strerror(werr) : "sent") +
						" (want EPIPE)");
	return oob::checks::exit_code();
}

// Runs an ip(8) command line in the current netns; true when it worked.
bool ip_cmd(const std::string &args)
{
	const std::string line = "/usr/sbin/ip " + args;
	return std::system(line.c_str()) == 0;
}

int ipsec(const std::string &ns, const std::string &ip, const std::string &ip_peer)
{
	const oob::netns::scoped_enter in(ns);
	constexpr std::uint16_t covered = discard_port;
	constexpr std::uint16_t clear = discard_port + 1;
	// ESP in transport mode with AES-GCM; only datagrams to the discard
	// port are covered.
	check(ip_cmd("xfrm state add src " + ip + " dst " + ip_peer +
		     " proto esp spi 0x4f4f4201 mode transport aead 'rfc4106(gcm(aes))' "
		     "0x000102030405060708090a0b0c0d0e0f10111213 128") &&
		      ip_cmd("xfrm policy add src " + ip + "/32 dst " + ip_peer +
			     "/32 proto 17 dport " + std::to_string(covered) +
			     " dir out tmpl src " + ip + " dst " + ip_peer +
			     " proto esp mode transport"),
	      "an IPsec policy and state for UDP " + ip + " -> " + ip_peer + ":" +
		      std::to_string(covered));
	std::array<std::byte, payload_len> buf{};
	const auto to_covered = on::ipv4_address(ip_peer, covered);
	const auto to_clear = on::ipv4_address(ip_peer, clear);
	on::udp_socket s;
	s.bind(ip, 0);
	int err = oob_call(s.fd(), OOB_SIOC_SENDMSG, 0, buf, &to_covered, 1'000'000'000);
	check(err == EPERM, std::string("an oob send the policy covers: ") +
				    (err != 0 ? std::strerror(err) : "sent in clear") +
				    " (want EPERM)");
	err = oob_call(s.fd(), OOB_SIOC_SENDMSG, 0, buf, &to_clear, 1'000'000'000);
	check(err == 0, std::string("an oob send to a port it does not cover: ") +
				(err != 0 ? std::strerror(err) : "sent"));
	{
		oob::unique_fd plain(
			oob::check_syscall("socket", ::socket, AF_INET, SOCK_DGRAM, 0));
		const long n = ::sendto(plain.get(), buf.data(), buf.size(), 0,
					reinterpret_cast<const sockaddr *>(&to_covered),
					sizeof(to_covered));
		check(n == static_cast<long>(buf.size()),
		      "an in-band send the policy covers goes (through ESP)");
	}
	check(ip_cmd("xfrm policy flush") && ip_cmd("xfrm state flush"),
	      "the policy and state removed");
	// The route the socket may have cached held the bundle: a new one now.
	err = oob_call(s.fd(), OOB_SIOC_SENDMSG, 0, buf, &to_covered, 1'000'000'000);
	check(err == 0, std::string("without the policy, the same oob send: ") +
				(err != 0 ? std::strerror(err) : "sent"));
	return oob::checks::exit_code();
}

// The oob skb heads free in the kernel's pool.
long long free_oob_heads()
{
	std::ifstream in("/proc/sys/net/core/free_oob_skb");
	long long n = -1;
	if (!(in >> n))
		throw std::runtime_error("cannot read /proc/sys/net/core/free_oob_skb");
	return n;
}

int inband_hold(const std::string &ns_a, const std::string &ip_a, const std::string &ns_b,
		const std::string &ip_b, int count)
{
	constexpr std::uint16_t hold_port = 9400;
	constexpr int rcvbuf = 64 << 20;
	// Heads the RX ring and the relay may hold at any one time.
	constexpr long long in_flight = 300;
	oob::unique_fd rx;
	{
		const oob::netns::scoped_enter in(ns_b);
		rx = oob::unique_fd(oob::check_syscall("socket", ::socket, AF_INET, SOCK_DGRAM, 0));
		oob::check_syscall("SO_RCVBUFFORCE", ::setsockopt, rx.get(), SOL_SOCKET,
				   SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
		const auto at = on::ipv4_address(ip_b, hold_port);
		oob::check_syscall("bind", ::bind, rx.get(),
				   reinterpret_cast<const sockaddr *>(&at), sizeof(at));
	}
	const long long before = free_oob_heads();
	{
		const oob::netns::scoped_enter in(ns_a);
		oob::unique_fd tx(oob::check_syscall("socket", ::socket, AF_INET, SOCK_DGRAM, 0));
		const auto from = on::ipv4_address(ip_a, 0);
		oob::check_syscall("bind", ::bind, tx.get(),
				   reinterpret_cast<const sockaddr *>(&from), sizeof(from));
		const auto to = on::ipv4_address(ip_b, hold_port);
		const auto data = payload(0);
		for (int i = 0; i < count; i++) {
			oob::check_syscall("sendto", ::sendto, tx.get(), data.data(), data.size(),
					   0, reinterpret_cast<const sockaddr *>(&to), sizeof(to));
			if (i % 50 == 49)
				std::this_thread::sleep_for(20ms);
		}
	}
	std::this_thread::sleep_for(2s);
	const long long held = free_oob_heads();
	int received = 0;
	std::array<std::byte, 2048> buf{};
	while (::recv(rx.get(), buf.data(), buf.size(), MSG_DONTWAIT) >= 0)
		received++;
	check(received >= count * 9 / 10, "an in-band socket that does not read holds " +
						  std::to_string(received) + " of " +
						  std::to_string(count) + " datagrams");
	check(held >= before - in_flight,
	      "and no oob skb head: " + std::to_string(held) + " free while it held them, " +
		      std::to_string(before) + " before (want at most " +
		      std::to_string(in_flight) + " fewer)");
	return oob::checks::exit_code();
}

int msg_flags(const std::string &ns, const std::string &ip_peer)
{
	const oob::netns::scoped_enter in(ns);
	on::udp_socket s;
	s.bind("0.0.0.0", 0);
	const auto to = on::ipv4_address(ip_peer, discard_port);
	std::array<std::byte, payload_len> buf{};
	// Should a flag be taken after all, MSG_DONTWAIT keeps the call from
	// waiting, and the timeout from waiting for ever.
	constexpr std::int64_t timeout_ns = 2'000'000'000;
	const std::array<std::pair<std::uint32_t, const char *>, 8> unknown{{
		{MSG_OOB, "MSG_OOB"},
		{MSG_PEEK, "MSG_PEEK"},
		{MSG_WAITALL, "MSG_WAITALL"},
		{MSG_CONFIRM, "MSG_CONFIRM"},
		{MSG_ERRQUEUE, "MSG_ERRQUEUE"},
		{MSG_NOSIGNAL, "MSG_NOSIGNAL"},
		{MSG_MORE, "MSG_MORE"},
		{0x80000000U, "bit 31"},
	}};
	for (const auto &[flag, name] : unknown) {
		for (const bool send : {false, true}) {
			const int err = oob_call(s.fd(), send ? OOB_SIOC_SENDMSG : OOB_SIOC_RECVMSG,
						 flag | MSG_DONTWAIT, buf, send ? &to : nullptr,
						 timeout_ns);
			check(err == EINVAL,
			      std::string(send ? "OOB_SIOC_SENDMSG" : "OOB_SIOC_RECVMSG") +
				      " with " + name + ": " +
				      (err != 0 ? std::strerror(err) : "done") + " (want EINVAL)");
		}
	}
	// The known ones: MSG_DONTWAIT (no wait, not even the timeout) and
	// MSG_TRUNC.
	int err = oob_call(s.fd(), OOB_SIOC_RECVMSG, MSG_DONTWAIT, buf, nullptr, timeout_ns);
	check(err == EAGAIN, std::string("OOB_SIOC_RECVMSG with MSG_DONTWAIT, nothing queued: ") +
				     (err != 0 ? std::strerror(err) : "data") + " (want EAGAIN)");
	err = oob_call(s.fd(), OOB_SIOC_RECVMSG, MSG_DONTWAIT | MSG_TRUNC, buf, nullptr,
		       timeout_ns);
	check(err == EAGAIN,
	      std::string("OOB_SIOC_RECVMSG with MSG_DONTWAIT | MSG_TRUNC, nothing queued: ") +
		      (err != 0 ? std::strerror(err) : "data") + " (want EAGAIN)");
	err = oob_call(s.fd(), OOB_SIOC_SENDMSG, MSG_DONTWAIT, buf, &to, timeout_ns);
	check(err == 0, std::string("OOB_SIOC_SENDMSG with MSG_DONTWAIT to ") + ip_peer + ": " +
				(err != 0 ? std::strerror(err) : "sent"));
	const long long tx = value_of(on::socket_counters(s.inode()), "tx");
	check(tx == 1, "the refused calls sent nothing: the socket counted tx " +
			       std::to_string(tx) + " (want 1)");
	return oob::checks::exit_code();
}

// Waits until f() holds or wait is over; whether it held.
bool wait_for(const std::function<bool()> &f, std::chrono::milliseconds wait,
	      std::chrono::milliseconds step = 50ms)
{
	const auto deadline = std::chrono::steady_clock::now() + wait;
	for (;;) {
		if (f())
			return true;
		if (std::chrono::steady_clock::now() >= deadline)
			return false;
		std::this_thread::sleep_for(step);
	}
}

// OOBNET_SIOC_SENDMMSG or RECVMMSG on fd with vlen entries at msgs: 0
// and the batch's count, or the errno.
std::pair<int, std::uint32_t> mmsg_call(int fd, unsigned long cmd, void *msgs, std::uint32_t vlen,
					std::uint32_t flags = 0, std::int64_t timeout_ns = 0,
					std::uint32_t reserved = 0)
{
	oobnet_mmsg b{};
	b.msgs = reinterpret_cast<std::uintptr_t>(msgs);
	b.vlen = vlen;
	b.flags = flags;
	b.timeout_ns = timeout_ns;
	b.reserved = reserved;
	if (::ioctl(fd, cmd, &b) != 0)
		return {errno, 0};
	return {0, b.count};
}

std::string errno_text(int err)
{
	return err != 0 ? std::strerror(err) : "done";
}

int batch_check(const std::string &ns_a, const std::string &dev_a, const std::string &ip_a,
		const std::string &ns_b, const std::string &ip_b)
{
	constexpr std::size_t sent = 40;
	constexpr std::size_t per_call = 16;
	std::optional<on::udp_socket> rx;
	{
		const oob::netns::scoped_enter in(ns_b);
		rx.emplace();
		// Room for all 41 datagrams, whatever their buffers' truesize.
		const int room = 1 << 20;
		oob::check_syscall("SO_RCVBUFFORCE", ::setsockopt, rx->fd(), SOL_SOCKET,
				   SO_RCVBUFFORCE, &room, sizeof(room));
		rx->bind(ip_b, oob_port);
	}
	const oob::netns::scoped_enter in(ns_a);
	on::udp_socket tx;
	tx.bind(ip_a, 0);
	tx.connect(ip_b, oob_port);
	// The next hop cached, so that every datagram takes the oob path.
	for (int i = 0; i < 50 && !on::solicit(tx, ip_b); i++)
		std::this_thread::sleep_for(100ms);
	const auto before = on::device_counters(dev_a);

	// Refused batches, each sending nothing.
	std::array<std::byte, payload_len> one{};
	iovec iov{one.data(), one.size()};
	std::array<oob_msghdr, 2> msgs{};
	for (auto &m : msgs) {
		m.iov = reinterpret_cast<std::uintptr_t>(&iov);
		m.iovlen = 1;
	}
	const auto refused = [&](const char *what, int want,
				 const std::pair<int, std::uint32_t> &r) {
		check(r.first == want, std::string(what) + ": " + errno_text(r.first) + " (want " +
					       std::strerror(want) + ")");
	};
	refused("SENDMMSG with vlen 0", EINVAL,
		mmsg_call(tx.fd(), OOBNET_SIOC_SENDMMSG, msgs.data(), 0));
	refused("SENDMMSG with vlen 1025", EINVAL,
		mmsg_call(tx.fd(), OOBNET_SIOC_SENDMMSG, msgs.data(), 1025));
	refused("SENDMMSG with MSG_PEEK", EINVAL,
		mmsg_call(tx.fd(), OOBNET_SIOC_SENDMMSG, msgs.data(), 2, MSG_PEEK));
	refused("SENDMMSG with reserved set", EINVAL,
		mmsg_call(tx.fd(), OOBNET_SIOC_SENDMMSG, msgs.data(), 2, 0, 0, 1));
	msgs[0].flags = MSG_DONTWAIT;
	refused("SENDMMSG with MSG_DONTWAIT in an entry", EINVAL,
		mmsg_call(tx.fd(), OOBNET_SIOC_SENDMMSG, msgs.data(), 2));
	msgs[0].flags = 0;
	refused("SENDMMSG of entries at a bad address", EFAULT,
		mmsg_call(tx.fd(), OOBNET_SIOC_SENDMMSG, reinterpret_cast<void *>(8), 2));
	msgs[0].iov = 8; // the first entry's data at a bad address
	refused("SENDMMSG whose first entry is bad", EFAULT,
		mmsg_call(tx.fd(), OOBNET_SIOC_SENDMMSG, msgs.data(), 2));
	msgs[0].iov = reinterpret_cast<std::uintptr_t>(&iov);
	long long tx_count = value_of(on::socket_counters(tx.inode()), "tx");
	check(tx_count == 0, "the refused batches sent nothing: tx " + std::to_string(tx_count));

	// A bad entry after the first: the batch ends there, with its count.
	msgs[1].iov = 8;
	const auto partial = mmsg_call(tx.fd(), OOBNET_SIOC_SENDMMSG, msgs.data(), 2);
	check(partial.first == 0 && partial.second == 1,
	      "SENDMMSG whose second entry is bad: " + errno_text(partial.first) + ", count " +
		      std::to_string(partial.second) + " (want done, 1)");

	// 40 datagrams in one call, numbered 1 to 40 (the one above was 0).
	on::batch out(sent, payload_len);
	for (std::size_t i = 0; i < sent; i++) {
		const auto p = payload(static_cast<std::uint32_t>(i + 1));
		std::memcpy(out.buffer(i).data(), p.data(), p.size());
		out.set_length(i, p.size());
	}
	const auto went = tx.send_batch(out, sent, on::timeout::after(wait_limit));
	check(went == sent, "SENDMMSG of 40 datagrams sent " + std::to_string(went));

	const oob::netns::scoped_enter in_b(ns_b);
	// Everything queued: the receiver's queue stops growing.
	long long queued = -1;
	int same = 0;
	(void)wait_for(
		[&] {
			const auto now = value_of(on::socket_counters(rx->inode()), "rx_queued");
			same = now > 0 && now == queued ? same + 1 : 0;
			queued = now;
			return same >= 3;
		},
		10s, 100ms);

	on::batch in_b16(per_call, payload_len);
	std::vector<std::size_t> got;
	std::uint32_t want_seq = 0;
	bool in_order = true;
	bool lengths = true;
	bool truncations = true;
	for (;;) {
		std::size_t n = 0;
		try {
			n = rx->recv_batch(in_b16, on::timeout::none());
		} catch (const std::system_error &e) {
			check(e.code().value() == EAGAIN,
			      std::string("RECVMMSG once all was read: ") + e.what() +
				      " (want EAGAIN)");
			break;
		}
		got.push_back(n);
		for (std::size_t i = 0; i < n; i++) {
			const auto pkt = in_b16.packet(i);
			std::uint32_t seq = 0;
			std::memcpy(&seq, pkt.data(), sizeof(seq));
			in_order = in_order && ntohl(seq) == want_seq++;
			lengths = lengths && pkt.size() == payload_len;
			truncations = truncations && !in_b16.truncated(i);
		}
		if (got.size() > 4)
			break;
	}
	const std::vector<std::size_t> want_calls{per_call, per_call, sent + 1 - 2 * per_call};
	std::string calls;
	for (const auto n : got)
		calls += (calls.empty() ? "" : " ") + std::to_string(n);
	check(got == want_calls, "RECVMMSG of 16 took " + calls + " (want 16 16 9)");
	check(in_order && want_seq == sent + 1,
	      "the datagrams came in the order sent, " + std::to_string(want_seq) + " of them");
	check(lengths && truncations, "each with its length, none truncated");

	// A short buffer: the datagram's whole length, and MSG_TRUNC.
	{
		const oob::netns::scoped_enter back(ns_a);
		tx.send(payload(99), on::timeout::after(wait_limit));
	}
	on::batch small(2, 8);
	const auto n = rx->recv_batch(small, on::timeout::after(wait_limit));
	check(n == 1 && small.truncated(0) && small.packet(0).size() == 8,
	      "a 64-byte datagram into an 8-byte buffer: " + std::to_string(n) +
		      " packet, truncated " + std::to_string(static_cast<int>(small.truncated(0))));

	// Nothing queued: the timeout, then MSG_DONTWAIT.
	const auto t0 = std::chrono::steady_clock::now();
	std::pair<int, std::uint32_t> waited{};
	{
		std::array<std::byte, payload_len> buf{};
		iovec riov{buf.data(), buf.size()};
		oob_msghdr m{};
		m.iov = reinterpret_cast<std::uintptr_t>(&riov);
		m.iovlen = 1;
		waited = mmsg_call(rx->fd(), OOBNET_SIOC_RECVMMSG, &m, 1, 0, 200'000'000);
		const auto took = std::chrono::steady_clock::now() - t0;
		check(waited.first == ETIMEDOUT && took >= 200ms,
		      "RECVMMSG on an empty queue with 200 ms: " + errno_text(waited.first) +
			      " after " +
			      std::to_string(
				      std::chrono::duration_cast<std::chrono::milliseconds>(took)
					      .count()) +
			      " ms (want ETIMEDOUT after 200 ms)");
		const auto now = mmsg_call(rx->fd(), OOBNET_SIOC_RECVMMSG, &m, 1, MSG_DONTWAIT);
		check(now.first == EAGAIN,
		      "RECVMMSG with MSG_DONTWAIT on an empty queue: " + errno_text(now.first));
	}

	const auto rx_count = value_of(on::socket_counters(rx->inode()), "rx");
	check(rx_count == static_cast<long long>(sent) + 2,
	      "the receiver counted rx " + std::to_string(rx_count) + " (want 42)");
	const oob::netns::scoped_enter back(ns_a);
	tx_count = value_of(on::socket_counters(tx.inode()), "tx");
	check(tx_count == static_cast<long long>(sent) + 2,
	      "the sender counted tx " + std::to_string(tx_count) + " (want 42)");
	const auto after = on::device_counters(dev_a);
	if (value_of(after, "oob_io") == 1) {
		const auto direct = delta(before, after, "tx_direct");
		const auto oob = delta(before, after, "tx_oob");
		check(direct == oob && oob == static_cast<long long>(sent) + 2,
		      dev_a + ": " + std::to_string(direct) + " of " + std::to_string(oob) +
			      " oob sends from the sender itself (want 42 of 42)");
	}
	return oob::checks::exit_code();
}

int rcvbuf(const std::string &ns_a, const std::string &ip_a, const std::string &ns_b,
	   const std::string &dev_b, const std::string &ip_b)
{
	constexpr int count = 64;
	constexpr int asked = 8192;
	std::optional<on::udp_socket> rx;
	int limit = 0;
	on::counters before;
	{
		const oob::netns::scoped_enter in(ns_b);
		rx.emplace();
		oob::check_syscall("SO_RCVBUF", ::setsockopt, rx->fd(), SOL_SOCKET, SO_RCVBUF,
				   &asked, sizeof(asked));
		socklen_t len = sizeof(limit);
		oob::check_syscall("SO_RCVBUF", ::getsockopt, rx->fd(), SOL_SOCKET, SO_RCVBUF,
				   &limit, &len);
		rx->bind("0.0.0.0", oob_port);
		before = on::device_counters(dev_b);
	}
	{
		const oob::netns::scoped_enter in(ns_a);
		on::udp_socket tx;
		tx.bind(ip_a, 0);
		tx.connect(ip_b, oob_port);
		for (int i = 0; i < count; i++)
			tx.send(payload(static_cast<std::uint32_t>(i)),
				on::timeout::after(wait_limit));
	}
	const oob::netns::scoped_enter in(ns_b);
	// Every datagram at the gate, then the RX thread done with them: the
	// socket's counters settle.
	on::counters picked;
	const bool all_picked = wait_for(
		[&] {
			picked = on::device_counters(dev_b);
			return delta(before, picked, "rx_picked") >= count;
		},
		10s);
	check(all_picked && delta(before, picked, "rx_picked") == count,
	      dev_b + " picked " + std::to_string(delta(before, picked, "rx_picked")) + " of " +
		      std::to_string(count) + " datagrams");
	on::counters held = on::socket_counters(rx->inode());
	int same = 0;
	(void)wait_for(
		[&] {
			const auto now = on::socket_counters(rx->inode());
			same = value_of(now, "rx_drop") == value_of(held, "rx_drop") &&
					       value_of(now, "rx_queued") ==
						       value_of(held, "rx_queued")
				       ? same + 1
				       : 0;
			held = now;
			return same >= 3;
		},
		5s, 100ms);
	const long long queued = value_of(held, "rx_queued");
	const long long dropped = value_of(held, "rx_drop");
	long long kept = 0;
	std::array<std::byte, 2048> buf{};
	int err = 0;
	while ((err = oob_call(rx->fd(), OOB_SIOC_RECVMSG, MSG_DONTWAIT, buf, nullptr, 0)) == 0)
		kept++;
	check(err == EAGAIN,
	      std::string("read what it held, until ") + std::strerror(err) + " (want EAGAIN)");
	const auto after = on::device_counters(dev_b);
	const auto sc = on::socket_counters(rx->inode());
	check(kept >= 1 && dropped >= 1,
	      "a receiver that did not read, SO_RCVBUF " + std::to_string(limit) + ": kept " +
		      std::to_string(kept) + ", dropped " + std::to_string(dropped) + " of " +
		      std::to_string(count));
	check(queued > 0 && queued <= limit, "the bytes it held, " + std::to_string(queued) +
						     ", fit in SO_RCVBUF " + std::to_string(limit));
	check(kept + dropped == count, "exactly the excess dropped: kept " + std::to_string(kept) +
					       " + dropped " + std::to_string(dropped) + " = " +
					       std::to_string(kept + dropped) + " (want " +
					       std::to_string(count) + ")");
	check(delta(before, after, "rx_drop_rcvbuf") == dropped &&
		      delta(before, after, "rx_drop_backlog") == 0,
	      dev_b + " counted rx_drop_rcvbuf +" +
		      std::to_string(delta(before, after, "rx_drop_rcvbuf")) +
		      " rx_drop_backlog +" +
		      std::to_string(delta(before, after, "rx_drop_backlog")) + " (want " +
		      std::to_string(dropped) + ", 0)");
	check(value_of(sc, "rx") == kept && value_of(sc, "rx_queued") == 0,
	      "the socket counted rx " + std::to_string(value_of(sc, "rx")) + ", " +
		      std::to_string(value_of(sc, "rx_queued")) + " bytes left");
	return oob::checks::exit_code();
}

int sndbuf(const std::string &ns_a, const std::string &dev_a, const std::string &ip_a,
	   const std::string &ip_b)
{
	// Non-blocking sends until EAGAIN with SO_SNDBUF set to asked.
	struct burst {
		int sndbuf = 0; // as the kernel keeps it: twice what was asked
		int sent = 0;
		on::counters before, after;
	};
	burst small, big;
	bool recovered = false;
	std::string error;
	// The device's relay thread, on CPU 0 for the test: a sender there
	// above its priority keeps it off until the sender blocks, so nothing
	// it sent comes back meanwhile.
	const auto relay = oob::tasks_named("oobnet-ib/" + dev_a);
	if (relay.size() != 1)
		throw std::runtime_error(std::to_string(relay.size()) + " threads oobnet-ib/" +
					 dev_a + " (want 1)");
	cpu_set_t relay_cpus;
	CPU_ZERO(&relay_cpus);
	oob::check_syscall("sched_getaffinity", ::sched_getaffinity, relay[0], sizeof(relay_cpus),
			   &relay_cpus);
	cpu_set_t cpu0;
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	oob::check_syscall("sched_setaffinity", ::sched_setaffinity, relay[0], sizeof(cpu0), &cpu0);
	std::thread sender([&] {
		try {
			sched_param sp{};
			oob::check_syscall("sched_getparam", ::sched_getparam, relay[0], &sp);
			oob::set_realtime(0, std::min(sp.sched_priority + 10, 99));
			const oob::netns::scoped_enter in(ns_a);
			on::udp_socket s;
			s.bind(ip_a, 0);
			// The neighbour cached: every send takes the same path.
			for (int i = 0; i < 200 && !on::solicit(s, ip_b); i++)
				std::this_thread::sleep_for(10ms);
			const auto idle = [&] {
				return wait_for(
					[&] {
						return value_of(on::device_counters(dev_a),
								"inflight") == 0;
					},
					wait_limit, 20ms);
			};
			const auto p = payload(1);
			const auto run = [&](int asked, burst &b) {
				if (!idle())
					throw std::runtime_error(dev_a +
								 " keeps buffers in flight");
				oob::check_syscall("SO_SNDBUF", ::setsockopt, s.fd(), SOL_SOCKET,
						   SO_SNDBUF, &asked, sizeof(asked));
				socklen_t len = sizeof(b.sndbuf);
				oob::check_syscall("SO_SNDBUF", ::getsockopt, s.fd(), SOL_SOCKET,
						   SO_SNDBUF, &b.sndbuf, &len);
				b.before = on::device_counters(dev_a);
				for (; b.sent < 1000; b.sent++) {
					try {
						s.send_to(p, ip_b, discard_port,
							  on::timeout::none());
					} catch (const std::system_error &e) {
						if (e.code().value() != EAGAIN)
							throw;
						break;
					}
				}
				b.after = on::device_counters(dev_a);
			};
			run(1, small);
			// Blocking: the relay gets the CPU and the room comes back.
			recovered = s.send_to(p, ip_b, discard_port,
					      on::timeout::after(wait_limit)) == p.size();
			run(65536, big);
			(void)idle();
		} catch (const std::exception &e) {
			error = e.what();
		}
	});
	sender.join();
	oob::check_syscall("sched_setaffinity", ::sched_setaffinity, relay[0], sizeof(relay_cpus),
			   &relay_cpus);
	check(error.empty(), "sender: " + (error.empty() ? std::string("no error") : error));
	const auto text = [](const burst &b) {
		return std::to_string(b.sent) + " sends, then EAGAIN; tx_nobuf +" +
		       std::to_string(delta(b.before, b.after, "tx_nobuf")) + ", inflight " +
		       std::to_string(value_of(b.after, "inflight")) + " of a pool of " +
		       std::to_string(value_of(b.after, "pool"));
	};
	// A datagram's buffer is a page and its skb: over a page, under two.
	const long long page = ::sysconf(_SC_PAGESIZE);
	check(small.sent == 1 && delta(small.before, small.after, "tx_nobuf") == 0,
	      "smallest SO_SNDBUF (" + std::to_string(small.sndbuf) + "): " + text(small) +
		      " (want 1 send, tx_nobuf +0: the pool had room)");
	check(recovered, "a blocking send went once the buffer came back");
	const long long lo = big.sndbuf / 2 / (2 * page);
	const long long hi = big.sndbuf / 2 / page + 1;
	check(big.sent >= lo && big.sent <= hi && delta(big.before, big.after, "tx_nobuf") == 0,
	      "SO_SNDBUF " + std::to_string(big.sndbuf) + ": " + text(big) + " (want " +
		      std::to_string(lo) + " to " + std::to_string(hi) + " sends, tx_nobuf +0)");
	return oob::checks::exit_code();
}

// Sets a module parameter of oobnet for the scope's life.
class scoped_param {
public:
	scoped_param(const std::string &name, const std::string &value)
	    : path_("/sys/module/oobnet/parameters/" + name), old_(on::sysfs_read({}, path_))
	{
		on::sysfs_write({}, path_, value + "\n");
	}
	scoped_param(const scoped_param &) = delete;
	scoped_param &operator=(const scoped_param &) = delete;
	scoped_param(scoped_param &&) = delete;
	scoped_param &operator=(scoped_param &&) = delete;
	~scoped_param()
	{
		try {
			// With its newline: sysfs ignores an empty write.
			on::sysfs_write({}, path_, old_ + "\n");
		} catch (const std::exception &e) {
			check(false, "put back " + path_ + "=" + old_ + ": " + e.what());
		}
	}

private:
	std::string path_;
	std::string old_;
};

int frag_timeout(const std::string &ns_a, const std::string &dev_a, const std::string &ip_a,
		 const std::string &ns_b, const std::string &dev_b, const std::string &ip_b)
{
	{
		// Over the documented 10 to 30000 ms: clamped to 30 s where used.
		const scoped_param timeout("frag_timeout_ms", "4294967295");
		// Fragments are picked while the namespace has a bound UDP oob socket.
		std::optional<on::udp_socket> keep;
		std::string mac_b;
		on::counters before;
		{
			const oob::netns::scoped_enter in(ns_b);
			keep.emplace();
			keep->bind("0.0.0.0", 0);
			mac_b = oob::link::by_name(dev_b)->mac;
			before = on::device_counters(dev_b);
		}
		{
			const oob::netns::scoped_enter in(ns_a);
			const auto l = *oob::link::by_name(dev_a);
			on::packet_socket raw(0x88b5);
			raw.bind(l.ifindex);
			raw.send(lone_fragment(l, mac_b, ip_a, ip_b));
		}
		const auto t0 = std::chrono::steady_clock::now();
		const oob::netns::scoped_enter in(ns_b);
		on::counters now;
		const bool picked = wait_for(
			[&] {
				now = on::device_counters(dev_b);
				return delta(before, now, "rx_picked") >= 1;
			},
			wait_limit);
		check(picked, dev_b + " picked the lone fragment");
		const bool expired = wait_for(
			[&] {
				now = on::device_counters(dev_b);
				return delta(before, now, "rx_drop_frag") != 0;
			},
			45s, 250ms);
		const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
			std::chrono::steady_clock::now() - t0);
		check(expired && delta(before, now, "rx_drop_frag") == 1 && took >= 20s,
		      "frag_timeout_ms=4294967295: the lone fragment " +
			      (expired ? "expired after " + std::to_string(took.count()) + " ms"
				       : std::string("did not expire in 45 s")) +
			      ", rx_drop_frag +" +
			      std::to_string(delta(before, now, "rx_drop_frag")) +
			      " (want +1 after the 30 s of the clamp, the default being 1 s)");
	}
	return oob::checks::exit_code();
}

int usage()
{
	std::fprintf(stderr,
		     "usage: oob-udp-check pingpong NS_A DEV_A IP_A NS_B DEV_B IP_B COUNT\n"
		     "       oob-udp-check pingpong-prog NS_A DEV_A IP_A NS_B DEV_B IP_B COUNT\n"
		     "       oob-udp-check neigh NS_A DEV_A IP_A NS_B DEV_B IP_B\n"
		     "       oob-udp-check timestamps NS_A IP_A NS_B DEV_B IP_B\n"
		     "       oob-udp-check frags NS_A DEV_A IP_A NS_B DEV_B IP_B\n"
		     "       oob-udp-check errors NS IP_PEER\n"
		     "       oob-udp-check eintr NS IP\n"
		     "       oob-udp-check shutdown NS IP IP_PEER\n"
		     "       oob-udp-check ipsec NS IP IP_PEER\n"
		     "       oob-udp-check inband-hold NS_A IP_A NS_B IP_B COUNT\n"
		     "       oob-udp-check msg-flags NS IP_PEER\n"
		     "       oob-udp-check rcvbuf NS_A IP_A NS_B DEV_B IP_B\n"
		     "       oob-udp-check sndbuf NS_A DEV_A IP_A IP_B\n"
		     "       oob-udp-check frag-timeout NS_A DEV_A IP_A NS_B DEV_B IP_B\n"
		     "       oob-udp-check batch NS_A DEV_A IP_A NS_B IP_B\n");
	return 2;
}

} // namespace

int main(int argc, char **argv)
{
	const std::vector<std::string> args(argv + 1, argv + argc);
	try {
		if (args.size() == 8 && args[0] == "pingpong")
			return pingpong(args[1], args[2], args[3], args[4], args[5], args[6],
					std::stoi(args[7]));
		if (args.size() == 8 && args[0] == "pingpong-prog")
			return pingpong_prog(args[1], args[2], args[3], args[4], args[5], args[6],
					     std::stoi(args[7]));
		if (args.size() == 7 && args[0] == "neigh")
			return neigh(args[1], args[2], args[3], args[4], args[5], args[6]);
		if (args.size() == 6 && args[0] == "timestamps")
			return timestamps(args[1], args[2], args[3], args[4], args[5]);
		if (args.size() == 7 && args[0] == "frags")
			return frags(args[1], args[2], args[3], args[4], args[5], args[6]);
		if (args.size() == 3 && args[0] == "errors")
			return errors(args[1], args[2]);
		if (args.size() == 3 && args[0] == "eintr")
			return eintr(args[1], args[2]);
		if (args.size() == 4 && args[0] == "shutdown")
			return shutdown_check(args[1], args[2], args[3]);
		if (args.size() == 4 && args[0] == "ipsec")
			return ipsec(args[1], args[2], args[3]);
		if (args.size() == 6 && args[0] == "inband-hold")
			return inband_hold(args[1], args[2], args[3], args[4], std::stoi(args[5]));
		if (args.size() == 3 && args[0] == "msg-flags")
			return msg_flags(args[1], args[2]);
		if (args.size() == 6 && args[0] == "rcvbuf")
			return rcvbuf(args[1], args[2], args[3], args[4], args[5]);
		if (args.size() == 5 && args[0] == "sndbuf")
			return sndbuf(args[1], args[2], args[3], args[4]);
		if (args.size() == 6 && args[0] == "batch")
			return batch_check(args[1], args[2], args[3], args[4], args[5]);
		if (args.size() == 7 && args[0] == "frag-timeout")
			return frag_timeout(args[1], args[2], args[3], args[4], args[5], args[6]);
	} catch (const std::exception &e) {
		std::printf("FAIL %s\n", e.what());
		return 1;
	}
	return usage();
}
