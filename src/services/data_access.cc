#include "services/data_access.h"
#include "services/data_access_for.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <utility>

#include "domain/data_request.h"
#include "domain/record_values.h"
#include "services/access_log.h"
#include "services/applications.h"
#include "services/licences.h"

namespace tongban::services {
namespace {

using domain::DataClass;
using domain::MaterialSource;

// At most this many records of one subject are looked at per dataset (the newest as-of wins).
constexpr int kRecordsPerRead = 50;

Error Undeclared() { return MakeError(ErrorCode::kPermissionDenied, "error.data.undeclared_read"); }

// The dataset fields the item declares, per dataset: its sourced form fields' and, for each
// shared_data material, the dataset's fields that are not sensitive.
std::map<std::string, std::set<std::string>> Declared(const domain::Catalogue& catalogue,
                                                      const domain::ServiceItem& item) {
  std::map<std::string, std::set<std::string>> out;
  for (const domain::Field& f : item.fields) {
    if (f.source == MaterialSource::kSharedData) out[f.dataset].insert(f.DatasetFieldName());
  }
  for (const domain::Material& m : item.materials) {
    if (m.source != MaterialSource::kSharedData) continue;
    const domain::Dataset* ds = catalogue.FindDataset(m.dataset);
    if (ds == nullptr) continue;
    for (const domain::DatasetField& f : ds->fields) {
      if (f.data_class != DataClass::kSensitive) out[m.dataset].insert(f.name);
    }
  }
  return out;
}

std::string SubjectOf(const domain::Dataset& ds, const DataSubject& subject) {
  return ds.subject == domain::SubjectKind::kEnterprise ? subject.enterprise : subject.person_id;
}

std::string RoleOf(const Actor& actor) {
  // A service centre's clerk reads for the person at the window (services/window.h).
  if (actor.user.HasRole(domain::Role::kClerk) && !actor.user.centre.empty()) return domain::RoleName(domain::Role::kClerk);
  return actor.user.HasRole(domain::Role::kEnterpriseAgent) && actor.user.person_id.empty() ? "agent" : "applicant";
}

domain::AccessLogEntry Entry(const Actor& actor, const domain::ServiceItem& item, const std::string& subject_id,
                             const std::string& dataset, std::vector<std::string> fields, std::string basis,
                             const ReadRequest& request, const std::string& purpose) {
  domain::AccessLogEntry e;
  e.accessor_user_id = actor.user.id;
  e.accessor_role = RoleOf(actor);
  e.accessor_department = actor.user.department;
  e.subject_id = subject_id;
  e.dataset = dataset;
  e.fields = std::move(fields);
  e.purpose = purpose.empty() ? item.code : purpose;
  e.legal_basis = std::move(basis);
  e.application_id = request.application_id;
  return e;
}

// The subject's newest record of `dataset` (by as-of), or nullopt.
Result<std::optional<ports::DatasetRecord>> NewestRecord(ports::Transaction& tx, const std::string& dataset,
                                                         const std::string& subject_id) {
  if (subject_id.empty()) return std::optional<ports::DatasetRecord>();
  TB_ASSIGN_OR_RETURN(std::vector<ports::DatasetRecord> records,
                      tx.datasets().RecordsOf(dataset, subject_id, kRecordsPerRead));
  if (records.empty()) return std::optional<ports::DatasetRecord>();
  auto newest = std::max_element(records.begin(), records.end(),
                                 [](const auto& a, const auto& b) { return a.as_of < b.as_of; });
  return std::optional<ports::DatasetRecord>(std::move(*newest));
}

bool MaterialWanted(const ReadRequest& request, const domain::Material& m) {
  if (!request.materials || m.source == MaterialSource::kUpload) return false;
  return request.only_materials.empty() ||
         std::find(request.only_materials.begin(), request.only_materials.end(), m.code) !=
             request.only_materials.end();
}

// The dataset fields `request` wants read, by dataset: the item's sourced fields, the explicit
// reads, and the declared fields of each wanted shared_data material's dataset.
std::map<std::string, std::set<std::string>> Wanted(const domain::ServiceItem& item, const ReadRequest& request,
                                                    const std::map<std::string, std::set<std::string>>& declared) {
  std::map<std::string, std::set<std::string>> wanted;
  if (request.fields) {
    for (const domain::Field& f : item.fields) {
      if (f.source == MaterialSource::kSharedData) wanted[f.dataset].insert(f.DatasetFieldName());
    }
  }
  for (const DatasetFieldRef& ref : request.explicit_reads) wanted[ref.dataset].insert(ref.field);
  for (const domain::Material& m : item.materials) {
    if (!MaterialWanted(request, m) || m.source != MaterialSource::kSharedData) continue;
    const auto it = declared.find(m.dataset);
    if (it != declared.end()) wanted[m.dataset].insert(it->second.begin(), it->second.end());
  }
  return wanted;
}

// The calls to departments' systems a read of `request` needs: one per external dataset wanted,
// with the fields the item may read (a sensitive one only under the person's consent in force).
Result<std::vector<ExternalCall>> ExternalCalls(const Context& ctx, ports::Transaction& tx,
                                                const domain::ServiceItem& item, const DataSubject& subject,
                                                const ReadRequest& request) {
  const auto catalogue = ctx.Catalogue();
  const auto declared = Declared(*catalogue, item);
  std::vector<ExternalCall> calls;
  std::optional<bool> consented;
  for (auto& [dataset, fields] : Wanted(item, request, declared)) {
    const domain::Dataset* ds = catalogue->FindDataset(dataset);
    auto basis = item.data_bases.find(dataset);
    if (ds == nullptr || ds->source != domain::DatasetSource::kHttp || basis == item.data_bases.end()) continue;
    ExternalCall call;
    call.dataset = dataset;
    call.subject_id = SubjectOf(*ds, subject);
    if (call.subject_id.empty()) continue;
    call.purpose = item.code;
    call.legal_basis = basis->second;
    for (const std::string& name : fields) {
      const domain::DatasetField* df = ds->FindField(name);
      if (df == nullptr) continue;
      if (df->data_class == DataClass::kSensitive) {
        if (!consented) {
          auto c = tx.consents().ActiveConsent(call.subject_id, item.code);
          if (!c.ok() && c.error().code != ErrorCode::kNotFound) return c.take_error();
          consented = c.ok();
        }
        if (!*consented) continue;
      }
      call.fields.insert(name);
    }
    if (!call.fields.empty()) calls.push_back(std::move(call));
  }
  return calls;
}

// The codes of `app`'s shared_data and licence materials neither fetched nor uploaded yet.
std::vector<std::string> MaterialsToFetch(const domain::ServiceItem& item, const domain::Application& app) {
  std::vector<std::string> codes;
  for (const domain::Material& m : item.materials) {
    if (m.source == MaterialSource::kUpload) continue;
    auto it = std::find_if(app.materials.begin(), app.materials.end(), [&](const auto& a) { return a.code == m.code; });
    if (it != app.materials.end() &&
        (it->status == domain::MaterialStatus::kFetched || it->status == domain::MaterialStatus::kProvided)) {
      continue;
    }
    codes.push_back(m.code);
  }
  return codes;
}

// One dataset's read: the fields wanted (dataset field names), split by whether they need consent.
struct DatasetRead {
  std::set<std::string> wanted;
  std::optional<ports::DatasetRecord> record;
  std::map<std::string, std::string> values;  // what was read
  std::vector<std::string> by_basis, by_consent;
};

}  // namespace

bool ReadsSensitive(const domain::Catalogue& catalogue, const domain::ServiceItem& item) {
  for (const domain::Field& f : item.fields) {
    if (f.source != MaterialSource::kSharedData) continue;
    const domain::Dataset* ds = catalogue.FindDataset(f.dataset);
    const domain::DatasetField* df = ds ? ds->FindField(f.DatasetFieldName()) : nullptr;
    if (df != nullptr && df->data_class == DataClass::kSensitive) return true;
  }
  return false;
}

Result<ItemRead> ReadForItem(const Context& ctx, ports::Transaction& tx, const Actor& actor,
                             const domain::ServiceItem& item, const DataSubject& subject,
                             const ReadRequest& request) {
  return ReadForItemFor(ctx, tx, actor, item, subject, request, "");
}

Result<ItemRead> ReadForItemFor(const Context& ctx, ports::Transaction& tx, const Actor& actor,
                                const domain::ServiceItem& item, const DataSubject& subject,
                                const ReadRequest& request, const std::string& purpose) {
  const auto catalogue = ctx.Catalogue();
  const auto declared = Declared(*catalogue, item);
  const Timestamp now = ctx.clock->Now();

  // A read outside the declaration (or of a dataset without a legal basis) is refused as a whole
  // and recorded as refused, one entry per dataset named.
  {
    std::map<std::string, std::vector<std::string>> refused;
    for (const DatasetFieldRef& ref : request.explicit_reads) {
      auto it = declared.find(ref.dataset);
      if (it == declared.end() || it->second.count(ref.field) == 0 || item.data_bases.count(ref.dataset) == 0) {
        refused[ref.dataset].push_back(ref.field);
      }
    }
    if (!refused.empty()) {
      for (auto& [dataset, fields] : refused) {
        const domain::Dataset* ds = catalogue->FindDataset(dataset);
        const std::string subject_id =
            ds != nullptr ? SubjectOf(*ds, subject) : (subject.person_id.empty() ? subject.enterprise : subject.person_id);
        if (subject_id.empty()) continue;
        auto basis = item.data_bases.find(dataset);
        domain::AccessLogEntry e = Entry(actor, item, subject_id, dataset, std::move(fields),
                                         basis == item.data_bases.end() ? "" : basis->second, request, purpose);
        e.outcome = "refused";
        e.time = now;
        TB_RETURN_IF_ERROR(RecordAccess(ctx, tx, std::move(e)));
      }
      return Undeclared();
    }
  }

  ItemRead out;
  // The consent in force for the item (one lookup, only when a sensitive field is wanted).
  bool consent_looked_up = false;
  auto consent_for = [&](const std::string& subject_id) -> Result<std::optional<std::string>> {
    if (!consent_looked_up) {
      consent_looked_up = true;
      auto c = tx.consents().ActiveConsent(subject_id, item.code);
      if (c.ok()) {
        out.consent_id = c->id;
      } else if (c.error().code != ErrorCode::kNotFound) {
        return c.take_error();
      }
    }
    return out.consent_id;
  };

  std::map<std::string, DatasetRead> reads;
  for (auto& [dataset, fields] : Wanted(item, request, declared)) reads[dataset].wanted = std::move(fields);
  auto material_wanted = [&](const domain::Material& m) { return MaterialWanted(request, m); };

  std::set<std::string> consent_missing;  // dataset fields left out for want of consent
  for (auto& [dataset, read] : reads) {
    const domain::Dataset* ds = catalogue->FindDataset(dataset);
    auto basis = item.data_bases.find(dataset);
    if (ds == nullptr || basis == item.data_bases.end()) continue;  // `catalogue check` reports these
    const std::string subject_id = SubjectOf(*ds, subject);
    domain::RecordValues values;
    if (ds->source == domain::DatasetSource::kHttp) {
      // Fetched before the transaction (FetchExternal); read and logged here like any other.
      if (subject_id.empty()) continue;
      const ExternalRecord* answer = nullptr;
      if (request.external != nullptr) {
        auto it = request.external->find(dataset);
        if (it != request.external->end()) answer = &it->second;
      }
      if (answer == nullptr || !answer->available) {
        out.unavailable[dataset] = answer == nullptr ? "unreachable" : answer->reason;
        continue;
      }
      out.external.insert(dataset);
      if (!answer->found) continue;
      read.record = ports::DatasetRecord{dataset, subject_id, answer->record_id, "", answer->as_of};
      values = answer->values;
    } else {
      TB_ASSIGN_OR_RETURN(read.record, NewestRecord(tx, dataset, subject_id));
      if (!read.record) continue;
      TB_ASSIGN_OR_RETURN(values, domain::ParseRecordValues(read.record->fields_json));
    }
    for (const std::string& name : read.wanted) {
      const domain::DatasetField* df = ds->FindField(name);
      if (df == nullptr) continue;
      auto v = values.find(name);
      if (v == values.end()) continue;
      if (df->data_class == DataClass::kSensitive) {
        TB_ASSIGN_OR_RETURN(const std::optional<std::string> consent, consent_for(subject_id));
        if (!consent) {
          consent_missing.insert(dataset + "." + name);
          continue;
        }
        read.by_consent.push_back(name);
      } else {
        read.by_basis.push_back(name);
      }
      read.values[name] = v->second;
    }
    if (!read.by_basis.empty()) {
      domain::AccessLogEntry e = Entry(actor, item, subject_id, dataset, read.by_basis, basis->second, request, purpose);
      e.time = now;
      TB_RETURN_IF_ERROR(RecordAccess(ctx, tx, std::move(e)));
    }
    if (!read.by_consent.empty()) {
      domain::AccessLogEntry e = Entry(actor, item, subject_id, dataset, read.by_consent, "consent:" + *out.consent_id,
                                       request, purpose);
      e.time = now;
      TB_RETURN_IF_ERROR(RecordAccess(ctx, tx, std::move(e)));
    }
  }

  auto value_of = [&](const std::string& dataset, const std::string& name) -> std::optional<FieldRead> {
    auto r = reads.find(dataset);
    if (r == reads.end() || !r->second.record) return std::nullopt;
    auto v = r->second.values.find(name);
    if (v == r->second.values.end()) return std::nullopt;
    return FieldRead{v->second, Provenance{dataset, r->second.record->record_id, r->second.record->as_of}};
  };
  if (request.fields) {
    for (const domain::Field& f : item.fields) {
      if (f.source != MaterialSource::kSharedData) continue;
      if (auto v = value_of(f.dataset, f.DatasetFieldName())) {
        out.fields[f.name] = std::move(*v);
      } else if (consent_missing.count(f.dataset + "." + f.DatasetFieldName()) > 0) {
        out.needs_consent.push_back(f.name);
      }
    }
  }
  for (const DatasetFieldRef& ref : request.explicit_reads) {
    const std::string key = ref.dataset + "." + ref.field;
    if (auto v = value_of(ref.dataset, ref.field)) {
      out.explicit_values[key] = std::move(*v);
    } else if (consent_missing.count(key) > 0) {
      out.needs_consent.push_back(key);
    }
  }

  for (const domain::Material& m : item.materials) {
    if (!material_wanted(m)) continue;
    MaterialRead mr;
    mr.code = m.code;
    mr.source = m.source;
    if (m.source == MaterialSource::kSharedData) {
      auto r = reads.find(m.dataset);
      if (r != reads.end() && r->second.record) {
        mr.fetched = true;
        mr.record = Provenance{m.dataset, r->second.record->record_id, r->second.record->as_of};
      } else {
        mr.reason = out.unavailable.count(m.dataset) > 0 ? "source_unavailable" : "no_record";
      }
    } else {
      const bool enterprise = item.applicant == domain::ApplicantKind::kEnterprise;
      const std::string holder = enterprise ? subject.enterprise : subject.person_id;
      std::optional<domain::Licence> held;
      if (!holder.empty()) {
        TB_ASSIGN_OR_RETURN(held, HeldLicence(tx, enterprise ? domain::ApplicantKind::kEnterprise
                                                             : domain::ApplicantKind::kPerson,
                                              holder, m.dataset));
      }
      // A licence not yet handed to the holder (its application not delivered) is not theirs yet.
      if (!held || !held->delivered_at) {
        mr.reason = "no_licence";
      } else {
        mr.licence_id = held->id;
        mr.licence_issuer = held->issuer;
        mr.licence_as_of = now;
        mr.licence_status = ShownStatus(*held, now);
        if (mr.licence_status != "valid") {
          mr.reason = mr.licence_status;
        } else {
          mr.fetched = true;
        }
        domain::AccessLogEntry e = Entry(actor, item, holder, "licences", {m.dataset}, std::string(kLicenceMaterialBasis),
                                         request, purpose);
        e.time = now;
        TB_RETURN_IF_ERROR(RecordAccess(ctx, tx, std::move(e)));
      }
    }
    out.materials.push_back(std::move(mr));
  }
  return out;
}

Result<std::vector<ExternalCall>> ReadExternalCalls(const Context& ctx, ports::Transaction& tx,
                                                    const domain::ServiceItem& item, const DataSubject& subject,
                                                    const ReadRequest& request) {
  return ExternalCalls(ctx, tx, item, subject, request);
}

Status FetchMaterials(const Context& ctx, ports::Transaction& tx, const Actor& actor, const domain::ServiceItem& item,
                      domain::Application& app, const ExternalReads* external) {
  ReadRequest request;
  request.fields = false;
  request.application_id = app.id;
  request.external = external;
  request.only_materials = MaterialsToFetch(item, app);
  if (request.only_materials.empty()) return Ok();
  TB_ASSIGN_OR_RETURN(const ItemRead read,
                      ReadForItem(ctx, tx, actor, item, DataSubject{app.person_id, app.enterprise}, request));
  for (const MaterialRead& mr : read.materials) {
    auto it = std::find_if(app.materials.begin(), app.materials.end(), [&](const auto& a) { return a.code == mr.code; });
    if (it == app.materials.end()) {
      app.materials.push_back(domain::AttachedMaterial{});
      it = std::prev(app.materials.end());
      it->code = mr.code;
    }
    it->status = mr.fetched ? domain::MaterialStatus::kFetched : domain::MaterialStatus::kMissing;
    it->reason = mr.reason;
    it->dataset.clear();
    it->record_id.clear();
    it->as_of.reset();
    it->licence_id = mr.licence_id;
    it->licence_issuer = mr.licence_issuer;
    it->licence_status = mr.licence_status;
    if (mr.source == MaterialSource::kSharedData && mr.fetched) {
      it->dataset = mr.record.dataset;
      it->record_id = mr.record.record_id;
      it->as_of = mr.record.as_of;
    } else if (mr.source == MaterialSource::kLicence && !mr.licence_id.empty()) {
      it->as_of = mr.licence_as_of;
    }
  }
  return Ok();
}

namespace {

// The subject the actor reads for: themselves, or the enterprise they act for (with the right to
// apply for the item).
Result<DataSubject> SubjectFor(ports::Transaction& tx, const Actor& actor, const domain::ServiceItem& item,
                               const std::string& enterprise) {
  DataSubject subject;
  subject.person_id = actor.user.person_id;
  if (item.applicant == domain::ApplicantKind::kEnterprise) {
    if (enterprise.empty()) return MakeError(ErrorCode::kInvalidArgument, "error.application.enterprise_required");
    if (!actor.user.HasRole(domain::Role::kEnterpriseAgent)) {
      return MakeError(ErrorCode::kPermissionDenied, "error.application.no_agent_rights");
    }
    auto grant = tx.accounts().GetAgentGrant(enterprise, actor.user.id);
    if (!grant.ok()) {
      if (grant.error().code != ErrorCode::kNotFound) return grant.take_error();
      return MakeError(ErrorCode::kPermissionDenied, "error.application.no_agent_rights");
    }
    const bool covers = grant->items.empty() ||
                        std::find(grant->items.begin(), grant->items.end(), item.code) != grant->items.end();
    if (!grant->may_apply || !covers) return MakeError(ErrorCode::kPermissionDenied, "error.application.no_agent_rights");
    subject.enterprise = enterprise;
  } else if (subject.person_id.empty()) {
    return MakeError(ErrorCode::kPermissionDenied, "error.application.person_only");
  }
  return subject;
}

}  // namespace

namespace {

ReadRequest PrefillRequest(const std::vector<DatasetFieldRef>& explicit_reads) {
  ReadRequest request;
  request.explicit_reads = explicit_reads;
  if (!explicit_reads.empty()) {
    request.fields = false;
    request.materials = false;
  }
  return request;
}

}  // namespace

Result<std::vector<ExternalCall>> PrefillExternalCalls(const Context& ctx, const Actor& actor,
                                                       const std::string& item_code, const std::string& enterprise,
                                                       const std::vector<DatasetFieldRef>& explicit_reads) {
  const auto catalogue = ctx.Catalogue();
  const domain::ServiceItem* item = catalogue->FindItem(item_code);
  if (item == nullptr) return MakeError(ErrorCode::kNotFound, "error.item.not_found");
  std::vector<ExternalCall> calls;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const DataSubject subject, SubjectFor(tx, actor, *item, enterprise));
    TB_ASSIGN_OR_RETURN(calls, ExternalCalls(ctx, tx, *item, subject, PrefillRequest(explicit_reads)));
    return Ok();
  }));
  return calls;
}

Result<std::vector<ExternalCall>> MaterialExternalCalls(const Context& ctx, const std::string& item_code,
                                                        const std::string& person_id, const std::string& enterprise) {
  const auto catalogue = ctx.Catalogue();
  const domain::ServiceItem* item = catalogue->FindItem(item_code);
  if (item == nullptr) return std::vector<ExternalCall>();
  domain::Application app;
  app.item = item_code;
  app.person_id = person_id;
  app.enterprise = enterprise;
  return MaterialExternalCalls(ctx, *item, app);
}

Result<std::vector<ExternalCall>> ActExternalCalls(const Context& ctx, const Actor& actor, const std::string& id,
                                                   domain::Action action) {
  if (action != domain::Action::kSubmit && action != domain::Action::kResubmit && action != domain::Action::kConfirm) {
    return std::vector<ExternalCall>();
  }
  auto app = GetApplication(ctx, actor, id);
  if (!app.ok()) {
    if (app.error().code == ErrorCode::kNotFound || app.error().code == ErrorCode::kPermissionDenied) {
      return std::vector<ExternalCall>();
    }
    return app.take_error();
  }
  const auto catalogue = ctx.Catalogue();
  const domain::ServiceItem* item = catalogue->FindItem(app->item);
  if (item == nullptr) return std::vector<ExternalCall>();
  return MaterialExternalCalls(ctx, *item, *app);
}

Result<std::vector<ExternalCall>> MaterialExternalCalls(const Context& ctx, const domain::ServiceItem& item,
                                                        const domain::Application& app) {
  const DataSubject subject{app.person_id, app.enterprise};
  ReadRequest request;
  request.fields = false;
  request.only_materials = MaterialsToFetch(item, app);
  if (request.only_materials.empty()) return std::vector<ExternalCall>();
  std::vector<ExternalCall> calls;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(calls, ExternalCalls(ctx, tx, item, subject, request));
    return Ok();
  }));
  return calls;
}

Result<ItemRead> Prefill(const Context& ctx, const Actor& actor, const std::string& item_code,
                         const std::string& enterprise, const std::vector<DatasetFieldRef>& explicit_reads,
                         const ExternalReads* external) {
  const auto catalogue = ctx.Catalogue();
  const domain::ServiceItem* item = catalogue->FindItem(item_code);
  if (item == nullptr) return MakeError(ErrorCode::kNotFound, "error.item.not_found");
  ItemRead out;
  std::optional<Error> refused;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    refused.reset();
    TB_ASSIGN_OR_RETURN(const DataSubject subject, SubjectFor(tx, actor, *item, enterprise));
    ReadRequest request = PrefillRequest(explicit_reads);
    request.external = external;
    auto read = ReadForItem(ctx, tx, actor, *item, subject, request);
    if (!read.ok()) {
      // The refusal is recorded in this transaction: commit it, then answer the refusal.
      if (read.error().code != ErrorCode::kPermissionDenied) return read.take_error();
      refused = read.take_error();
      return Ok();
    }
    out = std::move(read).value();
    return Ok();
  }));
  if (refused) return *refused;
  return out;
}

namespace {

Result<std::string> ConsentSubject(const Actor& actor) {
  if (actor.user.person_id.empty()) return MakeError(ErrorCode::kPermissionDenied, "error.consent.person_only");
  return actor.user.person_id;
}

}  // namespace

Result<ports::Consent> GiveConsent(const Context& ctx, const Actor& actor, const std::string& purpose) {
  TB_ASSIGN_OR_RETURN(const std::string subject_id, ConsentSubject(actor));
  const auto catalogue = ctx.Catalogue();
  // A consent for a peer's dataset ("zj:population:social_assistance", domain/data_request.h) names
  // a peer of this platform; any other purpose is an item that reads a sensitive field.
  const std::optional<domain::PeerDataPurpose> peer_purpose = domain::ParsePeerDataConsentPurpose(purpose);
  if (!peer_purpose) {
    const domain::ServiceItem* item = catalogue->FindItem(purpose);
    if (item == nullptr || !ReadsSensitive(*catalogue, *item)) {
      return MakeError(ErrorCode::kInvalidArgument, "error.consent.purpose");
    }
  }
  ports::Consent out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    if (peer_purpose) {
      auto peer = tx.federation().GetPeer(peer_purpose->peer);
      if (!peer.ok()) {
        return peer.error().code == ErrorCode::kNotFound
                   ? MakeError(ErrorCode::kInvalidArgument, "error.consent.peer_purpose")
                   : peer.take_error();
      }
    }
    auto active = tx.consents().ActiveConsent(subject_id, purpose);
    if (active.ok()) {
      out = std::move(active).value();
      return Ok();
    }
    if (active.error().code != ErrorCode::kNotFound) return active.take_error();
    out = ports::Consent{};
    out.id = ctx.ids->NewId();
    out.subject_id = subject_id;
    out.user_id = actor.user.id;
    out.purpose = purpose;
    out.given_at = ctx.clock->Now();
    return tx.consents().InsertConsent(out);
  }));
  return out;
}

Result<ConsentPage> ListMyConsents(const Context& ctx, const Actor& actor, const std::string& page_token, int limit) {
  TB_ASSIGN_OR_RETURN(const std::string subject_id, ConsentSubject(actor));
  limit = std::clamp(limit, 1, ports::kMaxConsentsPage);
  // The page token is the last consent's id; its given_at is read back from the store.
  ConsentPage page;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    Timestamp after_given{};
    std::string after_id;
    if (!page_token.empty()) {
      auto last = tx.consents().GetConsent(page_token);
      if (!last.ok() || last->subject_id != subject_id) {
        return MakeError(ErrorCode::kInvalidArgument, "error.consent.page_token");
      }
      after_given = last->given_at;
      after_id = last->id;
    }
    TB_ASSIGN_OR_RETURN(page.consents, tx.consents().ListConsents(subject_id, after_given, after_id, limit));
    // A full page may have a next one (then it may be empty).
    if (static_cast<int>(page.consents.size()) == limit) page.next_page_token = page.consents.back().id;
    return Ok();
  }));
  return page;
}

Result<ports::Consent> RevokeConsent(const Context& ctx, const Actor& actor, const std::string& id) {
  TB_ASSIGN_OR_RETURN(const std::string subject_id, ConsentSubject(actor));
  ports::Consent out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out, tx.consents().GetConsent(id));
    if (out.subject_id != subject_id) return MakeError(ErrorCode::kNotFound, "error.consent.not_found");
    const Timestamp now = ctx.clock->Now();
    TB_RETURN_IF_ERROR(tx.consents().RevokeConsent(id, now));
    out.revoked_at = now;
    return Ok();
  }));
  return out;
}

}  // namespace tongban::services
