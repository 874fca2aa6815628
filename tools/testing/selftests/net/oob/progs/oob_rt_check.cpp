// SPDX-License-Identifier: GPL-2.0
// oob-rt-check: oobnet's real-time path runs no in-band kernel work.  A
// softirq or an allocation that may sleep (__GFP_DIRECT_RECLAIM) in
// oobnet's RX and TX threads, or in a task doing oob I/O, makes real-time
// work wait on the in-band kernel: with every oob socket type busy under
// an in-band flood, ftrace must see neither.  Prints one line per check
// and exits 1 if any failed.
//
//   oob-rt-check NS_A DEV_A IP_A NS_B DEV_B IP_B SECONDS
//       DEV_A and DEV_B are whole-device oob ports.  For SECONDS, from A to
//       B: oob UDP datagrams to IP_B:9100 of 64 and 3000 bytes (fragments:
//       B reassembles them), raw oob frames of ethertype 0x88b5, and an
//       in-band UDP flood to IP_B:9200, which B's RX thread relays in-band,
//       raising NET_RX on its CPU.  A's neighbour entries go stale every
//       100 ms or so, for its sends to have them confirmed.  A's oob
//       senders run SCHED_FIFO, and so do B's oob readers, on that CPU,
//       where those softirqs are pending, so that a path of theirs that
//       runs pending softirqs inline shows.
//
// One tracefs instance (oob-rt) records softirq_entry and the kmalloc,
// kmem_cache_alloc and mm_page_alloc that may sleep, of oobnet's threads of
// both ports and of the oob I/O threads only: per-event filters on
// common_pid.  Not set_event_pid nor record-cmd (turned off): they
// hook the scheduler's tracepoints, whose live patching of __schedule has
// oopsed under QEMU TCG.  Another instance (oob-rt-all) records every
// softirq_entry: the proof that tracing worked and the flood raised
// softirqs.  The program locks its memory and takes each oob thread once
// through its I/O path (its first allocations and exception, the
// neighbour lookup) before tracing starts: its own page faults are
// allocations that may sleep too, and are not what is measured.
#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/magic.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <unistd.h>

#include "oob/check.hpp"
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

constexpr std::uint16_t oob_udp_port = 9100;
constexpr std::uint16_t inband_port = 9200;
constexpr std::uint16_t test_ethertype = 0x88b5; // IEEE local experimental 1
constexpr std::size_t small_len = 64;
constexpr std::size_t big_len = 3000;	    // 3 IPv4 fragments on a 1500 MTU
constexpr std::size_t frame_payload = 1472; // the most a datagram has in one frame
constexpr std::size_t frame_len = 64;
constexpr std::size_t rx_buf_len = 4096;
constexpr int reader_prio = 60;
// The senders are real-time tasks too, as an application's would be: the
// sleep between two sends of an in-band task is a soft hrtimer on
// PREEMPT_RT, whose cancellation may run the CPU's pending softirqs in it,
// in-band work of the pacing, not of the oob path.
constexpr int sender_prio = 55;
constexpr auto poll_interval = 100ms; // how soon a thread sees it should stop
constexpr auto send_timeout = 100ms;
constexpr auto send_gap = 4ms; // a few hundred sends a second: TCG is slow
constexpr auto ready_limit = 10s;
constexpr std::size_t shown_lines = 10;

// ___GFP_DIRECT_RECLAIM in Linux 6.12: bit 10 of the ___GFP_*_BIT enum of
// include/linux/gfp_types.h (the bits that depend on the configuration,
// such as ___GFP_NOLOCKDEP_BIT with CONFIG_LOCKDEP, come after it).
constexpr unsigned long gfp_direct_reclaim = 1UL << 10;

constexpr const char *tracefs = "/sys/kernel/tracing";
constexpr const char *rt_instance = "oob-rt";
constexpr const char *all_instance = "oob-rt-all";
constexpr const char *rt_buffer_kb = "4096";
constexpr const char *all_buffer_kb = "1024";

// ---- tracefs ---------------------------------------------------------------

// Writes value to path in one write(): the kernel's refusal, such as a
// filter it cannot parse (EINVAL), comes out as std::system_error.
void write_file(const std::string &path, const std::string &value, int flags = 0)
{
	const oob::unique_fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC | flags));
	if (!fd)
		oob::throw_errno("open " + path);
	const ssize_t n = oob::check_syscall("write '" + value + "' to " + path, ::write, fd.get(),
					     value.data(), value.size());
	if (static_cast<std::size_t>(n) != value.size())
		throw std::runtime_error("short write of '" + value + "' to " + path);
}

std::string read_file(const std::string &path)
{
	const oob::unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!fd)
		oob::throw_errno("open " + path);
	std::string out;
	std::vector<char> buf(std::size_t{64} * 1024);
	for (;;) {
		const ssize_t n = oob::check_syscall("read " + path, ::read, fd.get(), buf.data(),
						     buf.size());
		if (n == 0)
			return out;
		out.append(buf.data(), static_cast<std::size_t>(n));
	}
}

std::string first_line_of(const std::string &text)
{
	return text.substr(0, text.find('\n'));
}

void mount_tracefs()
{
	struct statfs st {};
	if (::statfs(tracefs, &st) == 0 && st.f_type == TRACEFS_MAGIC)
		return;
	oob::check_syscall(std::string("mount tracefs on ") + tracefs, ::mount, "tracefs", tracefs,
			   "tracefs", 0UL, static_cast<const void *>(nullptr));
}

// A tracefs instance: a ring buffer and events of its own, apart from the
// global ones.  It starts off (tracing_on 0), a stale one of the same name
// removed first; it goes with the object, or earlier with remove().
// record-cmd and record-tgid are options of the top level only, which an
// instance takes when it is made: they go off there first.
class trace_instance {
public:
	explicit trace_instance(const std::string &name)
	    : dir_(std::string(tracefs) + "/instances/" + name)
	{
		for (const char *option : {"record-cmd", "record-tgid"})
			write_file(std::string(tracefs) + "/options/" + option, "0", 0);
		if (::rmdir(dir_.c_str()) == -1 && errno != ENOENT)
			oob::throw_errno("remove the stale trace instance " + dir_);
		oob::check_syscall("mkdir " + dir_, ::mkdir, dir_.c_str(), mode_t{0755});
		try {
			set("tracing_on", "0");
		} catch (...) {
			::rmdir(dir_.c_str());
			throw;
		}
		made_ = true;
	}
	trace_instance(const trace_instance &) = delete;
	trace_instance &operator=(const trace_instance &) = delete;
	trace_instance(trace_instance &&) = delete;
	trace_instance &operator=(trace_instance &&) = delete;
	// Its events go with it.
	~trace_instance()
	{
		if (made_ && ::rmdir(dir_.c_str()) == -1) {
			const int err = errno;
			check(false, "rmdir " + dir_ + ": " + std::strerror(err));
		}
	}

	void set(const std::string &file, const std::string &value, int flags = 0) const
	{
		write_file(dir_ + "/" + file, value, flags);
	}
	[[nodiscard]] std::string get(const std::string &file) const
	{
		return read_file(dir_ + "/" + file);
	}

	// Enables event ("irq/softirq_entry") with filter ("": all of it);
	// throws unless the kernel took both.
	void enable(const std::string &event, const std::string &filter)
	{
		const std::string ev = "events/" + event + "/";
		if (!filter.empty()) {
			set(ev + "filter", filter);
			const std::string back = get(ev + "filter");
			if (first_line_of(back) != filter ||
			    back.find("error") != std::string::npos)
				throw std::runtime_error(dir_ + ": the filter of " + event +
							 " reads back as '" + back + "', not '" +
							 filter + "'");
		}
		set(ev + "enable", "1");
		if (first_line_of(get(ev + "enable")) != "1")
			throw std::runtime_error(dir_ + ": " + event + " did not get enabled");
		enabled_.push_back(event);
	}
	void disable_events()
	{
		for (const auto &event : enabled_)
			set("events/" + event + "/enable", "0");
		enabled_.clear();
	}
	// Empties the buffer and starts recording.
	void start() const
	{
		set("trace", "", O_TRUNC);
		set("tracing_on", "1");
	}
	void stop() const { set("tracing_on", "0"); }
	[[nodiscard]] std::string trace() const { return get("trace"); }
	void remove()
	{
		if (!made_)
			return;
		made_ = false;
		oob::check_syscall("rmdir " + dir_, ::rmdir, dir_.c_str());
	}

private:
	std::string dir_;
	bool made_ = false;
	std::vector<std::string> enabled_;
};

// "common_pid == 1 || common_pid == 2"
std::string pid_filter(const std::vector<pid_t> &pids)
{
	std::string f;
	for (const pid_t pid : pids) {
		if (!f.empty())
			f += " || ";
		f += "common_pid == " + std::to_string(pid);
	}
	return f;
}

std::string sleeping_alloc_filter(const std::vector<pid_t> &pids)
{
	std::array<char, 32> mask{};
	std::snprintf(mask.data(), mask.size(), "%#lx", gfp_direct_reclaim);
	return "(" + pid_filter(pids) + ") && gfp_flags & " + mask.data();
}

// What a trace holds: its events by kind, the first lines of them and
// the header's count of events written (overwritten ones included).
struct trace_counts {
	std::uint64_t softirqs = 0;
	std::uint64_t allocs = 0;
	std::uint64_t other = 0; // such as "CPU:1 [LOST 12 EVENTS]"
	std::optional<std::uint64_t> written;
	std::vector<std::string> first;
};

// "# entries-in-buffer/entries-written: 12/345   #P:2": 345.
std::optional<std::uint64_t> entries_written(std::string_view header)
{
	constexpr std::string_view key = "entries-written: ";
	const auto at = header.find(key);
	if (at == std::string_view::npos)
		return std::nullopt;
	const auto slash = header.find('/', at + key.size());
	if (slash == std::string_view::npos)
		return std::nullopt;
	std::uint64_t n = 0;
	const char *begin = header.data() + slash + 1;
	const auto [end, err] = std::from_chars(begin, header.data() + header.size(), n);
	if (err != std::errc() || end == begin)
		return std::nullopt;
	return n;
}

trace_counts count_events(std::string_view text)
{
	trace_counts c;
	const auto has = [](std::string_view line, std::string_view event) {
		return line.find(event) != std::string_view::npos;
	};
	while (!text.empty()) {
		const auto nl = text.find('\n');
		const std::string_view line = text.substr(0, nl);
		text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
		if (line.empty())
			continue;
		if (line.front() == '#') {
			if (const auto w = entries_written(line))
				c.written = w;
			continue;
		}
		if (has(line, " softirq_entry: "))
			++c.softirqs;
		else if (has(line, " kmalloc: ") || has(line, " kmem_cache_alloc: ") ||
			 has(line, " mm_page_alloc: "))
			++c.allocs;
		else
			++c.other;
		if (c.first.size() < shown_lines)
			c.first.emplace_back(line);
	}
	return c;
}

// ---- the run's threads -----------------------------------------------------

enum class stage { starting, ready, failed };

// A thread's first exception, thrown before it is traced: the first use
// of the unwinder and of the allocator in a thread may map or fault in
// memory, which is no part of the path under test.
void warm_up_exceptions()
{
	try {
		throw std::system_error(EAGAIN, std::generic_category(), "warm-up");
	} catch (const std::system_error &) {
		// Thrown to be caught.
	}
}

// One thread of the run.  It sets itself up, says it is ready, waits for
// the start, then loops until the stop.  Its counts and error are read
// once it is joined.
struct worker {
	worker(std::string thread_name, bool does_oob_io)
	    : name(std::move(thread_name)), oob_io(does_oob_io)
	{
	}
	std::string name; // its thread's name: 15 characters at most
	bool oob_io;	  // its tid goes in the filters
	std::atomic<stage> state{stage::starting};
	std::atomic<pid_t> tid{0};
	std::uint64_t count = 0;   // datagrams or frames sent or received
	std::uint64_t big = 0;	   // received ones over one frame's payload
	std::uint64_t refused = 0; // sends refused for now
	std::string error;
	std::thread thread;
};

// The run's threads, joined when it goes.
class crew {
public:
	~crew() { finish(); }

	// Runs body on a thread of its own; body calls ready() once set up.
	void add(const std::string &name, bool oob_io, std::function<void(worker &)> body)
	{
		worker &w = workers_.emplace_back(name, oob_io);
		w.thread = std::thread([&w, body = std::move(body)] {
			try {
				const int err =
					::pthread_setname_np(::pthread_self(), w.name.c_str());
				if (err != 0)
					throw std::system_error(err, std::generic_category(),
								"name the thread " + w.name);
				warm_up_exceptions();
				body(w);
			} catch (const std::exception &e) {
				w.error = e.what();
			}
			auto starting = stage::starting;
			w.state.compare_exchange_strong(starting, stage::failed);
		});
	}

	// A worker is set up: waits for the start; false when the run was
	// called off instead.
	bool ready(worker &w) const
	{
		w.tid = static_cast<pid_t>(::gettid());
		w.state = stage::ready;
		while (!go_ && !stop_)
			std::this_thread::sleep_for(1ms);
		return !stop_;
	}
	[[nodiscard]] bool stopping() const { return stop_; }

	// Waits until every worker is set up: false when one failed, or when
	// limit passed first.
	[[nodiscard]] bool wait_ready(std::chrono::milliseconds limit) const
	{
		const auto deadline = std::chrono::steady_clock::now() + limit;
		for (;;) {
			const auto in = [this](stage s) {
				return std::ranges::any_of(
					workers_, [s](const worker &w) { return w.state == s; });
			};
			if (in(stage::failed))
				return false;
			if (!in(stage::starting))
				return true;
			if (std::chrono::steady_clock::now() >= deadline)
				return false;
			std::this_thread::sleep_for(10ms);
		}
	}
	void go() { go_ = true; }
	// Stops and joins them all.
	void finish()
	{
		stop_ = true;
		for (auto &w : workers_)
			if (w.thread.joinable())
				w.thread.join();
	}
	// Joined first: a failed check per worker that failed.
	void report_errors()
	{
		finish();
		for (const auto &w : workers_)
			if (!w.error.empty())
				check(false, w.name + ": " + w.error);
	}
	[[nodiscard]] const std::deque<worker> &workers() const { return workers_; }

private:
	std::atomic<bool> go_{false};
	std::atomic<bool> stop_{false};
	std::deque<worker> workers_; // stays put as it grows
};

bool refused_for_now(const std::system_error &e)
{
	const int err = e.code().value();
	return err == EAGAIN || err == ENOBUFS || err == ETIMEDOUT;
}

// A receive that found nothing within its timeout.
bool nothing_came(const std::system_error &e)
{
	const int err = e.code().value();
	return err == ETIMEDOUT || err == EAGAIN;
}

// Takes the thread through the receive path once, before it is traced:
// its first allocations (its malloc arena) and exception happen here.
void warm_up_receive(on::socket &s, std::span<std::byte> buf)
{
	try {
		(void)s.recv(buf, on::timeout::none());
	} catch (const std::system_error &e) {
		if (!nothing_came(e))
			throw;
	}
}

void receive_loop(const crew &c, worker &w, on::socket &s, std::span<std::byte> buf)
{
	while (!c.stopping()) {
		try {
			const auto r = s.recv(buf, on::timeout::after(poll_interval));
			++w.count;
			if (r.length > frame_payload)
				++w.big;
		} catch (const std::system_error &e) {
			if (!nothing_came(e))
				throw;
		}
	}
}

// Sends one datagram or frame with send_one(i) every send_gap until the
// stop; a send refused for now (EAGAIN, ENOBUFS, ETIMEDOUT) is counted.
// To warm_up, it sends once of each kind (i = 0, 1) instead, counting
// nothing: the thread's first pass through the path, before it is traced.
template <typename F> void send_loop(const crew &c, worker &w, const F &send_one, bool warm_up)
{
	for (std::uint64_t i = 0; warm_up ? i < 2 : !c.stopping(); ++i) {
		try {
			send_one(i);
			++w.count;
		} catch (const std::system_error &e) {
			if (!refused_for_now(e))
				throw;
			++w.refused;
		}
		std::this_thread::sleep_for(send_gap);
	}
	if (warm_up)
		w.count = w.refused = 0;
}

// An oob sender's life: real-time, warmed up, then sending until the stop
// once the whole crew is ready.
template <typename F> void run_sender(const crew &c, worker &w, const F &send_one)
{
	oob::set_realtime(-1, sender_prio);
	send_loop(c, w, send_one, true);
	if (c.ready(w))
		send_loop(c, w, send_one, false);
}

// Until the next hop to ipv4 is cached: the sends then take the oob path
// instead of the in-band IP output.
void resolve_neighbour(const on::udp_socket &s, const std::string &ipv4)
{
	for (int i = 0; i < 200; ++i) {
		if (on::solicit(s, ipv4))
			return;
		std::this_thread::sleep_for(10ms);
	}
	throw std::runtime_error("the neighbour " + ipv4 + " was not resolved in 2 s");
}

std::vector<std::byte> make_frame(const oob::link::info &to, const oob::link::info &from)
{
	const auto dst = oob::parse_mac(to.mac);
	const auto src = oob::parse_mac(from.mac);
	std::vector<std::byte> f(frame_len, std::byte{0x5a});
	std::memcpy(f.data(), dst.data(), ETH_ALEN);
	std::memcpy(f.data() + ETH_ALEN, src.data(), ETH_ALEN);
	const std::uint16_t type = htons(test_ethertype);
	std::memcpy(f.data() + std::size_t{2} * ETH_ALEN, &type, sizeof(type));
	return f;
}

// An ordinary UDP socket, bound and/or connected, whose blocking calls
// give up with EAGAIN after poll_interval.
oob::unique_fd inband_udp(const std::optional<sockaddr_in> &bind_to,
			  const std::optional<sockaddr_in> &peer)
{
	oob::unique_fd fd(oob::check_syscall("in-band UDP socket", ::socket, AF_INET,
					     SOCK_DGRAM | SOCK_CLOEXEC, 0));
	if (bind_to)
		oob::check_syscall("bind the in-band UDP socket", ::bind, fd.get(),
				   reinterpret_cast<const sockaddr *>(&*bind_to),
				   socklen_t{sizeof(sockaddr_in)});
	if (peer)
		oob::check_syscall("connect the in-band UDP socket", ::connect, fd.get(),
				   reinterpret_cast<const sockaddr *>(&*peer),
				   socklen_t{sizeof(sockaddr_in)});
	const timeval tv{
		0, static_cast<suseconds_t>(std::chrono::microseconds(poll_interval).count())};
	for (const int opt : {SO_RCVTIMEO, SO_SNDTIMEO})
		oob::check_syscall("in-band UDP socket timeout", ::setsockopt, fd.get(), SOL_SOCKET,
				   opt, &tv, socklen_t{sizeof(tv)});
	return fd;
}

// ---- the run ---------------------------------------------------------------

// One end of the wire.
struct side {
	std::string netns;
	std::string dev;
	std::string ipv4;
	oob::link::info link;
};

oob::link::info link_in(const std::string &netns, const std::string &dev)
{
	if (!on::port(netns, dev))
		throw std::runtime_error(dev + " in " + netns + " is not an oob port");
	const oob::netns::scoped_enter in(netns);
	auto l = oob::link::by_name(dev);
	if (!l)
		throw std::runtime_error("no link " + dev + " in " + netns);
	return *l;
}

// The RX thread of dev's port, then its TX thread if it has one (an
// oob-capable driver).
std::vector<pid_t> port_threads(const std::string &dev)
{
	auto found = oob::tasks_named("oobnet-rx/" + dev);
	if (found.size() != 1)
		throw std::runtime_error(std::to_string(found.size()) + " threads oobnet-rx/" +
					 dev + " (want 1)");
	const auto tx = oob::tasks_named("oobnet-tx/" + dev);
	if (tx.size() > 1)
		throw std::runtime_error(std::to_string(tx.size()) + " threads oobnet-tx/" + dev +
					 " (want 0 or 1)");
	found.insert(found.end(), tx.begin(), tx.end());
	return found;
}

// The lowest CPU task may run on; how many it may run on.
std::pair<int, int> cpu_of(pid_t task)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	oob::check_syscall("sched_getaffinity of " + std::to_string(task), ::sched_getaffinity,
			   task, sizeof(set), &set);
	for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
		if (CPU_ISSET(cpu, &set))
			return {cpu, CPU_COUNT(&set)};
	throw std::runtime_error("task " + std::to_string(task) + " may run on no CPU");
}

// B's oob readers and the in-band flood's drain.
void start_receivers(crew &c, const side &b, int cpu)
{
	c.add("rt-udp-rx", true, [&c, &b, cpu](worker &w) {
		const oob::netns::scoped_enter in(b.netns);
		on::udp_socket s;
		s.bind(b.ipv4, oob_udp_port);
		std::vector<std::byte> buf(rx_buf_len);
		oob::set_realtime(cpu, reader_prio);
		warm_up_receive(s, buf);
		if (c.ready(w))
			receive_loop(c, w, s, buf);
	});
	c.add("rt-raw-rx", true, [&c, &b, cpu](worker &w) {
		const oob::netns::scoped_enter in(b.netns);
		on::packet_socket s(test_ethertype);
		s.bind(b.link.ifindex);
		std::vector<std::byte> buf(rx_buf_len);
		oob::set_realtime(cpu, reader_prio);
		warm_up_receive(s, buf);
		if (c.ready(w))
			receive_loop(c, w, s, buf);
	});
	c.add("rt-flood-rx", false, [&c, &b](worker &w) {
		const oob::netns::scoped_enter in(b.netns);
		const auto fd = inband_udp(on::ipv4_address(b.ipv4, inband_port), std::nullopt);
		std::vector<std::byte> buf(rx_buf_len);
		if (!c.ready(w))
			return;
		while (!c.stopping()) {
			if (::recv(fd.get(), buf.data(), buf.size(), 0) >= 0)
				++w.count;
			else if (errno != EAGAIN && errno != EINTR)
				oob::throw_errno("in-band drain receive");
		}
	});
}

// A's oob senders and the in-band flood.
void start_senders(crew &c, const side &a, const side &b)
{
	c.add("rt-udp-tx", true, [&c, &a, &b](worker &w) {
		const oob::netns::scoped_enter in(a.netns);
		on::udp_socket s;
		s.bind(a.ipv4, 0);
		s.connect(b.ipv4, oob_udp_port);
		const std::vector<std::byte> small(small_len, std::byte{0x5a});
		const std::vector<std::byte> big(big_len, std::byte{0xa5});
		const auto send_one = [&](std::uint64_t i) {
			s.send(i % 2 == 0 ? small : big, on::timeout::after(send_timeout));
		};
		resolve_neighbour(s, b.ipv4);
		run_sender(c, w, send_one);
	});
	c.add("rt-raw-tx", true, [&c, &a, &b](worker &w) {
		const oob::netns::scoped_enter in(a.netns);
		on::packet_socket s(test_ethertype);
		s.bind(a.link.ifindex);
		const auto frame = make_frame(b.link, a.link);
		const auto send_one = [&](std::uint64_t) {
			s.send(frame, on::timeout::after(send_timeout));
		};
		run_sender(c, w, send_one);
	});
	c.add("rt-flood-tx", false, [&c, &a, &b](worker &w) {
		const oob::netns::scoped_enter in(a.netns);
		const auto fd = inband_udp(std::nullopt, on::ipv4_address(b.ipv4, inband_port));
		const std::array<std::byte, small_len> p{};
		if (!c.ready(w))
			return;
		while (!c.stopping()) {
			if (::send(fd.get(), p.data(), p.size(), 0) >= 0)
				++w.count;
			else if (errno == EAGAIN || errno == ENOBUFS || errno == ECONNREFUSED)
				++w.refused;
			else if (errno != EINTR)
				oob::throw_errno("in-band flood send");
		}
	});
}

const worker &named(const crew &c, std::string_view name)
{
	for (const auto &w : c.workers())
		if (w.name == name)
			return w;
	throw std::logic_error("no worker " + std::string(name));
}

// A sysctl of a namespace set for the object's life, put back after.
class netns_sysctl {
public:
	netns_sysctl(std::string netns, std::string path, const std::string &value)
	    : netns_(std::move(netns)), path_(std::move(path))
	{
		const oob::netns::scoped_enter in(netns_);
		old_ = read_file(path_);
		while (!old_.empty() && old_.back() == '\n')
			old_.pop_back();
		write_file(path_, value);
	}
	netns_sysctl(const netns_sysctl &) = delete;
	netns_sysctl &operator=(const netns_sysctl &) = delete;
	netns_sysctl(netns_sysctl &&) = delete;
	netns_sysctl &operator=(netns_sysctl &&) = delete;
	~netns_sysctl()
	{
		try {
			const oob::netns::scoped_enter in(netns_);
			write_file(path_, old_);
		} catch (const std::exception &e) {
			check(false, "put back " + path_ + "=" + old_ + ": " + e.what());
		}
	}

private:
	std::string netns_;
	std::string path_;
	std::string old_;
};

int run(side a, side b, std::chrono::seconds seconds)
{
	a.link = link_in(a.netns, a.dev);
	b.link = link_in(b.netns, b.dev);
	// The pages this program touches from now on are there already: a
	// page fault is an allocation that may sleep.
	oob::check_syscall("mlockall", ::mlockall, MCL_CURRENT | MCL_FUTURE);

	std::vector<pid_t> pids = port_threads(a.dev);
	const auto threads_b = port_threads(b.dev);
	pids.insert(pids.end(), threads_b.begin(), threads_b.end());
	const auto [cpu, cpus] = cpu_of(threads_b.front());
	std::printf("# readers on CPU %d, the first of the %d CPU(s) oobnet-rx/%s may run on\n",
		    cpu, cpus, b.dev.c_str());

	mount_tracefs();
	trace_instance rt(rt_instance);
	trace_instance all(all_instance);
	rt.set("buffer_size_kb", rt_buffer_kb);
	all.set("buffer_size_kb", all_buffer_kb);

	crew c;
	start_receivers(c, b, cpu);
	const bool receiving = c.wait_ready(ready_limit);
	if (receiving)
		start_senders(c, a, b);
	if (!receiving || !c.wait_ready(ready_limit)) {
		c.report_errors();
		check(false, "the run's threads got ready within " +
				     std::to_string(ready_limit.count()) + " s");
		return oob::checks::exit_code();
	}
	for (const auto &w : c.workers())
		if (w.oob_io)
			pids.push_back(w.tid);
	for (const pid_t pid : pids)
		std::printf("# traced: %d %s\n", pid, oob::task_name(pid).c_str());

	const std::string softirq_filter = pid_filter(pids);
	const std::string alloc_filter = sleeping_alloc_filter(pids);
	std::printf("# filters: softirq_entry: %s; allocations: %s\n", softirq_filter.c_str(),
		    alloc_filter.c_str());
	rt.enable("irq/softirq_entry", softirq_filter);
	for (const char *event : {"kmem/kmalloc", "kmem/kmem_cache_alloc", "kmem/mm_page_alloc"})
		rt.enable(event, alloc_filter);
	all.enable("irq/softirq_entry", "");
	// A's next hop goes stale again and again in the run: the sends then
	// have it confirmed, which must not happen in them.
	const netns_sysctl short_reach(
		a.netns, "/proc/sys/net/ipv4/neigh/" + a.dev + "/base_reachable_time_ms", "100");
	all.start();
	rt.start();
	c.go();
	std::this_thread::sleep_for(seconds);
	// Recording stops while the threads still run their loops: what they
	// do when they stop and close is not the path under test.
	rt.stop();
	all.stop();
	c.report_errors();
	rt.disable_events();
	all.disable_events();
	const auto on_oob = count_events(rt.trace());
	const auto in_all = count_events(all.trace());
	rt.remove();
	all.remove();

	const auto &udp_rx = named(c, "rt-udp-rx");
	const auto &raw_rx = named(c, "rt-raw-rx");
	const auto &udp_tx = named(c, "rt-udp-tx");
	const auto &raw_tx = named(c, "rt-raw-tx");
	const auto &flood_tx = named(c, "rt-flood-tx");
	const auto inband_rx = named(c, "rt-flood-rx").count;
	const std::uint64_t softirqs_all = in_all.written.value_or(in_all.softirqs);
	std::printf("# sent: udp=%llu (refused %llu) raw=%llu (refused %llu) inband=%llu "
		    "(refused %llu)\n",
		    static_cast<unsigned long long>(udp_tx.count),
		    static_cast<unsigned long long>(udp_tx.refused),
		    static_cast<unsigned long long>(raw_tx.count),
		    static_cast<unsigned long long>(raw_tx.refused),
		    static_cast<unsigned long long>(flood_tx.count),
		    static_cast<unsigned long long>(flood_tx.refused));
	std::printf("udp_rx=%llu udp_big_rx=%llu raw_rx=%llu inband_rx=%llu softirqs_all=%llu "
		    "softirq_on_oob=%llu sleeping_allocs=%llu\n",
		    static_cast<unsigned long long>(udp_rx.count),
		    static_cast<unsigned long long>(udp_rx.big),
		    static_cast<unsigned long long>(raw_rx.count),
		    static_cast<unsigned long long>(inband_rx),
		    static_cast<unsigned long long>(softirqs_all),
		    static_cast<unsigned long long>(on_oob.softirqs),
		    static_cast<unsigned long long>(on_oob.allocs));
	for (const auto &line : on_oob.first)
		std::printf("# %s\n", line.c_str());

	const auto n = [](std::uint64_t v) { return std::to_string(v); };
	check(on_oob.softirqs == 0, "no softirq ran in oobnet's threads or the oob I/O threads (" +
					    n(on_oob.softirqs) + " softirq_entry)");
	check(on_oob.allocs == 0, "no allocation that may sleep (__GFP_DIRECT_RECLAIM) in them (" +
					  n(on_oob.allocs) + ")");
	check(on_oob.other == 0, "nothing else in " + std::string(rt_instance) + "'s trace (" +
					 n(on_oob.other) + " other lines, such as lost events)");
	check(softirqs_all > 0, "tracing saw " + n(softirqs_all) + " softirqs in all meanwhile");
	check(udp_rx.count >= 20, "oob UDP: " + n(udp_rx.count) + " datagrams received (want 20)");
	check(udp_rx.big >= 5, "oob UDP: " + n(udp_rx.big) + " of them reassembled (want 5)");
	check(raw_rx.count >= 20, "raw oob: " + n(raw_rx.count) + " frames received (want 20)");
	check(inband_rx >= 100,
	      "in-band flood: " + n(inband_rx) + " datagrams received (want 100)");
	return oob::checks::exit_code();
}

} // namespace

int main(int argc, char **argv)
{
	const std::vector<std::string> args(argv + 1, argv + argc);
	if (args.size() != 7) {
		std::fprintf(stderr,
			     "usage: oob-rt-check NS_A DEV_A IP_A NS_B DEV_B IP_B SECONDS\n");
		return 2;
	}
	try {
		std::size_t used = 0;
		const int seconds = std::stoi(args[6], &used);
		if (used != args[6].size() || seconds <= 0)
			throw std::invalid_argument("SECONDS must be a number over 0: " + args[6]);
		return run({args[0], args[1], args[2], {}}, {args[3], args[4], args[5], {}},
			   std::chrono::seconds(seconds));
	} catch (const std::exception &e) {
		std::printf("FAIL %s\n", e.what());
		return 1;
	}
}
