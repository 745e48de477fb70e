#include "cli/options.h"

#include "desired/suggest.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace sps::cli {

std::function<std::string(const std::string&)> one_of(std::vector<std::string> values) {
  return [values = std::move(values)](const std::string& value) -> std::string {
    if (std::find(values.begin(), values.end(), value) != values.end()) return {};
    std::string list;
    for (std::size_t i = 0; i < values.size(); ++i) {
      list += (i == 0 ? "" : i + 1 == values.size() ? " or " : ", ") + values[i];
    }
    const std::string hint = desired::did_you_mean(value, values);
    return "\"" + value + "\" is not " + list + (hint.empty() ? "" : "; " + hint);
  };
}

std::function<std::string(const std::string&)> number_in(double min, double max, std::string what) {
  return [min, max, what = std::move(what)](const std::string& value) -> std::string {
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    const auto text = [](double d) {
      std::string s = std::to_string(d);
      s.erase(s.find_last_not_of('0') + 1);
      if (s.ends_with('.')) s.pop_back();
      return s;
    };
    if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(v) || v < min || v > max) {
      return "\"" + value + "\" is not a number of " + what + " from " + text(min) + " to " + text(max);
    }
    return {};
  };
}

}  // namespace sps::cli
