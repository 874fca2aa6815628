// SPDX-License-Identifier: GPL-2.0
// oob-ctl-check: oobnet's controls from user space, against the real
// companion: the errors of the sysfs controls, input diversion asked for by
// hand, a port asked of a device that is down, the module parameters and
// the RX and TX threads they shape, and selection by VLAN id.  Prints one
// line per check and exits 1 if any failed (4: skipped).  Every check puts
// back what it changed (parameters, ports, links, VLAN devices), also when
// it fails.
//
//   oob-ctl-check params
//       The module parameters read their documented defaults; a value that
//       does not parse fails with EINVAL, a number too large for its type
//       with ERANGE, both leaving the parameter as it was; values outside
//       the documented ranges are taken as written (the range applies when
//       a port comes up, see threads); VLAN id 4095 fails with EINVAL.
//       Run it while the parameters are at their defaults.
//   oob-ctl-check sysfs-errors NS DEV
//       oob_port and oob_diversion of DEV refuse a number too large to
//       parse (ERANGE) and the largest one that parses (EINVAL); neither
//       changes.
//   oob-ctl-check diversion NS DEV
//       DEV, a real device without VLAN ports: writing to oob_diversion
//       what its ports need succeeds, the other value fails with EBUSY and
//       changes nothing; with DEV a port (diversion 1) and without (0).
//   oob-ctl-check down-port NS DEV
//       With DEV down, oob_port=1 fails with ENETDOWN (and oob_pool has no
//       pool to show: it reads empty); once DEV is up again it succeeds.
//   oob-ctl-check threads NS DEV
//       DEV's port has an RX thread oobnet-rx/DEV, a relay thread
//       oobnet-ib/DEV and, for an oob-capable driver only, a TX thread
//       oobnet-tx/DEV, SCHED_FIFO at rx_prio, relay_prio and tx_prio (49
//       below 50 below 51 by default) on thread_cpu.  The parameters
//       are taken when the first port comes up, not while it is up, and
//       clamped there: priorities to 1..99, pool_max to 16..4096, and a
//       thread_cpu naming no online CPU means any.  A port DEV has already
//       must have come up with the parameters as they are.
//   oob-ctl-check vlan-select NS_A DEV_A NS_B DEV_B VID
//       Frames tagged VID, sent in-band from DEV_A to DEV_B.VID, a port
//       made for the test: left in-band while VID is not in "vlans",
//       picked for an oob socket once it is, in-band again when DEV_B.VID
//       stops being a port.  rx_drop_vlan stays 0.  DEV_B.VID must not
//       exist yet; it is deleted at the end.
//   oob-ctl-check vlan-short NS_A DEV_A NS_B DEV_B VID
//       A tagged frame of 18 bytes for the VLAN port DEV_B.VID, VID listed:
//       too short for its tag to come off, it is dropped and counted in
//       rx_drop_vlan.  Skipped (exit 4) when the wire pads short frames.
//   oob-ctl-check privileges NS DEV
//       The security model: oob sockets take CAP_NET_RAW or membership of
//       the group sock_group names (EPERM otherwise: nobody, root without
//       CAP_NET_RAW; a member once it is set, for UDP only); oob_port of
//       DEV, a port, takes CAP_NET_ADMIN (EPERM, and it stays a port).
//       Root of a user namespace owning its network namespace gets EPERM
//       for both, on its own devices too.
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/capability.h>
#include <linux/if_packet.h>
#include <linux/net_oob.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include "oob/check.hpp"
#include "oob/fd.hpp"
#include "oob/link.hpp"
#include "oob/netns.hpp"
#include "oob/oobnet.hpp"
#include "oob/privilege.hpp"
#include "oob/process.hpp"

namespace {

using namespace std::chrono_literals;
namespace on = oob::oobnet;
using oob::tasks_named;
using oob::checks::check;
using oob::checks::expect_errno;
using oob::oobnet::delta;
using oob::oobnet::value_of;

constexpr auto wait_limit = 5s;
constexpr std::uint16_t test_ethertype = 0x88b5; // IEEE local experimental 1
constexpr std::uint16_t probe_ethertype = 0x88b6;
constexpr std::size_t frame_len = 64;
constexpr int skip_exit = 4; // ksft: skipped

// Runs an action when the scope ends, however it ends.  An action that
// throws is a failed check: what it should have put back is not.
class scope_exit {
public:
	scope_exit(std::string what, std::function<void()> f)
	    : what_(std::move(what)), f_(std::move(f))
	{
	}
	scope_exit(const scope_exit &) = delete;
	scope_exit &operator=(const scope_exit &) = delete;
	scope_exit(scope_exit &&) = delete;
	scope_exit &operator=(scope_exit &&) = delete;
	~scope_exit()
	{
		try {
			f_();
		} catch (const std::exception &e) {
			check(false, "put back " + what_ + ": " + e.what());
		}
	}

private:
	std::string what_;
	std::function<void()> f_;
};

// The parts one after the other, in one string.
template <typename... Parts> std::string cat(const Parts &...parts)
{
	std::string s;
	(s.append(parts), ...);
	return s;
}

// The errno of writing value to a sysfs file of netns, 0 when it worked.
int write_errno(const std::string &netns, const std::string &path, const std::string &value)
{
	try {
		on::sysfs_write(netns, path, value);
	} catch (const std::system_error &e) {
		return e.code().value();
	}
	return 0;
}

std::string net_file(const std::string &dev, const std::string &attr)
{
	return "/sys/class/net/" + dev + "/" + attr;
}

std::string param_path(const std::string &name)
{
	return "/sys/module/oobnet/parameters/" + name;
}

std::string param(const std::string &name)
{
	return on::sysfs_read({}, param_path(name));
}

// With its newline: sysfs drops an empty write without calling the
// parameter's setter, so "" would leave the VLAN list as it is.
void set_param(const std::string &name, const std::string &value)
{
	on::sysfs_write({}, param_path(name), value + "\n");
}

// Puts the named parameters back as they were when it was made.
class saved_params {
public:
	explicit saved_params(const std::vector<std::string> &names)
	{
		for (const auto &n : names)
			values_[n] = param(n);
	}
	saved_params(const saved_params &) = delete;
	saved_params &operator=(const saved_params &) = delete;
	saved_params(saved_params &&) = delete;
	saved_params &operator=(saved_params &&) = delete;
	~saved_params()
	{
		for (const auto &[n, v] : values_) {
			try {
				set_param(n, v);
			} catch (const std::exception &e) {
				check(false, cat("put back parameter ", n, "=", v, ": ", e.what()));
			}
		}
	}
	[[nodiscard]] const std::string &at(const std::string &name) const
	{
		return values_.at(name);
	}

private:
	std::map<std::string, std::string> values_;
};

oob::link::info link_of(const std::string &dev)
{
	auto l = oob::link::by_name(dev);
	if (!l)
		throw std::runtime_error("no link " + dev);
	return *l;
}

std::string page_size()
{
	return std::to_string(::sysconf(_SC_PAGESIZE));
}

int params()
{
	const std::vector<std::string> uints{"pool_max", "rx_prio", "tx_prio", "frag_timeout_ms"};
	const std::map<std::string, std::string> defaults{
		{"pool_max", "128"},  {"rx_prio", "50"},	   {"tx_prio", "51"},
		{"thread_cpu", "-1"}, {"frag_timeout_ms", "1000"}, {"vlans", ""},
		{"sock_group", "-1"}};
	for (const auto &[name, value] : defaults)
		check(param(name) == value, cat("parameter ", name, " reads its default \"", value,
						"\": \"", param(name), "\""));

	std::vector<std::string> all;
	all.reserve(defaults.size());
	for (const auto &[name, value] : defaults)
		all.push_back(name);
	{
		const saved_params saved(all);
		// Refused: the parameter stays as it was.
		const auto refused = [&](const std::string &name, const std::string &value,
					 int want) {
			const std::string before = param(name);
			expect_errno(cat(name, "=\"", value, "\""), want,
				     [&] { on::sysfs_write({}, param_path(name), value); });
			check(param(name) == before,
			      cat(name, " stayed \"", before, "\": \"", param(name), "\""));
		};
		for (const auto &name : uints) {
			refused(name, "4294967296", ERANGE);
			refused(name, "99999999999999999999999", ERANGE);
			refused(name, "-1", EINVAL);
			refused(name, "12abc", EINVAL);
		}
		refused("thread_cpu", "2147483648", ERANGE);
		refused("thread_cpu", "-2147483649", ERANGE);
		refused("thread_cpu", "cpu0", EINVAL);
		refused("vlans", "4095", EINVAL);
		refused("vlans", "100-4095", EINVAL);

		// Outside the documented ranges, but a number of the type: taken
		// as written, clamped where used.
		const std::vector<std::pair<std::string, std::string>> taken{
			{"pool_max", "1"},	  {"pool_max", "100000"},
			{"rx_prio", "0"},	  {"rx_prio", "1000"},
			{"tx_prio", "0"},	  {"tx_prio", "1000"},
			{"thread_cpu", "-5"},	  {"thread_cpu", "99999"},
			{"frag_timeout_ms", "0"}, {"frag_timeout_ms", "4294967295"}};
		for (const auto &[name, value] : taken) {
			const int err = write_errno({}, param_path(name), value);
			check(err == 0 && param(name) == value,
			      cat(name, "=", value, " out of the documented range: ",
				  err != 0 ? std::strerror(err) : "taken", ", reads \"",
				  param(name), "\""));
		}
		set_param("vlans", "4094");
		check(param("vlans") == "4094",
		      "vlans=4094, the highest id: \"" + param("vlans") + "\"");
	}
	check(std::ranges::all_of(defaults,
				  [](const auto &kv) { return param(kv.first) == kv.second; }),
	      "every parameter is back to its default");
	return oob::checks::exit_code();
}

int sysfs_errors(const std::string &ns, const std::string &dev)
{
	const std::string port_before = on::sysfs_read(ns, net_file(dev, "oob_port"));
	const std::string diversion_before = on::sysfs_read(ns, net_file(dev, "oob_diversion"));
	{
		// A refused write that went through after all must not stay.
		scope_exit restore("the port of " + dev,
				   [&] { on::set_port(ns, dev, port_before == "1"); });
		for (const char *attr : {"oob_port", "oob_diversion"}) {
			const std::string path = net_file(dev, attr);
			for (const char *huge :
			     {"18446744073709551616", "99999999999999999999999999",
			      "0x10000000000000000"})
				expect_errno(std::string(attr) + "=" + huge +
						     ", too large to parse",
					     ERANGE, [&] { on::sysfs_write(ns, path, huge); });
			expect_errno(
				std::string(attr) + "=18446744073709551615, parsed but not 0 or 1",
				EINVAL, [&] { on::sysfs_write(ns, path, "18446744073709551615"); });
		}
		check(on::sysfs_read(ns, net_file(dev, "oob_port")) == port_before &&
			      on::sysfs_read(ns, net_file(dev, "oob_diversion")) ==
				      diversion_before,
		      dev + " kept oob_port " + port_before + " and oob_diversion " +
			      diversion_before);
	}
	return oob::checks::exit_code();
}

int diversion(const std::string &ns, const std::string &dev)
{
	const bool was_port = on::port(ns, dev);
	const std::string path = net_file(dev, "oob_diversion");
	{
		scope_exit restore("the port of " + dev, [&] { on::set_port(ns, dev, was_port); });
		for (const bool port : {was_port, !was_port}) {
			on::set_port(ns, dev, port);
			const std::string need = port ? "1" : "0";
			const std::string other = port ? "0" : "1";
			const std::string state = dev + (port ? " a port" : " no port");
			check(on::sysfs_read(ns, path) == need,
			      cat(state, ": oob_diversion reads ", on::sysfs_read(ns, path),
				  " (want ", need, ")"));
			const int err = write_errno(ns, path, need);
			check(err == 0,
			      cat(state, ": oob_diversion=", need, ", what the ports need: ",
				  err != 0 ? std::strerror(err) : "done"));
			expect_errno(
				cat(state, ": oob_diversion=", other, ", not what the ports need"),
				EBUSY, [&] { on::sysfs_write(ns, path, other); });
			check(on::sysfs_read(ns, path) == need && on::port(ns, dev) == port,
			      cat(state, ": diversion and port unchanged"));
		}
	}
	check(on::port(ns, dev) == was_port,
	      dev + (was_port ? " is a port again" : " no port again"));
	return oob::checks::exit_code();
}

int down_port(const std::string &ns, const std::string &dev)
{
	const bool was_port = on::port(ns, dev);
	bool was_up = false;
	{
		const oob::netns::scoped_enter in(ns);
		was_up = link_of(dev).up;
	}
	{
		scope_exit restore("the link and port of " + dev, [&] {
			{
				const oob::netns::scoped_enter in(ns);
				const auto l = link_of(dev);
				oob::link::rtnl nl;
				nl.set_up(l.ifindex, was_up);
				if (was_up && !oob::link::wait_carrier(dev, 30s))
					throw std::runtime_error(dev + " has no carrier");
			}
			on::set_port(ns, dev, was_port);
		});
		{
			const oob::netns::scoped_enter in(ns);
			oob::link::rtnl nl;
			nl.set_up(link_of(dev).ifindex, false);
		}
		check(!on::port(ns, dev), dev + " down: no port");
		expect_errno("oob_port=1 on " + dev + " down", ENETDOWN,
			     [&] { on::set_port(ns, dev, true); });
		check(!on::port(ns, dev) &&
			      on::sysfs_read(ns, net_file(dev, "oob_diversion")) == "0",
		      dev + " is still no port, diversion off");
		check(on::sysfs_read(ns, net_file(dev, "oob_pool")).empty(),
		      "oob_pool of " + dev + " without a port reads empty");
		{
			const oob::netns::scoped_enter in(ns);
			oob::link::rtnl nl;
			nl.set_up(link_of(dev).ifindex, true);
		}
		const int err = write_errno(ns, net_file(dev, "oob_port"), "1");
		check(err == 0 && on::port(ns, dev),
		      "oob_port=1 on " + dev +
			      " up again: " + (err != 0 ? std::strerror(err) : "a port"));
	}
	bool up = false;
	{
		const oob::netns::scoped_enter in(ns);
		up = link_of(dev).up;
	}
	check(up == was_up && on::port(ns, dev) == was_port,
	      dev + " is " + (up ? "up" : "down") + (on::port(ns, dev) ? ", a port" : ", no port") +
		      " as before");
	return oob::checks::exit_code();
}

// ---- RX and TX threads ----------------------------------------------------

struct sched_info {
	int policy = -1;
	int priority = -1;
	std::set<int> cpus;
};

sched_info sched_of(pid_t pid)
{
	sched_info i;
	const int policy = ::sched_getscheduler(pid);
	if (policy >= 0)
		i.policy = policy & ~SCHED_RESET_ON_FORK;
	sched_param sp{};
	if (::sched_getparam(pid, &sp) == 0)
		i.priority = sp.sched_priority;
	cpu_set_t set;
	CPU_ZERO(&set);
	if (::sched_getaffinity(pid, sizeof(set), &set) == 0) {
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				i.cpus.insert(c);
	}
	return i;
}

std::string cpus_text(const std::set<int> &cpus)
{
	std::string s;
	for (const int c : cpus)
		s += (s.empty() ? "" : ",") + std::to_string(c);
	return "{" + s + "}";
}

// Waits until want tasks are called comm (a stopped thread may linger a
// little); the last ones seen.
std::vector<pid_t> wait_tasks(const std::string &comm, std::size_t want)
{
	const auto deadline = std::chrono::steady_clock::now() + wait_limit;
	for (;;) {
		auto found = tasks_named(comm);
		if (found.size() == want || std::chrono::steady_clock::now() >= deadline)
			return found;
		std::this_thread::sleep_for(20ms);
	}
}

// What the threads of a port should look like.
struct want_threads {
	int rx_prio = 0;
	int tx_prio = 0;
	int relay_prio = 0;
	std::set<int> cpus;
};

struct thread_pids {
	pid_t rx = -1;
	pid_t tx = -1;
	pid_t relay = -1;
};

// Checks the threads of dev's port against want; their pids.
thread_pids check_threads(const std::string &dev, bool oob_io, const want_threads &want,
			  const std::string &when)
{
	thread_pids pids;
	const auto one = [&](const std::string &comm, int prio) {
		const auto found = wait_tasks(comm, 1);
		check(found.size() == 1,
		      when + ": one thread " + comm + " (" + std::to_string(found.size()) + ")");
		if (found.size() != 1)
			return pid_t{-1};
		const auto s = sched_of(found[0]);
		check(s.policy == SCHED_FIFO && s.priority == prio && s.cpus == want.cpus,
		      when + ": " + comm + " (pid " + std::to_string(found[0]) + ") " +
			      (s.policy == SCHED_FIFO ? "SCHED_FIFO"
						      : "policy " + std::to_string(s.policy)) +
			      " " + std::to_string(s.priority) + " on CPUs " + cpus_text(s.cpus) +
			      " (want SCHED_FIFO " + std::to_string(prio) + " on " +
			      cpus_text(want.cpus) + ")");
		return found[0];
	};
	pids.rx = one("oobnet-rx/" + dev, want.rx_prio);
	pids.relay = one("oobnet-ib/" + dev, want.relay_prio);
	if (oob_io) {
		pids.tx = one("oobnet-tx/" + dev, want.tx_prio);
	} else {
		const auto found = wait_tasks("oobnet-tx/" + dev, 0);
		check(found.empty(), when + ": no TX thread for an in-band driver (" +
					     std::to_string(found.size()) + ")");
	}
	return pids;
}

int clamp_prio(const std::string &value)
{
	return static_cast<int>(std::clamp(std::stoll(value), 1LL, 99LL));
}

int threads(const std::string &ns, const std::string &dev)
{
	const bool was_port = on::port(ns, dev);
	// Where a kernel thread runs when nothing pins it: as kthreadd.
	const std::set<int> any_cpu = sched_of(2).cpus;
	if (any_cpu.empty())
		throw std::runtime_error("no CPU in the affinity of kthreadd");
	const int last_cpu = *any_cpu.rbegin();
	const std::string pool_path = net_file(dev, "oob_pool");
	const auto cycle = [&] {
		on::set_port(ns, dev, false);
		on::set_port(ns, dev, true);
	};
	const auto pool = [&] { return on::sysfs_read(ns, pool_path); };
	const auto cpus_for = [&](const std::string &thread_cpu) {
		const long long cpu = std::stoll(thread_cpu);
		return cpu >= 0 && any_cpu.contains(static_cast<int>(cpu))
			       ? std::set<int>{static_cast<int>(cpu)}
			       : any_cpu;
	};
	want_threads found_as;
	bool oob_io = false;
	const std::vector<std::string> names{"pool_max", "rx_prio", "tx_prio", "relay_prio",
					     "thread_cpu"};
	std::map<std::string, std::string> original;
	for (const auto &name : names)
		original[name] = param(name);
	std::optional<saved_params> saved;
	saved.emplace(names);
	std::string pool0;
	{
		// Parameters first, then the port as it was: its threads and
		// pool made again with the parameters as they were.
		scope_exit restore("the port of " + dev, [&] {
			saved.reset();
			on::set_port(ns, dev, false);
			if (was_port)
				on::set_port(ns, dev, true);
		});
		if (!was_port)
			on::set_port(ns, dev, true);
		oob_io = value_of(on::device_counters(ns, dev), "oob_io") == 1;
		pool0 = pool();
		found_as = {clamp_prio(saved->at("rx_prio")), clamp_prio(saved->at("tx_prio")),
			    clamp_prio(saved->at("relay_prio")), cpus_for(saved->at("thread_cpu"))};
		std::printf("# %s: %s driver, oob_pool %s; rx_prio %s tx_prio %s relay_prio %s "
			    "thread_cpu %s\n",
			    dev.c_str(), oob_io ? "oob-capable" : "in-band", pool0.c_str(),
			    saved->at("rx_prio").c_str(), saved->at("tx_prio").c_str(),
			    saved->at("relay_prio").c_str(), saved->at("thread_cpu").c_str());
		const auto first = check_threads(dev, oob_io, found_as, "as found");
		if (oob_io && saved->at("rx_prio") == "50" && saved->at("tx_prio") == "51")
			check(found_as.tx_prio > found_as.rx_prio,
			      "defaults: the TX thread runs above the RX thread");
		if (saved->at("rx_prio") == "50" && saved->at("relay_prio") == "49")
			check(found_as.relay_prio < found_as.rx_prio,
			      "defaults: the relay thread runs below the RX thread");

		// Taken when the first port comes up: not by a running one.
		set_param("rx_prio", "70");
		set_param("tx_prio", "71");
		set_param("relay_prio", "69");
		set_param("thread_cpu", std::to_string(last_cpu));
		set_param("pool_max", "16");
		const auto same =
			check_threads(dev, oob_io, found_as, "parameters changed under the port");
		check(same.rx == first.rx && same.tx == first.tx && same.relay == first.relay,
		      "the running threads were left alone");
		check(pool() == pool0, "the pool was left alone: " + pool());

		cycle();
		const auto again =
			check_threads(dev, oob_io, {70, 71, 69, {last_cpu}}, "port again");
		check(again.rx != first.rx && again.relay != first.relay,
		      "the port came back with new RX and relay threads");
		check(pool() == "16 " + page_size(), "pool_max=16 taken: oob_pool " + pool());

		// Out of the documented ranges: clamped when taken.
		set_param("rx_prio", "0");
		set_param("tx_prio", "1000");
		set_param("relay_prio", "0");
		set_param("thread_cpu", "99999");
		set_param("pool_max", "1");
		cycle();
		check_threads(dev, oob_io, {1, 99, 1, any_cpu},
			      "rx_prio=0 tx_prio=1000 relay_prio=0 thread_cpu=99999 (no such CPU)");
		check(pool() == "16 " + page_size(),
		      "pool_max=1 clamped to 16: oob_pool " + pool());

		set_param("rx_prio", "20");
		set_param("tx_prio", "30");
		set_param("relay_prio", "1000");
		set_param("thread_cpu", "-5");
		set_param("pool_max", "100000");
		cycle();
		check_threads(dev, oob_io, {20, 30, 99, any_cpu},
			      "rx_prio=20 tx_prio=30 relay_prio=1000 thread_cpu=-5");
		check(pool() == "4096 " + page_size(),
		      "pool_max=100000 clamped to 4096: oob_pool " + pool());
	}
	for (const auto &[name, value] : original)
		check(param(name) == value, cat("parameter ", name, " is back to \"", value,
						"\": \"", param(name), "\""));
	check(on::port(ns, dev) == was_port,
	      dev + (was_port ? " is a port again" : " no port again"));
	if (was_port) {
		check(pool() == pool0, dev + " has its pool back: " + pool());
		check_threads(dev, oob_io, found_as, "put back");
	}
	return oob::checks::exit_code();
}

// ---- Selection by VLAN id -------------------------------------------------

using mac = std::array<unsigned char, ETH_ALEN>;

mac parse_mac(const std::string &s)
{
	mac m{};
	std::array<unsigned, ETH_ALEN> v{};
	if (std::sscanf(s.c_str(), "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) !=
	    ETH_ALEN)
		throw std::runtime_error("bad MAC " + s);
	std::ranges::transform(v, m.begin(),
			       [](unsigned x) { return static_cast<unsigned char>(x); });
	return m;
}

// A frame of len bytes (at least 14): addresses, an 802.1Q tag of vid when
// vid is not 0, ethertype type and a numbered payload, cut at len.
std::vector<std::byte> make_frame(const mac &dst, const mac &src, std::uint16_t vid,
				  std::uint16_t type, std::size_t len, std::uint32_t seq)
{
	std::vector<std::uint8_t> f;
	f.insert(f.end(), dst.begin(), dst.end());
	f.insert(f.end(), src.begin(), src.end());
	const auto put16 = [&](std::uint16_t v) {
		f.push_back(static_cast<std::uint8_t>(v >> 8));
		f.push_back(static_cast<std::uint8_t>(v & 0xff));
	};
	if (vid != 0) {
		put16(ETH_P_8021Q);
		put16(vid);
	}
	put16(type);
	for (int shift = 24; shift >= 0; shift -= 8)
		f.push_back(static_cast<std::uint8_t>(seq >> shift));
	while (f.size() < std::max(len, frame_len))
		f.push_back(static_cast<std::uint8_t>(f.size() + seq));
	f.resize(len);
	std::vector<std::byte> out(f.size());
	std::memcpy(out.data(), f.data(), f.size());
	return out;
}

// A plain (in-band) packet socket on a device: sends frames as they are
// (protocol 0: receives none), or receives those of one ethertype.
class plain_socket {
public:
	plain_socket(int ifindex, std::uint16_t protocol)
	    : fd_(::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(protocol)))
	{
		if (!fd_)
			oob::throw_errno("packet socket");
		sockaddr_ll sll{};
		sll.sll_family = AF_PACKET;
		sll.sll_protocol = htons(protocol);
		sll.sll_ifindex = ifindex;
		oob::check_syscall("bind packet socket", ::bind, fd_.get(),
				   reinterpret_cast<const sockaddr *>(&sll), sizeof(sll));
	}
	void send(const std::vector<std::byte> &frame)
	{
		for (int i = 0;; i++) {
			if (::send(fd_.get(), frame.data(), frame.size(), 0) ==
			    static_cast<ssize_t>(frame.size()))
				return;
			if ((errno != EAGAIN && errno != ENOBUFS) || i == 100)
				oob::throw_errno("send a frame");
			std::this_thread::sleep_for(10ms);
		}
	}
	// The lengths of the frames received until want came, or until
	// nothing came for quiet; then what else comes within settle.
	std::vector<std::size_t> receive(std::size_t want, std::chrono::milliseconds quiet,
					 std::chrono::milliseconds settle = 300ms)
	{
		std::vector<std::size_t> lengths;
		const auto drain_for = [&](std::chrono::milliseconds d) {
			const auto deadline = std::chrono::steady_clock::now() + d;
			std::array<std::byte, 2048> buf{};
			while (std::chrono::steady_clock::now() < deadline) {
				pollfd p{fd_.get(), POLLIN, 0};
				if (::poll(&p, 1, 20) <= 0)
					continue;
				const ssize_t n = ::recv(fd_.get(), buf.data(), buf.size(), 0);
				if (n >= 0)
					lengths.push_back(static_cast<std::size_t>(n));
				if (want != 0 && lengths.size() >= want)
					return;
			}
		};
		drain_for(quiet);
		drain_for(settle);
		return lengths;
	}

private:
	oob::unique_fd fd_;
};

// The frames an oob socket has queued, waiting up to wait for want.
int oob_frames(on::packet_socket &s, int want, std::chrono::milliseconds wait)
{
	const auto deadline = std::chrono::steady_clock::now() + wait;
	std::array<std::byte, 2048> buf{};
	int n = 0;
	for (;;) {
		const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(
			deadline - std::chrono::steady_clock::now());
		try {
			(void)s.recv(buf, n < want && left.count() > 0 ? on::timeout::after(left)
								       : on::timeout::none());
			n++;
		} catch (const std::system_error &e) {
			if (e.code().value() != EAGAIN && e.code().value() != ETIMEDOUT &&
			    e.code().value() != ENETDOWN)
				throw;
			return n;
		}
	}
}

// Creates DEV.VID in ns, up, for the scope's life.
class vlan_device {
public:
	vlan_device(std::string ns, const std::string &dev, int vid)
	    : ns_(std::move(ns)), name_(dev + "." + std::to_string(vid))
	{
		ip("link add link " + dev + " name " + name_ + " type vlan id " +
		   std::to_string(vid));
		try {
			ip("link set " + name_ + " up");
		} catch (const std::exception &) {
			remove();
			throw;
		}
	}
	vlan_device(const vlan_device &) = delete;
	vlan_device &operator=(const vlan_device &) = delete;
	vlan_device(vlan_device &&) = delete;
	vlan_device &operator=(vlan_device &&) = delete;
	~vlan_device() { remove(); }
	[[nodiscard]] const std::string &name() const { return name_; }

private:
	void remove() const
	{
		try {
			ip("link del " + name_);
		} catch (const std::exception &e) {
			check(false, std::string("delete ") + e.what());
		}
	}
	void ip(const std::string &args) const
	{
		const std::string cmd = "/usr/sbin/ip -n " + ns_ + " " + args;
		if (std::system(cmd.c_str()) != 0)
			throw std::runtime_error(cmd + " failed");
	}
	std::string ns_;
	std::string name_;
};

// Sends count frames tagged vid, of ethertype type, len bytes, from
// DEV_A in-band to DEV_B's address.
void send_tagged(const std::string &ns_a, const std::string &dev_a, const mac &to,
		 std::uint16_t vid, std::uint16_t type, std::size_t len, int count)
{
	const oob::netns::scoped_enter in(ns_a);
	const auto l = link_of(dev_a);
	plain_socket s(l.ifindex, 0);
	for (int i = 0; i < count; i++)
		s.send(make_frame(to, parse_mac(l.mac), vid, type, len,
				  static_cast<std::uint32_t>(i)));
}

int vlan_select(const std::string &ns_a, const std::string &dev_a, const std::string &ns_b,
		const std::string &dev_b, int vid)
{
	constexpr int count = 20;
	const auto v = static_cast<std::uint16_t>(vid);
	const saved_params saved({"vlans"});
	set_param("vlans", "");
	const vlan_device vdev(ns_b, dev_b, vid);
	const std::string &port = vdev.name();
	on::set_port(ns_b, port, true);

	const oob::netns::scoped_enter in(ns_b);
	const mac to = parse_mac(link_of(dev_b).mac);
	const int ifindex = link_of(port).ifindex;
	on::packet_socket oob_sock(test_ethertype);
	oob_sock.bind(ifindex);
	plain_socket inband(ifindex, test_ethertype);
	const std::string n = std::to_string(count);

	// Sends, then counts where the frames went.
	struct outcome {
		int oob = 0;
		std::size_t inband = 0;
		on::counters before, after;
	};
	const auto round = [&](bool to_oob) {
		outcome o;
		o.before = on::device_counters(dev_b);
		send_tagged(ns_a, dev_a, to, v, test_ethertype, frame_len, count);
		if (to_oob) {
			o.oob = oob_frames(oob_sock, count, wait_limit);
			o.inband = inband.receive(0, 300ms).size();
		} else {
			o.inband = inband.receive(count, wait_limit).size();
			o.oob = oob_frames(oob_sock, 0, 0ms);
		}
		o.after = on::device_counters(dev_b);
		return o;
	};

	const auto unlisted = round(false);
	check(unlisted.inband == count && unlisted.oob == 0,
	      "VLAN " + std::to_string(vid) + " not in vlans: " + std::to_string(unlisted.inband) +
		      "/" + n + " in-band, " + std::to_string(unlisted.oob) + " to the oob socket");
	check(delta(unlisted.before, unlisted.after, "rx_picked") == 0 &&
		      delta(unlisted.before, unlisted.after, "rx_inband") >= count &&
		      delta(unlisted.before, unlisted.after, "rx_drop_vlan") == 0,
	      dev_b + " counted rx_picked +" +
		      std::to_string(delta(unlisted.before, unlisted.after, "rx_picked")) +
		      " rx_inband +" +
		      std::to_string(delta(unlisted.before, unlisted.after, "rx_inband")) +
		      " rx_drop_vlan +" +
		      std::to_string(delta(unlisted.before, unlisted.after, "rx_drop_vlan")) +
		      " (want 0, >= " + n + ", 0)");

	set_param("vlans", std::to_string(vid));
	const auto listed = round(true);
	check(listed.oob == count && listed.inband == 0,
	      "VLAN " + std::to_string(vid) + " in vlans: " + std::to_string(listed.oob) + "/" + n +
		      " to the oob socket, " + std::to_string(listed.inband) + " in-band");
	check(delta(listed.before, listed.after, "rx_picked") == count &&
		      delta(listed.before, listed.after, "rx_drop_vlan") == 0,
	      dev_b + " counted rx_picked +" +
		      std::to_string(delta(listed.before, listed.after, "rx_picked")) +
		      " rx_drop_vlan +" +
		      std::to_string(delta(listed.before, listed.after, "rx_drop_vlan")) +
		      " (want " + n + ", 0)");

	// Listed, but no port any more: in-band again.
	on::set_port(ns_b, port, false);
	const auto no_port = round(false);
	check(no_port.inband == count && no_port.oob == 0,
	      port + " no port, VLAN listed: " + std::to_string(no_port.inband) + "/" + n +
		      " in-band, " + std::to_string(no_port.oob) + " to the oob socket");
	return oob::checks::exit_code();
}

int vlan_short(const std::string &ns_a, const std::string &dev_a, const std::string &ns_b,
	       const std::string &dev_b, int vid)
{
	// An Ethernet header and a tag: skb_vlan_untag() wants 2 bytes more
	// (what follows the tag), the in-band stack's untagging the same.
	constexpr std::size_t short_len = ETH_HLEN + 4;
	const saved_params saved({"vlans"});
	set_param("vlans", std::to_string(vid));
	const vlan_device vdev(ns_b, dev_b, vid);
	on::set_port(ns_b, vdev.name(), true);

	mac to{};
	std::optional<plain_socket> probe;
	{
		const oob::netns::scoped_enter in(ns_b);
		const auto l = link_of(dev_b);
		to = parse_mac(l.mac);
		probe.emplace(l.ifindex, probe_ethertype);
	}
	// Does the wire keep a short frame short?  An untagged one, in-band.
	send_tagged(ns_a, dev_a, to, 0, probe_ethertype, short_len, 1);
	std::vector<std::size_t> got;
	{
		const oob::netns::scoped_enter in(ns_b);
		got = probe->receive(1, wait_limit);
	}
	if (got.size() != 1) {
		check(false, "the untagged probe of " + std::to_string(short_len) +
				     " bytes arrived: " + std::to_string(got.size()) + " frames");
		return oob::checks::exit_code();
	}
	if (got[0] != short_len) {
		std::printf("# SKIP the wire pads a %zu-byte frame to %zu bytes: no frame too "
			    "short to untag can arrive\n",
			    short_len, got[0]);
		return oob::checks::exit_code() != 0 ? 1 : skip_exit;
	}
	check(true, "a " + std::to_string(short_len) + "-byte frame arrives as sent");

	const auto before = on::device_counters(ns_b, dev_b);
	send_tagged(ns_a, dev_a, to, static_cast<std::uint16_t>(vid), test_ethertype, short_len, 1);
	const auto deadline = std::chrono::steady_clock::now() + wait_limit;
	on::counters after = before;
	while (delta(before, after, "rx_drop_vlan") < 1 &&
	       std::chrono::steady_clock::now() < deadline) {
		std::this_thread::sleep_for(50ms);
		after = on::device_counters(ns_b, dev_b);
	}
	std::this_thread::sleep_for(200ms);
	after = on::device_counters(ns_b, dev_b);
	check(delta(before, after, "rx_drop_vlan") == 1 && delta(before, after, "rx_picked") == 0,
	      "a " + std::to_string(short_len) + "-byte frame tagged " + std::to_string(vid) +
		      " for " + vdev.name() + ": rx_drop_vlan +" +
		      std::to_string(delta(before, after, "rx_drop_vlan")) + " rx_picked +" +
		      std::to_string(delta(before, after, "rx_picked")) + " (want 1, 0)");
	return oob::checks::exit_code();
}

// The errno of socket() for an oob socket of the kind named, 0 when it
// opened.
int oob_socket_errno(bool raw)
{
	const int fd = raw ? ::socket(AF_PACKET, SOCK_RAW | SOCK_OOB, htons(0x88b5))
			   : ::socket(AF_INET, SOCK_DGRAM | SOCK_OOB, 0);
	if (fd < 0)
		return errno;
	::close(fd);
	return 0;
}

int privileges(const std::string &ns, const std::string &dev)
{
	constexpr uid_t nobody = 65534;
	const auto what = [](int err) { return err != 0 ? std::strerror(err) : "opened"; };
	const saved_params saved({"sock_group"});
	const oob::netns::scoped_enter in(ns);
	const auto as_nobody = [&](bool raw) {
		return oob::errno_as(oob::identity::user(nobody, nobody),
				     [raw] { return oob_socket_errno(raw); });
	};

	int err = as_nobody(false);
	check(err == EPERM, cat("a UDP oob socket as nobody: ", what(err), " (want EPERM)"));
	err = as_nobody(true);
	check(err == EPERM, cat("a raw oob socket as nobody: ", what(err), " (want EPERM)"));
	err = oob::errno_as(oob::identity::root_without(CAP_NET_RAW),
			    [] { return oob_socket_errno(false); });
	check(err == EPERM,
	      cat("a UDP oob socket as root without CAP_NET_RAW: ", what(err), " (want EPERM)"));

	set_param("sock_group", std::to_string(nobody));
	err = as_nobody(false);
	check(err == 0, cat("with sock_group=", std::to_string(nobody),
			    ", a UDP oob socket as a member of it: ", what(err)));
	err = as_nobody(true);
	check(err == EPERM, cat("and a raw one, which needs CAP_NET_RAW as in-band: ", what(err),
				" (want EPERM)"));
	set_param("sock_group", "-1");
	err = as_nobody(false);
	check(err == EPERM, cat("with sock_group=-1 again: ", what(err), " (want EPERM)"));

	// Ports and RX programs take CAP_NET_ADMIN; sysfs files are root's.
	err = oob::errno_as(oob::identity::root_without(CAP_NET_ADMIN),
			    [&] { return write_errno(ns, net_file(dev, "oob_port"), "0"); });
	check(err == EPERM, cat("oob_port=0 of ", dev, " without CAP_NET_ADMIN: ",
				err != 0 ? std::strerror(err) : "done", " (want EPERM)"));
	check(on::sysfs_read(ns, net_file(dev, "oob_port")) == "1", dev + " is still a port");

	// Root of a user namespace that owns its network namespace has every
	// capability there, which the in-band stack honours (a packet socket,
	// its own devices' sysfs); the rules above take them in the initial
	// user namespace, so it gets EPERM from oobnet all the same.
	const auto as_userns_root = [](const std::function<int()> &f) {
		return oob::errno_as(oob::identity::userns_root(), f);
	};
	err = as_userns_root([] { return oob_socket_errno(false); });
	check(err == EPERM,
	      cat("a UDP oob socket as root of a user namespace: ", what(err), " (want EPERM)"));
	err = as_userns_root([] { return oob_socket_errno(true); });
	check(err == EPERM,
	      cat("a raw oob socket as root of a user namespace: ", what(err), " (want EPERM)"));
	err = as_userns_root([] {
		const int fd = ::socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
		if (fd < 0)
			return errno;
		::close(fd);
		return 0;
	});
	check(err == 0,
	      cat("an in-band packet socket there (the namespace's root may): ", what(err)));
	err = as_userns_root([] { return write_errno({}, net_file("lo", "oob_port"), "1"); });
	check(err == EPERM, cat("oob_port=1 of its own lo as root of a user namespace: ",
				err != 0 ? std::strerror(err) : "done", " (want EPERM)"));
	return oob::checks::exit_code();
}

// A subcommand's exit code, once what it put back on the way out (its
// guards run after its return value is made) had its say.
int finish(int ret)
{
	return oob::checks::exit_code() != 0 ? 1 : ret;
}

int usage()
{
	std::fprintf(stderr, "usage: oob-ctl-check params\n"
			     "       oob-ctl-check sysfs-errors NS DEV\n"
			     "       oob-ctl-check diversion NS DEV\n"
			     "       oob-ctl-check down-port NS DEV\n"
			     "       oob-ctl-check threads NS DEV\n"
			     "       oob-ctl-check vlan-select NS_A DEV_A NS_B DEV_B VID\n"
			     "       oob-ctl-check vlan-short NS_A DEV_A NS_B DEV_B VID\n"
			     "       oob-ctl-check privileges NS DEV\n");
	return 2;
}

} // namespace

int main(int argc, char **argv)
{
	const std::vector<std::string> args(argv + 1, argv + argc);
	try {
		if (args.size() == 1 && args[0] == "params")
			return finish(params());
		if (args.size() == 3 && args[0] == "sysfs-errors")
			return finish(sysfs_errors(args[1], args[2]));
		if (args.size() == 3 && args[0] == "diversion")
			return finish(diversion(args[1], args[2]));
		if (args.size() == 3 && args[0] == "down-port")
			return finish(down_port(args[1], args[2]));
		if (args.size() == 3 && args[0] == "threads")
			return finish(threads(args[1], args[2]));
		if (args.size() == 6 && args[0] == "vlan-select")
			return finish(vlan_select(args[1], args[2], args[3], args[4],
						  std::stoi(args[5])));
		if (args.size() == 3 && args[0] == "privileges")
			return finish(privileges(args[1], args[2]));
		if (args.size() == 6 && args[0] == "vlan-short")
			return finish(
				vlan_short(args[1], args[2], args[3], args[4], std::stoi(args[5])));
	} catch (const std::exception &e) {
		std::printf("FAIL %s\n", e.what());
		return 1;
	}
	return usage();
}
