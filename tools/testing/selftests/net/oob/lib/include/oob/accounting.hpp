// SPDX-License-Identifier: GPL-2.0
// Where the packets of a flow went: the counters of one end of a wire that
// may count a lost packet, read in that end's network namespace, and the
// sum of what grew between two reads.  For the benchmark's loss column:
// sent minus delivered must equal what these counted.
#pragma once

#include <map>
#include <string>

namespace oob::accounting {

// Counter name to value.  Keys are prefixed by their source: "dev." for
// the device's line of /proc/net/dev (rx_packets, rx_drop, rx_fifo,
// rx_errs, tx_packets, tx_drop, tx_errs), "udp." for /proc/net/snmp's Udp
// line (InDatagrams, InErrors, NoPorts, RcvbufErrors...), "oobnet." for
// the device's line of /proc/net/oobnet/devices when it has oob state,
// "drv." for the driver's own statistics (ethtool -S) that tell of a full
// or empty ring: names with "no_buffer", "missed", "drop" or "overrun".
using counts = std::map<std::string, long long>;

// The calling thread's namespace's counters of dev.
[[nodiscard]] counts read_end(const std::string &dev);
// The same, from the namespace netns.
[[nodiscard]] counts read_end(const std::string &netns, const std::string &dev);

// "softnet.dropped": the packets the CPUs' input backlogs dropped
// (/proc/net/softnet_stat), in every namespace: for one end only.
[[nodiscard]] counts read_softnet();

// b - a for every key both have.
[[nodiscard]] counts grown(const counts &a, const counts &b);

// Of a delta, the counters that count a packet lost on its way in (on
// the receiving end) or out (on the sending end), each once: udp.InErrors
// (which RcvbufErrors is part of), dev.rx_drop (which the missed frames
// are part of), every oobnet.rx_drop_*, and so on.  Not dev.rx_errs: a
// frame received in error was not one of the flow's (QEMU's e1000e counts
// one now and then while none of them is lost).
[[nodiscard]] counts receive_losses(const counts &delta);
[[nodiscard]] counts send_losses(const counts &delta);

// The sum of a set of losses, and "key:n,key:n" of those above 0 with
// their keys prefixed (e.g. "b.oobnet.rx_drop_rcvbuf:12"), "-" for none.
[[nodiscard]] long long total(const counts &losses);
// Of a delta, the driver's counters (drv.*): not losses the stack counts,
// but where the NIC says it ran out of room, for a loss nothing counted.
[[nodiscard]] counts driver_hints(const counts &delta);
[[nodiscard]] std::string where(const counts &losses, const std::string &prefix);

} // namespace oob::accounting
