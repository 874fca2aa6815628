// SPDX-License-Identifier: GPL-2.0
// oob-raw-check: raw packet oob sockets across a wire, as a user sees them.
// Prints one line per check and exits 1 if any failed.
//
//   oob-raw-check pingpong NS_A DEV_A NS_B DEV_B COUNT [IPV4_B] [--tap]
//       COUNT oob round trips of an experimental-ethertype frame from DEV_A
//       to DEV_B and back (both oob ports), each followed by an in-band UDP
//       round trip to IPV4_B on the same link when given; then the socket
//       and device counters must match what was sent and received exactly.
//       With --tap, a packet tap on DEV_A's real device must see every
//       frame both ways, and every buffer must come back to the pool.
//   oob-raw-check errors NS DEV
//       The documented errors of raw oob sockets and of oob controls; DEV
//       is an oob port of NS.
//   oob-raw-check port-down NS DEV
//       A port going down under a blocked reader: the reader wakes with
//       ENETDOWN, poll() says POLLERR | POLLHUP, the port comes back.
//   oob-raw-check pool NS_A DEV_A NS_B DEV_B
//       DEV_A's port comes back with a pool of 16 buffers; a SCHED_FIFO
//       sender keeps the in-band relay off its CPU, so non-blocking sends
//       take exactly 16 buffers, then get EAGAIN; a blocking send recovers
//       and DEV_B receives every frame sent.
//   oob-raw-check fault NS_A DEV_A NS_B DEV_B down|delete|port-off
//       DEV_A's link goes down (or DEV_A, a VLAN device, is deleted, or
//       its port is switched off) under a sender: it stops with ENETDOWN,
//       DEV_B received some of what was sent and lost none it picked,
//       the port is gone, and every oob skb head comes back to the pool.
//   oob-raw-check unload-busy
//       rmmod oobnet is refused while an oob socket is open.
//   oob-raw-check rx-prog NS_A DEV_A NS_B DEV_B IPV4_B
//       An RX program on DEV_B's real device sorts frames by ethertype:
//       0x88b5 accepted, 0x88b6 dropped, 0x88b7 left in-band (a plain
//       packet socket gets those), the rest selected as without a
//       program (in-band UDP to IPV4_B keeps working); the counters say
//       so, and the bad program descriptors get their errors.
#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <future>
#include <string>
#include <system_error>
#include <thread>
#include <tuple>
#include <vector>

#include <arpa/inet.h>
#include <linux/capability.h>
#include <linux/if_ether.h>
#include <linux/net_oob.h>
#include <uapi/oobnet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oob/check.hpp"
#include "oob/echo.hpp"
#include "oob/fd.hpp"
#include "oob/link.hpp"
#include "oob/mac.hpp"
#include "oob/netns.hpp"
#include "oob/oobnet.hpp"
#include "oob/privilege.hpp"
#include "oob/sched.hpp"

namespace {

using namespace std::chrono_literals;
namespace on = oob::oobnet;

constexpr std::uint16_t test_ethertype = 0x88b5; // IEEE local experimental 1
constexpr std::uint16_t udp_port = 7777;
constexpr std::size_t frame_len = 64;
constexpr auto wait_limit = 5s;
// Where the ethertype sits in a frame: after the two addresses.
constexpr std::size_t type_offset = std::size_t{2} * ETH_ALEN;

using oob::checks::check;
using oob::checks::expect_errno;
using oob::oobnet::delta;
using oob::oobnet::value_of;

using mac = oob::mac_address;
using oob::parse_mac;

sockaddr_ll from_ll(const on::received &r)
{
	sockaddr_ll sll{};
	std::memcpy(&sll, &r.from, sizeof(sll));
	return sll;
}

oob::link::info link_of(const std::string &dev)
{
	auto l = oob::link::by_name(dev);
	if (!l)
		throw std::runtime_error("no link " + dev);
	return *l;
}

std::vector<std::byte> make_frame(const mac &dst, const mac &src, std::uint32_t seq)
{
	std::vector<std::byte> f(frame_len);
	std::memcpy(f.data(), dst.data(), ETH_ALEN);
	std::memcpy(f.data() + ETH_ALEN, src.data(), ETH_ALEN);
	const std::uint16_t type = htons(test_ethertype);
	std::memcpy(f.data() + type_offset, &type, sizeof(type));
	const std::uint32_t nseq = htonl(seq);
	std::memcpy(f.data() + ETH_HLEN, &nseq, sizeof(nseq));
	for (std::size_t i = ETH_HLEN + sizeof(nseq); i < f.size(); i++)
		f[i] = static_cast<std::byte>(seq + i);
	return f;
}

// The real device under a port: "vta.100" -> "vta".
std::string real_of(const std::string &dev)
{
	const auto dot = dev.find('.');
	return dot == std::string::npos ? dev : dev.substr(0, dot);
}

// The far end: echoes COUNT oob frames back.
struct echo_end {
	std::promise<mac> ready;
	long long socket_rx = -1, socket_tx = -1, socket_drop = -1;
	on::counters before, after;
	std::string error;
};

void run_echo(echo_end &e, const std::string &ns, const std::string &dev, int count)
{
	try {
		const oob::netns::scoped_enter in(ns);
		const auto l = link_of(dev);
		on::packet_socket s(test_ethertype);
		s.bind(l.ifindex);
		e.before = on::device_counters(real_of(dev));
		e.ready.set_value(parse_mac(l.mac));

		std::array<std::byte, 2048> buf{};
		for (int i = 0; i < count; i++) {
			const auto r = s.recv(buf, on::timeout::after(wait_limit));
			std::array<std::byte, ETH_ALEN> tmp{};
			std::memcpy(tmp.data(), buf.data(), ETH_ALEN);
			std::memmove(buf.data(), buf.data() + ETH_ALEN, ETH_ALEN);
			std::memcpy(buf.data() + ETH_ALEN, tmp.data(), ETH_ALEN);
			s.send(std::span(buf.data(), r.length));
		}
		const auto sc = on::socket_counters(s.inode());
		e.socket_rx = value_of(sc, "rx");
		e.socket_tx = value_of(sc, "tx");
		e.socket_drop = value_of(sc, "rx_drop");
		e.after = on::device_counters(real_of(dev));
	} catch (const std::exception &ex) {
		e.error = ex.what();
		try {
			e.ready.set_exception(std::current_exception());
		} catch (const std::future_error &) {
			// Already set: the error is reported through e.error.
		}
	}
}

// A plain ETH_P_ALL packet socket on a device: what tcpdump would see.
class tap {
public:
	explicit tap(int ifindex)
	    : fd_(::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL)))
	{
		if (!fd_)
			oob::throw_errno("tap socket");
		sockaddr_ll sll{};
		sll.sll_family = AF_PACKET;
		sll.sll_protocol = htons(ETH_P_ALL);
		sll.sll_ifindex = ifindex;
		oob::check_syscall("bind tap", ::bind, fd_.get(),
				   reinterpret_cast<const sockaddr *>(&sll), sizeof(sll));
	}
	// Counts the test frames queued so far, tagged or not.
	void drain()
	{
		std::array<std::uint8_t, 2048> buf{};
		ssize_t n = 0;
		while ((n = ::recv(fd_.get(), buf.data(), buf.size(), 0)) > 0) {
			const auto type_at = [&](std::size_t off) {
				return static_cast<std::size_t>(n) >= off + 2
					       ? (buf[off] << 8 | buf[off + 1])
					       : 0;
			};
			if (type_at(type_offset) == test_ethertype ||
			    (type_at(type_offset) == ETH_P_8021Q &&
			     type_at(type_offset + 4) == test_ethertype))
				seen_++;
		}
	}
	[[nodiscard]] int seen() const { return seen_; }

private:
	oob::unique_fd fd_;
	int seen_ = 0;
};

int pingpong(const std::string &ns_a, const std::string &dev_a, const std::string &ns_b,
	     const std::string &dev_b, int count, const std::string &ip_b, bool with_tap)
{
	int tapped = -1;
	bool drained = false;
	const bool inband = !ip_b.empty();
	echo_end far;
	auto far_mac = far.ready.get_future();
	std::thread echo(run_echo, std::ref(far), ns_b, dev_b, count);
	std::optional<oob::inband_udp_echo> udp_echo;
	if (inband)
		udp_echo.emplace(ns_b, udp_port);

	const oob::netns::scoped_enter in(ns_a);
	int oob_ok = 0, inband_ok = 0;
	long long rx = -1, tx = -1;
	on::counters before, after;
	try {
		const auto l = link_of(dev_a);
		const mac src = parse_mac(l.mac);
		on::packet_socket s(test_ethertype);
		s.bind(l.ifindex);
		oob::unique_fd udp(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
		timeval tv{5, 0};
		oob::check_syscall("SO_RCVTIMEO", ::setsockopt, udp.get(), SOL_SOCKET, SO_RCVTIMEO,
				   &tv, sizeof(tv));
		sockaddr_in to{};
		to.sin_family = AF_INET;
		to.sin_port = htons(udp_port);
		::inet_pton(AF_INET, ip_b.empty() ? "0.0.0.0" : ip_b.c_str(), &to.sin_addr);

		if (far_mac.wait_for(wait_limit) != std::future_status::ready)
			throw std::runtime_error("the far end did not come up");
		const mac dst = far_mac.get();
		before = on::device_counters(real_of(dev_a));
		std::optional<tap> t;
		if (with_tap)
			t.emplace(link_of(real_of(dev_a)).ifindex);
		std::array<std::byte, 2048> buf{};
		for (int i = 0; i < count; i++) {
			const auto f = make_frame(dst, src, static_cast<std::uint32_t>(i));
			s.send(f);
			const auto r = s.recv(buf, on::timeout::after(wait_limit));
			// The echo swapped the addresses and kept the rest.
			const bool same =
				r.length == f.size() && !r.truncated &&
				std::memcmp(buf.data(), src.data(), ETH_ALEN) == 0 &&
				std::memcmp(buf.data() + ETH_ALEN, dst.data(), ETH_ALEN) == 0 &&
				std::memcmp(buf.data() + type_offset, f.data() + type_offset,
					    f.size() - type_offset) == 0 &&
				std::memcmp(from_ll(r).sll_addr, dst.data(), ETH_ALEN) == 0 &&
				from_ll(r).sll_ifindex == l.ifindex;
			oob_ok += same ? 1 : 0;
			if (t)
				t->drain();
			if (inband) {
				const std::uint32_t seq = htonl(static_cast<std::uint32_t>(i));
				::sendto(udp.get(), &seq, sizeof(seq), 0,
					 reinterpret_cast<sockaddr *>(&to), sizeof(to));
				std::uint32_t back = 0;
				if (::recv(udp.get(), &back, sizeof(back), 0) == sizeof(back) &&
				    back == seq)
					inband_ok++;
			}
		}
		if (t) {
			std::this_thread::sleep_for(50ms);
			t->drain();
			tapped = t->seen();
			// Every buffer back: the tap's clones made none stick.
			for (int i = 0; i < 100 && !drained; i++) {
				drained = value_of(on::device_counters(real_of(dev_a)),
						   "inflight") == 0;
				std::this_thread::sleep_for(20ms);
			}
		}
		const auto sc = on::socket_counters(s.inode());
		if (sc.empty())
			std::printf("# socket %lu not in:\n%s",
				    static_cast<unsigned long>(s.inode()),
				    on::table_text("sockets").c_str());
		rx = value_of(sc, "rx");
		tx = value_of(sc, "tx");
		after = on::device_counters(real_of(dev_a));
	} catch (const std::exception &ex) {
		check(false, std::string("near end: ") + ex.what());
	}
	echo.join();
	udp_echo.reset();
	if (!far.error.empty())
		check(false, "far end: " + far.error);

	const std::string n = std::to_string(count);
	if (with_tap) {
		check(tapped == 2 * count, "the tap on " + real_of(dev_a) + " saw " +
						   std::to_string(tapped) + " test frames (want " +
						   std::to_string(2 * count) + ")");
		check(drained,
		      "every buffer of " + real_of(dev_a) + " came back with the tap open");
	}
	check(oob_ok == count, "oob round trips " + dev_a + " <-> " + dev_b + ": " +
				       std::to_string(oob_ok) + "/" + n + " intact");
	if (inband)
		check(inband_ok == count,
		      "in-band UDP round trips alongside: " + std::to_string(inband_ok) + "/" + n);
	check(rx == count && tx == count, "near socket counted rx " + std::to_string(rx) + " tx " +
						  std::to_string(tx) + " (want " + n + ")");
	check(far.socket_rx == count && far.socket_tx == count && far.socket_drop == 0,
	      "far socket counted rx " + std::to_string(far.socket_rx) + " tx " +
		      std::to_string(far.socket_tx) + " rx_drop " +
		      std::to_string(far.socket_drop));
	for (const auto &[what, b, a] :
	     {std::tuple{dev_a, &before, &after}, std::tuple{dev_b, &far.before, &far.after}}) {
		const long long picked = delta(*b, *a, "rx_picked");
		const auto [sent, other] = on::sent_by_stage(*b, *a);
		long long dropped = 0;
		for (const char *k : {"rx_drop_vlan", "rx_drop_backlog", "rx_drop_nosock",
				      "rx_drop_rcvbuf", "tx_drop"})
			dropped += delta(*b, *a, k);
		check(picked == count && sent == count && other == 0 && dropped == 0,
		      real_of(what)
			      .append(" counted rx_picked ")
			      .append(std::to_string(picked))
			      .append(" ")
			      .append(on::send_stage(*a))
			      .append(" ")
			      .append(std::to_string(sent))
			      .append(" (other stage ")
			      .append(std::to_string(other))
			      .append(") drops ")
			      .append(std::to_string(dropped))
			      .append(" (want ")
			      .append(n)
			      .append(" ")
			      .append(n)
			      .append(" 0 0)"));
		if (inband)
			check(delta(*b, *a, "rx_inband") >= count,
			      real_of(what) +
				      " left the in-band flow to the in-band stack: rx_inband +" +
				      std::to_string(delta(*b, *a, "rx_inband")));
	}
	return oob::checks::exit_code();
}

// Runs f in a child without CAP_NET_ADMIN in its effective set.
int without_net_admin(const std::function<int()> &f)
{
	return oob::errno_as(oob::identity::root_without(CAP_NET_ADMIN), f);
}

int errors(const std::string &ns, const std::string &dev)
{
	const oob::netns::scoped_enter in(ns);
	const auto l = link_of(dev);
	const auto lo = link_of("lo");
	std::array<std::byte, 2048> buf{};

	expect_errno("socket(AF_PACKET, SOCK_DGRAM | SOCK_OOB): unknown type", EPROTONOSUPPORT, [] {
		const oob::unique_fd fd(
			::socket(AF_PACKET, SOCK_DGRAM | SOCK_OOB, htons(ETH_P_ALL)));
		if (!fd)
			oob::throw_errno("socket");
	});
	{
		on::packet_socket s(test_ethertype);
		expect_errno("bind to lo, not a port", ENXIO, [&] { s.bind(lo.ifindex); });
		expect_errno("receive before bind", ENOTCONN,
			     [&] { (void)s.recv(buf, on::timeout::none()); });
		expect_errno("send before bind, no destination", EDESTADDRREQ,
			     [&] { s.send(std::span(buf.data(), frame_len)); });
		sockaddr_ll to_lo{};
		to_lo.sll_family = AF_PACKET;
		to_lo.sll_ifindex = lo.ifindex;
		expect_errno("send to lo, not a port", ENXIO,
			     [&] { s.send_to(std::span(buf.data(), frame_len), to_lo); });
	}
	{
		on::packet_socket s(test_ethertype);
		s.bind(l.ifindex);
		expect_errno("receive with nothing queued, no wait", EAGAIN,
			     [&] { (void)s.recv(buf, on::timeout::none()); });
		const auto t0 = std::chrono::steady_clock::now();
		expect_errno("receive with a 50 ms timeout", ETIMEDOUT,
			     [&] { (void)s.recv(buf, on::timeout::after(50ms)); });
		check(std::chrono::steady_clock::now() - t0 >= 50ms,
		      "the timeout waited at least 50 ms");
		expect_errno("send shorter than an Ethernet header", EINVAL,
			     [&] { s.send(std::span(buf.data(), ETH_HLEN - 1)); });
		const auto mtu = std::stoul(on::sysfs_read(ns, "/sys/class/net/" + dev + "/mtu"));
		std::vector<std::byte> big(mtu + ETH_HLEN + 1);
		expect_errno("send over the MTU", EMSGSIZE, [&] { s.send(big); });
		pollfd p{s.fd(), POLLIN | POLLOUT, 0};
		check(::poll(&p, 1, 0) == 1 && p.revents == POLLOUT,
		      "poll: writable, nothing to read");
		oob::unique_fd nb(::socket(AF_PACKET, SOCK_RAW | SOCK_OOB | SOCK_NONBLOCK,
					   htons(test_ethertype)));
		check(nb.valid(), "SOCK_OOB with SOCK_NONBLOCK opens");
		sockaddr_ll sll{};
		sll.sll_family = AF_PACKET;
		sll.sll_ifindex = l.ifindex;
		check(::bind(nb.get(), reinterpret_cast<sockaddr *>(&sll), sizeof(sll)) == 0,
		      "bind by hand");
		const ssize_t n = ::read(nb.get(), buf.data(), buf.size());
		check(n == -1 && errno == EAGAIN, "read() on a non-blocking oob socket: EAGAIN");
	}

	const std::string list = on::vlans();
	for (const char *bad : {"5000", "0", "30-20", "7,", "x", "1-2-3"})
		expect_errno(std::string("VLAN list \"") + bad + "\"", EINVAL,
			     [&] { on::set_vlans(bad); });
	check(on::vlans() == list, "the VLAN list stayed \"" + list + "\"");
	on::set_vlans("10,20-29,4094");
	check(on::vlans() == "10,20-29,4094", "VLAN list set and read back: " + on::vlans());
	on::set_vlans(list);

	const std::string ctl = "/sys/class/net/" + dev + "/oob_port";
	const int err = without_net_admin([&] {
		try {
			on::sysfs_write(ns, ctl, "0");
		} catch (const std::system_error &e) {
			return e.code().value();
		}
		return 0;
	});
	check(err == EPERM,
	      std::string("port control without CAP_NET_ADMIN: ") + std::strerror(err));
	check(on::port(ns, dev), dev + " is still a port");
	return oob::checks::exit_code();
}

int port_down(const std::string &ns, const std::string &dev)
{
	const bool was = on::port(ns, dev);
	if (!was)
		on::set_port(ns, dev, true);
	int got = 0;
	{
		const oob::netns::scoped_enter in(ns);
		const auto l = link_of(dev);
		on::packet_socket s(test_ethertype);
		s.bind(l.ifindex);
		std::promise<int> result;
		auto done = result.get_future();
		std::thread reader([&] {
			std::array<std::byte, 2048> buf{};
			try {
				(void)s.recv(buf, on::timeout::after(wait_limit));
				result.set_value(0);
			} catch (const std::system_error &e) {
				result.set_value(e.code().value());
			}
		});
		// Let the reader block, then take the port away under it.
		std::this_thread::sleep_for(100ms);
		on::set_port(ns, dev, false);
		got = done.wait_for(wait_limit) == std::future_status::ready ? done.get() : ETIME;
		reader.join();
		check(got == ENETDOWN,
		      std::string("blocked reader woke with: ") + std::strerror(got));
		pollfd p{s.fd(), POLLIN, 0};
		check(::poll(&p, 1, 0) == 1 &&
			      (p.revents & (POLLERR | POLLHUP)) == (POLLERR | POLLHUP),
		      "poll on a closed port: POLLERR | POLLHUP");
		std::array<std::byte, 64> buf{};
		expect_errno("receive on a closed port", ENETDOWN,
			     [&] { (void)s.recv(buf, on::timeout::none()); });
		expect_errno("bind to the closed port", ENXIO, [&] { s.bind(l.ifindex); });
	}
	on::set_port(ns, dev, true);
	check(on::port(ns, dev), dev + " is a port again");
	if (!was)
		on::set_port(ns, dev, false);
	return oob::checks::exit_code();
}

// The far end of the fault and pool tests: counts frames until told to
// stop, then until none came for `idle`; then reads its socket's counters
// and its device's.
struct counting_end {
	std::promise<mac> ready;
	std::atomic<bool> stop{false};
	int received = 0;
	int error = 0; // what ended it other than stop and idle, 0 for nothing
	long long socket_rx = -1, socket_drop = -1;
	on::counters before, after;
};

void run_counter(counting_end &e, const std::string &ns, const std::string &dev,
		 std::chrono::milliseconds idle)
{
	try {
		const oob::netns::scoped_enter in(ns);
		const auto l = link_of(dev);
		on::packet_socket s(test_ethertype);
		s.bind(l.ifindex);
		e.before = on::device_counters(real_of(dev));
		e.ready.set_value(parse_mac(l.mac));
		std::array<std::byte, 2048> buf{};
		for (;;) {
			try {
				(void)s.recv(buf, on::timeout::after(idle));
				e.received++;
			} catch (const std::system_error &ex) {
				if (ex.code().value() != ETIMEDOUT)
					throw;
				if (e.stop)
					break;
			}
		}
		const auto sc = on::socket_counters(s.inode());
		e.socket_rx = value_of(sc, "rx");
		e.socket_drop = value_of(sc, "rx_drop");
		e.after = on::device_counters(real_of(dev));
	} catch (const std::system_error &ex) {
		e.error = ex.code().value();
		std::printf("# far end: %s\n", ex.what());
	} catch (const std::exception &ex) {
		e.error = EIO;
		std::printf("# far end: %s\n", ex.what());
	}
	try {
		e.ready.set_value({});
	} catch (const std::future_error &) {
		// Set already.
	}
}

// Every oob skb head back: exactly as many free as before the test.
void check_heads_back(long long want)
{
	const long long got = on::oob_heads_back(want);
	check(got == want, "every oob skb head came back: " + std::to_string(got) + " free (want " +
				   std::to_string(want) + ")");
}

int pool(const std::string &ns_a, const std::string &dev_a, const std::string &ns_b,
	 const std::string &dev_b)
{
	constexpr int small_pool = 16;
	// Before the port changes: nothing else on the pool has to wait for them.
	const long long heads = on::settled_oob_heads();
	const std::string pool_max = "/sys/module/oobnet/parameters/pool_max";
	const std::string old_max = on::sysfs_read({}, pool_max);
	on::sysfs_write({}, pool_max, std::to_string(small_pool));
	on::set_port(ns_a, dev_a, false);
	on::set_port(ns_a, dev_a, true);
	on::sysfs_write({}, pool_max, old_max);
	check(on::sysfs_read(ns_a, "/sys/class/net/" + dev_a + "/oob_pool") == "16 4096",
	      dev_a + " has a pool of 16 buffers");

	counting_end far;
	auto far_mac = far.ready.get_future();
	std::thread counter(run_counter, std::ref(far), ns_b, dev_b, 2000ms);
	int sent = 0, again = 0;
	std::string error;
	on::counters c;
	std::thread sender([&] {
		try {
			oob::set_realtime(0, 10);
			const oob::netns::scoped_enter in(ns_a);
			const auto l = link_of(dev_a);
			on::packet_socket s(test_ethertype);
			s.bind(l.ifindex);
			const mac dst = far_mac.get();
			for (; sent < 1000; sent++) {
				const auto f = make_frame(dst, parse_mac(l.mac),
							  static_cast<std::uint32_t>(sent));
				try {
					s.send(f, on::timeout::none());
				} catch (const std::system_error &e) {
					if (e.code().value() != EAGAIN)
						throw;
					again = sent;
					break;
				}
			}
			c = on::device_counters(dev_a);
			// Blocking now: the relay gets the CPU and buffers come back.
			s.send(make_frame(dst, parse_mac(l.mac), static_cast<std::uint32_t>(sent)),
			       on::timeout::after(wait_limit));
			sent++;
		} catch (const std::exception &e) {
			error = e.what();
		}
	});
	sender.join();
	far.stop = true;
	counter.join();
	check(error.empty(), "sender: " + (error.empty() ? std::string("no error") : error));
	check(far.error == 0,
	      std::string("far end: ") + (far.error != 0 ? std::strerror(far.error) : "no error"));
	check(again == small_pool, "non-blocking sends took " + std::to_string(again) +
					   " buffers, then EAGAIN (want 16)");
	check(value_of(c, "tx_nobuf") >= 1 && value_of(c, "pool_low") == 0,
	      "counted tx_nobuf " + std::to_string(value_of(c, "tx_nobuf")) + ", pool_low " +
		      std::to_string(value_of(c, "pool_low")));
	check(far.received == sent, "the far end received " + std::to_string(far.received) +
					    " of " + std::to_string(sent));
	check_heads_back(heads);
	{
		const oob::netns::scoped_enter in(ns_a);
		check(value_of(on::device_counters(dev_a), "inflight") == 0, "no buffer in flight");
	}
	// The port again with the default pool.
	on::set_port(ns_a, dev_a, false);
	on::set_port(ns_a, dev_a, true);
	return oob::checks::exit_code();
}

enum class fault_kind { down, remove, port_off };

int fault(const std::string &ns_a, const std::string &dev_a, const std::string &ns_b,
	  const std::string &dev_b, fault_kind kind)
{
	const bool remove = kind == fault_kind::remove;
	const long long heads = on::settled_oob_heads();
	counting_end far;
	auto far_mac = far.ready.get_future();
	std::thread counter(run_counter, std::ref(far), ns_b, dev_b, 1000ms);
	std::atomic<bool> sending{false};
	int sent = 0, error = 0;
	long long counted = -1;
	std::thread sender([&] {
		try {
			const oob::netns::scoped_enter in(ns_a);
			const auto l = link_of(dev_a);
			on::packet_socket s(test_ethertype);
			s.bind(l.ifindex);
			const mac dst = far_mac.get();
			try {
				for (;; sent++) {
					s.send(make_frame(dst, parse_mac(l.mac),
							  static_cast<std::uint32_t>(sent)),
					       on::timeout::after(wait_limit));
					sending = true;
				}
			} catch (const std::system_error &e) {
				error = e.code().value();
			}
			counted = value_of(on::socket_counters(s.inode()), "tx");
		} catch (const std::exception &e) {
			std::printf("# near end: %s\n", e.what());
			error = EIO;
		}
		sending = true;
	});
	while (!sending)
		std::this_thread::sleep_for(10ms);
	std::this_thread::sleep_for(200ms);
	if (kind == fault_kind::port_off) {
		on::set_port(ns_a, dev_a, false);
	} else {
		const oob::netns::scoped_enter in(ns_a);
		const auto l = link_of(dev_a);
		oob::link::rtnl nl;
		if (remove)
			nl.remove(l.ifindex);
		else
			nl.set_up(l.ifindex, false);
	}
	sender.join();
	far.stop = true;
	counter.join();
	const std::string what = dev_a + (remove			 ? " deleted"
					  : kind == fault_kind::port_off ? " no port any more"
									 : " down");
	check(error == ENETDOWN, what + " under a sender: it stopped with " + std::strerror(error));
	check(sent > 0 && counted == sent,
	      "sent " + std::to_string(sent) + ", counted " + std::to_string(counted));
	check(far.error == 0,
	      std::string("far end: ") + (far.error != 0 ? std::strerror(far.error) : "no error"));
	// Frames sent before the fault arrive; those the fault caught may be
	// lost, never more.  What the far socket took it delivered or counted
	// as dropped, and it took every frame its device picked.
	check(far.received > 0 && far.received == far.socket_rx &&
		      far.received + far.socket_drop <= counted,
	      "the far end received " + std::to_string(far.received) + " of " +
		      std::to_string(counted) + " sent; its socket counted rx " +
		      std::to_string(far.socket_rx) + " rx_drop " +
		      std::to_string(far.socket_drop) +
		      " (want 0 < rx == received, rx + rx_drop <= sent)");
	const long long picked = delta(far.before, far.after, "rx_picked");
	check(picked == far.socket_rx + far.socket_drop,
	      real_of(dev_b) + " counted rx_picked " + std::to_string(picked) +
		      " (want the far socket's rx + rx_drop, " +
		      std::to_string(far.socket_rx + far.socket_drop) + ")");
	if (!remove)
		check(!on::port(ns_a, dev_a), dev_a + " is no port any more");
	check_heads_back(heads);
	if (kind == fault_kind::down) {
		const oob::netns::scoped_enter in(ns_a);
		oob::link::rtnl nl;
		nl.set_up(link_of(dev_a).ifindex, true);
		check(oob::link::wait_carrier(dev_a, wait_limit), dev_a + " has its carrier back");
	}
	return oob::checks::exit_code();
}

int unload_busy()
{
	on::packet_socket s(test_ethertype);
	const long ret = ::syscall(SYS_delete_module, "oobnet", O_NONBLOCK);
	const int err = ret == -1 ? errno : 0;
	check(ret == -1 && err == EWOULDBLOCK,
	      std::string("rmmod with an oob socket open: ") +
		      (err != 0 ? std::strerror(err) : "unloaded"));
	return oob::checks::exit_code();
}

// r0 = ethertype; accept 0x88b5, drop 0x88b6, leave 0x88b7 in-band, else
// select as without a program.
std::vector<bpf_insn> ethertype_sorter()
{
	const auto ld_abs_h = [](std::int32_t off) {
		return bpf_insn{BPF_LD | BPF_ABS | BPF_H, 0, 0, 0, off};
	};
	const auto jeq = [](std::int32_t imm, std::int16_t skip) {
		return bpf_insn{BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, skip, imm};
	};
	const auto ret = [](std::int32_t verdict) {
		return std::array<bpf_insn, 2>{
			bpf_insn{BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, verdict},
			bpf_insn{BPF_JMP | BPF_EXIT, 0, 0, 0, 0}};
	};
	std::vector<bpf_insn> p{
		bpf_insn{BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0},
		ld_abs_h(type_offset),
		jeq(0x88b5, 8),
		jeq(0x88b6, 3),
		jeq(0x88b7, 4),
	};
	for (const int v : {OOBNET_VERDICT_VLAN, OOBNET_VERDICT_DROP, OOBNET_VERDICT_INBAND,
			    OOBNET_VERDICT_ACCEPT})
		for (const auto &i : ret(v))
			p.push_back(i);
	return p;
}

// Sends count frames of ethertype from DEV_A; the far end's oob socket
// (when open) and in-band packet socket for it count what arrives.
struct sorted {
	int oob = 0;
	int inband = 0;
};

sorted send_sorted(const std::string &ns_a, const std::string &dev_a, const std::string &ns_b,
		   const std::string &dev_b, std::uint16_t ethertype, int count, bool far_socket)
{
	sorted got;
	std::promise<mac> ready;
	auto far_mac = ready.get_future();
	std::atomic<bool> stop{false};
	std::thread far([&] {
		try {
			const oob::netns::scoped_enter in(ns_b);
			const auto l = link_of(dev_b);
			std::optional<on::packet_socket> s;
			if (far_socket) {
				s.emplace(ethertype);
				s->bind(l.ifindex);
			}
			oob::unique_fd plain(::socket(AF_PACKET,
						      SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
						      htons(ethertype)));
			ready.set_value(parse_mac(l.mac));
			std::array<std::byte, 2048> buf{};
			for (int idle = 0; idle < 10 && !stop;) {
				bool any = false;
				if (s) {
					try {
						(void)s->recv(buf, on::timeout::none());
						got.oob++;
						any = true;
					} catch (const std::system_error &) {
						// Nothing queued.
					}
				}
				if (::recv(plain.get(), buf.data(), buf.size(), 0) > 0) {
					got.inband++;
					any = true;
				}
				if (!any) {
					idle++;
					std::this_thread::sleep_for(50ms);
				}
			}
		} catch (const std::exception &e) {
			std::printf("# far end: %s\n", e.what());
			try {
				ready.set_value({});
			} catch (const std::future_error &) {
				// Set already.
			}
		}
	});
	{
		const oob::netns::scoped_enter in(ns_a);
		const auto l = link_of(dev_a);
		on::packet_socket s(test_ethertype);
		s.bind(l.ifindex);
		const mac dst = far_mac.get();
		for (int i = 0; i < count; i++) {
			auto f = make_frame(dst, parse_mac(l.mac), static_cast<std::uint32_t>(i));
			const std::uint16_t type = htons(ethertype);
			std::memcpy(f.data() + type_offset, &type, sizeof(type));
			s.send(f);
		}
	}
	far.join();
	return got;
}

int rx_prog(const std::string &ns_a, const std::string &dev_a, const std::string &ns_b,
	    const std::string &dev_b, const std::string &ip_b)
{
	constexpr int count = 20;
	const auto prog = on::load_socket_filter(ethertype_sorter());
	int ifindex = 0;
	on::counters before;
	{
		const oob::netns::scoped_enter in(ns_b);
		ifindex = link_of(dev_b).ifindex;
		const auto lo = link_of("lo");
		on::packet_socket ctl(test_ethertype);
		expect_errno("RX program on lo, no port", ENXIO,
			     [&] { on::set_rx_prog(ctl, lo.ifindex, prog.get()); });
		expect_errno("RX program on no device", ENODEV,
			     [&] { on::set_rx_prog(ctl, 99999, prog.get()); });
		expect_errno("RX program from a closed fd", EBADF,
			     [&] { on::set_rx_prog(ctl, ifindex, 1000); });
		expect_errno("RX program from a socket fd", EINVAL,
			     [&] { on::set_rx_prog(ctl, ifindex, ctl.fd()); });
		const int err = without_net_admin([&] {
			try {
				on::set_rx_prog(ctl, ifindex, prog.get());
			} catch (const std::system_error &e) {
				return e.code().value();
			}
			return 0;
		});
		check(err == EPERM,
		      std::string("RX program without CAP_NET_ADMIN: ") + std::strerror(err));
		on::set_rx_prog(ctl, ifindex, prog.get());
		check(value_of(on::device_counters(dev_b), "rx_prog") > 0,
		      "the device shows its RX program id " +
			      std::to_string(value_of(on::device_counters(dev_b), "rx_prog")));
		before = on::device_counters(dev_b);
	}

	const auto accepted = send_sorted(ns_a, dev_a, ns_b, dev_b, 0x88b5, count, true);
	check(accepted.oob == count && accepted.inband == 0,
	      "0x88b5 accepted: oob socket got " + std::to_string(accepted.oob) + ", in-band " +
		      std::to_string(accepted.inband));
	const auto dropped = send_sorted(ns_a, dev_a, ns_b, dev_b, 0x88b6, count, true);
	check(dropped.oob == 0 && dropped.inband == 0,
	      "0x88b6 dropped: oob " + std::to_string(dropped.oob) + ", in-band " +
		      std::to_string(dropped.inband));
	const auto left = send_sorted(ns_a, dev_a, ns_b, dev_b, 0x88b7, count, true);
	check(left.oob == 0 && left.inband == count,
	      "0x88b7 left in-band: oob " + std::to_string(left.oob) + ", in-band " +
		      std::to_string(left.inband));
	const auto unclaimed = send_sorted(ns_a, dev_a, ns_b, dev_b, 0x88b5, count, false);
	check(unclaimed.inband == 0, "0x88b5 with no oob socket: not in-band either (" +
					     std::to_string(unclaimed.inband) + ")");
	{
		const oob::netns::scoped_enter in(ns_a);
		oob::unique_fd udp(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
		const auto to = on::ipv4_address(ip_b, 9);
		const std::uint32_t probe = 1;
		// Discard port: nobody answers, ARP and the datagram still go in-band.
		check(::sendto(udp.get(), &probe, sizeof(probe), 0,
			       reinterpret_cast<const sockaddr *>(&to),
			       sizeof(to)) == sizeof(probe),
		      "in-band UDP to " + ip_b + " sent");
	}
	{
		const oob::netns::scoped_enter in(ns_b);
		std::this_thread::sleep_for(200ms);
		const auto after = on::device_counters(dev_b);
		check(delta(before, after, "rx_drop_prog") == count,
		      "counted rx_drop_prog " +
			      std::to_string(delta(before, after, "rx_drop_prog")));
		check(delta(before, after, "rx_drop_nosock") == count,
		      "counted rx_drop_nosock " +
			      std::to_string(delta(before, after, "rx_drop_nosock")));
		check(delta(before, after, "rx_picked") == count,
		      "counted rx_picked " + std::to_string(delta(before, after, "rx_picked")));
		check(delta(before, after, "rx_inband") >= count + 1,
		      "counted rx_inband +" + std::to_string(delta(before, after, "rx_inband")));
		on::packet_socket ctl(test_ethertype);
		on::set_rx_prog(ctl, ifindex, -1);
		check(value_of(on::device_counters(dev_b), "rx_prog") == 0,
		      "the RX program is gone");
	}
	return oob::checks::exit_code();
}

int usage()
{
	std::fprintf(stderr,
		     "usage: oob-raw-check pingpong NS_A DEV_A NS_B DEV_B COUNT [IPV4_B]\n"
		     "       oob-raw-check errors NS DEV\n"
		     "       oob-raw-check port-down NS DEV\n"
		     "       oob-raw-check pool NS_A DEV_A NS_B DEV_B\n"
		     "       oob-raw-check fault NS_A DEV_A NS_B DEV_B down|delete|port-off\n"
		     "       oob-raw-check unload-busy\n"
		     "       oob-raw-check rx-prog NS_A DEV_A NS_B DEV_B IPV4_B\n");
	return 2;
}

} // namespace

int main(int argc, char **argv)
{
	const std::vector<std::string> args(argv + 1, argv + argc);
	try {
		if (args.size() >= 6 && args[0] == "pingpong") {
			const bool with_tap = args.back() == "--tap";
			const std::size_t n = args.size() - (with_tap ? 1 : 0);
			return pingpong(args[1], args[2], args[3], args[4], std::stoi(args[5]),
					n > 6 ? args[6] : std::string(), with_tap);
		}
		if (args.size() == 3 && args[0] == "errors")
			return errors(args[1], args[2]);
		if (args.size() == 3 && args[0] == "port-down")
			return port_down(args[1], args[2]);
		if (args.size() == 5 && args[0] == "pool")
			return pool(args[1], args[2], args[3], args[4]);
		if (args.size() == 6 && args[0] == "fault") {
			const std::map<std::string, fault_kind> kinds{
				{"down", fault_kind::down},
				{"delete", fault_kind::remove},
				{"port-off", fault_kind::port_off}};
			if (const auto k = kinds.find(args[5]); k != kinds.end())
				return fault(args[1], args[2], args[3], args[4], k->second);
		}
		if (args.size() == 1 && args[0] == "unload-busy")
			return unload_busy();
		if (args.size() == 6 && args[0] == "rx-prog")
			return rx_prog(args[1], args[2], args[3], args[4], args[5]);
	} catch (const std::exception &e) {
		std::printf("FAIL %s\n", e.what());
		return 1;
	}
	return usage();
}
