// SPDX-License-Identifier: GPL-2.0
// The oobnet companion from user space: oob ports and the VLAN list (sysfs),
// the counters (/proc/net/oobnet) and raw packet oob sockets.  Every failure
// throws std::system_error carrying the errno the kernel returned.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <linux/bpf.h>
#include <linux/net_oob.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "oob/fd.hpp"

namespace oob::oobnet {

// Reads or writes a sysfs file as seen from the named network namespace
// (empty: the caller's), as `ip netns exec NS` would.
[[nodiscard]] std::string sysfs_read(const std::string &netns, const std::string &path);
void sysfs_write(const std::string &netns, const std::string &path, const std::string &value);

// /sys/class/net/DEV/oob_port of a device in netns.
[[nodiscard]] bool port(const std::string &netns, const std::string &dev);
void set_port(const std::string &netns, const std::string &dev, bool on);

// The VLAN ids picked from diverted input ("10,20-29"; "" for none).
[[nodiscard]] std::string vlans();
void set_vlans(const std::string &list);

// One line of /proc/net/oobnet/devices or /sockets of the calling thread's
// namespace, by column name; empty when no line has that key.
using counters = std::map<std::string, long long>;
[[nodiscard]] counters device_counters(const std::string &dev);
// The same from the namespace netns.
[[nodiscard]] counters device_counters(const std::string &netns, const std::string &dev);
[[nodiscard]] counters socket_counters(ino_t inode);
// A counter of a line, -1 when it has none; how much it grew from a to b,
// -1 when either has none.
[[nodiscard]] long long value_of(const counters &c, const std::string &key);
[[nodiscard]] long long delta(const counters &a, const counters &b, const std::string &key);
// A device whose driver is oob-capable sends from the oob stage (tx_oob),
// any other through the in-band relay (tx_inband): the counter that should
// have grown from a to b, and how much the other one grew.
[[nodiscard]] std::string send_stage(const counters &c);
[[nodiscard]] std::pair<long long, long long> sent_by_stage(const counters &a, const counters &b);
// The whole table, for a failure message.
[[nodiscard]] std::string table_text(const std::string &file);

// A count that other work may still be moving, such as the free oob skb
// heads while relayed packets wait for ksoftirqd.  settled() reads it every
// `every` until `reads` reads in a row gave the same value, and returns
// that value; nothing when it was still moving once `limit` had passed.
[[nodiscard]] std::optional<long long> settled(const std::function<long long()> &read,
					       std::chrono::milliseconds every, int reads,
					       std::chrono::milliseconds limit);
// Reads every `every` until read() gives want or `limit` has passed: the
// last value read.
[[nodiscard]] long long until_equal(const std::function<long long()> &read, long long want,
				    std::chrono::milliseconds every,
				    std::chrono::milliseconds limit);

// The free heads of the oob skb head pool (net.core.free_oob_skb).  The
// sysctl exists in the initial network namespace only: the calling thread
// must be there.
[[nodiscard]] long long free_oob_heads();
// "Every oob skb head came back", exactly: the count a test starts from
// is taken once it settled (unchanged for 2 s, read every 100 ms, within
// 20 s), and at the end the test waits (up to 15 s) for exactly that many.
// settled_oob_heads() throws std::runtime_error with the counts it saw
// when they never settled; oob_heads_back() returns the count last read.
[[nodiscard]] long long settled_oob_heads();
[[nodiscard]] long long oob_heads_back(long long want);

// A timeout as OOB_SIOC_SENDMSG / RECVMSG take it.
struct timeout {
	std::int64_t ns = 0;
	static constexpr timeout forever() { return {0}; }
	static constexpr timeout none() { return {-1}; }
	static constexpr timeout after(std::chrono::nanoseconds d) { return {d.count()}; }
};

// What a receive got: the datagram's or frame's length (even when it was
// truncated) and its source, a sockaddr_ll or sockaddr_in.
struct received {
	std::size_t length = 0;
	bool truncated = false;
	sockaddr_storage from{};
	// The receive time (CLOCK_REALTIME), when SO_TIMESTAMPNS is on.
	std::optional<std::chrono::nanoseconds> rx_time;
};

// Up to n packets of at most size bytes each for one batch call
// (OOBNET_SIOC_SENDMMSG / RECVMMSG): buffers and requests are set up here,
// once, so that the calls allocate nothing.
class batch {
public:
	batch(std::size_t n, std::size_t size);
	[[nodiscard]] std::size_t capacity() const { return msgs_.size(); }
	// The whole buffer of packet i, to fill before a send.
	[[nodiscard]] std::span<std::byte> buffer(std::size_t i);
	// Packet i is the first len bytes of its buffer, for the next send.
	void set_length(std::size_t i, std::size_t len);
	// After a receive: packet i, and whether it was longer than its buffer.
	[[nodiscard]] std::span<const std::byte> packet(std::size_t i) const;
	[[nodiscard]] bool truncated(std::size_t i) const;

private:
	friend class socket;
	std::size_t size_;
	std::vector<std::byte> data_;
	std::vector<iovec> iov_;
	std::vector<oob_msghdr> msgs_;
};

// An oob socket: its I/O goes through OOB_SIOC_SENDMSG / RECVMSG, or
// OOBNET_SIOC_SENDMMSG / RECVMMSG for a batch.
class socket {
public:
	socket(int domain, int type, int protocol, bool nonblock);
	// Sends one datagram or frame, to the default destination or to dest.
	std::size_t send(std::span<const std::byte> data, timeout t = timeout::forever(),
			 const sockaddr *dest = nullptr, socklen_t destlen = 0);
	// Receives one datagram or frame into buf.
	received recv(std::span<std::byte> buf, timeout t = timeout::forever());
	// Sends packets 0 to count - 1 of b (count at most b.capacity()) to
	// the default destination in one call, each waiting for a buffer up
	// to t: how many went, at least 1 (else it throws the first's error).
	std::size_t send_batch(batch &b, std::size_t count, timeout t = timeout::forever());
	// Receives up to b.capacity() packets into b in one call: waits up to
	// t for the first, then takes those already queued; how many came.
	std::size_t recv_batch(batch &b, timeout t = timeout::forever());
	[[nodiscard]] int fd() const { return fd_.get(); }
	[[nodiscard]] ino_t inode() const;

private:
	unique_fd fd_;
};

// socket(AF_PACKET, SOCK_RAW | SOCK_OOB, htons(ethertype)): whole Ethernet
// frames through an oob port.
class packet_socket : public socket {
public:
	explicit packet_socket(std::uint16_t ethertype, bool nonblock = false);
	void bind(int ifindex);
	std::size_t send_to(std::span<const std::byte> frame, const sockaddr_ll &dest,
			    timeout t = timeout::forever());
	received recv_frame(std::span<std::byte> buf, timeout t = timeout::forever())
	{
		return recv(buf, t);
	}
};

// socket(AF_INET, SOCK_DGRAM | SOCK_OOB, 0): UDP datagrams over IPv4.
class udp_socket : public socket {
public:
	explicit udp_socket(bool nonblock = false);
	void bind(const std::string &ipv4, std::uint16_t port);
	void connect(const std::string &ipv4, std::uint16_t port);
	std::size_t send_to(std::span<const std::byte> data, const std::string &ipv4,
			    std::uint16_t port, timeout t = timeout::forever());
	void set_broadcast(bool on);
	[[nodiscard]] std::uint16_t local_port() const;
};

// A socket filter program loaded with bpf(BPF_PROG_LOAD), for
// set_rx_prog(); the verifier's log is in the error when it refuses.
[[nodiscard]] unique_fd load_socket_filter(std::span<const bpf_insn> insns);

// OOBNET_SIOC_SET_RX_PROG through any oob socket: the RX program of the
// real device under ifindex, -1 to remove it.
void set_rx_prog(const socket &through, int ifindex, int prog_fd);

// OOBNET_SIOC_SOLICIT: true when the next hop to ipv4 is cached, false
// when its resolution just started.
[[nodiscard]] bool solicit(const udp_socket &s, const std::string &ipv4);

// An IPv4 socket address.
[[nodiscard]] sockaddr_in ipv4_address(const std::string &ipv4, std::uint16_t port);

} // namespace oob::oobnet
