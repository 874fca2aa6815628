// SPDX-License-Identifier: GPL-2.0
#include "oob/link.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/mount.h>
#include <sys/socket.h>

namespace oob::link {

namespace fs = std::filesystem;

namespace {

std::string read_line(const fs::path &p)
{
	std::ifstream in(p);
	std::string s;
	std::getline(in, s);
	return s;
}

// sysfs shows the links of the namespace it was mounted from: mount a
// private instance for the caller's namespace.
class sysfs_view {
public:
	sysfs_view()
	{
		char tmpl[] = "/tmp/oob-sysfs-XXXXXX";
		if (::mkdtemp(tmpl) == nullptr)
			throw_errno("mkdtemp");
		dir_ = tmpl;
		if (::mount("sysfs", dir_.c_str(), "sysfs", MS_RDONLY, nullptr) == -1) {
			int err = errno;
			::rmdir(dir_.c_str());
			throw std::system_error(err, std::generic_category(), "mount sysfs");
		}
	}
	sysfs_view(const sysfs_view &) = delete;
	sysfs_view &operator=(const sysfs_view &) = delete;
	sysfs_view(sysfs_view &&) = delete;
	sysfs_view &operator=(sysfs_view &&) = delete;
	~sysfs_view()
	{
		::umount2(dir_.c_str(), MNT_DETACH);
		::rmdir(dir_.c_str());
	}
	[[nodiscard]] fs::path net() const { return fs::path(dir_) / "class/net"; }

private:
	std::string dir_;
};

struct nl_request {
	nlmsghdr hdr;
	union {
		ifinfomsg link;
		ifaddrmsg addr;
	};
	std::array<char, 256> attrs;
};

void put_attr(nl_request &req, unsigned short type, const void *data, size_t len)
{
	auto *rta = reinterpret_cast<rtattr *>(reinterpret_cast<char *>(&req) +
					       NLMSG_ALIGN(req.hdr.nlmsg_len));
	const size_t need = RTA_LENGTH(len);
	if (NLMSG_ALIGN(req.hdr.nlmsg_len) + RTA_ALIGN(need) > sizeof(req))
		throw std::length_error("netlink request too long");
	rta->rta_type = type;
	rta->rta_len = static_cast<unsigned short>(need);
	std::memcpy(RTA_DATA(rta), data, len);
	req.hdr.nlmsg_len = static_cast<unsigned>(NLMSG_ALIGN(req.hdr.nlmsg_len) + RTA_ALIGN(need));
}

nl_request link_request(int ifindex)
{
	nl_request req{};
	req.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(ifinfomsg));
	req.hdr.nlmsg_type = RTM_NEWLINK;
	req.hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.link.ifi_family = AF_UNSPEC;
	req.link.ifi_index = ifindex;
	return req;
}

} // namespace

std::vector<info> list()
{
	sysfs_view sys;
	std::vector<info> out;
	for (const auto &entry : fs::directory_iterator(sys.net())) {
		info i;
		i.name = entry.path().filename().string();
		i.ifindex = std::stoi(read_line(entry.path() / "ifindex"));
		i.mac = read_line(entry.path() / "address");
		i.up = (std::stoul(read_line(entry.path() / "flags"), nullptr, 16) & IFF_UP) != 0;
		std::error_code ec;
		auto drv = fs::read_symlink(entry.path() / "device/driver", ec);
		if (!ec)
			i.driver = drv.filename().string();
		out.push_back(std::move(i));
	}
	std::ranges::sort(out, {}, &info::ifindex);
	return out;
}

std::optional<info> by_mac(const std::string &mac)
{
	for (auto &i : list())
		if (i.mac == mac)
			return i;
	return std::nullopt;
}

std::optional<info> by_name(const std::string &name)
{
	for (auto &i : list())
		if (i.name == name)
			return i;
	return std::nullopt;
}

bool wait_carrier(const std::string &name, std::chrono::milliseconds timeout)
{
	const auto deadline = std::chrono::steady_clock::now() + timeout;
	sysfs_view sys;
	const auto path = sys.net() / name / "carrier";
	for (;;) {
		// Reading carrier of a link that is down fails: not up yet.
		if (read_line(path) == "1")
			return true;
		if (std::chrono::steady_clock::now() >= deadline)
			return false;
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
	}
}

rtnl::rtnl() : fd_(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE))
{
	if (!fd_)
		throw_errno("socket(NETLINK_ROUTE)");
}

void rtnl::request(void *msg, size_t len, const std::string &what)
{
	auto *hdr = static_cast<nlmsghdr *>(msg);
	hdr->nlmsg_seq = ++seq_;
	check_syscall(what + ": send", ::send, fd_.get(), msg, len, 0);
	std::array<char, 4096> buf{};
	for (;;) {
		auto n = check_syscall(what + ": recv", ::recv, fd_.get(), buf.data(), buf.size(),
				       0);
		for (auto *h = reinterpret_cast<nlmsghdr *>(buf.data()); NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq_ || h->nlmsg_type != NLMSG_ERROR)
				continue;
			const auto *err = static_cast<const nlmsgerr *>(NLMSG_DATA(h));
			if (err->error != 0)
				throw std::system_error(-err->error, std::generic_category(), what);
			return;
		}
	}
}

void rtnl::set_netns(int ifindex, int netns_fd)
{
	auto req = link_request(ifindex);
	const auto fd = static_cast<std::uint32_t>(netns_fd);
	put_attr(req, IFLA_NET_NS_FD, &fd, sizeof(fd));
	request(&req, req.hdr.nlmsg_len, "move link " + std::to_string(ifindex) + " to netns");
}

void rtnl::set_name(int ifindex, const std::string &name)
{
	if (name.empty() || name.size() >= IFNAMSIZ)
		throw std::system_error(EINVAL, std::generic_category(),
					"link name '" + name + "'");
	auto req = link_request(ifindex);
	put_attr(req, IFLA_IFNAME, name.c_str(), name.size() + 1);
	request(&req, req.hdr.nlmsg_len, "rename link " + std::to_string(ifindex) + " to " + name);
}

void rtnl::remove(int ifindex)
{
	auto req = link_request(ifindex);
	req.hdr.nlmsg_type = RTM_DELLINK;
	request(&req, req.hdr.nlmsg_len, "delete link " + std::to_string(ifindex));
}

void rtnl::set_up(int ifindex, bool up)
{
	auto req = link_request(ifindex);
	req.link.ifi_change = IFF_UP;
	req.link.ifi_flags = up ? IFF_UP : 0;
	request(&req, req.hdr.nlmsg_len,
		"set link " + std::to_string(ifindex) + (up ? " up" : " down"));
}

void rtnl::add_ipv4(int ifindex, const std::string &address, int prefix_len)
{
	in_addr a{};
	if (::inet_pton(AF_INET, address.c_str(), &a) != 1 || prefix_len < 0 || prefix_len > 32)
		throw std::system_error(EINVAL, std::generic_category(),
					"IPv4 address '" + address + "'");
	nl_request req{};
	req.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(ifaddrmsg));
	req.hdr.nlmsg_type = RTM_NEWADDR;
	req.hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	req.addr.ifa_family = AF_INET;
	req.addr.ifa_prefixlen = static_cast<unsigned char>(prefix_len);
	req.addr.ifa_index = static_cast<unsigned>(ifindex);
	put_attr(req, IFA_LOCAL, &a, sizeof(a));
	put_attr(req, IFA_ADDRESS, &a, sizeof(a));
	request(&req, req.hdr.nlmsg_len, "add " + address + " to link " + std::to_string(ifindex));
}

} // namespace oob::link
