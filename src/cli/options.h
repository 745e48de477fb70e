#pragma once
// Checks of option values for CLI11 (`->check(...)`) whose messages are one line that says
// what is expected, with a did-you-mean, instead of CLI11's type dumps ("Value abc not in
// range 0.000000 to 1797693...", "TEXT:{text,json}"). Their metavariables come from
// type_name (FORMAT, SECONDS, ...), so --help reads the same for every command.
#include <functional>
#include <string>
#include <vector>

namespace sps::cli {

/// Accepts exactly one of `values`; the help lists them in the option's description.
std::function<std::string(const std::string&)> one_of(std::vector<std::string> values);

/// Accepts a decimal number in [min, max] (`what` names the unit: "seconds", "MiB").
std::function<std::string(const std::string&)> number_in(double min, double max, std::string what);

}  // namespace sps::cli
