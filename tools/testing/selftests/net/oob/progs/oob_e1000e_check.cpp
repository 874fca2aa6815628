// SPDX-License-Identifier: GPL-2.0
// oob-e1000e-check: e1000e's out-of-band operation (CONFIG_E1000E_OOB)
// across the e1000e wire, seen from the driver's statistics, oobnet's
// counters and the device's own state.  One line per check, exit 1 if any
// failed.
//
//   oob-e1000e-check path NS_A DEV_A NS_B DEV_B COUNT
//       Both devices oob ports: COUNT raw oob round trips (oob-raw-check
//       pingpong) went through the drivers' oob paths.  Each driver sent
//       COUNT frames from oob storage it only synced (tx_oob_synced), none
//       it had to map (tx_oob_mapped), received at least COUNT frames on
//       its page pool (rx_oob_frames) with no oob head missing; oobnet
//       polled each device (rx_polls) and sent COUNT frames from the oob
//       stage (tx_oob), each by the sending task itself (tx_direct), none
//       in-band.
//   oob-e1000e-check refusals NS DEV
//       DEV an oob port: an MTU change and a ring size change get EBUSY
//       and change nothing; with the port off both work (and are undone).
//   oob-e1000e-check churn NS_A DEV_A NS_B DEV_B ROUNDS IPV4_B
//       ROUNDS times, both ports on, oob frames sent both ways and an
//       in-band UDP round trip to IPV4_B, then the ports switched off
//       under the senders.  Frames went both ways in every round, the
//       senders stop with ENETDOWN only, the carrier never drops, every
//       oob skb head comes back (exactly as many free as when the count
//       settled before the rounds), and in-band round trips still work;
//       the ports are on again at the end.
//   oob-e1000e-check rebind NS_A DEV_A NS_B DEV_B IPV4_B
//       DEV_B, an oob port, is unbound from e1000e and bound again: its
//       port and oob state go with it, every oob skb head comes back; the
//       new device is put back in NS_B as DEV_B with IPV4_B, becomes a port
//       again, and oob and in-band round trips work across the wire.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "oob/check.hpp"
#include "oob/echo.hpp"
#include "oob/ethtool.hpp"
#include "oob/fd.hpp"
#include "oob/link.hpp"
#include "oob/mac.hpp"
#include "oob/netns.hpp"
#include "oob/oobnet.hpp"
#include "oob/process.hpp"
#include "oob/topology.hpp"

namespace {

using namespace std::chrono_literals;
namespace on = oob::oobnet;
namespace et = oob::ethtool;
using oob::checks::check;
using oob::checks::expect_errno;
using oob::oobnet::delta;
using oob::oobnet::value_of;

constexpr std::uint16_t test_ethertype = 0x88b5; // IEEE local experimental 1
constexpr std::uint16_t echo_port = 7778;
constexpr std::size_t type_offset = std::size_t{2} * ETH_ALEN;

struct snapshot {
	et::stats driver;
	on::counters oobnet;
};

snapshot take(const std::string &ns, const std::string &dev)
{
	const oob::netns::scoped_enter in(ns);
	return {et::driver_stats(dev), on::device_counters(dev)};
}

long long grew(const et::stats &a, const et::stats &b, const std::string &key)
{
	const auto x = a.find(key);
	const auto y = b.find(key);
	if (x == a.end() || y == b.end())
		return -1;
	return static_cast<long long>(y->second - x->second);
}

int path(const std::string &ns_a, const std::string &dev_a, const std::string &ns_b,
	 const std::string &dev_b, int count)
{
	// The RX ring still holds the in-band buffers posted before the switch
	// (256 by default): frames land there first, then on pool pages.
	// Round trips enough to use them up, unmeasured.
	oob::child warm({"oob-raw-check", "pingpong", ns_a, dev_a, ns_b, dev_b, "300"});
	const auto warmed = warm.wait(120s);
	check(warmed.success(), "oob-raw-check pingpong (warm-up): " + warmed.describe());
	const auto a0 = take(ns_a, dev_a);
	const auto b0 = take(ns_b, dev_b);
	oob::child run(
		{"oob-raw-check", "pingpong", ns_a, dev_a, ns_b, dev_b, std::to_string(count)});
	const auto st = run.wait(120s);
	check(st.success(), "oob-raw-check pingpong: " + st.describe());
	const auto a1 = take(ns_a, dev_a);
	const auto b1 = take(ns_b, dev_b);

	for (const auto &[dev, x, y] : {std::tuple{dev_a, &a0, &a1}, std::tuple{dev_b, &b0, &b1}}) {
		const auto synced = grew(x->driver, y->driver, "tx_oob_synced");
		const auto mapped = grew(x->driver, y->driver, "tx_oob_mapped");
		const auto frames = grew(x->driver, y->driver, "rx_oob_frames");
		const auto nohead = grew(x->driver, y->driver, "rx_oob_nohead");
		check(synced == count && mapped == 0,
		      dev + ": the driver synced " + std::to_string(synced) +
			      " oob storage frames and mapped " + std::to_string(mapped) +
			      " (want " + std::to_string(count) + " 0)");
		check(frames >= count && nohead == 0,
		      dev + ": the driver received " + std::to_string(frames) +
			      " frames on its page pool, " + std::to_string(nohead) +
			      " without an oob head (want >= " + std::to_string(count) + ", 0)");
		const auto polls = delta(x->oobnet, y->oobnet, "rx_polls");
		const auto oob = delta(x->oobnet, y->oobnet, "tx_oob");
		const auto inband = delta(x->oobnet, y->oobnet, "tx_inband");
		check(value_of(y->oobnet, "oob_io") == 1 && polls > 0 && oob == count &&
			      inband == 0,
		      dev + ": oobnet polled it " + std::to_string(polls) + " times and sent " +
			      std::to_string(oob) + " from the oob stage, " +
			      std::to_string(inband) + " in-band");
		// One sender at a time on an idle ring: each called the driver
		// itself, none handed its frame to the TX thread.
		const auto direct = delta(x->oobnet, y->oobnet, "tx_direct");
		check(direct == count, dev + ": " + std::to_string(direct) +
					       " frames sent by the sending task itself (want " +
					       std::to_string(count) + ")");
	}
	return oob::checks::exit_code();
}

int refusals(const std::string &ns, const std::string &dev)
{
	check(on::port(ns, dev), dev + " is an oob port");
	{
		const oob::netns::scoped_enter in(ns);
		const int mtu = et::mtu(dev);
		const auto rings = et::ring_sizes(dev);
		expect_errno("MTU change while oob is on", EBUSY,
			     [&] { et::set_mtu(dev, mtu - 100); });
		expect_errno("ring size change while oob is on", EBUSY, [&] {
			et::set_ring_sizes(dev, {rings.rx / 2, rings.tx});
		});
		check(et::mtu(dev) == mtu && et::ring_sizes(dev).rx == rings.rx,
		      "MTU and rings unchanged");
	}
	on::set_port(ns, dev, false);
	{
		const oob::netns::scoped_enter in(ns);
		const int mtu = et::mtu(dev);
		const auto rings = et::ring_sizes(dev);
		et::set_mtu(dev, mtu - 100);
		check(et::mtu(dev) == mtu - 100, "MTU change with the port off");
		et::set_mtu(dev, mtu);
		et::set_ring_sizes(dev, {rings.rx / 2, rings.tx});
		check(et::ring_sizes(dev).rx == rings.rx / 2, "ring size change with the port off");
		et::set_ring_sizes(dev, rings);
	}
	// The ring change resets the device: wait for its carrier.
	for (int i = 0; i < 100 && on::sysfs_read(ns, "/sys/class/net/" + dev + "/carrier") != "1";
	     i++)
		std::this_thread::sleep_for(50ms);
	on::set_port(ns, dev, true);
	check(on::port(ns, dev), dev + " is an oob port again");
	return oob::checks::exit_code();
}

// Sends oob frames from one port to the other until its port goes.
struct sender {
	std::atomic<long> sent{0};
	std::atomic<bool> done{false}; // error and last_errno are final
	std::string error;
	int last_errno = 0;

	void run(const std::string &ns, const std::string &dev, const std::string &peer_mac)
	{
		try {
			const oob::netns::scoped_enter in(ns);
			const auto l = oob::link::by_name(dev);
			if (!l)
				throw std::runtime_error("no link " + dev);
			on::packet_socket s(test_ethertype);
			s.bind(l->ifindex);
			std::vector<std::byte> f(64);
			const auto dst = oob::parse_mac(peer_mac);
			std::memcpy(f.data(), dst.data(), dst.size());
			const std::uint16_t type = htons(test_ethertype);
			std::memcpy(f.data() + type_offset, &type, sizeof(type));
			for (;;) {
				s.send(f, on::timeout::after(1s));
				sent++;
			}
		} catch (const std::system_error &e) {
			last_errno = e.code().value();
			if (last_errno != ENETDOWN)
				error = e.what();
		} catch (const std::exception &e) {
			error = e.what();
		}
		done = true;
	}
};

bool inband_round_trip(const std::string &ns_a, const std::string &ipv4_b)
{
	const oob::netns::scoped_enter in(ns_a);
	oob::unique_fd fd(::socket(AF_INET, SOCK_DGRAM, 0));
	timeval tv{1, 0};
	::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	const auto dst = on::ipv4_address(ipv4_b, echo_port);
	const char msg[] = "churn";
	char buf[sizeof(msg)] = {};
	for (int attempt = 0; attempt < 3; attempt++) {
		::sendto(fd.get(), msg, sizeof(msg), 0, reinterpret_cast<const sockaddr *>(&dst),
			 sizeof(dst));
		if (::recv(fd.get(), buf, sizeof(buf), 0) == static_cast<ssize_t>(sizeof(msg)))
			return std::memcmp(buf, msg, sizeof(msg)) == 0;
	}
	return false;
}

// Every oob skb head back: exactly as many free as the settled count the
// test started from (heads in flight then, relayed packets waiting for
// ksoftirqd, had come back before it was taken).
void check_heads_back(long long want)
{
	const long long got = on::oob_heads_back(want);
	check(got == want, "every oob skb head came back: " + std::to_string(got) + " free (want " +
				   std::to_string(want) + ")");
}

int churn(const std::string &ns_a, const std::string &dev_a, const std::string &ns_b,
	  const std::string &dev_b, int rounds, const std::string &ipv4_b)
{
	const auto carrier_changes = [](const std::string &ns, const std::string &dev) {
		return on::sysfs_read(ns, "/sys/class/net/" + dev + "/carrier_changes");
	};
	const long long heads = on::settled_oob_heads();
	const auto changes_a = carrier_changes(ns_a, dev_a);
	const auto changes_b = carrier_changes(ns_b, dev_b);
	std::string mac_a;
	std::string mac_b;
	{
		const oob::netns::scoped_enter in(ns_a);
		mac_a = oob::link::by_name(dev_a)->mac;
	}
	{
		const oob::netns::scoped_enter in(ns_b);
		mac_b = oob::link::by_name(dev_b)->mac;
	}
	const oob::inband_udp_echo echo(ns_b, echo_port);

	long total = 0;
	long fewest = -1; // the fewest frames one sender sent in a round
	int inband_ok = 0;
	int clean = 0;
	int flowed = 0;
	for (int r = 0; r < rounds; r++) {
		on::set_port(ns_a, dev_a, true);
		on::set_port(ns_b, dev_b, true);
		sender ab;
		sender ba;
		std::thread ta([&] { ab.run(ns_a, dev_a, mac_b); });
		std::thread tb([&] { ba.run(ns_b, dev_b, mac_a); });
		inband_ok += inband_round_trip(ns_a, ipv4_b) ? 1 : 0;
		// Traffic flows both ways before a port goes: each sender has
		// sent (or given up) before the 100 ms under traffic start.
		const auto deadline = std::chrono::steady_clock::now() + 10s;
		const auto started = [](const sender &x) { return x.sent > 0 || x.done; };
		while ((!started(ab) || !started(ba)) &&
		       std::chrono::steady_clock::now() < deadline)
			std::this_thread::sleep_for(5ms);
		std::this_thread::sleep_for(100ms);
		// Alternate which end goes first.
		on::set_port(r % 2 ? ns_a : ns_b, r % 2 ? dev_a : dev_b, false);
		std::this_thread::sleep_for(20ms);
		on::set_port(r % 2 ? ns_b : ns_a, r % 2 ? dev_b : dev_a, false);
		ta.join();
		tb.join();
		total += ab.sent + ba.sent;
		const long least = std::min(ab.sent.load(), ba.sent.load());
		fewest = fewest < 0 ? least : std::min(fewest, least);
		if (ab.error.empty() && ba.error.empty() && ab.last_errno == ENETDOWN &&
		    ba.last_errno == ENETDOWN)
			clean++;
		else
			std::printf("# round %d: %s / %s\n", r, ab.error.c_str(), ba.error.c_str());
		if (least > 0)
			flowed++;
		else
			std::printf("# round %d: %s sent %ld, %s sent %ld\n", r, dev_a.c_str(),
				    ab.sent.load(), dev_b.c_str(), ba.sent.load());
	}
	check(clean == rounds, "the senders stopped with ENETDOWN in " + std::to_string(clean) +
				       " of " + std::to_string(rounds) + " rounds, after " +
				       std::to_string(total) + " frames");
	check(flowed == rounds, "frames went both ways in " + std::to_string(flowed) + " of " +
					std::to_string(rounds) + " rounds (at least " +
					std::to_string(fewest) + " each way in every round)");
	check(inband_ok == rounds,
	      "in-band round trips during the rounds: " + std::to_string(inband_ok) + "/" +
		      std::to_string(rounds));
	check_heads_back(heads);
	check(carrier_changes(ns_a, dev_a) == changes_a &&
		      carrier_changes(ns_b, dev_b) == changes_b,
	      "no carrier change on either end");
	check(inband_round_trip(ns_a, ipv4_b), "in-band round trip after the rounds");
	on::set_port(ns_a, dev_a, true);
	on::set_port(ns_b, dev_b, true);
	check(inband_round_trip(ns_a, ipv4_b), "in-band round trip with the ports back on");
	return oob::checks::exit_code();
}

// PCI_SLOT_NAME of the device under a link, from its uevent.
std::string pci_slot(const std::string &ns, const std::string &dev)
{
	const auto uevent = on::sysfs_read(ns, "/sys/class/net/" + dev + "/device/uevent");
	const std::string key = "PCI_SLOT_NAME=";
	const auto at = uevent.find(key);
	if (at == std::string::npos)
		throw std::runtime_error("no PCI slot for " + dev);
	const auto end = uevent.find('\n', at);
	return uevent.substr(at + key.size(),
			     end == std::string::npos ? std::string::npos : end - at - key.size());
}

int rebind(const std::string &ns_a, const std::string &dev_a, const std::string &ns_b,
	   const std::string &dev_b, const std::string &ipv4_b)
{
	const long long heads = on::settled_oob_heads();
	check(on::port(ns_b, dev_b), dev_b + " is an oob port");
	const auto slot = pci_slot(ns_b, dev_b);
	std::string mac;
	{
		const oob::netns::scoped_enter in(ns_b);
		mac = oob::link::by_name(dev_b)->mac;
	}

	on::sysfs_write({}, "/sys/bus/pci/drivers/e1000e/unbind", slot);
	{
		const oob::netns::scoped_enter in(ns_b);
		check(!oob::link::by_name(dev_b) &&
			      value_of(on::device_counters(dev_b), "pool") < 0,
		      dev_b + " (" + slot + ") unbound: the link and its oob state are gone");
	}
	check_heads_back(heads);

	on::sysfs_write({}, "/sys/bus/pci/drivers/e1000e/bind", slot);
	std::optional<oob::link::info> l;
	for (int i = 0; i < 100 && !l; i++) {
		l = oob::link::by_mac(mac);
		if (!l)
			std::this_thread::sleep_for(50ms);
	}
	check(l.has_value(), slot + " bound again as " + (l ? l->name : std::string("nothing")));
	if (!l)
		return oob::checks::exit_code();
	oob::link::rtnl root;
	root.set_netns(l->ifindex, oob::netns::open(ns_b).get());
	{
		const oob::netns::scoped_enter in(ns_b);
		oob::link::rtnl rt;
		rt.set_name(l->ifindex, dev_b);
		rt.set_up(l->ifindex);
		rt.add_ipv4(l->ifindex, ipv4_b, oob::topology::prefix_len);
		check(oob::link::wait_carrier(dev_b, 10s),
		      dev_b + " is back in " + ns_b + " with " + ipv4_b + " and its carrier");
	}
	on::set_port(ns_b, dev_b, true);
	check(on::port(ns_b, dev_b), dev_b + " is an oob port again");
	oob::child run({"oob-raw-check", "pingpong", ns_a, dev_a, ns_b, dev_b, "20", ipv4_b});
	const auto st = run.wait(60s);
	check(st.success(), "oob and in-band round trips after the rebind: " + st.describe());
	return oob::checks::exit_code();
}

int usage()
{
	std::fprintf(stderr, "usage: oob-e1000e-check path NS_A DEV_A NS_B DEV_B COUNT\n"
			     "       oob-e1000e-check refusals NS DEV\n"
			     "       oob-e1000e-check churn NS_A DEV_A NS_B DEV_B ROUNDS IPV4_B\n"
			     "       oob-e1000e-check rebind NS_A DEV_A NS_B DEV_B IPV4_B\n");
	return 2;
}

} // namespace

int main(int argc, char **argv)
{
	const std::vector<std::string> args(argv + 1, argv + argc);
	try {
		if (args.size() == 6 && args[0] == "path")
			return path(args[1], args[2], args[3], args[4], std::stoi(args[5]));
		if (args.size() == 3 && args[0] == "refusals")
			return refusals(args[1], args[2]);
		if (args.size() == 6 && args[0] == "rebind")
			return rebind(args[1], args[2], args[3], args[4], args[5]);
		if (args.size() == 7 && args[0] == "churn")
			return churn(args[1], args[2], args[3], args[4], std::stoi(args[5]),
				     args[6]);
	} catch (const std::exception &e) {
		std::printf("FAIL %s\n", e.what());
		return 1;
	}
	return usage();
}
