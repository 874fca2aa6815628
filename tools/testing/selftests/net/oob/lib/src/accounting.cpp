// SPDX-License-Identifier: GPL-2.0
#include "oob/accounting.hpp"

#include <array>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "oob/ethtool.hpp"
#include "oob/netns.hpp"
#include "oob/oobnet.hpp"

namespace oob::accounting {

namespace {

// The line of /proc/net/dev for dev: after "dev:", receive then transmit.
void read_netdev(const std::string &dev, counts &out)
{
	std::ifstream in("/proc/thread-self/net/dev");
	if (!in)
		throw std::runtime_error("cannot read /proc/thread-self/net/dev");
	constexpr std::array<std::string_view, 16> names{
		"rx_bytes", "rx_packets", "rx_errs",	   "rx_drop",
		"rx_fifo",  "rx_frame",	  "rx_compressed", "rx_multicast",
		"tx_bytes", "tx_packets", "tx_errs",	   "tx_drop",
		"tx_fifo",  "tx_colls",	  "tx_carrier",	   "tx_compressed"};
	for (std::string line; std::getline(in, line);) {
		const auto colon = line.find(':');
		if (colon == std::string::npos)
			continue;
		const auto first = line.find_first_not_of(' ');
		if (line.substr(first, colon - first) != dev)
			continue;
		std::istringstream fields(line.substr(colon + 1));
		for (const auto name : names) {
			long long v = 0;
			if (!(fields >> v))
				throw std::runtime_error("short /proc/net/dev line for " + dev);
			out["dev." + std::string(name)] = v;
		}
		return;
	}
	throw std::runtime_error("no " + dev + " in /proc/net/dev");
}

// /proc/net/snmp's two Udp: lines, names then values.
void read_udp_mib(counts &out)
{
	std::ifstream in("/proc/thread-self/net/snmp");
	std::vector<std::string> names;
	for (std::string line; std::getline(in, line);) {
		if (!line.starts_with("Udp: "))
			continue;
		std::istringstream words(line.substr(5));
		if (names.empty()) {
			for (std::string w; words >> w;)
				names.push_back(w);
			continue;
		}
		for (const auto &n : names) {
			long long v = 0;
			if (!(words >> v))
				break;
			out["udp." + n] = v;
		}
		return;
	}
}

bool is_one_of(const std::string &key, std::initializer_list<std::string_view> keys)
{
	for (const auto k : keys)
		if (key == k)
			return true;
	return false;
}

} // namespace

counts read_end(const std::string &dev)
{
	counts out;
	read_netdev(dev, out);
	read_udp_mib(out);
	for (const auto &[k, v] : oobnet::device_counters(dev))
		out["oobnet." + k] = v;
	for (const auto &[k, v] : ethtool::driver_stats(dev))
		if (k.find("no_buffer") != std::string::npos ||
		    k.find("missed") != std::string::npos || k.find("drop") != std::string::npos ||
		    k.find("overrun") != std::string::npos)
			out["drv." + k] = static_cast<long long>(v);
	return out;
}

counts read_end(const std::string &netns, const std::string &dev)
{
	const netns::scoped_enter in(netns);
	return read_end(dev);
}

counts read_softnet()
{
	std::ifstream in("/proc/net/softnet_stat");
	long long dropped = 0;
	for (std::string line; std::getline(in, line);) {
		std::istringstream fields(line);
		std::string processed;
		std::string drops;
		if (fields >> processed >> drops)
			dropped += std::stoll(drops, nullptr, 16);
	}
	return {{"softnet.dropped", dropped}};
}

counts grown(const counts &a, const counts &b)
{
	counts out;
	for (const auto &[k, v] : b)
		if (const auto it = a.find(k); it != a.end())
			out[k] = v - it->second;
	return out;
}

counts receive_losses(const counts &delta)
{
	counts out;
	for (const auto &[k, v] : delta)
		if (is_one_of(k, {"dev.rx_drop", "dev.rx_fifo", "udp.InErrors", "udp.NoPorts",
				  "softnet.dropped"}) ||
		    k.starts_with("oobnet.rx_drop_"))
			out[k] = v;
	return out;
}

counts send_losses(const counts &delta)
{
	counts out;
	for (const auto &[k, v] : delta)
		if (is_one_of(k, {"dev.tx_drop", "dev.tx_errs", "oobnet.tx_drop"}))
			out[k] = v;
	return out;
}

counts driver_hints(const counts &delta)
{
	counts out;
	for (const auto &[k, v] : delta)
		if (k.starts_with("drv."))
			out[k] = v;
	return out;
}

long long total(const counts &losses)
{
	long long sum = 0;
	for (const auto &[k, v] : losses)
		sum += v;
	return sum;
}

std::string where(const counts &losses, const std::string &prefix)
{
	std::string out;
	for (const auto &[k, v] : losses)
		if (v != 0)
			out.append(out.empty() ? "" : ",")
				.append(prefix)
				.append(k)
				.append(":")
				.append(std::to_string(v));
	return out.empty() ? "-" : out;
}

} // namespace oob::accounting
