// SPDX-License-Identifier: GPL-2.0
#include "oob/oobnet.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <linux/net_oob.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uapi/oobnet.h>

#include <arpa/inet.h>

#include "oob/netns.hpp"

namespace oob::oobnet {

namespace {

constexpr const char *vlans_path = "/sys/module/oobnet/parameters/vlans";

// In a forked child: see sysfs as the namespace's own.  Syscalls only.
bool enter_sysfs_of(const char *netns_path)
{
	if (netns_path == nullptr)
		return true;
	const int fd = ::open(netns_path, O_RDONLY | O_CLOEXEC);
	return fd >= 0 && ::setns(fd, CLONE_NEWNET) == 0 && ::unshare(CLONE_NEWNS) == 0 &&
	       ::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) == 0 &&
	       ::umount2("/sys", MNT_DETACH) == 0 &&
	       ::mount("sysfs", "/sys", "sysfs", 0, nullptr) == 0;
}

// Runs one sysfs access in a child; its exit code is the errno.
template <typename F> void in_child(const std::string &netns, const std::string &what, F access)
{
	const std::string ns_path =
		netns.empty() ? std::string() : std::string(netns::run_dir) + "/" + netns;
	const char *ns = netns.empty() ? nullptr : ns_path.c_str();
	const pid_t pid = ::fork();
	if (pid == -1)
		throw_errno("fork");
	if (pid == 0) {
		if (!enter_sysfs_of(ns))
			::_exit(errno != 0 ? errno : EIO);
		::_exit(access());
	}
	int status = 0;
	check_syscall("waitpid", ::waitpid, pid, &status, 0);
	if (!WIFEXITED(status))
		throw std::system_error(EIO, std::generic_category(), what);
	if (WEXITSTATUS(status) != 0)
		throw std::system_error(WEXITSTATUS(status), std::generic_category(), what);
}

} // namespace

std::string sysfs_read(const std::string &netns, const std::string &path)
{
	std::array<int, 2> p{};
	check_syscall("pipe", ::pipe2, p.data(), O_CLOEXEC);
	unique_fd rd(p[0]);
	unique_fd wr(p[1]);
	const char *cpath = path.c_str();
	in_child(netns, "read " + path, [&]() {
		std::array<char, 4096> buf{};
		const int fd = ::open(cpath, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return errno;
		const ssize_t n = ::read(fd, buf.data(), buf.size());
		if (n < 0)
			return errno;
		return ::write(wr.get(), buf.data(), static_cast<size_t>(n)) == n ? 0 : EIO;
	});
	wr.reset();
	std::string out;
	std::array<char, 4096> buf{};
	ssize_t n = 0;
	while ((n = ::read(rd.get(), buf.data(), buf.size())) > 0)
		out.append(buf.data(), static_cast<size_t>(n));
	while (!out.empty() && out.back() == '\n')
		out.pop_back();
	return out;
}

void sysfs_write(const std::string &netns, const std::string &path, const std::string &value)
{
	const char *cpath = path.c_str();
	const char *cvalue = value.c_str();
	const size_t len = value.size();
	in_child(netns, "write " + value + " to " + path, [&]() {
		const int fd = ::open(cpath, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return errno;
		const ssize_t n = ::write(fd, cvalue, len);
		return n < 0 ? errno : 0;
	});
}

bool port(const std::string &netns, const std::string &dev)
{
	return sysfs_read(netns, "/sys/class/net/" + dev + "/oob_port") == "1";
}

void set_port(const std::string &netns, const std::string &dev, bool on)
{
	sysfs_write(netns, "/sys/class/net/" + dev + "/oob_port", on ? "1" : "0");
}

std::string vlans()
{
	return sysfs_read({}, vlans_path);
}

void set_vlans(const std::string &list)
{
	// sysfs drops an empty write without calling the parameter's setter.
	sysfs_write({}, vlans_path, list + "\n");
}

namespace {

// The line of a /proc/net/oobnet table whose first column is key.
counters table_line(const std::string &file, const std::string &key)
{
	const std::string path = "/proc/thread-self/net/oobnet/" + file;
	std::ifstream in(path);
	if (!in)
		throw std::system_error(ENOENT, std::generic_category(), "open " + path);
	std::string header;
	std::getline(in, header);
	std::vector<std::string> names;
	std::istringstream hs(header);
	for (std::string name; hs >> name;)
		names.push_back(name);

	counters out;
	for (std::string line; std::getline(in, line);) {
		std::istringstream ls(line);
		std::vector<std::string> cols;
		for (std::string col; ls >> col;)
			cols.push_back(col);
		if (cols.empty() || cols[0] != key || cols.size() != names.size())
			continue;
		for (size_t i = 1; i < cols.size(); i++) {
			try {
				out[names[i]] = std::stoll(cols[i], nullptr, 0);
			} catch (const std::logic_error &) {
				// Not a number (a name): not a counter.
			}
		}
		break;
	}
	return out;
}

} // namespace

long long value_of(const counters &c, const std::string &key)
{
	const auto i = c.find(key);
	return i == c.end() ? -1 : i->second;
}

std::string send_stage(const counters &c)
{
	return value_of(c, "oob_io") == 1 ? "tx_oob" : "tx_inband";
}

std::pair<long long, long long> sent_by_stage(const counters &a, const counters &b)
{
	const auto stage = send_stage(b);
	return {delta(a, b, stage), delta(a, b, stage == "tx_oob" ? "tx_inband" : "tx_oob")};
}

long long delta(const counters &a, const counters &b, const std::string &key)
{
	const long long va = value_of(a, key);
	const long long vb = value_of(b, key);
	return va < 0 || vb < 0 ? -1 : vb - va;
}

std::optional<long long> settled(const std::function<long long()> &read,
				 std::chrono::milliseconds every, int reads,
				 std::chrono::milliseconds limit)
{
	const auto deadline = std::chrono::steady_clock::now() + limit;
	long long last = read();
	for (int same = 1; same < reads;) {
		if (std::chrono::steady_clock::now() + every > deadline)
			return std::nullopt;
		std::this_thread::sleep_for(every);
		const long long now = read();
		same = now == last ? same + 1 : 1;
		last = now;
	}
	return last;
}

long long until_equal(const std::function<long long()> &read, long long want,
		      std::chrono::milliseconds every, std::chrono::milliseconds limit)
{
	const auto deadline = std::chrono::steady_clock::now() + limit;
	for (;;) {
		const long long now = read();
		if (now == want || std::chrono::steady_clock::now() + every > deadline)
			return now;
		std::this_thread::sleep_for(every);
	}
}

long long free_oob_heads()
{
	constexpr const char *path = "/proc/sys/net/core/free_oob_skb";
	std::ifstream in(path);
	long long n = -1;
	if (!(in >> n))
		throw std::system_error(ENOENT, std::generic_category(),
					std::string("read ") + path +
						" (from the initial network namespace)");
	return n;
}

long long settled_oob_heads()
{
	using namespace std::chrono_literals;
	constexpr auto every = 100ms;
	constexpr int reads = 21; // 2 s without a change
	constexpr auto limit = 20s;
	std::string seen;
	const auto n = settled(
		[&seen] {
			const long long v = free_oob_heads();
			// What the failure message shows: where the count went.
			if (seen.size() < 200)
				seen += (seen.empty() ? "" : " ") + std::to_string(v);
			return v;
		},
		every, reads, limit);
	if (!n)
		throw std::runtime_error("the free oob skb heads did not settle within 20 s: " +
					 seen + " ... " + std::to_string(free_oob_heads()));
	return *n;
}

long long oob_heads_back(long long want)
{
	using namespace std::chrono_literals;
	return until_equal(free_oob_heads, want, 50ms, 15s);
}

std::string table_text(const std::string &file)
{
	std::ifstream in("/proc/thread-self/net/oobnet/" + file);
	std::ostringstream out;
	out << in.rdbuf();
	return out.str();
}

counters device_counters(const std::string &dev)
{
	return table_line("devices", dev);
}

counters device_counters(const std::string &ns, const std::string &dev)
{
	const netns::scoped_enter in(ns);
	return device_counters(dev);
}

counters socket_counters(ino_t inode)
{
	return table_line("sockets", std::to_string(inode));
}

socket::socket(int domain, int type, int protocol, bool nonblock)
    : fd_(::socket(domain, type | SOCK_OOB | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0),
		   protocol))
{
	if (!fd_)
		throw_errno("socket(" + std::to_string(domain) + ", " + std::to_string(type) +
			    " | SOCK_OOB)");
}

std::size_t socket::send(std::span<const std::byte> data, timeout t, const sockaddr *dest,
			 socklen_t destlen)
{
	iovec iov{const_cast<std::byte *>(data.data()), data.size()};
	oob_msghdr msg{};
	msg.name = reinterpret_cast<std::uintptr_t>(dest);
	msg.namelen = dest != nullptr ? destlen : 0;
	msg.iov = reinterpret_cast<std::uintptr_t>(&iov);
	msg.iovlen = 1;
	msg.timeout_ns = t.ns;
	check_syscall("OOB_SIOC_SENDMSG", ::ioctl, fd_.get(), OOB_SIOC_SENDMSG, &msg);
	return msg.count;
}

received socket::recv(std::span<std::byte> buf, timeout t)
{
	received r;
	iovec iov{buf.data(), buf.size()};
	alignas(cmsghdr) std::array<std::byte, CMSG_SPACE(sizeof(timespec))> ctl{};
	oob_msghdr msg{};
	msg.name = reinterpret_cast<std::uintptr_t>(&r.from);
	msg.namelen = sizeof(r.from);
	msg.iov = reinterpret_cast<std::uintptr_t>(&iov);
	msg.iovlen = 1;
	msg.ctl = reinterpret_cast<std::uintptr_t>(ctl.data());
	msg.ctllen = ctl.size();
	msg.flags = MSG_TRUNC;
	msg.timeout_ns = t.ns;
	check_syscall("OOB_SIOC_RECVMSG", ::ioctl, fd_.get(), OOB_SIOC_RECVMSG, &msg);
	r.length = msg.count;
	r.truncated = (msg.flags & MSG_TRUNC) != 0;
	const auto *h = reinterpret_cast<const cmsghdr *>(ctl.data());
	if (msg.ctllen >= CMSG_LEN(sizeof(timespec)) && h->cmsg_level == SOL_SOCKET &&
	    h->cmsg_type == SO_TIMESTAMPNS) {
		timespec ts{};
		std::memcpy(&ts, CMSG_DATA(h), sizeof(ts));
		r.rx_time = std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
	}
	return r;
}

batch::batch(std::size_t n, std::size_t size) : size_(size), data_(n * size), iov_(n), msgs_(n)
{
	if (n == 0 || n > 1024)
		throw std::invalid_argument("a batch holds 1 to 1024 packets");
	for (std::size_t i = 0; i < n; i++) {
		iov_[i] = {data_.data() + i * size, size};
		msgs_[i].iov = reinterpret_cast<std::uintptr_t>(&iov_[i]);
		msgs_[i].iovlen = 1;
	}
}

std::span<std::byte> batch::buffer(std::size_t i)
{
	return std::span(data_).subspan(i * size_, size_);
}

void batch::set_length(std::size_t i, std::size_t len)
{
	if (len > size_)
		throw std::invalid_argument("a packet longer than its batch buffer");
	iov_.at(i).iov_len = len;
}

std::span<const std::byte> batch::packet(std::size_t i) const
{
	const auto &m = msgs_.at(i);
	return std::span(data_).subspan(i * size_, std::min<std::size_t>(m.count, size_));
}

bool batch::truncated(std::size_t i) const
{
	return (msgs_.at(i).flags & MSG_TRUNC) != 0;
}

std::size_t socket::send_batch(batch &b, std::size_t count, timeout t)
{
	if (count == 0 || count > b.capacity())
		throw std::invalid_argument("send_batch: 1 to capacity() packets");
	oobnet_mmsg req{};
	req.msgs = reinterpret_cast<std::uintptr_t>(b.msgs_.data());
	req.vlen = static_cast<std::uint32_t>(count);
	req.timeout_ns = t.ns;
	check_syscall("OOBNET_SIOC_SENDMMSG", ::ioctl, fd_.get(), OOBNET_SIOC_SENDMMSG, &req);
	return req.count;
}

std::size_t socket::recv_batch(batch &b, timeout t)
{
	for (std::size_t i = 0; i < b.capacity(); i++) {
		b.iov_[i].iov_len = b.size_;
		b.msgs_[i].flags = MSG_TRUNC;
		b.msgs_[i].count = 0;
	}
	oobnet_mmsg req{};
	req.msgs = reinterpret_cast<std::uintptr_t>(b.msgs_.data());
	req.vlen = static_cast<std::uint32_t>(b.capacity());
	req.timeout_ns = t.ns;
	check_syscall("OOBNET_SIOC_RECVMMSG", ::ioctl, fd_.get(), OOBNET_SIOC_RECVMMSG, &req);
	return req.count;
}

ino_t socket::inode() const
{
	struct stat st {};
	check_syscall("fstat", ::fstat, fd_.get(), &st);
	return st.st_ino;
}

packet_socket::packet_socket(std::uint16_t ethertype, bool nonblock)
    : socket(AF_PACKET, SOCK_RAW, htons(ethertype), nonblock)
{
}

void packet_socket::bind(int ifindex)
{
	sockaddr_ll sll{};
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifindex;
	check_syscall("bind ifindex " + std::to_string(ifindex), ::bind, fd(),
		      reinterpret_cast<const sockaddr *>(&sll), sizeof(sll));
}

std::size_t packet_socket::send_to(std::span<const std::byte> frame, const sockaddr_ll &dest,
				   timeout t)
{
	return send(frame, t, reinterpret_cast<const sockaddr *>(&dest), sizeof(dest));
}

unique_fd load_socket_filter(std::span<const bpf_insn> insns)
{
	std::array<char, 4096> log{};
	bpf_attr attr{};
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insn_cnt = static_cast<std::uint32_t>(insns.size());
	attr.insns = reinterpret_cast<std::uintptr_t>(insns.data());
	attr.license = reinterpret_cast<std::uintptr_t>("GPL");
	attr.log_buf = reinterpret_cast<std::uintptr_t>(log.data());
	attr.log_size = log.size();
	attr.log_level = 1;
	const long fd = ::syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		throw_errno(std::string("BPF_PROG_LOAD: ") + log.data());
	return unique_fd(static_cast<int>(fd));
}

void set_rx_prog(const socket &through, int ifindex, int prog_fd)
{
	oobnet_rx_prog req{ifindex, prog_fd};
	check_syscall("OOBNET_SIOC_SET_RX_PROG", ::ioctl, through.fd(), OOBNET_SIOC_SET_RX_PROG,
		      &req);
}

bool solicit(const udp_socket &s, const std::string &ipv4)
{
	const auto addr = ipv4_address(ipv4, 0).sin_addr;
	if (::ioctl(s.fd(), OOBNET_SIOC_SOLICIT, &addr) == 0)
		return true;
	if (errno == EINPROGRESS)
		return false;
	throw_errno("OOBNET_SIOC_SOLICIT " + ipv4);
}

sockaddr_in ipv4_address(const std::string &ipv4, std::uint16_t port)
{
	sockaddr_in sin{};
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (::inet_pton(AF_INET, ipv4.c_str(), &sin.sin_addr) != 1)
		throw std::system_error(EINVAL, std::generic_category(), "IPv4 address " + ipv4);
	return sin;
}

udp_socket::udp_socket(bool nonblock) : socket(AF_INET, SOCK_DGRAM, 0, nonblock) {}

void udp_socket::bind(const std::string &ipv4, std::uint16_t port)
{
	const auto sin = ipv4_address(ipv4, port);
	check_syscall("bind " + ipv4 + ":" + std::to_string(port), ::bind, fd(),
		      reinterpret_cast<const sockaddr *>(&sin), sizeof(sin));
}

void udp_socket::connect(const std::string &ipv4, std::uint16_t port)
{
	const auto sin = ipv4_address(ipv4, port);
	check_syscall("connect " + ipv4 + ":" + std::to_string(port), ::connect, fd(),
		      reinterpret_cast<const sockaddr *>(&sin), sizeof(sin));
}

std::size_t udp_socket::send_to(std::span<const std::byte> data, const std::string &ipv4,
				std::uint16_t port, timeout t)
{
	const auto sin = ipv4_address(ipv4, port);
	return send(data, t, reinterpret_cast<const sockaddr *>(&sin), sizeof(sin));
}

void udp_socket::set_broadcast(bool on)
{
	const int v = on ? 1 : 0;
	check_syscall("SO_BROADCAST", ::setsockopt, fd(), SOL_SOCKET, SO_BROADCAST, &v, sizeof(v));
}

std::uint16_t udp_socket::local_port() const
{
	sockaddr_in sin{};
	socklen_t len = sizeof(sin);
	check_syscall("getsockname", ::getsockname, fd(), reinterpret_cast<sockaddr *>(&sin), &len);
	return ntohs(sin.sin_port);
}

} // namespace oob::oobnet
