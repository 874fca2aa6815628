// SPDX-License-Identifier: GPL-2.0
// Ethernet addresses as sysfs and iproute2 write them: six hex octets
// separated by colons, "52:54:00:12:34:56".  The one parser of the tests:
// a bad address throws instead of becoming zeros.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace oob {

using mac_address = std::array<std::uint8_t, 6>;

// Six octets of one or two hex digits (either case) joined by ':', nothing
// else; throws std::invalid_argument naming the text otherwise.
[[nodiscard]] mac_address parse_mac(std::string_view text);

// The octets, lower case, as sysfs prints them.
[[nodiscard]] std::string format_mac(const mac_address &mac);

} // namespace oob
