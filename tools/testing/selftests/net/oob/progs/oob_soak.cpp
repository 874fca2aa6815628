// SPDX-License-Identifier: GPL-2.0
// oob-soak: oob and in-band UDP mixed on one wire for a long time, with the
// wire and the ports disturbed between rounds, and every oob datagram
// accounted for.
//
//   oob-soak NS_A DEV_A IP_A NS_B DEV_B IP_B [SECONDS]
//
// SECONDS defaults to oob.soak.seconds= on the kernel command line, else
// 30.  Each round opens fresh oob UDP sockets on both ends and, for
// round_traffic, sends numbered datagrams from A to B in bursts of 8, a
// millisecond apart, next to an in-band UDP flood.  Then the sender stops, and the round
// checks, exactly, that every datagram a send accepted was received or is
// counted in a drop counter: B's rx_drop_* and A's tx_drop.  Between
// rounds it disturbs one thing in turn (the links of A and B go down and
// up, the ports of A and B are switched off and on, a burst of oob sockets
// is opened and closed on both ends), then waits for the carrier and for
// A's neighbour entry of B (see resolve()).  At the end, the oob skb head
// pool is back to its count.  A disturbance during traffic loses datagrams
// no counter can see (on the wire, in a ring being reset), so accounting
// is done across quiet boundaries.
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "oob/check.hpp"
#include "oob/fd.hpp"
#include "oob/link.hpp"
#include "oob/netns.hpp"
#include "oob/oobnet.hpp"
#include "oob/process.hpp"

namespace {

using namespace std::chrono_literals;
namespace on = oob::oobnet;
using oob::checks::check;
using oob::oobnet::delta;

constexpr std::uint16_t oob_port = 9100;
constexpr std::uint16_t inband_port = 7778;
constexpr std::size_t payload_len = 200;
constexpr auto round_traffic = 4s;
constexpr auto send_gap = 1ms;
constexpr int burst = 8; // datagrams back to back, then send_gap
constexpr auto drain_limit = 10s;
constexpr auto wait_limit = 10s;

// The counters that take an oob datagram A sent and B did not deliver.
constexpr std::array rx_drops = {"rx_drop_prog",   "rx_drop_vlan",   "rx_drop_backlog",
				 "rx_drop_nosock", "rx_drop_rcvbuf", "rx_drop_csum",
				 "rx_drop_frag"};

struct end {
	std::string ns, dev, ip;
};

// The in-band flood: A sends to B's in-band port as fast as it can, B
// reads; neither is accounted for, both are load.
void run_inband(const end &a, const end &b, const std::atomic<bool> &stop)
{
	std::thread reader([&] {
		const oob::netns::scoped_enter in(b.ns);
		const oob::unique_fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
		const auto addr = on::ipv4_address("0.0.0.0", inband_port);
		const timeval tv{0, 100'000};
		if (!fd ||
		    ::bind(fd.get(), reinterpret_cast<const sockaddr *>(&addr), sizeof(addr)) !=
			    0 ||
		    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0)
			return;
		std::array<char, 2048> buf{};
		while (!stop.load())
			(void)::recv(fd.get(), buf.data(), buf.size(), 0);
	});
	{
		const oob::netns::scoped_enter in(a.ns);
		const oob::unique_fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
		const auto to = on::ipv4_address(b.ip, inband_port);
		const std::array<char, 512> buf{};
		while (fd && !stop.load()) {
			(void)::sendto(fd.get(), buf.data(), buf.size(), MSG_DONTWAIT,
				       reinterpret_cast<const sockaddr *>(&to), sizeof(to));
			std::this_thread::sleep_for(200us);
		}
	}
	reader.join();
}

struct tally {
	long long sent = 0, refused = 0, received = 0;
};

// One round of oob traffic, counted.  Returns what it saw; the drops are
// read from the counters by the caller.
tally run_round(const end &a, const end &b)
{
	tally t;
	std::atomic<bool> sending{true};
	std::atomic<long long> received{0};
	std::promise<void> ready;
	auto ready_f = ready.get_future();
	std::string rx_error;

	std::thread rx([&] {
		try {
			const oob::netns::scoped_enter in(b.ns);
			on::udp_socket s;
			s.bind("0.0.0.0", oob_port);
			ready.set_value();
			std::vector<std::byte> buf(2048);
			for (;;) {
				try {
					(void)s.recv(buf, on::timeout::after(200ms));
					received++;
				} catch (const std::system_error &e) {
					if (e.code().value() != ETIMEDOUT)
						throw;
					if (!sending.load())
						break;
				}
			}
		} catch (const std::exception &e) {
			rx_error = e.what();
			try {
				ready.set_exception(std::current_exception());
			} catch (const std::future_error &) {
				// Set already.
			}
		}
	});
	ready_f.get();

	{
		const oob::netns::scoped_enter in(a.ns);
		on::udp_socket s;
		std::vector<std::byte> data(payload_len);
		const auto until = std::chrono::steady_clock::now() + round_traffic;
		for (std::uint32_t seq = 0; std::chrono::steady_clock::now() < until; seq++) {
			const std::uint32_t nseq = htonl(seq);
			std::memcpy(data.data(), &nseq, sizeof(nseq));
			try {
				(void)s.send_to(data, b.ip, oob_port, on::timeout::after(100ms));
				t.sent++;
			} catch (const std::system_error &) {
				// Not accepted: nothing to account for.
				t.refused++;
			}
			if (seq % burst == burst - 1)
				std::this_thread::sleep_for(send_gap);
		}
	}
	// The last datagrams may still be on their way: the receiver stops
	// after 200 ms of silence.
	sending = false;
	rx.join();
	if (!rx_error.empty())
		throw std::runtime_error("receiver: " + rx_error);
	t.received = received.load();
	return t;
}

// A round starts with A's next hop to B resolved, as a real-time sender
// should (OOBNET_SIOC_SOLICIT): a datagram sent before that waits in the
// in-band neighbour queue, which drops what overflows it with no oob
// counter (the kernel counts it in /proc/net/stat/arp_cache).
void resolve(const end &a, const end &b)
{
	const oob::netns::scoped_enter in(a.ns);
	on::udp_socket s;
	s.bind(a.ip, 0);
	const auto until = std::chrono::steady_clock::now() + wait_limit;
	while (!on::solicit(s, b.ip)) {
		if (std::chrono::steady_clock::now() > until)
			throw std::runtime_error(a.dev + ": no neighbour for " + b.ip);
		std::this_thread::sleep_for(10ms);
	}
}

void wait_link(const end &e)
{
	const oob::netns::scoped_enter in(e.ns);
	check(oob::link::wait_carrier(e.dev, wait_limit), e.dev + " has its carrier back");
}

void flap(const end &e)
{
	{
		const oob::netns::scoped_enter in(e.ns);
		const auto l = oob::link::by_name(e.dev);
		if (!l)
			throw std::runtime_error("no link " + e.dev);
		oob::link::rtnl nl;
		nl.set_up(l->ifindex, false);
		std::this_thread::sleep_for(100ms);
		nl.set_up(l->ifindex, true);
	}
	wait_link(e);
}

// A port goes with its link: bring it back too.
void ensure_port(const end &e)
{
	if (!on::port(e.ns, e.dev))
		on::set_port(e.ns, e.dev, true);
}

void churn_sockets(const end &e)
{
	const oob::netns::scoped_enter in(e.ns);
	std::vector<on::udp_socket> udp;
	std::vector<on::packet_socket> raw;
	for (int i = 0; i < 32; i++) {
		udp.emplace_back();
		udp.back().bind("0.0.0.0", static_cast<std::uint16_t>(oob_port + 1 + i));
	}
	const auto l = oob::link::by_name(e.dev);
	for (int i = 0; l && i < 8; i++) {
		raw.emplace_back(static_cast<std::uint16_t>(0x88b5));
		raw.back().bind(l->ifindex);
	}
}

std::string disturb(int round, const end &a, const end &b)
{
	switch (round % 5) {
	case 0:
		churn_sockets(a);
		churn_sockets(b);
		return "sockets opened and closed";
	case 1:
		on::set_port(b.ns, b.dev, false);
		on::set_port(b.ns, b.dev, true);
		return b.dev + "'s port switched";
	case 2:
		flap(a);
		ensure_port(a);
		return a.dev + " flapped";
	case 3:
		on::set_port(a.ns, a.dev, false);
		on::set_port(a.ns, a.dev, true);
		return a.dev + "'s port switched";
	default:
		flap(b);
		ensure_port(b);
		return b.dev + " flapped";
	}
}

long long sum_of(const on::counters &before, const on::counters &after,
		 const std::vector<std::string> &keys, std::string &detail)
{
	long long n = 0;
	for (const auto &k : keys) {
		const long long d = delta(before, after, k);
		if (d < 0)
			throw std::runtime_error("no counter " + k);
		if (d > 0)
			detail += " " + k + "=" + std::to_string(d);
		n += d;
	}
	return n;
}

int soak(const end &a, const end &b, unsigned seconds)
{
	const long long heads = on::settled_oob_heads();
	ensure_port(a);
	ensure_port(b);
	std::atomic<bool> stop_inband{false};
	std::thread inband(run_inband, std::cref(a), std::cref(b), std::cref(stop_inband));

	const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
	tally total;
	long long dropped = 0;
	int round = 0;
	for (; round == 0 || std::chrono::steady_clock::now() < until; round++) {
		resolve(a, b);
		const auto a0 = on::device_counters(a.ns, a.dev);
		const auto b0 = on::device_counters(b.ns, b.dev);
		const tally t = run_round(a, b);
		std::string detail;
		const auto b1 = on::device_counters(b.ns, b.dev);
		const auto a1 = on::device_counters(a.ns, a.dev);
		long long drops = sum_of(b0, b1, {rx_drops.begin(), rx_drops.end()}, detail);
		drops += sum_of(a0, a1, {"tx_drop"}, detail);
		const long long lost = t.sent - t.received - drops;
		std::printf(
			"# round %d: sent %lld (refused %lld), received %lld, dropped %lld%s%s\n",
			round, t.sent, t.refused, t.received, drops, detail.empty() ? "" : ":",
			detail.c_str());
		check(lost == 0, "round " + std::to_string(round) +
					 ": every datagram received or counted (unaccounted: " +
					 std::to_string(lost) + ")");
		check(t.received > 0, "round " + std::to_string(round) + ": datagrams got through");
		total.sent += t.sent;
		total.refused += t.refused;
		total.received += t.received;
		dropped += drops;
		std::printf("# then %s\n", disturb(round, a, b).c_str());
		std::fflush(stdout);
	}
	stop_inband = true;
	inband.join();

	std::printf("# %d rounds: sent %lld, received %lld, dropped %lld, refused %lld\n", round,
		    total.sent, total.received, dropped, total.refused);
	const long long back = on::oob_heads_back(heads);
	check(back == heads, "the oob skb heads came back: " + std::to_string(back) + " of " +
				     std::to_string(heads));
	return oob::checks::exit_code();
}

} // namespace

int main(int argc, char **argv)
{
	const std::vector<std::string> args(argv + 1, argv + argc);
	if (args.size() != 6 && args.size() != 7) {
		std::fprintf(stderr, "usage: oob-soak NS_A DEV_A IP_A NS_B DEV_B IP_B [SECONDS]\n");
		return 2;
	}
	try {
		const unsigned seconds = static_cast<unsigned>(std::stoul(
			args.size() == 7 ? args[6]
					 : oob::kernel_arg("oob.soak.seconds").value_or("30")));
		return soak({args[0], args[1], args[2]}, {args[3], args[4], args[5]}, seconds);
	} catch (const std::exception &e) {
		std::printf("# FAIL %s\n", e.what());
		return 1;
	}
}
