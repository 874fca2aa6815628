// SPDX-License-Identifier: GPL-2.0
#include "oob/sched.hpp"

#include <pthread.h>
#include <sched.h>
#include <system_error>

namespace oob {

void set_realtime(int cpu, int fifo_priority)
{
	if (cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (const int err = ::pthread_setaffinity_np(::pthread_self(), sizeof(set), &set);
		    err != 0)
			throw std::system_error(err, std::generic_category(), "CPU affinity");
	}
	if (fifo_priority <= 0)
		return;
	const sched_param sp{fifo_priority};
	if (const int err = ::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &sp); err != 0)
		throw std::system_error(err, std::generic_category(), "SCHED_FIFO");
}

} // namespace oob
