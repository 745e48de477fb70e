#include "cli/fleet/fleet_report.h"

#include "cli/commands/cluster_report.h"
#include "drift/drift.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>

namespace sps::cli {
namespace json = boost::json;

namespace {

int rank(int code) {
  switch (code) {
    case 3: return 3;
    case 1: return 2;
    case 2: return 1;
    default: return code == 0 ? 0 : 2;  // any other failure counts as an error
  }
}

std::string seconds(std::int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms) / 1000.0);
  return text;
}

std::string junit_seconds(std::int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", static_cast<double>(ms) / 1000.0);
  return text;
}

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string rpad(const std::string& text, std::size_t width) {
  return text.size() < width ? std::string(width - text.size(), ' ') + text : text;
}

/// "8 applied, 1 rolled-back, 1 not-started" in order of first appearance.
std::string counts_by_result(const FleetReport& report) {
  std::vector<std::pair<std::string, std::size_t>> counts;
  for (const auto& a : report.appliances) {
    auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == a.result; });
    if (it == counts.end()) {
      counts.emplace_back(a.result, 1);
    } else {
      ++it->second;
    }
  }
  std::string out;
  for (const auto& [result, n] : counts) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + result;
  return out;
}

std::string names_with(const FleetReport& report, const std::vector<std::string>& results) {
  std::string out;
  for (const auto& a : report.appliances) {
    if (std::find(results.begin(), results.end(), a.result) != results.end()) out += (out.empty() ? "" : ", ") + a.name;
  }
  return out;
}

/// Outcomes of apply that committed something (apply::Outcome names).
const std::vector<std::string> kCommitted{"applied", "committed-unverified", "committed-not-as-planned"};

std::string summary_line(const FleetReport& report) {
  std::string line = "Fleet " + report.command + ": " + std::to_string(report.appliances.size()) + " appliance" +
                     (report.appliances.size() == 1 ? "" : "s") + ": " + counts_by_result(report) + ".";
  if (report.command == "apply") {
    if (const std::string committed = names_with(report, kCommitted); !committed.empty()) {
      line += "\nCommitted (these stay committed): " + committed + ".";
    }
    if (const std::string unknown = names_with(report, {"commit-unknown"}); !unknown.empty()) {
      line += "\nOutcome unknown (a person must look): " + unknown + ".";
    }
    std::string clusters;
    for (const auto& a : report.appliances) {
      if (!a.cluster_sync.is_null() && !cluster_in_sync(a.cluster_sync)) clusters += (clusters.empty() ? "" : ", ") + a.name;
    }
    if (!clusters.empty()) line += "\nCluster not in sync (a person must look): " + clusters + ".";
  }
  if (const std::string waiting = names_with(report, {"not-started"}); !waiting.empty()) {
    line += "\nNot started: " + waiting + (report.stopped.empty() ? "" : " (" + report.stopped + ")") + ".";
  }
  return line;
}

}  // namespace

int worst_exit_code(std::span<const int> codes) {
  int worst = 0;
  for (int code : codes) {
    if (rank(code) > rank(worst)) worst = code;
  }
  return worst;
}

int FleetReport::exit_code() const {
  std::vector<int> codes;
  for (const auto& a : appliances) codes.push_back(a.result == "not-started" ? 1 : a.exit_code);
  // Appliances that were not started are only a failure when something stopped the fleet.
  if (stopped.empty()) {
    codes.clear();
    for (const auto& a : appliances) codes.push_back(a.exit_code);
  }
  return worst_exit_code(codes);
}

std::string render_fleet_table(const FleetReport& report) {
  std::size_t width = 9;
  for (const auto& a : report.appliances) width = std::max(width, a.name.size());
  std::string out = pad("APPLIANCE", width) + "  " + pad("RESULT", 24) + "CREATE  UPDATE  DELETE  DURATION\n";
  for (const auto& a : report.appliances) {
    out += pad(a.name, width) + "  " + pad(a.result, 24) + rpad(std::to_string(a.create), 6) + "  " +
           rpad(std::to_string(a.update), 6) + "  " + rpad(std::to_string(a.remove), 6) + "  " +
           rpad(a.result == "not-started" ? "-" : seconds(a.duration_ms), 8);
    if (!a.error.empty()) out += "  " + a.error;
    out += '\n';
  }
  for (const auto& a : report.appliances) {
    if (!a.cluster_sync.is_null()) out += a.name + ": " + render_cluster_sync_text(a.cluster_sync);
  }
  return out + summary_line(report) + '\n';
}

json::value fleet_to_json(const FleetReport& report) {
  json::array appliances;
  for (const auto& a : report.appliances) {
    json::object o{{"name", a.name},
                   {"url", a.url},
                   {"groups", json::value_from(a.groups)},
                   {"result", a.result},
                   {"exit_code", a.exit_code},
                   {"create", a.create},
                   {"update", a.update},
                   {"delete", a.remove},
                   {"duration_ms", a.duration_ms}};
    if (!a.error.empty()) o["error"] = a.error;
    if (!a.plan_file.empty()) o["plan_file"] = a.plan_file;
    if (!a.digest.empty()) o["digest"] = a.digest;
    if (!a.markdown.empty()) o["markdown"] = a.markdown;
    if (!a.log.empty()) o["log"] = a.log;
    if (!a.cluster_sync.is_null()) o["cluster_sync"] = a.cluster_sync;
    if (!a.details.is_null()) o["details"] = a.details;
    appliances.push_back(std::move(o));
  }
  json::object doc{{"format_version", kFleetFormatVersion},
                   {"kind", "sps-apply-fleet-report"},
                   {"command", report.command},
                   {"inventory", report.inventory},
                   {"exit_code", report.exit_code()},
                   {"summary", summary_line(report)},
                   {"appliances", std::move(appliances)}};
  if (!report.stopped.empty()) doc["stopped"] = report.stopped;
  return doc;
}

bool fleet_from_json(const json::value& doc, FleetReport& report, std::string& error) {
  const json::object* o = doc.if_object();
  const json::value* version = o != nullptr ? o->if_contains("format_version") : nullptr;
  const json::value* kind = o != nullptr ? o->if_contains("kind") : nullptr;
  if (kind == nullptr || *kind != json::value("sps-apply-fleet-report") || version == nullptr ||
      !version->is_string()) {
    error = "not a fleet report (JSON with \"kind\": \"sps-apply-fleet-report\")";
    return false;
  }
  if (!std::string_view(version->get_string()).starts_with("1.")) {
    error = "fleet report format_version " + std::string(version->get_string()) + " is not 1.x, the one this sps-apply reads";
    return false;
  }
  try {
    report.command = json::value_to<std::string>(o->at("command"));
    report.inventory = json::value_to<std::string>(o->at("inventory"));
    if (const json::value* s = o->if_contains("stopped")) report.stopped = json::value_to<std::string>(*s);
    for (const auto& item : o->at("appliances").as_array()) {
      const json::object& a = item.as_object();
      ApplianceOutcome out;
      const auto text = [&](const char* key) {
        const json::value* v = a.if_contains(key);
        return v != nullptr ? json::value_to<std::string>(*v) : std::string();
      };
      out.name = text("name");
      out.url = text("url");
      out.groups = json::value_to<std::vector<std::string>>(a.at("groups"));
      out.result = text("result");
      out.exit_code = json::value_to<int>(a.at("exit_code"));
      out.create = json::value_to<std::size_t>(a.at("create"));
      out.update = json::value_to<std::size_t>(a.at("update"));
      out.remove = json::value_to<std::size_t>(a.at("delete"));
      out.duration_ms = json::value_to<std::int64_t>(a.at("duration_ms"));
      out.error = text("error");
      out.plan_file = text("plan_file");
      out.digest = text("digest");
      out.markdown = text("markdown");
      out.log = text("log");
      if (const json::value* d = a.if_contains("details")) out.details = *d;
      if (const json::value* c = a.if_contains("cluster_sync")) out.cluster_sync = *c;
      report.appliances.push_back(std::move(out));
    }
  } catch (const std::exception& e) {
    error = std::string("a fleet report member is missing or of the wrong type (") + e.what() + ")";
    return false;
  }
  return true;
}

std::string render_fleet_markdown(const FleetReport& report) {
  std::string out = "## sps-apply " + report.command + ": " + std::to_string(report.appliances.size()) +
                    " appliances\n\n" + counts_by_result(report) + ".\n\n" +
                    "| appliance | result | create | update | delete | duration |\n|---|---|---:|---:|---:|---:|\n";
  for (const auto& a : report.appliances) {
    out += "| " + a.name + " | " + a.result + " | " + std::to_string(a.create) + " | " + std::to_string(a.update) +
           " | " + std::to_string(a.remove) + " | " + (a.result == "not-started" ? "-" : seconds(a.duration_ms)) +
           " |\n";
  }
  std::string quiet;
  for (const auto& a : report.appliances) {
    const bool in_sync = a.exit_code == 0 && (a.result == "in-sync" || a.result == "nothing-to-do");
    if (in_sync || a.result == "not-started") {
      quiet += (quiet.empty() ? "" : ", ") + a.name;
      continue;
    }
    out += "\n### " + a.name + ": " + a.result + "\n\n";
    if (!a.error.empty()) out += "> " + a.error + "\n\n";
    if (!a.markdown.empty()) {
      out += a.markdown;
      if (!a.markdown.ends_with('\n')) out += '\n';
    }
    if (!a.cluster_sync.is_null()) out += '\n' + render_cluster_sync_markdown(a.cluster_sync);
  }
  if (!quiet.empty()) {
    out += "\n<details><summary>In sync or not started: " + quiet + "</summary>\n\n" + summary_line(report) +
           "\n\n</details>\n";
  }
  return out;
}

std::string render_fleet_junit(const FleetReport& report) {
  std::size_t tests = 0;
  std::size_t failures = 0;
  std::size_t errors = 0;
  std::size_t skipped = 0;
  std::int64_t total_ms = 0;
  std::string suites;
  for (const auto& a : report.appliances) {
    std::string outcome;
    std::size_t f = 0;
    std::size_t e = 0;
    std::size_t s = 0;
    const bool has_cluster = !a.cluster_sync.is_null();
    const bool cluster_failed = has_cluster && !cluster_in_sync(a.cluster_sync);
    // "applied" with exit code 3 is the cluster's failure, reported by its own test case.
    const bool own_failure = (a.exit_code == 3 || a.exit_code == 1) && !(cluster_failed && a.result == "applied");
    const std::string message = drift::xml_escape(a.error.empty() ? a.result : a.error);
    if (a.result == "not-started") {
      outcome = "<skipped message=\"" + drift::xml_escape(report.stopped.empty() ? "not started" : report.stopped) + "\"/>";
      s = 1;
    } else if (own_failure) {
      outcome = "<error type=\"" + drift::xml_escape(a.result) + "\" message=\"" + message + "\">" +
                drift::xml_escape(a.log) + "</error>";
      e = 1;
    } else if (a.exit_code == 2 && report.command == "drift") {
      outcome = "<failure type=\"drift\" message=\"" + message + "\">" + drift::xml_escape(a.log) + "</failure>";
      f = 1;
    }
    f += cluster_failed ? 1 : 0;
    const std::size_t t = has_cluster ? 2 : 1;
    tests += t;
    failures += f;
    errors += e;
    skipped += s;
    total_ms += a.duration_ms;
    suites += "  <testsuite name=\"" + drift::xml_escape(a.name) + "\" tests=\"" + std::to_string(t) + "\" failures=\"" +
              std::to_string(f) + "\" errors=\"" + std::to_string(e) + "\" skipped=\"" + std::to_string(s) + "\" time=\"" +
              junit_seconds(a.duration_ms) + "\">\n    <properties>\n      <property name=\"url\" value=\"" +
              drift::xml_escape(a.url) + "\"/>\n      <property name=\"result\" value=\"" + drift::xml_escape(a.result) +
              "\"/>\n    </properties>\n    <testcase name=\"" + drift::xml_escape(report.command) + "\" classname=\"" +
              drift::xml_escape(a.name) + "\" time=\"" + junit_seconds(a.duration_ms) + "\">";
    if (!outcome.empty()) suites += "\n      " + outcome;
    if (outcome.empty() && !a.log.empty()) suites += "\n      <system-out>" + drift::xml_escape(a.log) + "</system-out>";
    suites += "\n    </testcase>\n";
    if (has_cluster) {
      // The cluster's sync is a result of its own: a second test case of the appliance.
      const std::string text = render_cluster_sync_text(a.cluster_sync);
      suites += "    <testcase name=\"cluster-sync\" classname=\"" + drift::xml_escape(a.name) + "\">";
      if (cluster_failed) {
        const json::value* state = a.cluster_sync.as_object().if_contains("state");
        suites += "\n      <failure type=\"cluster-" +
                  drift::xml_escape(state != nullptr && state->is_string() ? std::string(state->get_string()) : "unknown") +
                  "\" message=\"" + drift::xml_escape(text.substr(0, text.find('\n'))) + "\">" + drift::xml_escape(text) +
                  "</failure>";
      } else {
        suites += "\n      <system-out>" + drift::xml_escape(text) + "</system-out>";
      }
      suites += "\n    </testcase>\n";
    }
    suites += "  </testsuite>\n";
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"sps-apply " + drift::xml_escape(report.command) +
         "\" tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
         "\" errors=\"" + std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) + "\" time=\"" +
         junit_seconds(total_ms) + "\">\n" + suites + "</testsuites>\n";
}

}  // namespace sps::cli
