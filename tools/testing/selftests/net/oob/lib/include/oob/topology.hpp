// SPDX-License-Identifier: GPL-2.0
// The guest's test topology, in one place.  QEMU gives the guest two e1000e
// NICs joined by one hub and two virtio-net NICs joined by another; each NIC
// lives in a namespace of its own, so every packet crosses a real (emulated)
// wire and a real driver:
//
//   oob-e1a [e1a 10.70.1.1] ==e1000e hub== [e1b 10.70.1.2] oob-e1b
//   oob-vta [vta 10.70.2.1] ==virtio hub== [vtb 10.70.2.2] oob-vtb
#pragma once

#include <array>
#include <string_view>

namespace oob::topology {

struct end {
	std::string_view netns;
	std::string_view name; // the link's name inside its namespace
	std::string_view ipv4;
};

struct pair {
	std::string_view label;	 // "e1000e", "virtio"
	std::string_view driver; // as /sys/class/net/X/device/driver names it
	end a;
	end b;
};

inline constexpr int prefix_len = 24;

inline constexpr std::array<pair, 2> pairs{{
	{"e1000e", "e1000e", {"oob-e1a", "e1a", "10.70.1.1"}, {"oob-e1b", "e1b", "10.70.1.2"}},
	{"virtio", "virtio_net", {"oob-vta", "vta", "10.70.2.1"}, {"oob-vtb", "vtb", "10.70.2.2"}},
}};

} // namespace oob::topology
