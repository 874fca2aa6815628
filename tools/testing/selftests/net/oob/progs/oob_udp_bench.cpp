// SPDX-License-Identifier: GPL-2.0
// oob-udp-bench: in-band UDP round trip and throughput across one wire of the
// guest topology (oob/topology.hpp), the echo side in one namespace and the
// measuring side in the other.  Prints one line of key=value pairs per run,
// which scripts/cost.sh compares between kernels.
//
//   oob-udp-bench rtt  PAIR [--size N] [--count N] [--warmup N] [--prio P]
//                           [--oob 1] [--flood 1]
//   oob-udp-bench tput PAIR [--size N] [--seconds S]
//
// rtt: ping-pong of --count datagrams after --warmup unmeasured ones, timed
// with CLOCK_MONOTONIC, both threads SCHED_FIFO --prio (0: leave the policy)
// and memory locked.  --oob 1 uses UDP oob sockets (both ends must be oob
// ports) instead of in-band ones; --flood 1 runs an in-band UDP flood
// across the same link meanwhile, at normal priority.  tput: a sender
// floods the echo side's port for --seconds; the line gives what was sent
// and what was received, per second.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <functional>
#include <span>
#include <system_error>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "oob/fd.hpp"
#include "oob/netns.hpp"
#include "oob/oobnet.hpp"
#include "oob/stats.hpp"
#include "oob/topology.hpp"

namespace {

using namespace oob;

constexpr std::uint16_t bench_port = 7400;
constexpr std::uint16_t oob_client_port = 7401;
constexpr std::uint16_t flood_port = 7402;
constexpr std::size_t max_size = 1472; // one Ethernet frame

struct options {
	std::string mode;
	const topology::pair *pair = nullptr;
	std::size_t size = 64;
	std::size_t count = 2000;
	std::size_t warmup = 200;
	int prio = 80;
	int seconds = 5;
	bool oob = false;
	bool flood = false;
};

std::int64_t now_ns()
{
	timespec ts{};
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

sockaddr_in ipv4(std::string_view addr, std::uint16_t port)
{
	sockaddr_in sin{};
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, std::string(addr).c_str(), &sin.sin_addr) != 1)
		throw std::invalid_argument("bad address " + std::string(addr));
	return sin;
}

unique_fd udp_socket(std::optional<sockaddr_in> bind_to, std::chrono::milliseconds timeout)
{
	unique_fd fd(check_syscall("socket", ::socket, AF_INET, SOCK_DGRAM, 0));
	if (bind_to) {
		const auto *sa = reinterpret_cast<const sockaddr *>(&*bind_to);
		check_syscall("bind", ::bind, fd.get(), sa, socklen_t{sizeof(*bind_to)});
	}
	timeval tv{};
	tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
	tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
	check_syscall("SO_RCVTIMEO", ::setsockopt, fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv,
		      socklen_t{sizeof(tv)});
	return fd;
}

void set_realtime(int prio)
{
	if (prio <= 0)
		return;
	sched_param sp{};
	sp.sched_priority = prio;
	if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0)
		throw_errno("sched_setscheduler");
}

// The echo side: sends every datagram back until told to stop; in
// counting mode it only counts them.
struct echo_side {
	std::atomic<bool> ready{false};
	std::atomic<bool> stop{false};
	std::atomic<std::uint64_t> received{0};
	std::string error;

	// The oob echo: UDP oob sockets connected to the measuring side.
	void run_oob(const options &opt)
	{
		try {
			netns::scoped_enter in(std::string(opt.pair->b.netns));
			set_realtime(opt.prio);
			oobnet::udp_socket s;
			s.bind(std::string(opt.pair->b.ipv4), bench_port);
			s.connect(std::string(opt.pair->a.ipv4), oob_client_port);
			ready = true;
			std::vector<std::byte> buf(max_size);
			while (!stop) {
				try {
					auto r = s.recv(buf,
							oobnet::timeout::after(
								std::chrono::milliseconds(200)));
					received.fetch_add(1, std::memory_order_relaxed);
					s.send(std::span(buf).first(r.length));
				} catch (const std::system_error &e) {
					if (e.code().value() != ETIMEDOUT)
						throw;
				}
			}
		} catch (const std::exception &e) {
			error = e.what();
			ready = true;
		}
	}

	void run(const options &opt, bool echo)
	{
		try {
			netns::scoped_enter in(std::string(opt.pair->b.netns));
			set_realtime(echo ? opt.prio : 0);
			auto fd = udp_socket(ipv4(opt.pair->b.ipv4, bench_port),
					     std::chrono::milliseconds(200));
			ready = true;
			std::vector<char> buf(max_size);
			while (!stop) {
				sockaddr_in peer{};
				socklen_t len = sizeof(peer);
				auto n = ::recvfrom(fd.get(), buf.data(), buf.size(), 0,
						    reinterpret_cast<sockaddr *>(&peer), &len);
				if (n < 0)
					continue; // timeout: look at stop again
				received.fetch_add(1, std::memory_order_relaxed);
				if (echo)
					::sendto(fd.get(), buf.data(), static_cast<size_t>(n), 0,
						 reinterpret_cast<sockaddr *>(&peer), len);
			}
		} catch (const std::exception &e) {
			error = e.what();
			ready = true;
		}
	}
};

void wait_ready(const echo_side &side)
{
	while (!side.ready)
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	if (!side.error.empty())
		throw std::runtime_error("echo side: " + side.error);
}

// An in-band UDP flood from a to b at normal priority, and its sink.
struct flood {
	std::atomic<bool> stop{false};
	std::atomic<std::uint64_t> sent{0};
	std::atomic<std::uint64_t> received{0};
	std::thread source;
	std::thread sink;

	explicit flood(const options &opt)
	{
		sink = std::thread([this, &opt] {
			netns::scoped_enter in(std::string(opt.pair->b.netns));
			auto fd = udp_socket(ipv4(opt.pair->b.ipv4, flood_port),
					     std::chrono::milliseconds(100));
			std::vector<char> buf(max_size);
			while (!stop)
				if (::recv(fd.get(), buf.data(), buf.size(), 0) > 0)
					received.fetch_add(1, std::memory_order_relaxed);
		});
		source = std::thread([this, &opt] {
			netns::scoped_enter in(std::string(opt.pair->a.netns));
			auto fd = udp_socket(std::nullopt, std::chrono::milliseconds(100));
			auto dst = ipv4(opt.pair->b.ipv4, flood_port);
			std::vector<char> out(opt.size, 'f');
			while (!stop)
				if (::sendto(fd.get(), out.data(), out.size(), 0,
					     reinterpret_cast<const sockaddr *>(&dst),
					     sizeof(dst)) > 0)
					sent.fetch_add(1, std::memory_order_relaxed);
		});
	}
	flood(const flood &) = delete;
	flood &operator=(const flood &) = delete;
	flood(flood &&) = delete;
	flood &operator=(flood &&) = delete;
	~flood()
	{
		stop = true;
		source.join();
		sink.join();
	}
};

// One measured round trip through a connected socket: false when lost.
using round_trip = std::function<bool(std::span<const char>, std::span<char>)>;

round_trip inband_client(const options &opt, unique_fd &fd)
{
	fd = udp_socket(std::nullopt, std::chrono::milliseconds(1000));
	auto dst = ipv4(opt.pair->b.ipv4, bench_port);
	check_syscall("connect", ::connect, fd.get(), reinterpret_cast<const sockaddr *>(&dst),
		      socklen_t{sizeof(dst)});
	return [&fd](std::span<const char> out, std::span<char> in) {
		check_syscall("send", ::send, fd.get(), out.data(), out.size(), 0);
		return ::recv(fd.get(), in.data(), in.size(), 0) ==
		       static_cast<ssize_t>(out.size());
	};
}

round_trip oob_client(const options &opt, std::optional<oobnet::udp_socket> &s)
{
	s.emplace();
	s->bind(std::string(opt.pair->a.ipv4), oob_client_port);
	s->connect(std::string(opt.pair->b.ipv4), bench_port);
	return [&s](std::span<const char> out, std::span<char> in) {
		s->send(std::as_bytes(out));
		try {
			auto r = s->recv(std::as_writable_bytes(in),
					 oobnet::timeout::after(std::chrono::seconds(1)));
			return r.length == out.size();
		} catch (const std::system_error &e) {
			if (e.code().value() == ETIMEDOUT)
				return false;
			throw;
		}
	};
}

int run_rtt(const options &opt)
{
	echo_side side;
	std::thread echo([&] { opt.oob ? side.run_oob(opt) : side.run(opt, true); });
	std::optional<flood> load;
	int lost = 0;
	std::vector<std::int64_t> samples;
	try {
		wait_ready(side);
		if (opt.flood)
			load.emplace(opt);
		netns::scoped_enter in(std::string(opt.pair->a.netns));
		set_realtime(opt.prio);
		unique_fd fd;
		std::optional<oobnet::udp_socket> oob_sock;
		const auto trip = opt.oob ? oob_client(opt, oob_sock) : inband_client(opt, fd);
		std::vector<char> out(opt.size, 'o');
		std::vector<char> in_buf(max_size);
		samples.reserve(opt.count);
		for (std::size_t i = 0; i < opt.warmup + opt.count; i++) {
			std::memcpy(out.data(), &i, std::min(sizeof(i), out.size()));
			auto t0 = now_ns();
			const bool ok = trip(out, in_buf);
			auto t1 = now_ns();
			if (!ok) {
				lost++;
				continue;
			}
			if (i >= opt.warmup)
				samples.push_back(t1 - t0);
		}
	} catch (...) {
		load.reset();
		side.stop = true;
		echo.join();
		throw;
	}
	const auto flood_sent = load ? load->sent.load() : 0;
	load.reset();
	side.stop = true;
	echo.join();

	auto s = summarize(samples);
	std::printf("udp-rtt pair=%.*s stack=%s load=%s flood_sent=%llu size=%zu count=%zu "
		    "lost=%d min=%lld p50=%lld p90=%lld p99=%lld p999=%lld max=%lld mean=%.0f\n",
		    static_cast<int>(opt.pair->label.size()), opt.pair->label.data(),
		    opt.oob ? "oob" : "inband", opt.flood ? "flood" : "idle",
		    static_cast<unsigned long long>(flood_sent), opt.size, s.count, lost,
		    static_cast<long long>(s.min), static_cast<long long>(s.p50),
		    static_cast<long long>(s.p90), static_cast<long long>(s.p99),
		    static_cast<long long>(s.p999), static_cast<long long>(s.max), s.mean);
	return lost > static_cast<int>(opt.count / 100) ? 1 : 0;
}

int run_tput(const options &opt)
{
	echo_side side;
	std::thread sink([&] { side.run(opt, false); });
	std::uint64_t sent = 0;
	std::int64_t elapsed = 0;
	try {
		wait_ready(side);
		netns::scoped_enter in(std::string(opt.pair->a.netns));
		auto fd = udp_socket(std::nullopt, std::chrono::milliseconds(1000));
		auto dst = ipv4(opt.pair->b.ipv4, bench_port);
		check_syscall("connect", ::connect, fd.get(),
			      reinterpret_cast<const sockaddr *>(&dst), socklen_t{sizeof(dst)});
		std::vector<char> out(opt.size, 't');
		auto t0 = now_ns();
		auto end = t0 + static_cast<std::int64_t>(opt.seconds) * 1000000000LL;
		while (now_ns() < end) {
			// A full queue drops at the sender (ENOBUFS): not sent.
			if (::send(fd.get(), out.data(), out.size(), 0) ==
			    static_cast<ssize_t>(out.size()))
				sent++;
		}
		elapsed = now_ns() - t0;
		// Let the last datagrams land.
		std::this_thread::sleep_for(std::chrono::milliseconds(300));
	} catch (...) {
		side.stop = true;
		sink.join();
		throw;
	}
	side.stop = true;
	sink.join();

	const double secs = static_cast<double>(elapsed) / 1e9;
	const auto received = side.received.load();
	std::printf("udp-tput pair=%.*s size=%zu seconds=%.2f sent=%llu received=%llu "
		    "sent_pps=%.0f recv_pps=%.0f\n",
		    static_cast<int>(opt.pair->label.size()), opt.pair->label.data(), opt.size,
		    secs, static_cast<unsigned long long>(sent),
		    static_cast<unsigned long long>(received), static_cast<double>(sent) / secs,
		    static_cast<double>(received) / secs);
	return received == 0 ? 1 : 0;
}

std::size_t to_size(std::string_view flag, const char *arg)
{
	try {
		return std::stoul(arg);
	} catch (const std::exception &) {
		throw std::invalid_argument(std::string(flag) + ": not a number: " + arg);
	}
}

options parse(int argc, char **argv)
{
	if (argc < 3)
		throw std::invalid_argument("usage: oob-udp-bench rtt|tput PAIR [options]");
	options opt;
	opt.mode = argv[1];
	if (opt.mode != "rtt" && opt.mode != "tput")
		throw std::invalid_argument("unknown mode " + opt.mode);
	const std::string_view label = argv[2];
	for (const auto &p : topology::pairs)
		if (p.label == label)
			opt.pair = &p;
	if (opt.pair == nullptr)
		throw std::invalid_argument("unknown pair " + std::string(label));
	for (int i = 3; i < argc; i++) {
		const std::string_view flag = argv[i];
		if (i + 1 >= argc)
			throw std::invalid_argument(std::string(flag) + " needs a value");
		const char *val = argv[++i];
		if (flag == "--size")
			opt.size = to_size(flag, val);
		else if (flag == "--count")
			opt.count = to_size(flag, val);
		else if (flag == "--warmup")
			opt.warmup = to_size(flag, val);
		else if (flag == "--prio")
			opt.prio = static_cast<int>(to_size(flag, val));
		else if (flag == "--seconds")
			opt.seconds = static_cast<int>(to_size(flag, val));
		else if (flag == "--oob")
			opt.oob = to_size(flag, val) != 0;
		else if (flag == "--flood")
			opt.flood = to_size(flag, val) != 0;
		else
			throw std::invalid_argument("unknown option " + std::string(flag));
	}
	if (opt.size == 0 || opt.size > max_size)
		throw std::invalid_argument("--size must be 1.." + std::to_string(max_size));
	return opt;
}

} // namespace

int main(int argc, char **argv)
{
	try {
		auto opt = parse(argc, argv);
		if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
			std::perror("oob-udp-bench: mlockall");
		return opt.mode == "rtt" ? run_rtt(opt) : run_tput(opt);
	} catch (const std::exception &e) {
		std::fprintf(stderr, "oob-udp-bench: %s\n", e.what());
		return 2;
	}
}
