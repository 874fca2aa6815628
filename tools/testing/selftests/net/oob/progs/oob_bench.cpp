// SPDX-License-Identifier: GPL-2.0
// oob-bench: the guest side of `make bench`.  One cell of the latency
// benchmark: COUNT round trips across one wire of the guest topology
// (oob/topology.hpp) after WARMUP unmeasured ones, through one stack:
//
//   udp-oob        UDP oob sockets (SOCK_OOB), both ends oob ports
//   udp-inband     plain UDP sockets, no port and no diversion
//   raw-oob        raw packet oob sockets, both ends oob ports
//   packet-inband  plain AF_PACKET SOCK_RAW sockets, no port
//   xdp            AF_XDP sockets on queue 0, no port: an XDP program
//                  steers the frames; native XDP, zero copy and busy
//                  polling where the driver allows (oob/xsk.hpp), the
//                  line's variant= says which
//
// SIZE is the payload: the UDP payload, or what follows the Ethernet
// header of a raw frame (an experimental ethertype).  Under LOAD idle
// nothing else runs; under flood an in-band UDP flood crosses the same
// link at normal priority while a busy thread spins on every CPU.  Both
// ends run SCHED_FIFO --prio on --cpu with memory locked, timed with
// CLOCK_MONOTONIC; a round trip lost for a second counts as lost.
//
//   oob-bench rtt PAIR MODE [--size N] [--count N] [--warmup N]
//                 [--load idle|flood] [--prio P] [--cpu C]
//   oob-bench tput PAIR MODE [--size N] [--seconds S] [--cpu C] [--min-pps N]
//                  [--min-delivered F]
//
// tput: the a end sends as fast as the stack takes it for S seconds from
// one socket on one CPU (not --cpu, where there is another), the b end,
// on --cpu, counts what it receives, both at normal priority: the
// transmit rate of one socket (sent_pps) and the rate delivered to one
// socket (recv_pps).  Exit code 1 when nothing arrived, when under
// --min-pps packets per second arrived, or when under the fraction
// --min-delivered (0..1) of the packets sent arrived; the reason goes to
// stderr.
//
// Prints one line of key=value pairs: the percentiles in ns, the flood's
// datagrams, quantiles (q=, at the points of bench_quantiles) and the
// log2 histogram (hist=FIRST:COUNT,COUNT,... buckets of [2^i, 2^(i+1)) ns)
// for bench-report.  Exit code 1 when over 1 % of the round trips were
// lost.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <ctime>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "oob/check.hpp"
#include "oob/fd.hpp"
#include "oob/link.hpp"
#include "oob/mac.hpp"
#include "oob/netns.hpp"
#include "oob/oobnet.hpp"
#include "oob/sched.hpp"
#include "oob/stats.hpp"
#include "oob/topology.hpp"
#include "oob/xsk.hpp"

namespace {

using namespace oob;
using namespace std::chrono_literals;
namespace on = oob::oobnet;

constexpr std::uint16_t echo_port = 7400;
constexpr std::uint16_t client_port = 7401;
constexpr std::uint16_t flood_port = 7402;
constexpr std::uint16_t bench_ethertype = 0x88b6; // IEEE local experimental 2
constexpr std::size_t max_size = 1472;		  // one Ethernet frame of UDP
constexpr auto lost_after = 1s;
constexpr std::array bench_quantiles{0.0, 0.1,	0.2,  0.3,   0.4,   0.5,    0.6,    0.7, 0.8,
				     0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999, 1.0};

enum class stack { udp_oob, udp_inband, raw_oob, packet_inband, xdp };

struct options {
	const topology::pair *pair = nullptr;
	stack mode = stack::udp_inband;
	std::string mode_name;
	std::size_t size = 64;
	std::size_t count = 20000;
	std::size_t warmup = 1000;
	bool flood = false;
	int prio = 80;
	int cpu = 1;
	bool tput = false;
	int seconds = 5;
	std::size_t min_pps = 0;    // tput fails below this delivered rate (and at 0)
	double min_delivered = 0.0; // and below this fraction of the sent delivered
};

std::int64_t now_ns()
{
	timespec ts{};
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

bool is_oob(stack s)
{
	return s == stack::udp_oob || s == stack::raw_oob;
}

// One end of a round trip: sends and receives payloads.
class transport {
public:
	transport() = default;
	transport(const transport &) = delete;
	transport &operator=(const transport &) = delete;
	transport(transport &&) = delete;
	transport &operator=(transport &&) = delete;
	virtual ~transport() = default;
	virtual void send(std::span<const std::byte> payload) = 0;
	// The payload's size, or nothing after the timeout.
	virtual std::optional<std::size_t> recv(std::span<std::byte> buf,
						std::chrono::milliseconds timeout) = 0;
	// How the stack was set up, where it chose (AF_XDP): "" elsewhere.
	[[nodiscard]] virtual std::string variant() const { return {}; }
};

// A send the stack refused for want of room or because the device dropped
// the frame: that round trip is lost, the cell goes on.
bool dropped(const std::system_error &e)
{
	const int err = e.code().value();
	return err == ENOBUFS || err == EAGAIN || err == EBUSY || err == ETIMEDOUT;
}

class udp_inband final : public transport {
public:
	udp_inband(const topology::end &self, std::uint16_t port, const topology::end &peer,
		   std::uint16_t peer_port)
	    : fd_(check_syscall("socket", ::socket, AF_INET, SOCK_DGRAM, 0))
	{
		const auto local = on::ipv4_address(std::string(self.ipv4), port);
		const auto remote = on::ipv4_address(std::string(peer.ipv4), peer_port);
		check_syscall("bind", ::bind, fd_.get(), reinterpret_cast<const sockaddr *>(&local),
			      socklen_t{sizeof(local)});
		check_syscall("connect", ::connect, fd_.get(),
			      reinterpret_cast<const sockaddr *>(&remote),
			      socklen_t{sizeof(remote)});
	}
	void send(std::span<const std::byte> payload) override
	{
		check_syscall("send", ::send, fd_.get(), payload.data(), payload.size(), 0);
	}
	std::optional<std::size_t> recv(std::span<std::byte> buf,
					std::chrono::milliseconds timeout) override
	{
		set_timeout(timeout);
		const auto n = ::recv(fd_.get(), buf.data(), buf.size(), 0);
		if (n < 0)
			return std::nullopt;
		return static_cast<std::size_t>(n);
	}

private:
	void set_timeout(std::chrono::milliseconds t)
	{
		if (t == timeout_)
			return;
		timeval tv{static_cast<time_t>(t.count() / 1000),
			   static_cast<suseconds_t>((t.count() % 1000) * 1000)};
		check_syscall("SO_RCVTIMEO", ::setsockopt, fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &tv,
			      socklen_t{sizeof(tv)});
		timeout_ = t;
	}

	unique_fd fd_;
	std::chrono::milliseconds timeout_{0};
};

class udp_oob final : public transport {
public:
	udp_oob(const topology::end &self, std::uint16_t port, const topology::end &peer,
		std::uint16_t peer_port)
	{
		s_.bind(std::string(self.ipv4), port);
		s_.connect(std::string(peer.ipv4), peer_port);
	}
	void send(std::span<const std::byte> payload) override { s_.send(payload); }
	std::optional<std::size_t> recv(std::span<std::byte> buf,
					std::chrono::milliseconds timeout) override
	{
		try {
			return s_.recv(buf, on::timeout::after(timeout)).length;
		} catch (const std::system_error &e) {
			if (e.code().value() == ETIMEDOUT)
				return std::nullopt;
			throw;
		}
	}

private:
	on::udp_socket s_;
};

// Whole frames: the header is added on send and taken off on receive.
class raw_frames : public transport {
protected:
	raw_frames(const link::info &self, const std::string &peer_mac)
	{
		const auto dst = parse_mac(peer_mac);
		const auto src = parse_mac(self.mac);
		std::memcpy(header_.data(), dst.data(), ETH_ALEN);
		std::memcpy(header_.data() + ETH_ALEN, src.data(), ETH_ALEN);
		const std::uint16_t type = htons(bench_ethertype);
		std::memcpy(header_.data() + std::size_t{2} * ETH_ALEN, &type, sizeof(type));
	}
	std::span<const std::byte> frame_of(std::span<const std::byte> payload)
	{
		frame_.assign(header_.begin(), header_.end());
		frame_.insert(frame_.end(), payload.begin(), payload.end());
		return frame_;
	}
	std::vector<std::byte> rx_ = std::vector<std::byte>(ETH_HLEN + max_size);

private:
	std::array<std::byte, ETH_HLEN> header_{};
	std::vector<std::byte> frame_;
};

class raw_oob final : public raw_frames {
public:
	raw_oob(const link::info &self, const std::string &peer_mac)
	    : raw_frames(self, peer_mac), s_(bench_ethertype)
	{
		s_.bind(self.ifindex);
	}
	void send(std::span<const std::byte> payload) override { s_.send(frame_of(payload)); }
	std::optional<std::size_t> recv(std::span<std::byte> buf,
					std::chrono::milliseconds timeout) override
	{
		try {
			const auto r = s_.recv(rx_, on::timeout::after(timeout));
			return strip(r.length, buf);
		} catch (const std::system_error &e) {
			if (e.code().value() == ETIMEDOUT)
				return std::nullopt;
			throw;
		}
	}

private:
	std::size_t strip(std::size_t len, std::span<std::byte> buf)
	{
		const std::size_t n = std::min(len > ETH_HLEN ? len - ETH_HLEN : 0, buf.size());
		std::memcpy(buf.data(), rx_.data() + ETH_HLEN, n);
		return n;
	}
	on::packet_socket s_;
};

class packet_inband final : public raw_frames {
public:
	packet_inband(const link::info &self, const std::string &peer_mac)
	    : raw_frames(self, peer_mac),
	      fd_(check_syscall("socket", ::socket, AF_PACKET, SOCK_RAW, htons(bench_ethertype)))
	{
		sockaddr_ll sll{};
		sll.sll_family = AF_PACKET;
		sll.sll_protocol = htons(bench_ethertype);
		sll.sll_ifindex = self.ifindex;
		check_syscall("bind", ::bind, fd_.get(), reinterpret_cast<const sockaddr *>(&sll),
			      socklen_t{sizeof(sll)});
	}
	void send(std::span<const std::byte> payload) override
	{
		const auto f = frame_of(payload);
		check_syscall("send", ::send, fd_.get(), f.data(), f.size(), 0);
	}
	std::optional<std::size_t> recv(std::span<std::byte> buf,
					std::chrono::milliseconds timeout) override
	{
		if (timeout != timeout_) {
			timeval tv{static_cast<time_t>(timeout.count() / 1000),
				   static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
			check_syscall("SO_RCVTIMEO", ::setsockopt, fd_.get(), SOL_SOCKET,
				      SO_RCVTIMEO, &tv, socklen_t{sizeof(tv)});
			timeout_ = timeout;
		}
		const auto n = ::recv(fd_.get(), rx_.data(), rx_.size(), 0);
		if (n < 0)
			return std::nullopt;
		const auto len = static_cast<std::size_t>(n);
		const std::size_t m = std::min(len > ETH_HLEN ? len - ETH_HLEN : 0, buf.size());
		std::memcpy(buf.data(), rx_.data() + ETH_HLEN, m);
		return m;
	}

private:
	unique_fd fd_;
	std::chrono::milliseconds timeout_{0};
};

class xdp_frames final : public raw_frames {
public:
	xdp_frames(const link::info &self, const std::string &peer_mac)
	    : raw_frames(self, peer_mac), s_(self.ifindex, bench_ethertype)
	{
	}
	void send(std::span<const std::byte> payload) override { s_.send(frame_of(payload)); }
	[[nodiscard]] std::string variant() const override { return s_.mode(); }
	std::optional<std::size_t> recv(std::span<std::byte> buf,
					std::chrono::milliseconds timeout) override
	{
		const auto n = s_.recv(rx_, timeout);
		if (!n)
			return std::nullopt;
		const std::size_t m = std::min(*n > ETH_HLEN ? *n - ETH_HLEN : 0, buf.size());
		std::memcpy(buf.data(), rx_.data() + ETH_HLEN, m);
		return m;
	}

private:
	xsk s_;
};

// The transport of one end, in the calling thread's namespace (that end's).
std::unique_ptr<transport> open_end(const options &opt, bool client, const std::string &peer_mac)
{
	const auto &self = client ? opt.pair->a : opt.pair->b;
	const auto &peer = client ? opt.pair->b : opt.pair->a;
	const auto port = client ? client_port : echo_port;
	const auto peer_port = client ? echo_port : client_port;
	switch (opt.mode) {
	case stack::udp_inband:
		return std::make_unique<udp_inband>(self, port, peer, peer_port);
	case stack::udp_oob:
		return std::make_unique<udp_oob>(self, port, peer, peer_port);
	case stack::raw_oob:
	case stack::packet_inband:
	case stack::xdp: {
		const auto l = link::by_name(std::string(self.name));
		if (!l)
			throw std::runtime_error("no link " + std::string(self.name));
		if (opt.mode == stack::raw_oob)
			return std::make_unique<raw_oob>(*l, peer_mac);
		if (opt.mode == stack::xdp)
			return std::make_unique<xdp_frames>(*l, peer_mac);
		return std::make_unique<packet_inband>(*l, peer_mac);
	}
	}
	throw std::logic_error("mode");
}

std::string mac_of(const topology::end &end)
{
	const netns::scoped_enter in(std::string(end.netns));
	const auto l = link::by_name(std::string(end.name));
	if (!l)
		throw std::runtime_error("no link " + std::string(end.name));
	return l->mac;
}

// The echo end: sends every payload back until told to stop.
struct echo_end {
	std::atomic<bool> ready{false};
	std::atomic<bool> stop{false};
	std::atomic<bool> failed{false}; // error is set, and final
	std::string error;

	void run(const options &opt, const std::string &peer_mac)
	{
		try {
			const netns::scoped_enter in(std::string(opt.pair->b.netns));
			oob::set_realtime(opt.cpu, opt.prio);
			auto t = open_end(opt, false, peer_mac);
			ready = true;
			std::vector<std::byte> buf(max_size);
			while (!stop) {
				const auto n = t->recv(buf, 200ms);
				if (!n)
					continue;
				try {
					t->send(std::span(buf).first(*n));
				} catch (const std::system_error &e) {
					if (!dropped(e))
						throw; // else the client counts it lost
				}
			}
		} catch (const std::exception &e) {
			error = e.what();
			failed = true;
			ready = true;
		}
	}
};

// An in-band UDP flood from a to b and its sink, at normal priority, and a
// busy thread on every CPU.
class load {
public:
	explicit load(const options &opt)
	{
		spawn([this, &opt] {
			const netns::scoped_enter in(std::string(opt.pair->b.netns));
			unique_fd fd(check_syscall("socket", ::socket, AF_INET, SOCK_DGRAM, 0));
			const auto local =
				on::ipv4_address(std::string(opt.pair->b.ipv4), flood_port);
			check_syscall("bind", ::bind, fd.get(),
				      reinterpret_cast<const sockaddr *>(&local),
				      socklen_t{sizeof(local)});
			timeval tv{0, 100000};
			::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			std::vector<char> buf(max_size);
			while (!stop_)
				(void)::recv(fd.get(), buf.data(), buf.size(), 0);
		});
		spawn([this, &opt] {
			const netns::scoped_enter in(std::string(opt.pair->a.netns));
			unique_fd fd(check_syscall("socket", ::socket, AF_INET, SOCK_DGRAM, 0));
			const auto dst =
				on::ipv4_address(std::string(opt.pair->b.ipv4), flood_port);
			std::vector<char> out(opt.size, 'f');
			while (!stop_)
				if (::sendto(fd.get(), out.data(), out.size(), 0,
					     reinterpret_cast<const sockaddr *>(&dst),
					     sizeof(dst)) > 0)
					sent_.fetch_add(1, std::memory_order_relaxed);
		});
		const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
		for (long c = 0; c < cpus; c++)
			spawn([this, c] {
				oob::set_realtime(static_cast<int>(c), 0);
				while (!stop_)
					spins_.fetch_add(1, std::memory_order_relaxed);
			});
	}
	load(const load &) = delete;
	load &operator=(const load &) = delete;
	load(load &&) = delete;
	load &operator=(load &&) = delete;
	~load()
	{
		stop_ = true;
		for (auto &t : threads_)
			t.join();
	}
	[[nodiscard]] std::uint64_t sent() const { return sent_; }
	// A load thread failed: the cell did not run under the load it claims.
	[[nodiscard]] bool failed() const { return failed_; }

private:
	void spawn(std::function<void()> body)
	{
		threads_.emplace_back([this, body = std::move(body)] {
			try {
				body();
			} catch (const std::exception &e) {
				std::fprintf(stderr, "oob-bench: load: %s\n", e.what());
				failed_ = true;
			}
		});
	}

	std::atomic<bool> stop_{false};
	std::atomic<bool> failed_{false};
	std::atomic<std::uint64_t> sent_{0};
	std::atomic<std::uint64_t> spins_{0};
	std::vector<std::thread> threads_;
};

void set_ports(const options &opt)
{
	for (const auto *end : {&opt.pair->a, &opt.pair->b})
		on::set_port(std::string(end->netns), std::string(end->name), is_oob(opt.mode));
}

int run_rtt(const options &opt)
{
	set_ports(opt);
	const auto mac_a = mac_of(opt.pair->a);
	const auto mac_b = mac_of(opt.pair->b);
	echo_end echo;
	std::thread echo_thread([&] { echo.run(opt, mac_a); });
	std::optional<load> background;
	std::vector<std::int64_t> samples;
	int lost = 0;
	std::uint64_t flood_sent = 0;
	std::string variant;
	try {
		while (!echo.ready)
			std::this_thread::sleep_for(10ms);
		if (echo.failed)
			throw std::runtime_error("echo end: " + echo.error);
		const netns::scoped_enter in(std::string(opt.pair->a.netns));
		auto t = open_end(opt, true, mac_b);
		variant = t->variant();
		if (opt.flood)
			background.emplace(opt);
		oob::set_realtime(opt.cpu, opt.prio);
		std::vector<std::byte> out(opt.size, std::byte{'b'});
		std::vector<std::byte> in_buf(max_size);
		samples.reserve(opt.count);
		for (std::uint64_t i = 0; i < opt.warmup + opt.count; i++) {
			if (echo.failed)
				throw std::runtime_error("echo end: " + echo.error);
			std::memcpy(out.data(), &i, std::min(sizeof(i), out.size()));
			const auto t0 = now_ns();
			bool sent = true;
			try {
				t->send(out);
			} catch (const std::system_error &e) {
				if (!dropped(e))
					throw;
				sent = false;
			}
			bool ok = false;
			// A late answer to an earlier round trip is skipped.
			while (const auto n = sent ? t->recv(in_buf, lost_after) : std::nullopt) {
				if (*n == out.size() &&
				    std::memcmp(in_buf.data(), out.data(),
						std::min(sizeof(i), out.size())) == 0) {
					ok = true;
					break;
				}
			}
			const auto t1 = now_ns();
			if (i < opt.warmup)
				continue;
			if (ok)
				samples.push_back(t1 - t0);
			else
				lost++;
		}
		if (background && background->failed())
			throw std::runtime_error("the load failed");
		if (background)
			flood_sent = background->sent();
	} catch (...) {
		background.reset();
		echo.stop = true;
		echo_thread.join();
		throw;
	}
	background.reset();
	echo.stop = true;
	echo_thread.join();

	std::ranges::sort(samples);
	const auto s = summarize(samples);
	log2_histogram hist;
	for (const auto v : samples)
		hist.add(v);
	std::string q;
	for (const double x : bench_quantiles)
		q += (q.empty() ? "" : ",") + std::to_string(percentile(samples, x));
	// The buckets from the first to the last that counted anything.
	std::size_t first = 0;
	std::size_t last = 0;
	while (first < log2_histogram::buckets - 1 && hist.at(first) == 0)
		first++;
	for (std::size_t b = first; b < log2_histogram::buckets; b++)
		if (hist.at(b) != 0)
			last = b;
	std::string h = std::to_string(first) + ":";
	for (std::size_t b = first; b <= last; b++)
		h += (b == first ? "" : ",") + std::to_string(hist.at(b));
	std::printf("bench rtt pair=%.*s mode=%s%s%s size=%zu load=%s count=%zu lost=%d "
		    "flood_sent=%llu min=%lld p50=%lld p90=%lld p99=%lld p999=%lld p9999=%lld "
		    "max=%lld mean=%.0f q=%s hist=%s\n",
		    static_cast<int>(opt.pair->label.size()), opt.pair->label.data(),
		    opt.mode_name.c_str(), variant.empty() ? "" : " variant=", variant.c_str(),
		    opt.size, opt.flood ? "flood" : "idle", s.count, lost,
		    static_cast<unsigned long long>(flood_sent), static_cast<long long>(s.min),
		    static_cast<long long>(s.p50), static_cast<long long>(s.p90),
		    static_cast<long long>(s.p99), static_cast<long long>(s.p999),
		    static_cast<long long>(percentile(samples, 0.9999)),
		    static_cast<long long>(s.max), s.mean, q.c_str(), h.c_str());
	return lost > static_cast<int>(opt.count / 100) ? 1 : 0;
}

int run_tput(const options &opt)
{
	set_ports(opt);
	const auto mac_a = mac_of(opt.pair->a);
	const auto mac_b = mac_of(opt.pair->b);
	std::atomic<bool> ready{false};
	std::atomic<bool> stop{false};
	std::atomic<std::uint64_t> received{0};
	std::string error;
	std::thread sink([&] {
		try {
			const netns::scoped_enter in(std::string(opt.pair->b.netns));
			oob::set_realtime(opt.cpu, 0);
			auto t = open_end(opt, false, mac_a);
			ready = true;
			std::vector<std::byte> buf(max_size);
			while (!stop)
				if (t->recv(buf, 200ms))
					received.fetch_add(1, std::memory_order_relaxed);
		} catch (const std::exception &e) {
			error = e.what();
			ready = true;
		}
	});
	std::uint64_t sent = 0;
	std::uint64_t failed = 0;
	std::int64_t elapsed = 0;
	std::string variant;
	try {
		while (!ready)
			std::this_thread::sleep_for(10ms);
		if (!error.empty())
			throw std::runtime_error("sink: " + error);
		const netns::scoped_enter in(std::string(opt.pair->a.netns));
		// The sender on another CPU than the sink, where there is one.
		oob::set_realtime(std::thread::hardware_concurrency() > 1 ? (opt.cpu == 0 ? 1 : 0)
									  : opt.cpu,
				  0);
		auto t = open_end(opt, true, mac_b);
		variant = t->variant();
		const std::vector<std::byte> out(opt.size, std::byte{'t'});
		const auto t0 = now_ns();
		const auto end = t0 + std::int64_t{opt.seconds} * 1000000000LL;
		while (now_ns() < end) {
			try {
				t->send(out);
				sent++;
			} catch (const std::system_error &e) {
				if (!dropped(e))
					throw;
				failed++; // a full queue or ring: not sent
			}
		}
		elapsed = now_ns() - t0;
		std::this_thread::sleep_for(300ms); // the last ones land
	} catch (...) {
		stop = true;
		sink.join();
		throw;
	}
	stop = true;
	sink.join();
	const double secs = static_cast<double>(elapsed) / 1e9;
	std::printf("bench tput pair=%.*s mode=%s%s%s size=%zu seconds=%.2f sent=%llu failed=%llu "
		    "received=%llu sent_pps=%.0f recv_pps=%.0f\n",
		    static_cast<int>(opt.pair->label.size()), opt.pair->label.data(),
		    opt.mode_name.c_str(), variant.empty() ? "" : " variant=", variant.c_str(),
		    opt.size, secs, static_cast<unsigned long long>(sent),
		    static_cast<unsigned long long>(failed),
		    static_cast<unsigned long long>(received.load()),
		    static_cast<double>(sent) / secs, static_cast<double>(received) / secs);
	const auto shortfall = checks::throughput_shortfall(
		sent, received, secs, static_cast<double>(opt.min_pps), opt.min_delivered);
	if (shortfall.empty())
		return 0;
	std::fprintf(stderr, "oob-bench: tput: %s\n", shortfall.c_str());
	return 1;
}

std::size_t number(std::string_view flag, const char *arg)
{
	try {
		return std::stoul(arg);
	} catch (const std::exception &) {
		throw std::invalid_argument(std::string(flag) + ": not a number: " + arg);
	}
}

options parse(int argc, char **argv)
{
	if (argc < 4 || (std::string_view(argv[1]) != "rtt" && std::string_view(argv[1]) != "tput"))
		throw std::invalid_argument("usage: oob-bench rtt|tput PAIR MODE [options]");
	options opt;
	opt.tput = std::string_view(argv[1]) == "tput";
	for (const auto &p : topology::pairs)
		if (p.label == argv[2])
			opt.pair = &p;
	if (opt.pair == nullptr)
		throw std::invalid_argument("unknown pair " + std::string(argv[2]));
	opt.mode_name = argv[3];
	if (opt.mode_name == "udp-oob")
		opt.mode = stack::udp_oob;
	else if (opt.mode_name == "udp-inband")
		opt.mode = stack::udp_inband;
	else if (opt.mode_name == "raw-oob")
		opt.mode = stack::raw_oob;
	else if (opt.mode_name == "packet-inband")
		opt.mode = stack::packet_inband;
	else if (opt.mode_name == "xdp")
		opt.mode = stack::xdp;
	else
		throw std::invalid_argument("unknown mode " + opt.mode_name);
	for (int i = 4; i < argc; i++) {
		const std::string_view flag = argv[i];
		if (i + 1 >= argc)
			throw std::invalid_argument(std::string(flag) + " needs a value");
		const char *val = argv[++i];
		if (flag == "--size")
			opt.size = number(flag, val);
		else if (flag == "--count")
			opt.count = number(flag, val);
		else if (flag == "--warmup")
			opt.warmup = number(flag, val);
		else if (flag == "--prio")
			opt.prio = static_cast<int>(number(flag, val));
		else if (flag == "--cpu")
			opt.cpu = static_cast<int>(number(flag, val));
		else if (flag == "--seconds")
			opt.seconds = static_cast<int>(number(flag, val));
		else if (flag == "--min-pps")
			opt.min_pps = number(flag, val);
		else if (flag == "--min-delivered")
			opt.min_delivered = checks::parse_fraction(flag, val);
		else if (flag == "--load" && std::string_view(val) == "flood")
			opt.flood = true;
		else if (flag == "--load" && std::string_view(val) == "idle")
			opt.flood = false;
		else
			throw std::invalid_argument("unknown option " + std::string(flag) + " " +
						    val);
	}
	if (opt.size < sizeof(std::uint64_t) || opt.size > max_size)
		throw std::invalid_argument("--size must be 8.." + std::to_string(max_size));
	return opt;
}

} // namespace

int main(int argc, char **argv)
{
	try {
		const auto opt = parse(argc, argv);
		if (::mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
			std::perror("oob-bench: mlockall");
		return opt.tput ? run_tput(opt) : run_rtt(opt);
	} catch (const std::exception &e) {
		std::fprintf(stderr, "oob-bench: %s\n", e.what());
		return 2;
	}
}
