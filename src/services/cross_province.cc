#include "services/cross_province.h"

#include <algorithm>
#include <future>
#include <memory>

#include "domain/fields.h"
#include "domain/limits.h"
#include "services/application_steps.h"
#include "services/federation.h"
#include "services/window.h"

namespace tongban::services {
namespace {

using domain::Application;
using domain::ApplicationState;
using domain::CaseSide;

// The origin's copy of a peer's item is filed under "<peer>:<code>", so that nothing of this
// platform's own catalogue (a licence type, its metrics) ever takes it for one of its items.
std::string OriginItemCode(const std::string& peer, const std::string& code) { return peer + ":" + code; }

// The user id events name for what a peer platform did: "platform:<code>".
std::string PlatformActor(const std::string& code) { return "platform:" + code; }

Status QueueCaseUpdate(const Context& ctx, ports::Transaction& tx, const Application& app,
                       const domain::FederatedCase& c);

Status RequireCodec(const Context& ctx) {
  if (ctx.federation_codec == nullptr) return MakeError(ErrorCode::kUnavailable, "error.keys.unavailable");
  return Ok();
}

// The peer, when its list serves now (its items and messages are trusted only then).
Result<domain::Peer> ServingPeer(const Context& ctx, ports::Transaction& tx, const std::string& code) {
  TB_ASSIGN_OR_RETURN(domain::Peer peer, tx.federation().GetPeer(code));
  if (!domain::PeerListServes(peer, ctx.clock->Now())) {
    return MakeError(ErrorCode::kUnavailable, "error.federation.no_list");
  }
  return peer;
}

Result<PeerItem> ReadPeerItem(const Context& ctx, const domain::Peer& peer, const std::string& code,
                              std::string document) {
  TB_ASSIGN_OR_RETURN(auto parsed, ctx.federation_codec->ParseCrossProvinceItem(document));
  PeerItem out;
  out.peer = peer.code;
  out.peer_name_zh = peer.name_zh;
  out.peer_name_en = peer.name_en;
  out.item = std::move(parsed.first);
  out.item.code = code;
  out.department = std::move(parsed.second);
  out.document = std::move(document);
  return out;
}

// ---- The handler's side ----

// A person of another province as the actor of their forwarded case: the origin platform files it
// for them (events name "platform:<origin>"), with the channel they used there.
Actor ForwardingActor(const ports::CaseForward& f, const std::string& origin) {
  Actor actor;
  actor.user.id = PlatformActor(origin);
  actor.user.kind = domain::UserKind::kPerson;
  actor.user.person_id = f.person_id;
  actor.user.display_name = f.person_name;
  // Online here whatever it was there: a window's channel needs a clerk of this platform.
  const auto channel = domain::ParseChannel(f.channel).value_or(domain::Channel::kWeb);
  actor.channel = channel == domain::Channel::kMobile ? channel : domain::Channel::kWeb;
  return actor;
}

Result<std::string> HandleCaseForward(const Context& ctx, ports::Transaction& tx, const ports::FederationMessage& m) {
  TB_RETURN_IF_ERROR(RequireCodec(ctx));
  TB_ASSIGN_OR_RETURN(const ports::CaseForward f, ctx.federation_codec->ParseCaseForward(m.body));
  const auto catalogue = ctx.Catalogue();
  const domain::ServiceItem* item = catalogue->FindItem(f.item);
  if (item == nullptr || !item->cross_province) {
    return MakeError(ErrorCode::kInvalidArgument, "error.federation.not_cross_province");
  }
  const auto delivery = domain::ParseCaseSide(f.delivery);
  if (!delivery) return MakeError(ErrorCode::kInvalidArgument, "error.federation.message_malformed");
  // The same origin case forwarded again under another message id (it cannot be, but a peer's bug
  // must not make two cases): answer the case it already is.
  if (auto known = tx.federation().FindHandledCase(m.from, f.application); known.ok()) {
    TB_ASSIGN_OR_RETURN(const Application app, tx.applications().GetApplication(known->application_id));
    return std::string("{\"application\":") + domain::JsonStringLiteral(app.id) +
           ",\"reference\":" + domain::JsonStringLiteral(app.reference) + "}";
  } else if (known.error().code != ErrorCode::kNotFound) {
    return known.take_error();
  }
  const Actor actor = ForwardingActor(f, m.from);
  CreateApplicationRequest req;
  req.item = item->code;
  req.fields = f.fields;
  req.submit = true;
  // The origin asked what the published item asks; this city's data for the person is read here,
  // at submission, through the access log, as for anyone.
  TB_ASSIGN_OR_RETURN(Application app, NewApplication(ctx, actor, *item, req));
  TB_RETURN_IF_ERROR(InsertNewApplication(ctx, tx, actor, *item, req, app));
  domain::FederatedCase c;
  c.application_id = app.id;
  c.side = CaseSide::kHandler;
  c.peer = m.from;
  c.peer_application = f.application;
  c.peer_reference = f.reference;
  c.item_name_zh = item->name.zh;
  c.item_name_en = item->name.en;
  if (const domain::Department* d = catalogue->FindDepartment(item->department)) {
    c.department_zh = d->name.zh;
    c.department_en = d->name.en;
  }
  c.delivery = *delivery;
  c.delivery_address = f.delivery_address;
  c.forwarded_at = ctx.clock->Now();
  TB_RETURN_IF_ERROR(tx.federation().InsertFederatedCase(c));
  // The submission's event was published before the row above existed: send the case's first
  // state back now (later changes go through the effect).
  TB_RETURN_IF_ERROR(QueueCaseUpdate(ctx, tx, app, c));
  return std::string("{\"application\":") + domain::JsonStringLiteral(app.id) +
         ",\"reference\":" + domain::JsonStringLiteral(app.reference) + "}";
}

// Sends every event of a handled case so far back to its origin (idempotent there by seq).
Status QueueCaseUpdate(const Context& ctx, ports::Transaction& tx, const Application& app,
                       const domain::FederatedCase& c) {
  TB_ASSIGN_OR_RETURN(const std::vector<domain::Event> events, tx.applications().ListEvents(app.id));
  ports::CaseUpdate u;
  u.application = c.peer_application;
  u.peer_application = app.id;
  u.peer_reference = app.reference;
  u.deadline = app.deadline ? FormatIsoDate(*app.deadline) : "";
  for (const domain::Event& e : events) {
    if (e.action == "view_material") continue;  // an official's read, not a step of the case
    ports::CaseUpdateEvent out;
    out.seq = e.seq;
    out.action = e.action;
    out.from = domain::StateName(e.from);
    out.to = domain::StateName(e.to);
    out.role = e.actor_role;
    out.reason = e.reason;
    out.at = e.at;
    u.events.push_back(std::move(out));
  }
  OutgoingMessage message;
  message.id = ctx.ids->NewId();
  message.to = c.peer;
  message.kind = kCaseUpdateKind;
  message.body = ctx.federation_codec->CaseUpdateBody(u);
  return EnqueueFederationMessage(ctx, tx, message,
                                  "case.update:" + app.id + ":" + std::to_string(app.version));
}

// ---- The origin's side ----

Result<std::string> HandleCaseUpdate(const Context& ctx, ports::Transaction& tx, const ports::FederationMessage& m) {
  TB_RETURN_IF_ERROR(RequireCodec(ctx));
  TB_ASSIGN_OR_RETURN(ports::CaseUpdate u, ctx.federation_codec->ParseCaseUpdate(m.body));
  auto found = tx.federation().GetFederatedCase(u.application);
  if (!found.ok() || found->side != CaseSide::kOrigin || found->peer != m.from) {
    if (found.ok() || found.error().code == ErrorCode::kNotFound) {
      return MakeError(ErrorCode::kInvalidArgument, "error.federation.unknown_case");
    }
    return found.take_error();
  }
  domain::FederatedCase c = std::move(found).value();
  TB_ASSIGN_OR_RETURN(Application app, tx.applications().GetApplication(c.application_id));
  const Timestamp now = ctx.clock->Now();
  const std::optional<Date> deadline = ParseIsoDate(u.deadline);
  c.peer_application = u.peer_application;
  c.peer_reference = u.peer_reference;
  if (!c.forwarded_at) {
    // The handler took the case: the history says so, with its reference number there.
    c.forwarded_at = now;
    app.deadline = deadline;
    app.version += 1;
    app.updated_at = std::max(now, app.updated_at);
    TB_RETURN_IF_ERROR(tx.applications().UpdateApplication(app));
    TB_RETURN_IF_ERROR(RecordPlatformEvent(ctx, tx, PlatformActor(m.from), app.channel, app, "forwarded", app.state,
                                           c.peer_reference));
  }
  std::sort(u.events.begin(), u.events.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  int mirrored = 0;
  for (const ports::CaseUpdateEvent& e : u.events) {
    if (e.seq <= c.peer_seq) continue;  // mirrored from an earlier update
    c.peer_seq = e.seq;
    const auto to = domain::ParseState(e.to);
    if (!to) return MakeError(ErrorCode::kInvalidArgument, "error.federation.message_malformed");
    // The handler's creation and submission are this case's own, recorded here when it was filed.
    if (e.action == "create" || e.action == "submit") continue;
    const ApplicationState before = app.state;
    app.state = *to;
    app.deadline = deadline;
    app.version += 1;
    app.updated_at = std::max(e.at, app.updated_at);
    TB_RETURN_IF_ERROR(tx.applications().UpdateApplication(app));
    TB_RETURN_IF_ERROR(RecordPlatformEvent(ctx, tx, PlatformActor(m.from), app.channel, app, e.action, before, e.reason));
    ++mirrored;
  }
  TB_RETURN_IF_ERROR(tx.federation().UpdateFederatedCase(c));
  return "{\"mirrored\":" + std::to_string(mirrored) + "}";
}

Result<std::string> HandleItemsList(const Context& ctx, ports::Transaction&, const ports::FederationMessage&) {
  TB_RETURN_IF_ERROR(RequireCodec(ctx));
  return ctx.federation_codec->ItemListBody(CrossProvinceItemDocuments(ctx));
}

}  // namespace

std::vector<std::string> CrossProvinceItemDocuments(const Context& ctx) {
  std::vector<std::string> out;
  if (ctx.federation_codec == nullptr) return out;
  const auto catalogue = ctx.Catalogue();
  for (const domain::ServiceItem& item : catalogue->items()) {
    if (!item.cross_province) continue;
    const domain::Department* d = catalogue->FindDepartment(item.department);
    out.push_back(ctx.federation_codec->CrossProvinceItemJson(item, d ? d->name : domain::LocalText{}));
  }
  return out;
}

Result<std::vector<PeerItem>> ListPeerItems(const Context& ctx, const std::string& peer_code,
                                            const std::string& after_code, int limit) {
  TB_RETURN_IF_ERROR(RequireCodec(ctx));
  std::vector<PeerItem> out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const domain::Peer peer, tx.federation().GetPeer(peer_code));
    if (!domain::PeerListServes(peer, ctx.clock->Now())) return Ok();  // not trusted now: nothing listed
    TB_ASSIGN_OR_RETURN(auto rows, tx.federation().ListPeerItems(peer_code, after_code, limit));
    for (auto& [code, document] : rows) {
      auto item = ReadPeerItem(ctx, peer, code, std::move(document));
      if (item.ok()) out.push_back(std::move(item).value());
    }
    return Ok();
  }));
  return out;
}

Result<PeerItem> GetPeerItem(const Context& ctx, const std::string& peer_code, const std::string& code) {
  TB_RETURN_IF_ERROR(RequireCodec(ctx));
  Result<PeerItem> out = MakeError(ErrorCode::kNotFound, "error.federation.unknown_item");
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const domain::Peer peer, ServingPeer(ctx, tx, peer_code));
    TB_ASSIGN_OR_RETURN(std::string document, tx.federation().GetPeerItem(peer_code, code));
    out = ReadPeerItem(ctx, peer, code, std::move(document));
    return Ok();
  }));
  return out;
}

Result<int> RefreshPeerItems(const Context& ctx, ports::OutboundHttp& http) {
  TB_RETURN_IF_ERROR(RequireCodec(ctx));
  std::vector<domain::Peer> peers;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(peers, tx.federation().ListPeers("", ports::kMaxPeerPage));
    return Ok();
  }));
  int answered = 0;
  const Timestamp now = ctx.clock->Now();
  for (const domain::Peer& peer : peers) {
    if (!domain::PeerListServes(peer, now)) continue;
    OutgoingMessage ask;
    ask.id = ctx.ids->NewId();
    ask.to = peer.code;
    ask.kind = kItemsListKind;
    auto jws = SignFederationMessage(ctx, ask);
    if (!jws.ok()) return jws.error();
    auto promise = std::make_shared<std::promise<Result<ports::OutboundResponse>>>();
    auto future = promise->get_future();
    PostToPeer(ctx, http, peer.code, std::move(jws).value(),
               [promise](Result<ports::OutboundResponse> r) { promise->set_value(std::move(r)); });
    const PeerAnswer answer = ReadPeerAnswer(ctx, peer.code, ask.id, future.get());
    if (!answer.reply.ok()) continue;  // the items fetched before keep serving
    auto items = ctx.federation_codec->ParseItemList(answer.reply->body);
    if (!items.ok()) continue;
    TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
      auto still = tx.federation().GetPeer(peer.code);
      if (!still.ok()) return still.error().code == ErrorCode::kNotFound ? Ok() : still.error();
      return tx.federation().ReplacePeerItems(peer.code, *items, now);
    }));
    ++answered;
  }
  return answered;
}

Result<Application> ApplyCrossProvince(const Context& ctx, const Actor& actor, const CrossProvinceRequest& req) {
  TB_RETURN_IF_ERROR(RequireCodec(ctx));
  const std::string& address = req.delivery_address;
  if (address.find_first_not_of(" \t\r\n") == std::string::npos ||
      domain::CodePoints(address) > kMaxDeliveryAddressCodePoints) {
    return MakeError(ErrorCode::kInvalidArgument, "error.federation.delivery");
  }
  const bool clerk = actor.user.HasRole(domain::Role::kClerk) && !req.on_behalf_of.empty();
  if (!clerk && actor.user.person_id.empty()) {
    return MakeError(ErrorCode::kPermissionDenied, "error.application.person_only");
  }
  const Timestamp now = ctx.clock->Now();
  const Date today = LocalDate(now);
  Application app;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const domain::Peer peer, ServingPeer(ctx, tx, req.peer));
    auto document = tx.federation().GetPeerItem(peer.code, req.item);
    if (!document.ok()) return document.error();
    TB_ASSIGN_OR_RETURN(const PeerItem item, ReadPeerItem(ctx, peer, req.item, std::move(document).value()));
    std::string person_id = actor.user.person_id;
    if (clerk) {
      TB_ASSIGN_OR_RETURN(const ports::WindowVisit visit,
                          RequirePresence(ctx, tx, actor, req.on_behalf_of, req.identity_code, req.visit));
      (void)visit;
      person_id = req.on_behalf_of;
    }
    app.fields = req.fields;
    auto errors = domain::ValidateFields(item.item, app.fields, /*submit=*/true, today);
    if (!errors.empty()) return FieldErrors(std::move(errors));
    app.id = ctx.ids->NewId();
    app.item = OriginItemCode(peer.code, item.item.code);
    app.department = "";  // no department here acts on it
    app.applicant_user_id = actor.user.id;
    app.person_id = person_id;
    app.channel = actor.channel;
    app.centre = clerk ? actor.user.centre : "";
    app.state = ApplicationState::kSubmitted;
    app.created_at = now;
    app.updated_at = now;
    app.submitted_at = now;
    app.version = 1;
    app.catalogue_version = ctx.Catalogue()->published_version();
    TB_ASSIGN_OR_RETURN(app.applicant_name, ApplicantName(tx, actor, app));
    TB_ASSIGN_OR_RETURN(const int64_t sequence, tx.applications().NextReferenceSequence(today));
    app.reference = FormatReference(ctx.reference_prefix, today, sequence);
    TB_RETURN_IF_ERROR(tx.applications().InsertApplication(app));
    domain::FederatedCase c;
    c.application_id = app.id;
    c.side = CaseSide::kOrigin;
    c.peer = peer.code;
    c.item_name_zh = item.item.name.zh;
    c.item_name_en = item.item.name.en;
    c.department_zh = item.department.zh;
    c.department_en = item.department.en;
    c.delivery = req.delivery;
    c.delivery_address = address;
    TB_RETURN_IF_ERROR(tx.federation().InsertFederatedCase(c));
    TB_RETURN_IF_ERROR(RecordEvent(ctx, tx, actor, app, "submit", ApplicationState::kDraft,
                                   clerk ? domain::ActorRole::kClerk : domain::ActorRole::kApplicant, ""));
    ports::CaseForward f;
    f.application = app.id;
    f.reference = app.reference;
    f.item = item.item.code;
    f.person_id = person_id;
    f.person_name = app.applicant_name;
    f.channel = domain::ChannelName(app.channel);
    f.delivery = domain::CaseSideName(req.delivery);
    f.delivery_address = address;
    f.fields = app.fields;
    f.submitted_at = now;
    OutgoingMessage forward;
    forward.id = ctx.ids->NewId();
    forward.to = peer.code;
    forward.kind = kCaseForwardKind;
    forward.body = ctx.federation_codec->CaseForwardBody(f);
    return EnqueueFederationMessage(ctx, tx, forward, "case.forward:" + app.id);
  }));
  return app;
}

Result<std::optional<CrossProvinceView>> CrossProvinceCaseOf(const Context& ctx, const std::string& application_id) {
  std::optional<CrossProvinceView> out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    auto found = tx.federation().GetFederatedCase(application_id);
    if (!found.ok()) return found.error().code == ErrorCode::kNotFound ? Ok() : found.error();
    CrossProvinceView view;
    view.c = std::move(found).value();
    auto peer = tx.federation().GetPeer(view.c.peer);
    if (peer.ok()) {
      view.peer_name_zh = peer->name_zh;
      view.peer_name_en = peer->name_en;
    } else if (peer.error().code != ErrorCode::kNotFound) {
      return peer.error();
    }
    out = std::move(view);
    return Ok();
  }));
  return out;
}

void RegisterCrossProvinceHandlers(FederationHandlers& handlers) {
  handlers.Register(kCaseForwardKind, HandleCaseForward);
  handlers.Register(kCaseUpdateKind, HandleCaseUpdate);
  handlers.Register(kItemsListKind, HandleItemsList);
}

void RegisterCrossProvinceEffects(Effects& effects) {
  effects.On<domain::ApplicationChanged>(
      "federation.case_update", [](EffectScope& scope, const domain::ApplicationChanged& e) -> Status {
        if (e.action == "view_material" || scope.context().federation_codec == nullptr) return Ok();
        auto c = scope.tx().federation().GetFederatedCase(e.application.id);
        if (!c.ok()) return c.error().code == ErrorCode::kNotFound ? Ok() : c.error();
        if (c->side != CaseSide::kHandler) return Ok();
        return QueueCaseUpdate(scope.context(), scope.tx(), e.application, *c);
      });
}

}  // namespace tongban::services
