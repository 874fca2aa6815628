// SPDX-License-Identifier: GPL-2.0
#include "oob/xsk.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <ctime>

#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace oob {

namespace {

constexpr std::uint32_t ring_size = 64;		   // entries of every ring
constexpr std::uint32_t frame_size = 2048;	   // UMEM chunk
constexpr std::uint32_t frames = 2 * ring_size;	   // the first half RX, the rest TX
constexpr std::uint32_t ring_mask = ring_size - 1; // ring_size is a power of two
constexpr int busy_poll_us = 50;		   // SO_BUSY_POLL, and the spin in recv()
constexpr int busy_poll_budget = 16;		   // SO_BUSY_POLL_BUDGET
constexpr auto tx_patience = std::chrono::milliseconds(100);

long bpf(int cmd, bpf_attr &attr)
{
	return ::syscall(__NR_bpf, cmd, &attr, sizeof(attr));
}

int checked_bpf(int cmd, bpf_attr &attr, const char *what)
{
	const long ret = bpf(cmd, attr);
	if (ret < 0)
		throw std::system_error(errno, std::generic_category(), what);
	return static_cast<int>(ret);
}

constexpr bpf_insn insn(std::uint8_t code, std::uint8_t dst, std::uint8_t src, std::int16_t off,
			std::int32_t imm)
{
	return bpf_insn{code, dst, src, off, imm};
}

// Frames of @ethertype go to the socket of their queue, the rest to the
// stack (also when the queue has no socket).
std::array<bpf_insn, 16> steering_program(int map_fd, std::uint16_t ethertype)
{
	// The ethertype as a little-endian load of its two bytes sees it.
	const std::int32_t wire = htons(ethertype);
	return {
		insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0),
		insn(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_2, BPF_REG_6, offsetof(xdp_md, data), 0),
		insn(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_3, BPF_REG_6, offsetof(xdp_md, data_end),
		     0),
		insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_4, BPF_REG_2, 0, 0),
		// NOLINTNEXTLINE(misc-redundant-expression): BPF_ADD and BPF_K are both 0
		insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_4, 0, 0, 14),
		insn(BPF_JMP | BPF_JGT | BPF_X, BPF_REG_4, BPF_REG_3, 8, 0), // short: pass
		insn(BPF_LDX | BPF_H | BPF_MEM, BPF_REG_4, BPF_REG_2, 12, 0),
		insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 6, wire), // other type: pass
		insn(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_2, BPF_REG_6,
		     offsetof(xdp_md, rx_queue_index), 0),
		// NOLINTNEXTLINE(misc-redundant-expression): BPF_LD and BPF_IMM are both 0
		insn(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, map_fd),
		insn(0, 0, 0, 0, 0),
		insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_3, 0, 0, XDP_PASS), // no socket: pass
		insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_redirect_map),
		insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, XDP_PASS),
		insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
}

std::uint32_t load_acquire(std::uint32_t *p)
{
	return std::atomic_ref<std::uint32_t>(*p).load(std::memory_order_acquire);
}

void store_release(std::uint32_t *p, std::uint32_t v)
{
	std::atomic_ref<std::uint32_t>(*p).store(v, std::memory_order_release);
}

} // namespace

void xsk::map_ring(ring &r, std::uint64_t offset, std::uint64_t producer, std::uint64_t consumer,
		   std::uint64_t desc, std::size_t entry)
{
	r.map_len = desc + ring_size * entry;
	r.map = ::mmap(nullptr, r.map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		       fd_.get(), static_cast<off_t>(offset));
	if (r.map == MAP_FAILED) {
		r.map = nullptr;
		throw std::system_error(errno, std::generic_category(), "mmap AF_XDP ring");
	}
	auto *base = static_cast<char *>(r.map);
	r.producer = reinterpret_cast<std::uint32_t *>(base + producer);
	r.consumer = reinterpret_cast<std::uint32_t *>(base + consumer);
	r.desc = base + desc;
}

xsk::xsk(int ifindex, std::uint16_t ethertype)
{
	bpf_attr attr{};
	attr.map_type = BPF_MAP_TYPE_XSKMAP;
	attr.key_size = sizeof(std::uint32_t);
	attr.value_size = sizeof(std::uint32_t);
	attr.max_entries = 1;
	map_ = unique_fd(checked_bpf(BPF_MAP_CREATE, attr, "XSKMAP"));

	const auto insns = steering_program(map_.get(), ethertype);
	const char license[] = "GPL";
	attr = {};
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.insns = reinterpret_cast<std::uint64_t>(insns.data());
	attr.insn_cnt = insns.size();
	attr.license = reinterpret_cast<std::uint64_t>(license);
	prog_ = unique_fd(checked_bpf(BPF_PROG_LOAD, attr, "XDP program"));

	fd_ = unique_fd(::socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0));
	if (fd_.get() < 0)
		throw std::system_error(errno, std::generic_category(), "AF_XDP socket");
	umem_ = ::mmap(nullptr, std::size_t{frames} * frame_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (umem_ == MAP_FAILED) {
		umem_ = nullptr;
		throw std::system_error(errno, std::generic_category(), "UMEM");
	}
	xdp_umem_reg reg{};
	reg.addr = reinterpret_cast<std::uint64_t>(umem_);
	reg.len = std::uint64_t{frames} * frame_size;
	reg.chunk_size = frame_size;
	check_syscall("XDP_UMEM_REG", ::setsockopt, fd_.get(), SOL_XDP, XDP_UMEM_REG, &reg,
		      socklen_t{sizeof(reg)});
	for (const int opt :
	     {XDP_UMEM_FILL_RING, XDP_UMEM_COMPLETION_RING, XDP_RX_RING, XDP_TX_RING})
		check_syscall("AF_XDP ring size", ::setsockopt, fd_.get(), SOL_XDP, opt, &ring_size,
			      socklen_t{sizeof(ring_size)});
	xdp_mmap_offsets off{};
	socklen_t len = sizeof(off);
	check_syscall("XDP_MMAP_OFFSETS", ::getsockopt, fd_.get(), SOL_XDP, XDP_MMAP_OFFSETS, &off,
		      &len);
	map_ring(rx_, XDP_PGOFF_RX_RING, off.rx.producer, off.rx.consumer, off.rx.desc,
		 sizeof(xdp_desc));
	map_ring(tx_, XDP_PGOFF_TX_RING, off.tx.producer, off.tx.consumer, off.tx.desc,
		 sizeof(xdp_desc));
	map_ring(fill_, XDP_UMEM_PGOFF_FILL_RING, off.fr.producer, off.fr.consumer, off.fr.desc,
		 sizeof(std::uint64_t));
	map_ring(comp_, XDP_UMEM_PGOFF_COMPLETION_RING, off.cr.producer, off.cr.consumer,
		 off.cr.desc, sizeof(std::uint64_t));

	// Every RX frame to the fill ring.
	auto *fill = static_cast<std::uint64_t *>(fill_.desc);
	for (std::uint32_t i = 0; i < ring_size; i++)
		fill[i] = std::uint64_t{i} * frame_size;
	store_release(fill_.producer, ring_size);

	attach(ifindex);
}

// The program goes into the driver when it takes one (native XDP), else
// into the core (generic XDP); the mode is known before the bind, which
// then asks for zero copy only where native XDP made it possible.
void xsk::attach(int ifindex)
{
	bpf_attr attr{};
	for (const std::uint32_t flags : {XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE}) {
		attr = {};
		attr.link_create.prog_fd = static_cast<std::uint32_t>(prog_.get());
		attr.link_create.target_ifindex = static_cast<std::uint32_t>(ifindex);
		attr.link_create.attach_type = BPF_XDP;
		attr.link_create.flags = flags;
		const long fd = bpf(BPF_LINK_CREATE, attr);
		if (fd >= 0) {
			link_ = unique_fd(static_cast<int>(fd));
			native_ = flags == XDP_FLAGS_DRV_MODE;
			break;
		}
		if (flags == XDP_FLAGS_SKB_MODE)
			throw std::system_error(errno, std::generic_category(), "XDP attach");
	}

	sockaddr_xdp sxdp{};
	sxdp.sxdp_family = AF_XDP;
	// Native XDP: zero copy if the driver does it, else copy (the kernel
	// falls back on its own when neither flag is given).
	sxdp.sxdp_flags = native_ ? 0 : XDP_COPY;
	sxdp.sxdp_ifindex = static_cast<std::uint32_t>(ifindex);
	sxdp.sxdp_queue_id = 0;
	check_syscall("bind AF_XDP", ::bind, fd_.get(), reinterpret_cast<const sockaddr *>(&sxdp),
		      socklen_t{sizeof(sxdp)});
	xdp_options xo{};
	socklen_t len = sizeof(xo);
	check_syscall("XDP_OPTIONS", ::getsockopt, fd_.get(), SOL_XDP, XDP_OPTIONS, &xo, &len);
	mode_ = std::string(native_ ? "drv-" : "skb-") +
		((xo.flags & XDP_OPTIONS_ZEROCOPY) != 0 ? "zc" : "copy");

	// Busy polling needs the socket on a NAPI instance, which only native
	// XDP gives it (generic XDP's queues report none).
	if (native_) {
		const int on = 1;
		check_syscall("SO_PREFER_BUSY_POLL", ::setsockopt, fd_.get(), SOL_SOCKET,
			      SO_PREFER_BUSY_POLL, &on, socklen_t{sizeof(on)});
		check_syscall("SO_BUSY_POLL", ::setsockopt, fd_.get(), SOL_SOCKET, SO_BUSY_POLL,
			      &busy_poll_us, socklen_t{sizeof(busy_poll_us)});
		check_syscall("SO_BUSY_POLL_BUDGET", ::setsockopt, fd_.get(), SOL_SOCKET,
			      SO_BUSY_POLL_BUDGET, &busy_poll_budget,
			      socklen_t{sizeof(busy_poll_budget)});
		mode_ += "+busy";
	}

	const std::uint32_t key = 0;
	const auto value = static_cast<std::uint32_t>(fd_.get());
	attr = {};
	attr.map_fd = static_cast<std::uint32_t>(map_.get());
	attr.key = reinterpret_cast<std::uint64_t>(&key);
	attr.value = reinterpret_cast<std::uint64_t>(&value);
	checked_bpf(BPF_MAP_UPDATE_ELEM, attr, "XSKMAP update");
}

xsk::~xsk()
{
	link_.reset();
	for (auto *r : {&rx_, &tx_, &fill_, &comp_})
		if (r->map != nullptr)
			::munmap(r->map, r->map_len);
	fd_.reset();
	if (umem_ != nullptr)
		::munmap(umem_, std::size_t{frames} * frame_size);
}

void xsk::reap_completions()
{
	const std::uint32_t prod = load_acquire(comp_.producer);
	tx_completed_ += prod - *comp_.consumer;
	store_release(comp_.consumer, prod);
}

// One kick: false when the device dropped what it was given.  EAGAIN (the
// TX queue is stopped, or the completion ring full) and ENOMEM (no skb for
// copy mode) leave the frames in the ring for the next kick.
bool xsk::kick()
{
	if (::sendto(fd_.get(), nullptr, 0, MSG_DONTWAIT, nullptr, 0) == 0)
		return true;
	if (errno == EAGAIN || errno == ENOMEM || errno == EBUSY)
		return errno != EBUSY;
	throw std::system_error(errno, std::generic_category(), "AF_XDP kick");
}

void xsk::send(std::span<const std::byte> frame)
{
	reap_completions();
	if (tx_posted_ - tx_completed_ >= ring_size) {
		(void)kick();
		reap_completions();
		if (tx_posted_ - tx_completed_ >= ring_size)
			throw std::system_error(ENOBUFS, std::generic_category(),
						"AF_XDP: every TX frame in flight");
	}
	const std::uint32_t prod = *tx_.producer;
	const std::uint64_t addr = std::uint64_t{ring_size + next_tx_frame_} * frame_size;
	next_tx_frame_ = (next_tx_frame_ + 1) & ring_mask;
	std::memcpy(static_cast<char *>(umem_) + addr, frame.data(),
		    std::min<std::size_t>(frame.size(), frame_size));
	auto &d = static_cast<xdp_desc *>(tx_.desc)[prod & ring_mask];
	d = xdp_desc{addr, static_cast<std::uint32_t>(frame.size()), 0};
	store_release(tx_.producer, prod + 1);
	tx_posted_++;
	// Copy mode sends on the kick; a stopped queue (EAGAIN) leaves the
	// frame in the ring, so kick until the kernel has taken it.
	// A drop shows on the kick that made it, while the consumer index
	// user space sees may move only on the next one: keep it.
	const auto deadline = std::chrono::steady_clock::now() + tx_patience;
	bool dropped = false;
	for (;;) {
		dropped = !kick() || dropped;
		if (static_cast<std::int32_t>(load_acquire(tx_.consumer) - (prod + 1)) >= 0) {
			if (dropped)
				throw std::system_error(EBUSY, std::generic_category(),
							"AF_XDP: the device dropped the frame");
			return;
		}
		if (std::chrono::steady_clock::now() > deadline)
			throw std::system_error(ETIMEDOUT, std::generic_category(),
						"AF_XDP: the kernel did not take the frame");
		// Let the TX completion (softirq, IRQ thread) run on this CPU.
		const timespec pause{0, 20000};
		::nanosleep(&pause, nullptr);
	}
}

std::optional<std::size_t> xsk::recv(std::span<std::byte> buf, std::chrono::milliseconds timeout)
{
	std::uint32_t cons = *rx_.consumer;
	// With busy polling, each poll() polls the device's NAPI instance
	// once: spin on it for busy_poll_us before sleeping.
	if (native_) {
		const auto until =
			std::chrono::steady_clock::now() + std::chrono::microseconds(busy_poll_us);
		while (load_acquire(rx_.producer) == cons &&
		       std::chrono::steady_clock::now() < until) {
			pollfd p{fd_.get(), POLLIN, 0};
			(void)::poll(&p, 1, 0);
		}
	}
	if (load_acquire(rx_.producer) == cons) {
		pollfd p{fd_.get(), POLLIN, 0};
		if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0)
			return std::nullopt;
		if (load_acquire(rx_.producer) == cons)
			return std::nullopt;
	}
	const auto d = static_cast<const xdp_desc *>(rx_.desc)[cons & ring_mask];
	const std::size_t n = std::min<std::size_t>(d.len, buf.size());
	std::memcpy(buf.data(), static_cast<const char *>(umem_) + d.addr, n);
	store_release(rx_.consumer, cons + 1);
	// The frame goes back to the fill ring.
	const std::uint32_t fp = *fill_.producer;
	static_cast<std::uint64_t *>(fill_.desc)[fp & ring_mask] =
		d.addr & ~std::uint64_t{frame_size - 1};
	store_release(fill_.producer, fp + 1);
	return n;
}

std::map<std::string, long long> xsk::losses() const
{
	xdp_statistics st{};
	socklen_t len = sizeof(st);
	check_syscall("XDP_STATISTICS", ::getsockopt, fd_.get(), SOL_XDP, XDP_STATISTICS, &st,
		      &len);
	return {{"sock.rx_dropped", static_cast<long long>(st.rx_dropped)},
		{"sock.rx_ring_full", static_cast<long long>(st.rx_ring_full)}};
}

} // namespace oob
