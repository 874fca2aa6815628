// SPDX-License-Identifier: GPL-2.0
// cost-report: compares the in-band benchmark lines (oob-udp-bench) that
// several kernels printed, a file per boot, and prints one table: per pair
// and metric, the median over the boots of each kernel, its spread (min-max
// over the boots), and the ratio to the first kernel given; with
// --markdown, as a Markdown table (for the benchmark's results).
//
//   cost-report [--markdown] NAME=FILE[,FILE...] NAME=FILE[,FILE...] ...
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// metric key -> one value per boot, e.g. "e1000e udp-rtt p50" -> {..}
using samples = std::map<std::string, std::vector<double>>;

struct kernel {
	std::string name;
	samples values;
};

// The fields worth comparing, per kind of line, in display order.
const std::map<std::string, std::vector<std::string>> fields{
	{"udp-rtt", {"p50", "p90", "p99", "p999", "max", "mean"}},
	{"udp-tput", {"sent_pps", "recv_pps"}},
};

void read_boot(const std::string &path, samples &out)
{
	std::ifstream in(path);
	if (!in)
		throw std::runtime_error("cannot read " + path);
	std::string line;
	int lines = 0;
	while (std::getline(in, line)) {
		std::istringstream words(line);
		std::string kind;
		words >> kind;
		auto f = fields.find(kind);
		if (f == fields.end())
			continue;
		std::map<std::string, std::string> kv;
		for (std::string w; words >> w;) {
			auto eq = w.find('=');
			if (eq != std::string::npos)
				kv[w.substr(0, eq)] = w.substr(eq + 1);
		}
		const std::string prefix = kv["pair"] + " " + kind + " " + kv["size"] + "B ";
		for (const auto &name : f->second)
			if (kv.contains(name))
				out[prefix + name].push_back(std::stod(kv[name]));
		lines++;
	}
	if (lines == 0)
		throw std::runtime_error(path + ": no benchmark lines (did the boot fail?)");
}

double median(std::vector<double> v)
{
	std::ranges::sort(v);
	const auto n = v.size();
	return n % 2 != 0 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

kernel parse_arg(const std::string &arg)
{
	auto eq = arg.find('=');
	if (eq == std::string::npos || eq == 0)
		throw std::invalid_argument("want NAME=FILE[,FILE...]: " + arg);
	kernel k{arg.substr(0, eq), {}};
	std::istringstream files(arg.substr(eq + 1));
	for (std::string f; std::getline(files, f, ',');)
		read_boot(f, k.values);
	return k;
}

} // namespace

int main(int argc, char **argv)
{
	try {
		const bool markdown = argc > 1 && std::string(argv[1]) == "--markdown";
		const int first = markdown ? 2 : 1;
		if (argc - first < 2)
			throw std::invalid_argument("usage: cost-report [--markdown] "
						    "NAME=FILE[,FILE...] NAME=FILE[,FILE...] ...");
		std::vector<kernel> kernels;
		for (int i = first; i < argc; i++)
			kernels.push_back(parse_arg(argv[i]));

		// A column: padded text, or a Markdown cell.
		const auto column = [markdown](const char *text, int width) {
			if (markdown)
				std::printf(" %s |", text);
			else
				std::printf("%*s", width, text);
		};
		const auto &base = kernels.front();
		if (markdown)
			std::printf("|");
		column("metric (ns, or packets/s)", -32);
		for (const auto &k : kernels)
			column(k.name.c_str(), 35);
		std::printf("\n");
		if (markdown) {
			std::printf("| --- |");
			for (std::size_t i = 0; i < kernels.size(); i++)
				std::printf(" ---: |");
			std::printf("\n");
		}
		for (const auto &[key, base_vals] : base.values) {
			const double b = median(base_vals);
			if (markdown)
				std::printf("|");
			column(key.c_str(), -32);
			for (const auto &k : kernels) {
				auto it = k.values.find(key);
				if (it == k.values.end()) {
					column("-", 35);
					continue;
				}
				const double m = median(it->second);
				const auto [lo, hi] = std::ranges::minmax(it->second);
				char cell[64];
				if (&k == &base)
					std::snprintf(cell, sizeof(cell), "%.0f [%.0f-%.0f]", m, lo,
						      hi);
				else
					std::snprintf(cell, sizeof(cell), "%.0f x%.3f [%.0f-%.0f]",
						      m, b != 0 ? m / b : 0.0, lo, hi);
				column(cell, 35);
			}
			std::printf("\n");
		}
		std::printf("%s(median over %zu boots each, [min-max] over the boots; xR = ratio "
			    "of the medians to the first kernel's)\n",
			    markdown ? "\n" : "", base.values.begin()->second.size());
		return 0;
	} catch (const std::exception &e) {
		std::fprintf(stderr, "cost-report: %s\n", e.what());
		return 2;
	}
}
