// SPDX-License-Identifier: GPL-2.0
// An AF_XDP socket in copy mode on queue 0 of a device, with the XDP
// program that steers one ethertype to it (generic XDP, attached through a
// BPF link that goes with the socket) and leaves everything else to the
// stack.  For the benchmark's AF_XDP cells: whole frames, one at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

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

	// Queues one frame for transmission and kicks the kernel.
	void send(std::span<const std::byte> frame);
	// Copies the next received frame into buf: its length, or nothing
	// when none came within the timeout.
	std::optional<std::size_t> recv(std::span<std::byte> buf,
					std::chrono::milliseconds timeout);

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

	unique_fd map_;
	unique_fd prog_;
	unique_fd fd_;
	unique_fd link_;
	void *umem_ = nullptr;
	ring rx_, tx_, fill_, comp_;
	std::uint32_t next_tx_frame_ = 0;
};

} // namespace oob
