// SPDX-License-Identifier: GPL-2.0
#include "oob/echo.hpp"

#include <cstddef>
#include <exception>
#include <future>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "oob/fd.hpp"
#include "oob/netns.hpp"

namespace oob {

namespace {

constexpr std::size_t max_datagram = 65507;

} // namespace

inband_udp_echo::inband_udp_echo(const std::string &netns, std::uint16_t port)
{
	std::promise<void> ready;
	auto bound = ready.get_future();
	thread_ = std::thread([this, netns, port, &ready] {
		unique_fd udp;
		try {
			const netns::scoped_enter in(netns);
			udp.reset(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
			if (!udp)
				throw_errno("echo socket");
			sockaddr_in a{};
			a.sin_family = AF_INET;
			a.sin_port = htons(port);
			check_syscall("bind echo", ::bind, udp.get(),
				      reinterpret_cast<const sockaddr *>(&a), sizeof(a));
			// Wakes up to see stop_ now and then.
			timeval tv{0, 100000};
			check_syscall("SO_RCVTIMEO", ::setsockopt, udp.get(), SOL_SOCKET,
				      SO_RCVTIMEO, &tv, sizeof(tv));
			ready.set_value();
		} catch (...) {
			ready.set_exception(std::current_exception());
			return;
		}
		std::vector<std::byte> buf(max_datagram);
		while (!stop_) {
			sockaddr_in from{};
			socklen_t flen = sizeof(from);
			const ssize_t n = ::recvfrom(udp.get(), buf.data(), buf.size(), 0,
						     reinterpret_cast<sockaddr *>(&from), &flen);
			if (n > 0)
				::sendto(udp.get(), buf.data(), static_cast<size_t>(n), 0,
					 reinterpret_cast<sockaddr *>(&from), flen);
		}
	});
	try {
		bound.get();
	} catch (...) {
		thread_.join();
		throw;
	}
}

inband_udp_echo::~inband_udp_echo()
{
	stop_ = true;
	thread_.join();
}

} // namespace oob
