// SPDX-License-Identifier: GPL-2.0
// oob-bench: the guest side of `make bench`.  One cell of the latency
// benchmark: COUNT round trips across one wire of the guest topology
// (oob/topology.hpp) after WARMUP unmeasured ones, through one stack:
//
//   udp-oob        UDP oob sockets (SOCK_OOB), both ends oob ports
//   udp-inband     plain UDP sockets, no port and no diversion
//   raw-oob        raw packet oob sockets, both ends oob ports
//   packet-inband  plain AF_PACKET SOCK_RAW sockets, no port
//   udp-inband+port, packet-inband+port
//                  the in-band stacks with both ends oob ports (input
//                  diversion on): what in-band traffic pays on a device
//                  with oob on
//   xdp            AF_XDP sockets on queue 0, no port: an XDP program
//                  steers the frames; native XDP, zero copy and busy
//                  polling where the driver allows (oob/xsk.hpp), the
//                  line's variant= says which
//
// SIZE is the payload: the UDP payload, or what follows the Ethernet
// header of a raw frame (an experimental ethertype).  Under LOAD idle
// nothing else runs; under traffic an in-band UDP flood crosses the same
// link at normal priority, under hogs a busy thread spins on every CPU at
// normal priority, under flood both at once.  Both
// ends run SCHED_FIFO --prio on --cpu with memory locked, timed with
// CLOCK_MONOTONIC; a round trip lost for a second counts as lost.
//
//   oob-bench rtt PAIR MODE [--size N] [--count N] [--warmup N]
//                 [--load idle|flood|traffic|hogs] [--prio P] [--cpu C]
//   oob-bench tput PAIR MODE [--size N] [--seconds S] [--cpu C] [--min-pps N]
//                  [--min-delivered F] [--sweep N] [--at PPS] [--batch N]
//                  [--rcvbuf BYTES] [--sender same|fast] [--exact yes]
//
// tput: the a end sends for S seconds from one socket on one CPU (not
// --cpu, where there is another), the b end, on --cpu, receives, both at
// normal priority, each in batches of --batch packets (default 32) where
// the stack has a batch call (sendmmsg()/recvmmsg(), OOBNET_SIOC_SENDMMSG/
// RECVMMSG), the receiving socket's SO_RCVBUF set to --rcvbuf (4 MiB; 0
// leaves the default; AF_XDP has its rings instead): the transmit rate of
// one socket (sent_pps) and the rate delivered to one socket (recv_pps).
// --sender fast measures what a stack can receive: the a end sends with a
// raw oob socket whatever the stack (oob is faster at sending than any
// in-band stack here), frames built as the stack's own sender would
// (UDP/IPv4 to the echo port, or the benchmark's ethertype), so that every
// receiving stack gets the same stream.  Every trial accounts for its
// packets: lost (sent - received), the counters of both ends that grew
// with a loss (oob/accounting.hpp; AF_PACKET's and AF_XDP's socket drops)
// and their sum (counted); uncounted = lost - counted.  --sweep N then
// looks for the highest rate the stack sustains (at least 99 % delivered)
// with N paced trials of S/2 seconds, bisecting between 0 and the
// unpaced rate; --at PPS adds a paced trial at that rate.  Exit code 1
// when the unpaced trial got nothing through, under --min-pps packets per
// second, under the fraction --min-delivered (0..1) of the packets sent,
// or (--exact yes) with a loss no counter saw; the reason goes to stderr.
//
// Prints one line of key=value pairs: the percentiles in ns, the flood's
// datagrams, quantiles (q=, at the points of bench_quantiles) and the
// log2 histogram (hist=FIRST:COUNT,COUNT,... buckets of [2^i, 2^(i+1)) ns)
// for bench-report, and the loss counters of both ends that grew during
// the cell (drops=, see tput).  Exit code 1 when over 1 % of the round
// trips were lost.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <ctime>
#include <memory>
#include <mutex>
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

#include <linux/if_xdp.h>
#include <sys/uio.h>

#include "oob/accounting.hpp"
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
	bool flood = false;  // some load runs: traffic, hogs or both
	bool traffic = true; // the load has the in-band UDP flood
	bool hogs = true;    // and the busy threads
	std::string load_name = "idle";
	int prio = 80;
	int cpu = 1;
	bool tput = false;
	int seconds = 5;
	std::size_t min_pps = 0;    // tput fails below this delivered rate (and at 0)
	double min_delivered = 0.0; // and below this fraction of the sent delivered
	int sweep = 0;		    // paced trials looking for the sustained rate
	double at_pps = 0;	    // one more paced trial at this rate
	std::size_t batch = 32;	    // packets per batch call
	std::size_t rcvbuf = std::size_t{4} << 20; // tput: the receiver's SO_RCVBUF
	bool fast_sender = false;		   // tput: a raw oob sender feeds every stack
	bool exact = false;			   // tput: fail when a loss went uncounted
	bool port_on = false;			   // an in-band stack with both ends oob ports
};

// A rate the stack sustains: at least this much of what was sent arrived.
constexpr double sustained = 0.99;
constexpr std::size_t max_batch = 64;

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

// A send the stack refused for want of room or because the device dropped
// the frame: that round trip is lost, the cell goes on.
bool dropped(const std::system_error &e)
{
	const int err = e.code().value();
	return err == ENOBUFS || err == EAGAIN || err == EBUSY || err == ETIMEDOUT;
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
	// Sends n (at most max_batch) copies of payload, in one call where the
	// stack has a batch call: how many it took (it refused the others
	// for want of room).
	virtual std::size_t send_many(std::span<const std::byte> payload, std::size_t n)
	{
		std::size_t done = 0;
		for (; done < n; done++) {
			try {
				send(payload);
			} catch (const std::system_error &e) {
				if (!dropped(e))
					throw;
				break;
			}
		}
		return done;
	}
	// Receives up to max_batch packets, waiting up to timeout for the
	// first: how many came.
	virtual std::size_t recv_many(std::chrono::milliseconds timeout)
	{
		return recv(scratch_, timeout) ? 1 : 0;
	}
	// The socket's own counters of packets it lost (AF_PACKET, AF_XDP),
	// since it opened; the other stacks count theirs in the device's and
	// the protocol's counters.
	[[nodiscard]] virtual accounting::counts socket_losses() { return {}; }
	// The receiving socket's descriptor, for SO_RCVBUF; -1: none (AF_XDP).
	[[nodiscard]] virtual int fd() const { return -1; }

private:
	std::vector<std::byte> scratch_ = std::vector<std::byte>(ETH_HLEN + max_size);
};

// The requests of sendmmsg() / recvmmsg() over max_batch buffers of len
// bytes (to send: one buffer, the same for every packet).
class mmsg_vector {
public:
	explicit mmsg_vector(std::size_t len, bool one_buffer)
	    : data_((one_buffer ? 1 : max_batch) * len), iov_(max_batch), msgs_(max_batch)
	{
		for (std::size_t i = 0; i < max_batch; i++) {
			iov_[i] = {data_.data() + (one_buffer ? 0 : i * len), len};
			msgs_[i].msg_hdr.msg_iov = &iov_[i];
			msgs_[i].msg_hdr.msg_iovlen = 1;
		}
	}
	// To send: every packet is payload.
	void fill(std::span<const std::byte> payload)
	{
		std::memcpy(data_.data(), payload.data(), std::min(payload.size(), data_.size()));
		for (auto &v : iov_)
			v.iov_len = payload.size();
	}
	mmsghdr *get() { return msgs_.data(); }

private:
	std::vector<std::byte> data_;
	std::vector<iovec> iov_;
	std::vector<mmsghdr> msgs_;
};

// sendmmsg() of n packets from v on fd: how many went.
std::size_t send_mmsg(int fd, mmsg_vector &v, std::size_t n)
{
	const int r = ::sendmmsg(fd, v.get(), static_cast<unsigned int>(n), 0);
	if (r >= 0)
		return static_cast<std::size_t>(r);
	if (errno == ENOBUFS || errno == EAGAIN)
		return 0;
	throw_errno("sendmmsg");
}

// recvmmsg() into v on fd, SO_RCVTIMEO bounding the wait for the first.
std::size_t recv_mmsg(int fd, mmsg_vector &v)
{
	const int r = ::recvmmsg(fd, v.get(), max_batch, MSG_WAITFORONE, nullptr);
	if (r >= 0)
		return static_cast<std::size_t>(r);
	if (errno == EAGAIN || errno == EINTR)
		return 0;
	throw_errno("recvmmsg");
}

void set_rcvtimeo(int fd, std::chrono::milliseconds t)
{
	timeval tv{static_cast<time_t>(t.count() / 1000),
		   static_cast<suseconds_t>((t.count() % 1000) * 1000)};
	check_syscall("SO_RCVTIMEO", ::setsockopt, fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
		      socklen_t{sizeof(tv)});
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
	std::size_t send_many(std::span<const std::byte> payload, std::size_t n) override
	{
		tx_.fill(payload);
		return send_mmsg(fd_.get(), tx_, n);
	}
	std::size_t recv_many(std::chrono::milliseconds timeout) override
	{
		set_timeout(timeout);
		return recv_mmsg(fd_.get(), rx_);
	}
	[[nodiscard]] int fd() const override { return fd_.get(); }

private:
	void set_timeout(std::chrono::milliseconds t)
	{
		if (t == timeout_)
			return;
		set_rcvtimeo(fd_.get(), t);
		timeout_ = t;
	}

	unique_fd fd_;
	std::chrono::milliseconds timeout_{0};
	mmsg_vector tx_{max_size, true};
	mmsg_vector rx_{max_size, false};
};

// OOBNET_SIOC_SENDMMSG of n copies of payload: how many went (a send
// that found no buffer waits for one, as the single send does).
std::size_t oob_send_many(on::socket &s, on::batch &b, std::span<const std::byte> payload,
			  std::size_t n)
{
	for (std::size_t i = 0; i < n; i++) {
		std::memcpy(b.buffer(i).data(), payload.data(), payload.size());
		b.set_length(i, payload.size());
	}
	std::size_t done = 0;
	while (done < n) {
		try {
			done += s.send_batch(b, n - done);
		} catch (const std::system_error &e) {
			if (!dropped(e))
				throw;
			break;
		}
	}
	return done;
}

// OOBNET_SIOC_RECVMMSG: how many came within the timeout.
std::size_t oob_recv_many(on::socket &s, on::batch &b, std::chrono::milliseconds timeout)
{
	try {
		return s.recv_batch(b, on::timeout::after(timeout));
	} catch (const std::system_error &e) {
		if (e.code().value() == ETIMEDOUT)
			return 0;
		throw;
	}
}

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
	std::size_t send_many(std::span<const std::byte> payload, std::size_t n) override
	{
		return oob_send_many(s_, tx_, payload, n);
	}
	std::size_t recv_many(std::chrono::milliseconds timeout) override
	{
		return oob_recv_many(s_, rx_, timeout);
	}
	[[nodiscard]] int fd() const override { return s_.fd(); }

private:
	on::udp_socket s_;
	on::batch tx_{max_batch, max_size};
	on::batch rx_{max_batch, max_size};
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

	std::size_t send_many(std::span<const std::byte> payload, std::size_t n) override
	{
		return oob_send_many(s_, tx_, frame_of(payload), n);
	}
	std::size_t recv_many(std::chrono::milliseconds timeout) override
	{
		return oob_recv_many(s_, rx_batch_, timeout);
	}
	[[nodiscard]] int fd() const override { return s_.fd(); }

private:
	std::size_t strip(std::size_t len, std::span<std::byte> buf)
	{
		const std::size_t n = std::min(len > ETH_HLEN ? len - ETH_HLEN : 0, buf.size());
		std::memcpy(buf.data(), rx_.data() + ETH_HLEN, n);
		return n;
	}
	on::packet_socket s_;
	on::batch tx_{max_batch, ETH_HLEN + max_size};
	on::batch rx_batch_{max_batch, ETH_HLEN + max_size};
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
	std::size_t send_many(std::span<const std::byte> payload, std::size_t n) override
	{
		tx_.fill(frame_of(payload));
		return send_mmsg(fd_.get(), tx_, n);
	}
	std::size_t recv_many(std::chrono::milliseconds timeout) override
	{
		if (timeout != timeout_) {
			set_rcvtimeo(fd_.get(), timeout);
			timeout_ = timeout;
		}
		return recv_mmsg(fd_.get(), rx_mmsg_);
	}
	[[nodiscard]] int fd() const override { return fd_.get(); }
	// PACKET_STATISTICS starts again from 0 at each read: the sum.
	accounting::counts socket_losses() override
	{
		tpacket_stats st{};
		socklen_t len = sizeof(st);
		check_syscall("PACKET_STATISTICS", ::getsockopt, fd_.get(), SOL_PACKET,
			      PACKET_STATISTICS, &st, &len);
		drops_ += st.tp_drops;
		return {{"sock.tp_drops", drops_}};
	}

private:
	unique_fd fd_;
	std::chrono::milliseconds timeout_{0};
	mmsg_vector tx_{ETH_HLEN + max_size, true};
	mmsg_vector rx_mmsg_{ETH_HLEN + max_size, false};
	long long drops_ = 0;
};

class xdp_frames final : public raw_frames {
public:
	xdp_frames(const link::info &self, const std::string &peer_mac)
	    : raw_frames(self, peer_mac), s_(self.ifindex, bench_ethertype)
	{
	}
	void send(std::span<const std::byte> payload) override { s_.send(frame_of(payload)); }
	[[nodiscard]] std::string variant() const override { return s_.mode(); }
	accounting::counts socket_losses() override { return s_.losses(); }
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

// The a end's sender of a receive-capacity cell (--fast-sender): a raw
// packet oob socket sending whole frames built for the b end's stack, a
// UDP datagram to its echo port or a frame of the benchmark's ethertype,
// so that every stack is fed by the same sender.
class fast_sender final : public transport {
public:
	fast_sender(const options &opt, const link::info &self, const std::string &peer_mac)
	    : s_(ETH_P_IP)
	{
		s_.bind(self.ifindex);
		const auto dst = parse_mac(peer_mac);
		const auto src = parse_mac(self.mac);
		const bool udp = opt.mode == stack::udp_oob || opt.mode == stack::udp_inband;
		header_.resize(udp ? ETH_HLEN + 28 : ETH_HLEN);
		std::memcpy(header_.data(), dst.data(), ETH_ALEN);
		std::memcpy(header_.data() + ETH_ALEN, src.data(), ETH_ALEN);
		const std::uint16_t type = htons(udp ? ETH_P_IP : bench_ethertype);
		std::memcpy(header_.data() + std::size_t{2} * ETH_ALEN, &type, sizeof(type));
		if (udp)
			build_udp(opt);
	}
	void send(std::span<const std::byte> payload) override { (void)send_many(payload, 1); }
	std::optional<std::size_t> recv(std::span<std::byte> /*buf*/,
					std::chrono::milliseconds /*timeout*/) override
	{
		throw std::logic_error("the fast sender does not receive");
	}
	std::size_t send_many(std::span<const std::byte> payload, std::size_t n) override
	{
		std::vector<std::byte> &f = frame_;
		f.assign(header_.begin(), header_.end());
		f.insert(f.end(), payload.begin(), payload.end());
		return oob_send_many(s_, tx_, f, n);
	}

private:
	// IPv4 (no options, DF) and UDP (no checksum) from a's client port to
	// b's echo port.
	void build_udp(const options &opt)
	{
		auto *ip = header_.data() + ETH_HLEN;
		const auto total = static_cast<std::uint16_t>(28 + opt.size);
		const auto put16 = [](std::byte *at, std::uint16_t v) {
			const std::uint16_t be = htons(v);
			std::memcpy(at, &be, sizeof(be));
		};
		ip[0] = std::byte{0x45};
		put16(ip + 2, total);
		put16(ip + 6, 0x4000);
		ip[8] = std::byte{64};
		ip[9] = std::byte{IPPROTO_UDP};
		const auto saddr = on::ipv4_address(std::string(opt.pair->a.ipv4), 0).sin_addr;
		const auto daddr = on::ipv4_address(std::string(opt.pair->b.ipv4), 0).sin_addr;
		std::memcpy(ip + 12, &saddr, 4);
		std::memcpy(ip + 16, &daddr, 4);
		std::uint32_t sum = 0;
		for (std::size_t i = 0; i < 20; i += 2)
			sum += (std::to_integer<std::uint32_t>(ip[i]) << 8) |
			       std::to_integer<std::uint32_t>(ip[i + 1]);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		put16(ip + 10, static_cast<std::uint16_t>(~sum & 0xffff));
		auto *udp = ip + 20;
		put16(udp, client_port);
		put16(udp + 2, echo_port);
		put16(udp + 4, static_cast<std::uint16_t>(8 + opt.size));
	}

	on::packet_socket s_;
	std::vector<std::byte> header_;
	std::vector<std::byte> frame_;
	on::batch tx_{max_batch, ETH_HLEN + 28 + max_size};
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
// busy thread on every CPU; or only one of them (--load traffic, hogs).
class load {
public:
	explicit load(const options &opt)
	{
		if (opt.traffic)
			flood(opt);
		if (!opt.hogs)
			return;
		const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
		for (long c = 0; c < cpus; c++)
			spawn([this, c] {
				oob::set_realtime(static_cast<int>(c), 0);
				while (!stop_)
					spins_.fetch_add(1, std::memory_order_relaxed);
			});
	}
	void flood(const options &opt)
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
	// The fast sender is a raw oob socket: its end is a port whatever the
	// receiving stack.
	on::set_port(std::string(opt.pair->a.netns), std::string(opt.pair->a.name),
		     is_oob(opt.mode) || opt.fast_sender || opt.port_on);
	on::set_port(std::string(opt.pair->b.netns), std::string(opt.pair->b.name),
		     is_oob(opt.mode) || opt.port_on);
}

// The counters of both ends a lost packet may show in, read together.
struct ends_counts {
	accounting::counts a;
	accounting::counts b;

	static ends_counts read(const options &opt)
	{
		ends_counts c{accounting::read_end(std::string(opt.pair->a.netns),
						   std::string(opt.pair->a.name)),
			      accounting::read_end(std::string(opt.pair->b.netns),
						   std::string(opt.pair->b.name))};
		c.b.merge(accounting::read_softnet());
		return c;
	}
};

// What a cell's losses grew by: their sum, and where ("-" for nowhere);
// and what the drivers' ring counters grew by (nic), a hint for a loss
// nothing counted.
struct losses {
	long long counted = 0;
	std::string where = "-";
	std::string nic = "-";

	static losses between(const ends_counts &x, const ends_counts &y,
			      const accounting::counts &sock_x, const accounting::counts &sock_y)
	{
		const auto rx = accounting::receive_losses(accounting::grown(x.b, y.b));
		const auto tx = accounting::send_losses(accounting::grown(x.a, y.a));
		const auto sock = accounting::grown(sock_x, sock_y);
		losses l;
		// A driver may count a frame its XDP program could not hand to the
		// socket as its own drop as well: the socket's count only beyond it.
		const auto dev_drop = rx.contains("dev.rx_drop") ? rx.at("dev.rx_drop") : 0;
		l.counted = accounting::total(rx) + accounting::total(tx) +
			    std::max(0LL, accounting::total(sock) - dev_drop);
		std::string w;
		for (const auto &part : {accounting::where(tx, "a."), accounting::where(rx, "b."),
					 accounting::where(sock, "b.")})
			if (part != "-")
				w += (w.empty() ? "" : ",") + part;
		l.where = w.empty() ? "-" : w;
		std::string n;
		for (const auto &part :
		     {accounting::where(accounting::driver_hints(accounting::grown(x.a, y.a)),
					"a."),
		      accounting::where(accounting::driver_hints(accounting::grown(x.b, y.b)),
					"b.")})
			if (part != "-")
				n += (n.empty() ? "" : ",") + part;
		l.nic = n.empty() ? "-" : n;
		return l;
	}
};

int run_rtt(const options &opt)
{
	set_ports(opt);
	const auto before = ends_counts::read(opt);
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
	const auto lost_where = losses::between(before, ends_counts::read(opt), {}, {});

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
		    "max=%lld mean=%.0f drops=%s q=%s hist=%s\n",
		    static_cast<int>(opt.pair->label.size()), opt.pair->label.data(),
		    opt.mode_name.c_str(), variant.empty() ? "" : " variant=", variant.c_str(),
		    opt.size, opt.load_name.c_str(), s.count, lost,
		    static_cast<unsigned long long>(flood_sent), static_cast<long long>(s.min),
		    static_cast<long long>(s.p50), static_cast<long long>(s.p90),
		    static_cast<long long>(s.p99), static_cast<long long>(s.p999),
		    static_cast<long long>(percentile(samples, 0.9999)),
		    static_cast<long long>(s.max), s.mean, lost_where.where.c_str(), q.c_str(),
		    h.c_str());
	return lost > static_cast<int>(opt.count / 100) ? 1 : 0;
}

// One trial of a throughput cell.
struct trial {
	double rate = 0; // the paced rate asked for, 0: unpaced
	double seconds = 0;
	std::uint64_t sent = 0;
	std::uint64_t failed = 0;
	std::uint64_t received = 0;
	losses lost;

	[[nodiscard]] double sent_pps() const { return static_cast<double>(sent) / seconds; }
	[[nodiscard]] double recv_pps() const { return static_cast<double>(received) / seconds; }
	[[nodiscard]] double delivered() const
	{
		return sent > 0 ? static_cast<double>(received) / static_cast<double>(sent) : 0;
	}
	[[nodiscard]] long long uncounted() const
	{
		return static_cast<long long>(sent) - static_cast<long long>(received) -
		       lost.counted;
	}
};

// A receiving end that keeps receiving, and the sender, across trials.
class tput_session {
public:
	explicit tput_session(const options &opt) : opt_(opt)
	{
		set_ports(opt);
		const auto mac_a = mac_of(opt.pair->a);
		const auto mac_b = mac_of(opt.pair->b);
		sink_ = std::thread([this, mac_a] { sink(mac_a); });
		while (!ready_)
			std::this_thread::sleep_for(10ms);
		if (!error_.empty()) {
			sink_.join();
			throw std::runtime_error("sink: " + error_);
		}
		const netns::scoped_enter in(std::string(opt.pair->a.netns));
		if (opt.fast_sender) {
			const auto l = link::by_name(std::string(opt.pair->a.name));
			if (!l)
				throw std::runtime_error("no link " +
							 std::string(opt.pair->a.name));
			sender_ = std::make_unique<fast_sender>(opt, *l, mac_b);
		} else {
			sender_ = open_end(opt, true, mac_b);
		}
		variant_ = receiver_->variant();
	}
	tput_session(const tput_session &) = delete;
	tput_session &operator=(const tput_session &) = delete;
	tput_session(tput_session &&) = delete;
	tput_session &operator=(tput_session &&) = delete;
	~tput_session()
	{
		stop_ = true;
		sink_.join();
	}

	// Sends for seconds, paced at rate packets per second (0: as fast as
	// the stack takes them), then waits for the last ones to land.
	trial run(double rate, double seconds)
	{
		const auto c0 = ends_counts::read(opt_);
		const auto s0 = sink_losses();
		const auto r0 = received_.load();
		trial t;
		t.rate = rate;
		{
			const netns::scoped_enter in(std::string(opt_.pair->a.netns));
			send_for(rate, seconds, t);
		}
		// The last packets land, the receiver reads them.
		std::this_thread::sleep_for(500ms);
		t.received = received_ - r0;
		t.lost = losses::between(c0, ends_counts::read(opt_), s0, sink_losses());
		if (!error_.empty())
			throw std::runtime_error("sink: " + error_);
		return t;
	}
	[[nodiscard]] const std::string &variant() const { return variant_; }

private:
	void sink(const std::string &mac_a)
	{
		try {
			const netns::scoped_enter in(std::string(opt_.pair->b.netns));
			oob::set_realtime(opt_.cpu, 0);
			{
				const std::lock_guard lock(receiver_mutex_);
				receiver_ = open_end(opt_, false, mac_a);
			}
			// The same receive buffer for every stack, room for bursts.
			const int room = static_cast<int>(opt_.rcvbuf);
			if (room > 0 && receiver_->fd() >= 0)
				check_syscall("SO_RCVBUFFORCE", ::setsockopt, receiver_->fd(),
					      SOL_SOCKET, SO_RCVBUFFORCE, &room,
					      socklen_t{sizeof(room)});
			ready_ = true;
			while (!stop_)
				received_.fetch_add(receiver_->recv_many(200ms),
						    std::memory_order_relaxed);
		} catch (const std::exception &e) {
			error_ = e.what();
			ready_ = true;
		}
	}
	accounting::counts sink_losses()
	{
		const std::lock_guard lock(receiver_mutex_);
		return receiver_ ? receiver_->socket_losses() : accounting::counts{};
	}
	void send_for(double rate, double seconds, trial &t)
	{
		// The sender on another CPU than the sink, where there is one.
		oob::set_realtime(std::thread::hardware_concurrency() > 1 ? (opt_.cpu == 0 ? 1 : 0)
									  : opt_.cpu,
				  0);
		const std::vector<std::byte> out(opt_.size, std::byte{'t'});
		// Paced: bursts of a millisecond's worth, at most a batch.
		const std::size_t burst =
			rate > 0 ? std::clamp<std::size_t>(static_cast<std::size_t>(rate / 1000), 1,
							   opt_.batch)
				 : opt_.batch;
		const auto gap =
			rate > 0
				? static_cast<std::int64_t>(static_cast<double>(burst) * 1e9 / rate)
				: 0;
		const auto t0 = now_ns();
		const auto end = t0 + static_cast<std::int64_t>(seconds * 1e9);
		auto next = t0;
		while (now_ns() < end) {
			const auto n = sender_->send_many(out, burst);
			t.sent += n;
			t.failed += burst - n;
			if (gap == 0)
				continue;
			next += gap;
			const auto now = now_ns();
			// Behind by more than 10 ms (a stall): no catching up in a rush.
			if (next < now - 10'000'000)
				next = now;
			if (next > now) {
				const timespec ts{static_cast<time_t>(next / 1000000000),
						  static_cast<long>(next % 1000000000)};
				::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
			}
		}
		t.seconds = static_cast<double>(now_ns() - t0) / 1e9;
	}

	const options &opt_;
	std::thread sink_;
	std::unique_ptr<transport> sender_;
	std::unique_ptr<transport> receiver_;
	std::mutex receiver_mutex_;
	std::atomic<bool> ready_{false};
	std::atomic<bool> stop_{false};
	std::atomic<std::uint64_t> received_{0};
	std::string error_;
	std::string variant_;
};

// kind: "unpaced", "sweep" (a step of the sweep) or "at" (--at).
void print_trial(const options &opt, const std::string &variant, const char *kind, const trial &t)
{
	std::printf("bench tput pair=%.*s mode=%s%s%s size=%zu batch=%zu sender=%s trial=%s "
		    "rate=%.0f seconds=%.2f "
		    "sent=%llu failed=%llu received=%llu sent_pps=%.0f recv_pps=%.0f lost=%lld "
		    "counted=%lld uncounted=%lld drops=%s nic=%s\n",
		    static_cast<int>(opt.pair->label.size()), opt.pair->label.data(),
		    opt.mode_name.c_str(), variant.empty() ? "" : " variant=", variant.c_str(),
		    opt.size, opt.batch, opt.fast_sender ? "fast" : "same", kind, t.rate, t.seconds,
		    static_cast<unsigned long long>(t.sent),
		    static_cast<unsigned long long>(t.failed),
		    static_cast<unsigned long long>(t.received), t.sent_pps(), t.recv_pps(),
		    static_cast<long long>(t.sent) - static_cast<long long>(t.received),
		    t.lost.counted, t.uncounted(), t.lost.where.c_str(), t.lost.nic.c_str());
	std::fflush(stdout);
}

int run_tput(const options &opt)
{
	tput_session session(opt);
	const auto first = session.run(0, opt.seconds);
	print_trial(opt, session.variant(), "unpaced", first);

	if (opt.sweep > 0) {
		// Bisect between a rate sustained and one not, from 0 and the
		// unpaced rate (sustained itself when the sender was the limit).
		double ok = first.delivered() >= sustained ? first.sent_pps() : 0;
		double ok_recv = first.delivered() >= sustained ? first.recv_pps() : 0;
		double bad = first.sent_pps();
		std::string steps;
		for (int i = 0; i < opt.sweep && ok < bad; i++) {
			const double rate = (ok + bad) / 2;
			const auto t = session.run(rate, std::max(1.0, opt.seconds / 2.0));
			print_trial(opt, session.variant(), "sweep", t);
			const bool held = t.delivered() >= sustained;
			steps += (steps.empty() ? "" : ",") + std::to_string(std::lround(rate)) +
				 (held ? ":ok" : ":short");
			if (held) {
				ok = std::max(ok, std::min(rate, t.sent_pps()));
				ok_recv = std::max(ok_recv, t.recv_pps());
			} else {
				bad = rate;
			}
		}
		std::printf("bench sweep pair=%.*s mode=%s size=%zu batch=%zu sender=%s "
			    "sustained_pps=%.0f sustained_recv_pps=%.0f steps=%s\n",
			    static_cast<int>(opt.pair->label.size()), opt.pair->label.data(),
			    opt.mode_name.c_str(), opt.size, opt.batch,
			    opt.fast_sender ? "fast" : "same", ok, ok_recv,
			    steps.empty() ? "-" : steps.c_str());
	}
	if (opt.at_pps > 0)
		print_trial(opt, session.variant(), "at",
			    session.run(opt.at_pps, std::max(1.0, opt.seconds / 2.0)));

	auto shortfall =
		checks::throughput_shortfall(first.sent, first.received, first.seconds,
					     static_cast<double>(opt.min_pps), opt.min_delivered);
	if (shortfall.empty() && opt.exact && first.uncounted() != 0)
		shortfall =
			std::to_string(first.uncounted()) +
			" packets lost where no counter saw them (counted: " + first.lost.where +
			")";
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
	// An in-band stack on a device with oob on: its ports on, its sockets
	// plain.
	std::string base = opt.mode_name;
	if (base.ends_with("+port")) {
		base.resize(base.size() - 5);
		opt.port_on = true;
		if (base != "udp-inband" && base != "packet-inband")
			throw std::invalid_argument("+port is for the in-band stacks: " +
						    opt.mode_name);
	}
	if (base == "udp-oob")
		opt.mode = stack::udp_oob;
	else if (base == "udp-inband")
		opt.mode = stack::udp_inband;
	else if (base == "raw-oob")
		opt.mode = stack::raw_oob;
	else if (base == "packet-inband")
		opt.mode = stack::packet_inband;
	else if (base == "xdp")
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
		else if (flag == "--sweep")
			opt.sweep = static_cast<int>(number(flag, val));
		else if (flag == "--at")
			opt.at_pps = static_cast<double>(number(flag, val));
		else if (flag == "--batch")
			opt.batch = number(flag, val);
		else if (flag == "--rcvbuf")
			opt.rcvbuf = number(flag, val);
		else if (flag == "--exact" && std::string_view(val) == "yes")
			opt.exact = true;
		else if (flag == "--sender" && std::string_view(val) == "fast")
			opt.fast_sender = true;
		else if (flag == "--sender" && std::string_view(val) == "same")
			opt.fast_sender = false;
		else if (flag == "--load" &&
			 (std::string_view(val) == "flood" || std::string_view(val) == "traffic" ||
			  std::string_view(val) == "hogs" || std::string_view(val) == "idle")) {
			opt.load_name = val;
			opt.flood = opt.load_name != "idle";
			opt.traffic = opt.load_name != "hogs";
			opt.hogs = opt.load_name != "traffic";
		} else
			throw std::invalid_argument("unknown option " + std::string(flag) + " " +
						    val);
	}
	if (opt.size < sizeof(std::uint64_t) || opt.size > max_size)
		throw std::invalid_argument("--size must be 8.." + std::to_string(max_size));
	if (opt.batch < 1 || opt.batch > max_batch)
		throw std::invalid_argument("--batch must be 1.." + std::to_string(max_batch));
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
