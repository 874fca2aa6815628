// SPDX-License-Identifier: GPL-2.0
// Running a check with less privilege than the runner's root: in a child,
// as root without one capability, or as another user with none at all.
#pragma once

#include <functional>
#include <optional>

#include <sys/types.h>

namespace oob {

// Who the child runs as: root with one capability taken out of its
// effective set, or another user and group with no supplementary group
// and so no capability (nobody: 65534).
struct identity {
	std::optional<int> without_cap;
	std::optional<uid_t> uid;
	gid_t gid = 0;

	[[nodiscard]] static identity root_without(int cap)
	{
		return identity{cap, std::nullopt, 0};
	}
	[[nodiscard]] static identity user(uid_t uid, gid_t gid)
	{
		return identity{std::nullopt, uid, gid};
	}
};

// Runs f in a child that took the identity who and returns the errno f
// answers there (0 for success).  Anything else the child ends with (the
// identity refused, an exception, a signal) throws: it must not pass for
// the answer, EPERM least of all.
int errno_as(const identity &who, const std::function<int()> &f);

} // namespace oob
