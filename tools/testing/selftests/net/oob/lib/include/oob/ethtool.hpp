// SPDX-License-Identifier: GPL-2.0
// The driver side of a device through SIOCETHTOOL and SIOCSIFMTU, from the
// calling thread's network namespace: what the ethtool and ip tools do,
// without either in the guest.  Errors come out as std::system_error.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace oob::ethtool {

// ethtool -S: the driver's statistics by name.
using stats = std::map<std::string, std::uint64_t>;
[[nodiscard]] stats driver_stats(const std::string &dev);

// ethtool -g / -G: RX and TX ring sizes.
struct rings {
	std::uint32_t rx = 0;
	std::uint32_t tx = 0;
};
[[nodiscard]] rings ring_sizes(const std::string &dev);
void set_ring_sizes(const std::string &dev, rings r);

// ip link set DEV mtu N.
[[nodiscard]] int mtu(const std::string &dev);
void set_mtu(const std::string &dev, int mtu);

} // namespace oob::ethtool
