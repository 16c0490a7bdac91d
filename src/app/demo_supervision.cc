#include "app/demo_supervision.h"

#include "app/demo.h"
#include "services/supervision.h"

namespace tongban::app {

Result<int> EnsureDemoSupervision(const services::Context& ctx) {
  const std::string enterprise = DemoCreditCode(1);
  const auto catalogue = ctx.Catalogue();
  if (catalogue == nullptr || catalogue->FindDepartment("market") == nullptr) return 0;
  std::optional<domain::User> supervisor;
  bool any = false;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    auto found = tx.accounts().FindUserByUsername("supervisor.market");
    if (found.ok()) supervisor = std::move(found).value();
    else if (found.error().code != ErrorCode::kNotFound) return found.take_error();
    TB_ASSIGN_OR_RETURN(const auto rows, tx.supervision().ListSupervisionRecords(enterprise, {}, 1));
    any = !rows.empty();
    return Ok();
  }));
  if (any || !supervisor) return 0;
  services::Recorder by;
  by.official = services::Actor{*supervisor, domain::Channel::kWeb, ""};
  const Date today = LocalDate(ctx.clock->Now());
  const auto day = [&](int days_ago) { return FormatIsoDate(AddDays(today, -days_ago)); };
  const auto make = [&](std::string kind, int days_ago, std::string summary) {
    services::SupervisionInput in;
    in.kind = std::move(kind);
    in.date = day(days_ago);
    in.summary = std::move(summary);
    return in;
  };
  std::vector<services::SupervisionInput> records;
  records.push_back(make("inspection", 400, "食品经营许可现场核查：后厨布局、设施设备符合要求。"));
  records.back().result = std::string("compliant");
  records.push_back(make("violation", 200, "日常检查发现冷藏食品未按规定标注进货日期。"));
  records.back().rule = std::string("《中华人民共和国食品安全法》第五十三条");
  records.push_back(make("penalty", 190, "对上述违法行为给予警告并处罚款。"));
  records.back().amount = std::string("5000");
  records.back().decision_number = std::string("沪市监浦处〔2026〕0153号");
  records.push_back(make("credit", 30, "年度食品安全信用等级评定。"));
  records.back().level = std::string("B");
  int made = 0;
  for (const auto& in : records) {
    TB_ASSIGN_OR_RETURN(const auto record, services::RecordSupervision(ctx, by, enterprise, in));
    (void)record;
    ++made;
  }
  return made;
}

}  // namespace tongban::app
