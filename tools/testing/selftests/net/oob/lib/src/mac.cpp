// SPDX-License-Identifier: GPL-2.0
#include "oob/mac.hpp"

#include <cstdio>
#include <stdexcept>

namespace oob {

namespace {

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

} // namespace

mac_address parse_mac(std::string_view text)
{
	const auto bad = [&text] {
		return std::invalid_argument("bad MAC address \"" + std::string(text) + "\"");
	};
	mac_address mac{};
	std::size_t at = 0;
	for (std::size_t i = 0; i < mac.size(); i++) {
		if (i > 0) {
			if (at >= text.size() || text[at] != ':')
				throw bad();
			at++;
		}
		int value = 0;
		std::size_t digits = 0;
		for (; at < text.size() && digits < 2 && hex_digit(text[at]) >= 0; at++, digits++)
			value = value * 16 + hex_digit(text[at]);
		if (digits == 0)
			throw bad();
		mac[i] = static_cast<std::uint8_t>(value);
	}
	if (at != text.size())
		throw bad();
	return mac;
}

std::string format_mac(const mac_address &mac)
{
	std::array<char, 18> buf{};
	std::snprintf(buf.data(), buf.size(), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		      mac[2], mac[3], mac[4], mac[5]);
	return buf.data();
}

} // namespace oob
