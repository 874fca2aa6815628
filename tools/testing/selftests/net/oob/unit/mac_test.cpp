// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include <stdexcept>

#include "oob/mac.hpp"

TEST(Mac, ParsesWhatSysfsPrints)
{
	const oob::mac_address want{0x52, 0x54, 0x00, 0x12, 0xab, 0xff};
	EXPECT_EQ(oob::parse_mac("52:54:00:12:ab:ff"), want);
	EXPECT_EQ(oob::parse_mac("52:54:00:12:AB:FF"), want);
	EXPECT_EQ(oob::parse_mac("52:54:0:12:ab:ff"), want);
	EXPECT_EQ(oob::format_mac(want), "52:54:00:12:ab:ff");
	EXPECT_EQ(oob::parse_mac(oob::format_mac(want)), want);
}

TEST(Mac, RefusesWhatIsNotOne)
{
	for (const char *bad :
	     {"", "52:54:00:12:ab", "52:54:00:12:ab:ff:01", "52:54:00:12:ab:", "52:54:00:12:ab:fg",
	      "52:54:00:12:ab:fff", "52:54:00:12:ab:100", "52-54-00-12-ab-ff", " 52:54:00:12:ab:ff",
	      "52:54:00:12:ab:ff ", "52::54:00:12:ab", "0x52:54:00:12:ab:ff", "+5:54:00:12:ab:ff"})
		EXPECT_THROW((void)oob::parse_mac(bad), std::invalid_argument) << '"' << bad << '"';
}

TEST(Mac, TheErrorNamesTheText)
{
	try {
		(void)oob::parse_mac("00:00:00:00:00");
		FAIL() << "no exception";
	} catch (const std::invalid_argument &e) {
		EXPECT_NE(std::string(e.what()).find("00:00:00:00:00"), std::string::npos);
	}
}
