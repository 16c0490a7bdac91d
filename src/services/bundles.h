// Bundle use cases (一件事, docs/product.md C4b, issue 11 item 1): one notice and one merged form
// for a bundle of the catalogue; one submission that makes a bundle case and one sub-case per item
// in one transaction; sub-cases that wait for others start when those are approved, or close when
// one of them ends otherwise, through the effects seam inside the transaction that decided it.
//
// Rules:
// - A field several items ask is asked once (MergedFields); each sub-case stores the answers its
//   own item asks for.
// - At submission every sub-case is checked as its item's submission is (fields, uploads,
//   eligibility); those that wait for nothing are submitted (materials fetched, deadline set) and
//   enter their department's queue; the others wait (state "waiting", no deadline, materials not
//   fetched yet: a licence they need is often the result of what they wait for).
// - A waiting sub-case starts (waiting -> submitted: materials fetched, deadline from that day)
//   in the transaction that approves the last of what it waits for.
// - When a sub-case ends without approval (refused, not accepted, withdrawn), every sub-case that
//   waits for it, directly or not, is closed (waiting -> closed, reason naming it), and the
//   applicant gets one inbox message saying how many will not start while the others carry on.
// - A sub-case of a bundle that is still a draft is submitted with its bundle, never alone.
// - The bundle's state and deadline are derived (domain::DeriveBundleProgress).
// Thread-safety: stateless functions over a Context.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "domain/bundle_case.h"
#include "services/context.h"
#include "services/data_access.h"
#include "services/effects.h"

namespace tongban::services {

// The bundle's form: every field of its items, each name once, in item order (the first item that
// asks a field gives its label and rules).
std::vector<domain::Field> MergedFields(const domain::Catalogue& catalogue, const domain::Bundle& bundle);

struct CreateBundleRequest {
  std::string bundle;
  std::map<std::string, std::string> fields;  // the merged form
  std::string on_behalf_of;  // clerks at a window: the person's resident id
  std::string enterprise;    // enterprise agents: the enterprise's credit code
  bool submit = true;        // false: a draft, whose sub-cases take their uploads before SubmitBundleCase
  std::string identity_code;  // with on_behalf_of: the person's code or an open visit (services/window.h)
  std::string visit;
};

// A bundle case as its reader sees it.
struct BundleView {
  domain::BundleCase bundle_case;
  std::vector<domain::BundlePart> parts;  // in bundle order
  domain::BundleProgress progress;
  // The licences its sub-cases issued (the industry licence among them once every part is
  // approved), when every sub-case is done; empty before.
  std::vector<domain::Licence> results;
};

// Creates the bundle case and its sub-cases in one transaction. kNotFound (error.bundle.not_found);
// kInvalidArgument (error.application.fields) with one FieldError per wrong field of the merged
// form (a field no item asks: error.field.unknown) or missing upload ("<item>/materials.<code>");
// kPermissionDenied as CreateApplication; eligibility as submission.
Result<BundleView> CreateBundleCase(const Context& ctx, const Actor& actor, const CreateBundleRequest& request);

// Submits a draft bundle case (after uploads were attached to its sub-cases), as CreateBundleCase
// submits. kNotFound when invisible; kConflict (error.bundle.submitted) when submitted already.
Result<BundleView> SubmitBundleCase(const Context& ctx, const Actor& actor, const std::string& id);

// The bundle case `id`, for its applicant and the officials of its sub-cases' departments.
// kNotFound (error.application.not_found) when there is none or it is invisible to the actor.
Result<BundleView> ViewBundleCase(const Context& ctx, const Actor& actor, const std::string& id);

// The bundle case that application `id` is a sub-case of, when it is one and visible to the actor.
Result<std::optional<std::string>> BundleOfSubCase(const Context& ctx, const Actor& actor, const std::string& id);

// The pre-fill of a bundle's merged form: each item's (services::Prefill, its reads logged under
// its own item), merged by field name (the first item that fills a field gives its value), and
// every item's materials with the item they belong to. kNotFound (error.bundle.not_found); the
// errors of Prefill.
struct BundlePrefill {
  std::map<std::string, FieldRead> fields;
  std::vector<std::pair<std::string, MaterialRead>> materials;  // (item code, material)
  std::vector<std::string> needs_consent;
};
Result<BundlePrefill> PrefillBundle(const Context& ctx, const Actor& actor, const std::string& bundle,
                                    const std::string& enterprise);

// Registers the bundle effects on application changes: start waiting sub-cases on approval, close
// them when what they wait for ended otherwise, and refuse a draft sub-case submitted alone.
void RegisterBundleEffects(Effects& effects);

}  // namespace tongban::services
