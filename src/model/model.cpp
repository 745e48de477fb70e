#include "model/model.h"

#include <algorithm>

namespace sps::model {

std::string Address::to_string() const {
  return name.empty() ? kind : kind + "[" + name + "]";
}

core::SourceLocation Resource::location_of(const std::string& pointer) const {
  // "" sorts first: the resource's own location, asked for every change, is the first entry.
  if (pointer.empty()) {
    const auto first = locations.begin();
    return first != locations.end() && first->first.empty() ? first->second : core::SourceLocation{};
  }
  std::string p = pointer;
  while (true) {
    if (auto it = locations.find(p); it != locations.end()) return it->second;
    if (p.empty()) return {};
    p.resize(p.rfind('/'));
  }
}

const SecretSource* Resource::secret_at(const std::string& pointer) const {
  for (const auto& s : secrets) {
    if (s.pointer == pointer) return &s;
  }
  return nullptr;
}

namespace {
template <class R>
const Resource* find_in(const R& resources, const Address& a) {
  auto it = std::lower_bound(resources.begin(), resources.end(), a,
                             [](const Resource& r, const Address& x) { return r.address < x; });
  return it != resources.end() && it->address == a ? &*it : nullptr;
}
}  // namespace

const Resource* DesiredState::find(const Address& a) const { return find_in(resources, a); }
const Resource* LiveState::find(const Address& a) const { return find_in(resources, a); }

}  // namespace sps::model
