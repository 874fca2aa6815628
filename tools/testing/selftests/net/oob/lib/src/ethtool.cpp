// SPDX-License-Identifier: GPL-2.0
#include "oob/ethtool.hpp"

#include <cstring>
#include <memory>
#include <system_error>
#include <vector>

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "oob/fd.hpp"

namespace oob::ethtool {

namespace {

// One SIOCETHTOOL call on @dev with @data, a struct starting with its cmd.
void call(const std::string &dev, void *data)
{
	unique_fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	if (fd.get() < 0)
		throw std::system_error(errno, std::generic_category(), "socket");
	ifreq ifr{};
	dev.copy(ifr.ifr_name, IFNAMSIZ - 1);
	ifr.ifr_data = static_cast<char *>(data);
	if (::ioctl(fd.get(), SIOCETHTOOL, &ifr) != 0)
		throw std::system_error(errno, std::generic_category(), "SIOCETHTOOL on " + dev);
}

// A variable-sized ethtool struct: the header, then @n elements of @elem.
template <typename T> struct flex {
	std::vector<std::uint64_t> storage;
	explicit flex(std::size_t n, std::size_t elem) : storage((sizeof(T) + n * elem + 7) / 8 + 1)
	{
	}
	T *get() { return reinterpret_cast<T *>(storage.data()); }
};

} // namespace

stats driver_stats(const std::string &dev)
{
	flex<ethtool_sset_info> info(1, sizeof(std::uint32_t));
	info.get()->cmd = ETHTOOL_GSSET_INFO;
	info.get()->sset_mask = 1ULL << ETH_SS_STATS;
	call(dev, info.get());
	const std::uint32_t n = info.get()->sset_mask != 0U ? info.get()->data[0] : 0U;

	flex<ethtool_gstrings> names(n, ETH_GSTRING_LEN);
	names.get()->cmd = ETHTOOL_GSTRINGS;
	names.get()->string_set = ETH_SS_STATS;
	names.get()->len = n;
	call(dev, names.get());

	flex<ethtool_stats> values(n, sizeof(std::uint64_t));
	values.get()->cmd = ETHTOOL_GSTATS;
	values.get()->n_stats = n;
	call(dev, values.get());

	stats out;
	for (std::uint32_t i = 0; i < n; i++) {
		const auto *s = reinterpret_cast<const char *>(names.get()->data) +
				static_cast<std::size_t>(i) * ETH_GSTRING_LEN;
		out[std::string(s, strnlen(s, ETH_GSTRING_LEN))] = values.get()->data[i];
	}
	return out;
}

rings ring_sizes(const std::string &dev)
{
	ethtool_ringparam rp{};
	rp.cmd = ETHTOOL_GRINGPARAM;
	call(dev, &rp);
	return {rp.rx_pending, rp.tx_pending};
}

void set_ring_sizes(const std::string &dev, rings r)
{
	ethtool_ringparam rp{};
	rp.cmd = ETHTOOL_GRINGPARAM;
	call(dev, &rp);
	rp.cmd = ETHTOOL_SRINGPARAM;
	rp.rx_pending = r.rx;
	rp.tx_pending = r.tx;
	call(dev, &rp);
}

int mtu(const std::string &dev)
{
	unique_fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	ifreq ifr{};
	dev.copy(ifr.ifr_name, IFNAMSIZ - 1);
	if (::ioctl(fd.get(), SIOCGIFMTU, &ifr) != 0)
		throw std::system_error(errno, std::generic_category(), "SIOCGIFMTU on " + dev);
	return ifr.ifr_mtu;
}

void set_mtu(const std::string &dev, int mtu)
{
	unique_fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	ifreq ifr{};
	dev.copy(ifr.ifr_name, IFNAMSIZ - 1);
	ifr.ifr_mtu = mtu;
	if (::ioctl(fd.get(), SIOCSIFMTU, &ifr) != 0)
		throw std::system_error(errno, std::generic_category(), "SIOCSIFMTU on " + dev);
}

} // namespace oob::ethtool
