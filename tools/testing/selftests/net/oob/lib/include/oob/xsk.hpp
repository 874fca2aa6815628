// SPDX-License-Identifier: GPL-2.0
// An AF_XDP socket on queue 0 of a device, with the XDP program that
// steers one ethertype to it (attached through a BPF link that goes with
// the socket) and leaves everything else to the stack.  The socket takes
// the best mode the driver offers: the program in the driver (native XDP)
// if it has one, else generic XDP; zero copy if the driver does it, else
// copy mode; and NAPI busy polling when the socket is on a NAPI instance
// (native XDP only: generic XDP's queues have none).  For the benchmark's
// AF_XDP cells: whole frames, one at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>

#include "oob/fd.hpp"

namespace oob {

class xsk {
public:
	// Throws std::system_error when the kernel refuses a step.
	xsk(int ifindex, std::uint16_t ethertype);
	xsk(const xsk &) = delete;
	xsk &operator=(const xsk &) = delete;
	xsk(xsk &&) = delete;
	xsk &operator=(xsk &&) = delete;
	~xsk();

	// Queues one frame for transmission and kicks the kernel until it has
	// taken the frame.  Throws ENOBUFS when every TX frame is still in
	// flight, EBUSY when the device dropped the frame, ETIMEDOUT when the
	// kernel did not take it within 100 ms.
	void send(std::span<const std::byte> frame);
	// Copies the next received frame into buf: its length, or nothing
	// when none came within the timeout.
	std::optional<std::size_t> recv(std::span<std::byte> buf,
					std::chrono::milliseconds timeout);
	// What was set up: "drv" or "skb" XDP, "zc" or "copy", and "+busy"
	// with busy polling, e.g. "skb-copy".
	[[nodiscard]] const std::string &mode() const { return mode_; }
	// XDP_STATISTICS: frames the socket lost, by counter ("sock.rx_dropped",
	// "sock.rx_ring_full": no room on the RX ring), since it opened.
	[[nodiscard]] std::map<std::string, long long> losses() const;

private:
	struct ring {
		std::uint32_t *producer = nullptr;
		std::uint32_t *consumer = nullptr;
		void *desc = nullptr;
		void *map = nullptr;
		std::size_t map_len = 0;
	};
	void map_ring(ring &r, std::uint64_t offset, std::uint64_t producer, std::uint64_t consumer,
		      std::uint64_t desc, std::size_t entry);
	void reap_completions();
	[[nodiscard]] bool kick();
	void attach(int ifindex);

	unique_fd map_;
	unique_fd prog_;
	unique_fd fd_;
	unique_fd link_;
	void *umem_ = nullptr;
	ring rx_, tx_, fill_, comp_;
	std::uint32_t next_tx_frame_ = 0;
	std::uint32_t tx_posted_ = 0;	 // frames given to the TX ring
	std::uint32_t tx_completed_ = 0; // and back on the completion ring
	bool native_ = false;
	std::string mode_;
};

} // namespace oob
