// SPDX-License-Identifier: GPL-2.0
// Running a check with less privilege than the runner's root: in a child,
// as root without one capability, as another user with none at all, or as
// root of a user namespace of its own.
#pragma once

#include <functional>
#include <optional>

#include <sys/types.h>

namespace oob {

// Who the child runs as: root with one capability taken out of its
// effective set, another user and group with no supplementary group and
// so no capability (nobody: 65534), or root of a new user namespace that
// owns a new network namespace (every capability there, none outside),
// with that namespace's sysfs on /sys.
struct identity {
	std::optional<int> without_cap;
	std::optional<uid_t> uid;
	gid_t gid = 0;
	bool userns = false;

	[[nodiscard]] static identity root_without(int cap)
	{
		return identity{cap, std::nullopt, 0, false};
	}
	[[nodiscard]] static identity user(uid_t uid, gid_t gid)
	{
		return identity{std::nullopt, uid, gid, false};
	}
	[[nodiscard]] static identity userns_root()
	{
		return identity{std::nullopt, std::nullopt, 0, true};
	}
};

// Runs f in a child that took the identity who and returns the errno f
// answers there (0 for success).  Anything else the child ends with (the
// identity refused, an exception, a signal) throws: it must not pass for
// the answer, EPERM least of all.
int errno_as(const identity &who, const std::function<int()> &f);

} // namespace oob
