// SPDX-License-Identifier: GPL-2.0
// bench-report: turns the lines oob-bench printed in a `make bench` boot
// into the benchmark's results: per cell (pair, stack, payload, load) the
// median over the repetitions of each percentile and the spread between
// them, the ratios that matter, and pictures.
//
//   bench-report RAW META OUTDIR
//
// RAW holds the "bench rtt ...", "bench tput ..." and "bench sweep ..."
// lines, META "key=value" lines describing the run (kernel, config, git
// revision, emulation).  OUTDIR gets results.json, results.csv (a row per
// repetition), throughput.csv and throughput.json (every trial, with its
// loss accounting), table.md and, per
// pair, rtt-PAIR.svg (percentile curves, the stacks overlaid, 64 B) and
// hist-PAIR.svg (log2 histograms under load, 64 B).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace {

// A cell of the matrix: the order of the tables and the legends.
struct cell_key {
	std::string pair;
	std::string mode;
	int size = 0;
	std::string load;
	bool operator<(const cell_key &o) const
	{
		return std::tie(pair, mode, size, load) < std::tie(o.pair, o.mode, o.size, o.load);
	}
};

struct run {
	std::map<std::string, std::string> kv;
	std::vector<double> quantiles;
	int hist_first = 0;
	std::vector<double> hist;
	[[nodiscard]] double num(const std::string &k) const { return std::stod(kv.at(k)); }
};

const std::array<std::string, 7> modes{"udp-oob",	    "udp-inband", "raw-oob",
				       "packet-inband",	    "xdp",	  "udp-inband+port",
				       "packet-inband+port"};
const std::array<std::string, 7> stats{"p50", "p90", "p99", "p999", "p9999", "max", "mean"};
const std::array<double, 17> quantile_points{0.0,   0.1,   0.2,	   0.3,	   0.4,	 0.5,
					     0.6,   0.7,   0.8,	   0.9,	   0.95, 0.99,
					     0.995, 0.999, 0.9995, 0.9999, 1.0};

std::vector<double> numbers(const std::string &list)
{
	std::vector<double> out;
	std::istringstream in(list);
	for (std::string v; std::getline(in, v, ',');)
		out.push_back(std::stod(v));
	return out;
}

std::map<std::string, std::string> key_values(const std::string &words_after)
{
	std::map<std::string, std::string> kv;
	std::istringstream words(words_after);
	for (std::string w; words >> w;)
		if (auto eq = w.find('='); eq != std::string::npos)
			kv[w.substr(0, eq)] = w.substr(eq + 1);
	return kv;
}

using tput_cells = std::map<std::pair<std::string, std::string>, std::vector<run>>;

// Lines starting with prefix ("bench tput ", "bench sweep "), per pair and
// stack, in the order of the repetitions; of the throughput trials only
// those of kind (trial=, "unpaced" when a line has none), unless empty.
tput_cells read_tput(const std::string &path, const std::string &prefix = "bench tput ",
		     const std::string &kind = "unpaced", const std::string &sender = "same")
{
	std::ifstream in(path);
	tput_cells cells;
	for (std::string line; std::getline(in, line);) {
		if (!line.starts_with(prefix))
			continue;
		run r;
		r.kv = key_values(line.substr(prefix.size()));
		const auto t = r.kv.find("trial");
		if (!kind.empty() && (t == r.kv.end() ? "unpaced" : t->second) != kind)
			continue;
		const auto f = r.kv.find("sender");
		if (!sender.empty() && (f == r.kv.end() ? "same" : f->second) != sender)
			continue;
		cells[{r.kv.at("pair"), r.kv.at("mode")}].push_back(std::move(r));
	}
	return cells;
}

// A key of a run, or def when the line has none (an older run's).
std::string value_or(const run &r, const std::string &k, const std::string &def = "")
{
	const auto it = r.kv.find(k);
	return it == r.kv.end() ? def : it->second;
}

std::map<cell_key, std::vector<run>> read_runs(const std::string &path)
{
	std::ifstream in(path);
	if (!in)
		throw std::runtime_error("cannot read " + path);
	std::map<cell_key, std::vector<run>> cells;
	for (std::string line; std::getline(in, line);) {
		if (!line.starts_with("bench rtt "))
			continue;
		run r;
		r.kv = key_values(line.substr(10));
		r.quantiles = numbers(r.kv.at("q"));
		const auto &h = r.kv.at("hist");
		r.hist_first = std::stoi(h.substr(0, h.find(':')));
		r.hist = numbers(h.substr(h.find(':') + 1));
		cells[{r.kv.at("pair"), r.kv.at("mode"), std::stoi(r.kv.at("size")),
		       r.kv.at("load")}]
			.push_back(std::move(r));
	}
	return cells;
}

double median(std::vector<double> v)
{
	std::ranges::sort(v);
	const auto n = v.size();
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct summary {
	double median = 0;
	double lo = 0;
	double hi = 0;
	// (hi - lo) / median: how far the repetitions disagree.
	[[nodiscard]] double spread() const { return median > 0 ? (hi - lo) / median : 0; }
};

summary over_runs(const std::vector<run> &runs, const std::string &stat)
{
	std::vector<double> v;
	v.reserve(runs.size());
	for (const auto &r : runs)
		v.push_back(r.num(stat));
	return {median(v), *std::ranges::min_element(v), *std::ranges::max_element(v)};
}

std::string us(double ns)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), ns >= 1e5 ? "%.0f" : "%.1f", ns / 1000);
	return buf;
}

std::string fixed(double v, const char *fmt)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), fmt, v);
	return buf;
}

// A JSON string (the values here need no escaping).
std::string quoted(const std::string &s)
{
	return '"' + s + '"';
}

void write_json(const std::map<cell_key, std::vector<run>> &cells,
		const std::map<std::string, std::string> &meta, const std::string &path)
{
	std::ofstream out(path);
	out << "{\n  " << quoted("meta") << ": {";
	const char *sep = "\n";
	for (const auto &[k, v] : meta) {
		out << sep << "    " << quoted(k) << ": " << quoted(v);
		sep = ",\n";
	}
	out << "\n  },\n  " << quoted("unit") << ": " << quoted("ns") << ",\n  " << quoted("cells")
	    << ": [";
	sep = "\n";
	for (const auto &[key, runs] : cells) {
		out << sep << "    {" << quoted("pair") << ": " << quoted(key.pair) << ", "
		    << quoted("mode") << ": " << quoted(key.mode) << ", " << quoted("size") << ": "
		    << key.size << ", " << quoted("load") << ": " << quoted(key.load) << ", "
		    << quoted("repetitions") << ": " << runs.size();
		for (const auto &st : stats) {
			const auto m = over_runs(runs, st);
			out << ", " << quoted(st) << ": {" << quoted("median") << ": "
			    << fixed(m.median, "%.0f") << ", " << quoted("min") << ": "
			    << fixed(m.lo, "%.0f") << ", " << quoted("max") << ": "
			    << fixed(m.hi, "%.0f") << "}";
		}
		double lost = 0;
		std::string drops;
		for (const auto &r : runs) {
			lost += r.num("lost");
			drops += (drops.empty() ? "" : ", ") + quoted(value_or(r, "drops", "-"));
		}
		out << ", " << quoted("lost") << ": " << fixed(lost, "%.0f") << ", "
		    << quoted("drops") << ": [" << drops << "]}";
		sep = ",\n";
	}
	out << "\n  ]\n}\n";
}

// Every throughput trial and sweep, each with all its keys.
void write_tput_json(const tput_cells &trials, const tput_cells &sweeps, const std::string &path)
{
	std::ofstream out(path);
	const auto list = [&out](const tput_cells &c) {
		const char *sep = "\n";
		for (const auto &[key, runs] : c)
			for (const auto &r : runs) {
				out << sep << "    {";
				const char *ksep = "";
				for (const auto &[k, v] : r.kv) {
					out << ksep << quoted(k) << ": " << quoted(v);
					ksep = ", ";
				}
				out << "}";
				sep = ",\n";
			}
	};
	out << "{\n  " << quoted("trials") << ": [";
	list(trials);
	out << "\n  ],\n  " << quoted("sweeps") << ": [";
	list(sweeps);
	out << "\n  ]\n}\n";
}

void write_csv(const std::map<cell_key, std::vector<run>> &cells, const std::string &path)
{
	std::ofstream out(path);
	out << "pair,mode,size,load,rep,count,lost,flood_sent,min,p50,p90,p99,p999,p9999,max,"
	       "mean,variant,drops\n";
	for (const auto &[key, runs] : cells) {
		int rep = 0;
		for (const auto &r : runs) {
			out << key.pair << ',' << key.mode << ',' << key.size << ',' << key.load
			    << ',' << ++rep;
			for (const char *k : {"count", "lost", "flood_sent", "min", "p50", "p90",
					      "p99", "p999", "p9999", "max", "mean"})
				out << ',' << r.kv.at(k);
			out << ',' << (r.kv.contains("variant") ? r.kv.at("variant") : "") << ",\""
			    << value_or(r, "drops") << "\"\n";
		}
	}
}

// Every throughput trial, unpaced, sweep steps and --at, in run order.
void write_tput_csv(const tput_cells &trials, const std::string &path)
{
	std::ofstream out(path);
	out << "pair,mode,size,sender,trial_no,trial,rate,seconds,sent,failed,received,sent_pps,"
	       "recv_pps,lost,counted,uncounted,drops,nic,variant\n";
	for (const auto &[key, runs] : trials) {
		int no = 0;
		for (const auto &r : runs) {
			out << key.first << ',' << key.second << ',' << r.kv.at("size") << ','
			    << value_or(r, "sender", "same") << ',' << ++no << ','
			    << value_or(r, "trial", "unpaced") << ',' << value_or(r, "rate", "0");
			for (const char *k :
			     {"seconds", "sent", "failed", "received", "sent_pps", "recv_pps"})
				out << ',' << r.kv.at(k);
			for (const char *k : {"lost", "counted", "uncounted"})
				out << ',' << value_or(r, k);
			out << ",\"" << value_or(r, "drops") << "\",\"" << value_or(r, "nic")
			    << "\"," << value_or(r, "variant") << '\n';
		}
	}
}

// The stack's name, with how it was set up where it chose (AF_XDP).
std::string stack_label(const std::string &mode, const std::vector<run> &runs)
{
	const auto it = runs.front().kv.find("variant");
	return it == runs.front().kv.end() ? mode : mode + " (" + it->second + ")";
}

const std::vector<run> *find(const std::map<cell_key, std::vector<run>> &cells, const cell_key &k)
{
	const auto it = cells.find(k);
	return it == cells.end() ? nullptr : &it->second;
}

// The median over runs of a key (0 when none has it), min-max as text.
std::string median_range(const std::vector<run> &runs, const std::string &k)
{
	std::vector<run> with;
	for (const auto &r : runs)
		if (r.kv.contains(k))
			with.push_back(r);
	if (with.empty())
		return "-";
	const auto m = over_runs(with, k);
	return fixed(m.median, "%.0f") + " (" + fixed(m.lo, "%.0f") + "-" + fixed(m.hi, "%.0f") +
	       ")";
}

struct tput_runs {
	tput_cells unpaced;
	tput_cells sweeps;
	tput_cells at;
	bool fast = false; // the receive-capacity cells (sender=fast)
};

void write_tput_table(std::ofstream &out, const std::string &pair, const tput_runs &tput)
{
	if (tput.unpaced.empty())
		return;
	if (tput.fast)
		out << "\nWhat each stack receives, 64 B, packets per second: the same raw oob "
		       "sender (faster than any in-band one here) feeds every stack, frames "
		       "built as the stack's own sender would; columns as above.\n\n";
	else
		out << "\nThroughput, 64 B, packets per second (median, min-max over the "
		       "repetitions): one socket sends on one vCPU, in batches where the stack "
		       "has a batch call, one socket on the other vCPU receives (SO_RCVBUF "
		       "4 MiB). Unpaced: the sender as fast as the stack takes it; lost = sent - "
		       "delivered, counted = what the drop counters of both ends and the "
		       "receiving socket grew by (their names in the last column, first "
		       "repetition), uncounted = the rest. Sustained: the highest paced rate "
		       "with at least 99 % delivered (a bisection of paced trials). At "
		       "in-band's: the oob stack paced at the sustained rate of in-band UDP "
		       "(UDP) or AF_PACKET (raw), the share delivered.\n\n";
	out << "| stack | sent | delivered | lost | counted | uncounted | sustained | at "
	       "in-band's | where lost |\n"
	    << "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n";
	for (const auto &mode : modes) {
		const auto it = tput.unpaced.find({pair, mode});
		if (it == tput.unpaced.end())
			continue;
		const auto &runs = it->second;
		out << "| " << stack_label(mode, runs);
		for (const char *k : {"sent_pps", "recv_pps", "lost", "counted", "uncounted"})
			out << " | " << median_range(runs, k);
		const auto sw = tput.sweeps.find({pair, mode});
		out << " | "
		    << (sw == tput.sweeps.end() ? "-" : median_range(sw->second, "sustained_pps"));
		const auto at = tput.at.find({pair, mode});
		if (at == tput.at.end()) {
			out << " | -";
		} else {
			std::vector<double> share;
			for (const auto &r : at->second)
				share.push_back(r.num("sent") > 0
							? 100 * r.num("received") / r.num("sent")
							: 0);
			out << " | " << fixed(median(share), "%.1f %%") << " of "
			    << median_range(at->second, "rate");
		}
		out << " | " << value_or(runs.front(), "drops", "-");
		if (value_or(runs.front(), "uncounted", "0") != "0")
			out << "; uncounted, the NIC's counters: "
			    << value_or(runs.front(), "nic", "-");
		out << " |\n";
	}
	const auto ratio = [&](const std::string &a, const std::string &b, const char *what) {
		const auto x = tput.sweeps.find({pair, a});
		const auto y = tput.sweeps.find({pair, b});
		if (x == tput.sweeps.end() || y == tput.sweeps.end())
			return;
		const double den = over_runs(y->second, "sustained_pps").median;
		out << "| " << what << " | "
		    << (den > 0 ? fixed(over_runs(x->second, "sustained_pps").median / den, "%.2f")
				: "-")
		    << " |\n";
	};
	out << "\n| sustained rate ratio | |\n| --- | ---: |\n";
	ratio("udp-oob", "udp-inband", "UDP oob / in-band");
	ratio("raw-oob", "packet-inband", "raw oob / AF_PACKET");
	ratio("raw-oob", "xdp", "raw oob / AF_XDP");
	out << "\n";
}

void write_table(const std::map<cell_key, std::vector<run>> &cells,
		 const std::array<tput_runs, 2> &tputs,
		 const std::map<std::string, std::string> &meta, const std::string &path)
{
	const auto &tput = tputs[0];
	std::ofstream out(path);
	out << "Round trip latency in µs, median over " << meta.at("reps") << " repetitions of "
	    << meta.at("count") << " round trips (spread: (max - min) / "
	    << "median of p99.9 across the repetitions). " << meta.at("emulation") << ".\n\n";
	std::vector<std::string> pairs;
	for (const auto &[key, runs] : cells)
		if (std::ranges::find(pairs, key.pair) == pairs.end())
			pairs.push_back(key.pair);
	for (const auto &[key, runs] : tput.unpaced)
		if (std::ranges::find(pairs, key.first) == pairs.end())
			pairs.push_back(key.first);
	for (const auto &pair : pairs) {
		out << "**" << pair << "**\n\n"
		    << "| stack | load | size | p50 | p90 | p99 | p99.9 | max | mean | p99.9 "
		       "spread |"
		       " lost |\n"
		    << "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
		       "|\n";
		for (const char *load : {"idle", "flood", "traffic", "hogs"})
			for (const int size : {64, 1024})
				for (const auto &mode : modes) {
					const auto *runs = find(cells, {pair, mode, size, load});
					if (runs == nullptr)
						continue;
					double lost = 0;
					for (const auto &r : *runs)
						lost += r.num("lost");
					out << "| " << stack_label(mode, *runs) << " | " << load
					    << " | " << size;
					for (const char *s :
					     {"p50", "p90", "p99", "p999", "max", "mean"})
						out << " | " << us(over_runs(*runs, s).median);
					out << " | "
					    << fixed(100 * over_runs(*runs, "p999").spread(),
						     "%.0f %%")
					    << " | " << fixed(lost, "%.0f") << " |\n";
				}
		out << "\nRatios (medians, 64 B): below 1 means the first is faster.\n\n"
		    << "| ratio | p50 | p99.9 |\n| --- | ---: | ---: |\n";
		const auto ratio = [&](const cell_key &a, const cell_key &b,
				       const std::string &what) {
			const auto *x = find(cells, a);
			const auto *y = find(cells, b);
			if (x == nullptr || y == nullptr)
				return;
			out << "| " << what;
			for (const char *s : {"p50", "p999"})
				out << " | "
				    << fixed(over_runs(*x, s).median / over_runs(*y, s).median,
					     "%.2f");
			out << " |\n";
		};
		for (const char *load : {"idle", "flood"}) {
			ratio({pair, "udp-oob", 64, load}, {pair, "udp-inband", 64, load},
			      std::string("UDP oob / in-band, ") + load);
			ratio({pair, "raw-oob", 64, load}, {pair, "packet-inband", 64, load},
			      std::string("raw oob / AF_PACKET, ") + load);
			ratio({pair, "raw-oob", 64, load}, {pair, "xdp", 64, load},
			      std::string("raw oob / AF_XDP, ") + load);
			ratio({pair, "udp-oob", 64, load}, {pair, "xdp", 64, load},
			      std::string("UDP oob / AF_XDP, ") + load);
		}
		// Issue 18: in-band traffic on a device with oob on, against off.
		for (const char *load : {"idle", "flood"}) {
			ratio({pair, "udp-inband+port", 64, load}, {pair, "udp-inband", 64, load},
			      std::string("UDP in-band, port on / off, ") + load);
			ratio({pair, "packet-inband+port", 64, load},
			      {pair, "packet-inband", 64, load},
			      std::string("AF_PACKET, port on / off, ") + load);
		}
		for (const char *load : {"flood", "traffic", "hogs"})
			for (const auto &mode : modes)
				ratio({pair, mode, 64, load}, {pair, mode, 64, "idle"},
				      mode + ", " +
					      (std::string(load) == "flood" ? "loaded" : load) +
					      " / idle");
		for (const auto &t : tputs)
			write_tput_table(out, pair, t);
	}
}

// Percentile curves: x is the number of nines of the quantile, y the
// latency on a log scale; a curve per stack, idle solid, loaded dashed.
const std::map<std::string, std::string> colours{
	{"udp-oob", "#1b9e77"},		  {"udp-inband", "#d95f02"}, {"raw-oob", "#7570b3"},
	{"packet-inband", "#e7298a"},	  {"xdp", "#666666"},	     {"udp-inband+port", "#e6ab02"},
	{"packet-inband+port", "#a6761d"}};

struct plot {
	double w = 720;
	double h = 440;
	double left = 70;
	double right = 170;
	double top = 40;
	double bottom = 50;
	double x0 = 0;
	double x1 = 1;
	double y0 = 0; // log10 of the lowest value shown
	double y1 = 1;
	[[nodiscard]] double px(double x) const
	{
		return left + (x - x0) / (x1 - x0) * (w - left - right);
	}
	[[nodiscard]] double py(double y) const
	{
		return h - bottom - (y - y0) / (y1 - y0) * (h - top - bottom);
	}
};

void svg_open(std::ofstream &out, const plot &p, const std::string &title)
{
	out << "<svg xmlns='http://www.w3.org/2000/svg' width='" << p.w << "' height='" << p.h
	    << "' font-family='sans-serif'>\n<rect width='100%' height='100%' fill='white'/>\n"
	    << "<text x='" << p.left << "' y='22' font-size='14'>" << title << "</text>\n";
}

// Line @row of the legend, right of the plot.
void legend_entry(std::ofstream &out, const plot &p, int row, const std::string &mode,
		  const std::string &label, bool dashed)
{
	const double y = p.top + 16.0 * row;
	out << "<line x1='" << p.w - p.right + 10 << "' x2='" << p.w - p.right + 40 << "' y1='" << y
	    << "' y2='" << y << "' stroke-width='2' stroke='" << colours.at(mode) << "'"
	    << (dashed ? " stroke-dasharray='6 4'" : "") << "/><text x='" << p.w - p.right + 46
	    << "' y='" << y + 4 << "' font-size='11'>" << label << "</text>\n";
}

void log_axis(std::ofstream &out, const plot &p, const std::string &unit)
{
	for (int d = static_cast<int>(std::floor(p.y0)); d <= static_cast<int>(std::ceil(p.y1));
	     d++) {
		if (d < p.y0 || d > p.y1)
			continue;
		out << "<line x1='" << p.left << "' x2='" << p.w - p.right << "' y1='" << p.py(d)
		    << "' y2='" << p.py(d) << "' stroke='#ddd'/>\n"
		    << "<text x='" << p.left - 6 << "' y='" << p.py(d) + 4
		    << "' text-anchor='end' font-size='11'>" << us(std::pow(10.0, d))
		    << "</text>\n";
	}
	out << "<text x='14' y='" << (p.top + p.h - p.bottom) / 2
	    << "' font-size='12' transform='rotate(-90 14 " << (p.top + p.h - p.bottom) / 2
	    << ")' text-anchor='middle'>" << unit << "</text>\n";
}

void write_rtt_svg(const std::map<cell_key, std::vector<run>> &cells, const std::string &pair,
		   const std::string &path)
{
	plot p;
	p.x1 = 4;
	double lo = 1e18;
	double hi = 1;
	for (const auto &[key, runs] : cells)
		if (key.pair == pair && key.size == 64)
			for (const auto &r : runs)
				for (const double v : r.quantiles)
					if (v > 0) {
						lo = std::min(lo, v);
						hi = std::max(hi, v);
					}
	p.y0 = std::floor(std::log10(lo));
	p.y1 = std::ceil(std::log10(hi));
	std::ofstream out(path);
	svg_open(out, p, pair + ": round trip percentiles, 64 B (solid idle, dashed under load)");
	log_axis(out, p, "µs");
	const std::array<const char *, 5> nines{"p0", "p90", "p99", "p99.9", "p99.99"};
	for (std::size_t n = 0; n < nines.size(); n++)
		out << "<text x='" << p.px(static_cast<double>(n)) << "' y='" << p.h - p.bottom + 18
		    << "' text-anchor='middle' font-size='11'>" << nines.at(n) << "</text>\n";
	int legend = 0;
	for (const auto &mode : modes)
		for (const char *load : {"idle", "flood"}) {
			const auto *runs = find(cells, {pair, mode, 64, load});
			if (runs == nullptr)
				continue;
			// The median curve over the repetitions, point by point.
			std::string points;
			for (std::size_t i = 0; i + 1 < quantile_points.size(); i++) {
				std::vector<double> v;
				for (const auto &r : *runs)
					if (i < r.quantiles.size())
						v.push_back(r.quantiles[i]);
				if (v.empty() || median(v) <= 0)
					continue;
				const double x = -std::log10(1 - quantile_points[i]);
				points.append(fixed(p.px(std::min(x, 4.0)), "%.1f"))
					.append(",")
					.append(fixed(p.py(std::log10(median(v))), "%.1f"))
					.append(" ");
			}
			const bool dashed = std::string(load) == "flood";
			out << "<polyline fill='none' stroke-width='2' stroke='" << colours.at(mode)
			    << "'" << (dashed ? " stroke-dasharray='6 4'" : "") << " points='"
			    << points << "'/>\n";
			legend_entry(out, p, legend++, mode, mode + " " + load, dashed);
		}
	out << "</svg>\n";
}

void write_hist_svg(const std::map<cell_key, std::vector<run>> &cells, const std::string &pair,
		    const std::string &path)
{
	// Buckets of [2^i, 2^(i+1)) ns summed over the repetitions, under load.
	std::map<std::string, std::map<int, double>> counts;
	int b0 = 64;
	int b1 = 0;
	double top_count = 1;
	for (const auto &mode : modes) {
		const auto *runs = find(cells, {pair, mode, 64, "flood"});
		if (runs == nullptr)
			continue;
		for (const auto &r : *runs)
			for (std::size_t i = 0; i < r.hist.size(); i++) {
				const int b = r.hist_first + static_cast<int>(i);
				counts[mode][b] += r.hist[i];
				if (r.hist[i] > 0) {
					b0 = std::min(b0, b);
					b1 = std::max(b1, b);
				}
			}
		for (const auto &[b, c] : counts[mode])
			top_count = std::max(top_count, c);
	}
	plot p;
	p.x0 = b0;
	p.x1 = b1 + 1;
	p.y0 = 0;
	p.y1 = std::ceil(std::log10(top_count));
	std::ofstream out(path);
	svg_open(out, p, pair + ": round trips per latency bucket under load, 64 B (log counts)");
	for (int d = 0; d <= static_cast<int>(p.y1); d++)
		out << "<line x1='" << p.left << "' x2='" << p.w - p.right << "' y1='" << p.py(d)
		    << "' y2='" << p.py(d) << "' stroke='#ddd'/><text x='" << p.left - 6 << "' y='"
		    << p.py(d) + 4 << "' text-anchor='end' font-size='11'>"
		    << fixed(std::pow(10.0, d), "%.0f") << "</text>\n";
	for (int b = b0; b <= b1 + 1; b += 2)
		out << "<text x='" << p.px(b) << "' y='" << p.h - p.bottom + 18
		    << "' text-anchor='middle' font-size='11'>" << us(std::pow(2.0, b))
		    << "</text>\n";
	out << "<text x='" << (p.left + p.w - p.right) / 2 << "' y='" << p.h - 10
	    << "' text-anchor='middle' font-size='12'>µs (bucket start)</text>\n";
	int legend = 0;
	for (const auto &[mode, buckets] : counts) {
		std::string points;
		for (int b = b0; b <= b1; b++) {
			const auto it = buckets.find(b);
			const double c = it == buckets.end() ? 0 : it->second;
			const double y = p.py(c > 0 ? std::log10(c + 1) : 0);
			for (const int edge : {b, b + 1})
				points.append(fixed(p.px(edge), "%.1f"))
					.append(",")
					.append(fixed(y, "%.1f"))
					.append(" ");
		}
		out << "<polyline fill='none' stroke-width='2' stroke='" << colours.at(mode)
		    << "' points='" << points << "'/>\n";
		legend_entry(out, p, legend++, mode, mode, false);
	}
	out << "</svg>\n";
}

std::map<std::string, std::string> read_meta(const std::string &path)
{
	std::ifstream in(path);
	if (!in)
		throw std::runtime_error("cannot read " + path);
	std::map<std::string, std::string> meta;
	for (std::string line; std::getline(in, line);)
		if (auto eq = line.find('='); eq != std::string::npos)
			meta[line.substr(0, eq)] = line.substr(eq + 1);
	for (const char *k : {"reps", "count", "emulation"})
		if (!meta.contains(k))
			throw std::runtime_error(path + ": no " + k);
	return meta;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc != 4) {
		std::fprintf(stderr, "usage: bench-report RAW META OUTDIR\n");
		return 2;
	}
	try {
		const auto cells = read_runs(argv[1]);
		if (cells.empty() && read_tput(argv[1]).empty())
			throw std::runtime_error(std::string(argv[1]) + ": no benchmark lines");
		const auto meta = read_meta(argv[2]);
		const std::string dir = argv[3];
		write_json(cells, meta, dir + "/results.json");
		write_csv(cells, dir + "/results.csv");
		const tput_runs tput{read_tput(argv[1]), read_tput(argv[1], "bench sweep ", ""),
				     read_tput(argv[1], "bench tput ", "at")};
		const tput_runs fast{read_tput(argv[1], "bench tput ", "unpaced", "fast"),
				     read_tput(argv[1], "bench sweep ", "", "fast"),
				     read_tput(argv[1], "bench tput ", "at", "fast"), true};
		write_tput_csv(read_tput(argv[1], "bench tput ", "", ""), dir + "/throughput.csv");
		write_table(cells, {tput, fast}, meta, dir + "/table.md");
		write_tput_json(read_tput(argv[1], "bench tput ", "", ""),
				read_tput(argv[1], "bench sweep ", "", ""),
				dir + "/throughput.json");
		std::vector<std::string> pairs;
		for (const auto &[key, runs] : cells)
			if (std::ranges::find(pairs, key.pair) == pairs.end())
				pairs.push_back(key.pair);
		for (const auto &pair : pairs) {
			write_rtt_svg(cells, pair,
				      std::string(dir).append("/rtt-").append(pair).append(".svg"));
			write_hist_svg(
				cells, pair,
				std::string(dir).append("/hist-").append(pair).append(".svg"));
		}
	} catch (const std::exception &e) {
		std::fprintf(stderr, "bench-report: %s\n", e.what());
		return 1;
	}
	return 0;
}
