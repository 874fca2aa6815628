// SPDX-License-Identifier: GPL-2.0
// oob-fault-check: oobnet's failure paths under injected allocation
// failures (failslab and fail_page_alloc, CONFIG_FAULT_INJECTION).
//
//   oob-fault-check port NS DEV
//	turning DEV's port on, with its 1st, 2nd, ... allocation failing
//	(/proc/thread-self/fail-nth) until one attempt needs no failure:
//	each attempt fails with ENOMEM (or EAGAIN) and leaves no port, or
//	succeeds and leaves one
//   oob-fault-check socket NS IP PEER_IP
//	the same sweep over socket(SOCK_OOB), bind() to IP and a send to PEER_IP
//   oob-fault-check rx NS_A IP_A NS_B DEV_B IP_B
//	fragmented datagrams from A to an oob socket on B while B's RX and
//	TX threads see a quarter of their allocations fail: then, faults
//	off, every datagram goes through again and every head came back.
//	Those threads allocate nothing for the oob path itself; a packet tap
//	on DEV_B (tcpdump's view) makes the RX thread clone every frame, and
//	those clones are what fails
// Leaks and splats are the console scan's and kmemleak's to find.
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sched.h>
#include <string>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/net_oob.h>
#include <net/if.h>

#include "oob/check.hpp"
#include "oob/fd.hpp"
#include "oob/netns.hpp"
#include "oob/oobnet.hpp"

namespace {

using namespace std::chrono_literals;
using oob::checks::check;
namespace on = oob::oobnet;

constexpr unsigned max_nth = 300;
constexpr std::uint16_t oob_port = 9000;

void write_file(const std::string &path, const std::string &value)
{
	std::ofstream f(path);
	f << value << std::flush;
	if (!f)
		throw std::system_error(errno, std::generic_category(), "write " + path);
}

std::string read_file(const std::string &path)
{
	std::ifstream f(path);
	std::string s;
	std::getline(f, s);
	return s;
}

// failslab and fail_page_alloc armed for the marked tasks only, sleeping
// allocations included; off again when it goes.
class fault_injection {
public:
	explicit fault_injection(unsigned probability)
	{
		for (const char *d : dirs) {
			const std::string base = std::string("/sys/kernel/debug/") + d + "/";
			write_file(base + "task-filter", "Y");
			write_file(base + "verbose", "0");
			write_file(base + "space", "0");
			write_file(base + "interval", "1");
			write_file(base + "ignore-gfp-wait", "N");
			write_file(base + "times", std::to_string(times));
			write_file(base + "probability", std::to_string(probability));
		}
		write_file("/sys/kernel/debug/fail_page_alloc/min-order", "0");
		write_file("/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N");
	}
	fault_injection(const fault_injection &) = delete;
	fault_injection &operator=(const fault_injection &) = delete;
	fault_injection(fault_injection &&) = delete;
	fault_injection &operator=(fault_injection &&) = delete;
	~fault_injection()
	{
		for (const char *d : dirs)
			try {
				write_file(std::string("/sys/kernel/debug/") + d + "/probability",
					   "0");
			} catch (const std::exception &) {
			}
	}

	// How many failures were injected so far.
	[[nodiscard]] long injected() const
	{
		long n = 0;
		for (const char *d : dirs)
			n += times -
			     std::stol(read_file(std::string("/sys/kernel/debug/") + d + "/times"));
		return n;
	}

private:
	static constexpr std::array<const char *, 2> dirs{"failslab", "fail_page_alloc"};
	static constexpr long times = 1000000;
};

// The kernel's threads whose command name starts with prefix.
std::vector<pid_t> threads_named(const std::string &prefix)
{
	std::vector<pid_t> out;
	for (const auto &e : std::filesystem::directory_iterator("/proc")) {
		const std::string name = e.path().filename();
		if (name.find_first_not_of("0123456789") != std::string::npos)
			continue;
		if (read_file(e.path() / "comm").starts_with(prefix))
			out.push_back(std::stoi(name));
	}
	return out;
}

// One attempt of the sweep, in a child that sees the namespace's sysfs:
// the nth allocation of writing value to path fails.  Returns the write's
// errno (0: it succeeded) and whether the failure was injected.
std::pair<int, bool> faulted_write(const std::string &ns, const std::string &path,
				   const std::string &value, unsigned nth)
{
	std::array<int, 2> p{};
	if (::pipe(p.data()) != 0)
		throw std::system_error(errno, std::generic_category(), "pipe");
	const pid_t pid = ::fork();
	if (pid == 0) {
		::close(p[0]);
		const int nsfd = ::open(("/run/netns/" + ns).c_str(), O_RDONLY);
		if (nsfd < 0 || ::setns(nsfd, CLONE_NEWNET) != 0 || ::unshare(CLONE_NEWNS) != 0 ||
		    ::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) != 0 ||
		    ::umount2("/sys", MNT_DETACH) != 0 ||
		    ::mount("sysfs", "/sys", "sysfs", 0, nullptr) != 0)
			::_exit(100);
		const int fd = ::open(path.c_str(), O_WRONLY);
		const int nth_fd = ::open("/proc/thread-self/fail-nth", O_RDWR);
		if (fd < 0 || nth_fd < 0)
			::_exit(101);
		const std::string n = std::to_string(nth);
		if (::write(nth_fd, n.data(), n.size()) != static_cast<ssize_t>(n.size()))
			::_exit(102);
		const ssize_t w = ::write(fd, value.data(), value.size());
		const int err = w < 0 ? errno : 0;
		std::array<char, 16> left{};
		const ssize_t r = ::pread(nth_fd, left.data(), left.size() - 1, 0);
		const bool injected = r > 0 && left[0] == '0';
		(void)::write(nth_fd, "0", 1);
		const std::array<int, 2> out{err, injected ? 1 : 0};
		(void)::write(p[1], out.data(), sizeof(out));
		::_exit(0);
	}
	::close(p[1]);
	std::array<int, 2> out{-1, 0};
	const ssize_t got = ::read(p[0], out.data(), sizeof(out));
	::close(p[0]);
	int status = 0;
	::waitpid(pid, &status, 0);
	if (got != sizeof(out))
		throw std::runtime_error("fault sweep child failed, status " +
					 std::to_string(status));
	return {out[0], out[1] != 0};
}

bool tolerated(int err)
{
	return err == 0 || err == ENOMEM || err == EAGAIN || err == ENOBUFS;
}

int port(const std::string &ns, const std::string &dev)
{
	const std::string path = "/sys/class/net/" + dev + "/oob_port";
	check(on::sysfs_read(ns, path) == "0", dev + " starts with no port");
	const fault_injection faults(0); // fail-nth only
	unsigned nth = 1;
	unsigned failed = 0;
	for (; nth <= max_nth; ++nth) {
		const auto [err, injected] = faulted_write(ns, path, "1", nth);
		const std::string now = on::sysfs_read(ns, path);
		const bool port_on = now == "1";
		if (!tolerated(err) || (err != 0) == port_on) {
			check(false, "allocation " + std::to_string(nth) + " failing: " +
					     (err != 0 ? std::strerror(err) : "success") +
					     ", port " + now);
			break;
		}
		if (port_on)
			on::sysfs_write(ns, path, "0");
		failed += err != 0 ? 1 : 0;
		if (!injected)
			break;
	}
	check(nth <= max_nth && failed > 0,
	      dev + ": each of the first " + std::to_string(nth - 1) +
		      " allocations of turning the port on failed in turn, " +
		      std::to_string(failed) + " times with a clean error and no port");
	on::sysfs_write(ns, path, "1");
	check(on::sysfs_read(ns, path) == "1", dev + " is a port again once nothing fails");
	on::sysfs_write(ns, path, "0");
	return oob::checks::exit_code();
}

// The fail-nth sweep in this thread over an oob UDP socket's life.
int socket_life(const std::string &ns, const std::string &ip, const std::string &peer)
{
	const oob::netns::scoped_enter in(ns);
	const fault_injection faults(0);
	const int nth_fd = ::open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0)
		throw std::system_error(errno, std::generic_category(), "fail-nth");
	unsigned nth = 1;
	unsigned failed = 0;
	bool clean = true;
	for (; nth <= max_nth && clean; ++nth) {
		const std::string n = std::to_string(nth);
		(void)::pwrite(nth_fd, n.data(), n.size(), 0);
		int err = 0;
		const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_OOB | SOCK_NONBLOCK, 0);
		if (fd < 0) {
			err = errno;
		} else {
			const auto a = on::ipv4_address(ip, 0);
			const auto to = on::ipv4_address(peer, oob_port);
			if (::bind(fd, reinterpret_cast<const sockaddr *>(&a), sizeof(a)) != 0 ||
			    ::sendto(fd, "x", 1, 0, reinterpret_cast<const sockaddr *>(&to),
				     sizeof(to)) < 0)
				err = errno;
			::close(fd);
		}
		std::array<char, 16> left{};
		const bool injected =
			::pread(nth_fd, left.data(), left.size() - 1, 0) > 0 && left[0] == '0';
		(void)::pwrite(nth_fd, "0", 1, 0);
		// A send may also be refused for what it is (EAGAIN, no route).
		// ENFILE: the socket's file could not be allocated.
		clean = tolerated(err) || err == ENFILE || err == EHOSTUNREACH ||
			err == ENETUNREACH;
		if (!clean)
			check(false, "allocation " + n + " failing: " + std::strerror(err));
		failed += err != 0 ? 1 : 0;
		if (!injected)
			break;
	}
	::close(nth_fd);
	check(clean && nth <= max_nth,
	      "socket(), bind() and a send with each of their first " + std::to_string(nth - 1) +
		      " allocations failing in turn: " + std::to_string(failed) + " clean errors");
	return oob::checks::exit_code();
}

int rx(const std::string &ns_a, const std::string &ip_a, const std::string &ns_b,
       const std::string &dev_b, const std::string &ip_b)
{
	constexpr unsigned datagrams = 200;
	constexpr size_t len = 3000; // three fragments
	const auto threads = threads_named("oobnet-");
	std::vector<pid_t> marked;
	for (const pid_t t : threads) {
		const auto comm = read_file("/proc/" + std::to_string(t) + "/comm");
		// The oob stage's threads, not the in-band relay (oobnet-ib/).
		if ((comm.starts_with("oobnet-rx/") || comm.starts_with("oobnet-tx/")) &&
		    comm.ends_with("/" + dev_b))
			marked.push_back(t);
	}
	check(marked.size() == 2,
	      dev_b + " has its RX and TX threads (" + std::to_string(marked.size()) + " found)");

	const long long heads = on::settled_oob_heads();
	{
		const oob::netns::scoped_enter in_b(ns_b);
		on::udp_socket rx_sock(false);
		rx_sock.bind(ip_b, oob_port);
		std::vector<std::byte> payload(len, std::byte{0x5a});
		std::vector<std::byte> buf(len + 64);
		auto exchange = [&](unsigned count) {
			unsigned got = 0;
			std::thread sender([&] {
				const oob::netns::scoped_enter in_a(ns_a);
				on::udp_socket tx(false);
				tx.bind(ip_a, 0);
				for (unsigned i = 0; i < count; ++i) {
					try {
						tx.send_to(payload, ip_b, oob_port,
							   on::timeout::after(100ms));
					} catch (const std::system_error &) {
						// a send refused under faults is not the point
					}
					std::this_thread::sleep_for(2ms);
				}
			});
			// Until all arrived, or the wire stayed quiet for two seconds.
			for (bool quiet = false; got < count && !quiet;) {
				try {
					if (rx_sock.recv(buf, on::timeout::after(2s)).length == len)
						++got;
				} catch (const std::system_error &e) {
					quiet = e.code().value() == ETIMEDOUT;
					if (!quiet)
						throw;
				}
			}
			sender.join();
			return got;
		};

		// A tap: each frame the RX thread picks is cloned for it.
		const oob::unique_fd tap(oob::check_syscall("tap socket", ::socket, AF_PACKET,
							    SOCK_RAW | SOCK_CLOEXEC,
							    htons(ETH_P_ALL)));
		sockaddr_ll sll{};
		sll.sll_family = AF_PACKET;
		sll.sll_protocol = htons(ETH_P_ALL);
		sll.sll_ifindex = static_cast<int>(::if_nametoindex(dev_b.c_str()));
		oob::check_syscall("bind tap", ::bind, tap.get(),
				   reinterpret_cast<const sockaddr *>(&sll), sizeof(sll));
		long injected = 0;
		unsigned under_faults = 0;
		{
			const fault_injection faults(25);
			for (const pid_t t : marked)
				write_file("/proc/" + std::to_string(t) + "/make-it-fail", "1");
			under_faults = exchange(datagrams);
			for (const pid_t t : marked)
				write_file("/proc/" + std::to_string(t) + "/make-it-fail", "0");
			injected = faults.injected();
		}
		check(injected > 0, std::to_string(injected) + " allocations of " + dev_b +
					    "'s threads failed; " + std::to_string(under_faults) +
					    " of " + std::to_string(datagrams) +
					    " datagrams arrived meanwhile");
		const unsigned after = exchange(50);
		check(after == 50,
		      "faults off: " + std::to_string(after) + " of 50 datagrams arrived");
		const auto c = on::device_counters(dev_b);
		check(on::value_of(c, "inflight") <= 0,
		      dev_b + ": nothing in flight (" +
			      std::to_string(on::value_of(c, "inflight")) + ")");
	}
	const long long back = on::oob_heads_back(heads);
	check(back == heads, "every oob skb head came back: " + std::to_string(back) + " free, " +
				     std::to_string(heads) + " before");
	return oob::checks::exit_code();
}

} // namespace

int main(int argc, char **argv)
{
	const std::vector<std::string> a(argv + 1, argv + argc);
	try {
		if (a.size() == 3 && a[0] == "port")
			return port(a[1], a[2]);
		if (a.size() == 4 && a[0] == "socket")
			return socket_life(a[1], a[2], a[3]);
		if (a.size() == 6 && a[0] == "rx")
			return rx(a[1], a[2], a[3], a[4], a[5]);
	} catch (const std::exception &e) {
		std::printf("FAIL %s\n", e.what());
		return 1;
	}
	std::fprintf(stderr, "usage: oob-fault-check port NS DEV | socket NS IP PEER_IP | "
			     "rx NS_A IP_A NS_B DEV_B IP_B\n");
	return 2;
}
