// SPDX-License-Identifier: GPL-2.0
// Link helpers over rtnetlink: find a NIC by MAC address, move it to a
// namespace, bring it up, give it an IPv4 address.  All act on the calling
// thread's namespace (see netns::scoped_enter).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "oob/fd.hpp"

namespace oob::link {

struct info {
	std::string name;
	int ifindex = 0;
	std::string mac;    // "52:54:00:..", lower case
	std::string driver; // "e1000e", "virtio_net", "" for virtual links
	bool up = false;
};

// Every link of the current namespace, read from sysfs as seen from it.
[[nodiscard]] std::vector<info> list();
[[nodiscard]] std::optional<info> by_mac(const std::string &mac);
[[nodiscard]] std::optional<info> by_name(const std::string &name);
// Waits until the link reports carrier (the wire is up); false on timeout.
[[nodiscard]] bool wait_carrier(const std::string &name, std::chrono::milliseconds timeout);

class rtnl {
public:
	rtnl();

	void set_netns(int ifindex, int netns_fd);
	void set_name(int ifindex, const std::string &name);
	void set_up(int ifindex, bool up = true);
	void remove(int ifindex);
	void add_ipv4(int ifindex, const std::string &address, int prefix_len);

private:
	void request(void *msg, size_t len, const std::string &what);

	unique_fd fd_;
	unsigned seq_ = 0;
};

} // namespace oob::link
