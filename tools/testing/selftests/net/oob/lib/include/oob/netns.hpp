// SPDX-License-Identifier: GPL-2.0
// Named network namespaces, compatible with iproute2: a namespace NAME is a
// bind mount of a netns file on /run/netns/NAME, so `ip netns exec` and
// nettest's -N/-O see the ones made here and the other way round.
#pragma once

#include <string>

#include "oob/fd.hpp"

namespace oob::netns {

inline constexpr const char *run_dir = "/run/netns";

// Creates /run/netns/NAME holding a fresh namespace (EEXIST if taken).
void create(const std::string &name);
// Unmounts and removes /run/netns/NAME; the namespace dies with its last user.
void remove(const std::string &name);
// Opens the namespace file of NAME (for setns() or IFLA_NET_NS_FD).
[[nodiscard]] unique_fd open(const std::string &name);

// Moves the calling thread into NAME for its lifetime, then back.
class scoped_enter {
public:
	explicit scoped_enter(const std::string &name);
	scoped_enter(const scoped_enter &) = delete;
	scoped_enter &operator=(const scoped_enter &) = delete;
	scoped_enter(scoped_enter &&) = delete;
	scoped_enter &operator=(scoped_enter &&) = delete;
	~scoped_enter();

private:
	unique_fd home_;
};

} // namespace oob::netns
