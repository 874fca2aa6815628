// SPDX-License-Identifier: GPL-2.0
// oob-udp-bench: in-band UDP round trip and throughput across one wire of the
// guest topology (oob/topology.hpp), the echo side in one namespace and the
// measuring side in the other.  Prints one line of key=value pairs per run,
// which scripts/cost.sh compares between kernels.
//
//   oob-udp-bench rtt  PAIR [--size N] [--count N] [--warmup N] [--prio P]
//                      [--cpu C]
//   oob-udp-bench tput PAIR [--size N] [--seconds S] [--cpu C] [--min-pps N]
//                      [--min-delivered F]
//
// rtt: ping-pong of --count datagrams after --warmup unmeasured ones, timed
// with CLOCK_MONOTONIC, both threads SCHED_FIFO --prio (0: leave the policy)
// and memory locked, on CPU --cpu if given (for tput: the receiver there,
// the sender on another CPU).  tput: a sender floods
// the echo side's port for
// --seconds; the line gives what was sent and what was received, per second.
// Exit code 1 when nothing arrived, when under --min-pps datagrams per
// second arrived, or when under the fraction --min-delivered (0..1) of the
// datagrams sent arrived; the reason goes to stderr.
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
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "oob/check.hpp"
#include "oob/fd.hpp"
#include "oob/netns.hpp"
#include "oob/sched.hpp"
#include "oob/stats.hpp"
#include "oob/topology.hpp"

namespace {

using namespace oob;

constexpr std::uint16_t bench_port = 7400;
constexpr std::size_t max_size = 1472; // one Ethernet frame

struct options {
	std::string mode;
	const topology::pair *pair = nullptr;
	std::size_t size = 64;
	std::size_t count = 2000;
	std::size_t warmup = 200;
	int prio = 80;
	int cpu = -1; // both rtt threads, and tput's receiver, on this CPU
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

// The echo side: sends every datagram back until told to stop; in
// counting mode it only counts them.
struct echo_side {
	std::atomic<bool> ready{false};
	std::atomic<bool> stop{false};
	std::atomic<std::uint64_t> received{0};
	std::string error;

	void run(const options &opt, bool echo)
	{
		try {
			netns::scoped_enter in(std::string(opt.pair->b.netns));
			oob::set_realtime(opt.cpu, echo ? opt.prio : 0);
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

int run_rtt(const options &opt)
{
	echo_side side;
	std::thread echo([&] { side.run(opt, true); });
	int lost = 0;
	std::vector<std::int64_t> samples;
	try {
		wait_ready(side);
		netns::scoped_enter in(std::string(opt.pair->a.netns));
		oob::set_realtime(opt.cpu, opt.prio);
		auto fd = udp_socket(std::nullopt, std::chrono::milliseconds(1000));
		auto dst = ipv4(opt.pair->b.ipv4, bench_port);
		check_syscall("connect", ::connect, fd.get(),
			      reinterpret_cast<const sockaddr *>(&dst), socklen_t{sizeof(dst)});
		std::vector<char> out(opt.size, 'o');
		std::vector<char> in_buf(max_size);
		samples.reserve(opt.count);
		for (std::size_t i = 0; i < opt.warmup + opt.count; i++) {
			std::memcpy(out.data(), &i, std::min(sizeof(i), out.size()));
			auto t0 = now_ns();
			check_syscall("send", ::send, fd.get(), out.data(), out.size(), 0);
			auto n = ::recv(fd.get(), in_buf.data(), in_buf.size(), 0);
			auto t1 = now_ns();
			if (n != static_cast<ssize_t>(out.size())) {
				lost++;
				continue;
			}
			if (i >= opt.warmup)
				samples.push_back(t1 - t0);
		}
	} catch (...) {
		side.stop = true;
		echo.join();
		throw;
	}
	side.stop = true;
	echo.join();

	auto s = summarize(samples);
	std::printf("udp-rtt pair=%.*s size=%zu count=%zu lost=%d min=%lld p50=%lld p90=%lld "
		    "p99=%lld p999=%lld max=%lld mean=%.0f\n",
		    static_cast<int>(opt.pair->label.size()), opt.pair->label.data(), opt.size,
		    s.count, lost, static_cast<long long>(s.min), static_cast<long long>(s.p50),
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
		// The sender on another CPU than the receiver: left to the
		// scheduler, it shared the receiver's in some boots and not in
		// others, and the rate with it.
		if (opt.cpu >= 0 && std::thread::hardware_concurrency() > 1)
			oob::set_realtime(opt.cpu == 0 ? 1 : 0, 0);
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
	const auto shortfall = checks::throughput_shortfall(
		sent, received, secs, static_cast<double>(opt.min_pps), opt.min_delivered);
	if (shortfall.empty())
		return 0;
	std::fprintf(stderr, "oob-udp-bench: tput: %s\n", shortfall.c_str());
	return 1;
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
		else if (flag == "--cpu")
			opt.cpu = static_cast<int>(to_size(flag, val));
		else if (flag == "--min-pps")
			opt.min_pps = to_size(flag, val);
		else if (flag == "--min-delivered")
			opt.min_delivered = checks::parse_fraction(flag, val);
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
