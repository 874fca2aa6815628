// SPDX-License-Identifier: GPL-2.0
// oob-topo: builds the guest's test topology (oob/topology.hpp) or shows it.
//
//   oob-topo setup   each NIC of a pair into its own netns, renamed, up, addressed
//   oob-topo show    every namespace of the topology with its links
//   oob-topo down    namespaces removed (the NICs return to the root netns)
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "oob/link.hpp"
#include "oob/netns.hpp"
#include "oob/topology.hpp"

namespace {

using namespace oob;

constexpr std::chrono::milliseconds carrier_timeout{10000};

void setup_end(link::rtnl &root, const link::info &nic, const topology::end &end)
{
	const std::string ns(end.netns);
	netns::create(ns);
	root.set_netns(nic.ifindex, netns::open(ns).get());
	netns::scoped_enter in(ns);
	link::rtnl rt;
	auto lo = link::by_name("lo");
	if (lo)
		rt.set_up(lo->ifindex);
	rt.set_name(nic.ifindex, std::string(end.name));
	rt.set_up(nic.ifindex);
	rt.add_ipv4(nic.ifindex, std::string(end.ipv4), topology::prefix_len);
	std::printf("%-8s %-6s %s/%d (was %s, %s)\n", ns.c_str(), std::string(end.name).c_str(),
		    std::string(end.ipv4).c_str(), topology::prefix_len, nic.name.c_str(),
		    nic.mac.c_str());
}

int setup()
{
	link::rtnl root;
	auto links = link::list();
	for (const auto &pair : topology::pairs) {
		std::vector<link::info> nics;
		std::ranges::copy_if(links, std::back_inserter(nics),
				     [&](const link::info &i) { return i.driver == pair.driver; });
		if (nics.size() != 2) {
			std::fprintf(stderr, "oob-topo: %zu %.*s NICs, want 2\n", nics.size(),
				     static_cast<int>(pair.driver.size()), pair.driver.data());
			return 1;
		}
		// Lower ifindex first: QEMU enumerates the NICs in command-line order.
		setup_end(root, nics[0], pair.a);
		setup_end(root, nics[1], pair.b);
	}
	// Tests start right after: wait for every wire to be up (e1000e
	// negotiates for about two seconds).
	for (const auto &pair : topology::pairs) {
		for (const auto *end : {&pair.a, &pair.b}) {
			netns::scoped_enter in(std::string(end->netns));
			if (!link::wait_carrier(std::string(end->name), carrier_timeout)) {
				std::fprintf(stderr,
					     "oob-topo: %.*s has no carrier after %lld ms\n",
					     static_cast<int>(end->name.size()), end->name.data(),
					     static_cast<long long>(carrier_timeout.count()));
				return 1;
			}
		}
	}
	return 0;
}

int show()
{
	for (const auto &pair : topology::pairs) {
		for (const auto *end : {&pair.a, &pair.b}) {
			const std::string ns(end->netns);
			netns::scoped_enter in(ns);
			for (const auto &l : link::list())
				std::printf("%-8s %-6s %-10s %s %s\n", ns.c_str(), l.name.c_str(),
					    l.driver.empty() ? "-" : l.driver.c_str(),
					    l.mac.c_str(), l.up ? "UP" : "DOWN");
		}
	}
	return 0;
}

int down()
{
	for (const auto &pair : topology::pairs)
		for (const auto *end : {&pair.a, &pair.b})
			netns::remove(std::string(end->netns));
	return 0;
}

} // namespace

int main(int argc, char **argv)
{
	const std::string cmd = argc > 1 ? argv[1] : "";
	try {
		if (cmd == "setup")
			return setup();
		if (cmd == "show")
			return show();
		if (cmd == "down")
			return down();
	} catch (const std::exception &e) {
		std::fprintf(stderr, "oob-topo %s: %s\n", cmd.c_str(), e.what());
		return 1;
	}
	std::fprintf(stderr, "usage: oob-topo setup|show|down\n");
	return 2;
}
