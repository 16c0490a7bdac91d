// Use cases for applications (docs/product.md C3, C4): create (draft or submit), edit a draft, attach
// uploads, act through the workflow, read and list. Each is one transaction; every write stores an
// Event with actor, role, channel, time and reason.
// Thread-safety: stateless functions over a Context; safe from every thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "services/context.h"
#include "services/external_sources.h"

namespace tongban::services {

// Act stores a correction that asks for presence with this prefix before the reviewer's words, in
// the event's reason (the history shows it as in_person; the dashboards count the case as not
// fully online).
inline constexpr std::string_view kInPersonPrefix = "[in person] ";

// Uploads: at most this many bytes each; PDF, JPEG and PNG recognised by content.
inline constexpr size_t kMaxUploadBytes = 10 * 1024 * 1024;

struct CreateApplicationRequest {
  std::string item;
  std::map<std::string, std::string> fields;
  std::string on_behalf_of;   // clerks at a window: the person's resident id
  std::string enterprise;     // enterprise agents: the enterprise's credit code
  bool submit = true;         // false: save as a draft
  // With on_behalf_of, the proof that the person is at the clerk's window (services/window.h):
  // their identity code (it opens a visit) or an open visit of this clerk.
  std::string identity_code;
  std::string visit;
  // Submission: the external datasets' answers for its materials (MaterialExternalCalls,
  // FetchExternal), fetched before the transaction; none: those materials are missing.
  const ExternalReads* external = nullptr;
};

// Creates an application for `actor`, as a draft or submitted. kNotFound for an unknown item;
// kInvalidArgument with one FieldError per wrong field, or when a required upload is missing at
// submission; kPermissionDenied when the actor may not apply for the item (wrong applicant kind,
// no agent rights, window channel without being a clerk).
Result<domain::Application> CreateApplication(const Context& ctx, const Actor& actor,
                                              const CreateApplicationRequest& request);

// How UpdateFields treats the fields the draft already holds.
enum class FieldUpdate {
  kReplace,  // the given fields become the whole form
  kMerge,    // the given fields are set; the others keep their values (one question at a time)
};

// Replaces (or merges into) the fields of a draft or of an application waiting for correction, in
// one write whose "update" event names the fields that changed. kNotFound when invisible to the
// actor; kConflict when not editable; kInvalidArgument per wrong field, or one for "fields" when the
// form is over the bounds of domain/limits.h.
Result<domain::Application> UpdateFields(const Context& ctx, const Actor& actor, const std::string& id,
                                         std::map<std::string, std::string> fields,
                                         FieldUpdate update = FieldUpdate::kReplace);

// One page of answers from the apply pages: a new draft (`application` empty) or the answers of a
// draft or of an application waiting for correction, replaced or merged.
struct SaveAnswersRequest {
  std::string item;
  std::string application;  // empty: create a draft of `item`
  std::map<std::string, std::string> fields;
  FieldUpdate update = FieldUpdate::kReplace;
  std::string enterprise;   // enterprise agents, for a new draft: the enterprise's credit code
  bool complete = false;    // also report the answers still missing for submission (uploads aside)
  std::string on_behalf_of;  // a family proxy, for a new draft: the person's id (services/proxies.h)
};

// What SaveAnswers wrote, and what the form still lacks when `complete` was asked.
struct SavedAnswers {
  domain::Application application;
  std::vector<FieldError> missing;  // required answers still empty (only with `complete`)
};

// The apply pages' one use case (issue 7 item 2): saves the answers of one page, creating the draft
// when there is none, and (with `complete`) checks the merged form as submission will, all in one
// transaction. An answer that is present and valid is always kept, even when another one is still
// missing: the missing ones are returned in `missing` for the page to ask, so that what a person
// typed is never lost. A wrong answer (type, bounds, unknown or sourced field) writes nothing:
// kInvalidArgument with one FieldError per wrong field. kNotFound for an unknown item or an
// application invisible to the actor; kConflict when it may no longer be edited; kPermissionDenied
// as CreateApplication and UpdateFields.
Result<SavedAnswers> SaveAnswers(const Context& ctx, const Actor& actor, const SaveAnswersRequest& request);

// Whether `action` takes the request field `field`: "channel" and "reason" (at most
// domain::kMaxReasonCodePoints characters) every action; "in_person" only request-correction;
// "fields" only resubmit. Handlers refuse every other field of a request with error.action.field_not_taken.
bool ActionTakes(domain::Action action, std::string_view field);

// Takes `action` with `reason`. Fields, when given (resubmit only), replace the form first,
// validated as UpdateFields validates them and recorded by an "update" event before the
// "resubmit" one, in the same transaction. kNotFound when the application is invisible to the
// actor (officials never see drafts); kPermissionDenied when the actor's role may not take the
// action; kConflict when the state does not allow it (also when another actor acted first);
// kInvalidArgument when the request carries what the action does not take (fields, in_person),
// when a required reason is missing, too long or not text, when a field is wrong, or when the action
// would ask for presence on a fully online item.
struct ActRequest {
  domain::Action action = domain::Action::kSubmit;
  std::string reason;
  bool in_person = false;  // request-correction only: ask the applicant to come in person
  std::optional<std::map<std::string, std::string>> fields;  // resubmit only
  const ExternalReads* external = nullptr;  // submit, resubmit: as CreateApplicationRequest's
};
Result<domain::Application> Act(const Context& ctx, const Actor& actor, const std::string& id,
                                const ActRequest& request);

// Attaches an upload to an `upload` material of a draft or an application waiting for correction.
// The file name is kept for display only, cut to domain::kMaxFileNameCodePoints characters.
// kInvalidArgument when the material is not an upload (shared data and licences are never asked
// for), the content is not PDF/JPEG/PNG, or it is empty, or the file name is not UTF-8 or holds
// control characters (error.upload.file_name); kPayloadTooLarge over 10 MB.
Result<domain::Application> AttachUpload(const Context& ctx, const Actor& actor, const std::string& id,
                                         const std::string& material, const std::string& file_name,
                                         const std::string& content);

// Checks the answers of a complete form for `item` as submission would, leaving out the uploads
// (they come on their own page) and writing nothing. kNotFound for an unknown item;
// kInvalidArgument with one FieldError per wrong or missing answer.
Status CheckAnswers(const Context& ctx, const std::string& item, std::map<std::string, std::string> fields);

// An uploaded file as it is handed out: the stored content and type, and the name it was uploaded with.
struct OpenedUpload {
  ports::Blob blob;
  std::string file_name;
};

// The uploaded file of a material, for whoever may read the application (the same rule as
// ViewApplication). An official's read is recorded with the case in the same transaction: a
// "view_material" event (actor, role, channel, time; the material's code as its reason) that
// bumps the version but not updated_at. This is the one function through which files are read,
// so the access log hooks in here. kNotFound when the application is invisible to the actor or
// the material has no upload.
Result<OpenedUpload> OpenUpload(const Context& ctx, const Actor& actor, const std::string& id,
                                const std::string& material);

// OpenUpload's content alone.
Result<ports::Blob> GetUpload(const Context& ctx, const Actor& actor, const std::string& id,
                              const std::string& material);

Result<domain::Application> GetApplication(const Context& ctx, const Actor& actor, const std::string& id);
Result<std::vector<domain::Event>> ListEvents(const Context& ctx, const Actor& actor, const std::string& id);

// The longest text a search box takes, in characters.
inline constexpr size_t kMaxSearchCodePoints = 50;

struct ListRequest {
  std::optional<domain::ApplicationState> state;
  std::string item;
  std::string enterprise;  // an agent: list this enterprise's applications
  // Search: a reference number (any case, hyphens optional), an 18-character resident id number,
  // or else the start of the applicant's name.
  std::string query;
  bool mine = false;         // officials: only the cases assigned to the caller
  bool by_deadline = false;  // earliest deadline first (submitted cases only), instead of newest first
  std::string page_token;
  int limit = ports::kDefaultPageSize;  // clamped to 1..ports::kMaxPageSize
};
// An applicant's own applications, an official's queue (department, or centre for clerks; never
// drafts) or, with `enterprise`, the enterprise's applications of the items the agent's grant
// covers: exactly what GetApplication would show, one by one. kPermissionDenied
// (error.application.no_agent_rights) when the caller may not act for `enterprise` at all, or
// (error.application.no_scope) for an official who is neither a reviewer nor a clerk with a scope;
// kInvalidArgument for a query that is not text or longer than kMaxSearchCodePoints
// (error.search.query) and for `mine` asked by someone who is not an official
// (error.search.mine_officials); kNotFound (error.application.reference_check) for a reference
// number whose check character does not match.
Result<ports::ApplicationPage> ListApplications(const Context& ctx, const Actor& actor, const ListRequest& request);

// How close a case is to its deadline, for officials' lists.
enum class DeadlineMark { kNone, kDueSoon, kOverdue };
// Working days counted with the calendar: due soon when waiting on the department and the deadline
// is today or within kDueSoonWorkingDays working days; overdue past it (domain::IsOverdue).
inline constexpr int kDueSoonWorkingDays = 3;
DeadlineMark MarkDeadline(const Context& ctx, const domain::Application& app);

// The caller's queue at a glance: the cases waiting on the department (or centre), how many are
// overdue and how many due within kDueSoonWorkingDays working days. kPermissionDenied
// (error.application.no_scope) for someone without a queue.
Result<ports::QueueCounts> CountQueue(const Context& ctx, const Actor& actor);

// The officials (reviewers and clerks) of the caller's department, whom a case may be assigned to,
// by name. kPermissionDenied (error.assign.not_department) for a caller without a department.
Result<std::vector<domain::User>> Colleagues(const Context& ctx, const Actor& actor);

// Assigns case `id` (id or reference number) to official `assignee_user_id`: the caller or a
// colleague of the case's department. Not a state transition: the version is bumped and an "assign"
// event records who assigned whom (its reason holds the assignee's name), when. kNotFound when the
// case is invisible to the caller; kPermissionDenied (error.assign.not_department) unless the caller
// is a reviewer or clerk of the case's department; kInvalidArgument (error.assign.assignee) unless
// the assignee is a reviewer or clerk of that department; kConflict (error.assign.ended) once the
// case has ended.
Result<domain::Application> Assign(const Context& ctx, const Actor& actor, const std::string& id,
                                   const std::string& assignee_user_id);

// An action the caller may take now, with the workflow table's rule for its reason.
struct ActionOption {
  domain::Action action = domain::Action::kSubmit;
  bool reason_required = false;
};

// A material the item asks for, in catalogue order, with its status on the application (an upload
// not yet attached is kMissing; shared data and licences are kToBeFetched until fetched).
struct MaterialView {
  std::string code;
  domain::MaterialSource source = domain::MaterialSource::kUpload;
  domain::MaterialStatus status = domain::MaterialStatus::kMissing;
  // Fetched at submission (services/data_access.h): a shared_data material's record, or why it
  // could not be fetched (`reason`, with status kMissing).
  std::string reason;
  std::string dataset;
  std::string record_id;
  Timestamp as_of{};
  // A licence material (C7): the applicant's (or acting enterprise's) newest e-licence of its type
  // as fetched at submission. licence_status "valid" satisfied it (kFetched, with this
  // provenance); "suspended", "revoked" or "expired" did not, and the page says why; empty when
  // they held none.
  std::string licence_id;
  std::string licence_issuer;
  std::string licence_status;
  Timestamp licence_as_of{};
};

// One entry of an application's history in plain words, built from its events: what the pages
// show, deciding nothing themselves. Saves of a draft collapse into one "draft" entry; a reason
// holds only what a person wrote; fields and materials are named, never given by their codes.
struct TimelineEntry {
  // "draft" (the applicant started and saved a draft), "answers" (answers changed after
  // submission), "upload" (a file was attached after submission), "view_material" (an official
  // opened an uploaded file; `names` holds the material), "assign" (`names` holds the assignee), or
  // the ActionName taken.
  std::string what;
  Timestamp at{};
  std::string actor_role;  // "applicant", "clerk", "reviewer"
  std::string actor_user_id;
  std::string actor_name;  // the official's display name, for "view_material" (who opened a file); the proxy's
  domain::Channel channel = domain::Channel::kWeb;
  // The state the entry led to, only when the words of `what` do not already say it (a
  // resubmission leads to "under review"; "completed" after "complete" is not repeated).
  std::optional<domain::ApplicationState> state;
  std::string reason;   // what the person wrote, verbatim; empty when they wrote nothing
  bool in_person = false;  // a correction that asks the applicant to come in person
  std::vector<domain::LocalText> names;  // the answers changed or the material uploaded
  // A clerk did it for the applicant at a window (services/window.h): their name and centre code.
  std::string assisted_name;
  std::string assisted_centre;
};

// The history of `app` in plain words, oldest first (see TimelineEntry); `item` names the fields
// and materials (nullptr: codes are left out rather than shown).
std::vector<TimelineEntry> Timeline(const std::vector<domain::Event>& events, const domain::ServiceItem* item);

// What the department asked for when the application waits for correction.
struct CorrectionAsked {
  std::string reason;
  bool in_person = false;
  Timestamp at{};
};

// One application as this caller sees it, read in one transaction: what pages and API handlers
// render, deciding nothing themselves.
struct ApplicationView {
  domain::Application application;
  std::vector<domain::Event> events;           // oldest first
  std::vector<domain::ActorRole> roles;        // the caller's parts on it (never empty)
  std::vector<ActionOption> actions;           // what the caller may do now, in workflow-table order
  bool editable = false;  // the caller may change its answers and uploads now (the one Editable rule)
  bool overdue = false;   // past its deadline today and still waiting on the department
  std::vector<MaterialView> materials;
  std::vector<TimelineEntry> timeline;         // oldest first
  std::optional<CorrectionAsked> correction;   // set while the state is correction_requested
  bool official = false;  // the caller sees it as an official (clerk or reviewer), not as its applicant
};

// Whether an application in `state` may still have its answers and uploads changed.
bool Editable(domain::ApplicationState state);

// The view of application `id` for `actor`. kNotFound when invisible to the actor; a store failure
// is returned as it is, never hidden behind an empty list of actions.
Result<ApplicationView> ViewApplication(const Context& ctx, const Actor& actor, const std::string& id);

// Gives every application made before reference numbers existed its number (dated by its creation)
// and its applicant's name, in batches; run at start-up, safe on several servers at once.
// Returns how many it numbered.
Result<int64_t> AssignMissingReferences(const Context& ctx);

// The content type of `content` when it is a PDF, JPEG or PNG, judged by its first bytes; "" otherwise.
std::string SniffContentType(std::string_view content);

}  // namespace tongban::services
