// SPDX-License-Identifier: GPL-2.0
// An in-band UDP echo in a named namespace, on a thread of its own: the
// plain traffic that must keep flowing next to the oob flows under test.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace oob {

class inband_udp_echo {
public:
	// Returns once the echo is bound to port on every address of netns;
	// throws std::system_error when it cannot be.
	inband_udp_echo(const std::string &netns, std::uint16_t port);
	inband_udp_echo(const inband_udp_echo &) = delete;
	inband_udp_echo &operator=(const inband_udp_echo &) = delete;
	inband_udp_echo(inband_udp_echo &&) = delete;
	inband_udp_echo &operator=(inband_udp_echo &&) = delete;
	~inband_udp_echo(); // stops the echo and waits for it

private:
	std::atomic<bool> stop_{false};
	std::thread thread_;
};

} // namespace oob
