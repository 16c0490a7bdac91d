#include "domain/licence.h"

#include <algorithm>


namespace tongban::domain {

const char* LicenceStatusName(LicenceStatus status) {
  switch (status) {
    case LicenceStatus::kValid: return "valid";
    case LicenceStatus::kSuspended: return "suspended";
    case LicenceStatus::kRevoked: return "revoked";
  }
  return "valid";
}

std::optional<LicenceStatus> ParseLicenceStatus(std::string_view name) {
  for (auto s : {LicenceStatus::kValid, LicenceStatus::kSuspended, LicenceStatus::kRevoked}) {
    if (name == LicenceStatusName(s)) return s;
  }
  return std::nullopt;
}

const char* LicenceActionName(LicenceAction action) {
  switch (action) {
    case LicenceAction::kSuspend: return "suspend";
    case LicenceAction::kRevoke: return "revoke";
    case LicenceAction::kReinstate: return "reinstate";
  }
  return "suspend";
}

std::optional<LicenceAction> ParseLicenceAction(std::string_view name) {
  for (auto a : {LicenceAction::kSuspend, LicenceAction::kRevoke, LicenceAction::kReinstate}) {
    if (name == LicenceActionName(a)) return a;
  }
  return std::nullopt;
}

std::optional<LicenceStatus> AfterAction(LicenceStatus own, LicenceAction action) {
  if (own == LicenceStatus::kRevoked) return std::nullopt;  // final
  switch (action) {
    case LicenceAction::kSuspend:
      if (own != LicenceStatus::kValid) return std::nullopt;
      return LicenceStatus::kSuspended;
    case LicenceAction::kRevoke:
      return LicenceStatus::kRevoked;
    case LicenceAction::kReinstate:
      if (own != LicenceStatus::kSuspended) return std::nullopt;
      return LicenceStatus::kValid;
  }
  return std::nullopt;
}

LicenceStatus IndustryStatus(LicenceStatus own, const std::vector<LicenceStatus>& parts) {
  if (own == LicenceStatus::kRevoked) return own;
  const bool part_down = std::any_of(parts.begin(), parts.end(), [](LicenceStatus s) { return s != LicenceStatus::kValid; });
  return part_down ? LicenceStatus::kSuspended : own;
}

std::string HolderUrn(const Licence& licence) {
  return std::string("urn:tongban:") + ApplicantKindName(licence.holder_kind) + ":" + licence.holder_id;
}

std::string MaskHolderId(std::string_view id) {
  if (id.size() <= 10) return std::string(id.size(), '*');
  return std::string(id.substr(0, 6)) + std::string(id.size() - 10, '*') + std::string(id.substr(id.size() - 4));
}

std::optional<Timestamp> ValidUntil(const LicenceType& type, Timestamp issued) {
  if (type.validity_years == 0 && type.validity_months == 0) return std::nullopt;
  // The same time of day on the same day of the month, `years` or `months` later in the city's
  // calendar; a day the month does not have becomes its last day (29 February -> 28 February).
  const Date from = LocalDate(issued);
  const int months = from.month - 1 + type.validity_months + 12 * type.validity_years;
  Date to{from.year + months / 12, months % 12 + 1, from.day};
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (to.year % 4 == 0 && to.year % 100 != 0) || to.year % 400 == 0;
  const int last = kDays[to.month - 1] + (to.month == 2 && leap ? 1 : 0);
  to.day = std::min(to.day, last);
  return StartOfLocalDay(to) + (issued - StartOfLocalDay(from));
}

}  // namespace tongban::domain
