// SPDX-License-Identifier: GPL-2.0
// Real-time placement of the calling thread, as the benchmark's ends and
// the tests that must keep the in-band relay off a CPU want it.
#pragma once

namespace oob {

// Pins the calling thread to cpu (-1: leave its affinity) and makes it
// SCHED_FIFO at fifo_priority (0: leave its policy).  Throws
// std::system_error naming what failed.
void set_realtime(int cpu, int fifo_priority);

} // namespace oob
